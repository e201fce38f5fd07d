//! Real layouts: an Obsidian vault, a Logseq graph and a plain folder kept in a text editor
//! (`fixtures/vaults/`). Every reading command runs on each and shows what a user of that
//! tool sees; what the writing commands write reads back in the tool's own syntax.

use std::path::Path;

use crate::cli::{copy_dir, mdtasks_on, run};
use crate::support::root;

fn vault(name: &str) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    copy_dir(
        &root().join("fixtures/vaults").join(name),
        &t.path().join(name),
    );
    t
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

/// A vault set up only in Obsidian (`fixtures/vaults/obsidian-daily`, no mdtasks config):
/// `.obsidian/daily-notes.json` puts daily notes in `Daily/YYYY/MM/DD-MM-YYYY dddd.md` from
/// the template `Templates/Daily note`. Every day command finds and makes the notes where
/// Obsidian does, and the reading commands date them by those names.
#[test]
fn obsidian_daily_notes_settings() {
    let t = vault("obsidian-daily");
    let p = t.path();
    let v = "obsidian-daily";
    let day = |name: &str| p.join(v).join("Daily/2026/11").join(name);

    // `config` names every value that came from Obsidian, and is still a config file.
    let (out, err, code) = run(p, &["config", v]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "");
    for line in [
        "# settings from built-in defaults (no config file found)\n",
        "# and from obsidian-daily/.obsidian/daily-notes.json (Obsidian's daily notes), for what that leaves unset:\n",
        "#   daily.folder = \"Daily\"  (Obsidian's folder \"Daily\")\n",
        "#   daily.name = \"%Y/%m/%d-%m-%Y %A\"  (Obsidian's format \"YYYY/MM/DD-MM-YYYY dddd\")\n",
        "#   notes.date_format = \"%d-%m-%Y %A\"  (Obsidian's format \"YYYY/MM/DD-MM-YYYY dddd\")\n",
        "#   daily.template = \"Templates/Daily note.md\"  (Obsidian's template \"Templates/Daily note\")\n",
        "# daily: folder, name, template from obsidian-daily/.obsidian/daily-notes.json\n",
        "# notes: date_format from obsidian-daily/.obsidian/daily-notes.json\n",
        "# summary: default\n",
    ] {
        assert!(out.contains(line), "{line}\n{out}");
    }
    let s = mdtasks::config::Settings::parse(&out).unwrap();
    assert_eq!(s.file.daily.folder, "Daily");

    // Reading: notes dated by Obsidian's names (the 20th has no front matter).
    let (out, err, code) = run(p, &["entries", v, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let dates: Vec<String> = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["date"].to_string())
        .collect();
    assert_eq!(
        dates,
        ["\"2026-11-20\"", "\"2026-11-23\"", "\"2026-11-23\""]
    );

    // open: the note of a day, by Obsidian's name; a missing one names the path it would have.
    let (out, _, code) = run(p, &["open", "yesterday", v]);
    assert_eq!(
        (out.as_str(), code),
        ("obsidian-daily/Daily/2026/11/23-11-2026 Monday.md\n", 0)
    );
    let (_, err, code) = run(p, &["open", v]);
    assert_eq!(code, 1);
    assert!(
        err.contains("it would be obsidian-daily/Daily/2026/11/24-11-2026 Tuesday.md"),
        "{err}"
    );

    // today: created from Obsidian's template as Obsidian fills it, then rolled over.
    let (out, err, code) = run(p, &["today", v]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("obsidian-daily/Daily/2026/11/23-11-2026 Monday.md: marked rolled over"),
        "{out}"
    );
    let today = day("24-11-2026 Tuesday.md");
    assert_eq!(
        std::fs::read_to_string(&today).unwrap(),
        "---\ndate: 2026-11-24\n---\n# Tuesday, 24 November 2026\n\n\
         [[24-11-2026 Tuesday]] is filed as 2026/11/24-11-2026 Tuesday.\n\n\
         ## Tasks\n- [ ] Call the printer #money\n  - [ ] Ask for the proofs\n- [ ] Sort photos\n\n## Log\n"
    );
    assert!(
        std::fs::read_to_string(day("23-11-2026 Monday.md"))
            .unwrap()
            .contains("- [>] Call the printer #money\n")
    );
    // rollover finds today's note by its Obsidian name: nothing is carried twice.
    let (out, _, code) = run(p, &["rollover", v]);
    assert_eq!(code, 0);
    assert!(
        out.contains("24-11-2026 Tuesday.md: nothing to change"),
        "{out}"
    );

    // log goes into the same note.
    let (_, err, code) = run(p, &["log", "call Sam #money", "--at", "10:15", v]);
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::read_to_string(&today)
            .unwrap()
            .ends_with("## Log\n- 10:15 call Sam #money\n")
    );
    let (out, _, _) = run(p, &["entries", v]);
    assert!(
        out.contains("2026-11-24  10:15"),
        "the new note is dated by its name: {out}"
    );

    // open --create: another day, in its month's folder.
    let (out, err, code) = run(p, &["open", "--create", "2026-12-01", v]);
    assert_eq!(
        (out.as_str(), code),
        ("obsidian-daily/Daily/2026/12/01-12-2026 Tuesday.md\n", 0),
        "{err}"
    );
    let dec =
        std::fs::read_to_string(p.join(v).join("Daily/2026/12/01-12-2026 Tuesday.md")).unwrap();
    assert!(dec.starts_with("---\ndate: 2026-12-01\n---\n# Tuesday, 1 December 2026\n"));
    let (out, _, code) = run(p, &["check", v]);
    assert_eq!(code, 0, "{out}");
}

