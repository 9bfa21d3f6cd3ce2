#!/usr/bin/env bash
# The limit in the live view, under tmux at 80x24: a job under run --limit
# 100M that holds 60 MiB; the chart's axis reaches the limit, drawn as a
# dashed row labelled "limit 100 MiB"; a job past --limit 64M, its OOM kill
# named in the log pane and marked on the chart. Needs a
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
	# An OOM kill in the view: the kernel log's line in the log pane, the
	# marker on the chart (where memlog may read /dev/kmsg).
	if [ -r /dev/kmsg ] && timeout 2 dd if=/dev/kmsg of=/dev/null bs=16k count=1 iflag=nonblock 2>/dev/null; then
		ui_start oom 80 24 C.UTF-8 run --limit 64M -i 20ms -o o.csv -- "$WORKLOAD" hold 200M 60
		ui_wait oom "the command has ended" 20
		check "the log pane names the OOM kill from the kernel log" \
			wait_until 10 ui_has oom "memlog the kernel log: the OOM killer killed workload"
		check "... and the chart marks it" ui_has oom "OOM kill"
		ui_keys oom q
		ui_rc oom >/dev/null
	else
		for n in 1 2; do echo "ok - an OOM kill in the view # SKIP /dev/kmsg cannot be read"; done
	fi
else
	for n in 1 2 3 4 5; do echo "ok - the limit in the view # SKIP not root, or no memory cgroup"; done
fi
