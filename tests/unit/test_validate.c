/* Unit tests for validate: for every error code one spec that fires (code
 * and line:col) and one that does not; then the derived fields (resolved
 * foreign keys, generated names, dependency order) and the scale cap. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "plan.h"
#include "spec_load.h"
#include "spec_schema.h"
#include "strbuf.h"
#include "t.h"
#include "validate.h"

typedef struct vf {
    arena *a;
    specset ss;
    diags d;
    const char *text; /* the last file loaded, for col_of */
    int errors;
} vf;

static int64_t as_of(void)
{
    return cal_join(2026, 11, 22, 0, 0, 0);
}

static void vf_dump(const vf *f)
{
    for (size_t i = 0; i < f->d.n; i++)
        fprintf(stderr, "  diag %s:%d:%d [%s] %s | %s\n", f->d.v[i].at.file,
                f->d.v[i].at.line, f->d.v[i].at.col, f->d.v[i].code, f->d.v[i].message,
                f->d.v[i].hint ? f->d.v[i].hint : "");
}

/* Loads the files (path, text, path, text, ..., NULL) and validates.
 * Loading must succeed: these tests are about validate. */
static void vf_run(vf *f, const char *path, const char *text, ...)
{
    f->a = arena_new();
    specset_init(&f->ss, f->a);
    diags_init(&f->d, f->a);
    va_list ap;
    va_start(ap, text);
    for (; path; path = va_arg(ap, const char *), text = path ? va_arg(ap, const char *) : NULL) {
        if (spec_load_bytes(&f->ss, path, text, strlen(text), &f->d) != 0) {
            fprintf(stderr, "spec_load failed for %s\n", path);
            vf_dump(f);
        }
        f->text = text;
    }
    va_end(ap);
    size_t before = f->d.n;
    int rc = validate_specset(&f->ss, as_of(), &f->d);
    f->errors = 0;
    for (size_t i = before; i < f->d.n; i++)
        f->errors += f->d.v[i].sev == SEV_ERROR;
    if (rc != (f->errors ? -1 : 0))
        t_fail(__FILE__, __LINE__, "validate_specset returned %d with %d errors", rc, f->errors);
}

static void vf_load1(vf *f, const char *text)
{
    vf_run(f, "t.yaml", text, (const char *)NULL);
}

