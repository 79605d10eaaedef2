/* hooks.c: screen-pops and alert notifications, sent by worker threads from a bounded queue. */
#include "hooks.h"

#include <cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alerts.h"
#include "clock.h"
#include "hookfmt.h"
#include "model.h"
#include "names.h"
#include "settings.h"
#include "text.h"
#include "thread.h"

extern char **environ;

const char *const hook_ring_fields[] = {"caller",    "caller_name", "called",  "line",
                                        "line_name", "queue",       "call_id", "event"};
const int hook_nring_fields = (int)(sizeof hook_ring_fields / sizeof hook_ring_fields[0]);
const char *const hook_alert_fields[] = {"state", "scope", "id",    "name", "level",
                                         "rule",  "text",  "since", "value"};
const int hook_nalert_fields = (int)(sizeof hook_alert_fields / sizeof hook_alert_fields[0]);

#define LINES_MAX      64   /* numbers in on_ring_lines */
#define POPPED_MAX     4096 /* calls that popped, remembered so that each pops once */
#define RECENT_MAX     256  /* (line, caller) pairs that popped lately */
#define RECENT_NS      (30 * NS_PER_S)
#define ALERT_KEYS_MAX 512
#define TARGET_URL     1u
#define TARGET_CMD     2u
#define RETRY_BASE_NS  NS_PER_S
#define RETRY_CAP_NS   (60 * NS_PER_S)

struct job {
	enum hook_kind kind;
	unsigned targets;      /* TARGET_URL, TARGET_CMD */
	int attempt;           /* 0 for the first */
	int64_t not_before_ns; /* monotonic */
	uint64_t seq;          /* order of arrival */
	int alert;             /* index in alerts[], -1 for a ring or a retry */
	bool held;             /* an alert's later state, held back by on_alert_min_s */
	bool retry;            /* a failed notification tried again: not gated again */
	struct hook_fields fields;
};

/* What was sent for one alert, so that it is notified at most once per on_alert_min_s. */
struct alert_key {
	char key[HOOK_VALUE_MAX];
	int64_t sent_ns; /* monotonic; 0 never */
	char sent_state[16];
	int sent_level;
	char promised_state[16]; /* of the last notification queued to go at once, or sent */
	int promised_level;
	bool busy; /* a worker is sending one of its notifications */
	int64_t used_ns;
};

struct worker {
	pthread_t thread;
	struct hooks *h;
	CURL *curl; /* reused: keeps the connection to the CRM */
};

struct hooks {
	struct model *model;
	const struct names *names;
	bool log_stderr;
	/* configuration */
	char ring_url[SETTINGS_PATH_MAX];
	bool ring_post;
	struct hook_argv ring_cmd;
	char lines[LINES_MAX][NUM_MAX];
	int nlines;
	char alert_url[SETTINGS_PATH_MAX];
	bool alert_slack;
	struct hook_argv alert_cmd;
	int64_t alert_min_ns;
	int timeout_s, retries;
	int devnull;
	/* the queue and the workers' results, under lock */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct job *jobs;
	int njobs, cap_jobs;
	uint64_t next_seq;
	struct alert_key alerts[ALERT_KEYS_MAX];
	struct hook_status status;
	uint64_t logged_dropped;
	uint64_t logged_failed; /* failures already written into the model's event log */
	int busy;               /* jobs taken by a worker and not finished */
	atomic_bool stop;
	struct worker *workers;
	int nworkers;
	/* once per call: touched only by the observer, under the model's lock */
	uint64_t popped[POPPED_MAX];
	unsigned popped_next;
	struct {
		uint64_t key;
		int64_t t_ns;
	} recent[RECENT_MAX];
	unsigned recent_next;
};

/* ---- configuration ---- */

bool hooks_configured(const struct settings *s)
{
	return s->on_ring_url[0] || s->on_ring_cmd[0] || s->on_alert_url[0] || s->on_alert_cmd[0];
}

