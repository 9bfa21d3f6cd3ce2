# The view goes away, the recording does not: SIGHUP sent to memlog, a real
# hangup (the terminal closed under memlog, started by a script or, as over
# SSH, from an interactive shell), and `d` (detach) in the quit prompt. The
# views run side by side, to keep the time down.
. "$(dirname "$0")/ui_lib.sh"

# ./job NAME STATUS prints a tick every 0.1 s until the test creates
# end.NAME, then exits with STATUS: the test decides when it ends.
cat >"$T/job" <<'JOB'
#!/bin/sh
echo "job $1 starting"
i=0
while [ ! -e "end.$1" ]; do i=$((i + 1)); echo "tick $i"; sleep 0.1; done
echo "job $1 ending"
exit $2
JOB
chmod +x "$T/job"

# lines FILE: how many lines the file has (a CSV row is one line).
lines() { wc -l <"$1"; }
# grows FILE N: the file has more than N lines.
grows() { [ "$(lines "$1")" -gt "$2" ]; }
# complete CSV: every row has its 16 fields, the last one the drop to 0.
complete() { py_true "$1" 'len(rows) > 2 and all(None not in r.values() and len(r) == 16 for r in rows) and num(rows[-1], "rss") == 0'; }

ui_start hup 120 40 C.UTF-8 run -i 50ms -o h.csv -- ./job hup 7
ui_start gone 120 40 C.UTF-8 run -i 50ms -o g.csv -- ./job gone 0
ui_start det 120 40 C.UTF-8 run -i 50ms -o d.csv -- ./job det 0
# As over SSH: memlog started from an interactive shell that owns the
# terminal. When the terminal goes, the shell gets SIGHUP and passes it on to
# its jobs, and when the shell is gone the kernel sends SIGHUP to the
# terminal's foreground group: memlog gets two.
tm new-session -d -s ssh -x 120 -y 40 -c "$T" \
	"env -i LANG=C.UTF-8 TERM=tmux-256color PATH=/usr/bin:/bin HOME=$T PS1='$ ' bash --norc --noprofile -i"
ui_wait ssh '$'
ui_text ssh "$(printf '%q ' "$MEMLOG") run -i 50ms -o s.csv -- ./job ssh 0"
ui_keys ssh Enter
for v in hup gone det ssh; do
	ui_wait $v "memlog run: job $v"
	wait_until 10 grep -q "out tick 2" "$T/${v:0:1}.log"
done
ssh=$(pgrep -x -P "$(tm display -p -t ssh '#{pane_pid}')" memlog)

# kill -HUP of memlog while its terminal stays: it leaves curses and records on.
kill -HUP "$(ui_pid hup)"
# A real hangup: the session is killed and its terminal closes under memlog
# (whose writes to it fail from then on). Nobody is left to see the exit
# status: the .log tells it.
tm kill-session -t gone
tm kill-session -t ssh
# d in the quit prompt: the foreground memlog exits 0 and gives the terminal
# back; a background memlog records until the command ends.
ui_keys det q
ui_wait_row det 39 "d leave it running"
ui_keys det d

wait_until 5 grep -q 'terminal hung up' "$T/h.log"
n=$(lines "$T/h.csv")
check "SIGHUP: the .log notes that recording goes on headless" \
	grep -q ' memlog terminal hung up (SIGHUP); recording goes on headless$' "$T/h.log"
check "SIGHUP: the CSV keeps growing after it" wait_until 5 grows "$T/h.csv" "$n"
check "SIGHUP: memlog left curses (the view is gone from the terminal)" wait_until 5 eval "! ui_has hup '┤'"
# A terminal that hangs up may send more than one SIGHUP (see ssh below):
# the next ones must not reach the command either.
kill -HUP "$(ui_pid hup)"

gone=$(ui_pid gone)
# The SIGHUP or the closed terminal, whichever memlog sees first.
hung_note=' memlog terminal (hung up \(SIGHUP\)|gone \(hung up without SIGHUP\)); recording goes on headless$'
wait_until 5 grep -qE "$hung_note" "$T/g.log"
n=$(lines "$T/g.csv")
check "hangup: the .log notes it" grep -qE "$hung_note" "$T/g.log"
check "hangup: memlog survives the end of its terminal and keeps recording" \
	eval "kill -0 $gone 2>/dev/null && wait_until 5 grows '$T/g.csv' $n"

fg=$(ui_pid det)
rc=$(ui_rc det)
check "d: the foreground memlog exits 0" [ "$rc" = 0 ]
ui_wait det "memlog exited 0"
bg=$(ui_screen det | sed -n 's/.*recording goes on in the background (memlog pid \([0-9]*\)).*/\1/p')
check "d: it says where the recording goes on (memlog pid N)" [ -n "$bg" ]
bg=${bg:-none}
n=$(lines "$T/d.csv")
check "d: the background memlog is another process, alive, in a session of its own" \
	eval "[ $bg != $fg ] && kill -0 $bg 2>/dev/null && [ \"\$(ps -o sid= -p $bg | tr -d ' ')\" = $bg ]"
