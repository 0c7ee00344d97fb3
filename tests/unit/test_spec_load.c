/* Unit tests for spec_load: the spec-v1 example, then one test per error. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spec_load.h"
#include "strbuf.h"
#include "t.h"

typedef struct fx {
    arena *a;
    specset ss;
    diags d;
} fx;

static void fx_init(fx *f)
{
    f->a = arena_new();
    specset_init(&f->ss, f->a);
    diags_init(&f->d, f->a);
}

static int load(fx *f, const char *path, const char *text)
{
    return spec_load_bytes(&f->ss, path, text, strlen(text), &f->d);
}

static void dump(const fx *f)
{
    for (size_t i = 0; i < f->d.n; i++)
        fprintf(stderr, "  diag %s:%d:%d [%s] %s | %s\n", f->d.v[i].at.file,
                f->d.v[i].at.line, f->d.v[i].at.col, f->d.v[i].code, f->d.v[i].message,
                f->d.v[i].hint ? f->d.v[i].hint : "");
}

static const diag *find_code(const fx *f, const char *code)
{
    for (size_t i = 0; i < f->d.n; i++)
        if (strcmp(f->d.v[i].code, code) == 0)
            return &f->d.v[i];
    return NULL;
}

/* Exactly one diag, with this code and position. */
static void expect_one(fx *f, int rc, const char *code, int line, int col, const char *file,
                       int at)
{
    const diag *dg = find_code(f, code);
    if (rc != -1 || f->d.n != 1 || !dg || dg->at.line != line || dg->at.col != col) {
        t_fail(file, at, "want one [%s] at %d:%d, got rc %d", code, line, col, rc);
        dump(f);
    }
}
#define EXPECT_ONE(f, rc, code, line, col) expect_one(f, rc, code, line, col, __FILE__, __LINE__)

/* One diag of this code at this position among others. */
static const diag *expect_has(fx *f, const char *code, int line, int col, const char *file,
                              int at)
{
    for (size_t i = 0; i < f->d.n; i++) {
        const diag *dg = &f->d.v[i];
        if (strcmp(dg->code, code) == 0 && dg->at.line == line && dg->at.col == col)
            return dg;
    }
    t_fail(file, at, "want [%s] at %d:%d", code, line, col);
    dump(f);
    return NULL;
}
#define EXPECT_HAS(f, code, line, col) expect_has(f, code, line, col, __FILE__, __LINE__)

static const char EXAMPLE[] =
    "version: 1                      # required; any other value is an error\n"
    "\n"
    "settings:\n"
    "  postgres: 15\n"
    "  lock_timeout: 2s\n"
    "  statement_timeout: 0\n"
    "\n"
    "tables:\n"
    "  ingest_idempotency:\n"
    "    schema: public\n"
    "    mode: convert\n"
    "    strategy: partition\n"
    "    columns:\n"
    "      site_id:         { type: uuid, nullable: false }\n"
    "      idempotency_key: { type: text, nullable: false }\n"
    "      year_month:      { type: text, nullable: false }\n"
    "      billable:        { type: boolean, nullable: false, default: \"true\" }\n"
    "      created_at:      { type: timestamptz, nullable: false, default: \"now()\" }\n"
    "      expires_at:      { type: timestamptz, nullable: false }\n"
    "      id:              { type: bigint, identity: always }   # always | by_default\n"
    "    primary_key: [site_id, idempotency_key]\n"
    "    unique:\n"
    "      - [site_id, idempotency_key]\n"
    "    checks:\n"
    "      chk_expires_at: \"expires_at > created_at\"\n"
    "    partition:\n"
    "      key: created_at\n"
    "      interval: monthly\n"
    "      start: 2025-11-01\n"
    "      premake: 3\n"
    "      naming: \"{table}_{YYYY}_{MM}\"\n"
    "      default_partition: false\n"
    "    indexes:\n"
    "      - name: idx_ingest_idempotency_site_year_month_billable\n"
    "        columns: [site_id, year_month, billable]\n"
    "        using: btree\n"
    "        unique: false\n"
    "        where: \"billable = true\"\n"
    "        include: [expires_at]\n"
    "    foreign_keys:\n"
    "      - columns: [site_id]\n"
    "        references: { table: sites, columns: [id] }\n"
    "        on_delete: cascade\n"
    "    retention:\n"
    "      keep: 90 days\n"
    "      action: drop\n"
    "      column: expires_at\n"
    "      batch_size: 10000\n"
    "      protect: 2\n"
    "      archive_schema: archive\n"
    "    maintenance:\n"
    "      schedule: \"0 * * * *\"\n"
    "      warn_ahead: 7 days\n"
    "      critical_ahead: 3 days\n"
    "    security:\n"
    "      rls: true\n"
    "      policies:\n"
    "        tenant_isolation: { command: all, roles: [authenticated], using: \"site_id = auth_site()\" }\n"
    "      grants:\n"
    "        api_user: [select, insert, delete]\n"
    "    migrate:\n"
    "      batch_size: 10000\n"
    "      lock_timeout: 2s\n"
    "      shadow_suffix: _partitioned\n"
    "      old_suffix: _old\n"
    "      keep_old: 7 days\n"
    "    lint:\n"
    "      allow:\n"
    "        too-many-partitions: \"daily for 90 days is intended\"\n";

