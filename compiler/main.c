/* main: argv -> options -> command.  The only place that exits.
 *
 * Commands are one table; each takes the parsed options and returns an exit
 * code.  Diagnostics are collected by the pipeline stages and printed here
 * once, sorted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "emit.h"
#include "evolve.h"
#include "lint.h"
#include "lockfile.h"
#include "model.h"
#include "names.h"
#include "plan.h"
#include "render.h"
#include "report.h"
#include "spec_load.h"
#include "spec_schema.h"
#include "template.h"
#include "validate.h"

#define PARTC_VERSION "0.1.0"

/* 4: partc itself is broken (a built-in pattern does not compile), not the input. */
enum exit_code { EXIT_OK = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2, EXIT_IO = 3, EXIT_INTERNAL = 4 };

typedef struct options {
    const char **paths;
    size_t npaths;
    const char *target;
    const char *out;
    const char *as_of_text;
    const char *templates;
    const char *format;  /* lint, rules: text | json | sarif | github (| markdown for rules) */
    const char *fail_on; /* lint: error | warning */
    const char *max_partitions; /* lint: too-many-partitions threshold */
    const char *postgres; /* the server major, instead of settings.postgres */
    bool help;
} options;

typedef struct command {
    const char *name;
    const char *summary;
    const char *usage;
    const char *allowed; /* options it takes, space separated */
    int (*run)(const options *o);
} command;

static int cmd_compile(const options *o);
static int cmd_plan(const options *o);
static int cmd_lint(const options *o);
static int cmd_rules(const options *o);
static int cmd_check(const options *o);
static int cmd_keys(const options *o);

static const command commands[] = {
    {.name = "compile",
     .summary = "write forward and rollback migrations for the specs",
     .usage = "partc compile [PATH...] [--target T] [--out DIR] [--as-of YYYY-MM-DD] [--postgres N] [--templates DIR]",
     .allowed = "--target --out --as-of --postgres --templates",
     .run = cmd_compile},
    {.name = "check",
     .summary = "exit 1 when a migrations folder differs from what the specs compile to (for CI)",
     .usage = "partc check [PATH...] [--target T] [--out DIR] [--as-of YYYY-MM-DD] [--postgres N] [--templates DIR]",
     .allowed = "--target --out --as-of --postgres --templates",
     .run = cmd_check},
    {.name = "plan",
     .summary = "show what the migrations will do: steps, locks, transactions, partitions",
     .usage = "partc plan [PATH...] [--format text|markdown] [--target T --out DIR] [--as-of YYYY-MM-DD] [--postgres N]",
     .allowed = "--as-of --postgres --format --target --out",
     .run = cmd_plan},
    {.name = "lint",
     .summary = "check the specs: validation errors and partition-safety rules",
     .usage = "partc lint [PATH...] [--format text|json|sarif|github] [--fail-on error|warning] [--target T] "
              "[--out DIR] [--max-partitions N] [--as-of YYYY-MM-DD] [--postgres N]",
     .allowed = "--as-of --target --out --format --fail-on --max-partitions --postgres",
     .run = cmd_lint},
    {.name = "rules",
     .summary = "list the lint rules: id, default severity, summary, why, how to fix",
     .usage = "partc rules [--format text|json|markdown]",
     .allowed = "--format",
     .run = cmd_rules},
    {.name = "keys",
     .summary = "list the spec's keys: what each takes, its default and what it means",
     .usage = "partc keys [--format text|markdown|dict]",
     .allowed = "--format",
     .run = cmd_keys},
};
static const size_t ncommands = sizeof commands / sizeof commands[0];

