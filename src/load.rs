//! Loading: walk a notes folder, read every note once, parse in parallel.
//!
//! This and `write` are the only places that touch the file system. Problems with one file
//! (unreadable, not UTF-8, a sync-conflict copy, a symlink leaving the root) become
//! diagnostics for that file; the others are still read.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};
use crate::model::Note;
use crate::parse::{self, ParseOptions};
use crate::span::{LineIndex, Span};

/// A parsed note and where it came from.
#[derive(Debug, Clone)]
pub struct LoadedNote {
    /// The path as shown to the user: the root as given on the command line joined with the
    /// note's path relative to it.
    pub path: String,
    /// Relative to the root, with `/` separators.
    pub rel: String,
    pub note: Note,
}

/// A diagnostic and the file it is about.
#[derive(Debug, Clone)]
pub struct FileDiagnostic {
    pub path: String,
    pub diagnostic: Diagnostic,
}

#[derive(Debug, Default)]
pub struct Loaded {
    /// Sorted by path.
    pub notes: Vec<LoadedNote>,
    /// Problems that kept a file from being read, or that concern the folder.
    pub problems: Vec<FileDiagnostic>,
}

impl Loaded {
    /// Every diagnostic: the folder's problems, then each note's, in path order.
    pub fn diagnostics(&self) -> Vec<FileDiagnostic> {
        let mut all = self.problems.clone();
        for n in &self.notes {
            for d in &n.note.diagnostics {
                all.push(FileDiagnostic {
                    path: n.path.clone(),
                    diagnostic: d.clone(),
                });
            }
        }
        sort_diagnostics(&mut all);
        all
    }
}

/// Sorts diagnostics by path, then by where they are in the note (stable: the folder's
/// problems about a file come before its notes' own).
pub fn sort_diagnostics(all: &mut [FileDiagnostic]) {
    all.sort_by(|a, b| {
        (
            &a.path,
            a.diagnostic.location.as_ref().map(|l| l.span.start),
        )
            .cmp(&(
                &b.path,
                b.diagnostic.location.as_ref().map(|l| l.span.start),
            ))
    });
}

#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub parse: ParseOptions,
    /// A chrono format for note names, tried before the built-in date shapes.
    pub date_format: Option<String>,
    /// Parse on one thread (the serial/parallel equivalence test uses this).
    pub serial: bool,
    /// Folders under the root that hold no notes.
    pub exclude: Vec<String>,
    /// Draw a progress bar on stderr when there are many notes (the caller decides that
    /// stderr is a terminal and the user did not ask for quiet).
    pub progress: bool,
    /// Read only the notes whose file name carries no date or a date within these bounds
    /// (inclusive; None is open). A report on a few days then finds its daily notes by
    /// name instead of reading years of them.
    pub named_within: Option<(Option<chrono::NaiveDate>, Option<chrono::NaiveDate>)>,
    /// Whether reader threads read the files of a large folder while the parsing threads
    /// work: `None` decides (see [`stream_files`]); the tests ask for each way.
    #[doc(hidden)]
    pub reader_threads: Option<bool>,
    /// Whether notes are parsed while the walk goes on (see [`stream_files`]): `None` or
    /// `Some(true)` when there are parsing threads; the tests ask for each way.
    #[doc(hidden)]
    pub during_walk: Option<bool>,
    /// Notes longer than this many bytes are parsed in pieces of at least this size (see
    /// [`parse::parse_in_pieces`]), each handed to [`stream`]'s `map` as a note of its own:
    /// only for commands whose report comes out the same either way. None: always whole.
    pub pieces: Option<usize>,
}

/// How long a note must be to be parsed in pieces, and how long each piece is at least
/// (see [`LoadOptions::pieces`]).
pub const PIECE_BYTES: usize = parse::PIECE_BYTES;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: no such file or folder")]
    NotFound { path: String },
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

fn is_note_name(name: &str) -> bool {
    let ends = |ext: &str| {
        name.len() > ext.len()
            && name.as_bytes()[name.len() - ext.len()..].eq_ignore_ascii_case(ext.as_bytes())
    };
    (ends(".md") || ends(".markdown")) && !name.starts_with('.')
}

/// If `name` is a sync tool's conflict copy, the name of the note it conflicts with.
/// `has_sibling` says whether a name exists in the same folder (iCloud's `name 2.md` is only
/// a copy when `name.md` is beside it); it is asked only about such names.
pub fn conflict_original(name: &str, has_sibling: impl Fn(&str) -> bool) -> Option<String> {
    // Every kind of copy has a space in its name, or Syncthing's marker: most names have
    // neither, and this is asked of every name in the folder. Names are short: a plain scan
    // for the space, one searcher for the marker (not one per name), and a name shorter
    // than the marker cannot hold it.
    static SYNC_MARKER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b".sync-conflict-"));
    if !name.as_bytes().contains(&b' ')
        && (name.len() < b".sync-conflict-".len() || SYNC_MARKER.find(name.as_bytes()).is_none())
    {
        return None;
    }
    let (stem, ext) = match name.rfind('.') {
        Some(i) => (&name[..i], &name[i..]),
        None => (name, ""),
    };
    // Syncthing: `note.sync-conflict-20261124-101010-ABCDEFG.md`
    if let Some(i) = stem.find(".sync-conflict-") {
        return Some(format!("{}{ext}", &stem[..i]));
    }
    // Dropbox: `note (conflicted copy 2026-11-24).md`, `note (Anna's conflicted copy ...).md`
    if let Some(i) = stem.find(" (")
        && stem[i..].contains("conflicted copy")
        && stem.ends_with(')')
    {
        return Some(format!("{}{ext}", &stem[..i]));
    }
    // iCloud: `note 2.md` beside `note.md`
    if let Some((base, n)) = stem.rsplit_once(' ')
        && !n.is_empty()
        && n.len() <= 2
        && n.bytes().all(|b| b.is_ascii_digit())
        && n != "0"
    {
        let original = format!("{base}{ext}");
        if has_sibling(&original) {
            return Some(original);
        }
    }
    None
}

/// Whether the entry `candidate` is a sync tool's conflict copy of the note `name` beside it
/// (every kind of copy starts with the note's stem). `change::ConflictCopies` asks this of
/// the names in the note's folder that can be a copy; a walk's `Listed` of those it saw.
pub fn is_conflict_copy_of(candidate: &str, name: &str) -> bool {
    let stem = name.rsplit_once('.').map_or(name, |p| p.0);
    candidate.starts_with(stem)
        && candidate != name
        && conflict_original(candidate, |sib| sib == name).as_deref() == Some(name)
}

fn display_join(root_shown: &str, rel: &str) -> String {
    if rel.is_empty() {
        return root_shown.to_string();
    }
    if root_shown.is_empty() || root_shown == "." {
        return rel.to_string();
    }
    let mut out = String::with_capacity(root_shown.len() + 1 + rel.len());
    out.push_str(root_shown);
    if !root_shown.ends_with('/') {
        out.push('/');
    }
    out.push_str(rel);
    out
}

/// A note the walk kept: its path relative to the root, with `/` separators (empty when
/// the root is the note). Its path on disk is made when it is read ([`Found::abs`]), not
/// kept: a century of daily notes is 36,500 of these for the whole of a command.
struct Found {
    rel: String,
}

impl Found {
    /// The note's path: the root joined with its relative path, as the walk met it.
    fn abs(&self, root: &Path) -> PathBuf {
        if self.rel.is_empty() {
            root.to_path_buf()
        } else {
            root.join(&self.rel)
        }
    }
}

/// The folder whose notes are read, held open: each note is opened from it by its relative
/// path, so the system looks up only the names below the folder, not the whole path of
/// the folder again for every note (on a century of daily notes, a tenth of the time spent
/// opening and reading them).
struct Folder {
    #[cfg(unix)]
    fd: Option<std::os::fd::OwnedFd>,
}

impl Folder {
    /// `root` held open when it is a folder that can be opened (else notes are opened by
    /// their whole path, and any problem is met there, as it would be without this).
    fn open(root: &Path) -> Folder {
        #[cfg(unix)]
        {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            Folder {
                fd: rustix::fs::open(root, flags, Mode::empty()).ok(),
            }
        }
        #[cfg(not(unix))]
        {
            let _ = root;
            Folder {}
        }
    }

    /// Opens the note `f` of the folder `root` for reading.
    fn open_note(&self, root: &Path, f: &Found) -> std::io::Result<std::fs::File> {
        #[cfg(unix)]
        if let Some(fd) = &self.fd
            && !f.rel.is_empty()
        {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::RDONLY | OFlags::CLOEXEC;
            return rustix::fs::openat(fd, f.rel.as_str(), flags, Mode::empty())
                .map(std::fs::File::from)
                .map_err(std::io::Error::from);
        }
        std::fs::File::open(f.abs(root))
    }
}

/// A note file the walk met, as its visitor sees it: borrowed, so that nothing is allocated
/// for the many notes a one-day command passes over.
struct Seen<'a> {
    /// The folder it is in, as walked (the root as given, joined with the folders' names);
    /// the note itself when the root is a single note.
    dir: &'a Path,
    name: &'a str,
    /// Relative to the root, with `/` separators; empty when the root is this note.
    rel: &'a str,
}

impl Seen<'_> {
    fn abs(&self) -> PathBuf {
        if self.rel.is_empty() {
            self.dir.to_path_buf()
        } else {
            self.dir.join(self.name)
        }
    }

    /// What the note's date is read from: its path below the root (`2026/11/24.md` carries
    /// a date), or the file name of a root that is a single note.
    fn name_for_date(&self) -> &str {
        if self.rel.is_empty() {
            self.name
        } else {
            self.rel
        }
    }
}

