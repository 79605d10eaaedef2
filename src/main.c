/* main.c: the command line; wires a source (live feed, replay or demo) to the model, the
 * journal, the snapshot writer and the user interface, and takes them down in order. */
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "checkpointer.h"
#include "commands.h"
#include "feed.h"
#include "hooks.h"
#include "journal.h"
#include "json_arena.h"
#include "metrics.h"
#include "model.h"
#include "names.h"
#include "notice.h"
#include "ovh_conf.h"
#include "redact.h"
#include "report.h"
#include "roster.h"
#include "settings.h"
#include "sim.h"
#include "snapshot.h"
#include "startup.h"
#include "statelog.h"
#include "text.h"
#include "thread.h"
#include "ticker.h"
#include "ui.h"
#include "wake.h"

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t stop_signal; /* the signal that asked to stop; 0 none */
static int signal_wake_fd = -1;

struct options {
	const char *config;
	const char *replay;
	double speed;
	bool demo;
	uint64_t seed;
	double demo_rate;
	double demo_duration;
	bool headless;
	const char *snapshot;
	bool journal_given; /* --journal DIR on the command line */
	bool list_keys;
	bool no_api;
	bool hooks;          /* --hooks: fire the hooks in a replay or the demo too */
	const char *metrics; /* --metrics ADDR:PORT */
	/* options given that belong to one source only: refused with another */
	const char *demo_only, *replay_only, *live_only;
};

static const char usage_text[] =
    "Usage: ctiboard [OPTION]...\n"
    "       ctiboard report [OPTION]... [FILE]...\n"
    "       ctiboard api login [--actions]\n"
    "       ctiboard token list|create|revoke [--billing-account NAME] [--service NAME]\n"
    "A terminal dashboard for OVH telephony events: ringing lines, calls, queues.\n"
    "\n"
    "Commands (OVH API credentials from OVH_* variables or ovh.conf; see --help of each):\n"
    "  api login              get a consumer key for the OVH API and store it in ovh.conf\n"
    "  token list|create|revoke   the event tokens of a billing account; create appends\n"
    "                         the new token to $XDG_CONFIG_HOME/ctiboard/tokens\n"
    "\n"
    "Sources (live by default; tokens from CTIBOARD_TOKEN or --token-file, never argv):\n"
    "  --demo                 run on the built-in simulated call centre (no token)\n"
    "  --seed N               demo: random seed (same seed, same day)\n"
    "  --demo-rate X          demo: simulated seconds per real second (default 1)\n"
    "  --demo-duration S      demo: stop after S simulated seconds (headless runs); the\n"
    "                         first 7200 (08:00-10:00) pass at once, the rest at --demo-rate\n"
    "  --replay FILE          replay a journal (or a file of V1 envelopes, one a line)\n"
    "  --speed X              replay: 1 real time, 10 ten times faster, 0 at once\n"
    "  --url URL              event stream endpoint (default https://events.voip.ovh.net/)\n"
    "  --token-file FILE      file of tokens, one a line (repeatable; default\n"
    "                         $XDG_CONFIG_HOME/ctiboard/tokens when no token is given)\n"
    "  --protocol v1|v2       event protocol (default v1)\n"
    "  --no-api               do not read the roster and agents' status from the OVH API\n"
    "                         (read when OVH API credentials are there)\n"
    "  --allow-actions        let the Agents view set an agent available (A), on break (B)\n"
    "                         or logged out (L), and the Live calls view listen to (L),\n"
    "                         whisper into (W) or hang up (H) a call, through the OVH API,\n"
    "                         each confirmed; needs the rights of `ctiboard api login\n"
    "                         --actions`; never in kiosk\n"
    "\n"
    "Output:\n"
    "  --headless             no user interface; feed and journal changes, and each alert\n"
    "                         raised, changed or cleared, on stderr\n"
    "  --snapshot FILE        keep FILE (a regular file, 0600) up to date with the model as JSON\n"
    "  --journal DIR          journal directory (default $XDG_STATE_HOME/ctiboard)\n"
    "  --no-journal           keep no journal\n"
    "  --metrics [ADDR:]PORT  serve Prometheus metrics on http://ADDR:PORT/metrics\n"
    "                         (loopback unless ADDR is given)\n"
    "  --hooks                run the on_ring_* and on_alert_* hooks in a replay or the demo\n"
    "                         too (a live run always does)\n"
    "\n"
    "Display:\n"
    "  --wallboard            start in wallboard mode (big digits for a TV)\n"
    "  --rotate N             wallboard pages rotate every N seconds\n"
    "  --kiosk[=locked]       read-only: only q (with confirmation), or no key nor Ctrl-C\n"
    "  --no-color             monochrome (also NO_COLOR=1)\n"
    "  --ascii                ASCII lines instead of Unicode box drawing\n"
    "  --no-mouse             ignore the mouse\n"
    "  --bell                 ring the bell when an alert turns critical\n"
    "\n"
    "Configuration:\n"
    "  --config FILE          configuration file (default $XDG_CONFIG_HOME/ctiboard/config)\n"
    "  --names FILE           CSV of number,name to show names instead of numbers\n"
    "  --set KEY=VALUE        set a configuration key (see --list-keys), token excepted\n"
    "  --list-keys            list the configuration keys with their defaults\n"
    "  --help, --version\n"
    "\n"
    "Reports: ctiboard report --help (the day by queue, agent, line, interval or callback).\n"
    "Keys: press ? in the program. Manual: man ctiboard.\n";

