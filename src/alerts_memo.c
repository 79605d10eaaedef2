/* alerts_memo.c: the alerts judged again only where something changed: the queues an event
 * touched, those whose callers' waits grow, those whose recent-callers window moves (a heap of
 * due seconds), the total from each queue's kept share, the list changed subject by subject. */
#include "alerts.h"

#include <stdlib.h>
#include <string.h>

#include "alerts_judge.h"
#include "array.h"
#include "clock.h"
#include "model.h"
#include "stats.h"

/* ---- the memo: judging what changed ---- */

enum { MEMO_LISTED = 1 };

/* What one queue adds to the "All queues" figures, as of its last judgement. */
struct alert_share {
	struct queue_today today;
	int waiting, agents_on_call, agents_known;
	int answered, timed_out, offered; /* its callers of the general window (recent_counts) */
};

/* A queue to judge again at a second of the clock, when time alone changes its judgement. */
struct alert_due {
	int64_t at_s;
	uint32_t queue;
};

struct alert_memo {
	bool all;           /* judge every queue next time */
	int64_t last_now_s; /* of the last evaluation: a clock going back judges everything */
	size_t cap;         /* queue positions the arrays cover */
	uint8_t *flags;     /* per queue: MEMO_LISTED (in todo), MEMO_HOT */
	struct alert_share *shares;
	uint32_t *todo; /* positions to judge next time, each once */
	size_t ntodo, cap_todo;
	uint32_t *spare; /* the list being judged, kept for its memory */
	size_t cap_spare;
	int64_t *due_s;         /* per queue: when it is due in the heap; 0 not due */
	struct alert_due *heap; /* a min-heap on at_s; an entry that is not due_s[queue] is stale */
	size_t nheap, cap_heap;
	struct alert_share sum;  /* the shares added up (worst_wait_s: their maximum) */
	struct alert_list fresh; /* a subject's alerts judged now, before they go into the list */
};

struct alert_memo *alerts_memo_new(void)
{
	struct alert_memo *memo = calloc(1, sizeof *memo);
	if (memo)
		memo->all = true; /* nothing known yet */
	return memo;
}

void alerts_memo_free(struct alert_memo *memo)
{
	if (!memo)
		return;
	free(memo->flags);
	free(memo->shares);
	free(memo->todo);
	free(memo->spare);
	free(memo->due_s);
	free(memo->heap);
	free(memo->fresh.items);
	free(memo);
}

void alerts_memo_all(struct alert_memo *memo)
{
	memo->all = true;
}

/* Room for queue positions below n; false (and everything judged next time) without memory. */
static bool memo_cover(struct alert_memo *memo, size_t n)
{
	if (n <= memo->cap)
		return true;
	size_t want = memo->cap ? memo->cap : 64;
	while (want < n)
		want *= 2;
	uint8_t *flags = realloc(memo->flags, want);
	if (flags)
		memo->flags = flags;
	struct alert_share *shares = realloc(memo->shares, want * sizeof *shares);
	if (shares)
		memo->shares = shares;
	int64_t *due_s = realloc(memo->due_s, want * sizeof *due_s);
	if (due_s)
		memo->due_s = due_s;
	if (!flags || !shares || !due_s) {
		memo->all = true;
		return false;
	}
	memset(flags + memo->cap, 0, want - memo->cap);
	memset(shares + memo->cap, 0, (want - memo->cap) * sizeof *shares);
	memset(due_s + memo->cap, 0, (want - memo->cap) * sizeof *due_s);
	memo->cap = want;
	return true;
}

/* Put a queue on the list to judge next time, once. */
static void memo_list(struct alert_memo *memo, size_t queue)
{
	if (memo->all || !memo_cover(memo, queue + 1) || (memo->flags[queue] & MEMO_LISTED))
		return;
	if (!array_grow((void **)&memo->todo, &memo->cap_todo, memo->ntodo + 1,
	                sizeof *memo->todo)) {
		memo->all = true;
		return;
	}
	memo->todo[memo->ntodo++] = (uint32_t)queue;
	memo->flags[queue] |= MEMO_LISTED;
}

void alerts_memo_touch(struct alert_memo *memo, size_t queue)
{
	memo_list(memo, queue);
}

