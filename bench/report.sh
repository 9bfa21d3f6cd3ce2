#!/bin/bash
# report.sh: `memlog report` on a 1,000,000-row recording with its
# per-process file and its .log (bench/report_gen.py: a load, then 27 hours
# of growth in ten logged steps), and `memlog report BEFORE AFTER` of two
# such recordings (the load halved in the second), each side by side in
# one farm-bench call with pandas.read_csv of the same CSVs: the least a
# Python analysis of the recordings would do.
#   REPORT_ROWS=N   rows in each generated recording (default 1000000)
# Targets (issue 11): under 1 s for the report, under 2 s for the comparison.
set -eu
source "$(dirname "$0")/lib.sh"
bench_build

ROWS=${REPORT_ROWS:-1000000}
A="$BENCH_OUT/report-a.csv"
Bcsv="$BENCH_OUT/report-b.csv"
SUMMARY="$BENCH_OUT/summary-report.txt"

bench_title "report: a recording of $ROWS rows with REC.procs.csv and its .log ($(nproc) cores)"
bench_load
[ -s "$A" ] || "$PY" "$BENCH_DIR/report_gen.py" "$A" "$ROWS" 1
[ -s "$Bcsv" ] || "$PY" "$BENCH_DIR/report_gen.py" "$Bcsv" "$ROWS" 0.5
echo "files: $(stat -c '%n %s B' "$A" "${A%.csv}.procs.csv" "${A%.csv}.log" | tr '\n' ';')"
cat "$A" "$Bcsv" "${A%.csv}.procs.csv" "${Bcsv%.csv}.procs.csv" >/dev/null # from the page cache, both

pandas_one="import sys, pandas
pandas.read_csv(sys.argv[1])"
pandas_two="import sys, pandas
pandas.read_csv(sys.argv[1]); pandas.read_csv(sys.argv[2])"

one=$(farm-bench -n 7 --timeout 300 --vs "$PY -W ignore -c '$pandas_one' $A" -- "$MEMLOG" report "$A")
echo "$one"
two=$(farm-bench -n 7 --timeout 300 --vs "$PY -W ignore -c '$pandas_two' $A $Bcsv" -- "$MEMLOG" report "$A" "$Bcsv")
echo "$two"
{
	echo "report of $ROWS rows + procs + log (A) vs pandas.read_csv of the CSV (B):"
	echo "$one" | grep -E '^(A|B|A/B) +(wall|cpu|peak)' || echo "$one" | tail -6
	echo "report BEFORE AFTER of two such (A) vs pandas.read_csv of both (B):"
	echo "$two" | grep -E '^(A|B|A/B) +(wall|cpu|peak)' || echo "$two" | tail -6
} >"$SUMMARY"
cat "$SUMMARY"
