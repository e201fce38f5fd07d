//! One planned change to one note, carried out safely: read, refuse what must not be edited,
//! plan, then either show the diff (dry run) or write atomically, re-planning if the note
//! changed meanwhile.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::edit::{EditError, EditSet, Outline, refuse_reason, unified_diff, unified_diff_of};
use crate::load::is_conflict_copy_of;
use crate::model::Note;
use crate::parse::{self, ParseOptions, Text, parse_note};
use crate::write::{self, WriteOutcome};

/// A note to change.
pub struct Target<'a> {
    pub root: &'a Path,
    pub path: PathBuf,
    /// The path as shown to the user.
    pub shown: String,
    pub parse: ParseOptions,
    /// A note longer than this is read in pieces of at least this many bytes where only its
    /// outline is wanted (`parse::PIECE_BYTES`; see [`Outline::read`]).
    pub piece_bytes: usize,
    /// Whether a sync-conflict copy lies beside the note, when the walk that found it just
    /// listed its folder (`load::Listed`); None: list the folder before editing.
    pub conflict_copy: Option<bool>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Unchanged,
    Written,
    Created,
    /// A dry run: the unified diff of what would change (empty when nothing would).
    WouldChange(String),
}

/// Whether a sync tool's conflict copy of the note lies beside it (its folder listed now).
pub fn has_conflict_copy(path: &Path) -> bool {
    ConflictCopies::default().beside(path)
}

/// For a command that edits many notes: each folder listed once (the names in it that can
/// be a sync tool's conflict copy kept), instead of once a note, which made editing the
/// notes of one large folder quadratic (36,500 notes: 436 s, nearly all of it listing).
/// The answer is as of the folder's listing, as [`crate::load::Listed`]'s is.
#[derive(Debug, Default)]
pub struct ConflictCopies {
    folders: std::collections::HashMap<PathBuf, Vec<String>>,
}

impl ConflictCopies {
    /// Whether a sync tool's conflict copy of the note at `path` lay beside it when its
    /// folder was listed (listed now, the first time).
    pub fn beside(&mut self, path: &Path) -> bool {
        let (Some(dir), Some(name)) = (path.parent(), path.file_name().and_then(|n| n.to_str()))
        else {
            return false;
        };
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let copies = self.folders.entry(dir.to_path_buf()).or_insert_with(|| {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return Vec::new();
            };
            entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| crate::load::conflict_original(n, |_| true).is_some())
                .collect()
        });
        copies.iter().any(|n| is_conflict_copy_of(n, name))
    }
}

/// What a plan is given of the note besides its text: its model, or its outline.
pub trait View {
    fn diagnostics(&self) -> &[Diagnostic];
}

impl View for Note {
    fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}

impl View for Outline {
    fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}

/// Reads the note for editing, or says why it must not be edited.
pub fn read(target: &Target) -> Result<(String, Note), String> {
    read_as(target, &|t| parse_note(t.as_str(), &target.parse))
}

/// [`read`] for a plan that needs only the note's outline: a long note is read in pieces,
/// never held whole.
pub fn read_outline(target: &Target) -> Result<(String, Outline), String> {
    read_as(target, &|t| {
        Outline::read(t, &target.parse, target.piece_bytes, None)
    })
}

