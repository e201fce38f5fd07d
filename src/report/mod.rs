//! Reports: data first (Serialize), rendered by one renderer per format.
//!
//! `period` resolves the command-line period options, `summary` computes the time-log
//! report once, and `render` turns it into text, Markdown, JSON or CSV; `html` draws it as a page
//! with charts.

pub mod blocks;
mod blocks_render;
mod entry_rows;
pub mod export;
pub mod html;
pub mod period;
pub mod render;
pub mod summary;
pub mod tasks;

pub use period::{Period, PeriodError, PeriodSpec};
pub use render::{CsvKind, Format, render};
pub use summary::{Summary, summarize};
