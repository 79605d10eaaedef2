/* json_arena.c: bump allocation for cJSON, per thread, between begin and end. */
#include "json_arena.h"

#include <cJSON.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define CHUNK_MIN (64 * 1024) /* the first chunk, kept from one body to the next */
#define ALIGN     alignof(max_align_t)

/* Under AddressSanitizer the arena keeps its checks: a chunk is poisoned but for what is
 * handed out, each allocation is followed by a red zone, and the end of a body poisons it all
 * again, so that an overflow or a tree used after json_arena_end() is reported. */
#ifndef __has_feature /* clang's test; gcc says __SANITIZE_ADDRESS__ */
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#define REDZONE ALIGN
#else
#define ASAN_POISON_MEMORY_REGION(p, n)   ((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define REDZONE                           0
#endif

struct chunk {
	struct chunk *next;
	size_t size;
	alignas(max_align_t) unsigned char data[];
};

/* A thread's arena: the chunk kept between bodies first, then those a large body added; the
 * free room of the newest is [free, end). */
struct arena {
	struct chunk *chunks;
	unsigned char *free, *end;
	bool active;
};

static _Thread_local struct arena arena;
static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;
static pthread_key_t exit_key; /* its destructor gives back an exiting thread's chunks */

static void free_chunks(struct chunk *c)
{
	while (c) {
		struct chunk *next = c->next;
		ASAN_UNPOISON_MEMORY_REGION(c->data, c->size);
		free(c);
		c = next;
	}
}

static void thread_exit(void *chunks)
{
	free_chunks(chunks);
}

/* A new chunk for size bytes (asked: want). Kept out of line, so that hook_malloc's common
 * path (a pointer bump) saves no registers. */
__attribute__((noinline)) static void *arena_alloc_slow(size_t size, size_t want)
{
	size_t data = size > CHUNK_MIN ? size : CHUNK_MIN;
	struct chunk *c = malloc(sizeof *c + data);
	if (!c)
		return NULL;
	c->size = data;
	arena.free = c->data + size;
	arena.end = c->data + data;
	ASAN_POISON_MEMORY_REGION(c->data, data);
	ASAN_UNPOISON_MEMORY_REGION(c->data, want);
	if (!arena.chunks) { /* the kept chunk: its thread's exit frees it */
		c->next = NULL;
		arena.chunks = c;
		pthread_setspecific(exit_key, c);
	} else { /* after the kept one */
		c->next = arena.chunks->next;
		arena.chunks->next = c;
	}
	return c->data;
}

static void *hook_malloc(size_t size)
{
	if (!arena.active)
		return malloc(size);
	if (size > SIZE_MAX / 2)
		return NULL;
	size_t want = size;
	size = ((size + (size == 0) + ALIGN - 1) & ~(ALIGN - 1)) + REDZONE;
	unsigned char *p = arena.free;
	if ((uintptr_t)arena.end - (uintptr_t)p >= size) { /* both NULL before the first chunk */
		arena.free = p + size;
		ASAN_UNPOISON_MEMORY_REGION(p, want);
		return p;
	}
	return arena_alloc_slow(size, want);
}

static bool arena_owns(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	for (const struct chunk *c = arena.chunks; c; c = c->next)
		if (a >= (uintptr_t)c->data && a < (uintptr_t)c->data + c->size)
			return true;
	return false;
}

static void hook_free(void *p)
{
	if (arena.active && arena_owns(p))
		return;
	free(p);
}

static void install_hooks(void)
{
	pthread_key_create(&exit_key, thread_exit);
	cJSON_Hooks hooks = {hook_malloc, hook_free};
	cJSON_InitHooks(&hooks);
}

void json_arena_init(void)
{
	pthread_once(&hooks_once, install_hooks);
}

void json_arena_begin(void)
{
	json_arena_init();
	arena.active = true;
}

void json_arena_end(void)
{
	arena.active = false;
	if (!arena.chunks)
		return;
	free_chunks(arena.chunks->next); /* a large body's chunks are not kept */
	arena.chunks->next = NULL;
	arena.free = arena.chunks->data;
	arena.end = arena.chunks->data + arena.chunks->size;
	ASAN_POISON_MEMORY_REGION(arena.chunks->data, arena.chunks->size);
}

void json_arena_release(void)
{
	json_arena_init();
	arena.active = false;
	free_chunks(arena.chunks);
	arena.chunks = NULL;
	arena.free = arena.end = NULL;
	pthread_setspecific(exit_key, NULL);
}
