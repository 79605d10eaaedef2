/* redact.h: the token is a secret. Everything the program writes (journal, snapshot, messages)
 * shows at most its last four characters.
 */
#ifndef CTIBOARD_REDACT_H
#define CTIBOARD_REDACT_H

#include <stdbool.h>
#include <stddef.h>

/* "...ABCD": the redacted label of a token (dst at least 8 bytes). */
void redact_label(char *dst, size_t dstsize, const char *token);

/* Remember a secret so that redact_text() can scrub it (up to 32 secrets, of 8 to 63 characters). Thread-safe to call
 * before threads start; read-only afterwards. */
void redact_register(const char *secret);

/* Replace, in place, every registered secret found in buf (len bytes) by its redacted form,
 * padded with '*' to keep the length. Returns true if anything was replaced. */
bool redact_text(char *buf, size_t len);

/* Is any secret registered? Without one, redact_text() changes nothing. */
bool redact_any(void);

/* Overwrite a buffer that held a secret, in a way the compiler may not drop. */
void secret_wipe(void *p, size_t n);

/* Does s look like an OVH token (upper- or lower-case GUID, 8-4-4-4-12 hex digits)? */
bool token_is_guid(const char *s);

#endif
