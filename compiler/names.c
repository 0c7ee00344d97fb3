#include "names.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

#include "strbuf.h"

/* ---- PCRE2 patterns, compiled once ---- */

/* Column types: words (the first may be schema-qualified), at most one
 * (n) or (n,m) modifier after any word, then [] or [n] suffixes.  The
 * lookahead refuses a second '('.  Only spaces separate words. */
#define RE_TYPE                                                              \
    "^(?!.*\\(.*\\()"                                                        \
    "[A-Za-z_][A-Za-z0-9_$]*(?:\\.[A-Za-z_][A-Za-z0-9_$]*)?"                 \
    "(?: *\\( *[0-9]+ *(?:, *-?[0-9]+ *)?\\))?"                              \
    "(?: +[A-Za-z_][A-Za-z0-9_$]*(?: *\\( *[0-9]+ *(?:, *-?[0-9]+ *)?\\))?)*" \
    "(?: *\\[ *[0-9]* *\\])*\\z"

/* pg_cron schedules: five fields, "N second(s)" (1..59), or a macro. */
#define RE_CRON_NAME                                                         \
    "(?i:sun|mon|tue|wed|thu|fri|sat|jan|feb|mar|apr|may|jun|jul|aug|sep|"   \
    "oct|nov|dec)"
#define RE_CRON_FIELD "(?:[0-9*,/-]|" RE_CRON_NAME ")+"
#define RE_CRON                                                              \
    "^(?:" RE_CRON_FIELD "(?: +" RE_CRON_FIELD "){4}"                        \
    "|(?:[1-9]|[1-5][0-9]) +seconds?"                                        \
    "|@(?:yearly|annually|monthly|weekly|daily|hourly|reboot))\\z"

enum { RX_TYPE, RX_CRON, RX_COUNT };

static const char *const rx_src[RX_COUNT] = {RE_TYPE, RE_CRON};
static pcre2_code *rx[RX_COUNT];
static pcre2_match_data *rx_md;

int names_init(void)
{
    if (rx_md)
        return 0;
    for (int i = 0; i < RX_COUNT; i++) {
        int err;
        PCRE2_SIZE erroff;
        rx[i] = pcre2_compile((PCRE2_SPTR)rx_src[i], PCRE2_ZERO_TERMINATED,
                              PCRE2_DOTALL, &err, &erroff, NULL);
        if (!rx[i]) {
            names_fini();
            return -1;
        }
    }
    rx_md = pcre2_match_data_create(4, NULL);
    if (!rx_md) {
        names_fini();
        return -1;
    }
    return 0;
}

void names_fini(void)
{
    for (int i = 0; i < RX_COUNT; i++) {
        pcre2_code_free(rx[i]);
        rx[i] = NULL;
    }
    pcre2_match_data_free(rx_md);
    rx_md = NULL;
}

static bool rx_match(int which, const char *s)
{
    if (!s || (!rx_md && names_init() != 0))
        return false;
    int rc = pcre2_match(rx[which], (PCRE2_SPTR)s, strlen(s), 0, 0, rx_md, NULL);
    return rc >= 0;
}

/* ---- naming patterns ---- */

typedef enum { TK_TABLE, TK_YYYY, TK_MM, TK_DD, TK_HH, TK_IYYY, TK_IW, TK_Q, TK_NONE } token;

static const struct {
    const char *text; /* between the braces */
    const char *to_char;
} tokens[TK_NONE] = {
    [TK_TABLE] = {"table", NULL}, [TK_YYYY] = {"YYYY", "YYYY"},
    [TK_MM] = {"MM", "MM"},       [TK_DD] = {"DD", "DD"},
    [TK_HH] = {"HH", "HH24"},     [TK_IYYY] = {"IYYY", "IYYY"},
    [TK_IW] = {"IW", "IW"},       [TK_Q] = {"Q", "Q"},
};

/* The token whose text is s[0..n), or TK_NONE. */
static token token_lookup(const char *s, size_t n)
{
    for (int i = 0; i < TK_NONE; i++)
        if (strlen(tokens[i].text) == n && memcmp(tokens[i].text, s, n) == 0)
            return (token)i;
    return TK_NONE;
}

