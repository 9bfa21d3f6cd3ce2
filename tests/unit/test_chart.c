/* test_chart.c: the chart as a pure function: known series drawn into a
 * canvas and compared with golden text dumps, plus direct assertions on the
 * y scale, the x labels, spikes, gaps, markers, the cursor, tiny sizes and
 * staying inside the rectangle.
 *
 * Golden files: tests/fixtures/chart/NAME.txt holds canvas_dump of the chart
 * (what a person sees) and NAME.colors a map of each cell's colour, one
 * letter a cell (see color_letter; upper case when an attribute is set).
 * To accept new output after a deliberate change, run with GENERATE=1:
 *     GENERATE=1 build/test_chart
 * which rewrites the golden files instead of comparing; then look at them
 * (cat tests/fixtures/chart/NAME.txt) before committing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "view/canvas.h"
#include "view/chart.h"
#include "view/svgplot.h"

#define NS_PER_MS INT64_C(1000000)
#define NS_PER_S INT64_C(1000000000)
#define KiB INT64_C(1024)
#define MiB (KiB * 1024)
#define GiB (MiB * 1024)

/* The y labels' width and the first plot column, as chart.c lays them out. */
#define LABEL_W (CHART_YAXIS_W - 1)
#define PLOT_X CHART_YAXIS_W

#define GOLDEN_DIR "chart"
#include "golden.h"

/* ---- series made from samples, the way series_window slices them ---- */

/* A value of memory at elapsed t, or -1 for no sample. */
typedef int64_t (*value_fn)(int64_t t_ns);

/* Slices of [t0, t1) for one or two series. */
typedef struct slices {
	size_t n;
	int64_t *min, *max, *min2, *max2;
} slices;

/* Samples f every interval_ns from elapsed 0 and keeps per slice the min and
 * max of the samples that fall in it (-1 where none does). */
static void sample_into(int64_t *mn, int64_t *mx, size_t n, int64_t t0, int64_t t1,
                        int64_t interval_ns, value_fn f)
{
	for (size_t i = 0; i < n; i++)
		mn[i] = mx[i] = -1;
	if (n == 0)
		return;
	int64_t first = t0 <= 0 ? 0 : (t0 + interval_ns - 1) / interval_ns * interval_ns;
	for (int64_t t = first; t < t1; t += interval_ns) {
		int64_t v = f(t);
		if (v < 0)
			continue;
		size_t i = (size_t)((double)(t - t0) * (double)n / (double)(t1 - t0));
		if (i >= n)
			i = n - 1;
		if (mn[i] < 0 || v < mn[i])
			mn[i] = v;
		if (mx[i] < 0 || v > mx[i])
			mx[i] = v;
	}
}

/* Slices for a chart w wide over [t0, t1) of f (and g, when not NULL). */
static slices slices_make(int w, bool utf8, int64_t t0, int64_t t1, int64_t interval_ns,
                          value_fn f, value_fn g)
{
	slices s = { chart_slices(w, utf8), NULL, NULL, NULL, NULL };
	size_t bytes = (s.n ? s.n : 1) * sizeof(int64_t);
	s.min = malloc(bytes);
	s.max = malloc(bytes);
	assert_non_null(s.min);
	assert_non_null(s.max);
	sample_into(s.min, s.max, s.n, t0, t1, interval_ns, f);
	if (g != NULL) {
		s.min2 = malloc(bytes);
		s.max2 = malloc(bytes);
		assert_non_null(s.min2);
		assert_non_null(s.max2);
		sample_into(s.min2, s.max2, s.n, t0, t1, interval_ns, g);
	}
	return s;
}

static void slices_free(slices *s)
{
	free(s->min);
	free(s->max);
	free(s->min2);
	free(s->max2);
}

/* An input over [t0, t1) with the slices s, no markers, no cursor. */
static chart_input input_make(const slices *s, int64_t t0, int64_t t1, bool utf8)
{
	return (chart_input){
		.t0_ns = t0, .t1_ns = t1, .nslices = s->n, .min = s->min, .max = s->max,
		.min2 = s->min2, .max2 = s->max2, .name = "rss", .name2 = s->min2 ? "sys_used" : NULL,
		.cursor_ns = -1, .utf8 = utf8,
	};
}

/* A linear rise from 0 to 1.2 GiB over the first minute. */
static int64_t fn_ramp(int64_t t)
{
	return (int64_t)((double)t / (60.0 * NS_PER_S) * 1.2 * (double)GiB);
}

/* Steps with a gap where nothing was measured (20 s to 25 s: the target was
 * being re-attached, say), then a lower plateau. */
static int64_t fn_steps(int64_t t)
{
	if (t < 15 * NS_PER_S)
		return 200 * MiB;
	if (t < 20 * NS_PER_S)
		return 700 * MiB;
	if (t < 25 * NS_PER_S)
		return -1;
	if (t < 45 * NS_PER_S)
		return 300 * MiB;
	return 64 * MiB;
}

#define SPIKE_AT (301 * NS_PER_S + 700 * NS_PER_MS)

/* 100 MiB flat with one sample of 1 GiB: a spike 100 ms wide. */
static int64_t fn_spike(int64_t t)
{
	return t == SPIKE_AT ? GiB : 100 * MiB;
}

/* A training job: start-up, a near-instant load at 100 s, slow growth, one
 * 100 ms spike at 250 s, a drop at 330 s. */
static int64_t fn_job(int64_t t)
{
	int64_t s = t / NS_PER_S;
	if (t < 100 * NS_PER_S)
		return 40 * MiB + s * 128 * KiB;
	if (t < 101 * NS_PER_S)
		return 40 * MiB + (t - 100 * NS_PER_S) / NS_PER_MS * 560 * KiB;
	if (t == 250 * NS_PER_S)
		return 1100 * MiB;
	if (t < 330 * NS_PER_S)
		return 600 * MiB + (s - 100) * MiB;
	return 420 * MiB;
}

