/* emit_write: the output folder's files: reading what is there, and
 * writing a compile's files atomically (each under a temporary name, then
 * renamed; partc.lock last; a failure removes what the run put in place).
 * Never overwrites a file with other content unless emit_layout said so. */
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
#include "emit.h"
#include "emit_internal.h"
#include "sha256.h"
#include "strbuf.h"
#include "strmap.h"
#include "textdiff.h"

/* The bytes of path into sb: 1 read, 0 absent, -2 unreadable. */
int slurp(const char *path, strbuf *sb)
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
int read_existing(const char *path, const char *content, char sha[65])
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

/* An error for every file that cannot be written as laid out: two
 * migrations on one path, and the states report_states refuses. */
static int check_writable(emit_set *es, diags *d)
{
    int rc = 0;
    /* one error for every earlier file of the same path */
    strmap paths;
    strmap_init(&paths, es->a, es->n);
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
    return rc;
}

int emit_write(emit_set *es, emit_result *res, diags *d)
{
    arena *a = es->a;
    lockfile *lk = es->lock;
    memset(res, 0, sizeof *res);
    int rc = check_writable(es, d);
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
    int lock_disk_state = read_existing(lk->path, new_text, lock_disk);
    if (lock_disk_state == EXISTING_UNREADABLE) {
        diag_add(d, SEV_ERROR, "io-error", (srcloc){lk->path, 0, 0}, NULL, "cannot read '%s': %s", lk->path,
                 strerror(errno));
        return -1;
    }
    bool write_lock = lock_disk_state != EXISTING_SAME;

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
    if (rc != 0)
        return rc; /* every failure here is an io-error */
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