/* A '{' at p: the token it opens and the length through '}' in *len;
 * TK_NONE with *len 0 when there is no closing brace before the next '{'. */
static token token_at(const char *p, size_t *len)
{
    size_t i = 1;
    while (p[i] && p[i] != '}' && p[i] != '{')
        i++;
    if (p[i] != '}') {
        *len = 0;
        return TK_NONE;
    }
    *len = i + 1;
    return token_lookup(p + 1, i - 1);
}

int names_pattern_check(const char *pattern, const char **why, size_t *offset)
{
    *why = NULL;
    *offset = 0;
    if (!pattern || !*pattern) {
        *why = "naming pattern is empty";
        return -1;
    }
    for (size_t i = 0; pattern[i];) {
        if (pattern[i] == '}') {
            *why = "'}' without a matching '{'";
            *offset = i;
            return -1;
        }
        if (pattern[i] != '{') {
            i++;
            continue;
        }
        size_t len;
        token tk = token_at(pattern + i, &len);
        if (len == 0) {
            *why = "'{' is not closed by '}'";
            *offset = i;
            return -1;
        }
        if (tk == TK_NONE) {
            *why = "unknown token; the tokens are {table} {YYYY} {MM} {DD} {HH} "
                   "{IYYY} {IW} {Q}";
            *offset = i;
            return -1;
        }
        i += len;
    }
    return 0;
}

/* Bit set of the tokens that occur in pattern. */
static unsigned pattern_tokens(const char *pattern)
{
    unsigned set = 0;
    for (size_t i = 0; pattern && pattern[i];) {
        size_t len;
        if (pattern[i] == '{') {
            token tk = token_at(pattern + i, &len);
            if (len) {
                if (tk != TK_NONE)
                    set |= 1u << tk;
                i += len;
                continue;
            }
        }
        i++;
    }
    return set;
}


/* The tokens named by a space-separated list ("YYYY MM DD"). */
static unsigned token_set(const char *list)
{
    unsigned set = 0;
    for (const char *p = list; *p;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n)
            set |= 1u << token_lookup(p, n);
        p += n;
    }
    return set;
}

int names_pattern_distinct(const char *pattern, cal_interval iv, const char **why)
{
    const cal_interval_info *info = cal_interval_info_of(iv);
    unsigned have = pattern_tokens(pattern);
    *why = NULL;
    for (size_t i = 0; i < sizeof info->distinct / sizeof info->distinct[0]; i++) {
        unsigned need = info->distinct[i] ? token_set(info->distinct[i]) : 0;
        if (need && (have & need) == need)
            return 0;
    }
    *why = info->distinct_why;
    return -1;
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

/* Appends v as printf's "%0<width>d" does. */
static void put_num(strbuf *sb, int v, int width)
{
    if (v < 0) {
        sb_addf(sb, "%0*d", width, v);
        return;
    }
    char buf[16];
    size_t n = 0;
    do {
        buf[sizeof buf - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < (size_t)width && n < sizeof buf)
        buf[sizeof buf - 1 - n++] = '0';
    sb_add(sb, buf + sizeof buf - n, n);
}

const char *names_partition(arena *a, const table *t, int64_t range_start)
{
    /* called for every planned partition, several times: literal runs are
     * copied whole and numbers written without printf */
    const char *p = t->part.naming.s;
    cal_tm tm;
    int iy, iw;
    cal_split(range_start, &tm);
    cal_iso_week(cal_days_from_civil(tm.year, tm.month, tm.day), &iy, &iw);
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; p && p[i];) {
        size_t len = 0;
        token tk = p[i] == '{' ? token_at(p + i, &len) : TK_NONE;
        if (tk == TK_NONE) {
            size_t run = 1;
            while (p[i + run] && p[i + run] != '{')
                run++;
            sb_add(&sb, p + i, run);
            i += run;
            continue;
        }
        switch (tk) {
        case TK_TABLE: sb_puts(&sb, or_empty(t->name.s)); break;
        case TK_YYYY: put_num(&sb, tm.year, 4); break;
        case TK_MM: put_num(&sb, tm.month, 2); break;
        case TK_DD: put_num(&sb, tm.day, 2); break;
        case TK_HH: put_num(&sb, tm.hour, 2); break;
        case TK_IYYY: put_num(&sb, iy, 4); break;
        case TK_IW: put_num(&sb, iw, 2); break;
        case TK_Q: put_num(&sb, (tm.month - 1) / 3 + 1, 1); break;
        case TK_NONE: break;
        }
        i += len;
    }
    const char *r = arena_strndup(a, sb_str(&sb), sb.len);
    sb_free(&sb);
    return r;
}

/* Literal text inside a to_char double-quoted run: '"' and '\' are taken
 * literally only after a backslash. */
static void to_char_literal(strbuf *sb, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"' || s[i] == '\\')
            sb_addc(sb, '\\');
        sb_addc(sb, s[i]);
    }
}

