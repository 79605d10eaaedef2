/* test_snapshot.c: the snapshot document (schema, figures, locale), its atomic write and the
 * writer thread.
 */
#include <dirent.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>
#include <cmocka.h>

#include "ingest.h"
#include "model_impl.h"
#include "redact.h"
#include "settings.h"
#include "snapshot.h"
#include "stats.h"

#define NS    INT64_C(1000000000)
#define NOW_S INT64_C(1764151300) /* 2025-11-26T10:01:40Z */
#define TOKEN "ABCDEFAB-CDEF-ABCD-EFAB-CDEFABCD7Q9Z"

static char dir[] = "/tmp/ctiboard-snapshot-XXXXXX";

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
	tzset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Read a whole file (NUL-terminated); NULL if it cannot be read. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0, got;
	char *buf = malloc(cap);
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n + 1 == cap)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* Item at a path of keys and array indexes: get(o, "queues", "#0", "today", NULL). */
static const cJSON *get(const cJSON *o, ...)
{
	va_list ap;
	va_start(ap, o);
	const char *key;
	while (o && (key = va_arg(ap, const char *))) {
		if (key[0] == '#')
			o = cJSON_GetArrayItem(o, atoi(key + 1));
		else
			o = cJSON_GetObjectItemCaseSensitive(o, key);
	}
	va_end(ap);
	if (!o)
		fail_msg("missing item in the snapshot");
	return o;
}

static const char *str_at(const cJSON *o)
{
	assert_true(cJSON_IsString(o));
	return o->valuestring;
}

static int64_t int_at(const cJSON *o)
{
	assert_true(cJSON_IsNumber(o));
	return (int64_t)o->valuedouble;
}

/* A state with one line ringing, one idle, a busy queue and an empty one, frozen at NOW_S. */
static void build_state(struct model_state *st)
{
	memset(st, 0, sizeof(*st));
	st->clock.replay = true;
	st->clock.speed = 0;
	st->clock.event_ns = NOW_S * NS;
	st->clock.wall_ns = 1;
	snprintf(st->source, sizeof(st->source), "replay of day.jsonl");
	st->day_start_s = NOW_S - 36100;

	st->nfeeds = 1;
	struct feed_status *f = &st->feeds[0];
	snprintf(f->label, sizeof(f->label), "...7Q9Z");
	f->state = FEED_LIVE;
	f->events = 42;
	f->errors = 3;
	f->polls = 17;
	snprintf(f->last_error, sizeof(f->last_error), "HTTP 502");

	st->nlines = st->cap_lines = 2;
	st->lines = calloc(2, sizeof(*st->lines));
	struct line *a = &st->lines[0], *b = &st->lines[1];
	snprintf(a->number, sizeof(a->number), "0033972101010");
	snprintf(a->description, sizeof(a->description), "Accueil");
	snprintf(a->type, sizeof(a->type), "sipCirpack");
	a->simultaneous = 2;
	a->ncalls = 1;
	a->nringing = 1;
	a->today = (struct line_today){
	    .calls_in = 4, .calls_out = 2, .answered = 3, .missed = 1, .talk_s = 321};
	snprintf(b->number, sizeof(b->number), "0033972101011");
	snprintf(b->description, sizeof(b->description), "Zoë \"Z\" Ünicode");
	b->registered_ns = (NOW_S - 90) * NS;
	b->simultaneous = -1;

	st->ncalls = st->cap_calls = 1;
	st->calls = calloc(1, sizeof(*st->calls));
	struct call *c = &st->calls[0];
	snprintf(c->id, sizeof(c->id), "a84c1e-77-sip4.ovh.fr");
	c->line = 0;
	c->state = CALL_RINGING;
	c->inbound = true;
	snprintf(c->calling, sizeof(c->calling), "0033612121212");
	snprintf(c->called, sizeof(c->called), "0033972101010");
	c->start_ns = c->since_ns = c->last_ns = (NOW_S - 7) * NS;

	st->nqueues = st->cap_queues = 2;
	st->queues = calloc(2, sizeof(*st->queues));
	struct queue *q = &st->queues[0];
	snprintf(q->number, sizeof(q->number), "0033972200000");
	snprintf(q->description, sizeof(q->description), "Support");
	q->count = -1;
	q->nmembers = q->cap_members = 2;
	q->members = calloc(2, sizeof(*q->members));
	struct member *m = &q->members[0];
	snprintf(m->uuid, sizeof(m->uuid), "0b2e-waiting");
	snprintf(m->number, sizeof(m->number), "0033655443322");
	snprintf(m->name, sizeof(m->name), "Client");
	m->state = MEMBER_WAITING;
	m->joined_s = NOW_S - 15;
	m = &q->members[1];
	snprintf(m->uuid, sizeof(m->uuid), "0b2e-talking");
	snprintf(m->number, sizeof(m->number), "0033655443323");
	m->state = MEMBER_WITH_AGENT;
	snprintf(m->agent, sizeof(m->agent), "0033972101011");
	m->joined_s = NOW_S - 60;
	m->answered_s = NOW_S - 48;
	q->nagents = q->cap_agents = 1;
	q->agents = calloc(1, sizeof(*q->agents));
	snprintf(q->agents[0].number, sizeof(q->agents[0].number), "0033972101011");
	q->agents[0].on_call = true;
	q->agents[0].taken_today = 5;
	snprintf(q->agents[0].status, sizeof(q->agents[0].status), "Available");
	q->today = (struct queue_today){.offered = 12,
	                                .answered = 8,
	                                .answered_in_sl = 7,
	                                .abandoned = 1,
	                                .short_abandoned = 1,
	                                .timed_out = 1,
	                                .talks = 7,
	                                .wait_total_s = 80,
	                                .talk_total_s = 700,
	                                .worst_wait_s = 40};
	q = &st->queues[1];
	snprintf(q->number, sizeof(q->number), "0033972300000");
	q->count = -1;

	st->counters = (struct counters){.events = 120,
	                                 .malformed = 2,
	                                 .duplicates = 5,
	                                 .unknown = 1,
	                                 .expired = 0,
	                                 .dropped = 0,
	                                 .registered = 30};
}

