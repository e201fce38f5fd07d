//! Long notes parsed in pieces (`parse_in_pieces`, and the commands that fold notes into a
//! report): the pieces hold what the whole note holds, and every such command prints the same
//! whichever way a note is read. The tests cut every note at every heading they can.

use std::path::Path;

use clap::Parser;
use mdtasks::app::Config;
use mdtasks::edit::Outline;
use mdtasks::model::Note;
use mdtasks::parse::{
    DaySplit, ParseOptions, Text, date::date_from_path, fold_pieces, fold_text, parse_in_pieces,
    parse_in_pieces_at, parse_note,
};
use proptest::prelude::*;

use crate::support::{fixture_files, root, test_env};

/// The pieces of `text` (cut wherever `min_bytes` allows), joined into one note: the
/// vectors in order, each piece's indices moved past the pieces before it.
fn joined(text: &str, opts: &ParseOptions, min_bytes: usize) -> Result<(Note, usize), DaySplit> {
    let mut pieces = Vec::new();
    parse_in_pieces(text, opts, min_bytes, &mut |n| pieces.push(n))?;
    Ok((join(&mut pieces), pieces.len() + 1))
}

/// The pieces of `text` cut at `cuts` (after a split day), joined.
fn joined_at(text: &str, opts: &ParseOptions, cuts: &[usize]) -> (Note, usize) {
    let mut pieces = Vec::new();
    parse_in_pieces_at(text, opts, cuts, &mut |n| pieces.push(n)).expect("each day in one piece");
    (join(&mut pieces), pieces.len() + 1)
}

/// The pieces joined into one note (the first taken out of `pieces`).
fn join(pieces: &mut Vec<Note>) -> Note {
    let mut all = pieces.remove(0);
    for p in pieces.iter() {
        let mut p = p.clone();
        let (t, h) = (all.tasks.len(), all.headings.len());
        assert_eq!(
            (p.date, p.len, p.crlf, p.bom),
            (all.date, all.len, all.crlf, all.bom)
        );
        for task in &mut p.tasks {
            task.parent = task.parent.map(|i| i + t);
            task.subtree_end += t;
            task.heading = task.heading.map(|i| i + h);
        }
        for d in &mut p.days {
            d.heading += h;
        }
        for e in &mut p.entries {
            e.task = e.task.map(|i| i + t);
        }
        all.days.append(&mut p.days);
        all.headings.append(&mut p.headings);
        all.tasks.append(&mut p.tasks);
        all.entries.append(&mut p.entries);
        all.regions.append(&mut p.regions);
        all.diagnostics.append(&mut p.diagnostics);
    }
    all
}

/// The pieces of `text`, cut at every heading they can be, hold what the whole note holds;
/// how many pieces there were (0 when a day lay in two pieces: the pieces it is then cut in
/// again, keeping each day in one, hold what the whole note holds too).
fn check_pieces(text: &str, opts: &ParseOptions) -> usize {
    check_pieces_of(text, opts, 1)
}

