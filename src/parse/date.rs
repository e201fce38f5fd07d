//! Dates: in note file names, in date headings, in front matter.

use chrono::{Datelike, NaiveDate, Weekday};

fn two(b: &[u8]) -> Option<u32> {
    (b.len() == 2 && b.iter().all(u8::is_ascii_digit))
        .then(|| (b[0] - b'0') as u32 * 10 + (b[1] - b'0') as u32)
}

fn four(b: &[u8]) -> Option<i32> {
    (b.len() == 4 && b.iter().all(u8::is_ascii_digit))
        .then(|| b.iter().fold(0i32, |n, d| n * 10 + (d - b'0') as i32))
}

/// Something shaped like `YYYY-MM-DD` (or `_`, `/`, `.` separated) at the start of `s`,
/// not followed by another digit. `Ok(None)` when the shape is there but the date does not
/// exist (`2026-02-30`); `Err(())` when the shape is not there.
#[allow(clippy::result_unit_err)]
pub fn date_shape_at(s: &str) -> Result<Option<NaiveDate>, ()> {
    let b = s.as_bytes();
    if b.len() < 10 || b.get(10).is_some_and(u8::is_ascii_digit) {
        return Err(());
    }
    let sep = b[4];
    if !matches!(sep, b'-' | b'_' | b'/' | b'.') || b[7] != sep {
        return Err(());
    }
    let (Some(y), Some(m), Some(d)) = (four(&b[0..4]), two(&b[5..7]), two(&b[8..10])) else {
        return Err(());
    };
    Ok(NaiveDate::from_ymd_opt(y, m, d))
}

/// An ISO date `YYYY-MM-DD` at the start of `s`.
pub fn iso_date_at(s: &str) -> Option<NaiveDate> {
    if s.as_bytes().get(4) != Some(&b'-') {
        return None;
    }
    date_shape_at(s).ok().flatten()
}

/// The date a note's file name carries: `2026-11-24`, `2026_11_24` (Logseq), `20261124`,
/// anywhere in the stem; or `YYYY/MM/DD.md`. `pattern` is a user's chrono format for the
/// whole stem, tried first.
pub fn date_from_path(rel_path: &str, pattern: Option<&str>) -> Option<NaiveDate> {
    // The usual daily note, `2026-11-24.md` in the root, read without the search below: a
    // walk asks this of every name in a folder of thousands (the same answer: see
    // `iso_names_read_as_the_search_reads_them`).
    if pattern.is_none()
        && let Some(date) = iso_note_name(rel_path.as_bytes())
    {
        return date;
    }
    date_by_search(rel_path, pattern)
}

/// The date of a path that is exactly `YYYY-MM-DD.md`: None when it is not that shape, Some(None)
/// when it is but names no day (`2026-02-30.md`: no other date is in such a name either).
fn iso_note_name(b: &[u8]) -> Option<Option<NaiveDate>> {
    if b.len() != 13 || &b[10..] != b".md" || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (four(&b[0..4])?, two(&b[5..7])?, two(&b[8..10])?);
    Some(NaiveDate::from_ymd_opt(y, m, d))
}

/// `date_from_path` for any path: the pattern, then each shape anywhere in the stem, then
/// `YYYY/MM/DD.md`.
fn date_by_search(rel_path: &str, pattern: Option<&str>) -> Option<NaiveDate> {
    let rel: std::borrow::Cow<str> = if rel_path.contains('\\') {
        rel_path.replace('\\', "/").into()
    } else {
        rel_path.into()
    };
    // Names are short: a byte loop, not a vectorised search that costs more to set up.
    let file = match rel.bytes().rposition(|b| b == b'/') {
        Some(i) => &rel[i + 1..],
        None => &rel,
    };
    let stem = file
        .strip_suffix(".markdown")
        .or_else(|| file.strip_suffix(".md"))
        .unwrap_or(file);
    if let Some(p) = pattern
        && let Ok(d) = NaiveDate::parse_from_str(stem, p)
    {
        return Some(d);
    }
    let b = stem.as_bytes();
    for i in 0..b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && b[i - 1].is_ascii_digit()) {
            continue;
        }
        if let Ok(Some(d)) = date_shape_at(&stem[i..])
            && b[i + 4] != b'.'
        {
            return Some(d);
        }
        let run = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if run == 8 {
            let (Some(y), Some(m), Some(d)) = (
                four(&b[i..i + 4]),
                two(&b[i + 4..i + 6]),
                two(&b[i + 6..i + 8]),
            ) else {
                continue;
            };
            if let Some(d) = NaiveDate::from_ymd_opt(y, m, d) {
                return Some(d);
            }
        }
    }
    // YYYY/MM/DD.md
    let parts: Vec<&str> = rel.split('/').collect();
    if parts.len() >= 3 {
        let n = parts.len();
        let (y, m, d) = (parts[n - 3], parts[n - 2], stem);
        if let (Some(y), Some(m), Some(d)) = (
            four(y.as_bytes()),
            two(m.as_bytes()),
            (1..=2)
                .contains(&d.len())
                .then(|| d.parse::<u32>().ok())
                .flatten(),
        ) {
            return NaiveDate::from_ymd_opt(y, m, d);
        }
    }
    None
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Which of `names` a lower-case word abbreviates: at least three letters of one
/// (`nov`, `sept`, `tues`, `thursday`).
fn name_index(w: &str, names: &[&str]) -> Option<usize> {
    if w.len() < 3 {
        return None;
    }
    // The first letter rules most names out (a heading's every word is tried).
    let first = w.as_bytes()[0].to_ascii_lowercase();
    names.iter().position(|n| {
        n.as_bytes()[0].to_ascii_lowercase() == first
            && n.len() >= w.len()
            && n[..w.len()].eq_ignore_ascii_case(w)
    })
}

