# Writes a CSV data set of ROWS rows (about 42 bytes a row) to PATH, the
# same for the same ROWS: python3 gen_csv.py PATH ROWS
import sys
import numpy as np

path, rows = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(7)
with open(path, "w") as f:
    f.write("id,a,b,c,d,name\n")
    for start in range(0, rows, 100000):
        n = min(100000, rows - start)
        a = rng.integers(0, 1000000, n)
        b, c = rng.random(n), rng.random(n)
        d = rng.integers(0, 100, n)
        f.write("\n".join(f"{i},{x},{y:.6f},{z:.6f},{w},name{w}"
                          for i, x, y, z, w in zip(range(start, start + n), a, b, c, d)))
        f.write("\n")
