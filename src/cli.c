/* cli.c: the command line of memlog: parsing the options of run and watch,
 * the usage text, and the errors every command gives for a bad option. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/duration.h"
#include "base/units.h"
#include "base/mtime.h"
#include "recording/logtime.h"
#include "base/infile.h"
#include "record/metricsd.h"

static const char cli_usage_text[] =
	"usage: memlog run    [OPTIONS] [--] COMMAND [ARG...]\n"
	"       memlog watch  [OPTIONS] [--pid PID | --cgroup DIR | --system]\n"
	"       memlog replay [OPTIONS] REC.csv [OTHER.csv]\n"
	"       memlog report [OPTIONS] REC.csv [AFTER.csv]\n"
	"       memlog plot   [OPTIONS] REC.csv [OTHER.csv] [-o REC.svg]\n"
	"       memlog mark   [-l LABEL] [REC.csv | PID]\n"
	"       memlog attach [--list] [REC.csv | PID]\n"
	"       memlog export --openmetrics [OPTIONS] REC.csv\n"
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
	"          which phase to look at first; two recordings side by side\n"
	"  plot    the recording as an SVG picture\n"
	"  mark    a marker into a running recording, from any shell (the job\n"
	"          itself writes a line to $MEMLOG_MARK)\n"
	"  attach  the live view of a recording that runs without one (headless,\n"
	"          detached, its terminal gone); q leaves it recording\n"
	"  export  a recording as OpenMetrics, for Prometheus's backfill\n"
	"\n"
	"memlog COMMAND --help tells each command's options; man memlog tells all.\n"
	"A command-line mistake exits 2.\n";

/* The help of run and watch: their own lines first, the shared rest after. */
static const char cli_run_head[] =
	"usage: memlog run [OPTIONS] [--] COMMAND [ARG...]\n"
	"\n"
	"Start COMMAND and record the memory of its whole process tree (children\n"
	"and orphaned grandchildren too) until it ends, with its output in the\n"
	"live view and the .log. Exits with COMMAND's exit status (128+N when it\n"
	"was killed by signal N, 127 when it was not found, 126 when it could not\n"
	"be run; 1 when memlog could not record, 2 for a command-line mistake).\n";

static const char cli_watch_head[] =
	"usage: memlog watch [OPTIONS] [--pid PID | --cgroup DIR | --system]\n"
	"\n"
	"Record something already running: a process and its descendants, a\n"
	"cgroup, or the whole machine (the default), until it ends, -d passes or\n"
	"SIGINT/SIGTERM. Exits 0 (1 when memlog could not record, 2 for a\n"
	"command-line mistake).\n";

static const char cli_record_options[] =
	"\n"
	"Options:\n"
	"  -o, --output FILE     CSV to write (default memlog-YYYYmmdd-HHMMSS.csv);\n"
	"                        the log lines go beside it in FILE with .log, a row\n"
	"                        per process (but for the machine) in FILE with\n"
	"                        .procs.csv.\n"
	"                        An existing regular file is replaced; a symbolic link,\n"
	"                        a device or a FIFO is refused. The default name is\n"
	"                        never one that exists (then -2, -3, ... is added)\n"
	"  -i, --interval TIME   time between samples, 1ms..1h (default 100ms);\n"
	"                        units ns, us, ms, s, m, h, e.g. 5ms, 0.5s, 2s; a bare\n"
	"                        number is seconds, as for sleep(1): -i 5 is 5 s\n"
	"  -d, --duration TIME   stop after TIME (run: COMMAND then gets SIGTERM,\n"
	"                        and SIGKILL 5 s later if it is still there)\n"
	"  -l, --log FILE        tail FILE into the .log (repeatable); waits for it\n"
	"                        to appear, follows rotation and truncation; a\n"
	"                        regular file or a FIFO (a device is refused)\n"
	"      --pss             also sample PSS from smaps_rollup (at most 1/s)\n"
	"      --no-children     count only the process itself, not its descendants\n"
	"      --headless        no live view (automatic when stdout is not a terminal)\n"
	"      --mark-on REGEX   a log line (the command's, a -l file's) that matches\n"
	"                        becomes a marker, labelled by the first group, else by\n"
	"                        the line (repeatable; grep -E syntax, \\d \\w \\s as in\n"
	"                        Perl): --mark-on 'epoch (\\d+)'\n"
	"      --metrics-listen ADDR:PORT  serve the gauges at http://ADDR:PORT/metrics\n"
	"                        for Prometheus (text format 0.0.4, or OpenMetrics as\n"
	"                        asked); ':9101' is loopback's, '0.0.0.0:9101' every\n"
	"                        address's (your choice: anyone who reaches it reads)\n"
	"      --metrics-file PATH.prom  write the same gauges to PATH.prom once a\n"
	"                        second (atomically, by a rename), for node_exporter's\n"
	"                        textfile collector\n";

