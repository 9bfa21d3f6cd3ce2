# Bad input: each error names the argument and what was expected, and the
# exit status is non-zero.
. "$(dirname "$0")/lib.sh"

# expect_error NAME STATUS PATTERN COMMAND...: the command fails with STATUS
# and its stderr matches PATTERN (an extended regex).
expect_error() {
	local name=$1 want=$2 pattern=$3
	shift 3
	"$@" >"$T/out" 2>"$T/err"
	local rc=$?
	if [ $rc -eq "$want" ] && grep -qE -- "$pattern" "$T/err"; then
		echo "ok - $name"
	else
		echo "not ok - $name"
		note "exit $rc (wanted $want); stderr: $(head -3 "$T/err")"
	fi
}

cd "$T"
expect_error "-i 0 is refused" 2 "^memlog: -i: '0' is zero; expected a positive duration" "$MEMLOG" run -i 0 -- true
expect_error "-i -5ms is refused" 2 "^memlog: -i: .*-5ms.*expected" "$MEMLOG" run -i -5ms -- true
expect_error "-i abc is refused" 2 "^memlog: -i: .*abc.*expected a number with a unit" "$MEMLOG" run -i abc -- true
expect_error "-i 2h is over the limit" 2 "^memlog: -i: '2h' is out of range" "$MEMLOG" run -i 2h -- true
expect_error "-d garbage is refused" 2 "^memlog: -d: .*expected" "$MEMLOG" run -d soon -- true
expect_error "a command that does not exist exits 127" 127 "no-such-command-xyz: command not found" \
	"$MEMLOG" run --headless -o nf.csv -- no-such-command-xyz
check "nothing is left behind when the command could not start" bash -c '[ ! -e nf.csv ] && [ ! -e nf.log ]'
printf 'echo hi\n' >noexec.sh
chmod 644 noexec.sh
expect_error "a command that cannot be executed exits 126" 126 "noexec.sh: cannot execute: Permission denied" \
	"$MEMLOG" run --headless -o ne.csv -- ./noexec.sh
expect_error "run without a command" 2 "run: expected a command" "$MEMLOG" run --headless
expect_error "an unknown option" 2 "unknown option '--frobnicate'" "$MEMLOG" run --frobnicate -- true
expect_error "an option without its value names it" 2 "run: option '-i' needs a value" "$MEMLOG" run -i
expect_error "report: an option without its value names it" 2 "report: option '--series' needs a value" "$MEMLOG" report --series
expect_error "plot: an unknown option" 2 "plot: unknown option '--frob'" "$MEMLOG" plot --frob x.csv
expect_error "an unknown command" 2 "unknown command 'frob'; expected run, watch, replay, report, plot, mark, attach or export" "$MEMLOG" frob
expect_error "watch with two targets" 2 "choose one of --pid, --cgroup and --system" "$MEMLOG" watch --pid 1 --system
expect_error "--pid abc" 2 "--pid: 'abc' is not a process ID" "$MEMLOG" watch --pid abc
expect_error "--pid of no process" 1 "--pid 999999999: no such process" "$MEMLOG" watch --headless --pid 999999999 -o p.csv
expect_error "--cgroup that is not there" 2 "--cgroup /nonexistent/cg: No such file or directory" \
	"$MEMLOG" watch --cgroup /nonexistent/cg
expect_error "--cgroup that is not a memory cgroup" 1 "--cgroup $T: not a memory cgroup" \
	"$MEMLOG" watch --headless --cgroup "$T" -o cg.csv
expect_error "an output path that cannot be created" 1 "^memlog: -o /nonexistent/dir/x.csv: cannot create: No such file or directory" \
	"$MEMLOG" run --headless -o /nonexistent/dir/x.csv -- true
expect_error "a device as the output (/dev/full) is refused" 1 \
	"^memlog: -o /dev/full: a device, not a regular file; expected a regular file" \
	"$MEMLOG" run --headless -o /dev/full -- "$WORKLOAD" hold 1M 30
expect_error "-o /dev/stdout (a link) is refused, and no /dev/stdout.log is made" 1 \
	"^memlog: -o /dev/stdout: is a symbolic link; memlog does not write through one" \
	"$MEMLOG" run --headless -o /dev/stdout -- true
