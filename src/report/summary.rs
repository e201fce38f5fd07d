//! The time-log report as data: computed once from the loaded notes, rendered by `render`.
//!
//! Every collection here is a sorted `Vec` or a `BTreeMap`, so the JSON and every rendering
//! are deterministic. Times of day are written `HH:MM` (strings, or a [`Clock`] in the
//! tables a century makes long); a time past the day's midnight carries a `+1` suffix
//! (`00:45+1`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use crate::load::OwnLine;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

pub use super::entry_rows::{EntryRows, Spill};
use super::period::Period;
use crate::config::Settings;
use crate::load::LoadedNote;
use crate::model::EntrySource;
use crate::report::tasks::PriorityCounts;

/// The version of the JSON shape; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 2;
/// The name entries matching no configured category are shown under.
pub const UNCATEGORISED: &str = "uncategorised";
/// The tag row for entries without tags.
pub const UNTAGGED: &str = "(untagged)";
/// The two categories compared side by side.
pub const MONEY: &str = "money";
pub const WASTE: &str = "waste";
/// Score of one task completed in an hour, in "productive minutes".
pub const TASK_SCORE: u64 = 30;
pub const DIAGNOSTICS_HINT: &str = "run `mdtasks check` to see them";

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Minutes per category, only categories with time, sorted by name; a JSON object. A small
/// vector sharing the category names: a century of day rows holds 36,500 of these.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CategoryMinutes(Vec<(Arc<str>, u64)>);

impl CategoryMinutes {
    /// From minutes per category index (`names` in the same order), `by_name` being the
    /// indexes in the order of their names ([`by_name`]).
    fn from_indexed(minutes: &[u64], names: &[Arc<str>], by_name: &[usize]) -> Self {
        CategoryMinutes(
            by_name
                .iter()
                .filter(|&&i| minutes[i] > 0)
                .map(|&i| (names[i].clone(), minutes[i]))
                .collect(),
        )
    }

    /// The pairs as they are, in their order.
    #[cfg(test)]
    pub(crate) fn from_pairs(pairs: Vec<(Arc<str>, u64)>) -> Self {
        CategoryMinutes(pairs)
    }

    pub fn get(&self, name: &str) -> Option<&u64> {
        self.0.iter().find(|(n, _)| &**n == name).map(|(_, m)| m)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, u64)> {
        self.0.iter().map(|(n, m)| (&**n, *m))
    }
}

/// The indexes of `names` in the order of the names (a stable sort: equal names in the
/// order they come), for [`CategoryMinutes::from_indexed`]: sorted once, not for every day.
fn by_name<N: AsRef<str>>(names: &[N]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|&a, &b| names[a].as_ref().cmp(names[b].as_ref()));
    order
}

impl std::ops::Index<&str> for CategoryMinutes {
    type Output = u64;
    fn index(&self, name: &str) -> &u64 {
        self.get(name).expect("a category with minutes")
    }
}

impl Serialize for CategoryMinutes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(n, m)| (&**n, m)))
    }
}

thread_local! {
    /// While set (on this thread), a summary's day rows, focus sessions and entry rows
    /// serialise as empty arrays: the JSON renderer writes those itself, on several threads.
    static ROWS_LEFT_OUT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with [`Summary`]'s day rows, focus sessions and entry rows serialised as `[]` on
/// this thread (see `render::json`).
pub(crate) fn without_rows<R>(f: impl FnOnce() -> R) -> R {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            ROWS_LEFT_OUT.with(|c| c.set(false));
        }
    }
    ROWS_LEFT_OUT.with(|c| c.set(true));
    let _reset = Reset;
    f()
}

/// The rows, or none while [`without_rows`] runs.
fn rows<T: Serialize, S: serde::Serializer>(v: &[T], s: S) -> Result<S::Ok, S::Error> {
    if ROWS_LEFT_OUT.with(std::cell::Cell::get) {
        s.collect_seq(std::iter::empty::<&T>())
    } else {
        s.collect_seq(v)
    }
}

