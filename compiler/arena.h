/* arena: one bump allocator per compilation, freed once.
 *
 * Every string and struct of the model, the plan and the rendered SQL lives
 * in the arena of the run that made it; nothing is freed piecemeal.  Out of
 * memory is the one condition that aborts (with a message), because no
 * caller could do anything useful with it.  Not thread-safe. */
#ifndef PARTC_ARENA_H
#define PARTC_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct arena arena;

arena *arena_new(void);
void arena_free(arena *a);

/* Zeroed memory, aligned for any type; owned by the arena. */
void *arena_alloc(arena *a, size_t n);
/* Zeroed array of n elements of size sz, overflow-checked. */
void *arena_calloc(arena *a, size_t n, size_t sz);
/* Grow an arena array: returns a copy with room for new_n elements. */
void *arena_grow(arena *a, void *old, size_t old_n, size_t new_n, size_t sz);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap);

#endif
