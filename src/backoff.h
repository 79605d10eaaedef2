/* backoff.h: when to try again after a failed poll.
 *
 * Capped exponential backoff with full jitter, floored at the base. The count of failures is
 * forgotten only once a connection has stayed healthy for a while, so that a link that flaps
 * keeps its long delays. No clock and no randomness of its own: the caller gives both.
 */
#ifndef CTIBOARD_BACKOFF_H
#define CTIBOARD_BACKOFF_H

#include <stdint.h>

struct backoff {
	int failures;             /* consecutive failures */
	int64_t healthy_since_ns; /* first success since the last failure or refusal; 0 none */
};

/* A failed attempt: one failure more, and the healthy run is over. */
void backoff_failed(struct backoff *b);

/* A refusal that has a delay of its own (a rejected token): the healthy run is over, the
 * count of failures stays as it is. */
void backoff_refused(struct backoff *b);

/* A success at now_ns (monotonic, > 0): once successes have lasted healthy_reset_ns, the
 * failures are forgotten. */
void backoff_succeeded(struct backoff *b, int64_t now_ns, int64_t healthy_reset_ns);

/* The delay after failures consecutive failures, uniform in [base, min(cap, base * 2^n)]
 * (n at least 1) according to random (any 64-bit value). */
int64_t backoff_delay_ms(int64_t base_ms, int64_t cap_ms, int failures, uint64_t random);

#endif
