//! Invariants the fuzz targets check, one public function per target, each taking the raw input.
//!
//! Shared by the libFuzzer targets (`fuzz/fuzz_targets/*.rs`) and by the regression test
//! `tests/it/fuzz_regressions.rs`, which includes this file as a module (`#[path]`), so every
//! input saved under `fixtures/fuzz/<target>/` is replayed by `cargo test` with exactly these
//! checks, on a machine without cargo-fuzz or a nightly toolchain. A broken invariant panics;
//! a refusal the program is designed to make (a planner or `apply_checked` saying no) is not
//! a failure.
//!
//! Why a file and not a `fuzzcheck` module in the library: the edit target decodes its input
//! with the `arbitrary` crate, and the replay must decode it the same way. As a file, that
//! costs the main crate a dev-dependency on `arbitrary`, not a dependency every user builds.

use arbitrary::{Arbitrary, Unstructured};
use chrono::NaiveDate;
use mdtasks::config::{Settings, resolved_toml};
use mdtasks::edit::rollover::{Mode, RolloverOptions, plan_rollover};
use mdtasks::edit::{
    EditError, EditSet, Outline, progress, refuse_reason, replace_region, set_status,
};
use mdtasks::model::{Marker, Note, children, descendants};
use mdtasks::parse::time::{self, Scan};
use mdtasks::parse::{ParseOptions, parse_note};
use mdtasks::span::{LineIndex, Span};

/// The stack the parse and edit checks run on. The main thread of `mdtasks` has 8 MiB (and
/// commands a reserved 256 MiB); a path whose stack grows with the input's nesting shows up
/// here long before it would there.
pub const SMALL_STACK: usize = 256 * 1024;

/// Runs `f` on a thread with a `SMALL_STACK` stack and re-raises its panic.
fn on_small_stack<F: FnOnce() + Send>(f: F) {
    std::thread::scope(|s| {
        let h = std::thread::Builder::new()
            .stack_size(SMALL_STACK)
            .spawn_scoped(s, f)
            .expect("a thread to run the check on");
        if let Err(p) = h.join() {
            std::panic::resume_unwind(p);
        }
    });
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).expect("a valid date")
}

fn check_span(text: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what} span {span:?} out of bounds (len {})",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what} span {span:?} not on char boundaries"
    );
}

/// Every span of the model lies in the text, on character boundaries; the task tree and the
/// entries are consistent.
pub fn check_model(text: &str, note: &Note) {
    assert_eq!(note.len, text.len());
    for h in &note.headings {
        check_span(text, h.span, "heading");
    }
    for d in &note.days {
        check_span(text, d.span, "day");
        assert!(d.heading < note.headings.len());
    }
    for (i, t) in note.tasks.iter().enumerate() {
        for (s, what) in [
            (t.span, "task"),
            (t.line_span, "task line"),
            (t.text_span, "task text"),
        ] {
            check_span(text, s, what);
        }
        let m = match &t.marker {
            Marker::Checkbox { span, .. } | Marker::Keyword { span, .. } => *span,
        };
        check_span(text, m, "task marker");
        assert!(t.line >= 1);
        if let Some(p) = t.parent {
            assert!(p < i, "task {i}'s parent {p} comes after it");
            assert!(descendants(&note.tasks, p).contains(&i));
            assert!(children(&note.tasks, p).any(|c| c == i));
        }
        // The tasks nested under a task follow it: exactly those up to its subtree's end.
        // Each of them has its parent among the task and those before it (so the task is
        // its ancestor); the one after has its parent before the task, or none.
        assert!(t.subtree_end > i && t.subtree_end <= note.tasks.len());
        for j in descendants(&note.tasks, i) {
            assert!(
                note.tasks[j].parent.is_some_and(|p| p >= i && p < j),
                "task {j} in task {i}'s subtree"
            );
        }
        if let Some(next) = note.tasks.get(t.subtree_end) {
            assert!(
                next.parent.is_none_or(|p| p < i),
                "task {i}'s subtree ends early"
            );
        }
        for c in children(&note.tasks, i) {
            assert_eq!(note.tasks[c].parent, Some(i));
        }
        if let Some(h) = t.heading {
            assert!(h < note.headings.len());
        }
    }
    for e in &note.entries {
        check_span(text, e.span, "entry");
        if let Some(end) = e.end {
            assert!(end >= e.start, "entry ends before it starts: {e:?}");
        }
        let _ = e.minutes();
        if let Some(t) = e.task {
            assert!(t < note.tasks.len());
        }
    }
    for r in &note.regions {
        for s in [r.start_marker, r.end_marker, r.content] {
            check_span(text, s, "region");
        }
        assert!(r.start_marker.end <= r.content.start && r.content.end <= r.end_marker.start);
    }
    for d in &note.diagnostics {
        if let Some(l) = &d.location {
            check_span(text, l.span, "diagnostic");
            assert!(l.line >= 1 && l.column >= 1);
        }
    }
}

