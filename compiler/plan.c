#include "plan.h"

#include <stdlib.h>
#include <string.h>

#include "evolve.h"
#include "format.h"
#include "names.h"
#include "sqlquote.h"
#include "strbuf.h"

/* The most partitions one migration creates for a table.  The static plan
 * runs from partition.start through as_of; as_of defaults to the latest
 * partition.start of the spec set, so one table starting in 4050 (or an
 * hourly table starting in 1900) would otherwise ask for millions of
 * partitions and exhaust memory before a line is written. */


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
    const char *rt;    /* the runtime's schema */
    int postgres;      /* the major the SQL is for (conversions' phases) */
} builder;

static step *up(builder *b, step_kind kind, const char *lock, const char *summary)
{
    step *s = push(b->a, &b->m->up, &b->m->nup, &b->m->capup);
    s->kind = kind;
    s->lock = lock;
    s->summary = summary;
    s->t = b->m->t;
    return s;
}

static step *down(builder *b, step_kind kind, const char *lock, const char *summary)
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
    const char *parts[3] = {"no security", "", ""};
    size_t n = 0;
    if (t->security.rls.v)
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
    return t->retention.present && t->retention.action.v == RET_ARCHIVE &&
           strcmp(t->retention.archive_schema.s, t->schema.s) != 0;
}

/* Retention that leaves tables behind (detach, archive): the rollback keeps
 * them and says which. */
static bool keeps_detached(const table *t)
{
    return t->retention.present && (t->retention.action.v == RET_DETACH || t->retention.action.v == RET_ARCHIVE);
}

static const char *fk_lock(arena *a, const foreign_key *fk)
{
    return arena_printf(a, "SHARE ROW EXCLUSIVE on %s.%s", fk->ref ? fk->ref->schema.s : "?",
                        fk->ref_table.s);
}

/* count partitions of consecutive ranges from first, and the default
 * partition, then the table's security on each of them; on the shadow when
 * rel says so. */
static void plan_partition_run(builder *b, const table *t, int64_t first, int64_t count, step_rel rel,
                               const char *lock)
{
    arena *a = b->a;
    int64_t lo = first;
    for (int64_t i = 0; i < count; i++) {
        int64_t hi = cal_add(t->part.interval.v, lo, 1);
        step *s = up(b, STEP_CREATE_PARTITION, lock,
                     arena_printf(a, "create partition %s", names_partition(a, t, lo)));
        s->lo = lo;
        s->hi = hi;
        s->rel = rel;
        lo = hi;
    }
    if (t->part.default_partition.v)
        up(b, STEP_CREATE_DEFAULT_PARTITION, lock,
           arena_printf(a, "create default partition %s", names_default_partition(a, t)))->rel = rel;
    if (table_has_security(t))
        up(b, STEP_SECURE_PARTITIONS, "none",
           "the table's security on each partition (PostgreSQL does not carry it from the table)")->rel = rel;
}

/* The partitions of the static range (from partition.start through as_of
 * plus premake). */
static void plan_partitions(builder *b, const table *t, int64_t as_of, step_rel rel, const char *lock)
{
    int64_t first, count;
    table_static_ranges(t, as_of, &first, &count);
    plan_partition_run(b, t, first, count, rel, lock);
}

/* "N partitions" of the static range, and the default one. */
static const char *partitions_text(arena *a, const table *t, int64_t as_of)
{
    int64_t first, count;
    table_static_ranges(t, as_of, &first, &count);
    return arena_printf(a, "%lld %s partition%s%s", (long long)count, cal_interval_name(t->part.interval.v),
                        count == 1 ? "" : "s", t->part.default_partition.v ? " and a default one" : "");
}

/* The table's row in the runtime, and its removal. */
static void plan_register(builder *b, const table *t, step_rel rel)
{
    up(b, STEP_REGISTER, "none",
       arena_printf(b->a, "register %s with the runtime: its settings are a row of %s.tables", b->qname,
                    b->rt))->rel = rel;
    (void)t;
}

/* A conversion's prepare: the shadow's foreign keys (after the table's own
 * lock: the same order as a writer that writes the table and then a
 * referenced table, so the two cannot deadlock) and the pg_cron job. */
static void plan_shadow_keys_schedule(builder *b, const table *t, bool sched)
{
    arena *a = b->a;
    for (size_t i = 0; i < t->nfks; i++) {
        step *s = up(b, STEP_ADD_FOREIGN_KEY, fk_lock(a, &t->fks[i]),
                     arena_printf(a, "add foreign key %s", t->fks[i].gen_name));
        s->fk_no = i;
        s->rel = REL_SHADOW;
    }
    if (sched)
        up(b, STEP_SCHEDULE, "none",
           arena_printf(a, "schedule maintenance with pg_cron '%s' (NOTICE when pg_cron is absent)%s",
                        t->maintenance.schedule.s,
                        t->retention.present ? "; retention waits for the cleanup" : ""));
}

/* The end of a prepare's rollback: the registration, the shadow, the
 * archive schema. */
static void plan_unprepare_tail(builder *b, const table *t, const char *sh)
{
    arena *a = b->a;
    const char *q = b->qname;
    if (keeps_detached(t))
        down(b, STEP_NOTICE_DETACHED, "none", "name the tables that retention detached, which stay");
    down(b, STEP_UNREGISTER, "none", arena_printf(a, "remove %s from the runtime", q));
    down(b, STEP_DROP_TABLE, arena_printf(a, "ACCESS EXCLUSIVE on %s", sh),
         arena_printf(a, "drop table %s and all its partitions", sh))
        ->rel = REL_SHADOW;
    if (archives(t))
        down(b, STEP_DROP_SCHEMA, "none",
             arena_printf(a, "drop schema %s if partc created it and it is empty", t->retention.archive_schema.s))
            ->archive_schema = true;
}

/* ---- incoming_foreign_keys: rewire ------------------------------------------ */

static migration *add_migration(plan *p, const table *t, const char *phase);
static const char *migration_name(arena *a, const table *t, const char *phase);
static void finish(migration *m);

static const char *rw_name(arena *a, const rewire *rw)
{
    return arena_printf(a, "%s.%s", rw->r->schema.s, rw->r->name.s);
}

static const char *rw_cols(arena *a, const slist *l)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < l->n; i++)
        sb_addf(&sb, "%s%s", i ? ", " : "", l->v[i].s);
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

/* The referencing tables, for the summaries. */
static const char *rewire_tables_text(arena *a, const table *t)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < t->nrewires; i++)
        sb_addf(&sb, "%s%s", i ? ", " : "", rw_name(a, &t->rewires[i]));
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

/* The prepare: the state of the rewires and the triggers on the table that
 * carry a change of its key to the referencing rows; then each referencing
 * table's column and the trigger that fills it. */
static void plan_prepare_rewire(builder *b, const table *t)
{
    arena *a = b->a;
    const char *q = b->qname;
    up(b, STEP_REWIRE_LOCK, arena_printf(a, "SHARE ROW EXCLUSIVE on %s and ACCESS EXCLUSIVE on %s, at once", q,
                                         rewire_tables_text(a, t)),
       arena_printf(a, "lock %s and the tables that reference it at once", q));
    up(b, STEP_REWIRE_SETUP, arena_printf(a, "SHARE ROW EXCLUSIVE on %s, taken above (creating its triggers)", q),
       arena_printf(a, "create %s and the triggers on %s that carry a change of %s to the referencing rows "
                       "until the swap", names_conv(a, t, "rewire"), q, t->part.key.s));
    for (size_t i = 0; i < t->nrewires; i++) {
        const rewire *rw = &t->rewires[i];
        const char *r = rw_name(a, rw);
        const foreign_key *fk = &rw->r->fks[rw->fk_no];
        step *s = up(b, STEP_REWIRE_PREPARE, arena_printf(a, "ACCESS EXCLUSIVE on %s, taken above (no row is rewritten)", r),
                     arena_printf(a, "%s: add column %s (empty) and the trigger %s that fills it from %s for every row "
                                     "written with (%s)", r, rw->column, rw->fill_fn, q, rw_cols(a, &fk->columns)));
        s->rewire_no = i;
    }
}

static void plan_unprepare_rewire(builder *b, const table *t)
{
    arena *a = b->a;
    const char *q = b->qname;
    down(b, STEP_CONV_GUARD_UNSWAPPED, "none", arena_printf(a, "refuse while %s is swapped", q));
    down(b, STEP_REWIRE_LOCK, arena_printf(a, "ACCESS EXCLUSIVE on %s and %s, at once", q, rewire_tables_text(a, t)),
         arena_printf(a, "lock %s and the tables that reference it at once", q))
        ->plain = true;
    for (size_t i = t->nrewires; i-- > 0;) {
        const rewire *rw = &t->rewires[i];
        const char *r = rw_name(a, rw);
        step *s = down(b, STEP_REWIRE_UNPREPARE, arena_printf(a, "ACCESS EXCLUSIVE on %s, taken above", r),
                       arena_printf(a, "%s: drop the trigger %s and the column %s", r, rw->fill_fn, rw->column));
        s->rewire_no = i;
    }
    step *s = down(b, STEP_REWIRE_TEARDOWN, arena_printf(a, "ACCESS EXCLUSIVE on %s, taken above", q),
                   arena_printf(a, "drop the triggers on %s and %s", q, names_conv(a, t, "rewire")));
    s->rel = REL_TABLE;
}

/* The prepare's second migration: the rewires, in a transaction of their
 * own (the prepare's locks are not held with theirs). */
static void plan_rewire_prepare(plan *p, const table *t, const char *qname, const char *rt, int64_t as_of)
{
    arena *a = p->a;
    migration *m = add_migration(p, t, "prepare");
    m->name = arena_printf(a, "%s_rewire", migration_name(a, t, "prepare"));
    m->as_of = as_of;
    builder b = {a, m, qname, rt, 0};
    plan_prepare_rewire(&b, t);
    plan_unprepare_rewire(&b, t);
    m->about = arena_printf(a, "gives each table that references %s (%s) the column of its partition key, empty, "
                               "and the trigger that fills it for every row written from now on; until the swap, "
                               "triggers on %s carry a change of %s to those rows.",
                            qname, rewire_tables_text(a, t), qname, t->part.key.s);
    m->undo = arena_printf(a, "drops those columns and triggers; refused once the table is swapped.");
    finish(m);
}

/* What the backfill does to the referencing tables (in the runtime's
 * backfill, before the copy). */
static const char *rewire_backfill_text(arena *a, const table *t)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < t->nrewires; i++) {
        const rewire *rw = &t->rewires[i];
        sb_addf(&sb, "%s%s.%s", i ? ", " : "", rw_name(a, rw), rw->column);
    }
    const char *r = arena_printf(a, "first fill %s in batches of %lld rows, one transaction each (resumable), and "
                                    "make each NOT NULL where its foreign key columns are (CHECK NOT VALID, VALIDATE, "
                                    "SET NOT NULL); then ",
                                 sb_str(&sb), (long long)t->migrate.batch_size.v);
    sb_free(&sb);
    return r;
}

