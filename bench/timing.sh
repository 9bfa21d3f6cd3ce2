#!/bin/bash
# timing.sh: how late memlog's ticks are at 100 Hz, and whether they drift,
# next to the floor (bench/floor.c) on the same deadlines: what is left
# when memlog's lateness matches the floor's is the machine's own.
# Default BENCH_SECONDS each; BENCH_LONG=1: 10 minutes of memlog (the floor
# still BENCH_SECONDS).
set -eu
source "$(dirname "$0")/lib.sh"
bench_build

if [ "$BENCH_LONG" = 1 ]; then secs=600; else secs=$BENCH_SECONDS; fi
out="$BENCH_OUT/timing"
mkdir -p "$out"

bench_title "timing: 1 process at 10 ms, memlog ${secs}s then the floor ${BENCH_SECONDS}s"
bench_load
"$B/workload" hold 10M $((secs + BENCH_SECONDS + 30)) >/dev/null &
target=$!
sleep 0.3
"$MEMLOG" watch --headless --pid "$target" -i 10ms -d "$(bench_secs "$secs")" \
	-o "$out/timing.csv" 2>"$out/memlog.err"
"$B/bench-floor" "$target" 10000000 "$BENCH_SECONDS" "$out/floor.txt" 2>"$out/floor.err"
kill "$target" 2>/dev/null || true
wait "$target" 2>/dev/null || true

# Prints the figures of one sampler's file: name file seconds.
timing_report() {
	local rows p50 p99 max first last drift head tail slope
	read -r rows p50 p99 max first last drift head tail slope < <("$PY" "$BENCH_DIR/lateness.py" "$2" 0.010)
	local ticks=$(($3 * 100 + 1))
	echo "$1 at 10 ms on 1 process, $3 s (lateness = time recorded - k x 10 ms)"
	printf '  %-38s %s\n' "ticks taken" "$rows of $ticks ($("$PY" -c "print(f'{100*$rows/$ticks:.2f}')")%)"
	printf '  %-38s %s\n' "lateness p50 / p99 / max" "$p50 / $p99 / $max us"
	printf '  %-38s %s\n' "drift: last tick - first tick" "$drift us (first $first us, last $last us)"
	printf '  %-38s %s\n' "mean lateness, first / last 100 ticks" "$head / $tail us"
	printf '  %-38s %s\n' "drift: fitted slope" "$slope us per minute"
}
{
	echo
	timing_report memlog "$out/timing.csv" "$secs"
	timing_report floor "$out/floor.txt" "$BENCH_SECONDS"
} | tee "$BENCH_OUT/summary-timing.txt"
