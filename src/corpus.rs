//! Deterministic generator of synthetic Markdown daily notes and their ground truth.
//!
//! Each note has optional YAML front matter, a `# YYYY-MM-DD Weekday` title,
//! `## Time Blocks` (checkbox items such as `- [x] Block 1 (6:00 to 7:30): gym`,
//! whose times are not at the start of the text), `## Tasks` (`-` or `*`
//! checkbox items nested up to three levels), `## Log`, `## Notes` (prose, a
//! fenced block holding fake tasks and sometimes a fake log line, a table) and
//! `## Links`. Only list items directly under `## Log` whose text starts with a
//! time are time entries: `07:00-08:15 text #tag` (a range; an end before the
//! start means the next day), `09:15 text (15m) #tag` or `14:00 text #tag (1h30m)`
//! (an explicit duration, possibly followed by a gap), and `10:00 text #tag`
//! (open: runs until the next entry's start). Times are `HH:MM`, `H:MM`,
//! `H:MMam`/`H:MMpm` or `Ham`/`Hpm`; durations are `45m`, `90m`, `2h` or
//! `1h30m`; an entry has 0-2 `#tags`, the first being its primary tag. The last
//! entry of a day always has an explicit end and is the only one that may cross
//! midnight. Nested sub-bullets under log lines carry no time and never count,
//! and nothing inside a fence counts, neither as a task nor as time. Per-day
//! totals attribute an entry to its note's day; the "split at midnight" variant
//! cuts entries that cross midnight.
//!
//! Ported from `bench/gen_journal.py`, with the same distributions and grammar
//! but a different (self-contained) PRNG, so the texts differ from Python's.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Tags with their weight (percent) and the activities logged under them.
const TAGS: [(&str, u32, &[&str]); 8] = [
    (
        "money",
        30,
        &[
            "write product",
            "client call",
            "invoice clients",
            "fix billing bug",
            "draft proposal",
            "ship release",
            "review pull requests",
            "pair on checkout flow",
            "write landing page copy",
            "customer interview",
        ],
    ),
    (
        "personal",
        16,
        &[
            "call dentist",
            "groceries",
            "laundry",
            "reading",
            "cook dinner",
            "walk the dog",
            "tidy flat",
            "bike repair",
        ],
    ),
    (
        "email",
        14,
        &[
            "email",
            "inbox zero",
            "reply to Anna",
            "newsletter triage",
            "answer support tickets",
            "follow up with accountant",
        ],
    ),
    (
        "waste",
        10,
        &[
            "doomscrolling",
            "news sites",
            "YouTube rabbit hole",
            "reorganising dotfiles",
            "hacker news",
            "phone games",
        ],
    ),
    (
        "health",
        8,
        &[
            "gym",
            "run 5k",
            "yoga",
            "physio exercises",
            "meditation",
            "swim",
        ],
    ),
    (
        "admin",
        8,
        &[
            "taxes",
            "pay bills",
            "renew passport",
            "insurance paperwork",
            "plan week",
            "backup laptop",
        ],
    ),
    (
        "learning",
        8,
        &[
            "Rust book chapter",
            "watch conference talk",
            "read paper on CRDTs",
            "Spanish lesson",
            "practice piano",
        ],
    ),
    (
        "family",
        6,
        &[
            "school run",
            "call mum",
            "dinner with family",
            "help with homework",
            "video call with grandparents",
        ],
    ),
];

const UNTAGGED: &[&str] = &[
    "lunch", "commute", "coffee", "break", "standup", "misc", "shower", "nap", "errands",
];

const WORDS: &[&str] = &[
    "the",
    "a",
    "an",
    "and",
    "or",
    "but",
    "so",
    "because",
    "while",
    "after",
    "before",
    "during",
    "project",
    "note",
    "idea",
    "morning",
    "evening",
    "afternoon",
    "meeting",
    "plan",
    "draft",
    "review",
    "code",
    "design",
    "bug",
    "feature",
    "release",
    "customer",
    "user",
    "team",
    "friend",
    "coffee",
    "walk",
    "weather",
    "rain",
    "sun",
    "cold",
    "warm",
    "tired",
    "focused",
    "distracted",
    "happy",
    "calm",
    "busy",
    "slow",
    "quick",
    "progress",
    "blocker",
    "decision",
    "question",
    "answer",
    "problem",
    "solution",
    "week",
    "month",
    "year",
    "book",
    "article",
    "paper",
    "talk",
    "list",
    "garden",
    "kitchen",
    "office",
    "train",
    "bus",
    "city",
    "park",
    "river",
    "really",
    "quite",
    "very",
    "somewhat",
    "finally",
    "again",
    "still",
    "already",
    "maybe",
    "probably",
    "wrote",
    "read",
    "thought",
    "noticed",
    "decided",
    "finished",
    "started",
    "fixed",
    "broke",
    "moved",
    "called",
    "met",
    "visited",
    "cooked",
    "cleaned",
    "planned",
    "shipped",
    "tested",
    "deployed",
    "learned",
];

