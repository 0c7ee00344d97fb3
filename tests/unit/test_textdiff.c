/* textdiff: the unified diff check and compile print under [drift]. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "t.h"
#include "textdiff.h"

static const char *diff(arena *a, const char *x, const char *y, size_t max)
{
    return textdiff_unified(a, x, strlen(x), y, strlen(y), "A", "B", max);
}

/* ---- a patch applier: proves a diff turns `from` into `to` ----------------- */

static long header_num(const char **p)
{
    long v = strtol(*p, (char **)p, 10);
    return v;
}

/* The text the diff gives from `from`, or NULL when a hunk does not fit it
 * (a context or removed line that is not from's, a count that is not the
 * hunk's).  Only a full diff (no cut-off) applies. */
static char *apply(const char *from, const char *d)
{
    size_t nl = 0;
    for (const char *s = from; *s; s++)
        nl += *s == '\n';
    const char **line = calloc(nl + 2, sizeof *line);
    size_t *len = calloc(nl + 2, sizeof *len), n = 0;
    for (const char *s = from; *s;) {
        const char *e = strchr(s, '\n');
        size_t l = e ? (size_t)(e - s) + 1 : strlen(s);
        line[n] = s;
        len[n++] = l;
        s += l;
    }
    strbuf out = STRBUF_INIT;
    bool ok = strncmp(d, "--- A\n+++ B\n", 12) == 0;
    const char *p = d + 12;
    size_t at = 0; /* next line of from to copy */
    while (ok && *p) {
        ok = strncmp(p, "@@ -", 4) == 0;
        if (!ok)
            break;
        p += 4;
        long as = header_num(&p), ac = 1, bs, bc = 1;
        if (*p == ',') {
            p++;
            ac = header_num(&p);
        }
        ok = strncmp(p, " +", 2) == 0;
        p += 2;
        bs = header_num(&p);
        if (*p == ',') {
            p++;
            bc = header_num(&p);
        }
        ok = ok && strncmp(p, " @@\n", 4) == 0;
        p += 4;
        size_t start = (size_t)(ac ? as - 1 : as);
        (void)bs;
        ok = ok && start >= at && start <= n;
        for (; ok && at < start; at++)
            sb_add(&out, line[at], len[at]);
        long seen_a = 0, seen_b = 0;
        while (ok && (*p == ' ' || *p == '-' || *p == '+')) {
            char c = *p++;
            const char *e = strchr(p, '\n');
            size_t l = (size_t)(e - p) + 1;
            bool nonl = strncmp(e + 1, "\\ No newline at end of file\n", 28) == 0;
            size_t body = nonl ? l - 1 : l;
            if (c != '+') {
                ok = at < n && len[at] == body && memcmp(line[at], p, body) == 0;
                at++;
                seen_a++;
            }
            if (c != '-') {
                sb_add(&out, p, body);
                seen_b++;
            }
            p += l + (nonl ? 28 : 0);
        }
        ok = ok && seen_a == ac && seen_b == bc;
    }
    for (; ok && at < n; at++)
        sb_add(&out, line[at], len[at]);
    free(line);
    free(len);
    if (!ok) {
        sb_free(&out);
        return NULL;
    }
    return sb_detach(&out);
}

/* lines removed and added */
static size_t edits(const char *d)
{
    size_t n = 0;
    for (const char *p = strstr(d, "\n@@"); p && *p; p = strchr(p, '\n')) {
        p++;
        n += *p == '-' || *p == '+';
    }
    return n;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* The fewest lines removed and added (N + M - 2 LCS), by dynamic programming. */
static size_t fewest_edits(const char **x, size_t n, const char **y, size_t m)
{
    size_t *row = calloc((n + 1) * (m + 1), sizeof *row);
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            size_t up = row[(i - 1) * (m + 1) + j], left = row[i * (m + 1) + j - 1];
            size_t diag = row[(i - 1) * (m + 1) + j - 1] + (strcmp(x[i - 1], y[j - 1]) == 0);
            size_t best = up > left ? up : left;
            row[i * (m + 1) + j] = diag > best ? diag : best;
        }
    size_t lcs = row[n * (m + 1) + m];
    free(row);
    return n + m - 2 * lcs;
}

static const char *ten = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";

