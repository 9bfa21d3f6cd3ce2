/* lines.h: bytes cut into lines, the one way memlog does it (the command's
 * output, tailed logs, a recording's .log, the logs replayed beside it): a
 * line ends at '\n', and a '\r' just before it is dropped (CRLF files, a
 * pty's output); a line longer than max bytes is handed on in pieces of max
 * bytes, so memory stays bounded and nothing is lost; what follows the last
 * '\n' is held until more comes or the input ends. */
#ifndef MEMLOG_LINES_H
#define MEMLOG_LINES_H

#include <stdbool.h>
#include <stddef.h>

/* Called for each line (or piece of a long one), without its end. */
typedef void (*lines_fn)(void *ctx, const char *line, size_t len);

typedef struct lines {
	char *buf;     /* the unfinished line */
	size_t len, cap;
	size_t max;    /* the longest line handed on whole */
	bool cut;      /* the last line went on as a piece of max bytes */
} lines;

/* An empty splitter for lines of at most max bytes (max > 0). */
void lines_init(lines *l, size_t max);

/* Feeds n bytes; fn gets every line they finish. Returns 0, or -1 when out
 * of memory: the unfinished line and the bytes that could not join it were
 * then handed on as lines of their own (split, but nothing dropped). */
int lines_feed(lines *l, const char *data, size_t n, lines_fn fn, void *ctx);

/* Whether part of a line is held (no '\n' seen for it yet). */
bool lines_pending(const lines *l);

/* The input ended: the unfinished line, if any, goes to fn. */
void lines_end(lines *l, lines_fn fn, void *ctx);

void lines_free(lines *l);

#endif
