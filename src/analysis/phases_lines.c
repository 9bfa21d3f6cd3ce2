/* phases_lines.c: steps 2 and 3 of cutting a curve into phases (phases.c
 * has the rule): the points merged bottom-up into least-squares lines, their
 * boundaries moved to where two lines fit best, then the polyline simplified. */
#include "analysis/phases_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* Least-squares line through points a..b; returns whether every point lies
 * within its tolerance of it. Centred sums, so tiny time steps stay exact. */
bool phases_fit(const struct phases_ctx *c, size_t a, size_t b, double *slope,
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
size_t phases_scan(const struct phases_ctx *c, size_t a0, size_t b1, size_t lo_c, size_t hi_c,
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
double phases_line_sse(const struct phases_ctx *c, size_t a0, size_t b1)
{
	double slope, icept, sse;
	phases_fit(c, a0, b1 - 1, &slope, &icept, &sse);
	return sse;
}

/* How much a split must gain to be more than noise: a few points' worth. */
double phases_margin(const struct phases_ctx *c)
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
size_t phases_best_split(const struct phases_ctx *c, size_t a0, size_t a1, size_t b1,
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
void phases_seg_split(const struct phases_ctx *c, struct phases_seg *seg, size_t head,
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
bool phases_lines(const struct phases_ctx *c, struct phases_seg *seg, size_t *head)
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
bool phases_simplify(struct phases_vertex *vx, size_t nv, double limit)
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
