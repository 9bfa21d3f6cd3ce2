/*
 * attach.c: `memlog attach`, the live view of a recording another memlog
 * makes (headless, detached, or whose view's terminal hung up). The view
 * reads the recording's files as they grow, as replay --follow does, so a
 * slow view slows nothing but itself; the control socket carries its
 * markers to the recorder and tells it when the recording ends.
 */
#include "attach.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/loop.h"
#include "cli.h"
#include "live.h"
#include "recording/recfollow.h"
#include "recording/recload.h"
#include "recording/reclogs.h"
#include "view/ui.h"

/* Lines the view holds beyond those of the .log when it attached. */
#define ATTACH_MORE_LINES 100000

static const char attach_usage[] =
	"usage: memlog attach [--list] [REC.csv | PID]\n"
	"\n"
	"The live view of a recording that runs without one: started headless,\n"
	"left with d, or whose terminal went away (an SSH drop). It shows the\n"
	"whole recording so far, from its CSV and .log, then new samples and\n"
	"lines as they come, with the keys of the live view; markers by key go\n"
	"into the recording itself. q or d leaves the view and the recording\n"
	"goes on. Several views may be attached at once.\n"
	"\n"
	"The recording is named by its CSV or by memlog's pid; without either,\n"
	"the running recordings of yours are listed and the only one is attached\n"
	"(with several, a terminal is asked which).\n"
	"\n"
	"      --list            list the running recordings of yours and leave\n"
	"  -h, --help            this help\n"
	"\n"
	"Exits 0 when the view was left, 1 when there is nothing to attach to,\n"
	"2 for a command-line mistake.\n";

typedef struct attach_state {
	reclive_info info;
	int sock;          /* -1 once the recording ended */
	char in[RECLIVE_LINE_MAX * 2];
	size_t inlen;
	series *s;
	markers *m;
	logbook *lb;
	procset *procs;
	recfollow *fw;
	ui *view;
	bool ended;
} attach_state;

/* The view's hook: a marker now, taken by the recorder. */
static void attach_mark(void *ctx, const char *label, int64_t at_ns)
{
	attach_state *a = ctx;
	char line[MARKERS_LABEL_MAX + 8];
	(void)at_ns; /* live: the sample is taken now */
	int n = snprintf(line, sizeof line, "mark %s\n", label);
	if (a->sock < 0) {
		ui_status(a->view, "the recording has ended; no more markers");
		return;
	}
	if (send(a->sock, line, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) != n)
		ui_status(a->view, "marker not sent: %s", errno == EAGAIN ? "memlog does not read (stuck?)" : strerror(errno));
}

static bool attach_no_child(void *ctx)
{
	(void)ctx;
	return false;
}

/* The recording has ended (why), or its memlog went away without saying so. */
static void attach_ended(attach_state *a, const char *why)
{
	char err[512];
	recfollow_poll(a->fw, err, sizeof err); /* the last rows and lines */
	close(a->sock);
	a->sock = -1;
	a->ended = true;
	ui_recording_ended(a->view, why);
}

/* Reads what memlog said: answers to markers, and the end. */
static void attach_read(attach_state *a)
{
	ssize_t r = recv(a->sock, a->in + a->inlen, sizeof a->in - a->inlen, MSG_DONTWAIT);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		attach_ended(a, "memlog went away without ending the recording (killed?)");
		return;
	}
	a->inlen += (size_t)r;
	char *end;
	while (a->sock >= 0 && (end = memmem(a->in, a->inlen, "\n\n", 2))) {
		*end = '\0';
		if (strncmp(a->in, "ended ", 6) == 0) {
			attach_ended(a, a->in + 6);
			return;
		}
		if (strncmp(a->in, "error ", 6) == 0)
			ui_status(a->view, "%.200s", a->in + 6);
		size_t used = (size_t)(end + 2 - a->in);
		memmove(a->in, end + 2, a->inlen - used);
		a->inlen -= used;
	}
	if (a->inlen == sizeof a->in)
		a->inlen = 0; /* not memlog's words: dropped */
}

/* Connects as a viewer and reads the recording so far. 0, or -1 with err. */
static int attach_open(attach_state *a, char *err, size_t errlen)
{
	char reply[RECLIVE_LINE_MAX * 2];
	a->sock = reclive_connect(a->info.sock, err, errlen);
	if (a->sock < 0)
		return -1;
	if (reclive_ask(a->sock, "attach", reply, sizeof reply, err, errlen) < 0)
		return -1;
	/* Its own words now (a detach changes the pid). */
	reclive_info now;
	if (reclive_parse(reply + 3, strlen(reply + 3), &now) == 0)
		a->info = now;
	a->s = series_new(0);
	a->m = markers_new();
	a->lb = logbook_open(reclogs_count_lines(a->info.log) + ATTACH_MORE_LINES);
	if (!a->s || !a->m || !a->lb) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	a->fw = recfollow_open(a->info.csv, false, a->s, a->m, err, errlen);
	if (!a->fw || recfollow_log(a->fw, a->info.log, a->lb, err, errlen) < 0)
		return -1;
	char why[600];
	if (recload_procs(a->info.csv, true, &a->procs, why, sizeof why) < 0)
		a->procs = NULL;
	return 0;
}

