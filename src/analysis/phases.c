/* phases.c: owns the cutting of one memory series into the phases a person
 * would name (rise, growth, plateau, drop, decline), for `memlog report` and
 * the phase strip of replay.
 *
 * The rule (levels are shares of the range R, times shares of the span T, so
 * nothing depends on units or on the sampling rate):
 *
 * R is max - min of the measured values, but at least 10% of the peak, so a
 * job that sits at 1 GiB and wobbles by a few MiB is one plateau. The noise
 * sigma is estimated from the raw samples: the median distance of a sample
 * from the line through its two neighbours (blind to the rare corners, steps
 * and GC drops of a real curve), scaled to a Gaussian sigma.
 *
 * 1. Points. The samples are cut into at most ~2048 runs of consecutive
 *    samples (longer when noise needs averaging, down to 64 runs); a run also
 *    ends where a sample leaves the run's mean by more than min_share +
 *    5 sigma (at most 4 such cuts per regular run's worth of samples, plus
 *    up to 4096 where the jump exceeds a quarter of R), so a 2-second rise in
 *    a day-long recording keeps points of its own. A point is the run's mean
 *    time and level, its first and last time, its lowest and highest sample.
 * 2. Lines. Bottom-up merging of neighbouring points into least-squares
 *    lines, the merge adding the least squared error first, allowed only
 *    while every point's mean stays within min_share/2 + 5 sigma/sqrt(its
 *    samples) of the line and the line stays within a point's samples at
 *    both its ends (a maximum, not a mean, so a 2-sample rise cannot hide in
 *    a 2400-sample growth). Lines of one or two points hand their points to
 *    a longer neighbour that explains them; each boundary then moves to where
 *    two lines fit best (joined at a corner, free at a step).
 * 3. Polyline. Each line gives a vertex at its first and last sample (the
 *    step from one line to the next is a piece of its own); vertices are
 *    removed, least important first, while the polyline stays within
 *    min_share of every removed vertex.
 * 4. Kinds. A piece changing by d over a time dt is a plateau when |d| <
 *    min_share; otherwise steep (rise, drop) when |d| / dt is at least
 *    steep_per_s (default: a pace that would cross the whole range within
 *    half the recording or within 10 s, whichever is longer: loading a data
 *    set in a few seconds is a rise even when the recording is not much
 *    longer) or when it spans one sampling interval, slow (growth, decline)
 *    when not. With the default, a slow piece that would
 *    cross the range within the span and is at least twice as steep as a
 *    slow piece going the same way beside it is steep too (in a short
 *    recording a load can take half of it, and is still the rise before the
 *    growth). Neighbours of one kind merge.
 * 5. Folding. A plateau shorter than min_share of the span, or a climb or a
 *    fall smaller than min_share of the range, is folded into a neighbour
 *    (the one going the same way, else the slower one), smallest first.
 *    A sawtooth (a run of at least two up-and-down teeth, each swing under a
 *    quarter of R, as garbage collection draws) becomes one phase of the
 *    kind of its net change; so does a lone tooth (up and back within
 *    min_share, swings under an eighth of R) beside a slow phase, and a half
 *    tooth (a steep step under an eighth of R between a slow phase and one
 *    going the other way) joins the slow phase.
 * 6. Levels, settled. Boundaries between two slow phases move to where two
 *    joined lines fit best; each slow phase's own line gives the levels;
 *    two slow neighbours whose meeting level lies within min_share of the
 *    line across both are joined; a slow phase that two joined lines explain
 *    far better than one (knot off by min_share, gain beyond noise and the
 *    points' roughness) is split; kinds are classified again; repeated until
 *    nothing changes (six passes at most). Last, a boundary between a slow
 *    and a steep phase moves to the last sample still at the slow phase's
 *    level (before the jump) or the first one back at it (after), so the
 *    rise starts where the curve leaves the plateau, not a sample later.
 *
 * Phases tile the measured samples: each ends on the sample where the next
 * begins. v0 and v1 are the levels at its first and last sample: the line of
 * a slow phase (the mean of both lines where two slow phases meet); a steep
 * phase takes its neighbours' levels, or the sample's own value where its
 * neighbour is steep too; all clamped to the recorded range. So neighbours
 * share their boundary level and the changes add up to the whole.
 *
 * Cost: O(n) over the samples, then O(k log k) merging and O(k^2) at worst
 * for the tolerance checks over k <= ~14,000 points (about 2,100 usually). */
#include "analysis/phases.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

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

const char *phase_kind_name(enum phase_kind k)
{
	switch (k) {
	case PHASE_RISE: return "rise";
	case PHASE_GROWTH: return "growth";
	case PHASE_PLATEAU: return "plateau";
	case PHASE_DROP: return "drop";
	case PHASE_DECLINE: return "decline";
	}
	return "?";
}

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

/* Pushes a candidate on the min-heap; false when out of memory. */
static bool phases_heap_push(struct phases_heap *h, struct phases_cand c)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 256;
		struct phases_cand *nv = realloc(h->v, cap * sizeof *nv);
		if (!nv)
			return false;
		h->v = nv;
		h->cap = cap;
	}
	size_t i = h->n++;
	while (i > 0) {
		size_t up = (i - 1) / 2;
		if (h->v[up].cost <= c.cost)
			break;
		h->v[i] = h->v[up];
		i = up;
	}
	h->v[i] = c;
	return true;
}

/* Pops the cheapest candidate into *out; false when empty. */
static bool phases_heap_pop(struct phases_heap *h, struct phases_cand *out)
{
	if (h->n == 0)
		return false;
	*out = h->v[0];
	struct phases_cand last = h->v[--h->n];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		double mc = last.cost;
		if (l < h->n && h->v[l].cost < mc) {
			m = l;
			mc = h->v[l].cost;
		}
		if (r < h->n && h->v[r].cost < mc)
			m = r;
		if (m == i)
			break;
		h->v[i] = h->v[m];
		i = m;
	}
	if (h->n > 0)
		h->v[i] = last;
	return true;
}

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

/* qsort order for doubles. */
static int phases_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Robust noise estimate in bytes: the median distance of a sample from the
 * line through its measured neighbours, scaled to a Gaussian sigma (for
 * Gaussian noise that distance has sigma * sqrt(1.5) at even spacing, and
 * its median is 0.6745 of that). A sample of the triples is enough. */
