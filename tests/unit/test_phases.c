/* test_phases.c: unit tests of phase detection on synthetic recordings whose
 * phases are known, made by the seeded generator in phasegen.c: steps,
 * ramps, plateaus, drops and declines, sawtooth garbage collection,
 * Gaussian noise with sigma 0%, 1% and 3% of the range (peaks near 3 sigma),
 * 10-20% sampling jitter, allocator steps, unmeasured samples,
 * very short and very long recordings, a single sample, a flat one, and the
 * story the tool exists for (a fast rise that holds most of the peak, then a
 * slow growth with a sawtooth, then the drop at exit).
 *
 * Boundaries must lie within max(2% of the span, 3 sampling intervals) of
 * where the generator put them (PHASES_TOL_SHARE, PHASES_TOL_SAMPLES). Every
 * result is also checked for the contract's invariants: phases tile the
 * measured samples, share their boundary samples and levels, their raw
 * extremes are right, and a kind agrees with the direction of its change. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/phases.h"
#include "phasegen.h"
/* The unit build links only the objects of src/, so the generator comes in here. */
#include "phasegen.c"

#define MiB (INT64_C(1) << 20)
#define MS_NS INT64_C(1000000)
#define PHASES_TOL_SHARE 0.02
#define PHASES_TOL_SAMPLES 3
#define MAXPH 256

/* One expected phase: its kind and where the generator put its ends. */
struct want {
	enum phase_kind kind;
	double t0_s, t1_s;
};

/* Prints what was found, for a failing test's output. */
static void show(const char *label, const phase *got, long n)
{
	print_message("# %s: %ld phases\n", label, n);
	for (long i = 0; i < n; i++)
		print_message("#   %-8s %10.2f .. %10.2f s  %9.2f -> %9.2f MiB  [%.2f, %.2f]\n",
		              phase_kind_name(got[i].kind), (double)got[i].t0_ns / 1e9,
		              (double)got[i].t1_ns / 1e9, (double)got[i].v0 / MiB, (double)got[i].v1 / MiB,
		              (double)got[i].vmin / MiB, (double)got[i].vmax / MiB);
}

/* Asserts the contract's invariants on a result. */
static void check_invariants(const char *label, const int64_t *t, const int64_t *v, size_t n,
                             const phase *got, long np)
{
	size_t first = n, last = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < 0)
			continue;
		if (first == n)
			first = i;
		last = i;
	}
	if (np <= 0)
		return;
	for (long i = 0; i < np; i++) {
		const phase *p = &got[i];
		int64_t lo = INT64_MAX, hi = INT64_MIN;
		for (size_t j = p->first; j <= p->last && j < n; j++) {
			if (v[j] < 0)
				continue;
			lo = v[j] < lo ? v[j] : lo;
			hi = v[j] > hi ? v[j] : hi;
		}
		int dir = p->kind == PHASE_RISE || p->kind == PHASE_GROWTH ? 1
		          : p->kind == PHASE_DROP || p->kind == PHASE_DECLINE ? -1 : 0;
		const char *bad = NULL;
		if (p->first >= p->last || p->last >= n)
			bad = "first < last < n";
		else if (v[p->first] < 0 || v[p->last] < 0)
			bad = "boundaries are measured samples";
		else if (p->t0_ns != t[p->first] || p->t1_ns != t[p->last])
			bad = "t0/t1 are the boundary samples' times";
		else if (p->vmin != lo || p->vmax != hi)
			bad = "vmin/vmax are the raw extremes";
		else if (i == 0 && p->first != first)
			bad = "the first phase starts at the first measured sample";
		else if (i == np - 1 && p->last != last)
			bad = "the last phase ends at the last measured sample";
		else if (i > 0 && (p->first != got[i - 1].last || p->v0 != got[i - 1].v1))
			bad = "neighbours share their boundary sample and level";
		else if ((dir > 0 && p->v1 < p->v0) || (dir < 0 && p->v1 > p->v0))
			bad = "the kind follows the change";
		if (bad) {
			show(label, got, np);
			fail_msg("%s: phase %ld breaks: %s", label, i, bad);
		}
	}
}

/* Runs phases_find on a generated recording and checks it against want. */
/* Checks np phases found against the nw wanted, ends within tol_s. */
static void check_want(const char *label, const phase *got, long np, const struct want *w, size_t nw, double tol_s)
{
	if (np != (long)nw) {
		show(label, got, np);
		fail_msg("%s: %ld phases, want %zu", label, np, nw);
	}
	for (size_t i = 0; i < nw; i++) {
		double t0 = (double)got[i].t0_ns / 1e9, t1 = (double)got[i].t1_ns / 1e9;
		if (got[i].kind != w[i].kind || t0 < w[i].t0_s - tol_s || t0 > w[i].t0_s + tol_s ||
		    t1 < w[i].t1_s - tol_s || t1 > w[i].t1_s + tol_s) {
			show(label, got, np);
			fail_msg("%s: phase %zu is %s %.2f..%.2f s, want %s %.2f..%.2f s (+-%.2f s)", label, i,
			         phase_kind_name(got[i].kind), t0, t1, phase_kind_name(w[i].kind), w[i].t0_s,
			         w[i].t1_s, tol_s);
		}
	}
}

static long check_rec(const char *label, const phasegen_rec *r, int64_t interval_ns,
                      const struct want *w, size_t nw, phase *got)
{
	long np = phases_find(r->t_ns, r->v, r->n, NULL, got, MAXPH);
	check_invariants(label, r->t_ns, r->v, r->n, got, np);
	double span_s = (double)(r->t_ns[r->n - 1] - r->t_ns[0]) / 1e9;
	double tol_s = PHASES_TOL_SHARE * span_s;
	if (tol_s < PHASES_TOL_SAMPLES * (double)interval_ns / 1e9)
		tol_s = PHASES_TOL_SAMPLES * (double)interval_ns / 1e9;
	check_want(label, got, np, w, nw, tol_s);
	return np;
}

