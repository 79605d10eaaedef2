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

struct chunk {
	struct chunk *next;
	size_t size, used;
	alignas(max_align_t) unsigned char data[];
};

/* A thread's arena: the chunk kept between bodies first, then those a large body added. */
struct arena {
	struct chunk *chunks;
	bool active;
};

static _Thread_local struct arena arena;
static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;
static pthread_key_t exit_key; /* its destructor gives back an exiting thread's chunks */

static void free_chunks(struct chunk *c)
{
	while (c) {
		struct chunk *next = c->next;
		free(c);
		c = next;
	}
}

static void thread_exit(void *chunks)
{
	free_chunks(chunks);
}

/* A new chunk for size bytes. Kept out of line, so that hook_malloc's common path (a pointer
 * bump) saves no registers. */
__attribute__((noinline)) static void *arena_alloc_slow(size_t size)
{
	size_t data = size > CHUNK_MIN ? size : CHUNK_MIN;
	struct chunk *c = malloc(sizeof *c + data);
	if (!c)
		return NULL;
	c->size = data;
	c->used = size;
	if (!arena.chunks) { /* the kept chunk: its thread's exit frees it */
		c->next = NULL;
		arena.chunks = c;
		pthread_setspecific(exit_key, c);
	} else { /* after the kept one, so that the newest is tried first */
		c->next = arena.chunks->next;
		arena.chunks->next = c;
	}
	return c->data;
}

static void *hook_malloc(size_t size)
{
	if (!arena.active)
		return malloc(size);
	if (size == 0)
		size = 1;
	size = (size + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
	struct chunk *c = arena.chunks;
	if (c && c->next) /* a large body: the newest chunk has the room */
		c = c->next;
	if (c && c->size - c->used >= size) {
		void *p = c->data + c->used;
		c->used += size;
		return p;
	}
	return arena_alloc_slow(size);
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
	arena.chunks->used = 0;
}

void json_arena_release(void)
{
	json_arena_init();
	arena.active = false;
	free_chunks(arena.chunks);
	arena.chunks = NULL;
	pthread_setspecific(exit_key, NULL);
}
