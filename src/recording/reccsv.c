/* reccsv.c: the recording's CSV file. Owns the schema (column names and the
 * text form of every field), the writer the sampler thread feeds at up to
 * 1 kHz, and the streaming reader replay and report use.
 *
 * The writer formats rows by hand into a memory buffer and hands whole rows to
 * write(2) in reccsv_flush, so a killed memlog leaves a file that ends on a row
 * boundary (or, at worst, inside the very last row). It never fsyncs: that
 * costs milliseconds on some disks and the page cache already survives
 * a crash of memlog itself, which is the failure that matters here.
 *
 * The reader is incremental (replay --follow polls a recording that is still
 * being written; reading a whole file is one poll plus the last line) and
 * takes one physical line at a time, so that every error can name the line
 * it is on and a row half written is never seen. A line of plain fields,
 * which is nearly every line memlog writes, is split at its commas here;
 * libcsv takes every line with a quote or anything else unusual, and the
 * fields from both go through the same checks. Numbers are converted
 * without allocating or using floating point.
 *
 * Also here: a fast row count to size buffers, and REC.markers.csv, where
 * replay saves the markers added while browsing. */
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

#define NS_PER_MS INT64_C(1000000)
#define NS_PER_US INT64_C(1000)

/* Buffered bytes that trigger a flush even when the caller has not asked. */
#define RECCSV_AUTOFLUSH_BYTES ((size_t)1 << 20)
/* Initial size of the write buffer: a second of rows at 1 kHz. */
#define RECCSV_WBUF_BYTES ((size_t)128 << 10)
/* Longest row without its marker: time, elapsed_s (20 digits + 7), one int64
 * per column, the separators and the newline, rounded up. */
#define RECCSV_ROW_MAX_BYTES (MTIME_ISO_LEN + 28 + SAMPLE_NCOLS * 21 + 8)
/* The reader's buffer: it grows from the first size to the second while
 * reads fill it. At the largest, system calls cost nothing and a read still
 * fits in the L2 cache behind the longest unfinished line kept back. */
#define RECCSV_BUF_MIN_BYTES ((size_t)16 << 10)
#define RECCSV_BUF_MAX_BYTES (RECCSV_PENDING_MAX_BYTES * 2)
/* An unfinished line longer than this goes to libcsv without waiting for its
 * newline: no memlog row comes near it (see RECCSV_FIELD_MAX_BYTES), and
 * holding back an endless line would take endless memory. */
#define RECCSV_PENDING_MAX_BYTES ((size_t)256 << 10)
/* Longer lines always go through libcsv, which watches field sizes. */
#define RECCSV_FAST_LINE_MAX_BYTES ((size_t)4 << 10)
/* Read size for counting newlines: big, since memchr outruns the copy. */
#define RECCSV_COUNT_CHUNK_BYTES ((size_t)1 << 20)
#define RECCSV_MARKERS_CHUNK_BYTES ((size_t)64 << 10)
/* time, elapsed_s and marker, and room for columns added later. */
#define RECCSV_MARKERS_MAX_COLS 64
/* A longer field is not from memlog: binary data or an unclosed quote. */
#define RECCSV_FIELD_MAX_BYTES ((size_t)64 << 10)
#define RECCSV_PARSER_BLOCK_BYTES 4096

/* Column roles in the reader beyond the probe columns 0..SAMPLE_NCOLS-1. */
enum {
	RECCSV_COL_IGNORED = -1,
	RECCSV_COL_TIME = -2,
	RECCSV_COL_ELAPSED = -3,
	RECCSV_COL_MARKER = -4,
};

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

/* strerror for errno e, safe to call from the sampler thread. */
static const char *reccsv_strerror(int e, char *buf, size_t buflen)
{
	return strerror_r(e, buf, buflen);
}

/* "00" to "99": two digits per division halves the chain of dependent
 * divisions, which is most of what formatting a row costs. */
static const char reccsv_digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* Writes the decimal digits of v at p; returns the end. */
static char *reccsv_put_u64(char *p, uint64_t v)
{
	char tmp[20];
	size_t n = 0;
	while (v >= 100) {
		n += 2;
		memcpy(tmp + sizeof tmp - n, reccsv_digit_pairs + v % 100 * 2, 2);
		v /= 100;
	}
	if (v >= 10) {
		n += 2;
		memcpy(tmp + sizeof tmp - n, reccsv_digit_pairs + v * 2, 2);
	} else {
		tmp[sizeof tmp - ++n] = (char)('0' + v);
	}
	memcpy(p, tmp + sizeof tmp - n, n);
	return p + n;
}

