/* feedstats.c: counts of events by kind and the feed's latency histograms. */
#include "feedstats.h"

#include <string.h>

#include "clock.h"

const int latency_bucket_ms[LATENCY_BUCKETS] = {50,   100,   250,   500,   1000,  2500,
                                                5000, 10000, 30000, 60000, 120000};

/* Upper bound of fine bucket i in microseconds: 1 ms * 1.25^i, the last one open-ended. */
static int64_t fine_upper_us(int i)
{
	double us = 1000;
	for (int k = 0; k < i; k++)
		us *= 1.25;
	return (int64_t)us;
}

static int fine_bucket(int64_t latency_us)
{
	int i = 0;
	while (i < LATENCY_FINE - 1 && latency_us > fine_upper_us(i))
		i++;
	return i;
}

void feed_stats_note(struct feed_stats *fs, const struct event *ev, bool measure)
{
	fs->by_kind[ev->kind < EV_KIND_COUNT ? ev->kind : EV_UNKNOWN]++;
	if (!measure || ev->timestamp_ns <= 0 || ev->received_ns <= 0)
		return;
	/* an event stamped in the future (a skewed clock) counts as no delay at all */
	int64_t ns = ev->received_ns > ev->timestamp_ns ? ev->received_ns - ev->timestamp_ns : 0;
	for (int i = 0; i < LATENCY_BUCKETS; i++)
		if (ns <= (int64_t)latency_bucket_ms[i] * 1000000)
			fs->latency_le[i]++;
	fs->latency_count++;
	fs->latency_sum_ns += ns;

	int64_t minute = ev->received_ns / (60 * NS_PER_S);
	struct latency_minute *w = &fs->window[minute % LATENCY_WINDOW_MIN];
	if (w->minute != minute) {
		memset(w, 0, sizeof *w);
		w->minute = minute;
	}
	w->count[fine_bucket(ns / 1000)]++;
}

int64_t feed_latency_ms(const struct feed_stats *fs, int64_t now_ns, double q)
{
	uint64_t count[LATENCY_FINE] = {0}, total = 0;
	int64_t now_min = now_ns / (60 * NS_PER_S);
	for (int m = 0; m < LATENCY_WINDOW_MIN; m++) {
		const struct latency_minute *w = &fs->window[m];
		if (w->minute <= now_min - LATENCY_WINDOW_MIN || w->minute > now_min)
			continue;
		for (int i = 0; i < LATENCY_FINE; i++) {
			count[i] += w->count[i];
			total += w->count[i];
		}
	}
	if (total == 0)
		return -1;
	/* the bucket holding the rank, and a linear guess inside it */
	double rank = q * (double)total, seen = 0;
	for (int i = 0; i < LATENCY_FINE; i++) {
		if (count[i] == 0)
			continue;
		if (seen + (double)count[i] >= rank || i == LATENCY_FINE - 1) {
			double lo = i ? (double)fine_upper_us(i - 1) : 0;
			double hi = (double)fine_upper_us(i);
			double frac = (rank - seen) / (double)count[i];
			if (frac < 0)
				frac = 0;
			return (int64_t)((lo + (hi - lo) * frac) / 1000 + 0.5);
		}
		seen += (double)count[i];
	}
	return -1;
}
