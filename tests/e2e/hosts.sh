#!/usr/bin/env bash
# hosts.sh: a job across hosts read as one. Four recordings made under four
# host names (UTS namespaces: node1..node4), started a second apart, one
# holding three times the others: report names each by its host, lines
# them up by the wall clock (or each from its start), names the outlier
# (and none among equals), as text and CSV; plot draws each a line of its
# own in one picture; export labels each by its host; mistakes of the
# command line are named.
. "$(dirname "$0")/lib.sh"
export MEMLOG_RUN_DIR=$T/run

record_hosts
check "four recordings under four host names" bash -c "grep -q ' memlog recorded on host node3$' '$T/n3.log'"

"$MEMLOG" report "$T"/n{1,2,3,4}.csv >"$T/r.txt" 2>&1
rc=$?
check "report of four: exit 0, a row each, named by host and file" bash -c \
	"[ $rc = 0 ] && for i in 1 2 3 4; do grep -q \"^  \$i  *node\$i (n\$i.csv) \" '$T/r.txt' || exit 1; done"
check "... lined up by the wall clock by default (three or more)" grep -q "from the first recording's start, by the wall clock" "$T/r.txt"
check "... the outlier named: node3, about 3x the others' median" \
	grep -Eq '^The outlier: node3 \(n3.csv\) peaks at .*, (2\.[5-9][0-9]|3\.[0-9][0-9])× the median of the others' "$T/r.txt"
first_ok() {
	[ "$(grep -cE '^  [1-4] .* [0-9]+ ("[^"]*" )?\((rise|growth), [0-9.]+ MiB of the peak\)$' "$T/r.txt")" = 4 ] && return 0
	note "the rows: $(grep -E '^  [1-4] ' "$T/r.txt" | tr '\n' '|')"
	return 1
}
check "... each with the phase to look at first: where its 40 or 120 MiB came (a rise or a growth)" first_ok
"$MEMLOG" report --align start "$T"/n{1,2,3,4}.csv >"$T/rs.txt" 2>&1
check "--align start: each from its own start" grep -q "from each recording's own start" "$T/rs.txt"
"$MEMLOG" report --csv "$T"/n{1,2,3,4}.csv >"$T/r.csv" 2>&1
check "report --csv: a row a recording, the outlier marked, read back by Python's csv" "$PY" - "$T/r.csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
ok = len(rows) == 4 and [r["host"] for r in rows] == ["node1", "node2", "node3", "node4"]
ok = ok and [r["outlier"] for r in rows] == ["", "", "yes", ""] and int(rows[2]["peak_bytes"]) > 2 * int(rows[0]["peak_bytes"])
sys.exit(not ok)
EOF
check "... node2, started a second after node1, peaks a second or more later by the wall clock" "$PY" - "$T/r.csv" <<'EOF'
import csv, sys
rows = {r["host"]: r for r in csv.DictReader(open(sys.argv[1]))}
n2 = rows["node2"]
sys.exit(not float(n2["peak_after_first_start_s"]) - float(n2["peak_elapsed_s"]) >= 1.0)
EOF
"$MEMLOG" report "$T"/n{1,2,4}.csv >"$T/eq.txt" 2>&1
check "three alike: no outlier, said so" grep -q '^No outlier: every peak is within 25% of the median' "$T/eq.txt"
"$MEMLOG" report --align wall "$T"/n1.csv "$T"/n2.csv >"$T/two.txt" 2>&1
check "two with --align wall: the job's table, not before and after" grep -q '^A job across 2 recordings' "$T/two.txt"
"$MEMLOG" report "$T"/n1.csv "$T"/n2.csv >"$T/ba.txt" 2>&1
check "two without: before and after, as ever" bash -c "! grep -q 'A job across' '$T/ba.txt' && grep -q '^before ' '$T/ba.txt'"

"$MEMLOG" plot "$T"/n{1,2,3,4}.csv -o "$T/job.svg" 2>"$T/plot.err"
rc=$?
check "plot of four: exit 0, said" bash -c "[ $rc = 0 ] && grep -q 'wrote .*job.svg (4 recordings, lined up by the wall clock)' '$T/plot.err'"
check "... a valid SVG (xmllint)" xmllint --noout "$T/job.svg"
check "... four lines, each named by host and file in the legend" bash -c \
	"[ \$(grep -c '<path fill=\"none\"' '$T/job.svg') = 4 ] && for i in 1 2 3 4; do grep -q \">node\$i (n\$i.csv)<\" '$T/job.svg' || exit 1; done"
check "... the time axis from the first start, the highest peak in the title" bash -c \
	"grep -q '>time since the first recording started<' '$T/job.svg' && grep -q 'the highest peak mem .* node3 (n3.csv)' '$T/job.svg'"

"$MEMLOG" export --openmetrics "$T/n3.csv" | grep -m1 '^memlog_mem_bytes{' >"$T/om.txt"
check "export labels a recording by the host it was made on" grep -q 'host="node3"' "$T/om.txt"

# Mistakes.
for i in $(seq 17); do : >"$T/many$i.csv"; done
"$MEMLOG" report "$T"/many*.csv 2>"$T/17.err"
rc=$?
check "report of 17: exit 2, the most named" bash -c "[ $rc = 2 ] && grep -q 'up to 16 of one job; got 17' '$T/17.err'"
"$MEMLOG" report --align sideways "$T"/n1.csv "$T"/n2.csv 2>"$T/al.err"
rc=$?
check "--align sideways: exit 2, what it takes" bash -c "[ $rc = 2 ] && grep -q \"'sideways' is not a way to line recordings up; expected start\" '$T/al.err'"
"$MEMLOG" report --align wall "$T"/n1.csv 2>"$T/one.err"
check "--align with one recording: exit 2" test $? = 2
"$MEMLOG" plot --by-process "$T"/n1.csv "$T"/n2.csv 2>"$T/bp.err"
rc=$?
check "plot --by-process of two: exit 2, why" bash -c "[ $rc = 2 ] && grep -q 'draws one recording' '$T/bp.err'"
