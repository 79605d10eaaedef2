/* roster.c: the OVH API thread: the roster now and then, the agents' live status often. */
#include "roster.h"

#include <cJSON.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent_status.h"
#include "api_action.h"
#include "api_state.h"
#include "clock.h"
#include "journal.h"
#include "json_arena.h"
#include "model.h"
#include "ovh_api.h"
#include "ovh_conf.h"
#include "redact.h"
#include "settings.h"
#include "text.h"
#include "thread.h"

#define PATH_MAX_LEN 512

static const char *const kinds[] = {"easyHunting", "ovhPabx"};

/* One easyHunting or ovhPabx service, with what is needed to build its paths. */
struct service {
	char billing[128];
	int kind;             /* index in kinds[] */
	char name[NUM_MAX];   /* its serviceName, as the API spells it */
	char number[NUM_MAX]; /* canonical */
};

struct break_reason {
	size_t service;
	int64_t id;
	char name[TEXT_MAX];
};

/* The last status journalled of an agent: a line is written when it changes. */
struct journalled {
	char service[2 * NUM_MAX];
	int64_t agent_id;
	char status[16];
	char reason[TEXT_MAX];
};

struct roster {
	pthread_t thread;
	struct model *m;
	struct journal *journal; /* agents' status changes go there; NULL: none */
	struct ovh_api *api;
	atomic_bool stop;
	int roster_s, status_s;
	/* the thread's own copy of the roster */
	struct service *services;
	size_t nservices;
	struct break_reason *reasons;
	size_t nreasons;
	struct api_agent agents[API_AGENTS_MAX];
	size_t agent_service[API_AGENTS_MAX];
	size_t nagents;
	struct api_queue queues[API_QUEUES_MAX];
	size_t queue_service[API_QUEUES_MAX];
	size_t nqueues;
	bool have_roster;
	struct journalled journalled[API_AGENTS_MAX];
	size_t njournalled;
	int journalled_day; /* the local day (yyyymmdd) of journalled[]: each day's file has all */
	/* the live calls of the queue the console watches */
	char live_service[NUM_MAX]; /* "" none */
	int64_t next_live_ns;       /* monotonic: the next read */
	struct api_live_calls live;
};

/* ---- what the API answered, into the model's health ---- */

static void note_reply(struct roster *r, const struct ovh_reply *rep)
{
	struct model *m = r->m;
	struct api_status *a = model_api_begin(m);
	a->requests = ovh_api_requests(r->api);
	if (rep->outcome == OVH_OK) {
		if (r->have_roster)
			a->health = API_OK;
		a->last_ok_ns = wall_now_ns();
	} else if (rep->outcome != OVH_STOPPED) {
		if (rep->outcome == OVH_HTTP_ERROR && rep->http == 429)
			a->health = API_RATE_LIMITED;
		else if (rep->outcome == OVH_HTTP_ERROR && (rep->http == 401 || rep->http == 403))
			a->health = API_AUTH_FAILED;
		else
			a->health = API_ERROR;
		char line[512];
		ovh_reply_describe(rep, line, sizeof line);
		redact_text(line, strlen(line));
		text_sanitize(a->last_error, sizeof a->last_error, line, strlen(line));
	}
	model_api_end(m);
}

/* A signed GET; the answer's JSON (to free) or NULL, the health noted either way. A 404 on a
 * list is an empty list (an account without ovhPabx, say) when empty_on_404. */
static cJSON *get(struct roster *r, const char *path, bool empty_on_404)
{
	struct ovh_reply rep;
	cJSON *json = NULL;
	if (ovh_api_call(r->api, "GET", path, NULL, &rep)) {
		json = rep.json;
		rep.json = NULL;
	} else if (empty_on_404 && rep.outcome == OVH_HTTP_ERROR && rep.http == 404) {
		json = cJSON_CreateArray();
		rep.outcome = OVH_OK;
	}
	note_reply(r, &rep);
	ovh_reply_clear(&rep);
	return json;
}

static void json_text(char *dst, size_t dstsize, const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	dst[0] = '\0';
	if (cJSON_IsString(v) && v->valuestring)
		text_sanitize(dst, dstsize, v->valuestring, strlen(v->valuestring));
}