/* Writes v as exactly width digits at p (leading zeros); returns the end. */
static char *reccsv_put_fixed(char *p, uint64_t v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

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

/* ---- reading ---- */

/* The reader behind reccsv_read and reccsv_reader_*. One parser for both: a
 * whole-file read is an incremental read that polls once and then takes the
 * last line as final. */
struct reccsv_reader {
	char *path;
	int fd;
	bool regular;         /* a regular file, so its size can be checked */
	dev_t dev;
	ino_t ino;
	bool lenient;
	bool fast;            /* plain lines may skip libcsv */
	reccsv_info info;

	struct csv_parser parser;
	bool parser_live;
	bool csv_idle;        /* libcsv is known to be between rows */
	size_t rowlike_in_quote; /* lines shaped like rows inside the open row's quote */
	size_t row_events;    /* rows libcsv has ended, to tell when it is idle */

	char *buf;            /* bytes read; [start, len) not parsed yet */
	size_t start, len, cap;
	off_t offset;         /* bytes of the file read so far */

	reccsv_row_fn fn;
	void *ctx;
	long delivered;       /* rows handed to fn in the current call */
	bool opening;         /* reading the header: stop once it is done */
	bool paused;          /* fn asked to stop */
	bool failed;          /* stopped by an error, kept in failure */
	bool finished;        /* the end of the file was dealt with */
	char failure[512];

	size_t line;          /* physical line being parsed */
	size_t last_end_line; /* line the previous row ended on */

	/* The header. */
	bool header_done;
	bool header_binary;
	bool header_dup;
	char dup_name[64];
	int *cols;            /* role of each column, RECCSV_COL_* or a probe column */
	size_t ncols, cols_cap;

	/* The row being parsed. */
	size_t nfields;
	size_t row_line;
	sample s;
	char *marker;
	size_t marker_len, marker_cap;
	bool row_bad;
	char row_err[192];

	/* The rows accepted so far. */
	bool have_prev;
	int64_t prev_elapsed_ns, prev_wall_ns, first_wall_ns;
};

/* Off only in tests and the fuzzer, to check the fast path against libcsv. */
static bool reccsv_fast_path = true;

/* Turns the plain-line fast path on or off for readers opened later; see reccsv.h. */
void reccsv_set_fast_path(bool on)
{
	reccsv_fast_path = on;
}

/* Copies at most 40 bytes of a field into out for a message, control
 * characters replaced so that garbage in a file cannot reach the terminal. */
static void reccsv_show(const char *f, size_t len, char *out, size_t outlen)
{
	size_t n = 0;
	for (size_t i = 0; i < len && i < 40 && n + 4 < outlen; i++) {
		unsigned char c = (unsigned char)f[i];
		out[n++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (len > 40 && n + 4 < outlen) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
}

/* Formats ns as seconds with only the decimals it needs ("3.2", "4"). */
static void reccsv_show_seconds(int64_t ns, char *out, size_t outlen)
{
	char frac[10];
	int64_t whole = ns / NS_PER_S, rem = ns % NS_PER_S;
	if (rem < 0) {
		whole--;
		rem += NS_PER_S;
	}
	reccsv_put_fixed(frac, (uint64_t)rem, 9);
	int n = 9;
	while (n > 0 && frac[n - 1] == '0')
		n--;
	frac[n] = '\0';
	snprintf(out, outlen, "%lld%s%s", (long long)whole, n ? "." : "", frac);
}

/* Parses a non-negative integer field; empty means not measured. Returns 0,
 * -1 when it is not a number, -2 when it does not fit in int64. */
static int reccsv_parse_count(const char *f, size_t len, int64_t *v)
{
	if (len == 0) {
		*v = SAMPLE_NONE;
		return 0;
	}
	uint64_t acc = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned)(unsigned char)f[i] - '0';
		if (d > 9)
			return -1;
		acc = acc * 10 + d;
	}
	/* 18 digits cannot overflow; only longer numbers need the slow check. */
	if (len > 18) {
		size_t i = 0;
		while (i < len && f[i] == '0')
			i++;
		if (len - i > 19 || (len - i == 19 && memcmp(f + i, "9223372036854775807", 19) > 0))
			return -2;
	}
	*v = (int64_t)acc;
	return 0;
}

/* Parses non-negative decimal seconds ("12.345678") to ns exactly; digits
 * past the ninth decimal are below a nanosecond and dropped. 0 or -1. */
static int reccsv_parse_seconds(const char *f, size_t len, int64_t *ns)
{
	size_t i = 0;
	int64_t whole = 0, frac = 0;
	int frac_digits = 0;
	if (len == 0)
		return -1;
	for (; i < len && f[i] >= '0' && f[i] <= '9'; i++) {
		whole = whole * 10 + (f[i] - '0');
		if (whole >= INT64_MAX / NS_PER_S)
			return -1; /* whole * 1e9 plus a fraction would not fit */
	}
	size_t int_digits = i;
	if (i < len && f[i] == '.') {
		i++;
		for (; i < len && f[i] >= '0' && f[i] <= '9'; i++) {
			if (frac_digits < 9) {
				frac = frac * 10 + (f[i] - '0');
				frac_digits++;
			}
		}
		if (int_digits == 0 && i == int_digits + 1)
			return -1; /* "." alone */
	} else if (int_digits == 0) {
		return -1;
	}
	if (i != len)
		return -1;
	for (; frac_digits < 9; frac_digits++)
		frac *= 10;
	*ns = whole * NS_PER_S + frac;
	return 0;
}

/* True once reading must stop for now: an error, or fn asked to. */
static bool reccsv_halted(const struct reccsv_reader *r)
{
	return r->failed || r->paused;
}

/* Records the first error of the current row. */
static void reccsv_row_error(struct reccsv_reader *r, const char *col, const char *f,
                             size_t len, const char *what)
{
	char shown[48];
	if (r->row_bad)
		return;
	r->row_bad = true;
	reccsv_show(f, len, shown, sizeof shown);
	snprintf(r->row_err, sizeof r->row_err, "column %s: '%s' %s", col, shown, what);
}

/* Stops reading for good with "FILE:LINE: msg", kept for every later call. */
static void reccsv_fatal(struct reccsv_reader *r, size_t line, const char *msg)
{
	snprintf(r->failure, sizeof r->failure, "%s:%zu: %s", r->path, line, msg);
	r->failed = true;
}

/* Handles one header field: looks its name up. */
static void reccsv_header_field(struct reccsv_reader *r, const char *f, size_t len)
{
	if (r->ncols == r->cols_cap) {
		size_t cap = r->cols_cap ? r->cols_cap * 2 : 32;
		int *cols = realloc(r->cols, cap * sizeof *cols);
		if (cols == NULL) {
			reccsv_fatal(r, r->row_line, "out of memory reading the header");
			return;
		}
		r->cols = cols;
		r->cols_cap = cap;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)f[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			r->header_binary = true;
	}
	int role = RECCSV_COL_IGNORED;
	if (len == 4 && memcmp(f, "time", 4) == 0)
		role = RECCSV_COL_TIME;
	else if (len == 9 && memcmp(f, "elapsed_s", 9) == 0)
		role = RECCSV_COL_ELAPSED;
	else if (len == 6 && memcmp(f, "marker", 6) == 0)
		role = RECCSV_COL_MARKER;
	for (int i = 0; role == RECCSV_COL_IGNORED && i < SAMPLE_NCOLS; i++) {
		if (strlen(sample_col_names[i]) == len && memcmp(f, sample_col_names[i], len) == 0)
			role = i;
	}
	if (role != RECCSV_COL_IGNORED) {
		for (size_t i = 0; i < r->ncols; i++) {
			if (r->cols[i] == role && !r->header_dup) {
				r->header_dup = true;
				reccsv_show(f, len, r->dup_name, sizeof r->dup_name);
			}
		}
	}
	r->cols[r->ncols++] = role;
}

/* Checks the complete header and fills info. */
static void reccsv_header_end(struct reccsv_reader *r)
{
	reccsv_info *info = &r->info;
	char msg[256];
	r->header_done = true;
	for (size_t i = 0; i < r->ncols; i++) {
		int role = r->cols[i];
		if (role >= 0)
			info->has[role] = true;
		info->has_time |= role == RECCSV_COL_TIME;
		info->has_elapsed |= role == RECCSV_COL_ELAPSED;
		info->has_marker |= role == RECCSV_COL_MARKER;
	}
	bool has_memory = false;
	for (int i = 0; i < SAMPLE_NCOLS; i++)
		has_memory |= i != SAMPLE_PROCS && info->has[i];

	if (r->header_binary) {
		reccsv_fatal(r, r->row_line, "binary data where a memlog CSV header was expected "
		             "(time,elapsed_s,rss,...); is this a recording?");
	} else if (r->header_dup) {
		snprintf(msg, sizeof msg, "column %s appears twice in the header", r->dup_name);
		reccsv_fatal(r, r->row_line, msg);
	} else if (!has_memory) {
		size_t n = (size_t)snprintf(msg, sizeof msg,
		                            "header has no memory column, expected at least one of");
		for (int i = 0; i < SAMPLE_NCOLS && n < sizeof msg; i++) {
			if (i != SAMPLE_PROCS)
				n += (size_t)snprintf(msg + n, sizeof msg - n, "%s %s",
				                      i == 0 ? "" : ",", sample_col_names[i]);
		}
		reccsv_fatal(r, r->row_line, msg);
	} else if (!info->has_time && !info->has_elapsed) {
		reccsv_fatal(r, r->row_line, "header has neither time nor elapsed_s, expected at least one");
	}
}

/* libcsv field callback (and the fast path's): converts the field into the
 * row being built. */
static void reccsv_on_field(void *data, size_t len, void *arg)
{
	struct reccsv_reader *r = arg;
	const char *f = data;
	if (reccsv_halted(r))
		return;
	if (r->nfields++ == 0) {
		r->row_line = r->line;
		r->row_bad = false;
		r->marker_len = 0;
		r->s.elapsed_ns = 0;
		r->s.wall_ns = 0;
		for (int i = 0; i < SAMPLE_NCOLS; i++)
			r->s.v[i] = SAMPLE_NONE;
	}
	if (!r->header_done) {
		reccsv_header_field(r, f, len);
		return;
	}
	size_t idx = r->nfields - 1;
	if (idx >= r->ncols || r->row_bad)
		return;
	int role = r->cols[idx];
	if (role >= 0) {
		int rc = reccsv_parse_count(f, len, &r->s.v[role]);
		if (rc == -2)
			reccsv_row_error(r, sample_col_names[role], f, len, "is too large");
		else if (rc != 0)
			reccsv_row_error(r, sample_col_names[role], f, len,
			                 role == SAMPLE_PROCS ? "is not a whole number"
			                                     : "is not a whole number of bytes");
		return;
	}
	switch (role) {
	case RECCSV_COL_TIME:
		if (mtime_parse_iso(f, len, &r->s.wall_ns) != 0)
			reccsv_row_error(r, "time", f, len, "is not a time like 2026-11-24T10:00:00.123Z");
		/* Within the range, the readers' time arithmetic cannot overflow. */
		else if (!mtime_wall_ok(r->s.wall_ns))
			reccsv_row_error(r, "time", f, len, "is outside the years 1970 to 2199 a recording can have");
		break;
	case RECCSV_COL_ELAPSED:
		if (reccsv_parse_seconds(f, len, &r->s.elapsed_ns) != 0)
			reccsv_row_error(r, "elapsed_s", f, len, "is not a number of seconds like 12.345678");
		else if (r->s.elapsed_ns > MTIME_ELAPSED_MAX_NS)
			reccsv_row_error(r, "elapsed_s", f, len, "is more than the 50 years a recording can last");
		break;
	case RECCSV_COL_MARKER:
		if (len + 1 > r->marker_cap) {
			char *m = realloc(r->marker, len + 1);
			if (m == NULL) {
				reccsv_fatal(r, r->row_line, "out of memory reading a marker");
				return;
			}
			r->marker = m;
			r->marker_cap = len + 1;
		}
		if (len > 0)
			memcpy(r->marker, f, len);
		r->marker[len] = '\0';
		r->marker_len = len;
		break;
	default:
		break;
	}
}

/* Works out the row's elapsed time; false with row_err set if it goes backwards. */
static bool reccsv_row_times(struct reccsv_reader *r)
{
	char now[40], prev[40];
	if (!r->info.has_elapsed) {
		if (!r->have_prev)
			r->first_wall_ns = r->s.wall_ns;
		/* Compared before subtracting: a time centuries before the first
		 * would overflow the difference. */
		if (r->s.wall_ns < r->first_wall_ns ||
		    __builtin_sub_overflow(r->s.wall_ns, r->first_wall_ns, &r->s.elapsed_ns))
			r->s.elapsed_ns = -1;
	}
	if (r->have_prev && r->s.elapsed_ns < r->prev_elapsed_ns) {
		if (r->info.has_elapsed) {
			reccsv_show_seconds(r->s.elapsed_ns, now, sizeof now);
			reccsv_show_seconds(r->prev_elapsed_ns, prev, sizeof prev);
			snprintf(r->row_err, sizeof r->row_err,
			         "elapsed_s %s goes back in time (previous row %s)", now, prev);
		} else {
			mtime_format_iso(r->s.wall_ns, now);
			mtime_format_iso(r->prev_wall_ns, prev);
			snprintf(r->row_err, sizeof r->row_err,
			         "time %s goes back in time (previous row %s)", now, prev);
		}
		return false;
	}
	return true;
}

/* libcsv row callback (and the fast path's): checks the row and hands it
 * on. c is -1 for a last row that had no line terminator. */
static void reccsv_on_row(int c, void *arg)
{
	struct reccsv_reader *r = arg;
	r->row_events++;
	if (reccsv_halted(r))
		return;
	size_t nfields = r->nfields;
	r->nfields = 0;
	r->last_end_line = r->line;
	r->rowlike_in_quote = 0;
	if (!r->header_done) {
		reccsv_header_end(r);
		r->paused |= r->opening;
		return;
	}
	if (nfields != r->ncols) {
		snprintf(r->row_err, sizeof r->row_err, "%zu field%s, expected %zu as in the header",
		         nfields, nfields == 1 ? "" : "s", r->ncols);
		r->row_bad = true;
	} else if (!r->row_bad && !reccsv_row_times(r)) {
		r->row_bad = true;
	}
	if (r->row_bad) {
		if (c == -1)
			r->info.truncated_last = true;
		else if (r->lenient)
			r->info.skipped++;
		else
			reccsv_fatal(r, r->row_line, r->row_err);
		return;
	}
	if (!r->have_prev) {
		r->have_prev = true;
		r->info.first_wall_ns = r->info.has_time ? r->s.wall_ns : 0;
	}
	r->prev_elapsed_ns = r->s.elapsed_ns;
	r->prev_wall_ns = r->s.wall_ns;
	r->info.rows++;
	r->delivered++;
	if (r->fn(r->ctx, &r->s, r->marker_len > 0 ? r->marker : NULL) != 0)
		r->paused = true;
}

/* Starts (or restarts, after a runaway field) the libcsv parser. */
static int reccsv_parser_init(struct csv_parser *p)
{
	if (csv_init(p, 0) != 0)
		return -1;
	csv_set_blk_size(p, RECCSV_PARSER_BLOCK_BYTES);
	return 0;
}

/* Feeds len bytes to libcsv in pieces that end after each CR or LF, so
 * that after each piece it is known whether libcsv is between rows (a row
 * ended on the piece's terminator, or the piece was a lone terminator
 * between rows); when unsure, it is taken to be inside a row, which only
 * costs speed. Returns the bytes consumed: fewer than len when reading
 * halted inside a line that a bare CR splits into several rows. */
static size_t reccsv_feed_csv(struct reccsv_reader *r, const char *buf, size_t len)
{
	size_t pos = 0;
	while (pos < len && !reccsv_halted(r)) {
		size_t end = pos;
		while (end < len && buf[end] != '\r' && buf[end] != '\n')
			end++;
		bool terminated = end < len;
		if (terminated)
			end++;
		size_t rows_before = r->row_events;
		if (csv_parse(&r->parser, buf + pos, end - pos, reccsv_on_field, reccsv_on_row, r)
		    != end - pos) {
			reccsv_fatal(r, r->line, "out of memory parsing the line");
			return len;
		}
		if (!terminated)
			r->csv_idle = false;
		else if (r->row_events != rows_before)
			r->csv_idle = true;
		else if (!(r->csv_idle && end - pos == 1))
			r->csv_idle = false;
		pos = end;
	}
	return pos;
}

/* Feeds bytes to libcsv and stops a field that grows past any memlog would
 * write (binary data, an unclosed quote) before it takes all memory.
 * Returns the bytes consumed, as reccsv_feed_csv. */
static size_t reccsv_slow(struct reccsv_reader *r, const char *buf, size_t len)
{
	size_t used = reccsv_feed_csv(r, buf, len);
	if (r->failed || csv_get_buffer_size(&r->parser) <= RECCSV_FIELD_MAX_BYTES)
		return used;
	size_t line = r->last_end_line + 1;
	if (!r->header_done) {
		reccsv_fatal(r, line, "no memlog CSV header (time,elapsed_s,rss,...) "
		             "but a field over 64 KiB long; is this a recording?");
		return used;
	}
	if (!r->lenient) {
		reccsv_fatal(r, line, "a field over 64 KiB long; an unclosed quote?");
		return used;
	}
	/* Start afresh on the next line, dropping the runaway row. */
	csv_free(&r->parser);
	if (reccsv_parser_init(&r->parser) != 0) {
		r->parser_live = false;
		reccsv_fatal(r, line, "out of memory parsing the line");
		return used;
	}
	r->csv_idle = true;
	r->nfields = 0;
	r->last_end_line = r->line;
	r->info.skipped++;
	return used;
}

/* A space or tab, which libcsv trims from the ends of an unquoted field. */
static bool reccsv_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits a line of plain fields at its commas and hands the fields to the
 * same callbacks, exactly as libcsv would but without its byte-at-a-time
 * state machine, which is most of the cost of reading. A line with a quote,
 * a CR other than a final CRLF, or a space or tab at the edge of a field is
 * left to libcsv: false is returned and nothing that matters has changed
 * (a row half built is started again by libcsv's first field). len excludes
 * the '\n'. */
static bool reccsv_fast_line(struct reccsv_reader *r, const char *line, size_t len)
{
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0)
		return true; /* a blank line between rows, which libcsv skips too */
	if (len > RECCSV_FAST_LINE_MAX_BYTES || memchr(line, '"', len) != NULL
	    || memchr(line, '\r', len) != NULL)
		return false;
	const char *p = line, *end = line + len;
	for (;;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *field_end = comma != NULL ? comma : end;
		if (field_end > p && (reccsv_is_blank(*p) || reccsv_is_blank(field_end[-1]))) {
			r->nfields = 0;
			return false;
		}
		reccsv_on_field((void *)p, (size_t)(field_end - p), r);
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	reccsv_on_row('\n', r);
	return true;
}

/* The commas in len bytes at s. */
static size_t reccsv_count_commas(const char *s, size_t len)
{
	size_t n = 0;
	for (const char *c = memchr(s, ',', len); c; c = memchr(c + 1, ',', len - (size_t)(c + 1 - s)))
		n++;
	return n;
}

/* Parses one physical line, its '\n' included (none only at the end of the
 * file or of a runaway line). Returns the bytes consumed, as reccsv_feed_csv. */
static size_t reccsv_take_line(struct reccsv_reader *r, const char *line, size_t len)
{
	bool newline = len > 0 && line[len - 1] == '\n';
	size_t used;
	/* A line that goes on a row begun on an earlier line (inside a quoted
	 * field) but has a row's commas is most likely a row swallowed by a
	 * quote that was never closed. */
	if (!r->csv_idle && r->header_done && r->ncols > 1 &&
	    reccsv_count_commas(line, len) + 1 >= r->ncols)
		r->rowlike_in_quote++;
	if (r->fast && r->csv_idle && r->header_done && newline && reccsv_fast_line(r, line, len - 1))
		used = len;
	else
		used = reccsv_slow(r, line, len);
	if (used == len && newline)
		r->line++;
	return used;
}

/* Parses the complete lines in the buffer, up to the end of the header when
 * opening. */
static void reccsv_parse_buffered(struct reccsv_reader *r)
{
	while (r->start < r->len && !reccsv_halted(r)) {
		const char *p = r->buf + r->start;
		const char *nl = memchr(p, '\n', r->len - r->start);
		if (nl == NULL)
			break;
		r->start += reccsv_take_line(r, p, (size_t)(nl - p) + 1);
	}
}

/* Reads the next chunk of the file behind the unparsed bytes, which move to
 * the front of the buffer. The buffer starts small and doubles while reads
 * fill it, so a small file costs little and a big one soon gets big reads.
 * Returns bytes read, 0 at the end of the file, -1 on error (reader failed). */
static ssize_t reccsv_read_more(struct reccsv_reader *r)
{
	char ebuf[128];
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->len - r->start);
		r->len -= r->start;
		r->start = 0;
	}
	/* Room for a chunk behind the longest unfinished line ever kept. */
	if (r->cap - r->len < r->cap / 2 && r->cap < RECCSV_BUF_MAX_BYTES) {
		char *buf = realloc(r->buf, r->cap * 2);
		if (buf == NULL) {
			snprintf(r->failure, sizeof r->failure, "%s: out of memory", r->path);
			r->failed = true;
			return -1;
		}
		r->buf = buf;
		r->cap *= 2;
	}
	for (;;) {
		ssize_t n = read(r->fd, r->buf + r->len, r->cap - r->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(r->failure, sizeof r->failure, "%s: cannot read: %s", r->path,
			         reccsv_strerror(errno, ebuf, sizeof ebuf));
			r->failed = true;
			return -1;
		}
		/* A UTF-8 byte order mark, as some editors and spreadsheets write. */
		if (r->offset == 0 && n >= 3 && memcmp(r->buf, "\xef\xbb\xbf", 3) == 0)
			r->start = 3;
		r->offset += n;
		r->len += (size_t)n;
		if (r->len == r->cap && r->cap < RECCSV_BUF_MAX_BYTES) {
			char *buf = realloc(r->buf, r->cap * 2);
			if (buf != NULL) {
				r->buf = buf;
				r->cap *= 2;
			}
		}
		return n;
	}
}

