/* alerts.c: the alert rules, judged on the model's state; the one list everything reads. */
#include "alerts.h"
#include "alerts_judge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "clock.h"
#include "hashmap.h"
#include "model.h"
#include "stats.h"
#include "text.h"

/* Margin a figure must go back past its threshold by before its alert clears. */
static int64_t margin(int64_t threshold)
{
	int64_t m = threshold / 20;
	return m > 0 ? m : 1;
}

/* Level of a figure that is bad when high, given the level it had. */
static enum alert_level level_high(int64_t v, int warn, int crit, enum alert_level had)
{
	if (crit > 0 && (v >= crit || (had == ALERT_CRIT && v >= crit - margin(crit))))
		return ALERT_CRIT;
	if (warn > 0 && (v >= warn || (had != ALERT_NONE && v >= warn - margin(warn))))
		return ALERT_WARN;
	return ALERT_NONE;
}

/* Level of a figure that is bad when low (thresholds > 0 enable), given the level it had. */
static enum alert_level level_low(int64_t v, int warn, int crit, enum alert_level had)
{
	if (crit > 0 && (v < crit || (had == ALERT_CRIT && v < crit + margin(crit))))
		return ALERT_CRIT;
	if (warn > 0 && (v < warn || (had != ALERT_NONE && v < warn + margin(warn))))
		return ALERT_WARN;
	return ALERT_NONE;
}

/* The order of a list: by scope, id, rule (so a subject's alerts are together). */
int alert_key_compare(enum alert_scope scope, const char *id, enum alert_rule rule,
                      const struct alert *b)
{
	if (scope != b->scope)
		return scope < b->scope ? -1 : 1;
	int d = id ? strcmp(id, b->id) : 0;
	if (d || rule == ALERT_RULES)
		return d;
	return rule < b->rule ? -1 : rule > b->rule;
}

static int compare_alerts(const void *pa, const void *pb)
{
	const struct alert *a = pa;
	return alert_key_compare(a->scope, a->id, a->rule, pb);
}

/* The first alert not before (scope, id, rule) in a sorted list; id NULL matches any id,
 * rule ALERT_RULES any rule. */
