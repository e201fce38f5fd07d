//! The note model: notes, days, tasks and time entries, as plain data with byte spans.
//!
//! Names follow docs/syntax.md. Nothing here knows about files or clocks: a `Note` is what
//! the parser made of one text.

use std::borrow::Cow;

use chrono::NaiveDate;
use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// Minutes since the midnight that starts the entry's day. May be 1440 or more for the part
/// of a log that runs past midnight (the day still owns it).
pub type DayMinute = u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateSource {
    FileName,
    FrontMatter,
}

#[derive(Debug, Clone, Serialize)]
pub struct Note {
    /// The note's own date, from its file name or front matter.
    pub date: Option<NaiveDate>,
    pub date_source: Option<DateSource>,
    /// Date headings that start a day inside the note (the one-long-note habit).
    pub days: Vec<DaySection>,
    pub headings: Vec<Heading>,
    pub tasks: Vec<Task>,
    pub entries: Vec<TimeEntry>,
    pub regions: Vec<Region>,
    pub diagnostics: Vec<Diagnostic>,
    /// Byte length of the text the note was parsed from.
    pub len: usize,
    /// Line ending the note mostly uses (for inserted text).
    pub crlf: bool,
    pub bom: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Heading {
    pub level: u8,
    /// The whole heading line.
    pub span: Span,
    pub line: usize,
    /// The heading's text, without the `#`s.
    pub text: String,
}

/// A date heading and the part of the note it governs: up to the next heading of the same
/// or a higher level.
#[derive(Debug, Clone, Serialize)]
pub struct DaySection {
    pub date: NaiveDate,
    pub heading: usize,
    pub span: Span,
}

/// The status of a task: the character between the brackets, or a Logseq keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Open,
    Done,
    Cancelled,
    InProgress,
    RolledOver,
    Scheduled,
    /// Logseq WAITING.
    Waiting,
    /// A checkbox character mdtasks gives no meaning to; kept as written.
    Other,
}

impl Status {
    pub fn from_checkbox(c: char) -> Status {
        match c {
            ' ' => Status::Open,
            'x' | 'X' => Status::Done,
            '-' => Status::Cancelled,
            '/' => Status::InProgress,
            '>' => Status::RolledOver,
            '<' => Status::Scheduled,
            _ => Status::Other,
        }
    }

    /// Still to be done: open, in progress or waiting. Rolled-over, scheduled, cancelled and
    /// done tasks are not "open" here; they live on elsewhere or are finished.
    pub fn is_open(self) -> bool {
        matches!(self, Status::Open | Status::InProgress | Status::Waiting)
    }

