//! Renderers of a computed `BlocksReport`: text (terminal), Markdown, JSON and a per-day CSV.
//!
//! Renderers only format: every number comes from the report. Tables, bars and durations
//! are the time-log report's (`render`).

use std::io::{self, Write};

use super::blocks::{BlockStat, BlocksReport, DayState};
use super::render::{
    Align, BAR, Cell, Doc, Format, Paint, Style, Table, bar, duration, percent, truncate,
};

/// Renders `r`. `color` is read only for `Format::Text`.
pub fn render_blocks(
    r: &BlocksReport,
    format: Format,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => out.write_all(render_doc(r, Style::Text { color }).as_bytes()),
        Format::Md => out.write_all(render_doc(r, Style::Md).as_bytes()),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, r)?;
            out.write_all(b"\n")
        }
        Format::Csv => out.write_all(render_csv(r).as_bytes()),
    }
}

const WON: &str = "■";
const PARTIAL: &str = "▣";
const MISSED: &str = "□";
const REST: &str = "·";
const FUTURE: &str = " ";
const TODAY: &str = "○";

fn glyph(s: DayState) -> &'static str {
    match s {
        DayState::Won => WON,
        DayState::Partial => PARTIAL,
        DayState::Missed => MISSED,
        DayState::Today => TODAY,
        DayState::Rest | DayState::NoData => REST,
        DayState::Future => FUTURE,
    }
}

/// A glyph in its colour (text with colour only).
fn colored(d: &Doc, s: DayState) -> String {
    let g = glyph(s);
    if !d.color() {
        return g.to_string();
    }
    match s {
        DayState::Won => d.paint(g, Paint::Green),
        DayState::Partial => format!("\x1b[33m{g}\x1b[0m"),
        DayState::Missed => d.paint(g, Paint::Red),
        DayState::Rest | DayState::NoData => d.paint(g, Paint::Dim),
        DayState::Today | DayState::Future => g.to_string(),
    }
}

fn state_paint(s: DayState) -> Paint {
    match s {
        DayState::Won => Paint::Green,
        DayState::Missed => Paint::Red,
        DayState::Rest | DayState::NoData => Paint::Dim,
        DayState::Partial | DayState::Today | DayState::Future => Paint::None,
    }
}

fn days_word(n: u32) -> String {
    if n == 1 {
        "1 day".to_string()
    } else {
        format!("{n} days")
    }
}

fn period_label(r: &BlocksReport) -> String {
    match (r.period.from, r.period.to) {
        (Some(f), Some(t)) if f == t => f.to_string(),
        (Some(f), Some(t)) => format!("{f} to {t}"),
        _ => "all notes".to_string(),
    }
}

fn render_doc(r: &BlocksReport, style: Style) -> String {
    let mut d = Doc {
        style,
        out: String::new(),
    };
    d.title(&format!("Time blocks: {}", period_label(r)));
    if !r.has_blocks {
        empty(&mut d, r);
    } else {
        overview(&mut d, r);
        calendar(&mut d, r);
        stats(&mut d, "Blocks", "Block", &r.blocks);
        if !r.groups.is_empty() {
            stats(&mut d, "Groups", "Group", &r.groups);
        }
        planned(&mut d, r);
        last_days(&mut d, r);
    }
    while d.out.ends_with("\n\n") {
        d.out.pop();
    }
    d.out
}

fn empty(d: &mut Doc, r: &BlocksReport) {
    if r.period.from.is_some() {
        d.para(&format!("No time blocks found in {}.", period_label(r)));
    } else {
        d.para("No time blocks found in these notes yet.");
    }
    d.blank();
    d.para("Time blocks are checkboxes you tick off through the day; a day is won when all");
    d.para("of them are done. Add them in any of three ways:");
    d.blank();
    let heading = r
        .headings
        .first()
        .cloned()
        .unwrap_or_else(|| "Time Blocks".to_string());
    let examples: [(&str, Vec<String>, &str); 3] = [
        (
            &format!("1. a `## {heading}` heading with checkboxes in a daily note:"),
            vec![
                format!("## {heading}"),
                "- [ ] 09:00-10:00 Deep work".to_string(),
                "- [ ] Exercise".to_string(),
            ],
            "markdown",
        ),
        (
            "2. or a `#block` tag on any checkbox:",
            vec!["- [ ] Exercise #block".to_string()],
            "markdown",
        ),
        (
            "3. or the blocks you intend every day, in `.mdtasks.toml`:",
            vec![
                "[[blocks.daily]]".to_string(),
                "text = \"Exercise\"".to_string(),
                "days = \"every day\"".to_string(),
            ],
            "toml",
        ),
    ];
    for (i, (lead, lines, lang)) in examples.iter().enumerate() {
        if i > 0 {
            d.blank();
        }
        d.para(lead);
        if d.md() {
            d.blank();
            d.line(&format!("```{lang}"));
            for l in lines {
                d.line(l);
            }
            d.line("```");
        } else {
            for l in lines {
                d.line(&format!("       {l}"));
            }
        }
    }
}