static void plan_swap_rewire(builder *b, const table *t)
{
    arena *a = b->a;
    const char *q = b->qname;
    for (size_t i = 0; i < t->nrewires; i++) {
        const rewire *rw = &t->rewires[i];
        const foreign_key *fk = &rw->r->fks[rw->fk_no];
        const char *r = rw_name(a, rw);
        const slist *target = fk->ref_columns.n ? &fk->ref_columns : &t->primary_key;
        step *s = up(b, STEP_REWIRE_SWAP, arena_printf(a, "ACCESS EXCLUSIVE on %s, taken with the swap's", r),
                     arena_printf(a, "%s: foreign key %s becomes (%s, %s) -> %s(%s, %s) ON DELETE %s ON UPDATE CASCADE, "
                                     "NOT VALID", r, fk->gen_name, rw_cols(a, &fk->columns), rw->column, q,
                                  rw_cols(a, target), t->part.key.s, fk_action_sql(fk->on_delete.v)));
        s->rewire_no = i;
    }
    if (t->nrewires && b->postgres < 15)
        up(b, STEP_REWIRE_MOVE_GUARD, arena_printf(a, "none beyond the swap's"),
           arena_printf(a, "PostgreSQL 14: a trigger on %s refuses to move a row that other tables reference to another "
                           "partition (14 would run the ON DELETE actions of their keys)", q));
    for (size_t i = 0; i < t->nrewires; i++) {
        const rewire *rw = &t->rewires[i];
        const foreign_key *fk = &rw->r->fks[rw->fk_no];
        const char *r = rw_name(a, rw);
        step *s = down(b, STEP_REWIRE_UNSWAP, arena_printf(a, "ACCESS EXCLUSIVE on %s, taken with the swap's", r),
                       arena_printf(a, "%s: foreign key %s references %s(%s) again, NOT VALID (the rollback of the "
                                       "backfill validates it)", r, fk->gen_name, q,
                                    rw_cols(a, fk->ref_columns.n ? &fk->ref_columns : &t->primary_key)));
        s->rewire_no = i;
    }
    if (t->nrewires && b->postgres < 15)
        down(b, STEP_REWIRE_MOVE_UNGUARD, "none beyond the swap's",
             arena_printf(a, "drop the PostgreSQL 14 trigger from the partitioned table"));
}

/* After the backfill, one migration per referencing table: its index on
 * the new foreign key's columns, built CONCURRENTLY (alone in its file). */
static void plan_rewire_indexes(plan *p, const table *t, const char *qname, const char *rt, int64_t as_of);

/* mode convert: prepare, backfill, swap and cleanup, each with its rollback. */
static void plan_prepare(builder *b, const table *t, int64_t as_of)
{
    arena *a = b->a;
    const char *q = b->qname;
    const char *sh = arena_printf(a, "%s.%s", t->schema.s, names_shadow(a, t));
    const char *newlock = arena_printf(a, "ACCESS EXCLUSIVE on %s (new, empty)", sh);
    bool sched = t->maintenance.schedule.s != NULL;

    up(b, STEP_CONV_PREFLIGHT, arena_printf(a, "ACCESS SHARE on %s", q),
       arena_printf(a, "preflight: %s matches its spec (columns, keys, indexes, foreign keys in and out, "
                       "views, triggers, security, key range)", q));
    if (archives(t))
        up(b, STEP_CREATE_SCHEMA, "none",
           arena_printf(a, "create schema %s if it does not exist", t->retention.archive_schema.s))
            ->archive_schema = true;
    up(b, STEP_CONV_SHADOW, arena_printf(a, "ACCESS SHARE on %s", q),
       arena_printf(a, "create partitioned table %s like %s, with its keys", sh, q));
    if (table_has_security(t))
        up(b, STEP_SECURE_TABLE, newlock, arena_printf(a, "secure %s: %s", sh, security_summary(a, t)))->rel =
            REL_SHADOW;
    plan_register(b, t, REL_SHADOW);
    plan_partitions(b, t, as_of, REL_SHADOW, newlock);
    for (size_t i = 0; i < t->nindexes; i++) {
        step *s = up(b, STEP_CREATE_INDEX, arena_printf(a, "SHARE on %s and every partition (new, empty)", sh),
                     arena_printf(a, "create index %s", names_shadow_of(a, t, t->indexes[i].gen_name)));
        s->index_no = i;
        s->rel = REL_SHADOW;
    }
    up(b, STEP_RUN_CREATE_PARTITIONS, arena_printf(a, "ACCESS EXCLUSIVE on %s, only if a partition is missing", sh),
       "create the partitions that are missing on the day this runs");
    up(b, STEP_CONV_RANGE_CHECK, "none", arena_printf(a, "check that every row of %s has a partition", q));
    up(b, STEP_CONV_SYNC, "none",
       arena_printf(a, "create the sync log %s, the state table %s and the sync functions",
                    names_conv(a, t, "sync_log"), names_conv(a, t, "backfill_state")));
    up(b, STEP_CONV_BACKFILL, "none",
       arena_printf(a, "create procedure %s", names_conv(a, t, "backfill")));
    up(b, STEP_CONV_CAPTURE_ON, arena_printf(a, "SHARE ROW EXCLUSIVE on %s (waits for writes in flight)", q),
       arena_printf(a, "sync triggers on %s: the key of every row written goes to the sync log", q));
    plan_shadow_keys_schedule(b, t, sched);

    if (sched)
        down(b, STEP_UNSCHEDULE, "none", "remove the pg_cron job if there is one");
    down(b, STEP_CONV_GUARD_UNSWAPPED, "none", arena_printf(a, "refuse while %s is swapped", q));
    down(b, STEP_CONV_DROP_OBJECTS, arena_printf(a, "ACCESS EXCLUSIVE on %s, briefly (dropping the sync triggers)", q),
         "drop the sync triggers, functions, procedure, log and state");
    plan_unprepare_tail(b, t, sh);
}

static void plan_backfill(builder *b, const table *t)
{
    arena *a = b->a;
    const char *q = b->qname;
    const char *sh = arena_printf(a, "%s.%s", t->schema.s, names_shadow(a, t));
    const char *copy = arena_printf(a, "copy %s into %s in batches of %lld rows, one transaction each (resumable), "
                                       "build keys and indexes, apply the sync log, mirror writes from then on, "
                                       "verify the counts", q, sh, (long long)t->migrate.batch_size.v);
    const char *locks = arena_printf(a, "ROW EXCLUSIVE on %s per batch; SHARE ROW EXCLUSIVE on %s for the switch "
                                        "to mirroring", sh, q);
    if (t->nrewires) {
        copy = arena_printf(a, "%s%s", rewire_backfill_text(a, t), copy);
        locks = arena_printf(a, "ROW EXCLUSIVE on each referencing table per batch, SHARE UPDATE EXCLUSIVE while its "
                                "check is validated, ACCESS EXCLUSIVE briefly for the check and NOT NULL; %s", locks);
    }
    step *s = t->migrate.backfill_in.v == BACKFILL_IN_PG_CRON
                  ? up(b, STEP_CONV_BACKFILL_START,
                       arena_printf(a, "none here; the job takes %s", locks),
                       arena_printf(a, "start a pg_cron job that runs every minute until it has done this, then "
                                       "removes itself: %s (without pg_cron: done here)", copy))
                  : up(b, STEP_CONV_BACKFILL_CALL, locks, copy);
    s->in_tx = false;
    down(b, STEP_CONV_BACKFILL_UNDO, arena_printf(a, "SHARE ROW EXCLUSIVE on %s%s", q,
                                                  t->nrewires ? "; SHARE UPDATE EXCLUSIVE on each referencing table "
                                                                "while a foreign key is validated, ACCESS EXCLUSIVE "
                                                                "briefly for DROP NOT NULL"
                                                              : ""),
         arena_printf(a, "%sempty %s and record keys again%s",
                      t->migrate.backfill_in.v == BACKFILL_IN_PG_CRON ? "stop the backfill's pg_cron job, " : "", sh,
                      t->nrewires ? "; validate each foreign key into the table that a rollback of the swap left NOT "
                                    "VALID, and drop the NOT NULL of the referencing tables' new columns"
                                  : ""));
}

static void plan_swap(builder *b, const table *t)
{
    arena *a = b->a;
    const char *q = b->qname;
    const char *sh = arena_printf(a, "%s.%s", t->schema.s, names_shadow(a, t));
    const char *ol = arena_printf(a, "%s.%s", t->schema.s, names_old(a, t));

    up(b, STEP_CONV_SWAP, arena_printf(a, "ACCESS EXCLUSIVE on %s and %s (catalog changes only)", q, sh),
       arena_printf(a, "swap: %s becomes %s and %s becomes %s; ids continue; writes are mirrored back to %s; "
                       "the runtime maintains %s from now on", q, ol, sh, q, ol, q));

    down(b, STEP_CONV_UNSWAP, arena_printf(a, "ACCESS EXCLUSIVE on %s and %s (catalog changes only)", q, ol),
         arena_printf(a, "swap back: %s becomes %s again and %s becomes %s; writes are mirrored forward again; "
                         "the runtime maintains %s again", ol, q, q, sh, sh));
    if (t->nrewires) {
        const char *all = "the referencing tables too, all at once, each attempt shorter than deadlock_timeout";
        b->m->up[b->m->nup - 1].lock = arena_printf(a, "ACCESS EXCLUSIVE on %s and %s and %s (catalog changes only)",
                                                    q, sh, all);
        b->m->down[b->m->ndown - 1].lock = arena_printf(a, "ACCESS EXCLUSIVE on %s and %s and %s (catalog changes "
                                                           "only)", q, ol, all);
    }
    plan_swap_rewire(b, t);
}

static void plan_cleanup(builder *b, const table *t)
{
    arena *a = b->a;
    const char *ol = arena_printf(a, "%s.%s", t->schema.s, names_old(a, t));
    up(b, STEP_CONV_CLEANUP, "none",
       arena_printf(a, "refuse before migrate.keep_old has passed since the swap"));
    for (size_t i = 0; i < t->nrewires; i++) {
        const rewire *rw = &t->rewires[i];
        const char *r = rw_name(a, rw);
        step *s = up(b, STEP_REWIRE_VALIDATE, arena_printf(a, "SHARE UPDATE EXCLUSIVE on %s (writers go on)", r),
                     arena_printf(a, "%s: validate foreign key %s (every row is read)", r,
                                  rw->r->fks[rw->fk_no].gen_name));
        s->rewire_no = i;
    }
    up(b, STEP_CONV_DROP_OBJECTS, arena_printf(a, "ACCESS EXCLUSIVE on %s, briefly (dropping the sync triggers)", b->qname),
       "drop the sync triggers, functions, procedure, log and state");
    up(b, STEP_DROP_TABLE, arena_printf(a, "ACCESS EXCLUSIVE on %s", ol), arena_printf(a, "drop table %s", ol))->rel =
        REL_OLD;
    if (t->nrewires)
        up(b, STEP_REWIRE_TEARDOWN, "none",
           arena_printf(a, "drop %s and the functions of the triggers %s had", names_conv(a, t, "rewire"), ol))
            ->rel = REL_OLD;
    up(b, STEP_SET_LIVE, "none",
       t->retention.present ? "the conversion is over: the runtime's maintenance applies retention from now on"
                            : "the conversion is over")
        ->phase_to = "live";
    down(b, STEP_CONV_CLEANUP_DOWN, "none",
         arena_printf(a, "fail: the rows of %s are gone and cannot be restored by a migration", ol));
}

/* ---- method attach: the table becomes the partition before the cutover ---- */

static bool attaches(const table *t)
{
    return t->migrate.method.v == METHOD_ATTACH;
}

