/* spec_fields: reading YAML mappings against the rows of the spec schema.
 *
 * A section (the top of a file, settings, a table, partition, retention...)
 * is an array of rows; load_fields reads a YAML mapping against it: unknown
 * and duplicate keys, then each row's value in row order (the order of the
 * errors a file gets), missing required keys, and the locations of the
 * values that are not given (the section's own).  Values whose shape is their
 * own (columns, indexes, foreign keys, policies, grants, lint.allow) are read
 * by the functions at the end of this file, which use the rows of their
 * items in the same way. */
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "spec_internal.h"
#include "spec_schema.h"

/* ------------------------------------------------------------ one value */

static void set_at(void *base, size_t off, srcloc at)
{
    if (off)
        memcpy((char *)base + off - 1, &at, sizeof at);
}

static void set_flag(void *base, size_t off)
{
    if (off)
        *(bool *)((char *)base + off - 1) = true;
}

/* Where a row's value keeps its location: its own field, or inside it. */
/* The kinds whose value is LOCATED (model.h): location, given, value. */
static bool located(key_kind k)
{
    return k != K_NAME && k != K_TEXT && k != K_WORD && k != K_NAMES && k != K_SECTION && k != K_CUSTOM;
}

static size_t at_of(const spec_key *k)
{
    switch (k->kind) {
    case K_NAME:
    case K_TEXT:
    case K_WORD: return k->off + offsetof(sval, at) + 1;
    case K_NAMES: return k->off + offsetof(slist, at) + 1;
    case K_SECTION:
    case K_CUSTOM: return k->at_off;
    default: return k->off + offsetof(sbool, at) + 1; /* every LOCATED value */
    }
}

/* Where a LOCATED value of kind k keeps its value, from the start of it. */
static size_t value_of(key_kind k)
{
    switch (k) {
    case K_BOOL:
    case K_NOT: return offsetof(sbool, v);
    case K_INT32: return offsetof(sint32, v);
    case K_ENUM: return offsetof(smode, v);
    case K_DURATION: return offsetof(sdur, v);
    default: return offsetof(sint, v);
    }
}

/* Reads v into base as row k says; false after reporting an error. */
static bool load_value(ld *L, const spec_key *k, void *base, ynode *keynode, ynode *v)
{
    char *p = (char *)base + k->off;
    if (k->kind == K_SECTION) {
        k->load(L, p, keynode, v);
        return true;
    }
    if (k->kind == K_CUSTOM) {
        k->load(L, base, keynode, v);
        return true;
    }
    int i = 0;
    switch (k->kind) {
    case K_NAME: return get_str(L, v, k->key, W_NAME, (sval *)p);
    case K_TEXT: return get_str(L, v, k->key, k->what, (sval *)p);
    case K_WORD:
        if (!get_enum(L, v, k->key, k->values, &i, NULL))
            return false;
        ((sval *)p)->s = k->values[i];
        ((sval *)p)->at = v->at;
        return true;
    case K_NAMES: return get_list(L, v, k->key, k->what ? k->what : W_NAME, (size_t)k->hi, (slist *)p);
    default: break;
    }
    /* a LOCATED value: its location, whether given, the value */
    srcloc *at = &((sbool *)p)->at;
    void *val = p + value_of(k->kind);
    bool ok = false, b = false;
    int64_t x = 0;
    switch (k->kind) {
    case K_BOOL: ok = get_bool(L, v, k->key, val, at); break;
    case K_NOT:
        if ((ok = get_bool(L, v, k->key, &b, at)))
            *(bool *)val = !b;
        break;
    case K_INT: ok = get_int(L, v, k->key, k->lo, k->hi, val, at); break;
    case K_INT32:
        if ((ok = get_int(L, v, k->key, k->lo, k->hi, &x, at)))
            *(int *)val = (int)x;
        break;
    case K_ENUM:
        if ((ok = get_enum(L, v, k->key, k->values, &i, at))) {
            i += k->base;
            memcpy(val, &i, sizeof i);
        }
        break;
    case K_DURATION: ok = get_duration_z(L, v, k->key, k->lo == 0, val, at); break;
    case K_TIMEOUT: ok = get_timeout(L, v, k->key, val, at); break;
    case K_DATE: ok = get_instant(L, v, k->key, val, at); break;
    default: break;
    }
    if (ok)
        ((sbool *)p)->given = true;
    return ok;
}

