/* textdiff: a line-based unified diff, to show how a file differs from what
 * partc would write.
 *
 * Lines end at '\n'; a last line without one differs from the same line
 * with one (and is marked "\ No newline at end of file", as diff -u does).
 * The edit script is a shortest one (Myers' O(ND) algorithm, in linear
 * space), found within a work budget proportional to the inputs: past it,
 * what is left of the inputs is shown as removed and added as a whole, so
 * that two very different files cost no more than two similar ones.  Hunks
 * carry 3 lines of context and the headers of diff -u
 * ("@@ -l,n +l,n @@", ",1" left out). */
#ifndef PARTC_TEXTDIFF_H
#define PARTC_TEXTDIFF_H

#include <stddef.h>

#include "arena.h"

#define TEXTDIFF_CONTEXT 3

/* The diff from `from` to `to`, headed "--- from_label" and "+++ to_label",
 * in a that many lines, each ending in '\n'; NULL when the texts are equal.
 * max_lines > 0 keeps the first max_lines lines (headers included) and,
 * when lines of the diff that remove or add something were left out, ends
 * with one line "... N more lines differ".  A NUL byte in a line is shown
 * as '?'.  Work memory is freed before it returns. */
const char *textdiff_unified(arena *a, const char *from, size_t from_len, const char *to, size_t to_len,
                             const char *from_label, const char *to_label, size_t max_lines);

#endif
