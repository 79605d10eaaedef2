/* array.c: growing the core's plain arrays. */
#include "array.h"

#include <stdlib.h>

bool array_grow(void **array, size_t *cap, size_t want, size_t elem)
{
	if (want <= *cap)
		return true;
	size_t n = *cap ? *cap : 8;
	while (n < want)
		n *= 2;
	void *p = realloc(*array, n * elem);
	if (!p)
		return false;
	*array = p;
	*cap = n;
	return true;
}
