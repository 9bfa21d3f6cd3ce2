/* sample.h: one sample of a target's memory, the unit every layer above
 * speaks: the probe fills it, the series keeps it, the CSV writes and reads
 * it, the view and the report draw it. */
#ifndef MEMLOG_SAMPLE_H
#define MEMLOG_SAMPLE_H

#include <stdbool.h>
#include <stdint.h>

/* A value that was not measured in this sample (written as an empty CSV field). */
#define SAMPLE_NONE INT64_C(-1)

/* Columns of a sample, in CSV order after time and elapsed_s. */
enum sample_col {
	SAMPLE_RSS,       /* bytes, VmRSS summed over the tree (a shared page once per process) */
	SAMPLE_ANON,      /* bytes, RssAnon */
	SAMPLE_FILE,      /* bytes, RssFile */
	SAMPLE_SHMEM,     /* bytes, RssShmem */
	SAMPLE_SWAP,      /* bytes, VmSwap */
	SAMPLE_PSS,       /* bytes, smaps_rollup Pss (only with --pss, at most 1/s) */
	SAMPLE_PROCS,     /* processes in the tree */
	SAMPLE_SYS_USED,  /* bytes, MemTotal - MemAvailable */
	SAMPLE_SYS_AVAIL, /* bytes, MemAvailable */
	SAMPLE_CGROUP,    /* bytes, memory.current (v2) or memory.usage_in_bytes (v1) */
	SAMPLE_MEM,       /* bytes, the tree's resident memory with every page counted once */
	SAMPLE_CACHE,     /* bytes, the job's page cache of files it read and did not map */
	SAMPLE_LIMIT,     /* bytes, the memory limit on the cgroup column's cgroup (the lowest of
	                   * it and those above it), empty when none is set */
	SAMPLE_NCOLS
};

/* CSV column names, indexed by enum sample_col. */
extern const char *const sample_col_names[SAMPLE_NCOLS];

typedef struct sample {
	int64_t elapsed_ns; /* CLOCK_MONOTONIC since the recording started */
	int64_t wall_ns;    /* CLOCK_REALTIME, ns since the epoch */
	int64_t v[SAMPLE_NCOLS]; /* SAMPLE_NONE where not measured */
} sample;

/* Sets every column of s to SAMPLE_NONE and both times to 0. */
void sample_clear(sample *s);

/* The series memlog shows and reports first, of the columns measured: mem
 * (every page once), else PSS (shared pages shared out), else RSS, else the
 * cgroup's usage, else the machine's used memory; -1 when none was measured. */
int sample_default_col(const bool measured[SAMPLE_NCOLS]);

#endif
