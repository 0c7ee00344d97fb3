/* Unit tests for names: naming patterns, generated names, type and cron
 * grammars.  names_init has been called by the harness. */
#include "names.h"
#include "spec_schema.h"

#include "t.h"

static int64_t at(const char *s)
{
    int64_t t = 0;
    if (cal_parse_instant(s, &t) != CAL_OK)
        t_fail(__FILE__, __LINE__, "cannot parse '%s'", s);
    return t;
}

static table *mk(arena *a, const char *name, const char *pattern, cal_interval iv)
{
    table *t = spec_table_new(a);
    t->name.s = name;
    t->schema.s = "public";
    t->part.present = true;
    t->part.interval.v = iv;
    t->part.key.s = "created_at";
    t->part.naming.s = pattern;
    return t;
}

static slist mklist(arena *a, const char *const *v, size_t n)
{
    slist l = {0};
    l.v = arena_calloc(a, n, sizeof *l.v);
    for (size_t i = 0; i < n; i++)
        l.v[i].s = v[i];
    l.n = n;
    l.present = true;
    return l;
}

static void check_bad(const char *pattern, size_t want_off, const char *want_word, int line)
{
    const char *why = NULL;
    size_t off = 999;
    if (names_pattern_check(pattern, &why, &off) != -1) {
        t_fail(__FILE__, line, "pattern '%s' should be refused", pattern);
        return;
    }
    if (off != want_off)
        t_fail(__FILE__, line, "pattern '%s': offset %zu, want %zu", pattern, off, want_off);
    if (!why || !strstr(why, want_word))
        t_fail(__FILE__, line, "pattern '%s': why '%s' lacks '%s'", pattern,
               why ? why : "(null)", want_word);
}

TEST(names_pattern_check_ok)
{
    static const char *const ok[] = {
        "{table}_{YYYY}_{MM}", "{table}_{YYYY}{MM}{DD}_{HH}", "{table}_{IYYY}w{IW}",
        "{table}_{YYYY}q{Q}", "{table}_{YYYY}", "p{YYYY}", "static_name",
        "{table}{table}", "x{DD}{DD}",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        const char *why = "unset";
        size_t off = 99;
        T_INTEQ(names_pattern_check(ok[i], &why, &off), 0);
    }
}

TEST(names_pattern_check_errors)
{
    check_bad("", 0, "empty", __LINE__);
    check_bad("{table}_{yyyy}", 8, "unknown token", __LINE__);
    check_bad("{table}_{YY}", 8, "unknown token", __LINE__);
    check_bad("{tbl}", 0, "unknown token", __LINE__);
    check_bad("a{}", 1, "unknown token", __LINE__);
    check_bad("{table}_{YYYY", 8, "'{'", __LINE__);
    check_bad("{table_{YYYY}", 0, "'{'", __LINE__);
    check_bad("{{table}}", 0, "'{'", __LINE__);
    check_bad("{table}_YYYY}", 12, "'}'", __LINE__);
    check_bad("}x", 0, "'}'", __LINE__);
    check_bad("{table}{", 7, "'{'", __LINE__);
    const char *why = NULL;
    size_t off = 5;
    T_INTEQ(names_pattern_check(NULL, &why, &off), -1);
    T_CHECK(why != NULL);
}

