/* spec_load: YAML bytes -> node tree (libyaml events) -> model.
 *
 * Three passes per file: an encoding scan (UTF-8, no NUL, no control
 * characters, a byte order mark only at the start), an iterative tree build
 * from libyaml events (refuses aliases, several documents, nesting deeper
 * than MAX_DEPTH and values longer than MAX_VALUE_BYTES), then a walk of the
 * tree that fills the model and collects every semantic error. */
#include "spec_load.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "calendar.h"
#include "names.h"
#include "strbuf.h"
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

/* ---------------------------------------------------------------- tree */

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

/* ------------------------------------------------------- string hash map */

static void *sm_get(const strmap *m, const char *k)
{
    const strmap_val *v = strmap_get(m, k, strlen(k));
    return v ? v->p : NULL;
}

/* Insert or replace. */
static void sm_put(arena *a, strmap *m, const char *k, void *v)
{
    if (!m->cap)
        strmap_init(m, a, 8);
    strmap_slot(m, k, strlen(k))->p = v;
}

/* ---------------------------------------------------------- load state */

typedef struct ld {
    specset *ss;
    diags *d;
    arena *a;
    srcfile *sf;
    const char *file;
    strmap tables; /* "len:schema.name" -> table */
    bool in_file;  /* loading L->file: its errors count towards MAX_FILE_ERRORS */
    size_t nerr;   /* errors in L->file so far */
} ld;

static void err(ld *L, const char *code, srcloc at, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void err(ld *L, const char *code, srcloc at, const char *hint, const char *fmt, ...)
{
    if (L->in_file && L->nerr >= MAX_FILE_ERRORS) {
        /* a flood (thousands of duplicate keys) would take minutes to print */
        if (L->nerr++ == MAX_FILE_ERRORS) {
            srcloc whole = {L->file, 0, 0};
            diag_add(L->d, SEV_ERROR, "too-many-errors", whole, "fix these, then run partc again",
                     "more than %d errors in this file: the first %d found are shown",
                     MAX_FILE_ERRORS, MAX_FILE_ERRORS);
        }
        return;
    }
    L->nerr++;
    va_list ap;
    va_start(ap, fmt);
    char *msg = arena_vprintf(L->a, fmt, ap);
    va_end(ap);
    diag_add(L->d, SEV_ERROR, code, at, hint, "%s", msg);
}

static srcloc file_loc(ld *L, int line, int col)
{
    srcloc s = {L->file, line, col};
    return s;
}

static int clamp_int(size_t v)
{
    return v >= (size_t)INT_MAX ? INT_MAX : (int)v;
}

/* libyaml marks are 0-based: the one place they become 1-based. */
static srcloc mark_loc(ld *L, yaml_mark_t m)
{
    return file_loc(L, clamp_int(m.line + 1), clamp_int(m.column + 1));
}

/* User text for a message: control bytes shown as '?', long text cut at a
 * UTF-8 boundary. */
static const char *disp_n(ld *L, const char *s, size_t len)
{
    const size_t max = 48;
    size_t cut = len;
    bool more = false;
    if (len > max) {
        cut = max;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--;
        more = true;
    }
    char *out = arena_alloc(L->a, cut + 4);
    for (size_t i = 0; i < cut; i++) {
        unsigned char c = (unsigned char)s[i];
        out[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    if (more)
        memcpy(out + cut, "...", 3);
    return out;
}

static const char *disp(ld *L, const char *s)
{
    return disp_n(L, s, strlen(s));
}

static bool is_null(const ynode *n)
{
    if (n->kind != YN_SCALAR || !n->plain)
        return false;
    return n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
           strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0;
}

/* What a node is, for "got ..." in messages. */
static const char *kind_desc(ld *L, const ynode *n)
{
    switch (n->kind) {
    case YN_MAP: return "a mapping";
    case YN_SEQ: return "a list";
    case YN_SCALAR: break;
    }
    if (is_null(n))
        return "nothing";
    return arena_printf(L->a, "'%s'", disp_n(L, n->text, n->len));
}

/* ------------------------------------------------------- edit distance */


/* The closest of names within distance 2, or NULL. */
static const char *closest(ld *L, const char *s, const char *const *names)
{
    if (strlen(s) > 64)
        return NULL;
    const char *best = NULL;
    size_t bestd = 3;
    for (size_t i = 0; names[i]; i++) {
        size_t dd = names_edit_distance(L->a, s, names[i]);
        if (dd < bestd) {
            bestd = dd;
            best = names[i];
        }
    }
    return best;
}

static const char *join_names(ld *L, const char *const *names)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; names[i]; i++) {
        if (i)
            sb_puts(&sb, ", ");
        sb_puts(&sb, names[i]);
    }
    const char *s = arena_strdup(L->a, sb_str(&sb));
    sb_free(&sb);
    return s;
}

static int find_name(const char *const *names, const char *s)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

/* ------------------------------------------------------- encoding scan */

static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned c = s[0];
    size_t w;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        w = 2; v = c & 0x1F; min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        w = 3; v = c & 0x0F; min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        w = 4; v = c & 0x07; min = 0x10000;
    } else
        return 0;
    if (n < w)
        return 0;
    for (size_t k = 1; k < w; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[k] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return w;
}

/* The characters YAML allows in a stream (what libyaml's reader accepts). */
static bool yaml_printable(uint32_t c)
{
    return c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0x7E) || c == 0x85 ||
           (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
           (c >= 0x10000 && c <= 0x10FFFF);
}

/* Line and column (characters, as libyaml counts) of a byte offset. */
static srcloc offset_loc(ld *L, size_t off)
{
    const unsigned char *b = (const unsigned char *)L->sf->bytes;
    size_t line = 1, col = 1;
    for (size_t i = 0; i < off && i < L->sf->len; i++) {
        if (b[i] == '\n') {
            line++;
            col = 1;
        } else if ((b[i] & 0xC0) != 0x80)
            col++;
    }
    return file_loc(L, clamp_int(line), clamp_int(col));
}

static int check_encoding(ld *L)
{
    const unsigned char *b = (const unsigned char *)L->sf->bytes;
    size_t len = L->sf->len;
    size_t line = 1, col = 1;
    for (size_t i = 0; i < len;) {
        unsigned c = b[i];
        if (c == '\n') {
            line++;
            col = 1;
            i++;
            continue;
        }
        srcloc at = file_loc(L, clamp_int(line), clamp_int(col));
        uint32_t cp = c;
        size_t w = 1;
        if (c >= 0x80) {
            w = utf8_decode(b + i, len - i, &cp);
            if (!w) {
                err(L, "bad-encoding", at, "spec files must be UTF-8 text",
                    "invalid UTF-8 sequence starting with byte 0x%02X", c);
                return -1;
            }
        }
        if (c == 0) {
            err(L, "bad-encoding", at, "a spec file is text: remove the NUL byte",
                "NUL byte in the file");
            return -1;
        }
        if (cp == 0xFEFF) {
            err(L, "bad-encoding", at, "a byte order mark may only start the file: remove this one",
                "byte order mark (U+FEFF) inside the file");
            return -1;
        }
        if (!yaml_printable(cp)) {
            err(L, "bad-encoding", at,
                "YAML allows tab, line breaks and printable characters only",
                "control character U+%04X is not allowed", (unsigned)cp);
            return -1;
        }
        i += w;
        col++;
    }
    return 0;
}

/* ------------------------------------------------------------ tree build */

