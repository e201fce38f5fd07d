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
pub use style::{Endings, LineEnding, Style};

use std::collections::HashMap;
use std::ops::Range;

use crate::diagnostic::{Code, Diagnostic};
use crate::parse::{ParseOptions, diagnostics_of, diagnostics_of_lent};
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

    /// Where the edits lie, in order: each one's bytes in `original` and in what
    /// [`EditSet::apply`] makes of it.
    pub fn changes(&self, original: &str) -> Result<Vec<Change>, EditError> {
        // Where the last edit ended, in each text.
        let (mut old_at, mut new_at) = (0, 0);
        let changes = self.ordered(original)?.into_iter().map(|e| {
            let start = new_at + (e.span.start - old_at);
            (old_at, new_at) = (e.span.end, start + e.replacement.len());
            (e.span.range(), start..new_at)
        });
        Ok(changes.collect())
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
        self.check_with(original, None, result, opts)
    }

    /// [`EditSet::check`], given the diagnostics `original` parses with (with `opts`) when
    /// the caller has them already: it has just parsed the note to plan the edit.
    pub fn check_known(
        &self,
        original: &str,
        before: &[Diagnostic],
        result: &str,
        opts: &ParseOptions,
    ) -> Result<(), EditError> {
        self.check_with(original, Some(before), result, opts)
    }

    fn check_with(
        &self,
        original: &str,
        before: Option<&[Diagnostic]>,
        result: &str,
        opts: &ParseOptions,
    ) -> Result<(), EditError> {
        self.check_spliced(original, result)?;
        let after = diagnostics_of(result, opts);
        no_new_diagnostic(original, before, &after, opts)
    }

    /// The edits are in bounds, on character boundaries and apart, and `result` holds the
    /// bytes of `original` outside them and each one's replacement in its place.
    fn check_spliced(&self, original: &str, result: &str) -> Result<(), EditError> {
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
        Ok(())
    }

    /// `apply` then `check`: the result, or why it was not accepted.
    pub fn apply_checked(&self, original: &str, opts: &ParseOptions) -> Result<String, EditError> {
        let result = self.apply(original)?;
        self.check(original, &result, opts)?;
        Ok(result)
    }

    /// `apply` then `check_known`. (The result is lent to be read: a long note is not held
    /// three times, see [`crate::parse::Text::Lent`].)
    pub fn apply_checked_known(
        &self,
        original: &str,
        before: &[Diagnostic],
        opts: &ParseOptions,
    ) -> Result<String, EditError> {
        let mut result = self.apply(original)?;
        self.check_spliced(original, &result)?;
        let after = diagnostics_of_lent(&mut result, opts);
        no_new_diagnostic(original, Some(before), &after, opts)?;
        Ok(result)
    }
}

/// The edit made no problem that `original` (whose diagnostics are `before`, when known)
/// does not have: `after` are the result's.
///
/// Only the diagnostics are kept of each parse, and a long note is read in pieces: a long
/// note's whole model is 5-6 times its size.
fn no_new_diagnostic(
    original: &str,
    before: Option<&[Diagnostic]>,
    after: &[Diagnostic],
    opts: &ParseOptions,
) -> Result<(), EditError> {
    let parsed;
    let before = match before {
        Some(b) => b,
        None => {
            parsed = diagnostics_of(original, opts);
            &parsed
        }
    };
    if let Some(d) = new_diagnostic(before, after) {
        return Err(EditError::NewDiagnostic {
            code: d.code.as_str(),
            message: d.message.clone(),
        });
    }
    Ok(())
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
    unified_diff_of(path, old, new, &[one_change(old, new)])
}