TEST(spec_load_example)
{
    fx f;
    fx_init(&f);
    int rc = load(&f, "ex.yaml", EXAMPLE);
    T_INTEQ(rc, 0);
    if (f.d.n)
        dump(&f);
    T_INTEQ(f.ss.files.n, 1);
    T_CHECK(f.ss.settings.present);
    T_INTEQ(f.ss.settings.postgres.v, 15);
    T_INTEQ(f.ss.settings.postgres.at.line, 4);
    T_INTEQ(f.ss.settings.postgres.at.col, 13);
    T_INTEQ(f.ss.settings.lock_timeout_ms.v, 2000);
    T_INTEQ(f.ss.settings.statement_timeout_ms.v, 0);
    T_INTEQ(f.ss.ntables, 1);
    if (f.ss.ntables != 1) {
        arena_free(f.a);
        return;
    }
    const table *t = f.ss.tables[0];
    T_STREQ(t->name.s, "ingest_idempotency");
    T_INTEQ(t->name.at.line, 9);
    T_INTEQ(t->name.at.col, 3);
    T_STREQ(t->name.at.file, "ex.yaml");
    T_STREQ(t->file, "ex.yaml");
    T_STREQ(t->schema.s, "public");
    T_INTEQ(t->mode.v, MODE_CONVERT);
    T_INTEQ(t->mode.at.line, 11);
    T_INTEQ(t->mode.at.col, 11);
    T_INTEQ(t->strategy.v, STRATEGY_PARTITION);
    T_INTEQ(t->ncolumns, 7);
    T_STREQ(t->columns[0].name.s, "site_id");
    T_INTEQ(t->columns[0].name.at.line, 14);
    T_STREQ(t->columns[0].type.s, "uuid");
    T_CHECK(!t->columns[0].nullable.v);
    T_STREQ(t->columns[3].default_expr.s, "true");
    T_STREQ(t->columns[4].default_expr.s, "now()");
    T_STREQ(t->columns[6].name.s, "id");
    T_CHECK(t->columns[6].nullable.v);
    T_INTEQ(t->columns[6].identity.v, IDENTITY_ALWAYS);
    T_INTEQ(t->columns[0].identity.v, IDENTITY_NONE);
    T_CHECK(t->primary_key.present);
    T_INTEQ(t->primary_key.n, 2);
    T_STREQ(t->primary_key.v[1].s, "idempotency_key");
    T_INTEQ(t->nunique, 1);
    T_INTEQ(t->unique[0].n, 2);
    T_STREQ(t->unique[0].v[0].s, "site_id");
    T_INTEQ(t->nchecks, 1);
    T_STREQ(t->checks[0].name.s, "chk_expires_at");
    T_STREQ(t->checks[0].expr.s, "expires_at > created_at");
    T_CHECK(t->part.present);
    T_STREQ(t->part.key.s, "created_at");
    T_INTEQ(t->part.interval.v, IV_MONTHLY);
    T_INTEQ(t->part.start.v, cal_join(2025, 11, 1, 0, 0, 0));
    T_INTEQ(t->part.start.at.line, 29);
    T_INTEQ(t->part.start.at.col, 14);
    T_INTEQ(t->part.premake.v, 3);
    T_STREQ(t->part.naming.s, "{table}_{YYYY}_{MM}");
    T_CHECK(!t->part.naming_defaulted);
    T_CHECK(!t->part.default_partition.v);
    T_INTEQ(t->nindexes, 1);
    const index *ix = &t->indexes[0];
    T_STREQ(ix->name.s, "idx_ingest_idempotency_site_year_month_billable");
    T_INTEQ(ix->columns.n, 3);
    T_STREQ(ix->columns.v[2].s, "billable");
    T_STREQ(ix->using.s, "btree");
    T_CHECK(!ix->unique.v);
    T_STREQ(ix->where.s, "billable = true");
    T_INTEQ(ix->include.n, 1);
    T_STREQ(ix->include.v[0].s, "expires_at");
    T_INTEQ(ix->at.line, 34);
    T_INTEQ(t->nfks, 1);
    const foreign_key *fk = &t->fks[0];
    T_STREQ(fk->columns.v[0].s, "site_id");
    T_CHECK(fk->ref_schema.s == NULL);
    T_STREQ(fk->ref_table.s, "sites");
    T_STREQ(fk->ref_columns.v[0].s, "id");
    T_INTEQ(fk->on_delete.v, FK_CASCADE);
    T_CHECK(t->retention.present);
    T_INTEQ(t->retention.keep.v.n, 90);
    T_INTEQ(t->retention.keep.v.unit, DU_DAYS);
    T_INTEQ(t->retention.action.v, RET_DROP);
    T_STREQ(t->retention.column.s, "expires_at");
    T_INTEQ(t->retention.batch_size.v, 10000);
    T_INTEQ(t->retention.protect.v, 2);
    T_STREQ(t->retention.archive_schema.s, "archive");
    T_CHECK(t->maintenance.present);
    T_STREQ(t->maintenance.schedule.s, "0 * * * *");
    T_CHECK(t->maintenance.warn_ahead.given);
    T_INTEQ(t->maintenance.warn_ahead.v.n, 7);
    T_INTEQ(t->maintenance.critical_ahead.v.n, 3);
    T_INTEQ(t->maintenance.critical_ahead.v.unit, DU_DAYS);
    T_CHECK(t->security.present);
    T_CHECK(t->security.rls.v);
    T_INTEQ(t->security.npolicies, 1);
    T_STREQ(t->security.policies[0].name.s, "tenant_isolation");
    T_INTEQ(t->security.policies[0].command.v, POLICY_ALL);
    T_INTEQ(t->security.policies[0].roles.n, 1);
    T_STREQ(t->security.policies[0].roles.v[0].s, "authenticated");
    T_STREQ(t->security.policies[0].using.s, "site_id = auth_site()");
    T_CHECK(t->security.policies[0].check.s == NULL);
    T_INTEQ(t->security.ngrants, 1);
    T_STREQ(t->security.grants[0].role.s, "api_user");
    T_INTEQ(t->security.grants[0].privileges.n, 3);
    T_STREQ(t->security.grants[0].privileges.v[2].s, "delete");
    T_CHECK(t->migrate.present);
    T_INTEQ(t->migrate.batch_size.v, 10000);
    T_INTEQ(t->migrate.lock_timeout_ms.v, 2000);
    T_STREQ(t->migrate.shadow_suffix.s, "_partitioned");
    T_STREQ(t->migrate.old_suffix.s, "_old");
    T_INTEQ(t->migrate.keep_old.v.n, 7);
    T_INTEQ(t->nallows, 1);
    T_STREQ(t->allows[0].rule.s, "too-many-partitions");
    T_STREQ(t->allows[0].reason.s, "daily for 90 days is intended");
    arena_free(f.a);
}