static int64_t json_int(const cJSON *obj, const char *key, int64_t otherwise)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : otherwise;
}

/* n decimal digits at *p into *out, then the separator sep (0: none); false if not there. */
static bool digits(const char **p, int n, char sep, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return false;
		v = v * 10 + (**p - '0');
	}
	*out = v;
	if (sep && *(*p)++ != sep)
		return false;
	return true;
}

/* "2025-11-26T10:00:00+01:00" (or Z, or fractions of a second) in Unix seconds; 0 if not. */
static int64_t parse_datetime(const char *s)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0;
	const char *p = s;
	if (!digits(&p, 4, '-', &y) || !digits(&p, 2, '-', &mo) || !digits(&p, 2, 'T', &d) ||
	    !digits(&p, 2, ':', &h) || !digits(&p, 2, ':', &mi) || !digits(&p, 2, 0, &sec))
		return 0;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	int64_t sign = 0;
	if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (!digits(&p, 2, 0, &oh) || (*p == ':' && (p++, !digits(&p, 2, 0, &om))))
			return 0;
	} else if (*p != 'Z' && *p != '\0') {
		return 0;
	}
	struct tm tm = {.tm_year = y - 1900,
	                .tm_mon = mo - 1,
	                .tm_mday = d,
	                .tm_hour = h,
	                .tm_min = mi,
	                .tm_sec = sec};
	return (int64_t)timegm(&tm) - sign * (int64_t)(oh * 3600 + om * 60);
}

/* ---- the roster ---- */

static bool add_service(struct roster *r, const char *billing, int kind, const char *name)
{
	struct service *grown = realloc(r->services, (r->nservices + 1) * sizeof *grown);
	if (!grown)
		return false;
	r->services = grown;
	struct service *s = &r->services[r->nservices++];
	text_copy(s->billing, sizeof s->billing, billing);
	s->kind = kind;
	text_copy(s->name, sizeof s->name, name);
	phone_normalize(s->number, sizeof s->number, name);
	return true;
}

static void hunting_path(char *dst, const struct service *s, const char *rest)
{
	snprintf(dst, PATH_MAX_LEN, "/telephony/%s/%s/%s/hunting%s", s->billing, kinds[s->kind],
	         s->name, rest);
}

/* The lines of a billing account: their numbers at once, then each one's description. */
static bool read_lines(struct roster *r, const char *billing)
{
	char path[PATH_MAX_LEN];
	snprintf(path, sizeof path, "/telephony/%s/line", billing);
	cJSON *list = get(r, path, true);
	if (!list)
		return false;
	const cJSON *it;
	model_lock(r->m);
	cJSON_ArrayForEach(it, list)
	{
		char number[NUM_MAX];
		if (cJSON_IsString(it)) {
			phone_normalize(number, sizeof number, it->valuestring);
			model_roster_line(r->m, number, "");
		}
	}
	model_unlock(r->m);
	bool ok = true;
	cJSON_ArrayForEach(it, list)
	{
		if (!cJSON_IsString(it) || !ovh_path_segment_ok(it->valuestring))
			continue;
		snprintf(path, sizeof path, "/telephony/%s/line/%s", billing, it->valuestring);
		cJSON *line = get(r, path, false);
		if (!line) {
			ok = false;
			break;
		}
		char number[NUM_MAX], description[TEXT_MAX];
		phone_normalize(number, sizeof number, it->valuestring);
		json_text(description, sizeof description, line, "description");
		model_lock(r->m);
		model_roster_line(r->m, number, description);
		model_unlock(r->m);
		cJSON_Delete(line);
	}
	cJSON_Delete(list);
	return ok;
}

/* An id list: every integer of a JSON array. */
static size_t id_list(const cJSON *list, int64_t *ids, size_t max)
{
	size_t n = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, list)
	{
		if (cJSON_IsNumber(it) && n < max)
			ids[n++] = (int64_t)it->valuedouble;
	}
	return n;
}

/* Append name to a ", "-separated list. */
static void list_add(char *list, size_t size, const char *name)
{
	size_t n = strlen(list);
	if (n)
		snprintf(list + n, size - n, ", %s", name);
	else
		snprintf(list, size, "%s", name);
}

