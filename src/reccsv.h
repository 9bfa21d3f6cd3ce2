/* reccsv.h: the recording's CSV file: the schema, writing it, reading it back. */
#ifndef MEMLOG_RECCSV_H
#define MEMLOG_RECCSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe.h"

typedef struct reccsv_writer reccsv_writer;

/* Creates path (truncating it), writes the header and pushes it to the disk at
 * once, so an unwritable path or a full disk is reported here, not later.
 * NULL on failure with err naming the path and the reason. */
reccsv_writer *reccsv_create(const char *path, char *err, size_t errlen);

/* Adds one row (marker may be NULL). Rows are buffered whole and reach the
 * file in reccsv_flush, so the file never ends inside a row unless a write
 * was cut short. Returns 0, or -1 with err filled. */
int reccsv_write(reccsv_writer *w, const probe_sample *s, const char *marker,
                 char *err, size_t errlen);

/* Writes the buffered rows to the file. Returns 0, or -1 with err filled. */
int reccsv_flush(reccsv_writer *w, char *err, size_t errlen);

/* Flushes, closes and frees. Returns 0, or -1 with err filled (w is freed anyway). */
int reccsv_close(reccsv_writer *w, char *err, size_t errlen);

/* Called for each data row read; marker is NULL when the row has none (it is
 * only valid during the call). Returning non-zero stops the reading. */
typedef int (*reccsv_row_fn)(void *ctx, const probe_sample *s, const char *marker);

typedef struct reccsv_info {
	bool has[PROBE_NCOLS];   /* which columns the header had */
	bool has_time, has_elapsed, has_marker;
	size_t rows;             /* data rows delivered */
	size_t skipped;          /* bad rows skipped (lenient) */
	bool truncated_last;     /* the last line was cut short and dropped */
	int64_t first_wall_ns;   /* wall time of the first row, 0 when unknown */
} reccsv_info;

/* Reads a recording: header by name (unknown columns ignored), then every row.
 * On bad input returns -1 with err as "FILE:LINE: what was wrong, what was
 * expected"; with lenient, bad rows are skipped and counted instead. A
 * truncated last line is dropped and noted in info. Returns 0 on success. */
int reccsv_read(const char *path, bool lenient, reccsv_row_fn fn, void *ctx,
                reccsv_info *info, char *err, size_t errlen);

#endif
