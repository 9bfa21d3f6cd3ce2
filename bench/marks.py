"""marks.py: the job of bench/marks.sh, and its figures.

  marks.py send MODE RATE SECONDS OUT   (run by memlog run, as its command)
      MODE fifo: a line a marker to $MEMLOG_MARK (kept open, flushed each);
      MODE socket: "mark LABEL" requests on one connection to the
      recording's control socket (from REC.live beside $MARKS_CSV), the
      answers read as they come; MODE none: no marker, the same pacing.
      Markers are paced on absolute deadlines, RATE a second, for SECONDS;
      each label is "m SEQ SENT_WALL_S". At the end OUT gets one line: the
      markers sent and memlog's CPU seconds (user+sys of both its threads,
      from /proc/PPID/stat: memlog is the parent).
  marks.py figures CSV INTERVAL_S
      One line: marker_rows p50_ms p99_ms max_ms (from the send to the time
      its row's sample was taken, to the microsecond: see figures) tick_p50_us tick_p99_us tick_max_us (how late the first
      row at or after each due tick was, marker rows included: a marker's
      sample at a deadline is the tick's) rows.
"""
import bisect
import csv
import datetime
import os
import socket
import sys
import time


def send(mode, rate, seconds, out):
    n = int(rate * seconds)
    f = sock = None
    if mode == "fifo":
        f = open(os.environ["MEMLOG_MARK"], "w")
    elif mode == "socket":
        live = os.environ["MARKS_CSV"][:-4] + ".live"
        while not os.path.exists(live):
            time.sleep(0.01)
        path = [l.split(" ", 1)[1].strip() for l in open(live) if l.startswith("socket ")][0]
        sock = socket.socket(socket.AF_UNIX)
        sock.connect(path)
        sock.setblocking(False)
    t0 = time.monotonic()
    answers = b""
    for i in range(n):
        due = t0 + i / rate
        left = due - time.monotonic()
        if left > 0:
            time.sleep(left)
        label = "m %d %.6f" % (i, time.time())
        if f:
            f.write(label + "\n")
            f.flush()
        elif sock:
            sock.sendall(("mark " + label + "\n").encode())
            try:
                answers += sock.recv(65536)
            except BlockingIOError:
                pass
    if f:
        f.close()
    if sock:
        sock.setblocking(True)
        sock.settimeout(5)
        while answers.count(b"\n\n") < n:
            answers += sock.recv(65536)
        sock.close()
    stat = open("/proc/%d/stat" % os.getppid()).read().rsplit(")", 1)[1].split()
    cpu = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
    with open(out, "w") as o:
        o.write("%d %.3f\n" % (n if mode != "none" else 0, cpu))


def pct(v, p):
    if not v:
        return float("nan")
    v = sorted(v)
    return v[min(len(v) - 1, int(p / 100 * len(v)))]


def figures(path, interval):
    rows = list(csv.DictReader(open(path, newline="")))
    elapsed = [float(r["elapsed_s"]) for r in rows]
    # A row's time is its wall clock cut to the millisecond, read with its
    # elapsed_s (to the microsecond): the wall clock at elapsed 0 is the
    # largest (time - elapsed_s), within microseconds over many rows.
    def wall(r):
        t = datetime.datetime.strptime(r["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
        return t.replace(tzinfo=datetime.timezone.utc).timestamp()
    wall0 = max(wall(r) - e for r, e in zip(rows, elapsed)) if rows else 0
    lat = [(wall0 + e - float(r["marker"].split()[2])) * 1000
           for r, e in zip(rows, elapsed) if r["marker"].startswith("m ")]
    ticks = []
    k = 0
    while elapsed and k * interval <= elapsed[-1]:
        i = bisect.bisect_left(elapsed, k * interval - 5e-7)
        ticks.append((elapsed[i] - k * interval) * 1e6)
        k += 1
    print("%d %.2f %.2f %.2f %.0f %.0f %.0f %d" % (len(lat), pct(lat, 50), pct(lat, 99), max(lat) if lat else 0,
                                                   pct(ticks, 50), pct(ticks, 99), max(ticks), len(elapsed)))


if __name__ == "__main__":
    if sys.argv[1] == "send":
        send(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
    else:
        figures(sys.argv[2], float(sys.argv[3]))
