/*
 * logbook.c: every line memlog saw while recording, kept in a bounded ring in
 * memory (for the view) and handed, stamped with its arrival time and
 * source, to the sink (the recording's .log, which keeps them all).
 */
#include "model/logbook.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mtime.h"

#define LOGBOOK_MAX_SOURCES 64
#define LOGBOOK_FILE_PREFIX "file:"

typedef struct logbook_line {
	int64_t wall_ns;
	int source;
	size_t len;
	char *text;
} logbook_line;

struct logbook {
	pthread_mutex_t lock;
	logbook_sink sink;
	void *sink_ctx;
	char *sources[LOGBOOK_MAX_SOURCES];
	int nsources;
	int own_source;
	logbook_line *ring;
	size_t cap, head, count, dropped;
};

logbook *logbook_open(size_t max_lines)
{
	logbook *lb = calloc(1, sizeof *lb);
	if (!lb || max_lines == 0 || !(lb->ring = calloc(max_lines, sizeof *lb->ring))) {
		free(lb);
		return NULL;
	}
	lb->cap = max_lines;
	pthread_mutex_init(&lb->lock, NULL);
	lb->own_source = logbook_source(lb, "memlog");
	return lb;
}

void logbook_set_sink(logbook *lb, logbook_sink sink, void *ctx)
{
	pthread_mutex_lock(&lb->lock);
	lb->sink = sink;
	lb->sink_ctx = ctx;
	pthread_mutex_unlock(&lb->lock);
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

int logbook_file_source(logbook *lb, const char *path)
{
	const char *base = strrchr(path, '/');
	char name[256];
	base = base && base[1] ? base + 1 : path;
	size_t n = (size_t)snprintf(name, sizeof name, LOGBOOK_FILE_PREFIX "%s", base);
	for (size_t i = strlen(LOGBOOK_FILE_PREFIX); i < n && i < sizeof name; i++)
		if ((unsigned char)name[i] <= ' ' || name[i] == 0x7f)
			name[i] = '_';
	return logbook_source(lb, name);
}

const char *logbook_file_of(const char *source_name)
{
	size_t k = strlen(LOGBOOK_FILE_PREFIX);
	return strncmp(source_name, LOGBOOK_FILE_PREFIX, k) == 0 ? source_name + k : NULL;
}

void logbook_add(logbook *lb, int64_t wall_ns, int source, const char *text, size_t len)
{
	pthread_mutex_lock(&lb->lock);
	if (source < 0 || source >= lb->nsources)
		source = lb->own_source;
	if (lb->sink)
		lb->sink(lb->sink_ctx, wall_ns, lb->sources[source], text, len);
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
	for (size_t i = 0; i < lb->count; i++)
		free(lb->ring[(lb->head + i) % lb->cap].text);
	for (int i = 0; i < lb->nsources; i++)
		free(lb->sources[i]);
	free(lb->ring);
	pthread_mutex_destroy(&lb->lock);
	free(lb);
}
