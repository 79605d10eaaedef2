/* feed.c: the fetch thread. One curl multi handle, one easy handle per token reused from poll to
 * poll (so one connection per token), V1 long-polls that echo the Session cursor (or, with
 * protocol v2, one session that every token subscribes to, recreated when it times out), and the
 * discipline of a good network citizen: layered timeouts, a body cap, capped exponential backoff
 * with full jitter, Retry-After, a slow retry for rejected tokens, a rate limit for answers that
 * come back at once, and a watchdog that calls a silent feed stale.
 *
 * Only this thread touches the network. Each complete 200 body goes to ingest_body(), which
 * journals then applies; a transfer error discards the body unseen. The health of every feed is
 * mirrored into the model's feed_status under the model lock.
 */
#include <cJSON.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "backoff.h"
#include "feed.h"
#include "ingest.h"
#include "model.h"
#include "redact.h"
#include "settings.h"
#include "startup.h"
#include "thread.h"

#define URL_MAX         (SETTINGS_PATH_MAX + 3 * SESSION_MAX + 128)
#define NS_PER_MS       INT64_C(1000000)
#define IDLE_WAKE_MS    5000                 /* longest sleep of the loop when nothing is due */
#define BODY_KEEP_BYTES ((size_t)256 * 1024) /* a buffer grown beyond this is freed after use */

#ifndef CTIBOARD_VERSION
#define CTIBOARD_VERSION "dev"
#endif

struct feed;

/* One token's poller (V1), or the transport of the V2 session (idx -1). */
struct conn {
	struct feed *f;
	int idx;       /* its feed_status in the model; -1 for the V2 transport */
	bool rejected; /* V2: the token's subscription was refused (401/403) */
	char token[TOKEN_SIZE];
	char session[SESSION_MAX];
	CURL *easy;
	char errbuf[CURL_ERROR_SIZE];
	char *body;
	size_t len, cap;
	bool over_cap;
	bool busy;              /* a request is in the multi handle */
	int64_t next_ns;        /* monotonic: the next request not before this */
	int64_t started_ns;     /* monotonic: start of the current or last request */
	int64_t activity_ns;    /* monotonic: last event or successful poll (or the start) */
	struct backoff backoff; /* consecutive failures, healthy since (monotonic) */
	struct feed_status st;  /* local copy, published to the model */
};

enum v2_phase { V2_CREATE, V2_SUBSCRIBE, V2_POLL };

struct feed {
	struct model *m;
	struct journal *j;
	struct settings set;
	CURLM *multi;
	pthread_t thread;
	atomic_bool stop;
	uint64_t rng;
	int n;
	struct conn conns[TOKENS_MAX];
	/* protocol v2: one session for every token */
	bool v2;
	/* V2: the session's connection; its status is mirrored to every accepted token */
	struct conn transport;
	enum v2_phase phase;
	int sub; /* V2_SUBSCRIBE: the token being subscribed */
	char v2_id[SESSION_MAX];
	bool subscribed[TOKENS_MAX];
};

/* xorshift64*: jitter needs spread, not secrecy. */
static uint64_t rng_next(struct feed *f)
{
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return f->rng * UINT64_C(2685821657736338717);
}

/* Copy the local status of c into the model, under its lock. The V2 transport's status is
 * the status of every token that was not refused. */
static void publish(struct conn *c)
{
	struct feed *f = c->f;
	struct feed_status all[FEEDS_MAX];
	for (int i = 0; i < f->n; i++) {
		struct conn *t = &f->conns[i];
		if (c->idx < 0 && !t->rejected) {
			struct feed_status st = c->st;
			memcpy(st.label, t->st.label, sizeof st.label);
			t->st = st;
		}
		all[i] = t->st;
	}
	model_set_feeds(f->m, all, (size_t)f->n);
}

/* Keep a printable, redacted copy of an error message. */
static void set_error(struct conn *c, const char *msg)
{
	char buf[sizeof c->st.last_error];
	snprintf(buf, sizeof buf, "%s", msg);
	size_t n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	redact_text(buf, n);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] >= 0x7f)
			buf[i] = '?';
	memcpy(c->st.last_error, buf, sizeof buf);
}

/* The delay after failures consecutive failures (backoff.h), with the feed's jitter. */
static int64_t backoff_ms(struct feed *f, int failures)
{
	return backoff_delay_ms(f->set.backoff_base_ms, f->set.backoff_cap_ms, failures,
	                        rng_next(f));
}

