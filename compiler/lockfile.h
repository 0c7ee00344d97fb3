/* lockfile: partc.lock, the record of what partc compile wrote into a
 * migrations folder.
 *
 * One line per emitted file: the migration's version and name, the --as-of
 * instant its partitions were planned for, the SHA-256 of the file and its
 * path relative to the folder.  compile reuses the recorded versions and
 * as-of instants, so compiling again rewrites nothing and only adds what is
 * new; check compares the specs, the folder and this record.  The text is a
 * function of the entries alone (sorted), so the same record is the same
 * bytes.
 *
 * A state record follows the file lines: after the migration of that version
 * and name, a table is as the spec written under it (canonical YAML, its
 * lines indented by two spaces).  A table's first state is the spec its first
 * migrations were compiled from; each later one, the spec a change migration
 * brought it to.  So partc knows what the folder's migrations produce
 * without a database. */
#ifndef PARTC_LOCKFILE_H
#define PARTC_LOCKFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "strmap.h"

#define LOCK_FILE_NAME "partc.lock"

typedef struct lock_entry {
    const char *version; /* digits: 14 (a UTC timestamp) or 4 (plain) */
    const char *name;    /* migration name, e.g. "jobs_prepare" */
    int64_t as_of;
    const char *sha256;  /* 64 lowercase hex digits */
    const char *path;    /* relative to the folder; "../rollbacks/..." for siblings */
    int line;            /* in the lock file; 0 for entries added by this run */
} lock_entry;

typedef struct lock_state {
    const char *version;
    const char *name;  /* the migration after which the table is in this state */
    const char *text;  /* "<table>:\n  <key>: ...": the table's spec, canonical */
    int line;          /* in the lock file; 0 for states added by this run */
} lock_state;

typedef struct lockfile {
    const char *path;   /* <folder>/partc.lock (Supabase: beside the folder) */
    bool present;       /* the file existed */
    const char *target; /* the target it was written for */
    lock_entry *v;
    size_t n, cap;
    lock_state *st;
    size_t nst, capst;
    arena *a;
    strmap by_path, by_name; /* -> index + 1 of the first entry */
} lockfile;

/* Reads the record at path; a missing file gives an empty record.  Returns
 * 0, or -1 with diags: a malformed record, or (code io-error) a file that
 * cannot be read. */
int lock_read(lockfile *lk, arena *a, const char *path, diags *d);

lock_entry *lock_add(lockfile *lk, const char *version, const char *name, int64_t as_of,
                     const char *sha256, const char *path);
const lock_entry *lock_find_path(const lockfile *lk, const char *path);
/* The first entry of a migration, by name. */
const lock_entry *lock_find_name(const lockfile *lk, const char *name);

lock_state *lock_add_state(lockfile *lk, const char *version, const char *name, const char *text);

/* The lock's text, entries sorted by version then path. */
const char *lock_text(const lockfile *lk);

#endif
