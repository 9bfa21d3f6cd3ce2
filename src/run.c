/*
 * run.c: `memlog run` and `memlog watch`, a recording session. The main
 * thread owns the command, the log sources, the view and the signals (they
 * reach it through the loop's self-pipe); the sampler thread owns the probe
 * and the CSV.
 *
 * A session is in one of these states, held by the fields named:
 *   recording  the sampler takes samples (smp); in run mode the command
 *              runs (running_child, not child_done).
 *   job done   run: the command has exited (child_done); the recording
 *              goes on until every process it left has gone too (tree_empty).
 *   ended      the recording is closed (recording_done): the last sample
 *              taken, the rest of the output read, the CSV closed. A live
 *              view stays open, its footer saying why (reason), until q.
 *   detached   after `d` in the quit prompt this process is a copy in the
 *              background, headless, following the command by its pid
 *              (detached; running_child is then false: it is not our child).
 *   stopping   stop: the loop ends; the summary and the exit status follow.
 * A failure (failed; csv_failed for a full disk) changes none of these: the
 * command runs on unrecorded and the session ends with it.
 */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/duration.h"
#include "base/loop.h"
#include "base/mtime.h"
#include "base/units.h"
#include "record/cgroups.h"
#include "record/guard.h"
#include "recording/recmetrics.h"
#include "run_session.h"

/* A command killed by SIGKILL in a job cgroup whose OOM killer fired: the
 * .log names the OOM killer, the most the job held and its limit. Returns
 * whether it did. */
static bool run_note_oom(session *s, int status)
{
	if (!s->job || !WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL || jobcg_oom_kills(s->job) <= 0)
		return false;
	char peak[32] = "", limit[32];
	int64_t p = jobcg_peak(s->job);
	if (p > 0)
		units_bytes(p, peak, sizeof peak);
	/* --limit's, or the lowest set above the job's cgroup (a container's). */
	int64_t lim = s->opt->limit;
	if (!lim)
		lim = cgroups_limit(jobcg_dir(s->job), cgroups_version(jobcg_dir(s->job)));
	if (lim > 0) {
		units_bytes(lim, limit, sizeof limit);
		logbook_note(s->lb, "command killed by the OOM killer (signal 9)%s%s; its cgroup's limit is %s",
		             peak[0] ? " at " : "", peak, limit);
	} else {
		logbook_note(s->lb, "command killed by the OOM killer (signal 9)%s%s", peak[0] ? " at " : "", peak);
	}
	s->oom_noted = true;
	return true;
}

/* The OOM killer's kills of the target as the kernel log gave them (the
 * sampler keeps them): who, what it held, whose limit. */
static void run_note_kills(session *s)
{
	kmsg_kill k;
	char what[700];
	while (s->kmsg && kmsg_take(s->kmsg, &k)) {
		kmsg_describe(&k, what, sizeof what);
		logbook_note(s->lb, "the kernel log: %s", what);
	}
}

bool run_mark(session *s, const char *label, const char *from, char *given)
{
	char clean[MARKERS_LABEL_MAX + 1];
	markers_label(label, strlen(label), clean);
	if (given)
		given[0] = '\0';
	if (!s->smp)
		return false;
	if (!clean[0]) {
		size_t n;
		markers_item *all = markers_copy_all(s->marks, &n);
		snprintf(clean, sizeof clean, "M%d", markers_next_number(all, n));
		markers_release(all, n);
		free(all);
	}
	sampler_mark(s->smp, clean);
	if (from[0])
		logbook_note(s->lb, "marker %s (%s)", clean, from);
	else
		logbook_note(s->lb, "marker %s", clean);
	if (given)
		snprintf(given, MARKERS_LABEL_MAX + 1, "%s", clean);
	return true;
}

/* --mark-on's hook. */
static void run_mark_line(void *ctx, const char *label)
{
	run_mark(ctx, label, "--mark-on", NULL);
}

