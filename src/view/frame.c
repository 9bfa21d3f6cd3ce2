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

frame *frame_new(void)
{
	frame *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	f->marks = calloc(FRAME_MAX_MARKERS, sizeof *f->marks);
	if (!f->marks) {
		free(f);
		return NULL;
	}
	f->phase_col = -1;
	return f;
}

void frame_free(frame *f)
{
	if (!f)
		return;
	markers_release(f->marks, f->nmarks);
	free(f->marks);
	free(f->min);
	free(f->max);
	free(f->min2);
	free(f->max2);
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
	free(t);
	free(v);
	f->phase_n = np > 0 ? np : 0;
	f->phase_count = count;
	f->phase_col = col;
	f->phase_at_ns = now_ns;
	f->phase_cost_ns = mtime_mono_ns() - t0;
}

int frame_take(frame *f, const frame_source *src, int64_t now_ns, frame_planner plan, void *ctx)
{
	f->now_ns = now_ns;
	f->lb = src->lb;
	f->has_other = src->other != NULL;
	if (src->other)
		series_snapshot(src->other, NULL, NULL, &f->other);
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
	}
	markers_release(f->marks, f->nmarks);
	f->nmarks = src->marks ? markers_copy(src->marks, f->marks, FRAME_MAX_MARKERS) : 0;
	f->phases = f->phase_buf;
	f->nphases = 0;
	if (p->phases) {
		frame_phases(f, src->ser, now_ns);
		f->nphases = f->phase_col == p->col ? f->phase_n : 0;
	}
	return a.ok ? 0 : -1;
}