/* Generates from spec and checks; returns the number of phases. */
static long check_spec(const char *label, const phasegen_spec *spec, const struct want *w, size_t nw,
                       phase *got)
{
	phasegen_rec r;
	assert_int_equal(phasegen_make(spec, &r), 0);
	long np = check_rec(label, &r, spec->interval_ns, w, nw, got);
	phasegen_free(&r);
	return np;
}

static const double noise_levels[] = { 0, 0.01, 0.03 };

/* Fewer than three measured samples, or no time between them: nothing to
 * segment, and nothing invented. */
static void test_too_short(void **state)
{
	(void)state;
	int64_t t[] = { 0, 100 * MS_NS, 200 * MS_NS, 300 * MS_NS, 400 * MS_NS };
	int64_t v[] = { 10 * MiB, 500 * MiB, 20 * MiB, 400 * MiB, 30 * MiB };
	phase out[4];
	assert_int_equal(phases_find(t, v, 0, NULL, out, 4), 0);
	assert_int_equal(phases_find(t, v, 2, NULL, out, 4), 0);
	int64_t gaps[] = { -1, 10 * MiB, -1, -1, 300 * MiB };
	assert_int_equal(phases_find(t, gaps, 5, NULL, out, 4), 0);
	int64_t same_t[] = { 5 * MS_NS, 5 * MS_NS, 5 * MS_NS };
	assert_int_equal(phases_find(same_t, v, 3, NULL, out, 4), 0);
	/* Three measured samples are enough, unmeasured ones in between or not. */
	assert_true(phases_find(t, v, 3, NULL, out, 4) >= 1);
	int64_t three[] = { 10 * MiB, -1, 10 * MiB, -1, 300 * MiB };
	assert_true(phases_find(t, three, 5, NULL, out, 4) >= 1);
	check_invariants("three measured", t, three, 5, out, phases_find(t, three, 5, NULL, out, 4));
}

/* A recording of one sample is too short: 0, out untouched. */
static void test_single_sample(void **state)
{
	(void)state;
	int64_t t[] = { 0 }, v[] = { 123 * MiB };
	phase out[2];
	memset(out, 0xab, sizeof out);
	phase before[2];
	memcpy(before, out, sizeof out);
	assert_int_equal(phases_find(t, v, 1, NULL, out, 2), 0);
	assert_memory_equal(out, before, sizeof out);
}

/* A flat recording is one plateau over all of it, however it is sampled. */
static void test_flat(void **state)
{
	(void)state;
	phasegen_seg seg[] = { { 600, 100 * MiB, 0, 0 } };
	phasegen_spec spec = { .seed = 11, .interval_ns = 100 * MS_NS, .start_bytes = 100 * MiB,
	                       .segs = seg, .nsegs = 1 };
	struct want w[] = { { PHASE_PLATEAU, 0, 600 } };
	phase got[MAXPH];
	check_spec("flat", &spec, w, 1, got);
	assert_int_equal(got[0].v0, 100 * MiB);
	assert_int_equal(got[0].v1, 100 * MiB);
	assert_int_equal(got[0].vmin, 100 * MiB);
	assert_int_equal(got[0].vmax, 100 * MiB);
	/* All zero (a target that never allocated). */
	int64_t t[] = { 0, MS_NS, 2 * MS_NS, 3 * MS_NS }, z[] = { 0, 0, 0, 0 };
	assert_int_equal(phases_find(t, z, 4, NULL, got, MAXPH), 1);
	assert_int_equal(got[0].kind, PHASE_PLATEAU);
}

/* Flat with noise, allocator steps, jitter and unmeasured samples: still one
 * plateau. A recording whose whole range is a few percent of its level has
 * no phases worth naming (R is at least 10% of the peak). */
static void test_flat_noisy(void **state)
{
	(void)state;
	size_t n = 6000;
	int64_t *t = malloc(n * sizeof *t), *v = malloc(n * sizeof *v);
	assert_non_null(t);
	assert_non_null(v);
	for (int k = 0; k < 4; k++) {
		/* 0: uniform +-2% of 1 GiB; 1: the same with 4 MiB allocator steps
		 * and a tenth unmeasured; 2: Gaussian 1% of 2 GiB with 20% jitter;
		 * 3: a 1 MiB allocator returning memory at random moments. */
		uint64_t st = 200 + (uint64_t)k;
		int64_t level = k == 2 ? 2048 * MiB : 1024 * MiB, t_ns = 0, held = 0;
		for (size_t i = 0; i < n; i++) {
			double u = (double)(phasegen_next(&st) >> 11) / 9007199254740992.0;
			double g = 0;
			for (int j = 0; j < 12; j++)
				g += (double)(phasegen_next(&st) >> 11) / 9007199254740992.0;
			g -= 6;
			t[i] = t_ns;
			t_ns += k == 2 ? (int64_t)((0.8 + 0.4 * u) * 100 * MS_NS) : 100 * MS_NS;
			if (k == 3) {
				held = u < 0.01 ? 0 : held + (u < 0.5 ? MiB : 0);
				held = held > 16 * MiB ? 16 * MiB : held;
				v[i] = level + held;
			} else if (k == 2) {
				v[i] = level + (int64_t)(g * 0.01 * (double)level);
			} else {
				v[i] = level + (int64_t)((u * 2 - 1) * 0.02 * (double)level);
			}
			if (k == 1) {
				v[i] -= v[i] % (4 * MiB);
				if (i > 0 && i + 1 < n && (phasegen_next(&st) % 10) == 0)
					v[i] = -1;
			}
		}
		char label[32];
		snprintf(label, sizeof label, "flat, variant %d", k);
		phase got[MAXPH];
		long np = phases_find(t, v, n, NULL, got, MAXPH);
		check_invariants(label, t, v, n, got, np);
		if (np != 1 || got[0].kind != PHASE_PLATEAU) {
			show(label, got, np);
			fail_msg("%s: want one plateau", label);
		}
	}
	free(t);
	free(v);
}

