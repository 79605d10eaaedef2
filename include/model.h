/* model.h: the call centre as the events describe it: lines, calls, queues, callers, agents,
 * the day's statistics and the state of each feed.
 *
 * Ownership and locking:
 * - struct model owns everything; one mutex guards it. Writers (the ingest of any source)
 *   hold it through model_lock()/model_unlock(); model_unlock() bumps the generation and wakes
 *   the UI when something changed.
 * - Readers never draw under the lock: model_view() copies the plain data (struct model_state)
 *   into a reader-owned struct model_state when the generation moved. The copy owns its arrays;
 *   free it with state_free(). Nothing in a model_state points into the model.
 * - Every string in a model_state is sanitised (see text.h) and may be printed as it is.
 */
#ifndef CTIBOARD_MODEL_H
#define CTIBOARD_MODEL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alerts.h"
#include "api_state.h"
#include "callbacks.h"
#include "clock.h"
#include "event.h"
#include "feedstats.h"
#include "series.h"
#include "settings.h"

#define LOG_MAX         512
#define NOTICE_TEXT_MAX 256
#define FEEDS_MAX       TOKENS_MAX

enum call_state {
	CALL_RINGING,    /* start_ringing seen */
	CALL_RING_ENDED, /* end_ringing seen, no pick-up yet: missed unless start_calling follows */
	CALL_ACTIVE,     /* start_calling seen */
	CALL_HELD        /* start_hold seen */
};

/* A call in progress on a line. Calls of every line live in one array of the state. */
struct call {
	char id[ID_MAX];
	uint32_t line; /* index of its line in model_state.lines */
	enum call_state state;
	bool inbound;  /* the caller is not the line itself */
	bool answered; /* start_calling seen */
	char calling[NUM_MAX];
	char called[NUM_MAX];
	int64_t start_ns;  /* first event of the call */
	int64_t since_ns;  /* start of the current state (ringing since, talking since) */
	int64_t answer_ns; /* start_calling time; 0 until answered */
	int64_t last_ns;   /* last event of the call (for expiry) */
};

struct line_today {
	uint32_t calls_in, calls_out, answered, missed;
	int64_t talk_s; /* finished calls' talk time */
};

enum line_state { LINE_IDLE, LINE_RINGING, LINE_IN_CALL };

struct line {
	char number[NUM_MAX];
	char description[TEXT_MAX];
	char type[24];
	int simultaneous;      /* -1 unknown */
	int64_t registered_ns; /* last registered event; 0 never */
	int64_t last_ns;       /* last event of any kind */
	int ncalls;            /* calls in progress (in model_state.calls) */
	int nringing;          /* of which ringing */
	int nactive;           /* of which answered (talking or on hold) */
	struct line_today today;
};

enum member_state { MEMBER_WAITING, MEMBER_OFFERED, MEMBER_WITH_AGENT };

struct member {
	char uuid[ID_MAX];
	char number[NUM_MAX];
	char name[TEXT_MAX];
	enum member_state state;
	char agent[NUM_MAX]; /* offered to / talking with */
	int64_t joined_s;    /* QueueMemberJoinedTime, else the first event's time */
	int64_t answered_s;  /* 0 until an agent answers */
	int64_t last_ns;
};

struct agent {
	char number[NUM_MAX];
	bool on_call;
	char status[32]; /* last agent-status-change / agent-state-change, if any */
	uint32_t taken_today;
	uint32_t offers_not_taken_today; /* bridge-agent-fail, ring-all losers excepted */
	int64_t talk_today_s;            /* finished calls' talk time */
	int64_t since_s;                 /* on a call since */
	int64_t last_ns;
};