const char *names_pattern_to_char(arena *a, const table *t)
{
    const char *p = t->part.naming.s;
    strbuf sb = STRBUF_INIT;
    bool in_lit = false;
    token prev = TK_NONE; /* the format token just written, if any */
    for (size_t i = 0; p && p[i];) {
        size_t len = 0;
        token tk = p[i] == '{' ? token_at(p + i, &len) : TK_NONE;
        if (tk == TK_NONE || tk == TK_TABLE) {
            if (!in_lit) {
                sb_addc(&sb, '"');
                in_lit = true;
            }
            if (tk == TK_TABLE) {
                const char *name = or_empty(t->name.s);
                to_char_literal(&sb, name, strlen(name));
                i += len;
            } else {
                to_char_literal(&sb, p + i, 1);
                i++;
            }
            prev = TK_NONE;
            continue;
        }
        if (in_lit) {
            sb_addc(&sb, '"');
            in_lit = false;
        }
        /* DD then DD would read as DDD (day of year) then D: separate */
        if (prev == TK_DD && tk == TK_DD)
            sb_puts(&sb, "\"\"");
        sb_puts(&sb, tokens[tk].to_char);
        prev = tk;
        i += len;
    }
    if (in_lit)
        sb_addc(&sb, '"');
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

/* ---- other generated names ---- */

/* x followed by y (each table has a dozen such names: no printf). */
static const char *cat(arena *a, const char *x, const char *y)
{
    size_t nx = strlen(x), ny = strlen(y);
    char *r = arena_alloc(a, nx + ny + 1);
    memcpy(r, x, nx);
    memcpy(r + nx, y, ny + 1);
    return r;
}

const char *names_default_partition(arena *a, const table *t)
{
    return cat(a, or_empty(t->name.s), "_default");
}

const char *names_pkey(arena *a, const table *t)
{
    return cat(a, or_empty(t->name.s), "_pkey");
}

/* RE_PLAIN: ^[a-z0-9_]+\z, without the regex engine. */
static bool plain_lower(const char *s)
{
    if (!*s)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return true;
}

/* <table>_<c1>_<c2>..._<suffix>; expressions (when exprs) become "expr" */
static const char *join_cols(arena *a, const table *t, const slist *cols,
                             bool exprs, const char *suffix)
{
    strbuf sb = STRBUF_INIT;
    sb_puts(&sb, or_empty(t->name.s));
    for (size_t i = 0; cols && i < cols->n; i++) {
        const char *c = or_empty(cols->v[i].s);
        sb_addc(&sb, '_');
        if (exprs && !plain_lower(c) && !table_column(t, c))
            sb_puts(&sb, "expr");
        else
            sb_puts(&sb, c);
    }
    sb_addc(&sb, '_');
    sb_puts(&sb, suffix);
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

const char *names_unique(arena *a, const table *t, const slist *cols)
{
    return join_cols(a, t, cols, false, "key");
}

const char *names_index(arena *a, const table *t, const index *ix)
{
    if (!ix->cols)
        return join_cols(a, t, &ix->columns, true, "idx");
    strbuf sb = STRBUF_INIT;
    sb_puts(&sb, or_empty(t->name.s));
    for (size_t i = 0; i < ix->columns.n; i++) {
        sb_addc(&sb, '_');
        sb_puts(&sb, ix->cols[i].expression ? "expr" : or_empty(ix->columns.v[i].s));
    }
    sb_puts(&sb, "_idx");
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

const char *names_brin_index(arena *a, const table *t)
{
    return arena_printf(a, "%s_%s_brin", or_empty(t->name.s), or_empty(t->part.key.s));
}

const char *names_fkey(arena *a, const table *t, const foreign_key *fk)
{
    return join_cols(a, t, &fk->columns, false, "fkey");
}

const char *names_cron_job(arena *a, const table *t, const char *what)
{
    return arena_printf(a, "partc:%s.%s:%s", t->schema.s ? t->schema.s : "public",
                        or_empty(t->name.s), or_empty(what));
}

const char *names_shadow(arena *a, const table *t)
{
    return cat(a, or_empty(t->name.s), or_empty(t->migrate.shadow_suffix.s));
}

const char *names_old(arena *a, const table *t)
{
    return cat(a, or_empty(t->name.s), or_empty(t->migrate.old_suffix.s));
}

const conv_object names_conv_objects[] = {
    {"log", "sync_log", true},
    {"state", "backfill_state", true},
    {"fn_capture", "sync_capture", false},
    {"fn_forward", "sync_forward", false},
    {"fn_reverse", "sync_reverse", false},
    {"fn_guard", "sync_guard", false},
    {"fn_replay", "sync_replay", false},
    {"fn_indexes", "backfill_indexes", false},
    {"rewire", "rewire", true},
    {"fn_key_lock", "rewire_lock", false},
    {"fn_key_follow", "rewire_follow", false},
    {"fn_key_move", "rewire_move", false},
};
const size_t names_nconv_objects = sizeof names_conv_objects / sizeof names_conv_objects[0];

const char *names_conv(arena *a, const table *t, const char *what)
{
    return arena_printf(a, "%s_%s", or_empty(t->name.s), what);
}

const char *names_shadow_of(arena *a, const table *t, const char *name)
{
    return cat(a, or_empty(name), or_empty(t->migrate.shadow_suffix.s));
}

const char *names_old_of(arena *a, const table *t, const char *name)
{
    return cat(a, or_empty(name), or_empty(t->migrate.old_suffix.s));
}

static bool has_key_col(const table *t, const slist *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (t->part.key.s && strcmp(l->v[i].s, t->part.key.s) == 0)
            return true;
    return false;
}

static const char **cols_with_key(arena *a, const table *t, const slist *l, bool with_key, size_t *n)
{
    const char **v = arena_calloc(a, l->n + 1, sizeof *v);
    for (size_t i = 0; i < l->n; i++)
        v[i] = l->v[i].s;
    *n = l->n;
    if (with_key)
        v[(*n)++] = t->part.key.s;
    return v;
}

const attach_key *names_attach_keys(arena *a, const table *t, size_t *n)
{
    attach_key *v = arena_calloc(a, 1 + t->nunique, sizeof *v);
    size_t k = 0, nc;
    const char *old = names_old(a, t);
    if (t->primary_key.n && !has_key_col(t, &t->primary_key)) {
        const char **c = cols_with_key(a, t, &t->primary_key, false, &nc);
        v[k++] = (attach_key){'p', &t->primary_key, names_old_of(a, t, names_pkey(a, t)),
                              names_pg_index(a, old, c, nc, "key", NULL, NULL), names_pkey(a, t)};
    }
    for (size_t i = 0; i < t->nunique; i++) {
        if (has_key_col(t, &t->unique[i]))
            continue;
        const char **c = cols_with_key(a, t, &t->unique[i], true, &nc);
        v[k++] = (attach_key){'u', &t->unique[i], names_pg_index(a, old, c, nc, "key", NULL, NULL), NULL, NULL};
    }
    *n = k;
    return v;
}

/* ---- grammar checks ---- */

/* The common shapes, which the patterns accept, are recognised without the
 * regex engine (every column type and schedule of a spec set is checked);
 * anything else goes to the pattern, which decides. */

/* One or more words [A-Za-z_][A-Za-z0-9_$]* separated by spaces: "text",
 * "double precision", "timestamp with time zone".  RE_TYPE matches these. */
static bool plain_type(const char *s)
{
    const char *p = s;
    for (;;) {
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '_'))
            return false;
        p++;
        while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
               *p == '_' || *p == '$')
            p++;
        if (!*p)
            return true;
        if (*p != ' ')
            return false;
        while (*p == ' ')
            p++;
    }
}

