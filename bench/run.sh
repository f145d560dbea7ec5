#!/usr/bin/env bash
# The performance benchmark of issue 3: a release build of `poc` against
# generated POCs of growing size and the bundled example, with taskwarrior's
# `task list` over 200 tasks measured in the same run as the yardstick.
# Opt-in, the portfolio benchmark of issue 13: `poc list` and `poc insights` over generated trees
# of POC folders (bench/gen_tree.py), with `rg -c kind` reading the same tree
# in the same hyperfine run as the yardstick.
#
# Needs: cargo, python3, hyperfine, GNU time (/usr/bin/time) and taskwarrior;
# the portfolio part needs ripgrep (rg) instead of taskwarrior.
# On Debian: apt-get install -y hyperfine time taskwarrior ripgrep
#
#   bench/run.sh                # prints a markdown table of medians and peaks
#   BENCH_DIR=/tmp/b bench/run.sh   # keep the generated POCs there
#   SIZES="5000 20000 50000" ITEMS=1000 CRITERIA=200 bench/run.sh
#   PORTFOLIO=1 bench/run.sh    # adds `poc list` and `poc insights` over 1,000 and 10,000 POCs
#   PORTFOLIO=only bench/run.sh # only that part
#   PORTFOLIO=1 POCS="1000 10000" PORTFOLIO_RUNS=10 bench/run.sh
#
# Exits 1 when a target is missed (the table says which).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SIZES=${SIZES:-"5000 20000 50000"}
ITEMS=${ITEMS:-1000}
CRITERIA=${CRITERIA:-200}
TASKS=${TASKS:-200}
EXAMPLE=${EXAMPLE:-examples/acme-observability}
PORTFOLIO=${PORTFOLIO:-}
POCS=${POCS:-"1000 10000"}
PORTFOLIO_RUNS=${PORTFOLIO_RUNS:-10}

TOOLS="cargo python3 hyperfine /usr/bin/time"
[ "$PORTFOLIO" = only ] || TOOLS="$TOOLS task"
[ -z "$PORTFOLIO" ] || TOOLS="$TOOLS rg"
for tool in $TOOLS; do
    command -v "$tool" >/dev/null || {
        echo "bench: $tool is missing (Debian: apt-get install -y hyperfine time taskwarrior ripgrep)" >&2
        exit 2
    }
done

echo "Building release …" >&2
cargo build --release --locked --quiet
POC=${CARGO_TARGET_DIR:-$ROOT/target}/release/poc

WORK=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$WORK"
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$WORK"' EXIT
export POC_USER=bench NO_COLOR=1

# hyperfine's medians, in milliseconds, of one or more commands measured in
# one run (so they share the machine's state), printed as "A B …" (no shell
# in between; hyperfine splits each into words, so paths are single-quoted).
median_ms() {
    local json=$WORK/hf.json
    if ! hyperfine --shell=none --style=none --warmup "${WARMUP:-5}" --min-runs "${RUNS:-30}" \
        --export-json "$json" "$@" >/dev/null 2>"$WORK/hf.err" </dev/null; then
        cat "$WORK/hf.err" >&2
        exit 2
    fi
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(" ".join("%.2f" % (x["median"]*1000) for x in r))' "$json"
}

# 50000 → 50,000
thousands() { python3 -c "print(f'{$1:,}')"; }

# Peak resident memory, in MB, of one run.
peak_mb() {
    /usr/bin/time -v "$@" 2>&1 >/dev/null </dev/null |
        awk -F: '/Maximum resident set size/ { printf "%.1f\n", $2 / 1024 }'
}

ROWS=()
row() { ROWS+=("| $1 | $2 ms | $3 MB | $4 | $5 |"); }
verdict() { # verdict PYTHON-CONDITION → pass or **missed**
    if python3 -c "import sys; sys.exit(0 if ($1) else 1)"; then
        echo pass
    else
        echo "**missed**"
    fi
}

if [ "$PORTFOLIO" != only ]; then # the benchmark of issue 3, unless PORTFOLIO=only
# --- The yardstick: taskwarrior over 200 tasks. ---------------------------
echo "Taskwarrior: $TASKS tasks …" >&2
export TASKDATA=$WORK/task TASKRC=$WORK/taskrc
rm -rf "$TASKDATA" && mkdir -p "$TASKDATA"
printf 'data.location=%s\nconfirmation=off\nverbose=nothing\n' "$TASKDATA" >"$TASKRC"
for i in $(seq 1 "$TASKS"); do
    task rc.confirmation=off add "Benchmark task $i" project:poc priority:M >/dev/null
done
TASK_MS=$(median_ms "task rc.confirmation=off list")
TASK_MB=$(peak_mb task rc.confirmation=off list)
row "\`task list\`, $TASKS tasks (taskwarrior $(task --version))" "$TASK_MS" "$TASK_MB" "yardstick" "—"

