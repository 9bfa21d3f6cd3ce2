/* view_draw.c: a frame of the view drawn into a canvas: header, chart,
 * phase strip, cursor readout, log pane, footer and help. Pure: it reads
 * the view's state and the frame, and writes only the canvas. */
#include "view/view.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mtime.h"
#include "base/units.h"
#include "analysis/holders.h"
#include "view/chart.h"
#include "view/logtext.h"
#include "view/view_state.h"

/* The chart's rows; the rest of the rows under the header and the readout go to the log. */
static int view_chart_rows(const view *v)
{
	int rest = v->h - 3;     /* header, readout, footer */
	return rest * 55 / 100;  /* the chart gets a little more than half */
}

/* Local wall-clock time "HH:MM:SS.mmm" of wall_ns. */
static void view_fmt_clock(int64_t wall_ns, int32_t utc_offset_s, char *buf, size_t n, bool ms)
{
	int64_t local_s = wall_ns / NS_PER_S + utc_offset_s;
	int64_t day_s = ((local_s % 86400) + 86400) % 86400;
	if (ms)
		snprintf(buf, n, "%02d:%02d:%02d.%03d", (int)(day_s / 3600), (int)(day_s / 60 % 60), (int)(day_s % 60),
		         (int)(wall_ns / 1000000 % 1000));
	else
		snprintf(buf, n, "%02d:%02d:%02d", (int)(day_s / 3600), (int)(day_s / 60 % 60), (int)(day_s % 60));
}

/* Appends formatted text to a line being built; returns the new length. */
__attribute__((format(printf, 4, 5)))
static size_t view_append(char *buf, size_t used, size_t cap, const char *fmt, ...)
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

/* Whether prog (a program's file name) is an interpreter that runs a
 * script named after its options: python3.11, perl, node, sh... */
static bool view_interpreter(const char *prog, size_t len)
{
	static const char *const names[] = { "python", "pypy", "perl", "ruby", "node", "nodejs", "bash", "sh",
	                                     "dash", "zsh", "Rscript", "php", "lua", "tclsh", "julia" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		size_t n = strlen(names[i]);
		if (len < n || memcmp(prog, names[i], n) != 0)
			continue;
		/* "python3", "python3.11", "lua5.4": a version after the name. */
		size_t j = n;
		while (j < len && ((prog[j] >= '0' && prog[j] <= '9') || prog[j] == '.'))
			j++;
		if (j == len)
			return true;
	}
	return false;
}

/* A command line ("/usr/bin/python3 -u /srv/train.py -e 3") by the name a
 * person gives it: the program without its directories, and for an
 * interpreter the script it runs, with what follows ("train.py -e 3"; "-m
 * pkg" is "pkg", "-c CODE" keeps the interpreter). Into out (n bytes). */
static void view_own_name(const char *cmd, char *out, size_t n)
{
	const char *c = cmd, *end = cmd + strlen(cmd);
	const char *word = c, *word_end = memchr(c, ' ', (size_t)(end - c));
	if (!word_end)
		word_end = end;
	const char *prog = word;
	for (const char *p = word; p < word_end; p++)
		if (*p == '/' && p + 1 < word_end)
			prog = p + 1;
	const char *from = prog;
	if (view_interpreter(prog, (size_t)(word_end - prog))) {
		/* Past the interpreter's options to the script (or -m's module). */
		for (c = word_end; c < end;) {
			while (c < end && *c == ' ')
				c++;
			const char *w_end = memchr(c, ' ', (size_t)(end - c));
			if (!w_end)
				w_end = end;
			if (w_end - c == 2 && c[0] == '-' && c[1] == 'c')
				break; /* code on the command line: the interpreter is the name */
			if (c < end && *c != '-') {
				const char *script = c;
				for (const char *p = c; p < w_end; p++)
					if (*p == '/' && p + 1 < w_end)
						script = p + 1;
				from = script;
				break;
			}
			c = w_end;
		}
	}
	snprintf(out, n, "%s", from);
}

/* A piece of the header or a key hint of the bottom row, and how soon it
 * is left out when the row is short: 0 never, else the higher the sooner. */
typedef struct view_piece {
	const char *text;
	int drop;
} view_piece;

/* Leaves pieces out (keep[i] false), those that go soonest first, until the
 * kept ones, gap columns each before their text, fit in room columns;
 * returns the width they take (more than room when only those that never
 * go are left). */
