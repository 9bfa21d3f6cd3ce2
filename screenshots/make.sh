#!/usr/bin/env bash
# make.sh: makes the PNG screenshots in screenshots/ from real runs of memlog
# in tmux (120x40, the demo workload):
#   live.png       the live view, UTF-8, colour, with markers and the job's log
#   too-small.png  the view in a terminal below its minimum size
#   ascii.png      the live view under LANG=C (ASCII chart)
# A pane is captured with its colours (tmux capture-pane -p -e), turned into
# HTML by aha, and photographed by headless Chromium. Run from anywhere:
#   bash screenshots/make.sh
# Installs what it needs (Debian: aha, chromium, fonts-dejavu-core) when root;
# otherwise prints the apt-get line.
set -eu
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/screenshots

# The packages this script needs that are not installed.
missing=""
for p in tmux aha chromium fonts-dejavu-core; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "installing:$missing"
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
	else
		echo "screenshots need these Debian packages; run:"
		echo "  sudo apt-get update && sudo apt-get install -y$missing"
		exit 1
	fi
fi
make --no-print-directory all build/workload >/dev/null

W=$(mktemp -d /tmp/memlog-shots.XXXXXX)
SOCK=memlog-shots-$$
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
# memlog outlives a closed terminal (it records on headless): stop each one
# by its pid first (SIGTERM goes on to the demo, and memlog ends with it).
finish() {
	local s pane pid
	for s in live ascii; do
		pane=$(tm display -p -t "$s" '#{pane_pid}' 2>/dev/null) || continue
		pid=$(pgrep -x -P "$pane" memlog) && kill -TERM "$pid" 2>/dev/null
	done
	tm kill-server 2>/dev/null || true
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
	rm -rf "$W"
}
trap finish EXIT

# start NAME LANG: memlog on the demo workload in session NAME, 120x40, in
# $W where build/ leads to the tree's (short names in the header).
ln -s "$ROOT/build" "$W/build"
start() {
	tm new-session -d -s "$1" -x 120 -y 40 -c "$W" \
		"env -i LANG=$2 TERM=tmux-256color PATH=/usr/bin:/bin HOME=$W build/memlog run -o $1.csv -- build/workload demo; sleep 600"
}
# shows NAME TEXT: the pane shows TEXT.
shows() { tm capture-pane -p -t "$1" | grep -qF -- "$2"; }
# wait_for NAME TEXT: waits (at most 60 s) until the pane shows TEXT.
wait_for() {
	local _
	for _ in $(seq 600); do
		shows "$1" "$2" && return 0
		sleep 0.1
	done
	echo "make.sh: timed out waiting for \"$2\" in $1" >&2
	tm capture-pane -p -t "$1" >&2
	exit 1
}
# capture NAME FILE: the pane with its colours.
# (-N keeps the trailing blanks: the header's and footer's background
# reaches the right edge as on the terminal.)
capture() { tm capture-pane -p -e -N -t "$1" >"$W/$2.ansi"; }

# shoot NAME COLS ROWS: $W/NAME.ansi to $OUT/NAME.png.
shoot() {
	local name=$1 cols=$2 rows=$3
	local fs=15 pad=12
	# DejaVu Sans Mono: advance 1233/2048 em, line 2384/2048 em.
	local cw lh w h
	cw=$(awk -v f=$fs 'BEGIN { print f * 1233 / 2048 }')
	lh=$(awk -v f=$fs 'BEGIN { print f * 2384 / 2048 }')
	w=$(awk -v c="$cols" -v cw="$cw" -v p=$pad 'BEGIN { printf "%d", c * cw + 2 * p + 3 }')
	h=$(awk -v r="$rows" -v lh="$lh" -v p=$pad 'BEGIN { printf "%d", r * lh + 2 * p + 3 }')
	{
		cat <<HTML
<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>
/* DejaVu Sans Mono has no braille: take it from DejaVu Sans, scaled to the
   mono advance so the columns stay aligned. */
@font-face { font-family: "braille"; src: local("DejaVu Sans"); unicode-range: U+2800-28FF; size-adjust: 82%; }
html, body { margin: 0; background: #000; }
body { border: 1px solid #555; box-sizing: border-box; height: 100vh; }
pre { margin: 0; padding: ${pad}px; font: ${fs}px/${lh}px "braille", "DejaVu Sans Mono", monospace; color: #d0d0d0; }
</style></head><body><pre>
HTML
		# aha draws black text as dim gray under --black: on a coloured
		# background (the header, the footer) it is black in a terminal.
		aha --black --no-header <"$W/$name.ansi" |
			sed -e 's/color:dimgray;background-color/color:black;background-color/g' \
			    -e 's/color:blue;/color:#6b8cff;/g'
		echo '</pre></body></html>'
	} >"$W/$name.html"
	chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --hide-scrollbars --force-device-scale-factor=1 \
		--user-data-dir="$(mktemp -d "$W/chromium.XXXXXX")" \
		--screenshot="$OUT/$name.png" --window-size="$w,$h" "file://$W/$name.html" >/dev/null 2>&1
	echo "wrote screenshots/$name.png (${w}x$h)"
}

# label NAME TEXT: a marker with a label, typed.
label() {
	tm send-keys -t "$1" a
	wait_for "$1" "marker label:"
	tm send-keys -t "$1" -l "$2"
	tm send-keys -t "$1" Enter
}

# The live view (UTF-8) and the ASCII one side by side, markers dropped by
# key: the log shows them beside the curve.
start live C.UTF-8
start ascii C
wait_for live "data set loaded"
label live "data loaded"
wait_for ascii "data set loaded"
tm send-keys -t ascii m
wait_for live "processing batch 3/20"
tm send-keys -t live m
wait_for ascii "processing batch 3/20"
label ascii "batch 3"
# Once the "marker recorded" note has gone, the footer shows the keys.
wait_for live " LIVE  m mark"
capture live live
wait_for ascii " LIVE  m mark"
capture ascii ascii
shoot live 120 40
shoot ascii 120 40

# A terminal below the minimum size.
tm resize-window -t live -x 50 -y 12
wait_for live "terminal too small"
capture live too-small
shoot too-small 50 12