/// What differs between `old` and `new`, as one change: all but the bytes they start and
/// end with alike.
fn one_change(old: &str, new: &str) -> Change {
    let (o, n) = (old.as_bytes(), new.as_bytes());
    let prefix = first_difference(o, n);
    // After the prefix: a suffix may not take bytes the prefix has.
    let room = o.len().min(n.len()) - prefix;
    let suffix = o
        .iter()
        .rev()
        .zip(n.iter().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    (prefix..o.len() - suffix, prefix..n.len() - suffix)
}

/// Where a change lies: its bytes in the old text, and in the new.
pub type Change = (Range<usize>, Range<usize>);

/// [`unified_diff`] of `old` and the `new` text that `changes` (in order, apart) made of
/// it: the same bytes lie between them in both. Only the lines around each change are
/// diffed, on their own: a long note's lines would all be made tokens (ten years of notes
/// are 400,000 lines, and writing progress cookies all through them changes 30,000).
pub fn unified_diff_of(path: &str, old: &str, new: &str, changes: &[Change]) -> String {
    if old == new {
        return String::new();
    }
    let (o, n) = (old.as_bytes(), new.as_bytes());
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    // The lines before the part diffed, in each text (counted on from the last part).
    let (mut lines_o, mut lines_n, mut counted_o, mut counted_n) = (0, 0, 0, 0);
    for (po, pn) in parts(o, n, changes, DIFF_CONTEXT) {
        lines_o += lines_in(&o[counted_o..po.start]);
        lines_n += lines_in(&n[counted_n..pn.start]);
        (counted_o, counted_n) = (po.start, pn.start);
        let diff = similar::TextDiff::from_lines(&old[po], &new[pn])
            .unified_diff()
            .context_radius(DIFF_CONTEXT)
            .to_string();
        // A hunk header starts a line of the diff, which may follow a note's line that ends
        // in a lone `\r`.
        for line in diff.split_inclusive(['\n', '\r']) {
            match shifted_hunk_header(line, lines_o, lines_n) {
                Some(h) => out.push_str(&h),
                None => out.push_str(line),
            }
        }
    }
    out
}

/// Lines of context around each change in a dry run's diff.
const DIFF_CONTEXT: usize = 3;

/// The parts of `old` and `new` that a diff of their lines needs, in order: the diffs of
/// the parts, each on its own, their line numbers moved on, make a diff of the whole texts.
/// (With one change, the diff of the whole texts, byte for byte. With several, it shows
/// each change among the lines around it; a diff of the whole texts may take out and put
/// in fewer lines, where it can pair lines of one change with equal lines near another
/// across the lines left alone between them.)
///
/// The diff tool's lines end at `\n`, `\r\n` or a lone `\r`. A part is cut only just
/// after a `\n`, so it splits no line. It holds the lines of its changes, and around each:
/// - every line the diff could slide the change across: the diff moves a change along
///   lines equal to its own (`a` deleted before `a` is the same as after it), so the lines
///   it can cross are copies of the changed lines; the part goes on to the first line that
///   is not;
/// - then `context` more lines, which the diff shows around each change.
///
/// Changes whose lines meet or overlap are one part: the diff shows them in one hunk.
/// Lines between the parts are the same in both texts.
fn parts(
    o: &[u8],
    n: &[u8],
    changes: &[Change],
    context: usize,
) -> Vec<(Range<usize>, Range<usize>)> {
    // The changes, each on whole lines of the old text (changes on one line made one).
    let whole_lines = |c: &Change| {
        let first = memchr::memrchr(b'\n', &o[..c.0.start]).map_or(0, |i| i + 1);
        let last = memchr::memchr(b'\n', &o[c.0.end..]).map_or(o.len(), |i| c.0.end + i + 1);
        first..last
    };
    let mut lined: Vec<(Change, Range<usize>)> = Vec::with_capacity(changes.len());
    for c in changes.iter().filter(|c| o[c.0.clone()] != n[c.1.clone()]) {
        let lines = whole_lines(c);
        match lined.last_mut() {
            Some((prev, prev_lines)) if lines.start < prev_lines.end => {
                *prev = (prev.0.start..c.0.end, prev.1.start..c.1.end);
                *prev_lines = prev_lines.start..lines.end;
            }
            _ => lined.push((c.clone(), lines)),
        }
    }
    let mut out: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    for (i, (c, lines)) in lined.iter().enumerate() {
        // Not past the lines of the changes before and after this one.
        let lo = if i == 0 { 0 } else { lined[i - 1].1.end };
        let hi = lined.get(i + 1).map_or(o.len(), |next| next.1.start);
        let reach = reach(o, n, c, lines.clone(), lo..hi, context);
        // Where the part starts and ends in the new text: the bytes before the change
        // (after it) are the old ones, moved on.
        let n_start = reach.start + c.1.start - c.0.start;
        let n_end = reach.end + c.1.end - c.0.end;
        match out.last_mut() {
            // Parts that meet: the diff shows them in one hunk (its gap no longer than
            // twice the context).
            Some((po, pn)) if reach.start <= po.end => {
                po.end = reach.end;
                pn.end = n_end;
            }
            _ => out.push((reach, n_start..n_end)),
        }
    }
    out
}

/// The bytes of the old text a change's part needs (see [`parts`]): its `lines`, and on
/// each side the lines it could slide across and `context` more, within `within`.
fn reach(
    o: &[u8],
    n: &[u8],
    c: &Change,
    lines: Range<usize>,
    within: Range<usize>,
    context: usize,
) -> Range<usize> {
    // The same lines in the new text.
    let new_lines = lines.start + c.1.start - c.0.start..lines.end + c.1.end - c.0.end;
    let changed: std::collections::HashSet<&[u8]> = diff_lines(&o[lines.clone()])
        .chain(diff_lines(&n[new_lines]))
        .collect();
    // A run of `\n`-ended lines the diff could slide a change across (each of its lines one
    // of the changed ones).
    let crossable = |run: &[u8]| diff_lines(run).all(|l| changed.contains(l));
    // Back: past the crossable lines, then `context` more.
    let mut start = lines.start;
    let mut more = context;
    let mut crossing = true;
    while start > within.start && more > 0 {
        let from = memchr::memrchr(b'\n', &o[within.start..start - 1])
            .map_or(within.start, |i| within.start + i + 1);
        crossing = crossing && crossable(&o[from..start]);
        if !crossing {
            more -= 1;
        }
        start = from;
    }
    // On: the same after the change.
    let mut end = lines.end;
    let mut more = context;
    let mut crossing = true;
    while end < within.end && more > 0 {
        let to = memchr::memchr(b'\n', &o[end..within.end]).map_or(within.end, |i| end + i + 1);
        crossing = crossing && crossable(&o[end..to]);
        if !crossing {
            more -= 1;
        }
        end = to;
    }
    start..end
}

/// The lines of `b` as the diff tool cuts them: each ends at `\n`, `\r\n` or a lone `\r`
/// (the last may have no ending).
fn diff_lines(b: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= b.len() {
            return None;
        }
        let end = match memchr::memchr2(b'\n', b'\r', &b[at..]) {
            Some(i) if b[at + i] == b'\r' && b.get(at + i + 1) == Some(&b'\n') => at + i + 2,
            Some(i) => at + i + 1,
            None => b.len(),
        };
        let line = &b[at..end];
        at = end;
        Some(line)
    })
}