static int view_fit_pieces(const view_piece *pc, int n, int gap, int room, bool *keep)
{
	int width = 0;
	for (int i = 0; i < n; i++) {
		keep[i] = true;
		width += gap + canvas_text_width(pc[i].text);
	}
	while (width > room) {
		int worst = -1;
		for (int i = 0; i < n; i++)
			if (keep[i] && pc[i].drop > 0 && (worst < 0 || pc[i].drop > pc[worst].drop))
				worst = i;
		if (worst < 0)
			break;
		keep[worst] = false;
		width -= gap + canvas_text_width(pc[worst].text);
	}
	return width;
}

#define VIEW_HEADER_PIECES 8
#define VIEW_NAME_W 32 /* the target's name gets up to this before a piece goes */

/* Row 0: what is watched (by its own name), now, peak, the other run's
 * peak, elapsed, machine, rate, recording. The name, the value and the peak
 * stay; the rest go, the recording's path first, when the row is short. */
static void view_draw_header(const view *v, const frame *f, canvas *cv)
{
	view_piece pc[VIEW_HEADER_PIECES];
	char text[VIEW_HEADER_PIECES][128];
	for (int i = 0; i < VIEW_HEADER_PIECES; i++)
		pc[i].text = text[i];
	int np = 0;
	char a[32], b[32];
	const char *sep = v->utf8 ? "│" : "|";
	canvas_fill(cv, 0, 0, v->w, 1, ' ', CANVAS_HEADER, 0);
	if (f->main.count) {
		/* The header, the readout and the chart's newest column show one
		 * and the same sample: the frame's newest. */
		const sample *now = &f->main.last;
		int col = v->col;
		if (now->v[col] >= 0) {
			units_bytes(now->v[col], a, sizeof a);
			snprintf(text[np], sizeof text[np], "%s %s %s", sep, sample_col_names[col], a);
			pc[np++].drop = 0;
		}
		int64_t peak = f->main.peak[col];
		if (peak != SAMPLE_NONE) {
			units_bytes(peak, a, sizeof a);
			units_elapsed_compact(f->main.peak_at_ns[col], b, sizeof b);
			snprintf(text[np], sizeof text[np], "%s peak %s at %s", sep, a, b);
			pc[np++].drop = 0;
		}
		if (f->has_other && f->nextra == 0 && f->other.peak[col] != SAMPLE_NONE) {
			/* Two recordings: what the change did to the peak. */
			int64_t peak2 = f->other.peak[col];
			units_bytes(peak2, a, sizeof a);
			int k = snprintf(text[np], sizeof text[np], "%s %.40s peak %s", sep, v->name2, a);
			if (peak != SAMPLE_NONE && peak > 0 && k > 0 && (size_t)k < sizeof text[np])
				snprintf(text[np] + k, sizeof text[np] - (size_t)k, " (%+.0f%%)",
				         100.0 * ((double)peak2 - (double)peak) / (double)peak);
			pc[np++].drop = 1;
		}
		/* Whole seconds, so the header changes once a second, not every sample. */
		int64_t secs = now->elapsed_ns / NS_PER_S;
		if (secs < 60)
			snprintf(b, sizeof b, "%llds", (long long)secs);
		else
			units_elapsed_compact(secs * NS_PER_S, b, sizeof b);
		snprintf(text[np], sizeof text[np], "%s %s", sep, b);
		pc[np++].drop = 2;
		if (now->v[SAMPLE_SYS_USED] >= 0 && col != SAMPLE_SYS_USED) {
			units_bytes(now->v[SAMPLE_SYS_USED], a, sizeof a);
			snprintf(text[np], sizeof text[np], "%s machine %s", sep, a);
			pc[np++].drop = 3;
		}
	}
	if (v->info.interval_ns > 0) {
		double hz = 1e9 / (double)v->info.interval_ns;
		snprintf(text[np], sizeof text[np], hz >= 1 ? "%s %.0f/s" : "%s %.2f/s", sep, hz);
		pc[np++].drop = 4;
	}
	snprintf(text[np], sizeof text[np], "%s %s %.100s", sep, v->utf8 ? "●" : "*", v->csv_path);
	pc[np++].drop = 5;

	/* "run: CMD" by the command's own name; the rest as it is. */
	char name[512];
	if (strncmp(v->target, "run: ", 5) == 0) {
		memcpy(name, "run: ", 5);
		view_own_name(v->target + 5, name + 5, sizeof name - 5);
	} else {
		snprintf(name, sizeof name, "%s", v->target);
	}
	bool keep[VIEW_HEADER_PIECES];
	int name_w = (int)logtext_width(name, strlen(name), v->utf8);
	if (name_w > VIEW_NAME_W)
		name_w = VIEW_NAME_W;
	int lead = canvas_text_width(" memlog ");
	int pieces_w = view_fit_pieces(pc, np, 1, v->w - lead - name_w - 1, keep);
	int room = v->w - lead - pieces_w - 1;
	if (room < 12)
		room = 12;
	int x = canvas_text(cv, 0, 0, v->w, " memlog ", CANVAS_HEADER, CANVAS_BOLD);
	/* The target is the person's own text (a command line): show it safely. */
	x += logtext_draw(cv, x, 0, room, 0, name, strlen(name), v->utf8, CANVAS_HEADER, 0);
	for (int i = 0; i < np; i++)
		if (keep[i]) {
			x += canvas_text(cv, x, 0, v->w - x, " ", CANVAS_HEADER, 0);
			x += canvas_text(cv, x, 0, v->w - x, pc[i].text, CANVAS_HEADER, 0);
		}
}