/* The counters for --metrics-listen, and --metrics-file once a second. */
static void run_metrics(session *s)
{
	if (!s->metrics && !s->opt->metrics_file)
		return;
	sampler_stats st = { 0 };
	if (s->smp)
		sampler_get_stats(s->smp, &st);
	else
		st = s->final_stats;
	recmetrics_live live = { .start_wall_ns = 0 };
	live.samples = st.samples + (s->smp ? s->before_detach.samples : 0);
	live.ticks_missed = st.ticks_missed + (s->smp ? s->before_detach.ticks_missed : 0);
	live.oom_kills = st.oom_kills + s->before_detach.oom_kills;
	live.markers = markers_count(s->marks);
	if (s->metrics)
		metricsd_update(s->metrics, live.samples, live.ticks_missed, live.markers, live.oom_kills);
	int64_t now = mtime_mono_ns();
	if (!s->opt->metrics_file || now - s->metrics_file_mono_ns < NS_PER_S)
		return;
	s->metrics_file_mono_ns = now;
	live.have_sample = series_last(s->ser, &live.last) == 0;
	if (live.have_sample)
		live.start_wall_ns = live.last.wall_ns - live.last.elapsed_ns;
	recmetrics_labels labels = { .job = s->metrics_job, .host = s->metrics_host };
	char err[600];
	if (recmetrics_write_file(s->opt->metrics_file, &live, &labels, err, sizeof err) < 0 && !s->metrics_file_failed) {
		s->metrics_file_failed = true;
		logbook_note(s->lb, "%s (the recording goes on)", err);
	}
}

/* Reaps every child that has ended: the command itself and any orphans
 * reparented to memlog (the subreaper). */
static void reap_children(session *s)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid > 0) {
			if (s->running_child && pid == s->ch.pid) {
				char how[128];
				/* Its last words are in the pty already: log them before its end. */
				int64_t now = mtime_wall_ns();
				if (s->out_src)
					logsrc_pump(s->out_src, now);
				if (s->err_src)
					logsrc_pump(s->err_src, now);
				child_describe(status, how, sizeof how);
				s->child_done = true;
				s->child_done_mono_ns = mtime_mono_ns();
				s->child_status = status;
				if (!run_note_oom(s, status))
					logbook_note(s->lb, "command %s", how);
			}
			continue;
		}
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0 && errno == ECHILD)
			s->tree_empty = true;
		return;
	}
}

/* Sends sig to the command's process group. */
static void signal_child(session *s, int sig)
{
	if (s->running_child && !s->tree_empty)
		kill(-s->ch.pid, sig);
}

/* The view's terminal went away (an SSH drop, a closed tmux): the recording
 * must not. Closes the view without writing to the terminal; once. */
static void terminal_gone(session *s, const char *how)
{
	if (!s->view)
		return;
	ui_close(s->view, true);
	s->view = NULL;
	s->hung_up = true;
	logbook_note(s->lb, "%s; recording goes on headless", how);
}

/* Acts on one signal the loop handed back. */
static void handle_signal(session *s, int sig)
{
	if (sig == SIGCHLD) {
		reap_children(s);
	} else if (sig == SIGWINCH) {
		if (s->view)
			ui_resize(s->view);
	} else if (sig == SIGUSR1) {
		run_mark(s, "SIGUSR1", "", NULL);
	} else if (sig == SIGHUP && (s->view || s->hung_up)) {
		/* More hang-ups (the shell passes one on as it exits) are not for
		 * the command either. */
		terminal_gone(s, "terminal hung up (SIGHUP)");
	} else {
		s->stop_signals++;
		s->last_signal = sig;
		if (s->running_child && !s->child_done && s->stop_signals < 3) {
			logbook_note(s->lb, "received %s; passed it on to the command", strsignal(sig));
			signal_child(s, sig);
		} else {
			snprintf(s->reason, sizeof s->reason, "stopped by %s", strsignal(sig));
			s->stop = true;
		}
	}
}

static void finish_recording(session *s);

/* The recording is over by itself: headless, memlog ends; with the view,
 * the CSV is closed and the view stays until the person quits. */