/* Byte offset in line of character column col (1-based), clamped to len. */
static size_t col_offset(const char *line, size_t len, int col)
{
    size_t i = 0;
    for (int c = 1; i < len && c < col; c++) {
        i++;
        while (i < len && ((unsigned char)line[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}

/* Characters in line[from, to). */
static int count_chars(const char *line, size_t from, size_t to)
{
    int n = 0;
    for (size_t i = from; i < to; i++)
        if (((unsigned char)line[i] & 0xC0) != 0x80)
            n++;
    return n;
}

/* Where the key ends at byte i (a ':'), the column of its first character:
 * after the indentation, a "- ", or the last '{', '[' or ',' before it. */
static int key_start_col(const char *line, size_t i)
{
    size_t k = 0;
    for (size_t j = 0; j < i; j++)
        if (line[j] == '{' || line[j] == '[' || line[j] == ',')
            k = j + 1;
    for (;;) {
        while (k < i && line[k] == ' ')
            k++;
        if (k + 1 < i && line[k] == '-' && line[k + 1] == ' ')
            k += 2;
        else
            break;
    }
    return count_chars(line, 0, k) + 1;
}

static void syntax_error(ld *L, const yaml_parser_t *p)
{
    if (p->error == YAML_READER_ERROR) {
        err(L, "bad-encoding", offset_loc(L, p->problem_offset), "spec files must be UTF-8 text",
            "%s", p->problem ? p->problem : "unreadable input");
        return;
    }
    if (p->error == YAML_MEMORY_ERROR) {
        err(L, "yaml-syntax", file_loc(L, 1, 1), "split the spec into smaller files",
            "the YAML parser ran out of memory");
        return;
    }
    const char *problem = p->problem ? p->problem : "invalid YAML";
    const char *context = p->context ? p->context : "";
    char *lower = arena_strdup(L->a, problem);
    if (lower[0] >= 'A' && lower[0] <= 'Z')
        lower[0] = (char)(lower[0] - 'A' + 'a');
    const char *msg = lower;
    srcloc at = mark_loc(L, p->problem_mark);
    const char *hint = "check indentation and quoting near here";
    bool with_context = p->context != NULL;
    size_t llen = 0;
    const char *line = srcfile_line(L->sf, at.line, &llen);
    /* the character under the mark: columns count characters */
    size_t i = line ? col_offset(line, llen, at.col) : 0;
    char under = line && i < llen ? line[i] : '\0';
    if (under == '\t') {
        hint = "tabs cannot indent YAML: use spaces";
        with_context = false;
    } else if (strstr(context, "quoted scalar") && strstr(problem, "end of stream")) {
        at = mark_loc(L, p->context_mark);
        msg = "quoted string is not closed";
        hint = "end it with the quote it starts with: inside \"...\" write \\\" for a double "
               "quote, inside '...' write '' for a single quote";
        with_context = false;
    } else if (under == ':' && count_chars(line, 0, i) + 1 - key_start_col(line, i) >
                                   YAML_KEY_CHARS) {
        at.col = key_start_col(line, i);
        msg = arena_printf(L->a, "key of %d characters is longer than YAML allows",
                           count_chars(line, 0, i) + 1 - at.col);
        hint = "a key written as 'key: value' holds at most 1024 characters, and a PostgreSQL "
               "name at most 63 bytes: shorten it";
        with_context = false;
    } else if (strcmp(context, "while scanning a simple key") == 0 &&
               p->context_mark.line != p->problem_mark.line) {
        at = mark_loc(L, p->context_mark);
        msg = "could not find the ':' that ends this key";
        hint = "end a key with ':' on its own line (key: value), or indent a continued value";
        with_context = false;
    } else if (strcmp(problem, "mapping values are not allowed in this context") == 0) {
        hint = "quote a value that holds ': ' (e.g. \"a: b\"), and put a nested mapping on "
               "its own indented lines";
    } else if (strcmp(problem, "block sequence entries are not allowed in this context") == 0) {
        hint = "start a list on the line after its key, one indented '- item' per line, or "
               "write it as [a, b]";
    } else if (strcmp(problem, "did not find expected <document start>") == 0) {
        hint = "a spec file holds one document: remove what follows its end marker '...'";
    } else if (strcmp(problem, "found unknown escape character") == 0) {
        hint = "inside \"...\" a backslash starts an escape such as \\n: write \\\\ for a "
               "backslash, or use '...', where it is plain";
        with_context = false;
    } else if (under == '@' || under == '`') {
        hint = "'@' and '`' are reserved in YAML: quote a value that starts with them";
        with_context = false;
    }
    if (with_context)
        hint = arena_printf(L->a, "%s (found %s that starts at line %d)", hint, p->context,
                            clamp_int(p->context_mark.line + 1));
    err(L, "yaml-syntax", at, hint, "%s", msg);
}

static ynode *new_node(ld *L, ykind k, yaml_mark_t m)
{
    ynode *n = arena_alloc(L->a, sizeof *n);
    n->kind = k;
    n->at = mark_loc(L, m);
    return n;
}

/* Builds the tree of the one document; NULL with *failed set after a
 * syntax-level error, NULL with *failed clear when there is no document. */
static ynode *build_tree(ld *L, int *failed)
{
    yaml_parser_t p;
    *failed = 0;
    if (!yaml_parser_initialize(&p)) {
        err(L, "yaml-syntax", file_loc(L, 1, 1), "split the spec into smaller files",
            "the YAML parser ran out of memory");
        *failed = 1;
        return NULL;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)L->sf->bytes, L->sf->len);
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
    ynode *stack[MAX_DEPTH];
    int depth = 0, ndocs = 0;
    size_t nnodes = 0;
    ynode *root = NULL;
    bool done = false, bad = false;
    while (!done && !bad) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            syntax_error(L, &p);
            bad = true;
            break;
        }
        ynode *n = NULL;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++ndocs > 1) {
                err(L, "multiple-documents", mark_loc(L, ev.start_mark),
                    "a spec file holds one document: split it into several files",
                    "more than one YAML document in the file");
                bad = true;
            }
            break;
        case YAML_ALIAS_EVENT:
            err(L, "yaml-alias", mark_loc(L, ev.start_mark),
                "aliases are refused: write the value out in full", "alias '*%s' is not allowed",
                disp(L, (const char *)ev.data.alias.anchor));
            bad = true;
            break;
        case YAML_SCALAR_EVENT:
            n = new_node(L, YN_SCALAR, ev.start_mark);
            if (ev.data.scalar.length > MAX_VALUE_BYTES) {
                err(L, "value-too-long", n->at,
                    "a spec value is a name, a type or a short SQL expression: shorten it",
                    "value of %zu bytes is longer than the %d bytes partc reads",
                    ev.data.scalar.length, MAX_VALUE_BYTES);
                n = NULL;
                bad = true;
                break;
            }
            if (memchr(ev.data.scalar.value, 0, ev.data.scalar.length)) {
                err(L, "bad-encoding", n->at, "remove the \\0 escape",
                    "string contains a NUL character");
                bad = true;
                break;
            }
            n->text = arena_strndup(L->a, (const char *)ev.data.scalar.value,
                                    ev.data.scalar.length);
            n->len = ev.data.scalar.length;
            n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
                       ev.data.scalar.plain_implicit;
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (depth >= MAX_DEPTH) {
                err(L, "too-deep", mark_loc(L, ev.start_mark),
                    "a spec never needs this much nesting",
                    "nesting deeper than %d levels", MAX_DEPTH);
                bad = true;
                break;
            }
            n = new_node(L, ev.type == YAML_MAPPING_START_EVENT ? YN_MAP : YN_SEQ,
                         ev.start_mark);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (depth > 0)
                depth--;
            break;
        default:
            break;
        }
        if (n && ++nnodes > MAX_NODES) {
            err(L, "too-many-values", n->at, "split the specs into several files",
                "the file holds more than %d values", MAX_NODES);
            n = NULL;
            bad = true;
        }
        if (n) {
            if (depth == 0) {
                if (!root)
                    root = n;
            } else {
                ynode *parent = stack[depth - 1];
                if (parent->tail)
                    parent->tail->next = n;
                else
                    parent->head = n;
                parent->tail = n;
                parent->n++;
            }
            if (n->kind != YN_SCALAR)
                stack[depth++] = n;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    if (bad) {
        *failed = 1;
        return NULL;
    }
    return root;
}

/* --------------------------------------------------------- value access */

static const char W_NAME[] = "a name";

static bool want_kind(ld *L, ynode *v, ykind k, const char *key)
{
    if (v->kind == k)
        return true;
    const char *what = k == YN_MAP ? "a mapping" : k == YN_SEQ ? "a list" : "a single value";
    const char *hint = k == YN_MAP   ? "write 'key: value' lines indented under it, or { key: value } "
                                       "on one line"
                       : k == YN_SEQ ? "write [a, b] on one line, or one indented '- item' line "
                                       "per item"
                                     : "write one value, not a list or a mapping";
    err(L, "wrong-type", v->at, hint, "expected %s for '%s', got %s", what, disp(L, key),
        kind_desc(L, v));
    return false;
}

/* A scalar key of a mapping; reports and marks others. */
static bool key_ok(ld *L, ynode *k, const char *ctx)
{
    if (k->skip)
        return false;
    if (k->kind != YN_SCALAR) {
        err(L, "wrong-type", k->at, "mapping keys are plain names",
            "expected a name as a key in %s, got %s", ctx, kind_desc(L, k));
        k->skip = true;
        return false;
    }
    return true;
}

/* Reports unknown and duplicate keys of a mapping with fixed keys. */
static void check_keys(ld *L, ynode *m, const char *ctx, const char *const *valid)
{
    size_t nv = 0;
    while (valid[nv])
        nv++;
    ynode **first = arena_calloc(L->a, nv, sizeof *first);
    for (ynode *k = m->head; k && k->next; k = k->next->next) {
        if (!key_ok(L, k, ctx))
            continue;
        int i = find_name(valid, k->text);
        if (i < 0) {
            const char *near = closest(L, k->text, valid);
            const char *hint = near ? arena_printf(L->a, "did you mean '%s'?", near)
                                    : arena_printf(L->a, "valid keys: %s", join_names(L, valid));
            err(L, "unknown-key", k->at, hint, "unknown key '%s' in %s",
                disp_n(L, k->text, k->len), ctx);
            k->skip = true;
        } else if (first[i]) {
            err(L, "duplicate-key", k->at,
                arena_printf(L->a, "first given at line %d", first[i]->at.line),
                "duplicate key '%s' in %s", k->text, ctx);
            k->skip = true;
        } else
            first[i] = k;
    }
}

/* Reports bad, empty and duplicate keys of a mapping name -> value. */
static void check_names(ld *L, ynode *m, const char *ctx)
{
    strmap seen = {0};
    for (ynode *k = m->head; k && k->next; k = k->next->next) {
        if (!key_ok(L, k, ctx))
            continue;
        if (is_null(k) || k->len == 0) {
            err(L, "empty-name", k->at, "give a name", "empty name in %s", ctx);
            k->skip = true;
            continue;
        }
        ynode *prev = sm_get(&seen, k->text);
        if (prev) {
            err(L, "duplicate-key", k->at,
                arena_printf(L->a, "first given at line %d", prev->at.line),
                "duplicate key '%s' in %s", disp_n(L, k->text, k->len), ctx);
            k->skip = true;
        } else
            sm_put(L->a, &seen, k->text, k);
    }
}

/* The value of key in m (first occurrence), or NULL. */
static ynode *get(ynode *m, const char *key, ynode **keynode)
{
    for (ynode *k = m->head; k && k->next; k = k->next->next)
        if (!k->skip && k->kind == YN_SCALAR && strcmp(k->text, key) == 0) {
            if (keynode)
                *keynode = k;
            return k->next;
        }
    return NULL;
}

static size_t npairs(const ynode *m)
{
    return m->n / 2;
}

static void missing(ld *L, srcloc at, const char *key, const char *ctx, const char *hint)
{
    err(L, "missing-key", at, hint, "missing '%s' in %s", key, ctx);
}

/* A string; what is W_NAME (empty -> empty-name) or a description. */
static bool get_str(ld *L, ynode *v, const char *key, const char *what, sval *out)
{
    if (v->kind != YN_SCALAR || is_null(v)) {
        err(L, "wrong-type", v->at,
            is_null(v) ? "give a value or remove the key" : "write one value, not a list or a mapping",
            "expected %s for '%s', got %s", what, disp(L, key), kind_desc(L, v));
        return false;
    }
    if (v->len == 0) {
        err(L, what == W_NAME ? "empty-name" : "empty-value", v->at,
            "give a value or remove the key",
            "'%s' must not be empty", disp(L, key));
        return false;
    }
    out->s = v->text;
    out->at = v->at;
    return true;
}

static bool get_bool(ld *L, ynode *v, const char *key, bool *out, srcloc *at)
{
    if (v->kind == YN_SCALAR && v->plain) {
        if (strcmp(v->text, "true") == 0 || strcmp(v->text, "false") == 0) {
            *out = v->text[0] == 't';
            if (at)
                *at = v->at;
            return true;
        }
    }
    err(L, "wrong-type", v->at,
        v->kind == YN_SCALAR && !v->plain ? "use true or false, without quotes"
                                          : "use true or false",
        "expected true or false for '%s', got %s", key, kind_desc(L, v));
    return false;
}

/* Decimal integer text: 1 ok, 0 not an integer, -1 out of int64 range. */
static int parse_int(const char *s, int64_t *out)
{
    bool neg = false;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    if (!*s)
        return 0;
    int64_t v = 0;
    bool over = false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        int dgt = *s - '0';
        if (v > (INT64_MAX - dgt) / 10)
            over = true;
        else
            v = v * 10 + dgt;
    }
    if (over)
        return -1;
    *out = neg ? -v : v;
    return 1;
}

