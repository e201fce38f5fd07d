//! Parses every `.md` file directly in a folder with `parse_note`, on one thread, after
//! reading them all: the parser's instruction count under
//! `valgrind --tool=callgrind`, without threads or I/O in the figure (docs/benchmarks.md).
//!
//! `cargo build --release --example parse_only && valgrind --tool=callgrind
//! target/release/examples/parse_only target/bench-corpus/d365/notes`
use mdtasks::config::Settings;
use mdtasks::parse::{ParseOptions, parse_note};

/// The allocator the `mdtasks` binary uses.
#[global_allocator]
static ALLOC: mdtasks::alloc::Mimalloc = mdtasks::alloc::Mimalloc;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: parse_only DIR");
    let mut texts: Vec<String> = std::fs::read_dir(&dir)
        .expect("a readable folder")
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect();
    texts.sort();
    let opts = ParseOptions {
        name_date: None,
        plan_headings: Settings::default().plan_headings_lower(),
    };
    let (mut tasks, mut entries) = (0, 0);
    for t in &texts {
        let n = parse_note(t, &opts);
        tasks += n.tasks.len();
        entries += n.entries.len();
    }
    println!("{} notes, {tasks} tasks, {entries} entries", texts.len());
}
