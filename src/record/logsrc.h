/* logsrc.h: where log lines come from: a stream (the child's pty or pipe) or a tailed file. */
#ifndef MEMLOG_LOGSRC_H
#define MEMLOG_LOGSRC_H

#include <stdbool.h>
#include <stdint.h>

#include "model/logbook.h"

typedef struct logsrc logsrc;

/* A source reading the non-blocking stream fd (which it then owns), cutting
 * it into lines for lb under source name, and copying the raw bytes to
 * echo_fd as they come (-1 for none). */
logsrc *logsrc_stream(int fd, const char *name, int echo_fd, logbook *lb);

/* A source tailing the file at path: from its end if it exists now, from its
 * start if it appears later; follows rotation (a new file at the path) and
 * truncation. Lines go to lb under "file:BASENAME". */
logsrc *logsrc_tail(const char *path, logbook *lb);

/* Starts (fd >= 0) or stops (-1) copying the raw bytes to fd. */
void logsrc_set_echo(logsrc *src, int fd);

/* The fd to poll for input, or -1 (tailed files are polled by time). */
int logsrc_fd(const logsrc *src);

/* Reads whatever is available now and adds the complete lines, stamped
 * wall_ns. Returns true once a stream has ended (tailed files never end). */
bool logsrc_pump(logsrc *src, int64_t wall_ns);

/* Adds a last unterminated line, if any, and frees the source. */
void logsrc_free(logsrc *src, int64_t wall_ns);

#endif
