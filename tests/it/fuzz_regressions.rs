//! Inputs the fuzzers found bugs with (`fixtures/fuzz/<target>/`), and the fuzz seeds, replayed
//! through the fuzz targets' own invariant checks, so CI (no cargo-fuzz, no nightly) keeps
//! them fixed. How to run the fuzzers themselves: docs/fuzzing.md.

// The checks live in the fuzz crate and are included here as a module: one copy of the
// invariants for both (see the module's own documentation for why it is a file).
#[path = "../../fuzz/src/lib.rs"]
mod check;

use std::path::PathBuf;

/// Every file in `fixtures/fuzz/<target>/` and `fuzz/seeds/<target>/`, through `check`; all
/// failures are reported together, by file name.
fn replay(target: &str, check: fn(&[u8])) {
    let root = crate::support::root();
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in [
        root.join("fixtures/fuzz").join(target),
        root.join("fuzz/seeds").join(target),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        files.extend(entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()));
    }
    files.sort();
    assert!(!files.is_empty(), "no inputs for {target}");
    let failed: Vec<String> = files
        .iter()
        .filter(|p| {
            let data = std::fs::read(p).unwrap();
            std::panic::catch_unwind(|| check(&data)).is_err()
        })
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        failed.is_empty(),
        "{target}: invariants broken by {failed:#?}"
    );
}

#[test]
fn parse_note_inputs_keep_the_parser_invariants() {
    replay("parse_note", check::parse_note_target);
}

#[test]
fn time_entry_inputs_keep_the_time_grammar_invariants() {
    replay("time_entry", check::time_entry);
}

#[test]
fn edit_inputs_keep_the_edit_invariants() {
    replay("edit", check::edit);
}

#[test]
fn config_inputs_keep_the_config_invariants() {
    replay("config", check::config);
}
