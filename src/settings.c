/* settings.c: defaults, the configuration file and --set, all driven by one table of keys. */
#include "settings.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "notice.h"
#include "redact.h"
#include "text.h"

enum key_type {
	K_INT,
	K_BOOL,
	K_PATH,
	K_SHIFT,
	K_SL_FORMULA,
	K_PROTOCOL,
	K_KIOSK,
	K_TOKEN_FILE,
	K_TOKEN,
	K_RING_METHOD,
	K_ALERT_FORMAT,
	K_PHONE
};

struct key {
	const char *name;
	enum key_type type;
	size_t offset;
	long min, max;   /* K_INT */
	const char *def; /* default, as it would be written in the file */
	const char *help;
};

#define INT(n, f, lo, hi, d, h)                                                                    \
	{                                                                                          \
		n, K_INT, offsetof(struct settings, f), lo, hi, d, h                               \
	}
#define BOOL(n, f, d, h)                                                                           \
	{                                                                                          \
		n, K_BOOL, offsetof(struct settings, f), 0, 1, d, h                                \
	}

static const struct key keys[] = {
    INT("sl_target_s", sl_target_s, 1, 3600, "20", "service-level target T, seconds"),
    {"sl_formula", K_SL_FORMULA, offsetof(struct settings, sl_formula), 0, 0, "penalise_abandons",
     "penalise_abandons: answered within T / (answered + abandoned); answered_only: "
     "answered within T / answered"},
    INT("short_abandon_s", short_abandon_s, 0, 600, "5",
        "callers leaving quicker than this are short abandons, left out of the rates"),
    {"shift_start", K_SHIFT, offsetof(struct settings, shift_start_min), 0, 0, "00:00",
     "local time HH:MM at which \"today\" starts"},
    INT("expiry_s", expiry_s, 60, 7 * 86400, "14400",
        "a call or caller with no news for this long is expired"),
    INT("missed_grace_s", missed_grace_s, 1, 3600, "15",
        "ringing that ended with no pick-up for this long is a missed call"),
    INT("callback_window_h", callback_window_h, 1, 24 * 400, "24",
        "callers to call back stay listed this many hours after their last try or call"),
    INT("interval_min", interval_min, 1, 1440, "15",
        "the day's chart and interval report cut the day in intervals of this many minutes"),
    INT("max_lines", max_lines, 1, 1000000, "100000",
        "most lines kept; a new line then takes the place of the idlest"),
    INT("max_queues", max_queues, 1, 100000, "2000", "most queues kept"),
    INT("max_calls", max_calls, 1, 1000000, "50000", "most calls in progress kept"),
    INT("max_members", max_members, 1, 100000, "5000", "most waiting callers kept per queue"),
    INT("max_agents", max_agents, 1, 100000, "2000", "most agents kept per queue"),
    {"names_file", K_PATH, offsetof(struct settings, names_file), 0, 0, "",
     "CSV file of number,name to show names instead of numbers"},
    INT("alert_waiting_warn", alert_waiting_warn, 0, 100000, "5", "callers waiting: warning"),
    INT("alert_waiting_crit", alert_waiting_crit, 0, 100000, "10", "callers waiting: critical"),
    INT("alert_wait_warn_s", alert_wait_warn_s, 0, 86400, "60", "longest wait: warning"),
    INT("alert_wait_crit_s", alert_wait_crit_s, 0, 86400, "120", "longest wait: critical"),
    INT("alert_sl_warn", alert_sl_warn, 0, 100, "80", "service level below, percent: warning"),
    INT("alert_sl_crit", alert_sl_crit, 0, 100, "60", "service level below, percent: critical"),
    INT("alert_nobody_min", alert_nobody_min, 0, 1440, "15",
        "nobody answering: callers timed out in this many minutes and none answered is "
        "critical; callers offered and none answered, a warning"),
    INT("alert_ring_warn_s", alert_ring_warn_s, 0, 86400, "20", "a line ringing for: warning"),
    INT("alert_ring_crit_s", alert_ring_crit_s, 0, 86400, "40", "a line ringing for: critical"),
    INT("alert_stale_warn_s", alert_stale_warn_s, 0, 86400, "120", "a feed silent for: warning"),
    INT("alert_stale_crit_s", alert_stale_crit_s, 0, 86400, "300", "a feed silent for: critical"),
    {"url", K_PATH, offsetof(struct settings, url), 0, 0, "https://events.voip.ovh.net/",
     "event stream endpoint (https; plain http only to a loopback host)"},
    {"protocol", K_PROTOCOL, offsetof(struct settings, protocol_v2), 0, 0, "v1",
     "v1 (documented long-poll) or v2 (sessions)"},
    {"token_file", K_TOKEN_FILE, 0, 0, 0, "", "file of tokens, one per line (repeatable)"},
    {"token", K_TOKEN, 0, 0, 0, "", "an event token (repeatable; keep this file private)"},
    INT("connect_timeout_s", connect_timeout_s, 1, 600, "10", "TCP and TLS connect timeout"),
    INT("hold_s", hold_s, 1, 600, "60", "server hold time; a poll times out after hold_s + 20"),
    INT("backoff_base_ms", backoff_base_ms, 1, 600000, "1000", "first retry delay after an error"),
    INT("backoff_cap_ms", backoff_cap_ms, 1, 600000, "60000",
        "longest retry delay, and longest Retry-After honoured"),
    INT("healthy_reset_s", healthy_reset_s, 0, 86400, "60",
        "the retry delay resets after this long without error"),
    INT("auth_retry_s", auth_retry_s, 1, 86400, "300", "retry delay after a rejected token"),
    INT("min_poll_interval_ms", min_poll_interval_ms, 0, 60000, "250",
        "polls answered at once are spaced at least this much"),
    INT("watchdog_s", watchdog_s, 1, 86400, "180",
        "no event and no successful poll for this long: the feed is stale"),
    INT("body_cap_bytes", body_cap_bytes, 1024, 1 << 30, "4194304", "largest body accepted"),
    INT("api_max_per_min", api_max_per_min, 2, 600, "50",
        "OVH API: most requests a minute (OVH's fair use is 60 per consumer key)"),
    INT("api_timeout_s", api_timeout_s, 1, 300, "20", "OVH API: a request times out after this"),
    INT("api_roster_s", api_roster_s, 10, 86400, "600",
        "OVH API: lines, queues and agents are read again this often"),
    INT("api_status_s", api_status_s, 1, 3600, "10",
        "OVH API: agents' live status is polled this often, budget allowing"),
    BOOL("allow_actions", allow_actions, "false",
         "supervisor actions through the OVH API (an agent's status; listen to, whisper into, "
         "hang up a queue's call); off: read only"),
    {"supervisor_number", K_PHONE, offsetof(struct settings, supervisor_number), 0, 0, "",
     "your own phone number (+33612345678, 0033612345678 or 0612345678): OVH calls it to "
     "let you listen to or whisper into a queue's call"},
    {"journal_dir", K_PATH, offsetof(struct settings, journal_dir), 0, 0, "",
     "journal directory (default $XDG_STATE_HOME/ctiboard)"},
    BOOL("journal", journal, "true", "keep a journal of received events"),
    INT("journal_keep_days", journal_keep_days, 0, 36600, "31",
        "days of journal files kept, today included (0 keeps all)"),
    INT("checkpoint_s", checkpoint_s, 0, 86400, "300",
        "the checkpoint is brought up to the journal this often (and at exit; 0: at exit only)"),
    BOOL("color", color, "true", "use colours when the terminal has them"),
    BOOL("ascii", ascii, "false", "ASCII lines instead of Unicode box drawing"),
    BOOL("mouse", mouse, "true", "click to select"),
    BOOL("bell", bell, "false", "ring the terminal bell when an alert turns critical"),
    BOOL("wallboard", wallboard, "false", "start in wallboard mode"),
    INT("rotate_s", rotate_s, 1, 3600, "10", "wallboard pages rotate every this many seconds"),
    {"kiosk", K_KIOSK, offsetof(struct settings, kiosk), 0, 0, "off",
     "off, on (only q, with confirmation) or locked (no key)"},
    {"on_ring_url", K_PATH, offsetof(struct settings, on_ring_url), 0, 0, "",
     "URL requested when a call rings (screen-pop): {caller} {caller_name} {called} {line} "
     "{line_name} {queue} {call_id} {event} are replaced, URL-encoded"},
    {"on_ring_method", K_RING_METHOD, offsetof(struct settings, on_ring_post), 0, 0, "get",
     "get, or post (the same fields as a JSON body)"},
    {"on_ring_lines", K_PATH, offsetof(struct settings, on_ring_lines), 0, 0, "",
     "comma-separated line or queue numbers that pop; empty: all"},
    {"on_ring_cmd", K_PATH, offsetof(struct settings, on_ring_cmd), 0, 0, "",
     "program run when a call rings, no shell: placeholders as whole arguments, fields also "
     "in CTIBOARD_* variables"},
    {"on_alert_url", K_PATH, offsetof(struct settings, on_alert_url), 0, 0, "",
     "URL each alert raise and clear is POSTed to as JSON"},
    {"on_alert_format", K_ALERT_FORMAT, offsetof(struct settings, on_alert_slack), 0, 0, "json",
     "json (the alert's fields) or slack ({\"text\": ...}: Slack, Mattermost, Rocket.Chat)"},
    {"on_alert_cmd", K_PATH, offsetof(struct settings, on_alert_cmd), 0, 0, "",
     "program run for each alert raise and clear, like on_ring_cmd"},
    INT("on_alert_min_s", on_alert_min_s, 0, 86400, "300",
        "at most one notification per alert in this many seconds"),
    INT("hook_timeout_s", hook_timeout_s, 1, 300, "5",
        "a hook request or program taking longer has failed"),
    INT("hook_workers", hook_workers, 1, 64, "4", "hook requests and programs in flight at most"),
    INT("hook_queue", hook_queue, 1, 10000, "256",
        "hook notifications waiting at most (more are dropped and counted)"),
    INT("hook_retries", hook_retries, 0, 10, "3",
        "alert notifications: attempts after a failure, with a growing delay"),
};

