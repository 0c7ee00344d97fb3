#include "emit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- targets ------------------------------------------------------------- */

static void plain_files(emit_set *es, const char *out, int64_t as_of, size_t i,
                        const migration *m, const char *up, const char *down)
{
    (void)as_of;
    const char *base = arena_printf(es->a, "%s/%04zu_%s", out, i + 1, emit_safe_name(es->a, m->name));
    emit_add(es, arena_printf(es->a, "%s.up.sql", base), up);
    emit_add(es, arena_printf(es->a, "%s.down.sql", base), down);
}

/* 14-digit UTC version: the --as-of day at midnight plus i seconds. */
static const char *version14(arena *a, int64_t as_of, size_t i)
{
    cal_tm tm;
    cal_split(cal_floor(IV_DAILY, as_of) + (int64_t)i, &tm);
    return arena_printf(a, "%04d%02d%02d%02d%02d%02d", tm.year, tm.month, tm.day, tm.hour,
                        tm.minute, tm.second);
}

/* The folder beside out: "supabase/migrations" -> "supabase/rollbacks". */
static const char *sibling(arena *a, const char *out, const char *name)
{
    const char *slash = strrchr(out, '/');
    if (!slash)
        return name;
    return arena_printf(a, "%.*s/%s", (int)(slash - out), out, name);
}

static void supabase_files(emit_set *es, const char *out, int64_t as_of, size_t i,
                           const migration *m, const char *up, const char *down)
{
    const char *v = version14(es->a, as_of, i);
    const char *name = emit_safe_name(es->a, m->name);
    emit_add(es, arena_printf(es->a, "%s/%s_%s.sql", out, v, name), up);
    emit_add(es, arena_printf(es->a, "%s/%s_%s.down.sql", sibling(es->a, out, "rollbacks"), v, name),
             down);
}

const target emit_targets[] = {
    {"plain", "out", "NNNN_<name>.up.sql and NNNN_<name>.down.sql, each file one transaction",
     true, plain_files},
    {"supabase", "supabase/migrations",
     "supabase/migrations/<version>_<name>.sql, rollbacks in supabase/rollbacks (not scanned by the CLI)",
     false, supabase_files},
};
const size_t emit_ntargets = sizeof emit_targets / sizeof emit_targets[0];

const target *emit_find_target(const char *name)
{
    for (size_t i = 0; i < emit_ntargets; i++)
        if (strcmp(emit_targets[i].name, name) == 0)
            return &emit_targets[i];
    return NULL;
}

/* ---- file set ------------------------------------------------------------ */

void emit_set_init(emit_set *es, arena *a)
{
    memset(es, 0, sizeof *es);
    es->a = a;
}

void emit_add(emit_set *es, const char *path, const char *content)
{
    if (es->n == es->cap) {
        size_t cap = es->cap ? es->cap * 2 : 16;
        es->v = arena_grow(es->a, es->v, es->n, cap, sizeof *es->v);
        es->cap = cap;
    }
    es->v[es->n].path = path;
    es->v[es->n].content = content;
    es->n++;
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

/* ---- writing ------------------------------------------------------------- */

/* 1 same content, 0 absent, -1 different content, -2 unreadable */
static int compare_existing(const char *path, const char *content)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT ? 0 : -2;
    size_t len = strlen(content), off = 0;
    char buf[8192];
    int same = 1;
    for (;;) {
        size_t got = fread(buf, 1, sizeof buf, f);
        if (got == 0)
            break;
        if (off + got > len || memcmp(buf, content + off, got) != 0) {
            same = 0;
            break;
        }
        off += got;
    }
    if (ferror(f))
        same = -2;
    fclose(f);
    if (same == 1 && off != len)
        same = 0;
    return same == 1 ? 1 : same == 0 ? -1 : -2;
}

