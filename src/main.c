/*
 * main.c: the command line and the wiring of the modules. The main thread
 * owns the child, the log sources and the signals (which reach it through a
 * self-pipe); the sampler thread owns the probe and the CSV.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "record/child.h"
#include "base/duration.h"
#include "record/guard.h"
#include "model/logbook.h"
#include "record/logsrc.h"
#include "base/mtime.h"
#include "base/outfile.h"
#include "record/probe.h"
#include "recording/reccsv.h"
#include "replay.h"
#include "report.h"
#include "record/sampler.h"
#include "model/series.h"
#include "view/ui.h"
#include "base/units.h"

#define MEMLOG_VERSION "0.1.0"
#define MAX_LOGS 16
/* Full-resolution samples kept in memory; older ones live on in the pyramid. */
#define SERIES_RECENT 32768
#define LOGBOOK_LINES 10000
/* After -d in run mode, how long the command has to exit after SIGTERM. */
#define TERM_GRACE_NS (5 * INT64_C(1000000000))

enum command { CMD_RUN, CMD_WATCH };

typedef struct options {
	enum command cmd;
	const char *output;
	int64_t interval_ns;
	int64_t duration_ns;
	const char *logs[MAX_LOGS];
	int nlogs;
	bool pss, no_children, headless, keep_stdin;
	pid_t pid;
	const char *cgroup;
	char **argv; /* run: the command */
} options;

static int signal_pipe[2] = { -1, -1 };

/* Signal handler: hands the signal number to the main loop, nothing else. */
static void on_signal(int sig)
{
	int saved = errno;
	unsigned char byte = (unsigned char)sig;
	ssize_t w = write(signal_pipe[1], &byte, 1);
	(void)w;
	errno = saved;
}

static const char usage_text[] =
	"usage: memlog run    [OPTIONS] [--] COMMAND [ARG...]\n"
	"       memlog watch  [OPTIONS] [--pid PID | --cgroup DIR | --system]\n"
	"       memlog replay [OPTIONS] REC.csv [OTHER.csv]\n"
	"       memlog report [OPTIONS] REC.csv\n"
	"       memlog plot   [OPTIONS] REC.csv [OTHER.csv] [-o REC.svg]\n"
	"       memlog --help | --version\n"
	"\n"
	"Watch the memory of a job over time and record every sample to CSV.\n"
	"\n"
	"  run     start COMMAND and record its whole process tree (children and\n"
	"          orphaned grandchildren too); exits with COMMAND's exit status\n"
	"          (128+N when it was killed by signal N)\n"
	"  watch   record something already running: a process and its\n"
	"          descendants (--pid), a cgroup (--cgroup), or the machine\n"
	"          (--system, the default)\n"
	"  replay  browse a recording with its logs lined up against the curve\n"
	"  report  the phases of the curve, what the logs said in each, and\n"
	"          which phase to look at first\n"
	"  plot    the recording as an SVG picture\n"
	"  (memlog COMMAND --help tells more about each)\n"
	"\n"
	"Options of run and watch:\n"
	"  -o, --output FILE     CSV to write (default memlog-YYYYmmdd-HHMMSS.csv);\n"
	"                        the log lines go beside it in FILE with .log. An\n"
	"                        existing regular file is replaced; a symbolic link,\n"
	"                        a device or a FIFO is refused. The default name is\n"
	"                        never one that exists (then -2, -3, ... is added)\n"
	"  -i, --interval TIME   time between samples, 1ms..1h (default 100ms);\n"
	"                        units ns, us, ms, s, m, h, e.g. 5ms, 0.5s, 2s\n"
	"  -d, --duration TIME   stop after TIME (run: COMMAND then gets SIGTERM,\n"
	"                        and SIGKILL 5 s later if it is still there)\n"
	"  -l, --log FILE        tail FILE into the .log (repeatable); waits for it\n"
	"                        to appear, follows rotation and truncation; a\n"
	"                        regular file or a FIFO (a device is refused)\n"
	"      --pss             also sample PSS from smaps_rollup (at most 1/s)\n"
	"      --no-children     count only the process itself, not its descendants\n"
	"      --headless        no live view (automatic when stdout is not a terminal)\n"
	"      --stdin           run: give COMMAND memlog's stdin (default /dev/null)\n"
	"  -h, --help            this help\n"
	"  -V, --version         memlog's version\n"
	"\n"
	"Options of watch:\n"
	"  -p, --pid PID         a process and its descendants\n"
	"  -c, --cgroup DIR      a cgroup directory (v1 or v2), e.g.\n"
	"                        /sys/fs/cgroup/memory/myjob or /sys/fs/cgroup/myjob\n"
	"      --system          the whole machine (default)\n"
	"\n"
	"Signals: SIGUSR1 drops a marker labelled SIGUSR1. SIGINT and SIGTERM are\n"
	"passed on to COMMAND in run mode (the recording goes on until it exits;\n"
	"a third one stops memlog); in watch mode they end the recording. When\n"
	"the terminal goes away (SIGHUP, or it just closes) memlog records on\n"
	"headless. If memlog itself is killed (kill -9, the OOM killer), COMMAND\n"
	"runs on unrecorded, its output discarded, and the .log says when.\n"
	"\n"
	"A full disk stops the recording, not COMMAND: the CSV keeps every row\n"
	"written before, whole, and memlog says from when and how many.\n"
	"\n"
	"CSV columns: time (UTC), elapsed_s, rss anon file shmem swap pss (bytes,\n"
	"summed over the tree), procs, sys_used sys_avail (bytes, the machine),\n"
	"cgroup (bytes), marker. A column that was not measured is empty.\n";

