#include "emit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "calendar.h"
#include "sha256.h"
#include "strbuf.h"
#include "strmap.h"
#include "textdiff.h"

/* ---- targets ------------------------------------------------------------- */

#define ROLLBACKS "../rollbacks/"

static void emit_pair(emit_set *es, const char *stem, const char *up, const char *down)
{
    emit_add(es, arena_printf(es->a, "%s.up.sql", stem), up);
    emit_add(es, arena_printf(es->a, "%s.down.sql", stem), down);
}

static void plain_files(emit_set *es, const char *v, const char *name, const migration *m, const char *up,
                        const char *down)
{
    (void)m;
    emit_pair(es, arena_printf(es->a, "%s_%s", v, name), up, down);
}

/* Runners without down files: the rollback goes to a sibling folder that the
 * runner does not scan. */
static void supabase_files(emit_set *es, const char *v, const char *name, const migration *m, const char *up,
                           const char *down)
{
    (void)m;
    emit_add(es, arena_printf(es->a, "%s_%s.sql", v, name), up);
    emit_add(es, arena_printf(es->a, ROLLBACKS "%s_%s.down.sql", v, name), down);
}

static void prisma_files(emit_set *es, const char *v, const char *name, const migration *m, const char *up,
                         const char *down)
{
    (void)m;
    emit_add(es, arena_printf(es->a, "%s_%s/migration.sql", v, name), up);
    emit_add(es, arena_printf(es->a, ROLLBACKS "%s_%s.down.sql", v, name), down);
}

static void prisma_support(emit_set *es)
{
    emit_add(es, "migration_lock.toml",
             "# Prisma Migrate reads the provider of this folder's migrations here.\n"
             "provider = \"postgresql\"\n");
    es->v[es->n - 1].support_line = "provider = \"postgresql\"";
}

/* sqlx: a first line "-- no-transaction" runs that file outside its
 * transaction. */
static const char *sqlx_marked(emit_set *es, bool in_tx, const char *sql)
{
    return in_tx ? sql : arena_printf(es->a, "-- no-transaction\n%s", sql);
}

static void sqlx_files(emit_set *es, const char *v, const char *name, const migration *m, const char *up,
                       const char *down)
{
    emit_pair(es, arena_printf(es->a, "%s_%s", v, name), sqlx_marked(es, m->in_tx, up),
              sqlx_marked(es, m->down_in_tx, down));
}

/* golang-migrate sends a file as one simple query and opens no transaction
 * of its own: a file of many statements is one implicit transaction, a file
 * of one statement runs alone. */
static void golang_files(emit_set *es, const char *v, const char *name, const migration *m, const char *up,
                         const char *down)
{
    (void)m;
    emit_pair(es, arena_printf(es->a, "%s_%s", v, name), up, down);
}

/* dbmate: one file, both sections, each with its own transaction option. */
static void dbmate_files(emit_set *es, const char *v, const char *name, const migration *m, const char *up,
                         const char *down)
{
    emit_add(es, arena_printf(es->a, "%s_%s.sql", v, name),
             arena_printf(es->a, "-- migrate:up%s\n%s\n-- migrate:down%s\n%s", m->in_tx ? "" : " transaction:false",
                          up, m->down_in_tx ? "" : " transaction:false", down));
}

/* Flyway: V and U (undo) files; a script configuration beside a file turns
 * its transaction off. */
static void flyway_files(emit_set *es, const char *v, const char *name, const migration *m, const char *up,
                         const char *down)
{
    static const char conf[] = "executeInTransaction=false\n";
    const char *vf = arena_printf(es->a, "V%s__%s.sql", v, name);
    const char *uf = arena_printf(es->a, "U%s__%s.sql", v, name);
    emit_add(es, vf, up);
    if (!m->in_tx)
        emit_add(es, arena_printf(es->a, "%s.conf", vf), conf);
    /* an undo file holds its own BEGIN/COMMIT, so that it is one transaction
     * whether Flyway or psql -f runs it: Flyway must not open another */
    emit_add(es, uf, down);
    emit_add(es, arena_printf(es->a, "%s.conf", uf), conf);
}

