/* view.h: the view of a recording, live or replayed, as pure functions of
 * its state and a frame: what a key does, and the frame drawn into a canvas
 * (header, chart, phase strip, readout, log pane, footer, help). No terminal
 * here (tty owns it) and no lock: the frame is a snapshot taken before. */
#ifndef MEMLOG_VIEW_H
#define MEMLOG_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "view/canvas.h"
#include "view/frame.h"

/* The smallest terminal the view is drawn in; below it, a notice. */
#define VIEW_MIN_W 60
#define VIEW_MIN_H 16

typedef struct view_info {
	const char *target;    /* what is watched: "run: python3 train.py", "pid 1234", ... */
	const char *csv_path;  /* the recording being written (or replayed) */
	int64_t interval_ns;   /* the sampling interval (0 when unknown) */
	bool replay;           /* a recording, not a live target: starts looking at all of it */
	bool following;        /* replay --follow: the recording still grows */
	bool attached;         /* memlog attach: another memlog records; q and d leave it recording */
	const char *name1, *name2; /* legend names of the two recordings */
	const char *const *xnames; /* ... of the ones after them (kept by the caller), or NULL */
	int nextra;
	const char *log_note;  /* shown on the log pane's tab row (e.g. unplaced lines) */
} view_info;

/* A key, as the terminal reported it. */
enum view_keycode {
	VIEW_KEY_CHAR,      /* ch is the character typed (Unicode) */
	VIEW_KEY_LEFT, VIEW_KEY_RIGHT, VIEW_KEY_UP, VIEW_KEY_DOWN,
	VIEW_KEY_HOME, VIEW_KEY_END, VIEW_KEY_PGUP, VIEW_KEY_PGDN,
	VIEW_KEY_ENTER, VIEW_KEY_BACKSPACE,
	VIEW_KEY_OTHER      /* a function key the view does not use */
};

typedef struct view_keypress {
	enum view_keycode code;
	uint32_t ch;
} view_keypress;

/* What a key asks of the rest of memlog. */
enum view_action {
	VIEW_NONE,
	VIEW_QUIT,      /* stop recording and leave (nothing left running) */
	VIEW_QUIT_KILL, /* kill the command, record its end, leave */
	VIEW_DETACH,    /* leave the command running and keep recording headless */
	VIEW_MARK,      /* take a marker: view_mark says which */
	VIEW_REDRAW,    /* the terminal may show garbage: repaint every cell */
	VIEW_AGAIN      /* the key needs what this frame lacks: take a new frame
	                 * (view_plan now asks for it) and give the key again */
};

typedef struct view view;

/* A view of w x h cells, drawn in UTF-8 (braille, box lines) or ASCII;
 * NULL when out of memory. The strings are copied. */
view *view_new(const view_info *info, int w, int h, bool utf8);
void view_free(view *v);

/* The terminal's new size. */
void view_resize(view *v, int w, int h);

/* A frame_planner: what the next frame must hold (the window follows the
 * newest sample, the first measured series is chosen once there is one). */
void view_plan(void *v, const series_head *main, const series_head *other, frame_plan *plan);

/* Catches up with a new frame before it is drawn or keys act on it: log
 * panes for new sources, the new lines in each pane's index, the wall
 * time of elapsed 0. */
void view_sync(view *v, const frame *f);

/* Acts on one key, with the frame the person is looking at. */
enum view_action view_key(view *v, const frame *f, view_keypress k);

/* After VIEW_MARK: the marker's label and, in replay, where it goes
 * (elapsed ns; -1 live: a labelled sample is taken now). */
void view_mark(const view *v, const char **label, int64_t *at_ns);

/* A short message in the footer for a few seconds from now_ns (monotonic). */
void view_status(view *v, int64_t now_ns, const char *text);

/* When the footer's message expires (0: none shown). */
int64_t view_status_until(const view *v);

/* The recording has ended (why, in a few words): the footer says so until quit. */
void view_ended(view *v, const char *why);

/* Draws the frame into cv (view_sync first). Pure: the same view, frame
 * and canvas size give the same cells. */
void view_render(const view *v, const frame *f, canvas *cv);

#endif
