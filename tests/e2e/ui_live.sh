# The live view under tmux at 120x40 (UTF-8): chart and log lines, resize and
# the too-small screen, the quit prompt (Esc stays, k kills), markers by key,
# and golden screens (normalised as described in ui_lib.sh).
. "$(dirname "$0")/ui_lib.sh"

# A job whose log is the same on every run: it waits for the test (the files
# go1, go2) between its phases, so the lines and the markers come in one order.
cat >"$T/job" <<EOF
#!/bin/sh
echo "job starting"
"$WORKLOAD" hold 40M 0.2
while [ ! -e go1 ]; do sleep 0.05; done
echo "phase two"
"$WORKLOAD" hold 70M 0.2
while [ ! -e go2 ]; do sleep 0.05; done
echo "job done"
# memlog may note the exit before the last line when both come at once
# (reported); the pause keeps the golden log in one order.
sleep 0.2
EOF
chmod +x "$T/job"

ui_start live 120 40 C.UTF-8 run -o x.csv -- ./job
ui_wait live releasing
scr=$(ui_screen live)
row() { sed -n "$(($1 + 1))p" <<<"$scr"; }
# The series shown first is mem when the job got a memory cgroup (rss else).
check "the header names the command and the CSV" grep -Eq '^ memlog run: job │ (mem|rss) .*● x.csv' <<<"$(row 0)"
check "the chart has its y axis" grep -q '^ *[0-9.]* [KMG]\?i\?B┤' <<<"$(row 1)"
check "the chart has its legend" grep -Eq ' ⣿ (mem|rss)' <<<"$(row 1)"
check "the chart has its x axis from 0 B" grep -q '^     0 B└┴0s─' <<<"$(row 20)"
check "the log pane shows the job's lines, stamped" \
	grep -qzE '[0-9.]+s job starting
[0-9.]+s allocated 41943040 bytes
[0-9.]+s releasing' <<<"$scr"
check "the footer shows the keys, live" grep -q '^ LIVE  m mark  a label' <<<"$(row 39)"

# Resize: the layout follows at once; below 60x16 it says so.
ui_size live 110 30
ui_wait_row live 29 " LIVE  m mark"
scr=$(ui_screen live)
check "at 110x30 the pane is 110x30" [ "$(tm display -p -t live '#{pane_width}x#{pane_height}')" = 110x30 ]
check "at 110x30 the footer is on the new last row (29)" grep -q '^ LIVE  m mark' <<<"$(row 29)"
check "at 110x30 the log pane's title is on row 16, as wide as the window" [ "$(row 16)" = "─ output $(printf '─%.0s' {1..101})" ]
check "at 110x30 the x axis is on row 14" grep -q '└┴0s' <<<"$(row 14)"
ui_golden live relayout-110x30.txt 110 30
ui_size live 40 10
ui_wait live "terminal too small (need 60x16)"
scr=$(ui_screen live)
check "at 40x10 it says the terminal is too small (row 5), and nothing else" \
	eval '[ "$(grep -c . <<<"$scr")" = 1 ] && [ "$(row 5)" = "terminal too small (need 60x16)" ]'
ui_golden live too-small-40x10.txt 40 10
ui_size live 120 40
ui_wait_row live 39 " LIVE  m mark"
scr=$(ui_screen live)
check "back at 120x40 the whole view is drawn again" \
	grep -q '^ memlog run: .*|.*└┴0s.*|─ output ─*|$' <<<"$(row 0)|$(row 20)|$(row 22)|"

# q while the command runs asks; Esc stays.
ui_keys live q
ui_wait_row live 39 "The command is still running:  k kill it and quit   d leave it running"
ui_golden live quit-prompt.txt 120 40
ui_keys live Escape
ui_wait_row live 39 " LIVE  m mark"
check "Esc in the quit prompt stays: memlog and the command still run" \
	eval "kill -0 $(ui_pid live) && [ ! -e '$T/live.rc' ] && pgrep -P $(ui_pid live) >/dev/null"

