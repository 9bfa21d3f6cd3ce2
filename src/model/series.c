/* series.c: the shared sample buffer. Owns the full-resolution samples (a ring
 * in live mode, all of them in replay), the min/max pyramid over them, the
 * per-column peaks, and the one mutex that lets the sampler thread append
 * while the UI thread reads windows of it. */

#include "model/series.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* log2(SERIES_FANOUT): bucket spans are powers of two, so the bucket that holds
 * sample i at level k is simply i >> (k * SERIES_FANOUT_BITS). */
#define SERIES_FANOUT_BITS 4
_Static_assert((1 << SERIES_FANOUT_BITS) == SERIES_FANOUT, "SERIES_FANOUT_BITS must match SERIES_FANOUT");

#define SERIES_MAX_LEVELS 8
/* Live mode: each pyramid level is a ring of max(recent_capacity / 8, 64)
 * buckets, so level 1 reaches about twice as far back as the samples do, and
 * there are enough levels for the top one to reach back 2^32 samples (50 days
 * at 1 kHz). With recent_capacity = 32768 that is 5 levels of 4096 buckets:
 * 3 MiB of samples plus 3.4 MiB of buckets, allocated once. */
#define SERIES_LIVE_LEVEL_DIVISOR 8
#define SERIES_LIVE_MIN_LEVEL_CAP 64
#define SERIES_LIVE_REACH_SAMPLES (UINT64_C(1) << 32)
/* Replay keeps everything; 7 levels make a top bucket of 2^28 samples, so even
 * a window over a huge recording starts from a handful of buckets. */
#define SERIES_REPLAY_LEVELS 7
#define SERIES_REPLAY_MIN_ALLOC 64

/* Aggregate of a run of consecutive samples. */
struct series_bucket {
	int64_t first_ns; /* elapsed_ns of the first sample in the bucket */
	int64_t last_ns;  /* elapsed_ns of the last sample so far */
	int64_t min[SAMPLE_NCOLS]; /* SAMPLE_NONE where the column was never measured */
	int64_t max[SAMPLE_NCOLS];
};

struct series_level {
	struct series_bucket *buckets;
	size_t alloc; /* buckets allocated; in live mode the ring's size */
};

struct series {
	pthread_mutex_t lock;
	bool live;
	sample *samples;
	size_t samples_alloc; /* in live mode the ring's size (recent_capacity) */
	int nlevels;
	struct series_level levels[SERIES_MAX_LEVELS + 1]; /* [0] unused: level 0 is samples */
	uint64_t stored; /* samples that went into the buffer and pyramid */
	uint64_t lost;   /* replay samples not stored because memory ran out */
	int64_t first_ns;
	sample last;
	int64_t peak[SAMPLE_NCOLS];
	int64_t peak_at_ns[SAMPLE_NCOLS];
};

/* Number of items (samples at level 0, buckets above) ever started at lvl. */
static uint64_t series_level_count(const series *s, int lvl)
{
	unsigned shift = (unsigned)lvl * SERIES_FANOUT_BITS;
	return (s->stored + ((UINT64_C(1) << shift) - 1)) >> shift;
}

/* Index of the oldest item still held at lvl (live rings forget the oldest). */
static uint64_t series_level_oldest(const series *s, int lvl)
{
	uint64_t n = series_level_count(s, lvl);
	uint64_t cap = lvl == 0 ? s->samples_alloc : s->levels[lvl].alloc;
	return s->live && n > cap ? n - cap : 0;
}

/* The sample with global index i, which must still be held. */
static sample *series_sample_at(const series *s, uint64_t i)
{
	return &s->samples[s->live ? i % s->samples_alloc : i];
}

/* The bucket with global index i at level lvl >= 1, which must still be held. */
static struct series_bucket *series_bucket_at(const series *s, int lvl, uint64_t i)
{
	const struct series_level *l = &s->levels[lvl];
	return &l->buckets[s->live ? i % l->alloc : i];
}

