#!/usr/bin/env bash
# metrics.sh: memlog for Prometheus. --metrics-listen serves /metrics (the
# text format, OpenMetrics when asked; other paths and methods refused; a
# silent client and a huge request line stall nothing); a real Prometheus
# (Debian's package, on loopback, scraping every second) finds the job's
# memory with the CSV's value; --metrics-file is rewritten atomically and
# goes at the end; promtool checks both; memlog export --openmetrics is
# accepted by promtool's backfill. Where Prometheus is not installed, its
# checks are skipped with a line saying so.
. "$(dirname "$0")/lib.sh"
export MEMLOG_RUN_DIR=$T/run

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# fetch URL [ACCEPT]: prints the status, the content type and the body.
fetch() {
	"$PY" - "$@" <<'EOF'
import sys, urllib.request, urllib.error
req = urllib.request.Request(sys.argv[1], method=sys.argv[3] if len(sys.argv) > 3 else "GET")
if len(sys.argv) > 2 and sys.argv[2]:
    req.add_header("Accept", sys.argv[2])
try:
    r = urllib.request.urlopen(req, timeout=5)
    status, ctype, body = r.status, r.headers.get("Content-Type"), r.read().decode()
except urllib.error.HTTPError as e:
    status, ctype, body = e.code, e.headers.get("Content-Type"), e.read().decode()
print(status)
print(ctype)
sys.stdout.write(body)
EOF
}

# A job that holds 64 MiB, touched, until told to go.
cat >"$T/hold.py" <<'EOF'
import os, sys, time
held = b"\x01" * (64 << 20)
print("holding", flush=True)
while not os.path.exists(sys.argv[1]):
    time.sleep(0.02)
EOF
port=$(free_port)
"$MEMLOG" run --headless -i 50ms -o "$T/m.csv" --metrics-listen "127.0.0.1:$port" --metrics-file "$T/m.prom" \
	-- "$PY" "$T/hold.py" "$T/m.go" >/dev/null 2>"$T/m.err" &
pm=$!
cleanup_pids+=("$pm")
wait_until 10 grep -qs holding "$T/m.log"
url=http://127.0.0.1:$port/metrics
fetch "$url" >"$T/text.out"
check "GET /metrics: 200, the text format 0.0.4" \
	bash -c "[ \"\$(sed -n 1p '$T/text.out')\" = 200 ] && [ \"\$(sed -n 2p '$T/text.out')\" = 'text/plain; version=0.0.4; charset=utf-8' ]"
tail -n +3 "$T/text.out" >"$T/text.prom"
check "... with the job's memory, labelled job and host" \
	grep -q "^memlog_mem_bytes{job=\"python3 hold.py\",host=\"$(hostname)\"} [0-9]" "$T/text.prom"
check "... counters end in _total, one HELP and TYPE a name" bash -c \
	"grep -q '^# TYPE memlog_samples_total counter' '$T/text.prom' && [ -z \"\$(grep '^# TYPE' '$T/text.prom' | sort | uniq -d)\" ]"
check "... no pid label, no colon in a name" bash -c "! grep -q 'pid=' '$T/text.prom' && ! grep -Eq '^[a-z_]*:' '$T/text.prom'"
check "the loopback is where it listens, as the .log says" grep -q "serving the gauges at http://127.0.0.1:$port/metrics" "$T/m.log"
if command -v promtool >/dev/null; then
	promtool check metrics <"$T/text.prom" >"$T/promtool.out" 2>&1
	check "promtool check metrics passes the endpoint's page" bash -c "[ $? = 0 ] && [ ! -s '$T/promtool.out' ]"
else
	echo "ok - promtool check metrics # SKIP promtool is not installed (Debian's prometheus package)"