const target emit_targets[] = {
    {"plain", "out", "NNNN_<name>.up.sql and .down.sql; partc writes BEGIN/COMMIT", true, true, VERSIONS_SEQ4, 0,
     LOCK_FILE_NAME, plain_files, NULL},
    {"supabase", "supabase/migrations",
     "<version>_<name>.sql; rollbacks in ../rollbacks/<version>_<name>.down.sql", false, true, VERSIONS_TS14, 0,
     "../" LOCK_FILE_NAME, supabase_files, NULL},
    {"prisma", "prisma/migrations",
     "<version>_<name>/migration.sql and migration_lock.toml; rollbacks in ../rollbacks/", false, true, VERSIONS_TS14, 0,
     LOCK_FILE_NAME, prisma_files, prisma_support},
    {"sqlx", "migrations", "<version>_<name>.up.sql and .down.sql; '-- no-transaction' first where needed", false,
     false, VERSIONS_TS14, 0, LOCK_FILE_NAME, sqlx_files, NULL},
    {"golang-migrate", "migrations", "<version>_<name>.up.sql and .down.sql", false, false, VERSIONS_TS14, 0,
     LOCK_FILE_NAME, golang_files, NULL},
    {"dbmate", "db/migrations",
     "<version>_<name>.sql with '-- migrate:up' and '-- migrate:down' sections ('transaction:false' where needed)",
     false, false, VERSIONS_TS14, 0, LOCK_FILE_NAME, dbmate_files, NULL},
    {"flyway", "db/migration",
     "V<version>__<name>.sql and undo U<version>__<name>.sql; a .sql.conf with executeInTransaction=false where needed",
     false, true, VERSIONS_TS14, 'V', LOCK_FILE_NAME, flyway_files, NULL},
};
const size_t emit_ntargets = sizeof emit_targets / sizeof emit_targets[0];

const target *emit_find_target(const char *name)
{
    for (size_t i = 0; i < emit_ntargets; i++)
        if (strcmp(emit_targets[i].name, name) == 0)
            return &emit_targets[i];
    return NULL;
}

static const char *join_out(arena *a, const char *out, const char *rel);
static const char *trim_slashes(arena *a, const char *dir);

const char *emit_lock_path(arena *a, const target *tg, const char *out)
{
    return join_out(a, trim_slashes(a, out), tg->lock_at);
}

/* ---- file set ------------------------------------------------------------ */

static const char *trim_slashes(arena *a, const char *dir)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    return arena_strndup(a, dir, n);
}

/* out joined with rel, each leading "../" of rel taking off a last part of
 * out where it can: "supabase/migrations" + "../rollbacks/x" gives
 * "supabase/rollbacks/x". */
static const char *join_out(arena *a, const char *out, const char *rel)
{
    char *base = arena_strdup(a, out);
    while (strncmp(rel, "../", 3) == 0) {
        char *slash = strrchr(base, '/');
        const char *last = slash ? slash + 1 : base;
        if (!strcmp(last, "..") || !strcmp(last, ".") || !*last)
            break;
        if (slash == base) {
            base[1] = '\0';
            rel += 3;
            return arena_printf(a, "/%s", rel);
        }
        if (slash)
            *slash = '\0';
        else
            base[0] = '\0';
        rel += 3;
        if (!base[0])
            return arena_strdup(a, rel);
    }
    return arena_printf(a, "%s/%s", base, rel);
}

void emit_set_init(emit_set *es, arena *a, const target *tg, const char *out, lockfile *lock)
{
    memset(es, 0, sizeof *es);
    es->a = a;
    es->tg = tg;
    es->out = trim_slashes(a, out);
    es->lock = lock;
}

void emit_add(emit_set *es, const char *rel, const char *content)
{
    if (es->n == es->cap) {
        size_t cap = es->cap ? es->cap * 2 : 32;
        es->v = arena_grow(es->a, es->v, es->n, cap, sizeof *es->v);
        es->cap = cap;
    }
    emit_file *f = &es->v[es->n++];
    memset(f, 0, sizeof *f);
    f->rel = rel;
    f->path = join_out(es->a, es->out, rel);
    f->content = content;
    sha256_hex(content, strlen(content), f->sha256);
    if (es->m) {
        f->version = es->version;
        f->name = es->m->name;
        f->as_of = es->m->as_of;
    }
}

const char *emit_safe_name(arena *a, const char *name)
{
    char *s = arena_strdup(a, name);
    for (char *p = s; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
            *p = '_';
    }
    return s;
}

/* ---- the folder ---------------------------------------------------------- */