/* The chart, rows y .. y+h-1. */
static void view_draw_chart(const view *v, const frame *f, canvas *cv, int y, int h)
{
	const frame_plan *p = &f->plan;
	if (p->nslices == 0)
		return;
	chart_marker *cm = f->nmarks ? calloc(f->nmarks, sizeof *cm) : NULL;
	size_t ncm = cm ? f->nmarks : 0;
	for (size_t i = 0; i < ncm; i++)
		cm[i] = (chart_marker){ .t_ns = f->marks[i].t_ns, .label = f->marks[i].label };
	bool two = p->other || p->col2 >= 0 || f->proc_line;
	char legend1[96], legend2[96], who[48];
	snprintf(legend1, sizeof legend1, "%s %.60s", sample_col_names[p->col], v->name1);
	snprintf(legend2, sizeof legend2, "%s %.60s", sample_col_names[p->col], v->name2);
	/* A job across hosts: a name each, short enough for several. */
	char xnames[FRAME_MAX_EXTRA][32];
	const char *xptr[FRAME_MAX_EXTRA];
	int nextra = p->other ? f->nextra : 0;
	if (nextra > 0) {
		snprintf(legend1, sizeof legend1, "%.24s", v->name1);
		snprintf(legend2, sizeof legend2, "%.24s", v->name2);
	}
	for (int k = 0; k < nextra; k++) {
		snprintf(xnames[k], sizeof xnames[k], "%.24s", k < v->info.nextra && v->info.xnames ? v->info.xnames[k] : "?");
		xptr[k] = xnames[k];
	}
	snprintf(who, sizeof who, "pid %d", v->who_row < (long)f->nprocs ? (int)f->procs[v->who_row].pid : 0);
	chart_input in = {
		.t0_ns = p->t0_ns, .t1_ns = p->t1_ns, .nslices = p->nslices,
		.min = f->min, .max = f->max,
		.min2 = two ? f->min2 : NULL, .max2 = two ? f->max2 : NULL,
		.name = p->other ? legend1 : sample_col_names[p->col],
		.name2 = p->other ? legend2 : f->proc_line ? who : two ? sample_col_names[SAMPLE_SYS_USED] : NULL,
		.xmin = (const int64_t *const *)f->xmin, .xmax = (const int64_t *const *)f->xmax,
		.xnames = xptr, .nextra = nextra,
		.markers = cm, .nmarkers = ncm,
		.cursor_ns = v->follow ? -1 : v->cursor_ns,
		.utf8 = v->utf8,
		.wall_clock = v->wall_clock,
		.wall_at_zero_ns = v->wall0_ns,
		.utc_offset_s = f->utc_offset_s,
		/* The limit in force at the cursor, or now. */
		.limit = v->follow ? f->main.last.v[SAMPLE_LIMIT] : f->plan.at_ns >= 0 ? f->at[SAMPLE_LIMIT] : SAMPLE_NONE,
	};
	chart_draw(cv, 0, y, v->w, h, &in);
	free(cm);
}

/* Appends " name value" for each measured column of val, the series shown
 * first, as many whole ones as fit in the readout's row (none cut). Each is
 * reckoned at its widest ("1023 MiB"), so which ones show depends on the
 * terminal's width alone, not on the values of the moment. */