/* Five fields of [0-9*,/-] separated by spaces: "0 3 * * 1", "*\/10 * * * *".
 * RE_CRON matches these. */
static bool plain_cron(const char *s)
{
    const char *p = s;
    for (int field = 0; field < 5; field++) {
        if (field) {
            if (*p != ' ')
                return false;
            while (*p == ' ')
                p++;
        }
        const char *f = p;
        while ((*p >= '0' && *p <= '9') || *p == '*' || *p == ',' || *p == '/' || *p == '-')
            p++;
        if (p == f)
            return false;
    }
    return *p == '\0';
}

bool names_type_ok(const char *type)
{
    return type && *type && (plain_type(type) || rx_match(RX_TYPE, type));
}

bool names_cron_ok(const char *s)
{
    return s && *s && (plain_cron(s) || rx_match(RX_CRON, s));
}

/* Levenshtein distance; only called on error paths. */
size_t names_edit_distance(arena *a, const char *x, const char *y)
{
    size_t m = strlen(x), n = strlen(y);
    size_t *prev = arena_calloc(a, n + 1, sizeof *prev);
    size_t *cur = arena_calloc(a, n + 1, sizeof *cur);
    for (size_t j = 0; j <= n; j++)
        prev[j] = j;
    for (size_t i = 1; i <= m; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= n; j++) {
            size_t best = prev[j - 1] + (x[i - 1] != y[j - 1]);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            cur[j] = best;
        }
        size_t *sw = prev;
        prev = cur;
        cur = sw;
    }
    return prev[n];
}