/* 1-based column of needle on line `line` of text, -1 when absent */
static int col_of(const char *text, int line, const char *needle)
{
    const char *p = text;
    for (int l = 1; l < line && p; l++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (!p)
        return -1;
    const char *e = strchr(p, '\n');
    size_t len = e ? (size_t)(e - p) : strlen(p), nl = strlen(needle);
    for (size_t i = 0; i + nl <= len; i++)
        if (memcmp(p + i, needle, nl) == 0)
            return (int)i + 1;
    return -1;
}

static const diag *find(const vf *f, const char *code)
{
    for (size_t i = 0; i < f->d.n; i++)
        if (strcmp(f->d.v[i].code, code) == 0)
            return &f->d.v[i];
    return NULL;
}

/* A diag of code at line, at the column where needle starts on that line. */
static const diag *has_at(vf *f, const char *code, int line, const char *needle,
                          const char *file, int at)
{
    int col = col_of(f->text, line, needle);
    for (size_t i = 0; i < f->d.n; i++) {
        const diag *dg = &f->d.v[i];
        if (strcmp(dg->code, code) == 0 && dg->at.line == line && dg->at.col == col) {
            if (dg->sev != SEV_ERROR)
                t_fail(file, at, "[%s] is not an error", code);
            return dg;
        }
    }
    t_fail(file, at, "want [%s] at %d:%d ('%s')", code, line, col, needle);
    vf_dump(f);
    return NULL;
}
#define HAS(f, code, line, needle) has_at(f, code, line, needle, __FILE__, __LINE__)

/* A diag of code with exactly this message. */
static const diag *has_msg(vf *f, const char *code, const char *msg, const char *file, int at)
{
    for (size_t i = 0; i < f->d.n; i++)
        if (strcmp(f->d.v[i].code, code) == 0 && strcmp(f->d.v[i].message, msg) == 0)
            return &f->d.v[i];
    t_fail(file, at, "want [%s] '%s'", code, msg);
    vf_dump(f);
    return NULL;
}
#define HAS_MSG(f, code, msg) has_msg(f, code, msg, __FILE__, __LINE__)

static void lacks(vf *f, const char *code, const char *file, int at)
{
    if (find(f, code)) {
        t_fail(file, at, "unexpected [%s]", code);
        vf_dump(f);
    }
}
#define LACKS(f, code) lacks(f, code, __FILE__, __LINE__)

static void clean(vf *f, const char *file, int at)
{
    if (f->d.n || f->errors) {
        t_fail(file, at, "want no diags, got %zu (%d errors)", f->d.n, f->errors);
        vf_dump(f);
    }
}
#define CLEAN(f) clean(f, __FILE__, __LINE__)

static void msg_is(const diag *dg, const char *msg, const char *hint, const char *file, int at)
{
    if (!dg)
        return;
    if (msg && strcmp(dg->message, msg) != 0)
        t_fail(file, at, "message '%s', want '%s'", dg->message, msg);
    if (hint && (!dg->hint || strcmp(dg->hint, hint) != 0))
        t_fail(file, at, "hint '%s', want '%s'", dg->hint ? dg->hint : "(null)", hint);
}
#define MSG(dg, msg, hint) msg_is(dg, msg, hint, __FILE__, __LINE__)

static void vf_free(vf *f)
{
    arena_free(f->a);
}

/* A valid table; tests append lines after it (line 9 is the next line). */
#define HEAD                                                                   \
    "version: 1\n"                                                  /* 1 */    \
    "tables:\n"                                                     /* 2 */    \
    "  jobs:\n"                                                     /* 3 */    \
    "    columns:\n"                                                /* 4 */    \
    "      id: { type: bigint, nullable: false }\n"                 /* 5 */    \
    "      created_at: { type: timestamptz, nullable: false }\n"    /* 6 */    \
    "    primary_key: [id, created_at]\n"                           /* 7 */    \
    "    partition: { key: created_at, interval: monthly, start: 2025-11-01 }\n" /* 8 */

TEST(validate_clean_table)
{
    vf f;
    vf_load1(&f, HEAD
             "    indexes:\n"
             "      - columns: [created_at, \"lower(id::text)\"]\n"
             "        where: \"id > 0\"\n"
             "        include: [id]\n"
             "    checks: { jobs_id_positive: \"id > 0\" }\n"
             "    retention: { keep: 90 days, action: drop }\n"
             "    maintenance: { schedule: \"0 * * * *\", warn_ahead: 7 days, critical_ahead: 3 days }\n");
    CLEAN(&f);
    T_INTEQ(f.errors, 0);
    const table *t = f.ss.tables[0];
    T_STREQ(t->indexes[0].gen_name, "jobs_created_at_expr_idx");
    T_CHECK(f.ss.ordered && f.ss.ordered[0] == t);
    vf_free(&f);
}

/* The spec-v1 example with the table it references. */
TEST(validate_spec_example_clean)
{
    vf f;
    vf_run(&f, "sites.yaml",
           "version: 1\n"
           "tables:\n"
           "  sites: { mode: reference, strategy: none, columns: { id: { type: uuid } }, primary_key: [id] }\n",
           "ingest.yaml",
           "version: 1\n"
           "tables:\n"
           "  ingest_idempotency:\n"
           "    mode: convert\n"
           "    columns:\n"
           "      site_id:         { type: uuid, nullable: false }\n"
           "      idempotency_key: { type: text, nullable: false }\n"
           "      year_month:      { type: text, nullable: false }\n"
           "      billable:        { type: boolean, nullable: false, default: \"true\" }\n"
           "      created_at:      { type: timestamptz, nullable: false, default: \"now()\" }\n"
           "      expires_at:      { type: timestamptz, nullable: false }\n"
           "      id:              { type: bigint, identity: always }\n"
           "    primary_key: [site_id, idempotency_key]\n"
           "    unique:\n"
           "      - [site_id, idempotency_key]\n"
           "    checks:\n"
           "      chk_expires_at: \"expires_at > created_at\"\n"
           "    partition: { key: created_at, interval: monthly, start: 2025-11-01, naming: \"{table}_{YYYY}_{MM}\" }\n"
           "    indexes:\n"
           "      - name: idx_ingest_idempotency_site_year_month_billable\n"
           "        columns: [site_id, year_month, billable]\n"
           "        where: \"billable = true\"\n"
           "        include: [expires_at]\n"
           "    foreign_keys:\n"
           "      - columns: [site_id]\n"
           "        references: { table: sites, columns: [id] }\n"
           "        on_delete: cascade\n"
           "    retention: { keep: 90 days, action: drop, column: expires_at }\n"
           "    maintenance: { schedule: \"0 * * * *\", warn_ahead: 7 days, critical_ahead: 3 days }\n"
           "    security:\n"
           "      rls: true\n"
           "      policies:\n"
           "        tenant_isolation: { command: all, roles: [authenticated], using: \"site_id = auth_site()\" }\n",
           (const char *)NULL);
    CLEAN(&f);
    const table *t = f.ss.tables[1];
    T_CHECK(t->fks[0].ref == f.ss.tables[0]);
    T_STREQ(t->fks[0].gen_name, "ingest_idempotency_site_id_fkey");
    T_STREQ(t->indexes[0].gen_name, "idx_ingest_idempotency_site_year_month_billable");
    T_CHECK(f.ss.ordered[0] == f.ss.tables[0] && f.ss.ordered[1] == t);
    T_INTEQ(t->order, 1);
    vf_free(&f);
}

TEST(validate_unknown_column)
{
    vf f;
    vf_load1(&f,
             "version: 1\n"                                                        /* 1 */
             "tables:\n"                                                           /* 2 */
             "  jobs:\n"                                                           /* 3 */
             "    columns:\n"                                                      /* 4 */
             "      id: { type: bigint, nullable: false }\n"                       /* 5 */
             "      created_at: { type: timestamptz, nullable: false }\n"          /* 6 */
             "    primary_key: [idd, created_at]\n"                                /* 7 */
             "    unique: [[id, nope, created_at]]\n"                              /* 8 */
             "    partition: { key: creatd_at, interval: monthly, start: 2025-11-01 }\n" /* 9 */
             "    indexes:\n"                                                      /* 10 */
             "      - { columns: [id, \"lower(x)\", ghost], include: [spook] }\n"  /* 11 */
             "    foreign_keys:\n"                                                 /* 12 */
             "      - { columns: [fk_col], references: { table: jobs, columns: [idx] } }\n" /* 13 */
             "    retention: { keep: 90 days, action: drop, column: expires }\n"); /* 14 */
    const diag *dg = HAS(&f, "unknown-column", 7, "idd");
    MSG(dg, "primary key column 'idd' is not a column of 'jobs'", "did you mean 'id'?");
    HAS(&f, "unknown-column", 8, "nope");
    dg = HAS(&f, "unknown-column", 9, "creatd_at");
    MSG(dg, "partition key 'creatd_at' is not a column of 'jobs'", "did you mean 'created_at'?");
    HAS(&f, "unknown-column", 11, "ghost");
    HAS(&f, "unknown-column", 11, "spook");
    HAS(&f, "unknown-column", 13, "fk_col");
    dg = HAS(&f, "unknown-column", 13, "idx");
    MSG(dg, "referenced column 'idx' is not a column of 'jobs'", "did you mean 'id'?");
    HAS(&f, "unknown-column", 14, "expires");
    /* "lower(x)" is an expression, checked as one, not as a column */
    int n = 0;
    for (size_t i = 0; i < f.d.n; i++)
        n += strcmp(f.d.v[i].code, "unknown-column") == 0;
    T_INTEQ(n, 8);
    T_INTEQ(f.errors, (int)f.d.n);
    vf_free(&f);

    /* convert and reference tables without columns are checked live */
    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             "  old_jobs:\n"
             "    mode: convert\n"
             "    primary_key: [id]\n"
             "    partition: { key: created_at, interval: monthly, start: 2025-11-01 }\n"
             "    indexes: [{ columns: [site_id] }]\n"
             "  ext:\n"
             "    mode: reference\n"
             "    strategy: none\n"
             "    primary_key: [id]\n"
             "    foreign_keys: [{ columns: [a], references: { table: old_jobs, columns: [zz] } }]\n");
    LACKS(&f, "unknown-column");
    vf_free(&f);
}

