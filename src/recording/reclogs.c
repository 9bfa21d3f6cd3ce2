/* reclogs.c: the lines of a recording's .log and of any application log,
 * read back into a logbook, each placed at its time: the .log's own stamps,
 * an application log's timestamps as logtime recognises them; a line
 * without one (a traceback, a continuation) belongs to the line before it. */
#include "recording/reclogs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/infile.h"
#include "base/lines.h"
#include "base/mtime.h"
#include "base/units.h"
#include "recording/recfiles.h"

#define RECLOGS_CHUNK ((size_t)1 << 20)
/* The lines kept in memory of a log read from a FIFO (it cannot be counted first). */
#define RECLOGS_FIFO_LINES ((size_t)100000)

/* Calls fn for every line of the file at path (without its newline, a
 * last unterminated line included; one over RECLOGS_LINE_MAX in pieces).
 * Returns 0, or -1 with errno set. */
static int reclogs_each_line(const char *path, lines_fn fn, void *ctx)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char *buf = malloc(RECLOGS_CHUNK);
	if (!buf) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	lines split;
	lines_init(&split, RECLOGS_LINE_MAX);
	int rc = 0;
	for (;;) {
		ssize_t r = read(fd, buf, RECLOGS_CHUNK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			rc = r < 0 ? -1 : 0;
			break;
		}
		lines_feed(&split, buf, (size_t)r, fn, ctx);
	}
	int e = errno;
	if (rc == 0)
		lines_end(&split, fn, ctx);
	lines_free(&split);
	free(buf);
	close(fd);
	errno = e;
	return rc;
}

void reclogs_rec_line(void *place, const char *line, size_t len)
{
	reclogs_place *c = place;
	int64_t wall;
	const char *src, *text;
	size_t src_len, text_len;
	char name[256];
	if (!recfiles_log_parse(line, len, &wall, &src, &src_len, &text, &text_len)) {
		/* Not memlog's format: it still belongs to the line before. */
		if (!c->have_time) {
			c->unplaced++;
			return;
		}
		logbook_add(c->lb, c->last_ns, 0, line, len);
		c->placed++;
		return;
	}
	memcpy(name, src, src_len);
	name[src_len] = '\0';
	logbook_add(c->lb, wall, logbook_source(c->lb, name), text, text_len);
	c->last_ns = wall;
	c->have_time = true;
	c->placed++;
}

/* A line of an application log: placed at its own time or its predecessor's. */
static void reclogs_app_line(void *ctx, const char *line, size_t len)
{
	reclogs_place *c = ctx;
	int64_t wall;
	/* A time outside a recording's years is no time to line up with. */
	if (logtime_parse(line, len, c->opts, &wall, NULL) && mtime_wall_ok(wall)) {
		c->last_ns = wall;
		c->have_time = true;
	} else if (!c->have_time) {
		c->unplaced++;
		return;
	}
	logbook_add(c->lb, c->last_ns, c->source, line, len);
	c->placed++;
}

int reclogs_load(const char *rec_log_path, const reclogs *logs, logbook *lb, reclogs_counts *c,
                 char *err, size_t errlen)
{
	if (rec_log_path && access(rec_log_path, F_OK) == 0) {
		/* The .log beside a recording could be anything (a link to a
		 * device): read only what can end. */
		if (infile_check_log("the recording's log", rec_log_path, err, errlen) < 0)
			return -1;
		reclogs_place lc = { .lb = lb };
		if (reclogs_each_line(rec_log_path, reclogs_rec_line, &lc) < 0) {
			snprintf(err, errlen, "%s: cannot read: %s", rec_log_path, strerror(errno));
			return -1;
		}
		c->placed += lc.placed;
	}
	for (int i = 0; i < logs->n; i++) {
		const char *path = logs->paths[i];
		reclogs_place lc = { .lb = lb, .source = logbook_file_source(lb, path), .opts = &logs->opts };
		if (reclogs_each_line(path, reclogs_app_line, &lc) < 0) {
			snprintf(err, errlen, "--log %s: cannot read: %s", path, strerror(errno));
			return -1;
		}
		c->placed += lc.placed;
		c->unplaced += lc.unplaced;
	}
	return 0;
}

size_t reclogs_count_lines(const char *path)
{
	struct stat st;
	/* A FIFO can be read once only, and is read for its lines later: room
	 * for this many is made instead. Anything else is refused later. */
	if (stat(path, &st) != 0)
		return 0;
	if (S_ISFIFO(st.st_mode))
		return RECLOGS_FIFO_LINES;
	if (!S_ISREG(st.st_mode))
		return 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	char *buf = malloc(RECLOGS_CHUNK);
	size_t n = 0;
	ssize_t r;
	while (buf && (r = read(fd, buf, RECLOGS_CHUNK)) > 0)
		for (char *p = buf; (p = memchr(p, '\n', (size_t)(buf + r - p))) != NULL; p++)
			n++;
	free(buf);
	close(fd);
	return n + 1;
}

