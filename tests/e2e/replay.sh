# memlog replay under tmux: a fixture recording with an application log,
# two recordings overlaid, and a recording still being written (--follow).
. "$(dirname "$0")/lib.sh"

# A socket of our own, a new one for each session (a server just killed may
# still be going away when the next would start).
n=0
SOCK="memlog-replay-$$-$n"
tm() { tmux -L "$SOCK" "$@"; }
trap 'for k in $(seq 0 $n); do tmux -L "memlog-replay-$$-$k" kill-server 2>/dev/null; done; cleanup' EXIT
screen_has() { tm capture-pane -t t -p | grep -qF -- "$1"; }
# start CMD...: a 120x40 session with the environment pinned.
start() {
	tm kill-server 2>/dev/null
	n=$((n + 1))
	SOCK="memlog-replay-$$-$n"
	export SOCK_NOW=$SOCK
	tm new-session -d -s t -x 120 -y 40 \
		"env -i LANG=C.UTF-8 TERM=tmux-256color TZ=UTC PATH=/usr/bin:/bin $*; echo EXIT=\$?; sleep 30"
}

cp "$ROOT"/tests/fixtures/replay/* "$T/"
cd "$T"
start "$MEMLOG" replay --log app.log job.csv
check "replay opens the recording in the view" wait_until 10 screen_has "replay: job.csv"
check "the whole run fits the screen at first (the x axis reaches 28s)" screen_has "28s"
check "the recording's .log and the app log get a pane each" bash -c "tmux -L \$SOCK_NOW capture-pane -t t -p | grep -E '─ output .* app\.log ' >/dev/null"
check "the phase strip under the chart names the phases" screen_has "2 rise"
tm send-keys -t t p
check "p moves the cursor to the next phase boundary, the readout names the phase" \
	wait_until 5 bash -c "tmux -L \$SOCK_NOW capture-pane -t t -p | grep -E 'cursor (9\.9|10\.0)s .* phase 2 rise' >/dev/null"
tm send-keys -t t Home Tab n
check "n jumps to the marker at the rise (cursor 11.0s)" wait_until 5 screen_has "cursor 11.0s"
check "the log pane shows the line that caused the rise, highlighted" bash -c \
	"tmux -L \$SOCK_NOW capture-pane -t t -p -e | grep -F 'loading the data set from /data/train.parquet' | grep -q \$'\e\\[7m'"
check "the readout gives the values at the cursor" bash -c "tmux -L \$SOCK_NOW capture-pane -t t -p | grep -E 'cursor 11.0s .* rss 2[0-9]{2}(\.[0-9]+)? MiB' >/dev/null"
tm send-keys -t t / && tm send-keys -t t -l "slow batch" && tm send-keys -t t Enter
check "/ finds a log line and moves the cursor to its time" wait_until 5 screen_has "cursor 20.0s"
tm send-keys -t t Escape Up Up Up Enter
check "Enter on a log line moves the cursor to its time" wait_until 5 screen_has "cursor 12.0s"
tm send-keys -t t m
marker_saved() { grep -qE ',12\.000000,"?M1"?$' job.markers.csv && ! grep -q 'M1' job.csv; }
check "m in replay saves a marker at the cursor in job.markers.csv, not in the recording" wait_until 5 marker_saved
tm send-keys -t t End
check "lines without a time (a traceback) belong to the line before" \
	wait_until 5 screen_has "Traceback (most recent call last):"
tm send-keys -t t q
check "q leaves replay with status 0" wait_until 5 screen_has "EXIT=0"

start "$MEMLOG" replay job.csv
check "markers saved in replay are shown next time" wait_until 10 screen_has "M1"
tm send-keys -t t q

# Two recordings overlaid, aligned at elapsed 0.
start "$MEMLOG" replay job.csv after.csv
check "two recordings: the header compares the peaks" wait_until 10 bash -c \
	"tmux -L \$SOCK_NOW capture-pane -t t -p | head -1 | grep -E 'after\.csv peak [0-9.]+ MiB \(-[0-9]+%\)' >/dev/null"
check "two recordings: a legend names both" bash -c "tmux -L \$SOCK_NOW capture-pane -t t -p | grep -F 'rss job.csv' | grep -qF 'rss after.csv'"
tm send-keys -t t q

# --follow: another process appends rows while we watch.
head -1 job.csv >grow.csv
sed -n '2,11p' job.csv >>grow.csv
(sed -n '12,301p' job.csv | while IFS= read -r line; do printf '%s\n' "$line" >>grow.csv; sleep 0.02; done) &
writer=$!
cleanup_pids+=($writer)
start "$MEMLOG" replay --follow grow.csv
check "--follow shows new rows as they are written (the elapsed time grows)" wait_until 20 bash -c \
	"tmux -L \$SOCK_NOW capture-pane -t t -p | head -1 | grep -qE '│ (2[0-9]|30)s │'"
wait $writer
tm send-keys -t t q

# Lines before any recognisable time cannot be placed: the pane says how many.
printf 'no time here\nnor here\n2026-11-24T10:00:05.000Z INFO now a time\n' >early.log
start "$MEMLOG" replay --log early.log job.csv
check "the pane says how many log lines it could not place" wait_until 10 screen_has "2 log lines before any time could not be placed"
tm send-keys -t t q

# --lenient: a bad row is skipped and counted instead of stopping.
{ head -5 job.csv; echo '2026-11-24T10:00:00.500Z,0.500000,abc,1,1,0,0,,1,1,1,,'; sed -n '7,301p' job.csv; } >lenient.csv
start "$MEMLOG" replay --lenient lenient.csv
check "--lenient skips a bad row and says so" wait_until 10 screen_has "1 bad rows skipped (--lenient)"
tm send-keys -t t q

# Bad input: a clear error, no view.
printf 'time,elapsed_s,rss\n2026-01-01T00:00:00.000Z,1.0,100\n2026-01-01T00:00:00.500Z,0.5,100\n' >back.csv
"$MEMLOG" replay back.csv </dev/null >/dev/null 2>err.txt
check "replay needs a terminal, and says so" bash -c "grep -q 'replay needs a terminal' err.txt"
start "$MEMLOG" replay back.csv
check "a recording going back in time stops replay with FILE:LINE" wait_until 10 screen_has "back.csv:3: elapsed_s"
