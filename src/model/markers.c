/* markers.c: a mutex-protected list of labelled moments: the sampler adds,
 * the view copies them out to draw without holding the lock. */
#include "model/markers.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct markers {
	pthread_mutex_t lock;
	markers_item *list;
	size_t n, cap;
};

markers *markers_new(void)
{
	markers *m = calloc(1, sizeof *m);
	if (m)
		pthread_mutex_init(&m->lock, NULL);
	return m;
}

void markers_free(markers *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->list[i].label);
	free(m->list);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

size_t markers_label(const char *s, size_t len, char *out)
{
	size_t n = 0;
	while (n < len && s[n] != '\n' && s[n] != '\r' && s[n] != '\0')
		n++;
	if (n > MARKERS_LABEL_MAX) {
		n = MARKERS_LABEL_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(out, s, n);
	out[n] = '\0';
	return n;
}

int markers_next_number(const markers_item *list, size_t n)
{
	long top = 0;
	for (size_t i = 0; i < n; i++) {
		const char *l = list[i].label;
		char *end;
		if (l[0] != 'M' || l[1] < '1' || l[1] > '9')
			continue;
		long k = strtol(l + 1, &end, 10);
		if (*end == '\0' && k > top && k < 1000000000)
			top = k;
	}
	return (int)top + 1;
}

size_t markers_add(markers *m, int64_t t_ns, const char *label)
{
	size_t id = 0;
	char *copy = strdup(label ? label : "");
	if (!copy)
		return 0;
	pthread_mutex_lock(&m->lock);
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		markers_item *grown = realloc(m->list, cap * sizeof *grown);
		if (grown) {
			m->list = grown;
			m->cap = cap;
		}
	}
	if (m->n < m->cap) {
		m->list[m->n] = (markers_item){ .t_ns = t_ns, .label = copy };
		id = ++m->n;
		copy = NULL;
	}
	pthread_mutex_unlock(&m->lock);
	free(copy);
	return id;
}

size_t markers_count(markers *m)
{
	pthread_mutex_lock(&m->lock);
	size_t n = m->n;
	pthread_mutex_unlock(&m->lock);
	return n;
}

size_t markers_copy_from(markers *m, size_t from, markers_item *out, size_t max)
{
	size_t k = 0;
	pthread_mutex_lock(&m->lock);
	for (; from + k < m->n && k < max; k++) {
		out[k].t_ns = m->list[from + k].t_ns;
		out[k].label = strdup(m->list[from + k].label);
	}
	pthread_mutex_unlock(&m->lock);
	return k;
}

size_t markers_copy(markers *m, markers_item *out, size_t max)
{
	return markers_copy_from(m, 0, out, max);
}

markers_item *markers_copy_all(markers *m, size_t *n)
{
	*n = 0;
	/* Counted, then copied: one added between the two waits for the next. */
	size_t want = m ? markers_count(m) : 0;
	markers_item *list = want ? calloc(want, sizeof *list) : NULL;
	if (list)
		*n = markers_copy(m, list, want);
	return list;
}

void markers_release(markers_item *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i].label);
}
