//! Writing notes: atomic replace (temp file beside the note, fsync, rename, fsync the folder) with a changed-since-read check.
//!
//! This is the only module that writes files. The guarantees, in the order they are kept:
//!
//! - Only inside the notes root: the path and the root are canonicalised (so a symlink is
//!   followed to its target, which must also be inside the root) before anything is written.
//! - Atomic: the new bytes go to `.NAME.mdtasks-tmp-XXXXXX` in the note's own folder (a dot
//!   file, which the loader and sync tools skip, on the same file system so the rename is
//!   atomic), with the note's permissions, fsynced, then renamed over the note, then the
//!   folder is fsynced so the rename itself survives a crash. A reader sees the old note or
//!   the new one, never a torn one. Writing through a symlink replaces its target and keeps
//!   the link.
//! - Nothing another program wrote is lost: right before the rename the note is read again and
//!   compared with the bytes the plan was made from. If they differ, the plan is made again
//!   from the new bytes (at most `max_replans` times), else the write stops with an error.
//!   A window remains between that last read and the rename (no portable file lock spans it);
//!   it is kept to one read and one rename.
//! - The temp file is removed on every failure path (tempfile's `NamedTempFile` deletes it on
//!   drop, and it is only ever dropped or persisted).
//! - A new note is never written over one that appeared meanwhile: creation renames with
//!   no-clobber semantics (`renameat2(RENAME_NOREPLACE)`, else link-then-unlink).
//!
//! Not kept: the owner and extended attributes of the note (a rename makes a new inode), and
//! hard links to the note (the other names keep the old bytes).

use std::error::Error as StdError;
use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    /// The plan changed nothing; the file was not touched.
    Unchanged,
    /// The note was replaced; `replans` counts the times it changed on disk meanwhile and the
    /// plan was made again from its new bytes.
    Written { replans: usize },
    /// A new note was created.
    Created,
}

/// Why a write did not happen. Every variant means the note on disk was left as it was
/// (except `SyncFolder`, which says so).
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(
        "{path}: it is outside the notes folder `{root}`; mdtasks writes only inside the folder \
         it was given"
    )]
    OutsideRoot { path: String, root: String },
    #[error("{path}: {action}: {source}")]
    Io {
        path: String,
        action: &'static str,
        #[source]
        source: io::Error,
    },
    #[error(
        "{path}: the folder could not be synced after the note was replaced ({source}); the \
         new note is in place but may not survive a power cut"
    )]
    SyncFolder {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error(
        "{path}: it changed on disk {times} times while mdtasks was editing it (another program \
         or a sync tool is writing it); nothing was written, run again when it is quiet"
    )]
    KeptChanging { path: String, times: usize },
    #[error("{path}: it was deleted or moved while mdtasks was editing it; nothing was written")]
    Vanished { path: String },
    #[error(
        "{path}: it already exists; mdtasks never overwrites a note it did not read, so nothing \
         was written"
    )]
    Exists { path: String },
    #[error(
        "{path}: another program changed it into something that is not UTF-8 text; nothing \
         was written"
    )]
    NotUtf8 { path: String },
    /// The plan refused the (new) text: a refusal or a rejected edit set.
    #[error("{path}: {source}")]
    Plan {
        path: String,
        #[source]
        source: Box<dyn StdError + Send + Sync>,
    },
}

/// The steps a test needs to interfere with: the temp file's write (a full disk) and the
/// moment between finishing the temp file and re-reading the note (another writer).
pub(crate) trait Hooks {
    fn write_temp(&self, file: &mut File, bytes: &[u8]) -> io::Result<()> {
        file.write_all(bytes)
    }

    fn before_compare(&self, _target: &Path) {}

    /// Between the last re-read and the rename: where another program's append is hardest.
    fn before_rename(&self, _target: &Path) {}
}

struct RealHooks;

impl Hooks for RealHooks {}

fn shown(p: &Path) -> String {
    p.display().to_string()
}

fn io_err(path: &Path, action: &'static str) -> impl FnOnce(io::Error) -> WriteError + use<> {
    let path = shown(path);
    move |source| WriteError::Io {
        path,
        action,
        source,
    }
}

fn canonical_root(root: &Path) -> Result<PathBuf, WriteError> {
    root.canonicalize()
        .map_err(io_err(root, "cannot open the notes folder"))
}