static void recording_over(session *s)
{
	if (!s->view) {
		s->stop = true;
		return;
	}
	finish_recording(s);
	ui_recording_ended(s->view, s->reason);
}

/* Words for what a CSV that stopped holds: when it stopped ("after 0.63 s
 * (14:12:13 UTC)") and what is kept ("x.csv keeps the 632 rows taken until
 * then, whole"). */
static void describe_kept(const session *s, char *at, size_t atlen, char *kept, size_t keptlen)
{
	const reccsv_kept *k = &s->kept;
	if (k->rows == 0 || k->last_elapsed_ns < 0) {
		snprintf(at, atlen, "before its first row");
		snprintf(kept, keptlen, "%s holds only its header", s->csv_path);
		return;
	}
	char el[32], iso[MTIME_ISO_LEN + 1];
	units_elapsed(k->last_elapsed_ns, el, sizeof el);
	mtime_format_iso(k->last_wall_ns, iso);
	snprintf(at, atlen, "after %s (%.8s UTC)", el, iso + 11);
	snprintf(kept, keptlen, "%s keeps the %llu rows taken until then, whole", s->csv_path,
	         (unsigned long long)k->rows);
}

/* Checks whether the sampler ended by itself and what that means. */
static void check_sampler(session *s)
{
	if (!s->smp)
		return;
	run_note_kills(s);
	enum sampler_end end = sampler_state(s->smp);
	char err[512];
	char d[32];
	switch (end) {
	case SAMPLER_RUNNING:
	case SAMPLER_STOPPED:
		return;
	case SAMPLER_TARGET_GONE:
		if (!s->reason[0])
			snprintf(s->reason, sizeof s->reason, s->detached ? "the command and its descendants are gone"
			         : "process %d and its descendants are gone", (int)s->opt->pid);
		recording_over(s);
		return;
	case SAMPLER_DURATION:
		duration_format(s->opt->duration_ns, d, sizeof d);
		if (!s->reason[0])
			snprintf(s->reason, sizeof s->reason, "duration %s reached", d);
		if (s->running_child && !s->child_done) {
			if (s->term_sent_mono_ns == 0) {
				logbook_note(s->lb, "duration %s reached; sending SIGTERM to the command", d);
				signal_child(s, SIGTERM);
				s->term_sent_mono_ns = mtime_mono_ns();
			}
		} else {
			recording_over(s);
		}
		return;
	case SAMPLER_ERROR:
		sampler_error(s->smp, err, sizeof err);
		if (!s->failed) {
			sampler_stats st;
			char at[64], kept[256];
			sampler_get_stats(s->smp, &st);
			s->csv_failed = true;
			s->kept = st.kept;
			describe_kept(s, at, sizeof at, kept, sizeof kept);
			snprintf(s->reason, sizeof s->reason, "recording stopped %s: %s", at, err);
			if (s->view) {
				ui_status(s->view, "recording stopped: %.200s; %.200s", err, kept);
			} else {
				fprintf(stderr, "memlog: %s\nmemlog: %s\n", s->reason, kept);
				if (s->running_child && !s->child_done)
					fprintf(stderr, "memlog: the command keeps running, unrecorded; memlog waits for it to exit\n");
			}
			logbook_note(s->lb, "%s; %s", s->reason, kept);
		}
		s->failed = true;
		if (!s->running_child || s->child_done)
			recording_over(s);
		return;
	}
}

/* The view's hook: a marker the person asked for. */
void run_hook_mark(void *ctx, const char *label, int64_t at_ns)
{
	session *s = ctx;
	(void)at_ns; /* live: the sample is taken now */
	if (!run_mark(s, label, "", NULL))
		ui_status(s->view, "the recording has ended; no more markers");
}

/* The view's hook: whether quitting would leave a command behind. */
bool run_hook_child_running(void *ctx)
{
	session *s = ctx;
	return s->running_child && !s->child_done;
}

static void detach(session *s);