static void usage_all(FILE *out)
{
    fputs("partc " PARTC_VERSION ": compile declarative table specs into PostgreSQL migrations\n\n"
          "usage: partc COMMAND [PATH...] [OPTIONS]\n\ncommands:\n",
          out);
    for (size_t i = 0; i < ncommands; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fputs("\nPATH is a spec file or a folder of *.yaml/*.yml files (default: specs).\n"
          "Run 'partc COMMAND --help' for the options of a command.\n"
          "Exit codes: 0 ok, 1 spec errors, findings or differences, 2 usage or unreadable input,\n"
          "3 output that cannot be written, 4 an internal error.\n",
          out);
}

static void usage_command(FILE *out, const command *c)
{
    fprintf(out, "usage: %s\n\n%s.\n\n", c->usage, c->summary);
    if (strstr(c->allowed, "--target")) {
        fputs("  --target T        the migration runner's layout (default plain):\n", out);
        for (size_t i = 0; i < emit_ntargets; i++)
            fprintf(out, "                      %-15s %s\n", emit_targets[i].name, emit_targets[i].layout);
    }
    if (strstr(c->allowed, "--out")) {
        fputs("  --out DIR         the migrations folder; default per target:", out);
        for (size_t i = 0; i < emit_ntargets; i++)
            fprintf(out, "%s %s %s", i ? "," : "", emit_targets[i].name, emit_targets[i].default_out);
        fputc('\n', out);
    }
    if (strstr(c->allowed, "--as-of"))
        fputs("  --as-of DATE      plan partitions through the range of DATE plus premake\n"
              "                    (default: $SOURCE_DATE_EPOCH, else the latest partition start)\n",
              out);
    if (strstr(c->allowed, "--postgres"))
        fputs("  --postgres N      the PostgreSQL major (13 to 18) the SQL must run on, instead of\n"
              "                    settings.postgres (default 15)\n",
              out);
    if (strstr(c->allowed, "--templates"))
        fputs("  --templates DIR   use the *.sql templates of DIR instead of the built-in ones\n", out);
    if (strstr(c->allowed, "--fail-on"))
        fputs("  --format F        text (default), json, sarif (GitHub code scanning) or github\n"
              "                    (workflow annotations)\n"
              "  --fail-on S       exit 1 when a finding of severity S or higher is not allowed:\n"
              "                    error (default) or warning\n"
              "  --max-partitions N  too-many-partitions fires above N live partitions (default 500)\n",
              out);
    else if (strcmp(c->name, "keys") == 0)
        fputs("  --format F        text (default), markdown (the README's reference) or dict (a\n"
              "                    libFuzzer dictionary of the keys and their words)\n",
              out);
    else if (strstr(c->allowed, "--format"))
        fputs("  --format F        text (default), json or markdown (the README's table)\n", out);
    fputs("  --help            this text\n", out);
}

/* ---- shared pipeline ----------------------------------------------------- */

typedef struct run {
    arena *a;
    specset ss;
    diags d;
    int64_t as_of;
    lockfile lock;
    history hist;
    size_t states_missing; /* tables whose migrations partc.lock records without their state */
} run;

/* $SOURCE_DATE_EPOCH when it holds seconds. */
static bool source_date_epoch(int64_t *t)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (!sde || !*sde)
        return false;
    char *end;
    long long v = strtoll(sde, &end, 10);
    if (*end != '\0' || v < 0)
        return false;
    *t = (int64_t)v;
    return true;
}

static int64_t default_as_of(const specset *ss)
{
    int64_t t;
    return source_date_epoch(&t) ? t : specset_latest_start(ss);
}

