/* settings.h: every tunable of the program, with its default, and the configuration file.
 *
 * One table in src/settings.c names each key, its type, its range and its help text; the
 * configuration file parser, the defaults and the man page's list all come from it.
 */
#ifndef CTIBOARD_SETTINGS_H
#define CTIBOARD_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#define SETTINGS_PATH_MAX  1024
#define TOKENS_MAX         16
#define TOKEN_SIZE         40  /* an event token (a GUID, 36 characters) and its NUL, with room */
#define QUEUE_SETTINGS_MAX 256 /* values set for one queue (queue.<number>.<key>) */
#define QUEUE_NUMBER_MAX   32

/* One value set for one queue: "queue.<number>.<key> = value" in the file or with --set. */
struct queue_setting {
	char number[QUEUE_NUMBER_MAX]; /* canonical, as the model's queue numbers */
	unsigned short key;            /* which per-queue key (private to settings.c) */
	int value;
};

enum sl_formula {
	SL_PENALISE_ABANDONS, /* answered within T / (answered + abandoned) */
	SL_ANSWERED_ONLY      /* answered within T / answered */
};

struct settings {
	/* statistics */
	int sl_target_s; /* service-level threshold T */
	enum sl_formula sl_formula;
	int short_abandon_s;   /* abandons quicker than this are counted apart */
	int shift_start_min;   /* "today" starts this many minutes after local midnight */
	int expiry_s;          /* a call or caller with no news for this long is expired */
	int missed_grace_s;    /* end_ringing with no pick-up after this long is a missed call */
	int callback_window_h; /* callers to call back are kept this many hours */
	int interval_min;      /* the day per interval of this many minutes (charts, reports) */
	/* bounds against a hostile feed */
	int max_lines, max_queues, max_calls, max_members, max_agents;
	/* names */
	char names_file[SETTINGS_PATH_MAX];
	/* alerts: 0 disables a threshold */
	int alert_waiting_warn, alert_waiting_crit;
	int alert_wait_warn_s, alert_wait_crit_s;
	int alert_sl_warn, alert_sl_crit; /* percent: alert when below */
	int alert_ring_warn_s, alert_ring_crit_s;
	int alert_stale_warn_s, alert_stale_crit_s;
	int alert_nobody_min; /* the "nobody answering" window, minutes; 0 off */
	/* values set for one queue, over the ones above */
	struct queue_setting queue_settings[QUEUE_SETTINGS_MAX];
	int nqueue_settings;
	/* feed */
	char url[SETTINGS_PATH_MAX];
	bool protocol_v2;
	char token_files[4][SETTINGS_PATH_MAX]; /* "token_file" keys and --token-file */
	int ntoken_files;
	char tokens[TOKENS_MAX][TOKEN_SIZE]; /* "token" keys of the configuration file */
	int ntokens;
	int connect_timeout_s;
	int hold_s; /* expected server hold; request timeout is hold + 20 s */
	int backoff_base_ms, backoff_cap_ms;
	int healthy_reset_s;      /* backoff resets after this long without error */
	int auth_retry_s;         /* retry delay after 401/403 */
	int min_poll_interval_ms; /* rate limit for answers that come back at once */
	int watchdog_s;           /* no event and no successful poll for this long: stale */
	int body_cap_bytes;
	/* OVH API */
	int api_max_per_min; /* request budget */
	int api_timeout_s;   /* one request */
	int api_roster_s;    /* the roster is read again this often */
	int api_status_s;    /* the agents' live status is polled this often */
	bool allow_actions;  /* supervisor actions (api_action.h) may be sent */
	char supervisor_number[QUEUE_NUMBER_MAX]; /* listen and whisper call it (canonical); ""
	                                             unset */
	/* journal */
	char journal_dir[SETTINGS_PATH_MAX]; /* empty: the default XDG place */
	bool journal;
	int journal_keep_days; /* older day files are deleted; 0 keeps all */
	int checkpoint_s;      /* the checkpoint brought up to the journal this often; 0 at exit */
	/* user interface */
	bool color, ascii, mouse, bell, wallboard;
	int rotate_s;
	int kiosk; /* 0 off, 1 quit with confirmation, 2 locked */
	/* integration hooks (hooks.h): empty strings are off */
	char on_ring_url[SETTINGS_PATH_MAX];   /* URL template requested when a call rings */
	bool on_ring_post;                     /* POST the fields as JSON instead of a GET */
	char on_ring_lines[SETTINGS_PATH_MAX]; /* comma-separated numbers; empty: every line */
	char on_ring_cmd[SETTINGS_PATH_MAX];   /* program and arguments run when a call rings */
	char on_alert_url[SETTINGS_PATH_MAX];  /* URL alerts are POSTed to */
	bool on_alert_slack;                   /* {"text": ...} instead of the fields */
	char on_alert_cmd[SETTINGS_PATH_MAX];  /* program run for each alert raised or cleared */
	int on_alert_min_s; /* at most one notification per alert in this many seconds */
	int hook_timeout_s; /* a request or a program that takes longer has failed */
	int hook_workers;   /* requests and programs in flight at most */
	int hook_queue;     /* notifications waiting at most; more are dropped and counted */
	int hook_retries;   /* alert notifications: attempts after the first */
};

/* Fill s with the defaults. */
void settings_defaults(struct settings *s);

/* Apply one "key = value" setting; on error writes a message naming the key to err. */
bool settings_set(struct settings *s, const char *key, const char *value, char *err,
                  size_t errsize);

/* The settings that may differ from one queue to another. */
struct queue_rules {
	int sl_target_s, short_abandon_s;
	int alert_waiting_warn, alert_waiting_crit;
	int alert_wait_warn_s, alert_wait_crit_s;
	int alert_sl_warn, alert_sl_crit;
	int alert_nobody_min;
};

/* The rules of queue number (canonical): the general settings, with the queue's own values
 * over them. */
void settings_queue_rules(const struct settings *s, const char *number, struct queue_rules *out);

/* Refuse thresholds in the wrong order (a warning worse than critical), also as they apply to
 * each queue with values of its own. On error writes which keys to err. */
bool settings_check(const struct settings *s, char *err, size_t errsize);

/* Read a configuration file. A missing file is fine when !must_exist. On error, err says
 * "FILE:LINE: what" (or "FILE: what" for thresholds in the wrong order) and false is returned;
 * nothing of the file is applied then. */
bool settings_load(struct settings *s, const char *path, bool must_exist, char *err,
                   size_t errsize);

/* Default configuration path: $XDG_CONFIG_HOME/ctiboard/config or ~/.config/ctiboard/config. */
void settings_default_path(char *dst, size_t dstsize);

/* Print every key, its default and its help (for --help-config and the man page). */
void settings_print_keys(void *stdio_file);

#endif
