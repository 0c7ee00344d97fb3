#include "lockfile.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "strbuf.h"

#define LOCK_MAX_BYTES (64u << 20)

static const char header[] =
    "# partc.lock: every file partc compile wrote into this folder, with the\n"
    "# migration's version and name, the --as-of its partitions were planned\n"
    "# for, the file's SHA-256 and its path.  compile reuses these versions;\n"
    "# partc check compares the specs and the folder with this record.  Keep it\n"
    "# under version control next to the migrations and do not edit it.\n";

/* ---- lookup index ---------------------------------------------------------
 *
 * lock_find_path and lock_find_name are called once per migration file and
 * once per table (thousands of times on a large folder), so they go through
 * hash tables over the entries instead of a scan.  lockfile.h has no room
 * for them: one index, for the lockfile looked up last, lives here (in the
 * lockfile's arena).  It is only used while it describes exactly that
 * lockfile's entries (same struct, array, count and arena); lock_add keeps
 * it up to date and lock_read drops it, and a record that is started again
 * (lock_add on an empty lockfile) drops it too.  Entries are only ever
 * appended, through lock_add, so the first entry of a path or name stays
 * the first. */

#define LOCK_INDEX_MIN 8 /* fewer entries: a scan */

typedef struct lock_index {
    const lockfile *lk;
    const lock_entry *v;
    size_t n;
    arena *a;
    size_t cap;        /* slots, a power of two, more than twice n */
    uint32_t *by_path; /* entry index + 1 of the first entry with a path; 0 empty */
    uint32_t *by_name;
} lock_index;

static lock_index lix;

static uint64_t lix_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

static bool lix_valid(const lockfile *lk)
{
    return lix.lk == lk && lix.v == lk->v && lix.n == lk->n && lix.a == lk->a && lk->a;
}

static const char *lix_key(const lock_entry *e, bool by_path)
{
    return by_path ? e->path : e->name;
}

/* Adds entry i unless an earlier entry has its key. */
static void lix_put(uint32_t *slots, const lock_entry *v, size_t i, bool by_path)
{
    const char *k = lix_key(&v[i], by_path);
    size_t mask = lix.cap - 1;
    for (size_t s = (size_t)lix_hash(k) & mask;; s = (s + 1) & mask) {
        if (!slots[s]) {
            slots[s] = (uint32_t)(i + 1);
            return;
        }
        if (strcmp(lix_key(&v[slots[s] - 1], by_path), k) == 0)
            return;
    }
}

static void lix_build(const lockfile *lk)
{
    size_t cap = 64;
    while (cap < 2 * lk->n + 2)
        cap *= 2;
    lix.lk = lk;
    lix.v = lk->v;
    lix.n = lk->n;
    lix.a = lk->a;
    lix.cap = cap;
    lix.by_path = arena_calloc(lk->a, cap, sizeof *lix.by_path);
    lix.by_name = arena_calloc(lk->a, cap, sizeof *lix.by_name);
    for (size_t i = 0; i < lk->n; i++) {
        lix_put(lix.by_path, lk->v, i, true);
        lix_put(lix.by_name, lk->v, i, false);
    }
}

static const lock_entry *lix_find(const lockfile *lk, const char *key, bool by_path)
{
    if (lk->n > UINT32_MAX - 1 || !lk->a || lk->n < LOCK_INDEX_MIN) {
        for (size_t i = 0; i < lk->n; i++)
            if (strcmp(lix_key(&lk->v[i], by_path), key) == 0)
                return &lk->v[i];
        return NULL;
    }
    if (!lix_valid(lk))
        lix_build(lk);
    const uint32_t *slots = by_path ? lix.by_path : lix.by_name;
    size_t mask = lix.cap - 1;
    for (size_t s = (size_t)lix_hash(key) & mask; slots[s]; s = (s + 1) & mask)
        if (strcmp(lix_key(&lk->v[slots[s] - 1], by_path), key) == 0)
            return &lk->v[slots[s] - 1];
    return NULL;
}

