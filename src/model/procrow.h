/* procrow.h: one process at one sample, the unit of the per-process
 * recording (REC.procs.csv): the probe fills them, procthin picks the ones
 * worth a row, the CSV writes and reads them, procset keeps them for the
 * view and the report. */
#ifndef MEMLOG_PROCROW_H
#define MEMLOG_PROCROW_H

#include <stdint.h>
#include <sys/types.h>

/* The figures of a process, in CSV order after the identity columns; bytes,
 * SAMPLE_NONE (-1) where not measured. */
enum procrow_col {
	PROCROW_RSS,   /* VmRSS: a page shared with another process counts in both */
	PROCROW_ANON,  /* RssAnon */
	PROCROW_FILE,  /* RssFile */
	PROCROW_SHMEM, /* RssShmem */
	PROCROW_SWAP,  /* VmSwap */
	PROCROW_PSS,   /* smaps_rollup Pss: shared pages shared out; only on the samples it was read */
	PROCROW_NCOLS
};

extern const char *const procrow_col_names[PROCROW_NCOLS];

/* Why a row was written: the process's first sample, its first sample
 * gone (figures empty), or neither (it changed, or was quiet long enough). */
enum procrow_event { PROCROW_SAME, PROCROW_START, PROCROW_EXIT };

extern const char *const procrow_event_names[3]; /* "", "start", "exit" */

/* The longest name (comm, as /proc/PID/status escapes it) and command kept. */
#define PROCROW_NAME_MAX 64
#define PROCROW_CMD_MAX 256

typedef struct procrow {
	int64_t elapsed_ns;  /* of the sample */
	int64_t wall_ns;
	pid_t pid, ppid;
	uint32_t serial;     /* tells two processes of the same pid apart (not written) */
	const char *name;    /* comm; never NULL */
	const char *cmd;     /* argv joined by spaces, cut at PROCROW_CMD_MAX bytes; "" when unknown */
	int64_t v[PROCROW_NCOLS];
	enum procrow_event event;
} procrow;

#endif