static double phases_noise(const struct phases_ctx *c, size_t m, bool *oom)
{
	size_t ntriples = m >= 3 ? m - 2 : 0;
	if (ntriples < PHASES_NOISE_MIN)
		return 0;
	size_t stride = (ntriples + PHASES_NOISE_SAMPLES - 1) / PHASES_NOISE_SAMPLES;
	double *r = malloc((ntriples / stride + 1) * sizeof *r);
	if (!r) {
		*oom = true;
		return 0;
	}
	size_t nr = 0, seen = 0, idx[3] = { 0, 0, 0 };
	for (size_t i = 0; i < c->n; i++) {
		if (c->v[i] < 0)
			continue;
		idx[0] = idx[1];
		idx[1] = idx[2];
		idx[2] = i;
		if (++seen < 3 || (seen - 3) % stride != 0)
			continue;
		double ta = (double)(c->t_ns[idx[0]] - c->t_ns[idx[1]]);
		double tb = (double)(c->t_ns[idx[2]] - c->t_ns[idx[1]]);
		if (tb - ta <= 0)
			continue;
		double va = (double)c->v[idx[0]], vm = (double)c->v[idx[1]], vb = (double)c->v[idx[2]];
		double line = va + (vb - va) * (-ta) / (tb - ta);
		r[nr++] = fabs(vm - line);
	}
	double sigma = 0;
	if (nr >= PHASES_NOISE_MIN) {
		qsort(r, nr, sizeof *r, phases_cmp_double);
		sigma = r[nr / 2] / (0.6745 * 1.2247);
	}
	free(r);
	return sigma;
}

/* Step 1: cuts the measured samples into points; false when out of memory. */
static bool phases_make_points(struct phases_ctx *c, size_t m)
{
	size_t per = (m + PHASES_POINTS - 1) / PHASES_POINTS;
	/* Noisy samples are averaged until a point's noise allowance is no
	 * wider than the scale tolerance, keeping at least PHASES_MIN_POINTS. */
	double want = 2 * PHASES_NOISE_K * c->sigma / c->min_share;
	want *= want;
	size_t most = m / PHASES_MIN_POINTS;
	if (want > (double)most)
		want = (double)most;
	if (want > (double)per)
		per = (size_t)want;
	if (per < 1)
		per = 1;
	c->per = per;
	/* Regular cuts make at most m / per <= PHASES_POINTS points; jump cuts
	 * are rationed per stretch of per samples, so a sawtooth early in a long
	 * recording cannot use them all up before the exit drop. */
	size_t cap = PHASES_POINTS + PHASES_JUMPS_PER_SPAN * (PHASES_POINTS + 1) + PHASES_BIG_JUMPS + 1;
	if (cap > m)
		cap = m;
	c->pts = malloc(cap * sizeof *c->pts);
	if (!c->pts)
		return false;
	double jump = c->min_share + PHASES_NOISE_K * c->sigma;
	double big = PHASES_SAW_SHARE + PHASES_NOISE_K * c->sigma;
	size_t np = 0, count = 0, seen = 0, stretch = 0, jumps_left = 0, big_left = PHASES_BIG_JUMPS;
	double sx = 0, sy = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (c->v[i] < 0)
			continue;
		if (seen++ == stretch) {
			stretch += per;
			jumps_left = PHASES_JUMPS_PER_SPAN;
		}
		double x = (double)(c->t_ns[i] - c->t0_ns) / c->span_ns;
		double y = ((double)c->v[i] - c->vmin) / c->range;
		bool cut = count == per;
		double off = count > 0 ? fabs(y - sy / (double)count) : 0;
		if (!cut && off > big && big_left > 0) {
			cut = true;
			big_left--;
		} else if (!cut && off > jump && jumps_left > 0) {
			cut = true;
			jumps_left--;
		}
		if (cut) {
			c->pts[np - 1].x = sx / (double)count;
			c->pts[np - 1].y = sy / (double)count;
			c->pts[np - 1].tol = c->min_share / 2 + PHASES_NOISE_K * c->sigma / sqrt((double)count);
			count = 0;
		}
		if (count == 0) {
			if (np == cap)
				return false; /* cannot happen: cap bounds both kinds of cut */
			c->pts[np].lo = i;
			c->pts[np].x_lo = x;
			c->pts[np].y_lo = c->pts[np].y_hi = y;
			np++;
			sx = sy = 0;
		}
		struct phases_point *pt = &c->pts[np - 1];
		pt->hi = i;
		pt->x_hi = x;
		pt->y_lo = y < pt->y_lo ? y : pt->y_lo;
		pt->y_hi = y > pt->y_hi ? y : pt->y_hi;
		sx += x;
		sy += y;
		count++;
	}
	c->pts[np - 1].x = sx / (double)count;
	c->pts[np - 1].y = sy / (double)count;
	c->pts[np - 1].tol = c->min_share / 2 + PHASES_NOISE_K * c->sigma / sqrt((double)count);
	c->npts = np;
	return true;
}

/* Least-squares line through points a..b; returns whether every point lies
 * within its tolerance of it. Centred sums, so tiny time steps stay exact. */
static bool phases_fit(const struct phases_ctx *c, size_t a, size_t b, double *slope,
                       double *icept, double *sse)
{
	const struct phases_point *p = c->pts;
	double nn = (double)(b - a + 1), mx = 0, my = 0;
	for (size_t i = a; i <= b; i++) {
		mx += p[i].x;
		my += p[i].y;
	}
	mx /= nn;
	my /= nn;
	double sxx = 0, sxy = 0;
	for (size_t i = a; i <= b; i++) {
		sxx += (p[i].x - mx) * (p[i].x - mx);
		sxy += (p[i].x - mx) * (p[i].y - my);
	}
	double s = sxx > 0 ? sxy / sxx : 0;
	double e = 0, band = c->min_share / 2;
	bool ok = true;
	for (size_t i = a; i <= b; i++) {
		double r = p[i].y - (my + s * (p[i].x - mx));
		e += r * r;
		if (fabs(r) > p[i].tol)
			ok = false;
		/* A point of many samples also spans time: the line must stay
		 * within its samples' band at both of its ends, or a steep line
		 * could pass through the middle of a long flat stretch. */
		if (p[i].hi != p[i].lo) {
			double l0 = my + s * (p[i].x_lo - mx), l1 = my + s * (p[i].x_hi - mx);
			if (l0 < p[i].y_lo - band || l0 > p[i].y_hi + band || l1 < p[i].y_lo - band ||
			    l1 > p[i].y_hi + band)
				ok = false;
		}
	}
	*slope = s;
	*icept = my - s * mx;
	*sse = e;
	return ok;
}

/* Queues the merge of segment s with its right neighbour if it is allowed. */
static bool phases_seg_offer(const struct phases_ctx *c, struct phases_seg *seg,
                             struct phases_heap *h, size_t s)
{
	if (s == SIZE_MAX || seg[s].next == SIZE_MAX)
		return true;
	size_t t = seg[s].next;
	double slope, icept, sse;
	if (!phases_fit(c, seg[s].a, seg[t].b, &slope, &icept, &sse))
		return true;
	struct phases_cand cd = { sse - seg[s].sse - seg[t].sse, s, t, seg[s].ver, seg[t].ver };
	return phases_heap_push(h, cd);
}

/* Unlinks segment t (emptied or merged away) from the list. */
static void phases_seg_unlink(struct phases_seg *seg, size_t *head, size_t t)
{
	if (seg[t].prev != SIZE_MAX)
		seg[seg[t].prev].next = seg[t].next;
	else
		*head = seg[t].next;
	if (seg[t].next != SIZE_MAX)
		seg[seg[t].next].prev = seg[t].prev;
	seg[t].alive = false;
}

