/* spec_values: one typed value of a spec from its YAML node.
 *
 * Each getter checks the node's kind and text (a name, an SQL text, true or
 * false, a whole number in bounds, one of a list of words, a list, a
 * duration, a timeout, a date), reports what is wrong with a hint, and
 * stores the value and where it was written.  Also the checks of a
 * mapping's keys (unknown with "did you mean", duplicate, empty).  Which key
 * holds which kind of value is spec_schema's table, not this file's. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "spec_internal.h"

/* --------------------------------------------------------- value access */

const char W_NAME[] = "a name";

bool want_kind(ld *L, ynode *v, ykind k, const char *key)
{
    if (v->kind == k)
        return true;
    const char *what = k == YN_MAP ? "a mapping" : k == YN_SEQ ? "a list" : "a single value";
    const char *hint = k == YN_MAP   ? "write 'key: value' lines indented under it, or { key: value } "
                                       "on one line"
                       : k == YN_SEQ ? "write [a, b] on one line, or one indented '- item' line "
                                       "per item"
                                     : "write one value, not a list or a mapping";
    ld_err(L, "wrong-type", v->at, hint, "expected %s for '%s', got %s", what, disp(L, key),
        kind_desc(L, v));
    return false;
}

/* A scalar key of a mapping; reports and marks others. */
static bool key_ok(ld *L, ynode *k, const char *ctx)
{
    if (k->skip)
        return false;
    if (k->kind != YN_SCALAR) {
        ld_err(L, "wrong-type", k->at, "mapping keys are plain names",
            "expected a name as a key in %s, got %s", ctx, kind_desc(L, k));
        k->skip = true;
        return false;
    }
    return true;
}

/* Reports unknown and duplicate keys of a mapping with fixed keys. */
void check_keys(ld *L, ynode *m, const char *ctx, const char *const *valid)
{
    size_t nv = 0;
    while (valid[nv])
        nv++;
    ynode **first = arena_calloc(L->a, nv, sizeof *first);
    for (ynode *k = m->head; k && k->next; k = k->next->next) {
        if (!key_ok(L, k, ctx))
            continue;
        int i = find_name(valid, k->text);
        if (i < 0) {
            const char *near = closest(L, k->text, valid);
            const char *hint = near ? arena_printf(L->a, "did you mean '%s'?", near)
                                    : arena_printf(L->a, "valid keys: %s", join_names(L, valid));
            ld_err(L, "unknown-key", k->at, hint, "unknown key '%s' in %s",
                disp_n(L, k->text, k->len), ctx);
            k->skip = true;
        } else if (first[i]) {
            ld_err(L, "duplicate-key", k->at,
                arena_printf(L->a, "first given at line %d", first[i]->at.line),
                "duplicate key '%s' in %s", k->text, ctx);
            k->skip = true;
        } else
            first[i] = k;
    }
}

/* Reports bad, empty and duplicate keys of a mapping name -> value. */
void check_names(ld *L, ynode *m, const char *ctx)
{
    strmap seen = {0};
    for (ynode *k = m->head; k && k->next; k = k->next->next) {
        if (!key_ok(L, k, ctx))
            continue;
        if (is_null(k) || k->len == 0) {
            ld_err(L, "empty-name", k->at, "give a name", "empty name in %s", ctx);
            k->skip = true;
            continue;
        }
        ynode *prev = strmap_find(&seen, k->text);
        if (prev) {
            ld_err(L, "duplicate-key", k->at,
                arena_printf(L->a, "first given at line %d", prev->at.line),
                "duplicate key '%s' in %s", disp_n(L, k->text, k->len), ctx);
            k->skip = true;
        } else
            strmap_put(&seen, L->a, k->text, k);
    }
}

/* The value of key in m (first occurrence), or NULL. */
ynode *get(ynode *m, const char *key, ynode **keynode)
{
    for (ynode *k = m->head; k && k->next; k = k->next->next)
        if (!k->skip && k->kind == YN_SCALAR && strcmp(k->text, key) == 0) {
            if (keynode)
                *keynode = k;
            return k->next;
        }
    return NULL;
}

size_t npairs(const ynode *m)
{
    return m->n / 2;
}

void missing(ld *L, srcloc at, const char *key, const char *ctx, const char *hint)
{
    ld_err(L, "missing-key", at, hint, "missing '%s' in %s", key, ctx);
}