static const char cli_run_options[] =
	"      --stdin           give COMMAND memlog's stdin (default /dev/null)\n"
	"      --pty, --no-pty   COMMAND's stdout on a pseudo-terminal (it line-buffers,\n"
	"                        lines are stamped as printed) or a pipe (it sees what\n"
	"                        it would see in a pipeline; most programs then buffer\n"
	"                        their output, stamped as it comes); default: a\n"
	"                        pseudo-terminal when memlog's stdout is a terminal.\n"
	"                        Either way its bytes reach memlog's stdout unchanged\n"
	"                        (headless), and binary output is counted in the .log,\n"
	"                        not copied\n"
	"      --limit SIZE      COMMAND's tree under a memory limit (e.g. 4G), in\n"
	"                        the cgroup memlog makes for it: past it the kernel's\n"
	"                        OOM killer ends the job, as in a container of that size\n"
	"                        (an OOM kill is marked and named: see The OOM killer)\n";

static const char cli_watch_options[] =
	"  -p, --pid PID         a process and its descendants\n"
	"  -c, --cgroup DIR      a cgroup directory (v1 or v2), e.g.\n"
	"                        /sys/fs/cgroup/memory/myjob or /sys/fs/cgroup/myjob\n"
	"      --system          the whole machine (default)\n";

static const char cli_record_tail[] =
	"  -h, --help            this help\n"
	"\n"
	"The OOM killer: a kill is a marker \"OOM kill\" when the job's cgroup counts\n"
	"one (oom_kill) or the kernel log (/dev/kmsg) says one of the target's\n"
	"processes was killed; the .log, the view and report name it: the victim,\n"
	"what it held, whose limit. The kernel log is read where memlog may (root,\n"
	"or kernel.dmesg_restrict=0); watch --pid learns of a kill from it alone.\n"
	"\n"
	"Signals: SIGUSR1 drops a marker labelled SIGUSR1. SIGINT and SIGTERM are\n"
	"passed on to COMMAND in run mode (the recording goes on until it exits;\n"
	"a third one stops memlog); in watch mode they end the recording. When\n"
	"the terminal goes away (SIGHUP, or it just closes) memlog records on\n"
	"headless. If memlog itself is killed (kill -9, the OOM killer), COMMAND\n"
	"runs on unrecorded, its output discarded, and the .log says when.\n"
	"\n"
	"Markers from outside the view: run gives COMMAND $MEMLOG_MARK, a path where\n"
	"a line written is a marker (echo \"epoch 3\" > \"$MEMLOG_MARK\"); memlog mark\n"
	"drops one from any shell; --mark-on from log lines. memlog attach opens the\n"
	"live view of a recording that runs headless; q leaves it recording.\n"
	"\n"
	"A full disk stops the recording, not COMMAND: the CSV keeps every row\n"
	"written before, whole, and memlog says from when and how many.\n"
	"\n"
	"CSV columns: time (UTC), elapsed_s, rss anon file shmem swap pss (bytes,\n"
	"summed over the tree: a shared page once for each process), procs, sys_used\n"
	"sys_avail (bytes, the machine), cgroup (bytes), mem (bytes, the tree with\n"
	"every page counted once: run puts the job in a memory cgroup of its own;\n"
	"else the PSS sum, at most 5/s), cache (bytes, page cache not mapped),\n"
	"limit (bytes, the lowest memory limit on the cgroup's cgroup or one above\n"
	"it, read once a second; empty when none is set), marker. A column that\n"
	"was not measured is empty.\n"
	"\n"
	"REC.procs.csv, a row per process: time, elapsed_s, pid, ppid, name, cmd,\n"
	"rss anon file shmem swap (bytes, the process's own), pss (on the samples\n"
	"it was read), event (start, exit). A process gets a row when it starts,\n"
	"when a figure moved by more than 1 MiB and 1% since its last row, at\n"
	"least every 10 s, and when it exits. Key w in the live view lists them;\n"
	"? lists every key.\n";

/* The command whose options are being read: errors point to its --help. */
static const char *cli_cmd;

void cli_usage_exit(void)
{
	fputs(cli_usage_text, stdout);
	exit(0);
}

/* memlog run --help, memlog watch --help. */
__attribute__((noreturn)) static void cli_record_help_exit(enum cli_command cmd)
{
	fputs(cmd == CLI_RUN ? cli_run_head : cli_watch_head, stdout);
	fputs(cli_record_options, stdout);
	fputs(cmd == CLI_RUN ? cli_run_options : cli_watch_options, stdout);
	fputs(cli_record_tail, stdout);
	exit(0);
}

