//! Inline metadata on a task or entry line: `#tags`, Obsidian Tasks emoji fields, Dataview
//! fields and Logseq priorities.

use chrono::NaiveDate;

use super::date::iso_date_at;
use super::time::{find_estimate, inline_field};
use crate::model::Priority;

/// Byte ranges of a line that are not prose: code spans, links, wikilinks and autolinks.
/// A `#` inside them is not a tag.
fn opaque_ranges(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    // Most lines have none of them: two fast scans instead of a look at every byte (for a
    // link's `://`: a `:` is rarer than an `h`).
    if memchr::memchr3(b'`', b'[', b'<', b).is_none() && !super::has(b, b"://") {
        return out;
    }
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'`' => {
                let n = b[i..].iter().take_while(|c| **c == b'`').count();
                let fence = &s[i..i + n];
                match s[i + n..].find(fence) {
                    Some(e) => {
                        out.push((i, i + n + e + n));
                        i += n + e + n;
                    }
                    None => i += n,
                }
            }
            b'[' if b.get(i + 1) == Some(&b'[') => match s[i..].find("]]") {
                Some(e) => {
                    out.push((i, i + e + 2));
                    i += e + 2;
                }
                None => i += 2,
            },
            b'[' => {
                // [text](url): both parts are opaque
                if let Some(close) = s[i..].find("](") {
                    let url_from = i + close + 2;
                    if let Some(e) = s[url_from..].find(')') {
                        out.push((i, url_from + e + 1));
                        i = url_from + e + 1;
                        continue;
                    }
                }
                i += 1;
            }
            b'<' => match s[i..].find('>') {
                Some(e) if s[i + 1..i + e].contains(':') || s[i + 1..i + e].contains('@') => {
                    out.push((i, i + e + 1));
                    i += e + 1;
                }
                _ => i += 1,
            },
            b'h' if s[i..].starts_with("http://") || s[i..].starts_with("https://") => {
                let e = s[i..]
                    .find(|c: char| c.is_whitespace())
                    .unwrap_or(s.len() - i);
                out.push((i, i + e));
                i += e;
            }
            _ => i += 1,
        }
    }
    out
}

fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-' || c == '/'
}

/// The length in bytes of the tag characters `rest` starts with (ASCII ones tested as
/// bytes, the others as chars).
fn tag_len(rest: &str) -> usize {
    let b = rest.as_bytes();
    let mut len = 0;
    while let Some(&c) = b.get(len) {
        if c.is_ascii() {
            if !is_tag_char(char::from(c)) {
                break;
            }
            len += 1;
        } else {
            match rest[len..].chars().next() {
                Some(ch) if is_tag_char(ch) => len += ch.len_utf8(),
                _ => break,
            }
        }
    }
    len
}

/// The character before byte `p` (> 0) of `s` is white space.
fn follows_white_space(s: &str, p: usize) -> bool {
    match s.as_bytes()[p - 1] {
        c if c.is_ascii() => char::from(c).is_whitespace(),
        _ => s[..p].chars().next_back().is_some_and(char::is_whitespace),
    }
}

/// The `#tags` of a line, without the `#`, with their byte ranges (the `#` included).
///
/// A tag follows the start of the line or white space, and has at least one character that is
/// not a digit (`#42` is an issue number). Logseq's `#[[two words]]` is one tag.
pub fn tags(s: &str) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    each_tag(s, |tag, a, b| out.push((tag.to_string(), a, b)));
    out
}

/// The names of the `#tags` of a line (see [`tags`]).
pub fn tag_names(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_tag(s, |tag, a, _| push_tag(&mut out, s, a, tag));
    out
}

/// Adds a tag found at byte `at` of `line` to `tags`, the first with room for as many as
/// the rest of the line has `#`s (most often exactly its tags): pushed one by one, a vector
/// holds room for four, and a ten-year log kept as one note held 7 MB of room for tags
/// never written.
#[inline]
pub(crate) fn push_tag(tags: &mut Vec<String>, line: &str, at: usize, tag: &str) {
    if tags.capacity() == 0 {
        // (A plain count: the rest of a line is short, and `memchr_iter` costs more to start.)
        let hashes = line.as_bytes()[at..].iter().filter(|&&c| c == b'#').count();
        // Made with its room, not grown to it (`reserve_exact` takes the general way of
        // growing a vector: an eighth of this function's instructions).
        *tags = Vec::with_capacity(hashes);
    }
    tags.push(tag.to_string());
}