/* --------------------------------------------------------------- defaults */

void set_default(ld *L, const spec_key *k, void *base)
{
    if (!k->def)
        return;
    ynode v = {.kind = YN_SCALAR, .text = k->def, .len = strlen(k->def), .plain = true};
    srcloc keep;
    size_t aoff = at_of(k);
    if (aoff)
        memcpy(&keep, (char *)base + aoff - 1, sizeof keep);
    load_value(L, k, base, NULL, &v);
    if (aoff)
        memcpy((char *)base + aoff - 1, &keep, sizeof keep);
    if (located(k->kind))
        ((sbool *)((char *)base + k->off))->given = false; /* a default is not given */
}

static void section_defaults(ld *L, const spec_section *s, void *base)
{
    for (size_t i = 0; i < s->nkeys; i++) {
        const spec_key *k = &s->keys[i];
        if (k->kind == K_SECTION)
            section_defaults(L, k->sub, (char *)base + k->off);
        else
            set_default(L, k, base);
    }
}

/* Defaults never fail (a unit test loads each); a loader state for them. */
void defaults_of(arena *a, const spec_section *s, void *base)
{
    diags d;
    diags_init(&d, a);
    ld L = {.d = &d, .a = a};
    section_defaults(&L, s, base);
}

/* -------------------------------------------------------------- a mapping */

/* The memo of section s in this load (made on first use). */
static size_t memo_of(ld *L, const spec_section *s)
{
    size_t i = 0;
    while (i < L->nmemo && L->memo[i].section != s)
        i++;
    if (i < L->nmemo)
        return i;
    if (L->nmemo == sizeof L->memo / sizeof L->memo[0])
        abort(); /* more sections than the memo holds: a build-time constant to raise */
    L->nmemo++;
    L->memo[i].section = s;
    const char **v = arena_calloc(L->a, s->nkeys + 1, sizeof *v);
    for (size_t k = 0; k < s->nkeys; k++)
        v[k] = s->keys[k].key;
    L->memo[i].names = v;
    if (s->size) {
        L->memo[i].proto = arena_calloc(L->a, 1, s->size);
        defaults_of(L->a, s, L->memo[i].proto);
    }
    return i;
}

const char *const *names_of(ld *L, const spec_section *s)
{
    return L->memo[memo_of(L, s)].names;
}

void defaults_into(ld *L, const spec_section *s, void *base)
{
    memcpy(base, L->memo[memo_of(L, s)].proto, s->size);
}

/* Locates every value of s in base at `at` (the values not given keep it). */
void locate(const spec_section *s, void *base, srcloc at)
{
    for (size_t i = 0; i < s->nkeys; i++)
        if (s->keys[i].kind != K_SECTION)
            set_at(base, at_of(&s->keys[i]), at);
}

/* Reads each row of s from mapping m into base, in row order; a missing
 * required key is reported at missing_at, with ctx naming m.  Rows read by
 * their caller (K_CUSTOM without a loader) are skipped. */
void read_fields(ld *L, const spec_section *s, void *base, ynode *m, const char *ctx, srcloc missing_at)
{
    for (size_t i = 0; i < s->nkeys; i++) {
        const spec_key *k = &s->keys[i];
        if (k->kind == K_CUSTOM && !k->load)
            continue;
        ynode *kn = NULL, *x = get(m, k->key, &kn);
        if (x) {
            load_value(L, k, base, kn, x);
        } else if (k->kind == K_SECTION)
            k->load(L, (char *)base + k->off, NULL, NULL);
        else if (k->required && (!k->range_only || L->t->strategy.v == STRATEGY_PARTITION))
            missing(L, missing_at, k->key, ctx, k->required);
    }
}

