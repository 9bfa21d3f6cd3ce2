/* logbook.h: the lines memlog saw (child output, tailed logs, its own
 * events), in memory. Every line also goes to a sink, if one is set: the
 * recording's .log (recording/recfiles.h). Threads: lines are added and read
 * on the main thread; the lock makes a count or a copy safe from any other. */
#ifndef MEMLOG_LOGBOOK_H
#define MEMLOG_LOGBOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct logbook logbook;

/* A new logbook keeping at most max_lines in memory; NULL when out of memory. */
logbook *logbook_open(size_t max_lines);

/* Where every line added from now on also goes, in order, with its
 * source's name (called with the logbook locked: it must not call back). */
typedef void (*logbook_sink)(void *ctx, int64_t wall_ns, const char *source, const char *text, size_t len);
void logbook_set_sink(logbook *lb, logbook_sink sink, void *ctx);

/* Registers a source name ("out", "err", "memlog") and returns its number
 * for logbook_add. The name must not contain spaces. */
int logbook_source(logbook *lb, const char *name);

/* Registers the source of a tailed or replayed log file: "file:" and the
 * file's base name, spaces and control bytes made '_' (a source name is one
 * word in the .log). */
int logbook_file_source(logbook *lb, const char *path);

/* The file name of a file source's name ("file:app.log" -> "app.log"), or
 * NULL when it is another kind of source. */
const char *logbook_file_of(const char *source_name);

/* Adds one line (len bytes, no newline) from source, stamped wall_ns. */
void logbook_add(logbook *lb, int64_t wall_ns, int source, const char *text, size_t len);

/* Adds one of memlog's own events, printf-style, stamped now. */
void logbook_note(logbook *lb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

size_t logbook_dropped(logbook *lb); /* lines dropped from memory (the .log has them) */

/* One line held in memory. text stays valid until the next logbook_add,
 * which only the main thread calls: read entries there. */
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

/* Frees everything (the sink is not told). */
void logbook_close(logbook *lb);

#endif
