/* model_status.c: the model's wiring, and what the program says of itself into it (the feeds,
 * the journal, the hooks, the start-up replay, the OVH API, a supervisor's action). */
#include "model_impl.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

struct model *model_new(const struct settings *s)
{
	struct model *m = malloc(sizeof *m);
	if (m && !model_init(m, s)) {
		free(m);
		return NULL;
	}
	return m;
}

void model_free(struct model *m)
{
	if (!m)
		return;
	model_done(m);
	free(m);
}

/* ---- wiring ---- */

const struct settings *model_settings(const struct model *m)
{
	return &m->set;
}

void model_set_wake_fd(struct model *m, int fd)
{
	m->wake_fd = fd;
}

int model_wake_fd(const struct model *m)
{
	return m->wake_fd;
}

void model_set_alert_hook(struct model *m, alert_hook_fn *fn, void *ctx)
{
	m->alert_hook = fn;
	m->alert_hook_ctx = ctx;
}

void model_set_observer(struct model *m, model_observer_fn *fn, void *ctx)
{
	model_lock(m);
	m->observer = fn;
	m->observer_ctx = ctx;
	model_unlock(m);
}

void model_clear_observer(struct model *m, const void *ctx)
{
	model_lock(m);
	if (m->observer_ctx == ctx) {
		m->observer = NULL;
		m->observer_ctx = NULL;
	}
	model_unlock(m);
}

void model_set_day_end(struct model *m, model_day_end_fn *fn, void *ctx)
{
	m->day_end = fn;
	m->day_end_ctx = ctx;
}

void model_set_report_mode(struct model *m)
{
	m->alerts_off = true;     /* judged after every line, they would cost most of the time */
	m->resets_ignored = true; /* a supervisor's reset clears a screen, not the day's record */
}

bool model_resets_ignored(const struct model *m)
{
	return m->resets_ignored;
}

void model_set_measure_latency(struct model *m, bool on)
{
	m->measure_latency = on;
}

void model_set_source(struct model *m, const char *source, bool replay_clock, double speed)
{
	model_lock(m);
	text_copy(m->st.source, sizeof m->st.source, source);
	m->st.clock.replay = replay_clock;
	m->st.clock.speed = speed;
	m->dirty = true;
	model_unlock(m);
}

/* ---- what the program says of itself ---- */

void model_freeze_clock(struct model *m)
{
	model_lock(m);
	m->st.clock.speed = 0;
	m->dirty = true;
	m->alerts_due = true; /* the alerts of the last second replayed, before anyone reads them */
	model_unlock(m);
}

void model_set_feeds(struct model *m, const struct feed_status *feeds, size_t n)
{
	if (n > FEEDS_MAX)
		n = FEEDS_MAX;
	model_lock(m);
	memcpy(m->st.feeds, feeds, n * sizeof *feeds);
	m->st.nfeeds = n;
	m->dirty = true;
	model_unlock(m);
}

void model_set_hooks(struct model *m, const struct hook_status *st, const char *failure)
{
	model_lock(m);
	m->st.hooks = *st;
	m->dirty = true;
	if (failure) /* the event log keeps the last failure (the header counts them) */
		model_notice(m, failure, false);
	model_unlock(m);
}

void model_set_journal_problem(struct model *m, const char *problem)
{
	char text[sizeof m->st.journal_error + 64];
	if (strcmp(problem, m->st.journal_error) == 0)
		return;
	bool was_ok = m->st.journal_error[0] == '\0';
	text_copy(m->st.journal_error, sizeof m->st.journal_error, problem);
	if (problem[0]) {
		text_join(text, sizeof text, "journal: ", m->st.journal_error);
		model_notice(m, text, true);
	} else if (!was_ok) {
		model_notice(m, "journal: writing again", false);
		m->st.notice[0] = '\0';
	}
	m->dirty = true;
}

void model_set_journal_lost(struct model *m, uint64_t lost)
{
	if (lost == m->st.counters.journal_lost)
		return;
	m->st.counters.journal_lost = lost;
	m->dirty = true;
}

void model_count_malformed(struct model *m, uint64_t n)
{
	if (!n)
		return;
	m->st.counters.malformed += n;
	m->dirty = true;
}

/* ---- the start-up replay ---- */

void model_startup_begin(struct model *m, uint64_t bytes_total)
{
	model_lock(m);
	m->alerts_off = true;
	memset(&m->st.startup, 0, sizeof m->st.startup);
	m->st.startup.active = true;
	m->st.startup.bytes_total = bytes_total;
	m->st.startup.started_mono_ns = mono_now_ns();
	m->dirty = true;
	model_unlock(m);
}

void model_startup_advance(struct model *m, uint64_t events, uint64_t bytes)
{
	model_lock(m);
	m->st.startup.events += events;
	m->st.startup.bytes_done += bytes;
	m->dirty = true;
	model_unlock(m);
}

void model_startup_end(struct model *m, int64_t now_ns, void (*done)(struct model *, void *),
                       void *ctx)
{
	/* the alerts of hours ago are history: judged once, on what is still open now; today's
	 * counters start at the boundary even when no event came since */
	model_lock(m);
	m->alerts_off = false;
	alerts_memo_all(m->memo);
	model_tick(m, now_ns);
	model_unlock(m); /* judged here, before anyone is told of the alerts */
	model_lock(m);
	if (done)
		done(m, ctx);
	m->st.startup.active = false;
	m->st.startup.ended_mono_ns = mono_now_ns();
	m->dirty = true;
	model_unlock(m);
}

struct startup_progress model_startup(struct model *m)
{
	model_lock(m);
	struct startup_progress p = m->st.startup;
	model_unlock(m);
	return p;
}

void model_tick_now(struct model *m, int64_t wall_ns, int64_t mono_ns)
{
	if (m->st.clock.replay)
		model_tick(m, state_now_ns(&m->st));
	else if (!m->st.startup.active) /* the replay moves the clock meanwhile */
		model_tick_live(m, wall_ns, mono_ns);
}

/* ---- the OVH API ---- */

struct api_status *model_api_begin(struct model *m)
{
	model_lock(m);
	return &m->st.api;
}

void model_api_end(struct model *m)
{
	alerts_memo_all(m->memo); /* the "no agent" rule reads the statuses */
	m->dirty = true;
	model_unlock(m);
}

bool model_request_action(struct model *m, const struct api_action *act)
{
	model_lock(m);
	bool free_slot = !m->action_pending;
	if (free_slot) {
		m->action = *act;
		m->action_pending = true;
	}
	model_unlock(m);
	return free_slot;
}

bool model_take_action(struct model *m, struct api_action *act)
{
	model_lock(m);
	bool pending = m->action_pending;
	if (pending)
		*act = m->action;
	model_unlock(m);
	return pending;
}

void model_action_done(struct model *m)
{
	model_lock(m);
	m->action_pending = false;
	model_unlock(m);
}

void model_watch_live_calls(struct model *m, const char *service)
{
	model_lock(m);
	text_copy(m->live_calls_wanted, sizeof m->live_calls_wanted, service ? service : "");
	model_unlock(m);
}

void model_live_calls_watched(struct model *m, char *dst, size_t dstsize)
{
	model_lock(m);
	text_copy(dst, dstsize, m->live_calls_wanted);
	model_unlock(m);
}

/* ---- readers ---- */

const struct model_state *model_read_begin(struct model *m)
{
	model_lock(m);
	return &m->st;
}

void model_read_end(struct model *m)
{
	model_unlock(m);
}

const struct model_state *model_state_held(const struct model *m)
{
	return &m->st;
}
