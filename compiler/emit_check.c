/* emit_check: `partc check` and the reports of what differs between the
 * folder, partc.lock and what the specs compile to (with a diff of a file
 * that drifted).  Reads only. */
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
size_t report_states(const emit_set *es, diags *d)
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
            if (f->kept_missing)
                diag_add(d, SEV_ERROR, "io-error", at,
                         "restore it from version control: partc keeps an older runtime migration as it was "
                         "written and cannot write it again",
                         "cannot read '%s', a runtime migration that partc.lock records: %s", f->path,
                         strerror(f->read_errno));
            else
                diag_add(d, SEV_ERROR, "io-error", at, NULL, "cannot read '%s': %s", f->path,
                         strerror(f->read_errno));
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
size_t report_unproduced(const emit_set *es, diags *d)
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
        if (ex == EXISTING_ABSENT) {
            diag_add(d, SEV_ERROR, "deleted", (srcloc){path, 0, 0},
                     "restore it from version control: runners remember the migrations they applied",
                     "deleted, but partc.lock records it (line %d)", e->line);
            errors++;
        } else if (ex == EXISTING_OTHER && strcmp(disk, e->sha256) != 0) {
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
                 "keep its spec and say drop: true in it (partc writes the migration that drops it; not yet for a "
                 "converted table); a "
                 "conversion's phase is there because migrate.through (or cleanup) once went that far: set it "
                 "back",
                 "'%s' records migration '%s' (version %s), but no spec compiles to it any more", lk->path,
                 e->name, e->version);
        errors++;
    }
    return errors;
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

