/* The index from keys to positions: insert, find, delete, growth, collisions, iteration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hashmap.h"

#define KEY_MAX 24

/* An owner: a dense array of keyed items, indexed by a map, with a swap-remove. */
struct owner {
	char (*keys)[KEY_MAX];
	size_t n, cap;
	struct hashmap map;
	uint64_t (*hash)(const char *key);
};

static uint64_t real_hash(const char *key)
{
	return hashmap_hash_str(key);
}

/* Every key collides: the map degenerates into one probe run. */
static uint64_t same_hash(const char *key)
{
	(void)key;
	return 42;
}

/* Few distinct hashes: long runs that wrap around the end of the slots. */
static uint64_t few_hashes(const char *key)
{
	return (uint64_t)(strlen(key) * 31 + (unsigned char)key[strlen(key) - 1]) % 5;
}

static void owner_init(struct owner *o, uint64_t (*hash)(const char *))
{
	memset(o, 0, sizeof *o);
	hashmap_init(&o->map);
	o->hash = hash;
}

static void owner_free(struct owner *o)
{
	free(o->keys);
	hashmap_free(&o->map);
}

static long owner_find(const struct owner *o, const char *key)
{
	uint32_t pos;
	for (struct hashmap_probe p = hashmap_probe(&o->map, o->hash(key));
	     hashmap_probe_next(&p, &pos);)
		if (strcmp(o->keys[pos], key) == 0)
			return (long)pos;
	return -1;
}

static void owner_add(struct owner *o, const char *key)
{
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 8;
		o->keys = realloc(o->keys, o->cap * sizeof *o->keys);
		assert_non_null(o->keys);
	}
	snprintf(o->keys[o->n], KEY_MAX, "%s", key);
	assert_true(hashmap_insert(&o->map, o->hash(key), (uint32_t)o->n));
	o->n++;
}

static void owner_remove_at(struct owner *o, size_t pos)
{
	assert_true(hashmap_remove(&o->map, o->hash(o->keys[pos]), (uint32_t)pos));
	size_t last = --o->n;
	if (pos != last) {
		memcpy(o->keys[pos], o->keys[last], KEY_MAX);
		assert_true(
		    hashmap_move(&o->map, o->hash(o->keys[pos]), (uint32_t)last, (uint32_t)pos));
	}
}

/* Every item is found at its position, and the map holds nothing else. */
static void assert_consistent(const struct owner *o)
{
	assert_int_equal(o->map.count, o->n);
	for (size_t i = 0; i < o->n; i++)
		assert_int_equal(owner_find(o, o->keys[i]), (long)i);
}

static void key_of(char *buf, int i)
{
	snprintf(buf, KEY_MAX, "00339721%05d", i);
}

static void test_insert_find(void **state)
{
	(void)state;
	struct owner o;
	owner_init(&o, real_hash);
	char key[KEY_MAX];
	assert_int_equal(owner_find(&o, "absent"), -1); /* an empty map answers too */
	for (int i = 0; i < 1000; i++) {
		key_of(key, i);
		owner_add(&o, key);
	}
	assert_consistent(&o);
	key_of(key, 1000);
	assert_int_equal(owner_find(&o, key), -1);
	assert_int_equal(owner_find(&o, ""), -1);
	owner_free(&o);
}

static void test_delete(void **state)
{
	(void)state;
	struct owner o;
	owner_init(&o, real_hash);
	char key[KEY_MAX];
	for (int i = 0; i < 500; i++) {
		key_of(key, i);
		owner_add(&o, key);
	}
	for (int i = 0; i < 500; i += 2) {
		key_of(key, i);
		long pos = owner_find(&o, key);
		assert_true(pos >= 0);
		owner_remove_at(&o, (size_t)pos);
		assert_int_equal(owner_find(&o, key), -1);
	}
	assert_consistent(&o);
	for (int i = 1; i < 500; i += 2) {
		key_of(key, i);
		assert_true(owner_find(&o, key) >= 0);
	}
	/* removing what is not there changes nothing */
	assert_false(hashmap_remove(&o.map, real_hash("nothing"), 3));
	assert_false(hashmap_move(&o.map, real_hash("nothing"), 3, 4));
	assert_consistent(&o);
	owner_free(&o);
}

