/* format: durations, instants and JSON strings as partc writes them. */
#include <string.h>

#include "format.h"
#include "t.h"

TEST(format_durations_and_instants)
{
    arena *a = arena_new();
    T_STREQ(fmt_duration(a, (duration){1, DU_DAYS}), "1 day");
    T_STREQ(fmt_duration(a, (duration){90, DU_DAYS}), "90 days");
    T_STREQ(fmt_duration(a, (duration){2, DU_HOURS}), "2 hours");
    T_STREQ(fmt_duration(a, (duration){1, DU_MONTHS}), "1 month");
    T_STREQ(fmt_duration(a, (duration){0, DU_DAYS}), "0 days");
    T_STREQ(fmt_instant(a, cal_join(2026, 11, 22, 0, 0, 0)), "2026-11-22");
    T_STREQ(fmt_instant(a, cal_join(2026, 11, 22, 13, 0, 0)), "2026-11-22 13:00");
    T_STREQ(fmt_instant(a, cal_join(2026, 11, 22, 13, 0, 5)), "2026-11-22 13:00:05");
    arena_free(a);
}

static void json_is(const char *in, json_style st, const char *want, const char *file, int line)
{
    strbuf sb = STRBUF_INIT;
    fmt_json_string(&sb, in, st);
    if (strcmp(sb_str(&sb), want) != 0)
        t_fail(file, line, "json of '%s': got %s, want %s", in ? in : "(null)", sb_str(&sb), want);
    sb_free(&sb);
}
#define JSON_IS(in, st, want) json_is(in, st, want, __FILE__, __LINE__)

TEST(format_json_strings)
{
    JSON_IS("plain", JSON_SHORT_ESCAPES, "\"plain\"");
    JSON_IS(NULL, JSON_SHORT_ESCAPES, "\"\"");
    JSON_IS("a\"b\\c", JSON_SHORT_ESCAPES, "\"a\\\"b\\\\c\"");
    JSON_IS("a\"b\\c", JSON_U_ESCAPES, "\"a\\\"b\\\\c\"");
    JSON_IS("l1\nl2\tx\x01", JSON_SHORT_ESCAPES, "\"l1\\nl2\\tx\\u0001\"");
    JSON_IS("l1\nl2\tx\x01", JSON_U_ESCAPES, "\"l1\\u000al2\\u0009x\\u0001\"");
    JSON_IS("caf\xc3\xa9", JSON_SHORT_ESCAPES, "\"caf\xc3\xa9\"");
    JSON_IS("caf\xc3\xa9", JSON_U_ESCAPES, "\"caf\xc3\xa9\"");
    /* not UTF-8: a lone continuation byte and an overlong form */
    JSON_IS("x\x80y", JSON_SHORT_ESCAPES, "\"x\\ufffdy\"");
    JSON_IS("\xc0\xaf", JSON_SHORT_ESCAPES, "\"\\ufffd\\ufffd\"");
}