/* Merges adjacent segments, cheapest first, while a merge is allowed.
 * Returns how many merges were made, or -1 when out of memory. */
static long phases_seg_merge(const struct phases_ctx *c, struct phases_seg *seg, size_t *head)
{
	struct phases_heap h = { 0 };
	bool ok = true;
	for (size_t s = *head; ok && s != SIZE_MAX; s = seg[s].next)
		ok = phases_seg_offer(c, seg, &h, s);
	long merges = 0;
	struct phases_cand cd;
	while (ok && phases_heap_pop(&h, &cd)) {
		size_t s = cd.id, t = cd.other;
		if (!seg[s].alive || !seg[t].alive || seg[s].next != t || seg[s].ver != cd.ver_id ||
		    seg[t].ver != cd.ver_other)
			continue;
		phases_fit(c, seg[s].a, seg[t].b, &seg[s].slope, &seg[s].icept, &seg[s].sse);
		seg[s].b = seg[t].b;
		phases_seg_unlink(seg, head, t);
		seg[s].ver++;
		merges++;
		ok = phases_seg_offer(c, seg, &h, seg[s].prev) && phases_seg_offer(c, seg, &h, s);
	}
	free(h.v);
	return ok ? merges : -1;
}

/* Moves boundary points from a segment of one or two points (whose line
 * means nothing) to a longer neighbour while that one still explains them.
 * Greedy merging pairs points early (two points always fit a line), so a
 * lone sample at the top of a rise can end up paired with the first point
 * of the plateau after it; this hands such points to the line they belong
 * to. Returns the number of moves. */
static size_t phases_seg_migrate(const struct phases_ctx *c, struct phases_seg *seg, size_t *head)
{
	size_t moves = 0;
	for (size_t s = *head; s != SIZE_MAX && seg[s].next != SIZE_MAX;) {
		size_t t = seg[s].next;
		size_t ns = seg[s].b - seg[s].a + 1, nt = seg[t].b - seg[t].a + 1;
		double slope, icept, sse;
		if (ns <= nt && ns <= 2 && phases_fit(c, seg[t].a - 1, seg[t].b, &slope, &icept, &sse)) {
			seg[t].a--;
			seg[t].slope = slope;
			seg[t].icept = icept;
			seg[t].sse = sse;
			seg[t].ver++;
			moves++;
			if (ns == 1) {
				size_t back = seg[s].prev;
				phases_seg_unlink(seg, head, s);
				s = back != SIZE_MAX ? back : t;
				continue;
			}
			seg[s].b--;
			phases_fit(c, seg[s].a, seg[s].b, &seg[s].slope, &seg[s].icept, &seg[s].sse);
			seg[s].ver++;
			continue;
		}
		if (ns > nt && nt <= 2 && phases_fit(c, seg[s].a, seg[s].b + 1, &slope, &icept, &sse)) {
			seg[s].b++;
			seg[s].slope = slope;
			seg[s].icept = icept;
			seg[s].sse = sse;
			seg[s].ver++;
			moves++;
			if (nt == 1) {
				phases_seg_unlink(seg, head, t);
				continue;
			}
			seg[t].a++;
			phases_fit(c, seg[t].a, seg[t].b, &seg[t].slope, &seg[t].icept, &seg[t].sse);
			seg[t].ver++;
			continue;
		}
		s = t;
	}
	return moves;
}

/* Squared error of the least-squares line through points summed as
 * 1, x, x^2, y, xy, y^2. */
static double phases_free_sse(const double *S)
{
	if (S[0] < 1)
		return 0;
	double vy = S[5] - S[3] * S[3] / S[0];
	double vx = S[2] - S[1] * S[1] / S[0];
	double cxy = S[4] - S[1] * S[3] / S[0];
	double e = vx > 1e-300 ? vy - cxy * cxy / vx : vy;
	return e > 0 ? e : 0;
}

/* The scan behind phases_best_split and phases_split: over points a0..b1-1,
 * the split s in lo_c..hi_c with the least squared error; *err_at the error
 * of split `at` (when in range), *level the joined lines' level at the best
 * knot and *bend the change of slope there. */
static size_t phases_scan(const struct phases_ctx *c, size_t a0, size_t b1, size_t lo_c, size_t hi_c,
                          bool joined, size_t at, double *pre, double *err_best, double *err_at,
                          double *level, double *bend)
{
	/* Prefix sums of 1, x, x^2, y, xy, y^2 around the first point. */
	double x0 = c->pts[a0].x, y0 = c->pts[a0].y;
	double *P = pre;
	for (int k = 0; k < 6; k++)
		P[k] = 0;
	for (size_t p = a0; p < b1; p++) {
		double x = c->pts[p].x - x0, y = c->pts[p].y - y0;
		double *q = P + 6 * (p - a0), *r = q + 6;
		r[0] = q[0] + 1;
		r[1] = q[1] + x;
		r[2] = q[2] + x * x;
		r[3] = q[3] + y;
		r[4] = q[4] + x * y;
		r[5] = q[5] + y * y;
	}
	const double *all = P + 6 * (b1 - a0);
	size_t best = lo_c;
	*err_best = -1;
	*err_at = 0;
	*level = 0;
	*bend = 0;
	for (size_t sp = lo_c; sp <= hi_c; sp++) {
		const double *L = P + 6 * (sp - a0);
		double R[6];
		for (int k = 0; k < 6; k++)
			R[k] = all[k] - L[k];
		double total, a = 0, bl = 0, br = 0;
		if (!joined) {
			total = phases_free_sse(L) + phases_free_sse(R);
		} else {
			double xk = c->pts[sp - 1].x_hi - x0;
			/* u = x - xk on each side; the model is a + b u (left), a + c u (right). */
			double su_l = L[1] - L[0] * xk, suu_l = L[2] - 2 * xk * L[1] + L[0] * xk * xk;
			double suy_l = L[4] - xk * L[3];
			double su_r = R[1] - R[0] * xk, suu_r = R[2] - 2 * xk * R[1] + R[0] * xk * xk;
			double suy_r = R[4] - xk * R[3];
			double n = all[0], sy = all[3], syy = all[5];
			double da = n, db = sy;
			if (suu_l > 1e-300) {
				da -= su_l * su_l / suu_l;
				db -= su_l * suy_l / suu_l;
			}
			if (suu_r > 1e-300) {
				da -= su_r * su_r / suu_r;
				db -= su_r * suy_r / suu_r;
			}
			a = da > 1e-300 ? db / da : sy / n;
			bl = suu_l > 1e-300 ? (suy_l - su_l * a) / suu_l : 0;
			br = suu_r > 1e-300 ? (suy_r - su_r * a) / suu_r : 0;
			total = syy - a * sy - bl * suy_l - br * suy_r;
		}
		if (sp == at)
			*err_at = total;
		if (*err_best < 0 || total < *err_best) {
			*err_best = total;
			best = sp;
			*level = y0 + a;
			*bend = br - bl;
		}
	}
	return best;
}

