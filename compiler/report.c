#include "report.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "lint.h"
#include "names.h"
#include "strbuf.h"

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
    strbuf sb = STRBUF_INIT;
    fmt_duration_sb(&sb, d);
    fputs(sb_str(&sb), out);
    sb_free(&sb);
}

static void print_steps(FILE *out, const char *title, const step *v, size_t n)
{
    fprintf(out, "    %s:\n", title);
    size_t i = 0, num = 1;
    while (i < n) {
        /* runs of partition steps are folded into one line */
        size_t j = i;
        if (v[i].kind == STEP_CREATE_PARTITION) {
            while (j + 1 < n && v[j + 1].kind == STEP_CREATE_PARTITION)
                j++;
        }
        if (j > i) {
            fprintf(out, "      %2zu. create %zu partitions\n", num++, j - i + 1);
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

static void print_ms(FILE *out, int64_t ms)
{
    if (ms == 0)
        fputs("none", out);
    else if (ms % 1000 == 0)
        fprintf(out, "%llds", (long long)(ms / 1000));
    else
        fprintf(out, "%lldms", (long long)ms);
}

/* The timeouts a migration's statements run under. */
static void print_timeouts(FILE *out, const migration *m, const specset *ss)
{
    int64_t st = ss->settings.statement_timeout_ms.v;
    int64_t lt = m->lock_timeout_ms >= 0 ? m->lock_timeout_ms : ss->settings.lock_timeout_ms.v;
    if (m->in_tx) {
        fputs("  timeouts: lock_timeout ", out);
        print_ms(out, lt);
        fputs(", statement_timeout ", out);
        print_ms(out, st);
        fputs(" (SET LOCAL in the file)\n", out);
        return;
    }
    if (strcmp(m->phase, "change") == 0 || (m->nup && m->up[0].kind == STEP_CONV_ATTACH_BUILD)) {
        fputs("  timeouts: the session's (the statement is alone in its file, so no SET precedes it)", out);
        if (m->nup && m->up[0].kind == STEP_ATTACH_INDEX) {
            fputs("; each attach and build waits at most lock_timeout ", out);
            print_ms(out, lt);
        }
        fputc('\n', out);
        return;
    }
    bool attach = m->t && m->t->migrate.method.v == METHOD_ATTACH;
    fprintf(out, "  timeouts: the CALL runs under the session's statement_timeout (set it to 0 for %s); ",
            attach ? "a long validation" : "a long copy");
    if (attach) {
        fputs("lock_timeout ", out);
        print_ms(out, lt);
        fputs(" per attempt for the keys\n", out);
        return;
    }
    if (st > 0) {
        fputs("batches shrink when one takes more than a quarter of settings.statement_timeout ", out);
        print_ms(out, st);
    } else
        fputs("settings.statement_timeout none, batches sized by rows only", out);
    fputs("; lock_timeout ", out);
    print_ms(out, lt);
    fputs(" for the switch to mirroring\n", out);
}

static void print_table(FILE *out, const plan *p, const migration *m, const specset *ss)
{
    const table *t = m->t;
    if (!t) {
        fprintf(out, "runtime: schema %s, version %d%s\n", ss->settings.runtime_schema.s,
                plan_runtime_version_of(m->name), m->kept ? " (recorded, kept as it is)" : "");
        fprintf(out, "  migration '%s' (one transaction), before every table's\n", m->name);
        print_steps(out, "up", m->up, m->nup);
        print_steps(out, "down", m->down, m->ndown);
        return;
    }
    fprintf(out, "%s.%s (%s:%d)\n", t->schema.s, t->name.s, t->file ? t->file : "-", t->name.at.line);
    fprintf(out, "  mode %s, strategy %s", mode_name(t->mode.v), strategy_name(t->strategy.v));
    if (t->part.present)
        fprintf(out, ", %s ranges on %s", cal_interval_name(t->part.interval.v), t->part.key.s);
    fputc('\n', out);
    fprintf(out, "  phase %s: migration '%s' (%s)\n", m->phase, m->name,
            m->in_tx ? "one transaction" : "outside a transaction block, alone in its file");
    print_timeouts(out, m, ss);
    print_steps(out, "up", m->up, m->nup);
    print_steps(out, "down", m->down, m->ndown);
    /* the partitions, retention and maintenance once per table, with the
     * migration that creates them */
    if (strcmp(m->phase, "create") != 0 && strcmp(m->phase, "prepare") != 0)
        return;
    if (t->strategy.v == STRATEGY_PARTITION && t->mode.v == MODE_CONVERT && t->migrate.method.v == METHOD_ATTACH) {
        int64_t cut = table_cutover(t, m->as_of);
        arena *a = p->a;
        fprintf(out, "  partitions: %s.%s becomes the partition [", t->schema.s, names_old(a, t));
        print_ts(out, t->part.start.v);
        fputs(", ", out);
        print_ts(out, cut);
        fprintf(out, ") at the swap; %d created by the migration from the cutover on, %s [", t->part.premake.v + 1,
                names_partition(a, t, cut));
        print_ts(out, cut);
        fputs(", ", out);
        print_ts(out, cal_add(t->part.interval.v, cut, 1));
        fputs(") ..\n", out);
        fprintf(out, "    then the runtime's %s.maintain() keeps %d %s ranges ahead of today\n",
                ss->settings.runtime_schema.s, t->part.premake.v, cal_interval_name(t->part.interval.v));
    } else if (t->strategy.v == STRATEGY_PARTITION) {
        int64_t first, count;
        table_static_ranges(t, p->as_of, &first, &count);
        int64_t last = cal_add(t->part.interval.v, first, count - 1);
        arena *a = p->a;
        fprintf(out, "  partitions: %lld created by the migration, %s [", (long long)count,
                names_partition(a, t, first));
        print_ts(out, first);
        fputs(", ", out);
        print_ts(out, cal_add(t->part.interval.v, first, 1));
        fputs(") .. ", out);
        fprintf(out, "%s [", names_partition(a, t, last));
        print_ts(out, last);
        fputs(", ", out);
        print_ts(out, cal_add(t->part.interval.v, last, 1));
        fputs(")\n", out);
        fprintf(out, "    then the runtime's %s.maintain() keeps %d %s ranges ahead of today%s\n",
                ss->settings.runtime_schema.s, t->part.premake.v, cal_interval_name(t->part.interval.v),
                t->part.default_partition.v ? "; rows outside every range go to the default partition" : "");
    }
    if (t->retention.present) {
        const retention_spec *r = &t->retention;
        fputs("  retention: ", out);
        if (r->action.v == RET_DELETE) {
            if (r->keep.v.n == 0)
                fprintf(out, "delete rows whose %s has passed", r->column.s);
            else {
                fprintf(out, "delete rows whose %s is older than ", r->column.s);
                print_duration(out, r->keep.v);
            }
            fprintf(out, ", %lld rows a batch\n", (long long)r->batch_size.v);
        } else {
            fprintf(out, "%s partitions that ended more than ", retention_action_name(r->action.v));
            print_duration(out, r->keep.v);
            fprintf(out, " ago, never the newest %d", r->protect.v);
            if (r->action.v == RET_ARCHIVE)
                fprintf(out, " (moved to schema %s)", r->archive_schema.s);
            fputc('\n', out);
        }
    } else
        fputs("  retention: none\n", out);
    if (t->strategy.v == STRATEGY_PARTITION || t->retention.present) {
        fputs("  maintenance: ", out);
        if (t->maintenance.schedule.s)
            fprintf(out, "pg_cron '%s'", t->maintenance.schedule.s);
        else
            fprintf(out, "not scheduled (run SELECT %s.maintain() from your own scheduler)",
                    ss->settings.runtime_schema.s);
        if (t->strategy.v == STRATEGY_PARTITION) {
            fputs("; health WARNING below ", out);
            print_duration(out, t->maintenance.warn_ahead.v);
            fputs(", CRITICAL below ", out);
            print_duration(out, t->maintenance.critical_ahead.v);
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
        print_table(out, p, &p->v[i], ss);
    }
    table **order = ss->ordered ? ss->ordered : ss->tables;
    for (size_t i = 0; i < ss->ntables; i++)
        if (order[i]->mode.v == MODE_REFERENCE)
            fprintf(out, "\n%s.%s: reference only, no migration\n", order[i]->schema.s, order[i]->name.s);
}


/* ------------------------------------------------------------ findings */

int report_format_parse(const char *s, report_format *f)
{
    static const struct {
        const char *name;
        report_format f;
    } formats[] = {
        {"text", FORMAT_TEXT},
        {"json", FORMAT_JSON},
        {"sarif", FORMAT_SARIF},
        {"github", FORMAT_GITHUB},
    };
    if (!s)
        return -1;
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(s, formats[i].name) == 0) {
            *f = formats[i].f;
            return 0;
        }
    return -1;
}

/* Unsuppressed errors and warnings, and the findings lint.allow accepted. */
typedef struct tally {
    size_t errors, warnings, suppressed;
} tally;

static tally count_findings(const diags *d)
{
    tally t = {0, 0, 0};
    for (size_t i = 0; i < d->n; i++) {
        const diag *g = &d->v[i];
        if (g->suppressed)
            t.suppressed++;
        else if (g->sev == SEV_ERROR)
            t.errors++;
        else if (g->sev == SEV_WARNING)
            t.warnings++;
    }
    return t;
}

static void add_summary(strbuf *sb, tally t)
{
    if (t.errors || t.warnings || t.suppressed)
        sb_addf(sb, "%zu error%s, %zu warning%s, %zu allowed\n", t.errors, t.errors == 1 ? "" : "s",
                t.warnings, t.warnings == 1 ? "" : "s", t.suppressed);
    else
        sb_puts(sb, "no findings\n");
}

static void put_sb(FILE *out, const strbuf *sb)
{
    if (sb->len)
        fwrite(sb_str(sb), 1, sb->len, out);
}

static void report_text(FILE *out, const diags *d, const srcset *files)
{
    for (size_t i = 0; i < d->n; i++)
        if (!d->v[i].suppressed)
            diag_print(out, &d->v[i], files);
    strbuf sb = STRBUF_INIT;
    add_summary(&sb, count_findings(d));
    put_sb(out, &sb);
    sb_free(&sb);
}

/* ---- JSON writer: pretty-printed with 2-space indents, `"key": value`,
 * empty containers as {} and [] (the layout of jq and Python's json). */

typedef struct jw {
    strbuf *sb;
    int depth;
    bool comma;     /* the open container already holds a member */
    bool after_key; /* the next value follows its key on the same line */
} jw;

/* Length of the well-formed UTF-8 sequence at s (1..4), 0 when it is not
 * one.  s is NUL-terminated, and a NUL never continues a sequence, so the
 * checks stop at the end of the string. */
/* A JSON string literal.  UTF-8 passes through; a byte that is not part of
 * well-formed UTF-8 (a file name, say) becomes U+FFFD so that the document
 * stays valid. */
static void json_str(strbuf *sb, const char *s)
{
    fmt_json_string(sb, s, JSON_SHORT_ESCAPES);
}

static void jw_newline(jw *w)
{
    sb_addc(w->sb, '\n');
    for (int i = 0; i < w->depth; i++)
        sb_puts(w->sb, "  ");
}

/* What precedes a member: a comma after the previous one, a new line. */
static void jw_sep(jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->comma)
        sb_addc(w->sb, ',');
    if (w->depth > 0)
        jw_newline(w);
    w->comma = true;
}

static void jw_key(jw *w, const char *key)
{
    jw_sep(w);
    json_str(w->sb, key);
    sb_puts(w->sb, ": ");
    w->after_key = true;
}

static void jw_open(jw *w, char c)
{
    jw_sep(w);
    sb_addc(w->sb, c);
    w->depth++;
    w->comma = false;
}

static void jw_close(jw *w, char c)
{
    w->depth--;
    if (w->comma)
        jw_newline(w);
    sb_addc(w->sb, c);
    w->comma = true;
}

static void jw_str(jw *w, const char *s)
{
    jw_sep(w);
    if (s)
        json_str(w->sb, s);
    else
        sb_puts(w->sb, "null");
}

static void jw_int(jw *w, long long v)
{
    jw_sep(w);
    sb_addf(w->sb, "%lld", v);
}

static void jw_bool(jw *w, bool v)
{
    jw_sep(w);
    sb_puts(w->sb, v ? "true" : "false");
}

/* "key": "value" (null when value is NULL) */
static void jw_kstr(jw *w, const char *key, const char *value)
{
    jw_key(w, key);
    jw_str(w, value);
}

static void jw_kint(jw *w, const char *key, long long v)
{
    jw_key(w, key);
    jw_int(w, v);
}

/* "key": {"text": value} */
static void jw_ktext(jw *w, const char *key, const char *value)
{
    jw_key(w, key);
    jw_open(w, '{');
    jw_kstr(w, "text", value);
    jw_close(w, '}');
}

static void report_json(FILE *out, const diags *d, const char *tool_version)
{
    strbuf sb = STRBUF_INIT;
    jw w = {&sb, 0, false, false};
    tally t = count_findings(d);
    jw_open(&w, '{');
    jw_kint(&w, "version", 1);
    jw_key(&w, "tool");
    jw_open(&w, '{');
    jw_kstr(&w, "name", "partc");
    jw_kstr(&w, "version", tool_version);
    jw_close(&w, '}');
    jw_key(&w, "summary");
    jw_open(&w, '{');
    jw_kint(&w, "errors", (long long)t.errors);
    jw_kint(&w, "warnings", (long long)t.warnings);
    jw_kint(&w, "suppressed", (long long)t.suppressed);
    jw_close(&w, '}');
    jw_key(&w, "findings");
    jw_open(&w, '[');
    for (size_t i = 0; i < d->n; i++) {
        const diag *g = &d->v[i];
        jw_open(&w, '{');
        jw_kstr(&w, "rule", g->code);
        jw_kstr(&w, "severity", severity_name(g->sev));
        jw_kstr(&w, "file", g->at.file);
        jw_kint(&w, "line", g->at.line > 0 ? g->at.line : 0);
        jw_kint(&w, "column", g->at.line > 0 && g->at.col > 0 ? g->at.col : 0);
        jw_kstr(&w, "message", g->message);
        jw_kstr(&w, "hint", g->hint);
        if (g->detail) /* only where there is one: most findings have none */
            jw_kstr(&w, "detail", g->detail);
        jw_key(&w, "suppressed");
        jw_bool(&w, g->suppressed);
        if (g->suppressed)
            jw_kstr(&w, "reason", g->reason ? g->reason : "");
        jw_close(&w, '}');
    }
    jw_close(&w, ']');
    jw_close(&w, '}');
    sb_addc(&sb, '\n');
    put_sb(out, &sb);
    sb_free(&sb);
}

/* ---- SARIF 2.1.0, in the subset GitHub code scanning takes */

static const char *sarif_level(severity s)
{
    switch (s) {
    case SEV_ERROR: return "error";
    case SEV_WARNING: return "warning";
    default: return "note";
    }
}

/* A file path as a URI reference: relative paths stay relative (without a
 * leading "./"), absolute ones become file:// URIs; every byte but the
 * unreserved characters and '/' is percent-encoded. */
static char *sarif_uri(const char *path)
{
    strbuf sb = STRBUF_INIT;
    while (path[0] == '.' && path[1] == '/') {
        path += 2;
        while (*path == '/')
            path++;
    }
    if (path[0] == '/')
        sb_puts(&sb, "file://");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~' || c == '/')
            sb_addc(&sb, (char)c);
        else
            sb_addf(&sb, "%%%02X", c);
    }
    return sb_detach(&sb);
}

/* The message, the hint after it, and the detail on the lines below. */
static char *message_with_hint(const diag *g)
{
    strbuf sb = STRBUF_INIT;
    sb_puts(&sb, g->message ? g->message : "");
    if (g->hint)
        sb_addf(&sb, " (hint: %s)", g->hint);
    if (g->detail) {
        size_t len = strlen(g->detail);
        sb_addc(&sb, '\n');
        sb_add(&sb, g->detail, len && g->detail[len - 1] == '\n' ? len - 1 : len);
    }
    return sb_detach(&sb);
}

static void sarif_rules(jw *w)
{
    jw_key(w, "rules");
    jw_open(w, '[');
    for (size_t i = 0; i < lint_nrules; i++) {
        const lint_rule *r = &lint_rules[i];
        jw_open(w, '{');
        jw_kstr(w, "id", r->id);
        jw_kstr(w, "name", r->id);
        jw_ktext(w, "shortDescription", r->summary);
        jw_ktext(w, "fullDescription", r->why);
        jw_ktext(w, "help", r->fix);
        jw_key(w, "defaultConfiguration");
        jw_open(w, '{');
        jw_kstr(w, "level", sarif_level(r->sev));
        jw_close(w, '}');
        jw_close(w, '}');
    }
    jw_close(w, ']');
}

static void sarif_result(jw *w, const diag *g)
{
    jw_open(w, '{');
    if (g->code)
        jw_kstr(w, "ruleId", g->code);
    const lint_rule *r = lint_find(g->code);
    if (r)
        jw_kint(w, "ruleIndex", (long long)(r - lint_rules));
    jw_kstr(w, "level", sarif_level(g->sev));
    char *text = message_with_hint(g);
    jw_ktext(w, "message", text);
    free(text);
    jw_key(w, "locations");
    jw_open(w, '[');
    jw_open(w, '{');
    jw_key(w, "physicalLocation");
    jw_open(w, '{');
    jw_key(w, "artifactLocation");
    jw_open(w, '{');
    char *uri = sarif_uri(g->at.file);
    jw_kstr(w, "uri", uri);
    free(uri);
    jw_close(w, '}');
    if (g->at.line > 0) {
        jw_key(w, "region");
        jw_open(w, '{');
        jw_kint(w, "startLine", g->at.line);
        if (g->at.col > 0)
            jw_kint(w, "startColumn", g->at.col);
        jw_close(w, '}');
    }
    jw_close(w, '}');
    jw_close(w, '}');
    jw_close(w, ']');
    if (g->suppressed) {
        jw_key(w, "suppressions");
        jw_open(w, '[');
        jw_open(w, '{');
        jw_kstr(w, "kind", "inSource");
        jw_kstr(w, "justification", g->reason ? g->reason : "");
        jw_close(w, '}');
        jw_close(w, ']');
    }
    jw_close(w, '}');
}

/* Findings without a file: code scanning rejects a whole upload when one
 * result has no location, so these go to the invocation instead. */
static void sarif_invocation(jw *w, const diags *d)
{
    bool any = false, failed = false;
    for (size_t i = 0; i < d->n; i++)
        if (!d->v[i].at.file && !d->v[i].suppressed) {
            any = true;
            failed |= d->v[i].sev == SEV_ERROR;
        }
    if (!any)
        return;
    jw_key(w, "invocations");
    jw_open(w, '[');
    jw_open(w, '{');
    jw_key(w, "executionSuccessful");
    jw_bool(w, !failed);
    jw_key(w, "toolExecutionNotifications");
    jw_open(w, '[');
    for (size_t i = 0; i < d->n; i++) {
        const diag *g = &d->v[i];
        if (g->at.file || g->suppressed)
            continue;
        jw_open(w, '{');
        if (g->code) {
            jw_key(w, "descriptor");
            jw_open(w, '{');
            jw_kstr(w, "id", g->code);
            jw_close(w, '}');
        }
        jw_kstr(w, "level", sarif_level(g->sev));
        char *text = message_with_hint(g);
        jw_ktext(w, "message", text);
        free(text);
        jw_close(w, '}');
    }
    jw_close(w, ']');
    jw_close(w, '}');
    jw_close(w, ']');
}

static void report_sarif(FILE *out, const diags *d, const char *tool_version)
{
    strbuf sb = STRBUF_INIT;
    jw w = {&sb, 0, false, false};
    jw_open(&w, '{');
    jw_kstr(&w, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    jw_kstr(&w, "version", "2.1.0");
    jw_key(&w, "runs");
    jw_open(&w, '[');
    jw_open(&w, '{');
    jw_key(&w, "tool");
    jw_open(&w, '{');
    jw_key(&w, "driver");
    jw_open(&w, '{');
    jw_kstr(&w, "name", "partc");
    jw_kstr(&w, "version", tool_version);
    sarif_rules(&w);
    jw_close(&w, '}');
    jw_close(&w, '}');
    sarif_invocation(&w, d);
    /* libyaml counts columns in characters */
    jw_kstr(&w, "columnKind", "unicodeCodePoints");
    jw_key(&w, "results");
    jw_open(&w, '[');
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].at.file)
            sarif_result(&w, &d->v[i]);
    jw_close(&w, ']');
    jw_close(&w, '}');
    jw_close(&w, ']');
    jw_close(&w, '}');
    sb_addc(&sb, '\n');
    put_sb(out, &sb);
    sb_free(&sb);
}

