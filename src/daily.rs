//! Daily notes: their names, templates and the blocks a new one starts with. Pure.

use chrono::{Datelike, NaiveDate};

use crate::config::Settings;
use crate::edit::EditSet;
use crate::edit::Style;
use crate::edit::insert_under_heading;
use crate::parse::date::weekday_name;
use crate::parse::{ParseOptions, parse_note};

/// Path of a new daily note for `date`, relative to the notes root.
pub fn new_note_rel(date: NaiveDate, settings: &Settings) -> String {
    let d = &settings.file.daily;
    let name = format!("{}.md", date.format(&d.name));
    let folder = d.folder.trim_matches('/');
    if folder.is_empty() {
        name
    } else {
        format!("{folder}/{name}")
    }
}

/// Fills `{{date}}`, `{{date:FORMAT}}` (chrono) and `{{weekday}}` in a template. Anything
/// else between braces is left as written (Obsidian's own `{{title}}` and friends).
pub fn expand_template(template: &str, date: NaiveDate) -> String {
    expand_with(template, date, &TemplateVars::default())
}

/// What a new daily note's template may ask for besides the date, as Obsidian fills it.
#[derive(Debug, Clone, Default)]
pub struct TemplateVars {
    /// `{{title}}`: the note's file name without `.md`.
    pub title: Option<String>,
    /// `{{time}}`: the time of day it is created, `HH:MM`.
    pub time: Option<String>,
    /// `{{date}}`: the date as the note's name writes it, when that is not `YYYY-MM-DD`
    /// (Obsidian fills `{{date}}` in its daily-note format).
    pub date: Option<String>,
}

