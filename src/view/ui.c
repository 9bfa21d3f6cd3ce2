/*
 * ui.c: the view on a terminal, frame by frame: takes a frame of the
 * recording (frame.c), lets the view catch up with it and draw it into a
 * canvas (view.c), and hands the canvas to the terminal (tty.c); keys go
 * the other way, from the terminal to the view, and what they ask of the
 * rest of memlog goes back to the main loop. At most ten frames a second,
 * and only when something changed.
 */
#include "view/ui.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/loop.h"
#include "base/mtime.h"
#include "view/canvas.h"
#include "view/frame.h"
#include "view/tty.h"
#include "view/view.h"

#define UI_FRAME_NS INT64_C(100000000) /* at most ten frames a second */

struct ui {
	tty *tty;
	view *view;
	frame *frame;
	canvas *cv;
	frame_source src;
	ui_hooks hooks;
	bool full_redraw;   /* the next blit repaints every cell */
	bool dirty;         /* something changed since the last frame */
	size_t seen_samples, seen_markers;
	uint64_t seen_log_end;
	int64_t expired_status; /* the message whose end was drawn already */
	int64_t last_frame_ns;
};

/* Seconds east of UTC for local time labels. */
static int32_t ui_utc_offset(void)
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	return (int32_t)tm.tm_gmtoff;
}

ui *ui_open(const view_info *info, series *s, series *other, markers *m, logbook *lb,
            const ui_hooks *hooks, char *err, size_t errlen)
{
	ui *u = calloc(1, sizeof *u);
	if (!u) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	u->src = (frame_source){ .ser = s, .other = other, .marks = m, .lb = lb };
	u->hooks = *hooks;
	u->dirty = true;
	u->full_redraw = true;
	u->tty = tty_open(err, errlen);
	if (!u->tty) {
		free(u);
		return NULL;
	}
	int w, h;
	tty_size(u->tty, &w, &h);
	u->view = view_new(info, w, h, tty_utf8(u->tty));
	u->frame = frame_new();
	u->cv = canvas_new(w, h);
	if (!u->view || !u->frame || !u->cv) {
		snprintf(err, errlen, "out of memory");
		ui_close(u, false);
		return NULL;
	}
	return u;
}

int ui_wait(ui *u, struct pollfd *fds, int nfds, int timeout_ms, int *sigs, bool *gone)
{
	struct pollfd all[64];
	if (nfds < 0 || nfds > 62)
		return -1;
	for (int i = 0; i < nfds; i++)
		all[i] = fds[i];
	all[nfds] = (struct pollfd){ .fd = tty_input_fd(u->tty), .events = POLLIN };
	int tick = ui_tick(u);
	if (timeout_ms < 0 || tick < timeout_ms)
		timeout_ms = tick;
	int n = loop_wait(all, nfds + 1, timeout_ms, sigs);
	for (int i = 0; i < nfds; i++)
		fds[i].revents = all[i].revents;
	*gone = n >= 0 && tty_input_gone(all[nfds].revents);
	return n;
}

/* Takes the frame the view draws and the keys act on. */
static void ui_take_frame(ui *u, int64_t now_ns)
{
	frame_take(u->frame, &u->src, now_ns, view_plan, u->view);
	u->frame->child_running = u->hooks.child_running && u->hooks.child_running(u->hooks.ctx);
	u->frame->utc_offset_s = ui_utc_offset();
	view_sync(u->view, u->frame);
}

/* Draws a new frame and sends what changed to the terminal. */
static void ui_draw(ui *u, int64_t now_ns)
{
	ui_take_frame(u, now_ns);
	view_render(u->view, u->frame, u->cv);
	tty_blit(u->tty, u->cv, u->full_redraw);
	u->full_redraw = false;
	u->last_frame_ns = now_ns;
	u->dirty = false;
}

