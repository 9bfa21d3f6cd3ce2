#!/bin/bash
# ui_cpu.sh: CPU of the live view at rest. memlog watches a sleeping process
# at the default 100 ms in a 120x40 tmux pane, with the view and then with
# --headless, for UI_CPU_SECONDS each (default 60) after a 5 s warm-up:
# utime+stime of memlog from /proc/PID/stat before and after, as % of one
# core. The difference is the view's share. Then the same with the view once
# the recording has ended (a run whose command exited; the view waits for q).
set -eu
[ -n "${BENCH_OUT:-}" ] || UI_OWN_OUT=1
source "$(dirname "$0")/lib.sh"
source "$BENCH_DIR/ui_lib.sh"
bench_build

secs=${UI_CPU_SECONDS:-60}
out="$BENCH_OUT/ui_cpu"
mkdir -p "$out"
hz=$(getconf CLK_TCK)
: >"$out/results"

# Measures pid $2 for $secs after 5 s; appends "label ticks seconds" to results.
ui_cpu_measure() {
	local label=$1 pid=$2
	sleep 5
	local a b t0 t1
	a=$(ui_cpu_ticks "$pid")
	t0=$(ui_now_us)
	sleep "$secs"
	b=$(ui_cpu_ticks "$pid")
	t1=$(ui_now_us)
	if [ -z "$a" ] || [ -z "$b" ]; then
		echo "$label: memlog (pid $pid) ended early" >&2
		return 1
	fi
	echo "$label $((b - a)) $(((t1 - t0) / 1000))" >>"$out/results"
}

bench_title "live view at rest: watch --pid of a sleeping process, 100 ms, ${secs}s each, ${UI_COLS}x${UI_ROWS}"
bench_load
"$B/workload" hold 1M $((3 * secs + 60)) >/dev/null &
target=$!
sleep 0.3

sock="memlog-uicpu-$$-view"
pid=$(ui_start "$sock" C.UTF-8 "$MEMLOG" watch --pid "$target" -o "$out/view.csv")
ui_cpu_measure "view" "$pid"
tmux -L "$sock" send-keys -t ui q
sleep 0.5
tmux -L "$sock" kill-server 2>/dev/null || true

sock="memlog-uicpu-$$-headless"
pid=$(ui_start "$sock" C.UTF-8 "$MEMLOG" watch --headless --pid "$target" -o "$out/headless.csv")
ui_cpu_measure "headless" "$pid"
kill -INT "$pid" 2>/dev/null || true
sleep 0.5
tmux -L "$sock" kill-server 2>/dev/null || true
kill "$target" 2>/dev/null || true
wait "$target" 2>/dev/null || true

# The view after the end: a command that exits at once, then the view idles.
sock="memlog-uicpu-$$-ended"
pid=$(ui_start "$sock" C.UTF-8 "$MEMLOG" run -o "$out/ended.csv" -- "$B/workload" hold 1M 1)
ui_cpu_measure "ended" "$pid"
tmux -L "$sock" send-keys -t ui q
sleep 0.5
tmux -L "$sock" kill-server 2>/dev/null || true

"$PY" - "$out/results" "$hz" <<'PYEOF' | tee "$BENCH_OUT/summary-ui_cpu.txt"
import sys
hz = int(sys.argv[2])
res = {}
for line in open(sys.argv[1]):
    label, ticks, ms = line.split()
    res[label] = 100 * int(ticks) / hz / (int(ms) / 1000)
print()
names = {"view": "with the view", "headless": "--headless", "ended": "view after the recording ended"}
for k in ("view", "headless", "ended"):
    if k in res:
        print(f"{names[k]:>32}: {res[k]:.2f}% of a core")
if "view" in res and "headless" in res:
    print(f"{'the view alone':>32}: {res['view'] - res['headless']:.2f}% of a core")
print(f"(CPU is counted in ticks of {1000 // hz} ms)")
PYEOF
