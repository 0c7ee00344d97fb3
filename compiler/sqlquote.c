#include "sqlquote.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* Every PostgreSQL keyword that quote_ident() would quote: reserved,
 * type/function-name and column-name keywords of PostgreSQL 13 to 18
 * (unreserved keywords are plain names).  Sorted by strcmp for bsearch;
 * a keyword of a newer server only costs a pair of quotes on an older one. */
static const char *const keywords[] = {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc",
    "asymmetric", "authorization", "between", "bigint", "binary", "bit",
    "boolean", "both", "case", "cast", "char", "character", "check", "coalesce",
    "collate", "collation", "column", "concurrently", "constraint", "create",
    "cross", "current_catalog", "current_date", "current_role",
    "current_schema", "current_time", "current_timestamp", "current_user",
    "dec", "decimal", "default", "deferrable", "desc", "distinct", "do", "else",
    "end", "except", "exists", "extract", "false", "fetch", "float", "for",
    "foreign", "freeze", "from", "full", "grant", "greatest", "group",
    "grouping", "having", "ilike", "in", "initially", "inner", "inout", "int",
    "integer", "intersect", "interval", "into", "is", "isnull", "join", "json",
    "json_array", "json_arrayagg", "json_exists", "json_object",
    "json_objectagg", "json_query", "json_scalar", "json_serialize",
    "json_table", "json_value", "lateral", "leading", "least", "left", "like",
    "limit", "localtime", "localtimestamp", "merge_action", "national",
    "natural", "nchar", "none", "normalize", "not", "notnull", "null", "nullif",
    "numeric", "offset", "on", "only", "or", "order", "out", "outer",
    "overlaps", "overlay", "placing", "position", "precision", "primary",
    "real", "references", "returning", "right", "row", "select", "session_user",
    "setof", "similar", "smallint", "some", "substring", "symmetric",
    "system_user", "table", "tablesample", "then", "time", "timestamp", "to",
    "trailing", "treat", "trim", "true", "union", "unique", "user", "using",
    "values", "varchar", "variadic", "verbose", "when", "where", "window",
    "with", "xmlattributes", "xmlconcat", "xmlelement", "xmlexists",
    "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot",
    "xmlserialize", "xmltable",
};

static int kw_cmp(const void *key, const void *elem)
{
    return strcmp((const char *)key, *(const char *const *)elem);
}

bool sql_is_keyword(const char *s)
{
    if (!s)
        return false;
    return bsearch(s, keywords, sizeof keywords / sizeof keywords[0],
                   sizeof keywords[0], kw_cmp) != NULL;
}

static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return is_lower(c) || (c >= 'A' && c <= 'Z'); }

bool sql_ident_needs_quote(const char *s)
{
    if (!s || !(is_lower(s[0]) || s[0] == '_'))
        return true;
    for (const char *p = s + 1; *p; p++)
        if (!(is_lower(*p) || is_digit(*p) || *p == '_' || *p == '$'))
            return true;
    return sql_is_keyword(s);
}

/* s between q characters, with q doubled inside */
static const char *quote_with(arena *a, const char *s, char q)
{
    strbuf sb = STRBUF_INIT;
    sb_addc(&sb, q);
    for (const char *p = s; *p; p++) {
        if (*p == q)
            sb_addc(&sb, q);
        sb_addc(&sb, *p);
    }
    sb_addc(&sb, q);
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

const char *sql_ident(arena *a, const char *s)
{
    if (!s)
        s = "";
    if (!sql_ident_needs_quote(s))
        return arena_strdup(a, s);
    return quote_with(a, s, '"');
}

const char *sql_qualified(arena *a, const char *schema, const char *name)
{
    if (!schema)
        return sql_ident(a, name);
    return arena_printf(a, "%s.%s", sql_ident(a, schema), sql_ident(a, name));
}

const char *sql_literal(arena *a, const char *s)
{
    return quote_with(a, s ? s : "", '\'');
}

const char *sql_dollar_quote(arena *a, const char *body)
{
    if (!body)
        body = "";
    size_t blen = strlen(body);
    for (unsigned k = 0;; k++) {
        const char *tag = k ? arena_printf(a, "$partc%u$", k) : "$partc$";
        /* The tag must not occur in the body, nor start inside the body
         * and run into the closing tag ("...$partc" + "$partc$"). */
        const char *text = arena_printf(a, "%s%s", body, tag);
        const char *hit = strstr(text, tag);
        if (hit && (size_t)(hit - text) == blen)
            return arena_printf(a, "%s%s%s", tag, body, tag);
    }
}

/* Bytes that continue an identifier in PostgreSQL's lexer; bytes >= 0x80
 * (UTF-8) count as letters there too. */
static bool ident_start(unsigned char c)
{
    return is_alpha((char)c) || c == '_' || c >= 0x80;
}

static bool ident_cont(unsigned char c)
{
    return ident_start(c) || is_digit((char)c) || c == '$';
}

int sql_expr_check(const char *expr, const char **why)
{
    for (const char *p = expr; p && *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || ch == 0x7f) {
            *why = "control characters are not allowed in an expression";
            return -1;
        }
    }
    const unsigned char *p = (const unsigned char *)(expr ? expr : "");
    long depth = 0;
    bool any = false;
    *why = NULL;
    while (*p) {
        unsigned char c = *p;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            p++;
            continue;
        }
        any = true;
        if ((c == 'E' || c == 'e') && p[1] == '\'') {
            /* E'...': backslash escapes the next byte, '' is a quote */
            p += 2;
            for (;;) {
                if (!*p) {
                    *why = "unterminated string";
                    return -1;
                }
                if (*p == '\\' && p[1]) {
                    p += 2;
                } else if (*p == '\'') {
                    if (p[1] != '\'')
                        break;
                    p += 2;
                } else {
                    p++;
                }
            }
            p++;
        } else if (ident_start(c)) {
            while (ident_cont(*p))
                p++;
        } else if (is_digit((char)c)) {
            /* numbers, including 1.5e3, 0x1F and 1_000 */
            while (is_digit((char)*p) || is_alpha((char)*p) || *p == '_' || *p == '.')
                p++;
        } else if (c == '\'' || c == '"') {
            /* standard string or quoted identifier: the quote doubled */
            p++;
            for (;;) {
                if (!*p) {
                    *why = c == '\'' ? "unterminated string"
                                     : "unterminated quoted identifier";
                    return -1;
                }
                if (*p == c) {
                    if (p[1] != c)
                        break;
                    p++;
                }
                p++;
            }
            p++;
        } else if (c == ';') {
            *why = "';' is not allowed in an expression";
            return -1;
        } else if ((c == '-' && p[1] == '-') || (c == '/' && p[1] == '*')) {
            *why = "comments are not allowed in an expression";
            return -1;
        } else if (c == '$' && (ident_cont(p[1]))) {
            *why = "dollar quoting is not allowed in an expression";
            return -1;
        } else if (c == '\\') {
            /* no SQL meaning outside strings; psql reads it as a command */
            *why = "'\\' is not allowed outside a string in an expression";
            return -1;
        } else if (c == '(') {
            depth++;
            p++;
        } else if (c == ')') {
            if (--depth < 0) {
                *why = "unbalanced parentheses";
                return -1;
            }
            p++;
        } else {
            p++;
        }
    }
    if (!any) {
        *why = "expression is empty";
        return -1;
    }
    if (depth != 0) {
        *why = "unbalanced parentheses";
        return -1;
    }
    return 0;
}
