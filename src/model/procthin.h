/* procthin.h: which processes of a sample get a row in REC.procs.csv.
 *
 * The rule, so that a big tree over a long run stays a file of bounded rate:
 * a process gets a row at its first sample (event start); then at a sample
 * where one of its figures moved from its last row by more than 1 MiB and
 * more than 1% of its rss (its name or command changing counts too); else at
 * least every 10 s; and one row at the first sample it is gone (event exit,
 * figures empty). PSS is compared only on the samples it was read. */
#ifndef MEMLOG_PROCTHIN_H
#define MEMLOG_PROCTHIN_H

#include <stddef.h>
#include <stdint.h>

#include "model/procrow.h"

#define PROCTHIN_MIN_BYTES (INT64_C(1) << 20)
#define PROCTHIN_SHARE 100 /* 1/100 of rss */
#define PROCTHIN_QUIET_NS (INT64_C(10) * 1000000000)

typedef struct procthin procthin;

procthin *procthin_new(void);
void procthin_free(procthin *t);

/* Takes the n processes of one sample (ascending pid, each once) and returns
 * the rows due in *rows (ascending pid, a process gone before a new one of
 * the same pid), valid until the next call; elapsed_ns and wall_ns are the
 * sample's. Returns the row count, or (size_t)-1 when out of memory (the
 * state is then as before the call). */
size_t procthin_sample(procthin *t, int64_t elapsed_ns, int64_t wall_ns, const procrow *procs,
                       size_t n, const procrow **rows);

#endif
