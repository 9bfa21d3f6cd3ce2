/* test_view.c: the view as a pure function: a known recording (series,
 * markers, log lines) taken into a frame, keys given to the view, and each
 * frame drawn into a canvas compared with golden text dumps (the whole
 * screen, chart included, at exact sizes), plus direct assertions on what
 * keys ask for, the phases it is given, and drawing the same twice.
 *
 * Golden files: tests/fixtures/view/NAME.txt and NAME.colors (golden.h).
 * After a deliberate change: GENERATE=1 build/test_view, then look at them. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mtime.h"
#include "model/logbook.h"
#include "model/markers.h"
#include "model/series.h"
#include "view/canvas.h"
#include "view/frame.h"
#include "view/view.h"

#define GOLDEN_DIR "view"
#include "golden.h"

#define MiB (INT64_C(1024) * 1024)
#define NS_PER_MS INT64_C(1000000)
#define GiB (MiB * 1024)
#define INTERVAL_NS (NS_PER_S / 10)
/* 2026-12-01T10:00:00Z: the wall time of elapsed 0. */
#define WALL0_NS (INT64_C(1796119200) * NS_PER_S)

/* The job's RSS at elapsed t: idle, a steep load, a plateau, slow growth, a drop. */
static int64_t job_rss(int64_t t_ns)
{
	double s = (double)t_ns / 1e9;
	double mib;
	if (s < 2)
		mib = 20;
	else if (s < 6)
		mib = 20 + (s - 2) * 100;
	else if (s < 40)
		mib = 420;
	else if (s < 55)
		mib = 420 + (s - 40) * 100 / 15;
	else
		mib = 30;
	return (int64_t)(mib * (double)MiB);
}

/* A recording of the job up to (not including) end_s, every 100 ms, scaled. */
static series *job_series(int end_s, double scale)
{
	series *s = series_new(0);
	assert_non_null(s);
	for (int64_t t = 0; t < end_s * NS_PER_S; t += INTERVAL_NS) {
		sample smp;
		sample_clear(&smp);
		smp.elapsed_ns = t;
		smp.wall_ns = WALL0_NS + t;
		int64_t rss = (int64_t)((double)job_rss(t) * scale);
		smp.v[SAMPLE_RSS] = rss;
		smp.v[SAMPLE_ANON] = rss / 10 * 9;
		smp.v[SAMPLE_FILE] = rss / 10;
		smp.v[SAMPLE_SHMEM] = 0;
		smp.v[SAMPLE_SWAP] = 0;
		smp.v[SAMPLE_PROCS] = 3;
		smp.v[SAMPLE_SYS_USED] = 8 * GiB;
		smp.v[SAMPLE_SYS_AVAIL] = 16 * GiB;
		series_append(s, &smp);
	}
	return s;
}

/* A line of the job's output at elapsed ms. */
static void job_line(logbook *lb, int src, int64_t ms, const char *text)
{
	logbook_add(lb, WALL0_NS + ms * 1000000, src, text, strlen(text));
}

/* The job's log up to end_s. */
static logbook *job_log(int end_s)
{
	logbook *lb = logbook_open(1000);
	assert_non_null(lb);
	int out = logbook_source(lb, "out");
	int errsrc = logbook_source(lb, "err");
	job_line(lb, out, 100, "starting job");
	job_line(lb, out, 2000, "loading data set");
	job_line(lb, out, 6000, "data loaded: 400 MiB");
	for (int e = 1; e * 5 < end_s && e * 5 < 55; e++) {
		char line[64];
		snprintf(line, sizeof line, "epoch %d done", e);
		job_line(lb, out, e * 5000 + 500, line);
	}
	if (end_s > 41)
		job_line(lb, errsrc, 41000, "warning: cache grows");
	if (end_s > 55)
		job_line(lb, out, 55000, "freeing the data set");
	return lb;
}

/* Everything a view is drawn from, and the view. */
typedef struct scene {
	series *ser, *other;
	markers *marks;
	logbook *lb;
	view *v;
	frame *f;
	canvas *cv;
	int64_t now_ns;
	bool running;
	procset *procs;
} scene;

