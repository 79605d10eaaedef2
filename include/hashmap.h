/* hashmap.h: an index from keys to positions in an array its owner keeps.
 *
 * The map stores no keys, only a 32-bit digest of each key's hash and a position (a uint32_t).
 * A lookup walks the positions whose digest matches and the owner compares the real key:
 *
 *     uint32_t pos;
 *     for (struct hashmap_probe p = hashmap_probe(&map, h); hashmap_probe_next(&p, &pos);)
 *             if (strcmp(items[pos].key, key) == 0)
 *                     return &items[pos];
 *
 * Open addressing with linear probing, at most half full, deletion by backward shift (no
 * tombstones, so lookups never slow down with churn). When the owner moves an item in its
 * array (a swap-remove), it tells the map with hashmap_move(). Not thread-safe: the owner's
 * lock covers it.
 */
#ifndef CTIBOARD_HASHMAP_H
#define CTIBOARD_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hashmap_slot {
	uint32_t digest; /* from the key's hash */
	uint32_t value;  /* position + 1; 0: empty */
};

struct hashmap {
	struct hashmap_slot *slots;
	size_t cap; /* 0 or a power of two */
	size_t count;
};

/* The walk over the positions whose key may be the one hashed. */
struct hashmap_probe {
	const struct hashmap *map;
	uint32_t digest;
	size_t at;
	bool done;
};

/* A 64-bit hash of len bytes, continuing from seed (0 to start). */
uint64_t hashmap_hash(uint64_t seed, const void *data, size_t len);
/* The hash of a NUL-terminated string. */
uint64_t hashmap_hash_str(const char *s);

void hashmap_init(struct hashmap *map);
void hashmap_free(struct hashmap *map);
/* Forget every entry, keeping the memory. */
void hashmap_clear(struct hashmap *map);

/* Add position value under hash (several may share a hash). False when memory runs out, then
 * the map is unchanged. */
bool hashmap_insert(struct hashmap *map, uint64_t hash, uint32_t value);
/* Remove the entry (hash, value). False if there is none. */
bool hashmap_remove(struct hashmap *map, uint64_t hash, uint32_t value);
/* The item under hash moved from position from to position to. False if there is none. */
bool hashmap_move(struct hashmap *map, uint64_t hash, uint32_t from, uint32_t to);
/* Make room for count entries without growing later. False when memory runs out. */
bool hashmap_reserve(struct hashmap *map, size_t count);

struct hashmap_probe hashmap_probe(const struct hashmap *map, uint64_t hash);
/* The next candidate position; false when there are no more. The map must not change
 * during a probe. */
bool hashmap_probe_next(struct hashmap_probe *p, uint32_t *value);

/* Every entry in turn: start with *cursor = 0; false at the end. The map must not change
 * between calls (an owner that removes items while walking walks its own array instead). */
bool hashmap_next(const struct hashmap *map, size_t *cursor, uint32_t *value);

#endif
