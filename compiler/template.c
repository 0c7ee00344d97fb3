#include "template.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static int cmp_src(const void *a, const void *b)
{
    return strcmp(((const template_src *)a)->name, ((const template_src *)b)->name);
}

int template_set_load(template_set *ts, arena *a, const char *dir, diags *d)
{
    if (!dir) {
        ts->v = arena_calloc(a, template_nembedded, sizeof *ts->v);
        for (unsigned i = 0; i < template_nembedded; i++)
            ts->v[i] = template_embedded[i];
        ts->n = template_nembedded;
        return 0;
    }
    srcloc at = {dir, 0, 0};
    DIR *dh = opendir(dir);
    if (!dh) {
        diag_add(d, SEV_ERROR, "io-error", at, "--templates names a folder of *.sql templates",
                 "cannot open template folder '%s'", dir);
        return -1;
    }
    size_t cap = 32;
    ts->v = arena_calloc(a, cap, sizeof *ts->v);
    ts->n = 0;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(dh)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len <= 4 || strcmp(de->d_name + len - 4, ".sql") != 0 || de->d_name[0] == '.')
            continue;
        const char *path = arena_printf(a, "%s/%s", dir, de->d_name);
        const char *err = NULL;
        srcfile *sf = srcfile_read(a, path, &err);
        if (!sf) {
            diag_add(d, SEV_ERROR, "io-error", (srcloc){path, 0, 0}, NULL,
                     "cannot read template '%s': %s", path, err);
            rc = -1;
            continue;
        }
        if (ts->n == cap) {
            ts->v = arena_grow(a, ts->v, ts->n, cap * 2, sizeof *ts->v);
            cap *= 2;
        }
        ts->v[ts->n].name = arena_strndup(a, de->d_name, len - 4);
        ts->v[ts->n].path = sf->path;
        ts->v[ts->n].text = sf->bytes;
        ts->n++;
    }
    closedir(dh);
    /* readdir order is the file system's: sort for determinism */
    qsort(ts->v, ts->n, sizeof *ts->v, cmp_src);
    return rc;
}

/* Every step renders several templates and looks up every placeholder, so
 * the scans below compare the first byte before calling strcmp. */
static bool same(const char *x, const char *y)
{
    return x[0] == y[0] && strcmp(x, y) == 0;
}

const template_src *template_find(const template_set *ts, const char *name)
{
    for (size_t i = 0; i < ts->n; i++)
        if (same(ts->v[i].name, name))
            return &ts->v[i];
    return NULL;
}

void tvars_init(tvars *tv, arena *a)
{
    memset(tv, 0, sizeof *tv);
    tv->a = a;
}

void tvars_set(tvars *tv, const char *name, const char *value)
{
    for (size_t i = 0; i < tv->n; i++)
        if (same(tv->names[i], name)) {
            tv->values[i] = value;
            return;
        }
    if (tv->n == tv->cap) {
        size_t cap = tv->cap ? tv->cap * 2 : 16;
        tv->names = arena_grow(tv->a, tv->names, tv->n, cap, sizeof *tv->names);
        tv->values = arena_grow(tv->a, tv->values, tv->n, cap, sizeof *tv->values);
        tv->cap = cap;
    }
    tv->names[tv->n] = name;
    tv->values[tv->n] = value;
    tv->n++;
}

const char *tvars_get(const tvars *tv, const char *name)
{
    for (size_t i = 0; i < tv->n; i++)
        if (same(tv->names[i], name))
            return tv->values[i];
    return NULL;
}

/* tvars_get of the name key[0..len), without copying it. */
const char *tvars_get_n(const tvars *tv, const char *key, size_t len)
{
    for (size_t i = 0; i < tv->n; i++) {
        const char *nm = tv->names[i];
        if (len && nm[0] == key[0] && strncmp(nm, key, len) == 0 && nm[len] == '\0')
            return tv->values[i];
        if (!len && nm[0] == '\0')
            return tv->values[i];
    }
    return NULL;
}

static srcloc loc_in(const template_src *t, const char *p)
{
    srcloc at = {t->path, 1, 1};
    for (const char *q = t->text; q < p; q++) {
        if (*q == '\n') {
            at.line++;
            at.col = 1;
        } else
            at.col++;
    }
    return at;
}

/* Expands one line (without its newline) of template t. */
static int expand_line(const template_src *t, const char *name, const char *p, const char *end,
                       const tvars *tv, strbuf *out, diags *d)
{
    int rc = 0;
    while (p < end) {
        const char *open = NULL;
        for (const char *q = p; q + 1 < end; q++)
            if (q[0] == '{' && q[1] == '{') {
                open = q;
                break;
            }
        if (!open) {
            sb_add(out, p, (size_t)(end - p));
            break;
        }
        sb_add(out, p, (size_t)(open - p));
        const char *close = NULL;
        for (const char *q = open + 2; q + 1 < end; q++)
            if (q[0] == '}' && q[1] == '}') {
                close = q;
                break;
            }
        if (!close) {
            diag_add(d, SEV_ERROR, "template-syntax", loc_in(t, open),
                     "placeholders are written {{name}} on one line",
                     "unterminated placeholder in template '%s'", name);
            return -1;
        }
        size_t klen = (size_t)(close - open - 2);
        const char *val = tvars_get_n(tv, open + 2, klen);
        if (!val) {
            const char *key = arena_strndup(tv->a, open + 2, klen);
            diag_add(d, SEV_ERROR, "unknown-placeholder", loc_in(t, open),
                     "a template may use the base values and those its row in compiler/steps.def gives (partc's own templates "
                     "are checked against them when it is built)",
                     "unknown placeholder '{{%s}}' in template '%s'", key, name);
            rc = -1;
        } else
            sb_puts(out, val);
        p = close + 2;
    }
    return rc;
}

int template_expand(const template_set *ts, const char *name, const tvars *tv,
                    strbuf *out, diags *d)
{
    const template_src *t = template_find(ts, name);
    if (!t) {
        diag_add(d, SEV_ERROR, "unknown-template", (srcloc){NULL, 0, 0},
                 "every step kind needs templates/<kind>.sql",
                 "template '%s' does not exist", name);
        return -1;
    }
    int rc = 0;
    const char *p = t->text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        const char *end = nl ? nl : p + strlen(p);
        /* lines starting with --! document the template and are not output */
        if (strncmp(p, "--!", 3) != 0) {
            if (expand_line(t, name, p, end, tv, out, d) != 0)
                rc = -1;
            if (nl)
                sb_addc(out, '\n');
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    return rc;
}
