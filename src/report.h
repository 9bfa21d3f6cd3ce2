/* report.h: `memlog report`: where the memory went, phase by phase. */
#ifndef MEMLOG_REPORT_H
#define MEMLOG_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/markers.h"
#include "model/sample.h"
#include "recording/reccsv.h"

/* A recording loaded whole, a column at a time (for phases and plots). */
typedef struct report_data {
	size_t n;
	int64_t *t_ns;    /* elapsed */
	int64_t *wall_ns; /* 0 where unknown */
	int64_t *v[SAMPLE_NCOLS];
	markers *marks;   /* marker column and REC.markers.csv */
	reccsv_info info;
} report_data;

/* Loads csv_path into d (zeroed by the caller). Returns 0, or -1 with err
 * as "FILE:LINE: ...". Free with report_data_free either way. */
int report_load(const char *csv_path, bool lenient, report_data *d, char *err, size_t errlen);
void report_data_free(report_data *d);

/* The column to report: name, or the first measured of pss, rss, cgroup,
 * sys_used. -1 when none (or name unknown or not measured). */
int report_pick_series(const report_data *d, const char *name);

/* The `memlog report` command: argv[0] is "report". Returns the exit status. */
int report_main(int argc, char **argv);

/* The `memlog plot` command: argv[0] is "plot". Returns the exit status. */
int plot_main(int argc, char **argv);

#endif
