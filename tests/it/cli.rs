//! The real binary, run in a temp folder with a fixed `--today` and a cleared environment.

use std::path::Path;

use assert_cmd::Command;

use crate::support::root;

pub fn mdtasks(dir: &Path) -> Command {
    mdtasks_on(dir, "2026-11-24")
}

/// The binary with another fixed today.
pub fn mdtasks_on(dir: &Path, today: &str) -> Command {
    let mut c = Command::cargo_bin("mdtasks").unwrap();
    c.env_clear().current_dir(dir).arg("--today").arg(today);
    c
}

pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// A temp folder holding a copy of the sample journal as `journal/`.
pub fn journal() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    copy_dir(&root().join("fixtures/journal"), &t.path().join("journal"));
    t
}

/// Runs the binary in `dir`; its stdout, stderr and exit code.
/// The object of `v[key]` (an array) whose `field` equals `value`.
pub fn find_in<'a>(
    v: &'a serde_json::Value,
    key: &str,
    field: &str,
    value: &str,
) -> &'a serde_json::Value {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r[field] == value)
        .unwrap_or_else(|| panic!("no {key} with {field} = {value}"))
}

pub fn run(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let o = mdtasks(dir).args(args).output().unwrap();
    (
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
        o.status.code().unwrap(),
    )
}

