# lib.sh: shared settings and helpers of the benchmark scripts (sourced).
# Builds memlog and the helpers into their own BUILD dir so a benchmark never
# races someone else's build of ./memlog.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
BUILD=${BENCH_BUILD:-build/bench}
B="$ROOT/$BUILD"
BENCH_SECONDS=${BENCH_SECONDS:-30}
BENCH_LONG=${BENCH_LONG:-0}
# Debian's interpreter: the first python3 on PATH may be another one without
# the packages the comparisons need.
PY=/usr/bin/python3
# Scratch for CSVs and per-run figures; kept when BENCH_KEEP=1.
if [ -z "${BENCH_OUT:-}" ]; then
	BENCH_OUT=$(mktemp -d /tmp/memlog-bench.XXXXXX)
	export BENCH_OUT
	[ "${BENCH_KEEP:-0}" = 1 ] || BENCH_OWN_OUT=1
	[ "${BENCH_KEEP:-0}" = 1 ] || trap 'rm -rf "$BENCH_OUT"' EXIT
fi

# The memlog under test: BENCH_MEMLOG=/path/to/memlog measures a given
# binary instead of building one.
MEMLOG=${BENCH_MEMLOG:-$B/memlog}

# Builds memlog, the workload and the benchmark helpers (quietly), once per
# run: a rebuild between parts would measure a tree that changed meanwhile.
bench_build() {
	[ "${BENCH_BUILT:-0}" = 1 ] && return 0
	local targets="$BUILD/workload"
	[ -n "${BENCH_MEMLOG:-}" ] || targets="$targets $BUILD/memlog"
	make -s -C "$ROOT" BUILD="$BUILD" $targets >/dev/null || exit 1
	local cc="cc -std=gnu11 -O2 -g -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -D_GNU_SOURCE"
	local prog
	for prog in cpuwrap floor tree; do
		if [ ! -x "$B/bench-$prog" ] || [ "$BENCH_DIR/$prog.c" -nt "$B/bench-$prog" ]; then
			$cc -o "$B/bench-$prog" "$BENCH_DIR/$prog.c" || exit 1
		fi
	done
	BENCH_BUILT=1
	export BENCH_BUILT
}

# Prints a section header.
bench_title() {
	printf '\n== %s\n' "$*"
}

# Seconds (integer) to a memlog duration argument.
bench_secs() {
	printf '%ss' "$1"
}

# Other runnable processes right now, so a reader can judge the figures.
bench_load() {
	awk '{print "load average " $1 " " $2 " " $3 " (" $4 " runnable/total)"}' /proc/loadavg
}
