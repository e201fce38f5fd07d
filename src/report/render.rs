//! Renderers of a computed `Summary`: text (terminal), Markdown, JSON and CSV.
//!
//! Renderers only format: every number comes from the summary.

use std::borrow::Cow;

use chrono::Datelike;
use serde::Serialize;
use std::io::{self, Write};

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::summary::{
    CategoryMinutes, DayPriorityRow, DayRow, MONEY, Summary, UNCATEGORISED, WASTE, clock_short,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Md,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvKind {
    #[default]
    Entries,
    Days,
    Tags,
}

/// Renders `summary`. `csv` is read only for `Format::Csv`, `color` only for `Format::Text`.
pub fn render(
    summary: &Summary,
    format: Format,
    csv: CsvKind,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => out.write_all(render_doc(summary, Style::Text { color }).as_bytes()),
        Format::Md => out.write_all(render_doc(summary, Style::Md).as_bytes()),
        Format::Json => {
            // serde_json writes token by token: through a buffer of its own (one call of
            // `out` per 64 KiB) rather than a dynamic call per token.
            let mut buf = io::BufWriter::with_capacity(1 << 16, out);
            json(summary, &mut buf, Rows::PARALLEL)?;
            buf.write_all(b"\n")?;
            buf.flush()
        }
        Format::Csv => render_csv(summary, csv, out),
    }
}

/// How [`json`] writes the day rows and focus sessions.
#[derive(Debug, Clone, Copy)]
struct Rows {
    /// From how many of them (together) they are written on several threads.
    parallel_from: usize,
    /// How many rows a thread writes at a time, and how many such pieces wait to be
    /// written (so the memory they take stays small).
    a_piece: usize,
    at_once: usize,
}

impl Rows {
    const PARALLEL: Rows = Rows {
        parallel_from: 4096,
        a_piece: 256,
        at_once: 32,
    };
}

/// The summary as `serde_json::to_writer_pretty` writes it (with [`Pretty`]). Most of a long
/// report is its day rows and focus sessions (36,500 days and 73,000 sessions for a
/// century), and with `--entries` its entry rows: those are written on rayon's threads, a
/// few thousand at a time, and put in their places in the rest, which is written on this
/// thread with `[]` for them (a raw line break and indentation before a key make its place
/// unique: a string in JSON holds no raw line break).
fn json<W: Write>(summary: &Summary, w: &mut W, how: Rows) -> io::Result<()> {
    // Generic in the writer: through `dyn Write`, each of serde_json's many small writes
    // was a dynamic call (2 M more instructions for a year's report).
    fn serial<W: Write>(summary: &Summary, w: &mut W) -> io::Result<()> {
        let mut json = serde_json::Serializer::with_formatter(w, Pretty::default());
        summary.serialize(&mut json).map_err(io::Error::from)
    }
    let entries = summary.entries.as_ref();
    let rows = summary.days.len() + summary.focus.sessions.len() + entries.map_or(0, |e| e.len());
    if rows < how.parallel_from {
        return serial(summary, w);
    }
    let mut rest = Vec::new();
    super::summary::without_rows(|| serial(summary, &mut rest))?;
    // Top-level keys are at level 1, `focus`'s at level 2; the arrays' values one deeper.
    let places: [(&[u8], usize, bool); 3] = [
        (b"\n  \"days\": []", 2, true),
        (b"\n    \"sessions\": []", 3, true),
        (b"\n  \"entries\": []", 2, entries.is_some()),
    ];
    let mut from = 0;
    for (i, (place, level, there)) in places.into_iter().enumerate() {
        if !there {
            continue;
        }
        let at = from
            + memchr::memmem::find(&rest[from..], place)
                .ok_or_else(|| io::Error::other("the JSON report lost a placeholder"))?;
        let open = at + place.len() - 1; // before the `]`
        w.write_all(&rest[from..open])?;
        match i {
            0 => json_rows(&summary.days, level, how, w)?,
            1 => json_rows(&summary.focus.sessions, level, how, w)?,
            _ => {
                let mut rows = JsonRows::new(level, how);
                if let Some(e) = entries {
                    e.for_each_batch(how.a_piece * how.at_once, |b| rows.batch(b, w))?;
                }
                rows.end(w)?;
            }
        }
        from = open + 1;
    }
    w.write_all(&rest[from..])
}

/// The values of an array whose `[` is written, at `level`, then its `]`: as [`Pretty`]
/// lays them out, written by rayon's threads a piece at a time.
fn json_rows<T: JsonRow, W: Write>(
    rows: &[T],
    level: usize,
    how: Rows,
    w: &mut W,
) -> io::Result<()> {
    let mut out = JsonRows::new(level, how);
    for batch in rows.chunks(how.a_piece * how.at_once) {
        out.batch(batch, w)?;
    }
    out.end(w)
}

/// The values of an array, written batch by batch as [`json_rows`] writes them.
struct JsonRows {
    at_level: Pretty,
    how: Rows,
    /// No value written yet.
    first: bool,
}

impl JsonRows {
    fn new(level: usize, how: Rows) -> Self {
        JsonRows {
            at_level: Pretty {
                level,
                has_value: false,
            },
            how,
            first: true,
        }
    }

    fn batch<T: JsonRow, W: Write>(&mut self, batch: &[T], w: &mut W) -> io::Result<()> {
        use rayon::prelude::*;
        let at_level = self.at_level;
        let pieces: Vec<io::Result<Vec<u8>>> = batch
            .par_chunks(self.how.a_piece)
            .map(|piece| {
                let mut out = Vec::with_capacity(piece.len() * 512);
                for row in piece {
                    out.push(b',');
                    at_level.new_line(&mut out)?;
                    row.write_json(at_level, &mut out)?;
                }
                Ok(out)
            })
            .collect();
        for piece in pieces {
            let piece = piece?;
            // The first value of the array has no comma before it.
            w.write_all(&piece[usize::from(self.first)..])?;
            self.first = false;
        }
        Ok(())
    }

    /// The array's `]`, on a line of its own after values.
    fn end<W: Write>(self, w: &mut W) -> io::Result<()> {
        Pretty {
            level: self.at_level.level,
            has_value: !self.first,
        }
        .close(w, b"]")
    }
}

/// A row of the report's long arrays (days, focus sessions, entries), which [`json`] writes
/// on several threads.
trait JsonRow: Serialize + Sync {
    /// Writes the row as serde_json writes it with [`Pretty`] at `at`.
    fn write_json(&self, at: Pretty, out: &mut Vec<u8>) -> io::Result<()> {
        let mut json = serde_json::Serializer::with_formatter(out, at);
        self.serialize(&mut json).map_err(io::Error::from)
    }
}

impl JsonRow for super::summary::EntryRow {}

/// A century's report is mostly its 36,500 day rows and 73,000 focus sessions: written by
/// hand, a few times faster than through serde (whose formatter writes each key and
/// punctuation mark on its own, and checks every byte of every key for escapes).
impl JsonRow for DayRow {
    fn write_json(&self, at: Pretty, out: &mut Vec<u8>) -> io::Result<()> {
        let mut o = HandObject::open(at, out);
        o.date("date", self.date)?;
        o.str("weekday", self.weekday)?;
        o.raw("has_note", if self.has_note { "true" } else { "false" });
        o.num("logged_minutes", self.logged_minutes);
        o.num("entries", self.entries as u64);
        o.clock("first", self.first);
        o.clock("last", self.last);
        o.key("categories");
        let mut c = HandObject::open(o.inner(), o.out);
        for (name, minutes) in self.categories.iter() {
            c.str_key(name)?;
            c.value_num(minutes);
        }
        c.close();
        o.num("tasks_done", self.tasks_done as u64);
        o.num("tasks_added", self.tasks_added as u64);
        o.num("blocks_done", self.blocks_done as u64);
        o.num("blocks_total", self.blocks_total as u64);
        match &self.priorities {
            None => o.raw("priorities", "null"),
            Some(p) => {
                o.key("priorities");
                let mut q = HandObject::open(o.inner(), o.out);
                q.num("priority_done", p.priority_done as u64);
                q.num("priority_total", p.priority_total as u64);
                q.num("money_done", p.money_done as u64);
                q.num("money_total", p.money_total as u64);
                let first = match p.first_done_was_priority {
                    None => "null",
                    Some(true) => "true",
                    Some(false) => "false",
                };
                q.raw("first_done_was_priority", first);
                q.close();
            }
        }
        o.close();
        Ok(())
    }
}

impl JsonRow for super::summary::Session {
    fn write_json(&self, at: Pretty, out: &mut Vec<u8>) -> io::Result<()> {
        let mut o = HandObject::open(at, out);
        o.date("date", self.date)?;
        o.clock("start", Some(self.start));
        o.clock("end", Some(self.end));
        o.num("minutes", self.minutes.into());
        o.str("category", &self.category)?;
        o.close();
        Ok(())
    }
}