/* Parses everything in the file past what was parsed, leaving an unfinished
 * last line in the buffer, until the end of the file or a halt. */
static void reccsv_pump(struct reccsv_reader *r)
{
	for (;;) {
		reccsv_parse_buffered(r);
		if (reccsv_halted(r))
			return;
		/* No memlog row is this long: let libcsv have it now, rather than
		 * hold back an endless line (see RECCSV_PENDING_MAX_BYTES). */
		if (r->len - r->start > RECCSV_PENDING_MAX_BYTES) {
			r->start += reccsv_slow(r, r->buf + r->start, r->len - r->start);
			if (reccsv_halted(r))
				return;
		}
		if (reccsv_read_more(r) <= 0)
			return;
	}
}

/* Takes what is left as the file's last line, without its newline: a
 * complete row is delivered, a cut one is noted as truncated. false when
 * reading halted before the end. */
static bool reccsv_end_of_file(struct reccsv_reader *r)
{
	bool tail = r->start < r->len; /* a last line without its newline */
	if (tail) {
		r->start += reccsv_slow(r, r->buf + r->start, r->len - r->start);
		if (reccsv_halted(r))
			return false;
	}
	/* Strict at this point only makes libcsv refuse a row that ends inside
	 * an open quote, which can only have been cut short. */
	csv_set_opts(&r->parser, CSV_STRICT | CSV_STRICT_FINI);
	if (csv_fini(&r->parser, reccsv_on_field, reccsv_on_row, r) != 0 && !r->failed) {
		size_t open_line = r->last_end_line + 1;
		size_t spanned = r->line >= open_line ? r->line - open_line + (tail ? 1 : 0) : 1;
		if (!r->header_done) {
			reccsv_fatal(r, open_line, "the header ends inside a quoted field");
		} else if (r->rowlike_in_quote > 0) {
			/* Not a last line cut short: a quote that never closes took
			 * every line after it into one field. */
			char msg[200];
			snprintf(msg, sizeof msg, "a quoted field opened in this row is never closed: it runs to "
			         "the end of the file, taking %zu lines (expected a closing \" in the row)", spanned);
			if (r->lenient)
				r->info.skipped += spanned;
			else
				reccsv_fatal(r, open_line, msg);
		} else {
			r->info.truncated_last = true;
		}
		/* Dropping the cut row leaves libcsv between rows. */
		csv_free(&r->parser);
		if (reccsv_parser_init(&r->parser) != 0) {
			r->parser_live = false;
			reccsv_fatal(r, r->line, "out of memory");
		}
		r->nfields = 0;
	}
	csv_set_opts(&r->parser, 0);
	r->csv_idle = true;
	return !r->failed;
}