/* A bad command line: one line naming the problem, a hint, exit 2. */
__attribute__((format(printf, 1, 2))) static _Noreturn void usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "ctiboard: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nTry 'ctiboard --help'.\n");
	va_end(ap);
	exit(2);
}

/* A failure at start-up: one line on stderr (the screen is not set up yet), exit 1. */
static _Noreturn void fatal(const char *what)
{
	fprintf(stderr, "ctiboard: %s\n", what);
	exit(1);
}

/* A number option within [min, max], or exit 2 naming it. */
static double parse_number_option(const char *name, const char *v, double min, double max)
{
	char *end;
	if (!v) /* getopt gives required arguments, but say so to the analyser */
		v = "";
	errno = 0;
	double d = strtod(v, &end);
	if (errno || end == v || *end || !isfinite(d) || d < min || d > max) {
		fprintf(stderr, "ctiboard: %s: expected a number from %g to %g\n", name, min, max);
		fprintf(stderr, "Try 'ctiboard --help'.\n");
		exit(2);
	}
	return d;
}

/* Apply one setting from the command line, or exit 2 naming it. */
static void set_or_die(struct settings *s, const char *key, const char *value)
{
	char err[256];
	if (!settings_set(s, key, value, err, sizeof err))
		usage_error("%s", err);
}

enum {
	OPT_DEMO = 256,
	OPT_SEED,
	OPT_DEMO_RATE,
	OPT_DEMO_DURATION,
	OPT_REPLAY,
	OPT_SPEED,
	OPT_URL,
	OPT_TOKEN_FILE,
	OPT_PROTOCOL,
	OPT_HEADLESS,
	OPT_SNAPSHOT,
	OPT_JOURNAL,
	OPT_NO_JOURNAL,
	OPT_WALLBOARD,
	OPT_ROTATE,
	OPT_KIOSK,
	OPT_NO_COLOR,
	OPT_ASCII,
	OPT_NO_MOUSE,
	OPT_BELL,
	OPT_CONFIG,
	OPT_NAMES,
	OPT_SET,
	OPT_LIST_KEYS,
	OPT_HELP,
	OPT_VERSION,
	OPT_TOKEN,
	OPT_NO_API,
	OPT_ALLOW_ACTIONS,
	OPT_HOOKS,
	OPT_METRICS
};

