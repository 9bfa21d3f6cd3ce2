/*
 * ui.c: the terminal view, and the only place curses is called. Each frame
 * is drawn into an off-screen canvas (header, chart, cursor readout, log
 * pane, footer), and only the cells that differ from the previous frame are
 * handed to curses, which sends the terminal just what changed: over SSH the
 * bytes per second matter more than anything else here.
 *
 * The time window follows the recording in steps rather than sliding every
 * sample: the whole run grows into nice-sized windows, a zoomed window moves
 * on by half its width, so between steps only the newest column changes.
 */
#include "view/ui.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "view/canvas.h"
#include "view/chart.h"
#include "view/logindex.h"
#include "view/logtext.h"
#include "base/mtime.h"
#include "analysis/phases.h"
#include "model/sample.h"
#include "base/units.h"

#define UI_MIN_W 60
#define UI_MIN_H 16
#define UI_FRAME_NS INT64_C(100000000) /* at most ten frames a second */
#define UI_STATUS_NS (INT64_C(4) * 1000000000)
#define UI_MAX_PANES 17
#define UI_MAX_MARKERS 4096
#define UI_INPUT_MAX 200
#define NS_PER_S INT64_C(1000000000)
/* Points the phases are found on (the whole recording, min/max per slice). */
#define UI_PHASE_POINTS 4000
#define UI_MAX_PHASES 64

/* Zoom levels (span of the window); 0 is "the whole recording". */
static const int64_t ui_spans_s[] = { 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 43200, 86400, 0 };
#define UI_NSPANS (sizeof ui_spans_s / sizeof ui_spans_s[0])

/* Series that `s` cycles through, when measured. */
static const int ui_cycle_cols[] = { SAMPLE_RSS, SAMPLE_ANON, SAMPLE_PSS, SAMPLE_SWAP, SAMPLE_CGROUP, SAMPLE_SYS_USED };
#define UI_NCYCLE (sizeof ui_cycle_cols / sizeof ui_cycle_cols[0])

enum ui_prompt { PROMPT_NONE, PROMPT_LABEL, PROMPT_SEARCH, PROMPT_QUIT };

typedef struct ui_pane {
	char title[64];
	int sources[8]; /* logbook sources shown (memlog's own events are in every pane) */
	int nsources;
	long scroll;    /* lines up from the newest (live), or from the cursor's line */
	/* The logbook seqs of the pane's lines, oldest first, from start on
	 * (lines before start were dropped from memory): finding the line at a
	 * time is a binary search, moving through the pane is O(1). */
	logindex ix;
} ui_pane;

struct ui {
	ui_info info;
	SCREEN *screen;
	int64_t wall0_ns; /* wall time at elapsed 0, once known */
	sample readout; /* the values the live readout shows (refreshed once a second) */
	char *name1, *name2;
	char *target, *csv_path;
	series *ser;
	markers *marks;
	logbook *lb;
	ui_hooks hooks;
	bool utf8, color;
	int w, h;
	canvas *cv, *shown; /* this frame, and what the terminal shows now */
	bool full_redraw;

	/* view */
	bool follow;
	size_t span_idx;
	int64_t cursor_ns;
	int col;
	bool col_chosen;
	bool overlay;
	bool wall_clock;
	bool help;
	int pane, npanes;
	ui_pane panes[UI_MAX_PANES];
	int nsources_seen;
	uint64_t indexed_end;

	enum ui_prompt prompt;
	char input[UI_INPUT_MAX + 1];
	size_t input_len;
	char search[UI_INPUT_MAX + 1];
	bool search_active;
	long search_pos;
	char log_note[128]; /* e.g. lines of an app log that could not be placed */

	char status[256];
	int64_t status_until_ns;
	char ended[200]; /* why the recording ended, once it has */
	int ui_marks;

	/* change detection */
	bool dirty;
	size_t seen_samples, seen_markers;
	uint64_t seen_log_end;
	int64_t last_frame_ns;

	/* the phases of the curve (replay, and live when paused) */
	phase phases[UI_MAX_PHASES];
	long nphases;
	size_t phases_samples; /* series_count they were found for */
	int64_t phases_at_ns;  /* when they were found */
	int phases_col;
	int64_t phase_t[UI_PHASE_POINTS], phase_v[UI_PHASE_POINTS], phase_lo[UI_PHASE_POINTS];

	/* per-frame scratch */
	int64_t *min, *max, *min2, *max2;
	size_t nslices_cap;
};

static long ui_phase_at(const ui *u, int64_t t_ns);
static void ui_update_phases(ui *u);
static void ui_draw_phase_strip(ui *u, int y, int64_t t0, int64_t t1);
static void ui_set_cursor(ui *u, int64_t t_ns);

/* The view's own clock for pacing frames. */
static int64_t ui_now(void)
{
	return mtime_mono_ns();
}

/* Seconds east of UTC for local time labels. */
static int32_t ui_utc_offset(void)
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	return (int32_t)tm.tm_gmtoff;
}

/* Adds a pane showing the given sources, unless it is there already. */
static void ui_add_pane(ui *u, const char *title, const int *sources, int n)
{
	if (u->npanes >= UI_MAX_PANES)
		return;
	ui_pane *p = &u->panes[u->npanes++];
	memset(p, 0, sizeof *p);
	snprintf(p->title, sizeof p->title, "%s", title);
	for (int i = 0; i < n && i < 8; i++)
		p->sources[p->nsources++] = sources[i];
}

/* Builds the panes from the logbook's sources: the command's output first,
 * then one per tailed file. Called again when new sources appear. */
static void ui_sync_panes(ui *u)
{
	int n = logbook_nsources(u->lb);
	if (n == u->nsources_seen)
		return;
	for (int s = u->nsources_seen; s < n; s++) {
		const char *name = logbook_source_name(u->lb, s);
		if (strcmp(name, "out") == 0 || strcmp(name, "err") == 0) {
			ui_pane *out = NULL;
			for (int i = 0; i < u->npanes; i++)
				if (strcmp(u->panes[i].title, "output") == 0)
					out = &u->panes[i];
			if (out && out->nsources < 8)
				out->sources[out->nsources++] = s;
			else if (!out)
				ui_add_pane(u, "output", &s, 1);
		} else if (strncmp(name, "file:", 5) == 0) {
			ui_add_pane(u, name + 5, &s, 1);
		}
	}
	if (u->npanes == 0) {
		int none = -1;
		ui_add_pane(u, "events", &none, 0);
	}
	u->nsources_seen = n;
	/* The panes changed: index every line again. */
	for (int i = 0; i < u->npanes; i++)
		logindex_clear(&u->panes[i].ix);
	u->indexed_end = 0;
}

/* Whether a line of source src belongs in pane p. */
static bool ui_pane_shows(const ui_pane *p, int src)
{
	if (src == 0)
		return true;
	for (int i = 0; i < p->nsources; i++)
		if (p->sources[i] == src)
			return true;
	return false;
}

static long ui_pos_at(ui *u, const ui_pane *p, int64_t wall_ns);

/* Adds the lines that arrived since the last call to the panes' indexes,
 * and forgets those the logbook dropped. */
