//! Planners every writing command shares: append lines, insert under a heading, regenerate a region, set a status.
//!
//! Each returns an `EditSet` against the text it was given and never re-prints anything it
//! does not insert. Each is idempotent where the command needs it: a planner that would
//! write the bytes already there returns an empty set, so a second run changes nothing.

use super::{EditError, EditSet, Endings, Outline, Style};
use crate::diagnostic::Code;
use crate::model::{Marker, Note};
use crate::parse::{ParseOptions, regions_of};
use crate::span::LineIndex;

/// Splits on every line ending (`\r\n`, `\n`, lone `\r`), so text built with `\n` comes out
/// in the note's own ending. A final line ending does not make an empty last line.
fn split_lines(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let (mut start, mut i) = (0, 0);
    while i < b.len() {
        match b[i] {
            b'\n' => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            b'\r' => {
                out.push(&s[start..i]);
                if b.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// Lines (each possibly holding line endings of its own) joined with `eol`, each ending with
/// one. Empty when there are no lines.
fn join_lines(lines: &[String], eol: &str) -> String {
    let mut out = String::new();
    for l in lines {
        if l.is_empty() {
            out.push_str(eol);
        }
        for part in split_lines(l) {
            out.push_str(part);
            out.push_str(eol);
        }
    }
    out
}

fn body_start(text: &str) -> usize {
    if text.starts_with('\u{feff}') { 3 } else { 0 }
}

fn ends_with_eol(text: &str) -> bool {
    text.ends_with(['\n', '\r'])
}

/// The note's last line is blank (or the note is empty): a block appended after it needs no
/// blank line of its own.
fn last_line_blank(text: &str) -> bool {
    let body = &text[body_start(text)..];
    let body = body
        .strip_suffix("\r\n")
        .or_else(|| body.strip_suffix('\n'))
        .or_else(|| body.strip_suffix('\r'))
        .unwrap_or(body);
    let last = body.rsplit(['\n', '\r']).next().unwrap_or("");
    last.trim().is_empty()
}

/// Appends `lines` as a block at the end of the note: a line ending first when the note does
/// not end with one (never glue onto its last line), a blank line first when asked and the
/// last line is not blank. The block ends with a line ending unless the note had none at its
/// end, which it then still has not.
fn append_block(text: &str, endings: &Endings, lines: &[String], blank_before: bool) -> EditSet {
    let mut set = EditSet::new();
    if lines.is_empty() {
        return set;
    }
    let eol = endings.eol();
    let empty = text.len() == body_start(text);
    let mut ins = String::new();
    if !empty && !ends_with_eol(text) {
        ins.push_str(eol);
    }
    if blank_before && !empty && !last_line_blank(text) {
        ins.push_str(eol);
    }
    ins.push_str(&join_lines(lines, eol));
    if !empty && !ends_with_eol(text) && !endings.final_newline {
        ins.truncate(ins.len() - eol.len());
    }
    set.insert(text.len(), ins);
    set
}

/// Appends `lines` at the end of the note in its own line ending. Adds nothing else: no BOM,
/// no blank line; a line ending first when the last line has none.
pub fn insert_lines_at_end(text: &str, style: &Style, lines: &[String]) -> EditSet {
    append_block(text, &style.endings, lines, false)
}

/// Inserts `lines` at the end of the section under the first heading whose text equals
/// `heading_text` (ignoring case; headings inside block quotes do not count): after the
/// section's last non-blank line, so blank lines before the next heading stay where they are.
/// The section runs to the next heading of the same or a higher level.
///
/// Without such a heading, appends `#`×`level` `heading_text` and the lines at the end of the
/// note, after a blank line unless the last line is blank.
pub fn insert_under_heading(
    text: &str,
    note: &Note,
    style: &Style,
    heading_text: &str,
    level: u8,
    lines: &[String],
) -> EditSet {
    let want = heading_text.trim().to_lowercase();
    let ix = LineIndex::new(text);
    let line_start = |offset: usize| ix.line_span(text, ix.line_of(offset)).start;
    let found = note.headings.iter().enumerate().find(|(_, h)| {
        let ls = line_start(h.span.start);
        !text[ls..h.span.start].contains('>') && h.text.trim().to_lowercase() == want
    });
    let Some((i, h)) = found else {
        let level = level.clamp(1, 6) as usize;
        let mut block = vec![format!("{} {}", "#".repeat(level), heading_text.trim())];
        block.extend(lines.iter().cloned());
        return append_block(text, &style.endings, &block, true);
    };
    let mut set = EditSet::new();
    if lines.is_empty() {
        return set;
    }
    let next = note.headings[i + 1..].iter().find(|n| n.level <= h.level);
    let section_end = next.map_or(text.len(), |n| line_start(n.span.start));
    // Find the end of the section's last non-blank line (the heading line at least).
    let mut at = h.span.end;
    let mut line = ix.line_of(h.span.start);
    while line < ix.line_count() {
        let ls = ix.line_span(text, line);
        if ls.start >= section_end && line > ix.line_of(h.span.start) {
            break;
        }
        if !text[ls.range()].trim().is_empty() {
            at = ls.end;
        }
        line += 1;
    }
    let eol = style.eol();
    let b = text.as_bytes();
    // Step over the line's own ending: the lines go after it.
    let after_eol = match b.get(at) {
        Some(b'\r') if b.get(at + 1) == Some(&b'\n') => Some(at + 2),
        Some(b'\r') | Some(b'\n') => Some(at + 1),
        _ => None,
    };
    let mut ins = String::new();
    match after_eol {
        Some(p) => {
            ins.push_str(&join_lines(lines, eol));
            // Right before a setext heading's text line, lines without a blank after them
            // would swallow the heading as a lazy continuation.
            if p == section_end
                && next.is_some_and(|n| !text[n.span.range()].trim_start().starts_with('#'))
            {
                ins.push_str(eol);
            }
            set.insert(p, ins);
        }
        None => {
            // The last line of a note without a final line ending.
            ins.push_str(eol);
            ins.push_str(&join_lines(lines, eol));
            if !style.endings.final_newline {
                ins.truncate(ins.len() - eol.len());
            }
            set.insert(at, ins);
        }
    }
    set
}

/// Puts `content` between `<!-- mdtasks:NAME:start -->` and `<!-- mdtasks:NAME:end -->`:
/// replaces the bytes between the marker lines when the region exists, else appends the
/// marker pair and the content at the end of the note after a blank line. The content's
/// lines are written in the note's line ending, each ending with one ([`Endings`]: a
/// region's edit needs nothing else of the note's style).
///
/// `outline` is the note's, read from `text`. Returns an empty set when the region already
/// holds exactly that content, so a second run changes nothing. Refuses when the note's
/// markers for NAME are unbalanced or duplicated, and when the planned result would not read
/// back as the region (say the note ends inside an unclosed code fence, which would turn
/// appended markers into code).
pub fn replace_region(
    text: &str,
    outline: &Outline,
    name: &str,
    content: &str,
) -> Result<EditSet, EditError> {
    let region_err = |reason: String| EditError::Region {
        name: name.to_string(),
        reason,
    };
    let about = format!("region `{name}`");
    if let Some(d) = outline.diagnostics.iter().find(|d| {
        matches!(d.code, Code::UnbalancedMarker | Code::DuplicateMarker)
            && d.message.contains(&about)
    }) {
        let at = d
            .location
            .as_ref()
            .map(|l| format!("line {}: ", l.line))
            .unwrap_or_default();
        return Err(region_err(format!(
            "its markers are unbalanced or duplicated ({at}{}); {}, then run again",
            d.message, d.hint
        )));
    }
    let endings = Endings::of(text);
    let eol = endings.eol();
    let lines: Vec<String> = split_lines(content).into_iter().map(String::from).collect();
    let new_content = join_lines(&lines, eol);
    let mut set = EditSet::new();
    match outline.regions.iter().find(|r| r.name == name) {
        Some(r) => {
            if text[r.content.range()] == new_content {
                return Ok(set);
            }
            set.replace(r.content, new_content.clone());
        }
        None => {
            let mut block = vec![format!("<!-- mdtasks:{name}:start -->")];
            block.extend(lines);
            block.push(format!("<!-- mdtasks:{name}:end -->"));
            set = append_block(text, &endings, &block, true);
        }
    }
    // Read the result back: the region must be there, holding exactly the new content. (Only
    // its regions: the note's model is in memory already, and a long note's is large. The
    // result is lent: a long note with a day at both ends is not copied once more.)
    let mut result = set.apply(text)?;
    let ok = regions_of(&mut result, &ParseOptions::default())
        .iter()
        .filter(|r| r.name == name)
        .map(|r| &result[r.content.range()])
        .eq([new_content.as_str()]);
    if !ok {
        return Err(region_err(
            "the markers would not be read back as a region (does the note end inside an \
             unclosed code block or HTML comment?); close it, then run again"
                .into(),
        ));
    }
    Ok(set)
}

/// Sets the checkbox status character of task `task_index` (an index into `note.tasks`).
/// Empty when the task already has that status.
pub fn set_status(note: &Note, task_index: usize, new_char: char) -> Result<EditSet, EditError> {
    let task = note.tasks.get(task_index).ok_or(EditError::NoSuchTask {
        index: task_index,
        count: note.tasks.len(),
    })?;
    if matches!(new_char, '[' | ']') || new_char.is_control() {
        return Err(EditError::BadStatusChar(new_char));
    }
    let mut set = EditSet::new();
    match &task.marker {
        Marker::Checkbox { status_char, span } => {
            if *status_char != new_char {
                set.replace(*span, new_char.to_string());
            }
        }
        Marker::Keyword { word, .. } => {
            return Err(EditError::NotACheckbox {
                line: task.line,
                word: word.to_string(),
            });
        }
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::parse::parse_note;

    fn opts() -> ParseOptions {
        ParseOptions::with_defaults()
    }

    fn ctx(t: &str) -> (Note, Style) {
        let n = parse_note(t, &opts());
        let s = Style::detect(t, &n);
        (n, s)
    }

    fn lines(ls: &[&str]) -> Vec<String> {
        ls.iter().map(|s| s.to_string()).collect()
    }

    fn run(t: &str, set: &EditSet) -> String {
        set.apply_checked(t, &opts()).unwrap()
    }

    #[test]
    fn append_never_glues_onto_the_last_line() {
        let t = "# Log\n- 09:00 a";
        let (_, s) = ctx(t);
        let out = run(t, &insert_lines_at_end(t, &s, &lines(&["- 10:00 b"])));
        assert_eq!(out, "# Log\n- 09:00 a\n- 10:00 b");
        let t = "# Log\n- 09:00 a\n";
        let (_, s) = ctx(t);
        let out = run(
            t,
            &insert_lines_at_end(t, &s, &lines(&["- 10:00 b", "- 11:00 c"])),
        );
        assert_eq!(out, "# Log\n- 09:00 a\n- 10:00 b\n- 11:00 c\n");
    }

    #[test]
    fn append_uses_crlf() {
        let t = "# Log\r\n- 09:00 a\r\n";
        let (_, s) = ctx(t);
        let out = run(
            t,
            &insert_lines_at_end(t, &s, &lines(&["- 10:00 b\n- 11:00 c"])),
        );
        assert_eq!(out, "# Log\r\n- 09:00 a\r\n- 10:00 b\r\n- 11:00 c\r\n");
    }

    #[test]
    fn append_keeps_one_bom() {
        let t = "\u{feff}# Log\n";
        let (_, s) = ctx(t);
        let out = run(t, &insert_lines_at_end(t, &s, &lines(&["x"])));
        assert_eq!(out, "\u{feff}# Log\nx\n");
        let t = "\u{feff}";
        let (_, s) = ctx(t);
        let out = run(t, &insert_lines_at_end(t, &s, &lines(&["x"])));
        assert_eq!(out, "\u{feff}x\n");
        assert_eq!(out.matches('\u{feff}').count(), 1);
    }

    #[test]
    fn append_to_an_empty_note() {
        let (_, s) = ctx("");
        assert_eq!(run("", &insert_lines_at_end("", &s, &lines(&["a"]))), "a\n");
        assert!(insert_lines_at_end("x", &s, &[]).is_empty());
    }

    #[test]
    fn under_existing_heading() {
        let t = "# Day\n\n## Log\n- 09:00 a\n- 10:00 b\n\n\n## Tasks\n- [ ] t\n";
        let (n, s) = ctx(t);
        let set = insert_under_heading(t, &n, &s, "log", 2, &lines(&["- 11:00 c"]));
        assert_eq!(
            run(t, &set),
            "# Day\n\n## Log\n- 09:00 a\n- 10:00 b\n- 11:00 c\n\n\n## Tasks\n- [ ] t\n"
        );
    }

    #[test]
    fn under_heading_section_includes_subsections() {
        let t = "## Log\n- 09:00 a\n### Detail\ntext\n# Next\n";
        let (n, s) = ctx(t);
        let set = insert_under_heading(t, &n, &s, "Log", 2, &lines(&["more"]));
        assert_eq!(
            run(t, &set),
            "## Log\n- 09:00 a\n### Detail\ntext\nmore\n# Next\n"
        );
    }

    #[test]
    fn under_heading_trailing_blank_lines_at_the_end() {
        let t = "## Tasks\n- [ ] a\n\n\n";
        let (n, s) = ctx(t);
        let set = insert_under_heading(t, &n, &s, "Tasks", 2, &lines(&["- [ ] b"]));
        assert_eq!(run(t, &set), "## Tasks\n- [ ] a\n- [ ] b\n\n\n");
    }

    #[test]
    fn under_empty_heading_at_the_end_without_newline() {
        let t = "# Day\n## Tasks";
        let (n, s) = ctx(t);
        let set = insert_under_heading(t, &n, &s, "Tasks", 2, &lines(&["- [ ] b"]));
        assert_eq!(run(t, &set), "# Day\n## Tasks\n- [ ] b");
    }

    #[test]
    fn under_heading_before_a_setext_heading() {
        let t = "## Tasks\nNext\n====\n";
        let (n, s) = ctx(t);
        assert_eq!(n.headings.len(), 2);
        let set = insert_under_heading(t, &n, &s, "Tasks", 2, &lines(&["- [ ] b"]));
        let out = run(t, &set);
        assert_eq!(out, "## Tasks\n- [ ] b\n\nNext\n====\n");
        assert_eq!(parse_note(&out, &opts()).headings.len(), 2);
    }

    #[test]
    fn absent_heading_is_created() {
        let t = "# Day\ntext";
        let (n, s) = ctx(t);
        let set = insert_under_heading(t, &n, &s, "Tasks", 2, &lines(&["- [ ] a"]));
        assert_eq!(run(t, &set), "# Day\ntext\n\n## Tasks\n- [ ] a");
        let t = "# Day\r\n\r\n";
        let (n, s) = ctx(t);
        let set = insert_under_heading(t, &n, &s, "Tasks", 2, &lines(&["- [ ] a"]));
        assert_eq!(run(t, &set), "# Day\r\n\r\n## Tasks\r\n- [ ] a\r\n");
        let (n, s) = ctx("");
        let set = insert_under_heading("", &n, &s, "Log", 2, &lines(&["- 09:00 x"]));
        assert_eq!(run("", &set), "## Log\n- 09:00 x\n");
    }

    #[test]
    fn quoted_heading_does_not_count() {
        let t = "> ## Tasks\n> - [ ] q\n";
        let (n, s) = ctx(t);
        let set = insert_under_heading(t, &n, &s, "Tasks", 2, &lines(&["- [ ] a"]));
        assert_eq!(run(t, &set), "> ## Tasks\n> - [ ] q\n\n## Tasks\n- [ ] a\n");
    }

    const START: &str = "<!-- mdtasks:summary:start -->";
    const END: &str = "<!-- mdtasks:summary:end -->";

    #[test]
    fn region_absent_is_appended_then_stable() {
        let t = "# Week\nnotes";
        let (n, _) = ctx(t);
        let set = replace_region(t, &Outline::of(&n), "summary", "| a | 1h |\n").unwrap();
        let out = run(t, &set);
        assert_eq!(out, format!("# Week\nnotes\n\n{START}\n| a | 1h |\n{END}"));
        let (n, _) = ctx(&out);
        assert!(
            replace_region(&out, &Outline::of(&n), "summary", "| a | 1h |")
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn region_present_is_replaced_and_second_run_is_empty() {
        let t = format!("# W\r\n{START}\r\nold\r\nolder\r\n{END}\r\nafter\r\n");
        let (n, _) = ctx(&t);
        let set = replace_region(&t, &Outline::of(&n), "summary", "new\nlines\n").unwrap();
        let out = run(&t, &set);
        assert_eq!(
            out,
            format!("# W\r\n{START}\r\nnew\r\nlines\r\n{END}\r\nafter\r\n")
        );
        let (n, _) = ctx(&out);
        assert!(
            replace_region(&out, &Outline::of(&n), "summary", "new\nlines\n")
                .unwrap()
                .is_empty()
        );
        // Emptying the region leaves the markers adjacent.
        let set = replace_region(&out, &Outline::of(&n), "summary", "").unwrap();
        assert_eq!(
            run(&out, &set),
            format!("# W\r\n{START}\r\n{END}\r\nafter\r\n")
        );
    }

    #[test]
    fn named_regions_are_separate() {
        let t = "<!-- mdtasks:a:start -->\nA\n<!-- mdtasks:a:end -->\n";
        let (n, _) = ctx(t);
        let set = replace_region(t, &Outline::of(&n), "b", "B").unwrap();
        let out = run(t, &set);
        assert!(out.starts_with(t));
        assert!(out.ends_with("<!-- mdtasks:b:start -->\nB\n<!-- mdtasks:b:end -->\n"));
    }

    #[test]
    fn markers_in_a_code_fence_are_text() {
        let t = format!("```\n{START}\nold\n{END}\n```\n");
        let (n, _) = ctx(&t);
        assert!(n.regions.is_empty());
        let set = replace_region(&t, &Outline::of(&n), "summary", "new").unwrap();
        let out = run(&t, &set);
        assert!(out.starts_with(&t), "the fenced text is untouched");
        assert_eq!(&out[t.len()..], format!("\n{START}\nnew\n{END}\n"));
    }

    #[test]
    fn unbalanced_markers_are_refused() {
        let t = format!("x\n{START}\nbody\n");
        let (n, _) = ctx(&t);
        let err = replace_region(&t, &Outline::of(&n), "summary", "new").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("line 2") && msg.contains("never ends"),
            "{msg}"
        );
        let t = format!("{START}\na\n{END}\n{START}\nb\n{END}\n");
        let (n, _) = ctx(&t);
        assert!(replace_region(&t, &Outline::of(&n), "summary", "new").is_err());
        // Another region's trouble does not block this one (refuse_reason covers the note).
        assert!(replace_region(&t, &Outline::of(&n), "other", "new").is_ok());
    }

    #[test]
    fn region_after_an_unclosed_fence_is_refused() {
        let t = "text\n```\ncode\n";
        let (n, _) = ctx(t);
        let err = replace_region(t, &Outline::of(&n), "summary", "new").unwrap_err();
        assert!(err.to_string().contains("unclosed code block"), "{err}");
    }

    #[test]
    fn status_char_is_replaced() {
        let t = "- [ ] a\n- [x] b\n- TODO c\n";
        let (n, _) = ctx(t);
        let set = set_status(&n, 0, '>').unwrap();
        let out = run(t, &set);
        assert_eq!(out, "- [>] a\n- [x] b\n- TODO c\n");
        assert_eq!(
            parse_note(&out, &opts()).tasks[0].status,
            Status::RolledOver
        );
        assert!(set_status(&n, 1, 'x').unwrap().is_empty());
        assert!(matches!(
            set_status(&n, 2, 'x'),
            Err(EditError::NotACheckbox { .. })
        ));
        assert!(matches!(
            set_status(&n, 9, 'x'),
            Err(EditError::NoSuchTask { .. })
        ));
        assert!(set_status(&n, 0, ']').is_err());
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// Markdown constructs, each written with `\n`; a note's line ending replaces it.
        const POOL: &[&str] = &[
            "# Heading",
            "## Tasks",
            "Setext\n======",
            "- [ ] open task #tag",
            "- [x] done task",
            "* [ ] star task\n  * [ ] nested star",
            "+ plus item",
            "1. first\n2) second",
            "- parent\n\t- tab child\n\t\t- [ ] tab grandchild",
            "- item\nlazy continuation line",
            "> quote\nlazy quote line",
            "> [!note] Callout\n> - [ ] quoted task",
            "```\ncode <!-- mdtasks:summary:start -->\n```",
            "~~~md\n- [ ] not a task\n~~~",
            "    indented code",
            "| a | b |\n|---|---|\n| 1 | 2 |",
            "<!-- a comment -->",
            "<div>\nhtml block\n</div>",
            "- 09:00-10:00 work #w",
            "07:00 wake",
            "***",
            "text with\ttab",
            "",
            "   ",
            "paragraph text é 🙂",
        ];

        fn note_text() -> impl Strategy<Value = String> {
            (
                prop::collection::vec(prop::sample::select(POOL), 0..12),
                0usize..3,
                any::<bool>(),
                any::<bool>(),
                any::<bool>(),
            )
                .prop_map(|(parts, eol, bom, front, final_nl)| {
                    let eol = ["\n", "\r\n", "\r"][eol];
                    let mut s = String::new();
                    if bom {
                        s.push('\u{feff}');
                    }
                    if front {
                        s.push_str("---\ndate: 2026-11-24\n---\n");
                    }
                    s.push_str(&parts.join("\n"));
                    if final_nl && !s.is_empty() {
                        s.push('\n');
                    }
                    s.replace('\n', eol)
                })
        }

        fn content() -> impl Strategy<Value = String> {
            prop::collection::vec(
                prop::sample::select(&["| tag | 1h |", "total 3h", "- a line", ""][..]),
                0..4,
            )
            .prop_map(|v| v.join("\n"))
        }

        proptest! {
            #![proptest_config(ProptestConfig {
                cases: 300,
                failure_persistence: None,
                ..ProptestConfig::default()
            })]

            #[test]
            fn summary_region_insert_touches_only_the_region(t in note_text(), c in content()) {
                let (n, _) = ctx(&t);
                let set = match replace_region(&t, &Outline::of(&n), "summary", &c) {
                    Ok(set) => set,
                    // pulldown-cmark misreads fences in lone-CR text (`` ```\r `` opens no
                    // fence where CommonMark says it does), so a CR note can end inside what
                    // it takes for an open fence; refusing is then right.
                    Err(EditError::Region { .. }) if !t.contains('\n') => return Ok(()),
                    Err(e) => panic!("{e}\n{t:?}"),
                };
                let out = set.apply_checked(&t, &opts()).unwrap();
                // Absent region: appended, so the original is a prefix of the result.
                prop_assert!(out.starts_with(&t));
                prop_assert_eq!(out.matches('\u{feff}').count(), t.matches('\u{feff}').count());
                let (n2, _) = ctx(&out);
                prop_assert!(replace_region(&out, &Outline::of(&n2), "summary", &c).unwrap().is_empty());
                // A changed content replaces only the bytes between the markers.
                let r = n2.regions.iter().find(|r| r.name == "summary").unwrap();
                let set = replace_region(&out, &Outline::of(&n2), "summary", "other\ncontent").unwrap();
                let out2 = set.apply_checked(&out, &opts()).unwrap();
                prop_assert_eq!(&out2[..r.content.start], &out[..r.content.start]);
                let tail = out.len() - r.content.end;
                prop_assert_eq!(&out2[out2.len() - tail..], &out[r.content.end..]);
                // A no-op plan is a no-op.
                prop_assert_eq!(EditSet::new().apply_checked(&t, &opts()).unwrap(), t);
            }
        }
    }
}