size_t alert_lower_bound(const struct alert_list *l, enum alert_scope scope, const char *id,
                         enum alert_rule rule)
{
	size_t lo = 0, hi = l->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (alert_key_compare(scope, id, rule, &l->items[mid]) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The alert (scope, id, rule) of a sorted list, or NULL. */
static const struct alert *find(const struct alert_list *l, enum alert_scope scope, const char *id,
                                enum alert_rule rule)
{
	size_t i = alert_lower_bound(l, scope, id, rule);
	if (i < l->count && alert_key_compare(scope, id, rule, &l->items[i]) == 0)
		return &l->items[i];
	return NULL;
}

/* The previous list's alert (scope, id, rule), or NULL. A subject's rules are judged one after
 * the other, so its alerts are looked up once and then walked: one search per queue or line,
 * not one per rule. */
static const struct alert *previous_alert(struct judged *j, enum alert_scope scope, const char *id,
                                          enum alert_rule rule)
{
	const struct alert_list *l = j->prev;
	if (!j->seen_id || scope != j->seen_scope || id != j->seen_id) {
		j->seen_scope = scope, j->seen_id = id;
		j->lo = j->hi = alert_lower_bound(l, scope, id, ALERT_RULES);
		while (j->hi < l->count &&
		       alert_key_compare(scope, id, ALERT_RULES, &l->items[j->hi]) == 0)
			j->hi++;
	}
	for (size_t i = j->lo; i < j->hi; i++)
		if (l->items[i].rule == rule)
			return &l->items[i];
	return NULL;
}

static enum alert_level had_level(struct judged *j, enum alert_scope scope, const char *id,
                                  enum alert_rule rule)
{
	const struct alert *a = previous_alert(j, scope, id, rule);
	return a ? a->level : ALERT_NONE;
}

bool alert_list_reserve(struct alert_list *l, size_t want)
{
	return array_grow((void **)&l->items, &l->cap, want, sizeof *l->items);
}

/* Put an alert of this level into the list being built (nothing for ALERT_NONE). */
static void put(struct judged *j, enum alert_scope scope, const char *id, enum alert_rule rule,
                enum alert_level level, int64_t value, int64_t now_s, const char *text)
{
	if (level == ALERT_NONE || j->failed)
		return;
	if (!alert_list_reserve(j->next, j->next->count + 1)) {
		j->failed = true;
		return;
	}
	const struct alert *old = previous_alert(j, scope, id, rule);
	struct alert *a = &j->next->items[j->next->count++];
	memset(a, 0, sizeof *a);
	a->scope = scope;
	text_copy(a->id, sizeof a->id, id);
	a->rule = rule;
	a->level = level;
	a->value = value;
	a->since_s = old ? old->since_s : now_s;
	text_sanitize(a->text, sizeof a->text, text, strlen(text));
}

static void count_recent(const struct queue *q, const struct queue_rules *r, int64_t now_s,
                         struct recent_counts *out)
{
	int64_t from = now_s - (int64_t)r->alert_nobody_min * 60;
	if (q->recent.answered_s && q->recent.answered_s >= from)
		out->answered = true;
	for (int i = 0; i < QUEUE_RECENT_MAX; i++) {
		int64_t t = q->recent.timed_out_s[i];
		out->timed_out += t && t >= from && t <= now_s;
		t = q->recent.joined_s[i];
		out->offered += t && t >= from && t <= now_s - r->sl_target_s;
	}
}

/* The rules of a queue's figures (or of all queues' for the total), with its own values r. */
void judge_queue(struct judged *j, enum alert_scope scope, const char *id, const char *kind,
                 const char *name, const struct queue_stats *qs, const struct queue_rules *r,
                 const struct recent_counts *rc)
{
	char text[DRAFT_MAX];
	enum alert_level l;

	/* the texts are printed only for an alert: every queue is judged at every change */
	l = level_high(qs->waiting, r->alert_waiting_warn, r->alert_waiting_crit,
	               had_level(j, scope, id, ALERT_RULE_WAITING));
	if (l != ALERT_NONE) {
		snprintf(text, sizeof text, "%s%s: %d caller%s waiting", kind, name, qs->waiting,
		         qs->waiting == 1 ? "" : "s");
		put(j, scope, id, ALERT_RULE_WAITING, l, qs->waiting, j->now_s, text);
	}

	l = level_high(qs->longest_wait_s, r->alert_wait_warn_s, r->alert_wait_crit_s,
	               had_level(j, scope, id, ALERT_RULE_LONGEST_WAIT));
	if (l != ALERT_NONE) {
		snprintf(text, sizeof text, "%s%s: a caller waiting for %lld s", kind, name,
		         (long long)qs->longest_wait_s);
		put(j, scope, id, ALERT_RULE_LONGEST_WAIT, l, qs->longest_wait_s, j->now_s, text);
	}

	if (qs->service_level_pm >= 0) {
		/* per-mille against percent thresholds: compare in per-mille */
		enum alert_level had = had_level(j, scope, id, ALERT_RULE_SERVICE_LEVEL);
		l = level_low(qs->service_level_pm, r->alert_sl_warn * 10, r->alert_sl_crit * 10,
		              had);
		int pct = (qs->service_level_pm + 5) / 10;
		if (l != ALERT_NONE) {
			snprintf(text, sizeof text, "%s%s: service level %d%%", kind, name, pct);
			put(j, scope, id, ALERT_RULE_SERVICE_LEVEL, l, pct, j->now_s, text);
		}
	}

	if (r->alert_nobody_min > 0 && !rc->answered && (rc->timed_out || rc->offered)) {
		int n = rc->timed_out ? rc->timed_out : rc->offered;
		snprintf(text, sizeof text,
		         "%s%s: nobody answering: %d caller%s %s in %d min, none answered", kind,
		         name, n, n == 1 ? "" : "s", rc->timed_out ? "timed out" : "offered",
		         r->alert_nobody_min);
		put(j, scope, id, ALERT_RULE_NOBODY_ANSWERING,
		    rc->timed_out ? ALERT_CRIT : ALERT_WARN, n, j->now_s, text);
	}
}

/* Callers waiting and no agent available, by the OVH API's live statuses: a warning when all
 * are on a call, critical when none is even logged in and free of a break. Queues whose agents'
 * statuses are unknown (no API) are not judged. */
static void judge_no_agent(struct judged *j, const struct model_state *st, const struct queue *q,
                           const struct queue_stats *qs, const char *name)
{
	struct api_agent_counts n;
	char text[DRAFT_MAX];
	if (qs->waiting <= 0)
		return;
	api_count_agents(&st->api, q->number, NULL, &n);
	if (n.available + n.on_call + n.on_break + n.logged_out == 0 || n.available > 0)
		return;
	enum alert_level l = n.on_call > 0 ? ALERT_WARN : ALERT_CRIT;
	snprintf(
	    text, sizeof text,
	    "queue %s: %d waiting, no agent available (%d on a call, %d on break, %d logged out)",
	    name, qs->waiting, n.on_call, n.on_break, n.logged_out);
	put(j, ALERT_SCOPE_QUEUE, q->number, ALERT_RULE_NO_AGENT, l, qs->waiting, j->now_s, text);
}

/* Judge one queue by its rules r; g gets its recent callers by the general rules (what it adds
 * to all queues together). Returns whether it raised anything. */
bool judge_one_queue(struct judged *j, const struct model_state *st, const struct settings *s,
                     const struct queue *q, const struct queue_rules *general, int64_t now_s,
                     struct queue_stats *qs, struct queue_rules *r, struct recent_counts *g)
{
	struct recent_counts rc = {0};
	size_t before = j->next->count;
	settings_queue_rules(s, q->number, r);
	queue_stats(q, s, now_s, qs);
	count_recent(q, r, now_s, &rc);
	/* texts are printed only for an alert: no name is formatted for a quiet queue */
	const char *name = q->description[0] ? q->description : q->number;
	judge_queue(j, ALERT_SCOPE_QUEUE, q->number, "queue ", name, qs, r, &rc);
	judge_no_agent(j, st, q, qs, name);
	/* all queues together, over the general window (the queue's own when they agree) */
	*g = rc;
	if (r->alert_nobody_min != general->alert_nobody_min ||
	    r->sl_target_s != general->sl_target_s) {
		*g = (struct recent_counts){0};
		count_recent(q, general, now_s, g);
	}
	return j->next->count != before;
}

static void add_recent(struct recent_counts *all, const struct recent_counts *g)
{
	all->answered |= g->answered;
	all->timed_out += g->timed_out;
	all->offered += g->offered;
}

/* Every queue, and all of them together. */
static void judge_queues(struct judged *j, const struct model_state *st, const struct settings *s,
                         int64_t now_s)
{
	struct queue_stats qs;
	struct queue_rules r, general;
	struct recent_counts all = {0}, g;
	settings_queue_rules(s, "", &general); /* no queue has that number */
	for (size_t i = 0; i < st->nqueues; i++) {
		judge_one_queue(j, st, s, &st->queues[i], &general, now_s, &qs, &r, &g);
		add_recent(&all, &g);
	}
	if (st->nqueues) {
		queue_stats_total(st, s, now_s, &qs);
		judge_queue(j, ALERT_SCOPE_TOTAL, "all", "", "all queues", &qs, &general, &all);
	}
}

/* An incoming call still ringing on a line: the line's position and since when. */
struct ringing {
	uint32_t line;
	int64_t since_ns;
};

/* The oldest incoming call ringing on each line that has one: looked at through the calls, so
 * that the cost follows the calls in progress, not the lines known. NULL (and *n 0) when none
 * rings. */
static struct ringing *ringing_lines(struct judged *j, const struct model_state *st, size_t *n)
{
	*n = 0;
	size_t ringing = 0; /* most calls in progress are talking: room for those ringing */
	for (size_t i = 0; i < st->ncalls; i++)
		ringing += st->calls[i].state == CALL_RINGING && st->calls[i].inbound;
	if (!ringing)
		return NULL;
	struct ringing *r = calloc(ringing, sizeof *r);
	struct hashmap at; /* line -> position in r */
	hashmap_init(&at);
	if (!r || !hashmap_reserve(&at, ringing)) {
		free(r);
		j->failed = true;
		return NULL;
	}
	for (size_t i = 0; i < st->ncalls; i++) {
		const struct call *c = &st->calls[i];
		if (c->line >= st->nlines || c->state != CALL_RINGING || !c->inbound ||
		    !c->since_ns)
			continue;
		uint32_t k;
		bool found = false;
		for (struct hashmap_probe p = hashmap_probe(&at, c->line);
		     !found && hashmap_probe_next(&p, &k);)
			found = r[k].line == c->line;
		if (!found) {
			k = (uint32_t)(*n)++;
			r[k] = (struct ringing){c->line, c->since_ns};
			hashmap_insert(&at, c->line, k); /* room reserved above */
		} else if (c->since_ns < r[k].since_ns) {
			r[k].since_ns = c->since_ns;
		}
	}
	hashmap_free(&at);
	return r;
}

/* One ringing alert per line: its oldest incoming call still ringing. */
static void judge_lines(struct judged *j, const struct model_state *st, const struct settings *s,
                        int64_t now_ns, const struct ringing *ring, size_t nring)
{
	char text[DRAFT_MAX];

	for (size_t i = 0; i < nring; i++) {
		const struct line *ln = &st->lines[ring[i].line];
		int64_t oldest = ring[i].since_ns;
		int64_t ring_s = now_ns > oldest ? (now_ns - oldest) / NS_PER_S : 0;
		enum alert_level l =
		    level_high(ring_s, s->alert_ring_warn_s, s->alert_ring_crit_s,
		               had_level(j, ALERT_SCOPE_LINE, ln->number, ALERT_RULE_RINGING));
		if (l == ALERT_NONE)
			continue;
		snprintf(text, sizeof text, "line %s: ringing for %lld s",
		         ln->description[0] ? ln->description : ln->number, (long long)ring_s);
		put(j, ALERT_SCOPE_LINE, ln->number, ALERT_RULE_RINGING, l, ring_s, j->now_s, text);
	}
}

/* Is number a line with an incoming call ringing (the phone an offer rings)? Looked for among
 * the calls in progress, far fewer than the lines known. */
static bool line_rings(const struct model_state *st, const char *number)
{
	for (size_t i = 0; i < st->ncalls; i++) {
		const struct call *c = &st->calls[i];
		if (c->state == CALL_RINGING && c->inbound && c->line < st->nlines &&
		    strcmp(st->lines[c->line].number, number) == 0)
			return true;
	}
	return false;
}

/* A queue caller offered to an agent rings the agent's phone: judged as that phone, unless it
 * is a line of the model already judged above from its own ringing call. The queues looked at
 * are those of busy (positions in increasing order), or every queue for busy NULL. */
static void judge_offers(struct judged *j, const struct model_state *st, const struct settings *s,
                         int64_t now_ns, const uint32_t *busy, size_t nbusy)
{
	char text[DRAFT_MAX];
	size_t first = j->next->count; /* the offers' alerts start here */

	for (size_t b = 0, n = busy ? nbusy : st->nqueues; b < n; b++) {
		const struct queue *q = &st->queues[busy ? busy[b] : b];
		for (size_t i = 0; i < q->nmembers; i++) {
			const struct member *mb = &q->members[i];
			if (mb->state != MEMBER_OFFERED || !mb->agent[0])
				continue;
			if (line_rings(st, mb->agent))
				continue;
			int64_t ring_s =
			    now_ns > mb->last_ns ? (now_ns - mb->last_ns) / NS_PER_S : 0;
			struct alert *dup = NULL;
			for (size_t k = first; k < j->next->count && !dup; k++)
				if (strcmp(j->next->items[k].id, mb->agent) == 0)
					dup = &j->next->items[k];
			if (dup && dup->value >= ring_s)
				continue; /* offered by two queues at once: the longer ring counts
				           */
			enum alert_level l = level_high(
			    ring_s, s->alert_ring_warn_s, s->alert_ring_crit_s,
			    had_level(j, ALERT_SCOPE_LINE, mb->agent, ALERT_RULE_RINGING));
			if (l == ALERT_NONE)
				continue;
			snprintf(text, sizeof text, "agent %s: ringing for %lld s (queue %s)",
			         mb->agent, (long long)ring_s,
			         q->description[0] ? q->description : q->number);
			if (dup) {
				dup->level = l;
				dup->value = ring_s;
				text_sanitize(dup->text, sizeof dup->text, text, strlen(text));
				continue;
			}
			put(j, ALERT_SCOPE_LINE, mb->agent, ALERT_RULE_RINGING, l, ring_s, j->now_s,
			    text);
		}
	}
}

/* Feeds are judged on the wall clock: they only exist live. */
static void judge_feeds(struct judged *j, const struct model_state *st, const struct settings *s)
{
	int64_t wall = wall_now_ns();
	int64_t wall_s = wall / NS_PER_S;
	char text[DRAFT_MAX];

	for (size_t i = 0; i < st->nfeeds; i++) {
		const struct feed_status *f = &st->feeds[i];
		int64_t last = feed_last_news_ns(f);
		if (f->state == FEED_AUTH_FAILED) {
			snprintf(text, sizeof text, "feed %s: token rejected (%s)", f->label,
			         f->last_error[0] ? f->last_error : "401/403");
			put(j, ALERT_SCOPE_FEED, f->label, ALERT_RULE_TOKEN_REJECTED, ALERT_CRIT, 0,
			    wall_s, text);
			continue;
		}
		if (!last) {
			/* never connected: an alert once it has tried for the warning time */
			int64_t trying = f->started_ns && wall > f->started_ns
			                     ? (wall - f->started_ns) / NS_PER_S
			                     : 0;
			enum alert_level l =
			    level_high(trying, s->alert_stale_warn_s, 0, ALERT_NONE);
			snprintf(text, sizeof text, "feed %s: never connected in %lld s%s%s",
			         f->label, (long long)trying, f->last_error[0] ? ": " : "",
			         f->last_error);
			put(j, ALERT_SCOPE_FEED, f->label, ALERT_RULE_FEED_DOWN, l, trying, wall_s,
			    text);
			continue;
		}
		int64_t silent = wall > last ? (wall - last) / NS_PER_S : 0;
		enum alert_level l =
		    level_high(silent, s->alert_stale_warn_s, s->alert_stale_crit_s, ALERT_NONE);
		if (f->state == FEED_STALE)
			l = ALERT_CRIT;
		snprintf(text, sizeof text, "feed %s: stale %lld s%s%s", f->label,
		         (long long)silent, f->last_error[0] && f->state != FEED_LIVE ? ": " : "",
		         f->state != FEED_LIVE ? f->last_error : "");
		put(j, ALERT_SCOPE_FEED, f->label, ALERT_RULE_FEED_STALE, l, silent, wall_s, text);
	}
}

static void judge_journal(struct judged *j, const struct model_state *st)
{
	char text[DRAFT_MAX];
	uint64_t lost = st->counters.journal_lost;
	if (!lost)
		return;
	snprintf(text, sizeof text, "journal: %llu line%s not written", (unsigned long long)lost,
	         lost > 1 ? "s" : "");
	put(j, ALERT_SCOPE_JOURNAL, "journal", ALERT_RULE_JOURNAL_LOST, ALERT_WARN, (int64_t)lost,
	    j->now_s, text);
}

bool alert_same(const struct alert *a, const struct alert *b)
{
	return a->level == b->level && a->value == b->value && a->since_s == b->since_s &&
	       strcmp(a->text, b->text) == 0;
}

/* Sort a list judged now and keep one alert per (scope, id, rule): when two judged the same
 * subject (an agent offered by two queues), the worse. */
void alert_sort_unique(struct alert_list *l)
{
	if (l->count > 1)
		qsort(l->items, l->count, sizeof *l->items, compare_alerts);
	size_t kept = 0;
	for (size_t n = 0; n < l->count; n++) {
		struct alert *a = &l->items[n];
		struct alert *last = kept ? &l->items[kept - 1] : NULL;
		if (last && alert_key_compare(a->scope, a->id, a->rule, last) == 0) {
			if (a->level > last->level)
				*last = *a;
			continue;
		}
		l->items[kept++] = *a;
	}
	l->count = kept;
}

/* Everything but the queues, judged anew each time: their cost follows the calls, callers
 * offered and feeds, not the lines or queues known. */
void judge_the_rest(struct judged *j, const struct model_state *st, const struct settings *s,
                    int64_t now_ns, const uint32_t *busy, size_t nbusy)
{
	size_t nring;
	struct ringing *ring = ringing_lines(j, st, &nring);
	judge_lines(j, st, s, now_ns, ring, nring);
	free(ring);
	judge_offers(j, st, s, now_ns, busy, nbusy);
	judge_feeds(j, st, s);
	judge_journal(j, st);
}

bool alerts_evaluate(struct alert_list *list, const struct model_state *st,
                     const struct settings *s, int64_t now_ns, alert_hook_fn *hook, void *ctx)
{
	struct alert_list next = {0};
	struct judged j = {.next = &next, .prev = list, .now_s = now_ns / NS_PER_S};

	judge_queues(&j, st, s, j.now_s);
	judge_the_rest(&j, st, s, now_ns, NULL, 0);
	if (j.failed) {
		alerts_free(&next);
		return false;
	}
	alert_sort_unique(&next);

	bool changed = alert_list_diff(list, 0, list->count, &next, hook, ctx);
	alerts_free(list);
	*list = next;
	return changed;
}

bool alert_list_diff(const struct alert_list *list, size_t lo, size_t hi,
                     const struct alert_list *fresh, alert_hook_fn *hook, void *ctx)
{
	/* both are sorted by (scope, id, rule): one walk finds what was raised, changed and
	 * cleared */
	bool changed = fresh->count != hi - lo;
	for (size_t i = 0, k = lo; i < fresh->count || k < hi;) {
		const struct alert *a = i < fresh->count ? &fresh->items[i] : NULL;
		const struct alert *old = k < hi ? &list->items[k] : NULL;
		int d = !a ? 1 : !old ? -1 : alert_key_compare(a->scope, a->id, a->rule, old);
		if (d < 0) { /* new */
			changed = true;
			if (hook)
				hook(a, ALERT_RAISED, ctx);
			i++;
		} else if (d > 0) { /* gone */
			changed = true;
			if (hook)
				hook(old, ALERT_CLEARED, ctx);
			k++;
		} else {
			if (old->level != a->level) {
				changed = true;
				if (hook)
					hook(a, ALERT_CHANGED, ctx);
			} else if (!alert_same(a, old)) {
				changed = true;
			}
			i++, k++;
		}
	}
	return changed;
}

bool alerts_copy(struct alert_list *dst, const struct alert_list *src)
{
	if (!alert_list_reserve(dst, src->count)) {
		dst->count = 0;
		return false;
	}
	if (src->count)
		memcpy(dst->items, src->items, src->count * sizeof *src->items);
	dst->count = src->count;
	return true;
}

void alerts_free(struct alert_list *list)
{
	free(list->items);
	list->items = NULL;
	list->count = list->cap = 0;
}

enum alert_level alerts_level(const struct alert_list *list, enum alert_scope scope, const char *id)
{
	enum alert_level worst = ALERT_NONE;
	for (size_t i = alert_lower_bound(list, scope, id, ALERT_RULES);
	     i < list->count && alert_key_compare(scope, id, ALERT_RULES, &list->items[i]) == 0;
	     i++)
		if (list->items[i].level > worst)
			worst = list->items[i].level;
	return worst;
}

enum alert_level alerts_worst(const struct alert_list *list)
{
	enum alert_level worst = ALERT_NONE;
	for (size_t i = 0; i < list->count; i++)
		if (list->items[i].level > worst)
			worst = list->items[i].level;
	return worst;
}

void alerts_diff(const struct alert_list *before, const struct alert_list *after, alert_hook_fn *fn,
                 void *ctx)
{
	for (size_t i = 0; i < after->count; i++) {
		const struct alert *a = &after->items[i];
		const struct alert *old = find(before, a->scope, a->id, a->rule);
		if (!old)
			fn(a, ALERT_RAISED, ctx);
		else if (old->level != a->level)
			fn(a, ALERT_CHANGED, ctx);
	}
	for (size_t i = 0; i < before->count; i++) {
		const struct alert *a = &before->items[i];
		if (!find(after, a->scope, a->id, a->rule))
			fn(a, ALERT_CLEARED, ctx);
	}
}

const char *alert_level_name(enum alert_level l)
{
	return l == ALERT_CRIT ? "critical" : l == ALERT_WARN ? "warning" : "none";
}

const char *alert_scope_name(enum alert_scope s)
{
	static const char *const names[ALERT_SCOPES] = {"queue", "total", "line", "feed",
	                                                "journal"};
	return (unsigned)s < ALERT_SCOPES ? names[s] : "?";
}

const char *alert_rule_name(enum alert_rule r)
{
	static const char *const names[ALERT_RULES] = {
	    "waiting",    "longest_wait", "service_level",  "nobody_answering", "ringing",
	    "feed_stale", "feed_down",    "token_rejected", "journal_lost",     "no_agent"};
	return (unsigned)r < ALERT_RULES ? names[r] : "?";
}
