//! The note parser: one pass over a note's block structure, turned into the note model.
//!
//! The block structure (lists, quotes, code, HTML) comes from the line scanner in
//! `blocks.rs` for the Markdown daily notes are made of, and from pulldown-cmark for any
//! note the scanner declines; front matter is found here. This module reads task markers,
//! time entries and dates from the raw bytes at the offsets the blocks give, so every span
//! points into the original text and any status character, not only the two GFM knows, is
//! seen.

mod apart;
mod blocks;
pub mod date;
pub mod inline;
pub mod time;

use std::collections::HashMap;

use blocks::Block;
use chrono::{Duration, NaiveDate};
use pulldown_cmark::{Event, Options, Parser};

use crate::diagnostic::{Code, Diagnostic};
use crate::model::*;
use crate::span::{LineIndex, Span};
use date::HeadingDate;
use time::{End, Scan};

/// What the parser needs to know beyond the text. Built by the caller (the loader), so
/// parsing stays free of files and clocks.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// The date the note's file name carries, if any.
    pub name_date: Option<NaiveDate>,
    /// Lower-case heading texts whose checkboxes are a plan (time blocks), not a log: a
    /// time at the start of such an item is the block's planned time, not a time entry.
    pub plan_headings: Vec<String>,
}

impl ParseOptions {
    pub fn with_defaults() -> Self {
        ParseOptions {
            name_date: None,
            plan_headings: vec!["time blocks".into()],
        }
    }
}

/// Logseq task keywords and the status each means.
const KEYWORDS: [(&str, Status); 8] = [
    ("TODO", Status::Open),
    ("LATER", Status::Open),
    ("DOING", Status::InProgress),
    ("NOW", Status::InProgress),
    ("WAITING", Status::Waiting),
    ("DONE", Status::Done),
    ("CANCELED", Status::Cancelled),
    ("CANCELLED", Status::Cancelled),
];

/// Words that, alone on a time line, end the entry before it and are no activity.
/// `END`, `BREAK` and `STOP` only in capitals: a lower-case "break" is an activity people log
/// (and count), while the capitals are a marker in the log's own notation.
fn is_stop_word(text: &str) -> bool {
    let t = text.trim();
    matches!(t, "END" | "BREAK" | "STOP")
        || ["bed", "sleep", "end of day", "done for the day"]
            .iter()
            .any(|w| t.eq_ignore_ascii_case(w))
}

struct ItemFrame {
    span: Span,
    /// Still waiting for the first inline content of the item's first paragraph.
    awaiting_head: bool,
    /// Where the item's first line of content ends, while its continuation lines
    /// (Logseq `SCHEDULED:`, `CLOCK:` ...) are still to be read. Tight list items have no
    /// paragraph events, so the head ends at the item's first block or at its end.
    head_pending: Option<usize>,
    task: Option<usize>,
    bullet: Bullet,
    ordinal: Option<u64>,
    quoted: bool,
}

struct ListFrame {
    next_ordinal: Option<u64>,
}

/// What the parse keeps of a time entry's head until the entries are resolved: the entry
/// itself waits in `note.entries` with the start as written, no end and no source yet.
struct EntryHead {
    end: Option<End>,
    duration: Option<u32>,
    /// Byte range of the end time, for the end-before-start diagnostic.
    head_span: Span,
}

struct ClockLine {
    span: Span,
    line: usize,
    start: chrono::NaiveDateTime,
    end: Option<chrono::NaiveDateTime>,
    task: Option<usize>,
    text: String,
    tags: Vec<String>,
}

struct Parse<'a, 'p> {
    text: &'a str,
    ix: &'a LineIndex,
    opts: &'a ParseOptions,
    note: Note,
    items: Vec<ItemFrame>,
    lists: Vec<ListFrame>,
    quote_depth: usize,
    /// Inside a paragraph that belongs to no list item.
    /// The heads of the entries in `note.entries`, one for one, until they are resolved.
    entry_heads: Vec<EntryHead>,
    clocks: Vec<ClockLine>,
    /// Index of the current heading, and whether it is a plan heading.
    current_heading: Option<usize>,
    in_plan: bool,
    /// Open date sections: (heading level, index into note.days).
    open_days: Vec<(u8, usize)>,
    markers: Vec<(String, bool, Span)>,
    in_heading: Option<(u8, Span)>,
    /// The events come from the line scanner (not pulldown-cmark).
    lines_scanned: bool,
    /// Bytes of the note that pulldown-cmark read (for tests: how much the scanner read).
    by_pulldown: usize,
    /// Regions whose start marker is read and whose end is not yet (markers are matched
    /// as they come, so a note parsed in pieces matches them as a whole note would).
    open_regions: Vec<(String, Span)>,
    /// Ends that belong to a start already reported as a duplicate; not reported again.
    swallow: Vec<String>,
    /// The names of the regions handed over with earlier pieces.
    handed_regions: Vec<String>,
    /// Set when the note is parsed in pieces.
    pieces: Option<Pieces<'p>>,
}

/// A long note parsed in pieces (see [`parse_in_pieces`]).
struct Pieces<'a> {
    /// The least a piece holds, in bytes of the note.
    min_bytes: usize,
    /// Where to cut instead, and only there (see [`parse_in_pieces_at`]).
    at: Option<&'a [usize]>,
    /// Where to cut as well, however short the piece (see [`apart`]).
    also: &'a [usize],
    /// Where the piece being read starts.
    from: usize,
    sink: &'a mut dyn FnMut(Note),
    /// Where each piece read so far, but the first, starts.
    cuts: Vec<usize>,
    /// The first and the last piece that hold entries of each day (None: undated entries).
    entry_dates: HashMap<Option<NaiveDate>, (usize, usize)>,
    /// The same for the dates of the date headings and of the dated tasks.
    dates: HashMap<NaiveDate, (usize, usize)>,
    /// A day's entries or tasks turned up in two pieces: the note must be parsed again.
    conflict: bool,
    /// The date sections of every piece read, and the note's date, for
    /// [`apart::sections_apart`].
    sections: Vec<(NaiveDate, Span)>,
    note_date: Option<NaiveDate>,
}

impl Pieces<'_> {
    /// Notes the days `piece` (the next piece) holds; false if an earlier piece holds one of
    /// them. `entry_dates` are the days of its entries as read, before they were resolved
    /// (an `END` line is resolved away, yet it orders its day's entries).
    fn take_dates(&mut self, piece: &Note, mut entry_dates: Vec<Option<NaiveDate>>) -> bool {
        self.sections
            .extend(piece.days.iter().map(|d| (d.date, d.span)));
        self.note_date = piece.date;
        let days = piece.days.iter().map(|d| d.date);
        let tasks = piece.tasks.iter().filter_map(|t| t.date);
        let mut dates: Vec<NaiveDate> = days.chain(tasks).collect();
        dates.sort_unstable();
        dates.dedup();
        // With the days of clock lines, which become entries when they are resolved.
        entry_dates.extend(piece.entries.iter().map(|e| e.date));
        entry_dates.sort_unstable();
        entry_dates.dedup();
        let k = self.cuts.len();
        let mut alone = true;
        for d in dates {
            let seen = self.dates.entry(d).or_insert((k, k));
            alone &= seen.0 == k;
            seen.1 = k;
        }
        for d in entry_dates {
            let seen = self.entry_dates.entry(d).or_insert((k, k));
            alone &= seen.0 == k;
            seen.1 = k;
        }
        alone
    }

    /// Where to cut the note so that no day lies in two pieces: the cuts made, but those
    /// between the first and the last piece of any day.
    fn cuts_keeping_days(&self) -> Vec<usize> {
        // Cut k ends piece k: a day in pieces first..=last lies across cuts first..last.
        // How many days lie across each cut, counted as the days begun minus the days ended.
        let mut change = vec![0isize; self.cuts.len() + 1];
        for &(first, last) in self.dates.values().chain(self.entry_dates.values()) {
            change[first] += 1;
            change[last] -= 1;
        }
        let mut across = 0;
        self.cuts
            .iter()
            .zip(change)
            .filter_map(|(&at, c)| {
                across += c;
                (across == 0).then_some(at)
            })
            .collect()
    }
}

/// Parses one note. Never panics, whatever the text; problems become diagnostics.
pub fn parse_note(text: &str, opts: &ParseOptions) -> Note {
    parse_with(text, opts, true)
}

/// [`parse_note`] with the block structure always from pulldown-cmark, never from the fast
/// line scanner: the reference the scanner is tested and benchmarked against.
#[doc(hidden)]
pub fn parse_note_reference(text: &str, opts: &ParseOptions) -> Note {
    parse_with(text, opts, false)
}

/// Whether the fast line scanner reads this note's block structure (else pulldown-cmark
/// does). For tests and benchmarks.
#[doc(hidden)]
pub fn fast_scanner_reads(text: &str) -> bool {
    let ix = LineIndex::new(text);
    let from = body_start(text).0;
    blocks::scannable(text, from)
        && blocks::scan(text, from, ix.starts(), &mut Vec::new(), &mut Vec::clear)
            == blocks::Scanned::Done
}

