/*
 * replay.c: `memlog replay`. It fills the same series, markers and logbook
 * the live view reads, from a recording instead of a sampler, so the view
 * never knows which of the two it is showing. Application logs are lined up
 * by the timestamps logtime recognises; a line without one (a traceback, a
 * continuation) belongs to the line before it.
 */
#include "replay.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/lines.h"
#include "base/loop.h"
#include "base/mtime.h"
#include "cli.h"
#include "recording/reccsv.h"
#include "recording/recfollow.h"
#include "recording/recfiles.h"
#include "recording/recload.h"
#include "recording/reclogs.h"
#include "view/ui.h"

/* What loading placed and what it could not. */
typedef struct replay_counts {
	size_t rows;           /* samples */
	size_t skipped;        /* bad rows skipped (--lenient) */
	bool truncated_last;   /* the last line was cut short and dropped */
	reclogs_counts logs;   /* log lines placed, and not */
} replay_counts;
/* The most recordings replayed at once (a job across hosts). */
#define REPLAY_MAX 16
/* Lines held in memory beyond those loaded, for a recording that grows. */
#define REPLAY_FOLLOW_LINES 100000

typedef struct load_ctx {
	series *s;
	markers *m;
	size_t rows;
	int64_t wall0;  /* --align wall: the first recording's wall clock at its elapsed 0; 0: by their starts */
	int64_t shift;  /* ... this one's elapsed times moved by this much */
	bool shifted;   /* ... worked out (at its first row) */
} load_ctx;

/* One row of the recording: into the series, its marker into the markers.
 * Lined up by the wall clock, its time moves to the first recording's
 * (rows before that recording's start are left out). */
static int replay_on_row(void *ctx, const sample *row, const char *marker)
{
	load_ctx *c = ctx;
	sample moved = *row;
	const sample *smp = row;
	if (c->wall0 && row->wall_ns) {
		if (!c->shifted)
			c->shift = row->wall_ns - row->elapsed_ns - c->wall0;
		c->shifted = true;
		moved.elapsed_ns += c->shift;
		if (moved.elapsed_ns < 0)
			return 0;
		smp = &moved;
	}
	series_append(c->s, smp);
	if (marker && *marker && c->m)
		markers_add(c->m, smp->elapsed_ns, marker);
	c->rows++;
	return 0;
}

/* One marker of REC.markers.csv. */
static int replay_on_marker(void *ctx, int64_t wall_ns, int64_t elapsed_ns, const char *label)
{
	(void)wall_ns;
	markers_add(ctx, elapsed_ns, label);
	return 0;
}

