/* ovh_api.c: signed OVH API requests with libcurl, SHA-1 from libcrypto, answers with cJSON. */
#include "ovh_api.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "api_budget.h"
#include "backoff.h"
#include "clock.h"
#include "ovh_conf.h"
#include "redact.h"
#include "text.h"

#define BODY_CAP       (4u << 20)
#define RESYNC_EVERY_S (3 * 3600)

struct body {
	char *data;
	size_t len, cap;
	bool too_big;
};

struct ovh_api {
	CURL *easy;
	struct ovh_credentials cred;
	struct ovh_api_options opt;
	struct api_budget budget;
	int64_t clock_offset_s;  /* server - local */
	int64_t clock_synced_ns; /* monotonic time of the last /auth/time; 0 never */
	uint64_t requests;
	uint64_t rng;
	char errbuf[CURL_ERROR_SIZE];
	char query_id[128];
	int64_t retry_after_s; /* of the last answer, -1 none */
};

void ovh_signature(char *out, const char *application_secret, const char *consumer_key,
                   const char *method, const char *url, const char *body, const char *timestamp)
{
	static const char hex[] = "0123456789abcdef";
	const char *parts[] = {application_secret, consumer_key, method, url,
	                       body ? body : "",   timestamp};
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) == 1;
	for (size_t i = 0; ok && i < sizeof parts / sizeof parts[0]; i++) {
		if (i > 0)
			ok = EVP_DigestUpdate(ctx, "+", 1) == 1;
		ok = ok && EVP_DigestUpdate(ctx, parts[i], strlen(parts[i])) == 1;
	}
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == 20;
	EVP_MD_CTX_free(ctx);
	memcpy(out, "$1$", 3);
	for (unsigned int i = 0; i < 20; i++) {
		out[3 + 2 * i] = ok ? hex[md[i] >> 4] : '0';
		out[4 + 2 * i] = ok ? hex[md[i] & 15] : '0';
	}
	out[OVH_SIGNATURE_LEN] = '\0';
}

void ovh_api_options_defaults(struct ovh_api_options *o)
{
	o->max_per_min = 50;
	o->timeout_s = 20;
	o->connect_timeout_s = 10;
	o->attempts = 4;
	o->backoff_base_ms = 1000;
	o->backoff_cap_ms = 30000;
	o->retry_after_cap_s = 120;
	o->stop = NULL;
}

static bool stopped(const struct ovh_api *a)
{
	return a->opt.stop && atomic_load(a->opt.stop);
}

/* Sleep ns in short slices, returning early (false) when asked to stop. */
static bool nap(const struct ovh_api *a, int64_t ns)
{
	int64_t end = mono_now_ns() + ns;
	for (;;) {
		if (stopped(a))
			return false;
		int64_t left = end - mono_now_ns();
		if (left <= 0)
			return true;
		if (left > 100 * 1000000)
			left = 100 * 1000000;
		struct timespec ts = {(time_t)(left / NS_PER_S), (long)(left % NS_PER_S)};
		nanosleep(&ts, NULL);
	}
}

static uint64_t rng_next(struct ovh_api *a)
{
	uint64_t x = a->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return a->rng = x;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
	struct body *b = userp;
	size_t n = size * nmemb;
	if (b->len + n + 1 > BODY_CAP) {
		b->too_big = true;
		return 0;
	}
	if (b->len + n + 1 > b->cap) {
		size_t ncap = (b->len + n + 1) * 2;
		char *grown = realloc(b->data, ncap);
		if (!grown)
			return 0;
		b->data = grown;
		b->cap = ncap;
	}
	memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

/* Header callback: keep X-Ovh-Queryid. */
static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
	struct ovh_api *a = userp;
	size_t n = size * nmemb;
	static const char name[] = "x-ovh-queryid:";
	if (n > sizeof name - 1 && strncasecmp(data, name, sizeof name - 1) == 0) {
		const char *v = data + sizeof name - 1;
		size_t vn = n - (sizeof name - 1);
		while (vn && (*v == ' ' || *v == '\t'))
			v++, vn--;
		while (vn && (v[vn - 1] == '\r' || v[vn - 1] == '\n' || v[vn - 1] == ' '))
			vn--;
		text_sanitize(a->query_id, sizeof a->query_id, v, vn);
	}
	return n;
}

