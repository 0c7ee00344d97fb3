/* evolve: the states partc.lock records, the models they load to, and what
 * partc writes or refuses for a change of a table's spec. */
#include "evolve.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "emit.h"
#include "lint.h"
#include "plan.h"
#include "spec_load.h"
#include "strbuf.h"
#include "validate.h"

/* ----------------------------------------------------------- comparisons */

static bool same_str(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static bool same_list(const slist *a, const slist *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (!same_str(a->v[i].s, b->v[i].s))
            return false;
    return true;
}

static bool same_dur(duration a, duration b)
{
    return a.n == b.n && a.unit == b.unit;
}

static bool same_index(const index *a, const index *b)
{
    if (!same_str(a->gen_name, b->gen_name) || !same_list(&a->columns, &b->columns) || !same_str(a->using.s, b->using.s) ||
        a->unique.v != b->unique.v || !same_str(a->where.s, b->where.s) || !same_list(&a->include, &b->include))
        return false;
    for (size_t i = 0; i < a->columns.n; i++) {
        const index_col *x = &a->cols[i], *y = &b->cols[i];
        if (x->expression != y->expression || x->order.v != y->order.v || x->nulls.v != y->nulls.v ||
            !same_str(x->opclass.s, y->opclass.s) || !same_str(x->collate.s, y->collate.s))
            return false;
    }
    return true;
}

bool evolve_same_index(const index *a, const index *b)
{
    return same_index(a, b);
}

static bool same_fk(const foreign_key *a, const foreign_key *b)
{
    return same_str(a->gen_name, b->gen_name) && same_list(&a->columns, &b->columns) &&
           same_str(a->ref_schema.s, b->ref_schema.s) && same_str(a->ref_table.s, b->ref_table.s) &&
           same_list(&a->ref_columns, &b->ref_columns) && a->on_delete.v == b->on_delete.v;
}

static bool same_security(const security_spec *a, const security_spec *b)
{
    if (a->present != b->present || a->rls.v != b->rls.v || a->npolicies != b->npolicies || a->ngrants != b->ngrants)
        return false;
    for (size_t i = 0; i < a->npolicies; i++) {
        const policy *x = &a->policies[i], *y = &b->policies[i];
        if (!same_str(x->name.s, y->name.s) || x->command.v != y->command.v || !same_list(&x->roles, &y->roles) ||
            !same_str(x->using.s, y->using.s) || !same_str(x->check.s, y->check.s))
            return false;
    }
    for (size_t i = 0; i < a->ngrants; i++)
        if (!same_str(a->grants[i].role.s, b->grants[i].role.s) ||
            !same_list(&a->grants[i].privileges, &b->grants[i].privileges))
            return false;
    return true;
}

static bool same_layout(const table *a, const table *b)
{
    return a->mode.v == b->mode.v && a->strategy.v == b->strategy.v && a->part.present == b->part.present &&
           same_str(a->part.key.s, b->part.key.s) && a->part.interval.v == b->part.interval.v &&
           a->part.start.v == b->part.start.v && a->part.default_partition.v == b->part.default_partition.v;
}

/* What the runtime's row of the table holds. */
static bool same_settings(const table *a, const table *b)
{
    const retention_spec *x = &a->retention, *y = &b->retention;
    if (a->part.premake.v != b->part.premake.v || !same_str(a->part.naming.s, b->part.naming.s) ||
        !same_dur(a->maintenance.warn_ahead.v, b->maintenance.warn_ahead.v) ||
        !same_dur(a->maintenance.critical_ahead.v, b->maintenance.critical_ahead.v) || x->present != y->present)
        return false;
    if (!x->present)
        return true;
    return same_dur(x->keep.v, y->keep.v) && x->action.v == y->action.v && same_str(x->column.s, y->column.s) &&
           x->batch_size.v == y->batch_size.v && x->protect.v == y->protect.v &&
           same_str(x->archive_schema.s, y->archive_schema.s);
}

bool evolve_security_differs(const table *a, const table *b)
{
    return !same_security(&a->security, &b->security);
}

bool evolve_settings_differ(const table *a, const table *b)
{
    return !same_settings(a, b);
}

static bool same_column(const column *a, const column *b)
{
    return same_str(a->name.s, b->name.s) && same_str(a->type.s, b->type.s) && a->nullable.v == b->nullable.v &&
           same_str(a->default_expr.s, b->default_expr.s) && a->identity.v == b->identity.v;
}

/* The primary key and the unique keys. */
static bool same_keys(const table *a, const table *b)
{
    if (a->primary_key.present != b->primary_key.present || !same_list(&a->primary_key, &b->primary_key) ||
        a->nunique != b->nunique)
        return false;
    for (size_t i = 0; i < a->nunique; i++)
        if (!same_list(&a->unique[i], &b->unique[i]))
            return false;
    return true;
}

bool evolve_check_kept(const table *t, size_t i, const table *other)
{
    for (size_t k = 0; k < other->nchecks; k++)
        if (same_str(t->checks[i].name.s, other->checks[k].name.s) && same_str(t->checks[i].expr.s, other->checks[k].expr.s))
            return true;
    return false;
}

bool evolve_fk_kept(const table *t, size_t i, const table *other)
{
    for (size_t k = 0; k < other->nfks; k++)
        if (same_fk(&t->fks[i], &other->fks[k]))
            return true;
    return false;
}

static bool same_checks(const table *a, const table *b)
{
    if (a->nchecks != b->nchecks)
        return false;
    for (size_t i = 0; i < a->nchecks; i++)
        if (!evolve_check_kept(a, i, b))
            return false;
    return true;
}

static bool same_columns(const table *a, const table *b)
{
    if (a->ncolumns != b->ncolumns)
        return false;
    for (size_t i = 0; i < a->ncolumns; i++)
        if (!same_column(&a->columns[i], &b->columns[i]))
            return false;
    return true;
}

/* A conversion's settings, but for how far its phases go (migrate.cleanup:
 * false, then removed, adds the cleanup: that is no change of the table). */
static srcloc migrate_change(const table *a, const table *b)
{
    const migrate_spec *x = &a->migrate, *y = &b->migrate;
    if (a->mode.v != MODE_CONVERT)
        return (srcloc){0};
    if (x->batch_size.v != y->batch_size.v)
        return y->batch_size.at;
    if (x->lock_timeout_ms.v != y->lock_timeout_ms.v)
        return y->lock_timeout_ms.at;
    if (!same_str(x->shadow_suffix.s, y->shadow_suffix.s))
        return y->shadow_suffix.at;
    if (!same_str(x->old_suffix.s, y->old_suffix.s))
        return y->old_suffix.at;
    if (!same_dur(x->keep_old.v, y->keep_old.v))
        return y->keep_old.at;
    if (x->batch_pause_ms.v != y->batch_pause_ms.v)
        return y->batch_pause_ms.at;
    if (x->backfill_in.v != y->backfill_in.v)
        return y->backfill_in.at;
    return (srcloc){0};
}

static bool migrate_changed(const table *a, const table *b)
{
    srcloc at = migrate_change(a, b);
    return at.file != NULL || at.line != 0;
}

bool evolve_differs(const table *from, const table *to)
{
    if (migrate_changed(from, to) || from->drop.v != to->drop.v)
        return true;
    if (!same_layout(from, to) || !same_columns(from, to) || !same_keys(from, to) || !same_checks(from, to) ||
        !same_settings(from, to) ||
        !same_str(from->maintenance.schedule.s, to->maintenance.schedule.s) ||
        !same_security(&from->security, &to->security) || from->nindexes != to->nindexes || from->nfks != to->nfks)
        return true;
    for (size_t i = 0; i < from->nindexes; i++)
        if (!same_index(&from->indexes[i], &to->indexes[i]))
            return true;
    for (size_t i = 0; i < from->nfks; i++)
        if (!same_fk(&from->fks[i], &to->fks[i]))
            return true;
    return false;
}

/* ------------------------------------------------------------ refusals */

/* "varchar(20)" -> base "varchar", n 20; n -1 without a length. */
static void type_parts(const char *t, char *base, size_t cap, long *n, long *m)
{
    size_t k = 0;
    const char *p = t;
    while (*p && *p != '(' && k + 1 < cap) {
        base[k++] = (char)tolower((unsigned char)*p);
        p++;
    }
    while (k > 0 && base[k - 1] == ' ')
        k--;
    base[k] = '\0';
    *n = *m = -1;
    if (*p == '(') {
        char *e;
        *n = strtol(p + 1, &e, 10);
        if (*e == ',')
            *m = strtol(e + 1, &e, 10);
        if (*e != ')' || e[1] != '\0')
            *n = -2; /* not understood */
    }
}

static const char *type_family(const char *base)
{
    if (!strcmp(base, "varchar") || !strcmp(base, "character varying"))
        return "varchar";
    if (!strcmp(base, "numeric") || !strcmp(base, "decimal"))
        return "numeric";
    if (!strcmp(base, "varbit") || !strcmp(base, "bit varying"))
        return "varbit";
    return base;
}

bool evolve_type_widens(const char *a, const char *b)
{
    char ba[64], bb[64];
    long an, am, bn, bm;
    type_parts(a, ba, sizeof ba, &an, &am);
    type_parts(b, bb, sizeof bb, &bn, &bm);
    if (an == -2 || bn == -2)
        return false;
    const char *fa = type_family(ba), *fb = type_family(bb);
    if (!strcmp(fa, "varchar")) {
        if (!strcmp(fb, "text"))
            return true;
        return !strcmp(fb, "varchar") && (bn == -1 || (an >= 0 && bn >= an));
    }
    if (!strcmp(fa, "text"))
        return !strcmp(fb, "varchar") && bn == -1;
    if (!strcmp(fa, "numeric"))
        return !strcmp(fb, "numeric") && bn == -1 && bm == -1;
    if (!strcmp(fa, "varbit"))
        return !strcmp(fb, "varbit") && (bn == -1 || (an >= 0 && bn >= an));
    return false;
}

/* A default PostgreSQL stores without rewriting the table: a literal,
 * maybe cast, or now() and its kin (evaluated once, when the column is
 * added).  Any other function may be volatile, which rewrites the table. */
static bool constant_default(const char *e)
{
    static const char *const stable[] = {"now()", "current_timestamp", "current_date", "localtimestamp",
                                         "transaction_timestamp()", NULL};
    for (size_t i = 0; stable[i]; i++)
        if (strcasecmp(e, stable[i]) == 0)
            return true;
    bool quoted = false;
    for (const char *p = e; *p; p++) {
        if (*p == '\'')
            quoted = !quoted;
        else if (!quoted && *p == '(')
            return false;
    }
    return true;
}

static size_t refuse(diags *d, srcloc at, const char *hint, const char *msg)
{
    diag_add(d, SEV_ERROR, "change-refused", at, hint, "%s", msg);
    return 1;
}

#define NOT_YET "partc does not write this kind of change yet: undo it in the spec, or write its migration " \
                "by hand after partc's"

/* Does anything but drop differ? */
static bool differs_but_drop(const table *from, const table *to)
{
    table x = *to;
    x.drop = from->drop;
    return evolve_differs(from, &x);
}

size_t evolve_refusals(const table *from, const table *to, diags *d, arena *a)
{
    size_t n = 0;
    const char *tn = to->name.s;
    if (from->drop.v != to->drop.v) {
        if (to->mode.v == MODE_CONVERT && !from->drop.v)
            return refuse(d, to->drop.at, NOT_YET,
                          arena_printf(a, "table '%s': dropping a converted table is not written yet", tn));
        if (differs_but_drop(from, to))
            return refuse(d, to->drop.at,
                          to->drop.v ? "drop the table in a change of its own: undo the other changes of its spec"
                                     : "create it again as it was dropped, then change it",
                          arena_printf(a, "table '%s': drop changed together with other keys of its spec", tn));
        return 0;
    }
    if (to->drop.v)
        return differs_but_drop(from, to)
                   ? refuse(d, to->drop.at, "set drop: false (which creates it again), then change it",
                            arena_printf(a, "table '%s' is dropped: its spec changes nothing", tn))
                   : 0;
    if (from->mode.v != to->mode.v || from->strategy.v != to->strategy.v || from->part.present != to->part.present ||
        !same_str(from->part.key.s, to->part.key.s) || from->part.interval.v != to->part.interval.v ||
        from->part.start.v != to->part.start.v) {
        srcloc at = from->mode.v != to->mode.v           ? to->mode.at
                    : from->strategy.v != to->strategy.v ? to->strategy.at
                    : !same_str(from->part.key.s, to->part.key.s) ? to->part.key.at
                    : from->part.interval.v != to->part.interval.v ? to->part.interval.at
                                                                   : to->part.start.at;
        return refuse(d, at,
                      "a new layout is a new table: give it another name with mode: create, copy the rows over, "
                      "and remove this one; or keep the layout as it is",
                      arena_printf(a, "table '%s': its mode, strategy, partition key, interval or start changed; "
                                      "partc cannot change the layout of a table in place", tn));
    }
    if (migrate_changed(from, to))
        n += refuse(d, migrate_change(from, to),
                    "the conversion's migrations are written with the settings before: undo this change (they "
                    "apply to a conversion that is already compiled)",
                    arena_printf(a, "table '%s': its migrate settings changed after its conversion was compiled",
                                 tn));
    if (from->mode.v == MODE_CONVERT && table_through(from) < CONV_CLEANUP && table_through(to) < CONV_CLEANUP) {
        n += refuse(d, to->name.at,
                    "finish the conversion first: set migrate.through: cleanup once keep_old has passed, compile, "
                    "deploy the cleanup, then change the spec",
                    arena_printf(a, "table '%s' is being converted (its cleanup is not written yet): a change of its "
                                    "spec waits until the conversion is done", tn));
        return n;
    }
    /* columns: the old ones keep their order (PostgreSQL cannot move one) */
    {
        size_t i = 0, k = 0;
        for (;;) {
            while (i < from->ncolumns && !table_column(to, from->columns[i].name.s))
                i++;
            while (k < to->ncolumns && !table_column(from, to->columns[k].name.s))
                k++;
            if (i >= from->ncolumns || k >= to->ncolumns)
                break;
            if (!same_str(from->columns[i].name.s, to->columns[k].name.s)) {
                n += refuse(d, to->columns[k].name.at,
                            "keep the columns that exist in the order they have: PostgreSQL cannot move a column",
                            arena_printf(a, "table '%s': column '%s' moved before column '%s'", tn,
                                         to->columns[k].name.s, from->columns[i].name.s));
                break;
            }
            i++;
            k++;
        }
    }
    for (size_t i = 0; i < to->ncolumns; i++) {
        const column *c = &to->columns[i];
        const column *o = table_column(from, c->name.s);
        if (!o) {
            if (c->identity.v != IDENTITY_NONE)
                n += refuse(d, c->identity.at, "add it as a plain column, or create the table anew",
                            arena_printf(a, "table '%s': adding identity column '%s' rewrites the table", tn, c->name.s));
            else if (!c->nullable.v && !c->default_expr.s)
                n += refuse(d, c->nullable.at,
                            "add it nullable (or with a default), fill it, then set nullable: false in a later change",
                            arena_printf(a, "table '%s': new column '%s' is NOT NULL without a default, which the "
                                            "rows already there cannot satisfy", tn, c->name.s));
            else if (c->default_expr.s && !constant_default(c->default_expr.s))
                n += refuse(d, c->default_expr.at,
                            "add the column without a default (or with a constant one), then set this default in a "
                            "later change: new rows get it, old ones keep theirs",
                            arena_printf(a, "table '%s': new column '%s' with default %s may rewrite every row (a "
                                            "volatile default is evaluated for each)", tn, c->name.s, c->default_expr.s));
            continue;
        }
        if (c->identity.v != o->identity.v)
            n += refuse(d, c->identity.at, NOT_YET,
                        arena_printf(a, "table '%s': changing the identity of column '%s' is not written yet", tn,
                                     c->name.s));
        if (!same_str(c->type.s, o->type.s) && !evolve_type_widens(o->type.s, c->type.s))
            n += refuse(d, c->type.at,
                        "add a column of the new type, fill it in batches, then drop the old one in a later change",
                        arena_printf(a, "table '%s': changing column '%s' from %s to %s rewrites the table under an "
                                        "ACCESS EXCLUSIVE lock", tn, c->name.s, o->type.s, c->type.s));
        if (!same_str(c->type.s, o->type.s) && to->part.present && same_str(c->name.s, to->part.key.s))
            n += refuse(d, c->type.at, "keep the partition key's type",
                        arena_printf(a, "table '%s': the partition key's type cannot change", tn));
    }
    /* new columns only after every old one */
    bool seen_new = false;
    for (size_t i = 0; i < to->ncolumns; i++) {
        bool is_new = !table_column(from, to->columns[i].name.s);
        if (!is_new && seen_new) {
            n += refuse(d, to->columns[i].name.at,
                        "put the new columns after the existing ones: PostgreSQL adds a column at the end",
                        arena_printf(a, "table '%s': a new column comes before column '%s'", tn,
                                     to->columns[i].name.s));
            break;
        }
        seen_new = seen_new || is_new;
    }
    for (size_t i = 0; i < from->ncolumns; i++) {
        const column *o = &from->columns[i];
        if (!table_column(to, o->name.s) && o->identity.v != IDENTITY_NONE)
            n += refuse(d, to->name.at, NOT_YET,
                        arena_printf(a, "table '%s': dropping identity column '%s' is not written yet", tn, o->name.s));
    }
    if (!same_keys(from, to))
        n += refuse(d, to->primary_key.present ? to->primary_key.at : to->name.at, NOT_YET,
                    arena_printf(a, "table '%s': a change of its primary key or unique keys is not written yet",
                                 tn));
    if (from->retention.present && to->retention.present && from->retention.action.v != to->retention.action.v &&
        (from->retention.action.v == RET_DELETE || to->retention.action.v == RET_DELETE))
        n += refuse(d, to->retention.action.at, NOT_YET,
                    arena_printf(a, "table '%s': switching retention between delete and partition retention is not "
                                    "written yet", tn));
    return n;
}

void evolve_lint(const table *from, const table *to, diags *d)
{
    /* lint_report applies the table's lint.allow, as for every rule */
    const lint_ctx cx = {.out = d};
    if (to->drop.v && !from->drop.v) {
        lint_report(&cx, lint_find("drop-table"), to, to->drop.at,
                "table '%s' is dropped, and every row in it", to->name.s);
        return;
    }
    const lint_rule *lr = lint_find("rollback-long-lock");
    for (size_t i = 0; i < from->nindexes; i++) {
        bool kept = false;
        for (size_t k = 0; k < to->nindexes && !kept; k++)
            kept = same_index(&from->indexes[i], &to->indexes[k]);
        if (!kept && from->strategy.v == STRATEGY_PARTITION)
            lint_report(&cx, lr, to, to->nindexes ? to->indexes[0].at : to->name.at,
                    "table '%s': index %s is dropped: the rollback builds it again while writers "
                                    "wait", to->name.s, from->indexes[i].gen_name);
    }
    for (size_t i = 0; i < to->ncolumns; i++) {
        const column *c = &to->columns[i], *o = table_column(from, c->name.s);
        if (!o)
            continue;
        if (!o->nullable.v && c->nullable.v)
            lint_report(&cx, lr, to, c->nullable.at,
                    "table '%s': column '%s' becomes nullable: the rollback sets NOT NULL, reading "
                                    "every row under ACCESS EXCLUSIVE", to->name.s, c->name.s);
        if (!same_str(o->type.s, c->type.s))
            lint_report(&cx, lr, to, c->type.at,
                    "table '%s': column '%s' is widened to %s: the rollback narrows it back, reading "
                                    "every row under ACCESS EXCLUSIVE", to->name.s, c->name.s, c->type.s);
    }
    for (size_t i = 0; i < from->nchecks; i++)
        if (!evolve_check_kept(from, i, to))
            lint_report(&cx, lr, to, to->name.at,
                    "table '%s': check %s is dropped: the rollback adds it back, reading every row "
                                    "under ACCESS EXCLUSIVE", to->name.s, from->checks[i].name.s);
    for (size_t i = 0; i < from->nfks; i++)
        if (!evolve_fk_kept(from, i, to))
            lint_report(&cx, lr, to, to->nfks ? to->fks[0].at : to->name.at,
                    "table '%s': foreign key %s is dropped: the rollback adds it back, reading every row "
                                    "while writers of it and of the table it references wait", to->name.s,
                                    from->fks[i].gen_name);
    const lint_rule *r = lint_find("drop-column");
    for (size_t i = 0; i < from->ncolumns; i++) {
        const column *o = &from->columns[i];
        if (table_column(to, o->name.s))
            continue;
        lint_report(&cx, r, to, to->name.at,
                "table '%s': column '%s' is dropped, and its values with it", to->name.s, o->name.s);
    }
}

/* ------------------------------------------------------------- history */

const char *evolve_change_name(arena *a, const table *t, int n)
{
    return strcmp(t->schema.s, "public") == 0 ? arena_printf(a, "%s_v%d", t->name.s, n)
                                              : arena_printf(a, "%s_%s_v%d", t->schema.s, t->name.s, n);
}

static const char *state_doc(arena *a, const lock_state *st)
{
    strbuf sb = STRBUF_INIT;
    sb_puts(&sb, "version: 1\ntables:\n");
    for (const char *l = st->text; *l;) {
        const char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) : strlen(l);
        sb_puts(&sb, "  ");
        sb_add(&sb, l, n);
        sb_addc(&sb, '\n');
        l += n + (e ? 1 : 0);
    }
    const char *s = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return s;
}

