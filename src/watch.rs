//! `mdtasks watch`: keeps the summary regions of the notes up to date while the notes change.
//!
//! The planning is pure (`edit::summaries::plan_summaries`: a note's text, a summary per
//! period and today in, edits out); this module is the edge around it: file-system events in
//! (notify), debounced into passes; each pass streams the notes to find the regions, builds
//! the summaries they ask for in one more streamed reading (a batch of periods at a time),
//! plans every note that holds a summary region, and writes through `change::edit` (atomic,
//! re-planned if the note changed meanwhile, per-note lock) only the notes whose regions would
//! change.
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
use crate::app::{NameWindow, named_window};
use crate::change::{self, Outcome, Target};
use crate::cli::WatchArgs;
use crate::diagnostic::Severity;
use crate::edit::summaries::{asks_for_summary, plan_summaries};
use crate::parse::ParseOptions;
use crate::report::{self, Period};

/// The longest a burst of events can put a pass off: a sync tool that never stops writing
/// still gets its summaries regenerated this often (in debounce periods).
const MAX_DEBOUNCES: u32 = 10;

/// How often an idle watcher looks at the clock, so that a region of `last=7d` moves on at
/// midnight without any note changing.
const CLOCK_TICK: Duration = Duration::from_secs(30);

/// A period's bounds, as a map key.
type PeriodKey = (Option<NaiveDate>, Option<NaiveDate>);

fn key(p: &Period) -> PeriodKey {
    (p.from, p.to)
}

/// How many periods' summaries a pass builds in one reading of the notes. A folder where
/// every daily note summarises its own day asks for as many periods as it has notes: they
/// are built this many at a time, each batch reading only the notes named for its days (and
/// the notes without a date in their name), so a pass's memory does not grow with them.
const PERIODS_AT_ONCE: usize = 512;

/// The summaries of some periods, built in one streamed reading of the notes, and what the
/// notes that asked for them looked like then.
#[derive(Default)]
struct Summaries {
    /// The Markdown report of each period, as `summarize --write` writes it.
    markdown: HashMap<PeriodKey, String>,
    /// The model of each watched note (by its path relative to the root) as the reading
    /// parsed it, fingerprinted: each piece of a long note in turn, else the whole note. A
    /// watched note that no reading read (named for a day that none of the periods reads)
    /// counts in none of the summaries.
    models: HashMap<String, Vec<u64>>,
}

