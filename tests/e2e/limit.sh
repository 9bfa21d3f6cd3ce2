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
	grep -q 'the OOM killer killed 1 process of the job' child.log ||
		echo "# exit $rc; the .log: $(tail -6 child.log | tr '\n' '|')"
	check "its memory never went past the limit (the job's cgroup, every 10 ms)" \
		py_true over.csv 'max(num(r, "cgroup") for r in rows if r["cgroup"]) <= 64 << 20 and len(rows) >= 2'
	check "the limit is a column: 64 MiB on every row" py_true over.csv 'all(num(r, "limit") == 64 << 20 for r in rows)'
	"$MEMLOG" report over.csv >over.txt 2>&1
	check "report gives the headroom and names the OOM kill with the limit" \
		bash -c "grep -Eq '^limit +64.0 MiB on the cgroup: its peak \(cgroup [0-9.]+ MiB at .*\) is ((9[5-9]|100)% of it|[0-9]+% of it, but it reached the limit between two samples: the OOM killer fired \(below\))$' over.txt &&
		         grep -q '^oom        command killed by the OOM killer (signal 9) at .*; its cgroup.s limit is 64.0 MiB$' over.txt"
	grep -Eq '^limit +64.0 MiB on the cgroup: its peak \(cgroup [0-9.]+ MiB at .*\) is ((9[5-9]|100)% of it|[0-9]+% of it, but it reached the limit between two samples: the OOM killer fired \(below\))$' over.txt ||
		note "the report's limit line: $(grep -E '^(limit|oom) ' over.txt | tr '\n' '|')"

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
			bash -c "grep -Eq '^limit +300 MiB on the cgroup: its peak .* is [0-9]+% of it(, but it reached the limit between two samples: the OOM killer fired \\(below\\))?$' leak.txt &&
			         grep -q '^oom        command killed by the OOM killer' leak.txt"
		"$MEMLOG" plot leak.csv -o leak.svg >/dev/null 2>&1
		check "... and plot draws the limit as a dashed line, labelled" \
			bash -c "grep -q 'stroke=\"#c0392b\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\" d=\"M' leak.svg &&
			         grep -q '>limit 300 MiB</text>' leak.svg"
		# The kernel log names the victim, what it held and whose limit it
		# was, where memlog may read it (root); watch --pid, which follows a
		# cgroup others share and so has no kill count of its own, learns
		# of the kill from there alone.
		if [ -r /dev/kmsg ] && timeout 2 dd if=/dev/kmsg of=/dev/null bs=16k count=1 iflag=nonblock 2>/dev/null; then
			check "... and the kernel log's line: the victim, what it held, the cgroup at its limit" \
				grep -Eq "memlog the kernel log: the OOM killer killed workload \(pid [0-9]+\) holding [0-9.]+ MiB anonymous, [0-9.]+ [KM]iB file-backed, [0-9.]+ [KMG]?i?B shmem; cgroup /memlog-e2e-box-$$ at its limit$" leak.log
			mkfifo go
			sh -c "echo \$\$ >'$box/cgroup.procs' && read x <go && exec '$WORKLOAD' hold 600M 2" &
			wpid=$!
			cleanup_pids+=("$wpid")
			"$MEMLOG" watch --pid "$wpid" --headless -i 20ms -o wp.csv >/dev/null 2>&1 &
			mpid=$!
			cleanup_pids+=("$mpid")
			# The job allocates once memlog has sampled it.
			wait_until 10 bash -c '[ "$(cat wp.csv 2>/dev/null | wc -l)" -ge 2 ]'
			echo go >go
			# (bash's own "Killed" of the job is not the test's to show)
			{
				wait "$mpid"
				rc=$?
				wait "$wpid"
			} 2>/dev/null
			check "watch --pid of a job OOM-killed in a cgroup: ends when it is gone (exit 0), the kill named" \
				bash -c "[ $rc = 0 ] && grep -Eq 'memlog the kernel log: the OOM killer killed workload \(pid $wpid\) holding .*; cgroup /memlog-e2e-box-$$ at its limit$' wp.log"
			check "... and marked in the CSV" py_true wp.csv '[r["marker"] for r in rows if r["marker"]] == ["OOM kill"]'
			"$MEMLOG" report wp.csv >wp.txt 2>&1
			check "... and in the report" grep -q "^oom        the kernel log: the OOM killer killed workload (pid $wpid)" wp.txt
		else
			for n in 1 2 3 4; do echo "ok - the kernel log names an OOM kill # SKIP /dev/kmsg cannot be read"; done
		fi
		rmdir "$box"/memlog-* 2>/dev/null
		rmdir "$box"
	else
		for n in 1 2 3 4 5 6 7 8; do echo "ok - a leak in a limited cgroup # SKIP cannot make a v1 memory cgroup"; done
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
	for n in $(seq 17); do echo "ok - --limit on a real cgroup # SKIP not root, or no memory cgroup"; done
fi

# No cgroup recorded (the machine as a whole): the report gives no limit,
# never a made-up one.
"$MEMLOG" watch --system --headless -i 20ms -d 300ms -o sys.csv >/dev/null 2>&1
"$MEMLOG" report sys.csv >sys.txt 2>&1
check "a recording without a cgroup reports no limit" bash -c "grep -q '^peak ' sys.txt && ! grep -q '^limit ' sys.txt"

# A kernel log memlog may not read (not root, kernel.dmesg_restrict=1): the
# .log says so and what is lost, and the recording goes on.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
	! setpriv --reuid=65534 --regid=65534 --clear-groups dd if=/dev/kmsg of=/dev/null bs=16k count=1 iflag=nonblock 2>/dev/null; then
	nb=$(mktemp -d /tmp/memlog-nobody.XXXXXX) && chmod 777 "$nb" # $T is root's alone
	setpriv --reuid=65534 --regid=65534 --clear-groups "$MEMLOG" watch --system --headless -i 20ms -d 100ms -o "$nb/n.csv" \
		>/dev/null 2>&1
	rc=$?
	check "an unreadable kernel log is said in the .log, the recording made all the same" \
		bash -c "[ $rc = 0 ] && grep -q 'memlog cannot read the kernel log /dev/kmsg: Operation not permitted; OOM kills are seen in a cgroup.s count only, unnamed$' '$nb/n.log' &&
		         [ \"\$(wc -l <'$nb/n.csv')\" -ge 3 ]"
	rm -rf "$nb"
else
	echo "ok - an unreadable kernel log is said in the .log # SKIP not root, or nobody may read /dev/kmsg"
fi
