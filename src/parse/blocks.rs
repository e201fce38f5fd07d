//! The block structure of a note, as the note parser needs it: headings, block quotes, lists
//! and their items, paragraphs, HTML blocks, and where an item's inline content begins.
//!
//! Two sources produce the same events. [`scan`] is a line scanner for the Markdown that
//! daily notes are mostly made of: ATX headings, paragraphs (with lazy continuation lines),
//! bullet and ordered lists nested by spaces or tabs, and at the top level fenced code, pipe tables,
//! thematic breaks and HTML comments (mdtasks' own region markers). It gives up on the first
//! line it does not handle exactly as pulldown-cmark does (block quotes, other HTML blocks,
//! a tab after a list marker, setext headings, indented code, a block on a list marker's
//! line or inside an item, link reference definitions, escapes at a line's start ...).
//! pulldown-cmark, whose events [`from_event`] maps to the same [`Block`]s, then reads from
//! the last line where no block was open up to the end of a top-level heading after that
//! line, and the scanner goes on from there (`Parse::run_scanned` in the note parser). A
//! note with a lone `\r` line ending, a vertical tab or a form feed is read by pulldown-cmark
//! alone ([`scannable`]). The two must give the same note model: `tests/it/blocks_agree.rs`
//! checks that on every fixture, on generated notes, and on generated lines built from every
//! construct the scanner declines.
//!
//! The scanner exists for speed: pulldown-cmark also parses every inline (emphasis, links,
//! code spans) and builds a tree of the whole note, which was more than half of the cost of
//! reading a note, while the note parser reads tasks and entries from the raw bytes itself.

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::parse::has;
use crate::span::Span;

/// One block-structure event. Spans are byte ranges of the whole note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Block {
    /// An ATX or setext heading starts; the span covers it.
    HeadingStart(u8),
    HeadingEnd,
    QuoteStart,
    QuoteEnd,
    /// A list starts; ordered lists carry their first number.
    ListStart(Option<u64>),
    ListEnd,
    /// A list item; its span runs from the marker to where the item ends.
    ItemStart,
    ItemEnd,
    /// A paragraph; its span covers its lines (from the first content byte).
    ParaStart,
    ParaEnd,
    /// An HTML block; the span covers its lines.
    Html,
    /// Another block starts (fenced or indented code, a table, a thematic break).
    Other,
    /// Inline content (text, code span, link, emphasis ...) starts at the span's start.
    Inline,
    /// Anything else: the end of an inline or of another block, a table cell ...
    Nothing,
}

/// The block event a pulldown-cmark event stands for.
pub(crate) fn from_event(event: &Event<'_>) -> Block {
    match event {
        Event::Start(tag) => match tag {
            Tag::Heading { level, .. } => Block::HeadingStart(*level as u8),
            Tag::BlockQuote(_) => Block::QuoteStart,
            Tag::List(first) => Block::ListStart(*first),
            Tag::Item => Block::ItemStart,
            Tag::Paragraph => Block::ParaStart,
            Tag::HtmlBlock => Block::Html,
            Tag::CodeBlock(_) | Tag::Table(_) => Block::Other,
            Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Link { .. }
            | Tag::Image { .. }
            | Tag::Superscript
            | Tag::Subscript => Block::Inline,
            _ => Block::Nothing,
        },
        Event::End(tag) => match tag {
            TagEnd::Heading(_) => Block::HeadingEnd,
            TagEnd::BlockQuote(_) => Block::QuoteEnd,
            TagEnd::List(_) => Block::ListEnd,
            TagEnd::Item => Block::ItemEnd,
            TagEnd::Paragraph => Block::ParaEnd,
            _ => Block::Nothing,
        },
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineHtml(_)
        | Event::InlineMath(_)
        | Event::FootnoteReference(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::TaskListMarker(_) => Block::Inline,
        Event::Rule => Block::Other,
        _ => Block::Nothing,
    }
}

/// What a line's content (after its indentation) starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Blank,
    /// `#`..`######` and white space or the end: the level.
    Heading(u8),
    /// A code fence: its character and length.
    Fence(u8, usize),
    /// A list marker: the list's kind (`-`, `*`, `+`, or `.`/`)` for ordered lists), the
    /// number of an ordered item, and the marker's width.
    Marker(u8, Option<u64>, usize),
    /// A thematic break (`***`, `- - -`); `true` when it is only dashes, which under a
    /// paragraph's line make a setext heading instead.
    Rule(bool),
    /// The start of an HTML comment block, `<!--`.
    Comment,
    /// Anything else: paragraph text.
    Text,
    /// Something the scanner does not handle.
    Unsupported,
}