/// Where a note's Markdown starts: after a byte-order mark and YAML front matter, whose span
/// comes too. Front matter is found here, not by pulldown-cmark's metadata extension: that
/// one takes a `---` ... `---` pair anywhere in a note for metadata, which would hide every
/// task between two thematic breaks.
fn body_start(text: &str) -> (usize, Option<Span>) {
    let from = if text.starts_with('\u{feff}') { 3 } else { 0 };
    match front_matter_end(text, from) {
        Some(end) => (end, Some(Span::new(from, end))),
        None => (from, None),
    }
}

fn parse_with(text: &str, opts: &ParseOptions, fast: bool) -> Note {
    parse_counted(text, opts, fast).0
}

/// [`parse_with`], and how many bytes of the note pulldown-cmark read.
fn parse_counted(text: &str, opts: &ParseOptions, fast: bool) -> (Note, usize) {
    let (note, by_pulldown, _) = parse_inner(text, opts, fast, None);
    (note, by_pulldown)
}

/// Why a note could not be parsed in the pieces it was cut in: a day's entries or tasks, or
/// undated entries, turned up in two of them (an entry runs to the next entry of its day,
/// wherever that is in the note). `cuts` are where it can be cut instead, each day in one
/// piece (see [`parse_in_pieces_at`]; none: the note is one piece).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaySplit {
    pub cuts: Vec<usize>,
    /// The date sections of the days that lay in two pieces, in the order of the note, when
    /// the rest of the note can be read without them (see [`apart::sections_apart`]); else
    /// empty.
    pub apart: Vec<(NaiveDate, Span)>,
}

impl DaySplit {
    /// The longest piece, in bytes, of a note `len` bytes long cut at `cuts`.
    pub fn longest_piece(&self, len: usize) -> usize {
        let mut from = 0;
        let mut longest = 0;
        for &at in self.cuts.iter().chain([&len]) {
            longest = longest.max(at - from);
            from = at;
        }
        longest
    }
}

/// Parses a long note in pieces, handing each to `sink` as it is read, so that only one
/// piece's model is in memory at a time. A piece is at least `min_bytes` long (the last may
/// be shorter) and ends just before a heading that nothing open continues: no list, quote,
/// code block or region, and no date section that the heading would not end. Each piece is
/// a `Note` of its own: the note's date, length and line endings, and the days, headings,
/// tasks, entries, regions and diagnostics of its part, with spans and line numbers in the
/// whole note and indices (a task's parent, a day's heading) into the piece's own vectors.
/// What the pieces hold is what [`parse_note`] gives for the whole note, cut into parts:
/// the same days, tasks, entries (resolved, in the same order), regions and diagnostics.
/// The one thing a piece cannot know is whether a day it holds goes on in a later piece;
/// when one does, no piece is handed over from then on, the note is read to its end, and
/// the parse ends with [`DaySplit`], some pieces already handed over: the caller drops what
/// it made of them and parses the note again, cut where the split says
/// ([`parse_in_pieces_at`]).
pub fn parse_in_pieces(
    text: &str,
    opts: &ParseOptions,
    min_bytes: usize,
    sink: &mut dyn FnMut(Note),
) -> Result<(), DaySplit> {
    pieces_parse(text, opts, min_bytes, None, &[], sink)
}

/// [`parse_in_pieces`] cut at the headings that start at `cuts` (sorted byte offsets, as a
/// [`DaySplit`] gives them) and nowhere else: each day then lies in one piece. (A cut where
/// something open goes on past the heading is not made.)
pub fn parse_in_pieces_at(
    text: &str,
    opts: &ParseOptions,
    cuts: &[usize],
    sink: &mut dyn FnMut(Note),
) -> Result<(), DaySplit> {
    pieces_parse(text, opts, 0, Some(cuts), &[], sink)
}

fn pieces_parse(
    text: &str,
    opts: &ParseOptions,
    min_bytes: usize,
    at: Option<&[usize]>,
    also: &[usize],
    sink: &mut dyn FnMut(Note),
) -> Result<(), DaySplit> {
    let pieces = Pieces {
        min_bytes,
        at,
        also,
        from: 0,
        sink,
        cuts: Vec::new(),
        entry_dates: Default::default(),
        dates: Default::default(),
        conflict: false,
        sections: Vec::new(),
        note_date: None,
    };
    let (last, _, split) = parse_inner(text, opts, true, Some(pieces));
    if let Some(split) = split {
        return Err(split);
    }
    sink(last);
    Ok(())
}

/// How long a note must be to be parsed in pieces where only part of its model is wanted,
/// and how long each piece is at least. Daily notes are a few kB; a note of years of days is
/// tens of MB, and its model whole takes 5-6 times its size. Pieces of 256 KiB rather than
/// 1 MiB: a piece's model (a few MB at 1 MiB) stays in the caches, so the ten-year note was
/// read faster (`check` 0.09 -> 0.07-0.08 s, `summarize --write --dry-run` into it with a day
/// at both ends 0.73-0.77 -> 0.63-0.64 s) in 3-8 MiB less (docs/benchmarks.md, session 19).
pub const PIECE_BYTES: usize = 1 << 18;

/// How many times longer than asked for a piece that keeps each day whole may be before the
/// days that lay in two pieces are read apart from the rest (see [`fold_pieces`]).
const APART_AFTER: usize = 4;

/// Folds a note's model into `acc` with `add`, without the whole model in memory at once
/// when the note is longer than `piece_bytes`: it is then read in pieces (see
/// [`parse_in_pieces`]), each added in turn. When a day lies in two pieces, what was added
/// is dropped (`acc` starts again from `init`) and the note is read again: when the pieces
/// that keep each day whole would be more than [`APART_AFTER`] times `piece_bytes` (a day at
/// both ends of a long log), with the days that lay in two pieces read apart from the rest
/// (see [`apart`]); else, or when the note is not made for that, in the pieces that keep
/// each day whole ([`parse_in_pieces_at`]; one piece, at worst). A shorter note is parsed
/// whole, and added once.
pub fn fold_pieces<A>(
    text: &str,
    opts: &ParseOptions,
    piece_bytes: usize,
    init: impl Fn() -> A,
    add: impl FnMut(&mut A, Note),
) -> A {
    fold_text(Text::Borrowed(text), opts, piece_bytes, init, add)
}

/// A note's text as [`fold_text`] reads it.
pub enum Text<'a> {
    Borrowed(&'a str),
    /// May be changed for a while, and is given back as it was (see [`apart`]): the days
    /// read apart are blanked in it while the rest is read, instead of in a copy of the note.
    Lent(&'a mut String),
}

impl Text<'_> {
    pub fn as_str(&self) -> &str {
        match self {
            Text::Borrowed(t) => t,
            Text::Lent(t) => t,
        }
    }

    fn reborrow(&mut self) -> Text<'_> {
        match self {
            Text::Borrowed(t) => Text::Borrowed(t),
            Text::Lent(t) => Text::Lent(t),
        }
    }
}

/// [`fold_pieces`] on a text borrowed or lent (see [`Text`]): a lent text is given back as it
/// was, and a long note with a day at both ends is then not copied.
pub fn fold_text<A>(
    mut text: Text<'_>,
    opts: &ParseOptions,
    piece_bytes: usize,
    init: impl Fn() -> A,
    mut add: impl FnMut(&mut A, Note),
) -> A {
    let mut acc = init();
    let len = text.as_str().len();
    if len > piece_bytes {
        let read = parse_in_pieces(text.as_str(), opts, piece_bytes, &mut |piece| {
            add(&mut acc, piece)
        });
        let Err(split) = read else {
            return acc;
        };
        // (What was added is dropped before the note is read again.)
        acc = init();
        // A piece that keeps each day whole would be much longer than asked for (a day at
        // both ends of a long log): the days that lay in two pieces are read apart.
        if split.longest_piece(len) > APART_AFTER * piece_bytes
            && let Some(folded) = apart::fold_apart(
                text.reborrow(),
                opts,
                piece_bytes,
                &split.apart,
                &init,
                &mut add,
            )
        {
            return folded;
        }
        // Again, each day in one piece.
        let text = text.as_str();
        let again = parse_in_pieces_at(text, opts, &split.cuts, &mut |p| add(&mut acc, p));
        if again.is_ok() {
            return acc;
        }
        acc = init();
    }
    add(&mut acc, parse_note(text.as_str(), opts));
    acc
}

/// One part of a note's model (`part` picks it out of each piece's), gathered without the
/// whole model in memory at once when the note is long (it is read in pieces of
/// [`PIECE_BYTES`]).
fn gathered<T>(text: Text<'_>, opts: &ParseOptions, part: fn(&mut Note) -> &mut Vec<T>) -> Vec<T> {
    fold_text(text, opts, PIECE_BYTES, Vec::new, |all, mut n| {
        all.append(part(&mut n))
    })
}

/// The regions of a note, as [`parse_note`] finds them (see [`gathered`]). The text is lent
/// (see [`Text::Lent`]).
pub fn regions_of(text: &mut String, opts: &ParseOptions) -> Vec<Region> {
    gathered(Text::Lent(text), opts, |n| &mut n.regions)
}

/// The diagnostics of a note, as [`parse_note`] finds them (see [`gathered`]).
pub fn diagnostics_of(text: &str, opts: &ParseOptions) -> Vec<Diagnostic> {
    gathered(Text::Borrowed(text), opts, |n| &mut n.diagnostics)
}