logbook *reclogs_book(const char *csv_path, reclogs *logs, int64_t wall0, reclogs_counts *counts, char *err,
                      size_t errlen)
{
	char *log_path = recfiles_sibling(csv_path, RECFILES_LOG);
	if (wall0) {
		time_t t = (time_t)(wall0 / NS_PER_S);
		struct tm tm;
		localtime_r(&t, &tm);
		logs->opts.default_year = tm.tm_year + 1900;
	}
	size_t cap = 16 + (log_path ? reclogs_count_lines(log_path) : 0);
	for (int i = 0; i < logs->n; i++)
		cap += reclogs_count_lines(logs->paths[i]);
	logbook *lb = logbook_open(cap);
	if (!lb)
		snprintf(err, errlen, "out of memory");
	if (lb && reclogs_load(log_path, logs, lb, counts, err, errlen) < 0) {
		logbook_close(lb);
		lb = NULL;
	}
	free(log_path);
	return lb;
}

/* The first file source of lb mostly outside [w0, w1], said into buf; its
 * times were read as tz_offset_s east of UTC. */
static bool reclogs_outside(logbook *lb, int64_t w0, int64_t w1, int32_t tz_offset_s, char *buf, size_t n)
{
	int ns = lb ? logbook_nsources(lb) : 0;
	uint64_t first, end;
	if (!lb || w1 < w0)
		return false;
	logbook_range(lb, &first, &end);
	for (int src = 1; src < ns; src++) {
		const char *file = logbook_file_of(logbook_source_name(lb, src));
		if (!file)
			continue;
		size_t nlines = 0, outside = 0;
		int64_t first_ns = 0;
		for (uint64_t q = first; q < end; q++) {
			logbook_entry e;
			if (logbook_get(lb, q, &e) < 0 || e.source != src)
				continue;
			if (nlines++ == 0)
				first_ns = e.wall_ns;
			outside += e.wall_ns < w0 - NS_PER_S || e.wall_ns > w1 + NS_PER_S;
		}
		if (nlines == 0 || outside * 2 <= nlines)
			continue;
		/* Where they start: against the recording's start when before it,
		 * its end when after. */
		int64_t off = first_ns < w0 ? first_ns - w0 : first_ns > w1 ? first_ns - w1 : 0;
		char how[32], hint[96] = "";
		units_elapsed_compact(off < 0 ? -off : off, how, sizeof how);
		/* A whole number of quarter hours off (within two minutes): the
		 * zone the times were written in is that much east of the one
		 * they were read in. */
		int64_t from_start = first_ns - w0, quarter = 900 * NS_PER_S;
		int64_t q = (from_start + (from_start >= 0 ? quarter / 2 : -quarter / 2)) / quarter;
		int64_t zone_s = (int64_t)tz_offset_s + q * 900;
		if (q != 0 && llabs(from_start - q * quarter) < 120 * NS_PER_S && llabs(zone_s) <= 14 * 3600)
			snprintf(hint, sizeof hint, ": a log in another zone? --log-tz %c%02d:%02d reads it so",
			         zone_s < 0 ? '-' : '+', (int)(llabs(zone_s) / 3600), (int)(llabs(zone_s) % 3600 / 60));
		else
			snprintf(hint, sizeof hint, ": another run's log, or one in another zone (--log-tz)?");
		snprintf(buf, n, "%s: %zu of %zu lines fall outside the recording; they start %s %s it%s", file, outside,
		         nlines, how, off < 0 ? "before" : "after", hint);
		return true;
	}
	return false;
}

void reclogs_check_span(logbook *lb, const reclogs *logs, int64_t w0, int64_t w1, reclogs_counts *c)
{
	c->outside[0] = '\0';
	if (!logs || logs->n == 0 || w0 <= 0)
		return;
	/* The zone the times were read in: --log-tz's, else local time then. */
	int32_t tz = logs->opts.default_utc_offset_s;
	if (!logs->tz_given || logs->opts.offset_from_tz) {
		time_t t = (time_t)(w0 / NS_PER_S);
		struct tm tm;
		tz = localtime_r(&t, &tm) ? (int32_t)tm.tm_gmtoff : 0;
	}
	reclogs_outside(lb, w0, w1, tz, c->outside, sizeof c->outside);
}

