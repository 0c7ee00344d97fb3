/* check_templates: a build step.  Reads the templates given as arguments and
 * the rows of steps.def, and fails (exit 1, one line per problem) when a
 * template uses a placeholder that is neither a base value nor given by its
 * row, when a row gives a name its template does not use, when a template
 * has no row, or a row no template.  Lines starting with --! are the
 * template's documentation and are not read, as in template.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct row {
    const char *template;
    const char *gives;
    const char *kind; /* "step" or "sub" */
    int seen;
} row;

static row rows[] = {
#define STEP(K, T, F, G) {#T, G, "step", 0},
#define SUB(T, G) {#T, G, "sub", 0},
#define BASE(B)
#include "steps.def"
#undef STEP
#undef SUB
#undef BASE
};

static const char base[] =
#define STEP(K, T, F, G)
#define SUB(T, G)
#define BASE(B) B
#include "steps.def"
    ;

/* Is name (len bytes) a word of the space-separated list? */
static int in_list(const char *list, const char *name, size_t len)
{
    for (const char *p = list; *p;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n == len && strncmp(p, name, len) == 0)
            return 1;
        p += n;
    }
    return 0;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *s = malloc(cap);
    size_t got;
    while (s && (got = fread(s + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap)
            s = realloc(s, cap *= 2);
    }
    fclose(f);
    if (s)
        s[n] = '\0';
    return s;
}

/* The template's text without its --! lines. */
static void strip_doc(char *s)
{
    char *w = s;
    for (char *p = s; *p;) {
        char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
        if (strncmp(p, "--!", 3) != 0) {
            memmove(w, p, len);
            w += len;
        }
        p += len;
    }
    *w = '\0';
}

static int check(const char *path, const char *text, row *r)
{
    int bad = 0;
    /* every placeholder of the template: a base value or given by the row */
    for (const char *p = strstr(text, "{{"); p; p = strstr(p + 2, "{{")) {
        const char *name = p + 2, *end = strstr(name, "}}");
        if (!end)
            break;
        size_t len = (size_t)(end - name);
        if (!in_list(base, name, len) && !in_list(r->gives, name, len)) {
            fprintf(stderr, "%s: uses {{%.*s}}, which its %s row in compiler/steps.def does not give\n", path,
                    (int)len, name, r->kind);
            bad = 1;
        }
    }
    /* every name the row gives: used by the template */
    for (const char *g = r->gives; *g;) {
        while (*g == ' ')
            g++;
        size_t n = strcspn(g, " ");
        if (n) {
            char want[128];
            snprintf(want, sizeof want, "{{%.*s}}", (int)n, g);
            if (!strstr(text, want)) {
                fprintf(stderr, "%s: its %s row in compiler/steps.def gives '%.*s', which it does not use\n", path,
                        r->kind, (int)n, g);
                bad = 1;
            }
        }
        g += n;
    }
    return bad;
}

int main(int argc, char **argv)
{
    int bad = 0;
    size_t nrows = sizeof rows / sizeof rows[0];
    for (int i = 1; i < argc; i++) {
        const char *path = argv[i];
        const char *slash = strrchr(path, '/');
        const char *file = slash ? slash + 1 : path;
        size_t len = strlen(file);
        if (len < 5 || strcmp(file + len - 4, ".sql") != 0)
            continue;
        row *r = NULL;
        for (size_t k = 0; k < nrows && !r; k++)
            if (strlen(rows[k].template) == len - 4 && strncmp(rows[k].template, file, len - 4) == 0)
                r = &rows[k];
        if (!r) {
            fprintf(stderr, "%s: no row in compiler/steps.def names this template\n", path);
            bad = 1;
            continue;
        }
        r->seen = 1;
        char *text = slurp(path);
        if (!text) {
            fprintf(stderr, "%s: cannot read it\n", path);
            bad = 1;
            continue;
        }
        strip_doc(text);
        bad |= check(path, text, r);
        free(text);
    }
    for (size_t k = 0; k < nrows; k++)
        if (!rows[k].seen) {
            fprintf(stderr, "compiler/steps.def: %s row '%s' has no template templates/%s.sql\n", rows[k].kind,
                    rows[k].template, rows[k].template);
            bad = 1;
        }
    return bad;
}