/// [`diagnostics_of`] a text lent to be read (see [`Text::Lent`]).
pub fn diagnostics_of_lent(text: &mut String, opts: &ParseOptions) -> Vec<Diagnostic> {
    gathered(Text::Lent(text), opts, |n| &mut n.diagnostics)
}

/// The parse: the whole note, or (with `pieces`) its last piece, the others handed to the
/// pieces' sink. Also gives how many bytes pulldown-cmark read and whether the pieces
/// split a day (the note is then to be parsed again; what is returned means nothing).
fn parse_inner(
    text: &str,
    opts: &ParseOptions,
    fast: bool,
    mut pieces: Option<Pieces<'_>>,
) -> (Note, usize, Option<DaySplit>) {
    let bom = text.starts_with('\u{feff}');
    // (Not `contains`: a substring searcher built for every note.)
    let crlf = memchr::memchr_iter(b'\r', text.as_bytes())
        .any(|i| text.as_bytes().get(i + 1) == Some(&b'\n'));
    let ix = LineIndex::new(text);
    // Room for the tasks and entries up front: a task is a few hundred bytes, and growing
    // the vectors one doubling at a time copied them several times over.
    let (mut tasks, mut entries, mut headings) = estimate_items(text, &ix);
    if let Some(p) = &pieces {
        // Room for about a piece's worth (the vectors are handed over with each piece).
        let count = match p.at {
            Some(cuts) => cuts.len() + 1,
            None => text.len() / p.min_bytes.max(1),
        };
        let share = |n: usize| n / count.max(1);
        (tasks, entries, headings) = (share(tasks), share(entries), share(headings));
    }
    let start = || Parse {
        text,
        ix: &ix,
        opts,
        note: Note {
            date: opts.name_date,
            date_source: opts.name_date.map(|_| DateSource::FileName),
            days: Vec::new(),
            headings: Vec::with_capacity(headings),
            tasks: Vec::with_capacity(tasks),
            entries: Vec::with_capacity(entries),
            regions: Vec::new(),
            diagnostics: Vec::new(),
            len: text.len(),
            crlf,
            bom,
        },
        items: Vec::new(),
        lists: Vec::new(),
        quote_depth: 0,
        entry_heads: Vec::with_capacity(entries),
        clocks: Vec::new(),
        current_heading: None,
        in_plan: false,
        open_days: Vec::new(),
        markers: Vec::new(),
        in_heading: None,
        lines_scanned: false,
        by_pulldown: 0,
        open_regions: Vec::new(),
        swallow: Vec::new(),
        handed_regions: Vec::new(),
        pieces: None,
    };
    let mut p = start();
    p.pieces = pieces.take();
    if fast {
        if p.run_scanned() {
            let by_pulldown = p.by_pulldown;
            let (note, split) = p.finish();
            return (note, by_pulldown, split);
        }
        // The scanner cannot read the note's lines (a lone `\r` ending one, a vertical tab
        // or a form feed): pulldown-cmark reads it all. (Nothing was handed over yet.)
        pieces = p.pieces.take();
        drop(p);
        p = start();
        p.pieces = pieces;
    }
    p.run_pulldown();
    let by_pulldown = p.by_pulldown;
    let (note, split) = p.finish();
    (note, by_pulldown, split)
}

/// The pulldown-cmark extensions a note is read with: pipe tables.
fn pulldown_options() -> Options {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts
}

/// Whether `needle` occurs in `hay`, for the short needles and short lines of the inline
/// scanners: a `memchr` for the first byte, then a compare. (`memmem::find` builds a searcher
/// on every call, which cost more than the search on a 40-byte line.)
pub(crate) fn has(hay: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    memchr::memchr_iter(first, hay).any(|i| hay[i + 1..].starts_with(rest))
}

/// About how many tasks, time entries and headings a note holds, from its lines' first
/// bytes: a line whose content (after indentation, `>` and a bullet) starts with `[` may be
/// a task, one starting with a digit an entry, one starting with `#` a heading. Only sizes
/// the vectors; never decides anything.
fn estimate_items(text: &str, ix: &LineIndex) -> (usize, usize, usize) {
    let b = text.as_bytes();
    let (mut tasks, mut entries, mut headings) = (0, 0, 0);
    for &start in ix.starts() {
        let mut i = start;
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'>') {
            i += 1;
        }
        if i + 1 < b.len() && matches!(b[i], b'-' | b'*' | b'+') && b[i + 1] == b' ' {
            i += 2;
        }
        match b.get(i) {
            Some(b'[') => tasks += 1,
            Some(c) if c.is_ascii_digit() => entries += 1,
            Some(b'#') => headings += 1,
            _ => {}
        }
    }
    (tasks, entries, headings)
}

