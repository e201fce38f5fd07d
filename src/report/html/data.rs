//! The data behind each chart and table of the HTML report, computed from a `Summary` and a
//! `BlocksReport` by a pure function. Drawing is a second step (`charts`, `page`).
//!
//! Everything here is a number, a date, a fixed word or a string copied from the notes or
//! the config; the renderers escape the strings.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::report::blocks::{BlocksReport, DayState};
use crate::report::render::duration;
use crate::report::summary::{MONEY, Summary, UNCATEGORISED, WASTE};

pub const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Fill colours for categories other than money, waste and uncategorised, in order (the
/// Okabe-Ito palette, distinguishable with the common colour-vision deficiencies).
const OTHER_COLOURS: [&str; 6] = [
    "#0072B2", "#E69F00", "#CC79A7", "#56B4E9", "#F0E442", "#8C6D31",
];
pub const MONEY_COLOUR: &str = "#009E73";
pub const WASTE_COLOUR: &str = "#D55E00";
pub const UNCATEGORISED_COLOUR: &str = "#BBBBBB";

/// What the page needs besides the two reports.
#[derive(Debug, Clone)]
pub struct HtmlOptions {
    /// The notes folder or note, as the user wrote it (shown in the header).
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct HtmlReport {
    /// `Time log: 2026-11-05 to 2026-11-24`; also the page's `<title>` after `mdtasks: `.
    pub title: String,
    pub source: String,
    pub today: NaiveDate,
    /// No time entry in the period: the page says so instead of drawing empty charts.
    pub empty: bool,
    pub overview: Vec<Stat>,
    /// One per category, in the summary's order: the legend.
    pub series: Vec<Series>,
    pub day_bars: DayBars,
    pub heatmap: Heatmap,
    pub hours: HourProfile,
    pub money_waste: MoneyWasteChart,
    pub calendar: BlocksCalendar,
    pub tags: Vec<TagBar>,
    pub days: Vec<DayLine>,
    pub longest: Vec<LongEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Stat {
    pub label: String,
    pub value: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Money,
    Waste,
    Other,
    Uncategorised,
}

/// How a series is filled, so that colour is never the only difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fill {
    Solid,
    /// Diagonal white stripes over the colour (money).
    Stripes,
    /// White dots over the colour (waste).
    Dots,
}

#[derive(Debug, Clone, Serialize)]
pub struct Series {
    /// The category name (from the config: user data).
    pub name: String,
    pub kind: Kind,
    pub colour: String,
    pub fill: Fill,
    pub minutes: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DayBars {
    /// What a bar stands for: a day, or for long periods (more than [`MAX_BARS`] days) an
    /// ISO week, a month or a year, the first of them that gives at most [`MAX_BARS`] bars.
    pub unit: BarUnit,
    pub max_minutes: u64,
    pub days: Vec<DayBar>,
    pub alt: String,
}

/// Most bars the chart of logged time draws: a year of days. A century of days (36,500
/// bars a fraction of a pixel wide, a 20 MB chart) is drawn by year.
pub const MAX_BARS: usize = 400;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BarUnit {
    Day,
    Week,
    Month,
    Year,
}

impl BarUnit {
    pub fn word(self) -> &'static str {
        match self {
            BarUnit::Day => "day",
            BarUnit::Week => "week",
            BarUnit::Month => "month",
            BarUnit::Year => "year",
        }
    }

    /// The name of the bar `date` falls in (`2026-W48`, `2026-11`, `2026`); the weekday
    /// for a day.
    fn name(self, date: NaiveDate) -> String {
        match self {
            BarUnit::Day => date.weekday().to_string(),
            BarUnit::Week => {
                let w = date.iso_week();
                format!("{}-W{:02}", w.year(), w.week())
            }
            BarUnit::Month => date.format("%Y-%m").to_string(),
            BarUnit::Year => date.year().to_string(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DayBar {
    /// The day; for a week's, month's or year's bar, its first day in the period.
    pub date: NaiveDate,
    /// Its last day in the period, for a week's, month's or year's bar.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
    /// The weekday (`Mon`); for a week's, month's or year's bar, its name (`2026-W48`,
    /// `2026-11`, `2026`).
    pub weekday: String,
    /// A day's bar: the day has a note; a longer bar: one of its days has.
    pub has_note: bool,
    pub total_minutes: u64,
    /// Bottom to top, in the order of `series`; only categories with time that day.
    pub segments: Vec<Segment>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Segment {
    /// Index into `series`.
    pub series: usize,
    pub category: String,
    pub minutes: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Heatmap {
    /// Monday to Sunday.
    pub rows: Vec<HeatRow>,
    pub max_minutes: u64,
    /// `summary` when the summary had the weekday grid (periods longer than a week),
    /// `entries` when it did not (the same sums of the period's entries, kept beside it).
    pub source: &'static str,
    pub alt: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct HeatRow {
    pub weekday: String,
    /// 24 values, hour 0 to 23.
    pub minutes: Vec<u64>,
    pub total_minutes: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct HourProfile {
    pub peak_minutes: u64,
    /// 24 bars, hour 0 to 23.
    pub hours: Vec<HourBar>,
    pub alt: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct HourBar {
    pub hour: u32,
    pub minutes: u64,
    /// 1 to 3 for the most productive hours, best first.
    pub productive_rank: Option<u32>,
    /// money + priority minutes + 30 per task done in the hour (0 when not in the top 3).
    pub score: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct MoneyWasteChart {
    /// Whether the config has a `money` and a `waste` category at all.
    pub has_money: bool,
    pub has_waste: bool,
    pub money_minutes: u64,
    pub waste_minutes: u64,
    pub ratio: Option<f64>,
    pub max_minutes: u64,
    /// What a pair stands for: an ISO week, or for long periods (more than
    /// [`MAX_WEEK_PAIRS`] weeks) a month or a year (the first with at most that many).
    pub unit: BarUnit,
    /// Per week (or month, or year); `week` is its name.
    pub weeks: Vec<WeekPair>,
    /// `summary` when the summary had the weekly trend, `days` when added up here.
    pub source: &'static str,
    pub alt: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct WeekPair {
    pub week: String,
    pub money_minutes: u64,
    pub waste_minutes: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlocksCalendar {
    pub has_blocks: bool,
    pub headings: Vec<String>,
    pub days_with_blocks: usize,
    pub days_won: usize,
    pub win_rate: f64,
    pub current_streak: u32,
    pub current_from: Option<NaiveDate>,
    pub current_to: Option<NaiveDate>,
    pub today_pending: bool,
    pub longest_streak: u32,
    pub longest_from: Option<NaiveDate>,
    pub longest_to: Option<NaiveDate>,
    pub weeks: Vec<CalWeek>,
    /// Per block, the most slipping first.
    pub blocks: Vec<BlockBar>,
    pub alt: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CalWeek {
    /// The week's Monday.
    pub start: NaiveDate,
    pub days: Vec<CalCell>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CalCell {
    pub date: NaiveDate,
    pub state: DayState,
    pub blocks_done: usize,
    pub blocks_total: usize,
    /// A won day of the current (longest) streak.
    pub current_streak: bool,
    pub longest_streak: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlockBar {
    /// The block's text from the note (user data), or `#tag` for a group.
    pub name: String,
    pub done_days: usize,
    pub planned_days: usize,
    pub rate: f64,
    pub current_streak: u32,
    pub longest_streak: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct TagBar {
    pub tag: String,
    pub minutes: u64,
    pub share: f64,
    pub entries: usize,
    /// Of the biggest tag's minutes, 0..1: the bar's length.
    pub scale: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DayLine {
    pub date: NaiveDate,
    pub weekday: String,
    pub has_note: bool,
    pub logged_minutes: u64,
    pub entries: usize,
    pub first: Option<String>,
    pub last: Option<String>,
    pub money_minutes: u64,
    pub waste_minutes: u64,
    pub tasks_done: usize,
    pub blocks_done: usize,
    pub blocks_total: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct LongEntry {
    pub date: NaiveDate,
    pub start: String,
    pub end: Option<String>,
    pub minutes: u32,
    pub category: String,
    pub tags: Vec<String>,
    pub text: String,
    pub path: String,
    pub line: usize,
}

fn period_label(s: &Summary) -> String {
    match (s.period.from, s.period.to) {
        (Some(f), Some(t)) if f == t => f.to_string(),
        (Some(f), Some(t)) => format!("{f} to {t}"),
        _ => "all notes".to_string(),
    }
}

fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

fn ratio_text(r: Option<f64>) -> String {
    match r {
        Some(r) => format!("{r:.2} : 1"),
        None => "no waste time logged".to_string(),
    }
}

fn days_word(n: u32) -> String {
    if n == 1 {
        "1 day".to_string()
    } else {
        format!("{n} days")
    }
}

fn span(from: Option<NaiveDate>, to: Option<NaiveDate>) -> String {
    match (from, to) {
        (Some(f), Some(t)) if f == t => format!(" ({f})"),
        (Some(f), Some(t)) => format!(" ({f} to {t})"),
        _ => String::new(),
    }
}

/// The series (legend) for the summary's categories.
fn series(s: &Summary) -> Vec<Series> {
    let mut other = 0;
    s.categories
        .iter()
        .map(|name| {
            let (kind, colour, fill) = if name == MONEY {
                (Kind::Money, MONEY_COLOUR.to_string(), Fill::Stripes)
            } else if name == WASTE {
                (Kind::Waste, WASTE_COLOUR.to_string(), Fill::Dots)
            } else if name == UNCATEGORISED {
                (
                    Kind::Uncategorised,
                    UNCATEGORISED_COLOUR.to_string(),
                    Fill::Solid,
                )
            } else {
                let c = OTHER_COLOURS[other % OTHER_COLOURS.len()];
                other += 1;
                (Kind::Other, c.to_string(), Fill::Solid)
            };
            let minutes = s
                .category_totals
                .iter()
                .find(|c| &c.category == name)
                .map_or(0, |c| c.minutes);
            Series {
                name: name.clone(),
                kind,
                colour,
                fill,
                minutes,
            }
        })
        .collect()
}

fn day_bars(s: &Summary, series: &[Series]) -> DayBars {
    // The first unit that gives few enough bars (the days are in order).
    let unit = [BarUnit::Day, BarUnit::Week, BarUnit::Month, BarUnit::Year]
        .into_iter()
        .find(|&u| {
            u == BarUnit::Year || {
                let mut n = 0;
                let mut last = None;
                for d in &s.days {
                    let name = if u == BarUnit::Day {
                        None
                    } else {
                        Some(u.name(d.date))
                    };
                    if u == BarUnit::Day || name != last {
                        n += 1;
                        last = name;
                    }
                }
                n <= MAX_BARS
            }
        })
        .unwrap_or(BarUnit::Year);
    let mut days: Vec<DayBar> = Vec::new();
    let mut minutes = vec![0u64; series.len()];
    let close = |bar: &mut DayBar, minutes: &mut [u64]| {
        bar.segments = series
            .iter()
            .enumerate()
            .filter(|&(i, _)| minutes[i] > 0)
            .map(|(i, se)| Segment {
                series: i,
                category: se.name.clone(),
                minutes: minutes[i],
            })
            .collect();
        minutes.fill(0);
    };
    for d in &s.days {
        let name = unit.name(d.date);
        let same = unit != BarUnit::Day && days.last().is_some_and(|b| b.weekday == name);
        if !same {
            if let Some(bar) = days.last_mut() {
                close(bar, &mut minutes);
            }
            days.push(DayBar {
                date: d.date,
                to: (unit != BarUnit::Day).then_some(d.date),
                weekday: if unit == BarUnit::Day {
                    d.weekday.to_string()
                } else {
                    name
                },
                has_note: false,
                total_minutes: 0,
                segments: Vec::new(),
            });
        }
        let bar = days.last_mut().expect("pushed above");
        if unit != BarUnit::Day {
            bar.to = Some(d.date);
        }
        bar.has_note |= d.has_note;
        bar.total_minutes += d.logged_minutes;
        for (i, se) in series.iter().enumerate() {
            minutes[i] += d.categories.get(&se.name).copied().unwrap_or(0);
        }
    }
    if let Some(bar) = days.last_mut() {
        close(bar, &mut minutes);
    }
    let max_minutes = days.iter().map(|d| d.total_minutes).max().unwrap_or(0);
    let logged = days.iter().filter(|d| d.total_minutes > 0).count();
    let word = unit.word();
    let mut alt = format!(
        "Logged time per {word}, stacked by category, for {} {word}s ({} with a log).",
        days.len(),
        logged
    );
    if let Some(top) = days
        .iter()
        .filter(|d| d.total_minutes > 0)
        .max_by_key(|d| (d.total_minutes, std::cmp::Reverse(d.date)))
    {
        let when = match top.to {
            Some(to) => format!("{} ({} to {to})", top.weekday, top.date),
            None => format!("{} {}", top.weekday, top.date),
        };
        alt.push_str(&format!(
            " The longest {word} is {when} with {}.",
            duration(top.total_minutes)
        ));
    }
    for se in series
        .iter()
        .filter(|se| matches!(se.kind, Kind::Money | Kind::Waste))
    {
        alt.push_str(&format!(
            " {} in total: {}.",
            capitalise(&se.name),
            duration(se.minutes)
        ));
    }
    alt.push_str(" The table of days below has every number.");
    DayBars {
        unit,
        max_minutes,
        days,
        alt,
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The weekday x hour minutes: the summary's grid, or (a period of a week or less, which
/// the summary's JSON leaves the grid out for) the same sums kept beside it.
pub fn weekday_hour_grid(s: &Summary) -> (Vec<Vec<u64>>, &'static str) {
    if let Some(g) = &s.hours.weekday_grid {
        return (g.iter().map(|r| r.minutes.clone()).collect(), "summary");
    }
    let grid = s.hours.weekday_minutes.iter().map(|r| r.to_vec()).collect();
    (grid, "entries")
}

fn hour_range(h: usize) -> String {
    format!("{:02}:00–{:02}:00", h, (h + 1) % 24)
}

fn heatmap(s: &Summary) -> Heatmap {
    let (grid, source) = weekday_hour_grid(s);
    let rows: Vec<HeatRow> = grid
        .into_iter()
        .enumerate()
        .map(|(i, minutes)| HeatRow {
            weekday: WEEKDAYS[i].to_string(),
            total_minutes: minutes.iter().sum(),
            minutes,
        })
        .collect();
    let max_minutes = rows
        .iter()
        .flat_map(|r| r.minutes.iter().copied())
        .max()
        .unwrap_or(0);
    let mut alt = "Logged time by weekday (rows, Monday first) and hour of day (columns), \
                   added up over the period; darker is more."
        .to_string();
    let mut best: Option<(u64, usize, usize)> = None;
    for (w, r) in rows.iter().enumerate() {
        for (h, m) in r.minutes.iter().enumerate() {
            if *m > 0 && best.is_none_or(|b| *m > b.0) {
                best = Some((*m, w, h));
            }
        }
    }
    if let Some((m, w, h)) = best {
        alt.push_str(&format!(
            " The busiest slot is {} {} with {}.",
            WEEKDAYS[w],
            hour_range(h),
            duration(m)
        ));
    }
    if let Some(r) = rows
        .iter()
        .filter(|r| r.total_minutes > 0)
        .max_by_key(|r| r.total_minutes)
    {
        alt.push_str(&format!(
            " The busiest weekday is {} with {}.",
            r.weekday,
            duration(r.total_minutes)
        ));
    }
    Heatmap {
        rows,
        max_minutes,
        source,
        alt,
    }
}

fn hours(s: &Summary) -> HourProfile {
    let hours: Vec<HourBar> = s
        .hours
        .per_hour
        .iter()
        .map(|h| {
            let p = s.hours.productive.iter().position(|p| p.hour == h.hour);
            HourBar {
                hour: h.hour,
                minutes: h.minutes,
                productive_rank: p.map(|i| i as u32 + 1),
                score: p.map_or(0, |i| s.hours.productive[i].score),
            }
        })
        .collect();
    let mut alt = "Logged time per hour of the day, added up over the period.".to_string();
    if let Some(top) = hours
        .iter()
        .filter(|h| h.minutes > 0)
        .max_by_key(|h| (h.minutes, std::cmp::Reverse(h.hour)))
    {
        alt.push_str(&format!(
            " The busiest hour is {} with {}.",
            hour_range(top.hour as usize),
            duration(top.minutes)
        ));
    }
    if s.hours.productive.is_empty() {
        alt.push_str(" No hour has money or priority time or a task done.");
    } else {
        let list: Vec<String> = s
            .hours
            .productive
            .iter()
            .map(|p| format!("{} (score {})", hour_range(p.hour as usize), p.score))
            .collect();
        alt.push_str(&format!(
            " The most productive hours, marked with a star, are {}.",
            list.join(", ")
        ));
    }
    HourProfile {
        peak_minutes: s.hours.peak_minutes,
        hours,
        alt,
    }
}

/// Money and waste minutes per ISO week: the summary's trend, or the same sum over its
/// days when the period is a week or shorter (the summary leaves the trend out then).
/// Most pairs the money-against-waste chart draws: two years of weeks.
pub const MAX_WEEK_PAIRS: usize = 104;

/// Money and waste per `unit` (an ISO week, a month or a year), added up from the days.
fn pairs_by(s: &Summary, unit: BarUnit) -> Vec<WeekPair> {
    let mut out: Vec<WeekPair> = Vec::new();
    for d in &s.days {
        let name = unit.name(d.date);
        if out.last().is_none_or(|w| w.week != name) {
            out.push(WeekPair {
                week: name,
                money_minutes: 0,
                waste_minutes: 0,
            });
        }
        let w = out.last_mut().expect("pushed above");
        w.money_minutes += d.categories.get(MONEY).copied().unwrap_or(0);
        w.waste_minutes += d.categories.get(WASTE).copied().unwrap_or(0);
    }
    out
}

/// The money-against-waste pairs: per ISO week ([`week_pairs`]), or per month or year when
/// there are more than [`MAX_WEEK_PAIRS`] weeks.
fn money_waste_pairs(s: &Summary) -> (Vec<WeekPair>, BarUnit, &'static str) {
    let (weeks, source) = week_pairs(s);
    if weeks.len() <= MAX_WEEK_PAIRS {
        return (weeks, BarUnit::Week, source);
    }
    let months = pairs_by(s, BarUnit::Month);
    if months.len() <= MAX_WEEK_PAIRS {
        return (months, BarUnit::Month, "days");
    }
    (pairs_by(s, BarUnit::Year), BarUnit::Year, "days")
}

pub fn week_pairs(s: &Summary) -> (Vec<WeekPair>, &'static str) {
    if !s.money_waste.trend.is_empty() {
        let v = s
            .money_waste
            .trend
            .iter()
            .map(|w| WeekPair {
                week: w.week.clone(),
                money_minutes: w.money_minutes,
                waste_minutes: w.waste_minutes,
            })
            .collect();
        return (v, "summary");
    }
    (pairs_by(s, BarUnit::Week), "days")
}

fn money_waste(s: &Summary) -> MoneyWasteChart {
    let (weeks, unit, source) = money_waste_pairs(s);
    let mw = &s.money_waste;
    let has_money = s.categories.iter().any(|c| c == MONEY);
    let has_waste = s.categories.iter().any(|c| c == WASTE);
    let max_minutes = weeks
        .iter()
        .map(|w| w.money_minutes.max(w.waste_minutes))
        .max()
        .unwrap_or(0);
    let mut alt = format!(
        "Money time against waste time per {}. In total: money {} ({}), waste {} ({}); \
         money : waste {}.",
        match unit {
            BarUnit::Week => "ISO week",
            u => u.word(),
        },
        duration(mw.money_minutes),
        percent(mw.money_share),
        duration(mw.waste_minutes),
        percent(mw.waste_share),
        ratio_text(mw.ratio)
    );
    for w in &weeks {
        alt.push_str(&format!(
            " {}: money {}, waste {}.",
            w.week,
            duration(w.money_minutes),
            duration(w.waste_minutes)
        ));
    }
    MoneyWasteChart {
        has_money,
        has_waste,
        money_minutes: mw.money_minutes,
        waste_minutes: mw.waste_minutes,
        ratio: mw.ratio,
        max_minutes,
        unit,
        weeks,
        source,
        alt,
    }
}

fn calendar(b: &BlocksReport) -> BlocksCalendar {
    let within = |d: NaiveDate, from: Option<NaiveDate>, to: Option<NaiveDate>| matches!((from, to), (Some(f), Some(t)) if f <= d && d <= t);
    let cur = &b.current_streak;
    let (lf, lt, ld) = match &b.longest_streak {
        Some(l) => (Some(l.from), Some(l.to), l.days),
        None => (None, None, 0),
    };
    let weeks: Vec<CalWeek> = b
        .calendar
        .weeks
        .iter()
        .map(|w| CalWeek {
            start: w.start,
            days: w
                .days
                .iter()
                .map(|c| {
                    // The days are in date order: found by halving, not by a scan per cell
                    // (a century's calendar was 36,500 scans of 36,500 days).
                    let day = b
                        .days
                        .binary_search_by_key(&c.date, |d| d.date)
                        .ok()
                        .map(|i| &b.days[i]);
                    let won = c.state == DayState::Won;
                    CalCell {
                        date: c.date,
                        state: c.state,
                        blocks_done: day.map_or(0, |d| d.blocks_done),
                        blocks_total: day.map_or(0, |d| d.blocks_total),
                        current_streak: won && cur.days > 0 && within(c.date, cur.from, cur.to),
                        longest_streak: won && ld > 0 && within(c.date, lf, lt),
                    }
                })
                .collect(),
        })
        .collect();
    let blocks: Vec<BlockBar> = b
        .blocks
        .iter()
        .chain(&b.groups)
        .map(|s| BlockBar {
            name: s.name.clone(),
            done_days: s.done_days,
            planned_days: s.planned_days,
            rate: s.rate,
            current_streak: s.current_streak,
            longest_streak: s.longest_streak,
        })
        .collect();
    let o = &b.overview;
    let alt = if b.has_blocks {
        let mut a = format!(
            "Time blocks per day, one column per week (Monday at the top): {} of {} days with \
             blocks won ({}). Current streak: {}{}{}. Longest streak: {}{}.",
            o.days_won,
            o.days_with_blocks,
            percent(o.win_rate),
            days_word(cur.days),
            span(cur.from, cur.to),
            if cur.today_pending {
                ", today not won yet"
            } else {
                ""
            },
            days_word(ld),
            span(lf, lt),
        );
        if o.days_partial + o.days_missed > 0 {
            a.push_str(&format!(
                " {} partial, {} missed.",
                days_word(o.days_partial as u32),
                days_word(o.days_missed as u32)
            ));
        }
        a
    } else {
        "No time blocks in these notes.".to_string()
    };
    BlocksCalendar {
        has_blocks: b.has_blocks,
        headings: b.headings.clone(),
        days_with_blocks: o.days_with_blocks,
        days_won: o.days_won,
        win_rate: o.win_rate,
        current_streak: cur.days,
        current_from: cur.from,
        current_to: cur.to,
        today_pending: cur.today_pending,
        longest_streak: ld,
        longest_from: lf,
        longest_to: lt,
        weeks,
        blocks,
        alt,
    }
}

fn overview(s: &Summary, b: &BlocksReport) -> Vec<Stat> {
    let o = &s.overview;
    let mw = &s.money_waste;
    let stat = |label: &str, value: String, note: Option<String>| Stat {
        label: label.to_string(),
        value,
        note,
    };
    let mut v = vec![
        stat(
            "Logged",
            duration(o.total_minutes),
            Some(format!("{} entries", o.entries)),
        ),
        stat(
            "Days with a log",
            format!("{} of {}", o.days_with_log, o.days_in_period),
            Some(format!(
                "{} average per logged day",
                duration(o.average_minutes_per_logged_day)
            )),
        ),
        stat(
            "Money",
            duration(mw.money_minutes),
            Some(format!("{} of the logged time", percent(mw.money_share))),
        ),
        stat(
            "Waste",
            duration(mw.waste_minutes),
            Some(format!("{} of the logged time", percent(mw.waste_share))),
        ),
        stat("Money : waste", ratio_text(mw.ratio), None),
    ];
    if b.has_blocks {
        v.push(stat(
            "Blocks streak",
            days_word(b.current_streak.days),
            Some(format!(
                "longest {}; {} of {} days won",
                days_word(b.longest_streak.as_ref().map_or(0, |l| l.days)),
                b.overview.days_won,
                b.overview.days_with_blocks
            )),
        ));
    }
    if o.gaps.count > 0 {
        v.push(stat(
            "Unlogged gaps",
            duration(o.gaps.total_minutes),
            Some(format!("in {} gaps between entries", o.gaps.count)),
        ));
    }
    v
}

/// The report data for the page. Pure: the same inputs give the same data.
pub fn html_report(s: &Summary, b: &BlocksReport, opts: &HtmlOptions) -> HtmlReport {
    let series = series(s);
    let max_tag = s.tags.iter().map(|t| t.minutes).max().unwrap_or(0);
    HtmlReport {
        title: format!("Time log: {}", period_label(s)),
        source: opts.source.clone(),
        today: b.today,
        empty: s.overview.entries == 0,
        overview: overview(s, b),
        day_bars: day_bars(s, &series),
        heatmap: heatmap(s),
        hours: hours(s),
        money_waste: money_waste(s),
        calendar: calendar(b),
        tags: s
            .tags
            .iter()
            .map(|t| TagBar {
                tag: t.tag.clone(),
                minutes: t.minutes,
                share: t.share,
                entries: t.entries,
                scale: if max_tag == 0 {
                    0.0
                } else {
                    (t.minutes as f64 / max_tag as f64 * 1000.0).round() / 1000.0
                },
            })
            .collect(),
        days: s
            .days
            .iter()
            .map(|d| DayLine {
                date: d.date,
                weekday: d.weekday.to_string(),
                has_note: d.has_note,
                logged_minutes: d.logged_minutes,
                entries: d.entries,
                first: d.first.map(|c| c.to_string()),
                last: d.last.map(|c| c.to_string()),
                money_minutes: d.categories.get(MONEY).copied().unwrap_or(0),
                waste_minutes: d.categories.get(WASTE).copied().unwrap_or(0),
                tasks_done: d.tasks_done,
                blocks_done: d.blocks_done,
                blocks_total: d.blocks_total,
            })
            .collect(),
        longest: s
            .longest
            .iter()
            .map(|e| LongEntry {
                date: e.date,
                start: e.start.to_string(),
                end: e.end.map(|c| c.to_string()),
                minutes: e.minutes,
                category: e.category.to_string(),
                tags: e.tags.clone(),
                text: e.text.clone(),
                path: e.path.to_string(),
                line: e.line,
            })
            .collect(),
        series,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;
    use crate::report::Period;
    use crate::report::blocks::{BlocksOptions, blocks_report};
    use crate::report::summary::summarize;
    use crate::report::summary::tests::{d, note};

    /// More than 400 months of days: a bar per year, and money against waste per year.
    #[test]
    fn decades_are_drawn_by_year() {
        let start = d("1990-01-01");
        let notes: Vec<_> = (0..12_500)
            .map(|i| {
                let date = (start + chrono::Duration::days(i)).to_string();
                note(
                    Some(&date),
                    "## Log\n- 09:00-10:00 write #money\n- 10:00-10:20 feeds\n",
                )
            })
            .collect();
        let settings = Settings::default();
        let today = d("2030-01-01");
        let s = summarize(&notes, &settings, &Period::ALL, today, 0);
        let b = blocks_report(
            &notes,
            &settings,
            &Period::ALL,
            today,
            &BlocksOptions::default(),
        );
        let r = html_report(
            &s,
            &b,
            &HtmlOptions {
                source: "notes".into(),
            },
        );
        let bars = &r.day_bars;
        assert_eq!(bars.unit, BarUnit::Year);
        // 1990-01-01 to 2024-03-22.
        assert_eq!(bars.days.len(), 35);
        assert_eq!(
            (
                bars.days[0].weekday.as_str(),
                bars.days[34].weekday.as_str()
            ),
            ("1990", "2024")
        );
        assert_eq!(bars.days[34].to, Some(d("2024-03-22")));
        assert_eq!(
            bars.days.iter().map(|b| b.total_minutes).sum::<u64>(),
            12_500 * 80
        );
        assert_eq!(bars.days[0].total_minutes, 365 * 80);
        assert!(
            bars.alt
                .starts_with("Logged time per year, stacked by category, for 35 years")
        );
        let mw = &r.money_waste;
        assert_eq!((mw.unit, mw.weeks.len()), (BarUnit::Year, 35));
        assert_eq!(
            mw.weeks.iter().map(|w| w.money_minutes).sum::<u64>(),
            12_500 * 60
        );
        assert_eq!(mw.weeks[1].week, "1991");
    }
}
