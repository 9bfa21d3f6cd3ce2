/* export.h: `memlog export --openmetrics`, a recording for Prometheus's
 * backfill. */
#ifndef MEMLOG_EXPORT_H
#define MEMLOG_EXPORT_H

/* memlog export --openmetrics [OPTIONS] REC.csv; returns the exit status. */
int export_main(int argc, char **argv);

#endif