/* Mapping m against the rows of s: its keys checked, then read. */
void load_fields(ld *L, const spec_section *s, void *base, ynode *m, const char *ctx, srcloc missing_at)
{
    check_keys(L, m, ctx ? ctx : s->ctx, names_of(L, s));
    read_fields(L, s, base, m, ctx ? ctx : s->ctx, missing_at);
}

/* A section under its key: its values located at the key, then read. */
void load_section(ld *L, const spec_section *s, void *base, ynode *key, ynode *v)
{
    if (!key) {
        if (s->located_when_absent) {
            locate(s, base, L->t->name.at);
            set_at(base, s->at_off, L->t->name.at);
        }
        return;
    }
    locate(s, base, key->at);
    set_at(base, s->at_off, key->at);
    if (!want_kind(L, v, YN_MAP, s->name))
        return;
    set_flag(base, s->present_off);
    load_fields(L, s, base, v, NULL, key->at);
}

/* ------------------------------------------------- values of their own shape */

void load_columns(ld *L, void *base, ynode *key, ynode *v)
{
    (void)key;
    table *t = base;
    if (!want_kind(L, v, YN_MAP, "columns"))
        return;
    if (npairs(v) > MAX_TABLE_COLUMNS) {
        ld_err(L, "too-many-columns", v->at, "PostgreSQL allows at most 1600 columns in a table",
               "table '%s' has %zu columns", disp(L, t->name.s), npairs(v));
        return;
    }
    check_names(L, v, "'columns'");
    t->columns = arena_calloc(L->a, npairs(v), sizeof *t->columns);
    for (ynode *k = v->head; k && k->next; k = k->next->next) {
        if (k->skip)
            continue;
        column *c = &t->columns[t->ncolumns++];
        defaults_into(L, &sec_column, c);
        c->name.s = k->text;
        c->name.at = k->at;
        locate(&sec_column, c, k->at);
        ynode *cv = k->next;
        if (!want_kind(L, cv, YN_MAP, k->text))
            continue;
        load_fields(L, &sec_column, c, cv, arena_printf(L->a, "column '%s'", disp(L, k->text)), cv->at);
    }
}

void load_unique(ld *L, void *base, ynode *key, ynode *v)
{
    (void)key;
    table *t = base;
    t->unique_at = v->at;
    if (!want_kind(L, v, YN_SEQ, "unique"))
        return;
    t->unique = arena_calloc(L->a, v->n, sizeof *t->unique);
    for (ynode *it = v->head; it; it = it->next)
        if (get_list(L, it, "unique", W_NAME, MAX_KEY_COLUMNS, &t->unique[t->nunique]))
            t->nunique++;
}

void load_checks(ld *L, void *base, ynode *key, ynode *v)
{
    (void)key;
    table *t = base;
    if (!want_kind(L, v, YN_MAP, "checks"))
        return;
    check_names(L, v, "'checks'");
    t->checks = arena_calloc(L->a, npairs(v), sizeof *t->checks);
    for (ynode *k = v->head; k && k->next; k = k->next->next) {
        if (k->skip)
            continue;
        check *c = &t->checks[t->nchecks];
        c->name.s = k->text;
        c->name.at = k->at;
        if (get_str(L, k->next, k->text, "an SQL expression", &c->expr))
            t->nchecks++;
    }
}

/* One item of an index's columns: text ("created_at DESC NULLS LAST") or a
 * mapping { column | expression, order, nulls, opclass, collate }. */
