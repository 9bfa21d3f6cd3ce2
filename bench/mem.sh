#!/bin/bash
# mem.sh: memlog's own memory as samples pile up. Records one process at
# 1 ms and reads memlog's VmRSS and the CSV's row count every 10 s; the peak
# (ru_maxrss) comes from the wrapper once memlog has ended.
# Default: 3 x BENCH_SECONDS (at least 90 s, ~90k samples).
# BENCH_LONG=1: until 1,000,000 samples are written (~17 minutes; memlog
# is stopped with SIGINT at the first 10 s reading past them).
# BENCH_TREE=N: the target is a root and N sleeping children (bench/tree.c)
# instead of one process, so memlog keeps N + 1 processes' rows (REC.procs.csv
# and the view's procset) as well.
set -eu
source "$(dirname "$0")/lib.sh"
bench_build

stop_rows=0
if [ "$BENCH_LONG" = 1 ]; then
	secs=1500
	stop_rows=1000000
else
	secs=$((BENCH_SECONDS * 3))
	[ "$secs" -ge 90 ] || secs=90
fi
out="$BENCH_OUT/mem"
mkdir -p "$out"

tree=${BENCH_TREE:-0}
if [ "$tree" -gt 0 ]; then
	bench_title "memory: memlog's RSS while recording a root + $tree children at 1 ms for ${secs}s"
	bench_load
	"$B/bench-tree" "$tree" $((secs + 30)) >"$out/tree.out" &
	target=$!
	for _ in $(seq 300); do grep -q ready "$out/tree.out" 2>/dev/null && break; sleep 0.1; done
else
	bench_title "memory: memlog's RSS while recording 1 process at 1 ms for ${secs}s"
	bench_load
	"$B/workload" hold 10M $((secs + 30)) >/dev/null &
	target=$!
	sleep 0.3
fi
"$B/bench-cpuwrap" "$out/rusage" "$MEMLOG" watch --headless --pid "$target" \
	-i 1ms -d "$(bench_secs "$secs")" -o "$out/mem.csv" 2>"$out/memlog.err" &
wrap=$!
memlog_pid=""
for _ in $(seq 50); do
	memlog_pid=$(pgrep -P "$wrap" | head -1) && [ -n "$memlog_pid" ] && break
	sleep 0.05
done
: >"$out/rss"
t0=$(date +%s.%N)
# One line per 10 s: now, start, rows so far, VmRSS kB, VmHWM kB.
while kill -0 "$memlog_pid" 2>/dev/null; do
	st=$(awk '/^Vm(RSS|HWM):/ {printf "%s ", $2}' "/proc/$memlog_pid/status" 2>/dev/null) || true
	rows=$(($(wc -l <"$out/mem.csv" 2>/dev/null || echo 1) - 1))
	[ -n "$st" ] && echo "$(date +%s.%N) $t0 $rows $st" >>"$out/rss"
	if [ "$stop_rows" -gt 0 ] && [ "$rows" -ge "$stop_rows" ]; then
		kill -INT "$memlog_pid" 2>/dev/null || true
		break
	fi
	for _ in $(seq 20); do
		kill -0 "$memlog_pid" 2>/dev/null || break
		sleep 0.5
	done
done
wait "$wrap" || true
kill "$target" 2>/dev/null || true
wait "$target" 2>/dev/null || true

samples=$(($(wc -l <"$out/mem.csv") - 1))
what="1 process"
[ "$tree" -gt 0 ] && what="a root + $tree children"
"$PY" - "$out/rss" "$out/rusage" "$samples" "$out/mem.csv" "$what" <<'PYEOF' | tee "$BENCH_OUT/summary-mem.txt"
import sys
rows = [l.split() for l in open(sys.argv[1]) if len(l.split()) >= 5]
maxrss_kb = int(open(sys.argv[2]).read().split()[2])
samples = int(sys.argv[3])
with open(sys.argv[4], "rb") as f:
    f.seek(-300, 2)
    last_s = float(f.read().decode().strip().splitlines()[-1].split(",")[1])
secs = round(last_s)
ticks = round(last_s / 0.001) + 1
# Long runs: the first reading past each 100k rows; short ones: every reading.
shown, mark = [], 100000
for r in rows:
    if samples < 200000 or int(r[2]) >= mark or r is rows[-1]:
        shown.append(r)
        while int(r[2]) >= mark:
            mark += 100000
print()
print(f"memlog at 1 ms on {sys.argv[5]}, {secs} s")
print(f"{'elapsed s':>10} {'samples':>10} {'VmRSS MiB':>10} {'VmHWM MiB':>10}")
for now, t0, n, rss, hwm in shown:
    print(f"{float(now) - float(t0):10.0f} {int(n):10d} {int(rss) / 1024:10.2f} {int(hwm) / 1024:10.2f}")
# The first 32k samples fill memlog's buffer of recent samples (3 MiB), so
# flat means no growth after that: compare the later part of the run.
half = [r for r in rows if int(r[2]) >= max(samples // 2, 40000)]
if len(half) > 1:
    print(f"VmRSS from {int(half[0][2])} to {int(half[-1][2])} samples: "
          f"{(int(half[-1][3]) - int(half[0][3])) / 1024:+.2f} MiB")
print(f"samples written: {samples} of {ticks} ticks ({100 * samples / ticks:.2f}%)")
# ru_maxrss and VmHWM can differ by a few pages (the kernel's RSS counters
# are per-CPU estimates); the larger one is the peak.
hwm_kb = max([int(r[4]) for r in rows] + [maxrss_kb])
print(f"memlog peak RSS: {hwm_kb / 1024:.2f} MiB (ru_maxrss {maxrss_kb / 1024:.2f} MiB, "
      f"last VmHWM read {int(rows[-1][4]) / 1024 if rows else 0:.2f} MiB)")
PYEOF
