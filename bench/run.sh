#!/usr/bin/env bash
# Whole-process benchmark of mdtasks (issue 7): wall time, MB/s and peak RSS of every reading
# command on generated journals of 365, 3,650 and 36,500 daily notes, warm page cache.
#
#   bash bench/run.sh [--runs N] [--slow-runs N] [--sizes "365 3650 36500"] [--no-install]
#
#   --runs N       timed runs per command for the smaller sizes (default 10, at least 5)
#   --slow-runs N  timed runs per command on the largest folder (default 5)
#   --sizes LIST   corpus sizes in notes (default "365 3650 36500")
#   --no-install   never call apt-get (missing tools are then skipped or replaced)
#
# Needs only Rust; as root with apt-get it installs hyperfine, ripgrep, time and jq when they
# are missing. Without hyperfine it falls back to a timing loop (labelled in the output).
# Corpora are generated once and cached under target/bench-corpus/ (regenerated when the
# generator's source changes). Ratios between two commands are also timed in turn (the two
# alternately), and as root the cold cache too (the page cache dropped before every run).
# Prints a Markdown report, ending with each target of issue 7 and whether it was met, and
# writes it to target/bench-results.md. Exits non-zero if `summarize --format json`
# disagrees with the generator's ground truth at any size. Not part of CI: run it by hand.
set -euo pipefail

RUNS=10
SLOW_RUNS=5
SIZES="365 3650 36500"
INSTALL=1
WARMUP=2
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) RUNS="$2"; shift 2 ;;
        --slow-runs) SLOW_RUNS="$2"; shift 2 ;;
        --sizes) SIZES="$2"; shift 2 ;;
        --no-install) INSTALL=0; shift ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
done

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
CORPORA="$TARGET/bench-corpus"
WORK="$TARGET/bench-work"
OUT="$TARGET/bench-results.md"
START="2000-01-01"
SEED="42"
mkdir -p "$CORPORA" "$WORK"

log() { echo "bench: $*" >&2; }

# ---------------------------------------------------------------------------------------------
# tools
# ---------------------------------------------------------------------------------------------
APT_UPDATED=0
apt_install() { # package: installs it when possible; returns non-zero otherwise
    [ "$INSTALL" = 1 ] || return 1
    command -v apt-get >/dev/null 2>&1 || return 1
    [ "$(id -u)" = 0 ] || return 1
    if [ "$APT_UPDATED" = 0 ]; then
        apt-get update -qq >/dev/null 2>&1 || true
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null 2>&1
}

NOTES=()
command -v hyperfine >/dev/null 2>&1 || apt_install hyperfine || true
if command -v hyperfine >/dev/null 2>&1; then
    TIMER="hyperfine $(hyperfine --version | awk '{print $2}')"
    HAVE_HYPERFINE=1
else
    TIMER="shell timing loop (date +%s%N; hyperfine unavailable)"
    HAVE_HYPERFINE=0
    NOTES+=("**hyperfine could not be installed: times come from a simple \`date +%s%N\` loop around each run (includes fork/exec of bash), not from hyperfine.**")
fi
[ -x /usr/bin/time ] || apt_install time || true
if [ -x /usr/bin/time ]; then HAVE_TIME=1; else
    HAVE_TIME=0
    NOTES+=("/usr/bin/time is missing and could not be installed: no peak RSS figures.")
fi
command -v rg >/dev/null 2>&1 || apt_install ripgrep || true
if command -v rg >/dev/null 2>&1; then HAVE_RG=1; else
    HAVE_RG=0
    NOTES+=("ripgrep is missing and could not be installed: the \`rg -c .\` reference is skipped.")
fi
command -v jq >/dev/null 2>&1 || apt_install jq || true

json_get() { # file, jq path (e.g. .overview.total_minutes), fallback key for grep
    if command -v jq >/dev/null 2>&1; then
        jq -r "$2" "$1"
    elif command -v python3 >/dev/null 2>&1; then
        python3 - "$1" "$2" <<'EOF'
import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].strip(".").split("."):
    v = v[k]
print(v)
EOF
    else
        # The first occurrence of the key (serde writes fields in declaration order).
        grep -o "\"$3\": *[0-9]*" "$1" | head -n1 | grep -o '[0-9]*$'
    fi
}

# ---------------------------------------------------------------------------------------------
# build
# ---------------------------------------------------------------------------------------------
log "building the release binary and the corpus generator"
cargo build --release --quiet --bin mdtasks --example gen_corpus --example floor
# A private copy, so that a concurrent `cargo build` cannot swap the binary mid-run.
BIN="$WORK/mdtasks"
GEN="$WORK/gen_corpus"
cp "$TARGET/release/mdtasks" "$BIN"
cp "$TARGET/release/examples/gen_corpus" "$GEN"
# The design's floor (issue 7): walk, read, pulldown-cmark with offsets, count tasks/log lines.
FLOOR="$WORK/floor"
cp "$TARGET/release/examples/floor" "$FLOOR"
VERSION="$("$BIN" --version)"