const DOMAINS: &[&str] = &[
    "example.com",
    "example.org",
    "docs.example.net",
    "wiki.example.com",
];

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

const POOL_SIZE: usize = 4000;
const DAY: u32 = 1440;

/// Writing into a `String` cannot fail, so the `fmt::Result` carries nothing.
macro_rules! emit {
    ($out:expr, $($arg:tt)*) => {{
        let _ = writeln!($out, $($arg)*);
    }};
}

// ---------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------

/// xoshiro256** seeded through SplitMix64 from an FNV-1a hash of a key, so a
/// day's stream depends only on `"<seed>:<date>"` and not on any other day.
struct Rng {
    s: [u64; 4],
}

impl Rng {
    fn from_key(key: &str) -> Self {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in key.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        // SplitMix64 outputs four distinct values, so the xoshiro state can
        // never be all zero (its one invalid state).
        let mut sm = h;
        let mut s = [0u64; 4];
        for x in &mut s {
            sm = sm.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = sm;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            *x = z ^ (z >> 31);
        }
        Rng { s }
    }

    fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` without modulo bias (Lemire's multiply-and-reject).
    fn below(&mut self, n: u32) -> u32 {
        debug_assert!(n > 0);
        let n = u64::from(n);
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = u128::from(self.next_u64()) * u128::from(n);
            if (m as u64) >= threshold {
                return (m >> 64) as u32;
            }
        }
    }

    /// Python's `randint`: both ends inclusive.
    fn randint(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below(hi - lo + 1)
    }

    /// Python's `randrange(start, stop, step)`: `stop` excluded.
    fn randrange(&mut self, start: u32, stop: u32, step: u32) -> u32 {
        start + step * self.below((stop - start).div_ceil(step))
    }

    /// Uniform in `[0, 1)` with 53 random bits, like Python's `random()`.
    fn random(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    fn choice<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u32) as usize]
    }

    /// Index into `TAGS`, drawn by the tags' weights.
    fn tag(&mut self) -> usize {
        let total: u32 = TAGS.iter().map(|t| t.1).sum();
        let mut r = self.below(total);
        for (i, t) in TAGS.iter().enumerate() {
            if r < t.1 {
                return i;
            }
            r -= t.1;
        }
        unreachable!("r < total weight")
    }

    /// `k` distinct values of `lo..hi` in random order (partial Fisher-Yates).
    fn sample_range(&mut self, lo: u32, hi: u32, k: usize) -> Vec<u32> {
        let mut pop: Vec<u32> = (lo..hi).collect();
        assert!(k <= pop.len(), "sample larger than population");
        for i in 0..k {
            let j = i + self.below((pop.len() - i) as u32) as usize;
            pop.swap(i, j);
        }
        pop.truncate(k);
        pop
    }
}

// ---------------------------------------------------------------------------
// formatting helpers
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Clock {
    /// `07:05`
    Padded,
    /// `7:05`
    Unpadded,
    /// `7:05am`, or `7am` half of the time on the hour
    TwelveHour,
}

fn push_time(out: &mut String, minute: u32, style: Clock, rng: &mut Rng) {
    let m = minute % DAY;
    let (h, mm) = (m / 60, m % 60);
    let _ = match style {
        Clock::Padded => write!(out, "{h:02}:{mm:02}"),
        Clock::Unpadded => write!(out, "{h}:{mm:02}"),
        Clock::TwelveHour => {
            let h12 = if h % 12 == 0 { 12 } else { h % 12 };
            let suf = if h < 12 { "am" } else { "pm" };
            if mm == 0 && rng.random() < 0.5 {
                write!(out, "{h12}{suf}")
            } else {
                write!(out, "{h12}:{mm:02}{suf}")
            }
        }
    };
}

fn push_dur(out: &mut String, d: u32, rng: &mut Rng) {
    let _ = if d < 60 {
        write!(out, "{d}m")
    } else if d.is_multiple_of(60) {
        write!(out, "{}h", d / 60)
    } else if d < 120 && rng.random() < 0.4 {
        write!(out, "{d}m")
    } else {
        write!(out, "{}h{}m", d / 60, d % 60)
    };
}

/// `H:MM`, as used in the Time Blocks (where times are not entry starts).
struct Hm(u32);

impl std::fmt::Display for Hm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// Integer with `,` thousands separators, like Python's `{:,}`.
struct Thousands(u32);

impl std::fmt::Display for Thousands {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.0.to_string();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                f.write_str(",")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

fn make_sentence_pool(seed: &str) -> Vec<String> {
    let mut rng = Rng::from_key(&format!("{seed}:pool"));
    let mut pool = Vec::with_capacity(POOL_SIZE);
    for _ in 0..POOL_SIZE {
        let k = rng.randint(6, 18) as usize;
        let mut words: Vec<String> = (0..k).map(|_| rng.choice(WORDS).to_string()).collect();
        let r = rng.random();
        if r < 0.26 {
            let i = rng.below(k as u32) as usize;
            let w = &words[i];
            words[i] = if r < 0.10 {
                let domain = rng.choice(DOMAINS);
                let dir = rng.choice(WORDS);
                let n = rng.randint(1, 999);
                format!("[{w}](https://{domain}/{dir}/{n})")
            } else if r < 0.16 {
                format!("**{w}**")
            } else if r < 0.22 {
                format!("*{w}*")
            } else {
                format!("`{w}()`")
            };
        }
        let mut s = words.join(" ");
        // Every word and decoration starts with ASCII, so byte 0 is a char.
        s[..1].make_ascii_uppercase();
        let &stop = rng.choice(&[".", ".", ".", "!", "?"]);
        s.push_str(stop);
        pool.push(s);
    }
    pool
}

fn push_paragraph(out: &mut String, rng: &mut Rng, pool: &[String], lo: u32, hi: u32) {
    for i in 0..rng.randint(lo, hi) {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(rng.choice(pool).as_str());
    }
    out.push('\n');
}

// ---------------------------------------------------------------------------
// public types
// ---------------------------------------------------------------------------

/// One generated note with the facts a correct report must recover from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedDay {
    pub date: NaiveDate,
    pub text: String,
    /// The `## Log` time entries, in the order of their lines.
    pub entries: Vec<TruthEntry>,
    pub open_tasks: u32,
    pub done_tasks: u32,
    /// Checkbox items inside the fenced block, which must not count as tasks.
    pub fake_tasks: u32,
}