/// A view of a note's text: lent when the note was just read (given back as it was), borrowed
/// when it is read again.
type ViewOf<'v, V> = &'v dyn Fn(Text<'_>) -> V;

fn read_as<V: View>(target: &Target, view: ViewOf<'_, V>) -> Result<(String, V), String> {
    let bytes = std::fs::read(&target.path).map_err(|e| format!("cannot read it: {e}"))?;
    // The text is the bytes themselves (no copy): they are what the write compares the file
    // with before replacing it. It is lent to the view, so that a long note with a day at
    // both ends is read without a copy (see `parse::Text`).
    let mut text = String::from_utf8(bytes).ok();
    let note = text.as_mut().map(|t| view(Text::Lent(t)));
    if let Some(reason) = refuse_reason(
        text.as_deref(),
        note.as_ref().map(View::diagnostics),
        target
            .conflict_copy
            .unwrap_or_else(|| has_conflict_copy(&target.path)),
    ) {
        return Err(reason);
    }
    match (text, note) {
        (Some(t), Some(n)) => Ok((t, n)),
        _ => Err("it is not valid UTF-8 text".into()),
    }
}

/// Plans with `plan` on the note's text and applies the result (checked) or shows it.
pub fn edit<F>(target: &Target, dry_run: bool, plan: F) -> Result<Outcome, String>
where
    F: FnMut(&str, &Note) -> Result<EditSet, EditError>,
{
    edit_as(
        target,
        dry_run,
        &|t| parse_note(t.as_str(), &target.parse),
        plan,
    )
}

/// [`edit`] for a plan that needs only the note's outline (a region's edit): a long note is
/// read in pieces, never held whole. `fingerprint`, if given, goes into the outline (see
/// [`Outline::read`]).
pub fn edit_outline<F>(
    target: &Target,
    dry_run: bool,
    fingerprint: Option<&dyn Fn(&Note) -> u64>,
    plan: F,
) -> Result<Outcome, String>
where
    F: FnMut(&str, &Outline) -> Result<EditSet, EditError>,
{
    let view = |t: Text<'_>| Outline::read(t, &target.parse, target.piece_bytes, fingerprint);
    edit_as(target, dry_run, &view, plan)
}

/// What a plan made piece by piece holds: the edits planned on each piece of the note (or
/// on the whole note), and the note's diagnostics.
#[derive(Default)]
struct PiecePlan {
    set: EditSet,
    diagnostics: Vec<Diagnostic>,
}

impl View for PiecePlan {
    fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}

/// [`edit`] for a plan that looks at one piece of a note at a time: a long note is read in
/// pieces (see [`parse::fold_pieces`]), never held whole, and the edits planned on each are
/// made together. Only for plans that look no further than a task and its subtasks, which
/// a piece never cuts (a piece ends where no list is open).
pub fn edit_by_pieces(
    target: &Target,
    dry_run: bool,
    plan: &dyn Fn(&Note) -> EditSet,
) -> Result<Outcome, String> {
    let view = |t: Text<'_>| {
        let add = |p: &mut PiecePlan, mut n: Note| {
            p.set.extend(plan(&n));
            p.diagnostics.append(&mut n.diagnostics);
        };
        parse::fold_text(
            t,
            &target.parse,
            target.piece_bytes,
            PiecePlan::default,
            add,
        )
    };
    edit_as(target, dry_run, &view, |_, p: &PiecePlan| Ok(p.set.clone()))
}

fn edit_as<V, F>(
    target: &Target,
    dry_run: bool,
    view: ViewOf<'_, V>,
    mut plan: F,
) -> Result<Outcome, String>
where
    V: View,
    F: FnMut(&str, &V) -> Result<EditSet, EditError>,
{
    let (text, note) = read_as(target, view)?;
    let opts = target.parse.clone();
    let planned = plan(&text, &note).map_err(|e| e.to_string())?;
    // The check parses the edited note: one model at a time. The note's own diagnostics are
    // known.
    let before = note.diagnostics().to_vec();
    drop(note);
    let first = planned
        .apply_checked_known(&text, &before, &opts)
        .map_err(|e| e.to_string())?;
    if first == text {
        return Ok(if dry_run {
            Outcome::WouldChange(String::new())
        } else {
            Outcome::Unchanged
        });
    }
    if dry_run {
        // Only the lines around each edit are diffed.
        let changes = planned.changes(&text).map_err(|e| e.to_string())?;
        return Ok(Outcome::WouldChange(unified_diff_of(
            &target.shown,
            &text,
            &first,
            &changes,
        )));
    }
    drop(planned);
    // The write plans on the bytes it was given first: that plan is made already. It is
    // re-planned from the note's new bytes if another program changed it meanwhile, and the
    // refusals are checked again on those bytes too.
    let mut first = Some(first);
    let replan = |current: &str| -> Result<String, String> {
        if current == text
            && let Some(first) = first.take()
        {
            return Ok(first);
        }
        let note = view(Text::Borrowed(current));
        if let Some(reason) = refuse_reason(Some(current), Some(note.diagnostics()), false) {
            return Err(reason);
        }
        let planned = plan(current, &note);
        let before = note.diagnostics().to_vec();
        drop(note);
        planned
            .and_then(|e| e.apply_checked_known(current, &before, &opts))
            .map_err(|e| e.to_string())
    };
    match write::write_atomic(target.root, &target.path, text.as_bytes(), replan, 3) {
        Ok(WriteOutcome::Unchanged) => Ok(Outcome::Unchanged),
        Ok(WriteOutcome::Written { .. }) => Ok(Outcome::Written),
        Ok(WriteOutcome::Created) => Ok(Outcome::Created),
        Err(e) => Err(without_path(&e, &target.path)),
    }
}

