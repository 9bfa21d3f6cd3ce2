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

/* Bytes of heap the series holds now. */
size_t series_memory_bytes(series *s);

#endif
