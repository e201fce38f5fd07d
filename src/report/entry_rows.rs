//! Every entry row of a summary (`--entries`, the CSV of entries) in report order (day,
//! start, note in path order, line), without holding them all in memory.
//!
//! A century of notes has a million entries; as rows they took 290 MiB. The rows of notes
//! come in path order, which is not report order (a note may log several days), so they are
//! sorted: a few thousand at a time in memory, each sorted run then written to a [`Spill`]
//! the caller provides (a temp file in the app, a `Vec` in tests: the core opens no file),
//! and merged when the report is written. Without a spill every row stays in memory.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io;
use std::sync::Arc;

use chrono::NaiveDate;

use super::summary::{Clock, EntryRow};

/// An append-only store for sorted runs of rows.
pub trait Spill: Send + Sync {
    /// Appends `bytes` and returns the offset they start at.
    fn append(&self, bytes: &[u8]) -> io::Result<u64>;
    /// Fills `buf` with the bytes from `offset`.
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()>;
}

/// A [`Spill`] in memory (for tests: the rows still take memory, as bytes).
#[cfg(test)]
#[derive(Default)]
pub struct MemorySpill(std::sync::Mutex<Vec<u8>>);

#[cfg(test)]
impl Spill for MemorySpill {
    fn append(&self, bytes: &[u8]) -> io::Result<u64> {
        let mut v = self.0.lock().map_err(|_| io::Error::other("poisoned"))?;
        let at = v.len() as u64;
        v.extend_from_slice(bytes);
        Ok(at)
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let v = self.0.lock().map_err(|_| io::Error::other("poisoned"))?;
        let from = usize::try_from(offset).map_err(io::Error::other)?;
        let src = v
            .get(from..from.saturating_add(buf.len()))
            .ok_or_else(|| io::Error::from(io::ErrorKind::UnexpectedEof))?;
        buf.copy_from_slice(src);
        Ok(())
    }
}

/// Rows held in memory before they are sorted and spilled (about 3 MiB of rows: 36,500
/// notes with `--entries` peak at 59 MiB, 63 with twice as many, for no faster merge).
pub const IN_MEMORY: usize = 1 << 14;
/// Bytes read from a spilled run at a time while merging.
const READ_AHEAD: usize = 1 << 15;

/// The sort key of a row.
fn key(r: &EntryRow) -> (NaiveDate, Clock, u32, usize) {
    (r.date, r.start, r.note, r.line)
}

#[derive(Debug, Clone, Copy)]
struct Run {
    offset: u64,
    bytes: u64,
    rows: usize,
}

/// The rows of a report, in report order once [`EntryRows::finish`] has run.
#[derive(Clone)]
pub struct EntryRows {
    /// Rows not spilled (after `finish`, sorted).
    mem: Vec<EntryRow>,
    limit: usize,
    spill: Option<Arc<dyn Spill>>,
    /// False once a spill failed: the rows stay in memory from then on.
    spilling: bool,
    runs: Vec<Run>,
    /// The names the spilled rows' categories and paths are read back as (a path by its
    /// note's index; notes come in order, so this is sorted).
    categories: Vec<Arc<str>>,
    paths: Vec<(u32, Arc<str>)>,
    len: usize,
    scratch: Vec<u8>,
}

impl std::fmt::Debug for EntryRows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EntryRows")
            .field("len", &self.len)
            .field("in_memory", &self.mem.len())
            .field("runs", &self.runs)
            .finish_non_exhaustive()
    }
}

impl EntryRows {
    /// Rows kept in memory only.
    pub fn in_memory() -> Self {
        EntryRows {
            mem: Vec::new(),
            limit: usize::MAX,
            spill: None,
            spilling: false,
            runs: Vec::new(),
            categories: Vec::new(),
            paths: Vec::new(),
            len: 0,
            scratch: Vec::new(),
        }
    }

