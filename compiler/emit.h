/* emit: rendered migrations -> files, through one table of targets.
 *
 * A target decides file names, folders and whether partc wraps a file in
 * BEGIN/COMMIT.  Writing is all or nothing: every file is checked first (an
 * existing file with other content is never overwritten: that is an error and
 * nothing is written), then written to a temporary name and renamed; a
 * failure midway removes what this run had renamed into place.  emit is the
 * only module that writes files. */
#ifndef PARTC_EMIT_H
#define PARTC_EMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "plan.h"

typedef struct emit_file {
    const char *path;
    const char *content;
} emit_file;

typedef struct emit_set {
    emit_file *v;
    size_t n, cap;
    arena *a;
} emit_set;

typedef struct target {
    const char *name;
    const char *default_out;
    const char *summary;
    bool wrap_tx; /* partc writes BEGIN/COMMIT (the runner does not) */
    /* Adds the up and down files of migration number i (0-based). */
    void (*files)(emit_set *es, const char *out, int64_t as_of, size_t i,
                  const migration *m, const char *up, const char *down);
} target;

extern const target emit_targets[];
extern const size_t emit_ntargets;
const target *emit_find_target(const char *name);

void emit_set_init(emit_set *es, arena *a);
void emit_add(emit_set *es, const char *path, const char *content);
/* A file-name-safe form of a migration name: [A-Za-z0-9_] kept, others '_'. */
const char *emit_safe_name(arena *a, const char *name);

typedef struct emit_result {
    size_t written, unchanged;
} emit_result;

/* Checks every file, then writes them.  Returns 0, or -1 with diags (code
 * "would-overwrite" or "io-error"); *io_error is set for file system
 * failures. */
int emit_write(const emit_set *es, emit_result *res, diags *d, bool *io_error);

#endif
