//! Edit sets: byte-range splices planned on a note's original text, checked before they are kept.
//!
//! Nothing here touches files, clocks or the environment. A writing command plans an
//! [`EditSet`] against the text it read, applies it, and keeps the result only if
//! [`EditSet::check`] agrees that every byte outside the edits is unchanged and that the
//! result parses with no new diagnostics. `write` then puts the bytes on disk.
//!
//! Why splices and not re-serialisation: the notes are shared with Obsidian, Logseq, editors
//! and sync tools. Re-printing a note from the model would normalise whitespace, bullets,
//! line endings and everything the model does not capture; a splice changes only the bytes
//! we meant to change.

mod outline;
mod plan;
pub mod progress;
pub mod rollover;
mod style;
pub mod summaries;

pub use outline::Outline;
pub use plan::{insert_lines_at_end, insert_under_heading, replace_region, set_status};
pub use style::{LineEnding, Style};

use std::collections::HashMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::parse::{ParseOptions, diagnostics_of};
use crate::span::{LineIndex, Span};

/// Replace the bytes of `span` in the original text with `replacement`. An empty span is an
/// insertion; an empty replacement is a deletion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

impl Edit {
    pub fn insert(at: usize, text: impl Into<String>) -> Self {
        Edit {
            span: Span { start: at, end: at },
            replacement: text.into(),
        }
    }

    pub fn replace(span: Span, text: impl Into<String>) -> Self {
        Edit {
            span,
            replacement: text.into(),
        }
    }
}

/// Edits planned against one original text. Order of addition matters only for insertions
/// at the same offset: they are applied in the order they were added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditSet {
    pub edits: Vec<Edit>,
}

/// Why an edit set was not applied. Every variant means nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error(
        "two planned edits overlap (bytes {}..{} and {}..{}); nothing was changed. \
         This is a bug in mdtasks: please report it with the note attached",
        first.start, first.end, second.start, second.end
    )]
    Overlap { first: Span, second: Span },
    #[error(
        "a planned edit (bytes {}..{}) lies outside the note, which has {len} bytes; nothing \
         was changed. Was the note changed while mdtasks was planning?",
        span.start, span.end
    )]
    OutOfBounds { span: Span, len: usize },
    #[error(
        "a planned edit starts or ends at byte {offset}, inside a character; nothing was \
         changed. This is a bug in mdtasks: please report it"
    )]
    NotCharBoundary { offset: usize },
    #[error(
        "the edited note differs from the original at line {line} (byte {offset}), outside \
         the planned edits; nothing was changed. This is a bug in mdtasks: please report it"
    )]
    ChangedOutside { offset: usize, line: usize },
    #[error(
        "the edit would add a problem to the note ({code}: {message}); nothing was changed. \
         Fix the note or the text to insert, then run again"
    )]
    NewDiagnostic { code: &'static str, message: String },
    #[error(
        "the {what} would not be read back from the note once written (does the note end \
         inside an unclosed code block or HTML comment?); close it, then run again"
    )]
    NotReadBack { what: String },
    #[error("region `{name}` cannot be updated: {reason}")]
    Region { name: String, reason: String },
    #[error("there is no task number {index} in this note (it has {count})")]
    NoSuchTask { index: usize, count: usize },
    #[error(
        "the task on line {line} is a `{word}` keyword task, not a checkbox; change its \
         keyword in Logseq"
    )]
    NotACheckbox { line: usize, word: String },
    #[error(
        "`{0:?}` cannot be a checkbox status: use one visible character other than `[` and `]`"
    )]
    BadStatusChar(char),
    #[error("the notes could not be read to make its summary: {0}")]
    NotesUnreadable(String),
}

impl EditSet {
    pub fn new() -> Self {
        EditSet::default()
    }

    pub fn push(&mut self, edit: Edit) {
        self.edits.push(edit);
    }

    pub fn insert(&mut self, at: usize, text: impl Into<String>) {
        self.edits.push(Edit::insert(at, text));
    }

    pub fn replace(&mut self, span: Span, text: impl Into<String>) {
        self.edits.push(Edit::replace(span, text));
    }

    /// Adds another set's edits after this one's (for inserts at one offset, they come after).
    pub fn extend(&mut self, other: EditSet) {
        self.edits.extend(other.edits);
    }

    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    pub fn len(&self) -> usize {
        self.edits.len()
    }