/* The raw counts of a queue's day. Derived figures are computed by stats.h. */
struct queue_today {
	uint32_t offered;         /* callers that entered the queue */
	uint32_t answered;        /* answered by an agent */
	uint32_t answered_in_sl;  /* answered within the service-level target */
	uint32_t abandoned;       /* left before an answer, after the short-abandon threshold */
	uint32_t short_abandoned; /* left before an answer, within the short-abandon threshold */
	uint32_t timed_out; /* removed by the queue (QueueCancelReason TIMEOUT, NO_AGENT_TIMEOUT) */
	uint32_t left_by_key;    /* left with the exit key (EXIT_WITH_KEY): counted apart */
	uint32_t talks;          /* finished agent calls */
	uint32_t agent_failures; /* bridge-agent-fail */
	int64_t wait_total_s;    /* sum of the waits of answered callers */
	int64_t talk_total_s;    /* sum of finished agent calls */
	int64_t worst_wait_s;    /* longest wait seen today, answered or not */
};

/* The last few callers' times, for rules on the last minutes ("nobody answering"); kept
 * across the day's reset. Newest first; 0 is no entry. */
#define QUEUE_RECENT_MAX 16
struct queue_recent {
	int64_t answered_s;                    /* the last answer */
	int64_t timed_out_s[QUEUE_RECENT_MAX]; /* callers removed by the queue: when */
	int64_t joined_s[QUEUE_RECENT_MAX];    /* callers who entered the queue: when */
};

struct queue {
	char number[NUM_MAX];
	char description[TEXT_MAX];
	char type[24];
	int count; /* Count of the last count event; -1 unknown */
	int64_t last_ns;
	size_t nmembers, cap_members;
	struct member *members;
	size_t nagents, cap_agents;
	struct agent *agents;
	struct queue_today today;
	struct queue_recent recent;
	struct day_series day;         /* today per interval (series.h) */
	struct wait_history waiting_h; /* callers waiting over the last hour */
};

struct counters {
	uint64_t events;       /* events applied */
	uint64_t malformed;    /* bodies or events rejected */
	uint64_t duplicates;   /* events seen twice, ignored */
	uint64_t unknown;      /* events of an unknown kind (kept in the log) */
	uint64_t expired;      /* calls and callers dropped for lack of news */
	uint64_t dropped;      /* refused by a bound (too many lines, calls, agents, ...) */
	uint64_t evicted;      /* idle lines forgotten to make room for new ones at the bound */
	uint64_t registered;   /* registered events */
	uint64_t journal_lost; /* journal lines that could not be written */
	uint64_t future;       /* events dated after their receipt (+ FUTURE_TOLERANCE_S): their
	                          time was clamped to the receipt */
};

/* The duplicate filter keeps the fingerprints of recent events in two generations of this many:
 * an event seen again within DEDUP_GENERATION others is always known, one seen again after
 * 2 * DEDUP_GENERATION others never is (its generation was dropped). */
#define DEDUP_GENERATION 8192

/* How far ahead of its receipt an event may be dated (clocks disagree a little). */
#define FUTURE_TOLERANCE_S 300

/* One line of the event log (the UI's event view). */
struct log_entry {
	int64_t time_ns;
	enum event_kind kind;
	char kind_name[KIND_MAX];
	char resource[NUM_MAX];
	char detail[TEXT_MAX]; /* caller, call id or reason, sanitised */
};

enum feed_state { FEED_CONNECTING, FEED_LIVE, FEED_BACKOFF, FEED_AUTH_FAILED, FEED_STALE };

/* The health of one token's feed, written by the fetch thread, read by the UI and snapshot. */
struct feed_status {
	char label[16]; /* the redacted token: "...ABCD" */
	enum feed_state state;
	uint64_t events, errors, polls;
	int64_t last_event_ns; /* wall clock of the last event received; 0 never */
	int64_t last_ok_ns;    /* wall clock of the last successful poll; 0 never */
	int64_t retry_at_ns;   /* in FEED_BACKOFF / FEED_AUTH_FAILED: next attempt */
	int64_t started_ns;    /* wall clock the feed started trying */
	char last_error[TEXT_MAX];
};

/* A feed's last news, the one measure of its silence (alerts, header, wallboard, state log):
 * its last event or successful poll, wall clock ns; 0 when it never had either. */
static inline int64_t feed_last_news_ns(const struct feed_status *f)
{
	return f->last_event_ns > f->last_ok_ns ? f->last_event_ns : f->last_ok_ns;
}

enum hook_kind { HOOK_RING, HOOK_ALERT, HOOK_KINDS };

