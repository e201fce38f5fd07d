//! Micro-benchmarks (issue 7): the note parser on one generated day, and load + summarize on
//! 365 generated notes in a temporary folder. Run with `cargo bench --bench parse`; the
//! whole-process timings (hyperfine, peak RSS, 36,500 notes) are `bench/run.sh`.
//! Not run by `cargo test` (bench targets are not tested by default).

use std::hint::black_box;
use std::path::Path;

use chrono::NaiveDate;
use divan::Bencher;
use divan::counter::BytesCount;
use mdtasks::config::Settings;
use mdtasks::corpus::{Generator, Truth};
use mdtasks::load::{self, LoadOptions};
use mdtasks::parse::{self, ParseOptions};
use mdtasks::report::{self, Period};

const SEED: &str = "42";
const P_CROSS: f64 = 0.3;

fn main() {
    divan::main();
}

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid date")
}

/// The options `mdtasks summarize` loads with under the default config.
fn load_options(settings: &Settings) -> LoadOptions {
    LoadOptions {
        parse: ParseOptions {
            name_date: None,
            plan_headings: settings.plan_headings_lower(),
        },
        date_format: settings.file.notes.date_format.clone(),
        serial: false,
        exclude: settings.file.notes.exclude.clone(),
        progress: false,
        named_within: None,
        reader_threads: None,
        during_walk: None,
        pieces: Some(mdtasks::load::PIECE_BYTES),
    }
}

/// Times `parse` on one generated daily note (about 5 KB) with the options `mdtasks` uses;
/// the counter gives bytes/s.
fn bench_one_note(bencher: Bencher, parse: fn(&str, &ParseOptions) -> mdtasks::model::Note) {
    let day = Generator::new(SEED, P_CROSS).day(start());
    let settings = Settings::default();
    let opts = ParseOptions {
        name_date: Some(day.date),
        plan_headings: settings.plan_headings_lower(),
    };
    let text = day.text;
    bencher
        .counter(BytesCount::of_str(&text))
        .bench_local(|| parse(black_box(&text), black_box(&opts)));
}

/// `parse_note` on one generated daily note.
#[divan::bench]
fn parse_note(bencher: Bencher) {
    bench_one_note(bencher, parse::parse_note);
}

/// The same note with its block structure from pulldown-cmark instead of the line scanner
/// (`parse_note_reference`): what the scanner saves.
#[divan::bench]
fn parse_note_pulldown(bencher: Bencher) {
    bench_one_note(bencher, parse::parse_note_reference);
}

/// Writes `days` generated notes into `dir` and returns their ground truth.
fn write_corpus(dir: &Path, days: usize) -> Truth {
    let generator = Generator::new(SEED, P_CROSS);
    let mut truth = Truth::default();
    for date in start().iter_days().take(days) {
        let day = generator.day(date);
        truth.add(&day);
        std::fs::write(dir.join(format!("{date}.md")), &day.text).expect("write a note");
    }
    truth
}

/// Walk, read, parse (in parallel) and summarize 365 notes, warm page cache: what
/// `mdtasks summarize DIR` does before rendering.
#[divan::bench(sample_count = 30)]
fn load_summarize_365(bencher: Bencher) {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let truth = write_corpus(tmp.path(), 365);
    let settings = Settings::default();
    let opts = load_options(&settings);
    let period = Period {
        from: None,
        to: None,
    };
    let today = start() + chrono::Days::new(365);
    let run = || {
        let loaded = load::load(tmp.path(), "journal", &opts).expect("the folder loads");
        let diagnostics = loaded.diagnostics().len();
        report::summarize(&loaded.notes, &settings, &period, today, diagnostics)
    };
    // A fast wrong answer is no answer.
    assert_eq!(
        run().overview.total_minutes,
        truth.total_minutes,
        "summarize disagrees with the generator's ground truth"
    );
    bencher
        .counter(BytesCount::new(truth.bytes))
        .bench_local(|| black_box(run()));
}