static void plan_prepare_attach(builder *b, const table *t, int64_t as_of)
{
    arena *a = b->a;
    const char *q = b->qname;
    const char *sh = arena_printf(a, "%s.%s", t->schema.s, names_shadow(a, t));
    const char *newlock = arena_printf(a, "ACCESS EXCLUSIVE on %s (new, empty)", sh);
    bool sched = t->maintenance.schedule.s != NULL;
    int64_t cut = table_cutover(t, as_of);
    char when[11];
    cal_format_date(cut, when);

    up(b, STEP_CONV_PREFLIGHT, arena_printf(a, "ACCESS SHARE on %s", q),
       arena_printf(a, "preflight: %s matches its spec (columns, keys, indexes, foreign keys in and out, "
                       "views, triggers, security, key range)", q));
    if (archives(t))
        up(b, STEP_CREATE_SCHEMA, "none",
           arena_printf(a, "create schema %s if it does not exist", t->retention.archive_schema.s))
            ->archive_schema = true;
    up(b, STEP_CONV_SHADOW, arena_printf(a, "ACCESS SHARE on %s", q),
       arena_printf(a, "create partitioned table %s like %s, with its keys", sh, q));
    if (table_has_security(t))
        up(b, STEP_SECURE_TABLE, newlock, arena_printf(a, "secure %s: %s", sh, security_summary(a, t)))->rel =
            REL_SHADOW;
    step *r = up(b, STEP_REGISTER, "none",
                 arena_printf(a, "register %s with the runtime: its settings are a row of %s.tables; its "
                                 "partitions start at the cutover %s", q, b->rt, when));
    r->rel = REL_SHADOW;
    r->lo = cut;
    /* the ranges from the cutover on: its own and premake after it */
    plan_partition_run(b, t, cut, t->part.premake.v + 1, REL_SHADOW, newlock);
    for (size_t i = 0; i < t->nindexes; i++) {
        step *s = up(b, STEP_CREATE_INDEX, arena_printf(a, "SHARE on %s and every partition (new, empty)", sh),
                     arena_printf(a, "create index %s", names_shadow_of(a, t, t->indexes[i].gen_name)));
        s->index_no = i;
        s->rel = REL_SHADOW;
    }
    up(b, STEP_RUN_CREATE_PARTITIONS, arena_printf(a, "ACCESS EXCLUSIVE on %s, only if a partition is missing", sh),
       "create the partitions that are missing on the day this runs");
    step *p = up(b, STEP_CONV_ATTACH_PREPARE, arena_printf(a, "ACCESS EXCLUSIVE on %s, briefly (no row is read)", q),
                 arena_printf(a, "the state table %s; refuse unless the cutover %s is more than a day ahead and "
                                 "every row lies before it; add CHECK (%s < %s) NOT VALID to %s: it refuses rows "
                                 "from the cutover on until the swap",
                              names_conv(a, t, "backfill_state"), when, t->part.key.s, when, q));
    p->lo = cut;
    p->hi = t->part.start.v;
    plan_shadow_keys_schedule(b, t, sched);

    if (sched)
        down(b, STEP_UNSCHEDULE, "none", "remove the pg_cron job if there is one");
    down(b, STEP_CONV_GUARD_UNSWAPPED, "none", arena_printf(a, "refuse while %s is swapped", q));
    down(b, STEP_CONV_ATTACH_UNPREPARE, arena_printf(a, "ACCESS EXCLUSIVE on %s, briefly", q),
         arena_printf(a, "drop the bound %s and the state table", names_conv(a, t, "cutover")));
    plan_unprepare_tail(b, t, sh);
}

static void plan_backfill_attach(builder *b, const table *t)
{
    arena *a = b->a;
    const char *q = b->qname;
    size_t nk;
    names_attach_keys(a, t, &nk);
    const char *work = arena_printf(
        a, "validate the bound %s (SHARE UPDATE EXCLUSIVE: every row is read, writers go on)%s; no row is copied",
        names_conv(a, t, "cutover"),
        nk ? arena_printf(a, ", then replace the keys without %s by the extended ones built concurrently (ACCESS "
                             "EXCLUSIVE, briefly, retried)", t->part.key.s)
           : "");
    step *s = t->migrate.backfill_in.v == BACKFILL_IN_PG_CRON
                  ? up(b, STEP_CONV_BACKFILL_START, "none here; the job takes the locks below",
                       arena_printf(a, "start a pg_cron job that runs every minute until it has done this, then "
                                       "removes itself: %s (without pg_cron: done here)", work))
                  : up(b, STEP_CONV_BACKFILL_CALL,
                       arena_printf(a, "SHARE UPDATE EXCLUSIVE on %s while it reads%s", q,
                                    nk ? "; ACCESS EXCLUSIVE briefly for the keys" : ""),
                       work);
    s->in_tx = false;
    down(b, STEP_CONV_BACKFILL_UNDO, arena_printf(a, "ACCESS EXCLUSIVE on %s, briefly", q),
         arena_printf(a, "%sthe keys as they were (the primary key from the index on its own columns), the bound "
                         "not validated",
                      t->migrate.backfill_in.v == BACKFILL_IN_PG_CRON ? "stop the backfill's pg_cron job, " : ""));
}

static void plan_swap_attach(builder *b, const table *t)
{
    arena *a = b->a;
    const char *q = b->qname;
    const char *sh = arena_printf(a, "%s.%s", t->schema.s, names_shadow(a, t));
    const char *ol = arena_printf(a, "%s.%s", t->schema.s, names_old(a, t));
    const char *refs = "";
    for (size_t i = 0; i < t->nfks; i++)
        if (t->fks[i].ref != t) {
            const char *r = arena_printf(a, ", %s.%s", t->fks[i].ref ? t->fks[i].ref->schema.s : t->schema.s,
                                         t->fks[i].ref_table.s);
            if (!strstr(arena_printf(a, "%s,", refs), arena_printf(a, "%s,", r)))
                refs = arena_printf(a, "%s%s", refs, r);
        }
    up(b, STEP_CONV_ATTACH_SWAP,
       arena_printf(a, "ACCESS EXCLUSIVE on %s, %s%s (catalog changes only; 5 attempts, each shorter than "
                       "deadlock_timeout)%s", q, sh, refs,
                    *refs ? "; the referenced tables because ATTACH moves the foreign keys' triggers" : ""),
       arena_printf(a, "swap: %s becomes %s and the partition of every row before the cutover of %s, which "
                       "becomes %s (no row read: the bound proves the range; no index built: each is adopted); "
                       "ids continue", q, ol, sh, q));
    down(b, STEP_CONV_ATTACH_UNSWAP,
         arena_printf(a, "ACCESS EXCLUSIVE on %s and its partitions, for as long as moving back the rows written "
                         "since the swap from the cutover on takes", q),
         arena_printf(a, "swap back: detach %s, which becomes %s again with its identity; rows written since the "
                         "swap from the cutover on move back into it", ol, q));
}

static void plan_cleanup_attach(builder *b, const table *t, int64_t as_of)
{
    arena *a = b->a;
    const char *ol = arena_printf(a, "%s.%s", t->schema.s, names_old(a, t));
    up(b, STEP_CONV_CLEANUP, "none", "refuse before migrate.keep_old has passed since the swap");
    up(b, STEP_CONV_ATTACH_FINISH, "none", arena_printf(a, "drop the state table %s", names_conv(a, t, "backfill_state")));
    up(b, STEP_SET_LIVE, "none",
       t->retention.present
           ? arena_printf(a, "the conversion is over: the runtime's maintenance applies retention from now on (it "
                             "drops %s once all of it is past keep)", ol)
           : "the conversion is over")
        ->phase_to = "live";
    step *s = down(b, STEP_CONV_ATTACH_UNFINISH, "none",
                   arena_printf(a, "refuse unless %s is still a partition; the state table again, swapped", ol));
    s->lo = table_cutover(t, as_of);
    s->hi = t->part.start.v;
    down(b, STEP_SET_LIVE, "none", "the conversion is swapped again: retention waits")->phase_to = "swap";
}

static void plan_create(builder *b, const table *t, int64_t as_of)
{
    arena *a = b->a;
    const char *q = b->qname;
    bool partitioned = t->strategy.v == STRATEGY_PARTITION;
    bool registered = table_uses_runtime(t);
    const char *newlock = arena_printf(a, "ACCESS EXCLUSIVE on %s (new, empty)", q);
    bool sched = t->maintenance.schedule.s && registered;

    if (strcmp(t->schema.s, "public") != 0)
        up(b, STEP_CREATE_SCHEMA, "none",
           arena_printf(a, "create schema %s if it does not exist", t->schema.s));
    if (archives(t))
        up(b, STEP_CREATE_SCHEMA, "none",
           arena_printf(a, "create schema %s if it does not exist", t->retention.archive_schema.s))
            ->archive_schema = true;
    up(b, partitioned ? STEP_CREATE_PARENT : STEP_CREATE_TABLE, "none",
       arena_printf(a, "create %s table %s", partitioned ? "partitioned" : "plain", q));
    if (table_has_security(t))
        up(b, STEP_SECURE_TABLE, newlock,
           arena_printf(a, "secure %s: %s", q, security_summary(a, t)));
    if (registered)
        plan_register(b, t, REL_TABLE);
    if (partitioned)
        plan_partitions(b, t, as_of, REL_TABLE, newlock);
    for (size_t i = 0; i < t->nindexes; i++) {
        step *s = up(b, STEP_CREATE_INDEX, partitioned ? arena_printf(a, "SHARE on %s and every partition (new, empty)", q)
                                                    : arena_printf(a, "SHARE on %s (new, empty)", q),
                     arena_printf(a, "create index %s", t->indexes[i].gen_name));
        s->index_no = i;
    }
    if (t->strategy.v == STRATEGY_BRIN)
        up(b, STEP_CREATE_BRIN_INDEX, arena_printf(a, "SHARE on %s (new, empty)", q),
           arena_printf(a, "create BRIN index %s on %s", names_brin_index(a, t), t->part.key.s));
    for (size_t i = 0; i < t->nfks; i++) {
        step *s = up(b, STEP_ADD_FOREIGN_KEY, fk_lock(a, &t->fks[i]),
                     arena_printf(a, "add foreign key %s", t->fks[i].gen_name));
        s->fk_no = i;
    }
    if (partitioned)
        up(b, STEP_RUN_CREATE_PARTITIONS, arena_printf(a, "ACCESS EXCLUSIVE on %s, only if a partition is missing", q),
           "create the partitions that are missing on the day this runs");
    if (sched)
        up(b, STEP_SCHEDULE, "none",
           arena_printf(a, "schedule maintenance with pg_cron '%s' (NOTICE when pg_cron is absent)",
                        t->maintenance.schedule.s));

    /* rollback: the reverse, object by object */
    if (sched)
        down(b, STEP_UNSCHEDULE, "none", "remove the pg_cron job if there is one");
    if (keeps_detached(t))
        down(b, STEP_NOTICE_DETACHED, "none", "name the tables that retention detached, which stay");
    if (registered)
        down(b, STEP_UNREGISTER, "none", arena_printf(a, "remove %s from the runtime", q));
    down(b, STEP_DROP_TABLE, arena_printf(a, "ACCESS EXCLUSIVE on %s", q),
         arena_printf(a, "drop table %s%s", q, partitioned ? " and all its partitions" : ""));
    if (archives(t))
        down(b, STEP_DROP_SCHEMA, "none",
             arena_printf(a, "drop schema %s if partc created it and it is empty",
                          t->retention.archive_schema.s))
            ->archive_schema = true;
    if (strcmp(t->schema.s, "public") != 0)
        down(b, STEP_DROP_SCHEMA, "none",
             arena_printf(a, "drop schema %s if partc created it and it is empty", t->schema.s));
}

static const char *migration_name(arena *a, const table *t, const char *phase)
{
    const char *what = strcmp(phase, "create") == 0 ? "create_" : "";
    const char *tail = strcmp(phase, "create") == 0 ? "" : arena_printf(a, "_%s", phase);
    return strcmp(t->schema.s, "public") == 0 ? arena_printf(a, "%s%s%s", what, t->name.s, tail)
                                              : arena_printf(a, "%s%s_%s%s", what, t->schema.s, t->name.s, tail);
}

const char *plan_first_name(arena *a, const table *t)
{
    return migration_name(a, t, t->mode.v == MODE_CONVERT ? "prepare" : "create");
}

static migration *add_migration_row(plan *p)
{
    arena *a = p->a;
    if (p->n == p->cap) {
        size_t nc = p->cap ? p->cap * 2 : 16;
        p->v = arena_grow(a, p->v, p->n, nc, sizeof *p->v);
        p->cap = nc;
    }
    migration *m = &p->v[p->n++];
    memset(m, 0, sizeof *m);
    return m;
}