static void free_state(struct model_state *st)
{
	for (size_t i = 0; i < st->nqueues; i++) {
		free(st->queues[i].members);
		free(st->queues[i].agents);
	}
	free(st->queues);
	free(st->lines);
	free(st->calls);
	memset(st, 0, sizeof(*st));
}

/* The rate as the snapshot must print it, from queue_stats' per-mille. */
static void assert_rate(const char *text, const cJSON *item, const char *key, int pm)
{
	if (pm < 0) {
		assert_true(cJSON_IsNull(item));
		return;
	}
	assert_true(cJSON_IsNumber(item));
	char want[64];
	snprintf(want, sizeof(want), "\"%s\":\t%d.%03d", key, pm / 1000, pm % 1000);
	if (!strstr(text, want))
		fail_msg("snapshot lacks %s", want);
}

static void test_schema(void **state)
{
	(void)state;
	struct model_state st;
	struct settings s;
	settings_defaults(&s);
	build_state(&st);
	char *text = snapshot_json(&st, &s);
	assert_non_null(text);
	cJSON *root = cJSON_Parse(text);
	assert_non_null(root);

	assert_int_equal(int_at(get(root, "version", NULL)), 1);
	assert_int_equal(int_at(get(root, "now", NULL)), NOW_S);
	assert_string_equal(str_at(get(root, "now_iso", NULL)), "2025-11-26T11:01:40+01:00");
	assert_string_equal(str_at(get(root, "source", NULL)), "replay of day.jsonl");
	assert_int_equal(int_at(get(root, "day_start", NULL)), NOW_S - 36100);

	const cJSON *f = get(root, "feeds", "#0", NULL);
	assert_int_equal(cJSON_GetArraySize(get(root, "feeds", NULL)), 1);
	assert_string_equal(str_at(get(f, "token", NULL)), "...7Q9Z");
	assert_string_equal(str_at(get(f, "state", NULL)), feed_state_name(FEED_LIVE));
	assert_int_equal(int_at(get(f, "events", NULL)), 42);
	assert_int_equal(int_at(get(f, "errors", NULL)), 3);
	assert_int_equal(int_at(get(f, "polls", NULL)), 17);
	assert_true(cJSON_IsNull(get(f, "last_event_age_s", NULL)));
	assert_true(cJSON_IsNull(get(f, "last_ok_age_s", NULL)));
	assert_true(cJSON_IsNull(get(f, "retry_in_s", NULL)));
	assert_string_equal(str_at(get(f, "last_error", NULL)), "HTTP 502");

	const cJSON *l = get(root, "lines", "#0", NULL);
	assert_string_equal(str_at(get(l, "number", NULL)), "0033972101010");
	assert_string_equal(str_at(get(l, "display", NULL)), "+33 9 72 10 10 10");
	assert_string_equal(str_at(get(l, "description", NULL)), "Accueil");
	assert_string_equal(str_at(get(l, "type", NULL)), "sipCirpack");
	assert_true(cJSON_IsNull(get(l, "registered_age_s", NULL)));
	assert_string_equal(str_at(get(l, "state", NULL)), "ringing");
	assert_int_equal(cJSON_GetArraySize(get(l, "calls", NULL)), 1);
	const cJSON *c = get(l, "calls", "#0", NULL);
	assert_string_equal(str_at(get(c, "call_id", NULL)), "a84c1e-77-sip4.ovh.fr");
	assert_string_equal(str_at(get(c, "state", NULL)), call_state_name(CALL_RINGING));
	assert_string_equal(str_at(get(c, "direction", NULL)), "in");
	assert_string_equal(str_at(get(c, "calling", NULL)), "0033612121212");
	assert_string_equal(str_at(get(c, "called", NULL)), "0033972101010");
	assert_int_equal(int_at(get(c, "since", NULL)), NOW_S - 7);
	assert_int_equal(int_at(get(c, "duration_s", NULL)), 7);
	assert_int_equal(int_at(get(l, "today", "calls_in", NULL)), 4);
	assert_int_equal(int_at(get(l, "today", "calls_out", NULL)), 2);
	assert_int_equal(int_at(get(l, "today", "answered", NULL)), 3);
	assert_int_equal(int_at(get(l, "today", "missed", NULL)), 1);
	assert_int_equal(int_at(get(l, "today", "talk_s", NULL)), 321);

	l = get(root, "lines", "#1", NULL);
	assert_string_equal(str_at(get(l, "description", NULL)), "Zoë \"Z\" Ünicode");
	assert_int_equal(int_at(get(l, "registered_age_s", NULL)), 90);
	assert_string_equal(str_at(get(l, "state", NULL)), "idle");
	assert_int_equal(cJSON_GetArraySize(get(l, "calls", NULL)), 0);

	struct queue_stats qs;
	queue_stats(&st.queues[0], &s, NOW_S, &qs);
	const cJSON *q = get(root, "queues", "#0", NULL);
	assert_string_equal(str_at(get(q, "number", NULL)), "0033972200000");
	assert_string_equal(str_at(get(q, "display", NULL)), "+33 9 72 20 00 00");
	assert_string_equal(str_at(get(q, "description", NULL)), "Support");
	assert_int_equal(int_at(get(q, "waiting", NULL)), qs.waiting);
	assert_int_equal(int_at(get(q, "longest_wait_s", NULL)), 15);
	assert_int_equal(cJSON_GetArraySize(get(q, "members", NULL)), 2);
	const cJSON *m = get(q, "members", "#0", NULL);
	assert_string_equal(str_at(get(m, "id", NULL)), "0b2e-waiting");
	assert_string_equal(str_at(get(m, "caller", NULL)), "0033655443322");
	assert_string_equal(str_at(get(m, "name", NULL)), "Client");
	assert_string_equal(str_at(get(m, "state", NULL)), member_state_name(MEMBER_WAITING));
	assert_string_equal(str_at(get(m, "agent", NULL)), "");
	assert_int_equal(int_at(get(m, "since", NULL)), NOW_S - 15);
	assert_int_equal(int_at(get(m, "wait_s", NULL)), 15);
	m = get(q, "members", "#1", NULL);
	assert_string_equal(str_at(get(m, "state", NULL)), member_state_name(MEMBER_WITH_AGENT));
	assert_string_equal(str_at(get(m, "agent", NULL)), "0033972101011");
	assert_int_equal(int_at(get(m, "wait_s", NULL)), 12); /* answered: the wait stopped */
	const cJSON *a = get(q, "agents", "#0", NULL);
	assert_string_equal(str_at(get(a, "number", NULL)), "0033972101011");
	assert_true(cJSON_IsTrue(get(a, "on_call", NULL)));
	assert_int_equal(int_at(get(a, "taken_today", NULL)), 5);
	assert_string_equal(str_at(get(a, "status", NULL)), "Available");
	const cJSON *t = get(q, "today", NULL);
	assert_int_equal(int_at(get(t, "offered", NULL)), 12);
	assert_int_equal(int_at(get(t, "answered", NULL)), 8);
	assert_int_equal(int_at(get(t, "abandoned", NULL)), 1);
	assert_int_equal(int_at(get(t, "short_abandoned", NULL)), 1);
	assert_int_equal(int_at(get(t, "timed_out", NULL)), 1);
	assert_true(qs.abandon_rate_pm >= 0 && qs.service_level_pm >= 0);
	assert_rate(text, get(t, "abandon_rate", NULL), "abandon_rate", qs.abandon_rate_pm);
	assert_rate(text, get(t, "service_level", NULL), "service_level", qs.service_level_pm);
	assert_int_equal(int_at(get(t, "service_level_target_s", NULL)), s.sl_target_s);
	assert_int_equal(int_at(get(t, "avg_wait_s", NULL)), 10);
	assert_int_equal(int_at(get(t, "avg_talk_s", NULL)), 100);
	assert_int_equal(int_at(get(t, "worst_wait_s", NULL)), 40);
	assert_int_equal(int_at(get(t, "agents_on_call", NULL)), 1);

	/* a queue with no calls yet: rates and averages are null, not 0 */
	t = get(root, "queues", "#1", "today", NULL);
	assert_true(cJSON_IsNull(get(t, "abandon_rate", NULL)));
	assert_true(cJSON_IsNull(get(t, "service_level", NULL)));
	assert_true(cJSON_IsNull(get(t, "avg_wait_s", NULL)));
	assert_true(cJSON_IsNull(get(t, "avg_talk_s", NULL)));
	assert_int_equal(cJSON_GetArraySize(get(root, "queues", "#1", "members", NULL)), 0);

	const cJSON *k = get(root, "counters", NULL);
	assert_int_equal(int_at(get(k, "events", NULL)), 120);
	assert_int_equal(int_at(get(k, "malformed", NULL)), 2);
	assert_int_equal(int_at(get(k, "duplicates", NULL)), 5);
	assert_int_equal(int_at(get(k, "unknown", NULL)), 1);
	assert_int_equal(int_at(get(k, "expired", NULL)), 0);
	assert_int_equal(int_at(get(k, "dropped", NULL)), 0);
	assert_int_equal(int_at(get(k, "registered", NULL)), 30);

	cJSON_Delete(root);
	free(text);
	free_state(&st);
}

