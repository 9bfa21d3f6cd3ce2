# A job in the shape of the story: it loads a data set quickly (most of its
# memory), then grows slowly while processing, logging each step with
# Python's logging module (times with a ',' before the milliseconds).
import logging
import sys
import time

logging.basicConfig(stream=sys.stdout, level=logging.INFO,
                    format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("loader")
scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0

time.sleep(0.5 * scale)
log.info("loading the data set")
data = []
for i in range(6):
    data.append(b"\x01" * (50 * 1024 * 1024))  # filled at C speed: a fast rise
log.info("data set loaded")
for batch in range(1, 21):
    data.append(b"\x02" * (3 * 1024 * 1024))
    log.info("processed batch %d", batch)
    time.sleep(0.3 * scale)
log.info("done")
