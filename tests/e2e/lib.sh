# lib.sh: helpers for the end-to-end tests. Each check prints one TAP line,
# "ok - NAME" or "not ok - NAME", which tests/run.sh counts.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MEMLOG=$(realpath "${MEMLOG:-$ROOT/build/memlog}")
WORKLOAD=$(realpath "${WORKLOAD:-$ROOT/build/workload}")
PY=/usr/bin/python3
T=$(mktemp -d /tmp/memlog-e2e.XXXXXX)
cleanup_pids=()
cleanup() {
	[ -n "${KEEP_T:-}" ] && return
	for p in "${cleanup_pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT

# check NAME COMMAND...: ok when the command succeeds.
check() {
	local name=$1
	shift
	if "$@"; then
		echo "ok - $name"
	else
		echo "not ok - $name"
	fi
}

# fail_msg TEXT: explanation printed under a failing check.
note() { echo "# $*"; }

# wait_until TIMEOUT_S COMMAND...: polls the command every 20 ms until it
# succeeds; returns 1 when the timeout passes first (a bound, not a delay).
wait_until() {
	local deadline=$(($(date +%s%N) + ${1%.*} * 1000000000))
	shift
	until "$@"; do
		(($(date +%s%N) > deadline)) && return 1
		sleep 0.02
	done
}

# csv_query FILE EXPR: evaluates a Python expression over the CSV's rows
# (a list of dicts, "rows") with the standard csv module, an independent
# reader; prints the result.
csv_query() {
	"$PY" - "$1" "$2" <<'PYEOF'
import csv, sys
with open(sys.argv[1], newline='') as f:
    rows = list(csv.DictReader(f))
def num(r, c):
    return int(r[c]) if r[c] != '' else None
print(eval(sys.argv[2], {'rows': rows, 'num': num, 'max': max, 'min': min, 'len': len, 'float': float}))
PYEOF
}

# csv_rows FILE: number of data rows.
csv_rows() { csv_query "$1" 'len(rows)' 2>/dev/null || echo 0; }

# py_true FILE EXPR: succeeds when the expression is true for the CSV.
py_true() { [ "$(csv_query "$1" "$2")" = True ]; }

# record_hosts: four recordings of one job under four host names (UTS
# namespaces), $T/n1.csv .. n4.csv of node1 .. node4: node1 first, the others
# a second after it, node3 holding three times what the others hold (40 MiB).
record_hosts() {
	cat >"$T/hold.py" <<'EOF'
import sys, time
held = b"\x01" * (int(sys.argv[1]) << 20)
time.sleep(float(sys.argv[2]))
EOF
	record_host() { # HOST MIB SECONDS CSV
		unshare --uts sh -c 'hostname "$1" && shift && exec "$@"' sh "$1" \
			"$MEMLOG" run --headless -i 20ms -o "$4" -- "$PY" "$T/hold.py" "$2" "$3" >/dev/null 2>&1
	}
	record_host node1 40 3 "$T/n1.csv" &
	local p1=$!
	wait_until 10 test -s "$T/n1.csv"
	sleep 1 # what --align wall is for
	record_host node2 40 1.5 "$T/n2.csv" &
	local p2=$!
	record_host node3 120 1.5 "$T/n3.csv" &
	local p3=$!
	record_host node4 40 1.5 "$T/n4.csv" &
	local p4=$!
	wait "$p1" "$p2" "$p3" "$p4"
}
