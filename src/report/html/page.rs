//! The HTML page around the charts, written with maud (which escapes every value it is
//! given). No script, no external resource: a Content-Security-Policy says so to the
//! browser too.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::charts;
use super::data::{DayLine, HtmlReport, Kind};
use crate::report::blocks::DayState;
use crate::report::render::duration;

/// Nothing may be loaded or run: only inline styles and data: images (none are used).
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
                       base-uri 'none'; form-action 'none'";

const CSS: &str = r#"
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
header, main, footer { max-width: 1040px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 24px; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 36px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.sub, .caption, footer { color: var(--muted); }
.sub { margin: 0; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em; background: var(--soft); padding: 0 3px; border-radius: 4px; overflow-wrap: anywhere; }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 10px; margin: 12px 0 0; }
.stat { border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; background: var(--soft); }
.stat dt { font-size: 0.85rem; color: var(--muted); }
.stat dd { margin: 0; font-size: 1.35rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.stat .note { display: block; font-size: 0.8rem; font-weight: 400; color: var(--muted); }
figure { margin: 8px 0 0; }
figcaption h3 { font-size: 1.05rem; margin: 0 0 2px; }
.caption { font-size: 0.9rem; margin: 4px 0 8px; }
.chart-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; }
svg.chart { display: block; max-width: 100%; height: auto; }
svg.chart text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: #1f2328; }
svg.chart .tick { font-size: 12px; fill: #424a53; }
svg.chart .tick.muted { fill: #9aa3ad; }
svg.chart .month { font-weight: 600; }
svg.chart .axis-title { font-size: 13px; font-weight: 600; fill: #424a53; }
svg.chart .legend-label { font-size: 12.5px; }
svg.chart .value { font-size: 12px; font-weight: 600; }
svg.chart .rank { font-size: 11px; font-weight: 700; }
svg.chart line.grid { stroke: #e3e7eb; stroke-width: 1; }
svg.chart line.axis { stroke: #59636e; stroke-width: 1; }
svg.chart g.day:hover rect, svg.chart rect.cell:hover, svg.chart rect.hour:hover { stroke: #111; stroke-width: 1; }
.table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 8px 0; }
table { border-collapse: collapse; font-size: 0.9rem; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; vertical-align: middle; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; }
td.text { white-space: normal; min-width: 14em; overflow-wrap: anywhere; }
tr.no-note td { color: var(--muted); }
td.barcell { width: 180px; min-width: 100px; }
svg.tbar { display: block; width: 100%; height: 10px; }
details { margin: 6px 0 0; }
summary { cursor: pointer; color: var(--muted); font-size: 0.9rem; }
.empty { border: 1px dashed var(--line); border-radius: 8px; padding: 12px 16px; background: var(--soft); }
footer { font-size: 0.85rem; margin-top: 40px; padding-bottom: 32px; }
@media (max-width: 640px) {
  body { font-size: 14px; }
  header, main, footer { padding: 0 10px; }
  h1 { font-size: 1.35rem; }
  .stats { grid-template-columns: repeat(2, 1fr); }
  .stat dd { font-size: 1.1rem; }
  th, td { padding: 3px 6px; }
  /* Charts keep legible labels and scroll sideways, like the tables. */
  svg.chart { max-width: none; width: 680px; }
  svg#chart-calendar { width: 100%; max-width: 100%; }
}
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { font-size: 10pt; }
  header, main, footer { max-width: none; padding: 0; }
  h2 { break-after: avoid; margin-top: 18px; }
  figure, .stats, tr { break-inside: avoid; }
  details, .no-print { display: none; }
  .table-wrap, .chart-wrap { overflow: visible; }
  svg.chart { max-width: 100% !important; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// `week` -> `Week`.
fn capitalised(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn kind_word(k: Kind) -> &'static str {
    match k {
        Kind::Money => "money (stripes)",
        Kind::Waste => "waste (dots)",
        Kind::Other | Kind::Uncategorised => "",
    }
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("–")
}

fn dur_or_dash(m: u64) -> String {
    if m == 0 {
        "–".to_string()
    } else {
        duration(m)
    }
}

/// Where the sections go in the page's frame (and the rows in the table of days): the
/// frame is made whole, then written around them, so that the page is written section by
/// section, never held whole (a century's table of days is 8 MB). No escaped text holds a
/// NUL.
const SECTIONS: &str = "\u{0}mdtasks:sections\u{0}";

/// The whole page.
pub fn page(r: &HtmlReport) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail.
    let _ = write_page(r, &mut out);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Writes the page into `w`, a section at a time and the table of days a few hundred rows
/// at a time: the same bytes as [`page`].
pub fn write_page(r: &HtmlReport, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let frame = frame(r);
    let Some((before, after)) = frame.split_once(SECTIONS) else {
        return w.write_all(frame.as_bytes());
    };
    w.write_all(before.as_bytes())?;
    for section in [
        overview,
        days_chart,
        hours_section,
        money_waste_section,
        blocks_section,
        tags_section,
    ] {
        w.write_all(section(r).into_string().as_bytes())?;
    }
    let days = days_section().into_string();
    let (head, tail) = days.split_once(SECTIONS).unwrap_or((&days, ""));
    w.write_all(head.as_bytes())?;
    for rows in r.days.chunks(512) {
        let batch = html! { @for d in rows { (day_row(d)) } };
        w.write_all(batch.into_string().as_bytes())?;
    }
    w.write_all(tail.as_bytes())?;
    w.write_all(longest_section(r).into_string().as_bytes())?;
    w.write_all(after.as_bytes())
}

/// The page around its sections, which are marked by [`SECTIONS`].
fn frame(r: &HtmlReport) -> String {
    let doc = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(CSP);
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content=(concat!("mdtasks ", env!("CARGO_PKG_VERSION")));
                title { (r.title) " · mdtasks" }
                style { (PreEscaped(CSS)) }
            }
            body {
                header {
                    h1 id="report-title" { (r.title) }
                    p.sub {
                        "Notes: " code { (r.source) } " · as of " (r.today.to_string())
                        " · made by mdtasks"
                    }
                }
                main {
                    @if r.empty {
                        section id="empty" {
                            h2 { "No time entries" }
                            p.empty {
                                "No time entry falls in this period. A time entry is a list item "
                                "that starts with a time, e.g. " code { "- 09:00-10:30 write chapter 3 #money" }
                                " under a day's " code { "## Log" } " heading."
                            }
                        }
                    } @else {
                        (PreEscaped(SECTIONS))
                    }
                }
                footer {
                    p {
                        "Every chart has a text description (shown under its title) and a data table. "
                        "Money is drawn with stripes, waste with dots. This page loads nothing and runs no script."
                    }
                }
            }
        }
    };
    doc.into_string()
}

fn overview(r: &HtmlReport) -> Markup {
    html! {
        section id="overview" {
            h2 { "Overview" }
            dl.stats {
                @for s in &r.overview {
                    div.stat {
                        dt { (s.label) }
                        dd {
                            (s.value)
                            @if let Some(n) = &s.note { span.note { (n) } }
                        }
                    }
                }
            }
        }
    }
}

fn figure(id: &str, title: &str, alt: &str, svg: String, data: Markup) -> Markup {
    html! {
        figure id=(id) {
            figcaption {
                h3 { (title) }
                p.caption { (alt) }
            }
            // Built by `svg::Svg`, which escapes every value and text it writes.
            div.chart-wrap { (PreEscaped(svg)) }
            (data)
        }
    }
}

fn days_chart(r: &HtmlReport) -> Markup {
    let svg = charts::day_bars(&r.day_bars, &r.series);
    let legend = html! {
        details {
            summary { "Data table: time per category" }
            div.table-wrap {
                table {
                    thead { tr { th { "Category" } th { "Drawn as" } th.num { "Time" } } }
                    tbody {
                        @for s in &r.series {
                            tr {
                                td { (s.name) }
                                td { (kind_word(s.kind)) }
                                td.num { (duration(s.minutes)) }
                            }
                        }
                    }
                }
            }
            p { "Per day: see " a href="#days" { "the table of days" } "." }
        }
    };
    html! {
        section id="where" {
            h2 { "Where the hours go" }
            (figure("fig-days", &format!("Logged time per {}, by category", r.day_bars.unit.word()), &r.day_bars.alt, svg, legend))
        }
    }
}

fn hours_section(r: &HtmlReport) -> Markup {
    let heat = charts::heatmap(&r.heatmap);
    let heat_data = html! {
        details {
            summary { "Data table: minutes per weekday and hour" }
            div.table-wrap {
                table {
                    thead {
                        tr {
                            th { "Weekday" }
                            @for h in 0..24 { th.num { (format!("{h:02}")) } }
                            th.num { "Total" }
                        }
                    }
                    tbody {
                        @for row in &r.heatmap.rows {
                            tr {
                                th { (row.weekday) }
                                @for m in &row.minutes { td.num { (m) } }
                                td.num { (duration(row.total_minutes)) }
                            }
                        }
                    }
                }
            }
        }
    };
    let hours = charts::hours(&r.hours);
    let hours_data = html! {
        details {
            summary { "Data table: time per hour of the day" }
            div.table-wrap {
                table {
                    thead { tr { th { "Hour" } th.num { "Time" } th.num { "Productive rank" } th.num { "Score" } } }
                    tbody {
                        @for h in &r.hours.hours {
                            tr {
                                td { (format!("{:02}:00–{:02}:00", h.hour, (h.hour + 1) % 24)) }
                                td.num { (dur_or_dash(h.minutes)) }
                                td.num { @if let Some(k) = h.productive_rank { "★ " (k) } }
                                td.num { @if h.score > 0 { (h.score) } }
                            }
                        }
                    }
                }
            }
        }
    };
    html! {
        section id="hours" {
            h2 { "Hours of the day" }
            (figure("fig-heatmap", "Logged time by weekday and hour", &r.heatmap.alt, heat, heat_data))
            (figure("fig-hours", "Hour-of-day profile and the most productive hours", &r.hours.alt, hours, hours_data))
        }
    }
}

fn money_waste_section(r: &HtmlReport) -> Markup {
    let m = &r.money_waste;
    html! {
        section id="money-waste" {
            h2 { "Money against waste" }
            @if !m.has_money && !m.has_waste {
                p.empty {
                    "The config has no " code { "money" } " and no " code { "waste" }
                    " category, so there is nothing to compare. " code { "mdtasks init" }
                    " writes a config with both."
                }
            } @else {
                @let data = html! {
                    details {
                        summary { "Data table: money and waste per " (m.unit.word()) }
                        div.table-wrap {
                            table {
                                thead { tr { th { (capitalised(m.unit.word())) } th.num { "Money" } th.num { "Waste" } } }
                                tbody {
                                    @for w in &m.weeks {
                                        tr {
                                            td { (w.week) }
                                            td.num { (duration(w.money_minutes)) }
                                            td.num { (duration(w.waste_minutes)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                };
                (figure("fig-money-waste", &format!("Money against waste per {}", m.unit.word()), &m.alt, charts::money_waste(m), data))
            }
        }
    }
}

/// Short words for the table (the calendar's tooltips say more).
fn state_word(s: DayState) -> &'static str {
    match s {
        DayState::Today => "today",
        DayState::NoData => "–",
        s => s.word(),
    }
}

fn blocks_section(r: &HtmlReport) -> Markup {
    let c = &r.calendar;
    html! {
        section id="blocks" {
            h2 { "Time blocks" }
            @if !c.has_blocks {
                p.empty {
                    "No time blocks in these notes. A time block is a checkbox under a "
                    @for (i, h) in c.headings.iter().enumerate() {
                        @if i > 0 { " or " }
                        code { "## " (h) }
                    }
                    " heading, or one tagged " code { "#block" } "."
                }
            } @else {
                @let data = html! {
                    details {
                        summary { "Data table: each day of the calendar" }
                        div.table-wrap {
                            table {
                                thead { tr { th { "Week of" } @for d in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] { th { (d) } } } }
                                tbody {
                                    @for w in &c.weeks {
                                        tr {
                                            th { (w.start.to_string()) }
                                            @for d in &w.days {
                                                td {
                                                    (state_word(d.state))
                                                    @if d.blocks_total > 0 { " " (d.blocks_done) "/" (d.blocks_total) }
                                                    @if d.current_streak { " ▪" }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                        p { "▪ marks the days of the current streak." }
                    }
                };
                (figure("fig-calendar", "Time-block calendar and streaks", &c.alt, charts::calendar(c), data))
                @if !c.blocks.is_empty() {
                    h3 { "Each block" }
                    div.table-wrap {
                        table id="blocks-table" {
                            thead {
                                tr {
                                    th { "Block" } th.num { "Done" } th.num { "Rate" } th { "" }
                                    th.num { "Current streak" } th.num { "Longest streak" }
                                }
                            }
                            tbody {
                                @for b in &c.blocks {
                                    tr {
                                        td.text { (b.name) }
                                        td.num { (b.done_days) " of " (b.planned_days) }
                                        td.num { (format!("{:.0}%", b.rate * 100.0)) }
                                        td.barcell { (PreEscaped(charts::table_bar("block-bar", b.rate, "#1a7f37"))) }
                                        td.num { (b.current_streak) }
                                        td.num { (b.longest_streak) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn tags_section(r: &HtmlReport) -> Markup {
    html! {
        section id="tags" {
            h2 { "Tags" }
            p.caption { "Time per tag. An entry counts for each of its tags, so the shares can add up to more than 100%." }
            div.table-wrap {
                table id="tags-table" {
                    thead {
                        tr { th { "Tag" } th.num { "Time" } th.num { "Share" } th.num { "Entries" } th { "" } }
                    }
                    tbody {
                        @for t in &r.tags {
                            tr {
                                td { code { (t.tag) } }
                                td.num { (duration(t.minutes)) }
                                td.num { (format!("{:.1}%", t.share * 100.0)) }
                                td.num { (t.entries) }
                                td.barcell { (PreEscaped(charts::table_bar("tag-bar", t.scale, "#0072B2"))) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn day_row(d: &DayLine) -> Markup {
    html! {
        tr class=[(!d.has_note).then_some("no-note")] {
            td { (d.date.to_string()) }
            td { (d.weekday) }
            td.num { (dur_or_dash(d.logged_minutes)) }
            td.num { (d.entries) }
            td {
                @match (&d.first, &d.last) {
                    (Some(f), Some(l)) => { (f) "–" (l) }
                    _ => "–",
                }
            }
            td.num { (dur_or_dash(d.money_minutes)) }
            td.num { (dur_or_dash(d.waste_minutes)) }
            td.num { (d.tasks_done) }
            td.num { @if d.blocks_total > 0 { (d.blocks_done) "/" (d.blocks_total) } @else { "–" } }
        }
    }
}

fn days_section() -> Markup {
    html! {
        section id="days" {
            h2 { "Each day" }
            div.table-wrap {
                table id="days-table" {
                    thead {
                        tr {
                            th { "Date" } th { "Day" } th.num { "Logged" } th.num { "Entries" }
                            th { "First–last" } th.num { "Money" } th.num { "Waste" }
                            th.num { "Tasks done" } th.num { "Blocks" }
                        }
                    }
                    // The rows are written in their place by `write_page`.
                    tbody { (PreEscaped(SECTIONS)) }
                }
            }
        }
    }
}

fn longest_section(r: &HtmlReport) -> Markup {
    html! {
        @if !r.longest.is_empty() {
            section id="longest" {
                h2 { "Longest activities" }
                div.table-wrap {
                    table id="longest-table" {
                        thead {
                            tr {
                                th { "Date" } th { "Time" } th.num { "Length" } th { "Category" }
                                th { "Activity" } th { "Tags" } th { "Note" }
                            }
                        }
                        tbody {
                            @for e in &r.longest {
                                tr {
                                    td { (e.date.to_string()) }
                                    td { (e.start) "–" (opt(&e.end)) }
                                    td.num { (duration(u64::from(e.minutes))) }
                                    td { (e.category) }
                                    td.text { (e.text) }
                                    td { @for t in &e.tags { code { "#" (t) } " " } }
                                    td { code { (e.path) ":" (e.line) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
