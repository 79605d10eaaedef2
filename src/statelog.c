/* statelog.c: one line per change of a feed or of the journal, for runs without a screen. */
#include "statelog.h"

#include <string.h>

/* Seconds from now to t (ns), at least 0. */
static long seconds_until(int64_t t_ns, int64_t now_ns)
{
	return t_ns > now_ns ? (long)((t_ns - now_ns + NS_PER_S - 1) / NS_PER_S) : 0;
}

/* The line for a feed that moved into f->state; nothing for a new attempt under way. */
static void say_feed(struct statelog *log, size_t i, const struct feed_status *f, int64_t now,
                     FILE *out)
{
	switch (f->state) {
	case FEED_LIVE:
		fprintf(out, "ctiboard: feed %s: %s\n", f->label,
		        log->was_live[i] ? "recovered, live again" : "connected, live");
		log->was_live[i] = true;
		break;
	case FEED_BACKOFF:
		fprintf(out, "ctiboard: feed %s: reconnecting in %ld s: %s\n", f->label,
		        seconds_until(f->retry_at_ns, now), f->last_error);
		break;
	case FEED_AUTH_FAILED:
		/* last_error says "token rejected (HTTP 401)" */
		fprintf(out, "ctiboard: feed %s: %s; next try in %ld s\n", f->label,
		        f->last_error[0] ? f->last_error : "token rejected",
		        seconds_until(f->retry_at_ns, now));
		break;
	case FEED_STALE: {
		int64_t last = feed_last_news_ns(f);
		if (last)
			fprintf(out, "ctiboard: feed %s: stale, no news for %ld s\n", f->label,
			        seconds_until(now, last));
		else
			fprintf(out, "ctiboard: feed %s: stale, no answer yet\n", f->label);
		break;
	}
	case FEED_CONNECTING: break;
	}
}

void statelog_compare(struct statelog *log, const struct feed_status *feeds, size_t nfeeds,
                      uint64_t journal_lost, const char *journal_error, int64_t wall_ns, FILE *out)
{
	if (!log->started) {
		log->started = true;
		for (size_t i = 0; i < FEEDS_MAX; i++)
			log->state[i] = FEED_CONNECTING;
	}
	for (size_t i = 0; i < nfeeds && i < FEEDS_MAX; i++) {
		if (i < log->nfeeds && feeds[i].state == log->state[i])
			continue;
		log->state[i] = feeds[i].state;
		say_feed(log, i, &feeds[i], wall_ns, out);
	}
	if (nfeeds > log->nfeeds)
		log->nfeeds = nfeeds;
	if (strcmp(journal_error, log->journal_error) != 0) {
		if (journal_error[0])
			fprintf(out, "ctiboard: journal: %s; events are not kept, retrying\n",
			        journal_error);
		else
			fprintf(out, "ctiboard: journal: writing again\n");
		snprintf(log->journal_error, sizeof log->journal_error, "%s", journal_error);
	}
	if (journal_lost != log->journal_lost) {
		fprintf(out, "ctiboard: journal: %llu line%s not written in all\n",
		        (unsigned long long)journal_lost, journal_lost == 1 ? "" : "s");
		log->journal_lost = journal_lost;
	}
	fflush(out);
}

void statelog_poll(struct statelog *log, struct model *m, FILE *out)
{
	struct feed_status feeds[FEEDS_MAX];
	char error[NOTICE_TEXT_MAX];
	const struct model_state *st = model_read_begin(m);
	size_t n = st->nfeeds;
	memcpy(feeds, st->feeds, n * sizeof feeds[0]);
	uint64_t lost = st->counters.journal_lost;
	memcpy(error, st->journal_error, sizeof error);
	model_read_end(m);
	statelog_compare(log, feeds, n, lost, error, wall_now_ns(), out);
}