/// The entry rows, or none while [`without_rows`] runs.
fn entry_rows<S: serde::Serializer>(v: &Option<EntryRows>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(_) if ROWS_LEFT_OUT.with(std::cell::Cell::get) => {
            s.collect_seq(std::iter::empty::<&EntryRow>())
        }
        Some(v) => v.serialize(s),
        None => s.serialize_none(),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub schema_version: u32,
    pub period: PeriodInfo,
    pub overview: Overview,
    /// Category names in matching order; `uncategorised` last.
    pub categories: Vec<String>,
    /// Every day of the period, in order.
    #[serde(serialize_with = "rows")]
    pub days: Vec<DayRow>,
    /// By minutes, most first, then by name.
    pub tags: Vec<TagRow>,
    /// In the order of `categories`.
    pub category_totals: Vec<CategoryRow>,
    pub money_waste: MoneyWaste,
    pub hours: Hours,
    pub focus: Focus,
    /// The five longest entries.
    pub longest: Vec<EntryRow>,
    /// Every counted entry of the period, by date, start, path and line; only when asked
    /// for (`--entries`, `--csv entries`): `mdtasks entries` lists them too.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "entry_rows")]
    pub entries: Option<EntryRows>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PeriodInfo {
    /// The first and last day reported: the options' bounds, or else the span of the dated
    /// notes. None only when there is nothing dated at all.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Whether each bound came from the options (true) or from the notes (false).
    pub from_given: bool,
    pub to_given: bool,
    pub days: usize,
    /// Longer than 7 days: the weekly trend and the weekday x hour grid are computed.
    pub longer_than_week: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub days_in_period: usize,
    pub days_with_notes: usize,
    pub days_with_log: usize,
    pub total_minutes: u64,
    /// Total over days with a log, rounded to the minute; 0 without any.
    pub average_minutes_per_logged_day: u64,
    pub entries: usize,
    /// Entries without an end (and without a default duration).
    pub open_entries: usize,
    /// Entries in notes without a date; never counted in the report.
    pub undated_entries: usize,
    pub gaps: Gaps,
    pub diagnostics: usize,
    pub diagnostics_hint: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Gaps {
    pub count: usize,
    pub total_minutes: u64,
    /// The five biggest, biggest first.
    pub biggest: Vec<Gap>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Gap {
    pub date: NaiveDate,
    pub from: String,
    pub to: String,
    pub minutes: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct DayRow {
    #[serde(serialize_with = "iso_date")]
    pub date: NaiveDate,
    pub weekday: &'static str,
    /// A note, date heading, task or entry exists for the day.
    pub has_note: bool,
    pub logged_minutes: u64,
    pub entries: usize,
    /// Start of the first entry and end of the last (its start while it is open).
    pub first: Option<Clock>,
    pub last: Option<Clock>,
    /// Minutes per category, only categories with time that day.
    pub categories: CategoryMinutes,
    pub tasks_done: usize,
    pub tasks_added: usize,
    pub blocks_done: usize,
    pub blocks_total: usize,
    /// The day's priority and money tasks; None when the day has neither.
    pub priorities: Option<DayPriorityRow>,
}

/// Whether the day's priority work came first (issue: "priority first").
#[derive(Debug, Clone, Serialize)]
pub struct DayPriorityRow {
    pub priority_done: usize,
    pub priority_total: usize,
    pub money_done: usize,
    pub money_total: usize,
    /// Whether the first task done that day (by the log) was priority work; None when no
    /// done task has a time.
    pub first_done_was_priority: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TagRow {
    pub tag: String,
    pub minutes: u64,
    /// Of the total logged minutes, 0..1 (an entry counts for each of its tags, so the
    /// shares may add up to more than 1).
    pub share: f64,
    pub entries: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct CategoryRow {
    pub category: String,
    pub minutes: u64,
    pub share: f64,
    pub entries: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct MoneyWaste {
    pub money_minutes: u64,
    pub waste_minutes: u64,
    pub money_share: f64,
    pub waste_share: f64,
    /// Money minutes per waste minute; null when there is no waste time.
    pub ratio: Option<f64>,
    /// Per ISO week, when the period is longer than a week; empty otherwise.
    pub trend: Vec<WeekTrend>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WeekTrend {
    /// `2026-W47`.
    pub week: String,
    pub money_minutes: u64,
    pub waste_minutes: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hours {
    /// 24 rows, hour 0 to 23.
    pub per_hour: Vec<HourRow>,
    /// The most minutes in any one hour (for scaling bars).
    pub peak_minutes: u64,
    /// Up to three hours with a score above zero, best first.
    pub productive: Vec<ProductiveHour>,
    /// Monday to Sunday, when the period is longer than a week.
    pub weekday_grid: Option<Vec<WeekdayRow>>,
    /// The same minutes (weekday, Monday first, then hour) whatever the period's length, for
    /// the HTML page's heat map; not in the JSON.
    #[serde(skip)]
    pub weekday_minutes: [[u64; 24]; 7],
}

#[derive(Debug, Clone, Serialize)]
pub struct HourRow {
    pub hour: u32,
    pub minutes: u64,
    /// Minutes per category, only categories with time in the hour.
    pub categories: CategoryMinutes,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProductiveHour {
    pub hour: u32,
    /// money_minutes + priority_minutes + 30 * tasks_done.
    pub score: u64,
    pub money_minutes: u64,
    pub priority_minutes: u64,
    pub tasks_done: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct WeekdayRow {
    pub weekday: String,
    /// 24 values, hour 0 to 23.
    pub minutes: Vec<u64>,
    pub total_minutes: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Focus {
    pub threshold_minutes: u32,
    pub count: usize,
    pub total_minutes: u64,
    pub median_minutes: Option<u32>,
    pub longest_minutes: Option<u32>,
    /// Breaks (of more than 0m) between consecutive sessions of the same day.
    pub breaks: usize,
    pub median_break_minutes: Option<u32>,
    #[serde(serialize_with = "rows")]
    pub sessions: Vec<Session>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Session {
    #[serde(serialize_with = "iso_date")]
    pub date: NaiveDate,
    pub start: Clock,
    pub end: Clock,
    pub minutes: u32,
    /// Shared with the other sessions of its category.
    pub category: Arc<str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EntryRow {
    /// The day the entry counts for.
    #[serde(serialize_with = "iso_date")]
    pub date: NaiveDate,
    pub start: Clock,
    /// None while open.
    pub end: Option<Clock>,
    /// 0 while open.
    pub minutes: u32,
    pub open: bool,
    /// Shared by the rows of a category, and the path by the rows of a note: a report
    /// that lists every entry holds a row for each (a million for a century of notes).
    #[serde(serialize_with = "shared_str")]
    pub category: Arc<str>,
    pub tags: Vec<String>,
    pub text: String,
    #[serde(serialize_with = "shared_str")]
    pub path: Arc<str>,
    pub line: usize,
    /// The note's place among the notes read, in path order: ties between entries of the
    /// same day and start go by it (not in the report).
    #[serde(skip)]
    pub note: u32,
}

/// A shared string, written as the string.
fn shared_str<S: serde::Serializer>(v: &Arc<str>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(v)
}

/// A time of day in the report, kept as minutes from the day's midnight and written as
/// [`clock`] writes it (`09:05`, `00:45+1`): a century's report holds a few hundred thousand
/// of these, and a string each was that many allocations and a few MB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Clock(pub u32);

impl std::fmt::Display for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&clock(self.0))
    }
}

impl Serialize for Clock {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(clock_short(self.0).as_str())
    }
}

/// A short ASCII text on the stack: the times and dates of a long report are written
/// without a string (or the `fmt` machinery) each.
pub(crate) struct Short {
    buf: [u8; 24],
    len: usize,
}

impl Short {
    /// A buffer that starts with the text.
    pub(crate) fn bytes(&self) -> &[u8; 24] {
        &self.buf
    }

    /// The text's length in bytes.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).expect("only ASCII digits and signs")
    }
}

/// `HH:MM`, with `+1` (or `+N`) for minutes past the day's midnight.
pub fn clock(m: u32) -> String {
    clock_short(m).as_str().to_string()
}

/// [`clock`] on the stack (at most 13 bytes: `23:59+2982616`).
pub(crate) fn clock_short(m: u32) -> Short {
    let days = m / 1440;
    let m = m % 1440;
    let mut buf = [0u8; 24];
    buf[..2].copy_from_slice(&super::render::two_digits(m / 60));
    buf[2] = b':';
    buf[3..5].copy_from_slice(&super::render::two_digits(m % 60));
    let mut len = 5;
    if days > 0 {
        let (digits, i) = super::render::decimal(days.into());
        buf[5] = b'+';
        let n = digits.len() - i;
        buf[6..6 + n].copy_from_slice(&digits[i..]);
        len = 6 + n;
    }
    Short { buf, len }
}

/// Serializes a date as chrono does (`2026-11-24`), by hand for the years 0 to 9999 (chrono
/// goes through `fmt` and a write per character: a sixth of a century's JSON report).
fn iso_date<S: serde::Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    match super::render::iso_date_bytes(*d) {
        Some(t) => s.serialize_str(std::str::from_utf8(&t).expect("ASCII digits and dashes")),
        None => d.serialize(s),
    }
}

fn share(part: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        (part as f64 / total as f64 * 10_000.0).round() / 10_000.0
    }
}

/// The median of whole minutes, the mean of the two middle values rounded half up.
fn median(v: &mut [u32]) -> Option<u32> {
    if v.is_empty() {
        return None;
    }
    // Selected, not sorted: a century's 73,000 sessions and their breaks were sorted
    // twice, on one thread, after the notes were read.
    let n = v.len();
    let (below, &mut mid, _) = v.select_nth_unstable(n / 2);
    Some(if n % 2 == 1 {
        mid
    } else {
        // The other middle value: the largest of those below.
        let low = below
            .iter()
            .copied()
            .max()
            .expect("an even count above zero");
        (low + mid).div_ceil(2)
    })
}

/// Calls `f(hour, minutes)` for each hour of the day `[start, end)` touches; hours past
/// midnight wrap (hour 24 is hour 0).
pub fn split_hours(start: u32, end: u32, mut f: impl FnMut(usize, u32)) {
    let mut m = start;
    while m < end {
        let seg = ((m / 60 + 1) * 60).min(end) - m;
        f(((m / 60) % 24) as usize, seg);
        m += seg;
    }
}

/// A time entry of one note after attribution to its day, as the summary keeps it.
#[derive(Debug)]
struct DigestEntry {
    date: NaiveDate,
    start: u32,
    end: Option<u32>,
    category: usize,
    /// The entry's distinct tags, in order of appearance, and its text.
    tags: Vec<String>,
    text: String,
    line: usize,
}

/// The tags the settings name, each with what it makes an entry: the categories that list it
/// (bit `i` for category `i`, the first 64) and whether it is a priority tag (an ASCII one;
/// see [`Digester::is_priority_tag`]). A tag a note meets is looked up here by its name
/// without ASCII case, at a cost that does not grow with the settings: comparing it with
/// every tag of every category made `summarize` on 36,500 notes about 4% slower with 22
/// categories of 10 tags than with this table.
#[derive(Debug)]
struct TagClasses {
    /// Open addressing: a power of two of slots, at most half of them taken.
    slots: Vec<Option<(Box<str>, u64, bool)>>,
}

impl TagClasses {
    fn new(settings: &Settings, priority_tags: &[String]) -> Self {
        let mut named: Vec<(String, u64, bool)> = Vec::new();
        let mut add = |t: &str, categories: u64, priority: bool| {
            let key = t.to_ascii_lowercase();
            match named.iter_mut().find(|(k, ..)| *k == key) {
                Some(e) => {
                    e.1 |= categories;
                    e.2 |= priority;
                }
                None => named.push((key, categories, priority)),
            }
        };
        for (i, c) in settings.categories.iter().take(64).enumerate() {
            for t in &c.tags {
                add(t, 1 << i, false);
            }
        }
        // As `is_priority_tag` compares an ASCII tag: with the lower-cased priority tag.
        for p in priority_tags.iter().map(|p| p.to_lowercase()) {
            if p.is_ascii() {
                add(&p, 0, true);
            }
        }
        let n = (named.len() * 2).next_power_of_two().max(8);
        let mut slots = vec![None; n];
        for (key, categories, priority) in named {
            let mut i = Self::hash(&key) & (n - 1);
            while slots[i].is_some() {
                i = (i + 1) & (n - 1);
            }
            slots[i] = Some((key.into_boxed_str(), categories, priority));
        }
        TagClasses { slots }
    }

    /// FNV-1a over the name's bytes, ASCII letters in lower case.
    fn hash(t: &str) -> usize {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in t.bytes() {
            h = (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x100_0000_01b3);
        }
        h as usize
    }

    /// The categories and priority `t` carries (none for a tag the settings do not name).
    fn of(&self, t: &str) -> (u64, bool) {
        // At least 8 slots, at most half of them taken: the search meets an empty one.
        let n = self.slots.len();
        let mut i = Self::hash(t) & (n - 1);
        while let Some((key, categories, priority)) = &self.slots[i] {
            if key.eq_ignore_ascii_case(t) {
                return (*categories, *priority);
            }
            i = (i + 1) & (n - 1);
        }
        (0, false)
    }
}

/// An entry of the period as [`Digester::digest`] first takes it: what the sums need, and
/// the entry's index in the note (its text and tags are taken only for the rows kept).
/// The distinct tags of one note's entries, each with what it makes an entry: its
/// categories and whether it is a priority tag. A note has a handful, met again on most of
/// its entries: a tag is looked up by a key made of a few of its bytes, and the categories'
/// tags are compared with it once a note instead of once an entry.
struct NoteTags {
    /// The names, one after another.
    names: String,
    /// Where each name ends in `names`.
    ends: Vec<usize>,
    keys: Vec<u64>,
    /// Bit `i`: category `i` lists the tag (the first 64 categories).
    categories: Vec<u64>,
    priority: Vec<bool>,
    /// The index (plus one) of the tag last found or added under each hash of a key: most
    /// lookups are one comparison.
    recent: [u32; 64],
}

impl NoteTags {
    /// Room for `n` tags of 16 bytes (one allocation each, not one growth after another).
    fn with_capacity(n: usize) -> Self {
        NoteTags {
            names: String::with_capacity(16 * n),
            ends: Vec::with_capacity(n),
            keys: Vec::with_capacity(n),
            categories: Vec::with_capacity(n),
            priority: Vec::with_capacity(n),
            recent: [0; 64],
        }
    }

    fn name(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.names[start..self.ends[i]]
    }

    /// The index of `t`, added if new.
    fn index(&mut self, t: &str, d: &Digester) -> u32 {
        let key = Self::key(t);
        let slot = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize;
        if let Some(i) = self.recent[slot].checked_sub(1).map(|i| i as usize)
            && self.keys[i] == key
            && self.name(i) == t
        {
            return i as u32;
        }
        let mut from = 0;
        while let Some(at) = self.keys[from..].iter().position(|&k| k == key) {
            let i = from + at;
            if self.name(i) == t {
                self.recent[slot] = i as u32 + 1;
                return i as u32;
            }
            from = i + 1;
        }
        self.recent[slot] = self.keys.len() as u32 + 1;
        self.names.push_str(t);
        self.ends.push(self.names.len());
        self.keys.push(key);
        let (categories, priority) = d.classes.of(t);
        self.categories.push(categories);
        // A tag that is not ASCII is a priority tag by its Unicode lower case.
        self.priority
            .push(priority || (!t.is_ascii() && d.is_priority_tag(t)));
        (self.keys.len() - 1) as u32
    }

    /// The length and the first, middle and last bytes: tags that share these are rare,
    /// and are told apart by their names.
    fn key(t: &str) -> u64 {
        let b = t.as_bytes();
        let byte = |i: usize| u64::from(b.get(i).copied().unwrap_or(0));
        let last = b.len().saturating_sub(1);
        (b.len() as u64) | byte(0) << 32 | byte(b.len() / 2) << 40 | byte(last) << 48
    }
}

struct Placed {
    date: NaiveDate,
    start: u32,
    end: Option<u32>,
    category: u32,
    /// Carries a priority tag.
    priority: bool,
    line: usize,
    ix: usize,
    /// Its distinct tags: indices in the note's [`NoteTags`], at these places of the list
    /// of every entry's tags.
    tags: std::ops::Range<u32>,
}

impl Placed {
    fn seg(&self) -> Seg {
        Seg {
            start: self.start,
            end: self.end.unwrap_or(u32::MAX),
            category: self.category,
        }
    }

    /// Its length; 0 while open.
    fn minutes(&self) -> u32 {
        self.end.map_or(0, |x| x.saturating_sub(self.start))
    }
}

/// Minutes of closed entries per hour of the day (0 to 23).
type PerHour = [u64; 24];

/// What the report sums over the time entries of the period.
#[derive(Debug)]
struct EntrySums {
    minutes: u64,
    entries: usize,
    open: usize,
    /// (minutes, entries) per category index.
    categories: Vec<(u64, usize)>,
    /// Per category index.
    hour_category: Vec<PerHour>,
    /// Per weekday, Monday first.
    hour_weekday: [PerHour; 7],
    hour_money: PerHour,
    hour_priority: PerHour,
}

impl EntrySums {
    fn new(ncat: usize) -> Self {
        EntrySums {
            minutes: 0,
            entries: 0,
            open: 0,
            categories: vec![(0, 0); ncat],
            hour_category: vec![[0; 24]; ncat],
            hour_weekday: [[0; 24]; 7],
            hour_money: [0; 24],
            hour_priority: [0; 24],
        }
    }

    /// Adds `o` in (both with the same categories).
    fn merge(&mut self, o: &EntrySums) {
        fn add(a: &mut PerHour, b: &PerHour) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        self.minutes += o.minutes;
        self.entries += o.entries;
        self.open += o.open;
        for (a, b) in self.categories.iter_mut().zip(&o.categories) {
            a.0 += b.0;
            a.1 += b.1;
        }
        for (a, b) in self.hour_category.iter_mut().zip(&o.hour_category) {
            add(a, b);
        }
        for (a, b) in self.hour_weekday.iter_mut().zip(&o.hour_weekday) {
            add(a, b);
        }
        add(&mut self.hour_money, &o.hour_money);
        add(&mut self.hour_priority, &o.hour_priority);
    }
}

/// Tasks of one day in one note.
#[derive(Debug, Default, Clone, Copy)]
struct TaskCounts {
    done: usize,
    added: usize,
    blocks_done: usize,
    blocks_total: usize,
}

impl TaskCounts {
    fn add(&mut self, c: &TaskCounts) {
        self.done += c.done;
        self.added += c.added;
        self.blocks_done += c.blocks_done;
        self.blocks_total += c.blocks_total;
    }
}

/// A day's priorities, summed over its notes.
#[derive(Debug, Default, Clone, Copy)]
struct PriorityAcc {
    priority_done: usize,
    priority_total: usize,
    money_done: usize,
    money_total: usize,
    /// (time, note number, line, is priority work) of the first done task with a time.
    first: Option<(u32, u32, usize, bool)>,
}

impl PriorityAcc {
    /// Adds `o` in: the counts summed, the earlier first done task kept (by time, then note,
    /// then line: no two tasks share a note and a line, so the order of adding is free).
    fn add(&mut self, o: PriorityAcc) {
        self.priority_done += o.priority_done;
        self.priority_total += o.priority_total;
        self.money_done += o.money_done;
        self.money_total += o.money_total;
        if let Some(c) = o.first
            && self.first.is_none_or(|f| (c.0, c.1, c.2) < (f.0, f.1, f.2))
        {
            self.first = Some(c);
        }
    }
}

/// What the summary needs from one note in the order of the notes: computed in parallel by
/// [`Digester::digest`], after which the note itself can be dropped. (What it adds up to in
/// any order, the digest counted in its thread's share of [`OrderFree`] sums.)
#[derive(Debug)]
pub struct NoteDigest {
    path: Option<String>,
    /// The entries of the period as segments (with whether each carries a priority tag),
    /// sorted by day, start and line, and the runs of them that fall on one day.
    segs: Vec<(Seg, bool)>,
    seg_days: Vec<(NaiveDate, usize)>,
    /// The entries whose row may be wanted (every entry's, or the note's longest), in the
    /// order of `segs`.
    rows: Vec<DigestEntry>,
    priorities: Vec<(NaiveDate, PriorityCounts)>,
    /// What the note adds to the sums, until counted ([`Digester::count`] on the thread
    /// that made the digest, else [`SummaryBuilder::add`]).
    counts: Option<NoteCounts>,
}

/// What a note adds to the [`OrderFree`] sums, besides its segments.
#[derive(Debug)]
struct NoteCounts {
    /// The note's date and its date headings.
    dates: Vec<NaiveDate>,
    /// Days its tasks belong to.
    task_dates: Vec<NaiveDate>,
    /// Task counts per day (done tasks by their done date).
    tasks: Vec<(NaiveDate, TaskCounts)>,
    /// Minutes and entries of the period per tag (`(untagged)` for entries without): each
    /// with the end of the tag's name in `tag_names`, where the names follow one another.
    tag_names: String,
    tag_sums: Vec<(usize, u64, usize)>,
    /// Days of entries outside the period (they still widen a period taken from the notes).
    other_dates: Vec<NaiveDate>,
    undated_entries: usize,
    /// The start (minute of the day) of the last session of each done task logged in the
    /// period.
    done_starts: Vec<u32>,
}

/// What the report adds up over the notes in any order. Each note's is added on the thread
/// that digests it, into that thread's share (a builder's fold, on one thread, took a
/// tenth of `summarize`'s time on two threads), and the shares are added up at the end.
#[derive(Debug)]
struct OrderFree {
    undated_entries: usize,
    /// Days of the notes: their dates and date headings, and the days of their entries (in
    /// the period or not: entries outside it still widen a period taken from the notes).
    dated: ByKey<NaiveDate, ()>,
    /// Days that tasks belong to.
    has_note: ByKey<NaiveDate, ()>,
    /// Task counts per day (done tasks by their done date).
    task_days: ByKey<NaiveDate, TaskCounts>,
    /// Minutes and entries of the period per tag (`(untagged)` for entries without).
    tag_acc: HashMap<String, (u64, usize)>,
    sums: EntrySums,
    /// Minutes of money and of waste per ISO week.
    weeks: ByKey<(i32, u32), (u64, u64)>,
    /// Done tasks logged in the period, by the hour their last session started.
    tasks_h: [usize; 24],
}

impl OrderFree {
    fn new(categories: usize) -> Self {
        OrderFree {
            undated_entries: 0,
            dated: ByKey::default(),
            has_note: ByKey::default(),
            task_days: ByKey::default(),
            tag_acc: HashMap::new(),
            sums: EntrySums::new(categories),
            weeks: ByKey::default(),
            tasks_h: [0; 24],
        }
    }

    /// Counts a note: what it adds besides its segments, then the segments (with whether
    /// each carries a priority tag) and the runs of them that fall on one day.
    fn count(
        &mut self,
        c: NoteCounts,
        segs: &[(Seg, bool)],
        seg_days: &[(NaiveDate, usize)],
        (money_ix, waste_ix): (Option<usize>, Option<usize>),
    ) {
        self.undated_entries += c.undated_entries;
        for d in c.dates.into_iter().chain(c.other_dates) {
            self.dated.add(d, ());
        }
        for d in c.task_dates {
            self.has_note.add(d, ());
        }
        for (date, t) in c.tasks {
            self.task_days.add(date, t);
        }
        for start in c.done_starts {
            self.tasks_h[((start / 60) % 24) as usize] += 1;
        }
        let mut start = 0;
        for (end, m, n) in c.tag_sums {
            let t = &c.tag_names[start..end];
            start = end;
            match self.tag_acc.get_mut(t) {
                Some(a) => {
                    a.0 += m;
                    a.1 += n;
                }
                None => {
                    self.tag_acc.insert(t.to_string(), (m, n));
                }
            }
        }
        let mut segs = segs;
        for &(date, n) in seg_days {
            let (run, rest) = segs.split_at(n);
            segs = rest;
            self.dated.add(date, ());
            let iw = date.iso_week();
            let mut week = (0, 0);
            let wd = date.weekday().num_days_from_monday() as usize;
            let sums = &mut self.sums;
            for &(seg, priority) in run {
                let c = seg.category as usize;
                let end = seg.closed_end();
                let m = seg.minutes();
                sums.minutes += m;
                sums.entries += 1;
                sums.open += usize::from(end.is_none());
                sums.categories[c].0 += m;
                sums.categories[c].1 += 1;
                // Money against waste, per ISO week.
                if Some(c) == money_ix {
                    week.0 += m;
                } else if Some(c) == waste_ix {
                    week.1 += m;
                }
                // Hours of the day.
                if let Some(end) = end {
                    let is_money = Some(c) == money_ix;
                    split_hours(seg.start, end, |h, mm| {
                        let mm = u64::from(mm);
                        sums.hour_category[c][h] += mm;
                        sums.hour_weekday[wd][h] += mm;
                        if is_money {
                            sums.hour_money[h] += mm;
                        }
                        if priority {
                            sums.hour_priority[h] += mm;
                        }
                    });
                }
            }
            self.weeks.add((iw.year(), iw.week()), week);
        }
    }

    /// Adds `other` in.
    fn merge(&mut self, other: OrderFree) {
        self.undated_entries += other.undated_entries;
        self.dated.append(other.dated);
        self.has_note.append(other.has_note);
        self.task_days.append(other.task_days);
        self.weeks.append(other.weeks);
        for (tag, (m, n)) in other.tag_acc {
            let acc = self.tag_acc.entry(tag).or_default();
            acc.0 += m;
            acc.1 += n;
        }
        self.sums.merge(&other.sums);
        for (h, n) in other.tasks_h.iter().enumerate() {
            self.tasks_h[h] += n;
        }
    }
}

/// What can be added to a value of the same key in a [`ByKey`].
trait AddUp: Copy {
    fn add_up(&mut self, o: Self);
}

impl AddUp for () {
    fn add_up(&mut self, _: ()) {}
}

impl AddUp for (u64, u64) {
    fn add_up(&mut self, o: (u64, u64)) {
        self.0 += o.0;
        self.1 += o.1;
    }
}

impl AddUp for TaskCounts {
    fn add_up(&mut self, o: TaskCounts) {
        self.add(&o);
    }
}

impl AddUp for PriorityAcc {
    fn add_up(&mut self, o: PriorityAcc) {
        self.add(o);
    }
}

/// Values by key (a day, a week), added in about the order of the keys, as the notes come:
/// a vector they are appended to (a value for the key added last is added to it), put in
/// order and added up by key once read ([`ByKey::settled`]). A map by key, kept in order
/// note by note, cost a search and fresh memory for every note of a century, and walking
/// it at the end cost more than walking a vector.
#[derive(Debug)]
struct ByKey<K, V> {
    items: Vec<(K, V)>,
    /// The keys rise from each item to the next: the vector is settled.
    settled: bool,
}

impl<K, V> Default for ByKey<K, V> {
    fn default() -> Self {
        ByKey {
            items: Vec::new(),
            settled: true,
        }
    }
}

impl<K: Ord + Copy, V: AddUp> ByKey<K, V> {
    fn add(&mut self, k: K, v: V) {
        match self.items.last_mut() {
            Some((last, sum)) if *last == k => sum.add_up(v),
            last => {
                self.settled &= last.is_none_or(|(l, _)| *l < k);
                self.items.push((k, v));
            }
        }
    }

    fn append(&mut self, mut other: ByKey<K, V>) {
        self.settled &= other.settled
            && match (self.items.last(), other.items.first()) {
                (Some((a, _)), Some((b, _))) => a < b,
                _ => true,
            };
        self.items.append(&mut other.items);
    }

    /// The values in order of key, those of a key added up (in the order they came).
    fn settled(&mut self) -> &[(K, V)] {
        if !self.settled {
            self.items.sort_by_key(|i| i.0);
            self.items.dedup_by(|(k, v), (kept_k, kept)| {
                let same = k == kept_k;
                if same {
                    kept.add_up(*v);
                }
                same
            });
            self.settled = true;
        }
        &self.items
    }
}

/// One stretch of logged time of a day, kept until the end for gaps and focus sessions.
#[derive(Debug, Clone, Copy)]
struct Seg {
    start: u32,
    /// `u32::MAX` while open.
    end: u32,
    category: u32,
}

impl Seg {
    fn closed_end(&self) -> Option<u32> {
        (self.end != u32::MAX).then_some(self.end)
    }

    /// Its length; 0 while open.
    fn minutes(&self) -> u64 {
        self.closed_end()
            .map_or(0, |end| u64::from(end.saturating_sub(self.start)))
    }
}

/// The segments of the period's days in the order they come, a run (one note's segments of
/// one day) at a time, in blocks of [`SEG_BLOCK`]: a vector per day, scattered over memory
/// by the time the days were settled, made settling them wait on memory, and one vector for
/// them all held twice their size while it grew.
#[derive(Debug, Default)]
struct SegStore {
    blocks: Vec<Vec<Seg>>,
    runs: Vec<SegRun>,
}

/// Where a run of segments is in a [`SegStore`].
#[derive(Debug, Clone, Copy)]
struct SegRun {
    date: NaiveDate,
    block: u32,
    from: u32,
    len: u32,
}

/// How many segments a block of a [`SegStore`] holds (a longer run gets a block of its own).
const SEG_BLOCK: usize = 1 << 16;

impl SegStore {
    /// Adds a run of segments of `date`, in start order.
    fn push_run(&mut self, date: NaiveDate, segs: impl ExactSizeIterator<Item = Seg>) {
        let n = segs.len();
        if self
            .blocks
            .last()
            .is_none_or(|b| b.capacity() - b.len() < n)
        {
            self.blocks.push(Vec::with_capacity(n.max(SEG_BLOCK)));
        }
        let block = self.blocks.len() - 1;
        let b = &mut self.blocks[block];
        let from = b.len();
        b.extend(segs);
        self.runs.push(SegRun {
            date,
            block: block as u32,
            from: from as u32,
            len: n as u32,
        });
    }

    fn run(&self, r: &SegRun) -> &[Seg] {
        &self.blocks[r.block as usize][r.from as usize..][..r.len as usize]
    }
}

/// A day's totals, from its segments.
struct DayTotals {
    minutes: u64,
    entries: usize,
    first: Option<u32>,
    last: Option<u32>,
}

impl DayTotals {
    /// The totals of `segs`, and their minutes per category index put in `categories`
    /// (zeroed first; one vector for every day of a run, not one each).
    fn of(segs: &[Seg], categories: &mut [u64]) -> DayTotals {
        categories.fill(0);
        let mut t = DayTotals {
            minutes: 0,
            entries: segs.len(),
            first: None,
            last: None,
        };
        for s in segs {
            let (m, reach) = (s.minutes(), s.closed_end().unwrap_or(s.start));
            t.minutes += m;
            categories[s.category as usize] += m;
            t.first = Some(t.first.map_or(s.start, |f| f.min(s.start)));
            t.last = Some(t.last.map_or(reach, |l| l.max(reach)));
        }
        t
    }
}

/// Sort key of an entry: day, start, note (in path order), line.
type EntryKey = (NaiveDate, u32, u32, usize);

/// Builds the report from notes fed one at a time, in path order, so a large folder never
/// has to be held in memory: [`Digester::digest`] (parallel, per note) keeps what the
/// report needs of a note, [`SummaryBuilder::add`] (in path order) folds it in, and
/// [`SummaryBuilder::finish`] computes the rest.
pub struct SummaryBuilder<'s> {
    digester: Digester<'s>,
    keep_entries: bool,
    categories: Vec<String>,
    /// The same names, shared by the entry rows.
    category_names: Vec<Arc<str>>,
    notes: u32,
    /// The sums of every note, once [`Self::gather`] has added up the digesting threads'
    /// shares.
    free: OrderFree,
    /// The segments of the period's days, in the order they came.
    segs: SegStore,
    /// Each note's priorities of each of its days, summed by day.
    priorities: ByKey<NaiveDate, PriorityAcc>,
    /// The longest closed entries so far, longest first (ties in entry order).
    longest: Vec<(u32, EntryKey, EntryRow)>,
    entries: EntryRows,
}

impl<'s> SummaryBuilder<'s> {
    /// `keep_entries`: keep every entry's row (for `--csv entries` and `--entries`); without
    /// it the builder's memory does not grow with the number of entries' texts.
    pub fn new(settings: &'s Settings, period: &Period, keep_entries: bool) -> Self {
        let cfg = &settings.file.summary;
        let mut categories: Vec<String> =
            settings.categories.iter().map(|c| c.name.clone()).collect();
        categories.push(UNCATEGORISED.to_string());
        let n = categories.len();
        SummaryBuilder {
            digester: Digester {
                settings,
                period: *period,
                keep_entries,
                uncategorised: n - 1,
                day_start: cfg.day_start_hour.min(23) * 60,
                priority: cfg.priority_tags.iter().map(|t| t.to_lowercase()).collect(),
                classes: Arc::new(TagClasses::new(settings, &cfg.priority_tags)),
                tags_decide: settings.categories.iter().all(|c| c.keywords.is_empty()),
                priority_norm: crate::report::tasks::norm_tags(&cfg.priority_tags),
                longest_floor: Arc::new(AtomicU32::new(0)),
                money_ix: settings.categories.iter().position(|c| c.name == MONEY),
                waste_ix: settings.categories.iter().position(|c| c.name == WASTE),
                shares: (0..SHARES).map(|_| OwnLine(Mutex::new(None))).collect(),
            },
            keep_entries,
            category_names: categories.iter().map(|c| Arc::from(c.as_str())).collect(),
            categories,
            notes: 0,
            free: OrderFree::new(n),
            segs: SegStore::default(),
            priorities: ByKey::default(),
            longest: Vec::new(),
            entries: EntryRows::in_memory(),
        }
    }

    /// Keeps the entry rows (when kept) a few thousand at a time in memory, the rest sorted
    /// in `spill` (see [`EntryRows`]).
    pub fn spill_entries(&mut self, spill: std::sync::Arc<dyn Spill>) {
        self.spill_entries_with(spill, super::entry_rows::IN_MEMORY);
    }

    /// [`Self::spill_entries`], `limit` rows at a time.
    pub(crate) fn spill_entries_with(&mut self, spill: std::sync::Arc<dyn Spill>, limit: usize) {
        debug_assert!(self.entries.is_empty(), "before the first note");
        self.entries = EntryRows::spilled(spill, limit);
    }

    /// What digests notes for this builder; cheap to clone, shareable between threads.
    pub fn digester(&self) -> Digester<'s> {
        self.digester.clone()
    }

    /// Folds in one note's digest. Notes must come in path order (ties between entries that
    /// start at the same minute go by path, then line).
    pub fn add(&mut self, mut d: NoteDigest) {
        let note = self.notes;
        self.notes += 1;
        if let Some(c) = d.counts.take() {
            self.free
                .count(c, &d.segs, &d.seg_days, self.digester.money_waste());
        }
        for (date, p) in d.priorities {
            let acc = PriorityAcc {
                priority_done: p.priority_done,
                priority_total: p.priority_total,
                money_done: p.money_done,
                money_total: p.money_total,
                first: p.first.map(|(at, line, work)| (at, note, line, work)),
            };
            self.priorities.add(date, acc);
        }
        let mut segs = &d.segs[..];
        for (date, n) in d.seg_days {
            let (run, rest) = segs.split_at(n);
            segs = rest;
            self.segs.push_run(date, run.iter().map(|(seg, _)| *seg));
        }
        // The note's path, shared by its rows (made for the first row kept).
        let mut path: Option<Arc<str>> = None;
        for e in d.rows {
            let minutes = e.end.map_or(0, |x| x.saturating_sub(e.start));
            // Rows: the longest, and every entry when asked.
            let key: EntryKey = (e.date, e.start, note, e.line);
            let wanted_long = e.end.is_some()
                && (self.longest.len() < LONGEST
                    || self.longest.last().is_some_and(|(lm, lk, _)| {
                        (minutes, std::cmp::Reverse(key)) > (*lm, std::cmp::Reverse(*lk))
                    }));
            if !wanted_long && !self.keep_entries {
                continue;
            }
            let row = EntryRow {
                date: e.date,
                start: Clock(e.start),
                end: e.end.map(Clock),
                minutes,
                open: e.end.is_none(),
                category: self.category_names[e.category].clone(),
                tags: e.tags,
                text: e.text,
                path: path
                    .get_or_insert_with(|| Arc::from(d.path.as_deref().unwrap_or_default()))
                    .clone(),
                line: e.line,
                note,
            };
            if wanted_long {
                let at = self.longest.partition_point(|(lm, lk, _)| {
                    (*lm, std::cmp::Reverse(*lk)) > (minutes, std::cmp::Reverse(key))
                });
                self.longest.insert(at, (minutes, key, row.clone()));
                self.longest.truncate(LONGEST);
                if let Some((m, _, _)) = self.longest.get(LONGEST - 1) {
                    self.digester.longest_floor.store(*m, Ordering::Relaxed);
                }
            }
            if self.keep_entries {
                self.entries.push(row);
            }
        }
    }

    /// Adds the digesting threads' shares of the sums to the builder's.
    fn gather(&mut self) {
        for share in self.digester.shares.iter() {
            let taken = share
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take();
            if let Some(share) = taken {
                self.free.merge(*share);
            }
        }
    }

    /// The first and last day the report will cover, as [`PeriodInfo`] gives them: the
    /// options' bounds, else the span of the dated notes digested so far.
    pub fn bounds(&mut self) -> Period {
        self.gather();
        let period = self.digester.period;
        let (data_min, data_max) = (
            self.free.dated.settled().first().map(|d| d.0),
            self.free.dated.settled().last().map(|d| d.0),
        );
        let mut from = period.from.or(data_min);
        let mut to = period.to.or(data_max);
        match (from, to) {
            (Some(f), None) => to = Some(f),
            (None, Some(t)) => from = Some(t),
            (Some(f), Some(t)) if f > t => {
                // One bound from the options lies beyond the notes: an empty-of-notes period.
                if period.from.is_some() {
                    to = Some(f);
                } else {
                    from = Some(t);
                }
            }
            _ => {}
        }
        Period { from, to }
    }

    /// The report. `diagnostics` is the number of problems found while loading.
    pub fn finish(mut self, diagnostics: usize) -> Summary {
        self.gather();
        let (settings, period) = (self.digester.settings, self.digester.period);
        let categories = std::mem::take(&mut self.categories);
        let categories = &categories;
        let cfg = &settings.file.summary;
        let range = self.bounds();
        let (from, to) = (range.from, range.to);
        let day_list: Vec<NaiveDate> = match (from, to) {
            (Some(f), Some(t)) => f.iter_days().take_while(|d| *d <= t).collect(),
            _ => Vec::new(),
        };
        let in_period = |d: NaiveDate| from.is_some() && range.contains(d);
        let longer_than_week = day_list.len() > 7;

        let names: Vec<Arc<str>> = categories.iter().map(|c| Arc::from(c.as_str())).collect();
        // The runs of segments by day, those of one day in the order they came (path, then
        // line): a stable sort, not needed for a log written in order. The maps by day are
        // walked in step with the days (looking each day up in a hash map was a third of
        // this function's time on a century).
        let mut store = std::mem::take(&mut self.segs);
        let mut runs = std::mem::take(&mut store.runs);
        if !runs.is_sorted_by_key(|r| r.date) {
            runs.sort_by_key(|r| r.date);
        }
        let task_days = self.free.task_days.settled();
        let priorities = self.priorities.settled();
        let dated = self.free.dated.settled();
        let with_tasks = self.free.has_note.settled();
        // What one day of the period holds, from the maps by day walked in step with a run of
        // consecutive days (each run starts where binary searches put it).
        let walk_from = |first: NaiveDate| {
            let mut next_run = runs.partition_point(|r| r.date < first);
            let mut task_days = Walk::from(task_days, first);
            let mut priorities = Walk::from(priorities, first);
            let mut dated = Walk::from(dated, first);
            let mut with_tasks = Walk::from(with_tasks, first);
            let runs = &runs;
            move |date: NaiveDate| {
                // Both walks go on whether or not the day is in the period.
                let in_dated = dated.at(date).is_some();
                let has_note = with_tasks.at(date).is_some() || in_dated;
                // Days outside the period hold none.
                while runs.get(next_run).is_some_and(|r| r.date < date) {
                    next_run += 1;
                }
                let first = next_run;
                while runs.get(next_run).is_some_and(|r| r.date == date) {
                    next_run += 1;
                }
                DayInput {
                    date,
                    runs: first..next_run,
                    tasks: task_days.at(date).copied().unwrap_or_default(),
                    priorities: priorities.at(date).copied(),
                    has_note: in_period(date) && has_note,
                }
            }
        };
        let order = by_name(categories);
        let focus: Vec<bool> = categories
            .iter()
            .map(|c| c != UNCATEGORISED && c != WASTE)
            .collect();
        let settle = DaySettler {
            names: names.clone(),
            by_name: &order,
            focus: &focus,
            threshold: cfg.focus_minutes,
            minutes: vec![0; names.len()],
        };
        // A day's segments in start order, ties in the order they came: one run is in that
        // order already; several (a day in more than one note) are merged.
        let day_segs = |day: &DayInput| -> std::borrow::Cow<'_, [Seg]> {
            match &runs[day.runs.clone()] {
                [] => std::borrow::Cow::Borrowed(&[]),
                [one] => {
                    let segs = store.run(one);
                    debug_assert!(segs.is_sorted_by_key(|s| s.start), "a digest's day runs");
                    std::borrow::Cow::Borrowed(segs)
                }
                several => {
                    let mut segs: Vec<Seg> =
                        several.iter().flat_map(|r| store.run(r)).copied().collect();
                    segs.sort_by_key(|s| s.start);
                    std::borrow::Cow::Owned(segs)
                }
            }
        };
        // A run of consecutive days, on one thread: their gaps and focus sessions, and their
        // rows, each written into its place in `out` (one slot a day).
        let settle_run = |days: &[NaiveDate], out: &mut [std::mem::MaybeUninit<DayRow>]| {
            let mut settle = settle.own_names();
            let mut input = walk_from(days[0]);
            let mut acc = SettledDays::default();
            for (&date, slot) in days.iter().zip(out) {
                let day = input(date);
                let segs = day_segs(&day);
                acc = settle.day(acc, &day, &segs);
                slot.write(settle.row(&day, &segs));
            }
            acc
        };
        let n = day_list.len();
        let mut day_rows: Vec<DayRow> = Vec::with_capacity(n);
        let out = &mut day_rows.spare_capacity_mut()[..n];
        let settled: Vec<SettledDays> = if n == 0 {
            Vec::new()
        } else if n <= DAYS_AT_ONCE {
            // A few days: on this thread (a report on a day or two never starts the
            // parsing threads for them).
            vec![settle_run(&day_list, out)]
        } else {
            // The days in runs settled in parallel (a century's were a twentieth of
            // `summarize`, all on one thread after the notes were read), each gathering
            // what its days hold itself: gathered for every day first, on this thread, a
            // century's inputs were 4.4 MB and 3 ms with the other core idle.
            use rayon::prelude::*;
            // The parsing threads, with their stack, whoever starts them.
            crate::load::parsing_pool();
            day_list
                .par_chunks(DAYS_AT_ONCE)
                .zip(out.par_chunks_mut(DAYS_AT_ONCE))
                .map(|(days, out)| settle_run(days, out))
                .collect()
        };
        // SAFETY: the first `n` slots are each written by the run of days that holds them:
        // `settle_run` writes one row for each of its days, and the runs cover `day_list`,
        // whose length is `n`. Every run has returned here (a panic in one would have gone on
        // up from `collect`, leaving the rows written unowned, not read).
        unsafe { day_rows.set_len(n) };
        // A century's segments are 12 MB: freed before the rest of the report is made.
        drop(store);
        let mut gaps: Vec<RawGap> = Vec::new();
        let mut gap_total = 0u64;
        let mut gap_count = 0usize;
        // Sized once: a century's sessions are a few MB, grown by copying otherwise.
        let mut sessions: Vec<Session> =
            Vec::with_capacity(settled.iter().map(|p| p.sessions.len()).sum());
        let mut break_list: Vec<u32> =
            Vec::with_capacity(settled.iter().map(|p| p.breaks.len()).sum());
        for part in settled {
            gap_total += part.gap_total;
            gap_count += part.gap_count;
            // A part's biggest gaps come biggest first, ties in the order they were found:
            // added in that order, after those of earlier days, they keep the order one walk
            // over every day would give.
            for g in part.gaps {
                push_gap(&mut gaps, g);
            }
            sessions.extend(part.sessions);
            break_list.extend(part.breaks);
        }
        let days_with_log = day_rows.iter().filter(|d| d.entries > 0).count();
        let days_with_notes = day_rows.iter().filter(|d| d.has_note).count();
        let total_minutes = self.free.sums.minutes;

        let mut tags: Vec<TagRow> = self
            .free
            .tag_acc
            .drain()
            .map(|(tag, (minutes, entries))| TagRow {
                tag,
                minutes,
                share: share(minutes, total_minutes),
                entries,
            })
            .collect();
        tags.sort_by(|a, b| b.minutes.cmp(&a.minutes).then_with(|| a.tag.cmp(&b.tag)));
        let category_totals: Vec<CategoryRow> = categories
            .iter()
            .zip(&self.free.sums.categories)
            .map(|(c, (minutes, entries))| CategoryRow {
                category: c.clone(),
                minutes: *minutes,
                share: share(*minutes, total_minutes),
                entries: *entries,
            })
            .collect();

        // Money against waste.
        let cat_minutes = |ix: Option<usize>| ix.map_or(0, |i| self.free.sums.categories[i].0);
        let (money_minutes, waste_minutes) = (
            cat_minutes(self.digester.money_ix),
            cat_minutes(self.digester.waste_ix),
        );
        let mut trend = Vec::new();
        if longer_than_week {
            let mut weeks = std::mem::take(&mut self.free.weeks);
            // Every week of the period (a week with no time too): one day in seven, and the
            // last day, fall in each, so the ISO week is worked out for those days only (it
            // was for every day of the period, 36,500 for a century).
            for d in day_list.iter().step_by(7).chain(day_list.last()) {
                let iw = d.iso_week();
                weeks.add((iw.year(), iw.week()), (0, 0));
            }
            trend = weeks
                .settled()
                .iter()
                .map(|&((y, wk), (m, ws))| WeekTrend {
                    week: format!("{y}-W{wk:02}"),
                    money_minutes: m,
                    waste_minutes: ws,
                })
                .collect();
        }
        let money_waste = MoneyWaste {
            money_minutes,
            waste_minutes,
            money_share: share(money_minutes, total_minutes),
            waste_share: share(waste_minutes, total_minutes),
            ratio: (waste_minutes > 0)
                .then(|| (money_minutes as f64 / waste_minutes as f64 * 100.0).round() / 100.0),
            trend,
        };

        // Hours of the day.
        let per_hour: Vec<HourRow> = (0..24)
            .map(|h| {
                let minutes: Vec<u64> = self.free.sums.hour_category.iter().map(|c| c[h]).collect();
                HourRow {
                    hour: h as u32,
                    minutes: minutes.iter().sum(),
                    categories: CategoryMinutes::from_indexed(&minutes, &names, &order),
                }
            })
            .collect();
        let peak_minutes = per_hour.iter().map(|h| h.minutes).max().unwrap_or(0);
        let mut productive: Vec<ProductiveHour> = (0..24)
            .map(|h| ProductiveHour {
                hour: h as u32,
                score: self.free.sums.hour_money[h]
                    + self.free.sums.hour_priority[h]
                    + TASK_SCORE * self.free.tasks_h[h] as u64,
                money_minutes: self.free.sums.hour_money[h],
                priority_minutes: self.free.sums.hour_priority[h],
                tasks_done: self.free.tasks_h[h],
            })
            .filter(|p| p.score > 0)
            .collect();
        productive.sort_by(|a, b| b.score.cmp(&a.score).then(a.hour.cmp(&b.hour)));
        productive.truncate(3);
        let weekday_grid = longer_than_week.then(|| {
            self.free
                .sums
                .hour_weekday
                .iter()
                .enumerate()
                .map(|(i, minutes)| WeekdayRow {
                    weekday: WEEKDAYS[i].to_string(),
                    total_minutes: minutes.iter().sum(),
                    minutes: minutes.to_vec(),
                })
                .collect()
        });

        let mut lengths: Vec<u32> = sessions.iter().map(|s| s.minutes).collect();
        let focus = Focus {
            threshold_minutes: cfg.focus_minutes,
            count: sessions.len(),
            total_minutes: lengths.iter().map(|m| u64::from(*m)).sum(),
            median_minutes: median(&mut lengths),
            longest_minutes: lengths.iter().max().copied(),
            breaks: break_list.len(),
            median_break_minutes: median(&mut break_list),
            sessions,
        };

        let entries = self.keep_entries.then(|| {
            let mut v = std::mem::replace(&mut self.entries, EntryRows::in_memory());
            v.finish();
            v
        });
        let days_in_period = day_list.len();
        Summary {
            schema_version: SCHEMA_VERSION,
            period: PeriodInfo {
                from,
                to,
                from_given: period.from.is_some(),
                to_given: period.to.is_some(),
                days: days_in_period,
                longer_than_week,
            },
            overview: Overview {
                days_in_period,
                days_with_notes,
                days_with_log,
                total_minutes,
                average_minutes_per_logged_day: if days_with_log == 0 {
                    0
                } else {
                    (total_minutes + days_with_log as u64 / 2) / days_with_log as u64
                },
                entries: self.free.sums.entries,
                open_entries: self.free.sums.open,
                undated_entries: self.free.undated_entries,
                gaps: Gaps {
                    count: gap_count,
                    total_minutes: gap_total,
                    biggest: gaps
                        .into_iter()
                        .map(|g| Gap {
                            date: g.date,
                            from: clock(g.from),
                            to: clock(g.to),
                            minutes: g.to - g.from,
                        })
                        .collect(),
                },
                diagnostics,
                diagnostics_hint: DIAGNOSTICS_HINT.to_string(),
            },
            categories: categories.clone(),
            days: day_rows,
            tags,
            category_totals,
            money_waste,
            hours: Hours {
                per_hour,
                peak_minutes,
                productive,
                weekday_grid,
                weekday_minutes: self.free.sums.hour_weekday,
            },
            focus,
            longest: std::mem::take(&mut self.longest)
                .into_iter()
                .map(|(_, _, r)| r)
                .collect(),
            entries,
        }
    }
}

/// The part of a [`SummaryBuilder`] that turns a note into a [`NoteDigest`].
#[derive(Debug, Clone)]
pub struct Digester<'s> {
    settings: &'s Settings,
    period: Period,
    /// Every entry's row is wanted.
    keep_entries: bool,
    uncategorised: usize,
    day_start: u32,
    /// Priority tags, lower case, for entries.
    priority: Vec<String>,
    /// What the tags the settings name make an entry, found by the tag's name.
    classes: Arc<TagClasses>,
    /// No category has keywords: an entry's tags alone decide its category.
    tags_decide: bool,
    /// Priority tags as `tasks::norm_tags` makes them, for tasks.
    priority_norm: Vec<String>,
    /// The minutes of the shortest of the longest entries the builder holds once it holds
    /// [`LONGEST`] of them (0 before): a shorter entry can never be among the longest, so no
    /// row is made for it. It only grows, so reading it at any time is safe.
    longest_floor: Arc<AtomicU32>,
    /// The indices of the `money` and `waste` categories, where they are defined.
    money_ix: Option<usize>,
    waste_ix: Option<usize>,
    /// What the digested notes add up to, a share for each digesting thread (by its index
    /// in rayon's pool; threads outside it share the first), made by the first note counted
    /// in it (`watch` keeps a builder for every period of every summary region, and counts
    /// none of them this way).
    shares: Arc<[Share]>,
}

/// One digesting thread's share of the sums, alone on its cache line (the threads' locks side
/// by side made the cores take turns with the line at every note).
type Share = OwnLine<Mutex<Option<Box<OrderFree>>>>;

/// How many shares of [`OrderFree`] sums a builder's digesters keep: threads whose indices
/// wrap around share one (each is behind a lock: sharing is slower, never wrong).
const SHARES: usize = 16;

impl Digester<'_> {
    /// Whether a day can be in the report. A bound the options leave open is taken from the
    /// notes at the end, and every dated day lies within that, so only given bounds filter.
    fn in_period(&self, d: NaiveDate) -> bool {
        self.period.from.is_none_or(|f| d >= f) && self.period.to.is_none_or(|t| d <= t)
    }

    /// What the report needs of one note. Pure: runs on any thread.
    pub fn digest(&self, ln: LoadedNote) -> NoteDigest {
        let cfg = &self.settings.file.summary;
        let note = &ln.note;
        let mut dates: Vec<NaiveDate> = note.days.iter().map(|d| d.date).collect();
        dates.extend(note.date);
        dates.sort_unstable();
        dates.dedup();

        // Tasks per day.
        let mut tasks: Vec<(NaiveDate, TaskCounts)> = Vec::new();
        use crate::report::tasks::day_slot;
        let mut task_dates: Vec<NaiveDate> = Vec::new();
        for t in &note.tasks {
            let done = t.status.is_done();
            if let Some(d) = t.date {
                if task_dates.last() != Some(&d) {
                    task_dates.push(d);
                }
                let c = day_slot(&mut tasks, d);
                if t.block {
                    c.blocks_total += 1;
                    c.blocks_done += usize::from(done);
                    continue;
                }
                c.added += 1;
                if done && t.done_date.is_none_or(|x| x == d) {
                    c.done += 1;
                    continue;
                }
            } else if t.block {
                continue;
            }
            if done && let Some(d) = t.done_date {
                day_slot(&mut tasks, d).done += 1;
            }
        }

        task_dates.sort_unstable();
        task_dates.dedup();

        // Priorities of each of the note's days (its tasks' days are among its dates).
        let priorities: Vec<(NaiveDate, PriorityCounts)> =
            crate::report::tasks::note_priority_counts(note, &self.priority_norm)
                .into_iter()
                .filter(|(d, _)| self.in_period(*d) && dates.binary_search(d).is_ok())
                .collect();
        let LoadedNote { path, mut note, .. } = ln;

        // Entries, attributed to their day. What the sums need is taken here; an entry's
        // text and tags stay in the note, and are moved out only for the rows kept.
        let mut undated_entries = 0;
        let mut other_dates = Vec::new();
        let mut placed: Vec<Placed> = Vec::with_capacity(note.entries.len());
        let mut note_tags = NoteTags::with_capacity(16);
        let mut entry_tags: Vec<u32> = Vec::with_capacity(note.entries.len());
        // For done tasks: the entry (key) of their last session in the period.
        let mut last_of_task: HashMap<usize, (NaiveDate, u32, usize)> = HashMap::new();
        for (ix, e) in note.entries.iter().enumerate() {
            if e.is_stop {
                continue;
            }
            let Some(mut date) = e.date else {
                undated_entries += 1;
                continue;
            };
            let (mut start, mut end) = (e.start, e.end);
            if end.is_none() && e.source == EntrySource::NextEntry {
                end = cfg.last_entry_minutes.map(|m| start + m);
            }
            if start < self.day_start
                && let Some(prev) = date.pred_opt()
            {
                date = prev;
                start += 1440;
                end = end.map(|x| x + 1440);
            }
            if !self.in_period(date) {
                other_dates.push(date);
                continue;
            }
            if let Some(ti) = e.task
                && note.tasks.get(ti).is_some_and(|t| t.status.is_done())
            {
                let key = (date, start, e.line);
                let slot = last_of_task.entry(ti).or_insert(key);
                *slot = (*slot).max(key);
            }
            // The entry's distinct tags (or the untagged mark), and what they make it.
            let from = entry_tags.len();
            let (mut in_categories, mut priority) = (0u64, false);
            for t in &e.tags {
                let i = note_tags.index(t, self);
                if !entry_tags[from..].contains(&i) {
                    entry_tags.push(i);
                    in_categories |= note_tags.categories[i as usize];
                    priority |= note_tags.priority[i as usize];
                }
            }
            if e.tags.is_empty() {
                entry_tags.push(note_tags.index(UNTAGGED, self));
            }
            let category = self.category(in_categories, &e.tags, &e.text);
            placed.push(Placed {
                date,
                start,
                end,
                category: category as u32,
                priority,
                line: e.line,
                ix,
                tags: from as u32..entry_tags.len() as u32,
            });
        }
        // A log is mostly written in order; out of order, it is sorted (stable).
        if !placed.is_sorted_by_key(|p| (p.date, p.start, p.line)) {
            placed.sort_by_key(|p| (p.date, p.start, p.line));
        }
        // Minutes and entries per tag, each of an entry's tags once, summed here: the
        // entries' strings are freed on the thread that made them (freeing them on the
        // folding thread cost a fifth of the time in the allocator). Every tag the table
        // holds is a placed entry's.
        let mut tag_sums: Vec<(usize, u64, usize)> =
            note_tags.ends.iter().map(|&end| (end, 0, 0)).collect();
        for p in &placed {
            let m = u64::from(p.minutes());
            for &i in &entry_tags[p.tags.start as usize..p.tags.end as usize] {
                let sum = &mut tag_sums[i as usize];
                sum.1 += m;
                sum.2 += 1;
            }
        }
        // Each day's segments, for the builder to add up.
        let mut segs = Vec::with_capacity(placed.len());
        let mut seg_days = Vec::new();
        for run in placed.chunk_by(|a, b| a.date == b.date) {
            seg_days.push((run[0].date, run.len()));
            segs.extend(run.iter().map(|p| (p.seg(), p.priority)));
        }
        // Rows: only the note's longest entries can be among the longest of all, so only
        // they are made unless every entry's row is wanted.
        let mut row = |p: &Placed| {
            let e = &mut note.entries[p.ix];
            let mut tags = std::mem::take(&mut e.tags);
            // Distinct tags, first occurrence kept (entries carry a handful at most).
            let mut seen = 0;
            for i in 0..tags.len() {
                if !tags[..seen].contains(&tags[i]) {
                    tags.swap(seen, i);
                    seen += 1;
                }
            }
            tags.truncate(seen);
            DigestEntry {
                date: p.date,
                start: p.start,
                end: p.end,
                category: p.category as usize,
                tags,
                text: std::mem::take(&mut e.text),
                line: p.line,
            }
        };
        let rows: Vec<DigestEntry> = if self.keep_entries {
            placed.iter().map(&mut row).collect()
        } else {
            let floor = self.longest_floor.load(Ordering::Relaxed);
            let mut order: Vec<usize> = (0..placed.len())
                .filter(|i| placed[*i].end.is_some() && placed[*i].minutes() >= floor)
                .collect();
            // The longest first, ties in entry order (which is report order): picked, not
            // sorted (a stable sort of a note's entries was 5,000 instructions a note).
            let longest_first = |i: &usize| (std::cmp::Reverse(placed[*i].minutes()), *i);
            if order.len() > LONGEST {
                order.select_nth_unstable_by_key(LONGEST - 1, longest_first);
            }
            order.truncate(LONGEST);
            order.sort_unstable();
            order.into_iter().map(|i| row(&placed[i])).collect()
        };
        NoteDigest {
            // Only the rows carry it (it is freed here otherwise: on this thread).
            path: (!rows.is_empty()).then_some(path),
            segs,
            seg_days,
            rows,
            priorities,
            counts: Some(NoteCounts {
                dates,
                task_dates,
                tasks,
                tag_names: note_tags.names,
                tag_sums,
                other_dates,
                undated_entries,
                done_starts: last_of_task.into_values().map(|(_, s, _)| s).collect(),
            }),
        }
    }

    /// Adds what `d` adds to the sums to this thread's share of them, so that
    /// [`SummaryBuilder::add`], on the one thread that folds the digests in order, is left
    /// only what depends on that order. For a digest that will be added: call it once the
    /// note is known to be read for good (a long note may be read again in other pieces).
    pub fn count(&self, d: &mut NoteDigest) {
        let Some(c) = d.counts.take() else {
            return;
        };
        let slot = rayon::current_thread_index().map_or(0, |i| (i + 1) % SHARES);
        let mut share = self.shares[slot]
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let categories = self.uncategorised + 1;
        share
            .get_or_insert_with(|| Box::new(OrderFree::new(categories)))
            .count(c, &d.segs, &d.seg_days, self.money_waste());
    }

    /// The indices of the money and waste categories, where they are defined.
    fn money_waste(&self) -> (Option<usize>, Option<usize>) {
        (self.money_ix, self.waste_ix)
    }

    /// The category of an entry: the first whose tags it carries or whose keywords its
    /// text matches (as [`crate::config::Category::matches`] decides), found from
    /// `in_categories`, the categories its tags put it in (bit `i` for category `i`, as
    /// [`NoteTags`] keeps them).
    fn category(&self, in_categories: u64, tags: &[String], text: &str) -> usize {
        let categories = &self.settings.categories;
        let found = if categories.len() > 64 {
            categories.iter().position(|c| c.matches(tags, text))
        } else if self.tags_decide {
            (in_categories != 0).then(|| in_categories.trailing_zeros() as usize)
        } else {
            categories.iter().enumerate().position(|(i, c)| {
                in_categories >> i & 1 == 1 || c.keywords.iter().any(|r| r.is_match(text))
            })
        };
        found.unwrap_or(self.uncategorised)
    }

    fn is_priority_tag(&self, t: &str) -> bool {
        if t.is_ascii() {
            self.priority.iter().any(|p| p.eq_ignore_ascii_case(t))
        } else {
            let t = t.to_lowercase();
            self.priority.contains(&t)
        }
    }
}

/// A walk over a map by key (a slice in order of key, no key twice), in step with keys that
/// rise: for walking a map by day in step with a run of the period's days.
struct Walk<'a, K, V> {
    items: &'a [(K, V)],
    next: usize,
}

impl<'a, K: Ord + Copy, V> Walk<'a, K, V> {
    /// A walk from the first item whose key is `first` or more.
    fn from(items: &'a [(K, V)], first: K) -> Self {
        Walk {
            next: items.partition_point(|(k, _)| *k < first),
            items,
        }
    }

    /// The value at `key`, the smaller keys passed over (`key` is no smaller than the key
    /// last asked for).
    fn at(&mut self, key: K) -> Option<&'a V> {
        let items = self.items;
        while items.get(self.next).is_some_and(|(k, _)| *k < key) {
            self.next += 1;
        }
        let (k, v) = items.get(self.next)?;
        (*k == key).then(|| {
            self.next += 1;
            v
        })
    }
}

