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
 * The reader parses with libcsv, fed one physical line at a time so that
 * every error can name the line it is on, and converts numbers without
 * allocating or using floating point. */
#include "reccsv.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mtime.h"

#define NS_PER_S INT64_C(1000000000)
#define NS_PER_MS INT64_C(1000000)
#define NS_PER_US INT64_C(1000)

/* Buffered bytes that trigger a flush even when the caller has not asked. */
#define RECCSV_AUTOFLUSH_BYTES ((size_t)1 << 20)
/* Initial size of the write buffer: a second of rows at 1 kHz. */
#define RECCSV_WBUF_BYTES ((size_t)128 << 10)
/* Longest row without its marker: time, elapsed_s (20 digits + 7), one int64
 * per column, the separators and the newline, rounded up. */
#define RECCSV_ROW_MAX_BYTES (MTIME_ISO_LEN + 28 + PROBE_NCOLS * 21 + 8)
/* How much of the file the reader reads at a time. */
#define RECCSV_CHUNK_BYTES ((size_t)64 << 10)
/* A longer field is not from memlog: binary data or an unclosed quote. */
#define RECCSV_FIELD_MAX_BYTES ((size_t)64 << 10)
#define RECCSV_PARSER_BLOCK_BYTES 4096

/* Column roles in the reader beyond the probe columns 0..PROBE_NCOLS-1. */
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

/* Marks w failed with errno e and copies the message into err. */
static int reccsv_fail(reccsv_writer *w, int e, char *err, size_t errlen)
{
	char ebuf[128];
	w->failed = true;
	w->len = 0;
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
reccsv_writer *reccsv_create(const char *path, char *err, size_t errlen)
{
	char ebuf[128];
	reccsv_writer *w = calloc(1, sizeof *w);
	if (w != NULL) {
		w->path = strdup(path);
		w->cap = RECCSV_WBUF_BYTES;
		w->buf = malloc(w->cap);
	}
	if (w == NULL || w->path == NULL || w->buf == NULL) {
		snprintf(err, errlen, "%s: cannot create: out of memory", path);
		goto fail;
	}
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		snprintf(err, errlen, "%s: cannot create: %s", path,
		         reccsv_strerror(errno, ebuf, sizeof ebuf));
		goto fail;
	}

	char *p = w->buf;
	memcpy(p, "time,elapsed_s", 14);
	p += 14;
	for (int i = 0; i < PROBE_NCOLS; i++) {
		size_t n = strlen(probe_col_names[i]);
		*p++ = ',';
		memcpy(p, probe_col_names[i], n);
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
		free(w->buf);
		free(w->path);
		free(w);
	}
	return NULL;
}

/* Appends one row to the buffer; see reccsv.h. A negative elapsed_ns is
 * written as 0 and a negative value as an empty field, so that whatever the
 * sampler hands over, the file stays readable. */
int reccsv_write(reccsv_writer *w, const probe_sample *s, const char *marker,
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

	for (int i = 0; i < PROBE_NCOLS; i++) {
		*p++ = ',';
		if (s->v[i] >= 0)
			p = reccsv_put_u64(p, (uint64_t)s->v[i]);
	}
	*p++ = ',';
	if (marker_len > 0)
		p += csv_write(p, 2 * marker_len + 2, marker, marker_len);
	*p++ = '\n';
	w->len = (size_t)(p - w->buf);

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
			return reccsv_fail(w, errno, err, errlen);
		}
		if (n == 0)
			return reccsv_fail(w, EIO, err, errlen);
		off += (size_t)n;
	}
	w->len = 0;
	return 0;
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

struct reccsv_reader {
	const char *path;
	bool lenient;
	reccsv_row_fn fn;
	void *ctx;
	reccsv_info *info;
	char *err;
	size_t errlen;

	size_t line;          /* physical line being fed to the parser */
	size_t last_end_line; /* line the previous row ended on */
	bool stop;            /* an error, or the callback asked to stop */
	int rc;

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
	probe_sample s;
	char *marker;
	size_t marker_len, marker_cap;
	bool row_bad;
	char row_err[192];

	/* The rows accepted so far. */
	bool have_prev;
	int64_t prev_elapsed_ns, prev_wall_ns, first_wall_ns;
};

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
		*v = PROBE_NONE;
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

