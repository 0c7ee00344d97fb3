#include "lockfile.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "srcfile.h"
#include "strbuf.h"

static const char header[] =
    "# partc.lock: every file partc compile wrote into this folder, with the\n"
    "# migration's version and name, the --as-of its partitions were planned\n"
    "# for, the file's SHA-256 and its path.  compile reuses these versions;\n"
    "# partc check compares the specs and the folder with this record.  Keep it\n"
    "# under version control next to the migrations and do not edit it.\n"
    "# Each state record below the files holds a table's spec as the\n"
    "# migrations up to that one leave it: the next change of the spec compiles\n"
    "# to a migration from there.\n";

lock_entry *lock_add(lockfile *lk, const char *version, const char *name, int64_t as_of,
                     const char *sha256, const char *path)
{
    if (lk->n == lk->cap) {
        size_t cap = lk->cap ? lk->cap * 2 : 32;
        lk->v = arena_grow(lk->a, lk->v, lk->n, cap, sizeof *lk->v);
        lk->cap = cap;
    }
    lock_entry *e = &lk->v[lk->n++];
    e->version = arena_strdup(lk->a, version);
    e->name = arena_strdup(lk->a, name);
    e->as_of = as_of;
    e->sha256 = arena_strdup(lk->a, sha256);
    e->path = arena_strdup(lk->a, path);
    e->line = 0;
    /* entries are only appended: the first of a path or a name stays the
     * one found (indexes + 1, since the array moves as it grows) */
    strmap_val *by_path = strmap_slot(&lk->by_path, e->path, strlen(e->path));
    if (!by_path->n)
        by_path->n = lk->n;
    strmap_val *by_name = strmap_slot(&lk->by_name, e->name, strlen(e->name));
    if (!by_name->n)
        by_name->n = lk->n;
    return e;
}

lock_state *lock_add_state(lockfile *lk, const char *version, const char *name, const char *text)
{
    if (lk->nst == lk->capst) {
        size_t cap = lk->capst ? lk->capst * 2 : 16;
        lk->st = arena_grow(lk->a, lk->st, lk->nst, cap, sizeof *lk->st);
        lk->capst = cap;
    }
    lock_state *e = &lk->st[lk->nst++];
    e->version = arena_strdup(lk->a, version);
    e->name = arena_strdup(lk->a, name);
    e->text = arena_strdup(lk->a, text);
    e->line = 0;
    return e;
}

static const lock_entry *find(const lockfile *lk, const strmap *m, const char *key)
{
    const strmap_val *v = strmap_get(m, key, strlen(key));
    return v ? &lk->v[v->n - 1] : NULL;
}

const lock_entry *lock_find_path(const lockfile *lk, const char *path)
{
    return find(lk, &lk->by_path, path);
}

const lock_entry *lock_find_name(const lockfile *lk, const char *name)
{
    return find(lk, &lk->by_name, name);
}

static bool all_of(const char *s, size_t min, size_t max, const char *set)
{
    size_t n = strlen(s);
    return n >= min && n <= max && strspn(s, set) == n;
}

static bool safe_path(const char *p)
{
    /* relative, no empty or "." parts; ".." only leading (the sibling
     * rollbacks folder) */
    if (!*p || *p == '/' || strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-/") !=
                                strlen(p))
        return false;
    bool leading = true;
    for (const char *s = p; *s;) {
        const char *e = strchr(s, '/');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == 0 || (n == 1 && s[0] == '.'))
            return false;
        bool up = n == 2 && s[0] == '.' && s[1] == '.';
        if (up && !leading)
            return false;
        leading = leading && up;
        s += n + (e ? 1 : 0);
        if (e && !*s)
            return false;
    }
    return !leading;
}

#define HINT_RESTORE "partc.lock is written by partc compile: restore it from version control"