/// [`check_pieces`] with pieces of at least `min_bytes`.
fn check_pieces_of(text: &str, opts: &ParseOptions, min_bytes: usize) -> usize {
    let note = parse_note(text, opts);
    let whole = format!("{note:#?}");
    // What a region's edit reads of the note (in pieces, or whole after a split day), and
    // the fingerprints of its models: one per piece, or the whole note's.
    let fingerprint = |n: &Note| format!("{n:?}").len() as u64;
    let outline = Outline::read(Text::Borrowed(text), opts, min_bytes, Some(&fingerprint));
    let mut of_whole = Outline::of(&note);
    of_whole.fingerprints = outline.fingerprints.clone();
    same(
        &format!("{of_whole:#?}"),
        &format!("{outline:#?}"),
        "the outline",
    );
    // Read from a text lent (as a note about to be edited is): the same outline, and the
    // text given back as it was.
    let mut lent = text.to_string();
    let of_lent = Outline::read(Text::Lent(&mut lent), opts, min_bytes, Some(&fingerprint));
    assert!(lent == text, "the lent text is given back as it was");
    same(
        &format!("{outline:#?}"),
        &format!("{of_lent:#?}"),
        "the outline of the lent text",
    );
    // What a command that folds the note is handed, however it was cut (again, or with the
    // days in two places read apart, or not at all), joined: the whole note.
    // (A day read apart has its entries with its first section: each day's entries are the
    // same, in the same order.)
    let mut folded = fold_pieces(text, opts, min_bytes, Vec::new, |all, n| all.push(n));
    let prints: Vec<u64> = folded.iter().map(fingerprint).collect();
    assert_eq!(outline.fingerprints, prints);
    // Lent to be read (the days read apart blanked in it for a while): the same pieces, and
    // the text given back as it was.
    let mut lent = text.to_string();
    let pieces = fold_text(
        Text::Lent(&mut lent),
        opts,
        min_bytes,
        Vec::new,
        |all, n| all.push(n),
    );
    assert!(lent == text, "the lent text is given back as it was");
    same(
        &format!("{folded:#?}"),
        &format!("{pieces:#?}"),
        "the pieces of the lent text",
    );
    let by_day = |mut n: Note| {
        n.entries.sort_by_key(|e| e.date);
        format!("{n:#?}")
    };
    same(
        &by_day(note.clone()),
        &by_day(join(&mut folded)),
        "the pieces folded, joined",
    );
    match joined(text, opts, min_bytes) {
        Ok((note, count)) => {
            same(&whole, &format!("{note:#?}"), "the pieces joined");
            let mut pieces = Vec::new();
            parse_in_pieces(text, opts, min_bytes, &mut |n| pieces.push(fingerprint(&n))).unwrap();
            if text.len() <= min_bytes {
                pieces = vec![fingerprint(&note)];
            }
            assert_eq!(outline.fingerprints, pieces);
            count
        }
        Err(split) => {
            let (again, count) = joined_at(text, opts, &split.cuts);
            same(
                &whole,
                &format!("{again:#?}"),
                "the pieces cut again, joined",
            );
            assert_eq!(count, split.cuts.len() + 1);
            0
        }
    }
}

