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

#include "analysis/phases_impl.h"

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
