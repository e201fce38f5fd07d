//! Summary regions: the period each one asks for, and the edits that bring them up to date. Pure.
//!
//! A note asks for a summary by holding a region named `summary` or `summary-ANYTHING`:
//!
//! ```markdown
//! <!-- mdtasks:summary:start last=7d -->
//! (regenerated)
//! <!-- mdtasks:summary:end -->
//! ```
//!
//! The words after `start` say which period the region summarises (docs/syntax.md, "Regions").
//! Only the bytes between the marker lines are replaced, so the settings survive every
//! regeneration, and a region that already holds its summary is not touched at all: that is
//! what keeps `mdtasks watch` from reacting to its own writes with another write.

use chrono::NaiveDate;

use super::{EditError, EditSet, Outline, replace_region};
use crate::model::{Note, Region};
use crate::parse::marker;
use crate::report::{Period, PeriodError, PeriodSpec};
use crate::span::LineIndex;

/// The period keys a start marker may carry, as the error messages list them.
const KEYS: &str = "day=, week=, month=, last=, from= and to=";

/// Whether mdtasks fills this region with a summary: `summary` or `summary-ANYTHING`. Other
/// names belong to other writers (`summarize --write --region NAME`) and are left alone.
pub fn is_summary_region(name: &str) -> bool {
    name == "summary" || name.strip_prefix("summary-").is_some_and(|r| !r.is_empty())
}

/// The settings written after `start` in the region's start marker (`last=7d`), trimmed;
/// empty when there are none.
pub fn marker_settings<'t>(text: &'t str, region: &Region) -> &'t str {
    let line = text[region.start_marker.range()].trim();
    let Some(inner) = line
        .strip_prefix("<!--")
        .and_then(|l| l.strip_suffix("-->"))
        .map(str::trim)
    else {
        return "";
    };
    if marker(line).is_none() {
        return "";
    }
    // `mdtasks:NAME:start SETTINGS`: everything after the first white space.
    match inner.split_once(char::is_whitespace) {
        Some((_, rest)) => rest.trim(),
        None => "",
    }
}

/// The period a region summarises, from its marker's settings.
///
/// - no settings: the note's own day when the note has a date (its name or front matter),
///   else the last 7 days up to today;
/// - `day=note|today|YYYY-MM-DD`;
/// - `week=this|note|YYYY-Www` (ISO weeks, Monday to Sunday);
/// - `month=this|note|YYYY-MM`;
/// - `last=Nd|Nw|Nm`: the last N days, weeks or months up to today;
/// - `from=DATE`, `to=DATE` (either or both; DATE may also be `note` or `today`).
///
/// `note` means the note's own date; in a note without one it is an error.
pub fn region_period(
    settings: &str,
    note_date: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Period, String> {
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    for word in settings.split_whitespace() {
        let Some((k, v)) = word.split_once('=') else {
            return Err(format!(
                "`{word}` is not a setting; write key=value, with one of {KEYS} (e.g. last=7d)"
            ));
        };
        if !matches!(k, "day" | "week" | "month" | "last" | "from" | "to") {
            return Err(format!(
                "`{k}` is not a setting of a summary region; use {KEYS}"
            ));
        }
        if pairs.iter().any(|(seen, _)| *seen == k) {
            return Err(format!("`{k}=` is given twice"));
        }
        pairs.push((k, v));
    }
    // One way of choosing the period: from/to together count as one.
    let choosers: Vec<&str> = pairs
        .iter()
        .map(|(k, _)| if *k == "to" { "from" } else { *k })
        .fold(Vec::new(), |mut v, k| {
            if !v.contains(&k) {
                v.push(k);
            }
            v
        });
    if choosers.len() > 1 {
        fn shown(k: &str) -> String {
            if k == "from" {
                "from=/to=".into()
            } else {
                format!("{k}=")
            }
        }
        return Err(format!(
            "`{}` and `{}` both choose the period; give only one of day=, week=, month=, \
             last= and from=/to=",
            shown(choosers[0]),
            shown(choosers[1])
        ));
    }
    let note_day = |key: &str| {
        note_date.ok_or_else(|| {
            format!(
                "`{key}=note` needs a note with a date (in its name or front matter), and this \
                 note has none; give a date instead"
            )
        })
    };
    let day = |key: &str, v: &str| -> Result<NaiveDate, String> {
        match v {
            "note" => note_day(key),
            "today" => Ok(today),
            _ => NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
                format!("`{key}={v}` is not a day; write YYYY-MM-DD (2026-11-24), today or note")
            }),
        }
    };
    let mut spec = PeriodSpec::default();
    let Some(&(key, value)) = pairs.first() else {
        return Ok(match note_date {
            Some(d) => Period {
                from: Some(d),
                to: Some(d),
            },
            None => resolve(
                &PeriodSpec {
                    last: Some("7d".into()),
                    ..PeriodSpec::default()
                },
                today,
                "last",
                "7d",
            )?,
        });
    };
    match key {
        "day" => {
            let d = day(key, value)?;
            return Ok(Period {
                from: Some(d),
                to: Some(d),
            });
        }
        "week" => {
            spec.week = Some(match value {
                "this" => None,
                "note" => Some(note_day(key)?.format("%G-W%V").to_string()),
                v => Some(v.to_string()),
            });
        }
        "month" => {
            spec.month = Some(match value {
                "this" => None,
                "note" => Some(note_day(key)?.format("%Y-%m").to_string()),
                v => Some(v.to_string()),
            });
        }
        "last" => spec.last = Some(value.to_string()),
        _ => {
            for (k, v) in &pairs {
                let d = day(k, v)?.format("%Y-%m-%d").to_string();
                if *k == "from" {
                    spec.from = Some(d);
                } else {
                    spec.to = Some(d);
                }
            }
        }
    }
    resolve(&spec, today, key, value)
}