/* A scene of the job recorded up to end_s, in a w x h view. */
static scene *scene_new(int end_s, bool replay, bool two, int w, int h, bool utf8)
{
	scene *s = calloc(1, sizeof *s);
	assert_non_null(s);
	s->ser = job_series(end_s, 1.0);
	s->other = two ? job_series(end_s, 0.8) : NULL;
	s->marks = markers_new();
	assert_non_null(s->marks);
	markers_add(s->marks, 6 * NS_PER_S, "data loaded");
	if (end_s > 40)
		markers_add(s->marks, 40 * NS_PER_S, "epoch 8");
	s->lb = job_log(end_s);
	view_info info = {
		.target = replay ? "replay: job.csv" : "run: ./job", .csv_path = "job.csv",
		.interval_ns = INTERVAL_NS, .replay = replay,
		.name1 = two ? "job.csv" : NULL, .name2 = two ? "job2.csv" : NULL,
	};
	s->v = view_new(&info, w, h, utf8);
	s->f = frame_new();
	s->cv = canvas_new(w, h);
	assert_non_null(s->v);
	assert_non_null(s->f);
	assert_non_null(s->cv);
	s->now_ns = 1000 * NS_PER_S;
	return s;
}

static void scene_free(scene *s)
{
	view_free(s->v);
	frame_free(s->f);
	canvas_free(s->cv);
	series_free(s->ser);
	series_free(s->other);
	markers_free(s->marks);
	logbook_close(s->lb);
	procset_free(s->procs);
	free(s);
}

/* Takes a frame the way the terminal view does. */
static void scene_frame(scene *s)
{
	frame_source src = { s->ser, s->other, s->marks, s->lb, s->procs, NULL, 0 };
	assert_int_equal(frame_take(s->f, &src, s->now_ns, view_plan, s->v), 0);
	s->f->child_running = s->running;
	s->f->utc_offset_s = 0;
	view_sync(s->v, s->f);
}

/* A new frame, drawn. */
static void scene_draw(scene *s)
{
	scene_frame(s);
	view_render(s->v, s->f, s->cv);
}

/* One key on a fresh frame; a second frame when the view asks for one. */
static enum view_action scene_key(scene *s, enum view_keycode code, uint32_t ch)
{
	view_keypress k = { code, ch };
	scene_frame(s);
	enum view_action a = view_key(s->v, s->f, k);
	if (a == VIEW_AGAIN) {
		scene_frame(s);
		a = view_key(s->v, s->f, k);
	}
	return a;
}

static enum view_action scene_char(scene *s, uint32_t ch)
{
	return scene_key(s, VIEW_KEY_CHAR, ch);
}

