/* Template expansion, the embedded set, and the static partition plan. */
#include "plan.h"
#include "t.h"
#include "template.h"

static template_set one(const char *name, const char *text)
{
    static template_src src;
    src.name = name;
    src.path = "templates/x.sql";
    src.text = text;
    template_set ts = {&src, 1};
    return ts;
}

TEST(template_expands_values_and_drops_doc_lines)
{
    arena *a = arena_new();
    diags d;
    diags_init(&d, a);
    template_set ts = one("x", "--! placeholders: table\nDROP TABLE {{table}};\n-- {{table}} {{table}}\n");
    tvars tv;
    tvars_init(&tv, a);
    tvars_set(&tv, "table", "public.\"T\"");
    strbuf sb = STRBUF_INIT;
    T_INTEQ(template_expand(&ts, "x", &tv, &sb, &d), 0);
    T_STREQ(sb_str(&sb), "DROP TABLE public.\"T\";\n-- public.\"T\" public.\"T\"\n");
    T_INTEQ(d.n, 0);
    sb_free(&sb);
    arena_free(a);
}

TEST(template_unknown_placeholder_is_an_error_with_location)
{
    arena *a = arena_new();
    diags d;
    diags_init(&d, a);
    template_set ts = one("x", "SELECT 1;\nSELECT {{nope}};\n");
    tvars tv;
    tvars_init(&tv, a);
    strbuf sb = STRBUF_INIT;
    T_INTEQ(template_expand(&ts, "x", &tv, &sb, &d), -1);
    T_INTEQ(d.n, 1);
    T_STREQ(d.v[0].code, "unknown-placeholder");
    T_CHECK(d.v[0].hint && strstr(d.v[0].hint, "compiler/steps.def") != NULL);
    T_INTEQ(d.v[0].at.line, 2);
    T_INTEQ(d.v[0].at.col, 8);
    sb_free(&sb);
    arena_free(a);
}

TEST(template_unterminated_placeholder)
{
    arena *a = arena_new();
    diags d;
    diags_init(&d, a);
    template_set ts = one("x", "SELECT {{oops;\n");
    tvars tv;
    tvars_init(&tv, a);
    strbuf sb = STRBUF_INIT;
    T_INTEQ(template_expand(&ts, "x", &tv, &sb, &d), -1);
    T_STREQ(d.v[0].code, "template-syntax");
    T_INTEQ(template_expand(&ts, "missing", &tv, &sb, &d), -1);
    T_STREQ(d.v[1].code, "unknown-template");
    sb_free(&sb);
    arena_free(a);
}

TEST(template_embedded_set_is_complete)
{
    arena *a = arena_new();
    diags d;
    diags_init(&d, a);
    template_set ts;
    T_INTEQ(template_set_load(&ts, a, NULL, &d), 0);
    static const char *kinds[] = {"create_parent", "create_table", "create_partition",
                                  "create_default_partition", "secure_table", "secure_partitions",
                                  "create_index", "add_foreign_key", "runtime", "runtime_remove",
                                  "register", "unregister", "set_live", "run_create_partitions",
                                  "schedule", "unschedule", "drop_table", "file_header"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        T_CHECK(template_find(&ts, kinds[i]) != NULL);
    arena_free(a);
}

TEST(plan_ranges_cover_start_through_as_of_plus_premake)
{
    table t = {0};
    t.strategy.v = STRATEGY_PARTITION;
    t.part.present = true;
    t.part.interval.v = IV_MONTHLY;
    t.part.start.v = cal_join(2026, 11, 1, 0, 0, 0);
    t.part.premake.v = 3;
    int64_t first, count;
    table_static_ranges(&t, cal_join(2026, 11, 22, 0, 0, 0), &first, &count);
    T_INTEQ(first, cal_join(2026, 11, 1, 0, 0, 0));
    T_INTEQ(count, 4);
    /* as-of before start: start plus premake */
    table_static_ranges(&t, cal_join(2020, 1, 1, 0, 0, 0), &first, &count);
    T_INTEQ(count, 4);
    /* a year later: 12 more */
    table_static_ranges(&t, cal_join(2027, 11, 30, 23, 0, 0), &first, &count);
    T_INTEQ(count, 16);
    t.strategy.v = STRATEGY_NONE;
    table_static_ranges(&t, cal_join(2027, 11, 30, 23, 0, 0), &first, &count);
    T_INTEQ(count, 0);
}
