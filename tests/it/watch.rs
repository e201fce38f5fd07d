//! `mdtasks watch`: one pass with `--once` (and `--dry-run`), and the real watcher as a child
//! process that follows a change, does not loop on its own writes, and stops cleanly.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::cli::run;

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

const WEEK_NOTE: &str = "# Week\n\nSome words of my own.\n\n<!-- mdtasks:summary:start week=this -->\nold\n<!-- mdtasks:summary:end -->\n\n## Tasks\n- [ ] stays where it is\n";

/// Two daily notes with a log, one of them with a region of its own day; a weekly note; a
/// note with a region that is not a summary; a hidden folder and a template that hold
/// regions too and must not be touched.
fn notes() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let n = t.path().join("notes");
    std::fs::create_dir_all(n.join(".obsidian")).unwrap();
    std::fs::create_dir_all(n.join("templates")).unwrap();
    std::fs::write(
        n.join("2026-11-23.md"),
        "## Log\n- 09:00-10:00 write #money\n- 10:00-10:30 news #waste\n",
    )
    .unwrap();
    std::fs::write(
        n.join("2026-11-24.md"),
        "## Log\n- 09:00-11:00 client call #money\n\n<!-- mdtasks:summary:start -->\n<!-- mdtasks:summary:end -->\n",
    )
    .unwrap();
    std::fs::write(n.join("Week.md"), WEEK_NOTE).unwrap();
    std::fs::write(
        n.join("Mine.md"),
        "<!-- mdtasks:other:start -->\nkeep me\n<!-- mdtasks:other:end -->\n",
    )
    .unwrap();
    let region = "<!-- mdtasks:summary:start -->\nuntouched\n<!-- mdtasks:summary:end -->\n";
    std::fs::write(n.join(".obsidian/Hidden.md"), region).unwrap();
    std::fs::write(n.join("templates/Template.md"), region).unwrap();
    t
}