void cli_version_exit(void)
{
	printf("memlog %s\n", MEMLOG_VERSION);
	exit(0);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("memlog: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cli_cmd)
		fprintf(stderr, "\nTry 'memlog %s --help'.\n", cli_cmd);
	else
		fputs("\nTry 'memlog --help'.\n", stderr);
	exit(2);
}

int64_t cli_duration(const char *opt, const char *text, int64_t min_ns, int64_t max_ns)
{
	char err[256], lo[32], hi[32];
	int64_t ns;
	if (duration_parse(text, &ns, err, sizeof err) < 0)
		cli_error("%s: %s", opt, err);
	if (ns < min_ns || ns > max_ns) {
		duration_format(min_ns, lo, sizeof lo);
		duration_format(max_ns, hi, sizeof hi);
		cli_error("%s: '%s' is out of range; expected %s to %s", opt, text, lo, hi);
	}
	return ns;
}

/* Parses a PID or exits naming the option. */
static pid_t cli_pid(const char *text)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno || end == text || *end || v <= 0 || v > INT_MAX)
		cli_error("--pid: '%s' is not a process ID; expected a positive whole number", text);
	return (pid_t)v;
}

/* --metrics-listen (listen) or --metrics-file: checked, into o. */
static void cli_metrics_option(bool listen, const char *arg, cli_options *o)
{
	char why[512];
	if (!*arg)
		cli_error("%s: expected %s, got an empty string", listen ? "--metrics-listen" : "--metrics-file",
		          listen ? "ADDR:PORT (':9101' for loopback)" : "a file name (PATH.prom)");
	if (listen && metricsd_check(arg, why, sizeof why) < 0)
		cli_error("%s", why);
	if (listen)
		o->metrics_listen = arg;
	else
		o->metrics_file = arg;
}