/* Squared error of one least-squares line over points a0..b1-1. */
static double phases_line_sse(const struct phases_ctx *c, size_t a0, size_t b1)
{
	double slope, icept, sse;
	phases_fit(c, a0, b1 - 1, &slope, &icept, &sse);
	return sse;
}

/* How much a split must gain to be more than noise: a few points' worth. */
static double phases_margin(const struct phases_ctx *c)
{
	return PHASES_NOISE_K * c->sigma * c->sigma / (double)c->per;
}

/* Where two lines fit points a0..b1-1 best, the first over a0..s-1 and the
 * second over s..b1-1, for s within the inner halves of a0..a1-1 and
 * a1..b1-1, both keeping three points or more (a0 < a1 < b1). With joined,
 * the lines meet at the last sample of point s-1 (a corner: under noise two
 * free lines can hide a gentle corner in a tilt of the first); without, they
 * are free (a step). Returns a1 unless another s is better by more than
 * noise can explain: moving a boundary by a sample or two would only trade
 * noise for noise. pre has room for 6 * (npts + 1) sums. O(b1 - a0). */
static size_t phases_best_split(const struct phases_ctx *c, size_t a0, size_t a1, size_t b1,
                                bool joined, double *pre)
{
	size_t lo_c = a0 + (a1 - a0 + 1) / 2, hi_c = a1 + (b1 - a1) / 2;
	/* Two points always fit a line exactly, so a side of fewer than three
	 * would win every comparison: such boundaries stay. */
	if (lo_c < a0 + 3)
		lo_c = a0 + 3;
	if (hi_c + 3 > b1)
		hi_c = b1 >= 3 ? b1 - 3 : 0;
	if (lo_c > a1 || hi_c < a1)
		return a1;
	double err_best, err_at, level, bend;
	size_t best = phases_scan(c, a0, b1, lo_c, hi_c, joined, a1, pre, &err_best, &err_at, &level, &bend);
	return err_at - err_best > phases_margin(c) ? best : a1;
}

/* Puts each boundary between two lines of step 2 where two lines fit best. */
static void phases_seg_split(const struct phases_ctx *c, struct phases_seg *seg, size_t head,
                             double *pre)
{
	for (size_t s = head; s != SIZE_MAX && seg[s].next != SIZE_MAX; s = seg[s].next) {
		size_t t = seg[s].next;
		/* Lines that meet within the tolerance make a corner; else a step. */
		double xm = c->pts[seg[s].b].x_hi;
		double gap = seg[t].icept + seg[t].slope * xm - (seg[s].icept + seg[s].slope * xm);
		bool joined = fabs(gap) < c->min_share;
		size_t best = phases_best_split(c, seg[s].a, seg[t].a, seg[t].b + 1, joined, pre);
		if (best == seg[t].a)
			continue;
		seg[s].b = best - 1;
		seg[t].a = best;
		phases_fit(c, seg[s].a, seg[s].b, &seg[s].slope, &seg[s].icept, &seg[s].sse);
		phases_fit(c, seg[t].a, seg[t].b, &seg[t].slope, &seg[t].icept, &seg[t].sse);
		seg[s].ver++;
		seg[t].ver++;
	}
}

/* Step 2: bottom-up merging of the points into lines, then boundary points
 * handed to a longer line, then merging again, until nothing changes.
 * Returns false when out of memory; *head is the first segment. */
static bool phases_lines(const struct phases_ctx *c, struct phases_seg *seg, size_t *head)
{
	size_t k = c->npts;
	for (size_t i = 0; i < k; i++) {
		seg[i] = (struct phases_seg){ i, i, 0, c->pts[i].y, 0,
		                              i ? i - 1 : SIZE_MAX, i + 1 < k ? i + 1 : SIZE_MAX, 0, true };
	}
	*head = 0;
	for (int round = 0; round < 8; round++) {
		long merges = phases_seg_merge(c, seg, head);
		if (merges < 0)
			return false;
		if (round > 0 && merges == 0)
			break;
		if (phases_seg_migrate(c, seg, head) == 0)
			break;
	}
	return true;
}

/* Largest distance of the vertices strictly between a and b from the chord
 * a-b (by time; by position where the times coincide). */
static double phases_chord_dev(const struct phases_vertex *vx, size_t a, size_t b)
{
	double dx = vx[b].x - vx[a].x, dy = vx[b].y - vx[a].y, dev = 0;
	for (size_t i = a + 1; i < b; i++) {
		double f = dx > 0 ? (vx[i].x - vx[a].x) / dx : (double)(i - a) / (double)(b - a);
		double d = fabs(vx[i].y - (vx[a].y + f * dy));
		if (d > dev)
			dev = d;
	}
	return dev;
}

/* Queues the removal of vertex j (never an end) at its cost. */
static bool phases_vertex_offer(struct phases_vertex *vx, struct phases_heap *h, size_t j)
{
	if (j == SIZE_MAX || vx[j].prev == SIZE_MAX || vx[j].next == SIZE_MAX)
		return true;
	struct phases_cand cd = { phases_chord_dev(vx, vx[j].prev, vx[j].next), j, 0, vx[j].ver, 0 };
	return phases_heap_push(h, cd);
}

/* Step 3: removes vertices while the polyline stays within min_share of all
 * of them. Returns false when out of memory. */
static bool phases_simplify(struct phases_vertex *vx, size_t nv, double limit)
{
	for (size_t i = 0; i < nv; i++) {
		vx[i].prev = i ? i - 1 : SIZE_MAX;
		vx[i].next = i + 1 < nv ? i + 1 : SIZE_MAX;
		vx[i].ver = 0;
		vx[i].alive = true;
	}
	struct phases_heap h = { 0 };
	bool ok = true;
	for (size_t i = 1; ok && i + 1 < nv; i++)
		ok = phases_vertex_offer(vx, &h, i);
	struct phases_cand cd;
	while (ok && phases_heap_pop(&h, &cd)) {
		size_t j = cd.id;
		if (!vx[j].alive || vx[j].ver != cd.ver_id)
			continue;
		if (cd.cost >= limit)
			break;
		size_t a = vx[j].prev, b = vx[j].next;
		vx[j].alive = false;
		vx[a].next = b;
		vx[b].prev = a;
		vx[a].ver++;
		vx[b].ver++;
		ok = phases_vertex_offer(vx, &h, a) && phases_vertex_offer(vx, &h, b);
	}
	free(h.v);
	return ok;
}

/* A phase while it is being worked on: from vertex va to vertex vb. */
struct phases_work {
	size_t va, vb;
	enum phase_kind kind;
	bool saw;   /* holds a sawtooth collapsed by step 5 */
	bool dead;  /* folded away (within phases_fold only) */
};

/* Direction of a kind: +1 up, -1 down, 0 level. */
static int phases_dir(enum phase_kind k)
{
	return k == PHASE_RISE || k == PHASE_GROWTH ? 1 : k == PHASE_DROP || k == PHASE_DECLINE ? -1 : 0;
}

