/* hashmap.c: open addressing, linear probing, backward-shift deletion. */
#include "hashmap.h"

#include <stdlib.h>
#include <string.h>

#define FIRST_CAP 16

uint64_t hashmap_hash(uint64_t seed, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = seed ? seed : 0xcbf29ce484222325ULL; /* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

uint64_t hashmap_hash_str(const char *s)
{
	return hashmap_hash(0, s, strlen(s));
}

/* Fold the 64-bit hash into 32 bits whose low bits depend on every input bit. */
static uint32_t digest_of(uint64_t hash)
{
	hash ^= hash >> 33;
	hash *= 0xff51afd7ed558ccdULL; /* the finaliser of MurmurHash3 */
	hash ^= hash >> 33;
	return (uint32_t)hash;
}

static size_t home_of(const struct hashmap *map, uint32_t digest)
{
	return digest & (map->cap - 1);
}

void hashmap_init(struct hashmap *map)
{
	memset(map, 0, sizeof *map);
}

void hashmap_free(struct hashmap *map)
{
	free(map->slots);
	hashmap_init(map);
}

void hashmap_clear(struct hashmap *map)
{
	if (map->slots)
		memset(map->slots, 0, map->cap * sizeof *map->slots);
	map->count = 0;
}

static void put(struct hashmap *map, uint32_t digest, uint32_t value_plus1)
{
	size_t i = home_of(map, digest);
	while (map->slots[i].value)
		i = (i + 1) & (map->cap - 1);
	map->slots[i].digest = digest;
	map->slots[i].value = value_plus1;
}

bool hashmap_reserve(struct hashmap *map, size_t count)
{
	if (count * 2 <= map->cap)
		return true;
	size_t cap = map->cap ? map->cap * 2 : FIRST_CAP;
	while (count * 2 > cap)
		cap *= 2;
	struct hashmap_slot *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return false;
	struct hashmap old = *map;
	map->slots = slots;
	map->cap = cap;
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].value)
			put(map, old.slots[i].digest, old.slots[i].value);
	free(old.slots);
	return true;
}

bool hashmap_insert(struct hashmap *map, uint64_t hash, uint32_t value)
{
	if (value == UINT32_MAX || !hashmap_reserve(map, map->count + 1))
		return false;
	put(map, digest_of(hash), value + 1);
	map->count++;
	return true;
}

/* The slot holding (hash, value), or -1. */
static long slot_of(const struct hashmap *map, uint64_t hash, uint32_t value)
{
	if (!map->cap)
		return -1;
	uint32_t digest = digest_of(hash);
	for (size_t i = home_of(map, digest);; i = (i + 1) & (map->cap - 1)) {
		const struct hashmap_slot *s = &map->slots[i];
		if (!s->value)
			return -1;
		if (s->digest == digest && s->value == value + 1)
			return (long)i;
	}
}

/* Is slot j's home cyclically in (hole, j]? Then it may not move back into hole. */
static bool stays(const struct hashmap *map, size_t hole, size_t j)
{
	size_t home = home_of(map, map->slots[j].digest);
	return hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
}

bool hashmap_remove(struct hashmap *map, uint64_t hash, uint32_t value)
{
	long at = slot_of(map, hash, value);
	if (at < 0)
		return false;
	size_t hole = (size_t)at;
	for (size_t j = (hole + 1) & (map->cap - 1); map->slots[j].value;
	     j = (j + 1) & (map->cap - 1)) {
		if (stays(map, hole, j))
			continue;
		map->slots[hole] = map->slots[j];
		hole = j;
	}
	map->slots[hole].value = 0;
	map->slots[hole].digest = 0;
	map->count--;
	return true;
}

bool hashmap_move(struct hashmap *map, uint64_t hash, uint32_t from, uint32_t to)
{
	long at = slot_of(map, hash, from);
	if (at < 0 || to == UINT32_MAX)
		return false;
	map->slots[at].value = to + 1;
	return true;
}

struct hashmap_probe hashmap_probe(const struct hashmap *map, uint64_t hash)
{
	struct hashmap_probe p = {.map = map, .digest = digest_of(hash), .done = !map->cap};
	if (map->cap)
		p.at = home_of(map, p.digest);
	return p;
}

bool hashmap_probe_next(struct hashmap_probe *p, uint32_t *value)
{
	const struct hashmap *map = p->map;
	while (!p->done) {
		const struct hashmap_slot *s = &map->slots[p->at];
		p->at = (p->at + 1) & (map->cap - 1);
		if (!s->value) {
			p->done = true;
			break;
		}
		if (s->digest == p->digest) {
			*value = s->value - 1;
			return true;
		}
	}
	return false;
}

bool hashmap_next(const struct hashmap *map, size_t *cursor, uint32_t *value)
{
	for (; *cursor < map->cap; (*cursor)++)
		if (map->slots[*cursor].value) {
			*value = map->slots[(*cursor)++].value - 1;
			return true;
		}
	return false;
}
