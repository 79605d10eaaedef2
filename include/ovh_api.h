/* ovh_api.h: a client of OVH's REST API (v1), signed as OVH's own SDKs sign.
 *
 * Each request carries X-Ovh-Application; authenticated ones also X-Ovh-Consumer,
 * X-Ovh-Timestamp (on the server's clock, from GET /auth/time) and X-Ovh-Signature:
 * "$1$" + hex SHA-1 of AS+CK+METHOD+URL+BODY+TIMESTAMP. Requests keep within a budget per
 * minute (api_budget.h); 429 waits for Retry-After (or backs off), 5xx and 408 back off with
 * jitter, a few times, then the error is given back. One client per thread.
 */
#ifndef CTIBOARD_OVH_API_H
#define CTIBOARD_OVH_API_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

struct ovh_credentials;
struct ovh_api;

#define OVH_SIGNATURE_LEN 43 /* "$1$" + 40 hex digits */

/* The X-Ovh-Signature of one request (out: OVH_SIGNATURE_LEN + 1 bytes). */
void ovh_signature(char *out, const char *application_secret, const char *consumer_key,
                   const char *method, const char *url, const char *body, const char *timestamp);

struct ovh_api_options {
	int max_per_min;       /* request budget (api_max_per_min) */
	int timeout_s;         /* a whole request */
	int connect_timeout_s; /* TCP and TLS */
	int attempts;          /* tries of one request on 429, 408 and 5xx */
	int backoff_base_ms, backoff_cap_ms;
	int retry_after_cap_s;   /* a longer Retry-After is an error, not a wait */
	const atomic_bool *stop; /* set: waits end and calls fail with OVH_STOPPED */
};

/* Defaults: 50 a minute, 20 s, 10 s, 4 attempts, 1 s to 30 s, Retry-After up to 120 s. */
void ovh_api_options_defaults(struct ovh_api_options *o);

enum ovh_outcome {
	OVH_OK,         /* 2xx */
	OVH_HTTP_ERROR, /* an answer outside 2xx (after the retries) */
	OVH_NETWORK,    /* no answer: DNS, connection, TLS */
	OVH_TIMEOUT,    /* no answer in time */
	OVH_BAD_ANSWER, /* 2xx but not JSON */
	OVH_STOPPED     /* the stop flag was raised */
};

struct ovh_reply {
	enum ovh_outcome outcome;
	long http;            /* HTTP status, 0 without an answer */
	cJSON *json;          /* the answer's JSON (NULL for an empty body or 204) */
	char message[256];    /* the error's message, sanitised, secrets redacted */
	char error_code[64];  /* legacy shape: errorCode */
	char error_class[64]; /* current shape: class */
	char query_id[128];   /* X-Ovh-Queryid */
	int attempts;         /* requests sent for this call */
};

/* A client for the endpoint and keys of c (copied; the secrets are wiped by ovh_api_close).
 * curl_global_init must have been called. NULL and err on failure. */
struct ovh_api *ovh_api_open(const struct ovh_credentials *c, const struct ovh_api_options *o,
                             char *err, size_t errsize);

void ovh_api_close(struct ovh_api *a); /* NULL is accepted */

/* Use another consumer key from now on (after POST /auth/credential). */
void ovh_api_set_consumer_key(struct ovh_api *a, const char *consumer_key);

/* One signed call: method GET, POST, PUT or DELETE; path from the base URL ("/telephony");
 * body the exact JSON to send, or NULL for none. Fills r (clear it with ovh_reply_clear);
 * true when r->outcome is OVH_OK. */
bool ovh_api_call(struct ovh_api *a, const char *method, const char *path, const char *body,
                  struct ovh_reply *r);

/* The same without authentication (/auth/time, /auth/credential): X-Ovh-Application only. */
bool ovh_api_call_unsigned(struct ovh_api *a, const char *method, const char *path,
                           const char *body, struct ovh_reply *r);

/* The server clock minus ours, in seconds, as last measured (0 before the first call). */
int64_t ovh_api_clock_offset(const struct ovh_api *a);

/* Requests sent so far (every attempt, /auth/time included). */
uint64_t ovh_api_requests(const struct ovh_api *a);

void ovh_reply_clear(struct ovh_reply *r);

/* One line for people: "HTTP 403 NOT_GRANTED_CALL: This call has not been granted
 * (query EU.ext-3...)", "timed out after 20 s", ... */
void ovh_reply_describe(const struct ovh_reply *r, char *dst, size_t dstsize);

/* Is s safe as one path segment (letters, digits, '.', '_', '-'; not "." or "..")? Names
 * that come from the API are checked before they go into a path. */
bool ovh_path_segment_ok(const char *s);

#endif
