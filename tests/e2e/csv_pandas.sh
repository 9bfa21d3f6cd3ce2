# The README's one line that reads a recording into pandas: the right types
# and no warning on a recording of over 200,000 rows with one late marker
# (pandas guessed the marker column from its first rows: DtypeWarning).
. "$(dirname "$0")/lib.sh"

if ! "$PY" -c 'import pandas' 2>/dev/null; then
	echo "ok - pandas reads a recording # SKIP python3-pandas is not installed"
	exit 0
fi
"$MEMLOG" watch --system --headless -i 10ms -d 300ms -o "$T/small.csv" >/dev/null 2>&1
# The real rows, repeated to 210,000, one marker at row 205,000.
"$PY" - "$T/small.csv" "$T/big.csv" <<'PYEOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(rows[0])
    for n in range(210000):
        r = list(rows[1 + n % (len(rows) - 1)])
        r[-1] = "late marker" if n == 205000 else ""
        w.writerow(r)
PYEOF
# The line as the README gives it (its first python block's first line).
line=$(sed -n '/^```python$/,/^```$/p' "$ROOT/README.md" | grep -m1 'pd.read_csv')
check "the README gives the line" [ -n "$line" ]
"$PY" -W error - "$T/big.csv" "$line" >"$T/pd.out" 2>&1 <<'PYEOF'
import sys
import pandas as pd
line = sys.argv[2].replace('"rec.csv"', repr(sys.argv[1]))
exec(line)
print(len(df), df["time"].dtype, df["marker"].dtype, df["marker"].dropna().tolist(), df["sys_used"].dtype)
PYEOF
rc=$?
check "pandas reads 210,000 rows without a warning" [ $rc = 0 ]
check "... time as UTC datetimes, the marker as text, the numbers as numbers" \
	grep -qx "210000 datetime64\[ns, UTC\] string \['late marker'\] int64" "$T/pd.out"
note "$(cat "$T/pd.out" | head -3)"