static const struct option long_options[] = {
    {"demo", no_argument, NULL, OPT_DEMO},
    {"seed", required_argument, NULL, OPT_SEED},
    {"demo-rate", required_argument, NULL, OPT_DEMO_RATE},
    {"demo-duration", required_argument, NULL, OPT_DEMO_DURATION},
    {"replay", required_argument, NULL, OPT_REPLAY},
    {"speed", required_argument, NULL, OPT_SPEED},
    {"url", required_argument, NULL, OPT_URL},
    {"token-file", required_argument, NULL, OPT_TOKEN_FILE},
    {"protocol", required_argument, NULL, OPT_PROTOCOL},
    {"headless", no_argument, NULL, OPT_HEADLESS},
    {"snapshot", required_argument, NULL, OPT_SNAPSHOT},
    {"journal", required_argument, NULL, OPT_JOURNAL},
    {"no-journal", no_argument, NULL, OPT_NO_JOURNAL},
    {"wallboard", no_argument, NULL, OPT_WALLBOARD},
    {"rotate", required_argument, NULL, OPT_ROTATE},
    {"kiosk", optional_argument, NULL, OPT_KIOSK},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"no-colour", no_argument, NULL, OPT_NO_COLOR},
    {"ascii", no_argument, NULL, OPT_ASCII},
    {"no-mouse", no_argument, NULL, OPT_NO_MOUSE},
    {"bell", no_argument, NULL, OPT_BELL},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"names", required_argument, NULL, OPT_NAMES},
    {"set", required_argument, NULL, OPT_SET},
    {"list-keys", no_argument, NULL, OPT_LIST_KEYS},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {"token", optional_argument, NULL, OPT_TOKEN},
    {"no-api", no_argument, NULL, OPT_NO_API},
    {"allow-actions", no_argument, NULL, OPT_ALLOW_ACTIONS},
    {"hooks", no_argument, NULL, OPT_HOOKS},
    {"metrics", required_argument, NULL, OPT_METRICS},
    {NULL, 0, NULL, 0},
};

/* The configuration file comes first, then the command line overrides it: find --config. */
static const char *find_config_option(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			return argv[i + 1];
		if (strncmp(argv[i], "--config=", 9) == 0)
			return argv[i] + 9;
	}
	return NULL;
}

