/* logindex.h: the lines of one log pane in time order, so the line at a
 * moment (the cursor's) is found by binary search. */
#ifndef MEMLOG_LOGINDEX_H
#define MEMLOG_LOGINDEX_H

#include <stddef.h>
#include <stdint.h>

typedef struct logindex_item {
	uint64_t seq;    /* the line's logbook sequence number */
	int64_t wall_ns; /* its time */
} logindex_item;

typedef struct logindex {
	logindex_item *items; /* positions start .. n-1 are live, in time order */
	size_t start, n, cap;
	uint64_t low_seq; /* the smallest seq held (valid when there are lines) */
} logindex;

/* Adds a line. Lines usually come in time order (appended at the end); one
 * that is older than the last (another file's, or memlog's own) is inserted
 * after every line of the same time or older, so equal times keep the order
 * they came in. Returns 0, or -1 when out of memory. */
int logindex_add(logindex *ix, uint64_t seq, int64_t wall_ns);

/* Forgets lines whose seq is below first_seq (dropped from the logbook):
 * lines are dropped oldest-added first, so they are a prefix by seq; the
 * scan stops at the first line that is still there. */
void logindex_trim(logindex *ix, uint64_t first_seq);

/* The position of the newest line at or before wall_ns, or -1 when every
 * line is later (or there is none). Positions run from ix->start. */
long logindex_at(const logindex *ix, int64_t wall_ns);

/* Lines held. */
size_t logindex_count(const logindex *ix);

void logindex_clear(logindex *ix);
void logindex_free(logindex *ix);

#endif