static void view_append_values(const view *v, const int64_t *val, char *line, size_t used, size_t cap)
{
	char a[32], item[64];
	int order[SAMPLE_NCOLS], n = 0;
	order[n++] = v->col;
	for (int c = 0; c < SAMPLE_NCOLS; c++)
		if (c != v->col)
			order[n++] = c;
	int width = canvas_text_width(line);
	for (int i = 0; i < n; i++) {
		int c = order[i];
		if (val[c] < 0 || c == SAMPLE_SYS_AVAIL)
			continue;
		if (c == SAMPLE_PROCS) {
			snprintf(item, sizeof item, " procs %lld", (long long)val[c]);
		} else {
			units_bytes(val[c], a, sizeof a);
			snprintf(item, sizeof item, " %s %s", sample_col_names[c], a);
		}
		/* " " name " " and at most 8 columns of value ("1023 MiB", 7 digits of procs). */
		int w = 2 + (int)strlen(sample_col_names[c]) + 8;
		if (width + w > v->w - 1)
			break;
		width += w;
		used = view_append(line, used, cap, "%s", item);
	}
}

/* The readout under the chart: the values at the cursor, or the newest. */
static void view_draw_readout(const view *v, const frame *f, canvas *cv, int y)
{
	char line[1024], a[32], b[32];
	size_t used = 0;
	if (!f->main.count) {
		canvas_text(cv, 1, y, v->w - 1, "waiting for the first sample...", CANVAS_DIM, 0);
		return;
	}
	if (v->follow) {
		/* The header's sample (a readout held back a second lagged it, and
		 * stayed stale after the job's last sample). */
		const sample *now = &f->main.last;
		used = view_append(line, used, sizeof line, "now ");
		view_append_values(v, now->v, line, used, sizeof line);
		canvas_text(cv, 1, y, v->w - 1, line, CANVAS_DIM, 0);
		return;
	}
	units_elapsed_compact(v->cursor_ns, a, sizeof a);
	view_fmt_clock(v->wall0_ns + v->cursor_ns, f->utc_offset_s, b, sizeof b, true);
	used = view_append(line, used, sizeof line, "cursor %s (%s) ", a, b);
	long ph = view_phase_at(f, v->cursor_ns);
	if (ph >= 0)
		used = view_append(line, used, sizeof line, "phase %ld %s ", ph + 1, phase_kind_name(f->phases[ph].kind));
	int64_t at[SAMPLE_NCOLS];
	for (int c = 0; c < SAMPLE_NCOLS; c++)
		at[c] = f->plan.at_ns >= 0 ? f->at[c] : SAMPLE_NONE;
	view_append_values(v, at, line, used, sizeof line);
	canvas_text(cv, 1, y, v->w - 1, line, CANVAS_CURSOR, CANVAS_BOLD);
}

/* The thin strip under the chart: each phase a coloured run of cells,
 * numbered at its start, aligned with the chart's columns. */
static void view_draw_phase_strip(const view *v, const frame *f, canvas *cv, int y)
{
	int64_t t0 = f->plan.t0_ns, t1 = f->plan.t1_ns;
	int px = CHART_YAXIS_W, pw = v->w - CHART_YAXIS_W;
	canvas_text(cv, 0, y, CHART_YAXIS_W, " phases", CANVAS_DIM, 0);
	if (pw <= 0 || t1 <= t0)
		return;
	long shown = -2;
	for (int x = 0; x < pw; x++) {
		int64_t t = t0 + (int64_t)((double)(t1 - t0) * (x + 0.5) / pw);
		long ph = view_phase_at(f, t);
		if (ph < 0) {
			shown = -2;
			continue;
		}
		uint8_t color = ph % 2 ? CANVAS_LINE2 : CANVAS_AREA;
		canvas_put(cv, px + x, y, v->utf8 ? 0x2580 : '=', color, 0);
		if (ph != shown) {
			char label[32];
			snprintf(label, sizeof label, "%ld %s", ph + 1, phase_kind_name(f->phases[ph].kind));
			/* The number and kind where the run has room for them and a
			 * cell after, the number alone where it has room for that,
			 * none where it has not: labels never run together. */
			int room = 0;
			while (x + room < pw && view_phase_at(f, t0 + (int64_t)((double)(t1 - t0) * (x + room + 0.5) / pw)) == ph)
				room++;
			if (room < (int)strlen(label) + 1)
				snprintf(label, sizeof label, "%ld", ph + 1);
			shown = ph;
			if (room < (int)strlen(label) + 1)
				continue;
			int lw = canvas_text(cv, px + x, y, room, label, color, CANVAS_REVERSE | CANVAS_BOLD);
			if (lw > 1)
				x += lw - 1; /* the label stands for those cells of the run */
		}
	}
}

