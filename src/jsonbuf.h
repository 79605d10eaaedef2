/* jsonbuf.h: JSON text as cJSON prints it, into a growing buffer.
 *
 * cJSON_PrintUnformatted allocates as it goes, measures every piece again with strlen and
 * escapes each string in two passes; the journal prints an event per line, so these print the
 * same bytes straight into a buffer that is reused. Numbers are still printed by cJSON (its
 * exact format is its own), strings are escaped as cJSON escapes them: quote, backslash and
 * control characters; every other byte is copied as it is.
 */
#ifndef CTIBOARD_JSONBUF_H
#define CTIBOARD_JSONBUF_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jsonbuf {
	char *data; /* NUL-terminated once anything is written */
	size_t len, cap;
	bool failed; /* an allocation failed: the text is incomplete */
};

/* Room for more bytes and a NUL (growing the buffer); false if it cannot grow. */
bool jsonbuf_reserve(struct jsonbuf *b, size_t more);
void jsonbuf_put(struct jsonbuf *b, const char *s, size_t n);
void jsonbuf_free(struct jsonbuf *b);

/* v in decimal, without printf's format parsing and locale. */
void jsonbuf_int(struct jsonbuf *b, int64_t v);

/* s (n bytes) as a quoted JSON string into dst, which has room for 6 * n + 2 bytes. Returns
 * the bytes written (no NUL). */
size_t json_escape(char *dst, const char *s, size_t n);

/* A quoted JSON string; NULL prints as "" (as cJSON prints it). */
void jsonbuf_string(struct jsonbuf *b, const char *s);

/* item (with its children) as cJSON_PrintUnformatted prints it. False for an item cJSON
 * refuses to print (an invalid type, a raw item without text), for a tree deeper than cJSON
 * parses (CJSON_NESTING_LIMIT), or when out of memory. */
bool jsonbuf_value(struct jsonbuf *b, const cJSON *item);

/* One member of an object ("key":value, key NULL for an array's element), preceded by a comma
 * unless first. The separator, the key and a string value are written after one reservation
 * (most members of an event are strings). False as jsonbuf_value. */
bool jsonbuf_member(struct jsonbuf *b, bool first, const char *key, const cJSON *item);

#endif
