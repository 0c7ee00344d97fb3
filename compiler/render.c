#include "render.h"

#include <string.h>

#include "names.h"
#include "sqlquote.h"

/* Marks where the relation goes when security statements are rendered for
 * the partition function: spec text cannot hold this byte. */
#define REL_MARK "\x01"

typedef struct rctx {
    arena *a;
    const template_set *ts;
    const render_opts *o;
    diags *d;
    const table *t;
    tvars base; /* values every template of this table may use */
    int rc;
} rctx;

/* ---- small text helpers ------------------------------------------------ */

static const char *ident(rctx *c, const char *s)
{
    return sql_ident(c->a, s);
}

static const char *lit(rctx *c, const char *s)
{
    return sql_literal(c->a, s);
}

static const char *qual(rctx *c, const char *name)
{
    return sql_qualified(c->a, c->t->schema.s, name);
}

static const char *ident_list(rctx *c, const slist *l)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            sb_puts(&sb, ", ");
        sb_puts(&sb, ident(c, l->v[i].s));
    }
    const char *r = arena_strdup(c->a, sb_str(&sb));
    sb_free(&sb);
    return r;
}


/* An operator class or collation name: name or schema.name. */
static const char *qualified_name(rctx *c, const char *s)
{
    const char *dot = strchr(s, '.');
    if (!dot)
        return ident(c, s);
    return sql_qualified(c->a, arena_strndup(c->a, s, (size_t)(dot - s)), dot + 1);
}

/* Index columns: a column or an (expression), then COLLATE, the operator
 * class, ASC/DESC and NULLS FIRST/LAST as the spec says. */