static int replay_load_csv(const char *csv_path, bool lenient, series *s, markers *m, int64_t wall0, replay_counts *c,
                    char *err, size_t errlen)
{
	load_ctx ctx = { .s = s, .m = m, .wall0 = wall0 };
	reccsv_info info;
	if (reccsv_read(csv_path, lenient, replay_on_row, &ctx, &info, err, errlen) < 0)
		return -1;
	c->rows = ctx.rows;
	c->skipped = info.skipped;
	c->truncated_last = info.truncated_last;
	if (ctx.rows == 0) {
		snprintf(err, errlen, "%s: no samples (only a header); nothing to replay", csv_path);
		return -1;
	}
	if (m) {
		char *mpath = recfiles_sibling(csv_path, RECFILES_MARKERS);
		int rc = mpath ? reccsv_read_markers(mpath, replay_on_marker, m, err, errlen) : 0;
		free(mpath);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static const char replay_usage[] =
	"usage: memlog replay [OPTIONS] REC.csv [OTHER.csv]\n"
	"       memlog replay [OPTIONS] REC.csv REC.csv REC.csv ... (up to 16)\n"
	"\n"
	"Browse a recording in the same view as the live one, with its log lines\n"
	"(REC.log beside it, and any application log) lined up against the curve.\n"
	"With OTHER.csv, the two recordings are overlaid, aligned at elapsed 0, to\n"
	"see what a change did to the memory. With three to 16 (one a host or\n"
	"rank of one job), each a line of its colour named by its host (the\n"
	"first recording's logs in the pane), lined up by the wall clock.\n"
	"\n"
	"  -l, --log FILE        an application log to line up (repeatable); the time\n"
	"                        at the start of each line is recognised: ISO 8601,\n"
	"                        syslog, Apache/nginx, Go, glog, epoch seconds\n"
	"      --log-tz TZ       zone of log times that carry none: UTC, +02:00, -0530\n"
	"                        (default: local time)\n"
	"      --log-format FMT  a strptime(3) format for any other timestamp\n"
	"  -f, --follow          keep reading a recording that is still being written\n"
	"      --lenient         skip bad rows (and say how many) instead of stopping\n"
	"      --align HOW       of several: start, each from its own start (the\n"
	"                        default for two); wall, by the wall clock from the\n"
	"                        first's start (the default for three or more)\n"
	"  -h, --help            this help\n"
	"\n"
	"Keys as in the live view; Enter on a log line moves the cursor to its time;\n"
	"m and a add markers at the cursor, saved in REC.markers.csv (the recording\n"
	"itself is never rewritten).\n";

typedef struct replay_state {
	const char *csv_path;
	char *markers_path;
	series *s;
	markers *m;
	logbook *lb;
	procset *procs;       /* REC.procs.csv, read once at the start; NULL when none */
	char procs_err[600];  /* why it could not be read */
	ui *view;
} replay_state;

/* The view's hook in replay: a marker at the cursor, saved beside the recording. */
static void replay_mark(void *ctx, const char *label, int64_t at_ns)
{
	replay_state *st = ctx;
	sample last;
	char err[512];
	int64_t wall0 = series_last(st->s, &last) == 0 && last.wall_ns ? last.wall_ns - last.elapsed_ns : 0;
	markers_add(st->m, at_ns, label);
	if (reccsv_marker_append(st->markers_path, wall0 ? wall0 + at_ns : 0, at_ns, label, err, sizeof err) < 0)
		ui_status(st->view, "marker not saved: %.200s", err);
}

/* The view's hook in replay: there is no command to leave running. */
static bool replay_no_child(void *ctx)
{
	(void)ctx;
	return false;
}

/* What `memlog replay` was asked to show, and what it holds while it does. */
typedef struct replay_session {
	replay_state st;
	const char *other_path;  /* the second recording, or NULL */
	const char *others[REPLAY_MAX - 1]; /* the second and on */
	int nothers;
	bool align_wall;         /* --align wall */
	int align;               /* --align: -1 not given, 0 start, 1 wall */
	series *extra[REPLAY_MAX - 2]; /* the third and on, each a line */
	char names[REPLAY_MAX][256];   /* legend names: host (file), or file */
	const char *xnames[REPLAY_MAX - 2];
	bool follow, lenient;
	reclogs logs;
	replay_counts counts;
	series *other;
	recfollow *fw;
	char *log_path;
} replay_session;

/* Reads the options into r; returns -1 to go on, or the exit status (help, a bad option). */
static int replay_options(int argc, char **argv, replay_session *r)
{
	static const struct option longopts[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "log-tz", required_argument, NULL, 'z' },
		{ "log-format", required_argument, NULL, 'F' },
		{ "follow", no_argument, NULL, 'f' },
		{ "lenient", no_argument, NULL, 'L' },
		{ "align", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":l:fh", longopts, NULL)) != -1) {
		int known = cli_log_option(c, optarg, &r->logs);
		if (known < 0)
			return 2;
		if (known)
			continue;
		switch (c) {
		case 'f': r->follow = true; break;
		case 'L': r->lenient = true; break;
		case 'A':
			if (cli_align(optarg, &r->align) < 0)
				return 2;
			break;
		case 'h': fputs(replay_usage, stdout); return 0;
		default:
			return cli_option_error("replay", c, argv);
		}
	}
	int nfiles = argc - optind;
	if (nfiles < 1 || nfiles > REPLAY_MAX) {
		fprintf(stderr, "memlog: replay: expected one recording (REC.csv), two to compare, or up to %d of one "
		        "job; got %d\nTry 'memlog replay --help'.\n", REPLAY_MAX, nfiles);
		return 2;
	}
	if (r->follow && nfiles > 1) {
		fprintf(stderr, "memlog: replay: --follow takes one recording, not %d\n", nfiles);
		return 2;
	}
	if (r->align >= 0 && nfiles == 1) {
		fprintf(stderr, "memlog: replay: --align lines up two recordings or more; got one\n");
		return 2;
	}
	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
		fprintf(stderr, "memlog: replay needs a terminal; for a summary without one, use 'memlog report'\n");
		return 2;
	}
	r->st.csv_path = argv[optind];
	r->other_path = nfiles >= 2 ? argv[optind + 1] : NULL;
	r->nothers = nfiles - 1;
	for (int k = 0; k < r->nothers; k++)
		r->others[k] = argv[optind + 1 + k];
	/* By the wall clock for three or more, by their starts for two. */
	r->align_wall = r->align == 1 || (r->align < 0 && nfiles >= 3);
	r->logs.opts.offset_from_tz = !r->logs.tz_given;
	return -1;
}

/* Loads the recording (the rows so far with --follow), its markers, and the
 * second recording. Returns 0, or -1 with err filled. */
