/*
 * view.c: the view's state, the plan of each frame (the window of time, the
 * series shown, what the readout needs), catching up with a new frame (log
 * panes and their indexes), and what each key does. view_draw.c draws the
 * frame; nothing here touches a terminal or a lock: tty.c copies the canvas
 * to the terminal, ui.c wires the two.
 *
 * The time window follows the recording in steps rather than sliding every
 * sample: the whole run grows into nice-sized windows, a zoomed window moves
 * on by half its width, so between steps only the newest column changes.
 */
#include "view/view.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mtime.h"
#include "base/utf8.h"
#include "view/chart.h"
#include "view/logindex.h"
#include "view/logtext.h"
#include "view/view_state.h"

/* Zoom levels (span of the window); 0 is "the whole recording". */
static const int64_t view_spans_s[] = { 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 43200, 86400, 0 };
#define VIEW_NSPANS (sizeof view_spans_s / sizeof view_spans_s[0])

/* Series that `s` cycles through, when measured. */
static const int view_cycle_cols[] = { SAMPLE_MEM, SAMPLE_RSS, SAMPLE_ANON, SAMPLE_PSS, SAMPLE_SWAP, SAMPLE_CGROUP, SAMPLE_SYS_USED };
#define VIEW_NCYCLE (sizeof view_cycle_cols / sizeof view_cycle_cols[0])

view *view_new(const view_info *info, int w, int h, bool utf8)
{
	view *v = calloc(1, sizeof *v);
	if (!v)
		return NULL;
	v->info = *info;
	v->target = strdup(info->target ? info->target : "");
	v->csv_path = strdup(info->csv_path ? info->csv_path : "");
	v->name1 = strdup(info->name1 ? info->name1 : "");
	v->name2 = strdup(info->name2 ? info->name2 : "");
	if (!v->target || !v->csv_path || !v->name1 || !v->name2) {
		view_free(v);
		return NULL;
	}
	if (info->log_note)
		snprintf(v->log_note, sizeof v->log_note, "%s", info->log_note);
	v->utf8 = utf8;
	v->w = w;
	v->h = h;
	v->follow = !info->replay || info->following;
	v->span_idx = VIEW_NSPANS - 1;
	v->cursor_ns = -1;
	v->col = SAMPLE_RSS;
	return v;
}

void view_free(view *v)
{
	if (!v)
		return;
	for (int i = 0; i < v->npanes; i++)
		logindex_free(&v->panes[i].ix);
	free(v->target);
	free(v->csv_path);
	free(v->name1);
	free(v->name2);
	free(v);
}

void view_resize(view *v, int w, int h)
{
	v->w = w;
	v->h = h;
}

void view_status(view *v, int64_t now_ns, const char *text)
{
	snprintf(v->status, sizeof v->status, "%s", text);
	v->status_until_ns = now_ns + VIEW_STATUS_NS;
}

int64_t view_status_until(const view *v)
{
	return v->status[0] ? v->status_until_ns : 0;
}

void view_ended(view *v, const char *why)
{
	snprintf(v->ended, sizeof v->ended, "%s", why);
}

void view_mark(const view *v, const char **label, int64_t *at_ns)
{
	*label = v->mark_label;
	*at_ns = v->mark_at_ns;
}

/* A message for the footer, for a few seconds from the frame's time. */
__attribute__((format(printf, 3, 4)))
static void view_say(view *v, const frame *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->status, sizeof v->status, fmt, ap);
	va_end(ap);
	v->status_until_ns = f->now_ns + VIEW_STATUS_NS;
}

/* Whether the footer's message is still to be shown. */
bool view_status_shown(const view *v, const frame *f)
{
	return v->status[0] && f->now_ns < v->status_until_ns;
}

/* ---- the window of time ---- */

/* The newest elapsed time of a head (0 when empty). */
static int64_t view_last_ns(const series_head *h)
{
	return h && h->count ? h->last_ns : 0;
}

/* The smallest "nice" extent that holds last_ns: the whole-run window grows
 * in these steps, so most frames only add to the right of the curve. */