static migration *add_migration(plan *p, const table *t, const char *phase)
{
    if (!t) {
        migration *m = add_migration_row(p);
        m->phase = phase;
        m->lock_timeout_ms = -1;
        return m;
    }
    arena *a = p->a;
    migration *m = add_migration_row(p);
    m->t = t;
    m->phase = phase;
    m->name = migration_name(a, t, phase);
    m->lock_timeout_ms = t->mode.v == MODE_CONVERT && t->migrate.lock_timeout_ms.v >= 0 ? t->migrate.lock_timeout_ms.v
                                                                                   : -1;
    return m;
}

static void finish(migration *m)
{
    m->in_tx = true;
    for (size_t k = 0; k < m->nup; k++)
        m->in_tx = m->in_tx && m->up[k].in_tx;
    m->down_in_tx = true;
    for (size_t k = 0; k < m->ndown; k++)
        m->down_in_tx = m->down_in_tx && m->down[k].in_tx;
}

/* method attach: before the backfill, one migration per index that its keys
 * need, built CONCURRENTLY (alone in its file, outside a transaction). */
static void plan_attach_builds(plan *p, const table *t, const char *qname, const char *rt, int64_t as_of)
{
    arena *a = p->a;
    size_t nk, n = 0;
    const attach_key *ks = names_attach_keys(a, t, &nk);
    for (size_t i = 0; i < nk; i++) {
        for (int plain = 0; plain <= (ks[i].type == 'p'); plain++) {
            migration *m = add_migration(p, t, "backfill");
            m->name = arena_printf(a, "%s_index_%zu", migration_name(a, t, "backfill"), ++n);
            m->as_of = as_of;
            builder b = {a, m, qname, rt, 0};
            const char *name = plain ? ks[i].plain : ks[i].build;
            const char *what = plain ? arena_printf(a, "the primary key's own columns, which stay unique through it")
                                     : arena_printf(a, "the %s extended with %s, which the partitioned table's "
                                                       "adopts at the swap",
                                                    ks[i].type == 'p' ? "primary key" : "unique key", t->part.key.s);
            step *s = up(&b, STEP_CONV_ATTACH_BUILD, arena_printf(a, "SHARE UPDATE EXCLUSIVE on %s (writers go on)", qname),
                         arena_printf(a, "create unique index %s concurrently: %s", name, what));
            s->in_tx = false;
            s->index_no = i;
            s->plain = plain;
            s = down(&b, STEP_CONV_ATTACH_BUILD_DROP, arena_printf(a, "SHARE UPDATE EXCLUSIVE on %s", qname),
                     arena_printf(a, "drop index %s concurrently if it is there", name));
            s->in_tx = false;
            s->index_no = i;
            s->plain = plain;
            m->about = arena_printf(a, "builds the unique index %s on %s without blocking writers: %s.", name, qname,
                                    what);
            m->undo = arena_printf(a, "drops it, without blocking writers, if it is there.");
            finish(m);
        }
    }
}

static void plan_rewire_indexes(plan *p, const table *t, const char *qname, const char *rt, int64_t as_of)
{
    arena *a = p->a;
    for (size_t i = 0; i < t->nrewires; i++) {
        const rewire *rw = &t->rewires[i];
        const foreign_key *fk = &rw->r->fks[rw->fk_no];
        const char *r = rw_name(a, rw);
        migration *m = add_migration(p, t, "backfill");
        m->name = arena_printf(a, "%s_index_%zu", migration_name(a, t, "backfill"), i + 1);
        m->as_of = as_of;
        builder b = {a, m, qname, rt, 0};
        step *s = up(&b, STEP_REWIRE_INDEX, arena_printf(a, "SHARE UPDATE EXCLUSIVE on %s (writers go on)", r),
                     arena_printf(a, "create index %s concurrently on %s (%s, %s)", rw->index, r,
                                  rw_cols(a, &fk->columns), rw->column));
        s->in_tx = false;
        s->rewire_no = i;
        s = down(&b, STEP_REWIRE_INDEX_DROP, arena_printf(a, "SHARE UPDATE EXCLUSIVE on %s", r),
                 arena_printf(a, "drop index %s concurrently if it is there", rw->index));
        s->in_tx = false;
        s->rewire_no = i;
        m->about = arena_printf(a, "builds the index %s on %s (%s, %s) without blocking writers: the columns of "
                                   "its foreign key into %s after the swap.", rw->index, r,
                                rw_cols(a, &fk->columns), rw->column, qname);
        m->undo = arena_printf(a, "drops it, without blocking writers, if it is there.");
        finish(m);
    }
}

int plan_build(plan *p, const specset *ss, int64_t as_of, arena *a)
{
    return plan_build_with(p, ss, as_of, NULL, NULL, NULL, NULL, a);
}

/* The same for method attach. */
static void describe_attach(builder *b, const table *t, size_t k, int64_t as_of, const char *sh, const char *ol)
{
    arena *a = b->a;
    migration *m = b->m;
    const char *q = b->qname;
    char when[11];
    cal_format_date(table_cutover(t, as_of), when);
    switch (k) {
    case 0:
        m->about = arena_printf(a, "converts %s without copying a row (migrate.method: attach): checks it against "
                                   "its spec, creates the partitioned table %s beside it with its ranges from the "
                                   "cutover %s on, registers it with the runtime, and adds to %s a bound, NOT VALID, "
                                   "that refuses rows from %s on until the swap (it must run before then).",
                                q, sh, when, q, when);
        m->undo = arena_printf(a, "drops %s, the bound and the registration; refused once the table is swapped.", sh);
        break;
    case 1:
        m->about = arena_printf(a, "%svalidates the bound of %s while writers go on (every row is read, none is "
                                   "copied), then gives it the keys of the partitioned table from the indexes "
                                   "built concurrently, under a short lock. Resumable.%s",
                                t->migrate.backfill_in.v == BACKFILL_IN_PG_CRON
                                    ? "starts a pg_cron job that "
                                    : "",
                                q,
                                t->migrate.backfill_in.v == BACKFILL_IN_PG_CRON
                                    ? arena_printf(a, " Its progress: SELECT * FROM %s.conversions(). The swap "
                                                      "refuses until it is done. Without pg_cron it runs here.",
                                                   b->rt)
                                    : "");
        m->undo = arena_printf(a, "puts the keys of %s back as they were and the bound back to NOT VALID; refused "
                                  "after the swap. It uses up the indexes the backfill_index migrations built: roll "
                                  "those back too before applying them and this again.", q);
        break;
    case 2:
        m->about = arena_printf(a, "swaps in one short transaction: %s becomes %s, the partition of every row before "
                                   "%s, and %s becomes %s; no row is read or copied; ids continue.",
                                q, ol, when, sh, q);
        m->undo = arena_printf(a, "detaches %s and makes it %s again, moving back the rows written since the swap "
                                  "from the cutover on (under its lock, for as long as they take; refused, saying "
                                  "which, if one breaks a key of %s); no write is lost.", ol, q, q);
        break;
    default:
        m->about = arena_printf(a, "ends the conversion once migrate.keep_old (%s) has passed since the swap: drops "
                                   "its state; the runtime applies retention from then on, and drops %s once all "
                                   "of it is past keep.",
                                fmt_duration(a, t->migrate.keep_old.v), ol);
        m->undo = arena_printf(a, "swaps the conversion again (retention waits), as long as %s is still a "
                                  "partition.", ol);
        break;
    }
}

/* What a conversion's phase k does, and its rollback, for the file heads. */
static void describe_conversion(builder *b, const table *t, size_t k, int64_t as_of)
{
    arena *a = b->a;
    migration *m = b->m;
    const char *q = b->qname;
    const char *sh = arena_printf(a, "%s.%s", t->schema.s, names_shadow(a, t));
    const char *ol = arena_printf(a, "%s.%s", t->schema.s, names_old(a, t));
    if (attaches(t)) {
        describe_attach(b, t, k, as_of, sh, ol);
        return;
    }
    switch (k) {
    case 0:
        m->about = arena_printf(a, "checks %s against its spec, then creates the partitioned table %s beside it "
                                   "(%s), registers it with the runtime and records the key of every row written "
                                   "to %s from then on.", q, sh, partitions_text(a, t, as_of), q);
        m->undo = arena_printf(a, "drops %s, the sync triggers and objects and the registration; refused once "
                                  "the table is swapped.", sh);
        break;
    case 1:
        if (t->migrate.backfill_in.v == BACKFILL_IN_PG_CRON) {
            m->about = arena_printf(a, "starts the copy of %s into %s as a pg_cron job and returns: every minute the "
                                       "job resumes the copy (batches of %lld rows, one transaction each), builds "
                                       "the keys and indexes, applies the recorded writes and mirrors every write "
                                       "from then on, then removes itself. Its progress: SELECT * FROM "
                                       "%s.conversions(). The swap refuses until it is done. Without pg_cron the "
                                       "copy runs in this migration.",
                                    q, sh, (long long)t->migrate.batch_size.v, b->rt);
            m->undo = arena_printf(a, "stops the job (a run in progress is cancelled), empties %s and records keys "
                                      "again; refused after the swap.", sh);
            break;
        }
        m->about = arena_printf(a, "copies %s into %s in batches of %lld rows, one transaction each (resumable: "
                                   "run it again after an interruption), builds the keys and indexes, applies the "
                                   "recorded writes and mirrors every write from then on.",
                                q, sh, (long long)t->migrate.batch_size.v);
        m->undo = arena_printf(a, "empties %s and records keys again; refused after the swap.", sh);
        break;
    case 2:
        m->about = arena_printf(a, "swaps in one short transaction: %s becomes %s and %s becomes %s; ids continue; "
                                   "every write is mirrored back to %s.", q, ol, sh, q, ol);
        m->undo = arena_printf(a, "swaps back (%s becomes %s again) without losing a write made since the swap.",
                               ol, q);
        break;
    default:
        m->about = arena_printf(a, "drops %s and the sync objects, once migrate.keep_old (%s) has passed since "
                                   "the swap; the runtime applies retention from then on.",
                                ol, fmt_duration(a, t->migrate.keep_old.v));
        m->undo = arena_printf(a, "nothing can be undone: the rows of %s are gone, so it fails, saying so.", ol);
        break;
    }
}

static void describe_create(builder *b, const table *t, int64_t as_of)
{
    arena *a = b->a;
    bool partitioned = t->strategy.v == STRATEGY_PARTITION;
    b->m->about = arena_printf(a, "creates %s table %s%s%s%s.", partitioned ? "the partitioned" : "the",
                               b->qname, partitioned ? arena_printf(a, " (%s)", partitions_text(a, t, as_of)) : "",
                               table_has_security(t) ? " with its security" : "",
                               table_uses_runtime(t) ? " and registers it with the runtime" : "");
    b->m->undo = arena_printf(a, "drops %s%s%s.", b->qname, partitioned ? " and its partitions" : "",
                              table_uses_runtime(t) ? " and its registration" : "");
}

/* ---- a change of a table's spec ------------------------------------------ */

/* The text partc.lock records for t's state: its key and its spec. */
static const char *state_text(arena *a, const table *t)
{
    (void)a;
    return t->snapshot;
}

static step *col_step(builder *b, bool is_up, step_kind k, const table *t, const column *c, col_change ch,
                      const char *lock, const char *summary)
{
    step *s = is_up ? up(b, k, lock, summary) : down(b, k, lock, summary);
    s->t = t;
    s->col_no = (size_t)(c - t->columns);
    s->change = ch;
    return s;
}