/* The machine's used memory: the job plus a wobbling 350 MiB of others. */
static int64_t fn_machine(int64_t t)
{
	int64_t s = t / NS_PER_S;
	int64_t job = t == 250 * NS_PER_S ? fn_job(t - 100 * NS_PER_MS) : fn_job(t);
	return job + 350 * MiB + (s % 20 < 10 ? s % 10 : 10 - s % 10) * 4 * MiB;
}

/* Draws a chart filling a fresh canvas of w x h; the caller frees it. */
static canvas *draw_alone(int w, int h, const chart_input *in)
{
	canvas *cv = canvas_new(w, h);
	assert_non_null(cv);
	chart_draw(cv, 0, 0, w, h, in);
	return cv;
}

/* ---- golden charts ---- */

/* Draws the ramp in one mode and compares with its golden files. */
static void ramp_case(bool utf8, const char *name)
{
	int w = 50, h = 10;
	int64_t t0 = 0, t1 = 60 * NS_PER_S;
	slices s = slices_make(w, utf8, t0, t1, 100 * NS_PER_MS, fn_ramp, NULL);
	chart_input in = input_make(&s, t0, t1, utf8);
	canvas *cv = draw_alone(w, h, &in);
	golden_canvas(name, cv);
	canvas_free(cv);
	slices_free(&s);
}

static void test_golden_ramp(void **state)
{
	(void)state;
	ramp_case(true, "ramp_braille");
	ramp_case(false, "ramp_ascii");
}

/* The ramp under a 1.5 GiB limit: the axis reaches it, a dashed row at its
 * level on the empty cells, labelled at the right; a limit more than twice
 * the top (10 GiB) is left to the readout, the scale the curve's own. */
static void test_limit_line(void **state)
{
	(void)state;
	int w = 50, h = 10;
	int64_t t0 = 0, t1 = 60 * NS_PER_S;
	for (int u = 0; u < 2; u++) {
		bool utf8 = u == 0;
		slices s = slices_make(w, utf8, t0, t1, 100 * NS_PER_MS, fn_ramp, NULL);
		chart_input in = input_make(&s, t0, t1, utf8);
		in.limit = 1536 * MiB;
		canvas *cv = draw_alone(w, h, &in);
		golden_canvas(utf8 ? "limit_braille" : "limit_ascii", cv);
		char *dump = canvas_dump(cv);
		assert_non_null(strstr(dump, "limit 1.5 GiB"));
		assert_int_equal(strncmp(dump, " 1.5 GiB", 8), 0); /* the axis reaches it */
		free(dump);
		canvas_free(cv);
		in.limit = 10 * GiB;
		cv = draw_alone(w, h, &in);
		dump = canvas_dump(cv);
		assert_null(strstr(dump, "limit"));
		free(dump);
		/* Without a limit: the ramp as before. */
		canvas_free(cv);
		slices_free(&s);
	}
}

/* Half the ramp, and a flat 1.8 GiB: the third and fourth recordings of a job. */
static int64_t fn_half(int64_t t)
{
	return fn_ramp(t) / 2;
}

static int64_t fn_high(int64_t t)
{
	(void)t;
	return 1843 * MiB;
}

/* A job across hosts: two more recordings as lines of their own colours
 * (in ASCII their marks '3' and '4'), named in the legend; the axis reaches
 * the highest of them. */
static void test_extras(void **state)
{
	(void)state;
	int w = 60, h = 12;
	int64_t t0 = 0, t1 = 60 * NS_PER_S;
	for (int u = 0; u < 2; u++) {
		bool utf8 = u == 0;
		slices s = slices_make(w, utf8, t0, t1, 100 * NS_PER_MS, fn_ramp, fn_ramp);
		slices x = slices_make(w, utf8, t0, t1, 100 * NS_PER_MS, fn_half, fn_high);
		const int64_t *xmin[2] = { x.min, x.min2 }, *xmax[2] = { x.max, x.max2 };
		const char *xnames[2] = { "node3", "node4" };
		chart_input in = input_make(&s, t0, t1, utf8);
		in.name = "node1";
		in.name2 = "node2";
		in.xmin = xmin;
		in.xmax = xmax;
		in.xnames = xnames;
		in.nextra = 2;
		canvas *cv = draw_alone(w, h, &in);
		golden_canvas(utf8 ? "extras_braille" : "extras_ascii", cv);
		char *dump = canvas_dump(cv);
		assert_non_null(strstr(dump, "node1"));
		assert_non_null(strstr(dump, "node4"));
		assert_int_equal(strncmp(dump, "   2 GiB", 8), 0); /* the flat 1.8 GiB line is in view */
		free(dump);
		/* Their cells have their colours: somewhere on the plot each. */
		bool seen3 = false, seen4 = false;
		for (int y = 1; y < h - 1; y++)
			for (int c = PLOT_X; c < w; c++) {
				const canvas_cell *cell = canvas_at(cv, c, y);
				seen3 = seen3 || (cell->color == CANVAS_LINE3 && (utf8 ? cell->ch >= 0x2801 : cell->ch == '3'));
				seen4 = seen4 || (cell->color == CANVAS_LINE4 && (utf8 ? cell->ch >= 0x2801 : cell->ch == '4'));
			}
		assert_true(seen3);
		assert_true(seen4);
		canvas_free(cv);
		slices_free(&s);
		slices_free(&x);
	}
}