static bool get_int(ld *L, ynode *v, const char *key, int64_t lo, int64_t hi, int64_t *out,
                    srcloc *at)
{
    const char *range = arena_printf(L->a, "allowed: %lld to %lld", (long long)lo, (long long)hi);
    if (v->kind != YN_SCALAR || !v->plain || is_null(v)) {
        err(L, "wrong-type", v->at,
            v->kind == YN_SCALAR && !v->plain ? "write the number without quotes" : range,
            "expected a whole number for '%s', got %s", key, kind_desc(L, v));
        return false;
    }
    int64_t x = 0;
    int r = parse_int(v->text, &x);
    if (r == 0) {
        char c = v->text[0];
        if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')
            err(L, "bad-number", v->at, range, "'%s' is not a whole decimal number",
                disp_n(L, v->text, v->len));
        else
            err(L, "wrong-type", v->at, range, "expected a whole number for '%s', got %s", key,
                kind_desc(L, v));
        return false;
    }
    if (r < 0 || x < lo || x > hi) {
        err(L, "bad-number", v->at, range, "'%s' is out of range for '%s'",
            disp_n(L, v->text, v->len), key);
        return false;
    }
    *out = x;
    if (at)
        *at = v->at;
    return true;
}

static bool get_int32(ld *L, ynode *v, const char *key, int lo, int hi, int *out, srcloc *at)
{
    int64_t x;
    if (!get_int(L, v, key, lo, hi, &x, at))
        return false;
    *out = (int)x;
    return true;
}

/* One of names (exact, lowercase). */
static bool get_enum(ld *L, ynode *v, const char *key, const char *const *names, int *out,
                     srcloc *at)
{
    if (v->kind != YN_SCALAR || is_null(v)) {
        err(L, "wrong-type", v->at, arena_printf(L->a, "use one of: %s", join_names(L, names)),
            "expected one of %s for '%s', got %s", join_names(L, names), key, kind_desc(L, v));
        return false;
    }
    int i = find_name(names, v->text);
    if (i < 0) {
        const char *near = closest(L, v->text, names);
        const char *hint = near ? arena_printf(L->a, "did you mean '%s'?", near)
                                : arena_printf(L->a, "use one of: %s", join_names(L, names));
        err(L, "bad-value", v->at, hint, "'%s' is not allowed for '%s'",
            disp_n(L, v->text, v->len), key);
        return false;
    }
    *out = i;
    if (at)
        *at = v->at;
    return true;
}

/* A list of at most max items (0: any number). */
static bool get_list(ld *L, ynode *v, const char *key, const char *what, size_t max, slist *out)
{
    if (!want_kind(L, v, YN_SEQ, key))
        return false;
    if (max && v->n > max) {
        err(L, "too-many-columns", v->at,
            arena_printf(L->a, "PostgreSQL allows at most %zu columns in a key or an index", max),
            "'%s' lists %zu columns", disp(L, key), v->n);
        return false;
    }
    out->at = v->at;
    out->present = true;
    out->v = arena_calloc(L->a, v->n, sizeof *out->v);
    out->n = 0;
    for (ynode *it = v->head; it; it = it->next)
        if (get_str(L, it, key, what, &out->v[out->n]))
            out->n++;
    return true;
}

/* A duration; with allow_zero, also 0 (a bare 0 or "0 <unit>"), which
 * validation accepts only where it means something. */