/* Prints the usage to stdout (asked for) and exits 0. */
static void usage_exit(void)
{
	fputs(usage_text, stdout);
	exit(0);
}

/* Reports a command-line mistake with a pointer to --help, exits 2. */
static void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void usage_error(const char *fmt, ...)
{
	va_list ap;
	fputs("memlog: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'memlog --help' for more information.\n", stderr);
	exit(2);
}

/* Parses a duration option within [min_ns, max_ns] or exits naming it. */
static int64_t parse_time_option(const char *opt, const char *text, int64_t min_ns, int64_t max_ns)
{
	char err[256], lo[32], hi[32];
	int64_t ns;
	if (duration_parse(text, &ns, err, sizeof err) < 0)
		usage_error("%s: %s", opt, err);
	if (ns < min_ns || ns > max_ns) {
		duration_format(min_ns, lo, sizeof lo);
		duration_format(max_ns, hi, sizeof hi);
		usage_error("%s: '%s' is out of range; expected %s to %s", opt, text, lo, hi);
	}
	return ns;
}

/* Parses a PID or exits naming the option. */
static pid_t parse_pid(const char *text)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno || end == text || *end || v <= 0 || v > INT_MAX)
		usage_error("--pid: '%s' is not a process ID; expected a positive whole number", text);
	return (pid_t)v;
}

