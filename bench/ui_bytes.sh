#!/bin/bash
# ui_bytes.sh: bytes the live view sends to the terminal per second in steady
# state, at 120x40 with the default 100 ms interval, over SSH what matters.
# memlog run -- workload demo (allocates 5 MiB and prints a line every few
# seconds) in a tmux pane; `tmux pipe-pane` appends everything memlog writes
# to the pane to a file, whose size is read every second. Once in UTF-8
# (braille) and once under LANG=C (ASCII), TERM=xterm-256color.
#   UI_BYTES_WARMUP=N    seconds before counting (default 10)
#   UI_BYTES_SECONDS=N   seconds counted (default 60)
#   UI_BYTES_LANGS="C.UTF-8 C"   locales to run, one after the other
# Then where the bytes went (bench/ui_stream.py: by kind and by screen row)
# and which rows of the screen changed from one second to the next.
set -eu
[ -n "${BENCH_OUT:-}" ] || UI_OWN_OUT=1
source "$(dirname "$0")/lib.sh"
source "$BENCH_DIR/ui_lib.sh"
bench_build

warm=${UI_BYTES_WARMUP:-10}
secs=${UI_BYTES_SECONDS:-60}
langs=${UI_BYTES_LANGS:-C.UTF-8 C}
out="$BENCH_OUT/ui_bytes"
mkdir -p "$out"
summary="$BENCH_OUT/summary-ui_bytes.txt"
: >"$summary"
# The demo lasts ~22.4 x SCALE seconds: long enough to outlast the count.
scale=$("$PY" -c "print(round(($warm + $secs + 15) / 22.4, 2))")

for lang in $langs; do
	tag=$(echo "$lang" | tr -c 'A-Za-z0-9\n' '_')
	d="$out/$tag"
	mkdir -p "$d/screens"
	bench_title "live view, bytes to the terminal: ${UI_COLS}x${UI_ROWS}, 100 ms, LANG=$lang TERM=$UI_TERM, ${warm}s warm-up + ${secs}s"
	bench_load
	: >"$d/stream"
	sock="memlog-uibytes-$$-$tag"
	pid=$(ui_start "$sock" "$lang" "$MEMLOG" run -o "$d/rec.csv" -- "$B/workload" demo "$scale")
	tmux -L "$sock" pipe-pane -o -t ui "cat >> $(printf '%q' "$d/stream")"
	t0=$(ui_now_us)
	: >"$d/sizes"
	# One reading a second: seconds since start, stream bytes, memlog CPU ticks.
	for k in $(seq 0 $((warm + secs))); do
		while [ $(($(ui_now_us) - t0)) -lt $((k * 1000000)) ]; do
			sleep 0.02
		done
		echo "$k $(stat -c %s "$d/stream") $(ui_cpu_ticks "$pid")" >>"$d/sizes"
		[ "$k" -ge "$warm" ] && ui_capture "$sock" >"$d/screens/$k.txt"
	done
	# Quit: q, then k (kill the command) when it is still running.
	tmux -L "$sock" send-keys -t ui q
	sleep 0.3
	kill -0 "$pid" 2>/dev/null && tmux -L "$sock" send-keys -t ui k
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	tmux -L "$sock" kill-server 2>/dev/null || true

	"$PY" - "$d" "$warm" "$secs" "$lang" "$UI_ROWS" "$(getconf CLK_TCK)" "$BENCH_DIR" <<'PYEOF' | tee -a "$summary"
import os, statistics, sys
d, warm, secs, lang, nrows, hz, bdir = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
rows = [list(map(int, l.split())) for l in open(f"{d}/sizes") if len(l.split()) == 3]
at = {r[0]: r for r in rows}
a, b = at[warm], at[warm + secs]
per_s = [at[k + 1][1] - at[k][1] for k in range(warm, warm + secs)]
cpu = 100 * (b[2] - a[2]) / hz / secs
print()
print(f"LANG={lang}: {(b[1] - a[1]) / secs:.0f} B/s over {secs} s "
      f"(per second: median {statistics.median(per_s):.0f}, max {max(per_s)}, "
      f"min {min(per_s)}); memlog CPU {cpu:.1f}% of a core")
# Which screen rows differ from one second's capture to the next.
changed = [0] * nrows
n = 0
prev = None
for k in range(warm, warm + secs + 1):
    try:
        cur = open(f"{d}/screens/{k}.txt", encoding="utf-8", errors="replace").read().split("\n")[:nrows]
    except OSError:
        continue
    cur += [""] * (nrows - len(cur))
    if prev is not None:
        n += 1
        for r in range(nrows):
            if cur[r] != prev[r]:
                changed[r] += 1
    prev = cur
if n:
    print(f"  rows that changed between 1 s captures (row: times out of {n}): " +
          ", ".join(f"{r}: {c}" for r, c in enumerate(changed) if c))
sys.stdout.flush()
os.execv(sys.executable, [sys.executable, os.path.join(bdir, "ui_stream.py"),
         f"{d}/stream", str(a[1]), str(b[1]), str(nrows), str(secs)])
PYEOF
done