TEST(validate_missing_columns)
{
    vf f;
    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             "  jobs:\n"
             "    strategy: none\n");
    const diag *dg = HAS(&f, "missing-columns", 3, "jobs");
    MSG(dg, "table 'jobs' has mode create but no columns", NULL);
    T_INTEQ(f.errors, 1);
    vf_free(&f);

    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             "  jobs: { mode: convert, strategy: none }\n");
    CLEAN(&f);
    vf_free(&f);
}

TEST(validate_missing_partition)
{
    vf f;
    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             "  jobs:\n"
             "    strategy: brin\n"
             "    columns: { id: { type: bigint } }\n"
             "  logs:\n"
             "    columns: { id: { type: bigint } }\n");
    HAS(&f, "missing-partition", 4, "brin");
    HAS(&f, "missing-partition", 6, "logs");
    T_INTEQ(f.errors, 2);
    vf_free(&f);

    /* reference is exempt; strategy none needs none; none may describe a key */
    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             "  ext: { mode: reference, columns: { id: { type: bigint } } }\n"
             "  plain: { strategy: none, columns: { id: { type: bigint } } }\n"
             "  ttl:\n"
             "    strategy: none\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    partition: { key: at, interval: daily, start: 2025-11-01 }\n"
             "    retention: { keep: 30 days, action: delete }\n");
    CLEAN(&f);
    vf_free(&f);
}

#define SITES                                                                  \
    "  sites:\n"                                                       /* 3 */ \
    "    mode: reference\n"                                            /* 4 */ \
    "    strategy: none\n"                                             /* 5 */ \
    "    columns: { id: { type: uuid }, slug: { type: text }, org: { type: uuid } }\n" /* 6 */ \
    "    primary_key: [id]\n"                                          /* 7 */ \
    "    unique: [[org, slug]]\n"                                      /* 8 */

TEST(validate_unknown_table)
{
    vf f;
    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             SITES
             "  jobs:\n"                                                       /* 9 */
             "    strategy: none\n"                                            /* 10 */
             "    columns: { site_id: { type: uuid }, site2: { type: uuid } }\n"                      /* 11 */
             "    foreign_keys:\n"                                             /* 12 */
             "      - { columns: [site_id], references: { table: site, columns: [id] } }\n" /* 13 */
             "      - { columns: [site2], references: { table: billing.sites, columns: [id] } }\n"); /* 14 */
    const diag *dg = HAS(&f, "unknown-table", 13, "site,");
    MSG(dg, NULL, "did you mean 'sites'?");
    HAS(&f, "unknown-table", 14, "billing.sites");
    T_CHECK(f.ss.tables[1]->fks[0].ref == NULL);
    T_INTEQ(f.errors, 2);
    vf_free(&f);

    /* same schema first, then public; explicit schema */
    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             SITES
             "  jobs:\n"
             "    schema: billing\n"
             "    strategy: none\n"
             "    columns: { site_id: { type: uuid }, site2: { type: uuid } }\n"
             "    foreign_keys:\n"
             "      - { columns: [site_id], references: { table: sites, columns: [id] } }\n"
             "      - { columns: [site2], references: { table: billing.sites, columns: [id] } }\n"
             "  bsites:\n"
             "    schema: billing\n"
             "    mode: reference\n"
             "    strategy: none\n");
    /* billing.sites does not exist: bsites is named bsites */
    T_INTEQ(f.errors, 1);
    HAS(&f, "unknown-table", 15, "billing.sites");
    T_CHECK(f.ss.tables[1]->fks[0].ref == f.ss.tables[0]);
    vf_free(&f);

    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             "  sites: { schema: billing, mode: reference, strategy: none }\n"
             "  other_sites: { mode: reference, strategy: none }\n"
             "  jobs:\n"
             "    schema: billing\n"
             "    strategy: none\n"
             "    columns: { site_id: { type: uuid }, site2: { type: uuid } }\n"
             "    foreign_keys:\n"
             "      - { columns: [site_id], references: { table: sites, columns: [id] } }\n"
             "      - { columns: [site2], references: { table: public.other_sites, columns: [id] } }\n");
    CLEAN(&f);
    T_CHECK(f.ss.tables[2]->fks[0].ref == f.ss.tables[0]);
    T_CHECK(f.ss.tables[2]->fks[1].ref == f.ss.tables[1]);
    vf_free(&f);
}

TEST(validate_fk_column_count_and_unique)
{
    vf f;
    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             SITES
             "  jobs:\n"                                                       /* 9 */
             "    strategy: none\n"                                            /* 10 */
             "    columns: { site_id: { type: uuid }, slug: { type: text } }\n" /* 11 */
             "    foreign_keys:\n"                                             /* 12 */
             "      - { columns: [site_id, slug], references: { table: sites, columns: [id] } }\n" /* 13 */
             "      - { columns: [slug], references: { table: sites, columns: [slug] } }\n" /* 14 */
             "      - { columns: [slug, site_id], references: { table: sites, columns: [slug, org] } }\n"); /* 15 */
    const diag *dg = HAS(&f, "fk-column-count", 13, "[id]");
    MSG(dg, "foreign key of 'jobs' has 2 columns but references 1 column of 'sites'", NULL);
    dg = HAS(&f, "fk-no-unique", 14, "[slug] }");
    MSG(dg, "referenced columns (slug) of 'sites' are not its primary key or a unique constraint",
        "reference the primary key (id) of 'sites', or declare unique: [[slug]] on it");
    T_INTEQ(f.errors, 2); /* (slug, org) is a unique list, in any order */
    vf_free(&f);

    /* an external table (no key declared) is not checked */
    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             "  sites: { mode: reference, strategy: none, columns: { id: { type: uuid }, slug: { type: text } } }\n"
             "  jobs:\n"
             "    strategy: none\n"
             "    columns: { slug: { type: text } }\n"
             "    foreign_keys: [{ columns: [slug], references: { table: sites, columns: [slug] } }]\n");
    CLEAN(&f);
    vf_free(&f);
}

