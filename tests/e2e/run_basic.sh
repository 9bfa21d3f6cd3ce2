# memlog run: memory of a real child, exit statuses, output passthrough.
. "$(dirname "$0")/lib.sh"

# A child that allocates 200 MiB: the recorded peak rss must show it within 5%.
"$MEMLOG" run --headless -i 20ms -o "$T/hold.csv" -- "$WORKLOAD" hold 200M 1 >"$T/hold.out" 2>"$T/hold.err"
rc=$?
check "run exits with the command's status 0" [ $rc -eq 0 ]
peak=$(csv_query "$T/hold.csv" 'max(num(r,"rss") for r in rows)')
want=$((200 * 1024 * 1024))
check "peak rss within 5% of the 200 MiB the child touched (got $peak)" \
	"$PY" -c "import sys; sys.exit(not (abs($peak - $want) <= 0.05 * $want))"
check "csv header is the schema, time first" \
	[ "$(head -1 "$T/hold.csv")" = "time,elapsed_s,rss,anon,file,shmem,swap,pss,procs,sys_used,sys_avail,cgroup,mem,cache,limit,marker" ]
check "time is ISO 8601 UTC with milliseconds" \
	grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z,[0-9]+\.[0-9]{6},' "$T/hold.csv"
check "pss is empty without --pss, procs counted, machine measured" \
	py_true "$T/hold.csv" 'all(r["pss"] == "" and num(r,"sys_avail") > 0 for r in rows) and max(num(r,"procs") for r in rows) == 1'
check "the last row shows the drop at exit" py_true "$T/hold.csv" 'num(rows[-1],"rss") == 0 and num(rows[-1],"procs") == 0'
check "child stdout passed through" grep -q '^allocated 209715200 bytes' "$T/hold.out"
check "child stdout stamped into the .log" \
	grep -qE '^[0-9-]{10}T[0-9:.]{12}Z out allocated 209715200 bytes$' "$T/hold.log"
check "the .log notes the start and the exit" \
	bash -c "grep -q ' memlog started: ' '$T/hold.log' && grep -q ' memlog command exited with status 0' '$T/hold.log'"

# Exit statuses as a shell gives them.
"$MEMLOG" run --headless -o "$T/exit.csv" -- "$WORKLOAD" exit 3 >/dev/null 2>&1
check "run exits with the command's status 3" [ $? -eq 3 ]
"$MEMLOG" run --headless -o "$T/sig.csv" -- "$WORKLOAD" signal 9 >/dev/null 2>&1
check "a command killed by signal 9 gives 137" [ $? -eq 137 ]
check "the .log says it was killed by signal 9" grep -q 'command killed by signal 9' "$T/sig.log"
check "the CSV of a killed command is complete" py_true "$T/sig.csv" 'len(rows) >= 2 and all(len(r) == 16 and None not in r for r in rows)'

# stderr stays stderr.
"$MEMLOG" run --headless -o "$T/err.csv" -- sh -c 'echo to-out; echo to-err >&2' >"$T/err.out" 2>"$T/err.err"
check "child stderr goes to memlog's stderr" bash -c "grep -q to-err '$T/err.err' && ! grep -q to-err '$T/err.out'"
check "child stderr is stamped as err in the .log" grep -qE 'Z err to-err$' "$T/err.log"

# A Python program printing a line every 0.2 s is stamped as it prints, not
# at exit: a pseudo-terminal keeps it line-buffered.
"$MEMLOG" run --headless -o "$T/py.csv" -- "$PY" -c 'import time
for i in range(4):
    print("tick", i); time.sleep(0.2)' >/dev/null 2>&1
check "line-buffered output lines are stamped apart in time" "$PY" - "$T/py.log" <<'PYEOF'
import sys, datetime
ts = []
for line in open(sys.argv[1]):
    if ' out tick ' in line:
        ts.append(datetime.datetime.strptime(line[:23], '%Y-%m-%dT%H:%M:%S.%f'))
