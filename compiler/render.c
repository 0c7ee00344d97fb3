/* render: steps -> SQL text through the templates.
 *
 * The table of step kinds (from steps.def) says which template a step
 * expands and which function gives its values; render_step is a lookup in
 * it, and checks that the function gave exactly the names its row declares.
 * The values every template of a table may use (names, literals, search
 * path, timeouts) are made once per table here; the values of each kind are
 * render_values.c's.  Templates never quote: values arrive quoted. */
#include "render.h"

#include <string.h>

#include "format.h"
#include "names.h"
#include "render_internal.h"
#include "sqlquote.h"

/* ---- small text helpers ------------------------------------------------ */

const char *ident(rctx *c, const char *s)
{
    return sql_ident(c->a, s);
}

const char *lit(rctx *c, const char *s)
{
    return sql_literal(c->a, s);
}

const char *qual(rctx *c, const char *name)
{
    return sql_qualified(c->a, c->t->schema.s, name);
}

const char *ident_list(rctx *c, const slist *l)
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
const char *qualified_name(rctx *c, const char *s)
{
    const char *dot = strchr(s, '.');
    if (!dot)
        return ident(c, s);
    return sql_qualified(c->a, arena_strndup(c->a, s, (size_t)(dot - s)), dot + 1);
}

/* Index columns: a column or an (expression), then COLLATE, the operator
 * class, ASC/DESC and NULLS FIRST/LAST as the spec says. */
const char *index_columns(rctx *c, const index *ix)
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

const char *dur_lit(rctx *c, duration du)
{
    return lit(c, fmt_duration(c->a, du));
}

/* How bounds of the partition key are written, by the key's type. */

key_kind key_type(arena *a, const table *t)
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

const char *bound_lit(rctx *c, int64_t t)
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

/* The to_char format the runtime writes a bound of the key's type with. */
const char *bound_format_text(rctx *c)
{
    switch (key_type(c->a, c->t)) {
    case KEY_DATE: return "YYYY-MM-DD";
    case KEY_TIMESTAMP: return "YYYY-MM-DD HH24:MI:SS";
    default: return "YYYY-MM-DD HH24:MI:SS\"+00\"";
    }
}

/* A dollar-quote tag that occurs in none of the values nor the template. */
const char *pick_tag(rctx *c, const tvars *tv, const char *kind)
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
const char *expand(rctx *c, const char *kind, tvars *tv)
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

tvars *vars(rctx *c)
{
    tvars *tv = arena_alloc(c->a, sizeof *tv);
    tvars_init(tv, c->a);
    return tv;
}

/* ---- per-table values ---------------------------------------------------- */

const char *search_path(rctx *c)
{
    const char *schema = c->t->schema.s;
    if (strcmp(schema, "public") == 0)
        return "pg_catalog, public, pg_temp";
    return arena_printf(c->a, "pg_catalog, %s, public, pg_temp", ident(c, schema));
}

/* The runtime's schema, for the runtime's migration and every table's. */
static void runtime_vars(rctx *c)
{
    const char *rt = c->o->ss->settings.runtime_schema.s;
    tvars_set(&c->base, "rt", ident(c, rt));
    tvars_set(&c->base, "rt_lit", lit(c, rt));
}

static void base_vars(rctx *c)
{
    const table *t = c->t;
    arena *a = c->a;
    tvars *b = &c->base;
    tvars_init(b, a);
    runtime_vars(c);
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
    tvars_set(b, "table_name_lit", lit(c, t->name.s));
    tvars_set(b, "archive_schema", ident(c, t->retention.archive_schema.s));
    tvars_set(b, "archive_schema_lit", lit(c, t->retention.archive_schema.s));
    if (t->part.present) {
        tvars_set(b, "key", ident(c, t->part.key.s));
        tvars_set(b, "key_lit", lit(c, t->part.key.s));
    }
    if (t->mode.v == MODE_CONVERT && t->part.present && t->primary_key.present)
        convert_vars(c);
}

