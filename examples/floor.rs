//! The design's floor (issue 7): walk a folder, read every `.md` file, run pulldown-cmark over it
//! (task lists, offsets) and count tasks and timestamped list lines, on rayon's pool. `mdtasks`
//! does this and more, so its `check`/`summarize` times are compared with this program's.
//!
//! `cargo run --release --example floor -- DIR [MODE]`  (RAYON_NUM_THREADS=1 for one thread).
//! MODE `offset` (default) is the design's floor: events with their byte ranges, as mdtasks
//! parses; `plain` drops the ranges; `read` only walks and reads (the I/O part of the floor).
use pulldown_cmark::{Event, Options, Parser, Tag};
use rayon::prelude::*;
use std::path::PathBuf;

fn walk(dir: PathBuf, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => walk(p, out),
            Ok(_) if p.extension().is_some_and(|x| x == "md") => out.push(p),
            _ => {}
        }
    }
}

fn main() {
    let root = std::env::args().nth(1).expect("usage: floor DIR");
    let mode = std::env::args().nth(2).unwrap_or_default();
    let mut paths = Vec::new();
    walk(root.into(), &mut paths);
    let (tasks, timed) = paths
        .par_iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            if mode == "read" {
                return (text.len(), 0);
            }
            if mode == "plain" {
                let mut t = 0;
                for ev in Parser::new_ext(&text, Options::ENABLE_TASKLISTS) {
                    if let Event::TaskListMarker(_) = ev {
                        t += 1
                    }
                }
                return (t, 0);
            }
            let (mut tasks, mut timed) = (0usize, 0usize);
            for (ev, range) in Parser::new_ext(&text, Options::ENABLE_TASKLISTS).into_offset_iter()
            {
                match ev {
                    Event::TaskListMarker(_) => tasks += 1,
                    Event::Start(Tag::Item) => {
                        let line = &text[range.start..];
                        let rest = line.trim_start_matches(['-', '*', '+', ' ']);
                        if rest.as_bytes().first().is_some_and(u8::is_ascii_digit) {
                            timed += 1;
                        }
                    }
                    _ => {}
                }
            }
            (tasks, timed)
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!(
        "{} notes, {tasks} tasks, {timed} timestamped items",
        paths.len()
    );
}