/* The bytes of path into sb: 1 read, 0 absent, -2 unreadable. */
static int slurp(const char *path, strbuf *sb)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT || errno == ENOTDIR ? 0 : -2;
    char buf[16384];
    size_t got;
    errno = 0;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
        sb_add(sb, buf, got);
    int bad = ferror(f);
    int err = errno ? errno : EIO;
    fclose(f);
    errno = err; /* what stopped the read, for the caller's message */
    return bad ? -2 : 1;
}

/* 1 same content, 0 absent, -1 other content, -2 unreadable (errno says
 * why); *sha gets the digest of what is on disk when it exists. */
static int read_existing(const char *path, const char *content, char sha[65])
{
    strbuf sb = STRBUF_INIT;
    int rc = slurp(path, &sb);
    if (rc != 1) {
        int err = errno;
        sb_free(&sb);
        errno = err;
        return rc;
    }
    sha256_hex(sb_str(&sb), sb.len, sha);
    int same = content && sb.len == strlen(content) && memcmp(sb_str(&sb), content, sb.len) == 0;
    sb_free(&sb);
    return same ? 1 : -1;
}

typedef struct entry {
    const char *name;    /* folder entry */
    const char *version; /* its digits */
    const char *rest;    /* what follows "<version>_" */
} entry;

/* The version digits of a folder entry as the target names migrations:
 * "<digits>_..." or, with a prefix letter, "V<digits>__...". */
static bool entry_version(const target *tg, const char *name, size_t *start, size_t *len, size_t *rest)
{
    size_t i = 0;
    if (tg->version_prefix) {
        if (name[0] != tg->version_prefix)
            return false;
        i = 1;
    }
    size_t d = strspn(name + i, "0123456789");
    if (d == 0 || name[i + d] != '_')
        return false;
    *start = i;
    *len = d;
    *rest = i + d + (tg->version_prefix ? (name[i + d + 1] == '_' ? 2 : 1) : 1);
    return true;
}

static int entry_cmp(const void *x, const void *y)
{
    return strcmp(((const entry *)x)->name, ((const entry *)y)->name);
}

static entry *scan_folder(emit_set *es, size_t *n)
{
    *n = 0;
    DIR *dir = opendir(es->out);
    if (!dir)
        return NULL;
    size_t cap = 0;
    entry *v = NULL;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        size_t s, l, r;
        if (!entry_version(es->tg, de->d_name, &s, &l, &r))
            continue;
        if (*n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            v = arena_grow(es->a, v, *n, nc, sizeof *v);
            cap = nc;
        }
        v[*n].name = arena_strdup(es->a, de->d_name);
        v[*n].version = arena_strndup(es->a, de->d_name + s, l);
        v[*n].rest = v[*n].name + r;
        (*n)++;
    }
    closedir(dir);
    /* readdir order is the file system's: sort for stable messages (the
     * names of one folder differ, so the order is total) */
    if (*n > 1)
        qsort(v, *n, sizeof *v, entry_cmp);
    return v;
}

/* The names a folder entry has when partc.lock records it: every recorded
 * path, and every leading part of one that ends before a '/' (a folder that
 * holds recorded files). */
static void recorded_names(strmap *m, arena *a, const lockfile *lk)
{
    strmap_init(m, a, 2 * lk->n);
    for (size_t i = 0; i < lk->n; i++) {
        const char *p = lk->v[i].path;
        strmap_slot(m, p, strlen(p))->n = 1;
        for (const char *q = strchr(p, '/'); q; q = strchr(q + 1, '/'))
            strmap_slot(m, p, (size_t)(q - p))->n = 1;
    }
}

/* Is a folder entry a file (or folder) that partc.lock records? */
static bool recorded_entry(const strmap *recorded, const char *name)
{
    return strmap_get(recorded, name, strlen(name)) != NULL;
}