/* Draws the steps with a gap and checks the gap stays empty. */
static void steps_case(bool utf8, const char *name)
{
	int w = 50, h = 10;
	int64_t t0 = 0, t1 = 60 * NS_PER_S;
	slices s = slices_make(w, utf8, t0, t1, 100 * NS_PER_MS, fn_steps, NULL);
	chart_input in = input_make(&s, t0, t1, utf8);
	canvas *cv = draw_alone(w, h, &in);
	golden_canvas(name, cv);
	/* 22.5 s lies in the gap: its whole plot column is blank. */
	int64_t dots = utf8 ? 2 * (w - PLOT_X) : w - PLOT_X;
	int col = PLOT_X + (int)(22500 * dots / 60000) / (utf8 ? 2 : 1);
	for (int r = 0; r < h - 1; r++)
		assert_int_equal(canvas_at(cv, col, r)->ch, ' ');
	canvas_free(cv);
	slices_free(&s);
}

static void test_golden_steps_gap(void **state)
{
	(void)state;
	steps_case(true, "steps_braille");
	steps_case(false, "steps_ascii");
}

/* The plot column holding elapsed t, as chart.c maps time to dots. */
static int plot_col(int w, bool utf8, int64_t t0, int64_t t1, int64_t t)
{
	int64_t dots = utf8 ? 2 * (w - PLOT_X) : w - PLOT_X;
	int64_t dc = (int64_t)((__int128)(t - t0) * dots / (t1 - t0));
	return PLOT_X + (int)(utf8 ? dc / 2 : dc);
}

/* Draws the spike over 10 minutes and checks it reaches the top row. */
static void spike_case(bool utf8, const char *name)
{
	int w = 50, h = 10;
	int64_t t0 = 0, t1 = 600 * NS_PER_S;
	slices s = slices_make(w, utf8, t0, t1, 100 * NS_PER_MS, fn_spike, NULL);
	/* The slice is seconds wide: the spike is one sample among many. */
	assert_true((t1 - t0) / (int64_t)s.n > 50 * 100 * NS_PER_MS);
	chart_input in = input_make(&s, t0, t1, utf8);
	in.name = NULL;
	canvas *cv = draw_alone(w, h, &in);
	golden_canvas(name, cv);
	int col = plot_col(w, utf8, t0, t1, SPIKE_AT);
	/* The top of the axis is 1 GiB, so the spike fills its column to row 0... */
	assert_int_equal(chart_nice_top(GiB), GiB);
	const canvas_cell *top = canvas_at(cv, col, 0);
	assert_int_not_equal(top->ch, ' ');
	assert_int_equal(top->color, CANVAS_PEAK);
	/* ...and nothing else rises above the 100 MiB plateau's row. */
	for (int x = PLOT_X; x < w; x++)
		if (x != col)
			assert_int_equal(canvas_at(cv, x, 0)->ch, ' ');
	canvas_free(cv);
	slices_free(&s);
}

static void test_golden_spike(void **state)
{
	(void)state;
	spike_case(true, "spike_braille");
	spike_case(false, "spike_ascii");
}

/* The markers of the job case: one before the window and one at its end
 * (neither drawn), two far apart, two close enough to cut a label. */
static const chart_marker job_markers[] = {
	{ 30 * NS_PER_S, "start" },
	{ 100 * NS_PER_S, "load data" },
	{ 250 * NS_PER_S, "epoch 2 begins here" },
	{ 262 * NS_PER_S, "M4" },
	{ 330 * NS_PER_S, "eval" },
	{ 390 * NS_PER_S, "end" },
};

/* Fewer markers, leaving the top left to the legend. */
static const chart_marker sparse_markers[] = {
	{ 250 * NS_PER_S, "epoch 2" },
	{ 330 * NS_PER_S, "eval" },
};

/* The full chart: two series, markers, cursor; elapsed or wall-clock labels
 * (with the sparse markers). */
static canvas *job_chart(bool utf8, bool wall, int w, int h)
{
	int64_t t0 = 90 * NS_PER_S, t1 = 390 * NS_PER_S;
	slices s = slices_make(w, utf8, t0, t1, 100 * NS_PER_MS, fn_job, fn_machine);
	chart_input in = input_make(&s, t0, t1, utf8);
	in.markers = wall ? sparse_markers : job_markers;
	in.nmarkers = wall ? 2 : sizeof job_markers / sizeof job_markers[0];
	in.cursor_ns = 300 * NS_PER_S;
	in.wall_clock = wall;
	/* 2026-11-26T12:31:41.390Z, shown in UTC+1. */
	in.wall_at_zero_ns = INT64_C(1795696301390000000);
	in.utc_offset_s = 3600;
	canvas *cv = draw_alone(w, h, &in);
	slices_free(&s);
	return cv;
}

/* The text of the top row from column a to b (exclusive), ASCII only. */
static void row0_text(const canvas *cv, int a, int b, char *buf)
{
	int n = 0;
	for (int x = a; x < b; x++)
		buf[n++] = (char)canvas_at(cv, x, 0)->ch;
	buf[n] = '\0';
}

