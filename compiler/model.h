/* model: the spec set as plain structs.
 *
 * spec_load fills it from YAML, validate checks it and fills the derived
 * fields marked "validate:" (resolved references, generated names, dependency
 * order); every later stage only reads it.  All memory belongs to the spec
 * set's arena.  Every value that a diagnostic may point at carries the srcloc
 * of its YAML node.  No behaviour lives here beyond the defaults. */
#ifndef PARTC_MODEL_H
#define PARTC_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "calendar.h"
#include "diag.h"
#include "srcfile.h"

/* A scalar string with where it came from; s == NULL when absent. */
typedef struct sval {
    const char *s;
    srcloc at;
} sval;

/* A value with where it came from: the value given, or its default located
 * at the key of its section (or of its item) when the spec does not give it;
 * given is true when the spec gives it. */
#define LOCATED(T)   \
    struct {         \
        srcloc at;   \
        bool given;  \
        T v;         \
    }
typedef LOCATED(bool) sbool;
typedef LOCATED(int) sint32;
typedef LOCATED(int64_t) sint;

/* A list of strings; at is the list node (or the key when absent). */
typedef struct slist {
    sval *v;
    size_t n;
    srcloc at;
    bool present;
} slist;

typedef enum { MODE_CREATE, MODE_CONVERT, MODE_REFERENCE } table_mode;
typedef enum { STRATEGY_PARTITION, STRATEGY_BRIN, STRATEGY_NONE } table_strategy;
typedef enum { IDENTITY_NONE, IDENTITY_ALWAYS, IDENTITY_BY_DEFAULT } identity_kind;
typedef enum { RET_DROP, RET_DETACH, RET_ARCHIVE, RET_DELETE } retention_action;
typedef enum {
    FK_NO_ACTION, FK_RESTRICT, FK_CASCADE, FK_SET_NULL, FK_SET_DEFAULT
} fk_action;
typedef enum {
    POLICY_ALL, POLICY_SELECT, POLICY_INSERT, POLICY_UPDATE, POLICY_DELETE
} policy_command;
typedef LOCATED(duration) sdur;
typedef LOCATED(table_mode) smode;
/* a conversion's phases, in order; migrate.through names the last one written */
typedef enum { CONV_PREPARE, CONV_BACKFILL, CONV_SWAP, CONV_CLEANUP } conv_phase;
typedef LOCATED(conv_phase) sphase;
typedef enum { BACKFILL_IN_MIGRATION, BACKFILL_IN_PG_CRON } backfill_where;
typedef LOCATED(backfill_where) sbackfill_where;
typedef enum { METHOD_COPY, METHOD_ATTACH } conv_method;
typedef LOCATED(conv_method) smethod;
typedef enum { INCOMING_REFUSE, INCOMING_REWIRE } incoming_fks;
typedef LOCATED(incoming_fks) sincoming;
typedef LOCATED(table_strategy) sstrategy;
typedef LOCATED(identity_kind) sidentity;
typedef LOCATED(retention_action) saction;
typedef LOCATED(fk_action) sfk_action;
typedef LOCATED(policy_command) scommand;
typedef LOCATED(cal_interval) sinterval;

typedef struct column {
    sval name;      /* at = the key */
    sval type;      /* SQL type, checked against a type grammar */
    sbool nullable;  /* default true */
    sval default_expr; /* SQL expression or s == NULL */
    sidentity identity;
} column;

typedef struct check {
    sval name;
    sval expr; /* SQL boolean expression */
} check;

typedef enum { SORT_DEFAULT, SORT_ASC, SORT_DESC } sort_order;
typedef enum { NULLS_DEFAULT, NULLS_FIRST, NULLS_LAST } nulls_order;
typedef LOCATED(sort_order) ssort;
typedef LOCATED(nulls_order) snulls;

/* How one column of an index is indexed, beside its name or expression in
 * index.columns (written as text, e.g. "created_at DESC NULLS LAST", or as
 * a mapping { column | expression, order, nulls, opclass, collate }). */
typedef struct index_col {
    bool expression;   /* columns.v[i] is an SQL expression, not a column */
    ssort order;
    snulls nulls;
    sval opclass;      /* s == NULL: the type's default; may be schema.name */
    sval collate;      /* s == NULL: the column's collation */
} index_col;

