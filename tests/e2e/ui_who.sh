#!/usr/bin/env bash
# The process pane (key w) under tmux: live at 80x24 while a pool of three
# workers of 20, 50 and 80 MiB runs, and in replay of such a recording at
# 120x40 (no golden screens: pids of any width line up differently; the
# unit tests hold the pane's exact rendering): the processes at the cursor, the largest first, each with its own
# share; Up and Down pick one and its curve is named in the chart's legend;
# w again brings the log back.
. "$(dirname "$0")/ui_lib.sh"
not_has() { ! ui_has "$@"; }

ui_start wl 80 24 C.UTF-8 run -o p.csv -- "$WORKLOAD" pool 20M,50M,80M 60
ui_wait wl "worker 2 pid" 20
ui_wait wl "worker 1 pid" 5
ui_wait wl "worker 0 pid" 5
ui_keys wl w
ui_wait_row wl 13 "processes at" 5
# The workers said they hold their memory; the pane shows it from the next
# sample on (every 100 ms): wait for the three rows, largest first.
pool_rows() {
	local s
	s=$(ui_screen wl)
	grep -Eq ' (8[0-4]|79)\.[0-9] MiB .*workload pool' <<<"$(sed -n 16p <<<"$s")" &&
		grep -Eq ' (5[0-4]|49)\.[0-9] MiB .*workload pool' <<<"$(sed -n 17p <<<"$s")" &&
		grep -Eq ' (2[0-4]|19)\.[0-9] MiB .*workload pool' <<<"$(sed -n 18p <<<"$s")"
}
wait_until 10 pool_rows || note "the pane did not show the three workers in order"
scr=$(ui_screen wl)
row() { sed -n "$(($1 + 1))p" <<<"$scr"; }
check "live 80x24: the pane's title counts the tree's 4 processes" grep -Eq '^─ processes at [0-9.]+s: 4, holding' <<<"$(row 13)"
check "live 80x24: its column heads" grep -q '^    pid       held       peak   in phase  command' <<<"$(row 14)"
# The workers' own memory, largest first (each within a few MiB of what it touched).
check "live 80x24: the 80 MiB worker first, then 50, then 20" pool_rows
check "live 80x24: no row is wider than the terminal" \
	"$PY" -c 'import sys; sys.exit(max(len(l) for l in sys.stdin.read().splitlines()) > 80)' <<<"$scr"
second=$(row 16 | awk '{print $1}')
ui_keys wl Down
ui_wait_row wl 1 "pid $second" 5
check "live: Down picks the next process, its curve named in the legend" ui_row_has wl 1 "⠒ pid $second"
ui_keys wl w
ui_wait_row wl 13 " output " 5
check "live: w again shows the log" not_has wl "processes at"
ui_keys wl q
ui_wait_row wl 23 "The command is still running:" 5
ui_keys wl k
check "live: the recording ends when asked (q, k)" [ "$(ui_rc wl)" = 143 ]

# A recording of its own for the replay, whose length does not depend on
# how fast the keys above were typed; p goes to the plateau's start, where
# every worker holds its memory.
"$MEMLOG" run --headless -o "$T/r.csv" -- "$WORKLOAD" pool 20M,50M,80M 1 >/dev/null 2>&1
ui_start wr 120 40 C.UTF-8 replay r.csv
ui_wait wr "cursor " 10
ui_keys wr p
ui_wait wr "phase 2 plateau" 5
ui_keys wr w
ui_wait wr "processes at" 5
check "replay 120x40: the pane lists the root and the three workers" \
	[ "$(ui_screen wr | grep -c 'workload pool 20M,50M,80M 1$')" = 4 ]
ui_keys wr Down Down
ui_wait_row wr 1 "⠒ pid " 5
ui_keys wr q
check "replay: q leaves" [ "$(ui_rc wr)" = 0 ]