fn overview(d: &mut Doc, r: &BlocksReport) {
    let o = &r.overview;
    let mut lines = vec![format!(
        "Won {} of {} days with blocks ({})",
        o.days_won,
        o.days_with_blocks,
        percent(o.win_rate)
    )];
    let c = &r.current_streak;
    let mut cur = format!("Current streak: {}", days_word(c.days));
    match (c.from, c.to) {
        (Some(f), Some(t)) if f == t => cur.push_str(&format!(" ({f})")),
        (Some(f), Some(t)) => cur.push_str(&format!(" ({f} to {t})")),
        _ => {}
    }
    if c.today_pending {
        cur.push_str(if c.days > 0 {
            ", through yesterday: today is not won yet"
        } else {
            "; today is not won yet"
        });
    }
    lines.push(cur);
    lines.push(match &r.longest_streak {
        Some(l) if l.from == l.to => format!("Longest streak: {} ({})", days_word(l.days), l.from),
        Some(l) => format!(
            "Longest streak: {} ({} to {})",
            days_word(l.days),
            l.from,
            l.to
        ),
        None => "Longest streak: none yet".to_string(),
    });
    let mut counts = format!(
        "{} won, {} partial, {} missed",
        o.days_won, o.days_partial, o.days_missed
    );
    if o.days_rest > 0 {
        counts.push_str(&format!(", {} rest", o.days_rest));
    }
    if o.days_without_note > 0 {
        counts.push_str(&format!(" ({} without a note)", o.days_without_note));
    }
    lines.push(format!(
        "Days: {counts}; blocks done {} of {}",
        o.blocks_done, o.blocks_planned
    ));
    if !r.rest_days.is_empty() {
        lines.push(format!("Rest days: {}", r.rest_days.join(", ")));
    }
    for l in lines {
        if d.md() {
            d.line(&format!("- {l}"));
        } else {
            d.para(&l);
        }
    }
    d.blank();
}

fn calendar(d: &mut Doc, r: &BlocksReport) {
    let weeks = &r.calendar.weeks;
    if weeks.is_empty() {
        return;
    }
    let n = weeks.len();
    d.section(&format!(
        "Calendar (last {} week{})",
        n,
        if n == 1 { "" } else { "s" }
    ));
    let indent = if d.md() { "" } else { "  " };
    if d.md() {
        d.line("```text");
    }
    // Month labels above the week where a month starts.
    let mut months = String::new();
    for (i, w) in weeks.iter().enumerate() {
        let col = 5 + 2 * i;
        let starts_month = i == 0
            || w.days
                .iter()
                .any(|c| c.date.format("%d").to_string() == "01");
        if starts_month && months.chars().count() <= col {
            let shown = w
                .days
                .iter()
                .find(|c| c.date.format("%d").to_string() == "01")
                .map_or(w.start, |c| c.date);
            while months.chars().count() < col {
                months.push(' ');
            }
            months.push_str(&shown.format("%b").to_string());
            months.push(' ');
        }
    }
    d.line(&format!("{indent}{}", months.trim_end()));
    for (row, name) in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        .iter()
        .enumerate()
    {
        let cells: Vec<String> = weeks
            .iter()
            .map(|w| colored(d, w.days[row].state))
            .collect();
        let line = format!("{indent}{name}  {}", cells.join(" "));
        d.line(line.trim_end());
    }
    let legend = [
        DayState::Won,
        DayState::Partial,
        DayState::Missed,
        DayState::Today,
        DayState::Rest,
    ]
    .iter()
    .map(|s| {
        let word = match s {
            DayState::Rest => "rest or no data",
            DayState::Today => "today",
            _ => s.word(),
        };
        format!("{} {word}", colored(d, *s))
    })
    .collect::<Vec<_>>()
    .join("  ");
    d.line(&format!("{indent}{legend}"));
    if d.md() {
        d.line("```");
    }
    d.blank();
}