/// The note's real location (symlinks followed), refused unless inside `root`.
fn resolve_inside(root: &Path, path: &Path) -> Result<PathBuf, WriteError> {
    let canon_root = canonical_root(root)?;
    let target = match path.canonicalize() {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(WriteError::Vanished { path: shown(path) });
        }
        Err(e) => return Err(io_err(path, "cannot resolve the path")(e)),
    };
    if !target.starts_with(&canon_root) {
        return Err(WriteError::OutsideRoot {
            path: shown(path),
            root: shown(root),
        });
    }
    Ok(target)
}

/// A new temp file beside `target`, named `.NAME.mdtasks-tmp-XXXXXX`.
/// How old a temp file must be before it counts as left behind: a write takes
/// milliseconds, so a minute-old one belongs to a process that was killed.
const ORPHAN_AGE: std::time::Duration = std::time::Duration::from_secs(60);

/// Removes the temp files a killed mdtasks left in `dir` (`.NAME.mdtasks-tmp-XXXXXX`): they
/// are hidden, but some sync tools copy hidden files too. Best effort: a file that cannot be
/// removed stays. A folder is looked through at most once every [`ORPHAN_AGE`] by a process:
/// writing progress into 36,500 daily notes of one folder listed its 36,500 names again for
/// each note.
fn remove_orphaned_temps(dir: &Path) {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};
    use std::time::Instant;
    static SWEPT: LazyLock<Mutex<HashMap<PathBuf, Instant>>> = LazyLock::new(Default::default);
    if let Ok(mut swept) = SWEPT.lock() {
        let now = Instant::now();
        match swept.get(dir) {
            Some(at) if now.duration_since(*at) < ORPHAN_AGE => return,
            _ => swept.insert(dir.to_path_buf(), now),
        };
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let now = std::time::SystemTime::now();
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        if !(name.starts_with('.') && name.contains(".mdtasks-tmp-")) {
            continue;
        }
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age >= ORPHAN_AGE);
        if old {
            let _ = fs::remove_file(e.path());
        }
    }
}

fn temp_beside(
    target: &Path,
    shown_path: &Path,
    perms: Option<fs::Permissions>,
) -> Result<tempfile::NamedTempFile, WriteError> {
    let dir = target.parent().unwrap_or(Path::new("."));
    remove_orphaned_temps(dir);
    let mut prefix = OsString::from(".");
    prefix.push(target.file_name().unwrap_or_default());
    prefix.push(".mdtasks-tmp-");
    let mut b = tempfile::Builder::new();
    b.prefix(&prefix).rand_bytes(6);
    if let Some(p) = perms {
        b.permissions(p);
    }
    b.tempfile_in(dir).map_err(io_err(
        shown_path,
        "cannot create a temporary file beside it",
    ))
}

/// Makes a rename in `dir` durable. Some file systems cannot sync a folder; that is not an
/// error there.
fn sync_dir(dir: &Path, shown_path: &Path) -> Result<(), WriteError> {
    #[cfg(unix)]
    {
        let r = File::open(dir).and_then(|d| d.sync_all());
        if let Err(e) = r
            && !matches!(
                e.kind(),
                io::ErrorKind::InvalidInput | io::ErrorKind::Unsupported
            )
        {
            return Err(WriteError::SyncFolder {
                path: shown(shown_path),
                source: e,
            });
        }
    }
    #[cfg(not(unix))]
    let _ = (dir, shown_path);
    Ok(())
}

/// Fills the temp file and makes its bytes durable. On error the caller drops the file,
/// which removes it.
fn fill(
    hooks: &dyn Hooks,
    tmp: &mut tempfile::NamedTempFile,
    bytes: &[u8],
    shown_path: &Path,
) -> Result<(), WriteError> {
    hooks
        .write_temp(tmp.as_file_mut(), bytes)
        .map_err(io_err(shown_path, "cannot write the new note"))?;
    tmp.as_file()
        .sync_all()
        .map_err(io_err(shown_path, "cannot flush the new note to disk"))
}