fn month_of(w: &str) -> Option<u32> {
    name_index(w, &MONTH_NAMES).map(|i| i as u32 + 1)
}

fn weekday_of(w: &str) -> Option<Weekday> {
    name_index(w, &WEEKDAY_NAMES).map(|i| Weekday::try_from(i as u8).expect("0..7"))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadingDate {
    /// Not a date heading.
    No,
    Date(NaiveDate),
    /// It reads like a date, but is not a real one, or its weekday is wrong.
    Bad {
        message: String,
        hint: String,
    },
}

/// Whether a heading's text is a date: `2026-11-24` (anything may follow, e.g. a weekday or
/// a title), or only date words: `Tue 24 Nov 2026`, `Tuesday, 24 November 2026`,
/// `November 24, 2026`, `24th Nov 2026`.
pub fn heading_date(text: &str) -> HeadingDate {
    let t = text.trim();
    match date_shape_at(t) {
        Ok(Some(d)) => return check_weekday(d, &t[10..]),
        Ok(None) => {
            return HeadingDate::Bad {
                message: format!("`{}` is not a date that exists", &t[..10]),
                hint: "check the month (01-12) and the day of the month".into(),
            };
        }
        Err(()) => {}
    }
    // Words alone are never a date (it needs a year and a day): most headings (`Tasks`,
    // `Log`) are ruled out by one scan rather than by looking each word up as a month and a
    // weekday.
    if !t.as_bytes().first().is_some_and(u8::is_ascii_alphanumeric)
        || !t.bytes().any(|b| b.is_ascii_digit())
    {
        return HeadingDate::No;
    }
    let (mut day, mut month, mut year, mut wd) = (None, None, None, None);
    for w in t.split(|c: char| c.is_whitespace() || c == ',' || c == '.') {
        if w.is_empty() {
            continue;
        }
        // Names and suffixes are compared ignoring ASCII case: only other words need
        // lower-casing (most headings are `Tasks` or `Log`; an allocation for each cost more
        // than the rest of the test).
        let lw: std::borrow::Cow<str> = if w.is_ascii() {
            w.into()
        } else {
            w.to_lowercase().into()
        };
        let digits = lw.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let suffix = &lw[digits.len()..];
        if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
            if digits.len() == 4 && suffix.is_empty() && year.is_none() {
                year = digits.parse::<i32>().ok();
            } else if digits.len() <= 2
                && ["", "st", "nd", "rd", "th"]
                    .iter()
                    .any(|x| suffix.eq_ignore_ascii_case(x))
                && day.is_none()
            {
                day = digits.parse::<u32>().ok();
            } else {
                return HeadingDate::No;
            }
        } else if let Some(m) = month_of(&lw).filter(|_| month.is_none()) {
            month = Some(m);
        } else if let Some(d) = weekday_of(&lw).filter(|_| wd.is_none()) {
            wd = Some(d);
        } else {
            return HeadingDate::No;
        }
    }
    let (Some(d), Some(m), Some(y)) = (day, month, year) else {
        return HeadingDate::No;
    };
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(date) => match wd {
            Some(w) if w != date.weekday() => bad_weekday(date, w),
            _ => HeadingDate::Date(date),
        },
        None => HeadingDate::Bad {
            message: format!("`{t}` is not a date that exists"),
            hint: "check the day of the month".into(),
        },
    }
}

fn check_weekday(d: NaiveDate, rest: &str) -> HeadingDate {
    let first = rest
        .trim_start_matches(|c: char| c.is_whitespace() || c == ',' || c == '(')
        .split(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("")
        .to_lowercase();
    match weekday_of(&first) {
        Some(w) if w != d.weekday() => bad_weekday(d, w),
        _ => HeadingDate::Date(d),
    }
}

pub fn weekday_name(w: Weekday) -> &'static str {
    WEEKDAY_NAMES[w.num_days_from_monday() as usize]
}

fn bad_weekday(d: NaiveDate, w: Weekday) -> HeadingDate {
    HeadingDate::Bad {
        message: format!(
            "{d} is a {}, not a {}",
            weekday_name(d.weekday()),
            weekday_name(w)
        ),
        hint: "fix the date or the weekday so they agree".into(),
    }
}

