/* spec_schema: the rows of the spec's keys, one section per mapping.
 *
 * To add a key: one row in its section (name, kind, the model field, its
 * location field when the value is not an sval or slist, bounds or allowed
 * words, default, meaning), then `partc keys --format markdown` into the
 * README and `--format dict` into tests/fuzz/spec.dict (a test compares
 * both).  Loading, errors, defaults and the reference follow from the row.
 * The reading itself is spec_fields.c's. */
#include "spec_schema.h"

#include <string.h>

#include "calendar.h"
#include "names.h"
#include "spec_internal.h"

#define BATCH_MAX 100000000

_Static_assert(sizeof(table_mode) == sizeof(int), "enums are stored as int");

/* ------------------------------------------------------------ allowed words */

static const char *const IDENTITIES[] = {"always", "by_default", NULL};
static const char *const USINGS[] = {"btree", "brin", "hash", "gin", "gist", NULL};
static const char *const SORT_ORDERS[] = {"asc", "desc", NULL};
static const char *const NULLS_ORDERS[] = {"first", "last", NULL};

/* ------------------------------------------------------------- the rows */

#define ROW(k, kd, T, f) .key = k, .kind = kd, .off = offsetof(T, f)
#define AT(T, f) .at_off = SPEC_OFF(T, f)
#define SECTION(T, arr) .keys = arr, .nkeys = sizeof arr / sizeof arr[0], .size = sizeof(T)

static const spec_section sec_partition, sec_retention, sec_maintenance, sec_security, sec_migrate,
    sec_settings, sec_table;

#define SECTION_LOADER(fn, sec)                                                                                \
    static void fn(ld *L, void *base, ynode *key, ynode *v) { load_section(L, &sec, base, key, v); }
SECTION_LOADER(load_partition, sec_partition)
SECTION_LOADER(load_retention, sec_retention)
SECTION_LOADER(load_maintenance, sec_maintenance)
SECTION_LOADER(load_security, sec_security)
SECTION_LOADER(load_migrate, sec_migrate)


static const spec_key column_keys[] = {
    {ROW("type", K_TEXT, column, type), .what = "an SQL type", .required = "give the SQL type, e.g. { type: bigint }",
     .doc = "the column's SQL type, e.g. bigint, text, timestamptz, numeric(12,2)"},
    {ROW("nullable", K_BOOL, column, nullable), .def = "true",
     .doc = "false adds NOT NULL"},
    {ROW("default", K_TEXT, column, default_expr), .what = "an SQL expression",
     .doc = "SQL expression for the column's DEFAULT, e.g. \"now()\""},
    {ROW("identity", K_ENUM, column, identity), .values = IDENTITIES, .base = 1,
     .def_doc = "none", .doc = "GENERATED ALWAYS or BY DEFAULT AS IDENTITY"},
};
const spec_section sec_column = {.path = "tables.<name>.columns.<column>.", .ctx = NULL,
                                 SECTION(column, column_keys), .present_off = 0, .at_off = 0};

static const spec_key partition_keys[] = {
    {ROW("key", K_NAME, partition_spec, key), .required = "name the column to partition by",
     .doc = "the column the table is partitioned by (NOT NULL for strategy partition)"},
    {ROW("interval", K_ENUM, partition_spec, interval), .values = cal_interval_names,
     .required = "use one of: hourly, daily, weekly, monthly, quarterly, yearly", .range_only = true,
     .doc = "the length of one partition's range (weekly ranges start on Monday)"},
    {ROW("start", K_DATE, partition_spec, start),
     .required = "give the lower bound of the first partition, e.g. start: 2025-11-01", .range_only = true,
     .doc = "the lower bound of the first partition; the start of a range"},
    {ROW("premake", K_INT32, partition_spec, premake), .lo = 0, .hi = 10000,
     .def_doc = "hourly 24, daily 7, weekly 4, otherwise 3",
     .doc = "partitions kept ready ahead of the current one"},
    {ROW("naming", K_TEXT, partition_spec, naming), .what = "a naming pattern",
     .def_doc = "hourly `{table}_{YYYY}{MM}{DD}_{HH}`, daily `{table}_{YYYY}{MM}{DD}`, weekly "
                "`{table}_{IYYY}w{IW}`, monthly `{table}_{YYYY}_{MM}`, quarterly `{table}_{YYYY}q{Q}`, "
                "yearly `{table}_{YYYY}`",
     .doc = "partition names; tokens {table} {YYYY} {MM} {DD} {HH} {IYYY} {IW} {Q}"},
    {ROW("default_partition", K_BOOL, partition_spec, default_partition),
     .def = "false", .doc = "a catch-all partition for rows outside every range"},
};
static const spec_section sec_partition = {.path = "tables.<name>.partition.", .name = "partition", .ctx = "'partition'",
                                    SECTION(partition_spec, partition_keys),
                                    .present_off = SPEC_OFF(partition_spec, present),
                                    .at_off = SPEC_OFF(partition_spec, at), .located_when_absent = true};

