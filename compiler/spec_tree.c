/* spec_tree: the bytes of one spec file -> a tree of YAML nodes.
 *
 * Two passes: an encoding scan (UTF-8, no NUL, no control characters, a
 * byte order mark only at the start), then an iterative tree build from
 * libyaml's events that refuses aliases, several documents, nesting deeper
 * than MAX_DEPTH and values longer than MAX_VALUE_BYTES, and rewrites
 * libyaml's messages into partc's (what is wrong, where, and a hint).  Also
 * the small helpers every loader message uses.  Knows nothing of the spec's
 * keys. */
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "names.h"
#include "spec_internal.h"
#include "strbuf.h"

srcloc ld_loc(ld *L, int line, int col)
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
    return ld_loc(L, clamp_int(m.line + 1), clamp_int(m.column + 1));
}

/* User text for a message: control bytes shown as '?', long text cut at a
 * UTF-8 boundary. */
const char *disp_n(ld *L, const char *s, size_t len)
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

const char *disp(ld *L, const char *s)
{
    return disp_n(L, s, strlen(s));
}

bool is_null(const ynode *n)
{
    if (n->kind != YN_SCALAR || !n->plain)
        return false;
    return n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
           strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0;
}

/* What a node is, for "got ..." in messages. */
const char *kind_desc(ld *L, const ynode *n)
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
const char *closest(ld *L, const char *s, const char *const *names)
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

const char *join_names(ld *L, const char *const *names)
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

int find_name(const char *const *names, const char *s)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

