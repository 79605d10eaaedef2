/* bench_ingest.c: events per second of ingest_body() over a day journal held in memory.
 *
 *   bench_ingest [--mode full|nojournal|parse] [--max N] [--skip N] [--repeat R]
 *                [--snapshot OUT] FILE
 *
 * full: parse + apply + journal (a journal in a fresh temporary directory, as ctiboard writes
 * it); nojournal: parse + apply; parse: ingest_parse() alone. --skip feeds the first N lines
 * before the clock starts (to time events against a model already full). Prints one line:
 * "events=N seconds=S events_per_s=E cpu_s=C lines=L queues=Q calls=K dropped=D" (the best
 * run's times, the model as the last run left it). --snapshot then writes the model's snapshot
 * to OUT three times and adds "snapshot_ms=T snapshot_bytes=B" (the best of the three). The loop is
 * the function bench_run, so that `valgrind --tool=callgrind --toggle-collect=bench_run` counts its
 * instructions alone.
 */
#include <stdbool.h>

#include "bench_common.h"
#include "ingest.h"
#include "journal.h"
#include "model_impl.h" /* a tool of the core: it sets the model up itself */
#include "settings.h"
#include "snapshot.h"

enum mode { FULL, NOJOURNAL, PARSE };

static void count_event(const struct event *ev, void *ctx)
{
	(void)ev;
	(*(uint64_t *)ctx)++;
}

/* Feed every line once; returns the number of events seen. */
__attribute__((noinline)) static uint64_t bench_run(const struct bench_lines *b, size_t from,
                                                    enum mode mode, struct model *m,
                                                    struct journal *j)
{
	uint64_t events = 0;
	for (size_t i = from; i < b->n; i++) {
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
	size_t max = 0, skip = 0;
	int repeat = 1;
	const char *path = NULL, *snap = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--mode") && i + 1 < argc) {
			const char *v = argv[++i];
			mode = !strcmp(v, "parse")       ? PARSE
			       : !strcmp(v, "nojournal") ? NOJOURNAL
			                                 : FULL;
		} else if (!strcmp(argv[i], "--max") && i + 1 < argc) {
			max = strtoul(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--snapshot") && i + 1 < argc) {
			snap = argv[++i];
		} else if (!strcmp(argv[i], "--skip") && i + 1 < argc) {
			skip = strtoul(argv[++i], NULL, 10);
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
	double best = 0, best_cpu = 0, snap_ms = 0;
	uint64_t events = 0;
	size_t lines = 0, queues = 0, calls = 0;
	uint64_t dropped = 0;
	if (skip > b.n)
		skip = b.n;
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
		if (skip) {
			struct bench_lines head = b;
			head.n = skip;
			bench_run(&head, 0, mode, &m, j);
		}
		double t0 = bench_now(), c0 = bench_cpu();
		events = bench_run(&b, skip, mode, &m, j);
		double dt = bench_now() - t0, cpu = bench_cpu() - c0;
		if (r == 0 || dt < best)
			best = dt;
		if (r == 0 || cpu < best_cpu)
			best_cpu = cpu;
		lines = m.st.nlines, queues = m.st.nqueues, calls = m.st.ncalls;
		dropped = m.st.counters.dropped;
		if (snap && r == repeat - 1) {
			char serr[256];
			for (int k = 0; k < 3; k++) {
				double s0 = bench_now();
				if (!snapshot_write(&m.st, &s, snap, serr, sizeof serr)) {
					fprintf(stderr, "bench_ingest: %s\n", serr);
					return 1;
				}
				double ms = (bench_now() - s0) * 1000;
				if (k == 0 || ms < snap_ms)
					snap_ms = ms;
			}
		}
		if (j) {
			journal_close(j);
			char cmd[128];
			snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
			if (system(cmd) != 0)
				fprintf(stderr, "bench_ingest: could not remove %s\n", dir);
		}
		model_done(&m);
	}
	printf("events=%llu seconds=%.3f events_per_s=%.0f cpu_s=%.3f lines=%zu queues=%zu "
	       "calls=%zu dropped=%llu\n",
	       (unsigned long long)events, best, (double)events / best, best_cpu, lines, queues,
	       calls, (unsigned long long)dropped);
	if (snap) {
		struct stat sb;
		printf("snapshot_ms=%.1f snapshot_bytes=%lld\n", snap_ms,
		       stat(snap, &sb) == 0 ? (long long)sb.st_size : -1LL);
	}
	return 0;
}
