/* collate.c: names compared with accents and case folded (see collate.h). */
#include "collate.h"

#include <ctype.h>
#include <string.h>

#include "text.h"

/* The next character of *s as a sort key, moving *s past it: ASCII and Latin-1 letters folded
 * to lower-case ASCII (ascii_fold's table), any other character after every letter, in code
 * point order. */
static unsigned next_key(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	size_t n = 1;
	if (*p >= 0x80)
		while (n < 4 && (p[n] & 0xC0) == 0x80)
			n++;
	*s += n;
	if (*p < 0x80)
		return (unsigned)tolower(*p);
	char one[5], folded[4];
	memcpy(one, p, n);
	one[n] = '\0';
	ascii_fold(folded, sizeof folded, one);
	if (folded[0] != '?')
		return (unsigned)tolower((unsigned char)folded[0]);
	unsigned cp = *p & (0x7Fu >> n);
	for (size_t i = 1; i < n; i++)
		cp = cp << 6 | (p[i] & 0x3Fu);
	return 0x100 + cp;
}

int name_collate(const char *a, const char *b)
{
	const char *pa = a, *pb = b;
	while (*pa && *pb) {
		unsigned ka = next_key(&pa), kb = next_key(&pb);
		if (ka != kb)
			return ka < kb ? -1 : 1;
	}
	if (*pa || *pb)
		return *pa ? 1 : -1;
	return strcmp(a, b);
}
