/* recfollow.h: a recording that is still being written, read as it grows
 * (replay --follow, attach): its rows into a series and its markers, the
 * lines of its .log into a logbook. A row cut short at the end waits for
 * the rest; the .log is read from where it was left. */
#ifndef MEMLOG_RECFOLLOW_H
#define MEMLOG_RECFOLLOW_H

#include <stdbool.h>
#include <stddef.h>

#include "model/logbook.h"
#include "model/markers.h"
#include "model/series.h"

typedef struct recfollow recfollow;

/* Opens csv_path and reads the rows it holds. NULL with err filled. */
recfollow *recfollow_open(const char *csv_path, bool lenient, series *s, markers *m, char *err, size_t errlen);

/* Follows the recording's .log at log_path into lb too (from its start;
 * none is fine: a .log that is not there stays unread). 0, or -1 with err
 * filled. */
int recfollow_log(recfollow *f, const char *log_path, logbook *lb, char *err, size_t errlen);

/* Reads what was appended since; 0, or -1 with err filled (a bad row). */
int recfollow_poll(recfollow *f, char *err, size_t errlen);

/* The rows read so far. */
size_t recfollow_rows(const recfollow *f);

void recfollow_close(recfollow *f);

#endif
