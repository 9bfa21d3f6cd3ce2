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

#include "child.h"
#include "duration.h"
#include "logbook.h"
#include "logsrc.h"
#include "mtime.h"
#include "probe.h"
#include "reccsv.h"
#include "sampler.h"
#include "series.h"
#include "units.h"

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
	"\n"
	"Options of run and watch:\n"
	"  -o, --output FILE     CSV to write (default memlog-YYYYmmdd-HHMMSS.csv);\n"
	"                        the log lines go beside it in FILE with .log\n"
	"  -i, --interval TIME   time between samples, 1ms..1h (default 100ms);\n"
	"                        units ns, us, ms, s, m, h, e.g. 5ms, 0.5s, 2s\n"
	"  -d, --duration TIME   stop after TIME (run: COMMAND then gets SIGTERM,\n"
	"                        and SIGKILL 5 s later if it is still there)\n"
	"  -l, --log FILE        tail FILE into the .log (repeatable); waits for it\n"
	"                        to appear, follows rotation and truncation\n"
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
	"a third one stops memlog); in watch mode they end the recording.\n"
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
	bool system = false;

	o->interval_ns = 100 * INT64_C(1000000);
	opterr = 0;
	/* "+": stop at the command's name, so its own options stay its own. */
	while ((c = getopt_long(argc, argv, "+o:i:d:l:p:c:hV", longopts, NULL)) != -1) {
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
		case 'l':
			if (o->nlogs == MAX_LOGS)
				usage_error("-l: at most %d log files", MAX_LOGS);
			o->logs[o->nlogs++] = optarg;
			break;
		case OPT_PSS: o->pss = true; break;
		case OPT_NO_CHILDREN: o->no_children = true; break;
		case OPT_HEADLESS: o->headless = true; break;
		case OPT_STDIN: o->keep_stdin = true; break;
		case 'p': o->pid = parse_pid(optarg); targets++; break;
		case 'c': o->cgroup = optarg; targets++; break;
		case OPT_SYSTEM: system = true; targets++; break;
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
		(void)system;
	}
}

/* The .log path that goes with a CSV path: x.csv -> x.log, x -> x.log. */
static char *log_path_for(const char *csv_path)
{
	size_t n = strlen(csv_path);
	char *p = malloc(n + 5);
	if (!p)
		return NULL;
	memcpy(p, csv_path, n + 1);
	if (n > 4 && strcmp(p + n - 4, ".csv") == 0)
		strcpy(p + n - 4, ".log");
	else
		strcpy(p + n, ".log");
	return p;
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
	int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGCHLD };
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
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
	int64_t term_sent_mono_ns;
	bool kill_sent;
	char reason[640];     /* why the recording ended, for the .log and the summary */
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
				child_describe(status, how, sizeof how);
				s->child_done = true;
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
			} else if (sig == SIGUSR1) {
				sampler_mark(s->smp, "SIGUSR1");
				logbook_note(s->lb, "marker SIGUSR1");
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

/* Checks whether the sampler ended by itself and what that means. */
static void check_sampler(session *s)
{
	enum sampler_end end = sampler_state(s->smp);
	char err[512];
	char d[32];
	switch (end) {
	case SAMPLER_RUNNING:
	case SAMPLER_STOPPED:
		return;
	case SAMPLER_TARGET_GONE:
		if (!s->reason[0])
			snprintf(s->reason, sizeof s->reason, "process %d and its descendants are gone", (int)s->opt->pid);
		s->stop = true;
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
			s->stop = true;
		}
		return;
	case SAMPLER_ERROR:
		sampler_error(s->smp, err, sizeof err);
		if (!s->failed) {
			fprintf(stderr, "memlog: recording stopped: %s\n", err);
			if (s->running_child && !s->child_done)
				fprintf(stderr, "memlog: the command keeps running; waiting for it to exit\n");
			logbook_note(s->lb, "recording stopped: %s", err);
			snprintf(s->reason, sizeof s->reason, "recording failed: %s", err);
		}
		s->failed = true;
		if (!s->running_child || s->child_done)
			s->stop = true;
		return;
	}
}

