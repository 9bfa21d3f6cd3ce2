#!/bin/bash
# replay_load.sh: loading a 1,000,000-row recording the way `memlog replay`
# does (the CSV reader into a replay-mode series, then the windows of the
# first frame), side by side with pandas.read_csv of the same file.
#   REPLAY_ROWS=N     rows in the generated recording (default 1000000)
#   REPLAY_ROUNDS=N   alternating rounds of each (default 3; the best counts)
# Targets (issue 4): under 1 s to the first frame, at least 3x faster than
# pandas, peak RSS under 2x the file size. The machine's load is printed:
# on a busy machine wall times suffer, CPU times much less.
set -eu
source "$(dirname "$0")/lib.sh"

ROWS=${REPLAY_ROWS:-1000000}
ROUNDS=${REPLAY_ROUNDS:-3}
HELPER="$B/bench-replay_load"
CSV="$BENCH_OUT/replay-$ROWS.csv"
SUMMARY="$BENCH_OUT/summary-replay.txt"

# Installs missing Debian packages as the Makefile's install_missing does.
install_missing() {
	local p missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" = 0 ]; then
		echo "installing:$missing"
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
	else
		echo "this benchmark needs these Debian packages; run:"
		echo "  sudo apt-get update && sudo apt-get install -y$missing"
		exit 1
	fi
}
install_missing python3-pandas time gcc make libcsv-dev

# The helper links the few memlog objects it needs (not all of src/, so a
# half-written file elsewhere cannot stop it), built in the benchmark's BUILD dir.
OBJS=""
for m in recording/reccsv_read recording/reccsv_write recording/reccsv_fields base/mtime base/outfile model/sample model/series; do OBJS="$OBJS $B/obj/$m.o"; done
make -s -C "$ROOT" BUILD="$BUILD" $(for o in $OBJS; do echo "${o#$ROOT/}"; done) >/dev/null
newest_obj=$(ls -t $OBJS | head -1)
if [ ! -x "$HELPER" ] || [ "$BENCH_DIR/replay_load.c" -nt "$HELPER" ] || [ "$newest_obj" -nt "$HELPER" ]; then
	cc -std=gnu11 -O2 -g -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
	   -D_GNU_SOURCE -pthread -I"$ROOT/src" -o "$HELPER" "$BENCH_DIR/replay_load.c" $OBJS -lcsv
fi

bench_title "replay: loading a recording of $ROWS rows ($(nproc) cores)"
bench_load
[ -s "$CSV" ] || "$HELPER" gen "$ROWS" "$CSV"
size=$(stat -c %s "$CSV")
echo "file: $CSV, $size bytes ($(awk -v s="$size" 'BEGIN{printf "%.1f", s/1e6}') MB)"
cat "$CSV" >/dev/null # both read it from the page cache

# Runs cmd under GNU time; prints the command's stdout, then "cpu_s X" and "rss_kb Y".
timed() {
	/usr/bin/time -f 'cpu_s %U %S
rss_kb %M' -o "$BENCH_OUT/time.txt" "$@"
	awk '$1=="cpu_s"{printf "cpu_s %.3f\n", $2+$3} $1=="rss_kb"{print}' "$BENCH_OUT/time.txt"
}

# The value of key in a "key value" output.
field() { awk -v k="$1" '$1==k{print $2; exit}'; }

pandas_py="import sys, time, pandas
t = time.monotonic()
df = pandas.read_csv(sys.argv[1])
print('read_s %.4f' % (time.monotonic() - t))
print('rows', len(df))"

: >"$BENCH_OUT/replay-rounds.txt"
for round in $(seq "$ROUNDS"); do
	m=$(timed "$HELPER" load "$CSV")
	p=$(timed "$PY" -W ignore -c "$pandas_py" "$CSV")
	echo "round $round: memlog $(echo "$m" | field total_s) s (cpu $(echo "$m" | field cpu_s) s," \
	     "rss $(echo "$m" | field rss_kb) KiB)  pandas $(echo "$p" | field read_s) s" \
	     "(cpu $(echo "$p" | field cpu_s) s for the whole process, rss $(echo "$p" | field rss_kb) KiB)"
	echo "$m" | sed 's/^/memlog_/' >>"$BENCH_OUT/replay-rounds.txt"
	echo "$p" | sed 's/^/pandas_/' >>"$BENCH_OUT/replay-rounds.txt"
	[ "$(echo "$m" | field rows)" = "$ROWS" ] || { echo "memlog read $(echo "$m" | field rows) rows, expected $ROWS"; exit 1; }
done

# The reader alone (no series), with and without the plain-line fast path,
# and the newline count.
parse_fast=$("$HELPER" parse "$CSV" | field parse_s)
parse_fast_cpu=$(timed "$HELPER" parse "$CSV" | field cpu_s)
parse_slow=$("$HELPER" parse "$CSV" slow | field parse_s)
count=$("$HELPER" count "$CSV" | field count_s)

best() { awk -v k="$1" '$1==k && (b=="" || $2<b){b=$2} END{print b}' "$BENCH_OUT/replay-rounds.txt"; }
m_best=$(best memlog_total_s)
m_read=$(best memlog_read_s)
m_frame=$(best memlog_frame_s)
m_cpu=$(best memlog_cpu_s)
m_rss=$(best memlog_rss_kb)
p_best=$(best pandas_read_s)
p_rss=$(best pandas_rss_kb)
series_bytes=$(awk '$1=="memlog_series_bytes"{print $2; exit}' "$BENCH_OUT/replay-rounds.txt")

{
	echo "replay load, $ROWS rows, $(awk -v s="$size" 'BEGIN{printf "%.1f", s/1e6}') MB (best of $ROUNDS; $(cut -d' ' -f1-3 /proc/loadavg) load):"
	awk -v m="$m_best" -v r="$m_read" -v f="$m_frame" -v c="$m_cpu" -v p="$p_best" -v s="$size" \
	    -v rss="$m_rss" -v prss="$p_rss" -v sb="$series_bytes" \
	    -v pf="$parse_fast" -v pfc="$parse_fast_cpu" -v ps="$parse_slow" -v cnt="$count" 'BEGIN {
		printf "  memlog to the first frame  %.3f s (read %.3f s + frame %.3f s; cpu %.3f s)   target < 1 s: %s\n", m, r, f, c, (m < 1) ? "met" : "NOT MET"
		printf "  pandas.read_csv            %.3f s   memlog is %.1fx faster   target >= 3x: %s\n", p, p / m, (p / m >= 3) ? "met" : "NOT MET"
		printf "  peak RSS                   %.1f MB = %.2fx the file (series %.1f MB; pandas %.1f MB)   target < 2x: %s\n", rss * 1024 / 1e6, rss * 1024 / s, sb / 1e6, prss * 1024 / 1e6, (rss * 1024 < 2 * s) ? "met" : "NOT MET"
		printf "  reader alone               %.3f s = %.0f MB/s (cpu %.3f s = %.0f MB/s); libcsv for every line %.3f s = %.0f MB/s\n", pf, s / pf / 1e6, pfc, s / pfc / 1e6, ps, s / ps / 1e6
		printf "  reccsv_count_rows          %.4f s = %.1f GB/s\n", cnt, s / cnt / 1e9
	}'
} | tee "$SUMMARY"