/* Frees everything the reader holds; NULL is ignored. */
void reccsv_reader_close(reccsv_reader *r)
{
	if (r == NULL)
		return;
	if (r->parser_live)
		csv_free(&r->parser);
	if (r->fd >= 0)
		close(r->fd);
	free(r->buf);
	free(r->cols);
	free(r->marker);
	free(r->path);
	free(r);
}

/* Opens the recording and reads up to the end of its header; see reccsv.h. */
reccsv_reader *reccsv_reader_open(const char *path, bool lenient, char *err, size_t errlen)
{
	char ebuf[128];
	reccsv_reader *r = calloc(1, sizeof *r);
	if (r == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	r->fd = -1;
	r->lenient = lenient;
	r->fast = reccsv_fast_path;
	r->line = 1;
	r->csv_idle = true;
	r->cap = RECCSV_BUF_MIN_BYTES;
	r->path = strdup(path);
	r->buf = malloc(r->cap);
	if (r->path == NULL || r->buf == NULL || reccsv_parser_init(&r->parser) != 0) {
		snprintf(err, errlen, "%s: out of memory", path);
		reccsv_reader_close(r);
		return NULL;
	}
	r->parser_live = true;
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path, reccsv_strerror(errno, ebuf, sizeof ebuf));
		reccsv_reader_close(r);
		return NULL;
	}
	struct stat st;
	if (fstat(r->fd, &st) == 0) {
		r->regular = S_ISREG(st.st_mode);
		r->dev = st.st_dev;
		r->ino = st.st_ino;
	}

	/* The header is the first row: read until libcsv ends it, or until the
	 * end of the file, which then ends it as reccsv_read always did. */
	r->opening = true;
	while (!r->header_done && !r->failed) {
		reccsv_parse_buffered(r);
		if (r->header_done || r->failed)
			break;
		if (r->len - r->start > RECCSV_PENDING_MAX_BYTES) {
			r->start += reccsv_slow(r, r->buf + r->start, r->len - r->start);
			if (r->header_done || r->failed)
				break;
		}
		ssize_t n = reccsv_read_more(r);
		if (n < 0)
			break;
		if (n == 0) {
			reccsv_end_of_file(r);
			if (!r->header_done && !r->failed) {
				snprintf(r->failure, sizeof r->failure,
				         "%s: empty file, expected a memlog CSV header", path);
				r->failed = true;
			}
		}
	}
	r->opening = false;
	r->paused = false;
	if (r->failed) {
		snprintf(err, errlen, "%s", r->failure);
		reccsv_reader_close(r);
		return NULL;
	}
	return r;
}