static const char *index_columns(rctx *c, const index *ix)
{
    const slist *l = &ix->columns;
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            sb_puts(&sb, ", ");
        const index_col *ic = ix->cols ? &ix->cols[i] : NULL;
        bool expr = ic ? ic->expression : !table_column(c->t, l->v[i].s) && !names_plain_ident(l->v[i].s);
        if (expr)
            sb_addf(&sb, "(%s)", l->v[i].s);
        else
            sb_puts(&sb, ident(c, l->v[i].s));
        if (!ic)
            continue;
        if (ic->collate.s)
            sb_addf(&sb, " COLLATE %s", qualified_name(c, ic->collate.s));
        if (ic->opclass.s)
            sb_addf(&sb, " %s", qualified_name(c, ic->opclass.s));
        if (ic->order.v != SORT_DEFAULT)
            sb_puts(&sb, ic->order.v == SORT_DESC ? " DESC" : " ASC");
        if (ic->nulls.v != NULLS_DEFAULT)
            sb_puts(&sb, ic->nulls.v == NULLS_FIRST ? " NULLS FIRST" : " NULLS LAST");
    }
    const char *r = arena_strdup(c->a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

static const char *dur_lit(rctx *c, duration du)
{
    const char *unit = cal_duration_unit_sql(du.unit);
    size_t len = strlen(unit) - (du.n == 1); /* "1 day", "2 days" */
    return lit(c, arena_printf(c->a, "%lld %.*s", (long long)du.n, (int)len, unit));
}

/* How bounds of the partition key are written, by the key's type. */
typedef enum { KEY_TIMESTAMPTZ, KEY_TIMESTAMP, KEY_DATE } key_kind;

static key_kind key_type(arena *a, const table *t)
{
    const column *col = table_column(t, t->part.key.s);
    if (!col || !col->type.s)
        return KEY_TIMESTAMPTZ;
    const char *base = names_type_base(a, col->type.s);
    if (strcmp(base, "date") == 0)
        return KEY_DATE;
    if (strcmp(base, "timestamp") == 0 || strcmp(base, "timestamp without time zone") == 0)
        return KEY_TIMESTAMP;
    return KEY_TIMESTAMPTZ;
}

static const char *bound_lit(rctx *c, int64_t t)
{
    char date[11], ts[23];
    switch (key_type(c->a, c->t)) {
    case KEY_DATE:
        cal_format_date(t, date);
        return lit(c, date);
    case KEY_TIMESTAMP:
        cal_format_ts(t, ts);
        ts[19] = '\0'; /* drop "+00" */
        return lit(c, ts);
    default:
        cal_format_ts(t, ts);
        return lit(c, ts);
    }
}

static const char *bound_format(rctx *c)
{
    switch (key_type(c->a, c->t)) {
    case KEY_DATE: return lit(c, "YYYY-MM-DD");
    case KEY_TIMESTAMP: return lit(c, "YYYY-MM-DD HH24:MI:SS");
    default: return lit(c, "YYYY-MM-DD HH24:MI:SS\"+00\"");
    }
}

/* A dollar-quote tag that occurs in none of the values nor the template. */
static const char *pick_tag(rctx *c, const tvars *tv, const char *kind)
{
    const template_src *src = template_find(c->ts, kind);
    for (int n = 0;; n++) {
        const char *tag = n ? arena_printf(c->a, "$partc%d$", n) : "$partc$";
        bool clash = src && strstr(src->text, tag) && !strstr(src->text, "{{tag}}");
        for (size_t i = 0; !clash && i < tv->n; i++)
            if (tv->values[i] && strstr(tv->values[i], tag))
                clash = true;
        if (!clash) {
            size_t len = strlen(tag);
            return arena_strndup(c->a, tag + 1, len - 2);
        }
    }
}

/* Expands template kind with base values plus tv into a fresh string.
 * Every step does this, so the base values are added with one pass over
 * tv's own (few) names each, in place of a tvars_get and a tvars_set over
 * the growing set: the same set results (a name of tv keeps its value
 * unless that value is NULL, and the other base names follow in order). */
static const char *expand(rctx *c, const char *kind, tvars *tv)
{
    const tvars *b = &c->base;
    size_t own = tv->n;
    if (tv->cap < own + b->n + 1) {
        size_t cap = own + b->n + 1;
        tv->names = arena_grow(tv->a, tv->names, tv->n, cap, sizeof *tv->names);
        tv->values = arena_grow(tv->a, tv->values, tv->n, cap, sizeof *tv->values);
        tv->cap = cap;
    }
    for (size_t i = 0; i < b->n; i++) {
        const char *name = b->names[i];
        size_t j = 0;
        while (j < own && !(tv->names[j][0] == name[0] && strcmp(tv->names[j], name) == 0))
            j++;
        if (j < own) {
            if (!tv->values[j])
                tv->values[j] = b->values[i];
            continue;
        }
        tv->names[tv->n] = name;
        tv->values[tv->n] = b->values[i];
        tv->n++;
    }
    if (!tvars_get(tv, "tag"))
        tvars_set(tv, "tag", pick_tag(c, tv, kind));
    strbuf sb = STRBUF_INIT;
    if (template_expand(c->ts, kind, tv, &sb, c->d) != 0)
        c->rc = -1;
    const char *r = arena_strdup(c->a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

static tvars *vars(rctx *c)
{
    tvars *tv = arena_alloc(c->a, sizeof *tv);
    tvars_init(tv, c->a);
    return tv;
}

/* The partition-bounds query of the step's table (tv's table_lit when the
 * step acts on the shadow), inline, without its final newline. */
static const char *bounds_query(rctx *c, tvars *sv)
{
    tvars *bv = vars(c);
    if (tvars_get(sv, "table_lit"))
        tvars_set(bv, "table_lit", tvars_get(sv, "table_lit"));
    const char *q = expand(c, "partition_bounds", bv);
    size_t len = strlen(q);
    while (len && q[len - 1] == '\n')
        len--;
    return arena_strndup(c->a, q, len);
}

/* ---- table definition --------------------------------------------------- */

static const char *definition(rctx *c)
{
    const table *t = c->t;
    strbuf sb = STRBUF_INIT;
    const char *sep = "";
    for (size_t i = 0; i < t->ncolumns; i++) {
        const column *col = &t->columns[i];
        sb_addf(&sb, "%s    %s %s", sep, ident(c, col->name.s), col->type.s);
        if (col->identity.v == IDENTITY_ALWAYS)
            sb_puts(&sb, " GENERATED ALWAYS AS IDENTITY");
        else if (col->identity.v == IDENTITY_BY_DEFAULT)
            sb_puts(&sb, " GENERATED BY DEFAULT AS IDENTITY");
        if (!col->nullable.v)
            sb_puts(&sb, " NOT NULL");
        if (col->default_expr.s)
            sb_addf(&sb, " DEFAULT %s", col->default_expr.s);
        sep = ",\n";
    }
    if (t->primary_key.present && t->primary_key.n) {
        sb_addf(&sb, "%s    CONSTRAINT %s PRIMARY KEY (%s)", sep, ident(c, names_pkey(c->a, t)),
                ident_list(c, &t->primary_key));
        sep = ",\n";
    }
    for (size_t i = 0; i < t->nunique; i++) {
        sb_addf(&sb, "%s    CONSTRAINT %s UNIQUE (%s)", sep,
                ident(c, names_unique(c->a, t, &t->unique[i])), ident_list(c, &t->unique[i]));
        sep = ",\n";
    }
    for (size_t i = 0; i < t->nchecks; i++) {
        sb_addf(&sb, "%s    CONSTRAINT %s CHECK (%s)", sep, ident(c, t->checks[i].name.s),
                t->checks[i].expr.s);
        sep = ",\n";
    }
    const char *r = arena_strdup(c->a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

/* ---- security ------------------------------------------------------------ */

static const char *role_list(rctx *c, const slist *roles)
{
    if (!roles->present || roles->n == 0)
        return "PUBLIC";
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < roles->n; i++) {
        if (i)
            sb_puts(&sb, ", ");
        const char *r = roles->v[i].s;
        sb_puts(&sb, strcmp(r, "public") == 0 ? "PUBLIC" : ident(c, r));
    }
    const char *out = arena_strdup(c->a, sb_str(&sb));
    sb_free(&sb);
    return out;
}

static const char *privilege_list(rctx *c, const slist *privs)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < privs->n; i++) {
        if (i)
            sb_puts(&sb, ", ");
        for (const char *p = privs->v[i].s; *p; p++)
            sb_addc(&sb, (*p >= 'a' && *p <= 'z') ? (char)(*p - 'a' + 'A') : *p);
    }
    const char *out = arena_strdup(c->a, sb_str(&sb));
    sb_free(&sb);
    return out;
}

/* The security statements for relation text rel, one string each. */
static const char **security_statements(rctx *c, const char *rel, size_t *n)
{
    const security_spec *s = &c->t->security;
    size_t cap = 2 + s->npolicies + s->ngrants;
    const char **v = arena_calloc(c->a, cap, sizeof *v);
    size_t k = 0;
    if (s->rls.v) {
        tvars *tv = vars(c);
        tvars_set(tv, "rel", rel);
        v[k++] = expand(c, "sec_rls_enable", tv);
        tv = vars(c);
        tvars_set(tv, "rel", rel);
        v[k++] = expand(c, "sec_rls_force", tv);
    }
    for (size_t i = 0; i < s->npolicies; i++) {
        const policy *p = &s->policies[i];
        tvars *tv = vars(c);
        tvars_set(tv, "rel", rel);
        tvars_set(tv, "policy", ident(c, p->name.s));
        tvars_set(tv, "command", policy_command_sql(p->command.v));
        tvars_set(tv, "roles", role_list(c, &p->roles));
        const char *clauses = "";
        if (p->using.s)
            clauses = arena_printf(c->a, " USING (%s)", p->using.s);
        if (p->check.s)
            clauses = arena_printf(c->a, "%s WITH CHECK (%s)", clauses, p->check.s);
        tvars_set(tv, "clauses", clauses);
        v[k++] = expand(c, "sec_policy", tv);
    }
    for (size_t i = 0; i < s->ngrants; i++) {
        const grant *g = &s->grants[i];
        tvars *tv = vars(c);
        tvars_set(tv, "rel", rel);
        tvars_set(tv, "privileges", privilege_list(c, &g->privileges));
        const char *role = g->role.s;
        tvars_set(tv, "role", strcmp(role, "public") == 0 ? "PUBLIC" : ident(c, role));
        v[k++] = expand(c, "sec_grant", tv);
    }
    *n = k;
    return v;
}

/* One EXECUTE per statement, the relation spliced in as p_rel::text. */
static const char *secure_body(rctx *c)
{
    size_t n;
    const char **stmts = security_statements(c, REL_MARK, &n);
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const char *s = stmts[i];
        size_t len = strlen(s);
        while (len && (s[len - 1] == '\n' || s[len - 1] == ';'))
            len--;
        sb_puts(&sb, "    EXECUTE ");
        const char *p = s, *end = s + len;
        const char *sep = "";
        while (p < end) {
            const char *m = memchr(p, REL_MARK[0], (size_t)(end - p));
            const char *stop = m ? m : end;
            if (stop > p) {
                sb_puts(&sb, sep);
                sb_puts(&sb, lit(c, arena_strndup(c->a, p, (size_t)(stop - p))));
                sep = " || ";
            }
            if (m) {
                sb_puts(&sb, sep);
                sb_puts(&sb, "p_rel::text");
                sep = " || ";
                p = m + 1;
            } else
                p = end;
        }
        sb_puts(&sb, ";\n");
    }
    const char *r = arena_strdup(c->a, sb_str(&sb));
    sb_free(&sb);
    return r;
}


/* ---- mode convert -------------------------------------------------------- */

/* The rows' identity (the primary key as it is today) and the columns the
 * sync log keeps: the identity plus the partition key when it is not in it. */
static slist log_columns(rctx *c)
{
    const table *t = c->t;
    slist l = t->primary_key;
    bool has_key = false;
    for (size_t i = 0; i < l.n; i++)
        has_key = has_key || strcmp(l.v[i].s, t->part.key.s) == 0;
    if (!has_key) {
        sval *v = arena_calloc(c->a, l.n + 1, sizeof *v);
        memcpy(v, l.v, l.n * sizeof *v);
        v[l.n].s = t->part.key.s;
        l.v = v;
        l.n++;
    }
    return l;
}

/* x.a = y.a AND x.b = y.b ... */
static const char *match(rctx *c, const slist *l, const char *x, const char *y)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < l->n; i++) {
        const char *col = ident(c, l->v[i].s);
        sb_addf(&sb, "%s%s.%s = %s.%s", i ? " AND " : "", x, col, y, col);
    }
    const char *r = arena_strdup(c->a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

/* (x.a, x.b) IN (SELECT u.a, u.b FROM unnest(v_done) u) */
static const char *ident_in_done(rctx *c, const slist *l, const char *x)
{
    strbuf sb = STRBUF_INIT, sel = STRBUF_INIT;
    for (size_t i = 0; i < l->n; i++) {
        const char *col = ident(c, l->v[i].s);
        sb_addf(&sb, "%s%s.%s", i ? ", " : "", x, col);
        sb_addf(&sel, "%su.%s", i ? ", " : "", col);
    }
    const char *r = arena_printf(c->a, "(%s) IN (SELECT %s FROM unnest(v_done) u)", sb_str(&sb), sb_str(&sel));
    sb_free(&sb);
    sb_free(&sel);
    return r;
}

static void json_str(strbuf *sb, const char *s)
{
    sb_addc(sb, '"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            sb_addf(sb, "\\%c", *p);
        else if (*p < 0x20)
            sb_addf(sb, "\\u%04x", *p);
        else
            sb_addc(sb, (char)*p);
    }
    sb_addc(sb, '"');
}

static void json_list(strbuf *sb, const slist *l)
{
    sb_addc(sb, '[');
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            sb_puts(sb, ", ");
        json_str(sb, l->v[i].s);
    }
    sb_addc(sb, ']');
}