# --- The bundled example. -------------------------------------------------
if [ -f "$EXAMPLE/poc.yaml" ]; then
    EX=$EXAMPLE
    EX_NAME="bundled example ($EXAMPLE)"
else
    EX=$WORK/fresh
    rm -rf "$EX"
    "$POC" init "$EX" --prospect "Acme Corp" --start 2026-11-23 >/dev/null
    EX_NAME="fresh \`poc init\` ($EXAMPLE is missing)"
fi
echo "Example: $EX_NAME …" >&2
# Starting the process is the floor: `poc --version` and the example's
# `status`, side by side in one hyperfine run.
read -r VER_MS EX_MS <<<"$(median_ms "'$POC' --version" "'$POC' -C '$EX' status")"
VER_MB=$(peak_mb "$POC" --version)
EX_MB=$(peak_mb "$POC" -C "$EX" status)
row "\`poc --version\` (starting the process)" "$VER_MS" "$VER_MB" "floor" "—"
row "\`poc status\`, $EX_NAME" "$EX_MS" "$EX_MB" \
    "≤ 3 ms, ≤ ⅓ of \`task list\` ($(python3 -c "print('%.2f' % ($TASK_MS / 3))") ms) and ≤ 1.5 × \`poc --version\` ($(python3 -c "print('%.2f' % ($VER_MS * 1.5))") ms)" \
    "$(verdict "$EX_MS <= 3 and $EX_MS <= $TASK_MS / 3 and $EX_MS <= 1.5 * $VER_MS")"

