//! The HTML report (`summarize --format html`): one self-contained page with SVG charts.
//!
//! Two steps, like every report: `html_report` computes the data behind each chart from a
//! `Summary` and a `BlocksReport` (pure, serialisable, snapshot-tested), then `render_html`
//! draws it. Every string that comes from the notes or the config is escaped: by maud in
//! the page, by `svg::Svg` in the charts. docs/html-report.md has the details.

mod charts;
mod data;
mod page;
pub mod svg;

pub use data::{
    BarUnit, BlockBar, BlocksCalendar, CalCell, CalWeek, DayBar, DayBars, DayLine, Fill, HeatRow,
    Heatmap, HourBar, HourProfile, HtmlOptions, HtmlReport, Kind, LongEntry, MAX_BARS,
    MAX_WEEK_PAIRS, MoneyWasteChart, Segment, Series, Stat, TagBar, WeekPair, html_report,
    week_pairs, weekday_hour_grid,
};
pub use page::CSP;

/// The page for `report`: a complete HTML document.
pub fn render_html(report: &HtmlReport) -> String {
    page::page(report)
}

/// [`render_html`]'s page written into `w` a section at a time, never held whole.
pub fn write_html(report: &HtmlReport, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    page::write_page(report, w)
}
