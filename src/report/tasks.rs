//! Task selections for the daily game (issue 5): what to knock out next, half-done parents,
//! stale (rolled-over) tasks, and whether the day's priorities came first.
//!
//! Everything here is pure: notes in, sorted data out; `today` is passed in. The CLI renders
//! the results.
//!
//! Rules decided here:
//!
//! - **Leaf**: an open task none of whose descendants is open (a parent whose micro-tasks are
//!   all done or cancelled is a leaf again: only checking it off is left).
//! - **Priority rank**: Highest (🔺), then High (⏫) or a priority tag from the config
//!   (case-insensitive, `#` optional), then Medium, then none/Normal, then Low, then Lowest.
//!   A task is "a priority" when its rank is High or better.
//! - **Daily numbered list**: tasks with an ordinal under the same parent task (or both at the
//!   top level), in the same heading section of the same note, form one list as long as the
//!   ordinals go up; a lower ordinal or a bulleted task of the same parent and section starts
//!   a new list. Only the first open item of a list is a candidate for `next`; the later
//!   open items and everything nested under them are held back.
//! - **Start date**: a task whose start date (🛫, `[start::]`) is after `today` is not yet
//!   actionable and is not a candidate for `next`.
//! - **Stale**: chains are followed by the task text, trimmed and with white space collapsed
//!   (case kept), over dated tasks in date order. A chain whose latest occurrence is done or
//!   cancelled is finished, so not stale.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use crate::load::LoadedNote;
use crate::model::{Note, Priority, Status, Task};
use crate::output::{JSON_SCHEMA_VERSION, TaskFilter, progress};

/// The tag that marks the day's money task.
pub const MONEY_TAG: &str = "money";
/// How many tasks `next` lists when no `--limit` is given.
pub const DEFAULT_NEXT_LIMIT: usize = 10;
/// `--stale` without a number.
pub const DEFAULT_STALE_MOVES: usize = 3;

/// A task and where it is.
#[derive(Debug, Clone, Serialize)]
pub struct TaskRef {
    pub path: String,
    pub line: usize,
    pub text: String,
    pub status: Status,
    pub date: Option<NaiveDate>,
    pub tags: Vec<String>,
    pub priority: Option<Priority>,
    pub due: Option<NaiveDate>,
    pub estimate_minutes: Option<u32>,
    pub depth: usize,
    pub parent_text: Option<String>,
}

impl TaskRef {
    /// The task `i` of `note`.
    pub fn new(note: &LoadedNote, i: usize) -> TaskRef {
        let tasks = &note.note.tasks;
        let t = &tasks[i];
        TaskRef {
            path: note.path.clone(),
            line: t.line,
            text: t.text.clone(),
            status: t.status,
            date: t.date,
            tags: t.tags.clone(),
            priority: t.priority,
            due: t.due,
            estimate_minutes: t.estimate_minutes,
            depth: t.depth,
            parent_text: t.parent.map(|p| tasks[p].text.clone()),
        }
    }
}

/// Options of `mdtasks next`.
#[derive(Debug, Clone, Default)]
pub struct NextOptions {
    /// The time budget: only tasks with an estimate are packed into it.
    pub minutes: Option<u32>,
    /// Most tasks to pick; without `minutes` the default is [`DEFAULT_NEXT_LIMIT`]. Also caps
    /// `without_estimate` and `too_big` (default [`DEFAULT_NEXT_LIMIT`]).
    pub limit: Option<usize>,
    /// Keep only tasks carrying one of these tags (`#area` also matches `#area/sub`).
    pub tags: Vec<String>,
    /// From the config (`summary.priority_tags`).
    pub priority_tags: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct NextReport {
    pub schema_version: u32,
    /// In order; with a budget, the tasks packed into it.
    pub picked: Vec<TaskRef>,
    /// Sum of the picked tasks' estimates.
    pub picked_minutes: u32,
    pub budget_minutes: Option<u32>,
    /// With a budget: candidates without an estimate, in the same order.
    pub without_estimate: Vec<TaskRef>,
    /// With a budget: candidates whose estimate alone exceeds it.
    pub too_big: Vec<TaskRef>,
}

/// Lower-case tag names without `#`, empty ones dropped.
pub(crate) fn norm_tags(tags: &[String]) -> Vec<String> {
    tags.iter()
        .map(|t| t.trim().trim_start_matches('#').to_lowercase())
        .filter(|t| !t.is_empty())
        .collect()
}

/// Whether `tags` holds `want` (lower case) or a tag nested under it.
fn has_tag_nested(tags: &[String], want: &str) -> bool {
    let is = |t: &str| t == want || t.strip_prefix(want).is_some_and(|r| r.starts_with('/'));
    tags.iter().any(|t| {
        if t.is_ascii() {
            // `want` is lower case: compare the tag's first `want.len()` bytes without case,
            // then look for the `/` of a nested tag (what lower-casing first would find).
            t.get(..want.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(want))
                && matches!(t.as_bytes().get(want.len()), None | Some(b'/'))
        } else {
            is(&t.to_lowercase())
        }
    })
}

/// Sort rank of a task's priority: 0 is most urgent. `prio` holds lower-case priority tags.
fn rank(t: &Task, prio: &[String]) -> u8 {
    let tagged = t.tags.iter().any(|g| {
        // An ASCII tag lower-cases to ASCII: compared in place rather than lower-cased into
        // a new string (this runs for every task of every day `summarize` reads).
        if g.is_ascii() {
            prio.iter().any(|p| g.eq_ignore_ascii_case(p))
        } else {
            prio.contains(&g.to_lowercase())
        }
    });
    match t.priority {
        Some(Priority::Highest) => 0,
        _ if tagged => 1,
        Some(Priority::High) => 1,
        Some(Priority::Medium) => 2,
        None | Some(Priority::Normal) => 3,
        Some(Priority::Low) => 4,
        Some(Priority::Lowest) => 5,
    }
}

/// A priority tag, or an Obsidian/Dataview/Logseq priority of High or Highest.
fn is_priority(t: &Task, prio: &[String]) -> bool {
    rank(t, prio) <= 1
}

fn has_open_descendant(tasks: &[Task], i: usize) -> bool {
    tasks[crate::model::descendants(tasks, i)]
        .iter()
        .any(|t| t.status.is_open())
}

/// Tasks held back by a daily numbered list: open items after the first open item of their
/// ordered list, and everything nested under them.
fn held_back(tasks: &[Task]) -> Vec<bool> {
    let mut held = vec![false; tasks.len()];
    // (parent, heading) -> (last ordinal, an open item was seen)
    let mut lists: HashMap<(Option<usize>, Option<usize>), (u64, bool)> = HashMap::new();
    for (i, t) in tasks.iter().enumerate() {
        let key = (t.parent, t.heading);
        let Some(ord) = t.ordinal else {
            lists.remove(&key);
            continue;
        };
        let st = lists.entry(key).or_insert((ord, false));
        if ord < st.0 {
            *st = (ord, false);
        }
        st.0 = ord;
        if t.status.is_open() {
            if st.1 {
                held[i] = true;
            }
            st.1 = true;
        }
    }
    // Parents come before their children in document order.
    for i in 0..tasks.len() {
        if let Some(p) = tasks[i].parent
            && held[p]
        {
            held[i] = true;
        }
    }
    held
}

/// The first open item of each daily numbered list (`1. [ ] ...`): what `tasks` marks as
/// "next".
pub fn numbered_next(tasks: &[Task]) -> Vec<bool> {
    let held = held_back(tasks);
    tasks
        .iter()
        .enumerate()
        .map(|(i, t)| t.ordinal.is_some() && t.status.is_open() && !held[i])
        .collect()
}

/// The order of `next`'s candidates: rank, then due date (undated last), then the task's
/// date (undated last), then path and line.
fn next_order(a: &(u8, TaskRef), b: &(u8, TaskRef)) -> std::cmp::Ordering {
    let key = |(r, t): &(u8, TaskRef)| (*r, t.due.is_none(), t.due, t.date.is_none(), t.date);
    key(a)
        .cmp(&key(b))
        .then_with(|| a.1.path.cmp(&b.1.path))
        .then(a.1.line.cmp(&b.1.line))
}

/// The first `cap` candidates in [`next_order`] of those pushed, holding at most `2 * cap`
/// of them at a time (`cap` may be `usize::MAX`: then every one is held).
#[derive(Debug)]
struct FirstInOrder {
    cap: usize,
    items: Vec<(u8, TaskRef)>,
}

impl FirstInOrder {
    fn new(cap: usize) -> FirstInOrder {
        FirstInOrder {
            cap,
            items: Vec::new(),
        }
    }