/// How many lines the diff tool counts in `b`, which ends just after a `\n` (or is empty):
/// a line ends at `\n`, at `\r\n` and at a lone `\r`.
fn lines_in(b: &[u8]) -> usize {
    let lone_cr = memchr::memchr_iter(b'\r', b)
        .filter(|&i| b.get(i + 1) != Some(&b'\n'))
        .count();
    memchr::memchr_iter(b'\n', b).count() + lone_cr
}

/// A hunk header (`@@ -12,7 +12,9 @@`) with its old line number moved on by `by_old` and
/// its new one by `by_new`; None for any other line.
fn shifted_hunk_header(line: &str, by_old: usize, by_new: usize) -> Option<String> {
    let rest = line.strip_prefix("@@ -")?;
    let (old, rest) = rest.split_once(" +")?;
    let (new, rest) = rest.split_once(" @@")?;
    let shift = |range: &str, by: usize| -> Option<String> {
        let (first, len) = match range.split_once(',') {
            Some((f, l)) => (f, Some(l)),
            None => (range, None),
        };
        let first: usize = first.parse().ok()?;
        Some(match len {
            Some(l) => format!("{},{l}", first + by),
            None => format!("{}", first + by),
        })
    };
    Some(format!(
        "@@ -{} +{} @@{rest}",
        shift(old, by_old)?,
        shift(new, by_new)?
    ))
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

    /// Given the original's diagnostics (as a writing command has them from its plan), the
    /// check says what it says when it parses the original itself.
    #[test]
    fn check_with_known_diagnostics_is_the_check() {
        let opts = ParseOptions::with_defaults();
        let cases = [
            (
                "# Log\n- 09:00-10:00 a\n- 09:30-09:45 b\n",
                Edit::insert(6, "Text.\n\n"),
            ),
            (
                "# Log\n- 09:00-10:00 a\n- 09:30-09:45 b\n",
                Edit::insert(44, "- 09:40-09:50 c\n"),
            ),
            ("# Log\n- 09:00 a\n", Edit::insert(16, "- 25:61 x\n")),
            ("# Log\n- 09:00 a\n", Edit::insert(16, "- 10:00 b\n")),
        ];
        let mut refused = 0;
        for (original, edit) in cases {
            let s = set(vec![edit]);
            let before = parse_note(original, &opts).diagnostics;
            let known = s.apply_checked_known(original, &before, &opts);
            assert_eq!(known, s.apply_checked(original, &opts), "{original:?}");
            refused += usize::from(known.is_err());
        }
        assert_eq!(refused, 2);
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

    /// The diff of the whole texts, as the diff tool makes it.
    fn whole_diff(old: &str, new: &str) -> String {
        if old == new {
            return String::new();
        }
        similar::TextDiff::from_lines(old, new)
            .unified_diff()
            .context_radius(DIFF_CONTEXT)
            .header("a/n.md", "b/n.md")
            .to_string()
    }

    #[test]
    fn a_diff_of_the_changed_lines_is_the_whole_diff() {
        let long: String = (1..=40).map(|i| format!("line {i}\n")).collect();
        let cases = [
            ("", "a\n"),
            ("a\n", ""),
            ("a", "b"),
            ("a\nb", "a\nc"),
            (long.as_str(), &long.replace("line 20\n", "line 20\nnew\n")),
            (long.as_str(), &long.replace("line 1\n", "")),
            (long.as_str(), &long.replace("line 40\n", "line 40")),
            (long.as_str(), &format!("{long}more\n")),
            (
                long.as_str(),
                &long.replace("line 5\n", "five\n").replace("line 35\n", ""),
            ),
            (long.as_str(), &long.replace('\n', "\r\n")),
            (
                &long.replace('\n', "\r"),
                &long.replace("line 9\n", "nine\r").replace('\n', "\r"),
            ),
        ];
        for (old, new) in cases {
            assert_eq!(
                unified_diff("n.md", old, new),
                whole_diff(old, new),
                "{old:?} -> {new:?}"
            );
        }
        // Only the lines around the change were diffed, and the hunk still names line 20.
        let new = long.replace("line 20\n", "line 20\nnew\n");
        let change = one_change(&long, &new);
        let got = parts(long.as_bytes(), new.as_bytes(), &[change], DIFF_CONTEXT);
        assert_eq!(got.len(), 1);
        let (skipped, part) = (
            lines_in(&long.as_bytes()[..got[0].0.start]),
            &long[got[0].0.clone()],
        );
        assert_eq!((skipped, part.lines().count()), (17, 7));
        assert!(unified_diff("n.md", &long, &new).contains("@@ -18,6 +18,7 @@"));
    }

    mod diffs {
        use super::*;
        use proptest::prelude::*;

        /// Lines from a few words, with every line ending: repeated lines make the diff's
        /// choices matter.
        fn text() -> impl Strategy<Value = String> {
            let word = prop_oneof![
                prop::sample::select(vec!["a", "b", "", "- [ ] x", "é"]).prop_map(String::from),
                (0..500u32).prop_map(|i| format!("line {i}")),
            ];
            let line = (
                word,
                prop::sample::select(vec!["\n", "\n", "\n", "\r\n", "\r", ""]),
            );
            prop::collection::vec(line, 0..80)
                .prop_map(|ls| ls.into_iter().map(|(l, e)| format!("{l}{e}")).collect())
        }

        /// `text` with a few lines inserted, removed or replaced.
        fn edited() -> impl Strategy<Value = (String, String)> {
            (
                text(),
                prop::collection::vec((any::<prop::sample::Index>(), 0..3u8, text()), 0..4),
            )
                .prop_map(|(old, edits)| {
                    let mut lines: Vec<String> =
                        old.split_inclusive('\n').map(String::from).collect();
                    for (at, kind, with) in edits {
                        let i = if lines.is_empty() {
                            0
                        } else {
                            at.index(lines.len())
                        };
                        match kind {
                            0 => lines.insert(i, with),
                            1 if i < lines.len() => {
                                lines.remove(i);
                            }
                            _ if i < lines.len() => lines[i] = with,
                            _ => lines.push(with),
                        }
                    }
                    (old, lines.concat())
                })
        }

        /// `text` with a few splices made in it, anywhere (in a line, across lines, at its
        /// ends), and where they lie in each text.
        fn spliced() -> impl Strategy<Value = (String, String, Vec<Change>)> {
            let splice = (any::<prop::sample::Index>(), 0..12usize, text());
            (text(), prop::collection::vec(splice, 0..6)).prop_map(|(old, splices)| {
                let bounds: Vec<usize> = (0..=old.len())
                    .filter(|&i| old.is_char_boundary(i))
                    .collect();
                let mut at: Vec<(usize, usize, String)> = splices
                    .into_iter()
                    .map(|(i, len, with)| {
                        let k = i.index(bounds.len());
                        let end = bounds[(k + len).min(bounds.len() - 1)];
                        // Mostly short replacements, some whole texts.
                        let with = if len % 3 == 0 {
                            with
                        } else {
                            with.chars().take(len).collect()
                        };
                        (bounds[k], end, with)
                    })
                    .collect();
                at.sort_by_key(|a| (a.0, a.1));
                let (mut new, mut changes, mut from) = (String::new(), Vec::new(), 0);
                for (start, end, with) in at {
                    if start < from {
                        continue;
                    }
                    new.push_str(&old[from..start]);
                    changes.push((start..end, new.len()..new.len() + with.len()));
                    new.push_str(&with);
                    from = end;
                }
                new.push_str(&old[from..]);
                (old, new, changes)
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

            #[test]
            fn the_diff_of_the_changed_lines_is_the_whole_diff((old, new) in edited()) {
                prop_assert_eq!(unified_diff("n.md", &old, &new), whole_diff(&old, &new));
            }

            /// Diffed change by change, a diff makes the new text of the old one, taking out
            /// and putting in only lines the changes touch; with one change it is the diff
            /// of the whole texts. With several it may choose other lines than the whole
            /// diff where it can (which of two equal lines to show as kept), and takes out
            /// and puts in as many lines, unless a hunk of the whole diff spans two of its
            /// own: the whole diff then paired lines of one change with equal lines near
            /// another, across lines the changes left alone (1 case in some thousands of
            /// these), which a diff of each change on its own does not.
            #[test]
            fn the_diff_of_each_change_on_its_own_is_a_whole_diff(
                (old, new, changes) in spliced()
            ) {
                let diff = unified_diff_of("n.md", &old, &new, &changes);
                let whole = whole_diff(&old, &new);
                prop_assert_eq!(patched(&old, &diff), Ok(new.clone()), "{}", diff);
                let touched = |text: &str, side: fn(&Change) -> &Range<usize>| -> usize {
                    changes.iter().map(|c| lines_touched(text, side(c))).sum()
                };
                let (taken_out, put_in) = counts(&diff);
                prop_assert!(
                    taken_out <= touched(&old, |c| &c.0) && put_in <= touched(&new, |c| &c.1),
                    "{}", diff
                );
                let differ = changes.iter().filter(|c| old[c.0.clone()] != new[c.1.clone()]);
                if differ.count() <= 1 {
                    prop_assert_eq!(&diff, &whole);
                }
                let own = hunks(&diff);
                let across = hunks(&whole)
                    .iter()
                    .any(|w| own.iter().filter(|h| h.start < w.end && w.start < h.end).count() > 1);
                if !across {
                    prop_assert_eq!(counts(&diff), counts(&whole), "{}\n{}", diff, whole);
                }
            }
        }

        /// The diff's lines after its two header lines: each a tag (` `, `-`, `+`, `@`,
        /// `\\`) and a line of a text (its ending kept; a hunk header's too).
        fn records(diff: &str) -> Vec<(char, &str)> {
            let mut out: Vec<(char, &str)> = Vec::new();
            for line in diff_lines(diff.as_bytes()).skip(2) {
                let line = std::str::from_utf8(line).unwrap();
                let tag = line.chars().next().unwrap();
                if tag == '\\'
                    && let Some((_, last)) = out.last_mut()
                {
                    // The line before it had no ending: the diff gave it one.
                    *last = last.strip_suffix('\n').unwrap();
                }
                out.push((tag, &line[1..]));
            }
            out
        }

        /// How many lines of `text`, as the diff tool counts them, a change of `r` can
        /// alter: from the line of the byte before it to the line of the byte after it (a
        /// change next to a line's ending can change that line: `\r` then `\n` split).
        fn lines_touched(text: &str, r: &Range<usize>) -> usize {
            let b = text.as_bytes();
            let ends = |i: usize| b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n'));
            let before = r.start.saturating_sub(1);
            let start = (0..before).rev().find(|&i| ends(i)).map_or(0, |i| i + 1);
            let end = (r.end..b.len())
                .find(|&i| ends(i))
                .map_or(b.len(), |i| i + 1);
            diff_lines(&b[start..end]).count()
        }

        /// The lines of the old text each hunk of the diff shows (from its header).
        fn hunks(diff: &str) -> Vec<Range<usize>> {
            records(diff)
                .iter()
                .filter(|(tag, _)| *tag == '@')
                .map(|(_, h)| {
                    let old = h.strip_prefix("@ -").unwrap().split(' ').next().unwrap();
                    let (first, len) = old.split_once(',').unwrap_or((old, "1"));
                    let first: usize = first.parse().unwrap();
                    first..first + len.parse::<usize>().unwrap()
                })
                .collect()
        }

        /// How many lines the diff takes out and puts in.
        fn counts(diff: &str) -> (usize, usize) {
            let r = records(diff);
            let n = |t| r.iter().filter(|(tag, _)| *tag == t).count();
            (n('-'), n('+'))
        }

        /// `old` with the hunks of `diff` made, each checked against its header and its
        /// lines against `old`'s; hunks in order, apart, with at most `DIFF_CONTEXT` lines
        /// kept at their ends and at most twice that between two changes.
        fn patched(old: &str, diff: &str) -> Result<String, String> {
            let lines: Vec<&[u8]> = diff_lines(old.as_bytes()).collect();
            let mut out: Vec<u8> = Vec::new();
            let mut at = 0;
            let r = records(diff);
            let mut i = 0;
            while i < r.len() {
                let (tag, header) = r[i];
                i += 1;
                if tag != '@' {
                    return Err(format!("{tag}{header} is outside a hunk"));
                }
                // `-12,7 +12,9` (a length of 1 may be left out).
                let range = |r: &str| -> Option<(usize, usize)> {
                    let (first, len) = r.split_once(',').unwrap_or((r, "1"));
                    Some((first.parse().ok()?, len.parse().ok()?))
                };
                let ranges = header.trim_matches(|c: char| c == '@' || c.is_whitespace());
                let (o, n) = ranges.split_once(' ').ok_or(header)?;
                let o = o.strip_prefix('-').and_then(range).ok_or(header)?;
                let n = n.strip_prefix('+').and_then(range).ok_or(header)?;
                let ((start, len), new_len) = (o, n.1);
                let first = if len == 0 { start } else { start - 1 };
                if first < at + usize::from(at > 0) {
                    return Err(format!("hunk {header} meets the one before"));
                }
                out.extend(lines[at..first].concat());
                at = first;
                // Lines kept, taken out and put in; the runs of kept lines.
                let (mut kept, mut taken, mut put) = (0, 0, 0);
                let (mut run, mut runs) = (0, Vec::new());
                while i < r.len() && r[i].0 != '@' {
                    let (tag, text) = r[i];
                    i += 1;
                    if tag == '\\' {
                        continue;
                    }
                    if tag == ' ' || tag == '-' {
                        if lines.get(at) != Some(&text.as_bytes()) {
                            return Err(format!("line {} is not {text:?}", at + 1));
                        }
                        at += 1;
                    }
                    if tag == ' ' || tag == '+' {
                        out.extend_from_slice(text.as_bytes());
                    }
                    match tag {
                        ' ' => {
                            kept += 1;
                            run += 1;
                            continue;
                        }
                        '-' => taken += 1,
                        '+' => put += 1,
                        _ => return Err(format!("{tag}{text} in hunk {header}")),
                    }
                    runs.push(run);
                    run = 0;
                }
                runs.push(run);
                let ends = runs[0] <= DIFF_CONTEXT && runs[runs.len() - 1] <= DIFF_CONTEXT;
                let between = runs[1..runs.len() - 1]
                    .iter()
                    .all(|&k| k <= 2 * DIFF_CONTEXT);
                if (kept + taken, kept + put) != (len, new_len) || !ends || !between {
                    return Err(format!("hunk {header}: kept runs {runs:?}"));
                }
            }
            out.extend(lines[at..].concat());
            String::from_utf8(out).map_err(|e| e.to_string())
        }

        /// The texts the property test makes are often cut (else it would test little).
        #[test]
        fn generated_diffs_are_often_cut() {
            use proptest::strategy::ValueTree;
            let mut runner = proptest::test_runner::TestRunner::deterministic();
            let mut cut = 0;
            for _ in 0..500 {
                let (old, new) = edited().new_tree(&mut runner).unwrap().current();
                let change = [one_change(&old, &new)];
                let got = parts(old.as_bytes(), new.as_bytes(), &change, DIFF_CONTEXT);
                cut += usize::from(
                    got.iter()
                        .any(|(o, n)| o.len() < old.len() || n.len() < new.len()),
                );
            }
            assert!(cut > 150, "only {cut} of 500 diffs were cut");
        }
    }
}