/* Plateau, instant step up, plateau; at each noise level and two rates. */
static void test_step_up(void **state)
{
	(void)state;
	phasegen_seg seg[] = { { 60, 100 * MiB, 0, 0 }, { 0, 300 * MiB, 0, 0 }, { 60, 300 * MiB, 0, 0 } };
	struct want w[] = { { PHASE_PLATEAU, 0, 60 }, { PHASE_RISE, 60, 60 }, { PHASE_PLATEAU, 60, 120 } };
	for (size_t k = 0; k < 3; k++) {
		for (int64_t iv = 100; iv <= 1000; iv *= 10) {
			phasegen_spec spec = { .seed = 30 + k, .interval_ns = iv * MS_NS, .jitter = 0.1,
			                       .start_bytes = 100 * MiB, .noise_share = noise_levels[k],
			                       .segs = seg, .nsegs = 3 };
			char label[64];
			snprintf(label, sizeof label, "step up, noise %.0f%%, %lld ms", noise_levels[k] * 100,
			         (long long)iv);
			phase got[MAXPH];
			check_spec(label, &spec, w, 3, got);
			/* The rise holds the whole change, and levels are the plateaus'. */
			int64_t slack = (int64_t)(0.03 * 200 * MiB) + (int64_t)(noise_levels[k] * 200 * MiB);
			assert_true(llabs(got[1].v0 - 100 * MiB) <= slack);
			assert_true(llabs(got[1].v1 - 300 * MiB) <= slack);
		}
	}
}

/* A staircase up and back down: every step is a phase, the treads plateaus. */
static void test_staircase(void **state)
{
	(void)state;
	phasegen_seg seg[] = { { 30, 100 * MiB, 0, 0 }, { 0, 200 * MiB, 0, 0 }, { 30, 200 * MiB, 0, 0 },
		               { 0, 400 * MiB, 0, 0 }, { 30, 400 * MiB, 0, 0 }, { 0, 250 * MiB, 0, 0 },
		               { 30, 250 * MiB, 0, 0 }, { 0, 50 * MiB, 0, 0 }, { 30, 50 * MiB, 0, 0 } };
	struct want w[] = { { PHASE_PLATEAU, 0, 30 },   { PHASE_RISE, 30, 30 },   { PHASE_PLATEAU, 30, 60 },
		            { PHASE_RISE, 60, 60 },      { PHASE_PLATEAU, 60, 90 }, { PHASE_DROP, 90, 90 },
		            { PHASE_PLATEAU, 90, 120 }, { PHASE_DROP, 120, 120 }, { PHASE_PLATEAU, 120, 150 } };
	for (size_t k = 0; k < 3; k++) {
		phasegen_spec spec = { .seed = 40 + k, .interval_ns = 100 * MS_NS, .start_bytes = 100 * MiB,
		                       .noise_share = noise_levels[k], .segs = seg, .nsegs = 9 };
		char label[64];
		snprintf(label, sizeof label, "staircase, noise %.0f%%", noise_levels[k] * 100);
		phase got[MAXPH];
		check_spec(label, &spec, w, 9, got);
	}
}

/* Plateau, a slow ramp over 20 minutes, plateau: growth, not a rise. */
static void test_ramp(void **state)
{
	(void)state;
	phasegen_seg seg[] = { { 300, 100 * MiB, 0, 0 }, { 1200, 400 * MiB, 0, 0 }, { 300, 400 * MiB, 0, 0 } };
	struct want w[] = { { PHASE_PLATEAU, 0, 300 }, { PHASE_GROWTH, 300, 1500 }, { PHASE_PLATEAU, 1500, 1800 } };
	for (size_t k = 0; k < 3; k++) {
		phasegen_spec spec = { .seed = 50 + k, .interval_ns = 100 * MS_NS, .jitter = 0.1,
		                       .start_bytes = 100 * MiB, .noise_share = noise_levels[k],
		                       .segs = seg, .nsegs = 3 };
		char label[64];
		snprintf(label, sizeof label, "ramp, noise %.0f%%", noise_levels[k] * 100);
		phase got[MAXPH];
		check_spec(label, &spec, w, 3, got);
	}
}

/* A slow decline, then a steep drop: decline and drop are told apart. */
static void test_decline_and_drop(void **state)
{
	(void)state;
	phasegen_seg seg[] = { { 100, 800 * MiB, 0, 0 }, { 600, 500 * MiB, 0, 0 }, { 100, 500 * MiB, 0, 0 },
		               { 1, 50 * MiB, 0, 0 },    { 100, 50 * MiB, 0, 0 } };
	struct want w[] = { { PHASE_PLATEAU, 0, 100 }, { PHASE_DECLINE, 100, 700 }, { PHASE_PLATEAU, 700, 800 },
		            { PHASE_DROP, 800, 801 },    { PHASE_PLATEAU, 801, 901 } };
	for (size_t k = 0; k < 3; k++) {
		phasegen_spec spec = { .seed = 60 + k, .interval_ns = 100 * MS_NS, .jitter = 0.1,
		                       .start_bytes = 800 * MiB, .noise_share = noise_levels[k],
		                       .segs = seg, .nsegs = 5 };
		char label[64];
		snprintf(label, sizeof label, "decline and drop, noise %.0f%%", noise_levels[k] * 100);
		phase got[MAXPH];
		check_spec(label, &spec, w, 5, got);
	}
}

