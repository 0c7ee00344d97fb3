/* Unit tests for lint: the rule table, then for every rule one spec that
 * fires (code, severity, line:col) and one that does not; lint.allow
 * suppression and unknown rules. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "lint.h"
#include "spec_load.h"
#include "t.h"
#include "validate.h"

typedef struct lf {
    arena *a;
    specset ss;
    diags d;
    const char *text;
    int validate_errors;
} lf;

static void lf_dump(const lf *f)
{
    for (size_t i = 0; i < f->d.n; i++)
        fprintf(stderr, "  diag %s:%d:%d %s [%s] %s | %s%s\n", f->d.v[i].at.file,
                f->d.v[i].at.line, f->d.v[i].at.col, severity_name(f->d.v[i].sev),
                f->d.v[i].code, f->d.v[i].message, f->d.v[i].hint ? f->d.v[i].hint : "",
                f->d.v[i].suppressed ? " (suppressed)" : "");
}

/* Load, validate (must be clean), lint with the given threshold. */
static void lf_run_max(lf *f, const char *text, int max_partitions)
{
    f->a = arena_new();
    specset_init(&f->ss, f->a);
    diags_init(&f->d, f->a);
    f->text = text;
    if (spec_load_bytes(&f->ss, "l.yaml", text, strlen(text), &f->d) != 0)
        fprintf(stderr, "spec_load failed\n");
    f->validate_errors = validate_specset(&f->ss, cal_join(2026, 11, 22, 0, 0, 0), &f->d);
    if (f->d.n) {
        t_fail(__FILE__, __LINE__, "spec does not load and validate cleanly");
        lf_dump(f);
    }
    lint_ctx cx = {&f->ss, &f->d, cal_join(2026, 11, 22, 0, 0, 0), "plain", max_partitions};
    lint_run(&cx);
}

static void lf_run(lf *f, const char *text)
{
    lf_run_max(f, text, 0);
}

static void lf_free(lf *f)
{
    arena_free(f->a);
}

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

static const diag *has_at(lf *f, const char *code, severity sev, int line, const char *needle,
                          const char *file, int at)
{
    int col = col_of(f->text, line, needle);
    for (size_t i = 0; i < f->d.n; i++) {
        const diag *dg = &f->d.v[i];
        if (strcmp(dg->code, code) == 0 && dg->at.line == line && dg->at.col == col) {
            if (dg->sev != sev)
                t_fail(file, at, "[%s] has severity %s, want %s", code,
                       severity_name(dg->sev), severity_name(sev));
            return dg;
        }
    }
    t_fail(file, at, "want [%s] at %d:%d ('%s')", code, line, col, needle);
    lf_dump(f);
    return NULL;
}
#define HAS(f, code, sev, line, needle) has_at(f, code, sev, line, needle, __FILE__, __LINE__)

static size_t count(const lf *f, const char *code)
{
    size_t n = 0;
    for (size_t i = 0; i < f->d.n; i++)
        n += strcmp(f->d.v[i].code, code) == 0;
    return n;
}

static void lacks(lf *f, const char *code, const char *file, int at)
{
    if (count(f, code)) {
        t_fail(file, at, "unexpected [%s]", code);
        lf_dump(f);
    }
}
#define LACKS(f, code) lacks(f, code, __FILE__, __LINE__)

/* Clean for every rule. */
#define BASE                                                                   \
    "version: 1\n"                                                     /* 1 */ \
    "tables:\n"                                                        /* 2 */ \
    "  jobs:\n"                                                        /* 3 */ \
    "    columns:\n"                                                   /* 4 */ \
    "      id: { type: bigint, nullable: false }\n"                    /* 5 */ \
    "      created_at: { type: timestamptz, nullable: false }\n"       /* 6 */ \
    "    primary_key: [id, created_at]\n"                              /* 7 */ \
    "    partition: { key: created_at, interval: monthly, start: 2025-11-01 }\n" /* 8 */ \
    "    maintenance: { schedule: \"0 * * * *\" }\n"                   /* 9 */