    /// The edits in application order, after checking that each one lies inside `original`,
    /// on character boundaries, and that no two overlap.
    ///
    /// The sort is stable on `(start, end)`, so inserts at one offset keep the order they were
    /// added in, and an insert at the start of a replacement goes before it. An insert strictly
    /// inside a replaced range, or two ranges sharing a byte, is an overlap.
    fn ordered(&self, original: &str) -> Result<Vec<&Edit>, EditError> {
        let len = original.len();
        for e in &self.edits {
            if e.span.start > e.span.end || e.span.end > len {
                return Err(EditError::OutOfBounds { span: e.span, len });
            }
            for offset in [e.span.start, e.span.end] {
                if !original.is_char_boundary(offset) {
                    return Err(EditError::NotCharBoundary { offset });
                }
            }
        }
        let mut sorted: Vec<&Edit> = self.edits.iter().collect();
        sorted.sort_by_key(|e| (e.span.start, e.span.end));
        for pair in sorted.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            // Sorted by start, two edits share a byte exactly when the second starts before the
            // first ends. Two inserts at one offset, or an insert at a replacement's edge,
            // share none; an insert at a replacement's start sorts before it.
            if b.span.start < a.span.end {
                return Err(EditError::Overlap {
                    first: a.span,
                    second: b.span,
                });
            }
        }
        Ok(sorted)
    }

    /// Splices the edits into `original`.
    pub fn apply(&self, original: &str) -> Result<String, EditError> {
        let edits = self.ordered(original)?;
        let grow: usize = edits.iter().map(|e| e.replacement.len()).sum();
        let mut out = String::with_capacity(original.len() + grow);
        let mut pos = 0;
        for e in edits {
            out.push_str(&original[pos..e.span.start]);
            out.push_str(&e.replacement);
            pos = e.span.end;
        }
        out.push_str(&original[pos..]);
        Ok(out)
    }

    /// Accepts `result` as the outcome of this edit set on `original` only if:
    /// - the edits are in bounds, on character boundaries and do not overlap;
    /// - walking both texts with the edit list, every byte outside the edits is the same and
    ///   each edited range holds exactly its replacement (computed here, not by `apply`, so a
    ///   bug in one cannot hide in the other);
    /// - parsing `result` gives no diagnostic that `original` did not already have.
    ///
    /// Diagnostics are compared as a multiset of (code, message), with line numbers inside
    /// messages ("on line 12") blanked, since an insertion above moves them: a second
    /// identical problem is a new problem, a moved one is not.
    pub fn check(
        &self,
        original: &str,
        result: &str,
        opts: &ParseOptions,
    ) -> Result<(), EditError> {
        let edits = self.ordered(original)?;
        let (o, r) = (original.as_bytes(), result.as_bytes());
        let changed = |at: usize| {
            let at = at.min(original.len());
            let line = LineIndex::new(original).line_of(at) + 1;
            EditError::ChangedOutside { offset: at, line }
        };
        let (mut po, mut pr) = (0usize, 0usize);
        for e in edits {
            let keep = &o[po..e.span.start];
            let got = r.get(pr..pr + keep.len()).unwrap_or(&r[pr.min(r.len())..]);
            if got != keep {
                let d = first_difference(keep, got);
                return Err(changed(po + d));
            }
            pr += keep.len();
            let rep = e.replacement.as_bytes();
            if r.get(pr..pr + rep.len()) != Some(rep) {
                return Err(changed(e.span.start));
            }
            pr += rep.len();
            po = e.span.end;
        }
        let keep = &o[po..];
        let got = &r[pr.min(r.len())..];
        if got != keep {
            let d = first_difference(keep, got);
            return Err(changed(po + d));
        }
        // Only the diagnostics are kept of each parse, and a long note is read in pieces: a
        // long note's whole model is 5-6 times its size.
        let before = diagnostics_of(original, opts);
        let after = diagnostics_of(result, opts);
        if let Some(d) = new_diagnostic(&before, &after) {
            return Err(EditError::NewDiagnostic {
                code: d.code.as_str(),
                message: d.message.clone(),
            });
        }
        Ok(())
    }

    /// `apply` then `check`: the result, or why it was not accepted.
    pub fn apply_checked(&self, original: &str, opts: &ParseOptions) -> Result<String, EditError> {
        let result = self.apply(original)?;
        self.check(original, &result, opts)?;
        Ok(result)
    }
}

fn first_difference(a: &[u8], b: &[u8]) -> usize {
    a.iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()))
}

