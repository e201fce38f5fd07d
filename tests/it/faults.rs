//! Fault tests for the write layer (issue 4, "How it must be shown to work"): another program
//! appending to the notes while the writing commands run, two `log` processes racing, and
//! processes killed with SIGKILL in the middle of their writes.
//!
//! The default counts keep each test to a few seconds in a debug build. Set
//! `MDTASKS_FAULTS_FULL=1` for the long mode:
//!
//! | test                                   | default                     | full                           |
//! | -------------------------------------- | --------------------------- | ------------------------------ |
//! | `concurrent_appender_loses_nothing`    | 200 command runs            | 2,400 runs and 20,000 appends  |
//! | `two_log_processes_at_once_both_land`  | 50 rounds (x 2 cases)       | 500 rounds (x 2 cases)         |
//! | `kill_during_writes_never_tears_a_file`| 100 kills                   | 600 kills                      |
//!
//! e.g. `MDTASKS_FAULTS_FULL=1 cargo test --test it faults -- --nocapture`
//! (each test prints its counts on stderr). The full mode takes minutes in a debug build:
//! the appender test about 7, the others under one each.

use std::collections::HashMap;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::cli::mdtasks;

const TODAY: &str = "2026-11-24";

fn full() -> bool {
    std::env::var_os("MDTASKS_FAULTS_FULL").is_some_and(|v| v == "1")
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("mdtasks")
}

/// The binary as a plain child process (cleared environment, fixed today), run in `dir`.
fn plain_mdtasks(dir: &Path) -> Command {
    let mut c = Command::new(bin());
    c.env_clear().current_dir(dir).args(["--today", TODAY]);
    c
}

/// splitmix64: small, deterministic, good enough to pick sleeps and kill points.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Appends `text` the way a phone's quick capture or a sync tool does: the file opened with
/// O_APPEND and the bytes written with one `write` call.
fn append_once(path: &Path, text: &str) {
    let mut f = OpenOptions::new().append(true).open(path).unwrap();
    let n = f.write(text.as_bytes()).unwrap();
    assert_eq!(n, text.len(), "a short append to {}", path.display());
}

/// How many lines of `text` are exactly `line`.
fn count_lines(text: &str, line: &str) -> usize {
    text.lines().filter(|l| *l == line).count()
}

fn hhmm(minutes: usize) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

// ---------------------------------------------------------------------------------------------
// 1. Another program appends while the commands write.

const SOURCE_NOTE: &str = "# Monday

## Tasks

- [ ] alpha
- [ ] beta
  - [ ] beta child
- [x] done one

## Log

- 09:00-10:00 planning

## Inbox

";

const TODAY_NOTE: &str = "# Tuesday

## Tasks

- [ ] existing task

## Log

- 08:00-08:30 coffee

## Inbox

";

const NOTES: [&str; 2] = ["2026-11-23.md", "2026-11-24.md"];

/// What the appending thread wrote: `(file index, N)` for each `appended N` line.
struct Appender {
    stop: Arc<AtomicBool>,
    count: Arc<AtomicUsize>,
    /// How many lines it may have appended so far: paced to the commands, so that the notes
    /// do not grow without bound while the commands slow down.
    allowed: Arc<AtomicUsize>,
    handle: thread::JoinHandle<Vec<(usize, usize)>>,
}

/// Starts a thread appending `appended N` lines to both notes: bursts of 1-16 lines, each a
/// random 0-100 µs apart, to one note, then a pause of 0-60 ms, as a sync tool delivering a
/// phone's edits does; never more than `allowed` lines.
fn start_appender(notes: &Path) -> Appender {
    let stop = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicUsize::new(0));
    let allowed = Arc::new(AtomicUsize::new(0));
    let paths: Vec<PathBuf> = NOTES.iter().map(|n| notes.join(n)).collect();
    let handle = {
        let (stop, count, allowed) = (stop.clone(), count.clone(), allowed.clone());
        thread::spawn(move || {
            let mut rng = Rng::new(1);
            let mut written = Vec::new();
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                if n >= allowed.load(Ordering::Relaxed) {
                    thread::sleep(Duration::from_millis(1));
                    continue;
                }
                let file = rng.below(2) as usize;
                for _ in 0..=rng.below(16) {
                    append_once(&paths[file], &format!("appended {n}\n"));
                    written.push((file, n));
                    n += 1;
                    count.store(n, Ordering::Relaxed);
                    thread::sleep(Duration::from_micros(rng.below(101)));
                }
                thread::sleep(Duration::from_micros(rng.below(60_001)));
            }
            written
        })
    };
    Appender {
        stop,
        count,
        allowed,
        handle,
    }
}

