//! The time-log report as data: computed once from the loaded notes, rendered by `render`.
//!
//! Every collection here is a sorted `Vec` or a `BTreeMap`, so the JSON and every rendering
//! are deterministic. Times of day are `HH:MM` strings; a time past the day's midnight
//! carries a `+1` suffix (`00:45+1`).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::period::Period;
use crate::config::Settings;
use crate::load::LoadedNote;
use crate::model::EntrySource;

/// The version of the JSON shape; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;
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

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub schema_version: u32,
    pub period: PeriodInfo,
    pub overview: Overview,
    /// Category names in matching order; `uncategorised` last.
    pub categories: Vec<String>,
    /// Every day of the period, in order.
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
    /// Every counted entry of the period, by date, start, path and line.
    pub entries: Vec<EntryRow>,
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
    pub date: NaiveDate,
    pub weekday: String,
    /// A note, date heading, task or entry exists for the day.
    pub has_note: bool,
    pub logged_minutes: u64,
    pub entries: usize,
    /// Start of the first entry and end of the last (its start while it is open).
    pub first: Option<String>,
    pub last: Option<String>,
    /// Minutes per category, only categories with time that day.
    pub categories: BTreeMap<String, u64>,
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
}

#[derive(Debug, Clone, Serialize)]
pub struct HourRow {
    pub hour: u32,
    pub minutes: u64,
    /// Minutes per category, only categories with time in the hour.
    pub categories: BTreeMap<String, u64>,
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
    pub sessions: Vec<Session>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Session {
    pub date: NaiveDate,
    pub start: String,
    pub end: String,
    pub minutes: u32,
    pub category: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EntryRow {
    /// The day the entry counts for.
    pub date: NaiveDate,
    pub start: String,
    /// None while open.
    pub end: Option<String>,
    /// 0 while open.
    pub minutes: u32,
    pub open: bool,
    pub category: String,
    pub tags: Vec<String>,
    pub text: String,
    pub path: String,
    pub line: usize,
}

/// `HH:MM`, with `+1` (or `+N`) for minutes past the day's midnight.
pub fn clock(m: u32) -> String {
    let days = m / 1440;
    let m = m % 1440;
    if days == 0 {
        format!("{:02}:{:02}", m / 60, m % 60)
    } else {
        format!("{:02}:{:02}+{days}", m / 60, m % 60)
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
    v.sort_unstable();
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]).div_ceil(2)
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

/// An entry after attribution to its day.
struct Work<'a> {
    note: usize,
    date: NaiveDate,
    start: u32,
    end: Option<u32>,
    category: usize,
    tags: &'a [String],
    text: &'a str,
    task: Option<usize>,
    line: usize,
}

impl Work<'_> {
    fn minutes(&self) -> u32 {
        self.end.map_or(0, |e| e.saturating_sub(self.start))
    }
}

#[derive(Default)]
struct DayAcc {
    minutes: u64,
    entries: usize,
    first: Option<u32>,
    last: Option<u32>,
    categories: BTreeMap<String, u64>,
    tasks_done: usize,
    tasks_added: usize,
    blocks_done: usize,
    blocks_total: usize,
}