/* Starts a poll: the callback, and a check that the file did not lose what
 * was already read. false with err filled when the reader cannot go on. */
static bool reccsv_poll_begin(reccsv_reader *r, reccsv_row_fn fn, void *ctx, char *err, size_t errlen)
{
	struct stat st;
	r->fn = fn;
	r->ctx = ctx;
	r->delivered = 0;
	r->paused = false;
	if (!r->failed && r->regular) {
		bool shorter = fstat(r->fd, &st) == 0 && st.st_size < r->offset;
		bool other = false;
		if (!shorter && stat(r->path, &st) == 0 && (st.st_dev != r->dev || st.st_ino != r->ino)) {
			other = true;
			shorter = st.st_size < r->offset;
		}
		if (shorter) {
			snprintf(r->failure, sizeof r->failure,
			         "%s: the recording got shorter; it was replaced or truncated", r->path);
			r->failed = true;
		} else if (other) {
			snprintf(r->failure, sizeof r->failure,
			         "%s: the recording was replaced by another file", r->path);
			r->failed = true;
		}
	}
	if (r->failed) {
		snprintf(err, errlen, "%s", r->failure);
		return false;
	}
	return true;
}

/* Ends a poll: the rows delivered, or -1 with err filled. */
static long reccsv_poll_end(reccsv_reader *r, char *err, size_t errlen)
{
	r->fn = NULL;
	r->ctx = NULL;
	if (r->failed) {
		snprintf(err, errlen, "%s", r->failure);
		return -1;
	}
	return r->delivered;
}

