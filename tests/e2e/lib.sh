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
