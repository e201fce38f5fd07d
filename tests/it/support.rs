//! Helpers shared by the tests: paths, parsing a fixture, and a readable dump of a note.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use mdtasks::model::{Marker, Note};
use mdtasks::output::hhmm;
use mdtasks::parse::{ParseOptions, date::date_from_path, parse_note};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture_files(dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(root().join("fixtures").join(dir))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    v.sort();
    v
}

pub fn parse_file(p: &Path) -> (String, Note) {
    let text = std::fs::read_to_string(p).unwrap();
    let name = p.file_name().unwrap().to_str().unwrap();
    let opts = ParseOptions {
        name_date: date_from_path(name, None),
        ..ParseOptions::with_defaults()
    };
    let note = parse_note(&text, &opts);
    (text, note)
}

/// One line per thing found, in a stable, reviewable form.
pub fn dump(note: &Note) -> String {
    let mut s = String::new();
    if let Some(d) = note.date {
        let _ = writeln!(s, "note date: {d} ({:?})", note.date_source.unwrap());
    }
    for d in &note.days {
        let h = &note.headings[d.heading];
        let _ = writeln!(s, "day {} from line {} ({:?})", d.date, h.line, h.text);
    }
    for t in &note.tasks {
        let marker = match &t.marker {
            Marker::Checkbox { status_char, .. } => format!("[{status_char}]"),
            Marker::Keyword { word, .. } => word.to_string(),
        };
        let _ = write!(
            s,
            "task L{}:{} {marker} {:?} depth={}",
            t.line, t.column, t.status, t.depth
        );
        if let Some(p) = t.parent {
            let _ = write!(s, " parent=L{}", note.tasks[p].line);
        }
        let _ = write!(s, " text={:?}", t.text);
        if !t.tags.is_empty() {
            let _ = write!(s, " tags={:?}", t.tags);
        }
        if let Some(d) = t.date {
            let _ = write!(s, " date={d}");
        }
        for (k, v) in [
            ("due", t.due),
            ("scheduled", t.scheduled),
            ("start", t.start),
            ("created", t.created),
            ("done", t.done_date),
            ("cancelled", t.cancelled_date),
        ] {
            if let Some(v) = v {
                let _ = write!(s, " {k}={v}");
            }
        }
        if let Some(r) = &t.recurrence {
            let _ = write!(s, " recurrence={r:?}");
        }
        if let Some(p) = t.priority {
            let _ = write!(s, " priority={p:?}");
        }
        if let Some(e) = t.estimate_minutes {
            let _ = write!(s, " estimate={e}m");
        }
        // The item's span must start on the marker's line, at its indentation.
        let line_start = t.line_span.start;
        assert!(
            t.span.start >= line_start && t.span.start <= t.text_span.start,
            "task L{} span starts at {} outside its line",
            t.line,
            t.span.start
        );
        if !matches!(t.bullet, mdtasks::model::Bullet::Ordered) != t.ordinal.is_none() {
            panic!(
                "task L{}: bullet {:?} but ordinal {:?}",
                t.line, t.bullet, t.ordinal
            );
        }
        if let Some(o) = t.ordinal {
            let _ = write!(s, " ordinal={o}");
        }
        if t.quoted {
            let _ = write!(s, " quoted");
        }
        if t.block {
            let _ = write!(s, " block");
        }
        s.push('\n');
    }
    let mut entries: Vec<_> = note.entries.iter().collect();
    entries.sort_by_key(|e| (e.date, e.start, e.line));
    for e in entries {
        let date = e
            .date
            .map(|d| d.to_string())
            .unwrap_or_else(|| "undated".into());
        let end = e.end.map(|m| {
            let days = m / 1440;
            if days > 0 {
                format!("{}+{days}", hhmm(m))
            } else {
                hhmm(m)
            }
        });
        let start = if e.start >= 1440 {
            format!("{}+1", hhmm(e.start))
        } else {
            hhmm(e.start)
        };
        let mins = e
            .minutes()
            .map(|m| format!("{m}m"))
            .unwrap_or_else(|| "open".into());
        let _ = write!(
            s,
            "entry L{} {date} {start}-{} {mins} {:?} text={:?}",
            e.line,
            end.unwrap_or_else(|| "?".into()),
            e.source,
            e.text
        );
        if !e.tags.is_empty() {
            let _ = write!(s, " tags={:?}", e.tags);
        }
        if let Some(t) = e.task {
            let _ = write!(s, " task=L{}", note.tasks[t].line);
        }
        s.push('\n');
    }
    for r in &note.regions {
        let _ = writeln!(
            s,
            "region {} bytes {}..{}",
            r.name, r.content.start, r.content.end
        );
    }
    for d in &note.diagnostics {
        let loc = d
            .location
            .as_ref()
            .map(|l| format!("{}:{}", l.line, l.column))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "{:?}[{}] {loc} {}",
            d.severity,
            d.code.as_str(),
            d.message
        );
    }
    s
}

/// The environment of a run in this process: no user config, no terminal, colour off (the
/// date and time are placeholders: runs give `--today`).
pub fn test_env() -> mdtasks::app::Env {
    mdtasks::app::Env {
        today: chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap(),
        now: chrono::NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
        no_color: true,
        stdout_is_terminal: false,
        stderr_is_terminal: false,
        user_config: None,
    }
}
