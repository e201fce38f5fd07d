//! Listings of tasks and time entries, as text for people and JSON Lines for scripts.

use std::io::{self, Write};

use chrono::NaiveDate;
use serde::Serialize;

use crate::cli::TasksArgs;
use crate::load::LoadedNote;
use crate::model::{DayMinute, EntrySource, Marker, Priority, Status, Task, TimeEntry};
use crate::parse::add_days;

/// Version of the JSON Lines objects; bumped when a field changes meaning or goes away.
pub const JSON_SCHEMA_VERSION: u32 = 1;

pub struct TaskFilter {
    pub statuses: Option<Vec<Status>>,
    pub tags: Vec<String>,
    pub due_before: Option<NaiveDate>,
}

fn status_name(s: &str) -> Option<Status> {
    Some(match s {
        "open" | "todo" => Status::Open,
        "done" => Status::Done,
        "cancelled" | "canceled" => Status::Cancelled,
        "in-progress" | "doing" => Status::InProgress,
        "rolled-over" => Status::RolledOver,
        "scheduled" => Status::Scheduled,
        "waiting" => Status::Waiting,
        "other" => Status::Other,
        _ => return None,
    })
}

impl TaskFilter {
    pub fn from_args(a: &TasksArgs) -> Result<TaskFilter, String> {
        let statuses = if a.all {
            None
        } else if a.status.is_empty() {
            Some(vec![Status::Open, Status::InProgress, Status::Waiting])
        } else {
            let mut v = Vec::new();
            for s in &a.status {
                v.push(status_name(&s.to_ascii_lowercase()).ok_or_else(|| {
                    format!(
                        "--status `{s}` is not a status; use open, done, cancelled, \
                         in-progress, rolled-over, scheduled, waiting or other"
                    )
                })?);
            }
            Some(v)
        };
        let due_before = match &a.due_before {
            Some(d) => Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                format!("--due-before `{d}` is not a date; write it as YYYY-MM-DD")
            })?),
            None => None,
        };
        Ok(TaskFilter {
            statuses,
            tags: a
                .tag
                .iter()
                .map(|t| t.trim_start_matches('#').to_lowercase())
                .collect(),
            due_before,
        })
    }

    pub fn accepts(&self, t: &Task) -> bool {
        if let Some(s) = &self.statuses
            && !s.contains(&t.status)
        {
            return false;
        }
        if !self.tags.is_empty() {
            let hit = t.tags.iter().any(|tag| {
                let tag = tag.to_lowercase();
                self.tags
                    .iter()
                    .any(|want| tag == *want || tag.starts_with(&format!("{want}/")))
            });
            if !hit {
                return false;
            }
        }
        if let Some(d) = self.due_before
            && t.due.is_none_or(|due| due >= d)
        {
            return false;
        }
        true
    }
}

/// Done and total among a task's descendants; cancelled ones do not count.
pub fn progress(tasks: &[Task], i: usize) -> Option<(usize, usize)> {
    let under = crate::model::descendants(tasks, i);
    if under.is_empty() {
        return None;
    }
    let (mut done, mut total) = (0, 0);
    for t in &tasks[under] {
        if t.status != Status::Cancelled {
            total += 1;
            if t.status.is_done() {
                done += 1;
            }
        }
    }
    Some((done, total))
}

/// `HH:MM` of minutes after midnight (of any day).
pub fn hhmm(m: u32) -> String {
    let mut s = String::with_capacity(5);
    push_hhmm(&mut s, m);
    s
}

/// Appends [`hhmm`]'s text.
fn push_hhmm(s: &mut String, m: u32) {
    use crate::report::render::push_number;
    push_number(s, u64::from((m % 1440) / 60), 2);
    s.push(':');
    push_number(s, u64::from(m % 60), 2);
}

/// `45m`, `1h 05m`: the reports' duration.
pub fn duration(m: u32) -> String {
    crate::report::render::duration(m.into())
}

