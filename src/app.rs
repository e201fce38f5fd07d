//! The second and third CLI stages: flags + environment + config file become a `Config`,
//! and `run` carries out one command with it.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::cli::{self, Cli, ColorChoice, Command, ListFormat};
use crate::config::Settings;
use crate::diagnostic::Severity;
use crate::load::{self, FileDiagnostic, LoadOptions, Loaded, LoadedNote};
use crate::output::{self, EntryKey};
use crate::parse::ParseOptions;
use crate::report;

/// What the outside world says, gathered by `main` so that everything below is testable.
#[derive(Debug, Clone)]
pub struct Env {
    pub today: NaiveDate,
    /// The time of day now (for `log` without `--at`).
    pub now: chrono::NaiveTime,
    pub no_color: bool,
    pub stdout_is_terminal: bool,
    pub stderr_is_terminal: bool,
    /// The user's config file, where it would be (`$XDG_CONFIG_HOME/mdtasks/config.toml`,
    /// else `$HOME/.config/mdtasks/config.toml`); it need not exist.
    pub user_config: Option<PathBuf>,
}

/// Where the settings came from: the first of these that exists wins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// `--config FILE`.
    Flag(PathBuf),
    /// `.mdtasks.toml` in the notes folder.
    NotesFolder(PathBuf),
    /// The user's config file.
    User(PathBuf),
    /// No file: the built-in defaults.
    Defaults,
}

impl ConfigSource {
    pub fn path(&self) -> Option<&Path> {
        match self {
            ConfigSource::Flag(p) | ConfigSource::NotesFolder(p) | ConfigSource::User(p) => Some(p),
            ConfigSource::Defaults => None,
        }
    }

    /// One line for people: the file and how it was found.
    pub fn describe(&self) -> String {
        match self {
            ConfigSource::Flag(p) => format!("{} (--config)", p.display()),
            ConfigSource::NotesFolder(p) => {
                format!("{} (.mdtasks.toml in the notes folder)", p.display())
            }
            ConfigSource::User(p) => format!("{} (the user's config file)", p.display()),
            ConfigSource::Defaults => "built-in defaults (no config file found)".to_string(),
        }
    }
}

/// Exit codes, the same for every command.
pub mod exit {
    /// Success.
    pub const OK: i32 = 0;
    /// Nothing found, or only warnings (`check`).
    pub const WARNINGS: i32 = 1;
    /// Errors: bad usage, unreadable files, errors in notes.
    pub const ERROR: i32 = 2;
}

#[derive(Debug)]
pub struct Config {
    /// Show a progress bar on stderr while reading many notes (a terminal, not --quiet).
    pub progress: bool,
    pub today: NaiveDate,
    /// `today` was given with `--today` (a long-running `watch` otherwise reads the clock).
    pub today_from_flag: bool,
    pub now: chrono::NaiveTime,
    pub color: bool,
    pub quiet: bool,
    pub root: PathBuf,
    /// The path as the user wrote it, for display.
    pub root_shown: String,
    pub settings: Settings,
    /// Where `settings` came from.
    pub config_source: ConfigSource,
    /// The settings Obsidian's `.obsidian/daily-notes.json` filled in, if any.
    pub obsidian: Option<ObsidianSettings>,
    /// Problems that do not stop the command (a malformed Obsidian settings file), printed
    /// on stderr before it runs.
    pub warnings: Vec<String>,
    pub command: Command,
    /// From how many bytes a note is read in pieces by the commands that fold notes into a
    /// report ([`load::PIECE_BYTES`]; the tests make it small, to cut every note they can).
    #[doc(hidden)]
    pub piece_bytes: usize,
}

/// The settings taken from Obsidian's daily-notes file.
#[derive(Debug, Clone)]
pub struct ObsidianSettings {
    /// The file, as shown to the user.
    pub shown: String,
    pub applied: crate::obsidian::Applied,
}

/// A problem before any note is read: bad flags or a bad config file.
#[derive(Debug)]
pub struct UsageError {
    pub message: String,
}

fn parse_date_flag(flag: &str, v: &str) -> Result<NaiveDate, UsageError> {
    NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| UsageError {
        message: format!(
            "error: {flag} `{v}` is not a date; write it as YYYY-MM-DD, e.g. 2026-11-24"
        ),
    })
}

impl Config {
    pub fn resolve(cli: Cli, env: &Env) -> Result<Config, UsageError> {
        let open_path: Option<PathBuf>;
        let today = match &cli.today {
            Some(t) => parse_date_flag("--today", t)?,
            None => env.today,
        };
        let color = match cli.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => env.stdout_is_terminal && !env.no_color,
        };
        let path = match &cli.command {
            Command::Check(p) => &p.path,
            Command::Tasks(a) => &a.path.path,
            Command::Entries(a) => &a.path.path,
            Command::Summarize(a) => &a.path.path,
            Command::Init(p) => &p.path,
            Command::Log(a) => &a.path.path,
            Command::Today(a) => &a.path.path,
            Command::Rollover(a) => &a.path.path,
            Command::Add(a) => &a.path.path,
            Command::Next(a) => &a.path.path,
            Command::Blocks(a) => &a.path.path,
            Command::Export(a) => &a.path.path,
            Command::Config(p) => &p.path,
            Command::Watch(a) => &a.path.path,
            Command::Open(a) => {
                let (date, path) = a.positionals();
                if let Some(d) = date {
                    parse_day(d, today).ok_or_else(|| UsageError {
                        message: format!(
                            "error: `{d}` is not a day; write it as YYYY-MM-DD (2026-11-24), \
                             today, yesterday or tomorrow"
                        ),
                    })?;
                }
                open_path = path;
                &open_path
            }
            Command::Completions(_) | Command::Man => &None,
        };
        let (root, root_shown) = match path {
            Some(p) => (p.clone(), p.to_string_lossy().into_owned()),
            None => (PathBuf::from("."), ".".to_string()),
        };
        // `init` must work where the config is broken or absent: it never reads it; nor do
        // the commands that only describe the CLI.
        let reads_config = !matches!(
            cli.command,
            Command::Init(_) | Command::Completions(_) | Command::Man
        );
        let config_source = if reads_config {
            discover_config(cli.config.as_deref(), &root, env)
        } else {
            ConfigSource::Defaults
        };
        let (mut settings, written) = match config_source.path() {
            None => (Settings::default(), None),
            Some(p) => {
                let (s, t) = load_settings(p)?;
                (s, Some(t))
            }
        };
        let mut warnings = Vec::new();
        let obsidian = if reads_config {
            obsidian_settings(
                &root,
                &root_shown,
                &mut settings,
                written.as_ref(),
                &mut warnings,
            )
        } else {
            None
        };
        Ok(Config {
            progress: env.stderr_is_terminal && !cli.quiet,
            today,
            today_from_flag: cli.today.is_some(),
            now: env.now,
            color,
            quiet: cli.quiet,
            root,
            root_shown,
            settings,
            config_source,
            obsidian,
            warnings,
            command: cli.command,
            piece_bytes: load::PIECE_BYTES,
        })
    }
}