/* Garbage collection draws a sawtooth on a slow growth: teeth of 2%, 4%,
 * 10% and 20% of the range, every 45 s, must stay one growth phase. */
static void test_sawtooth_growth(void **state)
{
	(void)state;
	const int64_t teeth[] = { 8 * MiB, 16 * MiB, 40 * MiB, 80 * MiB };
	for (size_t i = 0; i < 4; i++) {
		for (size_t k = 0; k < 3; k++) {
			phasegen_seg seg[] = { { 1800, 600 * MiB, teeth[i], 45 } };
			phasegen_spec spec = { .seed = 70 + i * 3 + k, .interval_ns = 100 * MS_NS, .jitter = 0.1,
			                       .start_bytes = 200 * MiB, .noise_share = noise_levels[k],
			                       .segs = seg, .nsegs = 1 };
			struct want w[] = { { PHASE_GROWTH, 0, 1800 } };
			char label[80];
			snprintf(label, sizeof label, "sawtooth %lld MiB on growth, noise %.0f%%",
			         (long long)(teeth[i] / MiB), noise_levels[k] * 100);
			phase got[MAXPH];
			check_spec(label, &spec, w, 1, got);
		}
	}
}

/* A sawtooth on a plateau (a steady service collecting its garbage) is one
 * plateau between the rise and the drop. */
static void test_sawtooth_plateau(void **state)
{
	(void)state;
	phasegen_seg seg[] = { { 5, 300 * MiB, 0, 0 }, { 1200, 300 * MiB, 30 * MiB, 20 }, { 1, 10 * MiB, 0, 0 },
		               { 5, 10 * MiB, 0, 0 } };
	phasegen_spec spec = { .seed = 80, .interval_ns = 100 * MS_NS, .jitter = 0.1, .start_bytes = 10 * MiB,
	                       .noise_share = 0.01, .segs = seg, .nsegs = 4 };
	struct want w[] = { { PHASE_RISE, 0, 5 }, { PHASE_PLATEAU, 5, 1205 }, { PHASE_DROP, 1205, 1211 } };
	phase got[MAXPH];
	check_spec("sawtooth on a plateau", &spec, w, 3, got);
}

/* The story: a fast rise to 400 MiB in 2 s, 40 minutes of slow growth by
 * 100 MiB with a garbage-collection sawtooth, the drop at exit. Three
 * phases, and the rise holds most of the peak. */
static void check_story(int64_t interval_ns, double noise, uint64_t seed)
{
	phasegen_seg seg[] = { { 2, 400 * MiB, 0, 0 }, { 2400, 500 * MiB, 20 * MiB, 30 }, { 1, 3 * MiB, 0, 0 },
		               { 2, 3 * MiB, 0, 0 } };
	phasegen_spec spec = { .seed = seed, .interval_ns = interval_ns, .jitter = 0.1, .start_bytes = 2 * MiB,
	                       .noise_share = noise, .segs = seg, .nsegs = 4 };
	struct want w[] = { { PHASE_RISE, 0, 2 }, { PHASE_GROWTH, 2, 2402 }, { PHASE_DROP, 2402, 2405 } };
	char label[64];
	snprintf(label, sizeof label, "story, %lld ms, noise %.0f%%", (long long)(interval_ns / MS_NS),
	         noise * 100);
	phase got[MAXPH];
	check_spec(label, &spec, w, 3, got);
	int64_t rise = got[0].v1 - got[0].v0, growth = got[1].v1 - got[1].v0;
	if (!(rise > 3 * growth && rise > 300 * MiB && growth > 60 * MiB && growth < 140 * MiB)) {
		show(label, got, 3);
		fail_msg("%s: rise %lld MiB, growth %lld MiB: want the rise to hold most of the peak", label,
		         (long long)(rise / MiB), (long long)(growth / MiB));
	}
}

static void test_story_100ms(void **state)
{
	(void)state;
	for (size_t k = 0; k < 3; k++)
		check_story(100 * MS_NS, noise_levels[k], 90 + k);
}

static void test_story_1s(void **state)
{
	(void)state;
	for (size_t k = 0; k < 3; k++)
		check_story(1000 * MS_NS, noise_levels[k], 95 + k);
}

/* The story again over many seeds: the segmentation must not depend on luck. */
static void test_story_seeds(void **state)
{
	(void)state;
	for (uint64_t seed = 1000; seed < 1020; seed++) {
		check_story(100 * MS_NS, 0.01, seed);
		check_story(1000 * MS_NS, 0.01, seed);
	}
}

/* 3 to 10 samples with a step in the middle: plateau, rise, plateau as soon
 * as each side has two samples; always a rise somewhere. */