/// A fingerprint of a note's model: its JSON, hashed as it is written (never held: a note of
/// ten years is 134 MB of it).
fn model_fingerprint(note: &crate::model::Note) -> u64 {
    /// Hashes what is written to it.
    struct Hashing(std::collections::hash_map::DefaultHasher);
    impl Write for Hashing {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.write(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut w = io::BufWriter::with_capacity(1 << 16, Hashing(Default::default()));
    if serde_json::to_writer(&mut w, note).is_err() {
        return 0;
    }
    w.into_inner().map_or(0, |Hashing(h)| h.finish())
}

/// Builds the summary of each period in `periods` in one reading of the notes, each exactly
/// as `summarize --write` builds it alone: from the notes named for its days and one day on
/// either side, and the notes without a date in their name (`app::named_window`), counting
/// the problems of those notes and of the folder. `watched`: the notes (relative paths)
/// whose models to fingerprint.
fn summaries(
    cfg: &Config,
    periods: &[Period],
    watched: &HashSet<&str>,
) -> Result<Summaries, crate::load::LoadError> {
    use crate::load::Read;
    use report::summary::SummaryBuilder;
    let windows: Vec<Option<NameWindow>> = periods.iter().map(named_window).collect();
    // One reading for all: the notes that any of the periods reads.
    let union = windows.iter().try_fold(None::<NameWindow>, |u, w| {
        let w = (*w)?;
        Some(Some(match u {
            None => w,
            Some((f, t)) => (
                f.and_then(|f| Some(f.min(w.0?))),
                t.and_then(|t| Some(t.max(w.1?))),
            ),
        }))
    });
    let reads = |w: &Option<NameWindow>, name: Option<NaiveDate>| match (w, name) {
        (Some((from, to)), Some(d)) => from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t),
        _ => true,
    };
    let mut builders: Vec<SummaryBuilder> = periods
        .iter()
        .map(|p| SummaryBuilder::new(&cfg.settings, p, false))
        .collect();
    let digesters: Vec<_> = builders.iter().map(SummaryBuilder::digester).collect();
    let mut problems = vec![0usize; periods.len()];
    let mut models = HashMap::new();
    /// What one file adds: to which periods, its problems, and its digests for each (one
    /// for each piece a long note was read in).
    struct Read1 {
        problems: usize,
        digests: Vec<(usize, report::summary::NoteDigest)>,
        /// The periods it counts in.
        wanted: Vec<usize>,
        unread: Vec<usize>,
        model: Option<(String, Vec<u64>)>,
    }
    // What one note, or one piece of a long note, adds: its problems, its digest for each
    // wanted period, and the fingerprint of its model if the note is watched.
    let digest = |wanted: &[usize], mut ln: crate::load::LoadedNote| {
        let model = watched
            .contains(ln.rel.as_str())
            .then(|| (ln.rel.clone(), model_fingerprint(&ln.note)));
        let problems = std::mem::take(&mut ln.note.diagnostics).len();
        let mut ln = Some(ln);
        let last = wanted.len().saturating_sub(1);
        let digests: Vec<_> = wanted
            .iter()
            .enumerate()
            .filter_map(|(k, &i)| {
                let note = if k == last { ln.take()? } else { ln.clone()? };
                Some((i, digesters[i].digest(note)))
            })
            .collect();
        (problems, digests, model)
    };
    // A long note is read in pieces, as `summarize` reads it; planning its regions reads it
    // in the same pieces (`change::edit_outline`), so the fingerprints compare.
    let opts = crate::load::LoadOptions {
        named_within: union.flatten(),
        progress: false,
        ..crate::app::piece_options(cfg)
    };
    let folder = crate::load::stream_files(
        &cfg.root,
        &cfg.root_shown,
        &opts,
        |name, read| {
            let wanted: Vec<usize> = (0..periods.len())
                .filter(|&i| reads(&windows[i], name))
                .collect();
            let parts = match read {
                Read::Problem(_) => {
                    return Read1 {
                        problems: 0,
                        digests: Vec::new(),
                        wanted: Vec::new(),
                        unread: wanted,
                        model: None,
                    };
                }
                Read::Note(ln) => vec![digest(&wanted, *ln)],
                Read::Long(l) => l.map_pieces(|ln| digest(&wanted, ln)),
            };
            let mut one = Read1 {
                problems: 0,
                digests: Vec::new(),
                wanted,
                unread: Vec::new(),
                model: None,
            };
            for (problems, digests, model) in parts {
                one.problems += problems;
                one.digests.extend(digests);
                if let Some((rel, fp)) = model {
                    one.model
                        .get_or_insert_with(|| (rel, Vec::new()))
                        .1
                        .push(fp);
                }
            }
            one
        },
        |one| {
            for i in one.unread {
                problems[i] += 1;
            }
            for (i, d) in one.digests {
                builders[i].add(d);
            }
            for i in &one.wanted {
                problems[*i] += one.problems;
            }
            models.extend(one.model);
            true
        },
    )?;
    let markdown = builders
        .into_iter()
        .zip(problems)
        .zip(periods)
        .map(|((b, n), p)| (key(p), crate::app::summary_md(&b.finish(folder.len() + n))))
        .collect();
    Ok(Summaries { markdown, models })
}

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

/// A note that holds a summary region, as the pass found it.
struct Asking {
    /// As shown to the user.
    shown: String,
    /// Relative to the root (empty when the root is this note).
    rel: String,
    /// The periods its regions ask for (none when it cannot be read: editing it says why).
    periods: Vec<Period>,
}

/// The note to edit, parsed as the loader parsed it: the date from its name, the
/// time-block headings.
fn target<'r>(
    cfg: &Config,
    root: &'r Path,
    rel: &str,
    shown: &str,
    copies: &mut change::ConflictCopies,
) -> Target<'r> {
    let path = if rel.is_empty() {
        cfg.root.clone()
    } else {
        cfg.root.join(rel)
    };
    let name = if rel.is_empty() {
        path.file_name()
            .and_then(|f| f.to_str())
            .unwrap_or("")
            .to_string()
    } else {
        rel.to_string()
    };
    Target {
        root,
        conflict_copy: Some(copies.beside(&path)),
        path,
        shown: shown.to_string(),
        parse: ParseOptions {
            name_date: crate::parse::date::date_from_path(
                &name,
                cfg.settings.file.notes.date_format.as_deref(),
            ),
            plan_headings: cfg.settings.plan_headings_lower(),
        },
        piece_bytes: cfg.piece_bytes,
    }
}