/* ---- GitHub Actions workflow commands */

/* The escaping of the Actions toolkit: data escapes %, CR and LF; property
 * values also ':' and ','.  Other control bytes become '?', as in the text
 * format, so that a hostile spec cannot drive the log viewer. */
static void gh_escape(strbuf *sb, const char *s, bool property)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '%')
            sb_puts(sb, "%25");
        else if (c == '\r')
            sb_puts(sb, "%0D");
        else if (c == '\n')
            sb_puts(sb, "%0A");
        else if (property && c == ':')
            sb_puts(sb, "%3A");
        else if (property && c == ',')
            sb_puts(sb, "%2C");
        else if (c < 0x20 || c == 0x7f)
            sb_addc(sb, '?');
        else
            sb_addc(sb, (char)c);
    }
}

static void report_github(FILE *out, const diags *d)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < d->n; i++) {
        const diag *g = &d->v[i];
        if (g->suppressed)
            continue;
        sb_puts(&sb, g->sev == SEV_ERROR ? "::error" : g->sev == SEV_WARNING ? "::warning" : "::notice");
        const char *sep = " ";
        if (g->at.file) {
            sb_puts(&sb, " file=");
            gh_escape(&sb, g->at.file, true);
            sep = ",";
        }
        if (g->at.line > 0) {
            sb_addf(&sb, "%sline=%d", sep, g->at.line);
            sep = ",";
            if (g->at.col > 0)
                sb_addf(&sb, ",col=%d", g->at.col);
        }
        if (g->code) {
            sb_addf(&sb, "%stitle=", sep);
            gh_escape(&sb, g->code, true);
        }
        sb_puts(&sb, "::");
        char *text = message_with_hint(g);
        gh_escape(&sb, text, false);
        free(text);
        sb_addc(&sb, '\n');
    }
    add_summary(&sb, count_findings(d));
    put_sb(out, &sb);
    sb_free(&sb);
}

