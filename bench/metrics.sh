#!/bin/bash
# metrics.sh: what Prometheus scraping costs: the same process watched at
# 1 ms for BENCH_SECONDS twice in one run, once with --metrics-listen
# scraped ten times a second (a Python client timing each whole answer,
# connection included, asking for OpenMetrics as Prometheus does), once
# without the endpoint, then both again in the other order (the machine's
# own drift shows as the difference between the two pairs). For each: ticks
# taken and missed, their lateness; for the scraped ones, how long a scrape
# took.
set -eu
source "$(dirname "$0")/lib.sh"
bench_build
out="$BENCH_OUT/metrics"
mkdir -p "$out"
export MEMLOG_RUN_DIR="$out/run"
secs=$BENCH_SECONDS
port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

bench_title "metrics: 1 process at 1 ms for ${secs}s, scraped at 10 Hz, and not scraped"
bench_load
"$B/workload" hold 10M $((4 * secs + 60)) >/dev/null &
target=$!
sleep 0.3
# scraped NAME: a run scraped at 10 Hz; quiet NAME: one without the endpoint.
scraped() {
"$MEMLOG" watch --headless --pid "$target" -i 1ms -d "$(bench_secs "$secs")" -o "$out/$1.csv" \
	--metrics-listen "127.0.0.1:$port" 2>"$out/$1.err" &
watcher=$!
"$PY" - "$port" "$secs" "$out/$1.scrapes" <<'PYEOF'
import socket, sys, time
port, secs, path = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
req = (b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
       b"Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5\r\n\r\n")
times, t0 = [], time.monotonic()
while time.monotonic() - t0 < 60:  # the endpoint comes up
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        break
    except OSError:
        time.sleep(0.01)
start = time.monotonic()
i = 0
while time.monotonic() - start < secs - 1:
    due = start + i / 10
    left = due - time.monotonic()
    if left > 0:
        time.sleep(left)
    a = time.perf_counter()
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(req)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    times.append((time.perf_counter() - a) * 1000)
    assert data.startswith(b"HTTP/1.1 200") and data.rstrip().endswith(b"# EOF"), data[:80]
    i += 1
with open(path, "w") as f:
    times.sort()
    f.write("%d %.2f %.2f %.2f\n" % (len(times), times[len(times) // 2], times[int(len(times) * 0.99)], times[-1]))
PYEOF
wait "$watcher"
}
quiet() {
	"$MEMLOG" watch --headless --pid "$target" -i 1ms -d "$(bench_secs "$secs")" -o "$out/$1.csv" 2>"$out/$1.err"
}
scraped scraped1
quiet quiet1
quiet quiet2
scraped scraped2
kill "$target" 2>/dev/null || true
wait "$target" 2>/dev/null || true

{
	echo
	for run in scraped1 quiet1 quiet2 scraped2; do
		read -r rows lp50 lp99 lmax first last drift head tail slope < <("$PY" "$BENCH_DIR/lateness.py" "$out/$run.csv" 0.001)
		missed=$(sed -n 's/.*(\([0-9]*\) ticks missed).*/\1/p' "$out/$run.err")
		printf '  %-9s %7s ticks taken, %5s missed, lateness p50 %s / p99 %s / max %s us' "$run" "$rows" \
			"${missed:-?}" "$lp50" "$lp99" "$lmax"
		if [ -s "$out/$run.scrapes" ]; then
			read -r n p50 p99 max <"$out/$run.scrapes"
			printf '; %s scrapes answered in p50 %s / p99 %s / max %s ms' "$n" "$p50" "$p99" "$max"
		fi
		echo
	done
} | tee "$BENCH_OUT/summary-metrics.txt"
