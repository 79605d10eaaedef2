/* alerts.h: the one list of active alerts, worked out in the core and read by everything that
 * shows or reports an alert (console header and rows, wallboard tiles and banner, the bell,
 * --headless, the snapshot, notifications, metrics).
 *
 * The list lives in the model's state (model_state.alerts) and is copied with model_view(), so
 * a reader always gets the alerts that go with the figures it draws. It is evaluated, with the
 * model's lock held, after each applied batch (model_unlock() of a changed model) and on every
 * tick (model_tick()); nothing a reader does (filter, sort, pause, focus) changes it.
 *
 * An alert is identified by (scope, id, rule), and the list is sorted on that key: a queue can
 * have a waiting alert and a service level alert at once, and counts as two. Levels go up at once;
 * a figure that is bad when high clears only once it is back below its threshold by a margin (5% of
 * the threshold, at least 1), one that is bad when low once it is back above it by the same margin,
 * so a figure hovering on a threshold does not flap.
 */
#ifndef CTIBOARD_ALERTS_H
#define CTIBOARD_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

enum alert_level { ALERT_NONE, ALERT_WARN, ALERT_CRIT };

enum alert_scope {
	ALERT_SCOPE_QUEUE,   /* id: the queue number */
	ALERT_SCOPE_TOTAL,   /* id: "all" (the "All queues" row) */
	ALERT_SCOPE_LINE,    /* id: the line number */
	ALERT_SCOPE_FEED,    /* id: the feed's redacted label ("...ABCD") */
	ALERT_SCOPE_JOURNAL, /* id: "journal" */
	ALERT_SCOPES
};

enum alert_rule {
	ALERT_RULE_WAITING,          /* callers waiting >= alert_waiting_* */
	ALERT_RULE_LONGEST_WAIT,     /* longest wait >= alert_wait_*_s */
	ALERT_RULE_SERVICE_LEVEL,    /* service level below alert_sl_* percent */
	ALERT_RULE_NOBODY_ANSWERING, /* callers timed out / offered, none answered, recently */
	ALERT_RULE_RINGING,          /* an incoming call ringing >= alert_ring_*_s */
	ALERT_RULE_FEED_STALE,       /* no event and no successful poll >= alert_stale_*_s */
	ALERT_RULE_FEED_DOWN,        /* never connected for alert_stale_warn_s, or stale watchdog */
	ALERT_RULE_TOKEN_REJECTED,   /* the server answered 401/403 */
	ALERT_RULE_JOURNAL_LOST,     /* journal lines that could not be written */
	ALERT_RULE_NO_AGENT,         /* callers waiting, no agent available (OVH API statuses) */
	ALERT_RULES
};

#define ALERT_ID_MAX   NUM_MAX
#define ALERT_TEXT_MAX 128

struct alert {
	enum alert_scope scope;
	char id[ALERT_ID_MAX];
	enum alert_level level;
	enum alert_rule rule;
	char text[ALERT_TEXT_MAX]; /* one line, sanitised, for the screen and the logs */
	int64_t since_s;           /* epoch seconds it was first raised (at any level) */
	int64_t value;             /* the figure judged: callers, seconds, percent, lines */
};

/* A list of alerts; the arrays are owned by the list. Zero-initialise before first use. */
struct alert_list {
	struct alert *items;
	size_t count, cap;
};

enum alert_change { ALERT_RAISED, ALERT_CHANGED, ALERT_CLEARED };

/* Told of each change of the list, with the alert as it is now (for ALERT_CLEARED: as it
 * was). Called with the model's lock held: it must be quick and must not take that lock. */
typedef void alert_hook_fn(const struct alert *a, enum alert_change change, void *ctx);

struct model_state;
struct settings;

/* Work out the alerts of st at now_ns against s, updating list in place (it keeps each
 * alert's since and the hysteresis). hook (may be NULL) is told of each change. Returns true
 * when the list changed. On allocation failure the list keeps what it had. */
bool alerts_evaluate(struct alert_list *list, const struct model_state *st,
                     const struct settings *s, int64_t now_ns, alert_hook_fn *hook, void *ctx);

/* What the judgement of the queues keeps from one evaluation to the next, so that it costs what
 * changed rather than the number of queues: the queues touched since (told by the model), those
 * that time alone can change (callers waiting, callers of the last minutes, an alert raised), and
 * each queue's share of the "All queues" figures. A queue outside both sets would be judged the
 * same as last time. Opaque; the model owns one. */
struct alert_memo;

struct alert_memo *alerts_memo_new(void);
void alerts_memo_free(struct alert_memo *memo);

/* The queue at this position of the model changed. */
void alerts_memo_touch(struct alert_memo *memo, size_t queue);

/* Every queue may have changed (a new day, the API's statuses, a sweep): judge them all. */
void alerts_memo_all(struct alert_memo *memo);

/* alerts_evaluate(), judging only the queues memo says may have changed; with memo NULL, every
 * queue (what alerts_evaluate() does, and what the tests compare this with). */
bool alerts_evaluate_memo(struct alert_list *list, struct alert_memo *memo,
                          const struct model_state *st, const struct settings *s, int64_t now_ns,
                          alert_hook_fn *hook, void *ctx);

/* Copy src into dst, reusing dst's array. False (dst emptied) on allocation failure. */
bool alerts_copy(struct alert_list *dst, const struct alert_list *src);

void alerts_free(struct alert_list *list);

/* The worst level of the alerts of one subject (id NULL: any id of that scope). */
enum alert_level alerts_level(const struct alert_list *list, enum alert_scope scope,
                              const char *id);

/* The worst level of the whole list. */
enum alert_level alerts_worst(const struct alert_list *list);

/* Call fn for each difference between an older and a newer copy of the list (what a reader
 * that samples the list sees: raised, changed level, cleared). */
void alerts_diff(const struct alert_list *before, const struct alert_list *after, alert_hook_fn *fn,
                 void *ctx);

/* Names used in the snapshot, logs and metrics. */
const char *alert_level_name(enum alert_level l); /* "none", "warning", "critical" */
const char *alert_scope_name(enum alert_scope s); /* "queue", "total", "line", ... */
const char *alert_rule_name(enum alert_rule r);   /* "waiting", "longest_wait", ... */

#endif
