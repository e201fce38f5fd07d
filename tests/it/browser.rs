//! The HTML report in a real browser: headless Chromium, JavaScript on, loads the page from a
//! file and the test reads what it did.
//!
//! One Chromium run per page, no driver: `--dump-dom` prints the DOM after any script ran,
//! `--enable-logging=stderr` prints every console message (`CONSOLE` lines, "Uncaught ..."),
//! `--log-net-log` records every request the network stack saw, and `--screenshot` writes a
//! PNG to `target/html-report/` for a person to look at. A control page that does make a
//! request, log an error and change its title proves each check can fail.
//!
//! Without a Chromium binary the tests print a notice and pass (`.ci/run` installs Debian's
//! `chromium`); `MDTASKS_CHROMIUM=/path/to/chrome` picks another one.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::cli::{journal, mdtasks};
use crate::html::{ELEMENTS, HOSTILE, sample, tags, xss_notes};

/// One Chromium at a time: the machine may have two cores.
static BROWSER: Mutex<()> = Mutex::new(());

const NAMES: [&str; 5] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
];

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("MDTASKS_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| NAMES.iter().map(move |n| d.join(n)))
        .find(|p| p.is_file())
}

/// The browser, or a notice that the test is skipped.
fn browser_or_skip(test: &str) -> Option<PathBuf> {
    let b = chromium();
    if b.is_none() {
        // Straight to the process's stderr: libtest captures eprintln! of a passing test,
        // and a skip must be seen.
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: no Chromium found (MDTASKS_CHROMIUM, or {} on PATH); \
             `apt-get install chromium` (what .ci/run does) to run it",
            NAMES.join(", ")
        );
    }
    b
}

/// Where screenshots go: `target/html-report/`.
fn shots_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target/tmp is inside target")
        .join("html-report");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// What the browser made of a page.
struct Loaded {
    /// The DOM after scripts ran, as Chromium serialises it.
    dom: String,
    /// Console messages and uncaught errors.
    console: Vec<String>,
    /// Requests the page made (URLs); the browser's own background requests are left out.
    requests: Vec<String>,
}

impl Loaded {
    fn title(&self) -> &str {
        self.dom
            .split("<title>")
            .nth(1)
            .and_then(|t| t.split("</title>").next())
            .unwrap_or("")
    }
}

/// Loads `page` in headless Chromium (JavaScript on), optionally taking a screenshot of the
/// window `size` (`W,H`).
fn load(bin: &Path, page: &Path, shot: Option<(&Path, &str)>) -> Loaded {
    let _one = BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let netlog = tmp.path().join("net.json");
    let dom = tmp.path().join("dom.html");
    let errlog = tmp.path().join("stderr.log");
    let mut c = Command::new(bin);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--enable-logging=stderr",
        "--v=0",
        "--dump-dom",
    ])
    .arg(format!(
        "--user-data-dir={}",
        tmp.path().join("profile").display()
    ))
    .arg(format!("--log-net-log={}", netlog.display()));
    if let Some((png, size)) = shot {
        c.arg("--hide-scrollbars")
            .arg(format!("--window-size={size}"))
            .arg(format!("--screenshot={}", png.display()));
    }
    let url = format!("file://{}", page.canonicalize().unwrap().display());
    c.arg(&url)
        .env("HOME", tmp.path())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&dom).unwrap())
        .stderr(std::fs::File::create(&errlog).unwrap());
    let mut child = c.spawn().expect("start chromium");
    // Generous: a loaded CI machine can be slow; nothing here asserts a time.
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium did not finish within 120 s on {url}:\n{}",
                std::fs::read_to_string(&errlog).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stderr = std::fs::read_to_string(&errlog).unwrap_or_default();
    assert!(
        status.success(),
        "chromium failed on {url}: {status}\n{stderr}"
    );
    let dom = std::fs::read_to_string(&dom).unwrap();
    assert!(
        dom.contains("</html>"),
        "no DOM dumped for {url}:\n{stderr}"
    );
    let console = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .map(str::to_string)
        .collect();
    Loaded {
        dom,
        console,
        requests: page_requests(&std::fs::read_to_string(&netlog).unwrap()),
    }
}