/* Settings from the configuration file, then from the command line; exit 2 on a bad option. */
static void parse_command_line(int argc, char **argv, struct options *o, struct settings *s)
{
	char path[SETTINGS_PATH_MAX], err[SETTINGS_PATH_MAX + 256];
	o->config = find_config_option(argc, argv);
	if (o->config) {
		if (!settings_load(s, o->config, true, err, sizeof err))
			fatal(err);
	} else {
		settings_default_path(path, sizeof path);
		if (!settings_load(s, path, false, err, sizeof err))
			fatal(err);
	}
	const char *no_color = getenv("NO_COLOR");
	if (no_color && *no_color)
		s->color = false;

	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_DEMO: o->demo = true; break;
		case OPT_SEED:
			o->seed = (uint64_t)parse_number_option("--seed", optarg, 0, 1e15);
			o->demo_only = "--seed";
			break;
		case OPT_DEMO_RATE:
			o->demo_rate = parse_number_option("--demo-rate", optarg, 0.01, 1e6);
			o->demo_only = "--demo-rate";
			break;
		case OPT_DEMO_DURATION:
			o->demo_duration =
			    parse_number_option("--demo-duration", optarg, 1, 366 * 86400.0);
			o->demo_only = "--demo-duration";
			break;
		case OPT_REPLAY: o->replay = optarg; break;
		case OPT_SPEED:
			o->speed = parse_number_option("--speed", optarg, 0, 1e6);
			o->replay_only = "--speed";
			break;
		case OPT_URL:
			set_or_die(s, "url", optarg);
			o->live_only = "--url";
			break;
		case OPT_TOKEN_FILE:
			set_or_die(s, "token_file", optarg);
			o->live_only = "--token-file";
			break;
		case OPT_PROTOCOL:
			set_or_die(s, "protocol", optarg);
			o->live_only = "--protocol";
			break;
		case OPT_HEADLESS: o->headless = true; break;
		case OPT_SNAPSHOT: o->snapshot = optarg; break;
		case OPT_JOURNAL:
			set_or_die(s, "journal_dir", optarg);
			s->journal = true;
			o->journal_given = true;
			break;
		case OPT_NO_JOURNAL: s->journal = false; break;
		case OPT_WALLBOARD: s->wallboard = true; break;
		case OPT_ROTATE: set_or_die(s, "rotate_s", optarg); break;
		case OPT_KIOSK: set_or_die(s, "kiosk", optarg ? optarg : "on"); break;
		case OPT_NO_COLOR: s->color = false; break;
		case OPT_ASCII: s->ascii = true; break;
		case OPT_NO_MOUSE: s->mouse = false; break;
		case OPT_BELL: s->bell = true; break;
		case OPT_NO_API: o->no_api = true; break;
		case OPT_ALLOW_ACTIONS: s->allow_actions = true; break;
		case OPT_CONFIG: break; /* read above */
		case OPT_NAMES: set_or_die(s, "names_file", optarg); break;
		case OPT_SET: {
			char key[128];
			const char *eq = optarg ? strchr(optarg, '=') : NULL;
			/* the value is not echoed: it may be a token put there by mistake */
			if (!eq || (size_t)(eq - optarg) >= sizeof key)
				usage_error("%s", "--set: expected KEY=VALUE");
			memcpy(key, optarg, (size_t)(eq - optarg));
			key[eq - optarg] = '\0';
			if (strcmp(key, "token") == 0)
				usage_error("%s",
				            "--set token: tokens are never given on the command "
				            "line (other users can read it); use CTIBOARD_TOKEN "
				            "or --token-file");
			set_or_die(s, key, eq + 1);
			break;
		}
		case OPT_LIST_KEYS: o->list_keys = true; break;
		case OPT_HOOKS: o->hooks = true; break;
		case OPT_METRICS: {
			char host[256], port[8], why[128];
			if (!metrics_parse_listen(optarg ? optarg : "", host, sizeof host, port,
			                          sizeof port, why, sizeof why))
				usage_error("%s", why);
			o->metrics = optarg;
			break;
		}
		case OPT_HELP: fputs(usage_text, stdout); exit(0);
		case OPT_VERSION: printf("ctiboard %s\n", CTIBOARD_VERSION); exit(0);
		case OPT_TOKEN:
			usage_error("%s",
			            "--token: tokens are never given on the command line (other "
			            "users can read it); use CTIBOARD_TOKEN or --token-file");
		case ':': usage_error("option '%s' needs a value", argv[optind - 1]);
		default: usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (o->demo && o->replay)
		usage_error("%s", "--demo and --replay: choose one source");
	if (o->demo_only && !o->demo)
		usage_error("%s applies only to --demo", o->demo_only);
	if (o->replay_only && !o->replay)
		usage_error("%s applies only to --replay", o->replay_only);
	if (o->live_only && (o->demo || o->replay))
		usage_error("%s applies only to the live feed, not to %s", o->live_only,
		            o->demo ? "--demo" : "--replay");
	if (!settings_check(s, err, sizeof err))
		usage_error("%s", err);
}

/* The file to replay must open, before any screen: a typo is one line and exit 1. */
static void check_replay_file(const char *path)
{
	struct stat sb;
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "ctiboard: --replay %s: %s\n", path, strerror(errno));
		exit(1);
	}
	bool dir = fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode);
	fclose(f);
	if (dir) {
		fprintf(stderr, "ctiboard: --replay %s: is a directory (give a journal file)\n",
		        path);
		exit(1);
	}
}

