#!/usr/bin/env bash
# once.sh: the tree's memory with every page counted once (the mem column):
# a parent that loads a data set and forks three workers that only read it
# (copy on write, never copied) and each touch 30 MiB of their own. Summed
# RSS counts the data set four times; mem must be within 10% of the PSS sum
# this test reads itself from smaps_rollup, in run mode (the job's own
# memory cgroup) and in watch --pid (the PSS sum, paced).
. "$(dirname "$0")/lib.sh"

# PSS summed over the cow workload's processes, in bytes.
pss_of_cow() {
	local sum=0 p kb
	for p in $(pgrep -f "workload cow 200M"); do
		kb=$(awk '/^Pss:/{print $2}' "/proc/$p/smaps_rollup" 2>/dev/null)
		sum=$((sum + ${kb:-0} * 1024))
	done
	echo "$sum"
}
ready() { [ "$(grep -Ec '(^| )worker [0-9] ready' "$1" 2>/dev/null)" = 3 ]; }
# The median mem of the rows where all four processes run, against pss.
mem_vs_pss() { # CSV PSS_BYTES
	"$PY" - "$1" "$2" <<'PYEOF'
import csv, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["procs"] == "4" and r["mem"]]
pss = int(sys.argv[2])
if not rows or pss <= 0:
    print("# no rows with 4 processes and mem, or no PSS read (%d rows, pss %d)" % (len(rows), pss))
    sys.exit(1)
mem = statistics.median(int(r["mem"]) for r in rows)
rss = max(int(r["rss"]) for r in rows)
print("# mem %.1f MiB, PSS %.1f MiB, summed rss %.1f MiB" % (mem / 2**20, pss / 2**20, rss / 2**20))
sys.exit(0 if abs(mem - pss) <= 0.10 * pss else 1)
PYEOF
}

# run: the job in a memory cgroup of its own.
"$MEMLOG" run --headless -i 50ms -o "$T/run.csv" -- "$WORKLOAD" cow 200M 30M 3 3 >/dev/null 2>"$T/run.err" &
mpid=$!
cleanup_pids+=("$mpid")
wait_until 20 ready "$T/run.log" || note "the workers did not all say they were ready"
pss=$(pss_of_cow)
wait "$mpid"
check "run: the .log says mem counts every page once" grep -q ' memlog mem counts every page once' "$T/run.log"
check "run: mem within 10% of the PSS sum read beside it" mem_vs_pss "$T/run.csv" "$pss"
check "run: summed rss counts the shared data set once per process" \
	py_true "$T/run.csv" 'max(num(r, "rss") for r in rows) > 2.5 * max(num(r, "mem") for r in rows)'
check "run: the summary and report give the peak of mem" \
	eval "grep -q 'peak mem ' '$T/run.err' && '$MEMLOG' report '$T/run.csv' | grep -q '^peak       mem '"
check "run: the cgroup column is the job's own cgroup: mem and cache, within 10% (not memlog's, which holds others)" \
	py_true "$T/run.csv" 'all(abs(num(r, "cgroup") - num(r, "mem") - num(r, "cache")) <= 0.1 * num(r, "cgroup") + (2 << 20) for r in rows if r["procs"] == "4" and r["mem"])'
check "run: the last row's mem is 0: the tree is gone, whatever its cgroup still has charged" \
	py_true "$T/run.csv" 'num(rows[-1], "procs") == 0 and num(rows[-1], "mem") == 0'
check "run: the job's cgroup is gone afterwards" \
	bash -c "! find /sys/fs/cgroup -maxdepth 6 -name 'memlog-job-$mpid' 2>/dev/null | grep -q ."

# watch --pid: not memlog's child, so no cgroup of its own: the PSS sum.
"$WORKLOAD" cow 200M 30M 3 4 >"$T/w.out" &
wpid=$!
cleanup_pids+=("$wpid")
wait_until 20 ready "$T/w.out" || note "the watched workers did not all say they were ready"
"$MEMLOG" watch --pid "$wpid" -i 50ms -d 2s -o "$T/w.csv" >/dev/null 2>&1 &
mw=$!
pss=$(pss_of_cow)
wait "$mw"
check "watch --pid: mem within 10% of the PSS sum read beside it" mem_vs_pss "$T/w.csv" "$pss"
check "watch --pid: mem is read at most five times a second (paced)" \
	py_true "$T/w.csv" 'len([r for r in rows if r["mem"]]) <= len(rows) / 4 + 1'
wait "$wpid"