TEST(names_pattern_distinct)
{
    const char *why = "unset";
    T_INTEQ(names_pattern_distinct("{table}_{YYYY}{MM}{DD}_{HH}", IV_HOURLY, &why), 0);
    T_INTEQ(names_pattern_distinct("{table}_{YYYY}{MM}{DD}", IV_HOURLY, &why), -1);
    T_CHECK(why && strstr(why, "{HH}"));
    T_INTEQ(names_pattern_distinct("{table}_{YYYY}{MM}{DD}", IV_DAILY, &why), 0);
    T_INTEQ(names_pattern_distinct("{table}_{YYYY}{MM}", IV_DAILY, &why), -1);
    T_CHECK(why && strstr(why, "{DD}"));
    T_INTEQ(names_pattern_distinct("{table}_{IYYY}w{IW}", IV_WEEKLY, &why), 0);
    T_INTEQ(names_pattern_distinct("{table}_{YYYY}{MM}{DD}", IV_WEEKLY, &why), 0);
    /* {YYYY} with {IW} collides: 2024-12-30 (2025-W01) vs 2024-01-01 (2024-W01) */
    T_INTEQ(names_pattern_distinct("{table}_{YYYY}w{IW}", IV_WEEKLY, &why), -1);
    T_STREQ(why, "weekly ranges need {IYYY} and {IW} (or {YYYY}{MM}{DD}) to be distinct");
    T_INTEQ(names_pattern_distinct("{table}_{IYYY}", IV_WEEKLY, &why), -1);
    T_INTEQ(names_pattern_distinct("{table}_{YYYY}_{MM}", IV_MONTHLY, &why), 0);
    T_INTEQ(names_pattern_distinct("{table}_{YYYY}", IV_MONTHLY, &why), -1);
    T_CHECK(why && strstr(why, "{MM}"));
    T_INTEQ(names_pattern_distinct("{table}_{IYYY}_{MM}", IV_MONTHLY, &why), -1);
    T_INTEQ(names_pattern_distinct("{table}_{YYYY}q{Q}", IV_QUARTERLY, &why), 0);
    T_INTEQ(names_pattern_distinct("{table}_{YYYY}_{MM}", IV_QUARTERLY, &why), 0);
    T_INTEQ(names_pattern_distinct("{table}_q{Q}", IV_QUARTERLY, &why), -1);
    T_CHECK(why && strstr(why, "{Q}"));
    T_INTEQ(names_pattern_distinct("{table}_{YYYY}", IV_YEARLY, &why), 0);
    T_INTEQ(names_pattern_distinct("{table}_{IYYY}", IV_YEARLY, &why), -1);
    T_INTEQ(names_pattern_distinct("{table}", IV_YEARLY, &why), -1);
    T_CHECK(why && strstr(why, "{YYYY}"));
    /* text that only looks like a token does not count */
    T_INTEQ(names_pattern_distinct("{table}_YYYY", IV_YEARLY, &why), -1);
}

/* The collision that the weekly rule prevents, shown with real names. */
TEST(names_weekly_yyyy_iw_collides)
{
    arena *a = arena_new();
    table *t = mk(a, "ev", "{table}_{YYYY}w{IW}", IV_WEEKLY);
    T_STREQ(names_partition(a, t, at("2024-12-30")), "ev_2024w01");
    T_STREQ(names_partition(a, t, at("2024-01-01")), "ev_2024w01");
    t->part.naming.s = "{table}_{IYYY}w{IW}";
    T_STREQ(names_partition(a, t, at("2024-12-30")), "ev_2025w01");
    T_STREQ(names_partition(a, t, at("2024-01-01")), "ev_2024w01");
    arena_free(a);
}

TEST(names_partition_tokens)
{
    arena *a = arena_new();
    table *t = mk(a, "jobs", "{table}_{YYYY}_{MM}", IV_MONTHLY);
    T_STREQ(names_partition(a, t, at("2025-11-01")), "jobs_2025_11");
    T_STREQ(names_partition(a, t, at("2026-01-01")), "jobs_2026_01");
    t->part.naming.s = "{table}_{YYYY}{MM}{DD}_{HH}";
    T_STREQ(names_partition(a, t, at("2025-03-04T05:00")), "jobs_20250304_05");
    T_STREQ(names_partition(a, t, at("2025-03-04T23:00")), "jobs_20250304_23");
    t->part.naming.s = "{table}_{YYYY}{MM}{DD}";
    T_STREQ(names_partition(a, t, at("2024-02-29")), "jobs_20240229");
    t->part.naming.s = "{table}_{IYYY}w{IW}";
    T_STREQ(names_partition(a, t, at("2020-12-28")), "jobs_2020w53");
    T_STREQ(names_partition(a, t, at("2026-12-28")), "jobs_2026w53");
    T_STREQ(names_partition(a, t, at("2025-06-16")), "jobs_2025w25");
    t->part.naming.s = "{table}_{YYYY}q{Q}";
    T_STREQ(names_partition(a, t, at("2025-01-01")), "jobs_2025q1");
    T_STREQ(names_partition(a, t, at("2025-04-01")), "jobs_2025q2");
    T_STREQ(names_partition(a, t, at("2025-07-01")), "jobs_2025q3");
    T_STREQ(names_partition(a, t, at("2025-10-01")), "jobs_2025q4");
    t->part.naming.s = "{table}_{YYYY}";
    T_STREQ(names_partition(a, t, at("1999-01-01")), "jobs_1999");
    t->part.naming.s = "p_{table}_{table}";
    T_STREQ(names_partition(a, t, at("1999-01-01")), "p_jobs_jobs");
    /* no truncation, however long */
    t->name.s = "a_table_name_that_is_already_rather_long_for_postgres";
    t->part.naming.s = "{table}_{YYYY}{MM}{DD}_{HH}";
    T_STREQ(names_partition(a, t, at("2025-03-04T05:00")),
            "a_table_name_that_is_already_rather_long_for_postgres_20250304_05");
    arena_free(a);
}

