#!/bin/bash
# cost.sh: CPU time per sample and ticks taken, memlog against the floor
# (bench/floor.c), mprof attach and pidstat, each run in turn on the same
# target for BENCH_SECONDS:
#   (a) one process (workload hold 100M) at 1 ms (pidstat: 1 s, its minimum)
#   (b) root + 300 sleeping children (bench/tree.c) at 100 ms (pidstat: 1 s)
#   (c) the process of (a) at 10 ms, memlog and the floor only: a sample
#       costs more when the sampler sleeps longer between them (cold caches,
#       deeper idle), so the 1 ms figure alone would flatter both
#   (d) root + 1,000 sleeping children at 100 ms
# memlog watch --pid writes REC.procs.csv too (a row per process, bounded);
# mprof runs with --multiprocess (-M, a line per child: its per-process
# recording) in (b) and (d), and -C (the children summed) in (b).
# BENCH_BASELINE=PATH adds an earlier memlog build beside it in each case;
# BENCH_PEERS=0 leaves mprof and pidstat out.
# CPU is user+sys of the whole tool process from wait4 (bench/cpuwrap.c),
# start-up included; ticks requested = seconds / interval (+1 for tools
# that take tick 0 and the tick at the end).
set -eu
source "$(dirname "$0")/lib.sh"
bench_build

secs=$BENCH_SECONDS
out="$BENCH_OUT/cost"
mkdir -p "$out"
results="$out/results.tsv"
: >"$results"

# Appends one result row: case tool interval_s samples requested rusage_file.
cost_row() {
	read -r user sys _ <"$6"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$user" "$sys" >>"$results"
}

# memlog watch on pid $2 every $3 seconds (as memlog TIME $4) for $secs;
# $5 $6: another memlog binary and its name (default: the one under test).
cost_memlog() {
	local case=$1 pid=$2 ivl_s=$3 ivl=$4 bin=${5:-$MEMLOG} tool=${6:-memlog}
	"$B/bench-cpuwrap" "$out/$case-$tool.ru" "$bin" watch --headless --pid "$pid" \
		-i "$ivl" -d "$(bench_secs "$secs")" -o "$out/$case-$tool.csv" 2>"$out/$case-$tool.err" || true
	local n=$(($(wc -l <"$out/$case-$tool.csv") - 1))
	local req=$("$PY" -c "print(round($secs / $ivl_s) + 1)")
	cost_row "$case" "$tool" "$ivl_s" "$n" "$req" "$out/$case-$tool.ru"
}

# BENCH_BASELINE=/path/to/memlog: an earlier build measured beside this one,
# in the same run and on the same target (row "baseline").
cost_baseline() {
	[ -n "${BENCH_BASELINE:-}" ] && cost_memlog "$1" "$2" "$3" "$4" "$BENCH_BASELINE" baseline
	return 0
}

# The floor on pid $2 every $3 seconds.
cost_floor() {
	local case=$1 pid=$2 ivl_s=$3
	local ns=$("$PY" -c "print(round($ivl_s * 1e9))")
	"$B/bench-cpuwrap" "$out/$case-floor.ru" "$B/bench-floor" "$pid" "$ns" "$secs" \
		"$out/$case-floor.txt" 2>"$out/$case-floor.err" || true
	local n=$(wc -l <"$out/$case-floor.txt")
	local req=$("$PY" -c "print(round($secs / $ivl_s) + 1)")
	cost_row "$case" floor "$ivl_s" "$n" "$req" "$out/$case-floor.ru"
}

# mprof attached to pid $2 every $3 seconds, stopped with SIGINT after $secs
# (its own -t counts iterations of interval, not time); extra args in $4.
cost_mprof() {
	local case=$1 pid=$2 ivl_s=$3 extra=${4:-}
	# Options must come before --attach PID: mprof takes the rest as the program.
	(cd "$out" && exec "$B/bench-cpuwrap" "$out/$case-mprof.ru" "$PY" -m mprof run $extra \
		-T "$ivl_s" -t 1000000 -o "$out/$case-mprof.dat" --attach "$pid" \
		>"$out/$case-mprof.out" 2>&1) &
	local wrap=$!
	sleep "$secs"
	kill -INT "$wrap" 2>/dev/null || true
	wait "$wrap" || true
	local n=$(grep -c '^MEM' "$out/$case-mprof.dat" || true)
	local req=$("$PY" -c "print(round($secs / $ivl_s))")
	cost_row "$case" "mprof${extra:+ $extra}" "$ivl_s" "$n" "$req" "$out/$case-mprof.ru"
}

