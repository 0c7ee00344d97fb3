#include "plan.h"

#include <string.h>

#include "names.h"
#include "sqlquote.h"

void plan_ranges(const table *t, int64_t as_of, int64_t *first, int64_t *count)
{
    *first = 0;
    *count = 0;
    if (!t->part.present || t->strategy != STRATEGY_PARTITION)
        return;
    cal_interval iv = t->part.interval;
    int64_t start = cal_floor(iv, t->part.start);
    int64_t cur = cal_floor(iv, as_of);
    if (cur < start)
        cur = start;
    *first = start;
    *count = cal_ranges_between(iv, start, cur) + 1 + t->part.premake;
}

static step *push(arena *a, step **v, size_t *n, size_t *cap)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        *v = arena_grow(a, *v, *n, nc, sizeof **v);
        *cap = nc;
    }
    step *s = &(*v)[(*n)++];
    memset(s, 0, sizeof *s);
    s->in_tx = true;
    return s;
}

typedef struct builder {
    arena *a;
    migration *m;
    const char *qname; /* schema.table for summaries */
} builder;

static step *up(builder *b, const char *kind, const char *lock, const char *summary)
{
    step *s = push(b->a, &b->m->up, &b->m->nup, &b->m->capup);
    s->kind = kind;
    s->lock = lock;
    s->summary = summary;
    s->t = b->m->t;
    return s;
}

static step *down(builder *b, const char *kind, const char *lock, const char *summary)
{
    step *s = push(b->a, &b->m->down, &b->m->ndown, &b->m->capdown);
    s->kind = kind;
    s->lock = lock;
    s->summary = summary;
    s->t = b->m->t;
    return s;
}


static const char *security_summary(arena *a, const table *t)
{
    const char *parts[3];
    size_t n = 0;
    if (t->security.rls)
        parts[n++] = "row-level security enabled and forced";
    if (t->security.npolicies)
        parts[n++] = arena_printf(a, "%zu polic%s", t->security.npolicies,
                                  t->security.npolicies == 1 ? "y" : "ies");
    if (t->security.ngrants)
        parts[n++] = arena_printf(a, "grants to %zu role%s", t->security.ngrants,
                                  t->security.ngrants == 1 ? "" : "s");
    if (n == 1)
        return parts[0];
    if (n == 2)
        return arena_printf(a, "%s and %s", parts[0], parts[1]);
    return arena_printf(a, "%s, %s and %s", parts[0], parts[1], parts[2]);
}

static bool archives(const table *t)
{
    return t->retention.present && t->retention.action == RET_ARCHIVE &&
           strcmp(t->retention.archive_schema.s, t->schema.s) != 0;
}

static const char *fk_lock(arena *a, const foreign_key *fk)
{
    return arena_printf(a, "SHARE ROW EXCLUSIVE on %s.%s", fk->ref ? fk->ref->schema.s : "?",
                        fk->ref_table.s);
}

