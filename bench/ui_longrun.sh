#!/bin/bash
# ui_longrun.sh: memlog's memory with the live view on, over a 24-hour
# equivalent: 24 h at the default 100 ms is 864,000 samples, taken here at
# 1 ms in ~15 minutes, on a quiet target, in a 120x40 tmux pane. Reads
# memlog's VmRSS, CPU time and the CSV's row count every UI_LONG_EVERY s.
#   UI_LONG_SECONDS=N   length (default 900 with BENCH_LONG=1, else 120)
#   UI_LONG_SAMPLES=N   with BENCH_LONG=1, go on past UI_LONG_SECONDS (up to
#                       twice as long) until N samples are in the CSV
#                       (default 864000): on a busy machine some ticks are
#                       missed at 1 ms, and the count is what matters here
#   UI_LONG_EVERY=N     seconds between readings (default 30; 10 when short)
# Flat means: no growth after the first minutes (the series' ring of recent
# samples fills first, then only the coarse pyramid grows, by a fraction).
set -eu
[ -n "${BENCH_OUT:-}" ] || UI_OWN_OUT=1
source "$(dirname "$0")/lib.sh"
source "$BENCH_DIR/ui_lib.sh"
bench_build

if [ "$BENCH_LONG" = 1 ]; then
	secs=${UI_LONG_SECONDS:-900}
	every=${UI_LONG_EVERY:-30}
	want=${UI_LONG_SAMPLES:-864000}
	limit=$((secs * 2))
else
	secs=${UI_LONG_SECONDS:-120}
	every=${UI_LONG_EVERY:-10}
	want=0
	limit=$secs
fi
out="$BENCH_OUT/ui_longrun"
mkdir -p "$out"

bench_title "live view, long run: 1 ms for ${secs}s or more (until $want samples) in a ${UI_COLS}x${UI_ROWS} pane, UTF-8"
bench_load
"$B/workload" hold 10M $((limit + 60)) >/dev/null &
target=$!
sleep 0.3
sock="memlog-uilong-$$"
pid=$(ui_start "$sock" C.UTF-8 "$MEMLOG" watch --pid "$target" -i 1ms -d "$(bench_secs "$limit")" -o "$out/long.csv")
: >"$out/series"
t0=$(ui_now_us)
# One line per reading: seconds, rows so far, VmRSS kB, CPU ticks.
while kill -0 "$pid" 2>/dev/null; do
	rss=$(ui_rss_kb "$pid") || true
	cpu=$(ui_cpu_ticks "$pid") || true
	rows=$(($(wc -l <"$out/long.csv" 2>/dev/null || echo 1) - 1))
	[ -n "$rss" ] && echo "$((($(ui_now_us) - t0) / 1000000)) $rows $rss $cpu" >>"$out/series"
	if [ "$want" -gt 0 ] && [ "$rows" -ge "$want" ] && [ $(($(ui_now_us) - t0)) -ge $((secs * 1000000)) ]; then
		tmux -L "$sock" send-keys -t ui q
		want=0
	fi
	ui_capture "$sock" >"$out/screen.tmp" && [ -s "$out/screen.tmp" ] && mv "$out/screen.tmp" "$out/last-screen.txt" || true
	for _ in $(seq $((every * 2))); do
		kill -0 "$pid" 2>/dev/null || break
		ui_quit_if_ended "$sock" "$out/long.log"
		sleep 0.5
	done
done
kill "$target" 2>/dev/null || true
wait "$target" 2>/dev/null || true
samples=$(($(wc -l <"$out/long.csv") - 1))

end_s=$(tail -1 "$out/long.csv" | cut -d, -f2)
"$PY" - "$out/series" "$samples" "$end_s" "$(getconf CLK_TCK)" <<'PYEOF' | tee "$BENCH_OUT/summary-ui_longrun.txt"
import sys
rows = [list(map(int, l.split())) for l in open(sys.argv[1]) if len(l.split()) == 4]
samples, secs, hz = int(sys.argv[2]), round(float(sys.argv[3])), int(sys.argv[4])
print()
print(f"live view at 1 ms on 1 quiet process, {secs} s, {samples} samples "
      f"({100 * samples / (secs * 1000 + 1):.2f}% of the ticks)")
print(f"{'elapsed s':>10} {'samples':>10} {'VmRSS MiB':>10} {'CPU %':>7}")
prev = None
for t, n, rss, cpu in rows:
    pct = ""
    if prev and t > prev[0]:
        pct = f"{100 * (cpu - prev[3]) / hz / (t - prev[0]):.1f}"
    print(f"{t:10d} {n:10d} {rss / 1024:10.2f} {pct:>7}")
    prev = (t, n, rss, cpu)
if rows:
    peak = max(r[2] for r in rows)
    # Flat: compare the reading at ~1/3 of the run with the last.
    third = [r for r in rows if r[0] >= rows[-1][0] / 3]
    print(f"VmRSS peak {peak / 1024:.2f} MiB; from {third[0][0]} s to {rows[-1][0]} s: "
          f"{(rows[-1][2] - third[0][2]) / 1024:+.2f} MiB")
PYEOF
