/* reccsv_write.c: writing a recording's CSV, which the sampler thread
 * alone does, at up to 1 kHz, and appending to REC.markers.csv, which replay
 * does for a marker added while browsing.
 *
 * The writer formats rows by hand into a memory buffer and hands whole rows to
 * write(2) in reccsv_flush, so a killed memlog leaves a file that ends on a row
 * boundary (or, at worst, inside the very last row). It never fsyncs: that
 * costs milliseconds on some disks and the page cache already survives
 * a crash of memlog itself, which is the failure that matters here. */
#include "recording/reccsv.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mtime.h"
#include "recording/reccsv_fields.h"

/* Buffered bytes that trigger a flush even when the caller has not asked. */
#define RECCSV_AUTOFLUSH_BYTES ((size_t)1 << 20)
/* Initial size of the write buffer: a second of rows at 1 kHz. */
#define RECCSV_WBUF_BYTES ((size_t)128 << 10)
/* Longest row without its marker: time, elapsed_s (20 digits + 7), one int64
 * per column, the separators and the newline, rounded up. */
#define RECCSV_ROW_MAX_BYTES (MTIME_ISO_LEN + 28 + SAMPLE_NCOLS * 21 + 8)

struct reccsv_writer {
	int fd;
	char *path;
	char *buf;          /* whole rows not yet written */
	size_t len, cap;
	bool prefix_valid;
	int64_t prefix_sec; /* the second prefix was formatted for */
	char prefix[20];    /* "YYYY-mm-ddTHH:MM:SS", cached per second */
	bool failed;        /* a write failed; every later call reports failure */
	char failure[256];
	/* What is safely in the file: whole data rows, and the last one's times. */
	uint64_t rows_on_disk, rows_in_buf;
	off_t disk_bytes;   /* the file's length in whole lines, header included */
	int64_t disk_elapsed_ns, disk_wall_ns; /* of the last row on disk; -1: none */
	int64_t buf_elapsed_ns, buf_wall_ns;   /* of the last row in buf */
};

/* Marks w failed with errno e and copies the message into err. written
 * bytes of the buffer reached the file: the file is cut back to the last
 * whole row among them, so it never ends inside a row (a full disk). */
static int reccsv_fail(reccsv_writer *w, int e, size_t written, char *err, size_t errlen)
{
	char ebuf[128];
	const char *nl = written > 0 ? memrchr(w->buf, '\n', written) : NULL;
	size_t keep = nl ? (size_t)(nl - w->buf) + 1 : 0;
	if (written > keep && ftruncate(w->fd, w->disk_bytes + (off_t)keep) != 0) {
		/* Not even that: the cut row stays, the reader drops it with a note. */
	}
	if (keep > 0) {
		/* Every row is one line (markers hold no line breaks). */
		const char *last = w->buf;
		for (const char *c = w->buf; c < w->buf + keep; c++) {
			if (*c != '\n')
				continue;
			w->rows_on_disk++;
			if (c + 1 < w->buf + keep)
				last = c + 1;
		}
		/* The last kept row: "TIME,S.UUUUUU,...". */
		int64_t wall, sec = 0, us = 0;
		const char *c = last + MTIME_ISO_LEN + 1;
		if (mtime_parse_iso(last, MTIME_ISO_LEN, &wall) == 0) {
			w->disk_wall_ns = wall;
			while (*c >= '0' && *c <= '9')
				sec = sec * 10 + (*c++ - '0');
			if (*c == '.')
				for (c++; *c >= '0' && *c <= '9'; c++)
					us = us * 10 + (*c - '0');
			w->disk_elapsed_ns = sec * NS_PER_S + us * NS_PER_US;
		}
		w->disk_bytes += (off_t)keep;
	}
	w->failed = true;
	w->len = 0;
	w->rows_in_buf = 0;
	snprintf(w->failure, sizeof w->failure, "%s: cannot write: %s", w->path,
	         reccsv_strerror(e, ebuf, sizeof ebuf));
	snprintf(err, errlen, "%s", w->failure);
	return -1;
}

/* Makes room for need more bytes in the buffer; 0 or -1 (out of memory). */
static int reccsv_reserve(reccsv_writer *w, size_t need)
{
	if (w->cap - w->len >= need)
		return 0;
	size_t cap = w->cap * 2;
	if (cap < w->len + need)
		cap = w->len + need;
	char *buf = realloc(w->buf, cap);
	if (buf == NULL)
		return -1;
	w->buf = buf;
	w->cap = cap;
	return 0;
}

