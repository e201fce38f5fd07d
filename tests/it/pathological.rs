//! Pathological inputs (issue 8): each has a documented behaviour (docs/pathological.md) and a
//! test here. Big inputs are scaled down in the default run; `MDTASKS_FAULTS_FULL=1` runs
//! them at full size (50 MB note, 1 MB line, 10,000-deep nesting, 100,000 tasks).

use std::path::Path;

use mdtasks::parse::{ParseOptions, parse_note};

use crate::cli::mdtasks;

fn full() -> bool {
    std::env::var_os("MDTASKS_FAULTS_FULL").is_some_and(|v| v == "1")
}

fn run(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let o = mdtasks(dir).args(args).output().unwrap();
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        o.status.code().unwrap(),
    )
}

#[test]
fn huge_note_is_read() {
    // 50 MB at full size: every line a task, an entry or prose.
    let copies = if full() { 700_000 } else { 20_000 };
    let block = "- 09:00-10:00 work #money\n- [ ] task\nsome prose line here\n";
    let text = block.repeat(copies);
    let note = parse_note(&text, &ParseOptions::with_defaults());
    assert_eq!(note.tasks.len(), copies);
    assert_eq!(note.entries.len(), copies);
}

#[test]
fn one_megabyte_line() {
    let n = if full() { 1_000_000 } else { 200_000 };
    for text in [
        format!("- [ ] {}\n", "x".repeat(n)),
        format!("- 09:00 {}\n", "word ".repeat(n / 5)),
        "#".repeat(n),
        "`".repeat(n),
        "[".repeat(n),
    ] {
        let note = parse_note(&text, &ParseOptions::with_defaults());
        assert!(note.tasks.len() <= 1);
    }
}

#[test]
fn deep_nesting_never_overflows_the_stack() {
    let depth = if full() { 10_000 } else { 3_000 };
    let lists: String = (0..depth)
        .map(|i| format!("{}- [ ] t{i}\n", "  ".repeat(i)))
        .collect();
    let n = parse_note(&lists, &ParseOptions::with_defaults());
    assert!(!n.tasks.is_empty());
    let quotes = format!("{} - [ ] quoted\n", ">".repeat(depth));
    parse_note(&quotes, &ParseOptions::with_defaults());
    let mixed: String = (0..depth / 3)
        .map(|i| format!("{}- a\n", "> ".repeat(i)))
        .collect();
    parse_note(&mixed, &ParseOptions::with_defaults());
    // Progress over a deep tree is counted without recursion.
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("deep.md"), &lists).unwrap();
    let (_, err, code) = run(t.path(), &["tasks", "--in-progress"]);
    assert!(code <= 1, "{err}");
}

#[test]
fn hundred_thousand_tasks_in_one_note() {
    let n = if full() { 100_000 } else { 20_000 };
    let text: String = (0..n).map(|i| format!("- [ ] task {i}\n")).collect();
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("2026-11-23.md"), &text).unwrap();
    let (out, _, code) = run(t.path(), &["tasks"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), n);
    // And a rollover of all of them, in one atomic write, twice.
    let (_, err, code) = run(t.path(), &["rollover"]);
    assert_eq!(code, 0, "{err}");
    let (out, _, _) = run(t.path(), &["rollover"]);
    assert!(out.contains("nothing to change"), "{out}");
}

#[test]
fn bad_bytes_and_odd_files() {
    let t = tempfile::tempdir().unwrap();
    let p = t.path();
    std::fs::write(p.join("nul.md"), b"- [ ] a\n\0\0\0\n- [ ] b\n").unwrap();
    std::fs::write(p.join("bad-utf8.md"), b"- [ ] ok\n- [ ] caf\xe9\n").unwrap();
    std::fs::write(p.join("lone-cr.md"), b"# x\r- [ ] a\r- 09:00-10:00 b\r").unwrap();
    std::fs::write(p.join("empty.md"), b"").unwrap();
    std::fs::write(
        p.join("binary.md"),
        [0x89u8, b'P', b'N', b'G', 0, 0, 0, 13, 0xff, 0xfe],
    )
    .unwrap();
    std::fs::write(p.join("fine.md"), b"- [ ] fine\n").unwrap();
    let (out, err, code) = run(p, &["tasks", "--all"]);
    assert_eq!(code, 2, "unreadable files make the exit code say so");
    // The readable notes are all listed: lone CR is a line ending, an empty note is a note.
    assert!(out.contains("fine.md:1: [ ] fine"), "{out}");
    assert!(out.contains("lone-cr.md:2: [ ] a"), "{out}");
    assert!(
        err.contains("binary.md") && err.contains("error[binary-file]"),
        "{err}"
    );
    assert!(
        err.contains("nul.md") && err.contains("error[binary-file]"),
        "{err}"
    );
    assert!(
        err.contains("bad-utf8.md:2:10"),
        "the bad byte is located: {err}"
    );
    let (out, _, _) = run(p, &["entries"]);
    assert!(out.contains("lone-cr.md:3"), "{out}");
}

#[cfg(unix)]
#[test]
fn read_only_note_is_left_alone_with_a_clear_error() {
    use std::os::unix::fs::PermissionsExt;
    let t = tempfile::tempdir().unwrap();
    let p = t.path();
    let note = p.join("2026-11-24.md");
    std::fs::write(&note, "## Log\n- 09:00 email\n").unwrap();
    // A read-only folder: the temp file cannot be created beside the note (as root, file
    // permission bits alone would not stop the write).
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o555)).unwrap();
    let probe = std::fs::File::create(p.join(".probe"));
    if probe.is_ok() {
        std::fs::remove_file(p.join(".probe")).ok();
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
        eprintln!(
            "skipped: this user can write a read-only folder (root without CAP restrictions)"
        );
        return;
    }
    let (_, err, code) = run(p, &["log", "lunch", "--at", "12:00"]);
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(code, 2);
    assert!(err.contains("cannot change 2026-11-24.md"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&note).unwrap(),
        "## Log\n- 09:00 email\n"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_note_is_reported_and_the_others_read() {
    use std::os::unix::fs::PermissionsExt;
    let t = tempfile::tempdir().unwrap();
    let p = t.path();
    std::fs::write(p.join("secret.md"), "- [ ] hidden\n").unwrap();
    std::fs::write(p.join("fine.md"), "- [ ] fine\n").unwrap();
    std::fs::set_permissions(p.join("secret.md"), std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(p.join("secret.md")).is_ok() {
        eprintln!("skipped: this user reads files without read permission (root)");
        return;
    }
    let (out, err, code) = run(p, &["tasks"]);
    assert_eq!(code, 2);
    assert!(out.contains("fine.md:1: [ ] fine"));
    assert!(
        err.contains("error[read-error]") && err.contains("secret.md"),
        "{err}"
    );
}

/// A note that is gone when it is read (deleted after the walk, or a symlink to nothing) is a
/// read error for that note only; the others are listed and the exit code says so.
#[cfg(unix)]
#[test]
fn note_gone_when_read() {
    let t = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(t.path().join("nowhere.md"), t.path().join("dangling.md")).unwrap();
    std::fs::write(t.path().join("fine.md"), "- [ ] fine\n").unwrap();
    let (out, err, code) = run(t.path(), &["tasks"]);
    assert_eq!(out, "fine.md:1: [ ] fine\n");
    assert_eq!(code, 2);
    assert!(
        err.contains("error[read-error]") && err.contains("dangling.md"),
        "{err}"
    );
}