/// One time entry of a note, as its log line means it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TruthEntry {
    /// Minutes after the note day's midnight (always below 1440).
    pub start_minute: u32,
    /// `start_minute + minutes` exceeds 1440 only for a day's last entry.
    pub minutes: u32,
    /// Empty, or 1-2 distinct tags without `#`; the first is the primary one.
    pub tags: Vec<String>,
    /// The activity text without tags, time or duration.
    pub text: String,
}

/// Generates notes for any date; each date's note depends only on the seed,
/// the date and `p_cross`.
#[derive(Debug, Clone)]
pub struct Generator {
    seed: String,
    pool: Vec<String>,
    p_cross: f64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Range,
    Open,
    Dur,
}

struct Planned {
    start: u32,
    minutes: u32,
    form: Form,
    tags: Vec<&'static str>,
    text: &'static str,
}

#[derive(Default)]
struct TaskCounts {
    open: u32,
    done: u32,
    fake: u32,
}

impl Generator {
    /// `p_cross` is the probability that a day's last log line crosses midnight.
    pub fn new(seed: &str, p_cross: f64) -> Self {
        Generator {
            seed: seed.to_string(),
            pool: make_sentence_pool(seed),
            p_cross,
        }
    }

    /// The note for `date`. At chrono's first/last representable date the
    /// missing neighbour in the `## Links` line is replaced by `date` itself.
    pub fn day(&self, date: NaiveDate) -> GeneratedDay {
        let iso = date.to_string();
        let mut rng = Rng::from_key(&format!("{}:{iso}", self.seed));
        let pool = &self.pool[..];
        let rng = &mut rng;
        let mut tasks = TaskCounts::default();
        let mut out = String::with_capacity(8 * 1024);

        if rng.random() < 0.5 {
            emit!(out, "---\ndate: {iso}\ntags: [journal, daily]\n---\n");
        }
        let weekday = WEEKDAYS[date.weekday().num_days_from_monday() as usize];
        emit!(out, "# {iso} {weekday}\n");
        push_paragraph(&mut out, rng, pool, 1, 3);
        out.push('\n');

        emit!(out, "## Time Blocks\n");
        let mut t = rng.randrange(360, 480, 30);
        for b in 1..=rng.randint(3, 6) {
            let len = *rng.choice(&[60, 90, 120, 150]);
            let tag = rng.tag();
            let what = rng.choice(TAGS[tag].2);
            let mark = checkbox(rng, &mut tasks, 0.6);
            emit!(
                out,
                "- {mark} Block {b} ({} to {}): {what}",
                Hm(t),
                Hm(t + len)
            );
            t += len;
        }
        out.push('\n');

        emit!(out, "## Tasks\n");
        for _ in 0..rng.randint(4, 12) {
            let marker = if rng.random() < 0.85 { '-' } else { '*' };
            let mark = checkbox(rng, &mut tasks, 0.45);
            out.push(marker);
            out.push(' ');
            out.push_str(mark);
            out.push(' ');
            push_task_text(&mut out, rng);
            for _ in 0..*rng.choice(&[0, 0, 1, 2, 3, 4]) {
                let mark = checkbox(rng, &mut tasks, 0.55);
                let _ = write!(out, "  {marker} {mark} ");
                push_task_text(&mut out, rng);
                for _ in 0..*rng.choice(&[0, 0, 0, 1, 2]) {
                    let mark = checkbox(rng, &mut tasks, 0.6);
                    let _ = write!(out, "    {marker} {mark} ");
                    push_task_text(&mut out, rng);
                }
            }
            if rng.random() < 0.1 {
                emit!(out, "  {marker} note: {}", rng.choice(pool));
            }
        }
        out.push('\n');
        if rng.random() < 0.5 {
            push_paragraph(&mut out, rng, pool, 2, 6);
            out.push('\n');
        }

        let planned = gen_entries(rng, self.p_cross);
        emit!(out, "## Log\n");
        for p in &planned {
            push_log_line(&mut out, rng, p);
            let r = rng.random();
            if r < 0.06 {
                let mark = checkbox(rng, &mut tasks, 0.5);
                let _ = write!(out, "  - {mark} follow up: ");
                push_task_text(&mut out, rng);
            } else if r < 0.14 {
                emit!(out, "  - {}", rng.choice(pool));
            }
        }
        out.push('\n');

        emit!(out, "## Notes\n");
        for _ in 0..rng.randint(1, 4) {
            push_paragraph(&mut out, rng, pool, 2, 6);
            out.push('\n');
        }
        let fence = *rng.choice(&["```", "```markdown", "~~~", "```text"]);
        let close = if fence.starts_with('~') { "~~~" } else { "```" };
        emit!(out, "{fence}");
        for _ in 0..rng.randint(2, 5) {
            tasks.fake += 1;
            let _ = write!(out, "- {} ", rng.choice(&["[ ]", "[x]"]));
            push_task_text(&mut out, rng);
        }
        if rng.random() < 0.5 {
            emit!(out, "- 12:00-13:00 fake log line in a fence #money");
        }
        emit!(out, "{close}\n");
        push_paragraph(&mut out, rng, pool, 1, 4);
        out.push('\n');
        emit!(out, "| Metric | Value |\n| --- | ---: |");
        let (sleep_h, sleep_m) = (rng.randint(5, 9), rng.randrange(0, 60, 5));
        emit!(out, "| Sleep | {sleep_h}h {sleep_m}m |");
        emit!(out, "| Steps | {} |", Thousands(rng.randint(1000, 18000)));
        emit!(out, "| Mood | {}/5 |", rng.randint(1, 5));
        emit!(out, "| Coffee | {} cups |\n", rng.randint(0, 5));

        emit!(out, "## Links\n");
        let prev = date.pred_opt().unwrap_or(date);
        let next = date.succ_opt().unwrap_or(date);
        emit!(out, "- Previous: [[{prev}]] / next: [[{next}]]");
        for _ in 0..rng.randint(1, 5) {
            let w = rng.choice(WORDS);
            let w2 = rng.choice(WORDS);
            let domain = rng.choice(DOMAINS);
            let id = rng.randint(1, 99999);
            emit!(out, "- [{w} {w2}](https://{domain}/{w}?id={id})");
        }
        emit!(out, "- <https://{}/{iso}>", rng.choice(DOMAINS));
        if rng.random() < 0.6 {
            out.push('\n');
            push_paragraph(&mut out, rng, pool, 2, 8);
        }

        GeneratedDay {
            date,
            text: out,
            entries: planned
                .into_iter()
                .map(|p| TruthEntry {
                    start_minute: p.start,
                    minutes: p.minutes,
                    tags: p.tags.into_iter().map(str::to_string).collect(),
                    text: p.text.to_string(),
                })
                .collect(),
            open_tasks: tasks.open,
            done_tasks: tasks.done,
            fake_tasks: tasks.fake,
        }
    }
}

