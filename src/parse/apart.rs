//! The days that lay in two pieces of a long note, read apart from the rest of it.
//!
//! A day's entries run to the next entry of its day, wherever that is in the note, so a day
//! is read in one piece. When a day turns up at both ends of a log of years, the only cuts
//! that keep each day whole leave the note in one piece, whose model is 5-6 times its size.
//! Instead the note is read as two texts of its own lines:
//! - **the days**: only those days' sections (and the front matter), an empty heading where
//!   the heading that ended each section was, and of all else only the line endings (a
//!   space between a `\r` and a `\n` that were two line endings); read whole, and small.
//!   Its spans are then moved to where they are in the note (lines and columns are the
//!   note's already);
//! - **the rest**: the note, of its length, with those sections blanked (each byte but the
//!   line endings made a space), each one's heading kept as an empty heading of its level
//!   (it closes what the date heading closed); read in pieces. A text lent to be read
//!   ([`super::Text::Lent`]) is blanked in place and given back as it was, so the note
//!   is not held twice.
//!
//! Spans, lines and columns are the note's. The empty headings are taken out again. The rest
//! is also cut where each of those sections starts and ends; the piece of a section (its
//! empty heading alone) is replaced by that section's part of the days' model, so the pieces
//! come in the note's order. A day's entries all go with the part of its first section (a
//! note's entries are grouped by day, and listed by day and time). What the pieces hold
//! together is then what the whole note holds, each day's entries in one piece. When the
//! note is not made so that this holds (a section nested in another of another day, a region
//! marker in one that pairs with one elsewhere, or a region of a name used elsewhere, a
//! clock line of one of those days elsewhere, an entry of a later section that belongs to a
//! task ...), nothing is read apart and the caller reads the note as before.
//!
//! A region that starts in the last of those sections and does not end there (a summary
//! written at the end of the note, whose headings end the day it is put in) takes that
//! section on to the end of the note, when no date section starts after it.
//!
//! The ten-year log of the benchmark with its first day's heading again at its end: read
//! whole, `summarize` peaked at 112 MiB and `tasks --all --format json` at 174; read so
//! (session 17, both texts of the note's length, the rest a copy), 56 and 60; now 39-42 and
//! 40-44, as on the log without the day again (see docs/benchmarks.md).

use chrono::NaiveDate;

use super::{ParseOptions, Pieces, Text, body_start, parse_note, pieces_parse};
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::model::{DaySection, EntrySource, Heading, Marker, Note, Region, Task, TimeEntry};
use crate::span::Span;

/// The date sections of the days that lay in two pieces, in the order of the note, when the
/// note can be read without them: each section starts with a `#` heading at the start of a
/// line and ends at another (or at the end), lies in no other date section and holds none
/// but of those days (the outermost of those are taken); none of the days is the note's own
/// date, and no undated entries lay in two pieces. Else empty. The last one goes on to the
/// end of the note when a region starts in it and does not end there, and no date section
/// starts after it.
pub(super) fn sections_apart(text: &str, p: &Pieces<'_>) -> Vec<(NaiveDate, Span)> {
    let split = |&(first, last): &(usize, usize)| first != last;
    if p.entry_dates.get(&None).is_some_and(split) {
        return Vec::new();
    }
    let mut days: Vec<NaiveDate> = p
        .dates
        .iter()
        .filter(|(_, r)| split(r))
        .map(|(d, _)| *d)
        .collect();
    days.extend(
        p.entry_dates
            .iter()
            .filter(|(_, r)| split(r))
            .filter_map(|(d, _)| *d),
    );
    days.sort_unstable();
    days.dedup();
    if days.is_empty() || p.note_date.is_some_and(|d| days.binary_search(&d).is_ok()) {
        return Vec::new();
    }
    let mut all = p.sections.clone();
    all.sort_unstable_by_key(|(_, s)| (s.start, s.end));
    let bytes = text.as_bytes();
    let heading_at = |at: usize| {
        (at == 0 || matches!(bytes[at - 1], b'\n' | b'\r')) && bytes.get(at) == Some(&b'#')
    };
    let mut chosen: Vec<(NaiveDate, Span)> = Vec::new();
    // The furthest end of the sections before the one looked at (but those in one chosen).
    let mut reach = 0;
    for &(date, span) in &all {
        let of_days = days.binary_search(&date).is_ok();
        if let Some(&(_, last)) = chosen.last()
            && span.start < last.end
        {
            // In a chosen section: only sections of those days (`### 2000-01-01 Saturday`
            // under `## 2000-01-01`).
            if !of_days || span.end > last.end {
                return Vec::new();
            }
            continue;
        }
        let outside = reach <= span.start;
        reach = reach.max(span.end);
        if !of_days {
            continue;
        }
        let ends = span.end == text.len() || heading_at(span.end);
        if !outside || !heading_at(span.start) || !ends {
            return Vec::new();
        }
        chosen.push((date, span));
    }
    // The last of them goes on to the end of the note when a region starts in it and does
    // not end there, and no date section starts after it: a summary written at the end of
    // the note, whose headings end the day it is put in. (What follows is then read with
    // it, and must hold nothing of another day.)
    if let Some((_, last)) = chosen.last_mut()
        && opens_a_region(&text[last.range()])
        && all.iter().all(|(_, s)| s.start < last.end)
    {
        last.end = text.len();
    }
    chosen
}