void report_findings(FILE *out, const diags *d, const srcset *files, report_format f,
                     const char *tool_version)
{
    if (!tool_version)
        tool_version = "";
    switch (f) {
    case FORMAT_JSON: report_json(out, d, tool_version); break;
    case FORMAT_SARIF: report_sarif(out, d, tool_version); break;
    case FORMAT_GITHUB: report_github(out, d); break;
    default: report_text(out, d, files); break;
    }
}

void report_lint(FILE *out, const diags *d, const srcset *files)
{
    report_findings(out, d, files, FORMAT_TEXT, NULL);
}

/* ---- the rule catalog (`partc rules`) */

/* A markdown table cell: '|' would end it, a line break too. */
static void md_cell(FILE *out, const char *s)
{
    for (const char *p = s; *p; p++) {
        if (*p == '|')
            fputs("\\|", out);
        else if (*p == '\n' || *p == '\r')
            fputc(' ', out);
        else
            fputc(*p, out);
    }
}

void report_rules(FILE *out, const char *format)
{
    if (strcmp(format, "json") == 0) {
        strbuf sb = STRBUF_INIT;
        jw w = {&sb, 0, false, false};
        jw_open(&w, '{');
        jw_key(&w, "version");
        jw_int(&w, 1);
        jw_key(&w, "rules");
        jw_open(&w, '[');
        for (size_t i = 0; i < lint_nrules; i++) {
            const lint_rule *r = &lint_rules[i];
            jw_open(&w, '{');
            jw_kstr(&w, "id", r->id);
            jw_kstr(&w, "severity", severity_name(r->sev));
            jw_kstr(&w, "checked_by", r->check ? "lint" : "validation");
            jw_kstr(&w, "summary", r->summary);
            jw_kstr(&w, "why", r->why);
            jw_kstr(&w, "fix", r->fix);
            jw_close(&w, '}');
        }
        jw_close(&w, ']');
        jw_close(&w, '}');
        sb_addc(&sb, '\n');
        put_sb(out, &sb);
        sb_free(&sb);
    } else if (strcmp(format, "markdown") == 0) {
        fputs("| rule | default | what it flags | why it matters | how to fix |\n|---|---|---|---|---|\n", out);
        for (size_t i = 0; i < lint_nrules; i++) {
            const lint_rule *r = &lint_rules[i];
            fprintf(out, "| `%s` | %s | ", r->id, severity_name(r->sev));
            md_cell(out, r->summary);
            fputs(" | ", out);
            md_cell(out, r->why);
            fputs(" | ", out);
            md_cell(out, r->fix);
            fputs(" |\n", out);
        }
    } else {
        for (size_t i = 0; i < lint_nrules; i++) {
            const lint_rule *r = &lint_rules[i];
            fprintf(out, "%s%s (%s%s)\n  %s\n  why: %s\n  fix: %s\n", i ? "\n" : "", r->id,
                    severity_name(r->sev), r->check ? "" : ", checked by validation", r->summary, r->why,
                    r->fix);
        }
    }
}