/// Whether `b` is white space inside a line.
fn ws(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Classifies a line's content; `rest` starts after the indentation and ends before the
/// line ending.
fn classify(rest: &[u8]) -> Kind {
    let Some(&first) = rest.first() else {
        return Kind::Blank;
    };
    match first {
        b' ' | b'\t' => {
            if rest.iter().all(|&b| ws(b)) {
                Kind::Blank
            } else {
                // Indentation that was not measured (a tab, or deeper than the caller looked).
                Kind::Unsupported
            }
        }
        b'#' => {
            let n = rest.iter().take_while(|&&b| b == b'#').count();
            match rest.get(n) {
                _ if n > 6 => Kind::Text,
                None | Some(b' ') => Kind::Heading(n as u8),
                // `#\tx` is a heading too; not handled here.
                Some(b'\t') => Kind::Unsupported,
                Some(_) => Kind::Text,
            }
        }
        b'`' | b'~' => {
            let n = rest.iter().take_while(|&&b| b == first).count();
            if n < 3 {
                return Kind::Text;
            }
            // A backtick fence's info string may not hold a backtick: then it is no fence.
            if first == b'`' && rest[n..].contains(&b'`') {
                return Kind::Unsupported;
            }
            Kind::Fence(first, n)
        }
        b'-' | b'*' | b'+' => {
            let dashes = first == b'-' && {
                let t = rest.trim_ascii_end();
                t.iter().all(|&b| b == b'-')
            };
            // `+++` is no thematic break: only `-`, `*` and `_` make one.
            if first != b'+' && thematic_break(rest) {
                return Kind::Rule(dashes);
            }
            if dashes {
                // `-` or `--`: an empty item, or a setext underline.
                return Kind::Unsupported;
            }
            match rest.get(1) {
                Some(b' ') => Kind::Marker(first, None, 1),
                // An empty item, or a tab after the marker.
                None | Some(b'\t') => Kind::Unsupported,
                Some(_) => Kind::Text,
            }
        }
        b'0'..=b'9' => {
            let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            if n > 9 {
                return Kind::Text;
            }
            match (rest.get(n), rest.get(n + 1)) {
                (Some(&d @ (b'.' | b')')), Some(b' ')) => {
                    let num = rest[..n]
                        .iter()
                        .fold(0u64, |a, &b| a * 10 + u64::from(b - b'0'));
                    Kind::Marker(d, Some(num), n + 1)
                }
                (Some(b'.' | b')'), None | Some(b'\t')) => Kind::Unsupported,
                _ => Kind::Text,
            }
        }
        // Block quotes, setext underlines, escapes: not handled.
        b'>' | b'=' | b'\\' => Kind::Unsupported,
        b'<' if rest.starts_with(b"<!--") => Kind::Comment,
        b'<' => {
            // `<scheme:...>` is an autolink (no HTML tag name holds a colon); any other `<`
            // may start an HTML block.
            let scheme = rest[1..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'))
                .count();
            if (2..=32).contains(&scheme)
                && rest[1].is_ascii_alphabetic()
                && rest.get(1 + scheme) == Some(&b':')
            {
                Kind::Text
            } else {
                Kind::Unsupported
            }
        }
        // A link reference definition is no paragraph.
        b'[' if has(rest, b"]:") => Kind::Unsupported,
        b'_' if thematic_break(rest) => Kind::Rule(false),
        _ => Kind::Text,
    }
}

/// `***`, `- - -`, `___`: three or more of one character, white space between.
fn thematic_break(rest: &[u8]) -> bool {
    let c = rest[0];
    let mut n = 0;
    for &b in rest {
        if b == c {
            n += 1;
        } else if !ws(b) {
            return false;
        }
    }
    n >= 3
}

/// Only `|`, `:`, `-` and white space, with a `-`: it might make the line above a table.
fn delimiter_like(rest: &[u8]) -> bool {
    rest.contains(&b'-')
        && rest
            .iter()
            .all(|&b| matches!(b, b'|' | b':' | b'-' | b' ' | b'\t'))
}

/// The cells of a pipe-table row that starts and ends with `|`, when it is a delimiter row
/// (`| --- | :-: |`); else `None`.
fn delimiter_cells(rest: &[u8]) -> Option<usize> {
    let inner = rest.strip_prefix(b"|")?.strip_suffix(b"|")?;
    let mut n = 0;
    for cell in inner.split(|&b| b == b'|') {
        let c = cell.trim_ascii();
        let c = c.strip_prefix(b":").unwrap_or(c);
        let c = c.strip_suffix(b":").unwrap_or(c);
        if c.is_empty() || !c.iter().all(|&b| b == b'-') {
            return None;
        }
        n += 1;
    }
    Some(n)
}

/// The cells of a plain header row `| a | b |` (no escapes, no code spans); else `None`.
fn header_cells(rest: &[u8]) -> Option<usize> {
    let inner = rest.strip_prefix(b"|")?.strip_suffix(b"|")?;
    if inner.iter().any(|&b| b == b'`' || b == b'\\') {
        return None;
    }
    Some(inner.iter().filter(|&&b| b == b'|').count() + 1)
}

/// A line's leading white space: its width in columns (a tab advances to the next multiple
/// of four, as CommonMark counts) and in bytes.
fn indentation(l: &[u8]) -> (usize, usize) {
    let mut col = 0;
    let mut i = 0;
    while let Some(&c) = l.get(i) {
        match c {
            b' ' => col += 1,
            b'\t' => col = col / 4 * 4 + 4,
            _ => break,
        }
        i += 1;
    }
    (col, i)
}

struct Line {
    /// Where the line starts, where its content ends (before `\r\n`/`\n`), where the next
    /// line starts.
    start: usize,
    end: usize,
    next: usize,
}

/// The lines from `pos` on, from the note's line starts (`LineIndex::starts`: the note has
/// no lone `\r` here, so each line but the last ends at a `\n`): no search of the text for
/// each line.
#[derive(Clone)]
struct Lines<'a> {
    b: &'a [u8],
    starts: &'a [usize],
    /// Index in `starts` of the line that holds `pos`.
    idx: usize,
    pos: usize,
}

impl<'a> Lines<'a> {
    fn new(b: &'a [u8], starts: &'a [usize], pos: usize) -> Self {
        let idx = starts.partition_point(|&s| s <= pos).saturating_sub(1);
        Lines {
            b,
            starts,
            idx,
            pos,
        }
    }
}

impl Iterator for Lines<'_> {
    type Item = Line;
    fn next(&mut self) -> Option<Line> {
        if self.pos >= self.b.len() {
            return None;
        }
        let start = self.pos;
        let (end, next) = match self.starts.get(self.idx + 1) {
            Some(&next) => {
                let nl = next - 1;
                debug_assert_eq!(self.b[nl], b'\n');
                let end = if nl > start && self.b[nl - 1] == b'\r' {
                    nl - 1
                } else {
                    nl
                };
                (end, next)
            }
            None => (self.b.len(), self.b.len()),
        };
        self.idx += 1;
        self.pos = next;
        Some(Line { start, end, next })
    }
}

