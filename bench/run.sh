#!/bin/bash
# run.sh: every benchmark of memlog in turn, then their figures together.
# One part alone: bash bench/cost.sh | mem.sh | timing.sh | ui_bytes.sh |
# ui_cpu.sh | ui_flood.sh | ui_longrun.sh | replay_load.sh |
# report.sh | stamp.sh | marks.sh | metrics.sh | replay_hosts.sh.
#   BENCH_SECONDS=N   seconds per measurement (default 30)
#   BENCH_LONG=1      the long runs: 1,000,000 samples for memory (~17 min)
#                     and 10 minutes for timing
#   BENCH_KEEP=1      keep the CSVs and raw figures (the directory is printed)
# The parts run one after another, never together: the cost figures are
# CPU time, and the timing figures would suffer from a neighbour's load.
set -eu
source "$(dirname "$0")/lib.sh"
bench_build

echo "memlog benchmarks: $(nproc) cores, $(uname -r), BENCH_SECONDS=$BENCH_SECONDS BENCH_LONG=$BENCH_LONG"
bash "$BENCH_DIR/cost.sh"
bash "$BENCH_DIR/mem.sh"
bash "$BENCH_DIR/timing.sh"
bash "$BENCH_DIR/ui_bytes.sh"
bash "$BENCH_DIR/ui_cpu.sh"
bash "$BENCH_DIR/ui_flood.sh"
bash "$BENCH_DIR/ui_longrun.sh"
bash "$BENCH_DIR/replay_load.sh"
bash "$BENCH_DIR/report.sh"
bash "$BENCH_DIR/stamp.sh"
bash "$BENCH_DIR/marks.sh"
bash "$BENCH_DIR/metrics.sh"
bash "$BENCH_DIR/replay_hosts.sh"

echo
echo "==================== summary ===================="
cat "$BENCH_OUT/summary-cost.txt" "$BENCH_OUT/summary-mem.txt" "$BENCH_OUT/summary-timing.txt" \
	"$BENCH_OUT"/summary-ui_*.txt "$BENCH_OUT"/summary-replay*.txt "$BENCH_OUT"/summary-report.txt "$BENCH_OUT"/summary-stamp.txt "$BENCH_OUT"/summary-marks.txt "$BENCH_OUT"/summary-metrics.txt 2>/dev/null
[ "${BENCH_KEEP:-0}" = 1 ] && echo && echo "raw data: $BENCH_OUT"
exit 0