impl<'a> Parse<'a, '_> {
    fn diag(&mut self, d: Diagnostic, span: Span) {
        let d = d.at(self.text, self.ix, span);
        self.note.diagnostics.push(d);
    }

    /// The date that governs a byte offset: the innermost open date heading, else the note's.
    fn date_here(&self) -> Option<NaiveDate> {
        self.open_days
            .last()
            .map(|&(_, i)| self.note.days[i].date)
            .or(self.note.date)
    }

    fn line_end(&self, from: usize) -> usize {
        self.ix.line_end(self.text, from)
    }

    /// Front matter, then where the Markdown starts.
    fn begin(&mut self) -> usize {
        let (body_start, front_matter) = body_start(self.text);
        if let Some(span) = front_matter {
            self.front_matter(span);
        }
        body_start
    }

    /// Reads the note's block structure with the line scanner, handing its events to
    /// [`Parse::event`] as they become final. Where the scanner gives up (on a construct it
    /// does not handle), pulldown-cmark reads the note from the last line the scanner
    /// handed over, up to the end of a top-level heading after the line it gave up on, and
    /// the scanner goes on from there. Returns `false`, having handed nothing over, when
    /// the scanner cannot read the note's lines at all.
    fn run_scanned(&mut self) -> bool {
        let body_start = self.begin();
        if !blocks::scannable(self.text, body_start) {
            return false;
        }
        // The events go in a vector each thread keeps for its next note (fresh memory to
        // write for every note cost more than the events' handling).
        thread_local! {
            static EVENTS: std::cell::Cell<blocks::Events> = const { std::cell::Cell::new(Vec::new()) };
        }
        let mut events = EVENTS.take();
        let (text, ix) = (self.text, self.ix);
        let mut from = body_start;
        loop {
            events.clear();
            self.lines_scanned = true;
            let scanned = blocks::scan(text, from, ix.starts(), &mut events, &mut |evs| {
                for &(block, span) in evs.iter() {
                    self.event(block, span);
                }
                evs.clear();
            });
            match scanned {
                blocks::Scanned::Done => {
                    for &(block, span) in &events {
                        self.event(block, span);
                    }
                    break;
                }
                blocks::Scanned::GaveUp { rest, at } => {
                    // The scanner's events from `rest` on are dropped: pulldown-cmark reads
                    // those lines.
                    self.lines_scanned = false;
                    events.clear();
                    match self.pulldown_section(rest, at, &mut events) {
                        Some(end) if end < text.len() => from = end,
                        _ => break,
                    }
                }
            }
        }
        self.close_days();
        events.clear();
        // Kept unless a long run of blocks without a break made it large (more than 64 K
        // events, 2 MiB).
        if events.capacity() <= 1 << 16 {
            EVENTS.set(events);
        }
        true
    }

    /// Reads `text[rest..]` with pulldown-cmark, where no block is open at `rest` (a line
    /// start), up to the end of the first top-level ATX heading at a line start after `at`
    /// (or to the end of the note), and hands its events over. A heading line at the
    /// margin closes every block but a fenced code block or an HTML block that it would
    /// continue; pulldown-cmark, reading the lines up to it, tells which. Since nothing
    /// is open at `rest`, reading from there gives the events reading the whole note
    /// gives (link reference definitions elsewhere change only which inline events come,
    /// never where the first one starts). Returns where the lines read end, `None` when
    /// they run to the end of the note.
    fn pulldown_section(
        &mut self,
        rest: usize,
        at: usize,
        events: &mut blocks::Events,
    ) -> Option<usize> {
        let (text, starts) = (self.text, self.ix.starts());
        let b = text.as_bytes();
        // Candidate headings: lines from the one after `at` on that start with `#`s and
        // white space or the end of the line. A few are tried; past them, the rest of the
        // note is read whole.
        let first = starts.partition_point(|&s| s <= at);
        let mut tried = 0;
        for (k, &line) in starts.iter().enumerate().skip(first) {
            if b.get(line) != Some(&b'#') {
                continue;
            }
            let n = b[line..].iter().take_while(|&&c| c == b'#').count();
            if n > 6 || !matches!(b.get(line + n), None | Some(b' ' | b'\t' | b'\n' | b'\r')) {
                continue;
            }
            let end = starts.get(k + 1).copied().unwrap_or(text.len());
            tried += 1;
            if tried > 4 {
                break;
            }
            events.clear();
            let mut depth = 0usize;
            let mut heading_here = false;
            let parser = Parser::new_ext(&text[rest..end], pulldown_options()).into_offset_iter();
            for (event, range) in parser {
                let span = Span::new(range.start + rest, range.end + rest);
                match &event {
                    Event::Start(tag) => {
                        if depth == 0
                            && span.start == line
                            && matches!(tag, pulldown_cmark::Tag::Heading { .. })
                        {
                            heading_here = true;
                        }
                        depth += 1;
                    }
                    Event::End(_) => depth = depth.saturating_sub(1),
                    _ => {}
                }
                events.push((blocks::from_event(&event), span));
            }
            if heading_here {
                self.by_pulldown += end - rest;
                for &(block, span) in events.iter() {
                    self.event(block, span);
                }
                events.clear();
                return Some(end);
            }
        }
        events.clear();
        self.pulldown_to_end(rest);
        None
    }

    /// Reads `text[from..]` with pulldown-cmark (no block open at `from`) and hands its
    /// events over.
    fn pulldown_to_end(&mut self, from: usize) {
        let text = self.text;
        self.by_pulldown += text.len() - from;
        let parser = Parser::new_ext(&text[from..], pulldown_options()).into_offset_iter();
        for (event, range) in parser {
            let span = Span::new(range.start + from, range.end + from);
            self.event(blocks::from_event(&event), span);
        }
    }

    /// Reads the note's block structure with pulldown-cmark.
    fn run_pulldown(&mut self) {
        let body_start = self.begin();
        self.pulldown_to_end(body_start);
        self.close_days();
    }

    /// Closes the date sections still open at the end of the note.
    fn close_days(&mut self) {
        let len = self.text.len();
        for (_, i) in std::mem::take(&mut self.open_days) {
            self.note.days[i].span.end = len;
        }
    }

    fn event(&mut self, event: Block, span: Span) {
        // The first inline content of an item decides whether it is a task or an entry.
        if let Some(frame) = self.items.last()
            && frame.awaiting_head
        {
            match event {
                Block::ParaStart => return,
                // The line scanner's inline span is the rest of the line.
                Block::Inline => self.item_head(span.start, self.lines_scanned.then_some(span.end)),
                _ => {
                    if let Some(f) = self.items.last_mut() {
                        f.awaiting_head = false;
                    }
                }
            }
        }
        if self.items.last().is_some_and(|f| f.head_pending.is_some()) {
            let until = match event {
                Block::ParaEnd | Block::ItemEnd => Some(span.end),
                Block::ListStart(_)
                | Block::Other
                | Block::QuoteStart
                | Block::Html
                | Block::HeadingStart(_)
                | Block::ParaStart => Some(span.start),
                _ => None,
            };
            if let Some(until) = until {
                let head_end = self.items.last_mut().and_then(|f| f.head_pending.take());
                if let Some(head_end) = head_end {
                    self.item_continuation(head_end, until);
                }
            }
        }
        match event {
            Block::HeadingStart(level) => {
                if self.pieces.is_some() {
                    self.maybe_cut(level, span.start);
                }
                self.in_heading = Some((level, span));
            }
            Block::HeadingEnd => {
                if let Some((level, span)) = self.in_heading.take() {
                    self.heading(level, span);
                }
            }
            Block::QuoteStart => self.quote_depth += 1,
            Block::QuoteEnd => self.quote_depth -= 1,
            Block::ListStart(first) => self.lists.push(ListFrame {
                next_ordinal: first,
            }),
            Block::ListEnd => {
                self.lists.pop();
            }
            Block::ItemStart => {
                let bytes = self.text.as_bytes();
                // pulldown-cmark starts a tab-indented nested item at the line ending before
                // it (and the block scanner gives the same start); the item (and so a task's
                // span) starts on its own line.
                let mut span = span;
                while span.start < span.end && matches!(bytes[span.start], b'\n' | b'\r') {
                    span.start += 1;
                }
                let mut i = span.start;
                while i < span.end && matches!(bytes[i], b' ' | b'\t' | b'>') {
                    i += 1;
                }
                let bullet = match bytes.get(i) {
                    Some(b'-') => Bullet::Dash,
                    Some(b'*') => Bullet::Star,
                    Some(b'+') => Bullet::Plus,
                    _ => Bullet::Ordered,
                };
                let ordinal = self.lists.last_mut().and_then(|l| {
                    let n = l.next_ordinal?;
                    l.next_ordinal = Some(n + 1);
                    Some(n)
                });
                self.items.push(ItemFrame {
                    span,
                    awaiting_head: true,
                    head_pending: None,
                    task: None,
                    bullet,
                    ordinal,
                    quoted: self.quote_depth > 0,
                });
            }
            Block::ItemEnd => {
                self.items.pop();
            }
            Block::ParaStart if self.items.is_empty() => {
                self.plain_paragraph(span);
            }
            Block::Html => self.html_block(span),
            _ => {}
        }
    }

    #[inline(never)]
    fn heading(&mut self, level: u8, span: Span) {
        let raw = &self.text[span.range()];
        let first_line = raw.lines().next().unwrap_or("");
        let trimmed = first_line.trim_start_matches([' ', '\t', '>']);
        let text = if trimmed.starts_with('#') {
            let t = trimmed.trim_start_matches('#');
            let t = t.trim();
            // closing sequence: `## Title ##`
            let t2 = t.trim_end_matches('#');
            if t2.len() < t.len() && (t2.is_empty() || t2.ends_with([' ', '\t'])) {
                t2.trim_end()
            } else {
                t
            }
        } else {
            trimmed.trim()
        }
        .to_string();
        let line_end = self.line_end(span.start);
        let idx = self.note.headings.len();
        let line = self.ix.line_of(span.start) + 1;
        // A heading closes the date sections at its level or deeper.
        while let Some(&(l, i)) = self.open_days.last() {
            if l >= level {
                self.note.days[i].span.end = span.start;
                self.open_days.pop();
            } else {
                break;
            }
        }
        match date::heading_date(&text) {
            HeadingDate::Date(d) => {
                self.note.days.push(DaySection {
                    date: d,
                    heading: idx,
                    span: Span::new(span.start, self.text.len()),
                });
                self.open_days.push((level, self.note.days.len() - 1));
            }
            HeadingDate::Bad { message, hint } => {
                let d = Diagnostic::new(Code::BadDateHeading, message, hint);
                // Point at the heading's text, not at its `#`s.
                let off = first_line.find(text.as_str()).unwrap_or(0);
                let at = (span.start + off).min(line_end);
                self.diag(d, Span::new(at, (at + text.len()).min(line_end)));
            }
            HeadingDate::No => {}
        }
        self.in_plan = self
            .opts
            .plan_headings
            .iter()
            .any(|h| h.eq_ignore_ascii_case(&text));
        self.current_heading = Some(idx);
        self.note.headings.push(Heading {
            level,
            span: Span::new(span.start, line_end),
            line,
            text,
        });
    }

    fn front_matter(&mut self, span: Span) {
        let yaml = &self.text[span.range()];
        if let Some(found) = date::front_matter_date(yaml) {
            match found {
                Ok(d) => {
                    if self.note.date.is_none() {
                        self.note.date = Some(d);
                        self.note.date_source = Some(DateSource::FrontMatter);
                    }
                }
                Err(v) => {
                    let off = yaml.find("date:").unwrap_or(0);
                    let at = span.start + off;
                    let end = self.line_end(at);
                    let d = Diagnostic::new(
                        Code::BadFrontMatterDate,
                        format!("front matter `date: {v}` is not a YYYY-MM-DD date"),
                        "write the date as `date: 2026-11-24`",
                    );
                    self.diag(d, Span::new(at, end));
                }
            }
        }
    }

    /// The first inline content of a list item starts at `at` (and its line ends at
    /// `line_end`, when known): is it a task, an entry, both?
    fn item_head(&mut self, at: usize, line_end: Option<usize>) {
        let line_end = line_end.unwrap_or_else(|| self.line_end(at));
        debug_assert_eq!(line_end, self.line_end(at));
        let Some(frame) = self.items.last_mut() else {
            return;
        };
        frame.awaiting_head = false;
        frame.head_pending = Some(line_end);
        let head = &self.text[at..line_end];
        let b = head.as_bytes();
        let mut task_marker = None;
        // GFM: `[`, one character, `]`, then white space or the end of the line (`- [ ]` alone
        // is an empty task, as comrak and GitHub read it). We accept any status character
        // (Obsidian's custom statuses); GFM itself knows only ` `, `x` and `X`.
        if b.first() == Some(&b'[') {
            if let Some(c) = head[1..].chars().next() {
                let cl = c.len_utf8();
                let after = 1 + cl;
                if c != ']'
                    && c != '['
                    && c != '\t'
                    && head.as_bytes().get(after) == Some(&b']')
                    && matches!(b.get(after + 1), None | Some(b' ') | Some(b'\t'))
                {
                    task_marker = Some((
                        Marker::Checkbox {
                            status_char: c,
                            span: Span::new(at + 1, at + 1 + cl),
                        },
                        Status::from_checkbox(c),
                        (after + 2).min(head.len()),
                    ));
                }
            }
        } else if b.first().is_some_and(u8::is_ascii_uppercase) {
            for (w, st) in KEYWORDS {
                if head.starts_with(w) && matches!(b.get(w.len()), None | Some(b' ') | Some(b'\t'))
                {
                    task_marker = Some((
                        Marker::Keyword {
                            word: w,
                            span: Span::new(at, at + w.len()),
                        },
                        st,
                        (w.len() + 1).min(head.len()),
                    ));
                    break;
                }
            }
        }
        let line_start = self.ix.line_span(self.text, self.ix.line_of(at)).start;
        let line_span = Span::new(line_start, line_end);
        let mut text_from = 0;
        if let Some((marker, status, after)) = task_marker {
            let text_at = skip_ws(head, after);
            text_from = text_at;
            let text = head[text_at..].trim_end();
            self.push_task(
                marker,
                status,
                text,
                Span::new(at + text_at, at + text_at + text.len()),
                line_span,
                at,
            );
        }
        // A time at the start of the (task) text is a time entry, unless the item is a
        // planned block under a plan heading.
        if self.in_plan {
            return;
        }
        let rest = &head[text_from..];
        self.scan_entry(rest, at + text_from, line_span);
        // An entry on the item's own line belongs to the item's task.
        if let (Some(frame), Some(last)) = (self.items.last(), self.note.entries.last_mut())
            && last.span == line_span
        {
            last.task = frame.task;
        }
    }

    fn push_task(
        &mut self,
        marker: Marker,
        status: Status,
        text: &str,
        text_span: Span,
        line_span: Span,
        at: usize,
    ) {
        let idx = self.note.tasks.len();
        let date = self.date_here();
        let parent = self.items.iter().rev().skip(1).find_map(|f| f.task);
        let depth = parent.map(|p| self.note.tasks[p].depth + 1).unwrap_or(0);
        let frame = self
            .items
            .last_mut()
            .expect("item_head runs inside an item");
        frame.task = Some(idx);
        let (line, column) = self.ix.line_col(self.text, at);
        let fields = inline::fields(text);
        let tags = inline::tag_names(text);
        let block = self.in_plan || tags.iter().any(|t| t.eq_ignore_ascii_case("block"));
        // Built in place in the vector (a task is 328 bytes: no copy through a local).
        self.note.tasks.push(Task {
            span: frame.span,
            line_span,
            line,
            column,
            marker,
            status,
            text: text.to_string(),
            text_span,
            tags,
            date,
            parent,
            subtree_end: idx + 1,
            depth,
            bullet: frame.bullet,
            ordinal: frame.ordinal,
            heading: self.current_heading,
            due: fields.due,
            scheduled: fields.scheduled,
            start: fields.start,
            created: fields.created,
            done_date: fields.done,
            cancelled_date: fields.cancelled,
            recurrence: fields.recurrence,
            priority: fields.priority,
            estimate_minutes: fields.estimate_minutes,
            quoted: frame.quoted,
            block,
        });
    }

    /// Offers `s` (which starts at byte `at`) to the time-entry grammar.
    fn scan_entry(&mut self, s: &str, at: usize, line_span: Span) {
        if !s.as_bytes().first().is_some_and(u8::is_ascii_digit) {
            return;
        }
        match time::scan_entry_head(s) {
            Scan::No => {}
            Scan::Bad(e) => {
                let d = Diagnostic::new(e.code, e.message, e.hint);
                self.diag(d, Span::new(at + e.start, at + e.end));
            }
            Scan::Yes(h) => {
                let rest = &s[h.rest..];
                let duration = if h.end.is_none() {
                    time::find_duration(rest)
                } else {
                    None
                };
                // The entry's text: the rest without tags and without the duration, cut in
                // the order of the ranges (tags come in order; the duration goes where its
                // range sorts among theirs). A range inside one already cut is skipped.
                let mut text = String::with_capacity(rest.len());
                let mut pos = 0;
                let mut cut = |text: &mut String, (a, b): (usize, usize)| {
                    if a >= pos {
                        push_collapsed(text, &rest[pos..a]);
                        pos = b;
                    }
                };
                let mut pending = duration.map(|(_, a, b)| (a, b));
                let mut tags = Vec::new();
                inline::each_tag(rest, |tag, a, b| {
                    inline::push_tag(&mut tags, rest, a, tag);
                    if let Some(d) = pending.filter(|d| *d < (a, b)) {
                        cut(&mut text, d);
                        pending = None;
                    }
                    cut(&mut text, (a, b));
                });
                if let Some(d) = pending {
                    cut(&mut text, d);
                }
                push_collapsed(&mut text, &rest[pos..]);
                if text.ends_with(' ') {
                    text.pop();
                }
                let is_stop = h.end.is_none() && duration.is_none() && is_stop_word(&text);
                let head_end = at + s[..h.rest].trim_end().len();
                self.note.entries.push(TimeEntry {
                    span: line_span,
                    line: self.ix.line_of(at) + 1,
                    date: self.date_here(),
                    start: h.start,
                    end: None,
                    source: EntrySource::Range,
                    tags,
                    text,
                    task: None,
                    is_stop,
                });
                self.entry_heads.push(EntryHead {
                    end: h.end,
                    duration: duration.map(|d| d.0),
                    head_span: Span::new(at, head_end.max(at)),
                });
            }
        }
    }

    /// Lines of a paragraph outside any list: each may be a time entry (`07:00 wake`).
    #[inline(never)]
    fn plain_paragraph(&mut self, span: Span) {
        let mut pos = span.start;
        while pos < span.end {
            let end = self.line_end(pos);
            let line = &self.text[pos..end];
            let content = line.trim_start_matches([' ', '\t', '>']);
            let at = pos + (line.len() - content.len());
            let line_span = self.ix.line_span(self.text, self.ix.line_of(pos));
            if content.starts_with("CLOCK:") {
                self.clock_line(content, at, line_span, None);
            } else if !self.in_plan {
                self.scan_entry(content, at, line_span);
            }
            pos = next_line(self.text, end);
        }
    }

    /// Continuation lines of an item's first paragraph, from the line after the one that
    /// ends at `first_end` up to `until`: Logseq `SCHEDULED:`, `DEADLINE:` and `CLOCK:` lines
    /// (inside `:LOGBOOK:`).
    #[inline(never)]
    fn item_continuation(&mut self, first_end: usize, until: usize) {
        if first_end >= until {
            return;
        }
        let task = self.items.last().and_then(|f| f.task);
        let mut pos = next_line(self.text, first_end);
        while pos < until {
            let end = self.line_end(pos);
            let line = &self.text[pos..end];
            let content = line.trim_start_matches([' ', '\t', '>']);
            let at = pos + (line.len() - content.len());
            if let Some(t) = task {
                if let Some(v) = content.strip_prefix("SCHEDULED:") {
                    let d = logseq_date(v);
                    let task = &mut self.note.tasks[t];
                    task.scheduled = task.scheduled.or(d);
                } else if let Some(v) = content.strip_prefix("DEADLINE:") {
                    let d = logseq_date(v);
                    let task = &mut self.note.tasks[t];
                    task.due = task.due.or(d);
                }
            }
            if content.starts_with("CLOCK:") {
                let line_span = self.ix.line_span(self.text, self.ix.line_of(pos));
                self.clock_line(content, at, line_span, task);
            }
            pos = next_line(self.text, end);
        }
    }

    /// `CLOCK: [2026-11-24 Tue 09:00]--[2026-11-24 Tue 10:30] =>  1:30` (seconds optional; no
    /// end while the clock runs).
    fn clock_line(&mut self, content: &str, at: usize, line_span: Span, task: Option<usize>) {
        let rest = content["CLOCK:".len()..].trim_start();
        let Some((start, used)) = bracket_datetime(rest) else {
            return;
        };
        let after = &rest[used..];
        let end = after
            .strip_prefix("--")
            .and_then(bracket_datetime)
            .map(|x| x.0);
        let (text, tags) = match task {
            Some(t) => {
                let task = &self.note.tasks[t];
                let tags = task.tags.clone();
                let mut text = task.text.clone();
                for (_, a, b) in inline::tags(&task.text).into_iter().rev() {
                    text.replace_range(a..b, "");
                }
                (collapse_ws(&text), tags)
            }
            None => (
                self.current_heading
                    .map(|h| self.note.headings[h].text.clone())
                    .unwrap_or_default(),
                Vec::new(),
            ),
        };
        if end.is_none() {
            let d = Diagnostic::new(
                Code::UnclosedClock,
                "this clock is still running: it has a start but no end",
                "stop the clock in Logseq or Org, or add `--[YYYY-MM-DD Day HH:MM]`",
            );
            self.diag(d, Span::new(at, at + content.len()));
        }
        self.clocks.push(ClockLine {
            span: line_span,
            line: self.ix.line_of(at) + 1,
            start,
            end,
            task,
            text,
            tags,
        });
    }

    #[inline(never)]
    fn html_block(&mut self, span: Span) {
        let mut pos = span.start;
        while pos < span.end {
            let end = self.line_end(pos);
            let line = self.text[pos..end].trim();
            if let Some((name, is_start)) = marker(line) {
                let ls = self.ix.line_span(self.text, self.ix.line_of(pos));
                self.markers.push((name.to_string(), is_start, ls));
            }
            pos = next_line(self.text, end);
        }
    }

    /// Settles what was read so far (the whole note, or the piece about to be handed over):
    /// where each task's subtree ends, the entries, the region markers. Returns the days of
    /// the entries as they were read, for [`Pieces::take_dates`] (empty unless in pieces).
    fn settle(&mut self) -> Vec<Option<NaiveDate>> {
        // A task's descendants come right after it, so its subtree ends where its last
        // child's does (children settled first, from the back).
        let tasks = &mut self.note.tasks;
        for j in (0..tasks.len()).rev() {
            if let Some(p) = tasks[j].parent {
                tasks[p].subtree_end = tasks[p].subtree_end.max(tasks[j].subtree_end);
            }
        }
        let entry_dates = match self.pieces {
            Some(_) => self.note.entries.iter().map(|e| e.date).collect(),
            None => Vec::new(),
        };
        self.resolve_entries();
        self.match_regions();
        entry_dates
    }

    /// The diagnostics in the order of the note.
    fn sort_diagnostics(&mut self) {
        self.note
            .diagnostics
            .sort_by_key(|d| d.location.as_ref().map(|l| l.span.start));
    }

    /// The note (or its last piece), and whether pieces split a day.
    fn finish(mut self) -> (Note, Option<DaySplit>) {
        let entry_dates = self.settle();
        for (name, span) in std::mem::take(&mut self.open_regions) {
            let d = Diagnostic::new(
                Code::UnbalancedMarker,
                format!("region `{name}` starts here but never ends"),
                format!("add `<!-- mdtasks:{name}:end -->` where the region should end"),
            );
            self.diag(d, span);
        }
        self.sort_diagnostics();
        let split = match &mut self.pieces {
            Some(p) => {
                let alone = p.take_dates(&self.note, entry_dates);
                (p.conflict || !alone).then(|| DaySplit {
                    cuts: p.cuts_keeping_days(),
                    apart: apart::sections_apart(self.text, p),
                })
            }
            None => None,
        };
        (self.note, split)
    }

    /// At a heading of `level` starting at `at`, in a note parsed in pieces: hands the piece
    /// read so far over, if it is long enough and nothing open goes on past the heading (no
    /// list, quote or region; no clock lines, whose entries come after all others; no date
    /// section the heading would not end). (Out of line: `event` is the parser's hot path.)
    #[cold]
    #[inline(never)]
    fn maybe_cut(&mut self, level: u8, at: usize) {
        let Some(p) = &self.pieces else {
            return;
        };
        let here = p.also.binary_search(&at).is_ok()
            || match p.at {
                Some(cuts) => cuts.binary_search(&at).is_ok(),
                None => at.saturating_sub(p.from) >= p.min_bytes,
            };
        if !here
            // (Also no list item: an item is always in a list.)
            || !self.lists.is_empty()
            || self.quote_depth > 0
            || !self.clocks.is_empty()
            || self.open_days.iter().any(|&(l, _)| l < level)
        {
            return;
        }
        self.match_regions();
        if !self.open_regions.is_empty() || !self.swallow.is_empty() {
            return;
        }
        // The heading ends the date sections still open (as `heading` would).
        for (_, i) in std::mem::take(&mut self.open_days) {
            self.note.days[i].span.end = at;
        }
        let entry_dates = self.settle();
        self.sort_diagnostics();
        let n = &mut self.note;
        // Room for the next piece: about as much as this one took.
        let (tasks, entries) = (n.tasks.len(), n.entries.len());
        let piece = Note {
            date: n.date,
            date_source: n.date_source,
            days: std::mem::take(&mut n.days),
            headings: std::mem::take(&mut n.headings),
            tasks: std::mem::replace(&mut n.tasks, Vec::with_capacity(tasks + tasks / 8)),
            entries: std::mem::replace(&mut n.entries, Vec::with_capacity(entries + entries / 8)),
            regions: std::mem::take(&mut n.regions),
            diagnostics: std::mem::take(&mut n.diagnostics),
            len: n.len,
            crlf: n.crlf,
            bom: n.bom,
        };
        self.entry_heads.reserve(entries + entries / 8);
        // Indices into the vectors just handed over mean nothing in the next piece (and
        // the heading sets this anew).
        self.current_heading = None;
        self.handed_regions
            .extend(piece.regions.iter().map(|r| r.name.clone()));
        let Some(p) = &mut self.pieces else {
            return;
        };
        p.from = at;
        // Once a day has turned up in two pieces, the note will be parsed again: the pieces
        // after are read (their days noted, to know where to cut it then) and dropped.
        let alone = p.take_dates(&piece, entry_dates);
        p.cuts.push(at);
        if p.conflict || !alone {
            p.conflict = true;
            return;
        }
        (p.sink)(piece);
    }

    /// Matches the region markers read since the last call: regions, and the duplicates
    /// and stray ends as diagnostics. Starts still open wait in `open_regions`.
    fn match_regions(&mut self) {
        let markers = std::mem::take(&mut self.markers);
        for (name, is_start, span) in markers {
            if is_start {
                if let Some((_, prev)) = self.open_regions.iter().find(|(n, _)| *n == name) {
                    let line = self.ix.line_of(prev.start) + 1;
                    let d = Diagnostic::new(
                        Code::DuplicateMarker,
                        format!(
                            "region `{name}` starts again before it ended (it started on line {line})"
                        ),
                        format!("remove one of the `<!-- mdtasks:{name}:start -->` lines"),
                    );
                    self.diag(d, span);
                    self.swallow.push(name);
                    continue;
                }
                if self.note.regions.iter().any(|r| r.name == name)
                    || self.handed_regions.contains(&name)
                {
                    let d = Diagnostic::new(
                        Code::DuplicateMarker,
                        format!("region `{name}` appears twice in this note"),
                        "give the second region another name, or remove it",
                    );
                    self.diag(d, span);
                    self.swallow.push(name);
                    continue;
                }
                self.open_regions.push((name, span));
            } else if let Some(i) = self.open_regions.iter().rposition(|(n, _)| *n == name) {
                let (name, start) = self.open_regions.remove(i);
                let content_start = next_line(self.text, start.end);
                self.note.regions.push(Region {
                    name,
                    start_marker: start,
                    end_marker: span,
                    content: Span::new(content_start.min(span.start), span.start),
                });
            } else if let Some(i) = self.swallow.iter().position(|n| *n == name) {
                self.swallow.remove(i);
            } else {
                let d = Diagnostic::new(
                    Code::UnbalancedMarker,
                    format!("region `{name}` ends here but never started"),
                    format!("add `<!-- mdtasks:{name}:start -->` above it, or remove this line"),
                );
                self.diag(d, span);
            }
        }
    }

    /// Durations, in order of precedence: the range, an explicit duration, the next entry's
    /// start. Then midnight crossings, order and overlaps are checked per day.
    fn resolve_entries(&mut self) {
        let heads = std::mem::take(&mut self.entry_heads);
        // The entries as read, each with its start as written: resolved in place.
        let mut raws = std::mem::take(&mut self.note.entries);
        // Items whose task has clock lines count by their clocks: never the same time twice.
        let clocked: std::collections::HashSet<usize> =
            self.clocks.iter().filter_map(|c| c.task).collect();
        // The entries of each day, in document order, the days in the order they first
        // appear: as indices into `raws`.
        let mut days: Vec<Option<NaiveDate>> = Vec::new();
        let mut order: Vec<u32> = Vec::with_capacity(raws.len());
        let mut bounds: Vec<usize> = vec![0];
        // Most notes hold one day: no grouping.
        if let Some(date) = raws.first().map(|r| r.date)
            && clocked.is_empty()
            && raws.iter().all(|r| r.date == date)
        {
            days.push(date);
            order.extend(0..raws.len() as u32);
            bounds.push(raws.len());
        } else {
            // Each entry's day as a number, by a counting sort (a long note may hold
            // thousands of days: no linear search per entry).
            let mut day_index: std::collections::HashMap<Option<NaiveDate>, u32> =
                Default::default();
            let mut last: Option<(Option<NaiveDate>, u32)> = None;
            let group: Vec<u32> = raws
                .iter()
                .map(|r| {
                    if r.task.is_some_and(|t| clocked.contains(&t)) {
                        return u32::MAX;
                    }
                    if let Some((d, g)) = last
                        && d == r.date
                    {
                        return g;
                    }
                    let g = *day_index.entry(r.date).or_insert_with(|| {
                        days.push(r.date);
                        days.len() as u32 - 1
                    });
                    last = Some((r.date, g));
                    g
                })
                .collect();
            let mut next = vec![0usize; days.len() + 1];
            for &g in group.iter().filter(|&&g| g != u32::MAX) {
                next[g as usize + 1] += 1;
            }
            for k in 1..next.len() {
                next[k] += next[k - 1];
            }
            bounds.clone_from(&next);
            order.resize(next[days.len()], 0);
            for (i, &g) in group.iter().enumerate() {
                if g != u32::MAX {
                    order[next[g as usize]] = i as u32;
                    next[g as usize] += 1;
                }
            }
        }
        // Which entries stay (not `END`/`BREAK` lines, not clocked).
        let mut keep = vec![false; raws.len()];
        for (k, &date) in days.iter().enumerate() {
            let day = &order[bounds[k]..bounds[k + 1]];
            self.resolve_day(date, &mut raws, &heads, day, &mut keep);
        }
        drop(heads);
        // In their days' order: where that is the order they were read in (a day's entries
        // together, as a log keeps them), in place.
        if order.is_sorted() {
            let mut i = 0;
            raws.retain(|_| {
                i += 1;
                keep[i - 1]
            });
        } else {
            let mut slots: Vec<Option<TimeEntry>> = raws.into_iter().map(Some).collect();
            raws = order
                .iter()
                .map(|&k| k as usize)
                .filter(|&k| keep[k])
                .filter_map(|k| slots[k].take())
                .collect();
        }
        self.note.entries = raws;
        for c in std::mem::take(&mut self.clocks) {
            let date = c.start.date();
            let start = minute_of(c.start);
            let end = c.end.map(|e| {
                let days = (e.date() - date).num_days().max(0) as u32;
                days * 1440 + minute_of(e)
            });
            let end = end.filter(|e| *e >= start);
            self.note.entries.push(TimeEntry {
                span: c.span,
                line: c.line,
                date: Some(date),
                start,
                end,
                source: EntrySource::Clock,
                tags: c.tags,
                text: c.text,
                task: c.task,
                is_stop: false,
            });
        }
        self.check_overlaps();
    }

    /// Resolves the entries of one day, `raws[day[0]]`, `raws[day[1]]` ... in document order,
    /// in place: their starts (past midnight), ends and sources. Marks in `keep` those that
    /// stay.
    fn resolve_day(
        &mut self,
        date: Option<NaiveDate>,
        raws: &mut [TimeEntry],
        heads: &[EntryHead],
        day: &[u32],
        keep: &mut [bool],
    ) {
        // Absolute starts: after a wrap past midnight, later entries are on the next day.
        let mut offset = 0u32;
        let mut prev_start: Option<u32> = None;
        let mut starts = Vec::with_capacity(day.len());
        let mut out_of_order = vec![false; day.len()];
        for (i, r) in day.iter().map(|&k| &raws[k as usize]).enumerate() {
            let mut s = r.start + offset;
            if let Some(p) = prev_start
                && s < p
            {
                if offset == 0 && p >= 720 && r.start < 720 {
                    offset = 1440;
                    s += 1440;
                } else {
                    out_of_order[i] = true;
                }
            }
            starts.push(s);
            prev_start = Some(prev_start.map_or(s, |p: u32| p.max(s)));
        }
        for (i, &k) in day.iter().enumerate() {
            if out_of_order[i] {
                let d = Diagnostic::new(
                    Code::EntriesOutOfOrder,
                    "this entry starts before the entry above it",
                    "keep the log in time order, or fix the time",
                );
                self.diag(d, heads[k as usize].head_span);
            }
        }
        let n = day.len();
        for (i, &k) in day.iter().enumerate() {
            let (r, head) = (&mut raws[k as usize], &heads[k as usize]);
            if r.is_stop {
                continue;
            }
            let start = starts[i];
            let (end, source) = match head.end {
                Some(End::At(e)) => {
                    let s_raw = r.start;
                    let e_abs = if e >= s_raw {
                        Some(start - s_raw + e)
                    } else if s_raw >= 720 && e < 720 {
                        Some(start - s_raw + e + 1440)
                    } else {
                        let d = Diagnostic::new(
                            Code::EndBeforeStart,
                            "this range ends before it starts",
                            "swap the times; a range crosses midnight only from the afternoon \
                             into the morning (e.g. `23:30-00:30`)",
                        );
                        self.diag(d, head.head_span);
                        None
                    };
                    (e_abs, EntrySource::Range)
                }
                Some(End::Unknown) => (None, EntrySource::Range),
                None => match head.duration {
                    Some(d) => (Some(start + d), EntrySource::Duration),
                    None => {
                        let next = (i + 1..n)
                            .find(|&j| !out_of_order[j])
                            .map(|j| starts[j])
                            .filter(|&n| n >= start && !out_of_order[i]);
                        (next, EntrySource::NextEntry)
                    }
                },
            };
            r.date = date;
            r.start = start;
            r.end = end;
            r.source = source;
            keep[k as usize] = true;
        }
    }

    fn check_overlaps(&mut self) {
        let mut order: Vec<usize> = (0..self.note.entries.len()).collect();
        let key = |e: &TimeEntry| (e.date, e.start);
        order.sort_by_key(|&i| key(&self.note.entries[i]));
        let mut reach: Option<(Option<NaiveDate>, u32, usize)> = None;
        let mut found = Vec::new();
        for &i in &order {
            let e = &self.note.entries[i];
            if let Some((d, end, j)) = reach
                && d == e.date
                && e.start < end
            {
                found.push((i, j));
            }
            if let Some(end) = e.end {
                if reach.is_none_or(|(d, r, _)| d != e.date || end > r) {
                    reach = Some((e.date, end, i));
                }
            } else if reach.is_some_and(|(d, _, _)| d != e.date) {
                reach = None;
            }
        }
        for (i, j) in found {
            let other = self.note.entries[j].line;
            let line = self.note.entries[i].span;
            // Point at the entry's time, where the line's first digit is.
            let off = self.text[line.range()]
                .find(|c: char| c.is_ascii_digit())
                .unwrap_or(0);
            let span = Span::new(line.start + off, line.end);
            let d = Diagnostic::new(
                Code::OverlappingEntries,
                format!("this entry overlaps the entry on line {other}"),
                "fix the times so the entries do not overlap; overlapping time is counted twice",
            );
            self.diag(d, span);
        }
    }
}

