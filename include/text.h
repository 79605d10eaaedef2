/* text.h: untrusted text made safe for a terminal, and phone numbers for display.
 *
 * Everything that arrives from the network passes through text_sanitize() once, at ingest.
 * After that, every string in the model is valid UTF-8 with no control characters and fits
 * its buffer, so the UI may print it as it is.
 */
#ifndef CTIBOARD_TEXT_H
#define CTIBOARD_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Copy src (srclen bytes, NUL not required) into dst (dstsize bytes, always NUL-terminated):
 * C0 and C1 controls, DEL and ESC become a space, invalid UTF-8 becomes U+FFFD, and the copy
 * stops at a character boundary when dst is full. Returns the number of bytes written. */
size_t text_sanitize(char *dst, size_t dstsize, const char *src, size_t srclen);

/* Number of terminal columns the (sanitised, valid UTF-8) string takes. */
int text_width(const char *s);

/* Copy at most maxcols columns of s into dst (dstsize bytes), on a character boundary.
 * Returns the columns used. */
int text_fit(char *dst, size_t dstsize, const char *s, int maxcols);

/* ASCII form of a sanitised UTF-8 string, for a terminal that is not UTF-8: Latin-1 letters
 * lose their accent, anything else outside ASCII becomes '?'. */
void ascii_fold(char *dst, size_t dstsize, const char *s);

/* Bounded copy that always terminates dst; returns true when src fitted whole. */
bool text_copy(char *dst, size_t dstsize, const char *src);

/* prefix then s into dst, cut to fit as snprintf("%s%s") would cut it, without its format
 * parsing. */
void text_join(char *dst, size_t dstsize, const char *prefix, const char *s);

/* Canonical form of a phone number for matching: digits only, international numbers as
 * 00<country><number>: "+33 6 12 ..." and "0033612..." both give "0033612...". A national
 * French number "06..." becomes "00336...". Other text is kept as sanitised text. */
void phone_normalize(char *dst, size_t dstsize, const char *src);

/* Human form of a canonical number: "0033972101010" -> "+33 9 72 10 10 10". Numbers that are
 * not French are shown as "+<digits>". Returns dst. */
char *phone_display(char *dst, size_t dstsize, const char *number);

/* Parse a non-negative decimal integer made only of digits (no sign, no spaces) into *out.
 * Locale-proof, overflow-checked. */
bool parse_int64_digits(const char *s, int64_t *out);

/* Parse "1564687684.230" (seconds with an optional fraction) into nanoseconds. Locale-proof. */
bool parse_seconds_ns(const char *s, int64_t *out_ns);

#endif
