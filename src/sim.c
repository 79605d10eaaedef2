/* sim.c: the built-in demo call centre.
 *
 * A discrete-event simulation of a small company (12 lines, 3 queues) that writes what happens
 * as OVH V1 envelopes, in the exact shapes of the protocol, and hands each one to ingest_body()
 * like the live feed does. Everything is drawn from its own seeded generator, so a seed and a
 * start time give the same events, byte for byte, on every machine; the wall clock only paces
 * the thread (rate simulated seconds per real second) and never changes what is produced.
 */
#include "sim.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "ingest.h"
#include "sim_agents.h"
#include "thread.h"

#define SIM_TOKEN        "00000000-0000-4000-8000-0000000000DE"
#define SIM_ACCOUNT      "4242"
#define NS               INT64_C(1000000000)
#define MS               INT64_C(1000000)
#define NLINES           12
#define NQUEUES          3
#define MAX_CALLERS      256
#define HEAP_MAX         4096
#define BODY_MAX         16384
#define BURST_FACTOR     7.0
#define LAMBDA_CAP       7.0 /* thinning bound: peak rate times this covers bursts */
#define QUEUE_MAX_WAIT_S 900

/* The company: who is on each line and which queues they answer. */
struct line_def {
	const char *number, *name, *id;
	unsigned queues; /* bit q: answers queue q */
	int shift_start_min, shift_end_min, lunch_min;
};

static const struct line_def line_defs[NLINES] = {
    {"0033972100101", "Accueil", "3001", 0, 0, 0, 0},
    {"0033972100102", "Camille Roux", "3002", 1u << 0, 7 * 60, 17 * 60, 12 * 60},
    {"0033972100103", "Léa Martin", "3003", 1u << 0, 8 * 60 + 30, 19 * 60 + 30, 13 * 60 + 30},
    {"0033972100104", "Hugo Bernard", "3004", 1u << 0, 8 * 60, 18 * 60, 12 * 60 + 45},
    {"0033972100105", "Chloé Dubois", "3005", 1u << 1, 7 * 60, 17 * 60, 11 * 60 + 45},
    {"0033972100106", "Nathan Moreau", "3006", 1u << 1, 8 * 60, 17 * 60 + 30, 12 * 60 + 30},
    {"0033972100107", "Inès Laurent", "3007", 1u << 1, 8 * 60 + 30, 19 * 60 + 30, 13 * 60 + 15},
    {"0033972100108", "Lucas Simon", "3008", (1u << 1) | (1u << 2), 8 * 60, 18 * 60, 14 * 60},
    {"0033972100109", "Manon Michel", "3009", 1u << 2, 7 * 60, 17 * 60, 12 * 60},
    {"0033972100110", "Louis Lefèvre", "3010", 1u << 2, 9 * 60, 19 * 60 + 30, 12 * 60 + 45},
    {"0033972100111", "Direction", "3011", 0, 0, 0, 0},
    {"0033972100112", "Salle de réunion", "3012", 0, 0, 0, 0},
};

struct queue_def {
	const char *number, *name, *id, *type;
	double peak_per_h;  /* arrivals per hour at the busiest time of day */
	double talk_mean_s; /* mean of an ordinary call */
	double patience_s;  /* mean time a caller is willing to wait */
};

static const struct queue_def queue_defs[NQUEUES] = {
    {"0033972200100", "Sales", "4001", "easyHunting", 18, 165, 360},
    {"0033972200200", "Support", "4002", "cloudHunting", 24, 190, 420},
    {"0033972200300", "Billing", "4003", "easyHunting", 12, 150, 330},
};

/* Relative call volume at each hour of the local day (linear in between). */
static const double day_profile[25] = {0.005, 0.005, 0.005, 0.005, 0.005, 0.005, 0.005, 0.01, 0.45,
                                       0.85,  1.0,   0.9,   0.5,   0.55,  0.85,  0.95,  0.8,  0.45,
                                       0.12,  0.03,  0.01,  0.005, 0.005, 0.005, 0.005};

static const char *const caller_names[] = {
    "Élodie Durand",     "François Petit", "Jean Lambert",   "Zoé Fontaine",   "Mehdi Haddad",
    "Anne-Sophie Leroy", "Paul Girard",    "Yasmine Benali", "Thomas Mercier", "Agnès Faure",
    "Bruno Lemoine",     "Clara Nguyen",   "SARL Dupont",    "Garage Blanc",   "Boulangerie Morel"};

enum action_type {
	ACT_ARRIVAL,     /* a = queue */
	ACT_PATIENCE,    /* a = caller: the caller's patience ran out */
	ACT_ANSWER,      /* a = caller: the offered agent picks up */
	ACT_NOANSWER,    /* a = caller: the offered agent lets it ring out */
	ACT_HANGUP,      /* a = caller: end of the agent call */
	ACT_LINE_FREE,   /* a = line: wrap-up or pause over */
	ACT_REGISTER,    /* a = line */
	ACT_OUTBOUND,    /* next outbound call of the company */
	ACT_OUT_PICK,    /* a = line: the called party answers (b = 1) or not (b = 0) */
	ACT_OUT_END,     /* a = line */
	ACT_DIRECT,      /* next call to a non-queue line */
	ACT_DIRECT_PICK, /* a = line, b = answered */
	ACT_DIRECT_END,  /* a = line */
	ACT_BURST,       /* a = queue */
	ACT_TICK,        /* shift changes: offer waiting callers to agents coming on duty */
};

struct action {
	int64_t t;
	uint64_t seq; /* tie-break: equal times run in scheduling order */
	uint32_t gen; /* must match the caller's or line's generation, else stale */
	uint8_t type;
	int16_t a, b;
};