    fn push(&mut self, c: (u8, TaskRef)) {
        if self.cap == 0 {
            return;
        }
        self.items.push(c);
        if self.items.len() >= self.cap.saturating_mul(2) {
            self.items.select_nth_unstable_by(self.cap - 1, next_order);
            self.items.truncate(self.cap);
        }
    }

    fn into_sorted(mut self) -> Vec<(u8, TaskRef)> {
        self.items.sort_by(next_order);
        self.items.truncate(self.cap);
        self.items
    }
}

/// The candidates of `next` that the note `n` holds, with their rank: open leaf tasks that
/// are not time blocks, not held back by a numbered list, started by `today` and kept by
/// `filter`. `prio` holds lower-case priority tags.
fn next_candidates(
    n: &LoadedNote,
    today: NaiveDate,
    filter: &TaskFilter,
    prio: &[String],
) -> Vec<(u8, TaskRef)> {
    let tasks = &n.note.tasks;
    if !tasks.iter().any(|t| t.status.is_open()) {
        return Vec::new();
    }
    let held = held_back(tasks);
    let mut out = Vec::new();
    for (i, t) in tasks.iter().enumerate() {
        if !t.status.is_open()
            || t.block
            || held[i]
            || t.start.is_some_and(|s| s > today)
            || has_open_descendant(tasks, i)
            || !filter.accepts(t)
        {
            continue;
        }
        out.push((rank(t, prio), TaskRef::new(n, i)));
    }
    out
}

/// `mdtasks next` over notes that come one at a time ([`NextPicker::add`]), holding only
/// the candidates that can still be listed, whatever the number of notes: without a
/// budget the first `limit` in order; with one, the first `limit` without an estimate and
/// the first `limit` too big, and of the tasks that fit, for each estimate `m`, the first
/// `min(budget / m, limit)`. The greedy packing takes a task of `m` minutes only while `m`
/// minutes are left; once the first `budget / m` tasks of `m` minutes have been passed
/// (each taken, or passed because less than `m` was left), less than `m` is left for every
/// later one: so the tasks held give the packing of all of them.
pub struct NextPicker {
    budget: Option<u32>,
    pick_cap: usize,
    /// Without a budget: every candidate; with one: those without an estimate.
    first: FirstInOrder,
    too_big: FirstInOrder,
    /// With a budget: the tasks that fit, by estimate.
    fitting: BTreeMap<u32, FirstInOrder>,
}

/// What makes a task a candidate of `next`, for [`NextFinder::candidates`] on any thread.
pub struct NextFinder {
    today: NaiveDate,
    prio: Vec<String>,
    filter: TaskFilter,
}

impl NextFinder {
    pub fn new(today: NaiveDate, o: &NextOptions) -> NextFinder {
        NextFinder {
            today,
            prio: norm_tags(&o.priority_tags),
            filter: TaskFilter {
                statuses: None,
                tags: norm_tags(&o.tags),
                due_before: None,
            },
        }
    }

    /// The candidates of one note, with their rank, for [`NextPicker::add`].
    pub fn candidates(&self, n: &LoadedNote) -> Vec<(u8, TaskRef)> {
        next_candidates(n, self.today, &self.filter, &self.prio)
    }
}

impl NextPicker {
    pub fn new(o: &NextOptions) -> NextPicker {
        let cap = o.limit.unwrap_or(DEFAULT_NEXT_LIMIT);
        NextPicker {
            budget: o.minutes,
            pick_cap: o.limit.unwrap_or(usize::MAX),
            first: FirstInOrder::new(cap),
            too_big: FirstInOrder::new(cap),
            fitting: BTreeMap::new(),
        }
    }

    /// Takes candidates from [`NextFinder::candidates`], note after note in path order.
    pub fn add(&mut self, candidates: Vec<(u8, TaskRef)>) {
        for c in candidates {
            let Some(budget) = self.budget else {
                self.first.push(c);
                continue;
            };
            match c.1.estimate_minutes {
                None => self.first.push(c),
                Some(m) if m > budget => self.too_big.push(c),
                Some(m) => {
                    let cap = match m {
                        0 => self.pick_cap,
                        m => self.pick_cap.min((budget / m) as usize),
                    };
                    self.fitting
                        .entry(m)
                        .or_insert_with(|| FirstInOrder::new(cap))
                        .push(c);
                }
            }
        }
    }

    /// The report.
    pub fn finish(self) -> NextReport {
        let mut report = NextReport {
            schema_version: JSON_SCHEMA_VERSION,
            picked: Vec::new(),
            picked_minutes: 0,
            budget_minutes: self.budget,
            without_estimate: Vec::new(),
            too_big: Vec::new(),
        };
        let Some(budget) = self.budget else {
            report.picked = self
                .first
                .into_sorted()
                .into_iter()
                .map(|(_, t)| t)
                .collect();
            report.picked_minutes = report
                .picked
                .iter()
                .filter_map(|t| t.estimate_minutes)
                .sum();
            return report;
        };
        report.without_estimate = self
            .first
            .into_sorted()
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        report.too_big = self
            .too_big
            .into_sorted()
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        let mut fitting: Vec<(u8, TaskRef)> = self
            .fitting
            .into_values()
            .flat_map(FirstInOrder::into_sorted)
            .collect();
        fitting.sort_by(next_order);
        for (_, t) in fitting {
            let m = t.estimate_minutes.unwrap_or(0);
            if report.picked.len() < self.pick_cap && report.picked_minutes + m <= budget {
                report.picked_minutes += m;
                report.picked.push(t);
            }
        }
        report
    }
}

/// `mdtasks next`: open leaf tasks, priority first, then due date, then oldest; with a
/// budget, packed greedily.
pub fn next_tasks(notes: &[LoadedNote], today: NaiveDate, o: &NextOptions) -> NextReport {
    let finder = NextFinder::new(today, o);
    let mut picker = NextPicker::new(o);
    for n in notes {
        picker.add(finder.candidates(n));
    }
    picker.finish()
}

/// A parent task and the progress of its descendants.
#[derive(Debug, Serialize)]
pub struct ParentProgress {
    pub task: TaskRef,
    pub done: usize,
    pub total: usize,
    /// Rounded down, so a parent shows 100 only when every descendant is done.
    pub percent: u32,
}

/// The order of `tasks --in-progress`: half-done first (by percent, highest first), then
/// not started, then complete but not yet checked.
fn progress_group(done: usize, total: usize) -> u8 {
    match done {
        0 => 1,
        d if d < total => 0,
        _ => 2,
    }
}

/// The open parents of one note with at least one counted descendant, in note order, for
/// [`InProgress::add`].
pub fn note_in_progress(n: &LoadedNote) -> Vec<ParentProgress> {
    let tasks = &n.note.tasks;
    let mut out = Vec::new();
    for (i, t) in tasks.iter().enumerate() {
        if !t.status.is_open() {
            continue;
        }
        let Some((done, total)) = progress(tasks, i) else {
            continue;
        };
        if total == 0 {
            continue;
        }
        out.push(ParentProgress {
            task: TaskRef::new(n, i),
            done,
            total,
            percent: (done * 100 / total) as u32,
        });
    }
    out
}

/// A parent of `tasks --in-progress`, held compactly until every note is read: its note by
/// number and its texts in the shared [`InProgress::texts`].
struct ProgressRow {
    note: u32,
    /// Where its text, then its parent's text, start in `texts`.
    at: usize,
    text_len: u32,
    parent_len: Option<u32>,
    line: usize,
    depth: usize,
    done: usize,
    total: usize,
    percent: u32,
    date: Option<NaiveDate>,
    due: Option<NaiveDate>,
    estimate_minutes: Option<u32>,
    status: Status,
    priority: Option<Priority>,
    tags: Vec<String>,
}

/// `mdtasks tasks --in-progress` over notes that come one at a time, in path order: every
/// parent is listed, so every one is held, in a compact form (a century of daily notes has
/// about 200,000).
#[derive(Default)]
pub struct InProgress {
    paths: Vec<String>,
    texts: String,
    rows: Vec<ProgressRow>,
}

impl InProgress {
    /// Takes one note's parents, from [`note_in_progress`].
    pub fn add(&mut self, parents: Vec<ParentProgress>) {
        let Some(first) = parents.first() else {
            return;
        };
        let note = self.paths.len() as u32;
        self.paths.push(first.task.path.clone());
        for p in parents {
            let t = p.task;
            let at = self.texts.len();
            self.texts.push_str(&t.text);
            let parent_len = t.parent_text.map(|pt| {
                self.texts.push_str(&pt);
                pt.len() as u32
            });
            self.rows.push(ProgressRow {
                note,
                at,
                text_len: t.text.len() as u32,
                parent_len,
                line: t.line,
                depth: t.depth,
                done: p.done,
                total: p.total,
                percent: p.percent,
                date: t.date,
                due: t.due,
                estimate_minutes: t.estimate_minutes,
                status: t.status,
                priority: t.priority,
                tags: t.tags,
            });
        }
    }