/* Loads and validates; returns an exit code (EXIT_OK to go on). */
static int load(run *r, const options *o, bool lint)
{
    r->a = arena_new();
    specset_init(&r->ss, r->a);
    diags_init(&r->d, r->a);
    static const char *def[] = {"specs"};
    const char *const *paths = o->npaths ? o->paths : def;
    size_t npaths = o->npaths ? o->npaths : 1;
    spec_load_paths(&r->ss, paths, npaths, &r->d);
    if (spec_load_unreadable(&r->d))
        return EXIT_IO;
    if (o->postgres) {
        char *end;
        long v = strtol(o->postgres, &end, 10);
        if (*end || end == o->postgres || v < 13 || v > 18) {
            fprintf(stderr, "partc: error: --postgres '%s' is not a PostgreSQL major from 13 to 18\n", o->postgres);
            return EXIT_USAGE;
        }
        r->ss.settings.postgres.v = (int)v;
        r->ss.settings.postgres.at = (srcloc){0};
    }
    if (o->as_of_text) {
        if (cal_parse_instant(o->as_of_text, &r->as_of) != CAL_OK) {
            fprintf(stderr, "partc: error: --as-of '%s' is not a date\n  hint: write YYYY-MM-DD\n",
                    o->as_of_text);
            return EXIT_USAGE;
        }
    } else
        r->as_of = default_as_of(&r->ss);
    /* an error in one file or table does not hide the findings of the others */
    validate_specset(&r->ss, r->as_of, &r->d);
    if (lint) {
        lint_ctx cx = {&r->ss, &r->d, r->as_of, o->target ? o->target : "plain",
                       o->max_partitions ? atoi(o->max_partitions) : 0};
        lint_run(&cx);
    }
    diags_sort(&r->d);
    return EXIT_OK;
}

static void finish(run *r)
{
    arena_free(r->a);
}

static size_t print_unallowed(const run *r);

static int print_and_code(run *r, int code)
{
    print_unallowed(r);
    finish(r);
    return code;
}

/* ---- commands ------------------------------------------------------------ */

static int unknown_target(const char *who, const char *name)
{
    fprintf(stderr, "%s: error: unknown target '%s'\n  hint: use one of:", who, name);
    for (size_t i = 0; i < emit_ntargets; i++)
        fprintf(stderr, " %s", emit_targets[i].name);
    fputc('\n', stderr);
    return EXIT_USAGE;
}

/* The instant new versions start from: --as-of, else $SOURCE_DATE_EPOCH,
 * else the clock.  Versions once written are reused from partc.lock, so the
 * clock only names migrations that are new. */
static int64_t version_base(const run *r, const options *o)
{
    int64_t t;
    if (o->as_of_text)
        return r->as_of;
    return source_date_epoch(&t) ? t : (int64_t)time(NULL);
}

/* A table already in partc.lock keeps the --as-of it was first compiled for. */
static int64_t recorded_as_of(void *ctx, const table *t, int64_t as_of)
{
    run *r = ctx;
    const lock_entry *e = lock_find_name(&r->lock, emit_safe_name(r->a, plan_first_name(r->a, t)));
    return e ? e->as_of : as_of;
}

/* compile and check: load, lint, read partc.lock, plan, render, lay out.
 * Returns an exit code (EXIT_OK to go on). */
