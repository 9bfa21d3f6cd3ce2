# memlog report and memlog plot on real recordings of real workloads.
. "$(dirname "$0")/lib.sh"

# A Python job that loads its data set fast, then grows slowly: the report
# must say to look first at the phase where its own log says it loads.
"$MEMLOG" run --headless -i 50ms -o "$T/py.csv" -- "$PY" "$ROOT/tests/workloads/loader.py" 1 >/dev/null 2>&1
"$MEMLOG" report "$T/py.csv" >"$T/py.txt" 2>"$T/py.err"
check "report exits 0 on a real recording" [ $? -eq 0 ]
check "report names the peak with units (of mem, every page once; rss without a job cgroup)" grep -qE '^peak +(mem|rss) [0-9.]+ MiB at ' "$T/py.txt"
check "the dominant phase is the loading, as the job's log says" "$PY" - "$T/py.txt" <<'PYEOF'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r'^Look first at phase (\d+)(?: "[^"]*")? \((\w+),', text, re.M)
row = m and re.search(r'^ +%s +.*$' % m.group(1), text, re.M)
sys.exit(not (m and m.group(2) == 'rise' and row and 'loading the data set' in row.group(0)))
PYEOF
check "a slow growth follows the rise" grep -qE '^ +[0-9]+ .* growth ' "$T/py.txt"
"$MEMLOG" report --csv "$T/py.csv" >"$T/py.csv.txt"
check "report --csv is CSV a script can read, one row a phase" "$PY" - "$T/py.csv.txt" <<'PYEOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
kinds = [r['kind'] for r in rows]
best = max(rows, key=lambda r: float(r['share_of_peak']))
sys.exit(not (rows and 'rise' in kinds and best['kind'] == 'rise' and float(best['share_of_peak']) > 0.5
              and all(r['phase'].isdigit() for r in rows)))
PYEOF

# The same job's own log given as an application log (Python logging times).
grep -E ' out [0-9]{4}-' "$T/py.log" | sed -E 's/^[^ ]+ out //' >"$T/app.log"
mv "$T/py.log" "$T/py.log.hidden"
"$MEMLOG" report --log "$T/app.log" "$T/py.csv" >"$T/app.txt"
check "an application log is lined up by its own timestamps" \
	bash -c "grep -E '^ +[0-9]+ .* rise .*loading the data set' '$T/app.txt' >/dev/null"
mv "$T/py.log.hidden" "$T/py.log"

# sort of a large generated file: it reads all its input into memory first.
seq 1 3000000 | sed 's/$/ some padding to make lines longer/' >"$T/big.txt"
"$MEMLOG" run --headless -i 20ms -o "$T/sort.csv" -- sh -c 'echo "sort: reading input"; sort -S 1G "$0" >/dev/null; echo "sort: done"' "$T/big.txt" >/dev/null 2>&1
"$MEMLOG" report "$T/sort.csv" >"$T/sort.txt"
check "sort: the phase to look at first is a rise after 'reading input'" "$PY" - "$T/sort.txt" <<'PYEOF'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r'^Look first at phase (\d+)(?: "[^"]*")? \((\w+),', text, re.M)
sys.exit(not (m and m.group(2) == 'rise'))
PYEOF

# Shares that add up: a job that takes 100 MiB, gives it all back, then
# takes 150 MiB (a pause between, so that samples see the trough). The
# first rise holds nothing of the peak; the shares add
# up to at most the whole peak, and look first names the second rise.
"$MEMLOG" run --headless -i 20ms -o "$T/twice.csv" -- sh -c \
	"echo first step; '$WORKLOAD' hold 100M 0.6; sleep 0.5; echo second step; '$WORKLOAD' hold 150M 0.6" >/dev/null 2>&1