    /// Rows sorted `limit` at a time and written to `spill`.
    pub fn spilled(spill: Arc<dyn Spill>, limit: usize) -> Self {
        EntryRows {
            limit: limit.max(1),
            spill: Some(spill),
            spilling: true,
            ..EntryRows::in_memory()
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many sorted runs went to the spill.
    pub fn runs(&self) -> usize {
        self.runs.len()
    }

    /// Adds a row; rows of one note come together, notes in order of their index.
    pub fn push(&mut self, row: EntryRow) {
        // The paths are needed only to read spilled rows back.
        if self.spill.is_some() && self.paths.last().is_none_or(|(n, _)| *n != row.note) {
            self.paths.push((row.note, row.path.clone()));
        }
        self.mem.push(row);
        self.len += 1;
        if self.spilling && self.mem.len() >= self.limit {
            self.spill_run();
        }
    }

    fn spill_run(&mut self) {
        let Some(spill) = &self.spill else { return };
        self.mem.sort_by_key(key);
        let mut buf = std::mem::take(&mut self.scratch);
        buf.clear();
        for r in &self.mem {
            // The rows share their category's name; equal names are one entry either way.
            let cat = match self
                .categories
                .iter()
                .position(|c| Arc::ptr_eq(c, &r.category) || *c == r.category)
            {
                Some(i) => i,
                None => {
                    self.categories.push(r.category.clone());
                    self.categories.len() - 1
                }
            };
            encode(r, cat as u32, &mut buf);
        }
        match spill.append(&buf) {
            Ok(offset) => {
                self.runs.push(Run {
                    offset,
                    bytes: buf.len() as u64,
                    rows: self.mem.len(),
                });
                self.mem.clear();
            }
            // No room for the run: the rows stay in memory, as without a spill.
            Err(_) => self.spilling = false,
        }
        self.scratch = buf;
    }

    /// Sorts what is still in memory; the rows can be read from then on.
    pub fn finish(&mut self) {
        self.mem.sort_by_key(key);
        self.scratch = Vec::new();
    }

    /// Calls `f` with the rows in order, up to `batch` at a time.
    pub fn for_each_batch(
        &self,
        batch: usize,
        mut f: impl FnMut(&[EntryRow]) -> io::Result<()>,
    ) -> io::Result<()> {
        let batch = batch.max(1);
        let Some(spill) = self.spill.as_deref().filter(|_| !self.runs.is_empty()) else {
            return self.mem.chunks(batch).try_for_each(f);
        };
        // Merge: the heap holds the key of each source's next row; the rows in memory are
        // the last source.
        let mut readers: Vec<RunReader> = self
            .runs
            .iter()
            .map(|run| RunReader::new(spill, *run))
            .collect();
        let mut heads: Vec<Option<EntryRow>> = Vec::with_capacity(readers.len() + 1);
        let mut heap = BinaryHeap::with_capacity(readers.len() + 1);
        for (i, r) in readers.iter_mut().enumerate() {
            let row = r.next(self)?;
            if let Some(row) = &row {
                heap.push(Reverse((key(row), i)));
            }
            heads.push(row);
        }
        let mut mem = self.mem.iter();
        let mem_ix = readers.len();
        heads.push(mem.next().cloned());
        if let Some(row) = &heads[mem_ix] {
            heap.push(Reverse((key(row), mem_ix)));
        }
        let mut out = Vec::with_capacity(batch.min(self.len));
        while let Some(Reverse((_, i))) = heap.pop() {
            let next = if i == mem_ix {
                mem.next().cloned()
            } else {
                readers[i].next(self)?
            };
            if let Some(row) = &next {
                heap.push(Reverse((key(row), i)));
            }
            let row = std::mem::replace(&mut heads[i], next).expect("a source's head");
            out.push(row);
            if out.len() == batch {
                f(&out)?;
                out.clear();
            }
        }
        if !out.is_empty() {
            f(&out)?;
        }
        Ok(())
    }

    /// Every row, in order (for tests and small reports).
    pub fn to_vec(&self) -> io::Result<Vec<EntryRow>> {
        let mut v = Vec::with_capacity(self.len);
        self.for_each_batch(4096, |b| {
            v.extend_from_slice(b);
            Ok(())
        })?;
        Ok(v)
    }

    fn path_of(&self, note: u32) -> io::Result<Arc<str>> {
        let i = self
            .paths
            .binary_search_by_key(&note, |(n, _)| *n)
            .map_err(|_| corrupt("a note without a path"))?;
        Ok(self.paths[i].1.clone())
    }
}

impl serde::Serialize for EntryRows {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = s.serialize_seq(Some(self.len))?;
        let mut failed = None;
        let read = self.for_each_batch(1024, |rows| {
            for r in rows {
                if let Err(e) = seq.serialize_element(r) {
                    failed = Some(e);
                    return Err(io::Error::other("serialising a row failed"));
                }
            }
            Ok(())
        });
        if let Some(e) = failed {
            return Err(e);
        }
        read.map_err(S::Error::custom)?;
        seq.end()
    }
}

fn corrupt(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("the entries spilled to a temp file came back damaged: {what}"),
    )
}