static void test_very_short(void **state)
{
	(void)state;
	for (size_t n = 3; n <= 10; n++) {
		int64_t t[10], v[10];
		for (size_t i = 0; i < n; i++) {
			t[i] = (int64_t)i * 100 * MS_NS;
			v[i] = i < n / 2 ? 50 * MiB : 250 * MiB;
		}
		phase got[MAXPH];
		char label[32];
		snprintf(label, sizeof label, "%zu samples", n);
		long np = phases_find(t, v, n, NULL, got, MAXPH);
		check_invariants(label, t, v, n, got, np);
		long rises = 0;
		for (long i = 0; i < np; i++)
			rises += got[i].kind == PHASE_RISE;
		if (rises != 1 || (n / 2 >= 2 && n - n / 2 >= 2 && np != 3)) {
			show(label, got, np);
			fail_msg("%s: want one rise (between two plateaus when both have two samples)", label);
		}
		if (np == 3 && (got[1].first != n / 2 - 1 || got[1].last != n / 2)) {
			show(label, got, np);
			fail_msg("%s: the rise is samples %zu..%zu, want %zu..%zu", label, got[1].first,
			         got[1].last, n / 2 - 1, n / 2);
		}
	}
}

/* A million samples (27.8 hours at 100 ms) of the story's shape: the same
 * three phases, the 2-second rise kept apart from a day of growth. The time
 * is printed, not asserted. */
