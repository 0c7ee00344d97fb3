/* validate: hard errors over the whole spec set, and the derived fields.
 *
 * One pass per table (columns, keys, indexes, foreign keys, partition,
 * retention, maintenance, security, name lengths, generated names), name
 * registries for collisions across tables (relations and functions per
 * schema), then the foreign-key graph: cycles and the dependency order.
 * Scratch memory (partition names, shapes, graph arrays) lives in a
 * private arena and the name sets' slots on the heap, all freed before
 * returning; what the model keeps (gen_name, ordered) is allocated from
 * ss->a. */
#include "validate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "names.h"
#include "sqlquote.h"
#include "strmap.h"
#include "strbuf.h"

/* Planned ranges per table above which only the edges are name-checked. */
#define RANGES_FULL 100000
#define RANGES_EDGE 1000

typedef enum {
    NK_TABLE,
    NK_PARTITION,
    NK_DEFAULT_PARTITION,
    NK_INDEX,
    NK_PKEY,
    NK_UNIQUE,
    NK_BRIN,
    NK_VIEW,
    NK_SHADOW,
    NK_OLD,
    NK_FUNCTION
} name_kind;

/* One registered name: a relation or function of a schema, or a table.
 * Kept small: a run may register millions of partition names.  A name set
 * maps a name to the entries of that name, one per schema. */
typedef struct nent {
    const char *schema, *name;
    struct nent *next; /* the same name in another schema */
    uint32_t owner;    /* index of the table it belongs to */
    uint8_t kind;      /* name_kind */
} nent;

typedef struct nset {
    strmap m;  /* name -> nent chain; slots on the heap */
    size_t n;  /* entries */
    arena *a;  /* the entries */
} nset;

typedef struct vctx {
    specset *ss;
    diags *d;
    arena *tmp;
    int64_t as_of;
    nset tables; /* schema.name -> first table of that name */
    nset rels;   /* relations (tables, partitions, indexes, views) */
    nset fns;    /* functions */
    bool *dup;   /* table i repeats an earlier table's schema.name */
    bool *parts; /* table i has partition names to register */
    long *fkref; /* resolved table index per foreign key, -1 when unknown */
    size_t *fkbase; /* first fkref slot of table i */
} vctx;

/* ---------------------------------------------------------------- helpers */

static srcloc pick(srcloc a, srcloc b)
{
    return a.line > 0 ? a : b;
}

static void err(vctx *v, const char *code, srcloc at, const char *hint,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void err(vctx *v, const char *code, srcloc at, const char *hint,
                const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *msg = arena_vprintf(v->tmp, fmt, ap);
    va_end(ap);
    diag_add(v->d, SEV_ERROR, code, at, hint, "%s", msg);
}

static const char *tname(vctx *v, const table *t)
{
    const char *n = t->name.s ? t->name.s : "?";
    if (t->schema.s && strcmp(t->schema.s, "public") != 0)
        return arena_printf(v->tmp, "%s.%s", t->schema.s, n);
    return n;
}

static const char *schema_of(const table *t)
{
    return t->schema.s ? t->schema.s : "public";
}



/* A candidate at edit distance <= 2 (and closer than the name's length). */
typedef struct near {
    const char *best;
    size_t dist;
    arena *a;
    const char *want;
} near;

static void near_try(near *nr, const char *cand)
{
    if (!cand || strcmp(cand, nr->want) == 0)
        return;
    size_t lw = strlen(nr->want), lc = strlen(cand);
    if ((lw > lc ? lw - lc : lc - lw) > 2)
        return;
    size_t dd = names_edit_distance(nr->a, nr->want, cand);
    if (dd <= 2 && dd < lw && (!nr->best || dd < nr->dist)) {
        nr->best = cand;
        nr->dist = dd;
    }
}

static const char *column_hint(vctx *v, const table *t, const char *name)
{
    near nr = {NULL, 0, v->tmp, name};
    for (size_t i = 0; i < t->ncolumns; i++)
        near_try(&nr, t->columns[i].name.s);
    if (nr.best)
        return arena_printf(v->tmp, "did you mean '%s'?", nr.best);
    return arena_printf(v->tmp, "declare '%s' under columns: of '%s', or name one of its columns",
                        name, tname(v, t));
}

/* "a, b, c" */
static const char *join_list(vctx *v, const slist *l)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            sb_puts(&sb, ", ");
        sb_puts(&sb, l->v[i].s ? l->v[i].s : "?");
    }
    const char *r = arena_strdup(v->tmp, sb_str(&sb));
    sb_free(&sb);
    return r;
}

static bool list_has(const slist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].s && s && strcmp(l->v[i].s, s) == 0)
            return true;
    return false;
}

/* Same columns as a set (neither list has duplicates when this is asked). */
static bool same_set(const slist *a, const slist *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (!list_has(b, a->v[i].s))
            return false;
    return true;
}

static bool has_dups(const slist *l)
{
    for (size_t i = 0; i < l->n; i++)
        for (size_t j = 0; j < i; j++)
            if (l->v[i].s && l->v[j].s && strcmp(l->v[i].s, l->v[j].s) == 0)
                return true;
    return false;
}

/* The date (and time when not midnight) of an instant, for messages. */
static const char *fmt_instant(vctx *v, int64_t t)
{
    cal_tm tm;
    cal_split(t, &tm);
    if (tm.hour == 0 && tm.minute == 0 && tm.second == 0)
        return arena_printf(v->tmp, "%04d-%02d-%02d", tm.year, tm.month, tm.day);
    if (tm.second == 0)
        return arena_printf(v->tmp, "%04d-%02d-%02d %02d:%02d", tm.year, tm.month,
                            tm.day, tm.hour, tm.minute);
    return arena_printf(v->tmp, "%04d-%02d-%02d %02d:%02d:%02d", tm.year, tm.month,
                        tm.day, tm.hour, tm.minute, tm.second);
}

static const char *fmt_duration(vctx *v, duration du)
{
    static const char *const units[] = {"hour", "day", "week", "month", "year"};
    const char *u = (unsigned)du.unit < 5 ? units[du.unit] : "?";
    return arena_printf(v->tmp, "%lld %s%s", (long long)du.n, u, du.n == 1 ? "" : "s");
}

/* Lowercase type text without precision modifiers and extra blanks:
 * "TIMESTAMP(3)  With Time Zone" -> "timestamp with time zone". */

static bool time_type(const char *base)
{
    static const char *const ok[] = {
        "timestamptz", "timestamp with time zone", "timestamp",
        "timestamp without time zone", "date",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strcmp(base, ok[i]) == 0)
            return true;
    return false;
}

/* ------------------------------------------------------------ name sets */

static void nset_init(nset *s, arena *a)
{
    strmap_init_heap(&s->m, 256);
    s->a = a;
}

static nent *nset_find(const nset *s, const char *schema, const char *name)
{
    for (nent *e = strmap_find(&s->m, name); e; e = e->next)
        if (strcmp(e->schema, schema) == 0)
            return e;
    return NULL;
}

static void nset_free(nset *s)
{
    strmap_free(&s->m);
}

