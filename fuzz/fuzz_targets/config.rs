//! Fuzz target `config`: the invariants are in `mdtasks_fuzz::config` (fuzz/src/lib.rs), shared with
//! the regression test that replays fixtures/fuzz/config/ under `cargo test`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mdtasks_fuzz::config(data));
