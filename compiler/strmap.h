/* strmap: the one hash map: open addressing, from byte strings to pointers
 * or counts.  Its slots live in an arena, or on the heap for a map that grows
 * large (the old slots are then freed as it grows, and strmap_free releases
 * the rest).  Keys are not copied (the caller keeps them alive); a key is the
 * first len bytes of a string, so a prefix can be looked up without copying
 * it.  A zeroed strmap with its arena set is an empty map. */
#ifndef PARTC_STRMAP_H
#define PARTC_STRMAP_H

#include <stddef.h>

#include "arena.h"

/* A value: a pointer, or a count or index. */
typedef union strmap_val {
    void *p;
    size_t n;
} strmap_val;

typedef struct strmap {
    const char **k;
    size_t *klen;
    strmap_val *v;
    size_t cap, n;
    arena *a; /* NULL: the slots are on the heap */
} strmap;

/* An empty map sized for about expect keys, its slots in arena a. */
void strmap_init(strmap *m, arena *a, size_t expect);
/* The same with its slots on the heap; release them with strmap_free. */
void strmap_init_heap(strmap *m, size_t expect);
void strmap_free(strmap *m);
/* The value of key[0..len), or NULL when absent. */
strmap_val *strmap_get(const strmap *m, const char *key, size_t len);
/* The value of key[0..len), added (zero) when absent. */
strmap_val *strmap_slot(strmap *m, const char *key, size_t len);
/* NUL-terminated keys holding pointers: the pointer stored under key, or
 * NULL; and storing one (in a zeroed map too, which then uses arena a). */
void *strmap_find(const strmap *m, const char *key);
void strmap_put(strmap *m, arena *a, const char *key, void *p);

#endif
