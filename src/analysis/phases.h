/* phases.h: cutting a memory curve into the phases a person would name:
 * a steep rise, slow growth, a plateau, a drop, a slow decline. */
#ifndef MEMLOG_PHASES_H
#define MEMLOG_PHASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/logbook.h"
#include "model/markers.h"

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
 * what phase i acquired that is still held at the peak (the first sample
 * within 1% of the largest: memory that returns to its level later, a
 * hair higher or not, is the same memory taken again): the lowest sample from its end to the peak less the lowest from
 * its start to the peak; 0 for a phase that starts at or after the peak. The
 * shares add up to the peak less the lowest sample before it, and a rise
 * given back before the peak holds none. change[i] (may be NULL): the
 * samples' change over the phase, last less first (not the fitted line's).
 * Returns 0, or -1 when out of memory. */
int phases_shares(const int64_t *v, size_t n, const phase *ph, long np, int64_t *share, int64_t *change);

/* The kinds of memory apportioned (phases_memory). */
enum { PHASES_ANON, PHASES_FILE, PHASES_SHMEM, PHASES_SWAP, PHASES_NKINDS };

/* "anonymous", "file-backed", "shared memory", "swap". */
const char *phases_memory_name(int kind);

/* What kinds of memory made a change of amount bytes from sample a to
 * sample b: kind[k] holds the samples of one kind (anon, file, shmem, swap;
 * NULL or negative where not measured). The kinds that moved the way of
 * amount share it by how far each moved, so out adds up to amount (the
 * kinds are sums over processes, where a page shared by ten counts ten
 * times; the amount is what was counted once). Returns false, out all 0,
 * when no kind was measured at both ends or none moved that way. */
bool phases_memory(const int64_t *const kind[PHASES_NKINDS], size_t a, size_t b, int64_t amount,
                   int64_t out[PHASES_NKINDS]);

/* Puts np phases of the n samples (as phases_find cut them, in ph, room for
 * max) on the steps the job announced: step_t holds the elapsed times where
 * a step starts (log lines that are not a repeat of the line before, and
 * markers; any order). A boundary within 2% of the span (or 3 sampling
 * intervals) of a step start moves onto it (the last sample at or before
 * it); a step whose curve goes one way overall, with turns against it, is
 * one phase from its first piece going that way to the last that moves (a
 * level stretch of a quarter of that or more ends it); a phase that a step
 * start cuts into two parts each changing 5% of the range and of the phase,
 * at paces 1.25 times apart (a rise or a drop; the most even first) or
 * twice (a slow phase; the most different first), is split there. Phases
 * keep tiling the samples; levels at moved or new boundaries are the
 * samples'. Returns the new count, np unchanged without steps, -1 when out
 * of memory or max is too small. */
long phases_steps(const int64_t *t_ns, const int64_t *v, size_t n, const int64_t *step_t, size_t nsteps,
                  phase *ph, long np, size_t max);

/* Where the job says its steps start, as elapsed times into a new array of
 * *n (NULL when out of memory): every marker, and every log line of lb
 * (memlog's own events aside; none without wall0, the wall time at
 * elapsed 0) that is not a repeat of one of the four lines before it. lb
 * may be NULL. For phases_steps. */
int64_t *phases_step_starts(logbook *lb, const markers_item *marks, size_t nmarks, int64_t wall0, size_t *n);

/* Whether two log lines are one step repeated (progress lines: the same
 * once every run of digits is taken as one digit). */
bool phases_same_step(const char *a, size_t alen, const char *b, size_t blen);

#endif
