#!/usr/bin/env bash
# ui_hosts.sh: replay of a job across hosts, as a person sees it: four
# recordings made under four host names (UTS namespaces), started a second
# apart, one holding three times the others, replayed together: the header
# says how many and how they are lined up, the legend names each by host,
# the third and fourth are lines of their own colours; --align start
# changes the lining up; more than 16, or --follow of several, is refused.
. "$(dirname "$0")/ui_lib.sh"
export MEMLOG_RUN_DIR=$T/run

record_hosts

ui_start four 120 32 C.UTF-8 replay n1.csv n2.csv n3.csv n4.csv
check "replay of four: the header says so, by the wall clock" ui_wait four "replay: 4 recordings by wall clock"
check "... the legend names each by its host and file" bash -c \
	"tmux -L '$TMUX_SOCK' capture-pane -p -t four | sed -n 2p | grep -q 'node1 (n1.csv).*node2 (n2.csv).*node3 (n3.csv).*node4 (n4.csv)'"
# The third recording's line in its colour (green), the fourth's (red): in
# the legend's keys and on the plot.
ui_screen four -e >"$T/four.ansi"
check "... the third and fourth drawn in colours of their own (green, red)" "$PY" - "$T/four.ansi" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
braille = "[\u2801-\u28ff]"
sys.exit(not (re.search("\x1b\\[32m" + braille, text) and re.search("\x1b\\[31m" + braille, text)))
EOF
check "... the logs are the first recording's" ui_wait four "recorded on host node1"
ui_keys four q
check "q leaves (exit 0)" test "$(ui_rc four)" = 0

ui_start start 120 32 C.UTF-8 replay --align start n1.csv n2.csv n3.csv
check "--align start: three replayed" ui_wait start "replay: 3 recordings"
check "... each from its own start: the header without 'by wall clock'" bash -c "! tmux -L '$TMUX_SOCK' capture-pane -p -t start | head -1 | grep -q 'by wall clock'"
ui_keys start q

for i in $(seq 17); do cp "$T/n1.csv" "$T/m$i.csv"; done
ui_start many 100 30 C.UTF-8 replay m{1..17}.csv
check "replay of 17: exit 2" test "$(ui_rc many)" = 2
check "... said on the screen" ui_wait many "or up to 16 of one job; got 17"
ui_start follow 100 30 C.UTF-8 replay --follow n1.csv n2.csv n3.csv
check "--follow of three: refused" ui_wait follow "--follow takes one recording, not 3"