static const char *table_key(arena *a, const table *t)
{
    return arena_printf(a, "%zu:%s.%s", strlen(t->schema.s), t->schema.s, t->name.s);
}

static srcloc state_at(const lockfile *lk, const lock_state *st)
{
    return (srcloc){lk->path, st->line, 1};
}

/* The first error of ds, for a message about a state record. */
static const char *first_error(const diags *ds)
{
    for (size_t i = 0; i < ds->n; i++)
        if (ds->v[i].sev == SEV_ERROR && strcmp(ds->v[i].code, "duplicate-table") != 0)
            return ds->v[i].message;
    return NULL;
}

/* The model of a state, validated among today's other tables. */
static const table *state_model(const lock_state *st, const char *const *paths, size_t npaths, const lockfile *lk,
                                int64_t as_of, diags *d, arena *a)
{
    specset *hs = arena_alloc(a, sizeof *hs);
    specset_init(hs, a);
    diags tmp;
    diags_init(&tmp, a);
    const char *doc = state_doc(a, st);
    spec_load_bytes(hs, lk->path, doc, strlen(doc), &tmp);
    table *t = hs->ntables == 1 ? hs->tables[0] : NULL;
    const char *err = first_error(&tmp);
    if (!err && t) {
        spec_load_paths(hs, paths, npaths, &tmp);
        validate_specset(hs, as_of, &tmp);
        err = first_error(&tmp);
    }
    if (err || !t || t->invalid) {
        diag_add(d, SEV_ERROR, "bad-lock", state_at(lk, st),
                 "partc.lock is written by partc compile: restore it from version control",
                 "the state recorded for migration '%s' does not load with today's specs: %s", st->name,
                 err ? err : "it holds no table");
        return NULL;
    }
    return t;
}

