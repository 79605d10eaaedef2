/* json_arena.h: cJSON's short-lived trees in a per-thread arena.
 *
 * cJSON allocates every item, key and string of a tree on its own and frees them one by one;
 * for the tree of one received body, thrown away once read, that is half the cost of parsing
 * it. Between json_arena_begin() and json_arena_end(), cJSON's allocations on the calling
 * thread come from a bump arena and its frees of them do nothing; json_arena_end() takes back
 * everything at once. A tree parsed inside must not outlive it (nor be given to cJSON_Delete
 * after it). Other threads, and this one outside begin/end, allocate with malloc as usual.
 *
 * The arena works through cJSON_InitHooks, which is process-wide: json_arena_init() installs
 * the hooks and should run before any thread uses cJSON (json_arena_begin() also does, once).
 */
#ifndef CTIBOARD_JSON_ARENA_H
#define CTIBOARD_JSON_ARENA_H

void json_arena_init(void);
void json_arena_begin(void);
void json_arena_end(void);

/* Give back the calling thread's arena memory (threads do it when they exit). */
void json_arena_release(void);

#endif