/* Inserts e unless the name is taken: returns the existing entry then. */
static const nent *nset_put(nset *s, const nent *e)
{
    strmap_val *slot = strmap_slot(&s->m, e->name, strlen(e->name));
    for (nent *o = slot->p; o; o = o->next)
        if (strcmp(o->schema, e->schema) == 0)
            return o;
    nent *n = arena_alloc(s->a, sizeof *n);
    *n = *e;
    n->next = slot->p;
    slot->p = n;
    s->n++;
    return NULL;
}

static const char *kind_desc(vctx *v, name_kind k, const table *t)
{
    static const char *const what[] = {
        [NK_TABLE] = "table",
        [NK_PARTITION] = "partition of",
        [NK_DEFAULT_PARTITION] = "default partition of",
        [NK_INDEX] = "index of",
        [NK_PKEY] = "primary key of",
        [NK_UNIQUE] = "unique constraint of",
        [NK_BRIN] = "brin index of",
        [NK_VIEW] = "health view of",
        [NK_SHADOW] = "shadow table of",
        [NK_OLD] = "old table of",
        [NK_FUNCTION] = "maintenance function of",
    };
    return arena_printf(v->tmp, "%s '%s'", what[k], tname(v, t));
}

static const char *collision_hint(name_kind k)
{
    switch (k) {
    case NK_TABLE: return "rename one of the tables or put them in different schemas";
    case NK_PARTITION:
        return "change partition.naming so that it cannot produce this name (include {table})";
    case NK_INDEX: return "give the index a name: that is not used in this schema";
    case NK_SHADOW: return "set migrate.shadow_suffix to a suffix that gives an unused name";
    case NK_OLD: return "set migrate.old_suffix to a suffix that gives an unused name";
    default: return "rename one of the tables so that the generated names differ";
    }
}

/* Registers a name; reports a collision unless quiet.  Returns true when
 * the name was already taken. */
static bool reg_name(vctx *v, nset *s, size_t ti, name_kind k, const char *name,
                     srcloc at, bool quiet)
{
    if (!name)
        return false;
    const table *t = v->ss->tables[ti];
    nent e = {schema_of(t), name, NULL, (uint32_t)ti, (uint8_t)k};
    const nent *old = nset_put(s, &e);
    if (!old)
        return false;
    if (!quiet) {
        bool parts = k == NK_PARTITION && old->kind == NK_PARTITION;
        err(v, parts ? "partition-name-collision" : "name-collision", at,
            collision_hint(k), "name '%s' of the %s collides with the %s in schema '%s'",
            name, kind_desc(v, k, t), kind_desc(v, (name_kind)old->kind, v->ss->tables[old->owner]),
            e.schema);
    }
    return true;
}

/* ------------------------------------------------------------- lengths */

/* identifier-too-long when name is longer than NAME_MAX_BYTES. */
static bool check_len(vctx *v, const char *name, bool generated, srcloc at,
                      const char *hint)
{
    if (!name)
        return true;
    for (const char *p = name; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            err(v, "bad-name", at, "names may hold any printable text, but no line breaks or control characters",
                "name '%s' contains a control character", name);
            return false;
        }
    size_t n = strlen(name);
    if (n <= NAME_MAX_BYTES)
        return true;
    err(v, "identifier-too-long", at, hint,
        "%sname '%s' is %zu bytes; PostgreSQL truncates names to %d bytes",
        generated ? "generated " : "", name, n, NAME_MAX_BYTES);
    return false;
}

/* ----------------------------------------------------------- columns */

static void need_column(vctx *v, const table *t, const sval *c, const char *what)
{
    if (!c->s || t->ncolumns == 0 || table_column(t, c->s))
        return;
    err(v, "unknown-column", c->at, column_hint(v, t, c->s),
        "%s '%s' is not a column of '%s'", what, c->s, tname(v, t));
}

static void check_expr(vctx *v, const sval *e, const char *what)
{
    const char *why = NULL;
    if (!e->s || sql_expr_check(e->s, &why) == 0)
        return;
    err(v, "bad-expression", e->at,
        "write one SQL expression: no ';', no comments, no dollar quotes, balanced quotes and parentheses",
        "%s '%s' is not a valid SQL expression: %s", what, e->s, why ? why : "rejected");
}

/* Columns of a key or index: duplicates, unknown names, expressions. */
static void check_col_list(vctx *v, const table *t, const slist *l, const char *what,
                           const char *listname, bool exprs)
{
    for (size_t i = 0; i < l->n; i++) {
        const sval *c = &l->v[i];
        if (!c->s)
            continue;
        bool dup = false;
        for (size_t j = 0; j < i && !dup; j++)
            dup = l->v[j].s && strcmp(l->v[j].s, c->s) == 0;
        if (dup) {
            err(v, "duplicate-column", c->at, "remove the second occurrence",
                "column '%s' is listed twice in %s of '%s'", c->s, listname, tname(v, t));
            continue;
        }
        /* a declared column is a name however it is spelled; render quotes it */
        if (exprs && !table_column(t, c->s) && !names_plain_ident(c->s))
            check_expr(v, c, "index expression");
        else
            need_column(v, t, c, what);
    }
}

static void check_columns(vctx *v, const table *t)
{
    if (t->mode.v == MODE_CREATE && t->ncolumns == 0)
        err(v, "missing-columns", t->name.at,
            "declare the columns under columns: (each with a type)",
            "table '%s' has mode create but no columns", tname(v, t));
    for (size_t i = 0; i < t->ncolumns; i++) {
        const column *c = &t->columns[i];
        check_len(v, c->name.s, false, c->name.at, "shorten the column name");
        if (c->type.s && !names_type_ok(c->type.s))
            err(v, "bad-type", c->type.at,
                "write an SQL type such as 'text', 'numeric(12,2)', 'timestamptz' or 'text[]'",
                "type '%s' of column '%s' is not a valid SQL type", c->type.s,
                c->name.s ? c->name.s : "?");
        check_expr(v, &c->default_expr, "default");
        if (c->identity.v != IDENTITY_NONE && c->default_expr.s)
            err(v, "identity-with-default", c->default_expr.at,
                "an identity column takes its values from its sequence: drop the default or the identity",
                "column '%s' has both identity and a default", c->name.s ? c->name.s : "?");
    }
}

/* ------------------------------------------------------------- keys */

static void check_keys(vctx *v, const table *t)
{
    if (t->primary_key.present)
        check_col_list(v, t, &t->primary_key, "primary key column", "the primary key", false);
    for (size_t i = 0; i < t->nunique; i++)
        check_col_list(v, t, &t->unique[i], "unique column", "a unique list", false);
    for (size_t i = 0; i < t->nchecks; i++) {
        check_len(v, t->checks[i].name.s, false, t->checks[i].name.at,
                  "shorten the check name");
        check_expr(v, &t->checks[i].expr, "check");
    }
}

/* A name of at most 63 bytes per part, schema.name allowed. */
static void check_index_name_part(vctx *v, const sval *n, const char *what)
{
    if (!n->s)
        return;
    const char *dot = strchr(n->s, '.');
    if (n->s[0] == '.' || (dot && (dot[1] == '\0' || strchr(dot + 1, '.')))) {
        err(v, "bad-index-column", n->at, "write name or schema.name",
            "%s '%s' is not a name", what, n->s);
        return;
    }
    check_len(v, dot ? dot + 1 : n->s, false, n->at, "shorten the name");
}