TEST(lint_rule_table)
{
    static const struct {
        const char *id;
        severity sev;
        bool validation; /* checked by validate, listed for the catalog */
    } want[] = {
        {"attach-cutover-soon", SEV_WARNING, false},
        {"change-refused", SEV_ERROR, true},
        {"cleanup-with-runner", SEV_WARNING, false},
        {"default-partition-blocks-concurrent-detach", SEV_WARNING, false},
        {"drop-column", SEV_ERROR, false},
        {"drop-table", SEV_ERROR, false},
        {"fk-without-index", SEV_WARNING, false},
        {"identifier-too-long", SEV_ERROR, true},
        {"incoming-foreign-keys", SEV_ERROR, false},
        {"incoming-foreign-keys-rewired", SEV_WARNING, false},
        {"maintenance-unscheduled", SEV_WARNING, false},
        {"partition-key-nullable", SEV_ERROR, false},
        {"partition-key-type", SEV_WARNING, false},
        {"partition-name-collision", SEV_ERROR, true},
        {"premake-too-short", SEV_WARNING, false},
        {"retention-shorter-than-interval", SEV_ERROR, false},
        {"retention-unprotected", SEV_ERROR, false},
        {"rls-disabled", SEV_WARNING, false},
        {"rollback-long-lock", SEV_WARNING, false},
        {"too-many-partitions", SEV_WARNING, false},
        {"unique-missing-partition-key", SEV_ERROR, false},
        {"uniqueness-weakened", SEV_ERROR, false},
        {"weekly-not-iso", SEV_ERROR, true},
    };
    T_INTEQ(lint_nrules, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < lint_nrules && i < sizeof want / sizeof want[0]; i++) {
        const lint_rule *r = &lint_rules[i];
        T_STREQ(r->id, want[i].id);
        T_INTEQ(r->sev, want[i].sev);
        T_CHECK(r->summary && *r->summary && r->why && *r->why && r->fix && *r->fix);
        T_CHECK((r->check == NULL) == want[i].validation);
        T_CHECK(lint_find(r->id) == r);
        if (i)
            T_CHECK(strcmp(lint_rules[i - 1].id, r->id) < 0);
    }
    T_CHECK(lint_find("no-such-rule") == NULL);
}

TEST(lint_rls_disabled_only_for_supabase)
{
    const char *spec = "version: 1\n"
                       "tables:\n"
                       "  notes:\n"
                       "    strategy: none\n"
                       "    columns: { id: { type: bigint, nullable: false } }\n"
                       "    primary_key: [id]\n"
                       "  secrets:\n"
                       "    strategy: none\n"
                       "    columns: { id: { type: bigint, nullable: false } }\n"
                       "    primary_key: [id]\n"
                       "    security: { rls: true }\n";
    lf f;
    lf_run(&f, spec); /* target plain: no finding */
    T_INTEQ(f.d.n, 0);
    lf_free(&f);

    f.a = arena_new();
    specset_init(&f.ss, f.a);
    diags_init(&f.d, f.a);
    f.text = spec;
    T_INTEQ(spec_load_bytes(&f.ss, "l.yaml", spec, strlen(spec), &f.d), 0);
    T_INTEQ(validate_specset(&f.ss, cal_join(2026, 11, 22, 0, 0, 0), &f.d), 0);
    lint_ctx cx = {&f.ss, &f.d, cal_join(2026, 11, 22, 0, 0, 0), "supabase", 0};
    lint_run(&cx);
    T_INTEQ(f.d.n, 1);
    const diag *dg = HAS(&f, "rls-disabled", SEV_WARNING, 3, "notes");
    T_CHECK(dg != NULL);
    lf_free(&f);
}

/* Findings of rule id for spec under target. */
static size_t count_for_target(const char *spec, const char *target, const char *id)
{
    lf f;
    f.a = arena_new();
    specset_init(&f.ss, f.a);
    diags_init(&f.d, f.a);
    f.text = spec;
    size_t n = 0;
    if (spec_load_bytes(&f.ss, "c.yaml", spec, strlen(spec), &f.d) == 0 &&
        validate_specset(&f.ss, cal_join(2026, 11, 22, 0, 0, 0), &f.d) == 0) {
        lint_ctx cx = {&f.ss, &f.d, cal_join(2026, 11, 22, 0, 0, 0), target, 0};
        lint_run(&cx);
        for (size_t i = 0; i < f.d.n; i++)
            n += strcmp(f.d.v[i].code, id) == 0;
    } else
        n = 1000; /* the spec itself is wrong */
    lf_free(&f);
    return n;
}

