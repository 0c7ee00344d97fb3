/* Unit tests for sqlquote: identifiers, literals, dollar quotes, keywords
 * and the expression check. */
#include "sqlquote.h"

#include "t.h"

TEST(sq_ident_plain)
{
    arena *a = arena_new();
    T_STREQ(sql_ident(a, "jobs"), "jobs");
    T_STREQ(sql_ident(a, "_x1"), "_x1");
    T_STREQ(sql_ident(a, "a$b"), "a$b");
    T_STREQ(sql_ident(a, "created_at"), "created_at");
    T_STREQ(sql_ident(a, "name"), "name");       /* unreserved keyword */
    T_STREQ(sql_ident(a, "key"), "key");
    T_STREQ(sql_ident(a, "partition"), "partition");
    T_STREQ(sql_ident(a, "text"), "text");
    T_CHECK(!sql_ident_needs_quote("site_id"));
    arena_free(a);
}

TEST(sq_ident_quoted)
{
    arena *a = arena_new();
    T_STREQ(sql_ident(a, "Jobs"), "\"Jobs\"");
    T_STREQ(sql_ident(a, "JOBS"), "\"JOBS\"");
    T_STREQ(sql_ident(a, "my table"), "\"my table\"");
    T_STREQ(sql_ident(a, "we\"ird"), "\"we\"\"ird\"");
    T_STREQ(sql_ident(a, "\""), "\"\"\"\"");
    T_STREQ(sql_ident(a, "it's"), "\"it's\"");
    T_STREQ(sql_ident(a, "1abc"), "\"1abc\"");
    T_STREQ(sql_ident(a, "$x"), "\"$x\"");
    T_STREQ(sql_ident(a, "a-b"), "\"a-b\"");
    T_STREQ(sql_ident(a, "a;drop"), "\"a;drop\"");
    T_STREQ(sql_ident(a, "caf\xc3\xa9"), "\"caf\xc3\xa9\"");  /* UTF-8 e-acute */
    T_STREQ(sql_ident(a, "\xe6\x97\xa5"), "\"\xe6\x97\xa5\"");
    T_STREQ(sql_ident(a, ""), "\"\"");
    T_STREQ(sql_ident(a, "user"), "\"user\"");
    T_STREQ(sql_ident(a, "order"), "\"order\"");
    T_STREQ(sql_ident(a, "table"), "\"table\"");
    T_STREQ(sql_ident(a, "left"), "\"left\"");
    T_STREQ(sql_ident(a, "timestamp"), "\"timestamp\"");
    T_CHECK(sql_ident_needs_quote(NULL));
    T_CHECK(sql_ident_needs_quote("User"));
    T_CHECK(sql_ident_needs_quote("select"));
    arena_free(a);
}

TEST(sq_keywords)
{
    static const char *const kw[] = {
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric",
        "authorization", "between", "bigint", "binary", "bit", "boolean", "both",
        "case", "cast", "char", "character", "check", "coalesce", "collate",
        "collation", "column", "concurrently", "constraint", "create", "cross",
        "current_catalog", "current_date", "current_role", "current_schema",
        "current_time", "current_timestamp", "current_user", "dec", "decimal",
        "default", "deferrable", "desc", "distinct", "do", "else", "end", "except",
        "exists", "extract", "false", "fetch", "float", "for", "foreign", "freeze",
        "from", "full", "grant", "greatest", "group", "grouping", "having", "ilike",
        "in", "initially", "inner", "inout", "int", "integer", "intersect",
        "interval", "into", "is", "isnull", "join", "json", "lateral", "leading",
        "least", "left", "like", "limit", "localtime", "localtimestamp", "national",
        "natural", "nchar", "none", "normalize", "not", "notnull", "null", "nullif",
        "numeric", "offset", "on", "only", "or", "order", "out", "outer", "overlaps",
        "overlay", "placing", "position", "precision", "primary", "real",
        "references", "returning", "right", "row", "select", "session_user", "setof",
        "similar", "smallint", "some", "substring", "symmetric", "system_user",
        "table", "tablesample", "then", "time", "timestamp", "to", "trailing",
        "treat", "trim", "true", "union", "unique", "user", "using", "values",
        "varchar", "variadic", "verbose", "when", "where", "window", "with",
        "xmlattributes", "xmlconcat", "xmlelement", "xmlexists", "xmlforest",
        "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable",
    };
    for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++) {
        if (!sql_is_keyword(kw[i]))
            t_fail(__FILE__, __LINE__, "'%s' should be a keyword", kw[i]);
        if (!sql_ident_needs_quote(kw[i]))
            t_fail(__FILE__, __LINE__, "'%s' should need quotes", kw[i]);
    }
    static const char *const not_kw[] = {
        "", "a", "abort", "action", "al", "alll", "name", "key", "text", "xml",
        "zone", "year", "users", "tables", "orders", "xmltables", "zzz", "ALL", "User",
        "partition", "index", "data", "value", "type",
    };
    for (size_t i = 0; i < sizeof not_kw / sizeof not_kw[0]; i++)
        if (sql_is_keyword(not_kw[i]))
            t_fail(__FILE__, __LINE__, "'%s' should not be a keyword", not_kw[i]);
    T_CHECK(!sql_is_keyword(NULL));
}

TEST(sq_qualified)
{
    arena *a = arena_new();
    T_STREQ(sql_qualified(a, "public", "jobs"), "public.jobs");
    T_STREQ(sql_qualified(a, "Billing", "user"), "\"Billing\".\"user\"");
    T_STREQ(sql_qualified(a, "a.b", "c"), "\"a.b\".c");
    T_STREQ(sql_qualified(a, NULL, "jobs"), "jobs");
    arena_free(a);
}

