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

#endif
