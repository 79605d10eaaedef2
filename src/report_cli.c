/* report_cli.c: the command line of `ctiboard report`: days, journal files, what-if settings. */
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"
#include "report.h"
#include "settings.h"
#include "text.h"

static const char report_usage[] =
    "Usage: ctiboard report [OPTION]... [FILE]...\n"
    "The day's figures from the journal (or from journal and replay FILEs), through the same\n"
    "model as the live program.\n"
    "\n"
    "  --from DAY         first day, YYYY-MM-DD, today or yesterday (default: --to's day\n"
    "                     when only --to is given, else today)\n"
    "  --to DAY           last day (default today)\n"
    "  --journal DIR      journal directory (default $XDG_STATE_HOME/ctiboard)\n"
    "  --by WHAT          queue (default), agent, line, interval or callback\n"
    "  --interval MIN     interval length for --by interval and its chart (default 15)\n"
    "  --format FORMAT    text (default), csv (RFC 4180) or json\n"
    "  --set KEY=VALUE    what-if: recompute with another setting (sl_target_s=30, ...)\n"
    "  --config FILE      configuration file (default $XDG_CONFIG_HOME/ctiboard/config)\n"
    "  --ascii            draw the chart of --by interval with ASCII characters (also in a\n"
    "                     locale that is not UTF-8)\n"
    "  --help\n"
    "\n"
    "With FILEs, every day in them is reported, unless --from or --to narrows it.\n";

__attribute__((format(printf, 1, 2))) static int report_usage_error(const char *fmt, ...);

static int report_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("ctiboard report: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs("\nTry 'ctiboard report --help'.\n", stderr);
	va_end(ap);
	return 2;
}

/* A day as YYYY-MM-DD into dst; "today" and "yesterday" too. NULL when it is one, else what is
 * wrong with it. */
static const char *parse_day(const char *s, char dst[11])
{
	time_t now = time(NULL);
	struct tm tm;
	if (strcmp(s, "today") == 0 || strcmp(s, "yesterday") == 0) {
		localtime_r(&now, &tm);
		if (s[0] == 'y') {
			tm.tm_mday--;
			tm.tm_hour = 12;
			tm.tm_isdst = -1;
			time_t t = mktime(&tm);
			localtime_r(&t, &tm);
		}
		return strftime(dst, 11, "%Y-%m-%d", &tm) == 10 ? NULL : "cannot tell the date";
	}
	bool shaped = strlen(s) == 10 && s[4] == '-' && s[7] == '-' &&
	              strspn(s, "0123456789") == 4 && strspn(s + 5, "0123456789") == 2 &&
	              strspn(s + 8, "0123456789") == 2;
	if (!shaped)
		return "expected YYYY-MM-DD, today or yesterday";
	memset(&tm, 0, sizeof tm);
	const char *end = strptime(s, "%Y-%m-%d", &tm);
	if (!end || *end)
		return "no such date"; /* 2025-13-01 */
	int y = tm.tm_year, mo = tm.tm_mon, d = tm.tm_mday;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	if (t == (time_t)-1 || tm.tm_year != y || tm.tm_mon != mo || tm.tm_mday != d)
		return "no such date"; /* 2025-02-30 */
	text_copy(dst, 11, s);
	return NULL;
}

/* Noon of a YYYY-MM-DD day, local time. */
static int64_t noon_of(const char *day)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	strptime(day, "%Y-%m-%d", &tm); /* checked by parse_day */
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

#define MISSING_NAMED 3 /* days without a journal named one by one; the rest are counted */

/* The journal's day files of the range, with the day before and after when a shift start
 * makes days spill over midnight. Missing days are named on stderr (the first few). */
static size_t journal_files(const char *dir, const char *from, const char *to, bool spill,
                            char ***out)
{
	size_t n = 0, cap = 0;
	char **files = NULL;
	int64_t first = noon_of(from) - (spill ? 86400 : 0),
	        last = noon_of(to) + (spill ? 86400 : 0);
	char last_missing[SETTINGS_PATH_MAX + 32];
	size_t missing = 0;
	for (int64_t t = first; t <= last; t += 86400) {
		char path[SETTINGS_PATH_MAX + 32];
		journal_path_for(path, sizeof path, dir, t);
		bool edge = t < noon_of(from) || t > noon_of(to);
		if (access(path, R_OK) != 0) {
			if (!edge && ++missing <= MISSING_NAMED)
				fprintf(stderr, "ctiboard report: no journal for that day: %s\n",
				        path);
			if (!edge)
				text_copy(last_missing, sizeof last_missing, path);
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			char **p = realloc(files, cap * sizeof *p);
			if (!p)
				break;
			files = p;
		}
		if (!(files[n] = strdup(path)))
			break;
		n++;
	}
	if (missing > MISSING_NAMED)
		fprintf(stderr,
		        "ctiboard report: and no journal for %zu more days of the range "
		        "(the last: %s)\n",
		        missing - MISSING_NAMED, last_missing);
	*out = files;
	return n;
}

enum {
	R_FROM = 256,
	R_TO,
	R_JOURNAL,
	R_BY,
	R_INTERVAL,
	R_FORMAT,
	R_SET,
	R_CONFIG,
	R_ASCII,
	R_HELP
};