static int64_t view_nice_extent(int64_t last_ns)
{
	static const int64_t steps_s[] = { 10, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200,
	                                   10800, 21600, 43200, 86400 };
	for (size_t i = 0; i < sizeof steps_s / sizeof steps_s[0]; i++)
		if (last_ns < steps_s[i] * NS_PER_S)
			return steps_s[i] * NS_PER_S;
	int64_t day = 86400 * NS_PER_S;
	return (last_ns / day + 1) * day;
}

/* The time window to draw, for the state and the heads. */
static void view_window(const view *v, const series_head *main, const series_head *other,
                        int64_t *t0, int64_t *t1)
{
	int64_t last = view_last_ns(main);
	int64_t span = view_spans_s[v->span_idx] * NS_PER_S;
	if (span == 0) {
		*t0 = 0;
		/* A finished recording fits the screen exactly; a growing one grows
		 * into nice steps so most frames only add to the right. */
		*t1 = v->info.replay && !v->info.following ? last + last / 50 + 1 : view_nice_extent(last);
		if (other && other->count) {
			int64_t l2 = other->last_ns;
			if (l2 + l2 / 50 + 1 > *t1)
				*t1 = l2 + l2 / 50 + 1;
		}
		return;
	}
	if (v->follow) {
		/* Move on by half a window when the newest sample reaches the edge. */
		int64_t half = span / 2;
		int64_t k = last / half;
		*t0 = k >= 1 ? (k - 1) * half : 0;
		*t1 = *t0 + span;
		return;
	}
	*t0 = v->cursor_ns - span / 2;
	if (*t0 < 0)
		*t0 = 0;
	*t1 = *t0 + span;
}

/* The frame's other head, or NULL. */
static const series_head *view_other(const frame *f)
{
	return f->has_other ? &f->other : NULL;
}

/* One dot column of the current window, in ns. */
static int64_t view_col_ns(const view *v, const frame *f)
{
	int64_t t0, t1;
	view_window(v, &f->main, view_other(f), &t0, &t1);
	size_t n = chart_slices(v->w, v->utf8);
	int64_t c = n ? (t1 - t0) / (int64_t)n : NS_PER_S;
	return c > 0 ? c : 1;
}

/* Whether the phase strip is drawn under the chart (looking back). */
bool view_strip(const view *v)
{
	return !v->follow || v->info.replay;
}

void view_plan(void *ctx, const series_head *main, const series_head *other, frame_plan *p)
{
	view *v = ctx;
	if (!v->col_chosen && main->count > 0) {
		/* Start on the series memlog shows first (the machine's, for
		 * watch --system); RSS when none of those was measured. */
		bool measured[SAMPLE_NCOLS];
		for (int c = 0; c < SAMPLE_NCOLS; c++)
			measured[c] = main->peak[c] != SAMPLE_NONE;
		int col = sample_default_col(measured);
		v->col = col >= 0 ? col : SAMPLE_RSS;
		v->col_chosen = true;
	}
	if (!v->follow && !v->cursor_placed) {
		/* A finished recording opens with the cursor at its start. */
		v->cursor_ns = main->count ? main->first_ns : 0;
		v->cursor_placed = true;
	}
	view_window(v, main, other, &p->t0_ns, &p->t1_ns);
	p->col = v->col;
	p->nslices = v->w >= VIEW_MIN_W && v->h >= VIEW_MIN_H ? chart_slices(v->w, v->utf8) : 0;
	p->other = other != NULL;
	p->col2 = !other && v->overlay && v->col != SAMPLE_SYS_USED ? SAMPLE_SYS_USED : -1;
	p->phases = view_strip(v) || v->want_phases || v->who;
	p->procs = v->who;
	p->proc_id = v->who ? v->who_id : 0;
	if (!v->follow && p->nslices) {
		/* The cursor covers one dot column: the readout shows the largest
		 * value in it, or the newest sample within one interval. */
		int64_t col_ns = (p->t1_ns - p->t0_ns) / (int64_t)p->nslices;
		if (col_ns < 1)
			col_ns = 1;
		p->at_ns = v->cursor_ns;
		p->reach_ns = col_ns > v->info.interval_ns ? col_ns : v->info.interval_ns;
	}
}

