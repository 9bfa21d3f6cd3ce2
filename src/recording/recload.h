/* recload.h: a recording read whole, a column at a time (what report and
 * plot work on), with its markers. */
#ifndef MEMLOG_RECLOAD_H
#define MEMLOG_RECLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/markers.h"
#include "model/procset.h"
#include "model/sample.h"
#include "recording/reccsv.h"

/* A recording loaded whole, a column at a time (for phases and plots). */
typedef struct recload {
	size_t n;
	int64_t *t_ns;    /* elapsed */
	int64_t *wall_ns; /* 0 where unknown */
	int64_t *v[SAMPLE_NCOLS];
	markers *marks;   /* marker column and REC.markers.csv */
	reccsv_info info;
} recload;

/* Loads csv_path into d (zeroed by the caller). Returns 0, or -1 with err
 * as "FILE:LINE: ...". Free with recload_free either way. */
int recload_read(const char *csv_path, bool lenient, recload *d, char *err, size_t errlen);
void recload_free(recload *d);

/* The column to report: name, or the one sample_default_col picks of those
 * measured. -1 when none (or name unknown or not measured). */
int recload_pick(const recload *d, const char *name);

/* The largest value of column col and the elapsed time it was first seen
 * at; *peak is -1 (and *at_ns 0) when the column was never measured. */
void recload_peak(const recload *d, int col, int64_t *peak, int64_t *at_ns);

/* The wall time at elapsed 0 (from the first row that has one), 0 when unknown. */
int64_t recload_wall0(const recload *d);

/* What the reader left out (bad rows skipped, a last row cut short), said
 * on stderr: for output that is data (report --csv, plot's SVG). */
void recload_notes(const char *csv_path, const reccsv_info *info);

/* What the recording's .log says was recorded (the command line, "watching
 * pid 42 ..."), malloc'ed, or NULL. */
char *recload_what(const char *csv_path);

/* The per-process recording beside csv_path (REC.procs.csv) read into a new
 * procset in *out (lenient as recload_read). 0 with *out NULL when there is
 * none (recorded before memlog wrote one, or of the machine); -1 with err
 * as "FILE:LINE: ..." when it cannot be read. */
int recload_procs(const char *csv_path, bool lenient, procset **out, char *err, size_t errlen);

#endif
