/* grow.c: arrays that grow by doubling (grow.h). */
#include "base/grow.h"

#include <stdint.h>
#include <stdlib.h>

bool grow_array(void **arr, size_t *cap, size_t need, size_t elem)
{
	if (*arr && *cap >= need)
		return true;
	size_t ncap = *cap ? *cap : 16;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / elem)
			return false;
		ncap *= 2;
	}
	void *na = realloc(*arr, ncap * elem);
	if (!na)
		return false;
	*arr = na;
	*cap = ncap;
	return true;
}