/// The config file: `--config`, else `.mdtasks.toml` in the notes folder, else the user's
/// config file, else none (the built-in defaults).
fn discover_config(flag: Option<&Path>, root: &Path, env: &Env) -> ConfigSource {
    if let Some(c) = flag {
        return ConfigSource::Flag(c.to_path_buf());
    }
    let p = root.join(".mdtasks.toml");
    if p.is_file() {
        return ConfigSource::NotesFolder(p);
    }
    match &env.user_config {
        Some(u) if u.is_file() => ConfigSource::User(u.clone()),
        _ => ConfigSource::Defaults,
    }
}

/// A day as `open` takes it: YYYY-MM-DD, `today`, `yesterday` or `tomorrow`.
pub fn parse_day(s: &str, today: NaiveDate) -> Option<NaiveDate> {
    match s.trim().to_ascii_lowercase().as_str() {
        "today" => Some(today),
        "yesterday" => today.pred_opt(),
        "tomorrow" => today.succ_opt(),
        other => NaiveDate::parse_from_str(other, "%Y-%m-%d").ok(),
    }
}

/// The settings in a config file, and the file as a table (to tell what it sets from what it
/// leaves to the defaults).
fn load_settings(p: &Path) -> Result<(Settings, toml::Table), UsageError> {
    let shown = p.to_string_lossy();
    let text = std::fs::read_to_string(p).map_err(|e| UsageError {
        message: format!("error: cannot read the config file {shown}: {e}"),
    })?;
    let settings = Settings::parse(&text).map_err(|d| UsageError {
        message: d.render(&shown).trim_end().to_string(),
    })?;
    Ok((settings, text.parse::<toml::Table>().unwrap_or_default()))
}

/// Obsidian's daily-note settings (`.obsidian/daily-notes.json` in the notes folder) fill
/// what the config file (`written`, None without one) leaves unset. A file that cannot be
/// read or understood is a warning naming it: the command still runs, on mdtasks's own
/// settings.
fn obsidian_settings(
    root: &Path,
    root_shown: &str,
    settings: &mut Settings,
    written: Option<&toml::Table>,
    warnings: &mut Vec<String>,
) -> Option<ObsidianSettings> {
    use crate::obsidian::{self, DAILY_NOTES_JSON};
    let path = root.join(DAILY_NOTES_JSON);
    if !root.is_dir() || !path.exists() {
        return None;
    }
    let shown = if root_shown.is_empty() || root_shown == "." {
        DAILY_NOTES_JSON.to_string()
    } else {
        format!("{}/{DAILY_NOTES_JSON}", root_shown.trim_end_matches('/'))
    };
    let ignored = "Obsidian's daily-note settings are not used";
    let daily = match std::fs::read_to_string(&path).map_err(|e| e.to_string()) {
        Ok(text) => obsidian::parse(&text),
        Err(e) => Err(format!("cannot be read ({e})")),
    };
    let daily = match daily {
        Ok(d) => d,
        Err(why) => {
            warnings.push(format!(
                "warning: {shown}: {why}; {ignored}
hint: fix it in Obsidian (Settings → Daily                  notes), or set [daily] in .mdtasks.toml"
            ));
            return None;
        }
    };
    let is_set = |section: &str, key: &str| {
        written
            .and_then(|t| t.get(section))
            .and_then(|s| s.as_table())
            .is_some_and(|s| s.contains_key(key))
    };
    let applied = obsidian::apply(&mut settings.file, &daily, &is_set);
    for w in &applied.warnings {
        warnings.push(format!("warning: {shown}: {w}"));
    }
    settings.daily_moment = applied.moment.clone();
    (!applied.filled.is_empty()).then_some(ObsidianSettings { shown, applied })
}

pub(crate) fn load_notes(cfg: &Config) -> Result<Loaded, load::LoadError> {
    load_notes_with(cfg, cfg.progress)
}

/// `load_notes`, choosing whether a progress bar may be drawn (a watcher draws it only for
/// its first pass).
pub(crate) fn load_notes_with(cfg: &Config, progress: bool) -> Result<Loaded, load::LoadError> {
    load::load(
        &cfg.root,
        &cfg.root_shown,
        &LoadOptions {
            progress,
            ..load_options(cfg)
        },
    )
}

pub(crate) fn load_options(cfg: &Config) -> LoadOptions {
    LoadOptions {
        parse: ParseOptions {
            name_date: None,
            plan_headings: cfg.settings.plan_headings_lower(),
        },
        date_format: cfg.settings.file.notes.date_format.clone(),
        serial: false,
        exclude: cfg.settings.file.notes.exclude.clone(),
        progress: cfg.progress,
        named_within: None,
        reader_threads: None,
        during_walk: None,
        pieces: None,
    }
}

/// [`load_options`] for the commands whose report is the same whether a long note comes
/// whole or in pieces (what they fold from a note they fold the same from its pieces, and
/// a day never lies in two pieces): a note of years of days is then never whole in memory.
pub(crate) fn piece_options(cfg: &Config) -> LoadOptions {
    LoadOptions {
        pieces: Some(cfg.piece_bytes),
        ..load_options(cfg)
    }
}

/// The message for a folder that cannot be read at all.
fn load_failed(cfg: &Config, e: &load::LoadError, err: &mut dyn Write) -> io::Result<i32> {
    writeln!(err, "error: {e}")?;
    writeln!(
        err,
        "hint: give the path of a notes folder or a note, e.g. `mdtasks {} journal/`",
        command_name(&cfg.command)
    )?;
    Ok(exit::ERROR)
}

