//! What planning a region's edit needs of a note, and nothing else: its date, regions and
//! diagnostics (the region's lines take the note's [`super::Endings`], read off its text). A long note's
//! outline is gathered piece by piece, so that writing a summary into years of a time log
//! never holds the note's whole model (5-6 times the note's size).

use chrono::NaiveDate;

use crate::diagnostic::Diagnostic;
use crate::model::{Note, Region};
use crate::parse::{ParseOptions, Text, fold_text};

#[derive(Debug, Clone, Default)]
pub struct Outline {
    /// The note's own date, from its file name or front matter.
    pub date: Option<NaiveDate>,
    pub regions: Vec<Region>,
    pub diagnostics: Vec<Diagnostic>,
    /// What `fingerprint` (if asked for) made of each piece the note was read in, or of the
    /// whole note.
    pub fingerprints: Vec<u64>,
}

impl Outline {
    /// The outline of `note`.
    pub fn of(note: &Note) -> Outline {
        Outline {
            date: note.date,
            regions: note.regions.clone(),
            diagnostics: note.diagnostics.clone(),
            fingerprints: Vec::new(),
        }
    }

    /// The outline of `text`, read in pieces of `piece_bytes` when it is longer (see
    /// [`fold_text`]; a text lent is given back as it was). `fingerprint`, if given, is
    /// applied to each piece's model (or the whole note's) in turn.
    pub fn read(
        text: Text<'_>,
        opts: &ParseOptions,
        piece_bytes: usize,
        fingerprint: Option<&dyn Fn(&Note) -> u64>,
    ) -> Outline {
        fold_text(text, opts, piece_bytes, Outline::default, |o, mut n| {
            o.fingerprints.extend(fingerprint.map(|f| f(&n)));
            o.date = n.date;
            o.regions.append(&mut n.regions);
            o.diagnostics.append(&mut n.diagnostics);
        })
    }
}
