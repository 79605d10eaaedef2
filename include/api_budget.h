/* api_budget.h: the OVH API request budget, so many requests a minute, spread out.
 *
 * A token bucket paces the requests evenly (per_min a minute, after a burst of a tenth of the
 * budget), and the times of the last per_min requests make sure that no 60-second window
 * ever holds more than per_min. No clock of its own: the caller gives the monotonic time.
 */
#ifndef CTIBOARD_API_BUDGET_H
#define CTIBOARD_API_BUDGET_H

#include <stdint.h>

#define API_BUDGET_MAX 600 /* most requests a minute */

struct api_budget {
	int per_min;
	double burst;                    /* bucket size, requests */
	double per_ns;                   /* refill rate, requests per ns */
	double tokens;                   /* requests that may go now */
	int64_t last_ns;                 /* time of the last refill */
	int64_t sent_ns[API_BUDGET_MAX]; /* ring of the last per_min request times */
	int nsent, next;
};

/* A full bucket for per_min requests a minute (2 to API_BUDGET_MAX) at now_ns. */
void api_budget_init(struct api_budget *b, int per_min, int64_t now_ns);

/* How long to wait from now_ns before the next request may go; 0 when it may go now. */
int64_t api_budget_wait_ns(struct api_budget *b, int64_t now_ns);

/* One request goes at now_ns (after api_budget_wait_ns said 0). */
void api_budget_take(struct api_budget *b, int64_t now_ns);

#endif
