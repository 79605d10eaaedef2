/* json_bigint.h: JSON text whose long integers keep their digits through cJSON. */
#ifndef CTIBOARD_JSON_BIGINT_H
#define CTIBOARD_JSON_BIGINT_H

#include <stddef.h>

/* Copy len bytes of JSON into a new NUL-terminated buffer in which every bare integer of 16
 * digits or more is turned into a string ("Timestamp":"1764151200123456789"), so that cJSON,
 * which holds numbers as doubles, keeps their digits. *outlen gets the new length; NULL when
 * out of memory. */
char *json_quote_big_integers(const char *json, size_t len, size_t *outlen);

/* The same, found by a scan of every byte: what json_quote_big_integers() does for a text with
 * a backslash, and the reference its tests and fuzz target compare it with. */
char *json_quote_big_integers_bytewise(const char *json, size_t len, size_t *outlen);

#endif