/* Fills o from argv (after the command word) or exits with a usage error. */
static void parse_options(int argc, char **argv, options *o)
{
	enum { OPT_PSS = 256, OPT_NO_CHILDREN, OPT_HEADLESS, OPT_SYSTEM, OPT_STDIN };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "interval", required_argument, NULL, 'i' },
		{ "duration", required_argument, NULL, 'd' },
		{ "log", required_argument, NULL, 'l' },
		{ "pss", no_argument, NULL, OPT_PSS },
		{ "no-children", no_argument, NULL, OPT_NO_CHILDREN },
		{ "headless", no_argument, NULL, OPT_HEADLESS },
		{ "stdin", no_argument, NULL, OPT_STDIN },
		{ "pid", required_argument, NULL, 'p' },
		{ "cgroup", required_argument, NULL, 'c' },
		{ "system", no_argument, NULL, OPT_SYSTEM },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = o->cmd == CMD_RUN ? "run" : "watch";
	int targets = 0, c;

	o->interval_ns = 100 * INT64_C(1000000);
	opterr = 0;
	/* "+": stop at the command's name, so its own options stay its own. */
	while ((c = getopt_long(argc, argv, "+:o:i:d:l:p:c:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (!*optarg)
				usage_error("-o: expected a file name, got an empty string");
			o->output = optarg;
			break;
		case 'i':
			o->interval_ns = parse_time_option("-i", optarg, INT64_C(1000000), INT64_C(3600000000000));
			break;
		case 'd':
			o->duration_ns = parse_time_option("-d", optarg, INT64_C(1000000), INT64_C(366) * 86400 * 1000000000);
			break;
		case 'l': {
			char err[512];
			if (o->nlogs == MAX_LOGS)
				usage_error("-l: at most %d log files", MAX_LOGS);
			if (logsrc_check("-l", optarg, err, sizeof err) < 0)
				usage_error("%s", err);
			o->logs[o->nlogs++] = optarg;
			break;
		}
		case OPT_PSS: o->pss = true; break;
		case OPT_NO_CHILDREN: o->no_children = true; break;
		case OPT_HEADLESS: o->headless = true; break;
		case OPT_STDIN: o->keep_stdin = true; break;
		case 'p': o->pid = parse_pid(optarg); targets++; break;
		case 'c': o->cgroup = optarg; targets++; break;
		case OPT_SYSTEM: targets++; break; /* the default target anyway */
		case 'h': usage_exit(); break;
		case 'V': printf("memlog %s\n", MEMLOG_VERSION); exit(0);
		case ':':
			usage_error("%s: option '%s' needs a value", cmd, argv[optind - 1]);
		default:
			if (optopt)
				usage_error("%s: unknown option '-%c'", cmd, optopt);
			usage_error("%s: unknown option '%s'", cmd, argv[optind - 1]);
		}
	}
	if (o->cmd == CMD_RUN) {
		if (targets)
			usage_error("run: --pid, --cgroup and --system belong to 'memlog watch'; run records the command it starts");
		if (optind >= argc)
			usage_error("run: expected a command to run, e.g. memlog run -- python3 train.py");
		o->argv = argv + optind;
	} else {
		if (optind < argc)
			usage_error("watch: unexpected argument '%s'; to start a command use 'memlog run'", argv[optind]);
		if (targets > 1)
			usage_error("watch: choose one of --pid, --cgroup and --system");
		if (o->cgroup) {
			struct stat st;
			if (stat(o->cgroup, &st) != 0)
				usage_error("--cgroup %s: %s; expected a cgroup directory", o->cgroup, strerror(errno));
			if (!S_ISDIR(st.st_mode))
				usage_error("--cgroup %s: not a directory; expected a cgroup directory", o->cgroup);
		}
	}
}


/* Installs the signal handlers that feed the self-pipe. */
static int install_signals(void)
{
	struct sigaction sa;
	if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGCHLD, SIGWINCH };
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigaction(sigs[i], &sa, NULL) < 0)
			return -1;
	/* A reader of our stdout going away must not kill the recording. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* The state of one recording session, shared by the loop's helpers. */
typedef struct session {
	const options *opt;
	logbook *lb;
	sampler *smp;
	series *ser;
	logsrc *out_src, *err_src;
	logsrc *tails[MAX_LOGS];
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
	char reason[640];     /* why the recording ended, for the .log and the summary */
	ui *view;             /* the live view, NULL when headless */
	markers *marks;
	enum ui_action asked; /* what the person asked for in the view */
	bool kill_asked;      /* stop once the command, sent SIGTERM, has gone */
	bool detached;        /* this process carries on a recording after `d` */
	bool hung_up;         /* the view's terminal hung up; later SIGHUPs are ignored */
	probe *pr;
	reccsv_writer *csv;
	probe_config pc;
	int notify_fd;
	int notify_rd;        /* the read end: a byte when the sampler stopped by itself */
	int64_t start_mono_ns;
	const char *csv_path, *log_path;
	bool recording_done;
	sampler_stats final_stats;
	sampler_stats before_detach; /* the counts of the sampler stopped to detach */
} session;

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