/// Whether a region starts in `text` and does not end there.
fn opens_a_region(text: &str) -> bool {
    let mut open: Vec<&str> = Vec::new();
    for at in memchr::memmem::find_iter(text.as_bytes(), b"mdtasks:") {
        let from = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let to = text[at..].find(['\n', '\r']).map_or(text.len(), |i| at + i);
        match super::marker(text[from..to].trim()) {
            Some((name, true)) => open.push(name),
            Some((name, false)) => {
                if let Some(i) = open.iter().rposition(|n| *n == name) {
                    open.remove(i);
                }
            }
            None => {}
        }
    }
    !open.is_empty()
}

/// Folds the note read as the days `apart` and the rest (see the module's text) into a new
/// `init()` with `add`, in the note's order: the rest in pieces, cut where each of those
/// sections starts and ends too, and in the place of each section's piece (an empty
/// heading), that section's part of the days' model. None, with nothing added to what is
/// returned, when what was read shows the note is not made so (the caller then reads it as
/// before).
pub(super) fn fold_apart<A>(
    text: Text<'_>,
    opts: &ParseOptions,
    piece_bytes: usize,
    apart: &[(NaiveDate, Span)],
    init: &impl Fn() -> A,
    add: &mut impl FnMut(&mut A, Note),
) -> Option<A> {
    if apart.is_empty() {
        return None;
    }
    let whole = text.as_str();
    let mut days: Vec<NaiveDate> = apart.iter().map(|(d, _)| *d).collect();
    days.sort_unstable();
    days.dedup();
    let of_days = |d: Option<NaiveDate>| d.is_some_and(|d| days.binary_search(&d).is_ok());
    let starts: Vec<usize> = apart.iter().map(|(_, s)| s.start).collect();
    // Where the heading that ended a section is (none at the end, nor where another of the
    // sections starts).
    let ends: Vec<usize> = apart
        .iter()
        .map(|(_, s)| s.end)
        .filter(|e| *e < whole.len() && starts.binary_search(e).is_err())
        .collect();

    let days = DaysText::new(whole, apart, &ends)?;
    let mut of_apart = parse_note(&days.text, opts);
    in_note(&mut of_apart, |at| days.in_note(at, whole.as_bytes()));
    of_apart.len = whole.len();
    drop(days);
    // (Clock lines' entries come after all others: not in the order of the note.)
    let clocked = of_apart
        .entries
        .iter()
        .any(|e| e.source == EntrySource::Clock);
    // It has no marker problem (a marker might pair with one in the rest, in the whole
    // note), and its regions each lie in one section (a region across the rest, where the
    // whole note is not cut, is not read apart: to be safe, not for a case known to differ).
    let in_a_section = |r: &Region| {
        let within = |s: &Span| s.start <= r.start_marker.start && r.end_marker.end <= s.end;
        apart.iter().any(|(_, s)| within(s))
    };
    if !dates(&of_apart).all(of_days)
        || clocked
        || !of_apart.regions.iter().all(in_a_section)
        || of_apart.diagnostics.iter().any(marker_problem)
        || !in_order(&of_apart)
        || drop_empty_headings(&mut of_apart, &ends) != Some(ends.len())
    {
        return None;
    }
    // Their names, which the rest may not hold (the whole note would find two regions of a
    // name).
    let names: Vec<String> = of_apart.regions.iter().map(|r| r.name.clone()).collect();
    // Each section's part, the first section's last (they are popped).
    let mut parts = Vec::with_capacity(apart.len());
    for (_, s) in apart.iter().rev() {
        parts.push(split_off(&mut of_apart, s.start)?);
    }
    if !is_empty(&of_apart) {
        return None;
    }
    // A day's entries all in the part that holds its first section, where the whole
    // note's are (a note's entries are grouped by day, and listed by day and time): the
    // entries of a later section move there, when none of them belongs to a task. (The
    // parts were pushed last first: the part of the first section is the last.)
    let mut firsts: Vec<(NaiveDate, usize)> = Vec::new();
    for j in (0..parts.len()).rev() {
        for d in &parts[j].days {
            if !firsts.iter().any(|f| f.0 == d.date) {
                firsts.push((d.date, j));
            }
        }
    }
    let first_part = |date| firsts.iter().find(|f| f.0 == date).map(|f| f.1);
    for k in (0..parts.len()).rev() {
        let to: Vec<Option<usize>> = parts[k]
            .entries
            .iter()
            .map(|e| e.date.and_then(first_part))
            .collect();
        if to.iter().all(|&j| j == Some(k)) {
            continue;
        }
        let entries = std::mem::take(&mut parts[k].entries);
        for (e, j) in entries.into_iter().zip(to) {
            match j {
                Some(j) if j == k => parts[k].entries.push(e),
                Some(j) if e.task.is_none() => parts[j].entries.push(e),
                _ => return None,
            }
        }
    }

    // The rest: in a copy of the note, or in the note itself when it is lent (given back as
    // it was when `blanked` is dropped).
    let (copy, blanked);
    let rest = match text {
        Text::Borrowed(whole) => {
            copy = without_days(whole, apart);
            std::str::from_utf8(&copy).ok()?
        }
        Text::Lent(whole) => {
            blanked = Blanked::new(whole, apart)?;
            blanked.text.as_str()
        }
    };
    let mut cuts: Vec<usize> = starts.iter().chain(&ends).copied().collect();
    cuts.sort_unstable();
    let mut acc = init();
    let mut fine = true;
    let read = pieces_parse(rest, opts, piece_bytes, None, &cuts, &mut |mut piece| {
        if !fine {
            return;
        }
        let empty_heading_at =
            |h: &Heading| h.text.is_empty() && starts.binary_search(&h.span.start).is_ok();
        if piece.headings.first().is_some_and(empty_heading_at) {
            // A section's piece: its empty heading and nothing else (anything before it
            // would be in the piece before). Where the rest cannot be cut at a section (a
            // region open across it, a list going on), its empty heading is not first.
            piece.headings.remove(0);
            match parts.pop() {
                Some(part) if is_empty(&piece) => add(&mut acc, part),
                _ => fine = false,
            }
        } else if piece.headings.iter().any(empty_heading_at)
            || dates(&piece).any(of_days)
            || piece.regions.iter().any(|r| names.contains(&r.name))
            || (!names.is_empty() && piece.diagnostics.iter().any(marker_problem))
        {
            fine = false;
        } else {
            add(&mut acc, piece);
        }
    });
    (read.is_ok() && fine && parts.is_empty()).then_some(acc)
}