/* The canvas row y as text. */
static void row_text(const canvas *cv, int y, char *buf, size_t n)
{
	char *dump = canvas_dump(cv);
	assert_non_null(dump);
	const char *p = dump;
	for (int i = 0; i < y && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	assert_non_null(p);
	size_t len = strcspn(p, "\n");
	snprintf(buf, n, "%.*s", (int)len, p);
	free(dump);
}

/* Whether any row of the canvas holds text. */
static bool canvas_has(const canvas *cv, const char *text)
{
	char *dump = canvas_dump(cv);
	assert_non_null(dump);
	bool found = strstr(dump, text) != NULL;
	free(dump);
	return found;
}

/* One row of a process at elapsed ms. */
static void job_proc(procset *ps, pid_t pid, const char *cmd, int64_t ms, int64_t rss, int64_t pss,
                     enum procrow_event ev)
{
	procrow r = { .elapsed_ns = ms * NS_PER_MS, .wall_ns = WALL0_NS + ms * NS_PER_MS, .pid = pid, .ppid = 100,
	              .name = "python3", .cmd = cmd, .event = ev };
	for (int k = 0; k < PROCROW_NCOLS; k++)
		r.v[k] = -1;
	r.v[PROCROW_RSS] = rss;
	r.v[PROCROW_PSS] = pss;
	assert_int_equal(procset_add(ps, &r), 0);
}

/* The job's processes: the loader (pid 100) and, from 7 s, three workers
 * forked from it that share its data set and grow, one of them until 40 s;
 * a fourth with a command that holds an escape sequence. */
static procset *job_procs(void)
{
	procset *ps = procset_new(0, 0);
	assert_non_null(ps);
	job_proc(ps, 100, "python3 train.py --data big", 0, 10 * MiB, -1, PROCROW_START);
	job_proc(ps, 100, "python3 train.py --data big", 2000, 120 * MiB, -1, PROCROW_SAME);
	job_proc(ps, 100, "python3 train.py --data big", 6000, 410 * MiB, 400 * MiB, PROCROW_SAME);
	for (int w = 0; w < 3; w++) {
		pid_t pid = 101 + w;
		job_proc(ps, pid, "python3 train.py --worker", 7000, 400 * MiB, 100 * MiB, PROCROW_START);
		for (int t = 8; t < 60; t += 4)
			job_proc(ps, pid, "python3 train.py --worker", t * 1000, (400 + (w + 1) * (t - 7)) * MiB, -1,
			         PROCROW_SAME);
	}
	job_proc(ps, 103, "python3 train.py --worker", 40000, -1, -1, PROCROW_EXIT);
	job_proc(ps, 104, "evil \x1b[2J\x1b]0;owned\x07 \u202e", 9000, 3 * MiB, -1, PROCROW_START);
	return ps;
}

/* w: the processes at the cursor, the largest first, with their share
 * (held), peak and change since the phase began; Up and Down pick one and
 * its curve is the chart's line; at 80x24 and at 120x40. */
static void test_who_pane(void **state)
{
	(void)state;
	scene *s = scene_new(60, false, false, 80, 24, true);
	s->procs = job_procs();
	assert_int_equal(scene_char(s, 'w'), VIEW_NONE);
	scene_draw(s);
	golden_canvas("who_live_80x24", s->cv);
	assert_true(canvas_has(s->cv, "processes at 59.9s: 4"));
	assert_false(canvas_has(s->cv, "\x1b"));
	/* Under the loader, the worker that grew most: its PSS of 100 MiB at 7 s
	 * and 2 MiB a second of its own since (98 MiB by its last row at 56 s). */
	char row[512];
	row_text(s->cv, 16, row, sizeof row);
	assert_non_null(strstr(row, "    102"));
	assert_non_null(strstr(row, "198 MiB"));
	scene_free(s);

	s = scene_new(60, true, false, 120, 40, true);
	s->procs = job_procs();
	assert_int_equal(scene_char(s, 'p'), VIEW_NONE);
	assert_int_equal(scene_char(s, 'p'), VIEW_NONE);
	assert_int_equal(scene_char(s, 'p'), VIEW_NONE);
	assert_int_equal(scene_char(s, 'w'), VIEW_NONE);
	assert_int_equal(scene_key(s, VIEW_KEY_DOWN, 0), VIEW_NONE);
	scene_draw(s);
	scene_draw(s);
	golden_canvas("who_replay_120x40", s->cv);
	/* The selected process's curve is the chart's line, named in its legend. */
	assert_true(s->f->proc_line);
	assert_true(canvas_has(s->cv, "pid 10"));
	/* w again: the log is back. */
	assert_int_equal(scene_char(s, 'w'), VIEW_NONE);
	scene_draw(s);
	assert_false(canvas_has(s->cv, "processes at"));
	scene_free(s);

	/* No recording per process: w says so and changes nothing. */
	s = scene_new(30, false, false, 80, 24, true);
	assert_int_equal(scene_char(s, 'w'), VIEW_NONE);
	scene_draw(s);
	assert_true(canvas_has(s->cv, "no processes recorded one by one"));
	assert_false(canvas_has(s->cv, "processes at"));
	scene_free(s);
}

static void test_replay_utf8(void **state)
{
	(void)state;
	scene *s = scene_new(60, true, false, 100, 30, true);
	scene_draw(s);
	golden_canvas("replay_utf8", s->cv);
	scene_free(s);
}

static void test_replay_ascii(void **state)
{
	(void)state;
	scene *s = scene_new(60, true, false, 80, 24, false);
	scene_draw(s);
	golden_canvas("replay_ascii", s->cv);
	scene_free(s);
}

static void test_live_follow(void **state)
{
	(void)state;
	scene *s = scene_new(30, false, false, 80, 24, true);
	scene_draw(s);
	golden_canvas("live_utf8", s->cv);
	char row[512];
	row_text(s->cv, 23, row, sizeof row);
	assert_non_null(strstr(row, "LIVE"));
	/* Following: no cursor readout, the newest values. */
	assert_true(canvas_has(s->cv, "now  rss 420 MiB"));
	scene_free(s);
}

/* The view takes every marker (it held 4096): End then N reaches the
 * newest of 5000, and the frame holds them all. */
static void test_every_marker(void **state)
{
	(void)state;
	scene *s = scene_new(60, true, false, 80, 24, true);
	for (int i = 0; i < 5000; i++) {
		char label[16];
		snprintf(label, sizeof label, "k%d", i);
		markers_add(s->marks, (int64_t)i * NS_PER_S / 100, label);
	}
	markers_add(s->marks, 55 * NS_PER_S, "the last");
	scene_frame(s);
	assert_int_equal(s->f->nmarks, markers_count(s->marks));
	assert_true(s->f->nmarks > 5000);
	assert_int_equal(scene_key(s, VIEW_KEY_END, 0), VIEW_NONE);
	assert_int_equal(scene_char(s, 'N'), VIEW_NONE);
	scene_draw(s);
	assert_true(canvas_has(s->cv, "the last"));
	scene_free(s);
}

/* The live view at 120x40 and 200x60 (80x24 is live_utf8): the header's
 * pieces come back as the row widens, the footer's keys too; "? help" and
 * "q quit" at every size. */
static void test_live_sizes(void **state)
{
	(void)state;
	static const struct { int w, h; const char *golden; } sizes[] = {
		{ 80, 24, NULL }, { 120, 40, "live_120x40" }, { 200, 60, "live_200x60" },
	};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		scene *s = scene_new(30, false, false, sizes[i].w, sizes[i].h, true);
		scene_draw(s);
		if (sizes[i].golden)
			golden_canvas(sizes[i].golden, s->cv);
		char row[1024];
		row_text(s->cv, sizes[i].h - 1, row, sizeof row);
		assert_non_null(strstr(row, "  ? help  q quit"));
		row_text(s->cv, 0, row, sizeof row);
		assert_non_null(strstr(row, " memlog run: job │ rss 420 MiB │ peak 420 MiB at 6.0s"));
		/* The recording's path only where there is room for every piece. */
		assert_true((strstr(row, "● job.csv") != NULL) == (sizes[i].w >= 120));
		scene_free(s);
	}
}