/* The column steps that take `from` to `to` (up), or back (down). */
static void plan_columns(builder *b, const table *from, const table *to, bool is_up)
{
    arena *a = b->a;
    const char *q = b->qname;
    bool parts = to->strategy.v == STRATEGY_PARTITION;
    const char *brief = arena_printf(a, "ACCESS EXCLUSIVE on %s%s, briefly (no rewrite)", q,
                                     parts ? " and every partition" : "");
    const char *scan = arena_printf(a, "ACCESS EXCLUSIVE on %s%s while every row is checked", q,
                                    parts ? " and every partition" : "");
    const char *verb = is_up ? "" : "back: ";
    for (size_t i = 0; i < to->ncolumns; i++) {
        const column *c = &to->columns[i];
        const column *o = table_column(from, c->name.s);
        if (!o)
            continue;
        if (strcmp(c->type.s, o->type.s) != 0)
            col_step(b, is_up, STEP_ALTER_COLUMN, to, c, CC_TYPE,
                     evolve_type_widens(o->type.s, c->type.s) ? brief : arena_printf(a, "%s (and a rewrite)", scan),
                     arena_printf(a, "%scolumn %s becomes %s", verb, c->name.s, c->type.s));
        /* a default is set again after a type change: PostgreSQL keeps the
         * stored expression, cast to the old type */
        if (!(c->default_expr.s ? o->default_expr.s && !strcmp(c->default_expr.s, o->default_expr.s)
                                : !o->default_expr.s) ||
            (c->default_expr.s && strcmp(c->type.s, o->type.s) != 0))
            col_step(b, is_up, STEP_ALTER_COLUMN, to, c, c->default_expr.s ? CC_SET_DEFAULT : CC_DROP_DEFAULT, brief,
                     c->default_expr.s ? arena_printf(a, "%scolumn %s defaults to %s", verb, c->name.s, c->default_expr.s)
                                       : arena_printf(a, "%scolumn %s has no default", verb, c->name.s));
        /* NOT NULL set by the change: through a check (plan_not_null), in
         * both directions */
        bool nn_set = is_up ? !c->nullable.v && o->nullable.v : c->nullable.v && !o->nullable.v;
        if (c->nullable.v != o->nullable.v && !nn_set)
            col_step(b, is_up, STEP_ALTER_COLUMN, to, c, c->nullable.v ? CC_DROP_NOT_NULL : CC_SET_NOT_NULL,
                     c->nullable.v ? brief : scan,
                     arena_printf(a, "%scolumn %s %s", verb, c->name.s, c->nullable.v ? "may be NULL" : "is NOT NULL"));
    }
    for (size_t i = 0; i < to->ncolumns; i++) {
        const column *c = &to->columns[i];
        if (table_column(from, c->name.s))
            continue;
        col_step(b, is_up, STEP_ADD_COLUMN, to, c, CC_TYPE, brief,
                 arena_printf(a, "%sadd column %s %s", verb, c->name.s, c->type.s));
        if (!c->nullable.v && !c->default_expr.s)
            col_step(b, is_up, STEP_ALTER_COLUMN, to, c, CC_SET_NOT_NULL, scan,
                     arena_printf(a, "%scolumn %s is NOT NULL (the rows there must all have it)", verb, c->name.s));
    }
    for (size_t i = 0; i < from->ncolumns; i++) {
        const column *o = &from->columns[i];
        if (!table_column(to, o->name.s))
            col_step(b, is_up, STEP_DROP_COLUMN, from, o, CC_TYPE, brief,
                     arena_printf(a, "%sdrop column %s and its values", verb, o->name.s));
    }
}

/* A step about item i of t: its index (index steps) or check (check steps). */
static step *item_step(builder *b, bool is_up, step_kind k, const table *t, size_t i, const char *lock,
                        const char *summary)
{
    step *s = is_up ? up(b, k, lock, summary) : down(b, k, lock, summary);
    s->t = t;
    s->index_no = i;
    return s;
}

/* The items 0..count-1 of t that other lacks, by kept(); their numbers in
 * out when it is not NULL. */
static size_t not_kept(const table *t, size_t count, bool (*kept)(const table *, size_t, const table *),
                       const table *other, size_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < count; i++)
        if (!kept(t, i, other)) {
            if (out)
                out[n] = i;
            n++;
        }
    return n;
}

/* The checks of t that other lacks (by name and expression). */
static size_t new_checks(const table *t, const table *other, size_t *out)
{
    return not_kept(t, t->nchecks, evolve_check_kept, other, out);
}


/* In the change's own migration: the checks it drops, and those it adds
 * NOT VALID (the catalog only); in its rollback the reverse, a dropped check
 * added back validating every row (after the columns are back). */
static void plan_checks(builder *b, const table *from, const table *to, bool is_up, bool back)
{
    arena *a = b->a;
    const char *q = b->qname;
    const char *every = to->strategy.v == STRATEGY_PARTITION ? " and every partition" : "";
    const char *brief = arena_printf(a, "ACCESS EXCLUSIVE on %s%s, briefly (no row is read)", q, every);
    if (back) {
        for (size_t i = 0; i < to->nchecks; i++)
            if (!evolve_check_kept(to, i, from))
                item_step(b, false, STEP_ADD_CHECK, to, i,
                           arena_printf(a, "ACCESS EXCLUSIVE on %s%s while every row is checked", q, every),
                           arena_printf(a, "back: check %s, every row checked", to->checks[i].name.s));
        return;
    }
    for (size_t i = 0; i < from->nchecks; i++)
        if (!evolve_check_kept(from, i, to))
            item_step(b, is_up, STEP_DROP_SPEC_CHECK, from, i, brief,
                       arena_printf(a, "%sdrop check %s", is_up ? "" : "back: ", from->checks[i].name.s));
    if (!is_up)
        return;
    for (size_t i = 0; i < to->nchecks; i++)
        if (!evolve_check_kept(to, i, from))
            item_step(b, true, STEP_ADD_CHECK_NOT_VALID, to, i, brief,
                       arena_printf(a, "check %s NOT VALID, validated by the next migration", to->checks[i].name.s));
}

/* ---- foreign keys ---- */

static step *fk_step(builder *b, bool is_up, step_kind k, const table *t, size_t i, const char *lock,
                     const char *summary)
{
    step *s = is_up ? up(b, k, lock, summary) : down(b, k, lock, summary);
    s->t = t;
    s->fk_no = i;
    return s;
}

static const char *fk_ref_name(arena *a, const table *t, const foreign_key *fk)
{
    return arena_printf(a, "%s.%s", fk->ref ? fk->ref->schema.s : fk->ref_schema.s ? fk->ref_schema.s : t->schema.s,
                        fk->ref_table.s);
}

/* The foreign keys of from that to lacks, dropped: in the change's own
 * migration (is_up: from the parent, with its partitions' parts), or in its
 * rollback, the ones the change added (on each partition, unvalidated, as the
 * change's own migration left them before the next one validated them). */
static void plan_fk_drops(builder *b, const table *from, const table *to, bool is_up)
{
    arena *a = b->a;
    bool parts = from->strategy.v == STRATEGY_PARTITION;
    for (size_t i = 0; i < from->nfks; i++) {
        if (evolve_fk_kept(from, i, to))
            continue;
        const char *lock = arena_printf(a, "ACCESS EXCLUSIVE on %s%s and on %s, briefly",
                                        b->qname, parts ? " and its partitions" : "",
                                        fk_ref_name(a, from, &from->fks[i]));
        if (is_up)
            fk_step(b, true, STEP_DROP_FK, from, i, lock,
                    arena_printf(a, "drop foreign key %s", from->fks[i].gen_name));
        else
            fk_step(b, false, parts ? STEP_DROP_FK_PARTS : STEP_DROP_FK, from, i, lock,
                    arena_printf(a, "back: drop foreign key %s", from->fks[i].gen_name));
    }
}

/* The foreign keys of to that from lacks, NOT VALID: on the table, or on
 * each partition of a partitioned one (the next migration validates them). */
static void plan_fk_adds(builder *b, const table *from, const table *to)
{
    arena *a = b->a;
    bool parts = to->strategy.v == STRATEGY_PARTITION;
    for (size_t i = 0; i < to->nfks; i++)
        if (!evolve_fk_kept(to, i, from))
            fk_step(b, true, parts ? STEP_ADD_FK_PARTS : STEP_ADD_FK_NOT_VALID, to, i,
                    arena_printf(a, "SHARE ROW EXCLUSIVE on %s%s and on %s, briefly (no row is read)", b->qname,
                                 parts ? " and its partitions" : "", fk_ref_name(a, to, &to->fks[i])),
                    arena_printf(a, "foreign key %s NOT VALID%s, validated by the next migration",
                                 to->fks[i].gen_name, parts ? " on each partition" : ""));
}

/* In a rollback, after the columns are back: the foreign keys of to that
 * from lacks (the ones the change dropped), every row checked. */
static void plan_fk_back(builder *b, const table *from, const table *to)
{
    arena *a = b->a;
    for (size_t i = 0; i < to->nfks; i++)
        if (!evolve_fk_kept(to, i, from))
            fk_step(b, false, STEP_ADD_FOREIGN_KEY, to, i,
                    arena_printf(a, "SHARE ROW EXCLUSIVE on %s and on %s while every row is checked", b->qname,
                                 fk_ref_name(a, to, &to->fks[i])),
                    arena_printf(a, "back: foreign key %s, every row checked", to->fks[i].gen_name));
}

/* The foreign keys of t that other lacks (the same in every part). */
static size_t new_fks(const table *t, const table *other, size_t *out)
{
    return not_kept(t, t->nfks, evolve_fk_kept, other, out);
}

/* The existing columns the change makes NOT NULL. */
static size_t not_null_set(const table *from, const table *to, const column **out)
{
    size_t n = 0;
    for (size_t i = 0; i < to->ncolumns; i++) {
        const column *o = table_column(from, to->columns[i].name.s);
        if (o && o->nullable.v && !to->columns[i].nullable.v) {
            if (out)
                out[n] = &to->columns[i];
            n++;
        }
    }
    return n;
}

/* What the change proves of every row without a long lock: the change's
 * migration adds each new check, and CHECK (c IS NOT NULL) for each column
 * made NOT NULL, NOT VALID (the catalog only); a second migration,
 * <change>_validate, validates them (SHARE UPDATE EXCLUSIVE: writers go on
 * while every row is read), sets NOT NULL (proven by its check: no scan) and
 * drops those checks. */
