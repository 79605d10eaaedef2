/* metrics.h: the figures for Prometheus. --metrics ADDR:PORT serves GET /metrics in the text
 * exposition format (version 0.0.4) with libmicrohttpd, on its own thread: each scrape takes
 * the figures under the model's lock (metrics_collect) and renders them outside it.
 *
 * Names follow Prometheus' conventions: a ctiboard_ prefix, base units (seconds, ratios 0..1),
 * _total for counters. Queues carry the labels queue (the number) and name; lines carry line
 * and name; label values are escaped as the format says.
 */
#ifndef CTIBOARD_METRICS_H
#define CTIBOARD_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "stats.h"

struct jsonbuf;
struct names;
struct settings;
struct metrics;

#define METRICS_STATUSES 8 /* agent statuses per queue; more are counted as "other" */

/* What a scrape shows, taken from the model under its lock: only the figures, so that the
 * lock is held for as little as possible however many calls, callers or callbacks there are. */
struct metrics_queue {
	char number[NUM_MAX];
	char name[TEXT_MAX];
	struct queue_stats qs;
	int nstatus;
	char status[METRICS_STATUSES][32];
	int64_t agents[METRICS_STATUSES];
};

struct metrics_line {
	char number[NUM_MAX];
	char name[TEXT_MAX];
	int nringing, nactive;
	enum line_state state;
};

struct metrics_figures {
	struct metrics_queue *queues;
	size_t nqueues, cap_queues;
	struct metrics_line *lines;
	size_t nlines, cap_lines;
	struct feed_status feeds[FEEDS_MAX];
	size_t nfeeds;
	struct feed_stats fstats;
	struct counters counters;
	struct hook_status hooks;
	size_t callbacks_open;          /* to call back, short abandons apart (the header's) */
	size_t callbacks_open_short;    /* open, every try a short abandon */
	int64_t alerts[ALERT_CRIT + 1]; /* active alerts by level (alerts.h) */
	int64_t day_start_s;
	int64_t wall_ns; /* when they were taken (feed ages are wall-clock) */
};

/* Take the figures of st at now_ns (the model's "now"; the lock held when st is the model's),
 * reusing f's arrays. false when out of memory. */
bool metrics_collect(struct metrics_figures *f, const struct model_state *st,
                     const struct settings *s, const struct names *names, int64_t now_ns);
void metrics_figures_free(struct metrics_figures *f);

/* The exposition text of f into out (its text is replaced). */
void metrics_render(struct jsonbuf *out, const struct metrics_figures *f);

/* Parse "PORT", ":PORT", "ADDR:PORT" or "[ADDR6]:PORT": the address defaults to the loopback
 * 127.0.0.1. false with err naming the problem. */
bool metrics_parse_listen(const char *spec, char *host, size_t hostsize, char *port,
                          size_t portsize, char *err, size_t errsize);

/* Serve m's figures at spec. NULL and err on failure (a port in use, a bad address). */
struct metrics *metrics_start(struct model *m, const struct settings *s, const struct names *names,
                              const char *spec, char *err, size_t errsize);

/* The port actually listened on (useful with port 0). */
int metrics_port(const struct metrics *x);

void metrics_stop(struct metrics *x); /* NULL is accepted */

#endif