static int build_output_in(run *r, const options *o, const target *tg, emit_set *es, plan *p)
{
    int code = load(r, o, true);
    if (code != EXIT_OK)
        return code;
    if (diags_count(&r->d, SEV_ERROR))
        return EXIT_FINDINGS;
    const char *out = o->out ? o->out : tg->default_out;
    if (lock_read(&r->lock, r->a, emit_lock_path(r->a, tg, out), &r->d) != 0)
        return diags_have_code(&r->d, "io-error") ? EXIT_IO : EXIT_FINDINGS;
    if (r->lock.present && strcmp(r->lock.target, tg->name) != 0) {
        diag_add(&r->d, SEV_ERROR, "bad-lock", (srcloc){r->lock.path, 0, 0},
                 arena_printf(r->a, "pass --target %s, or use another --out folder", r->lock.target),
                 "'%s' records migrations for target '%s', not '%s'", r->lock.path, r->lock.target, tg->name);
        return EXIT_FINDINGS;
    }
    template_set ts;
    if (template_set_load(&ts, r->a, o->templates, &r->d) != 0)
        return EXIT_IO;
    if (validate_for_compile(&r->ss, r->as_of, recorded_as_of, r, &r->d) != 0)
        return EXIT_FINDINGS;
    static const char *def[] = {"specs"};
    if (history_build(&r->hist, &r->ss, o->npaths ? (const char *const *)o->paths : def, o->npaths ? o->npaths : 1,
                      &r->lock, r->as_of, &r->d, r->a) != 0 ||
        diags_count(&r->d, SEV_ERROR)) {
        diags_sort(&r->d);
        return EXIT_FINDINGS;
    }
    /* the runtime migrations the folder has: the newest is written again,
     * and when this partc's runtime differs from it, an upgrade follows */
    runtime_record rt = {0, false};
    for (size_t i = 0; i < r->lock.n; i++) {
        int v = plan_runtime_version_of(r->lock.v[i].name);
        if (v > rt.recorded)
            rt.recorded = v;
    }
    render_opts ro = {tg->wrap_tx, tg->wrap_down_tx, &r->ss};
    const char **ups = NULL, **downs = NULL;
    for (int pass = 0; pass < 2; pass++) {
        if (plan_build_with(p, &r->ss, r->as_of, recorded_as_of, r, &rt, &r->hist, r->a) != 0)
            return EXIT_FINDINGS;
        ups = arena_calloc(r->a, p->n + 1, sizeof *ups);
        downs = arena_calloc(r->a, p->n + 1, sizeof *downs);
        bool failed = false;
        for (size_t i = 0; i < p->n; i++) {
            strbuf up = STRBUF_INIT, down = STRBUF_INIT;
            if (render_migration(&p->v[i], &ts, &ro, r->a, &up, &down, &r->d) != 0)
                failed = true;
            ups[i] = arena_strdup(r->a, sb_str(&up));
            downs[i] = arena_strdup(r->a, sb_str(&down));
            sb_free(&up);
            sb_free(&down);
        }
        if (failed)
            return EXIT_FINDINGS;
        if (pass || rt.recorded == 0)
            break;
        const char *newest = plan_runtime_name(r->a, rt.recorded);
        bool differs = false;
        for (size_t i = 0; i < p->n && !differs; i++)
            if (!p->v[i].kept && strcmp(p->v[i].name, newest) == 0)
                differs = emit_differs_from_lock(r->a, tg, out, &r->lock, &p->v[i], ups[i], downs[i]);
        if (!differs)
            break;
        rt.changed = true;
    }
    emit_set_init(es, r->a, tg, out, &r->lock);
    if (emit_layout(es, p, ups, downs, version_base(r, o), &r->d) != 0)
        return EXIT_FINDINGS;
    /* the state each table is in after its migrations: recorded beside
     * them, so that the next change of its spec compiles from there */
    for (size_t i = 0; i < p->n; i++) {
        const migration *m = &p->v[i];
        if (!m->state || m->state_recorded)
            continue;
        const emit_file *f = NULL;
        const char *safe = emit_safe_name(r->a, m->name);
        for (size_t k = 0; k < es->n && !f; k++)
            if (es->v[k].name && strcmp(es->v[k].name, safe) == 0)
                f = &es->v[k];
        if (!f)
            continue;
        if (f->recorded)
            r->states_missing++;
        lock_add_state(&r->lock, f->version, f->name, m->state);
    }
    return EXIT_OK;
}

/* build_output_in for command who, with the target of --target; on failure
 * prints the diags and frees the run, and unreadable input gives io_code. */
static int build_output(run *r, const options *o, const char *who, int io_code, const target **tg, emit_set *es,
                        plan *p)
{
    *tg = emit_find_target(o->target ? o->target : "plain");
    if (!*tg)
        return unknown_target(who, o->target);
    int code = build_output_in(r, o, *tg, es, p);
    if (code == EXIT_OK)
        return EXIT_OK;
    diags_sort(&r->d);
    return print_and_code(r, code == EXIT_IO ? io_code : code);
}

/* Prints the diags that are not lint findings accepted by lint.allow (those
 * are counted: `partc lint` shows them); returns how many were accepted. */
#define MAX_PRINTED 200

static size_t print_unallowed(const run *r)
{
    size_t allowed = 0, printed = 0, more = 0;
    for (size_t i = 0; i < r->d.n; i++) {
        if (r->d.v[i].suppressed)
            allowed++;
        else if (printed == MAX_PRINTED)
            more++;
        else {
            diag_print(stderr, &r->d.v[i], &r->ss.files);
            printed++;
        }
    }
    if (more)
        fprintf(stderr, "partc: %zu more diagnostic%s not shown (partc lint --format json lists them all)\n", more,
                more == 1 ? "" : "s");
    return allowed;
}