/* ------------------------------------------------------- encoding scan */

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
    return ld_loc(L, clamp_int(line), clamp_int(col));
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
        srcloc at = ld_loc(L, clamp_int(line), clamp_int(col));
        uint32_t cp = c;
        size_t w = 1;
        if (c >= 0x80) {
            w = srcfile_utf8_decode(b + i, len - i, &cp);
            if (!w) {
                ld_err(L, "bad-encoding", at, "spec files must be UTF-8 text",
                    "invalid UTF-8 sequence starting with byte 0x%02X", c);
                return -1;
            }
        }
        if (c == 0) {
            ld_err(L, "bad-encoding", at, "a spec file is text: remove the NUL byte",
                "NUL byte in the file");
            return -1;
        }
        if (cp == 0xFEFF) {
            ld_err(L, "bad-encoding", at, "a byte order mark may only start the file: remove this one",
                "byte order mark (U+FEFF) inside the file");
            return -1;
        }
        if (!yaml_printable(cp)) {
            ld_err(L, "bad-encoding", at,
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
        ld_err(L, "bad-encoding", offset_loc(L, p->problem_offset), "spec files must be UTF-8 text",
            "%s", p->problem ? p->problem : "unreadable input");
        return;
    }
    if (p->error == YAML_MEMORY_ERROR) {
        ld_err(L, "yaml-syntax", ld_loc(L, 1, 1), "split the spec into smaller files",
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
    ld_err(L, "yaml-syntax", at, hint, "%s", msg);
}

static ynode *new_node(ld *L, ykind k, yaml_mark_t m)
{
    ynode *n = arena_alloc(L->a, sizeof *n);
    n->kind = k;
    n->at = mark_loc(L, m);
    return n;
}

/* A scalar's node, or NULL after reporting a value that is too long or
 * holds a NUL. */
static ynode *scalar_node(ld *L, const yaml_event_t *ev)
{
    ynode *n = new_node(L, YN_SCALAR, ev->start_mark);
    if (ev->data.scalar.length > MAX_VALUE_BYTES) {
        ld_err(L, "value-too-long", n->at, "a spec value is a name, a type or a short SQL expression: shorten it",
               "value of %zu bytes is longer than the %d bytes partc reads", ev->data.scalar.length,
               MAX_VALUE_BYTES);
        return NULL;
    }
    if (memchr(ev->data.scalar.value, 0, ev->data.scalar.length)) {
        ld_err(L, "bad-encoding", n->at, "remove the \\0 escape", "string contains a NUL character");
        return NULL;
    }
    n->text = arena_strndup(L->a, (const char *)ev->data.scalar.value, ev->data.scalar.length);
    n->len = ev->data.scalar.length;
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && ev->data.scalar.plain_implicit;
    return n;
}

/* Node n as the last child of the open collection, or as the root. */
static void attach(ynode **stack, int depth, ynode **root, ynode *n)
{
    if (depth == 0) {
        if (!*root)
            *root = n;
        return;
    }
    ynode *parent = stack[depth - 1];
    if (parent->tail)
        parent->tail->next = n;
    else
        parent->head = n;
    parent->tail = n;
    parent->n++;
}

/* Builds the tree of the one document; NULL with *failed set after a
 * syntax-level error, NULL with *failed clear when there is no document. */
static ynode *build_tree(ld *L, int *failed)
{
    yaml_parser_t p;
    *failed = 0;
    if (!yaml_parser_initialize(&p)) {
        ld_err(L, "yaml-syntax", ld_loc(L, 1, 1), "split the spec into smaller files",
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
                ld_err(L, "multiple-documents", mark_loc(L, ev.start_mark),
                    "a spec file holds one document: split it into several files",
                    "more than one YAML document in the file");
                bad = true;
            }
            break;
        case YAML_ALIAS_EVENT:
            ld_err(L, "yaml-alias", mark_loc(L, ev.start_mark),
                "aliases are refused: write the value out in full", "alias '*%s' is not allowed",
                disp(L, (const char *)ev.data.alias.anchor));
            bad = true;
            break;
        case YAML_SCALAR_EVENT:
            n = scalar_node(L, &ev);
            bad = n == NULL;
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (depth >= MAX_DEPTH) {
                ld_err(L, "too-deep", mark_loc(L, ev.start_mark),
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
            ld_err(L, "too-many-values", n->at, "split the specs into several files",
                "the file holds more than %d values", MAX_NODES);
            n = NULL;
            bad = true;
        }
        if (n) {
            attach(stack, depth, &root, n);
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

ynode *spec_tree_read(ld *L, int *failed)
{
    if (check_encoding(L) != 0) {
        *failed = 1;
        return NULL;
    }
    return build_tree(L, failed);
}

/* ------------------------------------------------------ canonical text */

/* A scalar as it was meant: a plain one verbatim (it was plain where it
 * stood, so it is plain here too), every other one double-quoted. */
static void canon_scalar(strbuf *sb, const ynode *n)
{
    if (is_null(n)) {
        sb_puts(sb, "~");
        return;
    }
    bool verbatim = n->plain && n->len > 0 && !strchr(n->text, '\n') && n->text[0] != ' ' &&
                    n->text[n->len - 1] != ' ';
    if (verbatim) {
        sb_puts(sb, n->text);
        return;
    }
    sb_addc(sb, '"');
    for (const unsigned char *p = (const unsigned char *)n->text; *p; p++) {
        if (*p == '"' || *p == '\\') {
            sb_addc(sb, '\\');
            sb_addc(sb, (char)*p);
        } else if (*p == '\n')
            sb_puts(sb, "\\n");
        else if (*p == '\t')
            sb_puts(sb, "\\t");
        else if (*p < 0x20 || *p == 0x7f)
            sb_addf(sb, "\\x%02x", *p);
        else
            sb_addc(sb, (char)*p);
    }
    sb_addc(sb, '"');
}

static void canon_body(strbuf *sb, const ynode *n, int indent, bool placed);

/* After "key:" or "-": the value, and the line's end. */
static void canon_value(strbuf *sb, const ynode *v, int indent, bool item)
{
    if (v->kind == YN_SCALAR) {
        sb_addc(sb, ' ');
        canon_scalar(sb, v);
        sb_addc(sb, '\n');
    } else if (v->n == 0)
        sb_puts(sb, v->kind == YN_MAP ? " {}\n" : " []\n");
    else if (item) {
        sb_addc(sb, ' ');
        canon_body(sb, v, indent + 2, true);
    } else {
        sb_addc(sb, '\n');
        canon_body(sb, v, indent + 2, false);
    }
}

/* A mapping's or a sequence's entries at indent; placed: the first one's
 * line is already started. */
static void canon_body(strbuf *sb, const ynode *n, int indent, bool placed)
{
    bool first = true;
    for (const ynode *c = n->head; c; c = c->next) {
        if (!(first && placed))
            sb_addf(sb, "%*s", indent, "");
        first = false;
        if (n->kind == YN_MAP) {
            if (c->kind == YN_SCALAR)
                canon_scalar(sb, c);
            else
                sb_puts(sb, "~"); /* a key that is not a scalar was reported already */
            sb_addc(sb, ':');
            if (!c->next)
                break;
            c = c->next;
            canon_value(sb, c, indent, false);
        } else {
            sb_addc(sb, '-');
            canon_value(sb, c, indent, true);
        }
    }
}

const char *spec_tree_canonical(ld *L, const ynode *k, const ynode *n)
{
    strbuf sb = STRBUF_INIT;
    canon_scalar(&sb, k);
    sb_addc(&sb, ':');
    canon_value(&sb, n, 0, false);
    const char *s = arena_strdup(L->a, sb_str(&sb));
    sb_free(&sb);
    return s;
}