static void share_add(struct alert_share *sum, const struct alert_share *s, int sign)
{
	uint32_t u = (uint32_t)sign; /* unsigned counts wrap back exactly when taken away */
	sum->today.offered += u * s->today.offered;
	sum->today.answered += u * s->today.answered;
	sum->today.answered_in_sl += u * s->today.answered_in_sl;
	sum->today.abandoned += u * s->today.abandoned;
	sum->today.short_abandoned += u * s->today.short_abandoned;
	sum->today.timed_out += u * s->today.timed_out;
	sum->today.left_by_key += u * s->today.left_by_key;
	sum->today.talks += u * s->today.talks;
	sum->today.wait_total_s += sign * s->today.wait_total_s;
	sum->today.talk_total_s += sign * s->today.talk_total_s;
	sum->waiting += sign * s->waiting;
	sum->agents_on_call += sign * s->agents_on_call;
	sum->agents_known += sign * s->agents_known;
	sum->answered += sign * s->answered;
	sum->timed_out += sign * s->timed_out;
	sum->offered += sign * s->offered;
	if (sign > 0 && s->today.worst_wait_s > sum->today.worst_wait_s)
		sum->today.worst_wait_s = s->today.worst_wait_s; /* grows within a day */
}

/* The first second after now_s at which the "nobody answering" counts of rules r can change
 * (a caller or an answer entering or leaving the window), or 0 when none will. */
static int64_t window_due(const struct queue *q, const struct queue_rules *r, int64_t now_s)
{
	if (r->alert_nobody_min <= 0)
		return 0;
	int64_t w = (int64_t)r->alert_nobody_min * 60, due = 0;
#define AT(t)                                                                                      \
	do {                                                                                       \
		int64_t at_ = (t);                                                                 \
		if (at_ > now_s && (!due || at_ < due))                                            \
			due = at_;                                                                 \
	} while (0)
	if (q->recent.answered_s)
		AT(q->recent.answered_s + w + 1);
	for (int i = 0; i < QUEUE_RECENT_MAX; i++) {
		int64_t t = q->recent.timed_out_s[i];
		if (t) {
			AT(t);
			AT(t + w + 1);
		}
		t = q->recent.joined_s[i];
		if (t) {
			AT(t + r->sl_target_s);
			AT(t + w + 1);
		}
	}
#undef AT
	return due;
}

static void heap_swap(struct alert_due *h, size_t a, size_t b)
{
	struct alert_due t = h[a];
	h[a] = h[b];
	h[b] = t;
}