static bool ts14_instant(const char *v, int64_t *t)
{
    if (strlen(v) != 14 || strspn(v, "0123456789") != 14)
        return false;
    char buf[21];
    snprintf(buf, sizeof buf, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s", v, v + 4, v + 6, v + 8, v + 10, v + 12);
    return cal_parse_instant(buf, t) == CAL_OK;
}

static const char *ts14(arena *a, int64_t t)
{
    cal_tm tm;
    cal_split(t, &tm);
    return arena_printf(a, "%04d%02d%02d%02d%02d%02d", tm.year, tm.month, tm.day, tm.hour, tm.minute, tm.second);
}

/* Does a folder entry hold one of the migrations of names?  It holds a
 * migration under the text after its version up to a '.', a '/' or the
 * end. */
static bool entry_names_any(const entry *e, const strmap *names)
{
    for (size_t j = 0;; j++) {
        char c = e->rest[j];
        if ((c == '\0' || c == '.' || c == '/') && strmap_get(names, e->rest, j))
            return true;
        if (c == '\0')
            return false;
    }
}

int emit_layout(emit_set *es, const plan *p, const char *const *up, const char *const *down,
                int64_t version_base, diags *d)
{
    arena *a = es->a;
    const target *tg = es->tg;
    lockfile *lk = es->lock;
    int rc = 0;
    size_t nent = 0;
    entry *ent = scan_folder(es, &nent);

    /* which entries the record holds, and the file names of the planned
     * migrations: looked up, not scanned, per entry and per migration */
    strmap recorded;
    recorded_names(&recorded, a, lk);
    bool *rec_ent = arena_calloc(a, nent + 1, sizeof *rec_ent);
    for (size_t i = 0; i < nent; i++)
        rec_ent[i] = recorded_entry(&recorded, ent[i].name);
    const char **safe = arena_calloc(a, p->n + 1, sizeof *safe);
    strmap planned_names;
    strmap_init(&planned_names, a, p->n);
    for (size_t k = 0; k < p->n; k++) {
        safe[k] = emit_safe_name(a, p->v[k].name);
        strmap_slot(&planned_names, safe[k], strlen(safe[k]))->n = 1;
    }
    /* the entries the record does not hold, by every name they can hold a
     * migration under: name -> first of a list in folder order */
    strmap by_name;
    strmap_init(&by_name, a, nent);
    size_t *next_ent = arena_calloc(a, nent + 1, sizeof *next_ent);
    size_t npairs = 0, cappairs = nent + 1;
    size_t *pair_ent = arena_calloc(a, cappairs, sizeof *pair_ent);
    for (size_t i = nent; i-- > 0;) {
        if (rec_ent[i])
            continue;
        for (size_t j = 0;; j++) {
            char c = ent[i].rest[j];
            if (c == '\0' || c == '.' || c == '/') {
                if (npairs == cappairs) {
                    pair_ent = arena_grow(a, pair_ent, npairs, cappairs * 2, sizeof *pair_ent);
                    next_ent = arena_grow(a, next_ent, npairs, cappairs * 2, sizeof *next_ent);
                    cappairs *= 2;
                }
                size_t *head = &strmap_slot(&by_name, ent[i].rest, j)->n;
                pair_ent[npairs] = i;
                next_ent[npairs] = *head; /* 0: the end; else pair + 1 */
                *head = ++npairs;
            }
            if (c == '\0')
                break;
        }
    }

    /* where new versions start: after every recorded version and every
     * version already in the folder */
    int64_t next = version_base;
    unsigned long long next_seq = 1;
    const char *wide = NULL;
    for (size_t i = 0; i < lk->n; i++) {
        int64_t t;
        if (tg->versions == VERSIONS_SEQ4) {
            unsigned long long s = strtoull(lk->v[i].version, NULL, 10);
            if (s + 1 > next_seq)
                next_seq = s + 1;
        } else if (ts14_instant(lk->v[i].version, &t) && t + 1 > next)
            next = t + 1;
    }
    /* migrations of the folder that partc did not record: new versions go
     * after them, unless they are one of the planned migrations (which is
     * either the very file partc writes or an error below) */
    for (size_t i = 0; i < nent; i++) {
        if (rec_ent[i])
            continue;
        if (entry_names_any(&ent[i], &planned_names))
            continue;
        int64_t t;
        if (tg->versions == VERSIONS_SEQ4) {
            unsigned long long s = strtoull(ent[i].version, NULL, 10);
            if (strlen(ent[i].version) <= 9 && s + 1 > next_seq)
                next_seq = s + 1;
        } else if (!ts14_instant(ent[i].version, &t)) {
            if (!wide)
                wide = ent[i].name;
        } else if (t + 1 > next)
            next = t + 1;
    }

    es->m = NULL;
    for (size_t i = 0; i < p->n; i++) {
        const migration *m = &p->v[i];
        const char *name = safe[i];
        const lock_entry *rec = lock_find_name(lk, m->name);
        const char *v;
        if (rec)
            v = rec->version;
        else if (tg->versions == VERSIONS_SEQ4)
            v = arena_printf(a, "%04llu", next_seq++);
        else {
            if (wide) {
                diag_add(d, SEV_ERROR, "mixed-versions", (srcloc){arena_printf(a, "%s/%s", es->out, wide), 0, 0},
                         "name every migration of the folder with a 14-digit UTC version (YYYYMMDDHHMMSS), or "
                         "compile into a folder of its own",
                         "'%s' has a version that is not a 14-digit UTC timestamp: partc's would sort out of "
                         "order among it",
                         wide);
                rc = -1;
                wide = NULL;
            }
            v = ts14(a, next++);
        }
        es->m = m;
        es->version = v;
        size_t first = es->n;
        tg->files(es, v, name, m, up[i], down[i]);
        if (rec)
            continue;
        /* the same migration under another version that the record does not
         * know: a second copy would run it twice (the entries that hold it,
         * in folder order) */
        const strmap_val *head = strmap_get(&by_name, name, strlen(name));
        for (size_t x = head ? head->n : 0; x; x = next_ent[x - 1]) {
            size_t k = pair_ent[x - 1];
            bool ours = false; /* the very file (or folder) partc writes */
            for (size_t j = first; j < es->n && !ours; j++) {
                size_t len = strlen(ent[k].name);
                ours = strncmp(es->v[j].rel, ent[k].name, len) == 0 &&
                       (es->v[j].rel[len] == '\0' || es->v[j].rel[len] == '/');
            }
            if (ours)
                continue;
            diag_add(d, SEV_ERROR, "not-recorded", (srcloc){arena_printf(a, "%s/%s", es->out, ent[k].name), 0, 0},
                     "restore partc.lock from version control; if this folder's migrations were never applied "
                     "anywhere, delete them and compile again",
                     "holds migration '%s' under another version than partc would give it, and %s does not "
                     "record it",
                     m->name, lk->path);
            rc = -1;
        }
    }
    es->m = NULL;
    if (tg->support)
        tg->support(es);

    /* compare every file with the record and the folder */
    for (size_t i = 0; i < es->n; i++) {
        emit_file *f = &es->v[i];
        char disk[65] = {0};
        int ex = read_existing(f->path, f->content, disk);
        f->recorded = f->name ? lock_find_path(lk, f->rel) : NULL;
        if (ex == -2) {
            f->state = FS_UNREADABLE;
            f->read_errno = errno;
        }
        else if (f->support_line)
            f->state = ex == 0 ? FS_NEW : FS_SAME; /* an existing one is checked by its line */
        else if (f->recorded && strcmp(f->recorded->sha256, f->sha256) != 0)
            f->state = ex == 1 ? FS_LOCK_DIFFERS : FS_DRIFT;
        else if (f->recorded && ex == 0)
            f->state = FS_RESTORE;
        else if (f->recorded && ex == -1)
            f->state = FS_EDITED;
        else if (ex == 1)
            f->state = FS_SAME;
        else if (ex == 0)
            f->state = FS_NEW;
        else
            f->state = FS_OVERWRITE;
    }
    return rc;
}

/* ---- reporting ----------------------------------------------------------- */

static bool holds_line(const char *path, const char *line)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char buf[4096];
    bool found = false;
    size_t n = strlen(line);
    while (!found && fgets(buf, sizeof buf, f)) {
        size_t l = strcspn(buf, "\r\n");
        found = l == n && memcmp(buf, line, n) == 0;
    }
    fclose(f);
    return found;
}

