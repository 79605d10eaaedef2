/* series.h: a queue's day per interval (for the charts and the reports), and callers waiting
 * minute by minute over the last hour (for the sparklines).
 *
 * A caller counts in the interval of the day in which they joined the queue, whatever the
 * interval of the answer or the exit: so answered + unanswered never exceed offered in an
 * interval. The interval length is the setting interval_min; a day is cut from its start
 * (day_start_s, shift start included) and has room for 25 hours (a DST day).
 */
#ifndef CTIBOARD_SERIES_H
#define CTIBOARD_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "callbacks.h"

#define SPARK_MINUTES 60

struct interval_counts {
	uint32_t offered, answered, answered_in_sl;
	uint32_t abandoned, short_abandoned, timed_out, left_by_key; /* see callbacks_outcome */
	uint32_t talks;
	int64_t wait_total_s; /* of answered callers */
	int64_t talk_total_s;
	int64_t worst_wait_s; /* answered or not */
};

/* The intervals of one queue's day. */
struct day_series {
	struct interval_counts *slots; /* NULL until something is counted */
	uint32_t nslots;
	uint32_t interval_s;
};

/* Callers waiting, the highest count of each of the last SPARK_MINUTES minutes. */
struct wait_history {
	uint16_t peak[SPARK_MINUTES]; /* indexed by minute % SPARK_MINUTES */
	uint16_t last;                /* the latest count recorded */
	int64_t minute;               /* the newest minute recorded (epoch minutes); 0 none */
};

/* Number of intervals of interval_min minutes in a 25-hour day. */
uint32_t series_slot_count(int interval_min);

/* The interval of a caller who joined at joined_s, counted from day_s (clamped into the day).
 * NULL when out of memory. */
struct interval_counts *series_slot(struct day_series *s, int interval_min, int64_t day_s,
                                    int64_t joined_s);

/* Outcomes, each counted in the caller's interval. */
void series_answered(struct interval_counts *c, int64_t wait_s, int sl_target_s);
void series_left(struct interval_counts *c, int64_t wait_s, enum cb_outcome outcome);

/* Zero the counts (a new day); keeps the memory. */
void series_reset(struct day_series *s);
void series_free(struct day_series *s);

/* Copy src into dst (a reader's copy, reusing its memory); false when out of memory. */
bool series_copy(struct day_series *dst, const struct day_series *src);

/* Sum of the intervals [from, to) into *out. */
void series_sum(const struct day_series *s, uint32_t from, uint32_t to,
                struct interval_counts *out);

struct settings;
struct queue_stats;

/* The figures of stats.h (rates, averages, longest wait) of summed counts, with the same
 * definitions as the console's: abandoned here excludes those who left by key. */
void series_stats(const struct interval_counts *c, const struct settings *s,
                  struct queue_stats *out);

/* Record that `waiting` callers wait at now_s. */
void wait_history_note(struct wait_history *h, int64_t now_s, int waiting);

/* The last n minutes up to now_s, oldest first, into out (0 for minutes with no record). */
void wait_history_last(const struct wait_history *h, int64_t now_s, int n, int *out);

#endif