static void ui_index_sync(ui *u)
{
	uint64_t first, end;
	logbook_entry e;
	logbook_range(u->lb, &first, &end);
	if (u->indexed_end < first)
		u->indexed_end = first;
	for (uint64_t seq = u->indexed_end; seq < end; seq++) {
		if (logbook_get(u->lb, seq, &e) < 0)
			continue;
		for (int i = 0; i < u->npanes; i++) {
			ui_pane *p = &u->panes[i];
			if (!ui_pane_shows(p, e.source))
				continue;
			logindex_add(&p->ix, seq, e.wall_ns);
		}
	}
	u->indexed_end = end;
	for (int i = 0; i < u->npanes; i++) {
		ui_pane *p = &u->panes[i];
		logindex_trim(&p->ix, first);
	}
}

/* Sets up colour pairs, one per canvas colour. */
static void ui_init_colors(ui *u)
{
	const char *no_color = getenv("NO_COLOR");
	u->color = has_colors() && !(no_color && *no_color);
	if (!u->color)
		return;
	start_color();
	use_default_colors();
	init_pair(CANVAS_AREA, COLOR_CYAN, -1);
	init_pair(CANVAS_PEAK, COLOR_WHITE, -1);
	init_pair(CANVAS_LINE2, COLOR_YELLOW, -1);
	init_pair(CANVAS_AXIS, -1, -1);
	init_pair(CANVAS_MARKER, COLOR_MAGENTA, -1);
	init_pair(CANVAS_CURSOR, COLOR_YELLOW, -1);
	init_pair(CANVAS_HEADER, COLOR_BLACK, COLOR_CYAN);
	init_pair(CANVAS_DIM, COLOR_BLUE, -1);
	init_pair(CANVAS_ESCAPE, COLOR_RED, -1);
	init_pair(CANVAS_MATCH, COLOR_BLACK, COLOR_YELLOW);
	init_pair(CANVAS_WARN, COLOR_RED, -1);
}

/* The curses attributes for a canvas cell, with or without colour. */
static attr_t ui_attrs(const ui *u, const canvas_cell *c, short *pair)
{
	attr_t a = A_NORMAL;
	*pair = 0;
	if (c->attr & CANVAS_BOLD)
		a |= A_BOLD;
	if (c->attr & CANVAS_REVERSE)
		a |= A_REVERSE;
	if (c->attr & CANVAS_UNDERLINE)
		a |= A_UNDERLINE;
	if (u->color) {
		*pair = (short)(c->color < CANVAS_NCOLORS ? c->color : 0);
		return a;
	}
	/* Monochrome: what colour would have told, attributes tell. */
	switch (c->color) {
	case CANVAS_PEAK:
	case CANVAS_MARKER:
	case CANVAS_WARN:
		a |= A_BOLD;
		break;
	case CANVAS_CURSOR:
	case CANVAS_HEADER:
	case CANVAS_MATCH:
		a |= A_REVERSE;
		break;
	case CANVAS_ESCAPE:
		a |= A_UNDERLINE;
		break;
	case CANVAS_DIM:
		a |= A_DIM;
		break;
	default:
		break;
	}
	return a;
}

/* Copies the cells that changed since the last frame to curses. */
static void ui_blit(ui *u)
{
	canvas *cv = u->cv;
	bool full = u->full_redraw || !u->shown || u->shown->w != cv->w || u->shown->h != cv->h;
	if (full) {
		if (!u->shown)
			u->shown = canvas_new(cv->w, cv->h);
		else
			canvas_resize(u->shown, cv->w, cv->h);
		clearok(stdscr, TRUE);
	}
	for (int y = 0; y < cv->h; y++) {
		for (int x = 0; x < cv->w; x++) {
			const canvas_cell *c = canvas_at(cv, x, y);
			canvas_cell *old = u->shown ? &u->shown->cells[y * cv->w + x] : NULL;
			if (!full && old && old->ch == c->ch && old->color == c->color && old->attr == c->attr)
				continue;
			if (old)
				*old = *c;
			if (c->ch == 0)
				continue; /* right half of a wide character */
			short pair;
			attr_t a = ui_attrs(u, c, &pair);
			if (u->utf8) {
				wchar_t wc[2] = { (wchar_t)c->ch, 0 };
				cchar_t cc;
				setcchar(&cc, wc, a, pair, NULL);
				mvadd_wch(y, x, &cc);
			} else {
				chtype ch = c->ch >= 0x20 && c->ch < 0x7f ? c->ch : '?';
				mvaddch(y, x, ch | a | COLOR_PAIR(pair));
			}
		}
	}
	u->full_redraw = false;
	refresh();
}

