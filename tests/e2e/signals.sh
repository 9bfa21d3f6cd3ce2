# Signals: SIGUSR1 markers, SIGINT passed on to the child, kill -9 of memlog.
. "$(dirname "$0")/lib.sh"

# SIGUSR1 drops a marker labelled SIGUSR1 into the CSV.
"$MEMLOG" run --headless -i 50ms -o "$T/m.csv" -- "$WORKLOAD" hold 10M 30 >/dev/null 2>&1 &
m=$!
cleanup_pids+=($m)
wait_until 10 bash -c "[ \$(grep -c . '$T/m.csv' 2>/dev/null || echo 0) -ge 3 ]"
kill -USR1 $m
wait_until 10 grep -q ',SIGUSR1$' "$T/m.csv"
kill -USR1 $m
wait_until 10 bash -c "[ \$(grep -c ',SIGUSR1$' '$T/m.csv') -ge 2 ]"
# SIGINT goes on to the command, which dies of it: 128+2.
kill -INT $m
wait $m
rc=$?
check "two SIGUSR1 give two rows marked SIGUSR1" py_true "$T/m.csv" 'len([r for r in rows if r["marker"] == "SIGUSR1"]) == 2'
check "marker rows are full samples" py_true "$T/m.csv" 'all(num(r,"rss") > 0 for r in rows if r["marker"])'
check "SIGINT is passed on: the command dies of it and memlog exits 130" [ $rc -eq 130 ]
check "the .log notes the SIGINT passed on and the command's death" \
	bash -c "grep -q 'passed it on to the command' '$T/m.log' && grep -q 'command killed by signal 2' '$T/m.log'"
check "the CSV is complete after SIGINT" py_true "$T/m.csv" 'all(None not in r and len(r) == 16 for r in rows)'

# kill -9 of memlog: the CSV still parses; only the last line may be partial.
"$MEMLOG" run --headless -i 5ms -o "$T/k.csv" -- "$WORKLOAD" hold 10M 30 >/dev/null 2>&1 &
k=$!
cleanup_pids+=($k)
wait_until 10 bash -c "[ \$(grep -c . '$T/k.csv' 2>/dev/null || echo 0) -ge 450 ]"
job=$(sed -n 's/.* memlog started: .* (pid \([0-9]*\)), sampling .*/\1/p' "$T/k.log")
kill -9 $k
wait $k 2>/dev/null
[ -n "$job" ] && kill -KILL "$job" 2>/dev/null
check "after kill -9 of memlog the CSV parses, only the last line may be cut" "$PY" - "$T/k.csv" <<'PYEOF'
import csv, sys
lines = open(sys.argv[1], newline='').read().split('\n')
complete = lines[:-1]   # what follows the last newline may be cut short
rows = list(csv.reader(complete))
ok = len(rows) > 400 and all(len(r) == 16 for r in rows)
# every complete row parses as numbers where numbers belong
ok = ok and all(r[2].isdigit() and float(r[1]) >= 0 for r in rows[1:])
sys.exit(not ok)
PYEOF

# kill -9 of memlog while the command writes to stdout and stderr: the
# command runs on to its end as without memlog (before, it died of SIGPIPE
# at its next write to stderr), and the .log says the recording was cut.
cat >"$T/talker" <<'EOF'
#!/bin/sh
i=0
while [ $i -lt 40 ]; do
	i=$((i + 1))
	echo "out $i"
	echo "err $i" >&2
	echo $i >count.tmp && mv count.tmp count
	sleep 0.05
done
echo done >finished
EOF
chmod +x "$T/talker"
(cd "$T" && exec "$MEMLOG" run --headless -o g.csv -- ./talker >/dev/null 2>&1) &
g=$!
cleanup_pids+=($g)
wait_until 10 bash -c "[ \"\$(cat '$T/count' 2>/dev/null)\" -ge 5 ] 2>/dev/null"
kill -9 $g
wait $g 2>/dev/null
check "kill -9 of memlog: the command runs on through its writes to stderr, to its end" \
	wait_until 20 test -e "$T/finished"
check "kill -9 of memlog: the .log says the recording was cut and the command runs on" \
	eval "tail -1 '$T/g.log' | grep -q ' memlog the recorder ended without closing the recording (killed?); the command runs on unrecorded, its output discarded$'"
guards() {
	local p
	for p in $(pgrep -x memlog-guard); do [ "$(readlink "/proc/$p/cwd")" = "$T" ] && echo "$p"; done
}
check "kill -9 of memlog: the guard leaves once the command is gone" wait_until 10 eval '[ -z "$(guards)" ]'
# The job's memory cgroup (when it had one) goes with it: the guard removes it.
job_cgroups() { find /sys/fs/cgroup -maxdepth 6 -type d -name "memlog-job-$g" 2>/dev/null; }
check "kill -9 of memlog: the job's memory cgroup is removed once the command is gone" \
	wait_until 10 eval '[ -z "$(job_cgroups)" ]'
(cd "$T" && "$MEMLOG" run --headless -o n.csv -- true >/dev/null 2>&1)
check "a normal end leaves no guard behind and adds no note" \
	eval "wait_until 10 eval '[ -z \"\$(guards)\" ]' && ! grep -q 'recorder ended without' '$T/n.log'"

# SIGTERM in watch mode ends the recording cleanly with 128+15.
"$MEMLOG" watch --headless --system -i 20ms -o "$T/w.csv" >/dev/null 2>&1 &
w=$!
cleanup_pids+=($w)
wait_until 10 bash -c "[ \$(grep -c . '$T/w.csv' 2>/dev/null || echo 0) -ge 3 ]"
kill -TERM $w
wait $w
check "SIGTERM ends a watch with status 143" [ $? -eq 143 ]
check "the watch CSV ends with a complete row" bash -c "tail -c1 '$T/w.csv' | od -c | grep -q '\\\\n'"