/// A JSON object written by hand in [`Pretty`]'s layout: keys are given without escapes
/// (the rows' field names), values as they would be serialised. Its methods are inlined
/// where the keys are literals, so that each key is copied as a piece of known length (a
/// few moves) rather than by a call to `memcpy`: a century's rows are a million keys, and a
/// day row took 5,200 instructions, now 3,700.
struct HandObject<'a> {
    /// The level of the object's `{` (its keys are a level deeper).
    at: Pretty,
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> HandObject<'a> {
    #[inline(always)]
    fn open(at: Pretty, out: &'a mut Vec<u8>) -> Self {
        out.push(b'{');
        HandObject {
            at,
            out,
            first: true,
        }
    }

    /// The layout of a value inside this object (for an object as a value).
    #[inline(always)]
    fn inner(&self) -> Pretty {
        Pretty {
            level: self.at.level + 1,
            has_value: false,
        }
    }

    /// A new line at the keys' level, after a comma if a key came before.
    #[inline(always)]
    fn next(&mut self) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        self.inner().line_into(self.out);
    }

    #[inline(always)]
    fn key(&mut self, key: &str) {
        self.next();
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\": ");
    }

    /// A key that may need escapes.
    #[inline(always)]
    fn str_key(&mut self, key: &str) -> io::Result<()> {
        self.next();
        push_json_str(self.out, key)?;
        self.out.extend_from_slice(b": ");
        Ok(())
    }

    #[inline(always)]
    fn raw(&mut self, key: &str, value: &str) {
        self.key(key);
        self.out.extend_from_slice(value.as_bytes());
    }

    #[inline(always)]
    fn value_num(&mut self, n: u64) {
        let (digits, len) = decimal_first(n);
        push_first(self.out, &digits, len);
    }

    #[inline(always)]
    fn num(&mut self, key: &str, n: u64) {
        self.key(key);
        self.value_num(n);
    }

    #[inline(always)]
    fn str(&mut self, key: &str, value: &str) -> io::Result<()> {
        self.key(key);
        push_json_str(self.out, value)
    }

    #[inline(always)]
    fn date(&mut self, key: &str, d: chrono::NaiveDate) -> io::Result<()> {
        self.key(key);
        match iso_date_bytes(d) {
            Some(t) => {
                self.out.push(b'"');
                self.out.extend_from_slice(&t);
                self.out.push(b'"');
                Ok(())
            }
            // Beyond the years 0 to 9999, as chrono serialises it.
            None => serde_json::to_writer(&mut *self.out, &d).map_err(io::Error::from),
        }
    }

    #[inline(always)]
    fn clock(&mut self, key: &str, c: Option<super::summary::Clock>) {
        self.key(key);
        match c {
            None => self.out.extend_from_slice(b"null"),
            Some(c) => {
                self.out.push(b'"');
                let short = clock_short(c.0);
                push_first(self.out, short.bytes(), short.len());
                self.out.push(b'"');
            }
        }
    }

    /// The `}`, on a line of its own after keys.
    #[inline(always)]
    fn close(self) {
        if !self.first {
            self.at.line_into(self.out);
        }
        self.out.push(b'}');
    }
}

/// A string as serde_json writes it: as it is when no byte needs an escape (printable
/// ASCII other than `"` and `\\`, or any non-ASCII byte), else through serde_json.
fn push_json_str(out: &mut Vec<u8>, s: &str) -> io::Result<()> {
    if s.bytes()
        .all(|b| b >= 0x20 && b != b'"' && b != b'\\' && b != 0x7f || b >= 0x80)
    {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
        Ok(())
    } else {
        serde_json::to_writer(out, s).map_err(io::Error::from)
    }
}

/// A line break and 32 levels of indentation, which [`Pretty`] cuts to a line's level.
const LINE: &[u8; 65] = b"\n                                                                ";

/// The layout of `serde_json::to_writer_pretty` (a value a line, two spaces a level, `": "`
/// after a key, empty arrays and objects as `[]` and `{}`), with each line's break and
/// indentation written in one piece rather than a write per level: a century's report has
/// a million lines.
#[derive(Debug, Clone, Copy, Default)]
struct Pretty {
    level: usize,
    /// The array or object being written has a value (so its end goes on a line of its own).
    has_value: bool,
}

impl Pretty {
    /// A line break and the indentation of the current level.
    fn new_line<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        let mut width = 2 * self.level;
        w.write_all(&LINE[..1 + width.min(LINE.len() - 1)])?;
        width = width.saturating_sub(LINE.len() - 1);
        while width > 0 {
            let n = width.min(LINE.len() - 1);
            w.write_all(&LINE[1..1 + n])?;
            width -= n;
        }
        Ok(())
    }

    /// [`Pretty::new_line`] into a vector: up to 32 levels as one piece of known length
    /// (the line break and 64 spaces, then cut to the indentation) instead of a call to
    /// copy as many bytes as the level takes.
    #[inline(always)]
    fn line_into(&self, out: &mut Vec<u8>) {
        let width = 2 * self.level;
        if width < LINE.len() {
            push_first(out, LINE, 1 + width);
        } else {
            self.new_line(out).expect("writing to a vector cannot fail");
        }
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.new_line(w)?;
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.new_line(w)
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Formatting helpers
// ---------------------------------------------------------------------------

/// `0m`, `45m`, `1h 05m`, `2h 00m`.
pub fn duration(m: u64) -> String {
    let mut s = String::with_capacity(12);
    push_duration(&mut s, m);
    s
}

/// Appends [`duration`]'s text (by hand, not `format!`: a century's report formats a million
/// of these).
pub(crate) fn push_duration(s: &mut String, m: u64) {
    if m < 60 {
        push_number(s, m, 1);
    } else {
        push_number(s, m / 60, 1);
        s.push_str("h ");
        push_number(s, m % 60, 2);
    }
    s.push('m');
}

/// Appends `n` in decimal, zero-padded to at least `width` digits.
pub(crate) fn push_number(s: &mut String, n: u64, width: usize) {
    let (digits, i) = decimal(n);
    for _ in (digits.len() - i)..width {
        s.push('0');
    }
    s.push_str(std::str::from_utf8(&digits[i..]).expect("ASCII digits"));
}

/// The two last decimal digits of `n`.
pub(crate) fn two_digits(n: u32) -> [u8; 2] {
    [b'0' + (n / 10 % 10) as u8, b'0' + (n % 10) as u8]
}

/// A date as chrono writes it (`2026-11-24`), for the years 0 to 9999; None for the others
/// (chrono writes those with a sign). Long reports write many dates: by hand, not by `fmt`.
pub(crate) fn iso_date_bytes(d: chrono::NaiveDate) -> Option<[u8; 10]> {
    let year = u32::try_from(d.year()).ok().filter(|y| *y <= 9999)?;
    let mut t = [b'-'; 10];
    t[..2].copy_from_slice(&two_digits(year / 100));
    t[2..4].copy_from_slice(&two_digits(year));
    t[5..7].copy_from_slice(&two_digits(d.month()));
    t[8..10].copy_from_slice(&two_digits(d.day()));
    Some(t)
}

/// Appends a date as chrono writes it (`2026-11-24`).
fn push_date(s: &mut String, d: chrono::NaiveDate) {
    match iso_date_bytes(d) {
        Some(t) => s.push_str(std::str::from_utf8(&t).expect("ASCII digits and dashes")),
        None => s.push_str(&d.to_string()),
    }
}

/// The decimal digits of `n`: they are `digits[i..]` of the returned `(digits, i)`.
pub(crate) fn decimal(n: u64) -> ([u8; 20], usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    (digits, i)
}

/// The decimal digits of `n` at the start of the returned array, and how many there are.
#[inline(always)]
fn decimal_first(n: u64) -> ([u8; 20], usize) {
    let mut digits = [0u8; 20];
    let mut len = 1;
    let mut rest = n / 10;
    while rest > 0 {
        len += 1;
        rest /= 10;
    }
    let mut n = n;
    for d in digits[..len].iter_mut().rev() {
        *d = b'0' + (n % 10) as u8;
        n /= 10;
    }
    (digits, len)
}

/// Appends the first `n` bytes of `bytes` (`n` at most `N`): all `N` of them, then cut
/// back. A copy whose length is known when compiling is a few moves; one of `n` bytes was
/// a call to `memcpy`, for pieces of a few bytes.
#[inline(always)]
fn push_first<const N: usize>(out: &mut Vec<u8>, bytes: &[u8; N], n: usize) {
    debug_assert!(n <= N);
    let len = out.len();
    out.extend_from_slice(bytes);
    out.truncate(len + n);
}

/// A bar of unicode blocks, `width` cells for a share of 1.
pub fn bar(share: f64, width: usize) -> String {
    const PARTS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    let share = if share.is_finite() {
        share.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let eighths = (share * width as f64 * 8.0).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    s.push_str(PARTS[eighths % 8]);
    s
}

pub(crate) fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

fn ratio(r: Option<f64>) -> String {
    match r {
        Some(r) => format!("{r:.2} : 1"),
        None => "no waste time logged".to_string(),
    }
}

pub(crate) fn width(s: &str) -> usize {
    // Printable ASCII is one column a byte (most cells: times, numbers, plain words).
    if s.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        return s.len();
    }
    UnicodeWidthStr::width(s)
}

/// Appends `n` spaces.
fn push_spaces(out: &mut String, n: usize) {
    const SPACES: &str = "                                ";
    let mut n = n;
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// Cuts `s` to at most `max` display columns, ending in `…` when cut.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw + 1 > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

fn period_label(s: &Summary) -> String {
    match (s.period.from, s.period.to) {
        (Some(f), Some(t)) if f == t => f.to_string(),
        (Some(f), Some(t)) => format!("{f} to {t}"),
        _ => "all notes".to_string(),
    }
}

/// Categories the text tables show as columns: all when there are at most three, else
/// money, waste and the rest as `other`.
enum Col {
    Named(String),
    Other(Vec<String>),
}

fn category_columns(s: &Summary, all: bool) -> Vec<Col> {
    if all || s.categories.len() <= 3 {
        return s.categories.iter().map(|c| Col::Named(c.clone())).collect();
    }
    let mut cols = Vec::new();
    let mut rest = Vec::new();
    for c in &s.categories {
        if c == MONEY || c == WASTE {
            cols.push(Col::Named(c.clone()));
        } else {
            rest.push(c.clone());
        }
    }
    cols.push(Col::Other(rest));
    cols
}

impl Col {
    fn title(&self) -> &str {
        match self {
            Col::Named(n) if n == UNCATEGORISED => "uncat.",
            Col::Named(n) => n,
            Col::Other(_) => "other",
        }
    }

    fn full_title(&self) -> &str {
        match self {
            Col::Named(n) => n,
            Col::Other(_) => "other",
        }
    }

    fn minutes(&self, map: &CategoryMinutes) -> u64 {
        match self {
            Col::Named(n) => map.get(n).copied().unwrap_or(0),
            Col::Other(names) => names.iter().filter_map(|n| map.get(n)).sum(),
        }
    }
}

// ---------------------------------------------------------------------------
// Tables, shared by text and Markdown
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Text { color: bool },
    Md,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Paint {
    None,
    Green,
    Red,
    Dim,
}

pub(crate) struct Cell {
    pub(crate) text: String,
    pub(crate) paint: Paint,
    /// Markdown: wrap in backticks (tags, so a pasted report adds no tags to a note).
    pub(crate) code: bool,
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Cell {
            text,
            paint: Paint::None,
            code: false,
        }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Cell::from(text.to_string())
    }
}

fn paint_for(category: &str) -> Paint {
    match category {
        MONEY => Paint::Green,
        WASTE => Paint::Red,
        _ => Paint::None,
    }
}

pub(crate) fn painted(text: impl Into<String>, paint: Paint) -> Cell {
    Cell {
        text: text.into(),
        paint,
        code: false,
    }
}

pub(crate) fn code(text: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        paint: Paint::None,
        code: true,
    }
}