struct ovh_api *ovh_api_open(const struct ovh_credentials *c, const struct ovh_api_options *o,
                             char *err, size_t errsize)
{
	struct ovh_api *a = calloc(1, sizeof *a);
	if (!a || !(a->easy = curl_easy_init())) {
		free(a);
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	a->cred = *c;
	a->opt = *o;
	api_budget_init(&a->budget, o->max_per_min, mono_now_ns());
	if (getrandom(&a->rng, sizeof a->rng, GRND_NONBLOCK) != (ssize_t)sizeof a->rng)
		a->rng = (uint64_t)wall_now_ns() ^ ((uint64_t)getpid() << 32);
	a->rng |= 1;
	return a;
}

void ovh_api_close(struct ovh_api *a)
{
	if (!a)
		return;
	curl_easy_cleanup(a->easy);
	ovh_credentials_wipe(&a->cred);
	free(a);
}

void ovh_api_set_consumer_key(struct ovh_api *a, const char *consumer_key)
{
	secret_wipe(a->cred.consumer_key, sizeof a->cred.consumer_key);
	snprintf(a->cred.consumer_key, sizeof a->cred.consumer_key, "%s", consumer_key);
	redact_register(a->cred.consumer_key);
}

int64_t ovh_api_clock_offset(const struct ovh_api *a)
{
	return a->clock_offset_s;
}

uint64_t ovh_api_requests(const struct ovh_api *a)
{
	return a->requests;
}

void ovh_reply_clear(struct ovh_reply *r)
{
	cJSON_Delete(r->json);
	memset(r, 0, sizeof *r);
}

bool ovh_path_segment_ok(const char *s)
{
	if (!*s || strcmp(s, ".") == 0 || strcmp(s, "..") == 0 || strlen(s) > 128)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			return false;
	return true;
}

/* A string field of an error body, sanitised and with secrets redacted. */
static void error_field(char *dst, size_t dstsize, const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (cJSON_IsString(v) && v->valuestring) {
		text_sanitize(dst, dstsize, v->valuestring, strlen(v->valuestring));
		redact_text(dst, strlen(dst));
	}
}

/* Read an error answer: both of OVH's shapes (errorCode, class), or the raw text. */
static void parse_error(struct ovh_reply *r, const struct body *b)
{
	cJSON *j = b->data ? cJSON_ParseWithLength(b->data, b->len) : NULL;
	if (cJSON_IsObject(j)) {
		error_field(r->message, sizeof r->message, j, "message");
		error_field(r->error_code, sizeof r->error_code, j, "errorCode");
		error_field(r->error_class, sizeof r->error_class, j, "class");
	} else if (b->data && b->len) {
		/* an HTML page from a proxy, say: its first line is enough */
		size_t n = strcspn(b->data, "\r\n");
		text_sanitize(r->message, sizeof r->message, b->data, n);
		redact_text(r->message, strlen(r->message));
	}
	cJSON_Delete(j);
}

/* Send one request and fill r with what came back (no retry here). */
static void send_once(struct ovh_api *a, const char *method, const char *path, const char *body,
                      bool signed_call, struct ovh_reply *r)
{
	char url[OVH_URL_MAX + 2048];
	struct body b = {0};
	struct curl_slist *h = NULL;
	char line[OVH_KEY_MAX + 64];
	CURL *e = a->easy;

	snprintf(url, sizeof url, "%s%s", a->cred.base_url, path);
	curl_easy_reset(e);
	a->query_id[0] = '\0';
	a->errbuf[0] = '\0';
	snprintf(line, sizeof line, "X-Ovh-Application: %s", a->cred.application_key);
	h = curl_slist_append(h, line);
	if (signed_call) {
		char ts[32], sig[OVH_SIGNATURE_LEN + 1];
		long long now = (long long)time(NULL) + (long long)a->clock_offset_s;
		snprintf(ts, sizeof ts, "%lld", now);
		ovh_signature(sig, a->cred.application_secret, a->cred.consumer_key, method, url,
		              body, ts);
		snprintf(line, sizeof line, "X-Ovh-Consumer: %s", a->cred.consumer_key);
		h = curl_slist_append(h, line);
		snprintf(line, sizeof line, "X-Ovh-Timestamp: %s", ts);
		h = curl_slist_append(h, line);
		snprintf(line, sizeof line, "X-Ovh-Signature: %s", sig);
		h = curl_slist_append(h, line);
		secret_wipe(sig, sizeof sig);
	}
	secret_wipe(line, sizeof line);
	h = curl_slist_append(h, "Accept: application/json");
	h = curl_slist_append(h, body ? "Content-Type: application/json" : "Content-Type:");
	h = curl_slist_append(h, "Expect:");

	bool ok = h != NULL;
#define OPT(o, v) ok = ok && curl_easy_setopt(e, o, v) == CURLE_OK
	OPT(CURLOPT_URL, url);
	OPT(CURLOPT_NOSIGNAL, 1L);
	OPT(CURLOPT_HTTPHEADER, h);
	OPT(CURLOPT_WRITEFUNCTION, on_body);
	OPT(CURLOPT_WRITEDATA, (void *)&b);
	OPT(CURLOPT_HEADERFUNCTION, on_header);
	OPT(CURLOPT_HEADERDATA, (void *)a);
	OPT(CURLOPT_ERRORBUFFER, a->errbuf);
	OPT(CURLOPT_USERAGENT, "ctiboard/" CTIBOARD_VERSION);
	OPT(CURLOPT_FOLLOWLOCATION, 0L); /* a redirect would sign for another URL */
	OPT(CURLOPT_PROTOCOLS_STR, "http,https");
	OPT(CURLOPT_SSL_VERIFYPEER, 1L);
	OPT(CURLOPT_SSL_VERIFYHOST, 2L);
	OPT(CURLOPT_CONNECTTIMEOUT, (long)a->opt.connect_timeout_s);
	OPT(CURLOPT_TIMEOUT, (long)a->opt.timeout_s);
	if (strcmp(method, "GET") == 0) {
		OPT(CURLOPT_HTTPGET, 1L);
	} else {
		OPT(CURLOPT_CUSTOMREQUEST, method);
		if (body || strcmp(method, "POST") == 0) {
			OPT(CURLOPT_POSTFIELDSIZE, (long)(body ? strlen(body) : 0));
			OPT(CURLOPT_POSTFIELDS, body ? body : "");
		}
	}
#undef OPT
	CURLcode rc = ok ? curl_easy_perform(e) : CURLE_OUT_OF_MEMORY;
	for (struct curl_slist *p = h; p; p = p->next)
		secret_wipe(p->data, strlen(p->data));
	curl_slist_free_all(h);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, NULL);
	a->requests++;
	r->attempts++;

	snprintf(r->query_id, sizeof r->query_id, "%s", a->query_id);
	a->retry_after_s = -1;
	r->json = NULL;
	r->message[0] = r->error_code[0] = r->error_class[0] = '\0';
	if (rc != CURLE_OK) {
		r->http = 0;
		r->outcome = rc == CURLE_OPERATION_TIMEDOUT ? OVH_TIMEOUT : OVH_NETWORK;
		const char *why = a->errbuf[0] ? a->errbuf : curl_easy_strerror(rc);
		if (b.too_big)
			why = "answer too large";
		text_sanitize(r->message, sizeof r->message, why, strlen(why));
		redact_text(r->message, strlen(r->message));
	} else {
		long status = 0;
		curl_off_t ra = -1;
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
		if (curl_easy_getinfo(e, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra >= 0)
			a->retry_after_s = (int64_t)ra;
		r->http = status;
		if (status >= 200 && status < 300) {
			r->outcome = OVH_OK;
			if (status != 204 && b.len) {
				r->json = cJSON_ParseWithLength(b.data, b.len);
				if (!r->json) {
					r->outcome = OVH_BAD_ANSWER;
					snprintf(r->message, sizeof r->message,
					         "the answer is not JSON");
				}
			}
		} else {
			r->outcome = OVH_HTTP_ERROR;
			parse_error(r, &b);
		}
	}
	if (b.data)
		secret_wipe(b.data, b.cap); /* an answer may be a token */
	free(b.data);
}

/* Is this error worth another try after a wait? */
static bool retryable(const struct ovh_reply *r)
{
	return r->outcome == OVH_NETWORK || r->outcome == OVH_TIMEOUT ||
	       (r->outcome == OVH_HTTP_ERROR &&
	        (r->http == 429 || r->http == 408 || r->http >= 500));
}

/* Does text contain word, whatever the case? */
static bool contains_nocase(const char *text, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = text; *p; p++)
		if (strncasecmp(p, word, n) == 0)
			return true;
	return false;
}