static void test_growth(void **state)
{
	(void)state;
	struct owner o;
	owner_init(&o, real_hash);
	char key[KEY_MAX];
	size_t grew = 0, cap = 0;
	for (int i = 0; i < 20000; i++) {
		key_of(key, i);
		owner_add(&o, key);
		assert_true(o.map.count * 2 <= o.map.cap);        /* at most half full */
		assert_int_equal(o.map.cap & (o.map.cap - 1), 0); /* a power of two */
		if (o.map.cap != cap)
			grew++, cap = o.map.cap;
	}
	assert_true(grew >= 10);
	assert_consistent(&o);
	/* a reserve made ahead means no growth while adding */
	struct hashmap m;
	hashmap_init(&m);
	assert_true(hashmap_reserve(&m, 1000));
	size_t reserved = m.cap;
	for (uint32_t i = 0; i < 1000; i++)
		assert_true(hashmap_insert(&m, i, i));
	assert_int_equal(m.cap, reserved);
	hashmap_clear(&m);
	assert_int_equal(m.count, 0);
	uint32_t v;
	size_t cursor = 0;
	assert_false(hashmap_next(&m, &cursor, &v));
	hashmap_free(&m);
	owner_free(&o);
}

static void test_collisions(void **state)
{
	(void)state;
	uint64_t (*hashes[])(const char *) = {same_hash, few_hashes};
	for (size_t h = 0; h < 2; h++) {
		struct owner o;
		owner_init(&o, hashes[h]);
		char key[KEY_MAX];
		for (int i = 0; i < 300; i++) {
			key_of(key, i);
			owner_add(&o, key);
		}
		assert_consistent(&o);
		/* remove from the middle of the runs, then from their heads */
		for (int i = 100; i < 200; i++) {
			key_of(key, i);
			owner_remove_at(&o, (size_t)owner_find(&o, key));
		}
		assert_consistent(&o);
		for (int i = 0; i < 50; i++) {
			key_of(key, i);
			owner_remove_at(&o, (size_t)owner_find(&o, key));
		}
		assert_consistent(&o);
		for (int i = 0; i < 300; i++) {
			key_of(key, i);
			assert_int_equal(owner_find(&o, key) >= 0,
			                 i >= 200 || (i >= 50 && i < 100));
		}
		owner_free(&o);
	}
}

/* Random inserts and deletes against a plain array, with few hashes so that runs wrap. */
static void test_random_against_reference(void **state)
{
	(void)state;
	struct owner o;
	owner_init(&o, few_hashes);
	srand(7);
	char key[KEY_MAX];
	for (int step = 0; step < 20000; step++) {
		key_of(key, rand() % 400);
		long pos = owner_find(&o, key);
		long scan = -1;
		for (size_t i = 0; i < o.n; i++)
			if (strcmp(o.keys[i], key) == 0)
				scan = (long)i;
		assert_int_equal(pos, scan);
		if (pos >= 0)
			owner_remove_at(&o, (size_t)pos);
		else
			owner_add(&o, key);
	}
	assert_consistent(&o);
	owner_free(&o);
}

static void test_iteration(void **state)
{
	(void)state;
	struct owner o;
	owner_init(&o, real_hash);
	char key[KEY_MAX];
	for (int i = 0; i < 777; i++) {
		key_of(key, i);
		owner_add(&o, key);
	}
	char *seen = calloc(o.n, 1);
	assert_non_null(seen);
	size_t cursor = 0, visits = 0;
	uint32_t pos;
	while (hashmap_next(&o.map, &cursor, &pos)) {
		assert_true(pos < o.n);
		assert_int_equal(seen[pos], 0);
		seen[pos] = 1;
		visits++;
	}
	assert_int_equal(visits, o.n);
	free(seen);
	owner_free(&o);
}

/* Walking the owner's array while items leave (swap-remove) and arrive: every item is seen
 * once, the map follows every move. */
static void test_iteration_while_changing(void **state)
{
	(void)state;
	struct owner o;
	owner_init(&o, real_hash);
	char key[KEY_MAX];
	for (int i = 0; i < 1000; i++) {
		key_of(key, i);
		owner_add(&o, key);
	}
	int visited = 0, added = 0;
	for (size_t i = 0; i < o.n;) {
		int number = atoi(o.keys[i] + 8);
		visited++;
		if (number % 3 == 0) {
			owner_remove_at(&o, i); /* the last item moved here: look at i again */
		} else {
			if (number % 10 == 1 && number < 1000) {
				key_of(key, 1000 + number); /* arrives at the end: seen later */
				owner_add(&o, key);
				added++;
			}
			i++;
		}
		assert_int_equal(o.map.count, o.n);
	}
	assert_int_equal(visited, 1000 + added);
	assert_consistent(&o);
	for (int i = 0; i < 1000; i++) {
		key_of(key, i);
		assert_int_equal(owner_find(&o, key) >= 0, i % 3 != 0);
	}
	owner_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_insert_find),
	    cmocka_unit_test(test_delete),
	    cmocka_unit_test(test_growth),
	    cmocka_unit_test(test_collisions),
	    cmocka_unit_test(test_random_against_reference),
	    cmocka_unit_test(test_iteration),
	    cmocka_unit_test(test_iteration_while_changing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