#[test]
fn tasks_on_sample_journal() {
    let t = journal();
    let (out, err, code) = run(t.path(), &["tasks", "journal"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("cli_tasks_open", out);
}

#[test]
fn tasks_filters() {
    let t = journal();
    let (out, _, code) = run(t.path(), &["tasks", "journal", "--all", "--tag", "money"]);
    assert_eq!(code, 0);
    assert!(out.lines().count() > 5);
    assert!(out.lines().all(|l| l.contains("#money")), "{out}");
    let (out, _, _) = run(t.path(), &["tasks", "journal", "--status", "done"]);
    assert!(
        out.lines()
            .all(|l| l.contains("[x]") || l.contains("[X]") || l.contains("DONE")),
        "{out}"
    );
    let (out, _, _) = run(
        t.path(),
        &["tasks", "journal", "--due-before", "2026-11-14"],
    );
    assert!(!out.is_empty());
    let (_, err, code) = run(t.path(), &["tasks", "journal", "--status", "bogus"]);
    assert_eq!(code, 2);
    assert!(err.contains("--status `bogus` is not a status"), "{err}");
}

#[test]
fn tasks_json_lines() {
    let t = journal();
    let (out, _, code) = run(t.path(), &["tasks", "journal", "--all", "--format", "json"]);
    assert_eq!(code, 0);
    let mut parents = 0;
    for line in out.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        for k in [
            "path",
            "line",
            "column",
            "status",
            "checked",
            "text",
            "tags",
            "date",
            "parent_line",
            "due",
            "priority",
            "estimate_minutes",
        ] {
            assert!(v.get(k).is_some(), "missing {k} in {line}");
        }
        assert!(v["path"].as_str().unwrap().starts_with("journal/"));
        parents += usize::from(!v["parent_line"].is_null());
    }
    assert!(parents > 10, "micro-tasks must know their parent");
}

#[test]
fn entries_on_sample_journal() {
    let t = journal();
    let (out, err, code) = run(t.path(), &["entries", "journal", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(rows.len() > 150);
    let crossing: Vec<_> = rows.iter().filter(|r| !r["end_date"].is_null()).collect();
    assert_eq!(crossing.len(), 1, "the 2026-11-20 reading crosses midnight");
    assert_eq!(crossing[0]["minutes"], 75);
    assert_eq!(crossing[0]["end_date"], "2026-11-21");
    let (text, _, _) = run(t.path(), &["entries", "journal"]);
    insta::assert_snapshot!("cli_entries_text", text);
}

#[test]
fn check_clean_journal_exits_zero() {
    let t = journal();
    let (out, _, code) = run(t.path(), &["check", "journal"]);
    assert_eq!(code, 0);
    assert_eq!(out, "no problems in 17 notes\n");
}

#[test]
fn check_errors_exit_two_and_others_still_read() {
    let t = tempfile::tempdir().unwrap();
    copy_dir(&root().join("fixtures/errors"), t.path());
    std::fs::write(t.path().join("fine.md"), "- [ ] still listed\n").unwrap();
    let (out, _, code) = run(t.path(), &["check", "."]);
    assert_eq!(code, 2);
    assert!(out.ends_with("8 errors, 8 warnings in 11 notes\n"), "{out}");
    let (out, err, code) = run(t.path(), &["tasks", "."]);
    assert_eq!(code, 2, "an unreadable file makes the exit code say so");
    assert!(out.contains("fine.md:1: [ ] still listed"), "{out}");
    assert!(err.contains("error[not-utf8]"), "{err}");
    assert!(err.contains("error[binary-file]"), "{err}");
    // The half-merged note is not read: none of its entries is listed.
    assert!(err.contains("error[merge-conflict]"), "{err}");
    let (out, _, _) = run(t.path(), &["entries", "."]);
    assert!(!out.contains("write chapter"), "{out}");
}

#[test]
fn check_warnings_only_exit_one() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("a.md"), "- 09:00-10:00 a\n- 09:30-10:30 b\n").unwrap();
    let (out, _, code) = run(t.path(), &["check"]);
    assert_eq!(code, 1);
    assert!(out.contains("warning[overlapping-entries]"), "{out}");
    assert!(out.contains(" --> a.md:2:3"), "{out}");
}

#[test]
fn missing_path_is_a_clear_error() {
    let t = tempfile::tempdir().unwrap();
    for cmd in ["check", "tasks", "entries"] {
        let (out, err, code) = run(t.path(), &[cmd, "no/such/folder"]);
        assert_eq!(code, 2);
        assert!(out.is_empty());
        assert_eq!(
            err,
            format!(
                "error: no/such/folder: no such file or folder\nhint: give the path of a notes folder or a note, e.g. `mdtasks {cmd} journal/`\n"
            )
        );
    }
}

#[test]
fn bad_today_is_a_clear_error() {
    let t = tempfile::tempdir().unwrap();
    let o = Command::cargo_bin("mdtasks")
        .unwrap()
        .env_clear()
        .current_dir(t.path())
        .args(["tasks", "--today", "24/11/2026"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: --today `24/11/2026` is not a date; write it as YYYY-MM-DD, e.g. 2026-11-24\n"
    );
}

#[test]
fn empty_folder_lists_nothing() {
    let t = tempfile::tempdir().unwrap();
    let (out, err, code) = run(t.path(), &["tasks"]);
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        ("", "no tasks match\n", 1)
    );
}

#[test]
fn sync_conflicts_and_hidden_folders_are_not_notes() {
    let t = tempfile::tempdir().unwrap();
    let p = t.path();
    std::fs::write(p.join("2026-11-24.md"), "- [ ] real\n").unwrap();
    std::fs::write(
        p.join("2026-11-24.sync-conflict-20261124-101010-ABCDEFG.md"),
        "- [ ] copy\n",
    )
    .unwrap();
    std::fs::write(
        p.join("2026-11-24 (conflicted copy 2026-11-24).md"),
        "- [ ] copy\n",
    )
    .unwrap();
    std::fs::write(p.join("2026-11-24 2.md"), "- [ ] copy\n").unwrap();
    for hidden in [".obsidian", ".trash", ".stversions", ".git"] {
        std::fs::create_dir(p.join(hidden)).unwrap();
        std::fs::write(p.join(hidden).join("x.md"), "- [ ] hidden\n").unwrap();
    }
    let (out, _, code) = run(p, &["tasks"]);
    assert_eq!(out, "2026-11-24.md:1: [ ] real\n");
    assert_eq!(code, 0);
    let (out, _, code) = run(p, &["check"]);
    assert_eq!(code, 1);
    assert_eq!(out.matches("warning[sync-conflict]").count(), 3, "{out}");
    assert!(
        out.contains("sync-conflict copy of `2026-11-24.md`"),
        "{out}"
    );
}

#[cfg(unix)]
#[test]
fn symlinks_outside_root_and_loops() {
    let t = tempfile::tempdir().unwrap();
    let notes = t.path().join("notes");
    let outside = t.path().join("outside");
    std::fs::create_dir_all(notes.join("sub")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.md"), "- [ ] outside\n").unwrap();
    std::fs::write(notes.join("sub/a.md"), "- [ ] inside\n").unwrap();
    std::os::unix::fs::symlink(&outside, notes.join("out")).unwrap();
    std::os::unix::fs::symlink(&notes, notes.join("sub/loop")).unwrap();
    let (out, _, _) = run(t.path(), &["tasks", "notes"]);
    assert_eq!(out, "notes/sub/a.md:1: [ ] inside\n");
    let (out, _, _) = run(t.path(), &["check", "notes"]);
    assert!(out.contains("warning[symlink-outside-root]"), "{out}");
    assert!(out.contains("warning[filesystem-loop]"), "{out}");
}

#[test]
fn closed_pipe_is_not_an_error() {
    let t = tempfile::tempdir().unwrap();
    let mut s = String::new();
    for i in 0..20000 {
        s.push_str(&format!("- [ ] task {i}\n"));
    }
    std::fs::write(t.path().join("big.md"), s).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("mdtasks");
    let o = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' --today 2026-11-24 tasks . | head -1; exit ${{PIPESTATUS:-0}}",
            bin.display()
        ))
        .current_dir(t.path())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout), "big.md:1: [ ] task 0\n");
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn summarize_every_format_on_sample_journal() {
    let t = journal();
    for (name, args) in [
        ("text", vec!["summarize", "journal"]),
        ("md", vec!["summarize", "journal", "--format", "md"]),
        ("json", vec!["summarize", "journal", "--format", "json"]),
        (
            "csv_days",
            vec!["summarize", "journal", "--format", "csv", "--csv", "days"],
        ),
        (
            "csv_tags",
            vec!["summarize", "journal", "--format", "csv", "--csv", "tags"],
        ),
        (
            "last_week_text",
            vec!["summarize", "journal", "--week", "2026-W47"],
        ),
    ] {
        let (out, err, code) = run(t.path(), &args);
        assert_eq!(code, 0, "{name}: {err}");
        assert!(err.is_empty(), "{name}: {err}");
        assert!(!out.contains('\u{1b}'), "{name}: no colour in a pipe");
        insta::assert_snapshot!(format!("summarize_{name}"), out);
    }
    let (out, _, code) = run(t.path(), &["summarize", "journal", "--format", "csv"]);
    assert_eq!(code, 0);
    assert_eq!(
        out.lines().next().unwrap(),
        "date,start,end,minutes,category,tags,text,path,line"
    );
    assert_eq!(out.lines().count(), 247, "a header and one row per entry");
}

