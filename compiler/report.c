#include "report.h"

#include <string.h>

#include "names.h"

static void print_ts(FILE *out, int64_t t)
{
    char buf[23];
    cal_format_ts(t, buf);
    if (strcmp(buf + 10, " 00:00:00+00") == 0)
        buf[10] = '\0';
    else
        buf[16] = '\0'; /* hourly: no seconds */
    fputs(buf, out);
}

static void print_duration(FILE *out, duration d)
{
    const char *u = cal_duration_unit_sql(d.unit);
    if (d.n == 1) {
        /* "1 days" -> "1 day" */
        size_t len = strlen(u);
        fprintf(out, "1 %.*s", (int)(len - 1), u);
    } else
        fprintf(out, "%lld %s", (long long)d.n, u);
}

static void print_steps(FILE *out, const char *title, const step *v, size_t n)
{
    fprintf(out, "    %s:\n", title);
    size_t i = 0, num = 1;
    while (i < n) {
        /* runs of partition steps are folded into one line */
        size_t j = i;
        if (!strcmp(v[i].kind, "create_partition")) {
            while (j + 1 < n && (!strcmp(v[j + 1].kind, "create_partition") ||
                                 !strcmp(v[j + 1].kind, "secure_partition")))
                j++;
        }
        if (j > i) {
            size_t parts = 0;
            for (size_t k = i; k <= j; k++)
                parts += !strcmp(v[k].kind, "create_partition");
            fprintf(out, "      %2zu. create %zu partitions%s\n", num++, parts,
                    j > i + parts - 1 ? ", each secured like the table" : "");
            fprintf(out, "          lock: %s; in transaction: %s\n", v[i].lock,
                    v[i].in_tx ? "yes" : "no, alone in its file");
        } else {
            fprintf(out, "      %2zu. %s\n", num++, v[i].summary);
            fprintf(out, "          lock: %s; in transaction: %s\n", v[i].lock,
                    v[i].in_tx ? "yes" : "no, alone in its file");
        }
        i = j + 1;
    }
}

static void print_table(FILE *out, const plan *p, const migration *m)
{
    const table *t = m->t;
    fprintf(out, "%s.%s (%s:%d)\n", t->schema.s, t->name.s, t->file ? t->file : "-", t->name.at.line);
    fprintf(out, "  mode %s, strategy %s", mode_name(t->mode), strategy_name(t->strategy));
    if (t->part.present)
        fprintf(out, ", %s ranges on %s", cal_interval_name(t->part.interval), t->part.key.s);
    fputc('\n', out);
    fprintf(out, "  phase %s: migration '%s' (%s)\n", m->phase, m->name,
            m->in_tx ? "one transaction" : "outside a transaction block, alone in its file");
    print_steps(out, "up", m->up, m->nup);
    print_steps(out, "down", m->down, m->ndown);
    if (t->strategy == STRATEGY_PARTITION) {
        int64_t first, count;
        plan_ranges(t, p->as_of, &first, &count);
        int64_t last = cal_add(t->part.interval, first, count - 1);
        arena *a = p->a;
        fprintf(out, "  partitions: %lld created by the migration, %s [", (long long)count,
                names_partition(a, t, first));
        print_ts(out, first);
        fputs(") .. ", out);
        fprintf(out, "%s [", names_partition(a, t, last));
        print_ts(out, last);
        fputs(", ", out);
        print_ts(out, cal_add(t->part.interval, last, 1));
        fputs(")\n", out);
        fprintf(out, "    then %s() keeps %d %s ranges ahead of today%s\n",
                names_fn_create_partitions(a, t), t->part.premake, cal_interval_name(t->part.interval),
                t->part.default_partition ? "; rows outside every range go to the default partition" : "");
    }
    if (t->retention.present) {
        const retention_spec *r = &t->retention;
        fputs("  retention: ", out);
        if (r->action == RET_DELETE) {
            fprintf(out, "delete rows whose %s is older than ", r->column.s);
            print_duration(out, r->keep);
            fprintf(out, ", %lld rows a batch\n", (long long)r->batch_size);
        } else {
            fprintf(out, "%s partitions that ended more than ", retention_action_name(r->action));
            print_duration(out, r->keep);
            fprintf(out, " ago, never the newest %d", r->protect);
            if (r->action == RET_ARCHIVE)
                fprintf(out, " (moved to schema %s)", r->archive_schema.s);
            fputc('\n', out);
        }
    } else
        fputs("  retention: none\n", out);
    if (t->strategy == STRATEGY_PARTITION || t->retention.present) {
        fputs("  maintenance: ", out);
        if (t->maintenance.schedule.s)
            fprintf(out, "pg_cron '%s'", t->maintenance.schedule.s);
        else
            fputs("not scheduled (run the functions from your own scheduler)", out);
        if (t->strategy == STRATEGY_PARTITION) {
            fputs("; health WARNING below ", out);
            print_duration(out, t->maintenance.warn_ahead);
            fputs(", CRITICAL below ", out);
            print_duration(out, t->maintenance.critical_ahead);
        }
        fputc('\n', out);
    }
}

void report_plan(FILE *out, const plan *p, const specset *ss)
{
    fprintf(out, "plan for %zu table%s, partitions as of ", ss->ntables, ss->ntables == 1 ? "" : "s");
    print_ts(out, p->as_of);
    fputs("\n", out);
    for (size_t i = 0; i < p->n; i++) {
        fputc('\n', out);
        print_table(out, p, &p->v[i]);
    }
    table **order = ss->ordered ? ss->ordered : ss->tables;
    for (size_t i = 0; i < ss->ntables; i++)
        if (order[i]->mode == MODE_REFERENCE)
            fprintf(out, "\n%s.%s: reference only, no migration\n", order[i]->schema.s, order[i]->name.s);
}

void report_lint(FILE *out, const diags *d, const srcset *files)
{
    size_t errors = 0, warnings = 0, allowed = 0;
    for (size_t i = 0; i < d->n; i++) {
        const diag *g = &d->v[i];
        if (g->suppressed) {
            allowed++;
            continue;
        }
        diag_print(out, g, files);
        if (g->sev == SEV_ERROR)
            errors++;
        else if (g->sev == SEV_WARNING)
            warnings++;
    }
    if (errors || warnings || allowed)
        fprintf(out, "%zu error%s, %zu warning%s, %zu allowed\n", errors, errors == 1 ? "" : "s",
                warnings, warnings == 1 ? "" : "s", allowed);
    else
        fputs("no findings\n", out);
}
