/* diag: diagnostics as values.
 *
 * Every stage adds diags to a list instead of printing; main sorts the list
 * by file:line:col once and prints it through diag_print (text) or report.c
 * (lint formats).  Messages are lowercase, say what is wrong first, put the
 * subject in single quotes, and carry a hint on how to fix it.  All strings
 * are copied into the list's arena. */
#ifndef PARTC_DIAG_H
#define PARTC_DIAG_H

#include <stdbool.h>
#include <stdio.h>

#include "arena.h"
#include "srcfile.h"

typedef enum { SEV_NOTE = 0, SEV_WARNING = 1, SEV_ERROR = 2 } severity;

/* A place in a spec file; line and col are 1-based, 0 when unknown. */
typedef struct srcloc {
    const char *file;
    int line, col;
} srcloc;

typedef struct diag {
    severity sev;
    const char *code; /* error code or lint rule id, kebab-case */
    srcloc at;
    const char *message;
    const char *hint; /* may be NULL */
    const char *detail; /* lines shown under the hint (a diff), or NULL */
    bool suppressed;  /* lint finding accepted through lint.allow */
    const char *reason; /* the lint.allow reason when suppressed */
    unsigned seq;     /* insertion order, the last sort key */
} diag;

typedef struct diags {
    diag *v;
    size_t n, cap;
    arena *a;
} diags;

void diags_init(diags *d, arena *a);
diag *diag_add(diags *d, severity sev, const char *code, srcloc at,
               const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Sets the detail of dg, a diag of d (copied into d's arena). */
void diag_set_detail(diags *d, diag *dg, const char *text);
/* Sort by file, line, col, then code, then insertion order. */
void diags_sort(diags *d);
/* Unsuppressed diags at or above min. */
size_t diags_count(const diags *d, severity min);
/* An error diag with this code is in d. */
bool diags_have_code(const diags *d, const char *code);

const char *severity_name(severity s);

/* Text form: `file:line:col: severity: message [code]`, the source line with
 * a caret under the column, `  hint: ...`, and each line of the detail
 * indented by four spaces.  Control characters are shown as '?' (tabs as
 * spaces in excerpts and details), and a detail line is cut after 1,000
 * bytes.  Files are looked up in ss for
 * the excerpt; pass NULL to skip excerpts. */
void diag_print(FILE *out, const diag *dg, const srcset *ss);
void diags_print(FILE *out, const diags *d, const srcset *ss);

#endif
