/* ingest.h: the one door into the model. Every source (live feed, journal replay, simulator)
 * hands the bytes it received to ingest_body(), so what the tests and the demo run is what runs
 * in production.
 *
 * A body is a V1 envelope {"Session","Message","Events":[...]}, a bare event object, or a JSON
 * array of events (V2, lower-case keys). Bad events are counted as malformed with a reason and
 * skipped; the rest of the batch is applied. A malformed event changes nothing in the model.
 */
#ifndef CTIBOARD_INGEST_H
#define CTIBOARD_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct model;
struct journal;

#define SESSION_MAX 256

struct ingest_result {
	bool parsed; /* the body was JSON of an accepted shape */
	int events;  /* events found in the body */
	int applied, duplicates, unknown, malformed;
	bool has_session;
	char session[SESSION_MAX]; /* the envelope's Session, to echo on the next poll */
	char error[128];           /* first reason for malformed input, empty if none */
};

/* Parse body and apply every event to m (taking its lock once for the batch). Each event is
 * appended to journal j first, when j is not NULL. received_ns is the receive time, used when
 * an event carries none; a "Received" key in an event (journal replay) overrides it. */
void ingest_body(struct model *m, struct journal *j, const char *body, size_t len,
                 int64_t received_ns, struct ingest_result *res);

/* Events parsed and not yet applied: a growing array, of one body or of many. */
struct event_list {
	struct event *events;
	size_t n, cap;
	struct journal *journal; /* where each event is journalled as it is parsed; NULL: nowhere */
	bool failed;             /* out of memory in the last body */
};

/* The two halves of ingest_body(): parse body, journalling its good events, and append them to
 * list (res is filled as ingest_body fills it, but for what applying counts); then apply n
 * events to m, under its lock once, counting res's malformed events and the outcomes. A parse
 * touches no model: bodies may be parsed on other threads, and applied in their order. */
void ingest_parse_events(struct event_list *list, const char *body, size_t len, int64_t received_ns,
                         struct ingest_result *res);
void ingest_apply(struct model *m, const struct event *events, size_t n, struct ingest_result *res);

/* Parse body into events without applying them: calls fn for each event parsed (for tests,
 * fuzzing and the benchmark's parse-only figure). Returns like ingest_body. */
void ingest_parse(const char *body, size_t len, int64_t received_ns,
                  void (*fn)(const struct event *ev, void *ctx), void *ctx,
                  struct ingest_result *res);

#endif
