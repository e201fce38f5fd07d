//! `summarize --format html`: the data behind each chart (reviewed snapshots, not SVG bytes),
//! escaping of note text, a page that loads nothing, and where the file goes.

use clap::Parser;
use mdtasks::app::{Config, summarize_html_data};
use mdtasks::report::html::{self, HtmlReport};
use serde::Serialize;

use crate::cli::{copy_dir, journal, run};
use crate::support::{root, test_env};

/// The report data the CLI draws for `mdtasks --today TODAY summarize ARGS...`, run in `cwd`.
pub fn report_data(args: &[&str], today: &str) -> HtmlReport {
    let mut argv = vec!["mdtasks", "--today", today, "summarize"];
    argv.extend_from_slice(args);
    argv.extend_from_slice(&["--format", "html"]);
    let cli = mdtasks::cli::Cli::try_parse_from(argv).unwrap();
    let cfg = Config::resolve(cli, &test_env())
        .map_err(|e| e.message)
        .unwrap();
    summarize_html_data(&cfg).unwrap()
}

/// The sample journal's report, as `mdtasks --today 2026-11-24 summarize fixtures/journal
/// --format html` draws it.
pub fn sample() -> HtmlReport {
    // Relative (integration tests run in the crate's folder), so the paths in the snapshots
    // are the same in every checkout.
    report_data(&["fixtures/journal"], "2026-11-24")
}