/* Whether a kind is a steep one. */
static bool phases_steep(enum phase_kind k)
{
	return k == PHASE_RISE || k == PHASE_DROP;
}

/* Step 4's rule for one stretch of the polyline. */
static enum phase_kind phases_classify(const struct phases_ctx *c, const struct phases_vertex *vx,
                                       size_t a, size_t b)
{
	double dy = vx[b].y - vx[a].y, dx = vx[b].x - vx[a].x;
	if (fabs(dy) < c->min_share)
		return PHASE_PLATEAU;
	/* A change between neighbouring samples is as steep as can be seen,
	 * whatever the span (it matters in recordings of a few samples). */
	bool steep = dx <= 1.5 * c->step || fabs(dy) / dx >= c->steep;
	if (dy > 0)
		return steep ? PHASE_RISE : PHASE_GROWTH;
	return steep ? PHASE_DROP : PHASE_DECLINE;
}

/* Merges neighbours of one kind in place; returns the new count. */
static size_t phases_merge_same(struct phases_work *w, size_t nw)
{
	size_t out = 0;
	for (size_t i = 0; i < nw; i++) {
		if (out > 0 && w[out - 1].kind == w[i].kind) {
			w[out - 1].vb = w[i].vb;
			w[out - 1].saw |= w[i].saw;
		} else
			w[out++] = w[i];
	}
	return out;
}

/* Joins phases i..j into one, reclassified; returns the new count. */
static size_t phases_join(const struct phases_ctx *c, const struct phases_vertex *vx,
                          struct phases_work *w, size_t nw, size_t i, size_t j)
{
	w[i].vb = w[j].vb;
	w[i].kind = phases_classify(c, vx, w[i].va, w[i].vb);
	for (size_t k = i + 1; k <= j; k++)
		w[i].saw |= w[k].saw;
	memmove(&w[i + 1], &w[j + 1], (nw - j - 1) * sizeof *w);
	return phases_merge_same(w, nw - (j - i));
}

/* How small phase i is, as a share of what makes a phase count (<1: fold). */
static double phases_smallness(const struct phases_ctx *c, const struct phases_vertex *vx,
                               const struct phases_work *p)
{
	if (p->kind == PHASE_PLATEAU)
		return (vx[p->vb].x - vx[p->va].x) / c->min_share;
	return fabs(vx[p->vb].y - vx[p->va].y) / c->min_share;
}

/* Pace of a phase in shares of R per share of T (steep steps count as huge). */
static double phases_pace(const struct phases_vertex *vx, const struct phases_work *p)
{
	double dx = vx[p->vb].x - vx[p->va].x, dy = fabs(vx[p->vb].y - vx[p->va].y);
	return dx > 0 ? dy / dx : 1e300;
}

/* Step 4 for every phase, with the contrast rule: a slow climb (or fall)
 * that would cross the range within the span and is at least twice as
 * steep as a slow climb (fall) beside it is steep too, so a load that takes
 * half of a short recording is still the rise before the growth. Returns
 * whether any kind changed. */
static bool phases_kinds(const struct phases_ctx *c, const struct phases_vertex *vx,
                         struct phases_work *w, size_t nw)
{
	bool changed = false;
	for (size_t i = 0; i < nw; i++) {
		enum phase_kind k = phases_classify(c, vx, w[i].va, w[i].vb);
		changed |= k != w[i].kind;
		w[i].kind = k;
	}
	if (!c->contrast)
		return changed;
	for (size_t i = 0; i < nw; i++) {
		if (w[i].kind != PHASE_GROWTH && w[i].kind != PHASE_DECLINE)
			continue;
		double pace = phases_pace(vx, &w[i]);
		if (pace < PHASES_CONTRAST_MIN)
			continue;
		bool steeper = false;
		for (size_t j = i > 0 ? i - 1 : i + 1; j <= i + 1 && j < nw; j += 2)
			if (w[j].kind == w[i].kind && pace >= PHASES_CONTRAST * phases_pace(vx, &w[j]))
				steeper = true;
		if (steeper) {
			w[i].kind = w[i].kind == PHASE_GROWTH ? PHASE_RISE : PHASE_DROP;
			changed = true;
		}
	}
	return changed;
}

/* Joins phase i into phase into (its neighbour among the live ones). */
static void phases_absorb(const struct phases_ctx *c, const struct phases_vertex *vx,
                          struct phases_work *w, size_t i, size_t into)
{
	if (into < i)
		w[into].vb = w[i].vb;
	else
		w[into].va = w[i].va;
	w[into].kind = phases_classify(c, vx, w[into].va, w[into].vb);
	w[into].saw |= w[i].saw;
	w[i].dead = true;
}

/* Step 5a: folds phases below the bar into a neighbour (the one going the
 * same way, else the slower one; both when they are of one kind), smallest
 * first: each round folds every phase smaller than both its neighbours, so
 * a million-sample square wave costs rounds of O(nw), not O(nw^2).
 * small has room for nw values. Returns the new count. */
static size_t phases_fold(const struct phases_ctx *c, const struct phases_vertex *vx,
                          struct phases_work *w, size_t nw, double *small)
{
	while (nw > 1) {
		for (size_t i = 0; i < nw; i++) {
			small[i] = phases_smallness(c, vx, &w[i]);
			w[i].dead = false;
		}
		size_t prev = SIZE_MAX, folds = 0;
		for (size_t i = 0; i < nw; i++) {
			if (w[i].dead)
				continue;
			bool fold = small[i] < 1 && (i == 0 || small[i] < small[i - 1]) &&
			            (i + 1 == nw || small[i] <= small[i + 1]);
			if (!fold || (prev == SIZE_MAX && i + 1 == nw)) {
				prev = i;
				continue;
			}
			folds++;
			size_t l = prev, r = i + 1 < nw ? i + 1 : SIZE_MAX;
			if (l == SIZE_MAX) {
				phases_absorb(c, vx, w, i, r);
				continue;
			}
			if (r == SIZE_MAX) {
				phases_absorb(c, vx, w, i, l);
				continue;
			}
			if (w[l].kind == w[r].kind) {
				phases_absorb(c, vx, w, i, l);
				phases_absorb(c, vx, w, r, l);
				continue;
			}
			int d = phases_dir(w[i].kind);
			bool left;
			if (d != 0 && phases_dir(w[l].kind) == d && phases_dir(w[r].kind) != d)
				left = true;
			else if (d != 0 && phases_dir(w[r].kind) == d && phases_dir(w[l].kind) != d)
				left = false;
			else
				left = phases_pace(vx, &w[l]) <= phases_pace(vx, &w[r]);
			phases_absorb(c, vx, w, i, left ? l : r);
		}
		if (folds == 0)
			break;
		size_t out = 0;
		for (size_t i = 0; i < nw; i++)
			if (!w[i].dead)
				w[out++] = w[i];
		nw = phases_merge_same(w, out);
	}
	return nw;
}