check "d: the CSV keeps growing after the detach" wait_until 5 grows "$T/d.csv" "$n"

wait_until 5 grep -qE "$hung_note" "$T/s.log"
n=$(lines "$T/s.csv")
check "ssh-like hangup: memlog survives the end of its terminal and keeps recording" \
	eval "kill -0 ${ssh:-none} 2>/dev/null && wait_until 5 grows '$T/s.csv' $n"
check "ssh-like hangup: the second SIGHUP is not passed on to the command, which runs on" \
	eval "! grep -q 'passed it on' '$T/s.log' && kill -0 \$(pgrep -P ${ssh:-none} | head -1) 2>/dev/null"

# The ends.
touch "$T/end.hup" "$T/end.gone" "$T/end.det" "$T/end.ssh"
rc=$(ui_rc hup 10)
check "SIGHUP: a second SIGHUP is not passed on to the command" eval "! grep -q 'passed it on' '$T/h.log'"
check "SIGHUP: memlog ends when the command ends, with its status (7)" [ "$rc" = 7 ]
check "SIGHUP: the .log has the command's last line and its exit" \
	eval "grep -q ' out job hup ending$' '$T/h.log' && grep -q ' memlog command exited with status 7$' '$T/h.log'"
check "SIGHUP: the CSV is complete" complete "$T/h.csv"

check "hangup: memlog ends when the command ends" wait_until 10 eval "! kill -0 $gone 2>/dev/null"
check "hangup: the .log has the command's last line, its exit and the end" \
	eval "grep -q ' out job gone ending$' '$T/g.log' && grep -q ' memlog command exited with status 0$' '$T/g.log' && grep -q ' memlog recording ended: ' '$T/g.log'"
check "hangup: the SIGHUP was not passed on to the command" eval "! grep -q 'passed it on' '$T/g.log'"
check "hangup: the CSV is complete" complete "$T/g.csv"

check "d: the background memlog ends when the command ends" wait_until 10 eval "! kill -0 $bg 2>/dev/null"
check "d: the .log notes the detach and how the command is followed" \
	eval "grep -q ' memlog detached from the terminal' '$T/d.log' && grep -q ' memlog following the command by its pid [0-9]*; its exit status will not be known$' '$T/d.log'"
check "d: the command's lines after the detach still reach the .log" \
	eval "sed -n '/memlog detached/,\$p' '$T/d.log' | grep -q ' out job det ending$'"
check "d: the .log ends with the end of the recording" eval "tail -1 '$T/d.log' | grep -q ' memlog recording ended: '"
check "d: the CSV is complete" py_true "$T/d.csv" 'len(rows) > 2 and all(None not in r.values() and len(r) == 16 for r in rows)'
check "d: the .log counts every sample, before the detach and after" \
	eval "[ \"\$(sed -n 's/.* memlog recording ended: .*; \([0-9]*\) samples\$/\1/p' '$T/d.log')\" = \"\$((\$(wc -l <'$T/d.csv') - 1))\" ]"

check "ssh-like hangup: memlog ends when the command ends, which exits by itself" \
	eval "wait_until 10 eval '! kill -0 ${ssh:-none} 2>/dev/null' && grep -q ' out job ssh ending$' '$T/s.log' && grep -q ' memlog command exited with status 0$' '$T/s.log'"

# A terminal that closes without a SIGHUP reaching memlog: its shell ignores
# the signal, so it neither exits nor passes one on. The closed terminal is
# a hang-up all the same: memlog notes it, records on headless and ends with
# the command, instead of polling the dead terminal for ever.
tm new-session -d -s quiet -x 120 -y 40 -c "$T" \
	"trap '' HUP; env -i LANG=C.UTF-8 TERM=tmux-256color PATH=/usr/bin:/bin HOME=$T $(printf '%q ' "$MEMLOG") run -i 50ms -o q.csv -- ./job quiet 0; echo \$? >quiet.rc"
ui_wait quiet "memlog run: job quiet"
wait_until 10 grep -q "out tick 2" "$T/q.log"
quiet=$(pgrep -f -- "-o q.csv -- ./job quiet" | head -1)
tm kill-session -t quiet
check "a hang-up without SIGHUP: the .log notes it" \
	wait_until 5 grep -q ' memlog terminal gone (hung up without SIGHUP); recording goes on headless$' "$T/q.log"
n=$(lines "$T/q.csv")
check "a hang-up without SIGHUP: the CSV keeps growing" wait_until 5 grows "$T/q.csv" "$n"
touch "$T/end.quiet"
check "a hang-up without SIGHUP: memlog ends with the command, status 0" \
	eval "wait_until 10 test -s '$T/quiet.rc' && [ \"\$(cat '$T/quiet.rc')\" = 0 ]"
check "a hang-up without SIGHUP: the CSV is complete and the .log ends with the end" \
	eval "complete '$T/q.csv' && tail -1 '$T/q.log' | grep -q ' memlog recording ended: '"
if [ -n "$quiet" ] && kill -0 "$quiet" 2>/dev/null; then kill -KILL "$quiet"; fi
