/* sampler.h: the sampling thread, sole writer of the recording's CSV. */
#ifndef MEMLOG_SAMPLER_H
#define MEMLOG_SAMPLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/markers.h"
#include "model/procset.h"
#include "model/procthin.h"
#include "model/series.h"
#include "record/kmsg.h"
#include "record/probe.h"
#include "recording/reccsv.h"

/* The label of the marker a sample gets when the OOM killer fired in the
 * target's cgroup (its count) or killed one of its processes (the kernel
 * log) since the sample before. */
#define SAMPLER_OOM_LABEL "OOM kill"

typedef struct sampler_config {
	int64_t interval_ns;     /* between ticks */
	int64_t duration_ns;     /* stop after this much elapsed time; 0 = never */
	int64_t flush_ns;        /* push rows to the disk at least this often (1 s when 0) */
	int64_t start_mono_ns;   /* elapsed time counts from here (CLOCK_MONOTONIC) */
	bool stop_when_gone;     /* end when the probe counts no process */
	probe *probe;            /* owned by the caller, used only by the thread */
	series *series;          /* shared with readers */
	reccsv_writer *csv;      /* owned by the caller, written only by the thread */
	markers *marks;          /* labelled samples are added here too (may be NULL) */
	reccsv_writer *procs_csv;/* REC.procs.csv, or NULL: the rows procthin picks from the probe's
	                          * processes each sample (owned by the caller, written only by the thread) */
	procset *procs;          /* with procs_csv: its rows are added here too, for the view (may be NULL) */
	procthin *thin;          /* with procs_csv: which rows are due (the caller's, so that a
	                          * restarted sampler goes on where the last one stopped) */
	kmsg_reader *kmsg;       /* the kernel log, or NULL: the target's kills in it are kept there
	                          * (kmsg_keep) for the main thread (owned by the caller, read only
	                          * by the thread) */
	int notify_fd;           /* a byte is written here when the sampler stops by itself */
} sampler_config;

/* Why the sampler stopped by itself. */
enum sampler_end {
	SAMPLER_RUNNING,
	SAMPLER_STOPPED,     /* sampler_stop was called */
	SAMPLER_TARGET_GONE, /* stop_when_gone and the probe counted no process */
	SAMPLER_DURATION,    /* duration_ns reached */
	SAMPLER_ERROR        /* the CSV or the probe failed; see sampler_error */
};

typedef struct sampler_stats {
	uint64_t samples;      /* rows written, markers included */
	uint64_t ticks_taken;  /* scheduled ticks sampled */
	uint64_t ticks_missed; /* scheduled ticks skipped because the sampler was late */
	int64_t  max_late_ns;  /* worst lateness of a taken tick */
	reccsv_kept kept;      /* what the CSV holds whole: set when the thread ends */
	uint64_t proc_rows;    /* rows given to REC.procs.csv */
	uint64_t oom_kills;    /* OOM kills marked */
	uint64_t marks_dropped;/* markers asked for while SAMPLER_MAX_PENDING waited (65,536) */
	bool procs_failed;     /* REC.procs.csv could not be written: its rows stopped there (the
	                        * recording goes on) */
	char procs_error[256]; /* ... why */
} sampler_stats;

typedef struct sampler sampler;

/* Starts the thread (with every signal blocked in it). NULL with err filled on failure. */
sampler *sampler_start(const sampler_config *cfg, char *err, size_t errlen);

/* Asks for a sample at once, labelled label (as markers_label makes it);
 * safe from any thread but not from a signal handler. Markers that wait
 * together are rows of one sample. */
void sampler_mark(sampler *s, const char *label);

/* Rows reach the disk at least this often from now (0: once a second);
 * sooner while someone follows the file (an attached view). */
void sampler_set_flush(sampler *s, int64_t flush_ns);

/* SAMPLER_RUNNING, or why it ended. */
enum sampler_end sampler_state(sampler *s);

/* Copies the message of a SAMPLER_ERROR into buf. */
void sampler_error(sampler *s, char *buf, size_t buflen);

void sampler_get_stats(sampler *s, sampler_stats *out);

/* Takes one last sample (unless the sampler already ended), flushes, joins the
 * thread and frees it. The CSV is left for the caller to close. */
void sampler_stop(sampler *s, sampler_stats *final_stats);

#endif
