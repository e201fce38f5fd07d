//! A note's own style (line ending, BOM, bullet, indentation, done mark, final newline), for inserted text.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::model::{Marker, Note};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    Lf,
    CrLf,
    /// A lone `\r` (classic Mac OS files).
    Cr,
}

impl LineEnding {
    pub fn as_str(self) -> &'static str {
        match self {
            LineEnding::Lf => "\n",
            LineEnding::CrLf => "\r\n",
            LineEnding::Cr => "\r",
        }
    }
}

/// How a note ends its lines: all that a block appended to it, or a line inserted into it,
/// needs to fit in. Read off the text alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endings {
    /// The ending of the note's first line; `\n` when it has a single line.
    pub line_ending: LineEnding,
    /// The note starts with a UTF-8 byte-order mark. Inserted text never adds one.
    pub bom: bool,
    /// The text ends with a line ending, or is empty (nothing to glue onto). Text appended to
    /// a note without one does not end with one either, so the note keeps its habit.
    pub final_newline: bool,
}

impl Default for Endings {
    fn default() -> Self {
        Endings {
            line_ending: LineEnding::Lf,
            bom: false,
            final_newline: true,
        }
    }
}

impl Endings {
    pub fn of(text: &str) -> Endings {
        let bom = text.starts_with('\u{feff}');
        let body_start = if bom { 3 } else { 0 };
        let b = text.as_bytes();
        let line_ending = match memchr::memchr2(b'\n', b'\r', b) {
            Some(i) if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') => LineEnding::CrLf,
            // A `\r` as the very last byte may be half of a `\r\n` still to come; it is still
            // the only ending the file shows.
            Some(i) if b[i] == b'\r' => LineEnding::Cr,
            _ => LineEnding::Lf,
        };
        let final_newline = text.len() == body_start || text.ends_with(['\n', '\r']);
        Endings {
            line_ending,
            bom,
            final_newline,
        }
    }

    pub fn eol(&self) -> &'static str {
        self.line_ending.as_str()
    }
}

/// How a note writes what mdtasks may insert into it. Inserted text copies it so that the
/// note still looks like its author's, and so that an editor or sync tool that normalises
/// line endings does not rewrite the whole file on its next save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Style {
    pub endings: Endings,
    /// `-`, `*` or `+`: the bullet most list items use (`-` when there are none or on a tie).
    pub bullet: char,
    /// One level of list nesting: a tab, or the number of spaces nested items mostly use
    /// (two spaces when the note has no nested items).
    pub indent: String,
    /// `x` or `X`, whichever done checkboxes mostly use (`x` by default).
    pub done_char: char,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            endings: Endings::default(),
            bullet: '-',
            indent: "  ".into(),
            done_char: 'x',
        }
    }
}

impl Style {
    /// The style of `note`, parsed from `text`. (Its list items are read by pulldown-cmark:
    /// a region's edit, which inserts no item, needs only [`Endings`].)
    pub fn detect(text: &str, note: &Note) -> Style {
        let endings = Endings::of(text);
        let body_start = if endings.bom { 3 } else { 0 };
        let (bullet, indent) = list_style(text, body_start, &margin_headings(text, note));
        let (mut lower, mut upper) = (0usize, 0usize);
        for t in &note.tasks {
            match t.marker {
                Marker::Checkbox {
                    status_char: 'x', ..
                } => lower += 1,
                Marker::Checkbox {
                    status_char: 'X', ..
                } => upper += 1,
                _ => {}
            }
        }
        let done_char = if upper > lower { 'X' } else { 'x' };
        Style {
            endings,
            bullet,
            indent,
            done_char,
        }
    }

    pub fn eol(&self) -> &'static str {
        self.endings.eol()
    }

    /// A list item line at nesting `depth` (0 = top level), without a line ending.
    pub fn item(&self, depth: usize, text: &str) -> String {
        format!("{}{} {text}", self.indent.repeat(depth), self.bullet)
    }

    /// A checkbox task line at nesting `depth`, without a line ending.
    pub fn task(&self, depth: usize, status: char, text: &str) -> String {
        self.item(depth, &format!("[{status}] {text}"))
    }
}

