/* api_action.h: a supervisor's action through the OVH API (opt-in, --allow-actions): set an
 * agent available, on break (with a custom status) or logged out; listen to, whisper into or
 * hang up a queue's live call (listen and whisper call the supervisor's own number). The UI
 * asks for it after a confirmation and hands it to the roster thread, which sends it and puts
 * the answer in st.api.last_action; the UI then shows it and journals it as one line
 * {"ctiboard":"action",...} that a replay counts and skips.
 */
#ifndef CTIBOARD_API_ACTION_H
#define CTIBOARD_API_ACTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

enum api_action_kind {
	ACTION_AVAILABLE,
	ACTION_BREAK,
	ACTION_LOGOUT,
	ACTION_LISTEN,  /* POST .../liveCalls/{id}/eavesdrop {"number":...} */
	ACTION_WHISPER, /* POST .../liveCalls/{id}/whisper, to the agent only */
	ACTION_HANGUP,  /* POST .../liveCalls/{id}/hangup, no body */
	ACTION_KIND_COUNT
};

/* What the supervisor asked, with what is needed to build its path. */
struct api_action {
	enum api_action_kind kind;
	int64_t agent_id;
	char service[2 * NUM_MAX];  /* the agent's easyHunting or ovhPabx service */
	char agent_number[NUM_MAX]; /* canonical */
	char agent_name[TEXT_MAX];
	int64_t break_id; /* ACTION_BREAK: the custom status's id */
	char break_name[TEXT_MAX];
	char who[64]; /* the local user who asked */
	/* ACTION_LISTEN, ACTION_WHISPER, ACTION_HANGUP: the call, in service's queue queue_id */
	int64_t queue_id, call_id;
	char caller[NUM_MAX];      /* canonical, or the API's text ("anonymous") */
	char call_agent[TEXT_MAX]; /* the agent on the call, as the API names it */
	char supervisor[NUM_MAX];  /* listen, whisper: the number OVH calls, canonical */
};

/* The answer to an action, newest one kept in st.api.last_action. */
struct api_action_result {
	uint64_t seq; /* 0: none yet; grows with each answer */
	struct api_action act;
	bool ok;
	long http;        /* 0 without an answer */
	char answer[256]; /* "done", or the error in words (sanitised, redacted) */
	int64_t at_ns;    /* wall clock of the answer */
};

/* "available", "onBreak", "loggedOut" (the API's status); NULL for an action on a call */
const char *api_action_status(enum api_action_kind k);

/* The journal's name of the kind: "available", "break", "logout", "listen", "whisper",
 * "hangup". */
const char *api_action_kind_name(enum api_action_kind k);

/* Does the action act on a live call (listen, whisper, hang up) rather than on an agent? */
bool api_action_on_call(enum api_action_kind k);

/* The method and the path's last part under the agent or live call: "PUT" "" for an agent's
 * status, "POST" "/eavesdrop", "/whisper", "/hangup" for a call. */
const char *api_action_method(enum api_action_kind k);
const char *api_action_verb(enum api_action_kind k);

/* The body of the action: {"status":"onBreak","breakStatus":3} (PUT on the agent),
 * {"number":"0033..."} (eavesdrop), {"number":"0033...","whisperingMode":"Whisper to agent
 * only"} (whisper), "" (hangup: no body). */
void api_action_body(const struct api_action *a, char *dst, size_t dstsize);

/* For people: "set Bob (+33 9 72 10 10 12) on break (Lunch)", "listen to +33 6 12 34 56 78
 * with Alice on +33 6 99 88 77 66", "whisper to Alice, with +33 6 12 34 56 78, from +33 6 99
 * 88 77 66", "hang up +33 6 12 34 56 78 with Alice". */
void api_action_describe(const struct api_action *a, char *dst, size_t dstsize);

/* The answer in words for an HTTP error; a 403 names the right missing and how to get it. */
void api_action_refusal(long http, const char *method, const char *path, const char *reply,
                        char *dst, size_t dstsize);

/* The journal's line of an answer (one JSON object, no newline), or NULL (to free). */
char *api_action_journal_line(const struct api_action_result *r);

/* Is this journal line an action (api_action_journal_line)? */
bool api_action_is_journal_line(const char *line, size_t len);

#endif