/// The periods the summary regions of the note ask for, as planning it would ask.
fn periods_of(target: &Target, today: NaiveDate) -> Vec<Period> {
    let Ok((text, note)) = change::read_outline(target) else {
        return Vec::new();
    };
    let mut periods = Vec::new();
    plan_summaries(&text, &note, today, &mut |p| {
        periods.push(*p);
        String::new()
    });
    periods
}

/// One regeneration pass: find the notes with a summary region, build the summaries their
/// regions ask for, write what changed. The notes are streamed (read a chunk at a time),
/// never all held: once to find the regions and the problems, then once for each batch of
/// [`PERIODS_AT_ONCE`] periods, reading only the notes those periods read.
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
    let mut asking = Vec::new();
    // A long note is read in pieces: the note asks once if any of its pieces asks.
    let found = crate::app::stream_notes(
        cfg,
        &crate::load::LoadOptions {
            progress,
            ..crate::app::piece_options(cfg)
        },
        true,
        |ln| {
            asks_for_summary(&ln.note).then(|| Asking {
                shown: ln.path,
                rel: ln.rel,
                periods: Vec::new(),
            })
        },
        |n| {
            if let Some(n) = n
                && asking.last().is_none_or(|a: &Asking| a.rel != n.rel)
            {
                asking.push(n);
            }
            true
        },
    );
    let found = match found {
        Ok(f) => f,
        Err(e) => {
            report_once(state, &mut seen, a.once, format!("error: {e}\n"), err)?;
            state.reported = seen;
            r.errors = true;
            return Ok(r);
        }
    };
    // Errors in the notes are reported, and the regions are regenerated all the same, as
    // `summarize --write` would.
    for d in found
        .problems
        .iter()
        .chain(&found.diagnostics)
        .filter(|d| d.diagnostic.severity == Severity::Error)
    {
        r.errors = true;
        report_once(state, &mut seen, a.once, d.diagnostic.render(&d.path), err)?;
    }
    let root = writable_root(cfg);
    let mut copies = change::ConflictCopies::default();
    for n in &mut asking {
        n.periods = periods_of(&target(cfg, &root, &n.rel, &n.shown, &mut copies), today);
    }
    // The last note that needs each period: its summary is kept until then.
    let mut last_use: HashMap<PeriodKey, usize> = HashMap::new();
    for (i, n) in asking.iter().enumerate() {
        for p in &n.periods {
            last_use.insert(key(p), i);
        }
    }
    let watched: HashSet<&str> = asking.iter().map(|n| n.rel.as_str()).collect();
    let cache: RefCell<Summaries> = RefCell::default();
    let mut first = 0;
    while first < asking.len() {
        // The next notes, in path order, up to PERIODS_AT_ONCE periods not built yet.
        let mut new: Vec<Period> = Vec::new();
        let mut end = first;
        while end < asking.len() {
            let mut more: Vec<Period> = Vec::new();
            for p in &asking[end].periods {
                let k = key(p);
                if !cache.borrow().markdown.contains_key(&k)
                    && !new.iter().chain(&more).any(|q| key(q) == k)
                {
                    more.push(*p);
                }
            }
            if end > first && new.len() + more.len() > PERIODS_AT_ONCE {
                break;
            }
            new.extend(more);
            end += 1;
        }
        match (!new.is_empty()).then(|| summaries(cfg, &new, &watched)) {
            None => {}
            Some(Ok(s)) => {
                let mut c = cache.borrow_mut();
                c.markdown.extend(s.markdown);
                c.models.extend(s.models);
            }
            Some(Err(e)) => {
                report_once(state, &mut seen, a.once, format!("error: {e}\n"), err)?;
                state.reported = seen;
                r.errors = true;
                return Ok(r);
            }
        }
        for n in &asking[first..end] {
            regenerate(
                cfg,
                today,
                a,
                n,
                &root,
                &mut copies,
                &cache,
                state,
                &mut seen,
                &mut r,
                out,
                err,
            )?;
        }
        cache
            .borrow_mut()
            .markdown
            .retain(|k, _| last_use.get(k).is_some_and(|&l| l >= end));
        first = end;
    }
    state.reported = seen;
    out.flush()?;
    Ok(r)
}