/* Carries out what the person asked for in the view. */
static void act_on_view(session *s, enum ui_action act)
{
	switch (act) {
	case UI_NONE:
		return;
	case UI_QUIT:
		/* After the recording ended, q only closes the view: the reason stays. */
		if (!s->recording_done)
			snprintf(s->reason, sizeof s->reason, "stopped from the view");
		s->stop = true;
		return;
	case UI_QUIT_KILL:
		ui_close(s->view, false);
		s->view = NULL;
		/* The terminal is ours again: the command's last words show there. */
		logsrc_set_echo(s->out_src, STDOUT_FILENO);
		logsrc_set_echo(s->err_src, STDERR_FILENO);
		logbook_note(s->lb, "quit from the view: sending SIGTERM to the command");
		fprintf(stderr, "memlog: sent SIGTERM to the command; recording until it exits\n");
		signal_child(s, SIGTERM);
		s->term_sent_mono_ns = mtime_mono_ns();
		return;
	case UI_DETACH:
		detach(s);
		return;
	}
}

/* The main loop: signals, keys, the child's output, tailed logs, the sampler. */
static void run_loop(session *s)
{
	while (!s->stop) {
		struct pollfd pfd[4 + 2 + CONTROL_MAX_CLIENTS];
		int n = 0, timeout = 100; /* how often tailed files are looked at */
		/* The sampler says when it stops by itself: seen at once, not at
		 * the next timeout. */
		pfd[n++] = (struct pollfd){ .fd = s->notify_rd, .events = POLLIN };
		if (s->out_src && logsrc_fd(s->out_src) >= 0)
			pfd[n++] = (struct pollfd){ .fd = logsrc_fd(s->out_src), .events = POLLIN };
		if (s->err_src && logsrc_fd(s->err_src) >= 0)
			pfd[n++] = (struct pollfd){ .fd = logsrc_fd(s->err_src), .events = POLLIN };
		int nctl = s->ctl ? control_pollfds(s->ctl, pfd + n, (int)(sizeof pfd / sizeof pfd[0]) - n) : 0;
		int sigs[LOOP_MAX_SIGNALS];
		bool gone = false;
		int nsigs = s->view ? ui_wait(s->view, pfd, n + nctl, timeout, sigs, &gone)
		                    : loop_wait(pfd, n + nctl, timeout, sigs);
		if (nsigs < 0)
			break;
		if (s->ctl)
			control_serve(s->ctl, pfd + n, nctl);
		/* An attached view follows the CSV: rows reach it within 100 ms. */
		if (s->smp && s->ctl)
			sampler_set_flush(s->smp, control_viewers(s->ctl) > 0 ? NS_PER_S / 10 : 0);
		int64_t now = mtime_wall_ns();
		char drop[16];
		while (read(s->notify_rd, drop, sizeof drop) > 0)
			;
		for (int i = 0; i < nsigs; i++)
			handle_signal(s, sigs[i]);
		/* A terminal that closes without a SIGHUP (its signal ignored, say)
		 * polls as hung up for ever: that is a hang-up too. */
		if (s->view && gone)
			terminal_gone(s, "terminal gone (hung up without SIGHUP)");
		if (s->view)
			act_on_view(s, ui_input(s->view));
		if (s->out_src)
			logsrc_pump(s->out_src, now);
		if (s->err_src)
			logsrc_pump(s->err_src, now);
		for (int i = 0; i < s->opt->nlogs; i++)
			logsrc_pump(s->tails[i], now);
		if (s->mark_on && s->smp)
			markon_scan(s->mark_on, s->lb, &s->mark_seq, run_mark_line, s);
		if (s->running_child)
			reap_children(s);
		check_sampler(s);
		run_metrics(s);
		if (s->running_child && s->child_done && s->tree_empty && !s->view) {
			if (!s->reason[0])
				snprintf(s->reason, sizeof s->reason, "the command and all its processes ended");
			s->stop = true;
		}
		if (s->view && s->running_child && s->child_done && s->tree_empty && !s->recording_done) {
			/* Live view: the recording ends with the job, the view stays
			 * for the person to read the end of the run until q. */
			snprintf(s->reason, sizeof s->reason, "the command and all its processes ended");
			finish_recording(s);
			ui_recording_ended(s->view, "the command has ended");
		}
		if (s->term_sent_mono_ns && !s->kill_sent && !s->child_done &&
		    mtime_mono_ns() - s->term_sent_mono_ns > TERM_GRACE_NS) {
			logbook_note(s->lb, "the command did not exit within 5 s of SIGTERM; sending SIGKILL");
			signal_child(s, SIGKILL);
			s->kill_sent = true;
		}
		/* The view was the only thing left (it closed on a hang-up, say). */
		if (!s->view && s->recording_done)
			s->stop = true;
		char err[512];
		if (recfiles_log_flush(s->logw, err, sizeof err) < 0) {
			const char *csv = s->csv_failed || s->failed ? "the CSV has stopped too" : "the CSV goes on";
			if (s->view)
				ui_status(s->view, "%.300s (%s)", err, csv);
			else
				fprintf(stderr, "memlog: %s; its lines from now on are lost (%s)\n", err, csv);
		}
	}
}

