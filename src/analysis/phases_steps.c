/* phases_steps.c: the phases of a curve put on the steps the job itself
 * announced (phases.h). The job's log lines and the markers are where a
 * person reading the curve beside the log draws the lines:
 *   1. a boundary close to the start of a step moves onto it (onto the last
 *      sample at or before the line, so the line belongs to the phase it
 *      announces);
 *   2. a step whose curve goes one way overall, with turns against it (an
 *      allocator's or a collector's sawtooth inside one read_csv, the
 *      buffers it frees before it returns), is one phase, from its first
 *      piece going that way to the last piece that moves;
 *   3. a rise or a drop that a step start cuts into two parts of size
 *      (importing a library, then loading the data, as one rise) is split
 *      there, and a slow phase where a step start cuts it into two clearly
 *      different paces.
 * Repeated lines (progress: "batch 12 of 40") start no step; the caller
 * tells them apart with phases_same_step. */
#include "analysis/phases.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define STEPS_MIN_SHARE 0.03    /* a piece changing less is level */
#define STEPS_FLOOR_OF_PEAK 0.10
#define STEPS_SNAP_SHARE 0.02   /* snap within this share of the span... */
#define STEPS_SNAP_SAMPLES 3    /* ...or this many sampling intervals */
#define STEPS_SPLIT_SHARE 0.05  /* each part of a split changes this share of the range... */
#define STEPS_SPLIT_PART 0.05   /* ...and this share of the phase's change */
#define STEPS_SPLIT_PACE 2.0    /* the parts' paces differ at least this much... */
#define STEPS_SPLIT_PACE_STEEP 1.25 /* ...or this much in a rise or a drop */
#define STEPS_SPLIT_EDGE 2      /* samples each part keeps at least */
#define STEPS_FIT_POINTS 512    /* samples a part's line is fitted to, at most */

/* The working form: boundaries (sample indexes, ascending), their levels,
 * and the kind of the phase that starts at each. */
struct steps_work {
	const int64_t *t, *v;
	size_t *bd;
	int64_t *lv;
	enum phase_kind *kind;
	size_t nb, cap;
	int64_t thr;  /* a change below this is level */
};

static int steps_dir(enum phase_kind k)
{
	return k == PHASE_RISE || k == PHASE_GROWTH ? 1 : k == PHASE_DROP || k == PHASE_DECLINE ? -1 : 0;
}

static int steps_sign(const struct steps_work *w, int64_t d)
{
	return d >= w->thr ? 1 : d <= -w->thr ? -1 : 0;
}

/* A kind for a change of d that was steep or not; level below thr. */
static enum phase_kind steps_kind_for(const struct steps_work *w, int64_t d, bool steep)
{
	int s = steps_sign(w, d);
	if (s > 0)
		return steep ? PHASE_RISE : PHASE_GROWTH;
	if (s < 0)
		return steep ? PHASE_DROP : PHASE_DECLINE;
	return PHASE_PLATEAU;
}

/* Keeps kind k if it agrees with the change d, else the nearest that does. */
static enum phase_kind steps_kind_fix(const struct steps_work *w, enum phase_kind k, int64_t d)
{
	int dir = steps_dir(k), s = d > 0 ? 1 : d < 0 ? -1 : 0;
	if (dir == 0 && llabs(d) >= 2 * w->thr)
		return steps_kind_for(w, d, false);
	if (dir == 0 || dir == s)
		return k;
	return steps_kind_for(w, d, k == PHASE_RISE || k == PHASE_DROP);
}

/* Inserts boundary at sample s (level its sample) after position k. */
static void steps_insert(struct steps_work *w, size_t k, size_t s, enum phase_kind after)
{
	memmove(&w->bd[k + 2], &w->bd[k + 1], (w->nb - k - 1) * sizeof *w->bd);
	memmove(&w->lv[k + 2], &w->lv[k + 1], (w->nb - k - 1) * sizeof *w->lv);
	memmove(&w->kind[k + 2], &w->kind[k + 1], (w->nb - k - 1) * sizeof *w->kind);
	w->bd[k + 1] = s;
	w->lv[k + 1] = w->v[s];
	w->kind[k + 1] = after;
	w->nb++;
}

