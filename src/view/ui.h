/* ui.h: the view of a recording on the terminal, live or replayed: a tty,
 * the frames of the recording, and the view drawn from them, wired. */
#ifndef MEMLOG_UI_H
#define MEMLOG_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <poll.h>

#include "model/logbook.h"
#include "model/markers.h"
#include "model/procset.h"
#include "model/series.h"
#include "view/view.h"

/* What the view asks of the rest of memlog. */
typedef struct ui_hooks {
	void *ctx;
	/* Mark a moment: live, at_ns is -1 (a labelled sample is taken now);
	 * in replay, at_ns is the cursor's elapsed time. */
	void (*mark)(void *ctx, const char *label, int64_t at_ns);
	bool (*child_running)(void *ctx);          /* run mode, and the command still runs */
} ui_hooks;

/* What the person asked for, for the main loop to carry out. */
enum ui_action {
	UI_NONE,
	UI_QUIT,      /* stop recording and leave (nothing left running) */
	UI_QUIT_KILL, /* kill the command, record its end, leave */
	UI_DETACH     /* leave the command running and keep recording headless */
};

typedef struct ui ui;

/* Takes over the terminal to show the recording s (and other, a second
 * one overlaid, or NULL). NULL with err filled when it cannot. */
ui *ui_open(const view_info *info, series *s, series *other, markers *m, logbook *lb,
            const ui_hooks *hooks, char *err, size_t errlen);

/* The recording per process (run, watch --pid, a replay with REC.procs.csv):
 * what the process pane (key w) lists. */
void ui_set_procs(ui *u, procset *ps);

/* More recordings overlaid after the second (a job across hosts), each a
 * line; kept by the caller, n at most FRAME_MAX_EXTRA. */
void ui_set_extra(ui *u, series *const *extra, int n);

/* One wait of a command's loop with the view open (base/loop.h): the
 * view's keys polled beside the caller's nfds fds (their revents filled;
 * fds may be NULL when nfds is 0), for at most timeout_ms and no longer
 * than the view's next frame is due; the signals that came go to sigs
 * (LOOP_MAX_SIGNALS of room). *gone: the terminal went away (its
 * other side closed, an error: a hang-up, even when no SIGHUP came). Returns how many signals, -1 when poll failed. */
int ui_wait(ui *u, struct pollfd *fds, int nfds, int timeout_ms, int *sigs, bool *gone);

/* Reads and acts on every key waiting; returns what the person asked for. */
enum ui_action ui_input(ui *u);

/* The terminal changed size (SIGWINCH): lay out again at once. */
void ui_resize(ui *u);

/* Redraws when something changed and the last frame is at least 100 ms old.
 * Returns how many ms until it wants to be called again. */
int ui_tick(ui *u);

/* Shows a short message in the footer for a few seconds. */
void ui_status(ui *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The recording has ended (why, in a few words): the footer says so until quit. */
void ui_recording_ended(ui *u, const char *why);

/* Gives the terminal back. terminal_gone: the terminal hung up, do not
 * write to it. */
void ui_close(ui *u, bool terminal_gone);

#endif
