/* feed.h: the fetch thread. It long-polls the OVH event stream for every token with libcurl
 * and hands each body to ingest_body(). It is the only code that touches the network.
 *
 * The tokens live only in the feed (and in the redaction list); the model and everything
 * written to disk or screen sees the redacted label of each token.
 */
#ifndef CTIBOARD_FEED_H
#define CTIBOARD_FEED_H

#include <stdbool.h>
#include <stddef.h>

#include "settings.h"

struct model;
struct journal;
struct settings;
struct feed;

/* Collect the tokens: CTIBOARD_TOKEN (comma-separated), the token files, the configuration's
 * tokens. A malformed token is an error naming its source and position, never its value.
 * Returns the number of tokens (>= 0), or -1 with err set. */
int feed_load_tokens(const struct settings *s, char tokens[][TOKEN_SIZE], int max, char *err,
                     size_t errsize);

/* The token file read when no other source of tokens is given, and written by 'ctiboard
 * token create': $XDG_CONFIG_HOME/ctiboard/tokens or ~/.config/ctiboard/tokens. */
void feed_default_token_file(char *dst, size_t dstsize);

/* Is host (as libcurl gives it: "[::1]" for IPv6) a loopback address or name? */
bool host_is_loopback(const char *host);

/* Check the URL: https, or http to a loopback host only. */
bool feed_check_url(const char *url, char *err, size_t errsize);

/* Start the fetch thread. curl_global_init must have been called. NULL and err on failure. */
struct feed *feed_start(struct model *m, struct journal *j, const struct settings *s,
                        char tokens[][TOKEN_SIZE], int ntokens, char *err, size_t errsize);

/* Ask the thread to stop (wakes it out of a hold), join it and free everything. */
void feed_stop(struct feed *f); /* NULL is accepted */

#endif
