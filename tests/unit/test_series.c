/* test_series.c: unit tests of the series buffer: basics, windows against a
 * brute-force scan of the same samples, live-mode wraparound with bounded
 * memory, unmeasured columns, and a writer and a reader at the same time. */

#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/series.h"

#define MS_NS INT64_C(1000000)

/* A splitmix64 step: the tests' deterministic pseudo-random numbers. */
static uint64_t test_mix(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

/* Next number of the generator whose state is *st. */
static uint64_t test_rand(uint64_t *st)
{
	*st += 1;
	return test_mix(*st);
}

/* Uniform in [lo, hi] (hi >= lo). */
static int64_t test_range(uint64_t *st, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(test_rand(st) % (uint64_t)(hi - lo + 1));
}

/* A sample at t_ns with every column unmeasured (not sample_clear, so
 * this test links without probe.c). */
static sample test_sample(int64_t t_ns)
{
	sample p;
	p.elapsed_ns = t_ns;
	p.wall_ns = INT64_C(1700000000) * 1000 * MS_NS + t_ns;
	for (int c = 0; c < SAMPLE_NCOLS; c++)
		p.v[c] = SAMPLE_NONE;
	return p;
}

/* n samples of varied data: irregular steps (some zero, some long gaps), RSS
 * a random walk, SWAP unmeasured in a third of samples, PSS in every 10th,
 * CGROUP never; all values in [0, 2e9]. */
static sample *test_gen(size_t n, uint64_t seed)
{
	sample *smp = malloc(n * sizeof *smp);
	assert_non_null(smp);
	uint64_t st = seed;
	int64_t t = test_range(&st, 0, 5 * MS_NS);
	int64_t rss = 100000000;
	for (size_t i = 0; i < n; i++) {
		uint64_t r = test_rand(&st) % 100;
		if (r >= 5 && r < 7)
			t += test_range(&st, 100 * MS_NS, 2000 * MS_NS);
		else if (r >= 7)
			t += test_range(&st, 1, 3 * MS_NS);
		smp[i] = test_sample(t);
		rss += test_range(&st, -1000000, 1000000);
		if (rss < 0)
			rss = 0;
		smp[i].v[SAMPLE_RSS] = rss;
		smp[i].v[SAMPLE_ANON] = test_range(&st, 0, 2000000000);
		smp[i].v[SAMPLE_FILE] = test_range(&st, 0, 1000);
		smp[i].v[SAMPLE_SHMEM] = 0;
		smp[i].v[SAMPLE_SWAP] = test_rand(&st) % 3 == 0 ? SAMPLE_NONE : test_range(&st, 0, 5000000);
		smp[i].v[SAMPLE_PSS] = i % 10 == 0 ? test_range(&st, 0, 300000000) : SAMPLE_NONE;
		smp[i].v[SAMPLE_PROCS] = test_range(&st, 1, 40);
		smp[i].v[SAMPLE_SYS_USED] = test_range(&st, 1000000000, 1100000000);
		smp[i].v[SAMPLE_SYS_AVAIL] = test_range(&st, 0, 1);
	}
	return smp;
}

/* The min/max of col per slice by a direct scan of sorted samples: slice i
 * holds the times t with t0 + i*W/n <= t < t0 + (i+1)*W/n, i.e. integer t from
 * t0 + ceil(i*W/n) on. */
static void test_brute(const sample *smp, size_t n, int col, int64_t t0, int64_t t1,
                       size_t nslices, int64_t *min, int64_t *max)
{
	__int128 w = (__int128)t1 - t0;
	size_t k = 0;
	while (k < n && smp[k].elapsed_ns < t0)
		k++;
	for (size_t i = 0; i < nslices; i++) {
		min[i] = SAMPLE_NONE;
		max[i] = SAMPLE_NONE;
		__int128 num = w * (__int128)(i + 1);
		__int128 end = t0 + (num + (__int128)nslices - 1) / (__int128)nslices;
		for (; k < n && smp[k].elapsed_ns < end; k++) {
			int64_t v = smp[k].v[col];
			if (v == SAMPLE_NONE)
				continue;
			if (min[i] == SAMPLE_NONE || v < min[i])
				min[i] = v;
			if (max[i] == SAMPLE_NONE || v > max[i])
				max[i] = v;
		}
	}
}

/* Compares series_window with the brute-force scan over one window. */
static void test_check_window(series *s, const sample *smp, size_t n, int col,
                              int64_t t0, int64_t t1, size_t nslices)
{
	int64_t *min = malloc(nslices * sizeof *min), *max = malloc(nslices * sizeof *max);
	int64_t *bmin = malloc(nslices * sizeof *bmin), *bmax = malloc(nslices * sizeof *bmax);
	assert_true(min && max && bmin && bmax);
	series_window(s, col, t0, t1, nslices, min, max);
	test_brute(smp, n, col, t0, t1, nslices, bmin, bmax);
	for (size_t i = 0; i < nslices; i++) {
		if (min[i] != bmin[i] || max[i] != bmax[i])
			fail_msg("col %d window [%lld,%lld) /%zu slice %zu: got [%lld,%lld] want [%lld,%lld]",
			         col, (long long)t0, (long long)t1, nslices, i, (long long)min[i],
			         (long long)max[i], (long long)bmin[i], (long long)bmax[i]);
	}
	free(min);
	free(max);
	free(bmin);
	free(bmax);
}

/* An empty series answers "nothing" everywhere, in both modes. */
static void test_empty(void **state)
{
	(void)state;
	size_t caps[] = { 0, 64 };
	for (size_t k = 0; k < 2; k++) {
		series *s = series_new(caps[k]);
		assert_non_null(s);
		sample p;
		int64_t a = 7, b = 7, min[5], max[5];
		assert_int_equal(series_count(s), 0);
		assert_int_equal(series_last(s, &p), -1);
		assert_int_equal(series_span(s, &a, &b), -1);
		assert_int_equal(series_peak(s, SAMPLE_RSS, &a, &b), -1);
		for (int i = 0; i < 5; i++)
			min[i] = max[i] = 42;
		series_window(s, SAMPLE_RSS, 0, 1000, 5, min, max);
		for (int i = 0; i < 5; i++) {
			assert_int_equal(min[i], SAMPLE_NONE);
			assert_int_equal(max[i], SAMPLE_NONE);
		}
		assert_true(series_memory_bytes(s) > 0);
		series_free(s);
	}
}

/* append, last, count, span and peak on a few samples, and the clamping of an
 * elapsed time that goes backwards. */
static void test_basics(void **state)
{
	(void)state;
	series *s = series_new(0);
	assert_non_null(s);
	sample a = test_sample(10 * MS_NS), b = test_sample(20 * MS_NS), c = test_sample(30 * MS_NS);
	a.v[SAMPLE_RSS] = 500;
	b.v[SAMPLE_RSS] = 900;
	c.v[SAMPLE_RSS] = 700;
	c.v[SAMPLE_PROCS] = 3;
	series_append(s, &a);
	series_append(s, &b);
	series_append(s, &c);

	sample got;
	int64_t first, last, v, at;
	assert_int_equal(series_count(s), 3);
	assert_int_equal(series_last(s, &got), 0);
	assert_memory_equal(&got, &c, sizeof got);
	assert_int_equal(series_span(s, &first, &last), 0);
	assert_int_equal(first, 10 * MS_NS);
	assert_int_equal(last, 30 * MS_NS);
	assert_int_equal(series_peak(s, SAMPLE_RSS, &v, &at), 0);
	assert_int_equal(v, 900);
	assert_int_equal(at, 20 * MS_NS);
	assert_int_equal(series_peak(s, SAMPLE_PROCS, &v, &at), 0);
	assert_int_equal(v, 3);
	assert_int_equal(at, 30 * MS_NS);
	assert_int_equal(series_peak(s, SAMPLE_ANON, &v, &at), -1);
	assert_int_equal(series_peak(s, SAMPLE_NCOLS, &v, &at), -1);

	/* Backwards in time: stored at the previous sample's time. */
	sample d = test_sample(5 * MS_NS);
	d.v[SAMPLE_RSS] = 1000;
	series_append(s, &d);
	assert_int_equal(series_count(s), 4);
	assert_int_equal(series_last(s, &got), 0);
	assert_int_equal(got.elapsed_ns, 30 * MS_NS);
	assert_int_equal(got.v[SAMPLE_RSS], 1000);
	assert_int_equal(series_span(s, &first, &last), 0);
	assert_int_equal(last, 30 * MS_NS);
	assert_int_equal(series_peak(s, SAMPLE_RSS, &v, &at), 0);
	assert_int_equal(v, 1000);
	assert_int_equal(at, 30 * MS_NS);
	/* A later equal value leaves the peak at its first time. */
	sample e = test_sample(40 * MS_NS);
	e.v[SAMPLE_RSS] = 1000;
	series_append(s, &e);
	assert_int_equal(series_peak(s, SAMPLE_RSS, &v, &at), 0);
	assert_int_equal(at, 30 * MS_NS);

	/* Three 10 ms slices from 5 ms: [5,15) [15,25) [25,35). */
	int64_t min[3], max[3];
	series_window(s, SAMPLE_RSS, 5 * MS_NS, 35 * MS_NS, 3, min, max);
	assert_int_equal(min[0], 500);
	assert_int_equal(max[0], 500);
	assert_int_equal(min[1], 900);
	assert_int_equal(max[1], 900);
	assert_int_equal(min[2], 700);
	assert_int_equal(max[2], 1000);
	/* The window is half-open: a sample at t1 is outside. */
	series_window(s, SAMPLE_RSS, 0, 10 * MS_NS, 1, min, max);
	assert_int_equal(min[0], SAMPLE_NONE);
	assert_int_equal(max[0], SAMPLE_NONE);
	/* Bad arguments leave every slice empty. */
	series_window(s, SAMPLE_RSS, 35 * MS_NS, 5 * MS_NS, 3, min, max);
	assert_int_equal(max[0], SAMPLE_NONE);
	series_window(s, -1, 5 * MS_NS, 35 * MS_NS, 3, min, max);
	assert_int_equal(max[2], SAMPLE_NONE);
	series_free(s);
}

/* Random windows and slice counts over the whole recording of a replay
 * series (everything held) match the brute-force scan exactly. */
static void test_window_replay(void **state)
{
	(void)state;
	const size_t n = 20000;
	sample *smp = test_gen(n, 1);
	series *s = series_new(0);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		series_append(s, &smp[i]);
	assert_int_equal(series_count(s), n);

	int64_t first = smp[0].elapsed_ns, last = smp[n - 1].elapsed_ns;
	uint64_t st = 99;
	for (int k = 0; k < 300; k++) {
		int col = (int)(test_rand(&st) % SAMPLE_NCOLS);
		size_t nslices = (size_t)test_range(&st, 1, 600);
		int64_t t0, t1;
		if (k % 4 == 0) {
			t0 = first;
			t1 = last + 1;
		} else if (k % 4 == 1) {
			/* Edges exactly on sample times. */
			size_t a = (size_t)test_range(&st, 0, (int64_t)n - 1);
			size_t b = (size_t)test_range(&st, (int64_t)a, (int64_t)n - 1);
			t0 = smp[a].elapsed_ns;
			t1 = smp[b].elapsed_ns + (k % 8 == 1 || smp[a].elapsed_ns == smp[b].elapsed_ns);
		} else {
			t0 = test_range(&st, first - 50 * MS_NS, last + 10 * MS_NS);
			int64_t w = test_rand(&st) % 2 ? test_range(&st, 1, 200 * MS_NS)
			                               : test_range(&st, 1, last - first + 100 * MS_NS);
			t1 = t0 + w;
		}
		test_check_window(s, smp, n, col, t0, t1, nslices);
	}
	/* Many more slices than samples; windows just around the first sample. */
	test_check_window(s, smp, n, SAMPLE_RSS, first, last + 1, 50000);
	test_check_window(s, smp, n, SAMPLE_RSS, first, first + 1, 1);
	test_check_window(s, smp, n, SAMPLE_RSS, first - 5, first + 1, 3);
	series_free(s);
	free(smp);
}

/* In live mode, windows that start after the oldest sample still held at full
 * resolution match the brute-force scan exactly, though the ring has wrapped.
 * n - cap is not a multiple of the fanout, so the oldest sample held sits
 * inside a bucket whose first samples are forgotten. */
static void test_window_live(void **state)
{
	(void)state;
	const size_t n = 20007, cap = 4096;
	sample *smp = test_gen(n, 2);
	series *s = series_new(cap);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		series_append(s, &smp[i]);
	assert_int_equal(series_count(s), n);

	int64_t oldest = smp[n - cap].elapsed_ns, last = smp[n - 1].elapsed_ns;
	uint64_t st = 7;
	for (int k = 0; k < 400; k++) {
		int col = (int)(test_rand(&st) % SAMPLE_NCOLS);
		size_t nslices = (size_t)test_range(&st, 1, 600);
		int64_t t0 = k % 4 == 0 ? oldest + 1 : test_range(&st, oldest + 1, last + 10 * MS_NS);
		int64_t t1 = t0 + test_range(&st, 1, last - oldest + 100 * MS_NS);
		if (k % 4 == 1) {
			/* Edges exactly on sample times. */
			size_t a = (size_t)test_range(&st, (int64_t)(n - cap) + 1, (int64_t)n - 1);
			size_t b = (size_t)test_range(&st, (int64_t)a, (int64_t)n - 1);
			if (smp[a].elapsed_ns > oldest) {
				t0 = smp[a].elapsed_ns;
				t1 = smp[b].elapsed_ns + (smp[a].elapsed_ns == smp[b].elapsed_ns);
			}
		}
		test_check_window(s, smp, n, col, t0, t1, nslices);
	}
	series_free(s);
	free(smp);
}

#define WRAP_N 100000
#define WRAP_SPIKE_AT 5000
#define WRAP_SPIKE INT64_C(1000000000000)

/* Sample i of the wraparound test: one every ms; even columns a strictly
 * rising ramp (so a lost sample cannot hide inside a neighbour's range), odd
 * ones hashed noise; SWAP unmeasured in a quarter of them, CGROUP never, one
 * RSS spike. */
static sample test_wrap_sample(size_t i)
{
	sample p = test_sample((int64_t)i * MS_NS);
	for (int c = 0; c < SAMPLE_NCOLS; c++) {
		uint64_t h = test_mix((uint64_t)i * 16 + (uint64_t)c);
		p.v[c] = c % 2 == 0 ? (int64_t)i * 10000 + (int64_t)(h % 5000) : (int64_t)(h % 1000000000);
	}
	if (test_mix((uint64_t)i) % 4 == 0)
		p.v[SAMPLE_SWAP] = SAMPLE_NONE;
	p.v[SAMPLE_CGROUP] = SAMPLE_NONE;
	if (i == WRAP_SPIKE_AT)
		p.v[SAMPLE_RSS] = WRAP_SPIKE;
	return p;
}

/* The wraparound data, made once: the brute-force scans read it many times. */
static const sample *test_wrap_data(void)
{
	static sample *data;
	if (!data) {
		data = malloc(WRAP_N * sizeof *data);
		assert_non_null(data);
		for (size_t i = 0; i < WRAP_N; i++)
			data[i] = test_wrap_sample(i);
	}
	return data;
}

/* Brute-force min/max of col over samples [lo, hi) of the wraparound data. */
static void test_wrap_brute(size_t lo, size_t hi, int col, int64_t *min, int64_t *max)
{
	const sample *data = test_wrap_data();
	*min = *max = SAMPLE_NONE;
	for (size_t i = lo; i < hi && i < WRAP_N; i++) {
		int64_t v = data[i].v[col];
		if (v == SAMPLE_NONE)
			continue;
		if (*min == SAMPLE_NONE || v < *min)
			*min = v;
		if (*max == SAMPLE_NONE || v > *max)
			*max = v;
	}
}

/* Live mode with a tiny ring: memory stays flat, the count is right, the old
 * spike is never lost, and windows at the resolution still held are exact. */
static void test_wraparound(void **state)
{
	(void)state;
	series *s = series_new(64);
	assert_non_null(s);
	size_t mem_new = series_memory_bytes(s), mem_10k = 0;
	for (size_t i = 0; i < WRAP_N; i++) {
		series_append(s, &test_wrap_data()[i]);
		if (i + 1 == 10000)
			mem_10k = series_memory_bytes(s);
	}
	size_t mem_100k = series_memory_bytes(s);
	assert_int_equal(mem_10k, mem_new);
	assert_int_equal(mem_100k, mem_10k);
	assert_true(mem_100k < WRAP_N * sizeof(sample) / 4);
	assert_int_equal(series_count(s), WRAP_N);

	sample got, want = test_wrap_sample(WRAP_N - 1);
	assert_int_equal(series_last(s, &got), 0);
	assert_memory_equal(&got, &want, sizeof got);
	int64_t first, last, v, at;
	assert_int_equal(series_span(s, &first, &last), 0);
	assert_int_equal(first, 0);
	assert_int_equal(last, (WRAP_N - 1) * MS_NS);
	assert_int_equal(series_peak(s, SAMPLE_RSS, &v, &at), 0);
	assert_int_equal(v, WRAP_SPIKE);
	assert_int_equal(at, WRAP_SPIKE_AT * MS_NS);
	assert_int_equal(series_peak(s, SAMPLE_CGROUP, &v, &at), -1);

	/* With 64 buckets a level, old samples survive as buckets of 16^3 = 4096
	 * samples. Windows whose slices are whole runs of such buckets are exact. */
	const size_t bucket = (size_t)SERIES_FANOUT * SERIES_FANOUT * SERIES_FANOUT;
	int64_t min[64], max[64];
	uint64_t st = 3;
	for (int k = 0; k < 60; k++) {
		int col = (int)(test_rand(&st) % SAMPLE_NCOLS);
		size_t nslices = (size_t)test_range(&st, 1, 8);
		size_t per = (size_t)test_range(&st, 1, 3) * bucket;
		size_t lo = (size_t)test_range(&st, 0, WRAP_N / bucket - 1) * bucket;
		if (k == 0) {
			col = SAMPLE_RSS;
			lo = 0;
			per = bucket;
			nslices = (WRAP_N + bucket - 1) / bucket;
		}
		series_window(s, col, (int64_t)lo * MS_NS, (int64_t)(lo + nslices * per) * MS_NS,
		              nslices, min, max);
		for (size_t i = 0; i < nslices; i++) {
			int64_t bmin, bmax;
			test_wrap_brute(lo + i * per, lo + (i + 1) * per, col, &bmin, &bmax);
			assert_int_equal(min[i], bmin);
			assert_int_equal(max[i], bmax);
		}
		if (k == 0)
			assert_int_equal(max[WRAP_SPIKE_AT / bucket], WRAP_SPIKE);
	}

	/* Any slicing of the whole span keeps the spike, in a slice that overlaps
	 * [start of the spike's 4096-sample bucket, spike]; and the extremes over
	 * all slices are those of the data. */
	int64_t rss_min, rss_max;
	test_wrap_brute(0, WRAP_N, SAMPLE_RSS, &rss_min, &rss_max);
	for (size_t nslices = 1; nslices <= 64; nslices += 7) {
		int64_t t1 = last + 1;
		series_window(s, SAMPLE_RSS, 0, t1, nslices, min, max);
		size_t hit = nslices;
		int64_t lowest = SAMPLE_NONE;
		for (size_t i = 0; i < nslices; i++) {
			assert_true(min[i] <= max[i]);
			if (max[i] == WRAP_SPIKE && hit == nslices)
				hit = i;
			if (min[i] != SAMPLE_NONE && (lowest == SAMPLE_NONE || min[i] < lowest))
				lowest = min[i];
		}
		assert_true(hit < nslices);
		/* Slice hit is [t1*hit/nslices, t1*(hit+1)/nslices), compared exactly. */
		__int128 spike_ns = (__int128)WRAP_SPIKE_AT * MS_NS;
		__int128 bucket_ns = (__int128)(WRAP_SPIKE_AT / bucket * bucket) * MS_NS;
		assert_true((__int128)t1 * hit <= spike_ns * nslices);
		assert_true((__int128)t1 * (hit + 1) > bucket_ns * nslices);
		assert_int_equal(lowest, rss_min);
	}
	series_free(s);
}

/* Checks one window over the wrapped live series: every sample in [t0, t1)
 * lies inside the [min, max] of its own slice or of one at most a 4096-sample
 * bucket earlier (a coarse bucket goes to the slice of its first sample), and
 * every slice holds only values of samples in [t0 - 4096 ms, t1 + 4096 ms) (a
 * coarse bucket crossing t0 or t1 is taken whole). */
static void test_wrap_check(series *s, int col, int64_t t0, int64_t t1, size_t nslices)
{
	const int64_t coarse = (int64_t)SERIES_FANOUT * SERIES_FANOUT * SERIES_FANOUT;
	int64_t min[64], max[64];
	assert_true(nslices <= 64);
	series_window(s, col, t0, t1, nslices, min, max);
	__int128 w = (__int128)t1 - t0;

	int64_t emin, emax;
	size_t from = t0 / MS_NS > coarse ? (size_t)(t0 / MS_NS - coarse) : 0;
	test_wrap_brute(from, (size_t)((t1 + MS_NS - 1) / MS_NS + coarse), col, &emin, &emax);
	for (size_t i = 0; i < nslices; i++) {
		if ((min[i] == SAMPLE_NONE) != (max[i] == SAMPLE_NONE))
			fail_msg("slice %zu half empty", i);
		if (min[i] != SAMPLE_NONE && (min[i] < emin || max[i] > emax || min[i] > max[i]))
			fail_msg("col %d [%lld,%lld)/%zu slice %zu [%lld,%lld] outside the data [%lld,%lld]",
			         col, (long long)t0, (long long)t1, nslices, i, (long long)min[i],
			         (long long)max[i], (long long)emin, (long long)emax);
	}
	for (int64_t t = (t0 + MS_NS - 1) / MS_NS * MS_NS; t < t1 && t < WRAP_N * MS_NS; t += MS_NS) {
		int64_t v = test_wrap_data()[t / MS_NS].v[col];
		if (v == SAMPLE_NONE)
			continue;
		size_t hi = (size_t)((__int128)(t - t0) * nslices / w);
		int64_t early = t - coarse * MS_NS < t0 ? t0 : t - coarse * MS_NS;
		size_t lo = (size_t)((__int128)(early - t0) * nslices / w);
		bool kept = false;
		for (size_t i = lo; i <= hi && !kept; i++)
			kept = min[i] != SAMPLE_NONE && min[i] <= v && v <= max[i];
		if (!kept)
			fail_msg("col %d window [%lld,%lld)/%zu: sample at %lld (%lld) in no slice %zu..%zu",
			         col, (long long)t0, (long long)t1, nslices, (long long)t, (long long)v, lo, hi);
	}
}

/* Unaligned windows over the wrapped live series keep every sample (see
 * test_wrap_check): random ones, and a sweep of small ones across the last
 * 22% of the span, where the finer levels end one after another. */
static void test_wrap_peaks_kept(void **state)
{
	(void)state;
	series *s = series_new(64);
	assert_non_null(s);
	for (size_t i = 0; i < WRAP_N; i++)
		series_append(s, &test_wrap_data()[i]);
	uint64_t st = 5;
	for (int k = 0; k < 100; k++) {
		int col = (int)(test_rand(&st) % SAMPLE_NCOLS);
		size_t nslices = (size_t)test_range(&st, 1, 64);
		int64_t t0 = test_range(&st, 0, WRAP_N * MS_NS);
		if (k % 3 == 0)
			t0 = t0 / MS_NS * MS_NS;
		int64_t t1 = t0 + test_range(&st, 1, k % 2 ? 300 * MS_NS : 30000 * MS_NS);
		test_wrap_check(s, col, t0, t1, nslices);
	}
	int step = 0;
	for (int64_t t0 = 78000 * MS_NS; t0 < WRAP_N * MS_NS; t0 += 17 * MS_NS, step++) {
		int64_t start = step % 2 ? t0 : t0 + MS_NS / 2;
		test_wrap_check(s, step % 4 < 2 ? SAMPLE_RSS : SAMPLE_FILE, start, start + 40 * MS_NS,
		                (size_t)(1 + step % 5));
	}
	series_free(s);
}

/* Live ring of 64 after 1000 samples one ms apart, except that samples
 * 930..940 share one time T; the ring holds 936.. so a spike at 935 exists
 * only in a bucket. A window from T must still show it. */
static void test_wrap_same_time(void **state)
{
	(void)state;
	series *s = series_new(64);
	assert_non_null(s);
	const int64_t same_ns = 930 * MS_NS;
	for (size_t i = 0; i < 1000; i++) {
		sample p = test_sample(i >= 930 && i <= 940 ? same_ns : (int64_t)i * MS_NS);
		p.v[SAMPLE_RSS] = i == 935 ? 1000000 : (int64_t)i;
		series_append(s, &p);
	}
	int64_t min[4], max[4], top = SAMPLE_NONE;
	series_window(s, SAMPLE_RSS, same_ns, 1000 * MS_NS, 4, min, max);
	for (int i = 0; i < 4; i++)
		if (max[i] > top)
			top = max[i];
	assert_int_equal(top, 1000000);
	series_free(s);
}

/* A column never measured is SAMPLE_NONE everywhere; one measured only in
 * some samples shows only where it was, in both modes, also after wrapping. */
static void test_none_columns(void **state)
{
	(void)state;
	size_t caps[] = { 0, 256 };
	for (size_t k = 0; k < 2; k++) {
		series *s = series_new(caps[k]);
		assert_non_null(s);
		for (size_t i = 0; i < 1000; i++) {
			sample p = test_sample((int64_t)i * MS_NS);
			p.v[SAMPLE_RSS] = (int64_t)i;
			if (i >= 900 && i < 950)
				p.v[SAMPLE_PSS] = 5000 + (int64_t)i;
			series_append(s, &p);
		}
		int64_t v, at, min[10], max[10];
		assert_int_equal(series_peak(s, SAMPLE_CGROUP, &v, &at), -1);
		assert_int_equal(series_peak(s, SAMPLE_PSS, &v, &at), 0);
		assert_int_equal(v, 5949);
		assert_int_equal(at, 949 * MS_NS);

		series_window(s, SAMPLE_CGROUP, 0, 1000 * MS_NS, 10, min, max);
		for (int i = 0; i < 10; i++) {
			assert_int_equal(min[i], SAMPLE_NONE);
			assert_int_equal(max[i], SAMPLE_NONE);
		}
		/* 100 ms slices over the recent, full-resolution tail. */
		series_window(s, SAMPLE_PSS, 900 * MS_NS, 1000 * MS_NS, 10, min, max);
		for (int i = 0; i < 10; i++) {
			if (i < 5) {
				assert_int_equal(min[i], 5900 + i * 10);
				assert_int_equal(max[i], 5909 + i * 10);
			} else {
				assert_int_equal(min[i], SAMPLE_NONE);
				assert_int_equal(max[i], SAMPLE_NONE);
			}
		}
		series_free(s);
	}
}

/* Live memory is bounded and allocated once: under 9 MiB for the default
 * ring of 32768 samples of 15 columns (8.13 MiB), unchanged by 200k appends (the sample ring wraps 6
 * times, level 1's three times); replay grows. */
static void test_memory(void **state)
{
	(void)state;
	series *s = series_new(32768);
	assert_non_null(s);
	size_t before = series_memory_bytes(s);
	assert_true(before >= 32768 * sizeof(sample));
	assert_true(before < 9u * 1024 * 1024);
	sample p = test_sample(0);
	for (size_t i = 0; i < 200000; i++) {
		p.elapsed_ns = (int64_t)i * 100000;
		p.v[SAMPLE_RSS] = (int64_t)(i % 1000);
		series_append(s, &p);
	}
	assert_int_equal(series_memory_bytes(s), before);
	assert_int_equal(series_count(s), 200000);
	series_free(s);

	series *r = series_new(0);
	assert_non_null(r);
	size_t mem_10k = 0;
	for (size_t i = 0; i < 100000; i++) {
		p.elapsed_ns = (int64_t)i * MS_NS;
		series_append(r, &p);
		if (i + 1 == 10000)
			mem_10k = series_memory_bytes(r);
	}
	assert_true(mem_10k >= 10000 * sizeof(sample));
	assert_true(series_memory_bytes(r) >= 100000 * sizeof(sample));
	series_free(r);
}

#define CONC_N 200000
#define CONC_VMIN INT64_C(1000)
#define CONC_VMAX INT64_C(1000000)

struct conc {
	series *s;
	atomic_bool done;
	long reads;
	char err[256]; /* the reader's first failure; cmocka's asserts only work on the test's thread */
};

#define CONC_FAIL(c, ...) do { snprintf((c)->err, sizeof (c)->err, __VA_ARGS__); return NULL; } while (0)

/* Writer: CONC_N samples, one per microsecond, values in [VMIN, VMAX]. */
static void *test_conc_writer(void *arg)
{
	struct conc *c = arg;
	for (size_t i = 0; i < CONC_N; i++) {
		sample p = test_sample((int64_t)i * 1000);
		p.v[SAMPLE_RSS] = CONC_VMIN + (int64_t)(test_mix(i) % (uint64_t)(CONC_VMAX - CONC_VMIN + 1));
		p.v[SAMPLE_ANON] = i % 3 ? CONC_VMIN + (int64_t)(i % 1000) : SAMPLE_NONE;
		series_append(c->s, &p);
	}
	atomic_store(&c->done, true);
	return NULL;
}

#define CONC_SLICES 16
static int64_t conc_min[CONC_SLICES], conc_max[CONC_SLICES];

/* The reader's frame plan: the RSS of the last second up to the newest sample. */
static size_t conc_plan(void *ctx, const series_head *head, series_ask *asks, size_t max)
{
	(void)ctx;
	if (head->count == 0 || max < 1) {
		for (size_t i = 0; i < CONC_SLICES; i++)
			conc_min[i] = conc_max[i] = SAMPLE_NONE;
		return 0;
	}
	asks[0] = (series_ask){ SAMPLE_RSS, head->last_ns - 999999, head->last_ns + 1, CONC_SLICES, conc_min, conc_max };
	return 1;
}

/* Reader: windows and last samples while the writer runs; checks invariants
 * that hold whatever the interleaving. */
static void *test_conc_reader(void *arg)
{
	struct conc *c = arg;
	uint64_t st = 11;
	int64_t prev_ns = -1;
	size_t prev_count = 0;
	int64_t min[128], max[128];
	bool finished = false;
	while (!finished) {
		finished = atomic_load(&c->done);
		sample last;
		size_t count = series_count(c->s);
		if (count < prev_count)
			CONC_FAIL(c, "count went down: %zu then %zu", prev_count, count);
		prev_count = count;
		if (series_last(c->s, &last) != 0) {
			if (count > 0)
				CONC_FAIL(c, "count %zu but no last sample", count);
			continue;
		}
		if (last.elapsed_ns < prev_ns)
			CONC_FAIL(c, "last sample went back in time: %lld then %lld", (long long)prev_ns,
			         (long long)last.elapsed_ns);
		prev_ns = last.elapsed_ns;

		int col = test_rand(&st) % 2 ? SAMPLE_RSS : SAMPLE_ANON;
		size_t nslices = (size_t)test_range(&st, 1, 128);
		int64_t t0 = test_range(&st, 0, last.elapsed_ns);
		series_window(c->s, col, t0, last.elapsed_ns + 1, nslices, min, max);
		int64_t peak = SAMPLE_NONE, at;
		if (series_peak(c->s, col, &peak, &at) != 0 && col == SAMPLE_RSS)
			CONC_FAIL(c, "RSS peak missing after a sample");
		bool any = false;
		for (size_t i = 0; i < nslices; i++) {
			if ((min[i] == SAMPLE_NONE) != (max[i] == SAMPLE_NONE))
				CONC_FAIL(c, "slice %zu half empty", i);
			if (min[i] == SAMPLE_NONE)
				continue;
			any = true;
			if (min[i] > max[i] || min[i] < CONC_VMIN || max[i] > CONC_VMAX || max[i] > peak)
				CONC_FAIL(c, "slice %zu: [%lld,%lld] peak %lld", i, (long long)min[i],
				         (long long)max[i], (long long)peak);
		}
		/* The last sample read is in the window and RSS is always measured. */
		if (col == SAMPLE_RSS && !any)
			CONC_FAIL(c, "window up to the last sample is empty");
		/* A frame's snapshot: the window planned from the head, under the
		 * same lock, holds the head's newest sample in its last slice. */
		series_head head;
		series_snapshot(c->s, conc_plan, &st, &head);
		if (head.count < count)
			CONC_FAIL(c, "snapshot count %zu below an earlier count %zu", head.count, count);
		if (conc_max[CONC_SLICES - 1] < head.last.v[SAMPLE_RSS] || conc_max[CONC_SLICES - 1] > head.peak[SAMPLE_RSS])
			CONC_FAIL(c, "snapshot: last slice max %lld, newest %lld, peak %lld",
			          (long long)conc_max[CONC_SLICES - 1], (long long)head.last.v[SAMPLE_RSS],
			          (long long)head.peak[SAMPLE_RSS]);
		c->reads++;
		/* Pace like a (very fast) UI rather than spin on the lock; nothing
		 * checked depends on this timing. */
		nanosleep(&(struct timespec){ .tv_sec = 0, .tv_nsec = 20000 }, NULL);
	}
	return NULL;
}

/* series_points: every sample, exactly, while all are held (replay, a live
 * ring not yet wrapped); the largest of each slice once the ring wrapped. */
static void test_points(void **state)
{
	(void)state;
	series *s = series_new(0);
	assert_non_null(s);
	for (int i = 0; i < 1000; i++) {
		sample p = test_sample((int64_t)i * 1000000);
		p.v[SAMPLE_RSS] = i % 7 ? (int64_t)i * 10 : SAMPLE_NONE;
		series_append(s, &p);
	}
	int64_t *t, *v;
	size_t n = series_points(s, SAMPLE_RSS, 100, &t, &v);
	assert_int_equal(n, 1000);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(t[i], (int64_t)i * 1000000);
		assert_int_equal(v[i], i % 7 ? (int64_t)i * 10 : SAMPLE_NONE);
	}
	free(t);
	free(v);
	series_free(s);

	s = series_new(256);
	assert_non_null(s);
	for (int i = 0; i < 4096; i++) {
		sample p = test_sample((int64_t)i * 1000000);
		p.v[SAMPLE_RSS] = i == 1234 ? 999999 : i;
		series_append(s, &p);
	}
	n = series_points(s, SAMPLE_RSS, 64, &t, &v);
	assert_true(n > 0 && n <= 64);
	int64_t top = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] > top)
			top = v[i];
		if (i > 0)
			assert_true(t[i] > t[i - 1]);
	}
	/* The spike is still there, from the pyramid. */
	assert_int_equal(top, 999999);
	free(t);
	free(v);
	n = series_points(s, SAMPLE_PSS, 64, &t, &v);
	assert_int_equal(n, 0);
	free(t);
	free(v);
	series_free(s);
}