/* Creates the file and writes the header through to it; see reccsv.h. */
reccsv_writer *reccsv_create(const char *path, enum outfile_mode mode, char *err, size_t errlen)
{
	reccsv_writer *w = calloc(1, sizeof *w);
	if (w != NULL) {
		w->path = strdup(path);
		w->disk_elapsed_ns = w->disk_wall_ns = -1;
		w->cap = RECCSV_WBUF_BYTES;
		w->buf = malloc(w->cap);
	}
	if (w == NULL || w->path == NULL || w->buf == NULL) {
		snprintf(err, errlen, "%s: cannot create: out of memory", path);
		goto fail;
	}
	w->fd = outfile_open(path, mode, err, errlen);
	if (w->fd < 0)
		goto fail;

	char *p = w->buf;
	memcpy(p, "time,elapsed_s", 14);
	p += 14;
	for (int i = 0; i < SAMPLE_NCOLS; i++) {
		size_t n = strlen(sample_col_names[i]);
		*p++ = ',';
		memcpy(p, sample_col_names[i], n);
		p += n;
	}
	memcpy(p, ",marker\n", 8);
	w->len = (size_t)(p + 8 - w->buf);
	if (reccsv_flush(w, err, errlen) != 0) {
		close(w->fd);
		goto fail;
	}
	return w;

fail:
	if (w != NULL) {
		int e = errno;
		free(w->buf);
		free(w->path);
		free(w);
		errno = e;
	}
	return NULL;
}

/* Appends one row to the buffer; see reccsv.h. A negative elapsed_ns is
 * written as 0 and a negative value as an empty field, so that whatever the
 * sampler hands over, the file stays readable. */
int reccsv_write(reccsv_writer *w, const sample *s, const char *marker,
                 char *err, size_t errlen)
{
	if (w->failed) {
		snprintf(err, errlen, "%s", w->failure);
		return -1;
	}
	size_t marker_len = marker != NULL ? strlen(marker) : 0;
	/* csv_write doubles each quote and adds two: 2n + 2 at worst. */
	if (reccsv_reserve(w, RECCSV_ROW_MAX_BYTES + 2 * marker_len + 2) != 0) {
		snprintf(err, errlen, "%s: cannot write: out of memory", w->path);
		return -1;
	}
	char *p = w->buf + w->len;

	int64_t sec = s->wall_ns / NS_PER_S;
	int64_t sub_ns = s->wall_ns % NS_PER_S;
	if (sub_ns < 0) {
		sec--;
		sub_ns += NS_PER_S;
	}
	if (!w->prefix_valid || sec != w->prefix_sec) {
		char iso[MTIME_ISO_LEN + 1];
		mtime_format_iso(s->wall_ns, iso);
		memcpy(w->prefix, iso, 19);
		w->prefix_sec = sec;
		w->prefix_valid = true;
	}
	memcpy(p, w->prefix, 19);
	p += 19;
	*p++ = '.';
	p = reccsv_put_fixed(p, (uint64_t)(sub_ns / NS_PER_MS), 3);
	*p++ = 'Z';
	*p++ = ',';

	uint64_t elapsed_ns = s->elapsed_ns > 0 ? (uint64_t)s->elapsed_ns : 0;
	p = reccsv_put_u64(p, elapsed_ns / NS_PER_S);
	*p++ = '.';
	p = reccsv_put_fixed(p, elapsed_ns % NS_PER_S / NS_PER_US, 6);

	for (int i = 0; i < SAMPLE_NCOLS; i++) {
		*p++ = ',';
		if (s->v[i] >= 0)
			p = reccsv_put_u64(p, (uint64_t)s->v[i]);
	}
	*p++ = ',';
	if (marker_len > 0) {
		char *field = p;
		p += csv_write(p, 2 * marker_len + 2, marker, marker_len);
		/* A row is one line, so that a cut file can be cut back to whole
		 * rows and counted by lines: a label's line breaks become spaces. */
		for (char *c = field; c < p; c++)
			if (*c == '\n' || *c == '\r')
				*c = ' ';
	}
	*p++ = '\n';
	w->len = (size_t)(p - w->buf);
	w->rows_in_buf++;
	w->buf_elapsed_ns = (int64_t)elapsed_ns;
	w->buf_wall_ns = s->wall_ns;

	if (w->len >= RECCSV_AUTOFLUSH_BYTES)
		return reccsv_flush(w, err, errlen);
	return 0;
}