fn stats(d: &mut Doc, title: &str, col: &str, rows: &[BlockStat]) {
    d.section(title);
    let mut t = Table::new(&[
        (col, Align::Left),
        ("Days", Align::Right),
        ("Done", Align::Right),
        ("Rate", Align::Right),
        ("", Align::Left),
        ("Current", Align::Right),
        ("Longest", Align::Right),
    ])
    .limit(0, 30);
    for s in rows {
        let paint = if s.rate >= 0.8 {
            Paint::Green
        } else if s.rate < 0.5 {
            Paint::Red
        } else {
            Paint::None
        };
        let name = if d.md() {
            s.name.clone()
        } else {
            truncate(&s.name, 30)
        };
        t.row(vec![
            Cell {
                text: name,
                paint: Paint::None,
                code: s.name.starts_with('#'),
            },
            s.planned_days.to_string().into(),
            s.done_days.to_string().into(),
            Cell {
                text: percent(s.rate),
                paint,
                code: false,
            },
            bar(s.rate, BAR / 2).into(),
            s.current_streak.to_string().into(),
            s.longest_streak.to_string().into(),
        ]);
    }
    d.table(&t);
    d.blank();
}

fn signed(m: i64) -> String {
    match m {
        0 => "0m".to_string(),
        m if m > 0 => format!("+{}", duration(m.unsigned_abs())),
        m => format!("-{}", duration(m.unsigned_abs())),
    }
}

fn planned(d: &mut Doc, r: &BlocksReport) {
    if r.planned.iter().all(|p| p.logged_minutes == 0) {
        return;
    }
    d.section("Planned vs logged");
    let mut t = Table::new(&[
        ("Block", Align::Left),
        ("Days", Align::Right),
        ("Logged on", Align::Right),
        ("Planned", Align::Right),
        ("Logged", Align::Right),
        ("Difference", Align::Right),
    ])
    .limit(0, 30);
    for p in &r.planned {
        let diff = p.logged_minutes as i64 - p.planned_minutes as i64;
        t.row(vec![
            p.name.clone().into(),
            p.days.to_string().into(),
            p.days_logged.to_string().into(),
            duration(p.planned_minutes).into(),
            duration(p.logged_minutes).into(),
            Cell {
                text: signed(diff),
                paint: if diff < 0 { Paint::Red } else { Paint::Green },
                code: false,
            },
        ]);
    }
    d.table(&t);
    d.blank();
}

fn last_days(d: &mut Doc, r: &BlocksReport) {
    d.section("Last 14 days");
    let mut t = Table::new(&[
        ("Day", Align::Left),
        ("", Align::Left),
        ("Blocks", Align::Right),
        ("State", Align::Left),
        ("Not done", Align::Left),
    ])
    .limit(4, 40);
    for day in r.days.iter().rev().take(14) {
        let label = if d.md() {
            format!("{} {}", day.date, day.weekday)
        } else {
            format!("{} {}", day.weekday, day.date.format("%m-%d"))
        };
        let not_done: Vec<&str> = day
            .blocks
            .iter()
            .filter(|b| !b.done)
            .map(|b| &*b.name)
            .collect();
        let mut state = day.state.word().to_string();
        if !day.has_note && day.state != DayState::Rest {
            state.push_str(" (no note)");
        }
        t.row(vec![
            label.into(),
            glyph(day.state).into(),
            if day.blocks_total == 0 {
                "".into()
            } else {
                format!("{}/{}", day.blocks_done, day.blocks_total).into()
            },
            Cell {
                text: state,
                paint: state_paint(day.state),
                code: false,
            },
            not_done.join(", ").into(),
        ]);
    }
    d.table(&t);
    d.blank();
}

fn render_csv(r: &BlocksReport) -> String {
    let mut out = String::from("date,blocks_done,blocks_total,won,has_note,rest\n");
    for day in &r.days {
        out.push_str(&format!(
            "{},{},{},{},{},{}\n",
            day.date, day.blocks_done, day.blocks_total, day.won, day.has_note, day.rest
        ));
    }
    out
}