static const spec_key retention_keys[] = {
    {ROW("keep", K_DURATION, retention_spec, keep), .lo = 0,
     .required = "say how long rows are kept, e.g. keep: 90 days",
     .doc = "how long rows are kept: N hours, days, weeks, months or years; 0 only with action delete "
            "on an expiry column"},
    {ROW("action", K_ENUM, retention_spec, action), .values = retention_action_names,
     .def = "drop", .doc = "what happens to a range past keep: drop, detach, archive (detach, then move to "
                          "archive_schema) or delete (batched DELETE of rows)"},
    {ROW("column", K_NAME, retention_spec, column), .def_doc = "the partition key",
     .doc = "for delete: rows whose column is older than keep are removed"},
    {ROW("batch_size", K_INT, retention_spec, batch_size), .lo = 1,
     .hi = BATCH_MAX, .def = "10000", .doc = "rows per DELETE batch (action delete)"},
    {ROW("protect", K_INT32, retention_spec, protect), .lo = 0, .hi = 10000,
     .def = "2", .doc = "the newest partitions retention never touches (the current one and the one before)"},
    {ROW("archive_schema", K_NAME, retention_spec, archive_schema), .def = "archive",
     .doc = "where action archive moves detached partitions"},
};
static const spec_section sec_retention = {.path = "tables.<name>.retention.", .name = "retention", .ctx = "'retention'",
                                    SECTION(retention_spec, retention_keys),
                                    .present_off = SPEC_OFF(retention_spec, present),
                                    .at_off = SPEC_OFF(retention_spec, at)};

static const spec_key maintenance_keys[] = {
    {ROW("schedule", K_TEXT, maintenance_spec, schedule), .what = "a cron schedule",
     .def_doc = "none: the functions are run by your own scheduler",
     .doc = "pg_cron schedule of the maintenance job, e.g. \"0 * * * *\""},
    {ROW("warn_ahead", K_DURATION, maintenance_spec, warn_ahead), .lo = 1,
     .def_doc = "two ranges",
     .doc = "the health view says WARNING when partitions cover less than this ahead"},
    {ROW("critical_ahead", K_DURATION, maintenance_spec, critical_ahead),
     .lo = 1, .def_doc = "one range",
     .doc = "... and CRITICAL below this"},
};
static const spec_section sec_maintenance = {.path = "tables.<name>.maintenance.", .name = "maintenance",
                                      .ctx = "'maintenance'", SECTION(maintenance_spec, maintenance_keys),
                                      .present_off = SPEC_OFF(maintenance_spec, present),
                                      .at_off = SPEC_OFF(maintenance_spec, at)};

static const spec_key policy_keys[] = {
    {ROW("command", K_ENUM, policy, command), .values = policy_command_names, .def = "all",
     .doc = "the command the policy applies to: all, select, insert, update or delete"},
    {ROW("roles", K_NAMES, policy, roles), .def_doc = "PUBLIC", .doc = "the roles the policy applies to"},
    {ROW("using", K_TEXT, policy, using), .what = "an SQL expression",
     .doc = "SQL boolean expression: the rows a command can see (not for insert)"},
    {ROW("check", K_TEXT, policy, check), .what = "an SQL expression",
     .doc = "SQL boolean expression: the rows a command can write (not for select and delete)"},
};
const spec_section sec_policy = {.path = "tables.<name>.security.policies.<policy>.", SECTION(policy, policy_keys),
                                 .present_off = 0, .at_off = 0};