/* Checks the markers, labels and cursor of a job chart cell by cell. */
static void job_checks(const canvas *cv, bool utf8, int w, int h)
{
	int64_t t0 = 90 * NS_PER_S, t1 = 390 * NS_PER_S;
	uint32_t line = utf8 ? 0x2502 : '|';
	int load = plot_col(w, utf8, t0, t1, 100 * NS_PER_S);
	int epoch = plot_col(w, utf8, t0, t1, 250 * NS_PER_S);
	int m4 = plot_col(w, utf8, t0, t1, 262 * NS_PER_S);
	int eval = plot_col(w, utf8, t0, t1, 330 * NS_PER_S);
	int cursor = plot_col(w, utf8, t0, t1, 300 * NS_PER_S);
	bool spike_seen = false;
	for (int x = PLOT_X; x < w; x++) {
		bool is_marker = x == load || x == epoch || x == m4 || x == eval;
		for (int r = 0; r < h - 1; r++) {
			const canvas_cell *c = canvas_at(cv, x, r);
			if (x == cursor) {
				assert_int_equal(c->color, CANVAS_CURSOR);
				assert_true(c->attr & CANVAS_REVERSE);
			} else if (is_marker) {
				/* The line, on the top row and wherever the data leaves room. */
				if (r == 0 || c->ch == line)
					assert_int_equal(c->color, CANVAS_MARKER);
				else
					assert_int_not_equal(c->ch, ' ');
				spike_seen = spike_seen || (x == epoch && c->color == CANVAS_PEAK);
			} else if (c->color == CANVAS_MARKER) {
				/* Only labels: "start" and "end" are outside the window. */
				assert_int_equal(r, 0);
				assert_int_equal(c->attr, CANVAS_BOLD);
			}
		}
		if (is_marker && x != cursor)
			assert_int_equal(canvas_at(cv, x, 1)->ch, line);
	}
	/* The top row is crowded with labels at both ends: no legend. */
	for (int x = PLOT_X; x < w; x++)
		assert_int_not_equal(canvas_at(cv, x, 0)->color, CANVAS_LINE2);
	/* The spike at 250 s is not hidden by the marker dropped on it. */
	assert_true(spike_seen);
	/* Labels: "load data" right of its line; "epoch 2 begins here" has no
	 * room before M4's line, so it goes left; M4 and eval go right. */
	char buf[256];
	row0_text(cv, load + 1, load + 10, buf);
	assert_string_equal(buf, "load data");
	row0_text(cv, epoch - 19, epoch, buf);
	assert_string_equal(buf, "epoch 2 begins here");
	row0_text(cv, m4 + 1, m4 + 3, buf);
	assert_string_equal(buf, "M4");
	row0_text(cv, eval + 1, eval + 5, buf);
	assert_string_equal(buf, "eval");
	assert_int_equal(canvas_at(cv, eval + 5, 0)->ch, ' ');
}

static void test_golden_markers_cursor(void **state)
{
	(void)state;
	canvas *cv = job_chart(true, false, 72, 16);
	golden_canvas("job_braille", cv);
	job_checks(cv, true, 72, 16);
	canvas_free(cv);
	cv = job_chart(false, false, 72, 16);
	golden_canvas("job_ascii", cv);
	job_checks(cv, false, 72, 16);
	canvas_free(cv);
}

/* The first line of a dump, cut at its end (the dump is modified). */
static const char *utf8_legend_row(char *dump)
{
	char *nl = strchr(dump, '\n');
	if (nl != NULL)
		*nl = '\0';
	return dump;
}

/* The job chart with wall-clock labels in UTC+1: ticks on whole minutes of
 * local time. */
static void test_golden_wall_clock(void **state)
{
	(void)state;
	canvas *cv = job_chart(true, true, 72, 16);
	golden_canvas("job_wall_braille", cv);
	char *dump = canvas_dump(cv);
	/* Elapsed 90 s is 12:33:11.39Z, 13:33:11 in UTC+1; ticks land on whole minutes. */
	assert_non_null(strstr(dump, "13:34:00"));
	assert_non_null(strstr(dump, "13:35:00"));
	assert_null(strstr(dump, "12:3"));
	/* With the top left clear of markers, the legend names both series there. */
	const char *legend = utf8_legend_row(dump);
	assert_non_null(strstr(legend, " rss  "));
	assert_non_null(strstr(legend, " sys_used "));
	assert_true(strstr(legend, "rss") < strstr(legend, "epoch 2"));
	free(dump);
	canvas_free(cv);
	cv = job_chart(false, true, 72, 16);
	golden_canvas("job_wall_ascii", cv);
	canvas_free(cv);
}

/* The smallest chart, and the notice below it. */
static void test_golden_tiny(void **state)
{
	(void)state;
	int64_t t0 = 0, t1 = 60 * NS_PER_S;
	slices s = slices_make(CHART_MIN_W, true, t0, t1, 100 * NS_PER_MS, fn_ramp, NULL);
	chart_input in = input_make(&s, t0, t1, true);
	canvas *cv = draw_alone(CHART_MIN_W, CHART_MIN_H, &in);
	golden_canvas("tiny_braille", cv);
	canvas_free(cv);
	cv = draw_alone(CHART_MIN_W - 1, CHART_MIN_H + 1, &in);
	golden_canvas("too_small", cv);
	char *dump = canvas_dump(cv);
	assert_non_null(strstr(dump, "chart needs 19x4"));
	free(dump);
	canvas_free(cv);
	slices_free(&s);
}

/* ---- the y scale ---- */

/* The largest IEC unit not above v (v > 0). */
static int64_t unit_of(int64_t v)
{
	int64_t u = 1;
	while (u <= INT64_MAX / 1024 && u * 1024 <= v)
		u *= 1024;
	return u;
}

/* Checks one peak against the contract of chart_nice_top. */
static void check_nice_top(int64_t peak)
{
	int64_t top = chart_nice_top(peak);
	if (top < peak || (double)top >= 2.5 * (double)peak)
		fail_msg("chart_nice_top(%lld) = %lld", (long long)peak, (long long)top);
	/* Round: a whole or half number of its unit (768 MiB, 1 GiB, 1.5 GiB). */
	int64_t u = unit_of(top);
	if ((top % u) * 2 % u != 0)
		fail_msg("chart_nice_top(%lld) = %lld is not round", (long long)peak, (long long)top);
}