fn matching<'a>(
    notes: &'a [LoadedNote],
    f: &'a TaskFilter,
) -> impl Iterator<Item = (&'a LoadedNote, usize)> + 'a {
    notes.iter().flat_map(move |n| {
        (0..n.note.tasks.len())
            .filter(move |&i| f.accepts(&n.note.tasks[i]))
            .map(move |i| (n, i))
    })
}

pub fn tasks_text(notes: &[LoadedNote], f: &TaskFilter, out: &mut dyn Write) -> io::Result<usize> {
    let mut n = 0;
    let mut next_of: Option<(&str, Vec<bool>)> = None;
    let mut line = String::new();
    for (note, i) in matching(notes, f) {
        let t = &note.note.tasks[i];
        if next_of.as_ref().is_none_or(|(p, _)| *p != note.path) {
            next_of = Some((
                &note.path,
                crate::report::tasks::numbered_next(&note.note.tasks),
            ));
        }
        let is_next = next_of.as_ref().is_some_and(|(_, v)| v[i]);
        // `PATH:LINE: INDENT MARKER TEXT [d/n]  ← next`, put together in one reused string
        // and written at once (not `format!` per piece and `writeln!`).
        line.clear();
        line.push_str(&note.path);
        line.push(':');
        crate::report::render::push_number(&mut line, t.line as u64, 1);
        line.push_str(": ");
        for _ in 0..t.depth {
            line.push_str("  ");
        }
        match &t.marker {
            Marker::Checkbox { status_char, .. } => {
                line.push('[');
                line.push(*status_char);
                line.push(']');
            }
            Marker::Keyword { word, .. } => line.push_str(word),
        }
        line.push(' ');
        line.push_str(&t.text);
        // A cookie written in the note (`tasks --write-progress`) is not shown twice.
        if let Some((d, total)) = progress(&note.note.tasks, i) {
            let cookie = format!("[{d}/{total}]");
            if !t.text.ends_with(cookie.as_str()) {
                line.push_str("  ");
                line.push_str(&cookie);
            }
        }
        if is_next {
            line.push_str("  ← next");
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
        n += 1;
    }
    Ok(n)
}

#[derive(Serialize)]
struct TaskJson<'a> {
    v: u32,
    path: &'a str,
    line: usize,
    column: usize,
    status: std::borrow::Cow<'static, str>,
    status_name: Status,
    checked: bool,
    text: &'a str,
    tags: &'a [String],
    date: Option<NaiveDate>,
    parent_line: Option<usize>,
    depth: usize,
    progress: Option<Progress>,
    due: Option<NaiveDate>,
    scheduled: Option<NaiveDate>,
    start: Option<NaiveDate>,
    created: Option<NaiveDate>,
    done_date: Option<NaiveDate>,
    cancelled_date: Option<NaiveDate>,
    recurrence: Option<&'a str>,
    priority: Option<Priority>,
    estimate_minutes: Option<u32>,
}

#[derive(Serialize)]
struct Progress {
    done: usize,
    total: usize,
}

pub fn tasks_json(notes: &[LoadedNote], f: &TaskFilter, out: &mut dyn Write) -> io::Result<usize> {
    let mut n = 0;
    for (note, i) in matching(notes, f) {
        let tasks = &note.note.tasks;
        let t = &tasks[i];
        let obj = TaskJson {
            v: JSON_SCHEMA_VERSION,
            path: &note.path,
            line: t.line,
            column: t.column,
            status: t.status_text(),
            status_name: t.status,
            checked: t.status.is_done(),
            text: &t.text,
            tags: &t.tags,
            date: t.date,
            parent_line: t.parent.map(|p| tasks[p].line),
            depth: t.depth,
            progress: progress(tasks, i).map(|(done, total)| Progress { done, total }),
            due: t.due,
            scheduled: t.scheduled,
            start: t.start,
            created: t.created,
            done_date: t.done_date,
            cancelled_date: t.cancelled_date,
            recurrence: t.recurrence.as_deref(),
            priority: t.priority,
            estimate_minutes: t.estimate_minutes,
        };
        serde_json::to_writer(&mut *out, &obj)?;
        out.write_all(b"\n")?;
        n += 1;
    }
    Ok(n)
}

#[derive(Serialize)]
struct EntryJson<'a> {
    v: u32,
    path: &'a str,
    line: usize,
    date: Option<NaiveDate>,
    /// Only when the entry starts after midnight, on the day after `date`.
    #[serde(skip_serializing_if = "Option::is_none")]
    start_date: Option<NaiveDate>,
    start: String,
    end: Option<String>,
    end_date: Option<NaiveDate>,
    minutes: Option<u32>,
    tags: &'a [String],
    text: &'a str,
    source: EntrySource,
}

