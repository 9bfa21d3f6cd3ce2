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
	check "the limit is a column: 64 MiB on every row" py_true over.csv 'all(num(r, "limit") == 64 << 20 for r in rows)'
	"$MEMLOG" report over.csv >over.txt 2>&1
	check "report gives the headroom and names the OOM kill with the limit" \
		bash -c "grep -Eq '^limit +64.0 MiB on the cgroup: its peak \(cgroup [0-9.]+ MiB at .*\) is (9[0-9]|100)% of it$' over.txt &&
		         grep -q '^oom        command killed by the OOM killer (signal 9) at .*; its cgroup.s limit is 64.0 MiB$' over.txt"

	# A leak in a cgroup limited to 300 MiB from outside (as a container
	# is): memlog's job cgroup inside it has no limit of its own; the one
	# above binds, and is recorded and named.
	box=/sys/fs/cgroup/memory/memlog-e2e-box-$$
	if mkdir "$box" 2>/dev/null && echo 300M >"$box/memory.limit_in_bytes"; then
		sh -c "echo \$\$ >'$box/cgroup.procs' && exec '$MEMLOG' run --headless -i 20ms -o leak.csv -- '$WORKLOAD' hold 600M 2" \
			>/dev/null 2>&1
		rc=$?
		check "a leak in a 300 MiB cgroup is OOM-killed (exit 137), the .log naming the killer and the limit" \
			bash -c "[ $rc = 137 ] && grep -q 'memlog command killed by the OOM killer (signal 9) at .*; its cgroup.s limit is 300 MiB$' leak.log"
		check "... the limit above the job's cgroup is its limit column" \
			py_true leak.csv 'all(num(r, "limit") == 300 << 20 for r in rows)'
		"$MEMLOG" report leak.csv >leak.txt 2>&1
		check "... and the report's: the headroom against 300 MiB, the kill named" \
			bash -c "grep -Eq '^limit +300 MiB on the cgroup: its peak .* is [0-9]+% of it$' leak.txt &&
			         grep -q '^oom        command killed by the OOM killer' leak.txt"
		"$MEMLOG" plot leak.csv -o leak.svg >/dev/null 2>&1
		check "... and plot draws the limit as a dashed line, labelled" \
			bash -c "grep -q 'stroke=\"#c0392b\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\" d=\"M' leak.svg &&
			         grep -q '>limit 300 MiB</text>' leak.svg"
		rmdir "$box"/memlog-* 2>/dev/null
		rmdir "$box"
	else
		for n in 1 2 3 4; do echo "ok - a leak in a limited cgroup # SKIP cannot make a v1 memory cgroup"; done
	fi
	"$MEMLOG" run --headless --limit 64M -i 50ms -o under.csv -- "$WORKLOAD" hold 20M 0.3 >/dev/null 2>&1 &
	mpid=$!
	wait $mpid
	rc=$?
	check "a job within --limit runs to its end (exit 0) and is recorded" \
		bash -c "[ $rc = 0 ] && grep -q 'allocated 20971520 bytes' under.log"
	check "the job's limited cgroup is gone afterwards" \
		bash -c "! find /sys/fs/cgroup/memory -maxdepth 6 -name 'memlog-job-$mpid' 2>/dev/null | grep -q ."
else
	for n in 1 2 3 4 5 6 7 8 9 10 11; do echo "ok - --limit on a real cgroup # SKIP not root, or no memory cgroup"; done
fi

# No cgroup recorded (the machine as a whole): the report gives no limit,
# never a made-up one.
"$MEMLOG" watch --system --headless -i 20ms -d 300ms -o sys.csv >/dev/null 2>&1
"$MEMLOG" report sys.csv >sys.txt 2>&1
check "a recording without a cgroup reports no limit" bash -c "grep -q '^peak ' sys.txt && ! grep -q '^limit ' sys.txt"