#[test]
fn summarize_colour_only_when_asked() {
    let t = journal();
    let (out, _, _) = run(t.path(), &["--color", "always", "summarize", "journal"]);
    assert!(out.contains('\u{1b}'));
    let o = mdtasks(t.path())
        .env("NO_COLOR", "1")
        .args(["summarize", "journal"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&o.stdout).contains('\u{1b}'));
}

/// Every field of the summary JSON is in docs/json.md, and every field there is in the output.
#[test]
fn summary_json_matches_docs() {
    let t = journal();
    let (out, _, _) = run(
        t.path(),
        &["summarize", "journal", "--format", "json", "--entries"],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut got = std::collections::BTreeSet::new();
    flatten(&v, "", &mut got);
    let doc = std::fs::read_to_string(root().join("docs/json.md")).unwrap();
    let section = doc
        .split("## `mdtasks summarize --format json`")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .unwrap();
    let mut documented = std::collections::BTreeSet::new();
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let cell = line.split('|').nth(1).unwrap();
        let names: Vec<&str> = cell.split('`').skip(1).step_by(2).collect();
        let first = names[0];
        let parent = first.rsplit_once('.').map(|p| p.0).unwrap_or("");
        for n in names {
            documented.insert(if let Some(rest) = n.strip_prefix('.') {
                format!("{parent}.{rest}")
            } else {
                n.to_string()
            });
        }
    }
    assert_eq!(got, documented);
}

