/* validate: hard errors over the whole spec set, and the derived fields.
 *
 * One pass per table (columns, keys, indexes, foreign keys, partition,
 * retention, maintenance, security, name lengths, generated names), name
 * registries for collisions across tables (relations and functions per
 * schema), then the foreign-key graph: cycles and the dependency order.
 * Scratch memory (partition names, shapes, graph arrays) lives in a
 * private arena and the name sets' slots on the heap, all freed before
 * returning; what the model keeps (gen_name, ordered) is allocated from
 * ss->a.  This file holds the checks of each table and the entry;
 * validate_names.c the names and their collisions, validate_refs.c the
 * foreign keys and the dependency order. */
#include "validate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "format.h"
#include "names.h"
#include "sqlquote.h"
#include "strbuf.h"
#include "validate_internal.h"

/* ---------------------------------------------------------------- helpers */

srcloc vpick(srcloc a, srcloc b)
{
    return a.line > 0 ? a : b;
}

void verr(vctx *v, const char *code, srcloc at, const char *hint,
                const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *msg = arena_vprintf(v->tmp, fmt, ap);
    va_end(ap);
    diag_add(v->d, SEV_ERROR, code, at, hint, "%s", msg);
}

const char *tname(vctx *v, const table *t)
{
    const char *n = t->name.s ? t->name.s : "?";
    if (t->schema.s && strcmp(t->schema.s, "public") != 0)
        return arena_printf(v->tmp, "%s.%s", t->schema.s, n);
    return n;
}

const char *schema_of(const table *t)
{
    return t->schema.s ? t->schema.s : "public";
}



void near_try(near *nr, const char *cand)
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

const char *column_hint(vctx *v, const table *t, const char *name)
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
const char *join_list(vctx *v, const slist *l)
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

bool list_has(const slist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].s && s && strcmp(l->v[i].s, s) == 0)
            return true;
    return false;
}

/* Same columns as a set (neither list has duplicates when this is asked). */
bool same_set(const slist *a, const slist *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (!list_has(b, a->v[i].s))
            return false;
    return true;
}

bool has_dups(const slist *l)
{
    for (size_t i = 0; i < l->n; i++)
        for (size_t j = 0; j < i; j++)
            if (l->v[i].s && l->v[j].s && strcmp(l->v[i].s, l->v[j].s) == 0)
                return true;
    return false;
}

/* The date (and time when not midnight) of an instant, for messages. */


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

/* ----------------------------------------------------------- columns */

static void need_column(vctx *v, const table *t, const sval *c, const char *what)
{
    if (!c->s || t->ncolumns == 0 || table_column(t, c->s))
        return;
    verr(v, "unknown-column", c->at, column_hint(v, t, c->s),
        "%s '%s' is not a column of '%s'", what, c->s, tname(v, t));
}

static void check_expr(vctx *v, const sval *e, const char *what)
{
    const char *why = NULL;
    if (!e->s || sql_expr_check(e->s, &why) == 0)
        return;
    verr(v, "bad-expression", e->at,
        "write one SQL expression: no ';', no comments, no dollar quotes, balanced quotes and parentheses",
        "%s '%s' is not a valid SQL expression: %s", what, e->s, why ? why : "rejected");
}

