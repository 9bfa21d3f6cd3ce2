/* markers.h: the labelled moments of a recording, shared between the thread
 * that takes them and the view that shows them. */
#ifndef MEMLOG_MARKERS_H
#define MEMLOG_MARKERS_H

#include <stddef.h>
#include <stdint.h>

typedef struct markers markers;

/* The longest label, in bytes: a longer one is cut at a character's start. */
#define MARKERS_LABEL_MAX 120

/* A label out of text from anywhere (a key, a log line, a script, a
 * socket): [s, s + len) up to its first newline (CR, LF or NUL), cut at
 * MARKERS_LABEL_MAX bytes, written to out (MARKERS_LABEL_MAX + 1 bytes).
 * Everything else is kept as it came (commas, quotes, controls): the CSV
 * writer quotes it and every display escapes it. Returns its length. */
size_t markers_label(const char *s, size_t len, char *out);

typedef struct markers_item {
	int64_t t_ns;  /* elapsed time of the marked sample */
	char *label;
} markers_item;

/* The number of the next numbered marker ("M<k>", as the key m makes
 * them): one past the highest k among the n markers of list. */
int markers_next_number(const markers_item *list, size_t n);

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

/* As markers_copy, from the marker at index from on (markers are only ever
 * added: a reader that holds the first ones copies just the new). */
size_t markers_copy_from(markers *m, size_t from, markers_item *out, size_t max);
void markers_release(markers_item *list, size_t n);

/* Every marker, as markers_copy, into a new array of *n (free the labels
 * with markers_release, then the array); NULL with *n 0 when there are
 * none or no memory. The one rule: every reader takes them all. */
markers_item *markers_copy_all(markers *m, size_t *n);

#endif
