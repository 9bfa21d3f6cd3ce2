/* fuzz_reccsv.c: libFuzzer target for the recording's CSV reader and the
 * markers file. The input becomes a file (a memfd, reached through
 * /proc/self/fd, so nothing touches the disk) that is read in several ways
 * which must agree, or the target aborts:
 *   - reccsv_read with the plain-line fast path and with libcsv alone;
 *   - an incremental read: the file cut in two, polled, completed, finished;
 *   - a read whose callback pauses after every row, resumed until the end;
 * strict and lenient. The markers reader reads the same bytes, and the input
 * up to its first NUL is appended as a marker label (to a real file in /tmp)
 * and must read back unchanged. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "recording/reccsv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a read produced, to compare reads: a hash of every row in order. */
struct outcome {
	int rc;
	char err[512];
	uint64_t hash;
	size_t rows, skipped;
	bool truncated_last;
	int64_t first_wall_ns;
	size_t stop_every; /* the callback pauses after every this many rows (0: never) */
	size_t since_stop;
};

/* Mixes len bytes into an FNV-1a hash. */
static uint64_t fuzz_mix(uint64_t h, const void *p, size_t len)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < len; i++) {
		h ^= b[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

/* reccsv_row_fn: hashes the row. */
static int fuzz_on_row(void *ctx, const sample *s, const char *marker)
{
	struct outcome *o = ctx;
	o->hash = fuzz_mix(o->hash, s, sizeof *s);
	o->hash = fuzz_mix(o->hash, marker != NULL ? marker : "\x01(null)", marker != NULL ? strlen(marker) + 1 : 8);
	o->rows++;
	if (o->stop_every != 0 && ++o->since_stop >= o->stop_every) {
		o->since_stop = 0;
		return 1;
	}
	return 0;
}

/* Copies the reader's final figures into o. */
static void fuzz_take_info(struct outcome *o, const reccsv_info *info)
{
	o->skipped = info->skipped;
	o->truncated_last = info->truncated_last;
	o->first_wall_ns = info->first_wall_ns;
	if (info->rows != o->rows)
		abort(); /* info must count what the callback saw */
}

/* Aborts unless two reads of the same bytes came out the same. */
static void fuzz_same(const struct outcome *a, const struct outcome *b)
{
	if (a->rc != b->rc || strcmp(a->err, b->err) != 0 || a->hash != b->hash || a->rows != b->rows
	    || (a->rc == 0 && (a->skipped != b->skipped || a->truncated_last != b->truncated_last
	                       || a->first_wall_ns != b->first_wall_ns))) {
		fprintf(stderr, "reads differ:\n rc %d rows %zu skipped %zu trunc %d err %s\n"
		        " rc %d rows %zu skipped %zu trunc %d err %s\n",
		        a->rc, a->rows, a->skipped, a->truncated_last, a->err,
		        b->rc, b->rows, b->skipped, b->truncated_last, b->err);
		abort();
	}
}

/* Makes the memfd hold exactly len bytes of data. */
static void fuzz_fill(int fd, const uint8_t *data, size_t len)
{
	if (ftruncate(fd, 0) != 0)
		abort();
	size_t off = 0;
	while (off < len) {
		ssize_t n = pwrite(fd, data + off, len - off, (off_t)off);
		if (n <= 0)
			abort();
		off += (size_t)n;
	}
}

/* Whole read with reccsv_read. */
static void fuzz_read_whole(const char *path, bool lenient, bool fast, struct outcome *o)
{
	reccsv_info info;
	memset(o, 0, sizeof *o);
	reccsv_set_fast_path(fast);
	o->rc = reccsv_read(path, lenient, fuzz_on_row, o, &info, o->err, sizeof o->err);
	reccsv_set_fast_path(true);
	fuzz_take_info(o, &info);
}

/* Incremental read: open, finish again and again (the callback pauses). */
static void fuzz_read_paused(const char *path, bool lenient, struct outcome *o)
{
	memset(o, 0, sizeof *o);
	o->stop_every = 1;
	reccsv_reader *r = reccsv_reader_open(path, lenient, o->err, sizeof o->err);
	if (r == NULL) {
		o->rc = -1;
		return;
	}
	long n;
	size_t calls = 0;
	while ((n = reccsv_reader_finish(r, fuzz_on_row, o, o->err, sizeof o->err)) > 0) {
		if (++calls > o->rows + 2)
			abort(); /* a pause must never deliver nothing yet report rows */
	}
	o->rc = n < 0 ? -1 : 0;
	fuzz_take_info(o, reccsv_reader_info(r));
	reccsv_reader_close(r);
}

/* Incremental read of a file that grows: the first cut bytes, a poll, the
 * rest, a poll, then finish. */
static void fuzz_read_split(int fd, const char *path, const uint8_t *data, size_t size, size_t cut,
                            bool lenient, struct outcome *o)
{
	memset(o, 0, sizeof *o);
	fuzz_fill(fd, data, cut);
	reccsv_reader *r = reccsv_reader_open(path, lenient, o->err, sizeof o->err);
	if (r == NULL) {
		o->rc = -1;
		return;
	}
	long n = reccsv_reader_poll(r, fuzz_on_row, o, o->err, sizeof o->err);
	if (n >= 0) {
		if (pwrite(fd, data + cut, size - cut, (off_t)cut) != (ssize_t)(size - cut))
			abort();
		n = reccsv_reader_poll(r, fuzz_on_row, o, o->err, sizeof o->err);
	}
	if (n >= 0)
		n = reccsv_reader_finish(r, fuzz_on_row, o, o->err, sizeof o->err);
	o->rc = n < 0 ? -1 : 0;
	fuzz_take_info(o, reccsv_reader_info(r));
	reccsv_reader_close(r);
}

/* The cut point for the split read: after the first line, when that line
 * is a plain header that ends there (so the cut cannot change where the
 * header ends); 0 when there is none. */
static size_t fuzz_cut(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	if (nl == NULL || size < 2)
		return 0;
	size_t first = (size_t)(nl - data);
	bool visible = false;
	/* A UTF-8 BOM is no part of a header: a line of only that is not one
	 * (the header then comes later, and the cut could fall inside it). */
	size_t from = first >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	for (size_t i = from; i < first; i++) {
		if (data[i] == '"' || data[i] == '\r')
			return 0;
		visible |= data[i] != ' ' && data[i] != '\t';
	}
	if (!visible)
		return 0;
	return first + 1 + data[size - 1] % (size - first);
}

/* reccsv_marker_fn: keeps the last label. */
static int fuzz_on_marker(void *ctx, int64_t wall_ns, int64_t elapsed_ns, const char *label)
{
	(void)wall_ns;
	(void)elapsed_ns;
	char **last = ctx;
	free(*last);
	*last = strdup(label);
	return 0;
}

/* Appends the input up to its first NUL as a label; it must read back as is.
 * The markers file is a real file in a directory of the fuzzer's own: memlog
 * writes through no symbolic link, and /proc/self/fd/N is one. */
static void fuzz_marker_round_trip(const uint8_t *data, size_t size)
{
	static char path[64];
	char err[512];
	if (!path[0]) {
		char dir[] = "/tmp/fuzz_reccsv.XXXXXX";
		if (mkdtemp(dir) == NULL)
			abort();
		snprintf(path, sizeof path, "%s/rec.markers.csv", dir);
	}
	size_t len = strnlen((const char *)data, size);
	char *label = malloc(len + 1);
	if (label == NULL)
		abort();
	memcpy(label, data, len);
	label[len] = '\0';
	if (truncate(path, 0) != 0 && errno != ENOENT)
		abort();
	int64_t elapsed_ns = (int64_t)(size * 1000003u);
	if (reccsv_marker_append(path, 1795514400 * INT64_C(1000000000), elapsed_ns, label, err,
	                         sizeof err) != 0
	    || reccsv_marker_append(path, 0, elapsed_ns + 1, label, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		abort();
	}
	char *back = NULL;
	if (reccsv_read_markers(path, fuzz_on_marker, &back, err, sizeof err) != 0 || back == NULL
	    || strcmp(back, label) != 0) {
		fprintf(stderr, "marker did not come back: %s\n", err);
		abort();
	}
	free(back);
	free(label);
}

/* libFuzzer's entry: every read of the input must agree; see the top of the file. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	if (fd < 0) {
		fd = memfd_create("fuzz_reccsv", 0);
		if (fd < 0)
			abort();
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}

	fuzz_fill(fd, data, size);
	struct outcome whole[2], other;
	for (int lenient = 0; lenient < 2; lenient++) {
		fuzz_read_whole(path, lenient, true, &whole[lenient]);
		fuzz_read_whole(path, lenient, false, &other);
		fuzz_same(&whole[lenient], &other);
		fuzz_read_paused(path, lenient, &other);
		fuzz_same(&whole[lenient], &other);
	}
	if (reccsv_count_rows(path) < 0)
		abort();
	char err[512];
	char *last = NULL;
	reccsv_read_markers(path, fuzz_on_marker, &last, err, sizeof err);
	free(last);

	size_t cut = fuzz_cut(data, size);
	if (cut > 0 && cut < size) {
		for (int lenient = 0; lenient < 2; lenient++) {
			fuzz_read_split(fd, path, data, size, cut, lenient, &other);
			fuzz_same(&whole[lenient], &other);
		}
	}
	fuzz_marker_round_trip(data, size);
	return 0;
}