enum line_state { LS_IDLE, LS_RING_IN, LS_TALK, LS_OUT_RING, LS_WRAP };

struct sim_line {
	enum line_state state;
	uint32_t gen;
	int caller; /* queue caller on this line, -1 none */
	bool inbound;
	char call_id[48];
	char other[24]; /* the other party, 0033 form */
	char dialed[24];
	int cseq;
};

/* What the OVH API would say of an agent (api_state.h), kept by the demo. */
struct sim_agent {
	char status[16];
	int64_t since_s;
	uint32_t taken;
	int64_t talk_s;
};

enum caller_state { CS_FREE, CS_WAITING, CS_OFFERED, CS_TALKING };

struct caller {
	enum caller_state state;
	uint32_t gen;
	int queue, line; /* line: the agent offered to or talking with, -1 none */
	uint64_t order;  /* arrival order: first come, first served */
	char uuid[40], session_uuid[40], agent_uuid[40];
	char cid_number[20], cid_name[48], calling[24];
	int64_t joined_ns, called_ns, answered_ns;
	double talk_s;
	bool timeout; /* its patience is the queue's maximum wait */
};

struct body {
	char buf[BODY_MAX];
	size_t len;
	int nevents;
	bool first; /* no key yet in the object being written */
};

struct sim {
	struct model *m;
	struct journal *j;
	double rate;
	int64_t start_ns, end_ns, pace_from_ns;
	struct timespec wall0;
	uint64_t rng[4];

	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	atomic_bool stop, done;

	struct action heap[HEAP_MAX];
	size_t nheap;
	uint64_t seq;

	struct sim_line lines[NLINES];
	struct sim_agent agents[NLINES];
	struct caller callers[MAX_CALLERS];
	uint64_t next_order;
	int64_t burst_until[NQUEUES];
	uint64_t sessions, calls;
	int64_t now;     /* simulated time of the action being run */
	int64_t emit_t;  /* time for the next event written */
	int64_t event_t; /* time of the event being written */
	struct body body;
	/* callers who left a queue unanswered, whom an agent calls back now and then */
	char to_call[8][24];
	int nto_call;
};

/* ---- the generator: splitmix64 to seed xoshiro256** ---- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t next_u64(struct sim *s)
{
	uint64_t *r = s->rng;
	uint64_t out = rotl(r[1] * 5, 7) * 9, t = r[1] << 17;
	r[2] ^= r[0];
	r[3] ^= r[1];
	r[1] ^= r[2];
	r[0] ^= r[3];
	r[2] ^= t;
	r[3] = rotl(r[3], 45);
	return out;
}

/* Uniform in [0, 1). */
static double uniform(struct sim *s)
{
	return (double)(next_u64(s) >> 11) * (1.0 / 9007199254740992.0);
}

static double uniform_in(struct sim *s, double lo, double hi)
{
	return lo + (hi - lo) * uniform(s);
}

static bool chance(struct sim *s, double p)
{
	return uniform(s) < p;
}

static int pick(struct sim *s, int n)
{
	return (int)(next_u64(s) % (uint64_t)n);
}

/* Natural logarithm of x > 0 in plain arithmetic, so results are identical everywhere and no
 * maths library is needed: scale into [0.5, 1), then 2 atanh((m - 1) / (m + 1)). */
static double sim_ln(double x)
{
	int e = 0;
	while (x >= 1.0) {
		x *= 0.5;
		e++;
	}
	while (x < 0.5) {
		x *= 2.0;
		e--;
	}
	double y = (x - 1.0) / (x + 1.0), y2 = y * y, term = y, sum = 0.0;
	for (int k = 1; k < 60; k += 2) {
		sum += term / k;
		term *= y2;
	}
	return 2.0 * sum + e * 0.69314718055994530942;
}

/* Exponentially distributed with this mean. */
static double expo(struct sim *s, double mean)
{
	return -mean * sim_ln(1.0 - uniform(s));
}

/* Gamma(2) with this mean: a sum of two exponentials, few very short calls. */
static double gamma2(struct sim *s, double mean)
{
	return expo(s, mean / 2) + expo(s, mean / 2);
}

static void make_uuid(struct sim *s, char *dst, size_t size)
{
	uint64_t a = next_u64(s), b = next_u64(s);
	snprintf(dst, size, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32),
	         (unsigned)(a >> 16) & 0xffffu, (unsigned)a & 0xfffu,
	         0x8000u | ((unsigned)(b >> 48) & 0x3fffu),
	         (unsigned long long)(b & UINT64_C(0xffffffffffff)));
}

/* ---- time of day ---- */