/* Type text lowercased, without (n) modifiers, "pg_catalog." or extra blanks. */
const char *names_type_base(arena *a, const char *type)
{
    strbuf sb = STRBUF_INIT;
    int depth = 0;
    bool space = false;
    for (const char *p = type; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '(') {
            depth++;
            continue;
        }
        if (c == ')') {
            if (depth > 0)
                depth--;
            continue;
        }
        if (depth > 0)
            continue;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = sb.len > 0;
            continue;
        }
        if (space)
            sb_addc(&sb, ' ');
        space = false;
        sb_addc(&sb, (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c));
    }
    const char *r = sb_str(&sb);
    if (strncmp(r, "pg_catalog.", 11) == 0)
        r += 11;
    r = arena_strdup(a, r);
    sb_free(&sb);
    return r;
}

/* [A-Za-z_][A-Za-z0-9_]*: a column name, not an expression (ASCII, no locale) */
bool names_plain_ident(const char *s)
{
    if (!s || !*s || (*s >= '0' && *s <= '9'))
        return false;
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return false;
    }
    return true;
}

/* ---- index columns written as text ---------------------------------------- */

static bool word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
           (unsigned char)c >= 0x80;
}

/* One word at *p: a plain name (folded to lowercase, '.' kept for
 * schema.name) or a "quoted" name; *quoted tells which.  NULL at the end of
 * the text or at anything else. */
static const char *next_word(arena *a, const char **p, bool *quoted)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\t')
        s++;
    *quoted = false;
    if (*s == '"') {
        strbuf sb = STRBUF_INIT;
        for (s++; *s; s++) {
            if (*s == '"' && s[1] == '"')
                sb_addc(&sb, *s++);
            else if (*s == '"')
                break;
            else
                sb_addc(&sb, *s);
        }
        if (*s != '"' || sb.len == 0) {
            sb_free(&sb);
            return NULL;
        }
        *p = s + 1;
        *quoted = true;
        const char *r = arena_strdup(a, sb_str(&sb));
        sb_free(&sb);
        return r;
    }
    const char *start = s;
    while (word_char(*s) || (*s == '.' && s > start && word_char(s[1])))
        s++;
    if (s == start)
        return NULL;
    char *w = arena_strndup(a, start, (size_t)(s - start));
    for (char *q = w; *q; q++)
        if (*q >= 'A' && *q <= 'Z')
            *q = (char)(*q - 'A' + 'a');
    *p = s;
    return w;
}