/* A string; what is W_NAME (empty -> empty-name) or a description. */
bool get_str(ld *L, ynode *v, const char *key, const char *what, sval *out)
{
    if (v->kind != YN_SCALAR || is_null(v)) {
        ld_err(L, "wrong-type", v->at,
            is_null(v) ? "give a value or remove the key" : "write one value, not a list or a mapping",
            "expected %s for '%s', got %s", what, disp(L, key), kind_desc(L, v));
        return false;
    }
    if (v->len == 0) {
        ld_err(L, what == W_NAME ? "empty-name" : "empty-value", v->at,
            "give a value or remove the key",
            "'%s' must not be empty", disp(L, key));
        return false;
    }
    out->s = v->text;
    out->at = v->at;
    return true;
}

bool get_bool(ld *L, ynode *v, const char *key, bool *out, srcloc *at)
{
    if (v->kind == YN_SCALAR && v->plain) {
        if (strcmp(v->text, "true") == 0 || strcmp(v->text, "false") == 0) {
            *out = v->text[0] == 't';
            if (at)
                *at = v->at;
            return true;
        }
    }
    ld_err(L, "wrong-type", v->at,
        v->kind == YN_SCALAR && !v->plain ? "use true or false, without quotes"
                                          : "use true or false",
        "expected true or false for '%s', got %s", key, kind_desc(L, v));
    return false;
}

/* Decimal integer text: 1 ok, 0 not an integer, -1 out of int64 range. */
int parse_int(const char *s, int64_t *out)
{
    bool neg = false;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    if (!*s)
        return 0;
    int64_t v = 0;
    bool over = false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        int dgt = *s - '0';
        if (v > (INT64_MAX - dgt) / 10)
            over = true;
        else
            v = v * 10 + dgt;
    }
    if (over)
        return -1;
    *out = neg ? -v : v;
    return 1;
}

bool get_int(ld *L, ynode *v, const char *key, int64_t lo, int64_t hi, int64_t *out,
                    srcloc *at)
{
    const char *range = arena_printf(L->a, "allowed: %lld to %lld", (long long)lo, (long long)hi);
    if (v->kind != YN_SCALAR || !v->plain || is_null(v)) {
        ld_err(L, "wrong-type", v->at,
            v->kind == YN_SCALAR && !v->plain ? "write the number without quotes" : range,
            "expected a whole number for '%s', got %s", key, kind_desc(L, v));
        return false;
    }
    int64_t x = 0;
    int r = parse_int(v->text, &x);
    if (r == 0) {
        char c = v->text[0];
        if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')
            ld_err(L, "bad-number", v->at, range, "'%s' is not a whole decimal number",
                disp_n(L, v->text, v->len));
        else
            ld_err(L, "wrong-type", v->at, range, "expected a whole number for '%s', got %s", key,
                kind_desc(L, v));
        return false;
    }
    if (r < 0 || x < lo || x > hi) {
        ld_err(L, "bad-number", v->at, range, "'%s' is out of range for '%s'",
            disp_n(L, v->text, v->len), key);
        return false;
    }
    *out = x;
    if (at)
        *at = v->at;
    return true;
}

/* One of names (exact, lowercase). */
bool get_enum(ld *L, ynode *v, const char *key, const char *const *names, int *out,
                     srcloc *at)
{
    if (v->kind != YN_SCALAR || is_null(v)) {
        ld_err(L, "wrong-type", v->at, arena_printf(L->a, "use one of: %s", join_names(L, names)),
            "expected one of %s for '%s', got %s", join_names(L, names), key, kind_desc(L, v));
        return false;
    }
    int i = find_name(names, v->text);
    if (i < 0) {
        const char *near = closest(L, v->text, names);
        const char *hint = near ? arena_printf(L->a, "did you mean '%s'?", near)
                                : arena_printf(L->a, "use one of: %s", join_names(L, names));
        ld_err(L, "bad-value", v->at, hint, "'%s' is not allowed for '%s'",
            disp_n(L, v->text, v->len), key);
        return false;
    }
    *out = i;
    if (at)
        *at = v->at;
    return true;
}

/* A list of at most max items (0: any number). */
bool get_list(ld *L, ynode *v, const char *key, const char *what, size_t max, slist *out)
{
    if (!want_kind(L, v, YN_SEQ, key))
        return false;
    if (max && v->n > max) {
        ld_err(L, "too-many-columns", v->at,
            arena_printf(L->a, "PostgreSQL allows at most %zu columns in a key or an index", max),
            "'%s' lists %zu columns", disp(L, key), v->n);
        return false;
    }
    out->at = v->at;
    out->present = true;
    out->v = arena_calloc(L->a, v->n, sizeof *out->v);
    out->n = 0;
    for (ynode *it = v->head; it; it = it->next)
        if (get_str(L, it, key, what, &out->v[out->n]))
            out->n++;
    return true;
}

