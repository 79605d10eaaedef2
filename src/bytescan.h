/* bytescan.h: tests on the 8 bytes of a word at once, for the scans of JSON text.
 *
 * For each byte b of a word, (b - k) & ~b & 0x80 is set for some byte iff one byte is below k
 * (k <= 0x80); a byte equal to c is a zero byte of the word xor c. The bits may mark more bytes
 * than the first match, so these only tell whether a word holds one: the caller then looks at
 * its bytes one by one.
 */
#ifndef CTIBOARD_BYTESCAN_H
#define CTIBOARD_BYTESCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define BYTES_ONES  UINT64_C(0x0101010101010101)
#define BYTES_HIGHS UINT64_C(0x8080808080808080)

/* The 8 bytes at p as a word (any alignment). */
static inline uint64_t word_at(const void *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof w);
	return w;
}

/* Is some byte of w below k (k <= 0x80)? */
static inline bool word_has_below(uint64_t w, unsigned char k)
{
	return ((w - BYTES_ONES * k) & ~w & BYTES_HIGHS) != 0;
}

/* Is some byte of w equal to c? */
static inline bool word_has(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ (BYTES_ONES * c);
	return ((x - BYTES_ONES) & ~x & BYTES_HIGHS) != 0;
}

/* The first occurrence of needle (nlen bytes, pivot < nlen) in hay (n bytes), or NULL, as
 * memmem finds it, but looking with memchr for needle[pivot] first: for a key in a line of
 * JSON, a byte much rarer than its opening quote makes the search a few memchr calls. */
static inline const char *bytes_find(const char *hay, size_t n, const char *needle, size_t nlen,
                                     size_t pivot)
{
	if (nlen == 0 || nlen > n)
		return nlen == 0 ? hay : NULL;
	const char *last = hay + (n - nlen); /* the last place needle may start */
	for (const char *p = hay + pivot; p <= last + pivot;) {
		p = memchr(p, needle[pivot], (size_t)(last + pivot - p) + 1);
		if (!p)
			return NULL;
		if (memcmp(p - pivot, needle, nlen) == 0)
			return p - pivot;
		p++;
	}
	return NULL;
}

#endif