TEST(spec_load_defaults)
{
    fx f;
    fx_init(&f);
    int rc = load(&f, "d.yaml",
                  "version: 1\n"
                  "tables:\n"
                  "  jobs:\n"
                  "    columns:\n"
                  "      n: { type: int, default: 0 }\n"
                  "      b: { type: boolean, default: true }\n"
                  "    partition: { key: created, interval: daily, start: \"2025-01-01\" }\n"
                  "    indexes:\n"
                  "      - columns: [\"lower(name)\"]\n"
                  "    foreign_keys:\n"
                  "      - columns: [a]\n"
                  "        references: { table: core.sites, columns: [id] }\n"
                  "        on_delete: set null\n"
                  "  sites:\n"
                  "    mode: reference\n"
                  "    strategy: none\n");
    T_INTEQ(rc, 0);
    dump(&f);
    T_INTEQ(f.ss.ntables, 2);
    T_CHECK(!f.ss.settings.present);
    T_INTEQ(f.ss.settings.postgres.v, 15);
    const table *t = f.ss.tables[0];
    T_STREQ(t->schema.s, "public");
    T_INTEQ(t->mode.v, MODE_CREATE);
    T_STREQ(t->columns[0].default_expr.s, "0");
    T_STREQ(t->columns[1].default_expr.s, "true");
    T_INTEQ(t->part.premake.v, 7);
    T_CHECK(t->part.naming_defaulted);
    T_STREQ(t->indexes[0].using.s, "btree");
    T_CHECK(t->indexes[0].name.s == NULL);
    T_STREQ(t->indexes[0].columns.v[0].s, "lower(name)");
    T_STREQ(t->fks[0].ref_schema.s, "core");
    T_STREQ(t->fks[0].ref_table.s, "sites");
    T_INTEQ(t->fks[0].on_delete.v, FK_SET_NULL);
    T_CHECK(!t->primary_key.present);
    T_INTEQ(t->migrate.lock_timeout_ms.v, -1);
    T_INTEQ(t->retention.protect.v, 2);
    T_INTEQ(f.ss.tables[1]->mode.v, MODE_REFERENCE);
    T_INTEQ(f.ss.tables[1]->strategy.v, STRATEGY_NONE);
    arena_free(f.a);
}

TEST(spec_load_settings_only)
{
    fx f;
    fx_init(&f);
    int rc = load(&f, "s.yaml", "version: 1\nsettings: { postgres: 17, lock_timeout: 500ms }\n");
    T_INTEQ(rc, 0);
    T_CHECK(f.ss.settings.present);
    T_INTEQ(f.ss.settings.postgres.v, 17);
    T_INTEQ(f.ss.settings.lock_timeout_ms.v, 500);
    T_INTEQ(f.ss.ntables, 0);
    arena_free(f.a);
}

