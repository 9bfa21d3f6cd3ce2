/* report_impl.h: what report.c and report_compare.c share: one recording
 * read, segmented and lined up with its logs. Nothing else includes it. */
#ifndef MEMLOG_REPORT_IMPL_H
#define MEMLOG_REPORT_IMPL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "analysis/phases.h"
#include "model/logbook.h"
#include "model/procset.h"
#include "recording/reclogs.h"
#include "recording/recload.h"

/* What report finds in one column of a recording: its phases, the peak,
 * and what each phase added on the way up to it. */
typedef struct report_findings {
	int col;
	phase *ph;
	long np;
	int64_t peak, peak_t;  /* -1 when nothing was measured */
	size_t peak_row;       /* the first row within 1% of the peak (where shares are taken) */
	int64_t hold_t;        /* the middle of the stretch from there that stays within 1% of
	                        * the peak: who holds it is read there, away from the forks
	                        * and exits at its ends, where the processes' shares settle */
	long best;             /* the phase that holds most of the peak, or -1 */
	int64_t best_add;
	int64_t wall0;         /* wall time at elapsed 0, 0 when unknown */
	procset *procs;        /* REC.procs.csv read back, or NULL */
	int64_t *share;        /* per phase: what it acquired that is still held at the peak */
	int64_t *change;       /* per phase: the samples' change, last less first */
} report_findings;

/* One recording, read for a report. */
typedef struct report_rec {
	const char *path;
	recload d;
	report_findings f;
	logbook *lb;
	reclogs_counts counts;
} report_rec;

/* Reads csv_path, its .log (and logs' files), REC.procs.csv, and finds the
 * phases of the series (NULL: the default). Returns 0, or 1 with the
 * reason on stderr. report_close either way. */
int report_open(const char *csv_path, reclogs *logs, const char *series_name, bool lenient, report_rec *r);
void report_close(report_rec *r);

/* Phase i's name (its first marker, else its first log line less its
 * time), safe to print, malloc'ed; NULL when it has none. */
char *report_phase_name(const report_rec *r, long i, bool utf8);

/* Local "HH:MM:SS" (with the date when with_date) of wall_ns; "-" when unknown. */
void report_clock(int64_t wall_ns, bool with_date, char *buf, size_t n);
/* One CSV field through libcsv, a comma first unless first. */
void report_csv_field(FILE *f, const char *s, bool first);
/* Whether the locale's environment asks for UTF-8. */
bool report_utf8(void);

/* The most recordings report, plot and replay take at once. */
#define REPORT_MAX_RECORDINGS 16

/* `memlog report` of a job across hosts: the n recordings at paths one a
 * row, the outlier named; wall: peak times from the first start. Returns
 * the exit status. */
int report_hosts(char *const *paths, int n, reclogs *logs, const char *series_name, bool lenient, bool wall,
                 bool as_csv);

/* `memlog report BEFORE.csv AFTER.csv`: the two runs phase by phase.
 * Returns the exit status. */
int report_compare(const char *before, const char *after, reclogs *logs, const char *series_name, bool lenient,
                   bool as_csv);

#endif
