/* names: every name that partc generates, and the checks on names.
 *
 * PCRE2 patterns are compiled once (names_init) and freed once
 * (names_fini).  Generated names are built here and nowhere else so that the
 * 63-byte limit and collisions can be checked in one place; a name is never
 * truncated.  Returned strings are owned by the arena passed in.  This module
 * does not quote: sqlquote does. */
#ifndef PARTC_NAMES_H
#define PARTC_NAMES_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "calendar.h"
#include "model.h"

#define NAME_MAX_BYTES 63

int names_init(void);
void names_fini(void);

/* The naming pattern: tokens {table} {YYYY} {MM} {DD} {HH} {IYYY} {IW} {Q}.
 * Returns 0 when every token is known and braces balance; else -1 with *why
 * and *offset (byte offset of the problem in the pattern). */
int names_pattern_check(const char *pattern, const char **why, size_t *offset);
/* 0 when the pattern gives a distinct name to every range of iv; else -1 and
 * *why says which tokens the interval needs, e.g. "weekly ranges need {IYYY}
 * and {IW} (or {YYYY}{MM}{DD}) to be distinct". */
int names_pattern_distinct(const char *pattern, cal_interval iv, const char **why);
/* The partition name for the range starting at t. */
const char *names_partition(arena *a, const table *t, int64_t range_start);
/* The pattern as a PostgreSQL to_char() format for the maintenance function:
 * literal text double-quoted, tokens as YYYY MM DD HH24 IYYY IW Q; {table}
 * is replaced by the table name.  E.g. {table}_{YYYY}_{MM} on jobs gives
 * "jobs_"YYYY"_"MM  */
const char *names_pattern_to_char(arena *a, const table *t);

const char *names_default_partition(arena *a, const table *t); /* <table>_default */
const char *names_pkey(arena *a, const table *t);              /* <table>_pkey */
const char *names_unique(arena *a, const table *t, const slist *cols); /* <table>_<c1>_<c2>_key */
const char *names_index(arena *a, const table *t, const index *ix);    /* <table>_<c..>_idx, expressions as "expr" */
const char *names_brin_index(arena *a, const table *t);        /* <table>_<key>_brin */
/* The name PostgreSQL gives an index it names itself on relation rel (an
 * index of a partition made from its parent's): rel_<cols>_<label> cut to
 * 63 bytes as PostgreSQL cuts it, label "idx", "key" or "pkey" (cols unused),
 * then label1, label2... while taken(ctx, name) says the name is used. */
const char *names_pg_index(arena *a, const char *rel, const char *const *cols, size_t ncols, const char *label,
                           bool (*taken)(void *ctx, const char *name), void *ctx);
const char *names_fkey(arena *a, const table *t, const foreign_key *fk); /* <table>_<c..>_fkey */
const char *names_cron_job(arena *a, const table *t, const char *what); /* partc:<schema>.<table>:<what> */

/* mode convert */
const char *names_shadow(arena *a, const table *t); /* <table><shadow_suffix> */
const char *names_old(arena *a, const table *t);    /* <table><old_suffix> */
/* <table>_<what>: the conversion's own objects (sync_log, backfill, ...) */
const char *names_conv(arena *a, const table *t, const char *what);
/* The conversion's own objects, <table>_<suffix>: the template placeholder
 * that names each, and whether it is a relation or a function. */
typedef struct conv_object {
    const char *var;    /* e.g. "fn_replay" ({{fn_replay}}, {{fn_replay_lit}}) */
    const char *suffix; /* e.g. "sync_replay" */
    bool relation;
} conv_object;
extern const conv_object names_conv_objects[];
extern const size_t names_nconv_objects;
/* A key or index name while it belongs to the shadow (name<shadow_suffix>)
 * and once the old table gives it up at the swap (name<old_suffix>). */
const char *names_shadow_of(arena *a, const table *t, const char *name);
const char *names_old_of(arena *a, const table *t, const char *name);
/* method attach: a key of the table without the partition key, which the
 * backfill replaces with the extended one (built concurrently as `build`,
 * named as the old table's key after a copy's swap); the primary key's
 * columns stay unique on their own through `plain`. */
typedef struct attach_key {
    char type;          /* 'p' primary key, 'u' a unique list */
    const slist *cols;  /* as the spec lists them (the build adds the partition key) */
    const char *build;  /* the extended key's index and constraint */
    const char *plain;  /* 'p': the index on the key's own columns */
    const char *pkey;   /* 'p': the spec's name of the primary key */
} attach_key;
const attach_key *names_attach_keys(arena *a, const table *t, size_t *n);

/* true when the text of a column type matches the type grammar:
 * words, an optional (n[,m]) modifier, optional [] suffixes, e.g.
 * "timestamp(3) with time zone", "numeric(12,2)", "text[]", "public.mytype" */
bool names_type_ok(const char *type);
/* true when s is a valid cron schedule for pg_cron: 5 fields of [0-9*,/-],
 * or "N seconds", or @hourly-style macros */
bool names_cron_ok(const char *s);

/* The type text lowercased, without (n) modifiers, "pg_catalog." or extra
 * blanks: "TIMESTAMP(3)  With Time Zone" -> "timestamp with time zone". */
const char *names_type_base(arena *a, const char *type);
/* [A-Za-z_][A-Za-z0-9_]*: a column name rather than an expression. */
bool names_plain_ident(const char *s);
/* Reads an index column written as text: a column of t (its whole name, a
 * plain name or a "quoted" one) or a parenthesized expression, followed by
 * [COLLATE c] [opclass] [ASC | DESC] [NULLS FIRST | LAST] (keywords in any
 * case; unquoted names fold to lowercase, as in SQL); any other text is an
 * expression as a whole.  Fills *subject (the column name or the expression)
 * and *col (locations are left to the caller).  Returns 0, or -1 with *why
 * when the words after a column are not index options. */
int names_index_column_parse(arena *a, const table *t, const char *s, const char **subject, index_col *col,
                             const char **why);
/* Levenshtein distance, for "did you mean" hints; scratch memory from a. */
size_t names_edit_distance(arena *a, const char *x, const char *y);

#endif