/* libcurl write callback: collect the body, refusing to grow past the cap. */
static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
	struct conn *c = userp;
	size_t n = size * nmemb;
	size_t limit = (size_t)c->f->set.body_cap_bytes;
	if (n > limit || c->len > limit - n) {
		c->over_cap = true;
		return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
	}
	if (c->len + n + 1 > c->cap) {
		size_t want = c->cap ? c->cap : 16384;
		while (want < c->len + n + 1)
			want *= 2;
		if (want > limit + 1)
			want = limit + 1;
		char *nb = realloc(c->body, want);
		if (!nb)
			return 0;
		c->body = nb;
		c->cap = want;
	}
	memcpy(c->body + c->len, data, n);
	c->len += n;
	return n;
}

/* Set the options an easy handle keeps for all its polls. */
static bool setup_easy(struct conn *c)
{
	const struct settings *s = &c->f->set;
	CURL *e = curl_easy_init();
	if (!e)
		return false;
	long hold = s->hold_s > 0 ? s->hold_s : 0;
	bool ok = true;
#define OPT(o, v) ok = ok && curl_easy_setopt(e, o, v) == CURLE_OK
	OPT(CURLOPT_NOSIGNAL, 1L);
	/* a resolver thread still in a slow DNS lookup is left behind, not joined, at exit */
	OPT(CURLOPT_QUICK_EXIT, 1L);
	OPT(CURLOPT_PRIVATE, (void *)c);
	OPT(CURLOPT_WRITEFUNCTION, on_body);
	OPT(CURLOPT_WRITEDATA, (void *)c);
	OPT(CURLOPT_ERRORBUFFER, c->errbuf);
	OPT(CURLOPT_USERAGENT, "ctiboard/" CTIBOARD_VERSION);
	OPT(CURLOPT_FOLLOWLOCATION, 0L); /* a redirect would carry the token elsewhere */
	OPT(CURLOPT_PROTOCOLS_STR, "http,https");
	OPT(CURLOPT_SSL_VERIFYPEER, 1L);
	OPT(CURLOPT_SSL_VERIFYHOST, 2L);
	/* Timeouts in layers: the connection, then the whole request above the hold, then a
	 * low-speed guard longer than the hold (the server is silent while it holds). */
	OPT(CURLOPT_CONNECTTIMEOUT, (long)(s->connect_timeout_s > 0 ? s->connect_timeout_s : 10));
	OPT(CURLOPT_TIMEOUT, hold + 20L);
	OPT(CURLOPT_LOW_SPEED_LIMIT, 16L); /* a slower drip is a stall, not an answer */
	OPT(CURLOPT_LOW_SPEED_TIME, hold + 5L);
	OPT(CURLOPT_TCP_KEEPALIVE, 1L);
	OPT(CURLOPT_TCP_KEEPIDLE, 30L);
	OPT(CURLOPT_TCP_KEEPINTVL, 15L);
	OPT(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)s->body_cap_bytes);
#undef OPT
	if (!ok) {
		curl_easy_cleanup(e);
		return false;
	}
	c->easy = e;
	return true;
}

/* Append "name=escaped(value)" to the URL being built. */
static bool url_param(CURL *e, char *url, size_t size, const char *name, const char *value)
{
	char *esc = curl_easy_escape(e, value, 0);
	if (!esc)
		return false;
	size_t n = strlen(url);
	const char *sep = strchr(url, '?') ? "&" : "?";
	int w = snprintf(url + n, size - n, "%s%s=%s", sep, name, esc);
	secret_wipe(esc, strlen(esc));
	curl_free(esc);
	return w > 0 && (size_t)w < size - n;
}

/* Move the local state and publish it when it changed. */
static void set_state(struct conn *c, enum feed_state st)
{
	if (c->st.state != st) {
		c->st.state = st;
		if (st != FEED_BACKOFF && st != FEED_AUTH_FAILED)
			c->st.retry_at_ns = 0;
		publish(c);
	}
}

/* The V1 poll of c: GET <url>?token=T[&session=S]. */
static bool v1_request(struct conn *c, char *url, size_t size)
{
	snprintf(url, size, "%s", c->f->set.url);
	bool ok = url_param(c->easy, url, size, "token", c->token);
	if (ok && c->session[0])
		ok = url_param(c->easy, url, size, "session", c->session);
	return ok;
}

