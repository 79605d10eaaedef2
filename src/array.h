/* array.h: growing the core's plain arrays (pointer, count, capacity triples). */
#ifndef CTIBOARD_ARRAY_H
#define CTIBOARD_ARRAY_H

#include <stdbool.h>
#include <stddef.h>

/* Grow *array of elements of size elem to hold at least want, doubling; false when out of
 * memory (the array is then as it was). */
bool array_grow(void **array, size_t *cap, size_t want, size_t elem);

#endif
