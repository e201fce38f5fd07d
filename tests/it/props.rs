//! Property tests for the parser's promises: no panic on any input, loading serially and in
//! parallel gives the same model.

use mdtasks::parse::{ParseOptions, parse_note};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_arbitrary_text(s in "\\PC{0,400}") {
        let _ = parse_note(&s, &ParseOptions::with_defaults());
    }

    #[test]
    fn never_panics_on_log_like_text(lines in prop::collection::vec(
        "[-*> \t]{0,3}(\\[.\\] )?[0-9]{1,2}[:.]?[0-9]{0,2} ?(am|pm|AM)? ?(-|–|to|--)? ?[0-9]{0,2}:?[0-9]{0,2} [a-z#()0-9hm:\\[\\] ]{0,20}",
        0..30,
    )) {
        let text = lines.join("\n");
        let note = parse_note(&text, &ParseOptions::with_defaults());
        for e in &note.entries {
            prop_assert!(e.end.is_none_or(|end| end >= e.start));
            prop_assert!(e.span.end <= text.len());
        }
        for d in &note.diagnostics {
            let l = d.location.as_ref().unwrap();
            prop_assert!(l.span.end <= text.len());
        }
    }

    #[test]
    fn never_panics_on_arbitrary_bytes(b in prop::collection::vec(any::<u8>(), 0..300)) {
        // Whatever the bytes, decoding either succeeds or names the problem.
        match mdtasks::load::decode(b) {
            Ok(s) => { let _ = parse_note(&s, &ParseOptions::with_defaults()); }
            Err(d) => prop_assert!(!d.message.is_empty()),
        }
    }
}

#[test]
fn serial_and_parallel_loading_agree() {
    use mdtasks::load::{LoadOptions, load};
    let dir = crate::support::root().join("fixtures");
    let mut opts = LoadOptions {
        parse: ParseOptions::with_defaults(),
        ..Default::default()
    };
    let par = load(&dir, "fixtures", &opts).unwrap();
    opts.serial = true;
    let ser = load(&dir, "fixtures", &opts).unwrap();
    let show = |l: &mdtasks::load::Loaded| {
        l.notes
            .iter()
            .map(|n| format!("{}\n{}", n.path, crate::support::dump(&n.note)))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(show(&par), show(&ser));
    assert_eq!(par.diagnostics().len(), ser.diagnostics().len());
}

/// Deeply nested lists and quotes must not overflow the stack.
#[test]
fn deep_nesting_does_not_overflow() {
    let mut s = String::new();
    for i in 0..2000 {
        s.push_str(&"  ".repeat(i));
        s.push_str("- [ ] t\n");
    }
    s.push_str(&">".repeat(5000));
    s.push_str(" - [ ] quoted\n");
    let n = parse_note(&s, &ParseOptions::with_defaults());
    assert!(n.tasks.len() >= 2);
}

/// More notes than one chunk of parallel reading (so read buffers are handed back and taken
/// again, by notes shorter and longer than the ones before), of sizes from a line to a few
/// hundred: every note's model equals the one from reading it alone.
#[test]
fn many_notes_of_many_sizes_load_as_read_alone() {
    use mdtasks::load::{LoadOptions, load};
    let tmp = tempfile::tempdir().unwrap();
    let opts = LoadOptions {
        parse: ParseOptions::with_defaults(),
        ..Default::default()
    };
    for i in 0..700usize {
        // Sizes rise and fall, so a kept buffer meets files both larger and smaller.
        let lines = (i * 37) % 211 + 1;
        let mut text = format!("# Note {i}\n");
        for l in 0..lines {
            text.push_str(&format!(
                "- [ ] task {i}.{l} #t{}\n- 09:{:02} entry {i}.{l}\n",
                l % 7,
                l % 60
            ));
        }
        let name = format!("2000-{:02}-{:02}-{i}.md", i % 12 + 1, i % 28 + 1);
        std::fs::write(tmp.path().join(name), text).unwrap();
    }
    let loaded = load(tmp.path(), "notes", &opts).unwrap();
    assert_eq!(loaded.notes.len(), 700);
    assert!(loaded.problems.is_empty());
    for n in &loaded.notes {
        let text = std::fs::read_to_string(tmp.path().join(&n.rel)).unwrap();
        let alone = load(&tmp.path().join(&n.rel), &n.rel, &opts).unwrap();
        assert_eq!(alone.notes.len(), 1);
        assert_eq!(
            crate::support::dump(&n.note),
            crate::support::dump(&alone.notes[0].note),
            "{}",
            n.rel
        );
        assert_eq!(n.note.len, text.len(), "{}", n.rel);
    }
}
