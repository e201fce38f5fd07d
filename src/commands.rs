//! The writing commands: `log`, `today`, `rollover` and `summarize --write`. Each plans its
//! edits on the notes' own bytes (src/edit), and `change` shows them (dry run) or writes them.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::app::{Config, exit};
use crate::change::{self, CreateError, Outcome, Target};
use crate::cli::{AddArgs, LogArgs, OpenArgs, RolloverArgs, RolloverMode, RolloverOpts, TodayArgs};
use crate::daily;
use crate::edit::rollover::{Mode, RolloverOptions, plan_rollover};
use crate::edit::{EditSet, Outline, Style, insert_under_heading, replace_region};
use crate::load::{self, Dated, DatedPath, Listed, Wanted};
use crate::parse::time::{Scan, scan_clock};
use crate::parse::{ParseOptions, Text, parse_note};

fn parse_opts(cfg: &Config, date: Option<NaiveDate>) -> ParseOptions {
    ParseOptions {
        name_date: date,
        plan_headings: cfg.settings.plan_headings_lower(),
    }
}

/// Where today's note is, or would be created.
struct Today {
    path: PathBuf,
    shown: String,
    exists: bool,
}

fn shown_join(root_shown: &str, rel: &str) -> String {
    if root_shown.is_empty() || root_shown == "." {
        rel.to_string()
    } else {
        format!("{}/{rel}", root_shown.trim_end_matches('/'))
    }
}

/// Today's note, found by name (any spelling the date patterns accept), or the path a new one
/// gets. With several notes for today, the one with the configured name wins.
fn find_today(cfg: &Config, dated: &[DatedPath]) -> Today {
    find_day(cfg, dated, cfg.today)
}

/// The note of `date` among `dated` (which holds every note named for that day), found as
/// `find_today` finds today's.
fn find_day(cfg: &Config, dated: &[DatedPath], date: NaiveDate) -> Today {
    let rel = daily::new_note_rel(date, &cfg.settings);
    let want = cfg.root.join(&rel);
    let todays: Vec<&DatedPath> = dated.iter().filter(|d| d.date == date).collect();
    if let Some(d) = todays
        .iter()
        .find(|d| d.path == want)
        .or_else(|| todays.first())
    {
        return Today {
            path: d.path.clone(),
            shown: d.shown.clone(),
            exists: true,
        };
    }
    Today {
        path: want,
        shown: shown_join(&cfg.root_shown, &rel),
        exists: false,
    }
}

/// The note of `date`, as `find_day` finds it among every note named for that day, and what
/// was listed to find it. The note at the configured path wins over any other named for the
/// day, so when a probe proves that a walk would find it there (`load::probe_named`), no
/// folder is listed; else the notes are walked.
fn locate_day(cfg: &Config, date: NaiveDate) -> (Today, Listed) {
    let rel = daily::new_note_rel(date, &cfg.settings);
    let notes = &cfg.settings.file.notes;
    if let Some(d) = load::probe_named(
        &cfg.root,
        &cfg.root_shown,
        &rel,
        date,
        notes.date_format.as_deref(),
        &notes.exclude,
    ) {
        let day = Today {
            path: d.path,
            shown: d.shown,
            exists: true,
        };
        return (day, Listed::default());
    }
    let dated = dated(cfg, &Wanted::days(&[date]));
    (find_day(cfg, &dated.notes, date), dated.listed)
}

/// The change target for a note (found or to be created): what `listed` knows of a
/// sync-conflict copy beside it saves listing its folder again.
fn note_target<'a>(
    cfg: &'a Config,
    path: &Path,
    shown: &str,
    date: NaiveDate,
    listed: &Listed,
) -> Target<'a> {
    Target {
        root: &cfg.root,
        path: path.to_path_buf(),
        shown: shown.to_string(),
        parse: parse_opts(cfg, Some(date)),
        piece_bytes: cfg.piece_bytes,
        conflict_copy: listed.conflict_copy(path),
    }
}

/// The change target for a day's note (found or to be created).
fn day_target<'a>(cfg: &'a Config, day: &Today, date: NaiveDate, listed: &Listed) -> Target<'a> {
    note_target(cfg, &day.path, &day.shown, date, listed)
}

/// The folder writes are confined to: the notes folder, or a single note's folder.
fn writable_root(cfg: &Config) -> PathBuf {
    if cfg.root.is_dir() {
        cfg.root.clone()
    } else {
        cfg.root.parent().map(Path::to_path_buf).unwrap_or_default()
    }
}

