/* validate_internal: what the files of validate share (validate.c: the
 * checks of each table and the entry; validate_names.c: names and their
 * collisions; validate_refs.c: foreign keys and the dependency order).
 * Nothing outside validate includes it. */
#ifndef PARTC_VALIDATE_INTERNAL_H
#define PARTC_VALIDATE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "model.h"
#include "strmap.h"

/* Planned ranges per table above which only the edges are name-checked. */
#define RANGES_FULL 100000
#define RANGES_EDGE 1000

typedef enum {
    NK_TABLE,
    NK_PARTITION,
    NK_DEFAULT_PARTITION,
    NK_INDEX,
    NK_PKEY,
    NK_UNIQUE,
    NK_BRIN,
    NK_SHADOW,
    NK_OLD,
    NK_FUNCTION
} name_kind;

/* One registered name: a relation or function of a schema, or a table.
 * Kept small: a run may register millions of partition names.  A name set
 * maps a name to the entries of that name, one per schema. */
typedef struct nent {
    const char *schema, *name;
    struct nent *next; /* the same name in another schema */
    uint32_t owner;    /* index of the table it belongs to */
    uint8_t kind;      /* name_kind */
} nent;

typedef struct nset {
    strmap m;  /* name -> nent chain; slots on the heap */
    size_t n;  /* entries */
    arena *a;  /* the entries */
} nset;

typedef struct vctx {
    specset *ss;
    diags *d;
    arena *tmp;
    int64_t as_of;
    nset tables; /* schema.name -> first table of that name */
    nset rels;   /* relations (tables, partitions, indexes, views) */
    nset fns;    /* functions */
    bool *dup;   /* table i repeats an earlier table's schema.name */
    bool *parts; /* table i has partition names to register */
    long *fkref; /* resolved table index per foreign key, -1 when unknown */
    size_t *fkbase; /* first fkref slot of table i */
} vctx;

/* An error of the spec set (an error diag). */
void verr(vctx *v, const char *code, srcloc at, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* a when it is a place in a file, else b. */
srcloc vpick(srcloc a, srcloc b);
/* A candidate at edit distance <= 2 (and closer than the name's length). */
typedef struct near {
    const char *best;
    size_t dist;
    arena *a;
    const char *want;
} near;

void near_try(near *nr, const char *cand);
const char *tname(vctx *v, const table *t);
const char *schema_of(const table *t);
const char *column_hint(vctx *v, const table *t, const char *name);
const char *join_list(vctx *v, const slist *l);
bool list_has(const slist *l, const char *s);
bool same_set(const slist *a, const slist *b);
bool has_dups(const slist *l);
void enumerate_partitions(vctx *v, size_t ti);
void check_col_list(vctx *v, const table *t, const slist *l, const char *what,
                           const char *listname, bool exprs);
void nset_init(nset *s, arena *a);
nent *nset_find(const nset *s, const char *schema, const char *name);
void nset_free(nset *s);
const nent *nset_put(nset *s, const nent *e);
bool reg_name(vctx *v, nset *s, size_t ti, name_kind k, const char *name,
                     srcloc at, bool quiet);
bool check_len(vctx *v, const char *name, bool generated, srcloc at,
                      const char *hint);
void register_partitions(vctx *v);
void check_generated(vctx *v, size_t ti, bool names_ok);
void check_fk(vctx *v, size_t ti, size_t k);
void order_tables(vctx *v);
void check_rewires(vctx *v);

#endif