TEST(textdiff_identical)
{
    arena *a = arena_new();
    T_CHECK(diff(a, ten, ten, 0) == NULL);
    T_CHECK(diff(a, "", "", 20) == NULL);
    T_CHECK(diff(a, "no newline", "no newline", 20) == NULL);
    arena_free(a);
}

TEST(textdiff_insertion_deletion)
{
    arena *a = arena_new();
    const char *ins = "1\n2\n3\n4\n5\nnew\n6\n7\n8\n9\n10\n";
    T_STREQ(diff(a, ten, ins, 0), "--- A\n+++ B\n@@ -3,6 +3,7 @@\n 3\n 4\n 5\n+new\n 6\n 7\n 8\n");
    T_STREQ(diff(a, ins, ten, 0), "--- A\n+++ B\n@@ -3,7 +3,6 @@\n 3\n 4\n 5\n-new\n 6\n 7\n 8\n");
    T_STREQ(diff(a, ten, "1\n2\n3\n4\n6\n7\n8\n9\n10\n", 0),
            "--- A\n+++ B\n@@ -2,7 +2,6 @@\n 2\n 3\n 4\n-5\n 6\n 7\n 8\n");
    /* from nothing, to nothing */
    T_STREQ(diff(a, "", "x\ny\n", 0), "--- A\n+++ B\n@@ -0,0 +1,2 @@\n+x\n+y\n");
    T_STREQ(diff(a, "x\n", "", 0), "--- A\n+++ B\n@@ -1 +0,0 @@\n-x\n");
    /* a changed line: removed, then added */
    T_STREQ(diff(a, "a\nb\nc\n", "a\nB\nc\n", 0), "--- A\n+++ B\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
    arena_free(a);
}

TEST(textdiff_both_ends)
{
    arena *a = arena_new();
    /* 8 unchanged lines apart: two hunks */
    T_STREQ(diff(a, ten, "one\n2\n3\n4\n5\n6\n7\n8\n9\nten\n", 0),
            "--- A\n+++ B\n@@ -1,4 +1,4 @@\n-1\n+one\n 2\n 3\n 4\n@@ -7,4 +7,4 @@\n 7\n 8\n 9\n-10\n+ten\n");
    /* 6 apart: one hunk, as diff -u joins them */
    T_STREQ(diff(a, ten, "x\n2\n3\n4\n5\n6\n7\ny\n9\n10\n", 0),
            "--- A\n+++ B\n@@ -1,10 +1,10 @@\n-1\n+x\n 2\n 3\n 4\n 5\n 6\n 7\n-8\n+y\n 9\n 10\n");
    arena_free(a);
}

TEST(textdiff_no_final_newline)
{
    arena *a = arena_new();
    T_STREQ(diff(a, ten, "1\n2\n3\n4\n5\n6\n7\n8\n9\n10", 0),
            "--- A\n+++ B\n@@ -7,4 +7,4 @@\n 7\n 8\n 9\n-10\n+10\n\\ No newline at end of file\n");
    T_STREQ(diff(a, "a\nb", "a\nc", 0),
            "--- A\n+++ B\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n");
    /* a NUL byte is shown, not an end */
    T_STREQ(textdiff_unified(a, "a\0b\n", 4, "ab\n", 3, "A", "B", 0), "--- A\n+++ B\n@@ -1 +1 @@\n-a?b\n+ab\n");
    arena_free(a);
}

TEST(textdiff_cut_off)
{
    arena *a = arena_new();
    strbuf x = STRBUF_INIT, y = STRBUF_INIT;
    for (int i = 0; i < 30; i++) {
        sb_addf(&x, "old %d\n", i);
        sb_addf(&y, "new %d\n", i);
    }
    const char *full = diff(a, sb_str(&x), sb_str(&y), 0);
    T_INTEQ(count_lines(full), 2 + 1 + 60);
    const char *cut = diff(a, sb_str(&x), sb_str(&y), 20);
    /* the first 20 lines of the full diff, then the 43 removed and added
     * lines left out */
    T_CHECK(strncmp(cut, full, strlen(cut) - strlen("... 43 more lines differ\n")) == 0);
    T_INTEQ(count_lines(cut), 21);
    const char *last = strstr(cut, "... ");
    T_STREQ(last, "... 43 more lines differ\n");
    /* one left out */
    T_STREQ(diff(a, "a\nb\n", "a\nc\n", 5), "--- A\n+++ B\n@@ -1,2 +1,2 @@\n a\n-b\n... 1 more line differs\n");
    /* only context left out: nothing to say */
    T_STREQ(diff(a, "a\nb\nc\n", "A\nb\nc\n", 5), "--- A\n+++ B\n@@ -1,3 +1,3 @@\n-a\n+A\n");
    sb_free(&x);
    sb_free(&y);
    arena_free(a);
}

static unsigned long long rng_state;
static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)(rng_state >> 33) % n;
}