/* Judge the queue again at at_s. */
static void memo_due(struct alert_memo *memo, size_t queue, int64_t at_s)
{
	memo->due_s[queue] = at_s;
	if (!at_s)
		return;
	if (!array_grow((void **)&memo->heap, &memo->cap_heap, memo->nheap + 1,
	                sizeof *memo->heap)) {
		memo->all = true;
		return;
	}
	struct alert_due *h = memo->heap;
	size_t i = memo->nheap++;
	h[i] = (struct alert_due){at_s, (uint32_t)queue};
	while (i && h[(i - 1) / 2].at_s > h[i].at_s) {
		heap_swap(h, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

/* Take the earliest entry of the heap. */
static struct alert_due memo_pop(struct alert_memo *memo)
{
	struct alert_due *h = memo->heap, top = h[0];
	h[0] = h[--memo->nheap];
	for (size_t i = 0;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < memo->nheap && h[l].at_s < h[m].at_s)
			m = l;
		if (r < memo->nheap && h[r].at_s < h[m].at_s)
			m = r;
		if (m == i)
			break;
		heap_swap(h, i, m);
		i = m;
	}
	return top;
}

/* ---- the incremental evaluation ---- */

/* Put fresh (sorted, one per key) in the place of list[lo, hi), the alerts of the same subjects
 * judged last time, telling hook what was raised, changed and cleared. Returns whether anything
 * differs; false too (nothing done) when memory runs out, with *failed set. */
static bool splice(struct alert_list *list, size_t lo, size_t hi, const struct alert_list *fresh,
                   alert_hook_fn *hook, void *ctx, bool *failed)
{
	bool changed = alert_list_diff(list, lo, hi, fresh, hook, ctx);
	if (!changed)
		return false;
	size_t count = list->count - (hi - lo) + fresh->count;
	if (!alert_list_reserve(list, count)) {
		*failed = true;
		return false;
	}
	if (list->count > hi)
		memmove(list->items + lo + fresh->count, list->items + hi,
		        (list->count - hi) * sizeof *list->items);
	if (fresh->count)
		memcpy(list->items + lo, fresh->items, fresh->count * sizeof *fresh->items);
	list->count = count;
	return true;
}

/* The range of list that holds the alerts of (scope, id), or of the whole scope for id NULL. */
static void subject_range(const struct alert_list *l, enum alert_scope scope, const char *id,
                          size_t *lo, size_t *hi)
{
	*lo = *hi = alert_lower_bound(l, scope, id, ALERT_RULES);
	while (*hi < l->count && alert_key_compare(scope, id, ALERT_RULES, &l->items[*hi]) == 0)
		(*hi)++;
}

/* Judged now, in place of what the list says of the subject. */
static bool replace_subject(struct judged *j, struct alert_list *list, enum alert_scope scope,
                            const char *id, alert_hook_fn *hook, void *ctx)
{
	size_t lo, hi;
	alert_sort_unique(j->next);
	subject_range(list, scope, id, &lo, &hi);
	bool changed = splice(list, lo, hi, j->next, hook, ctx, &j->failed);
	j->next->count = 0;
	j->seen_id = NULL; /* the list moved: look the next subject up again */
	return changed;
}

/* The queues to judge this time: those touched or with callers (listed last time), those due,
 * each once; all of them when the memo says so. */
static size_t queues_to_judge(struct alert_memo *memo, const struct model_state *st, int64_t now_s,
                              uint32_t **out)
{
	/* this time's list is judged while next time's is filled, in the other buffer */
	uint32_t *todo = memo->todo;
	size_t n = memo->ntodo, cap = memo->cap_todo;
	memo->todo = memo->spare, memo->cap_todo = memo->cap_spare, memo->ntodo = 0;
	memo->spare = todo, memo->cap_spare = cap;
	if (memo->all) {
		memo->all = false;
		memset(&memo->sum, 0, sizeof memo->sum);
		if (memo->cap) { /* the arrays are NULL until a queue is known */
			memset(memo->shares, 0, memo->cap * sizeof *memo->shares);
			memset(memo->flags, 0, memo->cap);
			memset(memo->due_s, 0, memo->cap * sizeof *memo->due_s);
		}
		memo->nheap = 0;
		if (!array_grow((void **)&memo->spare, &memo->cap_spare, st->nqueues,
		                sizeof *memo->spare)) {
			memo->all = true;
			*out = NULL;
			return 0;
		}
		for (size_t i = 0; i < st->nqueues; i++)
			memo->spare[i] = (uint32_t)i;
		*out = memo->spare;
		return st->nqueues;
	}
	while (memo->nheap && memo->heap[0].at_s <= now_s) {
		struct alert_due d = memo_pop(memo);
		if (d.queue >= memo->cap || memo->due_s[d.queue] != d.at_s)
			continue; /* judged since, and due another time */
		memo->due_s[d.queue] = 0;
		if (memo->flags[d.queue] & MEMO_LISTED)
			continue;
		if (!array_grow((void **)&memo->spare, &memo->cap_spare, n + 1,
		                sizeof *memo->spare)) {
			memo->all = true;
			break;
		}
		memo->spare[n++] = d.queue;
		memo->flags[d.queue] |= MEMO_LISTED;
	}
	for (size_t k = 0; k < n; k++)
		memo->flags[memo->spare[k]] &= (uint8_t)~MEMO_LISTED;
	*out = memo->spare;
	return n;
}

static int compare_positions(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Judge one queue again, in the list, and keep what it adds to all queues together. */
static bool rejudge_queue(struct judged *j, struct alert_memo *memo, struct alert_list *list,
                          const struct model_state *st, const struct settings *s, size_t pos,
                          const struct queue_rules *general, struct queue_stats *total,
                          alert_hook_fn *hook, void *ctx)
{
	const struct queue *q = &st->queues[pos];
	struct queue_stats qs;
	struct queue_rules r;
	struct recent_counts g;
	judge_one_queue(j, st, s, q, general, j->now_s, &qs, &r, &g);
	bool changed = replace_subject(j, list, ALERT_SCOPE_QUEUE, q->number, hook, ctx);
	struct alert_share *sh = &memo->shares[pos];
	if (q->today.worst_wait_s < sh->today.worst_wait_s)
		memo->all = true; /* cannot happen within a day: count again from scratch */
	share_add(&memo->sum, sh, -1);
	sh->today = q->today;
	sh->waiting = qs.waiting;
	sh->agents_on_call = qs.agents_on_call;
	sh->agents_known = qs.agents_known;
	sh->answered = g.answered, sh->timed_out = g.timed_out, sh->offered = g.offered;
	share_add(&memo->sum, sh, +1);
	if (qs.longest_wait_s > total->longest_wait_s)
		total->longest_wait_s = qs.longest_wait_s;
	if (q->nmembers) {
		memo_list(memo, pos); /* its callers' waits grow: judged again next time */
	} else {
		int64_t due = window_due(q, &r, j->now_s), due_g = window_due(q, general, j->now_s);
		if (due_g && (!due || due_g < due))
			due = due_g;
		if (due != memo->due_s[pos])
			memo_due(memo, pos, due);
	}
	return changed;
}

bool alerts_evaluate_memo(struct alert_list *list, struct alert_memo *memo,
                          const struct model_state *st, const struct settings *s, int64_t now_ns,
                          alert_hook_fn *hook, void *ctx)
{
	if (!memo)
		return alerts_evaluate(list, st, s, now_ns, hook, ctx);
	struct judged j = {.next = &memo->fresh, .prev = list, .now_s = now_ns / NS_PER_S};
	memo->fresh.count = 0;
	if (j.now_s < memo->last_now_s)
		memo->all = true; /* the clock went back: callers come back into the windows */
	memo->last_now_s = j.now_s;
	if (!memo_cover(memo, st->nqueues))
		return alerts_evaluate(list, st, s, now_ns, hook, ctx);
	struct queue_rules general;
	settings_queue_rules(s, "", &general); /* no queue has that number */
	struct queue_stats total = {0};
	uint32_t *todo;
	size_t n = queues_to_judge(memo, st, j.now_s, &todo);
	bool changed = false;
	for (size_t k = 0; k < n && !j.failed; k++)
		if (todo[k] < st->nqueues)
			changed |= rejudge_queue(&j, memo, list, st, s, todo[k], &general, &total,
			                         hook, ctx);
	/* all queues together, from the shares: the queues not judged add what they added */
	if (st->nqueues) {
		struct recent_counts all = {memo->sum.answered > 0, memo->sum.timed_out,
		                            memo->sum.offered};
		total.waiting = memo->sum.waiting;
		total.agents_on_call = memo->sum.agents_on_call;
		total.agents_known = memo->sum.agents_known;
		total.worst_wait_s = total.longest_wait_s;
		queue_stats_derive(&total, &memo->sum.today, s);
		judge_queue(&j, ALERT_SCOPE_TOTAL, "all", "", "all queues", &total, &general, &all);
	}
	changed |= replace_subject(&j, list, ALERT_SCOPE_TOTAL, "all", hook, ctx);
	/* lines and offers, feeds, the journal: each scope as a whole */
	static const enum alert_scope rest[] = {ALERT_SCOPE_LINE, ALERT_SCOPE_FEED,
	                                        ALERT_SCOPE_JOURNAL};
	/* callers are offered only in queues with callers: those listed for next time */
	const uint32_t *busy = NULL;
	if (!memo->all) {
		if (memo->ntodo > 1)
			qsort(memo->todo, memo->ntodo, sizeof *memo->todo, compare_positions);
		busy = memo->todo;
	}
	judge_the_rest(&j, st, s, now_ns, busy, memo->ntodo);
	if (!j.failed) {
		alert_sort_unique(j.next);
		struct alert_list all_rest = *j.next, part;
		for (size_t r = 0; r < sizeof rest / sizeof rest[0] && !j.failed; r++) {
			size_t lo, hi, flo, fhi;
			subject_range(&all_rest, rest[r], NULL, &flo, &fhi);
			part = (struct alert_list){fhi > flo ? all_rest.items + flo : NULL,
			                           fhi - flo, fhi - flo};
			subject_range(list, rest[r], NULL, &lo, &hi);
			changed |= splice(list, lo, hi, &part, hook, ctx, &j.failed);
		}
		j.next->count = 0;
	}
	if (j.failed)
		memo->all = true; /* out of memory: everything again next time */
	return changed;
}