/* Whether a and b (neighbours) make one tooth: swings of opposite ways,
 * each under PHASES_TOOTH_SHARE, that end within min_share of the start. */
static bool phases_tooth(const struct phases_ctx *c, const struct phases_vertex *vx,
                         const struct phases_work *a, const struct phases_work *b)
{
	int da = phases_dir(a->kind), db = phases_dir(b->kind);
	double sa = vx[a->vb].y - vx[a->va].y, sb = vx[b->vb].y - vx[b->va].y;
	return da != 0 && db == -da && fabs(sa) <= PHASES_TOOTH_SHARE &&
	       fabs(sb) <= PHASES_TOOTH_SHARE && fabs(sa + sb) < c->min_share;
}

/* One pass of step 5b: collapses sawtooth runs (at least two up-and-down
 * teeth of small swings, or small swings next to a sawtooth already
 * collapsed: noise can break one sawtooth into several runs) into one phase
 * each. Returns the new count. */
static size_t phases_sawtooth_pass(const struct phases_ctx *c, const struct phases_vertex *vx,
                                   struct phases_work *w, size_t nw)
{
	for (size_t i = 0; i < nw; i++) {
		size_t j = i, turns = 0, members = 0;
		bool saw = false;
		int last_dir = 0;
		while (j < nw) {
			int d = phases_dir(w[j].kind);
			if (w[j].saw) {
				saw = true;
			} else {
				if (d == 0 || fabs(vx[w[j].vb].y - vx[w[j].va].y) > PHASES_SAW_SHARE)
					break;
				if (last_dir != 0 && d != last_dir)
					turns++;
				last_dir = d;
			}
			members++;
			j++;
		}
		if (turns >= 3 || (saw && members >= 2)) {
			w[i].saw = true;
			nw = phases_join(c, vx, w, nw, i, j - 1);
			continue;
		}
		/* A lone tooth: a small swing and back, next to a slow phase. */
		if (i + 1 < nw && phases_tooth(c, vx, &w[i], &w[i + 1]) &&
		    ((i > 0 && !phases_steep(w[i - 1].kind)) || (i + 2 < nw && !phases_steep(w[i + 2].kind)))) {
			w[i].saw = true;
			nw = phases_join(c, vx, w, nw, i, i + 1);
			continue;
		}
		/* Half a tooth: a small steep step between a slow phase and a
		 * phase going the other way (the garbage collected just after the
		 * load, the last tooth before the exit) belongs to the slow one. */
		int d = phases_dir(w[i].kind);
		if (!phases_steep(w[i].kind) || fabs(vx[w[i].vb].y - vx[w[i].va].y) > PHASES_TOOTH_SHARE)
			continue;
		bool slow_l = i > 0 && !phases_steep(w[i - 1].kind);
		bool slow_r = i + 1 < nw && !phases_steep(w[i + 1].kind);
		bool back_l = i > 0 && phases_dir(w[i - 1].kind) == -d;
		bool back_r = i + 1 < nw && phases_dir(w[i + 1].kind) == -d;
		if (slow_r && back_l)
			nw = phases_join(c, vx, w, nw, i, i + 1);
		else if (slow_l && back_r)
			nw = phases_join(c, vx, w, nw, i - 1, i);
	}
	return nw;
}

/* Step 5b, until nothing more collapses (a run collapsed late can make an
 * earlier leftover a neighbour of a sawtooth). */
static size_t phases_sawtooth(const struct phases_ctx *c, const struct phases_vertex *vx,
                              struct phases_work *w, size_t nw)
{
	size_t before;
	do {
		before = nw;
		nw = phases_sawtooth_pass(c, vx, w, nw);
	} while (nw != before);
	return nw;
}

/* The points of a phase: [*from, *end); empty for a step between samples. */
static void phases_points_of(const struct phases_vertex *vx, const struct phases_work *p,
                             size_t *from, size_t *end)
{
	*from = vx[p->va].at_end ? vx[p->va].pt + 1 : vx[p->va].pt;
	*end = vx[p->vb].at_end ? vx[p->vb].pt + 1 : vx[p->vb].pt;
	if (*end < *from)
		*end = *from;
}

/* Moves the boundary between two slow phases to where two joined lines fit
 * best: the tolerance of step 2 lets a line run past a gentle corner; this
 * puts the corner back. (Not next to a steep phase: a load that speeds up
 * would pull the corner into it.) pre is scratch for phases_best_split. */
static void phases_refine(const struct phases_ctx *c, struct phases_vertex *vx,
                          const struct phases_work *w, size_t nw, double *pre)
{
	for (size_t i = 0; i + 1 < nw; i++) {
		if (phases_steep(w[i].kind) || phases_steep(w[i + 1].kind))
			continue;
		size_t a0, a1, b0, b1;
		phases_points_of(vx, &w[i], &a0, &a1);
		phases_points_of(vx, &w[i + 1], &b0, &b1);
		if (a1 <= a0 || b1 <= b0 || a1 != b0)
			continue;
		size_t best = phases_best_split(c, a0, a1, b1, true, pre);
		if (best == a1)
			continue;
		struct phases_vertex *v = &vx[w[i].vb];
		v->pt = best - 1;
		v->at_end = true;
		v->raw = c->pts[best - 1].hi;
		v->x = (double)(c->t_ns[v->raw] - c->t0_ns) / c->span_ns;
	}
}

/* Step 6: splits a slow phase (not a sawtooth) in two where two joined lines explain
 * it much better than one: the knot lies at least min_share off the line
 * between the joined lines' ends, and the fit gains more than noise and the
 * points' own roughness can explain. Step 2's tolerance, widened by
 * noise, can fold a short plateau into the decline after it; this takes it
 * back out. New vertices go at vx[*nv], within cap. Returns the new count. */
static size_t phases_split(const struct phases_ctx *c, struct phases_vertex *vx, size_t *nv,
                           size_t cap, struct phases_work *w, size_t nw, double *pre)
{
	for (size_t i = 0; i < nw && *nv < cap; i++) {
		if (phases_steep(w[i].kind) || w[i].saw)
			continue;
		size_t from, end;
		phases_points_of(vx, &w[i], &from, &end);
		if (end < from + 8)
			continue;
		double err_best, err_at, level, bend;
		size_t best = phases_scan(c, from, end, from + 3, end - 3, true, SIZE_MAX, pre, &err_best,
		                          &err_at, &level, &bend);
		/* How far the knot lies off the line from the joined lines' own
		 * ends: their bend times the knot's distances to both ends. */
		double xs = vx[w[i].va].x, xe = vx[w[i].vb].x;
		size_t raw = c->pts[best - 1].hi;
		double x = (double)(c->t_ns[raw] - c->t0_ns) / c->span_ns;
		double dev = xe > xs ? fabs(bend) * (x - xs) * (xe - x) / (xe - xs) : 0;
		/* The gain must stand out from the noise and from whatever else
		 * the phase's points do around their lines (an F test, loosely). */
		double gain = phases_line_sse(c, from, end) - err_best;
		double rough = err_best / (double)(end - from - 4);
		if (dev < c->min_share || gain <= 4 * phases_margin(c) || gain <= PHASES_SPLIT_F * rough)
			continue;
		size_t k = (*nv)++;
		vx[k] = (struct phases_vertex){ .raw = raw, .pt = best - 1, .at_end = true, .x = x, .y = level };
		memmove(&w[i + 2], &w[i + 1], (nw - i - 1) * sizeof *w);
		w[i + 1] = (struct phases_work){ k, w[i].vb, phases_classify(c, vx, k, w[i].vb), w[i].saw, false };
		w[i].vb = k;
		w[i].kind = phases_classify(c, vx, w[i].va, k);
		nw++;
		i++;
	}
	return nw;
}