pub(crate) struct Table {
    pub(crate) headers: Vec<String>,
    pub(crate) align: Vec<Align>,
    /// Text only: the most display columns a cell of this column may take.
    pub(crate) max: Vec<Option<usize>>,
    pub(crate) rows: Vec<Vec<Cell>>,
}

impl Table {
    pub(crate) fn new(cols: &[(&str, Align)]) -> Table {
        Table {
            headers: cols.iter().map(|(h, _)| h.to_string()).collect(),
            align: cols.iter().map(|(_, a)| *a).collect(),
            max: vec![None; cols.len()],
            rows: Vec::new(),
        }
    }

    fn push_col(&mut self, h: &str, a: Align) {
        self.headers.push(h.to_string());
        self.align.push(a);
        self.max.push(None);
    }

    pub(crate) fn limit(mut self, col: usize, max: usize) -> Table {
        self.max[col] = Some(max);
        self
    }

    pub(crate) fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }
}

pub(crate) struct Doc {
    pub(crate) style: Style,
    pub(crate) out: String,
}

fn escape_md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped_md(&mut out, s);
    out
}

/// Appends `s` escaped for a Markdown table cell: a backslash and `|` escaped, a line break
/// as a space.
fn push_escaped_md(out: &mut String, s: &str) {
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
}

impl Doc {
    pub(crate) fn color(&self) -> bool {
        matches!(self.style, Style::Text { color: true })
    }

    pub(crate) fn md(&self) -> bool {
        self.style == Style::Md
    }

    /// The ANSI colour code of `p`, when colour is on.
    fn paint_code(&self, p: Paint) -> Option<&'static str> {
        match p {
            _ if !self.color() => None,
            Paint::None => None,
            Paint::Green => Some("32"),
            Paint::Red => Some("31"),
            Paint::Dim => Some("2"),
        }
    }

    pub(crate) fn paint(&self, s: &str, p: Paint) -> String {
        match self.paint_code(p) {
            Some(code) => format!("\x1b[{code}m{s}\x1b[0m"),
            None => s.to_string(),
        }
    }

    /// Appends `s`, painted when colour is on.
    fn push_painted(&mut self, s: &str, p: Paint) {
        match self.paint_code(p) {
            Some(code) => {
                self.out.push_str("\x1b[");
                self.out.push_str(code);
                self.out.push('m');
                self.out.push_str(s);
                self.out.push_str("\x1b[0m");
            }
            None => self.out.push_str(s),
        }
    }

    pub(crate) fn line(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    pub(crate) fn blank(&mut self) {
        self.out.push('\n');
    }

    /// A Markdown heading of `level`, or a bold line in text.
    fn heading(&mut self, level: usize, s: &str) {
        if self.md() {
            self.line(&format!("{} {s}", "#".repeat(level)));
        } else if self.color() {
            self.line(&format!("\x1b[1m{s}\x1b[0m"));
        } else {
            self.line(s);
        }
    }

    pub(crate) fn title(&mut self, s: &str) {
        self.heading(1, s);
        self.blank();
    }

    pub(crate) fn section(&mut self, s: &str) {
        self.heading(2, s);
        if self.md() {
            self.blank();
        }
    }

    /// A paragraph of prose (indented in text).
    pub(crate) fn para(&mut self, s: &str) {
        if self.md() {
            self.line(s);
        } else {
            self.line(&format!("  {s}"));
        }
    }

    /// A small heading inside a section: `Title:` and a blank line in Markdown, an indented
    /// `Title` in text.
    pub(crate) fn subheading(&mut self, title: &str) {
        self.blank();
        if self.md() {
            self.line(&format!("{title}:"));
            self.blank();
        } else {
            self.para(title);
        }
    }

    pub(crate) fn table(&mut self, t: &Table) {
        self.table_rows(t, |f| t.rows.iter().for_each(|r| f(r)));
    }

    /// A table whose rows `rows` hands to its argument one at a time instead of `t.rows`:
    /// called twice for text (column widths, then the lines), so a table of 36,500 days never
    /// holds all its cells at once.
    pub(crate) fn table_rows(&mut self, t: &Table, rows: impl Fn(&mut dyn FnMut(&dyn Row))) {
        if self.md() {
            self.md_table(t, rows);
        } else {
            self.text_table(t, rows);
        }
    }

    fn text_table(&mut self, t: &Table, rows: impl Fn(&mut dyn FnMut(&dyn Row))) {
        let n = t.headers.len();
        // A cell as shown: cut to its column's limit.
        fn shown<'r>(t: &Table, r: &'r dyn Row, i: usize) -> Cow<'r, str> {
            let s = r.cell(i).map_or("", |c| c.0);
            match t.max[i] {
                Some(m) => truncate(s, m).into(),
                None => s.into(),
            }
        }
        let mut widths: Vec<usize> = t.headers.iter().map(|h| width(h)).collect();
        rows(&mut |r| {
            for (i, w) in widths.iter_mut().enumerate() {
                *w = (*w).max(width(&shown(t, r, i)));
            }
        });
        // Two spaces between columns, one when that would pass 80 columns.
        let gap = if 2 + widths.iter().sum::<usize>() + 2 * n.saturating_sub(1) > 80 {
            " "
        } else {
            "  "
        };
        let line = |doc: &mut Doc, cells: &mut dyn Iterator<Item = (Cow<'_, str>, Paint)>| {
            let start = doc.out.len();
            doc.out.push_str("  ");
            for (i, (s, paint)) in cells.enumerate() {
                let pad = widths[i].saturating_sub(width(&s));
                if i > 0 {
                    doc.out.push_str(gap);
                }
                if t.align[i] == Align::Right {
                    push_spaces(&mut doc.out, pad);
                }
                doc.push_painted(&s, paint);
                if t.align[i] == Align::Left {
                    push_spaces(&mut doc.out, pad);
                }
            }
            let kept = doc.out[start..].trim_end().len();
            doc.out.truncate(start + kept);
            doc.out.push('\n');
        };
        line(
            self,
            &mut t.headers.iter().map(|h| (h.as_str().into(), Paint::Dim)),
        );
        rows(&mut |r| {
            let paint = |i: usize| r.cell(i).map_or(Paint::None, |c| c.1);
            line(self, &mut (0..n).map(|i| (shown(t, r, i), paint(i))));
        });
    }

    fn md_table(&mut self, t: &Table, rows: impl Fn(&mut dyn FnMut(&dyn Row))) {
        let head: Vec<String> = t.headers.iter().map(|h| escape_md(h)).collect();
        self.line(&format!("| {} |", head.join(" | ")));
        let seps: Vec<&str> = t
            .align
            .iter()
            .map(|a| match a {
                Align::Left => "---",
                Align::Right => "---:",
            })
            .collect();
        self.line(&format!("| {} |", seps.join(" | ")));
        rows(&mut |r| {
            let out = &mut self.out;
            out.push('|');
            for i in 0..t.headers.len() {
                out.push(' ');
                match r.cell(i) {
                    Some((text, _, true)) if !text.is_empty() => {
                        out.push('`');
                        out.push_str(&text.replace('`', "'").replace('|', "\\|"));
                        out.push('`');
                    }
                    Some((text, _, _)) => push_escaped_md(out, text),
                    None => {}
                }
                out.push_str(" |");
            }
            out.push('\n');
        });
    }
}

