/* names.h: a names file (CSV "number,name") to show names instead of numbers.
 * Loaded once at start-up, read-only afterwards: readers need no lock.
 */
#ifndef CTIBOARD_NAMES_H
#define CTIBOARD_NAMES_H

#include <stdbool.h>
#include <stddef.h>

struct names;

/* Load path. On error, err says "FILE:LINE: what" and NULL is returned. */
struct names *names_load(const char *path, char *err, size_t errsize);
void names_free(struct names *n); /* NULL is accepted */

/* The name of a canonical number, or NULL (n may be NULL). */
const char *names_lookup(const struct names *n, const char *number);

/* A party for display: the name if known, else the number as "+33 9 72 ...". Returns dst. */
char *names_display(const struct names *n, const char *number, char *dst, size_t dstsize);

#endif
