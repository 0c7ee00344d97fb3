/* lint: partition-safety rules over a validated spec set.
 *
 * One table of rules {id, default severity, summary, why, fix, check}.  A
 * check adds findings (diags whose code is the rule id) through
 * lint_report, which marks a finding suppressed, with the reason, as it is
 * added when the table's lint.allow names its rule.  Never prints (report
 * and diag do). */
#ifndef PARTC_LINT_H
#define PARTC_LINT_H

#include <stddef.h>

#include "diag.h"
#include "model.h"

typedef struct lint_ctx {
    const specset *ss;
    diags *out;
    int64_t as_of;
    const char *target; /* "plain", "supabase", ... */
    int max_partitions; /* too-many-partitions threshold */
} lint_ctx;

typedef struct lint_rule {
    const char *id;
    severity sev;
    const char *summary;
    const char *why;
    const char *fix;
    /* NULL for the rules that validation checks (their findings stop a
     * compile and cannot be allowed) */
    void (*check)(const lint_ctx *cx, const struct lint_rule *rule, const table *t);
} lint_rule;

extern const lint_rule lint_rules[];
extern const size_t lint_nrules;

const lint_rule *lint_find(const char *id);
/* Runs every rule on every table that validation found no error in, then
 * applies lint.allow. */
void lint_run(const lint_ctx *cx);
/* A finding of rule r at `at` (checks call this). */
diag *lint_report(const lint_ctx *cx, const lint_rule *r, const table *t, srcloc at,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
