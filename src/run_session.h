/* run_session.h: the state of one `run` or `watch` session, shared by the
 * two files that hold it: run.c (the loop, signals, the view's requests,
 * the detach, the end) and run_open.c (opening everything, in order). */
#ifndef MEMLOG_RUN_SESSION_H
#define MEMLOG_RUN_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cli.h"
#include "model/logbook.h"
#include "model/markers.h"
#include "model/procset.h"
#include "model/procthin.h"
#include "model/series.h"
#include "record/child.h"
#include "record/control.h"
#include "record/jobcg.h"
#include "record/kmsg.h"
#include "record/logsrc.h"
#include "record/markon.h"
#include "record/metricsd.h"
#include "record/probe.h"
#include "record/sampler.h"
#include "recording/reccsv.h"
#include "recording/recfiles.h"
#include "view/ui.h"

#define SERIES_RECENT 32768
#define LOGBOOK_LINES 10000
/* The view's copy of the per-process rows: points a process, processes
 * (beyond, the exited one of the smallest peak goes). */
#define RUN_PROC_POINTS 1024
#define RUN_PROCS_KEPT 4096
/* After -d in run mode, how long the command has to exit after SIGTERM. */
#define TERM_GRACE_NS (5 * NS_PER_S)


/* The state of one recording session, shared by the loop's helpers. */
typedef struct session {
	const cli_options *opt;
	logbook *lb;
	sampler *smp;
	series *ser;
	logsrc *out_src, *err_src;
	logsrc *tails[CLI_MAX_LOGS];
	bool running_child, child_done, tree_empty;
	child ch;
	int child_status;
	int stop_signals;     /* SIGINT/SIGTERM/SIGHUP received */
	int last_signal;
	bool stop;            /* leave the loop */
	bool failed;          /* the recording failed; exit non-zero */
	bool csv_failed;      /* the recording stopped on an error (a full disk, say) */
	reccsv_kept kept;     /* then: what it holds */
	int64_t child_done_mono_ns;
	int64_t term_sent_mono_ns;
	bool kill_sent;
	bool oom_noted;       /* the .log said the command was OOM-killed */
	char reason[640];     /* why the recording ended, for the .log and the summary */
	ui *view;             /* the live view, NULL when headless */
	markers *marks;
	bool detached;        /* this process carries on a recording after `d` */
	bool hung_up;         /* the view's terminal hung up; later SIGHUPs are ignored */
	probe *pr;
	reccsv_writer *csv;
	reccsv_writer *procs; /* REC.procs.csv, except when watching the machine */
	procthin *thin;       /* ... its rows' rule, across a detach */
	procset *procset;     /* ... its rows for the view's process pane, bounded */
	recfiles_log *logw;   /* the .log, written through the logbook's sink */
	int notify_fd;        /* the sampler writes a byte here when it stops by itself */
	int notify_rd;        /* ... read here */
	int guard_fd;         /* keeps the command alive should memlog be killed */
	jobcg *job;           /* run: the job's own memory cgroup, or NULL (mem is then the PSS sum) */
	kmsg_reader *kmsg;    /* the kernel log, for the OOM killer's kills (NULL when unreadable) */
	markon *mark_on;      /* --mark-on's patterns, or NULL */
	control *ctl;         /* the control socket and the marks FIFO (NULL when they could not be made) */
	char ctl_err[600];    /* ... why not */
	metricsd *metrics;    /* --metrics-listen's endpoint, or NULL */
	char metrics_job[256], metrics_host[256]; /* its labels, and --metrics-file's */
	int64_t metrics_file_mono_ns; /* --metrics-file written last (monotonic) */
	bool metrics_file_failed;     /* ... and said so once */
	uint64_t mark_seq;    /* the logbook's lines before this one were looked at for them */
	char kmsg_err[300];   /* ... why not */
	bool interactive;     /* a terminal both ways, and not --headless: the live view */
	int64_t start_mono_ns;
	const char *csv_path;
	char *log_path;
	char *procs_path;
	char default_name[64];
	char job_note[800];   /* how mem is measured, for the .log */
	bool recording_done;
	sampler_stats final_stats;
	sampler_stats before_detach; /* the counts of the sampler stopped to detach */
} session;

/* run_open.c: opens everything the session records with (0, or the exit
 * status having said why); the probe and the sampler of the session's
 * state (a detach opens them again). */
int run_open(session *s);
probe_config run_probe_config(const session *s);
sampler_config run_sampler_config(const session *s);

/* run.c: the view's hooks, and a marker from anywhere (from says where,
 * for the .log: "SIGUSR1", "memlog mark", ...; "" labels it with the next
 * number, and the label it got goes to given, or NULL); false once the
 * recording has ended. */
void run_hook_mark(void *ctx, const char *label, int64_t at_ns);
bool run_hook_child_running(void *ctx);

/* run_open.c: --metrics-listen's endpoint started (again, after a detach);
 * 0, or -1 with err filled. */
int run_metrics_start(session *s, char *err, size_t errlen);
bool run_mark(session *s, const char *label, const char *from, char *given);

#endif