/* elapsed_ns of the first sample of item i at level lvl. */
static int64_t series_item_first_ns(const series *s, int lvl, uint64_t i)
{
	return lvl == 0 ? series_sample_at(s, i)->elapsed_ns : series_bucket_at(s, lvl, i)->first_ns;
}

/* Makes an array hold at least need elements, doubling so appends stay
 * amortised O(1); returns the (maybe moved) array, or NULL when out of memory
 * (the old array is then untouched). */
static void *series_grow(void *arr, size_t *alloc, size_t elem_bytes, uint64_t need)
{
	if (need <= *alloc)
		return arr;
	size_t n = *alloc ? *alloc : SERIES_REPLAY_MIN_ALLOC;
	while (n < need) {
		if (n > SIZE_MAX / 2 / elem_bytes)
			return NULL;
		n *= 2;
	}
	void *p = realloc(arr, n * elem_bytes);
	if (p)
		*alloc = n;
	return p;
}

/* Replay mode: makes room for one more sample at every level; false when out of memory. */
static bool series_reserve(series *s)
{
	void *p = series_grow(s->samples, &s->samples_alloc, sizeof *s->samples, s->stored + 1);
	if (!p)
		return false;
	s->samples = p;
	for (int lvl = 1; lvl <= s->nlevels; lvl++) {
		struct series_level *l = &s->levels[lvl];
		uint64_t need = (s->stored >> ((unsigned)lvl * SERIES_FANOUT_BITS)) + 1;
		p = series_grow(l->buckets, &l->alloc, sizeof *l->buckets, need);
		if (!p)
			return false;
		l->buckets = p;
	}
	return true;
}

/* Live mode allocates all its rings here, once, so memory never grows later. */
series *series_new(size_t recent_capacity)
{
	series *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	if (pthread_mutex_init(&s->lock, NULL) != 0) {
		free(s);
		return NULL;
	}
	for (int c = 0; c < SAMPLE_NCOLS; c++) {
		s->peak[c] = SAMPLE_NONE;
		s->peak_at_ns[c] = 0;
	}
	s->live = recent_capacity > 0;
	if (!s->live) {
		s->nlevels = SERIES_REPLAY_LEVELS;
		return s;
	}

	size_t cap = recent_capacity / SERIES_LIVE_LEVEL_DIVISOR;
	if (cap < SERIES_LIVE_MIN_LEVEL_CAP)
		cap = SERIES_LIVE_MIN_LEVEL_CAP;
	uint64_t reach = (uint64_t)cap * SERIES_FANOUT;
	s->nlevels = 1;
	while (s->nlevels < SERIES_MAX_LEVELS && reach < SERIES_LIVE_REACH_SAMPLES) {
		reach *= SERIES_FANOUT;
		s->nlevels++;
	}
	if (recent_capacity > SIZE_MAX / sizeof *s->samples || cap > SIZE_MAX / sizeof(struct series_bucket))
		goto fail;
	/* malloc, not calloc: pages of the rings are touched only once written. */
	s->samples = malloc(recent_capacity * sizeof *s->samples);
	if (!s->samples)
		goto fail;
	s->samples_alloc = recent_capacity;
	for (int lvl = 1; lvl <= s->nlevels; lvl++) {
		s->levels[lvl].buckets = malloc(cap * sizeof(struct series_bucket));
		if (!s->levels[lvl].buckets)
			goto fail;
		s->levels[lvl].alloc = cap;
	}
	return s;
fail:
	series_free(s);
	return NULL;
}

