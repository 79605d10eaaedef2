/* series.c: a queue's day per interval, and the last hour of callers waiting. */
#include "series.h"

#include <stdlib.h>
#include <string.h>

#include "stats.h"

uint32_t series_slot_count(int interval_min)
{
	if (interval_min < 1)
		interval_min = 1;
	return (uint32_t)((25 * 60 + interval_min - 1) / interval_min);
}

struct interval_counts *series_slot(struct day_series *s, int interval_min, int64_t day_s,
                                    int64_t joined_s)
{
	uint32_t n = series_slot_count(interval_min);
	if (!s->slots || s->nslots != n) {
		/* first count, or the interval changed: the day starts again in the new cut */
		struct interval_counts *p = calloc(n, sizeof *p);
		if (!p)
			return NULL;
		free(s->slots);
		s->slots = p;
		s->nslots = n;
	}
	s->interval_s = (uint32_t)interval_min * 60;
	int64_t at = joined_s > day_s ? (joined_s - day_s) / s->interval_s : 0;
	if (at >= (int64_t)n)
		at = n - 1;
	return &s->slots[at];
}

void series_answered(struct interval_counts *c, int64_t wait_s, int sl_target_s)
{
	c->answered++;
	c->wait_total_s += wait_s;
	c->answered_in_sl += wait_s <= sl_target_s;
	if (wait_s > c->worst_wait_s)
		c->worst_wait_s = wait_s;
}

void series_left(struct interval_counts *c, int64_t wait_s, enum cb_outcome outcome)
{
	switch (outcome) {
	case CB_ABANDONED: c->abandoned++; break;
	case CB_SHORT_ABANDONED: c->short_abandoned++; break;
	case CB_TIMED_OUT: c->timed_out++; break;
	case CB_LEFT_BY_KEY: c->left_by_key++; break;
	}
	if (wait_s > c->worst_wait_s)
		c->worst_wait_s = wait_s;
}

void series_reset(struct day_series *s)
{
	if (s->slots)
		memset(s->slots, 0, s->nslots * sizeof *s->slots);
}

void series_free(struct day_series *s)
{
	free(s->slots);
	memset(s, 0, sizeof *s);
}

bool series_copy(struct day_series *dst, const struct day_series *src)
{
	if (!src->slots) {
		dst->interval_s = src->interval_s;
		if (dst->slots)
			memset(dst->slots, 0, dst->nslots * sizeof *dst->slots);
		return true;
	}
	if (dst->nslots != src->nslots || !dst->slots) {
		struct interval_counts *p = realloc(dst->slots, src->nslots * sizeof *p);
		if (!p)
			return false;
		dst->slots = p;
		dst->nslots = src->nslots;
	}
	memcpy(dst->slots, src->slots, src->nslots * sizeof *src->slots);
	dst->interval_s = src->interval_s;
	return true;
}

void series_sum(const struct day_series *s, uint32_t from, uint32_t to, struct interval_counts *out)
{
	memset(out, 0, sizeof *out);
	for (uint32_t i = from; s->slots && i < to && i < s->nslots; i++) {
		const struct interval_counts *c = &s->slots[i];
		out->offered += c->offered;
		out->answered += c->answered;
		out->answered_in_sl += c->answered_in_sl;
		out->abandoned += c->abandoned;
		out->short_abandoned += c->short_abandoned;
		out->timed_out += c->timed_out;
		out->left_by_key += c->left_by_key;
		out->talks += c->talks;
		out->wait_total_s += c->wait_total_s;
		out->talk_total_s += c->talk_total_s;
		if (c->worst_wait_s > out->worst_wait_s)
			out->worst_wait_s = c->worst_wait_s;
	}
}

void series_stats(const struct interval_counts *c, const struct settings *s,
                  struct queue_stats *out)
{
	struct queue q;
	memset(&q, 0, sizeof q);
	q.count = 0;
	q.today.offered = c->offered;
	q.today.answered = c->answered;
	q.today.answered_in_sl = c->answered_in_sl;
	q.today.abandoned = c->abandoned;
	q.today.short_abandoned = c->short_abandoned;
	q.today.timed_out = c->timed_out;
	q.today.left_by_key = c->left_by_key;
	q.today.talks = c->talks;
	q.today.wait_total_s = c->wait_total_s;
	q.today.talk_total_s = c->talk_total_s;
	q.today.worst_wait_s = c->worst_wait_s;
	queue_stats(&q, s, 0, out);
}

void wait_history_note(struct wait_history *h, int64_t now_s, int waiting)
{
	int64_t minute = now_s / 60;
	if (minute < h->minute)
		return; /* a late event: the past minutes are written */
	uint16_t w = waiting < 0 ? 0 : waiting > 65535 ? 65535 : (uint16_t)waiting;
	if (minute > h->minute) {
		/* minutes with no record in between had the last count recorded */
		uint16_t carry = h->last;
		int64_t gap = minute - h->minute;
		for (int64_t k = 1; k < gap && k <= SPARK_MINUTES; k++)
			h->peak[(h->minute + k) % SPARK_MINUTES] = carry;
		h->peak[minute % SPARK_MINUTES] = w;
		h->minute = minute;
	} else if (w > h->peak[minute % SPARK_MINUTES]) {
		h->peak[minute % SPARK_MINUTES] = w;
	}
	h->last = w;
}

void wait_history_last(const struct wait_history *h, int64_t now_s, int n, int *out)
{
	int64_t now_min = now_s / 60;
	for (int i = 0; i < n; i++) {
		int64_t minute = now_min - (n - 1 - i);
		if (!h->minute || minute <= h->minute - SPARK_MINUTES || i >= SPARK_MINUTES)
			out[i] = 0;
		else if (minute > h->minute)
			out[i] = h->last; /* nothing recorded since: as it was */
		else
			out[i] = h->peak[minute % SPARK_MINUTES];
	}
}
