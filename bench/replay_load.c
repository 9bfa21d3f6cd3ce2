/* replay_load.c: the benchmark helper of bench/replay_load.sh. Writes a
 * realistic recording through the real writer, and times loading one the
 * way `memlog replay` does (reccsv_read into a replay-mode series, then the
 * windows of a first frame), with the peak RSS of the process.
 *
 *   replay_load gen ROWS FILE     write a recording of ROWS samples
 *   replay_load load FILE [slow]  load it (slow: every line through libcsv)
 *   replay_load parse FILE [slow] only parse it: the reader alone
 *   replay_load count FILE        time reccsv_count_rows
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "base/mtime.h"
#include "recording/reccsv.h"
#include "model/series.h"

#define NS_PER_MS INT64_C(1000000)
/* Width of the chart in a 200-column terminal, in braille dots. */
#define BENCH_FRAME_SLICES 400

/* A small deterministic generator, so every run writes the same file. */
static uint64_t bench_rng_state = 0x9e3779b97f4a7c15u;

/* The next pseudo-random 64-bit value (xorshift64*). */
static uint64_t bench_rand(void)
{
	bench_rng_state ^= bench_rng_state >> 12;
	bench_rng_state ^= bench_rng_state << 25;
	bench_rng_state ^= bench_rng_state >> 27;
	return bench_rng_state * 0x2545f4914f6cdd1du;
}

/* Writes a recording shaped like a training job sampled every 10 ms: a fast
 * rise at start-up, slow growth with noise, a drop, a plateau, and a few
 * markers, with every column memlog writes (pss empty, as without --pss). */
