/* text.c: untrusted text made safe for a terminal, phone numbers, locale-proof numbers. */
#include "text.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "bytescan.h"

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Length of the valid UTF-8 sequence at s (n bytes available) and its code point, or 0. */
static size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		len = 2, min = 0x80, c &= 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3, min = 0x800, c &= 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4, min = 0x10000, c &= 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

/* Is this code point a control character, or one that reorders or hides text? */
static int is_unsafe(unsigned cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 ||
	       cp == 0x2029 || cp == 0xFEFF;
}

/* Are the 8 bytes of w printable ASCII: none below 0x20, none 0x7F or above? (Adding 1 to
 * bytes below 0x80 carries into no other byte.) */
static bool word_printable(uint64_t w)
{
	return !word_has_below(w, 0x20) && !((w | (w + BYTES_ONES)) & BYTES_HIGHS);
}

/* Are the n >= 8 bytes at s printable ASCII? Tested a word at a time, the last ending at n. */
static bool all_printable(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i + 8 < n; i += 8)
		if (!word_printable(word_at(s + i)))
			return false;
	return word_printable(word_at(s + n - 8));
}

size_t text_sanitize(char *dst, size_t dstsize, const char *src, size_t srclen)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t out = 0, i = 0;
	if (dstsize == 0)
		return 0;
	if (srclen >= 8 && srclen < dstsize && all_printable(s, srclen)) { /* copied as it is */
		memcpy(dst, src, srclen);
		dst[srclen] = '\0';
		return srclen;
	}
	while (i < srclen && s[i]) {
		if (s[i] >= 0x20 && s[i] < 0x7F) { /* printable ASCII, the common case */
			if (out + 1 >= dstsize)
				break;
			dst[out++] = (char)s[i++];
			continue;
		}
		unsigned cp;
		size_t len = utf8_decode(s + i, srclen - i, &cp);
		const char *piece = (const char *)s + i;
		size_t plen = len;
		if (len == 0) {
			piece = replacement, plen = 3, len = 1;
		} else if (is_unsafe(cp)) {
			piece = " ", plen = 1;
		}
		if (out + plen >= dstsize)
			break;
		memcpy(dst + out, piece, plen);
		out += plen;
		i += len;
	}
	dst[out] = '\0';
	return out;
}

/* Bytes and columns of the character at p (n bytes left); a bad byte counts as one column. */
static size_t char_at(const unsigned char *p, size_t n, int *cols)
{
	unsigned cp;
	size_t len = utf8_decode(p, n, &cp);
	if (len == 0)
		len = 1, cp = '?';
	int w = wcwidth((wchar_t)cp);
	*cols = w < 0 ? 1 : w;
	return len;
}

int text_width(const char *s)
{
	int cols = 0, w;
	size_t n = strlen(s);
	const unsigned char *p = (const unsigned char *)s;
	while (n > 0) {
		size_t len = char_at(p, n, &w);
		cols += w;
		p += len, n -= len;
	}
	return cols;
}

int text_fit(char *dst, size_t dstsize, const char *s, int maxcols)
{
	int cols = 0;
	size_t out = 0, n = strlen(s);
	const unsigned char *p = (const unsigned char *)s;
	if (dstsize == 0)
		return 0;
	while (n > 0) {
		int w;
		size_t len = char_at(p, n, &w);
		if (cols + w > maxcols || out + len >= dstsize)
			break;
		memcpy(dst + out, p, len);
		out += len, cols += w;
		p += len, n -= len;
	}
	dst[out] = '\0';
	return cols;
}

bool text_copy(char *dst, size_t dstsize, const char *src)
{
	size_t n = strlen(src);
	if (dstsize == 0)
		return n == 0;
	if (n >= dstsize) {
		memcpy(dst, src, dstsize - 1);
		dst[dstsize - 1] = '\0';
		return false;
	}
	memcpy(dst, src, n + 1);
	return true;
}

void text_join(char *dst, size_t dstsize, const char *prefix, const char *s)
{
	size_t np = strlen(prefix), ns = strlen(s);
	if (dstsize == 0)
		return;
	if (np >= dstsize)
		np = dstsize - 1;
	if (ns >= dstsize - np)
		ns = dstsize - np - 1;
	memcpy(dst, prefix, np);
	memcpy(dst + np, s, ns);
	dst[np + ns] = '\0';
}