/* The view until q, d, a stop signal or the terminal going away; returns
 * whether the terminal hung up. */
static bool attach_loop(attach_state *a)
{
	for (;;) {
		struct pollfd p = { .fd = a->sock, .events = POLLIN };
		int sigs[LOOP_MAX_SIGNALS];
		bool gone = false, stop = false;
		int nsigs = ui_wait(a->view, &p, 1, 100, sigs, &gone);
		if (nsigs < 0)
			return false;
		for (int i = 0; i < nsigs; i++) {
			if (sigs[i] == SIGWINCH)
				ui_resize(a->view);
			else
				stop = true;
			if (sigs[i] == SIGHUP)
				gone = true;
		}
		if (gone)
			return true;
		if (stop || ui_input(a->view) != UI_NONE)
			return false;
		if (a->sock >= 0 && p.revents)
			attach_read(a);
		char err[1024];
		if (!a->ended && recfollow_poll(a->fw, err, sizeof err) < 0) {
			ui_status(a->view, "%.200s", err);
			a->ended = true;
		}
	}
}

static void attach_free(attach_state *a)
{
	if (a->sock >= 0)
		close(a->sock);
	recfollow_close(a->fw);
	procset_free(a->procs);
	if (a->lb)
		logbook_close(a->lb);
	markers_free(a->m);
	if (a->s)
		series_free(a->s);
}

int attach_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "list", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const int sigs[] = { SIGWINCH, SIGINT, SIGTERM, SIGHUP };
	bool list = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'L': list = true; break;
		case 'h': fputs(attach_usage, stdout); return 0;
		default: return cli_option_error("attach", c, argv);
		}
	}
	if (argc - optind > 1 || (list && argc - optind > 0)) {
		fprintf(stderr, "memlog: attach: expected %s, got %d arguments\nTry 'memlog attach --help'.\n",
		        list ? "nothing after --list" : "at most one recording (REC.csv or memlog's pid)", argc - optind);
		return 2;
	}
	const char *arg = optind < argc ? argv[optind] : NULL;
	char err[1200];
	if (list || !arg) {
		reclive_info *all;
		size_t n;
		if (reclive_list(&all, &n, err, sizeof err) < 0) {
			fprintf(stderr, "memlog: attach: %s\n", err);
			return 1;
		}
		if (n == 0)
			fprintf(stderr, "memlog: attach: no recording of yours is running\n");
		else if (list || n == 1)
			live_print(stdout, all, n, false);
		free(all);
		if (list || n == 0)
			return n == 0 ? 1 : 0;
	}
	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
		fprintf(stderr, "memlog: attach needs a terminal; --list lists the running recordings\n");
		return 2;
	}
	attach_state a = { .sock = -1 };
	int rc = live_pick("attach", arg, &a.info);
	if (rc)
		return rc;
	rc = 1;
	if (attach_open(&a, err, sizeof err) < 0) {
		fputs("memlog: attach: ", stderr);
		live_safe(stderr, a.info.csv, 400);
		fprintf(stderr, ": %s\n", err);
	} else if (loop_open(sigs, sizeof sigs / sizeof sigs[0]) < 0) {
		fprintf(stderr, "memlog: cannot set up signals: %s\n", strerror(errno));
	} else {
		char target[1300];
		snprintf(target, sizeof target, "attached: %s", a.info.target);
		int64_t iv = a.info.interval_ns;
		view_info info = { .target = target, .csv_path = a.info.csv, .interval_ns = iv, .attached = true };
		ui_hooks hooks = { .ctx = &a, .mark = attach_mark, .child_running = attach_no_child };
		a.view = ui_open(&info, a.s, NULL, a.m, a.lb, &hooks, err, sizeof err);
		if (!a.view) {
			fprintf(stderr, "memlog: attach: %s\n", err);
		} else {
			if (a.procs)
				ui_set_procs(a.view, a.procs);
			bool hung_up = attach_loop(&a);
			ui_close(a.view, hung_up);
			if (!a.ended && !hung_up) {
				fprintf(stderr, "memlog: left the view; the recording goes on (memlog pid %ld); back with: "
				        "memlog attach ", a.info.pid);
				live_safe(stderr, a.info.csv, 400);
				fputc('\n', stderr);
			}
			rc = 0;
		}
		loop_close();
	}
	attach_free(&a);
	return rc;
}
