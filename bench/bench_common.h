/* bench_common.h: what the benchmark programs share: a journal mapped into memory and cut
 * into lines, and a monotonic clock. */
#ifndef CTIBOARD_BENCH_COMMON_H
#define CTIBOARD_BENCH_COMMON_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct bench_lines {
	const char *data;
	size_t size;
	size_t n;
	size_t *start, *len;
};

/* Map path and index its non-empty lines, at most max of them (0: all). Exits on failure. */
static inline void bench_load(struct bench_lines *b, const char *path, size_t max)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		perror(path);
		exit(2);
	}
	b->size = (size_t)st.st_size;
	b->data = b->size ? mmap(NULL, b->size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0) : "";
	close(fd);
	if (b->data == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	size_t cap = 1024;
	b->n = 0;
	b->start = malloc(cap * sizeof *b->start);
	b->len = malloc(cap * sizeof *b->len);
	for (size_t at = 0; at < b->size && (max == 0 || b->n < max);) {
		const char *nl = memchr(b->data + at, '\n', b->size - at);
		size_t end = nl ? (size_t)(nl - b->data) : b->size;
		if (end > at) {
			if (b->n == cap) {
				cap *= 2;
				b->start = realloc(b->start, cap * sizeof *b->start);
				b->len = realloc(b->len, cap * sizeof *b->len);
			}
			if (!b->start || !b->len)
				exit(2);
			b->start[b->n] = at;
			b->len[b->n] = end - at;
			b->n++;
		}
		at = end + 1;
	}
}

static inline double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds of this process (both threads of a journal run count). */
static inline double bench_cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