/// Ten years' worth of days is what the benchmark keeps in one note; a few weeks here. Each
/// generated daily note under a `## DATE` heading, its own headings two levels down, its
/// front matter left out (as bench/run.sh builds the long note).
fn time_log(days: i64) -> String {
    let g = mdtasks::corpus::Generator::new("pieces", 0.2);
    let first = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let mut out = String::new();
    for k in 0..days {
        let day = g.day(first + chrono::Duration::days(k));
        if k > 0 {
            out.push('\n');
        }
        out.push_str(&format!("## {}\n", day.date));
        let mut lines = day.text.lines().peekable();
        if lines.peek() == Some(&"---") {
            lines.next();
            for l in lines.by_ref() {
                if l == "---" {
                    break;
                }
            }
        }
        for l in lines {
            if l.starts_with('#') {
                out.push_str("##");
            }
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

/// Notes whose pieces must be cut with care, and how many pieces each gives (0: a day lies
/// in two pieces, so the note is read whole).
const CASES: &[(&str, &str, usize)] = &[
    (
        "a heading inside a fenced block is no place to cut",
        "## 2026-01-01\n- 09:00 a\n```\n## 2026-01-02\n- [ ] not a task\n```\n- 10:00 b\n## 2026-01-03\n- 11:00 c\n",
        2,
    ),
    (
        "a region open across a heading",
        "## 2026-01-01\n<!-- mdtasks:summary:start -->\nx\n## 2026-01-02\n<!-- mdtasks:summary:end -->\n## 2026-01-03\n- [ ] t\n",
        2,
    ),
    (
        "a region named twice in two pieces",
        "## 2026-01-01\n<!-- mdtasks:a:start -->\n<!-- mdtasks:a:end -->\n## 2026-01-02\n<!-- mdtasks:a:start -->\n<!-- mdtasks:a:end -->\n<!-- mdtasks:b:end -->\n",
        2,
    ),
    (
        "a day kept under two headings",
        "## 2026-01-01\n- 09:00 a\n## 2026-01-02\n- 09:00 b\n## 2026-01-01\n- 10:00 c\n",
        0,
    ),
    (
        "undated entries in two pieces",
        "# Notes\n- 09:00 a\n# More\n- 10:00 b\n",
        0,
    ),
    (
        "undated tasks in many pieces",
        "# A\n- [ ] a\n  - [x] a1\n# B\n- [ ] b\n# C\n1. [ ] c\n",
        3,
    ),
    (
        "a deeper date heading inside a shallower one",
        "# 2026-01-01\n- 09:00 a\n## 2026-01-02\n- 10:00 b\n# 2026-01-03\n- 11:00 c\n",
        2,
    ),
    (
        "headings in a list and a quote",
        "## 2026-01-01\n- [ ] a\n  ## 2026-01-05\n  - [ ] a1\n> ## 2026-01-06\n## 2026-01-02\n- [ ] b\n",
        2,
    ),
    (
        "Logseq clock lines: no cut after them",
        "## 2026-01-01\n- DONE a\n  :LOGBOOK:\n  CLOCK: [2026-01-01 Thu 09:00]--[2026-01-01 Thu 10:00] =>  01:00:00\n  :END:\n## 2026-01-02\n- 09:00 b\n## 2026-01-03\n- 10:00 c\n",
        1,
    ),
    // (The byte-order mark before the first heading is a piece of its own.)
    (
        "a setext heading, CRLF line endings and a byte-order mark",
        "\u{feff}2026-01-01\r\n==========\r\n- 09:00 a\r\n\r\n2026-01-02\r\n==========\r\n- 10:00 b (15m)\r\n- 10:30 END\r\n",
        3,
    ),
    (
        "entries past midnight and out of order within their days",
        "## 2026-01-01\n- 23:00 late\n- 01:00 later\n## 2026-01-02\n- 10:00 b\n- 09:00 back\n- 08:00-08:30 x\n- 08:15-09:00 y\n",
        2,
    ),
];

#[test]
fn pieces_hold_what_the_whole_note_holds() {
    let opts = ParseOptions::with_defaults();
    for (what, text, want) in CASES {
        assert_eq!(check_pieces(text, &opts), *want, "{what}");
    }
    let log = time_log(40);
    assert_eq!(check_pieces(&log, &opts), 40, "one piece a day");
    // At least this many bytes a piece: fewer, longer pieces.
    let (_, count) = joined(&log, &opts, log.len() / 4).unwrap();
    assert!((3..=4).contains(&count), "{count} pieces");
    // The note's date (its file name's) is every piece's: dated tasks before the first
    // heading, and a day's heading later, are the same day.
    let dated = ParseOptions {
        name_date: chrono::NaiveDate::from_ymd_opt(2026, 1, 1),
        ..ParseOptions::with_defaults()
    };
    assert_eq!(check_pieces(&log, &dated), 40);
    assert_eq!(
        check_pieces("- [ ] first\n# 2026-01-01\n- [ ] a\n", &dated),
        0
    );
    let mut cut = 0;
    for p in fixture_files("") {
        // (Some error fixtures are not UTF-8: no note to parse.)
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let name = p.file_name().unwrap().to_str().unwrap();
        let opts = ParseOptions {
            name_date: date_from_path(name, None),
            ..ParseOptions::with_defaults()
        };
        cut += usize::from(check_pieces(&text, &opts) > 1);
    }
    assert!(cut >= 10, "only {cut} fixtures were cut in pieces");
}

/// Lines from what a long note is made of, rich in the things a cut must respect: date
/// headings of every level and shape, headings where none may be cut (indented, in a list,
/// in a quote, in code), open blocks, regions, clock lines, tasks and entries.
fn line() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "# 2026-01-01",
        "## 2026-01-02",
        "## 2026-01-03",
        "### 2026-01-04",
        "# Notes",
        "## Time Blocks",
        "2026-01-05\n==========",
        "   ## 2026-01-06",
        "> ## 2026-01-07",
        "- ## 2026-01-08",
        "    ## 2026-01-09",
        "- [ ] task #t",
        "  - [x] sub",
        "1. [ ] ordered",
        "- TODO keyword",
        "- 09:00 entry",
        "- 10:00-11:00 range #t",
        "- 23:30 late",
        "- 01:00 after midnight",
        "- 12:00 END",
        "09:15 a plain line (15m)",
        "```",
        "~~~",
        "<div>",
        "</div>",
        "<!-- mdtasks:s:start -->",
        "<!-- mdtasks:s:end -->",
        "<!-- mdtasks:t:start -->",
        "<!-- mdtasks:t:end -->",
        "> - [ ] quoted",
        "  :LOGBOOK:",
        "  CLOCK: [2026-01-01 Thu 09:00]--[2026-01-01 Thu 10:00] =>  01:00:00",
        "  :END:",
        "",
        "text",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    /// On generated notes, cut at every heading a cut may be at (or at the first such after
    /// `min_bytes`): the pieces hold what the whole note holds, or the parse reports a day
    /// in two pieces; it never panics.
    #[test]
    fn generated_notes_cut_everywhere(
        lines in prop::collection::vec(line(), 1..60),
        crlf in any::<bool>(),
        dated in any::<bool>(),
        min_bytes in prop_oneof![Just(1usize), 1usize..200],
    ) {
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        let opts = ParseOptions {
            name_date: dated.then(|| chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()),
            ..ParseOptions::with_defaults()
        };
        check_pieces_of(&text, &opts, min_bytes);
    }
}

/// Twelve days of log with the first day's heading again at its end, holding `lines`; and
/// the size of the pieces to read it in, a tenth of the log.
fn both_ends(lines: &[&str], crlf: bool) -> (String, usize) {
    let log = time_log(12);
    let text = format!("{log}## 2026-01-01\n{}\n", lines.join("\n"));
    let text = if crlf {
        text.replace('\n', "\r\n")
    } else {
        text
    };
    (text, log.len() / 10)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    /// A day at both ends of a long note, its later section holding anything a note may
    /// (tasks, entries, clock lines, regions, headings of dates and not, open blocks): read
    /// apart or not, what the pieces hold is what the whole note holds.
    #[test]
    fn a_day_at_both_ends_holding_anything_reads_as_the_whole_note(
        lines in prop::collection::vec(line(), 0..25),
        crlf in any::<bool>(),
    ) {
        let (text, min) = both_ends(&lines, crlf);
        check_pieces_of(&text, &ParseOptions::with_defaults(), min);
    }
}

/// The notes the property test makes are often read apart (else it would test little).
#[test]
fn a_day_at_both_ends_holding_anything_is_often_read_apart() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = (prop::collection::vec(line(), 0..25), any::<bool>());
    let (mut apart, n) = (0, 150);
    for _ in 0..n {
        let (lines, crlf) = strategy.new_tree(&mut runner).unwrap().current();
        let (text, min) = both_ends(&lines, crlf);
        let opts = ParseOptions::with_defaults();
        apart += usize::from(fold_pieces(&text, &opts, min, || 0, |k, _| *k += 1) > 2);
    }
    assert!(apart * 6 >= n, "only {apart} of {n} read apart");
}

/// Thirty days of log with the 11th's heading again before the 13th's, holding `lines`.
fn a_day_again(lines: &str) -> String {
    let log = time_log(30);
    let at = log.find("## 2026-01-13").unwrap();
    format!("{}## 2026-01-11\n{lines}\n{}", &log[..at], &log[at..])
}

/// A day kept in two places not far apart (its heading again two days on) splits the day
/// between pieces; the note is then read again in pieces that keep that day in one, and
/// only the pieces around it are merged.
#[test]
fn a_day_in_two_places_is_read_again_in_pieces_that_keep_it_whole() {
    let text = a_day_again("- 23:00-23:30 late call #admin\n");
    let opts = ParseOptions::with_defaults();
    let split = joined(&text, &opts, 1).map(|_| ()).unwrap_err();
    let (_, count) = joined_at(&text, &opts, &split.cuts);
    // Pieces of at least one byte cut at every day: the days of the 11th to the 13th (and
    // the headings between) are one piece, every other day its own.
    assert!(count > 20, "only {count} pieces");
    assert_eq!(check_pieces(&text, &opts), 0);
}

/// A day at both ends of a long log: the only cuts that keep each day whole leave the note
/// in one piece, so that day's sections are read apart and the rest in pieces as usual; the
/// pieces, joined, are the whole note. A note not made for that (a region marker in such a
/// section or a region across it, a clock line of that day elsewhere, the note's own date, a
/// heading in a list, an entry on a task's line in a later section) is read as before, in
/// one piece.
#[test]
fn a_day_at_both_ends_is_read_apart_from_the_rest() {
    let log = time_log(40);
    let min = log.len() / 10;
    let pieces = |text: &str, opts: &ParseOptions| {
        check_pieces_of(text, opts, min);
        fold_pieces(text, opts, min, || 0, |k, _| *k += 1)
    };
    let opts = ParseOptions::with_defaults();
    let late = "- 23:00-23:30 late call #admin\n- [ ] one more\n  - [x] half of it\n";
    let both = format!("{log}## 2026-01-01\n{late}");
    let summary = "<!-- mdtasks:summary:start -->\n# Time log\n\n## Overview\n\n| a | b |\n\
                   | --- | --- |\n| 1 | 2 |\n<!-- mdtasks:summary:end -->\n";
    let apart = [
        both.clone(),
        both.replace('\n', "\r\n"),
        // Two days, one again under a deeper heading of its own date.
        format!(
            "{log}## 2026-01-05\n- 20:00 x\n### 2026-01-05 again\n- [x] y\n{}",
            &both[log.len()..]
        ),
        // Under a heading of no date, a level deeper; the note's last line unended.
        format!("{log}# Later\n## 2026-01-01\n- 23:00 late"),
        // Lines that end in a lone `\r` between others (the days' text keeps only the line
        // endings of the rest: a `\r` and a `\n` there stay two lines).
        format!("{}## 2026-01-01\n{late}", log.replace("\n- ", "\r- ")),
        // Front matter, and a problem in the later section (where it points, in the note).
        format!("---\ntitle: log\n---\n{log}## 2026-01-01\n- 23:00-23:30 a\n- 23:10-23:40 b\n"),
        // A region in the later section.
        format!("{log}## 2026-01-01\n<!-- mdtasks:s:start -->\n<!-- mdtasks:s:end -->\n{late}"),
        // A summary written at the note's end, in the later section: its headings end the
        // section, and it is read with it to the end of the note.
        format!("{both}\n{summary}"),
    ];
    for text in &apart {
        let n = pieces(text, &opts);
        assert!(n >= 9, "{n} pieces: {:?}", &text[log.len()..]);
    }
    // Every line ended by a lone `\r`: not read apart (its pieces keep each day whole in
    // few pieces), the same either way.
    pieces(&both.replace('\n', "\r"), &opts);
    // Halfway through the log, at a day's heading.
    let half = log.len() / 2 + log[log.len() / 2..].find("\n## ").unwrap() + 1;
    let before = [
        // A region of the later section's name elsewhere (the whole note finds it twice).
        format!(
            "{}<!-- mdtasks:s:start -->\n<!-- mdtasks:s:end -->\n{}## 2026-01-01\n\
             <!-- mdtasks:s:start -->\n<!-- mdtasks:s:end -->\n",
            &log[..half],
            &log[half..]
        ),
        // A summary at the end with a task after it (of no day: not the later section's).
        format!("{both}\n{summary}- [ ] after\n"),
        // A region from the first section of the day to the later one (across the log).
        format!(
            "## 2026-01-01\n<!-- mdtasks:s:start -->\n{}## 2026-01-01\n<!-- mdtasks:s:end -->\n",
            &log[log.find("\n").unwrap() + 1..]
        ),
        // A region that starts in the later section and ends in another day's.
        format!(
            "{both}<!-- mdtasks:s:start -->\n## 2026-01-20\n- 10:00 x\n<!-- mdtasks:s:end -->\n"
        ),
        format!(
            "{both}## Later\n- TODO t\n  CLOCK: [2026-01-01 Thu 09:00]--[2026-01-01 Thu 10:00] =>  01:00:00\n"
        ),
        format!("{log}- item\n  ## 2026-01-01\n  {late}"),
        // A region across the later section.
        format!(
            "{log}<!-- mdtasks:s:start -->\n\n## 2026-01-01\n{late}\n# Later\n<!-- mdtasks:s:end -->\n"
        ),
        // An entry of the later section on a task's line (it belongs to the task, which
        // stays with its section).
        format!("{log}## 2026-01-01\n- [x] 23:00 late call\n"),
    ];
    for text in &before {
        assert_eq!(pieces(text, &opts), 1, "{:?}", &text[log.len()..]);
    }
    let dated = ParseOptions {
        name_date: chrono::NaiveDate::from_ymd_opt(2026, 1, 1),
        ..ParseOptions::with_defaults()
    };
    assert_eq!(pieces(&both, &dated), 1);
}

/// `mdtasks --today TODAY ARGS...` run in this process, with notes read in pieces from
/// `piece_bytes` bytes: stdout, stderr, exit code.
fn run_with(args: &[&str], today: &str, piece_bytes: usize) -> (String, String, i32) {
    let mut argv = vec!["mdtasks", "--today", today];
    argv.extend_from_slice(args);
    let cli = mdtasks::cli::Cli::try_parse_from(argv).unwrap();
    let mut cfg = Config::resolve(cli, &test_env())
        .map_err(|e| e.message)
        .unwrap();
    cfg.piece_bytes = piece_bytes;
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = mdtasks::app::run(&cfg, &mut out, &mut err).unwrap();
    (
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
        code,
    )
}

/// Panics with a line diff when `a` and `b` differ.
fn same(a: &str, b: &str, what: &str) {
    if a != b {
        let diff = similar::TextDiff::from_lines(a, b)
            .unified_diff()
            .header("whole", "pieces")
            .to_string();
        panic!("{what}: whole and pieces differ\n{diff}");
    }
}

/// The commands that read long notes in pieces, as a user runs them. (The writing commands
/// only in a dry run: they change the folder.)
const COMMANDS: &[&[&str]] = &[
    &["summarize"],
    &["summarize", "--format", "json"],
    &["summarize", "--format", "md"],
    &["summarize", "--format", "csv", "--csv", "entries"],
    &[
        "summarize",
        "--format",
        "json",
        "--entries",
        "--last",
        "30d",
    ],
    &["check"],
    &["tasks"],
    &["tasks", "--format", "json", "--all"],
    &["tasks", "--in-progress"],
    &["tasks", "--stale", "1"],
    &["entries", "--format", "json"],
    &["entries"],
    &["blocks"],
    &["blocks", "--format", "json"],
    &["next"],
    // An iCalendar file lists each note's events, then its to-dos.
    &["export", "--format", "ics"],
    &["export", "--format", "ics", "--last", "30d"],
    &["export", "--format", "todotxt"],
    // Dry runs of the writing commands that read a long note in pieces.
    &["watch", "--once", "--dry-run"],
    &["tasks", "--write-progress", "--dry-run"],
];

/// Every such command prints the same, in pieces or whole, on every fixture folder and on
/// a long note.
#[test]
fn commands_print_the_same_from_pieces() {
    let t = tempfile::tempdir().unwrap();
    let long = t.path().join("long");
    std::fs::create_dir(&long).unwrap();
    std::fs::write(long.join("Time Log.md"), time_log(60)).unwrap();
    // A day in two places: read a first time, then again in other pieces (what the first
    // reading made must not count).
    let again = a_day_again("- 23:00-23:30 late call #admin\n- [x] file it ✅ 2026-01-11\n");
    std::fs::write(long.join("Time Log again.md"), again).unwrap();
    // A day at both ends: its sections read apart from the rest.
    let both = format!(
        "{}## 2026-01-01\n- 23:00-23:30 late call #admin\n",
        time_log(60)
    );
    std::fs::write(long.join("Time Log both ends.md"), both).unwrap();
    // An undated entry halfway (under a heading of no date): listed first, as the whole
    // note lists it, not where its piece comes.
    let log = time_log(60);
    let half = log[log.len() / 2..].find("\n## ").unwrap() + log.len() / 2 + 1;
    let undated = format!(
        "{}# Inbox\n- 10:00 undated call\n\n{}",
        &log[..half],
        &log[half..]
    );
    std::fs::write(long.join("Time Log undated.md"), undated).unwrap();
    for (k, (_, text, _)) in CASES.iter().enumerate() {
        std::fs::write(long.join(format!("case {k}.md")), text).unwrap();
    }
    let mut folders = vec![long];
    for e in walkdir::WalkDir::new(root().join("fixtures")).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_dir() {
            folders.push(e.into_path());
        }
    }
    let mut compared = 0;
    for (k, dir) in folders.iter().enumerate() {
        let d = dir.to_str().unwrap();
        // The long note also in pieces of 100 kB, whose listings are held in temp files.
        let sizes: &[usize] = if k == 0 { &[1, 100_000] } else { &[1] };
        for args in COMMANDS {
            let mut argv = args.to_vec();
            argv.insert(1, d);
            let whole = run_with(&argv, "2026-03-05", usize::MAX);
            for &piece_bytes in sizes {
                let pieces = run_with(&argv, "2026-03-05", piece_bytes);
                let what = format!("{args:?} on {} in pieces of {piece_bytes}", show(dir));
                same(&whole.0, &pieces.0, &what);
                same(&whole.1, &pieces.1, &what);
                assert_eq!(whole.2, pieces.2, "{what}");
                compared += 1;
            }
        }
        // The HTML page's data.
        let html = |piece_bytes| {
            let cli = mdtasks::cli::Cli::try_parse_from([
                "mdtasks",
                "--today",
                "2026-03-05",
                "summarize",
                d,
                "--format",
                "html",
            ])
            .unwrap();
            let mut cfg = Config::resolve(cli, &test_env()).unwrap();
            cfg.piece_bytes = piece_bytes;
            serde_json::to_string_pretty(&mdtasks::app::summarize_html_data(&cfg).unwrap()).unwrap()
        };
        same(
            &html(usize::MAX),
            &html(1),
            &format!("the HTML data of {}", show(dir)),
        );
    }
    assert!(compared > 100);
}