struct OpenItem {
    /// Column where the item's content starts.
    col: usize,
    /// Index of its `ItemStart` event, whose span end is set when it closes.
    event: usize,
    /// The list it belongs to: `-`, `*`, `+`, `.` or `)`.
    kind: u8,
}

/// The events of a note, in order.
pub(crate) type Events = Vec<(Block, Span)>;

/// How many events wait in `out` before [`scan`] hands them over (at the next line where
/// no block is open): few enough that they stay in the first-level cache, and that a very
/// long note's events never pile up (a 16.6 MB note made 67 MB of them).
const HAND_OVER_AT: usize = 256;

/// Whether the scanner can read lines of `text[from..]` at all: line endings it handles, no
/// vertical tab or form feed.
pub(crate) fn scannable(text: &str, from: usize) -> bool {
    let b = text.as_bytes();
    // A lone `\r` ends a line too; not handled here.
    if memchr::memchr_iter(b'\r', &b[from..]).any(|i| b.get(from + i + 1) != Some(&b'\n')) {
        return false;
    }
    // pulldown-cmark takes a vertical tab or a form feed for white space in places (`#\x0b`
    // is a heading to it; found by the fuzzer); not handled here.
    memchr::memchr2(0x0b, 0x0c, &b[from..]).is_none()
}

