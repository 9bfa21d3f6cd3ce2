# memlog watch: a running process, the machine, a cgroup.
. "$(dirname "$0")/lib.sh"

# A process that exits during the recording: it ends, noted, CSV complete.
"$WORKLOAD" hold 30M 1 >/dev/null &
target=$!
cleanup_pids+=($target)
"$MEMLOG" watch --headless --pid $target -i 20ms -o "$T/p.csv" >/dev/null 2>"$T/p.err"
rc=$?
check "watch --pid ends by itself when the process exits, status 0" [ $rc -eq 0 ]
check "the .log says the process is gone" grep -q "process $target and its descendants are gone" "$T/p.log"
check "watch --pid recorded the process's 30 MiB" py_true "$T/p.csv" "max(num(r,'rss') for r in rows) >= 30*1024*1024"
check "the CSV of an exited target is complete, last row procs 0" \
	py_true "$T/p.csv" 'all(None not in r for r in rows) and num(rows[-1],"procs") == 0'

# The machine: only the machine's columns are measured.
"$MEMLOG" watch --headless -d 300ms -i 20ms -o "$T/s.csv" >/dev/null 2>&1
check "watch (default --system) with -d stops and exits 0" [ $? -eq 0 ]
check "system rows have sys_used and sys_avail, and empty process columns" \
	py_true "$T/s.csv" 'len(rows) >= 5 and all(num(r,"sys_used") > 0 and num(r,"sys_avail") > 0 and r["rss"] == "" and r["procs"] == "" for r in rows)'
check "-d 300ms stops after about 300 ms of samples" py_true "$T/s.csv" '0.3 <= float(rows[-1]["elapsed_s"]) < 2'

# --pss: PSS measured at most once a second, empty in between.
"$MEMLOG" watch --headless --pss --pid $$ -d 2500ms -i 50ms -o "$T/pss.csv" >/dev/null 2>&1
check "--pss fills pss on some rows, at most one per second" \
	py_true "$T/pss.csv" '2 <= len([r for r in rows if r["pss"]]) <= 4 and len(rows) > 20'

# A real cgroup v1, where this machine has one (v2 is tested on fixture trees).
cg=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' /proc/self/cgroup)
if [ -n "$cg" ] && [ -r "/sys/fs/cgroup/memory$cg/memory.usage_in_bytes" ]; then
	"$MEMLOG" watch --headless --cgroup "/sys/fs/cgroup/memory$cg" -d 300ms -i 50ms -o "$T/cg.csv" >/dev/null 2>&1
	check "watch --cgroup (v1) records the cgroup's memory and its processes" \
		py_true "$T/cg.csv" 'all(num(r,"cgroup") > 0 and num(r,"procs") >= 1 for r in rows)'
	"$MEMLOG" watch --headless --pid $$ -d 200ms -o "$T/cgp.csv" >/dev/null 2>&1
	check "watch --pid fills the cgroup column from the process's cgroup" \
		py_true "$T/cgp.csv" 'all(num(r,"cgroup") > 0 for r in rows)'
	# A job moved to another cgroup while it is watched: the cgroup column
	# follows it (looked up again once a second).
	mv_dir="/sys/fs/cgroup/memory$cg/memlog-e2e-move-$$"
	if mkdir "$mv_dir" 2>/dev/null; then
		"$WORKLOAD" hold 60M 8 >"$T/mv.out" &
		mp=$!
		cleanup_pids+=($mp)
		wait_until 5 grep -q allocated "$T/mv.out" || note "the job did not allocate"
		"$MEMLOG" watch --headless --pid $mp -i 50ms -d 4s -o "$T/mv.csv" >/dev/null 2>&1 &
		wp=$!
		wait_until 5 bash -c "[ \$(wc -l <'$T/mv.csv') -ge 4 ]" || note "no rows before the move"
		echo $mp >"$mv_dir/cgroup.procs"
		wait $wp
		moved=$(cat "$mv_dir/memory.usage_in_bytes")
		check "watch --pid: the cgroup column follows the job into its new cgroup" py_true "$T/mv.csv" \
			"abs(num(rows[-1], 'cgroup') - $moved) <= max(0.1 * $moved, 2 << 20) and num(rows[0], 'cgroup') != num(rows[-1], 'cgroup')"
		kill $mp 2>/dev/null
		wait $mp 2>/dev/null
		rmdir "$mv_dir" 2>/dev/null
	else
		echo "ok - the cgroup column follows a moved job # SKIP cannot make a cgroup here"
	fi
else
	echo "ok - watch --cgroup (v1) # SKIP no v1 memory cgroup here"
	echo "ok - cgroup column of --pid # SKIP no v1 memory cgroup here"
	echo "ok - the cgroup column follows a moved job # SKIP no v1 memory cgroup here"
fi