/* The program of a command as execve() wants it: a path, found in PATH when it has no '/'. */
static bool resolve_program(struct hook_argv *a, char *err, size_t errsize)
{
	if (strchr(a->argv[0], '/')) {
		if (access(a->argv[0], X_OK) == 0)
			return true;
		snprintf(err, errsize, "%s: %s", a->argv[0], strerror(errno));
		return false;
	}
	const char *path = getenv("PATH");
	char dir[SETTINGS_PATH_MAX], full[2 * SETTINGS_PATH_MAX];
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(dir, sizeof dir, "%.*s", (int)n, p);
		p += n + (p[n] == ':');
		if (!dir[0])
			continue;
		snprintf(full, sizeof full, "%s/%s", dir, a->argv[0]);
		if (access(full, X_OK) == 0) {
			char *copy = strdup(full);
			if (!copy)
				break;
			free(a->argv[0]);
			a->argv[0] = copy;
			return true;
		}
	}
	snprintf(err, errsize, "%s: not found in PATH", a->argv[0]);
	return false;
}

/* Parse a command setting into a; names the key in err. */
static bool command_setting(const char *key, const char *cmd, const char *const *names, int n,
                            struct hook_argv *a, char *err, size_t errsize)
{
	char why[SETTINGS_PATH_MAX + 64];
	if (!hook_argv_parse(cmd, names, n, a, why, sizeof why) ||
	    !resolve_program(a, why, sizeof why)) {
		hook_argv_free(a);
		snprintf(err, errsize, "%s: %s", key, why);
		return false;
	}
	return true;
}

static bool url_setting(const char *key, const char *url, const char *const *names, int n,
                        char *err, size_t errsize)
{
	char why[256];
	if (url[0] && !hook_url_check(url, names, n, why, sizeof why)) {
		snprintf(err, errsize, "%s: %s", key, why);
		return false;
	}
	return true;
}

