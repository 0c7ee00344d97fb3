/* report: what partc prints for people (and, later, machines).
 *
 * report_plan prints the `partc plan` summary of a plan; report_lint prints
 * findings and a closing count.  Printing lives here and in diag.c only. */
#ifndef PARTC_REPORT_H
#define PARTC_REPORT_H

#include <stdio.h>

#include "diag.h"
#include "model.h"
#include "plan.h"

void report_plan(FILE *out, const plan *p, const specset *ss);
/* Every diag, then "N errors, N warnings (N allowed)" or "no findings". */
void report_lint(FILE *out, const diags *d, const srcset *files);

#endif
