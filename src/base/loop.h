/* loop.h: the one event loop of the commands: signals arrive through a
 * self-pipe (the handler writes the signal's number and nothing else, so it
 * is async-signal-safe and no signal waits for a timeout), the caller's fds
 * are polled beside it, and a timeout bounds the wait. One loop a process. */
#ifndef MEMLOG_LOOP_H
#define MEMLOG_LOOP_H

#include <poll.h>
#include <stddef.h>

/* Signals loop_wait hands back at most per call. */
#define LOOP_MAX_SIGNALS 64

/* Installs handlers for the n signals in sigs (SIGPIPE is ignored too: a
 * reader of stdout going away must not end memlog). Returns 0, or -1 with
 * errno set (then nothing is installed that matters). */
int loop_open(const int *sigs, size_t n);

/* Waits until one of the nfds (at most 63) fds (a struct pollfd each, as poll takes them;
 * their revents are filled) is ready, a signal arrives, or timeout_ms passes
 * (-1: no timeout). Writes the signals that arrived, oldest first, to sigs
 * (LOOP_MAX_SIGNALS of room) and returns how many; -1 when poll failed for
 * another reason than a signal. */
int loop_wait(struct pollfd *fds, int nfds, int timeout_ms, int *sigs);

/* Puts the handlers back to the default and closes the pipe. */
void loop_close(void);

#endif
