#!/usr/bin/env bash
# repeat.sh N [--load K]: runs the whole suite (make test) N times in a row,
# each time in a fresh clone of HEAD, and prints how often every check
# passed. With --load K, K busy loops run beside it the whole time (a loaded
# machine is where races show). A check that does not pass N of N is a bug
# to find, in the test or in memlog.
#
#   tests/repeat.sh 10            ten runs on a quiet machine
#   tests/repeat.sh 5 --load 2    five with both cores of a 2-core machine busy
#
# Prints one line per run as it ends, then each test program's checks passed
# over all runs, every check that failed at least once with its count, and a
# last line "N of N runs green". Exits 0 when
# every run was green. Clones and logs are kept in the directory it names.
set -u
runs=${1:-10}
load=0
if [ "${2:-}" = --load ]; then load=${3:-2}; fi
case $runs$load in *[!0-9]*) echo "usage: tests/repeat.sh N [--load K]" >&2; exit 2 ;; esac
root=$(cd "$(dirname "$0")/.." && git rev-parse --show-toplevel) || exit 2
head=$(git -C "$root" rev-parse --short HEAD)
work=$(mktemp -d /tmp/memlog-repeat.XXXXXX)
echo "repeat: $runs runs of make test at $head, load $load; clones and logs in $work"

loaders=()
stop_load() { for p in "${loaders[@]}"; do kill "$p" 2>/dev/null; done; }
trap stop_load EXIT
for ((k = 0; k < load; k++)); do
	( while :; do :; done ) &
	loaders+=($!)
done

green=0
for ((i = 1; i <= runs; i++)); do
	dir=$work/run$i
	git clone -q "$root" "$dir" || exit 1
	start=$(date +%s)
	(cd "$dir" && TAP_LOG="$work/tap.$i" make test >"$work/out.$i" 2>&1)
	rc=$?
	last=$(tail -1 "$work/out.$i")
	((rc == 0)) && green=$((green + 1))
	printf 'run %d: %s (%d s)\n' "$i" "$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$work/out.$i" | tail -1 || echo "$last")" \
		$(($(date +%s) - start))
	# The build trees are large; the TAP log is what the summary needs.
	rm -rf "$dir/build"
done
stop_load

# Each test program: its checks passed over all runs.
cat "$work"/tap.* 2>/dev/null | awk '
	{ label = $0; sub(/^(not )?ok - \[/, "", label); sub(/\].*/, "", label)
	  if (!(label in all)) order[n++] = label
	  all[label]++; if ($1 == "ok") ok[label]++ }
	END { for (i = 0; i < n; i++) printf "  %-28s %5d of %5d checks passed\n", order[i], ok[order[i]], all[order[i]] }'

# Every check's name (numbers in it made alike: a name may carry a
# measurement) and how many runs it passed in.
cat "$work"/tap.* 2>/dev/null | awk -v runs="$runs" '
	{ name = $0; sub(/^(not )?ok - /, "", name); gsub(/[0-9]+/, "#", name) }
	/^ok / { ok[name]++; seen[name] = 1 }
	/^not ok / { bad[name]++; seen[name] = 1 }
	END {
		n = 0; flaky = 0
		for (t in seen) { n++; if (ok[t] < runs) { printf "  %d of %d passed: %s\n", ok[t] + 0, runs, t; flaky++ } }
		printf "%d checks, %d passed in every run\n", n, n - flaky
	}'
echo "$green of $runs runs green"
((green == runs))