const table_history *history_of(const history *h, const table *t)
{
    for (size_t i = 0; i < h->n; i++)
        if (h->v[i].cur == t)
            return &h->v[i];
    return NULL;
}

static int cmp_version(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return la < lb ? -1 : 1;
    return strcmp(a, b);
}

/* Does the lock record t's first migration (a folder from before states)? */
static bool lock_has_migration(const lockfile *lk, arena *a, const table *t)
{
    return lock_find_name(lk, emit_safe_name(a, plan_first_name(a, t))) != NULL;
}

int history_build(history *h, const specset *ss, const char *const *paths, size_t npaths, const lockfile *lk,
                  int64_t as_of, diags *d, arena *a)
{
    memset(h, 0, sizeof *h);
    h->v = arena_calloc(a, ss->ntables ? ss->ntables : 1, sizeof *h->v);
    /* each state's table, by a quick load of its text alone */
    const char **keys = arena_calloc(a, lk->nst ? lk->nst : 1, sizeof *keys);
    const char **snaps = arena_calloc(a, lk->nst ? lk->nst : 1, sizeof *snaps);
    int rc = 0;
    for (size_t i = 0; i < lk->nst; i++) {
        specset probe;
        specset_init(&probe, a);
        diags tmp;
        diags_init(&tmp, a);
        const char *doc = state_doc(a, &lk->st[i]);
        spec_load_bytes(&probe, lk->path, doc, strlen(doc), &tmp);
        if (probe.ntables != 1 || first_error(&tmp)) {
            diag_add(d, SEV_ERROR, "bad-lock", state_at(lk, &lk->st[i]),
                     "partc.lock is written by partc compile: restore it from version control",
                     "the state recorded for migration '%s' is not a table's spec: %s", lk->st[i].name,
                     first_error(&tmp) ? first_error(&tmp) : "it holds no table");
            rc = -1;
            continue;
        }
        keys[i] = table_key(a, probe.tables[0]);
        snaps[i] = probe.tables[0]->snapshot;
    }
    if (rc)
        return rc;
    for (size_t ti = 0; ti < ss->ntables; ti++) {
        const table *t = ss->tables[ti];
        if (t->mode.v == MODE_REFERENCE)
            continue;
        table_history *th = &h->v[h->n++];
        th->cur = t;
        th->first = t;
        const char *key = table_key(a, t);
        /* its states, by version */
        size_t ns = 0;
        const lock_state **sts = arena_calloc(a, lk->nst ? lk->nst : 1, sizeof *sts);
        const char **ssn = arena_calloc(a, lk->nst ? lk->nst : 1, sizeof *ssn);
        for (size_t i = 0; i < lk->nst; i++)
            if (strcmp(keys[i], key) == 0) {
                size_t k = ns++;
                while (k > 0 && cmp_version(sts[k - 1]->version, lk->st[i].version) > 0) {
                    sts[k] = sts[k - 1];
                    ssn[k] = ssn[k - 1];
                    k--;
                }
                sts[k] = &lk->st[i];
                ssn[k] = snaps[i];
            }
        if (ns == 0 && t->drop.v && !lock_has_migration(lk, a, t)) {
            diag_add(d, SEV_ERROR, "change-refused", t->drop.at,
                     "remove the table's spec: there is nothing to drop",
                     "table '%s' is marked drop: true, but no migration of this folder created it", t->name.s);
            rc = -1;
            continue;
        }
        if (ns == 0)
            continue; /* new, or compiled before partc recorded states: today's spec is its first */
        th->first_recorded = true;
        const table **models = arena_calloc(a, ns, sizeof *models);
        for (size_t k = 0; k < ns; k++) {
            models[k] = strcmp(ssn[k], t->snapshot) == 0 ? t : state_model(sts[k], paths, npaths, lk, as_of, d, a);
            if (!models[k])
                rc = -1;
        }
        if (rc)
            continue;
        th->first = models[0];
        th->changes = arena_calloc(a, ns + 1, sizeof *th->changes);
        for (size_t k = 1; k < ns; k++)
            th->changes[th->nchanges++] = (table_change){models[k - 1], models[k], sts[k]->name, sts[k]};
        const table *last = models[ns - 1];
        if (last != t && evolve_differs(last, t)) {
            if (evolve_refusals(last, t, d, a) != 0) {
                rc = -1;
                continue;
            }
            evolve_lint(last, t, d);
            /* every state after the first is one version more */
            th->changes[th->nchanges++] = (table_change){last, t, evolve_change_name(a, t, (int)ns + 1), NULL};
        }
    }
    return rc;
}