static void check_index_columns(vctx *v, const table *t, const index *ix)
{
    const char *method = ix->using.s ? ix->using.s : "btree";
    if (!ix->cols) {
        check_col_list(v, t, &ix->columns, "index column", "an index", true);
        return;
    }
    for (size_t i = 0; i < ix->columns.n; i++) {
        const sval *c = &ix->columns.v[i];
        const index_col *ic = &ix->cols[i];
        if (!c->s)
            continue;
        bool dup = false;
        for (size_t j = 0; j < i && !dup; j++)
            dup = !ic->expression && !ix->cols[j].expression && ix->columns.v[j].s &&
                  strcmp(ix->columns.v[j].s, c->s) == 0 && ix->cols[j].opclass.s == ic->opclass.s;
        if (dup) {
            err(v, "duplicate-column", c->at, "remove the second occurrence",
                "column '%s' is listed twice in an index of '%s'", c->s, tname(v, t));
            continue;
        }
        if (ic->expression)
            check_expr(v, c, "index expression");
        else
            need_column(v, t, c, "index column");
        if ((ic->order.v != SORT_DEFAULT || ic->nulls.v != NULLS_DEFAULT) && strcmp(method, "btree") != 0)
            err(v, "bad-index-column", ic->order.v != SORT_DEFAULT ? ic->order.at : ic->nulls.at,
                "drop order and nulls, or use btree: only btree indexes are ordered",
                "index column '%s' of '%s' sets an order, but a %s index has none", c->s, tname(v, t), method);
        check_index_name_part(v, &ic->opclass, "operator class");
        check_index_name_part(v, &ic->collate, "collation");
    }
}

static void check_indexes(vctx *v, table *t)
{
    for (size_t i = 0; i < t->nindexes; i++) {
        index *ix = &t->indexes[i];
        check_index_columns(v, t, ix);
        check_col_list(v, t, &ix->include, "index include column", "an index include", false);
        check_expr(v, &ix->where, "index predicate");
        ix->gen_name = ix->name.s ? ix->name.s : names_index(v->ss->a, t, ix);
        if (!ix->name.s)
            continue;
        check_len(v, ix->name.s, false, ix->name.at, "shorten the index name");
        for (size_t j = 0; j < i; j++)
            if (t->indexes[j].name.s && strcmp(t->indexes[j].name.s, ix->name.s) == 0) {
                err(v, "duplicate-name", ix->name.at, "give each index its own name",
                    "index name '%s' is used twice in '%s'", ix->name.s, tname(v, t));
                break;
            }
    }
}

/* ---------------------------------------------------------- foreign keys */

static long table_lookup(vctx *v, const char *schema, const char *name)
{
    const nent *e = nset_find(&v->tables, schema, name);
    return e ? (long)e->owner : -1;
}

static void check_fk(vctx *v, size_t ti, size_t k)
{
    table *t = v->ss->tables[ti];
    foreign_key *fk = &t->fks[k];
    v->fkref[v->fkbase[ti] + k] = -1;
    check_col_list(v, t, &fk->columns, "foreign key column", "a foreign key", false);
    fk->gen_name = names_fkey(v->ss->a, t, fk);
    if (!fk->ref_table.s)
        return;
    const char *schema = fk->ref_schema.s ? fk->ref_schema.s : schema_of(t);
    long j = table_lookup(v, schema, fk->ref_table.s);
    if (j < 0 && !fk->ref_schema.s && strcmp(schema, "public") != 0)
        j = table_lookup(v, "public", fk->ref_table.s);
    if (j < 0 && specset_maybe_declared(v->ss, fk->ref_schema.s ? schema : NULL, fk->ref_table.s))
        return; /* declared in a file or table that failed to load: reported there */
    if (j < 0) {
        near nr = {NULL, 0, v->tmp, fk->ref_table.s};
        for (size_t i = 0; i < v->ss->ntables; i++)
            near_try(&nr, v->ss->tables[i]->name.s);
        const char *hint = nr.best
            ? arena_printf(v->tmp, "did you mean '%s'?", nr.best)
            : "declare the referenced table in the spec set (mode: reference when it exists and is not changed)";
        err(v, "unknown-table", fk->ref_table.at, hint,
            "foreign key of '%s' references table '%s%s%s', which is not in the spec set",
            tname(v, t), fk->ref_schema.s ? fk->ref_schema.s : "",
            fk->ref_schema.s ? "." : "", fk->ref_table.s);
        return;
    }
    v->fkref[v->fkbase[ti] + k] = j;
    const table *r = v->ss->tables[j];
    fk->ref = r;

    const slist *rc = &fk->ref_columns;
    bool bad = false;
    for (size_t i = 0; i < rc->n; i++) {
        const sval *c = &rc->v[i];
        bool dup = false;
        for (size_t m = 0; m < i && !dup; m++)
            dup = c->s && rc->v[m].s && strcmp(rc->v[m].s, c->s) == 0;
        if (dup) {
            err(v, "duplicate-column", c->at, "remove the second occurrence",
                "column '%s' is listed twice in the referenced columns", c->s);
            bad = true;
        } else if (c->s && r->ncolumns > 0 && !table_column(r, c->s)) {
            err(v, "unknown-column", c->at, column_hint(v, r, c->s),
                "referenced column '%s' is not a column of '%s'", c->s, tname(v, r));
            bad = true;
        }
    }
    /* without columns the reference is to the primary key */
    const slist *target = rc->n > 0 ? rc : (r->primary_key.present ? &r->primary_key : NULL);
    srcloc rat = pick(rc->at, fk->at);
    if (target && target->n != fk->columns.n) {
        err(v, "fk-column-count", rat,
            "list as many referencing columns as referenced columns, in matching order",
            "foreign key of '%s' has %zu column%s but references %zu column%s of '%s'",
            tname(v, t), fk->columns.n, fk->columns.n == 1 ? "" : "s", target->n,
            target->n == 1 ? "" : "s", tname(v, r));
        bad = true;
    }
    bool declares = r->primary_key.present || r->nunique > 0;
    for (size_t i = 0; i < r->nindexes && !declares; i++)
        declares = r->indexes[i].unique.v;
    if (bad || !declares || has_dups(&fk->columns))
        return;
    if (!target) {
        err(v, "fk-no-unique", rat, "list the referenced columns under references.columns",
            "foreign key of '%s' names no referenced columns and '%s' declares no primary key",
            tname(v, t), tname(v, r));
        return;
    }
    if (r->primary_key.present && same_set(target, &r->primary_key))
        return;
    for (size_t i = 0; i < r->nunique; i++)
        if (same_set(target, &r->unique[i]))
            return;
    for (size_t i = 0; i < r->nindexes; i++)
        if (r->indexes[i].unique.v && !r->indexes[i].where.s &&
            same_set(target, &r->indexes[i].columns))
            return;
    const char *hint = r->primary_key.present
        ? arena_printf(v->tmp, "reference the primary key (%s) of '%s', or declare unique: [[%s]] on it",
                       join_list(v, &r->primary_key), tname(v, r), join_list(v, target))
        : arena_printf(v->tmp, "declare unique: [[%s]] on '%s'", join_list(v, target), tname(v, r));
    err(v, "fk-no-unique", rat,
        hint, "referenced columns (%s) of '%s' are not its primary key or a unique constraint",
        join_list(v, target), tname(v, r));
}

