/* render_internal: what render.c and render_values.c share; nothing else
 * includes it. */
#ifndef PARTC_RENDER_INTERNAL_H
#define PARTC_RENDER_INTERNAL_H

#include <stdbool.h>

#include "calendar.h"
#include "plan.h"
#include "render.h"
#include "strbuf.h"
#include "template.h"

typedef struct rctx {
    arena *a;
    const template_set *ts;
    const render_opts *o;
    diags *d;
    const table *t;
    tvars base; /* values every template of this table may use */
    int rc;
} rctx;

/* The type of the partition key, as bounds are written for it. */
typedef enum { KEY_TIMESTAMPTZ, KEY_TIMESTAMP, KEY_DATE } key_kind;

const char *ident(rctx *c, const char *s);
const char *lit(rctx *c, const char *s);
const char *qual(rctx *c, const char *name);
const char *ident_list(rctx *c, const slist *l);
const char *qualified_name(rctx *c, const char *s);
const char *index_columns(rctx *c, const index *ix);
const char *dur_lit(rctx *c, duration du);
key_kind key_type(arena *a, const table *t);
const char *bound_lit(rctx *c, int64_t t);
const char *bound_format_text(rctx *c);
const char *pick_tag(rctx *c, const tvars *tv, const char *kind);
const char *expand(rctx *c, const char *kind, tvars *tv);
tvars *vars(rctx *c);
const char *search_path(rctx *c);
const char *one_line(rctx *c, const char *s);
void convert_vars(rctx *c);
const char *definition(rctx *c);
const char **security_statements(rctx *c, const char *rel, size_t *n);
void index_vars(rctx *c, tvars *tv, size_t i, const char *rel, const char *name, bool if_not_exists);
const char *index_statement(rctx *c, size_t i, const char *rel, const char *name, bool if_not_exists);
/* The values function of every step kind (render_values.c), declared from
 * the rows of steps.def. */
#define STEP(K, T, F, G) const char *F(rctx *c, const step *s, tvars *tv);
#define SUB(T, G)
#define BASE(B)
#include "steps.def"
#undef STEP
#undef SUB
#undef BASE

/* The template of a step kind. */
const char *step_template(step_kind k);

#endif