/* Columns of a key or index: duplicates, unknown names, expressions. */
void check_col_list(vctx *v, const table *t, const slist *l, const char *what,
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
            verr(v, "duplicate-column", c->at, "remove the second occurrence",
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
        verr(v, "missing-columns", t->name.at,
            "declare the columns under columns: (each with a type)",
            "table '%s' has mode create but no columns", tname(v, t));
    for (size_t i = 0; i < t->ncolumns; i++) {
        const column *c = &t->columns[i];
        check_len(v, c->name.s, false, c->name.at, "shorten the column name");
        if (c->type.s && !names_type_ok(c->type.s))
            verr(v, "bad-type", c->type.at,
                "write an SQL type such as 'text', 'numeric(12,2)', 'timestamptz' or 'text[]'",
                "type '%s' of column '%s' is not a valid SQL type", c->type.s,
                c->name.s ? c->name.s : "?");
        check_expr(v, &c->default_expr, "default");
        if (c->identity.v != IDENTITY_NONE && c->default_expr.s)
            verr(v, "identity-with-default", c->default_expr.at,
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
        verr(v, "bad-index-column", n->at, "write name or schema.name",
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
            verr(v, "duplicate-column", c->at, "remove the second occurrence",
                "column '%s' is listed twice in an index of '%s'", c->s, tname(v, t));
            continue;
        }
        if (ic->expression)
            check_expr(v, c, "index expression");
        else
            need_column(v, t, c, "index column");
        if ((ic->order.v != SORT_DEFAULT || ic->nulls.v != NULLS_DEFAULT) && strcmp(method, "btree") != 0)
            verr(v, "bad-index-column", ic->order.v != SORT_DEFAULT ? ic->order.at : ic->nulls.at,
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
                verr(v, "duplicate-name", ix->name.at, "give each index its own name",
                    "index name '%s' is used twice in '%s'", ix->name.s, tname(v, t));
                break;
            }
    }
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
            verr(v, "missing-partition", vpick(t->strategy.at, t->name.at),
                "add partition: with key, interval and start",
                "table '%s' has strategy '%s' but no partition block", tname(v, t),
                strategy_name(t->strategy.v));
        return false;
    }
    if (!p->key.s) {
        verr(v, "missing-partition", p->at, "set partition.key to a timestamptz or date column",
            "partition block of '%s' has no key", tname(v, t));
    } else if (t->ncolumns > 0) {
        const column *c = table_column(t, p->key.s);
        if (!c)
            need_column(v, t, &p->key, "partition key");
        else if (c->type.s && !time_type(names_type_base(v->tmp, c->type.s)))
            verr(v, "partition-key-type", p->key.at,
                "partition by a timestamptz or date column",
                "partition key '%s' of '%s' has type '%s', which cannot hold time ranges",
                p->key.s, tname(v, t), c->type.s);
        else if (c->type.s && strcmp(names_type_base(v->tmp, c->type.s), "date") == 0 &&
                 p->interval.v == IV_HOURLY)
            verr(v, "partition-key-type", p->interval.at,
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
                                            fmt_instant(v->tmp, fl), iy, iw);
            if (wd != 1)
                verr(v, "weekly-not-iso", p->start.at, hint,
                    "weekly partitions must start on a Monday: '%s' is a %s",
                    fmt_instant(v->tmp, p->start.v), days[wd >= 1 && wd <= 7 ? wd : 0]);
            else
                verr(v, "weekly-not-iso", p->start.at, hint,
                    "weekly partitions must start on a Monday at 00:00 UTC: '%s' is not",
                    fmt_instant(v->tmp, p->start.v));
        } else {
            verr(v, "start-not-aligned", p->start.at,
                arena_printf(v->tmp, "use %s", fmt_instant(v->tmp, fl)),
                "partition start '%s' is not the start of a %s range",
                fmt_instant(v->tmp, p->start.v), cal_interval_name(p->interval.v));
        }
    }

    const sval *nm = &p->naming;
    if (!nm->s)
        return false;
    const char *why = NULL;
    size_t off = 0;
    if (names_pattern_check(nm->s, &why, &off) != 0) {
        verr(v, "bad-naming", naming_loc(v, nm, off),
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
            verr(v, "weekly-not-iso", nm->at, "use {IYYY} and {IW}, e.g. '{table}_{IYYY}w{IW}'",
                yyyy_iw ? "weekly naming '%s' uses {YYYY} with {IW}: an ISO week near new year belongs to the other calendar year"
                        : "weekly naming '%s' uses {IYYY} without {IW}",
                nm->s);
            return false;
        }
    }
    if (names_pattern_distinct(nm->s, p->interval.v, &why) != 0) {
        verr(v, "partition-name-collision", nm->at,
            "add the missing tokens to partition.naming",
            "partition naming '%s' gives several %s ranges of '%s' the same name: %s",
            nm->s, cal_interval_name(p->interval.v), tname(v, t), why ? why : "");
        return false;
    }
    return true;
}