"$MEMLOG" report --csv "$T/twice.csv" >"$T/twice.csv.txt"
"$MEMLOG" report "$T/twice.csv" >"$T/twice.txt"
check "shares add up: at most 100% together, the given-back rise none, the second rise most" "$PY" - "$T/twice.csv.txt" <<'PYEOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
rises = [r for r in rows if r['kind'] == 'rise']
total = sum(float(r['share_of_peak']) for r in rows)
print("# shares %s, total %.3f" % ([(r['kind'], r['share_of_peak']) for r in rows], total))
sys.exit(not (len(rises) >= 2 and total <= 1.0005 and float(rises[0]['share_of_peak']) < 0.05
              and float(rises[-1]['share_of_peak']) > 0.9))
PYEOF
check "the report says what a share is, and look first names the rise to the peak" "$PY" - "$T/twice.txt" <<'PYEOF'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r'^Look first at phase (\d+)(?: "[^"]*")? \((\w+),', text, re.M)
row = m and re.search(r'^ +%s +.*$' % m.group(1), text, re.M)
# The rise to the peak: it adds the 150 MiB (the first, given back, 100).
sys.exit(not ('of peak: what a phase acquired that is still held at the peak' in text and m
              and m.group(2) == 'rise' and row and re.search(r' \+1[45][0-9] MiB ', row.group(0))))
PYEOF

# Too short to segment: says so instead of inventing phases.
"$MEMLOG" watch --headless -d 20ms -i 10ms -o "$T/short.csv" >/dev/null 2>&1
head -3 "$T/short.csv" >"$T/short2.csv"
"$MEMLOG" report "$T/short2.csv" >"$T/short.txt"
check "a recording too short to segment says so" grep -q 'too short to segment' "$T/short.txt"

# Bad input: FILE:LINE and what was expected.
printf 'time,elapsed_s,rss\n2026-01-01T00:00:00.000Z,0.000000,100\n2026-01-01T00:00:01.000Z,1.000000,abc\n' >"$T/bad.csv"
"$MEMLOG" report "$T/bad.csv" >/dev/null 2>"$T/bad.err"
rc=$?
check "report of a bad CSV fails with FILE:LINE" bash -c "[ $rc -eq 1 ] && grep -q '$T/bad.csv:3: ' '$T/bad.err'"
"$MEMLOG" report --series bogus "$T/py.csv" >/dev/null 2>"$T/series.err"
check "--series bogus names what was expected" grep -q "expected mem, rss, pss, anon, file, shmem, swap, cgroup, cache, sys_used or sys_avail" "$T/series.err"

# plot: valid SVG, texts from the recording escaped.
kill_marker() { :; }
"$MEMLOG" run --headless -i 20ms -o "$T/m.csv" -- sh -c 'sleep 0.3; kill -USR1 $PPID; sleep 0.3' >/dev/null 2>&1
printf 'time,elapsed_s,marker\n2026-01-01T00:00:00.000Z,0.100000,"<script>&""x""</script>"\n' >"$T/m.markers.csv"
"$MEMLOG" plot "$T/py.csv" -o "$T/py.svg" 2>/dev/null
check "plot writes an SVG that xmllint accepts" xmllint --noout "$T/py.svg"
check "plot shades and numbers the phases" bash -c "grep -q '<title>phase 1: ' '$T/py.svg' && grep -q 'rise' '$T/py.svg'"
"$MEMLOG" plot "$T/m.csv" -o "$T/m.svg" 2>/dev/null
check "marker labels are escaped in the SVG" bash -c "xmllint --noout '$T/m.svg' && grep -q '&lt;script&gt;&amp;&quot;x&quot;' '$T/m.svg' && ! grep -q '<script>' '$T/m.svg'"
"$MEMLOG" plot "$T/py.csv" "$T/sort.csv" -o "$T/two.svg" 2>/dev/null
check "plot of two recordings overlays the second as a line" bash -c "xmllint --noout '$T/two.svg' && [ \$(grep -c '<path' '$T/two.svg') -eq 2 ]"