/* V2: the next token to subscribe from position i on (not subscribed, and if it was refused,
 * only once its retry is due); -1 if none. */
static int v2_next_token(struct feed *f, int i, int64_t now)
{
	for (; i < f->n; i++)
		if (!f->subscribed[i] && (!f->conns[i].rejected || now >= f->conns[i].next_ns))
			return i;
	return -1;
}

/* V2: choose the next step (create, subscribe a token, poll). False when there is nothing to
 * do before transport.next_ns, which is then moved to the next refused token's retry. */
static bool v2_plan(struct feed *f, int64_t now)
{
	if (f->phase == V2_CREATE)
		return true;
	int i = v2_next_token(f, 0, now);
	if (i >= 0) {
		f->phase = V2_SUBSCRIBE;
		f->sub = i;
		return true;
	}
	int64_t due = INT64_MAX;
	for (i = 0; i < f->n; i++) {
		if (f->subscribed[i]) {
			f->phase = V2_POLL;
			return true;
		}
		if (f->conns[i].next_ns < due)
			due = f->conns[i].next_ns;
	}
	f->transport.next_ns = due;
	return false;
}

/* The V2 request of the current phase: POST <base>/v2/session, POST .../subscribe/<token>,
 * GET .../events/poll. */
static bool v2_request(struct feed *f, char *url, size_t size)
{
	CURL *e = f->transport.easy;
	char base[SETTINGS_PATH_MAX];
	snprintf(base, sizeof base, "%s", f->set.url);
	base[strcspn(base, "?#")] = '\0';
	size_t n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		base[--n] = '\0';
	char *id = curl_easy_escape(e, f->v2_id, 0);
	if (!id)
		return false;
	bool post = true, ok = true;
	if (f->phase == V2_CREATE) {
		snprintf(url, size, "%s/v2/session", base);
	} else if (f->phase == V2_SUBSCRIBE) {
		char *tok = curl_easy_escape(e, f->conns[f->sub].token, 0);
		ok = tok != NULL;
		if (ok)
			snprintf(url, size, "%s/v2/session/%s/subscribe/%s", base, id, tok);
		if (tok)
			secret_wipe(tok, strlen(tok));
		curl_free(tok);
	} else {
		snprintf(url, size, "%s/v2/session/%s/events/poll", base, id);
		post = false;
	}
	curl_free(id);
	if (post)
		return ok && curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, 0L) == CURLE_OK &&
		       curl_easy_setopt(e, CURLOPT_POSTFIELDS, "") == CURLE_OK;
	return ok && curl_easy_setopt(e, CURLOPT_HTTPGET, 1L) == CURLE_OK;
}

/* Start the next request of c (a V1 poll, or the next V2 step). */
static void conn_start(struct conn *c, int64_t now)
{
	struct feed *f = c->f;
	if (f->v2 && !v2_plan(f, now))
		return;
	char url[URL_MAX];
	bool ok = f->v2 ? v2_request(f, url, sizeof url) : v1_request(c, url, sizeof url);
	ok = ok && curl_easy_setopt(c->easy, CURLOPT_URL, url) == CURLE_OK;
	secret_wipe(url, sizeof url);
	c->len = 0;
	c->over_cap = false;
	c->errbuf[0] = '\0';
	c->started_ns = now;
	if (!ok || curl_multi_add_handle(f->multi, c->easy) != CURLM_OK) {
		/* Nothing to retry sooner than a backoff would. */
		c->next_ns = now + backoff_ms(f, c->backoff.failures + 1) * NS_PER_MS;
		return;
	}
	c->busy = true;
	if (c->st.state == FEED_BACKOFF)
		set_state(c, FEED_CONNECTING);
}

/* A poll failed: count it, keep the reason, schedule the retry. */
static void conn_fail(struct conn *c, int64_t now, const char *why, long retry_after_s)
{
	struct feed *f = c->f;
	backoff_failed(&c->backoff);
	int64_t delay_ms = backoff_ms(f, c->backoff.failures);
	/* a server may ask for a pause, honoured up to the longest backoff, never for an hour */
	int64_t asked_ms = retry_after_s > 0 ? (int64_t)retry_after_s * 1000 : 0;
	if (asked_ms > f->set.backoff_cap_ms)
		asked_ms = f->set.backoff_cap_ms;
	if (asked_ms > delay_ms)
		delay_ms = asked_ms;
	c->next_ns = now + delay_ms * NS_PER_MS;
	c->st.errors++;
	c->st.state = FEED_BACKOFF;
	c->st.retry_at_ns = wall_now_ns() + delay_ms * NS_PER_MS;
	set_error(c, why);
	publish(c);
}