/// Replaces the note at `path` (inside `root`) with what `plan` makes of its text.
///
/// `expected_old` is the bytes the caller read (and may already have shown or planned from).
/// `plan` gets the note's text and returns the new text; it runs again on the note's new
/// bytes when the note changed on disk before the rename, at most `max_replans` more times.
/// It should refuse (return an error) rather than produce a text it has not checked.
pub fn write_atomic<F, E>(
    root: &Path,
    path: &Path,
    expected_old: &[u8],
    plan: F,
    max_replans: usize,
) -> Result<WriteOutcome, WriteError>
where
    F: FnMut(&str) -> Result<String, E>,
    E: Into<Box<dyn StdError + Send + Sync>>,
{
    write_atomic_with(&RealHooks, root, path, expected_old, plan, max_replans)
}

pub(crate) fn write_atomic_with<F, E>(
    hooks: &dyn Hooks,
    root: &Path,
    path: &Path,
    expected_old: &[u8],
    mut plan: F,
    max_replans: usize,
) -> Result<WriteOutcome, WriteError>
where
    F: FnMut(&str) -> Result<String, E>,
    E: Into<Box<dyn StdError + Send + Sync>>,
{
    let target = resolve_inside(root, path)?;
    let dir = target.parent().unwrap_or(Path::new(".")).to_path_buf();
    // The bytes the plan is made on: the caller's until another program changes the note.
    let mut base = std::borrow::Cow::Borrowed(expected_old);
    let mut replans = 0;
    loop {
        let text =
            std::str::from_utf8(&base).map_err(|_| WriteError::NotUtf8 { path: shown(path) })?;
        let new = plan(text).map_err(|e| WriteError::Plan {
            path: shown(path),
            source: e.into(),
        })?;
        if new.as_bytes() == &*base {
            return Ok(WriteOutcome::Unchanged);
        }
        let perms = match fs::metadata(&target) {
            Ok(m) => m.permissions(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(WriteError::Vanished { path: shown(path) });
            }
            Err(e) => return Err(io_err(path, "cannot read the note's permissions")(e)),
        };
        let mut tmp = temp_beside(&target, path, Some(perms.clone()))?;
        // The mode given at creation is filtered by the umask; set it exactly.
        tmp.as_file()
            .set_permissions(perms)
            .map_err(io_err(path, "cannot copy the note's permissions"))?;
        fill(hooks, &mut tmp, new.as_bytes(), path)?;
        // From the last re-read to the rename, mdtasks processes writing this note take turns;
        // without this, two `log`s at the same moment could both pass the re-read and the
        // second rename would drop the first one's entry.
        let _turn = lock_note(&target);
        hooks.before_compare(&target);
        // Read through a handle that is kept: after the rename it still reaches the old note,
        // which is how an append that lands in between is found (below).
        let (mut old_note, changed) = match read_keeping_handle(&target, &base) {
            Ok(r) => r,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(WriteError::Vanished { path: shown(path) });
            }
            Err(e) => return Err(io_err(path, "cannot read the note again")(e)),
        };
        if let Some(current) = changed {
            // Someone else wrote the note since `base` was read: their bytes win, our plan is
            // made again on top of them.
            drop(tmp);
            if replans >= max_replans {
                return Err(WriteError::KeptChanging {
                    path: shown(path),
                    times: replans + 1,
                });
            }
            replans += 1;
            base = std::borrow::Cow::Owned(current);
            continue;
        }
        hooks.before_rename(&target);
        tmp.persist(&target)
            .map_err(|e| io_err(path, "cannot replace the note")(e.error))?;
        // Right after the rename, and again after the folder's fsync (which takes
        // milliseconds): an append that was on its way to the old note lands in the new one.
        let seen = carry_late_appends(&mut old_note, base.len(), &target, path)?;
        sync_dir(&dir, path)?;
        carry_late_appends(&mut old_note, seen, &target, path)?;
        return Ok(WriteOutcome::Written { replans });
    }
}

/// Opens the note and reads it, comparing it with `base` as it goes: the open file, and the
/// note's bytes if they are not `base`'s (None when they are). Only a block is held at a time
/// while the bytes agree, not a second copy of a note that may be tens of MB.
fn read_keeping_handle(target: &Path, base: &[u8]) -> io::Result<(fs::File, Option<Vec<u8>>)> {
    use std::io::Read;
    let mut f = fs::File::open(target)?;
    let mut block = vec![0u8; 64 * 1024];
    let mut at = 0;
    loop {
        let n = match f.read(&mut block) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            if at == base.len() {
                return Ok((f, None));
            }
            return Ok((f, Some(base[..at].to_vec())));
        }
        if base.get(at..at + n) != Some(&block[..n]) {
            // Different: the note's bytes as they are now, whole.
            let mut bytes = base[..at].to_vec();
            bytes.extend_from_slice(&block[..n]);
            f.read_to_end(&mut bytes)?;
            return Ok((f, Some(bytes)));
        }
        at += n;
    }
}