TEST(validate_fk_cycle_and_order)
{
    vf f;
    /* c -> b -> a -> c is a cycle; d refers to a; self-reference is fine */
    vf_load1(&f,
             "version: 1\n"                                                          /* 1 */
             "tables:\n"                                                             /* 2 */
             "  a:\n"                                                                /* 3 */
             "    strategy: none\n"                                                  /* 4 */
             "    columns: { id: { type: int }, c: { type: int } }\n"               /* 5 */
             "    primary_key: [id]\n"                                               /* 6 */
             "    foreign_keys: [{ columns: [c], references: { table: c, columns: [id] } }]\n" /* 7 */
             "  b:\n"                                                                /* 8 */
             "    strategy: none\n"                                                  /* 9 */
             "    columns: { id: { type: int }, a: { type: int }, parent: { type: int } }\n" /* 10 */
             "    primary_key: [id]\n"                                               /* 11 */
             "    foreign_keys:\n"                                                   /* 12 */
             "      - { columns: [parent], references: { table: b, columns: [id] } }\n" /* 13 */
             "      - { columns: [a], references: { table: a, columns: [id] } }\n" /* 14 */
             "  c:\n"                                                                /* 15 */
             "    strategy: none\n"                                                  /* 16 */
             "    columns: { id: { type: int }, b: { type: int } }\n"               /* 17 */
             "    primary_key: [id]\n"                                               /* 18 */
             "    foreign_keys: [{ columns: [b], references: { table: b, columns: [id] } }]\n" /* 19 */
             "  d:\n"                                                                /* 20 */
             "    strategy: none\n"                                                  /* 21 */
             "    columns: { id: { type: int } }\n");                               /* 22 */
    /* DFS from a: a -> c -> b, and b -> a closes the cycle */
    const diag *dg = HAS(&f, "fk-cycle", 14, "{ columns: [a]");
    MSG(dg, "foreign keys form a cycle: 'a' -> 'c' -> 'b' -> 'a'", NULL);
    T_INTEQ(f.errors, 1);
    /* d first (not in a cycle), then the cycle in name order */
    T_STREQ(f.ss.ordered[0]->name.s, "d");
    T_STREQ(f.ss.ordered[1]->name.s, "a");
    T_STREQ(f.ss.ordered[2]->name.s, "b");
    T_STREQ(f.ss.ordered[3]->name.s, "c");
    T_INTEQ(f.ss.tables[3]->order, 0);
    vf_free(&f);
}

static const char ORDER_A[] =
    "version: 1\n"
    "tables:\n"
    "  orders:\n"
    "    strategy: none\n"
    "    columns: { id: { type: int }, customer: { type: int } }\n"
    "    primary_key: [id]\n"
    "    foreign_keys: [{ columns: [customer], references: { table: customers, columns: [id] } }]\n"
    "  items:\n"
    "    strategy: none\n"
    "    columns: { id: { type: int }, order_id: { type: int }, tree: { type: int } }\n"
    "    foreign_keys:\n"
    "      - { columns: [order_id], references: { table: orders, columns: [id] } }\n"
    "      - { columns: [tree], references: { table: items, columns: [id] } }\n"
    "    primary_key: [id]\n";
static const char ORDER_B[] =
    "version: 1\n"
    "tables:\n"
    "  customers: { strategy: none, columns: { id: { type: int } }, primary_key: [id] }\n"
    "  zeta: { strategy: none, columns: { id: { type: int } } }\n"
    "  audit: { schema: aaa, strategy: none, columns: { id: { type: int } } }\n";

TEST(validate_order_is_deterministic)
{
    const char *want[] = {"audit", "customers", "orders", "items", "zeta"};
    for (int pass = 0; pass < 2; pass++) {
        vf f;
        if (pass == 0)
            vf_run(&f, "a.yaml", ORDER_A, "b.yaml", ORDER_B, (const char *)NULL);
        else
            vf_run(&f, "b.yaml", ORDER_B, "a.yaml", ORDER_A, (const char *)NULL);
        CLEAN(&f);
        for (int i = 0; i < 5; i++) {
            T_STREQ(f.ss.ordered[i]->name.s, want[i]);
            T_INTEQ(f.ss.ordered[i]->order, i);
        }
        vf_free(&f);
    }
}

TEST(validate_start_not_aligned)
{
    vf f;
    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             "  jobs:\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    partition: { key: at, interval: monthly, start: 2025-11-15 }\n"
             "  hits:\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    partition: { key: at, interval: daily, start: \"2025-11-15 10:30\" }\n");
    const diag *dg = HAS(&f, "start-not-aligned", 5, "2025-11-15");
    MSG(dg, "partition start '2025-11-15' is not the start of a monthly range", "use 2025-11-01");
    dg = HAS(&f, "start-not-aligned", 8, "\"2025-11-15 10:30\"");
    MSG(dg, "partition start '2025-11-15 10:30' is not the start of a daily range",
        "use 2025-11-15");
    T_INTEQ(f.errors, 2);
    vf_free(&f);

    vf_load1(&f, HEAD);
    CLEAN(&f);
    vf_free(&f);
}

TEST(validate_weekly_not_iso)
{
    vf f;
    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             "  jobs:\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    partition: { key: at, interval: weekly, start: 2025-01-01 }\n"
             "  hits:\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    partition: { key: at, interval: weekly, start: 2024-12-30, naming: \"{table}_{YYYY}w{IW}\" }\n"
             "  logs:\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    partition: { key: at, interval: weekly, start: 2024-12-30, naming: \"{table}_{IYYY}_{MM}{DD}\" }\n");
    const diag *dg = HAS(&f, "weekly-not-iso", 5, "2025-01-01");
    MSG(dg, "weekly partitions must start on a Monday: '2025-01-01' is a Wednesday",
        "start on 2024-12-30 (ISO week 2025-W01)");
    dg = HAS(&f, "weekly-not-iso", 8, "\"{table}_{YYYY}w{IW}\"");
    MSG(dg, NULL, "use {IYYY} and {IW}, e.g. '{table}_{IYYY}w{IW}'");
    HAS(&f, "weekly-not-iso", 11, "\"{table}_{IYYY}_{MM}{DD}\"");
    T_INTEQ(f.errors, 3); /* no partition-name-collision on top */
    vf_free(&f);

    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             "  jobs:\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    partition: { key: at, interval: weekly, start: 2024-12-30 }\n"
             "  hits:\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    partition: { key: at, interval: weekly, start: 2024-12-30, naming: \"{table}_{YYYY}{MM}{DD}\" }\n");
    CLEAN(&f);
    vf_free(&f);
}

