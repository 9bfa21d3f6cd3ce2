/* logindex.c: a sorted array of (time, line) pairs per log pane. Appending in
 * time order is O(1); the rare older line is placed by binary search and a
 * move; finding the line at a time is a binary search. */
#include "view/logindex.h"

#include <stdlib.h>
#include <string.h>

/* The first position whose time is later than wall_ns. */
static size_t logindex_upper(const logindex *ix, int64_t wall_ns)
{
	size_t lo = ix->start, hi = ix->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix->items[mid].wall_ns <= wall_ns)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int logindex_add(logindex *ix, uint64_t seq, int64_t wall_ns)
{
	if (ix->n == ix->cap) {
		/* Reuse the room of forgotten lines before growing. */
		if (ix->start > 0) {
			memmove(ix->items, ix->items + ix->start, (ix->n - ix->start) * sizeof *ix->items);
			ix->n -= ix->start;
			ix->start = 0;
		}
		if (ix->n == ix->cap) {
			size_t cap = ix->cap ? ix->cap * 2 : 1024;
			logindex_item *grown = realloc(ix->items, cap * sizeof *grown);
			if (!grown)
				return -1;
			ix->items = grown;
			ix->cap = cap;
		}
	}
	size_t at = ix->n;
	if (at > ix->start && ix->items[at - 1].wall_ns > wall_ns) {
		at = logindex_upper(ix, wall_ns);
		memmove(ix->items + at + 1, ix->items + at, (ix->n - at) * sizeof *ix->items);
	}
	ix->items[at] = (logindex_item){ .seq = seq, .wall_ns = wall_ns };
	if (ix->n == ix->start || seq < ix->low_seq)
		ix->low_seq = seq;
	ix->n++;
	return 0;
}

void logindex_trim(logindex *ix, uint64_t first_seq)
{
	/* Nothing held was dropped: the usual case, and O(1). */
	if (ix->n == ix->start || ix->low_seq >= first_seq)
		return;
	/* Dropped lines are the oldest added, but a line inserted out of time
	 * order can sit anywhere: filter the whole array (rare). */
	size_t keep = ix->start;
	uint64_t low = UINT64_MAX;
	for (size_t i = ix->start; i < ix->n; i++)
		if (ix->items[i].seq >= first_seq) {
			if (ix->items[i].seq < low)
				low = ix->items[i].seq;
			ix->items[keep++] = ix->items[i];
		}
	ix->n = keep;
	ix->low_seq = low;
}

long logindex_at(const logindex *ix, int64_t wall_ns)
{
	size_t up = logindex_upper(ix, wall_ns);
	return up > ix->start ? (long)up - 1 : -1;
}

size_t logindex_count(const logindex *ix)
{
	return ix->n - ix->start;
}

void logindex_clear(logindex *ix)
{
	ix->start = ix->n = 0;
}

void logindex_free(logindex *ix)
{
	free(ix->items);
	memset(ix, 0, sizeof *ix);
}