static void test_million_samples(void **state)
{
	(void)state;
	phasegen_seg seg[] = { { 2, 400 * MiB, 0, 0 }, { 99996, 500 * MiB, 20 * MiB, 30 }, { 1, 3 * MiB, 0, 0 },
		               { 1, 3 * MiB, 0, 0 } };
	phasegen_spec spec = { .seed = 7, .interval_ns = 100 * MS_NS, .jitter = 0.1, .start_bytes = 2 * MiB,
	                       .noise_share = 0.01, .segs = seg, .nsegs = 4 };
	phasegen_rec r;
	assert_int_equal(phasegen_make(&spec, &r), 0);
	assert_true(r.n >= 1000000);
	struct want w[] = { { PHASE_RISE, 0, 2 }, { PHASE_GROWTH, 2, 99998 }, { PHASE_DROP, 99998, 100000 } };
	phase got[MAXPH];
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	check_rec("1M samples", &r, spec.interval_ns, w, 3, got);
	clock_gettime(CLOCK_MONOTONIC, &b);
	print_message("# %zu samples segmented in %.1f ms\n", r.n,
	              (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6);
	/* The rise is found to the sample, not to the resolution of a point. */
	assert_true(got[0].t1_ns <= 3 * INT64_C(1000000000));
	phasegen_free(&r);
}

/* Unmeasured samples are skipped: the same shape with a fifth of its samples
 * missing gives the same phases, with boundaries on measured samples. */
static void test_unmeasured_skipped(void **state)
{
	(void)state;
	phasegen_seg seg[] = { { 300, 100 * MiB, 0, 0 }, { 0, 500 * MiB, 0, 0 }, { 600, 700 * MiB, 0, 0 } };
	phasegen_spec spec = { .seed = 110, .interval_ns = 100 * MS_NS, .start_bytes = 100 * MiB,
	                       .noise_share = 0.01, .missing_share = 0.2, .segs = seg, .nsegs = 3 };
	struct want w[] = { { PHASE_PLATEAU, 0, 300 }, { PHASE_RISE, 300, 300 }, { PHASE_GROWTH, 300, 900 } };
	phase got[MAXPH];
	check_spec("a fifth unmeasured", &spec, w, 3, got);
}

/* out too small: -1 with errno ENOBUFS; exactly big enough: fine. */
static void test_out_too_small(void **state)
{
	(void)state;
	phasegen_seg seg[] = { { 60, 100 * MiB, 0, 0 }, { 0, 300 * MiB, 0, 0 }, { 60, 300 * MiB, 0, 0 } };
	phasegen_spec spec = { .seed = 120, .interval_ns = 100 * MS_NS, .start_bytes = 100 * MiB, .segs = seg,
	                       .nsegs = 3 };
	phasegen_rec r;
	assert_int_equal(phasegen_make(&spec, &r), 0);
	phase got[3];
	errno = 0;
	assert_int_equal(phases_find(r.t_ns, r.v, r.n, NULL, got, 2), -1);
	assert_int_equal(errno, ENOBUFS);
	assert_int_equal(phases_find(r.t_ns, r.v, r.n, NULL, NULL, 0), -1);
	assert_int_equal(phases_find(r.t_ns, r.v, r.n, NULL, got, 3), 3);
	phasegen_free(&r);
}

/* min_share decides what is too small to be a phase: a 5% step is kept at
 * 2% and folded away at 10%. */
static void test_min_share_option(void **state)
{
	(void)state;
	phasegen_seg seg[] = { { 100, 100 * MiB, 0, 0 }, { 0, 1000 * MiB, 0, 0 }, { 300, 1000 * MiB, 0, 0 },
		               { 0, 1050 * MiB, 0, 0 }, { 300, 1050 * MiB, 0, 0 } };
	phasegen_spec spec = { .seed = 130, .interval_ns = 100 * MS_NS, .start_bytes = 100 * MiB, .segs = seg,
	                       .nsegs = 5 };
	phasegen_rec r;
	assert_int_equal(phasegen_make(&spec, &r), 0);
	phase got[MAXPH];
	phases_opts fine = { .min_share = 0.02 }, coarse = { .min_share = 0.10 };
	long n_fine = phases_find(r.t_ns, r.v, r.n, &fine, got, MAXPH);
	check_invariants("min_share 2%", r.t_ns, r.v, r.n, got, n_fine);
	if (n_fine != 5 || got[3].kind != PHASE_RISE) {
		show("min_share 2%", got, n_fine);
		fail_msg("min_share 2%%: want the 5%% step as a rise of its own");
	}
	long n_coarse = phases_find(r.t_ns, r.v, r.n, &coarse, got, MAXPH);
	check_invariants("min_share 10%", r.t_ns, r.v, r.n, got, n_coarse);
	if (n_coarse != 3) {
		show("min_share 10%", got, n_coarse);
		fail_msg("min_share 10%%: want the 5%% step folded away");
	}
	phasegen_free(&r);
}

/* steep_per_s moves the line between rise and growth: a ramp over two
 * thirds of the span is growth by default (it would cross the range in more
 * than half the span) and a rise when steep is slower. */
static void test_steep_option(void **state)
{
	(void)state;
	phasegen_seg seg[] = { { 200, 100 * MiB, 0, 0 }, { 800, 400 * MiB, 0, 0 }, { 200, 400 * MiB, 0, 0 } };
	phasegen_spec spec = { .seed = 140, .interval_ns = 100 * MS_NS, .start_bytes = 100 * MiB, .segs = seg,
	                       .nsegs = 3 };
	phasegen_rec r;
	assert_int_equal(phasegen_make(&spec, &r), 0);
	phase got[MAXPH];
	long np = phases_find(r.t_ns, r.v, r.n, NULL, got, MAXPH);
	assert_int_equal(np, 3);
	assert_int_equal(got[1].kind, PHASE_GROWTH);
	/* The ramp climbs the range in 800 s: 1/800 of it a second. */
	phases_opts slow = { .steep_per_s = 1.0 / 1200 };
	np = phases_find(r.t_ns, r.v, r.n, &slow, got, MAXPH);
	check_invariants("steep 1/1200", r.t_ns, r.v, r.n, got, np);
	assert_int_equal(np, 3);
	assert_int_equal(got[1].kind, PHASE_RISE);
	phasegen_free(&r);
}

/* A short job whose load takes a third of the recording: the load is the
 * rise, three times as steep as the growth after it, which it outweighs. */
static void test_rise_by_contrast(void **state)
{
	(void)state;
	phasegen_seg seg[] = { { 0.5, 10 * MiB, 0, 0 }, { 2, 300 * MiB, 0, 0 }, { 4, 400 * MiB, 0, 0 }, { 0.2, 5 * MiB, 0, 0 } };
	struct want w[] = { { PHASE_PLATEAU, 0, 0.5 }, { PHASE_RISE, 0.5, 2.5 }, { PHASE_GROWTH, 2.5, 6.5 },
		            { PHASE_DROP, 6.5, 6.7 } };
	for (size_t k = 0; k < 2; k++) {
		phasegen_spec spec = { .seed = 145 + k, .interval_ns = 20 * MS_NS, .jitter = 0.1,
		                       .start_bytes = 10 * MiB, .noise_share = noise_levels[k], .segs = seg, .nsegs = 4 };
		char label[48];
		snprintf(label, sizeof label, "rise by contrast, noise %.0f%%", noise_levels[k] * 100);
		phase got[MAXPH];
		check_spec(label, &spec, w, 4, got);
	}
}

/* Random piecewise shapes with random noise: whatever is found keeps the
 * invariants, and phases never outnumber the shape's pieces by much. */
static void test_random_shapes(void **state)
{
	(void)state;
	uint64_t st = 150;
	for (int round = 0; round < 60; round++) {
		phasegen_seg seg[8];
		size_t nseg = 1 + phasegen_next(&st) % 8;
		int64_t from = 100 * MiB;
		for (size_t i = 0; i < nseg; i++) {
			uint64_t x = phasegen_next(&st);
			seg[i].dur_s = x % 3 == 0 ? 0 : (double)(1 + x % 600);
			seg[i].to_bytes = (int64_t)(phasegen_next(&st) % 2000) * MiB;
			/* Teeth a tenth of the climb they ride on: garbage, not a phase. */
			seg[i].saw_bytes = x % 5 == 0 ? llabs(seg[i].to_bytes - from) / 10 : 0;
			seg[i].saw_period_s = 30;
			from = seg[i].to_bytes;
		}
		if (seg[nseg - 1].dur_s == 0)
			seg[nseg - 1].dur_s = 10;
		phasegen_spec spec = { .seed = phasegen_next(&st), .interval_ns = (1 + (int64_t)(round % 10)) * 100 * MS_NS,
		                       .jitter = 0.2, .start_bytes = 100 * MiB,
		                       .noise_share = noise_levels[round % 3], .missing_share = round % 4 == 0 ? 0.1 : 0,
		                       .quantum_bytes = round % 2 ? 4096 : 0, .segs = seg, .nsegs = nseg };
		phasegen_rec r;
		assert_int_equal(phasegen_make(&spec, &r), 0);
		phase got[MAXPH];
		char label[32];
		snprintf(label, sizeof label, "random shape %d", round);
		long np = phases_find(r.t_ns, r.v, r.n, NULL, got, MAXPH);
		if (np < 0 || np > 3 * (long)nseg + 2) {
			show(label, got, np);
			fail_msg("%s: %ld phases for %zu pieces", label, np, nseg);
		}
		check_invariants(label, r.t_ns, r.v, r.n, got, np);
		phasegen_free(&r);
	}
}


/* Runs phases_find then phases_steps with the step starts given, and checks. */
static long check_steps(const char *label, const phasegen_spec *spec, const int64_t *steps, size_t nsteps,
                        const struct want *w, size_t nw, phase *got, long *before)
{
	phasegen_rec r;
	assert_int_equal(phasegen_make(spec, &r), 0);
	long np = phases_find(r.t_ns, r.v, r.n, NULL, got, MAXPH);
	*before = np;
	np = phases_steps(r.t_ns, r.v, r.n, steps, nsteps, got, np, MAXPH);
	check_invariants(label, r.t_ns, r.v, r.n, got, np);
	check_want(label, got, np, w, nw, 3 * (double)spec->interval_ns / 1e9);
	phasegen_free(&r);
	return np;
}

#define S_NS INT64_C(1000000000)

/* A load whose allocator draws a sawtooth (teeth of a quarter of the load,
 * given back by a third each time) is cut into several phases by the
 * curve alone; between the log lines that announce and end it, it is one
 * rise. Progress lines after it start no step of their own. */
static void test_sawtooth_in_a_step(void **state)
{
	(void)state;
	for (size_t k = 0; k < 3; k++) {
		phasegen_seg seg[12];
		size_t ns = 0;
		seg[ns++] = (phasegen_seg){ 5, 50 * MiB, 0, 0 };
		for (int tooth = 0; tooth < 4; tooth++) {
			seg[ns++] = (phasegen_seg){ 0.8, (50 + 150 * (tooth + 1)) * MiB, 0, 0 };
			seg[ns++] = (phasegen_seg){ 0.2, (50 + 150 * (tooth + 1) - 50) * MiB, 0, 0 };
		}
		seg[ns++] = (phasegen_seg){ 30, 600 * MiB, 0, 0 };
		seg[ns++] = (phasegen_seg){ 0, 20 * MiB, 0, 0 };
		seg[ns++] = (phasegen_seg){ 3, 20 * MiB, 0, 0 };
		phasegen_spec spec = { .seed = 300 + k, .interval_ns = 100 * MS_NS, .jitter = 0.1,
		                       .start_bytes = 50 * MiB, .noise_share = noise_levels[k] / 3,
		                       .segs = seg, .nsegs = ns };
		const int64_t steps[] = { 5 * S_NS, 9 * S_NS, 39 * S_NS };
		struct want w[] = { { PHASE_PLATEAU, 0, 5 }, { PHASE_RISE, 5, 9 }, { PHASE_PLATEAU, 9, 39 },
			            { PHASE_DROP, 39, 39.1 }, { PHASE_PLATEAU, 39.1, 42 } };
		char label[80];
		snprintf(label, sizeof label, "sawtooth in a step, noise %.1f%%", noise_levels[k] * 100 / 3);
		phase got[MAXPH];
		long before;
		check_steps(label, &spec, steps, 3, w, 5, got, &before);
		/* Without the steps the teeth are phases of their own. */
		if (k == 0)
			assert_true(before > 5);
	}
}

/* Importing a library (40 MiB in 0.5 s) and loading the data (540 MiB in
 * 3 s) are one rise to the curve; the log line between them makes two.
 * A steady growth with a different line every minute stays one growth. */
static void test_split_at_a_step(void **state)
{
	(void)state;
	phasegen_seg seg[] = { { 2, 20 * MiB, 0, 0 }, { 0.5, 60 * MiB, 0, 0 }, { 3, 600 * MiB, 0, 0 },
		               { 20, 600 * MiB, 0, 0 } };
	phasegen_spec spec = { .seed = 310, .interval_ns = 50 * MS_NS, .jitter = 0.1, .start_bytes = 20 * MiB,
	                       .noise_share = 0.003, .segs = seg, .nsegs = 4 };
	const int64_t steps[] = { 2 * S_NS, 2500 * MS_NS, 5500 * MS_NS };
	struct want w[] = { { PHASE_PLATEAU, 0, 2 }, { PHASE_RISE, 2, 2.5 }, { PHASE_RISE, 2.5, 5.5 },
		            { PHASE_PLATEAU, 5.5, 25.5 } };
	phase got[MAXPH];
	long before;
	check_steps("import, then load", &spec, steps, 3, w, 4, got, &before);
	assert_int_equal(before, 3);

	phasegen_seg grow[] = { { 5, 300 * MiB, 0, 0 }, { 600, 500 * MiB, 0, 0 } };
	phasegen_spec gspec = { .seed = 311, .interval_ns = 1000 * MS_NS, .jitter = 0.1, .start_bytes = 10 * MiB,
	                        .noise_share = 0.01, .segs = grow, .nsegs = 2 };
	int64_t every[10];
	for (int i = 0; i < 10; i++)
		every[i] = (65 + 60 * i) * S_NS;
	struct want gw[] = { { PHASE_RISE, 0, 5 }, { PHASE_GROWTH, 5, 605 } };
	check_steps("growth with a line a minute", &gspec, every, 10, gw, 2, got, &before);
}

/* Progress lines are one step repeated; other lines are steps. */
static void test_same_step(void **state)
{
	(void)state;
	const char *a = "12:00:01 batch 1 of 40", *b = "12:00:09 batch 12 of 40", *c = "12:00:10 saving model";
	assert_true(phases_same_step(a, strlen(a), b, strlen(b)));
	assert_false(phases_same_step(a, strlen(a), c, strlen(c)));
	const char *d = "loading data.csv", *e = "loaded data.csv";
	assert_false(phases_same_step(d, strlen(d), e, strlen(e)));
	assert_true(phases_same_step("", 0, "", 0));
}

/* Memory that returns to the level it held (sort -S frees its buffer, then
 * takes one of the same size to merge): the first rise to that level holds
 * the peak, not the second, even when the second comes out a hair higher. */
static void test_return_to_level(void **state)
{
	(void)state;
	phasegen_seg seg[] = { { 2, 10 * MiB, 0, 0 },   { 1, 500 * MiB, 0, 0 }, { 20, 500 * MiB, 0, 0 },
		               { 0, 30 * MiB, 0, 0 },   { 3, 30 * MiB, 0, 0 },  { 1, 503 * MiB, 0, 0 },
		               { 10, 503 * MiB, 0, 0 }, { 0, 10 * MiB, 0, 0 },  { 2, 10 * MiB, 0, 0 } };
	for (uint64_t seed = 320; seed < 325; seed++) {
		phasegen_spec spec = { .seed = seed, .interval_ns = 100 * MS_NS, .jitter = 0.1, .start_bytes = 10 * MiB,
		                       .noise_share = 0.002, .segs = seg, .nsegs = 9 };
		phasegen_rec r;
		assert_int_equal(phasegen_make(&spec, &r), 0);
		phase got[MAXPH];
		int64_t share[MAXPH];
		long np = phases_find(r.t_ns, r.v, r.n, NULL, got, MAXPH);
		assert_true(np >= 5);
		assert_int_equal(phases_shares(r.v, r.n, got, np, share, NULL), 0);
		long best = 0;
		for (long i = 1; i < np; i++)
			if (share[i] > share[best])
				best = i;
		if (got[best].kind != PHASE_RISE || got[best].t0_ns > 3 * S_NS) {
			show("return to level", got, np);
			fail_msg("seed %llu: phase %ld holds the peak, want the first rise", (unsigned long long)seed, best);
		}
		phasegen_free(&r);
	}
}

/* Phases tiling the samples 0..n-1 at the given boundaries (sample
 * indexes, the first 0 and the last n - 1), each with the samples' levels. */
static long tile(const int64_t *v, const size_t *at, long nb, phase *ph)
{
	for (long i = 0; i + 1 < nb; i++) {
		ph[i] = (phase){ .first = at[i], .last = at[i + 1], .v0 = v[at[i]], .v1 = v[at[i + 1]] };
		ph[i].kind = ph[i].v1 > ph[i].v0 ? PHASE_RISE : ph[i].v1 < ph[i].v0 ? PHASE_DROP : PHASE_PLATEAU;
	}
	return nb - 1;
}

/* A phase's share is what it acquired and still holds at the peak: a rise
 * given back before the peak holds none, a partial give-back holds what is
 * left, the shares add up to the peak less the lowest level before it, a
 * return to the same level later holds nothing (the peak is the first time
 * it is reached), and a change is the samples', not a line's. */
static void test_shares(void **state)
{
	(void)state;
	phase ph[8];
	int64_t share[8], change[8];
	/* Up to 100, all freed, up to 150 (the peak), down. */
	const int64_t a[] = { 0, 100, 100, 0, 0, 150, 150, 100 };
	const size_t at_a[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	long np = tile(a, at_a, 8, ph);
	assert_int_equal(phases_shares(a, 8, ph, np, share, change), 0);
	const int64_t want_a[] = { 0, 0, 0, 0, 150, 0, 0 };
	int64_t sum = 0;
	for (long i = 0; i < np; i++) {
		assert_int_equal(share[i], want_a[i]);
		sum += share[i];
	}
	assert_int_equal(sum, 150);
	/* Up to 100, back to 60, up to 160: the first holds 60, the last 100. */
	const int64_t b[] = { 0, 100, 60, 160 };
	const size_t at_b[] = { 0, 1, 2, 3 };
	np = tile(b, at_b, 4, ph);
	assert_int_equal(phases_shares(b, 4, ph, np, share, NULL), 0);
	assert_int_equal(share[0], 60);
	assert_int_equal(share[1], 0);
	assert_int_equal(share[2], 100);
	/* From 50, up to 100, down to 20, up to 100 again: the first rise holds
	 * the 50 it added to the start; the return to 100 holds nothing. */
	const int64_t c[] = { 50, 100, 20, 100, 100 };
	const size_t at_c[] = { 0, 1, 2, 3, 4 };
	np = tile(c, at_c, 5, ph);
	assert_int_equal(phases_shares(c, 5, ph, np, share, NULL), 0);
	assert_int_equal(share[0], 50);
	assert_int_equal(share[2], 0);
	/* A change is last less first sample, whatever the fitted line said;
	 * unmeasured samples are skipped for the shares. */
	const int64_t d[] = { 10, -1, 40, 274, 274 };
	const size_t at_d[] = { 0, 3, 4 };
	np = tile(d, at_d, 3, ph);
	ph[0].v1 = 242; /* a line that fell short of the samples */
	assert_int_equal(phases_shares(d, 5, ph, np, share, change), 0);
	assert_int_equal(change[0], 264);
	assert_int_equal(share[0], 264);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_too_short),
		cmocka_unit_test(test_single_sample),
		cmocka_unit_test(test_flat),
		cmocka_unit_test(test_flat_noisy),
		cmocka_unit_test(test_step_up),
		cmocka_unit_test(test_staircase),
		cmocka_unit_test(test_ramp),
		cmocka_unit_test(test_decline_and_drop),
		cmocka_unit_test(test_sawtooth_growth),
		cmocka_unit_test(test_sawtooth_plateau),
		cmocka_unit_test(test_story_100ms),
		cmocka_unit_test(test_story_1s),
		cmocka_unit_test(test_story_seeds),
		cmocka_unit_test(test_very_short),
		cmocka_unit_test(test_million_samples),
		cmocka_unit_test(test_unmeasured_skipped),
		cmocka_unit_test(test_out_too_small),
		cmocka_unit_test(test_min_share_option),
		cmocka_unit_test(test_steep_option),
		cmocka_unit_test(test_rise_by_contrast),
		cmocka_unit_test(test_random_shapes),
		cmocka_unit_test(test_shares),
		cmocka_unit_test(test_sawtooth_in_a_step),
		cmocka_unit_test(test_split_at_a_step),
		cmocka_unit_test(test_same_step),
		cmocka_unit_test(test_return_to_level),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