static bool load_index_column(ld *L, ynode *it, sval *subject, index_col *col)
{
    memset(col, 0, sizeof *col);
    col->order.at = col->nulls.at = it->at;
    if (it->kind == YN_MAP) {
        const char *ctx = sec_index_column.ctx;
        check_keys(L, it, ctx, names_of(L, &sec_index_column));
        ynode *c = get(it, "column", NULL), *e = get(it, "expression", NULL);
        if (c && e) {
            ld_err(L, "bad-index-column", it->at, "give either column or expression",
                   "an index column has both 'column' and 'expression'");
            return false;
        }
        if (!c && !e) {
            missing(L, it->at, "column", ctx, "name the column, or give expression: \"lower(email)\"");
            return false;
        }
        if (!get_str(L, c ? c : e, c ? "column" : "expression", c ? W_NAME : "an SQL expression", subject))
            return false;
        col->expression = e != NULL;
        locate(&sec_index_column, col, it->at);
        read_fields(L, &sec_index_column, col, it, ctx, it->at);
        return true;
    }
    sval text = {0};
    if (!get_str(L, it, "columns", "a column name or expression", &text))
        return false;
    const char *why = NULL;
    if (names_index_column_parse(L->a, L->t, text.s, &subject->s, col, &why) != 0) {
        ld_err(L, "bad-index-column", it->at,
               "write 'column [COLLATE c] [opclass] [ASC|DESC] [NULLS FIRST|LAST]', an expression in parentheses, "
               "or a mapping { column: c, order: desc, nulls: last, opclass: o, collate: c }",
               "cannot read index column '%s': %s", disp(L, text.s), why);
        return false;
    }
    subject->at = col->order.at = col->nulls.at = text.at;
    if (col->opclass.s)
        col->opclass.at = text.at;
    if (col->collate.s)
        col->collate.at = text.at;
    return true;
}

void load_index_columns(ld *L, void *base, ynode *key, ynode *v)
{
    (void)key;
    index *ix = base;
    if (!want_kind(L, v, YN_SEQ, "columns"))
        return;
    if (v->n > MAX_KEY_COLUMNS) {
        ld_err(L, "too-many-columns", v->at,
               arena_printf(L->a, "PostgreSQL allows at most %d columns in a key or an index", MAX_KEY_COLUMNS),
               "'columns' lists %zu columns", v->n);
        return;
    }
    ix->columns.at = v->at;
    ix->columns.present = true;
    ix->columns.v = arena_calloc(L->a, v->n, sizeof *ix->columns.v);
    ix->cols = arena_calloc(L->a, v->n, sizeof *ix->cols);
    for (ynode *it = v->head; it; it = it->next)
        if (load_index_column(L, it, &ix->columns.v[ix->columns.n], &ix->cols[ix->columns.n]))
            ix->columns.n++;
}

/* Each mapping of list v into a new item of size `size` at *items, with the
 * defaults and the rows of s; returns the item count. */
static size_t load_items(ld *L, const spec_section *s, ynode *v, size_t size, void **items, size_t item_at_off)
{
    if (!want_kind(L, v, YN_SEQ, s->name))
        return 0;
    char *arr = arena_calloc(L->a, v->n, size);
    *items = arr;
    size_t n = 0;
    for (ynode *it = v->head; it; it = it->next) {
        if (!want_kind(L, it, YN_MAP, s->name))
            continue;
        void *item = arr + size * n++;
        defaults_into(L, s, item);
        locate(s, item, it->at);
        set_at(item, item_at_off, it->at);
        load_fields(L, s, item, it, NULL, it->at);
    }
    return n;
}

void load_indexes(ld *L, void *base, ynode *key, ynode *v)
{
    (void)key;
    table *t = base;
    void *items = NULL;
    t->nindexes = load_items(L, &sec_index, v, sizeof *t->indexes, &items, SPEC_OFF(index, at));
    t->indexes = items;
}

void load_fks(ld *L, void *base, ynode *key, ynode *v)
{
    (void)key;
    table *t = base;
    void *items = NULL;
    t->nfks = load_items(L, &sec_fk, v, sizeof *t->fks, &items, SPEC_OFF(foreign_key, at));
    t->fks = items;
}

void load_references(ld *L, void *base, ynode *key, ynode *v)
{
    (void)key;
    if (!want_kind(L, v, YN_MAP, "references"))
        return;
    locate(&sec_references, base, v->at);
    load_fields(L, &sec_references, base, v, NULL, v->at);
}