/// `date:` in YAML front matter (the text between the `---` lines).
pub fn front_matter_date(yaml: &str) -> Option<Result<NaiveDate, String>> {
    for line in yaml.lines() {
        let Some(v) = line.strip_prefix("date:") else {
            continue;
        };
        let v = v.trim().trim_matches(['"', '\'']);
        return Some(match date_shape_at(v) {
            Ok(Some(d)) if v.as_bytes()[4] == b'-' => Ok(d),
            _ => Err(v.to_string()),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `date_from_path` reads `YYYY-MM-DD.md` without searching: the same answer as the
    /// search, for real days, days that do not exist, and near misses of the shape.
    #[test]
    fn iso_names_read_as_the_search_reads_them() {
        let mut names = Vec::new();
        for y in ["0000", "0001", "1999", "2000", "2026", "2100", "9999"] {
            for m in 0..=13 {
                for dd in 0..=32 {
                    names.push(format!("{y}-{m:02}-{dd:02}.md"));
                }
            }
        }
        names.extend(
            [
                "2026-11-24.MD",
                "2026_11_24.md",
                "2026-11-2a.md",
                "2026-1-124.md",
                "2026-11-24.mdx",
                "x026-11-24.md",
                "2026-11-24-md",
                "+026-11-24.md",
            ]
            .map(String::from),
        );
        for n in &names {
            assert_eq!(date_from_path(n, None), date_by_search(n, None), "{n}");
        }
        assert_eq!(iso_note_name(b"2026-02-30.md"), Some(None));
        assert_eq!(iso_note_name(b"2026_11_24.md"), None);
    }

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn names() {
        assert_eq!(date_from_path("2026-11-24.md", None), Some(d(2026, 11, 24)));
        assert_eq!(
            date_from_path("journals/2026_11_24.md", None),
            Some(d(2026, 11, 24))
        );
        assert_eq!(date_from_path("20261124.md", None), Some(d(2026, 11, 24)));
        assert_eq!(
            date_from_path("2026/11/2026-11-24.md", None),
            Some(d(2026, 11, 24))
        );
        assert_eq!(date_from_path("2026/11/24.md", None), Some(d(2026, 11, 24)));
        assert_eq!(
            date_from_path("daily 2026-11-24 notes.md", None),
            Some(d(2026, 11, 24))
        );
        assert_eq!(date_from_path("Projects.md", None), None);
        assert_eq!(date_from_path("123456789.md", None), None);
        assert_eq!(
            date_from_path("24.11.2026.md", Some("%d.%m.%Y")),
            Some(d(2026, 11, 24))
        );
    }

    #[test]
    fn headings() {
        assert_eq!(
            heading_date("2026-11-24"),
            HeadingDate::Date(d(2026, 11, 24))
        );
        assert_eq!(
            heading_date("2026-11-24 Tuesday"),
            HeadingDate::Date(d(2026, 11, 24))
        );
        assert_eq!(
            heading_date("Tue 24 Nov 2026"),
            HeadingDate::Date(d(2026, 11, 24))
        );
        assert_eq!(
            heading_date("Tuesday, 24 November 2026"),
            HeadingDate::Date(d(2026, 11, 24))
        );
        assert_eq!(
            heading_date("November 24, 2026"),
            HeadingDate::Date(d(2026, 11, 24))
        );
        assert_eq!(
            heading_date("24th Nov 2026"),
            HeadingDate::Date(d(2026, 11, 24))
        );
        assert!(matches!(
            heading_date("2026-02-30"),
            HeadingDate::Bad { .. }
        ));
        assert!(matches!(
            heading_date("Wed 24 Nov 2026"),
            HeadingDate::Bad { .. }
        ));
        assert_eq!(
            heading_date("Thurs 26 Nov 2026"),
            HeadingDate::Date(d(2026, 11, 26))
        );
        assert_eq!(
            heading_date("Tues, Sept 1 2026"),
            HeadingDate::Date(d(2026, 9, 1))
        );
        assert_eq!(heading_date("Ju 1 2026"), HeadingDate::No);
        assert_eq!(heading_date("Tasks"), HeadingDate::No);
        assert_eq!(heading_date("May the 4th"), HeadingDate::No);
        assert_eq!(heading_date("Time Log 2026"), HeadingDate::No);
        // Case does not matter, in names or in a day's suffix; other letters stay apart.
        for (text, want) in [
            (
                "TUESDAY, 24TH NOVEMBER 2026",
                HeadingDate::Date(d(2026, 11, 24)),
            ),
            ("24Th nOv 2026", HeadingDate::Date(d(2026, 11, 24))),
            ("24\u{212a} Nov 2026", HeadingDate::No),
            ("Ноябрь 24 2026", HeadingDate::No),
        ] {
            assert_eq!(heading_date(text), want, "{text}");
        }
    }
}
