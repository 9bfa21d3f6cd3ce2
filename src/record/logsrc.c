/*
 * logsrc.c: turning byte streams into stamped log lines. A line is stamped
 * with the arrival time of its first byte, so a line that arrives in pieces
 * keeps the moment it started. Tailed files are reopened when the path points
 * at a new file (rotation) and reread from the start when they shrink
 * (truncation); a file that does not exist yet is waited for.
 */
#include "record/logsrc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/infile.h"
#include "base/lines.h"
#include "base/units.h"
#include "base/utf8.h"

/* Longer lines are cut into pieces of this size so memory stays bounded. */
#define LOGSRC_LINE_MAX (1024 * 1024)
/* At most this many 64 KiB reads per source each time round the loop. */
#define LOGSRC_READS_PER_PUMP 16

struct logsrc {
	logbook *lb;
	int source;
	int fd;
	int echo_fd;
	bool is_tail, ended;
	/* tail state */
	char *path;
	dev_t dev;
	ino_t ino;
	off_t offset;
	bool waiting_noted;
	bool refused_noted; /* said once that what is at the path is no log */
	/* the line being assembled */
	lines split;
	int64_t line_wall_ns; /* when its first byte came */
	int64_t feed_wall_ns; /* when the bytes being cut came */
	/* binary output (not text) is counted, not copied into the log */
	uint64_t binary_bytes;
	int64_t binary_wall_ns; /* when the first of them came */
};

/* A zeroed source with its line buffer. */
static logsrc *logsrc_new(logbook *lb, int source)
{
	logsrc *src = calloc(1, sizeof *src);
	if (!src)
		return NULL;
	src->lb = lb;
	src->source = source;
	lines_init(&src->split, LOGSRC_LINE_MAX);
	src->fd = -1;
	src->echo_fd = -1;
	return src;
}

logsrc *logsrc_stream(int fd, const char *name, int echo_fd, logbook *lb)
{
	logsrc *src = logsrc_new(lb, logbook_source(lb, name));
	if (!src)
		return NULL;
	src->fd = fd;
	src->echo_fd = echo_fd;
	return src;
}

logsrc *logsrc_tail(const char *path, logbook *lb)
{
	logsrc *src = logsrc_new(lb, logbook_file_source(lb, path));
	if (!src)
		return NULL;
	src->is_tail = true;
	src->path = strdup(path);
	if (!src->path) {
		logsrc_free(src, 0);
		return NULL;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	if (fd >= 0 && (fstat(fd, &st) != 0 || (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)))) {
		/* Not checkable, or no log after all: looked at again as it changes. */
		close(fd);
		fd = -1;
		errno = EINVAL;
	}
	if (fd >= 0) {
		src->fd = fd;
		src->dev = st.st_dev;
		src->ino = st.st_ino;
		/* Lines written before the recording began are not part of it. */
		src->offset = S_ISREG(st.st_mode) ? st.st_size : 0;
		logbook_note(lb, "tailing %s", path);
	} else {
		logbook_note(lb, "waiting for log file %s (%s)", path, strerror(errno));
		src->waiting_noted = true;
	}
	return src;
}

void logsrc_set_echo(logsrc *src, int fd)
{
	if (src)
		src->echo_fd = fd;
}

int logsrc_fd(const logsrc *src)
{
	return src->is_tail || src->ended ? -1 : src->fd;
}

/* Whether a line is binary output rather than text: mostly bytes no text
 * has. A line of 32 bytes or more of which one in ten is a control other
 * than tab, CR, BS, FF, VT and ESC, a NUL, or invalid UTF-8; or one of 8 or
 * more of which a quarter is invalid UTF-8. A short line with a BEL or a
 * NUL, a Latin-1 word, a coloured line stay text (shown escaped). Within
 * binary output (in_binary) only a clean line of 8 bytes or more is text
 * again: random bytes are full of short "lines" that look like text. */
static bool logsrc_binary(const char *line, size_t len, bool in_binary)
{
	size_t ctrl = 0, bad = 0, other = 0;
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)line[i];
		if (c < 0x80) {
			bool odd = c < 0x20 && c != '\t' && c != '\r' && c != '\b' && c != '\f' && c != '\v' && c != 0x1b;
			ctrl += odd;
			other += !odd && ((c < 0x20 && c != '\t') || c == 0x7f);
			i++;
			continue;
		}
		size_t adv;
		if (utf8_decode((const unsigned char *)line + i, len - i, &adv) < 0)
			bad++;
		i += adv;
	}
	if (in_binary)
		return ctrl + bad + other > 0 || len < 8;
	return (len >= 32 && (ctrl + bad) * 10 > len) || (len >= 8 && bad * 4 > len);
}