typedef struct index {
    sval name;      /* s == NULL when the spec gives none */
    slist columns;  /* column names or expressions */
    index_col *cols; /* columns.n entries: order, nulls, opclass, collation */
    sval using;     /* btree | brin | hash | gin | gist; default btree */
    sbool unique;
    sval where;     /* partial index predicate or s == NULL */
    slist include;
    srcloc at;      /* the list item */
    const char *gen_name; /* validate: name.s or a generated name */
} index;

typedef struct table table;

typedef struct foreign_key {
    slist columns;
    sval ref_schema;  /* s == NULL: the referenced table's own schema */
    sval ref_table;   /* unqualified */
    slist ref_columns;
    sfk_action on_delete;
    srcloc at;
    sval partition_key_column; /* the column rewire adds (the referenced table converted with
                                  incoming_foreign_keys: rewire); s == NULL: <referenced>_<key> */
    const table *ref;      /* validate: the referenced table of the spec set */
    const char *gen_name;  /* validate: constraint name */
} foreign_key;

/* validate: a foreign key into a table converted with incoming_foreign_keys:
 * rewire, which the conversion moves onto the partitioned table's key. */
typedef struct rewire {
    const table *r;        /* the referencing table */
    size_t fk_no;          /* which of r->fks */
    const char *column;    /* the partition key's column it gets */
    const char *fill_fn;   /* the function of its trigger that fills it */
    const char *index;     /* its index on (foreign key columns, column) */
    const char *check;     /* the check that makes the column NOT NULL online */
    bool not_null;         /* every foreign key column is NOT NULL */
} rewire;

typedef struct partition_spec {
    bool present;
    srcloc at;
    sval key;
    sinterval interval;
    sint start;    /* instant, aligned to interval (validate checks) */
    sint32 premake; /* default by interval, see model_defaults */
    sval naming;   /* pattern; defaulted by interval */
    bool naming_defaulted;
    sbool default_partition;
} partition_spec;

typedef struct retention_spec {
    bool present;
    srcloc at;
    sdur keep;
    saction action;
    sval column;        /* for delete; default partition key */
    sint batch_size;    /* default 10000 */
    sint32 protect;     /* default 2 */
    sval archive_schema; /* default "archive" */
} retention_spec;

typedef struct maintenance_spec {
    bool present;
    srcloc at;
    sval schedule;     /* cron text or s == NULL */
    sdur warn_ahead;     /* default: 2 intervals worth, see model_defaults */
    sdur critical_ahead; /* default: 1 interval */
} maintenance_spec;

typedef struct policy {
    sval name;
    scommand command;       /* default all */
    slist roles;            /* default PUBLIC when absent */
    sval using;             /* SQL expression or s == NULL */
    sval check;             /* SQL expression or s == NULL */
    srcloc at;
} policy;

typedef struct grant {
    sval role;
    slist privileges; /* lowercase: select insert update delete truncate references trigger all */
} grant;

typedef struct security_spec {
    bool present;
    srcloc at;
    sbool rls;
    policy *policies;
    size_t npolicies;
    grant *grants;
    size_t ngrants;
} security_spec;

typedef struct migrate_spec {
    bool present;
    srcloc at;
    sint batch_size;         /* default 10000 */
    sint lock_timeout_ms;    /* -1: settings.lock_timeout */
    sval shadow_suffix;      /* default "_partitioned" */
    sval old_suffix;         /* default "_old" */
    sdur keep_old;           /* default 7 days */
    sint batch_pause_ms;     /* pause after each backfill batch; default 0 */
    sbool hold_cleanup;      /* cleanup: false, the cleanup migration is left out */
    sphase through;          /* the last phase written (cleanup: false means swap); see table_through */
    sbackfill_where backfill_in; /* migration, or a pg_cron job the backfill migration starts */
    smethod method;          /* copy, or attach: the table becomes the partition before the cutover */
    sint cutover;            /* attach: the upper bound of the table as a partition (see table_cutover) */
    sincoming incoming;      /* foreign keys of other tables into this one: refuse, or rewire */
} migrate_spec;

typedef struct lint_allow {
    sval rule;
    sval reason;
} lint_allow;

