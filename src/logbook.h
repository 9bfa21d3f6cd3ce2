/* logbook.h: the lines memlog saw (child output, tailed logs, its own events). */
#ifndef MEMLOG_LOGBOOK_H
#define MEMLOG_LOGBOOK_H

#include <stddef.h>
#include <stdint.h>

typedef struct logbook logbook;

/* A new logbook keeping at most max_lines in memory, appending every line to
 * the file at path (the recording's .log sidecar; NULL for none). NULL with
 * err filled when the file cannot be created. */
logbook *logbook_open(const char *path, size_t max_lines, char *err, size_t errlen);

/* Registers a source name ("out", "err", "memlog", "file:app.log") and returns
 * its number for logbook_add. The name must not contain spaces. */
int logbook_source(logbook *lb, const char *name);

/* Adds one line (len bytes, no newline) from source, stamped wall_ns. */
void logbook_add(logbook *lb, int64_t wall_ns, int source, const char *text, size_t len);

/* Adds one of memlog's own events, printf-style, stamped now. */
void logbook_note(logbook *lb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Pushes what was added to the .log file. Returns 0, or -1 with err filled
 * (reported once; later lines still go to memory). */
int logbook_flush(logbook *lb, char *err, size_t errlen);

size_t logbook_count(logbook *lb);   /* lines held in memory now */
size_t logbook_dropped(logbook *lb); /* lines dropped from memory (the file has them) */

/* Flushes, closes the file and frees everything. */
void logbook_close(logbook *lb);

#endif