/* How many lines of a diff a [drift] shows. */
#define DRIFT_DIFF_LINES 20

/* Under a [drift]: how the file on disk differs from what the specs
 * compile to now (nothing when the file is gone). */
static void drift_diff(const emit_set *es, const emit_file *f, diags *d, diag *dg)
{
    strbuf sb = STRBUF_INIT;
    if (slurp(f->path, &sb) == 1)
        diag_set_detail(d, dg,
                        textdiff_unified(es->a, sb_str(&sb), sb.len, f->content, strlen(f->content),
                                         arena_printf(es->a, "%s (on disk)", f->path),
                                         arena_printf(es->a, "%s (from the specs)", f->path), DRIFT_DIFF_LINES));
    sb_free(&sb);
}

/* The errors both compile and check report; returns how many. */
static size_t report_states(const emit_set *es, diags *d)
{
    size_t errors = 0;
    for (size_t i = 0; i < es->n; i++) {
        const emit_file *f = &es->v[i];
        srcloc at = {f->path, 0, 0};
        switch (f->state) {
        case FS_OVERWRITE:
            diag_add(d, SEV_ERROR, "would-overwrite", at,
                     "emitted migrations are never rewritten: if it was never applied anywhere, delete it and "
                     "compile again; otherwise express the change as a new migration",
                     "exists with different content");
            errors++;
            break;
        case FS_EDITED:
            diag_add(d, SEV_ERROR, "edited", at,
                     "runners refuse or ignore edited migrations (Prisma, sqlx and Flyway compare checksums): "
                     "restore the file from version control and make the change in the spec",
                     "edited after partc wrote it: its SHA-256 is not the one partc.lock records (line %d)",
                     f->recorded->line);
            errors++;
            break;
        case FS_LOCK_DIFFERS:
            diag_add(d, SEV_ERROR, "lock-mismatch", at,
                     "partc.lock is written by partc compile: restore it from version control",
                     "the file is what the specs compile to, but partc.lock records another SHA-256 for it (line %d)",
                     f->recorded->line);
            errors++;
            break;
        case FS_DRIFT:
            drift_diff(es, f, d,
                       diag_add(d, SEV_ERROR, "drift", at,
                                "an emitted migration is never rewritten: undo the spec change; or, if this "
                                "migration never ran anywhere, delete its files and their lines in partc.lock and "
                                "compile again",
                                "the specs now compile migration '%s' (version %s) to other SQL than this file "
                                "holds",
                                f->name, f->version));
            errors++;
            break;
        case FS_UNREADABLE:
            diag_add(d, SEV_ERROR, "io-error", at, NULL, "cannot read '%s': %s", f->path, strerror(f->read_errno));
            errors++;
            break;
        case FS_SAME:
            if (f->support_line && !holds_line(f->path, f->support_line)) {
                diag_add(d, SEV_ERROR, "wrong-support-file", at,
                         arena_printf(es->a, "the file must hold the line '%s'", f->support_line),
                         "does not say '%s'", f->support_line);
                errors++;
            }
            break;
        default:
            break;
        }
    }
    return errors;
}