/* The terminal has a new size: everything is laid out and sent again. */
static void ui_new_size(ui *u)
{
	int w, h;
	tty_size(u->tty, &w, &h);
	canvas_resize(u->cv, w, h);
	view_resize(u->view, w, h);
	u->full_redraw = true;
	u->dirty = true;
}

void ui_resize(ui *u)
{
	tty_resize(u->tty);
	ui_new_size(u);
}

void ui_recording_ended(ui *u, const char *why)
{
	view_ended(u->view, why);
	u->dirty = true;
}

void ui_status(ui *u, const char *fmt, ...)
{
	char text[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	view_status(u->view, mtime_mono_ns(), text);
	u->dirty = true;
}

/* Carries out one key; returns what the main loop must do. */
static enum ui_action ui_act(ui *u, view_keypress k)
{
	enum view_action a = view_key(u->view, u->frame, k);
	if (a == VIEW_AGAIN) {
		/* The view asked for more in the frame (the phases): once more. */
		ui_take_frame(u, mtime_mono_ns());
		a = view_key(u->view, u->frame, k);
	}
	switch (a) {
	case VIEW_MARK: {
		const char *label;
		int64_t at_ns;
		view_mark(u->view, &label, &at_ns);
		u->hooks.mark(u->hooks.ctx, label, at_ns);
		return UI_NONE;
	}
	case VIEW_REDRAW: u->full_redraw = true; return UI_NONE;
	case VIEW_QUIT: return UI_QUIT;
	case VIEW_QUIT_KILL: return UI_QUIT_KILL;
	case VIEW_DETACH: return UI_DETACH;
	default: return UI_NONE;
	}
}

enum ui_action ui_input(ui *u)
{
	enum ui_action act = UI_NONE;
	bool framed = false;
	view_keypress k;
	enum tty_event ev;
	while ((ev = tty_key(u->tty, &k)) != TTY_NONE) {
		u->dirty = true;
		if (ev == TTY_RESIZED) {
			ui_new_size(u);
			framed = false;
			continue;
		}
		if (!framed) {
			ui_take_frame(u, mtime_mono_ns());
			framed = true;
		}
		act = ui_act(u, k);
		if (act != UI_NONE)
			break;
	}
	/* A key gets an answer on screen at once, not at the next frame. */
	if (u->dirty)
		ui_draw(u, mtime_mono_ns());
	return act;
}

void ui_set_extra(ui *u, series *const *extra, int n)
{
	u->src.extra = extra;
	u->src.nextra = n;
	u->dirty = true;
}

void ui_set_procs(ui *u, procset *ps)
{
	u->src.procs = ps;
	u->dirty = true;
}

int ui_tick(ui *u)
{
	int64_t now = mtime_mono_ns();
	size_t samples = series_count(u->src.ser);
	size_t nmarks = markers_count(u->src.marks);
	uint64_t first, end;
	logbook_range(u->src.lb, &first, &end);
	if (samples != u->seen_samples || nmarks != u->seen_markers || end != u->seen_log_end) {
		u->dirty = true;
		u->seen_samples = samples;
		u->seen_markers = nmarks;
		u->seen_log_end = end;
	}
	int64_t until = view_status_until(u->view);
	if (until && now >= until && until != u->expired_status) {
		u->expired_status = until;
		u->dirty = true;
	}
	if (!u->dirty)
		return 100;
	int64_t wait = u->last_frame_ns + UI_FRAME_NS - now;
	if (wait > 0)
		return (int)(wait / 1000000) + 1;
	ui_draw(u, now);
	return 100;
}

void ui_close(ui *u, bool terminal_gone)
{
	if (!u)
		return;
	/* With the terminal gone the writes of endwin fail harmlessly; curses
	 * still has to be told, to free what it holds. */
	(void)terminal_gone;
	tty_close(u->tty);
	view_free(u->view);
	frame_free(u->frame);
	canvas_free(u->cv);
	free(u);
}