/// A table row as the table writers read it: each cell's text, paint and whether it is code.
pub(crate) trait Row {
    fn cell(&self, i: usize) -> Option<(&str, Paint, bool)>;
}

impl Row for Vec<Cell> {
    fn cell(&self, i: usize) -> Option<(&str, Paint, bool)> {
        self.get(i).map(|c| (c.text.as_str(), c.paint, c.code))
    }
}

/// A row written into one buffer that is reused from row to row (a long report's day rows:
/// a string for each cell of 36,500 rows, twice, was most of the text report's time).
#[derive(Default)]
pub(crate) struct RowBuf {
    text: String,
    /// Each cell's end in `text`, paint and whether it is code.
    cells: Vec<(usize, Paint, bool)>,
}

impl RowBuf {
    pub(crate) fn clear(&mut self) {
        self.text.clear();
        self.cells.clear();
    }

    /// The text of the cell being written (ended by [`RowBuf::end`]).
    pub(crate) fn text(&mut self) -> &mut String {
        &mut self.text
    }

    /// Ends the cell written since the last one ended.
    pub(crate) fn end(&mut self, paint: Paint) {
        self.cells.push((self.text.len(), paint, false));
    }

    /// A cell of `s`.
    pub(crate) fn push_cell(&mut self, s: &str, paint: Paint) {
        self.text.push_str(s);
        self.end(paint);
    }

    /// Empty cells up to `n`.
    pub(crate) fn fill(&mut self, n: usize) {
        while self.cells.len() < n {
            self.end(Paint::None);
        }
    }
}

impl Row for RowBuf {
    fn cell(&self, i: usize) -> Option<(&str, Paint, bool)> {
        let &(end, paint, code) = self.cells.get(i)?;
        let start = if i == 0 { 0 } else { self.cells[i - 1].0 };
        Some((&self.text[start..end], paint, code))
    }
}

// ---------------------------------------------------------------------------
// Text and Markdown
// ---------------------------------------------------------------------------

pub(crate) const BAR: usize = 20;

fn render_doc(s: &Summary, style: Style) -> String {
    let mut d = Doc {
        style,
        out: String::new(),
    };
    d.title(&format!("Time log: {}", period_label(s)));
    if s.overview.entries == 0 {
        empty(&mut d, s);
        return d.out;
    }
    overview(&mut d, s);
    money_waste(&mut d, s);
    categories(&mut d, s);
    tags(&mut d, s);
    days(&mut d, s);
    priorities(&mut d, s);
    hours(&mut d, s);
    focus(&mut d, s);
    longest(&mut d, s);
    // One trailing newline, not a blank line.
    while d.out.ends_with("\n\n") {
        d.out.pop();
    }
    d.out
}

fn empty(d: &mut Doc, s: &Summary) {
    let what = match (s.period.from, s.period.to) {
        (Some(_), Some(_)) => format!("in {}", period_label(s)),
        _ => "in these notes".to_string(),
    };
    d.para(&format!("No time entries found {what}."));
    d.blank();
    d.para("A time entry is a list item that starts with a time, in a daily note");
    d.para("(named like 2026-11-24.md) or under a date heading, for example:");
    d.blank();
    let examples = [
        "- 09:00-10:30 write report #work",
        "- 10:30 email (20m) #email",
        "- 11:00 lunch",
    ];
    if d.md() {
        d.line("```markdown");
        for e in examples {
            d.line(e);
        }
        d.line("```");
    } else {
        for e in examples {
            d.line(&format!("    {e}"));
        }
    }
    if s.overview.undated_entries > 0 {
        d.blank();
        d.para(&format!(
            "{} entries are in notes without a date and are not counted: name those notes by \
             their date or add `date:` front matter.",
            s.overview.undated_entries
        ));
    }
    if s.overview.diagnostics > 0 {
        d.blank();
        d.para(&format!(
            "{} problems found in the notes; {}.",
            s.overview.diagnostics, s.overview.diagnostics_hint
        ));
    }
}

fn overview(d: &mut Doc, s: &Summary) {
    let o = &s.overview;
    d.section("Overview");
    let mut t = Table::new(&[("", Align::Left), ("", Align::Right), ("", Align::Left)]);
    if d.md() {
        t.headers = vec!["".into(), "Value".into(), "".into()];
    }
    let mut kv = |k: &str, v: String, note: String| t.row(vec![k.into(), v.into(), note.into()]);
    kv(
        "Days in period",
        o.days_in_period.to_string(),
        String::new(),
    );
    kv(
        "Days with notes",
        o.days_with_notes.to_string(),
        String::new(),
    );
    kv(
        "Days with a log",
        o.days_with_log.to_string(),
        String::new(),
    );
    kv("Logged", duration(o.total_minutes), String::new());
    kv(
        "Average per logged day",
        duration(o.average_minutes_per_logged_day),
        String::new(),
    );
    kv("Entries", o.entries.to_string(), String::new());
    if o.open_entries > 0 {
        kv(
            "Open entries",
            o.open_entries.to_string(),
            "no end time; counted as 0m".into(),
        );
    }
    kv(
        "Unlogged gaps",
        duration(o.gaps.total_minutes),
        format!(
            "in {} gap{} between entries",
            o.gaps.count,
            if o.gaps.count == 1 { "" } else { "s" }
        ),
    );
    if o.undated_entries > 0 {
        kv(
            "Undated entries",
            o.undated_entries.to_string(),
            "in notes without a date; not counted".into(),
        );
    }
    if o.diagnostics > 0 {
        kv(
            "Diagnostics",
            o.diagnostics.to_string(),
            o.diagnostics_hint.clone(),
        );
    }
    if !d.md() {
        // A key-value list needs no header line.
        t.headers = vec![String::new(); 3];
        let mut sub = Doc {
            style: d.style,
            out: String::new(),
        };
        sub.text_table(&t, |f| t.rows.iter().for_each(|r| f(r)));
        for l in sub.out.lines().skip(1) {
            d.line(l);
        }
    } else {
        d.table(&t);
    }
    if !o.gaps.biggest.is_empty() {
        d.subheading("Biggest gaps");
        let mut t = Table::new(&[
            ("Date", Align::Left),
            ("From", Align::Left),
            ("To", Align::Left),
            ("Gap", Align::Right),
        ]);
        for g in &o.gaps.biggest {
            t.row(vec![
                g.date.to_string().into(),
                g.from.clone().into(),
                g.to.clone().into(),
                duration(u64::from(g.minutes)).into(),
            ]);
        }
        d.table(&t);
    }
    d.blank();
}

