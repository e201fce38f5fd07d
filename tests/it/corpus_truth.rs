//! The generated corpus knows its true totals; the parser must find them to the minute.

use chrono::NaiveDate;
use mdtasks::corpus::{Generator, Truth};
use mdtasks::parse::{ParseOptions, parse_note};

#[test]
fn entries_equal_generator_truth() {
    let generator = Generator::new("mdtasks-test", 0.3);
    let start = NaiveDate::from_ymd_opt(2024, 2, 20).unwrap();
    let mut truth = Truth::default();
    let mut per_day = std::collections::BTreeMap::new();
    let (mut open, mut done, mut entries) = (0u64, 0u64, 0u64);
    for i in 0..200 {
        let date = start + chrono::Duration::days(i);
        let day = generator.day(date);
        truth.add(&day);
        let opts = ParseOptions {
            name_date: Some(date),
            ..ParseOptions::with_defaults()
        };
        let note = parse_note(&day.text, &opts);
        assert!(
            note.diagnostics.is_empty(),
            "{date}: {:?}\n{}",
            note.diagnostics,
            day.text
        );
        for e in &note.entries {
            let m = e
                .minutes()
                .unwrap_or_else(|| panic!("{date}: open entry line {}", e.line));
            *per_day.entry(date.to_string()).or_insert(0u64) += m as u64;
            entries += 1;
        }
        open += note.tasks.iter().filter(|t| t.status.is_open()).count() as u64;
        done += note.tasks.iter().filter(|t| t.status.is_done()).count() as u64;
    }
    assert_eq!(entries, truth.time_entries);
    assert_eq!(per_day, truth.minutes_per_day);
    assert_eq!(open, truth.tasks_open);
    assert_eq!(done, truth.tasks_done);
}
