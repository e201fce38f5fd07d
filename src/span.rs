//! Byte spans into a note's text, and the line index that turns them into line:column for display.

use serde::Serialize;

/// A half-open byte range `start..end` into the note's original text.
///
/// Everything the parser finds carries one, so that edits can splice the original bytes
/// and diagnostics can point at them; line and column are derived only when shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Span { start, end }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub fn contains(&self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }

    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

/// Pushes `i + 1` for every `\n` at `i` in `bytes`, in order, and returns false; or stops
/// and returns true at a `\r` (the caller then finds the line starts another way).
///
/// The bytes are compared 32 at a time into a bit mask, whose bits are then read off one
/// line start each: a note's lines average 40 bytes, and a `memchr` call per line cost 60
/// instructions, a fortieth of a whole parse.
fn newline_starts(bytes: &[u8], starts: &mut Vec<usize>) -> bool {
    let mut base = 0;
    while let Some(chunk) = bytes.get(base..base + 32) {
        let (lo_nl, lo_cr) = masks16(&chunk[..16]);
        let (hi_nl, hi_cr) = masks16(&chunk[16..]);
        if lo_cr | hi_cr != 0 {
            return true;
        }
        let mut nl = lo_nl | hi_nl << 16;
        while nl != 0 {
            starts.push(base + nl.trailing_zeros() as usize + 1);
            nl &= nl - 1;
        }
        base += 32;
    }
    for (i, &b) in bytes[base..].iter().enumerate() {
        match b {
            b'\n' => starts.push(base + i + 1),
            b'\r' => return true,
            _ => {}
        }
    }
    false
}

/// Bit `i` of the first mask is set when `chunk[i]` is `\n`, of the second when it is `\r`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn masks16(chunk: &[u8]) -> (u32, u32) {
    assert!(chunk.len() >= 16);
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };
    // SAFETY: SSE2 is part of every x86_64 processor, and the load reads 16 bytes of
    // `chunk`, which has at least 16 (unaligned loads are allowed).
    unsafe {
        let v = _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>());
        let nl = _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'\n' as i8)));
        let cr = _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'\r' as i8)));
        (nl as u32, cr as u32)
    }
}

/// [`masks16`] on other processors.
#[cfg(not(target_arch = "x86_64"))]
fn masks16(chunk: &[u8]) -> (u32, u32) {
    masks16_portable(chunk)
}

/// Bit `i` of the first mask is set when `chunk[i]` is `\n`, of the second when it is `\r`:
/// byte by byte, for processors without SSE2 (and, in the tests, on every processor).
#[cfg(any(test, not(target_arch = "x86_64")))]
fn masks16_portable(chunk: &[u8]) -> (u32, u32) {
    let (mut nl, mut cr) = (0u32, 0u32);
    for (i, &b) in chunk[..16].iter().enumerate() {
        nl |= u32::from(b == b'\n') << i;
        cr |= u32::from(b == b'\r') << i;
    }
    (nl, cr)
}