void phone_normalize(char *dst, size_t dstsize, const char *src)
{
	size_t n = 0;
	while (src[n] >= '0' && src[n] <= '9')
		n++;
	/* digits only (the common case), and not a national number: kept as they are */
	if (!src[n] && n > 0 && n < 64 && !(n == 10 && src[0] == '0' && src[1] != '0')) {
		text_join(dst, dstsize, "", src);
		return;
	}
	char digits[64];
	size_t nd = 0;
	bool plus = false, other = false;
	for (const char *p = src; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (nd + 1 < sizeof digits)
				digits[nd++] = *p;
		} else if (*p == '+' && nd == 0) {
			plus = true;
		} else if (*p != ' ' && *p != '.' && *p != '-' && *p != '(' && *p != ')') {
			other = true;
		}
	}
	digits[nd] = '\0';
	if (other || nd == 0) {
		text_sanitize(dst, dstsize, src, strlen(src));
		return;
	}
	if (plus)
		text_join(dst, dstsize, "00", digits);
	else if (nd == 10 && digits[0] == '0' && digits[1] != '0')
		text_join(dst, dstsize, "0033", digits + 1); /* French national number */
	else
		text_join(dst, dstsize, "", digits);
}

char *phone_display(char *dst, size_t dstsize, const char *number)
{
	size_t n = strlen(number);
	bool digits = n > 2;
	for (size_t i = 0; i < n && digits; i++)
		digits = number[i] >= '0' && number[i] <= '9';
	if (!digits || strncmp(number, "00", 2) != 0) {
		text_copy(dst, dstsize, number);
		return dst;
	}
	const char *intl = number + 2;
	if (strncmp(intl, "33", 2) == 0 && strlen(intl) == 11) {
		const char *d = intl + 2;
		snprintf(dst, dstsize, "+33 %c %.2s %.2s %.2s %.2s", d[0], d + 1, d + 3, d + 5,
		         d + 7);
	} else {
		snprintf(dst, dstsize, "+%s", intl);
	}
	return dst;
}

bool parse_int64_digits(const char *s, int64_t *out)
{
	int64_t v = 0;
	if (!s || !*s)
		return false;
	for (int n = 0; s[n]; n++) {
		if (s[n] < '0' || s[n] > '9')
			return false;
		/* 18 digits cannot overflow: the test is for those past them */
		if (n >= 18 && v > (INT64_MAX - (s[n] - '0')) / 10)
			return false;
		v = v * 10 + (s[n] - '0');
	}
	*out = v;
	return true;
}

bool parse_seconds_ns(const char *s, int64_t *out_ns)
{
	char whole[24];
	const char *dot = strchr(s, '.');
	size_t wl = dot ? (size_t)(dot - s) : strlen(s);
	int64_t sec, frac = 0, scale = 1000000000;
	if (wl == 0 || wl >= sizeof whole)
		return false;
	memcpy(whole, s, wl);
	whole[wl] = '\0';
	if (!parse_int64_digits(whole, &sec) || sec > INT64_MAX / 1000000000)
		return false;
	if (dot) {
		const char *f = dot + 1;
		if (!*f)
			return false;
		for (; *f; f++) {
			if (*f < '0' || *f > '9')
				return false;
			if (scale > 1) {
				scale /= 10;
				frac += (*f - '0') * scale;
			}
		}
	}
	/* 9223372036.999999999 passes the check above and is still past INT64_MAX */
	if (sec * 1000000000 > INT64_MAX - frac)
		return false;
	*out_ns = sec * 1000000000 + frac;
	return true;
}

void ascii_fold(char *dst, size_t size, const char *s)
{
	static const char latin1[] =
	    "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTsaaaaaaaceeeeiiiidnooooo/ouuuuyty";
	size_t n = 0;
	if (size == 0)
		return;
	const unsigned char *p = (const unsigned char *)s;
	while (*p && n + 1 < size) {
		if (*p < 0x80) {
			dst[n++] = (char)*p++;
			continue;
		}
		if (*p == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF) {
			dst[n++] = latin1[p[1] - 0x80];
			p += 2;
			continue;
		}
		dst[n++] = '?';
		p++;
		while ((*p & 0xC0) == 0x80)
			p++;
	}
	dst[n] = '\0';
}