static int mkdirs(arena *a, const char *dir)
{
    char *p = arena_strdup(a, dir);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            return -1;
        *s = '/';
    }
    if (mkdir(p, 0777) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

static const char *dir_of(arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? arena_strndup(a, path, (size_t)(slash - path)) : ".";
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

int emit_write(const emit_set *es, emit_result *res, diags *d, bool *io_error)
{
    arena *a = es->a;
    res->written = res->unchanged = 0;
    *io_error = false;
    bool *todo = arena_calloc(a, es->n ? es->n : 1, sizeof *todo);
    int rc = 0;
    for (size_t i = 0; i < es->n; i++) {
        srcloc at = {es->v[i].path, 0, 0};
        for (size_t j = 0; j < i; j++)
            if (strcmp(es->v[i].path, es->v[j].path) == 0) {
                diag_add(d, SEV_ERROR, "output-collision", at,
                         "two migrations map to one file name: rename a table",
                         "two migrations would be written to '%s'", es->v[i].path);
                rc = -1;
            }
        switch (compare_existing(es->v[i].path, es->v[i].content)) {
        case 1:
            res->unchanged++;
            break;
        case 0:
            todo[i] = true;
            break;
        case -1:
            diag_add(d, SEV_ERROR, "would-overwrite", at,
                     "emitted migrations are never rewritten: if it was never applied anywhere, delete it and compile again; otherwise express the change as a new migration",
                     "'%s' exists with different content", es->v[i].path);
            rc = -1;
            break;
        default:
            diag_add(d, SEV_ERROR, "io-error", at, NULL, "cannot read '%s': %s", es->v[i].path,
                     strerror(errno));
            *io_error = true;
            rc = -1;
        }
    }
    if (rc != 0)
        return rc;

    /* write every new file under a temporary name, then rename them all */
    const char **tmp = arena_calloc(a, es->n ? es->n : 1, sizeof *tmp);
    size_t renamed = 0;
    for (size_t i = 0; i < es->n && rc == 0; i++) {
        if (!todo[i])
            continue;
        const char *dir = dir_of(a, es->v[i].path);
        if (mkdirs(a, dir) != 0) {
            diag_add(d, SEV_ERROR, "io-error", (srcloc){dir, 0, 0}, NULL,
                     "cannot create folder '%s': %s", dir, strerror(errno));
            rc = -1;
            break;
        }
        tmp[i] = arena_printf(a, "%s.partc-tmp-%ld", es->v[i].path, (long)getpid());
        int fd = open(tmp[i], O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (fd < 0 || write_all(fd, es->v[i].content, strlen(es->v[i].content)) != 0 ||
            fsync(fd) != 0) {
            diag_add(d, SEV_ERROR, "io-error", (srcloc){es->v[i].path, 0, 0}, NULL,
                     "cannot write '%s': %s", es->v[i].path, strerror(errno));
            if (fd >= 0)
                close(fd);
            rc = -1;
            break;
        }
        if (close(fd) != 0) {
            diag_add(d, SEV_ERROR, "io-error", (srcloc){es->v[i].path, 0, 0}, NULL,
                     "cannot write '%s': %s", es->v[i].path, strerror(errno));
            rc = -1;
        }
    }
    if (rc == 0) {
        for (size_t i = 0; i < es->n; i++) {
            if (!todo[i])
                continue;
            if (rename(tmp[i], es->v[i].path) != 0) {
                diag_add(d, SEV_ERROR, "io-error", (srcloc){es->v[i].path, 0, 0}, NULL,
                         "cannot rename into '%s': %s", es->v[i].path, strerror(errno));
                rc = -1;
                /* take back what this run put in place: they were all new */
                for (size_t j = 0; j < i; j++)
                    if (todo[j])
                        unlink(es->v[j].path);
                break;
            }
            tmp[i] = NULL;
            renamed++;
        }
    }
    for (size_t i = 0; i < es->n; i++)
        if (tmp[i])
            unlink(tmp[i]);
    if (rc != 0) {
        *io_error = true;
        return rc;
    }
    res->written = renamed;
    return 0;
}