int lock_read(lockfile *lk, arena *a, const char *path, diags *d)
{
    memset(lk, 0, sizeof *lk);
    lk->a = a;
    lk->path = arena_strdup(a, path);
    strmap_init(&lk->by_path, a, 64);
    strmap_init(&lk->by_name, a, 64);
    const char *why = NULL;
    srcfile *sf = srcfile_read(a, lk->path, &why);
    if (!sf) {
        if (errno == ENOENT)
            return 0;
        diag_add(d, SEV_ERROR, "io-error", (srcloc){lk->path, 0, 0}, NULL, "cannot read '%s': %s", lk->path, why);
        return -1;
    }
    size_t len = sf->len;
    char *text = (char *)sf->bytes; /* this run's copy, split in place */
    lk->present = true;
    int rc = 0;
    bool have_magic = false;
    int lineno = 0;
    char *save = NULL;
    if (memchr(text, '\0', len)) {
        diag_add(d, SEV_ERROR, "bad-lock", (srcloc){lk->path, 0, 0}, HINT_RESTORE, "'%s' holds a NUL byte",
                 lk->path);
        return -1;
    }
    strbuf body = STRBUF_INIT;
    lock_state *st = NULL;
    for (char *p = text; p && *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        char *line = p;
        p = nl ? nl + 1 : NULL;
        lineno++;
        if (st && line[0] == ' ' && line[1] == ' ') {
            sb_puts(&body, line + 2);
            sb_addc(&body, '\n');
            continue;
        }
        if (st) {
            st->text = arena_strdup(a, sb_str(&body));
            sb_reset(&body);
            st = NULL;
        }
        if (*line == '#' || *line == '\0')
            continue;
        char *f[8];
        int nf = 0;
        for (char *tok = strtok_r(line, " \t\r", &save); tok && nf < 8; tok = strtok_r(NULL, " \t\r", &save))
            f[nf++] = tok;
        srcloc at = {lk->path, lineno, 1};
        if (!have_magic) {
            if (nf != 2 || strcmp(f[0], "partc-lock") != 0 || (strcmp(f[1], "1") != 0 && strcmp(f[1], "2") != 0)) {
                diag_add(d, SEV_ERROR, "bad-lock", at, HINT_RESTORE,
                         "expected 'partc-lock 2' as the first line that is not a comment");
                rc = -1;
                break;
            }
            have_magic = true;
            continue;
        }
        if (nf == 2 && strcmp(f[0], "target") == 0 && !lk->target) {
            lk->target = arena_strdup(a, f[1]);
            continue;
        }
        if (nf >= 1 && strcmp(f[0], "state") == 0) {
            if (nf != 3 || !all_of(f[1], 1, 20, "0123456789") ||
                !all_of(f[2], 1, 200, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")) {
                diag_add(d, SEV_ERROR, "bad-lock", at, HINT_RESTORE,
                         "expected 'state VERSION NAME' and the table's spec below it");
                rc = -1;
                continue;
            }
            st = lock_add_state(lk, f[1], f[2], "");
            st->line = lineno;
            continue;
        }
        int64_t as_of = 0;
        if (nf != 6 || strcmp(f[0], "file") != 0) {
            diag_add(d, SEV_ERROR, "bad-lock", at, HINT_RESTORE,
                     "expected 'file VERSION NAME AS-OF SHA256 PATH'");
            rc = -1;
            continue;
        }
        if (!all_of(f[1], 1, 20, "0123456789") ||
            !all_of(f[2], 1, 200, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") ||
            cal_parse_instant(f[3], &as_of) != CAL_OK ||
            !all_of(f[4], 64, 64, "0123456789abcdef") || !safe_path(f[5])) {
            diag_add(d, SEV_ERROR, "bad-lock", at, HINT_RESTORE,
                     "malformed entry: a version of digits, a name of [A-Za-z0-9_], a date, 64 hex digits "
                     "and a relative path were expected");
            rc = -1;
            continue;
        }
        if (lock_find_path(lk, f[5])) {
            diag_add(d, SEV_ERROR, "bad-lock", at, HINT_RESTORE, "'%s' is recorded twice", f[5]);
            rc = -1;
            continue;
        }
        lock_entry *e = lock_add(lk, f[1], f[2], as_of, f[4], f[5]);
        e->line = lineno;
    }
    if (st)
        st->text = arena_strdup(a, sb_str(&body));
    sb_free(&body);
    for (size_t i = 0; i < lk->nst && rc == 0; i++)
        if (!*lk->st[i].text) {
            diag_add(d, SEV_ERROR, "bad-lock", (srcloc){lk->path, lk->st[i].line, 1}, HINT_RESTORE,
                     "state record without the table's spec below it");
            rc = -1;
        }
    if (rc == 0 && !have_magic) {
        diag_add(d, SEV_ERROR, "bad-lock", (srcloc){lk->path, 0, 0}, HINT_RESTORE, "'%s' is empty", lk->path);
        rc = -1;
    }
    if (rc == 0 && !lk->target) {
        diag_add(d, SEV_ERROR, "bad-lock", (srcloc){lk->path, 0, 0}, HINT_RESTORE, "'%s' names no target",
                 lk->path);
        rc = -1;
    }
    return rc;
}

static int entry_cmp(const void *x, const void *y)
{
    const lock_entry *a = x, *b = y;
    size_t la = strlen(a->version), lb = strlen(b->version);
    if (la != lb)
        return la < lb ? -1 : 1;
    int c = strcmp(a->version, b->version);
    return c ? c : strcmp(a->path, b->path);
}

static int state_cmp(const void *x, const void *y)
{
    const lock_state *a = x, *b = y;
    size_t la = strlen(a->version), lb = strlen(b->version);
    if (la != lb)
        return la < lb ? -1 : 1;
    int c = strcmp(a->version, b->version);
    return c ? c : strcmp(a->name, b->name);
}

const char *lock_text(const lockfile *lk)
{
    lock_entry *v = arena_calloc(lk->a, lk->n ? lk->n : 1, sizeof *v);
    if (lk->n)
        memcpy(v, lk->v, lk->n * sizeof *v);
    qsort(v, lk->n, sizeof *v, entry_cmp);
    strbuf sb = STRBUF_INIT;
    sb_puts(&sb, header);
    sb_addf(&sb, "partc-lock 2\ntarget %s\n", lk->target ? lk->target : "plain");
    for (size_t i = 0; i < lk->n; i++) {
        char when[24];
        if (v[i].as_of % 86400 == 0)
            cal_format_date(v[i].as_of, when);
        else {
            cal_format_ts(v[i].as_of, when);
            when[10] = 'T';
            memcpy(when + 19, "Z", 2);
        }
        sb_addf(&sb, "file %s %s %s %s %s\n", v[i].version, v[i].name, when, v[i].sha256, v[i].path);
    }
    lock_state *st = arena_calloc(lk->a, lk->nst ? lk->nst : 1, sizeof *st);
    if (lk->nst)
        memcpy(st, lk->st, lk->nst * sizeof *st);
    qsort(st, lk->nst, sizeof *st, state_cmp);
    for (size_t i = 0; i < lk->nst; i++) {
        sb_addf(&sb, "state %s %s\n", st[i].version, st[i].name);
        for (const char *l = st[i].text; *l;) {
            const char *e = strchr(l, '\n');
            size_t n = e ? (size_t)(e - l) : strlen(l);
            sb_puts(&sb, "  ");
            sb_add(&sb, l, n);
            sb_addc(&sb, '\n');
            l += n + (e ? 1 : 0);
        }
    }
    const char *s = arena_strdup(lk->a, sb_str(&sb));
    sb_free(&sb);
    return s;
}