fn skip_ws(s: &str, i: usize) -> usize {
    i + (s[i..].len() - s[i..].trim_start_matches([' ', '\t', '\u{a0}']).len())
}

fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_collapsed(&mut out, s);
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Appends `s` to `out` with each run of white space as one space and none at the start;
/// pieces appended one after another collapse as if they were one string. The caller drops
/// a trailing space at the end.
fn push_collapsed(out: &mut String, s: &str) {
    // Most text is ASCII words with single spaces between them: pushed whole, less a space
    // it starts with where `out` needs none. One scan decides.
    let b = s.as_bytes();
    let mut plain = true;
    let mut after_space = false;
    for &c in b {
        match c {
            b' ' if !after_space => after_space = true,
            b'!'..=b'~' => after_space = false,
            _ => {
                plain = false;
                break;
            }
        }
    }
    if plain {
        let s = match s.strip_prefix(' ') {
            Some(rest) if out.is_empty() || out.ends_with(' ') => rest,
            _ => s,
        };
        out.push_str(s);
        return;
    }
    if !s.is_ascii() {
        return push_collapsed_chars(out, s);
    }
    // The same, a byte at a time: ASCII white space is what `char::is_whitespace` finds below
    // 128 (vertical tab and form feed too).
    let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if ws(b[i]) {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            while i < b.len() && ws(b[i]) {
                i += 1;
            }
        } else {
            let from = i;
            while i < b.len() && !ws(b[i]) {
                i += 1;
            }
            out.push_str(&s[from..i]);
        }
    }
}

