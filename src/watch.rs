//! `mdtasks watch`: keeps the summary regions of the notes up to date while the notes change.
//!
//! The planning is pure (`edit::summaries::plan_summaries`: a note's text, the loaded notes
//! and today in, edits out); this module is the edge around it: file-system events in
//! (notify), debounced into passes; each pass reloads the notes, plans every note that holds
//! a summary region, and writes through `change::edit` (atomic, re-planned if the note
//! changed meanwhile, per-note lock) only the notes whose regions would change.
//!
//! Why it cannot loop on its own writes, in two independent ways:
//! 1. a region that already holds its summary is not rewritten (the planner returns no edit),
//!    so a pass right after a pass writes nothing;
//! 2. the bytes it wrote are remembered per note, and an event on a note that still holds
//!    exactly those bytes is ignored, so its own write does not even start a pass.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::app::{Config, exit};
use crate::change::{self, Outcome, Target};
use crate::cli::WatchArgs;
use crate::diagnostic::Severity;
use crate::edit::summaries::{asks_for_summary, plan_summaries};
use crate::load::{Loaded, LoadedNote};
use crate::parse::ParseOptions;
use crate::report::{self, Period};

/// The longest a burst of events can put a pass off: a sync tool that never stops writing
/// still gets its summaries regenerated this often (in debounce periods).
const MAX_DEBOUNCES: u32 = 10;

/// How often an idle watcher looks at the clock, so that a region of `last=7d` moves on at
/// midnight without any note changing.
const CLOCK_TICK: Duration = Duration::from_secs(30);

/// The one place `watch` computes a summary: the Markdown report `summarize --write` writes
/// too. (Kept apart so a change of the report's signature touches one line.)
fn summary_markdown(
    notes: &[LoadedNote],
    cfg: &Config,
    period: &Period,
    today: NaiveDate,
    diagnostics: usize,
) -> String {
    let summary = report::summarize(notes, &cfg.settings, period, today, diagnostics);
    crate::app::summary_md(&summary)
}

/// A period's bounds, as a map key.
type PeriodKey = (Option<NaiveDate>, Option<NaiveDate>);

/// What one pass did.
#[derive(Debug, Default)]
struct PassResult {
    /// Regions that could not be regenerated, notes that could not be read or written, or
    /// errors in the notes.
    errors: bool,
    /// Notes with a summary region.
    regions: usize,
    /// Notes written (or, in a dry run, that would be).
    changed: usize,
    /// A note changed while the pass was writing it: another pass is due.
    again: bool,
}

/// State kept between passes.
#[derive(Default)]
struct State {
    /// A fingerprint of the bytes last written to each note: an event on a note that still
    /// holds them is the echo of that write.
    written: HashMap<PathBuf, u64>,
    /// Messages printed in the previous pass (while watching, a problem is printed when it
    /// appears, not on every pass).
    reported: HashSet<String>,
    /// Dry run: the diff last printed for each note.
    diffs: HashMap<PathBuf, String>,
}

fn fingerprint(bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    bytes.len().hash(&mut h);
    h.finish()
}

/// The folder writes are confined to: the notes folder, or a single note's folder.
fn writable_root(cfg: &Config) -> PathBuf {
    if cfg.root.is_dir() {
        cfg.root.clone()
    } else {
        cfg.root.parent().map(Path::to_path_buf).unwrap_or_default()
    }
}

/// Prints `msg` unless the previous pass printed it too (every time with `--once`).
fn report_once(
    state: &State,
    seen: &mut HashSet<String>,
    once: bool,
    msg: String,
    err: &mut dyn Write,
) -> io::Result<()> {
    if once || !state.reported.contains(&msg) {
        write!(err, "{msg}")?;
    }
    seen.insert(msg);
    Ok(())
}