# ---------------------------------------------------------------------------------------------
# corpora
# ---------------------------------------------------------------------------------------------
GEN_HASH="$(cat src/corpus.rs examples/gen_corpus.rs | cksum | awk '{print $1}')"
corpus() { # name days start -> prints the notes folder; generates it unless cached
    local name="$1" days="$2" start="$3" dir="$CORPORA/$1"
    local stamp="$dir/stamp" key="days=$days start=$start seed=$SEED gen=$GEN_HASH"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$key" ]; then
        log "generating $name ($days notes from $start)"
        rm -rf "$dir"
        mkdir -p "$dir"
        "$GEN" "$dir/notes" --days "$days" --start "$start" --seed "$SEED" --truth "$dir/truth.json"
        echo "$key" >"$stamp"
    fi
    echo "$dir"
}
corpus_bytes() { find "$1" -type f -name '*.md' -printf '%s\n' | awk '{s+=$1} END {print s+0}'; }
# Reads every note of a folder, so that its runs find it in the page cache.
warm() { find "$1" -name "*.md" -exec cat {} + >/dev/null; }
last_day() { date -u -d "$START + $(($1 - 1)) days" +%F; }

# ---------------------------------------------------------------------------------------------
# measuring
# ---------------------------------------------------------------------------------------------
ROWS=()      # Markdown table rows
declare -A MEAN_MS
MAX_RSS=0    # the highest peak RSS of an mdtasks command (MiB), and which
MAX_RSS_WHAT=""

time_cmd() { # id runs cmd... -> sets T_MEAN T_SD T_MIN T_MAX (ms) and T_RUNS
    local id="$1" runs="$2"; shift 2
    if [ "$HAVE_HYPERFINE" = 1 ]; then
        local csv="$WORK/$id.csv" cmdline
        cmdline="$(printf '%q ' "$@")"
        hyperfine --shell=none --warmup "$WARMUP" --runs "$runs" --ignore-failure \
            --style none --export-csv "$csv" -n "$id" "$cmdline" >/dev/null
        # command,mean,stddev,median,user,system,min,max (seconds)
        read -r T_MEAN T_SD T_MIN T_MAX < <(awk -F, 'NR==2 {printf "%.2f %.2f %.2f %.2f\n", $2*1000, $3*1000, $7*1000, $8*1000}' "$csv")
    else
        local i t0 t1 times=()
        for ((i = 0; i < WARMUP; i++)); do "$@" >/dev/null 2>&1 || true; done
        for ((i = 0; i < runs; i++)); do
            t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N)
            times+=("$(((t1 - t0)))")
        done
        read -r T_MEAN T_SD T_MIN T_MAX < <(printf '%s\n' "${times[@]}" | awk '
            {x[NR]=$1/1e6; s+=x[NR]; if (NR==1||x[NR]<mn) mn=x[NR]; if (NR==1||x[NR]>mx) mx=x[NR]}
            END {m=s/NR; for (i=1;i<=NR;i++) v+=(x[i]-m)^2; sd=(NR>1)?sqrt(v/(NR-1)):0;
                 printf "%.2f %.2f %.2f %.2f\n", m, sd, mn, mx}')
    fi
    T_RUNS="$runs"
}

rss_cmd() { # cmd... -> sets RSS_MIB and EXIT
    if [ "$HAVE_TIME" = 1 ]; then
        local f="$WORK/time.txt"
        /usr/bin/time -v -o "$f" "$@" >/dev/null 2>&1 || true
        RSS_MIB="$(awk -F: '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$f")"
        EXIT="$(awk -F: '/Exit status/ {gsub(/ /, "", $2); print $2}' "$f")"
    else
        RSS_MIB="n/a"
        EXIT=0; "$@" >/dev/null 2>&1 || EXIT=$?
    fi
}

fmt_ms() { awk -v v="$1" 'BEGIN { if (v >= 1000) printf "%.2f s", v/1000; else if (v >= 100) printf "%.0f ms", v; else printf "%.1f ms", v }'; }

measure() { # id label notes bytes runs cmd...  (bytes empty: no MB/s)
    local id="$1" label="$2" notes="$3" bytes="$4" runs="$5"; shift 5
    log "$notes notes: $label ($runs runs)"
    time_cmd "$id" "$runs" "$@"
    rss_cmd "$@"
    MEAN_MS[$id]="$T_MEAN"
    case "$id" in
        floor-* | rg-* | ls-*) ;;
        *) if [ "$RSS_MIB" != "n/a" ] && awk -v a="$RSS_MIB" -v b="$MAX_RSS" 'BEGIN {exit !(a > b)}'; then
            MAX_RSS="$RSS_MIB"
            MAX_RSS_WHAT="\`$label\`$([ "$notes" = 1 ] || echo ", $notes notes")"
        fi ;;
    esac
    local mbs="—"
    [ -n "$bytes" ] && mbs="$(awk -v b="$bytes" -v t="$T_MEAN" 'BEGIN {printf "%.1f", b/1e6/(t/1000)}')"
    ROWS+=("| $notes | \`$label\` | $(fmt_ms "$T_MEAN") ± $(fmt_ms "$T_SD") | $(fmt_ms "$T_MIN") | $(fmt_ms "$T_MAX") | $T_RUNS | $mbs | $RSS_MIB | $EXIT |")
}

median_of() { sort -n | awk '{x[NR]=$1} END {if (NR) print x[int((NR+1)/2)]; else print 0}'; }