static int cmd_compile(const options *o)
{
    const target *tg;
    run r = {0};
    emit_set es;
    plan p;
    /* unreadable input is bad input (2); 3 is left for output that cannot be
     * written */
    int code = build_output(&r, o, "partc", EXIT_USAGE, &tg, &es, &p);
    if (code != EXIT_OK)
        return code;
    emit_result res;
    if (emit_write(&es, &res, &r.d) != 0) {
        diags_sort(&r.d);
        return print_and_code(&r, diags_have_code(&r.d, "io-error") ? EXIT_IO : EXIT_FINDINGS);
    }
    diags_sort(&r.d);
    size_t allowed = print_unallowed(&r);
    printf("%zu migration%s for %s: %zu file%s written, %zu unchanged in %s", p.n, p.n == 1 ? "" : "s", tg->name,
           res.written + res.restored, res.written + res.restored == 1 ? "" : "s", res.unchanged, es.out);
    if (res.restored)
        printf(" (%zu deleted file%s written again)", res.restored, res.restored == 1 ? "" : "s");
    if (res.lock_written)
        printf("; %s %s", r.lock.present ? "updated" : "wrote", r.lock.path);
    if (allowed)
        printf(" (%zu finding%s allowed by lint.allow)", allowed, allowed == 1 ? "" : "s");
    putchar('\n');
    finish(&r);
    return EXIT_OK;
}

static int cmd_check(const options *o)
{
    const target *tg;
    run r = {0};
    emit_set es;
    plan p;
    /* unreadable input: the usage class, as for lint */
    int code = build_output(&r, o, "partc check", EXIT_USAGE, &tg, &es, &p);
    if (code != EXIT_OK)
        return code;
    emit_result res;
    size_t errors = emit_check(&es, &res, &r.d);
    if (r.states_missing) {
        diag_add(&r.d, SEV_ERROR, "not-emitted", (srcloc){r.lock.path, 0, 0},
                 "run partc compile: it records each table's state and changes no migration",
                 "partc.lock records the migrations of %zu table%s but not the state of their spec", r.states_missing,
                 r.states_missing == 1 ? "" : "s");
        errors++;
    }
    diags_sort(&r.d);
    print_unallowed(&r);
    if (errors) {
        fprintf(stderr, "partc check: %zu difference%s between the specs, %s and %s\n", errors,
                errors == 1 ? "" : "s", es.out, r.lock.path);
        finish(&r);
        return EXIT_FINDINGS;
    }
    printf("partc check: %zu migration%s (%zu files) in %s match the specs and %s\n", p.n, p.n == 1 ? "" : "s",
           res.unchanged, es.out, LOCK_FILE_NAME);
    finish(&r);
    return EXIT_OK;
}

static int cmd_plan(const options *o)
{
    const char *f = o->format ? o->format : "text";
    if (strcmp(f, "text") && strcmp(f, "markdown")) {
        fprintf(stderr, "partc plan: error: unknown format '%s'\n  hint: use text or markdown\n", f);
        return EXIT_USAGE;
    }
    run r = {0};
    if (o->target || o->out) {
        /* the migrations a compile into that folder would add: after a
         * change of a spec, the change migrations */
        const target *tg;
        emit_set es;
        plan all;
        int c = build_output(&r, o, "partc plan", EXIT_USAGE, &tg, &es, &all);
        if (c != EXIT_OK)
            return c;
        plan p = all;
        p.v = arena_calloc(r.a, all.n + 1, sizeof *p.v);
        p.n = 0;
        for (size_t i = 0; i < all.n; i++)
            if (!all.v[i].kept && !lock_find_name(&r.lock, emit_safe_name(r.a, all.v[i].name)))
                p.v[p.n++] = all.v[i];
        if (p.n == 0)
            printf("nothing to add: the migrations in %s are what the specs compile to\n", es.out);
        else if (strcmp(f, "markdown") == 0)
            report_plan_markdown(stdout, &p, &r.ss);
        else
            report_plan(stdout, &p, &r.ss);
        finish(&r);
        return EXIT_OK;
    }
    int code = load(&r, o, false);
    if (code != EXIT_OK)
        return print_and_code(&r, code);
    if (diags_count(&r.d, SEV_ERROR))
        return print_and_code(&r, EXIT_FINDINGS);
    plan p;
    if (validate_for_compile(&r.ss, r.as_of, NULL, NULL, &r.d) != 0 || plan_build(&p, &r.ss, r.as_of, r.a) != 0) {
        diags_sort(&r.d);
        return print_and_code(&r, EXIT_FINDINGS);
    }
    if (strcmp(f, "markdown") == 0)
        report_plan_markdown(stdout, &p, &r.ss);
    else
        report_plan(stdout, &p, &r.ss);
    finish(&r);
    return EXIT_OK;
}