/* ------------------------------------------------------------ plan, markdown */

/* The locks of a migration's up steps, each once, with its lock_timeout. */
static void md_locks(FILE *out, const migration *m, const specset *ss)
{
    bool any = false;
    for (size_t i = 0; i < m->nup; i++) {
        const char *l = m->up[i].lock;
        if (!l || strcmp(l, "none") == 0)
            continue;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = m->up[j].lock && strcmp(m->up[j].lock, l) == 0;
        if (seen)
            continue;
        fputs(any ? "<br>" : "", out);
        md_cell(out, l);
        any = true;
    }
    if (!any) {
        fputs("none", out);
        return;
    }
    int64_t lt = m->lock_timeout_ms >= 0 ? m->lock_timeout_ms : ss->settings.lock_timeout_ms.v;
    fputs("<br>(each waited for at most ", out);
    print_ms(out, lt);
    fputs(m->in_tx ? ", held until the commit)" : ", held per statement or batch)", out);
}

/* What cannot be undone once the table's migrations and maintenance run. */
static void md_irreversible(FILE *out, const table *t)
{
    fputs("- Irreversible:", out);
    if (t->mode.v == MODE_CONVERT)
        fprintf(out, " the cleanup drops `%s.%s%s` (its rollback fails, saying so);", t->schema.s, t->name.s,
                t->migrate.old_suffix.s);
    else
        fprintf(out, " the rollback of the create drops `%s.%s` with every row written to it;", t->schema.s,
                t->name.s);
    if (t->retention.present) {
        const retention_spec *r = &t->retention;
        if (r->action.v == RET_DELETE)
            fprintf(out, " retention deletes rows whose `%s` is older than ", r->column.s);
        else
            fprintf(out, " retention %s partitions older than ",
                    r->action.v == RET_DROP ? "drops" : r->action.v == RET_DETACH ? "detaches" : "archives");
        print_duration(out, r->keep.v);
        fputs(r->action.v == RET_DROP || r->action.v == RET_DELETE ? " (their rows are gone)"
                                                                  : " (the tables stay, rows kept)",
              out);
    } else
        fputs(" no retention", out);
    fputs(".\n", out);
}