/* ---- log panes ---- */

/* Adds a pane showing the given sources, unless there is no room. */
static void view_add_pane(view *v, const char *title, const int *sources, int n)
{
	if (v->npanes >= VIEW_MAX_PANES)
		return;
	view_pane *p = &v->panes[v->npanes++];
	memset(p, 0, sizeof *p);
	snprintf(p->title, sizeof p->title, "%s", title);
	for (int i = 0; i < n && i < VIEW_PANE_SOURCES; i++)
		p->sources[p->nsources++] = sources[i];
}

/* Builds the panes from the logbook's sources: the command's output first,
 * then one per tailed file. Called again when new sources appear. */
static void view_sync_panes(view *v, logbook *lb)
{
	int n = logbook_nsources(lb);
	if (n == v->nsources_seen && v->npanes > 0)
		return;
	for (int s = v->nsources_seen; s < n; s++) {
		const char *name = logbook_source_name(lb, s);
		if (strcmp(name, "out") == 0 || strcmp(name, "err") == 0) {
			view_pane *out = NULL;
			for (int i = 0; i < v->npanes; i++)
				if (strcmp(v->panes[i].title, "output") == 0)
					out = &v->panes[i];
			if (out && out->nsources < VIEW_PANE_SOURCES)
				out->sources[out->nsources++] = s;
			else if (!out)
				view_add_pane(v, "output", &s, 1);
		} else if (logbook_file_of(name)) {
			view_add_pane(v, logbook_file_of(name), &s, 1);
		}
	}
	if (v->npanes == 0) {
		int none = -1;
		view_add_pane(v, "events", &none, 0);
	}
	v->nsources_seen = n;
	/* The panes changed: index every line again. */
	for (int i = 0; i < v->npanes; i++)
		logindex_clear(&v->panes[i].ix);
	v->indexed_end = 0;
}

/* Whether a line of source src belongs in pane p. */
static bool view_pane_shows(const view_pane *p, int src)
{
	if (src == 0)
		return true;
	for (int i = 0; i < p->nsources; i++)
		if (p->sources[i] == src)
			return true;
	return false;
}

/* Adds the lines that arrived since the last call to the panes' indexes,
 * and forgets those the logbook dropped. */
static void view_index_sync(view *v, logbook *lb)
{
	uint64_t first, end;
	logbook_entry e;
	logbook_range(lb, &first, &end);
	if (v->indexed_end < first)
		v->indexed_end = first;
	for (uint64_t seq = v->indexed_end; seq < end; seq++) {
		if (logbook_get(lb, seq, &e) < 0)
			continue;
		for (int i = 0; i < v->npanes; i++)
			if (view_pane_shows(&v->panes[i], e.source))
				logindex_add(&v->panes[i].ix, seq, e.wall_ns);
	}
	v->indexed_end = end;
	for (int i = 0; i < v->npanes; i++)
		logindex_trim(&v->panes[i].ix, first);
}

static void view_who_select(view *v, const frame *f, long row);

void view_sync(view *v, const frame *f)
{
	if (f->lb) {
		view_sync_panes(v, f->lb);
		view_index_sync(v, f->lb);
	}
	/* Taken once: recomputed from each new sample it would jitter by the
	 * time between two clock reads, and old stamps would flicker. */
	if (!v->wall0_ns && f->main.count && f->main.last.wall_ns)
		v->wall0_ns = f->main.last.wall_ns - f->main.last.elapsed_ns;
	/* The selected process keeps its place as the order changes; when it
	 * is gone, the one now in its row. */
	if (v->who && f->plan.procs) {
		long row = -1;
		for (size_t i = 0; i < f->nprocs && row < 0; i++)
			if (f->procs[i].id == v->who_id)
				row = (long)i;
		view_who_select(v, f, row >= 0 ? row : v->who_row);
	}
}

