/* feedstats.h: what the program measures about the events it receives: how many of each kind,
 * and the feed's latency (an event's Timestamp to its reception), as a histogram since start
 * for monitoring and per minute for the median and 95th percentile of the last minutes.
 *
 * struct feed_stats is plain data kept in the model's state (model.h), written under the
 * model's lock by model_apply() and copied with the rest of the state by model_view().
 */
#ifndef CTIBOARD_FEEDSTATS_H
#define CTIBOARD_FEEDSTATS_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"

/* Upper bounds of the monitoring histogram's buckets, in milliseconds (+Inf is implied). */
#define LATENCY_BUCKETS 11
extern const int latency_bucket_ms[LATENCY_BUCKETS];

#define LATENCY_WINDOW_MIN 5  /* the percentiles cover this many minutes */
#define LATENCY_FINE       56 /* fine buckets, each 1.25 times wider than the one before */

struct latency_minute {
	int64_t minute; /* wall-clock minute (reception time / 60 s) these counts belong to */
	uint32_t count[LATENCY_FINE];
};

struct feed_stats {
	uint64_t by_kind[EV_KIND_COUNT]; /* events applied, by kind (EV_UNKNOWN for the rest) */
	/* monitoring histogram since start: cumulative counts as Prometheus wants them */
	uint64_t latency_le[LATENCY_BUCKETS]; /* events with latency <= latency_bucket_ms[i] */
	uint64_t latency_count;
	int64_t latency_sum_ns;
	struct latency_minute window[LATENCY_WINDOW_MIN];
};

/* Count an applied event; its latency too when measure is set (live feeds: a replayed
 * journal's old receptions say nothing about the feed now). */
void feed_stats_note(struct feed_stats *fs, const struct event *ev, bool measure);

/* Latency of the events received in the last LATENCY_WINDOW_MIN minutes before now_ns, at
 * quantile q (0.5 median, 0.95), in milliseconds; -1 when none was measured. */
int64_t feed_latency_ms(const struct feed_stats *fs, int64_t now_ns, double q);

#endif