/* Delivers the complete rows appended since the last poll; see reccsv.h. */
long reccsv_reader_poll(reccsv_reader *r, reccsv_row_fn fn, void *ctx, char *err, size_t errlen)
{
	if (!reccsv_poll_begin(r, fn, ctx, err, errlen))
		return -1;
	if (!r->finished)
		reccsv_pump(r);
	return reccsv_poll_end(r, err, errlen);
}

/* Polls a last time and takes the last line as final; see reccsv.h. */
long reccsv_reader_finish(reccsv_reader *r, reccsv_row_fn fn, void *ctx, char *err, size_t errlen)
{
	if (!reccsv_poll_begin(r, fn, ctx, err, errlen))
		return -1;
	if (!r->finished) {
		reccsv_pump(r);
		if (!reccsv_halted(r))
			r->finished = reccsv_end_of_file(r);
	}
	return reccsv_poll_end(r, err, errlen);
}

/* The header facts and counts so far; see reccsv.h. */
const reccsv_info *reccsv_reader_info(const reccsv_reader *r)
{
	return &r->info;
}

/* Reads a whole recording: open, one final poll, close; see reccsv.h. */
int reccsv_read(const char *path, bool lenient, reccsv_row_fn fn, void *ctx,
                reccsv_info *info, char *err, size_t errlen)
{
	reccsv_reader *r = reccsv_reader_open(path, lenient, err, errlen);
	if (r == NULL) {
		if (info != NULL)
			memset(info, 0, sizeof *info);
		return -1;
	}
	long n = reccsv_reader_finish(r, fn, ctx, err, errlen);
	if (info != NULL)
		*info = r->info;
	reccsv_reader_close(r);
	return n < 0 ? -1 : 0;
}