#[test]
fn concurrent_appender_loses_nothing() {
    let (runs_wanted, appends_wanted) = if full() { (2400, 20_000) } else { (200, 800) };
    let t = tempfile::tempdir().unwrap();
    let root = t.path();
    let notes = root.join("notes");
    fs::create_dir(&notes).unwrap();
    fs::write(notes.join(NOTES[0]), SOURCE_NOTE).unwrap();
    fs::write(notes.join(NOTES[1]), TODAY_NOTE).unwrap();

    let started = Instant::now();
    let appender = start_appender(&notes);
    let mut runs = 0;
    let mut changed_failures = Vec::new();
    // `log` entries: (line in the note, whether the command said it logged it).
    let mut entries: Vec<(String, bool)> = Vec::new();
    let mut chores = 0;
    while runs < runs_wanted || appender.count.load(Ordering::Relaxed) < appends_wanted {
        appender.allowed.store(
            100 + appends_wanted * 3 / 2 * (runs + 1) / runs_wanted,
            Ordering::Relaxed,
        );
        let mut cmd = mdtasks(root);
        let mut logged = None;
        match runs % 4 {
            0 => {
                let k = entries.len();
                let (at, text) = (hhmm(9 * 60 + k % 900), format!("entry {k}"));
                cmd.args(["log", &text, "--at", &at, "notes"]);
                logged = Some(format!("{at} {text}"));
            }
            kind => {
                if kind != 3 {
                    // A new open task in the source note, so that every rollover carries
                    // something and marks something: written as an appending program would,
                    // set apart by blank lines.
                    append_once(
                        &notes.join(NOTES[0]),
                        &format!("\n- [ ] chore {chores}\n\n"),
                    );
                    chores += 1;
                }
                match kind {
                    1 => cmd.args(["rollover", "notes"]),
                    2 => cmd.args(["today", "notes"]),
                    _ => cmd.args(["summarize", "notes", "--write", "notes/Summary.md"]),
                };
            }
        }
        let o = cmd.output().unwrap();
        let (out, err) = (
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr),
        );
        let ok = o.status.success();
        if !ok {
            assert!(
                err.contains("changed on disk"),
                "run {runs} failed for another reason than the note changing:\n\
                 stdout:\n{out}\nstderr:\n{err}"
            );
            changed_failures.push(format!("run {runs}: {}", err.trim()));
        }
        if let Some(entry) = logged {
            if ok {
                assert!(
                    out.contains(&format!("logged `{entry}`")),
                    "run {runs}: {out}"
                );
            }
            entries.push((format!("- {entry}"), ok));
        }
        runs += 1;
    }
    appender.stop.store(true, Ordering::Relaxed);
    let appended = appender.handle.join().unwrap();
    let elapsed = started.elapsed();

    // Quiet now: one last rollover carries whatever a failed run left behind.
    let o = mdtasks(root).args(["rollover", "notes"]).output().unwrap();
    assert!(o.status.success(), "{o:?}");

    let texts: Vec<String> = NOTES
        .iter()
        .map(|n| fs::read_to_string(notes.join(n)).unwrap())
        .collect();
    let mut problems = Vec::new();

    // Every appended line is in its file exactly once, and nowhere else.
    let mut counts: Vec<HashMap<&str, usize>> = vec![HashMap::new(); 2];
    for (i, text) in texts.iter().enumerate() {
        for l in text.lines().filter(|l| l.starts_with("appended ")) {
            *counts[i].entry(l).or_default() += 1;
        }
    }
    let mut lost = Vec::new();
    for &(file, n) in &appended {
        let line = format!("appended {n}");
        let here = counts[file].get(line.as_str()).copied().unwrap_or(0);
        let there = counts[1 - file].get(line.as_str()).copied().unwrap_or(0);
        match (here, there) {
            (1, 0) => {}
            (0, 0) => lost.push(format!("`{line}` in {}", NOTES[file])),
            _ => problems.push(format!(
                "`{line}` (appended to {}) is {here} times there and {there} times in the other note",
                NOTES[file]
            )),
        }
    }
    if !lost.is_empty() {
        problems.push(format!(
            "{} of {} appended lines lost: {}",
            lost.len(),
            appended.len(),
            lost.join(", ")
        ));
    }
    for (i, c) in counts.iter().enumerate() {
        for line in c.keys() {
            let n: usize = line["appended ".len()..].parse().unwrap_or(usize::MAX);
            if !appended.contains(&(i, n)) {
                problems.push(format!("`{line}` in {} was never appended there", NOTES[i]));
            }
        }
    }

    // Every entry `log` reported is there exactly once; one it did not write is not there.
    for (line, ok) in &entries {
        let n = count_lines(&texts[1], line);
        if n != usize::from(*ok) {
            problems.push(format!(
                "`{line}` (logged: {ok}) is {n} times in {}",
                NOTES[1]
            ));
        }
    }

    // Every chore was carried exactly once and marked exactly once.
    for c in 0..chores {
        let (open, marked, carried) = (
            count_lines(&texts[0], &format!("- [ ] chore {c}")),
            count_lines(&texts[0], &format!("- [>] chore {c}")),
            count_lines(&texts[1], &format!("- [ ] chore {c}")),
        );
        if (open, marked, carried) != (0, 1, 1) {
            problems.push(format!(
                "chore {c}: open {open}, marked {marked} in the source; carried {carried}"
            ));
        }
    }

    let o = mdtasks(root).args(["check", "notes"]).output().unwrap();
    let report = String::from_utf8_lossy(&o.stdout);
    if o.status.code() == Some(2) || report.contains("error[") {
        problems.push(format!("`check` reports errors:\n{report}"));
    }

    eprintln!(
        "concurrent_appender_loses_nothing: {runs} runs, {} lines appended, {} entries logged, \
         {chores} chores, {} runs stopped because the note kept changing, {elapsed:.1?}",
        appended.len(),
        entries.iter().filter(|e| e.1).count(),
        changed_failures.len()
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(
        changed_failures.len() * 20 < runs,
        "{} of {runs} runs stopped because the note kept changing (at most 5% may):\n{}",
        changed_failures.len(),
        changed_failures.join("\n")
    );
    assert!(runs >= runs_wanted && appended.len() >= appends_wanted);
}