/* The spec facts the preflight compares with the live table, as jsonb. */
static const char *spec_json(rctx *c)
{
    const table *t = c->t;
    arena *a = c->a;
    strbuf sb = STRBUF_INIT;
    sb_puts(&sb, "{\"columns\": [");
    for (size_t i = 0; i < t->ncolumns; i++) {
        sb_puts(&sb, i ? ", {\"name\": " : "{\"name\": ");
        json_str(&sb, t->columns[i].name.s);
        sb_puts(&sb, ", \"type\": ");
        json_str(&sb, t->columns[i].type.s);
        sb_addc(&sb, '}');
    }
    sb_puts(&sb, "],\n \"primary_key\": ");
    json_list(&sb, &t->primary_key);
    sb_puts(&sb, ",\n \"unique\": [");
    for (size_t i = 0; i < t->nunique; i++) {
        if (i)
            sb_puts(&sb, ", ");
        json_list(&sb, &t->unique[i]);
    }
    sb_puts(&sb, "],\n \"indexes\": [");
    for (size_t i = 0; i < t->nindexes; i++) {
        const index *ix = &t->indexes[i];
        sb_puts(&sb, i ? ",\n   {\"name\": " : "{\"name\": ");
        json_str(&sb, ix->gen_name);
        sb_addf(&sb, ", \"unique\": %s, \"def\": ", ix->unique.v ? "true" : "false");
        /* what follows ON <table> in CREATE INDEX and in pg_get_indexdef */
        json_str(&sb, arena_printf(a, "USING %s (%s)%s%s", ix->using.s ? ix->using.s : "btree", index_columns(c, ix),
                                   ix->include.n ? arena_printf(a, " INCLUDE (%s)", ident_list(c, &ix->include)) : "",
                                   ix->where.s ? arena_printf(a, " WHERE (%s)", ix->where.s) : ""));
        sb_addc(&sb, '}');
    }
    sb_puts(&sb, "],\n \"checks\": [");
    for (size_t i = 0; i < t->nchecks; i++) {
        if (i)
            sb_puts(&sb, ", ");
        json_str(&sb, t->checks[i].name.s);
    }
    sb_puts(&sb, "],\n \"foreign_keys\": [");
    for (size_t i = 0; i < t->nfks; i++) {
        const foreign_key *fk = &t->fks[i];
        sb_puts(&sb, i ? ", {\"columns\": " : "{\"columns\": ");
        json_list(&sb, &fk->columns);
        sb_puts(&sb, ", \"ref_schema\": ");
        json_str(&sb, fk->ref ? fk->ref->schema.s : (fk->ref_schema.s ? fk->ref_schema.s : t->schema.s));
        sb_puts(&sb, ", \"ref_table\": ");
        json_str(&sb, fk->ref_table.s);
        sb_puts(&sb, ", \"ref_columns\": ");
        json_list(&sb, &fk->ref_columns);
        sb_addc(&sb, '}');
    }
    sb_addf(&sb, "],\n \"rls\": %s, \"policies\": [", t->security.rls.v ? "true" : "false");
    for (size_t i = 0; i < t->security.npolicies; i++) {
        if (i)
            sb_puts(&sb, ", ");
        json_str(&sb, t->security.policies[i].name.s);
    }
    sb_puts(&sb, "],\n \"grants\": [");
    for (size_t i = 0; i < t->security.ngrants; i++) {
        sb_puts(&sb, i ? ", {\"role\": " : "{\"role\": ");
        json_str(&sb, t->security.grants[i].role.s);
        sb_puts(&sb, ", \"privileges\": ");
        json_list(&sb, &t->security.grants[i].privileges);
        sb_addc(&sb, '}');
    }
    char start[23];
    cal_format_ts(t->part.start.v, start);
    sb_puts(&sb, "],\n \"start\": ");
    json_str(&sb, start);
    sb_addf(&sb, ", \"default_partition\": %s}", t->part.default_partition.v ? "true" : "false");
    const char *r = arena_printf(a, "%s::jsonb", lit(c, sb_str(&sb)));
    sb_free(&sb);
    return r;
}