/* Text for an SQL comment: control characters become '?'. */
const char *one_line(rctx *c, const char *s)
{
    char *r = arena_strdup(c->a, s);
    for (char *p = r; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    return r;
}

/* ---- the table of step kinds -------------------------------------------- */

/* A step kind: its template, the function that gives its values (it may
 * return the whole text instead, or NULL to expand the template), and the
 * names it gives. */
typedef struct step_row {
    const char *template;
    const char *(*values)(rctx *c, const step *s, tvars *tv);
    const char *gives;
} step_row;



static const step_row step_rows[] = {
#define STEP(K, T, F, G) [STEP_##K] = {.template = #T, .values = F, .gives = G},
#define SUB(T, G)
#define BASE(B)
#include "steps.def"
#undef STEP
#undef SUB
#undef BASE
};

const char *step_template(step_kind k)
{
    return step_rows[k].template;
}

static const char base_names[] =
#define STEP(K, T, F, G)
#define SUB(T, G)
#define BASE(B) B
#include "steps.def"
#undef STEP
#undef SUB
#undef BASE
    ;

/* Is name a word of the space-separated list? */
static bool listed(const char *list, const char *name)
{
    size_t len = strlen(name);
    for (const char *p = list; *p;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n == len && strncmp(p, name, len) == 0)
            return true;
        p += n;
    }
    return false;
}

/* The values a step's function set (those after the first own) are the
 * ones its row declares (the build proves the row agrees with the
 * template): a difference is a defect of partc, reported as an error so
 * that no file is written.  Every golden case and out/ render through it. */
static void check_gives(rctx *c, const step_row *row, const tvars *tv, size_t own)
{
    for (size_t i = own; i < tv->n; i++)
        if (!listed(row->gives, tv->names[i]) && !listed(base_names, tv->names[i])) {
            diag_add(c->d, SEV_ERROR, "internal", (srcloc){0}, "a defect of partc: please report it",
                     "step %s sets '%s', which compiler/steps.def does not declare", row->template, tv->names[i]);
            c->rc = -1;
        }
    for (const char *g = row->gives; *g;) {
        while (*g == ' ')
            g++;
        size_t n = strcspn(g, " ");
        if (n && !tvars_get_n(tv, g, n)) {
            diag_add(c->d, SEV_ERROR, "internal", (srcloc){0}, "a defect of partc: please report it",
                     "step %s does not set '%.*s', which compiler/steps.def declares", row->template, (int)n, g);
            c->rc = -1;
        }
        g += n;
    }
}

static const char *render_step(rctx *c, const step *s)
{
    const step_row *row = &step_rows[s->kind];
    tvars *tv = vars(c);
    if (s->rel != REL_TABLE) {
        const char *rel = tvars_get(&c->base, s->rel == REL_SHADOW ? "shadow" : "old");
        tvars_set(tv, "table", rel);
        tvars_set(tv, "table_lit", lit(c, rel));
    }
    size_t own = tv->n; /* the names set before: the relation of the step */
    const char *text = row->values(c, s, tv);
    check_gives(c, row, tv, own);
    return text ? text : expand(c, row->template, tv);
}

/* text as comment lines of at most 100 bytes, the first starting with
 * lead, the others indented by two spaces. */
static const char *comment_lines(rctx *c, const char *lead, const char *text)
{
    strbuf sb = STRBUF_INIT;
    size_t col = 0;
    const char *p = text;
    sb_puts(&sb, "--");
    if (*lead)
        sb_addf(&sb, " %s", lead);
    col = 2 + (*lead ? 1 + strlen(lead) : 0);
    while (*p) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (!n)
            break;
        if (col > 5 && col + 1 + n > 100) {
            sb_puts(&sb, "\n--  ");
            col = 4;
        }
        sb_addc(&sb, ' ');
        sb_addf(&sb, "%.*s", (int)n, p);
        col += 1 + n;
        p += n;
    }
    sb_addc(&sb, '\n');
    const char *r = arena_strdup(c->a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

/* The locks the steps take, each once, in the order they take them. */
static const char *lock_lines(rctx *c, const step *steps, size_t n, bool in_tx, const char *lt)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const char *l = steps[i].lock;
        if (!l || strcmp(l, "none") == 0)
            continue;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = steps[j].lock && strcmp(steps[j].lock, l) == 0;
        if (!seen)
            sb_puts(&sb, comment_lines(c, " ", one_line(c, l)));
    }
    const char *r;
    if (!sb.len)
        r = "-- Locks: none that others wait for.\n";
    else
        r = arena_printf(c->a, "-- Locks, each waited for at most lock_timeout %s and held %s:\n%s", lt,
                         in_tx ? "until the COMMIT" : "by its own statement or batch", sb_str(&sb));
    sb_free(&sb);
    return r;
}