TEST(spec_load_yaml_syntax)
{
    fx f;
    fx_init(&f);
    int rc = load(&f, "x.yaml", "version: 1\ntables:\n  a: [b\n");
    EXPECT_ONE(&f, rc, "yaml-syntax", 4, 1);
    T_CHECK(f.d.n == 1 && f.d.v[0].hint && strstr(f.d.v[0].hint, "check indentation"));
    arena_free(f.a);

    fx_init(&f);
    rc = load(&f, "x.yaml", "version: 1\ntables:\n  a: 'unterminated\n");
    T_INTEQ(rc, -1);
    T_INTEQ((int)f.d.n, 1);
    T_CHECK(find_code(&f, "yaml-syntax") != NULL);
    arena_free(f.a);

    fx_init(&f);
    rc = load(&f, "x.yaml", "version: 1\ntables:\n\tjobs: {}\n");
    EXPECT_ONE(&f, rc, "yaml-syntax", 3, 1);
    T_CHECK(f.d.n == 1 && strstr(f.d.v[0].hint, "tabs"));
    arena_free(f.a);
}

TEST(spec_load_empty)
{
    fx f;
    fx_init(&f);
    int rc = load(&f, "e.yaml", "");
    EXPECT_ONE(&f, rc, "empty-spec", 1, 1);
    T_STREQ(f.d.v[0].message, "file has no spec document");
    T_STREQ(f.d.v[0].hint, "a spec starts with 'version: 1'");
    arena_free(f.a);

    fx_init(&f);
    rc = load(&f, "e.yaml", "# only a comment\n");
    EXPECT_ONE(&f, rc, "empty-spec", 1, 1);
    arena_free(f.a);

    fx_init(&f);
    rc = load(&f, "e.yaml", "---\n");
    T_INTEQ(rc, -1);
    T_INTEQ((int)f.d.n, 1);
    T_CHECK(find_code(&f, "empty-spec") != NULL);
    arena_free(f.a);
}

TEST(spec_load_multiple_documents)
{
    fx f;
    fx_init(&f);
    int rc = load(&f, "m.yaml", "version: 1\ntables: {}\n---\nversion: 1\n");
    EXPECT_ONE(&f, rc, "multiple-documents", 3, 1);
    T_INTEQ(f.ss.ntables, 0);
    arena_free(f.a);
}

TEST(spec_load_alias)
{
    fx f;
    fx_init(&f);
    int rc = load(&f, "a.yaml",
                  "version: 1\n"
                  "tables:\n"
                  "  a: &t { columns: { x: { type: int } } }\n"
                  "  b: *t\n");
    EXPECT_ONE(&f, rc, "yaml-alias", 4, 6);
    T_INTEQ(f.ss.ntables, 0);
    arena_free(f.a);

    /* billion laughs stops at the first alias */
    fx_init(&f);
    rc = load(&f, "a.yaml",
              "a: &a [\"lol\",\"lol\"]\n"
              "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
              "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n");
    EXPECT_ONE(&f, rc, "yaml-alias", 2, 8);
    arena_free(f.a);
}

TEST(spec_load_too_deep)
{
    fx f;
    fx_init(&f);
    size_t depth = 20000;
    char *s = malloc(depth * 2 + 64);
    size_t n = 0;
    memcpy(s, "version: 1\ntables: ", 19);
    n = 19;
    for (size_t i = 0; i < depth; i++)
        s[n++] = '[';
    for (size_t i = 0; i < depth; i++)
        s[n++] = ']';
    s[n++] = '\n';
    int rc = spec_load_bytes(&f.ss, "deep.yaml", s, n, &f.d);
    /* the root mapping is level 1: the 64th '[' opens level 65 */
    EXPECT_ONE(&f, rc, "too-deep", 2, 8 + 64);
    free(s);
    arena_free(f.a);

    /* block nesting, just within the limit, loads (and is a wrong-type) */
    fx_init(&f);
    strbuf sb = STRBUF_INIT;
    sb_puts(&sb, "version: 1\ntables:\n");
    for (int i = 0; i < 62; i++) {
        for (int k = 0; k < i + 1; k++)
            sb_puts(&sb, " ");
        sb_addf(&sb, "k%d:\n", i);
    }
    for (int k = 0; k < 63; k++)
        sb_puts(&sb, " ");
    sb_puts(&sb, "leaf: 1\n");
    rc = load(&f, "deep.yaml", sb_str(&sb));
    T_CHECK(rc == -1 && find_code(&f, "too-deep") == NULL);
    sb_free(&sb);
    arena_free(f.a);

    /* one level more is refused */
    fx_init(&f);
    sb_init(&sb);
    sb_puts(&sb, "version: 1\ntables:\n");
    for (int i = 0; i < 63; i++) {
        for (int k = 0; k < i + 1; k++)
            sb_puts(&sb, " ");
        sb_addf(&sb, "k%d:\n", i);
    }
    for (int k = 0; k < 64; k++)
        sb_puts(&sb, " ");
    sb_puts(&sb, "leaf: 1\n");
    rc = load(&f, "deep.yaml", sb_str(&sb));
    EXPECT_ONE(&f, rc, "too-deep", 66, 65);
    sb_free(&sb);
    arena_free(f.a);
}