/* Marks a search hit where it falls in the line drawn at sx, row. */
static void view_mark_match(const view *v, canvas *cv, int sx, int row, const logbook_entry *e)
{
	long at = logtext_find(e->text, e->len, v->search);
	if (at < 0)
		return;
	size_t wx = logtext_width(e->text, (size_t)at, v->utf8);
	size_t ww = logtext_width(e->text + at, strlen(v->search), v->utf8);
	for (size_t k = 0; k < ww && sx + (int)(wx + k) < v->w; k++) {
		const canvas_cell *cc = canvas_at(cv, sx + (int)(wx + k), row);
		if (cc)
			canvas_put(cv, sx + (int)(wx + k), row, cc->ch, CANVAS_MATCH, 0);
	}
}

/* The tab row of the log pane: the panes' titles and, on the right, a note. */
static void view_draw_tabs(const view *v, const frame *f, canvas *cv, int y)
{
	char tab[96], buf[420];
	int x = 0;
	canvas_fill(cv, 0, y, v->w, 1, v->utf8 ? 0x2500 : '-', CANVAS_AXIS, 0);
	for (int i = 0; i < v->npanes; i++) {
		/* A pane's title is a source name from the recording's .log. */
		snprintf(tab, sizeof tab, " %s ", v->panes[i].title);
		x += logtext_draw(cv, x + 1, y, v->w - x - 1, 0, tab, strlen(tab), v->utf8,
		                  i == v->pane ? CANVAS_HEADER : CANVAS_AXIS, i == v->pane ? CANVAS_BOLD : 0) + 1;
	}
	size_t dropped = f->lb ? logbook_dropped(f->lb) : 0;
	if (v->search_active)
		snprintf(buf, sizeof buf, " search: %.60s (n/N, Esc ends) ", v->search);
	else if (v->log_note[0])
		snprintf(buf, sizeof buf, " %s ", v->log_note);
	else if (dropped)
		snprintf(buf, sizeof buf, " %zu older lines only in the .log ", dropped);
	else
		buf[0] = '\0';
	int bw = (int)logtext_width(buf, strlen(buf), v->utf8);
	if (bw && bw < v->w - x - 2)
		logtext_draw(cv, v->w - bw - 1, y, bw, 0, buf, strlen(buf), v->utf8, CANVAS_DIM, 0);
}

/* The tab row and the log lines of the current pane, rows y .. y+h-1. */
static void view_draw_log(const view *v, const frame *f, canvas *cv, int y, int h)
{
	view_draw_tabs(v, f, cv, y);
	int rows = h - 1;
	if (rows <= 0 || v->npanes == 0 || !f->lb)
		return;
	const view_pane *p = &v->panes[v->pane];
	bool highlight;
	long anchor = view_selected(v, p, &highlight);
	if (anchor < 0) {
		canvas_text(cv, 1, y + 1, v->w - 1, "(no log lines yet)", CANVAS_DIM, 0);
		return;
	}
	/* Live: the newest line at the bottom; looking back: the line at the
	 * cursor in the middle. */
	int anchor_row = v->follow && !v->search_active ? rows - 1 : rows / 2;
	long top = anchor - anchor_row;
	if (top < (long)p->ix.start)
		top = (long)p->ix.start;
	for (int r = 0; r < rows && top + r < (long)p->ix.n; r++) {
		logbook_entry e;
		long pos = top + r;
		if (logbook_get(f->lb, p->ix.items[pos].seq, &e) < 0)
			continue;
		char stamp[32];
		int row = y + 1 + r;
		uint8_t color = e.source == 0 ? CANVAS_MARKER : CANVAS_DEFAULT;
		uint8_t attr = highlight && pos == anchor ? CANVAS_REVERSE : 0;
		if (v->wall_clock || !v->wall0_ns)
			view_fmt_clock(e.wall_ns, f->utc_offset_s, stamp, sizeof stamp, true);
		else
			units_elapsed_compact(e.wall_ns - v->wall0_ns, stamp, sizeof stamp);
		int sx = canvas_text(cv, 0, row, v->w, stamp, CANVAS_DIM, attr);
		sx += canvas_text(cv, sx, row, v->w - sx, " ", CANVAS_DIM, attr);
		const char *name = logbook_source_name(f->lb, e.source);
		if (strcmp(name, "err") == 0)
			sx += canvas_text(cv, sx, row, v->w - sx, "err ", CANVAS_WARN, attr);
		else if (e.source == 0)
			sx += canvas_text(cv, sx, row, v->w - sx, "memlog ", CANVAS_MARKER, attr);
		logtext_draw(cv, sx, row, v->w - sx, 0, e.text, e.len, v->utf8, color, attr);
		if (v->search_active && v->search[0])
			view_mark_match(v, cv, sx, row, &e);
	}
}