static int bench_gen(long rows, const char *path)
{
	char err[512];
	reccsv_writer *w = reccsv_create(path, OUTFILE_REPLACE, err, sizeof err);
	if (w == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	const int64_t wall0_ns = INT64_C(1795514400) * 1000000000 + 123 * NS_PER_MS;
	const int64_t total_avail = INT64_C(16) << 30;
	for (long i = 0; i < rows; i++) {
		sample s;
		double x = (double)i / (double)rows;
		double base;
		if (x < 0.02)
			base = 200e6 + 3.8e9 * (x / 0.02);  /* loading the data */
		else if (x < 0.7)
			base = 4.0e9 + 1.5e9 * (x - 0.02);  /* the slow leak */
		else if (x < 0.72)
			base = 2.5e9;                        /* freed a cache */
		else
			base = 2.6e9;                        /* plateau */
		int64_t noise = (int64_t)(bench_rand() % 8000000);
		int64_t rss = (int64_t)base + noise;
		/* 10 ms ticks, a little jitter in the sampler's elapsed time. */
		s.elapsed_ns = i * 10 * NS_PER_MS + (int64_t)(bench_rand() % 40000);
		s.wall_ns = wall0_ns + s.elapsed_ns;
		s.v[SAMPLE_RSS] = rss;
		s.v[SAMPLE_ANON] = rss * 9 / 10;
		s.v[SAMPLE_FILE] = rss / 10 - 4096 * (int64_t)(bench_rand() % 64);
		s.v[SAMPLE_SHMEM] = 4096 * (int64_t)(bench_rand() % 1024);
		s.v[SAMPLE_SWAP] = 0;
		s.v[SAMPLE_PSS] = SAMPLE_NONE;
		s.v[SAMPLE_PROCS] = 1 + (int64_t)(i % 5000 < 4000 ? 3 : 0);
		s.v[SAMPLE_SYS_USED] = rss + (INT64_C(3) << 30) + (int64_t)(bench_rand() % 50000000);
		s.v[SAMPLE_SYS_AVAIL] = total_avail - s.v[SAMPLE_SYS_USED];
		s.v[SAMPLE_CGROUP] = rss + (INT64_C(200) << 20);
		const char *marker = i > 0 && i % 100000 == 0 ? "epoch done, saving \"checkpoint\"" : NULL;
		if (reccsv_write(w, &s, marker, err, sizeof err) != 0) {
			fprintf(stderr, "%s\n", err);
			reccsv_close(w, err, sizeof err);
			return 1;
		}
	}
	if (reccsv_close(w, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	return 0;
}

/* Seconds on CLOCK_MONOTONIC. */
static double bench_now(void)
{
	return (double)mtime_mono_ns() / 1e9;
}

/* reccsv_row_fn: what replay does with a row (its marker list is not timed). */
static int bench_on_row(void *ctx, const sample *s, const char *marker)
{
	(void)marker;
	series_append(ctx, s);
	return 0;
}

/* reccsv_row_fn that only counts, to time the reader alone. */
static int bench_count_row(void *ctx, const sample *s, const char *marker)
{
	(void)marker;
	*(int64_t *)ctx += s->v[SAMPLE_RSS];
	return 0;
}

/* Parses path without storing anything: the reader's own speed. */
static int bench_parse(const char *path, bool slow)
{
	char err[512];
	reccsv_info info;
	int64_t sum = 0;
	reccsv_set_fast_path(!slow);
	double t0 = bench_now();
	if (reccsv_read(path, false, bench_count_row, &sum, &info, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	double t1 = bench_now();
	printf("rows %zu\nparse_s %.4f\nchecksum %lld\n", info.rows, t1 - t0, (long long)sum);
	return 0;
}

/* Loads path into a replay series and draws the windows of a first frame. */
static int bench_load(const char *path, bool slow)
{
	char err[512];
	reccsv_info info;
	reccsv_set_fast_path(!slow);
	double t0 = bench_now();
	series *s = series_new(0);
	if (s == NULL || reccsv_read(path, false, bench_on_row, s, &info, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", s == NULL ? "out of memory" : err);
		return 1;
	}
	double t1 = bench_now();
	/* The first frame: every measured column over the whole run. */
	int64_t first_ns, last_ns;
	static int64_t min[BENCH_FRAME_SLICES], max[BENCH_FRAME_SLICES];
	int64_t checksum = 0;
	if (series_span(s, &first_ns, &last_ns) == 0) {
		for (int c = 0; c < SAMPLE_NCOLS; c++) {
			series_window(s, c, first_ns, last_ns + 1, BENCH_FRAME_SLICES, min, max);
			checksum += max[BENCH_FRAME_SLICES / 2];
		}
	}
	double t2 = bench_now();
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	long file_rows = (long)info.rows;
	printf("rows %ld\nread_s %.4f\nframe_s %.4f\ntotal_s %.4f\nseries_bytes %zu\n"
	       "peak_rss_bytes %ld\nchecksum %lld\n",
	       file_rows, t1 - t0, t2 - t1, t2 - t0, series_memory_bytes(s),
	       ru.ru_maxrss * 1024L, (long long)checksum);
	series_free(s);
	return 0;
}

/* Times the fast row count. */
static int bench_count(const char *path)
{
	double t0 = bench_now();
	long n = reccsv_count_rows(path);
	double t1 = bench_now();
	if (n < 0) {
		fprintf(stderr, "%s: unreadable\n", path);
		return 1;
	}
	printf("rows %ld\ncount_s %.4f\n", n, t1 - t0);
	return 0;
}

/* Dispatches on the mode; see the top of the file. */
int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "gen") == 0)
		return bench_gen(atol(argv[2]), argv[3]);
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "load") == 0)
		return bench_load(argv[2], argc == 4 && strcmp(argv[3], "slow") == 0);
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "parse") == 0)
		return bench_parse(argv[2], argc == 4 && strcmp(argv[3], "slow") == 0);
	if (argc == 3 && strcmp(argv[1], "count") == 0)
		return bench_count(argv[2]);
	fprintf(stderr, "usage: replay_load gen ROWS FILE | load|parse FILE [slow] | count FILE\n");
	return 2;
}