lock_entry *lock_add(lockfile *lk, const char *version, const char *name, int64_t as_of,
                     const char *sha256, const char *path)
{
    /* the index follows this lockfile only when it describes it now */
    bool follow = lk->n > 0 && lk->n < UINT32_MAX - 1 && lix_valid(lk);
    if (!follow && lix.lk == lk)
        lix.lk = NULL;
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
    if (follow) {
        if (2 * lk->n + 2 > lix.cap) {
            lix_build(lk);
        } else {
            lix.v = lk->v;
            lix.n = lk->n;
            lix_put(lix.by_path, lk->v, lk->n - 1, true);
            lix_put(lix.by_name, lk->v, lk->n - 1, false);
        }
    }
    return e;
}

const lock_entry *lock_find_path(const lockfile *lk, const char *path)
{
    return lix_find(lk, path, true);
}

const lock_entry *lock_find_name(const lockfile *lk, const char *name)
{
    return lix_find(lk, name, false);
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

static char *slurp(const char *path, size_t *len, int *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = errno;
        return NULL;
    }
    strbuf sb = STRBUF_INIT;
    char buf[8192];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
        if (sb.len + got > LOCK_MAX_BYTES) {
            *err = EFBIG;
            fclose(f);
            sb_free(&sb);
            return NULL;
        }
        sb_add(&sb, buf, got);
    }
    *err = ferror(f) ? EIO : 0;
    fclose(f);
    if (*err) {
        sb_free(&sb);
        return NULL;
    }
    *len = sb.len;
    if (sb.len == 0)
        return strdup("");
    return sb_detach(&sb);
}

#define HINT_RESTORE "partc.lock is written by partc compile: restore it from version control"

int lock_read(lockfile *lk, arena *a, const char *path, diags *d)
{
    if (lix.lk == lk)
        lix.lk = NULL;
    memset(lk, 0, sizeof *lk);
    lk->a = a;
    lk->path = arena_strdup(a, path);
    size_t len = 0;
    int err = 0;
    char *text = slurp(lk->path, &len, &err);
    if (!text) {
        if (err == ENOENT)
            return 0;
        diag_add(d, SEV_ERROR, "io-error", (srcloc){lk->path, 0, 0}, NULL, "cannot read '%s': %s", lk->path,
                 strerror(err));
        return -2;
    }
    lk->present = true;
    int rc = 0;
    bool have_magic = false;
    int lineno = 0;
    char *save = NULL;
    if (memchr(text, '\0', len)) {
        diag_add(d, SEV_ERROR, "bad-lock", (srcloc){lk->path, 0, 0}, HINT_RESTORE, "'%s' holds a NUL byte",
                 lk->path);
        free(text);
        return -1;
    }
    for (char *p = text; p && *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        char *line = p;
        p = nl ? nl + 1 : NULL;
        lineno++;
        if (*line == '#' || *line == '\0')
            continue;
        char *f[8];
        int nf = 0;
        for (char *tok = strtok_r(line, " \t\r", &save); tok && nf < 8; tok = strtok_r(NULL, " \t\r", &save))
            f[nf++] = tok;
        srcloc at = {lk->path, lineno, 1};
        if (!have_magic) {
            if (nf != 2 || strcmp(f[0], "partc-lock") != 0 || strcmp(f[1], "1") != 0) {
                diag_add(d, SEV_ERROR, "bad-lock", at, HINT_RESTORE,
                         "expected 'partc-lock 1' as the first line that is not a comment");
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
    if (rc == 0 && !have_magic) {
        diag_add(d, SEV_ERROR, "bad-lock", (srcloc){lk->path, 0, 0}, HINT_RESTORE, "'%s' is empty", lk->path);
        rc = -1;
    }
    if (rc == 0 && !lk->target) {
        diag_add(d, SEV_ERROR, "bad-lock", (srcloc){lk->path, 0, 0}, HINT_RESTORE, "'%s' names no target",
                 lk->path);
        rc = -1;
    }
    free(text);
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

const char *lock_text(const lockfile *lk)
{
    lock_entry *v = arena_calloc(lk->a, lk->n ? lk->n : 1, sizeof *v);
    if (lk->n)
        memcpy(v, lk->v, lk->n * sizeof *v);
    qsort(v, lk->n, sizeof *v, entry_cmp);
    strbuf sb = STRBUF_INIT;
    sb_puts(&sb, header);
    sb_addf(&sb, "partc-lock 1\ntarget %s\n", lk->target ? lk->target : "plain");
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
    const char *s = arena_strdup(lk->a, sb_str(&sb));
    sb_free(&sb);
    return s;
}
