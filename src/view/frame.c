/* frame.c: takes the snapshot a frame of the view is drawn from. The series
 * is locked once (series_snapshot) and the planner decides, from the heads,
 * which windows to read; the markers are copied; the phases are found on
 * the samples themselves, the way `memlog report` finds them. */
#include "view/frame.h"

#include <stdlib.h>
#include <string.h>

#include "base/mtime.h"
#include "view/chart.h"

/* Points the phases are found on when the series no longer holds every
 * sample at full resolution (a long live run): the largest of each slice. */
#define FRAME_PHASE_SLICES 4000
/* A growing recording is cut again at most this often... */
#define FRAME_PHASE_EVERY_NS NS_PER_S
/* ... and spends at most 1/FRAME_PHASE_SHARE of the time doing it. */
#define FRAME_PHASE_SHARE 20
/* Points of a process's curve read for one frame (a live set keeps fewer). */
#define FRAME_PROC_POINTS 4096

frame *frame_new(void)
{
	frame *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	f->procs = calloc(FRAME_MAX_PROCS, sizeof *f->procs);
	if (!f->procs) {
		free(f);
		return NULL;
	}
	f->phase_col = -1;
	return f;
}

/* The markers, copied once each: those the frame holds stay, the new ones
 * are added (a recording's markers are only ever added). */
static void frame_markers(frame *f, markers *m)
{
	if (m != f->marks_src) {
		markers_release(f->marks, f->nmarks);
		f->nmarks = 0;
		f->marks_src = m;
	}
	size_t want = m ? markers_count(m) : 0;
	if (want <= f->nmarks)
		return;
	if (want > f->marks_cap) {
		size_t cap = want > 2 * f->marks_cap ? want : 2 * f->marks_cap;
		markers_item *grown = realloc(f->marks, cap * sizeof *grown);
		if (!grown)
			return; /* the ones held are still drawn */
		f->marks = grown;
		f->marks_cap = cap;
	}
	size_t got = markers_copy_from(m, f->nmarks, f->marks + f->nmarks, want - f->nmarks);
	/* A label that could not be copied (no memory): the next frame tries again. */
	for (size_t i = 0; i < got; i++)
		if (!f->marks[f->nmarks + i].label) {
			markers_release(f->marks + f->nmarks, got);
			return;
		}
	f->nmarks += got;
}

void frame_free(frame *f)
{
	if (!f)
		return;
	markers_release(f->marks, f->nmarks);
	free(f->marks);
	free(f->procs);
	free(f->min);
	free(f->max);
	free(f->min2);
	free(f->max2);
	for (int k = 0; k < FRAME_MAX_EXTRA; k++) {
		free(f->xmin[k]);
		free(f->xmax[k]);
	}
	free(f);
}

/* Makes room for n slices in each window array. */
static bool frame_reserve(frame *f, size_t n)
{
	if (n <= f->cap)
		return true;
	int64_t **arrs[] = { &f->min, &f->max, &f->min2, &f->max2 };
	for (size_t i = 0; i < 4; i++) {
		int64_t *p = realloc(*arrs[i], n * sizeof **arrs[i]);
		if (!p)
			return false;
		*arrs[i] = p;
	}
	f->cap = n;
	return true;
}

/* The windows of the recordings beyond the second, in the main one's
 * column; none when out of memory. */
static void frame_extras(frame *f, const frame_source *src)
{
	const frame_plan *p = &f->plan;
	f->nextra = 0;
	if (!p->other || !src->other || src->nextra <= 0)
		return;
	int n = src->nextra < FRAME_MAX_EXTRA ? src->nextra : FRAME_MAX_EXTRA;
	if (p->nslices > f->xcap) {
		for (int k = 0; k < n; k++) {
			int64_t *a = realloc(f->xmin[k], p->nslices * sizeof *a);
			if (a)
				f->xmin[k] = a;
			int64_t *b = realloc(f->xmax[k], p->nslices * sizeof *b);
			if (b)
				f->xmax[k] = b;
			if (!a || !b)
				return;
		}
		f->xcap = p->nslices;
	}
	for (int k = 0; k < n; k++) {
		series_window(src->extra[k], p->col, p->t0_ns, p->t1_ns, p->nslices, f->xmin[k], f->xmax[k]);
		chart_hold(f->xmin[k], f->xmax[k], p->nslices);
	}
	f->nextra = n;
}

