/* lint: the rule table and its runner.
 *
 * Each rule is one row of lint_rules (kept in id order) and one static check
 * that calls lint_report for every finding.  lint_report applies the
 * table's lint.allow at once: a finding of a rule that the table allows
 * with a reason is kept, marked suppressed, with the reason.  Tables with
 * mode reference are not changed by partc, so only incoming-foreign-keys
 * looks at them (as referrers). */
#include "format.h"
#include "lint.h"
#include "names.h"

#include <stdarg.h>
#include <string.h>

#include "strbuf.h"

#define DEFAULT_MAX_PARTITIONS 500

static srcloc pick(srcloc a, srcloc b)
{
    return a.line > 0 ? a : b;
}

static const char *tname(const lint_ctx *cx, const table *t)
{
    const char *n = t->name.s ? t->name.s : "?";
    if (t->schema.s && strcmp(t->schema.s, "public") != 0)
        return arena_printf(cx->out->a, "%s.%s", t->schema.s, n);
    return n;
}

static const char *join_list(const lint_ctx *cx, const slist *l)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            sb_puts(&sb, ", ");
        sb_puts(&sb, l->v[i].s ? l->v[i].s : "?");
    }
    const char *r = arena_strdup(cx->out->a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

static bool list_has(const slist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (s && l->v[i].s && strcmp(l->v[i].s, s) == 0)
            return true;
    return false;
}

/* A table that partc changes and partitions by range. */
static bool partitioned(const table *t)
{
    return t->mode.v != MODE_REFERENCE && t->strategy.v == STRATEGY_PARTITION &&
           t->part.present && t->part.key.s;
}

static bool drops_partitions(const table *t)
{
    return t->retention.present && t->retention.action.v != RET_DELETE;
}

/* Replace the finding's hint with a more specific one. */
static void set_hint(const lint_ctx *cx, diag *dg, const char *hint)
{
    if (dg)
        dg->hint = arena_strdup(cx->out->a, hint);
}

/* true for "timestamp" and "timestamp(3) without time zone", any case */


/* ---------------------------------------------------------------- rules */

static bool timestamp_without_tz(arena *a, const char *type)
{
    const char *base = names_type_base(a, type);
    return strcmp(base, "timestamp") == 0 || strcmp(base, "timestamp without time zone") == 0;
}

static void check_default_detach(const lint_ctx *cx, const lint_rule *r, const table *t)
{
    if (!partitioned(t) || !t->part.default_partition.v || !t->retention.present)
        return;
    retention_action a = t->retention.action.v;
    if (a != RET_DETACH && a != RET_ARCHIVE)
        return;
    lint_report(cx, r, t, pick(t->part.default_partition.at, t->part.at),
                "'%s' has a default partition and retention action '%s': "
                "DETACH PARTITION CONCURRENTLY fails while a default partition exists",
                tname(cx, t), retention_action_name(a));
}

/* true when the first cols->n entries of l are the columns of cols */
static bool leads_with(const slist *l, const slist *cols)
{
    if (l->n < cols->n)
        return false;
    for (size_t i = 0; i < cols->n; i++) {
        bool found = false;
        for (size_t j = 0; j < cols->n && !found; j++)
            found = l->v[j].s && cols->v[i].s && strcmp(l->v[j].s, cols->v[i].s) == 0;
        if (!found)
            return false;
    }
    return true;
}

static void check_fk_index(const lint_ctx *cx, const lint_rule *r, const table *t)
{
    if (t->mode.v == MODE_REFERENCE)
        return;
    for (size_t k = 0; k < t->nfks; k++) {
        const foreign_key *fk = &t->fks[k];
        if (fk->columns.n == 0)
            continue;
        bool ok = t->primary_key.present && leads_with(&t->primary_key, &fk->columns);
        for (size_t i = 0; i < t->nunique && !ok; i++)
            ok = leads_with(&t->unique[i], &fk->columns);
        for (size_t i = 0; i < t->nindexes && !ok; i++) {
            const index *ix = &t->indexes[i];
            ok = !(ix->using.s && strcmp(ix->using.s, "brin") == 0) && !ix->where.s &&
                 leads_with(&ix->columns, &fk->columns);
        }
        if (ok)
            continue;
        const char *cols = join_list(cx, &fk->columns);
        diag *dg = lint_report(cx, r, t, fk->at,
                               "foreign key (%s) of '%s' has no index that starts with its columns",
                               cols, tname(cx, t));
        set_hint(cx, dg, arena_printf(cx->out->a, "add an index with columns: [%s]", cols));
    }
}

/* Checked on the referrer, reported for the converted table (its allows). */
static void check_incoming_fks(const lint_ctx *cx, const lint_rule *r, const table *t)
{
    for (size_t k = 0; k < t->nfks; k++) {
        const foreign_key *fk = &t->fks[k];
        const table *c = fk->ref;
        if (!c || c == t || c->mode.v != MODE_CONVERT || c->migrate.incoming.v == INCOMING_REWIRE)
            continue;
        lint_report(cx, r, c, fk->at,
                    "foreign key '%s' of '%s' references '%s', which mode convert replaces: "
                    "after the swap it would still point at the old table '%s%s'",
                    fk->gen_name ? fk->gen_name : "?", tname(cx, t), tname(cx, c),
                    c->name.s ? c->name.s : "?",
                    c->migrate.old_suffix.s ? c->migrate.old_suffix.s : "_old");
    }
}

/* Checked on the converted table, reported at each referrer's foreign key
 * (for the converted table's allows). */
static void check_rewired_fks(const lint_ctx *cx, const lint_rule *r, const table *c)
{
    if (c->mode.v != MODE_CONVERT || c->migrate.incoming.v != INCOMING_REWIRE || !c->part.key.s)
        return;
    const column *key = table_column(c, c->part.key.s);
    for (size_t i = 0; i < c->nrewires; i++) {
        const rewire *rw = &c->rewires[i];
        const foreign_key *fk = &rw->r->fks[rw->fk_no];
        const slist *target = fk->ref_columns.n ? &fk->ref_columns : &c->primary_key;
        lint_report(cx, r, c, fk->at,
                    "the conversion of '%s' rewires foreign key %s of '%s': '%s' gets the column %s (%s%s), "
                    "which the database fills from '%s' on every insert and every change of (%s), and the key "
                    "becomes (%s, %s) -> %s(%s, %s) ON DELETE %s ON UPDATE CASCADE; the application may read the "
                    "column, must not write another value to it, and an update of %s(%s) now cascades instead of "
                    "being refused%s",
                    tname(cx, c), fk->gen_name ? fk->gen_name : "?", tname(cx, rw->r), tname(cx, rw->r),
                    rw->column, key && key->type.s ? key->type.s : "?", rw->not_null ? ", NOT NULL" : "",
                    tname(cx, c), join_list(cx, &fk->columns), join_list(cx, &fk->columns), rw->column,
                    tname(cx, c), join_list(cx, target), c->part.key.s, fk_action_sql(fk->on_delete.v),
                    tname(cx, c), join_list(cx, target),
                    cx->ss->settings.postgres.v < 15
                        ? arena_printf(cx->out->a, "; on PostgreSQL 14 a row of '%s' that it references cannot move "
                                                   "to another partition (its %s changes within its range only)",
                                       tname(cx, c), c->part.key.s)
                        : "");
    }
}

static void check_unscheduled(const lint_ctx *cx, const lint_rule *r, const table *t)
{
    if (!partitioned(t) || t->maintenance.schedule.s)
        return;
    lint_report(cx, r, t, pick(t->maintenance.at, t->part.at),
                "'%s' has no maintenance.schedule: its partitions run out %d %s range%s "
                "after the migration unless something else calls its maintenance function",
                tname(cx, t), t->part.premake.v, cal_interval_name(t->part.interval.v),
                t->part.premake.v == 1 ? "" : "s");
}

static void check_key_nullable(const lint_ctx *cx, const lint_rule *r, const table *t)
{
    if (!partitioned(t))
        return;
    const column *c = table_column(t, t->part.key.s);
    if (!c || !c->nullable.v)
        return;
    lint_report(cx, r, t, pick(c->nullable.at, c->name.at),
                "partition key '%s' of '%s' is nullable", c->name.s, tname(cx, t));
}

static void check_key_type(const lint_ctx *cx, const lint_rule *r, const table *t)
{
    if (!partitioned(t))
        return;
    const column *c = table_column(t, t->part.key.s);
    if (!c || !c->type.s || !timestamp_without_tz(cx->out->a, c->type.s))
        return;
    lint_report(cx, r, t, pick(c->type.at, c->name.at),
                "partition key '%s' of '%s' has type '%s': range bounds are server-local "
                "wall time, not UTC",
                c->name.s, tname(cx, t), c->type.s);
}

static void check_premake(const lint_ctx *cx, const lint_rule *r, const table *t)
{
    if (!partitioned(t))
        return;
    const partition_spec *p = &t->part;
    srcloc at = pick(p->premake.at, p->at);
    int64_t ahead = cal_interval_seconds(p->interval.v) * (p->premake.v > 0 ? p->premake.v : 0);
    duration warn = t->maintenance.warn_ahead.v;
    if (p->premake.v < 2)
        lint_report(cx, r, t, at,
                    "premake %d of '%s' keeps fewer than 2 %s ranges ready ahead of the current one",
                    p->premake.v, tname(cx, t), cal_interval_name(p->interval.v));
    else if (ahead < cal_duration_seconds(warn))
        lint_report(cx, r, t, at,
                    "premake %d of '%s' (%d %s ranges) is shorter than warn_ahead '%s': "
                    "the health view warns right after every maintenance run",
                    p->premake.v, tname(cx, t), p->premake.v, cal_interval_name(p->interval.v),
                    fmt_duration(cx->out->a, warn));
}

static void check_retention_interval(const lint_ctx *cx, const lint_rule *r, const table *t)
{
    if (!partitioned(t) || !drops_partitions(t))
        return;
    const retention_spec *re = &t->retention;
    if (cal_duration_seconds(re->keep.v) >= cal_interval_seconds(t->part.interval.v))
        return;
    lint_report(cx, r, t, pick(re->keep.at, re->at),
                "retention keep '%s' of '%s' is shorter than one %s partition",
                fmt_duration(cx->out->a, re->keep.v), tname(cx, t), cal_interval_name(t->part.interval.v));
}

static void check_retention_protect(const lint_ctx *cx, const lint_rule *r, const table *t)
{
    if (!partitioned(t) || !drops_partitions(t) || t->retention.protect.v >= 2)
        return;
    const retention_spec *re = &t->retention;
    lint_report(cx, r, t, pick(re->protect.at, re->at),
                "retention protect %d of '%s' lets action '%s' remove the current or previous partition",
                re->protect.v, tname(cx, t), retention_action_name(re->action.v));
}

static void check_too_many(const lint_ctx *cx, const lint_rule *r, const table *t)
{
    if (!partitioned(t))
        return;
    const partition_spec *p = &t->part;
    int64_t ivs = cal_interval_seconds(p->interval.v);
    int64_t premake = p->premake.v > 0 ? p->premake.v : 0, live;
    srcloc at;
    if (drops_partitions(t)) {
        int64_t keep = cal_duration_seconds(t->retention.keep.v);
        live = (keep + ivs - 1) / ivs + premake + 1;
        at = pick(t->retention.keep.at, t->retention.at);
    } else {
        int64_t first = cal_floor(p->interval.v, p->start.v);
        int64_t now = cal_floor(p->interval.v, cx->as_of);
        live = (now >= first ? cal_ranges_between(p->interval.v, first, now) + 1 : 1) + premake;
        at = pick(p->start.at, p->at);
    }
    int64_t max = cx->max_partitions > 0 ? cx->max_partitions : DEFAULT_MAX_PARTITIONS;
    if (live <= max)
        return;
    lint_report(cx, r, t, at, "'%s' would keep about %lld %s partitions, more than %lld",
                tname(cx, t), (long long)live, cal_interval_name(p->interval.v), (long long)max);
}

/* The key lists that must contain the partition key; report those that do not. */
static void report_missing_key(const lint_ctx *cx, const lint_rule *r, const table *t,
                               const slist *l, srcloc at, const char *what)
{
    const char *key = t->part.key.s;
    if (list_has(l, key))
        return;
    diag *dg = lint_report(cx, r, t, at,
                           "%s (%s) of '%s' does not contain the partition key '%s'", what,
                           join_list(cx, l), tname(cx, t), key);
    set_hint(cx, dg, arena_printf(cx->out->a,
                                  "add '%s' to the %s: PostgreSQL requires every unique "
                                  "constraint on a partitioned table to include the partition key",
                                  key, what));
}

static void check_unique_key(const lint_ctx *cx, const lint_rule *r, const table *t)
{
    if (!partitioned(t))
        return;
    /* mode convert extends the primary key and unique lists (uniqueness-weakened);
     * unique indexes are created as declared in both modes */
    if (t->mode.v == MODE_CREATE) {
        if (t->primary_key.present)
            report_missing_key(cx, r, t, &t->primary_key, t->primary_key.at, "primary key");
        for (size_t i = 0; i < t->nunique; i++)
            report_missing_key(cx, r, t, &t->unique[i], pick(t->unique[i].at, t->unique_at),
                               "unique constraint");
    }
    for (size_t i = 0; i < t->nindexes; i++)
        if (t->indexes[i].unique.v)
            report_missing_key(cx, r, t, &t->indexes[i].columns, t->indexes[i].at,
                               "unique index");
}

static void report_weakened(const lint_ctx *cx, const lint_rule *r, const table *t,
                            const slist *l, srcloc at, const char *what)
{
    const char *key = t->part.key.s;
    if (list_has(l, key))
        return;
    const char *cols = join_list(cx, l);
    lint_report(cx, r, t, at,
                "%s (%s) of '%s' is extended with the partition key '%s': (%s) is then "
                "unique only within one partition, so the same (%s) can be stored again in another range",
                what, cols, tname(cx, t), key, cols, cols);
}

static void check_weakened(const lint_ctx *cx, const lint_rule *r, const table *t)
{
    if (!partitioned(t) || t->mode.v != MODE_CONVERT)
        return;
    if (t->primary_key.present)
        report_weakened(cx, r, t, &t->primary_key, t->primary_key.at, "primary key");
    for (size_t i = 0; i < t->nunique; i++)
        report_weakened(cx, r, t, &t->unique[i], pick(t->unique[i].at, t->unique_at),
                        "unique constraint");
}

/* Only for the supabase target: its Data API exposes every table of public
 * to the anon and authenticated roles, and RLS is what stops them. */
static void check_rls_disabled(const lint_ctx *cx, const lint_rule *r, const table *t)
{
    if (!cx->target || strcmp(cx->target, "supabase") != 0 || t->mode.v == MODE_REFERENCE)
        return;
    if (strcmp(t->schema.s, "public") != 0 || t->security.rls.v)
        return;
    lint_report(cx, r, t, t->security.present ? pick(t->security.rls.at, t->security.at) : t->name.at,
                "'%s' is in schema public without row-level security: Supabase's Data API exposes it to "
                "the anon and authenticated roles",
                tname(cx, t));
}

/* A runner applies every migration it finds; the cleanup of a conversion
 * refuses to run before keep_old, so it must come later. */
/* A rule about a change of a spec: compile, check and lint --out report it
 * (evolve.c), since only they read partc.lock's state of the table. */
static void check_by_compile(const lint_ctx *cx, const lint_rule *r, const table *t)
{
    (void)cx;
    (void)r;
    (void)t;
}

static void check_cleanup_runner(const lint_ctx *cx, const lint_rule *r, const table *t)
{
    /* through: cleanup (or cleanup: true) said outright is the deploy of the
     * cleanup, after keep_old: the stage the spec names */
    if (!cx->target || strcmp(cx->target, "plain") == 0 || t->mode.v != MODE_CONVERT ||
        table_through(t) != CONV_CLEANUP || t->migrate.through.given || t->migrate.hold_cleanup.given)
        return;
    lint_report(cx, r, t, t->migrate.present ? t->migrate.at : t->mode.at,
                "the conversion of '%s' is compiled with its cleanup, which refuses to run before keep_old has "
                "passed: %s applies every migration it finds and stops there",
                tname(cx, t), cx->target);
}

/* method attach: from the prepare phase until the swap the table refuses
 * rows from the cutover on, and the prepare refuses within a day of it. */
static void check_attach_cutover(const lint_ctx *cx, const lint_rule *r, const table *t)
{
    if (t->mode.v != MODE_CONVERT || t->migrate.method.v != METHOD_ATTACH || !partitioned(t))
        return;
    int64_t cut = table_cutover(t, cx->as_of);
    if (cut >= cx->as_of + 7 * 86400)
        return;
    char when[11], asof[11];
    cal_format_date(cut, when);
    cal_format_date(cx->as_of, asof);
    lint_report(cx, r, t, pick(t->migrate.cutover.at, t->migrate.at),
                "the conversion of '%s' by attach has its cutover %s less than 7 days after --as-of %s: from its "
                "prepare phase until its swap the table refuses rows from %s on, and the prepare refuses within a "
                "day of it",
                tname(cx, t), when, asof, when);
}

/* -------------------------------------------------------------- the table */

const lint_rule lint_rules[] = {
    {.id = "attach-cutover-soon",
     .sev = SEV_WARNING,
     .summary = "a conversion by attach whose migrate.cutover is less than 7 days after --as-of",
     .why = "from the prepare phase until the swap the table refuses rows from the cutover on (they belong to "
            "the partitions after it), so every phase must be deployed before it; the prepare refuses within a "
            "day of it.",
     .fix = "set migrate.cutover to a later range start, or leave it out (the first range 7 days after --as-of)",
     .check = check_attach_cutover},
    {.id = "change-refused",
     .sev = SEV_ERROR,
     .summary = "a change of a spec partc does not write: a new layout, a table rewrite, a column moved, a change "
                "of a conversion in flight (found by compile, check and lint --out)",
     .why = "each would rewrite the table or lock it for as long as it takes, or cannot be done in place.",
     .fix = "the error's hint says how to get there (a new table, a new column filled in batches, the cleanup "
            "first); or undo the change",
     .check = NULL},
    {.id = "cleanup-with-runner",
     .sev = SEV_WARNING,
     .summary = "with a runner target: a conversion compiled together with its cleanup migration, its stage not "
                "said (no migrate.through)",
     .why = "a runner applies every migration in its folder, and the cleanup refuses to run before "
            "migrate.keep_old has passed, so the deploy fails at the cleanup and every later migration waits.",
     .fix = "deploy in stages: set migrate.through: swap (or an earlier phase), then through: cleanup once "
            "keep_old has passed, and compile again: partc adds only the phases after those written",
     .check = check_cleanup_runner},
    {.id = "default-partition-blocks-concurrent-detach",
     .sev = SEV_WARNING,
     .summary = "a default partition together with retention by detach or archive",
     .why = "PostgreSQL refuses DETACH PARTITION ... CONCURRENTLY while the table has a default "
            "partition, so retention must take an ACCESS EXCLUSIVE lock on the parent instead.",
     .fix = "set default_partition: false, or use retention action drop",
     .check = check_default_detach},
    {.id = "drop-column",
     .sev = SEV_ERROR,
     .summary = "a change of a spec drops a column (found by compile, check and lint --out, which read the folder's state)",
     .why = "the column's values are gone once the migration runs; its rollback adds the column back empty.",
     .fix = "keep the column, or accept the loss in lint.allow with drop-column: \"<reason>\"",
     .check = check_by_compile},
    {.id = "drop-table",
     .sev = SEV_ERROR,
     .summary = "a spec says drop: true: the next migration drops the table (found by compile, check and lint --out)",
     .why = "every row of the table is gone once the migration runs; its rollback creates the table again, empty.",
     .fix = "keep the table, or accept the loss in lint.allow with drop-table: \"<reason>\"",
     .check = check_by_compile},
    {.id = "fk-without-index",
     .sev = SEV_WARNING,
     .summary = "a foreign key whose columns do not lead any index of the table",
     .why = "every delete or key update on the referenced table scans the referencing table "
            "(every partition of it) to find matching rows.",
     .fix = "add an index (or key) whose leading columns are the foreign-key columns",
     .check = check_fk_index},
    {.id = "identifier-too-long",
     .sev = SEV_ERROR,
     .summary = "a generated name (partition, key, index, function, shadow table) is over 63 bytes (checked by validation)",
     .why = "PostgreSQL truncates longer identifiers with only a NOTICE, so two generated names can "
            "end up the same, and the objects are not called what the spec says.",
     .fix = "shorten the table name, the naming pattern or the suffix named in the message",
     .check = NULL /* checked by validation */},
    {.id = "incoming-foreign-keys",
     .sev = SEV_ERROR,
     .summary = "a table with mode convert is referenced by a foreign key of another table",
     .why = "foreign keys are bound to a table's OID, not its name, so after the swap the foreign "
            "key still points at the renamed old table, which no longer gets the new rows and cannot "
            "be dropped while the key exists.",
     .fix = "set migrate.incoming_foreign_keys: rewire on the converted table (each referencing table gets the "
            "partition key's column and its key moves to the partitioned table), or drop the foreign key first",
     .check = check_incoming_fks},
    {.id = "incoming-foreign-keys-rewired",
     .sev = SEV_WARNING,
     .summary = "a table converted with incoming_foreign_keys: rewire: what each referencing table gets",
     .why = "each referencing table gets a column, filled by a trigger from the referenced row, and its foreign "
            "key moves to the partitioned table's key (the old key plus the partition key) with ON UPDATE "
            "CASCADE; code that copies rows of the referencing table with every column, or writes that column, "
            "must know it.",
     .fix = "allow the rule on the converted table with the reason the application is ready for the new columns",
     .check = check_rewired_fks},
    {.id = "maintenance-unscheduled",
     .sev = SEV_WARNING,
     .summary = "a partitioned table without maintenance.schedule",
     .why = "only premake ranges exist after the migration, and inserts fail once time passes the "
            "last range unless the runtime's maintenance runs regularly.",
     .fix = "set maintenance.schedule (pg_cron), or allow the rule with the name of the scheduler "
            "that calls partc.maintain()",
     .check = check_unscheduled},
    {.id = "partition-key-nullable",
     .sev = SEV_ERROR,
     .summary = "the partition key column is nullable",
     .why = "a row with a NULL partition key fits no range and its insert fails (or lands in the "
            "default partition, out of reach of retention).",
     .fix = "declare the partition key column nullable: false",
     .check = check_key_nullable},
    {.id = "partition-key-type",
     .sev = SEV_WARNING,
     .summary = "the partition key is a timestamp without time zone",
     .why = "range bounds of a timestamp without time zone are wall-clock values read in the "
            "session time zone, so maintenance and retention shift with server settings instead of UTC.",
     .fix = "use timestamptz for the partition key column",
     .check = check_key_type},
    {.id = "partition-name-collision",
     .sev = SEV_ERROR,
     .summary = "the naming pattern gives two ranges, or two tables, the same partition name (checked by validation)",
     .why = "CREATE TABLE of the second partition fails, or names a different range than its bounds say.",
     .fix = "put the tokens of the interval in partition.naming (e.g. {YYYY}{MM}{DD} for daily, {IYYY}w{IW} for weekly)",
     .check = NULL /* checked by validation */},
    {.id = "premake-too-short",
     .sev = SEV_WARNING,
     .summary = "premake covers less than maintenance.warn_ahead, or fewer than 2 ranges",
     .why = "with too few ranges ready ahead, one missed maintenance run lets inserts fail, and the "
            "health view warns permanently when premake is below warn_ahead.",
     .fix = "raise partition.premake (at least 2, and at least warn_ahead worth of ranges)",
     .check = check_premake},
    {.id = "retention-shorter-than-interval",
     .sev = SEV_ERROR,
     .summary = "retention keeps less than one partition interval",
     .why = "retention removes whole partitions, so rows stay up to keep plus a whole interval "
            "(more with protect) and a keep shorter than one interval cannot be met.",
     .fix = "make retention.keep at least one partition interval, or use a shorter interval",
     .check = check_retention_interval},
    {.id = "retention-unprotected",
     .sev = SEV_ERROR,
     .summary = "retention may remove the current or previous partition",
     .why = "with protect below 2, retention can drop or detach the partition that is receiving "
            "writes, or the previous one that late rows still reach.",
     .fix = "set retention.protect to 2 or more",
     .check = check_retention_protect},
    {.id = "rls-disabled",
     .sev = SEV_WARNING,
     .summary = "with --target supabase: a table in schema public without row-level security",
     .why = "Supabase's Data API exposes every table of schema public to the anon and authenticated "
            "roles; without RLS anyone holding the public API key can read and write it.",
     .fix = "set security.rls: true with policies for the roles that need the table, or move it out of public",
     .check = check_rls_disabled},
    {.id = "rollback-long-lock",
     .sev = SEV_WARNING,
     .summary = "a change whose rollback holds a lock while it reads the table (found by compile, check and lint --out)",
     .why = "rolling back an index drop builds the index again under SHARE (writers wait), and rolling back "
            "a check dropped, nullable: true or a widened type checks every row under ACCESS EXCLUSIVE.",
     .fix = "plan the rollback for a quiet hour, or allow the rule with the reason it is fine "
            "(rollback-long-lock: \"<reason>\")",
     .check = check_by_compile},
    {.id = "too-many-partitions",
     .sev = SEV_WARNING,
     .summary = "more live partitions than the threshold",
     .why = "planning time, lock counts and memory grow with the number of partitions that a "
            "query or statement touches.",
     .fix = "use a longer partition interval or a shorter retention, or raise the threshold",
     .check = check_too_many},
    {.id = "unique-missing-partition-key",
     .sev = SEV_ERROR,
     .summary = "a primary key, unique constraint or unique index without the partition key",
     .why = "PostgreSQL refuses a unique constraint on a partitioned table that does not include "
            "every partition-key column.",
     .fix = "add the partition key column to the key, or drop the uniqueness requirement",
     .check = check_unique_key},
    {.id = "uniqueness-weakened",
     .sev = SEV_ERROR,
     .summary = "a converted table's primary key or unique list lacks the partition key",
     .why = "the key is extended with the partition key on the partitioned table, so the original "
            "columns are no longer unique: for an idempotency key a retried request can be stored "
            "twice in different ranges.",
     .fix = "enforce the uniqueness elsewhere (e.g. a separate non-partitioned key table), or allow "
            "the rule with the reason the weaker key is acceptable",
     .check = check_weakened},
    {.id = "weekly-not-iso",
     .sev = SEV_ERROR,
     .summary = "weekly ranges that do not start on a Monday, or named with the calendar year (checked by validation)",
     .why = "ISO weeks start on Monday and belong to the ISO year (2024-12-30 is in 2025-W01), so "
            "ranges from another weekday or names with {YYYY} and {IW} split or repeat weeks at year ends.",
     .fix = "start weekly ranges on a Monday and name them with {IYYY} and {IW}",
     .check = NULL /* checked by validation */},
};

const size_t lint_nrules = sizeof lint_rules / sizeof lint_rules[0];

const lint_rule *lint_find(const char *id)
{
    if (!id)
        return NULL;
    for (size_t i = 0; i < lint_nrules; i++)
        if (strcmp(lint_rules[i].id, id) == 0)
            return &lint_rules[i];
    return NULL;
}

diag *lint_report(const lint_ctx *cx, const lint_rule *r, const table *t, srcloc at,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *msg = arena_vprintf(cx->out->a, fmt, ap);
    va_end(ap);
    diag *dg = diag_add(cx->out, r->sev, r->id, at, r->fix, "%s", msg);
    for (size_t i = 0; t && i < t->nallows; i++) {
        const lint_allow *al = &t->allows[i];
        if (al->rule.s && strcmp(al->rule.s, r->id) == 0 && al->reason.s && al->reason.s[0]) {
            dg->suppressed = true;
            dg->reason = arena_strdup(cx->out->a, al->reason.s);
            break;
        }
    }
    return dg;
}


static void check_allows(const lint_ctx *cx, const table *t)
{
    for (size_t i = 0; i < t->nallows; i++) {
        const sval *id = &t->allows[i].rule;
        const lint_rule *known = id->s ? lint_find(id->s) : NULL;
        if (known && !known->check)
            diag_add(cx->out, SEV_ERROR, "unknown-rule", id->at,
                     "fix what validation reports instead: such a spec cannot be compiled",
                     "lint.allow of '%s' names '%s', which validation checks and no reason can allow",
                     tname(cx, t), id->s);
        if (!id->s || known)
            continue;
        const char *best = NULL;
        size_t bd = 0;
        for (size_t k = 0; k < lint_nrules; k++) {
            size_t dd = names_edit_distance(cx->out->a, id->s, lint_rules[k].id);
            if (dd <= 3 && (!best || dd < bd)) {
                best = lint_rules[k].id;
                bd = dd;
            }
        }
        const char *hint;
        if (best) {
            hint = arena_printf(cx->out->a, "did you mean '%s'?", best);
        } else {
            strbuf sb = STRBUF_INIT;
            sb_puts(&sb, "the rules are:");
            for (size_t k = 0; k < lint_nrules; k++)
                sb_addf(&sb, " %s", lint_rules[k].id);
            hint = arena_strdup(cx->out->a, sb_str(&sb));
            sb_free(&sb);
        }
        diag_add(cx->out, SEV_ERROR, "unknown-rule", id->at, hint,
                 "lint.allow of '%s' names unknown rule '%s'", tname(cx, t), id->s);
    }
}

void lint_run(const lint_ctx *cx)
{
    const specset *ss = cx->ss;
    table *const *tables = ss->ordered ? ss->ordered : ss->tables;
    for (size_t i = 0; i < ss->ntables; i++)
        for (size_t k = 0; k < lint_nrules && !tables[i]->invalid; k++)
            if (lint_rules[k].check) /* NULL: validation reports it */
                lint_rules[k].check(cx, &lint_rules[k], tables[i]);
    for (size_t i = 0; i < ss->ntables; i++)
        check_allows(cx, tables[i]);
}