/* Sets the level at every boundary: a slow phase's own least-squares line
 * there (the mean of both when two slow phases meet); a steep phase takes
 * its neighbours' levels, and where it has none, the sample's own value. */
static void phases_levels(const struct phases_ctx *c, struct phases_vertex *vx,
                          const struct phases_work *w, size_t nw, double *start_y, double *end_y)
{
	/* No segment, no vertex to place (and no w[nw - 1] to read). */
	if (nw == 0)
		return;
	for (size_t i = 0; i < nw; i++) {
		size_t from, end;
		phases_points_of(vx, &w[i], &from, &end);
		start_y[i] = end_y[i] = -1e300;
		if (phases_steep(w[i].kind) || end <= from)
			continue;
		double slope, icept, sse;
		phases_fit(c, from, end - 1, &slope, &icept, &sse);
		start_y[i] = icept + slope * vx[w[i].va].x;
		end_y[i] = icept + slope * vx[w[i].vb].x;
	}
	for (size_t i = 0; i <= nw; i++) {
		double l = i > 0 ? end_y[i - 1] : -1e300, r = i < nw ? start_y[i] : -1e300;
		struct phases_vertex *v = &vx[i < nw ? w[i].va : w[nw - 1].vb];
		if (l > -1e300 && r > -1e300)
			v->y = (l + r) / 2;
		else if (l > -1e300)
			v->y = l;
		else if (r > -1e300)
			v->y = r;
		else
			v->y = ((double)c->v[v->raw] - c->vmin) / c->range;
	}
}

/* The measured sample after (dir > 0) or before (dir < 0) raw i, or i when
 * there is none. */
static size_t phases_next_measured(const struct phases_ctx *c, size_t i, int dir)
{
	for (size_t j = i; dir > 0 ? j + 1 < c->n : j > 0;) {
		j = dir > 0 ? j + 1 : j - 1;
		if (c->v[j] >= 0)
			return j;
	}
	return i;
}

/* Puts each boundary between a slow and a steep phase on the last sample
 * before the jump (the first after it): step 2's tolerance lets a slow line
 * keep the first or last samples of a jump, and a log line that announces a
 * load belongs with the load. A sample is part of the jump while the step
 * from its neighbour on the slow side goes the jump's way by more than
 * noise. Levels follow the slow phase's line. */
static void phases_trim(const struct phases_ctx *c, struct phases_vertex *vx, const struct phases_work *w,
                        size_t nw)
{
	double thr = (PHASES_NOISE_K * c->sigma + PHASES_TRIM_SHARE * c->min_share) * c->range;
	for (size_t i = 0; i + 1 < nw; i++) {
		bool steep_l = phases_steep(w[i].kind), steep_r = phases_steep(w[i + 1].kind);
		if (steep_l == steep_r)
			continue;
		const struct phases_work *slow = steep_l ? &w[i + 1] : &w[i];
		int dir = phases_dir(steep_l ? w[i].kind : w[i + 1].kind);
		struct phases_vertex *v = &vx[w[i].vb];
		/* Walk into the slow phase, keeping its far end and the sample
		 * next to it. */
		int walk = steep_l ? 1 : -1;
		size_t far = vx[steep_l ? slow->vb : slow->va].raw, b = v->raw;
		for (;;) {
			size_t nb = phases_next_measured(c, b, walk);
			if (nb == b || nb == far || phases_next_measured(c, nb, walk) == far)
				break;
			/* Before the jump, b is in it when it went the jump's way
			 * from nb; after it, when nb still goes the jump's way. */
			double step = steep_l ? (double)(c->v[nb] - c->v[b]) : (double)(c->v[b] - c->v[nb]);
			if (step * dir <= thr)
				break;
			b = nb;
		}
		if (b == v->raw)
			continue;
		size_t from, end;
		phases_points_of(vx, slow, &from, &end);
		v->raw = b;
		v->x = (double)(c->t_ns[b] - c->t0_ns) / c->span_ns;
		if (end > from) {
			double slope, icept, sse;
			phases_fit(c, from, end - 1, &slope, &icept, &sse);
			v->y = icept + slope * v->x;
		}
	}
}

/* Joins two neighbouring slow phases (plateau, growth, decline) when the
 * level where they meet lies within min_share of the straight line from the
 * start of the first to the end of the second: step 3 once more, on the
 * fitted levels, for pieces a sawtooth or noise left behind (the last
 * minutes of a slow growth are not a plateau). Returns the new count. */
static size_t phases_smooth(const struct phases_ctx *c, const struct phases_vertex *vx,
                            struct phases_work *w, size_t nw)
{
	for (;;) {
		size_t best = SIZE_MAX;
		double least = c->min_share;
		for (size_t i = 0; i + 1 < nw; i++) {
			if (phases_steep(w[i].kind) || phases_steep(w[i + 1].kind))
				continue;
			const struct phases_vertex *a = &vx[w[i].va], *m = &vx[w[i].vb], *b = &vx[w[i + 1].vb];
			double f = b->x > a->x ? (m->x - a->x) / (b->x - a->x) : 0.5;
			double dev = fabs(m->y - (a->y + f * (b->y - a->y)));
			if (dev < least) {
				least = dev;
				best = i;
			}
		}
		if (best == SIZE_MAX)
			return nw;
		nw = phases_join(c, vx, w, nw, best, best + 1);
	}
}

/* Rounds a level (share of R) back to bytes within the recorded range. */
static int64_t phases_bytes(const struct phases_ctx *c, double y, int64_t lo, int64_t hi)
{
	double b = c->vmin + y * c->range;
	b = b < 0 ? b - 0.5 : b + 0.5;
	int64_t r = b <= (double)lo ? lo : b >= (double)hi ? hi : (int64_t)b;
	return r;
}

/* Fills the raw facts of a phase from first to last. */
static void phases_fill(const struct phases_ctx *c, phase *p, size_t first, size_t last)
{
	p->first = first;
	p->last = last;
	p->t0_ns = c->t_ns[first];
	p->t1_ns = c->t_ns[last];
	p->vmin = INT64_MAX;
	p->vmax = INT64_MIN;
	for (size_t i = first; i <= last; i++) {
		if (c->v[i] < 0)
			continue;
		if (c->v[i] < p->vmin)
			p->vmin = c->v[i];
		if (c->v[i] > p->vmax)
			p->vmax = c->v[i];
	}
}

