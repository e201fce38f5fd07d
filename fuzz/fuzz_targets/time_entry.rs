//! Fuzz target `time_entry`: the invariants are in `mdtasks_fuzz::time_entry` (fuzz/src/lib.rs), shared with
//! the regression test that replays fixtures/fuzz/time_entry/ under `cargo test`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mdtasks_fuzz::time_entry(data));