static int cmd_lint(const options *o)
{
    report_format fmt = FORMAT_TEXT;
    if (o->format && report_format_parse(o->format, &fmt) != 0) {
        fprintf(stderr, "partc lint: error: unknown format '%s'\n  hint: use text, json, sarif or github\n", o->format);
        return EXIT_USAGE;
    }
    severity fail_on = SEV_ERROR;
    if (o->fail_on && strcmp(o->fail_on, "warning") == 0)
        fail_on = SEV_WARNING;
    else if (o->fail_on && strcmp(o->fail_on, "error") != 0) {
        fprintf(stderr, "partc lint: error: unknown severity '%s' for --fail-on\n  hint: use error or warning\n",
                o->fail_on);
        return EXIT_USAGE;
    }
    if (o->max_partitions) {
        char *end;
        long v = strtol(o->max_partitions, &end, 10);
        if (*end || end == o->max_partitions || v < 1 || v > 1000000) {
            fprintf(stderr, "partc lint: error: --max-partitions '%s' is not a number from 1 to 1000000\n",
                    o->max_partitions);
            return EXIT_USAGE;
        }
    }
    if (o->target && !emit_find_target(o->target))
        return unknown_target("partc lint", o->target);
    run r = {0};
    int code = load(&r, o, true);
    if (code == EXIT_IO) /* unreadable input: the usage class of lint's exit codes */
        return print_and_code(&r, EXIT_USAGE);
    if (code != EXIT_OK)
        return print_and_code(&r, code);
    /* with --out, the folder's recorded states: the findings of the change
     * from each table's last state to its spec, as compile and check see them */
    if (o->out && !diags_count(&r.d, SEV_ERROR)) {
        const target *tg = emit_find_target(o->target ? o->target : "plain");
        if (lock_read(&r.lock, r.a, emit_lock_path(r.a, tg, o->out), &r.d) != 0)
            return print_and_code(&r, diags_have_code(&r.d, "io-error") ? EXIT_USAGE : EXIT_FINDINGS);
        if (r.lock.present && strcmp(r.lock.target, tg->name) != 0)
            diag_add(&r.d, SEV_ERROR, "bad-lock", (srcloc){r.lock.path, 0, 0},
                     arena_printf(r.a, "pass --target %s, or use another --out folder", r.lock.target),
                     "'%s' records migrations for target '%s', not '%s'", r.lock.path, r.lock.target, tg->name);
        else if (r.lock.present) {
            static const char *def[] = {"specs"};
            history_build(&r.hist, &r.ss, o->npaths ? (const char *const *)o->paths : def, o->npaths ? o->npaths : 1,
                          &r.lock, r.as_of, &r.d, r.a);
        }
        diags_sort(&r.d);
    }
    report_findings(stdout, &r.d, &r.ss.files, fmt, PARTC_VERSION);
    code = diags_count(&r.d, fail_on) ? EXIT_FINDINGS : EXIT_OK;
    finish(&r);
    return code;
}

