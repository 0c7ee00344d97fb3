/* spec_load: spec files and folders -> the spec set.
 *
 * Walks the folders given (every *.yaml / *.yml, sorted by path), reads each
 * file, and loads its document: the version, the one 'settings' of the spec
 * set, and each table (spec_schema reads them against the table of keys).
 * A table name given twice in the spec set is an error here; every other
 * check across fields or tables is validate's. */
#include "spec_load.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "spec_internal.h"
#include "spec_schema.h"
#include "strbuf.h"
#include "strmap.h"

/* ---------------------------------------------------------------- errors */

void ld_err(ld *L, const char *code, srcloc at, const char *hint, const char *fmt, ...)
{
    if (L->in_file && L->nerr >= MAX_FILE_ERRORS) {
        /* a flood (thousands of duplicate keys) would take minutes to print */
        if (L->nerr++ == MAX_FILE_ERRORS) {
            srcloc whole = {L->file, 0, 0};
            diag_add(L->d, SEV_ERROR, "too-many-errors", whole, "fix these, then run partc again",
                     "more than %d errors in this file: the first %d found are shown",
                     MAX_FILE_ERRORS, MAX_FILE_ERRORS);
        }
        return;
    }
    L->nerr++;
    va_list ap;
    va_start(ap, fmt);
    char *msg = arena_vprintf(L->a, fmt, ap);
    va_end(ap);
    diag_add(L->d, SEV_ERROR, code, at, hint, "%s", msg);
}

/* ---------------------------------------------------------------- tables */

static const char *table_key(ld *L, const table *t)
{
    return arena_printf(L->a, "%zu:%s.%s", strlen(t->schema.s), t->schema.s, t->name.s);
}

static void add_table(ld *L, table *t)
{
    if (!t->schema.s)
        model_defaults(t);
    const char *key = table_key(L, t);
    table *prev = strmap_find(&L->tables, key);
    if (prev) {
        ld_err(L, "duplicate-table", t->name.at,
            arena_printf(L->a, "first defined at %s:%d", prev->name.at.file, prev->name.at.line),
            "table '%s.%s' is defined more than once", disp(L, t->schema.s), disp(L, t->name.s));
        return;
    }
    strmap_put(&L->tables, L->a, key, t);
    specset_add_table(L->ss, t);
}

static void load_table(ld *L, ynode *k, ynode *v)
{
    add_table(L, spec_load_table(L, k, v));
}

static void load_settings(ld *L, ynode *k, ynode *v)
{
    settings_spec tmp, *s = &L->ss->settings;
    if (s->present) {
        ld_err(L, "duplicate-settings", k->at,
               arena_printf(L->a, "first given at %s:%d; keep one 'settings' in the spec set",
                            s->at.file, s->at.line),
               "'settings' given more than once in the spec set");
        tmp = *s;
        s = &tmp;
    }
    spec_load_settings(L, k, v, s);
}

/* ------------------------------------------------------------ one file */

static bool load_file_body(ld *L, srcfile *sf);

static void load_file(ld *L, srcfile *sf)
{
    L->sf = sf;
    L->file = sf->path;
    L->in_file = true;
    L->nerr = 0;
    /* a file that cannot be read as a spec may declare tables that others
     * reference: their references are then not reported as unknown */
    if (!load_file_body(L, sf))
        L->ss->incomplete = true;
    L->in_file = false;
}

/* Returns false when the file could not be read as a spec (its tables are
 * unknown). */