/// "overlaps the entry on line 12" and "overlaps the entry on line 13" are the same problem
/// after an insertion above; the numbers are blanked before comparing.
fn diagnostic_key(d: &Diagnostic) -> (Code, String) {
    let mut out = String::with_capacity(d.message.len());
    let mut rest = d.message.as_str();
    while let Some(i) = rest.find("line ") {
        let after = &rest[i + 5..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        out.push_str(&rest[..i + 5]);
        if digits > 0 {
            out.push('#');
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    (d.code, out)
}

/// The first diagnostic of `after` that `before` does not account for, counting repeats.
fn new_diagnostic<'a>(before: &[Diagnostic], after: &'a [Diagnostic]) -> Option<&'a Diagnostic> {
    let mut have: HashMap<(Code, String), usize> = HashMap::new();
    for d in before {
        *have.entry(diagnostic_key(d)).or_default() += 1;
    }
    after.iter().find(|d| {
        let n = have.entry(diagnostic_key(d)).or_default();
        if *n == 0 {
            true
        } else {
            *n -= 1;
            false
        }
    })
}

/// A unified diff of `old` and `new` with three lines of context and `a/PATH`, `b/PATH`
/// headers, as `--dry-run` prints it. Empty when the texts are equal.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// Why mdtasks must not edit this note, or None when it may. Pure: the caller reads the file
/// and looks for a conflict copy beside it.
///
/// `text` is None when the bytes are not UTF-8; `diagnostics` are those of its parse.
pub fn refuse_reason(
    text: Option<&str>,
    diagnostics: Option<&[Diagnostic]>,
    has_conflict_copy: bool,
) -> Option<String> {
    if has_conflict_copy {
        return Some(
            "a sync-conflict copy of this note lies beside it, so two versions disagree; \
             merge the copy into the note, delete the copy, then run again"
                .into(),
        );
    }
    let Some(text) = text else {
        return Some(
            "this file is not valid UTF-8 text, and mdtasks never edits a note it cannot read \
             exactly; save it as UTF-8 in your editor, then run again"
                .into(),
        );
    };
    if text.as_bytes().contains(&0) {
        return Some(
            "this file holds binary data (NUL bytes), not a text note; mdtasks edits only text \
             notes"
                .into(),
        );
    }
    if let Some(at) = crate::parse::merge_marker(text) {
        let line = LineIndex::new(text).line_of(at.start) + 1;
        return Some(format!(
            "line {line} holds a git merge-conflict marker (`{}`), so the note is half-merged; \
             resolve the merge and remove the markers, then run again",
            &text[at.start..at.start + 7]
        ));
    }
    let bad: Vec<&Diagnostic> = diagnostics?
        .iter()
        .filter(|d| matches!(d.code, Code::UnbalancedMarker | Code::DuplicateMarker))
        .collect();
    let first = bad.first()?;
    let at = first
        .location
        .as_ref()
        .map(|l| format!("line {}: ", l.line))
        .unwrap_or_default();
    Some(format!(
        "the note's mdtasks region markers are unbalanced or duplicated ({at}{}), so mdtasks \
         cannot tell which bytes it owns; {}, then run again",
        first.message, first.hint
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_note;

    fn set(edits: Vec<Edit>) -> EditSet {
        EditSet { edits }
    }

    fn sp(a: usize, b: usize) -> Span {
        Span { start: a, end: b }
    }

    #[test]
    fn applies_in_offset_order() {
        let s = set(vec![
            Edit::replace(sp(4, 5), "E"),
            Edit::insert(0, ">"),
            Edit::insert(9, "!"),
        ]);
        assert_eq!(s.apply("abcdefghi").unwrap(), ">abcdEfghi!");
    }

    #[test]
    fn inserts_at_one_offset_keep_their_order() {
        let s = set(vec![Edit::insert(1, "1"), Edit::insert(1, "2")]);
        assert_eq!(s.apply("ab").unwrap(), "a12b");
    }

    #[test]
    fn insert_at_replacement_edges_is_not_an_overlap() {
        let s = set(vec![
            Edit::replace(sp(1, 3), "X"),
            Edit::insert(1, "<"),
            Edit::insert(3, ">"),
        ]);
        assert_eq!(s.apply("abcd").unwrap(), "a<X>d");
    }

    #[test]
    fn overlaps_are_rejected() {
        let s = set(vec![
            Edit::replace(sp(1, 3), "X"),
            Edit::replace(sp(2, 4), "Y"),
        ]);
        assert!(matches!(s.apply("abcdef"), Err(EditError::Overlap { .. })));
        let s = set(vec![Edit::replace(sp(1, 4), "X"), Edit::insert(2, "Y")]);
        assert!(matches!(s.apply("abcdef"), Err(EditError::Overlap { .. })));
        let s = set(vec![
            Edit::replace(sp(1, 2), "X"),
            Edit::replace(sp(1, 2), "Y"),
        ]);
        assert!(matches!(s.apply("abcdef"), Err(EditError::Overlap { .. })));
    }

    #[test]
    fn out_of_bounds_is_rejected() {
        let s = set(vec![Edit::insert(4, "x")]);
        assert_eq!(
            s.apply("abc"),
            Err(EditError::OutOfBounds {
                span: sp(4, 4),
                len: 3
            })
        );
        let s = set(vec![Edit::replace(sp(2, 1), "x")]);
        assert!(matches!(s.apply("abc"), Err(EditError::OutOfBounds { .. })));
    }

    #[test]
    fn char_boundaries_are_enforced() {
        let s = set(vec![Edit::insert(1, "x")]);
        assert_eq!(s.apply("éa"), Err(EditError::NotCharBoundary { offset: 1 }));
    }

    #[test]
    fn check_catches_a_byte_changed_outside_the_edits() {
        let original = "# Log\n- 09:00 a\n";
        let s = set(vec![Edit::insert(original.len(), "- 10:00 b\n")]);
        let good = s.apply(original).unwrap();
        let opts = ParseOptions::with_defaults();
        assert_eq!(s.check(original, &good, &opts), Ok(()));
        let bogus = good.replacen("09:00 a", "09:00 A", 1);
        let err = s.check(original, &bogus, &opts).unwrap_err();
        assert_eq!(
            err,
            EditError::ChangedOutside {
                offset: 14,
                line: 2
            }
        );
        // Wrong replacement bytes are caught too, and a truncated result.
        let bogus = good.replace("10:00 b", "10:00 c");
        assert!(s.check(original, &bogus, &opts).is_err());
        assert!(s.check(original, &original[..5], &opts).is_err());
        let longer = format!("{good}x");
        assert!(s.check(original, &longer, &opts).is_err());
    }

    #[test]
    fn check_rejects_new_diagnostics() {
        let original = "# Log\n- 09:00 a\n";
        let s = set(vec![Edit::insert(original.len(), "- 25:61 x\n")]);
        let err = s
            .apply_checked(original, &ParseOptions::with_defaults())
            .unwrap_err();
        assert!(matches!(err, EditError::NewDiagnostic { .. }), "{err}");
        assert!(err.to_string().contains("invalid-time"), "{err}");
    }

    #[test]
    fn check_accepts_old_diagnostics_moved_by_an_insert() {
        // The overlap diagnostic names a line; inserting above moves it, which is not new.
        let original = "# Log\n- 09:00-10:00 a\n- 09:30-09:45 b\n";
        let s = set(vec![Edit::insert(6, "Some text.\n\n")]);
        let opts = ParseOptions::with_defaults();
        assert!(!parse_note(original, &opts).diagnostics.is_empty());
        s.apply_checked(original, &opts).unwrap();
        // A second copy of the same problem is new.
        let s = set(vec![Edit::insert(original.len(), "- 09:40-09:50 c\n")]);
        assert!(s.apply_checked(original, &opts).is_err());
    }

    #[test]
    fn diff_has_headers_and_context() {
        assert_eq!(unified_diff("n.md", "a\n", "a\n"), "");
        let d = unified_diff("j/n.md", "1\n2\n3\n4\n5\n6\n", "1\n2\n3\n4\n5\nsix\n");
        assert!(
            d.starts_with("--- a/j/n.md\n+++ b/j/n.md\n@@ -3,4 +3,4 @@\n"),
            "{d}"
        );
        assert!(d.contains("-6\n+six\n"), "{d}");
    }

    #[test]
    fn refusals_say_why() {
        let opts = ParseOptions::with_defaults();
        assert!(
            refuse_reason(Some("a\n"), None, true)
                .unwrap()
                .contains("sync-conflict")
        );
        assert!(refuse_reason(None, None, false).unwrap().contains("UTF-8"));
        assert!(
            refuse_reason(Some("a\0b"), None, false)
                .unwrap()
                .contains("binary")
        );
        let merge = "a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> other\n";
        let r = refuse_reason(Some(merge), None, false).unwrap();
        assert!(r.contains("line 2") && r.contains("merge"), "{r}");
        let t = "x\n<!-- mdtasks:summary:start -->\nbody\n";
        let n = parse_note(t, &opts);
        let r = refuse_reason(Some(t), Some(&n.diagnostics), false).unwrap();
        assert!(r.contains("line 2") && r.contains("summary"), "{r}");
        let ok = "# Fine\n- [ ] task\n";
        assert_eq!(
            refuse_reason(Some(ok), Some(&parse_note(ok, &opts).diagnostics), false),
            None
        );
    }
}
