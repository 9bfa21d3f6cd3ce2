#!/bin/bash
# stamp.sh: how soon a line a job prints is stamped. A Python program prints
# its own time.time() every 0.5 s (line-buffered only because memlog gives it
# a pseudo-terminal); the .log's stamp of each line minus that time is the
# lag. Target: within 50 ms.
set -eu
source "$(dirname "$0")/lib.sh"
bench_build
N=${STAMP_LINES:-20}
OUT="$BENCH_OUT/stamp"
mkdir -p "$OUT"
"$MEMLOG" run --headless -o "$OUT/lat.csv" -- /usr/bin/python3 -c "import time
for i in range($N):
    print('printed-at %.6f' % time.time()); time.sleep(0.5)" >/dev/null 2>&1
/usr/bin/python3 - "$OUT/lat.log" <<'PYEOF' | tee "$BENCH_OUT/summary-stamp.txt"
import datetime, sys
lags = []
for line in open(sys.argv[1]):
    if ' out printed-at ' in line:
        stamp = datetime.datetime.strptime(line[:23], '%Y-%m-%dT%H:%M:%S.%f')
        stamp = stamp.replace(tzinfo=datetime.timezone.utc).timestamp()
        lags.append((stamp - float(line.split()[-1])) * 1000)
lags.sort()
# The .log has millisecond stamps, truncated: a lag down to -1 ms is 0.
print("stamping lag of %d lines printed every 0.5 s: median %.1f ms, max %.1f ms (target 50 ms)"
      % (len(lags), lags[len(lags) // 2], lags[-1]))
PYEOF