/// Plans the note's summary regions with the summaries in `cache` and writes what changed.
#[allow(clippy::too_many_arguments)]
fn regenerate(
    cfg: &Config,
    today: NaiveDate,
    a: &WatchArgs,
    n: &Asking,
    root: &Path,
    copies: &mut change::ConflictCopies,
    cache: &RefCell<Summaries>,
    state: &mut State,
    seen: &mut HashSet<String>,
    r: &mut PassResult,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<()> {
    r.regions += 1;
    let target = target(cfg, root, &n.rel, &n.shown, copies);
    let path = target.path.clone();
    let problems = RefCell::new(Vec::new());
    // The fingerprint of the text the last plan would write (not the text: a long note's is
    // tens of MB), and whether that plan was made on the note as the summaries saw it.
    let planned = RefCell::new(None::<(u64, bool)>);
    let failed = RefCell::new(None::<String>);
    let seen_model = cache.borrow().models.get(&n.rel).cloned();
    let plan = |t: &str, note: &crate::edit::Outline| {
        let mut render = |p: &Period| {
            if let Some(md) = cache.borrow().markdown.get(&key(p)) {
                return md.clone();
            }
            // A period no note asked for when the pass began: the note changed since.
            match summaries(cfg, std::slice::from_ref(p), &HashSet::new()) {
                Ok(s) => {
                    let md = s.markdown.into_values().next().unwrap_or_default();
                    cache.borrow_mut().markdown.insert(key(p), md.clone());
                    md
                }
                Err(e) => {
                    *failed.borrow_mut() = Some(e.to_string());
                    String::new()
                }
            }
        };
        let (set, probs) = plan_summaries(t, note, today, &mut render);
        if let Some(e) = failed.borrow().as_ref() {
            return Err(crate::edit::EditError::NotesUnreadable(e.clone()));
        }
        *problems.borrow_mut() = probs;
        // What is written, if this plan is the one written: remembered to recognise the echo
        // of the write. Another program may have changed the note since the summaries read
        // it (the write re-plans on its new bytes then): they may then miss that change. A
        // note the summaries did not read is in none of them.
        let fresh = seen_model.as_ref().is_none_or(|m| *m == note.fingerprints);
        *planned.borrow_mut() = set
            .apply(t)
            .ok()
            .map(|text| (fingerprint(text.as_bytes()), fresh));
        Ok(set)
    };
    // The outline's fingerprints, only to compare with those the summaries made.
    let of_model: &dyn Fn(&crate::model::Note) -> u64 = &model_fingerprint;
    let outcome = change::edit_outline(
        &target,
        a.dry_run,
        seen_model.is_some().then_some(of_model),
        plan,
    );
    for p in problems.take() {
        r.errors = true;
        let msg = format!(
            "error: {}:{}: region `{}` not updated: {}\n",
            n.shown, p.line, p.region, p.message
        );
        report_once(state, seen, a.once, msg, err)?;
    }
    match outcome {
        Ok(Outcome::Written) | Ok(Outcome::Created) => {
            r.changed += 1;
            // Events name the canonical path.
            let key = path.canonicalize().unwrap_or_else(|_| path.clone());
            match planned.take() {
                Some((written, true)) => {
                    state.written.insert(key, written);
                }
                // Written over another program's change that the summary may not count yet:
                // that change's event must not pass for our echo, and another pass follows.
                _ => {
                    state.written.remove(&key);
                    r.again = true;
                }
            }
            writeln!(out, "{}: summary updated", n.shown)?;
        }
        Ok(Outcome::WouldChange(diff)) if !diff.is_empty() => {
            r.changed += 1;
            if a.once {
                write!(out, "{diff}")?;
            } else if state.diffs.get(&path) != Some(&diff) {
                write!(out, "{diff}")?;
                state.diffs.insert(path, diff);
            }
        }
        Ok(_) => {
            state.diffs.remove(&path);
        }
        Err(m) => {
            r.errors = true;
            let msg = format!("error: cannot change {}: {m}\n", n.shown);
            report_once(state, seen, a.once, msg, err)?;
        }
    }
    Ok(())
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

    /// `mdtasks --today 2026-11-24 watch ROOT --once`, resolved as in a test's environment.
    fn watch_once(root: &str) -> Config {
        use clap::Parser;
        let args = ["mdtasks", "--today", "2026-11-24", "watch", root, "--once"];
        let cli = crate::cli::Cli::try_parse_from(args).unwrap();
        Config::resolve(cli, &test_env())
            .map_err(|e| e.message)
            .unwrap()
    }

    /// The environment of an in-process run: no terminal, no colour, no user config.
    fn test_env() -> crate::app::Env {
        crate::app::Env {
            today: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            now: chrono::NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
            no_color: true,
            stdout_is_terminal: false,
            stderr_is_terminal: false,
            user_config: None,
        }
    }

    /// A pass that writes a note's summary knows the bytes it wrote for its own (their
    /// event is no change), and needs no other pass: the note was planned as the summaries
    /// read it, whether it was read whole or, being long, in pieces.
    #[test]
    fn a_pass_that_writes_a_summary_needs_no_other() {
        for piece_bytes in [usize::MAX, 1] {
            let t = tempfile::tempdir().unwrap();
            let note = t.path().join("Time Log.md");
            let text = "## 2026-11-23\n- 09:00-10:30 write #money\n\n## 2026-11-24\n\
                        - 09:00-09:20 mail #email\n- 09:30 ??\n\n## Summary\n\
                        <!-- mdtasks:summary:start last=7d -->\n<!-- mdtasks:summary:end -->\n";
            std::fs::write(&note, text).unwrap();
            let mut cfg = watch_once(t.path().to_str().unwrap());
            cfg.piece_bytes = piece_bytes;
            let crate::cli::Command::Watch(a) = &cfg.command else {
                panic!("a watch command");
            };
            let mut state = State::default();
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let r = pass(&cfg, cfg.today, a, false, &mut state, &mut out, &mut err).unwrap();
            let written = std::fs::read(&note).unwrap();
            assert_ne!(written, text.as_bytes());
            assert_eq!(
                (r.regions, r.changed, r.again),
                (1, 1, false),
                "{piece_bytes}"
            );
            let key = note.canonicalize().unwrap();
            assert_eq!(state.written.get(&key), Some(&fingerprint(&written)));
        }
    }

    /// A note whose region asks for a period the pass did not build (the note changed
    /// between the reading that found its periods and its edit) gets that period's summary
    /// all the same, built then, as `summarize --write` would build it.
    #[test]
    fn a_period_the_pass_did_not_build_is_built_when_planned() {
        let t = tempfile::tempdir().unwrap();
        let notes = t.path().join("notes");
        std::fs::create_dir_all(&notes).unwrap();
        std::fs::write(notes.join("2026-11-23.md"), "- 09:00-10:30 write #money\n").unwrap();
        std::fs::write(notes.join("2026-11-16.md"), "- 09:00-09:20 old #money\n").unwrap();
        std::fs::write(
            notes.join("Week.md"),
            "<!-- mdtasks:summary:start week=this -->\n<!-- mdtasks:summary:end -->\n",
        )
        .unwrap();
        let root = notes.to_str().unwrap();
        let cfg = watch_once(root);
        let crate::cli::Command::Watch(a) = &cfg.command else {
            panic!("a watch command");
        };
        let asking = Asking {
            shown: format!("{root}/Week.md"),
            rel: "Week.md".into(),
            periods: Vec::new(),
        };
        // A cache holding another period only.
        let cache = RefCell::new(Summaries::default());
        cache
            .borrow_mut()
            .markdown
            .insert((None, None), "not this one".into());
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut r = PassResult::default();
        regenerate(
            &cfg,
            cfg.today,
            a,
            &asking,
            &writable_root(&cfg),
            &mut change::ConflictCopies::default(),
            &cache,
            &mut State::default(),
            &mut HashSet::new(),
            &mut r,
            &mut out,
            &mut err,
        )
        .unwrap();
        assert_eq!(String::from_utf8(err).unwrap(), "");
        assert_eq!((r.regions, r.changed, r.errors), (1, 1, false));
        let week = std::fs::read_to_string(notes.join("Week.md")).unwrap();
        assert!(
            week.contains("# Time log: 2026-11-23 to 2026-11-29\n"),
            "{week}"
        );
        assert!(week.contains("| Logged | 1h 30m |"), "{week}");
        assert!(!week.contains("not this one"), "{week}");
        // Built once, then kept for the pass's other notes.
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23);
        let sunday = NaiveDate::from_ymd_opt(2026, 11, 29);
        assert!(cache.borrow().markdown.contains_key(&(monday, sunday)));
    }
}