// ---------------------------------------------------------------------------------------------
// 2. Two `log` processes at the same moment.

/// Without a turn between mdtasks processes, both would read the note, fill and fsync their
/// temp files, re-read the note (still unchanged: neither has renamed yet) and rename; the
/// second rename would replace the first process's note, and one entry would be gone although
/// both said `logged`. The fsyncs finishing together (one journal commit) line the two up, so
/// that is not rare: about 1 race in 10 with today's note existing.
#[test]
fn two_log_processes_at_once_both_land() {
    let rounds = if full() { 500 } else { 50 };
    let started = Instant::now();
    // Per case (today's note missing, existing): the rounds that lost an entry.
    let mut lost: [Vec<String>; 2] = Default::default();
    for round in 0..rounds {
        for exists in [false, true] {
            let t = tempfile::tempdir().unwrap();
            let notes = t.path().join("notes");
            fs::create_dir(&notes).unwrap();
            fs::write(notes.join(NOTES[0]), SOURCE_NOTE).unwrap();
            if exists {
                fs::write(notes.join(NOTES[1]), TODAY_NOTE).unwrap();
            }
            let spawn = |text: &str, at: &str| {
                plain_mdtasks(t.path())
                    .args(["log", text, "--at", at, "notes"])
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            };
            // Alternate which one starts first.
            let (a, b) = if round % 2 == 0 {
                let a = spawn("from a", "10:00");
                (a, spawn("from b", "10:00"))
            } else {
                let b = spawn("from b", "10:00");
                (spawn("from a", "10:00"), b)
            };
            let outputs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
            for o in &outputs {
                assert!(
                    o.status.success(),
                    "round {round} (today's note existed: {exists}): {}{}",
                    String::from_utf8_lossy(&o.stdout),
                    String::from_utf8_lossy(&o.stderr)
                );
            }
            let text = fs::read_to_string(notes.join(NOTES[1])).unwrap();
            let counts = [
                count_lines(&text, "- 10:00 from a"),
                count_lines(&text, "- 10:00 from b"),
            ];
            if counts != [1, 1] {
                lost[usize::from(exists)].push(format!(
                    "round {round}, today's note {}: the entries of a and b are there \
                     {counts:?} times; a said {:?}, b said {:?}; the note:\n{text}",
                    if exists { "existed" } else { "was missing" },
                    String::from_utf8_lossy(&outputs[0].stdout).trim(),
                    String::from_utf8_lossy(&outputs[1].stdout).trim(),
                ));
            }
        }
    }
    let summary = format!(
        "{rounds} rounds: an entry was lost in {} with today's note missing and in {} with it \
         existing",
        lost[0].len(),
        lost[1].len()
    );
    eprintln!(
        "two_log_processes_at_once_both_land: {summary}; {:.1?}",
        started.elapsed()
    );
    let details: Vec<&String> = lost.iter().flatten().take(3).collect();
    assert!(
        lost.iter().all(Vec::is_empty),
        "{summary}; the first ones:\n{}",
        details
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// 3. SIGKILL at random points, most of them while a note is being written.

/// A 2 MB daily note (a long pasted attachment in a code fence: big to write, quick to parse),
/// with a log and a tasks section.
#[cfg(unix)]
fn big_today_note() -> String {
    let mut s = String::from(TODAY_NOTE);
    s.push_str("## Attachment\n\n```text\n");
    for i in 0..200 {
        s.push_str(&format!("{i:06} "));
        for j in 0..999 {
            s.push_str(["lorem ", "ipsum ", "dolor ", "sitam "][(i + j) % 4]);
        }
        s.push_str("end\n");
    }
    s.push_str("```\n");
    s
}

#[cfg(unix)]
const SUMMARY_NOTE: &str = "# Summary\n\nWritten by hand.\n\n\
<!-- mdtasks:summary:start -->\nold report\n<!-- mdtasks:summary:end -->\n\nAfter the region.\n";

#[cfg(unix)]
type Files = HashMap<String, Vec<u8>>;

#[cfg(unix)]
fn read_notes(notes: &Path) -> Files {
    fs::read_dir(notes)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            let name = e.file_name().into_string().unwrap();
            (name, fs::read(e.path()).unwrap())
        })
        .collect()
}