static void test_nice_top(void **state)
{
	(void)state;
	assert_int_equal(chart_nice_top(0), KiB);
	assert_int_equal(chart_nice_top(-5), KiB);
	assert_int_equal(chart_nice_top(1), 1);
	assert_int_equal(chart_nice_top(900 * MiB), GiB);
	assert_int_equal(chart_nice_top(GiB), GiB);
	assert_int_equal(chart_nice_top(GiB + 1), GiB + 512 * MiB);
	assert_int_equal(chart_nice_top(300 * MiB), 300 * MiB);
	assert_int_equal(chart_nice_top(301 * MiB), 400 * MiB);
	assert_int_equal(chart_nice_top(700 * MiB), 800 * MiB);
	assert_int_equal(chart_nice_top(801 * MiB), GiB);
	assert_int_equal(chart_nice_top(3 * GiB + 1), 4 * GiB);
	assert_int_equal(chart_nice_top(12 * KiB), 15 * KiB);

	int64_t prev = 0;
	for (int64_t p = 1; p < (INT64_C(1) << 62); p += p / 7 + 1) {
		check_nice_top(p);
		int64_t top = chart_nice_top(p);
		assert_true(top >= prev); /* never shrinks as the peak grows */
		prev = top;
	}
	for (int k = 1; k < 62; k++) {
		int64_t pow = INT64_C(1) << k;
		check_nice_top(pow - 1);
		check_nice_top(pow);
		check_nice_top(pow + 1);
		check_nice_top(pow + pow / 2);
	}
	for (int64_t m = 1; m < 100000; m = m * 10)
		for (int64_t unit = 1; unit <= GiB * 1024; unit *= 1024)
			check_nice_top(m * unit);
}

/* Parses a y label ("0 B", "768 MiB", "1.5 GiB") into bytes; -1 if malformed. */
static int64_t parse_ylabel(const char *s)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	char *end;
	long whole = strtol(s, &end, 10);
	long tenths = 0;
	if (end == s || whole < 0)
		return -1;
	if (*end == '.') {
		if (end[1] < '0' || end[1] > '9' || end[2] != ' ')
			return -1; /* at most one decimal is round enough */
		tenths = end[1] - '0';
		end += 2;
	}
	if (*end != ' ')
		return -1;
	for (int u = 0; u < 6; u++) {
		if (strcmp(end + 1, units[u]) == 0) {
			int64_t unit = INT64_C(1) << (10 * u);
			if ((unit * tenths) % 10 != 0)
				return -1; /* "1.3 KiB" is not a whole number of bytes: not round */
			return whole * unit + unit * tenths / 10;
		}
	}
	return -1;
}

/* The y label on row r of a chart at the left of cv, or "" when none. */
static void ylabel_at(const canvas *cv, int r, char *buf)
{
	int n = 0;
	for (int x = 0; x < LABEL_W; x++) {
		uint32_t ch = canvas_at(cv, x, r)->ch;
		if (ch != ' ' || n > 0)
			buf[n++] = (char)ch;
	}
	buf[n] = '\0';
}

/* Every drawn y axis: round labels, equally spaced, 0 on the axis row, the
 * nice top on the top row, ticks at the labels. */
static void test_yaxis_labels(void **state)
{
	(void)state;
	static const int64_t peaks[] = { 0, 1, 700, 5 * KiB, 100 * MiB - 1, 333 * MiB, 900 * MiB, GiB,
		                         GiB + 1, 3 * GiB, 7 * GiB + 5, 100 * GiB, 3 * GiB * 1024 };
	int w = 30;
	for (size_t pi = 0; pi < sizeof peaks / sizeof peaks[0]; pi++) {
		for (int h = CHART_MIN_H; h <= 40; h++) {
			size_t n = chart_slices(w, true);
			int64_t v[64];
			for (size_t i = 0; i < n; i++)
				v[i] = peaks[pi] * (int64_t)i / (int64_t)(n - 1);
			chart_input in = { .t0_ns = 0, .t1_ns = NS_PER_S, .nslices = n, .min = v, .max = v,
				           .cursor_ns = -1, .utf8 = true };
			canvas *cv = draw_alone(w, h, &in);
			int64_t top = chart_nice_top(peaks[pi]), prev = -1, gap = -1;
			int labels = 0;
			for (int r = h - 1; r >= 0; r--) {
				char label[32];
				ylabel_at(cv, r, label);
				if (label[0] == '\0')
					continue;
				int64_t val = parse_ylabel(label);
				if (val < 0)
					fail_msg("peak %lld h %d: bad label '%s'", (long long)peaks[pi], h, label);
				if (prev < 0)
					assert_int_equal(val, 0);
				else if (gap < 0)
					gap = val - prev;
				else
					assert_int_equal(val - prev, gap);
				assert_true(val > prev);
				if (r < h - 1)
					assert_int_equal(canvas_at(cv, LABEL_W, r)->ch, 0x2524);
				prev = val;
				labels++;
			}
			assert_int_equal(prev, top);
			assert_int_equal(canvas_at(cv, LABEL_W, 0)->ch, 0x2524);
			assert_true(labels >= 2 && labels <= 5);
			if (peaks[pi] > 4 * 1024 && h >= 6)
				assert_true(labels >= 3);
			canvas_free(cv);
		}
	}
}

/* ---- the x axis ---- */

/* Parses an elapsed label ("0s", "1m30s", "1h05m", "2d03h", "1.5s", "-30s")
 * into ns; returns false when malformed. */
static bool parse_elapsed(const char *s, int64_t *out)
{
	bool neg = *s == '-';
	int64_t total = 0;
	if (neg)
		s++;
	if (*s == '\0')
		return false;
	while (*s != '\0') {
		char *end;
		long long whole = strtoll(s, &end, 10);
		int64_t frac = 0, scale = NS_PER_S;
		if (end == s)
			return false;
		if (*end == '.') {
			end++;
			while (*end >= '0' && *end <= '9') {
				scale /= 10;
				frac += (*end++ - '0') * scale;
			}
			if (*end != 's')
				return false;
		}
		switch (*end) {
		case 'd': total += whole * 86400 * NS_PER_S; break;
		case 'h': total += whole * 3600 * NS_PER_S; break;
		case 'm': total += whole * 60 * NS_PER_S; break;
		case 's': total += whole * NS_PER_S + frac; break;
		default: return false;
		}
		s = end + 1;
	}
	*out = neg ? -total : total;
	return true;
}

