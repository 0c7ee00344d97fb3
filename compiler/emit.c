/* emit: the target table (one row per runner layout) and the set of files
 * a compile lays out; emit_layout.c gives them versions, emit_write.c reads
 * and writes the output folder, emit_check.c compares it for `check`. */
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
#include "emit_internal.h"

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
    {.name = "plain",
     .default_out = "out",
     .layout = "NNNN_<name>.up.sql and .down.sql; partc writes BEGIN/COMMIT",
     .wrap_tx = true,
     .wrap_down_tx = true,
     .versions = VERSIONS_SEQ4,
     .lock_at = LOCK_FILE_NAME,
     .files = plain_files},
    {.name = "supabase",
     .default_out = "supabase/migrations",
     .layout = "<version>_<name>.sql; rollbacks in ../rollbacks/<version>_<name>.down.sql",
     .wrap_tx = false,
     .wrap_down_tx = true,
     .versions = VERSIONS_TS14,
     .lock_at = "../" LOCK_FILE_NAME,
     .files = supabase_files},
    {.name = "prisma",
     .default_out = "prisma/migrations",
     .layout = "<version>_<name>/migration.sql and migration_lock.toml; rollbacks in ../rollbacks/",
     .wrap_tx = false,
     .wrap_down_tx = true,
     .versions = VERSIONS_TS14,
     .lock_at = LOCK_FILE_NAME,
     .files = prisma_files,
     .support = prisma_support},
    {.name = "sqlx",
     .default_out = "migrations",
     .layout = "<version>_<name>.up.sql and .down.sql; '-- no-transaction' first where needed",
     .wrap_tx = false,
     .wrap_down_tx = false,
     .versions = VERSIONS_TS14,
     .lock_at = LOCK_FILE_NAME,
     .files = sqlx_files},
    {.name = "golang-migrate",
     .default_out = "migrations",
     .layout = "<version>_<name>.up.sql and .down.sql",
     .wrap_tx = false,
     .wrap_down_tx = false,
     .versions = VERSIONS_TS14,
     .lock_at = LOCK_FILE_NAME,
     .files = golang_files},
    {.name = "dbmate",
     .default_out = "db/migrations",
     .layout = "<version>_<name>.sql with '-- migrate:up' and '-- migrate:down' sections ('transaction:false' where needed)",
     .wrap_tx = false,
     .wrap_down_tx = false,
     .versions = VERSIONS_TS14,
     .lock_at = LOCK_FILE_NAME,
     .files = dbmate_files},
    {.name = "flyway",
     .default_out = "db/migration",
     .layout = "V<version>__<name>.sql and undo U<version>__<name>.sql; a .sql.conf with executeInTransaction=false where needed",
     .wrap_tx = false,
     .wrap_down_tx = true,
     .versions = VERSIONS_TS14,
     .version_prefix = 'V',
     .lock_at = LOCK_FILE_NAME,
     .files = flyway_files},
};
const size_t emit_ntargets = sizeof emit_targets / sizeof emit_targets[0];

const target *emit_find_target(const char *name)
{
    for (size_t i = 0; i < emit_ntargets; i++)
        if (strcmp(emit_targets[i].name, name) == 0)
            return &emit_targets[i];
    return NULL;
}

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
const char *join_out(arena *a, const char *out, const char *rel)
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
        f->name = emit_safe_name(es->a, es->m->name); /* as partc.lock records it */
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


bool emit_differs_from_lock(arena *a, const target *tg, const char *out, lockfile *lock, const migration *m,
                            const char *up, const char *down)
{
    const lock_entry *rec = lock_find_name(lock, emit_safe_name(a, m->name));
    if (!rec)
        return false;
    emit_set es;
    emit_set_init(&es, a, tg, out, lock);
    es.m = m;
    es.version = rec->version;
    tg->files(&es, rec->version, emit_safe_name(a, m->name), m, up, down);
    for (size_t i = 0; i < es.n; i++) {
        const lock_entry *f = lock_find_path(lock, es.v[i].rel);
        if (!f || strcmp(f->sha256, es.v[i].sha256) != 0)
            return true;
    }
    return false;
}