/* The integration hooks' health (hooks.h), written by their workers, read by the header, the
 * snapshot and the metrics. */
struct hook_status {
	uint64_t sent[HOOK_KINDS];    /* requests and programs that succeeded */
	uint64_t failed[HOOK_KINDS];  /* that failed (after their retries) */
	uint64_t dropped[HOOK_KINDS]; /* never sent: the queue was full */
	int64_t last_error_ns;        /* wall clock */
	char last_error[TEXT_MAX];    /* names the hook and the host, never the whole URL */
};

/* How "now" is reckoned: the wall clock (live), or the replay clock, which follows the event
 * times of a replay and advances at speed times the wall clock between them (0: frozen). */
struct model_clock {
	bool replay;
	double speed;
	int64_t event_ns; /* time of the newest event applied */
	int64_t wall_ns;  /* wall clock when it was applied */
};

/* The start-up replay of a live run's journal (startup.h), while the screen is already up:
 * written by the replay thread, read like every other figure. */
struct startup_progress {
	bool active;             /* the journal is being replayed; the feed's events wait */
	uint64_t events;         /* events replayed so far */
	uint64_t bytes_done;     /* bytes of the journal files read so far */
	uint64_t bytes_total;    /* bytes of every file to replay, measured before */
	int64_t started_mono_ns; /* monotonic clock when it began */
	int64_t ended_mono_ns;   /* monotonic clock when it ended; 0 before */
};

/* The plain data of the model: what a reader copies. */
struct model_state {
	struct line *lines;
	size_t nlines, cap_lines;
	struct call *calls; /* every call in progress, of every line */
	size_t ncalls, cap_calls;
	struct queue *queues;
	size_t nqueues, cap_queues;
	struct counters counters;
	struct log_entry log[LOG_MAX]; /* ring: newest at (log_head + log_count - 1) % LOG_MAX */
	size_t log_head, log_count;
	struct feed_status feeds[FEEDS_MAX];
	size_t nfeeds;
	struct model_clock clock;
	char source[64];                /* "live", "demo", "replay of FILE": shown in the header */
	int64_t day_start_s;            /* start of "today" for the counters */
	int64_t events_per_s_x10;       /* recent event rate, tenths of an event per second */
	struct callback_list callbacks; /* callers to call back (callbacks.h); not reset daily */
	struct alert_list alerts;       /* the active alerts (alerts.h), evaluated by the model */
	struct api_status api;          /* what the OVH API says (api_state.h, roster.h) */
	struct feed_stats fstats;       /* events by kind, feed latency */
	struct hook_status hooks;       /* the integration hooks' results */
	char notice[NOTICE_TEXT_MAX];   /* the last warning to show in the header, or "" */
	char journal_error[NOTICE_TEXT_MAX]; /* why the journal cannot write now, or "" */
	struct startup_progress startup;     /* the journal replayed at start-up */
};

struct model_index; /* private: number -> position maps, duplicate filter */

struct model {
	pthread_mutex_t lock;
	uint64_t generation;
	bool dirty;
	struct model_state st;
	struct settings set;
	struct model_index *index;
	bool alerts_due;           /* time moved (a tick): evaluate the alerts at unlock */
	alert_hook_fn *alert_hook; /* told of each alert raised, changed or cleared; may be NULL */
	bool alerts_off;           /* no alert list kept (a report reads the day, not the alerts) */
	bool resets_ignored;       /* a journalled `r` is not applied (a report reads whole days) */
	void *alert_hook_ctx;
	int wake_fd;              /* written to when the generation moves; -1 none */
	atomic_bool wake_pending; /* wake_fd written and not yet drained: no need to write again */
	struct wall_guard guard;  /* the live clock that moves "today" (clock.h) */
	/* called (lock held) when "today" is about to move on, before its counters are reset:
	 * the report reads each day there; NULL in the live program */
	void (*day_end)(void *ctx, struct model *m);
	void *day_end_ctx;
	/* a supervisor's action asked by the UI, waiting for the roster thread (api_action.h) */
	struct api_action action;
	bool action_pending;
	/* the queue (service number) whose live calls the console shows; "" none */
	char live_calls_wanted[NUM_MAX];
	bool measure_latency; /* count the feed latency of the events applied (live runs) */
	/* Called by model_apply() under the lock for each event that changed the model (not for
	 * duplicates, late events about what has ended, nor events refused by a bound), after the
	 * model took it in; must be quick and not take the lock. The integration hooks watch for
	 * ringing here. */
	void (*observer)(void *ctx, const struct model_state *st, const struct event *ev);
	void *observer_ctx;
};
/* A writer that changes st directly (the feed updating its feed_status) sets m->dirty = true
 * before model_unlock(). */

