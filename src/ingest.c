/* ingest.c: bytes -> events -> journal -> model, for every source. */
#include "ingest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_json.h"
#include "journal.h"
#include "json_arena.h"
#include "json_bigint.h"
#include "model.h"
#include "text.h"

/* Note the first reason of a failure. */
static void note_error(struct ingest_result *res, const char *what)
{
	if (res->error[0] == '\0')
		snprintf(res->error, sizeof res->error, "%s", what);
}

typedef void event_fn(const cJSON *item, const struct event *ev, void *ctx);

/* Find the events of a body (envelope, bare event or array) and call fn for each good one.
 * The tree is not freed: it lives in the arena of for_each_event(). */
static void walk_events(const char *body, size_t len, int64_t received_ns, event_fn *fn, void *ctx,
                        struct ingest_result *res)
{
	size_t qlen;
	char *text = json_quote_big_integers(body, len, &qlen);
	if (!text) {
		res->malformed = 1;
		note_error(res, "out of memory");
		return;
	}
	cJSON *root = cJSON_ParseWithLength(text, qlen);
	free(text);
	const cJSON *events = NULL;
	if (!root) {
		res->malformed = 1;
		note_error(res, len == 0 ? "empty body" : "body is not JSON");
		return;
	}
	if (cJSON_IsArray(root)) {
		events = root;
	} else if (cJSON_IsObject(root) && cJSON_GetObjectItem(root, "Event")) {
		events = NULL; /* a bare event: handled below */
	} else if (cJSON_IsObject(root) &&
	           (cJSON_GetObjectItem(root, "Events") || cJSON_GetObjectItem(root, "Session"))) {
		const cJSON *session = cJSON_GetObjectItem(root, "Session");
		if (cJSON_IsString(session)) {
			res->has_session = true;
			text_copy(res->session, sizeof res->session, session->valuestring);
		}
		events = cJSON_GetObjectItem(root, "Events");
		if (events && !cJSON_IsArray(events) && !cJSON_IsNull(events)) {
			res->malformed = 1;
			note_error(res, "Events: expected an array");
			return;
		}
		res->parsed = true;
		if (!cJSON_IsArray(events)) /* missing or null Events: an empty batch */
			return;
	} else {
		res->malformed = 1;
		note_error(res, "not an event, an array of events or an envelope");
		return;
	}
	res->parsed = true;

	const cJSON *item = events ? events->child : root;
	for (; item; item = events ? item->next : NULL) {
		struct event ev;
		char err[96];
		res->events++;
		if (!event_from_json(item, received_ns, &ev, err, sizeof err)) {
			res->malformed++;
			note_error(res, err);
			continue;
		}
		fn(item, &ev, ctx);
	}
}

/* The same, with the body's tree in this thread's arena: it is dropped whole at the end. */
static void for_each_event(const char *body, size_t len, int64_t received_ns, event_fn *fn,
                           void *ctx, struct ingest_result *res)
{
	memset(res, 0, sizeof *res);
	json_arena_begin();
	walk_events(body, len, received_ns, fn, ctx, res);
	json_arena_end();
}

struct parse_ctx {
	void (*fn)(const struct event *ev, void *ctx);
	void *ctx;
};

static void parse_one(const cJSON *item, const struct event *ev, void *ctx)
{
	(void)item;
	struct parse_ctx *p = ctx;
	p->fn(ev, p->ctx);
}

void ingest_parse(const char *body, size_t len, int64_t received_ns,
                  void (*fn)(const struct event *ev, void *ctx), void *ctx,
                  struct ingest_result *res)
{
	struct parse_ctx p = {fn, ctx};
	for_each_event(body, len, received_ns, parse_one, &p, res);
}

/* Journal one good event (its parsed item, printed as it is), and keep it in the list. */
static void collect(const cJSON *item, const struct event *ev, void *ctx)
{
	struct event_list *b = ctx;
	if (b->failed)
		return;
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		struct event *e = realloc(b->events, cap * sizeof *e);
		if (!e) {
			b->failed = true;
			return;
		}
		b->events = e, b->cap = cap;
	}
	if (b->journal)
		journal_append_event(b->journal, item, ev->received_ns);
	b->events[b->n++] = *ev;
}

void ingest_parse_events(struct event_list *list, const char *body, size_t len, int64_t received_ns,
                         struct ingest_result *res)
{
	size_t start = list->n;
	list->failed = false;
	for_each_event(body, len, received_ns, collect, list, res);
	if (list->failed) { /* out of memory: apply nothing rather than part of the body */
		res->malformed += (int)(list->n - start);
		note_error(res, "out of memory");
		list->n = start;
	}
}

void ingest_apply(struct model *m, const struct event *events, size_t n, struct ingest_result *res)
{
	model_lock(m);
	model_count_malformed(m, (uint64_t)res->malformed);
	for (size_t i = 0; i < n; i++) {
		switch (model_apply(m, &events[i])) {
		case APPLY_OK:
		case APPLY_IGNORED: res->applied++; break;
		case APPLY_DUPLICATE: res->duplicates++; break;
		case APPLY_UNKNOWN: res->unknown++; break;
		case APPLY_DROPPED: break;
		}
	}
	model_unlock(m);
}

void ingest_body(struct model *m, struct journal *j, const char *body, size_t len,
                 int64_t received_ns, struct ingest_result *res)
{
	struct event_list list = {.journal = j};
	ingest_parse_events(&list, body, len, received_ns, res);
	ingest_apply(m, list.events, list.n, res);
	free(list.events);
}
