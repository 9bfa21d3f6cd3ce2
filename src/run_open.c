/*
 * run_open.c: opening a `run` or `watch` session, in an order that fails
 * early (run.c has the session's states): the watched target, the CSV and
 * its .log, the control socket, the command, the sampler, the view; and
 * the probe and sampler a session's state asks for.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/duration.h"
#include "base/loop.h"
#include "base/mtime.h"
#include "base/outfile.h"
#include "base/units.h"
#include "record/control.h"
#include "record/guard.h"
#include "recording/reclive.h"
#include "recording/recmetrics.h"
#include "run_session.h"

/* The header's words for what is recorded. */
static void describe_target(const cli_options *o, char *buf, size_t n)
{
	size_t used = 0;
	if (o->cmd == CLI_RUN) {
		used = (size_t)snprintf(buf, n, "run:");
		for (char **a = o->argv; *a && used < n - 1; a++)
			used += (size_t)snprintf(buf + used, n - used, " %s", *a);
	} else if (o->pid) {
		snprintf(buf, n, "pid %d%s", (int)o->pid, o->no_children ? "" : " + children");
	} else if (o->cgroup) {
		snprintf(buf, n, "cgroup %s", o->cgroup);
	} else {
		snprintf(buf, n, "the machine");
	}
}

/* Whether the target has processes to record one by one: all but the machine. */
static bool run_per_process(const cli_options *o)
{
	return o->cmd == CLI_RUN || o->pid || o->cgroup;
}

/* What the probe reads in the session's state: watch's target; in run mode
 * memlog's own descendants (it is their subreaper), or the command alone
 * with --no-children; after a detach, the command's tree by its pid. */
probe_config run_probe_config(const session *s)
{
	const cli_options *o = s->opt;
	probe_config pc = { .proc_root = "/proc", .sys_root = "/sys", .pss = o->pss, .children = !o->no_children,
	                    .per_process = run_per_process(o) };
	if (o->cmd == CLI_WATCH && o->pid) {
		pc.kind = PROBE_KIND_TREE;
		pc.pid = o->pid;
		pc.include_root = true;
	} else if (o->cmd == CLI_WATCH && o->cgroup) {
		pc.kind = PROBE_KIND_CGROUP;
		pc.cgroup_dir = o->cgroup;
	} else if (o->cmd == CLI_WATCH) {
		pc.kind = PROBE_KIND_SYSTEM;
	} else {
		bool command_only = s->detached || o->no_children;
		pc.kind = PROBE_KIND_TREE;
		pc.pid = command_only ? s->ch.pid : getpid();
		pc.include_root = command_only;
		/* --no-children counts the command alone: the cgroup holds them all. */
		pc.job_cgroup_dir = s->job && !o->no_children ? jobcg_dir(s->job) : NULL;
	}
	return pc;
}

/* The session's sampler; after a detach the same start, so elapsed times
 * go on, and it ends when the followed command is gone. */
sampler_config run_sampler_config(const session *s)
{
	const cli_options *o = s->opt;
	return (sampler_config){
		.interval_ns = o->interval_ns,
		.duration_ns = o->duration_ns,
		.start_mono_ns = s->start_mono_ns,
		.stop_when_gone = s->detached || (o->cmd == CLI_WATCH && o->pid),
		.probe = s->pr,
		.series = s->ser,
		.csv = s->csv,
		.marks = s->marks,
		.procs_csv = s->procs,
		.thin = s->thin,
		.procs = s->procset,
		.kmsg = s->kmsg,
		.notify_fd = s->notify_fd,
	};
}

/* REC.procs.csv beside the recording, and the rule of its rows; not when
 * watching the machine, which has no process tree. 0, or -1 with err filled
 * (errno EEXIST when the name is taken). */
static int run_open_procs(session *s, const char *path, enum outfile_mode mode, char *err, size_t n)
{
	if (!run_per_process(s->opt))
		return 0;
	s->procs_path = recfiles_sibling(path, RECFILES_PROCS);
	if (!s->thin)
		s->thin = procthin_new();
	if (!s->procset)
		s->procset = procset_new(RUN_PROC_POINTS, RUN_PROCS_KEPT);
	if (!s->procs_path || !s->thin || !s->procset) {
		snprintf(err, n, "out of memory");
		errno = ENOMEM;
		return -1;
	}
	s->procs = reccsv_create_procs(s->procs_path, mode, err, n);
	return s->procs ? 0 : -1;
}