/* Stops reading with err "FILE:LINE: msg". */
static void reccsv_fatal(struct reccsv_reader *r, size_t line, const char *msg)
{
	snprintf(r->err, r->errlen, "%s:%zu: %s", r->path, line, msg);
	r->stop = true;
	r->rc = -1;
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
	for (int i = 0; role == RECCSV_COL_IGNORED && i < PROBE_NCOLS; i++) {
		if (strlen(probe_col_names[i]) == len && memcmp(f, probe_col_names[i], len) == 0)
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
	reccsv_info *info = r->info;
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
	for (int i = 0; i < PROBE_NCOLS; i++)
		has_memory |= i != PROBE_PROCS && info->has[i];

	if (r->header_binary) {
		reccsv_fatal(r, r->row_line, "binary data where a memlog CSV header was expected "
		             "(time,elapsed_s,rss,...); is this a recording?");
	} else if (r->header_dup) {
		snprintf(msg, sizeof msg, "column %s appears twice in the header", r->dup_name);
		reccsv_fatal(r, r->row_line, msg);
	} else if (!has_memory) {
		size_t n = (size_t)snprintf(msg, sizeof msg,
		                            "header has no memory column, expected at least one of");
		for (int i = 0; i < PROBE_NCOLS && n < sizeof msg; i++) {
			if (i != PROBE_PROCS)
				n += (size_t)snprintf(msg + n, sizeof msg - n, "%s %s",
				                      i == 0 ? "" : ",", probe_col_names[i]);
		}
		reccsv_fatal(r, r->row_line, msg);
	} else if (!info->has_time && !info->has_elapsed) {
		reccsv_fatal(r, r->row_line, "header has neither time nor elapsed_s, expected at least one");
	}
}

/* libcsv field callback: converts the field into the row being built. */
static void reccsv_on_field(void *data, size_t len, void *arg)
{
	struct reccsv_reader *r = arg;
	const char *f = data;
	if (r->stop)
		return;
	if (r->nfields++ == 0) {
		r->row_line = r->line;
		r->row_bad = false;
		r->marker_len = 0;
		r->s.elapsed_ns = 0;
		r->s.wall_ns = 0;
		for (int i = 0; i < PROBE_NCOLS; i++)
			r->s.v[i] = PROBE_NONE;
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
			reccsv_row_error(r, probe_col_names[role], f, len, "is too large");
		else if (rc != 0)
			reccsv_row_error(r, probe_col_names[role], f, len,
			                 role == PROBE_PROCS ? "is not a whole number"
			                                     : "is not a whole number of bytes");
		return;
	}
	switch (role) {
	case RECCSV_COL_TIME:
		if (mtime_parse_iso(f, len, &r->s.wall_ns) != 0)
			reccsv_row_error(r, "time", f, len, "is not a time like 2026-11-24T10:00:00.123Z");
		break;
	case RECCSV_COL_ELAPSED:
		if (reccsv_parse_seconds(f, len, &r->s.elapsed_ns) != 0)
			reccsv_row_error(r, "elapsed_s", f, len, "is not a number of seconds like 12.345678");
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
	if (!r->info->has_elapsed) {
		if (!r->have_prev)
			r->first_wall_ns = r->s.wall_ns;
		r->s.elapsed_ns = r->s.wall_ns - r->first_wall_ns;
	}
	if (r->have_prev && r->s.elapsed_ns < r->prev_elapsed_ns) {
		if (r->info->has_elapsed) {
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

/* libcsv row callback: checks the row and hands it on. c is -1 for a last
 * row that had no line terminator. */
static void reccsv_on_row(int c, void *arg)
{
	struct reccsv_reader *r = arg;
	if (r->stop)
		return;
	size_t nfields = r->nfields;
	r->nfields = 0;
	r->last_end_line = r->line;
	if (!r->header_done) {
		reccsv_header_end(r);
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
			r->info->truncated_last = true;
		else if (r->lenient)
			r->info->skipped++;
		else
			reccsv_fatal(r, r->row_line, r->row_err);
		return;
	}
	if (!r->have_prev) {
		r->have_prev = true;
		r->info->first_wall_ns = r->info->has_time ? r->s.wall_ns : 0;
	}
	r->prev_elapsed_ns = r->s.elapsed_ns;
	r->prev_wall_ns = r->s.wall_ns;
	r->info->rows++;
	if (r->fn(r->ctx, &r->s, r->marker_len > 0 ? r->marker : NULL) != 0)
		r->stop = true;
}

/* Starts (or restarts, after a runaway field) the libcsv parser. */
static int reccsv_parser_init(struct csv_parser *p)
{
	if (csv_init(p, 0) != 0)
		return -1;
	csv_set_blk_size(p, RECCSV_PARSER_BLOCK_BYTES);
	return 0;
}

/* Feeds len bytes to the parser one physical line at a time. */
static void reccsv_feed(struct reccsv_reader *r, struct csv_parser *p, const char *buf, size_t len)
{
	size_t pos = 0;
	while (pos < len && !r->stop) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - buf) + 1 : len;
		if (csv_parse(p, buf + pos, end - pos, reccsv_on_field, reccsv_on_row, r) != end - pos) {
			reccsv_fatal(r, r->line, "out of memory parsing the line");
			return;
		}
		if (csv_get_buffer_size(p) > RECCSV_FIELD_MAX_BYTES && !r->stop) {
			size_t line = r->last_end_line + 1;
			if (!r->header_done) {
				reccsv_fatal(r, line, "no memlog CSV header (time,elapsed_s,rss,...) "
				             "but a field over 64 KiB long; is this a recording?");
				return;
			}
			if (!r->lenient) {
				reccsv_fatal(r, line, "a field over 64 KiB long; an unclosed quote?");
				return;
			}
			/* Start afresh on the next line, dropping the runaway row. */
			csv_free(p);
			reccsv_parser_init(p);
			r->nfields = 0;
			r->last_end_line = r->line;
			r->info->skipped++;
		}
		if (nl != NULL)
			r->line++;
		pos = end;
	}
}

/* Reads a recording row by row; see reccsv.h. */
int reccsv_read(const char *path, bool lenient, reccsv_row_fn fn, void *ctx,
                reccsv_info *info, char *err, size_t errlen)
{
	char ebuf[128];
	reccsv_info local_info;
	struct reccsv_reader r = {
		.path = path, .lenient = lenient, .fn = fn, .ctx = ctx,
		.info = info != NULL ? info : &local_info, .err = err, .errlen = errlen,
		.line = 1,
	};
	memset(r.info, 0, sizeof *r.info);

	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path, reccsv_strerror(errno, ebuf, sizeof ebuf));
		return -1;
	}
	char *buf = malloc(RECCSV_CHUNK_BYTES);
	struct csv_parser parser;
	if (buf == NULL || reccsv_parser_init(&parser) != 0) {
		snprintf(err, errlen, "%s: out of memory", path);
		free(buf);
		close(fd);
		return -1;
	}

	bool first_chunk = true;
	while (!r.stop) {
		ssize_t n = read(fd, buf, RECCSV_CHUNK_BYTES);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "%s: cannot read: %s", path, reccsv_strerror(errno, ebuf, sizeof ebuf));
			r.rc = -1;
			break;
		}
		if (n == 0) {
			/* End of file: a last row without a line terminator is handed
			 * over now. Strict at this point only makes libcsv refuse a row
			 * that ends inside an open quote, which can only be cut short. */
			csv_set_opts(&parser, CSV_STRICT | CSV_STRICT_FINI);
			if (csv_fini(&parser, reccsv_on_field, reccsv_on_row, &r) != 0 && !r.stop) {
				if (r.header_done)
					r.info->truncated_last = true;
				else
					reccsv_fatal(&r, r.last_end_line + 1, "the header ends inside a quoted field");
			}
			if (!r.stop && !r.header_done) {
				snprintf(err, errlen, "%s: empty file, expected a memlog CSV header", path);
				r.rc = -1;
			}
			break;
		}
		size_t skip = 0;
		/* A UTF-8 byte order mark, as some editors and spreadsheets write. */
		if (first_chunk && n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
			skip = 3;
		first_chunk = false;
		reccsv_feed(&r, &parser, buf + skip, (size_t)n - skip);
	}

	csv_free(&parser);
	free(buf);
	free(r.cols);
	free(r.marker);
	close(fd);
	return r.rc;
}