/// The names a walk saw that have the shape of a sync-conflict copy, with the folders it
/// listed whole, so that a command about to edit a note the walk found knows whether a copy
/// lies beside it without listing the folder again (`change::has_conflict_copy` lists it for
/// any other note). On a 36,500-note folder a listing is most of a one-day command's time.
///
/// The answer is as of the listing, made as the command starts, milliseconds before the
/// edit; a fresh listing just before the edit was no safer (a sync tool may write a copy
/// right after any listing), and the next run sees a copy that came in between.
#[derive(Debug, Default)]
pub struct Listed {
    /// The folders listed from the first entry to the last, as walked.
    folders: Vec<PathBuf>,
    /// Each (folder, name) that `conflict_original` makes a copy of some note when any
    /// sibling exists: the only names that can be a copy of a note. Hidden names are left
    /// out: a copy's name starts with its note's, and a note's name is never hidden.
    copies: Vec<(PathBuf, String)>,
    /// The notes the answer is known for: those the walk kept, and those this run created.
    notes: Vec<PathBuf>,
}

impl Listed {
    /// Whether a sync-conflict copy of the note at `path` lay beside it when its folder was
    /// listed; None when the walk did not see this note in a folder it listed whole (look).
    pub fn conflict_copy(&self, path: &Path) -> Option<bool> {
        let dir = path.parent()?;
        let name = path.file_name()?.to_str()?;
        if !self.notes.iter().any(|n| n == path) || !self.folders.iter().any(|f| f == dir) {
            return None;
        }
        Some(
            self.copies
                .iter()
                .any(|(d, n)| d == dir && is_conflict_copy_of(n, name)),
        )
    }

    /// This run created the note at `path`: it is in its folder's listing from now on (a
    /// new note could, in principle, be named as a copy of the one it rolls over from).
    pub fn created(&mut self, path: &Path) {
        let (Some(dir), Some(name)) = (path.parent(), path.file_name().and_then(|n| n.to_str()))
        else {
            return;
        };
        if !self.folders.iter().any(|f| f == dir) {
            return;
        }
        if conflict_original(name, |_| true).is_some() {
            self.copies.push((dir.to_path_buf(), name.to_string()));
        }
        self.notes.push(path.to_path_buf());
    }
}

/// Walks `root` (a folder or a single note), handing every note file in it to `visit`, in
/// walk order; sync-conflict copies are reported as problems instead (after the walk's own
/// problems, as they always were). Returns what the walk listed.
fn walk_with(
    root: &Path,
    root_shown: &str,
    exclude: &[String],
    problems: &mut Vec<FileDiagnostic>,
    mut visit: impl FnMut(&Seen),
) -> Listed {
    if root.is_file() {
        let name = root.file_name().and_then(|n| n.to_str()).unwrap_or("");
        visit(&Seen {
            dir: root,
            name,
            rel: "",
        });
        return Listed::default();
    }
    let canon_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let exclude: Vec<&str> = exclude
        .iter()
        .map(|x| x.trim_matches('/'))
        .filter(|x| !x.is_empty())
        .collect();
    let mut w = Walker {
        root_shown,
        exclude: &exclude,
        ancestors: vec![canon_root.clone()],
        canon_root,
        problems,
        conflicts: Vec::new(),
        listed: Listed::default(),
        rel: String::new(),
        visit: &mut visit,
    };
    w.dir(root);
    let Walker {
        mut conflicts,
        listed,
        ..
    } = w;
    problems.append(&mut conflicts);
    listed
}

/// A recursive walk over `read_dir`: the entry's type comes with the folder listing, so
/// only symlinks cost a `stat`. Symlinks are followed inside the root; one leaving the root
/// is reported and not followed, and one that leads back to a folder it sits in is a loop.
/// Nothing is allocated for a note the visitor does not keep: the relative path is built in
/// one buffer.
struct Walker<'a, V: FnMut(&Seen)> {
    root_shown: &'a str,
    exclude: &'a [&'a str],
    canon_root: PathBuf,
    /// Canonical paths of the folders being walked, outermost first.
    ancestors: Vec<PathBuf>,
    problems: &'a mut Vec<FileDiagnostic>,
    /// The sync-conflict copies met, reported after the walk.
    conflicts: Vec<FileDiagnostic>,
    listed: Listed,
    /// The relative path of the folder being listed, then of its entry.
    rel: String,
    visit: &'a mut V,
}

impl<V: FnMut(&Seen)> Walker<'_, V> {
    /// A problem with the entry (or folder) at `self.rel`.
    fn problem(&mut self, diagnostic: Diagnostic) {
        self.problems.push(FileDiagnostic {
            path: display_join(self.root_shown, &self.rel),
            diagnostic,
        });
    }

    fn unreadable(&mut self, e: &std::io::Error) {
        self.problem(Diagnostic::new(
            Code::ReadError,
            format!("cannot read: {e}"),
            "check that the file or folder exists and that you may read it",
        ));
    }

    /// Lists the folder `abs`, whose relative path is `self.rel`.
    fn dir(&mut self, abs: &Path) {
        let entries = match std::fs::read_dir(abs) {
            Ok(r) => r,
            Err(e) => return self.unreadable(&e),
        };
        let base = self.rel.len();
        let mut whole = true;
        for entry in entries {
            self.rel.truncate(base);
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    whole = false;
                    self.unreadable(&e);
                    continue;
                }
            };
            let name = entry.file_name();
            // Hidden files and folders; names that are not UTF-8 cannot be notes.
            let Some(name) = name.to_str().filter(|n| !n.starts_with('.')) else {
                continue;
            };
            if base > 0 {
                self.rel.push('/');
            }
            self.rel.push_str(name);
            // Whatever its type: `change::has_conflict_copy` counts any entry.
            let copy_shaped = conflict_original(name, |_| true).is_some();
            if copy_shaped {
                self.listed
                    .copies
                    .push((abs.to_path_buf(), name.to_string()));
            }
            let file_type = match entry.file_type() {
                Ok(t) => t,
                Err(e) => {
                    self.unreadable(&e);
                    continue;
                }
            };
            if !(file_type.is_symlink() || file_type.is_dir()) {
                if file_type.is_file() && is_note_name(name) {
                    self.note(abs, name, copy_shaped);
                }
                continue;
            }
            let path = entry.path();
            let (is_dir, is_file, canonical) = if file_type.is_symlink() {
                let target = match path
                    .canonicalize()
                    .and_then(|t| Ok((std::fs::metadata(&t)?, t)))
                {
                    Ok(t) => t,
                    Err(e) => {
                        self.unreadable(&e);
                        continue;
                    }
                };
                if !target.1.starts_with(&self.canon_root) {
                    self.problem(Diagnostic::new(
                        Code::SymlinkOutsideRoot,
                        "this symlink points outside the notes folder; it is not read",
                        "move the target into the notes folder, or point mdtasks at a folder \
                         that contains both",
                    ));
                    continue;
                }
                (target.0.is_dir(), target.0.is_file(), Some(target.1))
            } else {
                (true, false, None)
            };
            if is_dir {
                // Excluded folders (templates, attachments), named relative to the root.
                if self.exclude.contains(&self.rel.as_str()) {
                    continue;
                }
                let canonical = canonical.unwrap_or_else(|| {
                    self.ancestors
                        .last()
                        .map_or_else(|| path.clone(), |a| a.join(name))
                });
                if self.ancestors.contains(&canonical) {
                    self.problem(Diagnostic::new(
                        Code::FilesystemLoop,
                        "this folder links back to a folder that contains it; not followed",
                        "remove the symlink, or point it somewhere outside this folder tree",
                    ));
                    continue;
                }
                self.ancestors.push(canonical);
                self.dir(&path);
                self.ancestors.pop();
            } else if is_file && is_note_name(name) {
                self.note(abs, name, copy_shaped);
            }
        }
        self.rel.truncate(base);
        if whole {
            self.listed.folders.push(abs.to_path_buf());
        }
    }

    /// The note `name` in the folder `abs` (its relative path is `self.rel`): a
    /// sync-conflict copy is reported and not read, any other goes to the visitor.
    fn note(&mut self, abs: &Path, name: &str, copy_shaped: bool) {
        // Only a name with a copy's shape can be one (iCloud's `name 2.md` only when
        // `name.md` is beside it: the one case that costs a `stat`).
        if copy_shaped && let Some(orig) = conflict_original(name, |sib| abs.join(sib).is_file()) {
            self.conflicts.push(FileDiagnostic {
                path: display_join(self.root_shown, &self.rel),
                diagnostic: Diagnostic::new(
                    Code::SyncConflict,
                    format!("this is a sync-conflict copy of `{orig}`; it is not read"),
                    format!(
                        "compare it with `{orig}`, merge what you want to keep, then delete the copy"
                    ),
                ),
            });
            return;
        }
        (self.visit)(&Seen {
            dir: abs,
            name,
            rel: &self.rel,
        });
    }
}

/// What reading one file gave: the parsed note, or why it could not be read.
pub enum Read {
    Note(Box<LoadedNote>),
    /// A note longer than [`LoadOptions::pieces`], read but not yet parsed.
    Long(Box<LongNote>),
    Problem(FileDiagnostic),
}

/// A long note's text, to be parsed in pieces (or whole).
pub struct LongNote {
    path: String,
    rel: String,
    text: String,
    parse: ParseOptions,
    piece_bytes: usize,
}

impl LongNote {
    /// Each piece mapped in turn, only one piece's model in memory at a time. When a day
    /// turns out to lie in two pieces, what was mapped is dropped and the note is read again
    /// in pieces that keep each day whole (the whole note, at worst): see
    /// [`parse::fold_pieces`].
    pub fn map_pieces<T>(self, map: impl Fn(LoadedNote) -> T) -> Vec<T> {
        let LongNote {
            path,
            rel,
            mut text,
            parse,
            piece_bytes,
        } = self;
        let (path, rel) = (&path, &rel);
        let add = |out: &mut Vec<T>, note| {
            out.push(map(LoadedNote {
                path: path.clone(),
                rel: rel.clone(),
                note,
            }))
        };
        parse::fold_text(
            parse::Text::Lent(&mut text),
            &parse,
            piece_bytes,
            Vec::new,
            add,
        )
    }
}

