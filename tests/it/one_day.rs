//! Commands about one day (`today`, `rollover`, `log`, `add`, `open`) find their notes by
//! name. Where the configured path proves today's note (`load::probe_named`), no folder is
//! walked; everywhere else they walk, and find what the walk finds. These pin the cases the
//! probe must leave to the walk, and the conflict copies the walk's listing must still see.

use std::path::Path;

use crate::cli::{copy_dir, mdtasks_on, run};
use crate::support::root;

const NOTE: &str = "## Tasks\n- [ ] carry\n\n## Log\n- 08:00-09:00 work\n";

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap()
}

/// Today's note is not at the configured path but elsewhere in the folder: the walk finds
/// it there, and nothing is created at the configured path.
#[test]
fn todays_note_outside_the_daily_folder_is_found_by_the_walk() {
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        &[("2026-11-23.md", NOTE), ("sub/2026-11-24.md", NOTE)],
    );
    let (out, err, code) = run(t.path(), &["open", "."]);
    assert_eq!((out.as_str(), code), ("sub/2026-11-24.md\n", 0), "{err}");
    let (out, err, code) = run(t.path(), &["log", "call", ".", "--at", "09:30"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "sub/2026-11-24.md: logged `09:30 call`\n");
    assert!(read(t.path(), "sub/2026-11-24.md").contains("- 09:30 call\n"));
    assert!(!t.path().join("2026-11-24.md").exists());
}

/// With several notes named for today, the one at the configured path wins, whether the
/// probe or the walk finds it.
#[test]
fn the_note_at_the_configured_path_wins_over_the_days_other_notes() {
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        &[
            ("2026-11-24.md", NOTE),
            ("Meeting 2026-11-24.md", NOTE),
            ("a/2026-11-24.md", NOTE),
        ],
    );
    let (out, err, code) = run(t.path(), &["log", "call", ".", "--at", "09:30"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "2026-11-24.md: logged `09:30 call`\n");
    assert_eq!(read(t.path(), "a/2026-11-24.md"), NOTE);
    assert_eq!(read(t.path(), "Meeting 2026-11-24.md"), NOTE);
}

/// The probe finds today's note without listing its folder, so the conflict copy beside it
/// is still looked for before the note is edited: each kind stops `log` and `add`.
#[test]
fn a_conflict_copy_beside_todays_note_stops_log_and_add() {
    for copy in [
        "2026-11-24.sync-conflict-20261124-101010-ABCDEFG.md",
        "2026-11-24 (Anna's conflicted copy 2026-11-24).md",
        "2026-11-24 2.md",
    ] {
        let t = tempfile::tempdir().unwrap();
        write(t.path(), &[("2026-11-24.md", NOTE), (copy, NOTE)]);
        for args in [
            &["log", "call", ".", "--at", "09:30"][..],
            &["add", "a task", "."][..],
        ] {
            let (out, err, code) = run(t.path(), args);
            assert_eq!(code, 2, "{copy} {args:?}: {out}{err}");
            assert!(
                err.contains("cannot change 2026-11-24.md: a sync-conflict copy of this note"),
                "{copy}: {err}"
            );
            assert_eq!(read(t.path(), "2026-11-24.md"), NOTE, "{copy}");
        }
    }
}

