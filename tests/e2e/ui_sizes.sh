# The live view at the sizes terminals open at: 80x24 (most SSH sessions),
# 120x40 and 200x60, under tmux (UTF-8). At every size the header names the
# command by its own name (the script, not the interpreter's path), with the
# value and the peak; the footer keeps "? help" and "q quit"; the quit prompt
# keeps its way back (Esc stay); the help box shows whole. Golden screens
# (normalised as ui_lib.sh says) at 120x40 and 200x60; test_view holds the
# view's own at all three.
. "$(dirname "$0")/ui_lib.sh"

# A Python job that loads 60 MiB and waits for the test (the file go).
cat >"$T/train.py" <<'EOF'
import os, sys, time
print("loading the data set", flush=True)
data = bytearray(60 << 20)
for i in range(0, len(data), 4096):
    data[i] = 1
print("data set loaded", flush=True)
while not os.path.exists("go"):
    time.sleep(0.05)
print("done", flush=True)
EOF

for size in 80x24 120x40 200x60; do
	w=${size%x*} h=${size#*x} s=s$w
	rm -f "$T/go"
	ui_start "$s" "$w" "$h" C.UTF-8 run -o "t$w.csv" -- /usr/bin/python3 -u train.py --epochs 3
	ui_wait "$s" "data set loaded" 20
	check "$size: the header names the script, not the interpreter's path, then the value and the peak" \
		ui_row_has "$s" 0 " memlog run: train.py --epochs 3 │ "
	header_ok() { tmux -L "$TMUX_SOCK" capture-pane -p -t "$1" | head -1 | grep -Eq '│ (mem|rss) [0-9.]+ ([KMG]i)?B │ peak [0-9.]+ ([KMG]i)?B at '; }
	if ! wait_until 5 header_ok "$s"; then note "the header: $(tmux -L "$TMUX_SOCK" capture-pane -p -t "$s" | head -1)"; fi
	check "$size: ... with the value and the peak" header_ok "$s"
	check "$size: the footer keeps '? help' and 'q quit'" \
		bash -c "tmux -L $TMUX_SOCK capture-pane -p -t $s | tail -1 | grep -q '  ? help  q quit$'"
	# (at 80 columns the log pane cuts memlog's first line where its pid's
	# digits put the cut: that size's whole-screen golden is test_view's)
	[ "$w" -gt 80 ] && ui_golden "$s" "sizes-live-$size.txt" "$w" "$h"
	ui_keys "$s" q
	ui_wait_row "$s" $((h - 1)) "Esc stay"
	check "$size: the quit prompt fits, its way back (Esc stay) included" \
		bash -c "tmux -L $TMUX_SOCK capture-pane -p -t $s | tail -1 | grep -Eq '^ .*running:  k kill it and quit .* Esc stay$'"
	ui_keys "$s" Escape
	ui_wait_row "$s" $((h - 1)) "? help  q quit"
	ui_keys "$s" '?'
	ui_wait "$s" "Any key closes this help."
	check "$size: the help box shows whole: the first key, q, and how to close it" \
		bash -c "s=\$(tmux -L $TMUX_SOCK capture-pane -p -t $s); grep -q 'memlog keys' <<<\"\$s\" && grep -q 'm          marker now' <<<\"\$s\" &&
		         grep -q 'q          quit; while the command runs: k kill it, d leave it running' <<<\"\$s\" && grep -q 'Recording never pauses' <<<\"\$s\""
	ui_keys "$s" Escape
	ui_wait_row "$s" $((h - 1)) "? help  q quit"
	touch "$T/go"
	ui_wait "$s" "ENDED: the command has ended." 20
	check "$size: the ENDED line keeps '? help' and 'q quit' too" \
		bash -c "tmux -L $TMUX_SOCK capture-pane -p -t $s | tail -1 | grep -q '^ ENDED: the command has ended\..*  ? help  q quit$'"
	ui_keys "$s" q
	check "$size: q after the end quits with the command's status (0)" [ "$(ui_rc "$s")" = 0 ]
done
