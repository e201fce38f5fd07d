//! Obsidian's daily-notes settings (`.obsidian/daily-notes.json`) as mdtasks settings. Pure.
//!
//! Obsidian's core "Daily notes" plugin keeps `{"folder": "Daily", "format": "YYYY-MM-DD",
//! "template": "Templates/Daily"}` in the vault (every key optional; an empty value means
//! Obsidian's default: the vault's root, `YYYY-MM-DD`, no template). A vault set up in
//! Obsidian then works without an mdtasks config: where a setting is not written in the
//! config file, the Obsidian value fills it in:
//!
//! | Obsidian     | mdtasks                                                           |
//! |--------------|-------------------------------------------------------------------|
//! | `folder`     | `daily.folder`                                                    |
//! | `format`     | `daily.name` (whole format) and `notes.date_format` (its file-name part), as chrono patterns |
//! | `template`   | `daily.template` (with `.md` added, as Obsidian resolves it)      |
//!
//! The format is a Moment.js format; `moment_to_chrono` translates it. A format mdtasks
//! cannot read a date back from (an ordinal `Do`, a locale week, a date spread over folder
//! names such as `YYYY/MM/DD dddd`) is not taken, with a warning: a note named after it
//! would not be found again.

use chrono::NaiveDate;

use crate::config::FileConfig;
use crate::parse::date::date_from_path;

/// Where the file lives, relative to the vault (the notes folder).
pub const DAILY_NOTES_JSON: &str = ".obsidian/daily-notes.json";

/// The file as Obsidian writes it. Other keys (`autorun`) are not mdtasks's business.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DailyNotes {
    pub folder: Option<String>,
    pub format: Option<String>,
    pub template: Option<String>,
}

/// Reads the file's text. The error says what is wrong and where.
pub fn parse(json: &str) -> Result<DailyNotes, String> {
    // Obsidian writes `{}` for a plugin never configured; an empty file means the same.
    if json.trim().is_empty() {
        return Ok(DailyNotes::default());
    }
    let v: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("not valid JSON ({e})"))?;
    let serde_json::Value::Object(map) = v else {
        return Err("not the settings Obsidian writes (a JSON object `{...}`)".into());
    };
    let text = |key: &str| match map.get(key) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!(
            "not the settings Obsidian writes (`{key}` is {other}, not a text in quotes)"
        )),
    };
    Ok(DailyNotes {
        folder: text("folder")?,
        format: text("format")?,
        template: text("template")?,
    })
}

/// A Moment.js date format (`YYYY-MM-DD`, `DD-MM-YYYY dddd`, `YYYY/MM/[Week] WW`) as a chrono
/// pattern, or the token chrono cannot say. Letters outside `[brackets]` that are not a
/// date token mdtasks knows are refused rather than guessed: Moment gives most letters a
/// meaning, and a wrong guess would name notes where Obsidian would not look.
pub fn moment_to_chrono(fmt: &str) -> Result<String, String> {
    // Longest first, as Moment matches them; None: a token chrono has no word for.
    const TOKENS: [(&str, Option<&str>); 25] = [
        ("YYYY", Some("%Y")),
        ("YY", Some("%y")),
        ("MMMM", Some("%B")),
        ("MMM", Some("%b")),
        ("MM", Some("%m")),
        ("M", Some("%-m")),
        ("DDDD", Some("%j")),
        ("DDD", Some("%-j")),
        ("DD", Some("%d")),
        ("Do", None),
        ("D", Some("%-d")),
        ("dddd", Some("%A")),
        ("ddd", Some("%a")),
        ("dd", None),
        ("d", Some("%w")),
        ("E", Some("%u")),
        ("GGGG", Some("%G")),
        ("WW", Some("%V")),
        ("W", Some("%-V")),
        ("gggg", None),
        ("gg", None),
        ("wo", None),
        ("ww", None),
        ("w", None),
        ("Q", None),
    ];
    let mut out = String::new();
    let mut rest = fmt;
    'outer: while !rest.is_empty() {
        if let Some(lit) = rest.strip_prefix('[')
            && let Some(end) = lit.find(']')
        {
            out.push_str(&lit[..end].replace('%', "%%"));
            rest = &lit[end + 1..];
            continue;
        }
        for (tok, pat) in TOKENS {
            if let Some(r) = rest.strip_prefix(tok) {
                out.push_str(pat.ok_or_else(|| tok.to_string())?);
                rest = r;
                continue 'outer;
            }
        }
        let c = rest.chars().next().expect("rest is not empty");
        if c.is_ascii_alphabetic() {
            return Err(c.to_string());
        }
        if c == '%' {
            out.push_str("%%");
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Ok(out)
}

/// One mdtasks setting filled from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filled {
    /// `daily.folder`, `daily.name`, `notes.date_format` or `daily.template`.
    pub key: &'static str,
    /// The value, as the config file would hold it.
    pub value: String,
    /// The Obsidian key and value it came from, e.g. `format "DD-MM-YYYY"`.
    pub from: String,
}