/* on_ring_lines into canonical numbers. */
static bool lines_setting(const char *list, char lines[][NUM_MAX], int *n, char *err,
                          size_t errsize)
{
	*n = 0;
	for (const char *p = list; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		size_t len = strcspn(p, ",");
		if (len) {
			char raw[64];
			if (*n == LINES_MAX || len >= sizeof raw) {
				snprintf(err, errsize,
				         "on_ring_lines: more than %d numbers or one too long",
				         LINES_MAX);
				return false;
			}
			snprintf(raw, sizeof raw, "%.*s", (int)len, p);
			phone_normalize(lines[*n], NUM_MAX, raw);
			(*n)++;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return true;
}

/* Read the settings into h (h may be a scratch one, for hooks_check). */
static bool configure(struct hooks *h, const struct settings *s, char *err, size_t errsize)
{
	if (!url_setting("on_ring_url", s->on_ring_url, hook_ring_fields, hook_nring_fields, err,
	                 errsize) ||
	    !url_setting("on_alert_url", s->on_alert_url, hook_alert_fields, hook_nalert_fields,
	                 err, errsize) ||
	    !lines_setting(s->on_ring_lines, h->lines, &h->nlines, err, errsize))
		return false;
	if (s->on_ring_cmd[0] && !command_setting("on_ring_cmd", s->on_ring_cmd, hook_ring_fields,
	                                          hook_nring_fields, &h->ring_cmd, err, errsize))
		return false;
	if (s->on_alert_cmd[0] &&
	    !command_setting("on_alert_cmd", s->on_alert_cmd, hook_alert_fields, hook_nalert_fields,
	                     &h->alert_cmd, err, errsize)) {
		hook_argv_free(&h->ring_cmd);
		return false;
	}
	text_copy(h->ring_url, sizeof h->ring_url, s->on_ring_url);
	text_copy(h->alert_url, sizeof h->alert_url, s->on_alert_url);
	h->ring_post = s->on_ring_post;
	h->alert_slack = s->on_alert_slack;
	h->alert_min_ns = (int64_t)s->on_alert_min_s * NS_PER_S;
	h->timeout_s = s->hook_timeout_s;
	h->retries = s->hook_retries;
	return true;
}

bool hooks_check(const struct settings *s, char *err, size_t errsize)
{
	struct hooks *h = calloc(1, sizeof *h);
	if (!h) {
		snprintf(err, errsize, "out of memory");
		return false;
	}
	bool ok = configure(h, s, err, errsize);
	hook_argv_free(&h->ring_cmd);
	hook_argv_free(&h->alert_cmd);
	free(h);
	return ok;
}

/* ---- the queue (lock held) ---- */

/* Queue a job; false (and counted as dropped) when the queue is full. */
static bool push_locked(struct hooks *h, const struct job *j)
{
	if (h->njobs == h->cap_jobs) {
		h->status.dropped[j->kind]++;
		return false;
	}
	struct job *slot = &h->jobs[h->njobs++];
	*slot = *j;
	if (!j->retry) /* a retry keeps its place before the alert's later states */
		slot->seq = h->next_seq++;
	pthread_cond_signal(&h->cond);
	return true;
}

/* May job i go now? The notifications of one alert go one at a time, in order. */
static bool in_turn(const struct hooks *h, int i)
{
	const struct job *j = &h->jobs[i];
	if (j->alert < 0)
		return true;
	if (h->alerts[j->alert].busy)
		return false;
	for (int k = 0; k < h->njobs; k++)
		if (h->jobs[k].alert == j->alert && h->jobs[k].seq < j->seq)
			return false;
	return true;
}

/* Take the oldest job that is due at now into *out; else the time the next one is due (or
 * INT64_MAX when there is none) in *wake_ns. */
static bool pop_locked(struct hooks *h, int64_t now, struct job *out, int64_t *wake_ns)
{
	int best = -1;
	*wake_ns = INT64_MAX;
	for (int i = 0; i < h->njobs; i++) {
		const struct job *j = &h->jobs[i];
		if (!in_turn(h, i))
			continue; /* woken again when the alert's notification in flight is done */
		if (j->not_before_ns > now) {
			if (j->not_before_ns < *wake_ns)
				*wake_ns = j->not_before_ns;
		} else if (best < 0 || j->seq < h->jobs[best].seq) {
			best = i;
		}
	}
	if (best < 0)
		return false;
	*out = h->jobs[best];
	h->jobs[best] = h->jobs[--h->njobs];
	if (out->alert >= 0)
		h->alerts[out->alert].busy = true;
	return true;
}

/* ---- sending ---- */

static const char *kind_word(enum hook_kind k)
{
	return k == HOOK_RING ? "ring" : "alert";
}

/* libcurl's progress callback: abort a transfer when the hooks stop. */
static int on_progress(void *ctx, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	(void)dt, (void)dn, (void)ut, (void)un;
	const struct hooks *h = ctx;
	return atomic_load(&h->stop) ? 1 : 0;
}

/* The answer's body is not wanted. */
static size_t discard(char *data, size_t size, size_t n, void *ctx) /* NOLINT: curl's type */
{
	(void)data, (void)ctx;
	return size * n;
}

/* One line for a chat room: "CRITICAL: Support: 12 callers waiting", "Cleared (was critical):
 * ...". */
static void alert_line(char *dst, size_t dstsize, const struct hook_fields *f)
{
	const char *state = hook_field_get(f, "state"), *level = hook_field_get(f, "level");
	const char *text = hook_field_get(f, "text");
	char upper[16];
	size_t n = 0;
	for (; level && level[n] && n + 1 < sizeof upper; n++)
		upper[n] =
		    (char)(level[n] >= 'a' && level[n] <= 'z' ? level[n] - 'a' + 'A' : level[n]);
	upper[n] = '\0';
	if (state && strcmp(state, "cleared") == 0)
		snprintf(dst, dstsize, "Cleared (was %s): %s", level ? level : "",
		         text ? text : "");
	else
		snprintf(dst, dstsize, "%s: %s", upper, text ? text : "");
}

/* One request; on failure why says what went wrong (never the URL's path or query). */
static bool send_request(struct worker *w, const struct job *j, char *why, size_t whysize)
{
	const struct hooks *h = w->h;
	const char *tmpl = j->kind == HOOK_RING ? h->ring_url : h->alert_url;
	bool post = j->kind == HOOK_ALERT || h->ring_post;
	char origin[160], *url = hook_url_expand(tmpl, &j->fields), *body = NULL;
	hook_url_origin(tmpl, origin, sizeof origin);
	if (post && url) {
		char text[2 * HOOK_VALUE_MAX];
		if (j->kind == HOOK_ALERT && h->alert_slack)
			alert_line(text, sizeof text, &j->fields);
		body = hook_json(&j->fields, j->kind == HOOK_ALERT && h->alert_slack ? text : NULL);
	}
	if (!url || (post && !body)) {
		snprintf(why, whysize, "%s hook %s: out of memory", kind_word(j->kind), origin);
		free(url);
		cJSON_free(body);
		return false;
	}

	CURL *c = w->curl;
	struct curl_slist *headers = NULL;
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)h->timeout_s);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)h->timeout_s);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "ctiboard/" CTIBOARD_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, w->h);
	if (post) {
		headers = curl_slist_append(NULL, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	}
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(headers);
	free(url);
	cJSON_free(body);
	if (rc == CURLE_OK && status >= 200 && status < 300)
		return true;
	if (rc == CURLE_OPERATION_TIMEDOUT)
		snprintf(why, whysize, "%s hook %s: no answer in %d s", kind_word(j->kind), origin,
		         h->timeout_s);
	else if (rc != CURLE_OK)
		snprintf(why, whysize, "%s hook %s: %s", kind_word(j->kind), origin,
		         curl_easy_strerror(rc));
	else
		snprintf(why, whysize, "%s hook %s: HTTP %ld", kind_word(j->kind), origin, status);
	return false;
}

