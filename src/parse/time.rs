//! The time-log grammar: clock times, ranges and durations at the start of a line.
//!
//! Hand-written scanners rather than regexes: every list item and plain line in a corpus is
//! offered to `scan_entry_head`, and almost all are rejected on their first byte.

use crate::diagnostic::Code;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meridiem {
    Am,
    Pm,
}

/// A clock time as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub hour: u32,
    pub minute: u32,
    pub meridiem: Option<Meridiem>,
    /// Bytes the time took, including an am/pm suffix.
    pub len: usize,
}

impl Clock {
    /// Minutes after midnight, 0..=1440 (24:00 is the end of the day).
    pub fn minutes(&self) -> u32 {
        match self.meridiem {
            None => self.hour * 60 + self.minute,
            Some(Meridiem::Am) => (self.hour % 12) * 60 + self.minute,
            Some(Meridiem::Pm) => (self.hour % 12) * 60 + 720 + self.minute,
        }
    }
}

/// Something at the start of a text that looked like a time but is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeError {
    pub code: Code,
    /// Byte range within the scanned text.
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub hint: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scan<T> {
    /// Not a time at all: ordinary text.
    No,
    Yes(T),
    Bad(TimeError),
}

fn digits(b: &[u8], from: usize) -> usize {
    b[from..].iter().take_while(|c| c.is_ascii_digit()).count()
}

fn num(b: &[u8]) -> u32 {
    b.iter().fold(0, |n, &d| n * 10 + (d - b'0') as u32)
}

/// `am`, `pm`, `a.m.`, `p.m.` in any case, at `b[i..]`. Returns the meridiem and its length.
fn meridiem(b: &[u8], i: usize) -> Option<(Meridiem, usize)> {
    let m = match b.get(i).map(|c| c.to_ascii_lowercase()) {
        Some(b'a') => Meridiem::Am,
        Some(b'p') => Meridiem::Pm,
        _ => return None,
    };
    let rest = &b[i + 1..];
    let len = if rest.first().map(|c| c.to_ascii_lowercase()) == Some(b'm') {
        2
    } else if rest.len() >= 3
        && rest[0] == b'.'
        && rest[1].eq_ignore_ascii_case(&b'm')
        && rest[2] == b'.'
    {
        4
    } else {
        return None;
    };
    if b.get(i + len).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None; // "amber", "2 pmx"
    }
    Some((m, len))
}

/// What may follow a time: end of text, white space, or punctuation that is not part of a
/// number (a digit or a letter right after means it was something else: `10:30x`, `7.000`).
fn time_boundary(b: &[u8], i: usize) -> bool {
    match b.get(i) {
        None => true,
        Some(c) if c.is_ascii_alphanumeric() => false,
        Some(b'.') | Some(b':') => !b.get(i + 1).is_some_and(|c| c.is_ascii_digit()),
        Some(_) => true,
    }
}

