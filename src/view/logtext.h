/* logtext.h: log lines made safe to show: no byte of a log ever reaches the
 * terminal as a control sequence. */
#ifndef MEMLOG_LOGTEXT_H
#define MEMLOG_LOGTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "view/canvas.h"

/* Draws len bytes of untrusted log text at x, y of cv in at most maxw columns,
 * starting skip display columns in (horizontal scroll). Control bytes become
 * visible escapes in CANVAS_ESCAPE ("^[" for ESC, "^M", "^?" for DEL, "<9b>"
 * for C1 controls), tabs go to the next multiple of 8, invalid UTF-8 becomes
 * U+FFFD (ASCII mode: '?'), characters take their wcwidth (wide ones two
 * cells, never split at the edge; zero-width and non-printable ones shown as
 * escapes like "<U+200B>"), NUL bytes as "^@". In ASCII mode (utf8 false)
 * every non-ASCII character is shown as '?'. Returns the columns used. */
int logtext_draw(canvas *cv, int x, int y, int maxw, int skip, const char *text, size_t len,
                 bool utf8, uint8_t color, uint8_t attr);

/* The display width the text would take (as logtext_draw draws it). */
size_t logtext_width(const char *text, size_t len, bool utf8);

/* The text as it would be drawn in at most maxw columns, as a UTF-8 (or,
 * in ASCII mode, ASCII) string safe to print to a terminal or a file: for
 * report lines. Returns a malloc'ed string without trailing spaces (the
 * caller frees it), or NULL when out of memory. */
char *logtext_plain(const char *text, size_t len, int maxw, bool utf8);

/* Finds needle (plain bytes, case-insensitive for ASCII) in text; returns the
 * byte offset or -1. */
long logtext_find(const char *text, size_t len, const char *needle);

#endif