enum apply_result { APPLY_OK, APPLY_DUPLICATE, APPLY_UNKNOWN, APPLY_DROPPED, APPLY_IGNORED };

/* Set up an empty model with these settings. Returns false on allocation failure. */
bool model_init(struct model *m, const struct settings *s);
void model_done(struct model *m);

void model_lock(struct model *m);
/* Release the lock; if anything changed or time moved, evaluate the alerts (alerts.h); if
 * anything changed, bump the generation and wake the reader. */
void model_unlock(struct model *m);

/* Apply one event (lock held). Updates counters, the log, "today" and the clock. */
enum apply_result model_apply(struct model *m, const struct event *ev);

/* For the reader of wake_fd: consume its signals. Call it before model_view(), so that a change
 * made in between either shows in that view or signals the fd again. */
void model_wake_drain(struct model *m);

/* Say something of the program itself (lock held): in the event log as an entry of kind
 * "ctiboard", and, for a warning, in the header until the next one. */
void model_notice(struct model *m, const char *text, bool warning);

/* Expire what had no news, move "today" at midnight or shift start (lock held). */
void model_tick(struct model *m, int64_t now_ns);

/* The live run's housekeeping at this sample of the wall and monotonic clocks (lock held): the
 * trusted wall clock (struct wall_guard) moves "today" and expires; a step of the wall clock is
 * believed only once it held a minute, and a confirmed step back before the start of today
 * takes the day back (its counters kept). */
void model_tick_live(struct model *m, int64_t wall_ns, int64_t mono_ns);

/* Forget today's counters (lock held). Calls and callers in progress stay. */
void model_reset_today(struct model *m);

/* Add a line to the event log that no event made (a supervisor's action); lock held. */
void model_log_note(struct model *m, int64_t t, const char *kind_name, const char *resource,
                    const char *detail);

/* The model's "now" (lock held, or on a copied state). */
int64_t state_now_ns(const struct model_state *st);

/* Copy the state into *dst if the generation differs from *seen (then *seen is updated and
 * true returned). dst must be zeroed before the first call; its arrays are reused. */
bool model_view(struct model *m, struct model_state *dst, uint64_t *seen);

/* Free the arrays of a copied state. */
void state_free(struct model_state *st);

/* Derived states. */
enum line_state line_state(const struct line *l);
const char *line_state_name(enum line_state s); /* "idle", "ringing", "in_call" */
const char *call_state_name(enum call_state s);
const char *member_state_name(enum member_state s);
const char *feed_state_name(enum feed_state s); /* "connecting", "live", ... */

/* The roster from the OVH API (lock held): a line or a queue known before any event, with
 * its description (kept when empty); an agent of a queue. False at a bound. */
bool model_roster_line(struct model *m, const char *number, const char *description);
bool model_roster_queue(struct model *m, const char *number, const char *description);
bool model_roster_agent(struct model *m, const char *queue, const char *agent);

/* The console watches the live calls of this queue (the model's queue number), or none
 * (NULL or ""): the OVH API thread reads them while it does. Takes the lock. */
void model_watch_live_calls(struct model *m, const char *service);
/* The queue whose live calls are watched into dst ("" none); lock held. */
void model_live_calls_watched(const struct model *m, char *dst, size_t dstsize);

/* Lookups on a state (NULL when absent). */
const struct line *state_find_line(const struct model_state *st, const char *number);
const struct queue *state_find_queue(const struct model_state *st, const char *number);

/* Start of the "today" that contains t (local time, DST-correct), given a shift start. */
int64_t day_start_for(int64_t t_s, int shift_start_min);

#endif