/* Closes and removes the files just made, when nothing will be recorded. */
static void run_drop_outputs(session *s)
{
	char ignored[256];
	if (s->csv) {
		reccsv_close(s->csv, ignored, sizeof ignored);
		unlink(s->csv_path);
	}
	s->csv = NULL;
	if (s->logw) {
		recfiles_log_close(s->logw);
		unlink(s->log_path);
	}
	s->logw = NULL;
	if (s->procs) {
		reccsv_close(s->procs, ignored, sizeof ignored);
		unlink(s->procs_path);
	}
	s->procs = NULL;
}

/* Creates the CSV and its .log, and the logbook that writes the .log. A
 * name given with -o replaces what is there (regular files only); the
 * default name is the time of day, created exclusively, with -2, -3, ...
 * when taken, so nothing already there (a planted link in /tmp, a recording
 * of the same second) is ever written through. Returns 0, or -1 having said
 * why on stderr. */
static int run_open_outputs(session *s)
{
	char err[512];
	const char *output = s->opt->output;
	enum outfile_mode mode = output ? OUTFILE_REPLACE : OUTFILE_NEW;
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "memlog-%Y%m%d-%H%M%S", &tm);
	s->lb = logbook_open(LOGBOOK_LINES);
	if (!s->lb) {
		fprintf(stderr, "memlog: out of memory\n");
		return -1;
	}
	for (int k = 1; k <= 100; k++) {
		const char *path = output;
		if (!output) {
			if (k == 1)
				snprintf(s->default_name, sizeof s->default_name, "%s.csv", stamp);
			else
				snprintf(s->default_name, sizeof s->default_name, "%s-%d.csv", stamp, k);
			path = s->default_name;
		}
		s->log_path = recfiles_sibling(path, RECFILES_LOG);
		if (!s->log_path) {
			fprintf(stderr, "memlog: out of memory\n");
			return -1;
		}
		s->csv = reccsv_create(path, mode, err, sizeof err);
		if (!s->csv) {
			if (!output && errno == EEXIST)
				goto next;
			fprintf(stderr, "memlog: -o %s\n", err);
			return -1;
		}
		s->csv_path = path;
		s->logw = recfiles_log_create(s->log_path, mode, err, sizeof err);
		if (s->logw && run_open_procs(s, path, mode, err, sizeof err) == 0) {
			logbook_set_sink(s->lb, recfiles_log_write, s->logw);
			return 0;
		}
		int e = errno;
		run_drop_outputs(s);
		s->csv_path = NULL;
		if (output || e != EEXIST) {
			fprintf(stderr, "memlog: %s\n", err);
			return -1;
		}
next:
		free(s->log_path);
		s->log_path = NULL;
		free(s->procs_path);
		s->procs_path = NULL;
		if (output)
			break;
	}
	fprintf(stderr, "memlog: cannot find a free default name like %s.csv in this directory; "
	        "give one with -o\n", stamp);
	return -1;
}

/* --limit that cannot be had: says why, removes what was made; the exit
 * status (the command is not run without the limit asked for). */
static int run_no_limit(session *s, const char *why)
{
	char size[32], ignored[640];
	units_bytes(s->opt->limit, size, sizeof size);
	fprintf(stderr, "memlog: --limit %s: cannot run the command under a memory limit: %s; expected a memory "
	        "cgroup memlog may make and limit (root, or a delegated cgroup v2 subtree)\n", size, why);
	if (s->job)
		jobcg_remove(s->job, ignored, sizeof ignored);
	s->job = NULL;
	run_drop_outputs(s);
	return 1;
}

/* Whether the command's stdout is a pseudo-terminal: --pty, --no-pty, else
 * when memlog's own stdout is a terminal (so the command sees what it would
 * see without memlog: `memlog run -- xz -c f > f.xz` gives xz a pipe). */