# Markers: m at once, a with a label; Esc cancels a label.
ui_keys live m
ui_wait live "memlog marker M1"
check "m drops M1: on the chart, and in the log pane" ui_wait_row live 1 "│M1"
ui_keys live a
ui_wait_row live 39 " marker label: _  (Enter marks, Esc cancels)"
ui_text live "nope"
ui_wait_row live 39 " marker label: nope_"
ui_keys live Escape
ui_wait_row live 39 " LIVE  m mark"
check "Esc cancels the label prompt" eval "! ui_has live nope"
ui_keys live a
ui_wait_row live 39 " marker label: _"
ui_text live "phase two"
ui_wait_row live 39 " marker label: phase two_"
ui_keys live Enter
ui_wait live "memlog marker phase two"
check "a + label + Enter drops a labelled marker: on the chart, and in the log pane" ui_wait_row live 1 "│phase two"

# The job goes on and ends; the view stays, static, until q.
touch "$T/go1"
ui_wait live "allocated 73400320 bytes"
touch "$T/go2"
ui_wait_row live 39 " ENDED: the command has ended.  The CSV is complete." 15
scr=$(ui_screen live)
check "after the end the header shows mem (or rss) 0 B" grep -Eq '│ (mem|rss) 0 B │' <<<"$(row 0)"
check "... and so does the readout under the chart: the same last sample, no process" \
	grep -Eq '^ now +(mem|rss) 0 B .*procs 0' <<<"$scr"
check "after the end the log pane shows the exit and why the recording ended" \
	grep -qzE 's memlog command exited with status 0
[0-9.]+s memlog recording ended: the command and all its processes ended; [0-9]+ samples' <<<"$scr"
ui_golden live ended.txt 120 40
ui_keys live '?'
ui_wait live "Any key closes this help"
ui_golden live help.txt 120 40 keep=21,9,78,21
ui_keys live Escape
# The footer reads ENDED under the help too: wait for the help to go.
check "any key closes the help" wait_until 5 eval "! ui_has live 'memlog keys'"
check "with the help closed the footer is the ENDED line" ui_row_has live 39 " ENDED:"
ui_keys live q
rc=$(ui_rc live)
check "after the end q quits at once with the command's status (0)" [ "$rc" = 0 ]
ui_wait live "memlog exited 0"
check "q after the end keeps why the recording ended (not 'stopped from the view')" \
	eval "ui_has live 'memlog: the command and all its processes ended' && ! ui_has live 'stopped from the view'"
check "the terminal is given back: the shell's line shows, not the view" eval "! ui_has live '┤'"
check "the CSV holds both markers in the marker column, and not the cancelled one" \
	py_true "$T/x.csv" '[r["marker"] for r in rows if r["marker"]] == ["M1", "phase two"]'
check "the marker rows are full samples" py_true "$T/x.csv" 'all(num(r, "rss") > 0 and num(r, "procs") >= 1 for r in rows if r["marker"])'
check "the CSV is complete: 16 fields a row, the last shows the drop to 0" \
	py_true "$T/x.csv" 'all(None not in r.values() and len(r) == 16 for r in rows) and num(rows[-1], "rss") == 0'
check "the .log lists both markers" eval "grep -q ' memlog marker M1$' '$T/x.log' && grep -q ' memlog marker phase two$' '$T/x.log'"

# q then k while the command runs: SIGTERM to the command, memlog ends with
# its status (143) and a complete CSV.
ui_start kill 120 40 C.UTF-8 run -o k.csv -- "$WORKLOAD" hold 20M 60
ui_wait kill "allocated 20971520 bytes"
ui_keys kill q
ui_wait_row kill 39 "The command is still running:"
ui_keys kill k
rc=$(ui_rc kill)
check "k in the quit prompt kills the command: memlog exits 143" [ "$rc" = 143 ]
check "k: the CSV is complete and ends with the drop to 0" \
	py_true "$T/k.csv" 'len(rows) > 2 and all(None not in r.values() and len(r) == 16 for r in rows) and num(rows[-1], "rss") == 0'
check "k: the .log notes the quit, the SIGTERM and the command's death" \
	eval "grep -q 'quit from the view: sending SIGTERM to the command' '$T/k.log' && grep -q 'command killed by signal 15' '$T/k.log'"
check "k: the terminal is back and says what happened" ui_has kill "memlog: sent SIGTERM to the command"
