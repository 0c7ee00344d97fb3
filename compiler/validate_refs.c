/* validate_refs: foreign keys between the tables of a spec set.
 *
 * Resolves each foreign key to its referenced table and checks the columns
 * on both sides and that the referenced ones are a key there; then orders
 * the tables so that referenced ones come first, reporting cycles.  Part of
 * validate: its state is validate_internal.h's vctx. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "names.h"
#include "sqlquote.h"
#include "strbuf.h"
#include "validate_internal.h"

/* ---------------------------------------------------------- foreign keys */

static long table_lookup(vctx *v, const char *schema, const char *name)
{
    const nent *e = nset_find(&v->tables, schema, name);
    return e ? (long)e->owner : -1;
}

void check_fk(vctx *v, size_t ti, size_t k)
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
        verr(v, "unknown-table", fk->ref_table.at, hint,
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
            verr(v, "duplicate-column", c->at, "remove the second occurrence",
                "column '%s' is listed twice in the referenced columns", c->s);
            bad = true;
        } else if (c->s && r->ncolumns > 0 && !table_column(r, c->s)) {
            verr(v, "unknown-column", c->at, column_hint(v, r, c->s),
                "referenced column '%s' is not a column of '%s'", c->s, tname(v, r));
            bad = true;
        }
    }
    /* without columns the reference is to the primary key */
    const slist *target = rc->n > 0 ? rc : (r->primary_key.present ? &r->primary_key : NULL);
    srcloc rat = vpick(rc->at, fk->at);
    if (target && target->n != fk->columns.n) {
        verr(v, "fk-column-count", rat,
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
        verr(v, "fk-no-unique", rat, "list the referenced columns under references.columns",
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
    verr(v, "fk-no-unique", rat,
        hint, "referenced columns (%s) of '%s' are not its primary key or a unique constraint",
        join_list(v, target), tname(v, r));
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
    verr(v, "fk-cycle", fk->at,
        "drop one of these foreign keys, or add it in a later migration outside the spec set",
        "foreign keys form a cycle: %s", sb_str(&sb));
    sb_free(&sb);
}

void order_tables(vctx *v)
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


/* ------------------------------------------------------------- rewires */

/* Every foreign key into a table converted with incoming_foreign_keys:
 * rewire becomes one of its rewires (in dependency order of the referencing
 * tables), or an error when it cannot be rewired safely; a
 * partition_key_column anywhere else is an error too. */
void check_rewires(vctx *v)
{
    specset *ss = v->ss;
    arena *a = ss->a;
    table **order = ss->ordered ? ss->ordered : ss->tables;
    for (size_t i = 0; i < ss->ntables; i++) {
        table *t = order[i];
        for (size_t k = 0; k < t->nfks; k++) {
            const foreign_key *fk = &t->fks[k];
            const table *c = fk->ref;
            bool rewired = c && c != t && c->mode.v == MODE_CONVERT && c->migrate.incoming.v == INCOMING_REWIRE &&
                           c->part.present && c->part.key.s && c->strategy.v == STRATEGY_PARTITION;
            if (!rewired) {
                if (fk->partition_key_column.s)
                    verr(v, "bad-rewire", fk->partition_key_column.at,
                         "remove partition_key_column, or set migrate.incoming_foreign_keys: rewire on the "
                         "referenced table",
                         "foreign key %s of '%s': partition_key_column is for a foreign key into a table "
                         "converted with incoming_foreign_keys: rewire", fk->gen_name ? fk->gen_name : "?",
                         tname(v, t));
                continue;
            }
            const char *col = fk->partition_key_column.s
                                  ? fk->partition_key_column.s
                                  : arena_printf(a, "%s_%s", c->name.s, c->part.key.s);
            srcloc at = vpick(fk->partition_key_column.at, fk->at);
            if (t->mode.v == MODE_CONVERT) {
                verr(v, "bad-rewire", fk->at,
                     "convert one of the two tables first, and the other in a later deploy",
                     "'%s' references '%s' and both are converted: a referencing table cannot be rewired while "
                     "it is converted itself", tname(v, t), tname(v, c));
                continue;
            }
            if (c->migrate.method.v == METHOD_ATTACH) {
                verr(v, "bad-rewire", vpick(c->migrate.incoming.at, c->migrate.at),
                     "convert it with method: copy, or drop the foreign keys into it first",
                     "table '%s': incoming_foreign_keys: rewire is not available with method: attach",
                     tname(v, c));
                continue;
            }
            const slist *target = fk->ref_columns.n ? &fk->ref_columns : &c->primary_key;
            if (list_has(target, c->part.key.s)) {
                verr(v, "bad-rewire", fk->at,
                     "reference the table's key without its partition key column",
                     "foreign key %s of '%s' already references the partition key '%s' of '%s'",
                     fk->gen_name ? fk->gen_name : "?", tname(v, t), c->part.key.s, tname(v, c));
                continue;
            }
            if (table_column(t, col)) {
                verr(v, "bad-rewire", at,
                     fk->partition_key_column.s ? "name a column the table does not have"
                                                : "give the foreign key a partition_key_column the table does not have",
                     "'%s' has a column '%s' already: the rewire of foreign key %s adds it",
                     tname(v, t), col, fk->gen_name ? fk->gen_name : "?");
                continue;
            }
            if (!check_len(v, col, true, at, "give the foreign key a shorter partition_key_column"))
                continue;
            bool dup = false;
            for (size_t j = 0; j < c->nrewires && !dup; j++)
                dup = c->rewires[j].r == t && strcmp(c->rewires[j].column, col) == 0;
            if (dup) {
                verr(v, "bad-rewire", at, "give each foreign key into the table its own partition_key_column",
                     "two foreign keys of '%s' into '%s' would both add the column '%s'", tname(v, t),
                     tname(v, c), col);
                continue;
            }
            bool not_null = true;
            for (size_t j = 0; j < fk->columns.n; j++) {
                const column *fc = table_column(t, fk->columns.v[j].s);
                not_null = not_null && fc && !fc->nullable.v;
            }
            table *ct = (table *)c;
            ct->rewires = arena_grow(a, ct->rewires, ct->nrewires, ct->nrewires + 1, sizeof *ct->rewires);
            rewire *rw = &ct->rewires[ct->nrewires++];
            memset(rw, 0, sizeof *rw);
            rw->r = t;
            rw->fk_no = k;
            rw->column = col;
            rw->not_null = not_null;
            rw->fill_fn = arena_printf(a, "%s_%s_fill", t->name.s, col);
            rw->check = arena_printf(a, "%s_%s_not_null", t->name.s, col);
            size_t nc = fk->columns.n;
            const char **cols = arena_calloc(a, nc + 1, sizeof *cols);
            for (size_t j = 0; j < nc; j++)
                cols[j] = fk->columns.v[j].s;
            cols[nc] = col;
            rw->index = names_pg_index(a, t->name.s, cols, nc + 1, "idx", NULL, NULL);
            check_len(v, rw->fill_fn, true, at, "give the foreign key a shorter partition_key_column");
            check_len(v, rw->check, true, at, "give the foreign key a shorter partition_key_column");
            check_len(v, rw->index, true, at, "give the foreign key a shorter partition_key_column");
        }
    }
}