/* ---- counting rows ---- */

/* Counts newlines with memchr over big reads, minus the header; see reccsv.h. */
long reccsv_count_rows(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	size_t chunk = RECCSV_COUNT_CHUNK_BYTES;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size < chunk)
		chunk = (size_t)st.st_size + 1; /* +1: the read that finds the end */
	char *buf = malloc(chunk);
	if (buf == NULL) {
		close(fd);
		return -1;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	long lines = 0;
	char last = '\n';
	for (;;) {
		ssize_t n = read(fd, buf, chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			lines = -1;
			break;
		}
		if (n == 0)
			break;
		const char *p = buf, *end = buf + n;
		while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			lines++;
			p++;
		}
		last = buf[n - 1];
	}
	free(buf);
	close(fd);
	if (lines < 0)
		return -1;
	if (last != '\n')
		lines++; /* a last line without its newline */
	return lines > 0 ? lines - 1 : 0;
}

/* ---- markers added during replay ---- */

#define RECCSV_MARKERS_HEADER "time,elapsed_s,marker\n"

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

/* Reading REC.markers.csv back: a small file, so plain libcsv, one physical
 * line at a time for the line numbers. */
struct reccsv_mreader {
	const char *path;
	reccsv_marker_fn fn;
	void *ctx;
	char *err;
	size_t errlen;
	bool stop, failed;

	size_t line, last_end_line;
	bool header_done, header_binary;
	int cols[RECCSV_MARKERS_MAX_COLS]; /* roles, RECCSV_COL_* */
	size_t ncols;

	size_t nfields, row_line;
	int64_t wall_ns, elapsed_ns;
	bool row_bad;
	char row_err[192];
	char *label;
	size_t label_cap;
};

/* Stops reading the markers with err "FILE:LINE: msg". */
static void reccsv_mfatal(struct reccsv_mreader *m, size_t line, const char *msg)
{
	snprintf(m->err, m->errlen, "%s:%zu: %s", m->path, line, msg);
	m->failed = m->stop = true;
}

/* Records the first error of the current marker row. */
static void reccsv_mrow_error(struct reccsv_mreader *m, const char *col, const char *f,
                              size_t len, const char *what)
{
	char shown[48];
	if (m->row_bad)
		return;
	m->row_bad = true;
	reccsv_show(f, len, shown, sizeof shown);
	snprintf(m->row_err, sizeof m->row_err, "column %s: '%s' %s", col, shown, what);
}

/* libcsv field callback for the markers file. */
static void reccsv_mon_field(void *data, size_t len, void *arg)
{
	struct reccsv_mreader *m = arg;
	const char *f = data;
	if (m->stop)
		return;
	if (m->nfields++ == 0) {
		m->row_line = m->line;
		m->row_bad = false;
		m->wall_ns = 0;
		m->elapsed_ns = 0;
		if (m->label_cap > 0)
			m->label[0] = '\0';
	}
	size_t idx = m->nfields - 1;
	if (!m->header_done) {
		if (m->ncols == RECCSV_MARKERS_MAX_COLS) {
			reccsv_mfatal(m, m->row_line, "too many columns in the header, "
			              "expected time,elapsed_s,marker");
			return;
		}
		int role = RECCSV_COL_IGNORED;
		if (len == 4 && memcmp(f, "time", 4) == 0)
			role = RECCSV_COL_TIME;
		else if (len == 9 && memcmp(f, "elapsed_s", 9) == 0)
			role = RECCSV_COL_ELAPSED;
		else if (len == 6 && memcmp(f, "marker", 6) == 0)
			role = RECCSV_COL_MARKER;
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)f[i];
			if ((c < 0x20 && c != '\t') || c == 0x7f)
				m->header_binary = true;
		}
		for (size_t i = 0; i < m->ncols && role != RECCSV_COL_IGNORED; i++) {
			if (m->cols[i] == role) {
				char shown[48], msg[128];
				reccsv_show(f, len, shown, sizeof shown);
				snprintf(msg, sizeof msg, "column %s appears twice in the header", shown);
				reccsv_mfatal(m, m->row_line, msg);
				return;
			}
		}
		m->cols[m->ncols++] = role;
		return;
	}
	if (idx >= m->ncols || m->row_bad)
		return;
	switch (m->cols[idx]) {
	case RECCSV_COL_TIME:
		/* Empty when the recording had no wall clock. */
		if (len > 0 && mtime_parse_iso(f, len, &m->wall_ns) != 0)
			reccsv_mrow_error(m, "time", f, len, "is not a time like 2026-11-24T10:00:00.123Z");
		else if (len > 0 && !mtime_wall_ok(m->wall_ns))
			reccsv_mrow_error(m, "time", f, len, "is outside the years 1970 to 2199 a recording can have");
		break;
	case RECCSV_COL_ELAPSED:
		if (reccsv_parse_seconds(f, len, &m->elapsed_ns) != 0)
			reccsv_mrow_error(m, "elapsed_s", f, len, "is not a number of seconds like 12.345678");
		else if (m->elapsed_ns > MTIME_ELAPSED_MAX_NS)
			reccsv_mrow_error(m, "elapsed_s", f, len, "is more than the 50 years a recording can last");
		break;
	case RECCSV_COL_MARKER:
		if (len + 1 > m->label_cap) {
			char *l = realloc(m->label, len + 1);
			if (l == NULL) {
				reccsv_mfatal(m, m->row_line, "out of memory reading a marker");
				return;
			}
			m->label = l;
			m->label_cap = len + 1;
		}
		if (len > 0)
			memcpy(m->label, f, len);
		m->label[len] = '\0';
		break;
	default:
		break;
	}
}

