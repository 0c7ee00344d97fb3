/* spec_internal: what the loader's files share, and no one else sees.
 *
 * The loader is three files along its seams: spec_tree.c (bytes -> a tree of
 * YAML nodes, with the encoding scan and libyaml's errors made readable),
 * spec_values.c (one typed value from a node: a name, a number, a duration,
 * a date, one of a list of words, with the errors for each), and
 * spec_schema.c (the spec's keys as one table, and the loading that reads
 * it).  spec_load.c walks folders and loads each file.  Everything lives in
 * the spec set's arena; nothing here prints. */
#ifndef PARTC_SPEC_INTERNAL_H
#define PARTC_SPEC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "model.h"
#include "srcfile.h"
#include "strmap.h"

#define MAX_DEPTH 64
/* The longest scalar (name, type, expression, reason) a spec may hold. */
#define MAX_VALUE_BYTES 65536
/* YAML's limit on an implicit key ("key: value" on one line). */
#define YAML_KEY_CHARS 1024
/* Values (scalars, lists, mappings) in one file: bounds the tree's memory. */
#define MAX_NODES 1000000
/* Errors shown for one file; the rest are counted in one more. */
#define MAX_FILE_ERRORS 100
/* PostgreSQL's limits: columns of a key or an index, and of a table. */
#define MAX_KEY_COLUMNS 32
#define MAX_TABLE_COLUMNS 1600
#define MAX_DIR_DEPTH 32

typedef enum { YN_SCALAR, YN_SEQ, YN_MAP } ykind;

typedef struct ynode {
    ykind kind;
    srcloc at;
    const char *text; /* scalar: NUL-free copy */
    size_t len;
    bool plain;       /* untagged plain scalar: may be null, bool, number */
    bool skip;        /* key already reported (duplicate or bad) */
    struct ynode *head, *tail, *next;
    size_t n;         /* children; a mapping holds key, value, key, value... */
} ynode;

/* The state of one load: the spec set filled, the diags, the file read. */
typedef struct ld {
    specset *ss;
    diags *d;
    arena *a;
    srcfile *sf;
    const char *file;
    strmap tables; /* "len:schema.name" -> table */
    table *t;      /* the table being loaded, or NULL */
    struct {       /* per section: its defaults as one item, its keys */
        const void *section;
        void *proto;
        const char *const *names;
    } memo[24];
    size_t nmemo;
    bool in_file;  /* loading L->file: its errors count towards MAX_FILE_ERRORS */
    size_t nerr;   /* errors in L->file so far */
} ld;

