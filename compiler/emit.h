/* emit: rendered migrations -> files in a runner's migrations folder,
 * through one table of targets.
 *
 * A target decides versions (four-digit numbers or 14-digit UTC timestamps),
 * file names and folders, where rollbacks go, whether partc wraps a file in
 * BEGIN/COMMIT, and the runner's marker for a file that must run outside a
 * transaction block.  partc.lock (lockfile.h) records every file written:
 * recorded versions are reused, new migrations get versions after both the
 * record and every migration already in the folder.
 *
 * emit_layout lays the files out and compares each with the folder and the
 * record; emit_write writes (all or nothing: every file is checked first,
 * written under a temporary name and renamed, the record last, and a failure
 * midway removes what this run renamed into place); emit_check reports how
 * the folder differs from the specs and the record.  Both refuse a drift (a
 * recorded file the specs now compile to other content; the diag carries a
 * diff of the file on disk against it) and a migration the record holds but
 * no spec compiles to any more.  emit is the only module that writes
 * files. */
#ifndef PARTC_EMIT_H
#define PARTC_EMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "lockfile.h"
#include "plan.h"

typedef enum {
    FS_NEW,       /* not recorded and absent: to write */
    FS_SAME,      /* on disk with exactly the content partc renders */
    FS_RESTORE,   /* recorded, deleted, and the specs render what was recorded */
    FS_OVERWRITE, /* not recorded, on disk with other content */
    FS_EDITED,    /* recorded, on disk with content other than recorded */
    FS_DRIFT,     /* recorded, and the specs now render other content */
    FS_LOCK_DIFFERS, /* on disk as the specs render it, but recorded with another digest */
    FS_UNREADABLE
} file_state;

typedef struct emit_file {
    const char *rel;     /* relative to the folder, as partc.lock records it */
    const char *path;    /* the folder joined with rel */
    const char *content;
    char sha256[65];
    const char *version, *name; /* the migration's; NULL for a support file */
    int64_t as_of;
    const char *support_line;   /* support file: an existing one must hold this line */
    const lock_entry *recorded;
    file_state state;
    int read_errno;             /* FS_UNREADABLE: why */
    bool kept_missing;          /* a kept runtime file (plan's kept) that is not on disk */
} emit_file;

struct target;

typedef struct emit_set {
    emit_file *v;
    size_t n, cap;
    arena *a;
    const struct target *tg;
    const char *out;
    lockfile *lock;
    const migration *m; /* the migration being laid out */
    const char *version;
    const char **made_dirs; /* folders emit_write created, to remove on failure */
    size_t nmade, capmade;
} emit_set;

typedef enum { VERSIONS_SEQ4, VERSIONS_TS14 } version_style;

typedef struct target {
    const char *name;
    const char *default_out;
    const char *layout;     /* one line for --help and the README */
    bool wrap_tx;           /* partc writes BEGIN/COMMIT in up files (the runner does not) */
    bool wrap_down_tx;      /* ... and in rollback files (run with psql -f, or by a runner that opens none) */
    version_style versions;
    char version_prefix;    /* the letter before a version ('V' for Flyway), or 0 */
    const char *lock_at;    /* partc.lock, relative to the folder */
    /* Adds the files of migration m at version v (emit_add). */
    void (*files)(emit_set *es, const char *v, const char *name, const migration *m, const char *up,
                  const char *down);
    void (*support)(emit_set *es); /* files the runner needs once, or NULL */
} target;

extern const target emit_targets[];
extern const size_t emit_ntargets;
const target *emit_find_target(const char *name);
/* Where partc.lock of folder out lives. */
const char *emit_lock_path(arena *a, const target *tg, const char *out);

void emit_set_init(emit_set *es, arena *a, const target *tg, const char *out, lockfile *lock);
/* Adds a file of the migration being laid out, rel relative to the folder. */
void emit_add(emit_set *es, const char *rel, const char *content);
/* A file-name-safe form of a migration name: [A-Za-z0-9_] kept, others '_'. */
const char *emit_safe_name(arena *a, const char *name);

/* Gives every migration of p its version and files (up[i] and down[i] are
 * the SQL of p->v[i]); new versions start at version_base (an instant) or
 * after the last recorded or present one, whichever is later.  Then
 * compares every file with the folder and the record.  Returns 0, or -1 with
 * diags when the folder cannot take new versions. */
int emit_layout(emit_set *es, const plan *p, const char *const *up, const char *const *down,
                int64_t version_base, diags *d);

typedef struct emit_result {
    size_t written, restored, unchanged;
    bool lock_written;
} emit_result;

/* Writes new and deleted-but-recorded files and the record; writes nothing
 * when a file would be overwritten, was edited or drifted, or a recorded
 * migration is no longer compiled.  Returns 0, or -1 with diags (a file
 * system failure among them has the code io-error). */
int emit_write(emit_set *es, emit_result *res, diags *d);

/* Adds an error for every difference between the specs, the folder and the
 * record; returns how many. */
size_t emit_check(const emit_set *es, emit_result *res, diags *d);

/* Would migration m, rendered as up and down under the version partc.lock
 * records for it, lay out to files other than the ones the record holds? */
bool emit_differs_from_lock(arena *a, const struct target *tg, const char *out, lockfile *lock,
                            const migration *m, const char *up, const char *down);

#endif