/* ----------------------------------------------------------- partition */

static bool pattern_has(const char *p, const char *tok)
{
    return strstr(p, tok) != NULL;
}

/* Column of the error inside a plain one-line scalar, else the node's. */
static srcloc naming_loc(vctx *v, const sval *nm, size_t offset)
{
    srcloc at = nm->at;
    if (at.line <= 0 || at.col <= 0 || !at.file)
        return at;
    srcfile *sf = srcset_find(&v->ss->files, at.file);
    size_t len = 0;
    const char *line = sf ? srcfile_line(sf, at.line, &len) : NULL;
    if (!line)
        return at;
    /* the byte where the scalar starts: columns count characters */
    size_t b = 0;
    for (int chars = 1; b < len && chars < at.col; chars++) {
        b++;
        while (b < len && ((unsigned char)line[b] & 0xC0) == 0x80)
            b++;
    }
    size_t plen = strlen(nm->s);
    if (b >= len || strchr("\"'|>", line[b]) || len - b < plen ||
        memcmp(line + b, nm->s, plen) != 0)
        return at;
    int add = 0;
    for (size_t i = 0; i < offset && i < plen; i++)
        if (((unsigned char)nm->s[i] & 0xC0) != 0x80)
            add++;
    at.col += add;
    return at;
}

/* Returns true when partition names can be generated from the pattern. */
static bool check_partition(vctx *v, const table *t)
{
    const partition_spec *p = &t->part;
    if (!p->present) {
        if (t->strategy.v != STRATEGY_NONE && t->mode.v != MODE_REFERENCE)
            err(v, "missing-partition", pick(t->strategy.at, t->name.at),
                "add partition: with key, interval and start",
                "table '%s' has strategy '%s' but no partition block", tname(v, t),
                strategy_name(t->strategy.v));
        return false;
    }
    if (!p->key.s) {
        err(v, "missing-partition", p->at, "set partition.key to a timestamptz or date column",
            "partition block of '%s' has no key", tname(v, t));
    } else if (t->ncolumns > 0) {
        const column *c = table_column(t, p->key.s);
        if (!c)
            need_column(v, t, &p->key, "partition key");
        else if (c->type.s && !time_type(names_type_base(v->tmp, c->type.s)))
            err(v, "partition-key-type", p->key.at,
                "partition by a timestamptz or date column",
                "partition key '%s' of '%s' has type '%s', which cannot hold time ranges",
                p->key.s, tname(v, t), c->type.s);
        else if (c->type.s && strcmp(names_type_base(v->tmp, c->type.s), "date") == 0 &&
                 p->interval.v == IV_HOURLY)
            err(v, "partition-key-type", p->interval.at,
                "use daily or longer ranges, or a timestamptz key",
                "hourly ranges need a time of day, but partition key '%s' is a date", p->key.s);
    }

    if (!cal_aligned(p->interval.v, p->start.v)) {
        int64_t fl = cal_floor(p->interval.v, p->start.v);
        if (p->interval.v == IV_WEEKLY) {
            static const char *const days[] = {"", "Monday", "Tuesday", "Wednesday",
                                               "Thursday", "Friday", "Saturday", "Sunday"};
            int64_t day = cal_floor(IV_DAILY, p->start.v) / 86400;
            int wd = cal_weekday(day), iy, iw;
            cal_iso_week(fl / 86400, &iy, &iw);
            const char *hint = arena_printf(v->tmp, "start on %s (ISO week %04d-W%02d)",
                                            fmt_instant(v, fl), iy, iw);
            if (wd != 1)
                err(v, "weekly-not-iso", p->start.at, hint,
                    "weekly partitions must start on a Monday: '%s' is a %s",
                    fmt_instant(v, p->start.v), days[wd >= 1 && wd <= 7 ? wd : 0]);
            else
                err(v, "weekly-not-iso", p->start.at, hint,
                    "weekly partitions must start on a Monday at 00:00 UTC: '%s' is not",
                    fmt_instant(v, p->start.v));
        } else {
            err(v, "start-not-aligned", p->start.at,
                arena_printf(v->tmp, "use %s", fmt_instant(v, fl)),
                "partition start '%s' is not the start of a %s range",
                fmt_instant(v, p->start.v), cal_interval_name(p->interval.v));
        }
    }

    const sval *nm = &p->naming;
    if (!nm->s)
        return false;
    const char *why = NULL;
    size_t off = 0;
    if (names_pattern_check(nm->s, &why, &off) != 0) {
        err(v, "bad-naming", naming_loc(v, nm, off),
            "the tokens are {table} {YYYY} {MM} {DD} {HH} {IYYY} {IW} {Q}",
            "partition naming '%s' of '%s' is invalid: %s", nm->s, tname(v, t),
            why ? why : "rejected");
        return false;
    }
    if (p->interval.v == IV_WEEKLY) {
        bool iw = pattern_has(nm->s, "{IW}");
        bool yyyy_iw = iw && pattern_has(nm->s, "{YYYY}");
        bool iyyy_alone = !iw && pattern_has(nm->s, "{IYYY}");
        if (yyyy_iw || iyyy_alone) {
            err(v, "weekly-not-iso", nm->at, "use {IYYY} and {IW}, e.g. '{table}_{IYYY}w{IW}'",
                yyyy_iw ? "weekly naming '%s' uses {YYYY} with {IW}: an ISO week near new year belongs to the other calendar year"
                        : "weekly naming '%s' uses {IYYY} without {IW}",
                nm->s);
            return false;
        }
    }
    if (names_pattern_distinct(nm->s, p->interval.v, &why) != 0) {
        err(v, "partition-name-collision", nm->at,
            "add the missing tokens to partition.naming",
            "partition naming '%s' gives several %s ranges of '%s' the same name: %s",
            nm->s, cal_interval_name(p->interval.v), tname(v, t), why ? why : "");
        return false;
    }
    return true;
}


/* Registers the partition names of table ti over the planned range; one
 * report at most. */
static void enumerate_partitions(vctx *v, size_t ti)
{
    const table *t = v->ss->tables[ti];
    const partition_spec *p = &t->part;
    cal_interval iv = p->interval.v;
    int64_t first = cal_floor(iv, p->start.v);
    int64_t base = v->as_of < first ? first : cal_floor(iv, v->as_of);
    int64_t last = cal_add(iv, base, p->premake.v > 0 ? p->premake.v : 0);
    int64_t n = cal_ranges_between(iv, first, last) + 1;
    bool reported = false;
    int64_t cur = first;
    for (int64_t k = 0; k < n; k++) {
        if (n > RANGES_FULL && k == RANGES_EDGE) {
            k = n - RANGES_EDGE;
            cur = cal_add(iv, first, k);
        }
        const char *name = names_partition(v->tmp, t, cur);
        if (reg_name(v, &v->rels, ti, NK_PARTITION, name, p->naming.at, reported))
            reported = true;
        cur = cal_add(iv, cur, 1);
    }
}