TEST(spec_load_version)
{
    fx f;
    fx_init(&f);
    int rc = load(&f, "v.yaml", "version: 2\ntables: {}\n");
    EXPECT_ONE(&f, rc, "bad-version", 1, 10);
    arena_free(f.a);

    fx_init(&f);
    rc = load(&f, "v.yaml", "version: \"1\"\ntables: {}\n");
    EXPECT_ONE(&f, rc, "bad-version", 1, 10);
    arena_free(f.a);

    fx_init(&f);
    rc = load(&f, "v.yaml", "tables: {}\n");
    EXPECT_ONE(&f, rc, "missing-key", 1, 1);
    arena_free(f.a);

    fx_init(&f);
    rc = load(&f, "v.yaml", "version: 1\n");
    EXPECT_ONE(&f, rc, "missing-key", 1, 1);
    arena_free(f.a);
}

TEST(spec_load_duplicate_settings)
{
    fx f;
    fx_init(&f);
    int rc = load(&f, "a.yaml", "version: 1\nsettings: { postgres: 14 }\n");
    T_INTEQ(rc, 0);
    rc = load(&f, "b.yaml", "version: 1\n\nsettings:\n  postgres: 16\n");
    EXPECT_ONE(&f, rc, "duplicate-settings", 3, 1);
    T_STREQ(f.d.v[0].at.file, "b.yaml");
    T_CHECK(strstr(f.d.v[0].hint, "a.yaml:2") != NULL);
    T_INTEQ(f.ss.settings.postgres.v, 14);
    arena_free(f.a);
}

TEST(spec_load_unknown_key)
{
    fx f;
    fx_init(&f);
    int rc = load(&f, "u.yaml",
                  "version: 1\n"
                  "tables:\n"
                  "  jobs:\n"
                  "    partition:\n"
                  "      key: created\n"
                  "      interval: daily\n"
                  "      start: 2025-01-01\n"
                  "      premak: 3\n");
    EXPECT_ONE(&f, rc, "unknown-key", 8, 7);
    T_STREQ(f.d.v[0].message, "unknown key 'premak' in 'partition'");
    T_STREQ(f.d.v[0].hint, "did you mean 'premake'?");
    T_INTEQ(f.ss.ntables, 1);
    arena_free(f.a);

    fx_init(&f);
    rc = load(&f, "u.yaml", "version: 1\ntables:\n  jobs:\n    bogus_thing: 1\n");
    EXPECT_ONE(&f, rc, "unknown-key", 4, 5);
    T_CHECK(strstr(f.d.v[0].hint, "valid keys: schema, mode") != NULL);
    arena_free(f.a);

    fx_init(&f);
    rc = load(&f, "u.yaml", "version: 1\ntabels: {}\n");
    EXPECT_ONE(&f, rc, "unknown-key", 2, 1);
    T_STREQ(f.d.v[0].hint, "did you mean 'tables'?");
    arena_free(f.a);
}

TEST(spec_load_duplicate_key)
{
    fx f;
    fx_init(&f);
    int rc = load(&f, "k.yaml",
                  "version: 1\n"
                  "tables:\n"
                  "  jobs:\n"
                  "    partition:\n"
                  "      key: a\n"
                  "      interval: daily\n"
                  "      start: 2025-01-01\n"
                  "      key: b\n");
    EXPECT_ONE(&f, rc, "duplicate-key", 8, 7);
    T_STREQ(f.d.v[0].message, "duplicate key 'key' in 'partition'");
    T_STREQ(f.d.v[0].hint, "first given at line 5");
    T_STREQ(f.ss.tables[0]->part.key.s, "a");
    arena_free(f.a);

    fx_init(&f);
    rc = load(&f, "k.yaml",
              "version: 1\n"
              "tables:\n"
              "  jobs:\n"
              "    columns:\n"
              "      a: { type: int }\n"
              "      a: { type: text }\n");
    EXPECT_ONE(&f, rc, "duplicate-key", 6, 7);
    T_INTEQ(f.ss.tables[0]->ncolumns, 1);
    arena_free(f.a);
}

