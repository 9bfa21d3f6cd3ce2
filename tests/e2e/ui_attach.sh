#!/usr/bin/env bash
# ui_attach.sh: memlog attach, as a person uses it: two views attached to
# a headless recording in two tmux sessions, marking by key (the markers go
# into the recording, numbered across both), q and d leaving it recording;
# a recording whose view's terminal hung up, attached again from a new
# session with its history, to its end; and, with two running, attach
# without a name asking which.
. "$(dirname "$0")/ui_lib.sh"
export MEMLOG_RUN_DIR=$T/run
UI_ENV="MEMLOG_RUN_DIR=$T/run"

# A job that prints a line every 0.1 s until the file named goes.
cat >"$T/ticker.sh" <<'EOF'
#!/bin/sh
i=0
while [ ! -e "$1" ]; do i=$((i + 1)); echo "tick $i"; sleep 0.1; done
echo "job done"
EOF
chmod +x "$T/ticker.sh"

# 1. A headless recording, two views on it.
(cd "$T" && exec "$MEMLOG" run --headless -i 50ms -o h.csv -- ./ticker.sh h.go >/dev/null 2>"$T/h.err") &
hpid=$!
cleanup_pids+=("$hpid")
wait_until 10 test -e "$T/h.live"
wait_until 10 grep -q 'tick 3' "$T/h.log"
ui_start v1 100 30 C.UTF-8 attach h.csv
ui_start v2 100 30 C.UTF-8 attach
check "a view attached by the CSV shows what is recorded" ui_wait v1 "attached: run: ./ticker.sh h.go"
check "... the history from the .log (its first lines)" ui_wait v1 "tick 1"
check "attach with no name attaches to the only one running" ui_wait v2 "attached: run: ./ticker.sh h.go"
check "... and new lines as they come" ui_wait v2 "tick $(( $(grep -c ' out tick' "$T/h.log") + 5 ))"
check "the footer: q leaves" ui_wait v1 "q leave"
ui_keys v1 m
wait_until 10 py_true "$T/h.csv" "'M1' in [r['marker'] for r in rows]"
check "m in the first view: marker M1 in the recording's CSV" test $? = 0
check "... noted in the .log as from an attached view" grep -q ' memlog marker M1 (an attached view)$' "$T/h.log"
check "the second view sees it (on the chart)" ui_wait v2 "│M1"
ui_keys v2 m
wait_until 10 py_true "$T/h.csv" "'M2' in [r['marker'] for r in rows]"
check "m in the second view: M2, numbered after the first view's" test $? = 0
ui_keys v2 a
ui_text v2 "from B"
ui_keys v2 Enter
wait_until 10 py_true "$T/h.csv" "'from B' in [r['marker'] for r in rows]"
check "a in a view: a marker with the label typed" test $? = 0
check "the first view shows the second's marker" ui_wait v1 "from B"
# A view that is stopped (it reads nothing) costs the recording nothing.
kill -STOP "$(ui_pid v2)"
"$MEMLOG" mark -q -l "while B is stopped" "$T/h.csv"
check "with a view stopped (SIGSTOP), memlog mark still marks" test $? = 0
rows=$(csv_rows "$T/h.csv")
more_rows() { [ "$(csv_rows "$T/h.csv")" -gt $((rows + 5)) ]; }
check "... and the rows keep coming" wait_until 10 more_rows
kill -CONT "$(ui_pid v2)"
check "the view, going on, catches up" ui_wait v2 "while B is stopped"
ui_keys v1 q
check "q leaves the view (exit 0)" test "$(ui_rc v1)" = 0
check "... saying the recording goes on and how to come back" ui_wait v1 "the recording goes on (memlog pid $hpid); back with: memlog attach"
rows=$(csv_rows "$T/h.csv")
check "... and it does: rows keep coming" wait_until 10 more_rows
ui_keys v2 d
check "d leaves the view too (exit 0)" test "$(ui_rc v2)" = 0
check "the recording is still running" kill -0 "$hpid"

# 2. A live view whose terminal hangs up; attached again from a new one.
ui_start live 100 30 C.UTF-8 run -i 50ms -o l.csv -- ./ticker.sh l.go
ui_wait live "tick 2" >/dev/null
lpid=$(ui_pid live)
tm kill-session -t live
wait_until 10 grep -q 'recording goes on headless' "$T/l.log"
check "the view's terminal hung up: the recording goes on headless" test $? = 0
ui_start back 100 30 C.UTF-8 attach l.csv
check "attached again after the hang-up, in a new session" ui_wait back "attached: run: ./ticker.sh l.go"
check "... with what happened meanwhile (the hang-up, from the .log)" ui_wait back "recording goes on headless"

# 3. Two running: attach with no name asks which one.
ui_start pick 100 30 C.UTF-8 attach
check "attach with two running lists them and asks" ui_wait pick "which one? [1-2"
check "... each with memlog's pid and its CSV" bash -c "tmux -L '$TMUX_SOCK' capture-pane -p -t pick | grep -q '$hpid .*h.csv' && tmux -L '$TMUX_SOCK' capture-pane -p -t pick | grep -q '$lpid .*l.csv'"
ui_text pick "7"
ui_keys pick Enter
check "a number that is none of them is said, and asked again" ui_wait pick "'7' is not one of them"
ui_text pick "2"
ui_keys pick Enter
check "... the one picked is attached" ui_wait pick "attached: run: ./ticker.sh l.go"

# 4. d in a live view's quit prompt: the recording goes on in another
# process (a new pid), which attach and mark find.
ui_start det 100 30 C.UTF-8 run -i 50ms -o d.csv -- ./ticker.sh d.go
ui_wait det "tick 2" >/dev/null
ui_keys det q
ui_wait det "d leave it running" >/dev/null
ui_keys det d
ui_wait det "recording goes on in the background (memlog pid" >/dev/null
dpid=$(ui_screen det | sed -n 's/.*in the background (memlog pid \([0-9]*\)).*/\1/p' | head -1)
check "after d the recording goes on in the background, its state saying the new pid" \
	wait_until 10 grep -q "^pid $dpid\$" "$T/d.live"
"$MEMLOG" attach --list >"$T/list.out"
check "... listed by its new pid" grep -q "^$dpid .*d.csv" "$T/list.out"
"$MEMLOG" mark -q -l "after d" "$dpid"
check "... marked by it" py_true "$T/d.csv" "'after d' in [r['marker'] for r in rows]"
touch "$T/d.go"
check "... and it ends with the job, its files gone" wait_until 10 test ! -e "$T/d.live"

# The end while attached: the views say so; the files are gone.
touch "$T/l.go"
check "the recording ends while attached: the view says so" ui_wait back "ENDED: the command and all its proces"
check "... and the other view too" ui_wait pick "ENDED"
check "its state file is gone" wait_until 10 test ! -e "$T/l.live"
ui_keys back q
check "q after the end leaves (exit 0)" test "$(ui_rc back)" = 0
touch "$T/h.go"
wait "$hpid"
check "the headless recording ends normally (exit 0)" test $? = 0