static bool get_duration_z(ld *L, ynode *v, const char *key, bool allow_zero, duration *out, srcloc *at)
{
    if (allow_zero && v->kind == YN_SCALAR && v->plain && strcmp(v->text, "0") == 0) {
        out->n = 0;
        out->unit = DU_DAYS;
        if (at)
            *at = v->at;
        return true;
    }
    if (v->kind != YN_SCALAR || is_null(v)) {
        err(L, "wrong-type", v->at, "write e.g. '90 days'",
            "expected a duration for '%s', got %s", key, kind_desc(L, v));
        return false;
    }
    duration dd = {-1, DU_DAYS};
    int r = cal_parse_duration(v->text, &dd);
    const char *shown = disp_n(L, v->text, v->len);
    switch (r) {
    case CAL_OK:
        *out = dd;
        if (at)
            *at = v->at;
        return true;
    case CAL_ENONPOS:
        if (allow_zero && dd.n == 0) {
            *out = dd;
            if (at)
                *at = v->at;
            return true;
        }
        err(L, "negative-duration", v->at,
            "give a positive number of hours, days, weeks, months or years",
            "duration '%s' for '%s' must be positive", shown, key);
        return false;
    case CAL_EOVERFLOW:
        err(L, "bad-number", v->at, "use a smaller number or a larger unit",
            "duration '%s' for '%s' is too large", shown, key);
        return false;
    default:
        err(L, "bad-duration", v->at,
            "write N hours, days, weeks, months or years, e.g. '90 days'",
            "'%s' is not a duration", shown);
        return false;
    }
}

static bool get_duration(ld *L, ynode *v, const char *key, duration *out, srcloc *at)
{
    return get_duration_z(L, v, key, false, out, at);
}

static bool get_timeout(ld *L, ynode *v, const char *key, int64_t *ms, srcloc *at)
{
    const char *hint = "write e.g. 0, 250ms, 2s, 1min or 1h (a bare number is milliseconds)";
    if (v->kind != YN_SCALAR || is_null(v)) {
        err(L, "wrong-type", v->at, hint, "expected a timeout for '%s', got %s", key,
            kind_desc(L, v));
        return false;
    }
    int64_t x;
    if (cal_parse_timeout(v->text, &x) != CAL_OK) {
        err(L, "bad-timeout", v->at, hint, "'%s' is not a timeout for '%s'",
            disp_n(L, v->text, v->len), key);
        return false;
    }
    *ms = x;
    if (at)
        *at = v->at;
    return true;
}

static const char *const MONTHS[] = {"January", "February", "March", "April", "May", "June",
                                     "July", "August", "September", "October", "November",
                                     "December"};

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static bool get_instant(ld *L, ynode *v, const char *key, int64_t *out, srcloc *at)
{
    const char *hint = "write YYYY-MM-DD";
    if (v->kind != YN_SCALAR || is_null(v)) {
        err(L, "wrong-type", v->at, hint, "expected a date for '%s', got %s", key,
            kind_desc(L, v));
        return false;
    }
    int64_t t;
    int r = cal_parse_instant(v->text, &t);
    const char *shown = disp_n(L, v->text, v->len);
    if (r == CAL_OK) {
        *out = t;
        if (at)
            *at = v->at;
        return true;
    }
    if (r != CAL_ERANGE) {
        err(L, "bad-date", v->at, hint, "'%s' is not a date", shown);
        return false;
    }
    int y, m, d;
    const char *s = v->text;
    if (v->len >= 10 && digits(s, 4, &y) && s[4] == '-' && digits(s + 5, 2, &m) &&
        s[7] == '-' && digits(s + 8, 2, &d)) {
        if (y < 1900 || y > 9999) {
            err(L, "impossible-date", v->at, "years 1900 to 9999 are supported",
                "'%s' is out of range", shown);
            return false;
        }
        if (m < 1 || m > 12) {
            err(L, "impossible-date", v->at, "write YYYY-MM-DD, with MM from 01 to 12",
                "'%s' is not a date: there is no month %d", shown, m);
            return false;
        }
        if (d < 1) {
            err(L, "impossible-date", v->at, "write YYYY-MM-DD, with DD from 01",
                "'%s' is not a date: there is no day 0", shown);
            return false;
        }
        if (d > cal_days_in_month(y, m)) {
            err(L, "impossible-date", v->at, hint, "'%s' is not a date: %s %d has %d days",
                shown, MONTHS[m - 1], y, cal_days_in_month(y, m));
            return false;
        }
    }
    err(L, "impossible-date", v->at, hint, "'%s' is not a date", shown);
    return false;
}

/* ------------------------------------------------------------ sections */

static const char *const MODES[] = {"create", "convert", "reference", NULL};
static const char *const STRATEGIES[] = {"partition", "brin", "none", NULL};
static const char *const INTERVALS[] = {"hourly", "daily", "weekly", "monthly",
                                        "quarterly", "yearly", NULL};
static const char *const IDENTITIES[] = {"always", "by_default", NULL};
static const char *const USINGS[] = {"btree", "brin", "hash", "gin", "gist", NULL};
static const char *const ACTIONS[] = {"drop", "detach", "archive", "delete", NULL};
static const char *const ON_DELETE[] = {"no action", "restrict", "cascade", "set null",
                                        "set default", NULL};
static const char *const COMMANDS[] = {"all", "select", "insert", "update", "delete", NULL};
static const char *const PRIVILEGES[] = {"select", "insert", "update", "delete", "truncate",
                                         "references", "trigger", "all", NULL};

static const char *const TOP_KEYS[] = {"version", "settings", "tables", NULL};
static const char *const SETTINGS_KEYS[] = {"postgres", "lock_timeout", "statement_timeout",
                                            NULL};
static const char *const TABLE_KEYS[] = {
    "schema", "mode", "strategy", "columns", "primary_key", "unique", "checks",
    "partition", "indexes", "foreign_keys", "retention", "maintenance", "security",
    "migrate", "lint", NULL};
static const char *const COLUMN_KEYS[] = {"type", "nullable", "default", "identity", NULL};
static const char *const PARTITION_KEYS[] = {"key", "interval", "start", "premake",
                                             "naming", "default_partition", NULL};
static const char *const INDEX_KEYS[] = {"name", "columns", "using", "unique",
                                         "where", "include", NULL};
static const char *const INDEX_COLUMN_KEYS[] = {"column", "expression", "order", "nulls", "opclass",
                                                "collate", NULL};
static const char *const SORT_ORDERS[] = {"asc", "desc", NULL};
static const char *const NULLS_ORDERS[] = {"first", "last", NULL};
static const char *const FK_KEYS[] = {"columns", "references", "on_delete", NULL};
static const char *const REF_KEYS[] = {"table", "columns", NULL};
static const char *const RETENTION_KEYS[] = {"keep", "action", "column", "batch_size",
                                             "protect", "archive_schema", NULL};
static const char *const MAINT_KEYS[] = {"schedule", "warn_ahead", "critical_ahead", NULL};
static const char *const SECURITY_KEYS[] = {"rls", "policies", "grants", NULL};
static const char *const POLICY_KEYS[] = {"command", "roles", "using", "check", NULL};
static const char *const MIGRATE_KEYS[] = {"batch_size", "batch_pause", "lock_timeout", "shadow_suffix",
                                           "old_suffix", "keep_old", "cleanup", NULL};
static const char *const LINT_KEYS[] = {"allow", NULL};

#define BATCH_MAX 100000000

static void load_columns(ld *L, table *t, ynode *v)
{
    if (!want_kind(L, v, YN_MAP, "columns"))
        return;
    if (npairs(v) > MAX_TABLE_COLUMNS) {
        err(L, "too-many-columns", v->at,
            "PostgreSQL allows at most 1600 columns in a table",
            "table '%s' has %zu columns", disp(L, t->name.s), npairs(v));
        return;
    }
    check_names(L, v, "'columns'");
    t->columns = arena_calloc(L->a, npairs(v), sizeof *t->columns);
    for (ynode *k = v->head; k && k->next; k = k->next->next) {
        if (k->skip)
            continue;
        column *c = &t->columns[t->ncolumns++];
        c->name.s = k->text;
        c->name.at = k->at;
        c->nullable = true;
        c->nullable_at = c->identity_at = k->at;
        ynode *cv = k->next, *x;
        const char *ctx = arena_printf(L->a, "column '%s'", disp(L, k->text));
        if (!want_kind(L, cv, YN_MAP, k->text))
            continue;
        check_keys(L, cv, ctx, COLUMN_KEYS);
        if ((x = get(cv, "type", NULL)))
            get_str(L, x, "type", "an SQL type", &c->type);
        else
            missing(L, cv->at, "type", ctx, "give the SQL type, e.g. { type: bigint }");
        if ((x = get(cv, "nullable", NULL)))
            get_bool(L, x, "nullable", &c->nullable, &c->nullable_at);
        if ((x = get(cv, "default", NULL)))
            get_str(L, x, "default", "an SQL expression", &c->default_expr);
        int i;
        if ((x = get(cv, "identity", NULL)) &&
            get_enum(L, x, "identity", IDENTITIES, &i, &c->identity_at))
            c->identity = i == 0 ? IDENTITY_ALWAYS : IDENTITY_BY_DEFAULT;
    }
}