/// How a scan ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scanned {
    /// Every line read.
    Done,
    /// Gave up on a line it does not handle. The events of the lines from `rest` on were
    /// not handed over (they are in `out`, in any state); `at` is the start of a line at or
    /// before the one it gave up on, and at or after `rest`.
    GaveUp { rest: usize, at: usize },
}

/// Block events of `text[from..]` (`from` a line start where no block is open, and
/// [`scannable`]) for the subset of Markdown the scanner handles, in the order
/// pulldown-cmark would give them.
///
/// Events are final once no block is open (every list item and paragraph closed). From
/// time to time the scanner then calls `hand_over` with `out`, which must take all the
/// events (leaving it empty). At the end, the events not handed over are in `out`.
///
/// Paragraph events are given for every paragraph, also in tight lists (where
/// pulldown-cmark gives none): the note parser reads the same from both.
pub(crate) fn scan(
    text: &str,
    from: usize,
    starts: &[usize],
    out: &mut Events,
    hand_over: &mut dyn FnMut(&mut Events),
) -> Scanned {
    let b = text.as_bytes();
    let mut s = Scanner {
        out,
        items: Vec::new(),
        para: None,
    };
    let mut lines = Lines::new(b, starts, from);
    // Where the lines whose events were not handed over start.
    let mut rest = from;
    while let Some(line) = lines.next() {
        if s.out.len() >= HAND_OVER_AT && s.items.is_empty() && s.para.is_none() {
            hand_over(s.out);
            debug_assert!(s.out.is_empty(), "hand_over takes every event");
            rest = line.start;
        }
        let gave_up = Scanned::GaveUp {
            rest,
            at: line.start,
        };
        let l = &b[line.start..line.end];
        let (indent, bytes) = indentation(l);
        let rest = &l[bytes..];
        let kind = classify(rest);
        if kind == Kind::Blank {
            s.close_para();
            continue;
        }
        if kind == Kind::Unsupported {
            return gave_up;
        }
        // How many open items the line continues: those whose content column it reaches.
        let k = s.items.iter().take_while(|it| indent >= it.col).count();
        let base = if k == 0 { 0 } else { s.items[k - 1].col };
        let rel = indent - base;
        let at = line.start + bytes;
        if rel >= 4 {
            // Too deep for a block start: a paragraph's continuation (lazy, when it does
            // not reach the paragraph's item), or indented code.
            if s.para.is_some() {
                s.para_line(&line);
                continue;
            }
            return gave_up;
        }
        // Under a paragraph's line, a line that could be a table's delimiter row may turn
        // that line into a table's header: not handled.
        if s.para.is_some() && delimiter_like(rest) {
            return gave_up;
        }
        match kind {
            // An ordered item that does not start at 1 cannot interrupt a paragraph: where
            // the paragraph's item continues, the line is more of the paragraph.
            Kind::Marker(_, Some(n), _) if n != 1 && s.para.is_some() && k == s.items.len() => {
                s.para_line(&line);
            }
            Kind::Text => {
                if s.para.is_some() {
                    // More of the paragraph; lazily so if the line does not reach the
                    // paragraph's item.
                    s.para_line(&line);
                } else {
                    s.close_items(k, line.start);
                    s.open_para(at, &line);
                }
            }
            Kind::Marker(list, number, width) => {
                let after = &rest[width..];
                let spaces = after.iter().take_while(|&&c| c == b' ').count();
                let content = &after[spaces..];
                if spaces > 4 || !matches!(classify(content), Kind::Text) {
                    // Indented code in the item, an empty item, or a block on the marker's
                    // line (`- # heading`, `- - nested`, `- > quote`).
                    return gave_up;
                }
                s.close_para();
                // Items deeper than the line's container close; a sibling continues its
                // list if it is of the same kind.
                let sibling = s.items.len() > k && s.items[k].kind == list;
                if s.items.len() > k {
                    s.close_items(k + 1, line.start);
                    s.end_item(line.start, !sibling);
                }
                if !sibling {
                    s.out.push((Block::ListStart(number), Span::new(at, at)));
                }
                s.items.push(OpenItem {
                    col: indent + width + spaces,
                    event: s.out.len(),
                    kind: list,
                });
                // The item starts where pulldown-cmark starts it: its own indentation (in
                // columns) before the marker. With spaces that is where the enclosing item's
                // content starts; a tab makes it an earlier byte, up to the line ending before
                // (which the note parser steps over).
                let from = at.saturating_sub(rel);
                s.out.push((Block::ItemStart, Span::new(from, from)));
                let content_at = at + width + spaces;
                s.open_para(content_at, &line);
            }
            Kind::Heading(level) => {
                if k > 0 {
                    return gave_up; // a heading inside a list item
                }
                s.close_para();
                s.close_items(0, line.start);
                let span = Span::new(at, line.next);
                s.out.push((Block::HeadingStart(level), span));
                s.out.push((Block::HeadingEnd, span));
            }
            Kind::Fence(c, n) => {
                if k > 0 {
                    return gave_up; // code inside a list item
                }
                s.close_para();
                s.close_items(0, line.start);
                s.out.push((Block::Other, Span::new(at, at)));
                // The fence runs to a closing fence of the same character, at least as long,
                // indented less than four spaces, or to the end of the note.
                for l in lines.by_ref() {
                    let t = &b[l.start..l.end];
                    let (i, ib) = indentation(t);
                    let r = &t[ib..];
                    let m = r.iter().take_while(|&&x| x == c).count();
                    if i < 4 && m >= n && r[m..].iter().all(|&x| ws(x)) {
                        break;
                    }
                }
            }
            Kind::Rule(dashes) => {
                if dashes && s.para.is_some() && k == s.items.len() {
                    return gave_up; // a setext heading
                }
                if k > 0 {
                    return gave_up; // a thematic break inside a list item
                }
                s.close_para();
                s.close_items(0, line.start);
                s.out.push((Block::Other, Span::new(at, line.next)));
            }
            Kind::Comment => {
                if k > 0 {
                    return gave_up; // HTML inside a list item
                }
                s.close_para();
                s.close_items(0, line.start);
                // The block runs to the end of the line that holds `-->`.
                let mut end = line.next;
                if !has(&b[at..line.end], b"-->") {
                    end = b.len();
                    for l in lines.by_ref() {
                        if has(&b[l.start..l.end], b"-->") {
                            end = l.next;
                            break;
                        }
                    }
                }
                s.out.push((Block::Html, Span::new(at, end)));
            }
            Kind::Blank | Kind::Unsupported => unreachable!("handled above"),
        }
        // A pipe table: a header row starting a block, then a delimiter row with as many
        // cells. Its rows (to a blank line) must all start with `|`.
        if rest.first() == Some(&b'|') && s.para.as_ref().is_some_and(|p| p.start == at) {
            let Some(cells) = header_cells(rest.trim_ascii_end()) else {
                continue;
            };
            // `lines` stands after this line.
            let mut peek = lines.clone();
            let Some(delim) = peek.next() else {
                continue;
            };
            let d = &b[delim.start..delim.end];
            let (di, dib) = indentation(d);
            match delimiter_cells(d[dib..].trim_ascii_end()) {
                Some(n) if n == cells && k == 0 && di < 4 => {}
                // Not a table: a delimiter-like next line is refused when it is read (it
                // comes under a paragraph's line).
                _ => continue,
            }
            // Not a paragraph after all.
            s.para = None;
            let pi = s.out.len() - 2;
            debug_assert_eq!(s.out[pi].0, Block::ParaStart);
            s.out.truncate(pi);
            s.close_items(0, line.start);
            s.out.push((Block::Other, Span::new(at, at)));
            lines = peek;
            loop {
                let mut ahead = lines.clone();
                let Some(l) = ahead.next() else {
                    break;
                };
                let t = &b[l.start..l.end];
                if t.iter().all(|&c| ws(c)) {
                    lines = ahead;
                    break;
                }
                let (i, ib) = indentation(t);
                // An ATX heading or an HTML comment ends the table, as it ends a paragraph
                // (a summary region's end marker right after its last table row): the line
                // starts the next block.
                if i < 4 && matches!(classify(&t[ib..]), Kind::Heading(_) | Kind::Comment) {
                    break;
                }
                if t.get(ib) != Some(&b'|') || i >= 4 {
                    return gave_up;
                }
                lines = ahead;
            }
        }
    }
    s.close_para();
    s.close_items(0, b.len());
    Scanned::Done
}

