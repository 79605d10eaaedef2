/* json_bigint.c: integers too long for a double, quoted before cJSON parses them. */
#include "json_bigint.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bytescan.h"

#define BIG_INTEGER_DIGITS 16
#define FAST_RUNS_MAX      32 /* more big integers in one text: the byte-wise scan */

/* The offset just past the closing quote of the string whose body starts at i, or len. A
 * backslash escapes the byte after it; runs without either are skipped a word at a time. */
static size_t string_end(const char *json, size_t len, size_t i)
{
	for (;;) {
		while (len - i >= 8 && !word_has(word_at(json + i), '"') &&
		       !word_has(word_at(json + i), '\\'))
			i += 8;
		while (i < len && json[i] != '"' && json[i] != '\\')
			i++;
		if (i >= len)
			return len;
		if (json[i] == '"')
			return i + 1;
		if (len - i <= 2) /* a backslash at the end escapes nothing left */
			return len;
		i += 2;
	}
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Is the digit run json[start..end), outside any string, an integer to quote: long enough,
 * not followed by a fraction or an exponent, not itself a fraction, an exponent or signed? */
static bool run_is_big_integer(const char *json, size_t len, size_t start, size_t end)
{
	bool plain = end == len || (json[end] != '.' && json[end] != 'e' && json[end] != 'E');
	bool whole = start == 0 || !strchr("-+.eE", json[start - 1]);
	return plain && whole && end - start >= BIG_INTEGER_DIGITS;
}

/* A new buffer of the len bytes of json with quotes around each of the n runs
 * [starts[k], ends[k]) (in order), NUL-terminated. */
static char *copy_quoting(const char *json, size_t len, const size_t *starts, const size_t *ends,
                          size_t n, size_t *outlen)
{
	char *out = malloc(len + 2 * n + 1);
	size_t o = 0, copied = 0; /* json[copied..) is still to be copied */
	if (!out)
		return NULL;
	for (size_t k = 0; k < n; k++) {
		memcpy(out + o, json + copied, starts[k] - copied);
		o += starts[k] - copied;
		out[o++] = '"';
		memcpy(out + o, json + starts[k], ends[k] - starts[k]);
		o += ends[k] - starts[k];
		out[o++] = '"';
		copied = ends[k];
	}
	memcpy(out + o, json + copied, len - copied);
	o += len - copied;
	out[o] = '\0';
	*outlen = o;
	return out;
}

char *json_quote_big_integers_bytewise(const char *json, size_t len, size_t *outlen)
{
	/* every quoted number grows by 2 bytes and has at least 16 digits */
	char *out = malloc(len + len / 8 + 2);
	size_t o = 0, copied = 0; /* json[copied..i) is still to be copied */
	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		char c = json[i];
		if (c == '"') {
			i = string_end(json, len, i + 1);
			continue;
		}
		if (!is_digit(c)) {
			i++;
			continue;
		}
		size_t start = i;
		while (i < len && is_digit(json[i]))
			i++;
		if (run_is_big_integer(json, len, start, i)) {
			memcpy(out + o, json + copied, start - copied);
			o += start - copied;
			out[o++] = '"';
			memcpy(out + o, json + start, i - start);
			o += i - start;
			out[o++] = '"';
			copied = i;
		}
	}
	memcpy(out + o, json + copied, len - copied);
	o += len - copied;
	out[o] = '\0';
	*outlen = o;
	return out;
}

/* Are the 8 bytes of w all ASCII digits? Each byte's high nibble is 3 and adding 6 to it does
 * not carry into that nibble (a low nibble of 0 to 9). */
static bool word_all_digits(uint64_t w)
{
	const uint64_t high = BYTES_ONES * 0xF0, three = BYTES_ONES * 0x30;
	return (w & high) == three && ((w + BYTES_ONES * 6) & high) == three;
}

/* Bit 7 of each byte of w is clear where the byte equals c, set elsewhere (exactly: no borrow
 * marks a byte past a match); the other bits are noise. */
static uint64_t word_ne_bits(uint64_t w, unsigned char c)
{
	const uint64_t low7 = ~BYTES_HIGHS;
	uint64_t x = w ^ (BYTES_ONES * c);
	return ((x & low7) + low7) | x;
}

/* Is the number of bytes of m with bit 7 set odd? */
static bool odd_bits(uint64_t m)
{
	m &= BYTES_HIGHS;
	m ^= m >> 32;
	m ^= m >> 16;
	m ^= m >> 8;
	return (m >> 7) & 1;
}

char *json_quote_big_integers(const char *json, size_t len, size_t *outlen)
{
	/* Without a backslash, a quote outside a string opens one and the next closes it: whether
	 * a byte is in a string is the parity of the quotes before it. A run of 16 digits or more
	 * holds a whole word of 8 digits at a multiple of 8, so only such words are looked at
	 * closer; the quotes of the others are counted, a word at a time. */
	if (memchr(json, '\\', len))
		return json_quote_big_integers_bytewise(json, len, outlen);
	size_t starts[FAST_RUNS_MAX], ends[FAST_RUNS_MAX], n = 0, done = 0;
	/* the bits of the bytes other than a quote, xor-ed over the words so far: as there are 8
	 * bytes a word, their count has the parity of the quotes' */
	uint64_t others = 0;
	for (size_t i = 0; i + 8 <= len; i += 8) {
		uint64_t w = word_at(json + i);
		if (!word_all_digits(w)) {
			others ^= word_ne_bits(w, '"');
			continue;
		}
		if (i < done || odd_bits(others)) /* the rest of a run seen, or in a string */
			continue;
		size_t start = i, end = i + 8;
		while (start > 0 && is_digit(json[start - 1]))
			start--;
		while (end < len && is_digit(json[end]))
			end++;
		done = end;
		if (!run_is_big_integer(json, len, start, end))
			continue;
		if (n == FAST_RUNS_MAX)
			return json_quote_big_integers_bytewise(json, len, outlen);
		starts[n] = start, ends[n] = end, n++;
	}
	return copy_quoting(json, len, starts, ends, n, outlen);
}