static int64_t local_day_start_s(int64_t t_s)
{
	time_t tt = (time_t)t_s;
	struct tm tm;
	localtime_r(&tt, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

/* Minutes since local midnight. */
static int minute_of_day(int64_t t_ns)
{
	time_t tt = (time_t)(t_ns / NS);
	struct tm tm;
	localtime_r(&tt, &tm);
	return tm.tm_hour * 60 + tm.tm_min;
}

/* Call volume at t relative to the peak (0..1): every day is a working day in the demo. */
static double rhythm(int64_t t_ns)
{
	time_t tt = (time_t)(t_ns / NS);
	struct tm tm;
	localtime_r(&tt, &tm);
	double h = tm.tm_hour + tm.tm_min / 60.0 + tm.tm_sec / 3600.0;
	int i = (int)h;
	double f = h - i;
	double v = day_profile[i] + (day_profile[i + 1] - day_profile[i]) * f;
	return v;
}

static bool on_duty(const struct line_def *d, int64_t t_ns)
{
	if (!d->queues)
		return false;
	int min = minute_of_day(t_ns);
	if (min < d->shift_start_min || min >= d->shift_end_min)
		return false;
	return min < d->lunch_min || min >= d->lunch_min + 45;
}

/* ---- the action heap ---- */

static bool act_before(const struct action *a, const struct action *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void schedule(struct sim *s, int64_t t, enum action_type type, int a, int b, uint32_t gen)
{
	if (s->nheap == HEAP_MAX)
		return; /* cannot happen with the bounded company; dropping keeps it safe */
	struct action act = {t, s->seq++, gen, (uint8_t)type, (int16_t)a, (int16_t)b};
	size_t i = s->nheap++;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!act_before(&act, &s->heap[p]))
			break;
		s->heap[i] = s->heap[p];
		i = p;
	}
	s->heap[i] = act;
}

static struct action pop_action(struct sim *s)
{
	struct action top = s->heap[0], last = s->heap[--s->nheap];
	size_t i = 0, n = s->nheap;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && act_before(&s->heap[c + 1], &s->heap[c]))
			c++;
		if (!act_before(&s->heap[c], &last))
			break;
		s->heap[i] = s->heap[c];
		i = c;
	}
	if (n)
		s->heap[i] = last;
	return top;
}

static int64_t after(const struct sim *s, double seconds)
{
	return s->now + (int64_t)(seconds * 1e9);
}

/* ---- writing envelopes ---- */

__attribute__((format(printf, 2, 3))) static void put(struct body *b, const char *fmt, ...)
{
	if (b->len >= sizeof b->buf)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->buf + b->len, sizeof b->buf - b->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len += (size_t)n;
	if (b->len > sizeof b->buf)
		b->len = sizeof b->buf;
}

/* A JSON string value; the simulator's strings hold no quote, backslash or control. */
static void kv(struct body *b, const char *key, const char *value)
{
	put(b, "%s\"%s\":\"%s\"", b->first ? "" : ",", key, value);
	b->first = false;
}

static void kv_num(struct body *b, const char *key, int64_t value)
{
	put(b, "%s\"%s\":%lld", b->first ? "" : ",", key, (long long)value);
	b->first = false;
}

static void kv_int_str(struct body *b, const char *key, int value)
{
	char v[16];
	snprintf(v, sizeof v, "%d", value);
	kv(b, key, v);
}

static void kv_secs(struct body *b, const char *key, int64_t t_ns)
{
	char v[24];
	snprintf(v, sizeof v, "%lld", (long long)(t_ns / NS));
	kv(b, key, v);
}

/* Open an event: the top-level keys, then the Data object is open for kv(). */
static void event_open(struct sim *s, const char *kind, bool queue, const char *resource)
{
	struct body *b = &s->body;
	int64_t t = s->emit_t;
	s->event_t = t;
	s->emit_t += 2 * MS + (int64_t)(next_u64(s) % (uint64_t)MS);
	if (b->nevents == 0)
		put(b, "{\"Session\":\"demo%04llx\",\"Message\":\"\",\"Events\":[",
		    (unsigned long long)(s->sessions & 0xffff));
	else
		put(b, ",");
	b->nevents++;

	time_t tt = (time_t)(t / NS);
	struct tm tm;
	localtime_r(&tt, &tm);
	char date[64], zone[16];
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof zone, "%Z", &tm);
	put(b,
	    "{\"Event\":\"%s\",\"Token\":\"" SIM_TOKEN "\",\"Service\":\"%s\",\"Ressource\":\"%s\","
	    "\"Timestamp\":%lld,\"Date\":\"%s.%06lld (%s)\",\"Data\":{",
	    kind, queue ? "queues" : "sip", resource, (long long)t, date,
	    (long long)(t % NS / 1000), zone);
	b->first = true;
}

static void event_close(struct body *b, const char *description, const char *id,
                        const char *simultaneous, const char *type)
{
	put(b,
	    "},\"Details\":{\"Description\":\"%s\",\"Id\":\"%s\",\"IdBillingAccount\":"
	    "\"" SIM_ACCOUNT "\",\"SimultaneousLine\":\"%s\",\"Type\":\"%s\"}}",
	    description, id, simultaneous, type);
}

/* Hand the envelope built so far to ingest, as if it had just been received. */
static void flush(struct sim *s)
{
	struct body *b = &s->body;
	if (b->nevents == 0)
		return;
	put(b, "]}");
	struct ingest_result res;
	int64_t received = s->emit_t + 40 * MS;
	ingest_body(s->m, s->j, b->buf, b->len, received, &res);
	b->len = 0;
	b->nevents = 0;
	s->sessions++;
}

/* ---- line events ---- */

static void line_event(struct sim *s, int li, const char *kind, const char *body_line,
                       const char *method)
{
	const struct line_def *d = &line_defs[li];
	struct sim_line *l = &s->lines[li];
	event_open(s, kind, false, d->number);
	int64_t t = s->event_t;
	struct body *b = &s->body;
	char cseq[32], ts[32];
	snprintf(cseq, sizeof cseq, "%d %s", ++l->cseq, method);
	snprintf(ts, sizeof ts, "%lld.%03lld", (long long)(t / NS), (long long)(t % NS / MS));
	kv(b, "Billing", d->number);
	kv(b, "Body", body_line);
	kv(b, "CallId", l->call_id);
	kv(b, "Called", l->inbound ? d->number : l->other);
	kv(b, "Calling", l->inbound ? l->other : d->number);
	kv(b, "Cseq", cseq);
	kv(b, "Dialed", l->inbound ? l->dialed : l->other);
	kv(b, "Event", kind);
	kv(b, "Protocol", "sip");
	kv(b, "RelevantInfo", "");
	kv(b, "Ts", ts);
	kv_num(b, "TsGet", t + 3 * MS);
	event_close(b, d->name, d->id, "2", "sipCirpack");
}

