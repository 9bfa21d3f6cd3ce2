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
expect_error "an unknown command" 2 "unknown command 'frob'; expected run, watch, replay, report or plot" "$MEMLOG" frob
expect_error "watch with two targets" 2 "choose one of --pid, --cgroup and --system" "$MEMLOG" watch --pid 1 --system
expect_error "--pid abc" 2 "--pid: 'abc' is not a process ID" "$MEMLOG" watch --pid abc
expect_error "--pid of no process" 1 "--pid 999999999: no such process" "$MEMLOG" watch --headless --pid 999999999 -o p.csv
expect_error "--cgroup that is not there" 2 "--cgroup /nonexistent/cg: No such file or directory" \
	"$MEMLOG" watch --cgroup /nonexistent/cg
expect_error "--cgroup that is not a memory cgroup" 1 "--cgroup $T: not a memory cgroup" \
	"$MEMLOG" watch --headless --cgroup "$T" -o cg.csv
expect_error "an output path that cannot be created" 1 "^memlog: -o /nonexistent/dir/x.csv: cannot create: No such file or directory" \
	"$MEMLOG" run --headless -o /nonexistent/dir/x.csv -- true
expect_error "a full disk (/dev/full) is reported at once" 1 "^memlog: -o /dev/full: cannot write: No space left on device" \
	"$MEMLOG" run --headless -o /dev/full -- "$WORKLOAD" hold 1M 30

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
check "--help exits 0 and explains run, watch and every option" \
	bash -c 'for w in "memlog run" "memlog watch" --output --interval --duration --log --pss --no-children --headless --pid --cgroup --system SIGUSR1; do grep -q -- "$w" help.txt || exit 1; done'
check "--version prints the version" bash -c '"$0" --version | grep -qE "^memlog [0-9]+\.[0-9]+\.[0-9]+$"' "$MEMLOG"
check "run --help works too" bash -c '"$0" run --help | grep -q "usage: memlog run"' "$MEMLOG"