TEST(validate_bad_naming)
{
    vf f;
    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             "  jobs:\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    partition:\n"
             "      key: at\n"
             "      interval: monthly\n"
             "      start: 2025-11-01\n"
             "      naming: jobs_{YYYY}_{MON}\n"
             "  hits:\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    partition: { key: at, interval: monthly, start: 2025-11-01, naming: \"h_{YYYY}_{MM\" }\n");
    /* plain scalar: the column of the bad token */
    const diag *dg = HAS(&f, "bad-naming", 9, "{MON}");
    T_CHECK(dg && strstr(dg->message, "unknown token"));
    /* quoted scalar: the node */
    HAS(&f, "bad-naming", 12, "\"h_{YYYY}");
    T_INTEQ(f.errors, 2);
    vf_free(&f);

    vf_load1(&f, HEAD);
    LACKS(&f, "bad-naming");
    vf_free(&f);
}

TEST(validate_partition_name_collision)
{
    vf f;
    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             "  jobs:\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    partition: { key: at, interval: monthly, start: 2025-11-01, naming: \"{table}_{YYYY}\" }\n"
             "  a:\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    partition: { key: at, interval: monthly, start: 2025-11-01, naming: \"p_{YYYY}_{MM}\" }\n"
             "  b:\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    partition: { key: at, interval: monthly, start: 2026-06-01, naming: \"p_{YYYY}_{MM}\" }\n");
    const diag *dg = HAS(&f, "partition-name-collision", 5, "\"{table}_{YYYY}\"");
    T_CHECK(dg && strstr(dg->message, "monthly ranges need {YYYY} and {MM}"));
    /* reported once for b, although b's ranges overlap a's for months */
    dg = HAS(&f, "partition-name-collision", 11, "\"p_{YYYY}_{MM}\"");
    MSG(dg, "name 'p_2026_06' of the partition of 'b' collides with the partition of 'a' in schema 'public'",
        NULL);
    T_INTEQ(f.errors, 2);
    vf_free(&f);

    /* same pattern in different schemas; ranges that do not overlap */
    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             "  a:\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    partition: { key: at, interval: yearly, start: 2025-01-01, naming: \"p_{YYYY}\", premake: 1 }\n"
             "  b:\n"
             "    schema: other\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    partition: { key: at, interval: monthly, start: 2025-11-01, naming: \"p_{YYYY}\" }\n"
             "  c:\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    partition: { key: at, interval: yearly, start: 2028-01-01, naming: \"p_{YYYY}\" }\n");
    LACKS(&f, "name-collision");
    T_INTEQ(f.errors, 1); /* b's own pattern is not distinct monthly */
    HAS(&f, "partition-name-collision", 9, "\"p_{YYYY}\"");
    vf_free(&f);
}

/* A name of n bytes: prefix then 'x' */
static const char *name_of(arena *a, const char *prefix, size_t n)
{
    char *s = arena_alloc(a, n + 1);
    memset(s, 'x', n);
    memcpy(s, prefix, strlen(prefix));
    return s;
}

TEST(validate_identifier_too_long)
{
    arena *a = arena_new();
    vf f;
    /* 64 bytes: the table name itself (reported once, not for every derived name) */
    const char *t64 = name_of(a, "t", 64);
    const char *yaml = arena_printf(a,
                                    "version: 1\n"
                                    "tables:\n"
                                    "  %s:\n"
                                    "    columns: { at: { type: timestamptz, nullable: false } }\n"
                                    "    partition: { key: at, interval: monthly, start: 2025-11-01 }\n",
                                    t64);
    vf_load1(&f, yaml);
    const diag *dg = HAS(&f, "identifier-too-long", 3, "txx");
    MSG(dg, arena_printf(a, "name '%s' is 64 bytes; PostgreSQL truncates names to 63 bytes", t64),
        "shorten the table name");
    T_INTEQ(f.errors, 1);
    vf_free(&f);

    /* 50 bytes: fine, and so are <table>_2025_11 (58) and <table>_pkey: the
     * table has no functions of its own (the runtime maintains it); only
     * the generated index name is too long */
    const char *t50 = name_of(a, "t", 50);
    yaml = arena_printf(a,
                        "version: 1\n"
                        "tables:\n"
                        "  %s:\n"
                        "    columns: { at: { type: timestamptz, nullable: false } }\n"
                        "    partition: { key: at, interval: monthly, start: 2025-11-01 }\n"
                        "    indexes: [{ columns: [at, at_not_here_but_long_enough] }]\n",
                        t50);
    vf_load1(&f, yaml);
    HAS(&f, "identifier-too-long", 6, "{ columns");
    HAS_MSG(&f, "identifier-too-long",
            arena_printf(a, "generated name '%s_at_at_not_here_but_long_enough_idx' is 85 bytes; "
                            "PostgreSQL truncates names to 63 bytes", t50));
    LACKS(&f, "name-collision");
    size_t n = 0;
    for (size_t i = 0; i < f.d.n; i++)
        n += strcmp(f.d.v[i].code, "identifier-too-long") == 0;
    T_INTEQ(n, 1);
    vf_free(&f);

    /* a long naming pattern */
    yaml = "version: 1\n"
           "tables:\n"
           "  jobs:\n"
           "    columns: { at: { type: timestamptz, nullable: false } }\n"
           "    partition:\n"
           "      key: at\n"
           "      interval: monthly\n"
           "      start: 2025-11-01\n"
           "      naming: \"{table}_partition_of_the_jobs_table_for_the_calendar_month_of_{YYYY}_{MM}\"\n";
    vf_load1(&f, yaml);
    dg = HAS(&f, "identifier-too-long", 9, "\"{table}");
    MSG(dg, NULL, "shorten the table name or set partition.naming to a shorter pattern");
    T_INTEQ(f.errors, 1);
    vf_free(&f);

    /* exactly 63 bytes: a 42-byte table has a 63-byte health view */
    const char *t42 = name_of(a, "t", 42);
    yaml = arena_printf(a,
                        "version: 1\n"
                        "tables:\n"
                        "  %s:\n"
                        "    columns: { at: { type: timestamptz, nullable: false } }\n"
                        "    partition: { key: at, interval: monthly, start: 2025-11-01 }\n",
                        t42);
    vf_load1(&f, yaml);
    CLEAN(&f);
    vf_free(&f);

    /* convert: the shadow name */
    const char *t55 = name_of(a, "t", 55);
    yaml = arena_printf(a,
                        "version: 1\n"
                        "tables:\n"
                        "  %s:\n"
                        "    mode: convert\n"
                        "    strategy: none\n"
                        "    migrate: { keep_old: 3 days }\n",
                        t55);
    vf_load1(&f, yaml);
    dg = HAS(&f, "identifier-too-long", 6, "migrate");
    MSG(dg, arena_printf(a, "generated name '%s_partitioned' is 67 bytes; PostgreSQL truncates names to 63 bytes", t55),
        "shorten the table name or set migrate.shadow_suffix");
    T_INTEQ(f.errors, 1);
    vf_free(&f);
    arena_free(a);
}

