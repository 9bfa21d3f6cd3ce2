/* recfiles.h: the files of one recording and the formats that are not the
 * CSV's: their names beside REC.csv, the .log (a line per event or line of
 * output, "2026-11-24T10:00:00.123Z SOURCE TEXT"), written and read back
 * here only, and the first note of a .log, which says what was recorded. */
#ifndef MEMLOG_RECFILES_H
#define MEMLOG_RECFILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/outfile.h"

/* What goes beside REC.csv. */
#define RECFILES_LOG ".log"                 /* every line seen while recording */
#define RECFILES_MARKERS ".markers.csv"     /* markers added in replay */
#define RECFILES_PROCS ".procs.csv"         /* the recording per process */
#define RECFILES_SVG ".svg"                 /* plot's default output */
#define RECFILES_LIVE ".live"               /* while it runs: how to reach it (reclive.h) */

/* The path of a recording's sibling file: csv_path without its ".csv",
 * then suffix (RECFILES_*). malloc'ed; NULL when out of memory. */
char *recfiles_sibling(const char *csv_path, const char *suffix);

/* Source names of the .log: memlog's own events, the command's streams,
 * and a tailed file as "file:" and its path. */
#define RECFILES_SOURCE_MEMLOG "memlog"
#define RECFILES_SOURCE_FILE "file:"

/* One line of the .log read back: its time, source and text (pointers into
 * line). false when it is not one (no time, a time out of range, no source). */
bool recfiles_log_parse(const char *line, size_t len, int64_t *wall_ns, const char **src, size_t *src_len,
                        const char **text, size_t *text_len);

/* Writes one line of the .log into buf (its newline included) of n >= 2
 * bytes, the text cut if need be (still one whole line); returns its length. */
size_t recfiles_log_format(char *buf, size_t n, int64_t wall_ns, const char *source, const char *text,
                           size_t len);

/* The .log being written. */
typedef struct recfiles_log recfiles_log;

/* Creates the .log at path as outfile_open does in mode. NULL with err
 * filled (and errno set) when it cannot be. */
recfiles_log *recfiles_log_create(const char *path, enum outfile_mode mode, char *err, size_t errlen);

/* Appends one line; a logbook_sink. Nothing is written once writing failed. */
void recfiles_log_write(void *log, int64_t wall_ns, const char *source, const char *text, size_t len);

/* Pushes what was written to the file. Returns 0, or -1 with err filled the
 * first time writing fails (a full disk): the file then ends with its last
 * whole line and nothing more is written. */
int recfiles_log_flush(recfiles_log *l, char *err, size_t errlen);

/* Whether writing the file failed. */
bool recfiles_log_failed(const recfiles_log *l);

/* Flushes and closes. */
void recfiles_log_close(recfiles_log *l);

/* What a recording recorded, for the .log's first note and back. */
typedef struct recfiles_start {
	char *const *argv;    /* run: the command (NULL for watch) */
	pid_t pid;            /* run: the command's pid; watch --pid: the process */
	bool children;        /* watch --pid: its descendants too */
	const char *cgroup;   /* watch --cgroup */
	const char *interval; /* "100ms" */
	const char *csv_path;
} recfiles_start;

/* The first note: "started: python3 train.py (pid 42), sampling every 100ms
 * into x.csv", or "watching pid 42 and its descendants, ...", "watching
 * cgroup DIR, ...", "watching the machine, ...". Returns its length. */
size_t recfiles_start_note(char *buf, size_t n, const recfiles_start *st);

/* From the text of a note: what was recorded ("python3 train.py",
 * "watching pid 42 and its descendants", ...) into buf; false when it is no
 * first note. */
bool recfiles_start_what(const char *text, size_t len, char *buf, size_t n);

/* What the first lines of the .log at path say was recorded (as
 * recfiles_start_what); false when there is no such note or no file. */
bool recfiles_recorded_what(const char *log_path, char *buf, size_t n);

/* The .log's note of the machine it was recorded on ("recorded on host
 * NAME", among its first lines) and the name from it; false when none
 * (recorded before memlog noted it). */
#define RECFILES_HOST_NOTE "recorded on host "
bool recfiles_recorded_host(const char *log_path, char *buf, size_t n);

/* The host the recording at csv_path was made on, by the note of the .log
 * beside it ("" when it has none), into host. */
void recfiles_recording_host(const char *csv_path, char *host, size_t n);

/* A recording's name among a job's: "node1 (a.csv)" (its host and file
 * name), or "a.csv" when its .log names no host. */
void recfiles_recording_name(const char *csv_path, char *buf, size_t n);

#endif