/* The child side of a command: signals as a fresh program expects them, no terminal, none of
 * this process's files. Only async-signal-safe calls between fork() and execve(). */
static _Noreturn void exec_child(int devnull, char **argv, char **envp)
{
	sigset_t none;
	struct sigaction dfl;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGPIPE, &dfl, NULL);
	sigemptyset(&none);
	pthread_sigmask(SIG_SETMASK, &none, NULL);
	dup2(devnull, 0);
	dup2(devnull, 1);
	dup2(devnull, 2);
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	execve(argv[0], argv, envp);
	_exit(127);
}

/* Run a command to its end, or kill it at the timeout or when the hooks stop. */
static bool run_command(struct hooks *h, const struct job *j, char *why, size_t whysize)
{
	const struct hook_argv *a = j->kind == HOOK_RING ? &h->ring_cmd : &h->alert_cmd;
	char **argv = hook_argv_expand(a, &j->fields);
	char **envp = hook_envp(&j->fields, environ);
	pid_t pid = argv && envp ? fork() : -1;
	if (pid == 0)
		exec_child(h->devnull, argv, envp);
	hook_strv_free(argv);
	hook_strv_free(envp);
	if (pid < 0) {
		snprintf(why, whysize, "%s command %s: cannot start: %s", kind_word(j->kind),
		         a->argv[0], strerror(errno));
		return false;
	}
	int64_t deadline = mono_now_ns() + (int64_t)h->timeout_s * NS_PER_S;
	int status = 0;
	bool killed = false;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			break;
		if (!killed && (mono_now_ns() > deadline || atomic_load(&h->stop))) {
			kill(pid, SIGKILL);
			killed = true;
		}
		struct timespec tick = {0, 10 * 1000000};
		nanosleep(&tick, NULL);
	}
	if (killed)
		snprintf(why, whysize, "%s command %s: still running after %d s, killed",
		         kind_word(j->kind), a->argv[0], h->timeout_s);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	else if (WIFEXITED(status))
		snprintf(why, whysize, "%s command %s: exit status %d", kind_word(j->kind),
		         a->argv[0], WEXITSTATUS(status));
	else
		snprintf(why, whysize, "%s command %s: killed by signal %d", kind_word(j->kind),
		         a->argv[0], WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return false;
}

/* Copy the results into the model, where the header, the snapshot and the metrics read them. */
static void publish(struct hooks *h)
{
	pthread_mutex_lock(&h->lock);
	struct hook_status st = h->status;
	uint64_t dropped = 0;
	for (int k = 0; k < HOOK_KINDS; k++)
		dropped += st.dropped[k];
	uint64_t newly_dropped = dropped - h->logged_dropped;
	h->logged_dropped = dropped;
	uint64_t failed = st.failed[HOOK_RING] + st.failed[HOOK_ALERT];
	bool newly_failed = failed != h->logged_failed;
	h->logged_failed = failed;
	pthread_mutex_unlock(&h->lock);
	if (newly_dropped && h->log_stderr)
		fprintf(stderr, "ctiboard: hooks: %llu notification%s dropped (queue full)\n",
		        (unsigned long long)newly_dropped, newly_dropped > 1 ? "s" : "");
	model_set_hooks(h->model, &st, newly_failed ? st.last_error : NULL);
}