#define NKEYS (sizeof keys / sizeof keys[0])

/* The keys that may also be set for one queue (queue.<number>.<key>): where each is in the
 * settings and in struct queue_rules. */
#define QKEY(f)                                                                                    \
	{                                                                                          \
#f, offsetof(struct settings, f), offsetof(struct queue_rules, f)                  \
	}
static const struct {
	const char *name;
	size_t at, rule_at;
} queue_keys[] = {
    QKEY(sl_target_s),        QKEY(short_abandon_s),   QKEY(alert_waiting_warn),
    QKEY(alert_waiting_crit), QKEY(alert_wait_warn_s), QKEY(alert_wait_crit_s),
    QKEY(alert_sl_warn),      QKEY(alert_sl_crit),     QKEY(alert_nobody_min),
};
#define NQUEUE_KEYS (sizeof queue_keys / sizeof queue_keys[0])

static const struct key *key_find(const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static bool parse_long(const char *v, long *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end)
		return false;
	*out = n;
	return true;
}

/* A number OVH can call: an optional leading +, then 4 to 20 digits (spaces allowed). */
static bool phone_number_ok(const char *v)
{
	int digits = 0;
	if (*v == '+')
		v++;
	for (; *v; v++) {
		if (*v >= '0' && *v <= '9')
			digits++;
		else if (*v != ' ')
			return false;
	}
	return digits >= 4 && digits <= 20;
}

