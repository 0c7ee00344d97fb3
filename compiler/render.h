/* render: plan steps -> SQL text, through the templates.
 *
 * For every step the renderer computes the template's values from the model:
 * identifiers already quoted by sqlquote, literals already quoted, lists
 * already joined.  Templates never quote.  The result is the text of one
 * migration's up and down files; render writes no file (emit does) and
 * prints nothing (errors are diags, e.g. a template with an unknown
 * placeholder). */
#ifndef PARTC_RENDER_H
#define PARTC_RENDER_H

#include <stdbool.h>

#include "diag.h"
#include "model.h"
#include "plan.h"
#include "strbuf.h"
#include "template.h"

typedef struct render_opts {
    bool wrap_tx;      /* BEGIN/COMMIT around a transactional up file */
    bool wrap_down_tx; /* ... and around a transactional rollback file */
    const specset *ss;
} render_opts;

/* Appends the up and down SQL of m.  Returns 0, or -1 with diags added. */
int render_migration(const migration *m, const template_set *ts, const render_opts *o,
                     arena *a, strbuf *up, strbuf *down, diags *d);

#endif
