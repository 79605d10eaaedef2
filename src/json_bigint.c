/* json_bigint.c: integers too long for a double, quoted before cJSON parses them. */
#include "json_bigint.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bytescan.h"

#define BIG_INTEGER_DIGITS 16

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

char *json_quote_big_integers(const char *json, size_t len, size_t *outlen)
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
		if (c < '0' || c > '9') {
			i++;
			continue;
		}
		size_t start = i;
		while (i < len && json[i] >= '0' && json[i] <= '9')
			i++;
		bool plain = i == len || (json[i] != '.' && json[i] != 'e' && json[i] != 'E');
		/* a run after a sign, a point or an exponent is part of a number that stays one */
		bool whole = start == 0 || !strchr("-+.eE", json[start - 1]);
		if (plain && whole && i - start >= BIG_INTEGER_DIGITS) {
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