/// One JSON object per line: compact and reviewable.
fn lines<T: Serialize>(items: &[T]) -> String {
    items
        .iter()
        .map(|i| serde_json::to_string(i).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

// ---------------------------------------------------------------------------
// The data behind each chart, on the sample journal
// ---------------------------------------------------------------------------

#[test]
fn html_data_overview_and_legend() {
    let r = sample();
    assert_eq!(r.title, "Time log: 2026-11-05 to 2026-11-24");
    assert!(!r.empty);
    insta::assert_snapshot!(
        "html_overview",
        format!("{}\n\n{}", lines(&r.overview), lines(&r.series))
    );
}

#[test]
fn html_data_day_bars() {
    let r = sample();
    let d = &r.day_bars;
    // A bar is the day's logged time, split by category: the parts add up.
    for day in &d.days {
        let sum: u64 = day.segments.iter().map(|s| s.minutes).sum();
        assert!(sum <= day.total_minutes, "{}", day.date);
        assert_eq!(
            sum, day.total_minutes,
            "{}: every minute has a category",
            day.date
        );
    }
    insta::assert_snapshot!(
        "html_day_bars",
        format!("max {}\n{}\n{}", d.max_minutes, d.alt, lines(&d.days))
    );
}

#[test]
fn html_data_heatmap() {
    let h = sample().heatmap;
    assert_eq!(h.rows.len(), 7);
    assert!(h.rows.iter().all(|r| r.minutes.len() == 24));
    assert_eq!(
        h.source, "summary",
        "a 20-day period has the summary's grid"
    );
    let grid: String = h
        .rows
        .iter()
        .map(|r| {
            let cells: Vec<String> = r.minutes.iter().map(|m| format!("{m:3}")).collect();
            format!("{} {} = {}", r.weekday, cells.join(" "), r.total_minutes)
        })
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!(
        "html_heatmap",
        format!("max {}\n{}\n{grid}", h.max_minutes, h.alt)
    );
}

#[test]
fn html_data_hours() {
    let h = sample().hours;
    assert_eq!(h.hours.len(), 24);
    let ranked: Vec<u32> = h.hours.iter().filter_map(|b| b.productive_rank).collect();
    assert!(ranked.len() <= 3);
    insta::assert_snapshot!(
        "html_hours",
        format!("peak {}\n{}\n{}", h.peak_minutes, h.alt, lines(&h.hours))
    );
}

#[test]
fn html_data_money_waste() {
    let m = sample().money_waste;
    assert_eq!(m.source, "summary");
    assert_eq!(
        m.weeks.iter().map(|w| w.money_minutes).sum::<u64>(),
        m.money_minutes
    );
    assert_eq!(
        m.weeks.iter().map(|w| w.waste_minutes).sum::<u64>(),
        m.waste_minutes
    );
    let head = serde_json::json!({
        "has_money": m.has_money, "has_waste": m.has_waste, "money_minutes": m.money_minutes,
        "waste_minutes": m.waste_minutes, "ratio": m.ratio, "max_minutes": m.max_minutes,
    });
    insta::assert_snapshot!(
        "html_money_waste",
        format!("{head}\n{}\n{}", m.alt, lines(&m.weeks))
    );
}

#[test]
fn html_data_blocks_calendar() {
    let c = sample().calendar;
    assert!(c.has_blocks);
    assert_eq!(c.weeks.len(), 4, "the period's weeks: W45 to W48");
    assert!(c.weeks.iter().all(|w| w.days.len() == 7));
    let in_current = c
        .weeks
        .iter()
        .flat_map(|w| &w.days)
        .filter(|d| d.current_streak)
        .count();
    assert_eq!(in_current as u32, c.current_streak);
    let in_longest = c
        .weeks
        .iter()
        .flat_map(|w| &w.days)
        .filter(|d| d.longest_streak)
        .count();
    assert_eq!(in_longest as u32, c.longest_streak);
    let weeks: String = c
        .weeks
        .iter()
        .map(|w| format!("{} {}", w.start, lines(&w.days).replace('\n', "\n  ")))
        .collect::<Vec<_>>()
        .join("\n");
    let head = serde_json::json!({
        "days_with_blocks": c.days_with_blocks, "days_won": c.days_won, "win_rate": c.win_rate,
        "current_streak": c.current_streak, "current_from": c.current_from,
        "current_to": c.current_to, "today_pending": c.today_pending,
        "longest_streak": c.longest_streak, "longest_from": c.longest_from,
        "longest_to": c.longest_to,
    });
    insta::assert_snapshot!(
        "html_blocks_calendar",
        format!("{head}\n{}\n{weeks}\n\n{}", c.alt, lines(&c.blocks))
    );
}

#[test]
fn html_data_tags_and_days() {
    let r = sample();
    assert_eq!(r.tags.first().map(|t| t.scale), Some(1.0));
    insta::assert_snapshot!(
        "html_tags_days",
        format!(
            "{}\n\n{}\n\n{}",
            lines(&r.tags),
            lines(&r.days),
            lines(&r.longest)
        )
    );
}

/// A week or less has no weekday grid and no weekly trend in the summary: the HTML report
/// adds them up itself, and gets what the summary gets for a longer period.
#[test]
fn html_data_short_period_is_added_up_the_same_way() {
    let p = "fixtures/journal";
    let week = report_data(&[p, "--week", "2026-W47"], "2026-11-24");
    assert_eq!(week.heatmap.source, "entries");
    assert_eq!(week.money_waste.source, "days");
    let whole = sample();
    // 2026-11-15 to 2026-11-22 is 8 days (the summary's own grid), and the 15th has no
    // note: its grid is W47's.
    let eight = report_data(
        &[p, "--from", "2026-11-15", "--to", "2026-11-22"],
        "2026-11-24",
    );
    assert_eq!(eight.heatmap.source, "summary");
    for (a, b) in week.heatmap.rows.iter().zip(&eight.heatmap.rows) {
        assert_eq!(a.minutes, b.minutes, "{}", a.weekday);
    }
    assert!(week.heatmap.max_minutes > 0);
    let w47 = whole
        .money_waste
        .weeks
        .iter()
        .find(|w| w.week == "2026-W47")
        .unwrap();
    assert_eq!(week.money_waste.weeks.len(), 1);
    assert_eq!(week.money_waste.weeks[0].money_minutes, w47.money_minutes);
    assert_eq!(week.money_waste.weeks[0].waste_minutes, w47.waste_minutes);
}

// ---------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------

/// The elements the page is made of; anything else came from somewhere it should not.
pub const ELEMENTS: [&str; 43] = [
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "header",
    "main",
    "section",
    "footer",
    "h1",
    "h2",
    "h3",
    "p",
    "code",
    "dl",
    "div",
    "dt",
    "dd",
    "span",
    "figure",
    "figcaption",
    "details",
    "summary",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "svg",
    "defs",
    "pattern",
    "rect",
    "circle",
    "line",
    "polyline",
    "polygon",
    "path",
    "g",
    "text",
    "desc",
];

/// Every tag of `page` with its attributes, read the way a browser tokenises them (values
/// are double-quoted; text never holds a raw `<`, so every `<` starts a tag).
pub fn tags(page: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let b = page.as_bytes();
    let mut i = 0;
    while let Some(off) = page[i..].find('<') {
        i += off + 1;
        if b[i] == b'!' || b[i] == b'/' {
            i += page[i..].find('>').unwrap();
            continue;
        }
        let name_end = i + page[i..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap();
        let name = page[i..name_end].to_string();
        i = name_end;
        let mut attrs = Vec::new();
        loop {
            while b[i].is_ascii_whitespace() {
                i += 1;
            }
            if b[i] == b'>' || page[i..].starts_with("/>") {
                break;
            }
            let n_end = i + page[i..]
                .find(|c: char| c == '=' || c == '>' || c.is_ascii_whitespace() || c == '/')
                .unwrap();
            let an = page[i..n_end].to_string();
            i = n_end;
            let mut v = String::new();
            if b[i] == b'=' {
                assert_eq!(b[i + 1], b'"', "unquoted value of {an} in <{name}>");
                let v_end = i + 2 + page[i + 2..].find('"').unwrap();
                v = page[i + 2..v_end].to_string();
                i = v_end + 1;
            }
            attrs.push((an, v));
        }
        out.push((name, attrs));
    }
    out
}

/// The page loads nothing and runs nothing: only known elements, no script, no event
/// handler attribute, no reference outside the page.
pub fn assert_self_contained(page: &str) {
    assert!(page.starts_with("<!DOCTYPE html>"), "{}", &page[..50]);
    assert!(page.contains(html::CSP), "the CSP meta is there");
    let tags = tags(page);
    assert!(tags.len() > 10);
    for (name, attrs) in &tags {
        assert!(ELEMENTS.contains(&name.as_str()), "<{name}> in the page");
        for (a, v) in attrs {
            assert!(!a.starts_with("on"), "<{name} {a}>");
            assert!(!["src", "srcset", "action", "formaction", "xlink:href"].contains(&a.as_str()));
            if a == "href" {
                assert!(v.starts_with('#'), "<{name} href={v}>");
            }
            if a == "xmlns" {
                assert_eq!(v, "http://www.w3.org/2000/svg");
            } else {
                assert!(!v.contains("http:") && !v.contains("https:"), "{a}={v}");
                assert!(!v.contains("javascript:"), "{a}={v}");
            }
            for (i, _) in v.match_indices("url(") {
                assert!(v[i..].starts_with("url(#"), "{a}={v}");
            }
        }
    }
    assert_eq!(tags.iter().filter(|t| t.0 == "style").count(), 1);
    let css = page
        .split("<style>")
        .nth(1)
        .unwrap()
        .split("</style>")
        .next()
        .unwrap();
    assert!(
        !css.contains("url(") && !css.contains("@import"),
        "CSS loads nothing"
    );
}

/// The `<svg id="ID">` element of the page (charts do not nest).
pub fn chart_svg<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}\""
        ))
        .unwrap_or_else(|| panic!("no chart {id}"));
    let end = start + page[start..].find("</svg>").unwrap();
    &page[start..end]
}