fn money_waste(d: &mut Doc, s: &Summary) {
    let mw = &s.money_waste;
    d.section("Money vs waste");
    let mut t = Table::new(&[
        ("", Align::Left),
        ("Time", Align::Right),
        ("Share", Align::Right),
        ("", Align::Left),
    ]);
    t.row(vec![
        painted(MONEY, Paint::Green),
        duration(mw.money_minutes).into(),
        percent(mw.money_share).into(),
        painted(bar(mw.money_share, BAR), Paint::Green),
    ]);
    t.row(vec![
        painted(WASTE, Paint::Red),
        duration(mw.waste_minutes).into(),
        percent(mw.waste_share).into(),
        painted(bar(mw.waste_share, BAR), Paint::Red),
    ]);
    if d.md() {
        t.headers[0] = "Category".into();
    }
    d.table(&t);
    if d.md() {
        d.blank();
        d.line(&format!("Ratio money : waste: {}", ratio(mw.ratio)));
    } else {
        d.para(&format!("ratio money : waste  {}", ratio(mw.ratio)));
    }
    if !mw.trend.is_empty() {
        d.subheading("Per week");
        let mut t = Table::new(&[
            ("Week", Align::Left),
            ("Money", Align::Right),
            ("Waste", Align::Right),
        ]);
        for w in &mw.trend {
            t.row(vec![
                w.week.clone().into(),
                painted(duration(w.money_minutes), Paint::Green),
                painted(duration(w.waste_minutes), Paint::Red),
            ]);
        }
        d.table(&t);
    }
    d.blank();
}

/// A table of names with their time, share, entry count and a bar (categories, tags).
fn share_table(d: &mut Doc, title: &str, first: &str, rows: Vec<(Cell, u64, f64, usize, Paint)>) {
    d.section(title);
    let mut t = Table::new(&[
        (first, Align::Left),
        ("Time", Align::Right),
        ("Share", Align::Right),
        ("Entries", Align::Right),
        ("", Align::Left),
    ])
    .limit(0, 20);
    for (name, minutes, share, entries, paint) in rows {
        t.row(vec![
            name,
            duration(minutes).into(),
            percent(share).into(),
            entries.to_string().into(),
            painted(bar(share, BAR), paint),
        ]);
    }
    d.table(&t);
    d.blank();
}

fn categories(d: &mut Doc, s: &Summary) {
    let rows = s
        .category_totals
        .iter()
        .map(|c| {
            let p = paint_for(&c.category);
            (
                painted(c.category.clone(), p),
                c.minutes,
                c.share,
                c.entries,
                p,
            )
        })
        .collect();
    share_table(d, "Categories", "Category", rows);
}

fn tags(d: &mut Doc, s: &Summary) {
    let md = d.md();
    let rows = s
        .tags
        .iter()
        .map(|r| {
            let name: Cell = if r.tag == super::summary::UNTAGGED {
                r.tag.clone().into()
            } else if md {
                code(format!("#{}", r.tag))
            } else {
                format!("#{}", r.tag).into()
            };
            (name, r.minutes, r.share, r.entries, Paint::None)
        })
        .collect();
    share_table(d, "Tags", "Tag", rows);
}

fn days(d: &mut Doc, s: &Summary) {
    d.section("Days");
    let cols = category_columns(s, d.md());
    let md = d.md();
    let mut t = if md {
        Table::new(&[
            ("Date", Align::Left),
            ("Logged", Align::Right),
            ("First", Align::Left),
            ("Last", Align::Left),
        ])
    } else {
        Table::new(&[
            ("Day", Align::Left),
            ("Logged", Align::Right),
            ("From-to", Align::Left),
        ])
    };
    for c in &cols {
        t.push_col(if md { c.full_title() } else { c.title() }, Align::Right);
    }
    t.push_col("Done", Align::Right);
    t.push_col("Added", Align::Right);
    t.push_col("Blocks", Align::Right);
    let n = t.headers.len();
    let paints: Vec<Paint> = cols.iter().map(|c| paint_for(c.full_title())).collect();
    let row = |r: &DayRow, row: &mut RowBuf| {
        row.clear();
        let text = row.text();
        if md {
            push_date(text, r.date);
            text.push(' ');
            text.push_str(r.weekday);
        } else {
            // By hand: chrono's `format("%m-%d")` parses its pattern on every call.
            text.push_str(r.weekday);
            text.push(' ');
            push_number(text, r.date.month().into(), 2);
            text.push('-');
            push_number(text, r.date.day().into(), 2);
        }
        row.end(Paint::None);
        if !r.has_note {
            row.push_cell("no note", Paint::Dim);
            row.fill(n);
            return;
        }
        push_duration(row.text(), r.logged_minutes);
        row.end(Paint::None);
        let clock = |c: Option<super::summary::Clock>| c.map(|c| clock_short(c.0));
        let (first, last) = (clock(r.first), clock(r.last));
        let last = last.as_ref().map_or("", |l| l.as_str());
        match first {
            Some(first) if md => {
                row.push_cell(first.as_str(), Paint::None);
                row.push_cell(last, Paint::None);
            }
            None if md => {
                row.push_cell("", Paint::None);
                row.push_cell(last, Paint::None);
            }
            Some(first) => {
                let text = row.text();
                text.push_str(first.as_str());
                text.push('-');
                text.push_str(last);
                row.end(Paint::None);
            }
            None => row.end(Paint::None),
        }
        for (c, p) in cols.iter().zip(&paints) {
            let m = c.minutes(&r.categories);
            if m == 0 {
                row.end(Paint::None);
            } else {
                push_duration(row.text(), m);
                row.end(*p);
            }
        }
        push_number(row.text(), r.tasks_done as u64, 1);
        row.end(Paint::None);
        push_number(row.text(), r.tasks_added as u64, 1);
        row.end(Paint::None);
        if r.blocks_total > 0 {
            let text = row.text();
            push_number(text, r.blocks_done as u64, 1);
            text.push('/');
            push_number(text, r.blocks_total as u64, 1);
        }
        row.end(Paint::None);
    };
    // One row at a time: a century of days is 36,500 rows.
    d.table_rows(&t, |f| {
        let mut buf = RowBuf::default();
        for r in &s.days {
            row(r, &mut buf);
            f(&buf);
        }
    });
    d.blank();
}

/// Priority first: per day with priority or money tasks, how many were done, and whether
/// priority work was the first thing done (when the log shows the order).
fn priorities(d: &mut Doc, s: &Summary) {
    let with_priorities = || {
        s.days
            .iter()
            .filter_map(|r| r.priorities.as_ref().map(|p| (r, p)))
    };
    if with_priorities().next().is_none() {
        return;
    }
    d.section("Priority first");
    let t = Table::new(&[
        ("Day", Align::Left),
        ("Priority", Align::Right),
        ("Money", Align::Right),
        ("Priority done first", Align::Left),
    ]);
    let frac = |row: &mut RowBuf, done: usize, total: usize| {
        if total > 0 {
            let text = row.text();
            push_number(text, done as u64, 1);
            text.push('/');
            push_number(text, total as u64, 1);
            text.push_str(" done");
        }
        let paint = if total > 0 && done == total {
            Paint::Green
        } else {
            Paint::None
        };
        row.end(paint);
    };
    let row = |(r, p): (&DayRow, &DayPriorityRow), row: &mut RowBuf| {
        row.clear();
        let text = row.text();
        text.push_str(r.weekday);
        text.push(' ');
        push_date(text, r.date);
        row.end(Paint::None);
        frac(row, p.priority_done, p.priority_total);
        frac(row, p.money_done, p.money_total);
        match p.first_done_was_priority {
            Some(true) => row.push_cell("yes", Paint::Green),
            Some(false) => row.push_cell("no", Paint::Red),
            None => row.push_cell("no times logged", Paint::None),
        }
    };
    d.table_rows(&t, |f| {
        let mut buf = RowBuf::default();
        for r in with_priorities() {
            row(r, &mut buf);
            f(&buf);
        }
    });
    d.blank();
}

