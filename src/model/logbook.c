/*
 * logbook.c: every line memlog saw while recording. Lines are kept in a
 * bounded ring in memory (for the live view) and appended, stamped with their
 * arrival time and source, to the recording's .log file, which keeps them all.
 */
#include "model/logbook.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mtime.h"

#define LOGBOOK_MAX_SOURCES 64

typedef struct logbook_line {
	int64_t wall_ns;
	int source;
	size_t len;
	char *text;
} logbook_line;

struct logbook {
	pthread_mutex_t lock;
	FILE *file;
	char *path;
	bool file_failed;
	char *sources[LOGBOOK_MAX_SOURCES];
	int nsources;
	int own_source;
	logbook_line *ring;
	size_t cap, head, count, dropped;
};

logbook *logbook_open(const char *path, enum outfile_mode mode, size_t max_lines, char *err, size_t errlen)
{
	logbook *lb = calloc(1, sizeof *lb);
	if (!lb || max_lines == 0 || !(lb->ring = calloc(max_lines, sizeof *lb->ring))) {
		free(lb);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	lb->cap = max_lines;
	pthread_mutex_init(&lb->lock, NULL);
	if (path) {
		int fd = outfile_open(path, mode, err, errlen);
		lb->file = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!lb->file) {
			int e = errno;
			if (fd >= 0) {
				snprintf(err, errlen, "%s: cannot create: %s", path, strerror(e));
				close(fd);
			}
			logbook_close(lb);
			errno = e;
			return NULL;
		}
		lb->path = strdup(path);
	}
	lb->own_source = logbook_source(lb, "memlog");
	return lb;
}

int logbook_source(logbook *lb, const char *name)
{
	pthread_mutex_lock(&lb->lock);
	int id = -1;
	for (int i = 0; i < lb->nsources; i++)
		if (strcmp(lb->sources[i], name) == 0)
			id = i;
	if (id < 0 && lb->nsources < LOGBOOK_MAX_SOURCES) {
		lb->sources[lb->nsources] = strdup(name);
		if (lb->sources[lb->nsources])
			id = lb->nsources++;
	}
	pthread_mutex_unlock(&lb->lock);
	/* Past the limit, lines are attributed to memlog rather than lost. */
	return id < 0 ? 0 : id;
}

void logbook_add(logbook *lb, int64_t wall_ns, int source, const char *text, size_t len)
{
	char stamp[MTIME_ISO_LEN + 1];

	pthread_mutex_lock(&lb->lock);
	if (source < 0 || source >= lb->nsources)
		source = lb->own_source;
	if (lb->file && !lb->file_failed) {
		mtime_format_iso(wall_ns, stamp);
		fputs(stamp, lb->file);
		fputc(' ', lb->file);
		fputs(lb->sources[source], lb->file);
		fputc(' ', lb->file);
		fwrite(text, 1, len, lb->file);
		fputc('\n', lb->file);
	}
	logbook_line *slot = &lb->ring[(lb->head + lb->count) % lb->cap];
	if (lb->count == lb->cap) {
		slot = &lb->ring[lb->head];
		lb->head = (lb->head + 1) % lb->cap;
		lb->dropped++;
		free(slot->text);
	} else {
		lb->count++;
	}
	slot->wall_ns = wall_ns;
	slot->source = source;
	slot->text = malloc(len + 1);
	slot->len = slot->text ? len : 0;
	if (slot->text) {
		memcpy(slot->text, text, len);
		slot->text[len] = '\0';
	}
	pthread_mutex_unlock(&lb->lock);
}

void logbook_note(logbook *lb, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t len = (size_t)n < sizeof text ? (size_t)n : sizeof text - 1;
	logbook_add(lb, mtime_wall_ns(), lb->own_source, text, len);
}

/* Cuts the file back to its last whole line, so that a write cut short (a
 * full disk) leaves no half line at its end. */
static void logbook_cut_to_line(int fd)
{
	char buf[4096];
	struct stat st;
	if (fstat(fd, &st) != 0 || st.st_size == 0)
		return;
	off_t end = st.st_size;
	while (end > 0) {
		off_t from = end > (off_t)sizeof buf ? end - (off_t)sizeof buf : 0;
		ssize_t n = pread(fd, buf, (size_t)(end - from), from);
		if (n <= 0)
			return;
		const char *nl = memrchr(buf, '\n', (size_t)n);
		if (nl) {
			if (from + (nl - buf) + 1 < st.st_size && ftruncate(fd, from + (nl - buf) + 1) != 0)
				return;
			return;
		}
		end = from;
	}
	if (ftruncate(fd, 0) != 0)
		return;
}

int logbook_flush(logbook *lb, char *err, size_t errlen)
{
	int rc = 0;
	pthread_mutex_lock(&lb->lock);
	if (lb->file && !lb->file_failed && (fflush(lb->file) != 0 || ferror(lb->file))) {
		snprintf(err, errlen, "%s: cannot write: %s", lb->path, strerror(errno));
		lb->file_failed = true;
		/* What stdio still holds would be written by fclose, cut. */
		__fpurge(lb->file);
		logbook_cut_to_line(fileno(lb->file));
		rc = -1;
	}
	pthread_mutex_unlock(&lb->lock);
	return rc;
}

bool logbook_file_failed(logbook *lb)
{
	pthread_mutex_lock(&lb->lock);
	bool failed = lb->file_failed;
	pthread_mutex_unlock(&lb->lock);
	return failed;
}

size_t logbook_count(logbook *lb)
{
	pthread_mutex_lock(&lb->lock);
	size_t n = lb->count;
	pthread_mutex_unlock(&lb->lock);
	return n;
}

size_t logbook_dropped(logbook *lb)
{
	pthread_mutex_lock(&lb->lock);
	size_t n = lb->dropped;
	pthread_mutex_unlock(&lb->lock);
	return n;
}

void logbook_range(logbook *lb, uint64_t *first, uint64_t *end)
{
	pthread_mutex_lock(&lb->lock);
	*first = lb->dropped;
	*end = lb->dropped + lb->count;
	pthread_mutex_unlock(&lb->lock);
}

int logbook_get(logbook *lb, uint64_t seq, logbook_entry *out)
{
	int rc = -1;
	pthread_mutex_lock(&lb->lock);
	if (seq >= lb->dropped && seq < lb->dropped + lb->count) {
		const logbook_line *l = &lb->ring[(lb->head + (seq - lb->dropped)) % lb->cap];
		*out = (logbook_entry){ .seq = seq, .wall_ns = l->wall_ns, .source = l->source,
		                        .text = l->text ? l->text : "", .len = l->len };
		rc = 0;
	}
	pthread_mutex_unlock(&lb->lock);
	return rc;
}

int logbook_nsources(logbook *lb)
{
	pthread_mutex_lock(&lb->lock);
	int n = lb->nsources;
	pthread_mutex_unlock(&lb->lock);
	return n;
}

const char *logbook_source_name(logbook *lb, int source)
{
	pthread_mutex_lock(&lb->lock);
	const char *name = source >= 0 && source < lb->nsources ? lb->sources[source] : "?";
	pthread_mutex_unlock(&lb->lock);
	return name;
}

void logbook_close(logbook *lb)
{
	if (!lb)
		return;
	if (lb->file)
		fclose(lb->file);
	for (size_t i = 0; i < lb->count; i++)
		free(lb->ring[(lb->head + i) % lb->cap].text);
	for (int i = 0; i < lb->nsources; i++)
		free(lb->sources[i]);
	free(lb->ring);
	free(lb->path);
	pthread_mutex_destroy(&lb->lock);
	free(lb);
}