#[test]
fn html_page_is_self_contained_and_stable() {
    let t = journal();
    let (out, err, code) = run(
        t.path(),
        &["summarize", "journal", "--format", "html", "-o", "-"],
    );
    assert_eq!(code, 0, "{err}");
    assert_self_contained(&out);
    for id in [
        "chart-days",
        "chart-heatmap",
        "chart-hours",
        "chart-money-waste",
        "chart-calendar",
        "tags-table",
        "days-table",
        "blocks-table",
    ] {
        assert!(out.contains(&format!("id=\"{id}\"")), "{id} missing");
    }
    // Every chart has a title, a description and two axis titles.
    for id in [
        "chart-days",
        "chart-heatmap",
        "chart-hours",
        "chart-money-waste",
        "chart-calendar",
    ] {
        let svg = chart_svg(&out, id);
        assert!(svg.contains(&format!("aria-labelledby=\"{id}-title {id}-desc\"")));
        assert!(svg.contains(&format!("<title id=\"{id}-title\">")));
        assert!(svg.contains(&format!("<desc id=\"{id}-desc\">")));
        assert_eq!(svg.matches("class=\"axis-title\"").count(), 2, "{id}");
    }
    let (again, _, _) = run(
        t.path(),
        &["summarize", "journal", "--format", "html", "-o", "-"],
    );
    assert!(out == again, "the same notes give the same page");
}

