/* logbook.h: the lines memlog saw (child output, tailed logs, its own events). */
#ifndef MEMLOG_LOGBOOK_H
#define MEMLOG_LOGBOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/outfile.h"

typedef struct logbook logbook;

/* A new logbook keeping at most max_lines in memory, appending every line to
 * the file at path (the recording's .log sidecar; NULL for none), opened as
 * outfile_open does in mode. NULL with err filled (and errno set) when the
 * file cannot be created. */
logbook *logbook_open(const char *path, enum outfile_mode mode, size_t max_lines, char *err, size_t errlen);

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

/* Whether writing the file failed (it then ends with its last whole line). */
bool logbook_file_failed(logbook *lb);

size_t logbook_count(logbook *lb);   /* lines held in memory now */
size_t logbook_dropped(logbook *lb); /* lines dropped from memory (the file has them) */

/* One line held in memory. text stays valid until the next logbook_add. */
typedef struct logbook_entry {
	uint64_t seq;    /* 0 for the first line ever added */
	int64_t wall_ns; /* arrival time */
	int source;
	const char *text; /* untrusted bytes: show only through logtext */
	size_t len;
} logbook_entry;

/* Sequence numbers of the oldest line still in memory and one past the newest. */
void logbook_range(logbook *lb, uint64_t *first, uint64_t *end);

/* The line numbered seq; returns 0, or -1 when it is not in memory. */
int logbook_get(logbook *lb, uint64_t seq, logbook_entry *out);

/* The number of sources and the name of one ("memlog" is always 0). */
int logbook_nsources(logbook *lb);
const char *logbook_source_name(logbook *lb, int source);

/* Flushes, closes the file and frees everything. */
void logbook_close(logbook *lb);

#endif
