/* reccsv_read.c: reading a recording's CSV back, and the markers file
 * beside it, with one reader.
 *
 * The reader is incremental (replay --follow polls a recording that is still
 * being written; reading a whole file is one poll plus the last line) and
 * takes one physical line at a time, so that every error can name the line
 * it is on and a row half written is never seen. A line of plain fields,
 * which is nearly every line memlog writes, is split at its commas here;
 * libcsv takes every line with a quote or anything else unusual, and the
 * fields from both go through the same checks. A schema says what differs
 * between a recording and a markers file.
 */
#include "recording/reccsv.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mtime.h"
#include "recording/reccsv_fields.h"

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
/* A longer field is not from memlog: binary data or an unclosed quote. */
#define RECCSV_FIELD_MAX_BYTES ((size_t)64 << 10)
#define RECCSV_PARSER_BLOCK_BYTES 4096

/* Column roles in the reader beyond the probe columns 0..SAMPLE_NCOLS-1. */
enum {
	RECCSV_COL_IGNORED = -1,
	RECCSV_COL_TIME = -2,
	RECCSV_COL_ELAPSED = -3,
	RECCSV_COL_MARKER = -4,
	RECCSV_COL_PID = -5, /* and the rest of a process row's identity */
	RECCSV_COL_PPID = -6,
	RECCSV_COL_NAME = -7,
	RECCSV_COL_CMD = -8,
	RECCSV_COL_EVENT = -9,
};

/* A process row's identity columns, by role (RECCSV_COL_PID - i). */
static const char *const reccsv_proc_col_names[] = { "pid", "ppid", "name", "cmd", "event" };

/* What a reader takes: a recording, or the markers file beside it; one
 * reader serves both, these are their differences. */
struct reccsv_schema {
	bool sample_cols;       /* rss, anon, ... are columns (else ignored) */
	bool proc_cols;         /* pid, ppid, name, cmd, event are columns: REC.procs.csv */
	bool ordered;           /* elapsed_s may not go back; derived from time without it */
	bool empty_time_ok;     /* a time may be empty (unknown) */
	const char *empty_msg;  /* a file without a header */
	const char *binary_msg; /* binary data where the header should be */
	/* Checks the header's columns; false with msg filled when they will not do. */
	bool (*header_ok)(const reccsv_info *info, char *msg, size_t n);
};

/* A recording needs a memory column and a time (time, elapsed_s or both). */
static bool reccsv_recording_header_ok(const reccsv_info *info, char *msg, size_t n)
{
	bool has_memory = false;
	for (int i = 0; i < SAMPLE_NCOLS; i++)
		has_memory |= i != SAMPLE_PROCS && i != SAMPLE_LIMIT && info->has[i];
	if (!has_memory) {
		size_t used = (size_t)snprintf(msg, n, "header has no memory column, expected at least one of");
		for (int i = 0; i < SAMPLE_NCOLS && used < n; i++) {
			if (i != SAMPLE_PROCS && i != SAMPLE_LIMIT)
				used += (size_t)snprintf(msg + used, n - used, "%s %s", i == 0 ? "" : ",", sample_col_names[i]);
		}
		return false;
	}
	if (!info->has_time && !info->has_elapsed) {
		snprintf(msg, n, "header has neither time nor elapsed_s, expected at least one");
		return false;
	}
	return true;
}

/* A markers file needs elapsed_s and marker. */
static bool reccsv_markers_header_ok(const reccsv_info *info, char *msg, size_t n)
{
	if (info->has_elapsed && info->has_marker)
		return true;
	snprintf(msg, n, "header lacks elapsed_s or marker, expected time,elapsed_s,marker");
	return false;
}

/* A per-process recording needs a time, pid and rss. */
static bool reccsv_procs_header_ok(const reccsv_info *info, char *msg, size_t n)
{
	if ((info->has_time || info->has_elapsed) && info->has_pid && info->has[SAMPLE_RSS])
		return true;
	snprintf(msg, n, "header lacks %s, expected time,elapsed_s,pid,ppid,name,cmd,rss,...",
	         !info->has_pid ? "pid" : !info->has[SAMPLE_RSS] ? "rss" : "time and elapsed_s");
	return false;
}

static const struct reccsv_schema reccsv_recording = {
	.sample_cols = true,
	.ordered = true,
	.empty_msg = "empty file, expected a memlog CSV header",
	.binary_msg = "binary data where a memlog CSV header was expected (time,elapsed_s,rss,...); "
	              "is this a recording?",
	.header_ok = reccsv_recording_header_ok,
};