PAIR_ROWS=()
declare -A PAIR_RATIO PAIR_Q1 PAIR_Q3 PAIR_A_MS PAIR_B_MS
PAIR_PREPARE="" # a shell command run before every run in turn (e.g. dropping the page cache)
paired() { # id label pairs arrayA arrayB: A and B run in turn, the order swapped every pair, so
    # both see the same minutes of a host whose speed drifts (the table above times each
    # command's runs together). Adds the median times and the median of the per-pair ratios
    # B/A, with its quartiles, to PAIR_ROWS, and keeps them under `id` for the targets.
    local id="$1" label="$2" pairs="$3" i t0 t1 ta tb out="$WORK/pairs.txt"
    [ -n "${EPOCHREALTIME:-}" ] || { log "in turn: needs bash 5 (\$EPOCHREALTIME); skipped"; return; }
    local -n _a="$4" _b="$5"
    log "in turn: $label ($pairs pairs)"
    : >"$out"
    prep() { [ -z "$PAIR_PREPARE" ] || bash -c "$PAIR_PREPARE" >/dev/null 2>&1 || true; }
    for ((i = 0; i < WARMUP; i++)); do
        prep; "${_a[@]}" >/dev/null 2>&1 || true
        prep; "${_b[@]}" >/dev/null 2>&1 || true
    done
    # The clock is bash's own ($EPOCHREALTIME): `date` would start a process around each run.
    for ((i = 0; i < pairs; i++)); do
        if ((i % 2)); then
            prep; t0=$EPOCHREALTIME; "${_b[@]}" >/dev/null 2>&1 || true; t1=$EPOCHREALTIME; tb="$t0 $t1"
            prep; t0=$EPOCHREALTIME; "${_a[@]}" >/dev/null 2>&1 || true; t1=$EPOCHREALTIME; ta="$t0 $t1"
        else
            prep; t0=$EPOCHREALTIME; "${_a[@]}" >/dev/null 2>&1 || true; t1=$EPOCHREALTIME; ta="$t0 $t1"
            prep; t0=$EPOCHREALTIME; "${_b[@]}" >/dev/null 2>&1 || true; t1=$EPOCHREALTIME; tb="$t0 $t1"
        fi
        echo "$ta $tb" | awk '{printf "%d %d\n", ($2 - $1) * 1e6, ($4 - $3) * 1e6}' >>"$out"
    done
    local ma mb r q1 q3
    ma="$(awk '{print $1/1e3}' "$out" | median_of)"
    mb="$(awk '{print $2/1e3}' "$out" | median_of)"
    r="$(awk '{print $2/$1}' "$out" | median_of)"
    read -r q1 q3 < <(awk '{print $2/$1}' "$out" | sort -n | awk '{x[NR]=$1} END {print x[int(NR/4)+1], x[int(3*NR/4)+1]}')
    PAIR_RATIO[$id]="$r"; PAIR_Q1[$id]="$q1"; PAIR_Q3[$id]="$q3"; PAIR_A_MS[$id]="$ma"; PAIR_B_MS[$id]="$mb"
    PAIR_ROWS+=("| $label | $pairs | $(fmt_ms "$ma") | $(fmt_ms "$mb") | $(awk -v r="$r" -v a="$q1" -v b="$q3" 'BEGIN {printf "%.2fx (%.2f-%.2f)", r, a, b}') |")
}

# ---------------------------------------------------------------------------------------------
# the runs
# ---------------------------------------------------------------------------------------------
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
# The CPU time the host took from this machine's cores meanwhile (steal, in /proc/stat).
cpu_ticks() { awk '/^cpu / {print $2+$3+$4+$5+$6+$7+$8+$9, $9}' /proc/stat 2>/dev/null || echo "0 0"; }
read -r TICKS_BEFORE STEAL_BEFORE < <(cpu_ticks)
TRUTH_ROWS=()
TRUTH_FAIL=0
LARGEST=0
for n in $SIZES; do [ "$n" -gt "$LARGEST" ] && LARGEST="$n"; done

