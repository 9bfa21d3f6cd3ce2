# The live view on the terminal types people use: it starts, draws its
# header, chart axis and footer, ends and quits cleanly on each.
. "$(dirname "$0")/lib.sh"

n=0
sock() { echo "memlog-terms-$$-$n"; }
trap 'for k in $(seq 0 $n); do tmux -L "memlog-terms-$$-$k" kill-server 2>/dev/null; done; cleanup' EXIT
cd "$T"
for term in xterm-256color screen tmux-256color linux vt100; do
	n=$((n + 1))
	S=$(sock)
	tmux -L "$S" -f /dev/null new-session -d -s t -x 100 -y 30 \
		"env -i LANG=C.UTF-8 TERM=$term PATH=/usr/bin:/bin $MEMLOG watch -i 100ms -d 1s -o $term.csv; echo EXIT=\$?; sleep 30"
	ended() { tmux -L "$S" capture-pane -t t -p | grep -q 'ENDED: duration 1s reached'; }
	check "TERM=$term: the view draws and ends with the recording" wait_until 10 ended
	check "TERM=$term: header and axis are drawn" bash -c \
		"tmux -L $S capture-pane -t t -p | head -1 | grep -q 'memlog the machine' && tmux -L $S capture-pane -t t -p | grep -qE '0 B(└|\\+)'"
	tmux -L "$S" send-keys -t t q
	quit() { tmux -L "$S" capture-pane -t t -p | grep -q 'EXIT=0'; }
	check "TERM=$term: q quits with status 0 and a complete CSV" bash -c \
		"$(declare -f wait_until quit); S=$S; wait_until 10 quit && [ \$(grep -c . $T/$term.csv) -ge 5 ]"
done

# NO_COLOR: no colour escapes at all in what the view draws.
n=$((n + 1))
S=$(sock)
tmux -L "$S" -f /dev/null new-session -d -s t -x 100 -y 30 \
	"env -i LANG=C.UTF-8 TERM=xterm-256color NO_COLOR=1 PATH=/usr/bin:/bin $MEMLOG watch -i 100ms -d 1s -o nc.csv; sleep 30"
ended() { tmux -L "$S" capture-pane -t t -p | grep -q 'ENDED: duration 1s reached'; }
wait_until 10 ended
check "NO_COLOR: the view uses no colour, only attributes" bash -c \
	"! tmux -L $S capture-pane -t t -p -e | grep -qE $'\\e\\\\[[0-9;]*(3[0-7]|4[0-7]|38;5|48;5)[;m]'"