static void plan_validate(plan *p, const specset *ss, migration *m, const table *from, const table *to,
                          const char *qname)
{
    arena *a = p->a;
    size_t n = not_null_set(from, to, NULL), nc = new_checks(to, from, NULL), nf = new_fks(to, from, NULL);
    if (!n && !nc && !nf)
        return;
    size_t *fks = arena_calloc(a, nf + 1, sizeof *fks);
    new_fks(to, from, fks);
    const column **cols = arena_calloc(a, n + 1, sizeof *cols);
    not_null_set(from, to, cols);
    size_t *chk = arena_calloc(a, nc + 1, sizeof *chk);
    new_checks(to, from, chk);
    bool parts = to->strategy.v == STRATEGY_PARTITION;
    const char *every = parts ? " and every partition" : "";
    const char *brief = arena_printf(a, "ACCESS EXCLUSIVE on %s%s, briefly (no row is read)", qname, every);
    const char *scan = arena_printf(a, "SHARE UPDATE EXCLUSIVE on %s%s while every row is read (writers go on)",
                                    qname, every);
    builder b = {a, m, qname, ss->settings.runtime_schema.s, ss->settings.postgres.v};
    for (size_t i = 0; i < n; i++)
        col_step(&b, true, STEP_ADD_NOT_NULL_CHECK, to, cols[i], CC_SET_NOT_NULL, brief,
                 arena_printf(a, "column %s: CHECK (%s IS NOT NULL) NOT VALID, validated by the next migration",
                              cols[i]->name.s, cols[i]->name.s));
    /* its rollback first, in the order of the down steps */
    step *old = m->down;
    size_t nold = m->ndown;
    m->down = NULL;
    m->ndown = m->capdown = 0;
    for (size_t i = 0; i < n; i++)
        col_step(&b, false, STEP_DROP_CHECK, to, cols[i], CC_SET_NOT_NULL, brief,
                 arena_printf(a, "back: drop the check of column %s", cols[i]->name.s));
    for (size_t i = 0; i < nold; i++)
        *push(a, &m->down, &m->ndown, &m->capdown) = old[i];

    migration *v = add_migration_row(p);
    m = &p->v[p->n - 2]; /* the array may have moved */
    v->t = to;
    v->phase = "change";
    v->name = arena_printf(a, "%s_validate", m->name);
    v->lock_timeout_ms = -1;
    v->as_of = m->as_of;
    b.m = v;
    const char *names = "";
    for (size_t i = 0; i < nc; i++) {
        item_step(&b, true, STEP_VALIDATE_SPEC_CHECK, to, chk[i], scan,
                   arena_printf(a, "validate check %s", to->checks[chk[i]].name.s));
        names = arena_printf(a, "%s%scheck %s", names, *names ? ", " : "", to->checks[chk[i]].name.s);
    }
    for (size_t i = 0; i < nf; i++) {
        const foreign_key *f = &to->fks[fks[i]];
        const char *ref = fk_ref_name(a, to, f);
        if (parts) {
            fk_step(&b, true, STEP_VALIDATE_FK_PARTS, to, fks[i],
                    arena_printf(a, "SHARE UPDATE EXCLUSIVE on each partition of %s and ROW SHARE on %s while "
                                    "every row is read (writers go on)", qname, ref),
                    arena_printf(a, "validate foreign key %s on each partition", f->gen_name));
            fk_step(&b, true, STEP_ADD_FOREIGN_KEY, to, fks[i],
                    arena_printf(a, "SHARE ROW EXCLUSIVE on %s, its partitions and %s, briefly (the partitions' "
                                    "validated keys are adopted: no row is read, but for a partition made since "
                                    "the migration before, which is checked)", qname, ref),
                    arena_printf(a, "foreign key %s on %s, adopting its partitions' keys", f->gen_name, qname));
        } else {
            fk_step(&b, true, STEP_VALIDATE_FK, to, fks[i],
                    arena_printf(a, "SHARE UPDATE EXCLUSIVE on %s and ROW SHARE on %s while every row is read "
                                    "(writers go on)", qname, ref),
                    arena_printf(a, "validate foreign key %s", f->gen_name));
        }
        names = arena_printf(a, "%s%sforeign key %s", names, *names ? ", " : "", f->gen_name);
    }
    for (size_t i = 0; i < n; i++) {
        col_step(&b, true, STEP_VALIDATE_CHECK, to, cols[i], CC_SET_NOT_NULL, scan,
                 arena_printf(a, "validate the check of column %s", cols[i]->name.s));
        col_step(&b, true, STEP_ALTER_COLUMN, to, cols[i], CC_SET_NOT_NULL, brief,
                 arena_printf(a, "column %s is NOT NULL (proven by the check)", cols[i]->name.s));
        col_step(&b, true, STEP_DROP_CHECK, to, cols[i], CC_SET_NOT_NULL, brief,
                 arena_printf(a, "drop the check of column %s", cols[i]->name.s));
        names = arena_printf(a, "%s%s%s NOT NULL", names, *names ? ", " : "", cols[i]->name.s);
    }
    for (size_t i = n; i-- > 0;) {
        col_step(&b, false, STEP_ALTER_COLUMN, to, cols[i], CC_DROP_NOT_NULL, brief,
                 arena_printf(a, "back: column %s may be NULL", cols[i]->name.s));
        col_step(&b, false, STEP_ADD_NOT_NULL_CHECK, to, cols[i], CC_SET_NOT_NULL, brief,
                 arena_printf(a, "back: the check of column %s, NOT VALID", cols[i]->name.s));
    }
    for (size_t i = nc; i-- > 0;) {
        item_step(&b, false, STEP_DROP_SPEC_CHECK, to, chk[i], brief,
                   arena_printf(a, "back: check %s unvalidated (dropped, then added NOT VALID)",
                                to->checks[chk[i]].name.s));
        item_step(&b, false, STEP_ADD_CHECK_NOT_VALID, to, chk[i], brief,
                   arena_printf(a, "back: check %s NOT VALID", to->checks[chk[i]].name.s));
    }
    for (size_t i = nf; i-- > 0;) {
        const foreign_key *f = &to->fks[fks[i]];
        const char *ref = fk_ref_name(a, to, f);
        const char *lk = arena_printf(a, "ACCESS EXCLUSIVE on %s%s and on %s, briefly", qname,
                                      parts ? " and its partitions" : "", ref);
        fk_step(&b, false, STEP_DROP_FK, to, fks[i], lk,
                arena_printf(a, "back: drop foreign key %s%s", f->gen_name, parts ? " from the parent" : ""));
        fk_step(&b, false, parts ? STEP_ADD_FK_PARTS : STEP_ADD_FK_NOT_VALID, to, fks[i],
                arena_printf(a, "SHARE ROW EXCLUSIVE on %s%s and on %s, briefly (no row is read)", qname,
                             parts ? " and its partitions" : "", ref),
                arena_printf(a, "back: foreign key %s NOT VALID%s", f->gen_name, parts ? " on each partition" : ""));
    }
    v->about = arena_printf(a, "proves %s in %s without a long lock: validates what the migration before added "
                               "NOT VALID (every row is read; writes go on)%s%s. A row that fails stops it: fix "
                               "those first.",
                            names, qname, n ? ", then sets NOT NULL, which its check proves, and drops that check" : "",
                            nf && parts ? "; a foreign key validated on each partition is then put on the "
                                          "partitioned table, which adopts them without reading a row" : "");
    v->undo = arena_printf(a, "puts back the unvalidated %s%s%s%s.", nc || n ? "checks" : "",
                           (nc || n) && nf ? " and " : "", nf ? "foreign keys" : "",
                           n ? " (and lets the columns be NULL again)" : "");
    finish(v);
}

/* ---- indexes ---- */

/* t's index named like ix, or NULL. */
static const index *index_named(const table *t, const index *ix)
{
    for (size_t i = 0; i < t->nindexes; i++)
        if (strcmp(t->indexes[i].gen_name, ix->gen_name) == 0)
            return &t->indexes[i];
    return NULL;
}

/* Is index i of t new or changed against other? */
static bool index_new(const table *t, size_t i, const table *other)
{
    const index *o = index_named(other, &t->indexes[i]);
    return !o || !evolve_same_index(o, &t->indexes[i]);
}

/* A plain table's index the change drops, whose columns all stay: dropped
 * CONCURRENTLY in a migration of its own (and built so by its rollback).
 * One on a column the change drops goes with the change's own migration. */
static bool drop_apart(const table *from, size_t i, const table *to)
{
    if (from->strategy.v == STRATEGY_PARTITION || !index_new(from, i, to) || index_named(to, &from->indexes[i]))
        return false;
    const index *ix = &from->indexes[i];
    for (size_t k = 0; k < ix->columns.n; k++)
        if (!(ix->cols && ix->cols[k].expression) && !table_column(to, ix->columns.v[k].s))
            return false;
    for (size_t k = 0; k < ix->include.n; k++)
        if (!table_column(to, ix->include.v[k].s))
            return false;
    return true;
}


/* In the change's own migration: the indexes it drops, and (partitioned)
 * the parent's part of the ones it adds; in its rollback, the reverse.
 * drops_back: the down's rebuild of the dropped ones, after the columns. */
static void plan_index_steps(builder *b, const table *from, const table *to, bool is_up, bool drops_back)
{
    arena *a = b->a;
    const char *q = b->qname;
    bool parts = to->strategy.v == STRATEGY_PARTITION;
    if (drops_back) {
        /* rebuilt as they were: the build holds SHARE (writers wait) */
        for (size_t i = 0; i < to->nindexes; i++)
            if (index_new(to, i, from) && !drop_apart(to, i, from))
                item_step(b, false, STEP_CREATE_INDEX, to, i,
                           arena_printf(a, "SHARE on %s%s while it is built: writers wait", q,
                                        parts ? " and every partition" : ""),
                           arena_printf(a, "back: build index %s again", to->indexes[i].gen_name));
        return;
    }
    for (size_t i = 0; i < from->nindexes; i++)
        if (index_new(from, i, to) && !(is_up && drop_apart(from, i, to)))
            item_step(b, is_up, STEP_DROP_INDEX, from, i,
                       arena_printf(a, "ACCESS EXCLUSIVE on %s%s, briefly", q, parts ? " and every partition" : ""),
                       arena_printf(a, "%sdrop index %s", is_up ? "" : "back: ", from->indexes[i].gen_name));
    if (!is_up || !parts)
        return;
    for (size_t i = 0; i < to->nindexes; i++)
        if (index_new(to, i, from))
            item_step(b, true, STEP_CREATE_INDEX_ONLY, to, i, arena_printf(a, "SHARE on %s alone, briefly", q),
                       arena_printf(a, "index %s on %s alone (the catalog only; its partitions follow)",
                                    to->indexes[i].gen_name, q));
}

static migration *index_migration(plan *p, const migration *m, const char *suffix, int k)
{
    migration *v = add_migration_row(p);
    v->t = m->t;
    v->phase = "change";
    v->name = arena_printf(p->a, "%s_%s_%d", m->name, suffix, k);
    v->lock_timeout_ms = -1;
    v->as_of = m->as_of;
    return v;
}

/* The migrations that build the new indexes without blocking writers.
 * Partitioned: CREATE INDEX CONCURRENTLY on the partitions that take writes
 * when the migrations are compiled (the range of --as-of and the next),
 * each alone in its file, then the runtime's attach_index, which attaches
 * them and builds the others (partitions no longer or not yet written), a
 * transaction each.  A plain table: CREATE INDEX CONCURRENTLY. */