static const spec_key security_keys[] = {
    {ROW("rls", K_BOOL, security_spec, rls), .def = "false",
     .doc = "enable and force row-level security on the table and every partition"},
    {ROW("policies", K_CUSTOM, security_spec, policies), .load = load_policies, .sub = &sec_policy,
     .type_doc = "mapping: policy name -> policy", .doc = "row-level security policies, on the parent and every partition"},
    {ROW("grants", K_CUSTOM, security_spec, grants), .load = load_grants, .values = grant_privilege_names,
     .type_doc = "mapping: role -> list of privileges (select, insert, update, delete, truncate, references, "
                 "trigger, all)",
     .doc = "privileges granted on the table and every partition, now and later"},
};
static const spec_section sec_security = {.path = "tables.<name>.security.", .name = "security", .ctx = "'security'",
                                   SECTION(security_spec, security_keys),
                                   .present_off = SPEC_OFF(security_spec, present),
                                   .at_off = SPEC_OFF(security_spec, at)};

static const spec_key migrate_keys[] = {
    {ROW("batch_size", K_INT, migrate_spec, batch_size), .lo = 1, .hi = BATCH_MAX,
     .def = "10000", .doc = "rows per committed batch of the backfill"},
    {ROW("batch_pause", K_TIMEOUT, migrate_spec, batch_pause_ms), .def = "0",
     .doc = "pause after each backfill batch, e.g. 100ms"},
    {ROW("lock_timeout", K_TIMEOUT, migrate_spec, lock_timeout_ms),
     .def_doc = "settings.lock_timeout", .doc = "lock_timeout of this table's conversion"},
    {ROW("shadow_suffix", K_NAME, migrate_spec, shadow_suffix), .def = "_partitioned",
     .doc = "the partitioned table is named table + suffix until the swap"},
    {ROW("old_suffix", K_NAME, migrate_spec, old_suffix), .def = "_old",
     .doc = "the name the old table gets at the swap: table + suffix"},
    {ROW("keep_old", K_DURATION, migrate_spec, keep_old), .lo = 1, .def = "7 days",
     .doc = "the cleanup phase is meant to run this long after the swap"},
    {ROW("cleanup", K_NOT, migrate_spec, hold_cleanup), .def = "true",
     .doc = "false means through: swap (the cleanup migration is left out until it is set back)"},
    {ROW("through", K_ENUM, migrate_spec, through), .values = conv_phase_names, .def = "cleanup",
     .doc = "the last phase written so far: prepare, backfill, swap or cleanup; a later one adds only the "
            "phases after those already written (a deploy per stage)"},
    {ROW("backfill_in", K_ENUM, migrate_spec, backfill_in), .values = backfill_where_names, .def = "migration",
     .doc = "migration: the backfill migration copies the rows; pg_cron: it starts the copy as a pg_cron job "
            "and returns (the swap refuses until it is done), or copies in the migration where pg_cron is absent"},
    {ROW("method", K_ENUM, migrate_spec, method), .values = conv_method_names, .def = "copy",
     .doc = "copy: the rows are copied into the partitioned table; attach: the table itself becomes the "
            "partition of every row before migrate.cutover, with no row copied"},
    {ROW("cutover", K_DATE, migrate_spec, cutover), .def_doc = "the first range that starts 7 days after --as-of",
     .doc = "method attach: the table holds the rows before this bound (the start of a range); rows from it on "
            "go to new partitions after the swap, and the table refuses them from the prepare phase on"},
    {ROW("incoming_foreign_keys", K_ENUM, migrate_spec, incoming), .values = incoming_fks_names, .def = "refuse",
     .doc = "refuse: foreign keys of other tables into this one stop the conversion; rewire: each referencing "
            "table (declared in the spec set) gets the partition key's column, filled by the database, and its "
            "foreign key moves to the partitioned table's key (see foreign_keys[].partition_key_column)"},
};
static const spec_section sec_migrate = {.path = "tables.<name>.migrate.", .name = "migrate", .ctx = "'migrate'",
                                  SECTION(migrate_spec, migrate_keys),
                                  .present_off = SPEC_OFF(migrate_spec, present),
                                  .at_off = SPEC_OFF(migrate_spec, at)};