/* Checks the bottom row of one chart: each label follows a tick, labels
 * are apart, and (elapsed) each names the time of its tick's column. */
static void check_xaxis(int w, int64_t t0, int64_t span, bool utf8, bool wall)
{
	size_t n = chart_slices(w, utf8);
	chart_input in = { .t0_ns = t0, .t1_ns = t0 + span, .nslices = n, .cursor_ns = -1,
		           .utf8 = utf8, .wall_clock = wall, .wall_at_zero_ns = INT64_C(1795696301390000000),
		           .utc_offset_s = -5 * 3600 };
	int h = CHART_MIN_H;
	canvas *cv = draw_alone(w, h, &in);
	uint32_t hline = utf8 ? 0x2500 : '-', tick = utf8 ? 0x2534 : '+';
	int labels = 0;
	int64_t prev_t = INT64_MIN;
	for (int x = PLOT_X; x < w;) {
		uint32_t ch = canvas_at(cv, x, h - 1)->ch;
		if (ch == hline || ch == tick) {
			x++;
			continue;
		}
		char label[64];
		int start = x, len = 0;
		while (x < w && (ch = canvas_at(cv, x, h - 1)->ch) != hline && ch != tick && len < 63)
			label[len++] = (char)ch, x++;
		label[len] = '\0';
		if (canvas_at(cv, start - 1, h - 1)->ch != tick)
			fail_msg("w %d span %lld: label '%s' at %d has no tick", w, (long long)span, label, start);
		/* A label never runs into the next tick or label. */
		assert_true(x == w || canvas_at(cv, x, h - 1)->ch == hline);
		if (!wall) {
			int64_t t = 0;
			if (!parse_elapsed(label, &t))
				fail_msg("w %d span %lld: bad label '%s'", w, (long long)span, label);
			assert_true(t >= t0 && t < t0 + span);
			assert_int_equal(plot_col(w, utf8, t0, t0 + span, t), start - 1);
			assert_true(t > prev_t);
			prev_t = t;
		}
		labels++;
	}
	if (w - PLOT_X >= 40 && !wall)
		assert_true(labels >= 2);
	canvas_free(cv);
}

static void test_xaxis_labels(void **state)
{
	(void)state;
	static const int64_t spans[] = {
		50 * NS_PER_MS, 900 * NS_PER_MS, 10 * NS_PER_S, 61 * NS_PER_S, 5 * 60 * NS_PER_S,
		3599 * NS_PER_S, 2 * 3600 * NS_PER_S + 7, 86400 * NS_PER_S, 9 * 86400 * NS_PER_S,
		400 * 86400 * NS_PER_S,
	};
	static const int64_t starts[] = { 0, 1234567890, 3600 * NS_PER_S - 1 };
	for (int w = CHART_MIN_W; w <= 240; w += 7)
		for (size_t i = 0; i < sizeof spans / sizeof spans[0]; i++)
			for (size_t j = 0; j < sizeof starts / sizeof starts[0]; j++)
				for (int mode = 0; mode < 4; mode++)
					check_xaxis(w, starts[j], spans[i], mode & 1, mode & 2);
}

/* Elapsed labels read as documented. */
static void test_xaxis_label_forms(void **state)
{
	(void)state;
	/* A 3-hour window 72 wide ticks every 30 min: 0s, 30m, 1h, 1h30m, ... */
	size_t n = chart_slices(72, false);
	chart_input in = { .t0_ns = 0, .t1_ns = 3 * 3600 * NS_PER_S, .nslices = n, .cursor_ns = -1 };
	canvas *cv = draw_alone(72, 5, &in);
	char *dump = canvas_dump(cv);
	const char *axis = strrchr(dump, '\n');
	while (axis > dump && axis[-1] != '\n')
		axis--;
	assert_non_null(strstr(axis, "+0s-"));
	assert_non_null(strstr(axis, "+1h-"));
	assert_non_null(strstr(axis, "+1h30m-"));
	free(dump);
	canvas_free(cv);

	/* Sub-second ticks carry their decimals. */
	in.t0_ns = 61 * NS_PER_S;
	in.t1_ns = 63 * NS_PER_S;
	cv = draw_alone(72, 5, &in);
	dump = canvas_dump(cv);
	assert_non_null(strstr(dump, "+1m01.5s-"));
	assert_non_null(strstr(dump, "+1m02s-"));
	free(dump);
	canvas_free(cv);
}

/* ---- the rectangle ---- */

/* For every size up to 30 x 12 and several placements (inside, overhanging
 * each edge of the canvas), the chart writes every cell of its rectangle
 * that is on the canvas and no cell outside it. */
