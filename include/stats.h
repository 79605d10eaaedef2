/* stats.h: the figures a supervisor reads, each defined once (see the help screen and README).
 *
 * Rates are in per-mille (0..1000) so that no floating point is needed to compare them;
 * -1 means "no data yet" (nothing to divide by) and is shown as a dash.
 */
#ifndef CTIBOARD_STATS_H
#define CTIBOARD_STATS_H

#include "model.h"

struct queue_stats {
	int waiting; /* Count of the last count event, else callers waiting in the model */
	int64_t longest_wait_s; /* now - joined of the oldest caller not yet with an agent */
	uint32_t offered, answered, abandoned, short_abandoned, timed_out, left_by_key;
	uint32_t other;       /* offered with no outcome: still waiting, or expired */
	int abandon_rate_pm;  /* abandoned / (answered + abandoned) */
	int service_level_pm; /* see enum sl_formula */
	int64_t avg_wait_s;   /* wait_total / answered; -1 none */
	int64_t avg_talk_s;   /* talk_total / talks; -1 none */
	int64_t worst_wait_s; /* max(worst today, longest now) */
	int agents_on_call;
	int agents_known;
};

/* Figures of one queue at time now. */
void queue_stats(const struct queue *q, const struct settings *s, int64_t now_s,
                 struct queue_stats *out);

/* Figures of all queues together (sums; rates and averages recomputed from the sums). */
/* The rates and averages of counts summed over queues (out holds the live figures already). */
void queue_stats_derive(struct queue_stats *out, const struct queue_today *t,
                        const struct settings *s);

void queue_stats_total(const struct model_state *st, const struct settings *s, int64_t now_s,
                       struct queue_stats *out);

/* One line of text per figure: its name and how it is computed (for help and README). */
struct stat_definition {
	const char *name;
	const char *formula;
};
#define STAT_DEFINITIONS_MAX 16
/* Fill out (max entries) with the definitions in use (they depend on the service-level
 * formula). Returns the count. */
size_t stats_definitions(const struct settings *s, struct stat_definition *out, size_t max);

#endif