/// Runs the command. Returns the exit code; an `Err` is a failure to write the output.
pub fn run(cfg: &Config, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<i32> {
    for w in &cfg.warnings {
        writeln!(err, "{w}")?;
    }
    match &cfg.command {
        Command::Init(_) => init(cfg, out, err),
        Command::Log(a) => crate::commands::log(cfg, a, out, err),
        Command::Today(a) => crate::commands::today(cfg, a, out, err),
        Command::Rollover(a) => crate::commands::rollover(cfg, a, out, err),
        Command::Add(a) => crate::commands::add(cfg, a, out, err),
        Command::Open(a) => crate::commands::open(cfg, a, out, err),
        Command::Watch(a) => crate::watch::watch(cfg, a, out, err),
        Command::Config(_) => show_config(cfg, out),
        Command::Completions(a) => completions(a.shell, out),
        Command::Man => man(out),
        Command::Summarize(a) => summarize(cfg, a, out, err),
        Command::Check(_) => check(cfg, out, err),
        Command::Tasks(a) if a.in_progress => tasks_in_progress(cfg, a, out, err),
        Command::Tasks(a) if a.stale.is_some() => stale_tasks(cfg, a, out, err),
        Command::Tasks(a) if a.write_progress => write_progress(cfg, a, out, err),
        Command::Tasks(a) => list_tasks(cfg, a, out, err),
        Command::Entries(a) => list_entries(cfg, a, out, err),
        Command::Blocks(a) => blocks(cfg, a, out, err),
        Command::Next(a) => next(cfg, a, out, err),
        Command::Export(a) => export(cfg, a, out, err),
    }
}

/// `mdtasks tasks --write-progress`: the notes streamed to find those whose progress
/// cookies are out of date, then each of them changed (re-read, re-planned, written).
fn write_progress(
    cfg: &Config,
    a: &cli::TasksArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let mut stale: Vec<crate::commands::ProgressNote> = Vec::new();
    // A long note is read in pieces (a task and its subtasks always lie in one): the note is
    // out of date if any of its pieces is.
    let streamed = stream_notes(
        cfg,
        &piece_options(cfg),
        false,
        |ln| {
            let plan = crate::edit::progress::plan_progress_cookies(&ln.note);
            (!plan.is_empty()).then_some(crate::commands::ProgressNote {
                rel: ln.rel,
                path: ln.path,
                date: ln.note.date,
                len: ln.note.len,
            })
        },
        |n| {
            if let Some(n) = n
                && stale.last().is_none_or(|s| s.rel != n.rel)
            {
                stale.push(n);
            }
            true
        },
    );
    if let Err(e) = streamed {
        return load_failed(cfg, &e, err);
    }
    crate::commands::write_progress(cfg, &stale, a.dry_run, out, err)
}

/// Writes the commented default config; never overwrites an existing one.
fn init(cfg: &Config, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<i32> {
    if !cfg.root.is_dir() {
        writeln!(err, "error: {} is not a folder", cfg.root_shown)?;
        return Ok(exit::ERROR);
    }
    let path = cfg.root.join(".mdtasks.toml");
    let shown = format!("{}/.mdtasks.toml", cfg.root_shown.trim_end_matches('/'));
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| {
            f.write_all(crate::config::DEFAULT_CONFIG.as_bytes())?;
            f.sync_all()
        });
    match created {
        Ok(()) => {
            writeln!(out, "wrote {shown}; edit it to set your categories")?;
            Ok(exit::OK)
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            writeln!(
                err,
                "error: {shown} already exists; mdtasks does not overwrite it\nhint: edit it, or remove it and run `mdtasks init` again"
            )?;
            Ok(exit::ERROR)
        }
        Err(e) => {
            writeln!(err, "error: cannot write {shown}: {e}")?;
            Ok(exit::ERROR)
        }
    }
}

fn command_name(c: &Command) -> &'static str {
    match c {
        Command::Check(_) => "check",
        Command::Tasks(_) => "tasks",
        Command::Entries(_) => "entries",
        Command::Summarize(_) => "summarize",
        Command::Init(_) => "init",
        Command::Log(_) => "log",
        Command::Today(_) => "today",
        Command::Rollover(_) => "rollover",
        Command::Add(_) => "add",
        Command::Next(_) => "next",
        Command::Blocks(_) => "blocks",
        Command::Export(_) => "export",
        Command::Open(_) => "open",
        Command::Watch(_) => "watch",
        Command::Config(_) => "config",
        Command::Completions(_) => "completions",
        Command::Man => "man",
    }
}

/// `mdtasks completions SHELL`. Generated into memory first: the generator panics on a
/// failed write, and a closed pipe must stay a quiet exit 0.
fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> io::Result<i32> {
    use clap::CommandFactory;
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "mdtasks", &mut buf);
    out.write_all(&buf)?;
    Ok(exit::OK)
}

/// `mdtasks man`: the roff man page.
fn man(out: &mut dyn Write) -> io::Result<i32> {
    use clap::CommandFactory;
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut buf)?;
    out.write_all(&buf)?;
    Ok(exit::OK)
}

/// `mdtasks config`: where the settings came from, each top-level section's origin (set in
/// the file, or the default), then the resolved settings as TOML. The whole output is TOML.
fn show_config(cfg: &Config, out: &mut dyn Write) -> io::Result<i32> {
    // Each section's origin is judged on what the config file alone says; the values
    // Obsidian's settings filled in are named on their own lines.
    let mut own = cfg.settings.file.clone();
    let filled = cfg
        .obsidian
        .as_ref()
        .map(|o| o.applied.filled.as_slice())
        .unwrap_or_default();
    crate::obsidian::unfill(&mut own, filled);
    let sections = crate::config::section_origins(&own);
    writeln!(out, "# settings from {}", cfg.config_source.describe())?;
    if let Some(o) = &cfg.obsidian {
        writeln!(
            out,
            "# and from {} (Obsidian's daily notes), for what that leaves unset:",
            o.shown
        )?;
        for f in filled {
            writeln!(
                out,
                "#   {} = {:?}  (Obsidian's {})",
                f.key, f.value, f.from
            )?;
        }
    }
    let from = match cfg.config_source.path() {
        Some(p) => format!("set in {}", p.display()),
        None => "default".to_string(),
    };
    for (name, set) in &sections {
        let mut origin = if *set { from.clone() } else { "default".into() };
        let keys: Vec<&str> = filled
            .iter()
            .filter_map(|f| f.key.strip_prefix(&format!("{name}.")))
            .collect();
        if let Some(o) = cfg.obsidian.as_ref().filter(|_| !keys.is_empty()) {
            let these = format!("{} from {}", keys.join(", "), o.shown);
            origin = if *set {
                format!("{origin}; {these}")
            } else {
                these
            };
        }
        writeln!(out, "# {name}: {origin}")?;
    }
    writeln!(out, "# (optional settings that are unset are left out)")?;
    writeln!(out)?;
    write!(out, "{}", crate::config::resolved_toml(&cfg.settings))?;
    Ok(exit::OK)
}

/// 2 when a file could not be read or a note has errors, 1 when nothing was listed, else 0.
fn exit_code(errors: bool, listed: usize) -> i32 {
    if errors {
        exit::ERROR
    } else if listed == 0 {
        exit::WARNINGS
    } else {
        exit::OK
    }
}

/// Listing commands show files they could not read in full (the user's data is missing from
/// the listing) and only count problems inside notes, pointing to `check`.
fn report_problem_lines(
    cfg: &Config,
    problems: &[FileDiagnostic],
    in_notes: usize,
    note_errors: usize,
    err: &mut dyn Write,
) -> io::Result<()> {
    for p in problems {
        if p.diagnostic.severity == Severity::Error {
            write!(err, "{}", p.diagnostic.render(&p.path))?;
        }
    }
    if in_notes > 0 && !cfg.quiet {
        writeln!(
            err,
            "{} in the notes ({note_errors} errors); run `mdtasks check` to see them",
            plural(in_notes, "problem"),
        )?;
    }
    Ok(())
}

pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// What streaming the notes found, besides what the sink took.
pub(crate) struct Streamed {
    pub(crate) notes: usize,
    /// Problems inside notes (every one with `keep_diagnostics`, else none).
    pub(crate) diagnostics: Vec<FileDiagnostic>,
    pub(crate) in_notes: usize,
    pub(crate) note_errors: usize,
    /// Problems that kept files from being read, or that concern the folder.
    pub(crate) problems: Vec<FileDiagnostic>,
}

impl Streamed {
    /// A file could not be read, or a note has errors.
    fn has_errors(&self) -> bool {
        self.note_errors > 0
            || self
                .problems
                .iter()
                .any(|p| p.diagnostic.severity == Severity::Error)
    }
}