static void load_unique(ld *L, table *t, ynode *v)
{
    t->unique_at = v->at;
    if (!want_kind(L, v, YN_SEQ, "unique"))
        return;
    t->unique = arena_calloc(L->a, v->n, sizeof *t->unique);
    for (ynode *it = v->head; it; it = it->next)
        if (get_list(L, it, "unique", W_NAME, MAX_KEY_COLUMNS, &t->unique[t->nunique]))
            t->nunique++;
}

static void load_checks(ld *L, table *t, ynode *v)
{
    if (!want_kind(L, v, YN_MAP, "checks"))
        return;
    check_names(L, v, "'checks'");
    t->checks = arena_calloc(L->a, npairs(v), sizeof *t->checks);
    for (ynode *k = v->head; k && k->next; k = k->next->next) {
        if (k->skip)
            continue;
        check *c = &t->checks[t->nchecks];
        c->name.s = k->text;
        c->name.at = k->at;
        if (get_str(L, k->next, k->text, "an SQL expression", &c->expr))
            t->nchecks++;
    }
}

static void load_partition(ld *L, table *t, ynode *key, ynode *v)
{
    partition_spec *p = &t->part;
    p->at = p->interval_at = p->start_at = p->premake_at = p->default_partition_at = key->at;
    if (!want_kind(L, v, YN_MAP, "partition"))
        return;
    p->present = true;
    check_keys(L, v, "'partition'", PARTITION_KEYS);
    ynode *x;
    int i;
    if ((x = get(v, "key", NULL)))
        get_str(L, x, "key", W_NAME, &p->key);
    else
        missing(L, key->at, "key", "'partition'", "name the column to partition by");
    bool by_range = t->strategy == STRATEGY_PARTITION;
    if ((x = get(v, "interval", NULL))) {
        if (get_enum(L, x, "interval", INTERVALS, &i, &p->interval_at))
            p->interval = (cal_interval)i;
    } else if (by_range)
        missing(L, key->at, "interval", "'partition'",
                "use one of: hourly, daily, weekly, monthly, quarterly, yearly");
    if ((x = get(v, "start", NULL)))
        get_instant(L, x, "start", &p->start, &p->start_at);
    else if (by_range)
        missing(L, key->at, "start", "'partition'",
                "give the lower bound of the first partition, e.g. start: 2025-11-01");
    if ((x = get(v, "premake", NULL)))
        get_int32(L, x, "premake", 0, 10000, &p->premake, &p->premake_at);
    if ((x = get(v, "naming", NULL)))
        get_str(L, x, "naming", "a naming pattern", &p->naming);
    if ((x = get(v, "default_partition", NULL)))
        get_bool(L, x, "default_partition", &p->default_partition, &p->default_partition_at);
}

/* One item of an index's columns: text ("created_at DESC NULLS LAST") or a
 * mapping { column | expression, order, nulls, opclass, collate }. */
static bool load_index_column(ld *L, table *t, ynode *it, sval *subject, index_col *col)
{
    memset(col, 0, sizeof *col);
    col->order_at = col->nulls_at = it->at;
    if (it->kind == YN_MAP) {
        const char *ctx = "an index column";
        check_keys(L, it, ctx, INDEX_COLUMN_KEYS);
        ynode *c = get(it, "column", NULL), *e = get(it, "expression", NULL), *x;
        if (c && e) {
            err(L, "bad-index-column", it->at, "give either column or expression",
                "an index column has both 'column' and 'expression'");
            return false;
        }
        if (!c && !e) {
            missing(L, it->at, "column", ctx, "name the column, or give expression: \"lower(email)\"");
            return false;
        }
        if (!get_str(L, c ? c : e, c ? "column" : "expression", c ? W_NAME : "an SQL expression", subject))
            return false;
        col->expression = e != NULL;
        int i;
        if ((x = get(it, "order", NULL)) && get_enum(L, x, "order", SORT_ORDERS, &i, &col->order_at))
            col->order = i == 0 ? SORT_ASC : SORT_DESC;
        if ((x = get(it, "nulls", NULL)) && get_enum(L, x, "nulls", NULLS_ORDERS, &i, &col->nulls_at))
            col->nulls = i == 0 ? NULLS_FIRST : NULLS_LAST;
        if ((x = get(it, "opclass", NULL)))
            get_str(L, x, "opclass", "an operator class", &col->opclass);
        if ((x = get(it, "collate", NULL)))
            get_str(L, x, "collate", "a collation", &col->collate);
        return true;
    }
    sval text = {0};
    if (!get_str(L, it, "columns", "a column name or expression", &text))
        return false;
    const char *why = NULL;
    if (names_index_column_parse(L->a, t, text.s, &subject->s, col, &why) != 0) {
        err(L, "bad-index-column", it->at,
            "write 'column [COLLATE c] [opclass] [ASC|DESC] [NULLS FIRST|LAST]', an expression in parentheses, "
            "or a mapping { column: c, order: desc, nulls: last, opclass: o, collate: c }",
            "cannot read index column '%s': %s", disp(L, text.s), why);
        return false;
    }
    subject->at = col->order_at = col->nulls_at = text.at;
    if (col->opclass.s)
        col->opclass.at = text.at;
    if (col->collate.s)
        col->collate.at = text.at;
    return true;
}

static void load_index_columns(ld *L, table *t, index *ix, ynode *v)
{
    if (!want_kind(L, v, YN_SEQ, "columns"))
        return;
    if (v->n > MAX_KEY_COLUMNS) {
        err(L, "too-many-columns", v->at,
            arena_printf(L->a, "PostgreSQL allows at most %d columns in a key or an index", MAX_KEY_COLUMNS),
            "'columns' lists %zu columns", v->n);
        return;
    }
    ix->columns.at = v->at;
    ix->columns.present = true;
    ix->columns.v = arena_calloc(L->a, v->n, sizeof *ix->columns.v);
    ix->cols = arena_calloc(L->a, v->n, sizeof *ix->cols);
    for (ynode *it = v->head; it; it = it->next)
        if (load_index_column(L, t, it, &ix->columns.v[ix->columns.n], &ix->cols[ix->columns.n]))
            ix->columns.n++;
}

static void load_indexes(ld *L, table *t, ynode *v)
{
    if (!want_kind(L, v, YN_SEQ, "indexes"))
        return;
    t->indexes = arena_calloc(L->a, v->n, sizeof *t->indexes);
    const char *ctx = "an item of 'indexes'";
    for (ynode *it = v->head; it; it = it->next) {
        if (!want_kind(L, it, YN_MAP, "indexes"))
            continue;
        index *ix = &t->indexes[t->nindexes++];
        ix->at = ix->unique_at = it->at;
        ix->using.s = "btree";
        ix->using.at = it->at;
        ix->include.at = it->at;
        check_keys(L, it, ctx, INDEX_KEYS);
        ynode *x;
        int i;
        if ((x = get(it, "name", NULL)))
            get_str(L, x, "name", W_NAME, &ix->name);
        if ((x = get(it, "columns", NULL)))
            load_index_columns(L, t, ix, x);
        else {
            ix->columns.at = it->at;
            missing(L, it->at, "columns", ctx, "list the indexed columns, e.g. columns: [a, b]");
        }
        if ((x = get(it, "using", NULL)) && get_enum(L, x, "using", USINGS, &i, NULL)) {
            ix->using.s = USINGS[i];
            ix->using.at = x->at;
        }
        if ((x = get(it, "unique", NULL)))
            get_bool(L, x, "unique", &ix->unique, &ix->unique_at);
        if ((x = get(it, "where", NULL)))
            get_str(L, x, "where", "an SQL expression", &ix->where);
        if ((x = get(it, "include", NULL)))
            get_list(L, x, "include", W_NAME, MAX_KEY_COLUMNS, &ix->include);
    }
}