static void registered(struct sim *s, int li)
{
	const struct line_def *d = &line_defs[li];
	struct sim_line *l = &s->lines[li];
	event_open(s, "registered", false, d->number);
	int64_t t = s->event_t;
	struct body *b = &s->body;
	char cseq[32], dt[32], callid[48];
	time_t tt = (time_t)(t / NS);
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(dt, sizeof dt, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(cseq, sizeof cseq, "%d REGISTER", ++l->cseq);
	snprintf(callid, sizeof callid, "reg-%s-%s@demo", d->id, SIM_ACCOUNT);
	kv(b, "Billing", d->number);
	kv(b, "Body", "SIP/2.0 200 OK");
	kv(b, "CallId", callid);
	kv(b, "Called", d->number);
	kv(b, "Calling", d->number);
	kv(b, "Cseq", cseq);
	kv(b, "Datetime", dt);
	kv(b, "Dialed", d->number);
	kv(b, "Event", "registered");
	kv(b, "Protocol", "sip");
	kv(b, "RelevantInfo", "");
	/* Ts as a number here and as a string in call events: the stream has both */
	put(b, ",\"Ts\":%lld.%03lld", (long long)(t / NS), (long long)(t % NS / MS));
	kv_num(b, "TsGet", t + 2 * MS);
	event_close(b, d->name, d->id, "2", "sipCirpack");
}

static void new_call_id(struct sim *s, struct sim_line *l)
{
	snprintf(l->call_id, sizeof l->call_id, "%012llx-%u-sip%d.demo",
	         (unsigned long long)(next_u64(s) & UINT64_C(0xffffffffffff)), (unsigned)++s->calls,
	         1 + pick(s, 4));
}

/* ---- queue events ---- */

static int waiting_count(const struct sim *s, int q)
{
	int n = 0;
	for (int i = 0; i < MAX_CALLERS; i++)
		if (s->callers[i].queue == q &&
		    (s->callers[i].state == CS_WAITING || s->callers[i].state == CS_OFFERED))
			n++;
	return n;
}

static void queue_open(struct sim *s, const char *kind, int q)
{
	event_open(s, kind, true, queue_defs[q].number);
	kv(&s->body, "Action", kind);
	kv(&s->body, "Queue", queue_defs[q].number);
}

static void queue_close(struct sim *s, int q)
{
	char ts[24];
	snprintf(ts, sizeof ts, "%lld", (long long)(s->event_t / NS));
	kv(&s->body, "Protocol", "sip");
	kv(&s->body, "Ts", ts);
	event_close(&s->body, queue_defs[q].name, queue_defs[q].id, "0", queue_defs[q].type);
}

static void member_keys(struct sim *s, const struct caller *c)
{
	struct body *b = &s->body;
	kv(b, "Calling", c->calling);
	kv(b, "QueueMemberUUID", c->uuid);
	kv(b, "QueueMemberSessionUUID", c->session_uuid);
	kv(b, "QueueMemberCIDName", c->cid_name);
	kv(b, "QueueMemberCIDNumber", c->cid_number);
	kv_secs(b, "QueueMemberJoinedTime", c->joined_ns);
}

static void agent_keys(struct sim *s, const struct caller *c)
{
	char agent[64];
	const char *number = line_defs[c->line].number;
	snprintf(agent, sizeof agent, "agent_%s_%d", number, 10 + c->line);
	kv(&s->body, "Agent", number);
	kv(&s->body, "QueueAgent", agent);
	kv(&s->body, "QueueAgentSystem", "single_box");
}

static void members_count(struct sim *s, int q)
{
	queue_open(s, "members-count", q);
	kv_int_str(&s->body, "Count", waiting_count(s, q));
	kv(&s->body, "QueueSelection", "longest-idle-agent");
	queue_close(s, q);
}

static void free_caller(struct sim *s, struct caller *c)
{
	c->state = CS_FREE;
	c->gen++;
	c->line = -1;
	(void)s;
}

/* ---- the call flows ---- */

static void line_free_later(struct sim *s, int li, double seconds)
{
	struct sim_line *l = &s->lines[li];
	l->state = LS_WRAP;
	l->caller = -1;
	schedule(s, after(s, seconds), ACT_LINE_FREE, li, 0, ++l->gen);
}

/* Offer the longest-waiting callers of queue q to free agents on duty. */
static void dispatch(struct sim *s, int q)
{
	for (;;) {
		struct caller *c = NULL;
		for (int i = 0; i < MAX_CALLERS; i++) {
			struct caller *x = &s->callers[i];
			if (x->state == CS_WAITING && x->queue == q && (!c || x->order < c->order))
				c = x;
		}
		if (!c)
			return;
		/* the agent idle the longest is approximated by a rotating start */
		int li = -1, start = pick(s, NLINES);
		for (int k = 0; k < NLINES; k++) {
			int i = (start + k) % NLINES;
			if ((line_defs[i].queues & (1u << q)) && s->lines[i].state == LS_IDLE &&
			    on_duty(&line_defs[i], s->now)) {
				li = i;
				break;
			}
		}
		if (li < 0)
			return;
		struct sim_line *l = &s->lines[li];
		c->state = CS_OFFERED;
		c->line = li;
		c->called_ns = s->emit_t;
		make_uuid(s, c->agent_uuid, sizeof c->agent_uuid);
		l->state = LS_RING_IN;
		l->gen++;
		l->caller = (int)(c - s->callers);
		l->inbound = true;
		snprintf(l->other, sizeof l->other, "%s", c->calling);
		snprintf(l->dialed, sizeof l->dialed, "%s", queue_defs[q].number);
		new_call_id(s, l);

		queue_open(s, "agent-offering", q);
		agent_keys(s, c);
		kv(&s->body, "QueueAgentType", "callback");
		member_keys(s, c);
		kv(&s->body, "QueueMemberDNIS", queue_defs[q].number);
		queue_close(s, q);
		line_event(s, li, "start_ringing", "SIP/2.0 180 Ringing", "INVITE");

		int ci = (int)(c - s->callers);
		if (chance(s, 0.04))
			schedule(s, after(s, 20), ACT_NOANSWER, ci, 0, c->gen);
		else
			schedule(s, after(s, uniform_in(s, 2, 9)), ACT_ANSWER, ci, 0, c->gen);
	}
}

/* The offered agent picks up: the caller is answered. */
static void answer(struct sim *s, struct caller *c)
{
	int q = c->queue, li = c->line;
	c->state = CS_TALKING;
	c->answered_ns = s->emit_t;
	s->lines[li].state = LS_TALK;
	s->agents[li].taken++;
	line_event(s, li, "end_ringing", "SIP/2.0 200 OK", "INVITE");
	line_event(s, li, "start_calling", "SIP/2.0 200 OK", "INVITE");
	queue_open(s, "bridge-agent-start", q);
	agent_keys(s, c);
	kv(&s->body, "QueueAgentUUID", c->agent_uuid);
	kv_secs(&s->body, "QueueAgentCalledTime", c->called_ns);
	kv_secs(&s->body, "QueueAgentAnsweredTime", c->answered_ns);
	member_keys(s, c);
	kv(&s->body, "QueueMemberDNIS", queue_defs[q].number);
	queue_close(s, q);
	members_count(s, q);
	schedule(s, after(s, c->talk_s), ACT_HANGUP, (int)(c - s->callers), 0, c->gen);
}

/* The offer failed (the agent let it ring out, or the caller hung up meanwhile). */
static void offer_failed(struct sim *s, struct caller *c, const char *cause)
{
	int q = c->queue, li = c->line;
	line_event(s, li, "end_ringing", "SIP/2.0 487 Request Terminated", "INVITE");
	queue_open(s, "bridge-agent-fail", q);
	kv(&s->body, "QueueHangupCause", cause);
	agent_keys(s, c);
	kv_secs(&s->body, "QueueAgentCalledTime", c->called_ns);
	kv_secs(&s->body, "QueueAgentAbortedTime", s->event_t);
	member_keys(s, c);
	queue_close(s, q);
	c->line = -1;
	c->state = CS_WAITING;
}

/* The caller leaves the queue without an agent: abandoned, or removed by the queue. */
static void cancel(struct sim *s, struct caller *c)
{
	int q = c->queue;
	if (c->state == CS_OFFERED) {
		int li = c->line;
		offer_failed(s, c, "ORIGINATOR_CANCEL");
		s->lines[li].state = LS_IDLE;
		s->lines[li].caller = -1;
		s->lines[li].gen++;
	}
	queue_open(s, "member-queue-end", q);
	member_keys(s, c);
	kv(&s->body, "QueueCause", "Cancel");
	kv(&s->body, "QueueCancelReason", c->timeout ? "TIMEOUT" : "NONE");
	kv_secs(&s->body, "QueueMemberLeavingTime", s->event_t);
	queue_close(s, q);
	if (s->event_t - c->joined_ns >= 10 * NS_PER_S && s->nto_call < 8)
		snprintf(s->to_call[s->nto_call++], sizeof s->to_call[0], "%s", c->calling);
	free_caller(s, c);
	members_count(s, q);
	dispatch(s, q);
}

/* End of an answered queue call. */
static void hangup(struct sim *s, struct caller *c)
{
	int q = c->queue, li = c->line;
	line_event(s, li, "end_calling", "BYE", "BYE");
	queue_open(s, "bridge-agent-end", q);
	agent_keys(s, c);
	kv(&s->body, "QueueAgentUUID", c->agent_uuid);
	kv(&s->body, "QueueHangupCause", "NORMAL_CLEARING");
	kv(&s->body, "QueueAgentBridged", "true");
	kv_secs(&s->body, "QueueAgentCalledTime", c->called_ns);
	kv_secs(&s->body, "QueueAgentAnsweredTime", c->answered_ns);
	kv_secs(&s->body, "QueueBridgeTerminatedTime", s->event_t);
	member_keys(s, c);
	queue_close(s, q);
	queue_open(s, "member-queue-end", q);
	agent_keys(s, c);
	member_keys(s, c);
	kv(&s->body, "QueueCause", "Terminated");
	kv_secs(&s->body, "QueueAgentAnsweredTime", c->answered_ns);
	kv_secs(&s->body, "QueueMemberLeavingTime", s->event_t);
	queue_close(s, q);
	s->agents[li].talk_s += (s->event_t - c->answered_ns) / NS;
	free_caller(s, c);
	line_free_later(s, li, uniform_in(s, 5, 35));
}

static void caller_number(struct sim *s, struct caller *c)
{
	unsigned n = (unsigned)(next_u64(s) % 100000000u);
	/* the digit after the country code: 6 or 7 for a mobile, 1 to 5 for a fixed line */
	char first_digit = (char)('0' + (chance(s, 0.7) ? 6 + pick(s, 2) : 1 + pick(s, 5)));
	snprintf(c->calling, sizeof c->calling, "0033%c%08u", first_digit, n);
	if (chance(s, 0.5))
		snprintf(c->cid_number, sizeof c->cid_number, "0%c%08u", first_digit, n);
	else
		snprintf(c->cid_number, sizeof c->cid_number, "+33%c%08u", first_digit, n);
	if (chance(s, 0.35))
		snprintf(c->cid_name, sizeof c->cid_name, "%s",
		         caller_names[pick(s, (int)(sizeof caller_names / sizeof *caller_names))]);
	else
		snprintf(c->cid_name, sizeof c->cid_name, "+33%c%08u", first_digit, n);
}

static double peak_per_s(const struct sim *s, int q)
{
	double f = s->now < s->burst_until[q] ? BURST_FACTOR : 1.0;
	return queue_defs[q].peak_per_h * f / 3600.0;
}

/* Next arrival of queue q: thinning of a Poisson process bounded by LAMBDA_CAP times the peak. */
static void next_arrival(struct sim *s, int q)
{
	double cap = queue_defs[q].peak_per_h * LAMBDA_CAP / 3600.0;
	schedule(s, after(s, expo(s, 1.0 / cap)), ACT_ARRIVAL, q, 0, 0);
}

/* A candidate caller for queue q: enters the queue with the probability of the rhythm. */
static void arrival(struct sim *s, int q)
{
	double cap = queue_defs[q].peak_per_h * LAMBDA_CAP / 3600.0;
	double want = peak_per_s(s, q) * rhythm(s->now);
	next_arrival(s, q);
	if (!chance(s, want / cap))
		return;
	struct caller *c = NULL;
	for (int i = 0; i < MAX_CALLERS && !c; i++)
		if (s->callers[i].state == CS_FREE)
			c = &s->callers[i];
	if (!c)
		return;
	c->state = CS_WAITING;
	c->queue = q;
	c->line = -1;
	c->order = s->next_order++;
	c->joined_ns = s->emit_t;
	c->called_ns = c->answered_ns = 0;
	make_uuid(s, c->uuid, sizeof c->uuid);
	make_uuid(s, c->session_uuid, sizeof c->session_uuid);
	caller_number(s, c);

	double patience;
	if (chance(s, 0.04))
		patience = uniform_in(s, 1, 4.5); /* wrong number, hangs up at once */
	else
		patience = 15 + gamma2(s, queue_defs[q].patience_s);
	c->timeout = patience > QUEUE_MAX_WAIT_S;
	if (c->timeout)
		patience = QUEUE_MAX_WAIT_S;
	if (chance(s, 0.025))
		c->talk_s = uniform_in(s, 900, 2400); /* a long one */
	else
		c->talk_s = 15 + gamma2(s, queue_defs[q].talk_mean_s - 15);

	queue_open(s, "member-queue-start", q);
	member_keys(s, c);
	kv_int_str(&s->body, "Count", waiting_count(s, q));
	queue_close(s, q);
	members_count(s, q);
	schedule(s, after(s, patience), ACT_PATIENCE, (int)(c - s->callers), 0, c->gen);
	dispatch(s, q);
}

/* A line free for an outbound or direct call now. */
static int idle_line(struct sim *s, bool agents, bool others)
{
	int start = pick(s, NLINES);
	for (int k = 0; k < NLINES; k++) {
		int i = (start + k) % NLINES;
		bool agent = line_defs[i].queues != 0;
		if (s->lines[i].state != LS_IDLE)
			continue;
		if ((agent && agents && on_duty(&line_defs[i], s->now)) || (!agent && others))
			return i;
	}
	return -1;
}

static void outbound(struct sim *s)
{
	schedule(s, after(s, expo(s, 3600.0 / (24 * LAMBDA_CAP))), ACT_OUTBOUND, 0, 0, 0);
	if (!chance(s, rhythm(s->now) / LAMBDA_CAP))
		return;
	int li = idle_line(s, chance(s, 0.5), true);
	if (li < 0)
		return;
	struct sim_line *l = &s->lines[li];
	l->state = LS_OUT_RING;
	l->gen++;
	l->inbound = false;
	if (s->nto_call > 0 && line_defs[li].queues != 0) {
		/* an agent calls back the oldest caller who left unanswered */
		snprintf(l->other, sizeof l->other, "%s", s->to_call[0]);
		memmove(s->to_call[0], s->to_call[1], (size_t)--s->nto_call * sizeof s->to_call[0]);
	} else {
		snprintf(l->other, sizeof l->other, "0033%d%08u", 1 + pick(s, 7),
		         (unsigned)(next_u64(s) % 100000000u));
	}
	new_call_id(s, l);
	line_event(s, li, "start_ringing", "SIP/2.0 180 Ringing", "INVITE");
	bool picked = chance(s, 0.75);
	schedule(s, after(s, picked ? uniform_in(s, 4, 15) : uniform_in(s, 20, 35)), ACT_OUT_PICK,
	         li, picked, l->gen);
}

static void direct(struct sim *s)
{
	schedule(s, after(s, expo(s, 3600.0 / (10 * LAMBDA_CAP))), ACT_DIRECT, 0, 0, 0);
	if (!chance(s, rhythm(s->now) / LAMBDA_CAP))
		return;
	int li = idle_line(s, false, true);
	if (li < 0)
		return;
	struct sim_line *l = &s->lines[li];
	struct caller tmp;
	caller_number(s, &tmp);
	l->state = LS_RING_IN;
	l->gen++;
	l->inbound = true;
	snprintf(l->other, sizeof l->other, "%s", tmp.calling);
	snprintf(l->dialed, sizeof l->dialed, "%s", line_defs[li].number);
	new_call_id(s, l);
	line_event(s, li, "start_ringing", "SIP/2.0 180 Ringing", "INVITE");
	bool picked = chance(s, 0.85);
	schedule(s, after(s, picked ? uniform_in(s, 3, 14) : uniform_in(s, 25, 40)),
	         ACT_DIRECT_PICK, li, picked, l->gen);
}

/* A ringing outbound or direct call is picked up, or stops ringing. */
static void line_pick(struct sim *s, int li, bool picked, double talk_mean)
{
	struct sim_line *l = &s->lines[li];
	line_event(s, li, "end_ringing",
	           picked ? "SIP/2.0 200 OK" : "SIP/2.0 487 Request Terminated", "INVITE");
	if (!picked) {
		l->state = LS_IDLE;
		l->gen++;
		return;
	}
	line_event(s, li, "start_calling", "SIP/2.0 200 OK", "INVITE");
	l->state = LS_TALK;
	double talk = chance(s, 0.05) ? uniform_in(s, 900, 2400) : 10 + gamma2(s, talk_mean);
	schedule(s, after(s, talk), l->inbound ? ACT_DIRECT_END : ACT_OUT_END, li, 0, ++l->gen);
}

static void line_end(struct sim *s, int li)
{
	line_event(s, li, "end_calling", "BYE", "BYE");
	if (line_defs[li].queues)
		line_free_later(s, li, uniform_in(s, 5, 20));
	else {
		s->lines[li].state = LS_IDLE;
		s->lines[li].gen++;
	}
}

/* A wave of callers on queue q (a mailing went out, a service is down): enough to raise an
 * alert. Waves only come in office hours; one due at night waits for the morning. */
static void burst(struct sim *s, int q)
{
	if (rhythm(s->now) < 0.4) {
		schedule(s, after(s, 30 * 60), ACT_BURST, q, 0, 0);
		return;
	}
	s->burst_until[q] = after(s, uniform_in(s, 3 * 60, 5 * 60));
	schedule(s, after(s, uniform_in(s, 120 * 60, 210 * 60)), ACT_BURST, pick(s, NQUEUES), 0, 0);
}

static void run_action(struct sim *s, const struct action *a)
{
	struct caller *c = NULL;
	if (a->type >= ACT_PATIENCE && a->type <= ACT_HANGUP) {
		c = &s->callers[a->a];
		if (c->gen != a->gen || c->state == CS_FREE)
			return;
	}
	if ((a->type == ACT_LINE_FREE || a->type == ACT_OUT_PICK || a->type == ACT_OUT_END ||
	     a->type == ACT_DIRECT_PICK || a->type == ACT_DIRECT_END) &&
	    s->lines[a->a].gen != a->gen)
		return;

	switch ((enum action_type)a->type) {
	case ACT_ARRIVAL: arrival(s, a->a); break;
	case ACT_PATIENCE:
		if (c->state != CS_TALKING)
			cancel(s, c);
		break;
	case ACT_ANSWER:
		if (c->state == CS_OFFERED)
			answer(s, c);
		break;
	case ACT_NOANSWER:
		if (c->state == CS_OFFERED) {
			int li = c->line, q = c->queue;
			offer_failed(s, c, "NO_ANSWER");
			line_free_later(s, li, uniform_in(s, 45, 120)); /* the agent stepped away */
			dispatch(s, q);
		}
		break;
	case ACT_HANGUP:
		if (c->state == CS_TALKING)
			hangup(s, c);
		break;
	case ACT_LINE_FREE:
		s->lines[a->a].state = LS_IDLE;
		s->lines[a->a].gen++;
		for (int q = 0; q < NQUEUES; q++)
			if (line_defs[a->a].queues & (1u << q))
				dispatch(s, q);
		break;
	case ACT_REGISTER:
		registered(s, a->a);
		schedule(s, after(s, uniform_in(s, 570, 630)), ACT_REGISTER, a->a, 0, 0);
		break;
	case ACT_OUTBOUND: outbound(s); break;
	case ACT_DIRECT: direct(s); break;
	case ACT_OUT_PICK: line_pick(s, a->a, a->b, 140); break;
	case ACT_DIRECT_PICK: line_pick(s, a->a, a->b, 110); break;
	case ACT_OUT_END:
	case ACT_DIRECT_END: line_end(s, a->a); break;
	case ACT_BURST: burst(s, a->a); break;
	case ACT_TICK:
		for (int q = 0; q < NQUEUES; q++)
			dispatch(s, q);
		schedule(s, after(s, 60), ACT_TICK, 0, 0, 0);
		break;
	}
}

/* ---- the agents' statuses, as the OVH API would give them ---- */

/* Logged out off shift, on a lunch break, ringing or on a queue call, else waiting. */
static const char *agent_status(const struct sim *s, int li)
{
	const struct line_def *d = &line_defs[li];
	int min = minute_of_day(s->now);
	if (min < d->shift_start_min || min >= d->shift_end_min)
		return "loggedOut";
	if (min >= d->lunch_min && min < d->lunch_min + 45)
		return "onBreak";
	if (s->lines[li].caller >= 0 && s->lines[li].state == LS_RING_IN)
		return "receiving";
	if (s->lines[li].caller >= 0 && s->lines[li].state == LS_TALK)
		return "inAQueueCall";
	return "waiting";
}

/* Give the agents' statuses to the model when one changed (the model's lock only then). */
static void publish_agents(struct sim *s)
{
	bool changed = false, agent_changed[NLINES] = {false};
	for (int li = 0; li < NLINES; li++) {
		struct sim_agent *a = &s->agents[li];
		const char *st = line_defs[li].queues ? agent_status(s, li) : "";
		if (strcmp(a->status, st) != 0) {
			snprintf(a->status, sizeof a->status, "%s", st);
			a->since_s = s->emit_t / NS;
			changed = agent_changed[li] = true;
		}
	}
	if (!changed)
		return;
	struct sim_agent_info info[NLINES];
	char services[NLINES][2 * 24], queues[NLINES][64];
	int n = 0;
	for (int li = 0; li < NLINES; li++) {
		const struct line_def *d = &line_defs[li];
		if (!d->queues)
			continue;
		services[n][0] = queues[n][0] = '\0';
		for (int q = 0; q < NQUEUES; q++)
			if (d->queues & (1u << q)) {
				size_t a = strlen(services[n]), b = strlen(queues[n]);
				snprintf(services[n] + a, sizeof services[n] - a, "%s%s",
				         a ? ", " : "", queue_defs[q].number);
				snprintf(queues[n] + b, sizeof queues[n] - b, "%s%s", b ? ", " : "",
				         queue_defs[q].name);
			}
		const struct sim_agent *g = &s->agents[li];
		info[n] = (struct sim_agent_info){li + 1,
		                                  d->number,
		                                  d->name,
		                                  services[n],
		                                  queues[n],
		                                  g->status,
		                                  strcmp(g->status, "onBreak") == 0 ? "Lunch" : "",
		                                  g->since_s,
		                                  g->taken,
		                                  g->talk_s};
		if (agent_changed[li] && s->j)
			sim_agents_journal(s->j, &info[n], s->emit_t);
		n++;
	}
	sim_agents_publish(s->m, info, n);
}

/* ---- the thread ---- */

/* Wait until the wall clock reaches simulated time t at the chosen rate. False when stopped. */
static bool pace(struct sim *s, int64_t t)
{
	if (atomic_load(&s->stop))
		return false;
	if (s->rate <= 0 || t <= s->pace_from_ns)
		return true;
	int64_t wall0 = (int64_t)s->wall0.tv_sec * NS + s->wall0.tv_nsec;
	int64_t target = wall0 + (int64_t)((double)(t - s->pace_from_ns) / s->rate);
	if (target - mono_now_ns() < MS)
		return true; /* behind or nearly there: no sleep worth its system call */
	pthread_mutex_lock(&s->mu);
	while (!atomic_load(&s->stop) && mono_now_ns() < target) {
		struct timespec ts = {(time_t)(target / NS), (long)(target % NS)};
		pthread_cond_timedwait(&s->cond, &s->mu, &ts);
	}
	pthread_mutex_unlock(&s->mu);
	return !atomic_load(&s->stop);
}

static void *sim_main(void *arg)
{
	struct sim *s = arg;
	clock_gettime(CLOCK_MONOTONIC, &s->wall0);
	while (s->nheap > 0) {
		struct action a = pop_action(s);
		if (s->end_ns && a.t > s->end_ns)
			break;
		if (!pace(s, a.t))
			break;
		s->now = a.t;
		if (s->emit_t < a.t)
			s->emit_t = a.t;
		run_action(s, &a);
		flush(s);
		publish_agents(s);
	}
	atomic_store(&s->done, true);
	return NULL;
}

/* The day's opening: lines register, callers start arriving, the first burst is planned. */
static void seed_actions(struct sim *s)
{
	for (int i = 0; i < NLINES; i++)
		schedule(s, after(s, uniform_in(s, 0, 600)), ACT_REGISTER, i, 0, 0);
	for (int q = 0; q < NQUEUES; q++)
		next_arrival(s, q);
	schedule(s, after(s, uniform_in(s, 5, 60)), ACT_OUTBOUND, 0, 0, 0);
	schedule(s, after(s, uniform_in(s, 5, 60)), ACT_DIRECT, 0, 0, 0);
	schedule(s, after(s, 60), ACT_TICK, 0, 0, 0);
	/* the first wave comes a few minutes after the screen opens, so a demo shows an alert */
	int64_t first = s->pace_from_ns + (int64_t)(uniform_in(s, 3 * 60, 8 * 60) * 1e9);
	schedule(s, first, ACT_BURST, pick(s, NQUEUES), 0, 0);
}

struct sim *sim_start(struct model *m, struct journal *j, const struct sim_options *o)
{
	struct sim *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->m = m;
	s->j = j;
	s->rate = o->rate;
	uint64_t x = o->seed;
	for (int i = 0; i < 4; i++)
		s->rng[i] = splitmix64(&x);

	if (o->start_ns > 0) {
		s->start_ns = o->start_ns;
		s->pace_from_ns = o->start_ns;
	} else {
		/* the demo opens at 08:00 today and runs ahead to 10:00, a busy morning with the
		 * day's counters already filled */
		int64_t day = local_day_start_s((int64_t)time(NULL));
		s->start_ns = (day + 8 * 3600) * NS;
		s->pace_from_ns = (day + 10 * 3600) * NS;
	}
	s->end_ns = o->duration_s > 0 ? s->start_ns + (int64_t)(o->duration_s * 1e9) : 0;
	s->now = s->emit_t = s->start_ns;
	for (int i = 0; i < NLINES; i++)
		s->lines[i].caller = -1;
	for (int i = 0; i < MAX_CALLERS; i++)
		s->callers[i].line = -1;
	seed_actions(s);

	cond_init_monotonic(&s->cond);
	pthread_mutex_init(&s->mu, NULL);
	atomic_init(&s->stop, false);
	atomic_init(&s->done, false);
	if (thread_start(&s->thread, sim_main, s) != 0) {
		pthread_cond_destroy(&s->cond);
		pthread_mutex_destroy(&s->mu);
		free(s);
		return NULL;
	}
	return s;
}

bool sim_done(const struct sim *s)
{
	return s && s->done; /* an atomic read */
}

void sim_stop(struct sim *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	atomic_store(&s->stop, true);
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