/// A region marker without its pair, or a second region of a name.
fn marker_problem(d: &Diagnostic) -> bool {
    matches!(d.code, Code::UnbalancedMarker | Code::DuplicateMarker)
}

/// The days of a note's date sections, tasks and entries.
fn dates(n: &Note) -> impl Iterator<Item = Option<NaiveDate>> + '_ {
    let days = n.days.iter().map(|d| Some(d.date));
    days.chain(n.tasks.iter().map(|t| t.date))
        .chain(n.entries.iter().map(|e| e.date))
}

/// Whether a note's sections, headings, regions, tasks and diagnostics are in the order of
/// the note (as [`split_off`] takes them), each diagnostic with a place.
fn in_order(n: &Note) -> bool {
    n.days.is_sorted_by_key(|d| d.span.start)
        && n.headings.is_sorted_by_key(|h| h.span.start)
        && n.regions.is_sorted_by_key(|r| r.start_marker.start)
        && n.tasks.is_sorted_by_key(|t| t.span.start)
        && n.diagnostics.iter().all(|d| d.location.is_some())
        && (n.diagnostics.iter()).is_sorted_by_key(|d| d.location.as_ref().map(|l| l.span.start))
}

/// Takes out of `all` those that `taken` says, in order.
fn take_from<T>(all: &mut Vec<T>, taken: impl Fn(&T) -> bool) -> Vec<T> {
    let (out, kept) = std::mem::take(all).into_iter().partition(taken);
    *all = kept;
    out
}

