#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void diags_init(diags *d, arena *a)
{
    memset(d, 0, sizeof *d);
    d->a = a;
}

#define DIAG_MAX_MESSAGE 1000

/* Where to cut s[0, len) to at most max bytes without splitting a UTF-8
 * sequence: len when it fits. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t cut = max;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    return cut;
}

diag *diag_add(diags *d, severity sev, const char *code, srcloc at,
               const char *hint, const char *fmt, ...)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 32;
        d->v = arena_grow(d->a, d->v, d->n, cap, sizeof *d->v);
        d->cap = cap;
    }
    diag *dg = &d->v[d->n];
    dg->sev = sev;
    dg->code = arena_strdup(d->a, code);
    dg->at.file = arena_strdup(d->a, at.file);
    dg->at.line = at.line;
    dg->at.col = at.col;
    va_list ap;
    va_start(ap, fmt);
    dg->message = arena_vprintf(d->a, fmt, ap);
    va_end(ap);
    /* a message quotes what the spec says, which may be up to a 64 KiB
     * value: keep it to a readable length, cut on a UTF-8 boundary */
    size_t len = strlen(dg->message);
    size_t cut = utf8_cut(dg->message, len, DIAG_MAX_MESSAGE);
    if (cut < len)
        dg->message = arena_printf(d->a, "%.*s... (%zu bytes more)", (int)cut, dg->message, len - cut);
    dg->hint = hint ? arena_strdup(d->a, hint) : NULL;
    dg->detail = NULL;
    dg->suppressed = false;
    dg->reason = NULL;
    dg->seq = (unsigned)d->n;
    d->n++;
    return dg;
}

void diag_set_detail(diags *d, diag *dg, const char *text)
{
    dg->detail = text ? arena_strdup(d->a, text) : NULL;
}

static int strcmp_null(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

static int cmp(const void *pa, const void *pb)
{
    const diag *a = pa, *b = pb;
    int c = strcmp_null(a->at.file, b->at.file);
    if (c)
        return c;
    if (a->at.line != b->at.line)
        return a->at.line < b->at.line ? -1 : 1;
    if (a->at.col != b->at.col)
        return a->at.col < b->at.col ? -1 : 1;
    c = strcmp_null(a->code, b->code);
    if (c)
        return c;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void diags_sort(diags *d)
{
    if (d->n > 1)
        qsort(d->v, d->n, sizeof *d->v, cmp);
}

bool diags_have_code(const diags *d, const char *code)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].sev == SEV_ERROR && strcmp(d->v[i].code, code) == 0)
            return true;
    return false;
}

size_t diags_count(const diags *d, severity min)
{
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++)
        if (!d->v[i].suppressed && d->v[i].sev >= min)
            n++;
    return n;
}

const char *severity_name(severity s)
{
    switch (s) {
    case SEV_ERROR: return "error";
    case SEV_WARNING: return "warning";
    default: return "note";
    }
}

/* Bytes of a file's line, control bytes replaced so that a hostile file
 * cannot drive the terminal. */
static void put_bytes(FILE *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\t')
            fputc(' ', out);
        else if (c < 0x20 || c == 0x7f)
            fputc('?', out);
        else
            fputc(c, out);
    }
}

/* A source line, and a caret under column col when col > 0. */
static void put_excerpt(FILE *out, const char *s, size_t len, int col)
{
    fputs("    ", out);
    size_t shown = len > 200 ? 200 : len;
    put_bytes(out, s, shown);
    if (shown < len)
        fputs("...", out);
    fputc('\n', out);
    if (col < 1)
        return;
    fputs("    ", out);
    /* columns are counted in characters by libyaml: advance over UTF-8 */
    int chars = 1;
    for (size_t i = 0; i < shown && chars < col; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) == 0x80)
            continue;
        fputc(' ', out);
        chars++;
    }
    fputs("^\n", out);
}

/* Message text on one line: control bytes from hostile specs become '?'. */
static void put_text(FILE *out, const char *s)
{
    for (; *s; s++)
        fputc(((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s, out);
}

/* srcset_find, remembering the last file found: diags are printed sorted
 * by file, so a run of them in one file scans the set once, not once each.
 * The remembered file is used only while it is still in the same set at
 * the same place and has the path asked for (file paths in a set are
 * distinct). */
static srcfile *find_file(const srcset *ss, const char *path)
{
    static const srcset *last_set;
    static size_t last_i;
    static srcfile *last_file;
    if (!path)
        return NULL;
    if (last_set == ss && last_i < ss->n && ss->v[last_i] == last_file &&
        strcmp(last_file->path, path) == 0)
        return last_file;
    for (size_t i = 0; i < ss->n; i++)
        if (strcmp(ss->v[i]->path, path) == 0) {
            last_set = ss;
            last_i = i;
            last_file = ss->v[i];
            return last_file;
        }
    return NULL;
}

void diag_print(FILE *out, const diag *dg, const srcset *ss)
{
    /* paths come from the command line too: no control characters out */
    if (dg->at.file && dg->at.line > 0) {
        put_text(out, dg->at.file);
        fprintf(out, ":%d:%d: ", dg->at.line, dg->at.col > 0 ? dg->at.col : 1);
    } else if (dg->at.file) {
        put_text(out, dg->at.file);
        fputs(": ", out);
    }
    else
        fputs("partc: ", out);
    fprintf(out, "%s: ", severity_name(dg->sev));
    put_text(out, dg->message);
    if (dg->code)
        fprintf(out, " [%s]", dg->code);
    fputc('\n', out);
    if (ss && dg->at.line > 0) {
        srcfile *sf = find_file(ss, dg->at.file);
        size_t len;
        const char *line = sf ? srcfile_line(sf, dg->at.line, &len) : NULL;
        if (line)
            put_excerpt(out, line, len, dg->at.col);
    }
    if (dg->hint) {
        fputs("  hint: ", out);
        put_text(out, dg->hint);
        fputc('\n', out);
    }
    for (const char *p = dg->detail; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        size_t cut = utf8_cut(p, len, DIAG_MAX_MESSAGE);
        fputs("    ", out);
        put_bytes(out, p, cut);
        if (cut < len)
            fprintf(out, "... (%zu bytes more)", len - cut);
        fputc('\n', out);
        p += len + (nl != NULL);
    }
    if (dg->suppressed)
        fprintf(out, "  allowed: %s\n", dg->reason ? dg->reason : "");
}

void diags_print(FILE *out, const diags *d, const srcset *ss)
{
    for (size_t i = 0; i < d->n; i++)
        diag_print(out, &d->v[i], ss);
}