static const spec_key index_column_keys[] = {
    {ROW("column", K_CUSTOM, index_col, expression), .type_doc = "name",
     .doc = "the indexed column (or expression, not both)"},
    {ROW("expression", K_CUSTOM, index_col, expression), .type_doc = "SQL expression",
     .doc = "an indexed expression, e.g. \"lower(email)\""},
    {ROW("order", K_ENUM, index_col, order), .values = SORT_ORDERS, .base = 1,
     .def_doc = "the index's default", .doc = "btree only: asc or desc"},
    {ROW("nulls", K_ENUM, index_col, nulls), .values = NULLS_ORDERS, .base = 1,
     .def_doc = "the index's default", .doc = "btree only: first or last"},
    {ROW("opclass", K_TEXT, index_col, opclass), .what = "an operator class", .def_doc = "the type's default",
     .doc = "operator class, e.g. text_pattern_ops; may be schema.name"},
    {ROW("collate", K_TEXT, index_col, collate), .what = "a collation", .def_doc = "the column's",
     .doc = "collation, e.g. C"},
};
const spec_section sec_index_column = {.path = "tables.<name>.indexes[].columns[].", .ctx = "an index column",
                                       SECTION(index_col, index_column_keys), .present_off = 0,
                                       .at_off = 0};

static const spec_key index_keys[] = {
    {ROW("name", K_NAME, index, name), .def_doc = "generated from the table and columns",
     .doc = "the index's name"},
    {ROW("columns", K_CUSTOM, index, columns), AT(index, columns.at), .load = load_index_columns, .sub = &sec_index_column,
     .required = "list the indexed columns, e.g. columns: [a, b]",
     .type_doc = "list of columns: text (`created_at DESC NULLS LAST`, `(lower(email))`) or mappings",
     .doc = "the indexed columns or expressions, in order"},
    {ROW("using", K_WORD, index, using), .values = USINGS, .def = "btree", .doc = "the index method"},
    {ROW("unique", K_BOOL, index, unique), .def = "false", .doc = "a unique index"},
    {ROW("where", K_TEXT, index, where), .what = "an SQL expression", .doc = "predicate of a partial index"},
    {ROW("include", K_NAMES, index, include), .hi = MAX_KEY_COLUMNS, .doc = "non-key columns stored in the index"},
};
const spec_section sec_index = {.path = "tables.<name>.indexes[].", .name = "indexes", .ctx = "an item of 'indexes'",
                                SECTION(index, index_keys), .present_off = 0, .at_off = 0};

static const spec_key references_keys[] = {
    {ROW("table", K_CUSTOM, foreign_key, ref_table), .load = load_ref_table, .type_doc = "name or schema.name",
     .required = "name the referenced table", .doc = "the referenced table, declared in the spec set"},
    {ROW("columns", K_NAMES, foreign_key, ref_columns), .hi = MAX_KEY_COLUMNS,
     .required = "list the referenced columns, e.g. columns: [id]",
     .doc = "the referenced columns: a primary key or unique constraint there"},
};
const spec_section sec_references = {.path = "tables.<name>.foreign_keys[].references.", .name = "references",
                                     .ctx = "'references'", SECTION(foreign_key, references_keys),
                                     .present_off = 0, .at_off = 0};

static const spec_key fk_keys[] = {
    {ROW("columns", K_NAMES, foreign_key, columns), .hi = MAX_KEY_COLUMNS, .required = "list the referencing columns",
     .doc = "the referencing columns of this table"},
    {ROW("references", K_CUSTOM, foreign_key, ref_table), .load = load_references, .sub = &sec_references,
     .required = "write references: { table: other, columns: [id] }", .type_doc = "mapping",
     .doc = "the referenced table and columns"},
    {ROW("on_delete", K_ENUM, foreign_key, on_delete), .values = fk_action_names,
     .def = "no action", .doc = "what a delete of the referenced row does"},
    {ROW("partition_key_column", K_NAME, foreign_key, partition_key_column),
     .def_doc = "<referenced table>_<partition key>",
     .doc = "where the referenced table is converted with incoming_foreign_keys: rewire: the column this table "
            "gets for the composite foreign key"},
};
const spec_section sec_fk = {.path = "tables.<name>.foreign_keys[].", .name = "foreign_keys",
                             .ctx = "an item of 'foreign_keys'", SECTION(foreign_key, fk_keys),
                             .present_off = 0, .at_off = 0};

static const spec_key lint_keys[] = {
    {ROW("allow", K_CUSTOM, table, allows), .load = NULL, .type_doc = "mapping: rule id -> reason",
     .doc = "lint findings accepted for this table, each with the reason why"},
};
const spec_section sec_lint = {.path = "tables.<name>.lint.", .name = "lint", .ctx = "'lint'",
                               SECTION(table, lint_keys), .present_off = 0, .at_off = 0};

