/* backoff.c: the retry delays of a feed connection, and when its failures are forgotten. */
#include "backoff.h"

void backoff_failed(struct backoff *b)
{
	if (b->failures < 1000)
		b->failures++;
	b->healthy_since_ns = 0;
}

void backoff_refused(struct backoff *b)
{
	b->healthy_since_ns = 0;
}

void backoff_succeeded(struct backoff *b, int64_t now_ns, int64_t healthy_reset_ns)
{
	if (!b->healthy_since_ns)
		b->healthy_since_ns = now_ns;
	if (now_ns - b->healthy_since_ns >= healthy_reset_ns)
		b->failures = 0;
}

int64_t backoff_delay_ms(int64_t base_ms, int64_t cap_ms, int failures, uint64_t random)
{
	int64_t base = base_ms > 0 ? base_ms : 1;
	int64_t cap = cap_ms > base ? cap_ms : base;
	int shift = failures < 1 ? 1 : failures > 30 ? 30 : failures;
	int64_t ceiling = base << shift;
	if (ceiling > cap || ceiling < base)
		ceiling = cap;
	return base + (int64_t)(random % (uint64_t)(ceiling - base + 1));
}