static void test_rates_ignore_locale(void **state)
{
	(void)state;
	const char *names[] = {"fr_FR.UTF-8", "fr_FR.utf8", "de_DE.UTF-8", "de_DE.utf8"};
	const char *got = NULL;
	for (size_t i = 0; !got && i < sizeof(names) / sizeof(names[0]); i++)
		got = setlocale(LC_ALL, names[i]);
	if (!got)
		skip(); /* no locale with a decimal comma is installed ("make deps" adds one) */
	struct model_state st;
	struct settings s;
	settings_defaults(&s);
	build_state(&st);
	char *text = snapshot_json(&st, &s);
	setlocale(LC_ALL, "C");
	assert_non_null(text);
	cJSON *root = cJSON_Parse(text);
	assert_non_null(root);
	struct queue_stats qs;
	queue_stats(&st.queues[0], &s, NOW_S, &qs);
	const cJSON *t = get(root, "queues", "#0", "today", NULL);
	assert_rate(text, get(t, "abandon_rate", NULL), "abandon_rate", qs.abandon_rate_pm);
	assert_rate(text, get(t, "service_level", NULL), "service_level", qs.service_level_pm);
	cJSON_Delete(root);
	free(text);
	free_state(&st);
}

/* Strings are escaped as JSON wants them: quotes, backslashes and every control character,
 * while UTF-8 passes as it is. */
