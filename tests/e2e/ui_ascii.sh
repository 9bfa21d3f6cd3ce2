# The live view under LANG=C: an ASCII chart ('#', '|', '+', '-'), not one
# byte >= 0x80 on the screen or in the stream memlog writes, markers by key.
. "$(dirname "$0")/ui_lib.sh"

# A job that holds 30 MiB a moment, then waits for the file "end".
cat >"$T/job" <<JOB
#!/bin/sh
echo "job starting"
"$WORKLOAD" hold 30M 0.2
while [ ! -e end ]; do sleep 0.05; done
echo "job done"
sleep 0.2
JOB
chmod +x "$T/job"

ui_start ascii 120 40 C run -o a.csv -- ./job
ui_wait ascii "releasing"
ui_keys ascii m
ui_wait ascii "memlog marker M1"
check "LANG=C: m draws the marker as a '|' line labelled M1" ui_wait_row ascii 1 "|M1"
# The second marker a second of the header's clock later, so that the two
# lines cannot fall into one column of the chart (0.09 s wide here).
header_s() { ui_row ascii 0 | grep -o '| [0-9]*s |' | tr -dc '0-9'; }
s0=$(header_s)
wait_until 10 eval '[ "$(header_s)" -gt "${s0:-0}" ]' || note "the header's seconds did not move on from ${s0:-?}"
ui_keys ascii a
ui_wait_row ascii 39 " marker label: _"
ui_text ascii "plain ascii"
ui_keys ascii Enter
ui_wait ascii "memlog marker plain ascii"
ui_wait_row ascii 1 "|plain ascii"
scr=$(ui_screen ascii)
row() { sed -n "$(($1 + 1))p" <<<"$scr"; }
ui_screen ascii >"$T/ascii.txt"
ui_screen ascii -e >"$T/ascii-e.txt"
check "LANG=C: no byte >= 0x80 on the screen (capture-pane -p)" no_high_bytes "$T/ascii.txt"
check "LANG=C: none with attributes either (capture-pane -p -e)" no_high_bytes "$T/ascii-e.txt"
check "LANG=C: none in what memlog wrote to the terminal" no_high_bytes "$T/ascii.raw"
check "LANG=C: the header's fields are separated by ' | ', the recording shown by '*'" \
	grep -Eq '^ memlog run: job \| (mem|rss) .* \| peak .* \| \* a.csv$' <<<"$(row 0)"
check "LANG=C: the y axis is drawn with '+' and '|'" \
	eval "grep -q '^ *[0-9.]* [KMG]\?i\?B+' <<<\"\$(row 1)\" && grep -q '^        |' <<<\"\$(row 2)\""
check "LANG=C: the legend is '# mem' (or rss)" grep -Eq ' # (mem|rss)' <<<"$(row 1)"
check "LANG=C: the x axis is drawn with '+' and '-'" grep -q '^     0 B++0s-----' <<<"$(row 20)"
check "LANG=C: the area is filled with '#'" eval "sed -n '2,20p' <<<\"\$scr\" | cut -c10- | grep -q '#'"
check "LANG=C: two marker lines, the newest labelled 'plain ascii'" \
	eval "grep -q '|plain ascii' <<<\"\$(row 1)\" && [ \"\$(row 2 | cut -c10- | tr -cd '|' | wc -c)\" -ge 2 ]"
check "LANG=C: the log pane's title is drawn with '-'" grep -q '^- output ---*$' <<<"$(row 22)"
touch "$T/end"
ui_wait_row ascii 39 " ENDED: the command has ended." 15
check "LANG=C: the footer's keys are ASCII too (q quit)" ui_row_has ascii 39 "q quit"
ui_golden ascii ascii-ended.txt 120 40
ui_screen ascii >"$T/ascii.txt"
check "LANG=C: still no byte >= 0x80 after the end" no_high_bytes "$T/ascii.txt"
ui_keys ascii q
rc=$(ui_rc ascii)
check "LANG=C: q quits at once after the end, status 0" [ "$rc" = 0 ]
check "LANG=C: the CSV holds both markers" py_true "$T/a.csv" '[r["marker"] for r in rows if r["marker"]] == ["M1", "plain ascii"]'
check "LANG=C: nothing memlog wrote has a byte >= 0x80" no_high_bytes "$T/ascii.raw"
