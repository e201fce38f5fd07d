//! Writing commands on `fixtures/edit/<scenario>/`: `before/` holds the notes, `cmd` the
//! arguments (one per line). The dry run's diff is the reviewed snapshot; the dry run must
//! write nothing; the real run must produce exactly what the dry run showed; a second run
//! must change nothing.

use std::collections::BTreeMap;
use std::path::Path;

use crate::cli::{copy_dir, mdtasks};
use crate::support::root;

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Carriage returns and a BOM made visible, so the snapshot shows what is in the bytes.
fn visible(s: &str) -> String {
    s.replace('\r', "␍").replace('\u{feff}', "<BOM>")
}

fn run(dir: &Path, args: &[String]) -> (String, String, i32) {
    let o = mdtasks(dir).args(args).output().unwrap();
    (
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
        o.status.code().unwrap(),
    )
}

#[test]
fn edit_scenarios() {
    let mut scenarios: Vec<_> = std::fs::read_dir(root().join("fixtures/edit"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    scenarios.sort();
    assert!(scenarios.len() >= 20);
    for sc in scenarios {
        let name = sc.file_name().unwrap().to_string_lossy().into_owned();
        let args: Vec<String> = std::fs::read_to_string(sc.join("cmd"))
            .unwrap()
            .lines()
            .map(String::from)
            .collect();
        let t = tempfile::tempdir().unwrap();
        copy_dir(&sc.join("before"), t.path());
        let before = files(t.path());

        let mut dry = args.clone();
        dry.push("--dry-run".into());
        let (diff, err, code) = run(t.path(), &dry);
        assert!(code <= 1, "{name}: dry run failed: {err}");
        assert_eq!(
            files(t.path()),
            before,
            "{name}: the dry run wrote something"
        );
        insta::assert_snapshot!(format!("edit__{name}"), visible(&diff));

        let (out, err, code) = run(t.path(), &args);
        assert!(code <= 1, "{name}: {err}");
        let after = files(t.path());
        // What changed is what the dry run showed: the diff of each changed file appears in it.
        for (path, bytes) in &after {
            let old = before
                .get(path)
                .map(|b| String::from_utf8_lossy(b).into_owned());
            let new = String::from_utf8_lossy(bytes).into_owned();
            if old.as_deref() == Some(new.as_str()) {
                continue;
            }
            let shown = format!("./{path}");
            let expect = mdtasks::edit::unified_diff(path, old.as_deref().unwrap_or(""), &new);
            let _ = shown;
            assert!(
                diff.contains(expect.lines().nth(2).unwrap_or("")),
                "{name}: {path} changed in a way the dry run did not show:\n{out}\n{expect}"
            );
        }
        for path in before.keys() {
            assert!(after.contains_key(path), "{name}: {path} disappeared");
        }

        let (out2, err2, code2) = run(t.path(), &args);
        assert!(code2 <= 1, "{name}: second run: {err2}");
        assert_eq!(
            files(t.path()),
            after,
            "{name}: the second run changed something:\n{out2}"
        );
        // No temp files left behind.
        assert!(
            !after.keys().any(|p| p.contains("mdtasks-tmp")),
            "{name}: temp file left: {:?}",
            after.keys()
        );
    }
}

/// A refusal case: its name, the notes it starts from, the command.
type Case<'a> = (&'a str, &'a [(&'a str, &'a [u8])], &'a [&'a str]);

/// Each refusal leaves every file as it was and says why.
#[test]
fn refusals_say_why_and_change_nothing() {
    let cases: &[Case] = &[
        (
            "conflict_copy",
            &[
                ("2026-11-23.md", b"- [ ] carry\n"),
                ("2026-11-24.md", b"## Tasks\n"),
                (
                    "2026-11-24.sync-conflict-20261124-101010-ABCDEFG.md",
                    b"## Tasks\n- [ ] other device\n",
                ),
            ],
            &["rollover", "."],
        ),
        (
            "merge_markers",
            &[(
                "2026-11-24.md",
                b"## Log\n<<<<<<< HEAD\n- 09:00 a\n=======\n- 09:00 b\n>>>>>>> other\n",
            )],
            &["log", "email", "--at", "10:00", "."],
        ),
        (
            "not_utf8",
            &[("2026-11-24.md", b"## Log\n- 09:00 caf\xe9\n")],
            &["log", "email", "--at", "10:00", "."],
        ),
        (
            "unbalanced_markers",
            &[
                ("2026-11-24.md", b"## Log\n- 09:00-10:00 a\n"),
                ("Summary.md", b"<!-- mdtasks:summary:start -->\nold\n"),
            ],
            &["summarize", ".", "--write", "Summary.md"],
        ),
        (
            "outside_root",
            &[
                ("notes/2026-11-24.md", b"## Log\n- 09:00-10:00 a\n"),
                ("elsewhere.md", b"# mine\n"),
            ],
            &["summarize", "notes", "--write", "elsewhere.md"],
        ),
        (
            "bad_at",
            &[("2026-11-24.md", b"## Log\n")],
            &["log", "email", "--at", "25:00", "."],
        ),
        (
            "empty_text",
            &[("2026-11-24.md", b"## Log\n")],
            &["log", "  ", "."],
        ),
        ("no_folder", &[], &["rollover", "missing"]),
    ];
    for (name, notes, args) in cases {
        let t = tempfile::tempdir().unwrap();
        for (path, bytes) in *notes {
            let p = t.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
        let before = files(t.path());
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let (out, err, code) = run(t.path(), &args);
        assert_eq!(code, 2, "{name}: {out}{err}");
        assert_eq!(
            files(t.path()),
            before,
            "{name}: a refusal changed something"
        );
        insta::assert_snapshot!(format!("refusal__{name}"), format!("{out}{err}"));
    }
}

/// `tasks --write-progress` edits many notes, listing each folder once for sync-conflict
/// copies: the note with a copy beside it is refused, the others are updated.
#[test]
fn write_progress_refuses_only_the_note_with_a_conflict_copy() {
    let t = tempfile::tempdir().unwrap();
    let copy = "2026-11-24.sync-conflict-20261124-101010-ABCDEFG.md";
    for (name, text) in [
        ("2026-11-23.md", "- [ ] trip [0/1]\n  - [x] book\n"),
        ("2026-11-24.md", "- [ ] move [0/1]\n  - [x] pack\n"),
        (
            "2026-11-25.md",
            "- [ ] read [0/2]\n  - [x] ch 1\n  - [ ] ch 2\n",
        ),
        (copy, "- [ ] move [0/1]\n  - [ ] pack\n"),
    ] {
        std::fs::write(t.path().join(name), text).unwrap();
    }
    let args: Vec<String> = ["tasks", ".", "--write-progress"]
        .map(String::from)
        .to_vec();
    let (out, err, code) = run(t.path(), &args);
    assert_eq!(code, 2, "{out}{err}");
    let read = |n: &str| std::fs::read_to_string(t.path().join(n)).unwrap();
    assert_eq!(read("2026-11-23.md"), "- [ ] trip [1/1]\n  - [x] book\n");
    assert_eq!(read("2026-11-24.md"), "- [ ] move [0/1]\n  - [x] pack\n");
    assert_eq!(
        read("2026-11-25.md"),
        "- [ ] read [1/2]\n  - [x] ch 1\n  - [ ] ch 2\n"
    );
    assert_eq!(read(copy), "- [ ] move [0/1]\n  - [ ] pack\n");
    assert!(
        err.contains("cannot change 2026-11-24.md: a sync-conflict copy"),
        "{err}"
    );
}

/// iCloud evicted today's note to `.2026-11-24.md.icloud`: the note exists, so no command may
/// create a new one over it.
#[test]
fn icloud_placeholder_is_never_replaced_by_a_new_note() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("2026-11-23.md"), "- [ ] carry\n").unwrap();
    std::fs::write(t.path().join(".2026-11-24.md.icloud"), b"bplist00").unwrap();
    for args in [
        vec!["log", "email", "--at", "10:00", "."],
        vec!["today", "."],
        vec!["rollover", "."],
        vec!["add", "task", "."],
    ] {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let (out, err, code) = run(t.path(), &args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains("iCloud holds this note"), "{err}");
        assert!(!t.path().join("2026-11-24.md").exists());
        assert_eq!(
            std::fs::read_to_string(t.path().join("2026-11-23.md")).unwrap(),
            "- [ ] carry\n"
        );
    }
}

/// The first day: `today` creates today's note and succeeds, with nothing to roll over; an
/// unknown template is a clear error that writes nothing.
#[test]
fn today_on_the_first_day_and_with_a_missing_template() {
    let t = tempfile::tempdir().unwrap();
    let (out, err, code) = run(t.path(), &["today".to_string(), ".".to_string()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("nothing to roll over"), "{out}");
    assert!(t.path().join("2026-11-24.md").exists());

    let t = tempfile::tempdir().unwrap();
    std::fs::write(
        t.path().join(".mdtasks.toml"),
        "[daily]\ntemplate = \"nope.md\"\n",
    )
    .unwrap();
    let (_, err, code) = run(t.path(), &["today".to_string(), ".".to_string()]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read the template"), "{err}");
    assert!(!t.path().join("2026-11-24.md").exists());
}

/// Broken notes elsewhere in the folder (binary, not UTF-8) neither stop a one-day command
/// nor show up in what it says.
#[test]
fn broken_notes_elsewhere_do_not_stop_log() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("2026-11-24.md"), "## Log\n- 09:00 email\n").unwrap();
    std::fs::write(t.path().join("binary.md"), [0u8, 159, 146, 150]).unwrap();
    std::fs::write(t.path().join("2026-11-20.md"), b"- [ ] caf\xe9\n").unwrap();
    let args: Vec<String> = ["log", "lunch", "--at", "12:00", "."]
        .map(String::from)
        .to_vec();
    let (out, err, code) = run(t.path(), &args);
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert_eq!(out, "2026-11-24.md: logged `12:00 lunch`\n");
}
