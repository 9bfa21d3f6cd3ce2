#!/usr/bin/env bash
# marks.sh: markers from anywhere into a running recording, headless: the
# job marking itself through $MEMLOG_MARK (Python, a child of it, a line
# without its newline), `memlog mark` from another shell (by CSV, by pid,
# the only one), the list of running recordings, an ended recording (an
# error), one left by a killed memlog (stale, removed; the job is not
# stopped by the FIFO nobody reads), a state file and a socket of another
# user (refused), labels with escapes, newlines, commas and quotes, and a
# client that floods without reading its answers (cut off; the recording
# goes on).
. "$(dirname "$0")/lib.sh"
export MEMLOG_RUN_DIR=$T/run

# A job that waits for the test: "go FILE" lines it reads from a FIFO.
# job_wait NAME: blocks until $T/NAME exists.
cat >"$T/waiter.sh" <<'EOF'
#!/bin/sh
# waits for each file named on the command line, in turn, then exits
for f in "$@"; do while [ ! -e "$f" ]; do sleep 0.01; done; done
EOF
chmod +x "$T/waiter.sh"

# 1. A Python job marks itself three times, a child of it once, and once
# without a newline; each send time is printed before the write.
cat >"$T/selfmark.py" <<'EOF'
import os, subprocess, sys, time
path = os.environ["MEMLOG_MARK"]
for i in (1, 2, 3):
    print("sent epoch %d at %.6f" % (i, time.time()), flush=True)
    open(path, "w").write("epoch %d\n" % i)
    time.sleep(0.05)
subprocess.run(["sh", "-c", 'echo "from the child" > "$MEMLOG_MARK"'], check=True)
with open(path, "w") as f:
    f.write("no newline")
print("done", flush=True)
EOF
"$MEMLOG" run --headless -i 20ms -o "$T/self.csv" -- "$PY" "$T/selfmark.py" >"$T/self.out" 2>"$T/self.err"
check "a job that marks itself runs to its end (exit 0)" test $? = 0
check "its three markers, its child's and the one without a newline are in the CSV, in order" \
	py_true "$T/self.csv" "[r['marker'] for r in rows if r['marker']] == ['epoch 1', 'epoch 2', 'epoch 3', 'from the child', 'no newline']"
sent_after=$("$PY" - "$T/self.csv" "$T/self.out" <<'EOF'
import csv, datetime, re, sys
rows = {r['marker']: r for r in csv.DictReader(open(sys.argv[1])) if r['marker']}
ok = True
for m in re.finditer(r'sent (epoch \d) at ([\d.]+)', open(sys.argv[2]).read()):
    t = datetime.datetime.strptime(rows[m.group(1)]['time'], '%Y-%m-%dT%H:%M:%S.%fZ').replace(tzinfo=datetime.timezone.utc).timestamp()
    ok = ok and t >= float(m.group(2)) - 0.001  # the row's time has milliseconds
print(ok)
EOF
)
check "each marker is a sample taken after it was sent" test "$sent_after" = True
check "the .log names where each came from" bash -c "[ \$(grep -c ' memlog marker .* (\\\$MEMLOG_MARK)\$' '$T/self.log') = 5 ]"
check "the run directory is left empty" bash -c "[ -z \"\$(ls -A '$MEMLOG_RUN_DIR')\" ]"
check "no state file is left beside the CSV" test ! -e "$T/self.live"

# 2. memlog mark from another shell, while a job waits.
"$MEMLOG" run --headless -i 50ms -o "$T/one.csv" -- "$T/waiter.sh" "$T/one.go" >/dev/null 2>"$T/one.err" &
one=$!
cleanup_pids+=("$one")
wait_until 10 test -e "$T/one.live"
check "a running recording has its state file beside the CSV, mode 0600" \
	bash -c "[ \"\$(stat -c %a '$T/one.live')\" = 600 ]"
check "... and its socket in the run directory (mode 0700), mode 0600" \
	bash -c "[ \"\$(stat -c %a '$MEMLOG_RUN_DIR')\" = 700 ] && [ \"\$(stat -c %a '$MEMLOG_RUN_DIR'/*.sock)\" = 600 ]"