/// Checks that bytes are a text note: no NUL bytes, valid UTF-8. On failure, the diagnostic
/// points at the first bad byte so the user can find it.
pub fn decode(bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let probe = &bytes[..bytes.len().min(8192)];
    if memchr::memchr(0, probe).is_some() {
        return Err(Diagnostic::new(
            Code::BinaryFile,
            "this file holds binary data (NUL bytes), not text; it is not read",
            "rename it so it does not end in .md, or move it out of the notes folder",
        ));
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let lossy = String::from_utf8_lossy(&bytes);
            // Locate the bad byte in the lossy text: everything before it is valid, so its
            // offset is the same.
            let ix = LineIndex::new(&lossy);
            let d = Diagnostic::new(
                Code::NotUtf8,
                format!(
                    "this note is not valid UTF-8 (the byte 0x{:02x} here); it is not read",
                    bytes[at]
                ),
                "save the note as UTF-8 in your editor; mdtasks never edits a note it cannot read",
            )
            .at(&lossy, &ix, Span::new(at, at + 1));
            Err(d)
        }
    }
}

/// Parses one note from the bytes read from it (or says why it cannot be read), and hands
/// the bytes' buffer to `spare` once it is parsed. Also gives the date the file's name
/// carries.
fn read_one(
    root: &Path,
    f: &Found,
    bytes: std::io::Result<Vec<u8>>,
    root_shown: &str,
    opts: &LoadOptions,
    spare: impl FnOnce(Vec<u8>),
) -> (Option<chrono::NaiveDate>, Read) {
    let name_for_date = if f.rel.is_empty() {
        root.file_name().and_then(|n| n.to_str()).unwrap_or("")
    } else {
        f.rel.as_str()
    };
    let name_date = parse::date::date_from_path(name_for_date, opts.date_format.as_deref());
    (
        name_date,
        read_note(f, bytes, root_shown, opts, name_date, spare),
    )
}

fn read_note(
    f: &Found,
    bytes: std::io::Result<Vec<u8>>,
    root_shown: &str,
    opts: &LoadOptions,
    name_date: Option<chrono::NaiveDate>,
    spare: impl FnOnce(Vec<u8>),
) -> Read {
    let path = display_join(root_shown, &f.rel);
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            return Read::Problem(FileDiagnostic {
                path,
                diagnostic: Diagnostic::new(
                    Code::ReadError,
                    format!("cannot read this note: {e}"),
                    "check that the file exists and that you may read it",
                ),
            });
        }
    };
    let text = match decode(bytes) {
        Ok(t) => t,
        Err(d) => {
            return Read::Problem(FileDiagnostic {
                path,
                diagnostic: d,
            });
        }
    };
    // A half-merged note (git merge-conflict markers) holds two versions of some lines:
    // neither is read until the merge is resolved.
    if let Some(at) = parse::merge_marker(&text) {
        let ix = LineIndex::new(&text);
        return Read::Problem(FileDiagnostic {
            path,
            diagnostic: Diagnostic::new(
                Code::MergeConflict,
                "this note holds git merge-conflict markers; it is not read until the merge is \
                 resolved",
                "resolve the conflict (keep the lines you want, delete the `<<<<<<<`, `=======` \
                 and `>>>>>>>` lines), then run again",
            )
            .at(&text, &ix, Span::new(at.start, at.start + 7)),
        });
    }
    let mut popts = opts.parse.clone();
    popts.name_date = name_date;
    if let Some(piece_bytes) = opts.pieces.filter(|&n| text.len() > n) {
        return Read::Long(Box::new(LongNote {
            path,
            rel: f.rel.clone(),
            text,
            parse: popts,
            piece_bytes,
        }));
    }
    let note = parse::parse_note(&text, &popts);
    spare(text.into_bytes());
    Read::Note(Box::new(LoadedNote {
        path,
        rel: f.rel.clone(),
        note,
    }))
}

/// How many notes a folder needs before reading it shows a progress bar.
const PROGRESS_FROM: usize = 3000;

/// Stack for each parsing thread (and the binary's command thread). Notes can nest lists
/// and quotes thousands deep; a parser that recurses on such input must not abort the
/// process (the memory is reserved, not committed, until used).
pub const STACK: usize = 256 * 1024 * 1024;

/// Starts rayon's global pool with [`STACK`]-sized threads, once, before the first parallel
/// parse. Started at the first use instead of at program start: idle workers spin before
/// they sleep, which cost commands that never parse in parallel a few milliseconds on two
/// cores. If a pool already exists (a library user made one), it is used as it is.
pub(crate) fn parsing_pool() {
    PARSING_POOL.call_once(|| {
        let _ = rayon::ThreadPoolBuilder::new()
            .stack_size(STACK)
            .build_global();
    });
}

/// Started by [`parsing_pool`].
static PARSING_POOL: std::sync::Once = std::sync::Once::new();

/// Whether [`parsing_pool`] has run (rayon's global pool then exists: asking rayon would
/// start it).
pub(crate) fn parsing_pool_started() -> bool {
    PARSING_POOL.is_completed()
}

/// A value alone on its cache line(s): values that different threads change, side by side in
/// memory, made the cores take turns with the line they shared.
#[derive(Debug, Default)]
#[repr(align(128))]
pub(crate) struct OwnLine<T>(pub(crate) T);

/// How many stacks of read buffers [`Spare`] keeps.
const SPARE_STACKS: usize = 8;

/// Buffers that notes were read into, kept for the next reads: a stack for each thread of
/// rayon's pool (threads past the last stack, and threads outside the pool, share them),
/// each on its own cache line. One stack for all took turns between the threads twice a
/// note. (Where one thread reads and another gives the buffer back, one stack is shared.)
struct Spare {
    stacks: Vec<OwnLine<std::sync::Mutex<Vec<Vec<u8>>>>>,
}

impl Spare {
    /// `stacks` stacks (at least one).
    fn new(stacks: usize) -> Self {
        Spare {
            stacks: (0..stacks.max(1))
                .map(|_| OwnLine(std::sync::Mutex::new(Vec::new())))
                .collect(),
        }
    }

    fn mine(&self) -> &std::sync::Mutex<Vec<Vec<u8>>> {
        let i = rayon::current_thread_index().unwrap_or(0) % self.stacks.len();
        &self.stacks[i].0
    }

    /// The buffer last kept by this thread, if any.
    fn take(&self) -> Option<Vec<u8>> {
        self.mine().lock().ok().and_then(|mut s| s.pop())
    }

    /// Keeps `buf` for this thread's next read (dropped when its stack is full).
    fn keep(&self, buf: Vec<u8>) {
        if let Ok(mut stack) = self.mine().lock()
            && stack.len() < MAX_KEPT_BUFFERS
        {
            stack.push(buf);
        }
    }

    /// Drops every buffer kept.
    fn clear(&self) {
        for s in &self.stacks {
            if let Ok(mut stack) = s.0.lock() {
                *stack = Vec::new();
            }
        }
    }
}

/// How many read buffers, and up to what size, wait for the next reads (a chunk's worth).
const MAX_KEPT_BUFFERS: usize = CHUNK;
const MAX_KEPT_BUFFER: usize = 1 << 20;

/// How many bytes a note is first read into when no spare buffer has more room (most notes
/// are smaller; a longer one is then read on, into room for exactly its size).
const FIRST_READ: usize = 16 * 1024;

/// Threads that only read files (they mostly wait for the disk).
const READERS: usize = 4;

/// Up to how many notes are read and parsed on the caller's thread.
const FEW: usize = 4;

/// Up to how many chunks of notes are read by the parsing threads themselves (512 notes).
const FEW_CHUNKS: usize = 8;

/// At most how many notes a parsing thread reads and parses at a time, one after another
/// (a chunk): few enough that a chunk's models stay small (a few MB) whatever the folder's
/// size.
const CHUNK: usize = 64;

/// How many chunks are queued for the parsing threads at a time, with two threads (see
/// [`chunks`] for more). With one, the threads ran out of work at the end of every chunk
/// and waited for the next to be queued (on 36,500 notes, twice the thread switches). The
/// thread that hands results to the sink and queues chunks waits for a core while both
/// parse; the chunks queued are the parsing threads' work meanwhile. With two chunks of 256
/// notes (one queued while the sink took the other), the cores stood idle 51-58 ms of a
/// century's `summarize` (`perf sched timehist`; one run stalled 14 ms at once); with eight
/// of 64 (the same notes in flight, so the same memory), 30-45 ms, most of it before the
/// first note and after the last.
const IN_FLIGHT: usize = 8;

/// How many chunks each parsing thread has, at least, among those in flight.
const CHUNKS_PER_THREAD: usize = IN_FLIGHT / 2;

/// How many notes each chunk holds, and how many chunks are in flight, for `notes` notes
/// on `threads` parsing threads. A chunk is parsed by one thread, note after note: when its
/// notes were shared out among the threads (a parallel iterator), a thread that waited for
/// the other's share took up another chunk meanwhile, and the oldest chunk, which the sink
/// waited for, was done only once that one was: the threads then found nothing queued and
/// spun (7,000 `sched_yield` calls a century's `summarize`, against 1,700 with a thread to
/// a chunk; in turn 0.989x the time, quartiles 0.981-1.005). So that every thread has
/// chunks to take, there are at least [`CHUNKS_PER_THREAD`] for each in flight: more
/// threads make smaller chunks (the notes in flight stay [`IN_FLIGHT`] chunks of
/// [`CHUNK`]), and a small folder is cut into that many chunks of fewer notes.
fn chunks(notes: usize, threads: usize) -> (usize, usize) {
    let jobs = CHUNKS_PER_THREAD * threads.max(1);
    let len = (IN_FLIGHT * CHUNK / jobs).min(notes / jobs).clamp(1, CHUNK);
    (len, (IN_FLIGHT * CHUNK / len).max(jobs))
}