/// Another program (a sync tool, a script, `echo >> note`) does not take mdtasks's lock. An
/// append it makes between the last re-read and the rename goes into the old note, which the
/// rename has just replaced: those bytes would be lost. The old note is still open here, so
/// what grew past the bytes read is appended to the new note, where the other program meant
/// it to go: at the end.
/// Returns how many bytes of the old note are accounted for.
fn carry_late_appends(
    old_note: &mut fs::File,
    read_len: usize,
    target: &Path,
    shown_path: &Path,
) -> Result<usize, WriteError> {
    use std::io::{Read, Seek, SeekFrom};
    let mut done = read_len as u64;
    loop {
        let len = old_note
            .metadata()
            .map_err(io_err(
                shown_path,
                "cannot check the old note for late appends",
            ))?
            .len();
        if len <= done {
            return Ok(done as usize);
        }
        let mut late = Vec::with_capacity((len - done) as usize);
        old_note
            .seek(SeekFrom::Start(done))
            .and_then(|_| {
                Read::by_ref(old_note)
                    .take(len - done)
                    .read_to_end(&mut late)
            })
            .map_err(io_err(
                shown_path,
                "cannot read what was appended meanwhile",
            ))?;
        let mut new_note = fs::OpenOptions::new()
            .append(true)
            .open(target)
            .map_err(io_err(shown_path, "cannot add what was appended meanwhile"))?;
        new_note
            .write_all(&late)
            .and_then(|_| new_note.sync_all())
            .map_err(io_err(shown_path, "cannot add what was appended meanwhile"))?;
        done = len;
    }
}

/// An exclusive lock for writing `target`, held until the returned file is dropped.
///
/// The lock file is never the note itself: a rename replaces the note's inode, so a lock on
/// it would not exclude a process that opened the new one. It lives in the system's temp
/// folder, keyed by the note's canonical path, never in the notes folder (a sync tool would
/// carry it to other devices, where it means nothing). Programs other than mdtasks do not
/// take it; for them the re-read before the rename is the guard. If the lock cannot be had
/// (no writable temp folder), the write goes on with that guard alone.
fn lock_note(target: &Path) -> Option<fs::File> {
    let dir = std::env::temp_dir().join("mdtasks-locks");
    fs::create_dir_all(&dir).ok()?;
    // FNV-1a: a stable name for the path, whatever characters it holds.
    let key = target
        .as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        });
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(format!("{key:016x}.lock")))
        .ok()?;
    file.lock().ok()?;
    Some(file)
}

/// Creates a new note at `path` (inside `root`, its folders created as needed) holding
/// `contents`. Fails with `Exists` if anything is at `path`, including a note that appears
/// while this runs: it is never overwritten.
pub fn create_new(root: &Path, path: &Path, contents: &str) -> Result<WriteOutcome, WriteError> {
    create_new_with(&RealHooks, root, path, contents)
}

