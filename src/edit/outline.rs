//! What planning a region's edit needs of a note, and nothing else: its date, regions,
//! diagnostics, where its headings start and how its done tasks are checked. A long note's
//! outline is gathered piece by piece, so that writing a summary into years of a time log
//! never holds the note's whole model (5-6 times the note's size).

use chrono::NaiveDate;

use crate::diagnostic::Diagnostic;
use crate::model::{Marker, Note, Region};
use crate::parse::{ParseOptions, fold_pieces};

#[derive(Debug, Clone, Default)]
pub struct Outline {
    /// The note's own date, from its file name or front matter.
    pub date: Option<NaiveDate>,
    pub regions: Vec<Region>,
    pub diagnostics: Vec<Diagnostic>,
    /// Where the note's ATX headings at the margin start (`#` first on its line), in order.
    pub margin_headings: Vec<usize>,
    /// Checkbox tasks checked with a lower-case `x`.
    pub done_lower: usize,
    /// Checkbox tasks checked with an upper-case `X`.
    pub done_upper: usize,
    /// What `fingerprint` (if asked for) made of each piece the note was read in, or of the
    /// whole note.
    pub fingerprints: Vec<u64>,
}

impl Outline {
    /// The outline of `note`, parsed from `text`.
    pub fn of(text: &str, note: &Note) -> Outline {
        let mut o = Outline {
            regions: note.regions.clone(),
            diagnostics: note.diagnostics.clone(),
            ..Outline::default()
        };
        o.add(text, note);
        o
    }

    /// The outline of `text`, read in pieces of `piece_bytes` when it is longer (see
    /// [`fold_pieces`]). `fingerprint`, if given, is applied to each piece's model (or the
    /// whole note's) in turn.
    pub fn read(
        text: &str,
        opts: &ParseOptions,
        piece_bytes: usize,
        fingerprint: Option<&dyn Fn(&Note) -> u64>,
    ) -> Outline {
        fold_pieces(text, opts, piece_bytes, Outline::default, |o, mut n| {
            o.fingerprints.extend(fingerprint.map(|f| f(&n)));
            o.add(text, &n);
            o.regions.append(&mut n.regions);
            o.diagnostics.append(&mut n.diagnostics);
        })
    }

    /// Adds what `note` (the note or a piece of it) holds but its regions and diagnostics.
    fn add(&mut self, text: &str, note: &Note) {
        self.date = note.date;
        let b = text.as_bytes();
        self.margin_headings
            .extend(note.headings.iter().map(|h| h.span.start).filter(|&at| {
                b.get(at) == Some(&b'#') && (at == 0 || matches!(b[at - 1], b'\n' | b'\r'))
            }));
        for t in &note.tasks {
            match t.marker {
                Marker::Checkbox {
                    status_char: 'x', ..
                } => self.done_lower += 1,
                Marker::Checkbox {
                    status_char: 'X', ..
                } => self.done_upper += 1,
                _ => {}
            }
        }
    }
}