fn flatten(v: &serde_json::Value, path: &str, out: &mut std::collections::BTreeSet<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                let key = if path.ends_with("categories") && !path.is_empty() && x.is_number() {
                    "<category>"
                } else {
                    k.as_str()
                };
                let p = if path.is_empty() {
                    key.to_string()
                } else {
                    format!("{path}.{key}")
                };
                out.insert(p.clone());
                flatten(x, &p, out);
            }
        }
        serde_json::Value::Array(a) => {
            for x in a {
                if x.is_object() {
                    flatten(x, &format!("{path}[]"), out);
                }
            }
        }
        _ => {}
    }
}

#[test]
fn summarize_empty_folder_is_friendly() {
    let t = tempfile::tempdir().unwrap();
    let (out, err, code) = run(t.path(), &["summarize"]);
    assert_eq!(code, 1, "nothing found: {err}");
    assert!(out.contains("No time entries"), "{out}");
    assert!(
        out.contains("- 09:00-10:30"),
        "the message shows what a log line looks like: {out}"
    );
}

#[test]
fn summarize_folder_without_entries_and_period_without_notes() {
    let t = journal();
    std::fs::write(t.path().join("tasks-only.md"), "- [ ] a task\n").unwrap();
    let (out, _, code) = run(t.path(), &["summarize", "tasks-only.md"]);
    assert_eq!(code, 1);
    assert!(out.contains("No time entries"), "{out}");
    let (out, _, code) = run(t.path(), &["summarize", "journal", "--month", "2025-01"]);
    assert_eq!(code, 1);
    assert!(out.contains("No time entries"), "{out}");
}

