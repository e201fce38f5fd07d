//! Fuzz target `parse_note`: the invariants are in `mdtasks_fuzz::parse_note_target` (fuzz/src/lib.rs), shared with
//! the regression test that replays fixtures/fuzz/parse_note/ under `cargo test`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mdtasks_fuzz::parse_note_target(data));