/// Settings written in the mdtasks config win over Obsidian's, which fill only the rest; a
/// broken or unusable Obsidian file is a warning naming it, and the commands still run.
#[test]
fn obsidian_settings_precedence_and_warnings() {
    let t = vault("obsidian-daily");
    let p = t.path();
    let v = "obsidian-daily";
    std::fs::write(
        p.join(v).join(".mdtasks.toml"),
        "[daily]\nfolder = \"journal\"\n",
    )
    .unwrap();
    let (out, _, code) = run(p, &["open", "yesterday", v]);
    assert_eq!(code, 0, "notes Obsidian named are still found: {out}");
    let (_, err, code) = run(p, &["open", v]);
    assert_eq!(code, 1);
    assert!(
        err.contains("it would be obsidian-daily/journal/2026/11/24-11-2026 Tuesday.md"),
        "{err}"
    );
    let (out, _, _) = run(p, &["config", v]);
    assert!(
        out.contains(
            "# daily: set in obsidian-daily/.mdtasks.toml; name, template from obsidian-daily/.obsidian/daily-notes.json\n"
        ),
        "{out}"
    );
    assert!(!out.contains("daily.folder = "), "{out}");
    std::fs::remove_file(p.join(v).join(".mdtasks.toml")).unwrap();

    // Malformed: a warning with the file and the place, then mdtasks's own defaults.
    let json = p.join(v).join(".obsidian/daily-notes.json");
    std::fs::write(&json, "{folder: \"Daily\"}").unwrap();
    let (out, err, code) = run(p, &["tasks", v]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Call the printer"), "{out}");
    assert!(
        err.starts_with(
            "warning: obsidian-daily/.obsidian/daily-notes.json: not valid JSON (key must be a string at line 1 column 2); Obsidian's daily-note settings are not used\n"
        ),
        "{err}"
    );
    let (_, err, code) = run(p, &["open", v]);
    assert_eq!(code, 1);
    assert!(
        err.contains("it would be obsidian-daily/2026-11-24.md"),
        "{err}"
    );
    let (out, _, code) = run(p, &["config", v]);
    assert_eq!(code, 0);
    assert!(!out.contains("Obsidian"), "{out}");

    // A format mdtasks cannot read back: the rest is still taken.
    std::fs::write(
        &json,
        r#"{"folder":"Daily","format":"YYYY/MM/DD dddd","template":"Templates/Daily note"}"#,
    )
    .unwrap();
    let (_, err, code) = run(p, &["open", v]);
    assert_eq!(code, 1);
    assert!(
        err.contains("warning: obsidian-daily/.obsidian/daily-notes.json: the daily note format \"YYYY/MM/DD dddd\" is not used"),
        "{err}"
    );
    assert!(
        err.contains("it would be obsidian-daily/Daily/2026-11-24.md"),
        "{err}"
    );
}