/* Count one target's result; a failed alert is tried again later while retries remain. */
static void finish(struct hooks *h, const struct job *j, unsigned target, bool ok, const char *why)
{
	pthread_mutex_lock(&h->lock);
	if (ok) {
		h->status.sent[j->kind]++;
	} else if (j->kind == HOOK_ALERT && j->attempt < h->retries) {
		struct job again = *j;
		int64_t delay = RETRY_BASE_NS << (j->attempt < 6 ? j->attempt : 6);
		again.targets = target;
		again.attempt++;
		again.retry = true; /* the same notification: not gated again */
		again.held = false;
		again.not_before_ns = mono_now_ns() + (delay < RETRY_CAP_NS ? delay : RETRY_CAP_NS);
		push_locked(h, &again);
	} else {
		h->status.failed[j->kind]++;
		h->status.last_error_ns = wall_now_ns();
		text_copy(h->status.last_error, sizeof h->status.last_error, why);
	}
	pthread_mutex_unlock(&h->lock);
	if (!ok && h->log_stderr)
		fprintf(stderr, "ctiboard: %s%s\n", why,
		        j->kind == HOOK_ALERT && j->attempt < h->retries ? " (will retry)" : "");
}

/* 0 none, 1 warning, 2 critical: the order of the levels' names. */
static int alert_level_rank(const char *name)
{
	for (int l = ALERT_NONE; l <= ALERT_CRIT; l++)
		if (name && strcmp(name, alert_level_name((enum alert_level)l)) == 0)
			return l;
	return ALERT_NONE;
}

/* An alert job as it leaves the queue: skipped when it would repeat what was last sent (a
 * raise and its clear both came within on_alert_min_s), else recorded as sent now. */