/* references.table: "table" or "schema.table". */
void load_ref_table(ld *L, void *base, ynode *key, ynode *x)
{
    (void)key;
    foreign_key *fk = base;
    sval tv = {0};
    if (!get_str(L, x, "table", W_NAME, &tv))
        return;
    const char *dot = strchr(tv.s, '.');
    if (dot && (dot == tv.s || dot[1] == '\0')) {
        ld_err(L, "empty-name", x->at, "write schema.table or table", "'%s' has an empty schema or table name",
               disp(L, tv.s));
    } else if (dot) {
        fk->ref_schema.s = arena_strndup(L->a, tv.s, (size_t)(dot - tv.s));
        fk->ref_schema.at = tv.at;
        fk->ref_table.s = dot + 1;
        fk->ref_table.at = tv.at;
    } else
        fk->ref_table = tv;
}

void load_policies(ld *L, void *base, ynode *key, ynode *v)
{
    (void)key;
    security_spec *s = base;
    if (!want_kind(L, v, YN_MAP, "policies"))
        return;
    check_names(L, v, "'policies'");
    s->policies = arena_calloc(L->a, npairs(v), sizeof *s->policies);
    for (ynode *k = v->head; k && k->next; k = k->next->next) {
        if (k->skip)
            continue;
        ynode *pv = k->next;
        if (!want_kind(L, pv, YN_MAP, k->text))
            continue;
        policy *p = &s->policies[s->npolicies++];
        defaults_into(L, &sec_policy, p);
        p->name.s = k->text;
        p->name.at = k->at;
        p->at = pv->at;
        locate(&sec_policy, p, pv->at);
        load_fields(L, &sec_policy, p, pv, arena_printf(L->a, "policy '%s'", disp(L, k->text)), pv->at);
    }
}

void load_grants(ld *L, void *base, ynode *key, ynode *v)
{
    (void)key;
    security_spec *s = base;
    if (!want_kind(L, v, YN_MAP, "grants"))
        return;
    check_names(L, v, "'grants'");
    s->grants = arena_calloc(L->a, npairs(v), sizeof *s->grants);
    for (ynode *k = v->head; k && k->next; k = k->next->next) {
        if (k->skip)
            continue;
        ynode *gv = k->next;
        if (!want_kind(L, gv, YN_SEQ, k->text))
            continue;
        grant *g = &s->grants[s->ngrants++];
        g->role.s = k->text;
        g->role.at = k->at;
        g->privileges.at = gv->at;
        g->privileges.present = true;
        g->privileges.v = arena_calloc(L->a, gv->n, sizeof *g->privileges.v);
        for (ynode *it = gv->head; it; it = it->next) {
            int i;
            srcloc at;
            if (get_enum(L, it, "privileges", grant_privilege_names, &i, &at)) {
                sval *pv = &g->privileges.v[g->privileges.n++];
                pv->s = grant_privilege_names[i];
                pv->at = at;
            }
        }
    }
}

void load_lint(ld *L, void *base, ynode *key, ynode *v)
{
    (void)key;
    table *t = base;
    if (!want_kind(L, v, YN_MAP, "lint"))
        return;
    check_keys(L, v, sec_lint.ctx, names_of(L, &sec_lint));
    ynode *a = get(v, "allow", NULL);
    if (!a || !want_kind(L, a, YN_MAP, "allow"))
        return;
    check_names(L, a, "'allow'");
    t->allows = arena_calloc(L->a, npairs(a), sizeof *t->allows);
    for (ynode *k = a->head; k && k->next; k = k->next->next) {
        if (k->skip)
            continue;
        ynode *rv = k->next;
        lint_allow *al = &t->allows[t->nallows];
        al->rule.s = k->text;
        al->rule.at = k->at;
        const char *hint = "say why the finding is accepted, e.g. rule: \"reason\"";
        if (rv->kind != YN_SCALAR) {
            ld_err(L, "wrong-type", rv->at, hint, "expected a reason for '%s', got %s", disp(L, k->text),
                   kind_desc(L, rv));
            continue;
        }
        if (is_null(rv) || rv->len == 0) {
            ld_err(L, "missing-reason", is_null(rv) ? k->at : rv->at, hint, "lint.allow '%s' needs a reason",
                   disp(L, k->text));
            continue;
        }
        al->reason.s = rv->text;
        al->reason.at = rv->at;
        t->nallows++;
    }
}
