/* plan: model -> ordered migrations of ordered steps.
 *
 * A migration is one file pair (up and down) for one table and phase; a step
 * is one kind of SQL (a step kind) with what it needs to know: the table,
 * the item (partition range, index, foreign key) and the lock it takes and
 * whether it can run inside a transaction block.  The plan decides order and
 * content; it produces no SQL text (render does) and writes nothing (emit
 * does).  Everything lives in the arena passed to plan_build.
 *
 * Partitions planned statically: from partition.start through the range that
 * contains as_of plus premake ranges (start plus premake ranges when as_of is
 * earlier).  The runtime's maintenance creates the rest at run time. */
#ifndef PARTC_PLAN_H
#define PARTC_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "model.h"

/* The relation a step acts on: the table by its name, or (mode convert) the
 * shadow table or the old table by theirs. */
typedef enum { REL_TABLE, REL_SHADOW, REL_OLD } step_rel;

/* The kinds of step: one row each in steps.def (its template, the values
 * render gives it). */
typedef enum step_kind {
#define STEP(K, T, F, G) STEP_##K,
#define SUB(T, G)
#define BASE(B)
#include "steps.def"
#undef STEP
#undef SUB
#undef BASE
    STEP_NKINDS
} step_kind;

/* What an alter_column step does to its column (as t->columns[col_no] has it). */
typedef enum { CC_TYPE, CC_SET_DEFAULT, CC_DROP_DEFAULT, CC_SET_NOT_NULL, CC_DROP_NOT_NULL } col_change;

typedef struct step {
    step_kind kind;
    const char *summary; /* one line for `partc plan` */
    const char *lock;    /* lock taken, for `partc plan` */
    bool in_tx;          /* false: must be the only statement of its file */
    const table *t;
    int64_t lo, hi;      /* partition range steps */
    size_t index_no;     /* index steps: which of t->indexes; check steps: which of t->checks */
    size_t fk_no;        /* add_foreign_key: which of t->fks */
    bool archive_schema; /* create_schema, drop_schema: retention's archive schema, not the table's */
    step_rel rel;
    const char *phase_to; /* set_live: the conversion phase the table's row records */
    int rt_version;       /* runtime steps: the version the migration installs */
    size_t col_no;        /* column steps: which of t->columns */
    col_change change;    /* alter_column: what changes */
    bool plain;           /* conv_attach_build: the primary key's own columns, not the extended key;
                             rewire_lock: ACCESS EXCLUSIVE on the table (else SHARE ROW EXCLUSIVE) */
    size_t rewire_no;     /* rewire steps: which of t->rewires */
    const char *part;     /* an index's part: the partition when it is not range lo's (the table a
                             conversion by attach made the partition before its cutover) */
} step;

typedef struct migration {
    const char *name;    /* file name part, e.g. "create_jobs" */
    const char *phase;   /* "runtime", "create", or "prepare", "backfill", "swap", "cleanup" */
    const table *t;      /* NULL for the runtime */
    step *up, *down;
    size_t nup, ndown, capup, capdown;
    bool in_tx;          /* every up step can run in one transaction */
    bool down_in_tx;     /* every down step can */
    int64_t lock_timeout_ms;
    int64_t as_of;       /* the instant its partitions were planned for */
    const char *about;   /* what the up does, for the head of its file */
    const char *undo;    /* what the down does */
    bool kept;           /* a runtime migration partc.lock records, kept as it is (no steps) */
    const char *state;   /* the table's spec after this migration, as partc.lock records it, or NULL */
    bool state_recorded; /* ... and partc.lock has it already */
} migration;

/* The runtime migrations partc.lock records for the folder: how many
 * (partc_runtime_v1 .. v<recorded>), and whether the newest differs from what
 * this partc writes (then an upgrade, v<recorded + 1>, follows them). */
typedef struct runtime_record {
    int recorded;
    bool changed;
} runtime_record;

/* The name of the runtime's migration of version v: "partc_runtime_v<v>". */
const char *plan_runtime_name(arena *a, int v);
/* The version of a runtime migration's name, or 0. */
int plan_runtime_version_of(const char *name);

typedef struct plan {
    migration *v;
    size_t n, cap;
    int64_t as_of;
    arena *a;
} plan;


/* Builds the migrations of every table of ss->ordered, which
 * validate_specset and validate_for_compile found no error in.  Tables in
 * mode reference give none; a table in mode convert gives four, one per
 * phase; the runtime's migration comes first when a table registers with
 * it.  Returns 0: what could stop a plan is validate's. */
int plan_build(plan *p, const specset *ss, int64_t as_of, arena *a);

/* The name of t's first migration ("create_<t>" or "<t>_prepare", with the
 * schema in front outside public): how a table is found in partc.lock. */
const char *plan_first_name(arena *a, const table *t);

/* plan_build, with each table's partitions planned for as_of_for(ctx, t,
 * as_of) instead (the instant recorded when it was first emitted). */
struct history;
/* ... and with each table's first migrations compiled from the first state
 * partc.lock records of it, then a change migration for each later state
 * and for today's spec when it differs (h from history_build; NULL: today's
 * spec is every table's first). */
int plan_build_with(plan *p, const specset *ss, int64_t as_of, table_as_of_fn as_of_for, void *ctx,
                    const runtime_record *rt, const struct history *h, arena *a);

#endif
