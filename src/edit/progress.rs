//! Progress cookies: an Org-style `[2/5]` at the end of every parent task's line, kept equal
//! to the done/total count of its micro-tasks (cancelled ones left out).

use super::EditSet;
use crate::model::Note;
use crate::span::Span;

/// An existing cookie at the end of a task's text: `[2/5]` or `[40%]`, preceded by white
/// space. Returns its byte range within `text`.
fn cookie_at_end(text: &str) -> Option<(usize, usize)> {
    let t = text.trim_end();
    let inner = t.strip_suffix(']')?;
    let open = inner.rfind('[')?;
    let body = &inner[open + 1..];
    let ok = match body.split_once('/') {
        Some((a, b)) => {
            (a.is_empty() || a.bytes().all(|c| c.is_ascii_digit()))
                && (b.is_empty() || b.bytes().all(|c| c.is_ascii_digit()))
        }
        None => body
            .strip_suffix('%')
            .is_some_and(|n| n.bytes().all(|c| c.is_ascii_digit())),
    };
    let before = &t[..open];
    (ok && (before.is_empty() || before.ends_with([' ', '\t']))).then_some((open, t.len()))
}

/// Edits that make every parent task's cookie current; tasks without children are left alone,
/// and a cookie that is already right is not touched (a second run plans nothing).
pub fn plan_progress_cookies(note: &Note) -> EditSet {
    let mut set = EditSet::new();
    for (i, t) in note.tasks.iter().enumerate() {
        let Some((done, total)) = crate::output::progress(&note.tasks, i) else {
            continue;
        };
        let cookie = format!("[{done}/{total}]");
        match cookie_at_end(&t.text) {
            Some((a, b)) => {
                if t.text[a..b] != cookie {
                    let s = t.text_span.start;
                    set.replace(Span::new(s + a, s + b), cookie);
                }
            }
            None => {
                let end = t.text_span.start + t.text.trim_end().len();
                let sep = if t.text.is_empty() { "" } else { " " };
                set.insert(end, format!("{sep}{cookie}"));
            }
        }
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{ParseOptions, parse_note};

    fn run(text: &str) -> String {
        let opts = ParseOptions::with_defaults();
        let n = parse_note(text, &opts);
        plan_progress_cookies(&n)
            .apply_checked(text, &opts)
            .unwrap()
    }

    #[test]
    fn adds_updates_and_leaves_alone() {
        let t = "- [ ] post\n  - [x] draft\n  - [ ] edit\n  - [-] cut\n- [ ] leaf\n";
        let once = run(t);
        assert_eq!(
            once,
            "- [ ] post [1/2]\n  - [x] draft\n  - [ ] edit\n  - [-] cut\n- [ ] leaf\n"
        );
        assert_eq!(run(&once), once, "second run changes nothing");
        let stale = "- [ ] post [0/9]\r\n  - [x] draft\r\n";
        assert_eq!(run(stale), "- [ ] post [1/1]\r\n  - [x] draft\r\n");
        let percent = "- [ ] post [10%]\n  - [x] a\n  - [x] b\n";
        assert_eq!(run(percent), "- [ ] post [2/2]\n  - [x] a\n  - [x] b\n");
        let nested = "- [ ] a\n  - [ ] b\n    - [x] c\n";
        assert_eq!(run(nested), "- [ ] a [1/2]\n  - [ ] b [1/1]\n    - [x] c\n");
        let trailing = "- [ ] a   \n  - [x] b\n";
        assert_eq!(run(trailing), "- [ ] a [1/1]   \n  - [x] b\n");
    }

    #[test]
    fn cookie_shapes() {
        assert_eq!(cookie_at_end("post [1/2]"), Some((5, 10)));
        assert_eq!(cookie_at_end("post [/]"), Some((5, 8)));
        assert_eq!(cookie_at_end("post [40%]"), Some((5, 10)));
        assert_eq!(cookie_at_end("post[1/2]"), None);
        assert_eq!(cookie_at_end("see [link](x)"), None);
        assert_eq!(cookie_at_end("[[wiki]]"), None);
    }
}
