//! Command-line flags as clap sees them; nothing here reads the environment or files.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "mdtasks",
    version,
    about = "Tasks, time logs and time blocks from plain Markdown notes",
    long_about = "mdtasks reads a folder of Markdown notes (daily notes, or one long note with a \
heading per day) and reports on their tasks and time logs, without taking the files over.",
    after_help = "Examples:\n  mdtasks summarize journal/\n  mdtasks tasks journal/ --tag money\n  \
mdtasks entries journal/ --format json | jq .minutes\n  mdtasks check journal/\n  \
mdtasks watch journal/\n  $EDITOR \"$(mdtasks open --create journal/)\"\n\n\
Exit codes: 0 ok, 1 nothing found or only warnings, 2 errors (see docs/cli.md)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Take this date as today (YYYY-MM-DD), for reproducible output
    #[arg(long, global = true, value_name = "DATE")]
    pub today: Option<String>,

    /// Config file (default: .mdtasks.toml in the notes folder, else the user's
    /// config.toml in $XDG_CONFIG_HOME/mdtasks or ~/.config/mdtasks)
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// When to colour the output (auto: only on a terminal, and never with NO_COLOR set)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Print no progress or summary lines on stderr
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Report every problem found in the notes (exit 0 clean, 1 warnings, 2 errors)
    #[command(
        after_help = "Examples:\n  mdtasks check journal/\n  mdtasks check journal/2026-11-24.md"
    )]
    Check(PathArg),

    /// List tasks (open ones by default)
    #[command(
        after_help = "Examples:\n  mdtasks tasks journal/\n  mdtasks tasks journal/ --all --tag money\n  \
mdtasks tasks journal/ --status done --format json\n  mdtasks tasks journal/ --due-before 2026-12-01"
    )]
    Tasks(TasksArgs),

    /// List time entries
    #[command(
        after_help = "Examples:\n  mdtasks entries journal/\n  mdtasks entries journal/ --format json"
    )]
    Entries(EntriesArgs),

    /// Append a timestamped entry to today's log, creating today's note if needed
    #[command(
        after_help = "Examples:\n  mdtasks log \"call with Anna #money\" journal/\n  \
mdtasks log \"email\" --at 9:15 journal/ --dry-run"
    )]
    Log(LogArgs),

    /// Create today's note (template and time blocks) if it is missing, then roll over
    #[command(
        after_help = "Examples:\n  mdtasks today journal/\n  mdtasks today journal/ --dry-run"
    )]
    Today(TodayArgs),

    /// Carry the open tasks of the most recent earlier day into today's note
    #[command(after_help = "Examples:\n  mdtasks rollover journal/\n  \
mdtasks rollover journal/ --from 2026-11-20 --mode copy --dry-run")]
    Rollover(RolloverArgs),

    /// The daily game: time blocks done per day, days won, streaks, a calendar
    #[command(
        after_help = "Examples:\n  mdtasks blocks journal/\n  mdtasks blocks journal/ --weeks 12\n  \
mdtasks blocks journal/ --month 2026-11 --format md"
    )]
    Blocks(BlocksArgs),

    /// Export the time log and dated tasks as iCalendar, or tasks as todo.txt (to stdout)
    #[command(
        after_help = "Examples:\n  mdtasks export journal/ --format ics > week.ics\n  \
mdtasks export journal/ --format ics --last 1w\n  mdtasks export journal/ --format todotxt > todo.txt"
    )]
    Export(ExportArgs),

    /// What to knock out now: open micro-tasks, priority first, packed into --minutes
    #[command(
        after_help = "Examples:\n  mdtasks next journal/\n  mdtasks next --minutes 30 journal/\n  \
mdtasks next --tag money --limit 3 journal/"
    )]
    Next(NextArgs),

    /// Add a task, or a whole checklist of micro-tasks, under today's tasks heading
    #[command(after_help = "Examples:\n  mdtasks add \"Call the bank\" journal/\n  \
