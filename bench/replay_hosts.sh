#!/bin/bash
# replay_hosts.sh: a job across 16 hosts in replay: 16 recordings of
# 100,000 rows each (10 ms apart, a rise then a plateau, their starts a
# second apart), the time from starting `memlog replay` in a tmux pane
# until its first frame is on the screen (the header names the recordings),
# beside one recording of the same size. Three rounds each, alternating;
# the median and the best. Target (issue 14): 16 to the first frame in
# under 2 s.
set -eu
source "$(dirname "$0")/lib.sh"
bench_build
out="$BENCH_OUT/replay_hosts"
mkdir -p "$out"
ROWS=${REPLAY_HOSTS_ROWS:-100000}
"$PY" - "$out" "$ROWS" <<'PYEOF'
import sys
out, rows = sys.argv[1], int(sys.argv[2])
head = "time,elapsed_s,rss,anon,file,shmem,swap,pss,procs,sys_used,sys_avail,cgroup,mem,cache,limit,marker\n"
for h in range(16):
    with open("%s/host%02d.csv" % (out, h), "w") as f:
        f.write(head)
        t0 = 1796180000.0 + h
        for i in range(rows):
            t = t0 + i * 0.01
            ms = int(round(t * 1000))
            s, frac = divmod(ms, 1000)
            import time as _t
            stamp = _t.strftime("%Y-%m-%dT%H:%M:%S", _t.gmtime(s)) + ".%03dZ" % frac
            mem = min(i, 2000) * (1 << 20) // 10 + (h * 7919 + i) % 4096 * 1024
            f.write("%s,%.6f,%d,%d,0,0,0,,1,1000000000,2000000000,,%d,0,,\n" % (stamp, i * 0.01, mem, mem, mem))
PYEOF
sock=memlog-bench-$$
tm() { tmux -L "$sock" -f /dev/null "$@"; }
# (lib.sh's trap removes BENCH_OUT when it made it; the recordings go here.)
trap 'tm kill-server 2>/dev/null; rm -rf "$out"; [ -n "${BENCH_OWN_OUT:-}" ] && rm -rf "$BENCH_OUT"' EXIT
# first_frame WHAT FILES...: seconds until the pane shows WHAT.
first_frame() {
	local what=$1
	shift
	local t0 t1
	t0=$(date +%s%N)
	tm new-session -d -s r -x 160 -y 40 "env LANG=C.UTF-8 TERM=tmux-256color $(printf '%q ' "$MEMLOG" replay "$@")"
	until tm capture-pane -p -t r 2>/dev/null | head -1 | grep -qF -- "$what"; do sleep 0.005; done
	t1=$(date +%s%N)
	tm kill-session -t r
	echo "$(( (t1 - t0) / 1000000 ))"
}
bench_title "replay: 16 recordings of $ROWS rows to the first frame, beside one"
bench_load
: >"$out/times"
for round in 1 2 3; do
	echo "sixteen $(first_frame 'replay: 16 recordings' "$out"/host*.csv)" >>"$out/times"
	echo "one $(first_frame 'replay: host00.csv' "$out/host00.csv")" >>"$out/times"
done
{
	echo
	for k in sixteen one; do
		awk -v k="$k" '$1 == k { print $2 }' "$out/times" | sort -n | awk -v k="$k" -v rows="$ROWS" '
			{ v[NR] = $1 } END { printf "  %-8s %s ms median, %s ms best (3 rounds; %d rows each)\n", k, v[2], v[1], rows }'
	done
	echo "  (from starting memlog in tmux to its header on the screen; target for sixteen: 2,000 ms)"
} | tee "$BENCH_OUT/summary-replay_hosts.txt"