/// Calls `found` with each `#tag` of a line (see [`tags`]): its name and byte range.
pub fn each_tag(s: &str, mut found: impl FnMut(&str, usize, usize)) {
    let b = s.as_bytes();
    let Some(first) = memchr::memchr(b'#', b) else {
        return;
    };
    let opaque = opaque_ranges(s);
    for p in memchr::memchr_iter(b'#', &b[first..]).map(|p| p + first) {
        if opaque.iter().any(|&(a, b)| a <= p && p < b) {
            continue;
        }
        if p > 0 && !follows_white_space(s, p) {
            continue;
        }
        let rest = &s[p + 1..];
        if let Some(inner) = rest.strip_prefix("[[") {
            if let Some(e) = inner.find("]]") {
                found(&inner[..e], p, p + 1 + 2 + e + 2);
            }
            continue;
        }
        let tag = rest[..tag_len(rest)].trim_end_matches(['/', '-']);
        // Digits, `/` and `-` are ASCII: a byte test is the char test.
        if tag.is_empty()
            || tag
                .bytes()
                .all(|c| c.is_ascii_digit() || c == b'/' || c == b'-')
        {
            continue;
        }
        found(tag, p, p + 1 + tag.len());
    }
}

/// Task metadata found on a task's line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Fields {
    pub due: Option<NaiveDate>,
    pub scheduled: Option<NaiveDate>,
    pub start: Option<NaiveDate>,
    pub created: Option<NaiveDate>,
    pub done: Option<NaiveDate>,
    pub cancelled: Option<NaiveDate>,
    pub recurrence: Option<String>,
    pub priority: Option<Priority>,
    pub estimate_minutes: Option<u32>,
}

/// Obsidian Tasks' emoji: six dates (due, scheduled, start, created, done, cancelled),
/// recurrence, five priorities (highest to lowest), the timer.
const ALL_EMOJI: [&str; 13] = [
    "📅", "⏳", "🛫", "➕", "✅", "❌", "🔁", "🔺", "⏫", "🔼", "🔽", "⏬", "⏱",
];

/// Date after an emoji field found at `p`: `📅 2026-11-30`, `📅️2026-11-30` (U+FE0F), NBSP
/// allowed.
fn date_after(s: &str, p: usize, emoji: &str) -> Option<NaiveDate> {
    let rest = s[p + emoji.len()..].trim_start_matches(['\u{fe0f}', ' ', '\t', '\u{a0}']);
    iso_date_at(rest)
}

fn dataview_date(s: &str, key: &str) -> Option<NaiveDate> {
    inline_field(s, key).and_then(|(_, v)| iso_date_at(v))
}

/// Where each of `ALL_EMOJI` first occurs in `s`: one scan for the lead bytes they share
/// (U+2xxx and U+1Fxxx) instead of a search per emoji.
fn emoji_positions(s: &str) -> [Option<usize>; ALL_EMOJI.len()] {
    let mut first = [None; ALL_EMOJI.len()];
    let b = s.as_bytes();
    for i in memchr::memchr2_iter(0xE2, 0xF0, b) {
        for (k, e) in ALL_EMOJI.iter().enumerate() {
            if first[k].is_none() && b[i..].starts_with(e.as_bytes()) {
                first[k] = Some(i);
            }
        }
    }
    first
}

pub fn fields(s: &str) -> Fields {
    // Every field needs an emoji, a `::` (Dataview), a `[#` (Logseq's `[#A]`) or a `~` (an
    // estimate): most task lines have none, and one scan for `:`, `[` and `~` tells (the
    // scans of `scanned_fields`, one per form, were a third of the parser's `memchr` calls
    // on the generated notes). A `:` or `[` alone, as in a link, is no field: tasks with a
    // link went through every scan (28% of the generated task lines; a fifth of this
    // function's instructions).
    let b = s.as_bytes();
    let marked = |i: usize| match b[i] {
        b':' => b.get(i + 1) == Some(&b':'),
        b'[' => b.get(i + 1) == Some(&b'#'),
        _ => true,
    };
    if s.is_ascii() && !memchr::memchr3_iter(b':', b'[', b'~', b).any(marked) {
        return Fields::default();
    }
    scanned_fields(s)
}