/* The main loop: signals, the child's output, tailed logs, the sampler. */
static void session_loop(session *s)
{
	while (!s->stop) {
		struct pollfd pfd[4];
		int n = 0;
		pfd[n++] = (struct pollfd){ .fd = signal_pipe[0], .events = POLLIN };
		if (s->out_src && logsrc_fd(s->out_src) >= 0)
			pfd[n++] = (struct pollfd){ .fd = logsrc_fd(s->out_src), .events = POLLIN };
		if (s->err_src && logsrc_fd(s->err_src) >= 0)
			pfd[n++] = (struct pollfd){ .fd = logsrc_fd(s->err_src), .events = POLLIN };
		/* 100 ms: how often tailed files are looked at and checks are made. */
		if (poll(pfd, (nfds_t)n, 100) < 0 && errno != EINTR)
			break;
		int64_t now = mtime_wall_ns();
		handle_signals(s);
		if (s->out_src)
			logsrc_pump(s->out_src, now);
		if (s->err_src)
			logsrc_pump(s->err_src, now);
		for (int i = 0; i < s->opt->nlogs; i++)
			logsrc_pump(s->tails[i], now);
		if (s->running_child)
			reap_children(s);
		check_sampler(s);
		if (s->running_child && s->child_done && s->tree_empty) {
			if (!s->reason[0])
				snprintf(s->reason, sizeof s->reason, "the command and all its processes ended");
			s->stop = true;
		}
		if (s->term_sent_mono_ns && !s->kill_sent && !s->child_done &&
		    mtime_mono_ns() - s->term_sent_mono_ns > TERM_GRACE_NS) {
			logbook_note(s->lb, "the command did not exit within 5 s of SIGTERM; sending SIGKILL");
			signal_child(s, SIGKILL);
			s->kill_sent = true;
		}
		char err[512];
		if (logbook_flush(s->lb, err, sizeof err) < 0)
			fprintf(stderr, "memlog: %s (the CSV goes on)\n", err);
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
	int col = PROBE_RSS;
	if (series_peak(s->ser, PROBE_PSS, &peak, &at) == 0)
		col = PROBE_PSS;
	else if (series_peak(s->ser, PROBE_RSS, &peak, &at) == 0)
		col = PROBE_RSS;
	else if (series_peak(s->ser, PROBE_CGROUP, &peak, &at) == 0)
		col = PROBE_CGROUP;
	else if (series_peak(s->ser, PROBE_SYS_USED, &peak, &at) == 0)
		col = PROBE_SYS_USED;
	else
		peak = -1;
	fprintf(stderr, "memlog: %s; %llu samples over %s (%llu ticks missed)",
	        s->reason, (unsigned long long)st->samples, span, (unsigned long long)st->ticks_missed);
	if (peak >= 0) {
		units_bytes(peak, peak_s, sizeof peak_s);
		units_elapsed(at, at_s, sizeof at_s);
		fprintf(stderr, ", peak %s %s at %s", probe_col_names[col], peak_s, at_s);
	}
	fprintf(stderr, "\nmemlog: wrote %s and %s\n", csv_path, log_path);
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

	if (!csv_path) {
		time_t t = time(NULL);
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(default_name, sizeof default_name, "memlog-%Y%m%d-%H%M%S.csv", &tm);
		csv_path = default_name;
	}
	log_path = log_path_for(csv_path);
	if (!log_path || install_signals() < 0 || pipe2(notify, O_CLOEXEC | O_NONBLOCK) < 0) {
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
	csv = reccsv_create(csv_path, err, sizeof err);
	if (!csv) {
		fprintf(stderr, "memlog: -o %s\n", err);
		rc = 1;
		goto out;
	}
	s.lb = logbook_open(log_path, LOGBOOK_LINES, err, sizeof err);
	if (!s.lb) {
		fprintf(stderr, "memlog: %s\n", err);
		rc = 1;
		goto out;
	}

	if (o->cmd == CMD_RUN) {
		int exec_errno;
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
		s.out_src = logsrc_stream(s.ch.out_fd, "out", STDOUT_FILENO, s.lb);
		s.err_src = logsrc_stream(s.ch.err_fd, "err", STDERR_FILENO, s.lb);
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
		if (!o->headless && isatty(STDOUT_FILENO))
			fprintf(stderr, "memlog: the live view is not in this version yet; recording headless\n");
		fprintf(stderr, "memlog: recording every %s to %s (log lines in %s)\n", iv, csv_path, log_path);
	}
	for (int i = 0; i < o->nlogs; i++)
		s.tails[i] = logsrc_tail(o->logs[i], s.lb);

	s.ser = series_new(SERIES_RECENT);
	sampler_config sc = {
		.interval_ns = o->interval_ns,
		.duration_ns = o->duration_ns,
		.start_mono_ns = mtime_mono_ns(),
		.stop_when_gone = o->cmd == CMD_WATCH && o->pid,
		.probe = pr,
		.series = s.ser,
		.csv = csv,
		.notify_fd = notify[1],
	};
	s.smp = s.ser ? sampler_start(&sc, err, sizeof err) : NULL;
	if (!s.smp) {
		fprintf(stderr, "memlog: %s\n", s.ser ? err : "out of memory");
		if (s.running_child)
			kill(-s.ch.pid, SIGTERM);
		rc = 1;
		goto out;
	}

	session_loop(&s);

	sampler_stats st;
	sampler_stop(s.smp, &st);
	s.smp = NULL;
	int64_t now = mtime_wall_ns();
	logsrc_free(s.out_src, now);
	logsrc_free(s.err_src, now);
	s.out_src = s.err_src = NULL;
	logbook_note(s.lb, "recording ended: %s; %llu samples", s.reason[0] ? s.reason : "stopped",
	             (unsigned long long)st.samples);
	if (reccsv_close(csv, err, sizeof err) < 0) {
		fprintf(stderr, "memlog: -o %s\n", err);
		s.failed = true;
	}
	csv = NULL;
	if (!s.reason[0])
		snprintf(s.reason, sizeof s.reason, "stopped");
	print_summary(&s, csv_path, log_path, &st);

	if (s.running_child && s.child_done)
		rc = child_exit_code(s.child_status);
	else if (s.last_signal)
		rc = 128 + s.last_signal;
	if (s.failed && rc == 0)
		rc = 1;
out:
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
		usage_error("expected a command: run or watch");
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
	else if (strcmp(cmd, "replay") == 0 || strcmp(cmd, "report") == 0) {
		fprintf(stderr, "memlog: '%s' is not in this version yet; the CSV can be read by any CSV tool meanwhile\n", cmd);
		return 2;
	} else
		usage_error("unknown command '%s'; expected run or watch", cmd);
	parse_options(argc - 1, argv + 1, &o);
	return record(&o);
}