/// Streams the notes (read with `opts`) through `map`, on any thread, into `sink`, in path
/// order (it returns false to stop the reading), counting the problems inside the notes on
/// the way: only a chunk of notes is ever in memory. `map` gets each note without its
/// diagnostics, which are counted (and kept, with `keep_diagnostics`) here.
pub(crate) fn stream_notes<T: Send>(
    cfg: &Config,
    opts: &LoadOptions,
    keep_diagnostics: bool,
    map: impl Fn(LoadedNote) -> T + Sync,
    sink: impl FnMut(T) -> bool,
) -> Result<Streamed, load::LoadError> {
    stream_settled(cfg, opts, keep_diagnostics, map, |_| {}, sink)
}

/// [`stream_notes`], with `settle` called on each result on the thread that made it, once
/// its note is read for good (see [`load::stream`]).
pub(crate) fn stream_settled<T: Send>(
    cfg: &Config,
    opts: &LoadOptions,
    keep_diagnostics: bool,
    map: impl Fn(LoadedNote) -> T + Sync,
    settle: impl Fn(&mut T) + Sync,
    mut sink: impl FnMut(T) -> bool,
) -> Result<Streamed, load::LoadError> {
    let mut s = Streamed {
        notes: 0,
        diagnostics: Vec::new(),
        in_notes: 0,
        note_errors: 0,
        problems: Vec::new(),
    };
    let problems = load::stream(
        &cfg.root,
        &cfg.root_shown,
        opts,
        |mut ln| {
            let diagnostics = std::mem::take(&mut ln.note.diagnostics);
            let path = (keep_diagnostics && !diagnostics.is_empty()).then(|| ln.path.clone());
            (path, diagnostics, map(ln))
        },
        |(_, _, t)| settle(t),
        |(path, diagnostics, t), first| {
            // A long note's pieces count as one note.
            s.notes += usize::from(first);
            s.in_notes += diagnostics.len();
            s.note_errors += diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            if let Some(path) = path {
                s.diagnostics
                    .extend(diagnostics.into_iter().map(|diagnostic| FileDiagnostic {
                        path: path.clone(),
                        diagnostic,
                    }));
            }
            sink(t)
        },
    )?;
    Ok(Streamed { problems, ..s })
}

/// A part of a listing held in a temp file from this many bytes (see [`stream_listing`]).
const SPILL_PART_FROM: usize = 64 * 1024;

/// One note's part of a listing, or one piece's: in memory, or in an unnamed temp file (in
/// the system's temp folder, removed by the system once closed).
enum Part {
    Bytes(Vec<u8>),
    File(std::fs::File),
}

impl Part {
    /// A part of a long note is held until the whole note is read: in a temp file when it
    /// is large. Any other part is in memory.
    fn new(bytes: Vec<u8>, of_long_note: bool) -> Part {
        if of_long_note && bytes.len() > SPILL_PART_FROM {
            Part::spilled(bytes)
        } else {
            Part::Bytes(bytes)
        }
    }

    /// `bytes` in a temp file; in memory if no temp file can be written.
    fn spilled(bytes: Vec<u8>) -> Part {
        use std::io::{Seek, SeekFrom};
        let file = tempfile::tempfile().and_then(|mut f| {
            f.write_all(&bytes)?;
            f.seek(SeekFrom::Start(0))?;
            Ok(f)
        });
        match file {
            Ok(f) => Part::File(f),
            Err(_) => Part::Bytes(bytes),
        }
    }

    fn write_to(self, out: &mut dyn Write) -> io::Result<()> {
        match self {
            Part::Bytes(b) => out.write_all(&b),
            Part::File(mut f) => io::copy(&mut f, out).map(drop),
        }
    }

    fn reader(self) -> Box<dyn io::Read> {
        match self {
            Part::Bytes(b) => Box::new(io::Cursor::new(b)),
            Part::File(f) => Box::new(io::BufReader::new(f)),
        }
    }
}

/// The parts of a long note's pieces, each with the key of each of its items and where the
/// item ends in it: written with their items in the order of their keys. Each piece's items
/// are in order; the pieces follow one another in the note, so they are mostly in order
/// too, and are then written as they are. Else (undated entries in a later piece, a day
/// that turns up again) their items are merged, read from each part in turn.
fn write_in_order(
    pieces: Vec<(Part, Vec<(EntryKey, usize)>)>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let keys = pieces.iter().flat_map(|(_, ends)| ends.iter().map(|e| e.0));
    if keys.is_sorted() {
        return pieces
            .into_iter()
            .try_for_each(|(part, _)| part.write_to(out));
    }
    // Each piece's reader, its items' keys and ends, the next item, and how far it is read.
    let mut runs: Vec<_> = pieces
        .into_iter()
        .map(|(part, ends)| (part.reader(), ends, 0, 0))
        .collect();
    let mut item = Vec::new();
    loop {
        let next = (runs.iter().enumerate())
            .filter(|(_, r)| r.2 < r.1.len())
            .min_by_key(|(_, r)| r.1[r.2].0)
            .map(|(i, _)| i);
        let Some(i) = next else {
            return Ok(());
        };
        let (reader, ends, next, read) = &mut runs[i];
        let end = ends[*next].1;
        item.resize(end - *read, 0);
        reader.read_exact(&mut item)?;
        out.write_all(&item)?;
        (*next, *read) = (*next + 1, end);
    }
}

/// Streams the notes in path order: `render` (on any thread) writes a note's part of the
/// output and says how many items it listed; the parts are written to `out` in order, so
/// only a chunk of notes is ever in memory. A closed pipe stops the reading. Returns what
/// the stream found and how many items were listed. `opts`: how the notes are read.
///
/// `render` also gives each item's key and where it ends in the part, when the items of a
/// note are listed in an order of their own (entries by day and time): the parts of a long
/// note's pieces are then written with their items in that order (see [`write_in_order`]).
fn stream_listing(
    cfg: &Config,
    opts: &LoadOptions,
    keep_diagnostics: bool,
    out: &mut dyn Write,
    render: impl Fn(&[LoadedNote], &mut Vec<u8>, &mut Vec<(EntryKey, usize)>) -> io::Result<usize>
    + Sync,
) -> io::Result<Result<(Streamed, usize), load::LoadError>> {
    let mut listed = 0;
    let mut failed: Option<io::Error> = None;
    // A piece of a long note (whose length is the note's) is held until the whole note is
    // read (its day may go on in a later piece): a part of more than a few kB is held in an
    // unnamed temp file, not in memory (ten years kept as one note list 50 MB of JSON).
    let long = opts.pieces.unwrap_or(usize::MAX);
    // The pieces of the long note being listed, whose items have keys.
    let (mut held, mut held_path) = (Vec::new(), String::new());
    let result = stream_notes(
        cfg,
        opts,
        keep_diagnostics,
        |ln| {
            let (mut buf, mut ends) = (Vec::new(), Vec::new());
            let n = render(std::slice::from_ref(&ln), &mut buf, &mut ends)?;
            let of_long = ln.note.len > long;
            // (Every piece of it, its items or none: the pieces between hold their places.)
            let keyed = of_long.then(|| (ln.path.clone(), ends));
            Ok((n, Part::new(buf, of_long), keyed))
        },
        |rendered| {
            let written = rendered.and_then(|(n, part, keyed)| {
                // (A note's pieces come one after another.)
                let other = keyed.as_ref().is_none_or(|(path, _)| *path != held_path);
                if other && !held.is_empty() {
                    write_in_order(std::mem::take(&mut held), out)?;
                }
                match keyed {
                    Some((path, ends)) => {
                        held_path = path;
                        held.push((part, ends));
                    }
                    None => part.write_to(out)?,
                }
                Ok(n)
            });
            match written {
                Ok(n) => {
                    listed += n;
                    true
                }
                Err(e) => {
                    failed = Some(e);
                    false
                }
            }
        },
    );
    if failed.is_none() && !held.is_empty() {
        failed = write_in_order(held, out).err();
    }
    if let Some(e) = failed {
        return Err(e);
    }
    Ok(result.map(|s| (s, listed)))
}

