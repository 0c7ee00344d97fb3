/* evolve: a table's life across migrations, from partc.lock's state records.
 *
 * A table's first state is the spec its first migrations were compiled
 * from; every later state is one change of its spec and the migration that
 * made it.  history_build reads the states (without a database: the lock
 * holds them), loads each one that differs from today's spec into a model of
 * its own (validated in the spec set of today), and adds the change from
 * the last state to today's spec when there is one.  Plan then writes the
 * first migrations from the first state, and a change migration for each
 * later one; evolve_refusals says which changes partc refuses to write, with
 * a located error and the way to get there. */
#ifndef PARTC_EVOLVE_H
#define PARTC_EVOLVE_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "lockfile.h"
#include "model.h"

typedef struct table_change {
    const table *from, *to;
    const char *name;     /* the change migration's name */
    const lock_state *st; /* the state record it brings the table to; NULL: new, to record */
} table_change;

typedef struct table_history {
    const table *cur;         /* the spec of today */
    const table *first;       /* what its first migrations are compiled from */
    bool first_recorded;      /* partc.lock has a state for them */
    table_change *changes;
    size_t nchanges;
} table_history;

typedef struct history {
    table_history *v; /* one per table of the spec set that is not a reference, in ss->tables order */
    size_t n;
} history;

/* paths: the spec files and folders of the run (a state's model is
 * validated among today's other tables, loaded again from them).  Returns
 * 0, or -1 with errors (a state that does not load, a change refused). */
int history_build(history *h, const specset *ss, const char *const *paths, size_t npaths,
                  const lockfile *lk, int64_t as_of, diags *d, arena *a);

const table_history *history_of(const history *h, const table *t);

/* The name of the change migration that brings t to its version n (2, 3...). */
const char *evolve_change_name(arena *a, const table *t, int n);

/* Would a change from `from` to `to` write any migration? */
bool evolve_differs(const table *from, const table *to);

/* Does the runtime's row of the table differ (premake, naming, retention,
 * health thresholds)? */
bool evolve_settings_differ(const table *a, const table *b);

/* Does the security (RLS, policies, grants) differ? */
bool evolve_security_differs(const table *a, const table *b);

/* Has other check i of t, by name and expression? */
bool evolve_check_kept(const table *t, size_t i, const table *other);

/* Does other have foreign key i of t, the same in every part? */
bool evolve_fk_kept(const table *t, size_t i, const table *other);

/* The same index (name and definition)? */
bool evolve_same_index(const index *a, const index *b);

/* The errors of a change partc does not write (located at `to`); returns
 * how many. */
size_t evolve_refusals(const table *from, const table *to, diags *d, arena *a);

/* The findings of lint rules about the change (data loss), accepted by
 * to's lint.allow. */
void evolve_lint(const table *from, const table *to, diags *d);

/* Does the column change from `a` to `b` keep every value and need no
 * rewrite (e.g. varchar(n) to text)? */
bool evolve_type_widens(const char *a, const char *b);

#endif
