//! The mdtasks binary: parse flags, gather the environment, run, map to an exit code.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::Parser;
use mdtasks::app::{self, Config, Env};

/// mimalloc instead of the system allocator (see `mdtasks::alloc`).
#[global_allocator]
static ALLOC: mdtasks::alloc::Mimalloc = mdtasks::alloc::Mimalloc;

/// `$XDG_CONFIG_HOME/mdtasks/config.toml`, else `$HOME/.config/mdtasks/config.toml`. A
/// relative or empty `XDG_CONFIG_HOME` is ignored, as the XDG spec asks.
fn user_config_path() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    let base = xdg.or_else(|| {
        std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(|h| PathBuf::from(h).join(".config"))
    })?;
    Some(base.join("mdtasks").join("config.toml"))
}

/// Stack for the command (the parsing threads get the same, `load::STACK`).
const STACK: usize = mdtasks::load::STACK;

/// mimalloc's defaults keep freed memory committed for a second and commit arenas eagerly:
/// a streamed read of 36,500 notes then peaked at 45 MiB instead of 19 MiB. Freed memory is
/// returned after 10 ms instead: returning it at once (one `madvise` a page, then a page
/// fault when it is used again) made a 365-note `summarize` 10 % slower (32.9 ms against
/// 29.5 ms; 32,000 page faults against 22,000 on 36,500 notes) for 2-3 MiB less peak
/// memory. The option numbers are those of the mimalloc 3 sources that libmimalloc-sys
/// 0.1.49 (pinned in Cargo.toml) builds (`mi_option_e` in mimalloc.h); the crate's own
/// constants are mimalloc 2's.
fn tune_allocator() {
    const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: called first thing in `main`, before any other thread exists (the setters are
    // not thread safe); both options take plain integers.
    unsafe {
        libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 10);
    }
}

/// No transparent huge pages. mimalloc asks for them (`madvise(MADV_HUGEPAGE)`) on the arena
/// it reserves at its first allocation, so each first touch of a 2 MiB stretch zeroed all of
/// it and the next purge split it again: 50 huge pages a large `summarize`, a tenth of its
/// CPU time (system time 0.81 -> 0.40 s), 7 MiB more peak memory. The first allocation is
/// the standard library's, before `main` (perf caught zeroing that first huge page taking up
/// to 30 ms of a command's start), so this runs from `.init_array`: after mimalloc's own
/// initialisation (a constructor of priority 101), before `main`. The flag is the process's
/// own (mdtasks starts no other programs).
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static NO_HUGE_PAGES: extern "C" fn() = {
    extern "C" fn no_huge_pages() {
        // SAFETY: PR_SET_THP_DISABLE takes plain integers and only sets a flag of this
        // process; nothing else runs yet.
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
    no_huge_pages
};

fn main() {
    tune_allocator();
    // Rayon's workers (parallel parsing) are started by the first read that needs them
    // (`load::stream`), with the same stack: commands that read a note or two never start
    // them (idle workers spin for a while, which on two cores slowed every command's start).
    let code = std::thread::Builder::new()
        .name("mdtasks".into())
        .stack_size(STACK)
        .spawn(run)
        .map(|h| h.join().unwrap_or(app::exit::ERROR))
        .unwrap_or_else(|e| {
            eprintln!("error: cannot start: {e}");
            app::exit::ERROR
        });
    std::process::exit(code);
}

fn run() -> i32 {
    let cli = mdtasks::cli::Cli::parse();
    let env = Env {
        today: chrono::Local::now().date_naive(),
        now: chrono::Local::now().time(),
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        stdout_is_terminal: std::io::stdout().is_terminal(),
        stderr_is_terminal: std::io::stderr().is_terminal(),
        user_config: user_config_path(),
    };
    match Config::resolve(cli, &env) {
        Err(e) => {
            eprintln!("{}", e.message);
            app::exit::ERROR
        }
        Ok(cfg) => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let mut err = std::io::stderr();
            let r = app::run(&cfg, &mut out, &mut err).and_then(|c| out.flush().map(|_| c));
            match r {
                Ok(c) => c,
                // `mdtasks tasks | head` closes the pipe early: that is not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => app::exit::OK,
                Err(e) => {
                    eprintln!("error: cannot write the output: {e}");
                    app::exit::ERROR
                }
            }
        }
    }
}