/// A day of the period as [`SummaryBuilder::finish`] gathers it.
struct DayInput {
    date: NaiveDate,
    /// Its runs of segments, among the runs sorted by day.
    runs: std::ops::Range<usize>,
    tasks: TaskCounts,
    priorities: Option<PriorityAcc>,
    has_note: bool,
}

/// What a run of consecutive days adds to the report, settled on one thread.
#[derive(Default)]
struct SettledDays {
    /// The run's biggest gaps, as [`push_gap`] keeps them.
    gaps: Vec<RawGap>,
    gap_total: u64,
    gap_count: usize,
    sessions: Vec<Session>,
    breaks: Vec<u32>,
    /// Scratch for a day's runs of entries (kept from day to day).
    runs: Vec<(usize, u32, u32)>,
}

/// How many days are settled at a time.
const DAYS_AT_ONCE: usize = 1024;

/// Settles days: their rows, and their gaps and focus sessions.
struct DaySettler<'a> {
    /// The categories' names, shared by the rows and sessions this settler makes.
    names: Vec<Arc<str>>,
    /// The categories' indexes in the order of their names.
    by_name: &'a [usize],
    /// Whether time in each category can be focus (neither uncategorised nor waste).
    focus: &'a [bool],
    threshold: u32,
    /// Minutes per category of the day being settled.
    minutes: Vec<u64>,
}