/* The shape of a set of names: which bytes are literal and which are digits
 * of a range token.  Partition names of one table share a shape; any other
 * relation is a shape without tokens.  Two names can only be equal when
 * their shapes agree on every byte that is literal in both, so only tables
 * whose shape meets another shape have their partitions enumerated: a
 * spec set of 10,000 tables of distinct names is checked without generating
 * millions of names. */
typedef struct shape {
    const char *schema;
    const char *s;      /* one name of the shape */
    const char *mask;   /* '1' where a range token puts a digit, else '0' */
    const char *coarse; /* s with every digit as '#': equal for equal names */
    long table;         /* the partitioned table, or -1 */
} shape;

static int shape_cmp(const void *pa, const void *pb)
{
    const shape *a = pa, *b = pb;
    int c = strcmp(a->schema, b->schema);
    if (!c)
        c = strcmp(a->coarse, b->coarse);
    if (!c)
        c = strcmp(a->mask, b->mask);
    if (!c)
        c = strcmp(a->s, b->s);
    return c;
}

static const char *coarse_of(arena *a, const char *s)
{
    char *c = arena_strdup(a, s);
    for (char *p = c; *p; p++)
        if (*p >= '0' && *p <= '9')
            *p = '#';
    return c;
}

typedef struct proj {
    const char *key;
    int side;
    long table;
} proj;

static int proj_cmp(const void *pa, const void *pb)
{
    const proj *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    return c ? c : a->side - b->side;
}

/* Marks the tables of two groups of shapes (masks m1, m2) that agree on
 * every byte literal in both. */
static void match_groups(vctx *v, const shape *g1, size_t n1, const shape *g2, size_t n2,
                         bool *mark)
{
    const char *m1 = g1[0].mask, *m2 = g2[0].mask;
    size_t len = strlen(m1), nl = 0;
    size_t *lit = arena_calloc(v->tmp, len ? len : 1, sizeof *lit);
    for (size_t i = 0; i < len; i++)
        if (m1[i] == '0' && m2[i] == '0')
            lit[nl++] = i;
    proj *pv = arena_calloc(v->tmp, n1 + n2, sizeof *pv);
    for (size_t i = 0; i < n1 + n2; i++) {
        const shape *sh = i < n1 ? &g1[i] : &g2[i - n1];
        char *key = arena_alloc(v->tmp, nl + 1);
        for (size_t k = 0; k < nl; k++)
            key[k] = sh->s[lit[k]];
        pv[i] = (proj){key, i < n1 ? 0 : 1, sh->table};
    }
    qsort(pv, n1 + n2, sizeof *pv, proj_cmp);
    for (size_t i = 0; i < n1 + n2;) {
        size_t j = i;
        while (j < n1 + n2 && strcmp(pv[j].key, pv[i].key) == 0)
            j++;
        if (pv[i].side != pv[j - 1].side)
            for (size_t k = i; k < j; k++)
                if (pv[k].table >= 0)
                    mark[pv[k].table] = true;
        i = j;
    }
}

/* Partition names of every table, after every other relation name. */
static void register_partitions(vctx *v)
{
    const specset *ss = v->ss;
    size_t n = ss->ntables, ns = 0;
    bool *mark = arena_calloc(v->tmp, n ? n : 1, sizeof *mark);
    shape *sv = arena_calloc(v->tmp, n + v->rels.n + 1, sizeof *sv);
    int64_t probe_a = cal_join(1999, 12, 28, 23, 0, 0); /* 1999-W52, Q4 */
    int64_t probe_b = cal_join(2000, 1, 17, 0, 0, 0);   /* 2000-W03, Q1 */
    for (size_t i = 0; i < n; i++) {
        if (!v->parts[i])
            continue;
        const table *t = ss->tables[i];
        const char *a = names_partition(v->tmp, t, probe_a);
        const char *b = names_partition(v->tmp, t, probe_b);
        size_t len = strlen(a);
        if (strlen(b) != len) { /* a token of varying width: no shape */
            mark[i] = true;
            continue;
        }
        char *mask = arena_alloc(v->tmp, len + 1);
        for (size_t k = 0; k < len; k++)
            mask[k] = a[k] != b[k] ? '1' : '0';
        sv[ns++] = (shape){schema_of(t), a, mask, coarse_of(v->tmp, a), (long)i};
    }
    for (size_t i = 0; i < v->rels.m.cap; i++)
        for (const nent *e = v->rels.m.k[i] ? v->rels.m.v[i].p : NULL; e; e = e->next) {
            size_t len = strlen(e->name);
            char *mask = arena_alloc(v->tmp, len + 1);
            memset(mask, '0', len);
            sv[ns++] = (shape){e->schema, e->name, mask, coarse_of(v->tmp, e->name), -1};
        }
    qsort(sv, ns, sizeof *sv, shape_cmp);
    for (size_t i = 0; i < ns;) {
        /* a group: same schema and coarse form; within it, runs of one mask */
        size_t j = i;
        while (j < ns && strcmp(sv[j].schema, sv[i].schema) == 0 &&
               strcmp(sv[j].coarse, sv[i].coarse) == 0)
            j++;
        for (size_t r = i; r < j;) {
            size_t re = r;
            while (re < j && strcmp(sv[re].mask, sv[r].mask) == 0)
                re++;
            /* same mask: equal names of two tables (patterns without {table}) */
            for (size_t k = r + 1; k < re; k++)
                if (sv[k].table >= 0 && sv[k - 1].table >= 0 &&
                    strcmp(sv[k].s, sv[k - 1].s) == 0)
                    mark[sv[k].table] = mark[sv[k - 1].table] = true;
            /* other masks of the group */
            for (size_t q = re; q < j;) {
                size_t qe = q;
                while (qe < j && strcmp(sv[qe].mask, sv[q].mask) == 0)
                    qe++;
                match_groups(v, &sv[r], re - r, &sv[q], qe - q, mark);
                q = qe;
            }
            r = re;
        }
        i = j;
    }
    for (size_t i = 0; i < n; i++)
        if (v->parts[i] && mark[i])
            enumerate_partitions(v, i);
}

/* ----------------------------------------------------------- retention */

static void check_retention(vctx *v, const table *t)
{
    const retention_spec *r = &t->retention;
    if (!r->present)
        return;
    srcloc aat = pick(r->action.at, r->at);
    const char *an = retention_action_name(r->action.v);
    if (r->action.v == RET_DELETE) {
        if (t->strategy.v == STRATEGY_PARTITION)
            err(v, "bad-retention", aat,
                "use action drop, detach or archive for a partitioned table, or strategy none/brin for batched deletes",
                "retention action 'delete' on '%s', which has strategy partition", tname(v, t));
        if (!r->column.s)
            err(v, "bad-retention", r->at,
                "set retention.column: rows where it is older than keep are deleted",
                "retention of '%s' has no column to compare", tname(v, t));
    } else if (t->strategy.v != STRATEGY_PARTITION) {
        err(v, "bad-retention", aat, "use action delete (batched DELETE of old rows)",
            "retention action '%s' needs partitions, but '%s' has strategy '%s'", an,
            tname(v, t), strategy_name(t->strategy.v));
    } else if (!t->part.present) {
        err(v, "bad-retention", aat, "add a partition block, or use action delete",
            "retention action '%s' of '%s' needs a partition block", an, tname(v, t));
    }
    /* the defaulted column is the partition key, checked there */
    if (r->column.s && r->column.s != t->part.key.s)
        need_column(v, t, &r->column, "retention column");
    /* keep 0: "delete what has expired", for a column that holds the expiry
     * time itself; on any other column it would delete every row */
    bool expiry = r->action.v == RET_DELETE && r->column.s && r->column.s != t->part.key.s &&
                  !(t->part.key.s && strcmp(r->column.s, t->part.key.s) == 0);
    if (r->keep.v.n == 0 && !expiry)
        err(v, "bad-retention", pick(r->keep.at, r->at),
            r->action.v == RET_DELETE
                ? "keep 0 deletes rows whose retention.column has passed: name the expiry column (e.g. column: "
                  "expires_at), or give a positive keep"
                : "give a positive keep, e.g. keep: 90 days (keep 0 is for action delete on an expiry column)",
            "retention keep 0 of '%s' would remove rows as soon as they are written", tname(v, t));
    check_len(v, r->archive_schema.s, false, r->at, "shorten retention.archive_schema");
}