static const struct reccsv_schema reccsv_markers = {
	.empty_time_ok = true,
	.empty_msg = "empty file, expected a markers header (time,elapsed_s,marker)",
	.binary_msg = "binary data where a markers header was expected (time,elapsed_s,marker)",
	.header_ok = reccsv_markers_header_ok,
};

/* Its figures have the names and indexes of the sample's first columns. */
_Static_assert((int)SAMPLE_RSS == (int)PROCROW_RSS && (int)SAMPLE_SWAP == (int)PROCROW_SWAP &&
               (int)SAMPLE_PSS == (int)PROCROW_PSS,
               "a process row's figures are read into a sample's columns");

static const struct reccsv_schema reccsv_procs = {
	.sample_cols = true,
	.proc_cols = true,
	.ordered = true,
	.empty_msg = "empty file, expected a memlog per-process header (time,elapsed_s,pid,...)",
	.binary_msg = "binary data where a memlog per-process header was expected (time,elapsed_s,pid,...)",
	.header_ok = reccsv_procs_header_ok,
};

/* ---- reading ---- */

/* The reader behind reccsv_read and reccsv_reader_*. One parser for both: a
 * whole-file read is an incremental read that polls once and then takes the
 * last line as final. */
struct reccsv_reader {
	const struct reccsv_schema *schema;
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
	procrow prow;         /* proc_cols: the row's identity, and its figures from s */
	char pname[PROCROW_NAME_MAX], pcmd[PROCROW_CMD_MAX + 1];

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
	for (int i = 0; role == RECCSV_COL_IGNORED && r->schema->proc_cols && i < 5; i++) {
		if (strlen(reccsv_proc_col_names[i]) == len && memcmp(f, reccsv_proc_col_names[i], len) == 0)
			role = RECCSV_COL_PID - i;
	}
	for (int i = 0; role == RECCSV_COL_IGNORED && r->schema->sample_cols && i < SAMPLE_NCOLS; i++) {
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
		info->has_pid |= role == RECCSV_COL_PID;
	}
	if (r->header_binary) {
		reccsv_fatal(r, r->row_line, r->schema->binary_msg);
	} else if (r->header_dup) {
		snprintf(msg, sizeof msg, "column %s appears twice in the header", r->dup_name);
		reccsv_fatal(r, r->row_line, msg);
	} else if (!r->schema->header_ok(info, msg, sizeof msg)) {
		reccsv_fatal(r, r->row_line, msg);
	}
}

/* Copies a text field into buf (n bytes), cut to fit. */
static void reccsv_copy_text(char *buf, size_t n, const char *f, size_t len)
{
	if (len >= n)
		len = n - 1;
	memcpy(buf, f, len);
	buf[len] = 0;
}

/* A field of a process row's identity. */
static void reccsv_proc_field(struct reccsv_reader *r, int role, const char *f, size_t len)
{
	int64_t v;
	switch (role) {
	case RECCSV_COL_PID:
	case RECCSV_COL_PPID:
		if (len == 0)
			break; /* an empty pid is told as such when the row ends */
		if (reccsv_parse_count(f, len, &v) != 0 || v > INT32_MAX || (role == RECCSV_COL_PID && v <= 0))
			reccsv_row_error(r, role == RECCSV_COL_PID ? "pid" : "ppid", f, len,
			                 role == RECCSV_COL_PID ? "is not a process id (a whole number above 0)"
			                                        : "is not a process id (a whole number, or empty)");
		else if (role == RECCSV_COL_PID)
			r->prow.pid = (pid_t)v;
		else
			r->prow.ppid = (pid_t)v;
		break;
	case RECCSV_COL_NAME:
		reccsv_copy_text(r->pname, sizeof r->pname, f, len);
		break;
	case RECCSV_COL_CMD:
		reccsv_copy_text(r->pcmd, sizeof r->pcmd, f, len);
		break;
	case RECCSV_COL_EVENT:
		if (len == 5 && memcmp(f, "start", 5) == 0)
			r->prow.event = PROCROW_START;
		else if (len == 4 && memcmp(f, "exit", 4) == 0)
			r->prow.event = PROCROW_EXIT;
		else if (len != 0)
			reccsv_row_error(r, "event", f, len, "is not start, exit or empty");
		break;
	default:
		break;
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
		r->prow.pid = -1;
		r->prow.ppid = -1;
		r->prow.event = PROCROW_SAME;
		r->pname[0] = r->pcmd[0] = 0;
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
		if (len == 0 && r->schema->empty_time_ok)
			break; /* a recording without a wall clock */
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
		reccsv_proc_field(r, role, f, len);
		break;
	}
}

