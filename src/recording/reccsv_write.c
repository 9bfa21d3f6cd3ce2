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

/* Creates the file and writes header (the columns after time,elapsed_s,
 * NULL for a recording's) through to it. */
static reccsv_writer *reccsv_create_as(const char *path, enum outfile_mode mode, const char *header,
                                       char *err, size_t errlen)
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
	if (header) {
		p = stpcpy(p, header);
	} else {
		for (int i = 0; i < SAMPLE_NCOLS; i++) {
			*p++ = ',';
			p = stpcpy(p, sample_col_names[i]);
		}
		p = stpcpy(p, ",marker");
	}
	*p++ = '\n';
	w->len = (size_t)(p - w->buf);
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

reccsv_writer *reccsv_create(const char *path, enum outfile_mode mode, char *err, size_t errlen)
{
	return reccsv_create_as(path, mode, NULL, err, errlen);
}

reccsv_writer *reccsv_create_procs(const char *path, enum outfile_mode mode, char *err, size_t errlen)
{
	return reccsv_create_as(path, mode, ",pid,ppid,name,cmd,rss,anon,file,shmem,swap,pss,event", err, errlen);
}

/* Writes the time and elapsed_s fields of a row at p, the first with its
 * comma after it; returns the end. */
static char *reccsv_put_times(reccsv_writer *w, char *p, int64_t wall_ns, int64_t elapsed)
{
	int64_t sec = wall_ns / NS_PER_S;
	int64_t sub_ns = wall_ns % NS_PER_S;
	if (sub_ns < 0) {
		sec--;
		sub_ns += NS_PER_S;
	}
	if (!w->prefix_valid || sec != w->prefix_sec) {
		char iso[MTIME_ISO_LEN + 1];
		mtime_format_iso(wall_ns, iso);
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
	uint64_t elapsed_ns = elapsed > 0 ? (uint64_t)elapsed : 0;
	p = reccsv_put_u64(p, elapsed_ns / NS_PER_S);
	*p++ = '.';
	return reccsv_put_fixed(p, elapsed_ns % NS_PER_S / NS_PER_US, 6);
}

/* Writes text (len bytes) at p as one CSV field, quoted as needed; a row is
 * one line, so that a cut file can be cut back to whole rows and counted by
 * lines: line breaks become spaces. There must be room for 2 len + 2. */
static char *reccsv_put_text(char *p, const char *text, size_t len)
{
	if (len == 0)
		return p;
	char *field = p;
	p += csv_write(p, 2 * len + 2, text, len);
	for (char *c = field; c < p; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	return p;
}

/* As reccsv_put_text, but text that needs no quotes is written as it is
 * (most names and commands), so that the reader's fast path takes the row. */
static char *reccsv_put_plain(char *p, const char *text, size_t len)
{
	bool plain = len == 0 || (text[0] != ' ' && text[0] != '\t' && text[len - 1] != ' ' && text[len - 1] != '\t');
	for (size_t i = 0; plain && i < len; i++)
		plain = text[i] != ',' && text[i] != '"' && text[i] != '\n' && text[i] != '\r';
	if (!plain)
		return reccsv_put_text(p, text, len);
	memcpy(p, text, len);
	return p + len;
}

/* The buffer holds one more row ending at p, of the times given. */
static int reccsv_row_done(reccsv_writer *w, char *p, int64_t elapsed_ns, int64_t wall_ns,
                           char *err, size_t errlen)
{
	w->len = (size_t)(p - w->buf);
	w->rows_in_buf++;
	w->buf_elapsed_ns = elapsed_ns > 0 ? elapsed_ns : 0;
	w->buf_wall_ns = wall_ns;
	if (w->len >= RECCSV_AUTOFLUSH_BYTES)
		return reccsv_flush(w, err, errlen);
	return 0;
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
	char *p = reccsv_put_times(w, w->buf + w->len, s->wall_ns, s->elapsed_ns);
	for (int i = 0; i < SAMPLE_NCOLS; i++) {
		*p++ = ',';
		if (s->v[i] >= 0)
			p = reccsv_put_u64(p, (uint64_t)s->v[i]);
	}
	*p++ = ',';
	p = reccsv_put_text(p, marker, marker_len);
	*p++ = '\n';
	return reccsv_row_done(w, p, s->elapsed_ns, s->wall_ns, err, errlen);
}

/* Appends process rows; see reccsv.h. */
int reccsv_write_procs(reccsv_writer *w, const procrow *rows, size_t n, char *err, size_t errlen)
{
	for (size_t r = 0; r < n; r++) {
		const procrow *row = &rows[r];
		if (w->failed) {
			snprintf(err, errlen, "%s", w->failure);
			return -1;
		}
		size_t name_len = strnlen(row->name, PROCROW_NAME_MAX);
		size_t cmd_len = strnlen(row->cmd, PROCROW_CMD_MAX);
		size_t need = RECCSV_ROW_MAX_BYTES + 2 * (name_len + cmd_len) + 4 + 16;
		if (reccsv_reserve(w, need) != 0) {
			snprintf(err, errlen, "%s: cannot write: out of memory", w->path);
			return -1;
		}
		char *p = reccsv_put_times(w, w->buf + w->len, row->wall_ns, row->elapsed_ns);
		*p++ = ',';
		p = reccsv_put_u64(p, row->pid > 0 ? (uint64_t)row->pid : 0);
		*p++ = ',';
		if (row->ppid >= 0)
			p = reccsv_put_u64(p, (uint64_t)row->ppid);
		*p++ = ',';
		p = reccsv_put_plain(p, row->name, name_len);
		*p++ = ',';
		p = reccsv_put_plain(p, row->cmd, cmd_len);
		for (int i = 0; i < PROCROW_NCOLS; i++) {
			*p++ = ',';
			if (row->v[i] >= 0)
				p = reccsv_put_u64(p, (uint64_t)row->v[i]);
		}
		*p++ = ',';
		p = stpcpy(p, procrow_event_names[row->event]);
		*p++ = '\n';
		if (reccsv_row_done(w, p, row->elapsed_ns, row->wall_ns, err, errlen) != 0)
			return -1;
	}
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
