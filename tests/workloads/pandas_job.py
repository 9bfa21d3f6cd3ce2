# A pandas job in three steps, each logged with Python's logging module:
# import pandas, load a CSV data set (all of it, or its first ROWS rows:
# the "after" of a job whose load was halved), then ten batches of
# group-by sums over it.
#   python3 pandas_job.py DATA.csv [ROWS]
import logging
import sys
import time

logging.basicConfig(stream=sys.stdout, level=logging.INFO,
                    format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("job")
rows = int(sys.argv[2]) if len(sys.argv) > 2 else None
log.info("importing pandas")
import pandas as pd  # noqa: E402

log.info("loading %s", sys.argv[1])
df = pd.read_csv(sys.argv[1], nrows=rows)
log.info("loaded %d rows", len(df))
total = 0.0
for batch in range(1, 11):
    part = df[df["d"] % 10 == batch % 10]
    total += float(part.groupby("name")["b"].sum().sum())
    log.info("batch %d of 10: %d rows", batch, len(part))
    time.sleep(0.15)
log.info("done: %.3f", total)