    /// The parents, half-done first (by percent, highest first), then not started, then
    /// complete but not yet checked; ties by date (undated last), path, line.
    pub fn finish(mut self) -> impl Iterator<Item = ParentProgress> {
        let paths = &self.paths;
        self.rows.sort_unstable_by(|a, b| {
            let k = |r: &ProgressRow| {
                (
                    progress_group(r.done, r.total),
                    std::cmp::Reverse(r.percent),
                    r.date.is_none(),
                    r.date,
                )
            };
            k(a).cmp(&k(b))
                .then_with(|| paths[a.note as usize].cmp(&paths[b.note as usize]))
                .then(a.line.cmp(&b.line))
        });
        let InProgress { paths, texts, rows } = self;
        rows.into_iter().map(move |r| {
            let text_end = r.at + r.text_len as usize;
            let text = texts.get(r.at..text_end).unwrap_or_default().to_string();
            let parent_text = r.parent_len.map(|n| {
                texts
                    .get(text_end..text_end + n as usize)
                    .unwrap_or_default()
                    .to_string()
            });
            ParentProgress {
                task: TaskRef {
                    path: paths[r.note as usize].clone(),
                    line: r.line,
                    text,
                    status: r.status,
                    date: r.date,
                    tags: r.tags,
                    priority: r.priority,
                    due: r.due,
                    estimate_minutes: r.estimate_minutes,
                    depth: r.depth,
                    parent_text,
                },
                done: r.done,
                total: r.total,
                percent: r.percent,
            }
        })
    }
}

/// `mdtasks tasks --in-progress`: open parents (status open, in progress or waiting) with at
/// least one counted descendant; half-done first (by percent, highest first), then not
/// started, then complete but not yet checked; ties by date (undated last), path, line.
pub fn in_progress(notes: &[LoadedNote]) -> Vec<ParentProgress> {
    let mut all = InProgress::default();
    for n in notes {
        all.add(note_in_progress(n));
    }
    all.finish().collect()
}

/// The order `--stale` lists tasks in: the most rolled over first, then by the day, path
/// and line they were first written on.
fn stale_order(a: &StaleTask, b: &StaleTask) -> std::cmp::Ordering {
    fn key(t: &StaleTask) -> (std::cmp::Reverse<usize>, NaiveDate, &str, usize) {
        (
            std::cmp::Reverse(t.moves),
            t.first_written,
            &t.first_path,
            t.first_line,
        )
    }
    key(a).cmp(&key(b))
}

/// A task that keeps being rolled over.
#[derive(Debug, Serialize)]
pub struct StaleTask {
    /// Normalised: trimmed, white space collapsed.
    pub text: String,
    pub first_written: NaiveDate,
    pub first_path: String,
    pub first_line: usize,
    /// Days on which the task was rolled over (`[>]`).
    pub moves: usize,
    /// Where it is open now: its latest occurrence, when that one is open.
    pub current: Option<TaskRef>,
}

fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A dated task, as a link of the chain of its (normalised) text.
pub struct StaleOccurrence {
    text: String,
    date: NaiveDate,
    line: usize,
    status: Status,
    /// The task, when it is open (it is the chain's current task if it is the last).
    open: Option<TaskRef>,
}

/// The dated tasks of one note, for [`StaleChains::add`].
pub fn note_stale_occurrences(n: &LoadedNote) -> Vec<StaleOccurrence> {
    let mut out = Vec::new();
    for (i, t) in n.note.tasks.iter().enumerate() {
        let Some(date) = t.date else { continue };
        let text = normalise(&t.text);
        if text.is_empty() {
            continue;
        }
        out.push(StaleOccurrence {
            text,
            date,
            line: t.line,
            status: t.status,
            open: t.status.is_open().then(|| TaskRef::new(n, i)),
        });
    }
    out
}

/// Where an occurrence is: date, note (by number), line.
type Place = (NaiveDate, u32, usize);

/// What is kept of a chain: its first and last occurrences (in date, path, line order), the
/// last one's status and task, and the days it was rolled over on. A century of daily notes
/// has over 100,000 chains, most of them one task long, so this is kept small.
struct Chain {
    first: Place,
    last: Place,
    last_status: Status,
    current: Option<Box<OpenTask>>,
    rolled: Vec<NaiveDate>,
}

/// The chain's last task when it is open: a [`TaskRef`] without the path (the chain's
/// `last` has the note), and without the text when it is the chain's text.
struct OpenTask {
    text: Option<Box<str>>,
    status: Status,
    date: Option<NaiveDate>,
    tags: Vec<String>,
    priority: Option<Priority>,
    due: Option<NaiveDate>,
    estimate_minutes: Option<u32>,
    depth: usize,
    parent_text: Option<Box<str>>,
}

impl OpenTask {
    fn new(t: TaskRef, chain_text: &str) -> Box<OpenTask> {
        Box::new(OpenTask {
            text: (t.text != chain_text).then(|| t.text.into_boxed_str()),
            status: t.status,
            date: t.date,
            tags: t.tags,
            priority: t.priority,
            due: t.due,
            estimate_minutes: t.estimate_minutes,
            depth: t.depth,
            parent_text: t.parent_text.map(String::into_boxed_str),
        })
    }

    fn task(self, path: &str, line: usize, chain_text: &str) -> TaskRef {
        TaskRef {
            path: path.to_string(),
            line,
            text: self
                .text
                .map_or_else(|| chain_text.to_string(), String::from),
            status: self.status,
            date: self.date,
            tags: self.tags,
            priority: self.priority,
            due: self.due,
            estimate_minutes: self.estimate_minutes,
            depth: self.depth,
            parent_text: self.parent_text.map(String::from),
        }
    }
}

/// `mdtasks tasks --stale N` over notes that come one at a time, in path order, holding
/// each chain's ends and rolled-over days rather than every note.
pub struct StaleChains {
    min_moves: usize,
    paths: Vec<String>,
    chains: BTreeMap<Box<str>, Chain>,
}

impl StaleChains {
    pub fn new(min_moves: usize) -> StaleChains {
        StaleChains {
            min_moves: min_moves.max(1),
            paths: Vec::new(),
            chains: BTreeMap::new(),
        }
    }