# A compile: memory climbs while the compiler works; the phase to look at
# first lies between the wrapper's "compiling" and "compiled" lines.
"$PY" -c "
with open('$T/big.c', 'w') as f:
    for i in range(700):
        f.write('int f%d(int x){int a[64];for(int i=0;i<64;i++)a[i]=x*i+%d;int s=0;for(int i=0;i<64;i++)s+=a[i]*a[(i*7)%%64];return s;}\n' % (i, i))
"
"$MEMLOG" run --headless -i 20ms -o "$T/cc.csv" -- sh -c 'sleep 0.3; echo "compiling big.c"; cc -O1 -c "$0" -o "$0.o"; echo "compiled"; sleep 0.3' "$T/big.c" >/dev/null 2>&1
"$MEMLOG" report --csv "$T/cc.csv" >"$T/cc.txt"
check "a compile: the phase to look at first is during the compilation" "$PY" - "$T/cc.txt" "$T/cc.log" "$T/cc.csv" <<'PYEOF'
import csv, sys, datetime
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
best = max(rows, key=lambda r: float(r['share_of_peak']))
stamps = {}
for line in open(sys.argv[2]):
    for word in ('compiling big.c', 'compiled'):
        if line.rstrip().endswith(' out ' + word):
            stamps[word] = datetime.datetime.strptime(line[:23], '%Y-%m-%dT%H:%M:%S.%f')
first = next(csv.DictReader(open(sys.argv[3], newline='')))
t0 = datetime.datetime.strptime(first['time'][:23], '%Y-%m-%dT%H:%M:%S.%f') - datetime.timedelta(seconds=float(first['elapsed_s']))
start = (stamps['compiling big.c'] - t0).total_seconds()
end = (stamps['compiled'] - t0).total_seconds()
mid = (float(best['start_s']) + float(best['end_s'])) / 2
sys.exit(not (start - 0.1 <= mid <= end + 0.1 and float(best['share_of_peak']) > 0.3))
PYEOF

# Hostile recordings: a time centuries back (it overflowed the span's
# arithmetic), a quote that never closes (it swallowed every later row), a
# last row cut short (the note the README promises).
printf 'time,rss,marker\n2026-11-24T10:00:00.000Z,100,\n1693-11-24T10:00:00.000Z,300,\n' >"$T/y.csv"
"$MEMLOG" report "$T/y.csv" >"$T/y.out" 2>"$T/y.err"
check "a time out of a recording's years is a FILE:LINE error, status 1" \
	eval "[ $? = 1 ] && grep -q \"y.csv:3: column time: '1693-11-24T10:00:00.000Z' is outside the years 1970 to 2199\" '$T/y.err'"