fn list_tasks(
    cfg: &Config,
    a: &cli::TasksArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let filter = match output::TaskFilter::from_args(a) {
        Ok(f) => f,
        Err(msg) => {
            writeln!(err, "error: {msg}")?;
            return Ok(exit::ERROR);
        }
    };
    streamed_listing(
        cfg,
        a.format,
        "no tasks match",
        out,
        err,
        |notes, buf, _| match a.format {
            ListFormat::Text => output::tasks_text(notes, &filter, buf),
            ListFormat::Json => output::tasks_json(notes, &filter, buf),
        },
    )
}

fn list_entries(
    cfg: &Config,
    a: &cli::EntriesArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    streamed_listing(
        cfg,
        a.format,
        "no time entries found",
        out,
        err,
        |notes, buf, ends| match a.format {
            ListFormat::Text => output::entries_text(notes, buf, ends),
            ListFormat::Json => output::entries_json(notes, buf, ends),
        },
    )
}

/// `mdtasks tasks --in-progress`: the notes streamed, their parents kept compactly.
fn tasks_in_progress(
    cfg: &Config,
    a: &cli::TasksArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let mut all = report::tasks::InProgress::default();
    let s = match stream_notes(
        cfg,
        &piece_options(cfg),
        false,
        |ln| report::tasks::note_in_progress(&ln),
        |parents| {
            all.add(parents);
            true
        },
    ) {
        Ok(s) => s,
        Err(e) => return load_failed(cfg, &e, err),
    };
    let listed = output::in_progress(all.finish(), a.format, out)?;
    report_problem_lines(cfg, &s.problems, s.in_notes, s.note_errors, err)?;
    Ok(exit_code(s.has_errors(), listed))
}

/// `mdtasks tasks --stale`: the notes streamed, each chain's ends and rolled-over days kept.
fn stale_tasks(
    cfg: &Config,
    a: &cli::TasksArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let mut chains = report::tasks::StaleChains::new(a.stale.unwrap_or(3));
    let s = match stream_notes(
        cfg,
        &piece_options(cfg),
        false,
        |ln| {
            let occurrences = report::tasks::note_stale_occurrences(&ln);
            (ln.path, occurrences)
        },
        |(path, occurrences)| {
            chains.add(&path, occurrences);
            true
        },
    ) {
        Ok(s) => s,
        Err(e) => return load_failed(cfg, &e, err),
    };
    let rows = chains.finish();
    output::stale(&rows, a.format, out)?;
    report_problem_lines(cfg, &s.problems, s.in_notes, s.note_errors, err)?;
    Ok(exit_code(s.has_errors(), rows.len()))
}

/// `mdtasks next`: the notes streamed through a picker that holds only the tasks that can
/// still be listed.
fn next(
    cfg: &Config,
    a: &cli::NextArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let o = report::tasks::NextOptions {
        minutes: a.minutes,
        limit: a.limit,
        tags: a.tag.clone(),
        priority_tags: cfg.settings.file.summary.priority_tags.clone(),
    };
    let finder = report::tasks::NextFinder::new(cfg.today, &o);
    let mut picker = report::tasks::NextPicker::new(&o);
    let s = match stream_notes(
        cfg,
        &piece_options(cfg),
        false,
        |ln| finder.candidates(&ln),
        |c| {
            picker.add(c);
            true
        },
    ) {
        Ok(s) => s,
        Err(e) => return load_failed(cfg, &e, err),
    };
    let r = picker.finish();
    output::next(&r, a.format, out)?;
    report_problem_lines(cfg, &s.problems, s.in_notes, s.note_errors, err)?;
    Ok(exit_code(
        s.has_errors(),
        r.picked.len() + r.without_estimate.len(),
    ))
}

/// `mdtasks export`: each note's items written as the notes stream by; an iCalendar file's
/// head is written before the first note's items (or the end), so that a folder that
/// cannot be read prints nothing on stdout.
fn export(
    cfg: &Config,
    a: &cli::ExportArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let period = match report::Period::resolve(&a.period.spec(), cfg.today) {
        Ok(p) => p,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(exit::ERROR);
        }
    };
    let ics = a.format == cli::ExportFormat::Ics;
    let mut out = HeadFirst {
        head: ics.then(report::export::ics_head),
        out,
    };
    // A long note is read in pieces. An iCalendar file lists a note's events, then its
    // to-dos: a long note's to-dos wait until its last piece's events are written (in a temp
    // file when they are many, as a listing's parts are).
    let opts = piece_options(cfg);
    let long = cfg.piece_bytes;
    let hold = |ln: &LoadedNote, items: String| Part::new(items.into_bytes(), ln.note.len > long);
    // The note whose to-dos wait, and they.
    let mut note: Option<String> = None;
    let mut todos: Vec<Part> = Vec::new();
    let mut failed: Option<io::Error> = None;
    let streamed = stream_notes(
        cfg,
        &opts,
        false,
        |ln| {
            let (first, then) = if ics {
                (
                    report::export::ics_events(&ln, &period, cfg.today),
                    report::export::ics_todos(&ln, &period, cfg.today),
                )
            } else {
                // todo.txt: the tasks in the note's order.
                (
                    report::export::to_todotxt(std::slice::from_ref(&ln)),
                    String::new(),
                )
            };
            (hold(&ln, first), hold(&ln, then), ln.rel)
        },
        |(first, then, rel)| {
            let write = || -> io::Result<()> {
                if note.as_ref() != Some(&rel) {
                    for t in todos.drain(..) {
                        t.write_to(&mut out)?;
                    }
                    note = Some(rel);
                }
                first.write_to(&mut out)?;
                todos.push(then);
                Ok(())
            };
            match write() {
                Ok(()) => true,
                Err(e) => {
                    failed = Some(e);
                    false
                }
            }
        },
    );
    if let Some(e) = failed {
        return Err(e);
    }
    let s = match streamed {
        Ok(s) => s,
        Err(e) => return load_failed(cfg, &e, err),
    };
    for t in todos {
        t.write_to(&mut out)?;
    }
    if ics {
        out.write_all(report::export::ICS_END.as_bytes())?;
    }
    report_problem_lines(cfg, &s.problems, s.in_notes, s.note_errors, err)?;
    Ok(if s.has_errors() {
        exit::ERROR
    } else {
        exit::OK
    })
}