/* What series_snapshot's plan callback needs to reach the frame. */
struct frame_asking {
	frame *f;
	const series_head *other;
	frame_planner plan;
	void *ctx;
	bool ok;
};

/* The series_plan for the main recording: the view's plan, then its windows. */
static size_t frame_ask(void *ctx, const series_head *head, series_ask *asks, size_t max)
{
	struct frame_asking *a = ctx;
	frame *f = a->f;
	size_t n = 0;

	memset(&f->plan, 0, sizeof f->plan);
	f->plan.col2 = -1;
	f->plan.at_ns = -1;
	a->plan(a->ctx, head, a->other, &f->plan);
	const frame_plan *p = &f->plan;
	if (p->nslices && !frame_reserve(f, p->nslices)) {
		a->ok = false;
		return 0;
	}
	if (p->nslices && n < max)
		asks[n++] = (series_ask){ p->col, p->t0_ns, p->t1_ns, p->nslices, f->min, f->max };
	if (p->nslices && p->col2 >= 0 && n < max)
		asks[n++] = (series_ask){ p->col2, p->t0_ns, p->t1_ns, p->nslices, f->min2, f->max2 };
	for (int c = 0; c < SAMPLE_NCOLS; c++) {
		f->at[c] = SAMPLE_NONE;
		/* One slice ending just after at_ns: the newest value in reach. */
		if (p->at_ns >= 0 && n < max)
			asks[n++] = (series_ask){ c, p->at_ns - p->reach_ns, p->at_ns + 1, 1, &f->at[c], &f->at[c] };
	}
	return n;
}

/* The phases of the planned column, found again only when the recording
 * grew or the column changed, and then paced. */
static void frame_phases(frame *f, series *s, int64_t now_ns)
{
	int col = f->plan.col;
	size_t count = f->main.count;
	if (count == f->phase_count && col == f->phase_col)
		return;
	int64_t wait = f->phase_cost_ns * FRAME_PHASE_SHARE;
	if (wait < FRAME_PHASE_EVERY_NS)
		wait = FRAME_PHASE_EVERY_NS;
	if (col == f->phase_col && f->phase_count && now_ns - f->phase_at_ns < wait)
		return;
	int64_t t0 = mtime_mono_ns();
	int64_t *t, *v;
	size_t n = series_points(s, col, FRAME_PHASE_SLICES, &t, &v);
	long np = n ? phases_find(t, v, n, NULL, f->phase_buf, FRAME_MAX_PHASES) : 0;
	/* On the steps the logs and markers announce, as report puts them. */
	int64_t wall0 = f->main.last.wall_ns ? f->main.last.wall_ns - f->main.last.elapsed_ns : 0;
	size_t nsteps = 0;
	int64_t *steps = np > 0 ? phases_step_starts(f->lb, f->marks, f->nmarks, wall0, &nsteps) : NULL;
	if (steps)
		np = phases_steps(t, v, n, steps, nsteps, f->phase_buf, np, FRAME_MAX_PHASES);
	free(steps);
	free(t);
	free(v);
	f->phase_n = np > 0 ? np : 0;
	f->phase_count = count;
	f->phase_col = col;
	f->phase_at_ns = now_ns;
	f->phase_cost_ns = mtime_mono_ns() - t0;
}

/* The slices of [t0, t1) from a process's curve into min2/max2: each the
 * range of its points in the slice, a slice without one the level before. */