/* The token was refused: say so, forget the session, try again only much later. */
static void conn_auth_failed(struct conn *c, int64_t now, long status)
{
	struct feed *f = c->f;
	int64_t delay_ms = (int64_t)(f->set.auth_retry_s > 0 ? f->set.auth_retry_s : 1) * 1000;
	backoff_refused(&c->backoff);
	c->session[0] = '\0';
	c->next_ns = now + delay_ms * NS_PER_MS;
	c->st.errors++;
	c->st.state = FEED_AUTH_FAILED;
	c->st.retry_at_ns = wall_now_ns() + delay_ms * NS_PER_MS;
	char why[64];
	snprintf(why, sizeof why, "token rejected (HTTP %ld)", status);
	set_error(c, why);
	publish(c);
}

/* A poll answered 200 with a body the ingest accepted. */
static void conn_ok(struct conn *c, int64_t now, const struct ingest_result *res)
{
	struct feed *f = c->f;
	if (res->has_session)
		snprintf(c->session, sizeof c->session, "%s", res->session);
	backoff_succeeded(&c->backoff, now, (int64_t)f->set.healthy_reset_s * NS_PER_S);
	/* An answer that came back at once must not turn into a hot loop. */
	int64_t earliest = c->started_ns + (int64_t)f->set.min_poll_interval_ms * NS_PER_MS;
	c->next_ns = earliest > now ? earliest : now;
	c->activity_ns = now;
	int64_t wall = wall_now_ns();
	c->st.polls++;
	c->st.last_ok_ns = wall;
	if (res->events > 0) {
		c->st.events += (uint64_t)res->events;
		c->st.last_event_ns = wall;
	}
	c->st.state = FEED_LIVE;
	c->st.retry_at_ns = 0;
	publish(c);
}

/* The kind of a transfer error in a word a supervisor knows, before libcurl's details. */
static const char *error_class(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY: return "DNS: ";
	case CURLE_COULDNT_CONNECT: return "refused: ";
	case CURLE_OPERATION_TIMEDOUT: return "timeout: ";
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE: return "TLS: ";
	default: return "";
	}
}

/* Words for a transfer error; libcurl's own message when it has one (it names no query). */
static void describe_error(const struct conn *c, CURLcode rc, char *dst, size_t size)
{
	if (c->over_cap || rc == CURLE_FILESIZE_EXCEEDED)
		snprintf(dst, size, "answer larger than the body cap (%d bytes)",
		         c->f->set.body_cap_bytes);
	else
		snprintf(dst, size, "%s%s", error_class(rc),
		         c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc));
}

/* The Retry-After of a 429 or 503 answer, in seconds; 0 when absent. */
static long retry_after(const struct conn *c, long status)
{
	curl_off_t ra = 0;
	if ((status == 429 || status == 503) &&
	    curl_easy_getinfo(c->easy, CURLINFO_RETRY_AFTER, &ra) != CURLE_OK)
		return 0;
	/* conn_fail() caps it at backoff_cap_ms; this only keeps it within a long */
	return ra > 0 ? (long)(ra > 86400 ? 86400 : ra) : 0;
}

/* A V1 poll finished: judge the answer and schedule the next poll. */
static void v1_done(struct conn *c, CURLcode rc, long status, int64_t now)
{
	struct feed *f = c->f;
	char why[512]; /* cut to last_error by set_error() */
	if (rc != CURLE_OK) {
		/* A transfer error: whatever arrived is discarded unseen. */
		describe_error(c, rc, why, sizeof why);
		conn_fail(c, now, why, 0);
	} else if (status == 401 || status == 403) {
		conn_auth_failed(c, now, status);
	} else if (status != 200) {
		snprintf(why, sizeof why, "HTTP %ld", status);
		conn_fail(c, now, why, retry_after(c, status));
	} else {
		struct ingest_result res;
		memset(&res, 0, sizeof res);
		startup_wait(f->m, &f->stop); /* after the journal, in order */
		ingest_body(f->m, f->j, c->body ? c->body : "", c->len, wall_now_ns(), &res);
		if (!res.parsed) {
			snprintf(why, sizeof why, "answer is not a JSON envelope%s%s",
			         res.error[0] ? ": " : "", res.error);
			conn_fail(c, now, why, 0);
		} else {
			conn_ok(c, now, &res);
		}
	}
}