/* Writes every buffered row, across short writes and signals; see reccsv.h. */
int reccsv_flush(reccsv_writer *w, char *err, size_t errlen)
{
	if (w->failed) {
		snprintf(err, errlen, "%s", w->failure);
		return -1;
	}
	size_t off = 0;
	while (off < w->len) {
		ssize_t n = write(w->fd, w->buf + off, w->len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return reccsv_fail(w, errno, off, err, errlen);
		}
		if (n == 0)
			return reccsv_fail(w, EIO, off, err, errlen);
		off += (size_t)n;
	}
	w->disk_bytes += (off_t)w->len;
	w->rows_on_disk += w->rows_in_buf;
	if (w->rows_in_buf > 0) {
		w->disk_elapsed_ns = w->buf_elapsed_ns;
		w->disk_wall_ns = w->buf_wall_ns;
	}
	w->rows_in_buf = 0;
	w->len = 0;
	return 0;
}

void reccsv_writer_kept(const reccsv_writer *w, reccsv_kept *out)
{
	out->rows = w->rows_on_disk;
	out->last_elapsed_ns = w->disk_elapsed_ns;
	out->last_wall_ns = w->disk_wall_ns;
}

/* Flushes, closes and frees; see reccsv.h. */
int reccsv_close(reccsv_writer *w, char *err, size_t errlen)
{
	char ebuf[128];
	if (w == NULL)
		return 0;
	int rc = reccsv_flush(w, err, errlen);
	/* close can report a deferred write error (NFS, quotas). */
	if (close(w->fd) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: cannot write: %s", w->path,
		         reccsv_strerror(errno, ebuf, sizeof ebuf));
		rc = -1;
	}
	free(w->buf);
	free(w->path);
	free(w);
	return rc;
}

/* ---- markers added during replay ---- */

/* Appends one marker row, with the header first when the file is new; see reccsv.h. */
int reccsv_marker_append(const char *path, int64_t wall_ns, int64_t elapsed_ns, const char *label,
                         char *err, size_t errlen)
{
	char ebuf[128];
	size_t label_len = label != NULL ? strlen(label) : 0;
	/* header, time, elapsed (20 digits + 10), separators, 2n + 2 for the label */
	size_t cap = sizeof RECCSV_MARKERS_HEADER + MTIME_ISO_LEN + 32 + 4 + 2 * label_len + 2;
	char *row = malloc(cap);
	if (row == NULL) {
		snprintf(err, errlen, "%s: cannot add a marker: out of memory", path);
		return -1;
	}
	int fd = outfile_open(path, OUTFILE_APPEND, err, errlen);
	if (fd < 0) {
		free(row);
		return -1;
	}
	/* Two memlogs adding markers to one file at once must not both see it
	 * empty and both write a header; a lock that fails (some network file
	 * systems) only loses that protection. */
	flock(fd, LOCK_EX);
	struct stat st;
	char *p = row;
	if (fstat(fd, &st) == 0 && st.st_size == 0) {
		memcpy(p, RECCSV_MARKERS_HEADER, sizeof RECCSV_MARKERS_HEADER - 1);
		p += sizeof RECCSV_MARKERS_HEADER - 1;
	}
	if (wall_ns > 0) {
		mtime_format_iso(wall_ns, p);
		p += MTIME_ISO_LEN;
	}
	*p++ = ',';
	uint64_t e = elapsed_ns > 0 ? (uint64_t)elapsed_ns : 0;
	p = reccsv_put_u64(p, e / NS_PER_S);
	*p++ = '.';
	/* Microseconds as in recordings, nanoseconds only when there are any. */
	if (e % NS_PER_US == 0)
		p = reccsv_put_fixed(p, e % NS_PER_S / NS_PER_US, 6);
	else
		p = reccsv_put_fixed(p, e % NS_PER_S, 9);
	*p++ = ',';
	p += csv_write(p, 2 * label_len + 2, label != NULL ? label : "", label_len);
	*p++ = '\n';

	/* One write of the whole row: O_APPEND puts it at the end in one piece. */
	size_t len = (size_t)(p - row), off = 0;
	int rc = 0;
	while (off < len) {
		ssize_t n = write(fd, row + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "%s: cannot write: %s", path,
			         reccsv_strerror(n < 0 ? errno : EIO, ebuf, sizeof ebuf));
			rc = -1;
			break;
		}
		off += (size_t)n;
	}
	if (close(fd) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: cannot write: %s", path, reccsv_strerror(errno, ebuf, sizeof ebuf));
		rc = -1;
	}
	free(row);
	return rc;
}
