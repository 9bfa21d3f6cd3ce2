/* phasegen.h: seeded synthetic memory recordings whose phases are known, for
 * the tests of phases (and, through tests/gen_phases.c, for end-to-end use).
 * The same spec and seed always give the same recording. */
#ifndef MEMLOG_PHASEGEN_H
#define MEMLOG_PHASEGEN_H

#include <stddef.h>
#include <stdint.h>

#define PHASEGEN_MAX_SEGS 64

/* One stretch of the curve: from the level where the previous one ended to
 * to_bytes, linearly over dur_s (0: an instant step). A sawtooth of
 * saw_bytes every saw_period_s (garbage piling up, then collected at once)
 * may ride on it. */
typedef struct phasegen_seg {
	double dur_s;
	int64_t to_bytes;
	int64_t saw_bytes;
	double saw_period_s;
} phasegen_seg;

typedef struct phasegen_spec {
	uint64_t seed;
	int64_t interval_ns;   /* nominal sampling interval */
	double jitter;         /* each interval is off by up to this share, uniform */
	int64_t start_bytes;   /* level at time 0 */
	double noise_share;    /* Gaussian noise, sigma as a share of the levels' range */
	int64_t quantum_bytes; /* values rounded down to this (allocator steps); 0: none */
	double missing_share;  /* share of samples left unmeasured (-1) */
	const phasegen_seg *segs;
	size_t nsegs;
} phasegen_spec;

typedef struct phasegen_rec {
	int64_t *t_ns, *v;
	size_t n;
	double bound_s[PHASEGEN_MAX_SEGS + 1]; /* segment i runs bound_s[i]..bound_s[i+1] */
} phasegen_rec;

/* Generates the recording (samples from time 0 to the end of the last
 * segment). Returns 0, or -1 on a bad spec or when out of memory. */
int phasegen_make(const phasegen_spec *spec, phasegen_rec *rec);

/* Frees the arrays of rec. */
void phasegen_free(phasegen_rec *rec);

/* Index of the first sample at or after t_s (n when none). */
size_t phasegen_index_at(const phasegen_rec *rec, double t_s);

/* The next number of the generator's sequence (splitmix64). */
uint64_t phasegen_next(uint64_t *state);

#endif