static const spec_key table_keys[] = {
    {ROW("schema", K_NAME, table, schema), .def_doc = "`public`", .doc = "the table's schema"},
    {ROW("mode", K_ENUM, table, mode), .values = table_mode_names, .def = "create",
     .doc = "create: a new table; convert: a live plain table made partitioned online; reference: an existing "
            "table, declared for foreign keys"},
    {ROW("strategy", K_ENUM, table, strategy), .values = table_strategy_names,
     .def = "partition",
     .doc = "partition: by range of partition.key; brin: a BRIN index on it; none: a plain table"},
    {ROW("columns", K_CUSTOM, table, columns), .load = load_columns, .sub = &sec_column,
     .type_doc = "mapping: column name -> column", .doc = "the columns, in order (required for create)"},
    {ROW("primary_key", K_NAMES, table, primary_key), .hi = MAX_KEY_COLUMNS,
     .doc = "the primary key's columns (as it is today in mode convert)"},
    {ROW("unique", K_CUSTOM, table, unique), AT(table, unique_at), .load = load_unique,
     .type_doc = "list of column lists", .doc = "unique constraints"},
    {ROW("checks", K_CUSTOM, table, checks), .load = load_checks, .type_doc = "mapping: name -> SQL expression",
     .doc = "check constraints"},
    {ROW("partition", K_SECTION, table, part), .load = load_partition, .sub = &sec_partition,
     .doc = "how the table is partitioned (required for strategy partition and brin)"},
    {ROW("indexes", K_CUSTOM, table, indexes), .load = load_indexes, .sub = &sec_index, .type_doc = "list of indexes",
     .doc = "indexes of the table (and every partition)"},
    {ROW("foreign_keys", K_CUSTOM, table, fks), .load = load_fks, .sub = &sec_fk, .type_doc = "list of foreign keys",
     .doc = "foreign keys from this table"},
    {ROW("retention", K_SECTION, table, retention), .load = load_retention, .sub = &sec_retention,
     .doc = "what happens to old rows"},
    {ROW("maintenance", K_SECTION, table, maintenance), .load = load_maintenance, .sub = &sec_maintenance,
     .doc = "keeps partitions ahead and applies retention"},
    {ROW("security", K_SECTION, table, security), .load = load_security, .sub = &sec_security,
     .doc = "row-level security, policies and grants"},
    {ROW("migrate", K_SECTION, table, migrate), .load = load_migrate, .sub = &sec_migrate,
     .doc = "how a conversion runs (mode convert)"},
    {ROW("lint", K_CUSTOM, table, allows), .load = load_lint, .sub = &sec_lint, .type_doc = "mapping",
     .doc = "lint settings of this table"},
    {ROW("drop", K_BOOL, table, drop), .def = "false",
     .doc = "true: the next migration drops the table and its rows (a drop-table lint error until lint.allow "
            "accepts it); its rollback creates it again, empty. Keep the spec: it says what that is"},
};
static const spec_section sec_table = {.path = "tables.<name>.", .ctx = NULL, SECTION(table, table_keys),
                                .present_off = 0, .at_off = 0};

static const spec_key settings_keys[] = {
    {ROW("postgres", K_INT32, settings_spec, postgres), .lo = 13, .hi = 18,
     .def = "15", .doc = "the server major the SQL must run on; --postgres overrides it"},
    {ROW("lock_timeout", K_TIMEOUT, settings_spec, lock_timeout_ms),
     .def = "2s", .doc = "lock_timeout of every file that runs in a transaction"},
    {ROW("statement_timeout", K_TIMEOUT, settings_spec, statement_timeout_ms),
     .def = "0", .doc = "statement_timeout of the same files (0: none)"},
    {ROW("runtime_schema", K_NAME, settings_spec, runtime_schema), .def = "partc",
     .doc = "the schema of the runtime that maintains the tables (installed by the folder's first migration)"},
};
static const spec_section sec_settings = {.path = "settings.", .name = "settings", .ctx = "'settings'",
                                   SECTION(settings_spec, settings_keys),
                                   .present_off = SPEC_OFF(settings_spec, present),
                                   .at_off = SPEC_OFF(settings_spec, at)};