pub(crate) fn create_new_with(
    hooks: &dyn Hooks,
    root: &Path,
    path: &Path,
    contents: &str,
) -> Result<WriteOutcome, WriteError> {
    let canon_root = canonical_root(root)?;
    let outside = || WriteError::OutsideRoot {
        path: shown(path),
        root: shown(root),
    };
    let name = path.file_name().ok_or_else(outside)?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // The folders still to create must be plain names under an existing folder inside the
    // root; `..` or a symlink could otherwise lead the creation outside it.
    let mut existing = parent;
    while fs::symlink_metadata(existing).is_err() {
        let last = existing.components().next_back();
        if !matches!(last, Some(Component::Normal(_))) {
            return Err(outside());
        }
        existing = match existing.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
    }
    let canon_existing = existing
        .canonicalize()
        .map_err(io_err(path, "cannot resolve the folder"))?;
    if !canon_existing.starts_with(&canon_root) {
        return Err(outside());
    }
    fs::create_dir_all(parent).map_err(io_err(path, "cannot create the note's folder"))?;
    let canon_parent = parent
        .canonicalize()
        .map_err(io_err(path, "cannot resolve the folder"))?;
    if !canon_parent.starts_with(&canon_root) {
        return Err(outside());
    }
    let target = canon_parent.join(name);
    let exists = || WriteError::Exists { path: shown(path) };
    // Anything there, even a dangling symlink, is someone's.
    if fs::symlink_metadata(&target).is_ok() {
        return Err(exists());
    }
    // A new file gets the usual mode (0666 less the umask), not tempfile's private 0600.
    #[cfg(unix)]
    let perms = {
        use std::os::unix::fs::PermissionsExt;
        Some(fs::Permissions::from_mode(0o666))
    };
    #[cfg(not(unix))]
    let perms = None;
    let mut tmp = temp_beside(&target, path, perms)?;
    fill(hooks, &mut tmp, contents.as_bytes(), path)?;
    hooks.before_compare(&target);
    match tmp.persist_noclobber(&target) {
        Ok(_) => {}
        Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => return Err(exists()),
        Err(e) => return Err(io_err(path, "cannot create the note")(e.error)),
    }
    sync_dir(&canon_parent, path)?;
    Ok(WriteOutcome::Created)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// A plan that appends one line, as `log` does.
    fn append(line: &'static str) -> impl FnMut(&str) -> Result<String, String> {
        move |t: &str| Ok(format!("{t}{line}\n"))
    }

    /// The re-read before the rename compares the note with the bytes planned on a block at
    /// a time: equal bytes give None, any difference the note's bytes as they are, whole.
    #[test]
    fn the_reread_gives_the_bytes_only_when_they_changed() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("n.md");
        let base: Vec<u8> = (0..200_000u32).map(|i| b'a' + (i % 23) as u8).collect();
        let mut later = base.clone();
        later[150_000] = b'!';
        let cases: [(&str, Vec<u8>); 6] = [
            ("the same", base.clone()),
            ("changed in a later block", later),
            (
                "changed at the start",
                [b"!".as_slice(), &base[1..]].concat(),
            ),
            ("appended to", [base.as_slice(), b"more"].concat()),
            ("cut short", base[..70_000].to_vec()),
            ("emptied", Vec::new()),
        ];
        for (what, now) in cases {
            fs::write(&p, &now).unwrap();
            let (_, changed) = read_keeping_handle(&p, &base).unwrap();
            if now == base {
                assert_eq!(changed, None, "{what}");
            } else {
                assert_eq!(changed.as_deref(), Some(now.as_slice()), "{what}");
            }
        }
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("mdtasks-tmp"))
            .collect()
    }

    /// Appends a line to the note from "another program" the first `times` times the writer
    /// is about to compare.
    struct OtherWriter {
        times: Cell<usize>,
    }

    impl Hooks for OtherWriter {
        fn before_compare(&self, target: &Path) {
            if self.times.get() > 0 {
                self.times.set(self.times.get() - 1);
                let mut f = fs::OpenOptions::new().append(true).open(target).unwrap();
                f.write_all(b"- 10:00 from the phone\n").unwrap();
            }
        }
    }

    /// A disk that fills up halfway through the temp file.
    struct FullDisk;

    impl Hooks for FullDisk {
        fn write_temp(&self, file: &mut File, bytes: &[u8]) -> io::Result<()> {
            file.write_all(&bytes[..bytes.len() / 2])?;
            Err(io::Error::new(
                io::ErrorKind::StorageFull,
                "No space left on device",
            ))
        }
    }

    #[test]
    fn writes_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("n.md");
        fs::write(&p, "# Log\n").unwrap();
        let out = write_atomic(dir.path(), &p, b"# Log\n", append("- 09:00 a"), 3).unwrap();
        assert_eq!(out, WriteOutcome::Written { replans: 0 });
        assert_eq!(fs::read_to_string(&p).unwrap(), "# Log\n- 09:00 a\n");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn unchanged_plan_touches_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("n.md");
        fs::write(&p, "x\n").unwrap();
        let out = write_atomic(
            dir.path(),
            &p,
            b"x\n",
            |t: &str| Ok::<_, String>(t.into()),
            3,
        );
        assert_eq!(out.unwrap(), WriteOutcome::Unchanged);
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn another_writer_meanwhile_is_replanned_not_lost() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("n.md");
        fs::write(&p, "# Log\n").unwrap();
        let hooks = OtherWriter {
            times: Cell::new(1),
        };
        let out = write_atomic_with(
            &hooks,
            dir.path(),
            &p,
            b"# Log\n",
            append("- 11:00 mine"),
            3,
        );
        assert_eq!(out.unwrap(), WriteOutcome::Written { replans: 1 });
        assert_eq!(
            fs::read_to_string(&p).unwrap(),
            "# Log\n- 10:00 from the phone\n- 11:00 mine\n"
        );
        assert!(leftovers(dir.path()).is_empty());
    }

    /// Appends into the note between the last re-read and the rename, as `echo >> note`
    /// from another program would.
    struct LateAppender;

    impl Hooks for LateAppender {
        fn before_rename(&self, target: &Path) {
            let mut f = fs::OpenOptions::new().append(true).open(target).unwrap();
            f.write_all(b"- 10:30 appended by another program\n")
                .unwrap();
        }
    }

    #[test]
    fn an_append_in_the_last_moment_is_carried_into_the_new_note() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("n.md");
        fs::write(&p, "# Log\n").unwrap();
        let out = write_atomic_with(
            &LateAppender,
            dir.path(),
            &p,
            b"# Log\n",
            append("- 11:00 mine"),
            3,
        );
        assert_eq!(out.unwrap(), WriteOutcome::Written { replans: 0 });
        assert_eq!(
            fs::read_to_string(&p).unwrap(),
            "# Log\n- 11:00 mine\n- 10:30 appended by another program\n",
            "the other program's line is kept, at the end where it appended it"
        );
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn a_note_that_keeps_changing_stops_with_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("n.md");
        fs::write(&p, "# Log\n").unwrap();
        let hooks = OtherWriter {
            times: Cell::new(100),
        };
        let err =
            write_atomic_with(&hooks, dir.path(), &p, b"# Log\n", append("- mine"), 2).unwrap_err();
        assert!(
            matches!(err, WriteError::KeptChanging { times: 3, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("nothing was written"));
        let now = fs::read_to_string(&p).unwrap();
        assert_eq!(now.matches("from the phone").count(), 3);
        assert!(!now.contains("mine"));
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn stale_expected_bytes_are_replanned() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("n.md");
        fs::write(&p, "# Log\n- 08:00 synced\n").unwrap();
        let out = write_atomic(dir.path(), &p, b"# Log\n", append("- 09:00 a"), 1).unwrap();
        assert_eq!(out, WriteOutcome::Written { replans: 1 });
        assert_eq!(
            fs::read_to_string(&p).unwrap(),
            "# Log\n- 08:00 synced\n- 09:00 a\n"
        );
    }

    #[test]
    fn plan_errors_write_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("n.md");
        fs::write(&p, "x\n").unwrap();
        let err =
            write_atomic(dir.path(), &p, b"x\n", |_: &str| Err("refused: because"), 3).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{}: refused: because", p.display())
        );
        assert_eq!(fs::read_to_string(&p).unwrap(), "x\n");
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("n.md");
        fs::write(&p, "x\n").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(dir.path(), &p, b"x\n", append("y"), 0).unwrap();
        let mode = fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_is_written_through_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.md");
        let link = dir.path().join("link.md");
        fs::write(&real, "x\n").unwrap();
        std::os::unix::fs::symlink("real.md", &link).unwrap();
        write_atomic(dir.path(), &link, b"x\n", append("y"), 0).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "x\ny\n");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn paths_outside_the_root_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("notes");
        fs::create_dir(&root).unwrap();
        let outside = dir.path().join("outside.md");
        fs::write(&outside, "x\n").unwrap();
        let err = write_atomic(&root, &outside, b"x\n", append("y"), 0).unwrap_err();
        assert!(matches!(err, WriteError::OutsideRoot { .. }), "{err}");
        let sneaky = root.join("..").join("outside.md");
        let err = write_atomic(&root, &sneaky, b"x\n", append("y"), 0).unwrap_err();
        assert!(matches!(err, WriteError::OutsideRoot { .. }), "{err}");
        #[cfg(unix)]
        {
            let link = root.join("link.md");
            std::os::unix::fs::symlink(&outside, &link).unwrap();
            let err = write_atomic(&root, &link, b"x\n", append("y"), 0).unwrap_err();
            assert!(matches!(err, WriteError::OutsideRoot { .. }), "{err}");
        }
        assert_eq!(fs::read_to_string(&outside).unwrap(), "x\n");
        let err = create_new(&root, &root.join("../new.md"), "x").unwrap_err();
        assert!(matches!(err, WriteError::OutsideRoot { .. }), "{err}");
        assert!(!dir.path().join("new.md").exists());
    }

    #[test]
    fn a_failed_temp_write_leaves_the_note_intact() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("n.md");
        fs::write(&p, "# Log\n").unwrap();
        let err =
            write_atomic_with(&FullDisk, dir.path(), &p, b"# Log\n", append("- a"), 3).unwrap_err();
        assert!(err.to_string().contains("No space left"), "{err}");
        assert_eq!(fs::read_to_string(&p).unwrap(), "# Log\n");
        assert!(leftovers(dir.path()).is_empty());
        let q = dir.path().join("new.md");
        assert!(create_new_with(&FullDisk, dir.path(), &q, "hello\n").is_err());
        assert!(!q.exists());
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn a_note_deleted_meanwhile_is_not_recreated() {
        struct Deleter;
        impl Hooks for Deleter {
            fn before_compare(&self, target: &Path) {
                fs::remove_file(target).unwrap();
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("n.md");
        fs::write(&p, "x\n").unwrap();
        let err = write_atomic_with(&Deleter, dir.path(), &p, b"x\n", append("y"), 3).unwrap_err();
        assert!(matches!(err, WriteError::Vanished { .. }), "{err}");
        assert!(!p.exists());
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn create_makes_folders_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("daily").join("2026-11-24.md");
        assert_eq!(
            create_new(dir.path(), &p, "# Today\n").unwrap(),
            WriteOutcome::Created
        );
        assert_eq!(fs::read_to_string(&p).unwrap(), "# Today\n");
        let err = create_new(dir.path(), &p, "# Other\n").unwrap_err();
        assert!(matches!(err, WriteError::Exists { .. }), "{err}");
        assert_eq!(fs::read_to_string(&p).unwrap(), "# Today\n");
        assert!(leftovers(&dir.path().join("daily")).is_empty());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&p).unwrap().permissions().mode();
            assert_ne!(mode & 0o044, 0, "not tempfile's private 0600: {mode:o}");
        }
    }

    #[test]
    fn create_refuses_a_note_that_appears_meanwhile() {
        struct Racer;
        impl Hooks for Racer {
            fn before_compare(&self, target: &Path) {
                fs::write(target, "written by the phone\n").unwrap();
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("n.md");
        let err = create_new_with(&Racer, dir.path(), &p, "mine\n").unwrap_err();
        assert!(matches!(err, WriteError::Exists { .. }), "{err}");
        assert_eq!(fs::read_to_string(&p).unwrap(), "written by the phone\n");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn orphaned_temps_are_removed_fresh_ones_kept() {
        let t = tempfile::tempdir().unwrap();
        let note = t.path().join("n.md");
        fs::write(&note, "a\n").unwrap();
        let old = t.path().join(".n.md.mdtasks-tmp-AAAAAA");
        let fresh = t.path().join(".other.md.mdtasks-tmp-BBBBBB");
        // `old` written an hour ago.
        let left_behind = |text: &str| {
            fs::write(&old, text).unwrap();
            let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
            let file = fs::File::options().write(true).open(&old).unwrap();
            file.set_modified(hour_ago).unwrap();
        };
        left_behind("left by a killed run");
        fs::write(&fresh, "another run, right now").unwrap();
        let r = write_atomic(
            t.path(),
            &note,
            b"a\n",
            |s: &str| -> Result<String, String> { Ok(format!("{s}b\n")) },
            0,
        )
        .unwrap();
        assert!(matches!(r, WriteOutcome::Written { .. }));
        assert!(!old.exists(), "the orphan is removed");
        assert!(
            fresh.exists(),
            "a fresh temp may belong to a running process"
        );
        // The folder was just looked through: a second write in it does not list it again.
        left_behind("left by another killed run");
        let other = t.path().join("m.md");
        fs::write(&other, "a\n").unwrap();
        let again = |s: &str| -> Result<String, String> { Ok(format!("{s}c\n")) };
        write_atomic(t.path(), &other, b"a\n", again, 0).unwrap();
        assert!(old.exists(), "looked for again only a minute on");
    }
}