/* An error of the file being loaded (at most MAX_FILE_ERRORS are kept). */
void ld_err(ld *L, const char *code, srcloc at, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* ---- spec_tree.c */

/* The file's tree, or NULL after reporting why it cannot be read (*failed
 * set) or when it holds no document. */
ynode *spec_tree_read(ld *L, int *failed);
/* "k: n" as canonical YAML (block style, two spaces, no comments, plain
 * scalars as written and every other one double-quoted): the same meaning
 * gives the same text whatever the layout of the file. */
const char *spec_tree_canonical(ld *L, const ynode *k, const ynode *n);
srcloc ld_loc(ld *L, int line, int col);
/* User text for a message: control bytes shown as '?', long text cut. */
const char *disp_n(ld *L, const char *s, size_t len);
const char *disp(ld *L, const char *s);
bool is_null(const ynode *n);
/* What a node is, for "got ..." in messages. */
const char *kind_desc(ld *L, const ynode *n);
/* The closest of names (NULL-terminated) within edit distance 2, or NULL. */
const char *closest(ld *L, const char *s, const char *const *names);
const char *join_names(ld *L, const char *const *names);
int find_name(const char *const *names, const char *s);

/* ---- spec_values.c */

extern const char W_NAME[]; /* "a name": an empty value is an empty-name error */

bool want_kind(ld *L, ynode *v, ykind k, const char *key);
/* Reports unknown and duplicate keys of a mapping with fixed keys. */
void check_keys(ld *L, ynode *m, const char *ctx, const char *const *valid);
/* Reports bad, empty and duplicate keys of a mapping name -> value. */
void check_names(ld *L, ynode *m, const char *ctx);
/* The value of key in m (first occurrence), or NULL. */
ynode *get(ynode *m, const char *key, ynode **keynode);
size_t npairs(const ynode *m);
void missing(ld *L, srcloc at, const char *key, const char *ctx, const char *hint);
/* Decimal integer text: 1 ok, 0 not an integer, -1 out of int64 range. */
int parse_int(const char *s, int64_t *out);

bool get_str(ld *L, ynode *v, const char *key, const char *what, sval *out);
bool get_bool(ld *L, ynode *v, const char *key, bool *out, srcloc *at);
bool get_int(ld *L, ynode *v, const char *key, int64_t lo, int64_t hi, int64_t *out, srcloc *at);
bool get_enum(ld *L, ynode *v, const char *key, const char *const *names, int *out, srcloc *at);
/* A list of at most max items (0: any number). */
bool get_list(ld *L, ynode *v, const char *key, const char *what, size_t max, slist *out);
/* A duration; with allow_zero, also 0. */
bool get_duration_z(ld *L, ynode *v, const char *key, bool allow_zero, duration *out, srcloc *at);
bool get_timeout(ld *L, ynode *v, const char *key, int64_t *ms, srcloc *at);
bool get_instant(ld *L, ynode *v, const char *key, int64_t *out, srcloc *at);

/* ---- spec_fields.c: reading mappings against the rows of spec_schema.h */

struct spec_key;
struct spec_section;
/* The row's default into base (the location of the value is kept). */
void set_default(ld *L, const struct spec_key *k, void *base);
/* Every default of the section's rows (and its sections') into base. */
void defaults_of(arena *a, const struct spec_section *s, void *base);
/* The same into a new item of the load: a copy of the section's defaults,
 * which each load works out once. */
void defaults_into(ld *L, const struct spec_section *s, void *base);
/* The section's keys, NULL-terminated. */
const char *const *names_of(ld *L, const struct spec_section *s);
/* Locates every value of the section in base at `at`. */
void locate(const struct spec_section *s, void *base, srcloc at);
void read_fields(ld *L, const struct spec_section *s, void *base, ynode *m, const char *ctx, srcloc missing_at);
void load_fields(ld *L, const struct spec_section *s, void *base, ynode *m, const char *ctx, srcloc missing_at);
/* A section under its key (key NULL: absent). */
void load_section(ld *L, const struct spec_section *s, void *base, ynode *key, ynode *v);

/* The loaders of the keys whose values have a shape of their own. */
void load_columns(ld *L, void *base, ynode *key, ynode *v);
void load_unique(ld *L, void *base, ynode *key, ynode *v);
void load_checks(ld *L, void *base, ynode *key, ynode *v);
void load_indexes(ld *L, void *base, ynode *key, ynode *v);
void load_index_columns(ld *L, void *base, ynode *key, ynode *v);
void load_fks(ld *L, void *base, ynode *key, ynode *v);
void load_references(ld *L, void *base, ynode *key, ynode *v);
void load_ref_table(ld *L, void *base, ynode *key, ynode *v);
void load_policies(ld *L, void *base, ynode *key, ynode *v);
void load_grants(ld *L, void *base, ynode *key, ynode *v);
void load_lint(ld *L, void *base, ynode *key, ynode *v);

/* The sections of spec_schema.c those loaders read. */
extern const struct spec_section sec_column, sec_index_column, sec_index, sec_fk, sec_references, sec_policy,
    sec_lint;

/* ---- spec_schema.c */

/* A table of the spec from its key and value; the table is kept (with
 * load_failed set) even when its value is wrong, so its name is known. */
table *spec_load_table(ld *L, ynode *k, ynode *v);
void spec_load_settings(ld *L, ynode *k, ynode *v, settings_spec *s);
/* The keys of the top of a spec file, NULL-terminated. */
const char *const *spec_top_keys(ld *L);

#endif