/* A duration; with allow_zero, also 0 (a bare 0 or "0 <unit>"), which
 * validation accepts only where it means something. */
bool get_duration_z(ld *L, ynode *v, const char *key, bool allow_zero, duration *out, srcloc *at)
{
    if (allow_zero && v->kind == YN_SCALAR && v->plain && strcmp(v->text, "0") == 0) {
        out->n = 0;
        out->unit = DU_DAYS;
        if (at)
            *at = v->at;
        return true;
    }
    if (v->kind != YN_SCALAR || is_null(v)) {
        ld_err(L, "wrong-type", v->at, "write e.g. '90 days'",
            "expected a duration for '%s', got %s", key, kind_desc(L, v));
        return false;
    }
    duration dd = {-1, DU_DAYS};
    int r = cal_parse_duration(v->text, &dd);
    const char *shown = disp_n(L, v->text, v->len);
    switch (r) {
    case CAL_OK:
        *out = dd;
        if (at)
            *at = v->at;
        return true;
    case CAL_ENONPOS:
        if (allow_zero && dd.n == 0) {
            *out = dd;
            if (at)
                *at = v->at;
            return true;
        }
        ld_err(L, "negative-duration", v->at,
            "give a positive number of hours, days, weeks, months or years",
            "duration '%s' for '%s' must be positive", shown, key);
        return false;
    case CAL_EOVERFLOW:
        ld_err(L, "bad-number", v->at, "use a smaller number or a larger unit",
            "duration '%s' for '%s' is too large", shown, key);
        return false;
    default:
        ld_err(L, "bad-duration", v->at,
            "write N hours, days, weeks, months or years, e.g. '90 days'",
            "'%s' is not a duration", shown);
        return false;
    }
}

bool get_timeout(ld *L, ynode *v, const char *key, int64_t *ms, srcloc *at)
{
    const char *hint = "write e.g. 0, 250ms, 2s, 1min or 1h (a bare number is milliseconds)";
    if (v->kind != YN_SCALAR || is_null(v)) {
        ld_err(L, "wrong-type", v->at, hint, "expected a timeout for '%s', got %s", key,
            kind_desc(L, v));
        return false;
    }
    int64_t x;
    if (cal_parse_timeout(v->text, &x) != CAL_OK) {
        ld_err(L, "bad-timeout", v->at, hint, "'%s' is not a timeout for '%s'",
            disp_n(L, v->text, v->len), key);
        return false;
    }
    *ms = x;
    if (at)
        *at = v->at;
    return true;
}

static const char *const MONTHS[] = {"January", "February", "March", "April", "May", "June",
                                     "July", "August", "September", "October", "November",
                                     "December"};

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool get_instant(ld *L, ynode *v, const char *key, int64_t *out, srcloc *at)
{
    const char *hint = "write YYYY-MM-DD";
    if (v->kind != YN_SCALAR || is_null(v)) {
        ld_err(L, "wrong-type", v->at, hint, "expected a date for '%s', got %s", key,
            kind_desc(L, v));
        return false;
    }
    int64_t t;
    int r = cal_parse_instant(v->text, &t);
    const char *shown = disp_n(L, v->text, v->len);
    if (r == CAL_OK) {
        *out = t;
        if (at)
            *at = v->at;
        return true;
    }
    if (r != CAL_ERANGE) {
        ld_err(L, "bad-date", v->at, hint, "'%s' is not a date", shown);
        return false;
    }
    int y, m, d;
    const char *s = v->text;
    if (v->len >= 10 && digits(s, 4, &y) && s[4] == '-' && digits(s + 5, 2, &m) &&
        s[7] == '-' && digits(s + 8, 2, &d)) {
        if (y < 1900 || y > 9999) {
            ld_err(L, "impossible-date", v->at, "years 1900 to 9999 are supported",
                "'%s' is out of range", shown);
            return false;
        }
        if (m < 1 || m > 12) {
            ld_err(L, "impossible-date", v->at, "write YYYY-MM-DD, with MM from 01 to 12",
                "'%s' is not a date: there is no month %d", shown, m);
            return false;
        }
        if (d < 1) {
            ld_err(L, "impossible-date", v->at, "write YYYY-MM-DD, with DD from 01",
                "'%s' is not a date: there is no day 0", shown);
            return false;
        }
        if (d > cal_days_in_month(y, m)) {
            ld_err(L, "impossible-date", v->at, hint, "'%s' is not a date: %s %d has %d days",
                shown, MONTHS[m - 1], y, cal_days_in_month(y, m));
            return false;
        }
    }
    ld_err(L, "impossible-date", v->at, hint, "'%s' is not a date", shown);
    return false;
}