check "nothing was created beside /dev/stdout" [ ! -e /dev/stdout.log ]
# Logs that are no logs: a device would be read for ever (a NUL flood into
# the .log, or a report that never ends); timeout only bounds a regression.
expect_error "report --log /dev/zero is refused" 2 \
	"^memlog: --log /dev/zero: a device, not a log file; expected a regular file or a FIFO" \
	timeout 20 "$MEMLOG" report --log /dev/zero x.csv
expect_error "run -l /dev/zero is refused" 2 \
	"^memlog: -l /dev/zero: a device, not a log file; expected a regular file or a FIFO" \
	timeout 20 "$MEMLOG" run --headless -l /dev/zero -o z.csv -- true
check "nothing was recorded for the refused -l" [ ! -e z.csv ]
expect_error "--pid of a kernel thread says it has no user memory" 1 \
	"^memlog: --pid 2: kthreadd is a kernel thread; it and its descendants have no user memory to record" \
	"$MEMLOG" watch --headless --pid 2 -o kt.csv
check "nothing is recorded for a kernel thread" [ ! -e kt.csv ]

# Planted links: in a shared directory someone links the predictable default
# names (this second's and the next two's, .csv and .log) to a file of the
# victim's; memlog creates its default names exclusively and writes through no link.
mkdir -p shared && echo precious >victim
for d in 0 1 2; do
	stamp=$(date -d "@$(($(date +%s) + d))" +memlog-%Y%m%d-%H%M%S)
	ln -s "$T/victim" "shared/$stamp.csv"
	ln -s "$T/victim" "shared/$stamp.log"
	ln -s "$T/victim" "shared/$stamp.procs.csv"
done
(cd shared && "$MEMLOG" run --headless -- true >out 2>err)
check "planted links at the default names: memlog ran (status 0)" [ $? -eq 0 ]
check "planted links at the default names: the linked file is untouched" [ "$(cat victim)" = precious ]
made=$(cd shared && find . -maxdepth 1 -type f -name 'memlog-*.csv' ! -name '*.procs.csv' | head -1)
check "planted links at the default names: the recording went to a fresh name ($made) with its .log and .procs.csv" \
	eval "[ -n '$made' ] && [ -f 'shared/${made%.csv}.log' ] && [ -f 'shared/${made%.csv}.procs.csv' ] &&
	      grep -q 'wrote ${made#./}' shared/err"
ln -s victim linked.csv
expect_error "-o onto a symbolic link is refused" 1 "^memlog: -o linked.csv: is a symbolic link" \
	"$MEMLOG" run --headless -o linked.csv -- true
check "the link's target is untouched" [ "$(cat victim)" = precious ]
ln -s victim planted.procs.csv
expect_error "-o whose .procs.csv is a symbolic link is refused, naming it" 1 \
	"^memlog: planted.procs.csv: is a symbolic link" "$MEMLOG" run --headless -o planted.csv -- true
check "... and nothing is left of the recording, the link's target untouched" \
	bash -c "[ ! -e planted.csv ] && [ ! -e planted.log ] && [ \"\$(cat victim)\" = precious ]"
echo old >given.csv
echo old >given.log
"$MEMLOG" run --headless -o given.csv -- true 2>/dev/null
check "-o onto an existing regular file replaces it, and its .log" \
	eval "head -1 given.csv | grep -q '^time,elapsed_s,' && ! grep -q '^old' given.log && [ \"\$(stat -c %a given.csv)\" = 644 ]"