/* A size for a column of the process pane: "1.21 GiB", or "+20.0 MiB". */
static void view_who_bytes(int64_t v, bool sign, char *buf, size_t n)
{
	char num[32];
	units_bytes(v < 0 ? -v : v, num, sizeof num);
	snprintf(buf, n, "%s%s", sign ? (v < 0 ? "-" : "+") : "", num);
}

/* The process pane, rows y .. y+h-1: the processes running at the cursor
 * (live: the newest sample), the largest first, each with its own share
 * (held), its peak so far and its change since the phase it is in began;
 * the selected one's curve is the chart's line. */
static void view_draw_who(const view *v, const frame *f, canvas *cv, int y, int h)
{
	char line[256], when[32], total_s[32];
	int64_t total = 0;
	for (size_t i = 0; i < f->nprocs; i++)
		total += f->procs[i].held;
	view_who_bytes(total, false, total_s, sizeof total_s);
	units_elapsed_compact(f->procs_at_ns, when, sizeof when);
	canvas_fill(cv, 0, y, v->w, 1, v->utf8 ? 0x2500 : '-', CANVAS_AXIS, 0);
	snprintf(line, sizeof line, " processes at %s: %zu, %s%s ", when, f->nprocs_all,
	         f->nprocs_all > f->nprocs ? "the largest hold " : "holding ", total_s);
	int x = canvas_text(cv, 1, y, v->w - 1, line, CANVAS_HEADER, CANVAS_BOLD) + 1;
	const char *keys = v->utf8 ? " \u2191\u2193 select  w logs " : " Up/Down select  w logs ";
	int kw = (int)logtext_width(keys, strlen(keys), v->utf8);
	if (kw < v->w - x - 1)
		logtext_draw(cv, v->w - kw - 1, y, kw, 0, keys, strlen(keys), v->utf8, CANVAS_DIM, 0);
	if (h < 2)
		return;
	canvas_text(cv, 0, y + 1, v->w, "    pid       held       peak   in phase  command", CANVAS_DIM, 0);
	int rows = h - 2;
	if (f->nprocs == 0) {
		if (rows > 0)
			canvas_text(cv, 1, y + 2, v->w - 1, "(no process of the tree runs at this time)", CANVAS_DIM, 0);
		return;
	}
	long top = v->who_row >= rows ? v->who_row - rows + 1 : 0;
	for (int r = 0; r < rows && top + r < (long)f->nprocs; r++) {
		const procset_item *it = &f->procs[top + r];
		char held[40], peak[40], change[40];
		view_who_bytes(it->held, false, held, sizeof held);
		view_who_bytes(it->peak, false, peak, sizeof peak);
		if (it->before < 0)
			snprintf(change, sizeof change, "new");
		else
			view_who_bytes(it->held - it->before, true, change, sizeof change);
		uint8_t attr = top + r == v->who_row ? CANVAS_REVERSE : 0;
		int row = y + 2 + r;
		snprintf(line, sizeof line, "%7d %10s %10s %10s  ", (int)it->pid, held, peak, change);
		int sx = canvas_text(cv, 0, row, v->w, line, CANVAS_DEFAULT, attr);
		/* The command line is the process's own text: drawn through logtext. */
		char cmd[PROCROW_CMD_MAX + 1];
		holders_short_cmd(it->cmd[0] ? it->cmd : it->name, cmd, sizeof cmd);
		sx += logtext_draw(cv, sx, row, v->w - sx, 0, cmd, strlen(cmd), v->utf8, CANVAS_DEFAULT, attr);
		if (attr && sx < v->w)
			canvas_fill(cv, sx, row, v->w - sx, 1, ' ', CANVAS_DEFAULT, attr);
	}
}