/// The writing commands print the same, and write the same bytes, with a long note read in
/// pieces as read whole: the summaries in its regions (`watch`, `summarize --write`) and
/// every progress cookie (`tasks --write-progress`), in a dry run and for real.
#[test]
fn writing_commands_write_the_same_from_pieces() {
    let mut log = time_log(60);
    let feb = log.find("## 2026-02-01").unwrap();
    log.insert_str(
        feb,
        "<!-- mdtasks:summary:start last=7d -->\n<!-- mdtasks:summary:end -->\n\n",
    );
    log.push_str(
        "\n<!-- mdtasks:summary-all:start from=2026-01-01 -->\nold\n<!-- mdtasks:summary-all:end -->\n",
    );
    // A day at both ends, read apart from the rest, with a task whose progress is written.
    log.push_str("## 2026-01-01\n- 23:00 late call\n- [ ] wrap up\n  - [x] a\n  - [ ] b\n");
    let t = tempfile::tempdir().unwrap();
    let d = t.path().to_str().unwrap();
    let note = t.path().join("Time Log.md");
    let note_arg = note.to_str().unwrap();
    let runs: &[&[&str]] = &[
        &["watch", d, "--once"],
        &["tasks", d, "--write-progress"],
        &["summarize", d, "--write", note_arg, "--region", "totals"],
        &["summarize", d, "--write", note_arg, "--last", "14d"],
    ];
    for args in runs {
        for dry in [true, false] {
            let mut argv = args.to_vec();
            if dry {
                argv.push("--dry-run");
            }
            let mut seen = Vec::new();
            for piece_bytes in [usize::MAX, 1] {
                std::fs::write(&note, &log).unwrap();
                for (k, (_, text, _)) in CASES.iter().enumerate() {
                    std::fs::write(t.path().join(format!("case {k}.md")), text).unwrap();
                }
                let run = run_with(&argv, "2026-03-05", piece_bytes);
                let after = std::fs::read_to_string(&note).unwrap();
                seen.push((run, after));
            }
            let what = format!("{argv:?}");
            let ((whole, whole_note), (pieces, pieces_note)) = (&seen[0], &seen[1]);
            same(&whole.0, &pieces.0, &what);
            same(&whole.1, &pieces.1, &what);
            assert_eq!(whole.2, pieces.2, "{what}");
            same(whole_note, pieces_note, &format!("the note after {what}"));
            // Each command has something to change.
            if dry {
                assert!(whole.0.contains("+++ b/"), "{what} would change nothing");
            } else {
                assert_ne!(whole_note, &log, "{what} changed nothing");
            }
        }
    }
}