static void load_references(ld *L, foreign_key *fk, ynode *v)
{
    const char *ctx = "'references'";
    if (!want_kind(L, v, YN_MAP, "references"))
        return;
    check_keys(L, v, ctx, REF_KEYS);
    ynode *x;
    sval tv = {0};
    if ((x = get(v, "table", NULL))) {
        if (get_str(L, x, "table", W_NAME, &tv)) {
            const char *dot = strchr(tv.s, '.');
            if (dot && (dot == tv.s || dot[1] == '\0')) {
                err(L, "empty-name", x->at, "write schema.table or table",
                    "'%s' has an empty schema or table name", disp(L, tv.s));
            } else if (dot) {
                fk->ref_schema.s = arena_strndup(L->a, tv.s, (size_t)(dot - tv.s));
                fk->ref_schema.at = tv.at;
                fk->ref_table.s = dot + 1;
                fk->ref_table.at = tv.at;
            } else
                fk->ref_table = tv;
        }
    } else
        missing(L, v->at, "table", ctx, "name the referenced table");
    if ((x = get(v, "columns", NULL)))
        get_list(L, x, "columns", W_NAME, MAX_KEY_COLUMNS, &fk->ref_columns);
    else {
        fk->ref_columns.at = v->at;
        missing(L, v->at, "columns", ctx, "list the referenced columns, e.g. columns: [id]");
    }
}

static void load_fks(ld *L, table *t, ynode *v)
{
    if (!want_kind(L, v, YN_SEQ, "foreign_keys"))
        return;
    t->fks = arena_calloc(L->a, v->n, sizeof *t->fks);
    const char *ctx = "an item of 'foreign_keys'";
    for (ynode *it = v->head; it; it = it->next) {
        if (!want_kind(L, it, YN_MAP, "foreign_keys"))
            continue;
        foreign_key *fk = &t->fks[t->nfks++];
        fk->at = fk->on_delete_at = it->at;
        fk->on_delete = FK_NO_ACTION;
        check_keys(L, it, ctx, FK_KEYS);
        ynode *x;
        int i;
        if ((x = get(it, "columns", NULL)))
            get_list(L, x, "columns", W_NAME, MAX_KEY_COLUMNS, &fk->columns);
        else {
            fk->columns.at = it->at;
            missing(L, it->at, "columns", ctx, "list the referencing columns");
        }
        if ((x = get(it, "references", NULL)))
            load_references(L, fk, x);
        else
            missing(L, it->at, "references", ctx,
                    "write references: { table: other, columns: [id] }");
        if ((x = get(it, "on_delete", NULL)) &&
            get_enum(L, x, "on_delete", ON_DELETE, &i, &fk->on_delete_at))
            fk->on_delete = (fk_action)i;
    }
}

static void load_retention(ld *L, table *t, ynode *key, ynode *v)
{
    retention_spec *r = &t->retention;
    r->at = r->keep_at = r->action_at = r->batch_size_at = r->protect_at = key->at;
    if (!want_kind(L, v, YN_MAP, "retention"))
        return;
    r->present = true;
    check_keys(L, v, "'retention'", RETENTION_KEYS);
    ynode *x;
    int i;
    if ((x = get(v, "keep", NULL)))
        get_duration_z(L, x, "keep", true, &r->keep, &r->keep_at);
    else
        missing(L, key->at, "keep", "'retention'",
                "say how long rows are kept, e.g. keep: 90 days");
    if ((x = get(v, "action", NULL)) && get_enum(L, x, "action", ACTIONS, &i, &r->action_at))
        r->action = (retention_action)i;
    if ((x = get(v, "column", NULL)))
        get_str(L, x, "column", W_NAME, &r->column);
    if ((x = get(v, "batch_size", NULL)))
        get_int(L, x, "batch_size", 1, BATCH_MAX, &r->batch_size, &r->batch_size_at);
    if ((x = get(v, "protect", NULL)))
        get_int32(L, x, "protect", 0, 10000, &r->protect, &r->protect_at);
    if ((x = get(v, "archive_schema", NULL)))
        get_str(L, x, "archive_schema", W_NAME, &r->archive_schema);
}

static void load_maintenance(ld *L, table *t, ynode *key, ynode *v)
{
    maintenance_spec *m = &t->maintenance;
    m->at = m->warn_ahead_at = m->critical_ahead_at = key->at;
    if (!want_kind(L, v, YN_MAP, "maintenance"))
        return;
    m->present = true;
    check_keys(L, v, "'maintenance'", MAINT_KEYS);
    ynode *x;
    if ((x = get(v, "schedule", NULL)))
        get_str(L, x, "schedule", "a cron schedule", &m->schedule);
    if ((x = get(v, "warn_ahead", NULL)))
        m->warn_ahead_set = get_duration(L, x, "warn_ahead", &m->warn_ahead, &m->warn_ahead_at);
    if ((x = get(v, "critical_ahead", NULL)))
        m->critical_ahead_set =
            get_duration(L, x, "critical_ahead", &m->critical_ahead, &m->critical_ahead_at);
}

static void load_policies(ld *L, security_spec *s, ynode *v)
{
    if (!want_kind(L, v, YN_MAP, "policies"))
        return;
    check_names(L, v, "'policies'");
    s->policies = arena_calloc(L->a, npairs(v), sizeof *s->policies);
    for (ynode *k = v->head; k && k->next; k = k->next->next) {
        if (k->skip)
            continue;
        ynode *pv = k->next, *x;
        if (!want_kind(L, pv, YN_MAP, k->text))
            continue;
        policy *p = &s->policies[s->npolicies++];
        p->name.s = k->text;
        p->name.at = k->at;
        p->at = p->command_at = p->roles.at = pv->at;
        p->command = POLICY_ALL;
        const char *ctx = arena_printf(L->a, "policy '%s'", disp(L, k->text));
        check_keys(L, pv, ctx, POLICY_KEYS);
        int i;
        if ((x = get(pv, "command", NULL)) &&
            get_enum(L, x, "command", COMMANDS, &i, &p->command_at))
            p->command = (policy_command)i;
        if ((x = get(pv, "roles", NULL)))
            get_list(L, x, "roles", W_NAME, 0, &p->roles);
        if ((x = get(pv, "using", NULL)))
            get_str(L, x, "using", "an SQL expression", &p->using);
        if ((x = get(pv, "check", NULL)))
            get_str(L, x, "check", "an SQL expression", &p->check);
    }
}

static void load_grants(ld *L, security_spec *s, ynode *v)
{
    if (!want_kind(L, v, YN_MAP, "grants"))
        return;
    check_names(L, v, "'grants'");
    s->grants = arena_calloc(L->a, npairs(v), sizeof *s->grants);
    for (ynode *k = v->head; k && k->next; k = k->next->next) {
        if (k->skip)
            continue;
        ynode *gv = k->next;
        if (!want_kind(L, gv, YN_SEQ, k->text))
            continue;
        grant *g = &s->grants[s->ngrants++];
        g->role.s = k->text;
        g->role.at = k->at;
        g->privileges.at = gv->at;
        g->privileges.present = true;
        g->privileges.v = arena_calloc(L->a, gv->n, sizeof *g->privileges.v);
        for (ynode *it = gv->head; it; it = it->next) {
            int i;
            srcloc at;
            if (get_enum(L, it, "privileges", PRIVILEGES, &i, &at)) {
                sval *pv = &g->privileges.v[g->privileges.n++];
                pv->s = PRIVILEGES[i];
                pv->at = at;
            }
        }
    }
}

static void load_security(ld *L, table *t, ynode *key, ynode *v)
{
    security_spec *s = &t->security;
    s->at = s->rls_at = key->at;
    if (!want_kind(L, v, YN_MAP, "security"))
        return;
    s->present = true;
    check_keys(L, v, "'security'", SECURITY_KEYS);
    ynode *x;
    if ((x = get(v, "rls", NULL)))
        get_bool(L, x, "rls", &s->rls, &s->rls_at);
    if ((x = get(v, "policies", NULL)))
        load_policies(L, s, x);
    if ((x = get(v, "grants", NULL)))
        load_grants(L, s, x);
}