/// `expand_template` with `{{title}}`, `{{time}}` and `{{date}}` as `vars` say. The keys
/// ignore case and spaces inside the braces (`{{ Title }}`), as Obsidian's do.
pub fn expand_with(template: &str, date: NaiveDate, vars: &TemplateVars) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(p) = rest.find("{{") {
        out.push_str(&rest[..p]);
        let after = &rest[p + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[p..]);
            return out;
        };
        let key = after[..end].trim();
        let lower = key.to_ascii_lowercase();
        let value = if lower == "date" {
            Some(
                vars.date
                    .clone()
                    .unwrap_or_else(|| date.format("%Y-%m-%d").to_string()),
            )
        } else if lower == "weekday" {
            Some(weekday_name(date.weekday()).to_string())
        } else if lower == "title" {
            vars.title.clone()
        } else if lower == "time" {
            vars.time.clone()
        } else if let Some(fmt) = lower.starts_with("date:").then(|| &key[5..]) {
            let fmt = fmt.trim();
            // Obsidian's templates write Moment.js formats (`YYYY-MM-DD`, `dddd`); chrono
            // formats have `%`.
            if fmt.contains('%') {
                format_checked(date, fmt)
            } else {
                Some(format_moment(date, fmt))
            }
        } else {
            None
        };
        match value {
            Some(v) => out.push_str(&v),
            None => out.push_str(&rest[p..p + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// A date in a Moment.js format, as Obsidian's daily-note templates write them: `YYYY`,
/// `YY`, `MMMM`, `MMM`, `MM`, `M`, `Do`, `DD`, `D`, `dddd`, `ddd`, `dd`, `d`, `E`, `ww`/`w`
/// (ISO week), `[literal]`; anything else is kept as written.
pub fn format_moment(date: NaiveDate, fmt: &str) -> String {
    let ordinal = |d: u32| {
        let suffix = match (d % 10, d % 100) {
            (_, 11..=13) => "th",
            (1, _) => "st",
            (2, _) => "nd",
            (3, _) => "rd",
            _ => "th",
        };
        format!("{d}{suffix}")
    };
    let tokens: [(&str, &dyn Fn() -> String); 17] = [
        ("YYYY", &|| format!("{:04}", date.year())),
        ("YY", &|| format!("{:02}", date.year().rem_euclid(100))),
        ("MMMM", &|| date.format("%B").to_string()),
        ("MMM", &|| date.format("%b").to_string()),
        ("MM", &|| format!("{:02}", date.month())),
        ("M", &|| date.month().to_string()),
        ("Do", &|| ordinal(date.day())),
        ("DD", &|| format!("{:02}", date.day())),
        ("D", &|| date.day().to_string()),
        ("dddd", &|| date.format("%A").to_string()),
        ("ddd", &|| date.format("%a").to_string()),
        ("dd", &|| date.format("%a").to_string()[..2].to_string()),
        ("d", &|| date.weekday().num_days_from_sunday().to_string()),
        ("E", &|| date.weekday().number_from_monday().to_string()),
        ("ww", &|| format!("{:02}", date.iso_week().week())),
        ("w", &|| date.iso_week().week().to_string()),
        ("W", &|| date.iso_week().week().to_string()),
    ];
    let mut out = String::new();
    let mut rest = fmt;
    'outer: while !rest.is_empty() {
        if let Some(lit) = rest.strip_prefix('[')
            && let Some(end) = lit.find(']')
        {
            out.push_str(&lit[..end]);
            rest = &lit[end + 1..];
            continue;
        }
        for (tok, value) in &tokens {
            if let Some(r) = rest.strip_prefix(tok) {
                out.push_str(&value());
                rest = r;
                continue 'outer;
            }
        }
        let c = rest.chars().next().expect("rest is not empty");
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// chrono panics on a bad format when displayed; check the items first.
fn format_checked(date: NaiveDate, fmt: &str) -> Option<String> {
    use chrono::format::{Item, StrftimeItems};
    let items: Vec<Item> = StrftimeItems::new(fmt).collect();
    if items.iter().any(|i| matches!(i, Item::Error)) {
        return None;
    }
    Some(date.format_with_items(items.into_iter()).to_string())
}

/// The built-in daily note, when there is no template.
pub const DEFAULT_TEMPLATE: &str = "# {{date}} {{weekday}}\n\n## Tasks\n\n## Log\n";

/// The built-in daily note when the config names daily time blocks: the blocks come first,
/// the day's plan before its tasks and log.
fn default_template_with_blocks(heading: &str) -> String {
    format!("# {{{{date}}}} {{{{weekday}}}}\n\n## {heading}\n\n## Tasks\n\n## Log\n")
}

/// The text of a new daily note: the template filled in, then the day's intended time
/// blocks (from config) under the time-blocks heading, skipping any the template already has.
pub fn new_note_text(
    template: Option<&str>,
    date: NaiveDate,
    now: chrono::NaiveTime,
    settings: &Settings,
) -> Result<String, String> {
    let rel = new_note_rel(date, settings);
    let file = rel.rsplit('/').next().unwrap_or(&rel);
    let vars = TemplateVars {
        title: Some(file.strip_suffix(".md").unwrap_or(file).to_string()),
        time: Some(now.format("%H:%M").to_string()),
        date: settings
            .daily_moment
            .as_deref()
            .map(|m| format_moment(date, m)),
    };
    let mut blocks = Vec::new();
    for b in &settings.file.blocks.daily {
        if b.days.includes(date.weekday())? {
            blocks.push(b.text.clone());
        }
    }
    let heading = settings
        .file
        .blocks
        .headings
        .first()
        .cloned()
        .unwrap_or_else(|| "Time Blocks".into());
    let text = match template {
        Some(t) => expand_with(t, date, &vars),
        None if blocks.is_empty() => expand_with(DEFAULT_TEMPLATE, date, &vars),
        None => expand_with(&default_template_with_blocks(&heading), date, &vars),
    };
    if blocks.is_empty() {
        return Ok(text);
    }
    let opts = ParseOptions {
        name_date: Some(date),
        plan_headings: settings.plan_headings_lower(),
    };
    let note = parse_note(&text, &opts);
    let have: Vec<&str> = note.tasks.iter().map(|t| t.text.trim()).collect();
    let style = Style::detect(&text, &note);
    let lines: Vec<String> = blocks
        .iter()
        .filter(|b| !have.contains(&b.as_str()))
        .map(|b| style.task(0, ' ', b))
        .collect();
    if lines.is_empty() {
        return Ok(text);
    }
    let edits: EditSet = insert_under_heading(&text, &note, &style, &heading, 2, &lines);
    edits
        .apply_checked(&text, &opts)
        .map_err(|e| format!("cannot add the time blocks to the new note: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn template_substitutions() {
        let t = "# {{date}} ({{weekday}}) {{date:%d %B}} {{title}} {{date:%Q}} {{ unclosed";
        assert_eq!(
            expand_template(t, d("2026-11-24")),
            "# 2026-11-24 (Tuesday) 24 November {{title}} {{date:%Q}} {{ unclosed"
        );
    }

    #[test]
    fn moment_formats_as_obsidian_writes_them() {
        let d = d("2026-11-24");
        assert_eq!(format_moment(d, "YYYY-MM-DD"), "2026-11-24");
        assert_eq!(
            format_moment(d, "dddd, MMMM Do YYYY"),
            "Tuesday, November 24th 2026"
        );
        assert_eq!(
            format_moment(d, "ddd D MMM [week] ww"),
            "Tue 24 Nov week 48"
        );
        assert_eq!(format_moment(d, "YY/M/D"), "26/11/24");
        assert_eq!(
            expand_template("# {{date:dddd}} {{date:%d.%m.}}", d),
            "# Tuesday 24.11."
        );
    }

    fn noon() -> chrono::NaiveTime {
        chrono::NaiveTime::from_hms_opt(12, 5, 0).unwrap()
    }

    /// As Obsidian's daily notes fill a template: `{{date}}` in the note's name format,
    /// `{{title}}` the file name, `{{time}}` now; case and spaces inside braces do not matter.
    #[test]
    fn obsidian_template_variables() {
        let t = "{{date}} | {{ Title }} | {{time}} | {{DATE:YYYY-MM-DD}} | {{date:dddd}}";
        let mut s = Settings::default();
        assert_eq!(
            new_note_text(Some(t), d("2026-11-24"), noon(), &s).unwrap(),
            "2026-11-24 | 2026-11-24 | 12:05 | 2026-11-24 | Tuesday"
        );
        s.file.daily.folder = "Daily".into();
        s.file.daily.name = "%Y/%m/%d-%m-%Y %A".into();
        s.daily_moment = Some("YYYY/MM/DD-MM-YYYY dddd".into());
        assert_eq!(
            new_note_text(Some(t), d("2026-11-24"), noon(), &s).unwrap(),
            "2026/11/24-11-2026 Tuesday | 24-11-2026 Tuesday | 12:05 | 2026-11-24 | Tuesday"
        );
    }

    #[test]
    fn names() {
        let mut s = Settings::default();
        assert_eq!(new_note_rel(d("2026-11-24"), &s), "2026-11-24.md");
        s.file.daily.folder = "journals/".into();
        s.file.daily.name = "%Y_%m_%d".into();
        assert_eq!(new_note_rel(d("2026-11-24"), &s), "journals/2026_11_24.md");
    }

    #[test]
    fn blocks_by_weekday() {
        let s = Settings::parse(
            "[[blocks.daily]]\ntext = \"Exercise\"\n[[blocks.daily]]\ntext = \"Product 1h\"\ndays = \"weekdays\"\n",
        )
        .unwrap();
        let tue = new_note_text(None, d("2026-11-24"), noon(), &s).unwrap();
        assert_eq!(
            tue,
            "# 2026-11-24 Tuesday\n\n## Time Blocks\n- [ ] Exercise\n- [ ] Product 1h\n\n## Tasks\n\n## Log\n"
        );
        let sat = new_note_text(
            Some("## Time Blocks\n- [ ] Exercise\n"),
            d("2026-11-28"),
            noon(),
            &s,
        )
        .unwrap();
        assert_eq!(
            sat, "## Time Blocks\n- [ ] Exercise\n",
            "no duplicate, no weekday block"
        );
    }
}

/// The lines of a checklist template (`templates/checklists/NAME.md`, a nested checkbox
/// list) with `{{title}}` and the date placeholders filled in, re-indented in the target
/// note's own style (its bullet, its indentation unit). Lines that are not list items are
/// dropped: a checklist template may carry a heading or a comment for its author.
pub fn checklist_lines(template: &str, title: &str, date: NaiveDate, style: &Style) -> Vec<String> {
    let filled = expand_template(&template.replace("{{title}}", title), date);
    let items: Vec<(usize, &str)> = filled
        .lines()
        .filter_map(|l| {
            let l = l.trim_end_matches('\r');
            let body = l.trim_start_matches([' ', '\t']);
            let lead = &l[..l.len() - body.len()];
            let cols: usize = lead.chars().map(|c| if c == '\t' { 4 } else { 1 }).sum();
            let rest = body
                .strip_prefix("- ")
                .or_else(|| body.strip_prefix("* "))
                .or_else(|| body.strip_prefix("+ "))?;
            Some((cols, rest))
        })
        .collect();
    // The template's own indentation unit: the smallest step between item indents.
    let unit = items
        .iter()
        .map(|(c, _)| *c)
        .filter(|c| *c > 0)
        .min()
        .unwrap_or(2);
    items
        .into_iter()
        .map(|(cols, rest)| style.item(cols / unit, rest.trim_end()))
        .collect()
}

#[cfg(test)]
mod checklist_tests {
    use super::*;

    #[test]
    fn reindents_in_the_note_style() {
        let tpl = "# Blog post checklist\n- [ ] Write {{title}}\n  - [ ] Outline\n  - [ ] Draft\n    - [ ] Intro\n- [ ] Publish on {{date}}\n";
        let n = parse_note("* a\n\t* b\n", &ParseOptions::with_defaults());
        let style = Style::detect("* a\n\t* b\n", &n);
        let d = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert_eq!(
            checklist_lines(tpl, "Rust tips", d, &style),
            [
                "* [ ] Write Rust tips",
                "\t* [ ] Outline",
                "\t* [ ] Draft",
                "\t\t* [ ] Intro",
                "* [ ] Publish on 2026-11-24"
            ]
        );
    }
}
