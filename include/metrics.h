/* metrics.h: the figures for Prometheus. --metrics ADDR:PORT serves GET /metrics in the text
 * exposition format (version 0.0.4) with libmicrohttpd, on its own thread: each scrape copies
 * the model (model_view) and renders outside the lock.
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

struct jsonbuf;
struct model;
struct model_state;
struct names;
struct settings;
struct metrics;

/* The exposition text of st at now_ns (the model's "now") into out (its text is replaced). */
void metrics_render(struct jsonbuf *out, const struct model_state *st, const struct settings *s,
                    const struct names *names, int64_t now_ns);

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