fn checkbox(rng: &mut Rng, tasks: &mut TaskCounts, p_done: f64) -> &'static str {
    if rng.random() < p_done {
        tasks.done += 1;
        if rng.random() < 0.05 { "[X]" } else { "[x]" }
    } else {
        tasks.open += 1;
        "[ ]"
    }
}

/// A task description plus its newline; sometimes tagged, linked or due.
fn push_task_text(out: &mut String, rng: &mut Rng) {
    let (tag, _, activities) = TAGS[rng.tag()];
    let &activity = rng.choice(activities);
    out.push_str(activity);
    let extra = rng.random();
    if extra < 0.2 {
        let _ = write!(out, " #{tag}");
    } else if extra < 0.3 {
        let domain = rng.choice(DOMAINS);
        let n = rng.randint(100, 9999);
        let _ = write!(out, " (see [ticket](https://{domain}/t/{n}))");
    } else if extra < 0.35 {
        out.push_str(" due:tomorrow");
    }
    out.push('\n');
}

/// The day's time entries: 15-40 contiguous slots from 05:30-08:00 to
/// 20:00-23:30, or, when crossing, to 23:00-23:50 plus a last slot that ends
/// 00:10-01:30 the next day.
fn gen_entries(rng: &mut Rng, p_cross: f64) -> Vec<Planned> {
    let n = rng.randint(15, 40) as usize;
    let day_start = rng.randrange(330, 481, 5);
    let cross = rng.random() < p_cross;
    let (bound, k, last) = if cross {
        let last_start = rng.randrange(23 * 60, 23 * 60 + 51, 5);
        let last_end = DAY + rng.randrange(10, 95, 5);
        (last_start, n - 1, Some((last_start, last_end)))
    } else {
        (rng.randrange(20 * 60, 23 * 60 + 31, 5), n, None)
    };
    let units = (bound - day_start) / 5;
    let mut cuts = rng.sample_range(1, units, k - 1);
    cuts.sort_unstable();

    let mut slots = Vec::with_capacity(n);
    let mut prev = day_start;
    for c in cuts {
        let edge = day_start + 5 * c;
        slots.push((prev, edge));
        prev = edge;
    }
    slots.push((prev, bound));
    slots.extend(last);

    let count = slots.len();
    slots
        .into_iter()
        .enumerate()
        .map(|(i, (s, e))| {
            let is_last = i == count - 1;
            let len = e - s;
            let form = if is_last {
                if rng.random() < 0.7 {
                    Form::Range
                } else {
                    Form::Dur
                }
            } else {
                let r = rng.random();
                if r < 0.35 {
                    Form::Range
                } else if r < 0.70 {
                    Form::Open
                } else {
                    Form::Dur
                }
            };
            let mut minutes = len;
            // An open entry runs to the next start, so it cannot leave a gap;
            // the crossing entry keeps its full span so it really crosses.
            if form != Form::Open && !(is_last && cross) && len >= 15 && rng.random() < 0.3 {
                minutes = len - rng.randrange(5, 30u32.min(len - 10) + 1, 5);
            }
            let (tags, text) = if rng.random() < 0.18 {
                (Vec::new(), *rng.choice(UNTAGGED))
            } else {
                let t1 = rng.tag();
                let mut tags = vec![TAGS[t1].0];
                if rng.random() < 0.12 {
                    let t2 = rng.tag();
                    if t2 != t1 {
                        tags.push(TAGS[t2].0);
                    }
                }
                (tags, *rng.choice(TAGS[t1].2))
            };
            Planned {
                start: s,
                minutes,
                form,
                tags,
                text,
            }
        })
        .collect()
}