TEST(lint_cleanup_with_runner)
{
#define CONVERT_SPEC(extra)                                                                  \
    "version: 1\n"                                                                          \
    "tables:\n"                                                                             \
    "  events:\n"                                                                           \
    "    mode: convert\n"                                                                   \
    "    columns:\n"                                                                        \
    "      id: { type: bigint, nullable: false }\n"                                         \
    "      at: { type: timestamptz, nullable: false }\n"                                    \
    "    primary_key: [id, at]\n"                                                           \
    "    partition: { key: at, interval: monthly, start: 2026-01-01 }\n"                    \
    "    maintenance: { schedule: \"0 * * * *\" }\n"                                       \
    "    migrate: { keep_old: 3 days" extra " }\n"
    T_INTEQ(count_for_target(CONVERT_SPEC(""), "plain", "cleanup-with-runner"), 0);
    T_INTEQ(count_for_target(CONVERT_SPEC(""), "dbmate", "cleanup-with-runner"), 1);
    T_INTEQ(count_for_target(CONVERT_SPEC(""), "supabase", "cleanup-with-runner"), 1);
    T_INTEQ(count_for_target(CONVERT_SPEC(", cleanup: false"), "dbmate", "cleanup-with-runner"), 0);
#undef CONVERT_SPEC
}

TEST(lint_allow_of_a_validation_rule_is_an_error)
{
    lf f;
    f.a = arena_new();
    specset_init(&f.ss, f.a);
    diags_init(&f.d, f.a);
    const char *spec = "version: 1\n"
                       "tables:\n"
                       "  notes:\n"
                       "    strategy: none\n"
                       "    columns: { id: { type: bigint, nullable: false } }\n"
                       "    primary_key: [id]\n"
                       "    lint: { allow: { weekly-not-iso: \"because\" } }\n";
    f.text = spec;
    T_INTEQ(spec_load_bytes(&f.ss, "l.yaml", spec, strlen(spec), &f.d), 0);
    T_INTEQ(validate_specset(&f.ss, cal_join(2026, 11, 22, 0, 0, 0), &f.d), 0);
    lint_ctx cx = {&f.ss, &f.d, cal_join(2026, 11, 22, 0, 0, 0), "plain", 0};
    lint_run(&cx);
    T_CHECK(HAS(&f, "unknown-rule", SEV_ERROR, 7, "weekly-not-iso") != NULL);
    lf_free(&f);
}

TEST(lint_clean_base)
{
    lf f;
    lf_run(&f, BASE);
    T_INTEQ(f.d.n, 0);
    if (f.d.n)
        lf_dump(&f);
    lf_free(&f);
}

TEST(lint_report_and_allow)
{
    lf f;
    lf_run(&f, BASE
           "    lint:\n"                                                    /* 10 */
           "      allow: { premake-too-short: \"checked by the cron job\" }\n"); /* 11 */
    lint_ctx cx = {&f.ss, &f.d, 0, "plain", 0};
    const lint_rule *r = lint_find("premake-too-short");
    const table *t = f.ss.tables[0];
    diag *dg = lint_report(&cx, r, t, t->name.at, "finding %d", 42);
    T_STREQ(dg->code, "premake-too-short");
    T_INTEQ(dg->sev, SEV_WARNING);
    T_STREQ(dg->message, "finding 42");
    T_STREQ(dg->hint, r->fix);
    T_CHECK(dg->suppressed);
    T_STREQ(dg->reason, "checked by the cron job");
    r = lint_find("too-many-partitions");
    dg = lint_report(&cx, r, t, t->name.at, "x");
    T_CHECK(!dg->suppressed && dg->reason == NULL);
    lf_free(&f);
}

TEST(lint_unknown_rule)
{
    lf f;
    lf_run(&f, BASE
           "    lint:\n"                                                        /* 10 */
           "      allow:\n"                                                     /* 11 */
           "        too-many-partition: \"typo\"\n"                             /* 12 */
           "        identifier-too-long: \"not a lint rule\"\n"                 /* 13 */
           "        too-many-partitions: \"fine\"\n");                          /* 14 */
    const diag *dg = HAS(&f, "unknown-rule", SEV_ERROR, 12, "too-many-partition");
    if (dg) {
        T_STREQ(dg->message, "lint.allow of 'jobs' names unknown rule 'too-many-partition'");
        T_STREQ(dg->hint, "did you mean 'too-many-partitions'?");
    }
    HAS(&f, "unknown-rule", SEV_ERROR, 13, "identifier-too-long");
    T_INTEQ(count(&f, "unknown-rule"), 2);
    lf_free(&f);
}