TEST(names_partitions_distinct_in_sequence)
{
    /* default patterns give a new name for each of 400 consecutive ranges */
    static const char *const pats[] = {
        "{table}_{YYYY}{MM}{DD}_{HH}", "{table}_{YYYY}{MM}{DD}", "{table}_{IYYY}w{IW}",
        "{table}_{YYYY}_{MM}", "{table}_{YYYY}q{Q}", "{table}_{YYYY}",
    };
    for (int i = IV_HOURLY; i <= IV_YEARLY; i++) {
        arena *a = arena_new();
        table *t = mk(a, "t", pats[i], (cal_interval)i);
        int64_t s = cal_floor((cal_interval)i, at("2019-12-30"));
        const char *prev = "";
        for (int k = 0; k < 400; k++) {
            const char *n = names_partition(a, t, s);
            if (strcmp(n, prev) <= 0) {
                t_fail(__FILE__, __LINE__, "%s: '%s' after '%s'", pats[i], n, prev);
                break;
            }
            prev = n;
            s = cal_add((cal_interval)i, s, 1);
        }
        arena_free(a);
    }
}

TEST(names_pattern_to_char)
{
    arena *a = arena_new();
    table *t = mk(a, "jobs", "{table}_{YYYY}_{MM}", IV_MONTHLY);
    T_STREQ(names_pattern_to_char(a, t), "\"jobs_\"YYYY\"_\"MM");
    t->part.naming.s = "{table}_{YYYY}{MM}{DD}_{HH}";
    T_STREQ(names_pattern_to_char(a, t), "\"jobs_\"YYYYMMDD\"_\"HH24");
    t->part.naming.s = "{table}_{IYYY}w{IW}";
    T_STREQ(names_pattern_to_char(a, t), "\"jobs_\"IYYY\"w\"IW");
    t->part.naming.s = "{table}_{YYYY}q{Q}";
    T_STREQ(names_pattern_to_char(a, t), "\"jobs_\"YYYY\"q\"Q");
    t->part.naming.s = "{YYYY}{MM}";
    T_STREQ(names_pattern_to_char(a, t), "YYYYMM");
    /* DD twice would read as DDD then D */
    t->part.naming.s = "{DD}{DD}";
    T_STREQ(names_pattern_to_char(a, t), "DD\"\"DD");
    /* quotes and backslashes in the table name or pattern */
    t->name.s = "we\"ird\\t";
    t->part.naming.s = "{table}_\"{YYYY}";
    T_STREQ(names_pattern_to_char(a, t), "\"we\\\"ird\\\\t_\\\"\"YYYY");
    t->name.s = "Mixed Case";
    t->part.naming.s = "{table}";
    T_STREQ(names_pattern_to_char(a, t), "\"Mixed Case\"");
    arena_free(a);
}

TEST(names_builders)
{
    arena *a = arena_new();
    table *t = mk(a, "ingest", "{table}_{YYYY}_{MM}", IV_MONTHLY);
    t->schema.s = "billing";
    static const char *const two[] = {"site_id", "idempotency_key"};
    slist cols = mklist(a, two, 2);
    T_STREQ(names_default_partition(a, t), "ingest_default");
    T_STREQ(names_pkey(a, t), "ingest_pkey");
    T_STREQ(names_unique(a, t, &cols), "ingest_site_id_idempotency_key_key");
    T_STREQ(names_brin_index(a, t), "ingest_created_at_brin");
    T_STREQ(names_cron_job(a, t, "create"), "partc:billing.ingest:create");
    t->schema.s = NULL;
    T_STREQ(names_cron_job(a, t, "retention"), "partc:public.ingest:retention");

    index ix = {0};
    static const char *const ixc[] = {"site_id", "lower(email)", "created_at"};
    ix.columns = mklist(a, ixc, 3);
    T_STREQ(names_index(a, t, &ix), "ingest_site_id_expr_created_at_idx");
    static const char *const ixe[] = {"(a + b)", "Site"};
    ix.columns = mklist(a, ixe, 2);
    T_STREQ(names_index(a, t, &ix), "ingest_expr_expr_idx");
    /* a declared column with an unusual name is a column, not an expression */
    t->columns = arena_calloc(a, 1, sizeof *t->columns);
    t->columns[0].name.s = "Site";
    t->ncolumns = 1;
    T_STREQ(names_index(a, t, &ix), "ingest_expr_Site_idx");

    foreign_key fk = {0};
    static const char *const fkc[] = {"site_id"};
    fk.columns = mklist(a, fkc, 1);
    T_STREQ(names_fkey(a, t, &fk), "ingest_site_id_fkey");
    static const char *const fkc2[] = {"site_id", "user_id"};
    fk.columns = mklist(a, fkc2, 2);
    T_STREQ(names_fkey(a, t, &fk), "ingest_site_id_user_id_fkey");

    /* never truncated */
    t->name.s = "an_extremely_long_table_name_that_goes_on_and_on_and_on_forever";
    T_STREQ(names_pkey(a, t),
            "an_extremely_long_table_name_that_goes_on_and_on_and_on_forever_pkey");
    T_CHECK(strlen(names_default_partition(a, t)) > NAME_MAX_BYTES);
    arena_free(a);
}

