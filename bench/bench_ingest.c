/* bench_ingest.c: events per second of ingest_body() over a day journal held in memory.
 *
 *   bench_ingest [--mode full|nojournal|parse] [--max N] [--repeat R] FILE
 *
 * full: parse + apply + journal (a journal in a fresh temporary directory, as ctiboard writes
 * it); nojournal: parse + apply; parse: ingest_parse() alone. Prints one line:
 * "events=N seconds=S events_per_s=E". The loop is the function bench_run, so that
 * `valgrind --tool=callgrind --toggle-collect=bench_run` counts its instructions alone.
 */
#include <stdbool.h>

#include "bench_common.h"
#include "ingest.h"
#include "journal.h"
#include "model.h"
#include "settings.h"

enum mode { FULL, NOJOURNAL, PARSE };

static void count_event(const struct event *ev, void *ctx)
{
	(void)ev;
	(*(uint64_t *)ctx)++;
}

/* Feed every line once; returns the number of events seen. */
__attribute__((noinline)) static uint64_t bench_run(const struct bench_lines *b, enum mode mode,
                                                    struct model *m, struct journal *j)
{
	uint64_t events = 0;
	for (size_t i = 0; i < b->n; i++) {
		struct ingest_result res;
		const char *line = b->data + b->start[i];
		if (mode == PARSE) {
			ingest_parse(line, b->len[i], 0, count_event, &events, &res);
		} else {
			ingest_body(m, mode == FULL ? j : NULL, line, b->len[i], 0, &res);
			events += (uint64_t)res.events;
		}
	}
	return events;
}

int main(int argc, char **argv)
{
	enum mode mode = FULL;
	size_t max = 0;
	int repeat = 1;
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--mode") && i + 1 < argc) {
			const char *v = argv[++i];
			mode = !strcmp(v, "parse")       ? PARSE
			       : !strcmp(v, "nojournal") ? NOJOURNAL
			                                 : FULL;
		} else if (!strcmp(argv[i], "--max") && i + 1 < argc) {
			max = strtoul(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--repeat") && i + 1 < argc) {
			repeat = atoi(argv[++i]);
		} else {
			path = argv[i];
		}
	}
	if (!path) {
		fprintf(stderr,
		        "usage: bench_ingest [--mode full|nojournal|parse] [--max N] FILE\n");
		return 2;
	}
	struct bench_lines b;
	bench_load(&b, path, max);
	double best = 0;
	uint64_t events = 0;
	for (int r = 0; r < repeat; r++) {
		struct settings s;
		struct model m;
		settings_defaults(&s);
		if (!model_init(&m, &s))
			return 1;
		m.st.clock.replay = true;
		m.st.clock.speed = 0;
		char dir[] = "/tmp/ctiboard-bench-XXXXXX", err[256];
		struct journal *j = NULL;
		if (mode == FULL) {
			if (!mkdtemp(dir) || !(j = journal_open(dir, err, sizeof err))) {
				fprintf(stderr, "bench_ingest: journal: %s\n", err);
				return 1;
			}
		}
		double t0 = bench_now();
		events = bench_run(&b, mode, &m, j);
		double dt = bench_now() - t0;
		if (r == 0 || dt < best)
			best = dt;
		if (j) {
			journal_close(j);
			char cmd[128];
			snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
			if (system(cmd) != 0)
				fprintf(stderr, "bench_ingest: could not remove %s\n", dir);
		}
		model_done(&m);
	}
	printf("events=%llu seconds=%.3f events_per_s=%.0f\n", (unsigned long long)events, best,
	       (double)events / best);
	return 0;
}
