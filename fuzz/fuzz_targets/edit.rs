//! Fuzz target `edit`: the invariants are in `mdtasks_fuzz::edit` (fuzz/src/lib.rs), shared with
//! the regression test that replays fixtures/fuzz/edit/ under `cargo test`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mdtasks_fuzz::edit(data));
