/* stats.c: the figures a supervisor reads, from the raw counts of the model. */
#include "stats.h"

#include <string.h>

/* num / den in per-mille, rounded; -1 when den is 0. */
static int per_mille(uint64_t num, uint64_t den)
{
	return den ? (int)((num * 1000 + den / 2) / den) : -1;
}

void queue_stats_derive(struct queue_stats *out, const struct queue_today *t,
                        const struct settings *s)
{
	out->offered = t->offered;
	out->answered = t->answered;
	out->abandoned = t->abandoned;
	out->short_abandoned = t->short_abandoned;
	out->timed_out = t->timed_out;
	out->left_by_key = t->left_by_key;
	uint64_t outcomes = (uint64_t)t->answered + t->abandoned + t->short_abandoned +
	                    t->timed_out + t->left_by_key;
	out->other = t->offered > outcomes ? (uint32_t)(t->offered - outcomes) : 0;
	out->abandon_rate_pm = per_mille(t->abandoned, (uint64_t)t->answered + t->abandoned);
	out->service_level_pm =
	    s->sl_formula == SL_ANSWERED_ONLY
	        ? per_mille(t->answered_in_sl, t->answered)
	        : per_mille(t->answered_in_sl, (uint64_t)t->answered + t->abandoned);
	out->avg_wait_s = t->answered ? (t->wait_total_s + t->answered / 2) / t->answered : -1;
	out->avg_talk_s = t->talks ? (t->talk_total_s + t->talks / 2) / t->talks : -1;
	if (t->worst_wait_s > out->worst_wait_s)
		out->worst_wait_s = t->worst_wait_s;
}

/* Waiting callers, longest wait and agents of one queue, added into out. */
static void add_live(struct queue_stats *out, const struct queue *q, int64_t now_s)
{
	int waiting = 0;
	for (size_t i = 0; i < q->nmembers; i++) {
		const struct member *mb = &q->members[i];
		if (mb->state == MEMBER_WITH_AGENT)
			continue;
		waiting++;
		int64_t wait = now_s > mb->joined_s ? now_s - mb->joined_s : 0;
		if (wait > out->longest_wait_s)
			out->longest_wait_s = wait;
	}
	out->waiting += q->count >= 0 ? q->count : waiting;
	if (out->longest_wait_s > out->worst_wait_s)
		out->worst_wait_s = out->longest_wait_s;
	for (size_t i = 0; i < q->nagents; i++)
		out->agents_on_call += q->agents[i].on_call;
	out->agents_known += (int)q->nagents;
}

void queue_stats(const struct queue *q, const struct settings *s, int64_t now_s,
                 struct queue_stats *out)
{
	memset(out, 0, sizeof *out);
	add_live(out, q, now_s);
	queue_stats_derive(out, &q->today, s);
}

void queue_stats_total(const struct model_state *st, const struct settings *s, int64_t now_s,
                       struct queue_stats *out)
{
	struct queue_today sum = {0};
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < st->nqueues; i++) {
		const struct queue_today *t = &st->queues[i].today;
		add_live(out, &st->queues[i], now_s);
		sum.offered += t->offered;
		sum.answered += t->answered;
		sum.answered_in_sl += t->answered_in_sl;
		sum.abandoned += t->abandoned;
		sum.short_abandoned += t->short_abandoned;
		sum.timed_out += t->timed_out;
		sum.left_by_key += t->left_by_key;
		sum.talks += t->talks;
		sum.wait_total_s += t->wait_total_s;
		sum.talk_total_s += t->talk_total_s;
		if (t->worst_wait_s > sum.worst_wait_s)
			sum.worst_wait_s = t->worst_wait_s;
	}
	queue_stats_derive(out, &sum, s);
}

size_t stats_definitions(const struct settings *s, struct stat_definition *out, size_t max)
{
	static const struct stat_definition definitions[] = {
	    {"Waiting", "callers in the queue now (Count of the last count event)"},
	    {"Longest wait", "now - joined time of the oldest caller not yet with an agent"},
	    {"Offered", "callers who entered the queue today"},
	    {"Answered", "callers taken by an agent today (bridge-agent-start)"},
	    {"Abandoned", "callers who left before an answer (QueueCause Cancel), after the "
	                  "short-abandon threshold"},
	    {"Short abandons", "left before an answer within the short-abandon threshold: counted "
	                       "apart, left out of the rates"},
	    {"Timed out", "removed by the queue (QueueCancelReason TIMEOUT or NO_AGENT_TIMEOUT): "
	                  "not abandons, outside the rates; see the \"nobody answering\" alert"},
	    {"Left by key", "left with the exit key (QueueCancelReason EXIT_WITH_KEY, to voicemail "
	                    "for example): counted apart, not an abandon"},
	    {"Abandon rate", "abandoned / (answered + abandoned)"},
	    {"Service level", NULL}, /* depends on the formula in use */
	    {"Average wait", "total wait of answered callers / answered (wait = answered time - "
	                     "joined time)"},
	    {"Average talk", "total talk time / finished agent calls (talk = end - answer)"},
	    {"Worst wait", "longest wait seen today, answered or not, or now"},
	};
	size_t n = sizeof definitions / sizeof definitions[0];
	if (n > max)
		n = max;
	for (size_t i = 0; i < n; i++) {
		out[i] = definitions[i];
		if (!out[i].formula)
			out[i].formula = s->sl_formula == SL_ANSWERED_ONLY
			                     ? "answered within T / answered"
			                     : "answered within T / (answered + abandoned)";
	}
	return n;
}