/* Writes the end-of-recording summary to stderr. */
static void print_summary(session *s, const char *csv_path, const char *log_path, const sampler_stats *st)
{
	int64_t first, last, peak, at;
	char span[32], peak_s[32], at_s[32];
	if (series_span(s->ser, &first, &last) < 0) {
		fprintf(stderr, "memlog: no samples recorded; wrote %s and %s\n", csv_path, log_path);
		return;
	}
	units_elapsed(last - first, span, sizeof span);
	bool measured[SAMPLE_NCOLS];
	for (int c = 0; c < SAMPLE_NCOLS; c++)
		measured[c] = series_peak(s->ser, c, NULL, NULL) == 0;
	int col = sample_default_col(measured);
	if (col < 0 || series_peak(s->ser, col, &peak, &at) < 0)
		peak = -1;
	if (s->csv_failed) {
		char when[64], kept[256], unrec[32];
		describe_kept(s, when, sizeof when, kept, sizeof kept);
		fprintf(stderr, "memlog: %s\nmemlog: %s", s->reason, kept);
		/* From the last row the CSV kept, not from when the failure was
		 * seen: rows wait up to a second in memory before a write. */
		int64_t lost_from = s->start_mono_ns + (s->kept.last_elapsed_ns > 0 ? s->kept.last_elapsed_ns : 0);
		if (s->running_child && s->child_done && s->child_done_mono_ns > lost_from) {
			units_elapsed(s->child_done_mono_ns - lost_from, unrec, sizeof unrec);
			fprintf(stderr, "; the command ran on unrecorded for %s more", unrec);
		}
		fprintf(stderr, "\nmemlog: %s is complete up to then\n", s->csv_path);
		return;
	}
	fprintf(stderr, "memlog: %s; %llu samples over %s (%llu ticks missed)",
	        s->reason, (unsigned long long)st->samples, span, (unsigned long long)st->ticks_missed);
	if (peak >= 0) {
		units_bytes(peak, peak_s, sizeof peak_s);
		units_elapsed(at, at_s, sizeof at_s);
		fprintf(stderr, ", peak %s %s at %s", sample_col_names[col], peak_s, at_s);
	}
	if (recfiles_log_failed(s->logw))
		fprintf(stderr, "\nmemlog: wrote %s; %s stops at its last whole line, where the disk filled\n",
		        csv_path, log_path);
	else if (s->procs_path)
		fprintf(stderr, "\nmemlog: wrote %s, %s and %s\n", csv_path, log_path, s->procs_path);
	else
		fprintf(stderr, "\nmemlog: wrote %s and %s\n", csv_path, log_path);
	if (st->procs_failed)
		fprintf(stderr, "memlog: %s has rows only up to the moment it could not be written\n", s->procs_path);
}

/* Ends the recording: the last sample, the rest of the output, the CSV
 * closed. The view may stay open afterwards. Safe to call twice. */