/* One writer appending while one reader reads; also run under TSan. */
static void test_concurrent(void **state)
{
	(void)state;
	struct conc c = { .s = series_new(1024), .reads = 0, .err = "" };
	assert_non_null(c.s);
	atomic_init(&c.done, false);
	pthread_t w, r;
	assert_int_equal(pthread_create(&r, NULL, test_conc_reader, &c), 0);
	assert_int_equal(pthread_create(&w, NULL, test_conc_writer, &c), 0);
	assert_int_equal(pthread_join(w, NULL), 0);
	assert_int_equal(pthread_join(r, NULL), 0);
	if (c.err[0])
		fail_msg("reader: %s", c.err);
	assert_true(c.reads > 0);
	assert_int_equal(series_count(c.s), CONC_N);
	int64_t v, at, min[1], max[1];
	assert_int_equal(series_peak(c.s, SAMPLE_RSS, &v, &at), 0);
	series_window(c.s, SAMPLE_RSS, 0, (int64_t)CONC_N * 1000, 1, min, max);
	assert_int_equal(max[0], v);
	series_free(c.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_basics),
		cmocka_unit_test(test_window_replay),
		cmocka_unit_test(test_window_live),
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_wrap_peaks_kept),
		cmocka_unit_test(test_wrap_same_time),
		cmocka_unit_test(test_none_columns),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_points),
		cmocka_unit_test(test_concurrent),
	};
	const char *only = getenv("TEST_SERIES_ONLY"); /* run one test, when timing them */
	if (only)
		cmocka_set_test_filter(only);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