/* The names of the shadow's keys and indexes once swapped: the primary key,
 * the unique lists, the indexes. */
static const char **final_names(rctx *c, size_t *n)
{
    const table *t = c->t;
    const char **v = arena_calloc(c->a, 1 + t->nunique + t->nindexes, sizeof *v);
    size_t k = 0;
    v[k++] = names_pkey(c->a, t);
    for (size_t i = 0; i < t->nunique; i++)
        v[k++] = names_unique(c->a, t, &t->unique[i]);
    for (size_t i = 0; i < t->nindexes; i++)
        v[k++] = t->indexes[i].gen_name;
    *n = k;
    return v;
}

static const char *renames(rctx *c, bool forward)
{
    size_t n;
    const char **v = final_names(c, &n);
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const char *fin = v[i], *sh = names_shadow_of(c->a, c->t, fin), *ol = names_old_of(c->a, c->t, fin);
        if (forward) {
            sb_addf(&sb,
                    "    IF EXISTS (SELECT 1 FROM pg_catalog.pg_index i\n"
                    "                WHERE i.indexrelid = pg_catalog.to_regclass(%s) AND i.indrelid = %s::regclass) THEN\n"
                    "        ALTER INDEX %s RENAME TO %s;\n"
                    "    END IF;\n"
                    "    ALTER INDEX %s RENAME TO %s;\n",
                    lit(c, qual(c, fin)), tvars_get(&c->base, "old_lit"), qual(c, fin), ident(c, ol),
                    qual(c, sh), ident(c, fin));
        } else {
            sb_addf(&sb,
                    "    ALTER INDEX %s RENAME TO %s;\n"
                    "    IF EXISTS (SELECT 1 FROM pg_catalog.pg_index i\n"
                    "                WHERE i.indexrelid = pg_catalog.to_regclass(%s) AND i.indrelid = %s::regclass) THEN\n"
                    "        ALTER INDEX %s RENAME TO %s;\n"
                    "    END IF;\n",
                    qual(c, fin), ident(c, sh), lit(c, qual(c, ol)), tvars_get(&c->base, "table_lit"),
                    qual(c, ol), ident(c, fin));
        }
    }
    const char *r = arena_strdup(c->a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

/* The primary key and unique lists of the shadow, extended with the
 * partition key. */
static const char *key_columns(rctx *c, const slist *l)
{
    const char *cols = ident_list(c, l);
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].s, c->t->part.key.s) == 0)
            return cols;
    return arena_printf(c->a, "%s, %s", cols, ident(c, c->t->part.key.s));
}

static const char *index_statement(rctx *c, size_t i, const char *rel, const char *name, bool if_not_exists);

/* ALTER TABLE ... ADD CONSTRAINT for the shadow's keys; with indent, each
 * guarded so that it can run again. */