static void plan_create(builder *b, const table *t, int64_t as_of)
{
    arena *a = b->a;
    const char *q = b->qname;
    bool partitioned = t->strategy == STRATEGY_PARTITION;
    const char *newlock = arena_printf(a, "ACCESS EXCLUSIVE on %s (new, empty)", q);

    if (strcmp(t->schema.s, "public") != 0)
        up(b, "create_schema", "none",
           arena_printf(a, "create schema %s if it does not exist", t->schema.s));
    if (archives(t))
        up(b, "create_schema", "none",
           arena_printf(a, "create schema %s if it does not exist", t->retention.archive_schema.s))
            ->item = 1;
    up(b, partitioned ? "create_parent" : "create_table", "none",
       arena_printf(a, "create %s table %s", partitioned ? "partitioned" : "plain", q));
    if (table_has_security(t)) {
        if (partitioned)
            up(b, "secure_function", "none",
               arena_printf(a, "create function %s (security for each partition)",
                            names_fn_secure_partition(a, t)));
        up(b, "secure_table", newlock,
           arena_printf(a, "secure %s: %s", q, security_summary(a, t)));
    }
    if (partitioned) {
        int64_t first, count;
        plan_ranges(t, as_of, &first, &count);
        int64_t lo = first;
        for (int64_t i = 0; i < count; i++) {
            int64_t hi = cal_add(t->part.interval, lo, 1);
            step *s = up(b, "create_partition", newlock,
                         arena_printf(a, "create partition %s", names_partition(a, t, lo)));
            s->lo = lo;
            s->hi = hi;
            if (table_has_security(t)) {
                step *sec = up(b, "secure_partition", "none",
                               arena_printf(a, "secure partition %s", names_partition(a, t, lo)));
                sec->lo = lo;
                sec->hi = hi;
            }
            lo = hi;
        }
        if (t->part.default_partition) {
            up(b, "create_default_partition", newlock,
               arena_printf(a, "create default partition %s", names_default_partition(a, t)));
            if (table_has_security(t))
                up(b, "secure_partition", "none",
                   arena_printf(a, "secure partition %s", names_default_partition(a, t)));
        }
    }
    for (size_t i = 0; i < t->nindexes; i++) {
        step *s = up(b, "create_index", partitioned ? arena_printf(a, "SHARE on %s and every partition (new, empty)", q)
                                                    : arena_printf(a, "SHARE on %s (new, empty)", q),
                     arena_printf(a, "create index %s", t->indexes[i].gen_name));
        s->item = i;
    }
    if (t->strategy == STRATEGY_BRIN)
        up(b, "create_brin_index", arena_printf(a, "SHARE on %s (new, empty)", q),
           arena_printf(a, "create BRIN index %s on %s", names_brin_index(a, t), t->part.key.s));
    for (size_t i = 0; i < t->nfks; i++) {
        step *s = up(b, "add_foreign_key", fk_lock(a, &t->fks[i]),
                     arena_printf(a, "add foreign key %s", t->fks[i].gen_name));
        s->item = i;
    }
    if (partitioned) {
        up(b, "fn_create_partitions", "none",
           arena_printf(a, "create function %s", names_fn_create_partitions(a, t)));
        up(b, "fn_partition_health", "none",
           arena_printf(a, "create function %s and view %s", names_fn_health(a, t),
                        names_view_health(a, t)));
    }
    if (t->retention.present)
        up(b, t->retention.action == RET_DELETE ? "fn_retention_delete" : "fn_retention_partitions",
           "none", arena_printf(a, "create function %s", names_fn_apply_retention(a, t)));
    if (partitioned)
        up(b, "run_create_partitions", arena_printf(a, "ACCESS EXCLUSIVE on %s, only if a partition is missing", q),
           "create the partitions that are missing on the day this runs");
    if (t->maintenance.schedule.s && (partitioned || t->retention.present))
        up(b, "schedule", "none",
           arena_printf(a, "schedule maintenance with pg_cron '%s' (NOTICE when pg_cron is absent)",
                        t->maintenance.schedule.s));

    /* rollback: the reverse, object by object */
    if (t->maintenance.schedule.s && (partitioned || t->retention.present))
        down(b, "unschedule", "none", "remove the pg_cron job if there is one");
    if (t->retention.present)
        down(b, "drop_fn_retention", "none",
             arena_printf(a, "drop function %s", names_fn_apply_retention(a, t)));
    if (partitioned) {
        down(b, "drop_fn_partition_health", "none",
             arena_printf(a, "drop view %s and function %s", names_view_health(a, t), names_fn_health(a, t)));
        down(b, "drop_fn_create_partitions", "none",
             arena_printf(a, "drop function %s", names_fn_create_partitions(a, t)));
    }
    down(b, "drop_table", arena_printf(a, "ACCESS EXCLUSIVE on %s", q),
         arena_printf(a, "drop table %s%s", q, partitioned ? " and all its partitions" : ""));
    if (partitioned && table_has_security(t))
        down(b, "drop_fn_secure", "none",
             arena_printf(a, "drop function %s", names_fn_secure_partition(a, t)));
    if (archives(t))
        down(b, "drop_schema", "none",
             arena_printf(a, "drop schema %s if partc created it and it is empty",
                          t->retention.archive_schema.s))
            ->item = 1;
    if (strcmp(t->schema.s, "public") != 0)
        down(b, "drop_schema", "none",
             arena_printf(a, "drop schema %s if partc created it and it is empty", t->schema.s));
}

int plan_build(plan *p, const specset *ss, int64_t as_of, arena *a, diags *d)
{
    memset(p, 0, sizeof *p);
    p->a = a;
    p->as_of = as_of;
    int errors = 0;
    table **order = ss->ordered ? ss->ordered : ss->tables;
    for (size_t i = 0; i < ss->ntables; i++) {
        const table *t = order[i];
        if (t->mode == MODE_REFERENCE)
            continue;
        if (t->mode == MODE_CONVERT) {
            diag_add(d, SEV_ERROR, "unsupported", t->mode_at,
                     "compile the create-mode tables on their own, or use partc plan and lint for this one",
                     "mode 'convert' for table '%s' cannot be compiled by this version of partc",
                     t->name.s);
            errors++;
            continue;
        }
        if (p->n == p->cap) {
            size_t nc = p->cap ? p->cap * 2 : 16;
            p->v = arena_grow(a, p->v, p->n, nc, sizeof *p->v);
            p->cap = nc;
        }
        migration *m = &p->v[p->n++];
        memset(m, 0, sizeof *m);
        m->t = t;
        m->phase = "create";
        m->name = strcmp(t->schema.s, "public") == 0
                      ? arena_printf(a, "create_%s", t->name.s)
                      : arena_printf(a, "create_%s_%s", t->schema.s, t->name.s);
        builder b = {a, m, arena_printf(a, "%s.%s", t->schema.s, t->name.s)};
        plan_create(&b, t, as_of);
        m->in_tx = true;
        for (size_t k = 0; k < m->nup; k++)
            m->in_tx = m->in_tx && m->up[k].in_tx;
    }
    return errors;
}
