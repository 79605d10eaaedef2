/* replay.c: the journal reader. Each line of a journal (or of a file of V1 envelopes) goes
 * through ingest_body(), paced by the event times when a speed is given.
 */
#include "journal.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include "api_action.h"
#include "bytescan.h"
#include "ingest.h"
#include "model.h"

#define SLEEP_SLICE_NS INT64_C(50000000) /* a stop request is seen within this */
#define PROGRESS_LINES 1024              /* the start-up progress is told this often */

/* The integer after the first quoted key ("\"Received\"") and a colon in line (bare or quoted
 * digits), or 0. A cheap look that needs no parse: it only paces the replay, the parse proper
 * is ingest's. A quoted key cannot be part of a string (a quote inside one is escaped), so one
 * search finds it; it looks for the key's first letter, rarer than a quote. */
static int64_t peek_int(const char *line, size_t len, const char *quoted)
{
	size_t qlen = strlen(quoted);
	const char *end = line + len;
	for (const char *p = line; (p = bytes_find(p, (size_t)(end - p), quoted, qlen, 1));) {
		const char *v = p + qlen;
		p++;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		if (v >= end || *v != ':')
			continue;
		v++;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		if (v < end && *v == '"')
			v++;
		int64_t x = 0;
		int digits = 0;
		while (v < end && *v >= '0' && *v <= '9') {
			int d = *v++ - '0';
			if (digits >= 18 && x > (INT64_MAX - d) / 10) /* 18 digits cannot overflow */
				return 0;
			x = x * 10 + d;
			digits++;
		}
		if (digits > 0)
			return x;
	}
	return 0;
}

/* When this line's events happened, in ns: "Received", else the first "Timestamp"; 0 unknown. */
static int64_t line_time_ns(const char *line, size_t len)
{
	int64_t t = peek_int(line, len, "\"Received\"");
	if (t <= 0)
		t = peek_int(line, len, "\"Timestamp\"");
	if (t <= 0)
		t = peek_int(line, len, "\"timestamp\""); /* V2 spelling */
	return t;
}

/* Sleep until the monotonic time deadline_ns, in slices, unless *stop is set. */
static void sleep_until(int64_t deadline_ns, const atomic_bool *stop)
{
	for (;;) {
		if (stop && *stop)
			return;
		int64_t left = deadline_ns - mono_now_ns();
		if (left <= 0)
			return;
		if (left > SLEEP_SLICE_NS)
			left = SLEEP_SLICE_NS;
		struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)left};
		nanosleep(&ts, NULL);
	}
}

/* Is this line maybe one of the program's own, not an event (a reset, a supervisor's action)?
 * One search, so that an event's line is told apart by it alone. */
static bool may_be_own_line(const char *line, size_t len)
{
	static const char key[] = "\"ctiboard\":\"";
	return bytes_find(line, len, key, sizeof key - 1, 4) != NULL; /* its rare 'b' */
}

/* Is this line a reset of today's counters (journal_append_reset)? */
static bool is_reset_line(const char *line, size_t len)
{
	static const char key[] = "\"ctiboard\":\"reset_today\"";
	return bytes_find(line, len, key, sizeof key - 1, 4) != NULL; /* its rare 'b' */
}

/* Add what was replayed since the last call to the start-up progress. */
static void tell_progress(struct model *m, FILE *f, uint64_t events, uint64_t *told_events,
                          off_t *told_bytes)
{
	off_t at = ftello(f);
	model_lock(m);
	m->st.startup.events += events - *told_events;
	if (at > *told_bytes)
		m->st.startup.bytes_done += (uint64_t)(at - *told_bytes);
	m->dirty = true;
	model_unlock(m);
	*told_events = events;
	if (at > *told_bytes)
		*told_bytes = at;
}

static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

bool journal_replay(struct model *m, const char *path, double speed, const atomic_bool *stop,
                    bool report, struct replay_result *res, char *err, size_t errsize)
{
	struct replay_result local;
	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	FILE *f = fopen(path, "re");
	if (!f) {
		snprintf(err, errsize, "cannot open %s: %s", path, strerror(errno));
		return false;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	unsigned long lineno = 0;
	int64_t last_event_ns = 0;               /* received time for lines that carry none */
	int64_t pace_event0 = 0, pace_mono0 = 0; /* pacing anchor: first timed line */
	/* the start-up replay's progress (set by this thread before it began): told every so
	 * many lines, by what moved since the last time */
	bool progress = m->st.startup.active;
	uint64_t told_events = 0;
	off_t told_bytes = 0;
	while (!(stop && *stop) && (got = getline(&line, &cap, f)) >= 0) {
		lineno++;
		size_t len = (size_t)got;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (blank(line, len))
			continue;
		res->lines++;
		int64_t t = line_time_ns(line, len);
		if (speed > 0 && t > 0) {
			if (!pace_event0) {
				pace_event0 = t;
				pace_mono0 = mono_now_ns();
			} else if (t > pace_event0) {
				double wait = (double)(t - pace_event0) / speed;
				sleep_until(pace_mono0 + (int64_t)wait, stop);
				if (stop && *stop)
					break;
			}
		}
		if (t > 0)
			last_event_ns = t;
		if (progress && lineno % PROGRESS_LINES == 0)
			tell_progress(m, f, res->events, &told_events, &told_bytes);
		bool own = may_be_own_line(line, len);
		if (own && is_reset_line(line, len)) { /* the r key, journalled: reset here too */
			model_lock(m);
			if (!m->resets_ignored)
				model_reset_today(m);
			model_unlock(m);
			continue;
		}
		if (own && api_action_is_journal_line(line, len)) {
			res->actions++;
			continue;
		}
		struct ingest_result r;
		memset(&r, 0, sizeof(r));
		ingest_body(m, NULL, line, len, last_event_ns ? last_event_ns : wall_now_ns(), &r);
		res->events += r.events > 0 ? (uint64_t)r.events : 0;
		if (r.parsed && r.malformed == 0)
			continue;
		res->malformed_lines++;
		const char *why = r.error[0] ? r.error : "not an event";
		if (!res->first_error[0])
			snprintf(res->first_error, sizeof(res->first_error), "%s:%lu: %s", path,
			         lineno, why);
		if (report)
			fprintf(stderr, "%s:%lu: %s\n", path, lineno, why);
	}
	bool ok = !ferror(f);
	if (progress)
		tell_progress(m, f, res->events, &told_events, &told_bytes);
	if (!ok)
		snprintf(err, errsize, "cannot read %s: %s", path, strerror(errno));
	free(line);
	fclose(f);
	return ok;
}