/// What the Obsidian settings did to the mdtasks settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    pub filled: Vec<Filled>,
    /// The Moment format new daily notes are now named with (Obsidian fills a template's
    /// `{{date}}` with it); None when `daily.name` did not come from Obsidian.
    pub moment: Option<String>,
    /// Values that could not be taken, and why.
    pub warnings: Vec<String>,
}

/// A day whose numbers cannot be mistaken for one another (24 > 12), to check a format.
fn probe() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).expect("a valid date")
}

/// Fills the settings `is_set` says the config file leaves unset (`is_set("daily",
/// "folder")`) from Obsidian's.
pub fn apply(
    file: &mut FileConfig,
    daily: &DailyNotes,
    is_set: &dyn Fn(&str, &str) -> bool,
) -> Applied {
    let mut applied = Applied::default();
    let value = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(String::from)
    };
    if let Some(folder) = value(&daily.folder) {
        let f = folder.trim_matches('/').to_string();
        if !f.is_empty() && !is_set("daily", "folder") {
            file.daily.folder = f.clone();
            applied.filled.push(Filled {
                key: "daily.folder",
                value: f,
                from: format!("folder {folder:?}"),
            });
        }
    }
    if let Some(format) = value(&daily.format) {
        match name_patterns(&format) {
            Ok((name, stem)) => {
                let from = format!("format {format:?}");
                if !is_set("daily", "name") {
                    file.daily.name = name.clone();
                    applied.moment = Some(format.clone());
                    applied.filled.push(Filled {
                        key: "daily.name",
                        value: name,
                        from: from.clone(),
                    });
                }
                // Only where mdtasks's own date shapes (2026-11-24, 20261124, 2026/11/24.md)
                // would not read Obsidian's names.
                if let Some(stem) = stem.filter(|_| !is_set("notes", "date_format")) {
                    file.notes.date_format = Some(stem.clone());
                    applied.filled.push(Filled {
                        key: "notes.date_format",
                        value: stem,
                        from,
                    });
                }
            }
            Err(why) => applied.warnings.push(format!(
                "the daily note format {format:?} is not used: {why}; mdtasks names and finds \
                 daily notes as YYYY-MM-DD unless daily.name and notes.date_format in \
                 .mdtasks.toml say otherwise"
            )),
        }
    }
    if let Some(template) = value(&daily.template) {
        let t = template.trim_start_matches('/');
        // Obsidian resolves the template like a link: `Templates/Daily` is `Templates/Daily.md`.
        let t = if t.to_ascii_lowercase().ends_with(".md") {
            t.to_string()
        } else {
            format!("{t}.md")
        };
        if !is_set("daily", "template") {
            file.daily.template = Some(t.clone());
            applied.filled.push(Filled {
                key: "daily.template",
                value: t,
                from: format!("template {template:?}"),
            });
        }
    }
    applied
}