gaps = [(b - a).total_seconds() for a, b in zip(ts, ts[1:])]
sys.exit(not (len(ts) == 4 and all(g > 0.1 for g in gaps)))
PYEOF

# The default output name.
(cd "$T" && "$MEMLOG" run --headless -- true >/dev/null 2>&1)
check "default output is memlog-YYYYmmdd-HHMMSS.csv with its .log" \
	bash -c "ls '$T' | grep -qE '^memlog-[0-9]{8}-[0-9]{6}\.csv$' && ls '$T' | grep -qE '^memlog-[0-9]{8}-[0-9]{6}\.log$'"

# Lines are stamped when printed: Python prints its own time with each line;
# the .log's stamp must follow it closely (--pty keeps it line-buffered;
# through a pipe, the default when memlog's stdout is no terminal as here,
# the lines would all arrive at exit). The bound here is loose
# on purpose; bench/ measures the real latency.
"$MEMLOG" run --headless --pty -o "$T/lat.csv" -- "$PY" -c 'import time
for i in range(5):
    print("printed-at %.3f" % time.time()); time.sleep(0.3)' >/dev/null 2>&1
check "each line is stamped within 250 ms of when Python printed it" "$PY" - "$T/lat.log" <<'PYEOF'
import sys, datetime
lags = []
for line in open(sys.argv[1]):
    if ' out printed-at ' in line:
        stamp = datetime.datetime.strptime(line[:23], '%Y-%m-%dT%H:%M:%S.%f').replace(tzinfo=datetime.timezone.utc).timestamp()
        lags.append(stamp - float(line.split()[-1]))
sys.exit(not (len(lags) == 5 and all(-0.01 <= l < 0.25 for l in lags)))
PYEOF

# The command sees what it would see without memlog: with memlog's stdout
# redirected, its stdout is a pipe, and its bytes reach the file unchanged.
seq 1 200000 >"$T/part.csv"
"$MEMLOG" run --headless -o "$T/xz.csv" -- xz -9 -c "$T/part.csv" >"$T/part.xz" 2>"$T/xz.err"
rc=$?
check "run -- xz -c > FILE works (xz refuses to write to a terminal): exit 0, the archive whole" \
	bash -c "[ $rc = 0 ] && xz -dc '$T/part.xz' | cmp -s - '$T/part.csv'"
check "... and the .log says the command's stdout is a pipe" grep -q "memlog the command's stdout is a pipe (--pty: a pseudo-terminal)$" "$T/xz.log"
"$MEMLOG" run --headless -o "$T/tty0.csv" -- sh -c '[ -t 1 ] && echo stdout-is-a-tty || echo stdout-is-no-tty' >"$T/tty0.out" 2>/dev/null
"$MEMLOG" run --headless --pty -o "$T/tty1.csv" -- sh -c '[ -t 1 ] && echo stdout-is-a-tty || echo stdout-is-no-tty' >"$T/tty1.out" 2>/dev/null
check "isatty(1) is false for the command when memlog's stdout is not a terminal, true with --pty" \
	bash -c "grep -qx stdout-is-no-tty '$T/tty0.out' && grep -qx stdout-is-a-tty '$T/tty1.out' && grep -q ' out stdout-is-a-tty$' '$T/tty1.log'"
