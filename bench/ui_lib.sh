# shellcheck shell=bash
# ui_lib.sh: helpers of the live-view benchmarks (sourced by bench/ui_*.sh,
# after lib.sh). Each benchmark runs memlog's view in a tmux server of its
# own (its own socket, never the default server) at a fixed size, with the
# environment pinned, so a run does not depend on the terminal it started in.
#   UI_COLS, UI_ROWS   size of the pane (default 120 x 40)
#   UI_TERM            TERM inside the pane (default xterm-256color)

UI_COLS=${UI_COLS:-120}
UI_ROWS=${UI_ROWS:-40}
UI_TERM=${UI_TERM:-xterm-256color}
UI_SOCK_DIR="${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)"

# Kills the tmux servers this script started (and only those: every socket
# name of a benchmark holds the script's pid) and removes their sockets.
ui_cleanup() {
	local f
	for f in "$UI_SOCK_DIR"/memlog-ui*-"$$" "$UI_SOCK_DIR"/memlog-ui*-"$$"-*; do
		[ -e "$f" ] || continue
		tmux -L "${f##*/}" kill-server 2>/dev/null || true
		rm -f "$f"
	done
}
trap 'ui_cleanup; [ "${UI_OWN_OUT:-0}" = 1 ] && [ "${BENCH_KEEP:-0}" != 1 ] && rm -rf "$BENCH_OUT"; true' EXIT

# Starts "$@" in a new detached tmux server on socket $1 (named
# memlog-ui<what>-$$[-<tag>], so ui_cleanup finds it) at UI_COLS x UI_ROWS,
# with env -i LANG=$2 TERM=$UI_TERM. The command is exec'd, so the pane's pid
# is the command's own. Prints that pid.
ui_start() {
	local sock=$1 lang=$2
	shift 2
	local cmd="exec env -i PATH=/usr/bin:/bin HOME=$HOME LANG=$lang LC_ALL=$lang TERM=$UI_TERM"
	local a
	for a in "$@"; do
		cmd="$cmd $(printf '%q' "$a")"
	done
	tmux -L "$sock" -f /dev/null new-session -d -s ui -x "$UI_COLS" -y "$UI_ROWS" "$cmd"
	tmux -L "$sock" set-option -g status off >/dev/null
	tmux -L "$sock" set-option -g window-size manual >/dev/null
	tmux -L "$sock" resize-window -t ui -x "$UI_COLS" -y "$UI_ROWS" >/dev/null 2>&1 || true
	tmux -L "$sock" display-message -p -t ui '#{pane_pid}'
}

# The view stays open after the recording ends (for looking back); the
# benchmarks press q once the .log $2 says it ended.
ui_quit_if_ended() {
	if grep -q "recording ended" "$2" 2>/dev/null; then
		tmux -L "$1" send-keys -t ui q 2>/dev/null || true
	fi
}

# The pane of socket $1 as plain text.
ui_capture() {
	tmux -L "$1" capture-pane -p -t ui 2>/dev/null
}

# utime+stime of pid $1 in clock ticks (empty when it is gone).
ui_cpu_ticks() {
	awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null
}

# VmRSS of pid $1 in kB (empty when it is gone).
ui_rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}

# Microseconds now (bash 5's EPOCHREALTIME: no process per reading).
ui_now_us() {
	local t=$EPOCHREALTIME
	echo $((${t%.*} * 1000000 + 10#${t#*.}))
}

# Waits up to $2 seconds for text $3 in the pane of socket $1; prints the
# milliseconds it took, or fails.
ui_wait_text() {
	local sock=$1 limit_us=$(($2 * 1000000)) text=$3
	local t0 now
	t0=$(ui_now_us)
	while :; do
		if ui_capture "$sock" | grep -qF -- "$text"; then
			now=$(ui_now_us)
			echo $(((now - t0) / 1000))
			return 0
		fi
		now=$(ui_now_us)
		[ $((now - t0)) -lt "$limit_us" ] || return 1
		sleep 0.01
	done
}
