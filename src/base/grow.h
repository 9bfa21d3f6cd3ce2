/* grow.h: arrays that grow by doubling. */
#ifndef MEMLOG_GROW_H
#define MEMLOG_GROW_H

#include <stdbool.h>
#include <stddef.h>

/* Makes room for need elements of elem bytes in *arr (capacity *cap,
 * doubled from 16 as needed; realloc keeps what is there). false when out
 * of memory or the size would overflow: *arr and *cap are then untouched. */
bool grow_array(void **arr, size_t *cap, size_t need, size_t elem);

/* grow_array for a typed pointer p (an lvalue, evaluated more than once):
 * true when there is room for need elements of *p. */
#define GROW(p, cap, need) __extension__({                                   \
	void *grow_arr_ = (p);                                               \
	bool grow_ok_ = grow_array(&grow_arr_, (cap), (need), sizeof *(p));  \
	(p) = grow_arr_;                                                     \
	grow_ok_;                                                            \
})

#endif