/* One hunting service: its queues (with their agents) and agents, and its break reasons. */
static bool read_hunting(struct roster *r, size_t si)
{
	struct service *s = &r->services[si];
	char path[PATH_MAX_LEN], rest[128];
	int64_t ids[API_AGENTS_MAX];

	snprintf(path, sizeof path, "/telephony/%s/%s/%s", s->billing, kinds[s->kind], s->name);
	cJSON *obj = get(r, path, false);
	if (!obj)
		return false;
	char description[TEXT_MAX];
	json_text(description, sizeof description, obj, "description");
	cJSON_Delete(obj);
	model_lock(r->m);
	model_roster_queue(r->m, s->number, description);
	model_unlock(r->m);

	/* agents first, so that queues can name theirs */
	size_t first_agent = r->nagents;
	hunting_path(path, s, "/agent");
	cJSON *list = get(r, path, true);
	if (!list)
		return false;
	size_t n = id_list(list, ids, API_AGENTS_MAX);
	cJSON_Delete(list);
	for (size_t i = 0; i < n && r->nagents < API_AGENTS_MAX; i++) {
		snprintf(rest, sizeof rest, "/agent/%lld", (long long)ids[i]);
		hunting_path(path, s, rest);
		cJSON *a = get(r, path, false);
		if (!a)
			return false;
		struct api_agent *ag = &r->agents[r->nagents];
		memset(ag, 0, sizeof *ag);
		ag->agent_id = ids[i];
		char number[NUM_MAX];
		json_text(number, sizeof number, a, "number");
		phone_normalize(ag->number, sizeof ag->number, number);
		json_text(ag->name, sizeof ag->name, a, "description");
		text_copy(ag->service, sizeof ag->service, s->number);
		r->agent_service[r->nagents++] = si;
		cJSON_Delete(a);
	}

	hunting_path(path, s, "/queue");
	if (!(list = get(r, path, true)))
		return false;
	n = id_list(list, ids, API_QUEUES_MAX);
	cJSON_Delete(list);
	for (size_t i = 0; i < n && r->nqueues < API_QUEUES_MAX; i++) {
		snprintf(rest, sizeof rest, "/queue/%lld", (long long)ids[i]);
		hunting_path(path, s, rest);
		cJSON *q = get(r, path, false);
		if (!q)
			return false;
		struct api_queue *aq = &r->queues[r->nqueues];
		memset(aq, 0, sizeof *aq);
		aq->queue_id = ids[i];
		text_copy(aq->service, sizeof aq->service, s->number);
		json_text(aq->name, sizeof aq->name, q, "description");
		if (!aq->name[0])
			snprintf(aq->name, sizeof aq->name, "queue %lld", (long long)ids[i]);
		r->queue_service[r->nqueues++] = si;
		cJSON_Delete(q);
		snprintf(rest, sizeof rest, "/queue/%lld/agent", (long long)ids[i]);
		hunting_path(path, s, rest);
		if (!(list = get(r, path, true)))
			return false;
		int64_t members[API_AGENTS_MAX];
		size_t nm = id_list(list, members, API_AGENTS_MAX);
		cJSON_Delete(list);
		for (size_t k = 0; k < nm; k++)
			for (size_t a = first_agent; a < r->nagents; a++)
				if (r->agents[a].agent_id == members[k])
					list_add(r->agents[a].queues, sizeof r->agents[a].queues,
					         aq->name);
	}

	hunting_path(path, s, "/customStatus");
	if (!(list = get(r, path, true)))
		return false;
	n = id_list(list, ids, API_AGENTS_MAX);
	cJSON_Delete(list);
	for (size_t i = 0; i < n; i++) {
		snprintf(rest, sizeof rest, "/customStatus/%lld", (long long)ids[i]);
		hunting_path(path, s, rest);
		cJSON *c = get(r, path, false);
		if (!c)
			return false;
		struct break_reason *grown =
		    realloc(r->reasons, (r->nreasons + 1) * sizeof *r->reasons);
		if (!grown) {
			cJSON_Delete(c);
			return false;
		}
		r->reasons = grown;
		struct break_reason *b = &r->reasons[r->nreasons++];
		b->service = si;
		b->id = ids[i];
		json_text(b->name, sizeof b->name, c, "name");
		cJSON_Delete(c);
	}
	return true;
}