static bool parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};
	for (size_t i = 0; i < 4; i++) {
		if (strcmp(v, yes[i]) == 0)
			return *out = true, true;
		if (strcmp(v, no[i]) == 0)
			return *out = false, true;
	}
	return false;
}

/* Apply one value of a known key to s. */
static bool key_apply(const struct key *k, struct settings *s, const char *v, char *err,
                      size_t errsize)
{
	char *field = (char *)s + k->offset;
	long n;
	bool b;
	switch (k->type) {
	case K_INT:
		if (!parse_long(v, &n) || n < k->min || n > k->max) {
			snprintf(err, errsize, "%s: expected a whole number from %ld to %ld",
			         k->name, k->min, k->max);
			return false;
		}
		*(int *)field = (int)n;
		return true;
	case K_BOOL:
		if (!parse_bool(v, &b)) {
			snprintf(err, errsize, "%s: expected true or false", k->name);
			return false;
		}
		*(bool *)field = b;
		return true;
	case K_PATH:
		if (strlen(v) >= SETTINGS_PATH_MAX) {
			snprintf(err, errsize, "%s: too long", k->name);
			return false;
		}
		strcpy(field, v);
		return true;
	case K_SHIFT: {
		/* strtol, not sscanf: an out-of-range %d is undefined behaviour */
		char *colon, *end;
		long h = strtol(v, &colon, 10);
		long m = *colon == ':' && colon != v ? strtol(colon + 1, &end, 10) : -1;
		if (m < 0 || end == colon + 1 || *end || h < 0 || h > 23 || m > 59) {
			snprintf(err, errsize, "%s: expected HH:MM", k->name);
			return false;
		}
		s->shift_start_min = (int)(h * 60 + m);
		return true;
	}
	case K_SL_FORMULA:
		if (strcmp(v, "penalise_abandons") == 0)
			s->sl_formula = SL_PENALISE_ABANDONS;
		else if (strcmp(v, "answered_only") == 0)
			s->sl_formula = SL_ANSWERED_ONLY;
		else {
			snprintf(err, errsize, "%s: expected penalise_abandons or answered_only",
			         k->name);
			return false;
		}
		return true;
	case K_PROTOCOL:
		if (strcmp(v, "v1") != 0 && strcmp(v, "v2") != 0) {
			snprintf(err, errsize, "%s: expected v1 or v2", k->name);
			return false;
		}
		s->protocol_v2 = strcmp(v, "v2") == 0;
		return true;
	case K_KIOSK:
		if (strcmp(v, "off") == 0 || strcmp(v, "false") == 0)
			s->kiosk = 0;
		else if (strcmp(v, "on") == 0 || strcmp(v, "true") == 0)
			s->kiosk = 1;
		else if (strcmp(v, "locked") == 0)
			s->kiosk = 2;
		else {
			snprintf(err, errsize, "%s: expected off, on or locked", k->name);
			return false;
		}
		return true;
	case K_RING_METHOD:
		if (strcmp(v, "get") != 0 && strcmp(v, "post") != 0) {
			snprintf(err, errsize, "%s: expected get or post", k->name);
			return false;
		}
		s->on_ring_post = strcmp(v, "post") == 0;
		return true;
	case K_ALERT_FORMAT:
		if (strcmp(v, "json") != 0 && strcmp(v, "slack") != 0) {
			snprintf(err, errsize, "%s: expected json or slack", k->name);
			return false;
		}
		s->on_alert_slack = strcmp(v, "slack") == 0;
		return true;
	case K_PHONE:
		if (!phone_number_ok(v)) {
			snprintf(err, errsize,
			         "%s: expected a phone number: digits, a leading + at most "
			         "(+33612345678, 0033612345678, 0612345678)",
			         k->name);
			return false;
		}
		phone_normalize(field, QUEUE_NUMBER_MAX, v);
		return true;
	case K_TOKEN_FILE:
		if (s->ntoken_files == (int)(sizeof s->token_files / sizeof s->token_files[0]) ||
		    strlen(v) >= SETTINGS_PATH_MAX) {
			snprintf(err, errsize, "%s: too many or too long", k->name);
			return false;
		}
		strcpy(s->token_files[s->ntoken_files++], v);
		return true;
	case K_TOKEN:
		if (!token_is_guid(v)) { /* never echo the value: it is meant to be a secret */
			snprintf(err, errsize,
			         "%s: not an OVH token "
			         "(expected XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX)",
			         k->name);
			return false;
		}
		if (s->ntokens == TOKENS_MAX) {
			snprintf(err, errsize, "%s: more than %d tokens", k->name, TOKENS_MAX);
			return false;
		}
		strcpy(s->tokens[s->ntokens++], v);
		return true;
	}
	return false;
}