fn push_log_line(out: &mut String, rng: &mut Rng, p: &Planned) {
    let style = match rng.below(5) {
        0..=2 => Clock::Padded,
        3 => Clock::Unpadded,
        _ => Clock::TwelveHour,
    };
    out.push_str("- ");
    push_time(out, p.start, style, rng);

    let mut tag_str = String::new();
    for (i, t) in p.tags.iter().enumerate() {
        if i > 0 {
            tag_str.push(' ');
        }
        tag_str.push('#');
        tag_str.push_str(t);
    }
    let tagged = !p.tags.is_empty();
    // Tags may sit inside the text, so parsers cannot assume they trail it.
    let mid_tags = match p.text.split_once(' ') {
        Some((first, rest)) if tagged && rng.random() < 0.2 => Some((first, rest)),
        _ => None,
    };
    let mut body = String::with_capacity(p.text.len() + tag_str.len() + 1);
    match mid_tags {
        Some((first, rest)) => {
            let _ = write!(body, "{first} {tag_str} {rest}");
        }
        None if tagged => {
            let _ = write!(body, "{} {tag_str}", p.text);
        }
        None => body.push_str(p.text),
    }

    match p.form {
        Form::Range => {
            out.push('-');
            push_time(out, p.start + p.minutes, style, rng);
            emit!(out, " {body}");
        }
        Form::Open => emit!(out, " {body}"),
        Form::Dur => {
            let mut dur = String::from("(");
            push_dur(&mut dur, p.minutes, rng);
            dur.push(')');
            if tagged && rng.random() < 0.3 {
                emit!(out, " {body} {dur}");
            } else if tagged && mid_tags.is_none() {
                // Both orders of duration and trailing tags are valid grammar.
                emit!(out, " {} {dur} {tag_str}", p.text);
            } else {
                emit!(out, " {body} {dur}");
            }
        }
    }
}

// ---------------------------------------------------------------------------
// ground truth
// ---------------------------------------------------------------------------

/// Aggregated ground truth over any number of generated days.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    pub files: u64,
    pub bytes: u64,
    pub time_entries: u64,
    pub entries_crossing_midnight: u64,
    pub total_minutes: u64,
    /// `untagged` for entries without tags; every tag of an entry gets its
    /// full minutes, so this can sum to more than `total_minutes`.
    pub minutes_per_tag: BTreeMap<String, u64>,
    pub minutes_per_primary_tag: BTreeMap<String, u64>,
    /// Keyed by `YYYY-MM-DD`; an entry counts wholly for its note's day.
    pub minutes_per_day: BTreeMap<String, u64>,
    /// Like `minutes_per_day`, but minutes after midnight go to the next day.
    pub minutes_per_day_split_at_midnight: BTreeMap<String, u64>,
    pub hour_of_day_minutes: [u64; 24],
    pub tasks_open: u64,
    pub tasks_done: u64,
    pub fake_tasks_in_code_fences: u64,
}

