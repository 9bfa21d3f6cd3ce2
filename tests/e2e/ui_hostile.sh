# A log full of escape sequences, tailed by `memlog watch -l` into the view:
# none of them may reach the terminal. The pane must show them as visible
# escapes (^[), keep its title, its screen (the header is still on row 0) and
# its colours (text after "ESC [31m" is not red).
. "$(dirname "$0")/ui_lib.sh"

: >"$T/app.log"
ui_start hostile 120 40 C.UTF-8 watch --system -l app.log -o h.csv
ui_wait hostile "memlog tailing app.log"
title0=$(tm display -p -t hostile '#{pane_title}')
# First the fixture (every kind of hostile text), then lines of our own, the
# last ones, which stay in view.
cat "$ROOT/tests/fixtures/logtext/hostile.log" >>"$T/app.log"
{
	printf '\n'
	printf 'colour \e[31mRED\e[0m plain\n'
	printf 'title \e]0;pwned\a after\n'
	printf 'clear \e[2J\e[H home\n'
	printf 'reset \ec after\n'
	printf 'up \e[5A moved\n'
	printf 'c1 \xc2\x9b31m csi\n'
	printf 'bell \a\a done\n'
	printf 'nul \0 byte\n'
	printf 'END-OF-HOSTILE\n'
} >>"$T/app.log"
ui_wait hostile "END-OF-HOSTILE"
ui_screen hostile >"$T/p.txt"
ui_screen hostile -e >"$T/e.txt"

# shows LINE: a log line of the pane (after its time stamp) is exactly LINE.
shows() { grep -qxF -- "$1" < <(sed -n 's/^[0-9.]*s //p' "$T/p.txt"); }
check "ESC of a colour code shows as ^[" shows 'colour ^[[31mRED^[[0m plain'
check "an OSC title shows as ^[ ... ^G" shows 'title ^[]0;pwned^G after'
check "a clear screen and cursor home show as ^[" shows 'clear ^[[2J^[[H home'
check "a terminal reset shows as ^[c" shows 'reset ^[c after'
check "a cursor up shows as ^[" shows 'up ^[[5A moved'
check "a C1 CSI (U+009B) is shown visibly, not acted on" grep -qE '^[0-9.]+s c1 [^ ]+31m csi$' "$T/p.txt"
check "BEL shows as ^G" shows 'bell ^G^G done'
check "NUL shows as ^@" shows 'nul ^@ byte'
check "the pane's title was not changed" eval "[ \"\$(tm display -p -t hostile '#{pane_title}')\" = '$title0' ] && [ '$title0' != pwned ]"
check "the screen was not cleared or moved: header on row 0, axis, footer on row 39" \
	eval "sed -n 1p '$T/p.txt' | grep -q '^ memlog the machine │' && sed -n 21p '$T/p.txt' | grep -q '└┴0s' && sed -n 40p '$T/p.txt' | grep -q '^ LIVE  m mark'"
check "the log pane's lines stay in their rows (END-OF-HOSTILE on the pane's last line)" \
	grep -q 'END-OF-HOSTILE$' <(sed -n 39p "$T/p.txt")

# The attributes: "RED" after the shown "^[[31m" has the colours of the
# plain text of its line (capture-pane -e gives each change as SGR).
check "text after a shown colour code keeps the plain text's colours" "$PY" - "$T/e.txt" <<'PYEOF'
import re, sys
lines = open(sys.argv[1], encoding='utf-8', errors='replace').read().split('\n')
line = next(l for l in lines if 'RED' in l and 'plain' in l)
def attrs_at(text, target):
    """The SGR parameters in force at the last character of target."""
    state = []
    i = 0
    plain = ''
    while i < len(text):
        m = re.match(r'\x1b\[([0-9;]*)m', text[i:])
        if m:
            ps = m.group(1).split(';') if m.group(1) else ['0']
            for p in ps:
                if p in ('0', ''):
                    state = []
                else:
                    # a later colour replaces an earlier one of its kind
                    kind = p[:1] if len(p) == 2 and p[0] in '34' else p
                    state = [s for s in state if (s[:1] if len(s) == 2 and s[0] in '34' else s) != kind]
                    if p not in ('39', '49'):
                        state.append(p)
            i += len(m.group(0))
            continue
        plain += text[i]
        if plain.endswith(target):
            return tuple(sorted(state))
        i += 1
    return None