static const char *const view_help_lines[] = {
	"memlog keys",
	"m          marker now (M1, M2, ...)       a  marker with a label you type",
	"space      pause (look back) / follow the live edge",
	"Left Right move the cursor in time (pauses)",
	"+ -        zoom in / out around the cursor",
	"Home End   start of the recording / live edge",
	"n N        next / previous marker (search hit while searching)",
	"p P        next / previous phase boundary (rise, growth, plateau, drop)",
	"s          choose the series: mem rss anon pss swap cgroup machine",
	"o          overlay the machine's used memory as a line",
	"t          time labels: elapsed / wall clock",
	"w          processes at the cursor (Up Down pick one: its curve)",
	"Tab        next log pane",
	"Up Down    scroll the log      PgUp PgDn  a page   Enter: go to the line",
	"/          search the log (Esc ends the search)",
	"q          quit; while the command runs: k kill it, d leave it running",
	"",
	"Recording never pauses: every sample goes to the CSV.",
	"Any key closes this help.",
};

/* The help box over the middle of the screen. On a short screen the blank
 * lines go first, then the keys above the last two lines (what recording
 * does, how to close the box), which always show. */
static void view_draw_help(const view *v, canvas *cv)
{
	int n = (int)(sizeof view_help_lines / sizeof view_help_lines[0]);
	int bw = 78 < v->w - 2 ? 78 : v->w - 2;
	int bh = n + 2 < v->h - 2 ? n + 2 : v->h - 2;
	int x0 = (v->w - bw) / 2, y0 = (v->h - bh) / 2, rows = bh - 2;
	bool no_blanks = n > rows;
	int head = no_blanks ? rows - 2 : n; /* lines shown before the last two */
	canvas_fill(cv, x0, y0, bw, bh, ' ', CANVAS_HEADER, 0);
	for (int i = 0, row = 0; i < n && row < rows; i++) {
		bool last_two = i >= n - 2;
		if (no_blanks && (view_help_lines[i][0] == '\0' || (!last_two && row >= head)))
			continue;
		const char *line = view_help_lines[i];
		if (v->info.attached && strncmp(line, "q  ", 3) == 0)
			line = "q d        leave this view; the recording goes on (memlog attach: back)";
		canvas_text(cv, x0 + 2, y0 + 1 + row++, bw - 4, line, CANVAS_HEADER, i == 0 ? CANVAS_BOLD : 0);
	}
}

#define VIEW_MAX_HINTS 12

/* Draws lead (a message, perhaps from outside memlog: through logtext) and
 * after it, two spaces apart, the hints that fit: those that go soonest are
 * left out first, those that never go stay, and the lead is cut before
 * them (it keeps at least 20 columns while hints can go). */
static void view_draw_hints(const view *v, canvas *cv, int y, const char *lead, uint8_t attr, const view_piece *h,
                            int n)
{
	bool keep[VIEW_MAX_HINTS];
	int lead_w = (int)logtext_width(lead, strlen(lead), v->utf8);
	int total = view_fit_pieces(h, n, 2, v->w - (lead_w < 20 ? lead_w : 20), keep);
	int room = v->w - total;
	int x = logtext_draw(cv, 0, y, room > 0 ? room : 0, 0, lead, strlen(lead), v->utf8, CANVAS_HEADER, attr);
	for (int i = 0; i < n; i++)
		if (keep[i]) {
			x += canvas_text(cv, x, y, v->w - x, "  ", CANVAS_HEADER, 0);
			x += canvas_text(cv, x, y, v->w - x, h[i].text, CANVAS_HEADER, 0);
		}
}

/* The quit prompt, the longest wording that fits. */
static const char *const view_quit_prompts[] = {
	" The command is still running:  k kill it and quit   d leave it running, record in the background   Esc stay",
	" The command is still running:  k kill it and quit  d leave it running  Esc stay",
	" Still running:  k kill it and quit  d leave it running  Esc stay",
	" Running:  k kill, quit  d leave it  Esc stay",
};