static void check_maintenance(vctx *v, const table *t)
{
    const maintenance_spec *m = &t->maintenance;
    if (m->schedule.s && !names_cron_ok(m->schedule.s))
        err(v, "bad-schedule", m->schedule.at,
            "use five cron fields such as '0 * * * *', 'N seconds', or a macro like '@hourly'",
            "maintenance schedule '%s' of '%s' is not a valid pg_cron schedule",
            m->schedule.s, tname(v, t));
    if (cal_duration_seconds(m->critical_ahead.v) > cal_duration_seconds(m->warn_ahead.v)) {
        srcloc at = m->critical_ahead.given ? m->critical_ahead.at : m->warn_ahead.at;
        err(v, "bad-duration", pick(at, pick(m->at, t->name.at)),
            m->critical_ahead.given ? "make critical_ahead at most warn_ahead"
                                  : "set critical_ahead to at most warn_ahead",
            "critical_ahead %s'%s' of '%s' is longer than warn_ahead '%s'",
            m->critical_ahead.given ? "" : "(default) ", fmt_duration(v, m->critical_ahead.v),
            tname(v, t), fmt_duration(v, m->warn_ahead.v));
    }
}

static void check_security(vctx *v, const table *t)
{
    const security_spec *s = &t->security;
    for (size_t i = 0; i < s->npolicies; i++) {
        const policy *po = &s->policies[i];
        check_len(v, po->name.s, false, po->name.at, "shorten the policy name");
        for (size_t j = 0; j < po->roles.n; j++)
            check_len(v, po->roles.v[j].s, false, po->roles.v[j].at, "shorten the role name");
        check_expr(v, &po->using, "policy using");
        check_expr(v, &po->check, "policy check");
        /* PostgreSQL: INSERT policies take only WITH CHECK, SELECT and
         * DELETE policies only USING */
        if (po->command.v == POLICY_INSERT && po->using.s)
            err(v, "bad-policy", po->using.at, "an insert policy has only 'check'",
                "policy '%s' is for insert, which takes no 'using' expression", po->name.s);
        if ((po->command.v == POLICY_SELECT || po->command.v == POLICY_DELETE) && po->check.s)
            err(v, "bad-policy", po->check.at, "select and delete policies have only 'using'",
                "policy '%s' is for %s, which takes no 'check' expression", po->name.s,
                po->command.v == POLICY_SELECT ? "select" : "delete");
        if (!po->using.s && !po->check.s)
            err(v, "bad-policy", po->name.at, "give 'using' (rows visible) and/or 'check' (rows written)",
                "policy '%s' has neither 'using' nor 'check'", po->name.s);
    }
    for (size_t i = 0; i < s->ngrants; i++)
        check_len(v, s->grants[i].role.s, false, s->grants[i].role.at, "shorten the role name");
}

/* ------------------------------------------------------ generated names */

typedef struct cname {
    const char *name;
    const char *what;
    srcloc at;
} cname;

/* Constraint names of one table: pkey, unique, fkey, checks. */
static void check_constraint_names(vctx *v, const table *t, const cname *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (c[i].name && c[j].name && strcmp(c[i].name, c[j].name) == 0) {
                bool chk = strcmp(c[i].what, "check") == 0 || strcmp(c[j].what, "check") == 0;
                err(v, "name-collision", c[i].at,
                    chk ? "rename the check"
                        : "two constraints on the same columns get the same generated name: remove one",
                    "constraint name '%s' of the %s collides with the %s on '%s'", c[i].name,
                    c[i].what, c[j].what, tname(v, t));
                break;
            }
}

/* What mode convert with strategy partition needs beyond a create: an
 * identity for the rows (the primary key as it is today) and names for the
 * shadow's keys and the conversion's own objects that fit in 63 bytes. */
static void validate_convert(vctx *v, const table *t, size_t ti, bool quiet)
{
    arena *a = v->ss->a;
    if (t->strategy.v != STRATEGY_PARTITION)
        return; /* plan refuses it; nothing more to check here */
    if (!t->primary_key.present || t->primary_key.n == 0)
        diag_add(v->d, SEV_ERROR, "missing-key", t->name.at,
                 "declare the live table's primary key: the copy keeps rows in step by it",
                 "mode convert needs primary_key on table '%s'", t->name.s);
    const char *hint = "shorten the table name, migrate.shadow_suffix or migrate.old_suffix";
    if (t->primary_key.present) {
        const char *n = names_pkey(a, t);
        check_len(v, names_shadow_of(a, t, n), true, t->primary_key.at, hint);
        check_len(v, names_old_of(a, t, n), true, t->primary_key.at, hint);
    }
    for (size_t i = 0; i < t->nunique; i++) {
        const char *n = names_unique(a, t, &t->unique[i]);
        srcloc at = pick(t->unique[i].at, t->unique_at);
        check_len(v, names_shadow_of(a, t, n), true, at, hint);
        check_len(v, names_old_of(a, t, n), true, at, hint);
    }
    for (size_t i = 0; i < t->nindexes; i++) {
        const index *ix = &t->indexes[i];
        if (!ix->gen_name)
            continue;
        srcloc at = pick(ix->name.at, ix->at);
        check_len(v, names_shadow_of(a, t, ix->gen_name), true, at, hint);
        check_len(v, names_old_of(a, t, ix->gen_name), true, at, hint);
    }
    for (size_t i = 0; i < names_nconv_objects; i++) {
        const conv_object *o = &names_conv_objects[i];
        const char *n = names_conv(a, t, o->suffix);
        check_len(v, n, true, t->name.at, "shorten the table name");
        if (o->relation)
            reg_name(v, &v->rels, ti, NK_TABLE, n, t->name.at, quiet);
        else
            reg_name(v, &v->fns, ti, NK_FUNCTION, n, t->name.at, quiet);
    }
}