/* Does this error say that our clock (or signature) is off? */
static bool clock_suspect(const struct ovh_reply *r)
{
	if (r->outcome != OVH_HTTP_ERROR || (r->http != 400 && r->http != 401 && r->http != 403))
		return false;
	return contains_nocase(r->message, "signature") || contains_nocase(r->message, "time") ||
	       contains_nocase(r->error_code, "signature") ||
	       contains_nocase(r->error_code, "time");
}

/* Wait for the budget, then send; retry 429, 408, 5xx and lost connections with waits. */
static bool call_with_retries(struct ovh_api *a, const char *method, const char *path,
                              const char *body, bool signed_call, struct ovh_reply *r)
{
	int attempts = a->opt.attempts > 0 ? a->opt.attempts : 1;
	for (int i = 0;; i++) {
		for (;;) {
			int64_t wait = api_budget_wait_ns(&a->budget, mono_now_ns());
			if (wait == 0)
				break;
			if (!nap(a, wait))
				goto stop;
		}
		if (stopped(a))
			goto stop;
		api_budget_take(&a->budget, mono_now_ns());
		cJSON_Delete(r->json);
		r->json = NULL;
		send_once(a, method, path, body, signed_call, r);
		if (!retryable(r) || i + 1 >= attempts)
			return r->outcome == OVH_OK;
		int64_t wait_ms;
		if (r->http == 429 && a->retry_after_s >= 0) {
			if (a->retry_after_s > a->opt.retry_after_cap_s)
				return false;
			wait_ms = a->retry_after_s * 1000;
		} else {
			wait_ms = backoff_delay_ms(a->opt.backoff_base_ms, a->opt.backoff_cap_ms,
			                           i + 1, rng_next(a));
		}
		if (!nap(a, wait_ms * 1000000))
			goto stop;
	}
stop:
	cJSON_Delete(r->json);
	r->json = NULL;
	r->outcome = OVH_STOPPED;
	snprintf(r->message, sizeof r->message, "stopped");
	return false;
}

