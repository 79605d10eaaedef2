/* statelog.h: for runs without a screen (--headless, a systemd service read through
 * journalctl), one line on a stream for every change of a feed's state (connected,
 * reconnecting with the reason, token rejected, stale, recovered) and of the journal's health. */
#ifndef CTIBOARD_STATELOG_H
#define CTIBOARD_STATELOG_H

#include <stdio.h>

#include "model.h"

/* What was last said; zero it before the first call. */
struct statelog {
	bool started;
	size_t nfeeds;
	enum feed_state state[FEEDS_MAX];
	bool was_live[FEEDS_MAX];
	uint64_t journal_lost;
	char journal_error[NOTICE_TEXT_MAX];
};

/* Look at the model (taking its lock briefly) and write a line to out for each change. */
void statelog_poll(struct statelog *log, struct model *m, FILE *out);

/* The same on copies of what it needs (lock not needed): feeds, lost lines, journal error. */
void statelog_compare(struct statelog *log, const struct feed_status *feeds, size_t nfeeds,
                      uint64_t journal_lost, const char *journal_error, int64_t wall_ns, FILE *out);

#endif