fn hours(d: &mut Doc, s: &Summary) {
    let h = &s.hours;
    d.section("Hours of the day");
    let cols = category_columns(s, d.md());
    let md = d.md();
    let mut t = Table::new(&[
        ("Hour", Align::Left),
        ("Time", Align::Right),
        ("", Align::Left),
    ]);
    for c in &cols {
        t.push_col(if md { c.full_title() } else { c.title() }, Align::Right);
    }
    for r in h.per_hour.iter().filter(|r| r.minutes > 0) {
        let share = if h.peak_minutes == 0 {
            0.0
        } else {
            r.minutes as f64 / h.peak_minutes as f64
        };
        let mut row: Vec<Cell> = vec![
            format!("{:02}", r.hour).into(),
            duration(r.minutes).into(),
            bar(share, BAR).into(),
        ];
        for c in &cols {
            let m = c.minutes(&r.categories);
            row.push(if m == 0 {
                "".into()
            } else {
                painted(duration(m), paint_for(c.full_title()))
            });
        }
        t.row(row);
    }
    d.table(&t);
    d.blank();
    if md {
        d.line("The bar is relative to the busiest hour.");
        d.blank();
    }

    d.section("Most productive hours");
    if h.productive.is_empty() {
        d.para("No money or priority time, and no timed tasks completed.");
    } else {
        let mut t = Table::new(&[
            ("Hour", Align::Left),
            ("Score", Align::Right),
            ("Money", Align::Right),
            ("Priority", Align::Right),
            ("Tasks done", Align::Right),
        ]);
        for p in &h.productive {
            t.row(vec![
                format!("{:02}:00-{:02}:00", p.hour, (p.hour + 1) % 24).into(),
                p.score.to_string().into(),
                painted(duration(p.money_minutes), Paint::Green),
                duration(p.priority_minutes).into(),
                p.tasks_done.to_string().into(),
            ]);
        }
        d.table(&t);
        if md {
            d.blank();
        }
        d.para("Score: money minutes + priority minutes + 30 per task completed in the hour.");
    }
    d.blank();

    if let Some(grid) = &h.weekday_grid {
        d.section("Weekday x hour");
        let peak = grid
            .iter()
            .flat_map(|r| r.minutes.iter())
            .copied()
            .max()
            .unwrap_or(0);
        if md {
            let mut t = Table::new(&[("Day", Align::Left)]);
            for hour in 0..24 {
                t.push_col(&format!("{hour:02}"), Align::Right);
            }
            t.push_col("Total", Align::Right);
            for r in grid {
                let mut row: Vec<Cell> = vec![r.weekday.clone().into()];
                for m in &r.minutes {
                    row.push(if *m == 0 {
                        "".into()
                    } else {
                        m.to_string().into()
                    });
                }
                row.push(duration(r.total_minutes).into());
                t.row(row);
            }
            d.table(&t);
            d.blank();
            d.line("Minutes per weekday and hour.");
        } else {
            let mut head = String::from("       ");
            for hour in (0..24).step_by(3) {
                head.push_str(&format!("{hour:<6}"));
            }
            let head = head.trim_end().to_string();
            let head = d.paint(&head, Paint::Dim);
            d.line(&head);
            for r in grid {
                let mut l = format!("  {}  ", r.weekday);
                for m in &r.minutes {
                    l.push_str(shade(*m, peak));
                }
                l.push_str(&format!("  {}", duration(r.total_minutes)));
                d.line(&l);
            }
            d.para(&format!(
                "░ up to a quarter, ▒ half, ▓ three quarters, █ the busiest cell ({})",
                duration(peak)
            ));
        }
        d.blank();
    }
}

fn shade(m: u64, peak: u64) -> &'static str {
    if m == 0 || peak == 0 {
        return "··";
    }
    let q = m as f64 / peak as f64;
    if q <= 0.25 {
        "░░"
    } else if q <= 0.5 {
        "▒▒"
    } else if q <= 0.75 {
        "▓▓"
    } else {
        "██"
    }
}

fn focus(d: &mut Doc, s: &Summary) {
    let f = &s.focus;
    d.section("Focus sessions");
    if d.md() {
        d.line(&format!(
            "Uninterrupted runs of at least {} in one category.",
            duration(u64::from(f.threshold_minutes))
        ));
        d.blank();
    } else {
        d.para(&format!(
            "uninterrupted runs of at least {} in one category",
            duration(u64::from(f.threshold_minutes))
        ));
    }
    let opt = |m: Option<u32>| m.map_or_else(|| "-".to_string(), |m| duration(u64::from(m)));
    let mut t = Table::new(&[("", Align::Left), ("Value", Align::Right)]);
    t.row(vec!["Sessions".into(), f.count.to_string().into()]);
    t.row(vec!["Total".into(), duration(f.total_minutes).into()]);
    t.row(vec!["Median length".into(), opt(f.median_minutes).into()]);
    t.row(vec!["Longest".into(), opt(f.longest_minutes).into()]);
    t.row(vec![
        "Breaks between sessions".into(),
        f.breaks.to_string().into(),
    ]);
    t.row(vec![
        "Median break".into(),
        opt(f.median_break_minutes).into(),
    ]);
    if d.md() {
        d.table(&t);
    } else {
        let mut sub = Doc {
            style: d.style,
            out: String::new(),
        };
        sub.text_table(&t, |f| t.rows.iter().for_each(|r| f(r)));
        for l in sub.out.lines().skip(1) {
            d.line(l);
        }
    }
    d.blank();
}

fn longest(d: &mut Doc, s: &Summary) {
    d.section("Longest activities");
    let md = d.md();
    let mut t = Table::new(&[
        ("Date", Align::Left),
        ("Start", Align::Left),
        ("Time", Align::Right),
        ("Activity", Align::Left),
    ]);
    if md {
        t.push_col("Tags", Align::Left);
    }
    // Text: what is left of 80 columns after date, start, time and gaps.
    let t = t.limit(3, 36);
    let mut t = t;
    for e in &s.longest {
        let tags: Vec<String> = e.tags.iter().map(|t| format!("#{t}")).collect();
        let mut row: Vec<Cell> = vec![
            e.date.to_string().into(),
            e.start.to_string().into(),
            duration(u64::from(e.minutes)).into(),
        ];
        if md {
            row.push(e.text.clone().into());
            row.push(code(tags.join(" ")));
        } else {
            let text = if tags.is_empty() {
                e.text.clone()
            } else {
                format!("{} {}", e.text, tags.join(" "))
            };
            row.push(painted(text, paint_for(&e.category)));
        }
        t.row(row);
    }
    d.table(&t);
    if s.overview.diagnostics > 0 {
        d.blank();
        let n = s.overview.diagnostics;
        d.para(&format!(
            "{n} problem{} found in the notes; {}.",
            if n == 1 { "" } else { "s" },
            s.overview.diagnostics_hint
        ));
    }
    d.blank();
}

// ---------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------

/// Quotes a CSV field when it holds a comma, a quote or a line break.
pub fn csv_field(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_csv_field(&mut out, s);
    out
}

/// Appends `s` as a CSV field: in quotes, its quotes doubled, when it holds a comma, a quote
/// or a line break.
fn push_csv_field(out: &mut String, s: &str) {
    if !s.contains([',', '"', '\n', '\r']) {
        out.push_str(s);
        return;
    }
    out.push('"');
    let mut rest = s;
    while let Some(i) = rest.find('"') {
        out.push_str(&rest[..=i]);
        out.push('"');
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
    out.push('"');
}

fn csv_line<S: AsRef<str>>(out: &mut String, fields: &[S]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_csv_field(out, f.as_ref());
    }
    out.push('\n');
}

/// CSV lines written to `w` as they are made, a few dozen KiB at a time: the entries table of
/// a century of notes is 100 MB, which was held in one string before it was written.
struct CsvOut<'w> {
    buf: String,
    w: &'w mut dyn Write,
}

impl CsvOut<'_> {
    fn line<S: AsRef<str>>(&mut self, fields: &[S]) -> io::Result<()> {
        csv_line(&mut self.buf, fields);
        if self.buf.len() >= 1 << 16 {
            self.w.write_all(self.buf.as_bytes())?;
            self.buf.clear();
        }
        Ok(())
    }

    fn finish(self) -> io::Result<()> {
        self.w.write_all(self.buf.as_bytes())
    }
}

