/* control.h: a running recording's doors, served by the main thread between
 * polls: the control socket (memlog mark, memlog attach) and, in run, the
 * FIFO the job marks itself through ($MEMLOG_MARK). Files and words are
 * reclive.h's. Nothing here blocks: a client that does not read its
 * answers, or sends a line longer than RECLIVE_LINE_MAX, is cut off, so a
 * stuck viewer costs the recording nothing. */
#ifndef MEMLOG_CONTROL_H
#define MEMLOG_CONTROL_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#include "model/markers.h"
#include "recording/reclive.h"

/* Clients served at once; one more is told so and closed. */
#define CONTROL_MAX_CLIENTS 32

typedef struct control_hooks {
	void *ctx;
	/* A marker now, asked for by from ("memlog mark", "$MEMLOG_MARK", "an
	 * attached view"); label as markers_label made it, "" for the next
	 * number. The label it got goes to given (MARKERS_LABEL_MAX + 1);
	 * false when the recording takes no more. */
	bool (*mark)(void *ctx, const char *label, const char *from, char *given);
} control_hooks;

typedef struct control control;

/* Opens the socket (and the FIFO with fifo) in the run directory and writes
 * the state there and beside info->csv; fills info's id, sock and mark.
 * NULL with err filled when it cannot (the recording goes on without). */
control *control_open(reclive_info *info, bool fifo, const control_hooks *hooks, char *err, size_t errlen);

/* The FIFO's path ("" without one), and its read end, for the guard. */
const char *control_fifo(const control *c);
int control_fifo_fd(const control *c);

/* Adds the fds to poll to pfd (room for max); returns how many. */
int control_pollfds(control *c, struct pollfd *pfd, int max);

/* Serves what poll found on the n fds control_pollfds added. */
void control_serve(control *c, const struct pollfd *pfd, int n);

/* Attached viewers now. */
int control_viewers(const control *c);

/* This recording is carried on by another process now (a detach): the
 * state files say its pid. */
void control_moved(control *c, long pid);

/* The recording ended (why, in a few words): each viewer is told, the
 * files go. */
void control_close(control *c, const char *why);

#endif
