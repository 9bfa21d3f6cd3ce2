/* series.h: the shared buffer of samples between the sampler and its readers. */
#ifndef MEMLOG_SERIES_H
#define MEMLOG_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "model/sample.h"

typedef struct series series;

/* Each bucket of pyramid level k >= 1 aggregates this many buckets (or, at
 * level 1, samples) of the level below, so it spans SERIES_FANOUT^k samples. */
#define SERIES_FANOUT 16

/* A new, empty series. recent_capacity is how many full-resolution samples
 * live mode keeps (older ones survive only as min/max buckets of the pyramid,
 * so memory stays bounded); 0 means keep everything at full resolution
 * (replay). Returns NULL when out of memory. */
series *series_new(size_t recent_capacity);
void series_free(series *s);

/* Appends one sample; elapsed_ns must not go backwards (one that does is
 * stored at the previous sample's elapsed_ns). Thread-safe. */
void series_append(series *s, const sample *smp);

/* Samples appended so far (all of them, including ones dropped from memory). */
size_t series_count(series *s);

/* The newest sample; returns 0, or -1 when the series is empty. */
int series_last(series *s, sample *out);

/* elapsed_ns of the first and last samples; -1 when empty. */
int series_span(series *s, int64_t *first_ns, int64_t *last_ns);

/* Largest value of column col so far and the elapsed_ns it was seen at;
 * -1 when the column was never measured. */
int series_peak(series *s, int col, int64_t *value, int64_t *at_ns);

/* Splits [t0_ns, t1_ns) into nslices equal slices of elapsed time and stores in
 * min[i]/max[i] the smallest and largest value of column col among the
 * samples whose elapsed_ns falls in slice i (SAMPLE_NONE for both when no
 * measured sample falls there). A spike narrower than a slice is never lost.
 * Cost is about O(nslices) whatever the number of samples, through the min/max
 * pyramid. Takes the lock once, for the whole copy. */
void series_window(series *s, int col, int64_t t0_ns, int64_t t1_ns, size_t nslices,
                   int64_t *min, int64_t *max);

/* What one frame of the view knows of a series before it asks for windows. */
typedef struct series_head {
	size_t count;      /* samples appended; 0: empty, and the rest is unset */
	int64_t first_ns;  /* elapsed_ns of the first and the newest sample */
	int64_t last_ns;
	sample last;       /* the newest sample */
	int64_t peak[SAMPLE_NCOLS];       /* largest value of each column; SAMPLE_NONE: never measured */
	int64_t peak_at_ns[SAMPLE_NCOLS]; /* when it was first seen */
} series_head;

/* One window a frame asks for, as series_window takes it. */
typedef struct series_ask {
	int col;
	int64_t t0_ns, t1_ns;
	size_t nslices;
	int64_t *min, *max; /* nslices each, the caller's */
} series_ask;

/* Decides, from the head, which windows a frame needs: fills at most max
 * asks and returns how many. Called with the series locked: it must not
 * call back into the series. */
typedef size_t (*series_plan)(void *ctx, const series_head *head, series_ask *asks, size_t max);

/* The asks series_snapshot serves at most. */
#define SERIES_MAX_ASKS (SAMPLE_NCOLS + 4)

/* One consistent snapshot for a frame, under the lock taken once: fills
 * head, then (when plan is not NULL) hands it to plan and fills every
 * window it asks for. */
void series_snapshot(series *s, series_plan plan, void *ctx, series_head *head);

/* The samples of column col as (elapsed_ns, value) pairs, for the phases:
 * when every sample is still held at full resolution (replay; a live series
 * whose ring has not wrapped yet), all of them, values SAMPLE_NONE included,
 * exactly as the CSV has them; otherwise the largest value in each of slices
 * equal slices of the span, at the slice's start (slices without a measured
 * sample left out). *t_ns and *v are malloc'ed (the caller frees both).
 * Returns the number of pairs; 0 (and NULLs) when empty or out of memory. */
size_t series_points(series *s, int col, size_t slices, int64_t **t_ns, int64_t **v);

/* Bytes of heap the series holds now. */
size_t series_memory_bytes(series *s);

#endif