TEST(lint_incoming_foreign_keys)
{
    static const char spec[] =
        "version: 1\n"                                                          /* 1 */
        "tables:\n"                                                             /* 2 */
        "  jobs:\n"                                                             /* 3 */
        "    mode: convert\n"                                                   /* 4 */
        "    strategy: none\n"                                                  /* 5 */
        "    columns: { id: { type: bigint }, parent: { type: bigint } }\n"     /* 6 */
        "    primary_key: [id]\n"                                               /* 7 */
        "    indexes: [{ columns: [parent] }]\n"                                /* 8 */
        "    foreign_keys: [{ columns: [parent], references: { table: jobs, columns: [id] } }]\n" /* 9 */
        "  runs:\n"                                                             /* 10 */
        "    mode: reference\n"                                                 /* 11 */
        "    strategy: none\n"                                                  /* 12 */
        "    columns: { job_id: { type: bigint } }\n"                           /* 13 */
        "    foreign_keys:\n"                                                   /* 14 */
        "      - columns: [job_id]\n"                                           /* 15 */
        "        references: { table: jobs, columns: [id] }\n";                 /* 16 */
    lf f;
    lf_run(&f, spec);
    const diag *dg = HAS(&f, "incoming-foreign-keys", SEV_ERROR, 15, "columns");
    if (dg)
        T_STREQ(dg->message,
                "foreign key 'runs_job_id_fkey' of 'runs' references 'jobs', which mode convert "
                "replaces: after the swap it would still point at the old table 'jobs_old'");
    T_INTEQ(count(&f, "incoming-foreign-keys"), 1); /* the self-reference is not incoming */
    lf_free(&f);

    /* the converted table's allow accepts it */
    const char *with_allow =
        "version: 1\n"
        "tables:\n"
        "  jobs:\n"
        "    mode: convert\n"
        "    strategy: none\n"
        "    primary_key: [id]\n"
        "    lint: { allow: { incoming-foreign-keys: \"runs' key is re-created after the swap\" } }\n"
        "  runs:\n"
        "    strategy: none\n"
        "    columns: { job_id: { type: bigint } }\n"
        "    indexes: [{ columns: [job_id] }]\n"
        "    foreign_keys: [{ columns: [job_id], references: { table: jobs, columns: [id] } }]\n";
    lf_run(&f, with_allow);
    dg = HAS(&f, "incoming-foreign-keys", SEV_ERROR, 12, "{ columns");
    T_CHECK(dg && dg->suppressed);
    T_INTEQ(diags_count(&f.d, SEV_WARNING), 0);
    lf_free(&f);

    /* mode create: no finding */
    lf_run(&f, "version: 1\n"
               "tables:\n"
               "  jobs: { strategy: none, columns: { id: { type: bigint } }, primary_key: [id] }\n"
               "  runs:\n"
               "    strategy: none\n"
               "    columns: { job_id: { type: bigint } }\n"
               "    indexes: [{ columns: [job_id] }]\n"
               "    foreign_keys: [{ columns: [job_id], references: { table: jobs, columns: [id] } }]\n");
    T_INTEQ(f.d.n, 0);
    lf_free(&f);
}

