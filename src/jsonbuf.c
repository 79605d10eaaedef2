/* jsonbuf.c: compact JSON text of cJSON items, byte for byte as cJSON prints it. */
#include "jsonbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bytescan.h"

#define FIRST_CAP  4096
#define NUMBER_MAX 64 /* cJSON prints a number in at most 26 bytes, and wants 5 more */

/* Grow the buffer to hold more bytes and a NUL. */
static bool grow(struct jsonbuf *b, size_t more)
{
	if (b->failed)
		return false;
	size_t cap = b->cap ? b->cap : FIRST_CAP;
	while (cap - b->len <= more)
		cap *= 2;
	char *data = realloc(b->data, cap);
	if (!data) {
		b->failed = true;
		return false;
	}
	b->data = data;
	b->cap = cap;
	return true;
}

bool jsonbuf_reserve(struct jsonbuf *b, size_t more)
{
	return b->cap - b->len > more || grow(b, more);
}

void jsonbuf_put(struct jsonbuf *b, const char *s, size_t n)
{
	if (!jsonbuf_reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void jsonbuf_int(struct jsonbuf *b, int64_t v)
{
	char digits[24], *p = digits + sizeof digits;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	jsonbuf_put(b, p, (size_t)(digits + sizeof digits - p));
}

void jsonbuf_free(struct jsonbuf *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

/* Does a byte of w need escaping: below 0x20, a quote or a backslash? */
static bool word_needs_escape(uint64_t w)
{
	return word_has_below(w, 0x20) || word_has(w, '"') || word_has(w, '\\');
}

size_t json_escape(char *dst, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	char *o = dst;
	*o++ = '"';
	for (; end - p >= 8 && !word_needs_escape(word_at(p)); p += 8, o += 8)
		memcpy(o, p, 8); /* eight clean bytes at a time */
	while (p < end) {
		unsigned char ch = *p++;
		if (ch >= 0x20 && ch != '"' && ch != '\\') {
			*o++ = (char)ch;
			continue;
		}
		*o++ = '\\';
		switch (ch) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		default:
			*o++ = 'u';
			*o++ = '0';
			*o++ = '0';
			*o++ = hex[ch >> 4];
			*o++ = hex[ch & 15];
		}
	}
	*o++ = '"';
	return (size_t)(o - dst);
}

void jsonbuf_string(struct jsonbuf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (!jsonbuf_reserve(b, 6 * n + 2))
		return;
	b->len += json_escape(b->data + b->len, s ? s : "", n);
	b->data[b->len] = '\0';
}

/* A number through cJSON itself: its format (%d, %1.15g or %1.17g, "null" for NaN) is its own. */
static bool put_number(struct jsonbuf *b, const cJSON *item)
{
	char text[NUMBER_MAX];
	cJSON number = *item; /* cJSON's printer takes a non-const item; a number has no children */
	if (!cJSON_PrintPreallocated(&number, text, sizeof text, false))
		return false;
	jsonbuf_put(b, text, strlen(text));
	return true;
}

/* Before a value: a comma unless first, and the key in an object; then the value itself, or
 * for a container with children its opening bracket (*open set: the caller walks them). One
 * reservation covers the comma, the key and a string value, most members of an event. */
static bool put_item(struct jsonbuf *b, bool comma, const char *key, const cJSON *it, bool *open)
{
	int type = it->type & 0xFF;
	bool text = type == cJSON_String;
	const char *value = text && it->valuestring ? it->valuestring : "";
	size_t kn = key ? strlen(key) : 0, vn = text ? strlen(value) : 0;
	*open = false;
	if (!jsonbuf_reserve(b, 6 * (kn + vn) + 6))
		return false;
	char *o = b->data + b->len;
	if (comma)
		*o++ = ',';
	if (key) {
		o += json_escape(o, key, kn);
		*o++ = ':';
	}
	if (text)
		o += json_escape(o, value, vn);
	*o = '\0';
	b->len = (size_t)(o - b->data);
	switch (type) {
	case cJSON_String: break;
	case cJSON_NULL: jsonbuf_put(b, "null", 4); break;
	case cJSON_False: jsonbuf_put(b, "false", 5); break;
	case cJSON_True: jsonbuf_put(b, "true", 4); break;
	case cJSON_Number: return put_number(b, it) && !b->failed;
	case cJSON_Raw:
		if (!it->valuestring)
			return false;
		jsonbuf_put(b, it->valuestring, strlen(it->valuestring));
		break;
	case cJSON_Array:
	case cJSON_Object:
		*open = it->child != NULL;
		if (*open)
			jsonbuf_put(b, type == cJSON_Array ? "[" : "{", 1);
		else
			jsonbuf_put(b, type == cJSON_Array ? "[]" : "{}", 2);
		break;
	default: return false;
	}
	return !b->failed;
}

/* The key of it inside parent: its name in an object, none in an array. */
static const char *key_in(const cJSON *parent, const cJSON *it)
{
	if ((parent->type & 0xFF) != cJSON_Object)
		return NULL;
	return it->string ? it->string : "";
}

bool jsonbuf_member(struct jsonbuf *b, bool first, const char *key, const cJSON *item)
{
	/* depth first without recursion: the containers open around it are on a stack, as deep
	 * as cJSON parses */
	const cJSON *parents[CJSON_NESTING_LIMIT];
	size_t depth = 0;
	const cJSON *it = item;
	bool open;
	if (!put_item(b, !first, key, it, &open))
		return false;
	for (;;) {
		if (open) {
			if (depth == CJSON_NESTING_LIMIT)
				return false;
			parents[depth++] = it;
			it = it->child;
			if (!put_item(b, false, key_in(parents[depth - 1], it), it, &open))
				return false;
			continue;
		}
		while (depth > 0 && !it->next) {
			it = parents[--depth];
			jsonbuf_put(b, (it->type & 0xFF) == cJSON_Array ? "]" : "}", 1);
		}
		if (depth == 0)
			return !b->failed;
		it = it->next;
		if (!put_item(b, true, key_in(parents[depth - 1], it), it, &open))
			return false;
	}
}

bool jsonbuf_value(struct jsonbuf *b, const cJSON *item)
{
	return jsonbuf_member(b, true, NULL, item);
}
