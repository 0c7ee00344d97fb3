/* validate_names: the names a spec set makes, and their collisions.
 *
 * Every relation and function partc would create (tables, partitions,
 * keys, indexes, views, shadow and old tables, functions) is registered per
 * schema; a name taken twice is an error, and so is a generated name over
 * 63 bytes.  Partition names are enumerated only where their shape can meet
 * another name (see shapes), so that 10,000 tables do not make millions of
 * names.  Part of validate: its state is validate_internal.h's vctx. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "names.h"
#include "sqlquote.h"
#include "strbuf.h"
#include "validate_internal.h"

/* ------------------------------------------------------------ name sets */

void nset_init(nset *s, arena *a)
{
    strmap_init_heap(&s->m, 256);
    s->a = a;
}

nent *nset_find(const nset *s, const char *schema, const char *name)
{
    for (nent *e = strmap_find(&s->m, name); e; e = e->next)
        if (strcmp(e->schema, schema) == 0)
            return e;
    return NULL;
}

void nset_free(nset *s)
{
    strmap_free(&s->m);
}

/* Inserts e unless the name is taken: returns the existing entry then. */
const nent *nset_put(nset *s, const nent *e)
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
bool reg_name(vctx *v, nset *s, size_t ti, name_kind k, const char *name,
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
        verr(v, parts ? "partition-name-collision" : "name-collision", at,
            collision_hint(k), "name '%s' of the %s collides with the %s in schema '%s'",
            name, kind_desc(v, k, t), kind_desc(v, (name_kind)old->kind, v->ss->tables[old->owner]),
            e.schema);
    }
    return true;
}

/* ------------------------------------------------------------- lengths */

/* identifier-too-long when name is longer than NAME_MAX_BYTES. */
bool check_len(vctx *v, const char *name, bool generated, srcloc at,
                      const char *hint)
{
    if (!name)
        return true;
    for (const char *p = name; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            verr(v, "bad-name", at, "names may hold any printable text, but no line breaks or control characters",
                "name '%s' contains a control character", name);
            return false;
        }
    size_t n = strlen(name);
    if (n <= NAME_MAX_BYTES)
        return true;
    verr(v, "identifier-too-long", at, hint,
        "%sname '%s' is %zu bytes; PostgreSQL truncates names to %d bytes",
        generated ? "generated " : "", name, n, NAME_MAX_BYTES);
    return false;
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
void register_partitions(vctx *v)
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
                verr(v, "name-collision", c[i].at,
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
        srcloc at = vpick(t->unique[i].at, t->unique_at);
        check_len(v, names_shadow_of(a, t, n), true, at, hint);
        check_len(v, names_old_of(a, t, n), true, at, hint);
    }
    for (size_t i = 0; i < t->nindexes; i++) {
        const index *ix = &t->indexes[i];
        if (!ix->gen_name)
            continue;
        srcloc at = vpick(ix->name.at, ix->at);
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
/* The names of the table's constraints, checked against each other; with
 * gen (the table's name is sane) also their lengths, and registered. */
static void check_key_names(vctx *v, size_t ti, bool gen, bool quiet)
{
    table *t = v->ss->tables[ti];
    arena *a = v->tmp;
    const char *th = "shorten the table name";
    size_t ncn = (t->primary_key.present ? 1 : 0) + t->nunique + t->nfks + t->nchecks, nc = 0;
    cname *cn = arena_calloc(a, ncn ? ncn : 1, sizeof *cn);

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
        srcloc at = vpick(t->unique[i].at, t->unique_at);
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
    check_constraint_names(v, t, cn, nc);

}

/* The indexes' names: the generated ones checked for length, all registered. */
static void check_index_names(vctx *v, size_t ti, bool table_ok, bool quiet)
{
    table *t = v->ss->tables[ti];
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
            reg_name(v, &v->rels, ti, NK_INDEX, ix->gen_name, vpick(ix->name.at, ix->at), quiet);
    }
}

void check_generated(vctx *v, size_t ti, bool names_ok)
{
    table *t = v->ss->tables[ti];
    arena *a = v->tmp;
    bool changed = t->mode.v != MODE_REFERENCE;
    bool table_ok = check_len(v, t->name.s, false, t->name.at, "shorten the table name");
    check_len(v, t->schema.s, false, vpick(t->schema.at, t->name.at), "shorten the schema name");
    bool quiet = v->dup[ti];
    const char *th = "shorten the table name";
    bool partitioned = t->strategy.v == STRATEGY_PARTITION && t->part.present;
    if (!changed)
        return;
    check_key_names(v, ti, table_ok, quiet);
    check_index_names(v, ti, table_ok, quiet);
    if (!table_ok)
        return;
    if (t->mode.v == MODE_CONVERT) {
        srcloc at = vpick(t->migrate.at, t->name.at);
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
    if (!partitioned)
        return;
    if (t->part.default_partition.v) {
        srcloc at = vpick(t->part.default_partition.at, t->part.at);
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