# A full disk: a small tmpfs in a mount namespace of its own (needs root).
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	mkdir -p full
	# (its stderr goes outside: the full disk would cut that too)
	unshare -m sh -c "mount -t tmpfs -o size=64k tmpfs '$T/full' && cd '$T/full' &&
		'$MEMLOG' run --headless -i 1ms -o x.csv -- sh -c 'for i in \$(seq 40); do echo line \$i; sleep 0.05; done' >/dev/null 2>'$T/err';
		echo \$? >'$T/rc'; cp x.csv x.log '$T/'" 2>/dev/null
	mv x.csv full.csv; mv x.log full.log; mv err full.err
	rows=$(sed -n 's/.*x.csv keeps the \([0-9]*\) rows taken until then, whole.*/\1/p' full.err | head -1)
	check "a full disk: memlog exits 1" [ "$(cat rc)" = 1 ]
	check "a full disk: stderr says when the recording stopped, and why" \
		grep -qE '^memlog: recording stopped after [0-9.]+ m?s \([0-9:]{8} UTC\): x.csv: cannot write: No space left on device$' full.err
	check "a full disk: stderr says how many rows are kept ($rows), and that the command runs on" \
		eval "[ -n '$rows' ] && grep -q 'the command keeps running, unrecorded' full.err"
	check "a full disk: the summary says how long the command ran on unrecorded" \
		grep -qE 'the command ran on unrecorded for [0-9.]+ m?s more$' full.err
	check "a full disk: the CSV holds exactly those rows, every one whole" \
		py_true full.csv "len(rows) == ${rows:-0} and all(None not in r.values() and len(r) == 16 for r in rows)"
	check "a full disk: the CSV and the .log end with a whole line" \
		eval "[ \"\$(tail -c 1 full.csv | od -An -c | tr -d ' ')\" = '\\n' ] && [ \"\$(tail -c 1 full.log | od -An -c | tr -d ' ')\" = '\\n' ]"
else
	for c in 1 2 3 4 5 6; do echo "ok - a full disk $c # SKIP needs root for a tmpfs"; done
fi

# A foreign process: PSS needs the right to read its smaps_rollup.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	expect_error "--pss of another user's process is refused" 1 "--pid 1: permission denied reading /proc/1/smaps_rollup" \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$MEMLOG" watch --headless --pss --pid 1 -o /tmp/memlog-foreign-$$.csv
else
	expect_error "--pss of another user's process is refused" 1 "--pid 1: permission denied reading /proc/1/smaps_rollup" \
		"$MEMLOG" watch --headless --pss --pid 1 -o foreign.csv
fi
rm -f /tmp/memlog-foreign-$$.*

"$MEMLOG" --help >help.txt
check "--help exits 0 and names every command, and where each one's options are" \
	bash -c 'for w in "memlog run" "memlog watch" "memlog replay" "memlog report" "memlog plot" "memlog COMMAND --help"; do grep -q -- "$w" help.txt || exit 1; done'
check "--version prints the version" bash -c '"$0" --version | grep -qE "^memlog [0-9]+\.[0-9]+\.[0-9]+$"' "$MEMLOG"
"$MEMLOG" run --help >run-help.txt
"$MEMLOG" watch --help >watch-help.txt
check "run --help describes run: its usage, its options (--limit, --stdin), none of watch's" \
	bash -c 'head -1 run-help.txt | grep -q "^usage: memlog run " &&
	         for w in --output --interval --duration --log --pss --no-children --headless --stdin --limit SIGUSR1 "CSV columns"; do
	             grep -q -- "$w" run-help.txt || exit 1; done && ! grep -qE -- "^ +(-[a-z], )?--(pid|cgroup|system) " run-help.txt'
check "watch --help describes watch: its targets, none of run's" \
	bash -c 'head -1 watch-help.txt | grep -q "^usage: memlog watch " &&
	         for w in --pid --cgroup --system --interval SIGUSR1; do grep -q -- "$w" watch-help.txt || exit 1; done &&
	         ! grep -qE -- "^ +--(limit|stdin) " watch-help.txt'
check "--help says a bare number of -i is seconds" grep -q "a bare$" run-help.txt
"$MEMLOG" watch --system --headless -i 1 -d 1500ms -o bare.csv >/dev/null 2>&1
check "... and so it is: -i 1 samples once a second (2 or 3 rows in 1.5 s)" \
	bash -c "[ $(csv_rows bare.csv) -ge 2 ] && [ $(csv_rows bare.csv) -le 3 ]"
for c in run replay report plot; do
	"$MEMLOG" $c >/dev/null 2>"noarg-$c.err" </dev/null
	echo "rc=$?" >>"noarg-$c.err"
done
# (watch without arguments records the machine: not a mistake)
check "every command without its arguments says what it expected, then where to read more (exit 2)" \
	bash -c 'for c in run replay report plot; do
	             tail -2 noarg-$c.err | head -1 | grep -q "^Try '"'"'memlog $c --help'"'"'\.$" && grep -q "^rc=2$" noarg-$c.err || exit 1; done'
expect_error "a bad option of run points to run's help" 2 "^Try 'memlog run --help'\.$" "$MEMLOG" run --frobnicate -- true