TEST(spec_load_wrong_type)
{
    fx f;
    fx_init(&f);
    int rc = load(&f, "w.yaml", "version: 1\ntables:\n  jobs:\n    partition: [a, b]\n");
    EXPECT_ONE(&f, rc, "wrong-type", 4, 16);
    T_STREQ(f.d.v[0].message, "expected a mapping for 'partition', got a list");
    arena_free(f.a);

    fx_init(&f);
    rc = load(&f, "w.yaml",
              "version: 1\ntables:\n  jobs:\n    columns:\n      a: { type: int, nullable: yes }\n");
    EXPECT_ONE(&f, rc, "wrong-type", 5, 33);
    T_STREQ(f.d.v[0].hint, "use true or false");
    arena_free(f.a);

    fx_init(&f);
    rc = load(&f, "w.yaml", "version: 1\ntables:\n  jobs:\n    schema: { a: b }\n");
    EXPECT_ONE(&f, rc, "wrong-type", 4, 13);
    arena_free(f.a);

    fx_init(&f);
    rc = load(&f, "w.yaml", "- version: 1\n");
    EXPECT_ONE(&f, rc, "wrong-type", 1, 1);
    arena_free(f.a);

    fx_init(&f);
    rc = load(&f, "w.yaml", "version: 1\ntables:\n  jobs:\n    primary_key: id\n");
    EXPECT_ONE(&f, rc, "wrong-type", 4, 18);
    arena_free(f.a);
}

TEST(spec_load_bad_number)
{
    fx f;
    fx_init(&f);
    int rc = load(&f, "n.yaml",
                  "version: 1\n"
                  "settings: { postgres: 12 }\n"
                  "tables:\n"
                  "  jobs:\n"
                  "    partition: { key: a, interval: daily, start: 2025-01-01, premake: 10001 }\n"
                  "    retention: { keep: 3 days, batch_size: 0, protect: 1.5 }\n"
                  "    migrate: { batch_size: 99999999999999999999999 }\n");
    T_INTEQ(rc, -1);
    T_INTEQ((int)f.d.n, 5);
    EXPECT_HAS(&f, "bad-number", 2, 23);
    const diag *dg = EXPECT_HAS(&f, "bad-number", 5, 71);
    if (dg)
        T_STREQ(dg->hint, "allowed: 0 to 10000");
    EXPECT_HAS(&f, "bad-number", 6, 44);
    EXPECT_HAS(&f, "bad-number", 6, 56);
    EXPECT_HAS(&f, "bad-number", 7, 28);
    arena_free(f.a);

    fx_init(&f);
    rc = load(&f, "n.yaml", "version: 1\nsettings: { postgres: \"15\" }\n");
    EXPECT_ONE(&f, rc, "wrong-type", 2, 23);
    arena_free(f.a);
}

TEST(spec_load_bad_value)
{
    fx f;
    fx_init(&f);
    int rc = load(&f, "b.yaml",
                  "version: 1\n"
                  "tables:\n"
                  "  jobs:\n"
                  "    mode: migrate\n"
                  "    partition: { key: a, interval: montly, start: 2025-01-01 }\n"
                  "    security: { grants: { api: [select, upsert] } }\n");
    T_INTEQ(rc, -1);
    T_INTEQ((int)f.d.n, 3);
    const diag *dg = EXPECT_HAS(&f, "bad-value", 4, 11);
    if (dg) {
        T_STREQ(dg->message, "'migrate' is not allowed for 'mode'");
        T_STREQ(dg->hint, "use one of: create, convert, reference");
    }
    dg = EXPECT_HAS(&f, "bad-value", 5, 36);
    if (dg)
        T_STREQ(dg->hint, "did you mean 'monthly'?");
    EXPECT_HAS(&f, "bad-value", 6, 41);
    arena_free(f.a);
}

TEST(spec_load_dates)
{
    fx f;
    fx_init(&f);
    int rc = load(&f, "d.yaml",
                  "version: 1\ntables:\n  jobs:\n"
                  "    partition: { key: a, interval: daily, start: 2025-02-30 }\n");
    EXPECT_ONE(&f, rc, "impossible-date", 4, 50);
    T_STREQ(f.d.v[0].message, "'2025-02-30' is not a date: February 2025 has 28 days");
    arena_free(f.a);

    fx_init(&f);
    rc = load(&f, "d.yaml",
              "version: 1\ntables:\n  jobs:\n"
              "    partition: { key: a, interval: daily, start: 2025-13-01 }\n");
    EXPECT_ONE(&f, rc, "impossible-date", 4, 50);
    arena_free(f.a);

    fx_init(&f);
    rc = load(&f, "d.yaml",
              "version: 1\ntables:\n  jobs:\n"
              "    partition: { key: a, interval: daily, start: next monday }\n");
    EXPECT_ONE(&f, rc, "bad-date", 4, 50);
    T_STREQ(f.d.v[0].hint, "write YYYY-MM-DD");
    arena_free(f.a);

    fx_init(&f);
    rc = load(&f, "d.yaml",
              "version: 1\ntables:\n  jobs:\n    partition: { key: a, interval: daily }\n");
    EXPECT_ONE(&f, rc, "missing-key", 4, 5);
    arena_free(f.a);
}