static const char *shadow_keys(rctx *c, const char *indent, bool guarded)
{
    const table *t = c->t;
    const char *sh = tvars_get(&c->base, "shadow");
    const char *shl = tvars_get(&c->base, "shadow_lit");
    strbuf sb = STRBUF_INIT;
    size_t nfin;
    const char **fin = final_names(c, &nfin); /* the primary key, the unique lists, the indexes */
    for (size_t i = 0; i < 1 + t->nunique; i++) {
        const char *name = names_shadow_of(c->a, t, fin[i]);
        const char *what = i == 0 ? "PRIMARY KEY" : "UNIQUE";
        const char *cols = key_columns(c, i == 0 ? &t->primary_key : &t->unique[i - 1]);
        const char *stmt = arena_printf(c->a, "ALTER TABLE %s ADD CONSTRAINT %s %s (%s);", sh, ident(c, name), what, cols);
        if (guarded)
            sb_addf(&sb,
                    "%sIF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k\n"
                    "%s               WHERE k.conrelid = %s::regclass AND k.conname = %s) THEN\n"
                    "%s    %s\n"
                    "%sEND IF;\n",
                    indent, indent, shl, lit(c, name), indent, stmt, indent);
        else
            sb_addf(&sb, "%s%s\n", indent, stmt);
    }
    if (guarded)
        for (size_t i = 0; i < t->nindexes; i++)
            sb_addf(&sb, "%s%s", indent,
                    index_statement(c, i, sh, names_shadow_of(c->a, t, fin[1 + t->nunique + i]), true));
    const char *r = arena_strdup(c->a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

/* ",\n    CONSTRAINT ... PRIMARY KEY (...)" and the unique lists, for the
 * shadow's CREATE TABLE: keys of a new table, declared with it. */
static const char *shadow_inline_keys(rctx *c)
{
    const table *t = c->t;
    strbuf sb = STRBUF_INIT;
    size_t nfin;
    const char **fin = final_names(c, &nfin); /* the primary key, the unique lists, the indexes */
    for (size_t i = 0; i < 1 + t->nunique; i++)
        sb_addf(&sb, ",\n    CONSTRAINT %s %s (%s)", ident(c, names_shadow_of(c->a, t, fin[i])),
                i == 0 ? "PRIMARY KEY" : "UNIQUE", key_columns(c, i == 0 ? &t->primary_key : &t->unique[i - 1]));
    const char *r = arena_strdup(c->a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

static const char *shadow_drop_keys(rctx *c, const char *indent)
{
    const table *t = c->t;
    const char *sh = tvars_get(&c->base, "shadow");
    strbuf sb = STRBUF_INIT;
    size_t nfin;
    const char **fin = final_names(c, &nfin); /* the primary key, the unique lists, the indexes */
    for (size_t i = 1 + t->nunique; i < nfin; i++)
        sb_addf(&sb, "%sDROP INDEX IF EXISTS %s;\n", indent, qual(c, names_shadow_of(c->a, t, fin[i])));
    for (size_t i = 0; i < 1 + t->nunique; i++)
        sb_addf(&sb, "%sALTER TABLE %s DROP CONSTRAINT IF EXISTS %s;\n", indent, sh,
                ident(c, names_shadow_of(c->a, t, fin[i])));
    const char *r = arena_strdup(c->a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

/* The check that a and b (literals of relation names) have the same columns. */
static const char *same_columns(rctx *c, const char *a_lit, const char *b_lit, const char *since, const char *hint)
{
    tvars *tv = vars(c);
    tvars_set(tv, "a_lit", a_lit);
    tvars_set(tv, "b_lit", b_lit);
    tvars_set(tv, "since", since);
    tvars_set(tv, "hint", lit(c, hint));
    return expand(c, "same_columns", tv);
}

static void convert_vars(rctx *c)
{
    const table *t = c->t;
    arena *a = c->a;
    tvars *b = &c->base;
    const char *shadow = names_shadow(a, t), *old = names_old(a, t);
    tvars_set(b, "name", ident(c, t->name.s));
    tvars_set(b, "shadow", qual(c, shadow));
    tvars_set(b, "shadow_lit", lit(c, qual(c, shadow)));
    tvars_set(b, "shadow_name", ident(c, shadow));
    tvars_set(b, "old", qual(c, old));
    tvars_set(b, "old_lit", lit(c, qual(c, old)));
    tvars_set(b, "old_name", ident(c, old));
    tvars_set(b, "old_suffix_lit", lit(c, t->migrate.old_suffix.s));
    tvars_set(b, "shadow_suffix_lit", lit(c, t->migrate.shadow_suffix.s));
    for (size_t i = 0; i < names_nconv_objects; i++) {
        const conv_object *o = &names_conv_objects[i];
        const char *q = qual(c, names_conv(a, t, o->suffix));
        tvars_set(b, o->var, q);
        tvars_set(b, arena_printf(a, "%s_lit", o->var), lit(c, q));
    }
    slist lc = log_columns(c);
    tvars_set(b, "log_cols", ident_list(c, &lc));
    tvars_set(b, "ident_cols", ident_list(c, &t->primary_key));
    tvars_set(b, "match_x_o", match(c, &lc, "x", "o"));
    tvars_set(b, "ident_x_u", ident_in_done(c, &t->primary_key, "x"));
    tvars_set(b, "ident_x_old", match(c, &t->primary_key, "x", "OLD"));
    tvars_set(b, "ident_match_l_o", match(c, &t->primary_key, "l", "o"));
    tvars_set(b, "ident_o_u", ident_in_done(c, &t->primary_key, "o"));
    tvars_set(b, "search_path_lit", lit(c, "pg_catalog, pg_temp"));
    tvars_set(b, "batch_size", arena_printf(a, "%lld", (long long)t->migrate.batch_size.v));
    tvars_set(b, "batch_pause", arena_printf(a, "%s::interval",
                                             lit(c, arena_printf(a, "%lld milliseconds",
                                                                 (long long)t->migrate.batch_pause_ms.v))));
    tvars_set(b, "statement_timeout_iv",
              arena_printf(a, "%s::interval",
                           lit(c, arena_printf(a, "%lld milliseconds",
                                               (long long)c->o->ss->settings.statement_timeout_ms.v))));
    int64_t lt = t->migrate.lock_timeout_ms.v >= 0 ? t->migrate.lock_timeout_ms.v : c->o->ss->settings.lock_timeout_ms.v;
    tvars_set(b, "migrate_lock_timeout", lit(c, arena_printf(a, "%lldms", (long long)lt)));
    tvars_set(b, "keep_old", dur_lit(c, t->migrate.keep_old.v));
}

/* ---- per-table values ---------------------------------------------------- */

static const char *search_path(rctx *c)
{
    const char *schema = c->t->schema.s;
    if (strcmp(schema, "public") == 0)
        return "pg_catalog, public, pg_temp";
    return arena_printf(c->a, "pg_catalog, %s, public, pg_temp", ident(c, schema));
}

static const char *job_command(rctx *c, bool create_only)
{
    const table *t = c->t;
    strbuf sb = STRBUF_INIT;
    if (t->strategy.v == STRATEGY_PARTITION)
        sb_addf(&sb, "SELECT %s();", qual(c, names_fn_create_partitions(c->a, t)));
    if (t->retention.present && !create_only)
        sb_addf(&sb, "%sSELECT %s();", sb.len ? " " : "", qual(c, names_fn_apply_retention(c->a, t)));
    const char *r = arena_strdup(c->a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

static void base_vars(rctx *c)
{
    const table *t = c->t;
    arena *a = c->a;
    tvars *b = &c->base;
    tvars_init(b, a);
    const char *table_q = qual(c, t->name.s);
    tvars_set(b, "table", table_q);
    tvars_set(b, "table_lit", lit(c, table_q));
    tvars_set(b, "schema", ident(c, t->schema.s));
    tvars_set(b, "schema_lit", lit(c, t->schema.s));
    /* maintenance functions reference everything schema-qualified: only
     * pg_catalog is searched, so nothing can be planted in their path */
    tvars_set(b, "search_path", "pg_catalog, pg_temp");
    /* policy expressions of the spec may name objects of the table's schema
     * or public, as they do on the parent */
    tvars_set(b, "policy_search_path", search_path(c));
    tvars_set(b, "lock_timeout",
              lit(c, arena_printf(a, "%lldms", (long long)c->o->ss->settings.lock_timeout_ms.v)));
    /* what the maintenance functions make others wait, per lock attempt,
     * whatever settings.lock_timeout (unless that is shorter) */
    int64_t mlt = c->o->ss->settings.lock_timeout_ms.v;
    tvars_set(b, "maint_lock_timeout", lit(c, arena_printf(a, "%lldms", (long long)(mlt > 0 && mlt < 50 ? mlt : 50))));
    tvars_set(b, "fn_secure", qual(c, names_fn_secure_partition(a, t)));
    tvars_set(b, "fn_create", qual(c, names_fn_create_partitions(a, t)));
    tvars_set(b, "fn_retention", qual(c, names_fn_apply_retention(a, t)));
    /* DETACH ... CONCURRENTLY needs PostgreSQL 14 and no default partition;
     * the suffix is as long as _create_partitions, whose length validate
     * checks, so the name fits in 63 bytes too */
    if (t->retention.present && t->retention.action.v != RET_DELETE && t->part.present &&
        !t->part.default_partition.v && c->o->ss->settings.postgres.v >= 14)
        tvars_set(b, "fn_statements", qual(c, arena_printf(a, "%s_retire_statements", t->name.s)));
    tvars_set(b, "fn_health", qual(c, names_fn_health(a, t)));
    tvars_set(b, "view_health", qual(c, names_view_health(a, t)));
    tvars_set(b, "archive_schema", ident(c, t->retention.archive_schema.s));
    tvars_set(b, "archive_schema_lit", lit(c, t->retention.archive_schema.s));
    tvars_set(b, "job_lit", lit(c, names_cron_job(a, t, "maintain")));
    if (t->part.present) {
        tvars_set(b, "key", ident(c, t->part.key.s));
        tvars_set(b, "key_lit", lit(c, t->part.key.s));
    }
    if (t->mode.v == MODE_CONVERT && t->part.present && t->primary_key.present)
        convert_vars(c);
}

/* Text for an SQL comment: control characters become '?'. */
static const char *one_line(rctx *c, const char *s)
{
    char *r = arena_strdup(c->a, s);
    for (char *p = r; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    return r;
}

/* ---- steps --------------------------------------------------------------- */

static void index_vars(rctx *c, tvars *tv, size_t i, const char *rel, const char *name, bool if_not_exists)
{
    const index *ix = &c->t->indexes[i];
    tvars_set(tv, "table", rel);
    tvars_set(tv, "unique", ix->unique.v ? "UNIQUE " : "");
    tvars_set(tv, "if_not_exists", if_not_exists ? "IF NOT EXISTS " : "");
    tvars_set(tv, "index", ident(c, name));
    tvars_set(tv, "method", ix->using.s ? ix->using.s : "btree");
    tvars_set(tv, "columns", index_columns(c, ix));
    tvars_set(tv, "include", ix->include.n ? arena_printf(c->a, " INCLUDE (%s)", ident_list(c, &ix->include)) : "");
    tvars_set(tv, "where", ix->where.s ? arena_printf(c->a, " WHERE (%s)", ix->where.s) : "");
}

static const char *index_statement(rctx *c, size_t i, const char *rel, const char *name, bool if_not_exists)
{
    tvars *tv = vars(c);
    index_vars(c, tv, i, rel, name, if_not_exists);
    return expand(c, "create_index", tv);
}

static const char *render_step(rctx *c, const step *s)
{
    const table *t = c->t;
    arena *a = c->a;
    tvars *tv = vars(c);
    const char *k = s->kind;

    if (s->rel != REL_TABLE) {
        const char *rel = tvars_get(&c->base, s->rel == REL_SHADOW ? "shadow" : "old");
        tvars_set(tv, "table", rel);
        tvars_set(tv, "table_lit", lit(c, rel));
    }

    if (!strcmp(k, "create_schema") || !strcmp(k, "drop_schema")) {
        const char *schema = s->item == 1 ? t->retention.archive_schema.s : t->schema.s;
        tvars_set(tv, "target_schema", ident(c, schema));
        tvars_set(tv, "target_schema_lit", lit(c, schema));
    } else if (!strcmp(k, "create_parent") || !strcmp(k, "create_table")) {
        tvars_set(tv, "definition", definition(c));
    } else if (!strcmp(k, "create_partition")) {
        tvars_set(tv, "partition", qual(c, names_partition(a, t, s->lo)));
        tvars_set(tv, "from", bound_lit(c, s->lo));
        tvars_set(tv, "to", bound_lit(c, s->hi));
    } else if (!strcmp(k, "create_default_partition")) {
        tvars_set(tv, "partition", qual(c, names_default_partition(a, t)));
    } else if (!strcmp(k, "secure_partition")) {
        const char *name = s->lo || s->hi ? names_partition(a, t, s->lo) : names_default_partition(a, t);
        tvars_set(tv, "partition_lit", lit(c, qual(c, name)));
    } else if (!strcmp(k, "secure_table")) {
        size_t n;
        const char **stmts = security_statements(c, tvars_get(tv, "table") ? tvars_get(tv, "table") : qual(c, t->name.s), &n);
        strbuf sb = STRBUF_INIT;
        for (size_t i = 0; i < n; i++)
            sb_puts(&sb, stmts[i]);
        /* the template adds its own final newline */
        if (sb.len && sb.buf[sb.len - 1] == '\n')
            sb.buf[--sb.len] = '\0';
        tvars_set(tv, "statements", arena_strdup(a, sb_str(&sb)));
        sb_free(&sb);
    } else if (!strcmp(k, "secure_function")) {
        tvars_set(tv, "body", secure_body(c));
    } else if (!strcmp(k, "create_index")) {
        const char *name = t->indexes[s->item].gen_name;
        index_vars(c, tv, s->item, tvars_get(tv, "table") ? tvars_get(tv, "table") : tvars_get(&c->base, "table"),
                   s->rel == REL_SHADOW ? names_shadow_of(a, t, name) : name, false);
    } else if (!strcmp(k, "conv_preflight")) {
        tvars_set(tv, "spec_json", spec_json(c));
    } else if (!strcmp(k, "conv_shadow")) {
        tvars_set(tv, "keys", shadow_inline_keys(c));
    } else if (!strcmp(k, "conv_backfill")) {
        tvars_set(tv, "columns_check",
                  same_columns(c, tvars_get(&c->base, "table_lit"), tvars_get(&c->base, "shadow_lit"),
                               "during the conversion", "roll back the backfill and the prepare phase, and convert again"));
        tvars_set(tv, "build_keys", shadow_keys(c, "        ", true));
        tvars_set(tv, "drop_keys", shadow_drop_keys(c, "        "));
    } else if (!strcmp(k, "conv_swap") || !strcmp(k, "conv_unswap")) {
        bool swap = !strcmp(k, "conv_swap");
        tvars_set(tv, "columns_check",
                  swap ? same_columns(c, tvars_get(&c->base, "table_lit"), tvars_get(&c->base, "shadow_lit"),
                                      "during the conversion",
                                      "roll back the backfill and the prepare phase, and convert again")
                       : same_columns(c, tvars_get(&c->base, "table_lit"), tvars_get(&c->base, "old_lit"),
                                      "since the swap", "give both tables the same columns in the same order first"));
        const char *r = renames(c, swap);
        size_t len = strlen(r);
        tvars_set(tv, "renames", arena_strndup(a, r, len && r[len - 1] == '\n' ? len - 1 : len));
    } else if (!strcmp(k, "create_brin_index")) {
        tvars_set(tv, "index", ident(c, names_brin_index(a, t)));
    } else if (!strcmp(k, "add_foreign_key")) {
        const foreign_key *fk = &t->fks[s->item];
        const char *ref_schema = fk->ref ? fk->ref->schema.s : (fk->ref_schema.s ? fk->ref_schema.s : t->schema.s);
        tvars_set(tv, "constraint", ident(c, fk->gen_name));
        tvars_set(tv, "columns", ident_list(c, &fk->columns));
        tvars_set(tv, "ref_table", sql_qualified(a, ref_schema, fk->ref_table.s));
        tvars_set(tv, "ref_columns", ident_list(c, &fk->ref_columns));
        tvars_set(tv, "on_delete", fk_action_sql(fk->on_delete.v));
    } else if (!strcmp(k, "fn_create_partitions")) {
        cal_interval iv = t->part.interval.v;
        char start[23];
        cal_format_ts(t->part.start.v, start);
        tvars_set(tv, "trunc", lit(c, cal_interval_trunc(iv)));
        tvars_set(tv, "interval", lit(c, cal_interval_sql(iv)));
        tvars_set(tv, "start", lit(c, start));
        tvars_set(tv, "premake", arena_printf(a, "%d", t->part.premake.v));
        tvars_set(tv, "to_char", lit(c, names_pattern_to_char(a, t)));
        tvars_set(tv, "bound_format", bound_format(c));
        tvars_set(tv, "bounds", bounds_query(c, tv));
        const char *take = "", *ret = "", *sec = "";
        if (t->part.default_partition.v) {
            tvars *dv = vars(c);
            tvars_set(dv, "default_lit", lit(c, qual(c, names_default_partition(a, t))));
            tvars *rv = vars(c);
            tvars_set(rv, "default_lit", tvars_get(dv, "default_lit"));
            tvars_set(dv, "unforce", t->security.rls.v ? expand(c, "default_unforce", dv) : "");
            tvars_set(rv, "reforce", t->security.rls.v ? expand(c, "default_reforce", rv) : "");
            take = expand(c, "default_take", dv);
            ret = expand(c, "default_return", rv);
        }
        if (table_has_security(t))
            sec = expand(c, "secure_stmt", vars(c));
        tvars_set(tv, "attempt_begin", expand(c, "attempt_begin", vars(c)));
        tvars_set(tv, "attempt_end", expand(c, "attempt_end", vars(c)));
        tvars_set(tv, "default_take", take);
        tvars_set(tv, "default_return", ret);
        tvars_set(tv, "secure_stmt", sec);
        /* v_rel names the new partition for the steps that use it, and only then */
        bool rel = *take || *sec;
        tvars_set(tv, "rel_decl", rel ? "    v_rel     regclass;\n" : "");
        tvars_set(tv, "rel_assign", rel ? arena_printf(a, "                v_rel := format('%%I.%%I', %s, v_name)::regclass;\n",
                                                       lit(c, t->schema.s)) : "");
    } else if (!strcmp(k, "fn_partition_health")) {
        tvars_set(tv, "bounds", bounds_query(c, tv));
        tvars_set(tv, "warn", dur_lit(c, t->maintenance.warn_ahead.v));
        tvars_set(tv, "critical", dur_lit(c, t->maintenance.critical_ahead.v));
    } else if (!strcmp(k, "fn_retention_partitions")) {
        const retention_spec *r = &t->retention;
        tvars *ev = vars(c);
        tvars_set(ev, "keep", dur_lit(c, r->keep.v));
        tvars_set(ev, "protect", arena_printf(a, "%d", r->protect.v));
        tvars_set(ev, "bounds", bounds_query(c, tv));
        tvars_set(ev, "pending", c->o->ss->settings.postgres.v >= 14
                                     ? "(SELECT i.inhdetachpending FROM pg_catalog.pg_inherits i WHERE i.inhrelid = b.part)"
                                     : "false");
        const char *eligible = expand(c, "retention_eligible", ev);
        size_t elen = strlen(eligible);
        tvars_set(tv, "eligible", arena_strndup(a, eligible, elen && eligible[elen - 1] == '\n' ? elen - 1 : elen));
        tvars_set(tv, "keep", tvars_get(ev, "keep"));
        tvars_set(tv, "protect", tvars_get(ev, "protect"));
        tvars_set(tv, "action", retention_action_name(r->action.v));
        tvars_set(tv, "attempt_begin", expand(c, "attempt_begin", vars(c)));
        tvars_set(tv, "attempt_end", expand(c, "attempt_end", vars(c)));
        const char *retire = expand(c, r->action.v == RET_DROP     ? "retire_drop"
                                       : r->action.v == RET_DETACH ? "retire_detach"
                                                                 : "retire_archive",
                                    vars(c));
        size_t rlen = strlen(retire);
        tvars_set(tv, "retire", arena_strndup(a, retire, rlen && retire[rlen - 1] == '\n' ? rlen - 1 : rlen));
        if (tvars_get(&c->base, "fn_statements")) {
            /* a statement of its own, after the function it stands in for */
            tvars *sv = vars(c);
            tvars_set(sv, "eligible", tvars_get(tv, "eligible"));
            tvars_set(sv, "retire", tvars_get(tv, "retire"));
            tvars_set(sv, "fn_retention_lit", lit(c, tvars_get(&c->base, "fn_retention")));
            const char *fn = expand(c, k, tv);
            return arena_printf(a, "%s\n%s", fn, expand(c, "fn_retire_statements", sv));
        }
    } else if (!strcmp(k, "fn_retention_delete")) {
        const retention_spec *r = &t->retention;
        tvars_set(tv, "column", ident(c, r->column.s));
        tvars_set(tv, "batch_size", arena_printf(a, "%lld", (long long)r->batch_size.v));
        /* keep 0: what has expired by p_now goes, p_now included */
        bool expiry = r->keep.v.n == 0;
        tvars_set(tv, "older", expiry ? "has passed (at or before p_now)"
                                      : arena_printf(a, "is older than p_now - %s", dur_lit(c, r->keep.v)));
        tvars_set(tv, "before", expiry ? "<=" : "<");
        const char *cutoff = expiry ? "p_now" : arena_printf(a, "p_now - %s::interval", dur_lit(c, r->keep.v));
        if (t->part.present && r->protect.v > 0)
            /* never the current range nor the protect-1 before it */
            cutoff = arena_printf(a, "least(%s, date_trunc(%s, p_now) - %d * %s::interval)", cutoff,
                                  lit(c, cal_interval_trunc(t->part.interval.v)), r->protect.v - 1,
                                  lit(c, cal_interval_sql(t->part.interval.v)));
        tvars_set(tv, "cutoff", cutoff);
    } else if (!strcmp(k, "schedule")) {
        tvars_set(tv, "schedule_lit", lit(c, t->maintenance.schedule.s));
        tvars_set(tv, "command_lit", lit(c, job_command(c, s->item == 1)));
    } else if (!strcmp(k, "drop_fn_retention")) {
        tvars_set(tv, "retention_args",
                  t->retention.action.v == RET_DELETE ? "timestamptz, integer" : "timestamptz");
        tvars_set(tv, "drop_statements",
                  tvars_get(&c->base, "fn_statements") ? expand(c, "drop_fn_retire_statements", vars(c)) : "");
    }
    return expand(c, k, tv);
}

static void render_steps(rctx *c, const migration *m, const step *steps, size_t n,
                         const char *direction, bool in_tx, bool wrap, strbuf *out)
{
    tvars *hv = vars(c);
    tvars_set(hv, "title", one_line(c, arena_printf(c->a, "%s %s.%s", m->phase, c->t->schema.s, c->t->name.s)));
    /* no file name: renaming or moving a spec file changes no migration */
    tvars_set(hv, "direction", direction);
    sb_puts(out, expand(c, "file_header", hv));
    if (!in_tx)
        sb_puts(out, "-- It runs outside a transaction block, so it is the only statement of its file.\n");
    bool tx = wrap && in_tx;
    int64_t lt = m->lock_timeout_ms >= 0 ? m->lock_timeout_ms : c->o->ss->settings.lock_timeout_ms.v;
    if (tx)
        sb_puts(out, "\nBEGIN;\n");
    if (in_tx)
        sb_addf(out, "\nSET LOCAL lock_timeout = %s;\nSET LOCAL statement_timeout = %s;\n",
                lit(c, arena_printf(c->a, "%lldms", (long long)lt)),
                lit(c, arena_printf(c->a, "%lldms", (long long)c->o->ss->settings.statement_timeout_ms.v)));
    const char *prev = NULL;
    for (size_t i = 0; i < n; i++) {
        const step *s = &steps[i];
        /* one heading per run of steps of a kind; a partition and its
         * security are one run */
        const char *group = strcmp(s->kind, "secure_partition") == 0 && prev ? prev : s->kind;
        if (!prev || strcmp(prev, group) != 0) {
            bool run = i + 1 < n && strcmp(steps[i + 1].kind, s->kind) == 0;
            if (strcmp(group, "create_partition") == 0)
                sb_puts(out, "\n-- partitions planned through the --as-of range plus premake;\n"
                             "-- the maintenance function creates the others\n");
            else if (run && strcmp(group, "create_index") == 0)
                sb_puts(out, c->t->strategy.v == STRATEGY_PARTITION
                                 ? "\n-- indexes (PostgreSQL builds each on every partition too)\n"
                                 : "\n-- indexes\n");
            else if (run && strcmp(group, "add_foreign_key") == 0)
                sb_puts(out, "\n-- foreign keys\n");
            else
                sb_addf(out, "\n-- %s\n", one_line(c, s->summary));
        }
        sb_puts(out, render_step(c, s));
        prev = group;
    }
    if (tx)
        sb_puts(out, "\nCOMMIT;\n");
}

int render_migration(const migration *m, const template_set *ts, const render_opts *o,
                     arena *a, strbuf *up, strbuf *down, diags *d)
{
    /* every value and expansion is scratch: the SQL goes to up and down,
     * diags copy what they keep, so a spec set of thousands of tables does
     * not keep every intermediate string of every migration in a */
    (void)a;
    arena *scratch = arena_new();
    rctx c = {.a = scratch, .ts = ts, .o = o, .d = d, .t = m->t, .rc = 0};
    base_vars(&c);
    render_steps(&c, m, m->up, m->nup, "up", m->in_tx, o->wrap_tx, up);
    render_steps(&c, m, m->down, m->ndown, "down", m->down_in_tx, o->wrap_down_tx, down);
    arena_free(scratch);
    return c.rc;
}