fn day_after(date: Option<NaiveDate>, minute: u32) -> Option<NaiveDate> {
    let days = minute / 1440;
    date.filter(|_| days > 0).map(|d| add_days(d, days as i64))
}

/// Where an entry is listed among its note's: by day, start and line.
pub type EntryKey = (Option<NaiveDate>, DayMinute, usize);

fn entry_key(e: &TimeEntry) -> EntryKey {
    (e.date, e.start, e.line)
}

fn entries_sorted(notes: &[LoadedNote]) -> impl Iterator<Item = (&LoadedNote, &TimeEntry)> {
    notes.iter().flat_map(|n| {
        let mut v: Vec<&TimeEntry> = n.note.entries.iter().collect();
        v.sort_by_key(|e| entry_key(e));
        v.into_iter().map(move |e| (n, e))
    })
}

/// One line an entry: `DATE  HH:MM-HH:MM  DURATION  TEXT #TAGS  (PATH:LINE)`, the duration
/// right-aligned in 7 columns.
///
/// `ends` gets each entry's key and where its line ends in `out` (a long note's pieces are
/// listed in the order of their entries, see `app::list_entries`).
pub fn entries_text(
    notes: &[LoadedNote],
    out: &mut Vec<u8>,
    ends: &mut Vec<(EntryKey, usize)>,
) -> io::Result<usize> {
    use crate::report::render::{iso_date_bytes, push_duration, push_number};
    let mut n = 0;
    // Each line is put together in one reused string and written at once: `format!` and
    // `writeln!` for every entry were a third of the instructions of `entries`.
    let mut line = String::new();
    let mut mins = String::new();
    for (note, e) in entries_sorted(notes) {
        line.clear();
        match e.date {
            Some(d) => match iso_date_bytes(d) {
                Some(b) => line.push_str(std::str::from_utf8(&b).expect("ASCII")),
                None => line.push_str(&d.to_string()),
            },
            None => line.push_str("----------"),
        }
        line.push_str("  ");
        push_hhmm(&mut line, e.start);
        line.push('-');
        match e.end {
            Some(m) => push_hhmm(&mut line, m),
            None => line.push_str("  ?  "),
        }
        line.push_str("  ");
        mins.clear();
        match e.minutes() {
            None => mins.push_str("open"),
            Some(m) => push_duration(&mut mins, m.into()),
        }
        for _ in mins.chars().count()..7 {
            line.push(' ');
        }
        line.push_str(&mins);
        line.push_str("  ");
        line.push_str(&e.text);
        for t in &e.tags {
            line.push_str(" #");
            line.push_str(t);
        }
        line.push_str("  (");
        line.push_str(&note.path);
        line.push(':');
        push_number(&mut line, e.line as u64, 1);
        line.push_str(")\n");
        out.write_all(line.as_bytes())?;
        ends.push((entry_key(e), out.len()));
        n += 1;
    }
    Ok(n)
}

/// One JSON object a line an entry; `ends` as [`entries_text`] fills it.
pub fn entries_json(
    notes: &[LoadedNote],
    out: &mut Vec<u8>,
    ends: &mut Vec<(EntryKey, usize)>,
) -> io::Result<usize> {
    let mut n = 0;
    for (note, e) in entries_sorted(notes) {
        let obj = EntryJson {
            v: JSON_SCHEMA_VERSION,
            path: &note.path,
            line: e.line,
            date: e.date,
            start_date: day_after(e.date, e.start),
            start: hhmm(e.start),
            end: e.end.map(hhmm),
            end_date: e.end.and_then(|m| day_after(e.date, m)),
            minutes: e.minutes(),
            tags: &e.tags,
            text: &e.text,
            source: e.source,
        };
        serde_json::to_writer(&mut *out, &obj)?;
        out.write_all(b"\n")?;
        ends.push((entry_key(e), out.len()));
        n += 1;
    }
    Ok(n)
}