/// [`push_collapsed`] for any text.
fn push_collapsed_chars(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(i) = rest.find(char::is_whitespace) {
        out.push_str(&rest[..i]);
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
        rest = rest[i..].trim_start();
    }
    out.push_str(rest);
}

/// The first line that holds a git merge-conflict marker (`<<<<<<< ours`, `>>>>>>> theirs`):
/// the note is half-merged. Returns the line's span.
pub fn merge_marker(text: &str) -> Option<Span> {
    let b = text.as_bytes();
    // Every `<` and `>` that starts a line (two `memmem` searchers built for every note cost
    // more than reading it).
    for at in memchr::memchr2_iter(b'<', b'>', b) {
        if at > 0 && b[at - 1] != b'\n' {
            continue;
        }
        let marker: &[u8] = if b[at] == b'<' {
            b"<<<<<<<"
        } else {
            b">>>>>>>"
        };
        if !b[at..].starts_with(marker) {
            continue;
        }
        let end = memchr::memchr(b'\n', &b[at..]).map_or(b.len(), |e| at + e);
        let line = text[at..end].trim_end_matches('\r');
        if line.len() == 7 || line.as_bytes()[7] == b' ' {
            return Some(Span::new(at, end));
        }
    }
    None
}

/// YAML front matter: a `---` line at the very top, up to the next `---` or `...` line.
/// Returns the offset just after the closing line. No closing line, no front matter (the
/// `---` is then a thematic break, as Obsidian shows it).
pub(crate) fn front_matter_end(text: &str, from: usize) -> Option<usize> {
    let rest = &text[from..];
    let first_end = rest.find('\n')?;
    if rest[..first_end].trim_end_matches(['\r', ' ', '\t']) != "---" {
        return None;
    }
    let mut pos = first_end + 1;
    while pos < rest.len() {
        let end = rest[pos..].find('\n').map_or(rest.len(), |e| pos + e);
        let line = rest[pos..end].trim_end_matches(['\r', ' ', '\t']);
        if line == "---" || line == "..." {
            return Some(from + (end + 1).min(rest.len()));
        }
        pos = end + 1;
    }
    None
}

