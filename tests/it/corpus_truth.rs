//! The generated corpus knows its true totals; the parser must find them to the minute.

use std::path::PathBuf;

use chrono::NaiveDate;
use mdtasks::corpus::{GeneratedDay, Generator, Truth};
use mdtasks::parse::{ParseOptions, parse_note};

/// Writes `days` generated daily notes from `start` (each in the folder `folder` picks for
/// its index and date), handing each day to `seen`; the generator's truth for them all.
fn write_journal(
    seed: &str,
    start: NaiveDate,
    days: i64,
    folder: impl Fn(i64, NaiveDate) -> PathBuf,
    mut seen: impl FnMut(&GeneratedDay),
) -> Truth {
    let generator = Generator::new(seed, 0.3);
    let mut truth = Truth::default();
    for i in 0..days {
        let date = start + chrono::Duration::days(i);
        let day = generator.day(date);
        truth.add(&day);
        seen(&day);
        let folder = folder(i, date);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join(format!("{date}.md")), &day.text).unwrap();
    }
    truth
}

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

/// The whole path a user takes: notes on disk (flat and in YYYY/MM folders), the real binary,
/// the JSON report. Every total must equal the generator's truth to the minute.
#[test]
fn summarize_equals_generator_truth_end_to_end() {
    use std::collections::BTreeMap;
    let dir = tempfile::tempdir().unwrap();
    let mut per_category: BTreeMap<String, u64> = BTreeMap::new();
    // Every other note in a YYYY/MM folder.
    let folder = |i: i64, date: NaiveDate| {
        if i % 2 == 0 {
            dir.path().join(date.format("%Y/%m").to_string())
        } else {
            dir.path().to_path_buf()
        }
    };
    let start = NaiveDate::from_ymd_opt(2025, 12, 1).unwrap();
    let truth = write_journal("end-to-end", start, 120, folder, |day| {
        for e in &day.entries {
            // The default categories: money first, then waste, else uncategorised.
            let cat = if e.tags.iter().any(|t| t == "money") {
                "money"
            } else if e.tags.iter().any(|t| t == "waste") {
                "waste"
            } else {
                "uncategorised"
            };
            *per_category.entry(cat.into()).or_default() += u64::from(e.minutes);
        }
    });
    let o = crate::cli::mdtasks(dir.path())
        .args(["summarize", ".", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["overview"]["total_minutes"], truth.total_minutes);
    assert_eq!(v["overview"]["entries"], truth.time_entries);
    let days: BTreeMap<String, u64> = v["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["date"].as_str().unwrap().to_string(),
                d["logged_minutes"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(days, truth.minutes_per_day);
    let tags: BTreeMap<String, u64> = v["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let name = t["tag"].as_str().unwrap();
            let name = if name == "(untagged)" {
                "untagged"
            } else {
                name
            };
            (name.to_string(), t["minutes"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(tags, truth.minutes_per_tag);
    let cats: BTreeMap<String, u64> = v["category_totals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["minutes"].as_u64().unwrap() > 0)
        .map(|c| {
            (
                c["category"].as_str().unwrap().to_string(),
                c["minutes"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(cats, per_category);
    let hours: Vec<u64> = v["hours"]["per_hour"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["minutes"].as_u64().unwrap())
        .collect();
    assert_eq!(hours, truth.hour_of_day_minutes.to_vec());
}

/// Every entry's row of a journal with more entries than are sorted in memory at a time
/// (16,384): the rows come back through the temp file, each once, in order, with the
/// generator's minutes, the same in the CSV and the JSON.
#[test]
fn entry_rows_through_the_temp_file_equal_generator_truth() {
    use std::collections::BTreeMap;
    let dir = tempfile::tempdir().unwrap();
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let truth = write_journal("spilled-rows", start, 700, |_, _| dir.path().into(), |_| {});
    assert!(
        truth.time_entries > 16_384,
        "{} entries",
        truth.time_entries
    );
    // `summarize .` with `args`, with the temp folder at `tmp` if given; its stdout.
    let run_with = |tmp: Option<PathBuf>, args: &[&str]| {
        let mut c = crate::cli::mdtasks(dir.path());
        if let Some(tmp) = tmp {
            c.env("TMPDIR", tmp);
        }
        let o = c.args(["summarize", "."]).args(args).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(0), "{err}");
        String::from_utf8(o.stdout).unwrap()
    };
    let run = |args: &[&str]| run_with(None, args);
    let csv = run(&["--format", "csv", "--csv", "entries"]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("date,start,end,minutes,category,tags,text,path,line")
    );
    // (date, start, path, line, minutes): no field before the text holds a comma.
    let rows: Vec<(String, String, String, u64, u64)> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let n = f.len();
            (
                f[0].to_string(),
                f[1].to_string(),
                f[n - 2].to_string(),
                f[n - 1].parse().unwrap(),
                f[3].parse().unwrap(),
            )
        })
        .collect();
    assert_eq!(rows.len() as u64, truth.time_entries);
    assert!(
        rows.windows(2)
            .all(|w| (&w[0].0, &w[0].1) <= (&w[1].0, &w[1].1))
    );
    let mut per_day: BTreeMap<String, u64> = BTreeMap::new();
    for r in &rows {
        *per_day.entry(r.0.clone()).or_default() += r.4;
    }
    assert_eq!(per_day, truth.minutes_per_day);
    let v: serde_json::Value =
        serde_json::from_str(&run(&["--format", "json", "--entries"])).unwrap();
    let json: Vec<(String, String, String, u64, u64)> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["date"].as_str().unwrap().to_string(),
                e["start"].as_str().unwrap().to_string(),
                e["path"].as_str().unwrap().to_string(),
                e["line"].as_u64().unwrap(),
                e["minutes"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(json, rows);
    // Without a temp folder the rows are sorted in memory: the same report.
    let in_memory = run_with(
        Some(dir.path().join("no such folder")),
        &["--format", "csv", "--csv", "entries"],
    );
    assert!(in_memory == csv, "the same CSV in memory");
}