static const struct option report_options[] = {
    {"from", required_argument, NULL, R_FROM},
    {"to", required_argument, NULL, R_TO},
    {"journal", required_argument, NULL, R_JOURNAL},
    {"by", required_argument, NULL, R_BY},
    {"interval", required_argument, NULL, R_INTERVAL},
    {"format", required_argument, NULL, R_FORMAT},
    {"set", required_argument, NULL, R_SET},
    {"config", required_argument, NULL, R_CONFIG},
    {"ascii", no_argument, NULL, R_ASCII},
    {"help", no_argument, NULL, R_HELP},
    {NULL, 0, NULL, 0},
};

static int pick(const char *v, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(v, names[i]) == 0)
			return i;
	return -1;
}

int report_main(int argc, char **argv)
{
	static const char *const bys[] = {"queue", "agent", "line", "interval", "callback"};
	static const char *const formats[] = {"text", "csv", "json"};
	struct report_request rq;
	char err[SETTINGS_PATH_MAX + 256], path[SETTINGS_PATH_MAX] = "";
	const char *config = NULL, *dir = NULL;
	bool from_given = false, to_given = false;
	const char *bad;
	memset(&rq, 0, sizeof rq);
	settings_defaults(&rq.set);

	for (int i = 1; i < argc; i++) /* the configuration first: the command line overrides it */
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config = argv[i + 1];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			config = argv[i] + 9;
	if (!config)
		settings_default_path(path, sizeof path);
	if (!settings_load(&rq.set, config ? config : path, config != NULL, err, sizeof err)) {
		fprintf(stderr, "ctiboard report: %s\n", err);
		return 1;
	}

	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":", report_options, NULL)) != -1) {
		const char *v = optarg ? optarg : "";
		switch (c) {
		case R_FROM:
			if ((bad = parse_day(v, rq.from)))
				return report_usage_error("--from: '%s': %s", v, bad);
			from_given = true;
			break;
		case R_TO:
			if ((bad = parse_day(v, rq.to)))
				return report_usage_error("--to: '%s': %s", v, bad);
			to_given = true;
			break;
		case R_JOURNAL: dir = v; break;
		case R_BY:
			if ((c = pick(v, bys, 5)) < 0)
				return report_usage_error(
				    "--by: expected queue, agent, line, interval or "
				    "callback, not '%s'",
				    v);
			rq.by = (enum report_by)c;
			break;
		case R_INTERVAL:
			if (!settings_set(&rq.set, "interval_min", v, err, sizeof err))
				return report_usage_error("--interval: %s", err);
			break;
		case R_FORMAT:
			if ((c = pick(v, formats, 3)) < 0)
				return report_usage_error(
				    "--format: expected text, csv or json, not '%s'", v);
			rq.format = (enum report_format)c;
			break;
		case R_SET: {
			char key[128];
			const char *eq = strchr(v, '=');
			if (!eq || (size_t)(eq - v) >= sizeof key)
				return report_usage_error("%s", "--set: expected KEY=VALUE");
			memcpy(key, v, (size_t)(eq - v));
			key[eq - v] = '\0';
			if (strcmp(key, "token") == 0)
				return report_usage_error("%s",
				                          "--set token: a report needs no token");
			if (!settings_set(&rq.set, key, eq + 1, err, sizeof err))
				return report_usage_error("%s", err);
			break;
		}
		case R_CONFIG: break;
		case R_ASCII: rq.ascii = true; break;
		case R_HELP: fputs(report_usage, stdout); return 0;
		case ':': return report_usage_error("option '%s' needs a value", argv[optind - 1]);
		default: return report_usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	const char *codeset = nl_langinfo(CODESET);
	if (rq.set.ascii || !codeset ||
	    (strcmp(codeset, "UTF-8") != 0 && strcmp(codeset, "utf8") != 0))
		rq.ascii = true;
	if (from_given && !to_given)
		parse_day("today", rq.to);
	if (to_given && !from_given)
		text_copy(rq.from, sizeof rq.from, rq.to);
	if (rq.from[0] && rq.to[0] && strcmp(rq.from, rq.to) > 0)
		return report_usage_error("--from %s is after --to %s", rq.from, rq.to);

	char **found = NULL;
	size_t nfound = 0;
	if (optind < argc) {
		if (dir)
			return report_usage_error("%s",
			                          "--journal reads the journal's days, FILEs "
			                          "are read as they are: give one or the other");
		rq.files = (const char *const *)(argv + optind);
		rq.nfiles = (size_t)(argc - optind);
	} else {
		char jdir[SETTINGS_PATH_MAX];
		if (!from_given && !to_given) {
			parse_day("today", rq.from);
			text_copy(rq.to, sizeof rq.to, rq.from);
		}
		if (dir)
			text_copy(jdir, sizeof jdir, dir);
		else if (rq.set.journal_dir[0])
			text_copy(jdir, sizeof jdir, rq.set.journal_dir);
		else
			journal_default_dir(jdir, sizeof jdir);
		nfound = journal_files(jdir, rq.from, rq.to, rq.set.shift_start_min != 0, &found);
		if (nfound == 0) {
			fprintf(stderr, "ctiboard report: no journal from %s to %s in %s\n",
			        rq.from, rq.to, jdir);
			free(found);
			return 1;
		}
		rq.files = (const char *const *)found;
		rq.nfiles = nfound;
	}
	int status = report_run(&rq, stdout, stderr);
	for (size_t i = 0; i < nfound; i++)
		free(found[i]);
	free(found);
	return status;
}
