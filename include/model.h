/* model.h: the call centre as the events describe it: lines, calls, queues, callers, agents,
 * the day's statistics and the state of each feed.
 *
 * Ownership and locking:
 * - struct model is opaque (its inside is src/model_impl.h, for the model's own files) and owns
 *   everything; one mutex guards it. The ingest of any source applies a batch of events with
 *   model_lock(), model_apply()..., model_unlock(); the other writers below are named for what
 *   they change and take the lock themselves unless they say "lock held". model_unlock() judges
 *   the alerts, bumps the generation and wakes the UI when something changed.
 * - Readers never draw under the lock: model_view() copies the plain data (struct model_state)
 *   into a reader-owned struct model_state when the generation moved. The copy owns its arrays;
 *   free it with state_free(). Nothing in a model_state points into the model.
 * - Every string in a model_state is sanitised (see text.h) and may be printed as it is.
 */
#ifndef CTIBOARD_MODEL_H
#define CTIBOARD_MODEL_H

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

/* The model itself is opaque: its writers and readers are the functions below. */
struct model;

enum apply_result { APPLY_OK, APPLY_DUPLICATE, APPLY_UNKNOWN, APPLY_DROPPED, APPLY_IGNORED };

/* An empty model with these settings (copied, fixed for its life); NULL when out of memory. */
struct model *model_new(const struct settings *s);
void model_free(struct model *m);

/* ---- wiring, before the threads start ---- */

/* The settings the model was made with. */
const struct settings *model_settings(const struct model *m);

/* The fd written to when the generation moves (wake.h), for the reader that waits; -1 none. */
void model_set_wake_fd(struct model *m, int fd);
int model_wake_fd(const struct model *m);

/* Told (lock held) of each alert raised, changed or cleared. */
void model_set_alert_hook(struct model *m, alert_hook_fn *fn, void *ctx);

/* Told by model_apply() (lock held) of each event that changed the model (not duplicates, late
 * events about what has ended, nor events refused by a bound), after the model took it in. It
 * must be quick and not take the lock; it may update the hooks' status it is given. The
 * integration hooks watch for ringing here. */
typedef void model_observer_fn(void *ctx, const struct model_state *st, const struct event *ev,
                               struct hook_status *hooks);
void model_set_observer(struct model *m, model_observer_fn *fn, void *ctx);
/* Forget the observer if it is still ctx's. */
void model_clear_observer(struct model *m, const void *ctx);

/* Told (lock held) when "today" is about to move on, before its counters are reset: a report
 * reads each day there. */
typedef void model_day_end_fn(void *ctx, const struct model_state *st);
void model_set_day_end(struct model *m, model_day_end_fn *fn, void *ctx);

/* A report reads whole days: no alerts judged, and a journalled reset (`r`) not applied. */
void model_set_report_mode(struct model *m);
bool model_resets_ignored(const struct model *m);

/* Count the feed latency of the events applied (live runs). */
void model_set_measure_latency(struct model *m, bool on);

/* Where the events come from, for the header ("live", "demo", "replay FILE"), and the clock:
 * the replay clock at speed times the wall clock between events (0: frozen), or the wall. */
void model_set_source(struct model *m, const char *source, bool replay_clock, double speed);

/* ---- writers of what the program says of itself (each takes the lock, unless it says
 *      "lock held") ---- */

/* The replay clock stops at its last event: the source ran dry. */
void model_freeze_clock(struct model *m);

/* The feeds' status, as the fetch thread sees it. */
void model_set_feeds(struct model *m, const struct feed_status *feeds, size_t n);

/* The integration hooks' status; failure, when not NULL, goes to the event log too. */
void model_set_hooks(struct model *m, const struct hook_status *st, const char *failure);

/* The journal's health (sanitised text, "" when it writes) and the lines it lost. Lock held. */
void model_set_journal_problem(struct model *m, const char *problem);
void model_set_journal_lost(struct model *m, uint64_t lost);

/* Lines of input that were not events (lock held). */
void model_count_malformed(struct model *m, uint64_t n);

/* The start-up replay (startup.h): it begins with bytes_total to read, moves on, and ends. While
 * it runs no alert is judged. done, when not NULL, is called (lock held) once the replay's
 * alerts are judged and just before the model says it has ended. */
void model_startup_begin(struct model *m, uint64_t bytes_total);
void model_startup_advance(struct model *m, uint64_t events, uint64_t bytes);
void model_startup_end(struct model *m, int64_t now_ns, void (*done)(struct model *, void *),
                       void *ctx);
struct startup_progress model_startup(struct model *m);

/* The ticker's second (lock held): a replay's clock moves by itself; live, the wall and
 * monotonic clocks move "today", except while the start-up replay moves the clock. */
void model_tick_now(struct model *m, int64_t wall_ns, int64_t mono_ns);

/* What the OVH API says (roster.h): the lock taken, the API's part of the state to change, then
 * given back (the change shown). Other model functions that need the lock may be called between. */
struct api_status *model_api_begin(struct model *m);
void model_api_end(struct model *m);

/* A supervisor's action (api_action.h): asked by the UI, false while another is pending; taken
 * by the roster thread, which says it is done once the answer is in the API's status. */
bool model_request_action(struct model *m, const struct api_action *act);
bool model_take_action(struct model *m, struct api_action *act);
void model_action_done(struct model *m);

/* ---- readers ---- */

/* A short look at the state under the lock, for a reader that needs a few figures and must not
 * copy them all (the metrics, stderr's log); the lock is held until model_read_end(). */
const struct model_state *model_read_begin(struct model *m);
void model_read_end(struct model *m);

/* The state, for code the model calls with its lock held (an alert hook). */
const struct model_state *model_state_held(const struct model *m);

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
/* The queue whose live calls are watched into dst ("" none). Takes the lock. */
void model_live_calls_watched(struct model *m, char *dst, size_t dstsize);

/* Lookups on a state (NULL when absent). */
const struct line *state_find_line(const struct model_state *st, const char *number);
const struct queue *state_find_queue(const struct model_state *st, const char *number);

/* Start of the "today" that contains t (local time, DST-correct), given a shift start. */
int64_t day_start_for(int64_t t_s, int shift_start_min);

#endif
