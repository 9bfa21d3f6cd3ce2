#!/usr/bin/env bash
# procs.sh: the per-process recording, REC.procs.csv, on real workloads: a
# pool whose workers each hold a different amount (each worker's own figure
# within 5% of it), a child of 0.2 s sampled at 10 ms, a tree of 1,000
# processes (every one started and exited, the file bounded), watch --pid,
# and report naming who holds the peak.
. "$(dirname "$0")/lib.sh"

# procs_query FILE EXPR: as csv_query, for REC.procs.csv, with by_pid (the
# rows of each pid, in order) and the workers' sizes from the .log.
procs_query() {
	"$PY" - "$1" "$2" <<'PYEOF'
import csv, re, sys
with open(sys.argv[1], newline='') as f:
    rows = list(csv.DictReader(f))
by_pid = {}
for r in rows:
    by_pid.setdefault(r["pid"], []).append(r)
def num(r, c):
    return int(r[c]) if r[c] != '' else None
def peak(pid, c):
    return max((num(r, c) for r in by_pid.get(pid, []) if r[c] != ''), default=0)
log = sys.argv[1].replace(".procs.csv", ".log")
sizes = {}
try:
    for line in open(log, errors="replace"):
        m = re.search(r"worker \d+ pid (\d+) holds (\d+)", line)
        if m:
            sizes[m.group(1)] = int(m.group(2))
except OSError:
    pass
ok = eval(sys.argv[2], {"rows": rows, "by_pid": by_pid, "num": num, "peak": peak, "sizes": sizes,
                        "len": len, "all": all, "any": any, "max": max, "abs": abs})
print(ok)
PYEOF
}
procs_true() { [ "$(procs_query "$1" "$2")" = True ]; }
# Each worker's own memory (anon, and pss where read) within 5% of what it holds.
within5='len(sizes) == 3 and all(abs(peak(p, c) - s) <= 0.05 * s for p, s in sizes.items() for c in ("anon", "pss"))'

# A pool of three workers of 20, 50 and 80 MiB.
"$MEMLOG" run --headless -i 50ms -o "$T/pool.csv" -- "$WORKLOAD" pool 20M,50M,80M 1.5 >/dev/null 2>"$T/pool.err"
check "run: the summary names REC.procs.csv" grep -q "pool.procs.csv" "$T/pool.err"
check "REC.procs.csv has the documented header" \
	bash -c "head -1 '$T/pool.procs.csv' | grep -qx 'time,elapsed_s,pid,ppid,name,cmd,rss,anon,file,shmem,swap,pss,event'"
check "pool: each worker's anon and pss within 5% of what it holds" procs_true "$T/pool.procs.csv" "$within5"
check "pool: every process has a start row first and an exit row last" procs_true "$T/pool.procs.csv" \
	'len(by_pid) == 4 and all(r[0]["event"] == "start" and r[-1]["event"] == "exit" for r in by_pid.values())'
check "pool: an exit row's figures are empty, never 0" procs_true "$T/pool.procs.csv" \
	'all(r["rss"] == "" and r["pss"] == "" for r in rows if r["event"] == "exit")'
check "pool: the workers' parent is the command" procs_true "$T/pool.procs.csv" \
	'all(by_pid[p][0]["ppid"] == min(by_pid) for p in sizes)'
check "report: the peak is held by the pool, grouped (4 x its command)" \
	bash -c "LANG=C '$MEMLOG' report '$T/pool.csv' | grep -Eq '^held by    4 x .*workload pool 20M,50M,80M'"

check "report: the rise names who grew in it, in the text and in --csv's grew column" \
	bash -c "LANG=C '$MEMLOG' report '$T/pool.csv' | grep -Eq '^     grew: 4 x .*workload pool 20M,50M,80M 1.5 \+' &&
	         '$MEMLOG' report --csv '$T/pool.csv' | head -1 | grep -q ',markers,grew,name,anon_bytes,file_bytes,shmem_bytes,swap_bytes$' &&
	         [ \$('$MEMLOG' report --csv '$T/pool.csv' | grep -c 'workload pool 20M,50M,80M 1.5 +') -ge 1 ]"

# A child that lives 0.2 s, sampled every 10 ms.
"$MEMLOG" run --headless -i 10ms -o "$T/short.csv" -- sh -c "sleep 0.1; '$WORKLOAD' hold 40M 0.2; sleep 0.1" \
	>/dev/null 2>&1
check "a 0.2 s child holding 40 MiB has its rows: start, 40 MiB, exit" procs_true "$T/short.procs.csv" \
	'any(r[-2]["name"] == "workload" and peak(p, "rss") >= 40 << 20 and r[0]["event"] == "start" and
	     r[-1]["event"] == "exit" for p, r in by_pid.items())'

# A tree of 1,000 processes at 100 ms, under the usual limit of 1,024 open
# files (memlog keeps four a process: it raises its own limit to the hard one).
bash -c "ulimit -Sn 1024 && exec '$MEMLOG' run --headless -i 100ms -o '$T/wide.csv' -- '$WORKLOAD' spawn 1000 2" \
	>/dev/null 2>&1
