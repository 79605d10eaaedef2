/* report.h: `ctiboard report`: a range of journal days (or given files) fed through the same
 * ingest and model as the live program, each day's figures read as the day ends, printed by
 * queue, agent, line, interval or callback as text, CSV or JSON.
 */
#ifndef CTIBOARD_REPORT_H
#define CTIBOARD_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "settings.h"

enum report_by { BY_QUEUE, BY_AGENT, BY_LINE, BY_INTERVAL, BY_CALLBACK };
enum report_format { FORMAT_TEXT, FORMAT_CSV, FORMAT_JSON };

struct report_request {
	enum report_by by;
	enum report_format format;
	struct settings set;      /* interval_min is the interval; what-if keys already applied */
	char from[11], to[11];    /* YYYY-MM-DD, local days; "" for no bound (files given) */
	const char *const *files; /* journal or replay files, in order */
	size_t nfiles;
	bool ascii; /* the chart of --by interval in ASCII */
};

/* Run the report, printing to out; warnings and errors (naming file and line) to err.
 * Returns 0, or 1 when no input could be read. */
int report_run(const struct report_request *rq, FILE *out, FILE *err);

/* The command line of `ctiboard report` (argv[0] is "report"). Returns the exit status. */
int report_main(int argc, char **argv);

#endif