TEST(lint_unique_missing_partition_key)
{
    lf f;
    lf_run(&f,
           "version: 1\n"                                                       /* 1 */
           "tables:\n"                                                          /* 2 */
           "  jobs:\n"                                                          /* 3 */
           "    columns:\n"                                                     /* 4 */
           "      id: { type: bigint, nullable: false }\n"                      /* 5 */
           "      created_at: { type: timestamptz, nullable: false }\n"         /* 6 */
           "    primary_key: [id]\n"                                            /* 7 */
           "    unique: [[created_at, id], [id]]\n"                             /* 8 */
           "    partition: { key: created_at, interval: monthly, start: 2025-11-01 }\n" /* 9 */
           "    maintenance: { schedule: \"0 * * * *\" }\n"                     /* 10 */
           "    indexes: [{ columns: [id], unique: true }, { columns: [created_at, id] }]\n"); /* 11 */
    const diag *dg = HAS(&f, "unique-missing-partition-key", SEV_ERROR, 7, "[id]");
    if (dg) {
        T_STREQ(dg->message, "primary key (id) of 'jobs' does not contain the partition key 'created_at'");
        T_CHECK(strstr(dg->hint, "add 'created_at' to the primary key") == dg->hint);
    }
    HAS(&f, "unique-missing-partition-key", SEV_ERROR, 8, "[id]]");
    HAS(&f, "unique-missing-partition-key", SEV_ERROR, 11, "{ columns: [id], unique");
    T_INTEQ(count(&f, "unique-missing-partition-key"), 3);
    T_INTEQ(f.d.n, 3);
    lf_free(&f);

    lf_run(&f, BASE "    indexes: [{ columns: [id, created_at], unique: true }]\n");
    T_INTEQ(f.d.n, 0);
    lf_free(&f);
}

#define IDEMPOTENCY                                                            \
    "version: 1\n"                                                     /* 1 */ \
    "tables:\n"                                                        /* 2 */ \
    "  ingest_idempotency:\n"                                          /* 3 */ \
    "    mode: convert\n"                                              /* 4 */ \
    "    columns:\n"                                                   /* 5 */ \
    "      site_id: { type: uuid, nullable: false }\n"                 /* 6 */ \
    "      idempotency_key: { type: text, nullable: false }\n"         /* 7 */ \
    "      created_at: { type: timestamptz, nullable: false }\n"       /* 8 */ \
    "    primary_key: [site_id, idempotency_key]\n"                    /* 9 */ \
    "    partition: { key: created_at, interval: monthly, start: 2025-11-01 }\n" /* 10 */ \
    "    maintenance: { schedule: \"0 * * * *\" }\n"                   /* 11 */

TEST(lint_uniqueness_weakened)
{
    lf f;
    lf_run(&f, IDEMPOTENCY "    unique: [[idempotency_key, created_at]]\n");
    const diag *dg = HAS(&f, "uniqueness-weakened", SEV_ERROR, 9, "[site_id");
    if (dg) {
        T_CHECK(strstr(dg->message, "primary key (site_id, idempotency_key) of 'ingest_idempotency' "
                                    "is extended with the partition key 'created_at'") == dg->message);
        T_CHECK(!dg->suppressed);
    }
    T_INTEQ(f.d.n, 1); /* the unique list has the key; convert is not unique-missing-partition-key */
    lf_free(&f);

    lf_run(&f, IDEMPOTENCY
           "    lint:\n"
           "      allow:\n"
           "        uniqueness-weakened: \"keys are unique per month by design\"\n");
    dg = HAS(&f, "uniqueness-weakened", SEV_ERROR, 9, "[site_id");
    if (dg) {
        T_CHECK(dg->suppressed);
        T_STREQ(dg->reason, "keys are unique per month by design");
    }
    T_INTEQ(diags_count(&f.d, SEV_NOTE), 0);
    lf_free(&f);

    lf_run(&f,
           "version: 1\n"
           "tables:\n"
           "  ingest_idempotency:\n"
           "    mode: convert\n"
           "    primary_key: [site_id, idempotency_key, created_at]\n"
           "    partition: { key: created_at, interval: monthly, start: 2025-11-01 }\n"
           "    maintenance: { schedule: \"0 * * * *\" }\n");
    T_INTEQ(f.d.n, 0);
    lf_free(&f);
}

TEST(lint_partition_key_nullable)
{
    lf f;
    lf_run(&f,
           "version: 1\n"
           "tables:\n"
           "  jobs:\n"
           "    columns:\n"
           "      id: { type: bigint, nullable: false }\n"
           "      created_at: { type: timestamptz }\n"
           "      other_at: { type: timestamptz, nullable: true }\n"
           "    partition: { key: created_at, interval: monthly, start: 2025-11-01 }\n"
           "    maintenance: { schedule: \"0 * * * *\" }\n"
           "  logs:\n"
           "    columns:\n"
           "      at: { type: timestamptz, nullable: true }\n"
           "    partition: { key: at, interval: monthly, start: 2025-11-01 }\n"
           "    maintenance: { schedule: \"0 * * * *\" }\n");
    const diag *dg = HAS(&f, "partition-key-nullable", SEV_ERROR, 6, "created_at");
    if (dg)
        T_STREQ(dg->message, "partition key 'created_at' of 'jobs' is nullable");
    HAS(&f, "partition-key-nullable", SEV_ERROR, 12, "true");
    T_INTEQ(f.d.n, 2);
    lf_free(&f);

    lf_run(&f, BASE);
    LACKS(&f, "partition-key-nullable");
    lf_free(&f);
}

