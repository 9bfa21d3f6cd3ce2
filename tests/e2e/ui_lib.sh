# ui_lib.sh: helpers for the end-to-end tests of the live view (ui_*.sh),
# sourced instead of lib.sh (it sources lib.sh). Run on its own it does nothing.
#
# Every view runs in a tmux server of its own (socket memlog-e2e-PID, no
# config file), in a session with a fixed size, with the environment pinned:
#   env -i LANG=... TERM=tmux-256color PATH=/usr/bin:/bin HOME=$T
# and the working directory $T, so the header and the log show short,
# run-independent names (./job, x.csv).
#
# Golden screens (tests/e2e/golden/*.txt) are captured panes (capture-pane -p)
# after this normalisation, which removes what legitimately varies between runs:
#   1. the chart's plot area is blanked: every row above the log pane's tab
#      row whose column 8 is the y axis (│ ┤ └, or | + in ASCII), from column
#      9 on: the rows are found on the screen, not computed from the layout. Its shape depends on when each sample was taken, where
#      the markers fall on the time axis depends on how fast the test typed,
#      and the x labels on the length of the run. The tests assert on what
#      must be there (the markers' labels, the axis) separately.
#      With keep=X,Y,W,H (a box drawn over the view: the help), the rows of the
#      box show only the box: what is left and right of it is blanked (the log
#      lines it cuts end at a column that depends on their time stamps).
#   2. braille dots U+2801..U+28FF become U+28FF (one class);
#   3. a quantity with an IEC unit and the spaces before it (" 600 MiB",
#      "1.02 GiB", " 0 B") becomes " 9U": the unit changes with the value
#      (machine memory, the y ticks) and right-aligned fields pad differently;
#      at the start of a row (the y axis labels) it keeps its width, "     9U";
#   4. every other number (a run of digits, with a decimal part) becomes 9
#      (times, pids, sample counts, rates);
#   5. trailing spaces are removed (tmux already drops them; rows stay, so the
#      height is part of the comparison).
# GENERATE=1 rewrites the golden files instead of comparing.
[ "${BASH_SOURCE[0]}" = "$0" ] && exit 0
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
GOLDEN=$ROOT/tests/e2e/golden
TMUX_SOCK=memlog-e2e-$$
unset TMUX TMUX_PANE
tm() { tmux -L "$TMUX_SOCK" -f /dev/null "$@"; }

