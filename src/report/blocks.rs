//! The time-blocks report (`mdtasks blocks`): the daily game of checking every block off.
//!
//! Computed as data (`BlocksReport`, serialisable) from notes streamed through a
//! `BlocksBuilder` (a digest per note, folded in path order), rendered by `render_blocks`
//! (text, Markdown, JSON, CSV).
//!
//! # Rules
//!
//! - **Blocks.** A day's blocks are the checkbox tasks dated that day that sit under a
//!   time-blocks heading (config `blocks.headings`) or carry `#block`. A block is done when
//!   its status is done; any other status (open, cancelled, rolled over, ...) is not done.
//! - **Intended blocks.** The config's `[[blocks.daily]]` blocks for the day's weekday that
//!   the day's note lacks (compared by normalised text) are added to the day as not done, so
//!   a day without its `Exercise` block is not won. Days without a note get all of them.
//! - **Normalised text** (a block's identity): the text without tags, Obsidian/Dataview
//!   fields, a time range and a duration, white space collapsed, lower case. `Product (1h)`
//!   and `product 90m` are the same block. A block whose text is only tags is named by them.
//! - **Flexible groups.** Every tag on a block other than `#block` names a group. A block
//!   `Something active #active` is satisfied for the day when it is itself done, or when any
//!   done task or any time entry of that day carries `#active` (the block's own line does not
//!   count). An intended block from the config with a tag is satisfied the same way even when
//!   the note lacks it.
//! - **The days.** From the first day with blocks (a block task, or a note on a day the config
//!   intends blocks for), or the period's start when later, to today, or the period's end
//!   when earlier. Days after today are never counted.
//! - **Day states.** *won*: at least one block and all satisfied. *partial*: some but not all.
//!   *missed*: none satisfied, no blocks, or no note. *rest*: a weekday listed in
//!   `rest_days` that was not won: skipped, it neither breaks nor extends a streak (a won rest
//!   day still counts as won).
//! - **Streaks.** The current streak ends today when today is won; when today is not won yet
//!   it ends yesterday (`today_pending`). Rest days are skipped. The longest streak is the
//!   earliest of the longest runs. Per block and per group, a day counts as won when the block
//!   (group) is satisfied, lost when it is planned and not satisfied, and is skipped when it
//!   is not planned that day; a day without a note is lost, except for config blocks that
//!   are not intended that weekday.
//! - **Planned against logged.** A block carrying a range (`09:00-10:00`, anywhere in its
//!   text) or a duration (`(1h)`, `1h`, `90m`, `~1h`) is planned for that many minutes. The
//!   logged minutes are those of the day's closed time entries whose text holds every word of
//!   the block's normalised text, or that share a tag (other than `block`) with it, case
//!   insensitive. The block's own line (a Day Planner `- [x] 10:00-11:00 run #block`) is not
//!   its own log.
//! - **Calendar.** The last `weeks` ISO weeks up to the report's last day, one column per
//!   week (Monday first), one cell per day: won, partial, missed, rest, future or no-data
//!   (outside the counted days).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::Serialize;

use super::period::Period;
use crate::config::{DailyBlock, Settings};
use crate::load::LoadedNote;
use crate::parse::inline;
use crate::parse::time::{End, Scan, find_duration, scan_entry_head};

pub use super::blocks_render::render_blocks;

/// The version of the JSON shape; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlocksOptions {
    /// Calendar weeks shown.
    pub weeks: u32,
    /// Days counted as skipped, not missed, when not won.
    pub rest_days: Vec<Weekday>,
}