TEST(lint_partition_key_type)
{
    lf f;
    lf_run(&f,
           "version: 1\n"
           "tables:\n"
           "  jobs:\n"
           "    columns:\n"
           "      created_at: { type: \"timestamp(6) without time zone\", nullable: false }\n"
           "    partition: { key: created_at, interval: monthly, start: 2025-11-01 }\n"
           "    maintenance: { schedule: \"0 * * * *\" }\n");
    const diag *dg = HAS(&f, "partition-key-type", SEV_WARNING, 5, "\"timestamp(6)");
    if (dg)
        T_STREQ(dg->hint, "use timestamptz for the partition key column");
    T_INTEQ(f.d.n, 1);
    lf_free(&f);

    lf_run(&f,
           "version: 1\n"
           "tables:\n"
           "  jobs:\n"
           "    columns:\n"
           "      created_at: { type: \"timestamp(6) with time zone\", nullable: false }\n"
           "    partition: { key: created_at, interval: monthly, start: 2025-11-01 }\n"
           "    maintenance: { schedule: \"0 * * * *\" }\n"
           "  days:\n"
           "    columns:\n"
           "      d: { type: date, nullable: false }\n"
           "    partition: { key: d, interval: monthly, start: 2025-11-01 }\n"
           "    maintenance: { schedule: \"0 * * * *\" }\n");
    T_INTEQ(f.d.n, 0);
    lf_free(&f);
}

TEST(lint_retention_rules)
{
    lf f;
    lf_run(&f, BASE
           "    retention:\n"                                                   /* 10 */
           "      keep: 2 weeks\n"                                              /* 11 */
           "      action: drop\n"                                               /* 12 */
           "      protect: 1\n");                                               /* 13 */
    const diag *dg = HAS(&f, "retention-shorter-than-interval", SEV_ERROR, 11, "2 weeks");
    if (dg)
        T_STREQ(dg->message, "retention keep '2 weeks' of 'jobs' is shorter than one monthly partition");
    dg = HAS(&f, "retention-unprotected", SEV_ERROR, 13, "1");
    if (dg)
        T_STREQ(dg->message,
                "retention protect 1 of 'jobs' lets action 'drop' remove the current or previous partition");
    T_INTEQ(f.d.n, 2);
    lf_free(&f);

    lf_run(&f, BASE "    retention: { keep: 1 month, action: archive, protect: 2 }\n");
    T_INTEQ(f.d.n, 0);
    lf_free(&f);

    /* batched delete on a plain table: neither rule applies */
    lf_run(&f, "version: 1\n"
               "tables:\n"
               "  ttl:\n"
               "    strategy: none\n"
               "    columns: { at: { type: timestamptz, nullable: false } }\n"
               "    retention: { keep: 1 hour, action: delete, column: at, protect: 0 }\n");
    T_INTEQ(f.d.n, 0);
    lf_free(&f);
}

TEST(lint_maintenance_unscheduled)
{
    lf f;
    lf_run(&f,
           "version: 1\n"
           "tables:\n"
           "  jobs:\n"
           "    columns: { at: { type: timestamptz, nullable: false } }\n"
           "    partition: { key: at, interval: monthly, start: 2025-11-01 }\n"
           "  logs:\n"
           "    columns: { at: { type: timestamptz, nullable: false } }\n"
           "    partition: { key: at, interval: monthly, start: 2025-11-01 }\n"
           "    maintenance: { warn_ahead: 10 weeks }\n");
    const diag *dg = HAS(&f, "maintenance-unscheduled", SEV_WARNING, 5, "partition");
    if (dg)
        T_STREQ(dg->message,
                "'jobs' has no maintenance.schedule: its partitions run out 3 monthly ranges after "
                "the migration unless something else calls its maintenance function");
    HAS(&f, "maintenance-unscheduled", SEV_WARNING, 9, "maintenance");
    T_INTEQ(f.d.n, 2);
    lf_free(&f);

    /* scheduled, or not partitioned */
    lf_run(&f, BASE "  plain: { strategy: none, columns: { id: { type: int } } }\n");
    T_INTEQ(f.d.n, 0);
    lf_free(&f);
}

