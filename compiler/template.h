/* template: SQL templates with {{placeholders}}.
 *
 * Templates are embedded into the binary at build time (embed_templates) and
 * can be replaced as a set with --templates DIR.  Expansion substitutes
 * {{name}} with a value the renderer supplies; the value is inserted as-is,
 * because the renderer hands over text that is already quoted (templates never
 * quote).  A placeholder with no value is an error (a diag pointing at the
 * template's line and column), never an empty string.  Owns nothing: the set
 * and expansions live in the arena passed in. */
#ifndef PARTC_TEMPLATE_H
#define PARTC_TEMPLATE_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "strbuf.h"

typedef struct template_src {
    const char *name; /* step kind, e.g. "create_parent" */
    const char *path; /* for diagnostics */
    const char *text;
} template_src;

extern const template_src template_embedded[];
extern const unsigned template_nembedded;

typedef struct template_set {
    template_src *v;
    size_t n;
} template_set;

/* The embedded set, or every *.sql of dir (a missing template then falls
 * back to nothing: expansion reports it).  Returns -1 with a diag on I/O. */
int template_set_load(template_set *ts, arena *a, const char *dir, diags *d);
const template_src *template_find(const template_set *ts, const char *name);

/* Values for one expansion: parallel arrays of names and texts. */
typedef struct tvars {
    const char **names;
    const char **values;
    size_t n, cap;
    arena *a;
} tvars;

void tvars_init(tvars *tv, arena *a);
void tvars_set(tvars *tv, const char *name, const char *value);
const char *tvars_get(const tvars *tv, const char *name);
/* tvars_get of the name key[0..len). */
const char *tvars_get_n(const tvars *tv, const char *key, size_t len);

/* Appends the expansion of template `name` to out.  Returns 0, or -1 after
 * adding a diag (unknown template, unknown placeholder, unterminated {{). */
int template_expand(const template_set *ts, const char *name, const tvars *tv,
                    strbuf *out, diags *d);

#endif