/* Removes boundaries from..to (positions), joining their phases into the
 * phase at from - 1. */
static void steps_remove(struct steps_work *w, size_t from, size_t to)
{
	size_t gone = to - from + 1;
	memmove(&w->bd[from], &w->bd[to + 1], (w->nb - to - 1) * sizeof *w->bd);
	memmove(&w->lv[from], &w->lv[to + 1], (w->nb - to - 1) * sizeof *w->lv);
	memmove(&w->kind[from], &w->kind[to + 1], (w->nb - to - 1) * sizeof *w->kind);
	w->nb -= gone;
}

/* Step 1: each inner boundary near a step start moves onto it. */
static void steps_snap(struct steps_work *w, const size_t *edge, size_t ne, int64_t tol_ns)
{
	size_t e = 0;
	for (size_t k = 1; k + 1 < w->nb; k++) {
		int64_t tb = w->t[w->bd[k]];
		while (e < ne && w->t[edge[e]] < tb - tol_ns)
			e++;
		size_t best = SIZE_MAX;
		int64_t least = tol_ns + 1;
		for (size_t j = e; j < ne && w->t[edge[j]] <= tb + tol_ns; j++) {
			int64_t d = w->t[edge[j]] - tb;
			d = d < 0 ? -d : d;
			if (d < least && edge[j] > w->bd[k - 1] && edge[j] < w->bd[k + 1]) {
				least = d;
				best = edge[j];
			}
		}
		/* Not across a change: a line saying a load is done may come
		 * out before the sample that sees the load's last pages. */
		if (best == SIZE_MAX || best == w->bd[k] || llabs(w->v[best] - w->v[w->bd[k]]) >= w->thr)
			continue;
		w->bd[k] = best;
		w->lv[k] = w->v[best];
	}
	for (size_t k = 0; k + 1 < w->nb; k++)
		w->kind[k] = steps_kind_fix(w, w->kind[k], w->lv[k + 1] - w->lv[k]);
}

/* The position of the last boundary at or before sample s. */
static size_t steps_at_or_before(const struct steps_work *w, size_t s)
{
	size_t k = 0;
	while (k + 1 < w->nb && w->bd[k + 1] <= s)
		k++;
	return k;
}