    /// Takes one note (its path and [`note_stale_occurrences`]).
    pub fn add(&mut self, path: &str, occurrences: Vec<StaleOccurrence>) {
        if occurrences.is_empty() {
            return;
        }
        let note = self.paths.len() as u32;
        self.paths.push(path.to_string());
        let paths = &self.paths;
        let before = |a: &Place, b: &Place| {
            (a.0, &paths[a.1 as usize], a.2) < (b.0, &paths[b.1 as usize], b.2)
        };
        for o in occurrences {
            let at = (o.date, note, o.line);
            let rolled = o.status == Status::RolledOver;
            match self.chains.get_mut(o.text.as_str()) {
                None => {
                    let current = o.open.map(|t| OpenTask::new(t, &o.text));
                    self.chains.insert(
                        o.text.into_boxed_str(),
                        Chain {
                            first: at,
                            last: at,
                            last_status: o.status,
                            current,
                            rolled: if rolled { vec![o.date] } else { Vec::new() },
                        },
                    );
                }
                Some(c) => {
                    if before(&at, &c.first) {
                        c.first = at;
                    }
                    if before(&c.last, &at) {
                        c.last = at;
                        c.last_status = o.status;
                        c.current = o.open.map(|t| OpenTask::new(t, &o.text));
                    }
                    if rolled && c.rolled.last() != Some(&o.date) {
                        // Days come mostly in order: the repeats are dropped now and then,
                        // so the list holds each day about once.
                        if c.rolled.len() == c.rolled.capacity() && c.rolled.len() >= 64 {
                            c.rolled.sort_unstable();
                            c.rolled.dedup();
                        }
                        c.rolled.push(o.date);
                    }
                }
            }
        }
    }

    /// The stale tasks: most moves first (then first written, path, line).
    pub fn finish(self) -> Vec<StaleTask> {
        let mut out = Vec::new();
        for (text, mut c) in self.chains {
            c.rolled.sort_unstable();
            c.rolled.dedup();
            let moves = c.rolled.len();
            if moves < self.min_moves || matches!(c.last_status, Status::Done | Status::Cancelled) {
                continue;
            }
            let current = c
                .current
                .map(|t| t.task(&self.paths[c.last.1 as usize], c.last.2, &text));
            out.push(StaleTask {
                text: text.into(),
                first_written: c.first.0,
                first_path: self.paths[c.first.1 as usize].clone(),
                first_line: c.first.2,
                moves,
                current,
            });
        }
        out.sort_by(stale_order);
        out
    }
}

/// `mdtasks tasks --stale N`: tasks rolled over on `min_moves` (at least 1) or more days,
/// most moves first (then first written, path, line). Finished chains (latest occurrence done
/// or cancelled) are left out.
pub fn stale_tasks(notes: &[LoadedNote], min_moves: usize) -> Vec<StaleTask> {
    let mut chains = StaleChains::new(min_moves);
    for n in notes {
        chains.add(&n.path, note_stale_occurrences(n));
    }
    chains.finish()
}

/// The day's priority and money tasks, and whether they came first.
#[derive(Debug, Serialize)]
pub struct DayPriorities {
    pub date: NaiveDate,
    pub priority: Vec<TaskRef>,
    /// Every priority task that is not cancelled is done (false when there is none).
    pub priority_done: bool,
    pub money: Vec<TaskRef>,
    pub money_done: bool,
    /// Whether the first task done that day (by the time its log entry shows) was priority
    /// work; None when no done task has a time.
    pub first_done_was_priority: Option<bool>,
}

fn is_priority_heading(text: &str) -> bool {
    // The words are ASCII: an ASCII heading is trimmed byte by byte (a `char` trim was 140
    // instructions a heading, and `summarize` asks for every heading of every note).
    let t = if text.is_ascii() {
        text.trim_matches(|c: char| !c.is_ascii_alphanumeric())
    } else {
        text.trim_matches(|c: char| !c.is_alphanumeric())
    };
    t.eq_ignore_ascii_case("priority") || t.eq_ignore_ascii_case("priorities")
}

/// For each heading of `note`: whether it or a heading it sits under is a Priority heading.
fn under_priority_headings(note: &Note) -> Vec<bool> {
    // The headings above the current one, each with its level and verdict.
    let mut open: Vec<(u8, bool)> = Vec::new();
    note.headings
        .iter()
        .map(|hd| {
            while open.last().is_some_and(|(level, _)| *level >= hd.level) {
                open.pop();
            }
            let under = open.last().is_some_and(|(_, p)| *p) || is_priority_heading(&hd.text);
            open.push((hd.level, under));
            under
        })
        .collect()
}

fn all_done(v: &[TaskRef]) -> bool {
    let mut live = v
        .iter()
        .filter(|t| t.status != Status::Cancelled)
        .peekable();
    live.peek().is_some() && live.all(|t| t.status.is_done())
}

/// The priorities of `date`: tasks of that day with a priority tag or a High/Highest priority,
/// or under a `Priority`/`Priorities` heading; money tasks carry `#money` (or `#money/...`).
/// A task nested under another one of the same kind is covered by it and not listed. The
/// done order comes from time entries that are the done task itself (Day Planner
/// `- [x] 09:00-10:00 ...`, clock lines): the latest end (else start) on that day.
/// `notes` need only be the notes that hold the day (the summary passes each day's own).
pub fn day_priorities(
    notes: &[&LoadedNote],
    date: NaiveDate,
    priority_tags: &[String],
) -> DayPriorities {
    let prio = norm_tags(priority_tags);
    let mut priority = Vec::new();
    let mut money = Vec::new();
    // (time, path, line, is priority work)
    let mut first: Option<(u32, &str, usize, bool)> = None;
    for n in notes {
        let part = note_day_priorities(n, date, &prio);
        priority.extend(part.priority.into_iter().map(|i| TaskRef::new(n, i)));
        money.extend(part.money.into_iter().map(|i| TaskRef::new(n, i)));
        if let Some((at, line, work)) = part.first {
            let cand = (at, n.path.as_str(), line, work);
            if first.is_none_or(|f| (cand.0, cand.1, cand.2) < (f.0, f.1, f.2)) {
                first = Some(cand);
            }
        }
    }
    DayPriorities {
        date,
        priority_done: all_done(&priority),
        money_done: all_done(&money),
        priority,
        money,
        first_done_was_priority: first.map(|f| f.3),
    }
}

/// One note's part of a day's priorities (see [`day_priorities`]).
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct NotePriorities {
    /// Indices into the note's tasks.
    pub priority: Vec<usize>,
    pub money: Vec<usize>,
    /// The note's first done task with a time: (time, line, is priority work).
    pub first: Option<(u32, usize, bool)>,
}

/// The priority and money tasks of `date` in one note, and its first done task by the log.
/// `prio` holds normalised priority tags ([`norm_tags`]).
pub(crate) fn note_day_priorities(
    n: &LoadedNote,
    date: NaiveDate,
    prio: &[String],
) -> NotePriorities {
    note_priorities_by_day(n, prio)
        .into_iter()
        .find(|(d, _)| *d == date)
        .map_or_else(NotePriorities::default, |(_, p)| p)
}

/// [`note_day_priorities`] of every day the note's tasks are on, in order of day (only the
/// days with a priority or money task, or a done task with a time), in one walk over the
/// note: a time log kept as one long note has thousands of days, and walking the whole note
/// for each of them was most of the 6 seconds a 10-year note took.
pub(crate) fn note_priorities_by_day(
    n: &LoadedNote,
    prio: &[String],
) -> Vec<(NaiveDate, NotePriorities)> {
    let mut days: Vec<(NaiveDate, NotePriorities)> = Vec::new();
    for_each_day_task(&n.note, prio, |date, t| {
        let out = day_slot(&mut days, date);
        if t.priority {
            out.priority.push(t.index);
        }
        if t.money {
            out.money.push(t.index);
        }
        if let Some(logged) = t.logged {
            keep_first(&mut out.first, logged);
        }
    });
    days
}

/// What one note adds to a day's priorities in `summarize`: how many of its priority and
/// money tasks there are and how many are done, and its first done task by the log (time,
/// line, whether it was priority work).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PriorityCounts {
    pub priority_done: usize,
    pub priority_total: usize,
    pub money_done: usize,
    pub money_total: usize,
    pub first: Option<(u32, usize, bool)>,
}