/* Recorded files that the specs no longer produce, which both compile and
 * check refuse: a recorded file deleted or edited, a migration the specs
 * compile to other files, and a migration no spec compiles to any more (a
 * spec deleted by mistake must not be forgotten).  Returns how many. */
static size_t report_unproduced(const emit_set *es, diags *d)
{
    arena *a = es->a;
    const lockfile *lk = es->lock;
    size_t errors = 0;
    strmap rels, names, removed;
    strmap_init(&rels, a, es->n);
    strmap_init(&names, a, es->n);
    strmap_init(&removed, a, 4);
    for (size_t k = 0; k < es->n; k++) {
        strmap_slot(&rels, es->v[k].rel, strlen(es->v[k].rel))->n = 1;
        if (es->v[k].name)
            strmap_slot(&names, es->v[k].name, strlen(es->v[k].name))->n = 1;
    }
    for (size_t i = 0; i < lk->n; i++) {
        const lock_entry *e = &lk->v[i];
        if (strmap_get(&rels, e->path, strlen(e->path)))
            continue;
        const char *path = join_out(a, es->out, e->path);
        srcloc at = {lk->path, e->line, 1};
        char disk[65];
        int ex = read_existing(path, NULL, disk);
        if (ex == 0) {
            diag_add(d, SEV_ERROR, "deleted", (srcloc){path, 0, 0},
                     "restore it from version control: runners remember the migrations they applied",
                     "deleted, but partc.lock records it (line %d)", e->line);
            errors++;
        } else if (ex == -1 && strcmp(disk, e->sha256) != 0) {
            diag_add(d, SEV_ERROR, "edited", (srcloc){path, 0, 0},
                     "restore the file from version control",
                     "edited after partc wrote it: its SHA-256 is not the one partc.lock records (line %d)",
                     e->line);
            errors++;
        }
        if (strmap_get(&names, e->name, strlen(e->name))) {
            diag_add(d, SEV_ERROR, "lock-mismatch", at,
                     "an emitted migration is never rewritten: undo the spec change, or restore partc.lock from "
                     "version control; if this migration never ran anywhere, delete its files and their lines in "
                     "partc.lock and compile again",
                     "partc.lock records '%s' for migration '%s', but the specs compile that migration to other "
                     "files",
                     e->path, e->name);
            errors++;
            continue;
        }
        size_t *seen = &strmap_slot(&removed, e->name, strlen(e->name))->n;
        if (*seen)
            continue; /* one error a migration, at its first line */
        *seen = 1;
        diag_add(d, SEV_ERROR, "removed", at,
                 "if its spec was deleted or renamed by mistake, restore it; to remove the table on purpose, "
                 "drop it in the database yourself, then delete the migration's files and its lines in "
                 "partc.lock (partc cannot drop a table from a spec yet)",
                 "'%s' records migration '%s' (version %s), but no spec compiles to it any more", lk->path,
                 e->name, e->version);
        errors++;
    }
    return errors;
}