static bool load_file_body(ld *L, srcfile *sf)
{
    /* a UTF-8 byte order mark starts the file: skip it, so that line 1's
     * columns and excerpts are those of the text after it */
    if (sf->len >= 3 && memcmp(sf->bytes, "\xEF\xBB\xBF", 3) == 0 && !sf->line_start) {
        sf->bytes += 3;
        sf->len -= 3;
    }
    int failed = 0;
    ynode *root = spec_tree_read(L, &failed);
    if (failed)
        return false;
    if (!root || is_null(root)) {
        ld_err(L, "empty-spec", root ? root->at : ld_loc(L, 1, 1),
            "a spec starts with 'version: 1'", "file has no spec document");
        return false;
    }
    if (root->kind != YN_MAP) {
        ld_err(L, "wrong-type", root->at, "a spec starts with 'version: 1'",
            "expected a mapping at the top of the spec, got %s", kind_desc(L, root));
        return false;
    }
    const char *ctx = "the spec";
    size_t before = L->d->n;
    check_keys(L, root, ctx, spec_top_keys(L));
    bool unknown_top = L->d->n != before;
    ynode *x, *xk;
    if ((x = get(root, "version", NULL))) {
        int64_t ver = 0;
        if (x->kind == YN_SCALAR && !x->plain && parse_int(x->text, &ver) == 1) {
            ld_err(L, "bad-version", x->at, "write version: 1, without quotes",
                "spec version must be the number 1, not the quoted text %s", kind_desc(L, x));
            return false;
        }
        if (x->kind != YN_SCALAR || !x->plain || parse_int(x->text, &ver) != 1 || ver != 1) {
            ld_err(L, "bad-version", x->at, "this partc reads 'version: 1'",
                "unsupported spec version %s", kind_desc(L, x));
            return false;
        }
    } else
        missing(L, root->at, "version", ctx, "a spec starts with 'version: 1'");
    ynode *settings = get(root, "settings", &xk);
    if (settings)
        load_settings(L, xk, settings);
    ynode *tables = get(root, "tables", NULL);
    if (!tables) {
        if (!settings && !unknown_top)
            missing(L, root->at, "tables", ctx, "add 'tables:' with at least one table");
        return true;
    }
    if (!want_kind(L, tables, YN_MAP, "tables"))
        return false;
    check_names(L, tables, "'tables'");
    for (ynode *k = tables->head; k && k->next; k = k->next->next)
        if (!k->skip)
            load_table(L, k, k->next);
    return true;
}

static void ld_init(ld *L, specset *ss, diags *d)
{
    memset(L, 0, sizeof *L);
    L->ss = ss;
    L->d = d;
    L->a = ss->a;
    for (size_t i = 0; i < ss->ntables; i++) {
        table *t = ss->tables[i];
        if (t->name.s && t->schema.s)
            strmap_put(&L->tables, L->a, table_key(L, t), t);
    }
}

int spec_load_bytes(specset *ss, const char *path, const char *bytes, size_t len, diags *d)
{
    ld L;
    ld_init(&L, ss, d);
    size_t before = d->n;
    srcfile *sf = srcfile_from_bytes(ss->a, path, bytes, len);
    srcset_add(&ss->files, sf);
    load_file(&L, sf);
    return d->n != before ? -1 : 0; /* the loader adds errors only */
}

/* ------------------------------------------------------------- folders */

typedef struct plist {
    const char **v;
    size_t n, cap;
} plist;

static void pl_add(arena *a, plist *p, const char *s)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        p->v = arena_grow(a, p->v, p->n, cap, sizeof *p->v);
        p->cap = cap;
    }
    p->v[p->n++] = s;
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool yaml_name(const char *s)
{
    size_t n = strlen(s);
    return (n > 5 && strcmp(s + n - 5, ".yaml") == 0) || (n > 4 && strcmp(s + n - 4, ".yml") == 0);
}

static void io_error(ld *L, const char *path, const char *why)
{
    srcloc at = {path, 0, 0};
    const char *hint = "check the path and its permissions";
    if (strstr(why, "larger than"))
        hint = "split the specs into several files";
    else if (strstr(why, "not a regular file"))
        hint = "give a spec file (*.yaml, *.yml) or a folder of them";
    else if (strcmp(why, "is a directory") == 0)
        hint = "give the folder itself: partc reads the *.yaml and *.yml files under it";
    /* strerror's text starts with a capital; messages are lowercase */
    char *w = arena_strdup(L->a, why);
    if (w[0] >= 'A' && w[0] <= 'Z' && w[1] >= 'a' && w[1] <= 'z')
        w[0] = (char)(w[0] - 'A' + 'a');
    ld_err(L, "io-error", at, hint, "cannot read '%s': %s", disp(L, path), w);
}

