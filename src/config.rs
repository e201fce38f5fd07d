//! The config file (`.mdtasks.toml`): what it may say, its defaults, and its errors.
//!
//! Parsing the file is pure (text in, settings or a located error out); finding the file is
//! the CLI's job.

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Diagnostic};
use crate::span::{LineIndex, Span};

/// What `mdtasks init` writes: every setting, commented, with its default.
pub const DEFAULT_CONFIG: &str = include_str!("default_config.toml");

/// The file as written. Unknown keys are errors: a misspelt setting must not be ignored.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct FileConfig {
    pub notes: NotesConfig,
    pub blocks: BlocksConfig,
    pub summary: SummaryConfig,
    pub daily: DailyConfig,
    /// Category name -> rules. `money` and `waste` are compared side by side in reports.
    pub categories: std::collections::BTreeMap<String, CategoryConfig>,
    /// The order categories are tried in; categories not listed come after, by name.
    pub category_order: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct NotesConfig {
    /// A chrono format for the date in note names, e.g. "%d.%m.%Y"; the built-in shapes
    /// (2026-11-24, 2026_11_24, 20261124) are always tried too.
    pub date_format: Option<String>,
    /// Folders (relative to the notes root) that hold no notes: templates, attachments.
    pub exclude: Vec<String>,
}

