/* markon.h: run/watch --mark-on REGEX: a log line that matches becomes a
 * marker, labelled by the pattern's first group when it has one and it
 * matched, else by the line. Patterns are POSIX extended regular
 * expressions (regex(7)), with Perl's \d, \w and \s (and \D, \W, \S) read as
 * the classes they stand for. */
#ifndef MEMLOG_MARKON_H
#define MEMLOG_MARKON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/logbook.h"
#include "model/markers.h"

/* The most patterns; labels are cut as markers_label does. */
#define MARKON_MAX 8

typedef struct markon markon;

/* Compiles the n patterns; NULL with err naming the bad one and why. */
markon *markon_new(const char *const *patterns, int n, char *err, size_t errlen);

/* Whether the line (len bytes) matches a pattern; the first that does
 * writes the label into label (at least MARKERS_LABEL_MAX + 1 bytes). */
bool markon_match(const markon *m, const char *line, size_t len, char *label);

/* Looks at lb's lines from *seq on (memlog's own events aside) and calls
 * mark(ctx, label) for each that matches; *seq moves past them. Main
 * thread, as the logbook's lines are added there. */
void markon_scan(const markon *m, logbook *lb, uint64_t *seq, void (*mark)(void *ctx, const char *label), void *ctx);

void markon_free(markon *m);

#endif
