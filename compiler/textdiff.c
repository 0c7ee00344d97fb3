#include "textdiff.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "strbuf.h"
#include "strmap.h"

/* ---- lines ---------------------------------------------------------------- */

typedef struct text {
    const char **s; /* line starts */
    size_t *len;    /* with the '\n' when there is one */
    size_t *id;     /* equal lines, equal ids (of both texts) */
    unsigned char *changed;
    long n;
} text;

static void split_lines(arena *w, text *t, const char *s, size_t len, strmap *ids, size_t *nids)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] == '\n';
    if (len && s[len - 1] != '\n')
        n++;
    t->s = arena_calloc(w, n + 1, sizeof *t->s);
    t->len = arena_calloc(w, n + 1, sizeof *t->len);
    t->id = arena_calloc(w, n + 1, sizeof *t->id);
    t->changed = arena_calloc(w, n + 1, 1);
    t->n = (long)n;
    size_t at = 0;
    for (size_t k = 0; k < n; k++) {
        const char *nl = memchr(s + at, '\n', len - at);
        size_t l = nl ? (size_t)(nl - (s + at)) + 1 : len - at;
        t->s[k] = s + at;
        t->len[k] = l;
        size_t *slot = &strmap_slot(ids, s + at, l)->n;
        if (!*slot)
            *slot = ++*nids;
        t->id[k] = *slot;
        at += l;
    }
}

/* ---- the shortest edit script ---------------------------------------------- */

#define NONE LONG_MIN

typedef struct differ {
    text *a, *b;
    long *fd, *bd;     /* per diagonal k = x - y: the furthest x forward, the least x backward */
    size_t work, limit; /* diagonals visited and lines compared */
} differ;

static void mark(text *t, long lo, long hi)
{
    for (long i = lo; i < hi; i++)
        t->changed[i] = 1;
}

/* A point (*sx, *sy) on a shortest edit path from (xoff, yoff) to (xlim,
 * ylim), halfway along it (Myers' middle snake): the forward search from the
 * start and the backward one from the end, one edit at a time, until they
 * meet on a diagonal.  Every point stays inside the box.  Returns -1 when
 * the work budget runs out first. */
static int middle(differ *df, long xoff, long xlim, long yoff, long ylim, long *sx, long *sy)
{
    const size_t *a = df->a->id, *b = df->b->id;
    long *fd = df->fd, *bd = df->bd;
    const long dmin = xoff - ylim, dmax = xlim - yoff; /* the diagonals of the box */
    const long fmid = xoff - yoff, bmid = xlim - ylim;
    const bool odd = ((bmid - fmid) & 1) != 0;
    for (long d = 0;; d++) {
        if (df->work > df->limit)
            return -1;
        /* forward: d edits from the start */
        for (long k = fmid - d; k <= fmid + d; k += 2) {
            if (k < dmin || k > dmax)
                continue;
            df->work++;
            long xmax = xlim < ylim + k ? xlim : ylim + k, x;
            if (d == 0)
                x = xoff;
            else {
                x = NONE;
                if (k > fmid - d && k - 1 >= dmin && fd[k - 1] != NONE && fd[k - 1] + 1 <= xmax)
                    x = fd[k - 1] + 1; /* one line of a removed */
                if (k < fmid + d && k + 1 <= dmax && fd[k + 1] != NONE && fd[k + 1] <= xmax && fd[k + 1] > x)
                    x = fd[k + 1]; /* one line of b added */
                if (x == NONE) {
                    fd[k] = NONE;
                    continue;
                }
            }
            long y = x - k;
            while (x < xlim && y < ylim && a[x] == b[y]) {
                x++;
                y++;
                df->work++;
            }
            fd[k] = x;
            if (odd && d > 0 && k >= bmid - (d - 1) && k <= bmid + (d - 1) && bd[k] != NONE && bd[k] <= x) {
                *sx = x;
                *sy = y;
                return 0;
            }
        }
        /* backward: d edits from the end */
        for (long k = bmid - d; k <= bmid + d; k += 2) {
            if (k < dmin || k > dmax)
                continue;
            df->work++;
            long xmin = xoff > yoff + k ? xoff : yoff + k, x;
            if (d == 0)
                x = xlim;
            else {
                x = NONE;
                if (k < bmid + d && k + 1 <= dmax && bd[k + 1] != NONE && bd[k + 1] - 1 >= xmin)
                    x = bd[k + 1] - 1;
                if (k > bmid - d && k - 1 >= dmin && bd[k - 1] != NONE && bd[k - 1] >= xmin &&
                    (x == NONE || bd[k - 1] < x))
                    x = bd[k - 1];
                if (x == NONE) {
                    bd[k] = NONE;
                    continue;
                }
            }
            long y = x - k;
            while (x > xoff && y > yoff && a[x - 1] == b[y - 1]) {
                x--;
                y--;
                df->work++;
            }
            bd[k] = x;
            if (!odd && k >= fmid - d && k <= fmid + d && fd[k] != NONE && x <= fd[k]) {
                *sx = x;
                *sy = y;
                return 0;
            }
        }
    }
}

