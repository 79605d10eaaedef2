/* feed.c: the fetch thread. One curl multi handle, one easy handle per token reused from poll to
 * poll (so one connection per token), V1 long-polls that echo the Session cursor, and the
 * discipline of a good network citizen: layered timeouts, a body cap, capped exponential backoff
 * with full jitter, Retry-After, a slow retry for rejected tokens, a rate limit for answers that
 * come back at once, and a watchdog that calls a silent feed stale.
 *
 * Only this thread touches the network. Each complete 200 body goes to ingest_body(), which
 * journals then applies; a transfer error discards the body unseen. The health of every feed is
 * mirrored into the model's feed_status under the model lock.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "feed.h"
#include "ingest.h"
#include "model.h"
#include "redact.h"
#include "settings.h"

#define URL_MAX           (SETTINGS_PATH_MAX + 3 * SESSION_MAX + 128)
#define NS_PER_MS         INT64_C(1000000)
#define RETRY_AFTER_MAX_S 3600         /* a server may ask for a pause, not for a day off */
#define IDLE_WAKE_MS      5000         /* longest sleep of the loop when nothing is due */
#define BODY_KEEP_BYTES   (256 * 1024) /* a buffer grown beyond this is freed after use */

#ifndef CTIBOARD_VERSION
#define CTIBOARD_VERSION "dev"
#endif

struct feed;

/* One token's poller. */
struct conn {
	struct feed *f;
	int idx; /* its feed_status in the model */
	char token[40];
	char session[SESSION_MAX];
	CURL *easy;
	char errbuf[CURL_ERROR_SIZE];
	char *body;
	size_t len, cap;
	bool over_cap;
	bool busy;                /* a request is in the multi handle */
	int64_t next_ns;          /* monotonic: the next request not before this */
	int64_t started_ns;       /* monotonic: start of the current or last request */
	int64_t activity_ns;      /* monotonic: last event or successful poll (or the start) */
	int64_t healthy_since_ns; /* monotonic: first success since the last error; 0 none */
	int failures;             /* consecutive failures, for the backoff */
	struct feed_status st;    /* local copy, published to the model */
};

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
};

/* Monotonic clock in ns, for every schedule of the thread. */
static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

/* Overwrite a buffer that held a secret, in a way the compiler may not drop. */
static void wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
}

/* xorshift64*: jitter needs spread, not secrecy. */
static uint64_t rng_next(struct feed *f)
{
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return f->rng * UINT64_C(2685821657736338717);
}