static bool run_pty(const session *s)
{
	return s->opt->pty > 0 || (s->opt->pty < 0 && isatty(STDOUT_FILENO));
}

/* run: starts the command on a pty, with its guard, and opens the probe of
 * memlog's tree. Returns 0, or the exit status having said why (nothing
 * recorded: the files just made are removed). */
static int run_start_command(session *s)
{
	char err[512];
	int exec_errno;
	char why[640];
	s->job = jobcg_create("/proc", "/sys", why, sizeof why);
	if (!s->job)
		snprintf(s->job_note, sizeof s->job_note, "mem is the PSS sum of the tree, read at most five times "
		         "a second: %s", why);
	if (s->opt->limit && (!s->job || jobcg_set_limit(s->job, s->opt->limit, why, sizeof why) < 0))
		return run_no_limit(s, why);
	/* Before memlog becomes a subreaper, so the guard is not in the tree. */
	s->guard_fd = guard_start(s->log_path, s->job ? jobcg_dir(s->job) : NULL);
	if (s->guard_fd < 0)
		fprintf(stderr, "memlog: cannot start the guard process (%s); if memlog is killed, "
		        "the command may die with it\n", strerror(errno));
	/* Orphaned grandchildren are reparented to memlog, so they stay counted. */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	if (child_spawn(s->opt->argv, s->opt->keep_stdin, run_pty(s), s->job ? jobcg_join_fd(s->job) : -1, &s->ch,
	                &exec_errno, err, sizeof err) < 0) {
		fprintf(stderr, "memlog: %s\n", err);
		run_drop_outputs(s);
		return exec_errno == ENOENT ? 127 : exec_errno ? 126 : 1;
	}
	s->running_child = true;
	if (s->opt->limit && !jobcg_has(s->job, s->ch.pid)) {
		kill(-s->ch.pid, SIGKILL);
		waitpid(s->ch.pid, NULL, 0);
		s->running_child = false;
		return run_no_limit(s, "the command could not join the memory cgroup memlog made for it");
	}
	if (s->job && !jobcg_has(s->job, s->ch.pid)) {
		snprintf(s->job_note, sizeof s->job_note, "mem is the PSS sum of the tree, read at most five times "
		         "a second: the command could not join the memory cgroup %s", jobcg_dir(s->job));
		jobcg_remove(s->job, why, sizeof why);
		s->job = NULL;
	} else if (s->job) {
		/* Short enough for a log pane of 80 columns, whatever the pid. */
		snprintf(s->job_note, sizeof s->job_note, "mem counts every page once, in a memory cgroup of the job's");
	}
	if (s->guard_fd >= 0 && guard_arm(s->guard_fd, s->ch.out_fd, s->ch.err_fd, s->ctl ? control_fifo_fd(s->ctl) : -1) < 0) {
		fprintf(stderr, "memlog: cannot arm the guard process (%s); if memlog is killed, "
		        "the command may die with it\n", strerror(errno));
		guard_release(s->guard_fd);
		s->guard_fd = -1;
	}
	probe_config pc = run_probe_config(s);
	s->pr = probe_open(&pc, err, sizeof err);
	if (!s->pr) {
		fprintf(stderr, "memlog: %s\n", err);
		kill(-s->ch.pid, SIGTERM);
		return 1;
	}
	/* The live view shows the output in its pane; headless, it passes through. */
	s->out_src = logsrc_stream(s->ch.out_fd, "out", s->interactive ? -1 : STDOUT_FILENO, s->lb);
	s->err_src = logsrc_stream(s->ch.err_fd, "err", s->interactive ? -1 : STDERR_FILENO, s->lb);
	return 0;
}

/* The .log's first note: what is recorded, how often, where; headless,
 * stderr says where the recording goes. */
