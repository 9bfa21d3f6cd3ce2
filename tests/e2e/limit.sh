#!/usr/bin/env bash
# run --limit SIZE: the job runs under a memory limit in the cgroup memlog
# makes for it, as in a container of that size; past it the OOM killer ends
# it. Needs a memory cgroup memlog may make (root here, cgroup v1).
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

expect_fail() { # STATUS TEXT FILE COMMAND...: exits STATUS and says TEXT on stderr
	local want=$1 text=$2 errf=$3
	shift 3
	"$@" >/dev/null 2>"$errf"
	local rc=$?
	[ "$rc" = "$want" ] && grep -q -- "$text" "$errf"
}
check "--limit with a malformed size names it and what was expected (exit 2)" \
	expect_fail 2 "^memlog: --limit: '12x' is not a memory size; expected a size of 1 MiB or more like 512M" bad.err \
	"$MEMLOG" run --headless --limit 12x -o bad.csv -- true
check "... and records nothing" [ ! -e bad.csv ]
check "watch --limit is refused: it belongs to run" \
	expect_fail 2 "^memlog: watch: --limit belongs to 'memlog run'" w.err "$MEMLOG" watch --limit 1G

if [ "$(id -u)" = 0 ] && [ -n "$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' /proc/self/cgroup)" ]; then
	"$MEMLOG" run --headless --limit 64M -i 10ms -o over.csv -- "$WORKLOAD" hold 200M 2 >/dev/null 2>over.err
	rc=$?
	check "a job that goes past --limit 64M is killed (SIGKILL: exit 137)" [ "$rc" = 137 ]
	check "the .log says the job ran under the limit, and names the OOM killer with the limit" \
		bash -c "grep -q 'memlog the job runs under a memory limit of 64.0 MiB' over.log &&
		         grep -q 'memlog command killed by the OOM killer (signal 9) at .*; its cgroup.s limit is 64.0 MiB$' over.log"
	check "the OOM kill is a marker in the CSV" py_true over.csv '[r["marker"] for r in rows if r["marker"]] == ["OOM kill"]'
	"$MEMLOG" run --headless --limit 64M -i 10ms -o child.csv -- sh -c "'$WORKLOAD' hold 200M 2; sleep 0.3" \
		>/dev/null 2>&1
	rc=$?
	check "a process of the job OOM-killed, the command going on: exit 0, named in the .log, marked" \
		bash -c "[ $rc = 0 ] && grep -q 'the OOM killer killed 1 process of the job' child.log &&
		         grep -q ',\"\\?OOM kill\"\\?\$' child.csv"
	check "its memory never went past the limit (the job's cgroup, every 10 ms)" \
		py_true over.csv 'max(num(r, "cgroup") for r in rows if r["cgroup"]) <= 64 << 20 and len(rows) >= 2'
	"$MEMLOG" run --headless --limit 64M -i 50ms -o under.csv -- "$WORKLOAD" hold 20M 0.3 >/dev/null 2>&1 &
	mpid=$!
	wait $mpid
	rc=$?
	check "a job within --limit runs to its end (exit 0) and is recorded" \
		bash -c "[ $rc = 0 ] && grep -q 'allocated 20971520 bytes' under.log"
	check "the job's limited cgroup is gone afterwards" \
		bash -c "! find /sys/fs/cgroup/memory -maxdepth 6 -name 'memlog-job-$mpid' 2>/dev/null | grep -q ."
else
	for n in 1 2 3 4 5; do echo "ok - --limit on a real cgroup # SKIP not root, or no memory cgroup"; done
fi