/* Lengths, registries and the derived names of one table. */
static void check_generated(vctx *v, size_t ti, bool names_ok)
{
    table *t = v->ss->tables[ti];
    arena *a = v->tmp;
    bool changed = t->mode.v != MODE_REFERENCE;
    bool table_ok = check_len(v, t->name.s, false, t->name.at, "shorten the table name");
    check_len(v, t->schema.s, false, pick(t->schema.at, t->name.at), "shorten the schema name");
    bool quiet = v->dup[ti];
    const char *th = "shorten the table name";
    bool partitioned = t->strategy.v == STRATEGY_PARTITION && t->part.present;

    size_t ncn = (t->primary_key.present ? 1 : 0) + t->nunique + t->nfks + t->nchecks, nc = 0;
    cname *cn = arena_calloc(a, ncn ? ncn : 1, sizeof *cn);
    bool gen = changed && table_ok; /* derived names only when the root is sane */

    if (t->primary_key.present) {
        const char *n = names_pkey(a, t);
        cn[nc++] = (cname){n, "primary key", t->primary_key.at};
        if (gen) {
            check_len(v, n, true, t->primary_key.at, th);
            reg_name(v, &v->rels, ti, NK_PKEY, n, t->primary_key.at, quiet);
        }
    }
    for (size_t i = 0; i < t->nunique; i++) {
        const char *n = names_unique(a, t, &t->unique[i]);
        srcloc at = pick(t->unique[i].at, t->unique_at);
        cn[nc++] = (cname){n, "unique constraint", at};
        if (gen) {
            check_len(v, n, true, at, "shorten the table name or the column names");
            reg_name(v, &v->rels, ti, NK_UNIQUE, n, at, quiet);
        }
    }
    for (size_t i = 0; i < t->nfks; i++) {
        cn[nc++] = (cname){t->fks[i].gen_name, "foreign key", t->fks[i].at};
        if (gen)
            check_len(v, t->fks[i].gen_name, true, t->fks[i].at,
                      "shorten the table name or the column names");
    }
    for (size_t i = 0; i < t->nchecks; i++)
        cn[nc++] = (cname){t->checks[i].name.s, "check", t->checks[i].name.at};
    if (changed)
        check_constraint_names(v, t, cn, nc);

    if (!changed)
        return;
    for (size_t i = 0; i < t->nindexes; i++) {
        const index *ix = &t->indexes[i];
        bool dupname = false;
        for (size_t j = 0; j < i && ix->name.s && !dupname; j++)
            dupname = t->indexes[j].name.s && strcmp(t->indexes[j].name.s, ix->name.s) == 0;
        if (dupname) /* duplicate-name already */
            continue;
        if (!ix->name.s && table_ok)
            check_len(v, ix->gen_name, true, ix->at, "set a shorter name: for this index");
        if (ix->name.s || table_ok)
            reg_name(v, &v->rels, ti, NK_INDEX, ix->gen_name, pick(ix->name.at, ix->at), quiet);
    }
    if (!table_ok)
        return;
    if (t->mode.v == MODE_CONVERT) {
        srcloc at = pick(t->migrate.at, t->name.at);
        const char *sh = arena_printf(a, "%s%s", t->name.s, t->migrate.shadow_suffix.s ? t->migrate.shadow_suffix.s : "");
        const char *ol = arena_printf(a, "%s%s", t->name.s, t->migrate.old_suffix.s ? t->migrate.old_suffix.s : "");
        check_len(v, sh, true, at, "shorten the table name or set migrate.shadow_suffix");
        check_len(v, ol, true, at, "shorten the table name or set migrate.old_suffix");
        reg_name(v, &v->rels, ti, NK_SHADOW, sh, at, quiet);
        reg_name(v, &v->rels, ti, NK_OLD, ol, at, quiet);
        validate_convert(v, t, ti, quiet);
    }
    if (t->strategy.v == STRATEGY_BRIN && t->part.present && t->part.key.s) {
        const char *n = names_brin_index(a, t);
        check_len(v, n, true, t->part.key.at,
                  "shorten the table name or the partition key column name");
        reg_name(v, &v->rels, ti, NK_BRIN, n, t->part.at, quiet);
    }
    if (t->retention.present) {
        const char *n = names_fn_apply_retention(a, t);
        check_len(v, n, true, t->name.at, th);
        reg_name(v, &v->fns, ti, NK_FUNCTION, n, t->name.at, quiet);
    }
    if (!partitioned)
        return;
    const char *fns[] = {names_fn_create_partitions(a, t), names_fn_secure_partition(a, t),
                         names_fn_health(a, t)};
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        check_len(v, fns[i], true, t->name.at, th);
        reg_name(v, &v->fns, ti, NK_FUNCTION, fns[i], t->name.at, quiet);
    }
    const char *view = names_view_health(a, t);
    check_len(v, view, true, t->name.at, th);
    reg_name(v, &v->rels, ti, NK_VIEW, view, t->name.at, quiet);
    if (t->part.default_partition.v) {
        srcloc at = pick(t->part.default_partition.at, t->part.at);
        const char *n = names_default_partition(a, t);
        check_len(v, n, true, at, th);
        reg_name(v, &v->rels, ti, NK_DEFAULT_PARTITION, n, at, quiet);
    }
    if (!names_ok)
        return;
    const char *first = names_partition(a, t, cal_floor(t->part.interval.v, t->part.start.v));
    check_len(v, first, true, t->part.naming.at,
              "shorten the table name or set partition.naming to a shorter pattern");
    v->parts[ti] = !quiet;
}

/* ----------------------------------------------------- dependency order */

/* rank order: (schema, name) bytes, then load order */
typedef struct rkey {
    const char *schema, *name;
    size_t idx;
} rkey;

static int rank_cmp(const void *pa, const void *pb)
{
    const rkey *x = pa, *y = pb;
    int c = strcmp(x->schema, y->schema);
    if (!c)
        c = strcmp(x->name, y->name);
    if (!c)
        c = x->idx < y->idx ? -1 : x->idx > y->idx;
    return c;
}

static void heap_push(size_t *h, size_t *n, size_t x)
{
    size_t i = (*n)++;
    h[i] = x;
    while (i > 0 && h[(i - 1) / 2] > h[i]) {
        size_t p = (i - 1) / 2, s = h[p];
        h[p] = h[i];
        h[i] = s;
        i = p;
    }
}

static size_t heap_pop(size_t *h, size_t *n)
{
    size_t top = h[0];
    h[0] = h[--*n];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < *n && h[l] < h[m])
            m = l;
        if (r < *n && h[r] < h[m])
            m = r;
        if (m == i)
            break;
        size_t s = h[m];
        h[m] = h[i];
        h[i] = s;
        i = m;
    }
    return top;
}

/* Target of fk k of table i for the graph, or -1 (unknown or self). */
static long edge(const vctx *v, size_t i, size_t k)
{
    long j = v->fkref[v->fkbase[i] + k];
    return j == (long)i ? -1 : j;
}

static void report_cycle(vctx *v, const size_t *stk, size_t depth, size_t from, size_t u,
                         size_t k)
{
    strbuf sb = STRBUF_INIT;
    for (size_t p = from; p < depth; p++)
        sb_addf(&sb, "'%s' -> ", tname(v, v->ss->tables[stk[p]]));
    sb_addf(&sb, "'%s'", tname(v, v->ss->tables[stk[from]]));
    const foreign_key *fk = &v->ss->tables[u]->fks[k];
    err(v, "fk-cycle", fk->at,
        "drop one of these foreign keys, or add it in a later migration outside the spec set",
        "foreign keys form a cycle: %s", sb_str(&sb));
    sb_free(&sb);
}

