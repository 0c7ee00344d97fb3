#include "strmap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* FNV-1a with a final mix: FNV's low bits cluster on similar names, and the
 * slot is taken from the low bits. */
static uint64_t hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

static void *slots(const strmap *m, size_t n, size_t size)
{
    if (m->a)
        return arena_calloc(m->a, n, size);
    void *p = calloc(n, size);
    if (!p) {
        fputs("partc: fatal: out of memory\n", stderr);
        abort();
    }
    return p;
}

static void alloc_slots(strmap *m, size_t expect)
{
    m->cap = 16;
    while (m->cap < 2 * expect + 2)
        m->cap *= 2;
    m->n = 0;
    m->k = slots(m, m->cap, sizeof *m->k);
    m->klen = slots(m, m->cap, sizeof *m->klen);
    m->v = slots(m, m->cap, sizeof *m->v);
}

void strmap_init(strmap *m, arena *a, size_t expect)
{
    m->a = a;
    alloc_slots(m, expect);
}

void strmap_init_heap(strmap *m, size_t expect)
{
    m->a = NULL;
    alloc_slots(m, expect);
}

void strmap_free(strmap *m)
{
    if (!m->a) {
        free(m->k);
        free(m->klen);
        free(m->v);
    }
    memset(m, 0, sizeof *m);
}

static size_t find(const strmap *m, const char *key, size_t len)
{
    size_t mask = m->cap - 1;
    size_t i = (size_t)hash(key, len) & mask;
    while (m->k[i] && !(m->klen[i] == len && memcmp(m->k[i], key, len) == 0))
        i = (i + 1) & mask;
    return i;
}

strmap_val *strmap_get(const strmap *m, const char *key, size_t len)
{
    if (!m->cap)
        return NULL;
    size_t i = find(m, key, len);
    return m->k[i] ? &m->v[i] : NULL;
}

strmap_val *strmap_slot(strmap *m, const char *key, size_t len)
{
    if (2 * (m->n + 1) > m->cap) {
        strmap old = *m;
        alloc_slots(m, old.n + 1);
        for (size_t i = 0; i < old.cap; i++)
            if (old.k[i]) {
                size_t j = find(m, old.k[i], old.klen[i]);
                m->k[j] = old.k[i];
                m->klen[j] = old.klen[i];
                m->v[j] = old.v[i];
                m->n++;
            }
        if (!old.a) {
            free(old.k);
            free(old.klen);
            free(old.v);
        }
    }
    size_t i = find(m, key, len);
    if (!m->k[i]) {
        m->k[i] = key;
        m->klen[i] = len;
        m->v[i].n = 0;
        m->n++;
    }
    return &m->v[i];
}

void *strmap_find(const strmap *m, const char *key)
{
    const strmap_val *v = strmap_get(m, key, strlen(key));
    return v ? v->p : NULL;
}

void strmap_put(strmap *m, arena *a, const char *key, void *p)
{
    if (!m->cap)
        strmap_init(m, a, 8);
    strmap_slot(m, key, strlen(key))->p = p;
}
