//! Real layouts: an Obsidian vault, a Logseq graph and a plain folder kept in a text editor
//! (`fixtures/vaults/`). Every reading command runs on each and shows what a user of that
//! tool sees; what the writing commands write reads back in the tool's own syntax.

use std::path::Path;

use crate::cli::{copy_dir, mdtasks, mdtasks_on};
use crate::support::root;

fn vault(name: &str) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    copy_dir(
        &root().join("fixtures/vaults").join(name),
        &t.path().join(name),
    );
    t
}

fn run(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let o = mdtasks(dir).args(args).output().unwrap();
    (
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
        o.status.code().unwrap(),
    )
}

/// Every reading command, one after the other, as one reviewable snapshot.
fn reading_commands(dir: &Path, v: &str) -> String {
    let mut all = String::new();
    for args in [
        vec!["check", v],
        vec!["tasks", v, "--all"],
        vec!["entries", v],
        vec!["next", v],
        vec!["tasks", v, "--in-progress"],
        vec!["blocks", v, "--weeks", "1"],
        vec!["summarize", v, "--format", "md"],
    ] {
        let (out, err, code) = run(dir, &args);
        assert!(code <= 1, "{args:?}: {err}");
        all.push_str(&format!(
            "$ mdtasks {} (exit {code})\n{out}{err}\n",
            args.join(" ")
        ));
    }
    all
}

#[test]
fn obsidian_vault() {
    let t = vault("obsidian");
    let p = t.path();
    let seen = reading_commands(p, "obsidian");
    // Not notes: the trash, the template, a Tasks query block.
    assert!(!seen.contains("deleted note task"));
    assert!(!seen.contains("Templates/Daily.md"));
    assert!(!seen.contains("not done"));
    insta::assert_snapshot!("obsidian_reading", seen);

    let (diff, err, code) = run(p, &["rollover", "obsidian", "--dry-run"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("obsidian_rollover", diff);
    run(p, &["rollover", "obsidian"]);
    let today = std::fs::read_to_string(p.join("obsidian/Daily Notes/2026-11-24.md")).unwrap();
    // Obsidian Tasks fields stay on the line, in place, as written.
    assert!(
        today.contains("- [ ] Draft the pricing page #client ⏫ 📅 2026-11-25 ⏳ 2026-11-24\n")
    );
    assert!(today.contains("- [ ] Renew domain 🔁 every year 📅 2026-12-01 🔽\n"));
    let before = std::fs::read_to_string(p.join("obsidian/Daily Notes/2026-11-23.md")).unwrap();
    assert!(before.contains("- [>] Draft the pricing page"));
    // A new daily note from Obsidian's own template, Moment formats filled in.
    let (out, err, code) = mdtasks_on(p, "2026-11-25")
        .args(["today", "obsidian"])
        .output()
        .map(|o| {
            (
                String::from_utf8(o.stdout).unwrap(),
                String::from_utf8(o.stderr).unwrap(),
                o.status.code().unwrap(),
            )
        })
        .unwrap();
    assert_eq!(code, 0, "{out}{err}");
    let new = std::fs::read_to_string(p.join("obsidian/Daily Notes/2026-11-25.md")).unwrap();
    assert!(
        new.starts_with("---\ndate: 2026-11-25\n---\n# Wednesday\n"),
        "{new}"
    );
}

#[test]
fn logseq_graph() {
    let t = vault("logseq");
    let p = t.path();
    let seen = reading_commands(p, "logseq");
    assert!(
        !seen.contains("backup copy"),
        "logseq/bak holds copies, not notes"
    );
    insta::assert_snapshot!("logseq_reading", seen);
    // Clocked time: 1:30 + 0:45 on the report, 0:20 on the slides; the running clock is open.
    let (out, _, _) = run(p, &["entries", "logseq", "--format", "json"]);
    let minutes: Vec<i64> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["minutes"]
                .as_i64()
                .unwrap_or(-1)
        })
        .collect();
    assert_eq!(minutes, [90, 20, 45, -1]);

    let (diff, err, code) = run(p, &["rollover", "logseq", "--dry-run"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("logseq_rollover", diff);
    run(p, &["rollover", "logseq"]);
    let today = std::fs::read_to_string(p.join("logseq/journals/2026_11_24.md")).unwrap();
    // Still Logseq blocks: TODO stays TODO, no Markdown heading in an outline.
    assert!(
        today.contains("\n- TODO Write the quarterly report #work\n"),
        "{today}"
    );
    assert!(today.contains("\n- LATER [#A] Book the venue\n"), "{today}");
    assert!(!today.contains("## Tasks"), "{today}");
    let (again, _, _) = run(p, &["rollover", "logseq"]);
    assert!(
        !again.contains("rolled over"),
        "a second run adds nothing: {again}"
    );
}

#[test]
fn plain_folder() {
    let t = vault("plain");
    let p = t.path();
    let seen = reading_commands(p, "plain");
    insta::assert_snapshot!("plain_reading", seen);
    let (out, _, _) = run(p, &["tasks", "plain"]);
    assert!(
        out.contains("1. [ ] first thing") || out.contains("[ ] first thing  ← next"),
        "{out}"
    );
    let (diff, _, code) = run(
        p,
        &[
            "log",
            "call the bank",
            "--at",
            "10:45",
            "plain",
            "--dry-run",
        ],
    );
    assert_eq!(code, 0);
    insta::assert_snapshot!("plain_log", diff);
}