/* Works out the row's elapsed time; false with row_err set if it goes backwards. */
static bool reccsv_row_times(struct reccsv_reader *r)
{
	char now[40], prev[40];
	if (!r->schema->ordered)
		return true;
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
	} else if (!r->row_bad && r->schema->proc_cols && r->prow.pid <= 0) {
		snprintf(r->row_err, sizeof r->row_err, "column pid is empty, expected a process id");
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

/* Opens a file of the schema and reads up to the end of its header. */
static reccsv_reader *reccsv_open_as(const struct reccsv_schema *schema, const char *path, bool lenient,
                                     char *err, size_t errlen)
{
	char ebuf[128];
	reccsv_reader *r = calloc(1, sizeof *r);
	if (r == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	r->fd = -1;
	r->schema = schema;
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
				snprintf(r->failure, sizeof r->failure, "%s: %s", path, schema->empty_msg);
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

reccsv_reader *reccsv_reader_open(const char *path, bool lenient, char *err, size_t errlen)
{
	return reccsv_open_as(&reccsv_recording, path, lenient, err, errlen);
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

/* A markers callback behind the reader's row callback. */
struct reccsv_marking {
	reccsv_marker_fn fn;
	void *ctx;
};

static int reccsv_on_marker_row(void *ctx, const sample *smp, const char *marker)
{
	struct reccsv_marking *m = ctx;
	return m->fn(m->ctx, smp->wall_ns, smp->elapsed_ns, marker != NULL ? marker : "");
}

/* Reads REC.markers.csv with the recording's reader and the markers' schema; see reccsv.h. */
int reccsv_read_markers(const char *path, reccsv_marker_fn fn, void *ctx, char *err, size_t errlen)
{
	struct stat st;
	/* No file, or an empty one: no marker was ever added. */
	if (stat(path, &st) != 0 ? errno == ENOENT : S_ISREG(st.st_mode) && st.st_size == 0)
		return 0;
	reccsv_reader *r = reccsv_open_as(&reccsv_markers, path, false, err, errlen);
	if (r == NULL)
		return -1;
	struct reccsv_marking m = { fn, ctx };
	long n = reccsv_reader_finish(r, reccsv_on_marker_row, &m, err, errlen);
	reccsv_reader_close(r);
	return n < 0 ? -1 : 0;
}

/* ---- the per-process recording ---- */

/* A process row callback behind the reader's row callback. */
struct reccsv_proc_reading {
	reccsv_reader *r;
	reccsv_proc_fn fn;
	void *ctx;
};

static int reccsv_on_proc_row(void *ctx, const sample *smp, const char *marker)
{
	(void)marker;
	struct reccsv_proc_reading *pr = ctx;
	procrow *row = &pr->r->prow;
	row->elapsed_ns = smp->elapsed_ns;
	row->wall_ns = smp->wall_ns;
	row->serial = 0;
	row->name = pr->r->pname;
	row->cmd = pr->r->pcmd;
	memcpy(row->v, smp->v, sizeof row->v);
	return pr->fn(pr->ctx, row);
}

reccsv_reader *reccsv_procs_open(const char *path, bool lenient, char *err, size_t errlen)
{
	return reccsv_open_as(&reccsv_procs, path, lenient, err, errlen);
}

long reccsv_procs_poll(reccsv_reader *r, bool final, reccsv_proc_fn fn, void *ctx, char *err, size_t errlen)
{
	struct reccsv_proc_reading pr = { r, fn, ctx };
	return final ? reccsv_reader_finish(r, reccsv_on_proc_row, &pr, err, errlen)
	             : reccsv_reader_poll(r, reccsv_on_proc_row, &pr, err, errlen);
}

int reccsv_read_procs(const char *path, bool lenient, reccsv_proc_fn fn, void *ctx, reccsv_info *info,
                      char *err, size_t errlen)
{
	reccsv_reader *r = reccsv_procs_open(path, lenient, err, errlen);
	if (r == NULL) {
		if (info != NULL)
			memset(info, 0, sizeof *info);
		return -1;
	}
	long n = reccsv_procs_poll(r, true, fn, ctx, err, errlen);
	if (info != NULL)
		*info = r->info;
	reccsv_reader_close(r);
	return n < 0 ? -1 : 0;
}
