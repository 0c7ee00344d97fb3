/* sqlquote: spec values as SQL identifiers, literals and dollar-quoted
 * bodies.  Two other places embed spec values in SQL, both as data that then
 * goes through sql_literal: render's spec_json (the JSON document the
 * preflight compares with) and names' to_char patterns (literal text in
 * double-quoted runs).
 *
 * Identifiers are double-quoted when they are not plain lowercase names or
 * are keywords; literals are single-quoted with quotes doubled; function
 * bodies get a dollar-quote tag that does not occur in the body.  SQL
 * expressions from the spec (default, where, checks, policies) are not
 * rewritten, only checked: sql_expr_check refuses text that could end the
 * statement it is placed in.  Results are owned by the arena passed in. */
#ifndef PARTC_SQLQUOTE_H
#define PARTC_SQLQUOTE_H

#include <stdbool.h>

#include "arena.h"

/* true when s must be written as a quoted identifier */
bool sql_ident_needs_quote(const char *s);
/* s as an identifier token: name or "na""me" */
const char *sql_ident(arena *a, const char *s);
/* schema.name, each part quoted as needed */
const char *sql_qualified(arena *a, const char *schema, const char *name);
/* 'text' with ' doubled.  Rejects nothing: NUL cannot occur in C strings. */
const char *sql_literal(arena *a, const char *s);
/* $tag$body$tag$ with a tag (partc, partc1, ...) absent from body */
const char *sql_dollar_quote(arena *a, const char *body);
/* 0 when expr is a single expression that cannot break out of its statement:
 * balanced parentheses, closed quotes, no ';', no comment and no '\' outside
 * quotes, no dollar quotes, not empty.  Otherwise -1 and *why says what is
 * wrong. */
int sql_expr_check(const char *expr, const char **why);
/* true when s is a PostgreSQL keyword that needs quoting as a name */
bool sql_is_keyword(const char *s);

#endif