/* Give the new roster to the model, keeping the statuses already known. */
static void publish_roster(struct roster *r)
{
	struct model *m = r->m;
	struct api_status *a = model_api_begin(m);
	for (size_t i = 0; i < r->nagents; i++) {
		struct api_agent *ag = &r->agents[i];
		for (size_t k = 0; k < a->nagents; k++) {
			const struct api_agent *old = &a->agents[k];
			if (old->agent_id == ag->agent_id &&
			    strcmp(old->service, ag->service) == 0 && old->have_status) {
				text_copy(ag->status, sizeof ag->status, old->status);
				text_copy(ag->break_reason, sizeof ag->break_reason,
				          old->break_reason);
				ag->status_since_s = old->status_since_s;
				ag->taken_today = old->taken_today;
				ag->talk_s = old->talk_s;
				ag->have_status = true;
			}
		}
		model_roster_agent(m, ag->service, ag->number);
	}
	memcpy(a->agents, r->agents, r->nagents * sizeof *a->agents);
	a->nagents = r->nagents;
	memcpy(a->queues, r->queues, r->nqueues * sizeof *a->queues);
	a->nqueues = r->nqueues;
	a->nreasons = 0;
	for (size_t i = 0; i < r->nreasons && a->nreasons < API_REASONS_MAX; i++) {
		struct api_break_reason *b = &a->reasons[a->nreasons++];
		text_copy(b->service, sizeof b->service, r->services[r->reasons[i].service].number);
		b->id = r->reasons[i].id;
		text_copy(b->name, sizeof b->name, r->reasons[i].name);
	}
	a->roster_ns = wall_now_ns();
	a->health = API_OK;
	model_api_end(m);
}

/* Read the whole roster; false (health noted) when a request failed. */
static bool read_roster(struct roster *r)
{
	cJSON *accounts = get(r, "/telephony", false);
	if (!accounts)
		return false;
	free(r->services);
	free(r->reasons);
	r->services = NULL;
	r->reasons = NULL;
	r->nservices = r->nreasons = r->nagents = r->nqueues = 0;
	bool ok = true;
	const cJSON *ba;
	cJSON_ArrayForEach(ba, accounts)
	{
		if (!ok || !cJSON_IsString(ba) || !ovh_path_segment_ok(ba->valuestring))
			continue;
		ok = read_lines(r, ba->valuestring);
		for (int k = 0; ok && k < 2; k++) {
			char path[PATH_MAX_LEN];
			snprintf(path, sizeof path, "/telephony/%s/%s", ba->valuestring, kinds[k]);
			cJSON *list = get(r, path, true);
			const cJSON *sn;
			ok = list != NULL;
			cJSON_ArrayForEach(sn, list)
			{
				if (ok && cJSON_IsString(sn) &&
				    ovh_path_segment_ok(sn->valuestring))
					ok = add_service(r, ba->valuestring, k, sn->valuestring);
			}
			cJSON_Delete(list);
		}
	}
	cJSON_Delete(accounts);
	for (size_t i = 0; ok && i < r->nservices; i++)
		ok = read_hunting(r, i);
	if (ok) {
		r->have_roster = true;
		publish_roster(r);
	}
	return ok;
}

/* ---- live statuses ---- */

static const char *break_reason_name(const struct roster *r, size_t service, int64_t id)
{
	for (size_t i = 0; i < r->nreasons; i++)
		if (r->reasons[i].service == service && r->reasons[i].id == id)
			return r->reasons[i].name;
	return "";
}

/* Journal the agent's status if it is not the one last journalled for it: one line
 * {"ctiboard":"agent_status","queue":...,"agent":...,"status":...,"reason":...,"t":...}, t
 * the API's lastStatusChange (else now). The report reads them (time on break, logged in). */
