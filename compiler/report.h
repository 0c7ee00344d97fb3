/* report: what partc prints for people and for machines.
 *
 * report_plan prints the `partc plan` summary of a plan; report_findings
 * prints validation errors and lint findings in one of four formats (text
 * for people, json for scripts, sarif for code scanning, github for Actions
 * annotations).  Output is deterministic: no clock, no locale, findings in
 * the order of the list.  Printing lives here and in diag.c only; nothing
 * here allocates memory that outlives a call. */
#ifndef PARTC_REPORT_H
#define PARTC_REPORT_H

#include <stdio.h>

#include "diag.h"
#include "model.h"
#include "plan.h"

void report_plan(FILE *out, const plan *p, const specset *ss);
/* The same, as markdown for a pull request's description: per table its
 * phases, what each does, its locks and timeouts, its rollback, the
 * partitions made and what cannot be undone. */
void report_plan_markdown(FILE *out, const plan *p, const specset *ss);

typedef enum { FORMAT_TEXT, FORMAT_JSON, FORMAT_SARIF, FORMAT_GITHUB } report_format;

/* "text" | "json" | "sarif" | "github" -> 0 and *f; anything else (NULL
 * included) -> -1 and *f untouched. */
int report_format_parse(const char *s, report_format *f);

/* Prints the findings of d (already sorted by file, line, col) in format f;
 * files gives the source excerpts of the text format (may be NULL).
 * tool_version is partc's version string (json and sarif).
 *
 * - text: every unsuppressed diag through diag_print, then
 *   "N errors, N warnings, N allowed" or "no findings".
 * - json: one pretty-printed object {version, tool, summary, findings};
 *   suppressed findings are listed (marked, with their reason) and left out
 *   of the error and warning counts.
 * - sarif: SARIF 2.1.0 with the rule catalog (lint_rules) and one result per
 *   finding; suppressed ones carry an inSource suppression.  Findings with no
 *   file (code scanning refuses a result without a location) are listed as
 *   tool execution notifications of the run's invocation instead.
 * - github: one workflow command (::error/::warning/::notice) per
 *   unsuppressed finding, then the summary line of the text format. */
void report_findings(FILE *out, const diags *d, const srcset *files, report_format f,
                     const char *tool_version);

/* report_findings in the text format. */
void report_lint(FILE *out, const diags *d, const srcset *files);

/* The lint rule catalog (`partc rules`) as "text", "json" or "markdown";
 * defined in report.c. */
void report_rules(FILE *out, const char *format);

#endif
