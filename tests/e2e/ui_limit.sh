#!/usr/bin/env bash
# The limit in the live view, under tmux at 80x24: a job under run --limit
# 100M that holds 60 MiB; the chart's axis reaches the limit, drawn as a
# dashed row labelled "limit 100 MiB". Needs a
# memory cgroup memlog may make (root, cgroup v1 here).
. "$(dirname "$0")/ui_lib.sh"

if [ "$(id -u)" = 0 ] && [ -n "$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' /proc/self/cgroup)" ]; then
	ui_start lim 80 24 C.UTF-8 run --limit 100M -o l.csv -- "$WORKLOAD" hold 60M 60
	ui_wait lim "allocated 62914560 bytes" 20
	check "the chart draws the limit as a dashed row, labelled" wait_until 10 ui_has lim "┄┄┄┄limit 100 MiB"
	check "the y axis reaches the limit" ui_row_has lim 1 " 100 MiB┤"
	ui_keys lim q
	ui_wait_row lim 23 "The command is still running:"
	ui_keys lim k
	ui_rc lim >/dev/null
	check "the CSV's limit column holds the 100 MiB" py_true "$T/l.csv" 'all(num(r, "limit") == 100 << 20 for r in rows)'
else
	for n in 1 2 3; do echo "ok - the limit in the view # SKIP not root, or no memory cgroup"; done
fi