/// Holds nothing: no day, heading, task, entry, region or diagnostic.
fn is_empty(n: &Note) -> bool {
    n.days.is_empty()
        && n.headings.is_empty()
        && n.tasks.is_empty()
        && n.entries.is_empty()
        && n.regions.is_empty()
        && n.diagnostics.is_empty()
}

/// Takes out of `note` (whose vectors are [`in_order`]) what starts at `at` or after, as a
/// note of its own (its indices moved to its own vectors). None when something left points
/// into what is taken, or the other way.
fn split_off(note: &mut Note, at: usize) -> Option<Note> {
    let before = |span: Span| span.start < at;
    let h = note.headings.partition_point(|x| before(x.span));
    let t = note.tasks.partition_point(|x| before(x.span));
    let d = note.days.partition_point(|x| before(x.span));
    let g = note
        .diagnostics
        .partition_point(|x| x.location.as_ref().is_some_and(|l| before(l.span)));
    let r = note.regions.partition_point(|x| before(x.start_marker));
    // Nothing kept points at what is taken.
    let kept_fine = note.tasks[..t]
        .iter()
        .all(|x| x.subtree_end <= t && x.heading.is_none_or(|i| i < h))
        && note.days[..d].iter().all(|x| x.heading < h)
        && (note.entries.iter()).all(|x| x.task.is_none_or(|i| before(x.span) == (i < t)));
    let mut part = Note {
        date: note.date,
        date_source: note.date_source,
        days: note.days.split_off(d),
        headings: note.headings.split_off(h),
        tasks: note.tasks.split_off(t),
        // (A note's entries are grouped by day, not in the order of the note.)
        entries: take_from(&mut note.entries, |x| !before(x.span)),
        regions: note.regions.split_off(r),
        diagnostics: note.diagnostics.split_off(g),
        len: note.len,
        crlf: note.crlf,
        bom: note.bom,
    };
    // What is taken points only at what is taken.
    let taken_fine = part
        .tasks
        .iter()
        .all(|x| x.parent.is_none_or(|i| i >= t) && x.heading.is_none_or(|i| i >= h))
        && part.days.iter().all(|x| x.heading >= h)
        && part.entries.iter().all(|x| x.task.is_none_or(|i| i >= t));
    if !kept_fine || !taken_fine {
        return None;
    }
    for x in &mut part.tasks {
        x.parent = x.parent.map(|i| i - t);
        x.subtree_end -= t;
        x.heading = x.heading.map(|i| i - h);
    }
    for x in &mut part.days {
        x.heading -= h;
    }
    for x in &mut part.entries {
        x.task = x.task.map(|i| i - t);
    }
    Some(part)
}

/// Every byte but the line endings a space.
fn blank(b: u8) -> u8 {
    if b == b'\n' || b == b'\r' { b } else { b' ' }
}

/// How many `#`s the line at `at` starts with.
fn hashes(text: &[u8], at: usize) -> usize {
    text[at..].iter().take_while(|&&b| b == b'#').count()
}

/// The days' text: the front matter, the `apart` sections and the `#`s of an empty heading
/// at each of `ends`, as in the note; of all else only the line endings, so that its lines
/// are the note's (each line in a section where it is in the note) while it is short.
struct DaysText {
    text: String,
    /// Where each run of the note's bytes is in it, in order.
    runs: Vec<Run>,
}

/// A run of the note's bytes in [`DaysText`].
#[derive(Clone, Copy)]
struct Run {
    /// Where it is in the days' text, and in the note.
    at: usize,
    from: usize,
    /// Its length in the note.
    len: usize,
    /// Kept whole (else only its line endings).
    kept: bool,
}