static bool only_words(const char *s)
{
    bool in_quote = false;
    for (; *s; s++) {
        if (*s == '"')
            in_quote = !in_quote;
        else if (!in_quote && !word_char(*s) && *s != ' ' && *s != '\t' && *s != '.')
            return false;
    }
    return !in_quote;
}

static bool keyword(const char *w, bool quoted, const char *k)
{
    return w && !quoted && strcmp(w, k) == 0;
}

/* [COLLATE c] [opclass] [ASC | DESC] [NULLS FIRST | LAST] */
static int index_options(arena *a, const char *p, index_col *col, const char **why)
{
    bool q;
    const char *w = next_word(a, &p, &q);
    if (keyword(w, q, "collate")) {
        const char *c = next_word(a, &p, &q);
        if (!c || (!q && (!strcmp(c, "asc") || !strcmp(c, "desc") || !strcmp(c, "nulls")))) {
            *why = "COLLATE needs a collation name, e.g. COLLATE \"C\"";
            return -1;
        }
        col->collate.s = c;
        w = next_word(a, &p, &q);
    }
    if (w && (q || (strcmp(w, "asc") && strcmp(w, "desc") && strcmp(w, "nulls") && strcmp(w, "collate")))) {
        col->opclass.s = w;
        w = next_word(a, &p, &q);
    }
    if (keyword(w, q, "asc") || keyword(w, q, "desc")) {
        col->order.v = w[0] == 'a' ? SORT_ASC : SORT_DESC;
        w = next_word(a, &p, &q);
    }
    if (keyword(w, q, "nulls")) {
        const char *fl = next_word(a, &p, &q);
        if (!keyword(fl, q, "first") && !keyword(fl, q, "last")) {
            *why = "NULLS is followed by FIRST or LAST";
            return -1;
        }
        col->nulls.v = fl[0] == 'f' ? NULLS_FIRST : NULLS_LAST;
        w = next_word(a, &p, &q);
    }
    if (w) {
        *why = arena_printf(a, "'%s' is not an index option here (the order is COLLATE, operator class, "
                               "ASC or DESC, NULLS FIRST or LAST)", w);
        return -1;
    }
    return 0;
}

/* An expression written without parentheses that ends in an index option:
 * "payload->>'k' DESC" is meant as the expression and an order. */
static bool ends_in_option(const char *s)
{
    static const char *const tails[] = {" asc", " desc", " nulls first", " nulls last"};
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        size_t k = strlen(tails[i]);
        if (n < k)
            continue;
        size_t j = 0;
        while (j < k && (s[n - k + j] | 0x20) == (tails[i][j] | 0x20))
            j++;
        if (j == k)
            return true;
    }
    return false;
}

static int whole_expression(index_col *col, const char *s, const char **why)
{
    col->expression = true;
    if (ends_in_option(s)) {
        *why = "an expression followed by ASC, DESC or NULLS must be in parentheses, e.g. '(lower(name)) DESC'";
        return -1;
    }
    return 0;
}

int names_index_column_parse(arena *a, const table *t, const char *s, const char **subject, index_col *col,
                             const char **why)
{
    memset(col, 0, sizeof *col);
    *why = NULL;
    *subject = s;
    if (table_column(t, s))
        return 0;
    const char *p = s;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '(') {
        /* (expression) options: the parenthesis that closes the first one */
        int depth = 0;
        char quote = 0;
        const char *q = p;
        for (; *q; q++) {
            if (quote) {
                if (*q == quote)
                    quote = 0;
            } else if (*q == '\'' || *q == '"')
                quote = *q;
            else if (*q == '(')
                depth++;
            else if (*q == ')' && --depth == 0)
                break;
        }
        if (*q == ')' && only_words(q + 1)) {
            col->expression = true;
            *subject = arena_strndup(a, p + 1, (size_t)(q - p - 1));
            return index_options(a, q + 1, col, why);
        }
        return whole_expression(col, s, why);
    }
    bool quoted;
    const char *rest = p;
    const char *name = next_word(a, &rest, &quoted);
    if (!name || strchr(name, '.') || !(*rest == '\0' || *rest == ' ' || *rest == '\t') || !only_words(rest)) {
        /* lower(email), a + b, ...: an expression */
        return whole_expression(col, s, why);
    }
    /* an unquoted name keeps its spelling when the table declares it so */
    if (!quoted) {
        const char *end = p;
        while (word_char(*end))
            end++;
        const char *as_written = arena_strndup(a, p, (size_t)(end - p));
        if (table_column(t, as_written))
            name = as_written;
    }
    *subject = name;
    return index_options(a, rest, col, why);
}