static void frame_proc_line(frame *f, procset *ps)
{
	const frame_plan *p = &f->plan;
	procset_point pts[FRAME_PROC_POINTS];
	int64_t end_ns;
	size_t n = procset_curve(ps, p->proc_id, p->t0_ns, p->t1_ns, pts, FRAME_PROC_POINTS, &end_ns);
	if (n > FRAME_PROC_POINTS)
		n = FRAME_PROC_POINTS;
	for (size_t i = 0; i < p->nslices; i++)
		f->min2[i] = f->max2[i] = SAMPLE_NONE;
	int64_t span = p->t1_ns - p->t0_ns;
	for (size_t k = 0; k < n && span > 0; k++) {
		/* The point before the window sets the level at its start. */
		int64_t t = pts[k].t_ns < p->t0_ns ? p->t0_ns : pts[k].t_ns;
		size_t i = (size_t)((__int128)(t - p->t0_ns) * (int64_t)p->nslices / span);
		if (i >= p->nslices)
			continue;
		if (f->min2[i] == SAMPLE_NONE || pts[k].held < f->min2[i])
			f->min2[i] = pts[k].held;
		if (pts[k].held > f->max2[i])
			f->max2[i] = pts[k].held;
	}
	chart_hold(f->min2, f->max2, p->nslices);
	/* A quiet process has no rows for up to 10 s: its level goes on to the
	 * newest sample, or to its end. */
	int64_t until = end_ns >= 0 && end_ns < f->main.last_ns ? end_ns : f->main.last_ns;
	size_t i = p->nslices;
	while (n > 0 && i > 0 && f->min2[i - 1] == SAMPLE_NONE)
		i--;
	for (; n > 0 && i > 0 && i < p->nslices; i++) {
		int64_t slice_t0 = p->t0_ns + (int64_t)((__int128)span * (int64_t)i / (int64_t)p->nslices);
		if (slice_t0 >= until)
			break;
		f->min2[i] = f->max2[i] = pts[n - 1].held;
	}
	f->proc_line = true;
}

/* The processes running at the planned time, and their "before" at the
 * start of the phase it is in. */
static void frame_procs(frame *f, procset *ps)
{
	const frame_plan *p = &f->plan;
	int64_t at = p->at_ns >= 0 ? p->at_ns : f->main.last_ns;
	int64_t since = 0;
	for (long i = 0; i < f->nphases; i++)
		if (f->phases[i].t0_ns <= at)
			since = f->phases[i].t0_ns;
	f->procs_at_ns = at;
	f->procs_since_ns = since;
	f->nprocs_all = procset_at(ps, at, since, f->procs, FRAME_MAX_PROCS);
	f->nprocs = f->nprocs_all < FRAME_MAX_PROCS ? f->nprocs_all : FRAME_MAX_PROCS;
}

int frame_take(frame *f, const frame_source *src, int64_t now_ns, frame_planner plan, void *ctx)
{
	f->now_ns = now_ns;
	f->lb = src->lb;
	f->has_other = src->other != NULL;
	if (src->other)
		series_snapshot(src->other, NULL, NULL, &f->other);
	/* A job across hosts: the window reaches the end of the last one. */
	for (int k = 0; src->other && k < src->nextra && k < FRAME_MAX_EXTRA; k++) {
		series_head h;
		series_snapshot(src->extra[k], NULL, NULL, &h);
		if (h.count && f->other.count && h.last_ns > f->other.last_ns)
			f->other.last_ns = h.last_ns;
	}
	struct frame_asking a = { f, src->other ? &f->other : NULL, plan, ctx, true };
	series_snapshot(src->ser, frame_ask, &a, &f->main);
	const frame_plan *p = &f->plan;
	if (!a.ok) {
		f->plan.nslices = 0;
	} else if (p->nslices) {
		chart_hold(f->min, f->max, p->nslices);
		if (p->other && src->other)
			series_window(src->other, p->col, p->t0_ns, p->t1_ns, p->nslices, f->min2, f->max2);
		if (p->other || p->col2 >= 0)
			chart_hold(f->min2, f->max2, p->nslices);
		frame_extras(f, src);
	}
	frame_markers(f, src->marks);
	f->phases = f->phase_buf;
	f->nphases = 0;
	if (p->phases) {
		frame_phases(f, src->ser, now_ns);
		f->nphases = f->phase_col == p->col ? f->phase_n : 0;
	}
	f->has_procs = src->procs != NULL;
	f->nprocs = f->nprocs_all = 0;
	f->proc_line = false;
	if (src->procs && p->procs)
		frame_procs(f, src->procs);
	if (src->procs && a.ok && p->nslices && p->proc_id && !p->other && p->col2 < 0)
		frame_proc_line(f, src->procs);
	return a.ok ? 0 : -1;
}
