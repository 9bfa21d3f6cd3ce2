/* phasegen.c: writes a synthetic recording with known phases as a memlog CSV
 * on stdout, for end-to-end tests of `memlog report` and the phase strip.
 * The generator is tests/unit/phasegen.c (the one the unit tests use); a
 * marker "phase N" labels the first sample of each generated segment, so a
 * test can compare what report finds with what was made.
 *
 *   cc -std=gnu11 -O2 -Itests/unit -o build/phasegen tests/phasegen.c tests/unit/phasegen.c
 *   build/phasegen story --interval-ms 100 --noise 0.01 --seed 7 > story.csv
 *
 * Shapes: story (a 2 s rise to 400 MiB, 40 minutes of growth by 100 MiB
 * with a GC sawtooth, the drop at exit), step, ramp, decline, sawtooth,
 * flat, long (the story stretched to 27.8 hours: a million samples at
 * 100 ms). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "phasegen.h"

#define MiB (INT64_C(1) << 20)
/* 2026-01-01T00:00:00Z: recordings start here, so times are reproducible. */
#define PHASEGEN_EPOCH_S INT64_C(1767225600)

/* One named shape. */
struct shape {
	const char *name;
	int64_t start_bytes;
	phasegen_seg segs[8];
	size_t nsegs;
};

static const struct shape shapes[] = {
	{ "story", 2 * MiB,
	  { { 2, 400 * MiB, 0, 0 }, { 2400, 500 * MiB, 20 * MiB, 30 }, { 1, 3 * MiB, 0, 0 }, { 2, 3 * MiB, 0, 0 } },
	  4 },
	{ "step", 100 * MiB, { { 60, 100 * MiB, 0, 0 }, { 0, 300 * MiB, 0, 0 }, { 60, 300 * MiB, 0, 0 } }, 3 },
	{ "ramp", 100 * MiB, { { 300, 100 * MiB, 0, 0 }, { 1200, 400 * MiB, 0, 0 }, { 300, 400 * MiB, 0, 0 } }, 3 },
	{ "decline", 800 * MiB,
	  { { 100, 800 * MiB, 0, 0 }, { 600, 500 * MiB, 0, 0 }, { 100, 500 * MiB, 0, 0 }, { 1, 50 * MiB, 0, 0 },
	    { 100, 50 * MiB, 0, 0 } },
	  5 },
	{ "sawtooth", 200 * MiB, { { 1800, 600 * MiB, 40 * MiB, 45 } }, 1 },
	{ "flat", 100 * MiB, { { 600, 100 * MiB, 0, 0 } }, 1 },
	{ "long", 2 * MiB,
	  { { 2, 400 * MiB, 0, 0 }, { 99996, 500 * MiB, 20 * MiB, 30 }, { 1, 3 * MiB, 0, 0 }, { 1, 3 * MiB, 0, 0 } },
	  4 },
};

/* Prints how to call it. */
static void phasegen_usage(FILE *f)
{
	fprintf(f, "usage: phasegen SHAPE [--interval-ms N] [--noise SHARE] [--seed N] [--jitter SHARE]\n"
	           "shapes:");
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
		fprintf(f, " %s", shapes[i].name);
	fprintf(f, "\n");
}

/* Writes wall time t_ns after the epoch as ISO 8601 UTC with milliseconds. */
static void phasegen_put_time(int64_t t_ns)
{
	int64_t ms = t_ns / 1000000;
	time_t secs = (time_t)(PHASEGEN_EPOCH_S + ms / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	char buf[32];
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
	printf("%s.%03dZ", buf, (int)(ms % 1000));
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "interval-ms", required_argument, NULL, 'i' }, { "noise", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },        { "jitter", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },              { NULL, 0, NULL, 0 },
	};
	phasegen_spec spec = { .seed = 1, .interval_ns = 100 * 1000000, .jitter = 0.1 };
	int opt;
	while ((opt = getopt_long(argc, argv, "i:n:s:j:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'i': spec.interval_ns = (int64_t)(atof(optarg) * 1e6); break;
		case 'n': spec.noise_share = atof(optarg); break;
		case 's': spec.seed = strtoull(optarg, NULL, 0); break;
		case 'j': spec.jitter = atof(optarg); break;
		case 'h': phasegen_usage(stdout); return 0;
		default: phasegen_usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc) {
		phasegen_usage(stderr);
		return 2;
	}
	const struct shape *sh = NULL;
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
		if (strcmp(shapes[i].name, argv[optind]) == 0)
			sh = &shapes[i];
	if (!sh) {
		fprintf(stderr, "phasegen: no shape \"%s\"\n", argv[optind]);
		phasegen_usage(stderr);
		return 2;
	}
	spec.start_bytes = sh->start_bytes;
	spec.segs = sh->segs;
	spec.nsegs = sh->nsegs;
	phasegen_rec rec;
	if (phasegen_make(&spec, &rec) != 0) {
		fprintf(stderr, "phasegen: bad interval or jitter, or out of memory\n");
		return 1;
	}
	printf("time,elapsed_s,rss,marker\n");
	size_t seg = 0;
	for (size_t i = 0; i < rec.n; i++) {
		phasegen_put_time(rec.t_ns[i]);
		printf(",%lld.%06lld,", (long long)(rec.t_ns[i] / 1000000000),
		       (long long)(rec.t_ns[i] % 1000000000 / 1000));
		if (rec.v[i] >= 0)
			printf("%lld", (long long)rec.v[i]);
		printf(",");
		/* Label the first sample at or after each segment's start. */
		if (seg < sh->nsegs && (double)rec.t_ns[i] / 1e9 >= rec.bound_s[seg]) {
			while (seg < sh->nsegs && (double)rec.t_ns[i] / 1e9 >= rec.bound_s[seg])
				seg++;
			printf("phase %zu", seg);
		}
		printf("\n");
	}
	phasegen_free(&rec);
	return ferror(stdout) ? 1 : 0;
}
