//! Writes a generated journal (N daily notes with known true totals) for benchmarks and
//! manual testing: `cargo run --release --example gen_corpus -- DIR [--days N]
//! [--start YYYY-MM-DD] [--seed S] [--nested] [--truth FILE]`.

use std::path::PathBuf;

use chrono::NaiveDate;
use mdtasks::corpus::{Generator, Truth};

fn main() {
    let mut args = std::env::args().skip(1);
    let mut dir: Option<PathBuf> = None;
    let (mut days, mut seed, mut nested, mut truth_path) = (365u32, "42".to_string(), false, None);
    let mut start = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--days" => days = args.next().and_then(|v| v.parse().ok()).expect("--days N"),
            "--seed" => seed = args.next().expect("--seed S"),
            "--start" => {
                start = args
                    .next()
                    .and_then(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok())
                    .expect("--start YYYY-MM-DD")
            }
            "--nested" => nested = true,
            "--truth" => truth_path = Some(PathBuf::from(args.next().expect("--truth FILE"))),
            _ => dir = Some(PathBuf::from(a)),
        }
    }
    let dir = dir.expect(
        "usage: gen_corpus DIR [--days N] [--start DATE] [--seed S] [--nested] [--truth FILE]",
    );
    let generator = Generator::new(&seed, 0.3);
    let mut truth = Truth::default();
    for date in start.iter_days().take(days as usize) {
        let day = generator.day(date);
        truth.add(&day);
        let folder = if nested {
            dir.join(date.format("%Y/%m").to_string())
        } else {
            dir.clone()
        };
        std::fs::create_dir_all(&folder).expect("create the folder");
        std::fs::write(folder.join(format!("{date}.md")), &day.text).expect("write a note");
    }
    let json = serde_json::to_string_pretty(&truth).expect("truth is serialisable");
    match truth_path {
        Some(p) => std::fs::write(p, json).expect("write the truth"),
        None => println!("{json}"),
    }
}