/// What of a note does not depend on byte offsets: compared between a text and its CRLF copy.
fn offset_free(note: &Note) -> String {
    let tasks: Vec<_> = note
        .tasks
        .iter()
        .map(|t| {
            (
                t.line,
                t.status,
                t.status_text(),
                &t.text,
                &t.tags,
                t.parent,
                t.depth,
                t.date,
                t.block,
            )
        })
        .collect();
    let entries: Vec<_> = note
        .entries
        .iter()
        .map(|e| {
            (
                e.line, e.date, e.start, e.end, e.source, &e.tags, &e.text, e.task,
            )
        })
        .collect();
    let headings: Vec<_> = note
        .headings
        .iter()
        .map(|h| (h.level, h.line, &h.text))
        .collect();
    let regions: Vec<_> = note.regions.iter().map(|r| &r.name).collect();
    let diags: Vec<_> = note
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.code,
                &d.message,
                d.location.as_ref().map(|l| (l.line, l.column)),
            )
        })
        .collect();
    format!("{tasks:?}\n{entries:?}\n{headings:?}\n{regions:?}\n{diags:?}")
}

/// Target `parse_note`: any bytes, read as (lossy) UTF-8.
pub fn parse_note_target(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    // One option set per input (chosen by length, so no byte of the input is taken from the
    // note): parsing three times would cut the executions a second by three.
    let opts = match data.len() % 3 {
        0 => ParseOptions::default(),
        1 => ParseOptions::with_defaults(),
        _ => ParseOptions {
            name_date: Some(day(24)),
            plan_headings: vec!["time blocks".into(), "log".into(), "tasks".into()],
        },
    };
    on_small_stack(|| {
        let note = parse_note(text, &opts);
        check_model(text, &note);
        // The block scanner, where it reads the note, gives the model pulldown-cmark's block
        // structure gives (src/parse/blocks.rs).
        assert_eq!(
            format!("{note:?}"),
            format!("{:?}", mdtasks::parse::parse_note_reference(text, &opts)),
            "the block scanner and pulldown-cmark disagree"
        );
        let again = parse_note(text, &opts);
        assert_eq!(
            format!("{note:?}"),
            format!("{again:?}"),
            "parsing is not deterministic"
        );
        // The same note with CRLF line endings reads the same, offsets aside.
        if !text.contains('\r') && text.contains('\n') {
            let crlf = text.replace('\n', "\r\n");
            let n2 = parse_note(&crlf, &opts);
            check_model(&crlf, &n2);
            assert!(n2.crlf);
            assert_eq!(
                offset_free(&note),
                offset_free(&n2),
                "CRLF reads differently"
            );
        }
    });
}

fn check_clock(s: &str, c: &time::Clock) {
    assert!(c.len <= s.len() && s.is_char_boundary(c.len));
    assert!(c.minutes() <= 1440, "{c:?}");
    assert!(c.minute < 60);
    if c.meridiem.is_some() {
        assert!((1..=12).contains(&c.hour));
    } else {
        assert!(c.hour <= 24);
    }
}