/* Steps 2 to 6 over the points; the phases go to out. Returns their number,
 * or -1 with errno set. */
static long phases_segment(struct phases_ctx *c, int64_t lo, int64_t hi, phase *out, size_t max)
{
	long ret = -1;
	struct phases_seg *seg = malloc(c->npts * sizeof *seg);
	/* Vertices: two a line, and room for the splits of step 6. */
	size_t vcap = 3 * c->npts + 16;
	struct phases_vertex *vx = malloc(vcap * sizeof *vx);
	struct phases_work *w = malloc(vcap * sizeof *w);
	/* Scratch: prefix sums for the splits, or 2 * nw levels. */
	double *scratch = malloc((6 * c->npts + 2 * vcap + 6) * sizeof *scratch);
	size_t head = 0;
	if (!seg || !vx || !w || !scratch || !phases_lines(c, seg, &head)) {
		errno = ENOMEM;
		goto done;
	}
	phases_seg_split(c, seg, head, scratch);
	size_t nv = 0;
	for (size_t s = head; s != SIZE_MAX; s = seg[s].next) {
		size_t rf = c->pts[seg[s].a].lo, rl = c->pts[seg[s].b].hi;
		double xf = (double)(c->t_ns[rf] - c->t0_ns) / c->span_ns;
		double xl = (double)(c->t_ns[rl] - c->t0_ns) / c->span_ns;
		vx[nv++] = (struct phases_vertex){ .raw = rf, .pt = seg[s].a, .x = xf,
		                                   .y = seg[s].icept + seg[s].slope * xf };
		if (rl != rf)
			vx[nv++] = (struct phases_vertex){ .raw = rl, .pt = seg[s].b, .at_end = true, .x = xl,
			                                   .y = seg[s].icept + seg[s].slope * xl };
	}
	if (!phases_simplify(vx, nv, c->min_share)) {
		errno = ENOMEM;
		goto done;
	}
	size_t nw = 0;
	for (size_t a = 0; vx[a].next != SIZE_MAX; a = vx[a].next) {
		w[nw].va = a;
		w[nw].vb = vx[a].next;
		w[nw].kind = PHASE_PLATEAU;
		w[nw].saw = false;
		w[nw].dead = false;
		nw++;
	}
	phases_kinds(c, vx, w, nw);
	nw = phases_merge_same(w, nw);
	nw = phases_fold(c, vx, w, nw, scratch);
	nw = phases_sawtooth(c, vx, w, nw);
	nw = phases_fold(c, vx, w, nw, scratch);
	/* Step 6: fitted levels can change a kind (a 4% tooth on noise is 2.5%
	 * once fitted), so classify again until it settles. */
	bool changed = true;
	for (int pass = 0; pass < 6 && changed; pass++) {
		phases_refine(c, vx, w, nw, scratch);
		phases_levels(c, vx, w, nw, scratch, scratch + nw);
		size_t before = nw;
		nw = phases_smooth(c, vx, w, nw);
		if (pass < 2) {
			size_t unsplit = nw;
			nw = phases_split(c, vx, &nv, vcap, w, nw, scratch);
			if (nw != unsplit) {
				phases_refine(c, vx, w, nw, scratch);
				phases_levels(c, vx, w, nw, scratch, scratch + nw);
			}
		}
		changed = nw != before;
		changed |= phases_kinds(c, vx, w, nw);
		if (changed) {
			nw = phases_merge_same(w, nw);
			nw = phases_fold(c, vx, w, nw, scratch);
			nw = phases_sawtooth(c, vx, w, nw);
			nw = phases_fold(c, vx, w, nw, scratch);
		}
	}
	if (changed) {
		phases_refine(c, vx, w, nw, scratch);
		phases_levels(c, vx, w, nw, scratch, scratch + nw);
		/* Still moving after a few passes: the kinds follow the levels now
		 * found, so a phase never says rise while its level falls. */
		phases_kinds(c, vx, w, nw);
		nw = phases_merge_same(w, nw);
	}
	phases_trim(c, vx, w, nw);
	if (nw > max) {
		errno = ENOBUFS;
		goto done;
	}
	for (size_t i = 0; i < nw; i++) {
		phases_fill(c, &out[i], vx[w[i].va].raw, vx[w[i].vb].raw);
		out[i].v0 = phases_bytes(c, vx[w[i].va].y, lo, hi);
		out[i].v1 = phases_bytes(c, vx[w[i].vb].y, lo, hi);
		out[i].kind = w[i].kind;
	}
	ret = (long)nw;
done:
	free(scratch);
	free(seg);
	free(vx);
	free(w);
	return ret;
}

long phases_find(const int64_t *t_ns, const int64_t *v, size_t n, const phases_opts *opts,
                 phase *out, size_t max)
{
	size_t m = 0, first = 0, last = 0;
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < 0)
			continue;
		if (m == 0)
			first = i;
		last = i;
		m++;
		if (v[i] < lo)
			lo = v[i];
		if (v[i] > hi)
			hi = v[i];
	}
	if (m < 3 || t_ns[last] <= t_ns[first])
		return 0;
	if (max < 1 || !out) {
		errno = ENOBUFS;
		return -1;
	}
	struct phases_ctx c = { .t_ns = t_ns, .v = v, .n = n, .t0_ns = t_ns[first] };
	c.span_ns = (double)(t_ns[last] - t_ns[first]);
	c.step = 1.0 / (double)(m - 1);
	c.min_share = opts && opts->min_share > 0 ? opts->min_share : PHASES_DEFAULT_MIN_SHARE;
	if (c.min_share > 0.5)
		c.min_share = 0.5;
	double span_s = c.span_ns / 1e9;
	if (opts && opts->steep_per_s > 0)
		c.steep = opts->steep_per_s * span_s;
	else if (span_s < PHASES_STEEP_SPANS * PHASES_STEEP_MIN_S)
		c.steep = span_s / PHASES_STEEP_MIN_S;
	else
		c.steep = PHASES_STEEP_SPANS;
	c.contrast = !(opts && opts->steep_per_s > 0);
	if (hi == lo) {
		phases_fill(&c, &out[0], first, last);
		out[0].v0 = out[0].v1 = lo;
		out[0].kind = PHASE_PLATEAU;
		return 1;
	}
	c.vmin = (double)lo;
	c.range = (double)(hi - lo);
	if (c.range < PHASES_FLOOR_OF_PEAK * (double)hi)
		c.range = PHASES_FLOOR_OF_PEAK * (double)hi;
	bool oom = false;
	c.sigma = phases_noise(&c, m, &oom) / c.range;
	if (oom || !phases_make_points(&c, m)) {
		free(c.pts);
		errno = ENOMEM;
		return -1;
	}
	long r = phases_segment(&c, lo, hi, out, max);
	free(c.pts);
	return r;
}