#[cfg(unix)]
fn reset(notes: &Path, pristine: &Files) {
    for e in fs::read_dir(notes).unwrap() {
        fs::remove_file(e.unwrap().path()).unwrap();
    }
    for (name, bytes) in pristine {
        fs::write(notes.join(name), bytes).unwrap();
    }
}

#[cfg(unix)]
const KILLED: [(&[&str], &str); 3] = [
    (&["rollover", "notes"], "rollover"),
    (
        &["log", "killed mid-write", "--at", "10:30", "notes"],
        "log",
    ),
    (
        &["summarize", "notes", "--write", "notes/Summary.md"],
        "summarize",
    ),
];

#[cfg(unix)]
#[test]
fn kill_during_writes_never_tears_a_file() {
    let kills = if full() { 600 } else { 100 };
    let started = Instant::now();
    let t = tempfile::tempdir().unwrap();
    let notes = t.path().join("notes");
    fs::create_dir(&notes).unwrap();
    let pristine: Files = [
        (NOTES[0], SOURCE_NOTE.as_bytes().to_vec()),
        (NOTES[1], big_today_note().into_bytes()),
        ("Summary.md", SUMMARY_NOTE.as_bytes().to_vec()),
    ]
    .into_iter()
    .map(|(n, b)| (n.to_string(), b))
    .collect();

    // What a complete run of each command makes of the pristine folder, run twice to be sure
    // it is deterministic, and which notes it writes.
    let afters: Vec<(Files, Vec<String>)> = KILLED
        .iter()
        .map(|(args, name)| {
            let runs: Vec<Files> = (0..2)
                .map(|_| {
                    reset(&notes, &pristine);
                    let o = plain_mdtasks(t.path()).args(*args).output().unwrap();
                    assert!(o.status.success(), "{name}: {o:?}");
                    read_notes(&notes)
                })
                .collect();
            assert!(runs[0] == runs[1], "{name} is not deterministic");
            let mut written: Vec<String> = pristine
                .keys()
                .filter(|n| runs[0].get(*n) != pristine.get(*n))
                .cloned()
                .collect();
            written.sort();
            assert!(!written.is_empty(), "{name} changes nothing");
            assert_eq!(
                runs[0].len(),
                pristine.len(),
                "{name}: {:?}",
                runs[0].keys()
            );
            (runs[0].clone(), written)
        })
        .collect();

    let (mut all_old, mut all_new, mut mixed, mut temps_left) = (0, 0, 0, 0);
    for i in 0..kills {
        let mut rng = Rng::new(i as u64);
        let which = i % KILLED.len();
        let (args, name) = KILLED[which];
        let (after, written) = &afters[which];
        reset(&notes, &pristine);
        let mut child = plain_mdtasks(t.path())
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // One kill in four counts from the start, the rest from the moment the temp file of
        // one of the notes the command writes appears: in a debug build reading and planning
        // a 2 MB note takes longer than 30 ms, and the writes are what this is about.
        if rng.below(4) != 0 {
            let note = &written[rng.below(written.len() as u64) as usize];
            let prefix = format!(".{note}.mdtasks-tmp-");
            while child.try_wait().unwrap().is_none()
                && !fs::read_dir(&notes).unwrap().any(|e| {
                    e.unwrap()
                        .file_name()
                        .to_string_lossy()
                        .starts_with(&prefix)
                })
            {
                thread::sleep(Duration::from_micros(100));
            }
        }
        thread::sleep(Duration::from_micros(rng.below(30_001)));
        // SIGKILL; an error only means it had already finished.
        let _ = child.kill();
        child.wait().unwrap();

        let now = read_notes(&notes);
        let mut new = 0;
        let mut temps = Vec::new();
        for (file, bytes) in &now {
            if let Some(b) = pristine.get(file) {
                if bytes == b {
                    // Old.
                } else if bytes == &after[file] {
                    new += 1;
                } else {
                    panic!(
                        "kill {i} ({name}): {file} is torn: {} bytes, neither the {} before nor \
                         the {} after",
                        bytes.len(),
                        b.len(),
                        after[file].len()
                    );
                }
                continue;
            }
            // Anything else is a temp file the kill left behind: hidden, named after its note,
            // holding the start of that note's new text.
            let note = pristine
                .keys()
                .find(|n| file.starts_with(&format!(".{n}.mdtasks-tmp-")))
                .unwrap_or_else(|| panic!("kill {i} ({name}): unexpected file {file}"));
            assert!(
                after[note].starts_with(bytes),
                "kill {i} ({name}): {file} is not a prefix of the new {note}"
            );
            temps.push(file.clone());
        }
        for n in pristine.keys() {
            assert!(now.contains_key(n), "kill {i} ({name}): {n} is gone");
        }
        match new {
            0 => all_old += 1,
            n if n == written.len() => all_new += 1,
            _ => mixed += 1,
        }
        if !temps.is_empty() {
            temps_left += 1;
            // mdtasks itself never reads them.
            let o = plain_mdtasks(t.path())
                .args(["tasks", "notes", "--all"])
                .output()
                .unwrap();
            let listed = String::from_utf8_lossy(&o.stdout);
            assert!(
                !listed.contains("mdtasks-tmp"),
                "kill {i} ({name}): `tasks` lists the temp files {temps:?}:\n{listed}"
            );
        }
    }
    eprintln!(
        "kill_during_writes_never_tears_a_file: {kills} kills: {all_old} left every note old, \
         {all_new} every written note new, {mixed} some old and some new, {temps_left} left \
         temp files; {:.1?}",
        started.elapsed()
    );
}
