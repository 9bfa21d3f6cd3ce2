# memlog run: a forking tree whose grandchild is orphaned stays counted.
. "$(dirname "$0")/lib.sh"

start=$(date +%s%N)
"$MEMLOG" run --headless -i 20ms -o "$T/tree.csv" -- "$WORKLOAD" orphan 100M 1.5 >"$T/tree.out" 2>&1 &
memlog_pid=$!
wait $memlog_pid
rc=$?
took_ms=$((($(date +%s%N) - start) / 1000000))
check "run exits 0 once the whole tree is gone" [ $rc -eq 0 ]
check "the orphaned grandchild was reparented to memlog (the subreaper)" \
	grep -q "orphaned, ppid now $memlog_pid," "$T/tree.out"
check "recording went on after the command exited, until the grandchild ended (${took_ms} ms)" \
	bash -c "grep -q 'grandchild done' '$T/tree.log' && [ $took_ms -ge 1500 ]"
want=$((100 * 1024 * 1024))
check "the orphan's 100 MiB is in the recorded rss" \
	py_true "$T/tree.csv" "max(num(r,'rss') for r in rows) >= 0.95 * $want"
check "rows after the command's exit still count the orphan" "$PY" - "$T/tree.csv" "$T/tree.log" "$want" <<'PYEOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
exit_t = [l[:23] for l in open(sys.argv[2]) if 'parent exiting' in l][0]
after = [r for r in rows if r['time'][:23] > exit_t and r['rss']]
sys.exit(not (len(after) > 10 and max(int(r['rss']) for r in after) >= 0.95 * int(sys.argv[3])))
PYEOF
check "no row drops to zero while the orphan still lives" "$PY" - "$T/tree.csv" "$T/tree.log" <<'PYEOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
done_t = [l[:23] for l in open(sys.argv[2]) if 'grandchild done' in l][0]
alive = [r for r in rows if r['time'][:23] < done_t]
sys.exit(not (len(alive) > 10 and all(int(r['procs']) >= 1 for r in alive)))
PYEOF

# Short-lived children (a compiler, a pipeline stage) are in the curve: a
# 40 MiB child that lives 0.2 s, started and gone between two of the full
# scans of /proc, is found from its parent's children list at the next sample.
"$MEMLOG" run --headless -i 10ms -o "$T/short.csv" -- \
	sh -c "echo start; '$WORKLOAD' hold 40M 0.2; sleep 0.3" >"$T/short.out" 2>&1
check "run of a shell with a 0.2 s child exits 0" [ $? -eq 0 ]
check "the 0.2 s child's 40 MiB is in the recorded peak" \
	py_true "$T/short.csv" "max(num(r,'rss') for r in rows) >= 40 * 1024 * 1024"
check "its samples cover most of its 0.2 s (>= 10 rows at 10 ms above 40 MiB)" \
	py_true "$T/short.csv" "len([r for r in rows if num(r,'rss') >= 40 * 1024 * 1024]) >= 10"