/* Measure the server clock: GET /auth/time answers a bare integer. */
static bool sync_clock(struct ovh_api *a, struct ovh_reply *r)
{
	if (!call_with_retries(a, "GET", "/auth/time", NULL, false, r))
		return false;
	if (!cJSON_IsNumber(r->json)) {
		r->outcome = OVH_BAD_ANSWER;
		snprintf(r->message, sizeof r->message, "/auth/time: not a number");
		return false;
	}
	a->clock_offset_s = (int64_t)r->json->valuedouble - (int64_t)time(NULL);
	a->clock_synced_ns = mono_now_ns();
	return true;
}

bool ovh_api_call(struct ovh_api *a, const char *method, const char *path, const char *body,
                  struct ovh_reply *r)
{
	memset(r, 0, sizeof *r);
	if (!a->clock_synced_ns || mono_now_ns() - a->clock_synced_ns > RESYNC_EVERY_S * NS_PER_S) {
		if (!sync_clock(a, r))
			return false;
		ovh_reply_clear(r);
	}
	if (call_with_retries(a, method, path, body, true, r))
		return true;
	/* a clock that moved since the last measure: measure again and try once more */
	if (clock_suspect(r)) {
		struct ovh_reply t = {0};
		bool synced = sync_clock(a, &t);
		ovh_reply_clear(&t);
		if (synced) {
			int tries = r->attempts + t.attempts;
			ovh_reply_clear(r);
			bool ok = call_with_retries(a, method, path, body, true, r);
			r->attempts += tries;
			return ok;
		}
	}
	return false;
}

bool ovh_api_call_unsigned(struct ovh_api *a, const char *method, const char *path,
                           const char *body, struct ovh_reply *r)
{
	memset(r, 0, sizeof *r);
	return call_with_retries(a, method, path, body, false, r);
}

void ovh_reply_describe(const struct ovh_reply *r, char *dst, size_t dstsize)
{
	const char *msg = r->message[0] ? r->message : "no message";
	char query[160] = "";
	if (r->query_id[0])
		snprintf(query, sizeof query, " (query %s)", r->query_id);
	switch (r->outcome) {
	case OVH_OK: snprintf(dst, dstsize, "HTTP %ld", r->http); break;
	case OVH_HTTP_ERROR: {
		const char *code = r->error_code[0] ? r->error_code : r->error_class;
		snprintf(dst, dstsize, "HTTP %ld%s%s: %s%s", r->http, *code ? " " : "", code, msg,
		         query);
		break;
	}
	case OVH_NETWORK: snprintf(dst, dstsize, "no answer: %s", msg); break;
	case OVH_TIMEOUT: snprintf(dst, dstsize, "timed out: %s", msg); break;
	case OVH_BAD_ANSWER: snprintf(dst, dstsize, "HTTP %ld: %s%s", r->http, msg, query); break;
	case OVH_STOPPED: snprintf(dst, dstsize, "stopped"); break;
	}
}
