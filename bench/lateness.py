"""lateness.py: how late a sampler's ticks were, from the times it recorded.

Tick k is due at k * interval after the start. Each row serves one tick; a
row late by L means the sampler skipped floor(L / interval) ticks, so the
next row serves tick k + floor(L / interval) + 1, which is what memlog's
sampler (and bench/floor.c) do.

Reads memlog's CSV (elapsed_s column) or the floor's output (seconds in the
first column, no header). Prints one line: rows p50_us p99_us max_us
first_us last_us drift_us head_mean_us tail_mean_us slope_us_per_min
(head/tail: mean of the first and last 100 rows; slope: least-squares fit of
lateness against time, the drift that one late tick cannot fake).

usage: lateness.py FILE INTERVAL_S
"""
import csv
import sys


def elapsed_s(path):
    """The elapsed seconds of each tick row, in order (marker rows skipped)."""
    with open(path, newline="") as f:
        first = f.readline()
        f.seek(0)
        if first.startswith("time,"):
            return [float(r["elapsed_s"]) for r in csv.DictReader(f) if not r.get("marker")]
        return [float(line.split(",", 1)[0]) for line in f if line.strip()]


def lateness_us(times, interval_s):
    """Lateness in microseconds of each tick, replaying the skip rule."""
    out = []
    k = 0
    for t in times:
        # below 0 only by the rounding of the 1 us column
        late = max(0.0, t - k * interval_s)
        out.append(late * 1e6)
        k += int(late // interval_s) + 1
    return out


def pct(sorted_vals, p):
    """The p-th percentile (nearest rank) of sorted values."""
    i = max(0, min(len(sorted_vals) - 1, int(round(p / 100 * len(sorted_vals) + 0.5)) - 1))
    return sorted_vals[i]


def slope_per_min(times, lat):
    """Least-squares slope of lateness (us) against time, per minute."""
    n = len(times)
    if n < 2:
        return 0.0
    mt = sum(times) / n
    ml = sum(lat) / n
    num = sum((t - mt) * (l - ml) for t, l in zip(times, lat))
    den = sum((t - mt) ** 2 for t in times)
    return num / den * 60 if den else 0.0


def main():
    times = elapsed_s(sys.argv[1])
    lat = lateness_us(times, float(sys.argv[2]))
    s = sorted(lat)
    head, tail = lat[:100], lat[-100:]
    print(len(lat), f"{pct(s, 50):.0f}", f"{pct(s, 99):.0f}", f"{s[-1]:.0f}",
          f"{lat[0]:.0f}", f"{lat[-1]:.0f}", f"{lat[-1] - lat[0]:.0f}",
          f"{sum(head) / len(head):.0f}", f"{sum(tail) / len(tail):.0f}",
          f"{slope_per_min(times, lat):.2f}")


if __name__ == "__main__":
    main()