static void plan_index_builds(plan *p, const specset *ss, size_t mi, const table *from, const table *to,
                              const char *qname)
{
    arena *a = p->a;
    bool parts = to->strategy.v == STRATEGY_PARTITION;
    int k = 0;
    for (size_t i = 0; i < from->nindexes; i++) {
        if (!drop_apart(from, i, to))
            continue;
        const index *ix = &from->indexes[i];
        migration *v = index_migration(p, &p->v[mi], "drop", ++k);
        builder b = {a, v, qname, ss->settings.runtime_schema.s, ss->settings.postgres.v};
        item_step(&b, true, STEP_DROP_INDEX_CONCURRENTLY, from, i,
                   arena_printf(a, "SHARE UPDATE EXCLUSIVE on %s (writers go on)", qname),
                   arena_printf(a, "drop index %s concurrently", ix->gen_name))->in_tx = false;
        item_step(&b, false, STEP_CREATE_INDEX_CONCURRENTLY, from, i,
                   arena_printf(a, "SHARE UPDATE EXCLUSIVE on %s while it is built (writers go on)", qname),
                   arena_printf(a, "back: build index %s concurrently", ix->gen_name))->in_tx = false;
        v->about = arena_printf(a, "drops index %s of %s without blocking writers.", ix->gen_name, qname);
        v->undo = arena_printf(a, "builds index %s again without blocking writers.", ix->gen_name);
        finish(v);
    }
    for (size_t i = 0; i < to->nindexes; i++) {
        if (!index_new(to, i, from))
            continue;
        const index *ix = &to->indexes[i];
        if (!parts) {
            migration *v = index_migration(p, &p->v[mi], "index", ++k);
            builder b = {a, v, qname, ss->settings.runtime_schema.s, ss->settings.postgres.v};
            item_step(&b, true, STEP_CREATE_INDEX_CONCURRENTLY, to, i,
                       arena_printf(a, "SHARE UPDATE EXCLUSIVE on %s while it is built (writers go on)", qname),
                       arena_printf(a, "build index %s concurrently", ix->gen_name))->in_tx = false;
            item_step(&b, false, STEP_DROP_INDEX_CONCURRENTLY, to, i,
                       arena_printf(a, "SHARE UPDATE EXCLUSIVE on %s", qname),
                       arena_printf(a, "back: drop index %s concurrently", ix->gen_name))->in_tx = false;
            v->about = arena_printf(a, "builds index %s of %s without blocking writers.", ix->gen_name, qname);
            v->undo = arena_printf(a, "drops index %s without blocking writers.", ix->gen_name);
            finish(v);
            continue;
        }
        int64_t as_of = p->v[mi].as_of, first, count;
        table_static_ranges(to, as_of, &first, &count);
        int64_t cur = cal_floor(to->part.interval.v, as_of);
        /* converted by attach: the table itself holds the ranges before the
         * cutover, as one partition */
        int64_t cut = to->mode.v == MODE_CONVERT && attaches(to) ? table_cutover(to, as_of) : INT64_MIN;
        bool old_done = false;
        for (int r = 0; r < 2 && count > 0; r++) {
            int64_t lo = cal_add(to->part.interval.v, cur, r);
            if (lo < first || lo >= cal_add(to->part.interval.v, first, count))
                continue;
            bool in_old = lo < cut;
            if (in_old && old_done)
                continue;
            old_done = old_done || in_old;
            const char *part = in_old ? names_old(a, to) : names_partition(a, to, lo);
            migration *v = index_migration(p, &p->v[mi], "build", ++k);
            builder b = {a, v, qname, ss->settings.runtime_schema.s, ss->settings.postgres.v};
            step *s = item_step(&b, true, STEP_CREATE_INDEX_CONCURRENTLY, to, i,
                                 arena_printf(a, "SHARE UPDATE EXCLUSIVE on %s.%s while it is built (writers go on)",
                                              to->schema.s, part),
                                 arena_printf(a, "build the part of index %s on %s concurrently", ix->gen_name, part));
            s->in_tx = false;
            s->lo = lo;
            s->part = in_old ? part : NULL;
            s = item_step(&b, false, STEP_DROP_CHILD_INDEX_CONCURRENTLY, to, i,
                           arena_printf(a, "SHARE UPDATE EXCLUSIVE on %s.%s", to->schema.s, part),
                           arena_printf(a, "back: drop the part of index %s on %s, if it is not attached yet",
                                        ix->gen_name, part));
            s->in_tx = false;
            s->lo = lo;
            s->part = in_old ? part : NULL;
            v->about = arena_printf(a, "builds the part of index %s on %s.%s (a partition that takes writes on "
                                       "--as-of %s or the range after) without blocking writers.",
                                    ix->gen_name, to->schema.s, part, fmt_instant(a, as_of));
            v->undo = arena_printf(a, "drops that part again, if the index was not completed.");
            finish(v);
        }
        migration *v = index_migration(p, &p->v[mi], "attach", ++k);
        builder b = {a, v, qname, ss->settings.runtime_schema.s, ss->settings.postgres.v};
        item_step(&b, true, STEP_ATTACH_INDEX, to, i,
                   arena_printf(a, "per partition, a transaction each: SHARE on a partition while its part is built "
                                   "(none that takes writes), then its attach"),
                   arena_printf(a, "complete index %s: attach the parts built, build and attach the others",
                                ix->gen_name))->in_tx = false;
        item_step(&b, false, STEP_DROP_INDEX, to, i,
                   arena_printf(a, "ACCESS EXCLUSIVE on %s and every partition, briefly", qname),
                   arena_printf(a, "back: drop index %s and its parts", ix->gen_name));
        v->about = arena_printf(a, "completes index %s of %s, one partition at a time: attaches the parts built "
                                   "concurrently, builds the others (a partition that holds rows and takes writes "
                                   "now is never built under a lock: it stops, naming the statement to run).",
                                ix->gen_name, qname);
        v->undo = arena_printf(a, "drops index %s with every part.", ix->gen_name);
        finish(v);
    }
}

static bool schedule_of(const table *t, const char **s)
{
    *s = table_uses_runtime(t) ? t->maintenance.schedule.s : NULL;
    return *s != NULL;
}

/* The runtime's row of the table and its pg_cron job, from `from` to `to`. */
static void plan_settings(builder *b, const table *from, const table *to, bool is_up)
{
    arena *a = b->a;
    const char *q = b->qname;
    bool fr = table_uses_runtime(from), tr = table_uses_runtime(to);
    const char *fs, *ts;
    schedule_of(from, &fs);
    schedule_of(to, &ts);
    bool resched = !(fs ? ts && !strcmp(fs, ts) : !ts);
    step *(*add)(builder *, step_kind, const char *, const char *) = is_up ? up : down;
    if (resched && fs)
        add(b, STEP_UNSCHEDULE, "none", "remove the pg_cron job if there is one")->t = from;
    bool same_archive = archives(from) && archives(to) &&
                        !strcmp(from->retention.archive_schema.s, to->retention.archive_schema.s);
    if (archives(to) && !same_archive) {
        step *s = add(b, STEP_CREATE_SCHEMA, "none",
                      arena_printf(a, "create schema %s if it does not exist", to->retention.archive_schema.s));
        s->archive_schema = true;
        s->t = to;
    }
    bool sec = evolve_security_differs(from, to);
    bool parts = to->strategy.v == STRATEGY_PARTITION;
    const char *seclock = arena_printf(a, "ACCESS EXCLUSIVE on %s%s, briefly", q, parts ? " and every partition" : "");
    bool def_on = parts && to->part.default_partition.v && !from->part.default_partition.v;
    bool def_off = parts && from->part.default_partition.v && !to->part.default_partition.v;
    if (def_off)
        add(b, STEP_DROP_DEFAULT_PARTITION, arena_printf(a, "ACCESS EXCLUSIVE on %s, briefly (the default partition "
                                                            "is read: refused while it holds rows)", q),
            arena_printf(a, "%sdrop the default partition %s (refused while it holds rows)", is_up ? "" : "back: ",
                         names_default_partition(a, from)))->t = from;
    if (sec && table_has_security(from)) {
        add(b, STEP_UNSECURE_TABLE, seclock,
            arena_printf(a, "take the security of the version before off %s", q))->t = from;
        if (parts)
            add(b, STEP_UNSECURE_PARTITIONS, "none", "... and off every partition")->t = from;
    }
    if (sec && table_has_security(to))
        add(b, STEP_SECURE_TABLE, seclock, arena_printf(a, "secure %s: %s", q, security_summary(a, to)))->t = to;
    if (fr && !tr)
        add(b, STEP_UNREGISTER, "none", arena_printf(a, "remove %s from the runtime", q))->t = from;
    else if (!fr && tr)
        add(b, STEP_REGISTER, "none",
            arena_printf(a, "register %s with the runtime: its settings are a row of %s.tables", q, b->rt))->t = to;
    else if (fr && (evolve_settings_differ(from, to) || sec))
        add(b, STEP_RECONFIGURE, "none",
            arena_printf(a, "%s the runtime's settings of %s (premake, naming, retention, thresholds, security)",
                         is_up ? "update" : "restore", q))->t = to;
    if (def_on) {
        add(b, STEP_CREATE_DEFAULT_PARTITION, arena_printf(a, "ACCESS EXCLUSIVE on %s, briefly (no row is read)", q),
            arena_printf(a, "%screate the default partition %s", is_up ? "" : "back: ",
                         names_default_partition(a, to)))->t = to;
        if (!sec && table_has_security(to) && tr)
            add(b, STEP_SECURE_DEFAULT_PARTITION, "none", "the table's security on the default partition")->t = to;
    }
    if (sec && table_has_security(to) && parts && tr)
        add(b, STEP_SECURE_PARTITIONS, "none",
            "the table's security on each partition (PostgreSQL does not carry it from the table)")->t = to;
    if (fr && tr && to->strategy.v == STRATEGY_PARTITION &&
        (to->part.premake.v < from->part.premake.v || strcmp(to->part.naming.s, from->part.naming.s)))
        add(b, STEP_RESHAPE_PARTITIONS,
            arena_printf(a, "ACCESS EXCLUSIVE on %s to drop an empty partition beyond premake, on a partition to "
                            "rename it", q),
            strcmp(to->part.naming.s, from->part.naming.s) ? "rename the partitions to the naming of this version"
                                                          : "drop the empty partitions beyond premake")->lo = b->m->as_of;
    if (tr && to->strategy.v == STRATEGY_PARTITION &&
        (!fr || to->part.premake.v > from->part.premake.v || strcmp(to->part.naming.s, from->part.naming.s)))
        add(b, STEP_RUN_CREATE_PARTITIONS,
            arena_printf(a, "ACCESS EXCLUSIVE on %s, only if a partition is missing", q),
            "create the partitions that are missing on the day this runs")->t = to;
    if (archives(from) && !same_archive) {
        step *s = add(b, STEP_DROP_SCHEMA, "none",
                      arena_printf(a, "drop schema %s if partc created it and it is empty",
                                   from->retention.archive_schema.s));
        s->archive_schema = true;
        s->t = from;
    }
    if (resched && ts)
        add(b, STEP_SCHEDULE, "none",
            arena_printf(a, "schedule maintenance with pg_cron '%s' (NOTICE when pg_cron is absent)", ts))->t = to;
}