#[test]
fn summarize_bad_period_and_format() {
    let t = journal();
    let (_, err, code) = run(t.path(), &["summarize", "journal", "--last", "3x"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("error: --last"), "{err}");
    let (_, err, code) = run(
        t.path(),
        &["summarize", "journal", "--last", "3d", "--week"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("--week"), "{err}");
    let (_, err, code) = run(t.path(), &["summarize", "journal", "--format", "pdf"]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid value 'pdf' for '--format"), "{err}");
}

#[test]
fn bad_config_is_reported_with_its_line() {
    let t = journal();
    std::fs::write(
        t.path().join("journal/.mdtasks.toml"),
        "[summary]\nfocus_minutes = 45\nfocus_minuts = 30\n",
    )
    .unwrap();
    let (out, err, code) = run(t.path(), &["summarize", "journal"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    insta::assert_snapshot!("bad_config", err);
}

#[test]
fn init_writes_a_config_once() {
    let t = tempfile::tempdir().unwrap();
    let (out, _, code) = run(t.path(), &["init"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "wrote ./.mdtasks.toml; edit it to set your categories\n"
    );
    let written = std::fs::read_to_string(t.path().join(".mdtasks.toml")).unwrap();
    assert_eq!(written, mdtasks::config::DEFAULT_CONFIG);
    std::fs::write(t.path().join(".mdtasks.toml"), "# mine\n").unwrap();
    let (_, err, code) = run(t.path(), &["init"]);
    assert_eq!(code, 2);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(
        std::fs::read_to_string(t.path().join(".mdtasks.toml")).unwrap(),
        "# mine\n"
    );
}

/// The README shows the start of what its first command prints; it must stay true.
#[test]
fn readme_excerpt_is_what_summarize_prints() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let shown = readme
        .split("```text\n")
        .nth(1)
        .and_then(|s| s.split("\n...\n```").next())
        .unwrap();
    let o = Command::cargo_bin("mdtasks")
        .unwrap()
        .env_clear()
        .current_dir(root())
        .args(["summarize", "fixtures/journal"])
        .output()
        .unwrap();
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.starts_with(shown),
        "README excerpt differs from:\n{out}"
    );
}

/// Day totals of the sample journal, checked by hand and by an independent script: 2026-11-14
/// ends with `22:30 END`, 2026-11-20 with a range across midnight (23:30-00:45).
#[test]
fn sample_journal_day_totals() {
    let t = journal();
    let (out, _, _) = run(t.path(), &["summarize", "journal", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let day = |d: &str| {
        find_in(&v, "days", "date", d)["logged_minutes"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(day("2026-11-09"), 910);
    assert_eq!(day("2026-11-14"), 900);
    assert_eq!(day("2026-11-20"), 1095);
    assert_eq!(day("2026-11-15"), 0, "no note that day");
}

#[test]
fn next_in_progress_and_stale_on_sample_journal() {
    let t = journal();
    for (name, args) in [
        ("next", vec!["next", "journal"]),
        ("next_minutes", vec!["next", "journal", "--minutes", "45"]),
        (
            "next_tag",
            vec!["next", "journal", "--tag", "money", "--limit", "3"],
        ),
        ("in_progress", vec!["tasks", "journal", "--in-progress"]),
        ("stale", vec!["tasks", "journal", "--stale", "2"]),
    ] {
        let (out, err, code) = run(t.path(), &args);
        assert_eq!(code, 0, "{name}: {err}");
        insta::assert_snapshot!(format!("tasks_{name}"), out);
    }
    let (out, _, _) = run(
        t.path(),
        &["next", "journal", "--minutes", "45", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let picked: u64 = v["picked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["estimate_minutes"].as_u64().unwrap())
        .sum();
    assert!(picked <= 45 && picked == v["picked_minutes"].as_u64().unwrap());
}

#[test]
fn blocks_on_sample_journal() {
    let t = journal();
    for (name, args) in [
        ("text", vec!["blocks", "journal"]),
        (
            "md",
            vec!["blocks", "journal", "--format", "md", "--weeks", "4"],
        ),
        ("csv", vec!["blocks", "journal", "--format", "csv"]),
    ] {
        let (out, err, code) = run(t.path(), &args);
        assert_eq!(code, 0, "{name}: {err}");
        insta::assert_snapshot!(format!("blocks_{name}"), out);
    }
    let (out, _, _) = run(t.path(), &["blocks", "journal", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["longest_streak"]["days"], 4);
    assert_eq!(v["longest_streak"]["from"], "2026-11-16");
    assert_eq!(v["current_streak"]["days"], 2);
    assert_eq!(v["current_streak"]["today_pending"], true);
}

#[test]
fn blocks_without_blocks_is_friendly() {
    let t = tempfile::tempdir().unwrap();
    let (out, _, code) = run(t.path(), &["blocks"]);
    assert_eq!(code, 1, "nothing found");
    assert!(out.contains("No time blocks found"), "{out}");
    assert!(out.contains("## Time Blocks"), "{out}");
    std::fs::write(
        t.path().join("2026-11-24.md"),
        "- [ ] a task, not a block\n",
    )
    .unwrap();
    let (out, _, code) = run(t.path(), &["blocks"]);
    assert_eq!(code, 1);
    assert!(out.contains("No time blocks found"), "{out}");
}

#[test]
fn blocks_rest_days_from_config() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(
        t.path().join(".mdtasks.toml"),
        "[blocks]\nrest_days = [\"sun\"]\n",
    )
    .unwrap();
    // Sat won, Sun without a note (rest), Mon won: the streak holds over the rest day.
    for (d, mark) in [
        ("2026-11-21", "x"),
        ("2026-11-23", "x"),
        ("2026-11-24", " "),
    ] {
        std::fs::write(
            t.path().join(format!("{d}.md")),
            format!("## Time Blocks\n- [{mark}] Exercise\n"),
        )
        .unwrap();
    }
    let (out, err, code) = run(t.path(), &["blocks", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["current_streak"]["days"], 2, "{out}");
    std::fs::write(
        t.path().join(".mdtasks.toml"),
        "[blocks]\nrest_days = [\"sundy\"]\n",
    )
    .unwrap();
    let (_, err, code) = run(t.path(), &["blocks"]);
    assert_eq!(code, 2);
    assert!(err.contains("`sundy` is not a day of the week"), "{err}");
}

/// fixtures/daily-game: a streak across a month end, a missed weekday, a rest Sunday, a
/// flexible `#active` block met by a logged run, a deep micro-task tree, estimates in all
/// three forms and a numbered list.
#[test]
fn daily_game_fixture() {
    let t = tempfile::tempdir().unwrap();
    copy_dir(&root().join("fixtures/daily-game"), &t.path().join("game"));
    for (name, args) in [
        ("blocks", vec!["blocks", "game"]),
        (
            "blocks_md",
            vec!["blocks", "game", "--format", "md", "--weeks", "2"],
        ),
        ("next_40m", vec!["next", "game", "--minutes", "40"]),
        ("tasks", vec!["tasks", "game"]),
        ("in_progress", vec!["tasks", "game", "--in-progress"]),
    ] {
        let o = mdtasks_on(t.path(), "2026-11-03")
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        insta::assert_snapshot!(
            format!("daily_game_{name}"),
            String::from_utf8(o.stdout).unwrap()
        );
    }
    let o = mdtasks_on(t.path(), "2026-11-03")
        .args(["blocks", "game", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["current_streak"]["days"], 3,
        "Oct 30 to Nov 2 across the month end and a rest day"
    );
    let day = |d: &str| find_in(&v, "days", "date", d).clone();
    assert_eq!(
        day("2026-10-31")["state"],
        "won",
        "the #active run satisfies the group"
    );
    assert_eq!(day("2026-11-01")["state"], "rest");
    assert_eq!(day("2026-10-29")["state"], "missed");
}

/// fixtures/blocks-split: a day's blocks, and the entries and done tasks that satisfy them or
/// log time for them, are in different notes: a log that sorts before the daily notes, a
/// `Time Log` holding several days, daily notes in a subfolder; a clock line and a Day
/// Planner line are their block's own. The streamed report equals the one computed from the
/// notes loaded whole.
#[test]
fn blocks_split_across_notes() {
    use mdtasks::config::Settings;
    use mdtasks::load::{LoadOptions, load};
    use mdtasks::parse::ParseOptions;
    use mdtasks::report::Period;
    use mdtasks::report::blocks::{BlocksOptions, blocks_report};

    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("split");
    copy_dir(&root().join("fixtures/blocks-split"), &dir);
    let (out, err, code) = run(t.path(), &["blocks", "split"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("blocks_split_text", out);
    let (json, _, _) = run(t.path(), &["blocks", "split", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let day = |d: &str| find_in(&v, "days", "date", d).clone();
    let block = |d: &str, key: &str| find_in(&day(d), "blocks", "key", key).clone();
    // Logged in the log that sorts first and in the daily note.
    assert_eq!(block("2026-11-19", "deep work")["logged_minutes"], 30);
    assert_eq!(
        block("2026-11-19", "something active")["satisfied_by"],
        "active"
    );
    // The block `run` logs nothing by its own clock line; a done task of the 20th, done on
    // the 22nd, satisfies its #active, and the 22nd's (an intended block) too.
    assert_eq!(block("2026-11-20", "run")["logged_minutes"], 0);
    assert_eq!(block("2026-11-20", "run")["satisfied_by"], "active");
    assert_eq!(block("2026-11-22", "something active")["source"], "config");
    assert_eq!(
        block("2026-11-22", "something active")["satisfied_by"],
        "active"
    );
    // The Time Log's entry logs time for the subfolder note's block.
    assert_eq!(block("2026-11-21", "product")["logged_minutes"], 60);

    let settings =
        Settings::parse(&std::fs::read_to_string(dir.join(".mdtasks.toml")).unwrap()).unwrap();
    let opts = LoadOptions {
        parse: ParseOptions {
            name_date: None,
            plan_headings: settings.plan_headings_lower(),
        },
        ..LoadOptions::default()
    };
    let loaded = load(&dir, "split", &opts).unwrap();
    let whole = blocks_report(
        &loaded.notes,
        &settings,
        &Period::ALL,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
        &BlocksOptions {
            weeks: 8,
            rest_days: settings.file.blocks.rest_weekdays().unwrap(),
        },
    );
    assert_eq!(
        json,
        format!("{}\n", serde_json::to_string_pretty(&whole).unwrap())
    );
}

#[test]
fn export_ics_and_todotxt() {
    let t = journal();
    let (ics, err, code) = run(t.path(), &["export", "journal", "--format", "ics"]);
    assert_eq!(code, 0, "{err}");
    let unfolded = icalendar::parser::unfold(&ics);
    let cal = icalendar::parser::read_calendar(&unfolded).expect("a calendar app can read it");
    let events = cal.components.iter().filter(|c| c.name == "VEVENT").count();
    let todos = cal.components.iter().filter(|c| c.name == "VTODO").count();
    // Every closed entry of the journal is an event (the summary counts 246, none open).
    assert_eq!(events, 246);
    assert!(todos > 10, "dated tasks become to-dos");
    let (again, _, _) = run(t.path(), &["export", "journal", "--format", "ics"]);
    assert_eq!(ics, again, "the same notes give the same file");
    let (week, _, _) = run(
        t.path(),
        &["export", "journal", "--format", "ics", "--week", "2026-W47"],
    );
    assert!(week.matches("BEGIN:VEVENT").count() < events);
    let (todo, _, code) = run(t.path(), &["export", "journal", "--format", "todotxt"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("export_todotxt", todo);
}

/// The calendar is written as the notes stream by, its head before the first note's
/// events: a folder that is not there prints no half calendar, and an empty one prints a
/// whole (empty) calendar.
#[test]
fn export_ics_of_a_missing_or_empty_folder() {
    let t = journal();
    let (out, err, code) = run(t.path(), &["export", "missing", "--format", "ics"]);
    assert_eq!((out.as_str(), code), ("", 2), "{err}");
    assert!(err.contains("missing"), "{err}");
    std::fs::create_dir(t.path().join("empty")).unwrap();
    let (out, err, code) = run(t.path(), &["export", "empty", "--format", "ics"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("BEGIN:VCALENDAR\r\n"), "{out}");
    assert!(out.ends_with("END:VCALENDAR\r\n"), "{out}");
    assert_eq!(out.matches("VCALENDAR").count(), 2, "{out}");
    assert!(!out.contains("BEGIN:VEVENT"));
}

/// A report on a period finds its daily notes by name: a note dated far outside the period is
/// not even read (its broken bytes go unnoticed), while a report without a period reads it,
/// and notes without a date in their name are always read.
#[test]
fn period_reads_only_the_notes_named_for_it() {
    let t = journal();
    let j = t.path().join("journal");
    std::fs::write(j.join("2020-01-01.md"), b"- 09:00-10:00 old \xff\n").unwrap();
    let week = [
        "summarize",
        "journal",
        "--week",
        "2026-W47",
        "--format",
        "json",
    ];
    let (out, err, code) = run(t.path(), &week);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("not-utf8"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // 2026-W47 is Nov 16-22: its days are as a full read of every note gives them (the daily
    // notes of those days and the undated "Time Log" note's headings for them).
    let (all, _, _) = run(t.path(), &["summarize", "journal", "--format", "json"]);
    let full: serde_json::Value = serde_json::from_str(&all).unwrap();
    let in_week: Vec<&serde_json::Value> = full["days"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| ("2026-11-16".."2026-11-23").contains(&d["date"].as_str().unwrap()))
        .collect();
    let got: Vec<&serde_json::Value> = v["days"].as_array().unwrap().iter().collect();
    assert_eq!(got, in_week);
    assert!(v["overview"]["total_minutes"].as_u64().unwrap() > 0);
    let (_, err, code) = run(t.path(), &["summarize", "journal"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("error[not-utf8]") && err.contains("2020-01-01.md"),
        "{err}"
    );
}