fn check_time_error(s: &str, e: &time::TimeError) {
    assert!(e.start <= e.end && e.end <= s.len(), "{e:?} in {s:?}");
    assert!(s.is_char_boundary(e.start) && s.is_char_boundary(e.end));
    assert!(!e.message.is_empty());
}

/// Target `time_entry`: every scanner of the time grammar on every line (and every suffix
/// starting at a digit) of the input.
pub fn time_entry(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for line in text.split(['\n', '\r']) {
        let starts = line
            .char_indices()
            .filter(|&(i, c)| i == 0 || c.is_ascii_digit())
            .map(|(i, _)| i)
            .take(16);
        for i in starts {
            time_line(&line[i..]);
        }
    }
}

fn time_line(s: &str) {
    match time::scan_clock(s) {
        Scan::Yes(c) => check_clock(s, &c),
        Scan::Bad(e) => check_time_error(s, &e),
        Scan::No => {}
    }
    match time::scan_entry_head(s) {
        Scan::Yes(h) => {
            assert!(h.start < 1440, "an entry starts at {} in {s:?}", h.start);
            if let Some(time::End::At(e)) = h.end {
                assert!(e <= 1440, "an entry ends at {e} in {s:?}");
            }
            assert!(h.rest <= s.len() && s.is_char_boundary(h.rest));
            // The head begins with a clock the clock scanner accepts.
            assert!(matches!(time::scan_clock(s), Scan::Yes(_)));
        }
        Scan::Bad(e) => check_time_error(s, &e),
        Scan::No => assert_eq!(time::scan_clock(s), Scan::No),
    }
    if let Some((_, used)) = time::scan_duration(s) {
        assert!(used > 0 && used <= s.len() && s.is_char_boundary(used));
    }
    if let Some((_, a, b)) = time::find_duration(s) {
        assert!(a <= b && b <= s.len() && s.is_char_boundary(a) && s.is_char_boundary(b));
    }
    if let Some((_, a, b)) = time::after_timer(s) {
        assert!(a <= b && b <= s.len() && s.is_char_boundary(a) && s.is_char_boundary(b));
    }
    let _ = time::find_estimate(s);
    for key in ["time", "duration", "est"] {
        if let Some((at, v)) = time::inline_field(s, key) {
            assert!(at <= s.len() && s.is_char_boundary(at));
            assert!(v.len() <= s.len());
        }
    }
}

/// Target `config`: any text as a config file.
pub fn config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    match Settings::parse(text) {
        Ok(settings) => {
            // What `config --resolved` prints is a config file that reads back the same.
            let shown = resolved_toml(&settings);
            let back = Settings::parse(&shown)
                .unwrap_or_else(|d| panic!("resolved config does not read back: {d:?}\n{shown}"));
            assert_eq!(resolved_toml(&back), shown, "resolved config is not stable");
        }
        Err(d) => {
            assert!(!d.message.is_empty());
            if let Some(l) = &d.location {
                check_span(text, l.span, "config error");
                assert!(l.line >= 1 && l.column >= 1);
                assert!(l.line <= LineIndex::new(text).line_count().max(1), "{l:?}");
            }
        }
    }
}

/// A heading name for a command: the usual ones, or anything.
#[derive(Debug, Arbitrary)]
enum HeadingName {
    Log,
    Tasks,
    Other(String),
}

impl HeadingName {
    fn text(&self) -> &str {
        match self {
            HeadingName::Log => "Log",
            HeadingName::Tasks => "Tasks",
            HeadingName::Other(s) => s,
        }
    }
}