/// Computes the report for `period`. `today` bounds nothing today but is part of the
/// contract (relative labels); `diagnostics` is the number of problems found while loading.
pub fn summarize(
    notes: &[LoadedNote],
    settings: &Settings,
    period: &Period,
    today: NaiveDate,
    diagnostics: usize,
) -> Summary {
    let _ = today;
    let cfg = &settings.file.summary;
    let day_start = cfg.day_start_hour.min(23) * 60;
    let mut categories: Vec<String> = settings.categories.iter().map(|c| c.name.clone()).collect();
    categories.push(UNCATEGORISED.to_string());
    let uncategorised = categories.len() - 1;
    let priority: Vec<String> = cfg.priority_tags.iter().map(|t| t.to_lowercase()).collect();

    // Attribute every entry to its day.
    let mut undated_entries = 0;
    let mut dated: BTreeSet<NaiveDate> = BTreeSet::new();
    let mut all: Vec<Work> = Vec::new();
    for (ni, ln) in notes.iter().enumerate() {
        let note = &ln.note;
        dated.extend(note.date);
        dated.extend(note.days.iter().map(|d| d.date));
        for e in &note.entries {
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
            if start < day_start
                && let Some(prev) = date.pred_opt()
            {
                date = prev;
                start += 1440;
                end = end.map(|x| x + 1440);
            }
            dated.insert(date);
            let category = settings
                .categories
                .iter()
                .position(|c| c.matches(&e.tags, &e.text))
                .unwrap_or(uncategorised);
            all.push(Work {
                note: ni,
                date,
                start,
                end,
                category,
                tags: &e.tags,
                text: &e.text,
                task: e.task,
                line: e.line,
            });
        }
    }

    // The period: the options' bounds, else the span of the dated notes.
    let (data_min, data_max) = (dated.first().copied(), dated.last().copied());
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
    let range = Period { from, to };
    let day_list: Vec<NaiveDate> = match (from, to) {
        (Some(f), Some(t)) => f.iter_days().take_while(|d| *d <= t).collect(),
        _ => Vec::new(),
    };
    let in_period = |d: NaiveDate| from.is_some() && range.contains(d);
    let longer_than_week = day_list.len() > 7;

    let mut work: Vec<Work> = all.into_iter().filter(|w| in_period(w.date)).collect();
    work.sort_by(|a, b| {
        (a.date, a.start, &notes[a.note].path, a.line).cmp(&(
            b.date,
            b.start,
            &notes[b.note].path,
            b.line,
        ))
    });

    // Per day.
    let mut days: BTreeMap<NaiveDate, DayAcc> =
        day_list.iter().map(|d| (*d, DayAcc::default())).collect();
    let mut has_note: BTreeSet<NaiveDate> =
        dated.iter().copied().filter(|d| in_period(*d)).collect();
    for ln in notes {
        for t in &ln.note.tasks {
            let block = t.block;
            if let Some(d) = t.date {
                has_note.insert(d);
            }
            if block {
                if let Some(acc) = t.date.and_then(|d| days.get_mut(&d)) {
                    acc.blocks_total += 1;
                    if t.status.is_done() {
                        acc.blocks_done += 1;
                    }
                }
                continue;
            }
            if let Some(acc) = t.date.and_then(|d| days.get_mut(&d)) {
                acc.tasks_added += 1;
            }
            if t.status.is_done()
                && let Some(acc) = t.done_date.or(t.date).and_then(|d| days.get_mut(&d))
            {
                acc.tasks_done += 1;
            }
        }
    }
    let mut total_minutes = 0u64;
    let mut open_entries = 0;
    for w in &work {
        let acc = days.get_mut(&w.date).expect("entries are in the period");
        let m = u64::from(w.minutes());
        acc.minutes += m;
        acc.entries += 1;
        acc.first = Some(acc.first.map_or(w.start, |f| f.min(w.start)));
        let reach = w.end.unwrap_or(w.start);
        acc.last = Some(acc.last.map_or(reach, |l| l.max(reach)));
        if m > 0 {
            *acc.categories
                .entry(categories[w.category].clone())
                .or_insert(0) += m;
        }
        total_minutes += m;
        if w.end.is_none() {
            open_entries += 1;
        }
    }
    // The notes that hold each day, so a day's priorities look at its own notes only.
    let mut notes_of_day: BTreeMap<NaiveDate, Vec<&LoadedNote>> = BTreeMap::new();
    for ln in notes {
        let mut ds: BTreeSet<NaiveDate> = ln.note.days.iter().map(|d| d.date).collect();
        ds.extend(ln.note.date);
        for d in ds.into_iter().filter(|d| days.contains_key(d)) {
            notes_of_day.entry(d).or_default().push(ln);
        }
    }
    let day_rows: Vec<DayRow> = days
        .into_iter()
        .map(|(date, a)| DayRow {
            priorities: notes_of_day.get(&date).and_then(|ns| {
                let p = crate::report::tasks::day_priorities(ns, date, &cfg.priority_tags);
                let done = |v: &[crate::report::tasks::TaskRef]| {
                    v.iter().filter(|t| t.status.is_done()).count()
                };
                (!p.priority.is_empty() || !p.money.is_empty()).then(|| DayPriorityRow {
                    priority_done: done(&p.priority),
                    priority_total: p.priority.len(),
                    money_done: done(&p.money),
                    money_total: p.money.len(),
                    first_done_was_priority: p.first_done_was_priority,
                })
            }),
            date,
            weekday: WEEKDAYS[date.weekday().num_days_from_monday() as usize].to_string(),
            has_note: has_note.contains(&date),
            logged_minutes: a.minutes,
            entries: a.entries,
            first: a.first.map(clock),
            last: a.last.map(clock),
            categories: a.categories,
            tasks_done: a.tasks_done,
            tasks_added: a.tasks_added,
            blocks_done: a.blocks_done,
            blocks_total: a.blocks_total,
        })
        .collect();
    let days_with_log = day_rows.iter().filter(|d| d.entries > 0).count();
    let days_with_notes = day_rows.iter().filter(|d| d.has_note).count();

    // Work grouped by day, in start order (work is sorted by date, then start).
    let mut by_day: Vec<&[Work]> = Vec::new();
    {
        let mut i = 0;
        while i < work.len() {
            let j = i + work[i..]
                .iter()
                .take_while(|w| w.date == work[i].date)
                .count();
            by_day.push(&work[i..j]);
            i = j;
        }
    }

    // Gaps between entries of a day.
    let mut gaps: Vec<Gap> = Vec::new();
    for day in &by_day {
        let mut reach: Option<u32> = None;
        for w in *day {
            if let Some(r) = reach
                && w.start > r
            {
                gaps.push(Gap {
                    date: w.date,
                    from: clock(r),
                    to: clock(w.start),
                    minutes: w.start - r,
                });
            }
            let e = w.end.unwrap_or(w.start);
            reach = Some(reach.map_or(e, |r| r.max(e)));
        }
    }
    let gap_total: u64 = gaps.iter().map(|g| u64::from(g.minutes)).sum();
    let gap_count = gaps.len();
    gaps.sort_by(|a, b| b.minutes.cmp(&a.minutes).then(a.date.cmp(&b.date)));
    gaps.truncate(5);

    // Tags and categories.
    let mut tag_acc: BTreeMap<String, (u64, usize)> = BTreeMap::new();
    let mut cat_acc: Vec<(u64, usize)> = vec![(0, 0); categories.len()];
    for w in &work {
        let m = u64::from(w.minutes());
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for t in w.tags {
            if seen.insert(t.as_str()) {
                let a = tag_acc.entry(t.clone()).or_default();
                a.0 += m;
                a.1 += 1;
            }
        }
        if seen.is_empty() {
            let a = tag_acc.entry(UNTAGGED.to_string()).or_default();
            a.0 += m;
            a.1 += 1;
        }
        cat_acc[w.category].0 += m;
        cat_acc[w.category].1 += 1;
    }
    let mut tags: Vec<TagRow> = tag_acc
        .into_iter()
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
        .zip(&cat_acc)
        .map(|(c, (minutes, entries))| CategoryRow {
            category: c.clone(),
            minutes: *minutes,
            share: share(*minutes, total_minutes),
            entries: *entries,
        })
        .collect();

    // Money against waste.
    let money_ix = settings.categories.iter().position(|c| c.name == MONEY);
    let waste_ix = settings.categories.iter().position(|c| c.name == WASTE);
    let cat_minutes = |ix: Option<usize>| ix.map_or(0, |i| cat_acc[i].0);
    let (money_minutes, waste_minutes) = (cat_minutes(money_ix), cat_minutes(waste_ix));
    let mut trend = Vec::new();
    if longer_than_week {
        let mut weeks: BTreeMap<(i32, u32), (u64, u64)> = BTreeMap::new();
        for d in &day_list {
            let iw = d.iso_week();
            weeks.entry((iw.year(), iw.week())).or_default();
        }
        for w in &work {
            let iw = w.date.iso_week();
            let a = weeks.entry((iw.year(), iw.week())).or_default();
            if Some(w.category) == money_ix {
                a.0 += u64::from(w.minutes());
            } else if Some(w.category) == waste_ix {
                a.1 += u64::from(w.minutes());
            }
        }
        trend = weeks
            .into_iter()
            .map(|((y, wk), (m, ws))| WeekTrend {
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
    let mut hour_cat: Vec<Vec<u64>> = vec![vec![0; categories.len()]; 24];
    let mut grid: Vec<Vec<u64>> = vec![vec![0; 24]; 7];
    let mut money_h = [0u64; 24];
    let mut priority_h = [0u64; 24];
    let mut tasks_h = [0usize; 24];
    let mut done_task_entry: BTreeMap<(usize, usize), (NaiveDate, u32)> = BTreeMap::new();
    for w in &work {
        let wd = w.date.weekday().num_days_from_monday() as usize;
        let is_money = Some(w.category) == money_ix;
        let is_priority = w.tags.iter().any(|t| priority.contains(&t.to_lowercase()));
        if let Some(end) = w.end {
            split_hours(w.start, end, |h, m| {
                let m = u64::from(m);
                hour_cat[h][w.category] += m;
                grid[wd][h] += m;
                if is_money {
                    money_h[h] += m;
                }
                if is_priority {
                    priority_h[h] += m;
                }
            });
        }
        // A task logged in several sessions is completed in its last one.
        if let Some(ti) = w.task
            && notes[w.note]
                .note
                .tasks
                .get(ti)
                .is_some_and(|t| t.status.is_done())
        {
            done_task_entry.insert((w.note, ti), (w.date, w.start));
        }
    }
    for (_, start) in done_task_entry.values() {
        tasks_h[((start / 60) % 24) as usize] += 1;
    }
    let per_hour: Vec<HourRow> = (0..24)
        .map(|h| HourRow {
            hour: h as u32,
            minutes: hour_cat[h].iter().sum(),
            categories: hour_cat[h]
                .iter()
                .enumerate()
                .filter(|(_, m)| **m > 0)
                .map(|(c, m)| (categories[c].clone(), *m))
                .collect(),
        })
        .collect();
    let peak_minutes = per_hour.iter().map(|h| h.minutes).max().unwrap_or(0);
    let mut productive: Vec<ProductiveHour> = (0..24)
        .map(|h| ProductiveHour {
            hour: h as u32,
            score: money_h[h] + priority_h[h] + TASK_SCORE * tasks_h[h] as u64,
            money_minutes: money_h[h],
            priority_minutes: priority_h[h],
            tasks_done: tasks_h[h],
        })
        .filter(|p| p.score > 0)
        .collect();
    productive.sort_by(|a, b| b.score.cmp(&a.score).then(a.hour.cmp(&b.hour)));
    productive.truncate(3);
    let weekday_grid = longer_than_week.then(|| {
        grid.into_iter()
            .enumerate()
            .map(|(i, minutes)| WeekdayRow {
                weekday: WEEKDAYS[i].to_string(),
                total_minutes: minutes.iter().sum(),
                minutes,
            })
            .collect()
    });

    // Focus sessions: runs of touching entries in one category. Uncategorised time and
    // waste are never focus, however long they run.
    let threshold = cfg.focus_minutes;
    let not_focus = |c: usize| categories[c] == UNCATEGORISED || categories[c] == "waste";
    let mut sessions: Vec<Session> = Vec::new();
    let mut break_list: Vec<u32> = Vec::new();
    for day in &by_day {
        let mut runs: Vec<(usize, u32, u32)> = Vec::new();
        let mut cur: Option<(usize, u32, u32)> = None;
        for w in *day {
            let Some(end) = w.end else {
                runs.extend(cur.take());
                continue;
            };
            cur = match cur {
                Some((c, s, e)) if c == w.category && w.start <= e => Some((c, s, e.max(end))),
                other => {
                    runs.extend(other);
                    Some((w.category, w.start, end))
                }
            };
        }
        runs.extend(cur);
        let mut prev_end: Option<u32> = None;
        for (c, s, e) in runs {
            if e - s < threshold || e == s || not_focus(c) {
                continue;
            }
            // Sessions that touch have no break between them.
            if let Some(p) = prev_end
                && s > p
            {
                break_list.push(s - p);
            }
            prev_end = Some(e);
            sessions.push(Session {
                date: day[0].date,
                start: clock(s),
                end: clock(e),
                minutes: e - s,
                category: categories[c].clone(),
            });
        }
    }
    let mut lengths: Vec<u32> = sessions.iter().map(|s| s.minutes).collect();
    let focus = Focus {
        threshold_minutes: threshold,
        count: sessions.len(),
        total_minutes: lengths.iter().map(|m| u64::from(*m)).sum(),
        median_minutes: median(&mut lengths),
        longest_minutes: lengths.iter().max().copied(),
        breaks: break_list.len(),
        median_break_minutes: median(&mut break_list),
        sessions,
    };

    // Entry rows, and the longest.
    let entries: Vec<EntryRow> = work
        .iter()
        .map(|w| EntryRow {
            date: w.date,
            start: clock(w.start),
            end: w.end.map(clock),
            minutes: w.minutes(),
            open: w.end.is_none(),
            category: categories[w.category].clone(),
            tags: w.tags.to_vec(),
            text: w.text.to_string(),
            path: notes[w.note].path.clone(),
            line: w.line,
        })
        .collect();
    let mut order: Vec<usize> = (0..entries.len())
        .filter(|i| work[*i].end.is_some())
        .collect();
    // Stable sort: ties keep date/start order.
    order.sort_by(|a, b| entries[*b].minutes.cmp(&entries[*a].minutes));
    let longest = order.iter().take(5).map(|i| entries[*i].clone()).collect();

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
            entries: entries.len(),
            open_entries,
            undated_entries,
            gaps: Gaps {
                count: gap_count,
                total_minutes: gap_total,
                biggest: gaps,
            },
            diagnostics,
            diagnostics_hint: DIAGNOSTICS_HINT.to_string(),
        },
        categories,
        days: day_rows,
        tags,
        category_totals,
        money_waste,
        hours: Hours {
            per_hour,
            peak_minutes,
            productive,
            weekday_grid,
        },
        focus,
        longest,
        entries,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::parse::{ParseOptions, parse_note};

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
        assert_eq!(s.days[0].first.as_deref(), Some("09:40"));
        assert_eq!(s.days[0].last.as_deref(), Some("01:15+1"));
        assert_eq!(s.hours.per_hour[10].categories["money"], 60);
        let mut v = Vec::new();
        split_hours(50, 50, |h, m| v.push((h, m)));
        assert!(v.is_empty());
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
        assert_eq!(s.entries[0].category, "deep");
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
        let sess: Vec<(&str, &str, u32)> = f
            .sessions
            .iter()
            .map(|x| (x.start.as_str(), x.end.as_str(), x.minutes))
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
        assert_eq!(s.days[0].last.as_deref(), Some("02:30+1"));
        assert_eq!(s.days[1].logged_minutes, 60);
        assert_eq!(s.days[1].first.as_deref(), Some("09:00"));
        assert_eq!(hour(&s, 1), 60);
        assert_eq!(hour(&s, 2), 30);
        let plain = run(&[a, b], &Settings::default());
        assert_eq!(plain.days[0].logged_minutes, 60);
        assert_eq!(plain.days[1].logged_minutes, 150);
    }

    #[test]
    fn last_entry_minutes_closes_the_open_last_entry() {
        let text = "## Log\n\n- 09:00 a #money\n- 10:00 b #money\n";
        let s = run(&[note(Some("2026-11-24"), text)], &Settings::default());
        assert_eq!(s.overview.open_entries, 1);
        assert_eq!(s.overview.total_minutes, 60);
        assert!(s.entries[1].open && s.entries[1].end.is_none());
        let st = settings("[summary]\nlast_entry_minutes = 25\n");
        let s = run(&[note(Some("2026-11-24"), text)], &st);
        assert_eq!(s.overview.open_entries, 0);
        assert_eq!(s.overview.total_minutes, 85);
        assert_eq!(s.entries[1].end.as_deref(), Some("10:25"));
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
        assert_eq!(json["schema_version"], 1);
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
        assert!(s.entries.is_empty());
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
        assert_eq!(s.entries.len(), 2);
        assert_eq!(s.overview.total_minutes, 90);
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
            let opts = ParseOptions {
                name_date: Some(date),
                plan_headings: vec!["time blocks".into()],
            };
            notes.push(LoadedNote {
                path: format!("{date}.md"),
                rel: format!("{date}.md"),
                note: parse_note(&day.text, &opts),
            });
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
