#include "format.h"

#include <string.h>

#include "srcfile.h"

void fmt_duration_sb(strbuf *sb, duration d)
{
    const char *unit = cal_duration_unit_sql(d.unit); /* plural: "days" */
    size_t len = strlen(unit) - (d.n == 1);          /* "1 day" */
    sb_addf(sb, "%lld %.*s", (long long)d.n, (int)len, unit);
}

const char *fmt_duration(arena *a, duration d)
{
    strbuf sb = STRBUF_INIT;
    fmt_duration_sb(&sb, d);
    const char *s = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return s;
}

const char *fmt_instant(arena *a, int64_t t)
{
    cal_tm tm;
    cal_split(t, &tm);
    if (tm.hour == 0 && tm.minute == 0 && tm.second == 0)
        return arena_printf(a, "%04d-%02d-%02d", tm.year, tm.month, tm.day);
    if (tm.second == 0)
        return arena_printf(a, "%04d-%02d-%02d %02d:%02d", tm.year, tm.month, tm.day, tm.hour, tm.minute);
    return arena_printf(a, "%04d-%02d-%02d %02d:%02d:%02d", tm.year, tm.month, tm.day, tm.hour, tm.minute,
                        tm.second);
}

static const char *short_escape(unsigned char c)
{
    switch (c) {
    case '\b': return "\\b";
    case '\f': return "\\f";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    default: return NULL;
    }
}

void fmt_json_string(strbuf *sb, const char *s, json_style style)
{
    sb_addc(sb, '"');
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    const unsigned char *end = p + strlen((const char *)p);
    while (p < end) {
        unsigned char c = *p;
        const char *esc = style == JSON_SHORT_ESCAPES ? short_escape(c) : NULL;
        if (c == '"' || c == '\\')
            sb_addf(sb, "\\%c", c);
        else if (esc)
            sb_puts(sb, esc);
        else if (c < 0x20)
            sb_addf(sb, "\\u%04x", c);
        else if (c >= 0x80 && style == JSON_SHORT_ESCAPES) {
            uint32_t cp;
            size_t n = srcfile_utf8_decode(p, (size_t)(end - p), &cp);
            if (n == 0) {
                sb_puts(sb, "\\ufffd");
                n = 1;
            } else
                sb_add(sb, (const char *)p, n);
            p += n;
            continue;
        } else
            sb_addc(sb, (char)c);
        p++;
    }
    sb_addc(sb, '"');
}
