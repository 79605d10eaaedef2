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

#include "agent_status.h"
#include "api_action.h"
#include "bytescan.h"
#include "helper.h"
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
			/* 18 digits cannot overflow: the test is for those past them */
			if (digits >= 18 && x > (INT64_MAX - d) / 10)
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

/* Add what was replayed since the last call to the start-up progress; at: the file's offset
 * after the last line replayed. */
static void tell_progress(struct model *m, off_t at, uint64_t events, uint64_t *told_events,
                          off_t *told_bytes)
{
	model_startup_advance(m, events - *told_events,
	                      at > *told_bytes ? (uint64_t)(at - *told_bytes) : 0);
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

/* A replay under way: where it reads, what it has counted. */
struct replay {
	struct model *m;
	const char *path;
	const atomic_bool *stop;
	bool report;
	struct replay_result *res;
	FILE *f;
	char *line; /* getline's buffer */
	size_t cap;
	unsigned long lineno;
	int64_t last_event_ns; /* received time for lines that carry none */
	bool eof;              /* the file's end, a read error or a stop request */
	bool whole_lines;      /* a last line not ended yet is left for a later replay */
	bool oom;
	/* the start-up replay's progress (set by this thread before it began): told every so
	 * many lines, by what moved since the last time */
	bool progress;
	uint64_t told_events;
	off_t told_bytes;
};

static bool stopped(const struct replay *r)
{
	return r->stop && *r->stop;
}

enum line_kind { LINE_EVENTS, LINE_RESET, LINE_ACTION, LINE_AGENT_STATUS };

/* The next line that is not blank into r->line (its length in *len), the time it tells
 * counted in last_event_ns; false at the end. */
static bool next_line(struct replay *r, size_t *len, int64_t *t)
{
	ssize_t got;
	if (r->eof)
		return false;
	while (!stopped(r) && (got = getline(&r->line, &r->cap, r->f)) >= 0) {
		if (r->whole_lines && r->line[got - 1] != '\n')
			break; /* being written: the next replay takes it whole */
		r->res->end_offset += (uint64_t)got;
		r->lineno++;
		size_t n = (size_t)got;
		while (n > 0 && (r->line[n - 1] == '\n' || r->line[n - 1] == '\r'))
			n--;
		if (blank(r->line, n))
			continue;
		r->res->lines++;
		*len = n;
		*t = line_time_ns(r->line, n);
		if (*t > r->res->last_ns)
			r->res->last_ns = *t;
		if (*t > 0 && (!r->res->first_ns || *t < r->res->first_ns))
			r->res->first_ns = *t;
		return true;
	}
	r->eof = true;
	return false;
}

static enum line_kind line_kind(const char *line, size_t len)
{
	bool own = may_be_own_line(line, len);
	if (own && is_reset_line(line, len)) /* the r key, journalled: reset here too */
		return LINE_RESET;
	if (own && api_action_is_journal_line(line, len))
		return LINE_ACTION;
	if (own && agent_status_is_journal_line(line, len))
		return LINE_AGENT_STATUS;
	return LINE_EVENTS;
}

/* What a line of events came to, counted; its parse's reasons told. */
static void count_line(struct replay *r, unsigned long lineno, const struct ingest_result *ir)
{
	struct replay_result *res = r->res;
	res->events += ir->events > 0 ? (uint64_t)ir->events : 0;
	if (ir->parsed && ir->malformed == 0)
		return;
	res->malformed_lines++;
	const char *why = ir->error[0] ? ir->error : "not an event";
	if (!res->first_error[0])
		snprintf(res->first_error, sizeof(res->first_error), "%s:%lu: %s", r->path, lineno,
		         why);
	if (r->report && res->malformed_lines <= REPLAY_BAD_LINES_TOLD)
		fprintf(stderr, "%s:%lu: %s\n", r->path, lineno, why);
}

/* Apply one line: a reset, an action or an agent's status (counted), or events parsed in ir. */
static void apply_line(struct replay *r, enum line_kind kind, const struct event *events, size_t n,
                       unsigned long lineno, off_t offset, struct ingest_result *ir)
{
	struct model *m = r->m;
	if (r->progress && lineno % PROGRESS_LINES == 0)
		tell_progress(m, offset, r->res->events, &r->told_events, &r->told_bytes);
	switch (kind) {
	case LINE_RESET:
		if (!model_resets_ignored(m)) {
			model_lock(m);
			model_reset_today(m);
			model_unlock(m);
		}
		break;
	case LINE_ACTION: r->res->actions++; break;
	case LINE_AGENT_STATUS: r->res->agent_statuses++; break;
	case LINE_EVENTS:
		ingest_apply(m, events, n, ir);
		count_line(r, lineno, ir);
		break;
	}
}

/* Paced: each line read, waited for, parsed and applied in turn. */
static void replay_paced(struct replay *r, double speed)
{
	int64_t pace_event0 = 0, pace_mono0 = 0; /* pacing anchor: first timed line */
	struct event_list list = {0};
	size_t len;
	int64_t t;
	while (next_line(r, &len, &t)) {
		if (t > 0) {
			if (!pace_event0) {
				pace_event0 = t;
				pace_mono0 = mono_now_ns();
			} else if (t > pace_event0) {
				double wait = (double)(t - pace_event0) / speed;
				sleep_until(pace_mono0 + (int64_t)wait, r->stop);
				if (stopped(r))
					break;
			}
			r->last_event_ns = t;
		}
		enum line_kind kind = line_kind(r->line, len);
		struct ingest_result ir;
		memset(&ir, 0, sizeof ir);
		list.n = 0;
		if (kind == LINE_EVENTS)
			ingest_parse_events(&list, r->line, len,
			                    r->last_event_ns ? r->last_event_ns : wall_now_ns(),
			                    &ir);
		apply_line(r, kind, list.events, list.n, r->lineno, ftello(r->f), &ir);
	}
	free(list.events);
}

/* As fast as possible, lines go by batches. While the helper thread parses a batch, this one
 * applies the batch before it and reads the next, then joins the helper on what is left of the
 * parse: the lines are claimed a chunk at a time, so the two threads share the work whatever
 * its split (the parse needs no model; the model sees the lines one by one, in order). */
#define BATCH_LINES  256
#define CHUNK_LINES  8
#define BATCH_CHUNKS (BATCH_LINES / CHUNK_LINES)

struct batch_line {
	enum line_kind kind;
	unsigned long lineno;
	off_t offset; /* the file's offset after the line, when the progress is told there */
	int64_t received_ns;
	size_t at, len;  /* its bytes in the batch's text */
	size_t first, n; /* its events in its chunk's list */
	struct ingest_result ir;
};

struct batch {
	char *text;
	size_t len, cap;
	size_t nlines;
	atomic_size_t next_chunk; /* the next chunk to parse, claimed by either thread */
	struct event_list events[BATCH_CHUNKS]; /* the events of each chunk's lines */
	struct batch_line lines[BATCH_LINES];
};

/* Read up to BATCH_LINES lines into b; the number read (0 at the end). */
static size_t read_batch(struct replay *r, struct batch *b)
{
	size_t len;
	int64_t t;
	b->len = 0;
	b->nlines = 0;
	atomic_store_explicit(&b->next_chunk, 0, memory_order_relaxed);
	while (b->nlines < BATCH_LINES && next_line(r, &len, &t)) {
		if (t > 0)
			r->last_event_ns = t;
		if (b->cap - b->len < len) {
			size_t cap = b->cap ? b->cap : 64 * 1024;
			while (cap - b->len < len)
				cap *= 2;
			char *text = realloc(b->text, cap);
			if (!text) {
				r->oom = r->eof = true;
				break;
			}
			b->text = text, b->cap = cap;
		}
		struct batch_line *l = &b->lines[b->nlines++];
		l->kind = line_kind(r->line, len);
		l->lineno = r->lineno;
		/* told to the start-up progress every so many lines only */
		l->offset = r->progress && r->lineno % PROGRESS_LINES == 0 ? ftello(r->f) : 0;
		l->received_ns = r->last_event_ns ? r->last_event_ns : wall_now_ns();
		l->at = b->len;
		l->len = len;
		memcpy(b->text + b->len, r->line, len);
		b->len += len;
	}
	return b->nlines;
}

/* Parse the lines of events of chunk c of a batch. */
static void parse_chunk(struct batch *b, size_t c)
{
	struct event_list *events = &b->events[c];
	size_t end = (c + 1) * CHUNK_LINES < b->nlines ? (c + 1) * CHUNK_LINES : b->nlines;
	events->n = 0;
	for (size_t i = c * CHUNK_LINES; i < end; i++) {
		struct batch_line *l = &b->lines[i];
		memset(&l->ir, 0, sizeof l->ir);
		l->first = events->n;
		if (l->kind == LINE_EVENTS)
			ingest_parse_events(events, b->text + l->at, l->len, l->received_ns,
			                    &l->ir);
		l->n = events->n - l->first;
	}
}

/* Parse the chunks of a batch nobody has claimed yet (a job: on either thread, or both). */
static void parse_batch(void *job)
{
	struct batch *b = job;
	size_t chunks = (b->nlines + CHUNK_LINES - 1) / CHUNK_LINES, c;
	while ((c = atomic_fetch_add_explicit(&b->next_chunk, 1, memory_order_relaxed)) < chunks)
		parse_chunk(b, c);
}

/* Apply a parsed batch in order; false when asked to stop. */
static bool apply_batch(struct replay *r, struct batch *b)
{
	for (size_t i = 0; i < b->nlines; i++) {
		struct batch_line *l = &b->lines[i];
		if (stopped(r))
			return false;
		/* a line that was not events has no events */
		const struct event *evs =
		    l->n ? b->events[i / CHUNK_LINES].events + l->first : NULL;
		apply_line(r, l->kind, evs, l->n, l->lineno, l->offset, &l->ir);
	}
	return true;
}

static void batch_free(struct batch *b)
{
	if (!b)
		return;
	free(b->text);
	for (size_t c = 0; c < BATCH_CHUNKS; c++)
		free(b->events[c].events);
	free(b);
}

static void replay_batched(struct replay *r)
{
	struct batch *todo = calloc(1, sizeof *todo); /* read, to parse */
	struct batch *spare = calloc(1, sizeof *spare);
	struct batch *done = NULL; /* parsed, to apply */
	struct helper *h = NULL;
	if (!todo || !spare) {
		r->oom = true;
		goto out;
	}
	if (read_batch(r, todo) == 0)
		goto out;
	if (!r->eof) /* more than a batch: worth a thread */
		h = helper_start();
	for (;;) {
		helper_give(h, parse_batch, todo);
		bool go = !done || apply_batch(r, done);
		if (done)
			spare = done, done = NULL;
		bool more = go && read_batch(r, spare) > 0;
		parse_batch(todo);
		helper_wait(h); /* the job's chunks are parsed, and seen by this thread */
		if (!go)
			break;
		if (!more) {
			apply_batch(r, todo);
			break;
		}
		done = todo, todo = spare, spare = NULL;
	}
out:
	helper_stop(h);
	batch_free(todo);
	batch_free(spare);
	batch_free(done);
}

/* journal_replay() and journal_replay_from(): from byte offset, up to a last line not ended
 * when whole_lines. */
static bool replay_file(struct model *m, const char *path, double speed, uint64_t offset,
                        bool whole_lines, const atomic_bool *stop, bool report,
                        struct replay_result *res, char *err, size_t errsize)
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
	if (offset && fseeko(f, (off_t)offset, SEEK_SET) != 0) {
		snprintf(err, errsize, "cannot read %s: %s", path, strerror(errno));
		fclose(f);
		return false;
	}
	res->end_offset = offset;
	struct replay r = {.m = m,
	                   .path = path,
	                   .stop = stop,
	                   .report = report,
	                   .res = res,
	                   .f = f,
	                   .whole_lines = whole_lines,
	                   .told_bytes = (off_t)offset};
	r.progress = model_startup(m).active;
	if (speed > 0)
		replay_paced(&r, speed);
	else
		replay_batched(&r);
	bool ok = !ferror(f) && !r.oom;
	if (r.progress)
		tell_progress(m, ftello(f), res->events, &r.told_events, &r.told_bytes);
	if (ferror(f))
		snprintf(err, errsize, "cannot read %s: %s", path, strerror(errno));
	else if (r.oom)
		snprintf(err, errsize, "cannot read %s: out of memory", path);
	free(r.line);
	fclose(f);
	return ok;
}

bool journal_replay(struct model *m, const char *path, double speed, const atomic_bool *stop,
                    bool report, struct replay_result *res, char *err, size_t errsize)
{
	return replay_file(m, path, speed, 0, false, stop, report, res, err, errsize);
}

bool journal_replay_from(struct model *m, const char *path, uint64_t offset, bool whole_lines,
                         const atomic_bool *stop, bool report, struct replay_result *res, char *err,
                         size_t errsize)
{
	return replay_file(m, path, 0, offset, whole_lines, stop, report, res, err, errsize);
}