# pidstat -r on the pids in $2 (comma-separated) once a second for $secs.
cost_pidstat() {
	local case=$1 pids=$2
	local npids=$(echo "$pids" | tr ',' '\n' | wc -l)
	LC_ALL=C S_TIME_FORMAT=ISO "$B/bench-cpuwrap" "$out/$case-pidstat.ru" \
		pidstat -r -p "$pids" 1 "$secs" >"$out/$case-pidstat.txt" 2>&1 || true
	# Report rows: a time stamp, the uid, then a pid of ours (Average lines excluded).
	local rows=$(awk -v list="$pids" 'BEGIN { n = split(list, a, ","); for (i = 1; i <= n; i++) want[a[i]] = 1 }
		$1 != "Average:" && ($3 in want) { c++ } END { print c + 0 }' "$out/$case-pidstat.txt")
	cost_row "$case" pidstat 1 $((rows / npids)) "$secs" "$out/$case-pidstat.ru"
}

bench_title "cost (a): 1 process at 1 ms, ${secs}s per tool"
bench_load
"$B/workload" hold 100M $((secs * 6 + 60)) >/dev/null &
target=$!
sleep 1
cost_memlog a "$target" 0.001 1ms
cost_baseline a "$target" 0.001 1ms
cost_floor a "$target" 0.001
if [ "${BENCH_PEERS:-1}" = 1 ]; then
	cost_mprof a "$target" 0.001
	cost_pidstat a "$target"
fi
bench_title "cost (c): the same process at 10 ms, ${secs}s per tool"
cost_memlog c "$target" 0.01 10ms
cost_baseline c "$target" 0.01 10ms
cost_floor c "$target" 0.01
kill "$target" 2>/dev/null || true
wait "$target" 2>/dev/null || true

bench_title "cost (b): root + 300 children at 100 ms, ${secs}s per tool"
bench_load
"$B/bench-tree" 300 $((secs * 3 + 60)) >"$out/tree.out" &
root=$!
for _ in $(seq 100); do grep -q ready "$out/tree.out" 2>/dev/null && break; sleep 0.1; done
cost_memlog b "$root" 0.1 100ms
cost_baseline b "$root" 0.1 100ms
if [ "${BENCH_PEERS:-1}" = 1 ]; then
	cost_mprof b "$root" 0.1 -C
	cost_mprof b "$root" 0.1 -M
	cost_pidstat b "$root,$(pgrep -d, -P "$root")"
fi
kill "$root" 2>/dev/null || true
wait "$root" 2>/dev/null || true

bench_title "cost (d): root + 1000 children at 100 ms, ${secs}s per tool"
bench_load
"$B/bench-tree" 1000 $((secs * 3 + 60)) >"$out/tree1000.out" &
root=$!
for _ in $(seq 300); do grep -q ready "$out/tree1000.out" 2>/dev/null && break; sleep 0.1; done
cost_memlog d "$root" 0.1 100ms
cost_baseline d "$root" 0.1 100ms
[ "${BENCH_PEERS:-1}" = 1 ] && cost_mprof d "$root" 0.1 -M
kill "$root" 2>/dev/null || true
wait "$root" 2>/dev/null || true

"$PY" - "$results" "$secs" <<'PYEOF' | tee "$BENCH_OUT/summary-cost.txt"
import sys
# A tool that could not run (not installed) leaves a row without a count.
rows = [r for r in (l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip())
        if len(r) == 7 and r[3].lstrip("-").isdigit()]
floor = {r[0]: (float(r[5]) + float(r[6])) / max(int(r[3]), 1) for r in rows if r[1] == "floor"}
names = {"a": "1 process", "b": "301 processes", "c": "1 process", "d": "1001 processes"}
secs = float(sys.argv[2])
print()
print(f"{'target':<14} {'tool':<10} {'interval':>8} {'samples':>8} {'requested':>9} {'ticks':>8} "
      f"{'CPU s':>7} {'% core':>6} {'us CPU/sample':>13} {'x floor':>7}")
for case, tool, ivl, n, req, user, sys_ in sorted(rows, key=lambda r: "acbd".find(r[0])):
    cpu = float(user) + float(sys_)
    n, req = int(n), int(req)
    per_us = cpu / n * 1e6 if n else float("nan")
    ratio = f"{per_us / 1e6 / floor[case]:.2f}" if case in floor and n else "-"
    ivl_s = float(ivl)
    ivl_txt = f"{ivl_s * 1000:g} ms" if ivl_s < 1 else f"{ivl_s:g} s"
    print(f"{names.get(case, case):<14} {tool:<10} {ivl_txt:>8} {n:>8} {req:>9} {100 * n / req:>7.2f}% "
          f"{cpu:>7.3f} {100 * cpu / secs:>6.2f} {per_us:>13.1f} {ratio:>7}")
PYEOF