TEST(spec_load_durations)
{
    fx f;
    fx_init(&f);
    int rc = load(&f, "d.yaml",
                  "version: 1\n"
                  "tables:\n"
                  "  jobs:\n"
                  "    strategy: none\n"
                  "    retention:\n"
                  "      keep: 90 dayz\n"
                  "    maintenance:\n"
                  "      warn_ahead: 0 days\n"
                  "      critical_ahead: -1 days\n"
                  "    migrate:\n"
                  "      keep_old: 99999999999999999 years\n");
    T_INTEQ(rc, -1);
    T_INTEQ((int)f.d.n, 4);
    EXPECT_HAS(&f, "bad-duration", 6, 13);
    EXPECT_HAS(&f, "negative-duration", 8, 19);
    EXPECT_HAS(&f, "negative-duration", 9, 23);
    EXPECT_HAS(&f, "bad-number", 11, 17);
    arena_free(f.a);
}

TEST(spec_load_timeouts)
{
    fx f;
    fx_init(&f);
    int rc = load(&f, "t.yaml",
                  "version: 1\n"
                  "settings:\n"
                  "  lock_timeout: 2 secs\n"
                  "  statement_timeout: 0\n"
                  "tables:\n"
                  "  jobs:\n"
                  "    migrate: { lock_timeout: 1min }\n");
    EXPECT_ONE(&f, rc, "bad-timeout", 3, 17);
    T_INTEQ(f.ss.settings.statement_timeout_ms.v, 0);
    T_INTEQ(f.ss.tables[0]->migrate.lock_timeout_ms.v, 60000);
    arena_free(f.a);
}

TEST(spec_load_duplicate_table)
{
    fx f;
    fx_init(&f);
    int rc = load(&f, "a.yaml", "version: 1\ntables:\n  jobs: { mode: reference }\n");
    T_INTEQ(rc, 0);
    rc = load(&f, "b.yaml",
              "version: 1\ntables:\n  other: { mode: reference }\n  jobs: { mode: reference }\n"
              "  jobs2: { schema: x }\n");
    EXPECT_ONE(&f, rc, "duplicate-table", 4, 3);
    T_STREQ(f.d.v[0].at.file, "b.yaml");
    T_STREQ(f.d.v[0].hint, "first defined at a.yaml:3");
    T_INTEQ(f.ss.ntables, 3);
    /* same name in another schema is another table */
    rc = load(&f, "c.yaml", "version: 1\ntables:\n  jobs: { schema: archive, mode: reference }\n");
    T_INTEQ(rc, 0);
    T_INTEQ(f.ss.ntables, 4);
    arena_free(f.a);
}

TEST(spec_load_encoding)
{
    fx f;
    fx_init(&f);
    static const char bad[] = "version: 1\ntables:\n  j\xff: {}\n";
    int rc = spec_load_bytes(&f.ss, "e.yaml", bad, sizeof bad - 1, &f.d);
    EXPECT_ONE(&f, rc, "bad-encoding", 3, 4);
    arena_free(f.a);

    fx_init(&f);
    static const char nul[] = "version: 1\ntables: {}\0\n";
    rc = spec_load_bytes(&f.ss, "e.yaml", nul, sizeof nul - 1, &f.d);
    EXPECT_ONE(&f, rc, "bad-encoding", 2, 11);
    arena_free(f.a);

    /* a NUL made with an escape */
    fx_init(&f);
    rc = load(&f, "e.yaml", "version: 1\ntables:\n  \"a\\0b\": {}\n");
    EXPECT_ONE(&f, rc, "bad-encoding", 3, 3);
    arena_free(f.a);

    /* non-ASCII names are fine; columns count characters */
    fx_init(&f);
    rc = load(&f, "e.yaml", "version: 1\ntables:\n  \xc3\xa9t\xc3\xa9: { bogus: 1 }\n");
    EXPECT_ONE(&f, rc, "unknown-key", 3, 10);
    arena_free(f.a);
}

TEST(spec_load_names_and_reasons)
{
    fx f;
    fx_init(&f);
    int rc = load(&f, "n.yaml",
                  "version: 1\n"
                  "tables:\n"
                  "  jobs:\n"
                  "    schema: \"\"\n"
                  "    lint:\n"
                  "      allow:\n"
                  "        too-many-partitions: \"\"\n"
                  "        other-rule:\n");
    T_INTEQ(rc, -1);
    T_INTEQ((int)f.d.n, 3);
    EXPECT_HAS(&f, "empty-name", 4, 13);
    EXPECT_HAS(&f, "missing-reason", 7, 30);
    EXPECT_HAS(&f, "missing-reason", 8, 9);
    arena_free(f.a);
}