/* Marks the lines of a[xoff, xlim) and b[yoff, ylim) that a shortest edit
 * script removes and adds.  Each split halves the number of edits, so the
 * recursion is about log2 of it deep. */
static void compare(differ *df, long xoff, long xlim, long yoff, long ylim)
{
    const size_t *a = df->a->id, *b = df->b->id;
    while (xoff < xlim && yoff < ylim && a[xoff] == b[yoff]) {
        xoff++;
        yoff++;
    }
    while (xlim > xoff && ylim > yoff && a[xlim - 1] == b[ylim - 1]) {
        xlim--;
        ylim--;
    }
    if (xoff == xlim || yoff == ylim) {
        mark(df->a, xoff, xlim);
        mark(df->b, yoff, ylim);
        return;
    }
    long sx, sy;
    if (middle(df, xoff, xlim, yoff, ylim, &sx, &sy) != 0 || (sx == xoff && sy == yoff) ||
        (sx == xlim && sy == ylim)) {
        /* out of budget (or no progress, which a shortest path rules out):
         * the rest as removed and added */
        mark(df->a, xoff, xlim);
        mark(df->b, yoff, ylim);
        return;
    }
    compare(df, xoff, sx, yoff, sy);
    compare(df, sx, xlim, sy, ylim);
}

/* ---- output ------------------------------------------------------------------ */

typedef struct out {
    strbuf sb;
    size_t shown, max, more; /* lines shown, the cap, removed and added lines left out */
} out;

static bool room(out *o)
{
    return !o->max || o->shown < o->max;
}

static void put(out *o, char c, const char *s, size_t len)
{
    if (!room(o)) {
        o->more += c == '-' || c == '+';
        return;
    }
    sb_addc(&o->sb, c);
    bool nl = len && s[len - 1] == '\n';
    size_t body = nl ? len - 1 : len;
    for (size_t i = 0; i < body; i++)
        sb_addc(&o->sb, s[i] ? s[i] : '?');
    sb_addc(&o->sb, '\n');
    o->shown++;
    if (!nl && room(o)) {
        sb_puts(&o->sb, "\\ No newline at end of file\n");
        o->shown++;
    }
}

static void put_line(out *o, char c, const text *t, long i)
{
    put(o, c, t->s[i], t->len[i]);
}

/* "l,n" of diff -u: n left out when 1, l the line before when n is 0 */
static void put_range(out *o, long start, long count)
{
    if (count == 1)
        sb_addf(&o->sb, "%ld", start + 1);
    else
        sb_addf(&o->sb, "%ld,%ld", count ? start + 1 : start, count);
}

/* The next change at or after (*i, *j), the unchanged lines before it
 * skipped: a[*i, *ie) removed and b[*j, *je) added.  False at the end. */