/// `rollover` and `today` learn of a conflict copy beside the note they roll over from from
/// the walk's own listing (the folder is not listed again): it still stops them.
#[test]
fn a_conflict_copy_beside_the_source_stops_the_rollover() {
    for args in [&["rollover", "."][..], &["today", "."][..]] {
        let t = tempfile::tempdir().unwrap();
        write(
            t.path(),
            &[
                ("2026-11-23.md", NOTE),
                ("2026-11-23 (conflicted copy 2026-11-23).md", NOTE),
                ("2026-11-24.md", "## Tasks\n"),
            ],
        );
        let (out, err, code) = run(t.path(), args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(
            err.contains("cannot change 2026-11-23.md: a sync-conflict copy of this note"),
            "{args:?}: {err}"
        );
        assert_eq!(read(t.path(), "2026-11-24.md"), "## Tasks\n", "{args:?}");
        assert_eq!(read(t.path(), "2026-11-23.md"), NOTE, "{args:?}");
    }
}

/// Obsidian's daily notes in nested folders (`Daily/YYYY/MM/DD-MM-YYYY dddd.md`): found by
/// the probe when there, created there when not, and found again afterwards.
#[test]
fn a_nested_daily_folder_is_found_and_filled_where_obsidian_keeps_it() {
    let t = tempfile::tempdir().unwrap();
    copy_dir(
        &root().join("fixtures/vaults/obsidian-daily"),
        &t.path().join("v"),
    );
    let monday = "v/Daily/2026/11/23-11-2026 Monday.md";
    let o = mdtasks_on(t.path(), "2026-11-23")
        .args(["log", "call", "v", "--at", "12:00"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        format!("{monday}: logged `12:00 call`\n"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(read(t.path(), monday).contains("12:00 call"));
    let tuesday = "v/Daily/2026/11/24-11-2026 Tuesday.md";
    let (_, err, code) = run(t.path(), &["open", "v"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(&format!("it would be {tuesday}")), "{err}");
    let (out, err, code) = run(t.path(), &["log", "late", "v", "--at", "23:00"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, format!("{tuesday}: created, logged `23:00 late`\n"));
    let (out, err, code) = run(t.path(), &["open", "v"]);
    assert_eq!((out, code), (format!("{tuesday}\n"), 0), "{err}");
}

/// A note in an excluded or hidden daily folder is no note to the walk, so it is not
/// today's note, even at the configured path.
#[test]
fn an_excluded_or_hidden_daily_folder_holds_no_note_of_the_day() {
    for (config, rel) in [
        (
            "[daily]\nfolder = \"daily\"\n[notes]\nexclude = [\"daily\"]\n",
            "daily/2026-11-24.md",
        ),
        ("[daily]\nfolder = \".daily\"\n", ".daily/2026-11-24.md"),
    ] {
        let t = tempfile::tempdir().unwrap();
        write(t.path(), &[(".mdtasks.toml", config), (rel, NOTE)]);
        let (out, err, code) = run(t.path(), &["open", "."]);
        assert_eq!(code, 1, "{rel}: {out}{err}");
        assert_eq!(
            err,
            format!(
                "no note for 2026-11-24; it would be {rel}\nhint: `mdtasks open --create` creates it\n"
            )
        );
    }
}

/// Symlinks on the way to today's note are the walk's business: a symlinked daily folder
/// inside the notes folder is followed, one leading outside it is not, and a note that is a
/// symlink to a note inside the folder is today's note.
#[cfg(unix)]
#[test]
fn symlinks_to_todays_note_count_as_the_walk_counts_them() {
    use std::os::unix::fs::symlink;
    let t = tempfile::tempdir().unwrap();
    let notes = t.path().join("notes");
    write(
        t.path(),
        &[
            ("notes/.mdtasks.toml", "[daily]\nfolder = \"Daily\"\n"),
            ("notes/real/2026-11-24.md", NOTE),
            ("elsewhere/2026-11-24.md", NOTE),
            ("flat/real.md", NOTE),
        ],
    );
    symlink("real", notes.join("Daily")).unwrap();
    let (out, err, code) = run(t.path(), &["open", "notes"]);
    assert_eq!(
        (out.as_str(), code),
        ("notes/Daily/2026-11-24.md\n", 0),
        "{err}"
    );

    // Not followed out of the notes folder: the walk finds today's other note instead.
    std::fs::remove_file(notes.join("Daily")).unwrap();
    symlink("../elsewhere", notes.join("Daily")).unwrap();
    let (out, err, code) = run(t.path(), &["open", "notes"]);
    assert_eq!(
        (out.as_str(), code),
        (
            "notes/real/2026-11-24.md
",
            0
        ),
        "{err}"
    );
    std::fs::remove_file(notes.join("real/2026-11-24.md")).unwrap();
    let (_, err, code) = run(t.path(), &["open", "notes"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with("no note for 2026-11-24"), "{err}");

    symlink("real.md", t.path().join("flat/2026-11-24.md")).unwrap();
    let (out, err, code) = run(t.path(), &["open", "flat"]);
    assert_eq!((out.as_str(), code), ("flat/2026-11-24.md\n", 0), "{err}");
}

/// A folder named like today's note is no note.
#[test]
fn a_folder_named_like_todays_note_is_not_it() {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(t.path().join("2026-11-24.md")).unwrap();
    write(t.path(), &[("2026-11-23.md", NOTE)]);
    let (_, err, code) = run(t.path(), &["open", "."]);
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with("no note for 2026-11-24"), "{err}");
}

/// A daily name the loader cannot read a date from (a pattern without `notes.date_format`)
/// is not found by name: not by the probe either, so `open` says there is no note, as
/// the walk always has.
#[test]
fn a_name_the_loader_cannot_date_is_not_found_by_its_path() {
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        &[
            (".mdtasks.toml", "[daily]\nname = \"%d-%m-%Y\"\n"),
            ("24-11-2026.md", NOTE),
        ],
    );
    let (_, err, code) = run(t.path(), &["open", "."]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("it would be 24-11-2026.md"), "{err}");
}