/// Reads every note under `root` in path order and hands each, parsed, to `map` (on any
/// thread), then the result to `sink` (in path order, on the caller's thread; it returns
/// false to stop reading, e.g. when the output pipe closed). Only a few chunks
/// of notes are in memory at once, so commands that fold notes into a report never hold the
/// whole folder. A note longer than [`LoadOptions::pieces`] comes in pieces, each mapped as
/// a note: `sink` gets with each result whether it is a file's first (false for the pieces
/// after a note's first). `settle` gets each result on the thread that made it, once the
/// note is read for good (a long note whose day fell in two pieces is read again in other
/// pieces, and the first reading's results are dropped). Returns the problems that kept
/// files from being read, sorted by path. `root_shown` is how the user wrote the path.
pub fn stream<T: Send>(
    root: &Path,
    root_shown: &str,
    opts: &LoadOptions,
    map: impl Fn(LoadedNote) -> T + Sync,
    settle: impl Fn(&mut T) + Sync,
    mut sink: impl FnMut(T, bool) -> bool,
) -> Result<Vec<FileDiagnostic>, LoadError> {
    /// One file's results: most notes are one, a long note's pieces several.
    enum Mapped<T> {
        One(T),
        Pieces(Vec<T>),
    }
    let mut unread = Vec::new();
    let mut problems = stream_files(
        root,
        root_shown,
        opts,
        |_, read| match read {
            Read::Note(n) => {
                let mut t = map(*n);
                settle(&mut t);
                Ok(Mapped::One(t))
            }
            Read::Long(l) => {
                let mut pieces = l.map_pieces(&map);
                pieces.iter_mut().for_each(&settle);
                Ok(Mapped::Pieces(pieces))
            }
            Read::Problem(p) => Err(Box::new(p)),
        },
        |r| match r {
            Ok(Mapped::One(t)) => sink(t, true),
            Ok(Mapped::Pieces(ts)) => ts.into_iter().enumerate().all(|(i, t)| sink(t, i == 0)),
            Err(p) => {
                unread.push(*p);
                true
            }
        },
    )?;
    problems.append(&mut unread);
    problems.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(problems)
}

/// [`stream`] for callers that also want the files that could not be read in their place
/// among the notes, and the date each file's name carries (`None` for a name without one):
/// `map` gets both for every file read. Returns only the problems of the folder itself
/// (folders that cannot be listed, sync-conflict copies, links out of the folder), which do
/// not depend on `named_within`; they are not sorted.
pub fn stream_files<T: Send>(
    root: &Path,
    root_shown: &str,
    opts: &LoadOptions,
    map: impl Fn(Option<chrono::NaiveDate>, Read) -> T + Sync,
    mut sink: impl FnMut(T) -> bool,
) -> Result<Vec<FileDiagnostic>, LoadError> {
    if !root.exists() {
        return Err(LoadError::NotFound {
            path: root_shown.to_string(),
        });
    }
    let mut problems = Vec::new();
    // Buffers that notes were read into, for the next reads: a fresh one per note meant
    // fresh memory, and its page faults were a third of a large folder's (perf).
    // Once the last file is read they are dropped (the report is built after that).
    let all_read = std::sync::atomic::AtomicBool::new(false);
    let folder = Folder::open(root);
    let read_into = |f: &Found, spare: &Spare| -> std::io::Result<Vec<u8>> {
        use std::io::Read as _;
        let file = folder.open_note(root, f)?;
        // First into the room a buffer has (a spare one, or a new one of `FIRST_READ`),
        // without asking the file's size: most notes fit, and asking was about an eighth
        // of the time spent opening and reading them. Through `take`, which stops at the room:
        // `File`'s own `read_to_end` would ask for the size (and the position) again.
        let mut buf = spare.take().unwrap_or_default();
        buf.clear();
        buf.try_reserve_exact(FIRST_READ)?;
        let room = buf.capacity();
        if (&file).take(room as u64).read_to_end(&mut buf)? == room {
            // It may go on: room for exactly the rest, as `std::fs::read` makes (a long
            // note's buffer grown by doubling held twice its size while it was copied).
            let size = file.metadata().map_or(0, |m| m.len() as usize);
            buf.try_reserve_exact(size.saturating_sub(buf.len()))?;
            (&file).take(u64::MAX).read_to_end(&mut buf)?;
        }
        Ok(buf)
    };
    let keep_in = |buf: Vec<u8>, spare: &Spare| {
        if buf.capacity() <= MAX_KEPT_BUFFER && !all_read.load(std::sync::atomic::Ordering::Relaxed)
        {
            spare.keep(buf);
        }
    };
    // While this thread walks the folder (the system lists a century's folder in about 13
    // ms), the notes it has found are read and parsed on a parsing thread, a batch at a time,
    // out of order: the other core stood idle through the walk. Their results wait for
    // their turn in path order (`EARLY_MAX` notes at most). Only for a whole folder, whose
    // notes are read by the parsing threads anyway: those are started now (a scope for the
    // batches would start rayon's pool without their stack), while a command on a day or a
    // note finds its few notes by name and reads them on this thread.
    let early_on = !opts.serial
        && opts.during_walk != Some(false)
        && opts.named_within.is_none()
        && root.is_dir();
    if early_on {
        parsing_pool();
    }
    let parse_bytes = |f: &Found, bytes, spare: &Spare| {
        let (name_date, read) = read_one(root, f, bytes, root_shown, opts, |b| keep_in(b, spare));
        map(name_date, read)
    };
    // The parsing threads' buffers, from the walk on (reader threads take a stack of their
    // own: see `stream_found`).
    let spare = Spare::new(SPARE_STACKS);
    let early_parse = |f: &Found| parse_bytes(f, read_into(f, &spare), &spare);
    // How many batches are queued or being parsed.
    let busy = std::sync::atomic::AtomicUsize::new(0);
    let (busy, early_parse) = (&busy, &early_parse);
    let run = in_scope(|early_scope| {
        let (early_tx, early_rx) = std::sync::mpsc::channel::<Vec<(Found, T)>>();
        let (mut early_from, mut early_count) = (0, 0);
        let mut found = Vec::new();
        // Notes named for days outside `named_within` are passed over during the walk,
        // before anything is allocated for them (sync-conflict copies are reported whatever
        // their date).
        walk_with(root, root_shown, &opts.exclude, &mut problems, |s| {
            let keep = opts.named_within.is_none_or(|(from, to)| {
                parse::date::date_from_path(s.name_for_date(), opts.date_format.as_deref())
                    .is_none_or(|d| from.is_none_or(|x| d >= x) && to.is_none_or(|x| d <= x))
            });
            if !keep {
                return;
            }
            found.push(Found {
                rel: s.rel.to_string(),
            });
            // A batch once the folder shows more than a chunk of notes, while fewer than two
            // are queued.
            if let Some(early_scope) = early_scope
                && early_count < EARLY_MAX
                && found.len() - early_from >= EARLY_BATCH
                && found.len() > CHUNK
                && busy.load(std::sync::atomic::Ordering::Acquire) < 2
            {
                let batch: Vec<Found> = found[found.len() - EARLY_BATCH..]
                    .iter()
                    .map(|f| Found { rel: f.rel.clone() })
                    .collect();
                early_from = found.len();
                early_count += EARLY_BATCH;
                busy.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
                let tx = early_tx.clone();
                early_scope.spawn(move |_| {
                    let parsed = batch
                        .into_iter()
                        .map(|f| {
                            let t = early_parse(&f);
                            (f, t)
                        })
                        .collect();
                    // The receiver lives until the scope ends.
                    let _ = tx.send(parsed);
                    busy.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
                });
            }
        });
        drop(early_tx);
        // Path order, as the user sees paths (the walk goes folder by folder). No two notes
        // share a path, so an unstable sort gives the same order (and needs no buffer: a
        // century's 36,500 paths sorted in 2.5 ms instead of 3.6).
        found.sort_unstable_by(|a, b| a.rel.cmp(&b.rel));
        // The notes parsed during the walk, by their place among the notes (the last batch
        // is waited for: it was nearly done).
        let mut early: Vec<(Found, T)> = early_rx.into_iter().flatten().collect();
        early.sort_unstable_by(|a, b| a.0.rel.cmp(&b.0.rel));
        let mut parsed = Vec::with_capacity(early.len());
        let mut at = 0;
        for (f, t) in early {
            at += found[at..].partition_point(|g| g.rel < f.rel);
            debug_assert_eq!(
                found[at].rel, f.rel,
                "a note parsed early is among the notes"
            );
            parsed.push((at, t));
        }
        stream_found(
            &found,
            opts,
            root,
            parsed,
            &spare,
            read_into,
            parse_bytes,
            &all_read,
            &mut sink,
        );
    });
    if early_on {
        rayon::in_place_scope(|scope| run(Some(scope)));
    } else {
        run(None);
    }
    Ok(problems)
}

/// `f`, as a closure taking a scope of one lifetime (a closure's own parameter would take
/// any, and nothing borrowed could be spawned into it).
fn in_scope<'s, R>(
    f: impl FnOnce(Option<&rayon::Scope<'s>>) -> R,
) -> impl FnOnce(Option<&rayon::Scope<'s>>) -> R {
    f
}

/// How many notes found by the walk are parsed at a time while it goes on.
const EARLY_BATCH: usize = 32;

/// At most how many notes are parsed while the walk goes on (their results wait for their
/// turn): as many as the chunks in flight hold. A century's walk lasts about as long as
/// parsing 600 notes on one thread.
const EARLY_MAX: usize = IN_FLIGHT * CHUNK;