static void test_string_escapes(void **state)
{
	(void)state;
	static const char nasty[] = "q\"b\\s/\b\f\n\r\t\x01\x1f\x7f Zo\xc3\xab end";
	struct model_state st;
	struct settings s;
	settings_defaults(&s);
	build_state(&st);
	snprintf(st.lines[1].description, sizeof(st.lines[1].description), "%s", nasty);
	snprintf(st.queues[0].agents[0].status, sizeof(st.queues[0].agents[0].status), "%s", nasty);
	char *text = snapshot_json(&st, &s);
	assert_non_null(text);
	for (const char *p = text; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')
			fail_msg("raw control character 0x%02x in the snapshot", (unsigned char)*p);
	assert_non_null(strstr(text, "\\u0001\\u001f"));
	cJSON *root = cJSON_Parse(text);
	assert_non_null(root);
	assert_string_equal(str_at(get(root, "lines", "#1", "description", NULL)), nasty);
	assert_string_equal(str_at(get(root, "queues", "#0", "agents", "#0", "status", NULL)),
	                    nasty);
	cJSON_Delete(root);
	free(text);
	free_state(&st);
}

/* An empty model is a whole document: empty arrays, counters at zero. */
static void test_empty_state(void **state)
{
	(void)state;
	struct model_state st;
	struct settings s;
	settings_defaults(&s);
	memset(&st, 0, sizeof(st));
	char *text = snapshot_json(&st, &s);
	assert_non_null(text);
	cJSON *root = cJSON_Parse(text);
	assert_non_null(root);
	assert_int_equal(cJSON_GetArraySize(get(root, "feeds", NULL)), 0);
	assert_int_equal(cJSON_GetArraySize(get(root, "lines", NULL)), 0);
	assert_int_equal(cJSON_GetArraySize(get(root, "queues", NULL)), 0);
	assert_int_equal(int_at(get(root, "counters", "events", NULL)), 0);
	cJSON_Delete(root);
	free(text);
}

static struct model *new_model(void)
{
	struct settings s;
	settings_defaults(&s);
	struct model *m = calloc(1, sizeof(*m));
	assert_non_null(m);
	assert_true(model_init(m, &s));
	return m;
}

/* The two illustrative events of the protocol page. */
static const char body_ringing[] =
    "{\"Session\":\"k3j4\",\"Message\":\"\",\"Events\":[{\"Event\":\"start_ringing\",\"Token\":"
    "\"" TOKEN "\",\"Service\":\"sip\",\"Ressource\":\"0033972101010\",\"Timestamp\":"
    "1764151200123456789,\"Date\":\"2025-11-26T11:00:00.123456 (CET)\",\"Data\":{\"Billing\":"
    "\"0033972101010\",\"Body\":\"SIP/2.0 180 Ringing\",\"CallId\":\"a84c1e-77-sip4.ovh.fr\","
    "\"Called\":\"0033972101010\",\"Calling\":\"0033612121212\",\"Cseq\":\"102 INVITE\","
    "\"Dialed\":\"0033972101010\",\"Event\":\"start_ringing\",\"Protocol\":\"sip\","
    "\"RelevantInfo\":\"\",\"Ts\":\"1764151200.123\",\"TsGet\":1764151200125000000},"
    "\"Details\":{\"Description\":\"Accueil\",\"Id\":\"3001\",\"IdBillingAccount\":\"77\","
    "\"SimultaneousLine\":\"2\",\"Type\":\"sipCirpack\"}}]}";
static const char body_bridged[] =
    "{\"Session\":\"k3j5\",\"Message\":\"\",\"Events\":[{\"Event\":\"bridge-agent-start\","
    "\"Token\":\"" TOKEN "\",\"Service\":\"queues\",\"Ressource\":\"0033972200000\","
    "\"Timestamp\":1764151260000000000,\"Date\":\"2025-11-26T11:01:00.000000 (CET)\","
    "\"Data\":{\"Action\":\"bridge-agent-start\",\"Agent\":\"0033972101011\",\"Calling\":"
    "\"0033655443322\",\"Protocol\":\"sip\",\"Queue\":\"0033972200000\",\"QueueAgent\":"
    "\"agent_0033972101011_12\",\"QueueAgentSystem\":\"single_box\",\"QueueAgentUUID\":"
    "\"6f1c...\",\"QueueAgentCalledTime\":\"1764151255\",\"QueueAgentAnsweredTime\":"
    "\"1764151260\",\"QueueMemberJoinedTime\":\"1764151231\",\"QueueMemberUUID\":\"0b2e...\","
    "\"QueueMemberSessionUUID\":\"91aa...\",\"QueueMemberCIDName\":\"+33655443322\","
    "\"QueueMemberCIDNumber\":\"0655443322\",\"QueueMemberDNIS\":\"\",\"Ts\":\"1764151260\"},"
    "\"Details\":{\"Description\":\"Support\",\"Id\":\"4001\",\"IdBillingAccount\":\"77\","
    "\"SimultaneousLine\":\"0\",\"Type\":\"easyHunting\"}}]}";

static void ingest_text(struct model *m, const char *body, int64_t rx)
{
	struct ingest_result r;
	memset(&r, 0, sizeof(r));
	ingest_body(m, NULL, body, strlen(body), rx, &r);
	assert_true(r.parsed);
	assert_int_equal(r.malformed, 0);
}

static void test_from_ingested_events(void **state)
{
	(void)state;
	struct model *m = new_model();
	ingest_text(m, body_ringing, INT64_C(1764151200200000000));
	ingest_text(m, body_bridged, INT64_C(1764151260100000000));
	struct model_state view;
	memset(&view, 0, sizeof(view));
	uint64_t seen = UINT64_MAX;
	assert_true(model_view(m, &view, &seen));
	char *text = snapshot_json(&view, &m->set);
	assert_non_null(text);
	assert_null(strstr(text, TOKEN));
	cJSON *root = cJSON_Parse(text);
	assert_non_null(root);

	assert_int_equal(cJSON_GetArraySize(get(root, "lines", NULL)), 1);
	const cJSON *l = get(root, "lines", "#0", NULL);
	assert_string_equal(str_at(get(l, "number", NULL)), "0033972101010");
	assert_string_equal(str_at(get(l, "description", NULL)), "Accueil");
	assert_string_equal(str_at(get(l, "state", NULL)), "ringing");
	const cJSON *c = get(l, "calls", "#0", NULL);
	assert_string_equal(str_at(get(c, "call_id", NULL)), "a84c1e-77-sip4.ovh.fr");
	assert_string_equal(str_at(get(c, "direction", NULL)), "in");
	assert_string_equal(str_at(get(c, "calling", NULL)), "0033612121212");
	assert_int_equal(int_at(get(c, "since", NULL)), 1764151200);

	assert_int_equal(cJSON_GetArraySize(get(root, "queues", NULL)), 1);
	const cJSON *q = get(root, "queues", "#0", NULL);
	assert_string_equal(str_at(get(q, "number", NULL)), "0033972200000");
	assert_string_equal(str_at(get(q, "description", NULL)), "Support");
	const cJSON *mem = get(q, "members", "#0", NULL);
	assert_string_equal(str_at(get(mem, "id", NULL)), "0b2e...");
	assert_string_equal(str_at(get(mem, "caller", NULL)), "0033655443322");
	assert_string_equal(str_at(get(mem, "state", NULL)), "with_agent");
	assert_string_equal(str_at(get(mem, "agent", NULL)), "0033972101011");
	assert_int_equal(int_at(get(mem, "since", NULL)), 1764151231);
	assert_int_equal(int_at(get(mem, "wait_s", NULL)), 29);
	assert_int_equal(int_at(get(q, "today", "answered", NULL)), 1);
	assert_int_equal(int_at(get(root, "counters", "events", NULL)), 2);
	assert_int_equal(int_at(get(root, "counters", "malformed", NULL)), 0);

	cJSON_Delete(root);
	free(text);
	state_free(&view);
	model_done(m);
	free(m);
}

/* Names in d other than keep: a temporary file left behind would show here. */
static int other_files(const char *d, const char *keep)
{
	DIR *dp = opendir(d);
	assert_non_null(dp);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(dp)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, keep))
			n++;
	closedir(dp);
	return n;
}