impl DaySettler<'_> {
    /// A settler with names of its own, for one thread's run of days: rows made on two
    /// threads at once from the same names counted on the same counters, and the cores
    /// took turns with each counter's cache line.
    fn own_names(&self) -> Self {
        DaySettler {
            names: self.names.iter().map(|n| Arc::from(&**n)).collect(),
            minutes: vec![0; self.names.len()],
            ..*self
        }
    }

    /// The row of `day`, whose segments are `segs`.
    fn row(&mut self, day: &DayInput, segs: &[Seg]) -> DayRow {
        let (date, t) = (day.date, day.tasks);
        let a = DayTotals::of(segs, &mut self.minutes);
        DayRow {
            priorities: day.priorities.as_ref().and_then(|p| {
                (p.priority_total > 0 || p.money_total > 0).then(|| DayPriorityRow {
                    priority_done: p.priority_done,
                    priority_total: p.priority_total,
                    money_done: p.money_done,
                    money_total: p.money_total,
                    first_done_was_priority: p.first.map(|f| f.3),
                })
            }),
            date,
            weekday: WEEKDAYS[date.weekday().num_days_from_monday() as usize],
            has_note: day.has_note,
            logged_minutes: a.minutes,
            entries: a.entries,
            first: a.first.map(Clock),
            last: a.last.map(Clock),
            categories: CategoryMinutes::from_indexed(&self.minutes, &self.names, self.by_name),
            tasks_done: t.done,
            tasks_added: t.added,
            blocks_done: t.blocks_done,
            blocks_total: t.blocks_total,
        }
    }

    /// Adds the gaps and focus sessions of `day`, whose segments (in start order) are `segs`,
    /// to `acc` (which holds the days before it in the same run).
    fn day(&self, mut acc: SettledDays, day: &DayInput, segs: &[Seg]) -> SettledDays {
        let date = day.date;
        // Gaps between entries of the day.
        let mut reach: Option<u32> = None;
        for s in segs {
            if let Some(r) = reach
                && s.start > r
            {
                acc.gap_count += 1;
                acc.gap_total += u64::from(s.start - r);
                push_gap(
                    &mut acc.gaps,
                    RawGap {
                        date,
                        from: r,
                        to: s.start,
                    },
                );
            }
            let e = if s.end == u32::MAX { s.start } else { s.end };
            reach = Some(reach.map_or(e, |r| r.max(e)));
        }
        // Focus sessions: runs of touching entries in one category. Uncategorised time and
        // waste are never focus, however long they run.
        let mut runs = std::mem::take(&mut acc.runs);
        runs.clear();
        let mut cur: Option<(usize, u32, u32)> = None;
        for s in segs {
            if s.end == u32::MAX {
                runs.extend(cur.take());
                continue;
            }
            let c = s.category as usize;
            cur = match cur {
                Some((cc, st, e)) if cc == c && s.start <= e => Some((cc, st, e.max(s.end))),
                other => {
                    runs.extend(other);
                    Some((c, s.start, s.end))
                }
            };
        }
        runs.extend(cur);
        let mut prev_end: Option<u32> = None;
        for &(c, s, e) in &runs {
            if e - s < self.threshold || e == s || !self.focus[c] {
                continue;
            }
            // Sessions that touch have no break between them.
            if let Some(p) = prev_end
                && s > p
            {
                acc.breaks.push(s - p);
            }
            prev_end = Some(e);
            acc.sessions.push(Session {
                date,
                start: Clock(s),
                end: Clock(e),
                minutes: e - s,
                category: Arc::clone(&self.names[c]),
            });
        }
        acc.runs = runs;
        acc
    }
}

