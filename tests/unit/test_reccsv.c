/* test_reccsv.c: writing recordings and reading them back, good and bad. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mtime.h"
#include "reccsv.h"

#define NS_PER_S INT64_C(1000000000)
#define NS_PER_MS INT64_C(1000000)
#define NS_PER_US INT64_C(1000)

#define HEADER "time,elapsed_s,rss,anon,file,shmem,swap,pss,procs,sys_used,sys_avail,cgroup,marker\n"

/* Path of a fixture file ($MEMLOG_FIXTURES, default tests/fixtures, run from the repo root). */
static const char *fixture(const char *name)
{
	static char path[4096];
	const char *dir = getenv("MEMLOG_FIXTURES");
	snprintf(path, sizeof path, "%s/reccsv/%s", dir != NULL && *dir ? dir : "tests/fixtures", name);
	return path;
}

/* Rows read back, kept whole so tests can compare every field. */
struct rows {
	size_t n, cap;
	probe_sample *s;
	char **marker;
	size_t stop_after; /* the callback asks to stop after this many rows (0: never) */
};

/* reccsv_row_fn that copies each row into a struct rows. */
static int collect(void *ctx, const probe_sample *s, const char *marker)
{
	struct rows *r = ctx;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->s = realloc(r->s, r->cap * sizeof *r->s);
		r->marker = realloc(r->marker, r->cap * sizeof *r->marker);
		assert_non_null(r->s);
		assert_non_null(r->marker);
	}
	r->s[r->n] = *s;
	r->marker[r->n] = marker != NULL ? strdup(marker) : NULL;
	r->n++;
	return r->stop_after != 0 && r->n >= r->stop_after;
}

static void rows_free(struct rows *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->marker[i]);
	free(r->s);
	free(r->marker);
	memset(r, 0, sizeof *r);
}

/* Reads fixture name, expecting failure with exactly "PATH<suffix>". */
static void read_fails(const char *name, bool lenient, const char *suffix)
{
	struct rows rows = {0};
	reccsv_info info;
	char err[512] = "", want[4096];
	const char *path = fixture(name);
	snprintf(want, sizeof want, "%s%s", path, suffix);
	int rc = reccsv_read(path, lenient, collect, &rows, &info, err, sizeof err);
	assert_int_equal(rc, -1);
	assert_string_equal(err, want);
	rows_free(&rows);
}

/* Reads fixture name, expecting success; rows go to *rows. */
static void read_ok(const char *name, bool lenient, struct rows *rows, reccsv_info *info)
{
	char err[512] = "";
	int rc = reccsv_read(fixture(name), lenient, collect, rows, info, err, sizeof err);
	if (rc != 0)
		print_error("reading %s: %s\n", name, err);
	assert_int_equal(rc, 0);
	assert_int_equal(info->rows, rows->n);
}

