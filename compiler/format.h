/* format: the one place that writes durations, instants and JSON strings as
 * text, for messages, reports, plans and the SQL that embeds them.  Returns
 * text in the arena (or appends to the strbuf) it is given; reads nothing,
 * prints nothing. */
#ifndef PARTC_FORMAT_H
#define PARTC_FORMAT_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "calendar.h"
#include "strbuf.h"

/* "1 day", "90 days", "2 hours" (0 is "0 days"). */
void fmt_duration_sb(strbuf *sb, duration d);
const char *fmt_duration(arena *a, duration d);
/* "2026-11-22", or with the time when it is not midnight: "2026-11-22 13:00",
 * "2026-11-22 13:00:05" (UTC). */
const char *fmt_instant(arena *a, int64_t t);

typedef enum {
    JSON_SHORT_ESCAPES, /* \n \t \r \b \f where JSON has them, \u00XX for the
                           other controls; bytes that are not UTF-8 become
                           \ufffd (reports: SARIF, JSON) */
    JSON_U_ESCAPES      /* every control as \u00XX, other bytes as they are
                           (the spec snapshot in a conversion's preflight,
                           whose bytes recorded migrations already hold) */
} json_style;
/* s as a JSON string, quotes included (NULL is ""). */
void fmt_json_string(strbuf *sb, const char *s, json_style style);

#endif