TEST(spec_load_collects_all)
{
    fx f;
    fx_init(&f);
    int rc = load(&f, "c.yaml",
                  "version: 1\n"
                  "tables:\n"
                  "  a:\n"
                  "    mode: bogus\n"
                  "    colums: {}\n"
                  "  b:\n"
                  "    strategy: [x]\n"
                  "    indexes:\n"
                  "      - columns: [x]\n"
                  "        using: bitmap\n"
                  "        uniq: true\n");
    T_INTEQ(rc, -1);
    T_INTEQ((int)f.d.n, 5);
    EXPECT_HAS(&f, "bad-value", 4, 11);
    EXPECT_HAS(&f, "unknown-key", 5, 5);
    EXPECT_HAS(&f, "wrong-type", 7, 15);
    EXPECT_HAS(&f, "bad-value", 10, 16);
    EXPECT_HAS(&f, "unknown-key", 11, 9);
    arena_free(f.a);
}

TEST(spec_load_hostile)
{
    /* an 8 MB scalar */
    fx f;
    fx_init(&f);
    size_t big = 8u * 1024u * 1024u;
    char *s = malloc(big + 64);
    size_t n = 0;
    memcpy(s, "version: 1\ntables:\n  ", 21);
    n = 21;
    memset(s + n, 'x', big);
    n += big;
    memcpy(s + n, ": { bogus: 1 }\n", 15);
    n += 15;
    int rc = spec_load_bytes(&f.ss, "big.yaml", s, n, &f.d);
    T_INTEQ(rc, -1);
    T_CHECK(f.d.n == 1 && strlen(f.d.v[0].message) < 200);
    free(s);
    arena_free(f.a);

    /* binary garbage */
    fx_init(&f);
    unsigned char g[4096];
    unsigned x = 12345;
    for (size_t i = 0; i < sizeof g; i++) {
        x = x * 1103515245u + 12345u;
        g[i] = (unsigned char)(x >> 16);
    }
    rc = spec_load_bytes(&f.ss, "bin.yaml", (const char *)g, sizeof g, &f.d);
    T_INTEQ(rc, -1);
    T_CHECK(find_code(&f, "bad-encoding") != NULL);
    arena_free(f.a);

    /* many printable-garbage variants: never more than a few diags, never a crash */
    for (int k = 0; k < 200; k++) {
        fx_init(&f);
        char buf[256];
        for (size_t i = 0; i < sizeof buf; i++) {
            x = x * 1103515245u + 12345u;
            buf[i] = "ab:- {}[]\n\"'#&*!|>%@, 1"[(x >> 16) % 23];
        }
        spec_load_bytes(&f.ss, "r.yaml", buf, sizeof buf, &f.d);
        arena_free(f.a);
    }
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return;
    fputs(text, fp);
    fclose(fp);
}

TEST(spec_load_paths)
{
    char dir[] = "/tmp/partc_spec_load_XXXXXX";
    if (!mkdtemp(dir)) {
        T_CHECK(!"mkdtemp");
        return;
    }
    arena *tmp = arena_new();
    const char *sub = arena_printf(tmp, "%s/sub", dir);
    mkdir(sub, 0700);
    const char *fa = arena_printf(tmp, "%s/b.yaml", dir);
    const char *fb = arena_printf(tmp, "%s/a.yml", dir);
    const char *fc = arena_printf(tmp, "%s/sub/c.yaml", dir);
    const char *fd = arena_printf(tmp, "%s/notes.txt", dir);
    write_file(fa, "version: 1\ntables:\n  t_b: { mode: reference }\n");
    write_file(fb, "version: 1\ntables:\n  t_a: { mode: reference }\n");
    write_file(fc, "version: 1\ntables:\n  t_c: { mode: reference }\n");
    write_file(fd, "not yaml at all: [\n");

    fx f;
    fx_init(&f);
    const char *missing_path = arena_printf(tmp, "%s/nope.yaml", dir);
    const char *paths[] = {fa, dir, missing_path};
    int rc = spec_load_paths(&f.ss, paths, 3, &f.d);
    T_INTEQ(rc, -1);
    T_CHECK(spec_load_unreadable(&f.d));
    const diag *dg = find_code(&f, "io-error");
    T_CHECK(dg != NULL);
    if (dg) {
        T_STREQ(dg->at.file, missing_path);
        T_INTEQ(dg->at.line, 0);
    }
    /* b.yaml as given first, then the folder in path order without repeating it */
    T_INTEQ(f.ss.ntables, 3);
    if (f.ss.ntables == 3) {
        T_STREQ(f.ss.tables[0]->name.s, "t_b");
        T_STREQ(f.ss.tables[1]->name.s, "t_a");
        T_STREQ(f.ss.tables[2]->name.s, "t_c");
        T_STREQ(f.ss.tables[2]->file, fc);
    }
    T_INTEQ(f.ss.files.n, 3);
    T_CHECK(srcset_find(&f.ss.files, fc) != NULL);
    arena_free(f.a);

    unlink(fa);
    unlink(fb);
    unlink(fc);
    unlink(fd);
    rmdir(sub);
    rmdir(dir);
    arena_free(tmp);
}