# Ends what the tests started: the tmux server (its panes get SIGHUP, which
# memlog survives by design), then every process still working in $T (the
# wrappers, memlog, the jobs: only ours have that directory), by pid.
ui_cleanup() {
	tm kill-server 2>/dev/null
	# tmux leaves its socket file behind.
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TMUX_SOCK"
	local p pids=()
	while read -r p; do
		p=${p#/proc/}
		pids+=("${p%/cwd}")
	done < <(find /proc -mindepth 2 -maxdepth 2 -name cwd -lname "$T" 2>/dev/null)
	((${#pids[@]})) && kill -TERM "${pids[@]}" 2>/dev/null && sleep 0.2 && kill -KILL "${pids[@]}" 2>/dev/null
	# A memlog killed with its guard and its job leaves no one to remove the
	# job's memory cgroup (memlog-job-PID): the test removes those of its
	# own memlogs, once their processes are gone.
	for p in "${pids[@]}"; do
		find /sys/fs/cgroup -maxdepth 7 -type d -name "memlog-job-$p" 2>/dev/null |
			while read -r d; do wait_until 2 rmdir "$d" 2>/dev/null; done
	done
	cleanup
}
trap ui_cleanup EXIT

# ui_start NAME W H LANG MEMLOG_ARGS...: starts memlog in a new session NAME.
# Everything the pane receives is copied to $T/NAME.raw (pipe-pane, set up
# before memlog starts: the wrapper waits for $T/NAME.go). The wrapper writes
# memlog's exit status to $T/NAME.rc, then keeps the pane open with the line
# "memlog exited N". memlog's pid goes to $T/NAME.pid. UI_ENV: more
# VAR=VALUE words for memlog's environment.
ui_start() {
	local name=$1 w=$2 h=$3 lang=$4
	shift 4
	local args
	args=$(printf '%q ' "$MEMLOG" "$@")
	local cmd="cd $T && while [ ! -e $name.go ]; do sleep 0.01; done; env -i LANG=$lang TERM=tmux-256color PATH=/usr/bin:/bin HOME=$T ${UI_ENV:-} $args; echo \$? > $name.rc; echo memlog exited \$(cat $name.rc); exec sleep 600"
	tm new-session -d -s "$name" -x "$w" -y "$h" -c "$T" "$cmd"
	tm pipe-pane -t "$name" "cat >$T/$name.raw"
	touch "$T/$name.go"
	# memlog is the wrapper's child (env execs it).
	local sh
	sh=$(tm display -p -t "$name" '#{pane_pid}')
	wait_until 5 pgrep -x -P "$sh" memlog >/dev/null
	pgrep -x -P "$sh" memlog >"$T/$name.pid"
}

# ui_pid NAME: memlog's pid in session NAME.
ui_pid() { cat "$T/$1.pid"; }

# ui_screen NAME [capture-pane options]: the pane's text.
ui_screen() {
	local name=$1
	shift
	tm capture-pane -p -t "$name" "$@"
}

# ui_row NAME ROW: one row of the pane (0 is the top).
ui_row() { ui_screen "$1" | sed -n "$(($2 + 1))p"; }

# ui_has NAME TEXT: the pane shows TEXT somewhere.
ui_has() { ui_screen "$1" | grep -qF -- "$2"; }

# ui_row_has NAME ROW TEXT: row ROW shows TEXT.
ui_row_has() { ui_row "$1" "$2" | grep -qF -- "$3"; }

# ui_wait NAME TEXT [TIMEOUT]: waits until the pane shows TEXT; on timeout
# notes the screen and fails.
ui_wait() {
	if wait_until "${3:-10}" ui_has "$1" "$2"; then
		return 0
	fi
	note "timed out waiting for \"$2\" in $1; the screen:"
	ui_screen "$1" | sed 's/^/#   |/'
	return 1
}

# ui_wait_row NAME ROW TEXT [TIMEOUT]: waits until row ROW shows TEXT.
ui_wait_row() {
	if wait_until "${4:-10}" ui_row_has "$1" "$2" "$3"; then
		return 0
	fi
	note "timed out waiting for \"$3\" on row $2 of $1; the screen:"
	ui_screen "$1" | sed 's/^/#   |/'
	return 1
}

# ui_keys NAME KEYS...: tmux send-keys (key names such as Enter, Escape).
ui_keys() {
	local name=$1
	shift
	tm send-keys -t "$name" "$@"
}

# ui_text NAME TEXT: types TEXT literally.
ui_text() { tm send-keys -t "$1" -l -- "$2"; }

# ui_size NAME W H: resizes the window (the view gets SIGWINCH).
ui_size() { tm resize-window -t "$1" -x "$2" -y "$3"; }

# ui_normalise W H [keep=X,Y,W,H]: stdin (a capture) to stdout, as described
# at the top.
UI_NORMALISE_PY=$(cat <<'PYEOF'
import re, sys
w, h = int(sys.argv[1]), int(sys.argv[2])
keep = None
for a in sys.argv[3:]:
    if a.startswith('keep='):
        keep = [int(v) for v in a[5:].split(',')]
lines = sys.stdin.read().split('\n')
if lines and lines[-1] == '':
    lines.pop()
out = []
in_chart = True
for y, line in enumerate(lines):
    cells = list(line.ljust(w))
    in_box = keep and keep[1] <= y < keep[1] + keep[3]
    if y > 0 and cells[0] in '\u2500-' and cells[1] == ' ':
        in_chart = False  # the log pane's tab row
    axis = y > 0 and in_chart and len(cells) > 8 and cells[8] in '\u2502\u2524\u2514|+'
    for x in range(len(cells)):
        if in_box:
            if not keep[0] <= x < keep[0] + keep[2]:
                cells[x] = ' '
        elif axis and x >= 9:
            cells[x] = ' '
    line = ''.join(cells)
    line = re.sub('[\u2801-\u28ff]', '\u28ff', line)
    q = r' *\d+(?:\.\d+)? ?(?:[KMGTPE]iB|B)\b'
    line = re.sub('^' + q, lambda m: '9U'.rjust(len(m.group(0))), line)
    line = re.sub(q, ' 9U', line)
    line = re.sub(r'\d+(?:\.\d+)?', '9', line)
    out.append(line.rstrip(' '))
sys.stdout.write('\n'.join(out) + '\n')
PYEOF
)
ui_normalise() { "$PY" -c "$UI_NORMALISE_PY" "$@"; }

# ui_golden NAME FILE W H [keep=...]: compares the normalised pane of session
# NAME with golden/FILE (GENERATE=1 writes it); one TAP line.
ui_golden() {
	local name=$1 file=$2
	shift 2
	ui_screen "$name" | ui_normalise "$@" >"$T/$file.got"
	if [ "${GENERATE:-0}" = 1 ]; then
		mkdir -p "$GOLDEN"
		cp "$T/$file.got" "$GOLDEN/$file"
		echo "ok - golden $file written"
	elif cmp -s "$T/$file.got" "$GOLDEN/$file"; then
		echo "ok - the screen matches golden/$file"
	else
		echo "not ok - the screen matches golden/$file"
		diff -u "$GOLDEN/$file" "$T/$file.got" 2>&1 | head -60 | sed 's/^/#   /'
	fi
}

# ui_rc NAME: memlog's exit status once it has exited (wait for NAME.rc).
ui_rc() { wait_until "${2:-10}" test -s "$T/$1.rc" && cat "$T/$1.rc"; }

# no_high_bytes FILE: no byte >= 0x80 (ASCII only).
no_high_bytes() { "$PY" -c 'import sys; sys.exit(any(b >= 0x80 for b in open(sys.argv[1], "rb").read()))' "$1"; }
