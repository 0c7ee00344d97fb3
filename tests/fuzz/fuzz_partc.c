/* fuzz_partc: libFuzzer target for the whole compile pipeline.
 *
 * The input is one spec file ("fuzz.yaml").  It goes through what
 * `partc lint` and `partc compile` do: spec_load_bytes, validate_specset,
 * lint_run, report_findings, plan_build, report_plan and render_migration of
 * every migration with the embedded templates.  Output goes to /dev/null.
 * The arena is freed after every input, so LeakSanitizer sees any leak.
 *
 * Then emit_layout lays the files out for one of the runner targets, against
 * a folder that does not exist (no file is read or written).
 *
 * A few knobs are taken from the input's length so that the same bytes
 * always take the same path: the lint target (plain or supabase), the report
 * format, the emit target (and so BEGIN/COMMIT wrapping), and the as-of
 * instant (the latest partition.start, as partc does without --as-of, or the
 * fixed 2026-11-22 of the examples).  Set FUZZ_PARTC_VERBOSE to see what
 * each stage did with one input.
 *
 * Build: tests/fuzz/build.sh; run: tests/fuzz/run.sh [SECONDS]. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "calendar.h"
#include "diag.h"
#include "emit.h"
#include "lockfile.h"
#include "lint.h"
#include "model.h"
#include "names.h"
#include "plan.h"
#include "render.h"
#include "report.h"
#include "spec_load.h"
#include "strbuf.h"
#include "template.h"
#include "validate.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;
static bool verbose; /* $FUZZ_PARTC_VERBOSE: what each stage did, on stderr */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (names_init() != 0) {
        fputs("fuzz_partc: names_init failed\n", stderr);
        abort();
    }
    verbose = getenv("FUZZ_PARTC_VERBOSE") != NULL;
    devnull = fopen("/dev/null", "w");
    if (!devnull)
        abort();
    return 0;
}

/* Partitions the plan would create, over every table.  Big plans are
 * correct but slow under the sanitizers (about 0.3 ms a partition); plan.c
 * refuses more than 10000 for one table. */
static int64_t static_partitions(const specset *ss, int64_t as_of)
{
    int64_t total = 0;
    for (size_t i = 0; i < ss->ntables; i++) {
        const table *t = ss->tables[i];
        if (t->mode.v == MODE_REFERENCE)
            continue;
        int64_t first, count;
        table_static_ranges(t, as_of, &first, &count);
        total += count;
    }
    return total;
}

/* The most partitions an input may plan before plan and render are skipped,
 * so that the -timeout of run.sh catches loops rather than big specs. */
#define FUZZ_MAX_PARTITIONS 2000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* spec_load_bytes takes a length, but keep a NUL after the bytes for any
     * code that (wrongly) relies on one being there: ASan then reports reads
     * past the length rather than past the allocation. */
    char *bytes = malloc(size + 1);
    if (!bytes)
        return 0;
    memcpy(bytes, data, size);
    bytes[size] = '\0';

    const bool supabase = size & 1;
    const report_format fmt = (report_format)((size >> 1) & 3);
    const target *tg = &emit_targets[(size >> 3) % emit_ntargets];
    const bool fixed_as_of = (size >> 2) & 1;

    arena *a = arena_new();
    specset ss;
    diags d;
    specset_init(&ss, a);
    diags_init(&d, a);
    spec_load_bytes(&ss, "fuzz.yaml", bytes, size, &d);

    int64_t as_of = 0;
    if (fixed_as_of)
        cal_parse_instant("2026-11-22", &as_of);
    else
        as_of = specset_latest_start(&ss);

    validate_specset(&ss, as_of, &d);
    {
        lint_ctx cx = {&ss, &d, as_of, supabase ? "supabase" : "plain", (size & 16) ? 3 : 0};
        lint_run(&cx);
    }
    diags_sort(&d);
    report_findings(devnull, &d, &ss.files, fmt, "0.1.0-fuzz");

    if (verbose)
        fprintf(stderr, "fuzz_partc: %zu bytes, %zu tables, %s, as-of %lld, %zu diags (%zu errors)\n", size,
                ss.ntables, supabase ? "supabase" : "plain", (long long)as_of, d.n, diags_count(&d, SEV_ERROR));
    int64_t nparts = diags_count(&d, SEV_ERROR) == 0 ? static_partitions(&ss, as_of) : 0;
    if (verbose)
        fprintf(stderr, "fuzz_partc: %lld partitions planned%s\n", (long long)nparts,
                nparts > FUZZ_MAX_PARTITIONS ? ": too many, plan and render skipped" : "");
    if (diags_count(&d, SEV_ERROR) == 0 && nparts <= FUZZ_MAX_PARTITIONS) {
        template_set ts;
        plan p;
        if (template_set_load(&ts, a, NULL, &d) == 0 && validate_for_compile(&ss, as_of, NULL, NULL, &d) == 0 && plan_build(&p, &ss, as_of, a) == 0) {
            report_plan(devnull, &p, &ss);
            render_opts ro = {tg->wrap_tx, tg->wrap_down_tx, &ss};
            size_t bytes_out = 0, steps = 0;
            const char **ups = arena_calloc(a, p.n + 1, sizeof *ups);
            const char **downs = arena_calloc(a, p.n + 1, sizeof *downs);
            bool failed = false;
            for (size_t i = 0; i < p.n; i++) {
                strbuf up = STRBUF_INIT, down = STRBUF_INIT;
                if (render_migration(&p.v[i], &ts, &ro, a, &up, &down, &d) != 0)
                    failed = true;
                bytes_out += up.len + down.len;
                steps += p.v[i].nup + p.v[i].ndown;
                ups[i] = arena_strdup(a, sb_str(&up));
                downs[i] = arena_strdup(a, sb_str(&down));
                sb_free(&up);
                sb_free(&down);
            }
            if (verbose)
                fprintf(stderr, "fuzz_partc: %zu migrations, %zu steps, %zu bytes of SQL\n", p.n, steps, bytes_out);
            /* lay the files out as `partc compile --target T` would, for a
             * folder that does not exist (nothing is read or written) */
            lockfile lock = {0};
            const char *out = "/nonexistent/partc-fuzz-out";
            if (!failed && lock_read(&lock, a, emit_lock_path(a, tg, out), &d) == 0) {
                emit_set es;
                emit_set_init(&es, a, tg, out, &lock);
                emit_layout(&es, &p, ups, downs, as_of, &d);
                if (verbose)
                    fprintf(stderr, "fuzz_partc: target %s, %zu files laid out\n", tg->name, es.n);
            }
        }
        diags_sort(&d);
        diags_print(devnull, &d, &ss.files);
    }

    arena_free(a);
    free(bytes);
    return 0;
}