/* What a change does, for the head of its files. */
static const char *change_text(arena *a, const table *from, const table *to, bool back)
{
    strbuf sb = STRBUF_INIT;
    const char *sep = "";
    size_t added = 0, dropped = 0, altered = 0;
    for (size_t i = 0; i < to->ncolumns; i++) {
        const column *o = table_column(from, to->columns[i].name.s);
        if (!o)
            added++;
        else if (strcmp(o->type.s, to->columns[i].type.s) || o->nullable.v != to->columns[i].nullable.v ||
                 !(o->default_expr.s ? to->columns[i].default_expr.s &&
                                           !strcmp(o->default_expr.s, to->columns[i].default_expr.s)
                                     : !to->columns[i].default_expr.s))
            altered++;
    }
    for (size_t i = 0; i < from->ncolumns; i++)
        if (!table_column(to, from->columns[i].name.s))
            dropped++;
    if (added)
        sb_addf(&sb, "%sadds %zu column%s", sep, added, added == 1 ? "" : "s"), sep = ", ";
    if (altered)
        sb_addf(&sb, "%schanges %zu column%s", sep, altered, altered == 1 ? "" : "s"), sep = ", ";
    if (dropped)
        sb_addf(&sb, "%sdrops %zu column%s and their values", sep, dropped, dropped == 1 ? "" : "s"), sep = ", ";
    if (evolve_settings_differ(from, to) || table_uses_runtime(from) != table_uses_runtime(to))
        sb_addf(&sb, "%supdates its premake, naming, retention or thresholds", sep), sep = ", ";
    if (to->strategy.v == STRATEGY_PARTITION && from->part.default_partition.v != to->part.default_partition.v)
        sb_addf(&sb, "%s%s", sep,
                to->part.default_partition.v ? "adds the default partition"
                                             : "drops the default partition (refused while it holds rows)"),
            sep = ", ";
    if (evolve_security_differs(from, to))
        sb_addf(&sb, "%sreplaces its security (RLS, policies, grants) on the table and every partition", sep), sep = ", ";
    const char *fs, *ts;
    schedule_of(from, &fs);
    schedule_of(to, &ts);
    if (!(fs ? ts && !strcmp(fs, ts) : !ts))
        sb_addf(&sb, "%s%s its pg_cron job", sep, ts ? "schedules" : "removes"), sep = ", ";
    size_t iadd = 0, idrop = 0;
    for (size_t i = 0; i < to->nindexes; i++)
        iadd += index_new(to, i, from);
    for (size_t i = 0; i < from->nindexes; i++)
        idrop += index_new(from, i, to);
    if (idrop)
        sb_addf(&sb, "%sdrops %zu index%s", sep, idrop, idrop == 1 ? "" : "es"), sep = ", ";
    if (iadd)
        sb_addf(&sb, "%sadds %zu index%s %s", sep, iadd, iadd == 1 ? "" : "es",
                back ? "back" : "(built by the migrations that follow when the table has rows)"), sep = ", ";
    size_t cdrop = new_checks(from, to, NULL), cadd = new_checks(to, from, NULL);
    size_t fdrop = new_fks(from, to, NULL), fadd = new_fks(to, from, NULL);
    if (cdrop)
        sb_addf(&sb, "%sdrops %zu check%s", sep, cdrop, cdrop == 1 ? "" : "s"), sep = ", ";
    if (cadd)
        sb_addf(&sb, "%sadds %zu check%s %s", sep, cadd, cadd == 1 ? "" : "s",
                back ? "back, every row checked" : "NOT VALID (validated by the next migration)"), sep = ", ";
    if (fdrop)
        sb_addf(&sb, "%sdrops %zu foreign key%s", sep, fdrop, fdrop == 1 ? "" : "s"), sep = ", ";
    if (fadd)
        sb_addf(&sb, "%sadds %zu foreign key%s %s", sep, fadd, fadd == 1 ? "" : "s",
                back ? "back, every row checked" : "NOT VALID (validated by the next migration)"), sep = ", ";
    if (!*sep)
        sb_puts(&sb, "changes nothing in the database");
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

static void plan_change(plan *p, const specset *ss, const table_change *ch, int64_t as_of)
{
    arena *a = p->a;
    const table *to = ch->to, *from = ch->from;
    migration *m = add_migration_row(p);
    m->t = to;
    m->phase = "change";
    m->name = ch->name;
    m->lock_timeout_ms = -1;
    m->as_of = as_of;
    m->state = state_text(a, to);
    m->state_recorded = ch->st != NULL;
    const char *qname = arena_printf(a, "%s.%s", to->schema.s, to->name.s);
    builder b = {a, m, qname, ss->settings.runtime_schema.s, ss->settings.postgres.v};
    if (from->drop.v != to->drop.v) {
        /* the create migration of the spec, one way or the other */
        const table *t = to->drop.v ? from : to;
        migration tmp = *m;
        tmp.up = tmp.down = NULL;
        tmp.nup = tmp.ndown = tmp.capup = tmp.capdown = 0;
        builder tb = {a, &tmp, qname, ss->settings.runtime_schema.s, ss->settings.postgres.v};
        plan_create(&tb, t, as_of);
        describe_create(&tb, t, as_of);
        for (size_t i = 0; i < tmp.nup; i++)
            tmp.up[i].t = t;
        for (size_t i = 0; i < tmp.ndown; i++)
            tmp.down[i].t = t;
        if (to->drop.v) {
            m->up = tmp.down, m->nup = tmp.ndown, m->capup = tmp.capdown;
            m->down = tmp.up, m->ndown = tmp.nup, m->capdown = tmp.capup;
            m->about = arena_printf(a, "drops %s (drop: true in its spec): %s", qname, tmp.undo);
            m->undo = arena_printf(a, "creates it again, empty: %s", tmp.about);
        } else {
            m->up = tmp.up, m->nup = tmp.nup, m->capup = tmp.capup;
            m->down = tmp.down, m->ndown = tmp.ndown, m->capdown = tmp.capdown;
            m->about = arena_printf(a, "creates %s again (drop: false in its spec): %s", qname, tmp.about);
            m->undo = tmp.undo;
        }
        finish(m);
        return;
    }
    if (to->mode.v == MODE_CONVERT) {
        up(&b, STEP_CHANGE_GUARD, "none", "refuse while the conversion is not cleaned up");
        down(&b, STEP_CHANGE_GUARD, "none", "refuse while the conversion is not cleaned up");
    }
    plan_fk_drops(&b, from, to, true);
    plan_columns(&b, from, to, true);
    plan_settings(&b, from, to, true);
    plan_checks(&b, from, to, true, false);
    plan_fk_adds(&b, from, to);
    plan_index_steps(&b, from, to, true, false);
    /* rollback: the same from the other side, in reverse; dropped indexes,
     * checks and foreign keys come back once their columns are */
    plan_index_steps(&b, to, from, false, false);
    plan_fk_drops(&b, to, from, false);
    plan_checks(&b, to, from, false, false);
    plan_settings(&b, to, from, false);
    plan_columns(&b, to, from, false);
    plan_checks(&b, to, from, false, true);
    plan_fk_back(&b, to, from);
    plan_index_steps(&b, to, from, false, true);
    m->about = arena_printf(a, "changes %s to its spec of this version: %s.", qname, change_text(a, from, to, false));
    m->undo = arena_printf(a, "brings %s back to its spec of the version before: %s.", qname,
                           change_text(a, to, from, true));
    finish(m);
    size_t mi = (size_t)(m - p->v);
    plan_validate(p, ss, m, from, to, qname);
    plan_index_builds(p, ss, mi, from, to, qname);
}

const char *plan_runtime_name(arena *a, int v)
{
    return arena_printf(a, "partc_runtime_v%d", v);
}

int plan_runtime_version_of(const char *name)
{
    static const char prefix[] = "partc_runtime_v";
    size_t n = sizeof prefix - 1;
    if (strncmp(name, prefix, n) != 0 || !name[n] || strspn(name + n, "0123456789") != strlen(name + n) ||
        name[n] == '0' || strlen(name + n) > 6)
        return 0;
    return atoi(name + n);
}

/* The runtime's migration of version v: the first installs the runtime (its
 * rollback refused while a table is registered), a later one upgrades it in
 * place from v - 1 (its rollback restores v - 1). */
static void plan_runtime(plan *p, const specset *ss, int64_t as_of, int v)
{
    arena *a = p->a;
    migration *m = add_migration(p, NULL, "runtime");
    m->name = plan_runtime_name(a, v);
    m->as_of = as_of;
    builder b = {a, m, NULL, ss->settings.runtime_schema.s, ss->settings.postgres.v};
    if (v == 1) {
        up(&b, STEP_RUNTIME_INSTALL, "none",
           arena_printf(a, "create schema %s: the registry of tables and the maintenance functions they share",
                        b.rt))->rt_version = 1;
        down(&b, STEP_RUNTIME_REMOVE, "none",
             arena_printf(a, "refuse while a table is registered, then drop schema %s and what it holds", b.rt))
            ->rt_version = 1;
        m->about = arena_printf(a, "installs the partc runtime, version 1, in schema %s: the registry of tables "
                                   "(%s.tables) and the functions that maintain them (partitions ahead, retention, "
                                   "health, pg_cron jobs). Every table's migration comes after it.",
                                b.rt, b.rt);
        m->undo = arena_printf(a, "drops schema %s and what it holds; refused while a table is registered "
                                  "(roll their migrations back first).", b.rt);
    } else {
        up(&b, STEP_RUNTIME_UPGRADE, "none",
           arena_printf(a, "upgrade the runtime in schema %s from version %d to %d: keep the functions of %d, "
                           "then replace them", b.rt, v - 1, v, v - 1))->rt_version = v;
        down(&b, STEP_RUNTIME_DOWNGRADE, "none",
             arena_printf(a, "restore the functions of version %d", v - 1))->rt_version = v;
        m->about = arena_printf(a, "upgrades the partc runtime in schema %s in place, from version %d to %d: "
                                   "its functions and views are replaced, the tables' rows stay.", b.rt, v - 1, v);
        m->undo = arena_printf(a, "puts the functions and views of version %d back, as this upgrade kept them.",
                               v - 1);
    }
    finish(m);
}

/* A runtime migration of the folder, carried as partc.lock records it. */
static void plan_runtime_kept(plan *p, int v)
{
    migration *m = add_migration(p, NULL, "runtime");
    m->name = plan_runtime_name(p->a, v);
    m->kept = true;
    m->about = "as partc.lock records it";
    m->undo = "as partc.lock records it";
    finish(m);
}

int plan_build_with(plan *p, const specset *ss, int64_t run_as_of, table_as_of_fn as_of_for, void *ctx,
                    const runtime_record *rt, const struct history *h, arena *a)
{
    memset(p, 0, sizeof *p);
    p->a = a;
    p->as_of = run_as_of;
    table **order = ss->ordered ? ss->ordered : ss->tables;
    bool needed = rt && rt->recorded > 0;
    for (size_t i = 0; i < ss->ntables && !needed; i++)
        needed = table_uses_runtime(order[i]);
    if (needed) {
        int k = rt ? rt->recorded : 0;
        /* the recorded ones stay as they are; the newest is written again
         * when this partc's runtime is the one it installed, else an
         * upgrade follows it */
        int kept = k == 0 ? 0 : rt->changed ? k : k - 1;
        for (int v = 1; v <= kept; v++)
            plan_runtime_kept(p, v);
        plan_runtime(p, ss, run_as_of, kept + 1);
    }
    for (size_t i = 0; i < ss->ntables; i++) {
        const table *cur = order[i];
        if (cur->mode.v == MODE_REFERENCE)
            continue;
        const table_history *th = h ? history_of(h, cur) : NULL;
        const table *t = th ? th->first : cur;
        const char *qname = arena_printf(a, "%s.%s", t->schema.s, t->name.s);
        int64_t as_of = as_of_for ? as_of_for(ctx, cur, run_as_of) : run_as_of;
        size_t first_m = p->n;
        if (t->mode.v == MODE_CONVERT) {
            static const char *const phases[] = {"prepare", "backfill", "swap", "cleanup"};
            /* the phases through migrate.through: a later stage adds the next */
            for (size_t k = 0; k <= (size_t)table_through(cur); k++) {
                if (k == 1 && attaches(t))
                    plan_attach_builds(p, t, qname, ss->settings.runtime_schema.s, as_of);
                migration *m = add_migration(p, t, phases[k]);
                m->as_of = as_of;
                builder b = {a, m, qname, ss->settings.runtime_schema.s, ss->settings.postgres.v};
                if (attaches(t)) {
                    switch (k) {
                    case 0: plan_prepare_attach(&b, t, as_of); break;
                    case 1: plan_backfill_attach(&b, t); break;
                    case 2: plan_swap_attach(&b, t); break;
                    default: plan_cleanup_attach(&b, t, as_of); break;
                    }
                } else {
                    switch (k) {
                    case 0: plan_prepare(&b, t, as_of); break;
                    case 1: plan_backfill(&b, t); break;
                    case 2: plan_swap(&b, t); break;
                    default: plan_cleanup(&b, t); break;
                    }
                }
                describe_conversion(&b, t, k, as_of);
                finish(m);
                if (k == 0 && t->nrewires)
                    plan_rewire_prepare(p, t, qname, ss->settings.runtime_schema.s, as_of);
                if (k == 1 && t->nrewires)
                    plan_rewire_indexes(p, t, qname, ss->settings.runtime_schema.s, as_of);
            }
        } else {
            migration *m = add_migration(p, t, "create");
            m->as_of = as_of;
            builder b = {a, m, qname, ss->settings.runtime_schema.s, ss->settings.postgres.v};
            plan_create(&b, t, as_of);
            describe_create(&b, t, as_of);
            finish(m);
        }
        p->v[first_m].state = state_text(a, t);
        p->v[first_m].state_recorded = th && th->first_recorded;
        for (size_t k = 0; th && k < th->nchanges; k++)
            plan_change(p, ss, &th->changes[k], as_of);
    }
    return 0;
}
