/* validate: hard errors, the ones that make a spec set impossible to compile.
 *
 * Runs after spec_load on the whole spec set and adds error diags (never
 * prints).  Also fills the derived fields of the model marked "validate:"
 * (resolved foreign keys, generated names, dependency order) so that lint,
 * plan and render only read.  Checks: columns named by keys, indexes,
 * foreign keys, partition key and retention column exist; referenced tables
 * and columns exist in the spec set; partition start aligned to its interval;
 * naming tokens valid and distinct per range; generated names at most 63
 * bytes and not colliding; SQL expressions and types well-formed; durations
 * sensible; foreign-key cycles.  Policy decisions (is this safe?) are lint's. */
#ifndef PARTC_VALIDATE_H
#define PARTC_VALIDATE_H

#include <stdint.h>

#include "diag.h"
#include "model.h"

/* as_of: the instant up to which partitions are generated (see plan.h),
 * used to check every generated partition name.  Tables that failed to load
 * are set aside first (specset_set_aside_failed); every table an error is
 * about is marked invalid.  Returns 0, or -1 when it added an error. */
int validate_specset(specset *ss, int64_t as_of, diags *d);

/* What only a compile (and `partc plan`) needs of a valid spec set: the
 * conversions this partc can write, and partitions the migrations can
 * create (none past the year 9999, at most 10,000 per table), each table's
 * planned for as_of_for(ctx, t, as_of) when given (the --as-of recorded in
 * partc.lock).  Returns 0, or -1 with errors. */
int validate_for_compile(const specset *ss, int64_t as_of, table_as_of_fn as_of_for, void *ctx, diags *d);

#endif
