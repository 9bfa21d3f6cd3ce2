/* recmetrics.h: memlog's samples as Prometheus metrics, in the text
 * exposition format 0.0.4 and in OpenMetrics 1.0: the newest sample and
 * the counters for a scrape or a node_exporter textfile, and a recording
 * whole with its timestamps for backfill (promtool tsdb
 * create-blocks-from openmetrics). Names by the Prometheus conventions:
 * memlog_ first, base units (_bytes, _seconds), counters _total, no colon,
 * HELP and TYPE once a name; labels job and host, never a pid (pids
 * churn). A column that was not measured has no sample. */
#ifndef MEMLOG_RECMETRICS_H
#define MEMLOG_RECMETRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/sample.h"

#define RECMETRICS_TEXT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define RECMETRICS_OPENMETRICS_TYPE "application/openmetrics-text; version=1.0.0; charset=utf-8"

enum recmetrics_format { RECMETRICS_TEXT, RECMETRICS_OPENMETRICS };

/* The labels every sample gets (UTF-8 is checked: a bad byte becomes '?'). */
typedef struct recmetrics_labels {
	const char *job;   /* what is recorded, short: "train.py", "pid 42", "machine" */
	const char *host;
} recmetrics_labels;

/* What a scrape shows: the newest sample and the counters so far. */
typedef struct recmetrics_live {
	bool have_sample;
	sample last;
	int64_t start_wall_ns;
	uint64_t samples, ticks_missed, markers, oom_kills;
} recmetrics_live;

/* The format an HTTP Accept header asks for: OpenMetrics when it names
 * application/openmetrics-text (without q=0), else the text format. */
enum recmetrics_format recmetrics_accept(const char *accept);

/* Writes the scrape's page into buf (n bytes); returns its length, or the
 * length it needs when that is n or more (as snprintf). */
size_t recmetrics_live_format(const recmetrics_live *m, const recmetrics_labels *l, enum recmetrics_format f,
                              char *buf, size_t n);

/* Writes the text format's page to path for node_exporter's textfile
 * collector: into PATH.tmp beside it (created anew, never through a link),
 * then renamed over path, so a reader never sees half a file. 0, or -1
 * with err filled. */
int recmetrics_write_file(const char *path, const recmetrics_live *m, const recmetrics_labels *l, char *err,
                          size_t errlen);

/* One row of a recording, for recmetrics_export: the sample and the
 * counters up to it. */
typedef struct recmetrics_row {
	sample s;
	uint64_t markers, oom_kills;
} recmetrics_row;

/* Writes n rows as OpenMetrics with their timestamps, family by family,
 * ending in "# EOF". Returns 0, or -1 when writing failed (errno set). */
int recmetrics_export(FILE *f, const recmetrics_row *rows, size_t n, const recmetrics_labels *l);

/* A job label out of what is recorded: a command's program and first
 * argument's base names ("python3 train.py"), "pid 42", a cgroup's last
 * component, "machine". */
void recmetrics_job_name(char *const *argv, long pid, const char *cgroup, char *buf, size_t n);

#endif