static void run_note_start(session *s)
{
	const cli_options *o = s->opt;
	char iv[32], note[1280];
	duration_format(o->interval_ns, iv, sizeof iv);
	recfiles_start st = {
		.argv = o->cmd == CLI_RUN ? o->argv : NULL,
		.pid = o->cmd == CLI_RUN ? s->ch.pid : o->pid,
		.children = !o->no_children,
		.cgroup = o->cgroup,
		.interval = iv,
		.csv_path = s->csv_path,
	};
	size_t n = recfiles_start_note(note, sizeof note, &st);
	logbook_add(s->lb, mtime_wall_ns(), 0, note, n);
	/* The machine, for the file only (the view knows where it runs): what
	 * names a recording among those of a job's hosts. */
	char host[256];
	if (gethostname(host, sizeof host) == 0) {
		host[sizeof host - 1] = '\0';
		n = (size_t)snprintf(note, sizeof note, "%s%s", RECFILES_HOST_NOTE, host);
		recfiles_log_write(s->logw, mtime_wall_ns(), RECFILES_SOURCE_MEMLOG, note, n);
	}
	if (s->job_note[0])
		logbook_note(s->lb, "%s", s->job_note);
	/* A pipe explains lines that come in blocks (the program buffers). */
	if (o->cmd == CLI_RUN && !run_pty(s))
		logbook_note(s->lb, "the command's stdout is a pipe (--pty: a pseudo-terminal)");
	if (!s->kmsg)
		logbook_note(s->lb, "%s; OOM kills are seen in a cgroup's count only, unnamed", s->kmsg_err);
	if (!s->ctl)
		logbook_note(s->lb, "%s; memlog mark and memlog attach cannot reach this recording", s->ctl_err);
	if (s->metrics)
		logbook_note(s->lb, "serving the gauges at http://%s/metrics", metricsd_address(s->metrics));
	if (s->opt->limit) {
		char size[32];
		units_bytes(s->opt->limit, size, sizeof size);
		logbook_note(s->lb, "the job runs under a memory limit of %s: past it the OOM killer ends it", size);
	}
	if (!s->interactive)
		fprintf(stderr, "memlog: recording every %s to %s (log lines in %s)%s%s\n", iv, s->csv_path, s->log_path,
		        s->ctl ? "; to watch it: memlog attach " : "", s->ctl ? s->csv_path : "");
}

/* Opens the live view; when it cannot be, says so and records headless. */
static void run_open_view(session *s)
{
	char err[512], target[1100];
	describe_target(s->opt, target, sizeof target);
	view_info info = { .target = target, .csv_path = s->csv_path, .interval_ns = s->opt->interval_ns };
	ui_hooks hooks = { .ctx = s, .mark = run_hook_mark, .child_running = run_hook_child_running };
	s->view = ui_open(&info, s->ser, NULL, s->marks, s->lb, &hooks, err, sizeof err);
	if (s->view && s->procset)
		ui_set_procs(s->view, s->procset);
	if (!s->view) {
		fprintf(stderr, "memlog: %s; recording headless to %s (log lines in %s)\n", err, s->csv_path,
		        s->log_path);
		logsrc_set_echo(s->out_src, STDOUT_FILENO);
		logsrc_set_echo(s->err_src, STDERR_FILENO);
	}
}

/* The control socket's and the marks FIFO's hook. */
static bool run_control_mark(void *ctx, const char *label, const char *from, char *given)
{
	return run_mark(ctx, label, from, given);
}

/* The control socket, and in run the marks FIFO, named to the command by
 * $MEMLOG_MARK (an outer memlog's is not passed on); without them the
 * recording goes on, unreachable, as the .log says. */
static void run_open_control(session *s)
{
	reclive_info info = { .pid = getpid(), .started_ns = mtime_wall_ns(), .interval_ns = s->opt->interval_ns };
	char *csv = realpath(s->csv_path, NULL), *log = realpath(s->log_path, NULL);
	if (csv && log) {
		snprintf(info.csv, sizeof info.csv, "%s", csv);
		snprintf(info.log, sizeof info.log, "%s", log);
		describe_target(s->opt, info.target, sizeof info.target);
		control_hooks hooks = { .ctx = s, .mark = run_control_mark };
		s->ctl = control_open(&info, s->opt->cmd == CLI_RUN, &hooks, s->ctl_err, sizeof s->ctl_err);
	} else {
		snprintf(s->ctl_err, sizeof s->ctl_err, "%s: %s", s->csv_path, strerror(errno));
	}
	free(csv);
	free(log);
	if (s->opt->cmd == CLI_RUN && s->ctl)
		setenv(RECLIVE_MARK_ENV, control_fifo(s->ctl), 1);
	else if (s->opt->cmd == CLI_RUN)
		unsetenv(RECLIVE_MARK_ENV);
}