"$MEMLOG" mark -l "by its CSV" "$T/one.csv" 2>"$T/m1.err"
check "memlog mark REC.csv: exit 0" test $? = 0
check "... it says what it marked" grep -q 'memlog: marker by its CSV in ' "$T/m1.err"
"$MEMLOG" mark -q -l "by pid" "$one"
check "memlog mark PID (memlog's pid): exit 0" test $? = 0
"$MEMLOG" mark -q
check "memlog mark with neither: the only recording running" test $? = 0
"$MEMLOG" mark -q -l $'two\nlines' "$T/one.csv"
"$MEMLOG" mark -q -l $'esc \e[31mred\e[0m, "quoted" \u202edesrever' "$T/one.csv" 2>"$T/m2.err"
long=$(printf 'x%.0s' $(seq 200))
"$MEMLOG" mark -q -l "$long" "$T/one.csv"
"$MEMLOG" mark -l $'\e]0;title\a' "$T/one.csv" 2>"$T/m3.err"
check "what memlog mark prints of a label holds no control byte" \
	"$PY" -c 'import sys; d = open(sys.argv[1], "rb").read(); sys.exit(any(b < 32 and b != 10 for b in d))' "$T/m3.err"
touch "$T/one.go"
wait "$one"
check "the job ends, and memlog with it (exit 0)" test $? = 0
check "the markers are in the CSV, in order; an unlabelled one numbered" \
	py_true "$T/one.csv" "[r['marker'] for r in rows if r['marker']][:4] == ['by its CSV', 'by pid', 'M1', 'two']"
check "a label with escapes, a comma and quotes goes through the CSV whole" \
	py_true "$T/one.csv" "'esc \x1b[31mred\x1b[0m, \"quoted\" \u202edesrever' in [r['marker'] for r in rows]"
check "a label is cut at 120 bytes" py_true "$T/one.csv" "'x' * 120 in [r['marker'] for r in rows]"
check "the state file and the socket are gone at the end" \
	bash -c "[ ! -e '$T/one.live' ] && [ -z \"\$(ls -A '$MEMLOG_RUN_DIR')\" ]"
"$MEMLOG" report "$T/one.csv" >"$T/one.report" 2>&1
check "report shows the labels without their control bytes" \
	"$PY" -c 'import sys; d = open(sys.argv[1], "rb").read(); sys.exit(b"\x1b" in d or "\u202e".encode() in d)' "$T/one.report"

# 3. An ended recording, and one that is not one.
"$MEMLOG" mark -l late "$T/one.csv" 2>"$T/ended.err"
check "memlog mark to an ended recording: exit 1" test $? = 1
check "... saying it has ended" grep -q 'one.csv: not a running recording (no .*one.live beside it: it has ended)' "$T/ended.err"
"$MEMLOG" mark "$T/nothing.csv" 2>"$T/none.err"
check "memlog mark to a file that is not there: exit 1, named" grep -q 'nothing.csv: No such file' "$T/none.err"
"$MEMLOG" mark 2>"$T/none2.err"
rc=$?
check "memlog mark with nothing running: exit 1, said" bash -c "[ $rc = 1 ] && grep -q 'no recording of yours is running' '$T/none2.err'"
"$MEMLOG" mark -l x a.csv b.csv 2>/dev/null
check "two recordings named: a usage error (exit 2)" test $? = 2

# 4. Two running: the list, and memlog mark without a name asks for one.
"$MEMLOG" run --headless -o "$T/a.csv" -- "$T/waiter.sh" "$T/ab.go" >/dev/null 2>&1 &
pa=$!
"$MEMLOG" watch --headless -o "$T/b.csv" --pid $$ >/dev/null 2>&1 &
pb=$!
cleanup_pids+=("$pa" "$pb")
wait_until 10 test -e "$T/a.live" -a -e "$T/b.live"
"$MEMLOG" attach --list >"$T/list.out" 2>&1
check "attach --list lists both, with memlog's pid, the CSV and what is recorded" \
	bash -c "grep -q \"^$pa .*$T/a.csv (run: $T/waiter.sh $T/ab.go)\" '$T/list.out' && grep -q \"^$pb .*$T/b.csv (pid $$ + children)\" '$T/list.out'"
"$MEMLOG" mark </dev/null 2>"$T/two.err"
rc=$?
check "memlog mark with two running and no terminal: exit 2, both listed" \
	bash -c "[ $rc = 2 ] && grep -q '2 recordings of yours are running' '$T/two.err' && grep -q '$T/b.csv' '$T/two.err'"
kill -TERM "$pb"
wait "$pb"

# 5. A memlog killed: the job marking itself afterwards is not stopped by
# a FIFO nobody reads; the state left is stale, found and removed.
kill -KILL "$pa"
wait "$pa" 2>/dev/null
check "a killed memlog leaves its state file (no chance to clean up)" test -e "$T/a.live"
fifo=$(sed -n 's/^mark //p' "$T/a.live")
if [ -p "$fifo" ]; then
	timeout 5 sh -c "echo after > '$fifo'"
	check "a job's marker after memlog was killed does not block (the guard reads the FIFO)" test $? = 0