/// The chrono patterns for a Moment format: the whole name (folders included), and the part
/// that names the file when mdtasks needs it to read a note's date (None when its built-in
/// date shapes read the names anyway). Refused when the name would not give the date back.
fn name_patterns(format: &str) -> Result<(String, Option<String>), String> {
    let name = moment_to_chrono(format).map_err(|tok| {
        format!(
            "mdtasks cannot read `{tok}` back from a note's name (write literal text in [brackets])"
        )
    })?;
    let stem = name.rsplit('/').next().unwrap_or(&name).to_string();
    let day = probe();
    let made = day.format(&name).to_string();
    let path = format!("{made}.md");
    if date_from_path(&path, None) == Some(day) {
        return Ok((name, None));
    }
    if date_from_path(&path, Some(&stem)) != Some(day) {
        return Err(format!(
            "a note's date must be whole in its file name, and `{}` (as in `{made}.md`) does \
             not hold it",
            format.rsplit('/').next().unwrap_or(format)
        ));
    }
    Ok((name, Some(stem)))
}

/// Sets the `filled` keys back to their defaults: the settings as the config file alone has
/// them (a key is only ever filled where the file left it unset).
pub fn unfill(file: &mut FileConfig, filled: &[Filled]) {
    let d = FileConfig::default();
    for f in filled {
        match f.key {
            "daily.folder" => file.daily.folder = d.daily.folder.clone(),
            "daily.name" => file.daily.name = d.daily.name.clone(),
            "daily.template" => file.daily.template = d.daily.template.clone(),
            "notes.date_format" => file.notes.date_format = d.notes.date_format.clone(),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moment_formats() {
        for (m, c) in [
            ("YYYY-MM-DD", "%Y-%m-%d"),
            ("DD-MM-YYYY", "%d-%m-%Y"),
            ("YYYY/MM/DD-MM-YYYY dddd", "%Y/%m/%d-%m-%Y %A"),
            ("D MMM YY, ddd", "%-d %b %y, %a"),
            ("YYYY-[W]WW", "%Y-W%V"),
            ("[Daily %] YYYY.MM.DD", "Daily %% %Y.%m.%d"),
            ("MMMM", "%B"),
        ] {
            assert_eq!(moment_to_chrono(m), Ok(c.to_string()), "{m}");
        }
        for (m, bad) in [
            ("dddd, MMMM Do YYYY", "Do"),
            ("gggg-[W]ww", "gggg"),
            ("YYYY-MM-DD HH:mm", "H"),
            ("YYYY-MM-DD Notes", "N"),
        ] {
            assert_eq!(moment_to_chrono(m), Err(bad.to_string()), "{m}");
        }
    }

    fn unset(_: &str, _: &str) -> bool {
        false
    }

    #[test]
    fn fills_what_is_unset() {
        let daily = parse(
            r#"{"folder":"Journal/Daily/","format":"YYYY/MM/DD-MM-YYYY dddd","template":"Templates/Daily note","autorun":true}"#,
        )
        .unwrap();
        let mut file = FileConfig::default();
        let a = apply(&mut file, &daily, &unset);
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        assert_eq!(file.daily.folder, "Journal/Daily");
        assert_eq!(file.daily.name, "%Y/%m/%d-%m-%Y %A");
        assert_eq!(file.notes.date_format.as_deref(), Some("%d-%m-%Y %A"));
        assert_eq!(
            file.daily.template.as_deref(),
            Some("Templates/Daily note.md")
        );
        assert_eq!(a.moment.as_deref(), Some("YYYY/MM/DD-MM-YYYY dddd"));
        let keys: Vec<_> = a.filled.iter().map(|f| f.key).collect();
        assert_eq!(
            keys,
            [
                "daily.folder",
                "daily.name",
                "notes.date_format",
                "daily.template"
            ]
        );
        assert_eq!(a.filled[0].from, "folder \"Journal/Daily/\"");
        // And back.
        unfill(&mut file, &a.filled);
        let d = FileConfig::default();
        assert_eq!(file.daily.folder, d.daily.folder);
        assert_eq!(file.daily.name, d.daily.name);
        assert_eq!(file.daily.template, None);
        assert_eq!(file.notes.date_format, None);
    }

    #[test]
    fn the_config_file_wins() {
        let daily = parse(r#"{"folder":"Daily","format":"DD-MM-YYYY","template":"T"}"#).unwrap();
        let mut file = FileConfig::default();
        file.daily.folder = "journal".into();
        let a = apply(&mut file, &daily, &|section, key| {
            section == "daily" && (key == "folder" || key == "name")
        });
        assert_eq!(file.daily.folder, "journal");
        assert_eq!(file.daily.name, "%Y-%m-%d");
        assert_eq!(a.moment, None, "names do not come from Obsidian");
        // Notes Obsidian named are still read with its format.
        assert_eq!(file.notes.date_format.as_deref(), Some("%d-%m-%Y"));
        assert_eq!(file.daily.template.as_deref(), Some("T.md"));
    }

    #[test]
    fn empty_values_are_obsidians_defaults() {
        for json in [
            "",
            "{}",
            r#"{"folder":"","format":"","template":"  "}"#,
            r#"{"folder":"/"}"#,
        ] {
            let mut file = FileConfig::default();
            let a = apply(&mut file, &parse(json).unwrap(), &unset);
            assert_eq!(a, Applied::default(), "{json}");
        }
    }

    #[test]
    fn formats_that_cannot_be_read_back_are_not_taken() {
        for f in ["YYYY/MM/DD dddd", "dddd, MMMM Do YYYY", "MM-DD"] {
            let mut file = FileConfig::default();
            let a = apply(
                &mut file,
                &DailyNotes {
                    format: Some(f.into()),
                    ..DailyNotes::default()
                },
                &unset,
            );
            assert_eq!(a.warnings.len(), 1, "{f}");
            assert!(
                a.warnings[0].contains(&format!("{f:?} is not used")),
                "{a:?}"
            );
            assert_eq!(file.daily.name, "%Y-%m-%d");
            assert!(a.filled.is_empty());
        }
        // Every token mdtasks translates formats without a panic (chrono refuses bad
        // patterns only when printing).
        for f in [
            "GGGG-[W]W E",
            "YYYY DDD",
            "YY M D d",
            "GGGG-[W]WW",
            "YYYY DDDD",
        ] {
            let mut file = FileConfig::default();
            let daily = DailyNotes {
                format: Some(f.into()),
                ..DailyNotes::default()
            };
            let a = apply(&mut file, &daily, &unset);
            // A week without its day names no day.
            let ok = f != "GGGG-[W]WW";
            assert_eq!(a.warnings.is_empty(), ok, "{f}: {a:?}");
        }
        // Folders made of the date are fine when the file name holds it too, or is YYYY/MM/DD.
        for f in ["YYYY/MM/YYYY-MM-DD", "YYYY/MM/DD", "YYYY/MMMM/D MMMM YYYY"] {
            let mut file = FileConfig::default();
            let a = apply(
                &mut file,
                &DailyNotes {
                    format: Some(f.into()),
                    ..DailyNotes::default()
                },
                &unset,
            );
            assert!(a.warnings.is_empty(), "{f}: {:?}", a.warnings);
        }
    }

    #[test]
    fn malformed_files_say_what_is_wrong() {
        let e = parse("{\"folder\": \"Daily\",}").unwrap_err();
        assert!(
            e.starts_with("not valid JSON (trailing comma at line 1"),
            "{e}"
        );
        let e = parse(r#"{"folder": 3}"#).unwrap_err();
        assert_eq!(
            e,
            "not the settings Obsidian writes (`folder` is 3, not a text in quotes)"
        );
        let e = parse("[]").unwrap_err();
        assert!(e.starts_with("not the settings Obsidian writes"), "{e}");
    }
}
