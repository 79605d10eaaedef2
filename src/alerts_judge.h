/* alerts_judge.h: the pieces of the alert engine (alerts.c) that its incremental evaluation
 * (alerts_memo.c) shares: judging a subject into a list being built, and the order of a list.
 * Private to the core. */
#ifndef CTIBOARD_ALERTS_JUDGE_H
#define CTIBOARD_ALERTS_JUDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alerts.h"
#include "model.h"
#include "settings.h"
#include "stats.h"

#define DRAFT_MAX 256 /* a text before it is cut to ALERT_TEXT_MAX on a character boundary */

/* A candidate of this evaluation: an alert with the level its figure now calls for. */
struct judged {
	struct alert_list *next; /* the list being built */
	const struct alert_list *prev;
	int64_t now_s;
	bool failed;
	/* the previous list's alerts of the subject judged last: [lo, hi) of prev */
	enum alert_scope seen_scope;
	const char *seen_id;
	size_t lo, hi;
};

/* What the "nobody answering" rule looks at: callers of the last minutes, and answers. */
struct recent_counts {
	bool answered; /* an answer in the window */
	int timed_out; /* callers removed by the queue in the window */
	int offered;   /* callers who entered in the window and waited past the target */
};

/* The order of a list: by scope, id, rule (id NULL: any id; rule ALERT_RULES: any rule). */
int alert_key_compare(enum alert_scope scope, const char *id, enum alert_rule rule,
                      const struct alert *b);

/* The first alert not before (scope, id, rule) in a sorted list. */
size_t alert_lower_bound(const struct alert_list *l, enum alert_scope scope, const char *id,
                         enum alert_rule rule);

bool alert_list_reserve(struct alert_list *l, size_t want);

/* Same level, value, since and text. */
bool alert_same(const struct alert *a, const struct alert *b);

/* Tell hook what fresh (sorted, one per key) raises, changes and clears against list[lo, hi),
 * the alerts of the same subjects judged last time; whether anything differs. */
bool alert_list_diff(const struct alert_list *list, size_t lo, size_t hi,
                     const struct alert_list *fresh, alert_hook_fn *hook, void *ctx);

/* Sort a list judged now and keep one alert per (scope, id, rule), the worse. */
void alert_sort_unique(struct alert_list *l);

/* The rules of a queue's figures (or of all queues' for the total) into j. */
void judge_queue(struct judged *j, enum alert_scope scope, const char *id, const char *kind,
                 const char *name, const struct queue_stats *qs, const struct queue_rules *r,
                 const struct recent_counts *rc);

/* One queue by its rules r (filled in); g gets its recent callers by the general rules.
 * Returns whether it raised anything. */
bool judge_one_queue(struct judged *j, const struct model_state *st, const struct settings *s,
                     const struct queue *q, const struct queue_rules *general, int64_t now_s,
                     struct queue_stats *qs, struct queue_rules *r, struct recent_counts *g);

/* Lines ringing, agents offered (in the queues busy, increasing, or every queue for busy
 * NULL), feeds and the journal. */
void judge_the_rest(struct judged *j, const struct model_state *st, const struct settings *s,
                    int64_t now_ns, const uint32_t *busy, size_t nbusy);

#endif