for n in $SIZES; do
    dir="$(corpus "d$n" "$n" "$START")"
    notes="$dir/notes"
    bytes="$(corpus_bytes "$notes")"
    runs="$RUNS"; [ "$n" = "$LARGEST" ] && runs="$SLOW_RUNS"
    # Warm the page cache.
    warm "$notes"

    # Ground truth first: a fast wrong answer is no answer.
    "$BIN" summarize "$notes" --format json >"$WORK/summary-$n.json" 2>/dev/null || true
    got="$(json_get "$WORK/summary-$n.json" .overview.total_minutes total_minutes)"
    want="$(json_get "$dir/truth.json" .total_minutes total_minutes)"
    if [ "$got" = "$want" ]; then verdict="equal"; else verdict="**DIFFERENT**"; TRUTH_FAIL=1; fi
    TRUTH_ROWS+=("| $n | $(awk -v b="$bytes" 'BEGIN {printf "%.1f", b/1e6}') MB | $want | $got | $verdict |")
    [ "$verdict" = "equal" ] || log "TRUTH MISMATCH at $n notes: summarize says $got, the generator $want"

    # The floor right before `summarize`, each command's runs together: the host's speed
    # drifts from minute to minute, so the two are timed in the same minute (and in turn,
    # below).
    measure "floor-$n" "examples/floor DIR (pulldown-cmark floor)" "$n" "$bytes" "$runs" "$FLOOR" "$notes"
    measure "sum-json-$n" "summarize DIR --format json" "$n" "$bytes" "$runs" "$BIN" summarize "$notes" --format json
    measure "sum-text-$n" "summarize DIR" "$n" "$bytes" "$runs" "$BIN" summarize "$notes"
    if [ "$n" = "$LARGEST" ]; then
        measure "floor-1t-$n" "RAYON_NUM_THREADS=1 examples/floor DIR" "$n" "$bytes" "$runs" env RAYON_NUM_THREADS=1 "$FLOOR" "$notes"
    fi
    measure "sum-1t-$n" "RAYON_NUM_THREADS=1 summarize DIR --format json" "$n" "$bytes" "$runs" env RAYON_NUM_THREADS=1 "$BIN" summarize "$notes" --format json
    # The reports that list every entry (sorted through a temp file) and the HTML page,
    # written to a file as a user would.
    measure "sum-entries-$n" "summarize DIR --format json --entries" "$n" "$bytes" "$runs" "$BIN" summarize "$notes" --format json --entries
    measure "sum-csv-$n" "summarize DIR --format csv --csv entries -o FILE" "$n" "$bytes" "$runs" "$BIN" summarize "$notes" --format csv --csv entries -o "$WORK/entries-$n.csv"
    measure "sum-html-$n" "summarize DIR --format html -o FILE" "$n" "$bytes" "$runs" "$BIN" summarize "$notes" --format html -o "$WORK/report-$n.html"
    measure "tasks-$n" "tasks DIR" "$n" "$bytes" "$runs" "$BIN" tasks "$notes"
    measure "entries-$n" "entries DIR" "$n" "$bytes" "$runs" "$BIN" entries "$notes"
    measure "check-$n" "check DIR" "$n" "$bytes" "$runs" "$BIN" check "$notes"
    measure "blocks-$n" "blocks DIR" "$n" "$bytes" "$runs" "$BIN" blocks "$notes"
    # The other reading commands, which once loaded every note: time and peak RSS.
    measure "blocks-json-$n" "blocks DIR --format json" "$n" "$bytes" "$runs" "$BIN" blocks "$notes" --format json
    measure "next-$n" "next DIR --minutes 60" "$n" "$bytes" "$runs" "$BIN" next "$notes" --minutes 60
    measure "in-progress-$n" "tasks DIR --in-progress" "$n" "$bytes" "$runs" "$BIN" tasks "$notes" --in-progress
    measure "stale-$n" "tasks DIR --stale 1" "$n" "$bytes" "$runs" "$BIN" tasks "$notes" --stale 1
    measure "export-ics-$n" "export DIR --format ics" "$n" "$bytes" "$runs" "$BIN" export "$notes" --format ics
    measure "export-todo-$n" "export DIR --format todotxt" "$n" "$bytes" "$runs" "$BIN" export "$notes" --format todotxt
    measure "progress-$n" "tasks DIR --write-progress --dry-run" "$n" "$bytes" "$runs" "$BIN" tasks "$notes" --write-progress --dry-run
    if [ "$HAVE_RG" = 1 ]; then
        measure "rg-$n" "rg -c . DIR (reference)" "$n" "$bytes" "$RUNS" rg -c . "$notes"
    fi
done