static void journal_status(struct roster *r, const struct api_agent *ag)
{
	struct journalled *j = NULL;
	int64_t now = wall_now_ns();
	/* a new day file begins with every agent's status: a report ends a status with its file */
	time_t now_s = (time_t)(now / NS_PER_S);
	struct tm tm;
	if (localtime_r(&now_s, &tm)) {
		int day = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
		if (day != r->journalled_day)
			r->njournalled = 0;
		r->journalled_day = day;
	}
	for (size_t i = 0; i < r->njournalled && !j; i++)
		if (r->journalled[i].agent_id == ag->agent_id &&
		    strcmp(r->journalled[i].service, ag->service) == 0)
			j = &r->journalled[i];
	if (j && strcmp(j->status, ag->status) == 0 && strcmp(j->reason, ag->break_reason) == 0)
		return;
	if (!j && r->njournalled < API_AGENTS_MAX) {
		j = &r->journalled[r->njournalled++];
		text_copy(j->service, sizeof j->service, ag->service);
		j->agent_id = ag->agent_id;
	}
	if (j) {
		text_copy(j->status, sizeof j->status, ag->status);
		text_copy(j->reason, sizeof j->reason, ag->break_reason);
	}
	if (!r->journal || !ag->status[0])
		return;
	char *line = agent_status_journal_line(ag, now / NS_PER_S);
	if (line)
		journal_append(r->journal, line, strlen(line), now);
	free(line);
}

/* One agent's live status (and its break reason when on break). */
static bool poll_agent(struct roster *r, size_t i)
{
	struct api_agent *ag = &r->agents[i];
	const struct service *s = &r->services[r->agent_service[i]];
	char path[PATH_MAX_LEN], rest[128];
	snprintf(rest, sizeof rest, "/agent/%lld/liveStatus", (long long)ag->agent_id);
	hunting_path(path, s, rest);
	cJSON *live = get(r, path, false);
	if (!live)
		return false;
	json_text(ag->status, sizeof ag->status, live, "status");
	char when[64];
	json_text(when, sizeof when, live, "lastStatusChange");
	ag->status_since_s = parse_datetime(when);
	ag->taken_today = (uint32_t)json_int(live, "answeredCalls", 0);
	ag->talk_s = json_int(live, "totalCallDuration", 0);
	ag->have_status = true;
	cJSON_Delete(live);
	ag->break_reason[0] = '\0';
	if (strcmp(ag->status, "onBreak") == 0) {
		snprintf(rest, sizeof rest, "/agent/%lld", (long long)ag->agent_id);
		hunting_path(path, s, rest);
		cJSON *a = get(r, path, false);
		if (!a)
			return false;
		int64_t id = json_int(a, "breakStatus", -1);
		text_copy(ag->break_reason, sizeof ag->break_reason,
		          break_reason_name(r, r->agent_service[i], id));
		cJSON_Delete(a);
	}
	journal_status(r, ag);
	struct api_status *st = model_api_begin(r->m);
	for (size_t k = 0; k < st->nagents; k++)
		if (st->agents[k].agent_id == ag->agent_id &&
		    strcmp(st->agents[k].service, ag->service) == 0)
			st->agents[k] = *ag;
	model_api_end(r->m);
	return true;
}

static bool poll_queue(struct roster *r, size_t i)
{
	struct api_queue *q = &r->queues[i];
	char path[PATH_MAX_LEN], rest[128], when[64];
	snprintf(rest, sizeof rest, "/queue/%lld/liveStatistics", (long long)q->queue_id);
	hunting_path(path, &r->services[r->queue_service[i]], rest);
	cJSON *st = get(r, path, false);
	if (!st)
		return false;
	q->answered = (uint32_t)json_int(st, "callsAnswered", 0);
	q->lost = (uint32_t)json_int(st, "callsLost", 0);
	q->total = (uint32_t)json_int(st, "callsTotal", 0);
	json_text(when, sizeof when, st, "lastReset");
	q->last_reset_s = parse_datetime(when);
	q->have_stats = true;
	cJSON_Delete(st);
	struct api_status *a = model_api_begin(r->m);
	for (size_t k = 0; k < a->nqueues; k++)
		if (a->queues[k].queue_id == q->queue_id &&
		    strcmp(a->queues[k].service, q->service) == 0)
			a->queues[k] = *q;
	model_api_end(r->m);
	return true;
}