/// The notes `wanted` asks for (see `load::Wanted`), by one walk over the names.
fn dated(cfg: &Config, wanted: &Wanted) -> Dated {
    load::dated_paths(
        &cfg.root,
        &cfg.root_shown,
        cfg.settings.file.notes.date_format.as_deref(),
        &cfg.settings.file.notes.exclude,
        wanted,
    )
}

/// The text a new daily note starts with: the template (config, else `templates/daily.md`,
/// else the built-in one) with the day's time blocks.
fn new_daily_text(cfg: &Config, date: NaiveDate) -> Result<String, String> {
    let template = match &cfg.settings.file.daily.template {
        Some(t) => {
            let p = cfg.root.join(t);
            Some(
                std::fs::read_to_string(&p)
                    .map_err(|e| format!("cannot read the template {}: {e}", p.display()))?,
            )
        }
        None => std::fs::read_to_string(cfg.root.join("templates/daily.md")).ok(),
    };
    daily::new_note_text(template.as_deref(), date, cfg.now, &cfg.settings)
}

fn require_folder(cfg: &Config, err: &mut dyn Write) -> io::Result<bool> {
    if cfg.root.is_dir() {
        return Ok(true);
    }
    writeln!(
        err,
        "error: {} is not a notes folder\nhint: give the folder your daily notes are in, e.g. `journal/`",
        cfg.root_shown
    )?;
    Ok(false)
}

fn report(outcome: &Outcome, shown: &str, what: &str, out: &mut dyn Write) -> io::Result<()> {
    match outcome {
        Outcome::WouldChange(diff) if diff.is_empty() => {
            writeln!(out, "{shown}: nothing to change")
        }
        Outcome::WouldChange(diff) => write!(out, "{diff}"),
        Outcome::Unchanged => writeln!(out, "{shown}: nothing to change"),
        Outcome::Written => writeln!(out, "{shown}: {what}"),
        Outcome::Created => writeln!(out, "{shown}: created, {what}"),
    }
}

fn fail(err: &mut dyn Write, shown: &str, reason: &str) -> io::Result<i32> {
    writeln!(err, "error: cannot change {shown}: {reason}")?;
    Ok(exit::ERROR)
}

/// `HH:MM` from `--at` (`9:15`, `09:15`, `9:15am`, `2pm`) or from the clock.
fn log_time(cfg: &Config, at: Option<&str>) -> Result<String, String> {
    let minutes = match at {
        None => {
            use chrono::Timelike;
            cfg.now.hour() * 60 + cfg.now.minute()
        }
        Some(s) => match scan_clock(s.trim()) {
            Scan::Yes(c) if c.len == s.trim().len() && c.minutes() < 1440 => c.minutes(),
            Scan::Bad(e) => return Err(format!("--at `{s}`: {} ({})", e.message, e.hint)),
            _ => {
                return Err(format!(
                    "--at `{s}` is not a time of day; write it as HH:MM (09:15) or 9:15am"
                ));
            }
        },
    };
    Ok(format!("{:02}:{:02}", minutes / 60, minutes % 60))
}