/// Scans a clock time at the very start of `s`: `7:00`, `07:00`, `7.00`, `9:15am`, `2 PM`, `9am`.
pub fn scan_clock(s: &str) -> Scan<Clock> {
    let b = s.as_bytes();
    let h = digits(b, 0);
    if h == 0 || h > 2 {
        return Scan::No;
    }
    let hour = num(&b[..h]);
    let mut i = h;
    let mut minute = 0;
    let mut has_minutes = false;
    if let Some(&sep) = b.get(i).filter(|c| **c == b':' || **c == b'.') {
        let m = digits(b, i + 1);
        if m == 2 {
            minute = num(&b[i + 1..i + 3]);
            has_minutes = true;
            i += 3;
        } else if m == 1 && sep == b':' && time_boundary(b, i + 2) {
            return Scan::Bad(TimeError {
                code: Code::MalformedTime,
                start: 0,
                end: i + 2,
                message: format!("`{}` is missing a digit of its minutes", &s[..i + 2]),
                hint: format!(
                    "write minutes with two digits, e.g. `{}:0{}`",
                    hour,
                    b[i + 1] as char
                ),
            });
        } else {
            return Scan::No;
        }
    }
    // am/pm, directly or after one space
    let mut mer = None;
    let sp = usize::from(b.get(i) == Some(&b' '));
    if let Some((m, len)) = meridiem(b, i + sp) {
        mer = Some(m);
        i += sp + len;
    }
    if !has_minutes && mer.is_none() {
        return Scan::No; // a bare number is not a time
    }
    if !time_boundary(b, i) {
        return Scan::No;
    }
    let valid = match mer {
        Some(_) => (1..=12).contains(&hour) && minute < 60,
        None => (hour < 24 && minute < 60) || (hour == 24 && minute == 0),
    };
    if !valid {
        let hint = if mer.is_some() {
            "with am/pm, hours go from 1 to 12 and minutes from 00 to 59"
        } else {
            "hours go from 0 to 23 and minutes from 00 to 59"
        };
        return Scan::Bad(TimeError {
            code: Code::InvalidTime,
            start: 0,
            end: i,
            message: format!("`{}` is not a time of day", &s[..i]),
            hint: hint.into(),
        });
    }
    Scan::Yes(Clock {
        hour,
        minute,
        meridiem: mer,
        len: i,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    At(u32),
    /// `09:00 - ?`: the end is not known yet.
    Unknown,
}

/// The start of a time entry: its start, its end when it is a range, and where its text begins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryHead {
    /// Minutes after midnight.
    pub start: u32,
    /// For a range, the end in minutes after midnight, as written (may be before `start`
    /// when the range crosses midnight).
    pub end: Option<End>,
    /// Byte offset in the scanned text where the entry's description begins.
    pub rest: usize,
}

fn skip_ws(s: &str, mut i: usize) -> usize {
    while let Some(c) = s[i..].chars().next() {
        if c == ' ' || c == '\t' || c == '\u{a0}' {
            i += c.len_utf8();
        } else {
            break;
        }
    }
    i
}

/// A range separator at `s[i..]`: `-`, `--`, `–`, `—` or the word `to`. Returns its length.
fn separator(s: &str, i: usize) -> Option<usize> {
    let r = &s[i..];
    if r.starts_with("--") {
        Some(2)
    } else if r.starts_with('-') {
        Some(1)
    } else if r.starts_with('–') || r.starts_with('—') {
        Some(3)
    } else if (r.starts_with("to ") || r.starts_with("to\t")) && i > 0 {
        Some(2)
    } else {
        None
    }
}

/// A side of a range without am/pm takes the reading that makes the range shortest,
/// so `11:30-1pm` is 11:30am to 1pm and `9:00pm-10:30` ends at 10:30pm.
fn resolve_meridiem(start: Clock, end: Clock) -> (u32, u32) {
    let (s, e) = (start.minutes(), end.minutes());
    match (start.meridiem, end.meridiem) {
        (None, Some(_)) if (1..=12).contains(&start.hour) => {
            let am = (start.hour % 12) * 60 + start.minute;
            let pm = am + 720;
            let s = if pm <= e {
                pm
            } else if am <= e {
                am
            } else {
                pm
            };
            (s, e)
        }
        (Some(_), None) if (1..=12).contains(&end.hour) => {
            let am = (end.hour % 12) * 60 + end.minute;
            let pm = am + 720;
            let e = if am >= s {
                am
            } else if pm >= s {
                pm
            } else {
                am
            };
            (s, e)
        }
        _ => (s, e),
    }
}

/// Scans the head of a time entry at the start of `s`: a clock time, optionally a range.
pub fn scan_entry_head(s: &str) -> Scan<EntryHead> {
    let start = match scan_clock(s) {
        Scan::Yes(c) => c,
        Scan::No => return Scan::No,
        Scan::Bad(e) => return Scan::Bad(e),
    };
    let after = start.len;
    if start.minutes() == 1440 {
        // 24:00 only ends a range; as a start (of a range too: `24:00-01:00`) it would be
        // the next day's 00:00.
        return Scan::Bad(TimeError {
            code: Code::InvalidTime,
            start: 0,
            end: after,
            message: "`24:00` can end a range but cannot start an entry".into(),
            hint: "write `00:00` and put the entry under the next day".into(),
        });
    }
    let i = skip_ws(s, after);
    if let Some(sep) = separator(s, i) {
        let j = skip_ws(s, i + sep);
        if s[j..].starts_with('?') {
            return Scan::Yes(EntryHead {
                start: start.minutes(),
                end: Some(End::Unknown),
                rest: skip_ws(s, j + 1),
            });
        }
        match scan_clock(&s[j..]) {
            Scan::Yes(end) => {
                let (a, b) = resolve_meridiem(start, end);
                return Scan::Yes(EntryHead {
                    start: a,
                    end: Some(End::At(b)),
                    rest: skip_ws(s, j + end.len),
                });
            }
            Scan::Bad(mut e) => {
                e.start += j;
                e.end += j;
                return Scan::Bad(e);
            }
            Scan::No => {
                // `10:00 - call mum`: a dash is only punctuation; `to do laundry` is text.
                let rest = if s[i..].starts_with("to") { i } else { j };
                return Scan::Yes(EntryHead {
                    start: start.minutes(),
                    end: None,
                    rest,
                });
            }
        }
    }
    // `10:00: email`, `10:00, email`
    let mut rest = i;
    if s[rest..].starts_with(':') || s[rest..].starts_with(',') {
        rest = skip_ws(s, rest + 1);
    }
    Scan::Yes(EntryHead {
        start: start.minutes(),
        end: None,
        rest,
    })
}

/// Parses a duration at the start of `s`: `45m`, `90 min`, `2h`, `1.5h`, `1h30m`, `1h 30m`,
/// `1h30`. Returns minutes and bytes consumed. Requires a word boundary after it.
pub fn scan_duration(s: &str) -> Option<(u32, usize)> {
    let b = s.as_bytes();
    let n = digits(b, 0);
    if n == 0 || n > 5 {
        return None;
    }
    let whole = num(&b[..n]);
    let mut i = n;
    let mut frac: Option<(u32, u32)> = None; // (numerator, denominator)
    if b.get(i) == Some(&b'.') {
        let f = digits(b, i + 1);
        if f == 0 || f > 2 {
            return None;
        }
        frac = Some((num(&b[i + 1..i + 1 + f]), 10u32.pow(f as u32)));
        i += 1 + f;
    }
    let sp = usize::from(b.get(i) == Some(&b' '));
    let unit_at = i + sp;
    let word_len = b[unit_at..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    let unit = &s[unit_at..unit_at + word_len];
    let hours = is_unit(unit, &["h", "hr", "hrs", "hour", "hours"]);
    let mins = is_unit(unit, &["m", "min", "mins", "minute", "minutes"]);
    i = unit_at + word_len;
    let total = if hours {
        let mut t = whole * 60;
        if let Some((num_, den)) = frac {
            t += num_ * 60 / den;
        }
        // `1h30m`, `1h 30m`, `1h30`
        if frac.is_none() {
            let k = i + usize::from(b.get(i) == Some(&b' '));
            let m = digits(b, k);
            if (1..=2).contains(&m) {
                let mm = num(&b[k..k + m]);
                let after = k + m;
                let ulen = b[after..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .count();
                let unit_ok = is_unit(&s[after..after + ulen], &["m", "min", "mins"])
                    || (ulen == 0 && k == i && b.get(after).is_none_or(|c| *c != b'.'));
                if unit_ok && mm < 60 {
                    t += mm;
                    i = after + ulen;
                }
            }
        }
        t
    } else if mins && frac.is_none() {
        whole
    } else {
        return None;
    };
    if b.get(i).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some((total, i))
}

/// `word` is one of `units` (lowercase), in any case.
fn is_unit(word: &str, units: &[&str]) -> bool {
    units.iter().any(|u| word.eq_ignore_ascii_case(u))
}

fn is_word_start(s: &str, i: usize) -> bool {
    i == 0
        || s[..i]
            .chars()
            .next_back()
            .is_some_and(|c| !c.is_alphanumeric())
}

/// Finds `[KEY:: value]` or `(KEY:: value)` and returns the value's span in `s`.
pub fn inline_field<'a>(s: &'a str, key: &str) -> Option<(usize, &'a str)> {
    // Most lines have no field at all: one fast scan instead of one search per key.
    if !super::has(s.as_bytes(), b"::") {
        return None;
    }
    let mut from = 0;
    while let Some(p) = s[from..].find(key) {
        let k = from + p;
        from = k + key.len();
        if k == 0 {
            continue;
        }
        let open = s.as_bytes()[k - 1];
        if open != b'[' && open != b'(' {
            continue;
        }
        let close = if open == b'[' { ']' } else { ')' };
        if !s[k + key.len()..].starts_with("::") {
            continue;
        }
        let v0 = k + key.len() + 2;
        if let Some(e) = s[v0..].find(close) {
            let raw = &s[v0..v0 + e];
            let lead = raw.len() - raw.trim_start().len();
            return Some((v0 + lead, raw.trim()));
        }
    }
    None
}

/// An explicit duration anywhere on an entry line. In order: `[duration:: 45m]`,
/// `⏱ 45m`, `(45m)`, then a bare `1h30m`/`90 min` word. Returns minutes and the byte range
/// to cut from the entry's text.
pub fn find_duration(s: &str) -> Option<(u32, usize, usize)> {
    // Every form has a number: most entries without a duration are ruled out by one scan.
    if !s.bytes().any(|c| c.is_ascii_digit()) {
        return None;
    }
    if let Some((at, v)) = inline_field(s, "duration")
        && let Some((m, _)) = scan_duration(v)
    {
        let open = s[..at].rfind(['[', '(']).unwrap_or(at);
        let close = s[at..]
            .find([']', ')'])
            .map(|e| at + e + 1)
            .unwrap_or(s.len());
        return Some((m, open, close));
    }
    if let Some((m, a, b)) = after_timer(s) {
        return Some((m, a, b));
    }
    let bytes = s.as_bytes();
    for (p, _) in s.match_indices('(') {
        let v = &s[p + 1..];
        let lead = skip_ws(v, 0);
        if let Some((m, len)) = scan_duration(&v[lead..]) {
            let close = p + 1 + lead + len;
            let close = skip_ws(s, close);
            if bytes.get(close) == Some(&b')') {
                return Some((m, p, close + 1));
            }
        }
    }
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && is_word_start(s, i) {
            if let Some((m, len)) = scan_duration(&s[i..]) {
                return Some((m, i, i + len));
            }
            i += digits(bytes, i);
        } else {
            i += 1;
        }
    }
    None
}

/// `⏱ 45m` (with or without U+FE0F, any spaces): minutes and the span to cut.
pub fn after_timer(s: &str) -> Option<(u32, usize, usize)> {
    // The timer is not ASCII: most lines need no search for it.
    if s.is_ascii() {
        return None;
    }
    let p = s.find('⏱')?;
    let mut i = p + '⏱'.len_utf8();
    if s[i..].starts_with('\u{fe0f}') {
        i += 3;
    }
    i = skip_ws(s, i);
    let (m, len) = scan_duration(&s[i..])?;
    Some((m, p, i + len))
}

/// A task's estimate: `~15m`, `⏱ 15m` or `[estimate:: 15m]`.
pub fn find_estimate(s: &str) -> Option<u32> {
    if let Some((_, v)) = inline_field(s, "estimate")
        && let Some((m, _)) = scan_duration(v)
    {
        return Some(m);
    }
    if let Some((m, _, _)) = after_timer(s) {
        return Some(m);
    }
    for (p, _) in s.match_indices('~') {
        if is_word_start(s, p)
            && let Some((m, _)) = scan_duration(&s[p + 1..])
        {
            return Some(m);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `time_entry` fuzz target: `24:00` was refused as an entry's start, but not
    /// as a range's, which then started at minute 1440 (the next day's 00:00).
    #[test]
    fn a_range_cannot_start_at_24h() {
        for s in ["24:00-01:00 late", "24:00 - ? open", "24:00 to 1am"] {
            assert!(
                matches!(scan_entry_head(s), Scan::Bad(ref e) if e.code == Code::InvalidTime),
                "{s}"
            );
        }
        assert!(matches!(scan_entry_head("23:00-24:00 x"), Scan::Yes(_)));
    }

    fn head(s: &str) -> Option<(u32, Option<End>, &str)> {
        match scan_entry_head(s) {
            Scan::Yes(h) => Some((h.start, h.end, &s[h.rest..])),
            _ => None,
        }
    }

    #[test]
    fn clock_forms() {
        assert_eq!(head("7:00 a"), Some((420, None, "a")));
        assert_eq!(head("07:00 a"), Some((420, None, "a")));
        assert_eq!(head("7.00 a"), Some((420, None, "a")));
        assert_eq!(head("9:15am call"), Some((555, None, "call")));
        assert_eq!(head("2 PM call"), Some((840, None, "call")));
        assert_eq!(head("12am x"), Some((0, None, "x")));
        assert_eq!(head("12pm x"), Some((720, None, "x")));
        assert_eq!(head("9 a.m. x"), Some((540, None, "x")));
    }

    #[test]
    fn not_times() {
        for s in [
            "2026-11-24 x",
            "10 apples",
            "3.14159",
            "10.5 km",
            "1.5h of reading",
            "123:45",
            "10:30x",
            "",
            "x 10:00",
        ] {
            assert_eq!(scan_entry_head(s), Scan::No, "{s}");
        }
    }

    #[test]
    fn bad_times() {
        let Scan::Bad(e) = scan_entry_head("25:61 impossible") else {
            panic!()
        };
        assert_eq!((e.code, e.start, e.end), (Code::InvalidTime, 0, 5));
        let Scan::Bad(e) = scan_entry_head("7:5 x") else {
            panic!()
        };
        assert_eq!((e.code, e.end), (Code::MalformedTime, 3));
        let Scan::Bad(e) = scan_entry_head("09:00-13pm") else {
            panic!()
        };
        assert_eq!((e.code, e.start, e.end), (Code::InvalidTime, 6, 10));
    }

    #[test]
    fn ranges() {
        assert_eq!(head("07:00-08:15 w"), Some((420, Some(End::At(495)), "w")));
        assert_eq!(head("07:00--08:15 w"), Some((420, Some(End::At(495)), "w")));
        assert_eq!(
            head("07:00 – 08:15 w"),
            Some((420, Some(End::At(495)), "w"))
        );
        assert_eq!(head("07:00—08:15 w"), Some((420, Some(End::At(495)), "w")));
        assert_eq!(
            head("07:00 to 08:15 w"),
            Some((420, Some(End::At(495)), "w"))
        );
        assert_eq!(
            head("9am – 10:30am w"),
            Some((540, Some(End::At(630)), "w"))
        );
        assert_eq!(head("11:30-1pm w"), Some((690, Some(End::At(780)), "w")));
        assert_eq!(head("09:00 - ? w"), Some((540, Some(End::Unknown), "w")));
        assert_eq!(head("23:30-00:30 w"), Some((1410, Some(End::At(30)), "w")));
        assert_eq!(head("10:00 - call mum"), Some((600, None, "call mum")));
        assert_eq!(
            head("10:00 to do laundry"),
            Some((600, None, "to do laundry"))
        );
        assert_eq!(head("10:00: email"), Some((600, None, "email")));
    }

    #[test]
    fn durations() {
        let d = |s: &str| scan_duration(s).map(|x| x.0);
        assert_eq!(d("45m"), Some(45));
        assert_eq!(d("90 min"), Some(90));
        assert_eq!(d("2h"), Some(120));
        assert_eq!(d("1.5h"), Some(90));
        assert_eq!(d("1h30m"), Some(90));
        assert_eq!(d("1h 30m"), Some(90));
        assert_eq!(d("1h30"), Some(90));
        assert_eq!(d("5k"), None);
        assert_eq!(d("2 hours"), Some(120));
        assert_eq!(d("10 mangoes"), None);
        fn f(s: &str) -> Option<(u32, &str)> {
            find_duration(s).map(|x| (x.0, &s[x.1..x.2]))
        }
        assert_eq!(f("call (45m) #p"), Some((45, "(45m)")));
        assert_eq!(f("deep work 1h30m"), Some((90, "1h30m")));
        assert_eq!(f("x ⏱ 45m"), Some((45, "⏱ 45m")));
        assert_eq!(f("x ⏱️45m"), Some((45, "⏱️45m")));
        assert_eq!(f("x [duration:: 45m] y"), Some((45, "[duration:: 45m]")));
        assert_eq!(f("run 5k"), None);
        assert_eq!(f("room 101"), None);
    }

    #[test]
    fn estimates() {
        assert_eq!(find_estimate("a ~15m"), Some(15));
        assert_eq!(find_estimate("a ~1h30m"), Some(90));
        assert_eq!(find_estimate("a ⏱ 25m"), Some(25));
        assert_eq!(find_estimate("a [estimate:: 20m]"), Some(20));
        assert_eq!(find_estimate("a (estimate:: 20m)"), Some(20));
        assert_eq!(find_estimate("a~15m"), None);
    }
}