/// The hostile notes of fixtures/html/xss, plus a note whose file name is hostile (made here:
/// `<`, `>`, `"` cannot be in a file name on Windows, so it is not committed).
pub fn xss_notes() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    copy_dir(&root().join("fixtures/html/xss"), &t.path().join("notes"));
    std::fs::write(
        t.path()
            .join("notes")
            .join("2026-11-22 <img src=x onerror=\"document.title='pwned'\">.md"),
        "# 2026-11-22\n\n## Log\n\n- 06:00-11:00 a long one from a hostile file name #money\n",
    )
    .unwrap();
    t
}

/// The markup the XSS fixture plants; each must reach the page as text only. (Its
/// `[x](javascript:alert(1))` needs no escaping: it must just never become a link, which
/// `assert_self_contained` checks.)
pub const HOSTILE: [&str; 4] = [
    "<script>document.title='pwned'</script>",
    "<img src=x onerror=\"document.title='pwned'\">",
    "</svg><script>document.title='pwned'</script>",
    "<style>body{display:none}</style>",
];

#[test]
fn html_escapes_every_string_from_the_notes() {
    let t = xss_notes();
    let (out, err, code) = run(
        t.path(),
        &["summarize", "notes", "--format", "html", "-o", "-"],
    );
    assert_eq!(code, 0, "{err}");
    // No hostile markup survives; only the page's own style element.
    assert!(!out.contains("onerror=\""), "an onerror attribute");
    assert!(!out.contains("<b>"));
    assert_self_contained(&out);
    for h in HOSTILE {
        assert!(!out.contains(h), "{h} is in the page unescaped");
    }
    // They are there as text: in the page (maud: & < > " escaped) and in the SVG (also ').
    assert!(out.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"));
    assert!(out.contains("&lt;/svg&gt;&lt;script&gt;document.title='pwned'&lt;/script&gt;"));
    assert!(out.contains("&lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt;"));
    assert!(out.contains("[x](javascript:alert(1))"));
    assert!(out.contains("&lt;style&gt;body{display:none}&lt;/style&gt;"));
    // The file name, the category name (config) and a Logseq tag carry markup too.
    assert!(
        out.contains(
            "2026-11-22 &lt;img src=x onerror=&quot;document.title='pwned'&quot;&gt;.md:5"
        )
    );
    assert!(
        out.contains("<td><code>&lt;script&gt;document.title='pwned'&lt;/script&gt;</code></td>")
    );
    assert!(out.contains(
        "data-category=\"&lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt;\""
    ));
}

// ---------------------------------------------------------------------------
// Where the report goes
// ---------------------------------------------------------------------------

#[test]
fn html_goes_to_the_default_file_in_the_current_folder() {
    let t = journal();
    let (out, err, code) = run(t.path(), &["summarize", "journal", "--format", "html"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "wrote the report to mdtasks-report.html\n");
    let page = std::fs::read_to_string(t.path().join("mdtasks-report.html")).unwrap();
    assert_self_contained(&page);
    // Nothing else was left in the folder (the temp file was renamed).
    let names: Vec<String> = std::fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, ["journal", "mdtasks-report.html"]);
}

#[test]
fn html_default_is_refused_inside_the_notes_folder() {
    let t = journal();
    let notes = t.path().join("journal");
    for args in [
        vec!["summarize", "--format", "html"],
        vec!["summarize", ".", "--format", "html"],
        vec!["summarize", "2026-11-24.md", "--format", "html"],
    ] {
        let (out, err, code) = run(&notes, &args);
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty());
        assert!(err.contains("inside the notes folder"), "{err}");
        assert!(err.contains("hint: pass -o FILE"), "{err}");
        assert!(!notes.join("mdtasks-report.html").exists());
    }
    // A folder inside the notes is inside them too.
    std::fs::create_dir(notes.join("sub")).unwrap();
    let (_, err, code) = run(&notes.join("sub"), &["summarize", "..", "--format", "html"]);
    assert_eq!(code, 2, "{err}");
    // Asked for explicitly, it goes there.
    let (out, err, code) = run(
        &notes,
        &["summarize", "--format", "html", "-o", "report.html"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "wrote the report to report.html\n");
    assert!(notes.join("report.html").is_file());
}

#[test]
fn a_note_is_never_replaced_by_a_report() {
    let t = journal();
    let before = std::fs::read(t.path().join("journal/2026-11-24.md")).unwrap();
    for format in ["html", "md"] {
        let (out, err, code) = run(
            t.path(),
            &[
                "summarize",
                "journal",
                "--format",
                format,
                "-o",
                "journal/2026-11-24.md",
            ],
        );
        assert_eq!(code, 2, "{format}");
        assert!(out.is_empty());
        assert!(err.contains("is the note journal/2026-11-24.md"), "{err}");
        assert!(err.contains("hint: --write journal/2026-11-24.md"), "{err}");
    }
    assert_eq!(
        std::fs::read(t.path().join("journal/2026-11-24.md")).unwrap(),
        before
    );
}

#[test]
fn html_to_stdout_only_when_asked() {
    let t = journal();
    let (out, _, code) = run(
        t.path(),
        &["summarize", "journal", "--format", "html", "-o", "-"],
    );
    assert_eq!(code, 0);
    assert!(out.starts_with("<!DOCTYPE html>"));
    assert!(out.ends_with("</html>"));
    assert!(!t.path().join("mdtasks-report.html").exists());
}

#[test]
fn output_flag_works_for_every_format_and_replaces_atomically() {
    let t = journal();
    let (md, _, _) = run(t.path(), &["summarize", "journal", "--format", "md"]);
    let (out, err, code) = run(
        t.path(),
        &[
            "summarize",
            "journal",
            "--format",
            "md",
            "-o",
            "out/summary.md",
        ],
    );
    assert_eq!(code, 2, "the folder must exist");
    assert!(
        err.contains("error: cannot write the report to out/summary.md"),
        "{err}"
    );
    assert!(out.is_empty());
    std::fs::create_dir(t.path().join("out")).unwrap();
    let (out, err, code) = run(
        t.path(),
        &[
            "summarize",
            "journal",
            "--format",
            "md",
            "-o",
            "out/summary.md",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "wrote the report to out/summary.md\n");
    assert_eq!(
        std::fs::read_to_string(t.path().join("out/summary.md")).unwrap(),
        md
    );
    // Colour never goes into a file.
    let (_, _, code) = run(
        t.path(),
        &[
            "--color",
            "always",
            "summarize",
            "journal",
            "-o",
            "out/summary.txt",
        ],
    );
    assert_eq!(code, 0);
    let text = std::fs::read_to_string(t.path().join("out/summary.txt")).unwrap();
    assert!(!text.contains('\u{1b}'));
    assert!(text.starts_with("Time log: 2026-11-05 to 2026-11-24\n"));
    // Replacing a file keeps its permissions and leaves no temp file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let p = t.path().join("out/summary.md");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        let (_, _, code) = run(
            t.path(),
            &[
                "summarize",
                "journal",
                "--format",
                "json",
                "-o",
                "out/summary.md",
            ],
        );
        assert_eq!(code, 0);
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(std::fs::read_to_string(&p).unwrap().starts_with('{'));
    }
    let mut names: Vec<String> = std::fs::read_dir(t.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["summary.md", "summary.txt"]);
    // A folder is not a file.
    let (_, err, code) = run(t.path(), &["summarize", "journal", "-o", "out"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot write the report to out"), "{err}");
}

#[test]
fn write_into_a_note_stays_markdown_with_html() {
    let t = journal();
    std::fs::write(
        t.path().join("journal/Weekly.md"),
        "# Weekly\n\n<!-- mdtasks:summary:start -->\n<!-- mdtasks:summary:end -->\n",
    )
    .unwrap();
    let (out, err, code) = run(
        t.path(),
        &[
            "summarize",
            "journal",
            "--format",
            "html",
            "-o",
            "report.html",
            "--write",
            "journal/Weekly.md",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("wrote the report to report.html\n"),
        "{out}"
    );
    let note = std::fs::read_to_string(t.path().join("journal/Weekly.md")).unwrap();
    let (md, _, _) = run(t.path(), &["summarize", "journal", "--format", "md"]);
    assert!(note.contains(md.lines().next().unwrap()), "{note}");
    assert!(
        !note.contains("<svg") && !note.contains("<!DOCTYPE"),
        "Markdown, not HTML"
    );
    assert!(t.path().join("report.html").is_file());
}

#[test]
fn html_without_entries_is_a_friendly_page() {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join("notes")).unwrap();
    std::fs::write(t.path().join("notes/2026-11-24.md"), "- [ ] a task\n").unwrap();
    let (out, err, code) = run(
        t.path(),
        &["summarize", "notes", "--format", "html", "-o", "-"],
    );
    assert_eq!(code, 1, "nothing found: {err}");
    assert_self_contained(&out);
    assert!(out.contains("No time entries"));
    assert!(!out.contains("<svg"));
}

#[test]
fn blocks_has_no_html_format() {
    let t = journal();
    let (_, err, code) = run(t.path(), &["blocks", "journal", "--format", "html"]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid value 'html'"), "{err}");
}

/// Long periods are drawn by week, month or year (at most `MAX_BARS` bars, at most
/// `MAX_WEEK_PAIRS` money/waste pairs; a century's page, by year, is in the benchmark): every minute of every day is in exactly one bar,
/// the bars cover the period in order, and a page of a year is still drawn by day.
#[test]
fn long_periods_are_drawn_by_week_month_or_year() {
    use mdtasks::corpus::Generator;
    use mdtasks::report::html::{BarUnit, MAX_BARS, MAX_WEEK_PAIRS};
    let generator = Generator::new("html-buckets", 0.3);
    let t = tempfile::tempdir().unwrap();
    let start = chrono::NaiveDate::from_ymd_opt(2019, 12, 28).unwrap();
    let all_days = 4_000;
    for i in 0..all_days {
        let date = start + chrono::Duration::days(i);
        let day = generator.day(date);
        std::fs::write(t.path().join(format!("{date}.md")), &day.text).unwrap();
    }
    let dir = t.path().to_str().unwrap().to_string();
    let last = start + chrono::Duration::days(all_days - 1);
    for (days, unit, pairs) in [
        (300, BarUnit::Day, BarUnit::Week),
        (1_000, BarUnit::Week, BarUnit::Month),
        (4_000, BarUnit::Month, BarUnit::Year),
    ] {
        let from = (last - chrono::Duration::days(days - 1)).to_string();
        let r = report_data(
            &[&dir, "--from", &from, "--to", &last.to_string()],
            &last.to_string(),
        );
        let d = &r.day_bars;
        assert_eq!((d.unit, r.money_waste.unit), (unit, pairs), "{days} days");
        assert!(d.days.len() <= MAX_BARS && r.money_waste.weeks.len() <= MAX_WEEK_PAIRS);
        // The bars add up to the days, which add up to the total.
        let total: u64 = r.days.iter().map(|x| x.logged_minutes).sum();
        assert_eq!(
            d.days.iter().map(|b| b.total_minutes).sum::<u64>(),
            total,
            "{days} days"
        );
        for b in &d.days {
            assert_eq!(
                b.segments.iter().map(|s| s.minutes).sum::<u64>(),
                b.total_minutes
            );
            let in_bar = r
                .days
                .iter()
                .filter(|x| x.date >= b.date && x.date <= b.to.unwrap_or(b.date));
            assert_eq!(
                in_bar.map(|x| x.logged_minutes).sum::<u64>(),
                b.total_minutes
            );
        }
        // In order, each bar starting the day after the one before ends.
        assert_eq!(
            d.days.first().map(|b| b.date),
            r.days.first().map(|x| x.date)
        );
        for w in d.days.windows(2) {
            assert_eq!(w[0].to.unwrap_or(w[0].date).succ_opt(), Some(w[1].date));
        }
        let money: u64 = r.days.iter().map(|x| x.money_minutes).sum();
        let waste: u64 = r.days.iter().map(|x| x.waste_minutes).sum();
        let weeks = &r.money_waste.weeks;
        assert_eq!(weeks.iter().map(|w| w.money_minutes).sum::<u64>(), money);
        assert_eq!(weeks.iter().map(|w| w.waste_minutes).sum::<u64>(), waste);
        let page = html::render_html(&r);
        let word = unit.word();
        assert!(
            page.contains(&format!("Logged time per {word}, by category")),
            "{days}"
        );
        assert!(page.contains(&format!("Money against waste per {}", pairs.word())));
    }
}
