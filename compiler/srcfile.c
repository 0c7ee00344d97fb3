#include "srcfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* What a file that is not a regular file is, for a message. */
static const char *not_regular(mode_t m)
{
    if (S_ISFIFO(m))
        return "not a regular file but a named pipe";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "not a regular file but a device";
    if (S_ISSOCK(m))
        return "not a regular file but a socket";
    return "not a regular file";
}

srcfile *srcfile_read(arena *a, const char *path, const char **err)
{
    /* Non-blocking, so that a named pipe without a writer cannot hang the
     * open; only a regular file is read (not a pipe, device or socket, which
     * can block or never end). */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        *err = strerror(errno);
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        *err = strerror(errno);
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        *err = S_ISDIR(st.st_mode) ? "is a directory" : not_regular(st.st_mode);
        close(fd);
        return NULL;
    }
    if (st.st_size > (off_t)SRCFILE_MAX_BYTES) {
        *err = "file is larger than 64 MiB";
        close(fd);
        return NULL;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        *err = strerror(errno);
        close(fd);
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

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if none. */
size_t srcfile_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned c = s[0];
    size_t w;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        w = 2; v = c & 0x1F; min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        w = 3; v = c & 0x0F; min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        w = 4; v = c & 0x07; min = 0x10000;
    } else
        return 0;
    if (n < w)
        return 0;
    for (size_t k = 1; k < w; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[k] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return w;
}

static size_t utf8_len(const unsigned char *s, size_t n)
{
    uint32_t cp;
    return srcfile_utf8_decode(s, n, &cp);
}

/* Bytes of a line checked for UTF-8: diagnostics show at most the first 200
 * bytes of a line, and checking whole lines would cost a long line's length
 * for every diagnostic on it. */
#define CHECKED_PREFIX 1024

/* The line itself when its first CHECKED_PREFIX bytes are valid UTF-8, else
 * a copy in which every byte there that is not part of a valid sequence is
 * '?': an excerpt never sends broken UTF-8 to a terminal, and its characters
 * stay one per column.  (A file with invalid UTF-8 is refused with one
 * diagnostic, so the copy is made once.) */
static const char *valid_utf8(srcfile *sf, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = len < CHECKED_PREFIX ? len : CHECKED_PREFIX;
    size_t i = 0, w = 0;
    while (i < n && (w = utf8_len(u + i, len - i)) != 0)
        i += w;
    if (i >= n)
        return s;
    char *copy = arena_alloc(sf->a, len + 1);
    memcpy(copy, s, len);
    copy[len] = '\0';
    for (; i < n; i += w ? w : 1) {
        w = utf8_len(u + i, len - i);
        if (!w)
            copy[i] = '?';
    }
    return copy;
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
    return valid_utf8(sf, sf->bytes + s, e - s);
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
