/* reclogs.h: a recording's .log and application logs read back into a
 * logbook, every line placed at its time (what replay shows in its panes
 * and report quotes in its phases). */
#ifndef MEMLOG_RECLOGS_H
#define MEMLOG_RECLOGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/logbook.h"
#include "recording/logtime.h"

/* --log files at most. */
#define RECLOGS_MAX 16
/* The longest line taken whole; a longer one comes in pieces this long. */
#define RECLOGS_LINE_MAX ((size_t)16 << 20)

/* The application logs to line up, and how their times are read. */
typedef struct reclogs {
	const char *paths[RECLOGS_MAX]; /* --log files */
	int n;
	logtime_opts opts;              /* how their timestamps are read */
	bool tz_given;                  /* --log-tz was given */
} reclogs;

/* What reading placed and what it could not. */
typedef struct reclogs_counts {
	size_t placed;    /* lines placed in the logbook */
	size_t unplaced;  /* application log lines before any recognisable time */
	char outside[400];/* reclogs_check_span's sentence, "" when none */
} reclogs_counts;

/* Reads the recording's own .log (if rec_log_path is there) and the
 * application logs into lb, one source a file. Returns 0, or -1 with err
 * naming the file. */
int reclogs_load(const char *rec_log_path, const reclogs *logs, logbook *lb, reclogs_counts *c,
                 char *err, size_t errlen);

/* Checks that the application logs lie inside the recording's wall times
 * [w0, w1] (a second's margin either side): for the first whose lines
 * mostly do not (a log written in another zone than the one its times were
 * read in, or another run's), c->outside says how many, where they start
 * against the recording, and, when they lie a whole number of quarter hours
 * off, the --log-tz that would place them: "app.log: 950 of 1000 lines fall
 * outside the recording; they start 1.0h after it: a log in another zone?
 * --log-tz +01:00 reads it so". Empty when all is well. */
void reclogs_check_span(logbook *lb, const reclogs *logs, int64_t w0, int64_t w1, reclogs_counts *c);

/* Lines in a file, counted fast (to size a logbook); 0 when unreadable,
 * room for many when it is a FIFO (read once, later). */
size_t reclogs_count_lines(const char *path);

/* A new logbook holding the recording's .log beside csv_path and the files
 * of logs, read as replay reads them (years without one default to that of
 * wall0, the wall time at elapsed 0, when known; sets logs->opts'
 * default_year). NULL with err filled. */
logbook *reclogs_book(const char *csv_path, reclogs *logs, int64_t wall0, reclogs_counts *counts, char *err,
                      size_t errlen);

/* Where the lines of a .log read bit by bit go (replay --follow). */
typedef struct reclogs_place {
	logbook *lb;
	int source;
	const logtime_opts *opts;
	int64_t last_ns;   /* time of the last placed line */
	bool have_time;
	size_t placed, unplaced;
} reclogs_place;

/* A lines_fn for the lines of a recording's .log: place is a reclogs_place. */
void reclogs_rec_line(void *place, const char *line, size_t len);

#endif