/// Where the note's ATX headings at the margin start (`#` first on its line). Nothing open
/// before such a heading goes on past it: a list, a quote, a paragraph or a table ends there
/// (a heading in code or HTML is none, and the note's headings are the parser's).
fn margin_headings(text: &str, note: &Note) -> Vec<usize> {
    let b = text.as_bytes();
    note.headings
        .iter()
        .map(|h| h.span.start)
        .filter(|&at| b.get(at) == Some(&b'#') && (at == 0 || matches!(b[at - 1], b'\n' | b'\r')))
        .collect()
}

/// The most used bullet, and the indentation of items nested one level, from pulldown-cmark's
/// list items (so `*` in `**bold**` or a `-` in a table never counts). pulldown-cmark reads
/// the note a section at a time, cut at `cuts` (headings nothing open goes on past): it
/// builds a tree of the whole text it is given, which for a note of years took 6 times the
/// note's size.
fn list_style(text: &str, body_start: usize, cuts: &[usize]) -> (char, String) {
    let body_start = crate::parse::front_matter_end(text, body_start).unwrap_or(body_start);
    let b = text.as_bytes();
    let mut bullets = [0usize; 3];
    let mut tabs = 0usize;
    // Count of nested items by the number of spaces before their marker.
    let mut spaces: Vec<(usize, usize)> = Vec::new();
    let mut bounds: Vec<usize> = vec![body_start];
    bounds.extend(cuts.iter().copied().filter(|&c| c > body_start));
    bounds.push(text.len());
    for w in bounds.windows(2) {
        let (from, to) = (w[0], w[1]);
        let mut depth = 0usize;
        let section = Parser::new_ext(&text[from..to], Options::ENABLE_TABLES).into_offset_iter();
        for (event, range) in section {
            match event {
                Event::Start(Tag::List(_)) => depth += 1,
                Event::End(TagEnd::List(_)) => depth = depth.saturating_sub(1),
                Event::Start(Tag::Item) => {
                    // A nested item's range may start at the line ending before it.
                    let mut i = from + range.start;
                    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
                        i += 1;
                    }
                    match b.get(i) {
                        Some(b'-') => bullets[0] += 1,
                        Some(b'*') => bullets[1] += 1,
                        Some(b'+') => bullets[2] += 1,
                        _ => {}
                    }
                    if depth == 2 {
                        let line_start = b[..i]
                            .iter()
                            .rposition(|&c| c == b'\n' || c == b'\r')
                            .map_or(body_start, |p| (p + 1).max(body_start));
                        let prefix = &b[line_start..i];
                        if prefix.contains(&b'\t') {
                            tabs += 1;
                        } else if !prefix.is_empty() && prefix.iter().all(|&c| c == b' ') {
                            match spaces.iter_mut().find(|(n, _)| *n == prefix.len()) {
                                Some((_, c)) => *c += 1,
                                None => spaces.push((prefix.len(), 1)),
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let bullet = if bullets[1] > bullets[0] && bullets[1] >= bullets[2] {
        '*'
    } else if bullets[2] > bullets[0] && bullets[2] > bullets[1] {
        '+'
    } else {
        '-'
    };
    let space_votes: usize = spaces.iter().map(|(_, c)| c).sum();
    let indent = if tabs > 0 && tabs >= space_votes {
        "\t".to_string()
    } else {
        // Most common width; on a tie the narrower one.
        let best = spaces
            .iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .map_or(2, |&(n, _)| n);
        " ".repeat(best)
    };
    (bullet, indent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{ParseOptions, parse_note};

    fn detect(t: &str) -> Style {
        Style::detect(t, &parse_note(t, &ParseOptions::with_defaults()))
    }

    /// Reading the note a section at a time finds the style reading it whole finds: on
    /// every fixture, and on notes with headings where no section may start (in code, in
    /// HTML, in a list item, in a quote, indented) between lists of every style.
    #[test]
    fn sections_find_what_the_whole_note_finds() {
        let mut texts: Vec<String> = vec![
            "- a\n  - b\n# H\n* c\n    * d\n    * e\n".into(),
            "```\n# not a heading\n```\n* a\n\t* b\n# H\n- c\n  - d\n".into(),
            "<div>\n# in html\n* x\n</div>\n\n+ a\n   + b\n".into(),
            "- a\n  # in the item\n  - b\n- c\n    - d\n".into(),
            "> - a\n# H\n>   - b\n* c\n  * d\n".into(),
            "\u{feff}---\ndate: 2026-01-01\n---\n# H\n- a\n\t- b\n# I\n- c\n  - d\n".into(),
            "| a |\n| - |\n# H\n1. a\n   * b\n".into(),
        ];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        for e in walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
        {
            if e.path().extension().is_some_and(|x| x == "md")
                && let Ok(t) = std::fs::read_to_string(e.path())
            {
                texts.push(t);
            }
        }
        let mut cut = 0;
        for t in &texts {
            let note = parse_note(t, &ParseOptions::with_defaults());
            let start = if t.starts_with('\u{feff}') { 3 } else { 0 };
            let cuts = margin_headings(t, &note);
            cut += usize::from(!cuts.is_empty());
            assert_eq!(
                list_style(t, start, &cuts),
                list_style(t, start, &[]),
                "{t}"
            );
        }
        assert!(cut > 20, "only {cut} notes had a place to cut");
    }

    #[test]
    fn lf_note() {
        let s = detect("# A\n- [ ] one\n  - [x] two\n");
        assert_eq!(s, Style::default());
    }

    #[test]
    fn crlf_note() {
        let s = detect("# A\r\n- [X] one\r\n- [X] two\r\n- [x] three");
        assert_eq!(s.endings.line_ending, LineEnding::CrLf);
        assert_eq!(s.eol(), "\r\n");
        assert_eq!(s.done_char, 'X');
        assert!(!s.endings.final_newline);
    }

    #[test]
    fn first_line_ending_decides() {
        assert_eq!(detect("a\nb\r\nc\r\n").endings.line_ending, LineEnding::Lf);
        assert_eq!(detect("a\r\nb\nc\n").endings.line_ending, LineEnding::CrLf);
        assert_eq!(detect("single line").endings.line_ending, LineEnding::Lf);
    }

    #[test]
    fn lone_cr_note() {
        let s = detect("# A\r- [ ] one\r");
        assert_eq!(s.endings.line_ending, LineEnding::Cr);
        assert!(s.endings.final_newline);
    }

    #[test]
    fn bom_note() {
        let s = detect("\u{feff}# A\n- x\n");
        assert!(s.endings.bom);
        assert!(
            detect("\u{feff}").endings.final_newline,
            "nothing to glue onto"
        );
        assert!(!detect("# A\n").endings.bom);
    }

    #[test]
    fn tab_indentation() {
        let s = detect("- [ ] a\n\t- [ ] b\n\t\t- [ ] c\n- d\n\t- e\n");
        assert_eq!(s.indent, "\t");
        assert_eq!(s.task(2, ' ', "x"), "\t\t- [ ] x");
    }

    #[test]
    fn space_indentation() {
        let s = detect("- a\n    - b\n    - c\n- d\n  - e\n");
        assert_eq!(s.indent, "    ");
    }

    #[test]
    fn star_bullets() {
        let s = detect("* [ ] a\n* [ ] b\n- c\n\n**bold** and *it*\n");
        assert_eq!(s.bullet, '*');
        assert_eq!(s.item(0, "t"), "* t");
        assert_eq!(detect("+ a\n+ b\n* c\n").bullet, '+');
        assert_eq!(detect("* a\n- b\n").bullet, '-', "a tie keeps the default");
    }

    #[test]
    fn front_matter_lists_do_not_count() {
        let s = detect("---\ntags:\n  * a\n  * b\n---\n- x\n");
        assert_eq!(s.bullet, '-');
    }
}