static void test_stays_in_rectangle(void **state)
{
	(void)state;
	static const int places[][2] = { { 5, 3 }, { -4, -2 }, { 35, 14 }, { 0, 0 } };
	int cw = 50, ch = 20;
	canvas *cv = canvas_new(cw, ch);
	assert_non_null(cv);
	int64_t t1 = 60 * NS_PER_S;
	chart_marker mk[] = { { 0, "at the edge" }, { 30 * NS_PER_S, "mid" }, { t1 - 1, "last" } };
	for (int w = 0; w <= 30; w++) {
		for (int h = 0; h <= 12; h++) {
			for (int utf8 = 0; utf8 < 2; utf8++) {
				slices s = slices_make(w, utf8, 0, t1, 100 * NS_PER_MS, fn_job, fn_machine);
				chart_input in = input_make(&s, 0, t1, utf8);
				in.markers = mk;
				in.nmarkers = 3;
				in.cursor_ns = t1 - 1;
				for (size_t p = 0; p < sizeof places / sizeof places[0]; p++) {
					int x0 = places[p][0], y0 = places[p][1];
					canvas_fill(cv, 0, 0, cw, ch, '@', CANVAS_MATCH, CANVAS_UNDERLINE);
					chart_draw(cv, x0, y0, w, h, &in);
					for (int y = 0; y < ch; y++) {
						for (int x = 0; x < cw; x++) {
							const canvas_cell *c = canvas_at(cv, x, y);
							bool inside = x >= x0 && x < x0 + w && y >= y0 && y < y0 + h;
							bool untouched = c->ch == '@' && c->color == CANVAS_MATCH &&
							                 c->attr == CANVAS_UNDERLINE;
							if (inside == untouched)
								fail_msg("%dx%d at %d,%d: cell %d,%d %s", w, h, x0, y0, x, y,
								         inside ? "not drawn" : "written outside");
						}
					}
				}
				slices_free(&s);
			}
		}
	}
	canvas_free(cv);
}

/* ---- odd inputs ---- */

static void test_odd_inputs(void **state)
{
	(void)state;
	int w = 40, h = 8;
	canvas *cv = canvas_new(w, h);
	assert_non_null(cv);
	/* No slices, no names, an empty window: axes only, no crash. */
	chart_input in = { .t0_ns = 5, .t1_ns = 5, .cursor_ns = 5, .utf8 = true };
	chart_draw(cv, 0, 0, w, h, &in);
	assert_int_equal(canvas_at(cv, LABEL_W, h - 1)->ch, 0x2514);
	/* A NULL input draws only the notice; a NULL canvas is ignored. */
	chart_draw(cv, 0, 0, w, h, NULL);
	assert_int_equal(canvas_at(cv, 0, 0)->color, CANVAS_WARN);
	chart_draw(NULL, 0, 0, w, h, &in);
	/* Fewer or more slices than columns are stretched, not read past. */
	int64_t few[3] = { MiB, -1, 3 * MiB };
	in = (chart_input){ .t0_ns = 0, .t1_ns = NS_PER_S, .nslices = 3, .min = few, .max = few,
		            .min2 = few, .max2 = few, .name = "rss", .name2 = "x", .cursor_ns = -1 };
	chart_draw(cv, 0, 0, w, h, &in);
	assert_int_equal(canvas_at(cv, PLOT_X + 1, h - 2)->ch, '#');
	int64_t *many = calloc(1000, sizeof *many);
	assert_non_null(many);
	many[999] = GiB;
	in.nslices = 1000;
	in.min = in.max = many;
	in.min2 = in.max2 = NULL;
	chart_draw(cv, 0, 0, w, h, &in);
	assert_int_equal(canvas_at(cv, w - 1, 0)->color, CANVAS_PEAK);
	/* Values beyond any machine saturate at the top instead of overflowing. */
	many[10] = INT64_MAX;
	in.utf8 = true;
	chart_draw(cv, 0, 0, w, h, &in);
	free(many);
	/* A long window far from zero, markers with NULL labels. */
	chart_marker mk[] = { { INT64_C(4000000000000000000), NULL } };
	in = (chart_input){ .t0_ns = INT64_C(3000000000000000000), .t1_ns = INT64_C(5000000000000000000),
		            .markers = mk, .nmarkers = 1, .cursor_ns = INT64_C(4500000000000000000) };
	chart_draw(cv, 0, 0, w, h, &in);
	/* Times at the very ends of int64_t, with wall-clock labels that would
	 * overflow: drawn without undefined behaviour (UBSan checks this). */
	static const int64_t ends[][2] = {
		{ INT64_MAX - 10 * NS_PER_S, INT64_MAX }, { INT64_MIN, INT64_MIN + 10 * NS_PER_S },
		{ INT64_MIN, INT64_MAX }, { 0, INT64_MAX }, { INT64_MAX - 1, INT64_MAX },
	};
	for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
		for (int mode = 0; mode < 4; mode++) {
			mk[0].t_ns = ends[i][0];
			in = (chart_input){ .t0_ns = ends[i][0], .t1_ns = ends[i][1], .markers = mk, .nmarkers = 1,
				            .cursor_ns = ends[i][1] - 1, .utf8 = mode & 1, .wall_clock = mode & 2,
				            .wall_at_zero_ns = INT64_MAX - 5, .utc_offset_s = INT32_MAX };
			chart_draw(cv, 0, 0, w, h, &in);
			assert_int_equal(canvas_at(cv, LABEL_W, h - 1)->color, CANVAS_AXIS);
		}
	}
	canvas_free(cv);
}

/* The chart depends on its inputs only, not on what the canvas held. */
static void test_deterministic(void **state)
{
	(void)state;
	int w = 80, h = 20;
	canvas *a = job_chart(true, false, w, h);
	canvas *b = canvas_new(w, h);
	assert_non_null(b);
	canvas_fill(b, 0, 0, w, h, 0x4E2D, CANVAS_WARN, CANVAS_BOLD);
	int64_t t0 = 90 * NS_PER_S, t1 = 390 * NS_PER_S;
	slices s = slices_make(w, true, t0, t1, 100 * NS_PER_MS, fn_job, fn_machine);
	chart_input in = input_make(&s, t0, t1, true);
	in.markers = job_markers;
	in.nmarkers = sizeof job_markers / sizeof job_markers[0];
	in.cursor_ns = 300 * NS_PER_S;
	in.wall_at_zero_ns = INT64_C(1795696301390000000);
	in.utc_offset_s = 3600;
	chart_draw(b, 0, 0, w, h, &in);
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			const canvas_cell *ca = canvas_at(a, x, y), *cb = canvas_at(b, x, y);
			assert_int_equal(ca->ch, cb->ch);
			assert_int_equal(ca->color, cb->color);
			assert_int_equal(ca->attr, cb->attr);
		}
	}
	canvas_free(a);
	canvas_free(b);
	slices_free(&s);
}