/* The whole content of a file, NUL-terminated; *len gets its size. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (cap - n < 4096) {
			cap = cap * 2 + 8192;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		if (got == 0)
			break;
		n += got;
	}
	fclose(f);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

/* A fresh temporary file name under /tmp (the file exists, empty). */
static void temp_path(char *path, size_t len)
{
	snprintf(path, len, "/tmp/test_reccsv.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
}

static off_t file_size(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

/* A sample with every column set from i, some of them not measured. */
static void make_sample(probe_sample *s, size_t i, int64_t wall0_ns)
{
	/* Irregular steps that cross second, minute and day boundaries. */
	s->elapsed_ns = (int64_t)i * 999983 + (int64_t)(i % 13) * 7 + (int64_t)(i * i % 1000);
	s->wall_ns = wall0_ns + s->elapsed_ns;
	for (int c = 0; c < PROBE_NCOLS; c++) {
		if ((i + (size_t)c) % 7 == 0)
			s->v[c] = PROBE_NONE;
		else if ((i + (size_t)c) % 11 == 0)
			s->v[c] = 0;
		else if (i % 97 == 5)
			s->v[c] = INT64_MAX - c;
		else
			s->v[c] = (int64_t)(i * 4096 + (size_t)c * 1234567);
	}
}

static const char *const markers[] = {
	NULL, "", "plain", "with, comma", "with \"quotes\"", "\"", "multi\nline\nmarker",
	"crlf\r\ninside", "  spaces around  ", "\xc3\xbc" "n\xc3\xaf" "c\xc3\xb8" "d\xc3\xa9 \xe2\x9c\x93",
	"a,\"b\"\n,c", ",", "\n",
};
#define NMARKERS (sizeof markers / sizeof markers[0])

static void test_round_trip(void **state)
{
	(void)state;
	char path[64], err[256];
	temp_path(path, sizeof path);
	const size_t n = 5000;
	const int64_t wall0_ns = INT64_C(1709251198) * NS_PER_S + 123456789; /* 2024-02-29T23:59:58.123 */

	reccsv_writer *w = reccsv_create(path, err, sizeof err);
	assert_non_null(w);
	for (size_t i = 0; i < n; i++) {
		probe_sample s;
		make_sample(&s, i, wall0_ns);
		assert_int_equal(reccsv_write(w, &s, markers[i % NMARKERS], err, sizeof err), 0);
		if (i % 1000 == 999)
			assert_int_equal(reccsv_flush(w, err, sizeof err), 0);
	}
	assert_int_equal(reccsv_close(w, err, sizeof err), 0);

	struct rows rows = {0};
	reccsv_info info;
	assert_int_equal(reccsv_read(path, false, collect, &rows, &info, err, sizeof err), 0);
	assert_int_equal(rows.n, n);
	assert_int_equal(info.rows, n);
	assert_int_equal(info.skipped, 0);
	assert_false(info.truncated_last);
	assert_true(info.has_time && info.has_elapsed && info.has_marker);
	for (int c = 0; c < PROBE_NCOLS; c++)
		assert_true(info.has[c]);
	assert_int_equal(info.first_wall_ns, wall0_ns / NS_PER_MS * NS_PER_MS);

	for (size_t i = 0; i < n; i++) {
		probe_sample s;
		make_sample(&s, i, wall0_ns);
		/* The file keeps milliseconds of wall time and microseconds of elapsed. */
		assert_int_equal(rows.s[i].wall_ns, s.wall_ns / NS_PER_MS * NS_PER_MS);
		assert_int_equal(rows.s[i].elapsed_ns, s.elapsed_ns / NS_PER_US * NS_PER_US);
		for (int c = 0; c < PROBE_NCOLS; c++)
			assert_int_equal(rows.s[i].v[c], s.v[c]);
		const char *m = markers[i % NMARKERS];
		if (m == NULL || *m == '\0')
			assert_null(rows.marker[i]);
		else
			assert_string_equal(rows.marker[i], m);
	}
	rows_free(&rows);
	unlink(path);
}

static void test_exact_text(void **state)
{
	(void)state;
	char path[64], err[256];
	temp_path(path, sizeof path);
	reccsv_writer *w = reccsv_create(path, err, sizeof err);
	assert_non_null(w);
	probe_sample s;
	s.wall_ns = INT64_C(1709210096) * NS_PER_S + 789999999; /* ms are truncated, not rounded */
	s.elapsed_ns = INT64_C(1234567891);
	for (int c = 0; c < PROBE_NCOLS; c++)
		s.v[c] = c % 2 ? PROBE_NONE : (int64_t)c * 1000 + 1;
	assert_int_equal(reccsv_write(w, &s, "a,\"b\"", err, sizeof err), 0);
	s.elapsed_ns = 999999; /* under a second, zero-padded */
	s.wall_ns += NS_PER_S;
	s.v[0] = INT64_MAX;
	assert_int_equal(reccsv_write(w, &s, NULL, err, sizeof err), 0);
	s.elapsed_ns = 0;
	assert_int_equal(reccsv_write(w, &s, "", err, sizeof err), 0);
	assert_int_equal(reccsv_close(w, err, sizeof err), 0);

	char *text = slurp(path, NULL);
	assert_string_equal(text, HEADER
	                    "2024-02-29T12:34:56.789Z,1.234567,1,,2001,,4001,,6001,,8001,,\"a,\"\"b\"\"\"\n"
	                    "2024-02-29T12:34:57.789Z,0.000999,9223372036854775807,,2001,,4001,,6001,,8001,,\n"
	                    "2024-02-29T12:34:57.789Z,0.000000,9223372036854775807,,2001,,4001,,6001,,8001,,\n");
	free(text);
	unlink(path);
}

static void test_flush_timing(void **state)
{
	(void)state;
	char path[64], err[256];
	temp_path(path, sizeof path);
	reccsv_writer *w = reccsv_create(path, err, sizeof err);
	assert_non_null(w);
	/* The header is on disk at once, rows only after a flush. */
	assert_int_equal(file_size(path), (off_t)strlen(HEADER));
	probe_sample s;
	make_sample(&s, 1, 0);
	assert_int_equal(reccsv_write(w, &s, "m", err, sizeof err), 0);
	assert_int_equal(file_size(path), (off_t)strlen(HEADER));
	assert_int_equal(reccsv_flush(w, err, sizeof err), 0);
	off_t one_row = file_size(path);
	assert_true(one_row > (off_t)strlen(HEADER));
	/* A caller that never flushes still gets rows out once the buffer passes ~1 MiB. */
	char big[1000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	for (int i = 0; i < 2000; i++)
		assert_int_equal(reccsv_write(w, &s, big, err, sizeof err), 0);
	off_t size = file_size(path);
	assert_true(size > (off_t)1 << 20);
	/* ...and always whole rows. */
	size_t len;
	char *text = slurp(path, &len);
	assert_int_equal(len, (size_t)size);
	assert_int_equal(text[len - 1], '\n');
	free(text);
	assert_int_equal(reccsv_close(w, err, sizeof err), 0);
	assert_true(file_size(path) > size);
	unlink(path);
}

static void test_create_dev_full(void **state)
{
	(void)state;
	char err[256] = "";
	if (access("/dev/full", W_OK) != 0)
		skip();
	assert_null(reccsv_create("/dev/full", err, sizeof err));
	assert_string_equal(err, "/dev/full: cannot write: No space left on device");
}

static void test_create_unwritable(void **state)
{
	(void)state;
	char err[256] = "";
	assert_null(reccsv_create("/nonexistent-memlog-dir/rec.csv", err, sizeof err));
	assert_string_equal(err, "/nonexistent-memlog-dir/rec.csv: cannot create: No such file or directory");
}

static void test_read_missing_file(void **state)
{
	(void)state;
	char err[256] = "";
	reccsv_info info;
	struct rows rows = {0};
	assert_int_equal(reccsv_read("/nonexistent-memlog-dir/rec.csv", false, collect, &rows, &info,
	                             err, sizeof err), -1);
	assert_string_equal(err, "/nonexistent-memlog-dir/rec.csv: cannot open: No such file or directory");
}

static void test_bad_field_count(void **state)
{
	(void)state;
	read_fails("bad_fields.csv", false, ":4: 5 fields, expected 13 as in the header");
}

static void test_not_a_number(void **state)
{
	(void)state;
	read_fails("not_number.csv", false, ":3: column rss: 'abc' is not a whole number of bytes");
}

static void test_backwards(void **state)
{
	(void)state;
	read_fails("backwards.csv", false, ":4: elapsed_s 3.2 goes back in time (previous row 4.1)");
	read_fails("time_only_backwards.csv", false,
	           ":4: time 2026-11-24T10:00:01.000Z goes back in time (previous row 2026-11-24T10:00:01.500Z)");
}

static void test_crlf(void **state)
{
	(void)state;
	struct rows rows = {0};
	reccsv_info info;
	read_ok("crlf.csv", false, &rows, &info);
	assert_int_equal(rows.n, 3);
	assert_int_equal(rows.s[1].v[PROBE_RSS], 110);
	assert_int_equal(rows.s[2].elapsed_ns, 200 * NS_PER_MS);
	assert_int_equal(rows.s[2].v[PROBE_CGROUP], PROBE_NONE);
	assert_null(rows.marker[0]);
	assert_string_equal(rows.marker[1], "two\r\nlines"); /* quoted, so kept as written */
	assert_string_equal(rows.marker[2], "plain");
	assert_false(info.truncated_last);
	rows_free(&rows);
}

static void test_bom(void **state)
{
	(void)state;
	struct rows rows = {0};
	reccsv_info info;
	read_ok("bom.csv", false, &rows, &info);
	assert_true(info.has_time); /* the first column's name is "time", not BOM + "time" */
	assert_int_equal(rows.n, 2);
	assert_int_equal(rows.s[0].wall_ns, INT64_C(1795514400) * NS_PER_S);
	rows_free(&rows);
}

static void test_empty(void **state)
{
	(void)state;
	read_fails("empty.csv", false, ": empty file, expected a memlog CSV header");
	read_fails("empty.csv", true, ": empty file, expected a memlog CSV header");
}

static void test_header_only(void **state)
{
	(void)state;
	struct rows rows = {0};
	reccsv_info info;
	read_ok("header_only.csv", false, &rows, &info);
	assert_int_equal(rows.n, 0);
	assert_true(info.has_time && info.has_elapsed && info.has_marker);
	assert_int_equal(info.first_wall_ns, 0);
	rows_free(&rows);
}

static void test_binary(void **state)
{
	(void)state;
	read_fails("binary.bin", true, ":1: binary data where a memlog CSV header was expected "
	           "(time,elapsed_s,rss,...); is this a recording?");
}

static void test_truncated_last(void **state)
{
	(void)state;
	struct rows rows = {0};
	reccsv_info info;
	read_ok("truncated.csv", false, &rows, &info);
	assert_int_equal(rows.n, 2);
	assert_true(info.truncated_last);
	assert_int_equal(info.skipped, 0);
	rows_free(&rows);

	/* Cut inside a quoted marker, even one that already spans a line break. */
	read_ok("truncated_quote.csv", false, &rows, &info);
	assert_int_equal(rows.n, 2);
	assert_true(info.truncated_last);
	rows_free(&rows);

	/* A complete last row needs no newline. */
	read_ok("no_newline.csv", false, &rows, &info);
	assert_int_equal(rows.n, 2);
	assert_false(info.truncated_last);
	assert_string_equal(rows.marker[1], "last, complete");
	rows_free(&rows);
}

static void test_reordered_columns(void **state)
{
	(void)state;
	struct rows rows = {0};
	reccsv_info info;
	read_ok("reordered.csv", false, &rows, &info);
	assert_int_equal(rows.n, 3);
	assert_true(info.has[PROBE_RSS] && info.has[PROBE_PROCS] && info.has[PROBE_CGROUP]);
	assert_false(info.has[PROBE_ANON] || info.has[PROBE_PSS] || info.has[PROBE_SYS_USED]);
	assert_true(info.has_time && info.has_elapsed && info.has_marker);
	assert_int_equal(info.first_wall_ns, INT64_C(1795514400) * NS_PER_S + 500 * NS_PER_MS);

	assert_int_equal(rows.s[0].elapsed_ns, 500 * NS_PER_MS);
	assert_int_equal(rows.s[0].v[PROBE_RSS], 1000);
	assert_int_equal(rows.s[0].v[PROBE_PROCS], 2);
	assert_int_equal(rows.s[0].v[PROBE_CGROUP], PROBE_NONE);
	assert_int_equal(rows.s[0].v[PROBE_ANON], PROBE_NONE);
	assert_string_equal(rows.marker[0], "start");

	assert_int_equal(rows.s[1].elapsed_ns, 1250 * NS_PER_MS);
	assert_int_equal(rows.s[1].wall_ns, INT64_C(1795514401) * NS_PER_S + 250 * NS_PER_MS);
	assert_int_equal(rows.s[1].v[PROBE_PROCS], PROBE_NONE);
	assert_int_equal(rows.s[1].v[PROBE_CGROUP], 777);
	assert_null(rows.marker[1]);

	assert_int_equal(rows.s[2].v[PROBE_RSS], PROBE_NONE);
	assert_string_equal(rows.marker[2], "end, really");
	rows_free(&rows);
}

static void test_bad_headers(void **state)
{
	(void)state;
	read_fails("no_memory.csv", false, ":1: header has no memory column, expected at least one of "
	           "rss, anon, file, shmem, swap, pss, sys_used, sys_avail, cgroup");
	read_fails("no_time.csv", false, ":1: header has neither time nor elapsed_s, expected at least one");
	read_fails("dup_column.csv", false, ":1: column rss appears twice in the header");
}

static void test_time_or_elapsed_only(void **state)
{
	(void)state;
	struct rows rows = {0};
	reccsv_info info;
	read_ok("time_only.csv", false, &rows, &info);
	assert_int_equal(rows.n, 3);
	assert_false(info.has_elapsed);
	assert_int_equal(info.first_wall_ns, INT64_C(1795514400) * NS_PER_S);
	assert_int_equal(rows.s[0].elapsed_ns, 0);
	assert_int_equal(rows.s[1].elapsed_ns, 1500 * NS_PER_MS);
	assert_int_equal(rows.s[2].elapsed_ns, 60001 * NS_PER_MS);
	rows_free(&rows);

	read_ok("elapsed_only.csv", false, &rows, &info);
	assert_int_equal(rows.n, 3);
	assert_false(info.has_time);
	assert_int_equal(info.first_wall_ns, 0);
	assert_int_equal(rows.s[0].wall_ns, 0);
	assert_int_equal(rows.s[0].elapsed_ns, 1000);
	assert_int_equal(rows.s[0].v[PROBE_SWAP], PROBE_NONE);
	assert_int_equal(rows.s[1].elapsed_ns, 1500 * NS_PER_MS);
	assert_int_equal(rows.s[2].elapsed_ns, INT64_C(2123456789)); /* beyond ns: dropped */
	assert_int_equal(rows.s[2].v[PROBE_SWAP], 6);
	rows_free(&rows);
}

static void test_line_numbers_after_multiline_marker(void **state)
{
	(void)state;
	read_fails("multiline_marker.csv", false, ":8: column rss: '-5' is not a whole number of bytes");
	struct rows rows = {0};
	reccsv_info info;
	read_ok("multiline_marker.csv", true, &rows, &info);
	assert_int_equal(rows.n, 4);
	assert_int_equal(info.skipped, 1);
	assert_string_equal(rows.marker[1], "first line\nsecond, line\nthird \"line\"");
	rows_free(&rows);
}

static void test_lenient(void **state)
{
	(void)state;
	read_fails("lenient.csv", false, ":3: 3 fields, expected 13 as in the header");
	struct rows rows = {0};
	reccsv_info info;
	read_ok("lenient.csv", true, &rows, &info);
	assert_int_equal(rows.n, 5);
	assert_int_equal(info.skipped, 7);
	const int64_t want_rss[] = {100, 110, 120, 130, 140};
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(rows.s[i].v[PROBE_RSS], want_rss[i]);
	assert_string_equal(rows.marker[3], "ok");
	rows_free(&rows);
}

static void test_each_lenient_error(void **state)
{
	(void)state;
	/* Each bad row of lenient.csv, alone, and the message strict mode gives for it. */
	static const struct {
		const char *row;
		const char *msg;
	} cases[] = {
		{"2026-11-24T10:00:00.150Z,0.150000,1.5,200,300,40,0,,3,5000,6000,,",
		 "column rss: '1.5' is not a whole number of bytes"},
		{"2026-11-24 10:00:00.250Z,0.250000,1,1,1,1,1,1,1,1,1,1,",
		 "column time: '2026-11-24 10:00:00.250Z' is not a time like 2026-11-24T10:00:00.123Z"},
		{"2026-11-24T10:00:00.260Z,0.26s,125,200,300,40,0,,3,5000,6000,,",
		 "column elapsed_s: '0.26s' is not a number of seconds like 12.345678"},
		{"2026-11-24T10:00:00.270Z,0.270000,99999999999999999999,200,300,40,0,,3,5000,6000,,",
		 "column rss: '99999999999999999999' is too large"},
		{"2026-11-24T10:00:00.350Z,0.350000,1,200,300,40,0,,x,5000,6000,,",
		 "column procs: 'x' is not a whole number"},
		{"2026-11-24T10:00:00.350Z,9223372037.000000,1,200,300,40,0,,1,5000,6000,,",
		 "column elapsed_s: '9223372037.000000' is not a number of seconds like 12.345678"},
		{"2026-11-24T10:00:00.350Z,,1,200,300,40,0,,1,5000,6000,,",
		 "column elapsed_s: '' is not a number of seconds like 12.345678"},
		{"2026-11-24T10:00:00.350Z,0.350000,\x1b[2J,200,300,40,0,,1,5000,6000,,",
		 "column rss: '?[2J' is not a whole number of bytes"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char path[64], err[512], want[512];
		temp_path(path, sizeof path);
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fprintf(f, HEADER "\n%s\n", cases[i].row);
		fclose(f);
		struct rows rows = {0};
		reccsv_info info;
		assert_int_equal(reccsv_read(path, false, collect, &rows, &info, err, sizeof err), -1);
		snprintf(want, sizeof want, "%s:3: %s", path, cases[i].msg);
		assert_string_equal(err, want);
		rows_free(&rows);
		unlink(path);
	}
}

static void test_runaway_quote(void **state)
{
	(void)state;
	/* An unclosed quote would swallow the rest of the file; it is stopped at 64 KiB. */
	char path[64], err[512], want[512];
	temp_path(path, sizeof path);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(HEADER "2026-11-24T10:00:00.000Z,0.000000,1,,,,,,,,,,\n", f);
	fputs("2026-11-24T10:00:00.100Z,0.100000,2,,,,,,,,,,\"unclosed\n", f);
	for (int i = 0; i < 2000; i++)
		fputs("2026-11-24T10:00:00.200Z,0.200000,3,,,,,,,,,,\n", f);
	fputs("2026-11-24T10:00:09.000Z,9.000000,4,,,,,,,,,,\n", f);
	fclose(f);

	struct rows rows = {0};
	reccsv_info info;
	assert_int_equal(reccsv_read(path, false, collect, &rows, &info, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s:3: a field over 64 KiB long; an unclosed quote?", path);
	assert_string_equal(err, want);
	rows_free(&rows);

	/* Lenient: the runaway row is dropped and reading resumes on the next line. */
	assert_int_equal(reccsv_read(path, true, collect, &rows, &info, err, sizeof err), 0);
	assert_true(rows.n >= 2);
	assert_int_equal(rows.s[0].v[PROBE_RSS], 1);
	assert_int_equal(rows.s[rows.n - 1].v[PROBE_RSS], 4);
	assert_true(info.skipped >= 1);
	rows_free(&rows);
	unlink(path);
}

static void test_callback_stops(void **state)
{
	(void)state;
	struct rows rows = {.stop_after = 2};
	reccsv_info info;
	char err[256];
	assert_int_equal(reccsv_read(fixture("lenient.csv"), true, collect, &rows, &info, err, sizeof err), 0);
	assert_int_equal(rows.n, 2);
	assert_int_equal(info.rows, 2);
	rows_free(&rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_exact_text),
		cmocka_unit_test(test_flush_timing),
		cmocka_unit_test(test_create_dev_full),
		cmocka_unit_test(test_create_unwritable),
		cmocka_unit_test(test_read_missing_file),
		cmocka_unit_test(test_bad_field_count),
		cmocka_unit_test(test_not_a_number),
		cmocka_unit_test(test_backwards),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_header_only),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_truncated_last),
		cmocka_unit_test(test_reordered_columns),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_time_or_elapsed_only),
		cmocka_unit_test(test_line_numbers_after_multiline_marker),
		cmocka_unit_test(test_lenient),
		cmocka_unit_test(test_each_lenient_error),
		cmocka_unit_test(test_runaway_quote),
		cmocka_unit_test(test_callback_stops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