/* A path with control characters (a line break, an escape sequence) would
 * forge or garble the "file:line:col" of a diagnostic: such a spec is
 * refused, under a copy of its path with every control byte shown as '?'. */
static bool path_ok(ld *L, const char *path)
{
    const char *p = path;
    while (*p && !((unsigned char)*p < 0x20 || *p == 0x7f))
        p++;
    if (!*p)
        return true;
    char *shown = arena_strdup(L->a, path);
    for (char *q = shown; *q; q++)
        if ((unsigned char)*q < 0x20 || *q == 0x7f)
            *q = '?';
    srcloc at = {shown, 0, 0};
    ld_err(L, "bad-file-name", at, "rename the file: spec file names hold no line breaks or control characters",
        "file name '%s' contains a control character", disp(L, shown));
    return false;
}

/* Every *.yaml / *.yml under dir; hidden entries and symlinked folders are
 * skipped (no loops). */
static void walk(ld *L, const char *dir, plist *out, int depth)
{
    DIR *dp = opendir(dir);
    if (!dp) {
        io_error(L, dir, strerror(errno));
        return;
    }
    size_t dl = strlen(dir);
    bool slash = dl > 0 && dir[dl - 1] == '/';
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        const char *nm = e->d_name;
        if (nm[0] == '.')
            continue;
        const char *full = arena_printf(L->a, "%s%s%s", dir, slash ? "" : "/", nm);
        struct stat st;
        if (lstat(full, &st) != 0)
            continue;
        if (S_ISLNK(st.st_mode)) {
            if (stat(full, &st) != 0) {
                if (yaml_name(nm))
                    pl_add(L->a, out, full); /* reported when read */
                continue;
            }
            if (S_ISDIR(st.st_mode))
                continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (depth < MAX_DIR_DEPTH)
                walk(L, full, out, depth + 1);
        } else if (S_ISREG(st.st_mode) && yaml_name(nm))
            pl_add(L->a, out, full);
    }
    closedir(dp);
}

bool spec_load_unreadable(const diags *d)
{
    return diags_have_code(d, "io-error") || diags_have_code(d, "no-spec-files") ||
           diags_have_code(d, "bad-file-name");
}

int spec_load_paths(specset *ss, const char *const *paths, size_t npaths, diags *d)
{
    ld L;
    ld_init(&L, ss, d);
    size_t before = d->n;
    plist files = {0};
    for (size_t i = 0; i < npaths; i++) {
        struct stat st;
        if (!path_ok(&L, paths[i]))
            continue;
        if (stat(paths[i], &st) != 0) {
            io_error(&L, paths[i], strerror(errno));
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            plist sub = {0};
            size_t nd = d->n;
            walk(&L, paths[i], &sub, 0);
            if (sub.n == 0 && d->n == nd) {
                /* an empty folder is most likely a wrong path: never "no findings" */
                srcloc at = {paths[i], 0, 0};
                ld_err(&L, "no-spec-files", at,
                    "give the folder that holds the specs, or name spec files",
                    "no spec files (*.yaml, *.yml) in folder '%s'", disp(&L, paths[i]));
                        }
            if (sub.n > 1)
                qsort(sub.v, sub.n, sizeof *sub.v, cmp_path);
            for (size_t j = 0; j < sub.n; j++)
                pl_add(ss->a, &files, sub.v[j]);
        } else
            pl_add(ss->a, &files, paths[i]);
    }
    strmap seen = {0};
    for (size_t i = 0; i < files.n; i++) {
        if (strmap_find(&seen, files.v[i]))
            continue;
        strmap_put(&seen, ss->a, files.v[i], (void *)files.v[i]);
        if (!path_ok(&L, files.v[i]))
            continue;
        const char *why = NULL;
        srcfile *sf = srcfile_read(ss->a, files.v[i], &why);
        if (!sf) {
            io_error(&L, files.v[i], why ? why : "read error");
            continue;
        }
        srcset_add(&ss->files, sf);
        load_file(&L, sf);
    }
    return d->n != before ? -1 : 0; /* the loader adds errors only */
}