/// `Period::resolve`, with its messages said in the marker's own words (`week=` rather
/// than `--week`).
fn resolve(spec: &PeriodSpec, today: NaiveDate, key: &str, value: &str) -> Result<Period, String> {
    Period::resolve(spec, today).map_err(|e| match e {
        PeriodError::BadLast { .. } => format!(
            "`last={value}` is not a length of time; write a whole number followed by d (days), \
             w (weeks) or m (months), e.g. last=7d"
        ),
        PeriodError::BadWeek { .. } => {
            format!("`week={value}` is not an ISO week; write YYYY-Www (2026-W48), this or note")
        }
        PeriodError::BadMonth { .. } => {
            format!("`month={value}` is not a month; write YYYY-MM (2026-11), this or note")
        }
        PeriodError::Reversed { from, to } => {
            format!("the period is empty: from={from} is after to={to}")
        }
        PeriodError::OutOfRange { .. } => {
            format!("`{key}={value}` is out of the range of dates mdtasks can handle")
        }
        other => other.to_string(),
    })
}

/// Why one summary region of a note was not brought up to date. The note's other regions
/// still are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionProblem {
    pub region: String,
    /// 1-based line of the region's start marker.
    pub line: usize,
    pub message: String,
}

/// The edits that bring every summary region of a note (its `text`, and the `outline` read
/// from it) up to date, and the regions that could not be: each region gets
/// `render(period)` for the period its marker asks for. A region that already holds exactly
/// that is left out, so an empty edit set means there is nothing to write.
///
/// `render` is the report (Markdown); it is called once per region, and callers that expect
/// several regions with the same period cache it.
pub fn plan_summaries(
    text: &str,
    outline: &Outline,
    today: NaiveDate,
    render: &mut dyn FnMut(&Period) -> String,
) -> (EditSet, Vec<RegionProblem>) {
    let mut set = EditSet::new();
    let mut problems = Vec::new();
    for r in outline
        .regions
        .iter()
        .filter(|r| is_summary_region(&r.name))
    {
        let line = LineIndex::new(text).line_of(r.start_marker.start) + 1;
        let problem = |message: String| RegionProblem {
            region: r.name.clone(),
            line,
            message,
        };
        let period = match region_period(marker_settings(text, r), outline.date, today) {
            Ok(p) => p,
            Err(m) => {
                problems.push(problem(m));
                continue;
            }
        };
        let content = render(&period);
        match replace_region(text, outline, &r.name, &content) {
            Ok(edits) => set.extend(edits),
            Err(e) => problems.push(problem(region_error_text(&e))),
        }
    }
    (set, problems)
}