int run_metrics_start(session *s, char *err, size_t errlen)
{
	if (!s->opt->metrics_listen)
		return 0;
	recmetrics_labels labels = { .job = s->metrics_job, .host = s->metrics_host };
	s->metrics = metricsd_start(s->opt->metrics_listen, &labels, s->ser, mtime_wall_ns(), err, errlen);
	return s->metrics ? 0 : -1;
}

/* --metrics-listen and --metrics-file: their labels, and the endpoint,
 * before anything runs (a port that cannot be had fails the start). */
static int run_open_metrics(session *s)
{
	const cli_options *o = s->opt;
	char err[600];
	if (!o->metrics_listen && !o->metrics_file)
		return 0;
	recmetrics_job_name(o->cmd == CLI_RUN ? o->argv : NULL, o->cmd == CLI_WATCH ? o->pid : 0, o->cgroup,
	                    s->metrics_job, sizeof s->metrics_job);
	if (gethostname(s->metrics_host, sizeof s->metrics_host) != 0)
		s->metrics_host[0] = '\0';
	s->metrics_host[sizeof s->metrics_host - 1] = '\0';
	if (run_metrics_start(s, err, sizeof err) < 0) {
		fprintf(stderr, "memlog: %s\n", err);
		run_drop_outputs(s);
		return -1;
	}
	return 0;
}

/* Opens everything the session records with, in an order that fails early:
 * the watched target (nothing is written for a target that is not there),
 * the CSV and its .log (an unwritable path fails before anything runs), the
 * command, the log sources, the sampler, the view. Returns 0, or the exit
 * status having said why on stderr. */
int run_open(session *s)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGCHLD, SIGWINCH };
	const cli_options *o = s->opt;
	char err[512];
	int notify[2];
	if (loop_open(sigs, sizeof sigs / sizeof sigs[0]) < 0 || pipe2(notify, O_CLOEXEC | O_NONBLOCK) < 0) {
		fprintf(stderr, "memlog: cannot set up: %s\n", strerror(errno));
		return 1;
	}
	s->notify_rd = notify[0];
	s->notify_fd = notify[1];
	child_raise_nofile();
	if (o->cmd == CLI_WATCH) {
		probe_config pc = run_probe_config(s);
		s->pr = probe_open(&pc, err, sizeof err);
		if (!s->pr) {
			fprintf(stderr, "memlog: %s\n", err);
			return 1;
		}
	}
	if (run_open_outputs(s) < 0)
		return 1;
	s->ser = series_new(SERIES_RECENT);
	s->marks = markers_new();
	if (!s->ser || !s->marks) {
		fprintf(stderr, "memlog: out of memory\n");
		run_drop_outputs(s);
		return 1;
	}
	if (run_open_metrics(s) < 0)
		return 1;
	run_open_control(s);
	if (o->cmd == CLI_RUN) {
		int rc = run_start_command(s);
		if (rc)
			return rc;
	}
	s->kmsg = kmsg_open(KMSG_PATH, s->kmsg_err, sizeof s->kmsg_err);
	if (o->nmark_on > 0) {
		s->mark_on = markon_new(o->mark_on, o->nmark_on, err, sizeof err);
		if (!s->mark_on) {
			fprintf(stderr, "memlog: %s\n", err);
			return 1;
		}
	}
	run_note_start(s);
	for (int i = 0; i < o->nlogs; i++)
		s->tails[i] = logsrc_tail(o->logs[i], s->lb);
	s->start_mono_ns = mtime_mono_ns();
	sampler_config sc = run_sampler_config(s);
	s->smp = sampler_start(&sc, err, sizeof err);
	if (!s->smp) {
		fprintf(stderr, "memlog: %s\n", err);
		if (s->running_child)
			kill(-s->ch.pid, SIGTERM);
		return 1;
	}
	if (s->interactive)
		run_open_view(s);
	return 0;
}