/* Right moves the cursor by one dot column and the readout follows it; p
 * goes to the next phase boundary and says which phase it is. */
static void test_cursor_and_phases(void **state)
{
	(void)state;
	scene *s = scene_new(60, true, false, 100, 30, true);
	for (int i = 0; i < 3; i++)
		assert_int_equal(scene_key(s, VIEW_KEY_RIGHT, 0), VIEW_NONE);
	scene_draw(s);
	assert_true(canvas_has(s->cv, "cursor "));
	assert_true(canvas_has(s->cv, "rss 20.0 MiB"));
	assert_int_equal(scene_char(s, 'p'), VIEW_NONE);
	scene_draw(s);
	golden_canvas("phase_jump", s->cv);
	char row[512];
	row_text(s->cv, 29, row, sizeof row);
	assert_non_null(strstr(row, "phase 2: rise"));
	scene_free(s);
}

/* p while following needs the phases, which a following frame lacks: the
 * view asks for another frame, then jumps back to a boundary. */
static void test_phase_key_live(void **state)
{
	(void)state;
	scene *s = scene_new(50, false, false, 80, 24, true);
	view_keypress k = { VIEW_KEY_CHAR, 'P' };
	scene_frame(s);
	assert_false(s->f->plan.phases);
	assert_int_equal(view_key(s->v, s->f, k), VIEW_AGAIN);
	scene_frame(s);
	assert_true(s->f->plan.phases);
	assert_true(s->f->nphases > 1);
	assert_int_equal(view_key(s->v, s->f, k), VIEW_NONE);
	scene_draw(s);
	assert_true(canvas_has(s->cv, " cursor "));
	char row[512];
	row_text(s->cv, 23, row, sizeof row);
	assert_non_null(strstr(row, " phase "));
	scene_free(s);
}