/* Acts on the signals the handler queued in the self-pipe. */
static void handle_signals(session *s)
{
	unsigned char sigs[64];
	ssize_t n;
	while ((n = read(signal_pipe[0], sigs, sizeof sigs)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			int sig = sigs[i];
			if (sig == SIGCHLD) {
				reap_children(s);
			} else if (sig == SIGWINCH) {
				if (s->view)
					ui_resize(s->view);
			} else if (sig == SIGUSR1) {
				if (!s->smp)
					continue;
				sampler_mark(s->smp, "SIGUSR1");
				logbook_note(s->lb, "marker SIGUSR1");
			} else if (sig == SIGHUP && (s->view || s->hung_up)) {
				/* More hang-ups (the shell passes one on as it exits)
				 * are not for the command either. */
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
static void hook_mark(void *ctx, const char *label, int64_t at_ns)
{
	session *s = ctx;
	(void)at_ns; /* live: the sample is taken now */
	if (!s->smp) {
		ui_status(s->view, "the recording has ended; no more markers");
		return;
	}
	sampler_mark(s->smp, label);
	logbook_note(s->lb, "marker %s", label);
}

/* The view's hook: whether quitting would leave a command behind. */
static bool hook_child_running(void *ctx)
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
static void session_loop(session *s)
{
	while (!s->stop) {
		struct pollfd pfd[6];
		int n = 0, timeout = 100; /* how often tailed files are looked at */
		pfd[n++] = (struct pollfd){ .fd = signal_pipe[0], .events = POLLIN };
		/* The sampler says when it stops by itself: seen at once, not at
		 * the next timeout. */
		pfd[n++] = (struct pollfd){ .fd = s->notify_rd, .events = POLLIN };
		if (s->out_src && logsrc_fd(s->out_src) >= 0)
			pfd[n++] = (struct pollfd){ .fd = logsrc_fd(s->out_src), .events = POLLIN };
		if (s->err_src && logsrc_fd(s->err_src) >= 0)
			pfd[n++] = (struct pollfd){ .fd = logsrc_fd(s->err_src), .events = POLLIN };
		int view_at = -1;
		if (s->view) {
			view_at = n;
			pfd[n++] = (struct pollfd){ .fd = ui_input_fd(s->view), .events = POLLIN };
			int t = ui_tick(s->view);
			if (t < timeout)
				timeout = t;
		}
		if (poll(pfd, (nfds_t)n, timeout) < 0 && errno != EINTR)
			break;
		int64_t now = mtime_wall_ns();
		char drop[16];
		while (read(s->notify_rd, drop, sizeof drop) > 0)
			;
		handle_signals(s);
		/* A terminal that closes without a SIGHUP (its signal ignored, say)
		 * polls as hung up for ever: that is a hang-up too. */
		if (s->view && view_at >= 0 && ui_input_gone(pfd[view_at].revents))
			terminal_gone(s, "terminal gone (hung up without SIGHUP)");
		if (s->view)
			act_on_view(s, ui_input(s->view));
		if (s->out_src)
			logsrc_pump(s->out_src, now);
		if (s->err_src)
			logsrc_pump(s->err_src, now);
		for (int i = 0; i < s->opt->nlogs; i++)
			logsrc_pump(s->tails[i], now);
		if (s->running_child)
			reap_children(s);
		check_sampler(s);
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
		if (logbook_flush(s->lb, err, sizeof err) < 0) {
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
	int col = SAMPLE_RSS;
	if (series_peak(s->ser, SAMPLE_PSS, &peak, &at) == 0)
		col = SAMPLE_PSS;
	else if (series_peak(s->ser, SAMPLE_RSS, &peak, &at) == 0)
		col = SAMPLE_RSS;
	else if (series_peak(s->ser, SAMPLE_CGROUP, &peak, &at) == 0)
		col = SAMPLE_CGROUP;
	else if (series_peak(s->ser, SAMPLE_SYS_USED, &peak, &at) == 0)
		col = SAMPLE_SYS_USED;
	else
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
	if (logbook_file_failed(s->lb))
		fprintf(stderr, "\nmemlog: wrote %s; %s stops at its last whole line, where the disk filled\n",
		        csv_path, log_path);
	else
		fprintf(stderr, "\nmemlog: wrote %s and %s\n", csv_path, log_path);
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
	int64_t now = mtime_wall_ns();
	logsrc_free(s->out_src, now);
	logsrc_free(s->err_src, now);
	s->out_src = s->err_src = NULL;
	if (s->csv_failed)
		logbook_note(s->lb, "recording ended: %s; the CSV keeps %llu rows", s->reason,
		             (unsigned long long)s->kept.rows);
	else
		logbook_note(s->lb, "recording ended: %s; %llu samples", s->reason[0] ? s->reason : "stopped",
		             (unsigned long long)s->final_stats.samples);
	if (logbook_flush(s->lb, err, sizeof err) < 0)
		fprintf(stderr, "memlog: %s\n", err);
	if (s->csv && reccsv_close(s->csv, err, sizeof err) < 0) {
		/* A failure already told (a full disk) is not told twice. */
		if (!s->csv_failed)
			fprintf(stderr, "memlog: -o %s\n", err);
		s->failed = true;
	}
	s->csv = NULL;
	if (s->pr)
		probe_close(s->pr);
	s->pr = NULL;
}

/* The header's words for what is recorded. */
static void describe_target(const options *o, char *buf, size_t n)
{
	size_t used = 0;
	if (o->cmd == CMD_RUN) {
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
	/* One thread only across fork: stop the sampler (it flushes the CSV). */
	sampler_stop(s->smp, &st);
	s->smp = NULL;
	s->before_detach = st;
	logbook_note(s->lb, "detached from the terminal: recording goes on in the background");
	logbook_flush(s->lb, err, sizeof err);
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
	probe_close(s->pr);
	s->pc.kind = PROBE_KIND_TREE;
	s->pc.pid = s->ch.pid;
	s->pc.include_root = true;
	s->pr = probe_open(&s->pc, err, sizeof err);
	if (!s->pr) {
		logbook_note(s->lb, "cannot follow the command after detaching: %s", err);
		snprintf(s->reason, sizeof s->reason, "the command could not be followed after detaching");
		s->stop = true;
		return;
	}
	logbook_note(s->lb, "following the command by its pid %d; its exit status will not be known", (int)s->ch.pid);
restart:;
	sampler_config sc = {
		.interval_ns = s->opt->interval_ns,
		.duration_ns = s->opt->duration_ns,
		.start_mono_ns = s->start_mono_ns,
		.stop_when_gone = s->detached,
		.probe = s->pr,
		.series = s->ser,
		.csv = s->csv,
		.marks = s->marks,
		.notify_fd = s->notify_fd,
	};
	s->smp = sampler_start(&sc, err, sizeof err);
	if (!s->smp) {
		logbook_note(s->lb, "cannot restart sampling: %s", err);
		snprintf(s->reason, sizeof s->reason, "sampling could not restart: %s", err);
		s->failed = true;
		s->stop = true;
	}
}

/* Creates the CSV and its .log. A name given with -o replaces what is
 * there (regular files only); the default name is the time of day, created
 * exclusively, with -2, -3, ... when taken, so nothing already there (a
 * planted link in /tmp, a recording of the same second) is ever written
 * through. Returns 0, or -1 having said why on stderr. */
static int open_outputs(const char *output, char *name, size_t namelen, reccsv_writer **csv,
                        logbook **lb, char **log_path)
{
	char err[512];
	enum outfile_mode mode = output ? OUTFILE_REPLACE : OUTFILE_NEW;
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "memlog-%Y%m%d-%H%M%S", &tm);
	for (int k = 1; k <= 100; k++) {
		const char *path = output;
		if (!output) {
			if (k == 1)
				snprintf(name, namelen, "%s.csv", stamp);
			else
				snprintf(name, namelen, "%s-%d.csv", stamp, k);
			path = name;
		}
		*log_path = replay_sibling(path, ".log");
		if (!*log_path) {
			fprintf(stderr, "memlog: out of memory\n");
			return -1;
		}
		*csv = reccsv_create(path, mode, err, sizeof err);
		if (!*csv) {
			if (!output && errno == EEXIST)
				goto next;
			fprintf(stderr, "memlog: -o %s\n", err);
			return -1;
		}
		*lb = logbook_open(*log_path, mode, LOGBOOK_LINES, err, sizeof err);
		if (*lb)
			return 0;
		int e = errno;
		char ignored[256];
		reccsv_close(*csv, ignored, sizeof ignored);
		*csv = NULL;
		unlink(path);
		if (output || e != EEXIST) {
			fprintf(stderr, "memlog: %s\n", err);
			return -1;
		}
next:
		free(*log_path);
		*log_path = NULL;
		if (output)
			break;
	}
	fprintf(stderr, "memlog: cannot find a free default name like %s.csv in this directory; "
	        "give one with -o\n", stamp);
	return -1;
}

/* Runs `memlog run` or `memlog watch`; returns the exit status. */
static int record(const options *o)
{
	char err[512], default_name[64];
	const char *csv_path = o->output;
	int notify[2] = { -1, -1 };
	int rc = 0;
	session s = { .opt = o };
	probe *pr = NULL;
	reccsv_writer *csv = NULL;
	char *log_path = NULL;
	int guard_fd = -1; /* keeps the command alive should memlog be killed */
	/* The live view needs a terminal both ways; anything else records headless. */
	bool interactive = !o->headless && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO);

	if (install_signals() < 0 || pipe2(notify, O_CLOEXEC | O_NONBLOCK) < 0) {
		fprintf(stderr, "memlog: cannot set up: %s\n", strerror(errno));
		return 1;
	}

	probe_config pc = { .proc_root = "/proc", .sys_root = "/sys", .pss = o->pss, .children = !o->no_children };
	if (o->cmd == CMD_WATCH) {
		if (o->pid) {
			pc.kind = PROBE_KIND_TREE;
			pc.pid = o->pid;
			pc.include_root = true;
		} else if (o->cgroup) {
			pc.kind = PROBE_KIND_CGROUP;
			pc.cgroup_dir = o->cgroup;
		} else {
			pc.kind = PROBE_KIND_SYSTEM;
		}
		pr = probe_open(&pc, err, sizeof err);
		if (!pr) {
			fprintf(stderr, "memlog: %s\n", err);
			free(log_path);
			return 1;
		}
	}

	/* Output first: a path that cannot be written fails before anything runs. */
	if (open_outputs(o->output, default_name, sizeof default_name, &csv, &s.lb, &log_path) < 0) {
		rc = 1;
		goto out;
	}
	csv_path = o->output ? o->output : default_name;

	if (o->cmd == CMD_RUN) {
		int exec_errno;
		/* Before memlog becomes a subreaper, so the guard is not in the tree. */
		guard_fd = guard_start(log_path);
		if (guard_fd < 0)
			fprintf(stderr, "memlog: cannot start the guard process (%s); if memlog is killed, "
			        "the command may die with it\n", strerror(errno));
		/* Orphaned grandchildren are reparented to memlog, so they stay counted. */
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
		if (child_spawn(o->argv, o->keep_stdin, &s.ch, &exec_errno, err, sizeof err) < 0) {
			fprintf(stderr, "memlog: %s\n", err);
			/* Nothing was recorded: leave no empty files behind. */
			reccsv_close(csv, err, sizeof err);
			csv = NULL;
			logbook_close(s.lb);
			s.lb = NULL;
			unlink(csv_path);
			unlink(log_path);
			rc = exec_errno == ENOENT ? 127 : exec_errno ? 126 : 1;
			goto out;
		}
		s.running_child = true;
		if (guard_fd >= 0 && guard_arm(guard_fd, s.ch.out_fd, s.ch.err_fd) < 0) {
			fprintf(stderr, "memlog: cannot arm the guard process (%s); if memlog is killed, "
			        "the command may die with it\n", strerror(errno));
			guard_release(guard_fd);
			guard_fd = -1;
		}
		if (o->no_children) {
			pc.kind = PROBE_KIND_TREE;
			pc.pid = s.ch.pid;
			pc.include_root = true;
		} else {
			pc.kind = PROBE_KIND_TREE;
			pc.pid = getpid();
			pc.include_root = false;
		}
		pr = probe_open(&pc, err, sizeof err);
		if (!pr) {
			fprintf(stderr, "memlog: %s\n", err);
			kill(-s.ch.pid, SIGTERM);
			rc = 1;
			goto out;
		}
		/* The live view shows the output in its pane; headless, it passes through. */
		s.out_src = logsrc_stream(s.ch.out_fd, "out", interactive ? -1 : STDOUT_FILENO, s.lb);
		s.err_src = logsrc_stream(s.ch.err_fd, "err", interactive ? -1 : STDERR_FILENO, s.lb);
	}

	{
		char iv[32];
		duration_format(o->interval_ns, iv, sizeof iv);
		if (o->cmd == CMD_RUN) {
			char line[1024];
			size_t used = 0;
			for (char **a = o->argv; *a && used < sizeof line - 1; a++)
				used += (size_t)snprintf(line + used, sizeof line - used, "%s%s", a == o->argv ? "" : " ", *a);
			logbook_note(s.lb, "started: %s (pid %d), sampling every %s into %s", line, (int)s.ch.pid, iv, csv_path);
		} else if (o->pid) {
			logbook_note(s.lb, "watching pid %d%s, sampling every %s into %s", (int)o->pid,
			             o->no_children ? "" : " and its descendants", iv, csv_path);
		} else if (o->cgroup) {
			logbook_note(s.lb, "watching cgroup %s, sampling every %s into %s", o->cgroup, iv, csv_path);
		} else {
			logbook_note(s.lb, "watching the machine, sampling every %s into %s", iv, csv_path);
		}
		if (!interactive)
			fprintf(stderr, "memlog: recording every %s to %s (log lines in %s)\n", iv, csv_path, log_path);
	}
	for (int i = 0; i < o->nlogs; i++)
		s.tails[i] = logsrc_tail(o->logs[i], s.lb);

	s.ser = series_new(SERIES_RECENT);
	s.marks = markers_new();
	s.pr = pr;
	s.csv = csv;
	s.pc = pc;
	s.notify_fd = notify[1];
	s.notify_rd = notify[0];
	s.start_mono_ns = mtime_mono_ns();
	s.csv_path = csv_path;
	s.log_path = log_path;
	sampler_config sc = {
		.interval_ns = o->interval_ns,
		.duration_ns = o->duration_ns,
		.start_mono_ns = s.start_mono_ns,
		.stop_when_gone = o->cmd == CMD_WATCH && o->pid,
		.probe = pr,
		.series = s.ser,
		.csv = csv,
		.marks = s.marks,
		.notify_fd = notify[1],
	};
	s.smp = s.ser && s.marks ? sampler_start(&sc, err, sizeof err) : NULL;
	if (!s.smp) {
		fprintf(stderr, "memlog: %s\n", s.ser && s.marks ? err : "out of memory");
		if (s.running_child)
			kill(-s.ch.pid, SIGTERM);
		rc = 1;
		goto out;
	}

	if (interactive) {
		char target[1100];
		describe_target(o, target, sizeof target);
		view_info info = { .target = target, .csv_path = csv_path, .interval_ns = o->interval_ns };
		ui_hooks hooks = { .ctx = &s, .mark = hook_mark, .child_running = hook_child_running };
		s.view = ui_open(&info, s.ser, NULL, s.marks, s.lb, &hooks, err, sizeof err);
		if (!s.view) {
			fprintf(stderr, "memlog: %s; recording headless to %s (log lines in %s)\n", err, csv_path, log_path);
			logsrc_set_echo(s.out_src, STDOUT_FILENO);
			logsrc_set_echo(s.err_src, STDERR_FILENO);
		}
	}

	session_loop(&s);

	if (s.view) {
		ui_close(s.view, false);
		s.view = NULL;
	}
	finish_recording(&s);
	csv = NULL;
	pr = NULL;
	if (!s.reason[0])
		snprintf(s.reason, sizeof s.reason, "stopped");
	if (!s.detached)
		print_summary(&s, csv_path, log_path, &s.final_stats);

	if (s.running_child && s.child_done)
		rc = child_exit_code(s.child_status);
	else if (s.last_signal)
		rc = 128 + s.last_signal;
	if (s.failed && rc == 0)
		rc = 1;
out:
	/* Leaving normally: the guard goes too. A detached memlog that exits
	 * here in the foreground never gets this far (it _exits). */
	guard_release(guard_fd);
	for (int i = 0; i < MAX_LOGS; i++)
		logsrc_free(s.tails[i], mtime_wall_ns());
	logsrc_free(s.out_src, mtime_wall_ns());
	logsrc_free(s.err_src, mtime_wall_ns());
	if (s.smp)
		sampler_stop(s.smp, NULL);
	if (csv)
		reccsv_close(csv, err, sizeof err);
	if (s.lb)
		logbook_close(s.lb);
	if (s.ser)
		series_free(s.ser);
	markers_free(s.marks);
	if (pr)
		probe_close(pr);
	free(log_path);
	return rc;
}

int main(int argc, char **argv)
{
	options o;
	memset(&o, 0, sizeof o);
	if (argc < 2)
		usage_error("expected a command: run, watch, replay, report or plot");
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0)
		usage_exit();
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("memlog %s\n", MEMLOG_VERSION);
		return 0;
	}
	if (strcmp(cmd, "run") == 0)
		o.cmd = CMD_RUN;
	else if (strcmp(cmd, "watch") == 0)
		o.cmd = CMD_WATCH;
	else if (strcmp(cmd, "replay") == 0)
		return replay_main(argc - 1, argv + 1);
	else if (strcmp(cmd, "report") == 0)
		return report_main(argc - 1, argv + 1);
	else if (strcmp(cmd, "plot") == 0)
		return plot_main(argc - 1, argv + 1);
	else
		usage_error("unknown command '%s'; expected run, watch, replay, report or plot", cmd);
	parse_options(argc - 1, argv + 1, &o);
	return record(&o);
}