/// Offsets of every line start, so a byte offset becomes a 1-based line and column.
///
/// A line ends at `\n`, at `\r\n`, or at a lone `\r` (old Mac files): CommonMark counts all
/// three as line endings, and so must we, or line numbers drift from what an editor shows.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
    /// The line last found: a parser asks for offsets in order, mostly a line or two
    /// after the last one (a binary search on every item was a sixth of the parser's own
    /// time in `perf`).
    hint: std::cell::Cell<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        // Room for lines of 32 bytes on average: the generated notes' lines average 40, so
        // room for 40 was short for half the notes (the vector grew, copying itself: a
        // ten-year note's index of 3.3 MB took 6.6, where it now takes 4.1).
        let mut starts = Vec::with_capacity(bytes.len() / 32 + 1);
        starts.push(0);
        // Most notes: only `\n` ends their lines. A `\r` anywhere: found again with both.
        if newline_starts(bytes, &mut starts) {
            starts.truncate(1);
            for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
                if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                    continue; // the \n that follows ends this line
                }
                starts.push(i + 1);
            }
        }
        LineIndex {
            starts,
            len: bytes.len(),
            hint: std::cell::Cell::new(0),
        }
    }

    /// Byte offsets of the line starts, the first being 0.
    pub fn starts(&self) -> &[usize] {
        &self.starts
    }

    /// 0-based line number of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        // The last line whose start is at or before `offset` (the first starts at 0).
        let h = self.hint.get();
        let line = if self.starts[h] <= offset {
            // A few lines on: step to it; further: search the rest.
            let rest = &self.starts[h + 1..];
            match rest.iter().take(8).position(|&s| s > offset) {
                Some(k) => h + k,
                None => h + rest.partition_point(|&s| s <= offset),
            }
        } else {
            self.starts[..h].partition_point(|&s| s <= offset) - 1
        };
        self.hint.set(line);
        line
    }

    /// Byte span of line `line` (0-based), without its line ending.
    pub fn line_span(&self, text: &str, line: usize) -> Span {
        let start = self.starts[line];
        let mut end = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let b = text.as_bytes();
        if end > start && b[end - 1] == b'\n' {
            end -= 1;
        }
        if end > start && b[end - 1] == b'\r' {
            end -= 1;
        }
        Span::new(start, end)
    }

    /// Where the line that holds `from` ends: the first line-ending byte at or after
    /// `from` (`from` itself when it is one), else the end of the text. From the index:
    /// searching the text for it on every list item cost a parse 3 % of its instructions.
    pub fn line_end(&self, text: &str, from: usize) -> usize {
        // `from` on the `\n` of a `\r\n`: the line's content ended before it.
        self.line_span(text, self.line_of(from)).end.max(from)
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.starts[line];
        let col = text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(offset - start);
        (line + 1, col + 1)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_endings_of_all_kinds() {
        let t = "a\nb\r\nc\rd";
        let ix = LineIndex::new(t);
        assert_eq!(ix.line_count(), 4);
        assert_eq!(ix.line_col(t, 0), (1, 1));
        assert_eq!(ix.line_col(t, 2), (2, 1));
        assert_eq!(ix.line_col(t, 5), (3, 1));
        assert_eq!(ix.line_col(t, 7), (4, 1));
        assert_eq!(&t[ix.line_span(t, 1).range()], "b");
        assert_eq!(&t[ix.line_span(t, 2).range()], "c");
        // Without a `\r` (the search for `\n` alone).
        assert_eq!(LineIndex::new("a\n\nbc\n").starts(), &[0, 2, 3, 6]);
        assert_eq!(LineIndex::new("").starts(), &[0]);
    }

    /// Offsets asked in any order get the line a binary search gives.
    #[test]
    fn line_of_in_any_order() {
        let t = "a\n\nbc\r\nd\re\n".repeat(9);
        let ix = LineIndex::new(&t);
        let want = |o: usize| match ix.starts().binary_search(&o) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let mut seed = 3u64;
        let n = t.len() + 1;
        let forward = 0..n;
        let backward = (0..n).rev();
        let jumps = (0..500).map(|_| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            (seed >> 33) as usize % n
        });
        for o in forward.chain(backward).chain(jumps) {
            assert_eq!(ix.line_of(o), want(o), "offset {o}");
        }
    }

    /// The end of the line from any offset (line endings of every kind included) is where
    /// a search for the next line-ending byte stops.
    #[test]
    fn line_end_is_the_next_line_ending() {
        for t in [
            "",
            "a",
            "\n",
            "\r",
            "\r\n",
            "ab\r\n\r\ncd\re\n\nf",
            "x\r\r\n\ny\r",
        ] {
            let ix = LineIndex::new(t);
            for from in (0..=t.len()).chain((0..=t.len()).rev()) {
                let want = t.as_bytes()[from..]
                    .iter()
                    .position(|&c| c == b'\n' || c == b'\r')
                    .map_or(t.len(), |i| from + i);
                assert_eq!(ix.line_end(t, from), want, "{t:?} from {from}");
            }
        }
    }

    /// The line starts found 32 bytes at a time are those a byte-by-byte reading finds,
    /// wherever the line endings fall against the 32-byte steps, `\r` among them.
    #[test]
    fn line_starts_agree_with_a_byte_by_byte_reading() {
        fn by_bytes(t: &[u8]) -> Vec<usize> {
            let mut starts = vec![0];
            for (i, &b) in t.iter().enumerate() {
                let crlf = b == b'\r' && t.get(i + 1) == Some(&b'\n');
                if (b == b'\n' || b == b'\r') && !crlf {
                    starts.push(i + 1);
                }
            }
            starts
        }
        proptest::proptest!(|(t in proptest::collection::vec(
            proptest::sample::select(vec![b'a', b' ', b'\n', b'\r', 0xc3, 0xa9]),
            0..200,
        ))| {
            // Lone bytes of `é` are not UTF-8: the index reads bytes, so read them lossily.
            let text = String::from_utf8_lossy(&t).into_owned();
            let want = by_bytes(text.as_bytes());
            let got = LineIndex::new(&text);
            proptest::prop_assert_eq!(got.starts(), want.as_slice());
        });
        // The masks of other processors are those of this one.
        proptest::proptest!(|(chunk in proptest::collection::vec(
            proptest::sample::select(vec![b'a', b'\n', b'\r', 0x0a | 0x80, 0x0d | 0x80]),
            16..=16,
        ))| {
            proptest::prop_assert_eq!(masks16_portable(&chunk), masks16(&chunk));
        });
        // One line ending at every offset of a text longer than two steps.
        for at in 0..80 {
            for end in ["\n", "\r", "\r\n"] {
                let mut t = "x".repeat(80);
                t.insert_str(at, end);
                assert_eq!(
                    LineIndex::new(&t).starts(),
                    by_bytes(t.as_bytes()),
                    "{end:?} at {at}"
                );
            }
        }
    }

    #[test]
    fn column_counts_characters() {
        let t = "é🙂x";
        let ix = LineIndex::new(t);
        assert_eq!(ix.line_col(t, t.find('x').unwrap()), (1, 3));
    }
}