/* ---- a queue's live calls, while the console shows them ---- */

/* One call of liveCalls/{id} into c; false when it has ended (or is not an object). */
static bool live_call_from(struct api_live_call *c, const cJSON *o)
{
	const cJSON *end = cJSON_GetObjectItemCaseSensitive(o, "end");
	if (!cJSON_IsObject(o) || (cJSON_IsString(end) && end->valuestring[0]))
		return false;
	char text[TEXT_MAX];
	json_text(text, sizeof text, o, "state");
	c->answered = strcmp(text, "Answered") == 0;
	json_text(text, sizeof text, o, "callerIdNumber");
	if ((text[0] >= '0' && text[0] <= '9') || text[0] == '+')
		phone_normalize(c->caller, sizeof c->caller, text);
	else
		text_copy(c->caller, sizeof c->caller, text);
	json_text(c->caller_name, sizeof c->caller_name, o, "callerIdName");
	json_text(c->agent, sizeof c->agent, o, "agent");
	json_text(c->queue, sizeof c->queue, o, "queue");
	json_text(text, sizeof text, o, "begin");
	c->begin_s = parse_datetime(text);
	json_text(text, sizeof text, o, "answered");
	c->answered_s = parse_datetime(text);
	c->on_hold = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "onHold"));
	return true;
}

/* Read the live calls of every queue of the service (liveCalls, then each call) and give
 * them to the model, unless the console stopped watching meanwhile. */
static void read_live_calls(struct roster *r, const char *service)
{
	struct api_live_calls *live = &r->live;
	char path[PATH_MAX_LEN], rest[128];
	memset(live, 0, sizeof *live);
	text_copy(live->service, sizeof live->service, service);
	for (size_t i = 0; i < r->nqueues && !live->failed; i++) {
		const struct api_queue *q = &r->queues[i];
		const struct service *s = &r->services[r->queue_service[i]];
		if (strcmp(q->service, service) != 0)
			continue;
		snprintf(rest, sizeof rest, "/queue/%lld/liveCalls", (long long)q->queue_id);
		hunting_path(path, s, rest);
		cJSON *list = get(r, path, true);
		int64_t ids[API_LIVE_MAX];
		size_t n = list ? id_list(list, ids, API_LIVE_MAX) : 0;
		live->failed = list == NULL;
		cJSON_Delete(list);
		for (size_t k = 0; k < n && live->n < API_LIVE_MAX && !atomic_load(&r->stop); k++) {
			snprintf(rest, sizeof rest, "/queue/%lld/liveCalls/%lld",
			         (long long)q->queue_id, (long long)ids[k]);
			hunting_path(path, s, rest);
			cJSON *o = get(r, path, false); /* NULL: it ended meanwhile, or failed */
			struct api_live_call *c = &live->calls[live->n];
			memset(c, 0, sizeof *c);
			c->queue_id = q->queue_id;
			c->id = ids[k];
			if (o && live_call_from(c, o)) {
				if (!c->queue[0])
					text_copy(c->queue, sizeof c->queue, q->name);
				live->n++;
			}
			cJSON_Delete(o);
		}
	}
	live->read_ns = wall_now_ns();
	char watched[NUM_MAX];
	model_live_calls_watched(r->m, watched, sizeof watched);
	if (strcmp(watched, service) != 0)
		return; /* no longer shown: the next round forgets them */
	struct api_status *a = model_api_begin(r->m);
	a->live = *live;
	model_api_end(r->m);
}

/* Read the watched queue's live calls when it changed or every api_status_s; forget them
 * when the console no longer watches. */
static void poll_live_calls(struct roster *r)
{
	char watched[NUM_MAX];
	model_live_calls_watched(r->m, watched, sizeof watched);
	if (!watched[0] && r->live_service[0]) {
		struct api_status *a = model_api_begin(r->m);
		memset(&a->live, 0, sizeof a->live);
		model_api_end(r->m);
	}
	bool changed = strcmp(watched, r->live_service) != 0;
	text_copy(r->live_service, sizeof r->live_service, watched);
	if (!watched[0] || (!changed && mono_now_ns() < r->next_live_ns))
		return;
	read_live_calls(r, watched);
	r->next_live_ns = mono_now_ns() + (int64_t)r->status_s * NS_PER_S;
}