/// [`note_priorities_by_day`], counted: the same days, each with the counts of its lists and
/// its first done task. Made for every note `summarize` reads: listing the tasks and then
/// counting them (with three vectors of flags and a hash map a note, as the walk was then)
/// took 21.8 M instructions on 3,650 notes, counting them 13.9 M (0.9 % of the whole; a
/// century's in turn 0.993x the time, within the noise).
pub(crate) fn note_priority_counts(
    note: &Note,
    prio: &[String],
) -> Vec<(NaiveDate, PriorityCounts)> {
    let mut days: Vec<(NaiveDate, PriorityCounts)> = Vec::new();
    for_each_day_task(note, prio, |date, t| {
        let out = day_slot(&mut days, date);
        if t.priority {
            out.priority_total += 1;
            out.priority_done += usize::from(t.done);
        }
        if t.money {
            out.money_total += 1;
            out.money_done += usize::from(t.done);
        }
        if let Some(logged) = t.logged {
            keep_first(&mut out.first, logged);
        }
    });
    days
}

/// A task that counts in its day's priorities (see [`for_each_day_task`]).
struct DayTask {
    /// Its index in the note's tasks.
    index: usize,
    /// A priority task of its day, not under another of the same day.
    priority: bool,
    /// A money task of its day, not under another of the same day.
    money: bool,
    done: bool,
    /// Done and logged on its day: (the end of its last entry, its line, whether it was
    /// priority work: a priority task or under one of the same day).
    logged: Option<(u32, usize, bool)>,
}

/// Keeps in `first` the earlier of it and `logged`, by time, then line.
fn keep_first(first: &mut Option<(u32, usize, bool)>, logged: (u32, usize, bool)) {
    if first.is_none_or(|f| (logged.0, logged.1) < (f.0, f.1)) {
        *first = Some(logged);
    }
}

/// Calls `visit` with the day and the verdicts of each task of the note that counts in its
/// day's priorities (a priority or money task not under another of the same day, or a done
/// task logged that day), in task order. `prio` holds normalised priority tags
/// ([`norm_tags`]). One vector of flags; the rest is walked in place.
fn for_each_day_task(note: &Note, prio: &[String], mut visit: impl FnMut(NaiveDate, DayTask)) {
    let tasks = &note.tasks;
    if tasks.iter().all(|t| t.date.is_none()) {
        return;
    }
    // Most notes have no Priority heading: then no task sits under one.
    let under_heading = if note.headings.iter().any(|h| is_priority_heading(&h.text)) {
        under_priority_headings(note)
    } else {
        Vec::new()
    };
    const PRIO: u8 = 1;
    const MONEY: u8 = 2;
    // Each dated task's flags: a priority tag, field or heading; a money tag.
    let flags: Vec<u8> = tasks
        .iter()
        .map(|t| {
            if t.date.is_none() {
                return 0;
            }
            let under = t
                .heading
                .is_some_and(|h| under_heading.get(h) == Some(&true));
            // A task without tags and priority ranks 3: only its heading makes it priority.
            let (p, m) = if t.tags.is_empty() && t.priority.is_none() {
                (under, false)
            } else {
                (
                    under || is_priority(t, prio),
                    has_tag_nested(&t.tags, MONEY_TAG),
                )
            };
            (u8::from(p) * PRIO) | (u8::from(m) * MONEY)
        })
        .collect();
    // A task of the same day above it with the flag.
    let covered = |i: usize, flag: u8| {
        let mut p = tasks[i].parent;
        while let Some(j) = p {
            if flags[j] & flag != 0 && tasks[j].date == tasks[i].date {
                return true;
            }
            p = tasks[j].parent;
        }
        false
    };
    // When each done task was logged on its day: (task, end of the entry), by task.
    let mut done_at: Vec<(usize, u32)> = Vec::new();
    for e in &note.entries {
        let Some(ti) = e.task else { continue };
        let t = &tasks[ti];
        if e.is_stop || e.date.is_none() || e.date != t.date || !t.status.is_done() {
            continue;
        }
        done_at.push((ti, e.end.unwrap_or(e.start)));
    }
    done_at.sort_unstable();
    let mut done_at = done_at.into_iter().peekable();
    for (i, t) in tasks.iter().enumerate() {
        // The task's last time (the greatest, as the pairs are sorted).
        let mut at = None;
        while let Some((_, time)) = done_at.next_if(|(ti, _)| *ti == i) {
            at = Some(time);
        }
        let Some(date) = t.date else { continue };
        let f = flags[i];
        let priority = f & PRIO != 0 && !covered(i, PRIO);
        let money = f & MONEY != 0 && !covered(i, MONEY);
        if !(priority || money || at.is_some()) {
            continue;
        }
        let logged = at.map(|at| (at, t.line, f & PRIO != 0 || covered(i, PRIO)));
        visit(
            date,
            DayTask {
                index: i,
                priority,
                money,
                done: t.status.is_done(),
                logged,
            },
        );
    }
}