static bool next_change(const text *a, const text *b, long *i, long *j, long *ie, long *je)
{
    while (*i < a->n && *j < b->n && !a->changed[*i] && !b->changed[*j]) {
        ++*i;
        ++*j;
    }
    if (*i >= a->n && *j >= b->n)
        return false;
    *ie = *i;
    *je = *j;
    while (*ie < a->n && a->changed[*ie])
        ++*ie;
    while (*je < b->n && b->changed[*je])
        ++*je;
    return true;
}

static void render(out *o, const text *a, const text *b)
{
    long i = 0, j = 0, ie, je;
    bool have = next_change(a, b, &i, &j, &ie, &je);
    while (have) {
        /* one hunk: changes less than 2 * context unchanged lines apart */
        long hs = i > TEXTDIFF_CONTEXT ? i - TEXTDIFF_CONTEXT : 0;
        long hj = j - (i - hs);
        long ci = ie, cj = je; /* end of the hunk's last change */
        long ni = ie, nj = je, nie, nje;
        for (;;) {
            long pi = ci, pj = cj;
            have = next_change(a, b, &pi, &pj, &nie, &nje);
            if (!have || pi - ci > 2 * TEXTDIFF_CONTEXT) {
                ni = pi;
                nj = pj;
                break;
            }
            ci = nie;
            cj = nje;
        }
        long tail = a->n - ci < TEXTDIFF_CONTEXT ? a->n - ci : TEXTDIFF_CONTEXT;
        long he = ci + tail, hje = cj + tail;
        if (room(o)) {
            sb_puts(&o->sb, "@@ -");
            put_range(o, hs, he - hs);
            sb_puts(&o->sb, " +");
            put_range(o, hj, hje - hj);
            sb_puts(&o->sb, " @@\n");
            o->shown++;
        }
        long x = hs, y = hj;
        while (x < he || y < hje) {
            if (x < he && a->changed[x])
                put_line(o, '-', a, x++);
            else if (y < hje && b->changed[y])
                put_line(o, '+', b, y++);
            else {
                put_line(o, ' ', a, x++);
                y++;
            }
        }
        i = ni;
        j = nj;
        if (have) {
            ie = nie;
            je = nje;
        }
    }
}

const char *textdiff_unified(arena *a, const char *from, size_t from_len, const char *to, size_t to_len,
                             const char *from_label, const char *to_label, size_t max_lines)
{
    if (from_len == to_len && memcmp(from, to, from_len) == 0)
        return NULL;
    arena *w = arena_new();
    strmap ids;
    size_t nids = 0;
    text ta, tb;
    strmap_init(&ids, w, 64);
    split_lines(w, &ta, from, from_len, &ids, &nids);
    split_lines(w, &tb, to, to_len, &ids, &nids);
    differ df = {&ta, &tb, NULL, NULL, 0, 0};
    size_t span = (size_t)ta.n + (size_t)tb.n + 3;
    df.fd = (long *)arena_calloc(w, span, sizeof *df.fd) + tb.n + 1;
    df.bd = (long *)arena_calloc(w, span, sizeof *df.bd) + tb.n + 1;
    df.limit = ((size_t)1 << 22) + 64 * span;
    compare(&df, 0, ta.n, 0, tb.n);

    out o = {STRBUF_INIT, 0, max_lines, 0};
    if (room(&o)) {
        sb_addf(&o.sb, "--- %s\n", from_label);
        o.shown++;
    }
    if (room(&o)) {
        sb_addf(&o.sb, "+++ %s\n", to_label);
        o.shown++;
    }
    render(&o, &ta, &tb);
    if (o.more)
        sb_addf(&o.sb, "... %zu more line%s differ%s\n", o.more, o.more == 1 ? "" : "s", o.more == 1 ? "s" : "");
    const char *s = arena_strndup(a, sb_str(&o.sb), o.sb.len);
    sb_free(&o.sb);
    arena_free(w);
    return s;
}