static int cmd_rules(const options *o)
{
    const char *f = o->format ? o->format : "text";
    if (strcmp(f, "text") && strcmp(f, "json") && strcmp(f, "markdown")) {
        fprintf(stderr, "partc rules: error: unknown format '%s'\n  hint: use text, json or markdown\n", f);
        return EXIT_USAGE;
    }
    report_rules(stdout, f);
    return EXIT_OK;
}

static int cmd_keys(const options *o)
{
    const char *f = o->format ? o->format : "text";
    keys_format kf;
    if (strcmp(f, "text") == 0)
        kf = KEYS_TEXT;
    else if (strcmp(f, "markdown") == 0)
        kf = KEYS_MARKDOWN;
    else if (strcmp(f, "dict") == 0)
        kf = KEYS_DICT;
    else {
        fprintf(stderr, "partc keys: error: unknown format '%s'\n  hint: use text, markdown or dict\n", f);
        return EXIT_USAGE;
    }
    spec_keys_print(stdout, kf);
    return EXIT_OK;
}

/* ---- argv ---------------------------------------------------------------- */

static int parse(const command *c, int argc, char **argv, options *o)
{
    o->paths = calloc((size_t)argc + 1, sizeof *o->paths);
    if (!o->paths)
        return EXIT_IO;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            o->help = true;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            for (i++; i < argc; i++)
                o->paths[o->npaths++] = argv[i];
            break;
        }
        if (strncmp(a, "--", 2) != 0) {
            o->paths[o->npaths++] = a;
            continue;
        }
        const char *eq = strchr(a, '=');
        size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
        const char *val = eq ? eq + 1 : NULL;
        static const char *valued[] = {"--target", "--out", "--as-of", "--templates", "--format", "--fail-on",
                                       "--max-partitions", "--postgres"};
        const char **slot[] = {&o->target, &o->out, &o->as_of_text, &o->templates, &o->format, &o->fail_on,
                               &o->max_partitions, &o->postgres};
        size_t nvalued = sizeof valued / sizeof valued[0];
        size_t k;
        for (k = 0; k < nvalued; k++)
            if (strlen(valued[k]) == nlen && strncmp(a, valued[k], nlen) == 0)
                break;
        bool allowed = false;
        if (k < nvalued) {
            const char *p = strstr(c->allowed, valued[k]);
            allowed = p && (p[nlen] == '\0' || p[nlen] == ' ');
        }
        if (!allowed) {
            fprintf(stderr, "partc %s: error: unknown option '%.*s'\n  hint: see 'partc %s --help'\n",
                    c->name, (int)nlen, a, c->name);
            return EXIT_USAGE;
        }
        if (!val) {
            if (i + 1 >= argc) {
                fprintf(stderr, "partc %s: error: option '%s' needs a value\n", c->name, a);
                return EXIT_USAGE;
            }
            val = argv[++i];
        }
        *slot[k] = val;
    }
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage_all(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
        usage_all(stdout);
        return EXIT_OK;
    }
    if (!strcmp(name, "--version") || !strcmp(name, "version")) {
        puts("partc " PARTC_VERSION);
        return EXIT_OK;
    }
    const command *c = NULL;
    for (size_t i = 0; i < ncommands; i++)
        if (!strcmp(commands[i].name, name))
            c = &commands[i];
    if (!c) {
        fprintf(stderr, "partc: error: unknown command '%s'\n  hint: run 'partc --help'\n", name);
        return EXIT_USAGE;
    }
    /* diagnostics are many small writes: buffer them (flushed at exit) */
    static char errbuf[1 << 16];
    setvbuf(stderr, errbuf, _IOFBF, sizeof errbuf);
    options o = {0};
    int code = parse(c, argc - 2, argv + 2, &o);
    if (code == EXIT_OK && o.help) {
        usage_command(stdout, c);
    } else if (code == EXIT_OK) {
        if (names_init() != 0) {
            fputs("partc: internal error: cannot compile the built-in patterns (a defect of this build: "
                  "please report it)\n",
                  stderr);
            code = EXIT_INTERNAL;
        } else {
            code = c->run(&o);
            names_fini();
        }
    }
    free(o.paths);
    return code;
}