TEST(sq_literal)
{
    arena *a = arena_new();
    T_STREQ(sql_literal(a, "abc"), "'abc'");
    T_STREQ(sql_literal(a, ""), "''");
    T_STREQ(sql_literal(a, "it's"), "'it''s'");
    T_STREQ(sql_literal(a, "''"), "''''''");
    T_STREQ(sql_literal(a, "a\\b"), "'a\\b'"); /* backslashes stay */
    T_STREQ(sql_literal(a, "x'); drop table t; --"), "'x''); drop table t; --'");
    T_STREQ(sql_literal(a, "caf\xc3\xa9"), "'caf\xc3\xa9'");
    T_STREQ(sql_literal(a, "2025-11-01 00:00:00+00"), "'2025-11-01 00:00:00+00'");
    T_STREQ(sql_literal(a, NULL), "''");
    arena_free(a);
}

TEST(sq_dollar_quote)
{
    arena *a = arena_new();
    T_STREQ(sql_dollar_quote(a, "select 1;"), "$partc$select 1;$partc$");
    T_STREQ(sql_dollar_quote(a, ""), "$partc$$partc$");
    T_STREQ(sql_dollar_quote(a, "a $$ b"), "$partc$a $$ b$partc$");
    T_STREQ(sql_dollar_quote(a, "x $partc$ y"), "$partc1$x $partc$ y$partc1$");
    T_STREQ(sql_dollar_quote(a, "$partc$ $partc1$"), "$partc2$$partc$ $partc1$$partc2$");
    /* a body ending in the start of the tag would close early */
    T_STREQ(sql_dollar_quote(a, "x $partc"), "$partc1$x $partc$partc1$");
    T_STREQ(sql_dollar_quote(a, "x $partc1"), "$partc$x $partc1$partc$");
    arena_free(a);
}

static void expr_ok(const char *e, int line)
{
    const char *why = NULL;
    if (sql_expr_check(e, &why) != 0)
        t_fail(__FILE__, line, "expression '%s' refused: %s", e, why ? why : "(null)");
}

static void expr_bad(const char *e, const char *want, int line)
{
    const char *why = NULL;
    const char *shown = e ? e : "(null)";
    if (sql_expr_check(e, &why) != -1) {
        t_fail(__FILE__, line, "expression '%s' should be refused", shown);
        return;
    }
    if (!why || !strstr(why, want))
        t_fail(__FILE__, line, "expression '%s': why '%s' lacks '%s'", shown,
               why ? why : "(null)", want);
}

TEST(sq_expr_ok)
{
    expr_ok("expires_at > created_at", __LINE__);
    expr_ok("site_id = auth_site()", __LINE__);
    expr_ok("status IN ('a;b', 'c')", __LINE__);
    expr_ok("coalesce(x, 'it''s')", __LINE__);
    expr_ok("now()", __LINE__);
    expr_ok("true", __LINE__);
    expr_ok("gen_random_uuid()", __LINE__);
    expr_ok("'{}'::jsonb", __LINE__);
    expr_ok("x - 1", __LINE__);
    expr_ok("x / 2 * 3", __LINE__);
    expr_ok("\"Weird;Col\" IS NOT NULL", __LINE__);
    expr_ok("\"a\"\"b\" = 1", __LINE__);
    expr_ok("note <> '-- not a comment /* nor this */'", __LINE__);
    expr_ok("E'it\\'s; fine'", __LINE__);
    expr_ok("e'a\\\\' = x", __LINE__);
    expr_ok("name ~ '^a$'", __LINE__);
    expr_ok("price$usd > 0", __LINE__);
    expr_ok("amount > 1.5e3 and n < 0x1F", __LINE__);
    expr_ok("((a + b) * (c - d)) > 0", __LINE__);
    expr_ok("now() - interval '90 days'", __LINE__);
    expr_ok("'a\\' = x", __LINE__); /* standard string: backslash is a byte */
    expr_ok("caf\xc3\xa9 = 1", __LINE__);
    expr_ok("auth.uid() = owner_id\n  and deleted_at is null", __LINE__);
    expr_ok("x = $", __LINE__);
}

TEST(sq_expr_bad)
{
    expr_bad("true); drop table x; --", "unbalanced parentheses", __LINE__);
    expr_bad("a -- b", "comments", __LINE__);
    expr_bad("x /* y */", "comments", __LINE__);
    expr_bad("(a", "unbalanced parentheses", __LINE__);
    expr_bad("a)", "unbalanced parentheses", __LINE__);
    expr_bad(")(", "unbalanced parentheses", __LINE__);
    expr_bad("f(a))(", "unbalanced parentheses", __LINE__);
    expr_bad("$$x$$", "dollar quoting", __LINE__);
    expr_bad("$tag$x$tag$", "dollar quoting", __LINE__);
    expr_bad("x = $1", "dollar quoting", __LINE__);
    expr_bad("a; b", "';'", __LINE__);
    expr_bad("true;", "';'", __LINE__);
    expr_bad("", "empty", __LINE__);
    expr_bad("   \n\t ", "empty", __LINE__);
    expr_bad(NULL, "empty", __LINE__);
    expr_bad("'abc", "unterminated string", __LINE__);
    expr_bad("'it''s", "unterminated string", __LINE__);
    expr_bad("E'abc\\'", "unterminated string", __LINE__);
    expr_bad("\"abc", "unterminated", __LINE__);
    expr_bad("x = 'a' || 'b''; drop table t; --", "unterminated string", __LINE__);
    expr_bad("a \\! rm -rf /", "'\\'", __LINE__);
    expr_bad("1$$x$$", "dollar quoting", __LINE__);
}
