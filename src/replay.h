/* replay.h: `memlog replay`: a recording and its logs, back in the view. */
#ifndef MEMLOG_REPLAY_H
#define MEMLOG_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/logbook.h"
#include "model/markers.h"
#include "model/series.h"
#include "recording/logtime.h"

#define REPLAY_MAX_LOGS 16

typedef struct replay_logs {
	const char *paths[REPLAY_MAX_LOGS]; /* --log files */
	int n;
	logtime_opts opts;                  /* how their timestamps are read */
	bool tz_given;                      /* --log-tz was given */
} replay_logs;

/* What loading placed and what it could not. */
typedef struct replay_counts {
	size_t rows;           /* samples */
	size_t skipped;        /* bad rows skipped (--lenient) */
	bool truncated_last;   /* the last line was cut short and dropped */
	size_t log_lines;      /* lines placed in the logbook */
	size_t unplaced;       /* app log lines before any recognisable time */
} replay_counts;

/* Handles an option shared by replay and report: 'l' (--log FILE), 'z'
 * (--log-tz TZ), 'F' (--log-format FMT). Returns 1 when c was one of them,
 * 0 when it was not, -1 (after saying why on stderr) when its value is bad. */
int replay_log_option(int c, const char *value, replay_logs *logs);


/* Loads the rows of csv_path into s and its markers (the marker column and
 * the REC.markers.csv beside it) into m. Returns 0, or -1 with err as
 * "FILE:LINE: what was wrong, what was expected". */
int replay_load_csv(const char *csv_path, bool lenient, series *s, markers *m, replay_counts *c,
                    char *err, size_t errlen);

/* Loads the recording's own .log (if there) and the application logs into
 * lb, one source a file. Returns 0, or -1 with err naming the file. */
int replay_load_logs(const char *rec_log_path, const replay_logs *logs, logbook *lb, replay_counts *c,
                     char *err, size_t errlen);

/* Lines in a file, counted fast (to size a logbook); 0 when unreadable. */
size_t replay_count_lines(const char *path);

/* The `memlog replay` command: argv[0] is "replay". Returns the exit status. */
int replay_main(int argc, char **argv);

#endif