static void load_migrate(ld *L, table *t, ynode *key, ynode *v)
{
    migrate_spec *g = &t->migrate;
    g->at = g->batch_size_at = g->lock_timeout_at = g->keep_old_at = g->batch_pause_at = key->at;
    if (!want_kind(L, v, YN_MAP, "migrate"))
        return;
    g->present = true;
    check_keys(L, v, "'migrate'", MIGRATE_KEYS);
    ynode *x;
    if ((x = get(v, "batch_size", NULL)))
        get_int(L, x, "batch_size", 1, BATCH_MAX, &g->batch_size, &g->batch_size_at);
    if ((x = get(v, "batch_pause", NULL)))
        get_timeout(L, x, "batch_pause", &g->batch_pause_ms, &g->batch_pause_at);
    if ((x = get(v, "lock_timeout", NULL)))
        get_timeout(L, x, "lock_timeout", &g->lock_timeout_ms, &g->lock_timeout_at);
    if ((x = get(v, "shadow_suffix", NULL)))
        get_str(L, x, "shadow_suffix", W_NAME, &g->shadow_suffix);
    if ((x = get(v, "old_suffix", NULL)))
        get_str(L, x, "old_suffix", W_NAME, &g->old_suffix);
    if ((x = get(v, "keep_old", NULL)))
        get_duration(L, x, "keep_old", &g->keep_old, &g->keep_old_at);
    bool cleanup = true;
    if ((x = get(v, "cleanup", NULL)) && get_bool(L, x, "cleanup", &cleanup, &g->cleanup_at))
        g->hold_cleanup = !cleanup;
}

static void load_lint(ld *L, table *t, ynode *v)
{
    if (!want_kind(L, v, YN_MAP, "lint"))
        return;
    check_keys(L, v, "'lint'", LINT_KEYS);
    ynode *a = get(v, "allow", NULL);
    if (!a || !want_kind(L, a, YN_MAP, "allow"))
        return;
    check_names(L, a, "'allow'");
    t->allows = arena_calloc(L->a, npairs(a), sizeof *t->allows);
    for (ynode *k = a->head; k && k->next; k = k->next->next) {
        if (k->skip)
            continue;
        ynode *rv = k->next;
        lint_allow *al = &t->allows[t->nallows];
        al->rule.s = k->text;
        al->rule.at = k->at;
        const char *hint = "say why the finding is accepted, e.g. rule: \"reason\"";
        if (rv->kind != YN_SCALAR) {
            err(L, "wrong-type", rv->at, hint, "expected a reason for '%s', got %s",
                disp(L, k->text), kind_desc(L, rv));
            continue;
        }
        if (is_null(rv) || rv->len == 0) {
            err(L, "missing-reason", is_null(rv) ? k->at : rv->at, hint,
                "lint.allow '%s' needs a reason", disp(L, k->text));
            continue;
        }
        al->reason.s = rv->text;
        al->reason.at = rv->at;
        t->nallows++;
    }
}

static const char *table_key(ld *L, const table *t)
{
    return arena_printf(L->a, "%zu:%s.%s", strlen(t->schema.s), t->schema.s, t->name.s);
}

static void add_table(ld *L, table *t)
{
    if (!t->schema.s)
        model_defaults(t);
    const char *key = table_key(L, t);
    table *prev = sm_get(&L->tables, key);
    if (prev) {
        err(L, "duplicate-table", t->name.at,
            arena_printf(L->a, "first defined at %s:%d", prev->name.at.file, prev->name.at.line),
            "table '%s.%s' is defined more than once", disp(L, t->schema.s), disp(L, t->name.s));
        return;
    }
    sm_put(L->a, &L->tables, key, t);
    specset_add_table(L->ss, t);
}

static void load_table(ld *L, ynode *k, ynode *v)
{
    table *t = table_new(L->a);
    t->name.s = k->text;
    t->name.at = k->at;
    t->file = L->file;
    t->mode_at = t->strategy_at = t->unique_at = t->primary_key.at = k->at;
    const char *ctx = arena_printf(L->a, "table '%s'", disp(L, k->text));
    size_t errors_before = L->nerr;
    if (!want_kind(L, v, YN_MAP, k->text)) {
        /* its name is still known, for the references of other tables */
        t->load_failed = true;
        add_table(L, t);
        return;
    }
    check_keys(L, v, ctx, TABLE_KEYS);
    ynode *x, *xk;
    int i;
    if ((x = get(v, "schema", NULL)))
        get_str(L, x, "schema", W_NAME, &t->schema);
    if ((x = get(v, "mode", NULL)) && get_enum(L, x, "mode", MODES, &i, &t->mode_at))
        t->mode = (table_mode)i;
    if ((x = get(v, "strategy", NULL)) &&
        get_enum(L, x, "strategy", STRATEGIES, &i, &t->strategy_at))
        t->strategy = (table_strategy)i;
    if ((x = get(v, "columns", NULL)))
        load_columns(L, t, x);
    if ((x = get(v, "primary_key", NULL)))
        get_list(L, x, "primary_key", W_NAME, MAX_KEY_COLUMNS, &t->primary_key);
    if ((x = get(v, "unique", NULL)))
        load_unique(L, t, x);
    if ((x = get(v, "checks", NULL)))
        load_checks(L, t, x);
    if ((x = get(v, "partition", &xk)))
        load_partition(L, t, xk, x);
    else
        t->part.at = t->part.interval_at = t->part.start_at = t->part.premake_at =
            t->part.default_partition_at = k->at;
    if ((x = get(v, "indexes", NULL)))
        load_indexes(L, t, x);
    if ((x = get(v, "foreign_keys", NULL)))
        load_fks(L, t, x);
    if ((x = get(v, "retention", &xk)))
        load_retention(L, t, xk, x);
    if ((x = get(v, "maintenance", &xk)))
        load_maintenance(L, t, xk, x);
    if ((x = get(v, "security", &xk)))
        load_security(L, t, xk, x);
    if ((x = get(v, "migrate", &xk)))
        load_migrate(L, t, xk, x);
    if ((x = get(v, "lint", NULL)))
        load_lint(L, t, x);
    model_defaults(t);
    t->load_failed = L->nerr != errors_before;
    add_table(L, t);
}

static void load_settings(ld *L, ynode *k, ynode *v)
{
    settings_spec tmp, *s = &L->ss->settings;
    if (s->present) {
        err(L, "duplicate-settings", k->at,
            arena_printf(L->a, "first given at %s:%d; keep one 'settings' in the spec set",
                         s->at.file, s->at.line),
            "'settings' given more than once in the spec set");
        tmp = *s;
        s = &tmp;
    }
    if (!want_kind(L, v, YN_MAP, "settings"))
        return;
    s->present = true;
    s->at = s->postgres_at = s->lock_timeout_at = s->statement_timeout_at = k->at;
    check_keys(L, v, "'settings'", SETTINGS_KEYS);
    ynode *x;
    if ((x = get(v, "postgres", NULL)))
        get_int32(L, x, "postgres", 13, 18, &s->postgres, &s->postgres_at);
    if ((x = get(v, "lock_timeout", NULL)))
        get_timeout(L, x, "lock_timeout", &s->lock_timeout_ms, &s->lock_timeout_at);
    if ((x = get(v, "statement_timeout", NULL)))
        get_timeout(L, x, "statement_timeout", &s->statement_timeout_ms,
                    &s->statement_timeout_at);
}

/* ------------------------------------------------------------ one file */

static bool load_file_body(ld *L, srcfile *sf);

static void load_file(ld *L, srcfile *sf)
{
    L->sf = sf;
    L->file = sf->path;
    L->in_file = true;
    L->nerr = 0;
    /* a file that cannot be read as a spec may declare tables that others
     * reference: their references are then not reported as unknown */
    if (!load_file_body(L, sf))
        L->ss->incomplete = true;
    L->in_file = false;
}

/* Returns false when the file could not be read as a spec (its tables are
 * unknown). */