/// `EditError::Region` already names the region; the problem names it too.
fn region_error_text(e: &EditError) -> String {
    match e {
        EditError::Region { reason, .. } => reason.clone(),
        other => other.to_string(),
    }
}

/// Whether the note holds a summary region (or its start marker: a broken region is worth
/// reporting too).
pub fn asks_for_summary(note: &Note) -> bool {
    note.regions.iter().any(|r| is_summary_region(&r.name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{ParseOptions, parse_note};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn period(from: &str, to: &str) -> Period {
        Period {
            from: Some(d(from)),
            to: Some(d(to)),
        }
    }

    const TODAY: &str = "2026-11-24";

    fn p(settings: &str, note: Option<&str>) -> Result<Period, String> {
        region_period(settings, note.map(d), d(TODAY))
    }

    #[test]
    fn names() {
        assert!(is_summary_region("summary"));
        assert!(is_summary_region("summary-week"));
        assert!(!is_summary_region("summary-"));
        assert!(!is_summary_region("summaryweek"));
        assert!(!is_summary_region("tasks"));
    }

    #[test]
    fn default_period_is_the_notes_day_else_the_last_week() {
        assert_eq!(
            p("", Some("2026-11-20")),
            Ok(period("2026-11-20", "2026-11-20"))
        );
        assert_eq!(p("", None), Ok(period("2026-11-18", "2026-11-24")));
    }

    #[test]
    fn every_setting() {
        let note = Some("2026-11-03");
        assert_eq!(p("day=note", note), Ok(period("2026-11-03", "2026-11-03")));
        assert_eq!(p("day=today", note), Ok(period(TODAY, TODAY)));
        assert_eq!(
            p("day=2026-01-02", None),
            Ok(period("2026-01-02", "2026-01-02"))
        );
        assert_eq!(p("week=this", None), Ok(period("2026-11-23", "2026-11-29")));
        assert_eq!(p("week=note", note), Ok(period("2026-11-02", "2026-11-08")));
        assert_eq!(
            p("week=2026-W47", None),
            Ok(period("2026-11-16", "2026-11-22"))
        );
        assert_eq!(
            p("month=this", None),
            Ok(period("2026-11-01", "2026-11-30"))
        );
        assert_eq!(
            p("month=2026-02", None),
            Ok(period("2026-02-01", "2026-02-28"))
        );
        assert_eq!(
            p("month=note", Some("2026-10-31")),
            Ok(period("2026-10-01", "2026-10-31"))
        );
        assert_eq!(p("last=2w", None), Ok(period("2026-11-11", TODAY)));
        assert_eq!(
            p("from=2026-11-01 to=note", note),
            Ok(period("2026-11-01", "2026-11-03"))
        );
        assert_eq!(
            p("  from=2026-11-20  ", None),
            Ok(Period {
                from: Some(d("2026-11-20")),
                to: None
            })
        );
    }

    #[test]
    fn bad_settings_say_what_to_write() {
        let err = |s: &str, note: Option<&str>| p(s, note).unwrap_err();
        assert!(err("last=3x", None).contains("`last=3x` is not a length of time"));
        assert!(err("week=48", None).contains("`week=48` is not an ISO week"));
        assert!(err("month=11", None).contains("`month=11` is not a month"));
        assert!(err("day=yesterday", None).contains("`day=yesterday` is not a day"));
        assert!(err("day=note", None).contains("needs a note with a date"));
        assert!(err("period=week", None).contains("`period` is not a setting"));
        assert!(err("weekly", None).contains("`weekly` is not a setting"));
        assert!(err("last=7d last=2w", None).contains("given twice"));
        assert!(err("last=7d week=this", None).contains("both choose the period"));
        assert!(err("from=2026-11-05 to=2026-11-01", None).contains("the period is empty"));
    }

    #[test]
    fn settings_are_read_from_the_start_marker() {
        let t = "# N\n<!--   mdtasks:summary:start  week=this last=1d -->\nold\n<!-- mdtasks:summary:end -->\n<!-- mdtasks:summary-b:start -->\n<!-- mdtasks:summary-b:end -->\n";
        let n = parse_note(t, &ParseOptions::default());
        assert_eq!(n.regions.len(), 2, "{:?}", n.diagnostics);
        assert_eq!(marker_settings(t, &n.regions[0]), "week=this last=1d");
        assert_eq!(marker_settings(t, &n.regions[1]), "");
    }

    /// The pure planner: which regions get new content. Only summary regions, only those
    /// whose content differs; the markers (and their settings) are never rewritten; a bad
    /// region is a problem and the others still update.
    #[test]
    fn plan_updates_only_what_differs() {
        let t = "# Dash\n\n<!-- mdtasks:summary:start last=7d -->\nold\n<!-- mdtasks:summary:end -->\n\n<!-- mdtasks:summary-w:start week=bogus -->\n<!-- mdtasks:summary-w:end -->\n\n<!-- mdtasks:other:start -->\nmine\n<!-- mdtasks:other:end -->\n\n<!-- mdtasks:summary-day:start day=2026-11-20 -->\nreport 2026-11-20..2026-11-20\n<!-- mdtasks:summary-day:end -->\n";
        let n = parse_note(t, &ParseOptions::default());
        let mut asked = Vec::new();
        let mut render = |p: &Period| {
            asked.push(*p);
            format!(
                "report {}..{}",
                p.from.map(|d| d.to_string()).unwrap_or_default(),
                p.to.map(|d| d.to_string()).unwrap_or_default()
            )
        };
        let (set, problems) = plan_summaries(t, &Outline::of(&n), d(TODAY), &mut render);
        assert_eq!(
            asked,
            [
                period("2026-11-18", TODAY),
                period("2026-11-20", "2026-11-20")
            ]
        );
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].region, "summary-w");
        assert_eq!(problems[0].line, 7);
        assert!(problems[0].message.contains("`week=bogus`"));
        // One edit: the `summary` region; `summary-day` already holds its report.
        assert_eq!(set.len(), 1);
        let out = set.apply_checked(t, &ParseOptions::default()).unwrap();
        assert!(out.contains(
            "<!-- mdtasks:summary:start last=7d -->\nreport 2026-11-18..2026-11-24\n<!-- mdtasks:summary:end -->"
        ));
        assert!(out.contains("mine\n"));
        // A second plan on the result changes nothing.
        let n2 = parse_note(&out, &ParseOptions::default());
        let (again, _) = plan_summaries(&out, &Outline::of(&n2), d(TODAY), &mut |p: &Period| {
            format!(
                "report {}..{}",
                p.from.map(|d| d.to_string()).unwrap_or_default(),
                p.to.map(|d| d.to_string()).unwrap_or_default()
            )
        });
        assert!(again.is_empty());
    }

    #[test]
    fn crlf_note_keeps_its_line_endings() {
        let t = "<!-- mdtasks:summary:start -->\r\n<!-- mdtasks:summary:end -->\r\n";
        let n = parse_note(t, &ParseOptions::default());
        let (set, problems) =
            plan_summaries(t, &Outline::of(&n), d(TODAY), &mut |_| "a\nb\n".into());
        assert!(problems.is_empty());
        let out = set.apply(t).unwrap();
        assert_eq!(
            out,
            "<!-- mdtasks:summary:start -->\r\na\r\nb\r\n<!-- mdtasks:summary:end -->\r\n"
        );
    }

    #[test]
    fn markers_with_settings_round_trip() {
        // Existing markers keep their meaning; settings never make a start marker unread.
        for line in [
            "<!-- mdtasks:summary:start -->",
            "<!--mdtasks:summary:start-->",
            "<!-- mdtasks:summary:start last=7d -->",
            "<!-- mdtasks:summary:start\tweek=this -->",
        ] {
            assert_eq!(marker(line), Some(("summary", true)), "{line}");
        }
        for line in [
            "<!-- mdtasks:summary:started -->",
            "<!-- mdtasks:summary:end last=7d -->",
            "<!-- mdtasks:a:b:start -->",
        ] {
            assert_eq!(marker(line), None, "{line}");
        }
    }
}