/// A row as bytes: its length (u32, the length itself included), then little-endian fixed
/// fields (date as days from the common era, start, end or `u32::MAX`, minutes, note, line,
/// category), then the tags (a count, then each as length and bytes) and the text.
fn encode(r: &EntryRow, category: u32, buf: &mut Vec<u8>) {
    let at = buf.len();
    buf.extend_from_slice(&[0; 4]);
    buf.extend_from_slice(&chrono::Datelike::num_days_from_ce(&r.date).to_le_bytes());
    buf.extend_from_slice(&r.start.0.to_le_bytes());
    buf.extend_from_slice(&r.end.map_or(u32::MAX, |c| c.0).to_le_bytes());
    buf.extend_from_slice(&r.minutes.to_le_bytes());
    buf.extend_from_slice(&r.note.to_le_bytes());
    buf.extend_from_slice(&(r.line as u64).to_le_bytes());
    buf.extend_from_slice(&category.to_le_bytes());
    buf.extend_from_slice(&(r.tags.len() as u32).to_le_bytes());
    for t in &r.tags {
        buf.extend_from_slice(&(t.len() as u32).to_le_bytes());
        buf.extend_from_slice(t.as_bytes());
    }
    buf.extend_from_slice(&(r.text.len() as u32).to_le_bytes());
    buf.extend_from_slice(r.text.as_bytes());
    let len = (buf.len() - at) as u32;
    buf[at..at + 4].copy_from_slice(&len.to_le_bytes());
}

/// Reads the fields [`encode`] wrote, in order.
struct Fields<'a>(&'a [u8]);

impl<'a> Fields<'a> {
    fn bytes(&mut self, n: usize) -> io::Result<&'a [u8]> {
        if self.0.len() < n {
            return Err(corrupt("a row ends early"));
        }
        let (b, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(b)
    }

    fn u32(&mut self) -> io::Result<u32> {
        Ok(u32::from_le_bytes(
            self.bytes(4)?.try_into().expect("4 bytes"),
        ))
    }

    fn u64(&mut self) -> io::Result<u64> {
        Ok(u64::from_le_bytes(
            self.bytes(8)?.try_into().expect("8 bytes"),
        ))
    }

    fn string(&mut self) -> io::Result<String> {
        let n = self.u32()? as usize;
        let b = self.bytes(n)?;
        String::from_utf8(b.to_vec()).map_err(|_| corrupt("a text is not UTF-8"))
    }
}

fn decode(b: &[u8], rows: &EntryRows) -> io::Result<EntryRow> {
    let mut f = Fields(b);
    let days = f.u32()? as i32;
    let date = NaiveDate::from_num_days_from_ce_opt(days).ok_or_else(|| corrupt("a date"))?;
    let start = Clock(f.u32()?);
    let end = Some(f.u32()?).filter(|e| *e != u32::MAX).map(Clock);
    let minutes = f.u32()?;
    let note = f.u32()?;
    let line = usize::try_from(f.u64()?).map_err(|_| corrupt("a line number"))?;
    let category = rows
        .categories
        .get(f.u32()? as usize)
        .ok_or_else(|| corrupt("a category"))?
        .clone();
    let n = f.u32()? as usize;
    let mut tags = Vec::with_capacity(n.min(b.len()));
    for _ in 0..n {
        tags.push(f.string()?);
    }
    let text = f.string()?;
    if !f.0.is_empty() {
        return Err(corrupt("a row is longer than its fields"));
    }
    Ok(EntryRow {
        date,
        start,
        end,
        minutes,
        open: end.is_none(),
        category,
        tags,
        text,
        path: rows.path_of(note)?,
        line,
        note,
    })
}

/// Reads one spilled run, a few dozen KiB at a time.
struct RunReader<'s> {
    spill: &'s dyn Spill,
    /// Where the bytes not yet read start, and where the run ends.
    next: u64,
    end: u64,
    rows_left: usize,
    buf: Vec<u8>,
    pos: usize,
}

