#include "srcfile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

srcfile *srcfile_from_bytes(arena *a, const char *path, const char *bytes, size_t len)
{
    srcfile *sf = arena_alloc(a, sizeof *sf);
    sf->path = arena_strdup(a, path);
    char *copy = arena_alloc(a, len + 1);
    if (len)
        memcpy(copy, bytes, len);
    copy[len] = '\0';
    sf->bytes = copy;
    sf->len = len;
    sf->a = a;
    return sf;
}

srcfile *srcfile_read(arena *a, const char *path, const char **err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        *err = strerror(errno);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        *err = "is a directory";
        return NULL;
    }
    if (st.st_size > (off_t)SRCFILE_MAX_BYTES) {
        *err = "file is larger than 64 MiB";
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = strerror(errno);
        return NULL;
    }
    size_t cap = (size_t)st.st_size + 1, len = 0;
    char *buf = arena_alloc(a, cap + 1);
    for (;;) {
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
        if (len == cap) {
            /* the file grew while we read it */
            if (cap >= SRCFILE_MAX_BYTES) {
                fclose(f);
                *err = "file is larger than 64 MiB";
                return NULL;
            }
            buf = arena_grow(a, buf, cap + 1, cap * 2 + 1, 1);
            cap *= 2;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        *err = "read error";
        return NULL;
    }
    buf[len] = '\0';
    srcfile *sf = arena_alloc(a, sizeof *sf);
    sf->path = arena_strdup(a, path);
    sf->bytes = buf;
    sf->len = len;
    sf->a = a;
    return sf;
}

static void build_lines(srcfile *sf)
{
    size_t n = 1;
    for (size_t i = 0; i < sf->len; i++)
        if (sf->bytes[i] == '\n')
            n++;
    sf->line_start = arena_calloc(sf->a, n, sizeof *sf->line_start);
    size_t k = 0;
    sf->line_start[k++] = 0;
    for (size_t i = 0; i < sf->len; i++)
        if (sf->bytes[i] == '\n')
            sf->line_start[k++] = i + 1;
    sf->nlines = n;
}

const char *srcfile_line(srcfile *sf, int line, size_t *len)
{
    if (!sf->line_start)
        build_lines(sf);
    if (line < 1 || (size_t)line > sf->nlines)
        return NULL;
    size_t s = sf->line_start[line - 1];
    size_t e = (size_t)line < sf->nlines ? sf->line_start[line] - 1 : sf->len;
    if (e > s && sf->bytes[e - 1] == '\r')
        e--;
    *len = e - s;
    return sf->bytes + s;
}

void srcset_add(srcset *ss, srcfile *sf)
{
    if (ss->n == ss->cap) {
        size_t cap = ss->cap ? ss->cap * 2 : 16;
        ss->v = arena_grow(ss->a, ss->v, ss->n, cap, sizeof *ss->v);
        ss->cap = cap;
    }
    ss->v[ss->n++] = sf;
}

srcfile *srcset_find(const srcset *ss, const char *path)
{
    if (!path)
        return NULL;
    for (size_t i = 0; i < ss->n; i++)
        if (strcmp(ss->v[i]->path, path) == 0)
            return ss->v[i];
    return NULL;
}