impl Default for BlocksOptions {
    fn default() -> Self {
        BlocksOptions {
            weeks: 8,
            rest_days: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct BlocksReport {
    pub schema_version: u32,
    pub today: NaiveDate,
    pub period: BlocksPeriod,
    /// False when no day of the period has a block: the renderers explain how to add some.
    pub has_blocks: bool,
    /// The configured time-blocks headings (for the hint on how to add blocks).
    pub headings: Vec<String>,
    /// Weekday names (`Sat`, `Sun`).
    pub rest_days: Vec<String>,
    pub overview: Overview,
    pub current_streak: CurrentStreak,
    pub longest_streak: Option<StreakSpan>,
    /// Per block, the most slipping first (lowest rate), then by name.
    pub blocks: Vec<BlockStat>,
    /// Per group tag, by name.
    pub groups: Vec<BlockStat>,
    /// Per block with a planned time: totals, by name.
    pub planned: Vec<PlannedTotal>,
    /// Every block-day with a planned time, by date then name.
    pub planned_days: Vec<PlannedDay>,
    pub calendar: Calendar,
    /// Every counted day, in order.
    pub days: Vec<BlockDay>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlocksPeriod {
    /// The first and last counted day; None when no day is counted.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub days: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub days: usize,
    pub days_with_blocks: usize,
    pub days_won: usize,
    pub days_partial: usize,
    pub days_missed: usize,
    pub days_rest: usize,
    pub days_without_note: usize,
    /// Won days over days with blocks (0 when none).
    pub win_rate: f64,
    pub blocks_planned: usize,
    pub blocks_done: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct CurrentStreak {
    pub days: u32,
    /// First and last won day of the streak.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// The last counted day is today and is not won yet: the streak runs to the day before.
    pub today_pending: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StreakSpan {
    pub days: u32,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DayState {
    Won,
    Partial,
    Missed,
    /// Today, not won yet: still in play, neither won nor missed.
    Today,
    Rest,
    Future,
    NoData,
}

impl DayState {
    /// The state in words, as the text report says it.
    pub fn word(self) -> &'static str {
        match self {
            DayState::Won => "won",
            DayState::Partial => "partial",
            DayState::Missed => "missed",
            DayState::Today => "today, not won yet",
            DayState::Rest => "rest",
            DayState::Future => "future",
            DayState::NoData => "no data",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct BlockDay {
    pub date: NaiveDate,
    pub weekday: String,
    pub has_note: bool,
    /// A rest day that was not won: skipped.
    pub rest: bool,
    pub state: DayState,
    pub won: bool,
    pub blocks_done: usize,
    pub blocks_total: usize,
    pub blocks: Vec<DayBlock>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlockSource {
    /// A checkbox in the note.
    Note,
    /// Intended by the config, missing from the note.
    Config,
}

#[derive(Debug, Clone, Serialize)]
pub struct DayBlock {
    pub name: Arc<str>,
    pub key: Arc<str>,
    /// Group tags, lower case, without `#`.
    pub tags: Arc<[String]>,
    pub source: BlockSource,
    /// Checked off.
    pub checked: bool,
    /// Checked off, or satisfied through its group.
    pub done: bool,
    /// The group tag that satisfied it when it was not checked off.
    pub satisfied_by: Option<String>,
    pub planned_minutes: Option<u32>,
    pub logged_minutes: Option<u64>,
    /// Where the checkbox is (None for intended blocks).
    pub path: Option<Arc<str>>,
    pub line: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlockStat {
    /// The block's name, or `#tag` for a group.
    pub name: String,
    pub key: String,
    /// From `[[blocks.daily]]`.
    pub configured: bool,
    pub planned_days: usize,
    pub done_days: usize,
    pub rate: f64,
    pub current_streak: u32,
    pub longest_streak: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlannedTotal {
    pub name: String,
    pub key: String,
    pub days: usize,
    pub days_logged: usize,
    pub planned_minutes: u64,
    pub logged_minutes: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlannedDay {
    pub date: NaiveDate,
    pub name: Arc<str>,
    pub key: Arc<str>,
    pub done: bool,
    pub planned_minutes: u32,
    pub logged_minutes: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Calendar {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub weeks: Vec<CalendarWeek>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CalendarWeek {
    /// The week's Monday.
    pub start: NaiveDate,
    /// Monday to Sunday.
    pub days: Vec<CalendarDay>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub state: DayState,
}

// ---------------------------------------------------------------------------
// Block text
// ---------------------------------------------------------------------------

const FIELD_EMOJI: [&str; 13] = [
    "📅", "⏳", "🛫", "➕", "✅", "❌", "🔁", "🔺", "⏫", "🔼", "🔽", "⏬", "⏱",
];

fn is_word_start(s: &str, i: usize) -> bool {
    s[..i]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric() && c != ':' && c != '.')
}

/// A clock range anywhere in `s` (`09:00-10:00`, `(6:00 to 7:30)`): its minutes and the
/// byte range it takes.
fn find_range(s: &str) -> Option<(u32, usize, usize)> {
    for (i, c) in s.char_indices() {
        if !c.is_ascii_digit() || !is_word_start(s, i) {
            continue;
        }
        if let Scan::Yes(h) = scan_entry_head(&s[i..])
            && let Some(End::At(e)) = h.end
        {
            let minutes = if e >= h.start {
                e - h.start
            } else if h.start >= 720 && e < 720 {
                e + 1440 - h.start
            } else {
                continue;
            };
            // `rest` skips the white space after the end time; keep it.
            let end = i + s[i..i + h.rest].trim_end().len();
            return Some((minutes, i, end));
        }
    }
    None
}

/// Removes `s[a..b]` and the parentheses around it when they held only it.
fn cut(s: &str, a: usize, b: usize) -> String {
    let before = s[..a].trim_end();
    let after = s[b..].trim_start();
    if before.ends_with('(') && after.starts_with(')') {
        format!("{} {}", &before[..before.len() - 1], &after[1..])
    } else {
        format!("{} {}", &s[..a], &s[b..])
    }
}

/// What a block's text says: its name, identity, group tags and planned minutes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct BlockText {
    /// Shared with every [`DayBlock`] of this text (a daily block is on thousands of days).
    name: Arc<str>,
    key: Arc<str>,
    tags: Arc<[String]>,
    planned: Option<u32>,
}

fn block_text(text: &str) -> BlockText {
    let mut s = text.to_string();
    // Obsidian Tasks fields run to the end of the line (their emoji are not ASCII: most
    // block texts need no search for them).
    if !s.is_ascii()
        && let Some(p) = FIELD_EMOJI.iter().filter_map(|e| s.find(e)).min()
    {
        s.truncate(p);
    }
    // Dataview fields (a byte search: `str::find` sets up a substring searcher each call).
    while let Some(p) = s.as_bytes().windows(2).position(|w| w == b"::") {
        let open = s[..p].rfind(['[', '(']);
        let close = s[p..].find([']', ')']).map(|e| p + e + 1);
        match (open, close) {
            (Some(a), Some(b)) => s = format!("{} {}", &s[..a], &s[b..]),
            _ => break,
        }
    }
    let mut tags: Vec<String> = Vec::new();
    let found = inline::tags(&s);
    for (t, a, b) in found.iter().rev() {
        let t = t.to_lowercase();
        if t != "block" && !tags.contains(&t) {
            tags.push(t);
        }
        s = format!("{} {}", &s[..*a], &s[*b..]);
    }
    tags.reverse();
    let mut planned = None;
    if let Some((m, a, b)) = find_range(&s) {
        planned = Some(m);
        s = cut(&s, a, b);
    }
    if let Some((m, a, b)) = find_duration(&s) {
        planned = planned.or(Some(m));
        let a = if s[..a].ends_with('~') { a - 1 } else { a };
        s = cut(&s, a, b);
    }
    let name = s
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" :", ":")
        .replace(" ,", ",")
        .trim_matches(|c: char| c.is_whitespace() || ":-–—,;|".contains(c))
        .to_string();
    let name = if name.is_empty() {
        tags.iter()
            .map(|t| format!("#{t}"))
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        name
    };
    BlockText {
        key: name.to_lowercase().into(),
        name: name.into(),
        tags: tags.into(),
        planned,
    }
}

fn words(s: &str) -> Vec<String> {
    words_of_lower(&s.to_lowercase())
        .map(str::to_string)
        .collect()
}

/// The words of a lower-case text.
fn words_of_lower(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

// ---------------------------------------------------------------------------
// Streaks
// ---------------------------------------------------------------------------

/// One day as a streak sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Won,
    Lost,
    /// Neither breaks nor extends a streak.
    Skip,
}

/// The current streak: counted back from the last day, which is forgiven when it is
/// `last_is_today` and lost. Returns (length, first index, last index, pending).
pub(crate) fn current_streak(
    steps: &[Step],
    last_is_today: bool,
) -> (u32, Option<usize>, Option<usize>, bool) {
    let mut n = steps.len();
    let pending = last_is_today && steps.last() == Some(&Step::Lost);
    if pending {
        n -= 1;
    }
    let (mut count, mut first, mut last) = (0, None, None);
    for i in (0..n).rev() {
        match steps[i] {
            Step::Won => {
                count += 1;
                first = Some(i);
                last = last.or(Some(i));
            }
            Step::Skip => {}
            Step::Lost => break,
        }
    }
    (count, first, last, pending)
}

/// The longest run of won days (skipped days inside it allowed): (length, first, last).
/// The earliest of equal runs.
pub(crate) fn longest_streak(steps: &[Step]) -> (u32, Option<(usize, usize)>) {
    let mut best = (0, None);
    let mut run: Option<(u32, usize, usize)> = None;
    for (i, s) in steps.iter().enumerate() {
        match s {
            Step::Won => {
                let r = match run {
                    Some((n, a, _)) => (n + 1, a, i),
                    None => (1, i, i),
                };
                if r.0 > best.0 {
                    best = (r.0, Some((r.1, r.2)));
                }
                run = Some(r);
            }
            Step::Skip => {}
            Step::Lost => run = None,
        }
    }
    best
}

/// The days of a streak as a few days set apart from the rest: the days of a block or a
/// group, each a day index (rising, none twice) and its step, against a base step for every
/// other day that is `Skip` or `Lost` (never `Won`). `base_lost[k]` counts the base's lost
/// days before day `k` (`days + 1` values); `None` when the base is all `Skip`.
pub(crate) struct SparseSteps<'a> {
    pub days: usize,
    pub base_lost: Option<&'a [u32]>,
    pub on: &'a [(usize, Step)],
}

impl SparseSteps<'_> {
    /// Whether a base day in `from..to` is lost.
    fn lost_within(&self, from: usize, to: usize) -> bool {
        from < to && self.base_lost.is_some_and(|l| l[to] > l[from])
    }

    /// [`current_streak`]'s length over the steps these stand for, in time proportional to
    /// the days set apart (a pass over every day of the period for every block made `blocks`
    /// on a year of notes, over a period of 27 years to today, 12.4 ms instead of 11.0).
    pub(crate) fn current_streak(&self, last_is_today: bool) -> u32 {
        let Some(last) = self.days.checked_sub(1) else {
            return 0;
        };
        let last_step = match self.on.last() {
            Some(&(i, step)) if i == last => step,
            _ if self.lost_within(last, self.days) => Step::Lost,
            _ => Step::Skip,
        };
        let mut end = self.days;
        if last_is_today && last_step == Step::Lost {
            end = last;
        }
        let (mut count, counted) = (0, end);
        for &(i, step) in self.on.iter().rev().skip_while(|(i, _)| *i >= counted) {
            if self.lost_within(i + 1, end) {
                break;
            }
            match step {
                Step::Won => count += 1,
                Step::Skip => {}
                Step::Lost => break,
            }
            end = i;
        }
        count
    }

    /// [`longest_streak`]'s length over the steps these stand for.
    pub(crate) fn longest_streak(&self) -> u32 {
        let (mut best, mut run) = (0, 0);
        let mut prev: Option<usize> = None;
        for &(i, step) in self.on {
            if prev.is_some_and(|p| self.lost_within(p + 1, i)) {
                run = 0;
            }
            match step {
                Step::Won => {
                    run += 1;
                    best = best.max(run);
                }
                Step::Skip => {}
                Step::Lost => run = 0,
            }
            prev = Some(i);
        }
        best
    }
}

// ---------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------

fn intended(daily: &[DailyBlock], wd: Weekday) -> Vec<&DailyBlock> {
    daily
        .iter()
        .filter(|b| b.days.includes(wd).unwrap_or(false))
        .collect()
}

fn rate(done: usize, planned: usize) -> f64 {
    if planned == 0 {
        0.0
    } else {
        (done as f64 / planned as f64 * 1000.0).round() / 1000.0
    }
}

fn weekday_name(wd: Weekday) -> String {
    WEEKDAYS[wd.num_days_from_monday() as usize].to_string()
}

fn monday_of(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// A block of one day, before the day is settled.
#[derive(Debug)]
struct Inst {
    /// Shared by every day the same block is on (the builder keeps one of each).
    text: Arc<BlockText>,
    checked: bool,
    source: BlockSource,
    /// The note and line of its checkbox (None for intended blocks).
    at: Option<(Arc<str>, usize)>,
}

/// A time entry of one day as the report reads it; its tags and words are in the day's
/// `text`.
#[derive(Debug, Clone, Copy)]
struct EntryRef {
    /// None while open.
    minutes: Option<u32>,
    /// Byte offsets into `DayData::text`: `[start, tags_end, words_end]`. The lower-case tags
    /// each end with `\n` (a tag is part of one line, so it holds none); the words (what
    /// `words` gives, only for a closed entry: an open one logs no minutes) are separated by
    /// single spaces. (`u32`: a long report keeps hundreds of thousands of entries.)
    at: [u32; 3],
}

/// `n` as an offset into a day's text or lists.
fn offset(n: usize) -> u32 {
    u32::try_from(n).expect("a day's notes hold less than 4 GiB")
}

/// Whether `list` (each item ended by `\n`) holds `item`.
fn listed(list: &str, item: &str) -> bool {
    list.split_terminator('\n').any(|x| x == item)
}

/// Adds `item` to `list` (each item ended by `\n`) unless it is there.
fn add_listed(list: &mut String, item: &str) {
    if !listed(list, item) {
        list.push_str(item);
        list.push('\n');
    }
}

/// What the report keeps of one day: one note's part of it (in a digest), then every note's
/// (in the builder). Only what settling the day reads: the blocks, the tags of done tasks,
/// and of each time entry its minutes, tags and words.
#[derive(Debug, Default)]
struct DayData {
    has_note: bool,
    blocks: Vec<Inst>,
    /// The lower-case tags of the day's done tasks, each once, each ended by `\n`.
    done_tags: String,
    /// Entries with tags or minutes (others can be evidence for no block).
    entries: Vec<EntryRef>,
    text: String,
    /// (entry, block): the entry is the block's own line or its clock line, no evidence for
    /// it. Both always come from one note.
    own: Vec<(u32, u32)>,
}

impl DayData {
    fn tags<'a>(&'a self, e: &EntryRef) -> impl Iterator<Item = &'a str> + 'a {
        self.text[e.at[0] as usize..e.at[1] as usize].split_terminator('\n')
    }

    fn add_done_tag(&mut self, tag: &str) {
        add_listed(&mut self.done_tags, tag);
    }
}

/// Appends `n` to `out` in LEB128 (seven bits a byte, low first).
fn push_varint(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Reads a number [`push_varint`] wrote at `*at`, moving past it; 0 past the end (the
/// builder reads only what it wrote).
fn read_varint(bytes: &[u8], at: &mut usize) -> u32 {
    let mut n = 0u32;
    let mut shift = 0;
    while let Some(&b) = bytes.get(*at) {
        *at += 1;
        n |= u32::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    n
}

/// The tags and words of every time entry the builder keeps, each once, by number: a
/// century of daily notes has a million entries, whose tags and words (kept so that a
/// block in another note can find its time) were most of the builder's memory as text.
#[derive(Debug, Default)]
struct Vocabulary {
    ids: HashMap<Box<str>, u32>,
}

impl Vocabulary {
    fn id(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        let id = self.ids.len() as u32;
        self.ids.insert(word.into(), id);
        id
    }

    /// The number of `word`, if any kept entry has it.
    fn get(&self, word: &str) -> Option<u32> {
        self.ids.get(word).copied()
    }
}

/// A day as the builder keeps it: [`DayData`] with its entries encoded (see
/// [`KeptDay::entries`]).
#[derive(Debug, Default)]
struct KeptDay {
    has_note: bool,
    blocks: Vec<Inst>,
    /// As in [`DayData`].
    done_tags: String,
    /// Each entry in turn: its minutes plus one (0: open), its number of tags, their
    /// numbers, its number of words, their numbers, every one a [`push_varint`].
    entries: Vec<u8>,
    count: u32,
    /// As in [`DayData`].
    own: Vec<(u32, u32)>,
}

/// An entry of a [`KeptDay`], decoded: its tags and words are ranges of the decoder's ids.
struct KeptEntry {
    minutes: Option<u32>,
    tags: std::ops::Range<usize>,
    words: std::ops::Range<usize>,
}

impl KeptDay {
    /// One note's part of the day, its entries' tags and words numbered by `vocabulary`.
    fn new(part: &DayData, vocabulary: &mut Vocabulary) -> KeptDay {
        let mut entries = Vec::with_capacity(part.entries.len() * 8);
        let mut ids: Vec<u32> = Vec::new();
        for e in &part.entries {
            push_varint(&mut entries, e.minutes.map_or(0, |m| m.saturating_add(1)));
            ids.clear();
            ids.extend(part.tags(e).map(|t| vocabulary.id(t)));
            push_varint(&mut entries, ids.len() as u32);
            for &id in &ids {
                push_varint(&mut entries, id);
            }
            ids.clear();
            ids.extend(
                part.text[e.at[1] as usize..e.at[2] as usize]
                    .split(' ')
                    .filter(|w| !w.is_empty())
                    .map(|w| vocabulary.id(w)),
            );
            push_varint(&mut entries, ids.len() as u32);
            for &id in &ids {
                push_varint(&mut entries, id);
            }
        }
        entries.shrink_to_fit();
        KeptDay {
            has_note: part.has_note,
            blocks: Vec::new(),
            done_tags: part.done_tags.as_str().to_owned(),
            entries,
            count: offset(part.entries.len()),
            own: part.own.to_vec(),
        }
    }

    /// Adds a later note's part of the day.
    fn absorb(&mut self, part: KeptDay) {
        if self.blocks.is_empty() && self.count == 0 && self.done_tags.is_empty() {
            // Most days are in one note: take its part as it is.
            let has_note = self.has_note;
            *self = part;
            self.has_note |= has_note;
            return;
        }
        self.has_note |= part.has_note;
        let (blocks, entries) = (offset(self.blocks.len()), self.count);
        self.blocks.extend(part.blocks);
        for t in part.done_tags.split_terminator('\n') {
            add_listed(&mut self.done_tags, t);
        }
        self.entries.extend_from_slice(&part.entries);
        self.count += part.count;
        self.own
            .extend(part.own.into_iter().map(|(e, b)| (e + entries, b + blocks)));
    }

    /// The entries, decoded into `ids` (cleared first).
    fn decode(&self, ids: &mut Vec<u32>) -> Vec<KeptEntry> {
        ids.clear();
        let mut out = Vec::with_capacity(self.count as usize);
        let b = &self.entries;
        let mut at = 0;
        for _ in 0..self.count {
            let minutes = read_varint(b, &mut at).checked_sub(1);
            let mut list = |at: &mut usize| {
                let n = read_varint(b, at);
                let from = ids.len();
                for _ in 0..n {
                    ids.push(read_varint(b, at));
                }
                from..ids.len()
            };
            let tags = list(&mut at);
            let words = list(&mut at);
            out.push(KeptEntry {
                minutes,
                tags,
                words,
            });
        }
        out
    }
}

/// What the report needs of one note: computed in parallel by [`Digester::digest`], after
/// which the note itself can be dropped.
#[derive(Debug)]
pub struct NoteDigest {
    /// The earliest of the note's days (up to the report's last day) that can start the
    /// counted days: one with a block, or a note on a weekday the config intends blocks for.
    first: Option<NaiveDate>,
    /// The note's part of each of its days that can be counted, in date order.
    days: Vec<(NaiveDate, DayData)>,
}

/// The part of a [`BlocksBuilder`] that turns a note into a [`NoteDigest`]; shareable
/// between threads.
#[derive(Debug, Clone, Copy)]
pub struct Digester {
    /// The days that can be counted: from the period's first day (open: any) to the report's
    /// last day (the period's last, or today when that is earlier).
    from: Option<NaiveDate>,
    end: NaiveDate,
    /// The weekdays (Monday first) the config intends blocks for.
    intended: [bool; 7],
    /// Whether the entries' words are kept: only the time logged for planned blocks needs
    /// them ([`BlocksBuilder::without_logged_time`]).
    words: bool,
}

impl Digester {
    /// Notes the day `d` of a note (`block`: it has a block there) and returns the note's part
    /// of it, when it can be counted. Days after the report's last cannot start the counted
    /// days either: the count would end before it began.
    fn day<'a>(
        &self,
        days: &'a mut BTreeMap<NaiveDate, DayData>,
        first: &mut Option<NaiveDate>,
        d: NaiveDate,
        block: bool,
    ) -> Option<&'a mut DayData> {
        if d > self.end {
            return None;
        }
        let starts = block || self.intended[d.weekday().num_days_from_monday() as usize];
        if starts && first.is_none_or(|f| d < f) {
            *first = Some(d);
        }
        if self.from.is_some_and(|f| d < f) {
            return None;
        }
        let day = days.entry(d).or_default();
        day.has_note = true;
        Some(day)
    }

    /// What the report needs of one note. Pure: runs on any thread.
    pub fn digest(&self, ln: &LoadedNote) -> NoteDigest {
        let note = &ln.note;
        let mut days: BTreeMap<NaiveDate, DayData> = BTreeMap::new();
        let mut first = None;
        for d in note.date.iter().chain(note.days.iter().map(|s| &s.date)) {
            self.day(&mut days, &mut first, *d, false);
        }
        let mut path: Option<Arc<str>> = None;
        // The note's blocks: (day, task index, line, index in the day's blocks).
        let mut blocks: Vec<(NaiveDate, usize, usize, u32)> = Vec::new();
        for (ti, t) in note.tasks.iter().enumerate() {
            let day = t
                .date
                .and_then(|d| self.day(&mut days, &mut first, d, t.block));
            if let Some(day) = day
                && t.block
            {
                let d = t.date.expect("a day has a date");
                blocks.push((d, ti, t.line, offset(day.blocks.len())));
                let path = path.get_or_insert_with(|| Arc::from(ln.path.as_str()));
                day.blocks.push(Inst {
                    text: Arc::new(block_text(&t.text)),
                    checked: t.status.is_done(),
                    source: BlockSource::Note,
                    at: Some((path.clone(), t.line)),
                });
            }
            if t.status.is_done() {
                let mut on: Vec<NaiveDate> = t.date.into_iter().chain(t.done_date).collect();
                on.dedup();
                for d in on {
                    if d > self.end || self.from.is_some_and(|f| d < f) {
                        continue;
                    }
                    let day = days.entry(d).or_default();
                    for tag in &t.tags {
                        day.add_done_tag(&tag.to_lowercase());
                    }
                }
            }
        }
        // In the note's order: by task, and so by line.
        debug_assert!(
            blocks
                .windows(2)
                .all(|w| w[0].1 < w[1].1 && w[0].2 <= w[1].2)
        );
        for e in &note.entries {
            let Some(d) = e.date.filter(|_| !e.is_stop) else {
                continue;
            };
            let minutes = e.minutes();
            let Some(day) = self.day(&mut days, &mut first, d, false) else {
                continue;
            };
            if e.tags.is_empty() && minutes.is_none() {
                continue;
            }
            // The blocks this entry is the time of: the block that is its task, and those on
            // its line, in the note's order (found by binary search: a time log kept as one
            // note has tens of thousands of both).
            let ei = offset(day.entries.len());
            let on_line =
                blocks.partition_point(|b| b.2 < e.line)..blocks.partition_point(|b| b.2 <= e.line);
            let its_task = e
                .task
                .and_then(|ti| blocks.binary_search_by_key(&ti, |b| b.1).ok())
                .filter(|p| !on_line.contains(p));
            let before = its_task.filter(|&p| p < on_line.start);
            let after = its_task.filter(|&p| p >= on_line.end);
            for p in before.into_iter().chain(on_line).chain(after) {
                let (bd, _, _, bi) = blocks[p];
                if bd == d {
                    day.own.push((ei, bi));
                }
            }
            let start = offset(day.text.len());
            for t in &e.tags {
                day.text.push_str(&t.to_lowercase());
                day.text.push('\n');
            }
            let tags_end = offset(day.text.len());
            if minutes.is_some() && self.words {
                for (i, w) in words_of_lower(&e.text.to_lowercase()).enumerate() {
                    if i > 0 {
                        day.text.push(' ');
                    }
                    day.text.push_str(w);
                }
            }
            day.entries.push(EntryRef {
                minutes,
                at: [start, tags_end, offset(day.text.len())],
            });
        }
        NoteDigest {
            first,
            days: days.into_iter().collect(),
        }
    }
}

/// Builds the report from notes fed one at a time, in path order, so a large folder never has
/// to be held in memory: [`Digester::digest`] (parallel, per note) keeps what the report needs
/// of a note, [`BlocksBuilder::add`] (in path order) folds it in, and
/// [`BlocksBuilder::finish`] settles the days. What it holds grows with the counted days (their
/// blocks, and the tags and words of their time entries, which a block in another note may
/// need), not with the notes.
pub struct BlocksBuilder<'s> {
    settings: &'s Settings,
    period: Period,
    today: NaiveDate,
    digester: Digester,
    first: Option<NaiveDate>,
    days: BTreeMap<NaiveDate, Box<KeptDay>>,
    /// Every block text met, once: a daily block is on hundreds of days.
    texts: HashSet<Arc<BlockText>>,
    vocabulary: Vocabulary,
    /// Whether each day of the report lists its blocks ([`BlocksBuilder::without_day_blocks`]).
    day_blocks: bool,
}

impl<'s> BlocksBuilder<'s> {
    pub fn new(settings: &'s Settings, period: &Period, today: NaiveDate) -> Self {
        let daily = &settings.file.blocks.daily;
        let mut intended_on = [false; 7];
        for (i, slot) in intended_on.iter_mut().enumerate() {
            let wd = Weekday::try_from(i as u8).expect("0..7 is a weekday");
            *slot = !intended(daily, wd).is_empty();
        }
        BlocksBuilder {
            settings,
            period: *period,
            today,
            digester: Digester {
                from: period.from,
                end: period.to.map_or(today, |t| t.min(today)),
                intended: intended_on,
                words: true,
            },
            first: None,
            days: BTreeMap::new(),
            texts: HashSet::new(),
            vocabulary: Vocabulary::default(),
            day_blocks: true,
        }
    }

    /// A report without the time logged for planned blocks (every `logged_minutes` None,
    /// `planned` and `planned_days` empty): the entries' words, which only that needs, are
    /// not kept (a century of daily notes: a third of the builder's memory). For the HTML
    /// page, which draws no logged time. Before [`BlocksBuilder::digester`]: the digests
    /// leave the words out.
    pub fn without_logged_time(mut self) -> Self {
        self.digester.words = false;
        self
    }

    /// A report whose days do not list their blocks (every `days[].blocks` empty), nor the
    /// planned tables made from those lists (`planned`, `planned_days`); the days' counts and
    /// states, the streaks and the per-block and per-group statistics are as before. For the
    /// HTML page, which draws the days' counts only: a century's block lists were 22 MB.
    pub fn without_day_blocks(mut self) -> Self {
        self.day_blocks = false;
        self
    }

    /// What digests notes for this builder.
    pub fn digester(&self) -> Digester {
        self.digester
    }

    /// Folds in one note's digest. Notes must come in path order (a day's blocks are listed
    /// in the order of their notes).
    pub fn add(&mut self, d: NoteDigest) {
        if let Some(f) = d.first
            && self.first.is_none_or(|x| f < x)
        {
            self.first = Some(f);
        }
        // What is kept is copied here, on the builder's thread, at its length: a digest is
        // made on a worker thread, and the memory a worker allocated stays with it (idle
        // once the notes are read), while this thread's is reused for the report when the
        // days are settled.
        let mut path: Option<Arc<str>> = None;
        for (date, part) in d.days {
            let blocks = part
                .blocks
                .iter()
                .map(|b| Inst {
                    text: match self.texts.get(&*b.text) {
                        Some(t) => Arc::clone(t),
                        None => {
                            let t = Arc::new(BlockText::clone(&b.text));
                            self.texts.insert(Arc::clone(&t));
                            t
                        }
                    },
                    checked: b.checked,
                    source: b.source,
                    // Only the days' block lists say where a block is.
                    at: b.at.as_ref().filter(|_| self.day_blocks).map(|(p, line)| {
                        (
                            Arc::clone(path.get_or_insert_with(|| Arc::from(&**p))),
                            *line,
                        )
                    }),
                })
                .collect();
            let mut kept = KeptDay::new(&part, &mut self.vocabulary);
            kept.blocks = blocks;
            self.days.entry(date).or_default().absorb(kept);
        }
    }

    /// Computes the report. See the module documentation for the rules. The options are
    /// read only here (the HTML page's calendar spans the summary's period, known at its end).
    pub fn finish(self, opts: &BlocksOptions) -> BlocksReport {
        let BlocksBuilder {
            settings,
            period,
            today,
            digester,
            first,
            days: mut data,
            texts: _,
            vocabulary,
            day_blocks,
        } = self;
        let cfg = &settings.file.blocks;
        let config_texts: Vec<Arc<BlockText>> = cfg
            .daily
            .iter()
            .map(|b| Arc::new(block_text(&b.text)))
            .collect();

        // The counted days: from the first day with blocks (or the period's start, when
        // later) to the report's last day.
        let end = digester.end;
        let start = match (first, period.from) {
            (Some(f), Some(p)) => Some(f.max(p)),
            (f, _) => f,
        };
        let day_list: Vec<NaiveDate> = match start {
            Some(s) if s <= end => s.iter_days().take_while(|d| *d <= end).collect(),
            _ => Vec::new(),
        };

        // The blocks' names (the config's first), group tags, and the days each block and
        // each group (tag) is planned on, with whether one of its blocks was done that day,
        // gathered as the days are settled: a block's or group's steps are then the steps of
        // a day without it, changed on those days. (Asking every day about every block was
        // names x days string comparisons, the most of `blocks` on a long journal.)
        let mut names: BTreeMap<Arc<str>, Arc<str>> = BTreeMap::new();
        for bt in &config_texts {
            names.entry(bt.key.clone()).or_insert(bt.name.clone());
        }
        let mut group_names: BTreeSet<String> = BTreeSet::new();
        let mut by_key: HashMap<Arc<str>, Vec<(usize, bool)>> = HashMap::new();
        let mut by_group: HashMap<String, Vec<(usize, bool)>> = HashMap::new();
        let mark = |list: &mut Vec<(usize, bool)>, i: usize, done: bool| match list.last_mut() {
            Some((day, any)) if *day == i => *any |= done,
            _ => list.push((i, done)),
        };

        // Settle each day.
        let mut days: Vec<BlockDay> = Vec::with_capacity(day_list.len());
        let mut ids: Vec<u32> = Vec::new();
        for &date in &day_list {
            let mut dd = data.remove(&date).unwrap_or_default();
            let entries = dd.decode(&mut ids);
            let wd = date.weekday();
            let mut insts: Vec<Inst> = std::mem::take(&mut dd.blocks);
            for (b, bt) in cfg.daily.iter().zip(&config_texts) {
                if b.days.includes(wd).unwrap_or(false)
                    && !insts.iter().any(|i| i.text.key == bt.key)
                {
                    insts.push(Inst {
                        text: Arc::clone(bt),
                        checked: false,
                        source: BlockSource::Config,
                        at: None,
                    });
                }
            }
            let mut blocks: Vec<DayBlock> = Vec::with_capacity(insts.len());
            for (bi, inst) in insts.into_iter().enumerate() {
                let own = |ei: usize| dd.own.contains(&(ei as u32, bi as u32));
                // Done tasks need no such test: a block's own checkbox is done only when the
                // block is checked off, and then it needs no evidence.
                let satisfied_by = if inst.checked {
                    None
                } else {
                    inst.text
                        .tags
                        .iter()
                        .find(|g| {
                            listed(&dd.done_tags, g)
                                || vocabulary.get(g).is_some_and(|g| {
                                    entries
                                        .iter()
                                        .enumerate()
                                        .any(|(ei, e)| !own(ei) && ids[e.tags.clone()].contains(&g))
                                })
                        })
                        .cloned()
                };
                let logged = inst.text.planned.filter(|_| digester.words).map(|_| {
                    // A word no entry has matches none (nor does a block without words).
                    let bw: Option<Vec<u32>> = words(&inst.text.key)
                        .iter()
                        .map(|w| vocabulary.get(w))
                        .collect();
                    let bw = bw.filter(|w| !w.is_empty());
                    let block_tags: Vec<u32> = inst
                        .text
                        .tags
                        .iter()
                        .filter_map(|g| vocabulary.get(g))
                        .collect();
                    entries
                        .iter()
                        .enumerate()
                        .filter(|(ei, _)| !own(*ei))
                        .filter(|(_, e)| {
                            let has = |w: &u32| ids[e.words.clone()].contains(w);
                            let by_words = bw.as_ref().is_some_and(|bw| bw.iter().all(has));
                            let by_tag = ids[e.tags.clone()].iter().any(|t| block_tags.contains(t));
                            by_words || by_tag
                        })
                        .filter_map(|(_, e)| e.minutes)
                        .map(u64::from)
                        .sum::<u64>()
                });
                let (path, line) = match inst.at {
                    Some((path, line)) => (Some(path), Some(line)),
                    None => (None, None),
                };
                blocks.push(DayBlock {
                    done: inst.checked || satisfied_by.is_some(),
                    name: inst.text.name.clone(),
                    key: inst.text.key.clone(),
                    tags: inst.text.tags.clone(),
                    source: inst.source,
                    checked: inst.checked,
                    satisfied_by,
                    planned_minutes: inst.text.planned,
                    logged_minutes: logged,
                    path,
                    line,
                });
            }
            let i = days.len();
            for b in &blocks {
                if !names.contains_key(&b.key) {
                    names.insert(b.key.clone(), b.name.clone());
                }
                match by_key.get_mut(&b.key) {
                    Some(list) => mark(list, i, b.done),
                    None => {
                        by_key.insert(b.key.clone(), vec![(i, b.done)]);
                    }
                }
                for g in b.tags.iter() {
                    if !group_names.contains(g) {
                        group_names.insert(g.clone());
                    }
                    match by_group.get_mut(g) {
                        Some(list) => mark(list, i, b.done),
                        None => {
                            by_group.insert(g.clone(), vec![(i, b.done)]);
                        }
                    }
                }
            }
            let total = blocks.len();
            let done = blocks.iter().filter(|b| b.done).count();
            if !day_blocks {
                blocks = Vec::new();
            }
            let won = total > 0 && done == total;
            let rest = !won && opts.rest_days.contains(&wd);
            let state = if won {
                DayState::Won
            } else if rest {
                DayState::Rest
            } else if date == today {
                DayState::Today
            } else if dd.has_note && done > 0 {
                DayState::Partial
            } else {
                DayState::Missed
            };
            days.push(BlockDay {
                date,
                weekday: weekday_name(wd),
                has_note: dd.has_note,
                rest,
                state,
                won,
                blocks_done: done,
                blocks_total: total,
                blocks,
            });
        }
        drop(data);
        let has_blocks = days.iter().any(|d| d.blocks_total > 0);
        let last_is_today = day_list.last() == Some(&today);

        // Overall streaks.
        let steps: Vec<Step> = days
            .iter()
            .map(|d| match d.state {
                DayState::Won => Step::Won,
                DayState::Rest => Step::Skip,
                _ => Step::Lost,
            })
            .collect();
        let (cur, cf, cl, pending) = current_streak(&steps, last_is_today);
        let current = CurrentStreak {
            days: cur,
            from: cf.map(|i| days[i].date),
            to: cl.map(|i| days[i].date),
            today_pending: pending,
        };
        let (ln, lspan) = longest_streak(&steps);
        let longest = lspan.map(|(a, b)| StreakSpan {
            days: ln,
            from: days[a].date,
            to: days[b].date,
        });

        // Per block and per group. A day without the block or group: skipped when it is a rest
        // day, has a note, or the block is configured (not every day is a planned day), else
        // lost.
        // The idle days lost before each day (the days of a block are set apart from them).
        let mut idle_lost: Vec<u32> = Vec::with_capacity(days.len() + 1);
        idle_lost.push(0);
        for d in &days {
            let lost = !(d.rest || d.has_note);
            idle_lost.push(idle_lost[idle_lost.len() - 1] + u32::from(lost));
        }
        let mut steps: Vec<(usize, Step)> = Vec::new();
        let mut stat = |name: String, key: String, configured: bool, on: &[(usize, bool)]| {
            steps.clear();
            steps.extend(on.iter().map(|&(i, any_done)| {
                let step = if any_done {
                    Step::Won
                } else if days[i].rest {
                    Step::Skip
                } else {
                    Step::Lost
                };
                (i, step)
            }));
            let (planned, done) = (on.len(), on.iter().filter(|(_, d)| *d).count());
            let sparse = SparseSteps {
                days: days.len(),
                base_lost: (!configured).then_some(&idle_lost[..]),
                on: &steps,
            };
            BlockStat {
                name,
                key,
                configured,
                planned_days: planned,
                done_days: done,
                rate: rate(done, planned),
                current_streak: sparse.current_streak(last_is_today),
                longest_streak: sparse.longest_streak(),
            }
        };
        let mut block_stats: Vec<BlockStat> = names
            .iter()
            .filter_map(|(key, name)| {
                // Never planned: no statistics (as for a planned day count of 0).
                let on = by_key.get(&**key)?;
                let configured = config_texts.iter().any(|c| &c.key == key);
                Some(stat(name.to_string(), key.to_string(), configured, on))
            })
            .filter(|s| s.planned_days > 0)
            .collect();
        block_stats.sort_by(|a, b| {
            a.rate
                .total_cmp(&b.rate)
                .then(b.planned_days.cmp(&a.planned_days))
                .then_with(|| a.key.cmp(&b.key))
        });
        let groups: Vec<BlockStat> = group_names
            .iter()
            .map(|g| {
                let configured = config_texts.iter().any(|c| c.tags.contains(g));
                let on = by_group.get(g.as_str()).map_or(&[][..], Vec::as_slice);
                stat(format!("#{g}"), g.clone(), configured, on)
            })
            .collect();

        // Planned against logged, from the days' block lists (none without the logged time,
        // nor without the lists). Sized first: a long report has a row for most of its blocks.
        let rows = days
            .iter()
            .flat_map(|d| &d.blocks)
            .filter(|b| b.planned_minutes.is_some() && b.logged_minutes.is_some())
            .count();
        let mut planned_days: Vec<PlannedDay> = Vec::with_capacity(rows);
        let mut totals: BTreeMap<Arc<str>, PlannedTotal> = BTreeMap::new();
        for d in &days {
            for b in &d.blocks {
                let (Some(p), Some(l)) = (b.planned_minutes, b.logged_minutes) else {
                    continue;
                };
                planned_days.push(PlannedDay {
                    date: d.date,
                    name: names[&b.key].clone(),
                    key: b.key.clone(),
                    done: b.done,
                    planned_minutes: p,
                    logged_minutes: l,
                });
                let t = totals.entry(b.key.clone()).or_insert_with(|| PlannedTotal {
                    name: names[&b.key].to_string(),
                    key: b.key.to_string(),
                    days: 0,
                    days_logged: 0,
                    planned_minutes: 0,
                    logged_minutes: 0,
                });
                t.days += 1;
                t.days_logged += usize::from(l > 0);
                t.planned_minutes += u64::from(p);
                t.logged_minutes += l;
            }
        }
        planned_days.sort_by(|a, b| (a.date, &a.key).cmp(&(b.date, &b.key)));

        // The calendar.
        let mut weeks = Vec::new();
        if has_blocks {
            let by_date: BTreeMap<NaiveDate, DayState> =
                days.iter().map(|d| (d.date, d.state)).collect();
            let last_monday = monday_of(end);
            let n = i64::from(opts.weeks.max(1));
            for w in (0..n).rev() {
                let monday = last_monday - Duration::days(7 * w);
                let cells = monday
                    .iter_days()
                    .take(7)
                    .map(|date| CalendarDay {
                        date,
                        state: if date > today {
                            DayState::Future
                        } else {
                            by_date.get(&date).copied().unwrap_or(DayState::NoData)
                        },
                    })
                    .collect();
                weeks.push(CalendarWeek {
                    start: monday,
                    days: cells,
                });
            }
        }
        let calendar = Calendar {
            from: weeks.first().map(|w| w.start),
            to: weeks.last().map(|w| w.start + Duration::days(6)),
            weeks,
        };

        let count = |s: DayState| days.iter().filter(|d| d.state == s).count();
        let days_with_blocks = days.iter().filter(|d| d.blocks_total > 0).count();
        let days_won = count(DayState::Won);
        let overview = Overview {
            days: days.len(),
            days_with_blocks,
            days_won,
            days_partial: count(DayState::Partial),
            days_missed: count(DayState::Missed),
            days_rest: count(DayState::Rest),
            days_without_note: days.iter().filter(|d| !d.has_note).count(),
            win_rate: rate(days_won, days_with_blocks),
            blocks_planned: days.iter().map(|d| d.blocks_total).sum(),
            blocks_done: days.iter().map(|d| d.blocks_done).sum(),
        };
        let mut rest_days = opts.rest_days.clone();
        rest_days.sort_by_key(|w| w.num_days_from_monday());
        rest_days.dedup();
        BlocksReport {
            schema_version: SCHEMA_VERSION,
            today,
            period: BlocksPeriod {
                from: day_list.first().copied(),
                to: day_list.last().copied(),
                days: day_list.len(),
            },
            has_blocks,
            headings: cfg.headings.clone(),
            rest_days: rest_days.into_iter().map(weekday_name).collect(),
            overview,
            current_streak: current,
            longest_streak: longest,
            blocks: block_stats,
            groups,
            planned: totals.into_values().collect(),
            planned_days,
            calendar,
            days,
        }
    }
}

/// Computes the time-blocks report from notes in memory (sorted by path), through the same
/// digests as a streamed folder. See the module documentation for the rules.
pub fn blocks_report(
    notes: &[LoadedNote],
    settings: &Settings,
    period: &Period,
    today: NaiveDate,
    opts: &BlocksOptions,
) -> BlocksReport {
    let mut b = BlocksBuilder::new(settings, period, today);
    let digester = b.digester();
    for ln in notes {
        b.add(digester.digest(ln));
    }
    b.finish(opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::report::Format;
    use crate::report::summary::tests::{d, note};

    /// Numbers of every width come back as they went in, one after another.
    #[test]
    fn varints_round_trip() {
        let values = [
            0,
            1,
            127,
            128,
            300,
            16_383,
            16_384,
            1 << 21,
            u32::MAX - 1,
            u32::MAX,
        ];
        let mut bytes = Vec::new();
        for v in values {
            push_varint(&mut bytes, v);
        }
        assert_eq!(bytes.len(), 1 + 1 + 1 + 2 + 2 + 2 + 3 + 4 + 5 + 5);
        let mut at = 0;
        let back: Vec<u32> = values
            .iter()
            .map(|_| read_varint(&bytes, &mut at))
            .collect();
        assert_eq!(back, values);
        assert_eq!(at, bytes.len());
        assert_eq!(read_varint(&bytes, &mut at), 0, "past the end");
    }

    /// A day's entries kept by number decode to the tags, words and minutes they had.
    #[test]
    fn kept_entries_decode_to_their_tags_and_words() {
        let mut part = DayData::default();
        let mut push = |minutes: Option<u32>, tags: &[&str], words: &str| {
            let start = offset(part.text.len());
            for t in tags {
                part.text.push_str(t);
                part.text.push('\n');
            }
            let tags_end = offset(part.text.len());
            part.text.push_str(words);
            part.entries.push(EntryRef {
                minutes,
                at: [start, tags_end, offset(part.text.len())],
            });
        };
        push(Some(90), &["money", "client/acme"], "write chapter 3");
        push(None, &["money"], "");
        push(Some(0), &[], "chapter");
        let mut vocabulary = Vocabulary::default();
        let mut ids = Vec::new();
        let kept = KeptDay::new(&part, &mut vocabulary);
        let entries = kept.decode(&mut ids);
        let name = |id: &u32| {
            vocabulary
                .ids
                .iter()
                .find(|(_, v)| *v == id)
                .map(|(k, _)| k.to_string())
                .unwrap()
        };
        let got: Vec<(Option<u32>, Vec<String>, Vec<String>)> = entries
            .iter()
            .map(|e| {
                (
                    e.minutes,
                    ids[e.tags.clone()].iter().map(name).collect(),
                    ids[e.words.clone()].iter().map(name).collect(),
                )
            })
            .collect();
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            got,
            [
                (
                    Some(90),
                    s(&["money", "client/acme"]),
                    s(&["write", "chapter", "3"])
                ),
                (None, s(&["money"]), s(&[])),
                (Some(0), s(&[]), s(&["chapter"])),
            ]
        );
        assert_eq!(vocabulary.ids.len(), 5, "each tag and word numbered once");
    }

    fn run_with(
        notes: &[LoadedNote],
        settings: &Settings,
        today: &str,
        rest: &[Weekday],
    ) -> BlocksReport {
        let opts = BlocksOptions {
            weeks: 8,
            rest_days: rest.to_vec(),
        };
        blocks_report(notes, settings, &Period::ALL, d(today), &opts)
    }

    fn run(notes: &[LoadedNote], today: &str) -> BlocksReport {
        run_with(notes, &Settings::default(), today, &[])
    }

    fn won(date: &str) -> LoadedNote {
        note(
            Some(date),
            "## Time Blocks\n\n- [x] Exercise\n- [x] 09:00-10:00 Deep work\n",
        )
    }

    fn lost(date: &str) -> LoadedNote {
        note(
            Some(date),
            "## Time Blocks\n\n- [x] Exercise\n- [ ] 09:00-10:00 Deep work\n",
        )
    }

    fn states(r: &BlocksReport) -> Vec<(String, DayState)> {
        r.days
            .iter()
            .map(|x| (x.date.format("%m-%d").to_string(), x.state))
            .collect()
    }

    fn rendered(r: &BlocksReport, format: Format) -> String {
        let mut out = Vec::new();
        render_blocks(r, format, false, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn block_text_rules() {
        let b = block_text("Block 1 (6:00 to 7:30): gym");
        assert_eq!((&*b.name, b.planned), ("Block 1: gym", Some(90)));
        let b = block_text("Product (1h) #Money #block ✅ 2026-11-24");
        assert_eq!(
            (&*b.key, b.planned, b.tags.to_vec()),
            ("product", Some(60), vec!["money".to_string()])
        );
        assert_eq!(block_text("product ~1h").key.as_ref(), "product");
        assert_eq!(block_text("Read 90m [priority:: high]").planned, Some(90));
        assert_eq!(
            block_text("09:00-10:00 Deep work").name.as_ref(),
            "Deep work"
        );
        assert_eq!(block_text("11pm-1am Night shift").planned, Some(120));
        assert_eq!(block_text("#active").name.as_ref(), "#active");
        assert_eq!(block_text("Read 10 pages").planned, None);
    }

    #[test]
    fn streak_across_a_month_end() {
        let notes = [
            lost("2026-10-29"),
            won("2026-10-30"),
            won("2026-10-31"),
            won("2026-11-01"),
            won("2026-11-02"),
        ];
        let r = run(&notes, "2026-11-02");
        assert_eq!(r.period.from, Some(d("2026-10-29")));
        assert_eq!(r.current_streak.days, 4);
        assert_eq!(r.current_streak.from, Some(d("2026-10-30")));
        assert_eq!(r.current_streak.to, Some(d("2026-11-02")));
        assert!(!r.current_streak.today_pending);
        assert_eq!(
            r.longest_streak,
            Some(StreakSpan {
                days: 4,
                from: d("2026-10-30"),
                to: d("2026-11-02")
            })
        );
        assert_eq!(r.days[0].state, DayState::Partial);
        // Today has no note yet: the streak still stands, through yesterday.
        let r = run(&notes, "2026-11-03");
        assert_eq!(r.current_streak.days, 4);
        assert!(r.current_streak.today_pending);
        assert_eq!(r.days.last().unwrap().state, DayState::Today);
        // Two days later it is broken.
        let r = run(&notes, "2026-11-04");
        assert_eq!(r.current_streak.days, 0);
        assert_eq!(r.longest_streak.unwrap().days, 4);
        assert_eq!(r.overview.days_without_note, 2);
    }

    #[test]
    fn missing_days_are_missed_and_break_the_streak() {
        // 2026-10-01 is a Thursday; the 3rd a Saturday.
        let notes = [
            won("2026-10-01"),
            won("2026-10-02"),
            won("2026-10-04"),
            won("2026-10-05"),
            won("2026-10-06"),
        ];
        let r = run(&notes, "2026-10-06");
        assert_eq!(r.days[2].state, DayState::Missed);
        assert!(!r.days[2].has_note);
        assert_eq!(r.current_streak.days, 3);
        assert_eq!(r.longest_streak.as_ref().unwrap().days, 3);
        assert_eq!(r.overview.days_missed, 1);
        assert_eq!(r.overview.days_won, 5);
        assert_eq!(r.overview.days_with_blocks, 5);
        assert_eq!(r.overview.win_rate, 1.0);
        // Longest ties: the earliest.
        let r = run(&notes[..4], "2026-10-04");
        assert_eq!(r.longest_streak.unwrap().from, d("2026-10-01"));
    }

    #[test]
    fn rest_days_are_skipped() {
        let notes = [
            won("2026-10-01"),
            won("2026-10-02"),
            lost("2026-10-04"), // Sunday with a note, not won: still a rest day
            won("2026-10-05"),
        ];
        let r = run_with(
            &notes,
            &Settings::default(),
            "2026-10-05",
            &[Weekday::Sun, Weekday::Sat],
        );
        assert_eq!(
            states(&r),
            [
                ("10-01".to_string(), DayState::Won),
                ("10-02".to_string(), DayState::Won),
                ("10-03".to_string(), DayState::Rest),
                ("10-04".to_string(), DayState::Rest),
                ("10-05".to_string(), DayState::Won),
            ]
        );
        assert_eq!(r.current_streak.days, 3);
        assert_eq!(
            (r.current_streak.from, r.current_streak.to),
            (Some(d("2026-10-01")), Some(d("2026-10-05")))
        );
        assert_eq!(r.overview.days_rest, 2);
        assert_eq!(r.rest_days, ["Sat", "Sun"]);
        let csv = rendered(&r, Format::Csv);
        assert!(csv.contains("2026-10-03,0,0,false,false,true\n"), "{csv}");
        assert!(csv.contains("2026-10-04,1,2,false,true,true\n"), "{csv}");
        // Today a rest day: nothing pending, the streak stands.
        let r = run_with(
            &notes[..2],
            &Settings::default(),
            "2026-10-03",
            &[Weekday::Sat],
        );
        assert_eq!(r.current_streak.days, 2);
        assert!(!r.current_streak.today_pending);
        // A won rest day counts.
        let r = run_with(
            &[won("2026-10-02"), won("2026-10-03")],
            &Settings::default(),
            "2026-10-03",
            &[Weekday::Sat],
        );
        assert_eq!(r.current_streak.days, 2);
    }

    #[test]
    fn flexible_group_satisfied_by_a_tagged_entry() {
        let text = "## Time Blocks\n\n- [ ] Something active #active\n- [x] Write\n\n\
                    ## Log\n\n- 07:00-07:30 run in the park #Active\n";
        let r = run(&[note(Some("2026-11-24"), text)], "2026-11-24");
        let day = &r.days[0];
        assert!(day.won);
        let b = &day.blocks[0];
        assert!(b.done && !b.checked);
        assert_eq!(b.satisfied_by.as_deref(), Some("active"));
        assert_eq!(r.groups.len(), 1);
        assert_eq!(r.groups[0].name, "#active");
        assert_eq!((r.groups[0].done_days, r.groups[0].planned_days), (1, 1));
        // A done task with the tag satisfies it too; an open one does not.
        let t2 =
            "## Time Blocks\n\n- [ ] Something active #active\n\n## Tasks\n\n- [x] yoga #active\n";
        assert!(run(&[note(Some("2026-11-24"), t2)], "2026-11-24").days[0].won);
        let t3 =
            "## Time Blocks\n\n- [ ] Something active #active\n\n## Tasks\n\n- [ ] yoga #active\n";
        assert!(!run(&[note(Some("2026-11-24"), t3)], "2026-11-24").days[0].won);
        // Its own Day Planner line is no evidence.
        let t4 = "## Tasks\n\n- [ ] 07:00-08:00 run #active #block\n";
        let r = run(&[note(Some("2026-11-24"), t4)], "2026-11-24");
        assert!(!r.days[0].won);
        assert_eq!(r.days[0].blocks[0].planned_minutes, Some(60));
        assert_eq!(r.days[0].blocks[0].logged_minutes, Some(0));
    }

    #[test]
    fn intended_blocks_missing_from_a_note() {
        let st = Settings::parse(
            "[[blocks.daily]]\ntext = \"Exercise\"\n\n\
             [[blocks.daily]]\ntext = \"Product 1h\"\ndays = \"weekdays\"\n\n\
             [[blocks.daily]]\ntext = \"Move #active\"\n",
        )
        .unwrap();
        // 2026-11-24 is a Tuesday, the 28th a Saturday.
        let notes = [
            note(
                Some("2026-11-24"),
                "## Time Blocks\n\n- [x] Product (1h)\n\n## Log\n\n- 12:00-12:20 walk #active\n",
            ),
            note(
                Some("2026-11-28"),
                "## Time Blocks\n\n- [x] exercise\n- [x] Move\n",
            ),
            note(Some("2026-11-29"), "# Just a journal entry\n"),
        ];
        let r = run_with(&notes, &st, "2026-11-30", &[]);
        assert_eq!(r.period.from, Some(d("2026-11-24")));
        let tue = &r.days[0];
        assert_eq!((tue.blocks_done, tue.blocks_total), (2, 3));
        let ex = tue.blocks.iter().find(|b| &*b.key == "exercise").unwrap();
        assert_eq!(ex.source, BlockSource::Config);
        assert!(!ex.done);
        let mv = tue.blocks.iter().find(|b| &*b.key == "move").unwrap();
        assert_eq!(mv.satisfied_by.as_deref(), Some("active"));
        assert_eq!(tue.state, DayState::Partial);
        // A Wednesday without a note: every intended block, none done.
        assert_eq!((r.days[1].blocks_done, r.days[1].blocks_total), (0, 3));
        assert_eq!(r.days[1].state, DayState::Missed);
        // Saturday: Product is not intended; the note's blocks match by text.
        let sat = &r.days[4];
        assert_eq!(sat.date, d("2026-11-28"));
        assert!(sat.won, "{:?}", sat.blocks);
        assert_eq!(sat.blocks_total, 2);
        // A note without blocks on a day with intended blocks: missed.
        assert_eq!(r.days[5].state, DayState::Missed);
        assert_eq!(r.days[5].blocks_total, 2);
        let product = r.blocks.iter().find(|b| b.key == "product").unwrap();
        assert!(product.configured);
        // Weekdays 24..27 and 30: 5 planned days, 1 done.
        assert_eq!((product.planned_days, product.done_days), (5, 1));
        let exercise = r.blocks.iter().find(|b| b.key == "exercise").unwrap();
        assert_eq!((exercise.planned_days, exercise.done_days), (7, 1));
        assert_eq!(exercise.longest_streak, 1);
        // The most slipping block first.
        assert!(r.blocks.windows(2).all(|w| w[0].rate <= w[1].rate));
    }

    /// A note at a path, holding what `text` says (dated by its name when `date` is given).
    fn note_at(path: &str, date: Option<&str>, text: &str) -> LoadedNote {
        let mut n = note(date, text);
        n.path = path.to_string();
        n
    }

    /// (key, done, satisfied_by, logged) of a day's blocks, by key.
    fn settled(r: &BlocksReport, date: &str) -> Vec<(String, bool, Option<String>, Option<u64>)> {
        let day = r.days.iter().find(|x| x.date == d(date)).unwrap();
        let mut v: Vec<_> = day
            .blocks
            .iter()
            .map(|b| {
                (
                    b.key.to_string(),
                    b.done,
                    b.satisfied_by.clone(),
                    b.logged_minutes,
                )
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_day_split_across_notes() {
        // The blocks are in the daily note; what satisfies them and what was logged for them is
        // also in a log that sorts before it and in a `Time Log` after it, under date headings.
        let early = note_at(
            "notes/0-log.md",
            None,
            "## 2026-11-24\n\n- 07:00-07:45 run #Active\n- 09:00-10:00 deep work on chapter\n",
        );
        let daily = note_at(
            "notes/2026-11-24.md",
            Some("2026-11-24"),
            "## Time Blocks\n\n- [ ] Something active #active\n- [ ] 09:00-10:30 Deep work\n\
             - [ ] Read 30m #reading\n\n## Log\n\n- 14:00-14:30 more deep work\n",
        );
        let later = note_at(
            "notes/Time Log.md",
            None,
            "## 2026-11-23\n\n- [x] a novel #reading\n\n## 2026-11-24\n\n\
             - 20:00-20:20 reading #reading\n- [x] a poem #Reading\n",
        );
        let expected = vec![
            ("deep work".to_string(), false, None, Some(90)),
            (
                "read".to_string(),
                true,
                Some("reading".to_string()),
                Some(20),
            ),
            (
                "something active".to_string(),
                true,
                Some("active".to_string()),
                None,
            ),
        ];
        // Whichever note comes first, the day settles the same.
        for order in [
            [&early, &daily, &later],
            [&daily, &early, &later],
            [&later, &early, &daily],
        ] {
            let notes: Vec<LoadedNote> = order.iter().map(|n| (*n).clone()).collect();
            let r = run(&notes, "2026-11-24");
            assert_eq!(settled(&r, "2026-11-24"), expected);
            let day = r.days.last().unwrap();
            assert_eq!((day.blocks_done, day.blocks_total), (2, 3));
            assert!(day.has_note);
            assert!(
                day.blocks
                    .iter()
                    .all(|b| b.path.as_deref() == Some("notes/2026-11-24.md"))
            );
        }
        // The 23rd has a note (the done task's), but no blocks.
        let r = run(&[early, daily, later], "2026-11-24");
        assert_eq!(r.period.from, Some(d("2026-11-24")));
    }

    #[test]
    fn a_block_line_is_its_own_evidence_only_in_its_note() {
        // A Day Planner block is also a time entry: no evidence for itself, but the same line
        // in another note is.
        let own = "## Tasks\n\n- [ ] 07:00-08:00 run #active #block\n";
        let r = run(&[note(Some("2026-11-24"), own)], "2026-11-24");
        assert_eq!(
            settled(&r, "2026-11-24"),
            [("run".to_string(), false, None, Some(0))]
        );
        let other = note_at(
            "notes/Time Log.md",
            None,
            "## 2026-11-24\n\n- 07:00-08:00 run #active\n",
        );
        let r = run(&[note(Some("2026-11-24"), own), other], "2026-11-24");
        assert_eq!(
            settled(&r, "2026-11-24"),
            [(
                "run".to_string(),
                true,
                Some("active".to_string()),
                Some(60)
            )]
        );
        // Two blocks of one note: each line is evidence for the other.
        let two = "## Tasks\n\n- [ ] 07:00-08:00 run #active #block\n\
                   - [ ] 08:00-08:30 stretch #active #block\n";
        let r = run(&[note(Some("2026-11-24"), two)], "2026-11-24");
        assert_eq!(
            settled(&r, "2026-11-24"),
            [
                (
                    "run".to_string(),
                    true,
                    Some("active".to_string()),
                    Some(30)
                ),
                (
                    "stretch".to_string(),
                    true,
                    Some("active".to_string()),
                    Some(60)
                ),
            ]
        );
    }

    #[test]
    fn a_time_log_note_holds_several_days() {
        // One note with date headings: each day's blocks and entries stay on their day, and a
        // daily note adds to one of them.
        let log = note_at(
            "notes/Time Log.md",
            None,
            "# Time Log\n\n## 2026-11-20\n\n- [x] Write 1h #block\n- 09:00-10:00 write intro\n\n\
             ## 2026-11-21\n\n- [ ] Write 1h #block\n- 09:00-09:20 write more\n\
             - 10:00-11:00 gym #fit\n\n## 2026-11-22\n\n- [ ] Move #fit #block\n\
             - 18:00-18:30 walk #fit\n",
        );
        let daily = note(
            Some("2026-11-21"),
            "## Time Blocks\n\n- [ ] Move #fit\n\n## Log\n\n- 17:00-17:40 write the outro\n",
        );
        let r = run(&[daily, log], "2026-11-22");
        assert_eq!(r.period.from, Some(d("2026-11-20")));
        assert_eq!(
            settled(&r, "2026-11-20"),
            [("write".to_string(), true, None, Some(60))]
        );
        assert_eq!(
            settled(&r, "2026-11-21"),
            [
                ("move".to_string(), true, Some("fit".to_string()), None),
                ("write".to_string(), false, None, Some(60)),
            ]
        );
        assert_eq!(
            settled(&r, "2026-11-22"),
            [("move".to_string(), true, Some("fit".to_string()), None)]
        );
        let states: Vec<DayState> = r.days.iter().map(|x| x.state).collect();
        assert_eq!(states, [DayState::Won, DayState::Partial, DayState::Won]);
        // The 21st's blocks: the daily note's first (it sorts first), then the log's.
        let keys: Vec<&str> = r.days[1].blocks.iter().map(|b| &*b.key).collect();
        assert_eq!(keys, ["move", "write"]);
    }

    #[test]
    fn digests_keep_only_days_that_can_be_counted() {
        let st = Settings::default();
        let p = Period {
            from: Some(d("2026-11-20")),
            to: None,
        };
        let b = BlocksBuilder::new(&st, &p, d("2026-11-24"));
        let dg = b.digester();
        // Before the period: nothing kept, but it starts the count at the period's start.
        let early = dg.digest(&won("2026-11-10"));
        assert!(early.days.is_empty());
        assert_eq!(early.first, Some(d("2026-11-10")));
        // After today: nothing at all.
        let late = dg.digest(&won("2026-11-25"));
        assert!(late.days.is_empty() && late.first.is_none());
        let mut b = b;
        b.add(early);
        b.add(late);
        b.add(dg.digest(&won("2026-11-22")));
        let r = b.finish(&BlocksOptions::default());
        assert_eq!(r.period.from, Some(d("2026-11-20")));
        assert_eq!(r.period.to, Some(d("2026-11-24")));
        assert_eq!(r.days[0].state, DayState::Missed);
        assert_eq!(r.days[2].state, DayState::Won);
        // Entries without tags or minutes can be no evidence: not kept.
        let n = note(
            Some("2026-11-22"),
            "## Log\n\n- 08:00-08:30 closed\n- 10:00 still open\n",
        );
        let dig = dg.digest(&n);
        assert_eq!(dig.days[0].1.entries.len(), 1);
    }

    #[test]
    fn planned_against_logged() {
        let text = "## Time Blocks\n\n- [x] 09:00-10:30 Deep work\n- [x] Product ~1h #money\n\
                    - [ ] Exercise\n\n## Log\n\n- 09:00-10:00 deep work on chapter 3\n\
                    - 10:00-10:15 email\n- 11:00-11:40 call a client #money\n\
                    - 14:00-14:20 more Deep Work\n";
        let notes = [
            note(Some("2026-11-24"), text),
            note(
                Some("2026-11-25"),
                "## Time Blocks\n\n- [ ] Product (1h) #money\n",
            ),
        ];
        let r = run(&notes, "2026-11-25");
        let rows: Vec<(&str, &str, u32, u64)> = r
            .planned_days
            .iter()
            .map(|p| (&*p.key, &*p.name, p.planned_minutes, p.logged_minutes))
            .collect();
        assert_eq!(
            rows,
            [
                ("deep work", "Deep work", 90, 80),
                ("product", "Product", 60, 40),
                ("product", "Product", 60, 0)
            ]
        );
        let product = r.planned.iter().find(|p| p.key == "product").unwrap();
        assert_eq!(
            (
                product.days,
                product.days_logged,
                product.planned_minutes,
                product.logged_minutes
            ),
            (2, 1, 120, 40)
        );
        let out = rendered(&r, Format::Text);
        assert!(out.contains("Planned vs logged"), "{out}");
        assert!(out.contains("-1h 20m"), "{out}");
        // Nothing logged at all: no table.
        let r = run(&notes[1..], "2026-11-25");
        assert!(!rendered(&r, Format::Text).contains("Planned vs logged"));
    }

    /// Without the days' block lists (the HTML page's blocks) the report is the same but for
    /// those lists and the planned tables made from them: counts, states, streaks, per-block
    /// and per-group statistics (gathered while the days are settled) are as before.
    #[test]
    fn without_day_blocks_only_the_lists_are_left_out() {
        let notes = [
            note(
                Some("2026-11-22"),
                "## Time Blocks\n\n- [x] Deep work ~1h\n- [ ] Admin #ops\n\n## Log\n\n- 09:00-10:00 deep work\n",
            ),
            note(
                Some("2026-11-23"),
                "## Time Blocks\n\n- [x] Deep work ~1h\n- [x] Admin #ops\n- [ ] Run #health\n",
            ),
            note(
                Some("2026-11-24"),
                "## Time Blocks\n\n- [ ] Deep work ~1h\n- [ ] Inbox #ops\n\n## Log\n\n- 08:00-08:30 inbox #ops\n",
            ),
            note(
                None,
                "## 2026-11-24\n\n## Time Blocks\n\n- [x] Run #health\n",
            ),
        ];
        let settings = Settings::default();
        let today = d("2026-11-24");
        let report = |b: BlocksBuilder| {
            let mut b = b;
            let digester = b.digester();
            for n in &notes {
                b.add(digester.digest(n));
            }
            serde_json::to_value(b.finish(&BlocksOptions::default())).unwrap()
        };
        let mut full = report(BlocksBuilder::new(&settings, &Period::ALL, today));
        let lean = report(BlocksBuilder::new(&settings, &Period::ALL, today).without_day_blocks());
        let days = full["days"].as_array_mut().unwrap();
        assert_eq!(days.len(), 3);
        assert!(
            days.iter()
                .all(|d| !d["blocks"].as_array().unwrap().is_empty())
        );
        for d in days {
            d["blocks"] = serde_json::json!([]);
        }
        assert!(!full["planned_days"].as_array().unwrap().is_empty());
        assert!(!full["planned"].as_array().unwrap().is_empty());
        full["planned_days"] = serde_json::json!([]);
        full["planned"] = serde_json::json!([]);
        assert_eq!(full["groups"].as_array().unwrap().len(), 2);
        assert_eq!(full, lean);
    }

    /// Without the logged time (the HTML page's blocks) the days, their blocks and states
    /// are the same; only the logged minutes and the planned tables are left out.
    #[test]
    fn without_logged_time_the_days_are_the_same() {
        let text = "## Time Blocks\n\n- [x] 09:00-10:30 Deep work\n- [ ] Product ~1h #money\n\n\
                    ## Log\n\n- 09:00-10:00 deep work on chapter 3\n- 11:00-11:40 call #money\n";
        let notes = [note(Some("2026-11-24"), text)];
        let settings = Settings::default();
        let report = |builder: BlocksBuilder| {
            let mut b = builder;
            let digester = b.digester();
            for n in &notes {
                b.add(digester.digest(n));
            }
            b.finish(&BlocksOptions::default())
        };
        let today = d("2026-11-24");
        let full = report(BlocksBuilder::new(&settings, &Period::ALL, today));
        let lean = report(BlocksBuilder::new(&settings, &Period::ALL, today).without_logged_time());
        let logged = |r: &BlocksReport| -> Vec<Option<u64>> {
            r.days[0].blocks.iter().map(|b| b.logged_minutes).collect()
        };
        assert_eq!(logged(&full), [Some(60), Some(40)]);
        assert_eq!(logged(&lean), [None, None]);
        assert_eq!(full.planned_days.len(), 2);
        assert!(lean.planned.is_empty() && lean.planned_days.is_empty());
        let days = |r: &BlocksReport| {
            r.days
                .iter()
                .map(|d| {
                    let blocks: Vec<_> = d.blocks.iter().map(|b| (b.key.clone(), b.done)).collect();
                    (d.date, d.state, d.blocks_done, d.blocks_total, blocks)
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(days(&full), days(&lean));
        assert_eq!(full.blocks.len(), lean.blocks.len());
        assert_eq!(full.overview.days_won, lean.overview.days_won);
        // The words were never kept: the lean digest's entries carry none.
        let lean_digester = BlocksBuilder::new(&settings, &Period::ALL, today)
            .without_logged_time()
            .digester();
        let dig = lean_digester.digest(&notes[0]);
        let part = &dig.days[0].1;
        assert!(part.entries.iter().all(|e| e.at[1] == e.at[2]));
        let dig = BlocksBuilder::new(&settings, &Period::ALL, today)
            .digester()
            .digest(&notes[0]);
        assert!(dig.days[0].1.entries.iter().any(|e| e.at[1] < e.at[2]));
    }

    #[test]
    fn empty_folder_and_notes_without_blocks() {
        let r = run(&[], "2026-11-24");
        assert!(!r.has_blocks);
        assert!(r.days.is_empty() && r.calendar.weeks.is_empty());
        assert_eq!(r.current_streak.days, 0);
        let notes = [
            note(Some("2026-11-23"), "## Log\n\n- 09:00-10:00 work\n"),
            note(Some("2026-11-24"), "## Tasks\n\n- [x] a task\n"),
        ];
        let r = run(&notes, "2026-11-24");
        assert!(!r.has_blocks);
        let out = rendered(&r, Format::Text);
        assert!(out.contains("No time blocks found"), "{out}");
        assert!(out.contains("## Time Blocks"), "{out}");
        assert!(out.contains("#block"), "{out}");
        assert!(out.contains("[[blocks.daily]]"), "{out}");
        assert!(!out.contains("Calendar"));
        let md = rendered(&r, Format::Md);
        assert!(md.starts_with("# Time blocks"), "{md}");
        assert!(md.contains("```toml"), "{md}");
        let json: serde_json::Value = serde_json::from_str(&rendered(&r, Format::Json)).unwrap();
        assert_eq!(json["has_blocks"], false);
        assert_eq!(json["schema_version"], 1);
        assert_eq!(
            rendered(&r, Format::Csv),
            "date,blocks_done,blocks_total,won,has_note,rest\n"
        );
        // Blocks only after today, or outside the period: none either.
        let r = run(&[won("2026-12-01")], "2026-11-24");
        assert!(!r.has_blocks);
        let p = Period {
            from: Some(d("2026-11-01")),
            to: Some(d("2026-11-10")),
        };
        let r = blocks_report(
            &[won("2026-10-01"), note(Some("2026-11-02"), "# x\n")],
            &Settings::default(),
            &p,
            d("2026-11-24"),
            &BlocksOptions::default(),
        );
        assert!(!r.has_blocks);
        let out = rendered(&r, Format::Text);
        assert!(
            out.contains("No time blocks found in 2026-11-01 to 2026-11-10."),
            "{out}"
        );
    }

    #[test]
    fn period_bounds_the_days() {
        let notes = [won("2026-10-01"), won("2026-10-02"), won("2026-10-03")];
        let p = Period {
            from: Some(d("2026-09-01")),
            to: Some(d("2026-10-02")),
        };
        let r = blocks_report(
            &notes,
            &Settings::default(),
            &p,
            d("2026-11-24"),
            &BlocksOptions::default(),
        );
        assert_eq!(r.period.from, Some(d("2026-10-01")));
        assert_eq!(r.period.to, Some(d("2026-10-02")));
        // The period ended before today: its last day is not forgiven, and nothing pends.
        assert_eq!(r.current_streak.days, 2);
        assert!(!r.current_streak.today_pending);
    }

    #[test]
    fn calendar_grid() {
        // 2026-11-24 is a Tuesday.
        let notes = [won("2026-11-16"), lost("2026-11-17"), won("2026-11-23")];
        let opts = BlocksOptions {
            weeks: 3,
            rest_days: vec![Weekday::Sun],
        };
        let r = blocks_report(
            &notes,
            &Settings::default(),
            &Period::ALL,
            d("2026-11-24"),
            &opts,
        );
        let c = &r.calendar;
        assert_eq!(c.weeks.len(), 3);
        assert_eq!(c.from, Some(d("2026-11-09")));
        assert_eq!(c.to, Some(d("2026-11-29")));
        let s = |w: usize, day: usize| c.weeks[w].days[day].state;
        assert_eq!(s(0, 0), DayState::NoData);
        assert_eq!(s(1, 0), DayState::Won);
        assert_eq!(s(1, 1), DayState::Partial);
        assert_eq!(s(1, 2), DayState::Missed);
        assert_eq!(s(1, 6), DayState::Rest);
        assert_eq!(s(2, 0), DayState::Won);
        assert_eq!(
            s(2, 1),
            DayState::Today,
            "today, not won yet, is not missed"
        );
        assert_eq!(s(2, 2), DayState::Future);
        let out = rendered(&r, Format::Text);
        assert!(out.contains("  Mon  · ■ ■\n"), "{out}");
        assert!(out.contains("  Tue  · ▣ ○\n"), "{out}");
        assert!(out.contains("  Wed  · □\n"), "{out}");
        assert!(out.contains("  Sun  · ·\n"), "{out}");
        assert!(
            out.contains("■ won  ▣ partial  □ missed  ○ today  · rest or no data"),
            "{out}"
        );
        assert!(out.contains("Won 2 of 3 days with blocks (66.7%)"), "{out}");
        assert!(out.contains("today is not won yet"), "{out}");
        assert!(out.contains("Last 14 days"), "{out}");
        let md = rendered(&r, Format::Md);
        assert!(
            md.contains("## Calendar (last 3 weeks)\n\n```text\n"),
            "{md}"
        );
        assert!(md.contains("| Block | Days | Done | Rate |"), "{md}");
        let mut colored = Vec::new();
        render_blocks(&r, Format::Text, true, &mut colored).unwrap();
        assert!(
            String::from_utf8(colored)
                .unwrap()
                .contains("\x1b[32m■\x1b[0m")
        );
        assert!(!out.contains('\x1b'));
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum Kind {
            Won,
            NotWon,
            NoNote,
        }

        fn kind() -> impl Strategy<Value = Kind> {
            prop_oneof![Just(Kind::Won), Just(Kind::NotWon), Just(Kind::NoNote)]
        }

        fn step() -> impl Strategy<Value = Step> {
            prop_oneof![Just(Step::Won), Just(Step::Lost), Just(Step::Skip)]
        }

        proptest! {
            #![proptest_config(ProptestConfig {
                cases: 300,
                failure_persistence: None,
                ..ProptestConfig::default()
            })]

            /// A block's streaks from its own days and a count of the other days lost are
            /// the streaks of every day's step written out.
            #[test]
            fn sparse_streaks_equal_the_dense_ones(
                base in prop::collection::vec(any::<bool>(), 0..40),
                all_skip in any::<bool>(),
                picked in prop::collection::vec((any::<bool>(), step()), 40),
                last_is_today in any::<bool>(),
            ) {
                let lost = |i: usize| !all_skip && base[i];
                let mut dense: Vec<Step> = (0..base.len())
                    .map(|i| if lost(i) { Step::Lost } else { Step::Skip })
                    .collect();
                let on: Vec<(usize, Step)> = (0..base.len())
                    .filter(|&i| picked[i].0)
                    .map(|i| (i, picked[i].1))
                    .collect();
                for &(i, step) in &on {
                    dense[i] = step;
                }
                let mut base_lost = vec![0u32];
                for i in 0..base.len() {
                    base_lost.push(base_lost[i] + u32::from(lost(i)));
                }
                let sparse = SparseSteps {
                    days: base.len(),
                    base_lost: (!all_skip).then_some(&base_lost[..]),
                    on: &on,
                };
                prop_assert_eq!(
                    sparse.current_streak(last_is_today),
                    current_streak(&dense, last_is_today).0
                );
                prop_assert_eq!(sparse.longest_streak(), longest_streak(&dense).0);
            }

            #[test]
            fn streaks_equal_a_brute_force_count(
                kinds in prop::collection::vec(kind(), 1..45),
                rest in prop::collection::vec(any::<bool>(), 7),
                offset in 0i64..400,
            ) {
                let base = d("2025-12-20") + Duration::days(offset);
                let rest_days: Vec<Weekday> = (0..7u8)
                    .filter(|i| rest[*i as usize])
                    .map(|i| Weekday::try_from(i).unwrap())
                    .collect();
                let mut notes = Vec::new();
                let mut state = Vec::new(); // 'W' won, 'R' rest (skipped), 'L' lost
                for (i, k) in kinds.iter().enumerate() {
                    let date = base + Duration::days(i as i64);
                    let name = date.to_string();
                    match k {
                        Kind::Won => notes.push(won(&name)),
                        Kind::NotWon => notes.push(lost(&name)),
                        Kind::NoNote => {}
                    }
                    state.push(if *k == Kind::Won {
                        'W'
                    } else if rest_days.contains(&date.weekday()) {
                        'R'
                    } else {
                        'L'
                    });
                }
                let today = base + Duration::days(kinds.len() as i64 - 1);
                let r = run_with(&notes, &Settings::default(), &today.to_string(), &rest_days);

                // Brute force: the longest run of W with only R between, over every start
                // and end.
                let mut longest = 0;
                for a in 0..state.len() {
                    for b in a..state.len() {
                        if state[a..=b].iter().all(|s| *s != 'L') {
                            let wins = state[a..=b].iter().filter(|s| **s == 'W').count();
                            longest = longest.max(wins);
                        }
                    }
                }
                // The current streak: back from today (from yesterday when today is lost).
                let mut last = state.len();
                if state[last - 1] == 'L' {
                    last -= 1;
                }
                let mut current = 0;
                for s in state[..last].iter().rev() {
                    if *s == 'L' {
                        break;
                    }
                    if *s == 'W' {
                        current += 1;
                    }
                }
                prop_assert_eq!(r.current_streak.days as usize, current);
                prop_assert_eq!(r.longest_streak.as_ref().map_or(0, |l| l.days as usize), longest);
                prop_assert_eq!(r.overview.days_won, state.iter().filter(|s| **s == 'W').count());
                if r.has_blocks {
                    prop_assert_eq!(r.current_streak.today_pending, state[state.len() - 1] == 'L');
                }
            }
        }
    }
}