/* The pane's selected line: the one the pane is anchored at after
 * scrolling, and whether the person is looking at it (highlighted). */
long view_selected(const view *v, const view_pane *p, bool *highlight)
{
	long anchor;
	*highlight = true;
	if (p->ix.n == p->ix.start)
		return -1;
	if (v->search_active && v->search_pos >= (long)p->ix.start && v->search_pos < (long)p->ix.n) {
		anchor = v->search_pos;
	} else if (!v->follow) {
		anchor = logindex_at(&p->ix, v->wall0_ns + v->cursor_ns);
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

/* The number (from 0) of the frame's phase at t_ns, or -1. */
long view_phase_at(const frame *f, int64_t t_ns)
{
	for (long i = 0; i < f->nphases; i++)
		if (t_ns >= f->phases[i].t0_ns && (t_ns < f->phases[i].t1_ns || i == f->nphases - 1))
			return t_ns <= f->phases[i].t1_ns || i < f->nphases - 1 ? i : -1;
	return -1;
}

/* ---- keys ---- */

/* Moves the cursor to t_ns (clamped to the recording) and pauses. */
static void view_set_cursor(view *v, const frame *f, int64_t t_ns)
{
	if (!f->main.count)
		return;
	if (t_ns < f->main.first_ns)
		t_ns = f->main.first_ns;
	if (t_ns > f->main.last_ns)
		t_ns = f->main.last_ns;
	v->cursor_ns = t_ns;
	v->cursor_placed = true;
	v->follow = false;
	v->panes[v->pane].scroll = 0;
}

/* Back to the live edge. */
static void view_follow(view *v)
{
	v->follow = true;
	v->cursor_ns = -1;
	v->panes[v->pane].scroll = 0;
}

/* Where a marker made in replay goes: the cursor, or the end when following. */
static int64_t view_mark_time(const view *v, const frame *f)
{
	return v->follow ? view_last_ns(&f->main) : v->cursor_ns;
}

/* Asks for a marker: its label and, in replay, its time. */
static enum view_action view_take_mark(view *v, const frame *f, const char *label)
{
	snprintf(v->mark_label, sizeof v->mark_label, "%s", label);
	v->mark_at_ns = v->info.replay ? view_mark_time(v, f) : -1;
	return VIEW_MARK;
}

/* p / P: the cursor to the next or previous phase boundary. */
static enum view_action view_jump_phase(view *v, const frame *f, int dir)
{
	if (!f->plan.phases) {
		v->want_phases = true;
		return VIEW_AGAIN;
	}
	v->want_phases = false;
	if (f->nphases == 0) {
		view_say(v, f, "no phases: the recording is too short to segment");
		return VIEW_NONE;
	}
	int64_t from = v->follow ? view_last_ns(&f->main) : v->cursor_ns;
	int64_t best = -1;
	for (long i = 0; i < f->nphases; i++) {
		int64_t b = f->phases[i].t0_ns;
		if ((dir > 0 && b > from && (best < 0 || b < best)) || (dir < 0 && b < from && (best < 0 || b > best)))
			best = b;
	}
	if (best < 0) {
		view_say(v, f, "no %s phase", dir > 0 ? "later" : "earlier");
		return VIEW_NONE;
	}
	view_set_cursor(v, f, best);
	long ph = view_phase_at(f, best);
	if (ph >= 0)
		view_say(v, f, "phase %ld: %s", ph + 1, phase_kind_name(f->phases[ph].kind));
	return VIEW_NONE;
}

/* Jumps to the next (dir 1) or previous (dir -1) marker from the cursor. */
static void view_jump_marker(view *v, const frame *f, int dir)
{
	int64_t from = v->follow ? view_last_ns(&f->main) + (dir > 0 ? 0 : 1) : v->cursor_ns;
	int64_t best = -1;
	const char *label = NULL;
	for (size_t i = 0; i < f->nmarks; i++) {
		int64_t t = f->marks[i].t_ns;
		if ((dir > 0 && t > from && (best < 0 || t < best)) || (dir < 0 && t < from && (best < 0 || t > best))) {
			best = t;
			label = f->marks[i].label;
		}
	}
	if (best >= 0) {
		view_set_cursor(v, f, best);
		view_say(v, f, "marker %s", label);
	} else {
		view_say(v, f, f->nmarks ? "no %s marker" : "no markers yet (m drops one)", dir > 0 ? "later" : "earlier");
	}
}

/* Finds the next (dir 1) or previous (dir -1) line of the pane matching the
 * search and moves the cursor to its time. */
static void view_search_step(view *v, const frame *f, int dir)
{
	view_pane *p = &v->panes[v->pane];
	logbook_entry e;
	if (!f->lb || p->ix.n == p->ix.start)
		return;
	long pos = v->search_pos;
	if (pos < (long)p->ix.start || pos >= (long)p->ix.n)
		pos = dir > 0 ? (long)p->ix.start - 1 : (long)p->ix.n;
	for (;;) {
		pos += dir;
		if (pos < (long)p->ix.start || pos >= (long)p->ix.n)
			break;
		if (logbook_get(f->lb, p->ix.items[pos].seq, &e) == 0 && logtext_find(e.text, e.len, v->search) >= 0) {
			v->search_pos = pos;
			p->scroll = 0;
			if (v->wall0_ns)
				view_set_cursor(v, f, e.wall_ns - v->wall0_ns);
			return;
		}
	}
	view_say(v, f, "no %s match for \"%.40s\"", dir > 0 ? "later" : "earlier", v->search);
}

/* Enter on a log line: the cursor goes to the time the line was written. */
static void view_goto_selected(view *v, const frame *f)
{
	view_pane *p = &v->panes[v->pane];
	bool highlight;
	long pos = view_selected(v, p, &highlight);
	logbook_entry e;
	if (pos < 0 || !v->wall0_ns || !f->lb || logbook_get(f->lb, p->ix.items[pos].seq, &e) < 0)
		return;
	v->search_active = false;
	view_set_cursor(v, f, e.wall_ns - v->wall0_ns);
	/* The cursor now sits at this line: the pane is anchored on it again. */
	p->scroll = logindex_at(&p->ix, e.wall_ns) - pos;
	if (p->scroll < 0)
		p->scroll = 0;
}

/* Appends a typed character (as UTF-8) to the prompt's input. */
static void view_input_add(view *v, uint32_t ch)
{
	char mb[4];
	size_t n = utf8_encode(ch, mb);
	if (n == 0 || v->input_len + n > VIEW_INPUT_MAX)
		return;
	memcpy(v->input + v->input_len, mb, n);
	v->input_len += n;
	v->input[v->input_len] = '\0';
}

/* Removes the last character of the prompt's input. */
static void view_input_back(view *v)
{
	while (v->input_len > 0) {
		unsigned char c = (unsigned char)v->input[--v->input_len];
		if ((c & 0xc0) != 0x80)
			break;
	}
	v->input[v->input_len] = '\0';
}

/* The next numbered marker's label, "M<k>": one past the highest number of
 * any "M<k>" in the recording, so that markers taken elsewhere (another
 * attached view, a replay before) are not numbered twice. */
static void view_next_number(view *v, const frame *f, char *label, size_t n)
{
	int k = markers_next_number(f->marks, f->nmarks);
	v->marks_made = k > v->marks_made + 1 ? k : v->marks_made + 1;
	snprintf(label, n, "M%d", v->marks_made);
}

/* Enter in a prompt: the labelled marker, or the search. */
static enum view_action view_prompt_enter(view *v, const frame *f)
{
	enum view_action act = VIEW_NONE;
	if (v->prompt == PROMPT_LABEL) {
		/* An empty label still marks: it gets a number like m does. */
		char label[VIEW_INPUT_MAX + 16];
		if (v->input_len)
			snprintf(label, sizeof label, "%s", v->input);
		else
			view_next_number(v, f, label, sizeof label);
		act = view_take_mark(v, f, label);
		view_say(v, f, "marker \"%.60s\" recorded", label);
	} else if (v->input_len) {
		snprintf(v->search, sizeof v->search, "%s", v->input);
		v->search_active = true;
		v->search_pos = -1;
		view_search_step(v, f, 1);
	}
	v->prompt = PROMPT_NONE;
	return act;
}

/* A key while a prompt is open. */
static enum view_action view_prompt_key(view *v, const frame *f, view_keypress k)
{
	bool ch = k.code == VIEW_KEY_CHAR;
	if (v->prompt == PROMPT_QUIT) {
		if (ch && (k.ch == 'k' || k.ch == 'K')) {
			v->prompt = PROMPT_NONE;
			return VIEW_QUIT_KILL;
		}
		if (ch && (k.ch == 'd' || k.ch == 'D')) {
			v->prompt = PROMPT_NONE;
			return VIEW_DETACH;
		}
		if (ch && (k.ch == 27 || k.ch == 'c' || k.ch == 'C' || k.ch == 'q'))
			v->prompt = PROMPT_NONE;
		return VIEW_NONE;
	}
	if (ch && k.ch == 27) {
		v->prompt = PROMPT_NONE;
		return VIEW_NONE;
	}
	if ((ch && (k.ch == '\r' || k.ch == '\n')) || k.code == VIEW_KEY_ENTER)
		return view_prompt_enter(v, f);
	if (k.code == VIEW_KEY_BACKSPACE || (ch && (k.ch == 127 || k.ch == 8))) {
		view_input_back(v);
		return VIEW_NONE;
	}
	if (ch && k.ch >= 0x20 && k.ch != 0x7f && !(k.ch >= 0x80 && k.ch < 0xa0))
		view_input_add(v, k.ch);
	return VIEW_NONE;
}

/* Selects row row (clamped) of the frame's processes. */
static void view_who_select(view *v, const frame *f, long row)
{
	if (f->nprocs == 0) {
		v->who_row = 0;
		return;
	}
	if (row >= (long)f->nprocs)
		row = (long)f->nprocs - 1;
	if (row < 0)
		row = 0;
	v->who_row = row;
	v->who_id = f->procs[row].id;
}

/* w: the process pane, or back to the log. */
static void view_who_toggle(view *v, const frame *f)
{
	if (!v->who && !f->has_procs) {
		view_say(v, f, "no processes recorded one by one here (watch --system, or an older recording)");
		return;
	}
	v->who = !v->who;
}

/* A key that is no character: arrows, paging, Home, End, Enter. */
static enum view_action view_move_key(view *v, const frame *f, view_keypress k)
{
	view_pane *p = &v->panes[v->pane];
	int page = v->h / 3 > 1 ? v->h / 3 : 1;
	if (v->who) {
		/* The arrows up and down pick a process; the rest is as ever. */
		switch (k.code) {
		case VIEW_KEY_UP: view_who_select(v, f, v->who_row - 1); return VIEW_NONE;
		case VIEW_KEY_DOWN: view_who_select(v, f, v->who_row + 1); return VIEW_NONE;
		case VIEW_KEY_PGUP: view_who_select(v, f, v->who_row - page); return VIEW_NONE;
		case VIEW_KEY_PGDN: view_who_select(v, f, v->who_row + page); return VIEW_NONE;
		default: break;
		}
	}
	switch (k.code) {
	case VIEW_KEY_LEFT:
		view_set_cursor(v, f, (v->follow ? view_last_ns(&f->main) : v->cursor_ns) - view_col_ns(v, f));
		break;
	case VIEW_KEY_RIGHT:
		if (!v->follow)
			view_set_cursor(v, f, v->cursor_ns + view_col_ns(v, f));
		break;
	case VIEW_KEY_HOME: view_set_cursor(v, f, 0); break;
	case VIEW_KEY_END: view_follow(v); break;
	case VIEW_KEY_UP: p->scroll++; break;
	case VIEW_KEY_DOWN: if (p->scroll > 0) p->scroll--; break;
	case VIEW_KEY_PGUP: p->scroll += page; break;
	case VIEW_KEY_PGDN: p->scroll = p->scroll > page ? p->scroll - page : 0; break;
	case VIEW_KEY_ENTER: view_goto_selected(v, f); break;
	default: break;
	}
	return VIEW_NONE;
}

/* + and -: zoom in and out. */
static void view_zoom(view *v, const frame *f, int dir)
{
	if (dir > 0 && v->span_idx == VIEW_NSPANS - 1) {
		/* From the whole run to the largest level that is smaller. */
		int64_t t0, t1;
		view_window(v, &f->main, view_other(f), &t0, &t1);
		while (v->span_idx > 0 && (view_spans_s[v->span_idx] == 0 || view_spans_s[v->span_idx] * NS_PER_S >= t1 - t0))
			v->span_idx--;
	} else if (dir > 0 && v->span_idx > 0) {
		v->span_idx--;
	} else if (dir < 0 && v->span_idx < VIEW_NSPANS - 1) {
		v->span_idx++;
	}
}

/* s: the next series this recording measured. */
static void view_next_series(view *v, const frame *f)
{
	v->col_chosen = true;
	for (size_t k = 1; k <= VIEW_NCYCLE; k++) {
		size_t at = 0;
		for (size_t i = 0; i < VIEW_NCYCLE; i++)
			if (view_cycle_cols[i] == v->col)
				at = i;
		v->col = view_cycle_cols[(at + 1) % VIEW_NCYCLE];
		if (f->main.peak[v->col] != SAMPLE_NONE)
			break;
	}
	view_say(v, f, "showing %s", sample_col_names[v->col]);
}

/* A character key in the normal view. */
static enum view_action view_char_key(view *v, const frame *f, uint32_t ch)
{
	switch (ch) {
	case 'd':
		if (!v->info.attached)
			break;
		return VIEW_QUIT;
	case 'q':
	case 'Q':
		if (f->child_running) {
			v->prompt = PROMPT_QUIT;
			return VIEW_NONE;
		}
		return VIEW_QUIT;
	case 'm': {
		char label[32];
		view_next_number(v, f, label, sizeof label);
		view_say(v, f, "marker %s recorded", label);
		return view_take_mark(v, f, label);
	}
	case 'a':
	case '/':
		v->prompt = ch == 'a' ? PROMPT_LABEL : PROMPT_SEARCH;
		v->input_len = 0;
		v->input[0] = '\0';
		break;
	case 27: v->search_active = false; break;
	case ' ':
		if (v->follow)
			view_set_cursor(v, f, view_last_ns(&f->main));
		else
			view_follow(v);
		break;
	case '+': case '=': view_zoom(v, f, 1); break;
	case '-': case '_': view_zoom(v, f, -1); break;
	case 'n':
	case 'N':
		if (v->search_active)
			view_search_step(v, f, ch == 'n' ? 1 : -1);
		else
			view_jump_marker(v, f, ch == 'n' ? 1 : -1);
		break;
	case 'p': return view_jump_phase(v, f, 1);
	case 'P': return view_jump_phase(v, f, -1);
	case 's': view_next_series(v, f); break;
	case 'o': v->overlay = !v->overlay; break;
	case 't': v->wall_clock = !v->wall_clock; break;
	case '\t':
		if (v->who)
			v->who = false;
		else
			v->pane = (v->pane + 1) % (v->npanes ? v->npanes : 1);
		break;
	case 'w': view_who_toggle(v, f); break;
	case '?': case 'h': v->help = true; break;
	case '\r': case '\n': view_goto_selected(v, f); break;
	case 12: return VIEW_REDRAW; /* Ctrl-L */
	default: break;
	}
	return VIEW_NONE;
}

enum view_action view_key(view *v, const frame *f, view_keypress k)
{
	if (v->prompt != PROMPT_NONE)
		return view_prompt_key(v, f, k);
	if (v->help) {
		v->help = false;
		return VIEW_NONE;
	}
	if (k.code != VIEW_KEY_CHAR)
		return view_move_key(v, f, k);
	return view_char_key(v, f, k.ch);
}