/// The offset of the line after the line ending at `end`.
fn next_line(text: &str, end: usize) -> usize {
    let b = text.as_bytes();
    match b.get(end) {
        Some(b'\r') if b.get(end + 1) == Some(&b'\n') => end + 2,
        Some(_) => end + 1,
        None => end,
    }
}

fn minute_of(t: chrono::NaiveDateTime) -> u32 {
    use chrono::Timelike;
    t.hour() * 60 + t.minute()
}

/// `<2026-11-25 Wed>` or `<2026-11-25 Wed 10:00>`.
fn logseq_date(v: &str) -> Option<NaiveDate> {
    let v = v.trim().strip_prefix('<')?;
    date::iso_date_at(v)
}

/// `[2026-11-24 Tue 09:00]` or `[2026-11-24 Tue 09:00:00]`: the time and the bytes used.
fn bracket_datetime(s: &str) -> Option<(chrono::NaiveDateTime, usize)> {
    let inner = s.strip_prefix('[')?;
    let close = inner.find(']')?;
    let body = &inner[..close];
    let date = date::iso_date_at(body)?;
    let time = body.split_whitespace().find(|w| w.contains(':'))?;
    let mut parts = time.split(':');
    let h: u32 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let t = chrono::NaiveTime::from_hms_opt(h, m, 0)?;
    Some((date.and_time(t), close + 2))
}