void settings_defaults(struct settings *s)
{
	char err[160];
	memset(s, 0, sizeof *s);
	for (size_t i = 0; i < NKEYS; i++)
		if (keys[i].type != K_TOKEN_FILE && keys[i].type != K_TOKEN && keys[i].def[0])
			key_apply(&keys[i], s, keys[i].def, err, sizeof err);
}

/* The index of a per-queue key in queue_keys, or -1. */
static int queue_key_find(const char *name)
{
	for (size_t i = 0; i < NQUEUE_KEYS; i++)
		if (strcmp(queue_keys[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int *int_at(void *base, size_t offset)
{
	return (int *)(void *)((char *)base + offset);
}

static int int_of(const void *base, size_t offset)
{
	return *(const int *)(const void *)((const char *)base + offset);
}

/* "queue.<number>.<key> = value": checked like the key itself, kept for that queue. */
static bool queue_setting_set(struct settings *s, const char *name, const char *value, char *err,
                              size_t errsize)
{
	const char *number = name + strlen("queue.");
	const char *dot = strrchr(number, '.');
	char raw[64], canonical[QUEUE_NUMBER_MAX];
	if (!dot || dot == number || (size_t)(dot - number) >= sizeof raw) {
		snprintf(err, errsize, "%.80s: expected queue.<number>.<key>", name);
		return false;
	}
	memcpy(raw, number, (size_t)(dot - number));
	raw[dot - number] = '\0';
	const struct key *k = key_find(dot + 1);
	int qk = queue_key_find(dot + 1);
	if (!k || qk < 0) {
		snprintf(err, errsize,
		         "%.80s: '%.40s' cannot be set for one queue (these can: sl_target_s, "
		         "short_abandon_s, alert_waiting_*, alert_wait_*_s, alert_sl_*, "
		         "alert_nobody_min)",
		         name, dot + 1);
		return false;
	}
	if (strspn(raw, "0123456789+ -()") != strlen(raw) || !strpbrk(raw, "0123456789")) {
		snprintf(err, errsize,
		         "%.80s: '%.40s' is not a queue's number (as 0033972200000 or +33 9 72 20 "
		         "00 00, the number the queue's detail shows)",
		         name, raw);
		return false;
	}
	phone_normalize(canonical, sizeof canonical, raw);
	if (!canonical[0]) {
		snprintf(err, errsize, "%.80s: no queue number", name);
		return false;
	}
	struct settings one = *s; /* parse the value as the key itself would be */
	if (!key_apply(k, &one, value, err, errsize))
		return false;
	int v = int_of(&one, k->offset);
	unsigned short which = (unsigned short)qk;
	struct queue_setting *qs = NULL;
	for (int i = 0; i < s->nqueue_settings && !qs; i++)
		if (s->queue_settings[i].key == which &&
		    strcmp(s->queue_settings[i].number, canonical) == 0)
			qs = &s->queue_settings[i];
	if (!qs) {
		if (s->nqueue_settings == QUEUE_SETTINGS_MAX) {
			snprintf(err, errsize, "%.80s: more than %d per-queue values", name,
			         QUEUE_SETTINGS_MAX);
			return false;
		}
		qs = &s->queue_settings[s->nqueue_settings++];
		text_copy(qs->number, sizeof qs->number, canonical);
		qs->key = which;
	}
	qs->value = v;
	return true;
}

void settings_queue_rules(const struct settings *s, const char *number, struct queue_rules *out)
{
	for (size_t i = 0; i < NQUEUE_KEYS; i++)
		*int_at(out, queue_keys[i].rule_at) = int_of(s, queue_keys[i].at);
	for (int i = 0; i < s->nqueue_settings; i++) {
		const struct queue_setting *qs = &s->queue_settings[i];
		if (strcmp(qs->number, number) == 0)
			*int_at(out, queue_keys[qs->key].rule_at) = qs->value;
	}
}

/* Thresholds of one set of settings in the wrong order; prefix names where they apply. */
static bool check_order(const struct settings *s, const char *prefix, char *err, size_t errsize)
{
	static const struct {
		const char *warn, *crit;
		size_t warn_at, crit_at;
		bool low; /* bad when low: the warning threshold is the higher one */
	} pairs[] = {
	    {"alert_waiting_warn", "alert_waiting_crit",
	     offsetof(struct settings, alert_waiting_warn),
	     offsetof(struct settings, alert_waiting_crit), false},
	    {"alert_wait_warn_s", "alert_wait_crit_s", offsetof(struct settings, alert_wait_warn_s),
	     offsetof(struct settings, alert_wait_crit_s), false},
	    {"alert_sl_warn", "alert_sl_crit", offsetof(struct settings, alert_sl_warn),
	     offsetof(struct settings, alert_sl_crit), true},
	    {"alert_ring_warn_s", "alert_ring_crit_s", offsetof(struct settings, alert_ring_warn_s),
	     offsetof(struct settings, alert_ring_crit_s), false},
	    {"alert_stale_warn_s", "alert_stale_crit_s",
	     offsetof(struct settings, alert_stale_warn_s),
	     offsetof(struct settings, alert_stale_crit_s), false},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		int warn = int_of(s, pairs[i].warn_at);
		int crit = int_of(s, pairs[i].crit_at);
		if (warn <= 0 || crit <= 0 || (pairs[i].low ? warn >= crit : warn <= crit))
			continue;
		snprintf(err, errsize,
		         "%s%s = %d is %s %s = %d: the warning must come before the critical "
		         "level",
		         prefix, pairs[i].warn, warn, pairs[i].low ? "below" : "above",
		         pairs[i].crit, crit);
		return false;
	}
	return true;
}

bool settings_check(const struct settings *s, char *err, size_t errsize)
{
	if (!check_order(s, "", err, errsize))
		return false;
	for (int i = 0; i < s->nqueue_settings; i++) {
		struct settings one = *s;
		struct queue_rules r;
		char prefix[QUEUE_NUMBER_MAX + 16];
		const char *number = s->queue_settings[i].number;
		settings_queue_rules(s, number, &r);
		for (size_t k = 0; k < NQUEUE_KEYS; k++)
			*int_at(&one, queue_keys[k].at) = int_of(&r, queue_keys[k].rule_at);
		snprintf(prefix, sizeof prefix, "queue.%s.", number);
		if (!check_order(&one, prefix, err, errsize))
			return false;
	}
	return true;
}

bool settings_set(struct settings *s, const char *key, const char *value, char *err, size_t errsize)
{
	if (strncmp(key, "queue.", 6) == 0)
		return queue_setting_set(s, key, value, err, errsize);
	const struct key *k = key_find(key);
	if (!k) {
		snprintf(err, errsize, "unknown key '%s'", key);
		return false;
	}
	return key_apply(k, s, value, err, errsize);
}

/* Trim white space at both ends, in place. */
static char *trim(char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = strlen(p);
	while (n > 0 &&
	       (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\n' || p[n - 1] == '\r'))
		p[--n] = '\0';
	return p;
}

bool settings_load(struct settings *s, const char *path, bool must_exist, char *err, size_t errsize)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (!must_exist && errno == ENOENT)
			return true;
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return false;
	}
	struct settings next = *s;
	char line[SETTINGS_PATH_MAX + 128], why[200];
	bool ok = true, has_token = false;
	for (int lineno = 1; ok && fgets(line, sizeof line, f); lineno++) {
		char *p = trim(line);
		if (strlen(line) == sizeof line - 1 && line[sizeof line - 2] != '\n') {
			snprintf(err, errsize, "%s:%d: line too long", path, lineno);
			ok = false;
			break;
		}
		if (*p == '\0' || *p == '#')
			continue;
		char *eq = strchr(p, '=');
		if (!eq) {
			snprintf(err, errsize, "%s:%d: expected key = value", path, lineno);
			ok = false;
			break;
		}
		*eq = '\0';
		char *key = trim(p), *value = trim(eq + 1);
		size_t vn = strlen(value);
		if (vn >= 2 && value[0] == '"' && value[vn - 1] == '"') {
			value[vn - 1] = '\0';
			value++;
		}
		has_token |= strcmp(key, "token") == 0;
		if (!settings_set(&next, key, value, why, sizeof why)) {
			snprintf(err, errsize, "%s:%d: %s", path, lineno, why);
			ok = false;
		}
	}
	struct stat sb;
	if (ok && has_token && fstat(fileno(f), &sb) == 0 && (sb.st_mode & 077))
		notice_warn("configuration holding a token readable by others: chmod 600 %s", path);
	fclose(f);
	if (ok && !settings_check(&next, why, sizeof why)) {
		snprintf(err, errsize, "%s: %s", path, why);
		ok = false;
	}
	if (ok)
		*s = next;
	return ok;
}

void settings_default_path(char *dst, size_t dstsize)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	if (xdg && xdg[0] == '/') /* the XDG rules ignore a relative path */
		snprintf(dst, dstsize, "%s/ctiboard/config", xdg);
	else
		snprintf(dst, dstsize, "%s/.config/ctiboard/config", home ? home : ".");
}

void settings_print_keys(void *stdio_file)
{
	FILE *f = stdio_file;
	for (size_t i = 0; i < NKEYS; i++)
		fprintf(f, "  %-22s %s%s%s%s\n", keys[i].name, keys[i].help,
		        keys[i].def[0] ? " (default " : "", keys[i].def, keys[i].def[0] ? ")" : "");
	fprintf(f, "  %-22s %s\n", "queue.<number>.<key>",
	        "the value of one queue, for these keys:");
	for (size_t i = 0; i < NQUEUE_KEYS; i++)
		fprintf(f, "  %-22s   %s\n", "", queue_keys[i].name);
	fprintf(f, "  %-22s %s\n", "", "e.g. queue.0033972200000.sl_target_s = 30");
}