/// A writer that writes `head` before anything else.
struct HeadFirst<'a> {
    head: Option<String>,
    out: &'a mut dyn Write,
}

impl Write for HeadFirst<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(head) = self.head.take() {
            self.out.write_all(head.as_bytes())?;
        }
        self.out.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// A listing streamed through `render`, its problems reported, `nothing` said (in text) when
/// nothing was listed.
fn streamed_listing(
    cfg: &Config,
    format: ListFormat,
    nothing: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
    render: impl Fn(&[LoadedNote], &mut Vec<u8>, &mut Vec<(EntryKey, usize)>) -> io::Result<usize>
    + Sync,
) -> io::Result<i32> {
    let (s, listed) = match stream_listing(cfg, &piece_options(cfg), false, out, render)? {
        Ok(r) => r,
        Err(e) => return load_failed(cfg, &e, err),
    };
    report_problem_lines(cfg, &s.problems, s.in_notes, s.note_errors, err)?;
    if listed == 0 && !cfg.quiet && format == ListFormat::Text {
        writeln!(err, "{nothing}")?;
    }
    Ok(exit_code(s.has_errors(), listed))
}

fn check(cfg: &Config, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<i32> {
    let s = match stream_listing(cfg, &piece_options(cfg), true, out, |_, _, _| Ok(0))? {
        Ok((s, _)) => s,
        Err(e) => return load_failed(cfg, &e, err),
    };
    let mut all = s.problems;
    all.extend(s.diagnostics);
    load::sort_diagnostics(&mut all);
    for d in &all {
        writeln!(out, "{}", d.diagnostic.render(&d.path))?;
    }
    let errors = all
        .iter()
        .filter(|d| d.diagnostic.severity == Severity::Error)
        .count();
    let warnings = all.len() - errors;
    let notes = plural(s.notes, "note");
    if all.is_empty() {
        writeln!(out, "no problems in {notes}")?;
    } else {
        writeln!(
            out,
            "{}, {} in {notes}",
            plural(errors, "error"),
            plural(warnings, "warning")
        )?;
    }
    Ok(if errors > 0 {
        exit::ERROR
    } else if warnings > 0 {
        exit::WARNINGS
    } else {
        exit::OK
    })
}

/// The renderer for a text format; `None` for HTML, which is drawn by `report::html`.
fn summary_format(f: cli::SummaryFormat) -> Option<report::render::Format> {
    match f {
        cli::SummaryFormat::Text => Some(report::render::Format::Text),
        cli::SummaryFormat::Md => Some(report::render::Format::Md),
        cli::SummaryFormat::Json => Some(report::render::Format::Json),
        cli::SummaryFormat::Csv => Some(report::render::Format::Csv),
        cli::SummaryFormat::Html => None,
    }
}

fn blocks_format(f: cli::BlocksFormat) -> report::render::Format {
    match f {
        cli::BlocksFormat::Text => report::render::Format::Text,
        cli::BlocksFormat::Md => report::render::Format::Md,
        cli::BlocksFormat::Json => report::render::Format::Json,
        cli::BlocksFormat::Csv => report::render::Format::Csv,
    }
}

/// Streams the notes into the time-blocks report: only a chunk of notes is in memory at a
/// time.
fn blocks(
    cfg: &Config,
    a: &cli::BlocksArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    // A folder that is not there is reported before a bad period, as it was when the notes
    // were read before the period.
    if !cfg.root.exists() {
        let e = load::LoadError::NotFound {
            path: cfg.root_shown.clone(),
        };
        return load_failed(cfg, &e, err);
    }
    let period = match report::Period::resolve(&a.period.spec(), cfg.today) {
        Ok(p) => p,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(exit::ERROR);
        }
    };
    let mut builder = report::blocks::BlocksBuilder::new(&cfg.settings, &period, cfg.today);
    let digester = builder.digester();
    let streamed = stream_notes(
        cfg,
        &piece_options(cfg),
        false,
        |ln| digester.digest(&ln),
        |digest| {
            builder.add(digest);
            true
        },
    );
    let s = match streamed {
        Ok(s) => s,
        Err(e) => return load_failed(cfg, &e, err),
    };
    let r = builder.finish(&blocks_options(cfg, a.weeks));
    report::blocks::render_blocks(&r, blocks_format(a.format), cfg.color, out)?;
    report_problem_lines(cfg, &s.problems, s.in_notes, s.note_errors, err)?;
    Ok(if s.has_errors() {
        exit::ERROR
    } else if !r.has_blocks {
        exit::WARNINGS
    } else {
        exit::OK
    })
}

/// The blocks report's options: `weeks` in the calendar, the config's rest days.
fn blocks_options(cfg: &Config, weeks: u32) -> report::blocks::BlocksOptions {
    report::blocks::BlocksOptions {
        weeks: weeks.clamp(1, 520),
        rest_days: cfg
            .settings
            .file
            .blocks
            .rest_weekdays()
            .expect("checked when the config was read"),
    }
}

/// The file `summarize --format html` writes without `-o`, in the current folder.
pub const DEFAULT_HTML_REPORT: &str = "mdtasks-report.html";

/// Where `summarize` puts its report.
enum Destination {
    Stdout,
    /// A file, and the path as shown to the user.
    File(PathBuf),
    /// Only `--write` (no report on stdout, as before `-o` existed).
    Nowhere,
}

/// `-o FILE`, `-o -`, or the default: stdout for the text formats (nothing with `--write`),
/// `mdtasks-report.html` for HTML. An HTML page never goes to a terminal unasked, and never
/// into the notes folder by default.
fn destination(cfg: &Config, a: &cli::SummarizeArgs) -> Result<Destination, String> {
    match &a.output {
        Some(p) if p.as_os_str() == "-" => Ok(Destination::Stdout),
        Some(p) => Ok(Destination::File(p.clone())),
        None if a.format == cli::SummaryFormat::Html => {
            let p = PathBuf::from(DEFAULT_HTML_REPORT);
            if inside_notes(&cfg.root, Path::new(".")) {
                return Err(format!(
                    "error: the report would go to {DEFAULT_HTML_REPORT} in the current folder, \
                     which is inside the notes folder `{}`; mdtasks does not put files into \
                     your notes unless asked\nhint: pass -o FILE to write it elsewhere \
                     (-o {DEFAULT_HTML_REPORT} writes it here anyway; -o - prints it)",
                    cfg.root_shown
                ));
            }
            Ok(Destination::File(p))
        }
        None if a.write.is_some() => Ok(Destination::Nowhere),
        None => Ok(Destination::Stdout),
    }
}

