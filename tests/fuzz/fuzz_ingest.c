/* fuzz_ingest.c: libFuzzer target on the one door into the model.
 *
 * The input is split at newlines; each piece is one body handed to ingest_body(), so that a
 * single input can drive a sequence of events through the model's state machine (ring, answer,
 * hang up, queue joins and leaves). After the bodies, the model is ticked past every expiry,
 * copied for a reader, summarised by the statistics and rendered as a snapshot: every string
 * that survived ingest goes through the code that prints it. Each body that is JSON is also
 * printed by the journal's printer and by cJSON's: the two must agree byte for byte; and its
 * big integers quoted by the pre-pass and by its byte-wise reference: the same.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "ingest.h"
#include "json_bigint.h"
#include "jsonbuf.h"
#include "model_impl.h" /* a tool of the core: it sets the model up itself */
#include "settings.h"
#include "snapshot.h"
#include "stats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Settings with small bounds, so that the bound paths are reached by short inputs. */
static void small_settings(struct settings *s)
{
	settings_defaults(s);
	s->max_lines = 8;
	s->max_queues = 4;
	s->max_calls = 8;
	s->max_members = 8;
	s->max_agents = 8;
}

/* Look at the state as every reader does: statistics of each queue and the snapshot text. */
static void read_like_a_reader(struct model *m)
{
	struct model_state view;
	uint64_t seen = 0;
	memset(&view, 0, sizeof view);
	model_view(m, &view, &seen);
	int64_t now_s = state_now_ns(&view) / NS_PER_S;
	for (size_t i = 0; i < view.nqueues; i++) {
		struct queue_stats qs;
		queue_stats(&view.queues[i], &m->set, now_s, &qs);
	}
	struct queue_stats total;
	queue_stats_total(&view, &m->set, now_s, &total);
	free(snapshot_json(&view, &m->set));
	state_free(&view);
}

/* The big-integer pre-pass quotes what its byte-wise reference quotes; abort if not. */
static void quote_both_ways(const char *text, size_t len)
{
	size_t n1, n2;
	char *fast = json_quote_big_integers(text, len, &n1);
	char *bytes = json_quote_big_integers_bytewise(text, len, &n2);
	if (fast && bytes && (n1 != n2 || memcmp(fast, bytes, n1 + 1) != 0))
		abort();
	free(fast);
	free(bytes);
}

/* The journal's printer and cJSON's print the same bytes; abort (a finding) if not. */
static void print_both_ways(const char *text, size_t len)
{
	cJSON *doc = cJSON_ParseWithLength(text, len);
	if (!doc)
		return;
	char *theirs = cJSON_PrintUnformatted(doc);
	struct jsonbuf ours = {0};
	bool ok = jsonbuf_value(&ours, doc);
	if (ok != (theirs != NULL) || (theirs && strcmp(ours.data ? ours.data : "", theirs) != 0))
		abort();
	free(theirs);
	jsonbuf_free(&ours);
	cJSON_Delete(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct settings s;
	struct model m;
	small_settings(&s);
	if (!model_init(&m, &s))
		return 0;
	/* "now" follows the events and stands still: runs do not depend on the date */
	m.st.clock.replay = true;
	m.st.clock.speed = 0;
	const char *p = (const char *)data, *end = p + size;
	int64_t received = INT64_C(1764151200) * NS_PER_S;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct ingest_result res;
		ingest_body(&m, NULL, p, len, received, &res);
		print_both_ways(p, len);
		quote_both_ways(p, len);
		received += NS_PER_S;
		p += len + (nl ? 1 : 0);
	}
	model_lock(&m);
	model_tick(&m, received + INT64_C(2) * 86400 * NS_PER_S);
	model_unlock(&m);
	read_like_a_reader(&m);
	model_done(&m);
	return 0;
}