else
	check "the killed memlog's FIFO is there for its job" false
fi
"$MEMLOG" mark "$T/a.csv" 2>"$T/stale.err"
rc=$?
check "memlog mark to it: exit 1, 'not running any more', the stale state removed" \
	bash -c "[ $rc = 1 ] && grep -q 'not running any more' '$T/stale.err' && [ ! -e '$T/a.live' ]"
check "... and what it left in the run directory" bash -c "[ -z \"\$(ls -A '$MEMLOG_RUN_DIR')\" ]"
touch "$T/ab.go"

# 6. Another user's: a state file beside a CSV, and a recording of theirs.
: >"$T/theirs.csv"
printf 'pid 1\ncsv %s\nsocket /nonexistent\n' "$T/theirs.csv" >"$T/theirs.live"
chown 65534:65534 "$T/theirs.live"
"$MEMLOG" mark "$T/theirs.csv" 2>"$T/theirs.err"
rc=$?
check "a state file of another user's is refused: exit 1, named" \
	bash -c "[ $rc = 1 ] && grep -q 'theirs.live belongs to user 65534, not to you' '$T/theirs.err'"
mkdir -p "$T/nobody"
chown 65534:65534 "$T/nobody"
chmod 711 "$T" # for user 65534 to reach its directory
# Its own copies: the tree's may be where user 65534 cannot go (a clone in a private directory).
cp "$MEMLOG" "$T/waiter.sh" "$T/nobody/"
setpriv --reuid=65534 --regid=65534 --clear-groups env MEMLOG_RUN_DIR="$T/nobody/run" \
	"$T/nobody/memlog" run --headless -o "$T/nobody/n.csv" -- "$T/nobody/waiter.sh" "$T/nobody.go" \
	>/dev/null 2>"$T/nobody.err" &
pn=$!
cleanup_pids+=("$pn")
wait_until 10 test -e "$T/nobody/n.live" || note "memlog as user 65534 did not start: $(cat "$T/nobody.err")"
"$MEMLOG" mark "$T/nobody/n.csv" 2>"$T/nob.err"
rc=$?
check "memlog mark to another user's recording: refused (exit 1)" \
	bash -c "[ $rc = 1 ] && grep -q 'belongs to user 65534, not to you' '$T/nob.err'"
sock=$(ls "$T"/nobody/run/*.sock 2>/dev/null | head -1)
"$PY" - "$sock" >"$T/peer.out" 2>&1 <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])   # root may reach the file: the recorder checks who it is
s.sendall(b"mark sneaked\n")
s.settimeout(5)
print(s.recv(4096).decode(errors="replace"))
EOF
check "... and its socket answers another user (root, past the file's mode) with a refusal" \
	grep -q '^error this recording is user 65534' "$T/peer.out"
touch "$T/nobody.go"
wait "$pn"
check "... and took no marker from it" py_true "$T/nobody/n.csv" "all(r['marker'] == '' for r in rows)"

# 7. A client that floods requests and never reads its answers is cut off;
# the recording goes on.
"$MEMLOG" run --headless -i 20ms -o "$T/flood.csv" -- "$T/waiter.sh" "$T/flood.go" >/dev/null 2>&1 &
pf=$!
cleanup_pids+=("$pf")
wait_until 10 test -e "$T/flood.live"
sock=$(sed -n 's/^socket //p' "$T/flood.live")
"$PY" - "$sock" >"$T/flood.out" 2>&1 <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(10)
sent = 0
try:
    while sent < 200000:
        s.sendall(b"info\n" * 100)
        sent += 100
    print("not cut off")
except (BrokenPipeError, ConnectionResetError, socket.timeout) as e:
    print("cut off after", sent, type(e).__name__)
EOF
check "a client that never reads its answers is cut off" grep -q '^cut off after' "$T/flood.out"
before=$(csv_rows "$T/flood.csv")
more_rows() { [ "$(csv_rows "$T/flood.csv")" -gt $((before + 5)) ]; }
wait_until 10 more_rows
check "... and the recording goes on (rows keep coming)" test $? = 0
"$MEMLOG" mark -q -l after-flood "$T/flood.csv"
check "... and takes markers from others" test $? = 0
touch "$T/flood.go"
wait "$pf"
check "the flooded recording ends normally (exit 0)" test $? = 0

"$MEMLOG" mark --help | grep -q 'usage: memlog mark'
check "memlog mark --help" test $? = 0
"$MEMLOG" mark --bogus 2>/dev/null
check "memlog mark --bogus: exit 2" test $? = 2