/// The value of `date` in `days` (kept in order of day), added if missing. Notes list their
/// days mostly in order, so a new day usually goes at the end.
#[inline]
pub(crate) fn day_slot<T: Default>(days: &mut Vec<(NaiveDate, T)>, date: NaiveDate) -> &mut T {
    let at = match days.last() {
        Some((last, _)) if *last < date => Err(days.len()),
        Some((last, _)) if *last == date => Ok(days.len() - 1),
        _ => days.binary_search_by(|(d, _)| d.cmp(&date)),
    };
    let at = at.unwrap_or_else(|at| {
        days.insert(at, (date, T::default()));
        at
    });
    &mut days[at].1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{ParseOptions, parse_note};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn note(date: Option<&str>, text: &str) -> LoadedNote {
        let name = date.map_or("undated.md".to_string(), |x| format!("{x}.md"));
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

    const TODAY: &str = "2026-11-26";

    fn opts() -> NextOptions {
        NextOptions {
            priority_tags: vec!["priority".into()],
            ..NextOptions::default()
        }
    }

    fn texts(v: &[TaskRef]) -> Vec<&str> {
        v.iter().map(|t| t.text.as_str()).collect()
    }

    fn next(notes: &[LoadedNote], o: &NextOptions) -> NextReport {
        next_tasks(notes, d(TODAY), o)
    }

    #[test]
    fn order_priority_then_due_then_oldest() {
        let a = note(
            Some("2026-11-20"),
            "- [ ] old plain\n- [ ] low 🔽\n- [ ] lowest ⏬\n- [ ] medium 🔼\n",
        );
        let b = note(
            Some("2026-11-24"),
            "- [ ] new plain\n- [ ] tagged #Priority\n- [ ] high ⏫ 📅 2026-11-30\n\
             - [ ] highest 🔺\n- [ ] due soon 📅 2026-11-25\n- [ ] due later 📅 2026-12-09\n\
             - [/] doing\n- [x] done\n- [-] dropped\n- [>] moved\n",
        );
        let u = note(None, "- [ ] undated\n");
        let r = next(&[u, b, a], &opts());
        assert_eq!(
            texts(&r.picked),
            [
                "highest 🔺",
                "high ⏫ 📅 2026-11-30",
                "tagged #Priority",
                "medium 🔼",
                "due soon 📅 2026-11-25",
                "due later 📅 2026-12-09",
                "old plain",
                "new plain",
                "doing",
                "undated",
            ]
        );
        assert_eq!(r.budget_minutes, None);
        assert!(r.without_estimate.is_empty() && r.too_big.is_empty());
        // the default limit is 10: low and lowest did not make it
        let all = next(
            &[note(
                Some("2026-11-20"),
                "- [ ] low 🔽\n- [ ] lowest ⏬\n- [ ] x\n",
            )],
            &opts(),
        );
        assert_eq!(texts(&all.picked), ["x", "low 🔽", "lowest ⏬"]);
        let lim = next(
            &[note(Some("2026-11-20"), "- [ ] a\n- [ ] b\n- [ ] c\n")],
            &NextOptions {
                limit: Some(2),
                ..opts()
            },
        );
        assert_eq!(texts(&lim.picked), ["a", "b"]);
    }

    #[test]
    fn only_open_leaves_and_started_tasks() {
        let n = note(
            Some("2026-11-24"),
            "- [ ] write post\n  - [x] outline\n  - [ ] draft\n    - [ ] intro\n    - [-] skip\n\
             - [ ] all children done\n  - [x] one\n  - [-] two\n\
             - [ ] later 🛫 2026-11-30\n- [ ] now 🛫 2026-11-26\n",
        );
        let r = next(&[n], &opts());
        assert_eq!(
            texts(&r.picked),
            ["intro", "all children done", "now 🛫 2026-11-26"]
        );
        assert_eq!(r.picked[0].parent_text.as_deref(), Some("draft"));
        assert_eq!(r.picked[0].depth, 2);
    }

    #[test]
    fn greedy_packing_skips_and_continues() {
        let n = note(
            Some("2026-11-24"),
            "- [ ] a ~20m\n- [ ] b ~15m\n- [ ] no estimate\n- [ ] huge ~2h\n- [ ] c ~10m\n\
             - [ ] d ~5m\n",
        );
        let r = next(
            std::slice::from_ref(&n),
            &NextOptions {
                minutes: Some(30),
                ..opts()
            },
        );
        assert_eq!(texts(&r.picked), ["a ~20m", "c ~10m"]);
        assert_eq!(r.picked_minutes, 30);
        assert_eq!(r.budget_minutes, Some(30));
        assert_eq!(texts(&r.without_estimate), ["no estimate"]);
        assert_eq!(texts(&r.too_big), ["huge ~2h"]);

        let r = next(
            std::slice::from_ref(&n),
            &NextOptions {
                minutes: Some(40),
                ..opts()
            },
        );
        assert_eq!(texts(&r.picked), ["a ~20m", "b ~15m", "d ~5m"]);
        assert_eq!(r.picked_minutes, 40);

        // --limit caps the picked tasks under a budget too
        let r = next(
            &[n],
            &NextOptions {
                minutes: Some(40),
                limit: Some(1),
                ..opts()
            },
        );
        assert_eq!(texts(&r.picked), ["a ~20m"]);
        assert_eq!(r.picked_minutes, 20);
    }

    #[test]
    fn estimates_in_all_three_forms() {
        let n = note(
            Some("2026-11-24"),
            "- [ ] tilde ~15m\n- [ ] stopwatch ⏱ 15m\n- [ ] field [estimate:: 15m]\n",
        );
        assert!(n.note.tasks.iter().all(|t| t.estimate_minutes == Some(15)));
        let r = next(
            &[n],
            &NextOptions {
                minutes: Some(45),
                ..opts()
            },
        );
        assert_eq!(r.picked.len(), 3);
        assert_eq!(r.picked_minutes, 45);
        assert!(r.without_estimate.is_empty() && r.too_big.is_empty());
    }

    #[test]
    fn tag_filter_matches_nested_tags() {
        let n = note(
            Some("2026-11-24"),
            "- [ ] a #area\n- [ ] b #Area/Sub\n- [ ] c #areas\n- [ ] d #other\n- [ ] e #x/area\n",
        );
        let r = next(
            std::slice::from_ref(&n),
            &NextOptions {
                tags: vec!["#AREA".into()],
                ..opts()
            },
        );
        assert_eq!(texts(&r.picked), ["a #area", "b #Area/Sub"]);
        let r = next(
            &[n],
            &NextOptions {
                tags: vec!["area/sub".into(), "other".into()],
                ..opts()
            },
        );
        assert_eq!(texts(&r.picked), ["b #Area/Sub", "d #other"]);
    }

    #[test]
    fn numbered_list_offers_only_its_first_open_item() {
        let n = note(
            Some("2026-11-24"),
            "## Today\n\n1. [x] first\n2. [ ] second\n3. [ ] third\n   - [ ] third's step\n\
             4. [ ] fourth\n\n- [ ] bullet\n\n1. [ ] other list one\n2. [ ] other list two\n\n\
             ## Later\n\n1. [ ] later one\n2. [ ] later two\n\n\
             - [ ] parent\n  1. [-] p1\n  2. [ ] p2\n  3. [ ] p3\n",
        );
        let r = next(&[n], &opts());
        assert_eq!(
            texts(&r.picked),
            ["second", "bullet", "other list one", "later one", "p2"]
        );
    }

    #[test]
    fn in_progress_orders_half_done_first() {
        let a = note(
            Some("2026-11-23"),
            "- [ ] not started\n  - [ ] s1\n  - [ ] s2\n\
             - [ ] quarter\n  - [x] q1\n  - [ ] q2\n  - [ ] q3\n  - [ ] q4\n\
             - [ ] complete\n  - [x] c1\n  - [-] c2\n\
             - [x] checked\n  - [x] k1\n\
             - [-] dropped\n  - [ ] d1\n\
             - [ ] only cancelled\n  - [-] o1\n",
        );
        let b = note(
            Some("2026-11-24"),
            "- [/] most\n  - [x] m1\n  - [x] m2\n  - [ ] m3\n    - [x] m3a\n\
             - [ ] half\n  - [x] h1\n  - [ ] h2\n",
        );
        let r = in_progress(&[b, a]);
        let got: Vec<(&str, usize, usize, u32)> = r
            .iter()
            .map(|p| (p.task.text.as_str(), p.done, p.total, p.percent))
            .collect();
        assert_eq!(
            got,
            [
                ("most", 3, 4, 75),
                ("half", 1, 2, 50),
                ("quarter", 1, 4, 25),
                ("not started", 0, 2, 0),
                ("complete", 1, 1, 100),
                ("m3", 1, 1, 100),
            ]
        );
    }

    #[test]
    fn stale_chain_across_four_days() {
        let notes = [
            note(
                Some("2026-11-21"),
                "- [>] call   the bank\n- [>] finished later\n- [>] once\n",
            ),
            note(
                Some("2026-11-22"),
                "- [>] call the bank\n- [>] finished later\n- [ ] once\n",
            ),
            note(
                Some("2026-11-23"),
                "- [>] call the bank \n- [>] finished later\n",
            ),
            note(
                Some("2026-11-24"),
                "# Tasks\n\n- [ ] call the bank\n- [x] finished later\n",
            ),
            note(None, "- [>] call the bank\n"),
        ];
        let r = stale_tasks(&notes, 3);
        assert_eq!(r.len(), 1);
        let s = &r[0];
        assert_eq!(s.text, "call the bank");
        assert_eq!(s.first_written, d("2026-11-21"));
        assert_eq!(s.first_path, "notes/2026-11-21.md");
        assert_eq!(s.first_line, 1);
        assert_eq!(s.moves, 3);
        let cur = s.current.as_ref().unwrap();
        assert_eq!((cur.path.as_str(), cur.line), ("notes/2026-11-24.md", 3));

        let r = stale_tasks(&notes, 1);
        let got: Vec<(&str, usize)> = r.iter().map(|s| (s.text.as_str(), s.moves)).collect();
        assert_eq!(got, [("call the bank", 3), ("once", 1)]);
        assert!(stale_tasks(&notes, 4).is_empty());
    }

    #[test]
    fn day_priorities_from_section_and_log_order() {
        let n = note(
            Some("2026-11-24"),
            "## Priority\n\n- [x] 09:00-10:30 write chapter\n  - [x] outline\n\n\
             ## Tasks\n\n- [x] 10:30-11:00 invoice client #money\n- [ ] email\n\
             - [x] 11:00 review\n- 12:00 lunch\n",
        );
        let other_day = note(Some("2026-11-25"), "## Priority\n\n- [ ] tomorrow\n");
        let r = day_priorities(&[&n, &other_day], d("2026-11-24"), &["priority".into()]);
        assert_eq!(r.date, d("2026-11-24"));
        assert_eq!(texts(&r.priority), ["09:00-10:30 write chapter"]);
        assert!(r.priority_done);
        assert_eq!(texts(&r.money), ["10:30-11:00 invoice client #money"]);
        assert!(r.money_done);
        assert_eq!(r.first_done_was_priority, Some(true));
    }

    #[test]
    fn day_priorities_from_tags_and_a_late_priority() {
        let n = note(
            Some("2026-11-24"),
            "## 🎯 Priorities\n\n### Work\n\n- [-] dropped one\n\n## Log\n\n\
             - [x] 08:00-08:30 email\n- [x] 09:00-11:00 big thing #Priority\n\
             - [ ] pitch #money/client\n- [ ] urgent ⏫\n",
        );
        let r = day_priorities(&[&n], d("2026-11-24"), &["#priority".into()]);
        assert_eq!(
            texts(&r.priority),
            [
                "dropped one",
                "09:00-11:00 big thing #Priority",
                "urgent ⏫"
            ]
        );
        assert!(!r.priority_done);
        assert_eq!(texts(&r.money), ["pitch #money/client"]);
        assert!(!r.money_done);
        assert_eq!(r.first_done_was_priority, Some(false));

        let quiet = note(
            Some("2026-11-24"),
            "- [x] done without time #priority\n- [ ] x\n",
        );
        let r = day_priorities(&[&quiet], d("2026-11-24"), &["priority".into()]);
        assert!(r.priority_done);
        assert!(r.money.is_empty() && !r.money_done);
        assert_eq!(r.first_done_was_priority, None);
    }

    mod priorities_by_day {
        use super::*;
        use proptest::prelude::*;

        /// The priorities of one day as they were computed before `note_priorities_by_day`: a
        /// walk over the whole note for each day.
        fn one_day(n: &LoadedNote, date: NaiveDate, prio: &[String]) -> NotePriorities {
            let note = &n.note;
            let tasks = &note.tasks;
            let mut out = NotePriorities {
                priority: Vec::new(),
                money: Vec::new(),
                first: None,
            };
            let of_day: Vec<bool> = tasks.iter().map(|t| t.date == Some(date)).collect();
            if !of_day.contains(&true) {
                return out;
            }
            let under_heading = under_priority_headings(note);
            let is_prio: Vec<bool> = tasks
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    of_day[i]
                        && (is_priority(t, prio) || t.heading.is_some_and(|h| under_heading[h]))
                })
                .collect();
            let is_money: Vec<bool> = tasks
                .iter()
                .enumerate()
                .map(|(i, t)| of_day[i] && has_tag_nested(&t.tags, MONEY_TAG))
                .collect();
            let mut done_at: HashMap<usize, u32> = HashMap::new();
            for e in &note.entries {
                let Some(ti) = e.task else { continue };
                if e.is_stop || e.date != Some(date) || !of_day[ti] || !tasks[ti].status.is_done() {
                    continue;
                }
                let at = e.end.unwrap_or(e.start);
                let slot = done_at.entry(ti).or_insert(at);
                *slot = (*slot).max(at);
            }
            for (i, t) in tasks.iter().enumerate() {
                if is_prio[i] && !has_ancestor(tasks, i, &is_prio) {
                    out.priority.push(i);
                }
                if is_money[i] && !has_ancestor(tasks, i, &is_money) {
                    out.money.push(i);
                }
                if let Some(&at) = done_at.get(&i) {
                    let work = is_prio[i] || has_ancestor(tasks, i, &is_prio);
                    if out.first.is_none_or(|f| (at, t.line) < (f.0, f.1)) {
                        out.first = Some((at, t.line, work));
                    }
                }
            }
            out
        }

        fn has_ancestor(tasks: &[Task], i: usize, marked: &[bool]) -> bool {
            let mut p = tasks[i].parent;
            while let Some(j) = p {
                if marked[j] {
                    return true;
                }
                p = tasks[j].parent;
            }
            false
        }

        /// Lines of notes with several days: date headings, priority headings above and
        /// below them, nested priority and money tasks, done tasks with and without times.
        const LINES: &[&str] = &[
            "## 2026-11-21",
            "## 2026-11-22",
            "### 2026-11-23",
            "## Priority",
            "### Work",
            "## Log",
            "- [x] 09:00-10:00 write #priority",
            "- [x] 10:00-10:30 invoice #money",
            "- [ ] email #money",
            "  - [x] 08:00 nested #priority",
            "  - [x] 11:00-11:30 nested done",
            "    - [ ] deeper #money/client",
            "    - [x] 07:00 deeper done #priority",
            "- [x] 11:00 review",
            "- [x] done without a time",
            "- [ ] urgent ⏫",
            "- [-] dropped #priority",
            "- [ ] shout #MONEY",
            "- [x] logged twice #money\n  :LOGBOOK:\n  \
             CLOCK: [2026-11-20 Fri 15:00:00]--[2026-11-20 Fri 16:00:00] =>  01:00:00\n  \
             CLOCK: [2026-11-20 Fri 08:00:00]--[2026-11-20 Fri 08:30:00] =>  00:30:00\n  \
             :END:",
            "  - [x] 14:00-14:30 call #Priority ⏬",
            "- 12:00 lunch",
            "",
        ];

        /// A note of the lines of `LINES` at `lines` (dated 2026-11-20 when `dated`), its
        /// text, and the priority tags the tests take.
        fn generated(lines: &[usize], dated: bool) -> (String, LoadedNote, Vec<String>) {
            let text: String = lines.iter().map(|&i| format!("{}\n", LINES[i])).collect();
            let n = note(dated.then_some("2026-11-20"), &text);
            (text, n, norm_tags(&["priority".to_string()]))
        }

        proptest! {
            #![proptest_config(ProptestConfig {
                cases: 256,
                failure_persistence: None,
                ..ProptestConfig::default()
            })]

            /// Every day's priorities from the one walk equal the walk for that day alone,
            /// and the walk lists exactly the days that have any.
            #[test]
            fn one_walk_equals_a_walk_per_day(
                lines in proptest::collection::vec(0..LINES.len(), 0..40),
                dated in any::<bool>(),
            ) {
                let (text, n, prio) = generated(&lines, dated);
                let by_day = note_priorities_by_day(&n, &prio);
                let mut want = Vec::new();
                for day in 19..=24 {
                    let date = d(&format!("2026-11-{day}"));
                    let one = one_day(&n, date, &prio);
                    prop_assert_eq!(&note_day_priorities(&n, date, &prio), &one);
                    if !one.priority.is_empty() || !one.money.is_empty() || one.first.is_some() {
                        want.push((date, one));
                    }
                }
                prop_assert_eq!(by_day, want, "{}", text);
            }

            /// The counts `summarize` takes are the lists' counts: the same days, as many
            /// priority and money tasks (and done ones), the same first done task.
            #[test]
            fn counts_are_the_lists_counted(
                lines in proptest::collection::vec(0..LINES.len(), 0..40),
                dated in any::<bool>(),
            ) {
                let (text, n, prio) = generated(&lines, dated);
                let done = |v: &[usize]| {
                    v.iter().filter(|&&i| n.note.tasks[i].status.is_done()).count()
                };
                let want: Vec<(NaiveDate, PriorityCounts)> = note_priorities_by_day(&n, &prio)
                    .into_iter()
                    .map(|(d, p)| {
                        let counts = PriorityCounts {
                            priority_done: done(&p.priority),
                            priority_total: p.priority.len(),
                            money_done: done(&p.money),
                            money_total: p.money.len(),
                            first: p.first,
                        };
                        (d, counts)
                    })
                    .collect();
                prop_assert_eq!(note_priority_counts(&n.note, &prio), want, "{}", text);
            }
        }
    }

    mod picker {
        use super::*;
        use proptest::prelude::*;

        /// `next` as it was before it streamed: every candidate sorted, then packed.
        fn brute_force(cands: &[(u8, TaskRef)], o: &NextOptions) -> NextReport {
            let mut all = cands.to_vec();
            all.sort_by(next_order);
            let cap = o.limit.unwrap_or(DEFAULT_NEXT_LIMIT);
            let mut r = NextReport {
                schema_version: JSON_SCHEMA_VERSION,
                picked: Vec::new(),
                picked_minutes: 0,
                budget_minutes: o.minutes,
                without_estimate: Vec::new(),
                too_big: Vec::new(),
            };
            let ordered = all.into_iter().map(|(_, t)| t);
            match o.minutes {
                None => {
                    r.picked = ordered.take(cap).collect();
                    r.picked_minutes = r.picked.iter().filter_map(|t| t.estimate_minutes).sum();
                }
                Some(budget) => {
                    let pick_cap = o.limit.unwrap_or(usize::MAX);
                    for t in ordered {
                        match t.estimate_minutes {
                            None => r.without_estimate.push(t),
                            Some(m) if m > budget => r.too_big.push(t),
                            Some(m) => {
                                if r.picked.len() < pick_cap && r.picked_minutes + m <= budget {
                                    r.picked_minutes += m;
                                    r.picked.push(t);
                                }
                            }
                        }
                    }
                    r.without_estimate.truncate(cap);
                    r.too_big.truncate(cap);
                }
            }
            r
        }

        fn where_(ts: &[TaskRef]) -> Vec<(String, usize)> {
            ts.iter().map(|t| (t.path.clone(), t.line)).collect()
        }

        proptest! {
            #![proptest_config(ProptestConfig {
                cases: 400,
                failure_persistence: None,
                ..ProptestConfig::default()
            })]

            /// The picker holds only the candidates that can be listed, and lists the same
            /// tasks in the same order as sorting every candidate and packing them.
            #[test]
            fn picker_equals_sorting_every_candidate(
                tasks in prop::collection::vec(
                    (0u8..6, prop::option::of(0u32..5), prop::option::of(0u32..4),
                     prop::option::of(0u32..50), 0usize..3),
                    0..300,
                ),
                budget in prop::option::of(0u32..90),
                limit in prop::option::of(0usize..12),
                per_note in 1usize..40,
            ) {
                let o = NextOptions { minutes: budget, limit, ..NextOptions::default() };
                let base = d("2026-01-01");
                let cands: Vec<(u8, TaskRef)> = tasks
                    .iter()
                    .enumerate()
                    .map(|(i, &(rank, due, date, est, note))| {
                        let day = |n: u32| base + chrono::Duration::days(i64::from(n));
                        (rank, TaskRef {
                            path: format!("n/{}.md", (i / per_note) * 3 + note),
                            line: i + 1,
                            text: format!("task {i}"),
                            status: Status::Open,
                            date: date.map(day),
                            tags: Vec::new(),
                            priority: None,
                            due: due.map(day),
                            estimate_minutes: est,
                            depth: 0,
                            parent_text: None,
                        })
                    })
                    .collect();
                let mut picker = NextPicker::new(&o);
                for note in cands.chunks(per_note) {
                    picker.add(note.to_vec());
                }
                let got = picker.finish();
                let want = brute_force(&cands, &o);
                prop_assert_eq!(where_(&got.picked), where_(&want.picked));
                prop_assert_eq!(got.picked_minutes, want.picked_minutes);
                prop_assert_eq!(where_(&got.without_estimate), where_(&want.without_estimate));
                prop_assert_eq!(where_(&got.too_big), where_(&want.too_big));
            }
        }
    }

    mod streamed {
        use super::*;
        use proptest::prelude::*;

        /// `tasks --stale` as it was before it streamed: every note held, every occurrence
        /// of a chain sorted.
        /// One occurrence of a chain: date, path, line, note index, task index.
        type Occurrence<'a> = (NaiveDate, &'a str, usize, usize, usize);

        fn stale_brute_force(notes: &[LoadedNote], min_moves: usize) -> Vec<StaleTask> {
            let mut chains: BTreeMap<String, Vec<Occurrence>> = BTreeMap::new();
            for (ni, n) in notes.iter().enumerate() {
                for (ti, t) in n.note.tasks.iter().enumerate() {
                    let Some(date) = t.date else { continue };
                    let key = normalise(&t.text);
                    if !key.is_empty() {
                        chains
                            .entry(key)
                            .or_default()
                            .push((date, &n.path, t.line, ni, ti));
                    }
                }
            }
            let mut out = Vec::new();
            for (text, mut occ) in chains {
                occ.sort();
                let status =
                    |o: &(NaiveDate, &str, usize, usize, usize)| notes[o.3].note.tasks[o.4].status;
                let moves = occ
                    .iter()
                    .filter(|o| status(o) == Status::RolledOver)
                    .map(|o| o.0)
                    .collect::<std::collections::BTreeSet<_>>()
                    .len();
                let last = occ.last().unwrap();
                if moves < min_moves.max(1)
                    || matches!(status(last), Status::Done | Status::Cancelled)
                {
                    continue;
                }
                out.push(StaleTask {
                    text,
                    first_written: occ[0].0,
                    first_path: occ[0].1.to_string(),
                    first_line: occ[0].2,
                    moves,
                    current: status(last)
                        .is_open()
                        .then(|| TaskRef::new(&notes[last.3], last.4)),
                });
            }
            out.sort_by(stale_order);
            out
        }

        /// A note named `name`, with a section per day of `days` (offsets from a base day),
        /// each holding tasks from a small set of texts and marks (so chains repeat).
        /// A day's offset and its tasks (text, mark, depth), by number.
        type Day = (u8, Vec<(u8, u8, u8)>);

        fn make_note(name: &str, days: &[Day]) -> LoadedNote {
            const TEXTS: [&str; 5] = ["call Bo", " call  Bo", "write", "file taxes", "write #x"];
            const MARKS: [char; 5] = [' ', 'x', '>', '-', '/'];
            let mut text = String::new();
            for (day, tasks) in days {
                let date = d("2026-01-01") + chrono::Duration::days(i64::from(*day));
                text.push_str(&format!("## {date}\n\n"));
                for &(t, m, depth) in tasks {
                    let indent = "  ".repeat(usize::from(depth));
                    let mark = MARKS[usize::from(m) % MARKS.len()];
                    let body = TEXTS[usize::from(t) % TEXTS.len()];
                    text.push_str(&format!("{indent}- [{mark}] {body}\n"));
                }
                text.push('\n');
            }
            LoadedNote {
                path: format!("notes/{name}.md"),
                rel: format!("{name}.md"),
                note: parse_note(&text, &ParseOptions::with_defaults()),
            }
        }

        fn json<T: Serialize>(v: &T) -> String {
            serde_json::to_string(v).unwrap()
        }

        proptest! {
            #![proptest_config(ProptestConfig {
                cases: 300,
                failure_persistence: None,
                ..ProptestConfig::default()
            })]

            /// Notes one at a time give the stale chains and the parents in progress that
            /// every note held at once gives.
            #[test]
            fn streamed_selections_equal_every_note_held(
                notes in prop::collection::vec(
                    (0u8..40, prop::collection::vec(
                        (0u8..30, prop::collection::vec((0u8..5, 0u8..5, 0u8..3), 0..7)),
                        0..3,
                    )),
                    0..10,
                ),
                min_moves in 0usize..4,
            ) {
                let mut held: Vec<LoadedNote> = notes
                    .iter()
                    .enumerate()
                    .map(|(i, (name, days))| make_note(&format!("{name:02}-{i}"), days))
                    .collect();
                held.sort_by(|a, b| a.rel.cmp(&b.rel));
                let mut chains = StaleChains::new(min_moves);
                let mut parents = InProgress::default();
                for n in &held {
                    chains.add(&n.path, note_stale_occurrences(n));
                    parents.add(note_in_progress(n));
                }
                prop_assert_eq!(json(&chains.finish()), json(&stale_brute_force(&held, min_moves)));
                let mut all_parents: Vec<ParentProgress> =
                    held.iter().flat_map(note_in_progress).collect();
                all_parents.sort_by(|a, b| {
                    let k = |p: &ParentProgress| (
                        progress_group(p.done, p.total),
                        std::cmp::Reverse(p.percent),
                        p.task.date.is_none(),
                        p.task.date,
                        p.task.path.clone(),
                        p.task.line,
                    );
                    k(a).cmp(&k(b))
                });
                let streamed: Vec<ParentProgress> = parents.finish().collect();
                prop_assert_eq!(json(&streamed), json(&all_parents));
            }
        }
    }
}
