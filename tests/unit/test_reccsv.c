/* test_reccsv.c: writing recordings and reading them back, good and bad. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mtime.h"
#include "recording/reccsv.h"

#define NS_PER_S INT64_C(1000000000)
#define NS_PER_MS INT64_C(1000000)
#define NS_PER_US INT64_C(1000)

#define HEADER "time,elapsed_s,rss,anon,file,shmem,swap,pss,procs,sys_used,sys_avail,cgroup,mem,cache,limit,marker\n"
/* The header memlog wrote before mem and cache: the rows written by hand
 * below have its 13 fields, and recordings made then must still read. */
#define OLD_HEADER "time,elapsed_s,rss,anon,file,shmem,swap,pss,procs,sys_used,sys_avail,cgroup,marker\n"

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
	sample *s;
	char **marker;
	size_t stop_after; /* the callback asks to stop after this many rows (0: never) */
};

/* reccsv_row_fn that copies each row into a struct rows. */
static int collect(void *ctx, const sample *s, const char *marker)
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
static void make_sample(sample *s, size_t i, int64_t wall0_ns)
{
	/* Irregular steps that cross second, minute and day boundaries. */
	s->elapsed_ns = (int64_t)i * 999983 + (int64_t)(i % 13) * 7 + (int64_t)(i * i % 1000);
	s->wall_ns = wall0_ns + s->elapsed_ns;
	for (int c = 0; c < SAMPLE_NCOLS; c++) {
		if ((i + (size_t)c) % 7 == 0)
			s->v[c] = SAMPLE_NONE;
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

	reccsv_writer *w = reccsv_create(path, OUTFILE_REPLACE, err, sizeof err);
	assert_non_null(w);
	for (size_t i = 0; i < n; i++) {
		sample s;
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
	for (int c = 0; c < SAMPLE_NCOLS; c++)
		assert_true(info.has[c]);
	assert_int_equal(info.first_wall_ns, wall0_ns / NS_PER_MS * NS_PER_MS);

	for (size_t i = 0; i < n; i++) {
		sample s;
		make_sample(&s, i, wall0_ns);
		/* The file keeps milliseconds of wall time and microseconds of elapsed. */
		assert_int_equal(rows.s[i].wall_ns, s.wall_ns / NS_PER_MS * NS_PER_MS);
		assert_int_equal(rows.s[i].elapsed_ns, s.elapsed_ns / NS_PER_US * NS_PER_US);
		for (int c = 0; c < SAMPLE_NCOLS; c++)
			assert_int_equal(rows.s[i].v[c], s.v[c]);
		const char *m = markers[i % NMARKERS];
		if (m == NULL || *m == '\0') {
			assert_null(rows.marker[i]);
		} else {
			/* A row is one line: a label's line breaks become spaces. */
			char want[64];
			snprintf(want, sizeof want, "%s", m);
			for (char *c = want; *c; c++)
				if (*c == '\n' || *c == '\r')
					*c = ' ';
			assert_string_equal(rows.marker[i], want);
		}
	}
	rows_free(&rows);
	unlink(path);
}

static void test_exact_text(void **state)
{
	(void)state;
	char path[64], err[256];
	temp_path(path, sizeof path);
	reccsv_writer *w = reccsv_create(path, OUTFILE_REPLACE, err, sizeof err);
	assert_non_null(w);
	sample s;
	s.wall_ns = INT64_C(1709210096) * NS_PER_S + 789999999; /* ms are truncated, not rounded */
	s.elapsed_ns = INT64_C(1234567891);
	for (int c = 0; c < SAMPLE_NCOLS; c++)
		s.v[c] = c % 2 ? SAMPLE_NONE : (int64_t)c * 1000 + 1;
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
	                    "2024-02-29T12:34:56.789Z,1.234567,1,,2001,,4001,,6001,,8001,,10001,,12001,\"a,\"\"b\"\"\"\n"
	                    "2024-02-29T12:34:57.789Z,0.000999,9223372036854775807,,2001,,4001,,6001,,8001,,10001,,12001,\n"
	                    "2024-02-29T12:34:57.789Z,0.000000,9223372036854775807,,2001,,4001,,6001,,8001,,10001,,12001,\n");
	free(text);
	unlink(path);
}

static void test_flush_timing(void **state)
{
	(void)state;
	char path[64], err[256];
	temp_path(path, sizeof path);
	reccsv_writer *w = reccsv_create(path, OUTFILE_REPLACE, err, sizeof err);
	assert_non_null(w);
	/* The header is on disk at once, rows only after a flush. */
	assert_int_equal(file_size(path), (off_t)strlen(HEADER));
	sample s;
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

/* Outputs are never opened through a symlink and must be regular files;
 * OUTFILE_NEW never takes a name that exists; OUTFILE_REPLACE empties a
 * regular file; the mode is 0666 less the umask. */
static void test_create_safely(void **state)
{
	(void)state;
	char err[256] = "", dir[] = "/tmp/memlog-outXXXXXX", path[300], target[300];
	assert_non_null(mkdtemp(dir));
	snprintf(target, sizeof target, "%s/victim", dir);
	snprintf(path, sizeof path, "%s/rec.csv", dir);
	FILE *f = fopen(target, "w");
	fputs("precious\n", f);
	fclose(f);
	assert_int_equal(symlink(target, path), 0);
	assert_null(reccsv_create(path, OUTFILE_REPLACE, err, sizeof err));
	assert_non_null(strstr(err, "is a symbolic link; memlog does not write through one"));
	assert_null(reccsv_create(path, OUTFILE_NEW, err, sizeof err));
	assert_int_equal(errno, EEXIST);
	char buf[64] = "";
	f = fopen(target, "r");
	assert_non_null(fgets(buf, sizeof buf, f));
	fclose(f);
	assert_string_equal(buf, "precious\n");

	assert_null(reccsv_create("/dev/full", OUTFILE_REPLACE, err, sizeof err));
	assert_string_equal(err, "/dev/full: a device, not a regular file; expected a regular file "
	                         "(write to a file, then read it)");

	/* An explicit name over an existing regular file replaces it. */
	mode_t old = umask(022);
	unlink(path);
	reccsv_writer *w = reccsv_create(target, OUTFILE_REPLACE, err, sizeof err);
	assert_non_null(w);
	assert_int_equal(reccsv_close(w, err, sizeof err), 0);
	f = fopen(target, "r");
	assert_non_null(fgets(buf, sizeof buf, f));
	fclose(f);
	assert_memory_equal(buf, "time,elapsed_s,", 15);
	assert_null(reccsv_create(target, OUTFILE_NEW, err, sizeof err));
	assert_int_equal(errno, EEXIST);
	w = reccsv_create(path, OUTFILE_NEW, err, sizeof err);
	assert_non_null(w);
	assert_int_equal(reccsv_close(w, err, sizeof err), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	umask(old);
	unlink(path);
	unlink(target);
	rmdir(dir);
}

static void test_create_unwritable(void **state)
{
	(void)state;
	char err[256] = "";
	assert_null(reccsv_create("/nonexistent-memlog-dir/rec.csv", OUTFILE_REPLACE, err, sizeof err));
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

/* Times a recording cannot have (before 1970, after 2199, lasting more than
 * 50 years) are refused, so no time arithmetic downstream can overflow. */
static void test_time_range(void **state)
{
	(void)state;
	read_fails("time_range.csv", false,
	           ":3: column time: '1693-11-24T10:00:00.000Z' is outside the years 1970 to 2199 a recording can have");
	read_fails("elapsed_range.csv", false,
	           ":3: column elapsed_s: '1600000000.0' is more than the 50 years a recording can last");
}

/* A quote that never closes swallows every row after it: an error at the
 * row where it opened, or with lenient the lines it took are counted as
 * skipped; a last row merely cut inside a quote is still only a note. */
static void test_unclosed_quote(void **state)
{
	(void)state;
	struct rows rows = {0};
	reccsv_info info;
	read_fails("unclosed_quote.csv", false, ":3: a quoted field opened in this row is never closed: it runs to "
	           "the end of the file, taking 4 lines (expected a closing \" in the row)");
	read_ok("unclosed_quote.csv", true, &rows, &info);
	assert_int_equal(rows.n, 1);
	assert_int_equal(info.skipped, 4);
	assert_false(info.truncated_last);
	rows_free(&rows);
}

static void test_crlf(void **state)
{
	(void)state;
	struct rows rows = {0};
	reccsv_info info;
	read_ok("crlf.csv", false, &rows, &info);
	assert_int_equal(rows.n, 3);
	assert_int_equal(rows.s[1].v[SAMPLE_RSS], 110);
	assert_int_equal(rows.s[2].elapsed_ns, 200 * NS_PER_MS);
	assert_int_equal(rows.s[2].v[SAMPLE_CGROUP], SAMPLE_NONE);
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
	assert_true(info.has[SAMPLE_RSS] && info.has[SAMPLE_PROCS] && info.has[SAMPLE_CGROUP]);
	assert_false(info.has[SAMPLE_ANON] || info.has[SAMPLE_PSS] || info.has[SAMPLE_SYS_USED]);
	assert_true(info.has_time && info.has_elapsed && info.has_marker);
	assert_int_equal(info.first_wall_ns, INT64_C(1795514400) * NS_PER_S + 500 * NS_PER_MS);

	assert_int_equal(rows.s[0].elapsed_ns, 500 * NS_PER_MS);
	assert_int_equal(rows.s[0].v[SAMPLE_RSS], 1000);
	assert_int_equal(rows.s[0].v[SAMPLE_PROCS], 2);
	assert_int_equal(rows.s[0].v[SAMPLE_CGROUP], SAMPLE_NONE);
	assert_int_equal(rows.s[0].v[SAMPLE_ANON], SAMPLE_NONE);
	assert_string_equal(rows.marker[0], "start");

	assert_int_equal(rows.s[1].elapsed_ns, 1250 * NS_PER_MS);
	assert_int_equal(rows.s[1].wall_ns, INT64_C(1795514401) * NS_PER_S + 250 * NS_PER_MS);
	assert_int_equal(rows.s[1].v[SAMPLE_PROCS], SAMPLE_NONE);
	assert_int_equal(rows.s[1].v[SAMPLE_CGROUP], 777);
	assert_null(rows.marker[1]);

	assert_int_equal(rows.s[2].v[SAMPLE_RSS], SAMPLE_NONE);
	assert_string_equal(rows.marker[2], "end, really");
	rows_free(&rows);
}

static void test_bad_headers(void **state)
{
	(void)state;
	read_fails("no_memory.csv", false, ":1: header has no memory column, expected at least one of "
	           "rss, anon, file, shmem, swap, pss, sys_used, sys_avail, cgroup, mem, cache");
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
	assert_int_equal(rows.s[0].v[SAMPLE_SWAP], SAMPLE_NONE);
	assert_int_equal(rows.s[1].elapsed_ns, 1500 * NS_PER_MS);
	assert_int_equal(rows.s[2].elapsed_ns, INT64_C(2123456789)); /* beyond ns: dropped */
	assert_int_equal(rows.s[2].v[SAMPLE_SWAP], 6);
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
		assert_int_equal(rows.s[i].v[SAMPLE_RSS], want_rss[i]);
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
		fprintf(f, OLD_HEADER "\n%s\n", cases[i].row);
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
	fputs(OLD_HEADER "2026-11-24T10:00:00.000Z,0.000000,1,,,,,,,,,,\n", f);
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
	assert_int_equal(rows.s[0].v[SAMPLE_RSS], 1);
	assert_int_equal(rows.s[rows.n - 1].v[SAMPLE_RSS], 4);
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

/* ---- incremental reading ---- */

/* Appends text to path as a writer would (one write). */
static void append_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "ab");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

/* A data row of the full schema with rss = v and elapsed = v ms. */
static void row_text(char *buf, size_t len, int v, const char *marker)
{
	snprintf(buf, len, "2026-11-24T10:00:%02d.%03dZ,%d.%03d000,%d,,,,,,,,,,%s\n", v / 1000 % 60, v % 1000,
	         v / 1000, v % 1000, v, marker != NULL ? marker : "");
}

static void test_poll_appended_rows(void **state)
{
	(void)state;
	char path[64], err[512], row[256];
	temp_path(path, sizeof path);
	append_text(path, OLD_HEADER);
	row_text(row, sizeof row, 10, NULL);
	append_text(path, row);
	row_text(row, sizeof row, 20, "\"a, \"\"b\"\"\"");
	append_text(path, row);

	reccsv_reader *r = reccsv_reader_open(path, false, err, sizeof err);
	assert_non_null(r);
	assert_true(reccsv_reader_info(r)->has_marker);
	struct rows rows = {0};
	assert_int_equal(reccsv_reader_poll(r, collect, &rows, err, sizeof err), 2);
	assert_int_equal(reccsv_reader_poll(r, collect, &rows, err, sizeof err), 0);

	for (int v = 30; v <= 50; v += 10) {
		row_text(row, sizeof row, v, NULL);
		append_text(path, row);
	}
	assert_int_equal(reccsv_reader_poll(r, collect, &rows, err, sizeof err), 3);

	/* A row written in two halves, cut inside a number: nothing until its newline. */
	row_text(row, sizeof row, 61234, NULL);
	char *cut = strstr(row, "61234,") + 3;
	char second[256];
	snprintf(second, sizeof second, "%s", cut);
	*cut = '\0';
	append_text(path, row);
	assert_int_equal(reccsv_reader_poll(r, collect, &rows, err, sizeof err), 0);
	append_text(path, second);
	assert_int_equal(reccsv_reader_poll(r, collect, &rows, err, sizeof err), 1);

	/* A quoted marker with a newline, written up to just after that newline. */
	append_text(path, "2026-11-24T10:01:02.000Z,62.000000,62,,,,,,,,,,\"two\n");
	assert_int_equal(reccsv_reader_poll(r, collect, &rows, err, sizeof err), 0);
	append_text(path, "lines\"\n");
	assert_int_equal(reccsv_reader_poll(r, collect, &rows, err, sizeof err), 1);

	assert_int_equal(rows.n, 7);
	assert_int_equal(reccsv_reader_info(r)->rows, 7);
	const int64_t want[] = {10, 20, 30, 40, 50, 61234, 62};
	for (size_t i = 0; i < 7; i++)
		assert_int_equal(rows.s[i].v[SAMPLE_RSS], want[i]);
	assert_int_equal(rows.s[5].elapsed_ns, INT64_C(61234) * NS_PER_MS);
	assert_string_equal(rows.marker[1], "a, \"b\"");
	assert_string_equal(rows.marker[6], "two\nlines");
	assert_false(reccsv_reader_info(r)->truncated_last);
	reccsv_reader_close(r);
	rows_free(&rows);
	unlink(path);
}

static void test_poll_line_numbers(void **state)
{
	(void)state;
	char path[64], err[512], want[512], row[256];
	temp_path(path, sizeof path);
	append_text(path, OLD_HEADER);
	reccsv_reader *r = reccsv_reader_open(path, false, err, sizeof err);
	assert_non_null(r);
	struct rows rows = {0};
	assert_int_equal(reccsv_reader_poll(r, collect, &rows, err, sizeof err), 0);
	row_text(row, sizeof row, 1, "\"spans\nthree\nlines\""); /* lines 2-4 */
	append_text(path, row);
	assert_int_equal(reccsv_reader_poll(r, collect, &rows, err, sizeof err), 1);
	row_text(row, sizeof row, 2, NULL); /* line 5 */
	append_text(path, row);
	append_text(path, "\n");            /* line 6, blank */
	assert_int_equal(reccsv_reader_poll(r, collect, &rows, err, sizeof err), 1);
	append_text(path, "2026-11-24T10:00:00.003Z,0.003000,x3,,,,,,,,,,\n"); /* line 7 */
	assert_int_equal(reccsv_reader_poll(r, collect, &rows, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s:7: column rss: 'x3' is not a whole number of bytes", path);
	assert_string_equal(err, want);
	/* The reader stays stopped, with the same error. */
	row_text(row, sizeof row, 4, NULL);
	append_text(path, row);
	err[0] = '\0';
	assert_int_equal(reccsv_reader_poll(r, collect, &rows, err, sizeof err), -1);
	assert_string_equal(err, want);
	assert_int_equal(rows.n, 2);
	reccsv_reader_close(r);
	rows_free(&rows);

	/* Lenient: the bad row is skipped and counted, the next one read. */
	r = reccsv_reader_open(path, true, err, sizeof err);
	assert_non_null(r);
	assert_int_equal(reccsv_reader_poll(r, collect, &rows, err, sizeof err), 3);
	assert_int_equal(reccsv_reader_info(r)->skipped, 1);
	append_text(path, "2026-11-24T10:00:00.005Z,0.001000,5,,,,,,,,,,\n"); /* backwards */
	assert_int_equal(reccsv_reader_poll(r, collect, &rows, err, sizeof err), 0);
	assert_int_equal(reccsv_reader_info(r)->skipped, 2);
	reccsv_reader_close(r);
	rows_free(&rows);
	unlink(path);
}

static void test_poll_shrink(void **state)
{
	(void)state;
	char path[64], other[64], err[512], want[512], row[256];
	temp_path(path, sizeof path);
	append_text(path, OLD_HEADER);
	row_text(row, sizeof row, 1, NULL);
	append_text(path, row);
	reccsv_reader *r = reccsv_reader_open(path, false, err, sizeof err);
	assert_non_null(r);
	struct rows rows = {0};
	assert_int_equal(reccsv_reader_poll(r, collect, &rows, err, sizeof err), 1);
	assert_int_equal(truncate(path, 10), 0);
	assert_int_equal(reccsv_reader_poll(r, collect, &rows, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s: the recording got shorter; it was replaced or truncated", path);
	assert_string_equal(err, want);
	reccsv_reader_close(r);

	/* Replaced by a rename: a new, shorter file under the same name. */
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(OLD_HEADER, f);
	fputs(row, f);
	fputs(row, f);
	fclose(f);
	r = reccsv_reader_open(path, false, err, sizeof err);
	assert_non_null(r);
	assert_int_equal(reccsv_reader_poll(r, collect, &rows, err, sizeof err), 2);
	temp_path(other, sizeof other);
	append_text(other, OLD_HEADER);
	assert_int_equal(rename(other, path), 0);
	assert_int_equal(reccsv_reader_poll(r, collect, &rows, err, sizeof err), -1);
	assert_string_equal(err, want);
	reccsv_reader_close(r);

	/* Replaced by a longer file: still not the recording being followed. */
	r = reccsv_reader_open(path, false, err, sizeof err);
	assert_non_null(r);
	temp_path(other, sizeof other);
	append_text(other, OLD_HEADER);
	for (int i = 0; i < 5; i++)
		append_text(other, row);
	assert_int_equal(rename(other, path), 0);
	assert_int_equal(reccsv_reader_poll(r, collect, &rows, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s: the recording was replaced by another file", path);
	assert_string_equal(err, want);
	reccsv_reader_close(r);
	rows_free(&rows);
	unlink(path);
}

static void test_poll_pause_and_finish(void **state)
{
	(void)state;
	char path[64], err[512], row[256];
	temp_path(path, sizeof path);
	append_text(path, OLD_HEADER);
	for (int v = 1; v <= 5; v++) {
		row_text(row, sizeof row, v, NULL);
		append_text(path, row);
	}
	/* The callback stops after 2 rows: the next poll carries on from the third. */
	reccsv_reader *r = reccsv_reader_open(path, false, err, sizeof err);
	assert_non_null(r);
	struct rows rows = {.stop_after = 2};
	assert_int_equal(reccsv_reader_poll(r, collect, &rows, err, sizeof err), 2);
	rows.stop_after = 0;
	assert_int_equal(reccsv_reader_poll(r, collect, &rows, err, sizeof err), 3);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(rows.s[i].v[SAMPLE_RSS], (int64_t)i + 1);

	/* A complete last row without its newline: held by poll, taken by finish. */
	append_text(path, "2026-11-24T10:00:00.006Z,0.006000,6,,,,,,,,,,\"end\"");
	assert_int_equal(reccsv_reader_poll(r, collect, &rows, err, sizeof err), 0);
	assert_int_equal(reccsv_reader_finish(r, collect, &rows, err, sizeof err), 1);
	assert_string_equal(rows.marker[5], "end");
	assert_false(reccsv_reader_info(r)->truncated_last);
	assert_int_equal(reccsv_reader_poll(r, collect, &rows, err, sizeof err), 0);
	reccsv_reader_close(r);
	rows_free(&rows);

	/* A cut one: dropped and noted. */
	append_text(path, "\n2026-11-24T10:00:00.007Z,0.00");
	r = reccsv_reader_open(path, false, err, sizeof err);
	assert_non_null(r);
	assert_int_equal(reccsv_reader_poll(r, collect, &rows, err, sizeof err), 6);
	assert_false(reccsv_reader_info(r)->truncated_last);
	assert_int_equal(reccsv_reader_finish(r, collect, &rows, err, sizeof err), 0);
	assert_true(reccsv_reader_info(r)->truncated_last);
	reccsv_reader_close(r);
	rows_free(&rows);
	unlink(path);
}

static void test_open_errors(void **state)
{
	(void)state;
	char err[512], want[4200];
	assert_null(reccsv_reader_open("/nonexistent-memlog-dir/rec.csv", false, err, sizeof err));
	assert_string_equal(err, "/nonexistent-memlog-dir/rec.csv: cannot open: No such file or directory");
	assert_null(reccsv_reader_open(fixture("empty.csv"), false, err, sizeof err));
	snprintf(want, sizeof want, "%s: empty file, expected a memlog CSV header", fixture("empty.csv"));
	assert_string_equal(err, want);
	assert_null(reccsv_reader_open(fixture("no_time.csv"), true, err, sizeof err));
	snprintf(want, sizeof want, "%s:1: header has neither time nor elapsed_s, expected at least one",
	         fixture("no_time.csv"));
	assert_string_equal(err, want);
}

/* Reads name with the fast path on or off; the outcome as one comparable text. */
static char *read_outcome(const char *path, bool lenient, bool fast)
{
	struct rows rows = {0};
	reccsv_info info;
	char err[512] = "";
	reccsv_set_fast_path(fast);
	int rc = reccsv_read(path, lenient, collect, &rows, &info, err, sizeof err);
	reccsv_set_fast_path(true);
	size_t cap = 1024 + rows.n * 256, n = 0;
	char *out = malloc(cap);
	assert_non_null(out);
	n += (size_t)snprintf(out + n, cap - n, "rc %d err %s rows %zu skipped %zu trunc %d first %lld\n", rc,
	                      err, info.rows, info.skipped, info.truncated_last, (long long)info.first_wall_ns);
	for (size_t i = 0; i < rows.n; i++) {
		n += (size_t)snprintf(out + n, cap - n, "%lld %lld", (long long)rows.s[i].elapsed_ns,
		                      (long long)rows.s[i].wall_ns);
		for (int c = 0; c < SAMPLE_NCOLS; c++)
			n += (size_t)snprintf(out + n, cap - n, " %lld", (long long)rows.s[i].v[c]);
		n += (size_t)snprintf(out + n, cap - n, " [%s]\n", rows.marker[i] ? rows.marker[i] : "(null)");
	}
	rows_free(&rows);
	return out;
}

static void test_fast_path_matches_libcsv(void **state)
{
	(void)state;
	static const char *const names[] = {
		"odd_lines.csv", "lenient.csv", "crlf.csv", "bom.csv", "multiline_marker.csv",
		"truncated.csv", "truncated_quote.csv", "no_newline.csv", "reordered.csv",
		"time_only.csv", "elapsed_only.csv", "backwards.csv", "bad_fields.csv", "not_number.csv",
		"unclosed_quote.csv", "time_range.csv", "elapsed_range.csv",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		for (int lenient = 0; lenient < 2; lenient++) {
			char *fast = read_outcome(fixture(names[i]), lenient, true);
			char *slow = read_outcome(fixture(names[i]), lenient, false);
			assert_string_equal(fast, slow);
			free(fast);
			free(slow);
		}
	}
	/* And what the odd lines are read as. */
	struct rows rows = {0};
	reccsv_info info;
	read_fails("odd_lines.csv", false, ":11: 2 fields, expected 6 as in the header");
	read_ok("odd_lines.csv", true, &rows, &info);
	const int64_t want_rss[] = {100, 110, 120, 130, 140, 150, 160, 170, 180, 190};
	assert_int_equal(rows.n, 10);
	assert_int_equal(info.skipped, 1);
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(rows.s[i].v[SAMPLE_RSS], want_rss[i]);
	assert_int_equal(rows.s[1].elapsed_ns, 100 * NS_PER_MS); /* " 0.100000 " trimmed */
	assert_string_equal(rows.marker[2], "plain marker");
	assert_string_equal(rows.marker[3], "q");
	assert_string_equal(rows.marker[5], "in\"side");
	assert_null(rows.marker[7]);
	assert_string_equal(rows.marker[8], "two\nlines");
	rows_free(&rows);
}

static void test_count_rows(void **state)
{
	(void)state;
	char path[64], err[256];
	assert_int_equal(reccsv_count_rows(fixture("empty.csv")), 0);
	assert_int_equal(reccsv_count_rows(fixture("header_only.csv")), 0);
	assert_int_equal(reccsv_count_rows(fixture("no_newline.csv")), 2);
	assert_int_equal(reccsv_count_rows(fixture("crlf.csv")), 3 + 1); /* a marker's line break counts */
	assert_int_equal(reccsv_count_rows("/nonexistent-memlog-dir/rec.csv"), -1);

	/* Past several read chunks: exact for rows without line breaks. */
	temp_path(path, sizeof path);
	reccsv_writer *w = reccsv_create(path, OUTFILE_REPLACE, err, sizeof err);
	assert_non_null(w);
	const size_t n = 40000;
	for (size_t i = 0; i < n; i++) {
		sample s;
		make_sample(&s, i, 0);
		assert_int_equal(reccsv_write(w, &s, i % 3 ? NULL : "m, \"q\"", err, sizeof err), 0);
	}
	assert_int_equal(reccsv_close(w, err, sizeof err), 0);
	assert_true(file_size(path) > (off_t)(3 << 20));
	assert_int_equal(reccsv_count_rows(path), (long)n);
	struct rows rows = {0};
	reccsv_info info;
	assert_int_equal(reccsv_read(path, false, collect, &rows, &info, err, sizeof err), 0);
	assert_int_equal(rows.n, n);
	rows_free(&rows);
	unlink(path);
}

/* ---- markers ---- */

/* Markers read back, kept whole. */
struct marks {
	size_t n;
	int64_t wall_ns[32], elapsed_ns[32];
	char *label[32];
};

/* reccsv_marker_fn that copies each marker into a struct marks. */
static int collect_mark(void *ctx, int64_t wall_ns, int64_t elapsed_ns, const char *label)
{
	struct marks *m = ctx;
	assert_true(m->n < 32);
	assert_non_null(label);
	m->wall_ns[m->n] = wall_ns;
	m->elapsed_ns[m->n] = elapsed_ns;
	m->label[m->n] = strdup(label);
	m->n++;
	return 0;
}

static void marks_free(struct marks *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->label[i]);
	m->n = 0;
}

static void test_markers_round_trip(void **state)
{
	(void)state;
	static const char *const labels[] = {
		"plain", "with, comma", "with \"quotes\"", "\"", "multi\nline", "crlf\r\ninside",
		"  spaces  ", "\xc3\xbc" "n\xc3\xaf" "c\xc3\xb8" "d\xc3\xa9 \xe2\x9c\x93", "", "a,\"b\"\n,c", NULL,
	};
	const size_t n = sizeof labels / sizeof labels[0];
	const int64_t wall0_ns = INT64_C(1795514400) * NS_PER_S + 250 * NS_PER_MS;
	char dir[64], path[128], err[512];
	snprintf(dir, sizeof dir, "/tmp/test_reccsv.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/rec.markers.csv", dir);

	for (size_t i = 0; i < n; i++) {
		/* Out of order, as a cursor moves; some with nanoseconds, one without a wall clock. */
		int64_t elapsed_ns = (int64_t)((i * 7) % n) * 1500 * NS_PER_MS + (i % 2 ? 123 : 0);
		int64_t wall_ns = i == 3 ? 0 : wall0_ns + elapsed_ns;
		assert_int_equal(reccsv_marker_append(path, wall_ns, elapsed_ns, labels[i], err, sizeof err), 0);
	}
	/* One header, at the top. */
	char *text = slurp(path, NULL);
	assert_memory_equal(text, "time,elapsed_s,marker\n", 22);
	assert_null(strstr(text + 1, "time,elapsed_s,marker"));
	/* No wall clock: time empty; nanoseconds kept; the quote doubled and quoted. */
	assert_non_null(strstr(text, "\n,15.000000123,\"\"\"\"\n"));
	free(text);

	struct marks m = {0};
	assert_int_equal(reccsv_read_markers(path, collect_mark, &m, err, sizeof err), 0);
	assert_int_equal(m.n, n);
	for (size_t i = 0; i < n; i++) {
		int64_t elapsed_ns = (int64_t)((i * 7) % n) * 1500 * NS_PER_MS + (i % 2 ? 123 : 0);
		assert_int_equal(m.elapsed_ns[i], elapsed_ns);
		assert_int_equal(m.wall_ns[i], i == 3 ? 0 : (wall0_ns + elapsed_ns) / NS_PER_MS * NS_PER_MS);
		assert_string_equal(m.label[i], labels[i] != NULL ? labels[i] : "");
	}
	marks_free(&m);

	/* An empty file (created, never written) gets the header too. */
	unlink(path);
	append_text(path, "");
	assert_int_equal(reccsv_read_markers(path, collect_mark, &m, err, sizeof err), 0);
	assert_int_equal(m.n, 0);
	assert_int_equal(reccsv_marker_append(path, wall0_ns, NS_PER_S, "x", err, sizeof err), 0);
	text = slurp(path, NULL);
	assert_string_equal(text, "time,elapsed_s,marker\n2026-11-24T10:00:00.250Z,1.000000,\"x\"\n");
	free(text);
	unlink(path);

	snprintf(path, sizeof path, "%s/no-such-dir/rec.markers.csv", dir);
	assert_int_equal(reccsv_marker_append(path, wall0_ns, NS_PER_S, "x", err, sizeof err), -1);
	char want[512];
	snprintf(want, sizeof want, "%s: cannot create: No such file or directory", path);
	assert_string_equal(err, want);
	rmdir(dir);
}

static void test_markers_missing(void **state)
{
	(void)state;
	struct marks m = {0};
	char err[256] = "untouched";
	assert_int_equal(reccsv_read_markers("/nonexistent-memlog-dir/rec.markers.csv", collect_mark, &m,
	                                     err, sizeof err), 0);
	assert_int_equal(m.n, 0);
	assert_string_equal(err, "untouched");
	assert_int_equal(reccsv_read_markers(fixture("empty.csv"), collect_mark, &m, err, sizeof err), 0);
	assert_int_equal(m.n, 0);
}

/* Reads markers fixture name, expecting failure with exactly "PATH<suffix>". */
static void markers_fail(const char *name, const char *suffix)
{
	struct marks m = {0};
	char err[512] = "", want[4096];
	snprintf(want, sizeof want, "%s%s", fixture(name), suffix);
	assert_int_equal(reccsv_read_markers(fixture(name), collect_mark, &m, err, sizeof err), -1);
	assert_string_equal(err, want);
	marks_free(&m);
}

static void test_markers_bad(void **state)
{
	(void)state;
	markers_fail("markers_fields.csv", ":3: 2 fields, expected 3 as in the header");
	markers_fail("markers_elapsed.csv", ":5: column elapsed_s: '3s' is not a number of seconds like 12.345678");
	markers_fail("markers_time.csv", ":2: column time: '2026-11-24 10:00:01.000Z' "
	             "is not a time like 2026-11-24T10:00:00.123Z");
	markers_fail("markers_header.csv", ":1: header lacks elapsed_s or marker, expected time,elapsed_s,marker");
	markers_fail("markers_dup.csv", ":1: column marker appears twice in the header");
	markers_fail("binary.bin", ":1: binary data where a markers header was expected (time,elapsed_s,marker)");

	/* BOM, CRLF, an extra column, no time, and a cut last row (dropped). */
	struct marks m = {0};
	char err[512];
	assert_int_equal(reccsv_read_markers(fixture("markers_ok.csv"), collect_mark, &m, err, sizeof err), 0);
	assert_int_equal(m.n, 2);
	assert_int_equal(m.wall_ns[0], INT64_C(1795514401) * NS_PER_S);
	assert_int_equal(m.elapsed_ns[0], NS_PER_S);
	assert_string_equal(m.label[0], "crlf, bom");
	assert_int_equal(m.wall_ns[1], 0);
	assert_int_equal(m.elapsed_ns[1], 500 * NS_PER_MS);
	assert_string_equal(m.label[1], "plain");
	marks_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_exact_text),
		cmocka_unit_test(test_flush_timing),
		cmocka_unit_test(test_create_safely),
		cmocka_unit_test(test_create_unwritable),
		cmocka_unit_test(test_read_missing_file),
		cmocka_unit_test(test_bad_field_count),
		cmocka_unit_test(test_not_a_number),
		cmocka_unit_test(test_backwards),
		cmocka_unit_test(test_time_range),
		cmocka_unit_test(test_unclosed_quote),
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
		cmocka_unit_test(test_poll_appended_rows),
		cmocka_unit_test(test_poll_line_numbers),
		cmocka_unit_test(test_poll_shrink),
		cmocka_unit_test(test_poll_pause_and_finish),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_fast_path_matches_libcsv),
		cmocka_unit_test(test_count_rows),
		cmocka_unit_test(test_markers_round_trip),
		cmocka_unit_test(test_markers_missing),
		cmocka_unit_test(test_markers_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
