/* phases_kinds.c: steps 4 to 6 of cutting a curve into phases (phases.c
 * has the rule): the pieces of the polyline named by slope, small ones and
 * sawtooth folded into their neighbours, levels settled and boundaries trimmed. */
#include "analysis/phases_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
size_t phases_merge_same(struct phases_work *w, size_t nw)
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
bool phases_kinds(const struct phases_ctx *c, const struct phases_vertex *vx,
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
size_t phases_fold(const struct phases_ctx *c, const struct phases_vertex *vx,
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
size_t phases_sawtooth(const struct phases_ctx *c, const struct phases_vertex *vx,
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
void phases_refine(const struct phases_ctx *c, struct phases_vertex *vx,
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
size_t phases_split(const struct phases_ctx *c, struct phases_vertex *vx, size_t *nv,
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
void phases_levels(const struct phases_ctx *c, struct phases_vertex *vx,
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
void phases_trim(const struct phases_ctx *c, struct phases_vertex *vx, const struct phases_work *w,
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
size_t phases_smooth(const struct phases_ctx *c, const struct phases_vertex *vx,
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
