/* bench_cjson.c: the floor of this design: cJSON's parse alone over the same journal lines
 * (parse, then free the tree), with the same loop as bench_ingest.
 *
 *   bench_cjson [--arena] [--max N] [--repeat R] FILE
 *
 * --arena: each tree in ingest's per-thread arena (json_arena.h) instead of malloc.
 */
#include <cJSON.h>
#include <stdbool.h>

#include "bench_common.h"
#include "json_arena.h"

/* Parse and free every line; returns the number of lines parsed. */
__attribute__((noinline)) static uint64_t bench_run(const struct bench_lines *b, bool arena)
{
	uint64_t parsed = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (arena)
			json_arena_begin();
		cJSON *doc = cJSON_ParseWithLength(b->data + b->start[i], b->len[i]);
		if (doc)
			parsed++;
		if (arena)
			json_arena_end();
		else
			cJSON_Delete(doc);
	}
	return parsed;
}

int main(int argc, char **argv)
{
	size_t max = 0;
	int repeat = 1;
	const char *path = NULL;
	bool arena = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--arena"))
			arena = true;
		else if (!strcmp(argv[i], "--max") && i + 1 < argc)
			max = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
			repeat = atoi(argv[++i]);
		else
			path = argv[i];
	}
	if (!path) {
		fprintf(stderr, "usage: bench_cjson [--arena] [--max N] [--repeat R] FILE\n");
		return 2;
	}
	struct bench_lines b;
	bench_load(&b, path, max);
	double best = 0;
	uint64_t parsed = 0;
	for (int r = 0; r < repeat; r++) {
		double t0 = bench_now();
		parsed = bench_run(&b, arena);
		double dt = bench_now() - t0;
		if (r == 0 || dt < best)
			best = dt;
	}
	printf("events=%llu seconds=%.3f events_per_s=%.0f\n", (unsigned long long)parsed, best,
	       (double)parsed / best);
	return 0;
}