static void order_tables(vctx *v)
{
    specset *ss = v->ss;
    size_t n = ss->ntables;
    arena *a = v->tmp;
    ss->ordered = arena_calloc(ss->a, n ? n : 1, sizeof *ss->ordered);
    if (!n)
        return;
    rkey *keys = arena_calloc(a, n, sizeof *keys);
    for (size_t i = 0; i < n; i++) {
        const table *t = ss->tables[i];
        keys[i] = (rkey){schema_of(t), t->name.s ? t->name.s : "", i};
    }
    qsort(keys, n, sizeof *keys, rank_cmp);
    size_t *byrank = arena_calloc(a, n, sizeof *byrank);
    size_t *rank = arena_calloc(a, n, sizeof *rank);
    for (size_t r = 0; r < n; r++) {
        byrank[r] = keys[r].idx;
        rank[keys[r].idx] = r;
    }

    /* cycles: depth-first along referrer -> referenced, roots in rank order */
    unsigned char *color = arena_calloc(a, n, 1);
    size_t *stk = arena_calloc(a, n, sizeof *stk), *next = arena_calloc(a, n, sizeof *next);
    for (size_t r = 0; r < n; r++) {
        size_t root = byrank[r], depth = 0;
        if (color[root])
            continue;
        stk[depth] = root;
        next[depth++] = 0;
        color[root] = 1;
        while (depth) {
            size_t u = stk[depth - 1], k = next[depth - 1];
            const table *t = ss->tables[u];
            while (k < t->nfks && edge(v, u, k) < 0)
                k++;
            if (k >= t->nfks) {
                color[u] = 2;
                depth--;
                continue;
            }
            next[depth - 1] = k + 1;
            size_t j = (size_t)edge(v, u, k);
            if (color[j] == 0) {
                color[j] = 1;
                stk[depth] = j;
                next[depth++] = 0;
            } else if (color[j] == 1) {
                size_t from = 0;
                while (stk[from] != j)
                    from++;
                report_cycle(v, stk, depth, from, u, k);
            }
        }
    }

    /* Kahn: a referenced table before its referrers, ties by rank */
    size_t *indeg = arena_calloc(a, n, sizeof *indeg);
    size_t *off = arena_calloc(a, n + 1, sizeof *off);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < ss->tables[i]->nfks; k++) {
            long j = edge(v, i, k);
            if (j >= 0) {
                indeg[i]++;
                off[j + 1]++;
            }
        }
    for (size_t i = 0; i < n; i++)
        off[i + 1] += off[i];
    size_t *fill = arena_calloc(a, n, sizeof *fill);
    size_t *referrers = arena_calloc(a, off[n] ? off[n] : 1, sizeof *referrers);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < ss->tables[i]->nfks; k++) {
            long j = edge(v, i, k);
            if (j >= 0)
                referrers[off[j] + fill[j]++] = i;
        }
    size_t *heap = arena_calloc(a, n, sizeof *heap), nh = 0, pos = 0;
    bool *done = arena_calloc(a, n, sizeof *done);
    for (size_t i = 0; i < n; i++)
        if (indeg[i] == 0)
            heap_push(heap, &nh, rank[i]);
    while (nh) {
        size_t i = byrank[heap_pop(heap, &nh)];
        done[i] = true;
        ss->ordered[pos++] = ss->tables[i];
        for (size_t e = off[i]; e < off[i + 1]; e++)
            if (--indeg[referrers[e]] == 0)
                heap_push(heap, &nh, rank[referrers[e]]);
    }
    for (size_t r = 0; r < n; r++)
        if (!done[byrank[r]])
            ss->ordered[pos++] = ss->tables[byrank[r]];
    for (size_t p = 0; p < n; p++)
        ss->ordered[p]->order = (int)p;
}

/* ---------------------------------------------------------------- entry */

/* Marks the table of every error added since diag `from` invalid (an error
 * outside every table marks them all), so that lint passes them over. */
static void mark_invalid(specset *ss, const diags *d, size_t from)
{
    for (size_t i = from; i < d->n; i++) {
        if (d->v[i].sev != SEV_ERROR)
            continue;
        table *t = specset_table_at(ss, d->v[i].at);
        if (t) {
            t->invalid = true;
            continue;
        }
        for (size_t k = 0; k < ss->ntables; k++)
            ss->tables[k]->invalid = true;
        return;
    }
}

int validate_specset(specset *ss, int64_t as_of, diags *d)
{
    size_t before = d->n;
    /* what failed to load was reported by spec_load; the rest is checked */
    specset_set_aside_failed(ss);
    vctx v = {0};
    v.ss = ss;
    v.d = d;
    v.tmp = arena_new();
    v.as_of = as_of;
    nset_init(&v.tables, v.tmp);
    nset_init(&v.rels, v.tmp);
    nset_init(&v.fns, v.tmp);
    size_t n = ss->ntables;
    v.dup = arena_calloc(v.tmp, n ? n : 1, sizeof *v.dup);
    v.parts = arena_calloc(v.tmp, n ? n : 1, sizeof *v.parts);
    v.fkbase = arena_calloc(v.tmp, n + 1, sizeof *v.fkbase);
    for (size_t i = 0; i < n; i++)
        v.fkbase[i + 1] = v.fkbase[i] + ss->tables[i]->nfks;
    v.fkref = arena_calloc(v.tmp, v.fkbase[n] ? v.fkbase[n] : 1, sizeof *v.fkref);

    /* every table name first, so that later names collide with tables */
    for (size_t i = 0; i < n; i++) {
        table *t = ss->tables[i];
        if (!t->name.s)
            continue;
        nent e = {schema_of(t), t->name.s, NULL, (uint32_t)i, NK_TABLE};
        const nent *old = nset_put(&v.tables, &e);
        if (old) {
            srcloc first = ss->tables[old->owner]->name.at;
            v.dup[i] = true;
            err(&v, "name-collision", t->name.at,
                "rename one of the tables or put them in different schemas",
                "table '%s' is declared twice in schema '%s' (first in %s:%d)",
                t->name.s, e.schema, first.file ? first.file : "?", first.line);
        } else {
            reg_name(&v, &v.rels, i, NK_TABLE, t->name.s, t->name.at, true);
        }
    }
    for (size_t i = 0; i < n; i++) {
        table *t = ss->tables[i];
        check_columns(&v, t);
        check_keys(&v, t);
        check_indexes(&v, t);
        for (size_t k = 0; k < t->nfks; k++)
            check_fk(&v, i, k);
        bool names_ok = check_partition(&v, t);
        check_retention(&v, t);
        check_maintenance(&v, t);
        check_security(&v, t);
        check_generated(&v, i, names_ok);
    }
    register_partitions(&v);
    order_tables(&v);
    nset_free(&v.tables);
    nset_free(&v.rels);
    nset_free(&v.fns);
    arena_free(v.tmp);

    mark_invalid(ss, d, before);
    int errors = 0;
    for (size_t i = before; i < d->n; i++)
        if (d->v[i].sev == SEV_ERROR)
            errors++;
    return errors;
}
