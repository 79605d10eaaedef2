/* supervise.c: the supervisor's actions from the Agents and Live calls views
 * (--allow-actions): ask, confirm, hand to the OVH API thread, show and journal its answer.
 * Never in kiosk mode. */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console.h"
#include "draw.h"
#include "journal.h"
#include "text.h"

/* The local user who acts, for the journal and the event log. */
static void who_am_i(char *dst, size_t n)
{
	const struct passwd *pw = getpwuid(getuid());
	const char *name = pw && pw->pw_name ? pw->pw_name : getenv("USER");
	text_sanitize(dst, n, name ? name : "?", name ? strlen(name) : 1);
}

/* A message both in the footer (short) and on the Agents view's last line (whole). */
static void say(struct console *c, bool bad, const char *shortly, const char *whole)
{
	snprintf(c->status, sizeof c->status, "%s", shortly);
	snprintf(c->action_note, sizeof c->action_note, " %.300s", whole);
	c->action_note_bad = bad;
}

/* The custom statuses of the agent's service, in the order of the copy. */
static int reasons_of(const struct console *c, const char *service,
                      const struct api_break_reason **out, int max)
{
	int n = 0;
	for (size_t i = 0; i < c->st.api.nreasons && n < max; i++)
		if (strcmp(c->st.api.reasons[i].service, service) == 0)
			out[n++] = &c->st.api.reasons[i];
	return n;
}

/* The selected live call into a, for kind; false (and why, said) when it cannot be. */
static bool call_selected(struct console *c, enum api_action_kind kind, struct api_action *a)
{
	const struct api_live_call *k = live_selected(c);
	if (!k) {
		say(c, true, "no call selected", "select a call of the queue first");
		return false;
	}
	if (!k->answered) {
		say(c, true, "the call is not answered yet",
		    "listen, whisper and hang up act on an answered call; this caller still waits");
		return false;
	}
	if (kind != ACTION_HANGUP && !c->s->supervisor_number[0]) {
		say(c, true, "supervisor_number is not set",
		    "listen and whisper call your own phone: set supervisor_number = <your number> "
		    "in the configuration (or --set supervisor_number=...)");
		return false;
	}
	text_copy(a->service, sizeof a->service, c->st.api.live.service);
	a->queue_id = k->queue_id;
	a->call_id = k->id;
	text_copy(a->caller, sizeof a->caller, k->caller);
	text_copy(a->call_agent, sizeof a->call_agent, k->agent);
	if (kind != ACTION_HANGUP)
		text_copy(a->supervisor, sizeof a->supervisor, c->s->supervisor_number);
	return true;
}

void supervise_watch(struct console *c)
{
	const char *want = c->view == VIEW_LIVE && !c->s->kiosk ? c->live_queue : "";
	if (strcmp(want, c->live_watched) == 0)
		return;
	text_copy(c->live_watched, sizeof c->live_watched, want);
	model_watch_live_calls(c->m, want);
}

void supervise_ask(struct console *c, enum api_action_kind kind)
{
	struct api_action *a = &c->action;
	if (c->s->kiosk)
		return;
	if (!c->s->allow_actions) {
		say(c, true, "actions are off",
		    "actions are off: start with --allow-actions (or allow_actions = true)");
		return;
	}
	if (c->st.api.simulated || c->st.api.health == API_OFF) {
		say(c, true, "no OVH API",
		    "actions need the OVH API (credentials, see ctiboard api login)");
		return;
	}
	memset(a, 0, sizeof *a);
	if (api_action_on_call(kind)) {
		if (!call_selected(c, kind, a))
			return;
	} else if (!agents_selected(c, a)) {
		say(c, true, "no agent selected",
		    "select an agent the OVH API lists (not one only events named)");
		return;
	}
	a->kind = kind;
	who_am_i(a->who, sizeof a->who);
	c->confirm = CONFIRM_ACTION;
	if (kind == ACTION_BREAK) {
		const struct api_break_reason *r[9];
		if (reasons_of(c, a->service, r, 9) > 0)
			c->confirm = CONFIRM_BREAK_REASON;
	}
}

void supervise_prompt(const struct console *c, char *dst, size_t n)
{
	char what[2 * TEXT_MAX];
	if (c->confirm == CONFIRM_BREAK_REASON) {
		const struct api_break_reason *r[9];
		int k = reasons_of(c, c->action.service, r, 9);
		int len = snprintf(dst, n, " Break reason for %.40s:", c->action.agent_name);
		for (int i = 0; i < k && len > 0 && (size_t)len < n; i++)
			len +=
			    snprintf(dst + len, n - (size_t)len, "  %d %.30s", i + 1, r[i]->name);
		if (len > 0 && (size_t)len < n)
			snprintf(dst + len, n - (size_t)len, "  (other key: cancel)");
		return;
	}
	api_action_describe(&c->action, what, sizeof what);
	snprintf(dst, n, " OVH API: %.200s?  y: yes, any other key: no", what);
	if (text_width(dst) > c->cols) /* the question and its y first, at 80 columns */
		snprintf(dst, n, " %.200s? y/n", what);
}

void supervise_key(struct console *c, enum confirm q, int key)
{
	if (q == CONFIRM_BREAK_REASON) {
		const struct api_break_reason *r[9];
		int k = reasons_of(c, c->action.service, r, 9);
		if (key < '1' || key >= '1' + k) {
			snprintf(c->status, sizeof c->status, "no action taken");
			return;
		}
		c->action.break_id = r[key - '1']->id;
		text_copy(c->action.break_name, sizeof c->action.break_name, r[key - '1']->name);
		c->confirm = CONFIRM_ACTION;
		return;
	}
	if (key != 'y' && key != 'Y') {
		snprintf(c->status, sizeof c->status, "no action taken");
		return;
	}
	bool busy = !model_request_action(c->m, &c->action);
	snprintf(c->status, sizeof c->status, "%s",
	         busy ? "an action is still running: try again in a moment"
	              : "sent to the OVH API, waiting for its answer...");
}

void supervise_poll(struct console *c)
{
	struct api_action_result res;
	res = model_read_begin(c->m)->api.last_action;
	model_read_end(c->m);
	if (res.seq == c->action_seen)
		return;
	c->action_seen = res.seq;
	char what[2 * TEXT_MAX];
	api_action_describe(&res.act, what, sizeof what);
	char whole[sizeof c->action_note], clock[16];
	fmt_clock(clock, sizeof clock, res.at_ns);
	if (api_action_on_call(res.act.kind)) /* the answer first: it fits 80 columns */
		snprintf(whole, sizeof whole, "%s %.180s: %.120s", clock, res.answer, what);
	else
		snprintf(whole, sizeof whole, "%s %.120s: %.180s", clock, what, res.answer);
	say(c, !res.ok, res.ok ? "action done" : "action refused", whole);
	char *line = api_action_journal_line(&res);
	if (line)
		journal_append(c->journal, line, strlen(line), res.at_ns);
	free(line);
}
