/* calendar: UTC calendar math for partition ranges.
 *
 * Instants are int64 seconds since 1970-01-01 00:00:00 UTC; dates are days
 * since the same epoch.  Proleptic Gregorian, no time zones, no leap seconds,
 * no locale.  Month arithmetic clamps the day to the end of the month.
 * Parsing functions take the text of a spec value; they return 0 on success
 * and a negative CAL_E* code on failure (callers turn codes into diags). */
#ifndef PARTC_CALENDAR_H
#define PARTC_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    IV_HOURLY,
    IV_DAILY,
    IV_WEEKLY, /* ISO weeks: Monday 00:00 UTC */
    IV_MONTHLY,
    IV_QUARTERLY,
    IV_YEARLY
} cal_interval;

typedef enum { DU_HOURS, DU_DAYS, DU_WEEKS, DU_MONTHS, DU_YEARS } dur_unit;

typedef struct duration {
    int64_t n; /* > 0; 0 only for retention.keep of an expiry column */
    dur_unit unit;
} duration;

enum {
    CAL_OK = 0,
    CAL_ESYNTAX = -1,    /* not of the accepted form */
    CAL_ERANGE = -2,     /* impossible date (2025-02-30) or out of 1900..9999 */
    CAL_ENONPOS = -3,    /* zero or negative duration */
    CAL_EOVERFLOW = -4   /* number too large */
};

/* days <-> civil date */
int64_t cal_days_from_civil(int y, int m, int d);
void cal_civil_from_days(int64_t days, int *y, int *m, int *d);
bool cal_valid_date(int y, int m, int d);
int cal_days_in_month(int y, int m);
/* ISO weekday of a day number: 1 = Monday .. 7 = Sunday. */
int cal_weekday(int64_t days);
/* ISO 8601 week-numbering year and week (1..53) of a day number. */
void cal_iso_week(int64_t days, int *iyear, int *iweek);

/* Broken-down UTC of an instant. */
typedef struct cal_tm {
    int year, month, day, hour, minute, second;
} cal_tm;
void cal_split(int64_t t, cal_tm *tm);
int64_t cal_join(int y, int mo, int d, int h, int mi, int s);

/* Start of the range of interval iv that contains t. */
int64_t cal_floor(cal_interval iv, int64_t t);
/* t moved by n intervals (n may be negative); months clamp the day. */
int64_t cal_add(cal_interval iv, int64_t t, int64_t n);
/* true when t is the start of a range of iv */
bool cal_aligned(cal_interval iv, int64_t t);
/* t moved by k durations (k = +1 or -1 usually); months clamp the day. */
int64_t cal_add_duration(int64_t t, duration d, int64_t k);
/* Whole ranges of iv from a to b (both aligned, a <= b). */
int64_t cal_ranges_between(cal_interval iv, int64_t a, int64_t b);
/* Rough length in seconds (months = 30 days, years = 365), for comparisons. */
int64_t cal_interval_seconds(cal_interval iv);
int64_t cal_duration_seconds(duration d);

/* An interval is one row: to add one, a value of cal_interval, its row in
 * calendar.c, and a case in cal_floor and cal_add (-Wswitch names them).
 * Everything else (the spec's word, SQL, naming, defaults, the check that
 * names are distinct) reads the row. */
typedef struct cal_interval_info {
    cal_interval iv;
    const char *name;      /* the spec's word: "weekly" */
    const char *step_sql;  /* one range as an SQL interval: "1 week" */
    const char *trunc_sql; /* date_trunc's field for the start of a range: "week" */
    int64_t seconds;       /* about one range (months 30 days, years 365), for comparisons */
    duration one;          /* one range as a duration (warn_ahead is two, critical_ahead one) */
    const char *naming;    /* the default partition.naming */
    int premake;           /* the default partition.premake */
    /* naming tokens that make the names of its ranges distinct: any one of
     * these space-separated sets, all of its tokens in the pattern */
    const char *distinct[2];
    const char *distinct_why; /* the message when the pattern has none of them */
} cal_interval_info;

/* The row of iv (the daily row for a value out of range). */
const cal_interval_info *cal_interval_info_of(cal_interval iv);
/* The spec's words, in enum order, NULL-terminated. */
extern const char *const cal_interval_names[];

/* "hourly" .. "yearly" */
const char *cal_interval_name(cal_interval iv);
int cal_interval_parse(const char *s, cal_interval *iv);
/* PostgreSQL interval literal text of one range: "1 hour", "3 months", ... */
const char *cal_interval_sql(cal_interval iv);
/* date_trunc field for the interval: "hour", "day", "week", "month", ... */
const char *cal_interval_trunc(cal_interval iv);
/* PostgreSQL interval text of a duration: "90 days", "1 year" */
const char *cal_duration_unit_sql(dur_unit u);

/* "YYYY-MM-DD", optionally followed by "THH:MM[:SS]" or " HH:MM[:SS]" and an
 * optional "Z"; years 1900..9999. */
int cal_parse_instant(const char *s, int64_t *t);
/* "N unit" with unit hour(s) day(s) week(s) month(s) year(s).
 * CAL_EOVERFLOW when n is worth more than 100000 years of seconds;
 * CAL_ENONPOS for a negative or zero count (zero also fills *d, n = 0). */
int cal_parse_duration(const char *s, duration *d);
/* lock/statement timeouts: "0", "250ms", "2s", "1min", "1h" (a bare number is
 * milliseconds, as in PostgreSQL).  Result in milliseconds, >= 0.
 * At most 2147483647 ms (CAL_EOVERFLOW beyond); negative is CAL_ESYNTAX. */
int cal_parse_timeout(const char *s, int64_t *ms);

/* "2025-11-01" (10 chars + NUL) and "2025-11-01 00:00:00+00" (22 + NUL) */
void cal_format_date(int64_t t, char out[11]);
void cal_format_ts(int64_t t, char out[23]);

#endif