static void test_slices(void **state)
{
	(void)state;
	assert_int_equal(chart_slices(0, true), 0);
	assert_int_equal(chart_slices(CHART_YAXIS_W, true), 0);
	assert_int_equal(chart_slices(CHART_YAXIS_W + 1, true), 2);
	assert_int_equal(chart_slices(CHART_YAXIS_W + 1, false), 1);
	assert_int_equal(chart_slices(200, true), 2 * (200 - CHART_YAXIS_W));
}

/* A 200 x 60 chart with everything on it draws in well under a millisecond
 * (asserted at 5 ms of CPU time a draw, so that sanitizer builds and a busy
 * machine pass; the typical figure is printed). */
static void test_speed(void **state)
{
	(void)state;
	int w = 200, h = 60;
	int64_t t0 = 90 * NS_PER_S, t1 = 390 * NS_PER_S;
	slices s = slices_make(w, true, t0, t1, 100 * NS_PER_MS, fn_job, fn_machine);
	chart_input in = input_make(&s, t0, t1, true);
	in.markers = job_markers;
	in.nmarkers = sizeof job_markers / sizeof job_markers[0];
	in.cursor_ns = 300 * NS_PER_S;
	canvas *cv = canvas_new(w, h);
	assert_non_null(cv);
	int rounds = 200;
	struct timespec a, b;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
	for (int i = 0; i < rounds; i++)
		chart_draw(cv, 0, 0, w, h, &in);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
	double us = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / 1e3 / rounds;
	print_message("# 200x60 braille chart: %.1f us a draw\n", us);
	assert_true(us < 5000.0);
	canvas_free(cv);
	slices_free(&s);
}

/* The SVG's phase labels: each within its band (at about 0.6 em a
 * character of 11 px), the kind only where it fits, none for a band too
 * narrow for its number; the band's title names every phase. */
static void test_svg_phase_labels(void **state)
{
	(void)state;
	static const double ends_s[] = { 5, 10, 15, 20, 25, 30, 31, 32.2, 33, 50, 51, 60 };
	phase ph[12];
	int64_t t[61], v[61];
	memset(ph, 0, sizeof ph);
	for (int i = 0; i < 61; i++) {
		t[i] = (int64_t)i * 1000000000;
		v[i] = (int64_t)(i % 7 + 1) << 20;
	}
	for (int i = 0; i < 12; i++) {
		ph[i].t0_ns = i ? ph[i - 1].t1_ns : 0;
		ph[i].t1_ns = (int64_t)(ends_s[i] * 1e9);
		ph[i].kind = i % 2 ? PHASE_PLATEAU : PHASE_GROWTH;
	}
	svgplot_input in = { .title = "t", .nseries = 1, .phases = ph, .nphases = 12, .width = 900, .height = 400 };
	in.series[0] = (svgplot_series){ .name = "mem", .n = 61, .t_ns = t, .v = v };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(svgplot_write(f, &in), 0);
	assert_int_equal(fclose(f), 0);
	int titles = 0, labels = 0, kinds = 0;
	for (const char *c = buf; (c = strstr(c, "<rect x=\"")) != NULL; c++) {
		double x, w;
		int n;
		if (sscanf(c, "<rect x=\"%lf\" y=\"%*d\" width=\"%lf\"", &x, &w) != 2)
			continue;
		const char *title = strstr(c, "<title>phase ");
		const char *next = strstr(c + 1, "<rect x=\"");
		if (!title || (next && title > next) || sscanf(title, "<title>phase %d:", &n) != 1)
			continue;
		titles++;
		const char *text = strstr(title, "<text x=\"");
		if (!text || (next && text > next))
			continue;
		double tx;
		char label[64];
		assert_int_equal(sscanf(text, "<text x=\"%lf\" %*[^>]>%63[^<]<", &tx, label), 2);
		labels++;
		kinds += strchr(label, ' ') != NULL;
		double lw = (double)strlen(label) * 6.6;
		if (lw > w || tx - lw / 2 < x - 0.1 || tx + lw / 2 > x + w + 0.1)
			print_error("label \"%s\" (%.1f px) out of its band %.1f..%.1f\n", label, lw, x, x + w);
		assert_true(lw <= w && tx - lw / 2 >= x - 0.1 && tx + lw / 2 <= x + w + 0.1);
		assert_int_equal(atoi(label), n);
	}
	assert_int_equal(titles, 12);
	assert_true(labels >= 7 && labels < 12); /* the narrow ones go without */
	assert_true(kinds >= 3);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_ramp),
		cmocka_unit_test(test_limit_line),
		cmocka_unit_test(test_extras),
		cmocka_unit_test(test_svg_phase_labels),
		cmocka_unit_test(test_golden_steps_gap),
		cmocka_unit_test(test_golden_spike),
		cmocka_unit_test(test_golden_markers_cursor),
		cmocka_unit_test(test_golden_wall_clock),
		cmocka_unit_test(test_golden_tiny),
		cmocka_unit_test(test_nice_top),
		cmocka_unit_test(test_yaxis_labels),
		cmocka_unit_test(test_xaxis_labels),
		cmocka_unit_test(test_xaxis_label_forms),
		cmocka_unit_test(test_stays_in_rectangle),
		cmocka_unit_test(test_odd_inputs),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_slices),
		cmocka_unit_test(test_speed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