impl DaysText {
    /// None if two runs kept overlap, or one does not start and end between characters.
    fn new(text: &str, apart: &[(NaiveDate, Span)], ends: &[usize]) -> Option<DaysText> {
        let bytes = text.as_bytes();
        let mut kept: Vec<(usize, usize)> = vec![(0, body_start(text).0)];
        kept.extend(apart.iter().map(|(_, s)| (s.start, s.end)));
        kept.extend(ends.iter().map(|&at| (at, at + hashes(bytes, at))));
        kept.sort_unstable();
        let (mut out, mut runs) = (Vec::new(), Vec::new());
        let mut from = 0;
        let mut run = |out: &mut Vec<u8>, from: usize, to: usize, kept: bool| {
            if to > from {
                runs.push(Run {
                    at: out.len(),
                    from,
                    len: to - from,
                    kept,
                });
                if kept {
                    out.extend_from_slice(&bytes[from..to]);
                } else {
                    let last = out.last().copied();
                    out.extend(endings(bytes, from..to, last).map(|(b, _)| b));
                }
            }
        };
        for (start, end) in kept {
            if start < from {
                return None;
            }
            run(&mut out, from, start, false);
            run(&mut out, start, end, true);
            from = end;
        }
        run(&mut out, from, bytes.len(), false);
        Some(DaysText {
            text: String::from_utf8(out).ok()?,
            runs,
        })
    }

    /// Where the byte at `at` in the days' text is in the note (`note`): in a run of line
    /// endings, just after as many of its line endings.
    fn in_note(&self, at: usize, note: &[u8]) -> usize {
        let i = self.runs.partition_point(|r| r.at <= at).saturating_sub(1);
        let Some(r) = self.runs.get(i) else {
            return at;
        };
        let k = at - r.at;
        if r.kept || k == 0 {
            return r.from + k.min(r.len);
        }
        let last = r.at.checked_sub(1).map(|i| self.text.as_bytes()[i]);
        endings(note, r.from..r.from + r.len, last)
            .nth(k - 1)
            .map_or(r.from + r.len, |(_, after)| after)
    }
}

/// The line endings of the note's bytes `run` as [`DaysText`] has them, after the byte
/// `last` there: each as it is, with a space between a `\r` and a `\n` that are two line
/// endings in the note (not one `\r\n`); each with where the note is just after it.
fn endings(
    note: &[u8],
    run: std::ops::Range<usize>,
    mut last: Option<u8>,
) -> impl Iterator<Item = (u8, usize)> + '_ {
    let from = run.start;
    memchr::memchr2_iter(b'\n', b'\r', &note[run]).flat_map(move |i| {
        let at = from + i;
        let b = note[at];
        let apart = b == b'\n' && last == Some(b'\r') && note[at - 1] != b'\r';
        last = Some(b);
        let space = apart.then_some((b' ', at));
        space.into_iter().chain(std::iter::once((b, at + 1)))
    })
}

/// Moves every span of `note` to where `to` says (and nothing else: lines and columns stay).
/// Each of the model's types is taken apart whole, so that a span added to it later is not
/// missed here.
fn in_note(note: &mut Note, to: impl Fn(usize) -> usize) {
    let at = |s: &mut Span| *s = Span::new(to(s.start), to(s.end));
    let Note {
        date: _,
        date_source: _,
        days,
        headings,
        tasks,
        entries,
        regions,
        diagnostics,
        len: _,
        crlf: _,
        bom: _,
    } = note;
    for DaySection {
        date: _,
        heading: _,
        span,
    } in days
    {
        at(span);
    }
    for Heading {
        level: _,
        span,
        line: _,
        text: _,
    } in headings
    {
        at(span);
    }
    for t in tasks {
        let Task {
            span,
            line_span,
            line: _,
            column: _,
            marker,
            status: _,
            text: _,
            text_span,
            tags: _,
            date: _,
            parent: _,
            subtree_end: _,
            depth: _,
            bullet: _,
            ordinal: _,
            heading: _,
            due: _,
            scheduled: _,
            start: _,
            created: _,
            done_date: _,
            cancelled_date: _,
            recurrence: _,
            priority: _,
            estimate_minutes: _,
            quoted: _,
            block: _,
        } = t;
        for s in [span, line_span, text_span] {
            at(s);
        }
        match marker {
            Marker::Checkbox {
                status_char: _,
                span,
            }
            | Marker::Keyword { word: _, span } => at(span),
        }
    }
    for TimeEntry {
        span,
        line: _,
        date: _,
        start: _,
        end: _,
        source: _,
        tags: _,
        text: _,
        task: _,
        is_stop: _,
    } in entries
    {
        at(span);
    }
    for Region {
        name: _,
        start_marker,
        end_marker,
        content,
    } in regions
    {
        for s in [start_marker, end_marker, content] {
            at(s);
        }
    }
    for Diagnostic {
        code: _,
        severity: _,
        message: _,
        hint: _,
        location,
    } in diagnostics
    {
        if let Some(Location {
            span,
            line: _,
            column: _,
            line_text: _,
            width: _,
        }) = location
        {
            at(span);
        }
    }
}