/* The binary output counted since the last text line, as one line. */
static void logsrc_flush_binary(logsrc *src)
{
	if (!src->binary_bytes)
		return;
	char note[96], size[32];
	/* About: the splitter drops a CR before each newline it cuts at. */
	units_bytes((int64_t)src->binary_bytes, size, sizeof size);
	int n = snprintf(note, sizeof note, "(about %s of binary output, passed on but not logged)", size);
	logbook_add(src->lb, src->binary_wall_ns, src->source, note, (size_t)n);
	src->binary_bytes = 0;
}

/* A line from the splitter, stamped with the time of its first byte. */
static void logsrc_line(void *ctx, const char *line, size_t len)
{
	logsrc *src = ctx;
	if (logsrc_binary(line, len, src->binary_bytes > 0)) {
		if (!src->binary_bytes)
			src->binary_wall_ns = src->line_wall_ns;
		src->binary_bytes += len + 1;
	} else {
		logsrc_flush_binary(src);
		logbook_add(src->lb, src->line_wall_ns, src->source, line, len);
	}
	src->line_wall_ns = src->feed_wall_ns; /* the next line starts in these bytes */
}

/* Cuts n bytes that came at wall_ns into lines. */
static void logsrc_feed(logsrc *src, const char *buf, size_t n, int64_t wall_ns)
{
	if (!lines_pending(&src->split))
		src->line_wall_ns = wall_ns;
	src->feed_wall_ns = wall_ns;
	lines_feed(&src->split, buf, n, logsrc_line, src);
}

/* The line assembled so far (no newline came for it) goes to the logbook,
 * and the binary output counted before it. */
static void logsrc_emit(logsrc *src)
{
	lines_end(&src->split, logsrc_line, src);
	logsrc_flush_binary(src);
}

/* Writes all of buf to fd, giving up quietly if the reader went away. */
static void logsrc_echo(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		buf += w;
		n -= (size_t)w;
	}
}

/* Reads fd until it would block or ends, or up to a budget per call so a
 * flood of output cannot starve the view and the other sources (the rest
 * waits in the pipe for the next turn); returns true at the end of input. */
static bool logsrc_drain(logsrc *src, int64_t wall_ns)
{
	char buf[65536];
	for (int reads = 0; reads < LOGSRC_READS_PER_PUMP; reads++) {
		ssize_t r = src->is_tail ? pread(src->fd, buf, sizeof buf, src->offset)
		                         : read(src->fd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return false;
		if (r <= 0)
			return true; /* EOF, or EIO from a pty whose last writer left */
		if (src->is_tail)
			src->offset += r;
		if (src->echo_fd >= 0)
			logsrc_echo(src->echo_fd, buf, (size_t)r);
		logsrc_feed(src, buf, (size_t)r, wall_ns);
	}
	return false;
}

/* One look at a tailed file: new lines, truncation, rotation, appearance. */
static void logsrc_pump_tail(logsrc *src, int64_t wall_ns)
{
	struct stat st, now;
	if (src->fd >= 0) {
		if (fstat(src->fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < src->offset) {
			logbook_note(src->lb, "log file %s was truncated; reading it from the start", src->path);
			src->offset = 0;
			logsrc_emit(src);
		}
		logsrc_drain(src, wall_ns);
		/* Moved away with no new file yet: keep reading the old one. */
		if (stat(src->path, &now) != 0 || (now.st_ino == src->ino && now.st_dev == src->dev))
			return;
		/* A new file took the path: finish the old one, then switch. */
		logsrc_drain(src, wall_ns);
		logsrc_emit(src);
		close(src->fd);
		src->fd = -1;
		logbook_note(src->lb, "log file %s was rotated; following the new file", src->path);
	}
	int fd = open(src->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return;
	}
	/* What appeared is nothing to tail (a device would be read for ever). */
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
		close(fd);
		if (!src->refused_noted)
			logbook_note(src->lb, "log file %s is %s, not a log file; not read", src->path,
			             infile_kind(st.st_mode));
		src->refused_noted = true;
		return;
	}
	src->refused_noted = false;
	if (src->waiting_noted) {
		logbook_note(src->lb, "log file %s appeared; tailing it", src->path);
		src->waiting_noted = false;
	}
	src->fd = fd;
	src->dev = st.st_dev;
	src->ino = st.st_ino;
	src->offset = 0;
	logsrc_drain(src, wall_ns);
}

bool logsrc_pump(logsrc *src, int64_t wall_ns)
{
	if (src->ended)
		return true;
	if (src->is_tail) {
		logsrc_pump_tail(src, wall_ns);
		return false;
	}
	if (logsrc_drain(src, wall_ns)) {
		src->ended = true;
		logsrc_emit(src);
	}
	return src->ended;
}

void logsrc_free(logsrc *src, int64_t wall_ns)
{
	if (!src)
		return;
	/* What is still buffered in the pipe or pty (a few budgets at most). */
	for (int i = 0; i < 8 && !src->ended && src->fd >= 0; i++)
		if (logsrc_drain(src, wall_ns))
			break;
	logsrc_emit(src);
	if (src->fd >= 0)
		close(src->fd);
	lines_free(&src->split);
	free(src->path);
	free(src);
}