/* The phase strip labels a phase only where its run has room for the
 * label and a cell after it: narrow neighbours (7, 8, 9 a cell or two each)
 * are coloured cells, never "789". */
static void test_strip_labels_apart(void **state)
{
	(void)state;
	scene *s = scene_new(60, true, false, 80, 24, true);
	scene_frame(s);
	/* Twelve phases over the minute: 7, 8, 9, 11 and 12 narrow. */
	static const double ends_s[] = { 5, 10, 15, 20, 25, 30, 31, 32.2, 33, 50, 51, 60 };
	phase ph[12];
	memset(ph, 0, sizeof ph);
	for (int i = 0; i < 12; i++) {
		ph[i].t0_ns = i ? ph[i - 1].t1_ns : 0;
		ph[i].t1_ns = (int64_t)(ends_s[i] * 1e9);
		ph[i].kind = i % 2 ? PHASE_PLATEAU : PHASE_GROWTH;
	}
	const phase *kept = s->f->phases;
	long nkept = s->f->nphases;
	s->f->phases = ph;
	s->f->nphases = 12;
	view_render(s->v, s->f, s->cv);
	char row[512];
	int y = (24 - 3) * 55 / 100;
	row_text(s->cv, y, row, sizeof row);
	assert_non_null(strstr(row, " phases "));
	/* Every label ends at a strip cell (or the row's end), and none is more
	 * than one phase's number. */
	const char *c = row + strlen(" phases ");
	int labels = 0;
	while (*c) {
		if (*c >= '0' && *c <= '9') {
			char *end;
			long n = strtol(c, &end, 10);
			if (n < 1 || n > 12)
				print_error("strip: \"%s\"\n", row);
			assert_true(n >= 1 && n <= 12);
			if (*end == ' ')
				while (*end >= 'a' || *end == ' ')
					end++;
			if (*end && strncmp(end, "\u2580", 3) != 0)
				print_error("a label not followed by a strip cell: \"%s\"\n", row);
			assert_true(!*end || strncmp(end, "\u2580", 3) == 0);
			labels++;
			c = end;
		} else {
			c++;
		}
	}
	assert_true(labels >= 8); /* the wide ones */
	assert_null(strstr(row, "789"));
	s->f->phases = kept;
	s->f->nphases = nkept;
	scene_free(s);
}

static void test_help(void **state)
{
	(void)state;
	scene *s = scene_new(30, false, false, 80, 24, true);
	scene_draw(s);
	char *before = canvas_dump(s->cv);
	assert_int_equal(scene_char(s, '?'), VIEW_NONE);
	scene_draw(s);
	golden_canvas("help_80x24", s->cv);
	/* Any key closes it, and does nothing else. */
	assert_int_equal(scene_char(s, 'q'), VIEW_NONE);
	scene_draw(s);
	char *after = canvas_dump(s->cv);
	assert_string_equal(before, after);
	free(before);
	free(after);
	scene_free(s);
}

/* q with the command still running asks first; d detaches, k kills. */
static void test_quit(void **state)
{
	(void)state;
	scene *s = scene_new(30, false, false, 80, 24, true);
	s->running = true;
	assert_int_equal(scene_char(s, 'q'), VIEW_NONE);
	scene_draw(s);
	golden_canvas("quit_prompt", s->cv);
	assert_int_equal(scene_char(s, 'd'), VIEW_DETACH);
	assert_int_equal(scene_char(s, 'q'), VIEW_NONE);
	assert_int_equal(scene_char(s, 'k'), VIEW_QUIT_KILL);
	s->running = false;
	assert_int_equal(scene_char(s, 'q'), VIEW_QUIT);
	scene_free(s);
}