TEST(lint_fk_without_index)
{
    lf f;
    lf_run(&f,
           "version: 1\n"                                                       /* 1 */
           "tables:\n"                                                          /* 2 */
           "  sites: { strategy: none, columns: { id: { type: int }, org: { type: int } }, primary_key: [id, org] }\n" /* 3 */
           "  runs:\n"                                                          /* 4 */
           "    strategy: none\n"                                               /* 5 */
           "    columns: { site: { type: int }, org: { type: int }, n: { type: int } }\n" /* 6 */
           "    indexes: [{ columns: [n, site, org] }, { columns: [site], using: brin }]\n" /* 7 */
           "    foreign_keys:\n"                                                /* 8 */
           "      - { columns: [site, org], references: { table: sites, columns: [id, org] } }\n"); /* 9 */
    const diag *dg = HAS(&f, "fk-without-index", SEV_WARNING, 9, "{ columns");
    if (dg)
        T_STREQ(dg->hint, "add an index with columns: [site, org]");
    T_INTEQ(f.d.n, 1);
    lf_free(&f);

    /* an index, the primary key or a unique list that leads with the columns */
    lf_run(&f,
           "version: 1\n"
           "tables:\n"
           "  sites: { strategy: none, columns: { id: { type: int }, org: { type: int } }, primary_key: [id, org] }\n"
           "  a:\n"
           "    strategy: none\n"
           "    columns: { site: { type: int }, org: { type: int }, n: { type: int } }\n"
           "    indexes: [{ columns: [org, site, n] }]\n"
           "    foreign_keys: [{ columns: [site, org], references: { table: sites, columns: [id, org] } }]\n"
           "  b:\n"
           "    strategy: none\n"
           "    columns: { site: { type: int }, org: { type: int } }\n"
           "    primary_key: [site, org]\n"
           "    foreign_keys: [{ columns: [site, org], references: { table: sites, columns: [id, org] } }]\n"
           "  c:\n"
           "    strategy: none\n"
           "    columns: { site: { type: int }, org: { type: int }, n: { type: int } }\n"
           "    unique: [[org, site]]\n"
           "    foreign_keys: [{ columns: [site, org], references: { table: sites, columns: [id, org] } }]\n");
    T_INTEQ(f.d.n, 0);
    if (f.d.n)
        lf_dump(&f);
    lf_free(&f);
}

TEST(lint_premake_too_short)
{
    lf f;
    lf_run(&f,
           "version: 1\n"
           "tables:\n"
           "  jobs:\n"
           "    columns: { at: { type: timestamptz, nullable: false } }\n"
           "    partition: { key: at, interval: monthly, start: 2025-11-01, premake: 1 }\n"
           "    maintenance: { schedule: \"0 * * * *\" }\n"
           "  logs:\n"
           "    columns: { at: { type: timestamptz, nullable: false } }\n"
           "    partition:\n"
           "      key: at\n"
           "      interval: monthly\n"
           "      start: 2025-11-01\n"
           "      premake: 2\n"
           "    maintenance: { schedule: \"0 * * * *\", warn_ahead: 90 days }\n");
    HAS(&f, "premake-too-short", SEV_WARNING, 5, "1 }");
    const diag *dg = HAS(&f, "premake-too-short", SEV_WARNING, 13, "2");
    if (dg)
        T_STREQ(dg->message,
                "premake 2 of 'logs' (2 monthly ranges) is shorter than warn_ahead '90 days': the "
                "health view warns right after every maintenance run");
    T_INTEQ(f.d.n, 2);
    lf_free(&f);

    lf_run(&f,
           "version: 1\n"
           "tables:\n"
           "  jobs:\n"
           "    columns: { at: { type: timestamptz, nullable: false } }\n"
           "    partition: { key: at, interval: daily, start: 2026-11-01, premake: 14 }\n"
           "    maintenance: { schedule: \"0 * * * *\", warn_ahead: 2 weeks, critical_ahead: 3 days }\n");
    T_INTEQ(f.d.n, 0);
    lf_free(&f);
}

