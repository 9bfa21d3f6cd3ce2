/* recfollow.c: following a recording as it grows (recfollow.h). */
#include "recording/recfollow.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#include "base/lines.h"
#include "recording/reccsv.h"
#include "recording/reclogs.h"

#define RECFOLLOW_CHUNK ((size_t)1 << 20)

struct recfollow {
	reccsv_reader *csv;
	series *s;
	markers *m;
	size_t rows;
	int log_fd;
	off_t log_off;
	char *log_buf;
	lines split;    /* the .log's lines */
	reclogs_place lc;
};

/* One row: into the series, its marker into the markers. */
static int recfollow_row(void *ctx, const sample *smp, const char *marker)
{
	recfollow *f = ctx;
	series_append(f->s, smp);
	if (marker && *marker && f->m)
		markers_add(f->m, smp->elapsed_ns, marker);
	f->rows++;
	return 0;
}

recfollow *recfollow_open(const char *csv_path, bool lenient, series *s, markers *m, char *err, size_t errlen)
{
	recfollow *f = calloc(1, sizeof *f);
	if (!f) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	f->s = s;
	f->m = m;
	f->log_fd = -1;
	lines_init(&f->split, RECLOGS_LINE_MAX);
	f->csv = reccsv_reader_open(csv_path, lenient, err, errlen);
	if (!f->csv || recfollow_poll(f, err, errlen) < 0)
		goto fail;
	return f;
fail:
	recfollow_close(f);
	return NULL;
}

int recfollow_log(recfollow *f, const char *log_path, logbook *lb, char *err, size_t errlen)
{
	f->lc = (reclogs_place){ .lb = lb };
	f->log_buf = malloc(RECFOLLOW_CHUNK);
	if (!f->log_buf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	f->log_fd = open(log_path, O_RDONLY | O_CLOEXEC);
	return recfollow_poll(f, err, errlen);
}

int recfollow_poll(recfollow *f, char *err, size_t errlen)
{
	if (reccsv_reader_poll(f->csv, recfollow_row, f, err, errlen) < 0)
		return -1;
	for (;;) {
		ssize_t r = f->log_fd >= 0 ? pread(f->log_fd, f->log_buf, RECFOLLOW_CHUNK, f->log_off) : 0;
		if (r <= 0)
			break;
		f->log_off += r;
		lines_feed(&f->split, f->log_buf, (size_t)r, reclogs_rec_line, &f->lc);
	}
	return 0;
}

size_t recfollow_rows(const recfollow *f)
{
	return f->rows;
}

void recfollow_close(recfollow *f)
{
	if (!f)
		return;
	if (f->csv)
		reccsv_reader_close(f->csv);
	if (f->log_fd >= 0)
		close(f->log_fd);
	free(f->log_buf);
	lines_free(&f->split);
	free(f);
}