/* libcsv row callback for the markers file: checks the row and hands it on. */
static void reccsv_mon_row(int c, void *arg)
{
	struct reccsv_mreader *m = arg;
	if (m->stop)
		return;
	size_t nfields = m->nfields;
	m->nfields = 0;
	m->last_end_line = m->line;
	if (!m->header_done) {
		m->header_done = true;
		bool has_elapsed = false, has_marker = false;
		for (size_t i = 0; i < m->ncols; i++) {
			has_elapsed |= m->cols[i] == RECCSV_COL_ELAPSED;
			has_marker |= m->cols[i] == RECCSV_COL_MARKER;
		}
		if (m->header_binary)
			reccsv_mfatal(m, m->row_line, "binary data where a markers header was expected "
			              "(time,elapsed_s,marker)");
		else if (!has_elapsed || !has_marker)
			reccsv_mfatal(m, m->row_line, "header lacks elapsed_s or marker, "
			              "expected time,elapsed_s,marker");
		return;
	}
	if (nfields != m->ncols) {
		snprintf(m->row_err, sizeof m->row_err, "%zu field%s, expected %zu as in the header",
		         nfields, nfields == 1 ? "" : "s", m->ncols);
		m->row_bad = true;
	}
	if (m->row_bad) {
		/* Markers are appended a whole row at a time, so a broken last row
		 * without its newline can only be one whose write was cut: dropped. */
		if (c != -1)
			reccsv_mfatal(m, m->row_line, m->row_err);
		return;
	}
	if (m->fn(m->ctx, m->wall_ns, m->elapsed_ns, m->label != NULL ? m->label : "") != 0)
		m->stop = true;
}

/* Feeds len bytes of the markers file to libcsv one physical line at a time. */
static void reccsv_mfeed(struct reccsv_mreader *m, struct csv_parser *p, const char *buf, size_t len)
{
	size_t pos = 0;
	while (pos < len && !m->stop) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - buf) + 1 : len;
		if (csv_parse(p, buf + pos, end - pos, reccsv_mon_field, reccsv_mon_row, m) != end - pos) {
			reccsv_mfatal(m, m->line, "out of memory parsing the line");
			return;
		}
		if (csv_get_buffer_size(p) > RECCSV_FIELD_MAX_BYTES && !m->stop) {
			reccsv_mfatal(m, m->last_end_line + 1, "a field over 64 KiB long; an unclosed quote?");
			return;
		}
		if (nl != NULL)
			m->line++;
		pos = end;
	}
}

/* Reads REC.markers.csv; see reccsv.h. */
int reccsv_read_markers(const char *path, reccsv_marker_fn fn, void *ctx, char *err, size_t errlen)
{
	char ebuf[128];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0; /* no marker was ever added */
		snprintf(err, errlen, "%s: cannot open: %s", path, reccsv_strerror(errno, ebuf, sizeof ebuf));
		return -1;
	}
	struct reccsv_mreader m = {
		.path = path, .fn = fn, .ctx = ctx, .err = err, .errlen = errlen, .line = 1,
	};
	struct stat st;
	size_t chunk = RECCSV_MARKERS_CHUNK_BYTES;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size < chunk)
		chunk = (size_t)st.st_size + 1;
	char *buf = malloc(chunk);
	struct csv_parser parser;
	if (buf == NULL || reccsv_parser_init(&parser) != 0) {
		snprintf(err, errlen, "%s: out of memory", path);
		free(buf);
		close(fd);
		return -1;
	}
	bool first = true;
	while (!m.stop) {
		ssize_t n = read(fd, buf, chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: cannot read: %s", path, reccsv_strerror(errno, ebuf, sizeof ebuf));
			m.failed = true;
			break;
		}
		if (n == 0) {
			csv_set_opts(&parser, CSV_STRICT | CSV_STRICT_FINI);
			if (csv_fini(&parser, reccsv_mon_field, reccsv_mon_row, &m) != 0 && !m.stop
			    && !m.header_done)
				reccsv_mfatal(&m, m.last_end_line + 1, "the header ends inside a quoted field");
			break;
		}
		size_t skip = first && n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
		first = false;
		reccsv_mfeed(&m, &parser, buf + skip, (size_t)n - skip);
	}
	csv_free(&parser);
	free(buf);
	free(m.label);
	close(fd);
	return m.failed ? -1 : 0;
}