static void finish_recording(session *s)
{
	char err[512];
	if (s->recording_done)
		return;
	s->recording_done = true;
	if (s->smp) {
		sampler_stop(s->smp, &s->final_stats);
		s->smp = NULL;
		/* After `d` a second sampler went on: the counts are both's. */
		s->final_stats.samples += s->before_detach.samples;
		s->final_stats.ticks_taken += s->before_detach.ticks_taken;
		s->final_stats.ticks_missed += s->before_detach.ticks_missed;
	}
	run_note_kills(s); /* those of the last sample */
	int64_t now = mtime_wall_ns();
	logsrc_free(s->out_src, now);
	logsrc_free(s->err_src, now);
	s->out_src = s->err_src = NULL;
	if (s->job) {
		char why[640];
		int64_t ooms = jobcg_oom_kills(s->job);
		/* A process of the job other than the command (it was named then). */
		if (ooms > (s->oom_noted ? 1 : 0))
			logbook_note(s->lb, "the OOM killer killed %lld process%s of the job (marked \"%s\" in the CSV)",
			             (long long)ooms, ooms == 1 ? "" : "es", SAMPLER_OOM_LABEL);
		if (jobcg_remove(s->job, why, sizeof why) < 0)
			logbook_note(s->lb, "%s", why);
		s->job = NULL;
	}
	if (s->csv_failed)
		logbook_note(s->lb, "recording ended: %s; the CSV keeps %llu rows", s->reason,
		             (unsigned long long)s->kept.rows);
	else
		logbook_note(s->lb, "recording ended: %s; %llu samples", s->reason[0] ? s->reason : "stopped",
		             (unsigned long long)s->final_stats.samples);
	if (recfiles_log_flush(s->logw, err, sizeof err) < 0)
		fprintf(stderr, "memlog: %s\n", err);
	if (s->csv && reccsv_close(s->csv, err, sizeof err) < 0) {
		/* A failure already told (a full disk) is not told twice. */
		if (!s->csv_failed)
			fprintf(stderr, "memlog: -o %s\n", err);
		s->failed = true;
	}
	s->csv = NULL;
	if (s->procs && reccsv_close(s->procs, err, sizeof err) < 0 && !s->final_stats.procs_failed) {
		fprintf(stderr, "memlog: %s\n", err);
		s->failed = true;
	}
	s->procs = NULL;
	if (s->pr)
		probe_close(s->pr);
	s->pr = NULL;
	/* Attached views are told once the CSV is whole; the recording can no
	 * longer be found. */
	control_close(s->ctl, s->reason[0] ? s->reason : "stopped");
	s->ctl = NULL;
	/* The gauges of a recording that has ended are not current: the
	 * endpoint closes and the textfile goes. */
	metricsd_stop(s->metrics);
	s->metrics = NULL;
	if (s->opt->metrics_file)
		unlink(s->opt->metrics_file);
}

/* `d` in the quit prompt: the command keeps running and the recording goes
 * on headless in a new background process, so the shell gets its terminal
 * back. That process is not the command's parent: it follows the command by
 * its pid, cannot learn its exit status, and orphans the command leaves from
 * now on go to init instead of being counted (all noted in the .log). */