/* ---- supervisor's actions ---- */

/* Where the action goes: the agent's path or the live call's; false (answer said) when the
 * roster no longer lists it. *agent_at is the agent's place, or r->nagents. */
static bool action_path(const struct roster *r, const struct api_action *act, char *path,
                        size_t *agent_at, struct api_action_result *res)
{
	char rest[160];
	*agent_at = r->nagents;
	if (api_action_on_call(act->kind)) {
		for (size_t i = 0; i < r->nqueues; i++)
			if (r->queues[i].queue_id == act->queue_id &&
			    strcmp(r->queues[i].service, act->service) == 0) {
				snprintf(rest, sizeof rest, "/queue/%lld/liveCalls/%lld%s",
				         (long long)act->queue_id, (long long)act->call_id,
				         api_action_verb(act->kind));
				hunting_path(path, &r->services[r->queue_service[i]], rest);
				return true;
			}
		text_copy(res->answer, sizeof res->answer, "failed: the queue is no longer listed");
		return false;
	}
	for (size_t i = 0; i < r->nagents; i++)
		if (r->agents[i].agent_id == act->agent_id &&
		    strcmp(r->agents[i].service, act->service) == 0)
			*agent_at = i;
	if (*agent_at == r->nagents) {
		text_copy(res->answer, sizeof res->answer, "failed: the agent is no longer listed");
		return false;
	}
	snprintf(rest, sizeof rest, "/agent/%lld", (long long)act->agent_id);
	hunting_path(path, &r->services[r->agent_service[*agent_at]], rest);
	return true;
}

/* The answer to a call's action in words: the task OVH made of it. */
static void task_words(const cJSON *task, char *dst, size_t n)
{
	char status[32];
	json_text(status, sizeof status, task, "status");
	int64_t id = json_int(task, "taskId", -1);
	if (id >= 0)
		snprintf(dst, n, "accepted (OVH task %lld, %s)", (long long)id,
		         status[0] ? status : "?");
	else
		snprintf(dst, n, "accepted");
}

static void run_action(struct roster *r, const struct api_action *act)
{
	struct api_action_result res = {.act = *act};
	char path[PATH_MAX_LEN], body[256], line[512];
	size_t at;
	if (action_path(r, act, path, &at, &res)) {
		const char *method = api_action_method(act->kind);
		api_action_body(act, body, sizeof body);
		struct ovh_reply rep;
		res.ok = ovh_api_call(r->api, method, path, body[0] ? body : NULL, &rep);
		res.http = rep.http;
		if (res.ok && api_action_on_call(act->kind)) {
			task_words(rep.json, line, sizeof line);
			text_copy(res.answer, sizeof res.answer, line);
		} else if (res.ok) {
			text_copy(res.answer, sizeof res.answer, "done");
		} else {
			char pattern[128];
			snprintf(pattern, sizeof pattern, "%s%s",
			         api_action_on_call(act->kind)
			             ? "/telephony/*/hunting/queue/*/liveCalls/*"
			             : "/telephony/*/hunting/agent/*",
			         api_action_verb(act->kind));
			ovh_reply_describe(&rep, line, sizeof line);
			redact_text(line, strlen(line));
			char words[sizeof line + 200];
			api_action_refusal(rep.http, method, pattern, line, words, sizeof words);
			text_sanitize(res.answer, sizeof res.answer, words, strlen(words));
		}
		ovh_reply_clear(&rep);
	}
	res.at_ns = wall_now_ns();
	char what[2 * TEXT_MAX + 128], detail[3 * TEXT_MAX];
	api_action_describe(act, what, sizeof what);
	snprintf(detail, sizeof detail, "%.150s by %.30s: %.100s", what, act->who, res.answer);
	struct api_status *a = model_api_begin(r->m);
	res.seq = a->last_action.seq + 1;
	a->last_action = res;
	a->requests = ovh_api_requests(r->api);
	model_log_note(r->m, res.at_ns, "supervisor-action",
	               api_action_on_call(act->kind) ? act->caller : act->agent_number, detail);
	model_api_end(r->m);
	/* the new status or calls, at once rather than at the next round */
	if (res.ok && at < r->nagents)
		poll_agent(r, at);
	if (res.ok && api_action_on_call(act->kind))
		r->next_live_ns = 0;
}