void report_plan_markdown(FILE *out, const plan *p, const specset *ss)
{
    fputs("## partc plan\n\n", out);
    fprintf(out, "%zu migration%s for %zu table%s; partitions planned as of ", p->n, p->n == 1 ? "" : "s",
            ss->ntables, ss->ntables == 1 ? "" : "s");
    print_ts(out, p->as_of);
    fputs(".\n", out);
    for (size_t i = 0; i < p->n;) {
        const migration *m = &p->v[i];
        const table *t = m->t;
        fputc('\n', out);
        if (!t)
            fprintf(out, "### runtime `%s`\n\n", ss->settings.runtime_schema.s);
        else {
            fprintf(out, "### `%s.%s`: %s", t->schema.s, t->name.s, mode_name(t->mode.v));
            if (t->strategy.v == STRATEGY_PARTITION)
                fprintf(out, ", %s ranges on `%s`", cal_interval_name(t->part.interval.v), t->part.key.s);
            else
                fprintf(out, ", strategy %s", strategy_name(t->strategy.v));
            fprintf(out, " (%s:%d)\n\n", t->file ? t->file : "-", t->name.at.line);
        }
        fputs("| phase | migration | what it does | locks | transaction | rollback |\n"
              "|---|---|---|---|---|---|\n",
              out);
        size_t j = i;
        for (; j < p->n && p->v[j].t == t; j++) {
            const migration *x = &p->v[j];
            fprintf(out, "| %s | `%s` | ", x->phase, x->name);
            md_cell(out, x->about ? x->about : "");
            fputs(" | ", out);
            md_locks(out, x, ss);
            fputs(" | ", out);
            fputs(x->in_tx ? "one" : "none: alone in its file", out);
            fputs(" | ", out);
            md_cell(out, x->undo ? x->undo : "");
            fputs(" |\n", out);
        }
        bool first_ones = false; /* the table's create or conversion is among them */
        for (size_t k = i; k < j; k++)
            first_ones = first_ones || strcmp(p->v[k].phase, "change") != 0;
        if (t && !first_ones) {
            fputc('\n', out);
            fputs("- A change of the spec: each row's rollback brings the table back to the version before; a "
                  "column it drops loses its values.\n", out);
        }
        if (t && first_ones) {
            fputc('\n', out);
            if (t->strategy.v == STRATEGY_PARTITION && t->mode.v == MODE_CONVERT &&
                t->migrate.method.v == METHOD_ATTACH) {
                int64_t cut = table_cutover(t, p->v[i].as_of);
                fprintf(out, "- Nothing is copied: `%s` becomes the partition [", names_old(p->a, t));
                print_ts(out, t->part.start.v);
                fputs(", ", out);
                print_ts(out, cut);
                fprintf(out, ") at the swap, and until then refuses rows from the cutover on; the migration makes "
                             "%d partitions from the cutover on, `%s` first; then the runtime keeps %d ahead.\n",
                        t->part.premake.v + 1, names_partition(p->a, t, cut), t->part.premake.v);
            } else if (t->strategy.v == STRATEGY_PARTITION) {
                int64_t first, count;
                table_static_ranges(t, p->as_of, &first, &count);
                int64_t last = cal_add(t->part.interval.v, first, count - 1);
                fprintf(out, "- Partitions made by the migration: %lld, `%s` [", (long long)count,
                        names_partition(p->a, t, first));
                print_ts(out, first);
                fputs(", ", out);
                print_ts(out, cal_add(t->part.interval.v, first, 1));
                fprintf(out, ") .. `%s` [", names_partition(p->a, t, last));
                print_ts(out, last);
                fputs(", ", out);
                print_ts(out, cal_add(t->part.interval.v, last, 1));
                fprintf(out, "); then the runtime keeps %d ahead%s.\n", t->part.premake.v,
                        t->part.default_partition.v ? ", and a default partition takes rows outside every range" : "");
            }
            if (t->strategy.v == STRATEGY_PARTITION || t->retention.present) {
                fputs("- Maintenance: ", out);
                if (t->maintenance.schedule.s)
                    fprintf(out, "pg_cron `%s`", t->maintenance.schedule.s);
                else
                    fprintf(out, "not scheduled (run `SELECT %s.maintain()` from your own scheduler)",
                            ss->settings.runtime_schema.s);
                fputs(".\n", out);
            }
            md_irreversible(out, t);
        }
        i = j;
    }
    table **order = ss->ordered ? ss->ordered : ss->tables;
    for (size_t i = 0; i < ss->ntables; i++)
        if (order[i]->mode.v == MODE_REFERENCE)
            fprintf(out, "\n`%s.%s`: reference only, no migration.\n", order[i]->schema.s, order[i]->name.s);
}