struct OpenPara {
    /// Index of the `ParaStart` event, where its first content byte is, and where its last
    /// line so far ends (with the line ending).
    event: usize,
    start: usize,
    end: usize,
}

struct Scanner<'o> {
    out: &'o mut Vec<(Block, Span)>,
    items: Vec<OpenItem>,
    para: Option<OpenPara>,
}

impl Scanner<'_> {
    fn open_para(&mut self, at: usize, line: &Line) {
        self.para = Some(OpenPara {
            event: self.out.len(),
            start: at,
            end: line.next,
        });
        self.out.push((Block::ParaStart, Span::new(at, line.next)));
        self.out.push((Block::Inline, Span::new(at, line.end)));
    }

    fn para_line(&mut self, line: &Line) {
        if let Some(p) = &mut self.para {
            p.end = line.next;
        }
    }

    fn close_para(&mut self) {
        if let Some(p) = self.para.take() {
            let span = Span::new(p.start, p.end);
            self.out[p.event].1 = span;
            self.out.push((Block::ParaEnd, span));
        }
    }

    /// Closes the items from depth `k` on (and their lists), ending them at `at`.
    fn close_items(&mut self, k: usize, at: usize) {
        if self.items.len() > k {
            self.close_para();
        }
        while self.items.len() > k {
            self.end_item(at, true);
        }
    }

    /// Ends the innermost open item at `at`, and its list unless a sibling follows.
    fn end_item(&mut self, at: usize, list_too: bool) {
        let Some(it) = self.items.pop() else {
            return;
        };
        self.out[it.event].1.end = at;
        let span = Span::new(at, at);
        self.out.push((Block::ItemEnd, span));
        if list_too {
            self.out.push((Block::ListEnd, span));
        }
    }
}