    pub fn is_done(self) -> bool {
        self == Status::Done
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Marker {
    /// `[c]`; the span covers the single status character, which is what an edit replaces.
    Checkbox { status_char: char, span: Span },
    /// A Logseq keyword (`TODO`, `DONE`, ...); the span covers the word.
    Keyword { word: &'static str, span: Span },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Lowest,
    Low,
    Normal,
    Medium,
    High,
    Highest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bullet {
    Dash,
    Star,
    Plus,
    /// `1.` or `1)`: the char is the delimiter.
    Ordered,
}

#[derive(Debug, Clone, Serialize)]
pub struct Task {
    /// The whole list item, children included.
    pub span: Span,
    /// The item's first line, without its line ending.
    pub line_span: Span,
    /// 1-based line and column of the marker.
    pub line: usize,
    pub column: usize,
    pub marker: Marker,
    pub status: Status,
    /// The text after the marker on the first line, as written (tags and fields included).
    pub text: String,
    pub text_span: Span,
    pub tags: Vec<String>,
    /// The day the task belongs to: its date heading, else the note's date.
    pub date: Option<NaiveDate>,
    /// Index into `Note::tasks` of the nearest enclosing task.
    pub parent: Option<usize>,
    /// Index into `Note::tasks` just after the last task nested under this one (the tasks
    /// nested under a task follow it): `children` and `descendants` read this.
    pub subtree_end: usize,
    /// Nesting depth among tasks (0 for a top-level task).
    pub depth: usize,
    pub bullet: Bullet,
    /// Position in an ordered list (`3.` is 3), None for bullets.
    pub ordinal: Option<u64>,
    /// Index into `Note::headings` of the heading the task sits under.
    pub heading: Option<usize>,
    pub due: Option<NaiveDate>,
    pub scheduled: Option<NaiveDate>,
    pub start: Option<NaiveDate>,
    pub created: Option<NaiveDate>,
    pub done_date: Option<NaiveDate>,
    pub cancelled_date: Option<NaiveDate>,
    pub recurrence: Option<String>,
    pub priority: Option<Priority>,
    pub estimate_minutes: Option<u32>,
    /// Inside a block quote or callout.
    pub quoted: bool,
    /// A time block: under a time-blocks heading (`ParseOptions::plan_headings`) or tagged
    /// `#block`. The day's plan: never rolled over, offered as next, or exported as a task.
    pub block: bool,
}

impl Task {
    /// The status as written: the bracket character, or the Logseq keyword (borrowed for
    /// ASCII characters and the keywords: no allocation for most tasks).
    pub fn status_text(&self) -> Cow<'static, str> {
        match &self.marker {
            Marker::Checkbox { status_char, .. } => checkbox_text(*status_char),
            Marker::Keyword { word, .. } => Cow::Borrowed(word),
        }
    }
}

/// A checkbox's status character as text, borrowed for ASCII characters.
pub fn checkbox_text(c: char) -> Cow<'static, str> {
    static ASCII: [u8; 128] = {
        let mut t = [0u8; 128];
        let mut i = 0;
        while i < 128 {
            t[i] = i as u8;
            i += 1;
        }
        t
    };
    if c.is_ascii() {
        let i = c as usize;
        Cow::Borrowed(std::str::from_utf8(&ASCII[i..=i]).expect("an ASCII byte"))
    } else {
        Cow::Owned(c.to_string())
    }
}

/// The tasks nested under `tasks[i]`, at any depth (indices into the note's tasks).
pub fn descendants(tasks: &[Task], i: usize) -> std::ops::Range<usize> {
    i + 1..tasks[i].subtree_end
}

/// The tasks directly under `tasks[i]`, in order: the first task after it, then the task
/// after each one's subtree, up to the end of its own (whatever lies between, a task's
/// subtree is contiguous, so this is as many steps as it has children).
pub fn children(tasks: &[Task], i: usize) -> impl Iterator<Item = usize> + '_ {
    let end = tasks[i].subtree_end;
    let mut next = i + 1;
    std::iter::from_fn(move || {
        (next < end).then(|| {
            let child = next;
            debug_assert_eq!(tasks[child].parent, Some(i));
            next = tasks[child].subtree_end;
            child
        })
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntrySource {
    /// `07:00-08:15`
    Range,
    /// `09:15 call (15m)`
    Duration,
    /// `10:00 email`, running until the next entry of the day starts.
    NextEntry,
    /// A Logseq/Org `CLOCK:` line.
    Clock,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimeEntry {
    /// The entry's line (the list item's first line, or the plain line).
    pub span: Span,
    pub line: usize,
    /// The day the entry belongs to; None in an undated note.
    pub date: Option<NaiveDate>,
    /// Minutes after the day's midnight; 1440 and more after midnight.
    pub start: DayMinute,
    /// None while the entry is open.
    pub end: Option<DayMinute>,
    pub source: EntrySource,
    pub tags: Vec<String>,
    pub text: String,
    /// For clock lines: the task they belong to (index into `Note::tasks`).
    pub task: Option<usize>,
    /// `END`/`BREAK` lines close the previous entry and are not activities themselves.
    #[serde(skip)]
    pub is_stop: bool,
}

impl TimeEntry {
    pub fn minutes(&self) -> Option<u32> {
        self.end.map(|e| e - self.start)
    }
}

/// A region between `<!-- mdtasks:NAME:start -->` and `<!-- mdtasks:NAME:end -->`.
#[derive(Debug, Clone, Serialize)]
pub struct Region {
    pub name: String,
    pub start_marker: Span,
    pub end_marker: Span,
    /// The bytes between the two marker lines.
    pub content: Span,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_character_is_its_text_borrowed_when_ascii() {
        for c in [' ', 'x', 'X', '>', '\u{7f}', '\0', 'é', '✓', '\u{1F600}'] {
            let t = checkbox_text(c);
            assert_eq!(t, c.to_string());
            assert_eq!(matches!(t, Cow::Borrowed(_)), c.is_ascii(), "{c:?}");
        }
    }

    /// A task's descendants are the tasks after it up to `subtree_end`, its children those of
    /// them whose parent it is, whatever lies between (plain items, deeper nesting).
    #[test]
    fn children_and_descendants_follow_the_nesting() {
        let text =
            "- [ ] a\n  - [ ] b\n    - plain\n      - [ ] c\n  - [ ] d\n- [ ] e\n  - [x] f\n";
        let note = crate::parse::parse_note(text, &crate::parse::ParseOptions::with_defaults());
        let t = &note.tasks;
        let names: Vec<&str> = t.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "d", "e", "f"]);
        assert_eq!(descendants(t, 0), 1..4);
        assert_eq!(children(t, 0).collect::<Vec<_>>(), [1, 3]);
        assert_eq!(descendants(t, 1), 2..3);
        assert_eq!(children(t, 1).collect::<Vec<_>>(), [2]);
        assert!(descendants(t, 2).is_empty() && descendants(t, 3).is_empty());
        assert_eq!(children(t, 4).collect::<Vec<_>>(), [5]);
        assert!(descendants(t, 5).is_empty());
        assert_eq!(t[5].status_text(), "x");
    }
}