# `watch --once --dry-run`: the largest folder with a note that summarises this week and the
# last 30 days (a copy of the corpus, so the other figures stay on the plain corpus), and the
# 3,650-note folder with every daily note summarising its own day (3,651 periods).
watch_copy() { # name source-notes -> prints the copy's folder (made once per corpus stamp)
    local dir="$WORK/$1" key
    key="$(cat "$(dirname "$2")/stamp")"
    if [ ! -f "$dir/stamp" ] || [ "$(cat "$dir/stamp")" != "$key" ]; then
        rm -rf "$dir"
        mkdir -p "$dir"
        cp -r "$2" "$dir/notes"
        printf '%s\n' "$key" >"$dir/stamp"
        echo new
    fi
    echo "$dir/notes"
}
REGION_START='<!-- mdtasks:summary:start'
w="$(watch_copy "watch-week-$LARGEST" "$CORPORA/d$LARGEST/notes" | tail -n1)"
printf '# Week\n\n%s week=this -->\n<!-- mdtasks:summary:end -->\n\n<!-- mdtasks:summary-30:start last=30d -->\n<!-- mdtasks:summary-30:end -->\n' "$REGION_START" >"$w/Week.md"
WATCH_TODAY="$(last_day "$LARGEST")"
warm "$w"
measure "watch-week-$LARGEST" "watch DIR --once --dry-run (a week and a 30-day region) --today $WATCH_TODAY" "$LARGEST" "" "$SLOW_RUNS" "$BIN" watch "$w" --once --dry-run --today "$WATCH_TODAY"
if [ -d "$CORPORA/d3650/notes" ]; then
    w="$(watch_copy watch-daily-3650 "$CORPORA/d3650/notes")"
    if [ "$(echo "$w" | head -n1)" = new ]; then
        w="$(echo "$w" | tail -n1)"
        for f in "$w"/*.md; do printf '\n%s -->\n<!-- mdtasks:summary:end -->\n' "$REGION_START" >>"$f"; done
    fi
    w="$(echo "$w" | tail -n1)"
    warm "$w"
    measure "watch-daily-3650" "watch DIR --once --dry-run (every daily note summarises its day) --today $(last_day 3650)" 3650 "" "$SLOW_RUNS" "$BIN" watch "$w" --once --dry-run --today "$(last_day 3650)"
fi

# The other layout: ten years kept as one "Time Log" note, a heading per day (the 3,650-note
# corpus, each note under a `## DATE` heading, its own headings two levels down, without the
# YAML front matter a daily note may start with: inside a note that would be a thematic
# break and a setext heading, which no one keeps in a time log).
if [ -d "$CORPORA/d3650/notes" ]; then
    tl="$WORK/timelog-3650"
    stamp="$(cat "$CORPORA/d3650/stamp") one note, no front matter"
    if [ ! -f "$tl/stamp" ] || [ "$(cat "$tl/stamp")" != "$stamp" ]; then
        rm -rf "$tl"
        mkdir -p "$tl/notes"
        find "$CORPORA/d3650/notes" -name '*.md' | sort | xargs awk '
            FNR == 1 { d = FILENAME; sub(/.*\//, "", d); sub(/\.md$/, "", d); if (NR > 1) print ""; print "## " d; fm = ($0 == "---") }
            fm { if (FNR > 1 && $0 == "---") fm = 0; next }
            /^#/ { $0 = "##" $0 }
            { print }' >"$tl/notes/Time Log.md"
        echo "$stamp" >"$tl/stamp"
    fi
    tlb="$(corpus_bytes "$tl/notes")"
    "$BIN" summarize "$tl/notes" --format json >"$WORK/summary-timelog.json" 2>/dev/null || true
    got="$(json_get "$WORK/summary-timelog.json" .overview.total_minutes total_minutes)"
    want="$(json_get "$CORPORA/d3650/truth.json" .total_minutes total_minutes)"
    if [ "$got" = "$want" ]; then verdict="equal"; else verdict="**DIFFERENT**"; TRUTH_FAIL=1; fi
    TRUTH_ROWS+=("| 1 (3,650 days) | $(awk -v b="$tlb" 'BEGIN {printf "%.1f", b/1e6}') MB | $want | $got | $verdict |")
    measure "timelog-sum" "summarize NOTE --format json (one 10-year note)" 1 "$tlb" "$RUNS" "$BIN" summarize "$tl/notes" --format json
    measure "timelog-blocks" "blocks NOTE (one 10-year note)" 1 "$tlb" "$RUNS" "$BIN" blocks "$tl/notes"
    measure "timelog-check" "check NOTE (one 10-year note)" 1 "$tlb" "$RUNS" "$BIN" check "$tl/notes"
    measure "timelog-tasks-json" "tasks NOTE --all --format json (one 10-year note)" 1 "$tlb" "$SLOW_RUNS" "$BIN" tasks "$tl/notes" --all --format json
    measure "timelog-ics" "export NOTE --format ics (one 10-year note)" 1 "$tlb" "$SLOW_RUNS" "$BIN" export "$tl/notes" --format ics
    # Writing into the note, in dry runs (the note stays as it is): a summary into a region
    # (appended, as there is none), every parent task's progress cookie (there are none yet:
    # a diff of 30,000 changed lines), and a watcher's pass over the note with a region.
    measure "timelog-write" "summarize NOTE --write NOTE --dry-run (one 10-year note)" 1 "$tlb" "$SLOW_RUNS" "$BIN" summarize "$tl/notes" --write "$tl/notes/Time Log.md" --dry-run
    measure "timelog-progress" "tasks NOTE --write-progress --dry-run (one 10-year note)" 1 "$tlb" "$SLOW_RUNS" "$BIN" tasks "$tl/notes" --write-progress --dry-run
    tlw="$WORK/timelog-3650-region"
    if [ ! -f "$tlw/stamp" ] || [ "$(cat "$tlw/stamp")" != "$stamp" ]; then
        rm -rf "$tlw"
        mkdir -p "$tlw/notes"
        cp "$tl/notes/Time Log.md" "$tlw/notes/"
        printf '\n%s\n<!-- mdtasks:summary:end -->\n' "<!-- mdtasks:summary:start last=30d -->" >>"$tlw/notes/Time Log.md"
        echo "$stamp" >"$tlw/stamp"
    fi
    measure "timelog-watch" "watch NOTE --once --dry-run (one 10-year note with a summary region)" 1 "$tlb" "$SLOW_RUNS" "$BIN" watch "$tlw/notes" --once --dry-run
    # The same note with its first day's heading again at its end (an entry added to that
    # day years later): the only cuts that keep each day whole would leave it in one piece,
    # so that day is read apart from the rest (src/parse/apart.rs). Its reading and writing,
    # in dry runs; the watcher's pass once a summary region is at its end.
    tle="$WORK/timelog-3650-ends"
    first_day="$(head -n1 "$tl/notes/Time Log.md" | sed 's/^## //')"
    if [ ! -f "$tle/stamp" ] || [ "$(cat "$tle/stamp")" != "$stamp" ]; then
        rm -rf "$tle"
        mkdir -p "$tle/notes" "$tle/region"
        cp "$tl/notes/Time Log.md" "$tle/notes/"
        printf '\n## %s\n- 23:00-23:30 late review #admin\n' "$first_day" >>"$tle/notes/Time Log.md"
        cp "$tle/notes/Time Log.md" "$tle/region/"
        printf '\n%s\n<!-- mdtasks:summary:end -->\n' "<!-- mdtasks:summary:start last=30d -->" >>"$tle/region/Time Log.md"
        echo "$stamp" >"$tle/stamp"
    fi
    tleb="$(corpus_bytes "$tle/notes")"
    "$BIN" summarize "$tle/notes" --format json >"$WORK/summary-ends.json" 2>/dev/null || true
    got="$(json_get "$WORK/summary-ends.json" .overview.total_minutes total_minutes)"
    want_ends=$((want + 30)) # the late review's half hour
    if [ "$got" = "$want_ends" ]; then verdict="equal"; else verdict="**DIFFERENT**"; TRUTH_FAIL=1; fi
    TRUTH_ROWS+=("| 1 (3,650 days and the first again at the end) | $(awk -v b="$tleb" 'BEGIN {printf "%.1f", b/1e6}') MB | $want_ends | $got | $verdict |")
    measure "ends-sum" "summarize NOTE --format json (the 10-year note, a day at both ends)" 1 "$tleb" "$RUNS" "$BIN" summarize "$tle/notes" --format json
    measure "ends-blocks" "blocks NOTE (the 10-year note, a day at both ends)" 1 "$tleb" "$RUNS" "$BIN" blocks "$tle/notes"
    measure "ends-tasks-json" "tasks NOTE --all --format json (the 10-year note, a day at both ends)" 1 "$tleb" "$SLOW_RUNS" "$BIN" tasks "$tle/notes" --all --format json
    measure "ends-write" "summarize NOTE --write NOTE --dry-run (the 10-year note, a day at both ends)" 1 "$tleb" "$SLOW_RUNS" "$BIN" summarize "$tle/notes" --write "$tle/notes/Time Log.md" --dry-run
    measure "ends-progress" "tasks NOTE --write-progress --dry-run (the 10-year note, a day at both ends)" 1 "$tleb" "$SLOW_RUNS" "$BIN" tasks "$tle/notes" --write-progress --dry-run
    measure "ends-watch" "watch NOTE --once --dry-run (the 10-year note, a day at both ends, a summary region)" 1 "$tleb" "$SLOW_RUNS" "$BIN" watch "$tle/region" --once --dry-run
fi

# One-day commands: the largest folder against a 30-note folder ending on the same day.
LAST="$(last_day "$LARGEST")"
NEXT="$(date -u -d "$LAST + 1 day" +%F)"
small="$(corpus d30 30 "$(date -u -d "$LAST - 29 days" +%F)")/notes"
big="$CORPORA/d$LARGEST/notes"
warm "$small"
for pair in "30:$small" "$LARGEST:$big"; do
    n="${pair%%:*}"; d="${pair#*:}"
    runs="$RUNS"; [ "$n" = "$LARGEST" ] && runs="$SLOW_RUNS"
    measure "last1d-$n" "summarize DIR --last 1d --today $LAST" "$n" "" "$runs" "$BIN" summarize "$d" --last 1d --today "$LAST"
    measure "today-$n" "today DIR --dry-run --today $NEXT" "$n" "" "$runs" "$BIN" today "$d" --dry-run --today "$NEXT"
    measure "log-$n" "log \"bench #money\" DIR --at 09:00 --dry-run --today $NEXT" "$n" "" "$runs" "$BIN" log "bench #money" "$d" --at 09:00 --dry-run --today "$NEXT"
    measure "rollover-$n" "rollover DIR --dry-run --today $NEXT" "$n" "" "$runs" "$BIN" rollover "$d" --dry-run --today "$NEXT"
    # Today's note exists: found at its path; the folder is listed once, for conflict copies.
    measure "log-there-$n" "log \"bench #money\" DIR --at 00:01 --dry-run --today $LAST" "$n" "" "$runs" "$BIN" log "bench #money" "$d" --at 00:01 --dry-run --today "$LAST"
    # What one listing of the folder costs: the floor of every command above but `log` in a
    # folder of month folders.
    measure "ls-$n" "ls -f DIR (reference: one listing)" "$n" "" "$runs" ls -f "$d"
done
# The ratios that the targets are about, timed in turn.
for n in $SIZES; do
    [ "$n" = "$LARGEST" ] || [ "$n" = 365 ] || continue
    d="$CORPORA/d$n/notes"
    # Read again: a host may have dropped files of a folder not read for minutes (this
    # project's machines page out idle page cache; see docs/benchmarks.md).
    warm "$d"
    pairs=$((3 * RUNS)); [ "$n" = "$LARGEST" ] && pairs=$((3 * SLOW_RUNS))
    a_cmd=("$FLOOR" "$d")
    b_cmd=("$BIN" summarize "$d" --format json)
    paired "floor-sum-$n" "$n notes: examples/floor DIR, then summarize DIR --format json" "$pairs" a_cmd b_cmd
    if [ "$n" = "$LARGEST" ]; then
        a_cmd=(env RAYON_NUM_THREADS=1 "$FLOOR" "$d")
        b_cmd=(env RAYON_NUM_THREADS=1 "$BIN" summarize "$d" --format json)
        paired "floor-sum-1t" "$n notes, RAYON_NUM_THREADS=1: floor, then summarize --format json" "$pairs" a_cmd b_cmd
        a_cmd=("$FLOOR" "$d")
        b_cmd=("$BIN" check "$d")
        paired "floor-check" "$n notes: floor, then check DIR" "$pairs" a_cmd b_cmd
        # The slowest of the commands held to 1.2x of summarize.
        a_cmd=("$BIN" summarize "$d" --format json)
        b_cmd=("$BIN" blocks "$d")
        paired "sum-blocks" "$n notes: summarize DIR --format json, then blocks DIR" "$pairs" a_cmd b_cmd
        # Linear: a tenth of the notes, then all of them.
        if [ -d "$CORPORA/d$((n / 10))/notes" ]; then
            a_cmd=("$BIN" summarize "$CORPORA/d$((n / 10))/notes" --format json)
            b_cmd=("$BIN" summarize "$d" --format json)
            paired "linear" "summarize --format json: $((n / 10)) notes, then $n (linear: at most 11x)" "$pairs" a_cmd b_cmd
        fi
        # A one-day command against one listing of the folder, which it cannot do without.
        a_cmd=(ls -f "$d")
        b_cmd=("$BIN" log "bench #money" "$d" --at 09:00 --dry-run --today "$(date -u -d "$(last_day "$n") + 1 day" +%F)")
        paired "ls-log" "$n notes: ls -f DIR, then log --dry-run (a one-day command)" "$((3 * RUNS))" a_cmd b_cmd
    fi
done

# Cold cache: the page cache dropped before every run (root only), ripgrep reading the
# largest folder in turn with `check` and with `summarize`.
COLD_NOTE=""
DROP_CACHES="sync; echo 3 > /proc/sys/vm/drop_caches"
# Only where dropping the page cache works (as root, and not in a container whose /proc/sys
# is read-only): otherwise the "cold" runs would be warm ones.
if [ "$HAVE_RG" = 1 ] && bash -c "$DROP_CACHES" 2>/dev/null; then
    d="$CORPORA/d$LARGEST/notes"
    PAIR_PREPARE="$DROP_CACHES"
    cold=$((SLOW_RUNS < 3 ? 3 : SLOW_RUNS))
    a_cmd=(rg -c . "$d")
    b_cmd=("$BIN" check "$d")
    paired "cold-check" "$LARGEST notes, cold cache: rg -c . DIR, then check DIR" "$cold" a_cmd b_cmd
    b_cmd=("$BIN" summarize "$d" --format json)
    paired "cold-sum" "$LARGEST notes, cold cache: rg -c . DIR, then summarize DIR --format json" "$cold" a_cmd b_cmd
    PAIR_PREPARE=""
    # Leave the cache warm again.
    warm "$d"
else
    COLD_NOTE="cold cache not measured (needs ripgrep, and root where the page cache can be dropped)"
fi
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
read -r TICKS_AFTER STEAL_AFTER < <(cpu_ticks)
STEAL="$(awk -v t=$((TICKS_AFTER - TICKS_BEFORE)) -v s=$((STEAL_AFTER - STEAL_BEFORE)) 'BEGIN {if (t > 0) printf "%.2f%%", 100*s/t; else print "?"}')"
# A kernel that pages out idle page cache (DAMON's reclaim) drops files of a folder left
# unread for a minute or so: each size is read before its runs, and every command has warmup runs.
DAMON="off"
for f in /sys/kernel/mm/damon/admin/kdamonds/*/state /sys/module/damon_reclaim/parameters/enabled; do
    case "$(cat "$f" 2>/dev/null)" in on | Y) DAMON="on" ;; esac