static void detach(session *s)
{
	char err[512];
	sampler_stats st;
	ui_close(s->view, false);
	s->view = NULL;
	/* One thread only across fork: stop the sampler (it flushes the CSV)
	 * and the metrics endpoint's. */
	metricsd_stop(s->metrics);
	s->metrics = NULL;
	sampler_stop(s->smp, &st);
	s->smp = NULL;
	s->before_detach = st;
	logbook_note(s->lb, "detached from the terminal: recording goes on in the background");
	recfiles_log_flush(s->logw, err, sizeof err);
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "memlog: cannot detach (%s); recording goes on here, headless\n", strerror(errno));
		goto restart;
	}
	if (pid > 0) {
		fprintf(stderr, "memlog: recording goes on in the background (memlog pid %d) into %s and %s\n"
		        "memlog: the command keeps running (pid %d); stop both with: kill %d\n",
		        (int)pid, s->csv_path, s->log_path, (int)s->ch.pid, (int)pid);
		/* Everything open belongs to the background process now. */
		_exit(0);
	}
	setsid();
	int null_fd = open("/dev/null", O_RDWR);
	if (null_fd >= 0) {
		dup2(null_fd, 0);
		dup2(null_fd, 1);
		dup2(null_fd, 2);
		if (null_fd > 2)
			close(null_fd);
	}
	s->detached = true;
	s->running_child = false;
	if (s->ctl)
		control_moved(s->ctl, (long)getpid());
	if (run_metrics_start(s, err, sizeof err) < 0)
		logbook_note(s->lb, "%s; no metrics endpoint after detaching", err);
	probe_close(s->pr);
	probe_config pc = run_probe_config(s);
	s->pr = probe_open(&pc, err, sizeof err);
	if (!s->pr) {
		logbook_note(s->lb, "cannot follow the command after detaching: %s", err);
		snprintf(s->reason, sizeof s->reason, "the command could not be followed after detaching");
		s->stop = true;
		return;
	}
	logbook_note(s->lb, "following the command by its pid %d; its exit status will not be known", (int)s->ch.pid);
restart:;
	sampler_config sc = run_sampler_config(s);
	s->smp = sampler_start(&sc, err, sizeof err);
	if (!s->smp) {
		logbook_note(s->lb, "cannot restart sampling: %s", err);
		snprintf(s->reason, sizeof s->reason, "sampling could not restart: %s", err);
		s->failed = true;
		s->stop = true;
	}
}

/* After the loop: the view closed, the recording finished, the summary;
 * returns the exit status (the command's own in run mode). */
static int run_finish(session *s)
{
	int rc = 0;
	if (s->view) {
		ui_close(s->view, false);
		s->view = NULL;
	}
	finish_recording(s);
	if (!s->reason[0])
		snprintf(s->reason, sizeof s->reason, "stopped");
	if (!s->detached)
		print_summary(s, s->csv_path, s->log_path, &s->final_stats);
	if (s->running_child && s->child_done)
		rc = child_exit_code(s->child_status);
	else if (s->last_signal)
		rc = 128 + s->last_signal;
	if (s->failed && rc == 0)
		rc = 1;
	return rc;
}

/* Frees what the session still holds. Leaving normally, the guard goes too
 * (a detached memlog leaving the foreground never gets here: it _exits). */
static void run_close(session *s)
{
	char err[256];
	guard_release(s->guard_fd);
	for (int i = 0; i < CLI_MAX_LOGS; i++)
		logsrc_free(s->tails[i], mtime_wall_ns());
	logsrc_free(s->out_src, mtime_wall_ns());
	logsrc_free(s->err_src, mtime_wall_ns());
	if (s->smp)
		sampler_stop(s->smp, NULL);
	if (s->csv)
		reccsv_close(s->csv, err, sizeof err);
	if (s->procs)
		reccsv_close(s->procs, err, sizeof err);
	procthin_free(s->thin);
	procset_free(s->procset);
	free(s->procs_path);
	if (s->lb)
		logbook_close(s->lb);
	recfiles_log_close(s->logw);
	if (s->ser)
		series_free(s->ser);
	markers_free(s->marks);
	if (s->pr)
		probe_close(s->pr);
	kmsg_close(s->kmsg);
	markon_free(s->mark_on);
	control_close(s->ctl, NULL);
	metricsd_stop(s->metrics);
	if (s->job) {
		char why[640];
		jobcg_remove(s->job, why, sizeof why);
	}
	free(s->log_path);
	loop_close();
}

int run_main(const cli_options *o)
{
	session s = {
		.opt = o,
		.guard_fd = -1,
		.notify_fd = -1,
		.notify_rd = -1,
		/* The live view needs a terminal both ways; anything else records headless. */
		.interactive = !o->headless && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO),
	};
	int rc = run_open(&s);
	if (rc == 0) {
		run_loop(&s);
		rc = run_finish(&s);
	}
	run_close(&s);
	return rc;
}

