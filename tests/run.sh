#!/usr/bin/env bash
# Runs every test memlog has and ends with one line: "N passed, N failed".
#   unit tests (cmocka, TAP output): plain build, ASan+UBSan build, and the
#   sampler and series tests under ThreadSanitizer;
#   end-to-end tests (tests/e2e/*.sh): the real binary on real workloads;
#   the layers of src/ (tools/check-layers.sh), a check a file.
# Run from the top of the tree after the builds (make test does both).
set -u
cd "$(dirname "$0")/.."

passed=0
failed=0
failures=()

# Counts the TAP lines of one test program's output; a program that dies
# without reporting all its tests counts as one more failure.
run_tap() {
	local label=$1
	shift
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	# TAP_LOG: every result line, named by its program, for tests/repeat.sh.
	if [ -n "${TAP_LOG:-}" ]; then
		grep -E '^(not )?ok ' <<<"$out" | sed -E "s#^(not ok|ok)( [0-9]+)?( -)? ?#\1 - [$label] #" >>"$TAP_LOG"
	fi
	local ok notok
	ok=$(grep -cE '^ok ' <<<"$out")
	notok=$(grep -cE '^not ok ' <<<"$out")
	passed=$((passed + ok))
	failed=$((failed + notok))
	if ((notok > 0)); then
		failures+=("$label")
		# Every failing check with (the start of) its reason, which comes
		# before it (a wait that timed out) or after it (cmocka, notes): a
		# long reason (a screen diff) must not hide the next failure.
		awk -v label="$label" -v cap=25 '
			function emit(line) { if (shown < cap) print "  [" label "] " line; else more++; shown++ }
			function close_reason() { if (more) print "  [" label "]   (" more " more lines of this reason)"; shown = 0; more = 0 }
			/^not ok / { close_reason(); for (i = 0; i < nbuf; i++) emit(buf[i]); nbuf = 0
			             print "  [" label "] " $0; after = 1; next }
			/^ok / { close_reason(); nbuf = 0; after = 0; next }
			/^# / { if (after) emit($0); else if (nbuf < cap + 100) buf[nbuf++] = $0; next }
			END { close_reason() }' <<<"$out"
	fi
	if ((rc != 0 && notok == 0)); then
		failed=$((failed + 1))
		failures+=("$label (exit $rc)")
		echo "  [$label] exited with status $rc:"
		tail -30 <<<"$out" | sed "s|^|  [$label] |"
	fi
	printf '%-40s %3d ok %3d not ok\n' "$label" "$ok" "$notok"
}

export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# TSan needs room in the address space that a randomised layout may take.
TSAN_RUN=()
if command -v setarch >/dev/null; then TSAN_RUN=(setarch "$(uname -m)" -R); fi

run_tap "layers of src/" bash tools/check-layers.sh src
for t in build/test_*; do
	[ -x "$t" ] && run_tap "unit $(basename "$t")" "$t"
done
for t in build/asan/test_*; do
	[ -x "$t" ] && run_tap "asan $(basename "$t")" "$t"
done
for t in build/tsan/test_series build/tsan/test_sampler; do
	[ -x "$t" ] && run_tap "tsan $(basename "$t")" "${TSAN_RUN[@]}" env TSAN_OPTIONS="halt_on_error=1 exitcode=66" "$t"
done
for t in tests/e2e/*.sh; do
	case "$(basename "$t")" in *lib.sh) continue ;; esac
	run_tap "e2e $(basename "$t" .sh)" bash "$t"
done

if ((${#failures[@]} > 0)); then
	echo "failed: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
((failed == 0))