TEST(names_type_ok)
{
    static const char *const ok[] = {
        "uuid", "text", "bigint", "timestamptz", "timestamp with time zone",
        "timestamp(3) with time zone", "numeric(12,2)", "numeric(12, 2)",
        "character varying(100)", "varchar(100)", "text[]", "integer[][]",
        "integer[3]", "public.my_type", "double precision", "bit varying(8)",
        "TEXT", "interval day to second", "interval(6)", "character varying(100)[]",
        "time(3) without time zone", "boolean", "jsonb", "numeric(5,-2)",
        "varchar (10)", "integer ARRAY",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (!names_type_ok(ok[i]))
            t_fail(__FILE__, __LINE__, "type '%s' should be accepted", ok[i]);
    static const char *const bad[] = {
        "", " ", "text;", "text; drop table x", "text'", "\"MyType\"",
        "text -- x", "text /* x */", "numeric(12,2", "numeric12,2)", "numeric((12))",
        "numeric(12,2)(3)", "text, int", "int,", "numeric(a)", "text[", "text]",
        "a..b", ".text", "text.", "1text", "text\n", "text\tint", " text", "text ",
        "numeric(1,2,3)", "text[]x", "public.my.type", "int)", "(int",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (names_type_ok(bad[i]))
            t_fail(__FILE__, __LINE__, "type '%s' should be refused", bad[i]);
    T_CHECK(!names_type_ok(NULL));
}

TEST(names_cron_ok)
{
    static const char *const ok[] = {
        "0 * * * *", "*/5 * * * *", "0 3 * * 1-5", "15,45 */2 1 1,7 *",
        "0 0 * * mon-fri", "0 0 1 JAN *", "30 3 * * 6", "1 seconds", "59 seconds",
        "10 seconds", "1 second", "@yearly", "@annually", "@monthly", "@weekly",
        "@daily", "@hourly", "@reboot", "0  *  *  *  *",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (!names_cron_ok(ok[i]))
            t_fail(__FILE__, __LINE__, "schedule '%s' should be accepted", ok[i]);
    static const char *const bad[] = {
        "", "* * * *", "* * * * * *", "0 seconds", "60 seconds", "100 seconds",
        "@every", "@midnightly", "0 * * * *'", "0 * * * *;", "0 * * * *\n",
        "0 * * * * ; drop", "0 \"*\" * * *", "'0 * * * *'", " 0 * * * *",
        "0 * * * * ", "foo * * * *", "5 minutes", "@hourly ", "0\t*\t*\t*\t*",
        "-1 seconds", "05 seconds",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (names_cron_ok(bad[i]))
            t_fail(__FILE__, __LINE__, "schedule '%s' should be refused", bad[i]);
    T_CHECK(!names_cron_ok(NULL));
}

TEST(names_init_twice)
{
    /* init is idempotent; fini then init leaves the patterns usable */
    T_INTEQ(names_init(), 0);
    names_fini();
    T_INTEQ(names_init(), 0);
    T_CHECK(names_type_ok("text"));
    T_CHECK(names_cron_ok("@daily"));
}

/* one index column as text: subject, expression?, order, nulls, opclass, collate */
static void check_icol(arena *a, const table *t, const char *text, const char *subject, bool expr, sort_order order,
                       nulls_order nulls, const char *opclass, const char *collate, int line)
{
    const char *got = NULL, *why = NULL;
    index_col col;
    if (names_index_column_parse(a, t, text, &got, &col, &why) != 0) {
        t_fail(__FILE__, line, "'%s' refused: %s", text, why ? why : "?");
        return;
    }
    if (strcmp(got, subject) != 0 || col.expression != expr || col.order.v != order || col.nulls.v != nulls ||
        (opclass ? !col.opclass.s || strcmp(col.opclass.s, opclass) : col.opclass.s != NULL) ||
        (collate ? !col.collate.s || strcmp(col.collate.s, collate) : col.collate.s != NULL))
        t_fail(__FILE__, line, "'%s': got '%s' expr %d order %d nulls %d opclass %s collate %s", text, got,
               col.expression, col.order.v, col.nulls.v, col.opclass.s ? col.opclass.s : "-",
               col.collate.s ? col.collate.s : "-");
}

TEST(names_index_column_parse)
{
    arena *a = arena_new();
    table *t = mk(a, "docs", "{table}_{YYYY}_{MM}", IV_MONTHLY);
    static column cols[3];
    cols[0].name.s = "id";
    cols[1].name.s = "Note; n";
    cols[2].name.s = "CamelCase";
    t->columns = cols;
    t->ncolumns = 3;
    check_icol(a, t, "id", "id", false, SORT_DEFAULT, NULLS_DEFAULT, NULL, NULL, __LINE__);
    check_icol(a, t, "id DESC", "id", false, SORT_DESC, NULLS_DEFAULT, NULL, NULL, __LINE__);
    check_icol(a, t, "created_at desc nulls last", "created_at", false, SORT_DESC, NULLS_LAST, NULL, NULL, __LINE__);
    check_icol(a, t, "id ASC NULLS FIRST", "id", false, SORT_ASC, NULLS_FIRST, NULL, NULL, __LINE__);
    check_icol(a, t, "payload jsonb_path_ops", "payload", false, SORT_DEFAULT, NULLS_DEFAULT, "jsonb_path_ops", NULL,
               __LINE__);
    check_icol(a, t, "name COLLATE \"C\"", "name", false, SORT_DEFAULT, NULLS_DEFAULT, NULL, "C", __LINE__);
    check_icol(a, t, "name collate \"C\" pg_catalog.text_pattern_ops desc", "name", false, SORT_DESC, NULLS_DEFAULT,
               "pg_catalog.text_pattern_ops", "C", __LINE__);
    check_icol(a, t, "name COLLATE POSIX", "name", false, SORT_DEFAULT, NULLS_DEFAULT, NULL, "posix", __LINE__);
    /* a declared column is a name however it is spelled */
    check_icol(a, t, "Note; n", "Note; n", false, SORT_DEFAULT, NULLS_DEFAULT, NULL, NULL, __LINE__);
    check_icol(a, t, "\"Note; n\" DESC", "Note; n", false, SORT_DESC, NULLS_DEFAULT, NULL, NULL, __LINE__);
    check_icol(a, t, "CamelCase DESC", "CamelCase", false, SORT_DESC, NULLS_DEFAULT, NULL, NULL, __LINE__);
    /* expressions */
    check_icol(a, t, "lower(email)", "lower(email)", true, SORT_DEFAULT, NULLS_DEFAULT, NULL, NULL, __LINE__);
    check_icol(a, t, "a + b", "a + b", true, SORT_DEFAULT, NULLS_DEFAULT, NULL, NULL, __LINE__);
    check_icol(a, t, "(lower(name)) DESC", "lower(name)", true, SORT_DESC, NULLS_DEFAULT, NULL, NULL, __LINE__);
    check_icol(a, t, "(a) + (b)", "(a) + (b)", true, SORT_DEFAULT, NULLS_DEFAULT, NULL, NULL, __LINE__);
    check_icol(a, t, "(payload->'k') jsonb_ops", "payload->'k'", true, SORT_DEFAULT, NULLS_DEFAULT, "jsonb_ops", NULL,
               __LINE__);
    check_icol(a, t, "coalesce(a, 'x y')", "coalesce(a, 'x y')", true, SORT_DEFAULT, NULLS_DEFAULT, NULL, NULL,
               __LINE__);
    /* words that are not index options */
    static const char *const bad[] = {"id DESC DESC", "id NULLS", "id NULLS MIDDLE", "id foo bar", "name COLLATE",
                                      "id DESC jsonb_ops", "(a) DESC DESC", "id ASC COLLATE \"C\"",
                                      "payload->>'k' DESC", "a + b nulls last", "lower(x) asc"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *got = NULL, *why = NULL;
        index_col col;
        if (names_index_column_parse(a, t, bad[i], &got, &col, &why) == 0 || !why)
            t_fail(__FILE__, __LINE__, "'%s' should be refused with a reason", bad[i]);
    }
    arena_free(a);
}