fn render_csv(s: &Summary, kind: CsvKind, w: &mut dyn Write) -> io::Result<()> {
    let mut out = CsvOut {
        buf: String::new(),
        w,
    };
    let strs = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    match kind {
        CsvKind::Entries => {
            out.line(&strs(&[
                "date", "start", "end", "minutes", "category", "tags", "text", "path", "line",
            ]))?;
            if let Some(rows) = &s.entries {
                // A million rows for a century: each field is made in place, not as a string.
                let (mut numbers, mut tags) = (String::new(), String::new());
                rows.for_each_batch(1024, |batch| {
                    batch.iter().try_for_each(|e| {
                        let date = iso_date_bytes(e.date);
                        let date_long;
                        let date = match &date {
                            Some(b) => std::str::from_utf8(b).expect("ASCII"),
                            None => {
                                date_long = e.date.to_string();
                                &date_long
                            }
                        };
                        let start = clock_short(e.start.0);
                        let end = e.end.map(|c| clock_short(c.0));
                        numbers.clear();
                        push_number(&mut numbers, e.minutes.into(), 1);
                        let minutes_end = numbers.len();
                        push_number(&mut numbers, e.line as u64, 1);
                        tags.clear();
                        for (i, t) in e.tags.iter().enumerate() {
                            if i > 0 {
                                tags.push(' ');
                            }
                            tags.push_str(t);
                        }
                        out.line(&[
                            date,
                            start.as_str(),
                            end.as_ref().map_or("", |c| c.as_str()),
                            &numbers[..minutes_end],
                            &e.category,
                            &tags,
                            &e.text,
                            &e.path,
                            &numbers[minutes_end..],
                        ])
                    })
                })?;
            }
        }
        CsvKind::Days => {
            let mut head = strs(&[
                "date",
                "logged_minutes",
                "first",
                "last",
                "tasks_done",
                "tasks_added",
                "blocks_done",
                "blocks_total",
            ]);
            head.extend(s.categories.iter().cloned());
            out.line(&head)?;
            for r in &s.days {
                let mut row = vec![
                    r.date.to_string(),
                    r.logged_minutes.to_string(),
                    r.first.map(|c| c.to_string()).unwrap_or_default(),
                    r.last.map(|c| c.to_string()).unwrap_or_default(),
                    r.tasks_done.to_string(),
                    r.tasks_added.to_string(),
                    r.blocks_done.to_string(),
                    r.blocks_total.to_string(),
                ];
                for c in &s.categories {
                    row.push(r.categories.get(c).copied().unwrap_or(0).to_string());
                }
                out.line(&row)?;
            }
        }
        CsvKind::Tags => {
            out.line(&strs(&["tag", "minutes", "share", "entries"]))?;
            for t in &s.tags {
                out.line(&[
                    t.tag.clone(),
                    t.minutes.to_string(),
                    t.share.to_string(),
                    t.entries.to_string(),
                ])?;
            }
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;
    use crate::report::Period;
    use crate::report::summary::summarize;
    use crate::report::summary::tests::{d, note, run};

    fn text(s: &Summary, format: Format, csv: CsvKind) -> String {
        let mut out = Vec::new();
        render(s, format, csv, false, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn journal() -> Summary {
        journal_with(None)
    }

    /// The journal's report with its entry rows sorted through a spill, `limit` at a time.
    fn journal_with(limit: Option<usize>) -> Summary {
        let loaded = crate::load::load(
            std::path::Path::new("fixtures/journal"),
            "fixtures/journal",
            &crate::load::LoadOptions {
                parse: crate::parse::ParseOptions::with_defaults(),
                ..Default::default()
            },
        )
        .unwrap();
        let n = loaded.diagnostics().len();
        let Some(limit) = limit else {
            return summarize(
                &loaded.notes,
                &Settings::default(),
                &Period::ALL,
                d("2026-11-25"),
                n,
            );
        };
        let settings = Settings::default();
        let mut b = crate::report::summary::SummaryBuilder::new(&settings, &Period::ALL, true);
        let spill = std::sync::Arc::new(crate::report::entry_rows::MemorySpill::default());
        b.spill_entries_with(spill, limit);
        let digester = b.digester();
        for ln in &loaded.notes {
            b.add(digester.digest(ln.clone()));
        }
        let s = b.finish(n);
        assert!(s.entries.as_ref().unwrap().runs() > 1);
        s
    }

    #[test]
    fn durations_and_bars() {
        assert_eq!(duration(0), "0m");
        assert_eq!(duration(45), "45m");
        assert_eq!(duration(65), "1h 05m");
        assert_eq!(duration(120), "2h 00m");
        assert_eq!(duration(551_118 * 60 + 7), "551118h 07m");
        let mut s = String::new();
        push_number(&mut s, u64::MAX, 2);
        push_number(&mut s, 0, 3);
        assert_eq!(s, format!("{}000", u64::MAX));
        assert_eq!(bar(1.0, 20), "█".repeat(20));
        assert_eq!(bar(0.0, 20), "");
        assert_eq!(bar(0.5, 20), "█".repeat(10));
        assert_eq!(bar(0.0125, 20), "▎");
        assert_eq!(bar(0.11, 20), "██▎");
        assert_eq!(bar(2.0, 4), "████");
    }

    /// Dates and clock times written by hand are what chrono and `format!` write.
    #[test]
    fn dates_and_clocks_by_hand() {
        for (y, m, dd) in [
            (0, 1, 1),
            (1, 2, 3),
            (999, 12, 31),
            (2026, 11, 24),
            (9999, 12, 31),
        ] {
            let date = chrono::NaiveDate::from_ymd_opt(y, m, dd).unwrap();
            let ours = iso_date_bytes(date).unwrap();
            assert_eq!(std::str::from_utf8(&ours).unwrap(), date.to_string());
        }
        for y in [-1, 10000] {
            assert_eq!(
                iso_date_bytes(chrono::NaiveDate::from_ymd_opt(y, 1, 1).unwrap()),
                None
            );
        }
        for m in [0, 5, 59, 60, 605, 1439, 1440, 1441, 14_400 + 61, u32::MAX] {
            let days = m / 1440;
            let want = format!("{:02}:{:02}", m % 1440 / 60, m % 60)
                + &(if days > 0 {
                    format!("+{days}")
                } else {
                    String::new()
                });
            assert_eq!(crate::report::summary::clock(m), want);
        }
    }

    /// Our JSON layout is serde_json's `to_string_pretty`, byte for byte: empty and nested
    /// arrays and objects, strings needing escapes, and nesting deeper than one piece of
    /// indentation (32 levels).
    #[test]
    fn json_layout_is_serde_jsons_pretty_layout() {
        let mut deep = serde_json::json!({"leaf": [1, {}, []]});
        for i in 0..40 {
            deep = if i % 2 == 0 {
                serde_json::json!([deep, i])
            } else {
                serde_json::json!({"k": deep, "e": {}, "a": []})
            };
        }
        let values = [
            serde_json::json!(null),
            serde_json::json!([]),
            serde_json::json!({}),
            serde_json::json!({"a": [1, 2.5, "x\"y\n", true], "b": {"c": [], "d": {}}}),
            deep,
        ];
        for v in values {
            let mut ours = Vec::new();
            let mut json = serde_json::Serializer::with_formatter(&mut ours, Pretty::default());
            v.serialize(&mut json).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string_pretty(&v).unwrap()
            );
        }
    }

    fn by_serde<T: Serialize>(row: &T, at: Pretty) -> String {
        let mut out = Vec::new();
        let mut json = serde_json::Serializer::with_formatter(&mut out, at);
        row.serialize(&mut json).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn by_hand<T: JsonRow>(row: &T, at: Pretty) -> String {
        let mut out = Vec::new();
        row.write_json(at, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Day rows and focus sessions written by hand are what serde_json writes, at any
    /// level: categories none, one or several, names that need escapes (quotes, backslashes,
    /// control characters) or none (non-ASCII), days of years beyond 9999, times past
    /// midnight, priorities absent or with each kind of first done task.
    #[test]
    fn rows_written_by_hand_are_what_serde_writes() {
        use crate::report::summary::{Clock, Session};
        use proptest::prelude::*;
        use std::sync::Arc;
        let names = [
            "money",
            "waste",
            "uncategorised",
            "Déjà vu",
            "a \"quoted\" one",
            "back\\slash",
            "tab\there",
            "\u{1}\u{1f}\u{7f}",
            "",
        ];
        let name = proptest::sample::select(names.to_vec());
        let date = prop_oneof![
            (0i32..3_650_000)
                .prop_map(|n| d("2000-01-01") + chrono::Duration::days(n as i64 - 800_000)),
            Just(chrono::NaiveDate::MAX),
            Just(chrono::NaiveDate::MIN),
        ];
        let clock = (0u32..5000).prop_map(Clock);
        let first = proptest::option::of(any::<bool>());
        let priorities = proptest::option::of((0usize..9, 0usize..9, 0usize..9, 0usize..9, first));
        let row = (
            date.clone(),
            any::<bool>(),
            any::<u64>(),
            any::<usize>(),
            proptest::option::of(clock.clone()),
            proptest::option::of(clock.clone()),
            proptest::collection::vec((name.clone(), any::<u64>()), 0..4),
            (any::<usize>(), 0usize..50, 0usize..50, 0usize..50),
            priorities,
        );
        let session = (date, clock.clone(), clock, any::<u32>(), name);
        let levels = 0usize..40;
        proptest!(|(r in row, s in session, level in levels)| {
            let (date, has_note, logged, entries, first, last, cats, tasks, prio) = r;
            let cats: Vec<(Arc<str>, u64)> = cats.into_iter().map(|(n, m)| (Arc::from(n), m)).collect();
            let day = DayRow {
                date,
                weekday: "Mon",
                has_note,
                logged_minutes: logged,
                entries,
                first,
                last,
                categories: CategoryMinutes::from_pairs(cats),
                tasks_done: tasks.0,
                tasks_added: tasks.1,
                blocks_done: tasks.2,
                blocks_total: tasks.3,
                priorities: prio.map(|(a, b, c, d, f)| DayPriorityRow {
                    priority_done: a,
                    priority_total: b,
                    money_done: c,
                    money_total: d,
                    first_done_was_priority: f,
                }),
            };
            let session = Session {
                date: s.0,
                start: s.1,
                end: s.2,
                minutes: s.3,
                category: Arc::from(s.4),
            };
            let at = Pretty { level, has_value: false };
            prop_assert_eq!(by_hand(&day, at), by_serde(&day, at));
            prop_assert_eq!(by_hand(&session, at), by_serde(&session, at));
        });
    }

    /// Day rows, focus sessions and entry rows written on several threads, in pieces and
    /// batches of every size, put in their places: the same text as serde_json's pretty
    /// printer (a journal with 20 days and 114 sessions, with its entries (in memory, and
    /// sorted through a spill) and without; a note without entries, so no sessions; no
    /// notes at all).
    #[test]
    fn json_rows_in_parallel_are_serde_jsons_layout() {
        let mut without_entries = journal();
        without_entries.entries = None;
        let summaries = [
            journal(),
            journal_with(Some(5)),
            without_entries,
            run(
                &[note(Some("2026-11-24"), "- [ ] a\n")],
                &Settings::default(),
            ),
            run(&[], &Settings::default()),
        ];
        for s in &summaries {
            let want = serde_json::to_string_pretty(s).unwrap();
            for (parallel_from, a_piece, at_once) in [
                (usize::MAX, 1, 1),
                (0, 1, 1),
                (0, 3, 2),
                (1, 7, 1),
                (0, 256, 32),
            ] {
                let how = Rows {
                    parallel_from,
                    a_piece,
                    at_once,
                };
                let mut out = Vec::new();
                json(s, &mut out, how).unwrap();
                assert_eq!(String::from_utf8(out).unwrap(), want, "{how:?}");
            }
        }
        // The rows are written again once the report is.
        assert!(
            serde_json::to_string(&summaries[0])
                .unwrap()
                .contains("\"sessions\":[{")
        );
    }

    /// CSV lines written as they are made: the text is the same whether it leaves in one
    /// piece or in many (past the 64 KiB kept before a write).
    #[test]
    fn csv_written_in_pieces_is_whole() {
        let fields = ["a, b".to_string(), "x".repeat(1000), "c\"d".to_string()];
        let mut want = String::new();
        let mut out = Vec::new();
        let mut csv = CsvOut {
            buf: String::new(),
            w: &mut out,
        };
        for _ in 0..200 {
            csv.line(&fields).unwrap();
            csv_line(&mut want, &fields);
        }
        csv.finish().unwrap();
        assert!(want.len() > 3 << 16, "more than a few pieces");
        assert_eq!(String::from_utf8(out).unwrap(), want);
    }

    /// A Markdown table cell escapes `|` and a backslash, inside code spans too, so that user
    /// text never splits or breaks a row; tags are code spans.
    #[test]
    fn markdown_cells_escape_pipes_and_backslashes() {
        let n = note(
            Some("2026-11-24"),
            "## Log\n\n- 09:00-11:00 pay a|b \\ c `x|y` #money\n- 11:00-11:30 tea\n",
        );
        let md = text(
            &run(&[n], &Settings::default()),
            Format::Md,
            CsvKind::Entries,
        );
        assert!(
            md.contains("| 2026-11-24 | 09:00 | 2h 00m | pay a\\|b \\\\ c `x\\|y` | `#money` |\n"),
            "{md}"
        );
        // Every row of every table has as many unescaped `|` as its header.
        let cells = |l: &str| {
            l.replace("\\\\", "")
                .replace("\\|", "")
                .matches('|')
                .count()
        };
        for table in md.split("\n\n").filter(|b| b.starts_with('|')) {
            let mut lines = table.lines();
            let head = cells(lines.next().unwrap());
            assert!(lines.all(|l| cells(l) == head), "{table}");
        }
    }

    #[test]
    fn csv_quoting() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field(""), "");
        assert_eq!(csv_field("\""), "\"\"\"\"");
        assert_eq!(csv_field("a\"\"b\""), "\"a\"\"\"\"b\"\"\"");
        assert_eq!(csv_field("\r"), "\"\r\"");
        assert_eq!(csv_field("naïve, «x»"), "\"naïve, «x»\"");
        let s = run(
            &[note(
                Some("2026-11-24"),
                "## Log\n\n- 09:00-10:00 call Bob, \"urgent\" #money #client\n",
            )],
            &Settings::default(),
        );
        let csv = text(&s, Format::Csv, CsvKind::Entries);
        assert_eq!(
            csv,
            "date,start,end,minutes,category,tags,text,path,line\n\
             2026-11-24,09:00,10:00,60,money,money client,\"call Bob, \"\"urgent\"\"\",notes/2026-11-24.md,3\n"
        );
        let days = text(&s, Format::Csv, CsvKind::Days);
        assert_eq!(
            days,
            "date,logged_minutes,first,last,tasks_done,tasks_added,blocks_done,blocks_total,money,waste,uncategorised\n\
             2026-11-24,60,09:00,10:00,0,0,0,0,60,0,0\n"
        );
        let tags = text(&s, Format::Csv, CsvKind::Tags);
        assert_eq!(
            tags,
            "tag,minutes,share,entries\nclient,60,1,1\nmoney,60,1,1\n"
        );
    }

    #[test]
    fn friendly_message_without_entries() {
        let s = run(
            &[note(Some("2026-11-24"), "# Tuesday\n\n- [ ] a task\n")],
            &Settings::default(),
        );
        for format in [Format::Text, Format::Md] {
            let out = text(&s, format, CsvKind::Entries);
            assert!(
                out.contains("No time entries found in 2026-11-24."),
                "{out}"
            );
            assert!(out.contains("- 09:00-10:30 write report #work"), "{out}");
            assert!(!out.contains("Categories"), "{out}");
        }
        let md = text(&s, Format::Md, CsvKind::Entries);
        assert!(md.contains("```markdown\n- 09:00-10:30"), "{md}");
        let none = run(&[], &Settings::default());
        let out = text(&none, Format::Text, CsvKind::Entries);
        assert!(
            out.contains("No time entries found in these notes."),
            "{out}"
        );
        // CSV and JSON stay machine-readable.
        assert_eq!(
            text(&none, Format::Csv, CsvKind::Tags),
            "tag,minutes,share,entries\n"
        );
        let json: serde_json::Value =
            serde_json::from_str(&text(&none, Format::Json, CsvKind::Entries)).unwrap();
        assert_eq!(json["schema_version"], 2);
    }

    #[test]
    fn text_fits_80_columns_and_colour_only_when_asked() {
        let s = journal();
        let plain = text(&s, Format::Text, CsvKind::Entries);
        for l in plain.lines() {
            assert!(width(l) <= 80, "too wide ({}): {l}", width(l));
        }
        assert!(!plain.contains('\x1b'));
        for title in [
            "Overview",
            "Money vs waste",
            "Categories",
            "Tags",
            "Days",
            "Hours of the day",
            "Most productive hours",
            "Weekday x hour",
            "Focus sessions",
            "Longest activities",
        ] {
            assert!(plain.contains(&format!("\n{title}\n")), "{title}");
        }
        let mut out = Vec::new();
        render(&s, Format::Text, CsvKind::Entries, true, &mut out).unwrap();
        let coloured = String::from_utf8(out).unwrap();
        assert!(coloured.contains("\x1b[1mOverview\x1b[0m"));
        assert!(coloured.contains("\x1b[32mmoney"));
        assert!(coloured.contains("\x1b[31mwaste"));
        let md = text(&s, Format::Md, CsvKind::Entries);
        assert!(!md.contains('\x1b'));
        assert!(md.starts_with("# Time log: "));
        assert!(md.contains("## Categories\n\n| Category | Time | Share | Entries |  |\n"));
        // Same input, same bytes.
        assert_eq!(plain, text(&journal(), Format::Text, CsvKind::Entries));
        let json = text(&s, Format::Json, CsvKind::Entries);
        assert!(json.starts_with("{\n  \"schema_version\": 2,"));
        assert!(json.ends_with("}\n"));
    }

    #[test]
    #[ignore = "prints the sample journal's report; run with --ignored --nocapture"]
    fn show_journal() {
        let s = journal();
        for f in [Format::Text, Format::Md, Format::Json] {
            println!("{}", text(&s, f, CsvKind::Entries));
        }
    }
}
