/* cli.h: memlog's command line: the options of run and watch, the usage
 * text, and what every command uses to read its options and to say what
 * was wrong with one (the option, what was given, what was expected). */
#ifndef MEMLOG_CLI_H
#define MEMLOG_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "record/markon.h"
#include "recording/reclogs.h"

#define MEMLOG_VERSION "0.1.0"
/* -l files at most. */
#define CLI_MAX_LOGS 16

enum cli_command { CLI_RUN, CLI_WATCH };

/* The options of `memlog run` and `memlog watch`. */
typedef struct cli_options {
	enum cli_command cmd;
	const char *output;    /* -o, or NULL for the default name */
	int64_t interval_ns;
	int64_t duration_ns;   /* 0: until the target ends */
	const char *logs[CLI_MAX_LOGS];
	int nlogs;
	bool pss, no_children, headless, keep_stdin;
	pid_t pid;             /* watch --pid */
	const char *cgroup;    /* watch --cgroup */
	int64_t limit;         /* run --limit, bytes; 0: none */
	int pty;               /* run: 1 --pty, 0 --no-pty, -1 (default) when memlog's stdout is a terminal */
	const char *mark_on[MARKON_MAX]; /* --mark-on patterns */
	int nmark_on;
	const char *metrics_listen; /* --metrics-listen ADDR:PORT, or NULL */
	const char *metrics_file;   /* --metrics-file PATH.prom, or NULL */
	char **argv;           /* run: the command */
} cli_options;

/* memlog --help: the usage to stdout, exit 0. */
void cli_usage_exit(void) __attribute__((noreturn));

/* memlog --version. */
void cli_version_exit(void) __attribute__((noreturn));

/* A mistake on the command line: "memlog: " and the sentence on stderr,
 * with a pointer to --help; exit 2. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* The duration text given to option opt, within [min_ns, max_ns], or exits
 * naming the option, what was given and the range. */
int64_t cli_duration(const char *opt, const char *text, int64_t min_ns, int64_t max_ns);

/* Fills o (cmd set) from the arguments after the command word, or exits
 * with a usage error. */
void cli_parse_record(int argc, char **argv, cli_options *o);

/* For getopt's ':' (a value missing) and '?' (an unknown option) in the
 * command cmd: says so on stderr and returns the exit status, 2. */
int cli_option_error(const char *cmd, int c, char **argv);

/* An option shared by replay and report: 'l' (--log FILE), 'z' (--log-tz
 * TZ), 'F' (--log-format FMT). Returns 1 when c was one of them, 0 when it
 * was not, -1 (after saying why on stderr) when its value is bad. */
int cli_log_option(int c, const char *value, reclogs *logs);

/* --align's value: *align 0 for "start", 1 for "wall"; -1 having said what
 * was wrong. */
int cli_align(const char *value, int *align);

#endif