/* Step 2 for the step from sample a to sample b. Returns whether it joined. */
static bool steps_join_one(struct steps_work *w, size_t a, size_t b)
{
	size_t ka = steps_at_or_before(w, a);
	size_t first_in = ka + 1, last_in = first_in;
	while (last_in < w->nb && w->bd[last_in] < b)
		last_in++;
	if (first_in >= w->nb || w->bd[first_in] >= b || w->bd[first_in] <= a)
		return false;
	/* The step's pieces: e[0] = a, the inner boundaries, e[m] = b. */
	size_t m = last_in - first_in + 1;
	size_t *e = malloc((m + 1) * sizeof *e);
	if (!e)
		return false;
	e[0] = a;
	for (size_t j = 1; j < m; j++)
		e[j] = w->bd[first_in + j - 1];
	e[m] = b;
	int d = steps_sign(w, w->v[b] - w->v[a]);
	/* The run to join: from the first piece going the step's way to the
	 * last piece that moves, unless a level piece between them is long
	 * (a quarter of the run): then only up to that level piece. */
	size_t p0 = SIZE_MAX, p1 = 0;
	for (size_t j = 0; d != 0 && j < m && p0 == SIZE_MAX; j++)
		if (steps_sign(w, w->v[e[j + 1]] - w->v[e[j]]) == d)
			p0 = j;
	for (size_t j = p0; p0 != SIZE_MAX && j < m; j++)
		if (steps_sign(w, w->v[e[j + 1]] - w->v[e[j]]) != 0)
			p1 = j;
	for (size_t j = p0; p0 != SIZE_MAX && j < p1; j++) {
		int64_t run = w->t[e[p1 + 1]] - w->t[e[p0]];
		if (steps_sign(w, w->v[e[j + 1]] - w->v[e[j]]) == 0 && 4 * (w->t[e[j + 1]] - w->t[e[j]]) > run) {
			p1 = j > p0 ? j - 1 : p0;
			break;
		}
	}
	bool join = false, steep = false;
	if (p0 != SIZE_MAX && p1 > p0) {
		/* Turns against the step's way inside it (read_csv frees its
		 * buffers before it returns) do not cut it. */
		for (size_t j = p0; j <= p1; j++)
			join |= steps_sign(w, w->v[e[j + 1]] - w->v[e[j]]) == -d;
	}
	if (join) {
		/* Steep if any piece it joins was. */
		size_t k = steps_at_or_before(w, e[p0]);
		for (size_t j = k; j < w->nb && w->bd[j] < e[p1 + 1]; j++)
			steep |= w->kind[j] == PHASE_RISE || w->kind[j] == PHASE_DROP;
		size_t s0 = e[p0], s1 = e[p1 + 1];
		/* Make s0 and s1 boundaries, then drop every one between. */
		size_t k0 = steps_at_or_before(w, s0);
		if (w->bd[k0] != s0) {
			steps_insert(w, k0, s0, w->kind[k0]);
			k0++;
		}
		size_t k1 = steps_at_or_before(w, s1);
		if (w->bd[k1] != s1) {
			steps_insert(w, k1, s1, w->kind[k1]);
			k1++;
		}
		if (k1 > k0 + 1)
			steps_remove(w, k0 + 1, k1 - 1);
		w->kind[k0] = steps_kind_for(w, w->lv[k0 + 1] - w->lv[k0], steep);
	}
	free(e);
	return join;
}

/* The least-squares slope of the samples a..b, bytes per second, from at
 * most STEPS_FIT_POINTS of them evenly spread (noise at either end must not
 * decide a split; a million samples must not cost a million per try). */
static double steps_slope(const struct steps_work *w, size_t a, size_t b)
{
	size_t stride = (b - a) / STEPS_FIT_POINTS + 1;
	double mt = 0, mv = 0, cnt = 0;
	for (size_t i = a; i <= b; i += stride)
		if (w->v[i] >= 0) {
			mt += (double)(w->t[i] - w->t[a]) / 1e9;
			mv += (double)w->v[i];
			cnt++;
		}
	if (cnt < 2)
		return 0;
	mt /= cnt;
	mv /= cnt;
	double sxx = 0, sxy = 0;
	for (size_t i = a; i <= b; i += stride)
		if (w->v[i] >= 0) {
			double x = (double)(w->t[i] - w->t[a]) / 1e9 - mt;
			sxx += x * x;
			sxy += x * ((double)w->v[i] - mv);
		}
	return sxx > 0 ? sxy / sxx : 0;
}

/* Step 3 for the phase at position k: the best step start to split it at,
 * or SIZE_MAX. Each part's change and pace come from its own fitted line. */
static size_t steps_split_at(const struct steps_work *w, size_t k, const size_t *edge, size_t ne, int64_t range)
{
	size_t a = w->bd[k], b = w->bd[k + 1];
	int d = steps_dir(w->kind[k]);
	double whole = (double)(w->lv[k + 1] - w->lv[k]) * d;
	double least = STEPS_SPLIT_SHARE * (double)range;
	if (least < STEPS_SPLIT_PART * whole)
		least = STEPS_SPLIT_PART * whole;
	/* A steep phase is split at a step start that leaves two parts of
	 * size whose paces differ a little (a library's import, then the load,
	 * are one rise to the curve but two steps to the log), the most even
	 * first; a slow one only where the pace changes much, the most first
	 * (a steady growth through a chatty log is one growth). A line inside
	 * a rise of one pace does not cut it. */
	bool steep = w->kind[k] == PHASE_RISE || w->kind[k] == PHASE_DROP;
	size_t best = SIZE_MAX;
	double best_score = 0;
	for (size_t j = 0; d != 0 && j < ne; j++) {
		size_t s = edge[j];
		if (s < a + STEPS_SPLIT_EDGE || s + STEPS_SPLIT_EDGE > b)
			continue;
		double pl = steps_slope(w, a, s) * d, pr = steps_slope(w, s, b) * d;
		double l = pl * (double)(w->t[s] - w->t[a]) / 1e9, r = pr * (double)(w->t[b] - w->t[s]) / 1e9;
		double ratio = pl > pr ? pl / pr : pr / pl;
		if (l < least || r < least || ratio < (steep ? STEPS_SPLIT_PACE_STEEP : STEPS_SPLIT_PACE))
			continue;
		double score = steep ? (l < r ? l : r) : ratio;
		if (score >= best_score) {
			best_score = score;
			best = s;
		}
	}
	return best;
}

