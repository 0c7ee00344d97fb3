#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK (64 * 1024)
#define ARENA_ALIGN 16

struct block {
    struct block *next;
    size_t size, used;
    unsigned char data[];
};

/* Two kinds of blocks: aligned, zeroed memory for structs and arrays
 * (head), and strings, packed without alignment (str).  A spec set of
 * 10,000 tables holds about a million short strings (keys, names, values),
 * which would otherwise take 16-byte slots. */
struct arena {
    struct block *head;
    struct block *str;
};

static void oom(void)
{
    fputs("partc: fatal: out of memory\n", stderr);
    abort();
}

arena *arena_new(void)
{
    arena *a = calloc(1, sizeof *a);
    if (!a)
        oom();
    return a;
}

static void free_blocks(struct block *b)
{
    while (b) {
        struct block *next = b->next;
        free(b);
        b = next;
    }
}

void arena_free(arena *a)
{
    if (!a)
        return;
    free_blocks(a->head);
    free_blocks(a->str);
    free(a);
}

void *arena_alloc(arena *a, size_t n)
{
    size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (need < n)
        oom();
    struct block *b = a->head;
    if (!b || b->size - b->used < need) {
        size_t size = need > ARENA_BLOCK ? need : ARENA_BLOCK;
        /* zeroed once here (calloc skips memory that is fresh from the
         * system): no byte of a block is handed out twice, so what
         * arena_alloc returns is zero without a memset per allocation */
        b = calloc(1, sizeof *b + size);
        if (!b)
            oom();
        b->size = size;
        b->used = 0;
        if (a->head && need > ARENA_BLOCK / 4) {
            /* big one-off: keep the current block for small allocations */
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = b->data + b->used;
    b->used += need;
    return p;
}

/* n bytes for a string, unaligned and not zeroed. */
static char *str_alloc(arena *a, size_t n)
{
    struct block *b = a->str;
    if (!b || b->size - b->used < n) {
        size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        b = malloc(sizeof *b + size);
        if (!b)
            oom();
        b->size = size;
        b->used = 0;
        if (a->str && n > ARENA_BLOCK / 4) {
            /* big one-off: keep the current block for short strings */
            b->next = a->str->next;
            a->str->next = b;
        } else {
            b->next = a->str;
            a->str = b;
        }
    }
    char *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

void *arena_calloc(arena *a, size_t n, size_t sz)
{
    if (sz && n > SIZE_MAX / sz)
        oom();
    return arena_alloc(a, n * sz);
}

void *arena_grow(arena *a, void *old, size_t old_n, size_t new_n, size_t sz)
{
    void *p = arena_calloc(a, new_n, sz);
    if (old && old_n)
        memcpy(p, old, (old_n < new_n ? old_n : new_n) * sz);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        oom();
    char *p = str_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_vprintf(arena *a, const char *fmt, va_list ap)
{
    /* one pass when the text fits in the current string block: format it in
     * place and take the bytes; else measure, and format into an allocation
     * of the right size */
    struct block *b = a->str;
    if (b && b->size - b->used > 1) {
        size_t avail = b->size - b->used;
        char *p = (char *)b->data + b->used;
        va_list cp;
        va_copy(cp, ap);
        int n = vsnprintf(p, avail, fmt, cp);
        va_end(cp);
        if (n < 0)
            oom();
        if ((size_t)n < avail) {
            b->used += (size_t)n + 1;
            return p;
        }
    }
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        oom();
    char *p = str_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