static const spec_key top_keys[] = {
    {.key = "version", .kind = K_CUSTOM, .off = 0,
     .required = "a spec starts with 'version: 1'", .type_doc = "the number 1", .doc = "the spec format's version"},
    {.key = "settings", .kind = K_CUSTOM, .off = 0, .sub = &sec_settings, .type_doc = "mapping",
     .doc = "settings of the whole spec set, at most once in it"},
    {.key = "tables", .kind = K_CUSTOM, .off = 0, .sub = &sec_table,
     .type_doc = "mapping: table name -> table", .doc = "the tables"},
};
const spec_section spec_top = {.path = "", .ctx = "the spec", .keys = top_keys, .nkeys = sizeof top_keys / sizeof top_keys[0], .present_off = 0,
                               .at_off = 0};

/* ------------------------------------------------------------ tables */

/* Not given: model_defaults derives them from other keys. */
static void unset_derived(table *t)
{
    t->part.premake.v = -1;
    t->migrate.lock_timeout_ms.v = -1;
}

table *spec_table_new(arena *a)
{
    table *t = arena_alloc(a, sizeof *t);
    defaults_of(a, &sec_table, t);
    unset_derived(t);
    return t;
}

table *spec_load_table(ld *L, ynode *k, ynode *v)
{
    table *t = arena_alloc(L->a, sizeof *t);
    defaults_into(L, &sec_table, t);
    unset_derived(t);
    t->name.s = k->text;
    t->name.at = k->at;
    t->file = L->file;
    locate(&sec_table, t, k->at);
    L->t = t;
    if (!want_kind(L, v, YN_MAP, k->text)) {
        /* its name is still known, for the references of other tables */
        t->load_failed = true;
        L->t = NULL;
        return t;
    }
    size_t errors_before = L->nerr;
    load_fields(L, &sec_table, t, v, arena_printf(L->a, "table '%s'", disp(L, k->text)), k->at);
    model_defaults(t);
    t->snapshot = spec_tree_canonical(L, k, v);
    t->load_failed = L->nerr != errors_before;
    L->t = NULL;
    return t;
}

void spec_load_settings(ld *L, ynode *k, ynode *v, settings_spec *s)
{
    if (!want_kind(L, v, YN_MAP, "settings"))
        return;
    s->present = true;
    locate(&sec_settings, s, k->at);
    s->at = k->at;
    load_fields(L, &sec_settings, s, v, NULL, k->at);
}

const char *const *spec_top_keys(ld *L)
{
    return names_of(L, &spec_top);
}

void spec_settings_defaults(arena *a, settings_spec *s)
{
    defaults_of(a, &sec_settings, s);
}

/* ------------------------------------------------------------ self-check */

static const char *check_section(ld *L, const spec_section *s)
{
    for (size_t i = 0; i < s->nkeys; i++) {
        const spec_key *k = &s->keys[i];
        for (size_t j = 0; j < i; j++)
            if (strcmp(s->keys[j].key, k->key) == 0)
                return arena_printf(L->a, "'%s%s' is a row twice", s->path, k->key);
        if (!k->doc || !*k->doc)
            return arena_printf(L->a, "'%s%s' has no meaning", s->path, k->key);
        if ((k->kind == K_ENUM || k->kind == K_WORD) && !k->values)
            return arena_printf(L->a, "'%s%s' allows no value", s->path, k->key);
        if ((k->kind == K_SECTION || k->kind == K_CUSTOM) && !k->sub && !k->type_doc)
            return arena_printf(L->a, "'%s%s' does not say what it holds", s->path, k->key);
        if (k->kind == K_SECTION && !k->load)
            return arena_printf(L->a, "section '%s%s' has no loader", s->path, k->key);
        if (k->def && k->def_doc)
            return arena_printf(L->a, "'%s%s' has two defaults", s->path, k->key);
        if (k->def && k->kind != K_SECTION && k->kind != K_CUSTOM) {
            void *scratch = arena_calloc(L->a, 1, s->size); /* a zeroed item of the section */
            size_t before = L->d->n;
            set_default(L, k, scratch);
            if (L->d->n != before)
                return arena_printf(L->a, "the default '%s' of '%s%s' does not load", k->def, s->path, k->key);
        }
        if (k->sub && k->sub != s) {
            const char *why = check_section(L, k->sub);
            if (why)
                return why;
        }
    }
    return NULL;
}

const char *spec_schema_check(arena *a)
{
    diags d;
    diags_init(&d, a);
    ld L = {.d = &d, .a = a};
    return check_section(&L, &spec_top);
}