/// The URLs of the requests a page made, from a net log. A request the page (or its
/// scripts) made names the page's origin as its initiator (`null` for a file); Chromium's
/// own background requests (updates, time) say "not an origin".
fn page_requests(netlog: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(netlog)
        .or_else(|_| {
            // A log whose writer was cut short lacks its closing brackets.
            let t = netlog.trim_end().trim_end_matches(',');
            serde_json::from_str(&format!("{t}]}}"))
        })
        .expect("the net log is JSON");
    let start_job = v["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
        .as_u64()
        .expect("URL_REQUEST_START_JOB in the net log's constants");
    let mut urls: Vec<String> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"].as_u64() == Some(start_job))
        .filter(|e| e["params"]["initiator"].as_str() != Some("not an origin"))
        .filter_map(|e| e["params"]["url"].as_str().map(str::to_string))
        .collect();
    urls.sort();
    urls.dedup();
    urls
}

/// A PNG of the given width, and big enough to show something.
fn assert_png(p: &Path, width: u32) {
    let b = std::fs::read(p).unwrap();
    assert_eq!(&b[..8], b"\x89PNG\r\n\x1a\n", "{} is a PNG", p.display());
    let w = u32::from_be_bytes(b[16..20].try_into().unwrap());
    assert_eq!(w, width, "{}", p.display());
    assert!(b.len() > 20_000, "{} is nearly empty", p.display());
}

/// The DOM has only the page's own elements: nothing from a note became markup.
fn assert_dom_clean(dom: &str) {
    for (name, attrs) in tags(dom) {
        assert!(ELEMENTS.contains(&name.as_str()), "<{name}> in the DOM");
        for (a, _) in attrs {
            assert!(!a.starts_with("on"), "<{name} {a}> in the DOM");
        }
    }
    assert_eq!(dom.matches("<style").count(), 1);
}

fn count(s: &str, needle: &str) -> usize {
    s.matches(needle).count()
}

/// The part of the DOM from the element with `id` to the end of its kind of element.
fn part<'a>(dom: &'a str, id: &str, end: &str) -> &'a str {
    let start = dom
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in the DOM"));
    let len = dom[start..].find(end).unwrap();
    &dom[start..start + len]
}

/// The `data-minutes` values in `s`, in order.
fn minutes(s: &str) -> Vec<u64> {
    s.split("data-minutes=\"")
        .skip(1)
        .map(|x| x[..x.find('"').unwrap()].parse().unwrap())
        .collect()
}