"$MEMLOG" run --headless --pty -o "$T/tty2.csv" -- sh -c '[ -t 1 ] && echo stdout-is-a-tty || echo stdout-is-no-tty' >/dev/null 2>&1
"$MEMLOG" run --headless --no-pty -o "$T/tty3.csv" -- sh -c '[ -t 1 ] && echo stdout-is-a-tty || echo stdout-is-no-tty' >/dev/null 2>&1
check "--no-pty gives a pipe whatever memlog's stdout" bash -c "grep -q ' out stdout-is-no-tty$' '$T/tty3.log' && grep -q ' out stdout-is-a-tty$' '$T/tty2.log'"
# Binary output passes through unchanged and is counted in the .log, not copied.
"$PY" -c 'import random, sys; random.seed(13); sys.stdout.buffer.write(random.randbytes(2000000))' >"$T/rnd.bin"
"$MEMLOG" run --headless -o "$T/bin.csv" -- sh -c "echo before the data; cat '$T/rnd.bin'; echo; echo after the data" >"$T/copy.bin" 2>/dev/null
check "binary output reaches memlog's stdout byte for byte" bash -c "{ echo before the data; cat '$T/rnd.bin'; echo; echo after the data; } | cmp -s - '$T/copy.bin'"
check "... and the .log counts it between the text lines, copying none of it" "$PY" - "$T/bin.log" <<'PYEOF'
import re, sys
data = open(sys.argv[1], "rb").read()
outs = [l for l in data.split(b"\n") if b" out " in l]
note = re.compile(rb" out \(about ([0-9.]+) (KiB|MiB) of binary output, passed on but not logged\)$")
counted = sum(float(m.group(1)) * (1 if m.group(2) == b"MiB" else 1 / 1024) for m in map(note.search, outs) if m)
# What is not counted is text (random bytes hold a few runs that are: valid
# UTF-8, no control byte); nothing else of the 2 MB reaches the .log.
text = [l.split(b" out ", 1)[1] for l in outs if not note.search(l)]
def clean(t):
    try:
        return not any(c < " " and c != "\t" for c in t.decode("utf-8"))
    except UnicodeDecodeError:
        return False
ok = (outs[0].endswith(b" out before the data") and outs[-1].endswith(b" out after the data")
      and 1.85 < counted < 1.95 and all(clean(t) for t in text) and len(data) < 16384)
print("# %d bytes, %.2f MiB counted, %d text lines" % (len(data), counted, len(text)))
if not ok:
    print("# first %r, last %r" % (outs[0][-40:], outs[-1][-40:]))
    for t in text:
        print("# text %s %r" % ("clean" if clean(t) else "NOT CLEAN", t[:80]))
sys.exit(not ok)
PYEOF

# --mark-on: lines of the command's output and of a -l file that match
# become markers, labelled by the first group, else by the line.
: >"$T/app.log"
"$MEMLOG" run --headless -i 20ms -o "$T/mo.csv" -l "$T/app.log" --mark-on 'epoch (\d+) begins' --mark-on '^stage (\w+)' -- \
	sh -c "for i in 1 2 3; do echo \"epoch \$i begins\"; sleep 0.15; done; echo 'stage save' >>'$T/app.log'; sleep 0.3; echo 'epoch x begins'" \
	>/dev/null 2>&1
check "--mark-on: the matching lines are markers, by their group, in order (the command's and the -l file's)" \
	py_true "$T/mo.csv" '[r["marker"] for r in rows if r["marker"]] == ["1", "2", "3", "save"]'
check "... each taken after its line came (the .log's stamps)" "$PY" - "$T/mo.csv" "$T/mo.log" <<'PYEOF'
import csv, re, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], newline="")) if r["marker"]]
stamp = {}
for line in open(sys.argv[2]):
    m = re.match(r"(\S+) (out|file:app\.log) (?:epoch (\d+) begins|stage (\w+))$", line.rstrip("\n"))
    if m:
        stamp[m.group(3) or m.group(4)] = m.group(1)
ok = len(rows) == 4 and all(r["marker"] in stamp and r["time"] >= stamp[r["marker"]] for r in rows)
print("# %s" % [(r["marker"], r["time"][11:], stamp.get(r["marker"], "")[11:]) for r in rows])
sys.exit(not ok)
PYEOF
check "... and the .log says where each came from" bash -c "[ \$(grep -c ' memlog marker .* (--mark-on)$' '$T/mo.log') = 4 ]"
"$MEMLOG" run --headless --mark-on 'x(' -o "$T/bad.csv" -- true >/dev/null 2>"$T/mo.err"
check "a bad --mark-on is named, with why, and nothing runs (exit 2)" \
	bash -c "[ $? = 2 ] && grep -q \"^memlog: --mark-on: 'x(' is not a regular expression (\" '$T/mo.err' && [ ! -e '$T/bad.csv' ]"
