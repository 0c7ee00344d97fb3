/* emit_layout: versions and names for the planned migrations.
 *
 * Reads what the output folder and partc.lock hold, gives every migration
 * its version (the recorded one, or the next after everything in the
 * folder: a 4-digit sequence or a 14-digit UTC timestamp), lays out its
 * files through the target, and says for each file what writing it would
 * do (new, same, edited, drift...).  Writes nothing. */
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

entry *scan_folder(emit_set *es, size_t *n)
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
void recorded_names(strmap *m, arena *a, const lockfile *lk)
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
bool recorded_entry(const strmap *recorded, const char *name)
{
    return strmap_get(recorded, name, strlen(name)) != NULL;
}

bool ts14_instant(const char *v, int64_t *t)
{
    if (strlen(v) != 14 || strspn(v, "0123456789") != 14)
        return false;
    char buf[21];
    snprintf(buf, sizeof buf, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s", v, v + 4, v + 6, v + 8, v + 10, v + 12);
    return cal_parse_instant(buf, t) == CAL_OK;
}

const char *ts14(arena *a, int64_t t)
{
    cal_tm tm;
    cal_split(t, &tm);
    return arena_printf(a, "%04d%02d%02d%02d%02d%02d", tm.year, tm.month, tm.day, tm.hour, tm.minute, tm.second);
}

/* Does a folder entry hold one of the migrations of names?  It holds a
 * migration under the text after its version up to a '.', a '/' or the
 * end. */
bool entry_names_any(const entry *e, const strmap *names)
{
    for (size_t j = 0;; j++) {
        char c = e->rest[j];
        if ((c == '\0' || c == '.' || c == '/') && strmap_get(names, e->rest, j))
            return true;
        if (c == '\0')
            return false;
    }
}

/* The folder entries that partc.lock does not record, by every name they
 * can hold a migration under: name -> the first of a list in folder order
 * (pair_ent[x - 1] is an entry, next_ent[x - 1] the next pair, 0 the end). */
typedef struct unrecorded {
    strmap by_name;
    size_t *pair_ent, *next_ent;
} unrecorded;

static void index_unrecorded(arena *a, const entry *ent, size_t nent, const bool *rec_ent, unrecorded *u)
{
    strmap_init(&u->by_name, a, nent);
    u->next_ent = arena_calloc(a, nent + 1, sizeof *u->next_ent);
    size_t npairs = 0, cappairs = nent + 1;
    u->pair_ent = arena_calloc(a, cappairs, sizeof *u->pair_ent);
    for (size_t i = nent; i-- > 0;) {
        if (rec_ent[i])
            continue;
        for (size_t j = 0;; j++) {
            char c = ent[i].rest[j];
            if (c == '\0' || c == '.' || c == '/') {
                if (npairs == cappairs) {
                    u->pair_ent = arena_grow(a, u->pair_ent, npairs, cappairs * 2, sizeof *u->pair_ent);
                    u->next_ent = arena_grow(a, u->next_ent, npairs, cappairs * 2, sizeof *u->next_ent);
                    cappairs *= 2;
                }
                size_t *head = &strmap_slot(&u->by_name, ent[i].rest, j)->n;
                u->pair_ent[npairs] = i;
                u->next_ent[npairs] = *head; /* 0: the end; else pair + 1 */
                *head = ++npairs;
            }
            if (c == '\0')
                break;
        }
    }
}

/* Where new versions start: after every recorded version and every version
 * already in the folder.  *wide: an entry whose version is not 14 digits. */
typedef struct next_version {
    int64_t ts;
    unsigned long long seq;
    const char *wide;
} next_version;

static next_version first_new_version(const emit_set *es, const entry *ent, size_t nent, const bool *rec_ent,
                                      const strmap *planned_names, int64_t version_base)
{
    const target *tg = es->tg;
    const lockfile *lk = es->lock;
    next_version nv = {version_base, 1, NULL};
    for (size_t i = 0; i < lk->n; i++) {
        int64_t t;
        if (tg->versions == VERSIONS_SEQ4) {
            unsigned long long s = strtoull(lk->v[i].version, NULL, 10);
            if (s + 1 > nv.seq)
                nv.seq = s + 1;
        } else if (ts14_instant(lk->v[i].version, &t) && t + 1 > nv.ts)
            nv.ts = t + 1;
    }
    /* migrations of the folder that partc did not record: new versions go
     * after them, unless they are one of the planned migrations (which is
     * either the very file partc writes or an error later) */
    for (size_t i = 0; i < nent; i++) {
        if (rec_ent[i])
            continue;
        if (entry_names_any(&ent[i], planned_names))
            continue;
        int64_t t;
        if (tg->versions == VERSIONS_SEQ4) {
            unsigned long long s = strtoull(ent[i].version, NULL, 10);
            if (strlen(ent[i].version) <= 9 && s + 1 > nv.seq)
                nv.seq = s + 1;
        } else if (!ts14_instant(ent[i].version, &t)) {
            if (!nv.wide)
                nv.wide = ent[i].name;
        } else if (t + 1 > nv.ts)
            nv.ts = t + 1;
    }
    return nv;
}

/* The version of a migration: the recorded one (rec), or the next new one. */
static const char *version_of(emit_set *es, const lock_entry *rec, next_version *nv, diags *d, int *rc)
{
    arena *a = es->a;
    if (rec)
        return rec->version;
    if (es->tg->versions == VERSIONS_SEQ4)
        return arena_printf(a, "%04llu", nv->seq++);
    if (nv->wide) {
        diag_add(d, SEV_ERROR, "mixed-versions", (srcloc){arena_printf(a, "%s/%s", es->out, nv->wide), 0, 0},
                 "name every migration of the folder with a 14-digit UTC version (YYYYMMDDHHMMSS), or "
                 "compile into a folder of its own",
                 "'%s' has a version that is not a 14-digit UTC timestamp: partc's would sort out of "
                 "order among it",
                 nv->wide);
        *rc = -1;
        nv->wide = NULL;
    }
    return ts14(a, nv->ts++);
}

/* The same migration under another version that the record does not know:
 * a second copy would run it twice (the entries that hold it, in folder
 * order); files first..es->n are the ones partc lays out for it. */
static void report_copies(emit_set *es, const migration *m, const char *name, const entry *ent,
                          const unrecorded *u, size_t first, diags *d, int *rc)
{
    const strmap_val *head = strmap_get(&u->by_name, name, strlen(name));
    for (size_t x = head ? head->n : 0; x; x = u->next_ent[x - 1]) {
        size_t k = u->pair_ent[x - 1];
        bool ours = false; /* the very file (or folder) partc writes */
        for (size_t j = first; j < es->n && !ours; j++) {
            size_t len = strlen(ent[k].name);
            ours = strncmp(es->v[j].rel, ent[k].name, len) == 0 &&
                   (es->v[j].rel[len] == '\0' || es->v[j].rel[len] == '/');
        }
        if (ours)
            continue;
        diag_add(d, SEV_ERROR, "not-recorded", (srcloc){arena_printf(es->a, "%s/%s", es->out, ent[k].name), 0, 0},
                 "restore partc.lock from version control; if this folder's migrations were never applied "
                 "anywhere, delete them and compile again",
                 "holds migration '%s' under another version than partc would give it, and %s does not "
                 "record it",
                 m->name, es->lock->path);
        *rc = -1;
    }
}

/* What writing each file would do, from the record and the folder. */
static void classify_files(emit_set *es)
{
    for (size_t i = 0; i < es->n; i++) {
        emit_file *f = &es->v[i];
        char disk[65] = {0};
        int ex = read_existing(f->path, f->content, disk);
        f->recorded = f->name ? lock_find_path(es->lock, f->rel) : NULL;
        if (f->kept_missing) {
            f->state = FS_UNREADABLE;
        } else if (ex == EXISTING_UNREADABLE) {
            f->state = FS_UNREADABLE;
            f->read_errno = errno;
        } else if (f->support_line)
            f->state = ex == EXISTING_ABSENT ? FS_NEW : FS_SAME; /* an existing one is checked by its line */
        else if (f->recorded && strcmp(f->recorded->sha256, f->sha256) != 0)
            f->state = ex == EXISTING_SAME ? FS_LOCK_DIFFERS : FS_DRIFT;
        else if (f->recorded && ex == EXISTING_ABSENT)
            f->state = FS_RESTORE;
        else if (f->recorded && ex == EXISTING_OTHER)
            f->state = FS_EDITED;
        else if (ex == EXISTING_SAME)
            f->state = FS_SAME;
        else if (ex == EXISTING_ABSENT)
            f->state = FS_NEW;
        else
            f->state = FS_OVERWRITE;
    }
}

/* A migration carried as partc.lock records it: its recorded files, with
 * what is on disk as their content (a file that is gone or unreadable
 * cannot be written again: partc no longer renders it). */
static void add_kept_files(emit_set *es, const migration *m)
{
    const lockfile *lk = es->lock;
    for (size_t i = 0; i < lk->n; i++) {
        const lock_entry *e = &lk->v[i];
        if (strcmp(e->name, m->name) != 0)
            continue;
        es->version = e->version;
        strbuf sb = STRBUF_INIT;
        int rd = slurp(join_out(es->a, es->out, e->path), &sb);
        emit_add(es, e->path, arena_strdup(es->a, sb_str(&sb)));
        sb_free(&sb);
        emit_file *f = &es->v[es->n - 1];
        f->as_of = e->as_of;
        if (rd != 1) {
            f->kept_missing = true;
            f->read_errno = rd == 0 ? ENOENT : errno;
        }
    }
}

int emit_layout(emit_set *es, const plan *p, const char *const *up, const char *const *down,
                int64_t version_base, diags *d)
{
    arena *a = es->a;
    int rc = 0;
    size_t nent = 0;
    entry *ent = scan_folder(es, &nent);

    /* which entries the record holds, and the file names of the planned
     * migrations: looked up, not scanned, per entry and per migration */
    strmap recorded;
    recorded_names(&recorded, a, es->lock);
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
    unrecorded u;
    index_unrecorded(a, ent, nent, rec_ent, &u);
    next_version nv = first_new_version(es, ent, nent, rec_ent, &planned_names, version_base);

    es->m = NULL;
    for (size_t i = 0; i < p->n; i++) {
        const migration *m = &p->v[i];
        const lock_entry *rec = lock_find_name(es->lock, safe[i]);
        if (m->kept) {
            es->m = m;
            add_kept_files(es, m);
            continue;
        }
        const char *v = version_of(es, rec, &nv, d, &rc);
        es->m = m;
        es->version = v;
        size_t first = es->n;
        es->tg->files(es, v, safe[i], m, up[i], down[i]);
        if (!rec)
            report_copies(es, m, safe[i], ent, &u, first, d, &rc);
    }
    es->m = NULL;
    if (es->tg->support)
        es->tg->support(es);
    classify_files(es);
    return rc;
}