/* The bottom row while a prompt is open. */
static void view_draw_prompt(const view *v, canvas *cv, int y)
{
	if (v->prompt == PROMPT_QUIT) {
		size_t n = sizeof view_quit_prompts / sizeof view_quit_prompts[0], i = 0;
		while (i + 1 < n && canvas_text_width(view_quit_prompts[i]) > v->w)
			i++;
		canvas_text(cv, 0, y, v->w, view_quit_prompts[i], CANVAS_WARN, CANVAS_BOLD | CANVAS_REVERSE);
		return;
	}
	const char *what = v->prompt == PROMPT_LABEL ? " marker label: " : " search: ";
	const char *hint = v->prompt == PROMPT_LABEL ? "  (Enter marks, Esc cancels)" : "  (Enter searches, Esc cancels)";
	int x = canvas_text(cv, 0, y, v->w, what, CANVAS_HEADER, CANVAS_BOLD);
	/* The hint stays in sight: a long input shows its end, where the
	 * person types. What they type is input, not ours: through logtext. */
	int hint_w = canvas_text_width(hint), room = v->w - x - 1 - hint_w;
	if (room < 10) {
		hint = "  Esc cancels";
		hint_w = canvas_text_width(hint);
		room = v->w - x - 1 - hint_w;
	}
	size_t skip = 0, width = logtext_width(v->input, v->input_len, v->utf8);
	if (room > 0 && width > (size_t)room)
		skip = width - (size_t)room;
	x += logtext_draw(cv, x, y, room > 0 ? room : 0, (int)skip, v->input, v->input_len, v->utf8, CANVAS_HEADER, 0);
	canvas_put(cv, x++, y, '_', CANVAS_HEADER, CANVAS_BOLD);
	canvas_text(cv, x, y, v->w - x, hint, CANVAS_HEADER, 0);
}

/* The bottom row: keys, a prompt, or a passing message; "? help" and
 * "q quit" whatever the width. */
static void view_draw_footer(const view *v, const frame *f, canvas *cv)
{
	int y = v->h - 1;
	char line[512];
	canvas_fill(cv, 0, y, v->w, 1, ' ', CANVAS_HEADER, 0);
	if (v->prompt != PROMPT_NONE) {
		view_draw_prompt(v, cv, y);
		return;
	}
	/* Both may hold text from outside memlog (a marker's label, a file
	 * name, an error message): drawn through logtext. */
	if (v->ended[0] && !view_status_shown(v, f)) {
		static const view_piece ended[] = {
			{ "The CSV is complete.", 2 }, { "space/arrows look back", 1 }, { "? help", 0 }, { "q quit", 0 },
		};
		snprintf(line, sizeof line, " ENDED: %s.", v->ended);
		view_draw_hints(v, cv, y, line, CANVAS_BOLD, ended, 4);
		return;
	}
	const char *q = v->info.attached ? "q leave" : "q quit";
	const view_piece only[] = { { "? help", 0 }, { q, 0 } };
	if (view_status_shown(v, f)) {
		snprintf(line, sizeof line, " %s", v->status);
		view_draw_hints(v, cv, y, line, CANVAS_BOLD, only, 2);
		return;
	}
	view_piece keys[] = {
		{ "m mark", 1 }, { "a label", 5 }, { v->follow ? "space pause" : "space follow", 2 },
		{ v->utf8 ? "←→ move" : "<> move", 3 }, { "+- zoom", 4 }, { "s series", 6 }, { "Tab pane", 8 },
		{ "/ search", 7 }, { "? help", 0 }, { q, 0 },
	};
	view_draw_hints(v, cv, y, v->follow ? " LIVE" : " PAUSED", 0, keys, (int)(sizeof keys / sizeof keys[0]));
}

void view_render(const view *v, const frame *f, canvas *cv)
{
	canvas_clear(cv);
	if (v->w < VIEW_MIN_W || v->h < VIEW_MIN_H) {
		char msg[64];
		snprintf(msg, sizeof msg, "terminal too small (need %dx%d)", VIEW_MIN_W, VIEW_MIN_H);
		canvas_text(cv, 0, v->h / 2, v->w, msg, CANVAS_WARN, CANVAS_BOLD);
		return;
	}
	int chart_h = view_chart_rows(v);
	int log_h = v->h - 3 - chart_h;
	/* Looking back (replay, or paused): a strip of the phases under the chart. */
	bool strip = view_strip(v) && f->nphases > 0;
	view_draw_header(v, f, cv);
	view_draw_chart(v, f, cv, 1, chart_h - strip);
	if (strip)
		view_draw_phase_strip(v, f, cv, chart_h);
	view_draw_readout(v, f, cv, 1 + chart_h);
	if (v->who)
		view_draw_who(v, f, cv, 2 + chart_h, log_h);
	else
		view_draw_log(v, f, cv, 2 + chart_h, log_h);
	view_draw_footer(v, f, cv);
	if (v->help)
		view_draw_help(v, cv);
}