TEST(validate_name_collision)
{
    vf f;
    vf_load1(&f,
             "version: 1\n"                                                      /* 1 */
             "tables:\n"                                                         /* 2 */
             "  jobs:\n"                                                         /* 3 */
             "    columns: { at: { type: timestamptz, nullable: false } }\n"    /* 4 */
             "    primary_key: [at]\n"                                           /* 5 */
             "    checks: { jobs_pkey: \"at > '2000-01-01'\" }\n"                /* 6 */
             "    partition: { key: at, interval: monthly, start: 2025-11-01 }\n" /* 7 */
             "    indexes:\n"                                                    /* 8 */
             "      - { name: jobs_2026_01, columns: [at] }\n"                   /* 9 */
             "  jobs_2025_12:\n"                                                 /* 10 */
             "    mode: reference\n"                                             /* 11 */
             "    strategy: none\n"                                              /* 12 */
             "  jobs_at_idx: { strategy: none, columns: { at: { type: date } } }\n" /* 13 */
             "  logs:\n"                                                         /* 14 */
             "    columns: { at: { type: timestamptz, nullable: false } }\n"    /* 15 */
             "    indexes: [{ columns: [at] }, { name: jobs_at_idx, columns: [at] }]\n" /* 16 */
             "    partition: { key: at, interval: monthly, start: 2025-11-01 }\n"); /* 17 */
    const diag *dg = HAS(&f, "name-collision", 6, "jobs_pkey");
    MSG(dg, "constraint name 'jobs_pkey' of the check collides with the primary key on 'jobs'", NULL);
    dg = HAS(&f, "name-collision", 7, "partition");
    MSG(dg, "name 'jobs_2025_12' of the partition of 'jobs' collides with the table 'jobs_2025_12' in schema 'public'",
        "change partition.naming so that it cannot produce this name (include {table})");
    dg = HAS(&f, "name-collision", 16, "jobs_at_idx");
    MSG(dg, "name 'jobs_at_idx' of the index of 'logs' collides with the table 'jobs_at_idx' in schema 'public'",
        NULL);
    /* the index jobs_2026_01 was registered first: the partition collides with it */
    int n = 0;
    for (size_t i = 0; i < f.d.n; i++)
        n += strcmp(f.d.v[i].code, "name-collision") == 0;
    T_INTEQ(n, 3); /* one report per table's partitions */
    T_INTEQ(f.errors, 3);
    vf_free(&f);

    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             "  jobs:\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    partition: { key: at, interval: monthly, start: 2025-11-01 }\n"
             "    indexes: [{ columns: [at] }, { columns: [at], using: brin }]\n");
    HAS(&f, "name-collision", 6, "{ columns: [at], using");
    vf_free(&f);

    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             "  jobs:\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    partition: { key: at, interval: monthly, start: 2025-11-01 }\n"
             "    indexes: [{ columns: [at] }, { name: jobs_at_brin, columns: [at], using: brin }]\n"
             "  jobs_2025_12: { schema: other, strategy: none, columns: { id: { type: int } } }\n");
    CLEAN(&f);
    vf_free(&f);
}

TEST(validate_bad_expression)
{
    vf f;
    vf_load1(&f, HEAD
             "    checks: { c1: \"id > 0); drop table x; --\" }\n"           /* 9 */
             "    indexes:\n"                                                /* 10 */
             "      - { columns: [id], where: \"id > 0 -- x\" }\n"           /* 11 */
             "      - { columns: [\"lower(id\"] }\n"                         /* 12 */
             "    security:\n"                                               /* 13 */
             "      policies:\n"                                             /* 14 */
             "        p1: { using: \"true; select 1\", check: \"'open\" }\n"); /* 15 */
    HAS(&f, "bad-expression", 9, "\"id > 0)");
    HAS(&f, "bad-expression", 11, "\"id > 0 --");
    HAS(&f, "bad-expression", 12, "\"lower(id\"");
    HAS(&f, "bad-expression", 15, "\"true;");
    HAS(&f, "bad-expression", 15, "\"'open\"");
    T_INTEQ(f.errors, 5);
    vf_free(&f);

    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             "  jobs:\n"
             "    strategy: none\n"
             "    columns: { id: { type: bigint, default: \"nextval('x;y')\" } }\n"
             "    checks: { c1: \"(id > 0) and (id < 10)\" }\n");
    CLEAN(&f);
    vf_free(&f);

    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             "  jobs:\n"
             "    strategy: none\n"
             "    columns: { id: { type: bigint, default: \"1; drop table jobs\" } }\n");
    HAS(&f, "bad-expression", 5, "\"1;");
    vf_free(&f);
}

