#!/bin/bash
# marks.sh: 1,000 markers a second from a script, and what they cost the
# sampler: the same job at 10 ms three times in one run, marking through
# $MEMLOG_MARK, through the control socket (what memlog mark uses, on one
# connection), and not at all. For each: the markers that reached the CSV,
# how long from the send to the marker's sample (the wall clock the sender
# read, to the time the row says, made exact to the microsecond by its
# elapsed_s), how late each due tick was served, the ticks memlog says
# it missed, and memlog's CPU time. BENCH_SECONDS each (default 30).
set -eu
source "$(dirname "$0")/lib.sh"
bench_build
out="$BENCH_OUT/marks"
mkdir -p "$out"
export MEMLOG_RUN_DIR="$out/run"
secs=$BENCH_SECONDS

bench_title "markers: 1,000 a second for ${secs}s at -i 10ms, by \$MEMLOG_MARK, by the socket, and none"
bench_load
for mode in fifo socket none; do
	MARKS_CSV="$out/$mode.csv" "$MEMLOG" run --headless -i 10ms -o "$out/$mode.csv" -- \
		"$PY" "$BENCH_DIR/marks.py" send "$mode" 1000 "$secs" "$out/$mode.sent" \
		>/dev/null 2>"$out/$mode.err"
done

{
	echo
	printf '  %-8s %8s %9s %-24s %-24s %8s %8s\n' "" "sent" "in CSV" "send to row p50/p99/max" \
		"tick late p50/p99/max" "missed" "CPU"
	for mode in fifo socket none; do
		read -r sent cpu <"$out/$mode.sent"
		read -r nmark lp50 lp99 lmax tp50 tp99 tmax rows < <("$PY" "$BENCH_DIR/marks.py" figures "$out/$mode.csv" 0.010)
		missed=$(sed -n 's/.*(\([0-9]*\) ticks missed).*/\1/p' "$out/$mode.err")
		if [ "$mode" = none ]; then lat="-"; else lat="$lp50 / $lp99 / $lmax ms"; fi
		printf '  %-8s %8s %9s %-24s %-24s %8s %7ss\n' "$mode" "$sent" "$nmark" "$lat" \
			"$tp50 / $tp99 / $tmax us" "${missed:-?}" "$cpu"
	done
	echo "  (CPU: memlog's user+sys over the run, both threads; ticks missed: memlog's summary)"
} | tee "$BENCH_OUT/summary-marks.txt"
