/* phases.h: cutting a memory curve into the phases a person would name:
 * a steep rise, slow growth, a plateau, a drop, a slow decline. */
#ifndef MEMLOG_PHASES_H
#define MEMLOG_PHASES_H

#include <stddef.h>
#include <stdint.h>

enum phase_kind {
	PHASE_RISE,    /* a steep climb (loading a data set) */
	PHASE_GROWTH,  /* a slow climb (a leak, a growing cache) */
	PHASE_PLATEAU, /* about level */
	PHASE_DROP,    /* a steep fall (freeing, exit) */
	PHASE_DECLINE  /* a slow fall */
};

/* "rise", "growth", "plateau", "drop", "decline". */
const char *phase_kind_name(enum phase_kind k);

/* Phases tile the measured samples: the first starts at the first measured
 * sample, each ends on the sample where the next starts (so durations and
 * changes add up), the last ends at the last measured sample. */
typedef struct phase {
	size_t first, last;       /* indexes of the first and last samples of the phase */
	int64_t t0_ns, t1_ns;     /* their elapsed times */
	int64_t v0, v1;           /* the curve's level at the start and the end (bytes): the
	                           * fitted line, not a raw sample; v0 == previous v1 */
	int64_t vmin, vmax;       /* lowest and highest sample in the phase */
	enum phase_kind kind;
} phase;

typedef struct phases_opts {
	/* A phase whose change is smaller than this share of the curve's range
	 * (max - min, but at least 10% of the peak), or a plateau shorter than
	 * this share of the span, is folded into a neighbour; 0 for the default
	 * (3%). */
	double min_share;
	/* Slope, in shares of the range per second, above which a climb or a fall
	 * is steep (rise/drop) rather than slow (growth/decline); 0 for the
	 * default: crossing the range within half the span or 10 s, whichever
	 * is longer, plus a climb twice as steep as a slow climb beside it (see
	 * phases.c). */
	double steep_per_s;
} phases_opts;

/* Segments n samples (elapsed times t_ns, strictly or weakly increasing, and
 * values v, bytes; negative values = not measured, skipped) into phases,
 * written to out (at most max). Returns the number of phases; 0 when the
 * curve is too short to segment (fewer than 3 measured samples, or a span
 * of zero), out untouched; -1 with errno ENOBUFS when out is too small, or
 * ENOMEM. A flat curve is one plateau. O(n) over the samples plus work on at
 * most ~14,000 points (a million samples take some tens of milliseconds).
 * Thread-safe: no state outside the call. */
long phases_find(const int64_t *t_ns, const int64_t *v, size_t n, const phases_opts *opts,
                 phase *out, size_t max);

/* For the np phases of the n samples v (as phases_find cut them): share[i],
 * what phase i acquired that is still held at the peak (the first largest
 * sample): the lowest sample from its end to the peak less the lowest from
 * its start to the peak; 0 for a phase that starts at or after the peak. The
 * shares add up to the peak less the lowest sample before it, and a rise
 * given back before the peak holds none. change[i] (may be NULL): the
 * samples' change over the phase, last less first (not the fitted line's).
 * Returns 0, or -1 when out of memory. */
int phases_shares(const int64_t *v, size_t n, const phase *ph, long np, int64_t *share, int64_t *change);

#endif
