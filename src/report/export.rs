//! Exports for other tools: the time log and dated tasks as iCalendar (a calendar app shows
//! the week), and tasks as todo.txt. Pure: notes and dates in, text out.

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use icalendar::{Calendar, Component, Event, EventLike, Todo, TodoStatus};

use crate::load::LoadedNote;
use crate::model::{Priority, Status, Task, TimeEntry};
use crate::parse::add_days;
use crate::parse::inline::tags as find_tags;
use crate::report::Period;

/// A stable identifier for an item, so a calendar app updates it instead of duplicating it
/// on the next import: FNV-1a of where it is and when.
fn uid(kind: &str, path: &str, line: usize, date: Option<NaiveDate>) -> String {
    let key = format!("{kind}|{path}|{line}|{date:?}");
    let h = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{h:016x}@mdtasks")
}

fn at(date: NaiveDate, minute: u32) -> chrono::NaiveDateTime {
    let day = add_days(date, i64::from(minute / 1440));
    let m = minute % 1440;
    day.and_time(NaiveTime::from_hms_opt(m / 60, m % 60, 0).expect("minute of a day"))
}

/// The task's text without its tags, emoji fields and Dataview fields: what a calendar or a
/// todo list shows as its title.
fn title(text: &str) -> String {
    let mut t = text.to_string();
    for (_, a, b) in find_tags(text).into_iter().rev() {
        t.replace_range(a..b, "");
    }
    // Obsidian Tasks emoji fields with their values, Dataview fields.
    for emoji in ["📅", "⏳", "🛫", "➕", "✅", "❌"] {
        while let Some(p) = t.find(emoji) {
            let rest = t[p + emoji.len()..].trim_start_matches(['\u{fe0f}', ' ', '\u{a0}']);
            let cut = t.len() - rest.len() + rest.len().min(10);
            t.replace_range(p..cut, "");
        }
    }
    while let Some((_, a, b)) = crate::parse::time::after_timer(&t) {
        t.replace_range(a..b, "");
    }
    for emoji in ["🔺", "⏫", "🔼", "🔽", "⏬", "🔁"] {
        t = t.replace(emoji, "");
    }
    // Dataview fields, `[key:: value]` and `(key:: value)`.
    let mut from = 0;
    while let Some(p) = t[from..].find("::").map(|p| from + p) {
        let open = t[..p].rfind(['[', '(']);
        let close = open.and_then(|o| {
            let c = if t.as_bytes()[o] == b'[' { ']' } else { ')' };
            t[p..].find(c).map(|e| p + e)
        });
        match (open, close) {
            (Some(o), Some(c))
                if t[o + 1..p]
                    .chars()
                    .all(|ch| ch.is_alphanumeric() || ch == '-' || ch == '_') =>
            {
                t.replace_range(o..=c, "");
                from = o;
            }
            _ => from = p + 2,
        }
    }
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn in_period(period: &Period, d: Option<NaiveDate>) -> bool {
    d.is_some_and(|d| period.contains(d))
}

/// iCalendar: a VEVENT per closed time entry (floating local times: notes carry no time
/// zone), a VTODO per task with a due, scheduled or start date. `stamp` (the day of the
/// export) is the DTSTAMP, so the same notes give the same file. Written in three parts so
/// that the notes can stream through it: [`ics_head`], [`ics_items`] of each note in turn,
/// then [`ICS_END`].
pub fn to_ics(notes: &[LoadedNote], period: &Period, stamp: NaiveDate) -> String {
    let mut out = ics_head();
    for n in notes {
        out.push_str(&ics_items(n, period, stamp));
    }
    out.push_str(ICS_END);
    out
}

/// The line that ends the calendar.
pub const ICS_END: &str = "END:VCALENDAR\r\n";

/// The calendar's first lines: `BEGIN:VCALENDAR` and its properties.
pub fn ics_head() -> String {
    let mut cal = Calendar::new();
    cal.name("mdtasks");
    let whole = cal.done().to_string();
    // The empty calendar, without the line that ends it (icalendar writes it last).
    match whole.strip_suffix(ICS_END) {
        Some(head) => head.to_string(),
        None => whole,
    }
}

/// The events and to-dos of one note in `period`: its events, then its to-dos.
pub fn ics_items(n: &LoadedNote, period: &Period, stamp: NaiveDate) -> String {
    let mut out = ics_events(n, period, stamp);
    out.push_str(&ics_todos(n, period, stamp));
    out
}

/// The events of one note (or of one piece of a long note) in `period`.
pub fn ics_events(n: &LoadedNote, period: &Period, stamp: NaiveDate) -> String {
    let stamp = Utc.from_utc_datetime(&stamp.and_time(NaiveTime::MIN));
    let mut out = String::new();
    for e in &n.note.entries {
        let (Some(date), Some(end)) = (e.date, e.end) else {
            continue;
        };
        if !in_period(period, Some(date)) {
            continue;
        }
        out.push_str(&event(n, e, date, end, stamp).to_string());
    }
    out
}

/// The to-dos of one note (or of one piece of a long note) in `period`.
pub fn ics_todos(n: &LoadedNote, period: &Period, stamp: NaiveDate) -> String {
    let stamp = Utc.from_utc_datetime(&stamp.and_time(NaiveTime::MIN));
    let mut out = String::new();
    for t in &n.note.tasks {
        let Some(when) = t.due.or(t.scheduled).or(t.start) else {
            continue;
        };
        if !in_period(period, Some(when)) || t.status == Status::RolledOver {
            continue;
        }
        out.push_str(&todo(n, t, stamp).to_string());
    }
    out
}

fn event(
    n: &LoadedNote,
    e: &TimeEntry,
    date: NaiveDate,
    end: u32,
    stamp: chrono::DateTime<Utc>,
) -> Event {
    let mut ev = Event::new();
    let tags: String = e.tags.iter().map(|t| format!(" #{t}")).collect();
    ev.summary(&format!("{}{tags}", e.text))
        .starts(at(date, e.start))
        .ends(at(date, end))
        .uid(&uid("entry", &n.path, e.line, Some(date)))
        .timestamp(stamp)
        .description(&format!("{}:{}", n.path, e.line));
    if !e.tags.is_empty() {
        ev.add_property("CATEGORIES", e.tags.join(","));
    }
    ev.done()
}

fn todo(n: &LoadedNote, t: &Task, stamp: chrono::DateTime<Utc>) -> Todo {
    let mut td = Todo::new();
    td.summary(&title(&t.text))
        .uid(&uid("task", &n.path, t.line, t.date))
        .timestamp(stamp)
        .description(&format!("{}:{}", n.path, t.line))
        .status(match t.status {
            Status::Done => TodoStatus::Completed,
            Status::Cancelled => TodoStatus::Cancelled,
            Status::InProgress => TodoStatus::InProcess,
            _ => TodoStatus::NeedsAction,
        });
    if let Some(d) = t.due {
        td.due(d);
    }
    if let Some(d) = t.start.or(t.scheduled) {
        td.starts(d);
    }
    if let Some(d) = t.done_date {
        td.completed(Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN)));
    }
    if let Some(p) = t.priority {
        // RFC 5545: 1 highest .. 9 lowest.
        td.priority(match p {
            Priority::Highest => 1,
            Priority::High => 3,
            Priority::Medium | Priority::Normal => 5,
            Priority::Low => 7,
            Priority::Lowest => 9,
        });
    }
    if !t.tags.is_empty() {
        td.add_property("CATEGORIES", t.tags.join(","));
    }
    td.done()
}

