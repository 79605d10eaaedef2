/* api_budget.c: a token bucket for the pace, a ring of times for the hard cap. */
#include "api_budget.h"

#define MINUTE_NS INT64_C(60000000000)

void api_budget_init(struct api_budget *b, int per_min, int64_t now_ns)
{
	if (per_min < 2)
		per_min = 2;
	if (per_min > API_BUDGET_MAX)
		per_min = API_BUDGET_MAX;
	b->per_min = per_min;
	int tenth = per_min / 10;
	b->burst = tenth > 1 ? (double)tenth : 1.0;
	b->per_ns = (double)per_min / (double)MINUTE_NS;
	b->tokens = b->burst;
	b->last_ns = now_ns;
	b->nsent = b->next = 0;
}

static void refill(struct api_budget *b, int64_t now_ns)
{
	if (now_ns <= b->last_ns)
		return;
	b->tokens += (double)(now_ns - b->last_ns) * b->per_ns;
	if (b->tokens > b->burst)
		b->tokens = b->burst;
	b->last_ns = now_ns;
}

int64_t api_budget_wait_ns(struct api_budget *b, int64_t now_ns)
{
	int64_t wait = 0;
	refill(b, now_ns);
	if (b->tokens < 1.0) /* rounded up: waiting this long always gives a whole request */
		wait = (int64_t)((1.0 - b->tokens) / b->per_ns) + 1;
	if (b->nsent == b->per_min) {
		/* the oldest of the last per_min must be more than a minute old */
		int64_t free_at = b->sent_ns[b->next] + MINUTE_NS + 1;
		if (free_at - now_ns > wait)
			wait = free_at - now_ns;
	}
	return wait;
}

void api_budget_take(struct api_budget *b, int64_t now_ns)
{
	refill(b, now_ns);
	b->tokens -= 1.0;
	b->sent_ns[b->next] = now_ns;
	b->next = (b->next + 1) % b->per_min;
	if (b->nsent < b->per_min)
		b->nsent++;
}