static bool alert_still_news(struct hooks *h, const struct job *j)
{
	if (j->alert < 0 || j->retry)
		return true;
	struct alert_key *a = &h->alerts[j->alert];
	const char *state = hook_field_get(&j->fields, "state");
	int level = alert_level_rank(hook_field_get(&j->fields, "level"));
	if (a->sent_ns && strcmp(a->sent_state, state ? state : "") == 0 && a->sent_level == level)
		return false;
	a->sent_ns = mono_now_ns();
	a->sent_level = level;
	text_copy(a->sent_state, sizeof a->sent_state, state ? state : "");
	if (j->held) { /* nothing was queued after it: it is the latest the receiver will see */
		a->promised_level = level;
		text_copy(a->promised_state, sizeof a->promised_state, state ? state : "");
	}
	return true;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct hooks *h = w->h;
	pthread_mutex_lock(&h->lock);
	while (!atomic_load(&h->stop)) {
		struct job j;
		int64_t wake;
		if (!pop_locked(h, mono_now_ns(), &j, &wake)) {
			if (wake == INT64_MAX) {
				pthread_cond_wait(&h->cond, &h->lock);
			} else {
				struct timespec until = {(time_t)(wake / NS_PER_S),
				                         (long)(wake % NS_PER_S)};
				pthread_cond_timedwait(&h->cond, &h->lock, &until);
			}
			continue;
		}
		bool news = alert_still_news(h, &j);
		h->busy++;
		pthread_mutex_unlock(&h->lock);
		char why[512];
		if (news && (j.targets & TARGET_URL)) {
			bool ok = send_request(w, &j, why, sizeof why);
			finish(h, &j, TARGET_URL, ok, why);
		}
		if (news && (j.targets & TARGET_CMD) && !atomic_load(&h->stop)) {
			bool ok = run_command(h, &j, why, sizeof why);
			finish(h, &j, TARGET_CMD, ok, why);
		}
		publish(h);
		pthread_mutex_lock(&h->lock);
		if (j.alert >= 0)
			h->alerts[j.alert].busy = false;
		h->busy--;
		pthread_cond_broadcast(&h->cond); /* hooks_drain() may be waiting for this */
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

/* ---- ringing ---- */

static uint64_t hash_add(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return (h ^ 0xff) * 0x100000001b3ULL; /* a separator, so that "ab","c" != "a","bc" */
}

/* Has this key popped already? Remember it if not. */
static bool popped_before(struct hooks *h, uint64_t key)
{
	for (int i = 0; i < POPPED_MAX; i++)
		if (h->popped[i] == key)
			return true;
	h->popped[h->popped_next] = key;
	h->popped_next = (h->popped_next + 1) % POPPED_MAX;
	return false;
}

/* Did the same caller pop on the same line lately? With a token that covers both, a queue's
 * offer to an agent and the ringing of the agent's line are one ring on one desk. */
static bool popped_lately(struct hooks *h, const char *line, const char *caller, int64_t t)
{
	uint64_t key = hash_add(hash_add(0xcbf29ce484222325ULL, line), caller);
	for (int i = 0; i < RECENT_MAX; i++)
		if (h->recent[i].key == key && t - h->recent[i].t_ns < RECENT_NS &&
		    t >= h->recent[i].t_ns)
			return true;
	h->recent[h->recent_next].key = key;
	h->recent[h->recent_next].t_ns = t;
	h->recent_next = (h->recent_next + 1) % RECENT_MAX;
	return false;
}

static bool line_wanted(const struct hooks *h, const char *line, const char *queue)
{
	if (h->nlines == 0)
		return true;
	for (int i = 0; i < h->nlines; i++)
		if (strcmp(h->lines[i], line) == 0 || (queue[0] && strcmp(h->lines[i], queue) == 0))
			return true;
	return false;
}

/* The name of a line: from the event, the model, or the names file. */
static const char *line_name(const struct hooks *h, const struct model_state *st,
                             const char *number, const char *from_event)
{
	if (from_event && from_event[0])
		return from_event;
	const struct line *l = state_find_line(st, number);
	if (l && l->description[0])
		return l->description;
	const char *n = names_lookup(h->names, number);
	return n ? n : "";
}

/* The model's observer: the first ring of an incoming call, or a queue's offer to an agent,
 * queues a screen-pop. Runs under the model's lock: it copies, it never waits. */
static void observe(void *ctx, const struct model_state *st, const struct event *ev,
                    struct hook_status *shown)
{
	struct hooks *h = ctx;
	struct job j = {.kind = HOOK_RING, .alert = -1};
	const char *line, *caller, *queue = "", *name = "", *lname, *called, *id;
	uint64_t key = 0xcbf29ce484222325ULL;
	if (st->startup.active) /* the journal replayed at start-up: history, popped before */
		return;
	if (ev->kind == EV_START_RINGING) {
		line = ev->resource;
		caller = ev->calling;
		called = ev->called;
		id = ev->call_id;
		if (strcmp(caller, line) == 0) /* the line's own outgoing call */
			return;
		lname = line_name(h, st, line, ev->description);
		key = hash_add(hash_add(hash_add(key, "ring"), line), id);
	} else if (ev->kind == EV_AGENT_OFFERING) {
		line = ev->agent;
		caller = ev->member_number;
		queue = ev->resource;
		name = ev->member_name;
		called = ev->called[0] ? ev->called : queue;
		id = ev->member_uuid;
		lname = line_name(h, st, line, NULL);
		key = hash_add(hash_add(hash_add(hash_add(key, "offer"), queue), id), line);
	} else {
		return;
	}
	if (!line_wanted(h, line, queue) || popped_before(h, key) ||
	    popped_lately(h, line, caller, event_time_ns(ev)))
		return;
	if (!name[0] || strcmp(name, caller) == 0) {
		const char *known = names_lookup(h->names, caller);
		name = known ? known : name;
	}
	j.targets = (h->ring_url[0] ? TARGET_URL : 0) | (h->ring_cmd.argc ? TARGET_CMD : 0);
	hook_field_set(&j.fields, "caller", caller, false);
	hook_field_set(&j.fields, "caller_name", name, false);
	hook_field_set(&j.fields, "called", called, false);
	hook_field_set(&j.fields, "line", line, false);
	hook_field_set(&j.fields, "line_name", lname, false);
	hook_field_set(&j.fields, "queue", queue, false);
	hook_field_set(&j.fields, "call_id", id, false);
	hook_field_set(&j.fields, "event", event_kind_name(ev->kind), false);
	j.not_before_ns = mono_now_ns();
	pthread_mutex_lock(&h->lock);
	if (!push_locked(h, &j)) {
		/* shown at once, even while every worker is stuck (the model's lock is held) */
		shown->dropped[HOOK_RING] = h->status.dropped[HOOK_RING];
	}
	pthread_mutex_unlock(&h->lock);
}

/* ---- alerts ---- */

/* The queued job of alert slot, held back or not; NULL when there is none. Lock held. */
static struct job *find_alert_job(struct hooks *h, int slot, bool held)
{
	for (int i = 0; i < h->njobs; i++)
		if (h->jobs[i].alert == slot && h->jobs[i].held == held && !h->jobs[i].retry)
			return &h->jobs[i];
	return NULL;
}

/* Is a notification of alert slot queued, retried or in flight? Lock held. */
static bool alert_pending(const struct hooks *h, int slot)
{
	if (h->alerts[slot].busy)
		return true;
	for (int i = 0; i < h->njobs; i++)
		if (h->jobs[i].alert == slot)
			return true;
	return false;
}

/* The record of an alert key, created (or the least recently used one recycled). Lock held. */
static int alert_slot(struct hooks *h, const char *key, int64_t now)
{
	int oldest = -1;
	for (int i = 0; i < ALERT_KEYS_MAX; i++) {
		struct alert_key *a = &h->alerts[i];
		if (a->used_ns && strcmp(a->key, key) == 0) {
			a->used_ns = now;
			return i;
		}
		if (!alert_pending(h, i) && (oldest < 0 || a->used_ns < h->alerts[oldest].used_ns))
			oldest = i;
	}
	if (oldest < 0)
		return -1;
	struct alert_key *a = &h->alerts[oldest];
	memset(a, 0, sizeof *a);
	text_copy(a->key, sizeof a->key, key);
	a->used_ns = now;
	return oldest;
}

/* Queue a notification for the alert key; at most one per on_alert_min_s, except an alert
 * turning worse (urgent), which goes at once. Lock held. */
static void queue_alert_locked(struct hooks *h, const char *key, const struct hook_fields *f,
                               bool urgent)
{
	int64_t now = mono_now_ns();
	int slot = alert_slot(h, key, now);
	if (slot < 0) {
		h->status.dropped[HOOK_ALERT]++;
		return;
	}
	struct alert_key *a = &h->alerts[slot];
	const char *state = hook_field_get(f, "state");
	struct job *held = find_alert_job(h, slot, true);
	if (urgent) {
		text_copy(a->promised_state, sizeof a->promised_state, state ? state : "");
		a->promised_level = alert_level_rank(hook_field_get(f, "level"));
	}
	if (held) {
		/* a later state already waits for the window: the latest replaces it */
		held->fields = *f;
		if (urgent) {
			held->not_before_ns = now;
			held->held = false;
		}
		pthread_cond_signal(&h->cond);
		return;
	}
	int64_t gate = a->sent_ns ? a->sent_ns + h->alert_min_ns : 0;
	struct job j = {.kind = HOOK_ALERT, .alert = slot, .fields = *f};
	j.targets = (h->alert_url[0] ? TARGET_URL : 0) | (h->alert_cmd.argc ? TARGET_CMD : 0);
	if (alert_pending(h, slot)) /* one is about to go: this one waits after it */
		gate = now + h->alert_min_ns > gate ? now + h->alert_min_ns : gate;
	j.not_before_ns = urgent || gate <= now ? now : gate;
	j.held = j.not_before_ns > now;
	if (!j.held) {
		text_copy(a->promised_state, sizeof a->promised_state, state ? state : "");
		a->promised_level = alert_level_rank(hook_field_get(f, "level"));
	}
	push_locked(h, &j);
}

/* The name of an alert's subject: a queue's or line's description, else the names file's. */
static const char *alert_subject(const struct hooks *h, const struct alert *a)
{
	const struct model_state *st = model_state_held(h->model); /* an alert hook: lock held */
	const char *name = NULL;
	if (a->scope == ALERT_SCOPE_QUEUE) {
		const struct queue *q = state_find_queue(st, a->id);
		name = q && q->description[0] ? q->description : NULL;
	} else if (a->scope == ALERT_SCOPE_LINE) {
		const struct line *l = state_find_line(st, a->id);
		name = l && l->description[0] ? l->description : NULL;
	} else if (a->scope == ALERT_SCOPE_TOTAL) {
		name = "All queues";
	}
	if (!name)
		name = names_lookup(h->names, a->id);
	return name ? name : a->id;
}

void hooks_alert_changed(const struct alert *a, enum alert_change change, void *ctx)
{
	struct hooks *h = ctx;
	if (!h || (!h->alert_url[0] && !h->alert_cmd.argc))
		return;
	struct hook_fields f = {0};
	char since[24], value[24], key[HOOK_VALUE_MAX];
	snprintf(since, sizeof since, "%lld", (long long)a->since_s);
	snprintf(value, sizeof value, "%lld", (long long)a->value);
	hook_field_set(&f, "state", change == ALERT_CLEARED ? "cleared" : "raised", false);
	hook_field_set(&f, "scope", alert_scope_name(a->scope), false);
	hook_field_set(&f, "id", a->id, false);
	hook_field_set(&f, "name", alert_subject(h, a), false);
	hook_field_set(&f, "level", alert_level_name(a->level), false);
	hook_field_set(&f, "rule", alert_rule_name(a->rule), false);
	hook_field_set(&f, "text", a->text, false);
	hook_field_set(&f, "since", since, true);
	hook_field_set(&f, "value", value, true);
	snprintf(key, sizeof key, "%s/%s/%s", alert_scope_name(a->scope), a->id,
	         alert_rule_name(a->rule));
	pthread_mutex_lock(&h->lock);
	int slot = -1;
	for (int i = 0; i < ALERT_KEYS_MAX && slot < 0; i++)
		if (h->alerts[i].used_ns && strcmp(h->alerts[i].key, key) == 0)
			slot = i;
	/* turning worse than what was last sent, or is about to be, goes out at once */
	bool urgent = change != ALERT_CLEARED &&
	              (slot < 0 || strcmp(h->alerts[slot].promised_state, "raised") != 0 ||
	               (int)a->level > h->alerts[slot].promised_level);
	queue_alert_locked(h, key, &f, urgent);
	pthread_mutex_unlock(&h->lock);
}

/* ---- life cycle ---- */

struct hooks *hooks_start(struct model *m, const struct settings *s, const struct names *names,
                          bool log_stderr, char *err, size_t errsize)
{
	struct hooks *h = calloc(1, sizeof *h);
	if (!h) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	if (!configure(h, s, err, errsize)) {
		free(h);
		return NULL;
	}
	h->model = m;
	h->names = names;
	h->log_stderr = log_stderr;
	h->cap_jobs = s->hook_queue;
	h->jobs = calloc((size_t)h->cap_jobs, sizeof *h->jobs);
	h->workers = calloc((size_t)s->hook_workers, sizeof *h->workers);
	h->devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	cond_init_monotonic(&h->cond);
	pthread_mutex_init(&h->lock, NULL);
	if (!h->jobs || !h->workers || h->devnull < 0) {
		snprintf(err, errsize, "hooks: cannot start: %s", strerror(errno));
		hooks_stop(h);
		return NULL;
	}
	for (int i = 0; i < s->hook_workers; i++) {
		struct worker *w = &h->workers[i];
		w->h = h;
		if (!(w->curl = curl_easy_init()) ||
		    thread_start(&w->thread, worker_main, w) != 0) {
			curl_easy_cleanup(w->curl);
			snprintf(err, errsize, "hooks: cannot start a worker");
			hooks_stop(h);
			return NULL;
		}
		h->nworkers++;
	}
	if (h->ring_url[0] || h->ring_cmd.argc) {
		model_set_observer(m, observe, h);
	}
	return h;
}

/* Jobs in a worker's hands, or queued to go before deadline. Lock held. */
static int pending_before(const struct hooks *h, int64_t deadline)
{
	int n = h->busy;
	for (int i = 0; i < h->njobs; i++)
		n += h->jobs[i].not_before_ns < deadline;
	return n;
}

bool hooks_drain(struct hooks *h, int timeout_ms)
{
	if (!h)
		return true;
	int64_t deadline = mono_now_ns() + (int64_t)timeout_ms * 1000000;
	pthread_mutex_lock(&h->lock);
	while (pending_before(h, deadline)) {
		int64_t now = mono_now_ns();
		if (now >= deadline)
			break;
		int64_t until_ns = now + NS_PER_S / 20 < deadline ? now + NS_PER_S / 20 : deadline;
		struct timespec until = {(time_t)(until_ns / NS_PER_S),
		                         (long)(until_ns % NS_PER_S)};
		pthread_cond_timedwait(&h->cond, &h->lock, &until);
	}
	bool done = pending_before(h, deadline) == 0;
	pthread_mutex_unlock(&h->lock);
	return done;
}

void hooks_stop(struct hooks *h)
{
	if (!h)
		return;
	if (h->model) {
		model_clear_observer(h->model, h);
	}
	pthread_mutex_lock(&h->lock);
	atomic_store(&h->stop, true);
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	for (int i = 0; i < h->nworkers; i++) {
		pthread_join(h->workers[i].thread, NULL);
		curl_easy_cleanup(h->workers[i].curl);
	}
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->lock);
	if (h->devnull >= 0)
		close(h->devnull);
	hook_argv_free(&h->ring_cmd);
	hook_argv_free(&h->alert_cmd);
	free(h->workers);
	free(h->jobs);
	free(h);
}