fi
fetch "$url" 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' >"$T/om.out"
check "asked for OpenMetrics: its type, counters' families without _total, ending in # EOF" bash -c \
	"[ \"\$(sed -n 2p '$T/om.out')\" = 'application/openmetrics-text; version=1.0.0; charset=utf-8' ] && grep -q '^# TYPE memlog_samples counter' '$T/om.out' && grep -q '^memlog_samples_total{' '$T/om.out' && [ \"\$(tail -1 '$T/om.out')\" = '# EOF' ]"
fetch "http://127.0.0.1:$port/other" >"$T/404.out"
check "another path: 404" test "$(head -1 "$T/404.out")" = 404
fetch "$url" "" POST >"$T/405.out"
check "another method: 405" test "$(head -1 "$T/405.out")" = 405

# Hostile clients: a connection that says nothing, a huge request line.
"$PY" - "$port" >"$T/hostile.out" 2>&1 <<'EOF' &
import socket, sys, time
port = int(sys.argv[1])
silent = socket.create_connection(("127.0.0.1", port))
huge = socket.create_connection(("127.0.0.1", port))
huge.sendall(b"GET /" + b"a" * 40000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
huge.settimeout(10)
try:
    answer = huge.recv(100).split(b"\r\n")[0].decode()
except (ConnectionResetError, socket.timeout) as e:
    answer = type(e).__name__
print("huge:", answer or "closed", flush=True)
silent.settimeout(30)
t = time.monotonic()
print("silent closed by memlog:", silent.recv(100) == b"", flush=True)
EOF
hostile=$!
wait_until 10 grep -q '^huge:' "$T/hostile.out"
check "a 40 KB request line is refused (an error status, or closed)" grep -Eq '^huge: (HTTP/1.1 4[0-9][0-9]|closed|ConnectionResetError)' "$T/hostile.out"
fetch "$url" >"$T/during.out"
check "with a silent connection open, a scrape still answers" test "$(head -1 "$T/during.out")" = 200
rows=$(csv_rows "$T/m.csv")
more_rows() { [ "$(csv_rows "$T/m.csv")" -gt $((rows + 5)) ]; }
check "... and the recording goes on" wait_until 10 more_rows
check "the silent connection is closed by memlog (after 5 s)" wait_until 20 grep -q 'silent closed by memlog: True' "$T/hostile.out"
wait "$hostile" 2>/dev/null

# A real Prometheus scraping memlog every second.
if command -v prometheus >/dev/null; then
	pport=$(free_port)
	cat >"$T/prom.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: memlog
    honor_labels: true
    static_configs:
      - targets: ['127.0.0.1:$port']
EOF
	prometheus --config.file="$T/prom.yml" --storage.tsdb.path="$T/tsdb" --web.listen-address="127.0.0.1:$pport" \
		>"$T/prometheus.out" 2>&1 &
	pp=$!
	cleanup_pids+=("$pp")
	query() {
		"$PY" - "http://127.0.0.1:$pport/api/v1/query?query=$1" <<'EOF' 2>/dev/null
import json, sys, urllib.request
r = json.load(urllib.request.urlopen(sys.argv[1], timeout=2))["data"]["result"]
print(r[0]["value"][1] if r else "")
EOF
	}
	has_mem() { [ -n "$(query 'memlog_mem_bytes%7Bjob%3D%22python3%20hold.py%22%7D')" ]; }
	wait_until 30 has_mem
	check "Prometheus scraped memlog: memlog_mem_bytes{job=\"python3 hold.py\"}" test $? = 0
	value=$(query 'memlog_mem_bytes%7Bjob%3D%22python3%20hold.py%22%7D')
	in_csv() { py_true "$T/m.csv" "'$value' in [r['mem'] for r in rows]"; }
	check "... and its value is the CSV's mem of a sample ($value bytes, 64 MiB held)" wait_until 5 in_csv
	check "... which is the 64 MiB the job holds" "$PY" -c "import sys; sys.exit(not 64 << 20 <= int('$value') < 80 << 20)"
	kill "$pp"
	wait "$pp" 2>/dev/null
else
	echo "ok - a real Prometheus finds the job's memory # SKIP prometheus is not installed (Debian's package)"
fi

# The textfile: rewritten once a second, by a rename; removed at the end.
samples_in() { sed -n 's/^memlog_samples_total{[^}]*} //p' "$T/m.prom"; }
first=$(samples_in)
newer() { [ "$(samples_in)" -gt "${first:-0}" ] 2>/dev/null; }
check "--metrics-file is written, and again later with more samples" wait_until 5 newer
check "... never a temporary file left to read" test ! -e "$T/m.prom.tmp"
if command -v promtool >/dev/null; then
	promtool check metrics <"$T/m.prom" >"$T/promtool2.out" 2>&1
	check "promtool check metrics passes the textfile" bash -c "[ $? = 0 ] && [ ! -s '$T/promtool2.out' ]"
fi
touch "$T/m.go"
wait "$pm"
check "the recording ends (exit 0)" test $? = 0
check "... and the textfile goes with it (its gauges are not current)" test ! -e "$T/m.prom"
check "... and the endpoint closes" bash -c "! '$PY' -c 'import socket; socket.create_connection((\"127.0.0.1\", $port), timeout=1)' 2>/dev/null"

# export --openmetrics, for backfill.
"$MEMLOG" export --openmetrics "$T/m.csv" -o "$T/m.om" 2>"$T/export.err"
check "memlog export --openmetrics: exit 0" test $? = 0
check "... a gauge a row, at the row's time, host from the .log, ending in # EOF" bash -c \
	"[ \$(grep -c '^memlog_mem_bytes{job=\"python3 hold.py\",host=\"$(hostname)\"} [0-9]* [0-9]*\\.[0-9]*\$' '$T/m.om') -ge \$((\$(wc -l <'$T/m.csv') - 3)) ] && [ \"\$(tail -1 '$T/m.om')\" = '# EOF' ]"
if command -v promtool >/dev/null; then
	promtool tsdb create-blocks-from openmetrics "$T/m.om" "$T/blocks" >"$T/backfill.out" 2>&1
	check "promtool tsdb create-blocks-from openmetrics accepts it" bash -c "[ $? = 0 ] && [ -n \"\$(ls '$T/blocks')\" ]"
else
	echo "ok - promtool's backfill accepts the export # SKIP promtool is not installed"
fi
ln -s "$T/victim" "$T/link.om"
"$MEMLOG" export --openmetrics "$T/m.csv" -o "$T/link.om" 2>"$T/link.err"
check "export -o through a symbolic link: refused (exit 1), nothing written there" \
	bash -c "[ $? = 1 ] && [ ! -e '$T/victim' ] && grep -q 'link.om' '$T/link.err'"
"$MEMLOG" export "$T/m.csv" 2>"$T/noformat.err"
check "export without --openmetrics: a usage error (exit 2)" bash -c "[ $? = 2 ] && grep -q 'expected --openmetrics' '$T/noformat.err'"

# Mistakes and a port taken.
"$MEMLOG" run --headless --metrics-listen 9101x -- true 2>"$T/bad.err"
check "--metrics-listen without a port: exit 2, what was expected" \
	bash -c "[ $? = 2 ] && grep -q \"'9101x' has no port; expected ADDR:PORT\" '$T/bad.err'"
tport=$(free_port)
"$PY" -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); print("bound", flush=True); time.sleep(20)' "$tport" >"$T/taken.out" &
taker=$!
cleanup_pids+=("$taker")
wait_until 5 grep -qs bound "$T/taken.out"
"$MEMLOG" run --headless -o "$T/taken.csv" --metrics-listen "127.0.0.1:$tport" -- true 2>"$T/taken.err"
check "a port taken: exit 1, said, nothing run or recorded" \
	bash -c "[ $? = 1 ] && grep -q 'cannot listen there' '$T/taken.err' && [ ! -e '$T/taken.csv' ]"
kill "$taker"