/// [`fields`], each form looked for in turn.
fn scanned_fields(s: &str) -> Fields {
    let mut f = Fields::default();
    let has_emoji = !s.is_ascii();
    if has_emoji {
        let at = emoji_positions(s);
        let date = |k: usize| at[k].and_then(|p| date_after(s, p, ALL_EMOJI[k]));
        f.due = date(0);
        f.scheduled = date(1);
        f.start = date(2);
        f.created = date(3);
        f.done = date(4);
        f.cancelled = date(5);
        if let Some(p) = at[6] {
            let rest = s[p + "🔁".len()..].trim_start_matches(['\u{fe0f}', ' ', '\u{a0}']);
            let end = ALL_EMOJI
                .iter()
                .filter_map(|e| rest.find(e))
                .min()
                .unwrap_or(rest.len());
            let r = rest[..end].trim();
            if !r.is_empty() {
                f.recurrence = Some(r.to_string());
            }
        }
        f.priority = [
            Priority::Highest,
            Priority::High,
            Priority::Medium,
            Priority::Low,
            Priority::Lowest,
        ]
        .into_iter()
        .zip(&at[7..12])
        .find_map(|(p, found)| found.map(|_| p));
    }
    let dataview = super::has(s.as_bytes(), b"::");
    if dataview {
        f.due = f.due.or_else(|| dataview_date(s, "due"));
        f.scheduled = f.scheduled.or_else(|| dataview_date(s, "scheduled"));
        f.start = f.start.or_else(|| dataview_date(s, "start"));
        f.created = f.created.or_else(|| dataview_date(s, "created"));
        f.done = f.done.or_else(|| dataview_date(s, "completion"));
        f.cancelled = f.cancelled.or_else(|| dataview_date(s, "cancelled"));
        if f.recurrence.is_none() {
            f.recurrence = inline_field(s, "repeat").map(|(_, v)| v.to_string());
        }
        if f.priority.is_none() {
            f.priority = inline_field(s, "priority").and_then(|(_, v)| {
                Some(match v.to_ascii_lowercase().as_str() {
                    "highest" => Priority::Highest,
                    "high" => Priority::High,
                    "medium" => Priority::Medium,
                    "low" => Priority::Low,
                    "lowest" => Priority::Lowest,
                    _ => return None,
                })
            });
        }
    }
    // Logseq `[#A]`..`[#C]`
    if f.priority.is_none() && super::has(s.as_bytes(), b"[#") {
        for (p, pr) in [
            ("[#A]", Priority::High),
            ("[#B]", Priority::Medium),
            ("[#C]", Priority::Low),
        ] {
            if s.contains(p) {
                f.priority = Some(pr);
                break;
            }
        }
    }
    // Each form of estimate needs one of these (a `:` alone, as in a link, does not do).
    if dataview || memchr::memchr(b'~', s.as_bytes()).is_some() || (has_emoji && s.contains('⏱'))
    {
        f.estimate_minutes = find_estimate(s);
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Vec<String> {
        let names = tag_names(s);
        assert_eq!(names, tags(s).into_iter().map(|x| x.0).collect::<Vec<_>>());
        // Room for no more tags than the line has `#`s.
        assert!(names.capacity() <= s.matches('#').count(), "{s:?}");
        names
    }

    #[test]
    fn tag_rules() {
        assert_eq!(
            t("#a x #area/sub #under_score #kebab-tag #42 #12/3"),
            ["a", "area/sub", "under_score", "kebab-tag"]
        );
        assert_eq!(
            t("[link #x](u) `#code` https://x.org/#frag [[P#H]] a#b"),
            Vec::<String>::new()
        );
        assert_eq!(t("#[[two words]] #été"), ["two words", "été"]);
        assert_eq!(t("end #tag."), ["tag"]);
    }

    proptest::proptest! {
        /// The shortcut for lines without any mark of a field finds what looking for each
        /// form finds, on lines made of words and of every form of field.
        #[test]
        fn the_shortcut_finds_what_the_scans_find(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "x", " ", "due", "high", "20m", "write", "every week", "2026-11-30", "#tag",
                " ~20m", "~1h", "::", ":", "[", "#", "[#A]", "[due:: 2026-11-30]",
                "(estimate:: 20m)", "(see [ticket](https://x.org/t/1))", "due:tomorrow",
                "⏱ 25m", "📅 2026-11-30", "✅ 2026-11-24", "🔁 every week", "⏫",
            ]), 0..6)
        ) {
            let s = parts.concat();
            proptest::prop_assert_eq!(fields(&s), scanned_fields(&s), "{:?}", s);
        }
    }

    #[test]
    fn emoji_fields() {
        let f = fields("x 📅 2026-11-30 ⏳️2026-11-25 🔁 every week ✅\u{a0}2026-11-24 ⏫ ⏱ 25m");
        assert_eq!(f.due, NaiveDate::from_ymd_opt(2026, 11, 30));
        assert_eq!(f.scheduled, NaiveDate::from_ymd_opt(2026, 11, 25));
        assert_eq!(f.done, NaiveDate::from_ymd_opt(2026, 11, 24));
        assert_eq!(f.recurrence.as_deref(), Some("every week"));
        assert_eq!(f.priority, Some(Priority::High));
        assert_eq!(f.estimate_minutes, Some(25));
    }

    #[test]
    fn dataview_fields() {
        let f = fields("x [due:: 2026-11-30] (estimate:: 20m) [priority:: high]");
        assert_eq!(f.due, NaiveDate::from_ymd_opt(2026, 11, 30));
        assert_eq!(f.estimate_minutes, Some(20));
        assert_eq!(f.priority, Some(Priority::High));
    }

    /// Estimates in each form, beside colons that are no field (links, `due:tomorrow`).
    #[test]
    fn estimates_among_colons() {
        let est = |s: &str| fields(s).estimate_minutes;
        assert_eq!(est("see https://example.org/t/1 ~15m"), Some(15));
        assert_eq!(est("https://x.org (estimate:: 20m)"), Some(20));
        assert_eq!(est("[estimate::1h] due:tomorrow"), Some(60));
        assert_eq!(est("call https://x.org ⏱ 5m"), Some(5));
        assert_eq!(est("due:tomorrow https://example.org/a:b"), None);
        assert_eq!(est("estimate: 20m"), None);
    }
}