static void render_steps(rctx *c, const migration *m, const step *steps, size_t n,
                         const char *direction, bool in_tx, bool wrap, strbuf *out)
{
    bool up = strcmp(direction, "up") == 0;
    int64_t lt = m->lock_timeout_ms >= 0 ? m->lock_timeout_ms : c->o->ss->settings.lock_timeout_ms.v;
    const char *lt_text = arena_printf(c->a, "%lldms", (long long)lt);
    int64_t st = c->o->ss->settings.statement_timeout_ms.v;
    tvars *hv = vars(c);
    tvars_set(hv, "title", one_line(c, c->t ? arena_printf(c->a, "%s %s.%s", m->phase, c->t->schema.s, c->t->name.s)
                                            : arena_printf(c->a, "partc runtime %d in schema %s",
                                                           plan_runtime_version_of(m->name),
                                                           c->o->ss->settings.runtime_schema.s)));
    /* no file name: renaming or moving a spec file changes no migration */
    tvars_set(hv, "direction", direction);
    tvars_set(hv, "about", comment_lines(c, "What it does:", one_line(c, up ? m->about : m->undo)));
    tvars_set(hv, "locks", lock_lines(c, steps, n, in_tx, lt_text));
    tvars_set(hv, "transaction",
              in_tx ? comment_lines(c, "Transaction:",
                                    arena_printf(c->a, "one%s; lock_timeout %s, statement_timeout %s.",
                                                 wrap ? " (BEGIN ... COMMIT below)" : ", the runner's", lt_text,
                                                 st > 0 ? arena_printf(c->a, "%lldms", (long long)st) : "none"))
                    : "-- Transaction: none; it runs outside a transaction block, so it is the only statement of its file.\n");
    tvars_set(hv, "rollback", up ? comment_lines(c, "Roll back: its down migration", one_line(c, m->undo))
                                 : "-- Redo: apply the up migration again.\n");
    sb_puts(out, expand(c, "file_header", hv));
    bool tx = wrap && in_tx;
    if (tx)
        sb_puts(out, "\nBEGIN;\n");
    if (in_tx)
        sb_addf(out, "\nSET LOCAL lock_timeout = %s;\nSET LOCAL statement_timeout = %s;\n", lit(c, lt_text),
                lit(c, arena_printf(c->a, "%lldms", (long long)st)));
    step_kind prev = STEP_NKINDS;
    for (size_t i = 0; i < n; i++) {
        const step *s = &steps[i];
        /* one heading per run of steps of a kind */
        step_kind group = s->kind;
        if (i == 0 || prev != group) {
            bool run = i + 1 < n && steps[i + 1].kind == s->kind;
            if (group == STEP_CREATE_PARTITION)
                sb_puts(out, "\n-- partitions planned through the --as-of range plus premake;\n"
                             "-- the runtime's maintenance creates the others\n");
            else if (run && group == STEP_CREATE_INDEX)
                sb_puts(out, c->t->strategy.v == STRATEGY_PARTITION
                                 ? "\n-- indexes (PostgreSQL builds each on every partition too)\n"
                                 : "\n-- indexes\n");
            else if (run && group == STEP_ADD_FOREIGN_KEY)
                sb_puts(out, "\n-- foreign keys\n");
            else if (run && group == STEP_ALTER_COLUMN)
                sb_puts(out, "\n-- columns changed (the catalog only: no row is rewritten)\n");
            else if (run && group == STEP_ADD_COLUMN)
                sb_puts(out, "\n-- columns added (the catalog only: a constant default is stored once)\n");
            else if (run && group == STEP_DROP_COLUMN)
                sb_puts(out, "\n-- columns dropped, with their values\n");
            else {
                sb_addc(out, '\n');
                sb_puts(out, comment_lines(c, "", one_line(c, s->summary)));
            }
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
    if (m->kept) {
        /* carried as partc.lock records it: emit reads the files */
        arena_free(scratch);
        return 0;
    }
    if (m->t)
        base_vars(&c);
    else {
        tvars_init(&c.base, scratch);
        runtime_vars(&c);
    }
    render_steps(&c, m, m->up, m->nup, "up", m->in_tx, o->wrap_tx, up);
    render_steps(&c, m, m->down, m->ndown, "down", m->down_in_tx, o->wrap_down_tx, down);
    arena_free(scratch);
    return c.rc;
}