static void test_atomic_write(void **state)
{
	(void)state;
	char d[256], path[300], err[256];
	snprintf(d, sizeof(d), "%s/atomic", dir);
	assert_int_equal(mkdir(d, 0700), 0);
	snprintf(path, sizeof(path), "%s/snap.json", d);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("old content, not JSON", f);
	fclose(f);

	struct model_state st;
	struct settings s;
	settings_defaults(&s);
	build_state(&st);
	assert_true(snapshot_write(&st, &s, path, err, sizeof(err)));
	st.counters.events = 121;
	assert_true(snapshot_write(&st, &s, path, err, sizeof(err)));
	assert_int_equal(other_files(d, "snap.json"), 0);
	char *text = slurp(path);
	assert_non_null(text);
	cJSON *root = cJSON_Parse(text);
	assert_non_null(root);
	assert_int_equal(int_at(get(root, "counters", "events", NULL)), 121);
	cJSON_Delete(root);
	free(text);

	/* a directory that does not exist: an error, and nothing created */
	snprintf(path, sizeof(path), "%s/missing/snap.json", d);
	err[0] = '\0';
	assert_false(snapshot_write(&st, &s, path, err, sizeof(err)));
	assert_non_null(strstr(err, "missing"));
	assert_int_equal(other_files(d, "snap.json"), 0);
	free_state(&st);
}