TEST(validate_bad_type_and_schedule)
{
    vf f;
    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             "  jobs:\n"
             "    strategy: none\n"
             "    columns: { id: { type: \"bigint; drop table x\" }, n: { type: \"numeric(12,2)\" } }\n"
             "    maintenance: { schedule: \"every hour\" }\n");
    HAS(&f, "bad-type", 5, "\"bigint;");
    HAS(&f, "bad-schedule", 6, "\"every hour\"");
    T_INTEQ(f.errors, 2);
    vf_free(&f);

    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             "  jobs:\n"
             "    strategy: none\n"
             "    columns: { id: { type: \"timestamp(3) with time zone\" }, t: { type: \"text[]\" } }\n"
             "    maintenance: { schedule: \"*/5 * * * *\" }\n");
    CLEAN(&f);
    vf_free(&f);
}

TEST(validate_bad_retention)
{
    vf f;
    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             "  jobs:\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    partition: { key: at, interval: monthly, start: 2025-11-01 }\n"
             "    retention: { keep: 90 days, action: delete }\n"
             "  ttl:\n"
             "    strategy: none\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    retention: { keep: 90 days, action: drop, column: at }\n"
             "  ttl2:\n"
             "    strategy: brin\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    partition: { key: at, interval: monthly, start: 2025-11-01 }\n"
             "    retention: { keep: 90 days, action: archive }\n"
             "  ttl3:\n"
             "    strategy: none\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    retention: { keep: 90 days, action: delete }\n");
    const diag *dg = HAS(&f, "bad-retention", 6, "delete");
    MSG(dg, NULL, "use action drop, detach or archive for a partitioned table, or strategy none/brin for batched deletes");
    HAS(&f, "bad-retention", 10, "drop");
    HAS(&f, "bad-retention", 15, "archive");
    HAS(&f, "bad-retention", 19, "retention"); /* delete without a column */
    T_INTEQ(f.errors, 4);
    vf_free(&f);

    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             "  jobs:\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    partition: { key: at, interval: monthly, start: 2025-11-01 }\n"
             "    retention: { keep: 90 days, action: detach }\n"
             "  ttl:\n"
             "    strategy: none\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    retention: { keep: 90 days, action: delete, column: at }\n");
    CLEAN(&f);
    vf_free(&f);
}

TEST(validate_bad_duration)
{
    vf f;
    vf_load1(&f, HEAD
             "    maintenance: { schedule: \"@hourly\", warn_ahead: 2 days, critical_ahead: 1 week }\n");
    const diag *dg = HAS(&f, "bad-duration", 9, "1 week");
    MSG(dg, "critical_ahead '1 week' of 'jobs' is longer than warn_ahead '2 days'", NULL);
    T_INTEQ(f.errors, 1);
    vf_free(&f);

    /* the default critical_ahead is one interval (a month here) */
    vf_load1(&f, HEAD
             "    maintenance: { warn_ahead: 10 days }\n");
    dg = HAS(&f, "bad-duration", 9, "10 days");
    MSG(dg, "critical_ahead (default) '1 month' of 'jobs' is longer than warn_ahead '10 days'",
        "set critical_ahead to at most warn_ahead");
    vf_free(&f);

    vf_load1(&f, HEAD
             "    maintenance: { warn_ahead: 2 days, critical_ahead: 48 hours }\n");
    CLEAN(&f);
    vf_free(&f);
}

TEST(validate_partition_key_type)
{
    vf f;
    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             "  jobs:\n"
             "    columns: { at: { type: text, nullable: false } }\n"
             "    partition: { key: at, interval: monthly, start: 2025-11-01 }\n");
    const diag *dg = HAS(&f, "partition-key-type", 5, "at,");
    MSG(dg, "partition key 'at' of 'jobs' has type 'text', which cannot hold time ranges", NULL);
    T_INTEQ(f.errors, 1);
    vf_free(&f);

    vf_load1(&f,
             "version: 1\n"
             "tables:\n"
             "  a:\n"
             "    columns: { at: { type: \"TIMESTAMP(3) Without Time Zone\", nullable: false } }\n"
             "    partition: { key: at, interval: monthly, start: 2025-11-01 }\n"
             "  b:\n"
             "    columns: { at: { type: date, nullable: false } }\n"
             "    partition: { key: at, interval: monthly, start: 2025-11-01 }\n"
             "  c:\n"
             "    columns: { at: { type: timestamp with time zone, nullable: false } }\n"
             "    partition: { key: at, interval: monthly, start: 2025-11-01 }\n");
    CLEAN(&f);
    vf_free(&f);
}

TEST(validate_duplicates)
{
    vf f;
    vf_load1(&f, HEAD
             "    unique: [[id, id]]\n"                                         /* 9 */
             "    indexes:\n"                                                    /* 10 */
             "      - { name: jobs_by_id, columns: [id, created_at, id] }\n"    /* 11 */
             "      - { name: jobs_by_id, columns: [created_at] }\n");          /* 12 */
    HAS(&f, "duplicate-column", 9, "id]]");
    HAS(&f, "duplicate-column", 11, "id] }");
    const diag *dg = HAS(&f, "duplicate-name", 12, "jobs_by_id");
    MSG(dg, "index name 'jobs_by_id' is used twice in 'jobs'", NULL);
    LACKS(&f, "name-collision");
    T_INTEQ(f.errors, 3);
    vf_free(&f);

    vf_load1(&f, HEAD
             "    indexes:\n"
             "      - { name: jobs_by_id, columns: [id] }\n"
             "      - { name: jobs_by_at, columns: [created_at, id] }\n");
    CLEAN(&f);
    vf_free(&f);
}

/* Far-away start: the ranges are capped, and validation stays fast. */
#define HOURLY_1990                                                            \
    "version: 1\n"                                                             \
    "tables:\n"                                                                \
    "  hits:\n"                                                                \
    "    columns: { at: { type: timestamptz, nullable: false } }\n"           \
    "    partition: { key: at, interval: hourly, start: 1990-01-01 }\n"

TEST(validate_range_cap)
{
    static const char *const other[] = {"hits_19900101_00", "hits_20261123_00",
                                        "hits_20100101_00"};
    for (int i = 0; i < 3; i++) {
        vf f;
        arena *a = arena_new();
        clock_t c0 = clock();
        vf_load1(&f, arena_printf(a, HOURLY_1990 "  %s: { strategy: none, columns: { id: { type: int } } }\n",
                                  other[i]));
        double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
        /* the first and last 1000 names are checked, the middle is not */
        if (i < 2)
            HAS(&f, "name-collision", 5, "partition");
        else
            CLEAN(&f);
        T_CHECK(secs < 2.0);
        vf_free(&f);
        arena_free(a);
    }
}