/* ---- the names PostgreSQL chooses for an index ---------------------------- */

#define PG_NAMEDATALEN 64

/* The longest prefix of s, at most n bytes, that does not cut a UTF-8
 * character (pg_mbcliplen). */
static size_t clip_utf8(const char *s, size_t n)
{
    while (n > 0 && n < strlen(s) && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* makeObjectName: name1_name2_label, name1 and name2 cut (the longer first)
 * to fit in 63 bytes. */
static const char *pg_object_name(arena *a, const char *name1, const char *name2, const char *label)
{
    size_t n1 = strlen(name1), n2 = name2 ? strlen(name2) : 0;
    size_t overhead = (name2 ? 1 : 0) + strlen(label) + 1;
    size_t avail = PG_NAMEDATALEN - 1 - overhead;
    while (n1 + n2 > avail) {
        if (n1 > n2)
            n1--;
        else
            n2--;
    }
    n1 = clip_utf8(name1, n1);
    if (name2)
        n2 = clip_utf8(name2, n2);
    strbuf sb = STRBUF_INIT;
    sb_add(&sb, name1, n1);
    if (name2) {
        sb_addc(&sb, '_');
        sb_add(&sb, name2, n2);
    }
    sb_addc(&sb, '_');
    sb_puts(&sb, label);
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

const char *names_pg_index(arena *a, const char *rel, const char *const *cols, size_t ncols, const char *label,
                           bool (*taken)(void *ctx, const char *name), void *ctx)
{
    /* ChooseIndexColumnNames: a name that repeats gets 1, 2... */
    const char **names = arena_calloc(a, ncols ? ncols : 1, sizeof *names);
    for (size_t i = 0; i < ncols; i++) {
        const char *cur = cols[i];
        for (int k = 1;; k++) {
            bool clash = false;
            for (size_t j = 0; j < i && !clash; j++)
                clash = strcmp(names[j], cur) == 0;
            if (!clash)
                break;
            char num[16];
            snprintf(num, sizeof num, "%d", k);
            size_t keep = clip_utf8(cols[i], PG_NAMEDATALEN - 1 - strlen(num) < strlen(cols[i])
                                                 ? PG_NAMEDATALEN - 1 - strlen(num) : strlen(cols[i]));
            cur = arena_printf(a, "%.*s%s", (int)keep, cols[i], num);
        }
        names[i] = cur;
    }
    /* ChooseIndexNameAddition: joined by '_', stopping past 63 bytes */
    const char *addition = NULL;
    if (strcmp(label, "pkey") != 0) {
        strbuf sb = STRBUF_INIT;
        for (size_t i = 0; i < ncols; i++) {
            if (sb.len)
                sb_addc(&sb, '_');
            size_t n = strlen(names[i]);
            sb_add(&sb, names[i], n < PG_NAMEDATALEN - 1 ? n : PG_NAMEDATALEN - 1);
            if (sb.len >= PG_NAMEDATALEN)
                break;
        }
        addition = arena_strdup(a, sb_str(&sb));
        sb_free(&sb);
    }
    /* ChooseRelationName: label, label1, label2... until the name is free */
    const char *lab = label;
    for (int pass = 1;; pass++) {
        const char *name = pg_object_name(a, rel, addition, lab);
        if (!taken || !taken(ctx, name))
            return name;
        lab = arena_printf(a, "%s%d", label, pass);
    }
}