mdtasks add --checklist blog-post \"Rust error handling\" journal/")]
    Add(AddArgs),

    /// Write a commented default config file (.mdtasks.toml) into the notes folder
    #[command(after_help = "Examples:\n  mdtasks init journal/")]
    Init(PathArg),

    /// Where the time went: per day, tag and category, money against waste, hours of the day
    #[command(
        after_help = "Examples:\n  mdtasks summarize journal/\n  mdtasks summarize journal/ --last 2w\n  \
mdtasks summarize journal/ --week 2026-W47 --format md\n  mdtasks summarize journal/ --format csv --csv tags\n  \
mdtasks summarize journal/ --format html -o report.html"
    )]
    Summarize(SummarizeArgs),

    /// Keep the summary regions of the notes up to date while the notes change
    #[command(
        after_help = "Examples:\n  mdtasks watch journal/\n  mdtasks watch journal/ --once\n  \
mdtasks watch journal/ --once --dry-run\n\n\
A note asks for a summary with a region: the lines `<!-- mdtasks:summary:start -->` and \
`<!-- mdtasks:summary:end -->` (or `summary-NAME`). The start marker may say the period: \
`last=7d`, `week=this`, `month=note`, `day=today`, `from=2026-11-01 to=2026-11-30`; without \
it, a dated note summarises its own day and any other note the last 7 days. Only the bytes \
between the markers are rewritten, and only when they would change."
    )]
    Watch(WatchArgs),

    /// Print the path of a day's note (default today), creating it with --create
    #[command(
        after_help = "Examples:\n  mdtasks open journal/\n  mdtasks open yesterday journal/\n  \
mdtasks open 2026-11-20 journal/\n  $EDITOR \"$(mdtasks open --create journal/)\"\n\n\
DATE is YYYY-MM-DD, today, yesterday or tomorrow. With a single argument that is not a date, \
it is taken as PATH. Without --create, a missing note exits 1 and names the path it would have."
    )]
    Open(OpenArgs),

    /// Print the resolved settings as TOML, and where they came from
    #[command(
        after_help = "Examples:\n  mdtasks config journal/\n  mdtasks config --config ~/work.toml\n\n\
The config is the first of: --config FILE; .mdtasks.toml in the notes folder; \
$XDG_CONFIG_HOME/mdtasks/config.toml (else ~/.config/mdtasks/config.toml); the built-in defaults."
    )]
    Config(PathArg),

    /// Print a shell completion script to stdout
    #[command(after_help = "Examples:\n  \
mdtasks completions bash > ~/.local/share/bash-completion/completions/mdtasks\n  \
mdtasks completions zsh > ~/.zfunc/_mdtasks\n  \
mdtasks completions fish > ~/.config/fish/completions/mdtasks.fish\n  \
mdtasks completions powershell >> $PROFILE")]
    Completions(CompletionsArgs),

    /// Print the man page (roff) to stdout
    #[command(
        after_help = "Examples:\n  mdtasks man > ~/.local/share/man/man1/mdtasks.1\n  \
mdtasks man | man -l -"
    )]
    Man,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub path: PathArg,
    /// Regenerate the summary regions once, then exit
    #[arg(long)]
    pub once: bool,
    /// Print the diffs of what would change, and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Milliseconds the notes must be quiet before a pass
    #[arg(long, value_name = "MS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(10..=60_000))]
    pub debounce: u64,
}

#[derive(Debug, Args)]
pub struct OpenArgs {
    /// The day: YYYY-MM-DD, today, yesterday or tomorrow (default: today)
    #[arg(value_name = "DATE")]
    pub date: Option<String>,
    /// A notes folder (default: the current folder)
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Create the note (template and the day's time blocks, no rollover) if it is missing
    #[arg(long)]
    pub create: bool,
}

impl OpenArgs {
    /// `open [DATE] [PATH]`: a lone argument that is not a date is the PATH. Returns the date
    /// as written (if any) and the path.
    pub fn positionals(&self) -> (Option<&str>, Option<PathBuf>) {
        match (&self.date, &self.path) {
            (Some(d), None) if !looks_like_day(d) => (None, Some(PathBuf::from(d))),
            (d, p) => (d.as_deref(), p.clone()),
        }
    }
}

/// Whether `s` is meant as a day for `open`: a word for one, or shaped like YYYY-MM-DD.
fn looks_like_day(s: &str) -> bool {
    let s = s.trim();
    matches!(
        s.to_ascii_lowercase().as_str(),
        "today" | "yesterday" | "tomorrow"
    ) || (s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        }))
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write completions for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct PathArg {
    /// A notes folder or a single note (default: the current folder)
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct TasksArgs {
    #[command(flatten)]
    pub path: PathArg,
    /// List tasks of every status
    #[arg(long, conflicts_with = "status")]
    pub all: bool,
    /// Only tasks with this status (open, done, cancelled, in-progress, rolled-over,
    /// scheduled, waiting, other); repeatable
    #[arg(long, value_name = "STATUS")]
    pub status: Vec<String>,
    /// Only tasks with this tag (a parent tag matches nested ones); repeatable
    #[arg(long, value_name = "TAG")]
    pub tag: Vec<String>,
    /// Only tasks due before this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub due_before: Option<String>,
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
    /// Parent tasks and their progress, half-done ones first
    #[arg(long, conflicts_with_all = ["stale", "write_progress"])]
    pub in_progress: bool,
    /// Tasks rolled over (`[>]`) on at least N days (default 3), with the day first written
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "3")]
    pub stale: Option<usize>,
    /// Keep an Org-style progress cookie `[2/5]` at the end of every parent task up to date
    #[arg(long)]
    pub write_progress: bool,
    /// With --write-progress: print the diffs, change nothing
    #[arg(long, requires = "write_progress")]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct BlocksArgs {
    #[command(flatten)]
    pub path: PathArg,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Weeks shown in the calendar
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub weeks: u32,
    #[arg(long, value_enum, default_value_t = BlocksFormat::Text)]
    pub format: BlocksFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BlocksFormat {
    Text,
    Md,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// iCalendar: a VEVENT per time entry, a VTODO per task with a date
    Ics,
    /// todo.txt: one line per open or done task
    Todotxt,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub path: PathArg,
    #[command(flatten)]
    pub period: PeriodArgs,
    #[arg(long, value_enum)]
    pub format: ExportFormat,
}