/// The second half of [`stream_files`]: reads and parses the notes `found` (sorted by path)
/// and hands the results to `sink` in path order. `parsed` holds the results of notes
/// parsed already (their places in `found`, in order); `parsers_spare` holds the parsing
/// threads' spare buffers.
#[allow(clippy::too_many_arguments)]
fn stream_found<T: Send>(
    found: &[Found],
    opts: &LoadOptions,
    root: &Path,
    parsed: Vec<(usize, T)>,
    parsers_spare: &Spare,
    read_into: impl Fn(&Found, &Spare) -> std::io::Result<Vec<u8>> + Sync,
    parse_bytes: impl Fn(&Found, std::io::Result<Vec<u8>>, &Spare) -> T + Sync,
    all_read: &std::sync::atomic::AtomicBool,
    sink: &mut impl FnMut(T) -> bool,
) {
    // Only for folders big enough to make someone wait.
    let bar = (opts.progress && found.len() > PROGRESS_FROM).then(|| {
        let bar = indicatif::ProgressBar::new(found.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("reading notes {bar:30} {pos}/{len}")
                .expect("a valid template"),
        );
        bar
    });
    // A few notes (a report on a day or two) are read and parsed on this thread: starting the
    // parsing threads would take longer than reading them.
    let few = opts.serial || found.len() <= FEW;
    if !few {
        parsing_pool();
    }
    // A few chunks are read by the parsing threads: reader threads would overlap at most a
    // chunk with parsing, and starting them (then five threads, each with its allocator's
    // memory) cost more: 30 notes took 5.5 ms of system time with them, 3.7 ms without. More
    // are read by reader threads when the disk must be waited for, or when cores are left
    // over for them (one parsing thread asked for). When the files are in the page cache and
    // every core parses, they would only take turns with the parsing threads (then a rayon
    // pool: `summarize` on 36,500 notes switched threads 22,730 times with them, 903 without;
    // the blocking readers of today switch about 1,800 times, and take about as long).
    let readers = !few
        && opts.reader_threads.unwrap_or_else(|| {
            found.len() > FEW_CHUNKS * CHUNK
                && (std::thread::available_parallelism().map_or(1, |n| n.get())
                    > rayon::current_num_threads()
                    || !in_page_cache(root, found))
        });
    // With reader threads, the buffers are read into on those and given back on the parsing
    // threads: one stack for all, or the readers' stacks would stay empty.
    let shared;
    let spare = if readers {
        shared = Spare::new(1);
        &shared
    } else {
        parsers_spare
    };
    // One more note on the progress bar (parsed now, or while the walk went on).
    let tick = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let parse = |(f, bytes): (&Found, std::io::Result<Vec<u8>>)| {
        let r = parse_bytes(f, bytes, spare);
        tick();
        r
    };
    let read = |f: &Found| read_into(f, spare);
    // What each note of a chunk comes with: parsed already, read, or neither.
    enum Have<T> {
        Parsed(T),
        Read(std::io::Result<Vec<u8>>),
        Unread,
    }
    // Where the notes parsed already are (reader threads do not read them again).
    let early_at: Vec<usize> = if readers {
        parsed.iter().map(|(i, _)| *i).collect()
    } else {
        Vec::new()
    };
    // The results parsed already, a chunk's at a time.
    let mut parsed = parsed.into_iter().peekable();
    let mut done_in = |chunk_at: usize, len: usize| -> Option<Vec<Option<T>>> {
        let mut got: Option<Vec<Option<T>>> = None;
        while let Some((i, t)) = parsed.next_if(|(i, _)| *i < chunk_at + len) {
            got.get_or_insert_with(|| (0..len).map(|_| None).collect())[i - chunk_at] = Some(t);
        }
        got
    };
    if few {
        // Nothing was parsed during the walk: that takes more than a chunk of notes, and
        // parsing threads.
        debug_assert!(parsed.peek().is_none());
        for f in found {
            if !sink(parse((f, read(f)))) {
                break;
            }
        }
    } else {
        // Chunks are parsed on rayon's threads, `in_flight` at a time, each by one thread,
        // while this thread hands the results of the oldest to the sink, in order, and then
        // queues the next chunk. A chunk that comes without its bytes is read by the parsing
        // thread, each note just before it is parsed. Stops when the sink does (a chunk
        // being parsed then is finished, one still queued is not started).
        type Bytes = Vec<std::io::Result<Vec<u8>>>;
        let (chunk_len, in_flight) = chunks(found.len(), rayon::current_num_threads());
        let stopped = std::sync::atomic::AtomicBool::new(false);
        let (parse, read, stopped, tick) = (&parse, &read, &stopped, &tick);
        let mut pipeline = |chunks: &mut dyn Iterator<Item = (usize, &[Found], Option<Bytes>)>| {
            rayon::in_place_scope(|scope| {
                let mut waiting = std::collections::VecDeque::with_capacity(in_flight);
                loop {
                    while waiting.len() < in_flight {
                        let Some((at, chunk, bytes)) = chunks.next() else {
                            break;
                        };
                        let done = done_in(at, chunk.len());
                        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<T>>(1);
                        scope.spawn(move |_| {
                            // A chunk queued before the sink stopped is not parsed.
                            if stopped.load(std::sync::atomic::Ordering::Relaxed) {
                                return;
                            }
                            let results = match (bytes, done) {
                                (Some(bytes), None) => chunk.iter().zip(bytes).map(parse).collect(),
                                (None, None) => chunk.iter().map(|f| parse((f, read(f)))).collect(),
                                (bytes, Some(done)) => {
                                    let have: Vec<Have<T>> = match bytes {
                                        Some(bytes) => done
                                            .into_iter()
                                            .zip(bytes)
                                            .map(|(d, b)| d.map_or(Have::Read(b), Have::Parsed))
                                            .collect(),
                                        None => done
                                            .into_iter()
                                            .map(|d| d.map_or(Have::Unread, Have::Parsed))
                                            .collect(),
                                    };
                                    chunk
                                        .iter()
                                        .zip(have)
                                        .map(|(f, h)| match h {
                                            Have::Parsed(t) => {
                                                tick();
                                                t
                                            }
                                            Have::Read(b) => parse((f, b)),
                                            Have::Unread => parse((f, read(f))),
                                        })
                                        .collect()
                                }
                            };
                            // The receiver is gone only when the sink stopped.
                            let _ = tx.send(results);
                        });
                        waiting.push_back(rx);
                    }
                    let Some(Ok(results)) = waiting.pop_front().map(|rx| rx.recv()) else {
                        break;
                    };
                    if !results.into_iter().all(&mut *sink) {
                        stopped.store(true, std::sync::atomic::Ordering::Relaxed);
                        break;
                    }
                }
            });
        };
        if !readers {
            pipeline(
                &mut found
                    .chunks(chunk_len)
                    .enumerate()
                    .map(|(k, c)| (k * chunk_len, c, None)),
            );
        } else {
            // Reading and parsing overlap: `READERS` reader threads each read every
            // `READERS`th chunk, its files one after another (so a cold disk serves several
            // requests at once), while the parsing threads work on the chunks before. Each
            // hands its chunk over when the pipeline takes it up, and only then reads its next:
            // at most `READERS` chunks of bytes wait. They block while they wait: a rayon pool
            // of readers spun between its chunks, and on two cores that took the parsing
            // threads' time (a century's `summarize`, a few of its files out of the page
            // cache, took 630-726 ms instead of 483-499). Notes parsed already are not read
            // again.
            let chunks: Vec<&[Found]> = found.chunks(chunk_len).collect();
            let read_chunk = |k: usize| -> Bytes {
                chunks[k]
                    .iter()
                    .enumerate()
                    .map(|(i, f)| {
                        if early_at.binary_search(&(k * chunk_len + i)).is_ok() {
                            Ok(Vec::new())
                        } else {
                            read(f)
                        }
                    })
                    .collect()
            };
            // Once every reader is done, the buffers are not read into again.
            let finished = std::sync::atomic::AtomicUsize::new(0);
            let done = || {
                let order = std::sync::atomic::Ordering::AcqRel;
                if finished.fetch_add(1, order) + 1 == READERS {
                    all_read.store(true, std::sync::atomic::Ordering::Relaxed);
                    spare.clear();
                }
            };
            let (chunks, read_chunk, done) = (&chunks, &read_chunk, &done);
            std::thread::scope(|scope| {
                let mut handed: Vec<std::sync::mpsc::Receiver<Bytes>> = Vec::new();
                for r in 0..READERS {
                    let (tx, rx) = std::sync::mpsc::sync_channel::<Bytes>(0);
                    handed.push(rx);
                    let reader = move || {
                        for k in (r..chunks.len()).step_by(READERS) {
                            // The receiver is gone when the caller stopped early.
                            if tx.send(read_chunk(k)).is_err() {
                                break;
                            }
                        }
                        done();
                    };
                    // A reader that cannot be started leaves its chunks to this thread (below).
                    let started = std::thread::Builder::new()
                        .name(format!("mdtasks-read-{r}"))
                        .spawn_scoped(scope, reader);
                    if started.is_err() {
                        done();
                    }
                }
                // Returning drops the receivers, which stops the readers.
                pipeline(&mut chunks.iter().copied().enumerate().map(|(k, c)| {
                    let bytes = handed[k % READERS].recv().unwrap_or_else(|_| read_chunk(k));
                    (k * chunk_len, c, Some(bytes))
                }));
            });
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
}

/// How many files [`in_page_cache`] looks at: one in `CACHE_PROBE_EVERY` notes, at least
/// `CACHE_PROBES_MIN` and at most `CACHE_PROBES_MAX`.
const CACHE_PROBE_EVERY: usize = 256;
const CACHE_PROBES_MIN: usize = 8;
const CACHE_PROBES_MAX: usize = 64;

/// Whether the files of the folder are in the page cache, judged by some of them spread over
/// the folder (every page of each in memory; a file that cannot be looked at counts as
/// out of it). One file out of the page cache does not count, nor two among 64: a system
/// short of memory drops files it has not read for a while, and the reader threads, which
/// wait for the disk for the parsing threads, otherwise only take turns with them. When one
/// note of a century's, among the 8 looked at then, was dropped, `summarize` read the folder
/// with reader threads and took 595-711 ms instead of 453-470 ms (a note not looked at
/// dropped); without them, reading that note waited for the disk once.
fn in_page_cache(root: &Path, found: &[Found]) -> bool {
    let probes = (found.len() / CACHE_PROBE_EVERY).clamp(CACHE_PROBES_MIN, CACHE_PROBES_MAX);
    let out_of_cache = 2 + probes / CACHE_PROBES_MAX;
    let step = found.len().div_ceil(probes).max(1);
    found
        .iter()
        .step_by(step)
        .filter(|f| !file_in_page_cache(&f.abs(root)))
        .take(out_of_cache)
        .count()
        < out_of_cache
}

/// Whether every page of the file is in the page cache (`mincore` on a mapping of it, which
/// reads nothing).
#[cfg(target_os = "linux")]
fn file_in_page_cache(path: &Path) -> bool {
    use std::os::fd::AsRawFd;
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let len = match file.metadata() {
        Ok(m) if m.len() == 0 => return true,
        Ok(m) => match usize::try_from(m.len()) {
            Ok(len) => len,
            Err(_) => return false,
        },
        Err(_) => return false,
    };
    // SAFETY: `sysconf` has no preconditions.
    let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096);
    let mut resident = vec![0u8; len.div_ceil(page.max(1))];
    // SAFETY: a fresh read-only shared mapping of an open file, of its length; `mincore` is
    // given that mapping and a vector of one byte per page of it, and the mapping is
    // removed before returning. Nothing reads the mapped memory.
    unsafe {
        let addr = libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ,
            libc::MAP_SHARED,
            file.as_raw_fd(),
            0,
        );
        if addr == libc::MAP_FAILED {
            return false;
        }
        let ok = libc::mincore(addr, len, resident.as_mut_ptr()) == 0;
        libc::munmap(addr, len);
        ok && resident.iter().all(|&r| r & 1 == 1)
    }
}