ui *ui_open(const ui_info *info, series *s, markers *m, logbook *lb, const ui_hooks *hooks,
            char *err, size_t errlen)
{
	ui *u = calloc(1, sizeof *u);
	if (!u) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	u->info = *info;
	u->target = strdup(info->target ? info->target : "");
	u->csv_path = strdup(info->csv_path ? info->csv_path : "");
	u->ser = s;
	u->marks = m;
	u->lb = lb;
	u->hooks = *hooks;
	u->follow = !info->replay || info->following;
	u->span_idx = UI_NSPANS - 1;
	u->cursor_ns = -1;
	if (!u->follow) {
		int64_t first, last;
		u->cursor_ns = series_span(s, &first, &last) == 0 ? first : 0;
	}
	u->name1 = strdup(info->name1 ? info->name1 : "");
	u->name2 = strdup(info->name2 ? info->name2 : "");
	if (info->log_note)
		snprintf(u->log_note, sizeof u->log_note, "%s", info->log_note);
	u->col = SAMPLE_RSS;
	u->dirty = true;
	u->full_redraw = true;

	setlocale(LC_ALL, "");
	u->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	u->screen = newterm(NULL, stdout, stdin);
	if (!u->screen) {
		snprintf(err, errlen, "cannot start the terminal view (TERM=%s)", getenv("TERM") ? getenv("TERM") : "");
		free(u->target);
		free(u->csv_path);
		free(u);
		return NULL;
	}
	/* A terminal that cannot move the cursor (TERM=dumb) cannot show a view. */
	char *cup = tigetstr("cup");
	if (cup == NULL || cup == (char *)-1) {
		endwin();
		delscreen(u->screen);
		snprintf(err, errlen, "the terminal (TERM=%s) cannot place the cursor", getenv("TERM") ? getenv("TERM") : "");
		free(u->target);
		free(u->csv_path);
		free(u);
		return NULL;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	ui_init_colors(u);
	getmaxyx(stdscr, u->h, u->w);
	u->cv = canvas_new(u->w, u->h);
	ui_sync_panes(u);
	return u;
}

int ui_input_fd(const ui *u)
{
	(void)u;
	return STDIN_FILENO;
}

bool ui_input_gone(short revents)
{
	return (revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

void ui_resize(ui *u)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	getmaxyx(stdscr, u->h, u->w);
	canvas_resize(u->cv, u->w, u->h);
	u->full_redraw = true;
	u->dirty = true;
}

void ui_recording_ended(ui *u, const char *why)
{
	snprintf(u->ended, sizeof u->ended, "%s", why);
	u->dirty = true;
}

void ui_status(ui *u, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u->status, sizeof u->status, fmt, ap);
	va_end(ap);
	u->status_until_ns = ui_now() + UI_STATUS_NS;
	u->dirty = true;
}

/* The newest elapsed time in the series (0 when empty). */
static int64_t ui_last_ns(ui *u)
{
	int64_t first, last;
	if (series_span(u->ser, &first, &last) < 0)
		return 0;
	return last;
}

/* The wall time at elapsed 0, from the first sample (0 when unknown). */
static int64_t ui_wall_at_zero(ui *u)
{
	sample smp;
	/* Taken once: recomputed from each new sample it would jitter by the
	 * time between two clock reads, and old stamps would flicker. */
	if (u->wall0_ns)
		return u->wall0_ns;
	if (series_last(u->ser, &smp) < 0 || smp.wall_ns == 0)
		return 0;
	u->wall0_ns = smp.wall_ns - smp.elapsed_ns;
	return u->wall0_ns;
}

/* The smallest "nice" extent that holds last_ns: the whole-run window grows
 * in these steps, so most frames only add to the right of the curve. */
static int64_t ui_nice_extent(int64_t last_ns)
{
	static const int64_t steps_s[] = { 10, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200,
	                                   10800, 21600, 43200, 86400 };
	for (size_t i = 0; i < sizeof steps_s / sizeof steps_s[0]; i++)
		if (last_ns < steps_s[i] * NS_PER_S)
			return steps_s[i] * NS_PER_S;
	int64_t day = 86400 * NS_PER_S;
	return (last_ns / day + 1) * day;
}

/* The time window to draw. */
static void ui_window(ui *u, int64_t *t0, int64_t *t1)
{
	int64_t last = ui_last_ns(u);
	int64_t span = ui_spans_s[u->span_idx] * NS_PER_S;
	if (span == 0) {
		*t0 = 0;
		/* A finished recording fits the screen exactly; a growing one grows
		 * into nice steps so most frames only add to the right. */
		*t1 = u->info.replay && !u->info.following ? last + last / 50 + 1 : ui_nice_extent(last);
		if (u->info.other) {
			int64_t f2, l2;
			if (series_span(u->info.other, &f2, &l2) == 0 && l2 + l2 / 50 + 1 > *t1)
				*t1 = l2 + l2 / 50 + 1;
		}
		return;
	}
	if (u->follow) {
		/* Move on by half a window when the newest sample reaches the edge. */
		int64_t half = span / 2;
		int64_t k = last / half;
		*t0 = k >= 1 ? (k - 1) * half : 0;
		*t1 = *t0 + span;
		return;
	}
	*t0 = u->cursor_ns - span / 2;
	if (*t0 < 0)
		*t0 = 0;
	*t1 = *t0 + span;
}

/* Grows the per-slice scratch arrays. */
static bool ui_scratch(ui *u, size_t n)
{
	if (n <= u->nslices_cap)
		return true;
	int64_t **arrs[] = { &u->min, &u->max, &u->min2, &u->max2 };
	for (size_t i = 0; i < 4; i++) {
		int64_t *p = realloc(*arrs[i], n * sizeof **arrs[i]);
		if (!p)
			return false;
		*arrs[i] = p;
	}
	u->nslices_cap = n;
	return true;
}

/* Whether column col has any measured value in the recording. */
static bool ui_col_measured(ui *u, int col)
{
	int64_t v, at;
	return series_peak(u->ser, col, &v, &at) == 0;
}


/* Local wall-clock time "HH:MM:SS.mmm" of wall_ns. */
static void ui_fmt_clock(int64_t wall_ns, char *buf, size_t n, bool ms)
{
	time_t t = (time_t)(wall_ns / NS_PER_S);
	struct tm tm;
	localtime_r(&t, &tm);
	if (ms)
		snprintf(buf, n, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
		         (int)(wall_ns / 1000000 % 1000));
	else
		snprintf(buf, n, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Appends "name value" of bytes to a header being built. */
static size_t ui_append(char *buf, size_t used, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static size_t ui_append(char *buf, size_t used, size_t cap, const char *fmt, ...)
{
	if (used >= cap)
		return used;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + used, cap - used, fmt, ap);
	va_end(ap);
	if (n < 0)
		return used;
	return used + (size_t)n < cap ? used + (size_t)n : cap - 1;
}

/* Row 0: what is watched, now, peak, machine, elapsed, rate, recording.
 * The numbers come first in priority; the target's name gets what is left. */
static void ui_draw_header(ui *u)
{
	char stats[768], a[32], b[32];
	size_t used = 0;
	sample now;
	const char *sep = u->utf8 ? "│" : "|";
	canvas_fill(u->cv, 0, 0, u->w, 1, ' ', CANVAS_HEADER, 0);
	stats[0] = '\0';
	if (series_last(u->ser, &now) == 0) {
		int col = u->col;
		if (now.v[col] >= 0) {
			units_bytes(now.v[col], a, sizeof a);
			used = ui_append(stats, used, sizeof stats, "%s %s %s ", sep, sample_col_names[col], a);
		}
		int64_t peak, at, peak2, at2;
		if (series_peak(u->ser, col, &peak, &at) == 0) {
			units_bytes(peak, a, sizeof a);
			units_elapsed_compact(at, b, sizeof b);
			used = ui_append(stats, used, sizeof stats, "%s peak %s at %s ", sep, a, b);
		}
		if (u->info.other && series_peak(u->info.other, col, &peak2, &at2) == 0) {
			/* Two recordings: what the change did to the peak. */
			units_bytes(peak2, a, sizeof a);
			used = ui_append(stats, used, sizeof stats, "%s %s peak %s ", sep, u->name2, a);
			if (series_peak(u->ser, col, &peak, &at) == 0 && peak > 0)
				used = ui_append(stats, used, sizeof stats, "(%+.0f%%) ",
				                 100.0 * ((double)peak2 - (double)peak) / (double)peak);
		}
		if (now.v[SAMPLE_SYS_USED] >= 0 && col != SAMPLE_SYS_USED) {
			units_bytes(now.v[SAMPLE_SYS_USED], a, sizeof a);
			used = ui_append(stats, used, sizeof stats, "%s machine %s ", sep, a);
		}
		/* Whole seconds, so the header changes once a second, not every sample. */
		int64_t secs = now.elapsed_ns / NS_PER_S;
		if (secs < 60)
			snprintf(b, sizeof b, "%llds", (long long)secs);
		else
			units_elapsed_compact(secs * NS_PER_S, b, sizeof b);
		used = ui_append(stats, used, sizeof stats, "%s %s ", sep, b);
	}
	if (u->info.interval_ns > 0) {
		double hz = 1e9 / (double)u->info.interval_ns;
		used = ui_append(stats, used, sizeof stats, hz >= 1 ? "%s %.0f/s " : "%s %.2f/s ", sep, hz);
	}
	used = ui_append(stats, used, sizeof stats, "%s %s %s", sep, u->utf8 ? "●" : "*", u->csv_path);
	(void)used;
	int stats_w = canvas_text_width(stats);
	int x = canvas_text(u->cv, 0, 0, u->w, " memlog ", CANVAS_HEADER, CANVAS_BOLD);
	int room = u->w - x - stats_w - 1;
	if (room < 12)
		room = 12;
	/* The target is the person's own text (a command line): show it safely. */
	x += logtext_draw(u->cv, x, 0, room, 0, u->target, strlen(u->target), u->utf8, CANVAS_HEADER, 0);
	x += canvas_text(u->cv, x, 0, u->w - x, " ", CANVAS_HEADER, 0);
	canvas_text(u->cv, x, 0, u->w - x, stats, CANVAS_HEADER, 0);
}

/* Memory does not vanish between two samples: a slice narrower than the
 * interval that holds no sample shows the level the curve had before it.
 * Only gaps between samples are filled, not the future after the newest. */
static void ui_hold(int64_t *min, int64_t *max, size_t n)
{
	size_t last = n;
	while (last > 0 && max[last - 1] < 0)
		last--;
	int64_t held = -1;
	for (size_t i = 0; i < last; i++) {
		if (max[i] >= 0) {
			held = max[i];
		} else if (held >= 0) {
			min[i] = held;
			max[i] = held;
		}
	}
}

/* The chart, rows y .. y+h-1. */
static void ui_draw_chart(ui *u, int y, int h, int64_t t0, int64_t t1)
{
	size_t n = chart_slices(u->w, u->utf8);
	markers_item list[UI_MAX_MARKERS];
	chart_marker cm[UI_MAX_MARKERS];
	if (n == 0 || !ui_scratch(u, n))
		return;
	series_window(u->ser, u->col, t0, t1, n, u->min, u->max);
	ui_hold(u->min, u->max, n);
	bool two = u->info.other || (u->overlay && u->col != SAMPLE_SYS_USED);
	if (u->info.other) {
		/* Two recordings, aligned at elapsed 0: the second as a line. */
		series_window(u->info.other, u->col, t0, t1, n, u->min2, u->max2);
		ui_hold(u->min2, u->max2, n);
	} else if (two) {
		series_window(u->ser, SAMPLE_SYS_USED, t0, t1, n, u->min2, u->max2);
		ui_hold(u->min2, u->max2, n);
	}
	size_t nm = markers_copy(u->marks, list, UI_MAX_MARKERS);
	for (size_t i = 0; i < nm; i++)
		cm[i] = (chart_marker){ .t_ns = list[i].t_ns, .label = list[i].label };
	char legend1[96], legend2[96];
	snprintf(legend1, sizeof legend1, "%s %.60s", sample_col_names[u->col], u->name1);
	snprintf(legend2, sizeof legend2, "%s %.60s", sample_col_names[u->col], u->name2);
	chart_input in = {
		.t0_ns = t0, .t1_ns = t1, .nslices = n,
		.min = u->min, .max = u->max,
		.min2 = two ? u->min2 : NULL, .max2 = two ? u->max2 : NULL,
		.name = u->info.other ? legend1 : sample_col_names[u->col],
		.name2 = u->info.other ? legend2 : two ? sample_col_names[SAMPLE_SYS_USED] : NULL,
		.markers = cm, .nmarkers = nm,
		.cursor_ns = u->follow ? -1 : u->cursor_ns,
		.utf8 = u->utf8,
		.wall_clock = u->wall_clock,
		.wall_at_zero_ns = ui_wall_at_zero(u),
		.utc_offset_s = ui_utc_offset(),
	};
	chart_draw(u->cv, 0, y, u->w, h, &in);
	markers_release(list, nm);
}

/* The readout under the chart: the values at the cursor, or the newest. */
static void ui_draw_readout(ui *u, int y, int64_t t0, int64_t t1)
{
	char line[1024], a[32], b[32];
	size_t used = 0;
	sample now;
	if (series_last(u->ser, &now) < 0) {
		canvas_text(u->cv, 1, y, u->w - 1, "waiting for the first sample...", CANVAS_DIM, 0);
		return;
	}
	if (u->follow) {
		/* Once a second is enough to read; every sample would cost bytes. */
		if (now.elapsed_ns / NS_PER_S != u->readout.elapsed_ns / NS_PER_S || u->readout.wall_ns == 0)
			u->readout = now;
		now = u->readout;
		used = ui_append(line, used, sizeof line, "now ");
		for (int c = 0; c < SAMPLE_NCOLS; c++) {
			if (now.v[c] < 0 || c == SAMPLE_SYS_AVAIL)
				continue;
			if (c == SAMPLE_PROCS) {
				used = ui_append(line, used, sizeof line, " procs %lld", (long long)now.v[c]);
				continue;
			}
			units_bytes(now.v[c], a, sizeof a);
			used = ui_append(line, used, sizeof line, " %s %s", sample_col_names[c], a);
		}
		canvas_text(u->cv, 1, y, u->w - 1, line, CANVAS_DIM, 0);
		return;
	}
	/* The cursor covers one dot column: show the largest value in it. */
	size_t n = chart_slices(u->w, u->utf8);
	int64_t col_ns = n ? (t1 - t0) / (int64_t)n : 1;
	if (col_ns < 1)
		col_ns = 1;
	units_elapsed_compact(u->cursor_ns, a, sizeof a);
	int64_t wall0 = ui_wall_at_zero(u);
	ui_fmt_clock(wall0 + u->cursor_ns, b, sizeof b, true);
	used = ui_append(line, used, sizeof line, "cursor %s (%s) ", a, b);
	long ph = ui_phase_at(u, u->cursor_ns);
	if (ph >= 0)
		used = ui_append(line, used, sizeof line, "phase %ld %s ", ph + 1, phase_kind_name(u->phases[ph].kind));
	for (int c = 0; c < SAMPLE_NCOLS; c++) {
		int64_t mn, mx;
		if (c == SAMPLE_SYS_AVAIL)
			continue;
		/* The newest sample at or before the cursor, within one interval. */
		int64_t reach = col_ns > u->info.interval_ns ? col_ns : u->info.interval_ns;
		series_window(u->ser, c, u->cursor_ns - reach, u->cursor_ns + 1, 1, &mn, &mx);
		if (mx < 0)
			continue;
		if (c == SAMPLE_PROCS) {
			used = ui_append(line, used, sizeof line, " procs %lld", (long long)mx);
			continue;
		}
		units_bytes(mx, a, sizeof a);
		used = ui_append(line, used, sizeof line, " %s %s", sample_col_names[c], a);
	}
	canvas_text(u->cv, 1, y, u->w - 1, line, CANVAS_CURSOR, CANVAS_BOLD);
}

/* The position in pane p of its newest line at or before wall_ns, or -1. */
static long ui_pos_at(ui *u, const ui_pane *p, int64_t wall_ns)
{
	(void)u;
	return logindex_at(&p->ix, wall_ns);
}

/* The pane's selected line: the one the pane is anchored at after
 * scrolling, and whether the person is looking at it (highlighted). */
static long ui_selected(ui *u, const ui_pane *p, bool *highlight)
{
	long anchor;
	*highlight = true;
	if (p->ix.n == p->ix.start)
		return -1;
	if (u->search_active && u->search_pos >= (long)p->ix.start && u->search_pos < (long)p->ix.n) {
		anchor = u->search_pos;
	} else if (!u->follow) {
		anchor = ui_pos_at(u, p, ui_wall_at_zero(u) + u->cursor_ns);
		if (anchor < 0)
			anchor = (long)p->ix.start;
	} else {
		anchor = (long)p->ix.n - 1;
		*highlight = p->scroll > 0;
	}
	anchor -= p->scroll;
	if (anchor < (long)p->ix.start)
		anchor = (long)p->ix.start;
	if (anchor >= (long)p->ix.n)
		anchor = (long)p->ix.n - 1;
	return anchor;
}

/* The tab row and the log lines of the current pane, rows y .. y+h-1. */
static void ui_draw_log(ui *u, int y, int h)
{
	ui_pane *p = &u->panes[u->pane];
	char tab[96], buf[256];
	int x = 0;

	canvas_fill(u->cv, 0, y, u->w, 1, u->utf8 ? 0x2500 : '-', CANVAS_AXIS, 0);
	for (int i = 0; i < u->npanes; i++) {
		/* A pane's title is a source name from the recording's .log. */
		snprintf(tab, sizeof tab, " %s ", u->panes[i].title);
		x += logtext_draw(u->cv, x + 1, y, u->w - x - 1, 0, tab, strlen(tab), u->utf8,
		                  i == u->pane ? CANVAS_HEADER : CANVAS_AXIS, i == u->pane ? CANVAS_BOLD : 0) + 1;
	}
	size_t dropped = logbook_dropped(u->lb);
	if (u->search_active)
		snprintf(buf, sizeof buf, " search: %.60s (n/N, Esc ends) ", u->search);
	else if (u->log_note[0])
		snprintf(buf, sizeof buf, " %s ", u->log_note);
	else if (dropped)
		snprintf(buf, sizeof buf, " %zu older lines only in the .log ", dropped);
	else
		buf[0] = '\0';
	int bw = (int)logtext_width(buf, strlen(buf), u->utf8);
	if (bw && bw < u->w - x - 2)
		logtext_draw(u->cv, u->w - bw - 1, y, bw, 0, buf, strlen(buf), u->utf8, CANVAS_DIM, 0);

	int rows = h - 1;
	if (rows <= 0)
		return;
	bool highlight;
	long anchor = ui_selected(u, p, &highlight);
	if (anchor < 0) {
		canvas_text(u->cv, 1, y + 1, u->w - 1, "(no log lines yet)", CANVAS_DIM, 0);
		return;
	}
	/* Live: the newest line at the bottom; looking back: the line at the
	 * cursor in the middle. */
	int anchor_row = u->follow && !u->search_active ? rows - 1 : rows / 2;
	long top = anchor - anchor_row;
	if (top < (long)p->ix.start)
		top = (long)p->ix.start;
	int64_t wall0 = ui_wall_at_zero(u);
	for (int r = 0; r < rows && top + r < (long)p->ix.n; r++) {
		logbook_entry e;
		long pos = top + r;
		if (logbook_get(u->lb, p->ix.items[pos].seq, &e) < 0)
			continue;
		char stamp[32];
		int row = y + 1 + r;
		uint8_t color = e.source == 0 ? CANVAS_MARKER : CANVAS_DEFAULT;
		uint8_t attr = highlight && pos == anchor ? CANVAS_REVERSE : 0;
		if (u->wall_clock || !wall0)
			ui_fmt_clock(e.wall_ns, stamp, sizeof stamp, true);
		else
			units_elapsed_compact(e.wall_ns - wall0, stamp, sizeof stamp);
		int sx = canvas_text(u->cv, 0, row, u->w, stamp, CANVAS_DIM, attr);
		sx += canvas_text(u->cv, sx, row, u->w - sx, " ", CANVAS_DIM, attr);
		const char *name = logbook_source_name(u->lb, e.source);
		if (strcmp(name, "err") == 0)
			sx += canvas_text(u->cv, sx, row, u->w - sx, "err ", CANVAS_WARN, attr);
		else if (e.source == 0)
			sx += canvas_text(u->cv, sx, row, u->w - sx, "memlog ", CANVAS_MARKER, attr);
		logtext_draw(u->cv, sx, row, u->w - sx, 0, e.text, e.len, u->utf8, color, attr);
		if (u->search_active && u->search[0]) {
			long at = logtext_find(e.text, e.len, u->search);
			if (at >= 0) {
				/* Mark the hit where it falls in the drawn text. */
				size_t wx = logtext_width(e.text, (size_t)at, u->utf8);
				size_t ww = logtext_width(e.text + at, strlen(u->search), u->utf8);
				for (size_t k = 0; k < ww && sx + (int)(wx + k) < u->w; k++) {
					const canvas_cell *cc = canvas_at(u->cv, sx + (int)(wx + k), row);
					if (cc)
						canvas_put(u->cv, sx + (int)(wx + k), row, cc->ch, CANVAS_MATCH, 0);
				}
			}
		}
	}
}

static const char *const ui_help_lines[] = {
	"memlog keys",
	"",
	"m          marker now (M1, M2, ...)",
	"a          marker with a label you type",
	"space      pause (look back) / follow the live edge",
	"Left Right move the cursor in time (pauses)",
	"+ -        zoom in / out around the cursor",
	"Home End   start of the recording / live edge",
	"n N        next / previous marker (search hit while searching)",
	"p P        next / previous phase boundary (rise, growth, plateau, drop)",
	"s          choose the series: rss anon pss swap cgroup machine",
	"o          overlay the machine's used memory as a line",
	"t          time labels: elapsed / wall clock",
	"Tab        next log pane",
	"Up Down    scroll the log      PgUp PgDn  a page   Enter: go to the line",
	"/          search the log (Esc ends the search)",
	"?          this help           q  quit",
	"",
	"Recording never pauses: every sample goes to the CSV.",
	"",
	"any key closes this help",
};

/* The help box over the middle of the screen. */
static void ui_draw_help(ui *u)
{
	int n = (int)(sizeof ui_help_lines / sizeof ui_help_lines[0]);
	int bw = 76 < u->w - 2 ? 76 : u->w - 2;
	int bh = n + 2 < u->h - 2 ? n + 2 : u->h - 2;
	int x0 = (u->w - bw) / 2, y0 = (u->h - bh) / 2;
	canvas_fill(u->cv, x0, y0, bw, bh, ' ', CANVAS_HEADER, 0);
	for (int i = 0; i < n && i < bh - 2; i++)
		canvas_text(u->cv, x0 + 2, y0 + 1 + i, bw - 4, ui_help_lines[i], CANVAS_HEADER, i == 0 ? CANVAS_BOLD : 0);
}

/* The bottom row: keys, a prompt, or a passing message. */
static void ui_draw_footer(ui *u)
{
	int y = u->h - 1;
	char line[512];
	canvas_fill(u->cv, 0, y, u->w, 1, ' ', CANVAS_HEADER, 0);
	switch (u->prompt) {
	case PROMPT_LABEL:
	case PROMPT_SEARCH: {
		const char *what = u->prompt == PROMPT_LABEL ? " marker label: " : " search: ";
		const char *hint = u->prompt == PROMPT_LABEL ? "  (Enter marks, Esc cancels)" : "  (Enter searches, Esc cancels)";
		int x = canvas_text(u->cv, 0, y, u->w, what, CANVAS_HEADER, CANVAS_BOLD);
		/* What the person types is shown through logtext: it is input, not ours. */
		x += logtext_draw(u->cv, x, y, u->w - x - 1, 0, u->input, u->input_len, u->utf8, CANVAS_HEADER, 0);
		canvas_put(u->cv, x++, y, '_', CANVAS_HEADER, CANVAS_BOLD);
		canvas_text(u->cv, x, y, u->w - x, hint, CANVAS_HEADER, 0);
		return;
	}
	case PROMPT_QUIT:
		canvas_text(u->cv, 0, y, u->w,
		            " The command is still running:  k kill it and quit   d leave it running, record in the background   Esc stay",
		            CANVAS_WARN, CANVAS_BOLD | CANVAS_REVERSE);
		return;
	case PROMPT_NONE:
		break;
	}
	/* Both may hold text from outside memlog (a marker's label, a file
	 * name, an error message): drawn through logtext. */
	if (u->ended[0] && !(u->status[0] && ui_now() < u->status_until_ns)) {
		snprintf(line, sizeof line, " ENDED: %s.  The CSV is complete.  q quit  space/arrows look back  ? help", u->ended);
		logtext_draw(u->cv, 0, y, u->w, 0, line, strlen(line), u->utf8, CANVAS_HEADER, CANVAS_BOLD);
		return;
	}
	if (u->status[0] && ui_now() < u->status_until_ns) {
		snprintf(line, sizeof line, " %s", u->status);
		logtext_draw(u->cv, 0, y, u->w, 0, line, strlen(line), u->utf8, CANVAS_HEADER, CANVAS_BOLD);
		return;
	}
	snprintf(line, sizeof line, " %s  m mark  a label  space %s  %s move  +- zoom  s series  Tab pane  / search  ? help  q quit",
	         u->follow ? "LIVE" : "PAUSED", u->follow ? "pause" : "follow", u->utf8 ? "←→" : "<>");
	canvas_text(u->cv, 0, y, u->w, line, CANVAS_HEADER, 0);
}

/* Draws the whole frame into the canvas. */
static void ui_render(ui *u)
{
	canvas_clear(u->cv);
	if (u->w < UI_MIN_W || u->h < UI_MIN_H) {
		char msg[64];
		snprintf(msg, sizeof msg, "terminal too small (need %dx%d)", UI_MIN_W, UI_MIN_H);
		canvas_text(u->cv, 0, u->h / 2, u->w, msg, CANVAS_WARN, CANVAS_BOLD);
		return;
	}
	ui_sync_panes(u);
	ui_index_sync(u);
	if (!u->col_chosen && series_count(u->ser) > 0) {
		/* Start on the first series this target measures (the machine's,
		 * for watch --system). */
		for (size_t i = 0; i < UI_NCYCLE; i++)
			if (ui_col_measured(u, ui_cycle_cols[i])) {
				u->col = ui_cycle_cols[i];
				break;
			}
		u->col_chosen = true;
	}
	int64_t t0, t1;
	ui_window(u, &t0, &t1);
	int rest = u->h - 3;           /* header, readout, footer */
	int chart_h = rest * 55 / 100; /* the chart gets a little more than half */
	int log_h = rest - chart_h;
	/* Looking back (replay, or paused): a strip of the phases under the chart. */
	bool strip = !u->follow || u->info.replay;
	if (strip)
		ui_update_phases(u);
	strip = strip && u->nphases > 0;
	ui_draw_header(u);
	ui_draw_chart(u, 1, chart_h - strip, t0, t1);
	if (strip)
		ui_draw_phase_strip(u, chart_h, t0, t1);
	ui_draw_readout(u, 1 + chart_h, t0, t1);
	ui_draw_log(u, 2 + chart_h, log_h);
	ui_draw_footer(u);
	if (u->help)
		ui_draw_help(u);
}

int ui_tick(ui *u)
{
	int64_t now = ui_now();
	size_t samples = series_count(u->ser);
	size_t nmarks = markers_count(u->marks);
	uint64_t first, end;
	logbook_range(u->lb, &first, &end);
	if (samples != u->seen_samples || nmarks != u->seen_markers || end != u->seen_log_end) {
		u->dirty = true;
		u->seen_samples = samples;
		u->seen_markers = nmarks;
		u->seen_log_end = end;
	}
	if (u->status_until_ns && now >= u->status_until_ns) {
		u->status_until_ns = 0;
		u->dirty = true;
	}
	if (!u->dirty)
		return 100;
	int64_t wait = u->last_frame_ns + UI_FRAME_NS - now;
	if (wait > 0)
		return (int)(wait / 1000000) + 1;
	ui_render(u);
	ui_blit(u);
	u->last_frame_ns = now;
	u->dirty = false;
	return 100;
}

/* Finds the phases of the shown series over the whole recording, on a
 * bounded number of points (the largest value of each slice), so it costs
 * the same on a million samples as on a thousand. Redone only when the
 * recording grew or the series changed. */
static void ui_update_phases(ui *u)
{
	size_t count = series_count(u->ser);
	int64_t now = ui_now();
	if (count == u->phases_samples && u->col == u->phases_col)
		return;
	/* A growing recording: once a second is often enough to cut it again. */
	if (u->col == u->phases_col && u->phases_samples && now - u->phases_at_ns < NS_PER_S)
		return;
	u->phases_at_ns = now;
	u->phases_samples = count;
	u->phases_col = u->col;
	u->nphases = 0;
	int64_t first, last;
	if (series_span(u->ser, &first, &last) < 0 || last <= first)
		return;
	size_t n = UI_PHASE_POINTS;
	if (count < n)
		n = count;
	series_window(u->ser, u->col, first, last + 1, n, u->phase_lo, u->phase_v);
	int64_t step = (last + 1 - first) / (int64_t)n;
	for (size_t i = 0; i < n; i++)
		u->phase_t[i] = first + (int64_t)i * step;
	long np = phases_find(u->phase_t, u->phase_v, n, NULL, u->phases, UI_MAX_PHASES);
	u->nphases = np > 0 ? np : 0;
}

/* The number (from 0) of the phase at t_ns, or -1. */
static long ui_phase_at(const ui *u, int64_t t_ns)
{
	for (long i = 0; i < u->nphases; i++)
		if (t_ns >= u->phases[i].t0_ns && (t_ns < u->phases[i].t1_ns || i == u->nphases - 1))
			return t_ns <= u->phases[i].t1_ns || i < u->nphases - 1 ? i : -1;
	return -1;
}

/* The thin strip under the chart: each phase a coloured run of cells,
 * numbered at its start, aligned with the chart's columns. */
static void ui_draw_phase_strip(ui *u, int y, int64_t t0, int64_t t1)
{
	int px = CHART_YAXIS_W, pw = u->w - CHART_YAXIS_W;
	canvas_text(u->cv, 0, y, CHART_YAXIS_W, " phases", CANVAS_DIM, 0);
	if (pw <= 0 || t1 <= t0)
		return;
	long shown = -2;
	for (int x = 0; x < pw; x++) {
		int64_t t = t0 + (int64_t)((double)(t1 - t0) * (x + 0.5) / pw);
		long ph = ui_phase_at(u, t);
		if (ph < 0) {
			shown = -2;
			continue;
		}
		uint8_t color = ph % 2 ? CANVAS_LINE2 : CANVAS_AREA;
		canvas_put(u->cv, px + x, y, u->utf8 ? 0x2580 : '=', color, 0);
		if (ph != shown) {
			char label[32];
			snprintf(label, sizeof label, "%ld %s", ph + 1, phase_kind_name(u->phases[ph].kind));
			/* The number always; the kind where the run has room for it. */
			int room = 0;
			while (x + room < pw && ui_phase_at(u, t0 + (int64_t)((double)(t1 - t0) * (x + room + 0.5) / pw)) == ph)
				room++;
			if (room < (int)strlen(label) + 1)
				snprintf(label, sizeof label, "%ld", ph + 1);
			int lw = canvas_text(u->cv, px + x, y, room, label, color, CANVAS_REVERSE | CANVAS_BOLD);
			shown = ph;
			if (lw > 1)
				x += lw - 1; /* the label stands for those cells of the run */
		}
	}
}

/* p / P: the cursor to the next or previous phase boundary. */
static void ui_jump_phase(ui *u, int dir)
{
	ui_update_phases(u);
	if (u->nphases == 0) {
		ui_status(u, "no phases: the recording is too short to segment");
		return;
	}
	int64_t from = u->follow ? ui_last_ns(u) : u->cursor_ns;
	int64_t best = -1;
	for (long i = 0; i < u->nphases; i++) {
		int64_t b = u->phases[i].t0_ns;
		if ((dir > 0 && b > from && (best < 0 || b < best)) || (dir < 0 && b < from && (best < 0 || b > best)))
			best = b;
	}
	if (best < 0) {
		ui_status(u, "no %s phase", dir > 0 ? "later" : "earlier");
		return;
	}
	ui_set_cursor(u, best);
	long ph = ui_phase_at(u, best);
	if (ph >= 0)
		ui_status(u, "phase %ld: %s", ph + 1, phase_kind_name(u->phases[ph].kind));
}

/* Moves the cursor to t_ns (clamped to the recording) and pauses. */
static void ui_set_cursor(ui *u, int64_t t_ns)
{
	int64_t first, last;
	if (series_span(u->ser, &first, &last) < 0)
		return;
	if (t_ns < first)
		t_ns = first;
	if (t_ns > last)
		t_ns = last;
	u->cursor_ns = t_ns;
	u->follow = false;
	u->panes[u->pane].scroll = 0;
}

/* One dot column of the current window, in ns. */
static int64_t ui_col_ns(ui *u)
{
	int64_t t0, t1;
	ui_window(u, &t0, &t1);
	size_t n = chart_slices(u->w, u->utf8);
	int64_t c = n ? (t1 - t0) / (int64_t)n : NS_PER_S;
	return c > 0 ? c : 1;
}

/* Jumps to the next (dir 1) or previous (dir -1) marker from the cursor. */
static void ui_jump_marker(ui *u, int dir)
{
	markers_item list[UI_MAX_MARKERS];
	size_t n = markers_copy(u->marks, list, UI_MAX_MARKERS);
	int64_t from = u->follow ? ui_last_ns(u) + (dir > 0 ? 0 : 1) : u->cursor_ns;
	int64_t best = -1;
	const char *label = NULL;
	for (size_t i = 0; i < n; i++) {
		int64_t t = list[i].t_ns;
		if ((dir > 0 && t > from && (best < 0 || t < best)) || (dir < 0 && t < from && (best < 0 || t > best))) {
			best = t;
			label = list[i].label;
		}
	}
	if (best >= 0) {
		ui_set_cursor(u, best);
		ui_status(u, "marker %s", label);
	} else {
		ui_status(u, n ? "no %s marker" : "no markers yet (m drops one)", dir > 0 ? "later" : "earlier");
	}
	markers_release(list, n);
}

/* Finds the next (dir 1) or previous (dir -1) line of the pane matching the
 * search and moves the cursor to its time. */
static void ui_search_step(ui *u, int dir)
{
	ui_pane *p = &u->panes[u->pane];
	logbook_entry e;
	if (p->ix.n == p->ix.start)
		return;
	long pos = u->search_pos;
	if (pos < (long)p->ix.start || pos >= (long)p->ix.n)
		pos = dir > 0 ? (long)p->ix.start - 1 : (long)p->ix.n;
	for (;;) {
		pos += dir;
		if (pos < (long)p->ix.start || pos >= (long)p->ix.n)
			break;
		if (logbook_get(u->lb, p->ix.items[pos].seq, &e) == 0 && logtext_find(e.text, e.len, u->search) >= 0) {
			u->search_pos = pos;
			p->scroll = 0;
			int64_t wall0 = ui_wall_at_zero(u);
			if (wall0) {
				ui_set_cursor(u, e.wall_ns - wall0);
				p->scroll = 0;
			}
			return;
		}
	}
	ui_status(u, "no %s match for \"%.40s\"", dir > 0 ? "later" : "earlier", u->search);
}

/* Enter on a log line: the cursor goes to the time the line was written. */
static void ui_goto_selected(ui *u)
{
	ui_pane *p = &u->panes[u->pane];
	bool highlight;
	long pos = ui_selected(u, p, &highlight);
	logbook_entry e;
	int64_t wall0 = ui_wall_at_zero(u);
	if (pos < 0 || !wall0 || logbook_get(u->lb, p->ix.items[pos].seq, &e) < 0)
		return;
	u->search_active = false;
	ui_set_cursor(u, e.wall_ns - wall0);
	/* The cursor now sits at this line: the pane is anchored on it again. */
	p->scroll = ui_pos_at(u, p, e.wall_ns) - pos;
	if (p->scroll < 0)
		p->scroll = 0;
}

/* Where a marker made in replay goes: the cursor, or the end when following. */
static int64_t ui_mark_time(ui *u)
{
	return u->follow ? ui_last_ns(u) : u->cursor_ns;
}

/* Appends a typed character (UTF-8) to the prompt's input. */
static void ui_input_add(ui *u, wint_t ch)
{
	char mb[8];
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t n = wcrtomb(mb, (wchar_t)ch, &st);
	if (n == (size_t)-1 || u->input_len + n > UI_INPUT_MAX)
		return;
	memcpy(u->input + u->input_len, mb, n);
	u->input_len += n;
	u->input[u->input_len] = '\0';
}

/* Removes the last character of the prompt's input. */
static void ui_input_back(ui *u)
{
	while (u->input_len > 0) {
		unsigned char c = (unsigned char)u->input[--u->input_len];
		if ((c & 0xc0) != 0x80)
			break;
	}
	u->input[u->input_len] = '\0';
}

/* A key while a prompt is open. */
static enum ui_action ui_prompt_key(ui *u, int kind, wint_t ch)
{
	bool is_key = kind == KEY_CODE_YES;
	if (u->prompt == PROMPT_QUIT) {
		if (!is_key && (ch == 'k' || ch == 'K')) {
			u->prompt = PROMPT_NONE;
			return UI_QUIT_KILL;
		}
		if (!is_key && (ch == 'd' || ch == 'D')) {
			u->prompt = PROMPT_NONE;
			return UI_DETACH;
		}
		if (!is_key && (ch == 27 || ch == 'c' || ch == 'C' || ch == 'q')) {
			u->prompt = PROMPT_NONE;
		}
		return UI_NONE;
	}
	if (!is_key && ch == 27) {
		u->prompt = PROMPT_NONE;
		return UI_NONE;
	}
	if ((!is_key && (ch == '\r' || ch == '\n')) || (is_key && ch == KEY_ENTER)) {
		if (u->prompt == PROMPT_LABEL) {
			/* An empty label still marks: it gets a number like m does. */
			char label[UI_INPUT_MAX + 16];
			if (u->input_len)
				snprintf(label, sizeof label, "%s", u->input);
			else
				snprintf(label, sizeof label, "M%d", ++u->ui_marks);
			u->hooks.mark(u->hooks.ctx, label, u->info.replay ? ui_mark_time(u) : -1);
			ui_status(u, "marker \"%.60s\" recorded", label);
		} else if (u->input_len) {
			snprintf(u->search, sizeof u->search, "%s", u->input);
			u->search_active = true;
			u->search_pos = -1;
			ui_search_step(u, 1);
		}
		u->prompt = PROMPT_NONE;
		return UI_NONE;
	}
	if ((is_key && ch == KEY_BACKSPACE) || (!is_key && (ch == 127 || ch == 8))) {
		ui_input_back(u);
		return UI_NONE;
	}
	if (!is_key && ch >= 0x20 && ch != 0x7f && !(ch >= 0x80 && ch < 0xa0))
		ui_input_add(u, ch);
	return UI_NONE;
}

/* One key in the normal view. */
static enum ui_action ui_key(ui *u, int kind, wint_t ch)
{
	ui_pane *p = &u->panes[u->pane];
	int page = u->h / 3 > 1 ? u->h / 3 : 1;
	if (u->help) {
		u->help = false;
		return UI_NONE;
	}
	if (kind == KEY_CODE_YES) {
		switch (ch) {
		case KEY_LEFT:
			ui_set_cursor(u, (u->follow ? ui_last_ns(u) : u->cursor_ns) - ui_col_ns(u));
			break;
		case KEY_RIGHT:
			if (!u->follow)
				ui_set_cursor(u, u->cursor_ns + ui_col_ns(u));
			break;
		case KEY_HOME:
			ui_set_cursor(u, 0);
			break;
		case KEY_END:
			u->follow = true;
			u->cursor_ns = -1;
			p->scroll = 0;
			break;
		case KEY_UP: p->scroll++; break;
		case KEY_DOWN: if (p->scroll > 0) p->scroll--; break;
		case KEY_PPAGE: p->scroll += page; break;
		case KEY_NPAGE: p->scroll = p->scroll > page ? p->scroll - page : 0; break;
		case KEY_ENTER:
			ui_goto_selected(u);
			break;
		case KEY_RESIZE:
			/* curses has the new size already (resizeterm queued this key). */
			getmaxyx(stdscr, u->h, u->w);
			canvas_resize(u->cv, u->w, u->h);
			u->full_redraw = true;
			break;
		default: break;
		}
		return UI_NONE;
	}
	switch (ch) {
	case 'q':
	case 'Q':
		if (u->hooks.child_running && u->hooks.child_running(u->hooks.ctx)) {
			u->prompt = PROMPT_QUIT;
			return UI_NONE;
		}
		return UI_QUIT;
	case 'm': {
		char label[32];
		snprintf(label, sizeof label, "M%d", ++u->ui_marks);
		u->hooks.mark(u->hooks.ctx, label, u->info.replay ? ui_mark_time(u) : -1);
		ui_status(u, "marker %s recorded", label);
		break;
	}
	case 'a':
		u->prompt = PROMPT_LABEL;
		u->input_len = 0;
		u->input[0] = '\0';
		break;
	case '/':
		u->prompt = PROMPT_SEARCH;
		u->input_len = 0;
		u->input[0] = '\0';
		break;
	case 27:
		u->search_active = false;
		break;
	case ' ':
		if (u->follow)
			ui_set_cursor(u, ui_last_ns(u));
		else {
			u->follow = true;
			u->cursor_ns = -1;
			p->scroll = 0;
		}
		break;
	case '+':
	case '=':
		if (u->span_idx == UI_NSPANS - 1) {
			/* From the whole run to the largest level that is smaller. */
			int64_t t0, t1;
			ui_window(u, &t0, &t1);
			while (u->span_idx > 0 && (ui_spans_s[u->span_idx] == 0 || ui_spans_s[u->span_idx] * NS_PER_S >= t1 - t0))
				u->span_idx--;
		} else if (u->span_idx > 0) {
			u->span_idx--;
		}
		break;
	case '-':
	case '_':
		if (u->span_idx < UI_NSPANS - 1)
			u->span_idx++;
		break;
	case 'n':
		if (u->search_active)
			ui_search_step(u, 1);
		else
			ui_jump_marker(u, 1);
		break;
	case 'N':
		if (u->search_active)
			ui_search_step(u, -1);
		else
			ui_jump_marker(u, -1);
		break;
	case 'p':
		ui_jump_phase(u, 1);
		break;
	case 'P':
		ui_jump_phase(u, -1);
		break;
	case 's':
		u->col_chosen = true;
		for (size_t k = 1; k <= UI_NCYCLE; k++) {
			size_t at = 0;
			for (size_t i = 0; i < UI_NCYCLE; i++)
				if (ui_cycle_cols[i] == u->col)
					at = i;
			int next = ui_cycle_cols[(at + 1) % UI_NCYCLE];
			u->col = next;
			if (ui_col_measured(u, next))
				break;
		}
		ui_status(u, "showing %s", sample_col_names[u->col]);
		break;
	case 'o':
		u->overlay = !u->overlay;
		break;
	case 't':
		u->wall_clock = !u->wall_clock;
		break;
	case '\t':
		u->pane = (u->pane + 1) % (u->npanes ? u->npanes : 1);
		break;
	case '?':
	case 'h':
		u->help = true;
		break;
	case '\r':
	case '\n':
		ui_goto_selected(u);
		break;
	case 12: /* Ctrl-L */
		u->full_redraw = true;
		break;
	default:
		break;
	}
	return UI_NONE;
}

enum ui_action ui_input(ui *u)
{
	enum ui_action act = UI_NONE;
	wint_t ch;
	int kind;
	while ((kind = get_wch(&ch)) != ERR) {
		enum ui_action a = u->prompt != PROMPT_NONE ? ui_prompt_key(u, kind, ch) : ui_key(u, kind, ch);
		u->dirty = true;
		if (a != UI_NONE) {
			act = a;
			break;
		}
	}
	/* A key gets an answer on screen at once, not at the next frame. */
	if (u->dirty) {
		ui_render(u);
		ui_blit(u);
		u->last_frame_ns = ui_now();
		u->dirty = false;
	}
	return act;
}

void ui_close(ui *u, bool terminal_gone)
{
	if (!u)
		return;
	/* With the terminal gone the writes of endwin fail harmlessly (EIO);
	 * curses still has to be told, to free what it holds. */
	(void)terminal_gone;
	endwin();
	delscreen(u->screen);
	for (int i = 0; i < u->npanes; i++)
		logindex_free(&u->panes[i].ix);
	canvas_free(u->cv);
	canvas_free(u->shown);
	free(u->min);
	free(u->max);
	free(u->min2);
	free(u->max2);
	free(u->target);
	free(u->csv_path);
	free(u->name1);
	free(u->name2);
	free(u);
}