/// How many of the longest entries and biggest gaps the report lists.
const LONGEST: usize = 5;

/// A gap between entries of a day, in minutes of the day; made a [`Gap`] if it is kept.
#[derive(Debug, Clone, Copy)]
struct RawGap {
    date: NaiveDate,
    from: u32,
    to: u32,
}

/// Keeps the biggest gaps, biggest first; ties by date, then the earlier in the day (gaps
/// must come in date order, and a day's in time order).
fn push_gap(gaps: &mut Vec<RawGap>, g: RawGap) {
    let key = |g: &RawGap| (std::cmp::Reverse(g.to - g.from), g.date);
    // Most gaps are shorter than the shortest kept.
    if gaps.len() >= LONGEST && key(&gaps[LONGEST - 1]) <= key(&g) {
        return;
    }
    let at = gaps.partition_point(|x| key(x) <= key(&g));
    if at < LONGEST {
        gaps.insert(at, g);
        gaps.truncate(LONGEST);
    }
}

/// Computes the report for `period` from notes in memory (sorted by path). `today` bounds
/// nothing today but is part of the contract (relative labels); `diagnostics` is the number
/// of problems found while loading. Large folders go through [`SummaryBuilder`] instead.
pub fn summarize(
    notes: &[LoadedNote],
    settings: &Settings,
    period: &Period,
    today: NaiveDate,
    diagnostics: usize,
) -> Summary {
    let _ = today;
    let mut b = SummaryBuilder::new(settings, period, true);
    let digester = b.digester();
    for ln in notes {
        b.add(digester.digest(ln.clone()));
    }
    b.finish(diagnostics)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::parse::{ParseOptions, parse_note};
    use std::collections::BTreeMap;

    pub(crate) fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    pub(crate) fn note(date: Option<&str>, text: &str) -> LoadedNote {
        let name = date.map_or("undated.md".to_string(), |d| format!("{d}.md"));
        let opts = ParseOptions {
            name_date: date.map(d),
            plan_headings: vec!["time blocks".into()],
        };
        LoadedNote {
            path: format!("notes/{name}"),
            rel: name,
            note: parse_note(text, &opts),
        }
    }

    pub(crate) fn run(notes: &[LoadedNote], settings: &Settings) -> Summary {
        summarize(notes, settings, &Period::ALL, d("2026-12-01"), 0)
    }

    fn settings(toml: &str) -> Settings {
        Settings::parse(toml).unwrap()
    }

    fn hour(s: &Summary, h: usize) -> u64 {
        s.hours.per_hour[h].minutes
    }

    #[test]
    fn clock_format() {
        assert_eq!(clock(0), "00:00");
        assert_eq!(clock(9 * 60 + 5), "09:05");
        assert_eq!(clock(1440 + 45), "00:45+1");
        assert_eq!(clock(2 * 1440 + 61), "01:01+2");
    }

    #[test]
    fn hours_split_across_boundaries_and_midnight() {
        let n = note(
            Some("2026-11-24"),
            "## Log\n\n- 09:40-11:10 work #money\n- 23:30-01:15 late #money\n",
        );
        let s = run(&[n], &Settings::default());
        assert_eq!(hour(&s, 9), 20);
        assert_eq!(hour(&s, 10), 60);
        assert_eq!(hour(&s, 11), 10);
        assert_eq!(hour(&s, 23), 30);
        assert_eq!(hour(&s, 0), 60);
        assert_eq!(hour(&s, 1), 15);
        assert_eq!(s.overview.total_minutes, 90 + 105);
        // The part after midnight stays on the day it was logged.
        assert_eq!(s.days.len(), 1);
        assert_eq!(s.days[0].logged_minutes, 195);
        assert_eq!(
            s.days[0].first.map(|c| c.to_string()).as_deref(),
            Some("09:40")
        );
        assert_eq!(
            s.days[0].last.map(|c| c.to_string()).as_deref(),
            Some("01:15+1")
        );
        assert_eq!(s.hours.per_hour[10].categories["money"], 60);
        let mut v = Vec::new();
        split_hours(50, 50, |h, m| v.push((h, m)));
        assert!(v.is_empty());
    }

    /// A tag's categories and priority, looked up by name, are what comparing it with every
    /// category's tags and every priority tag finds, whatever its case and script.
    #[test]
    fn tag_classes_agree_with_the_comparisons() {
        // Enough tags for a table of 128 slots: the case of a letter then changes the slot.
        let many: Vec<String> = (0..60).map(|i| format!("\"Tag{i}\"")).collect();
        let st = settings(&format!(
            "[summary]\npriority_tags = [\"Urgent\", \"ÉLAN\", \"focus\"]\n\
             [categories.money]\ntags = [\"Client\", \"money\", \"café\"]\n\
             [categories.deep]\ntags = [\"deep-work\", \"FOCUS\", \"client\"]\n\
             [categories.waste]\ntags = [\"news\", {}]\n",
            many.join(", ")
        ));
        let period = Period {
            from: None,
            to: None,
        };
        let b = SummaryBuilder::new(&st, &period, false);
        let d = b.digester();
        for t in [
            "client",
            "CLIENT",
            "Client",
            "money",
            "Money",
            "café",
            "CAFÉ",
            "CAFé",
            "deep-work",
            "Deep-Work",
            "focus",
            "Focus",
            "urgent",
            "URGENT",
            "élan",
            "Élan",
            "ÉLAN",
            "news",
            "new",
            "newss",
            "",
            "x",
            "client/sub",
            "ürgent",
            "(untagged)",
            "tag7",
            "TAG59",
            "Tag60",
        ] {
            let mut categories = 0u64;
            for (i, c) in st.categories.iter().enumerate() {
                if c.tags.iter().any(|x| x.eq_ignore_ascii_case(t)) {
                    categories |= 1 << i;
                }
            }
            let (found, priority) = d.classes.of(t);
            assert_eq!(found, categories, "{t:?}");
            assert_eq!(
                priority || (!t.is_ascii() && d.is_priority_tag(t)),
                d.is_priority_tag(t),
                "{t:?}"
            );
        }
        // Some of them are something: the test looks at both answers.
        assert_ne!(d.classes.of("CLIENT").0, 0);
        assert!(d.classes.of("Urgent").1 && d.is_priority_tag("élan"));
    }

    #[test]
    fn first_matching_category_and_uncategorised() {
        let st = settings(
            "category_order = [\"deep\", \"money\"]\n\
             [categories.money]\ntags = [\"client\"]\n\
             [categories.deep]\nkeywords = [\"(?i)write\"]\n\
             [categories.waste]\ntags = [\"waste\"]\n",
        );
        let n = note(
            Some("2026-11-24"),
            "## Log\n\n- 09:00-10:00 write proposal #client\n- 10:00-10:30 call #client\n\
             - 10:30-11:00 news #waste\n- 11:00-11:45 lunch\n",
        );
        let s = run(&[n], &st);
        assert_eq!(s.categories, ["deep", "money", "waste", "uncategorised"]);
        let cats: Vec<(&str, u64, usize)> = s
            .category_totals
            .iter()
            .map(|c| (c.category.as_str(), c.minutes, c.entries))
            .collect();
        assert_eq!(
            cats,
            [
                ("deep", 60, 1),
                ("money", 30, 1),
                ("waste", 30, 1),
                ("uncategorised", 45, 1)
            ]
        );
        assert_eq!(
            &*s.entries.as_ref().unwrap().to_vec().unwrap()[0].category,
            "deep"
        );
        assert_eq!(s.days[0].categories["uncategorised"], 45);
        assert_eq!(s.money_waste.money_minutes, 30);
        assert_eq!(s.money_waste.ratio, Some(1.0));
    }

    #[test]
    fn tags_shares_and_untagged() {
        let n = note(
            Some("2026-11-24"),
            "## Log\n\n- 09:00-10:00 a #money #email\n- 10:00-11:00 b #money\n- 11:00-13:00 c\n",
        );
        let s = run(&[n], &Settings::default());
        let tags: Vec<(&str, u64, f64, usize)> = s
            .tags
            .iter()
            .map(|t| (t.tag.as_str(), t.minutes, t.share, t.entries))
            .collect();
        assert_eq!(
            tags,
            [
                ("(untagged)", 120, 0.5, 1),
                ("money", 120, 0.5, 2),
                ("email", 60, 0.25, 1)
            ]
        );
    }

    #[test]
    fn gaps_between_entries() {
        let n = note(
            Some("2026-11-24"),
            "## Log\n\n- 08:00-09:00 a\n- 08:30-08:45 inside\n- 09:30-10:00 b\n\
             - 12:00-12:10 c\n- 12:10-12:20 d\n",
        );
        let s = run(&[n], &Settings::default());
        let g = &s.overview.gaps;
        assert_eq!(g.count, 2);
        assert_eq!(g.total_minutes, 30 + 120);
        assert_eq!(g.biggest[0].minutes, 120);
        assert_eq!(
            (g.biggest[0].from.as_str(), g.biggest[0].to.as_str()),
            ("10:00", "12:00")
        );
        assert_eq!(
            (g.biggest[1].from.as_str(), g.biggest[1].to.as_str()),
            ("09:00", "09:30")
        );
    }

    #[test]
    fn focus_sessions_and_breaks() {
        let st = settings("[summary]\nfocus_minutes = 60\n");
        let n = note(
            Some("2026-11-24"),
            "## Log\n\n- 08:00-08:40 a #money\n- 08:40-09:10 b #money\n\
             - 09:10-09:20 news #waste\n- 09:20-10:00 c #money\n\
             - 10:30-12:00 d #money\n- 13:00-14:30 e #money\n- 14:30-15:00 f #money\n",
        );
        let s = run(&[n], &st);
        let f = &s.focus;
        let sess: Vec<(String, String, u32)> = f
            .sessions
            .iter()
            .map(|x| (x.start.to_string(), x.end.to_string(), x.minutes))
            .collect();
        let sess: Vec<(&str, &str, u32)> = sess
            .iter()
            .map(|(a, b, m)| (a.as_str(), b.as_str(), *m))
            .collect();
        // 08:00-09:10 (70), 09:20-10:00 is only 40, 10:30-12:00 (90), 13:00-15:00 (120).
        assert_eq!(
            sess,
            [
                ("08:00", "09:10", 70),
                ("10:30", "12:00", 90),
                ("13:00", "15:00", 120)
            ]
        );
        assert_eq!(f.count, 3);
        assert_eq!(f.total_minutes, 280);
        assert_eq!(f.median_minutes, Some(90));
        assert_eq!(f.longest_minutes, Some(120));
        assert_eq!(f.breaks, 2);
        // Breaks of 80 and 60 minutes.
        assert_eq!(f.median_break_minutes, Some(70));
        // Sessions of different categories that touch have no break between them; waste and
        // uncategorised runs are no focus.
        let st = settings(
            "[summary]\nfocus_minutes = 60\n[categories.money]\ntags = [\"money\"]\n\
             [categories.admin]\ntags = [\"admin\"]\n[categories.waste]\ntags = [\"waste\"]\n",
        );
        let n = note(
            Some("2026-11-25"),
            "## Log\n\n- 08:00-09:00 a #money\n- 09:00-10:00 b #admin\n\
             - 10:00-12:00 c #waste\n- 12:00-14:00 d\n",
        );
        let s = run(&[n], &st);
        assert_eq!((s.focus.count, s.focus.breaks), (2, 0));
        assert_eq!(s.focus.median_break_minutes, None);
    }

    /// The median (selected, not sorted) is the middle value of the sorted values, or the
    /// mean of the two middle ones rounded half up: counts odd and even, values repeated.
    #[test]
    fn median_is_the_middle_of_the_sorted_values() {
        use proptest::prelude::*;
        proptest!(|(v in proptest::collection::vec(0u32..40, 0..60))| {
            let mut sorted = v.clone();
            sorted.sort_unstable();
            let n = sorted.len();
            let want = match n {
                0 => None,
                _ if n % 2 == 1 => Some(sorted[n / 2]),
                _ => Some((sorted[n / 2 - 1] + sorted[n / 2]).div_ceil(2)),
            };
            let mut v = v;
            prop_assert_eq!(median(&mut v), want);
        });
    }

    /// Values added by key in any order, and shares appended to one another, come out in
    /// order of key, each key's values added up; in order already, they are left as they are.
    #[test]
    fn by_key_settles_in_order_of_key() {
        let add = |pairs: &[(u32, u64)]| {
            let mut b = ByKey::default();
            for &(k, v) in pairs {
                b.add(k, (v, 1));
            }
            b
        };
        let mut a = add(&[(1, 10), (1, 5), (3, 1), (2, 7)]);
        a.append(add(&[(2, 1), (4, 2)]));
        assert_eq!(
            a.settled(),
            [(1, (15, 2)), (2, (8, 2)), (3, (1, 1)), (4, (2, 1))]
        );
        // Shares in order, but the second starting at the first's last key.
        let mut b = add(&[(1, 1), (2, 1)]);
        b.append(add(&[(2, 1), (3, 1)]));
        assert_eq!(b.settled(), [(1, (1, 1)), (2, (2, 2)), (3, (1, 1))]);
        let mut c = add(&[(1, 1), (2, 1)]);
        c.append(add(&[(3, 1)]));
        assert!(c.settled);
        assert_eq!(c.settled(), [(1, (1, 1)), (2, (1, 1)), (3, (1, 1))]);
    }

    /// A day's priorities come from every note that holds the day, in whatever order the
    /// notes hold their days: counts summed, the first done task the earliest of all.
    #[test]
    fn priorities_of_a_day_from_notes_out_of_order() {
        let st = settings("");
        // In path order: a note that holds the 3rd and the 1st, then the 1st's own note,
        // whose task, done first on the 1st, comes last.
        let earlier = note(
            Some("2026-01-31"),
            "## 2026-02-01\n\n- [x] 09:00-09:30 call client #priority\n- [ ] plan #priority\n\n\
             ## 2026-02-03\n\n- [x] 10:00-11:00 report #priority\n",
        );
        let daily = note(
            Some("2026-02-01"),
            "- [x] 08:00-08:30 invoice #money\n- [ ] draft #money\n",
        );
        let s = run(&[earlier, daily], &st);
        let day = |date: &str| {
            let row = s.days.iter().find(|r| r.date == d(date)).unwrap();
            row.priorities.as_ref().map(|p| {
                (
                    p.priority_done,
                    p.priority_total,
                    p.money_done,
                    p.money_total,
                    p.first_done_was_priority,
                )
            })
        };
        assert_eq!(day("2026-02-01"), Some((1, 2, 1, 2, Some(false))));
        assert_eq!(day("2026-02-03"), Some((1, 1, 0, 0, Some(true))));
        assert_eq!(day("2026-02-02"), None);
    }

    #[test]
    fn day_start_hour_moves_early_entries_to_the_day_before() {
        let st = settings("[summary]\nday_start_hour = 4\n");
        let a = note(Some("2026-11-24"), "## Log\n\n- 22:00-23:00 a #money\n");
        let b = note(
            Some("2026-11-25"),
            "## Log\n\n- 01:00-02:30 late #money\n- 09:00-10:00 b #money\n",
        );
        let s = run(&[a.clone(), b.clone()], &st);
        assert_eq!(s.days.len(), 2);
        assert_eq!(s.days[0].logged_minutes, 60 + 90);
        assert_eq!(
            s.days[0].last.map(|c| c.to_string()).as_deref(),
            Some("02:30+1")
        );
        assert_eq!(s.days[1].logged_minutes, 60);
        assert_eq!(
            s.days[1].first.map(|c| c.to_string()).as_deref(),
            Some("09:00")
        );
        assert_eq!(hour(&s, 1), 60);
        assert_eq!(hour(&s, 2), 30);
        let plain = run(&[a, b], &Settings::default());
        assert_eq!(plain.days[0].logged_minutes, 60);
        assert_eq!(plain.days[1].logged_minutes, 150);
    }

    /// The longest entries, ties in report order (day, start, path, line), whether every
    /// row is kept or only each note's longest: notes with many entries of a few lengths,
    /// some out of order, two notes logging the same day.
    #[test]
    fn longest_entries_ties_in_report_order() {
        let mut notes = Vec::new();
        for (n, day) in ["2026-11-23", "2026-11-24", "2026-11-24"]
            .iter()
            .enumerate()
        {
            let mut text = String::from("## Log\n\n");
            for i in 0..30 {
                // Lengths 10, 20 or 30 minutes, starts not in line order.
                let start = ((i * 7 + n * 3) % 30) * 40;
                let len = 10 * (1 + (i * 5 + n) % 3);
                text.push_str(&format!(
                    "- {:02}:{:02}-{:02}:{:02} e{n}-{i}\n",
                    start / 60,
                    start % 60,
                    (start + len) / 60,
                    (start + len) % 60
                ));
            }
            let mut ln = note(Some(day), &text);
            ln.path = format!("notes/{n}-{day}.md");
            notes.push(ln);
        }
        let settings = Settings::default();
        let every = run(&notes, &settings);
        let mut want = every.entries.as_ref().unwrap().to_vec().unwrap();
        want.sort_by_key(|r| std::cmp::Reverse(r.minutes)); // stable: report order in ties
        want.truncate(LONGEST);
        let mut b = SummaryBuilder::new(&settings, &Period::ALL, false);
        let digester = b.digester();
        for ln in &notes {
            b.add(digester.digest(ln.clone()));
        }
        let some = b.finish(0);
        let shown = |v: &[EntryRow]| {
            v.iter()
                .map(|r| format!("{} {} {} {}", r.date, r.start, r.text, r.minutes))
                .collect::<Vec<_>>()
        };
        assert_eq!(shown(&some.longest), shown(&want));
        assert_eq!(shown(&every.longest), shown(&want));
        assert!(some.longest.iter().all(|r| r.minutes == 30));
    }

    /// An entry exactly as long as the shortest of the longest held so far can still be
    /// among them: a note later in path order may hold an earlier day, which comes first
    /// among ties. (Fails when entries only as long as that floor make no row.)
    #[test]
    fn an_entry_as_long_as_the_longest_floor_is_still_a_candidate() {
        let mut a = note(
            Some("2026-11-24"),
            "## Log\n\n- 09:00-10:00 a1\n- 10:00-11:00 a2\n- 11:00-12:00 a3\n\
             - 12:00-13:00 a4\n- 13:00-14:00 a5\n",
        );
        a.path = "notes/a.md".into();
        let mut b = note(
            Some("2026-11-23"),
            "## Log\n\n- 09:00-10:00 b1\n- 11:00-11:30 b2\n",
        );
        b.path = "notes/b.md".into();
        let settings = Settings::default();
        let mut builder = SummaryBuilder::new(&settings, &Period::ALL, false);
        let digester = builder.digester();
        for ln in [&a, &b] {
            builder.add(digester.digest(ln.clone()));
        }
        let texts = |s: &Summary| s.longest.iter().map(|r| r.text.clone()).collect::<Vec<_>>();
        let some = builder.finish(0);
        assert_eq!(texts(&some), ["b1", "a1", "a2", "a3", "a4"]);
        assert_eq!(texts(&run(&[a, b], &settings)), texts(&some));
    }

    /// More days than are settled at a time: the days' rows, gaps and focus sessions come
    /// out as one walk over the days in order gives them, the biggest gaps chosen across
    /// runs of days (ties by day).
    #[test]
    fn days_settled_in_runs_agree_with_one_walk() {
        let first = d("2020-01-01");
        let n = 2 * DAYS_AT_ONCE + 52;
        let gap_of = |i: usize| match i {
            100 => 30,
            500 | 1100 => 40,
            1500 | 2060 => 45,
            _ => 20,
        };
        let notes: Vec<LoadedNote> = (0..n)
            .map(|i| {
                let day = first + chrono::Duration::days(i as i64);
                let g = gap_of(i);
                // Two hours of money work with a gap between them, and an open entry.
                let text = format!(
                    "## Log\n\n- 08:00-09:00 plan #money\n- 09:{g:02}-10:{g:02} build #money\n\
                     - 11:00 lunch\n"
                );
                note(Some(&day.to_string()), &text)
            })
            .collect();
        let s = run(&notes, &Settings::default());
        assert_eq!(s.days.len(), n);
        assert!(
            s.days
                .iter()
                .enumerate()
                .all(|(i, r)| r.date == first + chrono::Duration::days(i as i64)
                    && r.logged_minutes == 120
                    && r.entries == 3)
        );
        // Each day's gaps: before its second entry, and from its end to the open entry.
        assert_eq!(s.overview.gaps.count, 2 * n);
        assert_eq!(s.overview.gaps.total_minutes, 60 * n as u64);
        let biggest: Vec<(usize, u32)> = s
            .overview
            .gaps
            .biggest
            .iter()
            .map(|g| ((g.date - first).num_days() as usize, g.minutes))
            .collect();
        // From each of the three runs of days; ties by day.
        assert_eq!(biggest, [(1500, 45), (2060, 45), (0, 40), (1, 40), (2, 40)]);
        assert_eq!(s.focus.count, 2 * n);
        assert_eq!(s.focus.breaks, n);
        assert!(s.focus.sessions.chunks(2).enumerate().all(|(i, pair)| {
            let day = first + chrono::Duration::days(i as i64);
            pair[0].date == day && pair[1].date == day && pair[0].start.0 < pair[1].start.0
        }));
    }

    /// What each day holds (its entries, tasks, time blocks, priorities, whether it has a
    /// note) is gathered by each run of days for itself, from where the run starts: every
    /// day's row, and the focus sessions, are those of a report on a window of fewer days,
    /// settled in one run. Days without a note, and days held by two notes, fall at the
    /// runs' edges. (Fails when a run starts its walk over the maps by day a day off.)
    #[test]
    fn runs_of_days_gather_what_each_day_holds() {
        let first = d("2020-01-01");
        let n = 2 * DAYS_AT_ONCE + 52;
        let day = |i: usize| first + chrono::Duration::days(i as i64);
        // The first and last day of each run of days the report is settled in.
        let edges = [
            0,
            DAYS_AT_ONCE - 1,
            DAYS_AT_ONCE,
            2 * DAYS_AT_ONCE - 1,
            2 * DAYS_AT_ONCE,
        ];
        let without_note = |i: usize| i % 5 == 3 || edges.contains(&i);
        let mut notes: Vec<LoadedNote> = (0..n)
            .filter(|&i| !without_note(i))
            .map(|i| {
                let mut text = format!("## Log\n\n- 08:00-09:{:02} plan #money\n", i % 60);
                if i % 3 == 0 {
                    text.push_str("- 10:00-11:30 write #admin\n- 12:00 lunch\n");
                }
                text.push_str("\n## Tasks\n\n");
                for t in 0..i % 4 {
                    let done = if (i + t) % 2 == 0 { "x" } else { " " };
                    text.push_str(&format!("- [{done}] task {t} #p1\n"));
                }
                if i % 7 == 0 {
                    text.push_str("- [x] invoice #money\n\n## Time Blocks\n\n- [x] block\n");
                }
                note(Some(&day(i).to_string()), &text)
            })
            .collect();
        // One more note, after the daily notes in path order: the days at the runs' edges, and
        // days that have a daily note too.
        let held: Vec<usize> = edges.iter().flat_map(|&i| [i, i + 1]).collect();
        let log: String = held
            .iter()
            .map(|&i| {
                format!(
                    "## {}\n\n- 14:00-15:00 call #admin\n- [x] follow up\n\n",
                    day(i)
                )
            })
            .collect();
        let mut log = note(None, &log);
        log.path = "notes/zz-log.md".into();
        notes.push(log);
        let settings = settings(
            "[summary]\nfocus_minutes = 30\npriority_tags = [\"p1\"]\n\
             [categories.money]\ntags = [\"money\"]\n[categories.admin]\ntags = [\"admin\"]\n",
        );
        let all = run(&notes, &settings);
        assert_eq!(all.days.len(), n);
        for (from, to) in [(0, 700), (700, 1400), (1400, n)] {
            let period = Period {
                from: Some(day(from)),
                to: Some(day(to - 1)),
            };
            let window = summarize(&notes, &settings, &period, d("2026-12-01"), 0);
            assert_eq!(
                serde_json::to_value(&window.days).unwrap(),
                serde_json::to_value(&all.days[from..to]).unwrap(),
                "days {from}..{to}"
            );
            let sessions = |s: &Summary| {
                s.focus
                    .sessions
                    .iter()
                    .filter(|x| x.date >= day(from) && x.date < day(to))
                    .map(|x| serde_json::to_value(x).unwrap())
                    .collect::<Vec<_>>()
            };
            assert_eq!(sessions(&window), sessions(&all), "days {from}..{to}");
        }
        // A day without a note holds nothing; a day in the last note holds its hour and its
        // task, besides those of its daily note.
        assert!(!all.days[3].has_note && all.days[3].entries == 0);
        for &i in &held {
            let row = &all.days[i];
            let admin = row.categories.0.iter().find(|(c, _)| &**c == "admin");
            assert!(
                row.has_note && admin.is_some_and(|(_, m)| *m >= 60),
                "day {i}"
            );
            assert!(row.tasks_done >= 1, "day {i}");
        }
    }

    /// Segments that come out of day order (a later note in path order holding an earlier
    /// day) are sorted by day and start, and entries starting at the same minute keep the
    /// order they came in: path, then line. (Fails when a day's runs from several notes are
    /// not sorted by start, or are sorted with another key among ties.)
    #[test]
    fn a_day_from_two_notes_out_of_order_keeps_ties_in_path_order() {
        let st = settings(
            "[summary]\nfocus_minutes = 30\n[categories.money]\ntags = [\"money\"]\n\
             [categories.admin]\ntags = [\"admin\"]\n",
        );
        let mut a = note(Some("2026-11-02"), "## Log\n\n- 09:00-10:00 build #money\n");
        a.path = "notes/a.md".into();
        let mut b = note(
            Some("2026-11-01"),
            "## Log\n\n- 08:00-09:00 plan #money\n\n## 2026-11-02\n\n\
             - 09:00-09:40 accounts #admin\n- 07:00-08:00 early #admin\n",
        );
        b.path = "notes/b.md".into();
        let s = run(&[a, b], &st);
        let sessions: Vec<(String, String, String)> = s
            .focus
            .sessions
            .iter()
            .map(|x| {
                (
                    x.date.to_string(),
                    x.start.to_string(),
                    x.category.to_string(),
                )
            })
            .collect();
        let want = [
            ("2026-11-01", "08:00", "money"),
            ("2026-11-02", "07:00", "admin"),
            ("2026-11-02", "09:00", "money"),
            ("2026-11-02", "09:00", "admin"),
        ];
        let want: Vec<(String, String, String)> = want
            .iter()
            .map(|(d, t, c)| (d.to_string(), t.to_string(), c.to_string()))
            .collect();
        assert_eq!(sessions, want);
    }

    #[test]
    fn last_entry_minutes_closes_the_open_last_entry() {
        let text = "## Log\n\n- 09:00 a #money\n- 10:00 b #money\n";
        let s = run(&[note(Some("2026-11-24"), text)], &Settings::default());
        assert_eq!(s.overview.open_entries, 1);
        assert_eq!(s.overview.total_minutes, 60);
        let rows = s.entries.as_ref().unwrap().to_vec().unwrap();
        assert!(rows[1].open && rows[1].end.is_none());
        let st = settings("[summary]\nlast_entry_minutes = 25\n");
        let s = run(&[note(Some("2026-11-24"), text)], &st);
        assert_eq!(s.overview.open_entries, 0);
        assert_eq!(s.overview.total_minutes, 85);
        assert_eq!(
            s.entries.as_ref().unwrap().to_vec().unwrap()[1]
                .end
                .map(|c| c.to_string()),
            Some("10:25".to_string())
        );
    }

    #[test]
    fn ratio_without_waste_is_none() {
        let s = run(
            &[note(
                Some("2026-11-24"),
                "## Log\n\n- 09:00-10:00 a #money\n",
            )],
            &Settings::default(),
        );
        assert_eq!(s.money_waste.money_minutes, 60);
        assert_eq!(s.money_waste.waste_minutes, 0);
        assert_eq!(s.money_waste.ratio, None);
        assert_eq!(s.money_waste.money_share, 1.0);
        let json = serde_json::to_value(&s).unwrap();
        assert!(json["money_waste"]["ratio"].is_null());
        assert_eq!(json["schema_version"], 2);
        let s = run(
            &[note(
                Some("2026-11-24"),
                "## Log\n\n- 09:00-10:00 a #money\n- 10:00-10:45 b #waste\n",
            )],
            &Settings::default(),
        );
        assert_eq!(s.money_waste.ratio, Some(1.33));
    }

    #[test]
    fn period_span_days_without_notes_and_undated() {
        let a = note(Some("2026-11-20"), "## Log\n\n- 09:00-10:00 a\n");
        let b = note(Some("2026-11-23"), "# Nothing logged\n");
        let u = note(None, "## Log\n\n- 09:00-10:00 undated\n");
        let s = run(&[a.clone(), b.clone(), u.clone()], &Settings::default());
        assert_eq!(s.period.from, Some(d("2026-11-20")));
        assert_eq!(s.period.to, Some(d("2026-11-23")));
        assert_eq!(s.overview.days_in_period, 4);
        assert_eq!(s.overview.days_with_notes, 2);
        assert_eq!(s.overview.days_with_log, 1);
        assert_eq!(s.overview.undated_entries, 1);
        assert_eq!(s.overview.total_minutes, 60);
        let flags: Vec<bool> = s.days.iter().map(|d| d.has_note).collect();
        assert_eq!(flags, [true, false, false, true]);
        // An explicit period beyond the notes.
        let p = Period {
            from: Some(d("2026-12-01")),
            to: None,
        };
        let s = summarize(&[a, b, u], &Settings::default(), &p, d("2026-12-01"), 0);
        assert_eq!(s.period.from, s.period.to);
        assert_eq!(s.overview.days_in_period, 1);
        assert!(s.entries.as_ref().unwrap().is_empty());
        assert!(!s.days[0].has_note);
        // Nothing dated at all.
        let s = run(&[note(None, "- 09:00-10:00 x\n")], &Settings::default());
        assert_eq!(s.period.from, None);
        assert!(s.days.is_empty());
    }

    #[test]
    fn tasks_and_blocks_per_day() {
        let n = note(
            Some("2026-11-24"),
            "## Time Blocks\n\n- [x] Block 1 (6:00 to 7:30): gym\n- [ ] Block 2: write\n\n\
             ## Tasks\n\n- [x] done today\n- [x] done earlier ✅ 2026-11-23\n- [ ] open\n\
             - [ ] tagged block #block\n",
        );
        let s = run(&[n], &Settings::default());
        let day = s.days.iter().find(|r| r.date == d("2026-11-24")).unwrap();
        assert_eq!((day.blocks_done, day.blocks_total), (1, 3));
        assert_eq!((day.tasks_done, day.tasks_added), (1, 3));
    }

    #[test]
    fn productive_hours_and_weekday_grid() {
        let st = settings("[summary]\npriority_tags = [\"urgent\"]\n");
        let n = note(
            Some("2026-11-24"),
            "## Log\n\n- 09:00-10:00 a #money\n- 10:00-10:30 b #urgent\n\
             - 14:00-14:10 c #money #urgent\n",
        );
        let later = note(Some("2026-12-05"), "## Log\n\n- 09:00-09:30 x\n");
        let s = run(&[n, later], &st);
        let p: Vec<(u32, u64)> = s
            .hours
            .productive
            .iter()
            .map(|p| (p.hour, p.score))
            .collect();
        assert_eq!(p, [(9, 60), (10, 30), (14, 20)]);
        let grid = s.hours.weekday_grid.as_ref().expect("more than a week");
        assert_eq!(grid[1].weekday, "Tue");
        assert_eq!(grid[1].minutes[9], 60);
        assert_eq!(grid[5].minutes[9], 30);
        let weeks: Vec<&str> = s
            .money_waste
            .trend
            .iter()
            .map(|w| w.week.as_str())
            .collect();
        assert_eq!(weeks, ["2026-W48", "2026-W49"]);
        assert_eq!(s.money_waste.trend[0].money_minutes, 70);
    }

    #[test]
    fn stop_lines_are_not_activities() {
        let n = note(
            Some("2026-11-24"),
            "## Log\n\n- 09:00 a #money\n- 10:00 BREAK\n- 10:30 b\n- 11:00 END\n",
        );
        let s = run(&[n], &Settings::default());
        assert_eq!(s.entries.as_ref().unwrap().len(), 2);
        assert_eq!(s.overview.total_minutes, 90);
    }

    /// The sums a note adds in any order, counted by the threads that digested the notes
    /// (in whatever order they came, some threads sharing a share), make the report the
    /// builder makes counting them itself as it folds the notes in. The notes: generated
    /// days with tags, categories and priorities, a note with entries of days outside the
    /// period and undated ones, keyword and tag categories, days logged in two notes.
    #[test]
    fn sums_counted_on_the_digesting_threads_make_the_same_report() {
        use crate::corpus::Generator;
        let g = Generator::new("11", 0.3);
        let mut notes = Vec::new();
        for date in d("2021-03-01").iter_days().take(90) {
            notes.push(note(Some(&date.to_string()), &g.day(date).text));
        }
        notes.push(note(
            None,
            "# Log\n\n## 2021-03-05\n\n- 09:00-10:00 write the plan #Deep #money\n\
             - [x] call the bank #urgent ✅ 2021-03-05\n\n## 2022-01-01\n\n- 10:00-11:00 later\n\n\
             ## Undated\n\n- 11:00 tea\n",
        ));
        let settings = settings(
            "[summary]\npriority_tags = [\"urgent\"]\n\
             [categories.deep]\ntags = [\"deep\"]\nkeywords = [\"(?i)plan\"]\n\
             [categories.money]\ntags = [\"money\"]\n\
             [categories.waste]\ntags = [\"waste\"]\n",
        );
        let period = Period {
            from: Some(d("2021-03-01")),
            to: Some(d("2021-05-15")),
        };
        let json = |s: &Summary| serde_json::to_string(s).unwrap();
        let alone = {
            let mut b = SummaryBuilder::new(&settings, &period, true);
            let digester = b.digester();
            for ln in &notes {
                b.add(digester.digest(ln.clone()));
            }
            b.finish(0)
        };
        for threads in [1, 3, SHARES + 1] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let mut b = SummaryBuilder::new(&settings, &period, true);
            let digester = b.digester();
            // Digested in reverse on the pool's threads, a third counted here (outside the
            // pool), one left for the builder; folded in order.
            let mut digests: Vec<NoteDigest> = pool.install(|| {
                use rayon::prelude::*;
                notes
                    .par_iter()
                    .enumerate()
                    .rev()
                    .map(|(i, ln)| {
                        let mut dg = digester.digest(ln.clone());
                        if i % 3 != 0 {
                            digester.count(&mut dg);
                        }
                        dg
                    })
                    .collect()
            });
            digests.reverse();
            for dg in digests.iter_mut().step_by(3).skip(1) {
                digester.count(dg);
            }
            // Counted once: a second count adds nothing.
            digester.count(&mut digests[1]);
            for dg in digests {
                b.add(dg);
            }
            assert_eq!(json(&b.finish(0)), json(&alone), "{threads} threads");
        }
        assert!(alone.overview.undated_entries > 0 && alone.overview.total_minutes > 0);
        assert!(
            alone
                .tags
                .iter()
                .any(|t| t.tag == "urgent" || t.tag == "Deep")
        );
    }

    /// Tags whose keys are the same (length, first, middle and last bytes) or whose keys
    /// fall under the same recent slot keep indices of their own, found again in any order.
    #[test]
    fn note_tags_tell_apart_tags_with_one_key() {
        let settings = Settings::default();
        let b = SummaryBuilder::new(&settings, &Period::ALL, false);
        let dg = b.digester();
        let mut table = NoteTags::with_capacity(2);
        let tags: Vec<String> = (0..200)
            .map(|i| format!("a{}c{}e", (b'a' + i as u8 % 26) as char, i / 26))
            .chain(["abcde", "abcxe", "money", "MONEY", "x"].map(String::from))
            .collect();
        assert_eq!(NoteTags::key("abcde"), NoteTags::key("abcxe"));
        let first: Vec<u32> = tags.iter().map(|t| table.index(t, &dg)).collect();
        for round in 0..3 {
            for (i, t) in tags.iter().enumerate().rev() {
                let at = table.index(t, &dg);
                assert_eq!(at, first[i], "{t} in round {round}");
                assert_eq!(table.name(at as usize), t);
            }
        }
        let distinct: std::collections::BTreeSet<&String> = tags.iter().collect();
        assert_eq!(table.keys.len(), distinct.len());
    }

    /// Values added by key, in any order or in order, in two shares appended to one
    /// another, settle into what a map adding them one at a time holds.
    #[test]
    fn by_key_adds_up_as_a_map_does() {
        use proptest::collection::vec;
        proptest::proptest!(|(a in vec((0u8..40, 0u64..9), 0..30),
                              b in vec((0u8..40, 0u64..9), 0..30),
                              in_order: bool)| {
            let (mut a, mut b) = (a, b);
            if in_order {
                a.sort();
                b.sort();
            }
            let mut want: BTreeMap<u8, (u64, u64)> = BTreeMap::new();
            for &(k, v) in a.iter().chain(&b) {
                let e = want.entry(k).or_default();
                e.0 += v;
                e.1 += 1;
            }
            let share = |pairs: &[(u8, u64)]| {
                let mut s = ByKey::default();
                for &(k, v) in pairs {
                    s.add(k, (v, 1));
                }
                s
            };
            let mut got = share(&a);
            got.append(share(&b));
            let want: Vec<(u8, (u64, u64))> = want.into_iter().collect();
            proptest::prop_assert_eq!(got.settled(), &want[..]);
        });
    }

    /// An entry's category found from the categories its tags are in equals the first
    /// category [`Category::matches`] finds, whatever the case of the tags, with keywords
    /// and without, and with more categories than a mask holds.
    #[test]
    fn category_from_the_tags_masks_is_the_first_matching() {
        let toml = |n: usize, keywords: bool| {
            let mut t = String::new();
            for i in 0..n {
                t.push_str(&format!("[categories.c{i:03}]\ntags = [\"t{}\"]\n", i % 7));
                if keywords && i % 5 == 0 {
                    t.push_str(&format!("keywords = [\"(?i)word{}\"]\n", i % 3));
                }
            }
            t
        };
        let tag_sets: [&[&str]; 6] = [
            &[],
            &["t3"],
            &["T3", "x"],
            &["x", "t6", "t0"],
            &["y"],
            &["t5", "t5"],
        ];
        let texts = ["", "a WORD1 here", "word2", "nothing"];
        for (n, keywords) in [(3, false), (3, true), (20, true), (70, false), (70, true)] {
            let settings = settings(&toml(n, keywords));
            let b = SummaryBuilder::new(&settings, &Period::ALL, false);
            let dg = b.digester();
            let mut table = NoteTags::with_capacity(4);
            for tags in tag_sets {
                let tags: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
                let mask = tags
                    .iter()
                    .map(|t| {
                        let i = table.index(t, &dg) as usize;
                        table.categories[i]
                    })
                    .fold(0, |a, b| a | b);
                for text in texts {
                    let want = settings
                        .categories
                        .iter()
                        .position(|c| c.matches(&tags, text))
                        .unwrap_or(dg.uncategorised);
                    assert_eq!(
                        dg.category(mask, &tags, text),
                        want,
                        "{n} {tags:?} {text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn generated_journal_matches_the_truth() {
        use crate::corpus::{Generator, Truth};
        let g = Generator::new("7", 0.3);
        let mut truth = Truth::default();
        let mut notes = Vec::new();
        for date in d("2020-02-20").iter_days().take(60) {
            let day = g.day(date);
            truth.add(&day);
            notes.push(note(Some(&date.to_string()), &day.text));
        }
        let s = run(&notes, &Settings::default());
        assert_eq!(s.overview.days_in_period, 60);
        assert_eq!(s.overview.open_entries, 0);
        assert_eq!(s.overview.entries as u64, truth.time_entries);
        assert_eq!(s.overview.total_minutes, truth.total_minutes);
        let tags: BTreeMap<String, u64> = s
            .tags
            .iter()
            .map(|t| {
                let name = if t.tag == UNTAGGED {
                    "untagged"
                } else {
                    &t.tag
                };
                (name.to_string(), t.minutes)
            })
            .collect();
        assert_eq!(tags, truth.minutes_per_tag);
        let days: BTreeMap<String, u64> = s
            .days
            .iter()
            .map(|r| (r.date.to_string(), r.logged_minutes))
            .collect();
        assert_eq!(days, truth.minutes_per_day);
        let hours: Vec<u64> = s.hours.per_hour.iter().map(|h| h.minutes).collect();
        assert_eq!(hours, truth.hour_of_day_minutes);
        // Categories partition the total.
        let cats: u64 = s.category_totals.iter().map(|c| c.minutes).sum();
        assert_eq!(cats, truth.total_minutes);
        assert_eq!(s.money_waste.money_minutes, truth.minutes_per_tag["money"]);
        let grid = s.hours.weekday_grid.as_ref().unwrap();
        let grid_total: u64 = grid.iter().map(|r| r.total_minutes).sum();
        assert_eq!(grid_total, truth.total_minutes);
    }
}