impl<'s> RunReader<'s> {
    fn new(spill: &'s dyn Spill, run: Run) -> Self {
        RunReader {
            spill,
            next: run.offset,
            end: run.offset + run.bytes,
            rows_left: run.rows,
            buf: Vec::new(),
            pos: 0,
        }
    }

    /// Makes at least `n` unread bytes available in `buf[pos..]`.
    fn fill(&mut self, n: usize) -> io::Result<()> {
        let have = self.buf.len() - self.pos;
        if have >= n {
            return Ok(());
        }
        let left = self.end - self.next;
        if (n - have) as u64 > left {
            return Err(corrupt("a run ends early"));
        }
        self.buf.drain(..self.pos);
        self.pos = 0;
        let want = (n - have).max(READ_AHEAD).min(left as usize);
        let from = self.buf.len();
        self.buf.resize(from + want, 0);
        self.spill.read_at(self.next, &mut self.buf[from..])?;
        self.next += want as u64;
        Ok(())
    }

    fn next(&mut self, rows: &EntryRows) -> io::Result<Option<EntryRow>> {
        if self.rows_left == 0 {
            return Ok(None);
        }
        self.fill(4)?;
        let len = u32::from_le_bytes(
            self.buf[self.pos..self.pos + 4]
                .try_into()
                .expect("4 bytes"),
        ) as usize;
        if len < 4 {
            return Err(corrupt("a row's length"));
        }
        self.fill(len)?;
        let row = decode(&self.buf[self.pos + 4..self.pos + len], rows)?;
        self.pos += len;
        self.rows_left -= 1;
        Ok(Some(row))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;
    use crate::report::summary::tests::{d, note};
    use crate::report::summary::{Summary, SummaryBuilder};
    use crate::report::{CsvKind, Format, Period, render};

    /// Sixty generated daily notes, and a time-log note (last in path order) with entries
    /// on some of the same days, earlier and later than theirs: report order is not the
    /// order the rows arrive in.
    fn notes() -> Vec<crate::load::LoadedNote> {
        let g = crate::corpus::Generator::new("entry-rows", 0.2);
        let first = d("2026-09-01");
        let mut v: Vec<_> = (0..60)
            .map(|i| {
                let day = g.day(first + chrono::Duration::days(i));
                note(Some(&day.date.to_string()), &day.text)
            })
            .collect();
        let mut log = String::from("# Time Log\n");
        for i in (0..60).step_by(7) {
            let date = first + chrono::Duration::days(i);
            log.push_str(&format!(
                "\n## {date}\n\n- 05:00-05:30 early #admin\n- 09:00-09:20 same start #money\n\
                 - 23:30-00:15 late, to the next day #deep\n- 23:50 open one\n"
            ));
        }
        let mut log = note(None, &log);
        log.path = "notes/zz-time-log.md".into();
        v.push(log);
        v
    }

    fn summary(
        notes: &[crate::load::LoadedNote],
        spill: Option<(Arc<dyn Spill>, usize)>,
    ) -> Summary {
        let settings = Settings::default();
        let mut b = SummaryBuilder::new(&settings, &Period::ALL, true);
        if let Some((s, limit)) = spill {
            b.spill_entries_with(s, limit);
        }
        let digester = b.digester();
        for n in notes {
            b.add(digester.digest(n.clone()));
        }
        b.finish(0)
    }

    fn rendered(s: &Summary, format: Format, csv: CsvKind) -> String {
        let mut out = Vec::new();
        render(s, format, csv, false, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn spilled_rows_come_back_in_the_order_kept_in_memory() {
        let notes = notes();
        let whole = summary(&notes, None);
        let rows = whole.entries.as_ref().unwrap();
        assert_eq!(rows.runs(), 0);
        let want = rows.to_vec().unwrap();
        assert!(want.len() > 400, "{} rows", want.len());
        // The time log's rows are not last: the rows were sorted.
        assert!(want.last().unwrap().path.ends_with("2026-10-30.md"));
        assert!(want.windows(2).all(|w| key(&w[0]) < key(&w[1])));
        let json = rendered(&whole, Format::Json, CsvKind::Entries);
        let csv = rendered(&whole, Format::Csv, CsvKind::Entries);
        for limit in [1, 2, 3, 7, 64, 333, want.len() - 1, want.len(), 10_000] {
            let spill = Arc::new(MemorySpill::default());
            let s = summary(&notes, Some((spill, limit)));
            let rows = s.entries.as_ref().unwrap();
            assert_eq!(rows.runs(), want.len() / limit, "limit {limit}");
            assert_eq!(format!("{:?}", rows.to_vec().unwrap()), format!("{want:?}"));
            for batch in [1, 5, 1000] {
                let mut got = Vec::new();
                rows.for_each_batch(batch, |b| {
                    assert!(!b.is_empty() && b.len() <= batch);
                    got.extend_from_slice(b);
                    Ok(())
                })
                .unwrap();
                assert_eq!(got.len(), want.len());
            }
            assert_eq!(
                rendered(&s, Format::Json, CsvKind::Entries),
                json,
                "limit {limit}"
            );
            assert_eq!(
                rendered(&s, Format::Csv, CsvKind::Entries),
                csv,
                "limit {limit}"
            );
        }
    }

    /// A spill that takes nothing: the rows stay in memory.
    struct Full;

    impl Spill for Full {
        fn append(&self, _: &[u8]) -> io::Result<u64> {
            Err(io::Error::other("no space left"))
        }

        fn read_at(&self, _: u64, _: &mut [u8]) -> io::Result<()> {
            unreachable!("nothing was written")
        }
    }

    #[test]
    fn a_full_spill_keeps_the_rows_in_memory() {
        let notes = notes();
        let want = format!(
            "{:?}",
            summary(&notes, None).entries.unwrap().to_vec().unwrap()
        );
        let s = summary(&notes, Some((Arc::new(Full), 10)));
        let rows = s.entries.as_ref().unwrap();
        assert_eq!(rows.runs(), 0);
        assert_eq!(format!("{:?}", rows.to_vec().unwrap()), want);
    }

    /// A spill whose bytes come back changed.
    struct Damaged(MemorySpill, fn(&mut [u8]));

    impl Spill for Damaged {
        fn append(&self, bytes: &[u8]) -> io::Result<u64> {
            self.0.append(bytes)
        }

        fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
            self.0.read_at(offset, buf)?;
            (self.1)(buf);
            Ok(())
        }
    }

    #[test]
    fn damaged_runs_are_an_error_not_a_panic() {
        let notes = notes();
        let damage: [fn(&mut [u8]); 4] = [
            |b| b.fill(0),
            |b| b.fill(0xff),
            |b| b.iter_mut().step_by(3).for_each(|x| *x ^= 0x55),
            |b| {
                if b.len() > 9 {
                    b[8] = 0xff; // the first row's end (u32::MAX is open) or start
                    b[0] = b[0].wrapping_add(1); // its length
                }
            },
        ];
        for f in damage {
            let s = summary(
                &notes,
                Some((Arc::new(Damaged(MemorySpill::default(), f)), 50)),
            );
            let err = s.entries.as_ref().unwrap().to_vec().unwrap_err();
            assert!(
                err.to_string().contains("temp file") || err.kind() == io::ErrorKind::UnexpectedEof,
                "{err}"
            );
            let mut out = Vec::new();
            assert!(render(&s, Format::Csv, CsvKind::Entries, false, &mut out).is_err());
        }
    }

    #[test]
    fn rows_round_trip_through_bytes() {
        let notes = notes();
        // Rows kept for a spill (so their paths are known) that never fills.
        let s = summary(&notes, Some((Arc::new(MemorySpill::default()), usize::MAX)));
        assert_eq!(s.entries.as_ref().unwrap().runs(), 0);
        let rows = s.entries.as_ref().unwrap();
        let mut with = rows.clone();
        with.categories = rows
            .to_vec()
            .unwrap()
            .iter()
            .map(|r| r.category.clone())
            .collect();
        for r in rows.to_vec().unwrap().iter().chain(&s.longest) {
            let mut buf = Vec::new();
            let cat = with
                .categories
                .iter()
                .position(|c| *c == r.category)
                .unwrap();
            encode(r, cat as u32, &mut buf);
            assert_eq!(
                u32::from_le_bytes(buf[..4].try_into().unwrap()) as usize,
                buf.len()
            );
            let back = decode(&buf[4..], &with).unwrap();
            assert_eq!(format!("{back:?}"), format!("{r:?}"));
            for cut in [4, buf.len() / 2, buf.len() - 1] {
                assert!(decode(&buf[4..cut], &with).is_err());
            }
        }
    }
}