#[test]
fn once_dry_run_then_once_then_nothing_to_do() {
    let t = notes();
    let p = t.path();
    let before = snapshot(p);

    let (diff, err, code) = run(p, &["watch", "notes", "--once", "--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(snapshot(p), before, "a dry run writes nothing");
    assert!(diff.contains("--- a/notes/Week.md"), "{diff}");
    assert!(diff.contains("--- a/notes/2026-11-24.md"), "{diff}");
    assert!(!diff.contains("Mine.md") && !diff.contains("Hidden") && !diff.contains("Template"));
    assert!(
        diff.contains("+# Time log: 2026-11-23 to 2026-11-29"),
        "{diff}"
    );
    assert!(diff.contains("+# Time log: 2026-11-24\n"), "{diff}");

    let (out, err, code) = run(p, &["watch", "notes", "--once"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "notes/2026-11-24.md: summary updated\nnotes/Week.md: summary updated\n"
    );
    let week = read(&p.join("notes/Week.md"));
    // The marker and its settings, and every byte outside the region, are as they were.
    assert!(
        week.starts_with(
            "# Week\n\nSome words of my own.\n\n<!-- mdtasks:summary:start week=this -->\n# Time log: 2026-11-23 to 2026-11-29\n"
        ),
        "{week}"
    );
    assert!(
        week.ends_with("<!-- mdtasks:summary:end -->\n\n## Tasks\n- [ ] stays where it is\n"),
        "{week}"
    );
    assert!(week.contains("| Logged | 3h 30m |"), "{week}");
    let day = read(&p.join("notes/2026-11-24.md"));
    assert!(day.contains("| Logged | 2h 00m |"), "{day}");
    // What the dry run showed is what was written.
    for line in diff
        .lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
    {
        assert!(
            week.contains(&line[1..]) || day.contains(&line[1..]),
            "{line}"
        );
    }
    for untouched in [".obsidian/Hidden.md", "templates/Template.md"] {
        assert!(read(&p.join("notes").join(untouched)).contains("untouched"));
    }
    assert_eq!(
        read(&p.join("notes/Mine.md")),
        "<!-- mdtasks:other:start -->\nkeep me\n<!-- mdtasks:other:end -->\n"
    );

    // Idempotent: a second pass changes nothing, and says so.
    let after = snapshot(p);
    let (out, err, code) = run(p, &["watch", "notes", "--once"]);
    assert_eq!((out.as_str(), code), ("", 0), "{err}");
    assert_eq!(err, "every summary region is up to date\n");
    assert_eq!(snapshot(p), after);
    let (diff, _, code) = run(p, &["watch", "notes", "--once", "--dry-run"]);
    assert_eq!((diff.as_str(), code), ("", 0));
}

#[test]
fn once_reports_bad_regions_and_broken_notes_and_goes_on() {
    let t = notes();
    let p = t.path();
    std::fs::write(
        p.join("notes/Bad.md"),
        "<!-- mdtasks:summary:start week=soon -->\n<!-- mdtasks:summary:end -->\n\n<!-- mdtasks:summary-month:start month=2026-11 -->\n<!-- mdtasks:summary-month:end -->\n",
    )
    .unwrap();
    std::fs::write(
        p.join("notes/2026-11-22.md"),
        "## Log\n- 25:00 impossible\n",
    )
    .unwrap();
    let (out, err, code) = run(p, &["watch", "notes", "--once"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains(
            "error: notes/Bad.md:1: region `summary` not updated: `week=soon` is not an ISO week"
        ),
        "{err}"
    );
    assert!(err.contains("error[invalid-time]"), "{err}");
    assert!(err.contains("notes/2026-11-22.md:2:3"), "{err}");
    // Everything else is still brought up to date, the good region of Bad.md too.
    assert!(out.contains("notes/Week.md: summary updated"), "{out}");
    assert!(out.contains("notes/Bad.md: summary updated"), "{out}");
    let bad = read(&p.join("notes/Bad.md"));
    assert!(
        bad.starts_with("<!-- mdtasks:summary:start week=soon -->\n<!-- mdtasks:summary:end -->\n"),
        "{bad}"
    );
    assert!(
        bad.contains("# Time log: 2026-11-01 to 2026-11-30"),
        "{bad}"
    );
}

#[test]
fn once_without_regions_says_how_to_ask_for_one() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("2026-11-24.md"), "- 09:00-10:00 a\n").unwrap();
    let (out, err, code) = run(t.path(), &["watch", "--once"]);
    assert_eq!((out.as_str(), code), ("", 0));
    assert!(err.contains("<!-- mdtasks:summary:start -->"), "{err}");
    let (_, err, code) = run(t.path(), &["watch", "no-such-folder", "--once"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no-such-folder: no such file or folder"),
        "{err}"
    );
}

/// Notes for the periods below: problems named inside and outside them, a note named the
/// day before the week, an undated log with days in and out of it.
fn periods_notes(dir: &Path) {
    let n = dir.join("notes");
    std::fs::create_dir_all(&n).unwrap();
    let files: [(&str, &[u8]); 8] = [
        ("2026-10-10.md", b"- 25:00 impossible, a month before\n"),
        ("2026-11-01.md", b"binary\0data\n"),
        ("2026-11-22.md", b"- 23:00-23:30 late news #waste\n"),
        (
            "2026-11-24.md",
            b"- 09:00-10:00 write #money\n- 26:00 impossible, this week\n",
        ),
        (
            "Time Log.md",
            b"## 2026-11-25\n- 08:00-09:00 plan\n## 2026-10-01\n- 08:00-08:30 old\n",
        ),
        (
            "Week.md",
            b"# Week\n<!-- mdtasks:summary:start week=this -->\n<!-- mdtasks:summary:end -->\n",
        ),
        (
            "Month.md",
            b"<!-- mdtasks:summary:start month=2026-10 -->\n<!-- mdtasks:summary:end -->\n",
        ),
        (
            "Recent.md",
            b"<!-- mdtasks:summary:start last=3d -->\n<!-- mdtasks:summary:end -->\n",
        ),
    ];
    for (name, bytes) in files {
        std::fs::write(n.join(name), bytes).unwrap();
    }
}

/// A region holds exactly what `summarize --write` writes for its period: the same notes
/// read (those named for the period's days and a day on either side, and the undated ones)
/// and the same problems counted, although one pass builds every period in one reading.
#[test]
fn regions_hold_what_summarize_write_writes() {
    let (by_watch, by_summarize) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    periods_notes(by_watch.path());
    periods_notes(by_summarize.path());
    let (out, err, code) = run(by_watch.path(), &["watch", "notes", "--once"]);
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(
        out,
        "notes/Month.md: summary updated\nnotes/Recent.md: summary updated\nnotes/Week.md: summary updated\n"
    );
    for (note, period) in [
        ("Week.md", &["--week", "2026-W48"][..]),
        ("Month.md", &["--month", "2026-10"]),
        ("Recent.md", &["--last", "3d"]),
    ] {
        let note_path = format!("notes/{note}");
        let mut args = vec!["summarize", "notes", "--write", &note_path];
        args.extend(period);
        let (out, err, code) = run(by_summarize.path(), &args);
        assert_eq!(code, 2, "errors in the notes: {out}{err}");
        assert_eq!(
            read(&by_watch.path().join(&note_path)),
            read(&by_summarize.path().join(&note_path)),
            "{note}"
        );
    }
    let week = read(&by_watch.path().join("notes/Week.md"));
    // 2026-11-24 and the Time Log's 2026-11-25; the problem of 2026-11-24, not the others.
    assert!(week.contains("| Logged | 2h 00m |"), "{week}");
    assert!(week.contains("1 problem found in the notes"), "{week}");
    let month = read(&by_watch.path().join("notes/Month.md"));
    // 2026-10-10's problem, and the unreadable 2026-11-01, a day after the month.
    assert!(month.contains("| Logged | 30m |"), "{month}");
    assert!(month.contains("2 problems found in the notes"), "{month}");
}

/// A folder where every daily note summarises its own day and its month asks for more
/// periods than a pass builds at once: each region still gets its own period's figures.
#[test]
fn many_regions_are_built_in_batches() {
    let t = tempfile::tempdir().unwrap();
    let n = t.path().join("notes");
    std::fs::create_dir_all(&n).unwrap();
    let first = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let days = 600;
    let minutes = |i: u64| 1 + i % 50;
    let mut month_total = std::collections::BTreeMap::<String, u64>::new();
    for i in 0..days {
        let d = first + chrono::Duration::days(i as i64);
        *month_total
            .entry(d.format("%Y-%m").to_string())
            .or_default() += minutes(i);
        std::fs::write(
            n.join(format!("{d}.md")),
            format!(
                "- 09:00-09:{:02} task {i}\n\n<!-- mdtasks:summary:start -->\n<!-- mdtasks:summary:end -->\n\n<!-- mdtasks:summary-month:start month=note -->\n<!-- mdtasks:summary-month:end -->\n",
                minutes(i)
            ),
        )
        .unwrap();
    }
    let (out, err, code) = run(t.path(), &["watch", "notes", "--once"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), days as usize);
    let hm = |m: u64| match m {
        0..60 => format!("| Logged | {m}m |"),
        _ => format!("| Logged | {}h {:02}m |", m / 60, m % 60),
    };
    for i in 0..days {
        let d = first + chrono::Duration::days(i as i64);
        let text = read(&n.join(format!("{d}.md")));
        let (day, month) = text.split_once("summary-month:start").unwrap();
        assert!(day.contains(&format!("# Time log: {d}\n")), "{text}");
        assert!(day.contains(&hm(minutes(i))), "{d}: {day}");
        let m = d.format("%Y-%m").to_string();
        assert!(month.contains(&hm(month_total[&m])), "{d}: {month}");
    }
    let (out, err, code) = run(t.path(), &["watch", "notes", "--once"]);
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        ("", "every summary region is up to date\n", 0)
    );
}

/// Lines a child writes to a pipe, collected by a thread.
fn lines_of(pipe: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Generous: the machine may be loaded. Nothing is asserted about how fast it is.
const PATIENCE: Duration = Duration::from_secs(20);

fn wait_for_line(rx: &mpsc::Receiver<String>, seen: &mut Vec<String>, want: &str) -> bool {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if seen.iter().any(|l| l.contains(want)) {
            return true;
        }
        if let Ok(l) = rx.recv_timeout(Duration::from_millis(100)) {
            seen.push(l);
        }
    }
    seen.iter().any(|l| l.contains(want))
}

fn wait_until(what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting until {what}");
}

/// Kills the child if the test fails before it was stopped.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn state_of(p: &Path) -> (String, std::time::SystemTime) {
    (read(p), std::fs::metadata(p).unwrap().modified().unwrap())
}

#[test]
fn watcher_follows_changes_without_looping_and_stops_on_ctrl_c() {
    let t = notes();
    let dir = t.path().join("notes");
    let week = dir.join("Week.md");
    let day = dir.join("2026-11-24.md");
    let child = Command::new(assert_cmd::cargo::cargo_bin("mdtasks"))
        .env_clear()
        .current_dir(t.path())
        .args(["--today", "2026-11-24", "watch", "notes"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Guard(child);
    let out = lines_of(child.0.stdout.take().unwrap());
    let err = lines_of(child.0.stderr.take().unwrap());
    let (mut outs, mut errs) = (Vec::new(), Vec::new());

    // The first pass, then it watches.
    assert!(
        wait_for_line(&err, &mut errs, "watching notes (2 notes"),
        "{errs:?}"
    );
    assert!(read(&week).contains("| Logged | 3h 30m |"));
    let day_after_first_pass = state_of(&day);

    // Another note gains an entry: the weekly summary follows.
    std::fs::write(
        dir.join("2026-11-23.md"),
        "## Log\n- 09:00-10:00 write #money\n- 10:00-10:30 news #waste\n- 14:00-15:00 invoices #money\n",
    )
    .unwrap();
    wait_until("the weekly summary has the new entry", || {
        read(&week).contains("| Logged | 4h 30m |")
    });
    assert!(wait_for_line(
        &out,
        &mut outs,
        "notes/Week.md: summary updated"
    ));

    // No loop: after the update the note stays byte for byte as it is, for several debounce
    // periods; the day's note, whose summary did not change, was not written at all.
    let settled = state_of(&week);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        state_of(&week),
        settled,
        "the watcher rewrote its own output"
    );
    assert_eq!(state_of(&day), day_after_first_pass);
    while let Ok(l) = out.try_recv() {
        outs.push(l);
    }
    assert_eq!(
        outs.iter().filter(|l| l.contains("Week.md")).count(),
        2,
        "one write at the start, one for the change: {outs:?}"
    );

    // Editing the region's own settings is a change too; the new settings are kept.
    let text = read(&week).replace("start week=this -->", "start last=1d -->");
    std::fs::write(&week, text).unwrap();
    wait_until("the weekly note summarises only today", || {
        let w = read(&week);
        w.contains("<!-- mdtasks:summary:start last=1d -->\n# Time log: 2026-11-24\n")
            && w.contains("| Logged | 2h 00m |")
    });

    // An error in a note is reported, and the watcher goes on.
    std::fs::write(dir.join("Broken.md"), "## Log\n- 25:00 impossible\n").unwrap();
    assert!(
        wait_for_line(&err, &mut errs, "error[invalid-time]"),
        "{errs:?}"
    );
    let mut today = read(&day);
    today.push_str("- 12:00-13:00 lunch\n");
    std::fs::write(&day, today).unwrap();
    wait_until("today's entry is in both of today's summaries", || {
        read(&week).contains("| Logged | 3h 00m |") && read(&day).contains("| Logged | 3h 00m |")
    });

    // Ctrl-C: a clean exit, no temp file left.
    #[cfg(unix)]
    {
        let status = Command::new("kill")
            .args(["-INT", &child.0.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + PATIENCE;
        let code = loop {
            if let Some(s) = child.0.try_wait().unwrap() {
                break s.code();
            }
            assert!(
                Instant::now() < deadline,
                "the watcher did not stop on SIGINT"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        assert_eq!(code, Some(0));
        assert!(wait_for_line(&err, &mut errs, "stopped watching notes"));
        let temps: Vec<_> = snapshot(t.path())
            .into_iter()
            .filter(|(p, _)| p.contains("mdtasks-tmp"))
            .collect();
        assert!(temps.is_empty(), "{temps:?}");
    }
}