#[derive(Debug, Args)]
pub struct NextArgs {
    #[command(flatten)]
    pub path: PathArg,
    /// Fill this many minutes with tasks whose estimate (`~15m`, `⏱ 15m`,
    /// `[estimate:: 15m]`) fits
    #[arg(long, value_name = "N")]
    pub minutes: Option<u32>,
    /// At most this many tasks
    #[arg(long, value_name = "K")]
    pub limit: Option<usize>,
    /// Only tasks with this tag (a parent tag matches nested ones); repeatable
    #[arg(long, value_name = "TAG")]
    pub tag: Vec<String>,
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The task, or the title a checklist is filled in with
    #[arg(value_name = "TITLE")]
    pub title: String,
    #[command(flatten)]
    pub path: PathArg,
    /// Expand templates/checklists/NAME.md (a nested checkbox list; `{{title}}` is filled in)
    #[arg(long, value_name = "NAME")]
    pub checklist: Option<String>,
    /// Print the diff of what would change, and change nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct EntriesArgs {
    #[command(flatten)]
    pub path: PathArg,
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SummaryFormat {
    Text,
    Md,
    Json,
    Csv,
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CsvKind {
    Entries,
    Days,
    Tags,
}

#[derive(Debug, Args)]
pub struct SummarizeArgs {
    #[command(flatten)]
    pub path: PathArg,
    #[command(flatten)]
    pub period: PeriodArgs,
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
    pub format: SummaryFormat,
    /// Write the report to FILE (atomically) instead of stdout; `-` is stdout. With
    /// `--format html` the default is mdtasks-report.html in the current folder, which must
    /// not be inside the notes folder
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Which table `--format csv` writes
    #[arg(long, value_enum, default_value_t = CsvKind::Entries)]
    pub csv: CsvKind,
    /// With `--format json`: also list every entry of the period (`mdtasks entries --format
    /// json` lists them with more detail)
    #[arg(long)]
    pub entries: bool,
    /// Also put the Markdown report into this note, between
    /// `<!-- mdtasks:summary:start -->` and `<!-- mdtasks:summary:end -->`
    #[arg(long, value_name = "NOTE")]
    pub write: Option<PathBuf>,
    /// The name of the region `--write` fills (`<!-- mdtasks:NAME:start -->`)
    #[arg(
        long,
        value_name = "NAME",
        default_value = "summary",
        requires = "write"
    )]
    pub region: String,
    /// Print the diff of what `--write` would change, and change nothing
    #[arg(long, requires = "write")]
    pub dry_run: bool,
}

/// The period a report covers (default: every day the notes cover).
#[derive(Debug, Args)]
pub struct PeriodArgs {
    /// First day of the period (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last day of the period (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// The last N days, weeks or months up to today: 3d, 2w, 1m
    #[arg(long, value_name = "N{d|w|m}")]
    pub last: Option<String>,
    /// An ISO week (2026-W48); this week when given without a value
    #[arg(long, value_name = "YYYY-Www", num_args = 0..=1, default_missing_value = "")]
    pub week: Option<String>,
    /// A month (2026-11); this month when given without a value
    #[arg(long, value_name = "YYYY-MM", num_args = 0..=1, default_missing_value = "")]
    pub month: Option<String>,
}

impl PeriodArgs {
    pub fn spec(&self) -> crate::report::PeriodSpec {
        let opt = |v: &Option<String>| v.clone().map(|x| (!x.is_empty()).then_some(x));
        crate::report::PeriodSpec {
            from: self.from.clone(),
            to: self.to.clone(),
            last: self.last.clone(),
            week: opt(&self.week),
            month: opt(&self.month),
        }
    }
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// What you are starting now, e.g. "write chapter 3 #money"
    #[arg(value_name = "TEXT")]
    pub text: String,
    #[command(flatten)]
    pub path: PathArg,
    /// The entry's time (HH:MM, 9:15am); default: now
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Print the diff of what would change, and change nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct TodayArgs {
    #[command(flatten)]
    pub path: PathArg,
    /// Print the diffs of what would change, and change nothing
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub rollover: RolloverOpts,
}

#[derive(Debug, Args)]
pub struct RolloverArgs {
    #[command(flatten)]
    pub path: PathArg,
    /// Roll over from this day's note instead of the most recent earlier one
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Print the diffs of what would change, and change nothing
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub opts: RolloverOpts,
}

#[derive(Debug, Args, Clone)]
pub struct RolloverOpts {
    /// mark: the originals become `[>]`; copy: they stay as they are; move: they are removed
    #[arg(long, value_enum, default_value_t = RolloverMode::Mark)]
    pub mode: RolloverMode,
    /// Carry done micro-tasks along with their open parent
    #[arg(long)]
    pub keep_done_children: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RolloverMode {
    Mark,
    Copy,
    Move,
}