/* random texts over a few distinct lines: the diff applies and is shortest */
TEST(textdiff_random_shortest)
{
    rng_state = 42;
    for (int round = 0; round < 400; round++) {
        arena *a = arena_new();
        const char *words[] = {"a", "b", "c", "d", "e"};
        size_t n = rnd(14), m = rnd(14), alpha = 2 + rnd(4);
        const char *x[16], *y[16];
        strbuf sx = STRBUF_INIT, sy = STRBUF_INIT;
        for (size_t i = 0; i < n; i++) {
            x[i] = words[rnd((unsigned)alpha)];
            sb_addf(&sx, "%s\n", x[i]);
        }
        for (size_t i = 0; i < m; i++) {
            y[i] = words[rnd((unsigned)alpha)];
            sb_addf(&sy, "%s\n", y[i]);
        }
        const char *d = diff(a, sb_str(&sx), sb_str(&sy), 0);
        if (strcmp(sb_str(&sx), sb_str(&sy)) == 0)
            T_CHECK(d == NULL);
        else {
            char *back = apply(sb_str(&sx), d);
            T_CHECK(back && strcmp(back, sb_str(&sy)) == 0);
            free(back);
            T_INTEQ(edits(d), fewest_edits(x, n, y, m));
        }
        sb_free(&sx);
        sb_free(&sy);
        arena_free(a);
    }
}

/* 100 KB of SQL with a few statements changed; two unrelated 100 KB files */
TEST(textdiff_large)
{
    arena *a = arena_new();
    strbuf x = STRBUF_INIT, y = STRBUF_INIT, z = STRBUF_INIT;
    for (int i = 0; i < 3000; i++) {
        sb_addf(&x, "CREATE TABLE public.t_%04d (id bigint NOT NULL);\n", i);
        if (i == 7 || i == 1500 || i == 2999)
            sb_addf(&y, "CREATE TABLE public.t_%04d (id integer NOT NULL);\n", i);
        else if (i != 2000)
            sb_addf(&y, "CREATE TABLE public.t_%04d (id bigint NOT NULL);\n", i);
        if (i == 100)
            sb_puts(&y, "-- added\n");
        sb_addf(&z, "INSERT INTO public.other VALUES (%d, 'row %d');\n", i * 7, i);
    }
    T_CHECK(x.len > 100000);
    const char *d = diff(a, sb_str(&x), sb_str(&y), 0);
    char *back = apply(sb_str(&x), d);
    T_CHECK(back && strcmp(back, sb_str(&y)) == 0);
    free(back);
    T_INTEQ(edits(d), 3 * 2 + 1 + 1);
    T_INTEQ(count_lines(diff(a, sb_str(&x), sb_str(&y), 20)), 20 + 1);
    /* nothing in common: all removed, all added */
    d = diff(a, sb_str(&x), sb_str(&z), 0);
    back = apply(sb_str(&x), d);
    T_CHECK(back && strcmp(back, sb_str(&z)) == 0);
    free(back);
    T_INTEQ(edits(d), 6000);
    T_STREQ(strstr(diff(a, sb_str(&x), sb_str(&z), 20), "... "), "... 5983 more lines differ\n");
    /* many scattered changes among many equal lines: still shortest where
     * the budget allows, and always a diff that applies */
    strbuf w = STRBUF_INIT;
    rng_state = 7;
    for (int i = 0; i < 3000; i++) {
        if (rnd(3) == 0)
            sb_addf(&w, "-- changed %d\n", i);
        else
            sb_addf(&w, "CREATE TABLE public.t_%04d (id bigint NOT NULL);\n", i);
    }
    d = diff(a, sb_str(&x), sb_str(&w), 0);
    back = apply(sb_str(&x), d);
    T_CHECK(back && strcmp(back, sb_str(&w)) == 0);
    free(back);
    sb_free(&x);
    sb_free(&y);
    sb_free(&z);
    sb_free(&w);
    arena_free(a);
}
