/* spec_load: YAML spec files -> model.
 *
 * Reads every *.yaml / *.yml file given (folders are walked, sorted by path),
 * parses them with libyaml, and fills one specset.  Rejects, as diags with
 * file:line:col (1-based), YAML syntax errors, several documents, unknown and
 * duplicate keys at every level, wrong node kinds and scalar types, bad enum
 * values, unparseable dates, durations and numbers, `version` other than 1,
 * and settings given more than once.  Alias nodes are refused (a spec has no
 * use for them and they enable "billion laughs"); nesting deeper than 64 is
 * refused.  Cross-field and cross-table checks are validate's job, not this
 * module's.  Never prints.  Like every stage, its functions return 0, or -1
 * when they added an error. */
#ifndef PARTC_SPEC_LOAD_H
#define PARTC_SPEC_LOAD_H

#include "diag.h"
#include "model.h"

/* paths: files or folders.  A path that cannot be read as specs is an
 * error (code io-error; no-spec-files for a folder without any,
 * bad-file-name for a name with control characters), which
 * spec_load_unreadable finds among the diags. */
int spec_load_paths(specset *ss, const char *const *paths, size_t npaths, diags *d);
/* An input path could not be read: the run has nothing to check. */
bool spec_load_unreadable(const diags *d);
/* One document from memory (tests, fuzzing). */
int spec_load_bytes(specset *ss, const char *path, const char *bytes, size_t len,
                    diags *d);

#endif