struct table {
    sval name;          /* at = the key under tables: */
    sval schema;        /* default "public" */
    const char *file;   /* spec file path */
    const char *snapshot; /* "<name>: <its mapping>" as canonical YAML
                             (spec_tree_canonical): what partc.lock records of it */
    smode mode;         /* default create */
    sstrategy strategy; /* default partition */
    column *columns;
    size_t ncolumns;
    slist primary_key;  /* present == false when absent */
    slist *unique;
    size_t nunique;
    srcloc unique_at;
    check *checks;
    size_t nchecks;
    partition_spec part;
    index *indexes;
    size_t nindexes;
    foreign_key *fks;
    size_t nfks;
    retention_spec retention;
    maintenance_spec maintenance;
    security_spec security;
    migrate_spec migrate;
    lint_allow *allows;
    size_t nallows;
    sbool drop;         /* the next migration drops the table (its spec stays) */
    int order;          /* validate: position in dependency order (referenced first) */
    rewire *rewires;    /* validate: mode convert with incoming_foreign_keys: rewire, the
                           foreign keys into it, in dependency order of their tables */
    size_t nrewires;
    bool load_failed;   /* spec_load reported an error inside this table: it is
                           kept out of validation and lint (only its name is known) */
    bool invalid;       /* validate reported an error about it: lint skips it */
};

typedef struct settings_spec {
    bool present;
    srcloc at;
    sint32 postgres;           /* 13..18, default 15; --postgres overrides it */
    sint lock_timeout_ms;      /* default 2000 */
    sint statement_timeout_ms; /* default 0 */
    sval runtime_schema;       /* the schema of the shared runtime, default "partc" */
} settings_spec;

typedef struct specset {
    arena *a;
    srcset files;      /* every file read, for excerpts */
    settings_spec settings;
    table **tables;    /* in load order: file path order, then spec order */
    size_t ntables;
    size_t cap;
    table **ordered;   /* validate: dependency order, ties by schema.name */
    table **failed;    /* tables set aside by specset_set_aside_failed */
    size_t nfailed;
    bool incomplete;   /* a file could not be read as a spec: tables may be missing */
} specset;

/* An empty spec set, its settings at their defaults. */
void specset_init(specset *ss, arena *a);
void specset_add_table(specset *ss, table *t);
/* Moves the tables that failed to load from tables to failed, so that the
 * rest of the spec set can still be validated and linted. */
void specset_set_aside_failed(specset *ss);
/* True when a table of that schema and name failed to load, or when a file
 * could not be read at all (a reference to it may then be right). */
bool specset_maybe_declared(const specset *ss, const char *schema, const char *name);
/* The table whose lines in its spec file hold at (from its key to the next
 * table's key), or NULL. */
table *specset_table_at(const specset *ss, srcloc at);
const column *table_column(const table *t, const char *name);
/* Does the table register with the runtime (partitions to maintain, or
 * retention)? */
bool table_uses_runtime(const table *t);
/* The last phase of t's conversion written: migrate.through, or swap for
 * cleanup: false. */
conv_phase table_through(const table *t);
/* method attach: the bound below which the table holds every row, given
 * (migrate.cutover) or the first range that starts at least 7 days after
 * as_of, and never before the range after partition.start. */
int64_t table_cutover(const table *t, int64_t as_of);
/* RLS, a policy or a grant to apply to the table (and every partition). */
bool table_has_security(const table *t);

/* Fill the defaults that depend on other keys of the table: schema, premake
 * and naming (by interval), warn/critical ahead (by interval), retention's
 * column (the partition key).  Every other default is a row of the spec
 * schema, in place from spec_table_new. */
void model_defaults(table *t);

/* The words a spec writes for each enum value, in enum order, NULL-terminated
 * (the spec schema's allowed values; messages and reports use them too). */
extern const char *const table_mode_names[];
extern const char *const table_strategy_names[];
extern const char *const retention_action_names[];
extern const char *const conv_phase_names[];
extern const char *const backfill_where_names[];
extern const char *const conv_method_names[];
extern const char *const incoming_fks_names[];
extern const char *const fk_action_names[];
extern const char *const policy_command_names[];
extern const char *const grant_privilege_names[];

const char *mode_name(table_mode m);
/* The static partition ranges of t (partition.start through the range that
 * holds as_of, plus premake ranges): *first and *count (count 0 when t has
 * no partitions). */
void table_static_ranges(const table *t, int64_t as_of, int64_t *first, int64_t *count);
/* The instant a table's partitions are planned for, given the run's. */
typedef int64_t (*table_as_of_fn)(void *ctx, const table *t, int64_t as_of);

/* The latest partition.start of the spec set, 0 when no table has one. */
int64_t specset_latest_start(const specset *ss);
const char *strategy_name(table_strategy s);
const char *retention_action_name(retention_action a);
const char *fk_action_sql(fk_action a);
const char *policy_command_sql(policy_command c);

#endif