/* V2: the id of a new session from {"id": "..."} (a string or a number). */
static bool v2_parse_id(const struct conn *x, char *dst, size_t size)
{
	cJSON *root = cJSON_ParseWithLength(x->body ? x->body : "", x->len);
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "id");
	bool ok = false;
	if (cJSON_IsString(id) && id->valuestring[0] && strlen(id->valuestring) < size) {
		snprintf(dst, size, "%s", id->valuestring);
		ok = true;
	} else if (cJSON_IsNumber(id) && id->valuedouble >= 0 && id->valuedouble < 1e15) {
		snprintf(dst, size, "%.0f", id->valuedouble);
		ok = true;
	}
	cJSON_Delete(root);
	return ok;
}

/* V2: is the body the service's "Timeout, please reconnect" (possibly as a JSON string)? */
static bool v2_is_timeout(const struct conn *x)
{
	size_t i = 0;
	while (i < x->len && (x->body[i] == ' ' || x->body[i] == '\n' || x->body[i] == '\r' ||
	                      x->body[i] == '\t' || x->body[i] == '"'))
		i++;
	return i + 7 <= x->len && strncasecmp(x->body + i, "timeout", 7) == 0;
}

/* A V2 step finished: move the session along, or start it again. */
static void v2_done(struct conn *x, CURLcode rc, long status, int64_t now)
{
	struct feed *f = x->f;
	char why[512];
	if (rc != CURLE_OK) {
		describe_error(x, rc, why, sizeof why);
		if (f->phase != V2_POLL)
			f->phase = V2_CREATE;
		conn_fail(x, now, why, 0);
		return;
	}
	if (f->phase == V2_CREATE) {
		if ((status == 200 || status == 201) && v2_parse_id(x, f->v2_id, sizeof f->v2_id)) {
			memset(f->subscribed, 0, sizeof f->subscribed);
			f->phase = V2_SUBSCRIBE;
			x->next_ns = now;
		} else {
			snprintf(why, sizeof why, "creating a v2 session: HTTP %ld", status);
			conn_fail(x, now, why, retry_after(x, status));
		}
		return;
	}
	if (f->phase == V2_SUBSCRIBE) {
		struct conn *c = &f->conns[f->sub];
		if (status == 200 || status == 201 || status == 204) {
			f->subscribed[f->sub] = true;
			x->next_ns = now;
			if (c->rejected) {
				c->rejected = false;
				publish(x);
			}
		} else if (status == 401 || status == 403) {
			c->rejected = true;
			conn_auth_failed(c, now, status);
			x->next_ns = now;
		} else {
			snprintf(why, sizeof why, "subscribing to the v2 session: HTTP %ld",
			         status);
			f->phase = V2_CREATE;
			conn_fail(x, now, why, retry_after(x, status));
		}
		return;
	}
	if (status == 404) {
		f->phase = V2_CREATE;
		conn_fail(x, now, "the v2 session is gone (HTTP 404)", 0);
	} else if (v2_is_timeout(x)) {
		/* The session ran out: an idle answer, not an error. */
		struct ingest_result none;
		memset(&none, 0, sizeof none);
		f->phase = V2_CREATE;
		conn_ok(x, now, &none);
	} else if (status != 200) {
		snprintf(why, sizeof why, "HTTP %ld", status);
		if (status == 401 || status == 403)
			f->phase = V2_CREATE;
		conn_fail(x, now, why, retry_after(x, status));
	} else {
		struct ingest_result res;
		memset(&res, 0, sizeof res);
		startup_wait(f->m, &f->stop); /* after the journal, in order */
		ingest_body(f->m, f->j, x->body ? x->body : "", x->len, wall_now_ns(), &res);
		if (!res.parsed) {
			snprintf(why, sizeof why, "answer is not a JSON array of events%s%s",
			         res.error[0] ? ": " : "", res.error);
			conn_fail(x, now, why, 0);
		} else {
			conn_ok(x, now, &res);
		}
	}
}