# --- Generated POCs: the largest scope, three journal sizes. --------------
declare -A STATUS CHECK VALIDATE
LARGEST=${SIZES##* }
for n in $SIZES; do
    dir=$WORK/gen-$n
    echo "Generating $ITEMS items, $CRITERIA criteria, $n journal entries …" >&2
    now=$(python3 bench/gen.py "$dir" --items "$ITEMS" --criteria "$CRITERIA" --entries "$n")
    export POC_NOW=$now
    copy=$WORK/copy-$n
    rm -rf "$copy" && cp -r "$dir" "$copy"
    id=signoff-1
    label="$(thousands "$ITEMS") items, $CRITERIA criteria, $(thousands "$n") entries"
    [ "$n" = "$LARGEST" ] && target="≤ 50 ms, < 64 MB" || target="—"

    STATUS[$n]=$(median_ms "'$POC' -C '$dir' status")
    mb=$(peak_mb "$POC" -C "$dir" status)
    ok=$([ "$n" = "$LARGEST" ] && verdict "${STATUS[$n]} <= 50 and $mb < 64" || verdict "$mb < 64")
    row "\`poc status\`, $label" "${STATUS[$n]}" "$mb" "$target" "$ok"

    # `check` appends: each run starts from a fresh copy of the journal.
    CHECK[$n]=$(median_ms --prepare "cp '$dir/journal.yaml' '$copy/journal.yaml'" "'$POC' -C '$copy' check $id")
    cp "$dir/journal.yaml" "$copy/journal.yaml"
    mb=$(peak_mb "$POC" -C "$copy" check "$id")
    ok=$([ "$n" = "$LARGEST" ] && verdict "${CHECK[$n]} <= 50 and $mb < 64" || verdict "$mb < 64")
    row "\`poc check $id\`, $label" "${CHECK[$n]}" "$mb" "$target" "$ok"

    VALIDATE[$n]=$(median_ms "'$POC' -C '$dir' validate")
    mb=$(peak_mb "$POC" -C "$dir" validate)
    row "\`poc validate\`, $label" "${VALIDATE[$n]}" "$mb" "< 64 MB" "$(verdict "$mb < 64")"
done

# --- Growth: no worse than linear in the journal size. --------------------
# The cost of 1,000 more entries, from the small to the middle size and from
# the middle to the large one: a linear parse keeps it flat, a quadratic one
# makes the second much larger. It may grow by half, plus 0.1 ms of noise.
read -r -a S <<<"$SIZES"
if [ "${#S[@]}" -ge 3 ]; then
    for cmd in status check validate; do
        declare -n T=${cmd^^}
        a=${S[0]} b=${S[1]} c=${S[-1]}
        growth=$(python3 -c "
a,b,c=$a,$b,$c; ta,tb,tc=${T[$a]},${T[$b]},${T[$c]}
s1=(tb-ta)/(b-a)*1000; s2=(tc-tb)/(c-b)*1000
print('%.3f %.3f %.1f' % (s1, s2, tc/ta))")
        read -r s1 s2 ratio <<<"$growth"
        ROWS+=("| \`poc $cmd\` growth, $(thousands "$a") → $(thousands "$b") → $(thousands "$c") entries | $s1 → $s2 ms per 1,000 entries (×$ratio in all for ×$((c / a)) entries) | | no worse than linear | $(verdict "$s2 <= 1.5 * max($s1, 0) + 0.1") |")
        unset -n T
    done
fi
fi

# --- Portfolio (opt-in): `poc list` and `poc insights` over trees of POC folders.
# rg reads every file of the same tree in the same hyperfine run: the floor
# for anything that looks at every POC. Fewer runs than above, as each takes
# up to seconds.
if [ -n "$PORTFOLIO" ]; then
    declare -A LIST INSIGHTS
    LARGEST_TREE=${POCS##* }
    for n in $POCS; do
        tree=$WORK/tree-$n
        echo "Generating a tree of $(thousands "$n") POCs …" >&2
        rm -rf "$tree"
        now=$(python3 bench/gen_tree.py "$tree" --pocs "$n")
        export POC_NOW=$now
        label="$(thousands "$n") POCs ($(du -sh "$tree" | cut -f1))"
        # Files younger than 2 s are never cached (src/summary_cache.rs).
        sleep 2.1
        # Into the page cache before measuring.
        find "$tree" -type f -exec cat {} + >/dev/null
        # The first run reads every POC and writes each one's cache.
        first_ms=$(python3 -c "
import subprocess, sys, time
t = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print('%.2f' % ((time.perf_counter() - t) * 1000))" "$POC" list "$tree" --format json)
        # Then every run reads the caches: the normal case, measured beside
        # rg and beside a run that parses every POC.
        read -r LIST[$n] INSIGHTS[$n] rg_ms fresh_ms <<<"$(RUNS=$PORTFOLIO_RUNS WARMUP=2 median_ms \
            "'$POC' list '$tree' --format json" "'$POC' insights '$tree' --format json" \
            "rg -c kind '$tree'" "'$POC' list '$tree' --format json --no-cache")"
        mb=$(peak_mb "$POC" list "$tree" --format json)
        insights_mb=$(peak_mb "$POC" insights "$tree" --format json)
        fresh_mb=$(peak_mb "$POC" list "$tree" --format json --no-cache)
        rg_mb=$(peak_mb rg -c kind "$tree")
        row "\`rg -c kind ROOT\`, $label" "$rg_ms" "$rg_mb" "yardstick" "—"
        row "\`poc list ROOT --no-cache\` (every POC parsed), $label" "$fresh_ms" "$fresh_mb" "—" "—"
        row "\`poc list ROOT\`, first run (parses, writes each cache), $label" "$first_ms" "" "—" "—"
        for cmd in list insights; do
            declare -n T=${cmd^^}
            [ "$cmd" = list ] && peak=$mb || peak=$insights_mb
            if [ "$n" = "$LARGEST_TREE" ]; then
                target="≤ 1 s, ≤ 3 × \`rg\` ($(python3 -c "print('%.2f' % ($rg_ms * 3))") ms), < 256 MiB"
                ok=$(verdict "${T[$n]} <= 1000 and ${T[$n]} <= 3 * $rg_ms and $peak < 256")
            else
                target="< 256 MiB"
                ok=$(verdict "$peak < 256")
            fi
            row "\`poc $cmd ROOT --format json\` (cached), $label" "${T[$n]}" "$peak" "$target" "$ok"
            unset -n T
        done
    done
    # Linear: the cost per POC from the smallest to the largest tree is no
    # more than 1.5 × that of the smallest tree alone (which also carries
    # the process start, so a linear scan stays well under it).
    read -r -a P <<<"$POCS"
    if [ "${#P[@]}" -ge 2 ]; then
        a=${P[0]} c=${P[-1]}
        for cmd in list insights; do
            declare -n T=${cmd^^}
            read -r s1 s2 ratio <<<"$(python3 -c "
a,c=$a,$c; ta,tc=${T[$a]},${T[$c]}
print('%.3f %.3f %.1f' % (ta/a*1000, (tc-ta)/(c-a)*1000, tc/ta))")"
            ROWS+=("| \`poc $cmd\` growth, $(thousands "$a") → $(thousands "$c") POCs | $s1 → $s2 ms per 1,000 POCs (×$ratio in all for ×$((c / a)) POCs) | | linear | $(verdict "$s2 <= 1.5 * $s1") |")
            unset -n T
        done
    fi
fi

echo
runs="≥ 30 runs"
[ -z "$PORTFOLIO" ] || runs="$runs (≥ $PORTFOLIO_RUNS for the portfolio)"
[ "$PORTFOLIO" != only ] || runs="≥ $PORTFOLIO_RUNS runs"
echo "Release build, median of $runs (hyperfine $(hyperfine --version | cut -d' ' -f2)), peak RSS from /usr/bin/time -v; $(nproc) cores, $(uname -m)."
echo
echo "| Measurement | Median | Peak memory | Target | Result |"
echo "|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
# Exit 1 when any target was missed.
! printf '%s\n' "${ROWS[@]}" | grep -q 'missed'