/// A writing command, as `mdtasks` plans it (see src/commands.rs). Its text argument (the
/// entry, the title, the rollover source note, the region's Markdown) comes from the input's
/// second part.
#[derive(Debug, Arbitrary)]
enum Command {
    /// `log --at HH:MM TEXT`
    Log { minute: u16, heading: HeadingName },
    /// `add TITLE`, or `add "Checklist" --checklist` with the text as the checklist template.
    Add {
        checklist: bool,
        heading: HeadingName,
    },
    /// `rollover` / `today` from the text (as the source note) into the note.
    Rollover {
        mode: u8,
        keep_done_children: bool,
        heading: HeadingName,
    },
    /// `summarize --write`: the region's content replaced by the text.
    Region { name: Option<String> },
    /// `tasks --write-progress`
    Progress,
    /// Set a task's checkbox status.
    Status { task: u16, status: char },
}

/// The edit target's input: `NOTE \0 TEXT \0 COMMAND`, the note and the text read as lossy
/// UTF-8 (a note with a NUL byte is refused by every command anyway), the command decoded from
/// the remaining bytes with `arbitrary`. Seeds are then a fixture note, a NUL, another note.
struct EditInput {
    note: String,
    text: String,
    command: Command,
}

impl EditInput {
    fn decode(data: &[u8]) -> Option<EditInput> {
        let mut parts = data.splitn(3, |&b| b == 0);
        let note = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
        let text = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
        let command =
            Command::arbitrary_take_rest(Unstructured::new(parts.next().unwrap_or_default()))
                .ok()?;
        Some(EditInput {
            note,
            text,
            command,
        })
    }
}

/// An error the planners or `apply_checked` may give by design; the others say "this is a
/// bug in mdtasks".
fn is_refusal(e: &EditError) -> bool {
    matches!(
        e,
        EditError::NewDiagnostic { .. }
            | EditError::NotReadBack { .. }
            | EditError::Region { .. }
            | EditError::NoSuchTask { .. }
            | EditError::NotACheckbox { .. }
            | EditError::BadStatusChar(_)
    )
}

/// Applies `set` to `text` as `change::edit` does (`apply_checked`), then checks by itself that
/// the bytes outside the edits are unchanged. None when the edit was refused.
fn apply(text: &str, set: &EditSet, opts: &ParseOptions) -> Option<String> {
    let result = match set.apply_checked(text, opts) {
        Ok(r) => r,
        Err(e) if is_refusal(&e) => return None,
        Err(e) => panic!("apply_checked: {e}\nedits: {set:?}"),
    };
    let mut edits: Vec<_> = set.edits.iter().collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let (mut po, mut pr) = (0, 0);
    for e in edits {
        let keep = &text[po..e.span.start];
        assert_eq!(
            &result[pr..pr + keep.len()],
            keep,
            "changed outside the edits"
        );
        pr += keep.len();
        assert_eq!(&result[pr..pr + e.replacement.len()], e.replacement);
        pr += e.replacement.len();
        po = e.span.end;
    }
    assert_eq!(&result[pr..], &text[po..], "changed outside the edits");
    check_model(&result, &parse_note(&result, opts));
    Some(result)
}

fn planned(r: Result<EditSet, EditError>) -> Option<EditSet> {
    match r {
        Ok(s) => Some(s),
        Err(e) if is_refusal(&e) => None,
        Err(e) => panic!("planner: {e}"),
    }
}

/// Target `edit`: an arbitrary note and an arbitrary command, planned, applied and checked;
/// then planned again on the result, which must change nothing.
pub fn edit(data: &[u8]) {
    let Some(input) = EditInput::decode(data) else {
        return;
    };
    on_small_stack(|| edit_input(&input));
}