/* No core file and no ptrace by other processes of the user: memory holds the tokens. */
static void protect_memory(void)
{
	struct rlimit none = {0, 0};
	if (setrlimit(RLIMIT_CORE, &none) != 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		fprintf(stderr, "ctiboard: warning: cannot disable core dumps: %s\n",
		        strerror(errno));
}

/* SIGINT, SIGTERM, SIGHUP: ask the main loop to stop, and wake it out of poll(). Only a flag
 * and a write(): async-signal-safe, and errno is given back as it was. */
static void on_signal(int sig)
{
	int saved = errno;
	stop_requested = 1;
	stop_signal = sig;
	wake_signal(signal_wake_fd);
	errno = saved;
}

/* The stop signals go to on_signal(); a closed pipe or socket is an error return, not a death.
 * A locked kiosk ignores what its keyboard can send (Ctrl-C, Ctrl-\\, Ctrl-Z); SIGTERM still
 * stops it. */
static void install_signals(bool locked)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	if (locked) {
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGQUIT, &sa, NULL);
		sigaction(SIGTSTP, &sa, NULL);
	}
}

/* The exit status after a stop signal: 128 + its number, as a shell reports it. */
static int exit_status(int status)
{
	if (status == 0 && stop_signal != 0)
		return 128 + stop_signal;
	return status;
}

struct replay_job {
	pthread_t thread;
	struct model *model;
	const char *path;
	double speed;
	atomic_bool stop; /* set by main, polled by journal_replay() */
	atomic_bool done; /* set by the replay thread, read by main's headless loop */
	bool report;
	bool ok;
	struct replay_result result;
	char err[512];
};

/* The replay thread: feed the file through ingest, then stop the clock at its last event. */
static void *replay_main(void *arg)
{
	struct replay_job *r = arg;
	/* bad lines are reported on stderr only when no screen is there to be spoilt; they are
	 * counted as malformed in the model either way */
	r->ok = journal_replay(r->model, r->path, r->speed, &r->stop, r->report, &r->result, r->err,
	                       sizeof r->err);
	if (!r->stop)
		model_freeze_clock(r->model);
	atomic_store(&r->done, true);
	return NULL;
}

/* --headless: the start-up replay's progress on stderr (startup.h). */
static void say_startup(struct startup_log *log, struct model *m)
{
	struct startup_progress p = model_startup(m);
	startup_log_poll(log, &p, mono_now_ns(), stderr);
}

/* Sleep until the model changes, a signal comes (both write the wake fd) or ms pass. A
 * headless run only watches for its end here, so it looks at most 50 times a second however
 * fast the events come. */
static void wait_for_news(struct model *m, int ms)
{
	struct pollfd p = {.fd = model_wake_fd(m), .events = POLLIN};
	if (poll(&p, 1, ms) > 0) {
		struct timespec batch = {0, 20 * 1000000};
		nanosleep(&batch, NULL);
		model_wake_drain(m);
	}
}

/* Show the warnings said before the screen inside the program too (those not shown yet). */
static void notices_to_model(struct model *m)
{
	static size_t shown;
	size_t n;
	const char(*kept)[NOTICE_MAX] = notices_kept(&n);
	model_lock(m);
	for (; shown < n; shown++)
		model_notice(m, kept[shown], true);
	model_unlock(m);
}

/* What a run without a screen does, said once, for whoever reads its log: what is kept (the
 * snapshot, the journal in journal_dir when not NULL) or served (the metrics). */
static void say_headless(const struct options *o, const char *journal_dir)
{
	if (o->demo) {
		char kept[SETTINGS_PATH_MAX + 128] = "";
		size_t n = 0;
		if (o->snapshot)
			n += (size_t)snprintf(kept + n, sizeof kept - n, "the snapshot follows it");
		if (journal_dir && n < sizeof kept)
			n += (size_t)snprintf(kept + n, sizeof kept - n,
			                      "%sevents go to the journal in %s", n ? "; " : "",
			                      journal_dir);
		if (o->metrics && n < sizeof kept)
			n += (size_t)snprintf(kept + n, sizeof kept - n, "%sthe metrics are served",
			                      n ? "; " : "");
		fprintf(stderr, "ctiboard: demo without a screen: %s%s\n",
		        n ? kept : "nothing is shown or kept",
		        o->demo_duration > 0 ? "" : "; stop with SIGTERM or Ctrl-C");
	} else if (o->replay && !o->snapshot)
		fprintf(stderr,
		        "ctiboard: replay without a screen and without --snapshot: %s; alerts and "
		        "malformed lines are reported here\n",
		        o->metrics ? "only the metrics follow it" : "nothing is shown or kept");
	else if (!o->replay && !o->snapshot)
		fprintf(stderr, "ctiboard: live feed without a screen and without --snapshot: %s\n",
		        journal_dir ? "events go to the journal only"
		                    : "events are counted, not kept");
}