/* A request of c finished with rc: judge the answer and schedule what comes next. */
static void conn_done(struct conn *c, CURLcode rc)
{
	struct feed *f = c->f;
	int64_t now = mono_now_ns();
	curl_multi_remove_handle(f->multi, c->easy); /* only fails for a handle not in multi */
	c->busy = false;
	long status = 0;
	if (rc == CURLE_OK &&
	    curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
		rc = CURLE_BAD_FUNCTION_ARGUMENT;
	if (f->v2)
		v2_done(c, rc, status, now);
	else
		v1_done(c, rc, status, now);
	if (c->cap > BODY_KEEP_BYTES) {
		free(c->body);
		c->body = NULL;
		c->cap = 0;
	}
	c->len = 0;
}

/* Call a feed stale when neither an event nor a successful poll came for watchdog_s. Returns
 * the next time (monotonic) the watchdog must look at c, or INT64_MAX. */
static int64_t watchdog(struct conn *c, int64_t now)
{
	if (c->st.state != FEED_LIVE && c->st.state != FEED_CONNECTING)
		return INT64_MAX;
	if (c->f->set.watchdog_s <= 0)
		return INT64_MAX;
	int64_t due = c->activity_ns + (int64_t)c->f->set.watchdog_s * NS_PER_S;
	if (now >= due) {
		set_state(c, FEED_STALE);
		return INT64_MAX;
	}
	return due;
}

/* The multi handle itself failed (out of memory, an internal error): every request under way is
 * abandoned and retried after a backoff, and the reason shows as each feed's error, rather
 * than the loop spinning on a handle that does not work. */
static void multi_failed(struct feed *f, struct conn *const *t, int nt, const char *call,
                         CURLMcode mc)
{
	char why[128];
	int64_t now = mono_now_ns();
	snprintf(why, sizeof why, "%s: %s", call, curl_multi_strerror(mc));
	for (int i = 0; i < nt; i++) {
		struct conn *c = t[i];
		if (c->busy) {
			curl_multi_remove_handle(f->multi, c->easy);
			c->busy = false;
		}
		conn_fail(c, now, why, 0);
	}
	/* wait out the backoff here: the multi handle cannot be trusted to sleep */
	int64_t due = INT64_MAX;
	for (int i = 0; i < nt; i++)
		if (t[i]->next_ns < due)
			due = t[i]->next_ns;
	while (!atomic_load(&f->stop) && (now = mono_now_ns()) < due) {
		int64_t left = due - now < 50 * NS_PER_MS ? due - now : 50 * NS_PER_MS;
		struct timespec ts = {0, (long)left};
		nanosleep(&ts, NULL);
	}
}

/* The loop of the fetch thread. */
static void *feed_main(void *arg)
{
	struct feed *f = arg;
	/* V1: one transport per token; V2: the session's. */
	struct conn *t[TOKENS_MAX];
	int nt = 0;
	if (f->v2)
		t[nt++] = &f->transport;
	else
		for (int i = 0; i < f->n; i++)
			t[nt++] = &f->conns[i];
	while (!atomic_load(&f->stop)) {
		int64_t now = mono_now_ns();
		int64_t wake = now + IDLE_WAKE_MS * NS_PER_MS;
		for (int i = 0; i < nt; i++) {
			struct conn *c = t[i];
			if (!c->busy && now >= c->next_ns)
				conn_start(c, now);
			if (!c->busy && c->next_ns < wake)
				wake = c->next_ns;
			int64_t w = watchdog(c, now);
			if (w < wake)
				wake = w;
		}
		int running = 0;
		CURLMcode mc = curl_multi_perform(f->multi, &running);
		if (mc != CURLM_OK) {
			multi_failed(f, t, nt, "curl_multi_perform", mc);
			continue; /* after the pause, schedule again */
		}
		CURLMsg *msg;
		int left;
		bool finished = false;
		while ((msg = curl_multi_info_read(f->multi, &left))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			void *p = NULL;
			struct conn *c = NULL;
			if (curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &p) == CURLE_OK)
				c = p;
			if (c) {
				conn_done(c, msg->data.result);
				finished = true;
			}
		}
		if (finished || atomic_load(&f->stop))
			continue; /* schedule again before sleeping */
		now = mono_now_ns();
		int64_t ms = wake > now ? (wake - now + NS_PER_MS - 1) / NS_PER_MS : 0;
		if (ms > 0 && (mc = curl_multi_poll(f->multi, NULL, 0, (int)ms, NULL)) != CURLM_OK)
			multi_failed(f, t, nt, "curl_multi_poll", mc);
	}
	return NULL;
}