done

# ---------------------------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------------------------
ratio() { awk -v a="${MEAN_MS[$1]:-}" -v b="${MEAN_MS[$2]:-}" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else printf "%.2fx", a/b }'; }
pair_ratio() { # id -> "1.12x (1.09-1.15)", or n/a when not timed in turn
    if [ -n "${PAIR_RATIO[$1]:-}" ]; then
        awk -v r="${PAIR_RATIO[$1]}" -v a="${PAIR_Q1[$1]}" -v b="${PAIR_Q3[$1]}" 'BEGIN {printf "%.2fx (%.2f-%.2f)", r, a, b}'
    else
        echo "n/a"
    fi
}
verdict() { # value limit [more values...]: met when every value given is at most the limit
    local limit="$2" v
    [ -n "$1" ] || { echo "not measured"; return; }
    for v in "$1" "${@:3}"; do
        [ -n "$v" ] || continue
        awk -v v="$v" -v l="$limit" 'BEGIN {exit !(v + 0 > l + 0)}' && { echo "**not met**"; return; }
    done
    echo met
}
{
    echo "## mdtasks benchmark"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- machine: $(nproc) cores ($(awk -F: '/model name/ {gsub(/^ +/, "", $2); print $2; exit}' /proc/cpuinfo 2>/dev/null)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, $(uname -sr)"
    echo "- binary: $VERSION, release profile; timer: $TIMER; warm page cache, --warmup $WARMUP"
    echo "- runs: $RUNS per command, $SLOW_RUNS at $LARGEST notes; load average before: $LOAD_BEFORE, after: $LOAD_AFTER"
    echo "- host: CPU time stolen by the hypervisor during the runs: $STEAL; the kernel's proactive reclaim of idle memory (DAMON): $DAMON"
    [ -n "$COLD_NOTE" ] && echo "- $COLD_NOTE"
    echo "- corpora: \`gen_corpus --seed $SEED --start $START --days N\` (flat folder), cached in target/bench-corpus/"
    echo "- reproduce: \`bash bench/run.sh --runs $RUNS --slow-runs $SLOW_RUNS\`"
    for note in "${NOTES[@]+"${NOTES[@]}"}"; do echo "- $note"; done
    echo
    echo "### Totals against the generator's ground truth"
    echo
    echo "| notes | corpus | truth total_minutes | summarize total_minutes | |"
    echo "| ---: | ---: | ---: | ---: | --- |"
    printf '%s\n' "${TRUTH_ROWS[@]}"
    echo
    echo "### Times (mean ± σ, min, max), throughput and peak RSS"
    echo
    echo "| notes | command | mean ± σ | min | max | runs | MB/s | peak RSS MiB | exit |"
    echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "### In turn: two commands run alternately"
    echo
    echo "| what (B after A) | pairs | A median | B median | B/A: median of the pairs (quartiles) |"
    echo "| --- | ---: | ---: | ---: | ---: |"
    printf '%s\n' "${PAIR_ROWS[@]+"${PAIR_ROWS[@]}"}"
    echo
    echo "### Ratios"
    echo
    echo "| what | ratio |"
    echo "| --- | ---: |"
    prev=""
    for n in $SIZES; do
        if [ -n "$prev" ]; then
            echo "| summarize time, $n vs $prev notes (linear: at most 11x for 10x) | $(ratio "sum-json-$n" "sum-json-$prev") |"
        fi
        prev="$n"
    done
    for c in sum-text tasks entries check blocks; do
        echo "| $c vs summarize --format json, $LARGEST notes | $(ratio "$c-$LARGEST" "sum-json-$LARGEST") |"
    done
    echo "| summarize, 1 thread vs all, $LARGEST notes | $(ratio "sum-1t-$LARGEST" "sum-json-$LARGEST") |"
    echo "| summarize vs the pulldown-cmark floor, $LARGEST notes (target: at most 1.2x) | $(ratio "sum-json-$LARGEST" "floor-$LARGEST") |"
    echo "| summarize vs the floor, 1 thread, $LARGEST notes | $(ratio "sum-1t-$LARGEST" "floor-1t-$LARGEST") |"
    echo "| check vs the floor, $LARGEST notes | $(ratio "check-$LARGEST" "floor-$LARGEST") |"
    [ "$HAVE_RG" = 1 ] && echo "| summarize vs rg -c ., $LARGEST notes | $(ratio "sum-json-$LARGEST" "rg-$LARGEST") |"
    for c in last1d today log rollover log-there ls; do
        echo "| $c: $LARGEST-note vs 30-note folder | $(ratio "$c-$LARGEST" "$c-30") |"
    done
    echo
    echo "### Targets (issue 7)"
    echo
    echo "Ratios between two commands are read from the runs in turn (the median of the pairs,"
    echo "quartiles in brackets); the times of the table above are given beside them."
    echo
    echo "| target | measured | |"
    echo "| --- | --- | --- |"
    L="$LARGEST"
    echo "| \`summarize\`, $L notes, 2 threads: at most 0.55 s | $(fmt_ms "${MEAN_MS[sum-json-$L]:-0}") (table), $(fmt_ms "${PAIR_B_MS[floor-sum-$L]:-0}") (in turn) | $(verdict "${MEAN_MS[sum-json-$L]:-}" 550 "${PAIR_B_MS[floor-sum-$L]:-}") |"
    echo "| \`summarize\`, $L notes: at most 1.2x the floor | in turn $(pair_ratio "floor-sum-$L"); table $(ratio "sum-json-$L" "floor-$L") | $(verdict "${PAIR_RATIO[floor-sum-$L]:-}" 1.2) |"
    echo "| \`summarize\`, $L notes, 1 thread: at most 1.1 s | $(fmt_ms "${MEAN_MS[sum-1t-$L]:-0}"); in turn $(pair_ratio floor-sum-1t) the floor on one thread | $(verdict "${MEAN_MS[sum-1t-$L]:-}" 1100) |"
    if [ -n "${MEAN_MS[sum-json-365]:-}" ]; then
        echo "| \`summarize\`, 365 notes: at most 12 ms | $(fmt_ms "${MEAN_MS[sum-json-365]}") (table), $(fmt_ms "${PAIR_B_MS[floor-sum-365]:-0}") (in turn) | $(verdict "${MEAN_MS[sum-json-365]}" 12 "${PAIR_B_MS[floor-sum-365]:-}") |"
    fi
    echo "| totals equal the generator's ground truth | $([ "$TRUTH_FAIL" = 0 ] && echo "equal in every row above" || echo "**different** (see above)") | $([ "$TRUTH_FAIL" = 0 ] && echo met || echo "**not met**") |"
    worst="$(for c in tasks entries check blocks; do echo "$(ratio "$c-$L" "sum-json-$L" | tr -d x) $c"; done | sort -n | tail -n1)"
    echo "| \`tasks\`, \`entries\`, \`check\`, \`blocks\`: at most 1.2x \`summarize\` ($L notes) | $(for c in tasks entries check blocks; do printf '%s %s, ' "$c" "$(ratio "$c-$L" "sum-json-$L")"; done)\`blocks\` in turn $(pair_ratio sum-blocks) | $(verdict "${worst%% *}" 1.2 "${PAIR_RATIO[sum-blocks]:-}") |"
    echo "| peak memory at most 64 MiB | the highest: $MAX_RSS MiB, $MAX_RSS_WHAT | $(verdict "$MAX_RSS" 64) |"
    echo "| linear: 10x the notes in at most 11x the time | in turn $(pair_ratio linear) | $(verdict "${PAIR_RATIO[linear]:-}" 11) |"
    slowest="$(for c in last1d today log rollover log-there; do echo "${MEAN_MS[$c-$L]:-0}"; done | sort -n | tail -n1)"
    echo "| one-day commands, $L notes: at most 20 ms, as on 30 | the slowest $(fmt_ms "$slowest"); \`log\` in turn $(pair_ratio ls-log) one \`ls -f\` of the folder | $(verdict "$slowest" 20) |"
    if [ -z "$COLD_NOTE" ]; then
        echo "| cold cache: at most 1.3x ripgrep | in turn, \`check\` $(pair_ratio cold-check), \`summarize\` $(pair_ratio cold-sum) \`rg -c .\` ($(fmt_ms "${PAIR_A_MS[cold-check]:-0}")) | $(verdict "${PAIR_RATIO[cold-check]:-}" 1.3 "${PAIR_RATIO[cold-sum]:-}") |"
    else
        echo "| cold cache: at most 1.3x ripgrep | not measured: $COLD_NOTE | — |"
    fi
} | tee "$OUT"
log "written to $OUT"
if [ "$TRUTH_FAIL" = 1 ]; then
    echo "bench: FAILED: summarize --format json total_minutes differs from the ground truth (see above)" >&2
    exit 1
fi