void cli_parse_record(int argc, char **argv, cli_options *o)
{
	enum { OPT_PSS = 256, OPT_NO_CHILDREN, OPT_HEADLESS, OPT_SYSTEM, OPT_STDIN, OPT_LIMIT, OPT_PTY, OPT_NO_PTY, OPT_MARK_ON,
	       OPT_METRICS_LISTEN, OPT_METRICS_FILE };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "interval", required_argument, NULL, 'i' },
		{ "duration", required_argument, NULL, 'd' },
		{ "log", required_argument, NULL, 'l' },
		{ "pss", no_argument, NULL, OPT_PSS },
		{ "no-children", no_argument, NULL, OPT_NO_CHILDREN },
		{ "headless", no_argument, NULL, OPT_HEADLESS },
		{ "stdin", no_argument, NULL, OPT_STDIN },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "pty", no_argument, NULL, OPT_PTY },
		{ "mark-on", required_argument, NULL, OPT_MARK_ON },
		{ "metrics-listen", required_argument, NULL, OPT_METRICS_LISTEN },
		{ "metrics-file", required_argument, NULL, OPT_METRICS_FILE },
		{ "no-pty", no_argument, NULL, OPT_NO_PTY },
		{ "pid", required_argument, NULL, 'p' },
		{ "cgroup", required_argument, NULL, 'c' },
		{ "system", no_argument, NULL, OPT_SYSTEM },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = o->cmd == CLI_RUN ? "run" : "watch";
	int targets = 0, c;
	cli_cmd = cmd;

	o->interval_ns = NS_PER_S / 10;
	o->pty = -1;
	opterr = 0;
	/* "+": stop at the command's name, so its own options stay its own. */
	while ((c = getopt_long(argc, argv, "+:o:i:d:l:p:c:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (!*optarg)
				cli_error("-o: expected a file name, got an empty string");
			o->output = optarg;
			break;
		case 'i':
			o->interval_ns = cli_duration("-i", optarg, INT64_C(1000000), INT64_C(3600000000000));
			break;
		case 'd':
			o->duration_ns = cli_duration("-d", optarg, INT64_C(1000000), INT64_C(366) * 86400 * NS_PER_S);
			break;
		case 'l': {
			char err[512];
			if (o->nlogs == CLI_MAX_LOGS)
				cli_error("-l: at most %d log files", CLI_MAX_LOGS);
			if (infile_check_log("-l", optarg, err, sizeof err) < 0)
				cli_error("%s", err);
			o->logs[o->nlogs++] = optarg;
			break;
		}
		case OPT_PSS: o->pss = true; break;
		case OPT_NO_CHILDREN: o->no_children = true; break;
		case OPT_HEADLESS: o->headless = true; break;
		case OPT_STDIN: o->keep_stdin = true; break;
		case OPT_PTY: o->pty = 1; break;
		case OPT_METRICS_LISTEN:
		case OPT_METRICS_FILE:
			cli_metrics_option(c == OPT_METRICS_LISTEN, optarg, o);
			break;
		case OPT_MARK_ON: {
			char err[512];
			if (o->nmark_on == MARKON_MAX)
				cli_error("--mark-on: at most %d patterns", MARKON_MAX);
			const char *one[1] = { optarg };
			markon *m = markon_new(one, 1, err, sizeof err);
			if (!m)
				cli_error("%s", err);
			markon_free(m);
			o->mark_on[o->nmark_on++] = optarg;
			break;
		}
		case OPT_NO_PTY: o->pty = 0; break;
		case OPT_LIMIT:
			if (units_parse_bytes(optarg, &o->limit) < 0 || o->limit < (INT64_C(1) << 20))
				cli_error("--limit: '%s' is not a memory size; expected a size of 1 MiB or more like 512M, "
				          "4G or 1.5GiB", optarg);
			break;
		case 'p': o->pid = cli_pid(optarg); targets++; break;
		case 'c': o->cgroup = optarg; targets++; break;
		case OPT_SYSTEM: targets++; break; /* the default target anyway */
		case 'h': cli_record_help_exit(o->cmd);
		case 'V': cli_version_exit();
		case ':':
			cli_error("%s: option '%s' needs a value", cmd, argv[optind - 1]);
		default:
			if (optopt)
				cli_error("%s: unknown option '-%c'", cmd, optopt);
			cli_error("%s: unknown option '%s'", cmd, argv[optind - 1]);
		}
	}
	if (o->cmd == CLI_RUN) {
		if (targets)
			cli_error("run: --pid, --cgroup and --system belong to 'memlog watch'; run records the command it starts");
		if (optind >= argc)
			cli_error("run: expected a command to run, e.g. memlog run -- python3 train.py");
		if (o->limit && o->no_children)
			cli_error("run: --limit holds the whole tree in a cgroup; it cannot go with --no-children");
		o->argv = argv + optind;
	} else {
		if (optind < argc)
			cli_error("watch: unexpected argument '%s'; to start a command use 'memlog run'", argv[optind]);
		if (targets > 1)
			cli_error("watch: choose one of --pid, --cgroup and --system");
		if (o->limit)
			cli_error("watch: --limit belongs to 'memlog run', which starts the job in a cgroup of its own");
		if (o->pty >= 0)
			cli_error("watch: --%s belongs to 'memlog run': watch does not start the job", o->pty ? "pty" : "no-pty");
		if (o->cgroup) {
			struct stat st;
			if (stat(o->cgroup, &st) != 0)
				cli_error("--cgroup %s: %s; expected a cgroup directory", o->cgroup, strerror(errno));
			if (!S_ISDIR(st.st_mode))
				cli_error("--cgroup %s: not a directory; expected a cgroup directory", o->cgroup);
		}
	}
}

int cli_option_error(const char *cmd, int c, char **argv)
{
	if (c == ':')
		fprintf(stderr, "memlog: %s: option '%s' needs a value\n", cmd, argv[optind - 1]);
	else
		fprintf(stderr, "memlog: %s: unknown option '%s'\n", cmd, argv[optind - 1]);
	fprintf(stderr, "Try 'memlog %s --help'.\n", cmd);
	return 2;
}

int cli_log_option(int c, const char *value, reclogs *logs)
{
	switch (c) {
	case 'l':
		if (logs->n == RECLOGS_MAX) {
			fprintf(stderr, "memlog: --log: at most %d log files\n", RECLOGS_MAX);
			return -1;
		}
		char err[512];
		if (infile_check_log("--log", value, err, sizeof err) < 0) {
			fprintf(stderr, "memlog: %s\n", err);
			return -1;
		}
		logs->paths[logs->n++] = value;
		return 1;
	case 'z':
		if (logtime_parse_tz(value, &logs->opts.default_utc_offset_s) < 0) {
			fprintf(stderr, "memlog: --log-tz: '%s' is not a zone; expected UTC, Z or an offset such as +02:00 or -0530\n", value);
			return -1;
		}
		/* A zone given: times without one are in it, not in local time. */
		logs->opts.offset_from_tz = false;
		logs->tz_given = true;
		return 1;
	case 'F':
		logs->opts.format = value;
		return 1;
	default:
		return 0;
	}
}

int cli_align(const char *value, int *align)
{
	if (strcmp(value, "start") == 0 || strcmp(value, "wall") == 0) {
		*align = value[0] == 'w';
		return 0;
	}
	fprintf(stderr, "memlog: --align: '%s' is not a way to line recordings up; expected start (each from its "
	        "own start) or wall (by the wall clock)\n", value);
	return -1;
}