/* Send the action the UI asked for, if any. */
static void run_pending_action(struct roster *r)
{
	struct api_action act;
	if (!model_take_action(r->m, &act))
		return;
	run_action(r, &act);
	model_action_done(r->m);
}

/* A round: every agent's status, then every queue's statistics. */
static bool poll_statuses(struct roster *r)
{
	for (size_t i = 0; i < r->nagents; i++) {
		run_pending_action(r);
		poll_live_calls(r);
		if (atomic_load(&r->stop) || !poll_agent(r, i))
			return false;
	}
	for (size_t i = 0; i < r->nqueues; i++)
		if (atomic_load(&r->stop) || !poll_queue(r, i))
			return false;
	model_api_begin(r->m)->statuses_ns = wall_now_ns();
	model_api_end(r->m);
	return true;
}

/* Sleep until the monotonic time until_ns, or until asked to stop. */
static void wait_until_ns(struct roster *r, int64_t until_ns)
{
	while (!atomic_load(&r->stop)) {
		if (r->have_roster) {
			run_pending_action(r);
			poll_live_calls(r);
		}
		int64_t left = until_ns - mono_now_ns();
		if (left <= 0)
			return;
		if (left > 100 * 1000000)
			left = 100 * 1000000;
		struct timespec ts = {0, (long)left};
		nanosleep(&ts, NULL);
	}
}

static void *roster_main(void *arg)
{
	struct roster *r = arg;
	int64_t next_roster = 0, next_status = 0;
	int failures = 0;
	while (!atomic_load(&r->stop)) {
		int64_t now = mono_now_ns();
		if (now >= next_roster) {
			/* a failed read is tried again after 5 s, 10 s, ... up to a minute */
			int wait_s = r->roster_s;
			if (read_roster(r))
				failures = 0;
			else if (failures < 4)
				wait_s = 5 << failures++;
			else
				wait_s = 60;
			if (wait_s > r->roster_s)
				wait_s = r->roster_s;
			next_roster = mono_now_ns() + (int64_t)wait_s * NS_PER_S;
		}
		now = mono_now_ns();
		if (r->have_roster && now >= next_status) {
			poll_statuses(r);
			next_status = now + (int64_t)r->status_s * NS_PER_S;
		}
		int64_t next = next_roster;
		if (r->have_roster && next_status < next)
			next = next_status;
		wait_until_ns(r, next);
	}
	json_arena_release();
	return NULL;
}

struct roster *roster_start(struct model *m, struct journal *j, const struct settings *s,
                            const struct ovh_credentials *c, char *err, size_t errsize)
{
	struct roster *r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	r->m = m;
	r->journal = j;
	r->roster_s = s->api_roster_s;
	r->status_s = s->api_status_s;
	atomic_init(&r->stop, false);
	struct ovh_api_options o;
	ovh_api_options_defaults(&o);
	o.max_per_min = s->api_max_per_min;
	o.timeout_s = s->api_timeout_s;
	o.connect_timeout_s = s->connect_timeout_s;
	o.backoff_base_ms = s->backoff_base_ms;
	o.backoff_cap_ms = s->backoff_cap_ms;
	o.stop = &r->stop;
	if (!(r->api = ovh_api_open(c, &o, err, errsize))) {
		free(r);
		return NULL;
	}
	model_api_begin(m)->health = API_STARTING;
	model_api_end(m);
	if (thread_start(&r->thread, roster_main, r) != 0) {
		snprintf(err, errsize, "cannot start the OVH API thread");
		ovh_api_close(r->api);
		free(r);
		return NULL;
	}
	return r;
}

void roster_stop(struct roster *r)
{
	if (!r)
		return;
	atomic_store(&r->stop, true);
	pthread_join(r->thread, NULL);
	ovh_api_close(r->api);
	free(r->services);
	free(r->reasons);
	free(r);
}