fn task_line(t: &crate::report::tasks::TaskRef) -> String {
    format!("{}:{}: {}", t.path, t.line, t.text)
}

fn json_line<T: Serialize>(v: &T, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer(&mut *out, v)?;
    out.write_all(b"\n")
}

/// A JSON Lines object with the schema version first and the row's own fields after it.
#[derive(Serialize)]
struct Versioned<'a, T: Serialize> {
    v: u32,
    #[serde(flatten)]
    row: &'a T,
}

fn versioned<T: Serialize>(row: &T) -> Versioned<'_, T> {
    Versioned {
        v: JSON_SCHEMA_VERSION,
        row,
    }
}

/// `next`: what to knock out now.
pub fn next(
    r: &crate::report::tasks::NextReport,
    format: crate::cli::ListFormat,
    out: &mut dyn Write,
) -> io::Result<()> {
    if format == crate::cli::ListFormat::Json {
        return json_line(r, out);
    }
    let est = |t: &crate::report::tasks::TaskRef| {
        t.estimate_minutes
            .map(duration)
            .unwrap_or_else(|| "-".into())
    };
    if r.picked.is_empty() && r.without_estimate.is_empty() && r.too_big.is_empty() {
        return writeln!(out, "nothing open to do next");
    }
    match r.budget_minutes {
        Some(b) => writeln!(
            out,
            "Next, for {} ({} planned):",
            duration(b),
            duration(r.picked_minutes)
        )?,
        None => writeln!(out, "Next:")?,
    }
    for t in &r.picked {
        writeln!(out, "  {:>7}  {}", est(t), task_line(t))?;
    }
    if !r.without_estimate.is_empty() {
        writeln!(out, "Without an estimate (add ~15m to plan them):")?;
        for t in &r.without_estimate {
            writeln!(out, "           {}", task_line(t))?;
        }
    }
    if !r.too_big.is_empty() {
        writeln!(
            out,
            "Too big for the time you have (break them into micro-tasks):"
        )?;
        for t in &r.too_big {
            writeln!(out, "  {:>7}  {}", est(t), task_line(t))?;
        }
    }
    Ok(())
}

/// `tasks --in-progress`: parents with their progress, half-done first.
pub fn in_progress(
    rows: impl Iterator<Item = crate::report::tasks::ParentProgress>,
    format: crate::cli::ListFormat,
    out: &mut dyn Write,
) -> io::Result<usize> {
    let mut listed = 0;
    for r in rows {
        listed += 1;
        if format == crate::cli::ListFormat::Json {
            json_line(&versioned(&r), out)?;
        } else {
            writeln!(
                out,
                "{:>4}% [{}/{}]  {}",
                r.percent,
                r.done,
                r.total,
                task_line(&r.task)
            )?;
        }
    }
    Ok(listed)
}

/// `tasks --stale`: tasks that keep being rolled over.
pub fn stale(
    rows: &[crate::report::tasks::StaleTask],
    format: crate::cli::ListFormat,
    out: &mut dyn Write,
) -> io::Result<()> {
    for r in rows {
        if format == crate::cli::ListFormat::Json {
            json_line(&versioned(r), out)?;
        } else {
            let now = r
                .current
                .as_ref()
                .map(|c| format!("{}:{}", c.path, c.line))
                .unwrap_or_else(|| "not open in any note".into());
            writeln!(
                out,
                "moved {} times since {} ({}:{}), now {}: {}",
                r.moves, r.first_written, r.first_path, r.first_line, now, r.text
            )?;
        }
    }
    Ok(())
}