/* Registers the partition names of table ti over the planned range; one
 * report at most. */
void enumerate_partitions(vctx *v, size_t ti)
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

/* ----------------------------------------------------------- retention */

static void check_retention(vctx *v, const table *t)
{
    const retention_spec *r = &t->retention;
    if (!r->present)
        return;
    srcloc aat = vpick(r->action.at, r->at);
    const char *an = retention_action_name(r->action.v);
    if (r->action.v == RET_DELETE) {
        if (t->strategy.v == STRATEGY_PARTITION)
            verr(v, "bad-retention", aat,
                "use action drop, detach or archive for a partitioned table, or strategy none/brin for batched deletes",
                "retention action 'delete' on '%s', which has strategy partition", tname(v, t));
        if (!r->column.s)
            verr(v, "bad-retention", r->at,
                "set retention.column: rows where it is older than keep are deleted",
                "retention of '%s' has no column to compare", tname(v, t));
    } else if (t->strategy.v != STRATEGY_PARTITION) {
        verr(v, "bad-retention", aat, "use action delete (batched DELETE of old rows)",
            "retention action '%s' needs partitions, but '%s' has strategy '%s'", an,
            tname(v, t), strategy_name(t->strategy.v));
    } else if (!t->part.present) {
        verr(v, "bad-retention", aat, "add a partition block, or use action delete",
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
        verr(v, "bad-retention", vpick(r->keep.at, r->at),
            r->action.v == RET_DELETE
                ? "keep 0 deletes rows whose retention.column has passed: name the expiry column (e.g. column: "
                  "expires_at), or give a positive keep"
                : "give a positive keep, e.g. keep: 90 days (keep 0 is for action delete on an expiry column)",
            "retention keep 0 of '%s' would remove rows as soon as they are written", tname(v, t));
    check_len(v, r->archive_schema.s, false, r->at, "shorten retention.archive_schema");
}

/* The runtime's schema is its own: a table (or retention's archive) there
 * would keep the runtime's rollback from dropping it, and the runtime's
 * first migration creates the schema. */
static void check_runtime_schema(vctx *v, const table *t)
{
    const char *rt = v->ss->settings.runtime_schema.s;
    if (!rt || t->mode.v == MODE_REFERENCE)
        return;
    if (t->schema.s && strcmp(t->schema.s, rt) == 0)
        verr(v, "schema-taken", vpick(t->schema.at, t->name.at),
             "put the table in another schema, or set settings.runtime_schema to a schema of its own",
             "table '%s' is in schema '%s', which is the runtime's (settings.runtime_schema)", tname(v, t), rt);
    if (t->retention.present && t->retention.action.v == RET_ARCHIVE && t->retention.archive_schema.s &&
        strcmp(t->retention.archive_schema.s, rt) == 0)
        verr(v, "schema-taken", vpick(t->retention.archive_schema.at, t->retention.at),
             "archive to another schema, or set settings.runtime_schema to a schema of its own",
             "retention.archive_schema '%s' of '%s' is the runtime's schema (settings.runtime_schema)", rt,
             tname(v, t));
}

static void check_maintenance(vctx *v, const table *t)
{
    const maintenance_spec *m = &t->maintenance;
    if (m->schedule.s && !names_cron_ok(m->schedule.s))
        verr(v, "bad-schedule", m->schedule.at,
            "use five cron fields such as '0 * * * *', 'N seconds', or a macro like '@hourly'",
            "maintenance schedule '%s' of '%s' is not a valid pg_cron schedule",
            m->schedule.s, tname(v, t));
    if (cal_duration_seconds(m->critical_ahead.v) > cal_duration_seconds(m->warn_ahead.v)) {
        srcloc at = m->critical_ahead.given ? m->critical_ahead.at : m->warn_ahead.at;
        verr(v, "bad-duration", vpick(at, vpick(m->at, t->name.at)),
            m->critical_ahead.given ? "make critical_ahead at most warn_ahead"
                                  : "set critical_ahead to at most warn_ahead",
            "critical_ahead %s'%s' of '%s' is longer than warn_ahead '%s'",
            m->critical_ahead.given ? "" : "(default) ", fmt_duration(v->tmp, m->critical_ahead.v),
            tname(v, t), fmt_duration(v->tmp, m->warn_ahead.v));
    }
}

/* A table kept with a foreign key to a table its spec drops: the drop would
 * fail on the key (drop the key first, in a change of its own). */
static void check_fk_to_dropped(vctx *v, const table *t)
{
    if (t->drop.v)
        return;
    for (size_t i = 0; i < t->nfks; i++) {
        const foreign_key *f = &t->fks[i];
        if (f->ref && f->ref != t && f->ref->drop.v)
            verr(v, "change-refused", f->at,
                 "drop this foreign key in a change of its own and deploy it, then set drop: true on the table "
                 "it references",
                 "table '%s': foreign key %s references table '%s', whose spec says drop: true", tname(v, t),
                 f->gen_name ? f->gen_name : "(unnamed)", f->ref->name.s);
    }
}

static void check_migrate(vctx *v, const table *t)
{
    const migrate_spec *m = &t->migrate;
    if (m->through.given && m->hold_cleanup.given)
        verr(v, "bad-migrate", m->through.at, "remove migrate.cleanup: migrate.through: swap says what cleanup: false did",
             "table '%s': migrate.through and migrate.cleanup are both given", tname(v, t));
    if (m->cutover.given && m->method.v != METHOD_ATTACH)
        verr(v, "bad-migrate", m->cutover.at, "remove migrate.cutover, or set migrate.method: attach",
             "table '%s': migrate.cutover is for method: attach only", tname(v, t));
    if (m->cutover.given && t->part.present && t->strategy.v == STRATEGY_PARTITION) {
        cal_interval iv = t->part.interval.v;
        if (!cal_aligned(iv, m->cutover.v))
            verr(v, "bad-migrate", m->cutover.at,
                 arena_printf(v->tmp, "use the start of a range, e.g. %s",
                              fmt_instant(v->tmp, cal_add(iv, cal_floor(iv, m->cutover.v), 1))),
                 "table '%s': migrate.cutover '%s' is not the start of a %s range", tname(v, t),
                 fmt_instant(v->tmp, m->cutover.v), cal_interval_name(iv));
        else if (m->cutover.v <= t->part.start.v)
            verr(v, "bad-migrate", m->cutover.at, "give a cutover after partition.start",
                 "table '%s': migrate.cutover '%s' is not after partition.start '%s'", tname(v, t),
                 fmt_instant(v->tmp, m->cutover.v), fmt_instant(v->tmp, t->part.start.v));
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
            verr(v, "bad-policy", po->using.at, "an insert policy has only 'check'",
                "policy '%s' is for insert, which takes no 'using' expression", po->name.s);
        if ((po->command.v == POLICY_SELECT || po->command.v == POLICY_DELETE) && po->check.s)
            verr(v, "bad-policy", po->check.at, "select and delete policies have only 'using'",
                "policy '%s' is for %s, which takes no 'check' expression", po->name.s,
                po->command.v == POLICY_SELECT ? "select" : "delete");
        if (!po->using.s && !po->check.s)
            verr(v, "bad-policy", po->name.at, "give 'using' (rows visible) and/or 'check' (rows written)",
                "policy '%s' has neither 'using' nor 'check'", po->name.s);
    }
    for (size_t i = 0; i < s->ngrants; i++)
        check_len(v, s->grants[i].role.s, false, s->grants[i].role.at, "shorten the role name");
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
            verr(&v, "name-collision", t->name.at,
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
        check_migrate(&v, t);
        check_fk_to_dropped(&v, t);
        check_runtime_schema(&v, t);
        check_security(&v, t);
        check_generated(&v, i, names_ok);
    }
    register_partitions(&v);
    order_tables(&v);
    check_rewires(&v);
    nset_free(&v.tables);
    nset_free(&v.rels);
    nset_free(&v.fns);
    arena_free(v.tmp);

    mark_invalid(ss, d, before);
    for (size_t i = before; i < d->n; i++)
        if (d->v[i].sev == SEV_ERROR)
            return -1;
    return 0;
}

/* Planned partitions per table above which a compile is refused. */
#define MAX_STATIC_PARTITIONS 10000

int validate_for_compile(const specset *ss, int64_t run_as_of, table_as_of_fn as_of_for, void *ctx, diags *d)
{
    int errors = 0;
    arena *a = ss->a;
    table **order = ss->ordered ? ss->ordered : ss->tables;
    for (size_t i = 0; i < ss->ntables; i++) {
        const table *t = order[i];
        if (t->mode.v == MODE_REFERENCE)
            continue;
        const char *qname = arena_printf(a, "%s.%s", t->schema.s, t->name.s);
        int64_t as_of = as_of_for ? as_of_for(ctx, t, run_as_of) : run_as_of;
        if (t->mode.v == MODE_CONVERT && t->strategy.v != STRATEGY_PARTITION) {
            diag_add(d, SEV_ERROR, "unsupported", t->strategy.at.file ? t->strategy.at : t->mode.at,
                     "convert with strategy partition, or write this migration by hand for now",
                     "mode convert with strategy '%s' (table '%s') cannot be compiled by this version of partc",
                     strategy_name(t->strategy.v), t->name.s);
            errors++;
            continue;
        }
        if (t->mode.v == MODE_CONVERT && ss->settings.postgres.v < 14) {
            diag_add(d, SEV_ERROR, "unsupported", ss->settings.postgres.at.file ? ss->settings.postgres.at : t->mode.at,
                     "set settings.postgres (or pass --postgres) to 14 or later",
                     "mode convert (table '%s') needs PostgreSQL 14 or later: the backfill reads the table by TID ranges",
                     t->name.s);
            errors++;
            continue;
        }
        if (t->strategy.v == STRATEGY_PARTITION && t->part.present) {
            int64_t first, count;
            table_static_ranges(t, as_of, &first, &count);
            char from[11], through[11];
            cal_format_date(first, from);
            /* the SQL writes instants with 4-digit years (cal_format_ts) */
            int64_t end = cal_add(t->part.interval.v, first, count);
            if (end > cal_join(9999, 12, 31, 23, 59, 59)) {
                diag_add(d, SEV_ERROR, "partition-out-of-range",
                         t->part.start.at.file ? t->part.start.at : t->part.at,
                         "move partition.start or --as-of earlier, or lower partition.premake",
                         "table '%s' would have its migration create %s partitions from %s past the "
                         "end of the year 9999",
                         qname, cal_interval_name(t->part.interval.v), from);
                errors++;
                continue;
            }
            if (count > MAX_STATIC_PARTITIONS) {
                cal_format_date(cal_add(t->part.interval.v, first, count - 1), through);
                diag_add(d, SEV_ERROR, "too-many-static-partitions",
                         t->part.start.at.file ? t->part.start.at : t->part.at,
                         "move partition.start to the first range the table holds, or pass an earlier "
                         "--as-of (by default the latest partition.start of the spec set); the "
                         "maintenance function creates later ranges when they are due",
                         "table '%s' would have its migration create %lld %s partitions (%s through %s), "
                         "more than %d",
                         qname, (long long)count, cal_interval_name(t->part.interval.v), from, through,
                         MAX_STATIC_PARTITIONS);
                errors++;
                continue;
            }
        }
    }
    return errors ? -1 : 0;
}