/// One regeneration pass: reload, plan every note with a summary region, write what changed.
fn pass(
    cfg: &Config,
    today: NaiveDate,
    a: &WatchArgs,
    progress: bool,
    state: &mut State,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<PassResult> {
    let mut r = PassResult::default();
    let mut seen = HashSet::new();
    let loaded: Loaded = match crate::app::load_notes_with(cfg, progress) {
        Ok(l) => l,
        Err(e) => {
            report_once(state, &mut seen, a.once, format!("error: {e}\n"), err)?;
            state.reported = seen;
            r.errors = true;
            return Ok(r);
        }
    };
    // Errors in the notes are reported, and the regions are regenerated all the same, as
    // `summarize --write` would.
    let all = loaded.diagnostics();
    for d in all
        .iter()
        .filter(|d| d.diagnostic.severity == Severity::Error)
    {
        r.errors = true;
        report_once(state, &mut seen, a.once, d.diagnostic.render(&d.path), err)?;
    }
    let diagnostics = all.len();
    // Several regions often ask for the same period (`week=this`): computed once a pass.
    let cache: RefCell<HashMap<PeriodKey, String>> = RefCell::default();
    let root = writable_root(cfg);
    for n in loaded.notes.iter().filter(|n| asks_for_summary(&n.note)) {
        r.regions += 1;
        let path = if n.rel.is_empty() {
            cfg.root.clone()
        } else {
            cfg.root.join(&n.rel)
        };
        let name = if n.rel.is_empty() {
            path.file_name()
                .and_then(|f| f.to_str())
                .unwrap_or("")
                .to_string()
        } else {
            n.rel.clone()
        };
        // Parsed as the loader parsed it: the date from the name, the time-block headings.
        let target = Target {
            root: &root,
            path: path.clone(),
            shown: n.path.clone(),
            parse: ParseOptions {
                name_date: crate::parse::date::date_from_path(
                    &name,
                    cfg.settings.file.notes.date_format.as_deref(),
                ),
                plan_headings: cfg.settings.plan_headings_lower(),
            },
            conflict_copy: None,
        };
        let problems = RefCell::new(Vec::new());
        // The text the last plan would write, and whether that plan was made on the note as
        // the pass loaded it.
        let planned = RefCell::new(None::<(String, bool)>);
        let loaded_model = serde_json::to_value(&n.note).ok();
        let plan = |t: &str, note: &crate::model::Note| {
            let mut render = |p: &Period| {
                cache
                    .borrow_mut()
                    .entry((p.from, p.to))
                    .or_insert_with(|| summary_markdown(&loaded.notes, cfg, p, today, diagnostics))
                    .clone()
            };
            let (set, probs) = plan_summaries(t, note, today, &mut render);
            *problems.borrow_mut() = probs;
            // What is written, if this plan is the one written: remembered to recognise the
            // echo of the write. Another program may have changed the note since the pass
            // loaded it (the write re-plans on its new bytes then): the summary, made from
            // the loaded notes, may then miss that change.
            let fresh = loaded_model.is_some() && serde_json::to_value(note).ok() == loaded_model;
            *planned.borrow_mut() = set.apply(t).ok().map(|text| (text, fresh));
            Ok(set)
        };
        let outcome = change::edit(&target, a.dry_run, plan);
        for p in problems.take() {
            r.errors = true;
            let msg = format!(
                "error: {}:{}: region `{}` not updated: {}\n",
                n.path, p.line, p.region, p.message
            );
            report_once(state, &mut seen, a.once, msg, err)?;
        }
        match outcome {
            Ok(Outcome::Written) | Ok(Outcome::Created) => {
                r.changed += 1;
                // Events name the canonical path.
                let key = path.canonicalize().unwrap_or_else(|_| path.clone());
                match planned.take() {
                    Some((text, true)) => {
                        state.written.insert(key, fingerprint(text.as_bytes()));
                    }
                    // Written over another program's change that the summary may not count
                    // yet: that change's event must not pass for our echo, and another pass
                    // follows.
                    _ => {
                        state.written.remove(&key);
                        r.again = true;
                    }
                }
                writeln!(out, "{}: summary updated", n.path)?;
            }
            Ok(Outcome::WouldChange(diff)) if !diff.is_empty() => {
                r.changed += 1;
                if a.once || state.diffs.get(&path) != Some(&diff) {
                    write!(out, "{diff}")?;
                }
                state.diffs.insert(path, diff);
            }
            Ok(_) => {
                state.diffs.remove(&path);
            }
            Err(m) => {
                r.errors = true;
                let msg = format!("error: cannot change {}: {m}\n", n.path);
                report_once(state, &mut seen, a.once, msg, err)?;
            }
        }
    }
    state.reported = seen;
    out.flush()?;
    Ok(r)
}

/// `mdtasks watch [PATH] [--once] [--dry-run]`.
pub fn watch(
    cfg: &Config,
    a: &WatchArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    if !cfg.root.exists() {
        writeln!(
            err,
            "error: {}: no such file or folder\nhint: give the path of a notes folder or a note, e.g. `mdtasks watch journal/`",
            cfg.root_shown
        )?;
        return Ok(exit::ERROR);
    }
    let today = |cfg: &Config| {
        if cfg.today_from_flag {
            cfg.today
        } else {
            // A watcher runs across midnight: today is read from the clock at every pass.
            chrono::Local::now().date_naive()
        }
    };
    let mut state = State::default();
    if a.once {
        let r = pass(cfg, today(cfg), a, cfg.progress, &mut state, out, err)?;
        if r.regions == 0 && !cfg.quiet {
            writeln!(err, "{}", no_regions_hint(cfg))?;
        } else if r.changed == 0 && !a.dry_run && !r.errors && !cfg.quiet {
            writeln!(err, "every summary region is up to date")?;
        }
        return Ok(if r.errors { exit::ERROR } else { exit::OK });
    }

    let (tx, rx) = mpsc::channel::<Msg>();
    let events = tx.clone();
    let watcher = notify::recommended_watcher(move |e: notify::Result<notify::Event>| {
        let _ = events.send(Msg::Fs(e));
    });
    let mut watcher = match watcher {
        Ok(w) => w,
        Err(e) => {
            writeln!(err, "error: cannot watch {}: {e}", cfg.root_shown)?;
            return Ok(exit::ERROR);
        }
    };
    let scope = match Scope::new(cfg) {
        Ok(s) => s,
        Err(e) => {
            writeln!(err, "error: cannot watch {}: {e}", cfg.root_shown)?;
            return Ok(exit::ERROR);
        }
    };
    if let Err(e) = scope.watch_tree(&mut watcher, &scope.watch_root()) {
        writeln!(err, "error: cannot watch {}: {e}", cfg.root_shown)?;
        return Ok(exit::ERROR);
    }
    // Ctrl-C (and SIGTERM) end the loop between passes, so a write in progress finishes and
    // leaves no temp file behind.
    let stop = tx.clone();
    if let Err(e) = ctrlc::set_handler(move || {
        let _ = stop.send(Msg::Stop);
    }) {
        writeln!(err, "warning: Ctrl-C will stop mdtasks abruptly: {e}")?;
    }
    drop(tx);

    let mut day = today(cfg);
    let r = pass(cfg, day, a, cfg.progress, &mut state, out, err)?;
    if !cfg.quiet {
        if r.regions == 0 {
            writeln!(err, "{}", no_regions_hint(cfg))?;
        }
        writeln!(
            err,
            "watching {} ({} with a summary region); press Ctrl-C to stop",
            cfg.root_shown,
            crate::app::plural(r.regions, "note")
        )?;
    }
    let debounce = Duration::from_millis(a.debounce);
    let mut again = r.again;
    loop {
        // Wait for a change that matters, the end, or a new day (unless the last pass asked
        // for another one).
        let mut dirty = again;
        let wait = if again { debounce } else { CLOCK_TICK };
        match rx.recv_timeout(wait) {
            Ok(Msg::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Ok(Msg::Fs(e)) => dirty |= scope.handle(e, &mut watcher, &mut state, err)?,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        let now = today(cfg);
        if now != day {
            day = now;
            dirty = true;
        }
        if !dirty {
            continue;
        }
        // Debounce: wait until the notes have been quiet for one period (editors and sync
        // tools write in bursts), but not forever. Only changes that matter break the quiet:
        // not reads (the echo check reads notes, which is an event of its own), not hidden
        // or excluded files.
        let started = Instant::now();
        let mut quiet_since = started;
        let mut stopping = false;
        loop {
            let left = debounce.saturating_sub(quiet_since.elapsed());
            if left.is_zero() || started.elapsed() >= debounce * MAX_DEBOUNCES {
                break;
            }
            match rx.recv_timeout(left) {
                Ok(Msg::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => {
                    stopping = true;
                    break;
                }
                Ok(Msg::Fs(e)) => {
                    if scope.handle(e, &mut watcher, &mut state, err)? {
                        quiet_since = Instant::now();
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => break,
            }
        }
        if stopping {
            break;
        }
        again = pass(cfg, day, a, false, &mut state, out, err)?.again;
    }
    if !cfg.quiet {
        writeln!(err, "stopped watching {}", cfg.root_shown)?;
    }
    Ok(exit::OK)
}

fn no_regions_hint(cfg: &Config) -> String {
    format!(
        "no note in {} has a summary region; put these two lines into a note:\n  \
         <!-- mdtasks:summary:start -->\n  <!-- mdtasks:summary:end -->",
        cfg.root_shown
    )
}

enum Msg {
    Fs(notify::Result<notify::Event>),
    Stop,
}

/// Which paths matter: notes (`.md`, `.markdown`) under the notes folder, outside hidden and
/// excluded folders, as the loader reads them; or the one note given as PATH.
struct Scope {
    /// The notes folder (canonical), or the single note (canonical).
    root: PathBuf,
    single_note: bool,
    /// Excluded folders (canonical paths that need not exist).
    exclude: Vec<PathBuf>,
}

impl Scope {
    fn new(cfg: &Config) -> io::Result<Scope> {
        let root = cfg.root.canonicalize()?;
        let single_note = root.is_file();
        let exclude = cfg
            .settings
            .file
            .notes
            .exclude
            .iter()
            .map(|x| root.join(x))
            .collect();
        Ok(Scope {
            root,
            single_note,
            exclude,
        })
    }

    /// The folder notify watches: the notes folder, or the single note's folder (editors
    /// replace a note by renaming a new file over it, which a watch on the file would lose).
    fn watch_root(&self) -> PathBuf {
        if self.single_note {
            self.root
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default()
        } else {
            self.root.clone()
        }
    }

    /// Inside the folder, not hidden, not excluded.
    fn inside(&self, p: &Path) -> bool {
        let Ok(rel) = p.strip_prefix(&self.root) else {
            return false;
        };
        let hidden = rel
            .components()
            .any(|c| c.as_os_str().to_str().is_some_and(|s| s.starts_with('.')));
        !hidden && !self.exclude.iter().any(|x| p.starts_with(x))
    }

    fn is_note(p: &Path) -> bool {
        p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
    }

    /// Watches `dir` and every folder under it the loader would read (one watch per folder,
    /// so that `.git`, `.obsidian` and excluded folders cost nothing).
    fn watch_tree(&self, w: &mut notify::RecommendedWatcher, dir: &Path) -> notify::Result<()> {
        use notify::{RecursiveMode, Watcher};
        if self.single_note {
            return w.watch(dir, RecursiveMode::NonRecursive);
        }
        let walk = walkdir::WalkDir::new(dir)
            .follow_links(true)
            .into_iter()
            .filter_entry(|e| e.path() == dir || (e.file_type().is_dir() && self.inside(e.path())));
        for e in walk.flatten() {
            if e.file_type().is_dir() {
                match w.watch(e.path(), RecursiveMode::NonRecursive) {
                    Ok(()) => {}
                    // The top folder must be watched; a sub-folder that vanished meanwhile
                    // need not.
                    Err(err) if e.path() == dir => return Err(err),
                    Err(_) => {}
                }
            }
        }
        Ok(())
    }

    /// Looks at one event: whether it may change a summary (a pass is due), watching new
    /// folders on the way. The echo of mdtasks's own write is not a change.
    fn handle(
        &self,
        e: notify::Result<notify::Event>,
        w: &mut notify::RecommendedWatcher,
        state: &mut State,
        err: &mut dyn Write,
    ) -> io::Result<bool> {
        use notify::EventKind;
        let e = match e {
            Ok(e) => e,
            Err(x) => {
                writeln!(err, "warning: watching the notes: {x}")?;
                return Ok(true);
            }
        };
        // The kernel's queue overflowed: anything may have changed.
        if e.need_rescan() {
            let _ = self.watch_tree(w, &self.watch_root());
            return Ok(true);
        }
        if matches!(e.kind, EventKind::Access(_)) {
            return Ok(false);
        }
        let mut dirty = false;
        for p in &e.paths {
            if self.single_note {
                dirty |= *p == self.root && !self.echo(p, state);
                continue;
            }
            if !self.inside(p) {
                continue;
            }
            if Self::is_note(p) {
                dirty |= !self.echo(p, state);
            } else if p.is_dir() {
                // A new (or moved-in) folder: watch it; it may hold notes already.
                if matches!(e.kind, EventKind::Create(_) | EventKind::Modify(_)) {
                    let _ = self.watch_tree(w, p);
                    dirty = true;
                }
            } else if p.extension().is_none()
                && matches!(e.kind, EventKind::Remove(_) | EventKind::Modify(_))
            {
                // Perhaps a folder of notes removed or moved away.
                dirty = true;
            }
        }
        Ok(dirty)
    }

    /// Whether the note holds exactly the bytes mdtasks last wrote to it. A note that has
    /// other bytes is forgotten: from then on, its events are changes.
    fn echo(&self, p: &Path, state: &mut State) -> bool {
        let Some(want) = state.written.get(p) else {
            return false;
        };
        let same = std::fs::read(p).is_ok_and(|b| fingerprint(&b) == *want);
        if !same {
            state.written.remove(p);
        }
        same
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Which paths may change a summary: notes the loader would read, nothing else.
    #[test]
    fn only_notes_the_loader_reads_are_changes() {
        let root = PathBuf::from("/vault");
        let scope = Scope {
            root: root.clone(),
            single_note: false,
            exclude: vec![root.join("templates"), root.join("logseq/bak")],
        };
        let change = |p: &str| {
            let p = root.join(p);
            scope.inside(&p) && Scope::is_note(&p)
        };
        for note in [
            "a.md",
            "Daily/2026/11/24-11-2026 Tuesday.md",
            "b.MARKDOWN",
            "logseq/x.md",
        ] {
            assert!(change(note), "{note}");
        }
        for not in [
            ".obsidian/workspace.json",
            ".obsidian/Hidden.md",
            ".trash/old.md",
            "sub/.git/HEAD",
            ".a.md.mdtasks-tmp-x1Y2z3",
            "sub/.NAME.md.swp",
            "templates/daily.md",
            "logseq/bak/x.md",
            "a.md~",
            "picture.png",
            "4913",
        ] {
            assert!(!change(not), "{not}");
        }
        assert!(!scope.inside(Path::new("/elsewhere/a.md")));
    }

    #[test]
    fn the_echo_is_the_bytes_last_written() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("n.md");
        std::fs::write(&p, "mine").unwrap();
        let scope = Scope {
            root: t.path().to_path_buf(),
            single_note: false,
            exclude: Vec::new(),
        };
        let mut state = State::default();
        assert!(!scope.echo(&p, &mut state), "never written: a change");
        state.written.insert(p.clone(), fingerprint(b"mine"));
        assert!(scope.echo(&p, &mut state));
        std::fs::write(&p, "theirs").unwrap();
        assert!(!scope.echo(&p, &mut state));
        std::fs::write(&p, "mine").unwrap();
        assert!(
            !scope.echo(&p, &mut state),
            "forgotten once another program wrote it"
        );
    }
}
