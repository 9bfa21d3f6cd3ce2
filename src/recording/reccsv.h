/* reccsv.h: the recording's CSV file: the schema, writing it, reading it back. */
#ifndef MEMLOG_RECCSV_H
#define MEMLOG_RECCSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/outfile.h"
#include "model/procrow.h"
#include "model/sample.h"

typedef struct reccsv_writer reccsv_writer;

/* Creates path (OUTFILE_REPLACE empties an existing regular file,
 * OUTFILE_NEW fails with errno EEXIST when the name is taken; a symbolic
 * link or anything but a regular file is refused either way), writes the
 * header and pushes it to the disk at once, so an unwritable path or a full
 * disk is reported here, not later. NULL on failure with err naming the
 * path and the reason. */
reccsv_writer *reccsv_create(const char *path, enum outfile_mode mode, char *err, size_t errlen);

/* The per-process recording beside it, REC.procs.csv (RECFILES_PROCS):
 * header time,elapsed_s,pid,ppid,name,cmd,rss,anon,file,shmem,swap,pss,event;
 * written with reccsv_write_procs, then flushed and closed as a recording. */
reccsv_writer *reccsv_create_procs(const char *path, enum outfile_mode mode, char *err, size_t errlen);

/* Adds n process rows, as reccsv_write adds a sample's. */
int reccsv_write_procs(reccsv_writer *w, const procrow *rows, size_t n, char *err, size_t errlen);

/* Adds one row (marker may be NULL). Rows are buffered whole and reach the
 * file in reccsv_flush, so the file never ends inside a row unless a write
 * was cut short. Returns 0, or -1 with err filled. */
int reccsv_write(reccsv_writer *w, const sample *s, const char *marker,
                 char *err, size_t errlen);

/* Writes the buffered rows to the file. Returns 0, or -1 with err filled. */
int reccsv_flush(reccsv_writer *w, char *err, size_t errlen);

/* What is safely in the file (rows that reached it whole). */
typedef struct reccsv_kept {
	uint64_t rows;           /* data rows */
	int64_t last_elapsed_ns; /* of the last of them; -1 when there is none */
	int64_t last_wall_ns;
} reccsv_kept;

/* After a failed write too: the file is then cut back to whole rows. */
void reccsv_writer_kept(const reccsv_writer *w, reccsv_kept *out);

/* Flushes, closes and frees. Returns 0, or -1 with err filled (w is freed anyway). */
int reccsv_close(reccsv_writer *w, char *err, size_t errlen);

/* Called for each data row read; marker is NULL when the row has none (it is
 * only valid during the call). Returning non-zero stops the reading. */
typedef int (*reccsv_row_fn)(void *ctx, const sample *s, const char *marker);

typedef struct reccsv_info {
	bool has[SAMPLE_NCOLS];   /* which columns the header had */
	bool has_time, has_elapsed, has_marker;
	bool has_pid;            /* a per-process recording's */
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

/* Incremental reading, for a recording still being written (replay
 * --follow): each poll delivers the complete rows appended since the last
 * one; a last line without its newline waits for the next poll. Line
 * numbers in errors continue across polls. reccsv_read is open, finish,
 * close, so both read alike. */
typedef struct reccsv_reader reccsv_reader;

/* Opens path and reads its header (the first row; when the file has no
 * newline yet, all of it). NULL with err as in reccsv_read. */
reccsv_reader *reccsv_reader_open(const char *path, bool lenient, char *err, size_t errlen);

/* Delivers every complete row now in the file past what was delivered;
 * returns how many (0 when nothing new), or -1 with err filled. After an
 * error every later poll fails the same way. If fn returns non-zero the poll
 * ends after that row and the next one carries on after it. A regular file
 * that got shorter, or whose path now names another file, is an error
 * ("FILE: the recording got shorter; it was replaced or truncated"). */
long reccsv_reader_poll(reccsv_reader *r, reccsv_row_fn fn, void *ctx, char *err, size_t errlen);

/* The file is complete (its writer is gone): polls, then takes a last line
 * without its newline as reccsv_read does, delivering a complete row and
 * noting a cut one in info->truncated_last. Later polls deliver nothing.
 * Returns rows delivered, or -1 with err filled. */
long reccsv_reader_finish(reccsv_reader *r, reccsv_row_fn fn, void *ctx, char *err, size_t errlen);

/* The header facts and counts so far. */
const reccsv_info *reccsv_reader_info(const reccsv_reader *r);

/* Closes and frees; NULL is ignored. */
void reccsv_reader_close(reccsv_reader *r);

/* For tests and the fuzzer: false makes readers opened afterwards send every
 * line through libcsv, so the reader's own splitting of plain lines can be
 * checked against it. Not thread-safe; on by default. */
void reccsv_set_fast_path(bool on);

/* Data rows in the file, counted fast (newlines; a last line without one
 * counts) to size buffers before a read; an estimate when markers contain
 * newlines. -1 when unreadable. */
long reccsv_count_rows(const char *path);

/* Reading REC.procs.csv back: the same reader (errors, lenient, follow)
 * with its columns. row is only valid during the call (serial is 0);
 * non-zero stops the reading. */
typedef int (*reccsv_proc_fn)(void *ctx, const procrow *row);

reccsv_reader *reccsv_procs_open(const char *path, bool lenient, char *err, size_t errlen);

/* reccsv_reader_poll (final: reccsv_reader_finish) for process rows. */
long reccsv_procs_poll(reccsv_reader *r, bool final, reccsv_proc_fn fn, void *ctx, char *err, size_t errlen);

/* Opens, reads whole and closes, as reccsv_read. */
int reccsv_read_procs(const char *path, bool lenient, reccsv_proc_fn fn, void *ctx, reccsv_info *info,
                      char *err, size_t errlen);

/* The markers added during a replay go to REC.markers.csv beside the
 * recording (header "time,elapsed_s,marker"), never into the recording.
 * Appends one row to that file (path is the markers file itself), creating
 * it with its header when new or empty. The row reaches the file in one
 * O_APPEND write. wall_ns <= 0 (unknown) leaves time empty; the time keeps
 * milliseconds, elapsed_s microseconds (nanoseconds when it has any).
 * label may be NULL (empty). Returns 0, or -1 with err filled. */
int reccsv_marker_append(const char *path, int64_t wall_ns, int64_t elapsed_ns, const char *label,
                         char *err, size_t errlen);

/* Called for each marker read back; wall_ns is 0 when unknown, label is ""
 * when empty and only valid during the call. Non-zero stops the reading. */
typedef int (*reccsv_marker_fn)(void *ctx, int64_t wall_ns, int64_t elapsed_ns, const char *label);

/* Reads a markers file written by reccsv_marker_append, in file order
 * (not sorted). A missing or empty file has no markers: 0 without calls.
 * Bad input returns -1 with err as "FILE:LINE: what was wrong, what was
 * expected"; a broken last row without its newline (a cut write) is dropped. */
int reccsv_read_markers(const char *path, reccsv_marker_fn fn, void *ctx, char *err, size_t errlen);

#endif
