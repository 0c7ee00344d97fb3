/* spec_schema: the spec's keys as one table.
 *
 * Every key of a spec is one row: its name, the kind of value it holds,
 * where the value goes in the model, the values it allows, its bounds, its
 * default and a one-line meaning.  The loader (spec_schema.c), the
 * unknown-key errors with their "did you mean", the defaults of a new table,
 * the README's spec reference and the fuzzing dictionary all read these rows
 * (`partc keys` prints them).  A key whose value has a shape of its own
 * (columns, indexes, policies, grants...) is read by a function of its row;
 * its sub-keys are rows too.  The rows are static data: nothing to free. */
#ifndef PARTC_SPEC_SCHEMA_H
#define PARTC_SPEC_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "model.h"

typedef enum {
    K_NAME,     /* sval: a name; empty is an empty-name error */
    K_TEXT,     /* sval: text that is not a name (SQL, a pattern); .what says which */
    K_WORD,     /* sval: one of .values, stored as that word */
    K_BOOL,     /* bool */
    K_NOT,      /* bool, stored negated: the spec says "cleanup", the model "hold_cleanup" */
    K_INT,      /* int64_t from .lo to .hi */
    K_INT32,    /* int from .lo to .hi */
    K_ENUM,     /* an enum whose value .base + i is written .values[i] */
    K_NAMES,    /* slist of names, at most .hi of them (0: any number) */
    K_DURATION, /* duration: '90 days'; .lo == 0 also allows 0 */
    K_TIMEOUT,  /* int64_t milliseconds: 0, 250ms, 2s, 1min, 1h */
    K_DATE,     /* int64_t instant: YYYY-MM-DD */
    K_SECTION,  /* a mapping of fixed keys: the rows of .sub */
    K_CUSTOM    /* read by .load; .sub, when set, lists the keys of each item */
} key_kind;


/* Offsets of locations and flags are stored plus one, so that 0 is "none". */
#define SPEC_OFF(T, f) (offsetof(T, f) + 1)

struct ld;
struct ynode;
typedef struct spec_section spec_section;

typedef struct spec_key {
    const char *key;
    key_kind kind;
    size_t off;        /* the value, in the struct the section describes */
    size_t at_off;     /* K_CUSTOM: 1 + where the value's location goes; 0: none
                          (every other value carries its own) */
    const char *what;  /* K_TEXT, K_NAMES: the value in messages ("an SQL expression") */
    const char *const *values; /* K_WORD, K_ENUM: the allowed words, NULL-terminated */
    int base;          /* K_ENUM: the value of values[0] */
    int64_t lo, hi;    /* K_INT, K_INT32 bounds; K_NAMES: hi = most items */
    const char *def;   /* the default, written as in a spec; applied to every new item */
    const char *def_doc; /* the default for the reference when it is not .def */
    const char *required; /* the hint when the key is missing; NULL: optional */
    bool range_only;   /* required only when the table is partitioned by range */
    const spec_section *sub;
    void (*load)(struct ld *L, void *base, struct ynode *key, struct ynode *v);
    const char *type_doc; /* K_CUSTOM: how the value is written */
    const char *doc;      /* one line: what it means */
} spec_key;

struct spec_section {
    const char *path;  /* in the reference, e.g. "tables.<name>.partition." */
    const char *name;  /* the key the section is under, for type errors */
    const char *ctx;   /* in messages: "'partition'" */
    const spec_key *keys;
    size_t nkeys;
    size_t size;       /* of the struct the rows describe; 0 for the top of a file */
    const char *const *names; /* the keys, NULL-terminated (filled once) */
    size_t present_off; /* 1 + a bool set when the section is given; 0: none */
    size_t at_off;      /* 1 + the section's own location; 0: none */
    bool located_when_absent; /* absent: its values are located at the table's key */
};

/* The top of a spec file: version, settings, tables. */
extern const spec_section spec_top;

/* A table with the defaults of every row in place (and the "not given"
 * marks of the defaults that depend on other keys, see model_defaults). */
table *spec_table_new(arena *a);

/* The defaults of settings (specset_init). */
void spec_settings_defaults(arena *a, settings_spec *s);

/* NULL when the rows are sound (keys unique in a section, a meaning each,
 * values for every enum, every default loads), else what is wrong. */
const char *spec_schema_check(arena *a);

typedef enum { KEYS_TEXT, KEYS_MARKDOWN, KEYS_DICT } keys_format;
/* Every key: text (one key per line), markdown (the README's reference
 * table) or a libFuzzer dictionary (every key and allowed word, sorted). */
void spec_keys_print(FILE *out, keys_format f);

#endif