impl Default for NotesConfig {
    fn default() -> Self {
        NotesConfig {
            date_format: None,
            exclude: [
                "templates",
                "Templates",
                "logseq/bak",
                "logseq/version-files",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct BlocksConfig {
    /// Checkboxes under these headings are time blocks: a plan, not a log.
    pub headings: Vec<String>,
    /// The blocks a user intends, written into each new daily note by `mdtasks today`.
    pub daily: Vec<DailyBlock>,
    /// Weekdays that are rest days: not won, they are skipped, not missed (streaks hold).
    pub rest_days: Vec<String>,
}

impl Default for BlocksConfig {
    fn default() -> Self {
        BlocksConfig {
            headings: vec!["Time Blocks".into()],
            daily: Vec::new(),
            rest_days: Vec::new(),
        }
    }
}

impl BlocksConfig {
    pub fn rest_weekdays(&self) -> Result<Vec<chrono::Weekday>, String> {
        self.rest_days
            .iter()
            .map(|d| {
                d.parse::<chrono::Weekday>().map_err(|_| {
                    format!("blocks.rest_days: `{d}` is not a day of the week (mon, tue, ...)")
                })
            })
            .collect()
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DailyBlock {
    /// The checkbox text, e.g. "Exercise" or "Product 1h".
    pub text: String,
    /// Which days: "every day" (default), "weekdays", "weekends", or day names such as
    /// ["mon", "wed", "fri"].
    #[serde(default)]
    pub days: BlockDays,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum BlockDays {
    Named(String),
    List(Vec<String>),
}

impl Default for BlockDays {
    fn default() -> Self {
        BlockDays::Named("every day".into())
    }
}

impl BlockDays {
    pub fn includes(&self, wd: chrono::Weekday) -> Result<bool, String> {
        use chrono::Weekday::*;
        let day = |s: &str| -> Result<chrono::Weekday, String> {
            s.parse::<chrono::Weekday>()
                .map_err(|_| format!("`{s}` is not a day of the week (mon, tue, ...)"))
        };
        match self {
            BlockDays::Named(n) => match n.to_lowercase().as_str() {
                "every day" | "daily" | "all" => Ok(true),
                "weekdays" => Ok(!matches!(wd, Sat | Sun)),
                "weekends" => Ok(matches!(wd, Sat | Sun)),
                other => Ok(day(other)? == wd),
            },
            BlockDays::List(v) => {
                for s in v {
                    if day(s)? == wd {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
        }
    }
}

/// Where daily notes live and what goes into a new one.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct DailyConfig {
    /// Folder of daily notes, relative to the notes root ("" = the root itself; Obsidian
    /// users often have "Daily Notes", Logseq users "journals").
    pub folder: String,
    /// chrono pattern of a new daily note's file name, without `.md`.
    pub name: String,
    /// Template for a new daily note, relative to the notes root. Default:
    /// `templates/daily.md` when it exists.
    pub template: Option<String>,
    /// Heading the time log goes under (`mdtasks log`).
    pub log_heading: String,
    /// Heading rolled-over tasks go under (`mdtasks rollover`).
    pub tasks_heading: String,
}

impl Default for DailyConfig {
    fn default() -> Self {
        DailyConfig {
            folder: String::new(),
            name: "%Y-%m-%d".into(),
            template: None,
            log_heading: "Log".into(),
            tasks_heading: "Tasks".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SummaryConfig {
    /// Tags that mark priority work.
    pub priority_tags: Vec<String>,
    /// Minutes given to the last start-only entry of a day; none (open) when unset.
    pub last_entry_minutes: Option<u32>,
    /// Hour (0-23) at which a day starts, for people who work past midnight.
    pub day_start_hour: u32,
    /// Shortest uninterrupted run in one category that counts as a focus session.
    pub focus_minutes: u32,
}

impl Default for SummaryConfig {
    fn default() -> Self {
        SummaryConfig {
            priority_tags: vec!["priority".into()],
            last_entry_minutes: None,
            day_start_hour: 0,
            focus_minutes: 45,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CategoryConfig {
    /// Tags (without `#`) that put an entry in this category.
    pub tags: Vec<String>,
    /// Regular expressions tried on the entry's text.
    pub keywords: Vec<String>,
}

/// A category ready to match entries.
#[derive(Debug, Clone)]
pub struct Category {
    pub name: String,
    pub tags: Vec<String>,
    pub keywords: Vec<Regex>,
}

impl Category {
    pub fn matches(&self, tags: &[String], text: &str) -> bool {
        tags.iter()
            .any(|t| self.tags.iter().any(|c| c.eq_ignore_ascii_case(t)))
            || self.keywords.iter().any(|r| r.is_match(text))
    }
}

/// The settings every command reads, resolved from the file and its defaults.
#[derive(Debug, Clone)]
pub struct Settings {
    pub file: FileConfig,
    pub categories: Vec<Category>,
    /// The Moment.js format new daily notes are named with when `daily.name` came from
    /// Obsidian's settings (src/obsidian.rs): a template's `{{date}}` is then the date in
    /// that format, as Obsidian fills it.
    pub daily_moment: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings::from_file(FileConfig::default()).expect("the defaults are valid")
    }
}

fn default_categories() -> Vec<(String, CategoryConfig)> {
    let c = |tags: &[&str]| CategoryConfig {
        tags: tags.iter().map(|s| s.to_string()).collect(),
        keywords: Vec::new(),
    };
    vec![
        ("money".into(), c(&["money"])),
        ("waste".into(), c(&["waste"])),
    ]
}

impl Settings {
    /// Compiles the categories. Errors name the category and the bad expression.
    pub fn from_file(file: FileConfig) -> Result<Settings, String> {
        // Without categories in the file the built-in ones apply, and `category_order` is
        // checked against them as against the file's own: `config --resolved` writes them out,
        // and what it writes must read back.
        let defaults: std::collections::BTreeMap<String, CategoryConfig>;
        let cats = if file.categories.is_empty() {
            defaults = default_categories().into_iter().collect();
            &defaults
        } else {
            &file.categories
        };
        let mut named: Vec<(String, CategoryConfig)> = {
            let mut v = Vec::new();
            for n in &file.category_order {
                match cats.get(n) {
                    Some(c) => v.push((n.clone(), c.clone())),
                    None => {
                        return Err(format!(
                            "category_order names `{n}`, which has no [categories.{n}] table"
                        ));
                    }
                }
            }
            for (n, c) in cats {
                if !file.category_order.contains(n) {
                    v.push((n.clone(), c.clone()));
                }
            }
            v
        };
        if file.summary.day_start_hour > 23 {
            return Err(format!(
                "summary.day_start_hour is {}, but must be an hour from 0 to 23",
                file.summary.day_start_hour
            ));
        }
        for b in &file.blocks.daily {
            b.days
                .includes(chrono::Weekday::Mon)
                .map_err(|e| format!("blocks.daily `{}`: {e}", b.text))?;
        }
        file.blocks.rest_weekdays()?;
        let probe = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).expect("a valid date");
        // chrono refuses a bad pattern only when printing it, by panicking: check it first.
        if chrono::format::StrftimeItems::new(&file.daily.name)
            .any(|i| matches!(i, chrono::format::Item::Error))
        {
            return Err(format!(
                "daily.name `{}` is not a chrono date pattern (try \"%Y-%m-%d\")",
                file.daily.name
            ));
        }
        // A format chrono cannot print (`%1d`, a lone `%`) fails in `Display`: `to_string()`
        // would panic (found by the `config` fuzz target).
        let mut name = String::new();
        if std::fmt::Write::write_fmt(
            &mut name,
            format_args!("{}", probe.format(&file.daily.name)),
        )
        .is_err()
        {
            return Err(format!(
                "daily.name `{}` does not make a name that holds the date (try \"%Y-%m-%d\")",
                file.daily.name
            ));
        }
        // The date is read from the file's name (the part after the last `/`), or from
        // `YYYY/MM/DD.md`: a name with folders is checked as the loader will read it.
        let file_part = file.daily.name.rsplit('/').next().unwrap_or_default();
        let read = |pattern: Option<&str>| {
            crate::parse::date::date_from_path(&name, pattern) == Some(probe)
        };
        if !read(Some(file_part)) && !read(file.notes.date_format.as_deref()) {
            return Err(format!(
                "daily.name `{}` does not make a name that holds the date (try \"%Y-%m-%d\")",
                file.daily.name
            ));
        }
        let mut categories = Vec::new();
        for (name, c) in named.drain(..) {
            let mut keywords = Vec::new();
            for k in &c.keywords {
                let r = Regex::new(k).map_err(|e| {
                    format!(
                        "categories.{name}: keyword `{k}` is not a valid regular expression: {e}"
                    )
                })?;
                keywords.push(r);
            }
            categories.push(Category {
                name,
                tags: c
                    .tags
                    .iter()
                    .map(|t| t.trim_start_matches('#').to_string())
                    .collect(),
                keywords,
            });
        }
        Ok(Settings {
            file,
            categories,
            daily_moment: None,
        })
    }

    /// Parses a config file's text. The error is a diagnostic pointing into the file.
    pub fn parse(text: &str) -> Result<Settings, Diagnostic> {
        let ix = LineIndex::new(text);
        let file: FileConfig = toml::from_str(text).map_err(|e| {
            let span = e
                .span()
                .map(|r| Span::new(r.start.min(text.len()), r.end.min(text.len())))
                .unwrap_or_default();
            let msg = e.message().to_string();
            let d = Diagnostic::new(
                Code::BadConfig,
                msg,
                "see the comments in the file `mdtasks init` writes for every setting",
            );
            if text.is_empty() {
                d
            } else {
                d.at(text, &ix, span)
            }
        })?;
        Settings::from_file(file).map_err(|m| {
            Diagnostic::new(
                Code::BadConfig,
                m,
                "see the comments in the file `mdtasks init` writes for every setting",
            )
        })
    }

    pub fn plan_headings_lower(&self) -> Vec<String> {
        self.file
            .blocks
            .headings
            .iter()
            .map(|h| h.to_lowercase())
            .collect()
    }
}

/// Each top-level section of the file (`notes`, `blocks`, `categories` ...) and whether it
/// differs from the built-in default, i.e. was set in the file. Compared as serialised
/// values, so a section written out exactly as the default counts as the default.
pub fn section_origins(file: &FileConfig) -> Vec<(String, bool)> {
    let table = |f: &FileConfig| toml::Table::try_from(f).expect("the config serialises");
    let resolved = table(file);
    let default = table(&FileConfig::default());
    let mut names: Vec<&String> = default.keys().chain(resolved.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|n| (n.clone(), resolved.get(n) != default.get(n)))
        .collect()
}

/// The settings in force, as a config file would say them. With no categories in the file,
/// the built-in ones (`money`, `waste`) are written out, since those are what apply.
pub fn resolved_toml(settings: &Settings) -> String {
    let mut file = settings.file.clone();
    if file.categories.is_empty() {
        file.categories = default_categories().into_iter().collect();
    }
    toml::to_string_pretty(&file).expect("the config serialises")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `config` fuzz target: `daily.name = "%Y-%m-%1d"` panicked (chrono's
    /// `Display` fails on a format it cannot print, and `to_string()` panics on that).
    #[test]
    fn a_daily_name_chrono_cannot_print_is_an_error() {
        for name in ["%Y-%m-%1d", "%Y-%m-%d%", "%Q"] {
            let e = Settings::parse(&format!("[daily]\nname = \"{name}\"\n")).unwrap_err();
            assert!(e.message.contains("daily.name"), "{name}: {}", e.message);
        }
    }

    /// Found by the `config` fuzz target: with no categories in the file, `category_order` was
    /// not checked, and `config --resolved` then wrote a file that did not read back.
    #[test]
    fn category_order_is_checked_against_the_builtin_categories() {
        let e = Settings::parse("category_order = [\"a\"]\n").unwrap_err();
        assert!(
            e.message.contains("category_order names `a`"),
            "{}",
            e.message
        );
        let s = Settings::parse("category_order = [\"waste\"]\n").unwrap();
        let names: Vec<_> = s.categories.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["waste", "money"]);
        assert!(Settings::parse(&resolved_toml(&s)).is_ok());
    }

    #[test]
    fn init_file_is_the_defaults() {
        let s = Settings::parse(DEFAULT_CONFIG).unwrap();
        let d = Settings::default();
        let names = |s: &Settings| {
            s.categories
                .iter()
                .map(|c| (c.name.clone(), c.tags.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&s), names(&d));
        assert_eq!(
            toml::to_string(&s.file.summary).unwrap(),
            toml::to_string(&d.file.summary).unwrap()
        );
        assert_eq!(s.file.blocks.headings, d.file.blocks.headings);
    }

    #[test]
    fn section_origins_and_round_trip() {
        let s = Settings::parse("[summary]\nfocus_minutes = 30\n").unwrap();
        let o = section_origins(&s.file);
        let set: Vec<_> = o.iter().filter(|(_, set)| *set).map(|(n, _)| n).collect();
        assert_eq!(set, ["summary"]);
        assert!(o.iter().any(|(n, set)| n == "notes" && !set));
        // What `mdtasks config` prints is a config file that means the same settings.
        let again = Settings::parse(&resolved_toml(&s)).unwrap();
        assert_eq!(again.file.summary.focus_minutes, 30);
        assert_eq!(again.categories.len(), 2);
    }

    #[test]
    fn defaults() {
        let s = Settings::default();
        assert_eq!(s.categories.len(), 2);
        assert_eq!(s.categories[0].name, "money");
    }

    #[test]
    fn unknown_key_is_located() {
        let e = Settings::parse("[summary]\nfocus_minuts = 3\n").unwrap_err();
        assert_eq!(e.code, Code::BadConfig);
        assert_eq!(e.location.unwrap().line, 2);
    }

    #[test]
    fn bad_daily_name_is_an_error_not_a_crash() {
        let e = Settings::parse("[daily]\nname = \"%Q\"\n").unwrap_err();
        assert!(
            e.message.contains("not a chrono date pattern"),
            "{}",
            e.message
        );
        let e = Settings::parse("[daily]\nname = \"%d\"\n").unwrap_err();
        assert!(e.message.contains("does not make a name"), "{}", e.message);
        // Folders in the name: the date is read from the file's name.
        let s = Settings::parse("[daily]\nname = \"%Y/%m/%Y-%m-%d\"\n").unwrap();
        assert_eq!(s.file.daily.name, "%Y/%m/%Y-%m-%d");
    }

    #[test]
    fn bad_regex() {
        let e = Settings::parse("[categories.money]\nkeywords = [\"(\"]\n").unwrap_err();
        assert!(e.message.contains("categories.money"), "{}", e.message);
    }

    #[test]
    fn order() {
        let s = Settings::parse(
            "category_order = [\"waste\"]\n[categories.money]\ntags=[\"m\"]\n[categories.waste]\ntags=[\"w\"]\n",
        )
        .unwrap();
        let names: Vec<_> = s.categories.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["waste", "money"]);
    }
}