impl Truth {
    pub fn add(&mut self, day: &GeneratedDay) {
        let iso = day.date.to_string();
        let next = day.date.succ_opt().unwrap_or(day.date).to_string();
        self.files += 1;
        self.bytes += day.text.len() as u64;
        self.tasks_open += u64::from(day.open_tasks);
        self.tasks_done += u64::from(day.done_tasks);
        self.fake_tasks_in_code_fences += u64::from(day.fake_tasks);

        let mut day_total = 0u64;
        let mut before_midnight = 0u64;
        let mut after_midnight = 0u64;
        for e in &day.entries {
            let (s, dur) = (e.start_minute, e.minutes);
            let end = s + dur;
            let m = u64::from(dur);
            self.time_entries += 1;
            day_total += m;
            if e.tags.is_empty() {
                *self.minutes_per_tag.entry("untagged".into()).or_insert(0) += m;
            }
            for t in &e.tags {
                *self.minutes_per_tag.entry(t.clone()).or_insert(0) += m;
            }
            let primary = e.tags.first().map_or("untagged", String::as_str);
            *self
                .minutes_per_primary_tag
                .entry(primary.to_string())
                .or_insert(0) += m;
            before_midnight += u64::from(end.min(DAY).saturating_sub(s));
            if end > DAY {
                self.entries_crossing_midnight += 1;
                after_midnight += u64::from(end - DAY.max(s));
            }
            // Walk hour by hour so the cost is per hour touched, not per minute.
            let mut m = s;
            while m < end {
                let seg = ((m / 60 + 1) * 60).min(end) - m;
                self.hour_of_day_minutes[((m / 60) % 24) as usize] += u64::from(seg);
                m += seg;
            }
        }
        self.total_minutes += day_total;
        *self.minutes_per_day.entry(iso.clone()).or_insert(0) += day_total;
        *self
            .minutes_per_day_split_at_midnight
            .entry(iso)
            .or_insert(0) += before_midnight;
        if after_midnight > 0 {
            *self
                .minutes_per_day_split_at_midnight
                .entry(next)
                .or_insert(0) += after_midnight;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn days(start: &str, n: u64) -> impl Iterator<Item = NaiveDate> {
        d(start).iter_days().take(n as usize)
    }

    /// `07:05`, `7:05`, `7:05pm`, `7pm` -> minutes after midnight.
    fn parse_clock(s: &str) -> Option<u32> {
        let (body, pm) = match (s.strip_suffix("am"), s.strip_suffix("pm")) {
            (Some(b), _) => (b, Some(false)),
            (_, Some(b)) => (b, Some(true)),
            _ => (s, None),
        };
        let (h, m) = match body.split_once(':') {
            Some((h, m)) if m.len() == 2 && (1..=2).contains(&h.len()) => {
                (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?)
            }
            Some(_) => return None,
            None => {
                pm?;
                (body.parse::<u32>().ok()?, 0)
            }
        };
        let h = match pm {
            None => h,
            Some(_) if !(1..=12).contains(&h) => return None,
            Some(pm) => h % 12 + if pm { 12 } else { 0 },
        };
        (h < 24 && m < 60).then_some(h * 60 + m)
    }

    /// `(45m)`, `(2h)`, `(1h30m)` -> minutes.
    fn parse_dur(s: &str) -> Option<u32> {
        let s = s.strip_prefix('(')?.strip_suffix(')')?;
        let (h, rest) = match s.split_once('h') {
            Some((h, rest)) => (h.parse::<u32>().ok()?, rest),
            None => (0, s),
        };
        let m = match rest {
            "" => 0,
            r => r.strip_suffix('m')?.parse::<u32>().ok()?,
        };
        Some(h * 60 + m)
    }

    struct Parsed {
        start: u32,
        end: Option<u32>,
        dur: Option<u32>,
        tags: Vec<String>,
        text: String,
    }

    /// Independent reading of a top-level Log item, following the module doc.
    fn parse_log_line(line: &str) -> Option<Parsed> {
        let rest = line.strip_prefix("- ")?;
        let mut tokens = rest.split(' ');
        let first = tokens.next()?;
        let (start, end) = match first.split_once('-') {
            Some((a, b)) => (parse_clock(a)?, Some(parse_clock(b)?)),
            None => (parse_clock(first)?, None),
        };
        let (mut tags, mut words, mut dur) = (Vec::new(), Vec::new(), None);
        for t in tokens {
            if let Some(tag) = t.strip_prefix('#') {
                tags.push(tag.to_string());
            } else if let Some(m) = parse_dur(t) {
                dur = Some(m);
            } else {
                words.push(t);
            }
        }
        Some(Parsed {
            start,
            end,
            dur,
            tags,
            text: words.join(" "),
        })
    }

    fn section<'a>(text: &'a str, heading: &str) -> &'a str {
        let start = text.find(&format!("\n{heading}\n")).expect(heading) + heading.len() + 2;
        let len = text[start..].find("\n## ").unwrap_or(text.len() - start);
        &text[start..start + len]
    }