/// Creates a note that does not exist yet. Never overwrites: a note that appears meanwhile
/// is an error (`Exists`), which callers handle by editing it instead.
pub fn create(target: &Target, contents: &str, dry_run: bool) -> Result<Outcome, CreateError> {
    if let Some(placeholder) = icloud_placeholder(&target.path) {
        return Err(CreateError::Other(format!(
            "iCloud holds this note but has not downloaded it (`{placeholder}` is its \
             placeholder); creating it here would make iCloud keep two versions. Open it in \
             Finder or Files so iCloud downloads it, then run again"
        )));
    }
    let note = parse_note(contents, &target.parse);
    if let Some(reason) = refuse_reason(Some(contents), Some(&note.diagnostics), false) {
        return Err(CreateError::Other(reason));
    }
    if dry_run {
        return Ok(Outcome::WouldChange(unified_diff(
            &target.shown,
            "",
            contents,
        )));
    }
    match write::create_new(target.root, &target.path, contents) {
        Ok(_) => Ok(Outcome::Created),
        Err(write::WriteError::Exists { .. }) => Err(CreateError::Exists),
        Err(e) => Err(CreateError::Other(without_path(&e, &target.path))),
    }
}

/// Write errors start with the note's path; the caller already names the note.
fn without_path(e: &write::WriteError, path: &Path) -> String {
    let s = e.to_string();
    let p = path.display().to_string();
    match s.strip_prefix(&format!("{p}: ")) {
        Some(rest) => rest.to_string(),
        None => s,
    }
}

/// iCloud Drive replaces a note it has evicted from this device with `.NAME.icloud`: the
/// note exists, only not here yet.
fn icloud_placeholder(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let placeholder = format!(".{name}.icloud");
    path.with_file_name(&placeholder)
        .exists()
        .then_some(placeholder)
}

#[derive(Debug)]
pub enum CreateError {
    Exists,
    Other(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn target(root: &Path, path: PathBuf) -> Target<'_> {
        Target {
            root,
            shown: "n.md".into(),
            path,
            parse: ParseOptions::with_defaults(),
            piece_bytes: parse::PIECE_BYTES,
            conflict_copy: Some(false),
        }
    }

    /// The write does not plan again on the bytes it was planned on: a note that did not
    /// change meanwhile is planned once (a long note's plan reads it). (A note changed
    /// meanwhile is planned again: `write`'s tests.)
    #[test]
    fn a_note_is_planned_once_unless_it_changed() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("n.md");
        std::fs::write(&p, "- [ ] a\n").unwrap();
        let planned = Cell::new(0);
        let plan = |text: &str, _: &Note| {
            planned.set(planned.get() + 1);
            let mut set = EditSet::new();
            set.insert(text.len(), "- [ ] b\n");
            Ok(set)
        };
        let outcome = edit(&target(t.path(), p.clone()), false, plan).unwrap();
        assert_eq!((outcome, planned.get()), (Outcome::Written, 1));
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "- [ ] a\n- [ ] b\n");
    }

    /// Progress cookies planned piece by piece are those planned on the whole note.
    #[test]
    fn cookies_planned_in_pieces_are_the_whole_notes() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("n.md");
        let text = "## 2026-01-01\n- [ ] a\n  - [x] b\n\n## 2026-01-02\n- [ ] c [0/0]\n  \
                    - [ ] d\n  - [x] e\n\n## Later\n- [ ] f\n";
        let mut diffs = Vec::new();
        for piece_bytes in [usize::MAX, 1] {
            std::fs::write(&p, text).unwrap();
            let target = Target {
                piece_bytes,
                ..target(t.path(), p.clone())
            };
            let plan = &crate::edit::progress::plan_progress_cookies;
            match edit_by_pieces(&target, true, plan).unwrap() {
                Outcome::WouldChange(diff) => diffs.push(diff),
                other => panic!("{other:?}"),
            }
        }
        assert!(diffs[0].contains("+- [ ] c [1/2]"), "{}", diffs[0]);
        assert_eq!(diffs[0], diffs[1]);
    }
}
