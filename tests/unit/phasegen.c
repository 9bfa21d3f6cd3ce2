/* phasegen.c: owns the making of synthetic recordings for the phase tests:
 * piecewise-linear levels, sawtooth, Gaussian noise, allocator steps, jitter
 * and unmeasured samples, all from one seed. No libm: the noise is the sum
 * of twelve uniforms (Irwin-Hall), which is Gaussian enough for a test. */
#include "phasegen.h"

#include <stdlib.h>

uint64_t phasegen_next(uint64_t *state)
{
	uint64_t x = (*state += UINT64_C(0x9e3779b97f4a7c15));
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

/* A uniform double in [0, 1). */
static double phasegen_uniform(uint64_t *state)
{
	return (double)(phasegen_next(state) >> 11) / 9007199254740992.0;
}

/* A standard normal deviate, near enough. */
static double phasegen_gauss(uint64_t *state)
{
	double s = 0;
	for (int i = 0; i < 12; i++)
		s += phasegen_uniform(state);
	return s - 6;
}

/* The curve without noise at t_s, for segment i starting at level from. */
static double phasegen_level(const phasegen_seg *sg, double start_s, double from, double t_s)
{
	double f = sg->dur_s > 0 ? (t_s - start_s) / sg->dur_s : 1;
	if (f > 1)
		f = 1;
	double lvl = from + ((double)sg->to_bytes - from) * f;
	if (sg->saw_bytes > 0 && sg->saw_period_s > 0) {
		double ph = (t_s - start_s) / sg->saw_period_s;
		lvl += (double)sg->saw_bytes * (ph - (double)(int64_t)ph);
	}
	return lvl;
}

int phasegen_make(const phasegen_spec *spec, phasegen_rec *rec)
{
	rec->t_ns = rec->v = NULL;
	rec->n = 0;
	if (spec->nsegs == 0 || spec->nsegs > PHASEGEN_MAX_SEGS || spec->interval_ns <= 0 ||
	    spec->jitter < 0 || spec->jitter >= 1)
		return -1;
	double lo = (double)spec->start_bytes, hi = lo;
	rec->bound_s[0] = 0;
	for (size_t i = 0; i < spec->nsegs; i++) {
		rec->bound_s[i + 1] = rec->bound_s[i] + spec->segs[i].dur_s;
		double to = (double)spec->segs[i].to_bytes;
		lo = to < lo ? to : lo;
		hi = to > hi ? to : hi;
	}
	double end_s = rec->bound_s[spec->nsegs];
	double interval_s = (double)spec->interval_ns / 1e9;
	size_t cap = (size_t)(end_s / (interval_s * (1 - spec->jitter))) + 2;
	rec->t_ns = malloc(cap * sizeof *rec->t_ns);
	rec->v = malloc(cap * sizeof *rec->v);
	if (!rec->t_ns || !rec->v) {
		phasegen_free(rec);
		return -1;
	}
	uint64_t st = spec->seed;
	double sigma = spec->noise_share * (hi - lo);
	size_t seg = 0;
	double from = (double)spec->start_bytes;
	int64_t t_ns = 0;
	while (rec->n < cap && (double)t_ns / 1e9 <= end_s + 1e-9) {
		double t_s = (double)t_ns / 1e9;
		/* An instant step belongs to the samples at or after its time. */
		while (seg + 1 < spec->nsegs && t_s >= rec->bound_s[seg + 1]) {
			from = (double)spec->segs[seg].to_bytes;
			seg++;
		}
		double lvl = phasegen_level(&spec->segs[seg], rec->bound_s[seg], from, t_s);
		if (sigma > 0)
			lvl += sigma * phasegen_gauss(&st);
		int64_t b = lvl > 0 ? (int64_t)lvl : 0;
		if (spec->quantum_bytes > 0)
			b -= b % spec->quantum_bytes;
		if (spec->missing_share > 0 && rec->n > 0 && phasegen_uniform(&st) < spec->missing_share)
			b = -1;
		rec->t_ns[rec->n] = t_ns;
		rec->v[rec->n] = b;
		rec->n++;
		double step = (double)spec->interval_ns;
		if (spec->jitter > 0)
			step *= 1 + spec->jitter * (2 * phasegen_uniform(&st) - 1);
		t_ns += (int64_t)step > 0 ? (int64_t)step : 1;
	}
	return 0;
}

void phasegen_free(phasegen_rec *rec)
{
	free(rec->t_ns);
	free(rec->v);
	rec->t_ns = rec->v = NULL;
	rec->n = 0;
}

size_t phasegen_index_at(const phasegen_rec *rec, double t_s)
{
	int64_t t_ns = (int64_t)(t_s * 1e9);
	size_t lo = 0, hi = rec->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (rec->t_ns[mid] < t_ns)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