/// `text` with the `apart` sections blanked, each one's heading kept as an empty heading of
/// its level.
fn without_days(text: &str, apart: &[(NaiveDate, Span)]) -> Vec<u8> {
    let mut out = text.as_bytes().to_vec();
    blank_sections(&mut out, apart);
    out
}

/// Blanks the `apart` sections of `bytes` but for the `#`s of each one's heading.
fn blank_sections(bytes: &mut [u8], apart: &[(NaiveDate, Span)]) {
    for (_, s) in apart {
        let from = s.start + hashes(bytes, s.start);
        for b in &mut bytes[from..s.end] {
            *b = blank(*b);
        }
    }
}

/// A note's text with the `apart` sections blanked in it as [`without_days`] does, while
/// this lives; then as it was.
struct Blanked<'a> {
    text: &'a mut String,
    apart: &'a [(NaiveDate, Span)],
    /// The sections' bytes, one after the other.
    saved: Vec<u8>,
}

impl<'a> Blanked<'a> {
    /// None (the text as it was) if the sections do not start and end between characters.
    fn new(text: &'a mut String, apart: &'a [(NaiveDate, Span)]) -> Option<Blanked<'a>> {
        let on_chars = |s: &Span| text.is_char_boundary(s.start) && text.is_char_boundary(s.end);
        if !apart.iter().all(|(_, s)| on_chars(s)) {
            return None;
        }
        let mut bytes = std::mem::take(text).into_bytes();
        let mut saved = Vec::new();
        for (_, s) in apart {
            saved.extend_from_slice(&bytes[s.range()]);
        }
        blank_sections(&mut bytes, apart);
        // Whole characters became spaces: still UTF-8.
        match String::from_utf8(bytes) {
            Ok(blanked) => {
                *text = blanked;
                Some(Blanked { text, apart, saved })
            }
            Err(e) => {
                *text = as_it_was(e.into_bytes(), apart, &saved);
                None
            }
        }
    }
}

impl Drop for Blanked<'_> {
    fn drop(&mut self) {
        let bytes = std::mem::take(self.text).into_bytes();
        *self.text = as_it_was(bytes, self.apart, &self.saved);
    }
}

/// The text whose `apart` sections were blanked in `bytes`, with the `saved` bytes of the
/// sections put back: the bytes it had, which were UTF-8.
fn as_it_was(mut bytes: Vec<u8>, apart: &[(NaiveDate, Span)], saved: &[u8]) -> String {
    let mut from = 0;
    for (_, s) in apart {
        bytes[s.range()].copy_from_slice(&saved[from..from + s.len()]);
        from += s.len();
    }
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Takes out of `note` the empty headings that start at one of `at` (sorted), moving the
/// indices of the headings after them. How many were taken out; None when a task or a day
/// belongs to one of them.
fn drop_empty_headings(note: &mut Note, at: &[usize]) -> Option<usize> {
    let gone = |h: &Heading| h.text.is_empty() && at.binary_search(&h.span.start).is_ok();
    if !note.headings.iter().any(gone) {
        return Some(0);
    }
    // Each heading's index once those are taken out (a taken one: the next heading's).
    let mut moved = Vec::with_capacity(note.headings.len());
    let mut taken = vec![false; note.headings.len()];
    let mut k = 0;
    for (i, h) in note.headings.iter().enumerate() {
        moved.push(k);
        if gone(h) {
            taken[i] = true;
        } else {
            k += 1;
        }
    }
    let owned = note.tasks.iter().filter_map(|t| t.heading);
    if owned
        .chain(note.days.iter().map(|d| d.heading))
        .any(|h| taken[h])
    {
        return None;
    }
    for t in &mut note.tasks {
        t.heading = t.heading.map(|h| moved[h]);
    }
    for d in &mut note.days {
        d.heading = moved[d.heading];
    }
    let mut i = 0;
    note.headings.retain(|_| {
        i += 1;
        !taken[i - 1]
    });
    Some(taken.iter().filter(|&&t| t).count())
}