check "1,000 processes: the tree total counts 1,001" py_true "$T/wide.csv" 'max(num(r, "procs") for r in rows) == 1001'
check "1,000 processes: each has a start and an exit row" procs_true "$T/wide.procs.csv" \
	'len(by_pid) == 1001 and all(r[0]["event"] == "start" and r[-1]["event"] == "exit" for r in by_pid.values())'
check "1,000 processes: bounded, at most 5 rows a process over their 2 s" procs_true "$T/wide.procs.csv" \
	'len(rows) <= 5 * 1001'

# The command gets the limit memlog was started with, not memlog's raised one.
bash -c "ulimit -Sn 512 && exec '$MEMLOG' run --headless -o '$T/lim.csv' -- sh -c 'ulimit -n'" >/dev/null 2>&1
check "the command keeps the limit of open files memlog was started with (512)" grep -q ' out 512$' "$T/lim.log"

# watch --pid: the same per-process recording of a tree memlog did not start.
"$WORKLOAD" pool 20M,50M,80M 3 >"$T/wp.out" &
wp=$!
cleanup_pids+=("$wp")
wait_until 20 bash -c "[ \$(grep -c holds '$T/wp.out') = 3 ]" || note "the watched pool did not get ready"
"$MEMLOG" watch --pid "$wp" -i 50ms -d 1.5s -o "$T/watch.csv" >/dev/null 2>&1
cp "$T/wp.out" "$T/watch.log.sizes"
check "watch --pid: REC.procs.csv has the root and its three workers" procs_true "$T/watch.procs.csv" \
	'len(by_pid) == 4 and sum(1 for r in by_pid.values() if r[0]["event"] == "start") == 4'
sed -i 's/^/x out /' "$T/watch.log.sizes"
cat "$T/watch.log.sizes" >>"$T/watch.log"
check "watch --pid: each worker's anon and pss within 5% of what it holds" procs_true "$T/watch.procs.csv" "$within5"
wait "$wp"

# Bad input: a broken REC.procs.csv does not stop the report.
cp "$T/pool.csv" "$T/broken.csv"
printf 'time,elapsed_s,pid,rss\n2026-12-01T00:00:00.000Z,0.1,x,5\n' >"$T/broken.procs.csv"
check "report: a broken REC.procs.csv is named, with the line, and the report goes on" \
	bash -c "'$MEMLOG' report '$T/broken.csv' >'$T/broken.out' 2>'$T/broken.err' &&
	         grep -q 'broken.procs.csv:2: column pid' '$T/broken.err' &&
	         grep -q 'report goes on without the processes' '$T/broken.err' && grep -q '^peak ' '$T/broken.out'"

# plot --by-process: the processes' shares stacked under the curve.
check "plot --by-process: an SVG with a layer per process, named by pid and command" \
	bash -c "'$MEMLOG' plot --by-process '$T/pool.csv' -o '$T/pool.svg' 2>'$T/plot.err' && xmllint --noout '$T/pool.svg' &&
	         [ \$(grep -c '<path fill=\"#[0-9a-f]*\" fill-opacity=\"0.8\".*<title>pid [0-9]*: .*workload pool' '$T/pool.svg') = 4 ] &&
	         grep -q '4 layers of processes' '$T/plot.err'"
"$MEMLOG" watch --system -d 0.3s -i 100ms -o "$T/sys.csv" >/dev/null 2>&1
check "plot --by-process of the machine says there is no recording per process" \
	bash -c "! '$MEMLOG' plot --by-process '$T/sys.csv' -o '$T/sys.svg' 2>'$T/sys.err' && grep -q 'has no .procs.csv beside it' '$T/sys.err' && [ ! -e '$T/sys.procs.csv' ]"

# PSS that may not be read (another user's process): empty, never 0; the
# rest is recorded. memlog runs as nobody and watches a process of root's.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	"$WORKLOAD" hold 20M 4 >/dev/null &
	rootp=$!
	cleanup_pids+=("$rootp")
	# $T is private (0700): nobody writes in a directory of its own.
	nob=$(mktemp -d /tmp/memlog-nobody.XXXXXX) && chmod 777 "$nob"
	wait_until 5 grep -q '^VmRSS:.*[0-9]\{5\} kB' "/proc/$rootp/status" || note "the root-owned process did not touch its memory"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$MEMLOG" watch --headless --pid "$rootp" -i 50ms -d 1s \
		-o "$nob/np.csv" >/dev/null 2>&1
	check "PSS of another user's process: empty in REC.procs.csv, its rss recorded" procs_true "$nob/np.procs.csv" \
		'len(rows) >= 1 and all(r["pss"] == "" for r in rows) and peak(str(min(int(p) for p in by_pid)), "rss") > 20 << 20'
	check "PSS of another user's process: mem empty, never 0" py_true "$nob/np.csv" \
		'len(rows) > 5 and all(r["mem"] == "" for r in rows) and all(num(r, "rss") > 0 for r in rows)'
	kill "$rootp" 2>/dev/null
	wait "$rootp" 2>/dev/null
	rm -rf "$nob"
fi