    /// (tasks outside fences, checkbox items inside fences, log-like lines inside).
    fn scan_tasks(text: &str) -> (u32, u32, u32) {
        let (mut outside, mut inside, mut fake_logs) = (0, 0, 0);
        let mut in_fence = false;
        for line in text.lines() {
            let st = line.trim_start();
            if st.starts_with("```") || st.starts_with("~~~") {
                in_fence = !in_fence;
                continue;
            }
            let is_task = ["- [ ] ", "* [ ] ", "- [x] ", "* [x] ", "- [X] ", "* [X] "]
                .iter()
                .any(|p| st.starts_with(p));
            match (in_fence, is_task) {
                (true, true) => inside += 1,
                (false, true) => outside += 1,
                (true, false) if parse_log_line(st).is_some() => fake_logs += 1,
                _ => {}
            }
        }
        assert!(!in_fence, "unclosed fence");
        (outside, inside, fake_logs)
    }

    #[test]
    fn deterministic() {
        let a = Generator::new("42", 0.3);
        let b = Generator::new("42", 0.3);
        for date in days("2000-01-01", 20) {
            assert_eq!(a.day(date), b.day(date));
        }
        let other = Generator::new("43", 0.3);
        assert_ne!(a.day(d("2000-01-01")).text, other.day(d("2000-01-01")).text);
    }

    #[test]
    fn day_does_not_depend_on_other_days() {
        let g = Generator::new("seed", 0.3);
        let target = d("2001-06-15");
        let alone = Generator::new("seed", 0.3).day(target);
        for date in days("2001-06-01", 30) {
            let day = g.day(date);
            if date == target {
                assert_eq!(day, alone);
            } else {
                assert_ne!(day.text, alone.text);
            }
        }
        assert_eq!(g.day(target), alone);
    }

    #[test]
    fn headings_present_in_order() {
        let g = Generator::new("42", 0.3);
        let mut front_matter = 0;
        for date in days("2000-01-01", 50) {
            let day = g.day(date);
            let text = &day.text;
            let weekday = WEEKDAYS[date.weekday().num_days_from_monday() as usize];
            let title = format!("# {date} {weekday}\n");
            if text.starts_with("---\n") {
                front_matter += 1;
                assert!(text.starts_with(&format!("---\ndate: {date}\n")));
                assert!(text.contains(&format!("---\n\n{title}")));
            } else {
                assert!(text.starts_with(&title), "{text}");
            }
            let mut at = 0;
            for h in [
                "## Time Blocks",
                "## Tasks",
                "## Log",
                "## Notes",
                "## Links",
            ] {
                let pos = text[at..].find(&format!("\n{h}\n\n")).expect(h);
                at += pos + 1;
            }
            assert!(text.contains("| Metric | Value |\n| --- | ---: |\n"));
            let blocks: Vec<&str> = section(text, "## Time Blocks")
                .lines()
                .filter(|l| !l.is_empty())
                .collect();
            assert!((3..=6).contains(&blocks.len()), "{blocks:?}");
            for (i, l) in blocks.iter().enumerate() {
                let ok = ["- [ ] ", "- [x] ", "- [X] "]
                    .iter()
                    .any(|p| l.starts_with(p));
                assert!(
                    ok && l[6..].starts_with(&format!("Block {} (", i + 1)),
                    "{l}"
                );
            }
            assert!(text.ends_with('\n') && !text.ends_with("\n\n\n"));
        }
        assert!((10..=40).contains(&front_matter), "{front_matter}");
    }

    #[test]
    fn every_entry_is_a_log_line_with_the_same_meaning() {
        let g = Generator::new("42", 0.3);
        let mut open_entries = 0;
        for date in days("2000-01-01", 200) {
            let day = g.day(date);
            let log = section(&day.text, "## Log");
            let lines: Vec<&str> = log.lines().filter(|l| l.starts_with("- ")).collect();
            assert_eq!(lines.len(), day.entries.len(), "{log}");
            assert!((15..=40).contains(&lines.len()));
            let parsed: Vec<Parsed> = lines
                .iter()
                .map(|l| parse_log_line(l).unwrap_or_else(|| panic!("bad line {l}")))
                .collect();
            for (i, (p, e)) in parsed.iter().zip(&day.entries).enumerate() {
                let line = lines[i];
                assert_eq!(p.start, e.start_minute, "{line}");
                assert_eq!(p.tags, e.tags, "{line}");
                assert_eq!(p.text, e.text, "{line}");
                let minutes = match (p.end, p.dur) {
                    (Some(end), None) if end < p.start => end + DAY - p.start,
                    (Some(end), None) => end - p.start,
                    (None, Some(m)) => m,
                    (None, None) => {
                        open_entries += 1;
                        let next = parsed.get(i + 1).expect("last line is open");
                        next.start - p.start
                    }
                    (Some(_), Some(_)) => panic!("range and duration: {line}"),
                };
                assert_eq!(minutes, e.minutes, "{line}");
            }
            // Sub-bullets are indented, so they never look like entries.
            for l in log.lines().filter(|l| l.starts_with(' ')) {
                assert!(l.starts_with("  - "), "{l}");
            }
        }
        assert!(open_entries > 0);
    }