TEST(lint_default_partition_blocks_concurrent_detach)
{
    lf f;
    lf_run(&f,
           "version: 1\n"
           "tables:\n"
           "  jobs:\n"
           "    columns: { at: { type: timestamptz, nullable: false } }\n"
           "    partition:\n"
           "      key: at\n"
           "      interval: monthly\n"
           "      start: 2025-11-01\n"
           "      default_partition: true\n"
           "    retention: { keep: 6 months, action: detach }\n"
           "    maintenance: { schedule: \"0 * * * *\" }\n");
    HAS(&f, "default-partition-blocks-concurrent-detach", SEV_WARNING, 9, "true");
    T_INTEQ(f.d.n, 1);
    lf_free(&f);

    lf_run(&f,
           "version: 1\n"
           "tables:\n"
           "  jobs:\n"
           "    columns: { at: { type: timestamptz, nullable: false } }\n"
           "    partition: { key: at, interval: monthly, start: 2025-11-01, default_partition: true }\n"
           "    retention: { keep: 6 months, action: drop }\n"
           "    maintenance: { schedule: \"0 * * * *\" }\n"
           "  logs:\n"
           "    columns: { at: { type: timestamptz, nullable: false } }\n"
           "    partition: { key: at, interval: monthly, start: 2025-11-01 }\n"
           "    retention: { keep: 6 months, action: archive }\n"
           "    maintenance: { schedule: \"0 * * * *\" }\n");
    T_INTEQ(f.d.n, 0);
    lf_free(&f);
}

TEST(lint_too_many_partitions)
{
    static const char spec[] =
        "version: 1\n"                                                          /* 1 */
        "tables:\n"                                                             /* 2 */
        "  events:\n"                                                           /* 3 */
        "    columns: { at: { type: timestamptz, nullable: false } }\n"         /* 4 */
        "    partition: { key: at, interval: daily, start: 2026-11-01 }\n"      /* 5 */
        "    retention: { keep: 2 years, action: drop }\n"                      /* 6 */
        "    maintenance: { schedule: \"0 * * * *\" }\n"                        /* 7 */
        "  hits:\n"                                                             /* 8 */
        "    columns: { at: { type: timestamptz, nullable: false } }\n"         /* 9 */
        "    partition: { key: at, interval: hourly, start: 2026-10-01 }\n"     /* 10 */
        "    maintenance: { schedule: \"0 * * * *\", warn_ahead: 1 day }\n";    /* 11 */
    lf f;
    lf_run(&f, spec);
    /* 730 days + 7 premake + the current one */
    const diag *dg = HAS(&f, "too-many-partitions", SEV_WARNING, 6, "2 years");
    if (dg)
        T_STREQ(dg->message, "'events' would keep about 738 daily partitions, more than 500");
    /* 2026-10-01 .. 2026-11-22 00:00 is 1249 hours + 24 premake */
    dg = HAS(&f, "too-many-partitions", SEV_WARNING, 10, "2026-10-01");
    if (dg)
        T_STREQ(dg->message, "'hits' would keep about 1273 hourly partitions, more than 500");
    T_INTEQ(f.d.n, 2);
    lf_free(&f);

    lf_run_max(&f, spec, 2000);
    T_INTEQ(f.d.n, 0);
    lf_free(&f);
}

/* Every finding of a rule is suppressed by one allow; other tables are not. */
TEST(lint_allow_is_per_table)
{
    lf f;
    lf_run(&f,
           "version: 1\n"
           "tables:\n"
           "  a:\n"
           "    columns: { at: { type: timestamptz, nullable: false } }\n"
           "    partition: { key: at, interval: monthly, start: 2025-11-01 }\n"
           "    lint: { allow: { maintenance-unscheduled: \"run by the app's scheduler\" } }\n"
           "  b:\n"
           "    columns: { at: { type: timestamptz, nullable: false } }\n"
           "    partition: { key: at, interval: monthly, start: 2025-11-01 }\n");
    T_INTEQ(count(&f, "maintenance-unscheduled"), 2);
    T_INTEQ(diags_count(&f.d, SEV_WARNING), 1);
    for (size_t i = 0; i < f.d.n; i++)
        T_CHECK(f.d.v[i].suppressed == (f.d.v[i].at.line == 5));
    lf_free(&f);
}