fn edit_input(input: &EditInput) {
    let text = input.note.as_str();
    let opts = ParseOptions {
        name_date: Some(day(24)),
        plan_headings: vec!["time blocks".into()],
    };
    let note = parse_note(text, &opts);
    // The notes `change::read` refuses to edit are never planned on.
    if refuse_reason(Some(text), Some(&note.diagnostics), false).is_some() {
        return;
    }
    // Plans the command on a text; None when the command refuses (or, like the CLI, rejects
    // its arguments).
    let arg = input.text.as_str();
    let plan = |t: &str, n: &Note| -> Option<EditSet> {
        match &input.command {
            Command::Log { minute, heading } => {
                let minute = u32::from(*minute);
                let arg = arg.trim();
                if minute >= 1440 || arg.is_empty() || arg.contains(['\n', '\r']) {
                    return None;
                }
                let entry = format!("{:02}:{:02} {arg}", minute / 60, minute % 60);
                Some(mdtasks::commands::plan_log(
                    t,
                    n,
                    &entry,
                    minute,
                    heading.text(),
                ))
            }
            Command::Add { checklist, heading } => {
                let (title, template) = if *checklist {
                    ("Checklist", Some(arg))
                } else {
                    (arg.trim(), None)
                };
                if title.is_empty() || title.contains(['\n', '\r']) {
                    return None;
                }
                planned(mdtasks::commands::plan_add(
                    t,
                    n,
                    title,
                    template,
                    day(24),
                    heading.text(),
                ))
            }
            Command::Region { name } => {
                let name = name.as_deref().unwrap_or("summary");
                planned(replace_region(t, &Outline::of(n), name, arg))
            }
            Command::Progress => Some(progress::plan_progress_cookies(n)),
            Command::Status { task, status } => planned(set_status(n, usize::from(*task), *status)),
            Command::Rollover { .. } => unreachable!("planned by rollover()"),
        }
    };
    if let Command::Rollover {
        mode,
        keep_done_children,
        heading,
    } = &input.command
    {
        let ro = RolloverOptions {
            mode: [Mode::Mark, Mode::Copy, Mode::Move][usize::from(*mode % 3)],
            keep_done_children: *keep_done_children,
            heading: heading.text().to_string(),
            heading_level: 2,
        };
        rollover(arg, text, &opts, &ro);
        return;
    }
    let Some(set) = plan(text, &note) else {
        return;
    };
    let Some(after) = apply(text, &set, &opts) else {
        return;
    };
    let note2 = parse_note(&after, &opts);
    if let Some(set2) = plan(&after, &note2) {
        assert!(
            set2.is_empty(),
            "a second run is not a no-op: {set2:?}\nafter the first:\n{after:?}"
        );
    }
}

/// `rollover` as `do_rollover` runs it: today's note first, then the source planned against
/// today's note as written; then a second run must plan nothing for either note.
fn rollover(source_text: &str, target_text: &str, opts: &ParseOptions, ro: &RolloverOptions) {
    let src_opts = ParseOptions {
        name_date: Some(day(23)),
        ..opts.clone()
    };
    let src = parse_note(source_text, &src_opts);
    if refuse_reason(Some(source_text), Some(&src.diagnostics), false).is_some() {
        return;
    }
    let target = parse_note(target_text, opts);
    let plan = plan_rollover(source_text, &src, target_text, &target, ro);
    if let Some(e) = &plan.refused {
        assert!(is_refusal(e), "rollover: {e}");
        assert!(plan.is_empty());
        return;
    }
    let Some(target_after) = apply(target_text, &plan.target, opts) else {
        return;
    };
    let after_note = parse_note(&target_after, opts);
    // Planned against today's note as written (as `do_rollover` plans the source): the
    // carried tasks are read back from it, so nothing is to be added again.
    let plan = plan_rollover(source_text, &src, &target_after, &after_note, ro);
    assert!(
        plan.target.is_empty() && plan.refused.is_none(),
        "the carried tasks are not in today's note as written: {:?}\ntoday's note:\n{target_after:?}",
        plan.target
    );
    let Some(source_after) = apply(source_text, &plan.source, &src_opts) else {
        return;
    };
    let src2 = parse_note(&source_after, &src_opts);
    let again = plan_rollover(&source_after, &src2, &target_after, &after_note, ro);
    assert!(
        again.is_empty(),
        "a second rollover is not a no-op: {:?} / {:?}\nsource after:\n{source_after:?}\ntoday's note:\n{target_after:?}",
        again.target,
        again.source
    );
}
