/* srcfile: the bytes of one input file and its line map, kept so that a
 * diagnostic can show the source line under its message.
 *
 * srcfile_read never prints; it returns NULL and sets *err (a static string)
 * when the file cannot be read.  The returned srcfile and its bytes are owned
 * by the arena passed in. */
#ifndef PARTC_SRCFILE_H
#define PARTC_SRCFILE_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* Inputs larger than this are refused before parsing. */
#define SRCFILE_MAX_BYTES (64u * 1024u * 1024u)

typedef struct srcfile {
    const char *path;
    const char *bytes; /* NUL-terminated copy; may contain NULs inside */
    size_t len;
    size_t *line_start; /* offsets of line starts; built on first use */
    size_t nlines;
    arena *a; /* where the line map is built */
} srcfile;

/* A set of files, looked up by path for excerpts. */
typedef struct srcset {
    srcfile **v;
    size_t n, cap;
    arena *a;
} srcset;

srcfile *srcfile_read(arena *a, const char *path, const char **err);
/* The length of the UTF-8 sequence at s (n bytes left) and its code point in
 * *cp; 0 when it is not valid UTF-8 (overlong, surrogate, cut short). */
size_t srcfile_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* Build from memory (tests, fuzzing). */
srcfile *srcfile_from_bytes(arena *a, const char *path, const char *bytes, size_t len);
/* Line `line` (1-based) without its newline; NULL when out of range. */
const char *srcfile_line(srcfile *sf, int line, size_t *len);

void srcset_add(srcset *ss, srcfile *sf);
srcfile *srcset_find(const srcset *ss, const char *path);

#endif
