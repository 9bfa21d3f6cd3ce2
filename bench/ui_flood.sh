#!/bin/bash
# ui_flood.sh: a command that prints as fast as it can, under memlog run
# -i 10ms with the live view (120x40 tmux pane), then the same headless for
# comparison. Checks that
#   - the sampler does not stall: CSV rows against the ticks the run's length
#     asks for, and the longest gap between two samples;
#   - the view stays responsive: `?` is pressed UI_FLOOD_PROBES times during
#     the flood, and the time until the help shows in the pane is measured
#     (bench/ui_keyprobe.py watches the pane's output through pipe-pane;
#     baselines: a key echoed by cat, and `?` with a quiet command); any key
#     closes the help again;
#   - the .log keeps every line (count against the number printed);
# and reports the lines per second that went through.
#   UI_FLOOD_LINES=N    lines printed (default 3000000)
#   UI_FLOOD_PROBES=N   key presses during the flood (default 3)
set -eu
[ -n "${BENCH_OUT:-}" ] || UI_OWN_OUT=1
source "$(dirname "$0")/lib.sh"
source "$BENCH_DIR/ui_lib.sh"
bench_build

lines=${UI_FLOOD_LINES:-3000000}
probes=${UI_FLOOD_PROBES:-3}
out="$BENCH_OUT/ui_flood"
mkdir -p "$out"
text="some line of text, as a busy job would print it"
flood=(/bin/sh -c "yes '$text' | head -n $lines")
: >"$out/keys"

# Presses KEY $3 in the pane of socket $1 and appends "label ms ms" to keys
# (bench/ui_keyprobe.py: until TEXT $4 reaches the pane's output $2, counted
# from when send-keys returned and from before it started). The tmux server
# answers send-keys only after the program has often already drawn, so the
# figure shown is the second one, next to the same for cat (tmux alone).
ui_flood_key() {
	local sock=$1 stream=$2 key=$3 want=$4 label=$5
	[ -e "$stream" ] || : >"$stream"
	echo "$label $("$PY" "$BENCH_DIR/ui_keyprobe.py" "$sock" "$stream" "$key" "$want" 10 || true)" >>"$out/keys"
}

# ? until the help shows, then a key that only closes it again.
ui_flood_probe() {
	ui_flood_key "$1" "$2" '?' "memlog keys" "$3"
	tmux -L "$1" send-keys -t ui x
	sleep 0.3
}

bench_title "live view, log flood: $lines lines as fast as they come, run -i 10ms, ${UI_COLS}x${UI_ROWS}"
bench_load

# Baselines: what tmux itself adds (a key echoed by cat in a pane), then
# the help key with a quiet command.
sock="memlog-uiflood-$$-cat"
ui_start "$sock" C.UTF-8 /bin/cat >/dev/null
tmux -L "$sock" pipe-pane -o -t ui "cat >> $(printf '%q' "$out/cat.stream")"
sleep 1
for k in $(seq "$probes"); do
	ui_flood_key "$sock" "$out/cat.stream" z z tmux
	sleep 0.3
done
tmux -L "$sock" kill-server 2>/dev/null || true

sock="memlog-uiflood-$$-quiet"
pid=$(ui_start "$sock" C.UTF-8 "$MEMLOG" run -i 10ms -o "$out/quiet.csv" -- "$B/workload" hold 1M 30)
tmux -L "$sock" pipe-pane -o -t ui "cat >> $(printf '%q' "$out/quiet.stream")"
sleep 2
for k in $(seq "$probes"); do
	ui_flood_probe "$sock" "$out/quiet.stream" quiet
done
tmux -L "$sock" send-keys -t ui q
sleep 0.3
tmux -L "$sock" send-keys -t ui k
sleep 0.5
tmux -L "$sock" kill-server 2>/dev/null || true

# The flood with the view.
sock="memlog-uiflood-$$-view"
pid=$(ui_start "$sock" C.UTF-8 "$MEMLOG" run -i 10ms -o "$out/view.csv" -- "${flood[@]}")
tmux -L "$sock" pipe-pane -o -t ui "cat >> $(printf '%q' "$out/view.stream")"
sleep 1
for k in $(seq "$probes"); do
	grep -q "recording ended" "$out/view.log" 2>/dev/null && break
	ui_flood_probe "$sock" "$out/view.stream" flood
	ui_capture "$sock" >"$out/screen.tmp" && [ -s "$out/screen.tmp" ] && mv "$out/screen.tmp" "$out/view-screen.txt" || true
	sleep 1
done
while kill -0 "$pid" 2>/dev/null; do
	ui_quit_if_ended "$sock" "$out/view.log"
	ui_capture "$sock" >"$out/screen.tmp" && [ -s "$out/screen.tmp" ] && mv "$out/screen.tmp" "$out/view-screen.txt" || true
	sleep 0.5
done
tmux -L "$sock" kill-server 2>/dev/null || true

# The same headless (memlog's stdout, which the command's output passes
# through, to /dev/null).
"$MEMLOG" run --headless -i 10ms -o "$out/headless.csv" -- "${flood[@]}" >/dev/null 2>"$out/headless.err" || true

"$PY" - "$out" "$lines" "$text" <<'PYEOF' | tee "$BENCH_OUT/summary-ui_flood.txt"
import datetime, re, sys
d, lines, text = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def stamp(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()

def check(name):
    rows = [l.split(",") for l in open(f"{d}/{name}.csv").read().splitlines()[1:]]
    el = [float(r[1]) for r in rows]
    ticks = int(el[-1] / 0.01 + 1e-6) + 1
    gap = max((b - a for a, b in zip(el, el[1:])), default=0)
    n, first, last = 0, None, None
    want = " out " + text
    with open(f"{d}/{name}.log", encoding="utf-8", errors="replace") as f:
        for l in f:
            if l.rstrip("\n").endswith(want) and l[24:29] == " out ":
                n += 1
                t = l[:24]
                first = first or t
                last = t
    secs = stamp(last) - stamp(first) if n > 1 else 0
    rate = n / secs if secs > 0 else 0
    print(f"{name:>9}: {n} of {lines} lines in the .log ({lines - n} lost), "
          f"{rate:,.0f} lines/s over {secs:.1f} s; {len(rows)} samples of {ticks} ticks "
          f"({ticks - len(rows)} missed, {100 * len(rows) / ticks:.1f}%), longest gap {1000 * gap:.0f} ms")

print()
check("view")
check("headless")
try:
    m = re.search(r"\((\d+) ticks missed\)", open(f"{d}/headless.err").read())
    if m:
        print(f"{'':>9}  headless summary on stderr: {m.group(1)} ticks missed")
except OSError:
    pass
keys = {}
for l in open(f"{d}/keys"):
    f = l.split()
    keys.setdefault(f[0], []).append(f[1:3] if len(f) >= 3 else ["none", "none"])
names = {"tmux": "tmux alone (cat echoing a key)", "quiet": "`?` until the help shows, quiet",
         "flood": "`?` until the help shows, flood"}
for label in ("tmux", "quiet", "flood"):
    if label in keys:
        print(f"{'':>9}  {names[label]:>34}: " + ", ".join(
            f"{b} ms" if b != "none" else "not within 10 s" for a, b in keys[label]))
print(f"{'':>9}  (from the start of tmux send-keys to the answer in the pane's output)")
PYEOF
echo "last screen of the flood: $out/view-screen.txt"