/* Frees s and everything it holds; NULL is ignored. */
void series_free(series *s)
{
	if (!s)
		return;
	for (int lvl = 1; lvl <= SERIES_MAX_LEVELS; lvl++)
		free(s->levels[lvl].buckets);
	free(s->samples);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* Starts bucket b with sample p as its only member. */
static void series_bucket_start(struct series_bucket *b, const sample *p)
{
	b->first_ns = p->elapsed_ns;
	b->last_ns = p->elapsed_ns;
	memcpy(b->min, p->v, sizeof b->min);
	memcpy(b->max, p->v, sizeof b->max);
}

/* Widens bucket b to include sample p; unmeasured values leave it as it was. */
static void series_bucket_add(struct series_bucket *b, const sample *p)
{
	b->last_ns = p->elapsed_ns;
	for (int c = 0; c < SAMPLE_NCOLS; c++) {
		int64_t v = p->v[c];
		if (v == SAMPLE_NONE)
			continue;
		if (b->min[c] == SAMPLE_NONE || v < b->min[c])
			b->min[c] = v;
		if (b->max[c] == SAMPLE_NONE || v > b->max[c])
			b->max[c] = v;
	}
}

/* An elapsed_ns earlier than the previous sample's (a caller bug, or clocks
 * of two sources mixed) is clamped to the previous one, so that elapsed time
 * never decreases along the buffer: windows and the pyramid's first/last times
 * rely on that order. Peaks are tracked even for a replay sample that could not
 * be stored for lack of memory; it still counts in series_count. */
void series_append(series *s, const sample *smp)
{
	sample in = *smp;

	pthread_mutex_lock(&s->lock);
	bool empty = s->stored + s->lost == 0;
	if (empty)
		s->first_ns = in.elapsed_ns;
	else if (in.elapsed_ns < s->last.elapsed_ns)
		in.elapsed_ns = s->last.elapsed_ns;
	s->last = in;
	for (int c = 0; c < SAMPLE_NCOLS; c++) {
		if (in.v[c] != SAMPLE_NONE && (s->peak[c] == SAMPLE_NONE || in.v[c] > s->peak[c])) {
			s->peak[c] = in.v[c];
			s->peak_at_ns[c] = in.elapsed_ns;
		}
	}
	if (!s->live && !series_reserve(s)) {
		s->lost++;
		pthread_mutex_unlock(&s->lock);
		return;
	}

	uint64_t i = s->stored;
	*series_sample_at(s, i) = in;
	/* Every level's newest bucket absorbs the sample at once, so partial
	 * buckets are always up to date and the newest data is always visible. */
	for (int lvl = 1; lvl <= s->nlevels; lvl++) {
		unsigned shift = (unsigned)lvl * SERIES_FANOUT_BITS;
		struct series_bucket *b = series_bucket_at(s, lvl, i >> shift);
		if ((i & ((UINT64_C(1) << shift) - 1)) == 0)
			series_bucket_start(b, &in);
		else
			series_bucket_add(b, &in);
	}
	s->stored++;
	pthread_mutex_unlock(&s->lock);
}

/* Counts every append, stored or not. */
size_t series_count(series *s)
{
	pthread_mutex_lock(&s->lock);
	uint64_t n = s->stored + s->lost;
	pthread_mutex_unlock(&s->lock);
	return (size_t)n;
}

/* Copies the newest sample, kept aside so it survives any ring drop. */
int series_last(series *s, sample *out)
{
	int rc = -1;
	pthread_mutex_lock(&s->lock);
	if (s->stored + s->lost > 0) {
		*out = s->last;
		rc = 0;
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/* First and last elapsed times; the first is kept aside for when the ring drops it. */
int series_span(series *s, int64_t *first_ns, int64_t *last_ns)
{
	int rc = -1;
	pthread_mutex_lock(&s->lock);
	if (s->stored + s->lost > 0) {
		if (first_ns)
			*first_ns = s->first_ns;
		if (last_ns)
			*last_ns = s->last.elapsed_ns;
		rc = 0;
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/* Peaks are tracked at append time, so no ring drop can lose them; ties keep the first time. */
int series_peak(series *s, int col, int64_t *value, int64_t *at_ns)
{
	if (col < 0 || col >= SAMPLE_NCOLS)
		return -1;
	int rc = -1;
	pthread_mutex_lock(&s->lock);
	if (s->peak[col] != SAMPLE_NONE) {
		if (value)
			*value = s->peak[col];
		if (at_ns)
			*at_ns = s->peak_at_ns[col];
		rc = 0;
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/* One series_window call: its column, window, and output slices. */
struct series_query {
	const series *s;
	int col;
	int64_t t0_ns;
	int64_t t1_ns;
	uint64_t width_ns;
	size_t nslices;
	int64_t *min;
	int64_t *max;
};

/* Slice holding time t_ns (t0 <= t < t1): floor((t - t0) * nslices / width),
 * in 128 bits so neither long windows nor many slices overflow. */
static size_t series_query_slice(const struct series_query *q, int64_t t_ns)
{
	uint64_t off_ns = (uint64_t)t_ns - (uint64_t)q->t0_ns;
	return (size_t)(((unsigned __int128)off_ns * q->nslices) / q->width_ns);
}

/* Widens slice i to take in values lo..hi. */
static void series_query_add(const struct series_query *q, size_t i, int64_t lo, int64_t hi)
{
	if (q->min[i] == SAMPLE_NONE || lo < q->min[i])
		q->min[i] = lo;
	if (q->max[i] == SAMPLE_NONE || hi > q->max[i])
		q->max[i] = hi;
}

/* Adds item idx of level lvl to the slices, descending into the level below
 * wherever the item crosses a slice or window boundary and finer data is
 * still held; so the answer is exact wherever the samples are still held. */
static void series_query_visit(const struct series_query *q, int lvl, uint64_t idx)
{
	const series *s = q->s;
	int col = q->col;

	if (lvl == 0) {
		const sample *p = series_sample_at(s, idx);
		if (p->v[col] != SAMPLE_NONE && p->elapsed_ns >= q->t0_ns && p->elapsed_ns < q->t1_ns)
			series_query_add(q, series_query_slice(q, p->elapsed_ns), p->v[col], p->v[col]);
		return;
	}

	const struct series_bucket *b = series_bucket_at(s, lvl, idx);
	if (b->min[col] == SAMPLE_NONE || b->last_ns < q->t0_ns || b->first_ns >= q->t1_ns)
		return;
	if (b->first_ns >= q->t0_ns && b->last_ns < q->t1_ns) {
		size_t i = series_query_slice(q, b->first_ns);
		if (i == series_query_slice(q, b->last_ns)) {
			series_query_add(q, i, b->min[col], b->max[col]);
			return;
		}
	}

	uint64_t lo = idx << SERIES_FANOUT_BITS;
	uint64_t hi = lo + SERIES_FANOUT;
	uint64_t n = series_level_count(s, lvl - 1);
	uint64_t oldest = series_level_oldest(s, lvl - 1);
	if (hi > n)
		hi = n;
	/* Children already forgotten hold samples no later than the oldest
	 * child still held; if that one is before t0, they are all outside. */
	if (lo < oldest && hi > oldest && series_item_first_ns(s, lvl - 1, oldest) < q->t0_ns)
		lo = oldest;
	if (lo >= oldest) {
		for (uint64_t c = lo; c < hi; c++)
			series_query_visit(q, lvl - 1, c);
		return;
	}
	/* Only this bucket is left of these samples (live mode, old data): it
	 * goes whole to the slice of its first sample (slice 0 if it began before
	 * t0). Its extremes may so show up to one bucket early, and one crossing
	 * t0 or t1 brings values from just outside the window, but no value in
	 * the window is ever lost. */
	size_t i = b->first_ns >= q->t0_ns ? series_query_slice(q, b->first_ns) : 0;
	series_query_add(q, i, b->min[col], b->max[col]);
}

/* Walks the pyramid from the top: a bucket inside one slice costs O(1); only
 * the buckets that cross one of the nslices + 1 boundaries are opened, each
 * into SERIES_FANOUT children, so the cost is O(top buckets in the window +
 * nslices * levels * SERIES_FANOUT), independent of the number of samples.
 * The caller holds the lock. */
static void series_window_locked(const series *s, int col, int64_t t0_ns, int64_t t1_ns,
                                 size_t nslices, int64_t *min, int64_t *max)
{
	for (size_t i = 0; i < nslices; i++) {
		min[i] = SAMPLE_NONE;
		max[i] = SAMPLE_NONE;
	}
	if (col < 0 || col >= SAMPLE_NCOLS || nslices == 0 || t1_ns <= t0_ns)
		return;

	struct series_query q = {
		.s = s, .col = col, .t0_ns = t0_ns, .t1_ns = t1_ns,
		.width_ns = (uint64_t)t1_ns - (uint64_t)t0_ns,
		.nslices = nslices, .min = min, .max = max,
	};
	int top = s->nlevels;
	uint64_t lo = series_level_oldest(s, top);
	uint64_t hi = series_level_count(s, top);
	uint64_t end = hi;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (series_bucket_at(s, top, mid)->last_ns < t0_ns)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (uint64_t b = lo; b < end && series_bucket_at(s, top, b)->first_ns < t1_ns; b++)
		series_query_visit(&q, top, b);
}

void series_window(series *s, int col, int64_t t0_ns, int64_t t1_ns, size_t nslices,
                   int64_t *min, int64_t *max)
{
	pthread_mutex_lock(&s->lock);
	series_window_locked(s, col, t0_ns, t1_ns, nslices, min, max);
	pthread_mutex_unlock(&s->lock);
}

void series_snapshot(series *s, series_plan plan, void *ctx, series_head *head)
{
	pthread_mutex_lock(&s->lock);
	head->count = (size_t)(s->stored + s->lost);
	head->first_ns = s->first_ns;
	head->last_ns = s->last.elapsed_ns;
	head->last = s->last;
	memcpy(head->peak, s->peak, sizeof head->peak);
	memcpy(head->peak_at_ns, s->peak_at_ns, sizeof head->peak_at_ns);
	if (plan) {
		series_ask asks[SERIES_MAX_ASKS];
		size_t n = plan(ctx, head, asks, SERIES_MAX_ASKS);
		for (size_t i = 0; i < n && i < SERIES_MAX_ASKS; i++)
			series_window_locked(s, asks[i].col, asks[i].t0_ns, asks[i].t1_ns, asks[i].nslices,
			                     asks[i].min, asks[i].max);
	}
	pthread_mutex_unlock(&s->lock);
}

size_t series_points(series *s, int col, size_t slices, int64_t **t_ns, int64_t **v)
{
	size_t n = 0;
	*t_ns = NULL;
	*v = NULL;
	if (col < 0 || col >= SAMPLE_NCOLS || slices == 0)
		return 0;
	pthread_mutex_lock(&s->lock);
	bool all = s->lost == 0 && series_level_oldest(s, 0) == 0;
	size_t want = all ? (size_t)s->stored : slices;
	int64_t *t = s->stored ? malloc(want * sizeof *t) : NULL;
	int64_t *val = t ? malloc(want * sizeof *val) : NULL;
	if (!val) {
		free(t);
		t = NULL;
	} else if (all) {
		for (uint64_t i = 0; i < s->stored; i++) {
			const sample *p = series_sample_at(s, i);
			t[n] = p->elapsed_ns;
			val[n++] = p->v[col];
		}
	} else {
		/* The window's min goes into t, overwritten as the pairs are packed. */
		int64_t first = s->first_ns, last = s->last.elapsed_ns;
		int64_t step = (last + 1 - first) / (int64_t)slices;
		series_window_locked(s, col, first, last + 1, slices, t, val);
		for (size_t i = 0; i < slices; i++) {
			if (val[i] == SAMPLE_NONE)
				continue;
			t[n] = first + (int64_t)i * step;
			val[n++] = val[i];
		}
	}
	pthread_mutex_unlock(&s->lock);
	if (n == 0) {
		free(t);
		free(val);
		return 0;
	}
	*t_ns = t;
	*v = val;
	return n;
}

/* Allocated bytes, used or not (live rings are allocated whole at the start). */
size_t series_memory_bytes(series *s)
{
	pthread_mutex_lock(&s->lock);
	size_t bytes = sizeof *s + s->samples_alloc * sizeof *s->samples;
	for (int lvl = 1; lvl <= s->nlevels; lvl++)
		bytes += s->levels[lvl].alloc * sizeof(struct series_bucket);
	pthread_mutex_unlock(&s->lock);
	return bytes;
}
