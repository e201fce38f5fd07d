//! Every fixture is a specification: its model (and diagnostics) is snapshotted and reviewed.

use crate::support::*;
use mdtasks::diagnostic::Code;

#[test]
fn parse_fixtures() {
    let files = fixture_files("parse");
    assert!(files.len() >= 30, "parse fixtures went missing");
    for p in files {
        let (_, note) = parse_file(&p);
        let name = p.file_stem().unwrap().to_str().unwrap().to_string();
        insta::assert_snapshot!(format!("parse__{name}"), dump(&note));
    }
}

#[test]
fn sample_journal_model() {
    for p in fixture_files("journal") {
        let (_, note) = parse_file(&p);
        let name = p.file_stem().unwrap().to_str().unwrap().replace(' ', "_");
        assert!(
            note.diagnostics.is_empty(),
            "the sample journal must be clean: {name}: {:?}",
            note.diagnostics
        );
        insta::assert_snapshot!(format!("journal__{name}"), dump(&note));
    }
}

/// One fixture per diagnostic code, rendered exactly as a user sees it. (`read-error`,
/// `symlink-outside-root`, `filesystem-loop` and `bad-config` need permissions, symlinks or a
/// config file: tests/it/cli.rs makes them.)
#[test]
fn error_fixtures_render() {
    let dir = root().join("fixtures/errors");
    let loaded = mdtasks::load::load(&dir, "errors", &Default::default()).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for d in loaded.diagnostics() {
        seen.insert(d.diagnostic.code);
        let file = d
            .path
            .trim_start_matches("errors/")
            .trim_end_matches(".md")
            .to_string();
        let code = d.diagnostic.code.as_str();
        insta::assert_snapshot!(
            format!(
                "error__{file}__{code}__{}",
                d.diagnostic.location.as_ref().map_or(0, |l| l.line)
            ),
            d.diagnostic.render(&d.path)
        );
    }
    for code in [
        Code::InvalidTime,
        Code::MalformedTime,
        Code::EndBeforeStart,
        Code::OverlappingEntries,
        Code::EntriesOutOfOrder,
        Code::BadDateHeading,
        Code::UnbalancedMarker,
        Code::DuplicateMarker,
        Code::NotUtf8,
        Code::BinaryFile,
        Code::BadFrontMatterDate,
        Code::UnclosedClock,
        Code::SyncConflict,
        Code::MergeConflict,
    ] {
        assert!(
            seen.contains(&code),
            "no fixture produces {}",
            code.as_str()
        );
    }
}

#[test]
fn note_names_carry_dates() {
    let dir = root().join("fixtures/names");
    let loaded = mdtasks::load::load(&dir, "names", &Default::default()).unwrap();
    let got: Vec<String> = loaded
        .notes
        .iter()
        .map(|n| format!("{} -> {:?}", n.rel, n.note.date))
        .collect();
    insta::assert_snapshot!("names", got.join("\n"));
}

/// CRLF, a BOM and a missing final newline change no task and no entry.
#[test]
fn line_ending_variants_agree() {
    use mdtasks::parse::{ParseOptions, parse_note};
    for p in fixture_files("parse")
        .into_iter()
        .chain(fixture_files("journal"))
    {
        let text = std::fs::read_to_string(&p).unwrap();
        let lf = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
        let opts = ParseOptions::with_defaults();
        let base = summary(&lf, &parse_note(&lf, &opts));
        let crlf = lf.replace('\n', "\r\n");
        let bom = format!("\u{feff}{lf}");
        let no_nl = lf.trim_end_matches('\n').to_string();
        for (kind, v) in [("crlf", crlf), ("bom", bom), ("no final newline", no_nl)] {
            let got = summary(&v, &parse_note(&v, &opts));
            assert_eq!(base, got, "{kind} version of {} differs", p.display());
        }
    }
}

fn summary(text: &str, n: &mdtasks::model::Note) -> Vec<String> {
    let mut v: Vec<String> = n
        .tasks
        .iter()
        .map(|t| format!("task {} {:?} {} {:?}", t.line, t.status, t.text, t.parent))
        .collect();
    v.extend(n.entries.iter().map(|e| {
        format!(
            "entry {} {:?} {} {:?} {} {:?}",
            e.line, e.date, e.start, e.end, e.text, e.tags
        )
    }));
    v.extend(n.diagnostics.iter().map(|d| {
        format!(
            "diag {:?} {:?}",
            d.code,
            d.location.as_ref().map(|l| (l.line, l.column))
        )
    }));
    // Spans must point at the same text whatever the line endings.
    v.extend(
        n.tasks
            .iter()
            .map(|t| text[t.text_span.range()].to_string()),
    );
    v
}