/* Who hears of the alert engine's changes: stderr when headless, the notification hooks. */
struct alert_listeners {
	bool report;
	struct hooks *hooks; /* set (under the model's lock) once the hooks run */
};

/* --headless: one line on stderr for each alert raised, changed or cleared; then the hooks.
 * Called under the model's lock, at the moment of the change, so a fast replay misses none. */
static void report_alert(const struct alert *a, enum alert_change change, void *ctx)
{
	static const char *const words[] = {"raised", "changed", "cleared"};
	const struct alert_listeners *l = ctx;
	hooks_alert_changed(a, change, l->hooks);
	if (!l->report)
		return;
	/* a cleared alert is the one that was raised: its text says what was, not what is */
	fprintf(stderr, "ctiboard: alert %s: %s %s %s %s: %s%s%s\n", words[change],
	        alert_level_name(a->level), alert_scope_name(a->scope), a->id,
	        alert_rule_name(a->rule), change == ALERT_CLEARED ? "was " : "", a->text,
	        change == ALERT_CLEARED ? ", now back within the threshold" : "");
}

/* What the start-up replay hands on when it is done (startup_done). */
struct after_startup {
	struct alert_listeners *listeners;
	struct hooks *hooks; /* set under the model's lock once the hooks run */
};

/* The journal is replayed (lock held): the alerts judged on it were told to nobody but
 * stderr; from now on they are notified, and the events measured as they arrive. */
static void startup_done(struct model *m, void *ctx)
{
	struct after_startup *a = ctx;
	a->listeners->hooks = a->hooks;
	model_set_measure_latency(m, true);
}

/* The OVH API thread, when credentials are there; a problem with them is a warning, never a
 * reason not to show the events. */
static struct roster *start_roster(struct model *m, struct journal *j, const struct settings *s)
{
	struct ovh_credentials c;
	char err[SETTINGS_PATH_MAX + 256];
	struct roster *r = NULL;
	if (!ovh_credentials_load(&c, err, sizeof err))
		notice_warn("%s: the OVH API is not used", err);
	else if (ovh_credentials_complete(&c) && !(r = roster_start(m, j, s, &c, err, sizeof err)))
		notice_warn("%s", err);
	ovh_credentials_wipe(&c);
	notices_to_model(m);
	return r;
}

/* The demo's day opens at 08:00 whatever is in today's journal file: say so when it is not
 * empty, for its lines then go on after an earlier run's. */
static void warn_demo_day_taken(const char *dir)
{
	char path[SETTINGS_PATH_MAX + 32];
	struct stat sb;
	journal_path_for(path, sizeof path, dir, wall_now_ns() / NS_PER_S);
	if (stat(path, &sb) == 0 && sb.st_size > 0)
		notice_warn(
		    "demo: %s already holds a day; this demo's morning goes on after it (an "
		    "empty --journal DIR keeps the demo's day apart)",
		    path);
}