pub fn log(cfg: &Config, a: &LogArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<i32> {
    if !require_folder(cfg, err)? {
        return Ok(exit::ERROR);
    }
    let text = a.text.trim();
    if text.is_empty() || text.contains(['\n', '\r']) {
        writeln!(
            err,
            "error: the entry's text must be one line, and not empty"
        )?;
        return Ok(exit::ERROR);
    }
    let time = match log_time(cfg, a.at.as_deref()) {
        Ok(t) => t,
        Err(m) => {
            writeln!(err, "error: {m}")?;
            return Ok(exit::ERROR);
        }
    };
    let entry = format!("{time} {text}");
    let minute = time[..2].parse::<u32>().unwrap_or(0) * 60 + time[3..].parse::<u32>().unwrap_or(0);
    let heading = cfg.settings.file.daily.log_heading.clone();
    let plan = |t: &str, note: &crate::model::Note| Ok(plan_log(t, note, &entry, minute, &heading));
    let what = format!("logged `{entry}`");
    edit_today(cfg, a.dry_run, &what, plan, out, err)
}

/// The edits `log` makes to a note `t` (parsed as `note`): the line `entry` (`HH:MM text`,
/// starting at `minute` after midnight) in the log under `heading`, in time order. Empty when
/// the same entry is already there: a second run adds nothing.
pub fn plan_log(
    t: &str,
    note: &crate::model::Note,
    entry: &str,
    minute: u32,
    heading: &str,
) -> EditSet {
    let style = Style::detect(t, note);
    let line = style.item(0, entry);
    // Every line ending, lone CR too (`lines()` knows only `\n`): in a CR-only note the whole
    // note is one `lines()` line, and a second run would log the entry again.
    if t.split(['\n', '\r'])
        .any(|l| l.trim_end() == line || l.trim() == entry)
    {
        return EditSet::new();
    }
    let mut set = EditSet::new();
    // Logged after the fact: it goes before the first later entry of the log section,
    // so the log stays in time order.
    if let Some(at) = later_entry_in_section(t, note, heading, minute) {
        set.insert(at, format!("{line}{}", style.eol()));
        return set;
    }
    // A log kept as plain lines (`07:00 wake`) gets a plain line, in time order.
    if let Some((at, at_end_without_eol)) = plain_log_position(t, note, minute) {
        let eol = style.eol();
        let ins = if at_end_without_eol {
            // The note's last line has no line ending, and stays without one.
            format!("{eol}{entry}")
        } else {
            format!("{entry}{eol}")
        };
        set.insert(at, ins);
        return set;
    }
    insert_under_heading(t, note, &style, heading, 2, &[line])
}

/// The start of the line of the first top-level entry under the `heading` section that
/// starts after `minute`, if any.
fn later_entry_in_section(
    text: &str,
    note: &crate::model::Note,
    heading: &str,
    minute: u32,
) -> Option<usize> {
    let hi = note
        .headings
        .iter()
        .position(|h| h.text.eq_ignore_ascii_case(heading))?;
    let h = &note.headings[hi];
    let end = note.headings[hi + 1..]
        .iter()
        .find(|x| x.level <= h.level)
        .map_or(text.len(), |x| x.span.start);
    note.entries
        .iter()
        .filter(|e| e.span.start > h.span.end && e.span.start < end && e.start > minute)
        // Only an entry that is a top-level item: inserting before a nested one would
        // change what it is nested under.
        .filter(|e| text[e.span.start..].starts_with(['-', '*', '+']))
        .map(|e| e.span.start)
        .min()
}

/// Where a plain-line entry goes when the note's log is plain lines (no list items): before
/// the first later plain entry, else after the last one (and whether that is the end of a
/// note without a final line ending). None when the log is not plain.
fn plain_log_position(text: &str, note: &crate::model::Note, minute: u32) -> Option<(usize, bool)> {
    let logged = || {
        note.entries
            .iter()
            .filter(|e| e.source != crate::model::EntrySource::Clock)
    };
    let is_plain = |e: &&crate::model::TimeEntry| {
        let line = text[e.span.range()].trim_start();
        let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        // `1. 09:00 x` is an ordered list item, not a plain line.
        let ordered = matches!(line[digits..].chars().next(), Some('.' | ')'))
            && line[digits + 1..].starts_with(' ');
        digits > 0 && !ordered
    };
    let plain: Vec<&crate::model::TimeEntry> = logged().filter(is_plain).collect();
    if plain.is_empty() || plain.len() != logged().count() {
        return None;
    }
    if let Some(e) = plain
        .iter()
        .filter(|e| e.start > minute)
        .min_by_key(|e| e.span.start)
    {
        return Some((e.span.start, false));
    }
    let end = plain.iter().map(|e| e.span.end).max()?;
    let b = text.as_bytes();
    Some(match b.get(end) {
        Some(b'\r') if b.get(end + 1) == Some(&b'\n') => (end + 2, false),
        Some(_) => (end + 1, false),
        None => (end, true),
    })
}

fn rollover_options(cfg: &Config, o: &RolloverOpts) -> RolloverOptions {
    RolloverOptions {
        mode: match o.mode {
            RolloverMode::Mark => Mode::Mark,
            RolloverMode::Copy => Mode::Copy,
            RolloverMode::Move => Mode::Move,
        },
        keep_done_children: o.keep_done_children,
        heading: cfg.settings.file.daily.tasks_heading.clone(),
        heading_level: 2,
    }
}

pub fn today(
    cfg: &Config,
    a: &TodayArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    if !require_folder(cfg, err)? {
        return Ok(exit::ERROR);
    }
    // Today's notes and the latest earlier day's: one walk finds both.
    let Dated {
        notes: dated,
        mut listed,
    } = dated(
        cfg,
        &Wanted {
            days: vec![cfg.today],
            latest_before: Some(cfg.today),
        },
    );
    let today = find_today(cfg, &dated);
    let mut created_text = None;
    if today.exists {
        writeln!(out, "{}: today's note is there", today.shown)?;
    } else {
        let text = match new_daily_text(cfg, cfg.today) {
            Ok(t) => t,
            Err(m) => return fail(err, &today.shown, &m),
        };
        if a.dry_run {
            // The rollover below is shown against this text, as if it had been written.
            created_text = Some(text);
        } else {
            let target = day_target(cfg, &today, cfg.today, &listed);
            match change::create(&target, &text, false) {
                Ok(o) => {
                    listed.created(&today.path);
                    report(&o, &today.shown, "today's note", out)?;
                }
                Err(CreateError::Exists) => {
                    writeln!(out, "{}: today's note is there", today.shown)?;
                }
                Err(CreateError::Other(m)) => return fail(err, &today.shown, &m),
            }
        }
    }
    let source = dated.iter().rev().find(|d| d.date < cfg.today).cloned();
    if source.is_none() {
        // A first day: today's note is all there is to do, and it is done.
        if let Some(text) = &created_text {
            write!(out, "{}", crate::edit::unified_diff(&today.shown, "", text))?;
        }
        writeln!(out, "nothing to roll over: no note before {}", cfg.today)?;
        return Ok(exit::OK);
    }
    let opts = rollover_options(cfg, &a.rollover);
    do_rollover(
        cfg,
        &today,
        created_text,
        source,
        &opts,
        a.dry_run,
        &mut listed,
        out,
        err,
    )
}

pub fn rollover(
    cfg: &Config,
    a: &RolloverArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    if !require_folder(cfg, err)? {
        return Ok(exit::ERROR);
    }
    let from = match &a.from {
        Some(f) => {
            let Ok(date) = NaiveDate::parse_from_str(f, "%Y-%m-%d") else {
                writeln!(
                    err,
                    "error: --from `{f}` is not a date; write it as YYYY-MM-DD"
                )?;
                return Ok(exit::ERROR);
            };
            if date == cfg.today {
                writeln!(err, "error: --from is today; roll over from an earlier day")?;
                return Ok(exit::ERROR);
            }
            Some(date)
        }
        None => None,
    };
    // Today's notes and the source's: the --from day's, else the latest earlier day's.
    let wanted = match from {
        Some(date) => Wanted::days(&[date, cfg.today]),
        None => Wanted {
            days: vec![cfg.today],
            latest_before: Some(cfg.today),
        },
    };
    let Dated {
        notes: dated,
        mut listed,
    } = dated(cfg, &wanted);
    let source = match from {
        Some(date) => match dated.iter().find(|d| d.date == date) {
            Some(d) => Some(d.clone()),
            None => {
                writeln!(
                    err,
                    "error: there is no note for {date} in {}",
                    cfg.root_shown
                )?;
                return Ok(exit::ERROR);
            }
        },
        None => dated.iter().rev().find(|d| d.date < cfg.today).cloned(),
    };
    let today = find_today(cfg, &dated);
    let mut created_text = None;
    if !today.exists {
        match new_daily_text(cfg, cfg.today) {
            Ok(t) => created_text = Some(t),
            Err(m) => return fail(err, &today.shown, &m),
        }
    }
    let opts = rollover_options(cfg, &a.opts);
    do_rollover(
        cfg,
        &today,
        created_text,
        source,
        &opts,
        a.dry_run,
        &mut listed,
        out,
        err,
    )
}

/// Carries tasks from `source` into today's note. Today's note is written first (created
/// from `new_text` when it does not exist yet), the source only after that succeeded: if
/// anything fails in between, the tasks are in both notes, never in neither. `listed` is what
/// the walk that found the notes listed (a note created here is added to it).
#[allow(clippy::too_many_arguments)]
fn do_rollover(
    cfg: &Config,
    today: &Today,
    new_text: Option<String>,
    source: Option<DatedPath>,
    opts: &RolloverOptions,
    dry_run: bool,
    listed: &mut Listed,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let Some(source) = source else {
        writeln!(out, "nothing to roll over: no note before {}", cfg.today)?;
        return Ok(exit::WARNINGS);
    };
    let src_target =
        |listed: &Listed| note_target(cfg, &source.path, &source.shown, source.date, listed);
    let (src_text, src_note) = match change::read(&src_target(listed)) {
        Ok(r) => r,
        Err(m) => return fail(err, &source.shown, &m),
    };
    let today_opts = parse_opts(cfg, Some(cfg.today));
    let today_target = day_target(cfg, today, cfg.today, listed);
    // 1. Today's note.
    let carried: usize;
    let target_after: String = match &new_text {
        Some(base) => {
            let note = parse_note(base, &today_opts);
            let plan = plan_rollover(&src_text, &src_note, base, &note, opts);
            if let Some(e) = plan.refused {
                return fail(err, &today.shown, &e.to_string());
            }
            carried = plan.carried_lines.len();
            let contents = match plan.target.apply_checked(base, &today_opts) {
                Ok(c) => c,
                Err(e) => return fail(err, &today.shown, &e.to_string()),
            };
            if dry_run {
                let diff = crate::edit::unified_diff(&today.shown, "", &contents);
                write!(out, "{diff}")?;
                contents
            } else {
                match change::create(&today_target, &contents, false) {
                    Ok(o) => {
                        listed.created(&today.path);
                        report(&o, &today.shown, &plural_tasks(carried), out)?;
                        contents
                    }
                    Err(CreateError::Exists) => {
                        return fail(
                            err,
                            &today.shown,
                            "it appeared while mdtasks was creating it; run again",
                        );
                    }
                    Err(CreateError::Other(m)) => return fail(err, &today.shown, &m),
                }
            }
        }
        None => {
            // The plan records what it carried and, for a dry run, the text it planned on:
            // today's note is read once, by the edit itself.
            let seen = std::cell::RefCell::new((0, String::new()));
            let plan_target = |t: &str, note: &crate::model::Note| {
                let plan = plan_rollover(&src_text, &src_note, t, note, opts);
                *seen.borrow_mut() = (plan.carried_lines.len(), t.to_string());
                match plan.refused {
                    Some(e) => Err(e),
                    None => Ok(plan.target),
                }
            };
            let outcome = change::edit(&today_target, dry_run, plan_target);
            let (n, planned_on) = seen.take();
            carried = n;
            match outcome {
                Ok(o) => report(&o, &today.shown, &plural_tasks(carried), out)?,
                Err(m) => return fail(err, &today.shown, &m),
            }
            if dry_run {
                let note = parse_note(&planned_on, &today_opts);
                plan_rollover(&src_text, &src_note, &planned_on, &note, opts)
                    .target
                    .apply_checked(&planned_on, &today_opts)
                    .unwrap_or(planned_on)
            } else {
                // What is on disk now: the rolled-over tasks and anything appended meanwhile.
                match std::fs::read_to_string(&today.path) {
                    Ok(t) => t,
                    Err(e) => return fail(err, &today.shown, &e.to_string()),
                }
            }
        }
    };
    // 2. The source, planned against today's note as it now is: what today's note holds is
    // what counts as rolled over.
    let after_note = parse_note(&target_after, &today_opts);
    let plan_source = |t: &str, note: &crate::model::Note| {
        Ok(plan_rollover(t, note, &target_after, &after_note, opts).source)
    };
    match change::edit(&src_target(listed), dry_run, plan_source) {
        Ok(Outcome::Unchanged) | Ok(Outcome::WouldChange(_)) if carried == 0 && !dry_run => {
            writeln!(out, "nothing to roll over from {}", source.shown)?;
        }
        Ok(o) => report(&o, &source.shown, "marked rolled over", out)?,
        Err(m) => return fail(err, &source.shown, &m),
    }
    Ok(exit::OK)
}

fn plural_tasks(n: usize) -> String {
    if n == 1 {
        "rolled over 1 task".into()
    } else {
        format!("rolled over {n} tasks")
    }
}

/// `summarize --write NOTE`: the Markdown report into NOTE's region.
pub fn write_region(
    cfg: &Config,
    note: &Path,
    region: &str,
    markdown: &str,
    dry_run: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let shown = note.to_string_lossy().into_owned();
    // Only notes inside the notes folder are written.
    let root = writable_root(cfg);
    let target = Target {
        root: &root,
        path: note.to_path_buf(),
        shown: shown.clone(),
        parse: parse_opts(cfg, None),
        piece_bytes: cfg.piece_bytes,
        conflict_copy: None,
    };
    let what = format!("region `{region}` updated");
    // Only the note's outline is read (a long note in pieces, never its whole model).
    let plan = |t: &str, n: &Outline| replace_region(t, n, region, markdown);
    if !note.exists() {
        let n = Outline::read(Text::Borrowed(""), &target.parse, target.piece_bytes, None);
        let contents = match plan("", &n).and_then(|e| e.apply_checked("", &target.parse)) {
            Ok(c) => c,
            Err(e) => return fail(err, &shown, &e.to_string()),
        };
        return match change::create(&target, &contents, dry_run) {
            Ok(o) => {
                report(&o, &shown, &what, out)?;
                Ok(exit::OK)
            }
            Err(CreateError::Exists) => fail(err, &shown, "it appeared meanwhile; run again"),
            Err(CreateError::Other(m)) => fail(err, &shown, &m),
        };
    }
    match change::edit_outline(&target, dry_run, None, plan) {
        Ok(o) => {
            report(&o, &shown, &what, out)?;
            Ok(exit::OK)
        }
        Err(m) => fail(err, &shown, &m),
    }
}

/// A note whose progress cookies were found out of date when the notes were read.
pub struct ProgressNote {
    pub rel: String,
    /// As shown to the user.
    pub path: String,
    /// The note's date, as it was parsed.
    pub date: Option<NaiveDate>,
    /// Its length when it was read, in bytes.
    pub len: usize,
}

/// How many short notes `tasks --write-progress` edits at once.
const PROGRESS_AT_ONCE: usize = 64;

/// `tasks --write-progress`: every parent task's `[done/total]` cookie made current, in the
/// notes found out of date, note by note; each note is re-read and re-planned when it is
/// written (a note changed since is planned on its new bytes).
pub fn write_progress(
    cfg: &Config,
    notes: &[ProgressNote],
    dry_run: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    use rayon::prelude::*;
    let mut code = exit::OK;
    let mut changed = 0;
    let root = writable_root(cfg);
    let mut copies = crate::change::ConflictCopies::default();
    // The notes are edited a few at a time on rayon's threads, and reported in their order:
    // a chunk's outcomes (a dry run's diffs) are all that is held. A long note is edited on
    // its own: it takes tens of MiB (it is read in pieces, but held with its edited copy).
    let mut from = 0;
    while from < notes.len() {
        let long = |n: &ProgressNote| n.len > cfg.piece_bytes;
        let to = if long(&notes[from]) {
            from + 1
        } else {
            let short = notes[from..].iter().take(PROGRESS_AT_ONCE);
            from + short.take_while(|n| !long(n)).count()
        };
        let chunk = &notes[from..to];
        from = to;
        let targets: Vec<Target> = chunk
            .iter()
            .map(|n| {
                let path = if n.rel.is_empty() {
                    cfg.root.clone()
                } else {
                    cfg.root.join(&n.rel)
                };
                Target {
                    root: &root,
                    conflict_copy: Some(copies.beside(&path)),
                    path,
                    shown: n.path.clone(),
                    parse: parse_opts(cfg, n.date),
                    piece_bytes: cfg.piece_bytes,
                }
            })
            .collect();
        // A task and its subtasks always lie in one piece of a long note.
        let plan = &crate::edit::progress::plan_progress_cookies;
        let outcomes: Vec<Result<Outcome, String>> = targets
            .par_iter()
            .map(|target| change::edit_by_pieces(target, dry_run, plan))
            .collect();
        for (n, outcome) in chunk.iter().zip(outcomes) {
            match outcome {
                Ok(o) => {
                    changed += usize::from(o != Outcome::Unchanged);
                    report(&o, &n.path, "progress updated", out)?;
                }
                Err(m) => {
                    writeln!(err, "error: cannot change {}: {m}", n.path)?;
                    code = exit::ERROR;
                }
            }
        }
    }
    if changed == 0 && code == exit::OK {
        writeln!(out, "every progress cookie is up to date")?;
    }
    Ok(code)
}

/// `add TITLE [--checklist NAME]`: a task, or a checklist's micro-tasks, under today's tasks
/// heading. A second run adds nothing: the first line's task is looked for first.
pub fn add(cfg: &Config, a: &AddArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<i32> {
    if !require_folder(cfg, err)? {
        return Ok(exit::ERROR);
    }
    let title = a.title.trim();
    if title.is_empty() || title.contains(['\n', '\r']) {
        writeln!(err, "error: the title must be one line, and not empty")?;
        return Ok(exit::ERROR);
    }
    let template = match &a.checklist {
        None => None,
        Some(name) => {
            let valid = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '));
            let p = cfg
                .root
                .join("templates/checklists")
                .join(format!("{name}.md"));
            match std::fs::read_to_string(&p) {
                Ok(t) if valid => Some(t),
                _ => {
                    writeln!(
                        err,
                        "error: there is no checklist `{name}`\nhint: write it as a nested checkbox list in {}",
                        shown_join(&cfg.root_shown, &format!("templates/checklists/{name}.md"))
                    )?;
                    return Ok(exit::ERROR);
                }
            }
        }
    };
    let heading = cfg.settings.file.daily.tasks_heading.clone();
    let today_date = cfg.today;
    let plan = |t: &str, note: &crate::model::Note| {
        plan_add(t, note, title, template.as_deref(), today_date, &heading)
    };
    let what = match &a.checklist {
        Some(n) => format!("added checklist `{n}` for `{title}`"),
        None => format!("added `{title}`"),
    };
    edit_today(cfg, a.dry_run, &what, plan, out, err)
}

/// The edits `add` makes to a note `t` (parsed as `note`): the task `title`, or the
/// checklist `template` filled in for it, under `heading`. Empty when the first line's task
/// is already there: a second run adds nothing. Refused when the task would not be read back.
pub fn plan_add(
    t: &str,
    note: &crate::model::Note,
    title: &str,
    template: Option<&str>,
    today: NaiveDate,
    heading: &str,
) -> Result<EditSet, crate::edit::EditError> {
    let style = Style::detect(t, note);
    let lines = match template {
        Some(tpl) => daily::checklist_lines(tpl, title, today, &style),
        None => vec![style.task(0, ' ', title)],
    };
    let Some(first) = lines.first() else {
        return Ok(EditSet::new());
    };
    // The first line alone, unindented (four spaces would make it code): its task's text.
    let first_task = parse_note(first.trim_start(), &ParseOptions::default())
        .tasks
        .first()
        .map(|t| t.text.clone());
    let there = match &first_task {
        Some(text) => note.tasks.iter().any(|t| t.text == *text),
        // A checklist whose first item is no task (`- Prepare`, `- [??] x`): its first line
        // (an item may hold a lone CR, which the note's line ending replaces when written).
        None => {
            let line = first.split(['\n', '\r']).next().unwrap_or("").trim();
            t.split(['\n', '\r']).any(|l| l.trim() == line)
        }
    };
    if there {
        return Ok(EditSet::new());
    }
    let set = insert_under_heading(t, note, &style, heading, 2, &lines);
    // Read back: appended after an unclosed code fence or HTML comment, the task would be
    // invisible, and every later run would add it again.
    if let Some(text) = first_task {
        let after = set.apply(t)?;
        let opts = ParseOptions::default();
        if !parse_note(&after, &opts)
            .tasks
            .iter()
            .any(|x| x.text == text)
        {
            return Err(crate::edit::EditError::NotReadBack {
                what: format!("task `{text}`"),
            });
        }
    }
    Ok(set)
}

/// Applies `plan` to today's note, creating the note first (from the template) when it does
/// not exist. If another process creates it at the same moment, the plan is applied to
/// that note instead: nothing is overwritten and nothing is lost.
fn edit_today<F>(
    cfg: &Config,
    dry_run: bool,
    what: &str,
    mut plan: F,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32>
where
    F: FnMut(&str, &crate::model::Note) -> Result<EditSet, crate::edit::EditError>,
{
    let (today, listed) = locate_day(cfg, cfg.today);
    let opts = parse_opts(cfg, Some(cfg.today));
    let target = day_target(cfg, &today, cfg.today, &listed);
    if !today.exists {
        let base = match new_daily_text(cfg, cfg.today) {
            Ok(t) => t,
            Err(m) => return fail(err, &today.shown, &m),
        };
        let note = parse_note(&base, &opts);
        let contents = match plan(&base, &note).and_then(|e| e.apply_checked(&base, &opts)) {
            Ok(c) => c,
            Err(e) => return fail(err, &today.shown, &e.to_string()),
        };
        match change::create(&target, &contents, dry_run) {
            Ok(o) => {
                report(&o, &today.shown, what, out)?;
                return Ok(exit::OK);
            }
            Err(CreateError::Exists) => {}
            Err(CreateError::Other(m)) => return fail(err, &today.shown, &m),
        }
    }
    match change::edit(&target, dry_run, plan) {
        Ok(o) => {
            report(&o, &today.shown, what, out)?;
            Ok(exit::OK)
        }
        Err(m) => fail(err, &today.shown, &m),
    }
}

/// `open [DATE] [PATH] [--create]`: the path of the day's note on stdout, for
/// `$EDITOR "$(mdtasks open)"`. With `--create` a missing note is created as `today` would
/// create it (template and the day's time blocks), without rolling over.
pub fn open(
    cfg: &Config,
    a: &OpenArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    if !require_folder(cfg, err)? {
        return Ok(exit::ERROR);
    }
    let date = match a.positionals().0 {
        // Checked when the flags were resolved.
        Some(d) => crate::app::parse_day(d, cfg.today).unwrap_or(cfg.today),
        None => cfg.today,
    };
    let (day, listed) = locate_day(cfg, date);
    if day.exists {
        writeln!(out, "{}", day.shown)?;
        return Ok(exit::OK);
    }
    if !a.create {
        if !cfg.quiet {
            writeln!(
                err,
                "no note for {date}; it would be {}\nhint: `mdtasks open --create` creates it",
                day.shown
            )?;
        }
        return Ok(exit::WARNINGS);
    }
    let text = match new_daily_text(cfg, date) {
        Ok(t) => t,
        Err(m) => return fail(err, &day.shown, &m),
    };
    let target = day_target(cfg, &day, date, &listed);
    match change::create(&target, &text, false) {
        Ok(_) => {
            if !cfg.quiet {
                writeln!(err, "{}: created", day.shown)?;
            }
        }
        // Another program created it meanwhile: it is there, which is all that was asked.
        Err(CreateError::Exists) => {}
        Err(CreateError::Other(m)) => return fail(err, &day.shown, &m),
    }
    writeln!(out, "{}", day.shown)?;
    Ok(exit::OK)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Note;

    fn note(t: &str) -> Note {
        parse_note(t, &ParseOptions::with_defaults())
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    /// Found by the `edit` fuzz target: in a note with lone-CR line endings, `log` did not see
    /// the entry it had written (`lines()` splits at `\n` only) and logged it again.
    #[test]
    fn log_twice_in_a_lone_cr_note_adds_one_entry() {
        let t = "# Day\r## Log\r- 07:00 wake\r";
        let set = plan_log(t, &note(t), "09:00 write", 540, "Log");
        let once = set
            .apply_checked(t, &ParseOptions::with_defaults())
            .unwrap();
        assert!(once.contains("- 09:00 write\r"), "{once:?}");
        assert!(plan_log(&once, &note(&once), "09:00 write", 540, "Log").is_empty());
    }

    /// Found by the `edit` fuzz target: a checklist whose first item is indented (four spaces
    /// alone make code) or is no task at all was added again by every run.
    #[test]
    fn add_checklist_twice_adds_it_once() {
        for tpl in [
            "  - [ ] Outline\n    - [ ] Intro\n",
            "- Prepare\n  - [ ] Outline\n",
        ] {
            let t = "## Tasks\n- [ ] a\n";
            let set = plan_add(t, &note(t), "Post", Some(tpl), day(), "Tasks").unwrap();
            let once = set
                .apply_checked(t, &ParseOptions::with_defaults())
                .unwrap();
            let again = plan_add(&once, &note(&once), "Post", Some(tpl), day(), "Tasks").unwrap();
            assert!(again.is_empty(), "{tpl:?}: {once:?}");
        }
    }

    /// Found by the `edit` fuzz target: a task added after an unclosed HTML comment was
    /// invisible, and added again by every run. Now `add` refuses.
    #[test]
    fn add_refuses_a_task_that_would_be_hidden() {
        let t = "# Today\n<!-- draft\n";
        let e = plan_add(t, &note(t), "Send the invoice", None, day(), "Tasks").unwrap_err();
        assert!(
            matches!(e, crate::edit::EditError::NotReadBack { .. }),
            "{e}"
        );
    }
}