    #[test]
    fn per_day_sums_match_entries() {
        let g = Generator::new("7", 0.3);
        let mut truth = Truth::default();
        let mut total = 0u64;
        for date in days("2020-02-20", 60) {
            let day = g.day(date);
            let sum: u64 = day.entries.iter().map(|e| u64::from(e.minutes)).sum();
            truth.add(&day);
            assert_eq!(truth.minutes_per_day[&date.to_string()], sum);
            total += sum;
        }
        assert_eq!(truth.files, 60);
        assert_eq!(truth.total_minutes, total);
        assert_eq!(truth.minutes_per_day.values().sum::<u64>(), total);
        assert_eq!(truth.minutes_per_primary_tag.values().sum::<u64>(), total);
        assert!(truth.minutes_per_tag.values().sum::<u64>() >= total);
        assert_eq!(
            truth
                .minutes_per_day_split_at_midnight
                .values()
                .sum::<u64>(),
            total
        );
        let json = serde_json::to_string(&truth).unwrap();
        assert_eq!(serde_json::from_str::<Truth>(&json).unwrap(), truth);
    }

    #[test]
    fn hour_of_day_sums_to_total() {
        let g = Generator::new("42", 0.5);
        let mut truth = Truth::default();
        for date in days("1999-12-25", 40) {
            truth.add(&g.day(date));
        }
        assert_eq!(
            truth.hour_of_day_minutes.iter().sum::<u64>(),
            truth.total_minutes
        );
        // Days start 05:30 at the earliest; only crossing entries reach 0-1h.
        assert_eq!(truth.hour_of_day_minutes[2..5].iter().sum::<u64>(), 0);
        assert!(truth.hour_of_day_minutes[0] > 0);
    }

    #[test]
    fn crossing_midnight_counted() {
        let n = 30;
        let mut always = Truth::default();
        let mut never = Truth::default();
        let g1 = Generator::new("42", 1.0);
        let g0 = Generator::new("42", 0.0);
        for date in days("2000-01-01", n) {
            let day = g1.day(date);
            let last = day.entries.last().unwrap();
            assert!(last.start_minute + last.minutes > DAY);
            for e in &day.entries[..day.entries.len() - 1] {
                assert!(e.start_minute + e.minutes <= DAY);
            }
            always.add(&day);
            never.add(&g0.day(date));
        }
        assert_eq!(always.entries_crossing_midnight, n);
        assert_eq!(never.entries_crossing_midnight, 0);
        // The day after the range receives only after-midnight minutes.
        assert_eq!(always.minutes_per_day_split_at_midnight.len() as u64, n + 1);
        assert_eq!(never.minutes_per_day_split_at_midnight.len() as u64, n);
        assert_eq!(
            never.minutes_per_day,
            never.minutes_per_day_split_at_midnight
        );
        assert_ne!(
            always.minutes_per_day,
            always.minutes_per_day_split_at_midnight
        );
    }

    #[test]
    fn no_tasks_counted_inside_fences() {
        let g = Generator::new("42", 0.3);
        let mut fake_log_lines = 0;
        for date in days("2000-01-01", 100) {
            let day = g.day(date);
            let (outside, inside, fake_logs) = scan_tasks(&day.text);
            assert_eq!(outside, day.open_tasks + day.done_tasks);
            assert_eq!(inside, day.fake_tasks);
            assert!((2..=5).contains(&day.fake_tasks));
            fake_log_lines += fake_logs;
        }
        assert!(fake_log_lines > 0);
    }

    #[test]
    fn rng_helpers_stay_in_range() {
        let mut rng = Rng::from_key("x");
        for _ in 0..1000 {
            assert!((5..=9).contains(&rng.randint(5, 9)));
            let r = rng.randrange(330, 481, 5);
            assert!((330..=480).contains(&r) && r.is_multiple_of(5));
            let f = rng.random();
            assert!((0.0..1.0).contains(&f));
        }
        let mut s = rng.sample_range(1, 50, 49);
        s.sort_unstable();
        assert_eq!(s, (1..50).collect::<Vec<_>>());
        assert_eq!(Thousands(1000).to_string(), "1,000");
        assert_eq!(Thousands(18000).to_string(), "18,000");
        assert_eq!(Thousands(999).to_string(), "999");
    }
}
