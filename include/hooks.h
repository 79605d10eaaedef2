/* hooks.h: the integration hooks. A screen-pop when a call rings (a URL of the CRM, a program),
 * and a notification for each alert raised or cleared (a URL, a chat room, a program).
 *
 * The model calls the hooks' observer under its lock for each event it applies: the observer
 * only decides whether the event is the first ring of a call and queues a copy of its fields.
 * Worker threads (hook_workers of them, so that many in flight at most) send what is queued,
 * each within hook_timeout_s; a full queue drops and counts. Nothing here ever holds up the
 * feed, the model or the screen. Results go into the model's hook_status (header, snapshot,
 * metrics) and, when asked, to stderr.
 *
 * Requests follow no redirect, verify TLS, and speak plain http only where the configured URL
 * says so. Messages name a URL by its origin only (hookfmt.h). Programs run with execve(), no
 * shell, stdin and output on /dev/null, without the CTIBOARD_* variables of this process.
 */
#ifndef CTIBOARD_HOOKS_H
#define CTIBOARD_HOOKS_H

#include <stdbool.h>
#include <stddef.h>

#include "alerts.h"

struct model;
struct names;
struct settings;
struct hooks;

/* The placeholders of on_ring_url and on_ring_cmd, and of the alert hooks. */
extern const char *const hook_ring_fields[];
extern const int hook_nring_fields;
extern const char *const hook_alert_fields[];
extern const int hook_nalert_fields;

/* Is any hook configured? */
bool hooks_configured(const struct settings *s);

/* Check the hook settings (templates, programs, lines) without starting anything; err names
 * the key and the problem. */
bool hooks_check(const struct settings *s, char *err, size_t errsize);

/* Start the workers and watch m's events for ringing. names (may be NULL) gives caller and line
 * names the events lack. log_stderr: also write each failure to stderr (headless runs).
 * curl_global_init must have been called. NULL and err on failure. */
struct hooks *hooks_start(struct model *m, const struct settings *s, const struct names *names,
                          bool log_stderr, char *err, size_t errsize);

/* The alert engine's hook (alerts.h: alert_hook_fn, with the hooks as ctx; called with the
 * model's lock held): each alert raised, changed or cleared is queued for on_alert_url and
 * on_alert_cmd. At most one notification per alert (scope, id, rule) every on_alert_min_s;
 * one held back is replaced by the latest state, and dropped when that is what was last sent
 * (a raise and its clear within the window); an alert turning worse goes at once. */
void hooks_alert_changed(const struct alert *a, enum alert_change change, void *ctx);

/* Wait until everything due within timeout_ms has been sent (or has failed), at most that
 * long: a replay or a timed demo that ends by itself delivers what it queued. True when
 * nothing due is left. */
bool hooks_drain(struct hooks *h, int timeout_ms);

/* Stop watching, abort what is in flight, join the workers, free everything. NULL is fine. */
void hooks_stop(struct hooks *h);

#endif