static int replay_load_recordings(replay_session *r, char *err, size_t errlen)
{
	replay_state *st = &r->st;
	if (!r->follow) {
		if (replay_load_csv(st->csv_path, r->lenient, st->s, st->m, 0, &r->counts, err, errlen) < 0)
			return -1;
	} else {
		r->fw = recfollow_open(st->csv_path, r->lenient, st->s, st->m, err, errlen);
		if (!r->fw)
			return -1;
		r->counts.rows = recfollow_rows(r->fw);
		if (reccsv_read_markers(st->markers_path, replay_on_marker, st->m, err, errlen) < 0)
			return -1;
	}
	/* The processes are a help, not the recording: a file that cannot be
	 * read is said in the view, and the replay goes on without them. */
	if (recload_procs(st->csv_path, r->lenient, &st->procs, st->procs_err, sizeof st->procs_err) < 0)
		st->procs = NULL;
	else
		st->procs_err[0] = '\0';
	/* The others, in the first's series: by their starts, or by the
	 * wall clock from the first's start. */
	sample last;
	int64_t wall0 = r->align_wall && series_last(st->s, &last) == 0 && last.wall_ns ? last.wall_ns - last.elapsed_ns : 0;
	for (int k = 0; k < r->nothers; k++) {
		replay_counts c2 = { 0 };
		series **dst = k == 0 ? &r->other : &r->extra[k - 1];
		*dst = series_new(0);
		if (!*dst) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		if (replay_load_csv(r->others[k], r->lenient, *dst, NULL, wall0, &c2, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* Loads the recording's .log (followed line by line with --follow) and the
 * --log files, times without a year in the recording's year. Returns 0, or
 * -1 with err filled. */
static int replay_load_lines(replay_session *r, char *err, size_t errlen)
{
	replay_state *st = &r->st;
	sample last;
	r->logs.opts.default_year = 1970;
	if (series_last(st->s, &last) == 0 && last.wall_ns) {
		time_t t = (time_t)(last.wall_ns / NS_PER_S);
		struct tm tm;
		localtime_r(&t, &tm);
		r->logs.opts.default_year = tm.tm_year + 1900;
	}
	size_t cap = reclogs_count_lines(r->log_path) + 1000;
	for (int i = 0; i < r->logs.n; i++)
		cap += reclogs_count_lines(r->logs.paths[i]);
	if (r->follow)
		cap += REPLAY_FOLLOW_LINES;
	st->lb = logbook_open(cap);
	if (!st->lb) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (!r->follow) {
		if (reclogs_load(r->log_path, &r->logs, st->lb, &r->counts.logs, err, errlen) < 0)
			return -1;
		/* Logs that mostly miss the recording (another zone?) are said. */
		int64_t t0, t1;
		if (series_last(st->s, &last) == 0 && last.wall_ns && series_span(st->s, &t0, &t1) == 0) {
			int64_t wall0 = last.wall_ns - last.elapsed_ns;
			reclogs_check_span(st->lb, &r->logs, wall0 + t0, wall0 + t1, &r->counts.logs);
		}
		return 0;
	}
	if (reclogs_load(NULL, &r->logs, st->lb, &r->counts.logs, err, errlen) < 0)
		return -1;
	return recfollow_log(r->fw, r->log_path, st->lb, err, errlen);
}

/* Opens the view on what was loaded. NULL with err filled. */
static ui *replay_open_view(replay_session *r, char *err, size_t errlen)
{
	replay_state *st = &r->st;
	char note[400] = "", target[512];
	if (r->counts.logs.outside[0])
		snprintf(note, sizeof note, "%s", r->counts.logs.outside);
	else if (r->counts.logs.unplaced)
		snprintf(note, sizeof note, "%zu log lines before any time could not be placed", r->counts.logs.unplaced);
	else if (r->counts.skipped)
		snprintf(note, sizeof note, "%zu bad rows skipped (--lenient)", r->counts.skipped);
	else if (r->counts.truncated_last)
		snprintf(note, sizeof note, "the last row was cut short (recorder killed?) and dropped");
	const char *b1 = strrchr(st->csv_path, '/'), *b2 = r->other_path ? strrchr(r->other_path, '/') : NULL;
	b1 = b1 ? b1 + 1 : st->csv_path;
	b2 = r->other_path ? (b2 ? b2 + 1 : r->other_path) : NULL;
	if (r->nothers >= 2) {
		/* A job across hosts: each named by the host its .log names. */
		for (int k = 0; k <= r->nothers; k++)
			recfiles_recording_name(k == 0 ? st->csv_path : r->others[k - 1], r->names[k], sizeof r->names[k]);
		for (int k = 0; k + 1 < r->nothers; k++)
			r->xnames[k] = r->names[k + 2];
		b1 = r->names[0];
		b2 = r->names[1];
		snprintf(target, sizeof target, "replay: %d recordings%s", r->nothers + 1,
		         r->align_wall ? " by wall clock" : "");
	} else if (r->other_path) {
		snprintf(target, sizeof target, "replay: %s vs %s", b1, b2);
	} else {
		snprintf(target, sizeof target, "replay: %s", b1);
	}
	view_info info = { .target = target, .csv_path = st->csv_path, .replay = true, .following = r->follow,
	                   .name1 = b1, .name2 = b2, .log_note = note,
	                   .xnames = r->nothers >= 2 ? r->xnames : NULL, .nextra = r->nothers >= 2 ? r->nothers - 1 : 0 };
	int64_t f0, l0;
	if (series_count(st->s) >= 2 && series_span(st->s, &f0, &l0) == 0)
		info.interval_ns = (l0 - f0) / (int64_t)(series_count(st->s) - 1);
	ui_hooks hooks = { .ctx = st, .mark = replay_mark, .child_running = replay_no_child };
	return ui_open(&info, st->s, r->other, st->m, st->lb, &hooks, err, errlen);
}

/* The view's loop until q, a stop signal or the terminal going away; with
 * --follow it reads what the recording gained. Returns whether the
 * terminal hung up. */
static bool replay_loop(replay_session *r)
{
	ui *u = r->st.view;
	char err[1024];
	bool stop = false, hung_up = false;
	while (!stop) {
		int sigs[LOOP_MAX_SIGNALS];
		bool gone = false;
		/* Following, the recording is read again at least five times a second. */
		int nsigs = ui_wait(u, NULL, 0, r->follow ? 200 : -1, sigs, &gone);
		for (int i = 0; i < nsigs; i++) {
			if (sigs[i] == SIGWINCH) {
				ui_resize(u);
			} else {
				stop = true;
				hung_up = hung_up || sigs[i] == SIGHUP;
			}
		}
		/* The terminal closed without a SIGHUP: nobody is looking any more. */
		if (gone)
			stop = hung_up = true;
		if (stop || ui_input(u) != UI_NONE)
			break;
		if (r->follow && recfollow_poll(r->fw, err, sizeof err) < 0) {
			ui_status(u, "%.200s", err);
			r->follow = false;
		}
	}
	return hung_up;
}

/* Frees what the session holds. */
static void replay_free(replay_session *r)
{
	recfollow_close(r->fw);
	logbook_close(r->st.lb);
	markers_free(r->st.m);
	procset_free(r->st.procs);
	if (r->st.s)
		series_free(r->st.s);
	if (r->other)
		series_free(r->other);
	for (int k = 0; k < REPLAY_MAX - 2; k++)
		if (r->extra[k])
			series_free(r->extra[k]);
	free(r->log_path);
	free(r->st.markers_path);
	loop_close();
}

int replay_main(int argc, char **argv)
{
	static const int sigs[] = { SIGWINCH, SIGINT, SIGTERM, SIGHUP };
	replay_session r;
	char err[1024];
	memset(&r, 0, sizeof r);
	r.align = -1;
	int rc = replay_options(argc, argv, &r);
	if (rc >= 0)
		return rc;
	rc = 1;
	const char *csv_path = r.st.csv_path;
	r.log_path = recfiles_sibling(csv_path, RECFILES_LOG);
	r.st.markers_path = recfiles_sibling(csv_path, RECFILES_MARKERS);
	r.st.s = series_new(0);
	r.st.m = markers_new();
	if (!r.log_path || !r.st.markers_path || !r.st.s || !r.st.m)
		snprintf(err, sizeof err, "out of memory");
	else if (replay_load_recordings(&r, err, sizeof err) == 0 && replay_load_lines(&r, err, sizeof err) == 0)
		err[0] = '\0';
	if (err[0]) {
		fprintf(stderr, "memlog: %s\n", err);
	} else if (loop_open(sigs, sizeof sigs / sizeof sigs[0]) < 0) {
		fprintf(stderr, "memlog: cannot set up signals: %s\n", strerror(errno));
	} else if (!(r.st.view = replay_open_view(&r, err, sizeof err))) {
		fprintf(stderr, "memlog: %s\n", err);
	} else {
		if (r.st.procs)
			ui_set_procs(r.st.view, r.st.procs);
		if (r.nothers >= 2)
			ui_set_extra(r.st.view, r.extra, r.nothers - 1);
		if (r.st.procs_err[0])
			ui_status(r.st.view, "%.300s; no process pane", r.st.procs_err);
		ui_close(r.st.view, replay_loop(&r));
		r.st.view = NULL;
		if (r.counts.skipped)
			fprintf(stderr, "memlog: %s: %zu bad rows were skipped (--lenient)\n", csv_path, r.counts.skipped);
		rc = 0;
	}
	replay_free(&r);
	return rc;
}