/// todo.txt: one line per open or done task (cancelled and rolled-over ones are left out:
/// a rolled-over task lives on in a later note; time blocks too). `(A)`-`(C)` priorities, `x DONE CREATED`
/// for done tasks, `+tag` for tags, `due:` for due dates.
pub fn to_todotxt(notes: &[LoadedNote]) -> String {
    let mut out = String::new();
    for n in notes {
        for t in &n.note.tasks {
            let done = t.status.is_done();
            if t.block || (!done && !t.status.is_open()) {
                continue;
            }
            let mut line = String::new();
            if done {
                line.push_str("x ");
                if let Some(d) = t.done_date.or(t.date) {
                    line.push_str(&format!("{d} "));
                }
            } else if let Some(p) = t.priority {
                let letter = match p {
                    Priority::Highest | Priority::High => Some('A'),
                    Priority::Medium => Some('B'),
                    Priority::Low => Some('C'),
                    _ => None,
                };
                if let Some(l) = letter {
                    line.push_str(&format!("({l}) "));
                }
            }
            if let Some(c) = t.created.or(t.date) {
                line.push_str(&format!("{c} "));
            }
            line.push_str(&title(&t.text));
            for tag in &t.tags {
                // todo.txt projects cannot hold spaces.
                line.push_str(&format!(" +{}", tag.replace(' ', "_")));
            }
            if let Some(d) = t.due {
                line.push_str(&format!(" due:{d}"));
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{ParseOptions, parse_note};

    fn note(date: &str, text: &str) -> LoadedNote {
        let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
        let opts = ParseOptions {
            name_date: Some(d),
            ..ParseOptions::with_defaults()
        };
        LoadedNote {
            path: format!("{date}.md"),
            rel: format!("{date}.md"),
            note: parse_note(text, &opts),
        }
    }

    #[test]
    fn titles_lose_fields() {
        assert_eq!(
            title(
                "Send invoice #money ⏫ 📅 2026-11-30 [estimate:: 20m] to (priority:: high) Anna ⏱ 5m"
            ),
            "Send invoice to Anna"
        );
    }

    #[test]
    fn todotxt_lines() {
        let n = note(
            "2026-11-24",
            "## Time Blocks\n- [ ] Exercise\n\n## Tasks\n- [ ] Stretch #block\n- [ ] Send invoice #money ⏫ 📅 2026-11-30\n- [x] Call mum ✅ 2026-11-24\n- [-] dropped\n- [>] moved\n",
        );
        assert_eq!(
            to_todotxt(&[n]),
            "(A) 2026-11-24 Send invoice +money due:2026-11-30\nx 2026-11-24 2026-11-24 Call mum\n"
        );
    }

    #[test]
    fn ics_events_and_todos_are_valid_and_stable() {
        let n = note(
            "2026-11-24",
            "- 23:30-00:45 reading #personal\n- 09:00 open entry\n- [ ] Send invoice #money 📅 2026-11-30\n",
        );
        let all = Period {
            from: None,
            to: None,
        };
        let day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let ics = to_ics(std::slice::from_ref(&n), &all, day);
        assert_eq!(ics, to_ics(&[n], &all, day), "same notes, same file");
        let unfolded = icalendar::parser::unfold(&ics);
        let cal = icalendar::parser::read_calendar(&unfolded).unwrap();
        let kinds: Vec<String> = cal.components.iter().map(|c| c.name.to_string()).collect();
        assert_eq!(kinds, ["VEVENT", "VTODO"], "the open entry is left out");
        assert!(ics.contains("DTSTART:20261124T233000\r\n"), "{ics}");
        assert!(
            ics.contains("DTEND:20261125T004500\r\n"),
            "crosses midnight: {ics}"
        );
        assert!(ics.contains("DUE;VALUE=DATE:20261130\r\n"), "{ics}");
        assert!(ics.contains("DTSTAMP:20261124T000000Z\r\n"), "{ics}");
    }

    /// The calendar written head, note by note, end (as `export` streams it) is the one
    /// icalendar writes with every component pushed into one `Calendar`.
    #[test]
    fn ics_in_parts_equals_one_calendar() {
        let notes = [
            note(
                "2026-11-23",
                "- 08:00-09:15 write #money\n- [ ] call 📅 2026-11-23 ⏫\n- [x] filed ✅ 2026-11-23 ⏳ 2026-11-23\n",
            ),
            note("2026-11-24", "- 09:00 open entry\n"),
            note(
                "2026-11-25",
                "- 23:30-00:45 reading #personal #late\n- [ ] Send invoice #money 📅 2026-11-30\n- [>] moved 📅 2026-11-25\n",
            ),
        ];
        let day = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        for period in [
            Period {
                from: None,
                to: None,
            },
            Period {
                from: Some(day - chrono::Duration::days(3)),
                to: Some(day + chrono::Duration::days(4)),
            },
        ] {
            let stamp = Utc.from_utc_datetime(&day.and_time(NaiveTime::MIN));
            let mut cal = Calendar::new();
            cal.name("mdtasks");
            for n in &notes {
                for e in &n.note.entries {
                    if let (Some(date), Some(end)) = (e.date, e.end)
                        && in_period(&period, Some(date))
                    {
                        cal.push(event(n, e, date, end, stamp));
                    }
                }
                for t in &n.note.tasks {
                    let when = t.due.or(t.scheduled).or(t.start);
                    if in_period(&period, when) && t.status != Status::RolledOver {
                        cal.push(todo(n, t, stamp));
                    }
                }
            }
            let whole = cal.done().to_string();
            assert!(whole.matches("BEGIN:V").count() > 5, "{whole}");
            assert_eq!(to_ics(&notes, &period, day), whole);
        }
    }
}