/// Whether the folder `dir` is the notes folder (`root`, or the folder of a single note)
/// or inside it.
fn inside_notes(root: &Path, dir: &Path) -> bool {
    let notes = if root.is_file() {
        root.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    } else {
        root
    };
    match (notes.canonicalize(), dir.canonicalize()) {
        (Ok(n), Ok(d)) => d.starts_with(n),
        _ => false,
    }
}

/// The note that `path` is (a note file in the notes folder), as shown to the user.
fn note_at(cfg: &Config, path: &Path) -> Option<String> {
    let target = path.canonicalize().ok()?;
    let name = target.file_name()?.to_str()?;
    if cfg.root.is_file() {
        return (cfg.root.canonicalize().ok()? == target).then(|| cfg.root_shown.clone());
    }
    let root = cfg.root.canonicalize().ok()?;
    let rel = target.strip_prefix(&root).ok()?;
    let hidden = rel
        .components()
        .any(|c| c.as_os_str().to_str().is_some_and(|s| s.starts_with('.')));
    let is_note = name.ends_with(".md") || name.ends_with(".markdown");
    (is_note && !hidden).then(|| {
        let rel = rel.to_string_lossy();
        if cfg.root_shown.is_empty() || cfg.root_shown == "." {
            rel.into_owned()
        } else {
            format!("{}/{rel}", cfg.root_shown.trim_end_matches('/'))
        }
    })
}

/// Writes a report file atomically: a hidden temp file beside it (`.NAME.mdtasks-tmp-…`),
/// flushed, renamed over `path`, then the folder flushed. A reader (a browser, a sync tool)
/// sees the old file or the new one, never half a report. An existing file keeps its
/// permissions; a symlink is written at its target. The report is written into the temp
/// file as `write` makes it (a century's CSV of entries is 100 MB); if `write` fails, the
/// temp file is removed and the old report stays.
fn write_report_file(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let target = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => path.canonicalize()?,
        _ => path.to_path_buf(),
    };
    if target.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "it is a folder",
        ));
    }
    let name = target
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "it names no file"))?;
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(name);
    prefix.push(".mdtasks-tmp-");
    let old_perms = std::fs::metadata(&target).ok().map(|m| m.permissions());
    let mut b = tempfile::Builder::new();
    b.prefix(&prefix).rand_bytes(6);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // A new report is readable like any new file (the umask applies), not 0600.
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = b.tempfile_in(dir)?;
    if let Some(p) = old_perms {
        tmp.as_file().set_permissions(p)?;
    }
    let mut w = io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
    write(&mut w)?;
    w.flush()?;
    drop(w);
    tmp.as_file().sync_all()?;
    tmp.persist(&target).map_err(|e| e.error)?;
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        // Some file systems cannot sync a folder; the report is in place either way.
        let _ = d.sync_all();
    }
    Ok(())
}

/// ISO weeks from the week of `from` to the week of `to`: the HTML calendar covers the
/// report's period.
fn weeks_spanned(from: Option<NaiveDate>, to: Option<NaiveDate>) -> u32 {
    use chrono::Datelike;
    match (from, to) {
        (Some(f), Some(t)) if f <= t => {
            let monday =
                |d: NaiveDate| d.num_days_from_ce() - d.weekday().num_days_from_monday() as i32;
            ((monday(t) - monday(f)) / 7 + 1).clamp(1, 520) as u32
        }
        _ => 8,
    }
}

/// The blocks report the HTML page draws: the summary's period, the calendar covering its
/// weeks.
fn html_blocks_options(cfg: &Config, period: &report::Period) -> report::blocks::BlocksOptions {
    blocks_options(cfg, weeks_spanned(period.from, period.to))
}

/// What `summarize --format html` draws: the chart data from the summary and the blocks
/// report of the same period.
fn html_data(
    cfg: &Config,
    summary: &report::Summary,
    blocks: &report::blocks::BlocksReport,
) -> report::html::HtmlReport {
    report::html::html_report(
        summary,
        blocks,
        &report::html::HtmlOptions {
            source: cfg.root_shown.clone(),
        },
    )
}

/// The HTML report's data for a resolved `summarize` command, as the page draws it (for
/// tests and other front ends). None for another command, a bad period or unreadable notes.
pub fn summarize_html_data(cfg: &Config) -> Option<report::html::HtmlReport> {
    let Command::Summarize(a) = &cfg.command else {
        return None;
    };
    let period = report::Period::resolve(&a.period.spec(), cfg.today).ok()?;
    let loaded = load_notes(cfg).ok()?;
    let summary = report::summarize(
        &loaded.notes,
        &cfg.settings,
        &period,
        cfg.today,
        loaded.diagnostics().len(),
    );
    let blocks = report::blocks::blocks_report(
        &loaded.notes,
        &cfg.settings,
        &period,
        cfg.today,
        &html_blocks_options(
            cfg,
            &report::Period {
                from: summary.period.from,
                to: summary.period.to,
            },
        ),
    );
    Some(html_data(cfg, &summary, &blocks))
}

/// The Markdown report a region holds (`summarize --write`, `watch`).
pub(crate) fn summary_md(summary: &report::Summary) -> String {
    let mut md = Vec::new();
    report::render::render(
        summary,
        report::render::Format::Md,
        report::render::CsvKind::Entries,
        false,
        &mut md,
    )
    .expect("writing to memory does not fail");
    String::from_utf8(md).expect("the renderer writes UTF-8")
}

/// The notes a report on `period` reads, as bounds on the date in their names (a note
/// without one is always read): the period's days and one day on either side. None for a
/// period open on both sides: every note.
pub(crate) fn named_window(period: &report::Period) -> Option<NameWindow> {
    let near = |d: Option<NaiveDate>, days: i64| {
        d.and_then(|d| d.checked_add_signed(chrono::Duration::days(days)))
    };
    (period.from.is_some() || period.to.is_some())
        .then(|| (near(period.from, -1), near(period.to, 1)))
}

/// Inclusive bounds on the date in a note's name; None is open.
pub(crate) type NameWindow = (Option<NaiveDate>, Option<NaiveDate>);