/* Free what a conn holds. */
static void conn_free(struct conn *c)
{
	if (c->easy) {
		if (c->busy)
			curl_multi_remove_handle(c->f->multi, c->easy);
		curl_easy_cleanup(c->easy);
	}
	free(c->body);
	secret_wipe(c->token, sizeof c->token);
	secret_wipe(c->session, sizeof c->session);
}

/* Free everything of f; the thread must not be running. */
static void feed_free(struct feed *f)
{
	for (int i = 0; i < f->n; i++)
		conn_free(&f->conns[i]);
	if (f->transport.f)
		conn_free(&f->transport);
	if (f->multi)
		curl_multi_cleanup(f->multi);
	free(f);
}

struct feed *feed_start(struct model *m, struct journal *j, const struct settings *s,
                        char tokens[][TOKEN_SIZE], int ntokens, char *err, size_t errsize)
{
	_Static_assert(FEEDS_MAX >= TOKENS_MAX, "a feed status for every token");
	if (ntokens <= 0 || ntokens > TOKENS_MAX) {
		snprintf(err, errsize, "no token to poll with (or more than %d)", TOKENS_MAX);
		return NULL;
	}
	if (!feed_check_url(s->url, err, errsize))
		return NULL;
	struct feed *f = calloc(1, sizeof *f);
	if (!f) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	f->m = m;
	f->j = j;
	f->set = *s;
	f->v2 = s->protocol_v2;
	if (f->set.body_cap_bytes < 1024)
		f->set.body_cap_bytes = 1024;
	atomic_init(&f->stop, false);
	f->rng =
	    (uint64_t)mono_now_ns() ^ ((uint64_t)(uintptr_t)f << 16) ^ UINT64_C(0x9e3779b97f4a7c15);
	if (!f->rng)
		f->rng = 1;
	f->multi = curl_multi_init();
	if (!f->multi) {
		snprintf(err, errsize, "cannot set up libcurl");
		goto fail;
	}
	if (curl_multi_setopt(f->multi, CURLMOPT_MAXCONNECTS, (long)ntokens + 2) != CURLM_OK) {
		snprintf(err, errsize, "cannot set up libcurl: CURLMOPT_MAXCONNECTS refused");
		goto fail;
	}
	int64_t now = mono_now_ns();
	for (int i = 0; i < ntokens; i++) {
		struct conn *c = &f->conns[i];
		c->f = f;
		c->idx = i;
		snprintf(c->token, sizeof c->token, "%s", tokens[i]);
		c->next_ns = now;
		c->activity_ns = now;
		c->st.state = FEED_CONNECTING;
		c->st.started_ns = wall_now_ns();
		redact_label(c->st.label, sizeof c->st.label, c->token);
		f->n++;
		if (!f->v2 && !setup_easy(c)) {
			snprintf(err, errsize, "cannot set up libcurl");
			goto fail;
		}
	}
	if (f->v2) {
		f->transport.f = f;
		f->transport.idx = -1;
		f->transport.next_ns = now;
		f->transport.activity_ns = now;
		f->transport.st.state = FEED_CONNECTING;
		f->transport.st.started_ns = wall_now_ns();
		if (!setup_easy(&f->transport)) {
			snprintf(err, errsize, "cannot set up libcurl");
			goto fail;
		}
	}
	struct feed_status all[FEEDS_MAX];
	for (int i = 0; i < f->n; i++)
		all[i] = f->conns[i].st;
	model_set_feeds(m, all, (size_t)f->n);

	int rc = thread_start(&f->thread, feed_main, f);
	if (rc != 0) {
		snprintf(err, errsize, "cannot start the fetch thread: %s", strerror(rc));
		goto fail;
	}
	return f;

fail:
	feed_free(f);
	return NULL;
}

void feed_stop(struct feed *f)
{
	if (!f)
		return;
	atomic_store(&f->stop, true);
	/* without a wake-up the thread still sees the flag at its next poll timeout */
	if (curl_multi_wakeup(f->multi) != CURLM_OK)
		fprintf(stderr, "ctiboard: cannot wake the fetch thread; it stops within %d s\n",
		        IDLE_WAKE_MS / 1000);
	pthread_join(f->thread, NULL);
	feed_free(f);
}