/* m marks now (live) or at the cursor (replay); a takes a typed label. */
static void test_marks(void **state)
{
	(void)state;
	const char *label;
	int64_t at;
	scene *s = scene_new(30, false, false, 80, 24, true);
	assert_int_equal(scene_char(s, 'm'), VIEW_MARK);
	view_mark(s->v, &label, &at);
	assert_string_equal(label, "M1");
	assert_int_equal(at, -1);
	scene_free(s);

	s = scene_new(60, true, false, 80, 24, true);
	assert_int_equal(scene_key(s, VIEW_KEY_HOME, 0), VIEW_NONE);
	assert_int_equal(scene_char(s, 'a'), VIEW_NONE);
	const char *typed = "peak \xc3\xa9t\xc3\xa9"; /* "peak été" */
	for (const char *p = "peak "; *p; p++)
		assert_int_equal(scene_char(s, (uint32_t)*p), VIEW_NONE);
	assert_int_equal(scene_char(s, 0xe9), VIEW_NONE);
	assert_int_equal(scene_char(s, 't'), VIEW_NONE);
	assert_int_equal(scene_char(s, 0xe9), VIEW_NONE);
	assert_int_equal(scene_char(s, 'x'), VIEW_NONE);
	assert_int_equal(scene_key(s, VIEW_KEY_BACKSPACE, 0), VIEW_NONE);
	scene_draw(s);
	assert_true(canvas_has(s->cv, " marker label: peak été_"));
	assert_int_equal(scene_char(s, '\r'), VIEW_MARK);
	view_mark(s->v, &label, &at);
	assert_string_equal(label, typed);
	assert_int_equal(at, 0);
	scene_free(s);
}

/* A label longer than the row at 80x24: the prompt shows its end, where
 * the person types, and keeps the way out (Esc cancels) in sight. */
static void test_long_label_prompt(void **state)
{
	(void)state;
	scene *s = scene_new(60, true, false, 80, 24, true);
	assert_int_equal(scene_char(s, 'a'), VIEW_NONE);
	for (int i = 0; i < 120; i++)
		assert_int_equal(scene_char(s, (uint32_t)('a' + i % 26)), VIEW_NONE);
	assert_int_equal(scene_char(s, 'Z'), VIEW_NONE);
	scene_draw(s);
	char row[512];
	row_text(s->cv, 23, row, sizeof row);
	assert_non_null(strstr(row, " marker label: "));
	assert_non_null(strstr(row, "Z_"));
	assert_non_null(strstr(row, "Esc cancels)"));
	scene_free(s);
}

/* / finds a log line, moves the cursor to its time and marks the hit. */
static void test_search(void **state)
{
	(void)state;
	scene *s = scene_new(60, true, false, 100, 30, true);
	assert_int_equal(scene_char(s, '/'), VIEW_NONE);
	for (const char *p = "EPOCH 3"; *p; p++)
		assert_int_equal(scene_char(s, (uint32_t)*p), VIEW_NONE);
	assert_int_equal(scene_char(s, '\r'), VIEW_NONE);
	scene_draw(s);
	golden_canvas("search", s->cv);
	assert_true(canvas_has(s->cv, "search: EPOCH 3 (n/N, Esc ends)"));
	assert_true(canvas_has(s->cv, "cursor 15.5s"));
	scene_free(s);
}

static void test_too_small(void **state)
{
	(void)state;
	scene *s = scene_new(30, false, false, 40, 10, true);
	scene_draw(s);
	golden_canvas("too_small_40x10", s->cv);
	/* Growing to the smallest view draws it. */
	canvas_resize(s->cv, VIEW_MIN_W, VIEW_MIN_H);
	view_resize(s->v, VIEW_MIN_W, VIEW_MIN_H);
	scene_draw(s);
	assert_false(canvas_has(s->cv, "terminal too small"));
	assert_true(canvas_has(s->cv, "memlog"));
	scene_free(s);
}

static void test_two_recordings(void **state)
{
	(void)state;
	scene *s = scene_new(60, true, true, 100, 30, true);
	scene_draw(s);
	golden_canvas("two_recordings", s->cv);
	/* The second recording's peak and the change against the first. */
	assert_true(canvas_has(s->cv, "job2.csv peak 415 MiB (-20%)"));
	scene_free(s);
}

