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
mdtasks entries journal/ --format json | jq .minutes\n  mdtasks check journal/"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Take this date as today (YYYY-MM-DD), for reproducible output
    #[arg(long, global = true, value_name = "DATE")]
    pub today: Option<String>,

    /// Config file (default: .mdtasks.toml in the notes folder)
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// When to colour the output
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

    /// Write a commented default config file (.mdtasks.toml) into the notes folder
    #[command(after_help = "Examples:\n  mdtasks init journal/")]
    Init(PathArg),

    /// Where the time went: per day, tag and category, money against waste, hours of the day
    #[command(
        after_help = "Examples:\n  mdtasks summarize journal/\n  mdtasks summarize journal/ --last 2w\n  \
mdtasks summarize journal/ --week 2026-W47 --format md\n  mdtasks summarize journal/ --format csv --csv tags"
    )]
    Summarize(SummarizeArgs),
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
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
    pub format: SummaryFormat,
    /// Which table `--format csv` writes
    #[arg(long, value_enum, default_value_t = CsvKind::Entries)]
    pub csv: CsvKind,
}
