# -l FILE: a log file tailed into the .log, waited for, followed through
# rotation and truncation.
. "$(dirname "$0")/lib.sh"

app=$T/app.log
"$MEMLOG" watch --headless -i 50ms -l "$app" -o "$T/t.csv" >/dev/null 2>&1 &
m=$!
cleanup_pids+=($m)
rec=$T/t.log
wait_until 10 grep -q "waiting for log file $app" "$rec"
check "a missing log file is waited for, and the .log says so" grep -q "waiting for log file $app" "$rec"
echo "first line" >>"$app"
check "the file is picked up when it appears" wait_until 10 grep -qE "Z file:app.log first line$" "$rec"
echo "second line" >>"$app"
check "appended lines are tailed" wait_until 10 grep -qE "Z file:app.log second line$" "$rec"
mv "$app" "$app.1"
echo "after rotation" >>"$app"
check "rotation is followed (a new file at the path)" wait_until 10 grep -qE "Z file:app.log after rotation$" "$rec"
check "the rotation is noted" grep -q "log file $app was rotated" "$rec"
: >"$app"
# Like tail -f, a truncation is seen when the file is shorter than what was read.
check "truncation is noticed and noted" wait_until 10 grep -q "log file $app was truncated" "$rec"
echo "after truncation" >>"$app"
check "lines after truncation are tailed" wait_until 10 grep -qE "Z file:app.log after truncation$" "$rec"
printf 'partial ' >>"$app"
printf 'then whole\n' >>"$app"
check "a line written in two pieces is one line" wait_until 10 grep -qE "Z file:app.log partial then whole$" "$rec"
kill -INT $m
wait $m
check "no line is lost or doubled" bash -c "[ \$(grep -c ' file:app.log ' '$rec') -eq 5 ]"

# A log path that turns out to be no log (a link to /dev/zero appears at it)
# is refused with a note, not read for ever into the .log.
dev=$T/dev.log
"$MEMLOG" watch --headless -i 50ms -l "$dev" -o "$T/d.csv" >/dev/null 2>&1 &
m=$!
cleanup_pids+=($m)
wait_until 10 grep -q "waiting for log file $dev" "$T/d.log"
ln -s /dev/zero "$dev"
check "-l: a device appearing at the path is noted as not read" \
	wait_until 10 grep -q "log file $dev is a device, not a log file; not read" "$T/d.log"
kill -INT $m
wait $m
check "-l: nothing of the device reached the .log (it stays small, no NUL bytes)" \
	eval "[ \$(stat -c %s '$T/d.log') -lt 4096 ] && ! grep -qaP '\\x00' '$T/d.log'"
