# Writes a recording of ROWS samples (100 ms apart) to PATH, with its
# PATH.procs.csv (four processes, a row each every 10 s and at each step)
# and PATH.log (a step line every tenth of the run, progress lines
# between): a job that loads a data set, then grows in steps with a
# collector's sawtooth. SCALE (default 1) scales the load: 0.5 for the
# "after" of a job whose load was halved.
#   python3 report_gen.py PATH ROWS [SCALE]
import datetime
import math
import sys

path, rows = sys.argv[1], int(sys.argv[2])
scale = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
t0 = datetime.datetime(2026, 12, 1, 10, 0, 0, tzinfo=datetime.timezone.utc)
MiB = 1 << 20
steps = 10


def stamp(s):
    return (t0 + datetime.timedelta(seconds=s)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def level(i):
    """The job's memory at sample i."""
    frac = i / rows
    load = 600 * MiB * scale * min(1.0, frac * 50)  # the first 2%: the load
    grow = 300 * MiB * frac
    saw = 40 * MiB * ((i % 600) / 600)  # a collection every minute
    return int(50 * MiB + load + grow + saw)


with open(path, "w") as f, open(path[:-4] + ".procs.csv", "w") as pf:
    f.write("time,elapsed_s,rss,anon,file,shmem,swap,pss,procs,sys_used,sys_avail,cgroup,mem,cache,marker\n")
    pf.write("time,elapsed_s,pid,ppid,name,cmd,rss,anon,file,shmem,swap,pss,event\n")
    for i in range(rows):
        s = i * 0.1
        m = level(i)
        anon, file = int(m * 0.9), m - int(m * 0.9)
        f.write("%s,%.6f,%d,%d,%d,0,0,,4,%d,%d,%d,%d,0,\n"
                % (stamp(s), s, m, anon, file, 2000 * MiB + m, 20000 * MiB - m, m, m))
        if i % 100 == 0 or i == rows - 1:
            for k in range(4):
                share = m // 4
                ev = "start" if i == 0 else ("exit" if i == rows - 1 else "")
                fig = ("" if ev == "exit" else "%d,%d,%d,0,0,%d" % (share, int(share * 0.9),
                                                                    share - int(share * 0.9), share))
                if ev == "exit":
                    fig = ",,,,,"
                pf.write("%s,%.6f,%d,%d,python3,python3 job.py --worker %d,%s,%s\n"
                         % (stamp(s), s, 1000 + k, 999, k, fig, ev))
with open(path[:-4] + ".log", "w") as lf:
    lf.write("%s memlog started: python3 job.py (pid 999), sampling every 100ms into %s\n" % (stamp(0), path))
    lf.write("%s out loading the data set\n" % stamp(0.5))
    per = rows // steps
    for k in range(1, steps):
        lf.write("%s out step %s begins\n" % (stamp(k * per * 0.1), "abcdefghijklmnop"[k]))
        for j in range(1, 20):
            lf.write("%s out batch %d of 20 done\n" % (stamp((k * per + j * per // 20) * 0.1), j))
    lf.write("%s memlog command exited with status 0\n" % stamp(rows * 0.1))