/* Hand-built: validate needs no spec_load, and fills the derived names. */
TEST(validate_hand_built)
{
    arena *a = arena_new();
    specset ss;
    diags d;
    specset_init(&ss, a);
    diags_init(&d, a);
    table *t = spec_table_new(a);
    t->name.s = "jobs";
    t->name.at = (srcloc){"h.yaml", 3, 3};
    t->strategy.v = STRATEGY_NONE;
    t->columns = arena_calloc(a, 1, sizeof *t->columns);
    t->ncolumns = 1;
    t->columns[0].name.s = "id";
    t->columns[0].type.s = "bigint";
    t->indexes = arena_calloc(a, 1, sizeof *t->indexes);
    t->nindexes = 1;
    t->indexes[0].columns.v = arena_calloc(a, 1, sizeof(sval));
    t->indexes[0].columns.n = 1;
    t->indexes[0].columns.v[0] = (sval){"idd", {"h.yaml", 7, 18}};
    model_defaults(t);
    specset_add_table(&ss, t);
    T_INTEQ(validate_specset(&ss, as_of(), &d), -1);
    T_INTEQ((int)d.n, 1);
    T_STREQ(d.v[0].code, "unknown-column");
    T_INTEQ(d.v[0].at.line, 7);
    T_INTEQ(d.v[0].at.col, 18);
    T_STREQ(t->indexes[0].gen_name, "jobs_idd_idx");
    T_CHECK(ss.ordered[0] == t);
    arena_free(a);
}

TEST(plan_convert_gives_four_phases_with_their_transaction_modes)
{
    vf f;
    vf_load1(&f,
             "version: 1\n"
             "settings: { lock_timeout: 5s }\n"
             "tables:\n"
             "  jobs:\n"
             "    schema: ops\n"
             "    mode: convert\n"
             "    primary_key: [id]\n"
             "    partition: { key: created_at, interval: monthly, start: 2026-01-01 }\n"
             "    migrate: { lock_timeout: 300ms, batch_pause: 50ms }\n");
    T_INTEQ(f.errors, 0);
    T_INTEQ(f.ss.tables[0]->migrate.batch_pause_ms.v, 50);
    plan p;
    T_INTEQ(validate_for_compile(&f.ss, as_of(), NULL, NULL, &f.d), 0);
    T_INTEQ(plan_build(&p, &f.ss, as_of(), f.a), 0);
    /* the runtime's migration first, then the four phases */
    T_INTEQ(p.n, 5);
    static const char *const names[] = {"partc_runtime_v1", "ops_jobs_prepare", "ops_jobs_backfill", "ops_jobs_swap",
                                        "ops_jobs_cleanup"};
    for (size_t i = 0; i < 5 && i < p.n; i++) {
        T_STREQ(p.v[i].name, names[i]);
        T_INTEQ(p.v[i].lock_timeout_ms, i ? 300 : -1);
        T_CHECK(p.v[i].down_in_tx);
        /* only the backfill commits as it goes: the one statement of its file */
        T_CHECK(p.v[i].in_tx == (i != 2));
        T_CHECK(p.v[i].about != NULL && p.v[i].undo != NULL);
    }
    if (p.n == 5) {
        T_CHECK(p.v[0].t == NULL);
        T_INTEQ(p.v[0].up[0].kind, STEP_RUNTIME_INSTALL);
        T_INTEQ(p.v[0].down[0].kind, STEP_RUNTIME_REMOVE);
        T_INTEQ(p.v[2].nup, 1);
        T_INTEQ(p.v[1].up[0].kind, STEP_CONV_PREFLIGHT);
        T_INTEQ(p.v[3].up[0].kind, STEP_CONV_SWAP);
        T_INTEQ(p.v[4].down[0].kind, STEP_CONV_CLEANUP_DOWN);
    }
    vf_free(&f);

    /* strategy brin, or a server older than 14: refused by plan, with a location */
    vf_load1(&f,
             "version: 1\n"
             "settings: { postgres: 13 }\n"
             "tables:\n"
             "  jobs:\n"
             "    mode: convert\n"
             "    primary_key: [id]\n"
             "    partition: { key: created_at, interval: monthly, start: 2026-01-01 }\n");
    T_INTEQ(f.errors, 0);
    T_INTEQ(validate_for_compile(&f.ss, as_of(), NULL, NULL, &f.d), -1);
    T_CHECK(f.d.n == 1 && f.d.v[0].at.line == 2 && strcmp(f.d.v[0].code, "unsupported") == 0);
    vf_free(&f);
}

TEST(validate_runtime_schema_is_its_own)
{
    vf f;
    vf_load1(&f,
             "version: 1\n"
             "settings: { runtime_schema: ops }\n"
             "tables:\n"
             "  jobs:\n"
             "    schema: ops\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    partition: { key: at, interval: monthly, start: 2026-01-01 }\n"
             "  logs:\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    partition: { key: at, interval: monthly, start: 2026-01-01 }\n"
             "    retention: { keep: 3 months, action: archive, archive_schema: ops }\n");
    HAS(&f, "schema-taken", 5, "ops");
    HAS(&f, "schema-taken", 11, "ops }");
    vf_free(&f);

    /* another schema, or a reference table in it: fine */
    vf_load1(&f,
             "version: 1\n"
             "settings: { runtime_schema: maint }\n"
             "tables:\n"
             "  jobs:\n"
             "    schema: ops\n"
             "    columns: { at: { type: timestamptz, nullable: false } }\n"
             "    partition: { key: at, interval: monthly, start: 2026-01-01 }\n"
             "  users:\n"
             "    schema: maint\n"
             "    mode: reference\n"
             "    columns: { id: { type: bigint, nullable: false } }\n"
             "    primary_key: [id]\n");
    LACKS(&f, "schema-taken");
    T_STREQ(f.ss.settings.runtime_schema.s, "maint");
    vf_free(&f);
}
