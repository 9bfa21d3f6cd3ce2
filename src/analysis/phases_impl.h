/* phases_impl.h: what the three files of the phases share (phases.c:
 * points, noise and the steps put together; phases_lines.c: lines and the
 * polyline, steps 2 and 3; phases_kinds.c: kinds, folding, levels, steps 4
 * to 6). Nothing outside analysis/phases*.c includes it. */
#ifndef MEMLOG_PHASES_IMPL_H
#define MEMLOG_PHASES_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/phases.h"

#define PHASES_DEFAULT_MIN_SHARE 0.03
#define PHASES_STEEP_SPANS 2.0      /* default steep pace: range per span */
#define PHASES_STEEP_MIN_S 10.0     /* ...or the range within this many seconds */
#define PHASES_CONTRAST 2.0         /* this much steeper than a slow neighbour: steep */
#define PHASES_CONTRAST_MIN 1.0     /* ...if it also crosses the range within the span */
#define PHASES_FLOOR_OF_PEAK 0.10   /* R is at least this share of the peak */
#define PHASES_NOISE_K 5.0          /* sigmas a point may stray from its line */
#define PHASES_NOISE_SAMPLES 4096   /* residuals kept to estimate the noise */
#define PHASES_NOISE_MIN 16         /* fewer: too short to tell noise from shape */
#define PHASES_POINTS 2048          /* target number of points */
#define PHASES_JUMPS_PER_SPAN 4     /* jump cuts allowed per regular point's span */
#define PHASES_BIG_JUMPS 4096       /* cuts at big jumps, allowed anywhere */
#define PHASES_MIN_POINTS 64        /* noise averaging keeps at least these */
#define PHASES_SAW_SHARE 0.25       /* largest swing of a sawtooth tooth */
#define PHASES_TOOTH_SHARE 0.125    /* largest swing of a lone tooth */
#define PHASES_SPLIT_F 16.0         /* gain over residual variance to split */
#define PHASES_TRIM_SHARE 0.1       /* off a slow line by this share of min_share: moved */

/* One point of step 1: a run of consecutive measured samples. */
struct phases_point {
	size_t lo, hi;      /* raw indexes of its first and last sample */
	double x, y;        /* mean time (share of span) and mean level (share of R) */
	double tol;         /* how far its mean may lie from a line that explains it */
	double x_lo, x_hi;  /* times of its first and last sample */
	double y_lo, y_hi;  /* its lowest and highest sample */
};

/* One line of step 2: points a..b and their least-squares fit. */
struct phases_seg {
	size_t a, b;
	double slope, icept, sse;
	size_t prev, next;  /* neighbouring segments (SIZE_MAX: none) */
	unsigned ver;       /* bumped on every change, to spot stale heap entries */
	bool alive;
};

/* A vertex of step 3: a raw sample and the polyline's level there. */
struct phases_vertex {
	size_t raw;
	size_t pt;      /* the point it is at: its first sample, or with at_end its last */
	bool at_end;
	double x, y;
	size_t prev, next;
	unsigned ver;
	bool alive;
};

/* A heap entry: merging item `id` with its right neighbour (step 2), or
 * removing vertex `id` (step 3), at this cost; stale when a version moved. */
struct phases_cand {
	double cost;
	size_t id, other;
	unsigned ver_id, ver_other;
};

struct phases_heap {
	struct phases_cand *v;
	size_t n, cap;
};

/* Everything one call works with. */
struct phases_ctx {
	const int64_t *t_ns, *v;
	size_t n;
	double min_share, steep;   /* steep: shares of R per share of T */
	bool contrast;             /* steep also by contrast (steep_per_s left default) */
	int64_t t0_ns;
	double span_ns;
	double vmin, range;        /* y = (v - vmin) / range */
	double sigma;              /* noise, in shares of R */
	size_t per;                /* samples in a regular point */
	double step;               /* mean sampling interval, share of the span */
	struct phases_point *pts;
	size_t npts;
};

/* A phase while it is being worked on: from vertex va to vertex vb. */
struct phases_work {
	size_t va, vb;
	enum phase_kind kind;
	bool saw;   /* holds a sawtooth collapsed by step 5 */
	bool dead;  /* folded away (within phases_fold only) */
};

/* phases_lines.c */
bool phases_fit(const struct phases_ctx *c, size_t a, size_t b, double *slope,
                       double *icept, double *sse);
size_t phases_scan(const struct phases_ctx *c, size_t a0, size_t b1, size_t lo_c, size_t hi_c,
                          bool joined, size_t at, double *pre, double *err_best, double *err_at,
                          double *level, double *bend);
double phases_line_sse(const struct phases_ctx *c, size_t a0, size_t b1);
double phases_margin(const struct phases_ctx *c);
size_t phases_best_split(const struct phases_ctx *c, size_t a0, size_t a1, size_t b1,
                                bool joined, double *pre);
void phases_seg_split(const struct phases_ctx *c, struct phases_seg *seg, size_t head,
                             double *pre);
bool phases_lines(const struct phases_ctx *c, struct phases_seg *seg, size_t *head);
bool phases_simplify(struct phases_vertex *vx, size_t nv, double limit);

/* phases_kinds.c */
size_t phases_merge_same(struct phases_work *w, size_t nw);
bool phases_kinds(const struct phases_ctx *c, const struct phases_vertex *vx,
                         struct phases_work *w, size_t nw);
size_t phases_fold(const struct phases_ctx *c, const struct phases_vertex *vx,
                          struct phases_work *w, size_t nw, double *small);
size_t phases_sawtooth(const struct phases_ctx *c, const struct phases_vertex *vx,
                              struct phases_work *w, size_t nw);
void phases_refine(const struct phases_ctx *c, struct phases_vertex *vx,
                          const struct phases_work *w, size_t nw, double *pre);
size_t phases_split(const struct phases_ctx *c, struct phases_vertex *vx, size_t *nv,
                           size_t cap, struct phases_work *w, size_t nw, double *pre);
void phases_levels(const struct phases_ctx *c, struct phases_vertex *vx,
                          const struct phases_work *w, size_t nw, double *start_y, double *end_y);
void phases_trim(const struct phases_ctx *c, struct phases_vertex *vx, const struct phases_work *w,
                        size_t nw);
size_t phases_smooth(const struct phases_ctx *c, const struct phases_vertex *vx,
                            struct phases_work *w, size_t nw);

#endif