#[test]
fn browser_shows_the_sample_report() {
    let Some(bin) = browser_or_skip("browser_shows_the_sample_report") else {
        return;
    };
    let t = journal();
    let o = mdtasks(t.path())
        .args([
            "summarize",
            "journal",
            "--format",
            "html",
            "-o",
            "report.html",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = t.path().join("report.html");
    let desktop = shots_dir().join("sample-desktop.png");
    let l = load(&bin, &page, Some((&desktop, "1280,4400")));
    assert_eq!(l.title(), "Time log: 2026-11-05 to 2026-11-24 · mdtasks");
    assert!(l.console.is_empty(), "console: {:#?}", l.console);
    assert!(l.requests.is_empty(), "requests: {:#?}", l.requests);
    assert_dom_clean(&l.dom);
    assert_png(&desktop, 1280);

    // Each chart has the bars and cells its data says.
    let r = sample();
    let days = part(&l.dom, "chart-days", "</svg>");
    assert_eq!(count(days, "class=\"day\""), r.day_bars.days.len());
    let segs: usize = r.day_bars.days.iter().map(|d| d.segments.len()).sum();
    assert_eq!(count(days, "class=\"seg "), segs);
    let money_days = r
        .day_bars
        .days
        .iter()
        .filter(|d| d.segments.iter().any(|s| s.category == "money"))
        .count();
    assert_eq!(count(days, "class=\"seg money\""), money_days);
    assert!(
        days.contains("fill=\"url(#days-money)\""),
        "money is striped"
    );
    assert!(
        days.contains("fill=\"url(#days-waste)\""),
        "waste is dotted"
    );

    let heat = part(&l.dom, "chart-heatmap", "</svg>");
    assert_eq!(count(heat, "class=\"cell\""), 7 * 24);
    let grid: Vec<u64> = r
        .heatmap
        .rows
        .iter()
        .flat_map(|row| row.minutes.clone())
        .collect();
    assert_eq!(minutes(heat), grid, "each cell carries its minutes");

    let hours = part(&l.dom, "chart-hours", "</svg>");
    assert_eq!(count(hours, "class=\"hour"), 24);
    let productive = r
        .hours
        .hours
        .iter()
        .filter(|h| h.productive_rank.is_some())
        .count();
    assert_eq!(productive, 3);
    assert_eq!(count(hours, "class=\"hour productive\""), productive);
    assert_eq!(count(hours, "class=\"star\""), productive);

    let mw = part(&l.dom, "chart-money-waste", "</svg>");
    assert_eq!(count(mw, "class=\"money\""), r.money_waste.weeks.len());
    assert_eq!(count(mw, "class=\"waste\""), r.money_waste.weeks.len());
    assert_eq!(r.money_waste.weeks.len(), 4);

    let cal = part(&l.dom, "chart-calendar", "</svg>");
    let weeks = r.calendar.weeks.len();
    assert_eq!(count(cal, "class=\"calday\""), weeks * 7);
    assert_eq!(count(cal, "class=\"day-cell\""), weeks * 7);
    assert_eq!(count(cal, "data-state=\"won\""), r.calendar.days_won);
    assert_eq!(
        count(cal, "class=\"streak-current\"") as u32,
        r.calendar.current_streak
    );
    assert_eq!(
        count(cal, "class=\"streak-longest\"") as u32,
        r.calendar.longest_streak
    );

    let tags_table = part(&l.dom, "tags-table", "</table>");
    assert_eq!(count(tags_table, "class=\"tag-bar\""), r.tags.len());
    let blocks_table = part(&l.dom, "blocks-table", "</table>");
    assert_eq!(
        count(blocks_table, "class=\"block-bar\""),
        r.calendar.blocks.len()
    );
    let days_table = part(&l.dom, "days-table", "</table>");
    assert_eq!(
        count(days_table, "<tr"),
        r.days.len() + 1,
        "a header and a row per day"
    );

    // At phone width the page still lays out (tables scroll, charts shrink).
    let phone = shots_dir().join("sample-phone.png");
    let l = load(&bin, &page, Some((&phone, "390,3000")));
    assert!(l.console.is_empty(), "console: {:#?}", l.console);
    assert_png(&phone, 390);
    eprintln!("screenshots: {} and {}", desktop.display(), phone.display());
}

#[test]
fn browser_runs_nothing_from_the_notes() {
    let Some(bin) = browser_or_skip("browser_runs_nothing_from_the_notes") else {
        return;
    };
    let t = xss_notes();
    let o = mdtasks(t.path())
        .args(["summarize", "notes", "--format", "html", "-o", "xss.html"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = t.path().join("xss.html");
    let html = std::fs::read_to_string(&page).unwrap();
    // As written (with its Content-Security-Policy), and with the policy taken out: the
    // escaping alone must keep every script from running.
    let meta = format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
        mdtasks::report::html::CSP
    );
    assert!(html.contains(&meta));
    let bare = t.path().join("xss-no-csp.html");
    std::fs::write(&bare, html.replace(&meta, "")).unwrap();
    let shot = shots_dir().join("xss.png");
    for (p, shot) in [(&page, Some((shot.as_path(), "1280,3000"))), (&bare, None)] {
        let l = load(&bin, p, shot);
        let name = p.file_name().unwrap().to_string_lossy();
        assert_eq!(
            l.title(),
            "Time log: 2026-11-22 to 2026-11-24 · mdtasks",
            "{name}: a script from the notes ran"
        );
        assert!(l.console.is_empty(), "{name}: console: {:#?}", l.console);
        assert!(l.requests.is_empty(), "{name}: requests: {:#?}", l.requests);
        assert_dom_clean(&l.dom);
        // The hostile strings are in the page as text.
        for h in HOSTILE {
            let text = h
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            assert!(l.dom.contains(&text), "{name}: {h} is not shown as text");
        }
        assert!(l.dom.contains("[x](javascript:alert(1))"));
        assert!(!l.dom.contains("href=\"javascript"));
    }
    assert_png(&shot, 1280);
}

/// The checks above can fail: a page that requests, logs and retitles is caught by each.
#[test]
fn browser_checks_catch_a_page_that_misbehaves() {
    let Some(bin) = browser_or_skip("browser_checks_catch_a_page_that_misbehaves") else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let page = t.path().join("control.html");
    // Port 9 (discard) on the loopback address: nothing leaves the machine.
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><head><title>control</title></head><body>\
         <img src=\"http://127.0.0.1:9/x.png\">\
         <script>document.title='pwned'; console.error('control error')</script>\
         </body></html>",
    )
    .unwrap();
    let l = load(&bin, &page, None);
    assert_eq!(l.title(), "pwned");
    assert!(
        l.console.iter().any(|c| c.contains("control error")),
        "{:#?}",
        l.console
    );
    assert_eq!(l.requests, ["http://127.0.0.1:9/x.png"]);
}