int main(int argc, char **argv)
{
	struct settings set;
	struct options opt = {.speed = 1, .demo_rate = 1};
	char err[SETTINGS_PATH_MAX + 256];

	protect_memory();
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C"); /* JSON and numbers on the wire use '.' whatever the locale */
	/* before any thread and any other libcurl call (feed_check_url uses its URL parser) */
	CURLcode crc = curl_global_init(CURL_GLOBAL_DEFAULT);
	if (crc != CURLE_OK) {
		fprintf(stderr, "ctiboard: cannot set up libcurl: %s\n", curl_easy_strerror(crc));
		return 1;
	}
	json_arena_init(); /* cJSON's hooks are process-wide: set before any thread */
	if (argc > 1 && (strcmp(argv[1], "report") == 0 || command_is(argv[1]))) {
		int rc = strcmp(argv[1], "report") == 0 ? report_main(argc - 1, argv + 1)
		         : strcmp(argv[1], "api") == 0  ? command_api(argc - 1, argv + 1)
		                                        : command_token(argc - 1, argv + 1);
		curl_global_cleanup();
		return rc;
	}
	settings_defaults(&set);
	parse_command_line(argc, argv, &opt, &set);
	if (opt.list_keys) {
		settings_print_keys(stdout);
		return 0;
	}
	bool live = !opt.demo && !opt.replay;
	if (opt.replay)
		check_replay_file(opt.replay);
	if (!opt.headless && !ui_check_terminal(err, sizeof err))
		fatal(err);

	struct names *names = NULL;
	if (set.names_file[0] && !(names = names_load(set.names_file, err, sizeof err)))
		fatal(err);
	if (!hooks_check(&set, err, sizeof err))
		fatal(err);

	char tokens[TOKENS_MAX][TOKEN_SIZE];
	int ntokens = 0;
	if (live) {
		if (!feed_check_url(set.url, err, sizeof err))
			fatal(err);
		ntokens = feed_load_tokens(&set, tokens, TOKENS_MAX, err, sizeof err);
		if (ntokens < 0)
			fatal(err);
		if (ntokens == 0)
			fatal("no token: run 'ctiboard token create', set CTIBOARD_TOKEN or use "
			      "--token-file FILE (or try the built-in demo: ctiboard --demo)");
	}
	/* From here on the tokens live in tokens[], then in the feed only: the settings are
	 * copied into the model, the snapshot writer and the feed, which need none. */
	secret_wipe(set.tokens, sizeof set.tokens);
	set.ntokens = 0;

	struct model *model = model_new(&set);
	if (!model)
		fatal("out of memory");
	model_set_wake_fd(model, signal_wake_fd = wake_open());
	static struct alert_listeners listeners;
	listeners.report = opt.headless;
	model_set_alert_hook(model, report_alert, &listeners);
	if (opt.replay) {
		char copy[SETTINGS_PATH_MAX], source[64];
		text_copy(copy, sizeof copy, opt.replay);
		snprintf(source, sizeof source, "replay %s", basename(copy));
		model_set_source(model, source, true, opt.speed);
	} else if (opt.demo) {
		model_set_source(model, "demo", true, opt.demo_rate);
	}

	/* A journal for live runs by default; for the demo only when asked; never for replays.
	 * A directory that cannot be written is not fatal: the journal says so and retries. */
	struct journal *journal = NULL;
	char dir[SETTINGS_PATH_MAX];
	if (set.journal_dir[0])
		text_copy(dir, sizeof dir, set.journal_dir);
	else
		journal_default_dir(dir, sizeof dir);
	/* the journal is replayed on a thread while the screen is up (startup.h): from here
	 * on the feed's events wait for it, the hooks ignore it, the alerts are off */
	static struct after_startup after;
	struct startup *startup = NULL;
	struct checkpointer *checkpointer = NULL;
	if (live && set.journal) {
		after.listeners = &listeners;
		startup = startup_start(model, dir, opt.headless, startup_done, &after);
		if (!startup)
			fatal("cannot start the replay of the journal");
		/* then kept up with the journal, so that a restart replays only what came since */
		checkpointer = checkpointer_start(dir, &set, set.checkpoint_s, model, opt.headless);
		if (!checkpointer)
			fatal("cannot start the checkpoint's thread");
	} else {
		model_set_measure_latency(model, live);
	}
	if ((live && set.journal) || (opt.demo && opt.journal_given)) {
		if (opt.demo)
			warn_demo_day_taken(dir);
		if (!(journal = journal_open(dir, err, sizeof err)))
			fatal(err);
		journal_set_keep_days(journal, set.journal_keep_days);
		if (journal_problem(journal, err, sizeof err))
			notice_warn("journal: %s; running without a journal, retrying", err);
	}
	notices_to_model(model);
	if (opt.headless)
		say_headless(&opt, journal ? dir : NULL);

	install_signals(set.kiosk == 2);

	struct snapshot_writer *snap = NULL;
	if (opt.snapshot &&
	    !(snap = snapshot_writer_start(model, opt.snapshot, 250, err, sizeof err)))
		fatal(err);
	struct ticker *ticker = ticker_start(model, journal);
	if (!ticker)
		fatal("cannot start the ticker thread (expiry, day change)");
	struct metrics *metrics = NULL;
	if (opt.metrics &&
	    !(metrics = metrics_start(model, &set, names, opt.metrics, err, sizeof err)))
		fatal(err);
	/* after today's journal was replayed: a restart pops no call twice */
	struct hooks *hooks = NULL;
	if ((live || opt.hooks) && hooks_configured(&set) &&
	    !(hooks = hooks_start(model, &set, names, opt.headless, err, sizeof err)))
		fatal(err);
	model_lock(model);
	after.hooks = hooks;
	if (!model_state_held(model)->startup.active)
		listeners.hooks = hooks; /* from now on, alerts are notified too */
	model_unlock(model);
	struct feed *feed = NULL;
	struct sim *sim = NULL;
	static struct replay_job replay;
	struct roster *roster = live && !opt.no_api ? start_roster(model, journal, &set) : NULL;
	if (live && !(feed = feed_start(model, journal, &set, tokens, ntokens, err, sizeof err)))
		fatal(err);
	secret_wipe(tokens, sizeof tokens);
	if (opt.demo) {
		struct sim_options so = {opt.seed, opt.demo_rate, 0, opt.demo_duration};
		if (!(sim = sim_start(model, journal, &so)))
			fatal("cannot start the demo");
	}
	if (opt.replay) {
		replay.model = model;
		replay.path = opt.replay;
		replay.speed = opt.speed;
		replay.report = opt.headless;
		if (thread_start(&replay.thread, replay_main, &replay) != 0)
			fatal("cannot start the replay");
	}

	int status = 0;
	if (opt.headless) {
		/* run until a signal, or until a fast replay or a timed demo has finished; say
		 * every change of a feed or of the journal on stderr */
		static struct statelog log;
		static struct startup_log progress;
		while (!stop_requested) {
			statelog_poll(&log, model, stderr);
			say_startup(&progress, model);
			if (opt.replay && atomic_load(&replay.done) && opt.speed == 0)
				break;
			if (sim && opt.demo_duration > 0 && sim_done(sim)) {
				model_freeze_clock(model);
				break;
			}
			wait_for_news(model, 250);
		}
		statelog_poll(&log, model, stderr);
	} else if (ui_run(model, journal, names, &set, &stop_requested) != 0) {
		status = 1;
	}

	if (opt.headless && !stop_requested)
		hooks_drain(hooks, (set.hook_timeout_s * (set.hook_retries + 1) + 2) * 1000);
	if (opt.replay) {
		replay.stop = 1;
		pthread_join(replay.thread, NULL);
		if (!replay.ok) {
			fprintf(stderr, "ctiboard: %s\n", replay.err);
			status = 1;
		}
	}
	startup_stop(startup); /* before the feed: its waiting events go in, and in the journal */
	sim_stop(sim);
	feed_stop(feed);
	roster_stop(roster);
	model_lock(model);
	listeners.hooks = NULL;
	model_unlock(model);
	hooks_stop(hooks);
	ticker_stop(ticker);
	metrics_stop(metrics);
	/* the last snapshot comes after the journal is closed, so that it counts every line the
	 * journal lost, the last second's too */
	if (journal) {
		uint64_t lost = journal_close(journal);
		model_lock(model);
		model_set_journal_lost(model, lost);
		model_unlock(model);
	}
	checkpointer_stop(checkpointer); /* every line is in the journal now */
	snapshot_writer_stop(snap);
	curl_global_cleanup();
	wake_close(model_wake_fd(model));
	model_free(model);
	names_free(names);
	json_arena_release(); /* the replay of today's journal used this thread's arena */
	return exit_status(status);
}