fn show(p: &Path) -> String {
    p.strip_prefix(root()).unwrap_or(p).display().to_string()
}

/// The regions of a long note, read in pieces (what `summarize --write` and `watch` read
/// back after writing one), are those of the whole note: with a region every few days, a
/// name used twice, and a day split across the note (read whole then).
#[test]
fn regions_of_a_long_note_are_the_whole_notes() {
    let opts = ParseOptions::with_defaults();
    let mut text = String::new();
    let mut k = 0;
    for line in time_log(500).split_inclusive('\n') {
        if line.starts_with("## 2") {
            k += 1;
            if k % 40 == 7 {
                let name = if k == 87 { 7 } else { k };
                text.push_str(&format!(
                    "<!-- mdtasks:summary-{name}:start -->\n| a | 1h |\n<!-- mdtasks:summary-{name}:end -->\n\n"
                ));
            }
        }
        text.push_str(line);
    }
    assert!(
        text.len() > 2 * mdtasks::parse::PIECE_BYTES,
        "{} bytes",
        text.len()
    );
    let whole = parse_note(&text, &opts).regions;
    assert_eq!(whole.len(), 12, "one of the 13 names is used twice");
    let got = mdtasks::parse::regions_of(&mut text, &opts);
    assert_eq!(format!("{got:?}"), format!("{whole:?}"));
    text.push_str("\n## 2026-01-01\n- 09:00 the first day again\n");
    let (whole, before) = (parse_note(&text, &opts).regions, text.clone());
    let got = mdtasks::parse::regions_of(&mut text, &opts);
    assert_eq!(format!("{got:?}"), format!("{whole:?}"));
    assert!(text == before, "the lent text is given back as it was");
}