#[cfg(not(target_os = "linux"))]
fn file_in_page_cache(_: &Path) -> bool {
    false
}

/// Loads every note under `root` into memory, sorted by path. `root_shown` is how the user
/// wrote the path. Commands that only fold notes into a report use [`stream`].
pub fn load(root: &Path, root_shown: &str, opts: &LoadOptions) -> Result<Loaded, LoadError> {
    let mut notes = Vec::new();
    // Whole notes: those who load them may edit them.
    let opts = LoadOptions {
        pieces: None,
        ..opts.clone()
    };
    let problems = stream(
        root,
        root_shown,
        &opts,
        |n| n,
        |_| {},
        |n, _| {
            notes.push(n);
            true
        },
    )?;
    Ok(Loaded { notes, problems })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files just written are in the page cache (an empty one counts as cached); a file that
    /// cannot be opened counts as out of it, and two such among those looked at make the
    /// folder count as not cached.
    #[cfg(target_os = "linux")]
    #[test]
    fn files_just_written_are_in_the_page_cache() {
        let dir = tempfile::tempdir().unwrap();
        let mut found = Vec::new();
        for i in 0..20 {
            let rel = format!("n{i:02}.md");
            let body = if i == 3 {
                String::new()
            } else {
                "- [ ] task\n".repeat(600)
            };
            std::fs::write(dir.path().join(&rel), body).unwrap();
            found.push(Found { rel });
        }
        assert!(file_in_page_cache(&dir.path().join("n00.md")));
        assert!(file_in_page_cache(&dir.path().join("n03.md")));
        assert!(in_page_cache(dir.path(), &found));
        assert!(!file_in_page_cache(&dir.path().join("gone.md")));
        // One file out of the page cache, among those looked at (the first is), does not
        // count; two do.
        let gone = |rel: &str| Found { rel: rel.into() };
        found.insert(0, gone("gone.md"));
        assert!(in_page_cache(dir.path(), &found));
        // The second, where the next file looked at will be.
        let step = (found.len() + 1).div_ceil(CACHE_PROBES_MIN);
        found.insert(step, gone("gone-too.md"));
        assert!(!in_page_cache(dir.path(), &found));
    }

    /// The ways of reading a folder: on this thread, by the parsing threads, by reader
    /// threads while the parsing threads work (`serial`, `reader_threads`).
    const WAYS: [(bool, Option<bool>); 3] =
        [(true, None), (false, Some(false)), (false, Some(true))];

    /// Options that read in one of the [`WAYS`].
    fn reading(serial: bool, readers: Option<bool>) -> LoadOptions {
        LoadOptions {
            parse: ParseOptions::with_defaults(),
            serial,
            reader_threads: readers,
            ..Default::default()
        }
    }

    /// A note that is gone by the time it is read (removed after the walk found it) is a
    /// problem with its path and the system's reason, whichever way the folder is read; the
    /// other notes come as they are.
    #[test]
    fn a_note_gone_before_it_is_read_is_a_problem() {
        // Enough notes that the last chunk is not read before the first note is handed over:
        // until then at most `in_flight` chunks are queued, and each of the `READERS` reader
        // threads holds one more.
        parsing_pool();
        let (len, in_flight) = chunks(usize::MAX, rayon::current_num_threads());
        let n = (in_flight + READERS + 1) * len;
        for (serial, readers) in WAYS {
            let dir = tempfile::tempdir().unwrap();
            for i in 0..n {
                std::fs::write(dir.path().join(format!("n{i:04}.md")), "- [ ] x\n").unwrap();
            }
            let gone = format!("n{:04}.md", n - 1);
            let mut seen = 0;
            // Not parsed while the walk goes on: a note parsed then was read before it was
            // removed.
            let opts = LoadOptions {
                during_walk: Some(false),
                ..reading(serial, readers)
            };
            let problems = stream(
                dir.path(),
                "notes",
                &opts,
                |_| (),
                |_| {},
                |_, _| {
                    if seen == 0 {
                        std::fs::remove_file(dir.path().join(&gone)).unwrap();
                    }
                    seen += 1;
                    true
                },
            )
            .unwrap();
            let problems: Vec<(String, String)> = problems
                .iter()
                .map(|p| (p.path.clone(), p.diagnostic.message.clone()))
                .collect();
            assert_eq!(seen, n - 1, "serial {serial}, reader threads {readers:?}");
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert_eq!(problems[0].0, format!("notes/{gone}"));
            // The system's own words, as opening the note by its whole path gives them.
            let whole = std::fs::File::open(dir.path().join(&gone)).unwrap_err();
            assert_eq!(whole.kind(), std::io::ErrorKind::NotFound);
            assert_eq!(problems[0].1, format!("cannot read this note: {whole}"));
        }
    }

    /// Notes just under, at and over the room a first read has (and much longer, and
    /// empty), read after one another so that spare buffers of every size are taken, come
    /// whole, whichever way they are read.
    #[test]
    fn notes_of_every_size_around_the_first_read_come_whole() {
        let sizes = [
            3 * FIRST_READ + 5,
            10,
            FIRST_READ,
            FIRST_READ - 1,
            FIRST_READ + 1,
            0,
            2 * FIRST_READ,
            1,
            FIRST_READ + 100,
            FIRST_READ - 100,
        ];
        let dir = tempfile::tempdir().unwrap();
        let mut want = Vec::new();
        for round in 0..3 {
            for (i, &size) in sizes.iter().enumerate() {
                // Lines of tasks, the last one cut to the size (a size under one line: a
                // note of letters).
                let mut text = String::new();
                let mut k = 0;
                while text.len() < size {
                    text.push_str(&format!("- [ ] task {round} {i} {k}\n"));
                    k += 1;
                }
                text.truncate(size);
                let name = format!("n{round}-{i:02}.md");
                std::fs::write(dir.path().join(&name), &text).unwrap();
                let tasks = parse::parse_note(&text, &ParseOptions::with_defaults()).tasks;
                let last = tasks.last().map(|t| t.text.clone());
                want.push((name, size, last));
            }
        }
        for (serial, readers) in WAYS {
            let opts = reading(serial, readers);
            let mut seen = Vec::new();
            let problems = stream(
                dir.path(),
                "notes",
                &opts,
                |ln| {
                    let last = ln.note.tasks.last().map(|t| t.text.clone());
                    (ln.rel.clone(), ln.note.len, last)
                },
                |_| {},
                |x, _| {
                    seen.push(x);
                    true
                },
            )
            .unwrap();
            assert!(problems.is_empty());
            assert_eq!(seen, want, "serial {serial}, reader threads {readers:?}");
        }
    }

    /// Every way of reading (on this thread; by the parsing threads; by reader threads while
    /// the parsing threads work) hands the same notes, in path order, and the same problems,
    /// and stops when the sink says so.
    #[test]
    fn every_way_of_reading_gives_the_same_notes_in_order() {
        for n in [
            3,
            FEW + 1,
            CHUNK,
            FEW_CHUNKS * CHUNK,
            FEW_CHUNKS * CHUNK + 1,
            3 * CHUNK + 7,
            6 * CHUNK + 7,
        ] {
            let dir = tempfile::tempdir().unwrap();
            for i in 0..n {
                // Folders and names whose walk order is not path order.
                let sub = dir.path().join(format!("f{}", (i * 7) % 5));
                std::fs::create_dir_all(&sub).unwrap();
                std::fs::write(sub.join(format!("n{i:04}.md")), format!("- [ ] task {i}\n"))
                    .unwrap();
            }
            // A note that is not UTF-8: a problem, not a note.
            std::fs::write(dir.path().join("f0/bad.md"), b"- [ ] \xff\n").unwrap();
            let run = |serial: bool, readers: Option<bool>, walk: Option<bool>, stop_after| {
                let opts = LoadOptions {
                    during_walk: walk,
                    ..reading(serial, readers)
                };
                let mut seen = Vec::new();
                let parsed = std::sync::atomic::AtomicUsize::new(0);
                let problems = stream(
                    dir.path(),
                    "notes",
                    &opts,
                    |ln| {
                        parsed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        (ln.rel.clone(), ln.note.tasks[0].text.clone())
                    },
                    |_| {},
                    |x, _| {
                        seen.push(x);
                        seen.len() < stop_after
                    },
                )
                .unwrap();
                let problems: Vec<String> = problems.iter().map(|p| p.path.clone()).collect();
                (seen, problems, parsed.into_inner())
            };
            let (want, problems, _) = run(true, None, None, usize::MAX);
            assert_eq!(want.len(), n);
            assert!(want.windows(2).all(|w| w[0].0 < w[1].0), "path order");
            assert!(want.iter().all(|(rel, text)| rel.contains(&text[5..])));
            assert_eq!(problems, ["notes/f0/bad.md"]);
            // Each note parsed once: those parsed while the walk went on (in a folder of more
            // than a chunk of notes) are neither parsed nor read again.
            for (readers, walk) in [None, Some(false), Some(true)]
                .into_iter()
                .flat_map(|r| [(r, None), (r, Some(false))])
            {
                assert_eq!(
                    run(false, readers, walk, usize::MAX),
                    (want.clone(), problems.clone(), n),
                    "{n} notes, reader threads {readers:?}, during the walk {walk:?}"
                );
                // Early, and in the second chunk (while the third is queued). No chunk is
                // queued after the one the sink stopped in and the `in_flight - 1` after it
                // (notes parsed while the walk went on aside).
                parsing_pool();
                let (len, in_flight) = chunks(n, rayon::current_num_threads());
                for stop_after in [2, len + 1] {
                    let (stopped, _, parsed) = run(false, readers, walk, stop_after);
                    assert_eq!(
                        stopped,
                        want[..stop_after.min(n)],
                        "{n} notes, reader threads {readers:?}, stopped after {stop_after}"
                    );
                    let queued = (stop_after - 1) / len + in_flight;
                    assert!(
                        walk.is_none() || parsed <= n.min(queued * len),
                        "{n} notes, reader threads {readers:?}: {parsed} parsed, stopped after \
                         {stop_after}"
                    );
                }
            }
        }
    }

    /// Chunks: every parsing thread has some in flight, however few the notes; no more
    /// notes are in flight than `IN_FLIGHT` chunks of `CHUNK`, whatever the threads; and a
    /// large folder on two threads gets chunks of `CHUNK`.
    #[test]
    fn chunks_share_the_notes_among_the_threads() {
        assert_eq!(chunks(36_500, 2), (CHUNK, IN_FLIGHT));
        for threads in [1, 2, 3, 4, 8, 16, 64, 256] {
            for notes in [5, 7, 30, 64, 100, 365, 512, 1000, 3650, 36_500] {
                let (len, in_flight) = chunks(notes, threads);
                assert!(
                    (1..=CHUNK).contains(&len),
                    "{notes} notes, {threads} threads"
                );
                assert!(
                    in_flight >= threads * CHUNKS_PER_THREAD,
                    "{notes} notes, {threads} threads: {in_flight} in flight"
                );
                let jobs = notes.div_ceil(len);
                assert!(
                    jobs >= (threads * CHUNKS_PER_THREAD).min(notes),
                    "{notes} notes, {threads} threads: {jobs} chunks of {len}"
                );
                assert!(
                    len == 1 || len * in_flight <= IN_FLIGHT * CHUNK,
                    "{notes} notes, {threads} threads: {in_flight} chunks of {len} in flight"
                );
            }
        }
    }

    #[test]
    fn conflict_names() {
        let sib = |n: &str| n == "note.md";
        let none = |_: &str| false;
        assert_eq!(
            conflict_original("note.sync-conflict-20261124-101010-ABCDEFG.md", none),
            Some("note.md".into())
        );
        assert_eq!(
            conflict_original("note (conflicted copy 2026-11-24).md", none),
            Some("note.md".into())
        );
        assert_eq!(
            conflict_original("note (Anna's conflicted copy 2026-11-24).md", none),
            Some("note.md".into())
        );
        assert_eq!(conflict_original("note 2.md", sib), Some("note.md".into()));
        assert_eq!(conflict_original("note 2.md", none), None);
        assert_eq!(conflict_original("Week 2.md", none), None);
        assert_eq!(conflict_original("2026-11-24.md", none), None);
    }

    /// What `change::has_conflict_copy` asks of each name beside a note.
    #[test]
    fn copies_of_a_note() {
        let note = "2026-11-24.md";
        for copy in [
            "2026-11-24.sync-conflict-20261124-101010-ABCDEFG.md",
            "2026-11-24 (conflicted copy 2026-11-24).md",
            "2026-11-24 2.md",
        ] {
            assert!(is_conflict_copy_of(copy, note), "{copy}");
        }
        for other in [
            note,
            "2026-11-25 2.md",
            "2026-11-24 2.txt",
            "2026-11-24 0.md",
            "2026-11-24 Tuesday.md",
        ] {
            assert!(!is_conflict_copy_of(other, note), "{other}");
        }
    }

    /// Creates each of `names` (with its folders) under `root`.
    fn touch_all(root: &Path, names: &[&str]) {
        for n in names {
            let p = root.join(n);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
    }

    fn d(s: &str) -> chrono::NaiveDate {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// A walk keeps the notes of the wanted days and every note of the latest day before
    /// `latest_before`, whatever order the folder lists them in.
    #[test]
    fn dated_paths_keeps_what_is_wanted() {
        let t = tempfile::tempdir().unwrap();
        touch_all(
            t.path(),
            &[
                "2026-11-20.md",
                "2026-11-22.md",
                "a/2026-11-22.md",
                "2026_11_22 b.md",
                "2026-11-24.md",
                "2026-11-25.md",
                "Projects.md",
                "2026-11-22 (conflicted copy 2026-11-23).md",
            ],
        );
        let shown = |dated: &Dated| -> Vec<String> {
            dated.notes.iter().map(|n| n.shown.clone()).collect()
        };
        let wanted = Wanted {
            days: vec![d("2026-11-24")],
            latest_before: Some(d("2026-11-24")),
        };
        let dated = dated_paths(t.path(), "n", None, &[], &wanted);
        assert_eq!(
            shown(&dated),
            [
                "n/2026-11-22.md",
                "n/2026_11_22 b.md",
                "n/a/2026-11-22.md",
                "n/2026-11-24.md"
            ]
        );
        // A wanted day that is also the latest before: once, with its day's other notes.
        let wanted = Wanted {
            days: vec![d("2026-11-20"), d("2026-11-22")],
            latest_before: Some(d("2026-11-24")),
        };
        let dated = dated_paths(t.path(), "n", None, &["a".into()], &wanted);
        assert_eq!(
            shown(&dated),
            ["n/2026-11-20.md", "n/2026-11-22.md", "n/2026_11_22 b.md"]
        );
        let dated = dated_paths(t.path(), "n", None, &[], &Wanted::days(&[d("2026-11-23")]));
        assert!(dated.notes.is_empty());
    }

    /// The walk tells whether a copy lies beside a note it kept, and knows nothing of a
    /// note it did not keep; a note created afterwards joins its folder's listing.
    #[test]
    fn listed_knows_the_copies_beside_kept_notes() {
        let t = tempfile::tempdir().unwrap();
        touch_all(
            t.path(),
            &[
                "2026-11-23.md",
                "2026-11-24.md",
                "2026-11-24.sync-conflict-20261124-101010-ABCDEFG.md",
                "sub/2026-11-23.md",
            ],
        );
        let wanted = Wanted::days(&[d("2026-11-23"), d("2026-11-24")]);
        let mut dated = dated_paths(t.path(), "n", None, &[], &wanted);
        let listed = &mut dated.listed;
        let at = |n: &str| t.path().join(n);
        assert_eq!(listed.conflict_copy(&at("2026-11-24.md")), Some(true));
        assert_eq!(listed.conflict_copy(&at("2026-11-23.md")), Some(false));
        assert_eq!(listed.conflict_copy(&at("sub/2026-11-23.md")), Some(false));
        // Not kept by the walk (not a wanted day): look.
        assert_eq!(listed.conflict_copy(&at("2026-11-25.md")), None);
        listed.created(&at("2026-11-23 2.md"));
        assert_eq!(listed.conflict_copy(&at("2026-11-23.md")), Some(true));
        assert_eq!(listed.conflict_copy(&at("2026-11-23 2.md")), Some(false));
        // Created in a folder the walk did not list: look.
        listed.created(&at("new/2026-11-26.md"));
        assert_eq!(listed.conflict_copy(&at("new/2026-11-26.md")), None);
    }

    /// The probe finds a day's note by its path only where a walk would find it there, with
    /// that date; every rule it cannot prove sends the caller to the walk.
    #[cfg(target_os = "linux")]
    #[test]
    fn probe_named_only_where_a_walk_agrees() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        touch_all(
            root,
            &[
                "2026-11-24.md",
                "Daily/2026/11/24-11-2026 Tuesday.md",
                "skip/2026-11-24.md",
                ".hidden/2026-11-24.md",
                "real/2026-11-24.md",
                "copied/2026-11-24.md",
                "copied/2026-11-24 (conflicted copy 2026-11-24).md",
                "Tagebücher/2026-11-24.md",
                "semi/2026-11-24;x.md",
                "nodate/today.md",
            ],
        );
        std::os::unix::fs::symlink("real", root.join("linked")).unwrap();
        std::os::unix::fs::symlink("../2026-11-24.md", root.join("real/2026-11-23.md")).unwrap();
        std::fs::create_dir_all(root.join("dir/2026-11-24.md")).unwrap();
        // Two names for one file in one folder: what a case-insensitive folder looks like.
        touch_all(root, &["folded/2026-11-24.md"]);
        std::fs::hard_link(
            root.join("folded/2026-11-24.md"),
            root.join("folded/2026-11-24.MD"),
        )
        .unwrap();
        let day = d("2026-11-24");
        let exclude = ["skip".to_string()];
        let probe =
            |rel: &str, date| probe_named(root, "n", rel, date, None, &exclude).map(|d| d.shown);
        // Found: the very path and name a walk gives.
        let agrees = |rel: &str, format: Option<&str>| {
            let found = probe_named(root, "n", rel, day, format, &exclude).expect(rel);
            let walked = dated_paths(root, "n", format, &exclude, &Wanted::days(&[day]));
            assert!(
                walked
                    .notes
                    .iter()
                    .any(|w| w.path.as_os_str() == found.path.as_os_str() && w.shown == found.shown),
                "{rel}: {found:?} not in {:?}",
                walked.notes
            );
        };
        agrees("2026-11-24.md", None);
        // A copy beside the note does not hide it from a walk (`change` refuses to edit it).
        agrees("copied/2026-11-24.md", None);
        // Obsidian's nested daily notes, dated by the file-name part of their format.
        let nested = "Daily/2026/11/24-11-2026 Tuesday.md";
        agrees(nested, Some("%d-%m-%Y %A"));
        for (rel, date) in [
            ("2026-11-24.md", d("2026-11-25")),      // another day's name
            ("2026-11-25.md", d("2026-11-25")),      // missing
            ("skip/2026-11-24.md", day),             // excluded
            (".hidden/2026-11-24.md", day),          // hidden
            ("linked/2026-11-24.md", day),           // through a symlinked folder
            ("real/2026-11-23.md", d("2026-11-23")), // a symlink
            ("copied/2026-11-24 (conflicted copy 2026-11-24).md", day), // a copy
            ("Tagebücher/2026-11-24.md", day),       // not ASCII
            ("semi/2026-11-24;x.md", day),           // `;`
            ("nodate/today.md", day),                // no date in its name
            ("dir/2026-11-24.md", day),              // a folder
            ("folded/2026-11-24.md", day),           // the folder ignores case
            ("./2026-11-24.md", day),
            ("Daily//2026/11/24-11-2026 Tuesday.md", day),
            (nested, day), // no date in its name without the format
        ] {
            assert_eq!(probe(rel, date), None, "{rel}");
        }
        // A date format the name is read with.
        touch_all(root, &["24.11.2026.md"]);
        agrees("24.11.2026.md", Some("%d.%m.%Y"));
    }
}

/// A note found by its name alone.
#[derive(Debug, Clone)]
pub struct DatedPath {
    pub date: chrono::NaiveDate,
    pub path: PathBuf,
    /// As shown to the user.
    pub shown: String,
}

/// Which dated notes a command about one day needs. Keeping only those, a walk over years
/// of daily notes allocates for a handful of them.
#[derive(Debug, Clone, Default)]
pub struct Wanted {
    /// The notes named for these days.
    pub days: Vec<chrono::NaiveDate>,
    /// Every note named for the latest day before this one that has a note (`rollover`'s
    /// source; which of them wins is the caller's choice).
    pub latest_before: Option<chrono::NaiveDate>,
}

impl Wanted {
    /// The notes named for these days.
    pub fn days(days: &[chrono::NaiveDate]) -> Wanted {
        Wanted {
            days: days.to_vec(),
            latest_before: None,
        }
    }
}

/// The dated notes a walk kept, and what it listed on the way.
#[derive(Debug, Default)]
pub struct Dated {
    /// Sorted by date, then by path as shown.
    pub notes: Vec<DatedPath>,
    pub listed: Listed,
}

/// The notes under `root` whose names carry a date `wanted` asks for, sorted by date then
/// path, found by walking names only: commands that touch one day never read the other
/// notes. Sync-conflict copies, hidden and excluded folders are left out, as in `load`.
pub fn dated_paths(
    root: &Path,
    root_shown: &str,
    date_format: Option<&str>,
    exclude: &[String],
    wanted: &Wanted,
) -> Dated {
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    // The latest day before `wanted.latest_before` met so far, and its notes (those not on
    // a wanted day, which are in `notes` already).
    let mut latest: Option<chrono::NaiveDate> = None;
    let mut on_latest: Vec<DatedPath> = Vec::new();
    let mut listed = walk_with(root, root_shown, exclude, &mut problems, |s| {
        let Some(date) = parse::date::date_from_path(s.name_for_date(), date_format) else {
            return;
        };
        let on_day = wanted.days.contains(&date);
        let before =
            wanted.latest_before.is_some_and(|b| date < b) && latest.is_none_or(|l| date >= l);
        if !on_day && !before {
            return;
        }
        if before && latest != Some(date) {
            latest = Some(date);
            on_latest.clear();
        }
        let d = DatedPath {
            date,
            path: s.abs(),
            shown: display_join(root_shown, s.rel),
        };
        if on_day {
            notes.push(d);
        } else {
            on_latest.push(d);
        }
    });
    notes.append(&mut on_latest);
    // Paths are unique, so an unstable sort gives one order.
    notes.sort_unstable_by(|a, b| (a.date, &a.shown).cmp(&(b.date, &b.shown)));
    listed.notes = notes.iter().map(|d| d.path.clone()).collect();
    Dated { notes, listed }
}

/// The note at `rel` below `root` (as `daily::new_note_rel` names a day's note) when a walk
/// is certain to find it there, named for `date`: a command about one day then need not
/// list a folder of thousands of notes. None when that is not certain: the caller walks.
///
/// A walk finds the file at `rel`, by this path, when (each rule is checked here):
/// - every step of `rel` is a plain name: not empty, `.` or `..`, and not hidden (`.name`);
/// - each folder on the way, and the root, can be opened (the walk cannot see into a
///   folder it cannot list); each folder below the root is a real folder, not a symlink (a
///   symlink may leave the root or make a loop: the walk decides those) and not excluded
///   (`notes.exclude`);
/// - the file is a regular file (not a symlink) with a note's name, and not a sync-conflict
///   copy (told as the walk tells it);
/// - its path carries `date` as the walk reads it (`date_from_path`, `notes.date_format`);
/// - the names on disk are the bytes of `rel`: the walk shows the names it lists, while a
///   lookup may match another spelling where names ignore case or normalise Unicode. Linux
///   compares names as bytes except in case-insensitive (casefold) folders, which ignore the
///   case of ASCII letters and also match a few other characters to ASCII ones (the Kelvin
///   sign to `k`, `ſ` to `s`, U+037E to `;`, U+1FEF to `` ` ``). So: Linux only, `rel` in
///   ASCII without `;`, `` ` `` or `\`, and each step with a letter is looked up again with
///   its letters' case swapped: meeting the same file there means the folder ignores case,
///   and the probe gives up.
///
/// Assumed: a folder that can be opened is listed whole (a read error in the middle of a
/// listing hides the notes after it from the walk, not from this probe). A sync-conflict copy
/// beside the note cannot be seen without a listing: `change` lists the note's folder before
/// editing it. Other notes named for the same day do not matter: the note at the configured
/// path wins over them (`commands::find_day`).
pub fn probe_named(
    root: &Path,
    root_shown: &str,
    rel: &str,
    date: chrono::NaiveDate,
    date_format: Option<&str>,
    exclude: &[String],
) -> Option<DatedPath> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    let plain = |c: char| c.is_ascii() && !c.is_ascii_control() && !matches!(c, ';' | '`' | '\\');
    if !rel.chars().all(plain) || parse::date::date_from_path(rel, date_format) != Some(date) {
        return None;
    }
    let steps: Vec<&str> = rel.split('/').collect();
    let (file, folders) = steps.split_last()?;
    if steps
        .iter()
        .any(|s| s.is_empty() || *s == "." || *s == ".." || s.starts_with('.'))
        || !is_note_name(file)
    {
        return None;
    }
    let exclude: Vec<&str> = exclude
        .iter()
        .map(|x| x.trim_matches('/'))
        .filter(|x| !x.is_empty())
        .collect();
    std::fs::read_dir(root).ok()?;
    // Joined step by step, as the walk joins them: the same path, byte for byte.
    let mut dir = root.to_path_buf();
    for (i, step) in folders.iter().enumerate() {
        if exclude.contains(&steps[..=i].join("/").as_str()) {
            return None;
        }
        let next = dir.join(step);
        let meta = std::fs::symlink_metadata(&next).ok()?;
        if !meta.file_type().is_dir() || ignores_case(&dir, step, &meta) != Some(false) {
            return None;
        }
        std::fs::read_dir(&next).ok()?;
        dir = next;
    }
    let path = dir.join(file);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if !meta.file_type().is_file()
        || ignores_case(&dir, file, &meta) != Some(false)
        || conflict_original(file, |sib| dir.join(sib).is_file()).is_some()
    {
        return None;
    }
    Some(DatedPath {
        date,
        path,
        shown: display_join(root_shown, rel),
    })
}

/// Whether the folder `dir` ignores case when it looks up `name` (found there as `meta`):
/// the name with its ASCII letters' case swapped leads to the same file. A name without
/// letters cannot tell, and needs not. None when the lookup fails for another reason.
#[cfg(unix)]
fn ignores_case(dir: &Path, name: &str, meta: &std::fs::Metadata) -> Option<bool> {
    use std::os::unix::fs::MetadataExt;
    if !name.bytes().any(|b| b.is_ascii_alphabetic()) {
        return Some(false);
    }
    let swapped: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_uppercase() {
                c.to_ascii_lowercase()
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect();
    match std::fs::symlink_metadata(dir.join(swapped)) {
        Ok(m) => Some(m.dev() == meta.dev() && m.ino() == meta.ino()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(false),
        Err(_) => None,
    }
}

#[cfg(not(unix))]
fn ignores_case(_: &Path, _: &str, _: &std::fs::Metadata) -> Option<bool> {
    None
}
