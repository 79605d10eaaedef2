/* metrics.c: GET /metrics over HTTP with libmicrohttpd, on the library's own thread. */
#include "metrics.h"

#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "jsonbuf.h"
#include "model.h"
#include "text.h"

struct metrics {
	struct MHD_Daemon *daemon;
	struct model *model;
	const struct settings *set;
	const struct names *names;
	/* the scrape's figures: one scrape at a time (MHD's single internal thread) */
	struct metrics_figures figures;
	int port;
};

bool metrics_parse_listen(const char *spec, char *host, size_t hostsize, char *port,
                          size_t portsize, char *err, size_t errsize)
{
	const char *colon = strrchr(spec, ':');
	const char *p = colon ? colon + 1 : spec;
	size_t hlen = colon ? (size_t)(colon - spec) : 0;
	const char *h = spec;
	if (hlen >= 2 && h[0] == '[' && h[hlen - 1] == ']') { /* [::1]:9464 */
		h++;
		hlen -= 2;
	} else if (colon && memchr(spec, ':', hlen)) {
		snprintf(err, errsize, "--metrics: write an IPv6 address in brackets: [ADDR]:PORT");
		return false;
	}
	char *end;
	long n = strtol(p, &end, 10);
	if (!*p || *end || n < 0 || n > 65535) {
		snprintf(err, errsize,
		         "--metrics: expected [ADDR:]PORT with a port from 0 to 65535");
		return false;
	}
	if (hlen >= hostsize) {
		snprintf(err, errsize, "--metrics: address too long");
		return false;
	}
	if (hlen)
		snprintf(host, hostsize, "%.*s", (int)hlen, h);
	else
		snprintf(host, hostsize, "127.0.0.1");
	snprintf(port, portsize, "%ld", n);
	return true;
}

static enum MHD_Result answer(struct MHD_Connection *conn, unsigned status, const char *type,
                              char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	enum MHD_Result ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* One request: the figures for GET or HEAD /metrics, 404 and 405 for the rest. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **ctx) /* NOLINT: MHD's type */
{
	(void)version, (void)upload_data, (void)upload_size, (void)ctx;
	struct metrics *x = cls;
	static char not_found[] = "not found: the figures are at /metrics\n";
	static char not_allowed[] = "only GET\n";
	if (strcmp(url, "/metrics") != 0)
		return answer(conn, MHD_HTTP_NOT_FOUND, "text/plain", not_found,
		              sizeof not_found - 1, MHD_RESPMEM_PERSISTENT);
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return answer(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", not_allowed,
		              sizeof not_allowed - 1, MHD_RESPMEM_PERSISTENT);
	const struct model_state *st = model_read_begin(x->model);
	bool ok = metrics_collect(&x->figures, st, x->set, x->names, state_now_ns(st));
	model_read_end(x->model);
	struct jsonbuf text = {0};
	if (ok)
		metrics_render(&text, &x->figures);
	if (!ok || text.failed || !text.data) {
		jsonbuf_free(&text);
		return MHD_NO;
	}
	return answer(conn, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", text.data,
	              text.len, MHD_RESPMEM_MUST_FREE);
}

struct metrics *metrics_start(struct model *m, const struct settings *s, const struct names *names,
                              const char *spec, char *err, size_t errsize)
{
	char host[256], port[8];
	if (!metrics_parse_listen(spec, host, sizeof host, port, sizeof port, err, errsize))
		return NULL;
	struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICSERV,
	                         .ai_socktype = SOCK_STREAM},
	                *ai = NULL;
	int rc = getaddrinfo(host, port, &hints, &ai);
	if (rc != 0) {
		snprintf(err, errsize, "--metrics %s: %s", spec, gai_strerror(rc));
		return NULL;
	}
	struct metrics *x = calloc(1, sizeof *x);
	if (!x) {
		freeaddrinfo(ai);
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	x->model = m;
	x->set = s;
	x->names = names;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* the server's thread inherits a mask that blocks every signal: they go to the UI */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	x->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, x, MHD_OPTION_SOCK_ADDR,
	                             ai->ai_addr, MHD_OPTION_CONNECTION_LIMIT, 16U,
	                             MHD_OPTION_CONNECTION_TIMEOUT, 10U, MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	freeaddrinfo(ai);
	if (!x->daemon) {
		snprintf(err, errsize, "--metrics %s: cannot listen there (address in use?)", spec);
		free(x);
		return NULL;
	}
	const union MHD_DaemonInfo *info =
	    MHD_get_daemon_info(x->daemon, MHD_DAEMON_INFO_BIND_PORT);
	x->port = info ? info->port : (int)strtol(port, NULL, 10);
	return x;
}

int metrics_port(const struct metrics *x)
{
	return x->port;
}

void metrics_stop(struct metrics *x)
{
	if (!x)
		return;
	MHD_stop_daemon(x->daemon);
	metrics_figures_free(&x->figures);
	free(x);
}