/* ---- writing ------------------------------------------------------------- */

static void made_dir(emit_set *es, const char *dir)
{
    if (es->nmade == es->capmade) {
        size_t cap = es->capmade ? es->capmade * 2 : 8;
        es->made_dirs = arena_grow(es->a, es->made_dirs, es->nmade, cap, sizeof *es->made_dirs);
        es->capmade = cap;
    }
    es->made_dirs[es->nmade++] = arena_strdup(es->a, dir);
}

/* mkdir -p, remembering each folder it created. */
static int mkdirs(emit_set *es, const char *dir)
{
    char *p = arena_strdup(es->a, dir);
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0777) == 0)
            made_dir(es, p);
        else if (errno != EEXIST)
            return -1;
        *s = c;
        if (!c)
            break;
    }
    return 0;
}

static const char *dir_of(arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? (slash == path ? "/" : arena_strndup(a, path, (size_t)(slash - path))) : ".";
}

static int write_all(int fd, const char *s, size_t len)
{
    while (len) {
        ssize_t n = write(fd, s, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        s += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Writes content to a temporary name beside path; returns it, or NULL with a
 * diag.  ready holds the folders earlier calls made sure of: the files of
 * a run go to one or two folders, which are then not created again,
 * component by component, for each file. */
static const char *write_tmp(emit_set *es, const char *path, const char *content, diags *d, strmap *ready)
{
    arena *a = es->a;
    const char *dir = dir_of(a, path);
    if (!strmap_get(ready, dir, strlen(dir))) {
        if (mkdirs(es, dir) != 0) {
            diag_add(d, SEV_ERROR, "io-error", (srcloc){dir, 0, 0}, NULL, "cannot create folder '%s': %s", dir,
                     strerror(errno));
            return NULL;
        }
        strmap_slot(ready, dir, strlen(dir))->n = 1;
    }
    const char *tmp = arena_printf(a, "%s.partc-tmp-%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0 || write_all(fd, content, strlen(content)) != 0 || fsync(fd) != 0) {
        int e = errno;
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        diag_add(d, SEV_ERROR, "io-error", (srcloc){path, 0, 0}, NULL, "cannot write '%s': %s", path, strerror(e));
        return NULL;
    }
    if (close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        diag_add(d, SEV_ERROR, "io-error", (srcloc){path, 0, 0}, NULL, "cannot write '%s': %s", path, strerror(e));
        return NULL;
    }
    return tmp;
}

int emit_write(emit_set *es, emit_result *res, diags *d, bool *io_error)
{
    arena *a = es->a;
    lockfile *lk = es->lock;
    memset(res, 0, sizeof *res);
    *io_error = false;
    int rc = 0;
    /* one error for every earlier file of the same path */
    strmap paths;
    strmap_init(&paths, a, es->n);
    for (size_t i = 0; i < es->n; i++) {
        size_t *earlier = &strmap_slot(&paths, es->v[i].path, strlen(es->v[i].path))->n;
        for (size_t j = 0; j < *earlier; j++) {
            diag_add(d, SEV_ERROR, "output-collision", (srcloc){es->v[i].path, 0, 0},
                     "two migrations map to one file name: rename a table",
                     "two migrations would be written to '%s'", es->v[i].path);
            rc = -1;
        }
        ++*earlier;
    }
    if (report_states(es, d) + report_unproduced(es, d))
        rc = -1;
    for (size_t i = 0; i < es->n; i++)
        if (es->v[i].state == FS_UNREADABLE)
            *io_error = true;
    if (rc != 0)
        return rc;

    /* the record after this run: what it had, and every file now in place */
    for (size_t i = 0; i < es->n; i++) {
        emit_file *f = &es->v[i];
        if (f->name && !f->recorded)
            lock_add(lk, f->version, f->name, f->as_of, f->sha256, f->rel);
    }
    lk->target = es->tg->name;
    const char *new_text = lock_text(lk);
    char lock_disk[65];
    int lock_state = read_existing(lk->path, new_text, lock_disk);
    if (lock_state == -2) {
        diag_add(d, SEV_ERROR, "io-error", (srcloc){lk->path, 0, 0}, NULL, "cannot read '%s': %s", lk->path,
                 strerror(errno));
        *io_error = true;
        return -1;
    }
    bool write_lock = lock_state != 1;

    /* every new file under a temporary name, then renames, the record last */
    const char **tmp = arena_calloc(a, es->n + 1, sizeof *tmp);
    const char *lock_tmp = NULL;
    strmap ready;
    strmap_init(&ready, a, 4);
    for (size_t i = 0; i < es->n && rc == 0; i++) {
        emit_file *f = &es->v[i];
        if (f->state != FS_NEW && f->state != FS_RESTORE)
            continue;
        if (!(tmp[i] = write_tmp(es, f->path, f->content, d, &ready)))
            rc = -1;
    }
    if (rc == 0 && write_lock && !(lock_tmp = write_tmp(es, lk->path, new_text, d, &ready)))
        rc = -1;
    bool *placed = arena_calloc(a, es->n + 1, sizeof *placed);
    for (size_t i = 0; i < es->n && rc == 0; i++) {
        if (!tmp[i])
            continue;
        if (rename(tmp[i], es->v[i].path) != 0) {
            diag_add(d, SEV_ERROR, "io-error", (srcloc){es->v[i].path, 0, 0}, NULL, "cannot rename into '%s': %s",
                     es->v[i].path, strerror(errno));
            rc = -1;
            break;
        }
        tmp[i] = NULL;
        placed[i] = true;
    }
    if (rc == 0 && lock_tmp) {
        if (rename(lock_tmp, lk->path) != 0) {
            diag_add(d, SEV_ERROR, "io-error", (srcloc){lk->path, 0, 0}, NULL, "cannot rename into '%s': %s",
                     lk->path, strerror(errno));
            rc = -1;
        } else
            lock_tmp = NULL;
    }
    if (rc != 0) /* take back what this run put in place: none of it was there */
        for (size_t i = 0; i < es->n; i++)
            if (placed[i])
                unlink(es->v[i].path);
    for (size_t i = 0; i < es->n; i++)
        if (tmp[i])
            unlink(tmp[i]);
    if (lock_tmp)
        unlink(lock_tmp);
    if (rc != 0) /* and the folders it made, deepest first */
        for (size_t i = es->nmade; i-- > 0;)
            rmdir(es->made_dirs[i]);
    if (rc != 0) {
        *io_error = true;
        return rc;
    }
    for (size_t i = 0; i < es->n; i++) {
        if (es->v[i].state == FS_NEW)
            res->written++;
        else if (es->v[i].state == FS_RESTORE)
            res->restored++;
        else
            res->unchanged++;
    }
    res->lock_written = write_lock;
    return 0;
}

/* ---- checking ------------------------------------------------------------ */

size_t emit_check(const emit_set *es, emit_result *res, diags *d)
{
    arena *a = es->a;
    memset(res, 0, sizeof *res);
    const char *compile = arena_printf(a, "run 'partc compile --target %s --out %s' and commit what it writes, "
                                          "partc.lock included",
                                       es->tg->name, es->out);
    size_t errors = report_states(es, d);
    const char *seen = NULL;
    for (size_t i = 0; i < es->n; i++) {
        const emit_file *f = &es->v[i];
        srcloc at = {f->path, 0, 0};
        switch (f->state) {
        case FS_NEW:
            if (f->support_line)
                diag_add(d, SEV_ERROR, "missing-support-file", at, compile, "missing: the runner needs it");
            else if (!seen || strcmp(seen, f->name) != 0)
                diag_add(d, SEV_ERROR, "not-emitted", at, compile,
                         "the specs compile to migration '%s', which this folder does not hold (it would be '%s')",
                         f->name, f->path);
            else
                break;
            seen = f->name;
            errors++;
            break;
        case FS_RESTORE:
            diag_add(d, SEV_ERROR, "deleted", at,
                     "restore it from version control (or run partc compile, which writes it again)",
                     "deleted, but partc.lock records it (line %d)", f->recorded->line);
            errors++;
            break;
        case FS_SAME:
            if (f->name && !f->recorded) {
                diag_add(d, SEV_ERROR, "not-recorded", at, compile,
                         "matches the specs, but partc.lock does not record it");
                errors++;
            } else
                res->unchanged++;
            break;
        default:
            break;
        }
    }
    errors += report_unproduced(es, d);
    return errors;
}
