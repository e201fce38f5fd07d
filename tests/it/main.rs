//! The one integration test binary: fixtures as specifications, the comrak oracle,
//! property tests, the generated-corpus truth, and the CLI run as a user would.

mod blocks_agree;
mod browser;
mod cli;
mod conventions;
mod corpus_truth;
mod differential;
mod edit;
mod faults;
mod fixtures;
mod fuzz_regressions;
mod html;
mod interop;
mod one_day;
mod pathological;
mod pieces;
mod props;
mod support;
mod watch;