/// Streams the notes into the report (and, for the HTML page, into the time-blocks report):
/// only a chunk of notes is in memory at a time.
fn summarize(
    cfg: &Config,
    a: &cli::SummarizeArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let spec = a.period.spec();
    let period = match report::Period::resolve(&spec, cfg.today) {
        Ok(p) => p,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(exit::ERROR);
        }
    };
    let dest = match destination(cfg, a) {
        Ok(d) => d,
        Err(msg) => {
            writeln!(err, "{msg}")?;
            return Ok(exit::ERROR);
        }
    };
    if let Destination::File(p) = &dest
        && let Some(note) = note_at(cfg, p)
    {
        writeln!(
            err,
            "error: {} is the note {note}; mdtasks does not replace a note with a report\n\
             hint: --write {note} puts the Markdown report into a region of that note",
            p.display()
        )?;
        return Ok(exit::ERROR);
    }
    let html = a.format == cli::SummaryFormat::Html;
    // Only the JSON (with --entries) and the CSV of entries list them.
    let keep_entries = (a.entries && a.format == cli::SummaryFormat::Json)
        || (a.format == cli::SummaryFormat::Csv && a.csv == cli::CsvKind::Entries);
    let mut builder = report::summary::SummaryBuilder::new(&cfg.settings, &period, keep_entries);
    // Every entry's row, sorted through a temp file a few thousand at a time (a century's
    // rows are 290 MiB); without a temp folder, in memory.
    if keep_entries && let Ok(spill) = crate::spill::TempSpill::new() {
        builder.spill_entries(std::sync::Arc::new(spill));
    }
    let digester = builder.digester();
    // The HTML page draws the time blocks too: each note's blocks digest rides along.
    let mut blocks = html.then(|| {
        report::blocks::BlocksBuilder::new(&cfg.settings, &period, cfg.today)
            .without_logged_time()
            .without_day_blocks()
    });
    let blocks_digester = blocks.as_ref().map(|b| b.digester());
    // A daily note holds its own day (and, before `day_start_hour`, the day before), so one
    // dated outside the period by more than a day adds nothing to the report: only the notes
    // named for the period's days, and notes without a date in their name, are read. (A note
    // whose date headings or front matter put it on days far from its name is the exception:
    // see docs/syntax.md.) The HTML page reads every note: its time blocks count from the
    // first day with blocks, which may lie before the period.
    let opts = LoadOptions {
        named_within: named_window(&period).filter(|_| !html),
        ..piece_options(cfg)
    };
    // What a note adds to the sums in any order is added on the thread that digested it;
    // only what depends on the order is left for this thread.
    let streamed = stream_settled(
        cfg,
        &opts,
        false,
        |ln| {
            let b = blocks_digester.map(|d| d.digest(&ln));
            (digester.digest(ln), b)
        },
        |(digest, _)| digester.count(digest),
        |(digest, b)| {
            builder.add(digest);
            if let (Some(blocks), Some(b)) = (&mut blocks, b) {
                blocks.add(b);
            }
            true
        },
    );
    let streamed = match streamed {
        Ok(s) => s,
        Err(e) => return load_failed(cfg, &e, err),
    };
    let problems = &streamed.problems;
    // The time blocks are settled first, for the summary's period, so that their builder's
    // state is freed before the summary's turns into rows (the peak of a century's page).
    let bounds = builder.bounds();
    let blocks = blocks.map(|b| b.finish(&html_blocks_options(cfg, &bounds)));
    let mut summary = builder.finish(problems.len() + streamed.in_notes);
    // The HTML page's data, made before the page is written. The rows it was made from are
    // freed then (a century's days and sessions are 15 MB), unless `--write` still puts
    // the Markdown report into a note.
    let page = blocks.map(|b| html_data(cfg, &summary, &b));
    if page.is_some() && a.write.is_none() {
        summary.days = Vec::new();
        summary.focus.sessions = Vec::new();
    }
    let csv = match a.csv {
        cli::CsvKind::Entries => report::render::CsvKind::Entries,
        cli::CsvKind::Days => report::render::CsvKind::Days,
        cli::CsvKind::Tags => report::render::CsvKind::Tags,
    };
    // Straight into `out` for stdout (a century's JSON is 30 MB); whole for a file, which is
    // replaced atomically.
    let report = |w: &mut dyn Write| -> io::Result<()> {
        match summary_format(a.format) {
            Some(format) => {
                // Colour only for a terminal, never into a file.
                let color = cfg.color && matches!(dest, Destination::Stdout);
                report::render::render(&summary, format, csv, color, w)
            }
            None => report::html::write_html(page.as_ref().expect("digested for HTML"), w),
        }
    };
    match &dest {
        Destination::Nowhere => {}
        Destination::Stdout => report(out)?,
        Destination::File(path) => {
            let shown = path.display();
            if let Err(e) = write_report_file(path, report) {
                writeln!(err, "error: cannot write the report to {shown}: {e}")?;
                return Ok(exit::ERROR);
            }
            writeln!(out, "wrote the report to {shown}")?;
        }
    }
    let no_entries = summary.overview.entries == 0;
    // With --write the Markdown report goes into the note, whatever the format. The report's
    // data is freed first, and handed back: the note may be long.
    if let Some(note) = &a.write {
        let md = summary_md(&summary);
        drop((summary, page));
        crate::alloc::hand_back_freed();
        let code = crate::commands::write_region(cfg, note, &a.region, &md, a.dry_run, out, err)?;
        if code != exit::OK {
            return Ok(code);
        }
    }
    let mut errors = streamed.note_errors > 0;
    for p in problems {
        if p.diagnostic.severity == Severity::Error {
            errors = true;
            write!(err, "{}", p.diagnostic.render(&p.path))?;
        }
    }
    Ok(if errors {
        exit::ERROR
    } else if no_entries {
        exit::WARNINGS
    } else {
        exit::OK
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A long note's pieces are listed with their items in the order of their keys: as they
    /// are when in order, else merged, whether a part is held in memory or in a temp file.
    #[test]
    fn pieces_are_listed_in_the_order_of_their_items() {
        let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 1, d);
        // Items "a" to "f" as (key, text), in pieces.
        let piece = |items: &[(Option<chrono::NaiveDate>, u32, &str)], spill: bool| {
            let (mut bytes, mut ends) = (Vec::new(), Vec::new());
            for (i, (date, start, text)) in items.iter().enumerate() {
                bytes.extend_from_slice(format!("{text}\n").as_bytes());
                ends.push(((*date, *start, i), bytes.len()));
            }
            let part = if spill {
                Part::spilled(bytes)
            } else {
                Part::Bytes(bytes)
            };
            (part, ends)
        };
        let listed = |pieces: Vec<(Part, Vec<(EntryKey, usize)>)>| {
            let mut out = Vec::new();
            write_in_order(pieces, &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        for spill in [false, true] {
            let in_order = vec![
                piece(&[(None, 0, "a"), (day(1), 60, "b")], spill),
                piece(&[], false),
                piece(&[(day(1), 90, "c"), (day(2), 0, "d")], spill),
            ];
            assert_eq!(listed(in_order), "a\nb\nc\nd\n");
            // An undated item and a day again in later pieces.
            let apart = vec![
                piece(&[(day(1), 60, "b"), (day(3), 0, "f")], spill),
                piece(&[(None, 0, "a"), (day(2), 0, "d")], false),
                piece(&[], spill),
                piece(&[(day(1), 90, "c"), (day(2), 30, "e")], spill),
            ];
            assert_eq!(listed(apart), "a\nb\nc\nd\ne\nf\n");
        }
    }

    /// A report that fails half-way (a temp file of entries that cannot be read back) leaves
    /// the old report as it was and no temp file behind.
    #[test]
    fn a_report_failing_while_written_keeps_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.csv");
        std::fs::write(&path, "old report\n").unwrap();
        let failed = write_report_file(&path, |w| {
            w.write_all(&[b'x'; 200_000])?;
            Err(io::Error::other("the entries came back damaged"))
        });
        assert_eq!(
            failed.unwrap_err().to_string(),
            "the entries came back damaged"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old report\n");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["report.csv"]);
        write_report_file(&path, |w| w.write_all(b"new report\n")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new report\n");
    }
}