/* The measured sample at or before elapsed time t among [lo, hi], or SIZE_MAX. */
static size_t steps_sample_at(const int64_t *t_ns, const int64_t *v, size_t lo, size_t hi, int64_t t)
{
	if (t < t_ns[lo])
		return SIZE_MAX;
	size_t l = lo, h = hi;
	while (l < h) {
		size_t mid = l + (h - l + 1) / 2;
		if (t_ns[mid] <= t)
			l = mid;
		else
			h = mid - 1;
	}
	while (l > lo && v[l] < 0)
		l--;
	return v[l] >= 0 ? l : SIZE_MAX;
}

long phases_steps(const int64_t *t_ns, const int64_t *v, size_t n, const int64_t *step_t, size_t nsteps,
                  phase *ph, long np, size_t max)
{
	if (np <= 0 || nsteps == 0 || ph[np - 1].last >= n)
		return np;
	struct steps_work w = { .t = t_ns, .v = v };
	w.cap = (size_t)np + 1 + 3 * nsteps + 2;
	w.bd = malloc(w.cap * sizeof *w.bd);
	w.lv = malloc(w.cap * sizeof *w.lv);
	w.kind = malloc(w.cap * sizeof *w.kind);
	size_t *edge = malloc((nsteps + 2) * sizeof *edge);
	long out = -1;
	if (!w.bd || !w.lv || !w.kind || !edge)
		goto done;
	size_t lo = ph[0].first, hi = ph[np - 1].last;
	int64_t vmin = INT64_MAX, vmax = INT64_MIN;
	for (size_t i = lo; i <= hi; i++) {
		if (v[i] < 0)
			continue;
		vmin = v[i] < vmin ? v[i] : vmin;
		vmax = v[i] > vmax ? v[i] : vmax;
	}
	int64_t range = vmax - vmin;
	if (range < (int64_t)(STEPS_FLOOR_OF_PEAK * (double)vmax))
		range = (int64_t)(STEPS_FLOOR_OF_PEAK * (double)vmax);
	w.thr = (int64_t)(STEPS_MIN_SHARE * (double)range);
	if (w.thr < 1)
		w.thr = 1;
	for (long i = 0; i < np; i++) {
		w.bd[i] = ph[i].first;
		w.lv[i] = ph[i].v0;
		w.kind[i] = ph[i].kind;
	}
	w.bd[np] = hi;
	w.lv[np] = ph[np - 1].v1;
	w.nb = (size_t)np + 1;
	/* The step starts as samples, ascending, once each, inside the curve. */
	size_t ne = 0;
	for (size_t i = 0; i < nsteps; i++) {
		size_t s = steps_sample_at(t_ns, v, lo, hi, step_t[i]);
		if (s != SIZE_MAX && s > lo && s < hi)
			edge[ne++] = s;
	}
	for (size_t i = 1; i < ne; i++)
		for (size_t j = i; j > 0 && edge[j - 1] > edge[j]; j--) {
			size_t x = edge[j];
			edge[j] = edge[j - 1];
			edge[j - 1] = x;
		}
	size_t u = 0;
	for (size_t i = 0; i < ne; i++)
		if (u == 0 || edge[u - 1] != edge[i])
			edge[u++] = edge[i];
	ne = u;
	int64_t span = t_ns[hi] - t_ns[lo];
	int64_t tol = (int64_t)(STEPS_SNAP_SHARE * (double)span);
	int64_t step = span / (int64_t)(hi - lo > 0 ? hi - lo : 1);
	if (tol < STEPS_SNAP_SAMPLES * step)
		tol = STEPS_SNAP_SAMPLES * step;
	steps_snap(&w, edge, ne, tol);
	for (size_t i = 0; i <= ne; i++)
		steps_join_one(&w, i == 0 ? lo : edge[i - 1], i == ne ? hi : edge[i]);
	for (size_t k = 0; k + 1 < w.nb && w.nb < w.cap;) {
		size_t s = steps_split_at(&w, k, edge, ne, range);
		if (s == SIZE_MAX) {
			k++;
			continue;
		}
		steps_insert(&w, k, s, w.kind[k]);
		w.kind[k] = steps_kind_fix(&w, w.kind[k], w.lv[k + 1] - w.lv[k]);
		w.kind[k + 1] = steps_kind_fix(&w, w.kind[k + 1], w.lv[k + 2] - w.lv[k + 1]);
	}
	if (w.nb - 1 > max) {
		out = -1;
		goto done;
	}
	for (size_t k = 0; k + 1 < w.nb; k++) {
		phase *p = &ph[k];
		p->first = w.bd[k];
		p->last = w.bd[k + 1];
		p->t0_ns = t_ns[p->first];
		p->t1_ns = t_ns[p->last];
		p->v0 = w.lv[k];
		p->v1 = w.lv[k + 1];
		p->kind = steps_kind_fix(&w, w.kind[k], p->v1 - p->v0);
		p->vmin = INT64_MAX;
		p->vmax = INT64_MIN;
		for (size_t i = p->first; i <= p->last; i++) {
			if (v[i] < 0)
				continue;
			p->vmin = v[i] < p->vmin ? v[i] : p->vmin;
			p->vmax = v[i] > p->vmax ? v[i] : p->vmax;
		}
	}
	out = (long)w.nb - 1;
done:
	free(w.bd);
	free(w.lv);
	free(w.kind);
	free(edge);
	return out;
}