static bool load_file_body(ld *L, srcfile *sf)
{
    /* a UTF-8 byte order mark starts the file: skip it, so that line 1's
     * columns and excerpts are those of the text after it */
    if (sf->len >= 3 && memcmp(sf->bytes, "\xEF\xBB\xBF", 3) == 0 && !sf->line_start) {
        sf->bytes += 3;
        sf->len -= 3;
    }
    if (check_encoding(L) != 0)
        return false;
    int failed;
    ynode *root = build_tree(L, &failed);
    if (failed)
        return false;
    if (!root || is_null(root)) {
        err(L, "empty-spec", root ? root->at : file_loc(L, 1, 1),
            "a spec starts with 'version: 1'", "file has no spec document");
        return false;
    }
    if (root->kind != YN_MAP) {
        err(L, "wrong-type", root->at, "a spec starts with 'version: 1'",
            "expected a mapping at the top of the spec, got %s", kind_desc(L, root));
        return false;
    }
    const char *ctx = "the spec";
    size_t before = L->d->n;
    check_keys(L, root, ctx, TOP_KEYS);
    bool unknown_top = L->d->n != before;
    ynode *x, *xk;
    if ((x = get(root, "version", NULL))) {
        int64_t ver = 0;
        if (x->kind == YN_SCALAR && !x->plain && parse_int(x->text, &ver) == 1) {
            err(L, "bad-version", x->at, "write version: 1, without quotes",
                "spec version must be the number 1, not the quoted text %s", kind_desc(L, x));
            return false;
        }
        if (x->kind != YN_SCALAR || !x->plain || parse_int(x->text, &ver) != 1 || ver != 1) {
            err(L, "bad-version", x->at, "this partc reads 'version: 1'",
                "unsupported spec version %s", kind_desc(L, x));
            return false;
        }
    } else
        missing(L, root->at, "version", ctx, "a spec starts with 'version: 1'");
    ynode *settings = get(root, "settings", &xk);
    if (settings)
        load_settings(L, xk, settings);
    ynode *tables = get(root, "tables", NULL);
    if (!tables) {
        if (!settings && !unknown_top)
            missing(L, root->at, "tables", ctx, "add 'tables:' with at least one table");
        return true;
    }
    if (!want_kind(L, tables, YN_MAP, "tables"))
        return false;
    check_names(L, tables, "'tables'");
    for (ynode *k = tables->head; k && k->next; k = k->next->next)
        if (!k->skip)
            load_table(L, k, k->next);
    return true;
}

static void ld_init(ld *L, specset *ss, diags *d)
{
    memset(L, 0, sizeof *L);
    L->ss = ss;
    L->d = d;
    L->a = ss->a;
    for (size_t i = 0; i < ss->ntables; i++) {
        table *t = ss->tables[i];
        if (t->name.s && t->schema.s)
            sm_put(L->a, &L->tables, table_key(L, t), t);
    }
}

int spec_load_bytes(specset *ss, const char *path, const char *bytes, size_t len, diags *d)
{
    ld L;
    ld_init(&L, ss, d);
    size_t before = d->n;
    srcfile *sf = srcfile_from_bytes(ss->a, path, bytes, len);
    srcset_add(&ss->files, sf);
    load_file(&L, sf);
    return (int)(d->n - before);
}

/* ------------------------------------------------------------- folders */

typedef struct plist {
    const char **v;
    size_t n, cap;
} plist;

static void pl_add(arena *a, plist *p, const char *s)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        p->v = arena_grow(a, p->v, p->n, cap, sizeof *p->v);
        p->cap = cap;
    }
    p->v[p->n++] = s;
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool yaml_name(const char *s)
{
    size_t n = strlen(s);
    return (n > 5 && strcmp(s + n - 5, ".yaml") == 0) || (n > 4 && strcmp(s + n - 4, ".yml") == 0);
}

static void io_error(ld *L, const char *path, const char *why, int *io_failed)
{
    srcloc at = {path, 0, 0};
    const char *hint = "check the path and its permissions";
    if (strstr(why, "larger than"))
        hint = "split the specs into several files";
    else if (strstr(why, "not a regular file"))
        hint = "give a spec file (*.yaml, *.yml) or a folder of them";
    else if (strcmp(why, "is a directory") == 0)
        hint = "give the folder itself: partc reads the *.yaml and *.yml files under it";
    /* strerror's text starts with a capital; messages are lowercase */
    char *w = arena_strdup(L->a, why);
    if (w[0] >= 'A' && w[0] <= 'Z' && w[1] >= 'a' && w[1] <= 'z')
        w[0] = (char)(w[0] - 'A' + 'a');
    err(L, "io-error", at, hint, "cannot read '%s': %s", disp(L, path), w);
    *io_failed = 1;
}

/* A path with control characters (a line break, an escape sequence) would
 * forge or garble the "file:line:col" of a diagnostic: such a spec is
 * refused, under a copy of its path with every control byte shown as '?'. */
static bool path_ok(ld *L, const char *path, int *io_failed)
{
    const char *p = path;
    while (*p && !((unsigned char)*p < 0x20 || *p == 0x7f))
        p++;
    if (!*p)
        return true;
    char *shown = arena_strdup(L->a, path);
    for (char *q = shown; *q; q++)
        if ((unsigned char)*q < 0x20 || *q == 0x7f)
            *q = '?';
    srcloc at = {shown, 0, 0};
    err(L, "bad-file-name", at, "rename the file: spec file names hold no line breaks or control characters",
        "file name '%s' contains a control character", disp(L, shown));
    *io_failed = 1;
    return false;
}

/* Every *.yaml / *.yml under dir; hidden entries and symlinked folders are
 * skipped (no loops). */
static void walk(ld *L, const char *dir, plist *out, int *io_failed, int depth)
{
    DIR *dp = opendir(dir);
    if (!dp) {
        io_error(L, dir, strerror(errno), io_failed);
        return;
    }
    size_t dl = strlen(dir);
    bool slash = dl > 0 && dir[dl - 1] == '/';
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        const char *nm = e->d_name;
        if (nm[0] == '.')
            continue;
        const char *full = arena_printf(L->a, "%s%s%s", dir, slash ? "" : "/", nm);
        struct stat st;
        if (lstat(full, &st) != 0)
            continue;
        if (S_ISLNK(st.st_mode)) {
            if (stat(full, &st) != 0) {
                if (yaml_name(nm))
                    pl_add(L->a, out, full); /* reported when read */
                continue;
            }
            if (S_ISDIR(st.st_mode))
                continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (depth < MAX_DIR_DEPTH)
                walk(L, full, out, io_failed, depth + 1);
        } else if (S_ISREG(st.st_mode) && yaml_name(nm))
            pl_add(L->a, out, full);
    }
    closedir(dp);
}

int spec_load_paths(specset *ss, const char *const *paths, size_t npaths, diags *d,
                    int *io_failed)
{
    int dummy = 0;
    if (!io_failed)
        io_failed = &dummy;
    ld L;
    ld_init(&L, ss, d);
    size_t before = d->n;
    plist files = {0};
    for (size_t i = 0; i < npaths; i++) {
        struct stat st;
        if (!path_ok(&L, paths[i], io_failed))
            continue;
        if (stat(paths[i], &st) != 0) {
            io_error(&L, paths[i], strerror(errno), io_failed);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            plist sub = {0};
            size_t nd = d->n;
            walk(&L, paths[i], &sub, io_failed, 0);
            if (sub.n == 0 && d->n == nd) {
                /* an empty folder is most likely a wrong path: never "no findings" */
                srcloc at = {paths[i], 0, 0};
                err(&L, "no-spec-files", at,
                    "give the folder that holds the specs, or name spec files",
                    "no spec files (*.yaml, *.yml) in folder '%s'", disp(&L, paths[i]));
                *io_failed = 1;
            }
            if (sub.n > 1)
                qsort(sub.v, sub.n, sizeof *sub.v, cmp_path);
            for (size_t j = 0; j < sub.n; j++)
                pl_add(ss->a, &files, sub.v[j]);
        } else
            pl_add(ss->a, &files, paths[i]);
    }
    strmap seen = {0};
    for (size_t i = 0; i < files.n; i++) {
        if (sm_get(&seen, files.v[i]))
            continue;
        sm_put(ss->a, &seen, files.v[i], (void *)files.v[i]);
        if (!path_ok(&L, files.v[i], io_failed))
            continue;
        const char *why = NULL;
        srcfile *sf = srcfile_read(ss->a, files.v[i], &why);
        if (!sf) {
            io_error(&L, files.v[i], why ? why : "read error", io_failed);
            continue;
        }
        srcset_add(&ss->files, sf);
        load_file(&L, sf);
    }
    return (int)(d->n - before);
}
