#include "model.h"

#include <string.h>

#include "spec_schema.h"

const char *const table_mode_names[] = {"create", "convert", "reference", NULL};
const char *const table_strategy_names[] = {"partition", "brin", "none", NULL};
const char *const retention_action_names[] = {"drop", "detach", "archive", "delete", NULL};
const char *const conv_phase_names[] = {"prepare", "backfill", "swap", "cleanup", NULL};
const char *const backfill_where_names[] = {"migration", "pg_cron", NULL};
const char *const conv_method_names[] = {"copy", "attach", NULL};
const char *const incoming_fks_names[] = {"refuse", "rewire", NULL};
const char *const fk_action_names[] = {"no action", "restrict", "cascade", "set null", "set default", NULL};
const char *const policy_command_names[] = {"all", "select", "insert", "update", "delete", NULL};
const char *const grant_privilege_names[] = {"select", "insert", "update", "delete", "truncate",
                                             "references", "trigger", "all", NULL};

void specset_init(specset *ss, arena *a)
{
    memset(ss, 0, sizeof *ss);
    ss->a = a;
    ss->files.a = a;
    spec_settings_defaults(a, &ss->settings);
}

void specset_add_table(specset *ss, table *t)
{
    if (ss->ntables == ss->cap) {
        size_t cap = ss->cap ? ss->cap * 2 : 16;
        ss->tables = arena_grow(ss->a, ss->tables, ss->ntables, cap, sizeof *ss->tables);
        ss->cap = cap;
    }
    ss->tables[ss->ntables++] = t;
}

void specset_set_aside_failed(specset *ss)
{
    size_t k = 0;
    for (size_t i = 0; i < ss->ntables; i++) {
        table *t = ss->tables[i];
        if (!t->load_failed) {
            ss->tables[k++] = t;
            continue;
        }
        ss->failed = arena_grow(ss->a, ss->failed, ss->nfailed, ss->nfailed + 1, sizeof *ss->failed);
        ss->failed[ss->nfailed++] = t;
    }
    ss->ntables = k;
}

bool specset_maybe_declared(const specset *ss, const char *schema, const char *name)
{
    if (ss->incomplete)
        return true;
    for (size_t i = 0; i < ss->nfailed; i++) {
        const table *t = ss->failed[i];
        if (t->name.s && name && strcmp(t->name.s, name) == 0 &&
            (!schema || strcmp(t->schema.s ? t->schema.s : "public", schema) == 0))
            return true;
    }
    return false;
}

table *specset_table_at(const specset *ss, srcloc at)
{
    if (!at.file || at.line <= 0)
        return NULL;
    table *best = NULL;
    for (size_t i = 0; i < ss->ntables; i++) {
        table *t = ss->tables[i];
        const srcloc *k = &t->name.at;
        if (!k->file || strcmp(k->file, at.file) != 0)
            continue;
        if (k->line > at.line || (k->line == at.line && k->col > at.col))
            continue; /* starts after at */
        if (!best || k->line > best->name.at.line ||
            (k->line == best->name.at.line && k->col > best->name.at.col))
            best = t;
    }
    return best;
}

bool table_has_security(const table *t)
{
    return t->security.rls.v || t->security.npolicies || t->security.ngrants;
}

const column *table_column(const table *t, const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < t->ncolumns; i++)
        if (t->columns[i].name.s && strcmp(t->columns[i].name.s, name) == 0)
            return &t->columns[i];
    return NULL;
}

/* An interval expressed as a duration, n times. */
static duration interval_as_duration(cal_interval iv, int64_t n)
{
    duration d = cal_interval_info_of(iv)->one;
    d.n *= n;
    return d;
}

void model_defaults(table *t)
{
    if (!t->schema.s)
        t->schema.s = "public";
    partition_spec *p = &t->part;
    if (p->present) {
        if (p->premake.v < 0)
            p->premake.v = cal_interval_info_of(p->interval.v)->premake;
        if (!p->naming.s) {
            p->naming.s = cal_interval_info_of(p->interval.v)->naming;
            p->naming.at = p->at;
            p->naming_defaulted = true;
        }
    }
    maintenance_spec *m = &t->maintenance;
    if (!m->warn_ahead.given)
        m->warn_ahead.v = interval_as_duration(p->present ? p->interval.v : IV_DAILY, 2);
    if (!m->critical_ahead.given)
        m->critical_ahead.v = interval_as_duration(p->present ? p->interval.v : IV_DAILY, 1);
    retention_spec *r = &t->retention;
    if (r->present && !r->column.s) {
        r->column.s = p->key.s;
        r->column.at = r->at;
    }
}

int64_t specset_latest_start(const specset *ss)
{
    int64_t best = 0;
    bool any = false;
    for (size_t i = 0; i < ss->ntables; i++) {
        const table *t = ss->tables[i];
        if (t->part.present && (!any || t->part.start.v > best)) {
            best = t->part.start.v;
            any = true;
        }
    }
    return best;
}

const char *mode_name(table_mode m)
{
    return (unsigned)m < sizeof table_mode_names / sizeof table_mode_names[0] - 1 ? table_mode_names[m] : "?";
}

const char *strategy_name(table_strategy s)
{
    return (unsigned)s < sizeof table_strategy_names / sizeof table_strategy_names[0] - 1 ? table_strategy_names[s] : "?";
}

const char *retention_action_name(retention_action a)
{
    return (unsigned)a < sizeof retention_action_names / sizeof retention_action_names[0] - 1 ? retention_action_names[a] : "?";
}

const char *fk_action_sql(fk_action a)
{
    switch (a) {
    case FK_NO_ACTION: return "NO ACTION";
    case FK_RESTRICT: return "RESTRICT";
    case FK_CASCADE: return "CASCADE";
    case FK_SET_NULL: return "SET NULL";
    case FK_SET_DEFAULT: return "SET DEFAULT";
    }
    return "NO ACTION";
}

const char *policy_command_sql(policy_command c)
{
    switch (c) {
    case POLICY_ALL: return "ALL";
    case POLICY_SELECT: return "SELECT";
    case POLICY_INSERT: return "INSERT";
    case POLICY_UPDATE: return "UPDATE";
    case POLICY_DELETE: return "DELETE";
    }
    return "ALL";
}

void table_static_ranges(const table *t, int64_t as_of, int64_t *first, int64_t *count)
{
    *first = 0;
    *count = 0;
    if (!t->part.present || t->strategy.v != STRATEGY_PARTITION)
        return;
    cal_interval iv = t->part.interval.v;
    int64_t start = cal_floor(iv, t->part.start.v);
    int64_t cur = cal_floor(iv, as_of);
    if (cur < start)
        cur = start;
    *first = start;
    *count = cal_ranges_between(iv, start, cur) + 1 + t->part.premake.v;
}

conv_phase table_through(const table *t)
{
    if (t->migrate.through.given)
        return t->migrate.through.v;
    return t->migrate.hold_cleanup.v ? CONV_SWAP : CONV_CLEANUP;
}

int64_t table_cutover(const table *t, int64_t as_of)
{
    cal_interval iv = t->part.interval.v;
    if (t->migrate.cutover.given)
        return t->migrate.cutover.v;
    int64_t c = cal_floor(iv, as_of + 7 * 86400);
    if (c < as_of + 7 * 86400)
        c = cal_add(iv, c, 1);
    int64_t after_start = cal_add(iv, cal_floor(iv, t->part.start.v), 1);
    return c < after_start ? after_start : c;
}

bool table_uses_runtime(const table *t)
{
    return t->mode.v != MODE_REFERENCE && (t->strategy.v == STRATEGY_PARTITION || t->retention.present);
}