/* Copy the local status of c into the model, under its lock. */
static void publish(struct conn *c)
{
	struct model *m = c->f->m;
	model_lock(m);
	m->st.feeds[c->idx] = c->st;
	m->dirty = true;
	model_unlock(m);
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

/* Capped exponential backoff with full jitter, floored at the base: after n consecutive
 * failures the delay is uniform in [base, min(cap, base * 2^n)]. */
static int64_t backoff_ms(struct feed *f, int failures)
{
	int64_t base = f->set.backoff_base_ms > 0 ? f->set.backoff_base_ms : 1;
	int64_t cap = f->set.backoff_cap_ms > base ? f->set.backoff_cap_ms : base;
	int shift = failures < 1 ? 1 : failures > 30 ? 30 : failures;
	int64_t ceiling = base << shift;
	if (ceiling > cap || ceiling < base)
		ceiling = cap;
	return base + (int64_t)(rng_next(f) % (uint64_t)(ceiling - base + 1));
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
	wipe(esc, strlen(esc));
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

/* Start the next V1 poll of c: GET <url>?token=T[&session=S]. */
static void conn_start(struct conn *c, int64_t now)
{
	struct feed *f = c->f;
	char url[URL_MAX];
	snprintf(url, sizeof url, "%s", f->set.url);
	bool ok = url_param(c->easy, url, sizeof url, "token", c->token);
	if (ok && c->session[0])
		ok = url_param(c->easy, url, sizeof url, "session", c->session);
	ok = ok && curl_easy_setopt(c->easy, CURLOPT_URL, url) == CURLE_OK;
	wipe(url, sizeof url);
	c->len = 0;
	c->over_cap = false;
	c->errbuf[0] = '\0';
	c->started_ns = now;
	if (!ok || curl_multi_add_handle(f->multi, c->easy) != CURLM_OK) {
		/* Nothing to retry sooner than a backoff would. */
		c->next_ns = now + backoff_ms(f, c->failures + 1) * NS_PER_MS;
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
	c->failures++;
	c->healthy_since_ns = 0;
	int64_t delay_ms = backoff_ms(f, c->failures);
	if (retry_after_s > 0) {
		if (retry_after_s > RETRY_AFTER_MAX_S)
			retry_after_s = RETRY_AFTER_MAX_S;
		if (retry_after_s * 1000 > delay_ms)
			delay_ms = retry_after_s * 1000;
	}
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
	c->healthy_since_ns = 0;
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
	if (!c->healthy_since_ns)
		c->healthy_since_ns = now;
	if (now - c->healthy_since_ns >= (int64_t)f->set.healthy_reset_s * NS_PER_S)
		c->failures = 0;
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

/* Words for a transfer error; libcurl's own message when it has one (it names no query). */
static void describe_error(const struct conn *c, CURLcode rc, char *dst, size_t size)
{
	if (c->over_cap)
		snprintf(dst, size, "answer larger than the body cap (%d bytes)",
		         c->f->set.body_cap_bytes);
	else if (rc == CURLE_FILESIZE_EXCEEDED)
		snprintf(dst, size, "answer larger than the body cap (%d bytes)",
		         c->f->set.body_cap_bytes);
	else if (c->errbuf[0])
		snprintf(dst, size, "%s", c->errbuf);
	else
		snprintf(dst, size, "%s", curl_easy_strerror(rc));
}

/* A request of c finished with rc: judge the answer and schedule what comes next. */
static void conn_done(struct conn *c, CURLcode rc)
{
	struct feed *f = c->f;
	int64_t now = mono_ns();
	curl_multi_remove_handle(f->multi, c->easy);
	c->busy = false;
	long status = 0;
	curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &status);
	char why[512]; /* cut to last_error by set_error() */

	if (rc != CURLE_OK) {
		/* A transfer error: whatever arrived is discarded unseen. */
		describe_error(c, rc, why, sizeof why);
		conn_fail(c, now, why, 0);
	} else if (status == 401 || status == 403) {
		conn_auth_failed(c, now, status);
	} else if (status != 200) {
		curl_off_t ra = 0;
		if (status == 429 || status == 503)
			curl_easy_getinfo(c->easy, CURLINFO_RETRY_AFTER, &ra);
		snprintf(why, sizeof why, "HTTP %ld", status);
		conn_fail(c, now, why, ra > 0 ? (long)ra : 0);
	} else {
		struct ingest_result res;
		memset(&res, 0, sizeof res);
		ingest_body(f->m, f->j, c->body ? c->body : "", c->len, wall_now_ns(), &res);
		if (!res.parsed) {
			snprintf(why, sizeof why, "answer is not a JSON envelope%s%s",
			         res.error[0] ? ": " : "", res.error);
			conn_fail(c, now, why, 0);
		} else {
			conn_ok(c, now, &res);
		}
	}
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
	int64_t due = c->activity_ns + (int64_t)c->f->set.watchdog_s * NS_PER_S;
	if (c->f->set.watchdog_s <= 0)
		return INT64_MAX;
	if (now >= due) {
		set_state(c, FEED_STALE);
		return INT64_MAX;
	}
	return due;
}

/* The loop of the fetch thread. */
static void *feed_main(void *arg)
{
	struct feed *f = arg;
	while (!atomic_load(&f->stop)) {
		int64_t now = mono_ns();
		int64_t wake = now + IDLE_WAKE_MS * NS_PER_MS;
		for (int i = 0; i < f->n; i++) {
			struct conn *c = &f->conns[i];
			if (!c->busy && now >= c->next_ns)
				conn_start(c, now);
			if (!c->busy && c->next_ns < wake)
				wake = c->next_ns;
			int64_t w = watchdog(c, now);
			if (w < wake)
				wake = w;
		}
		int running = 0;
		curl_multi_perform(f->multi, &running);
		CURLMsg *msg;
		int left;
		bool finished = false;
		while ((msg = curl_multi_info_read(f->multi, &left))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			void *p = NULL;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &p);
			struct conn *c = p;
			if (c) {
				conn_done(c, msg->data.result);
				finished = true;
			}
		}
		if (finished || atomic_load(&f->stop))
			continue; /* schedule again before sleeping */
		now = mono_ns();
		int64_t ms = wake > now ? (wake - now + NS_PER_MS - 1) / NS_PER_MS : 0;
		if (ms > 0)
			curl_multi_poll(f->multi, NULL, 0, (int)ms, NULL);
	}
	return NULL;
}

/* Free everything of f; the thread must not be running. */
static void feed_free(struct feed *f)
{
	for (int i = 0; i < f->n; i++) {
		struct conn *c = &f->conns[i];
		if (c->easy) {
			if (c->busy)
				curl_multi_remove_handle(f->multi, c->easy);
			curl_easy_cleanup(c->easy);
		}
		free(c->body);
		wipe(c->token, sizeof c->token);
		wipe(c->session, sizeof c->session);
	}
	if (f->multi)
		curl_multi_cleanup(f->multi);
	free(f);
}

struct feed *feed_start(struct model *m, struct journal *j, const struct settings *s,
                        char tokens[][40], int ntokens, char *err, size_t errsize)
{
	if (ntokens <= 0 || ntokens > TOKENS_MAX || ntokens > FEEDS_MAX) {
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
	if (f->set.body_cap_bytes < 1024)
		f->set.body_cap_bytes = 1024;
	atomic_init(&f->stop, false);
	f->rng =
	    (uint64_t)mono_ns() ^ ((uint64_t)(uintptr_t)f << 16) ^ UINT64_C(0x9e3779b97f4a7c15);
	if (!f->rng)
		f->rng = 1;
	f->multi = curl_multi_init();
	if (!f->multi) {
		snprintf(err, errsize, "cannot set up libcurl");
		feed_free(f);
		return NULL;
	}
	curl_multi_setopt(f->multi, CURLMOPT_MAXCONNECTS, (long)ntokens + 2);
	int64_t now = mono_ns();
	for (int i = 0; i < ntokens; i++) {
		struct conn *c = &f->conns[i];
		c->f = f;
		c->idx = i;
		snprintf(c->token, sizeof c->token, "%s", tokens[i]);
		c->next_ns = now;
		c->activity_ns = now;
		c->st.state = FEED_CONNECTING;
		redact_label(c->st.label, sizeof c->st.label, c->token);
		f->n++;
		if (!setup_easy(c)) {
			snprintf(err, errsize, "cannot set up libcurl");
			feed_free(f);
			return NULL;
		}
	}
	model_lock(m);
	for (int i = 0; i < f->n; i++)
		m->st.feeds[i] = f->conns[i].st;
	m->st.nfeeds = (size_t)f->n;
	m->dirty = true;
	model_unlock(m);

	/* The thread blocks every signal: they belong to the main and UI threads. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&f->thread, NULL, feed_main, f);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		snprintf(err, errsize, "cannot start the fetch thread: %s", strerror(rc));
		feed_free(f);
		return NULL;
	}
	return f;
}

void feed_stop(struct feed *f)
{
	if (!f)
		return;
	atomic_store(&f->stop, true);
	curl_multi_wakeup(f->multi);
	pthread_join(f->thread, NULL);
	feed_free(f);
}
