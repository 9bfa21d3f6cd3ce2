/* markers.h: the labelled moments of a recording, shared between the thread
 * that takes them and the view that shows them. */
#ifndef MEMLOG_MARKERS_H
#define MEMLOG_MARKERS_H

#include <stddef.h>
#include <stdint.h>

typedef struct markers markers;

typedef struct markers_item {
	int64_t t_ns;  /* elapsed time of the marked sample */
	char *label;
} markers_item;

markers *markers_new(void);
void markers_free(markers *m);

/* Adds a marker (the label is copied); thread-safe. Returns its number
 * (1 for the first) or 0 when out of memory. */
size_t markers_add(markers *m, int64_t t_ns, const char *label);

size_t markers_count(markers *m);

/* Copies up to max markers, in the order they were added, into out (labels
 * copied into each marker's own storage: free with markers_release). Returns
 * how many were copied. */
size_t markers_copy(markers *m, markers_item *out, size_t max);
void markers_release(markers_item *list, size_t n);

/* Every marker, as markers_copy, into a new array of *n (free the labels
 * with markers_release, then the array); NULL with *n 0 when there are
 * none or no memory. The one rule: every reader takes them all. */
markers_item *markers_copy_all(markers *m, size_t *n);

#endif