"$PY" - "$T/q.csv" <<'PYEOF'
import sys
rows = ["time,elapsed_s,rss,anon,file,shmem,swap,pss,procs,sys_used,sys_avail,cgroup,marker"]
for i in range(401):
    rows.append("2026-11-24T10:%02d:%02d.000Z,%d.000000,%d,0,0,0,0,,1,1,1,1,%s"
                % (i // 60, i % 60, i, 1000 + 1000 * i, '"oops' if i == 2 else ''))
open(sys.argv[1], "w").write("\n".join(rows) + "\n")
PYEOF
"$MEMLOG" report "$T/q.csv" >"$T/q.out" 2>"$T/q.err"
check "an unclosed quote is a FILE:LINE error naming what it took, status 1" \
	eval "[ $? = 1 ] && grep -q 'q.csv:4: a quoted field opened in this row is never closed: it runs to the end of the file, taking 399 lines' '$T/q.err'"
"$MEMLOG" report --lenient "$T/q.csv" >"$T/ql.out" 2>&1
check "with --lenient the lines it took are counted and said" grep -q '^skipped    399 bad rows (--lenient)$' "$T/ql.out"
sed 's/"oops//' "$T/q.csv" | head -c -20 >"$T/cut.csv"
"$MEMLOG" report "$T/cut.csv" >"$T/cut.out" 2>&1
check "a last row cut short: report says it was left out" \
	eval "grep -q '^note       the last row was cut short (the recorder was killed?) and left out$' '$T/cut.out' && grep -q ' 400 samples$' '$T/cut.out'"

# --log from a FIFO: read once (it cannot be read twice), its lines placed.
mkfifo "$T/app.fifo"
(printf '2026-11-24T10:00:05.000Z fifo says hello\n' >"$T/app.fifo") &
timeout 20 "$MEMLOG" report --log "$T/app.fifo" "$T/cut.csv" >"$T/fifo.out" 2>&1
check "report --log FIFO: its line is read and placed in a phase" grep -q '"fifo says hello"' "$T/fifo.out"

# The locale is set once, in main: under a UTF-8 locale a log line's "café"
# is printed as it is (not "caf<U+00E9>"); under LANG=C, ASCII only.
"$MEMLOG" run --headless -o "$T/loc.csv" -- sh -c "echo 'café au lait'; '$WORKLOAD' hold 30M 0.3" >/dev/null 2>&1
env -i PATH=/usr/bin:/bin LANG=C.UTF-8 "$MEMLOG" report "$T/loc.csv" >"$T/loc-utf8.txt" 2>&1
env -i PATH=/usr/bin:/bin LANG=C "$MEMLOG" report "$T/loc.csv" >"$T/loc-c.txt" 2>&1
check "report under LANG=C.UTF-8 prints a log line's UTF-8 as it is" \
	bash -c "grep -q 'café au lait' '$T/loc-utf8.txt' && ! grep -q '<U+00E9>' '$T/loc-utf8.txt'"
check "... and under LANG=C, ASCII only" "$PY" -c 'import sys; sys.exit(any(b >= 0x80 for b in open(sys.argv[1], "rb").read()))' "$T/loc-c.txt"

# Quotes: the log line's own timestamp left out (the table has the time),
# a long line cut at a word with "…"; on a terminal, its width is used.
long="cc -std=gnu11 -O2 -Wall -Wextra -Wstrict-prototypes -Isrc -c src/record/probe_target.c -o build/obj/record/probe_target.o"
# (a pause before the line, so that it falls inside the recording, as the
# first line of the rise after it)
"$MEMLOG" run --headless -i 20ms -o "$T/q.csv" -- \
	sh -c "sleep 0.3; echo '2026-12-02 01:00:00.123 INFO $long'; '$WORKLOAD' hold 40M 0.3" >/dev/null 2>&1
env -i PATH=/usr/bin:/bin LANG=C.UTF-8 "$MEMLOG" report "$T/q.csv" >"$T/q.txt" 2>&1
check "a quote leaves out the line's timestamp and is cut at a word with …, within 60 columns" "$PY" - "$T/q.txt" "$long" <<'PYEOF'
import re, sys
text, long = open(sys.argv[1], encoding="utf-8").read(), "INFO " + sys.argv[2]
m = re.search(r'"(INFO cc[^"]*)"', text)
q = m and m.group(1)
print("# %r" % q)
sys.exit(not (q and q.endswith("…") and len(q) <= 60 and "2026" not in q
              and long.startswith(q[:-1]) and long[len(q) - 1] == " "))
PYEOF
TMUX_Q=memlog-e2e-q-$$
tmux -L "$TMUX_Q" -f /dev/null new-session -d -s q -x 400 -y 30 \
	"env -i PATH=/usr/bin:/bin LANG=C.UTF-8 TERM=tmux-256color '$MEMLOG' report '$T/q.csv'; touch '$T/q.done'; sleep 30"
wait_until 10 test -e "$T/q.done"
tmux -L "$TMUX_Q" capture-pane -p -t q -J >"$T/q-pane.txt"
tmux -L "$TMUX_Q" kill-server 2>/dev/null
check "on a 400-column terminal the quote gets the room: the whole line" grep -qF "\"INFO $long\"" "$T/q-pane.txt"

# Every marker counts, in report and plot alike (report read 64, plot 256):
# 300 markers in the first 30 s, then one named "load" where the rise starts.
"$PY" - "$T/mk.csv" <<'PYEOF'
import sys
rows = ["time,elapsed_s,rss,anon,file,shmem,swap,pss,procs,sys_used,sys_avail,cgroup,marker"]
for i in range(700):
    t = i / 10
    rss = (100 << 20) if i < 500 else (100 << 20) + min(i - 500, 20) * (20 << 20)
    mark = "m%d" % i if 1 <= i <= 300 else "load" if i == 500 else ""
    rows.append("2026-11-24T10:%02d:%02d.%03dZ,%.6f,%d,0,0,0,0,,1,1,1,1,%s"
                % (int(t) // 60, int(t) % 60, int(round(t * 1000)) % 1000, t, rss, mark))
open(sys.argv[1], "w").write("\n".join(rows) + "\n")
PYEOF
"$MEMLOG" report "$T/mk.csv" >"$T/mk.txt" 2>&1
check "report reads the 301st marker: the rise is named by it" grep -q '^Look first at phase [0-9]* "load" (rise' "$T/mk.txt"
check "... and a phase with more markers than its row holds says how many more" grep -Eq '\[markers: m1, .* and [0-9]+ more\]' "$T/mk.txt"
"$MEMLOG" plot "$T/mk.csv" -o "$T/mk.svg" >/dev/null 2>"$T/mk.err"
check "plot draws all 301 markers and says so" \
	bash -c "grep -q '(.* phases, 301 markers)' '$T/mk.err' && grep -q '>load</text>' '$T/mk.svg'"

# A --log in the wrong zone (an hour off: written in Paris, read as the
# machine's time) is said, with the --log-tz that places it; following the
# hint places its lines.
"$MEMLOG" watch --system --headless -i 100ms -d 2s -o "$T/z.csv" >/dev/null 2>&1
"$PY" - "$T/z.csv" "$T/app_paris.log" <<'PYEOF'
import csv, datetime, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
t0 = datetime.datetime.strptime(rows[0]["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
paris = datetime.timezone(datetime.timedelta(hours=1))
with open(sys.argv[2], "w") as f:
    for i in range(10):
        f.write((t0 + datetime.timedelta(milliseconds=150 * i + 50)).astimezone(paris).strftime("%Y-%m-%d %H:%M:%S") + " INFO step %d\n" % i)
PYEOF
env -i PATH=/usr/bin:/bin TZ=UTC "$MEMLOG" report "$T/z.csv" --log "$T/app_paris.log" >"$T/z.txt" 2>&1
check "report says a --log mostly outside the recording: how many lines, where, and the --log-tz" \
	grep -Eq '^logs       app_paris.log: 10 of 10 lines fall outside the recording; they start [0-9m.s]+ after it: a log in another zone\? --log-tz \+01:00 reads it so$' "$T/z.txt"
env -i PATH=/usr/bin:/bin TZ=UTC "$MEMLOG" report "$T/z.csv" --log "$T/app_paris.log" --log-tz +01:00 >"$T/z2.txt" 2>&1
check "... and with that --log-tz its lines are placed, nothing said" bash -c "grep -q 'INFO step' '$T/z2.txt' && ! grep -q '^logs ' '$T/z2.txt'"
# replay says it too, in its status line as it opens.
TMUX_Z=memlog-e2e-z-$$
tmux -L "$TMUX_Z" -f /dev/null new-session -d -s z -x 200 -y 30 \
	"env -i PATH=/usr/bin:/bin TZ=UTC LANG=C.UTF-8 TERM=tmux-256color '$MEMLOG' replay '$T/z.csv' --log '$T/app_paris.log'; sleep 30"
check "replay's status line says the --log falls outside, with the --log-tz" \
	wait_until 10 bash -c "tmux -L '$TMUX_Z' capture-pane -p -t z | grep -q 'app_paris.log: 10 of 10 lines fall outside the recording; .* --log-tz +01:00 reads it so'"
tmux -L "$TMUX_Z" send-keys -t z q
tmux -L "$TMUX_Z" kill-server 2>/dev/null