/* One byte of a line's shape: digits are one digit, whatever the run. */
static size_t steps_shape(const char *s, size_t len, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < len && o < cap; i++) {
		bool dig = s[i] >= '0' && s[i] <= '9';
		if (dig && o > 0 && out[o - 1] == '0')
			continue;
		out[o++] = dig ? '0' : s[i];
	}
	return o;
}

bool phases_same_step(const char *a, size_t alen, const char *b, size_t blen)
{
	char sa[512], sb[512];
	size_t la = steps_shape(a, alen, sa, sizeof sa), lb = steps_shape(b, blen, sb, sizeof sb);
	return la == lb && memcmp(sa, sb, la) == 0;
}

/* Lines of the log a new one is compared with, to tell a step from progress. */
#define STEPS_MEMORY 4

int64_t *phases_step_starts(logbook *lb, const markers_item *marks, size_t nmarks, int64_t wall0, size_t *n)
{
	uint64_t first = 0, end = 0;
	if (lb && wall0)
		logbook_range(lb, &first, &end);
	int64_t *t = malloc((size_t)(end - first + nmarks + 1) * sizeof *t);
	*n = 0;
	if (!t)
		return NULL;
	for (size_t i = 0; i < nmarks; i++)
		t[(*n)++] = marks[i].t_ns;
	logbook_entry seen[STEPS_MEMORY];
	size_t nseen = 0;
	for (uint64_t s = first; s < end; s++) {
		logbook_entry e;
		if (logbook_get(lb, s, &e) < 0 || e.source == 0)
			continue;
		bool repeat = false;
		for (size_t j = 0; j < nseen && j < STEPS_MEMORY && !repeat; j++)
			repeat = phases_same_step(e.text, e.len, seen[j].text, seen[j].len);
		seen[nseen++ % STEPS_MEMORY] = e;
		if (!repeat)
			t[(*n)++] = e.wall_ns - wall0;
	}
	return t;
}