/* Count the occurrences of needle in text. */
static int count_of(const char *text, const char *needle)
{
	int n = 0;
	for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* A document much larger than the writer's chunks, dense with secrets, one inside strings and
 * one across a key, its separator and the start of a value: the file is the text of
 * snapshot_json() exactly, and no secret survives whole, wherever a chunk ends. */
static void test_large_write_is_redacted_whole(void **state)
{
	(void)state;
	enum { LINES = 3000 };
	static const char across[] = "\"description\":\t\"QXZ";
	char path[300], err[256];
	snprintf(path, sizeof(path), "%s/large.json", dir);
	redact_register(TOKEN);
	redact_register(across);
	struct model_state st;
	struct settings s;
	settings_defaults(&s);
	build_state(&st);
	free(st.lines);
	st.nlines = st.cap_lines = LINES;
	st.lines = calloc(LINES, sizeof(*st.lines));
	assert_non_null(st.lines);
	for (int i = 0; i < LINES; i++) {
		struct line *l = &st.lines[i];
		snprintf(l->number, sizeof(l->number), "00339721%05d", i);
		snprintf(l->description, sizeof(l->description), "QXZ%s%s%.*s", TOKEN, TOKEN,
		         i % 11, "..........");
	}
	assert_true(snapshot_write(&st, &s, path, err, sizeof(err)));
	char *file = slurp(path);
	char *text = snapshot_json(&st, &s);
	assert_non_null(file);
	assert_non_null(text);
	assert_true(strlen(file) > 10 * 64 * 1024);
	assert_int_equal(strlen(file), strlen(text) + 1);
	assert_memory_equal(file, text, strlen(text));
	assert_null(strstr(file, TOKEN));
	assert_null(strstr(file, across));
	assert_int_equal(count_of(file, "********7Q9Z"), 2 * LINES);
	assert_int_equal(count_of(file, "****\"QXZ"), LINES);
	free(text);
	free(file);
	free_state(&st);
}

static void test_writer_thread(void **state)
{
	(void)state;
	char path[300], err[256];
	struct model *m = new_model();

	snprintf(path, sizeof(path), "%s/nowhere/snap.json", dir);
	assert_null(snapshot_writer_start(m, path, 100, err, sizeof(err)));
	assert_true(err[0] != '\0');

	snprintf(path, sizeof(path), "%s/live.json", dir);
	struct snapshot_writer *w = snapshot_writer_start(m, path, 20, err, sizeof(err));
	assert_non_null(w);
	char *text = slurp(path); /* written at start: an empty model */
	assert_non_null(text);
	cJSON *root = cJSON_Parse(text);
	assert_non_null(root);
	assert_int_equal(int_at(get(root, "counters", "events", NULL)), 0);
	cJSON_Delete(root);
	free(text);

	ingest_text(m, body_ringing, INT64_C(1764151200200000000));
	ingest_text(m, body_bridged, INT64_C(1764151260100000000));
	snapshot_writer_stop(w); /* the final snapshot holds everything ingested */
	text = slurp(path);
	assert_non_null(text);
	root = cJSON_Parse(text);
	assert_non_null(root);
	assert_int_equal(int_at(get(root, "counters", "events", NULL)), 2);
	assert_int_equal(cJSON_GetArraySize(get(root, "lines", NULL)), 1);
	cJSON_Delete(root);
	free(text);
	model_done(m);
	free(m);
}

static ino_t inode_of(const char *path)
{
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	return sb.st_ino;
}

/* The model moved but its document is the same: the file in place is left alone; a change
 * that shows is written. */
static void test_writer_skips_an_unchanged_document(void **state)
{
	(void)state;
	char path[300], err[256];
	struct model *m = new_model();
	m->st.clock.replay = true; /* a frozen clock: "now" does not move */
	m->st.clock.speed = 0;
	m->st.clock.event_ns = INT64_C(1764151200) * 1000000000;
	m->st.clock.wall_ns = 1;
	snprintf(path, sizeof(path), "%s/still.json", dir);
	struct snapshot_writer *w = snapshot_writer_start(m, path, 10, err, sizeof(err));
	assert_non_null(w);
	ino_t first = inode_of(path);
	for (int i = 0; i < 20; i++) {
		model_lock(m);
		m->dirty = true; /* the generation moves, nothing else */
		model_unlock(m);
		usleep(20000);
	}
	assert_true(inode_of(path) == first);
	ingest_text(m, body_ringing, INT64_C(1764151200200000000));
	for (int i = 0; i < 500 && inode_of(path) == first; i++)
		usleep(10000);
	assert_true(inode_of(path) != first);
	snapshot_writer_stop(w);
	model_done(m);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_schema),
	    cmocka_unit_test(test_rates_ignore_locale),
	    cmocka_unit_test(test_string_escapes),
	    cmocka_unit_test(test_empty_state),
	    cmocka_unit_test(test_from_ingested_events),
	    cmocka_unit_test(test_atomic_write),
	    cmocka_unit_test(test_large_write_is_redacted_whole),
	    cmocka_unit_test(test_writer_thread),
	    cmocka_unit_test(test_writer_skips_an_unchanged_document),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
