//! CLI conventions: help with examples on every command, `--version`, completions, the man
//! page, config discovery and `mdtasks config`, `open`, and `--quiet`.

use std::path::Path;

use clap::CommandFactory;
use mdtasks::cli::Cli;

use crate::cli::{copy_dir, journal, mdtasks};
use crate::support::root;

fn run_cmd(mut c: assert_cmd::Command) -> (String, String, i32) {
    let o = c.output().unwrap();
    (
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
        o.status.code().unwrap(),
    )
}

fn run(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let mut c = mdtasks(dir);
    c.args(args);
    run_cmd(c)
}

#[test]
fn every_subcommand_has_help_with_examples() {
    let t = tempfile::tempdir().unwrap();
    let names: Vec<String> = Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .filter(|n| n != "help")
        .collect();
    assert!(names.len() >= 15, "{names:?}");
    for name in &names {
        let (out, err, code) = run(t.path(), &[name, "--help"]);
        assert_eq!(code, 0, "{name} --help: {err}");
        assert!(
            out.contains("\nExamples:\n"),
            "{name} --help has no examples:\n{out}"
        );
        assert!(out.contains(&format!("mdtasks {name}")), "{name}: {out}");
    }
    let (out, _, code) = run(t.path(), &["--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("Examples:"), "{out}");
}

#[test]
fn version() {
    let t = tempfile::tempdir().unwrap();
    let (out, _, code) = run(t.path(), &["--version"]);
    assert_eq!(code, 0);
    assert_eq!(out.trim(), format!("mdtasks {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn completions_for_every_shell() {
    let t = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (out, err, code) = run(t.path(), &["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(out.contains("summarize"), "{shell}: {out}");
        assert!(out.contains("rollover"), "{shell}");
    }
    let (_, err, code) = run(t.path(), &["completions", "tcsh"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn man_page() {
    let t = tempfile::tempdir().unwrap();
    let (out, err, code) = run(t.path(), &["man"]);
    assert_eq!(code, 0, "{err}");
    // clap_mangen starts with the `.ie`/`.el` quote set-up, then the title.
    assert!(out.starts_with(".ie"), "{}", &out[..out.len().min(200)]);
    assert!(out.lines().any(|l| l.starts_with(".TH mdtasks 1")), "{out}");
    assert!(out.contains("rollover"));
    assert!(out.contains(env!("CARGO_PKG_VERSION")));
}

/// Writes `[summary] focus_minutes = N` as a config file at `path`.
fn config_with(path: &Path, focus: u32) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, format!("[summary]\nfocus_minutes = {focus}\n")).unwrap();
}

/// `mdtasks config journal` with a fake user config folder.
fn config_run(dir: &Path, xdg: &Path, extra: &[&str]) -> (String, String, i32) {
    let mut c = mdtasks(dir);
    c.env("XDG_CONFIG_HOME", xdg).arg("config").arg("journal");
    c.args(extra);
    run_cmd(c)
}

#[test]
fn config_discovery_order() {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join("journal")).unwrap();
    let xdg = t.path().join("xdg");

    // Nothing anywhere: the built-in defaults.
    let (out, err, code) = config_run(t.path(), &xdg, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("# settings from built-in defaults"),
        "{out}"
    );
    assert!(out.contains("focus_minutes = 45"), "{out}");

    // The user's config file.
    config_with(&xdg.join("mdtasks/config.toml"), 11);
    let (out, _, _) = config_run(t.path(), &xdg, &[]);
    assert!(out.contains("the user's config file"), "{out}");
    assert!(out.contains("focus_minutes = 11"), "{out}");

    // Without XDG_CONFIG_HOME, $HOME/.config is the user's config folder.
    let home = t.path().join("home");
    config_with(&home.join(".config/mdtasks/config.toml"), 12);
    let mut c = mdtasks(t.path());
    c.env("HOME", &home).args(["config", "journal"]);
    let (out, _, _) = run_cmd(c);
    assert!(out.contains("focus_minutes = 12"), "{out}");

    // .mdtasks.toml in the notes folder wins over the user's file.
    config_with(&t.path().join("journal/.mdtasks.toml"), 22);
    let (out, _, _) = config_run(t.path(), &xdg, &[]);
    assert!(out.contains(".mdtasks.toml in the notes folder"), "{out}");
    assert!(out.contains("focus_minutes = 22"), "{out}");

    // --config wins over both.
    config_with(&t.path().join("other.toml"), 33);
    let (out, _, _) = config_run(t.path(), &xdg, &["--config", "other.toml"]);
    assert!(
        out.starts_with("# settings from other.toml (--config)"),
        "{out}"
    );
    assert!(out.contains("focus_minutes = 33"), "{out}");

    // A broken user config is an error that names it, not silently skipped.
    std::fs::remove_file(t.path().join("journal/.mdtasks.toml")).unwrap();
    std::fs::write(xdg.join("mdtasks/config.toml"), "[summary]\nfocus = 1\n").unwrap();
    let (out, err, code) = config_run(t.path(), &xdg, &[]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("config.toml"), "{err}");
    // The user's config applies to the other commands too.
    let mut c = mdtasks(t.path());
    c.env("XDG_CONFIG_HOME", &xdg).args(["tasks", "journal"]);
    let (_, err, code) = run_cmd(c);
    assert_eq!(code, 2);
    assert!(err.contains("focus"), "{err}");
}

#[test]
fn config_output() {
    let t = journal();
    let (out, err, code) = run(t.path(), &["config", "journal"]);
    assert_eq!(code, 0, "{err}");
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("# settings from journal/.mdtasks.toml (.mdtasks.toml in the notes folder)")
    );
    // The sample journal sets its categories and nothing else.
    assert!(
        out.contains("# categories: set in journal/.mdtasks.toml\n"),
        "{out}"
    );
    assert!(out.contains("# summary: default\n"), "{out}");
    assert!(out.contains("# notes: default\n"), "{out}");
    // The rest is the resolved settings, as TOML that reads back as a config file.
    let settings = mdtasks::config::Settings::parse(&out).unwrap();
    assert!(settings.categories.iter().any(|c| c.name == "learning"));
    assert!(out.contains("[categories.money]"), "{out}");

    // Without a file the built-in categories are shown, as defaults.
    let e = tempfile::tempdir().unwrap();
    let (out, _, code) = run(e.path(), &["config"]);
    assert_eq!(code, 0);
    assert!(out.contains("# categories: default\n"), "{out}");
    assert!(out.contains("[categories.money]"), "{out}");
    assert!(!out.contains("set in"), "{out}");
}

#[test]
fn open_found_missing_and_create() {
    let t = journal();
    // Today's note (the sample journal has 2026-11-24).
    let (out, err, code) = run(t.path(), &["open", "journal"]);
    assert_eq!(
        (out.as_str(), code),
        ("journal/2026-11-24.md\n", 0),
        "{err}"
    );
    let (out, _, code) = run(t.path(), &["open", "yesterday", "journal"]);
    assert_eq!((out.as_str(), code), ("journal/2026-11-23.md\n", 0));
    let (out, _, code) = run(t.path(), &["open", "2026-11-20", "journal"]);
    assert_eq!((out.as_str(), code), ("journal/2026-11-20.md\n", 0));
    // In the notes folder itself, with no argument.
    let mut c = mdtasks(&t.path().join("journal"));
    c.arg("open");
    let (out, _, code) = run_cmd(c);
    assert_eq!((out.as_str(), code), ("2026-11-24.md\n", 0));

    // Missing: exit 1, nothing on stdout, the path it would have on stderr.
    let (out, err, code) = run(t.path(), &["open", "tomorrow", "journal"]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert!(err.contains("journal/2026-11-25.md"), "{err}");
    assert!(!t.path().join("journal/2026-11-25.md").exists());

    // A bad date is a usage error.
    let (_, err, code) = run(t.path(), &["open", "2026-11-31", "journal"]);
    assert_eq!(code, 2);
    assert!(err.contains("is not a day"), "{err}");

    // --create: made like `today` makes it, without rolling over.
    let (out, _, code) = run(t.path(), &["open", "tomorrow", "journal", "--create"]);
    assert_eq!((out.as_str(), code), ("journal/2026-11-25.md\n", 0));
    let note = t.path().join("journal/2026-11-25.md");
    let text = std::fs::read_to_string(&note).unwrap();
    assert!(text.starts_with("# 2026-11-25 Wednesday"), "{text}");
    assert!(!text.contains("- [ ]"), "nothing rolled over: {text}");
    let before = std::fs::read_to_string(t.path().join("journal/2026-11-24.md")).unwrap();
    // A second --create changes nothing and prints the path.
    let (out, err, code) = run(t.path(), &["open", "tomorrow", "journal", "--create"]);
    assert_eq!((out.as_str(), code), ("journal/2026-11-25.md\n", 0));
    assert_eq!(err, "");
    assert_eq!(std::fs::read_to_string(&note).unwrap(), text);
    assert_eq!(
        std::fs::read_to_string(t.path().join("journal/2026-11-24.md")).unwrap(),
        before
    );
}

#[test]
fn open_create_uses_template_and_blocks() {
    let t = tempfile::tempdir().unwrap();
    let notes = t.path().join("notes");
    std::fs::create_dir_all(notes.join("templates")).unwrap();
    std::fs::write(
        notes.join("templates/daily.md"),
        "# {{date}} {{weekday}}\n\n## Tasks\n\n## Log\n",
    )
    .unwrap();
    std::fs::write(
        notes.join(".mdtasks.toml"),
        "[daily]\nfolder = \"daily\"\n[[blocks.daily]]\ntext = \"Exercise\"\n",
    )
    .unwrap();
    std::fs::create_dir(notes.join("daily")).unwrap();
    std::fs::write(
        notes.join("daily/2026-11-23.md"),
        "## Tasks\n- [ ] carry me\n",
    )
    .unwrap();
    // A lone argument that is not a date is the PATH.
    let (out, err, code) = run(t.path(), &["open", "notes", "--create"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "notes/daily/2026-11-24.md\n");
    assert!(err.contains("created"), "{err}");
    let text = std::fs::read_to_string(notes.join("daily/2026-11-24.md")).unwrap();
    assert!(text.starts_with("# 2026-11-24 Tuesday"), "{text}");
    assert!(text.contains("- [ ] Exercise"), "{text}");
    assert!(!text.contains("carry me"), "{text}");
    // Not a folder: an error.
    let (_, _, code) = run(t.path(), &["open", "missing-folder"]);
    assert_eq!(code, 2);
}

#[test]
fn quiet_silences_status_lines_not_errors() {
    let t = tempfile::tempdir().unwrap();
    let notes = t.path().join("notes");
    copy_dir(&root().join("fixtures/journal"), &notes);
    // No task matches: a status line, unless --quiet.
    let (out, err, code) = run(t.path(), &["tasks", "notes", "--tag", "nosuchtag"]);
    assert_eq!((out.as_str(), code), ("", 1));
    assert!(err.contains("no tasks match"), "{err}");
    let (out, err, code) = run(
        t.path(),
        &["--quiet", "tasks", "notes", "--tag", "nosuchtag"],
    );
    assert_eq!((out.as_str(), err.as_str(), code), ("", "", 1));
    let (_, err, code) = run(t.path(), &["-q", "open", "2026-12-25", "notes"]);
    assert_eq!((err.as_str(), code), ("", 1));

    // Problems in the notes: counted on stderr, unless --quiet.
    std::fs::write(
        notes.join("2026-11-30.md"),
        "## Log\n- 25:00 bad\n- [ ] a task\n",
    )
    .unwrap();
    let (_, err, _) = run(t.path(), &["tasks", "notes"]);
    assert!(err.contains("in the notes"), "{err}");
    let (out, err, code) = run(t.path(), &["-q", "tasks", "notes"]);
    assert_eq!(err, "");
    assert_eq!(code, 2, "errors still count: {out}");

    // Errors are never silenced.
    let (_, err, code) = run(t.path(), &["-q", "tasks", "no-such-folder"]);
    assert_eq!(code, 2);
    assert!(err.contains("error"), "{err}");
    let (_, err, code) = run(t.path(), &["-q", "open", "--create", "no-such-folder"]);
    assert_eq!(code, 2);
    assert!(err.contains("error"), "{err}");
}

/// Reading more than a few thousand notes shows a progress bar on a terminal's stderr, never
/// in a pipe and never with --quiet.
#[test]
fn progress_bar_only_on_a_terminal() {
    let t = tempfile::tempdir().unwrap();
    for i in 0..3200 {
        std::fs::write(t.path().join(format!("n{i}.md")), "- [ ] t\n").unwrap();
    }
    let o = crate::cli::mdtasks(t.path())
        .args(["tasks"])
        .output()
        .unwrap();
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // A pseudo-terminal through util-linux `script`, where it exists.
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped the terminal half: no `script` command here");
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin("mdtasks");
    let pty = |quiet: &str| {
        let cmd = format!(
            "'{}' --today 2026-11-24 {quiet} tasks . > /dev/null",
            bin.display()
        );
        let o = std::process::Command::new("script")
            .args(["-qec", &cmd, "/dev/null"])
            .current_dir(t.path())
            .env_clear()
            .env("TERM", "xterm")
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    assert!(pty("").contains("reading notes"));
    assert!(!pty("--quiet").contains("reading notes"));
}