red = attrs_at(line, 'RED')
plain = attrs_at(line, 'plain')
ok = red is not None and red == plain and '31' not in red
if not ok:
    print('# RED has', red, 'plain has', plain)
sys.exit(not ok)
PYEOF

check "the stream to the terminal holds no OSC (ESC ]), no reset (ESC c), no BEL, no C1" \
	"$PY" -c 'import sys; d = open(sys.argv[1], "rb").read(); sys.exit(any(s in d for s in (b"\x1b]", b"\x1bc", b"\x07", b"\xc2\x9b", b"pwned\x07")))' "$T/hostile.raw"
ui_keys hostile q
rc=$(ui_rc hostile)
check "watch: q quits at once (no command to ask about), status 0" [ "$rc" = 0 ]
check "watch: the .log keeps the lines" grep -q 'file:app.log END-OF-HOSTILE$' "$T/h.log"

# A recording whose marker labels hold a bidi override (U+202E), a zero-width
# space and an escape: replay draws them (on the chart and in the status
# line) and plot writes them (SVG) as visible escapes, never raw.
"$PY" - "$T/bidi.csv" <<'PYEOF'
import sys
rows = ["time,elapsed_s,rss,marker"]
for i in range(50):
    label = ""
    if i == 20:
        label = "evil\u202eabc"
    if i == 35:
        label = "zw\u200bsp \x1b[31mred"
    rows.append('2026-11-24T10:00:%02d.000Z,%d.000000,%d,"%s"' % (i, i, (i + 1) * 1048576, label))
open(sys.argv[1], "w", encoding="utf-8").write("\n".join(rows) + "\n")
PYEOF
ui_start bidi 120 40 C.UTF-8 replay bidi.csv
ui_wait bidi "│evil<U+202E>abc"
check "replay: a bidi override in a marker label shows as <U+202E> on the chart" ui_has bidi "│evil<U+202E>abc"
check "replay: a zero-width space and an escape in a label show as <U+200B> and ^[" ui_has bidi "zw<U+200B>sp ^[[31mred"
ui_keys bidi n
ui_wait_row bidi 39 " marker evil<U+202E>abc"
check "replay: the status line shows the label escaped too" ui_row_has bidi 39 " marker evil<U+202E>abc"
check "replay: no bidi override, zero-width space or escape reached the terminal" \
	"$PY" -c 'import sys; d = open(sys.argv[1], "rb").read(); sys.exit(any(s in d for s in ("\u202e".encode(), "\u200b".encode(), b"\x1b[31mred")))' "$T/bidi.raw"
ui_keys bidi q
"$MEMLOG" plot "$T/bidi.csv" -o "$T/bidi.svg" 2>/dev/null
check "plot: the SVG is well-formed" xmllint --noout "$T/bidi.svg"
check "plot: the labels are in the SVG as visible escapes, not raw" \
	"$PY" -c 'import sys; d = open(sys.argv[1], "rb").read(); sys.exit(not (b"evil&lt;U+202E&gt;abc" in d and "\u202e".encode() not in d and "\u200b".encode() not in d and b"\x1b" not in d))' "$T/bidi.svg"
"$MEMLOG" report "$T/bidi.csv" >"$T/bidi.txt" 2>&1
check "report: no bidi override in its text" \
	"$PY" -c 'import sys; d = open(sys.argv[1], "rb").read(); sys.exit("\u202e".encode() in d or b"\x1b" in d)' "$T/bidi.txt"
