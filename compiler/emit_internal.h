/* emit_internal: what the files of emit share; nothing else includes it. */
#ifndef PARTC_EMIT_INTERNAL_H
#define PARTC_EMIT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "emit.h"
#include "strbuf.h"
#include "strmap.h"

/* What is on disk at a path, beside the content partc would write. */
enum { EXISTING_UNREADABLE = -2, EXISTING_OTHER = -1, EXISTING_ABSENT = 0, EXISTING_SAME = 1 };
/* One of EXISTING_* (errno says why when unreadable); *sha gets the digest
 * of what is on disk when it exists. */
int read_existing(const char *path, const char *content, char sha[65]);
/* The bytes of path into sb: 1 read, 0 absent, -2 unreadable (errno says why). */
int slurp(const char *path, strbuf *sb);
/* out joined with rel, each leading "../" of rel taking off a part of out. */
const char *join_out(arena *a, const char *out, const char *rel);

typedef struct entry {
    const char *name;    /* folder entry */
    const char *version; /* its digits */
    const char *rest;    /* what follows "<version>_" */
} entry;

entry *scan_folder(emit_set *es, size_t *n);
/* The names a folder entry has when partc.lock records it. */
void recorded_names(strmap *m, arena *a, const lockfile *lk);
bool recorded_entry(const strmap *recorded, const char *name);
/* Does a folder entry hold one of the migrations of names? */
bool entry_names_any(const entry *e, const strmap *names);
/* A 14-digit UTC version and its instant. */
bool ts14_instant(const char *v, int64_t *t);
const char *ts14(arena *a, int64_t t);
/* Errors for the files whose state stops a write (edited, drift, unreadable,
 * would overwrite...), and for recorded migrations the specs no longer
 * produce; each returns how many it reported. */
size_t report_states(const emit_set *es, diags *d);
size_t report_unproduced(const emit_set *es, diags *d);

#endif