/* The strip's phases are those that `memlog report` finds: phases_find
 * on every sample of the column, put on the steps of the log and the
 * markers (phases_steps). */
static void test_phases_as_report(void **state)
{
	(void)state;
	scene *s = scene_new(60, true, false, 100, 30, true);
	scene_frame(s);
	size_t n = series_count(s->ser);
	int64_t *t = malloc(n * sizeof *t), *v = malloc(n * sizeof *v);
	assert_non_null(t);
	assert_non_null(v);
	for (size_t i = 0; i < n; i++) {
		t[i] = (int64_t)i * INTERVAL_NS;
		v[i] = job_rss(t[i]);
	}
	phase want[FRAME_MAX_PHASES];
	long nw = phases_find(t, v, n, NULL, want, FRAME_MAX_PHASES);
	size_t nm, nsteps;
	markers_item *list = markers_copy_all(s->marks, &nm);
	int64_t *steps = phases_step_starts(s->lb, list, nm, WALL0_NS, &nsteps);
	assert_non_null(steps);
	assert_true(nsteps >= 3);
	nw = phases_steps(t, v, n, steps, nsteps, want, nw, FRAME_MAX_PHASES);
	free(steps);
	markers_release(list, nm);
	free(list);
	assert_true(nw >= 3);
	assert_int_equal(s->f->nphases, nw);
	for (long i = 0; i < nw; i++) {
		assert_int_equal(s->f->phases[i].t0_ns, want[i].t0_ns);
		assert_int_equal(s->f->phases[i].t1_ns, want[i].t1_ns);
		assert_int_equal(s->f->phases[i].kind, want[i].kind);
	}
	free(t);
	free(v);
	scene_free(s);
}

/* The same view and frame draw the same cells, and a new frame of an
 * unchanged recording draws them again. */
static void test_pure(void **state)
{
	(void)state;
	scene *s = scene_new(60, true, false, 100, 30, true);
	scene_draw(s);
	char *a = canvas_dump(s->cv);
	view_render(s->v, s->f, s->cv);
	char *b = canvas_dump(s->cv);
	s->now_ns += 10 * NS_PER_S;
	scene_draw(s);
	char *c = canvas_dump(s->cv);
	assert_string_equal(a, b);
	assert_string_equal(a, c);
	free(a);
	free(b);
	free(c);
	scene_free(s);
}

/* A message from a key shows for a few seconds of the frames' clock. */
static void test_status_expires(void **state)
{
	(void)state;
	scene *s = scene_new(30, false, false, 80, 24, true);
	assert_int_equal(scene_char(s, 'N'), VIEW_NONE);
	scene_draw(s);
	char row[512];
	row_text(s->cv, 23, row, sizeof row);
	assert_non_null(strstr(row, "marker data loaded"));
	assert_true(view_status_until(s->v) > s->now_ns);
	s->now_ns = view_status_until(s->v);
	scene_draw(s);
	row_text(s->cv, 23, row, sizeof row);
	assert_null(strstr(row, "marker data loaded"));
	assert_non_null(strstr(row, "PAUSED"));
	scene_free(s);
}

int main(void)
{
	/* Log text takes the widths of the C library's UTF-8 tables, as in a
	 * UTF-8 terminal (the goldens hold wide and escaped characters). */
	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		fprintf(stderr, "test_view: the C.UTF-8 locale is missing\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_utf8),
		cmocka_unit_test(test_who_pane),
		cmocka_unit_test(test_replay_ascii),
		cmocka_unit_test(test_live_follow),
		cmocka_unit_test(test_live_sizes),
		cmocka_unit_test(test_every_marker),
		cmocka_unit_test(test_long_label_prompt),
		cmocka_unit_test(test_cursor_and_phases),
		cmocka_unit_test(test_phase_key_live),
		cmocka_unit_test(test_strip_labels_apart),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_quit),
		cmocka_unit_test(test_marks),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_two_recordings),
		cmocka_unit_test(test_phases_as_report),
		cmocka_unit_test(test_pure),
		cmocka_unit_test(test_status_expires),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