/// `<!-- mdtasks:NAME:start -->` / `<!-- mdtasks:NAME:end -->`. A start marker may carry
/// settings after a space (`<!-- mdtasks:summary:start last=7d -->`); they belong to whoever
/// fills the region (src/edit/summaries.rs) and are kept as written.
pub fn marker(line: &str) -> Option<(&str, bool)> {
    let inner = line.strip_prefix("<!--")?.strip_suffix("-->")?.trim();
    let rest = inner.strip_prefix("mdtasks:")?;
    // A name has no colon, so the first one ends it.
    let (name, which) = rest.split_once(':')?;
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        return None;
    }
    match which {
        "start" => Some((name, true)),
        "end" => Some((name, false)),
        w => w
            .strip_prefix("start")
            .filter(|s| s.starts_with(char::is_whitespace))
            .map(|_| (name, true)),
    }
}

/// The date after `date` by `n` days (saturating at chrono's range).
pub fn add_days(date: NaiveDate, n: i64) -> NaiveDate {
    date.checked_add_signed(Duration::days(n)).unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the scanner gives up, pulldown-cmark reads from the last line the scanner
    /// handed over to the end of the next top-level heading that closes every block, and
    /// the scanner goes on: the model is the one pulldown-cmark gives for the whole note.
    /// A heading inside a fenced code block, or right after an HTML block's line (which it
    /// continues), is no place to go back to the scanner.
    #[test]
    fn the_scanner_goes_on_after_what_it_declines() {
        let day = |d: u32| {
            let mut s = format!("## 2026-11-{d:02}\n\n");
            for i in 0..60 {
                s.push_str(&format!(
                    "- [ ] task {d} {i} #t\n  - [x] sub {i}\n- 09:{:02} log {i}\n",
                    i % 60
                ));
            }
            s.push('\n');
            s
        };
        let opts = ParseOptions::with_defaults();
        let declined = [
            "> quoted\n> - [ ] a task in a quote\n",
            "> [!note] a callout\n> - [ ] in it\n",
            "> quoted\n\n```\n# not a heading\n- [ ] not a task\n```\n",
            "<div>\n# inside the HTML block\n- [ ] not a task\n\n",
            "Title\n=====\n",
            "A paragraph.\n\n    indented code\n",
        ];
        for what in declined {
            let mut text = String::new();
            for d in 1..=4 {
                text.push_str(&day(d));
                if d == 2 {
                    text.push_str(what);
                }
            }
            let (fast, read) = parse_counted(&text, &opts, true);
            let (reference, _) = parse_counted(&text, &opts, false);
            assert_eq!(format!("{fast:#?}"), format!("{reference:#?}"), "{what:?}");
            // pulldown-cmark read a day or so, not the note.
            assert!(
                read > 0 && read * 2 < text.len(),
                "{what:?}: {read} of {}",
                text.len()
            );
        }
    }

    /// Tags are held in vectors of exactly their number when every `#` of the line starts
    /// one, for tasks and entries alike (a vector pushed to holds room for four).
    #[test]
    fn tags_take_no_room_they_do_not_use() {
        let text = "- [ ] a #x\n- [ ] b #x #y #z #w #v #u\n- 09:00 c #x\n- 10:00 d #x #y #z #w #v\n\
                    - 11:00 e\n";
        let note = parse_note(text, &ParseOptions::with_defaults());
        let tags = note.tasks.iter().map(|t| &t.tags);
        let tags: Vec<&Vec<String>> = tags.chain(note.entries.iter().map(|e| &e.tags)).collect();
        let counts: Vec<usize> = tags.iter().map(|t| t.len()).collect();
        assert_eq!(counts, [1, 6, 1, 5, 0]);
        for t in tags {
            assert_eq!(t.capacity(), t.len(), "{t:?}");
        }
    }

    /// A note's entries come grouped by day, the days in the order they first appear, each
    /// day's in document order; a day's entries run to the next one of that day, wherever
    /// it is; `END` closes the entry before it and is no entry; an item whose task has clock
    /// lines counts by its clocks (they come last).
    #[test]
    fn entries_are_resolved_by_day_in_the_order_days_appear() {
        let text = "## 2026-11-24\n- 09:00 a\n- 10:00 b\n## 2026-11-23\n- 08:00 c\n- 08:30 d\n\
                    ## 2026-11-24\n- 11:00 e\n- 11:30 END\n- TODO 12:00 f\n  CLOCK: \
                    [2026-11-24 Tue 12:00]--[2026-11-24 Tue 12:45] =>  00:45:00\n";
        let note = parse_note(text, &ParseOptions::with_defaults());
        let got: Vec<(String, u32, Option<u32>, EntrySource, usize)> = note
            .entries
            .iter()
            .map(|e| (e.text.clone(), e.start, e.end, e.source, e.line))
            .collect();
        let want = [
            ("a", 540, Some(600), EntrySource::NextEntry, 2),
            ("b", 600, Some(660), EntrySource::NextEntry, 3),
            ("e", 660, Some(690), EntrySource::NextEntry, 8),
            ("c", 480, Some(510), EntrySource::NextEntry, 5),
            ("d", 510, None, EntrySource::NextEntry, 6),
        ];
        assert_eq!(got.len(), want.len() + 1, "{got:?}");
        for (g, w) in got.iter().zip(want) {
            assert_eq!((g.0.as_str(), g.1, g.2, g.3, g.4), w);
        }
        let clock = &note.entries[5];
        assert_eq!(
            (clock.start, clock.end, clock.source),
            (720, Some(765), EntrySource::Clock)
        );
    }

    /// Merge markers found line by line: the first line that is `<<<<<<<` or `>>>>>>>`,
    /// alone or before a space, whatever else holds those characters.
    #[test]
    fn merge_markers_start_a_line() {
        let pieces = [
            "<<<<<<<",
            ">>>>>>>",
            "<<<<<<< ours",
            ">>>>>>> theirs",
            "<",
            ">",
            "<<<<<<<<",
            "a",
            " ",
            "\n",
            "\r\n",
            "=======",
            "> quote",
            "x <<<<<<< y",
        ];
        let reference = |t: &str| {
            let mut at = 0;
            for line in t.split_inclusive('\n') {
                let content = line.trim_end_matches('\n').trim_end_matches('\r');
                let is = content.starts_with("<<<<<<<") || content.starts_with(">>>>>>>");
                if is && (content.len() == 7 || content.as_bytes()[7] == b' ') {
                    return Some(Span::new(at, at + line.trim_end_matches('\n').len()));
                }
                at += line.len();
            }
            None
        };
        let mut seed = 11u64;
        for _ in 0..3000 {
            let mut t = String::new();
            for _ in 0..(seed >> 60) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                t.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            assert_eq!(merge_marker(&t), reference(&t), "{t:?}");
        }
        assert_eq!(merge_marker("a\n>>>>>>> b\n"), Some(Span::new(2, 11)));
    }

    #[test]
    fn has_finds_short_needles() {
        assert!(has(b"[due:: 2026-11-30]", b"::"));
        assert!(!has(b"10:00 call: dentist", b"::"));
        assert!(has(b"see https://x", b"http"));
        assert!(!has(b"htt", b"http"));
        assert!(has(b"anything", b""));
        assert!(has(b"::", b"::"));
        assert!(!has(b":", b"::"));
    }

    #[test]
    fn collapsing_white_space_byte_by_byte_is_collapsing_it_by_char() {
        let pieces = [
            "",
            " ",
            "a",
            "  b c\t",
            "\x0b\x0c\r\n",
            "x  ",
            "\u{a0}",
            "é y",
            "\u{2003}z",
            "a b",
            " c",
            "d ",
            "e \tf",
            "g h  i j\n",
            "k\tl",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let mut fast = String::new();
                    let mut chars = String::new();
                    for p in [a, b, c] {
                        push_collapsed(&mut fast, p);
                        push_collapsed_chars(&mut chars, p);
                    }
                    assert_eq!(fast, chars, "{a:?} {b:?} {c:?}");
                }
            }
        }
    }

    /// pulldown-cmark starts a tab-indented nested item at the previous line's ending.
    #[test]
    fn tab_indented_nested_item_starts_on_its_own_line() {
        let text = "- [ ] a\n\t- [ ] b\n";
        // Both sources of block structure: the scanner and pulldown-cmark.
        for n in [
            parse_note(text, &ParseOptions::with_defaults()),
            parse_note_reference(text, &ParseOptions::with_defaults()),
        ] {
            let b = &n.tasks[1];
            assert_eq!(b.bullet, Bullet::Dash);
            assert_eq!(&text[b.span.range()], "\t- [ ] b\n");
            assert_eq!(b.parent, Some(0));
        }
    }
}
