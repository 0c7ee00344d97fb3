#include "calendar.h"

#include <string.h>

#define SECS_PER_HOUR 3600
#define SECS_PER_DAY 86400
#define SECS_PER_WEEK (7 * SECS_PER_DAY)

/* The largest duration accepted, in seconds: 100000 years of 365 days.
 * Far beyond any real retention, and small enough that every later sum of
 * a few durations and instants stays well inside int64. */
#define DUR_MAX_SECONDS ((int64_t)100000 * 365 * SECS_PER_DAY)

/* Floor division and modulo, for negative day and second counts. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    return a - floor_div(a, b) * b;
}

/* ---- civil dates (proleptic Gregorian, after H. Hinnant's algorithms) ---- */

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int cal_days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    if (m == 2 && is_leap(y))
        return 29;
    return dm[m - 1];
}

bool cal_valid_date(int y, int m, int d)
{
    return m >= 1 && m <= 12 && d >= 1 && d <= cal_days_in_month(y, m);
}

int64_t cal_days_from_civil(int y, int m, int d)
{
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = floor_div(yy, 400);
    int64_t yoe = yy - era * 400;                          /* [0, 399] */
    int64_t mp = (m + 9) % 12;                             /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + d - 1;              /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;   /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

void cal_civil_from_days(int64_t days, int *y, int *m, int *d)
{
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;                                   /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);            /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                                 /* [0, 11] */
    int64_t dd = doy - (153 * mp + 2) / 5 + 1;                        /* [1, 31] */
    int64_t mm = mp < 10 ? mp + 3 : mp - 9;                           /* [1, 12] */
    int64_t yy = yoe + era * 400 + (mm <= 2);
    *y = (int)yy;
    *m = (int)mm;
    *d = (int)dd;
}

int cal_weekday(int64_t days)
{
    /* 1970-01-01 was a Thursday (4) */
    return (int)floor_mod(days + 3, 7) + 1;
}

void cal_iso_week(int64_t days, int *iyear, int *iweek)
{
    /* The ISO year is the calendar year of the Thursday of the same week. */
    int64_t thursday = days - (cal_weekday(days) - 1) + 3;
    int y, m, d;
    cal_civil_from_days(thursday, &y, &m, &d);
    int64_t jan1 = cal_days_from_civil(y, 1, 1);
    *iyear = y;
    *iweek = (int)((thursday - jan1) / 7) + 1;
}

/* ---- instants ---- */

void cal_split(int64_t t, cal_tm *tm)
{
    int64_t days = floor_div(t, SECS_PER_DAY);
    int64_t sod = t - days * SECS_PER_DAY;
    cal_civil_from_days(days, &tm->year, &tm->month, &tm->day);
    tm->hour = (int)(sod / SECS_PER_HOUR);
    tm->minute = (int)(sod % SECS_PER_HOUR / 60);
    tm->second = (int)(sod % 60);
}

int64_t cal_join(int y, int mo, int d, int h, int mi, int s)
{
    return cal_days_from_civil(y, mo, d) * SECS_PER_DAY +
           (int64_t)h * SECS_PER_HOUR + (int64_t)mi * 60 + s;
}

/* t moved by n calendar months; the day is clamped to the target month's
 * length and the time of day is kept. */
static int64_t add_months(int64_t t, int64_t n)
{
    cal_tm tm;
    cal_split(t, &tm);
    int64_t idx = (int64_t)tm.year * 12 + (tm.month - 1) + n;
    int y = (int)floor_div(idx, 12);
    int m = (int)floor_mod(idx, 12) + 1;
    int d = tm.day;
    int dim = cal_days_in_month(y, m);
    if (d > dim)
        d = dim;
    return cal_join(y, m, d, tm.hour, tm.minute, tm.second);
}

int64_t cal_floor(cal_interval iv, int64_t t)
{
    int64_t days = floor_div(t, SECS_PER_DAY);
    cal_tm tm;
    switch (iv) {
    case IV_HOURLY:
        return floor_div(t, SECS_PER_HOUR) * SECS_PER_HOUR;
    case IV_DAILY:
        return days * SECS_PER_DAY;
    case IV_WEEKLY:
        return (days - (cal_weekday(days) - 1)) * SECS_PER_DAY;
    case IV_MONTHLY:
        cal_split(t, &tm);
        return cal_join(tm.year, tm.month, 1, 0, 0, 0);
    case IV_QUARTERLY:
        cal_split(t, &tm);
        return cal_join(tm.year, (tm.month - 1) / 3 * 3 + 1, 1, 0, 0, 0);
    case IV_YEARLY:
        cal_split(t, &tm);
        return cal_join(tm.year, 1, 1, 0, 0, 0);
    }
    return t;
}

int64_t cal_add(cal_interval iv, int64_t t, int64_t n)
{
    switch (iv) {
    case IV_HOURLY: return t + n * SECS_PER_HOUR;
    case IV_DAILY: return t + n * SECS_PER_DAY;
    case IV_WEEKLY: return t + n * SECS_PER_WEEK;
    case IV_MONTHLY: return add_months(t, n);
    case IV_QUARTERLY: return add_months(t, 3 * n);
    case IV_YEARLY: return add_months(t, 12 * n);
    }
    return t;
}

bool cal_aligned(cal_interval iv, int64_t t)
{
    return cal_floor(iv, t) == t;
}

int64_t cal_add_duration(int64_t t, duration d, int64_t k)
{
    int64_t n = d.n * k;
    switch (d.unit) {
    case DU_HOURS: return t + n * SECS_PER_HOUR;
    case DU_DAYS: return t + n * SECS_PER_DAY;
    case DU_WEEKS: return t + n * SECS_PER_WEEK;
    case DU_MONTHS: return add_months(t, n);
    case DU_YEARS: return add_months(t, 12 * n);
    }
    return t;
}

int64_t cal_interval_seconds(cal_interval iv)
{
    return cal_interval_info_of(iv)->seconds;
}

static int64_t unit_seconds(dur_unit u)
{
    switch (u) {
    case DU_HOURS: return SECS_PER_HOUR;
    case DU_DAYS: return SECS_PER_DAY;
    case DU_WEEKS: return SECS_PER_WEEK;
    case DU_MONTHS: return 30 * (int64_t)SECS_PER_DAY;
    case DU_YEARS: return 365 * (int64_t)SECS_PER_DAY;
    }
    return SECS_PER_DAY;
}

int64_t cal_duration_seconds(duration d)
{
    return d.n * unit_seconds(d.unit);
}

/* ---- names ---- */

static const cal_interval_info intervals[] = {
    [IV_HOURLY] = {.iv = IV_HOURLY, .name = "hourly", .step_sql = "1 hour", .trunc_sql = "hour",
                   .seconds = SECS_PER_HOUR, .one = {1, DU_HOURS}, .naming = "{table}_{YYYY}{MM}{DD}_{HH}",
                   .premake = 24, .distinct = {"YYYY MM DD HH"},
                   .distinct_why = "hourly ranges need {YYYY}, {MM}, {DD} and {HH} to be distinct"},
    [IV_DAILY] = {.iv = IV_DAILY, .name = "daily", .step_sql = "1 day", .trunc_sql = "day",
                  .seconds = SECS_PER_DAY, .one = {1, DU_DAYS}, .naming = "{table}_{YYYY}{MM}{DD}", .premake = 7,
                  .distinct = {"YYYY MM DD"}, .distinct_why = "daily ranges need {YYYY}, {MM} and {DD} to be distinct"},
    /* not {YYYY}{IW}: 2024-12-30 is 2025-W01 but calendar year 2024 */
    [IV_WEEKLY] = {.iv = IV_WEEKLY, .name = "weekly", .step_sql = "1 week", .trunc_sql = "week",
                   .seconds = SECS_PER_WEEK, .one = {1, DU_WEEKS}, .naming = "{table}_{IYYY}w{IW}", .premake = 4,
                   .distinct = {"IYYY IW", "YYYY MM DD"},
                   .distinct_why = "weekly ranges need {IYYY} and {IW} (or {YYYY}{MM}{DD}) to be distinct"},
    [IV_MONTHLY] = {.iv = IV_MONTHLY, .name = "monthly", .step_sql = "1 month", .trunc_sql = "month",
                    .seconds = 30 * (int64_t)SECS_PER_DAY, .one = {1, DU_MONTHS}, .naming = "{table}_{YYYY}_{MM}",
                    .premake = 3, .distinct = {"YYYY MM"},
                    .distinct_why = "monthly ranges need {YYYY} and {MM} to be distinct"},
    [IV_QUARTERLY] = {.iv = IV_QUARTERLY, .name = "quarterly", .step_sql = "3 months", .trunc_sql = "quarter",
                      .seconds = 90 * (int64_t)SECS_PER_DAY, .one = {3, DU_MONTHS}, .naming = "{table}_{YYYY}q{Q}",
                      .premake = 3, .distinct = {"YYYY Q", "YYYY MM"},
                      .distinct_why = "quarterly ranges need {YYYY} and {Q} (or {YYYY}{MM}) to be distinct"},
    [IV_YEARLY] = {.iv = IV_YEARLY, .name = "yearly", .step_sql = "1 year", .trunc_sql = "year",
                   .seconds = 365 * (int64_t)SECS_PER_DAY, .one = {1, DU_YEARS}, .naming = "{table}_{YYYY}",
                   .premake = 3, .distinct = {"YYYY"}, .distinct_why = "yearly ranges need {YYYY} to be distinct"},
};

#define N_IV (sizeof intervals / sizeof intervals[0])

const char *const cal_interval_names[] = {"hourly", "daily", "weekly", "monthly", "quarterly", "yearly", NULL};

static bool iv_ok(cal_interval iv)
{
    return (unsigned)iv < N_IV;
}

const cal_interval_info *cal_interval_info_of(cal_interval iv)
{
    return &intervals[iv_ok(iv) ? iv : IV_DAILY];
}

const char *cal_interval_name(cal_interval iv)
{
    return iv_ok(iv) ? intervals[iv].name : "?";
}

int cal_interval_parse(const char *s, cal_interval *iv)
{
    if (!s)
        return CAL_ESYNTAX;
    for (size_t i = 0; i < N_IV; i++) {
        if (strcmp(s, intervals[i].name) == 0) {
            *iv = intervals[i].iv;
            return CAL_OK;
        }
    }
    return CAL_ESYNTAX;
}

const char *cal_interval_sql(cal_interval iv)
{
    return cal_interval_info_of(iv)->step_sql;
}

const char *cal_interval_trunc(cal_interval iv)
{
    return cal_interval_info_of(iv)->trunc_sql;
}

const char *cal_duration_unit_sql(dur_unit u)
{
    switch (u) {
    case DU_HOURS: return "hours";
    case DU_DAYS: return "days";
    case DU_WEEKS: return "weeks";
    case DU_MONTHS: return "months";
    case DU_YEARS: return "years";
    }
    return "days";
}

/* ---- parsing ---- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Exactly n ASCII digits at s; the value in *v. */
static bool fixed_digits(const char *s, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return false;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return true;
}

int cal_parse_instant(const char *s, int64_t *t)
{
    int y, mo, d, h = 0, mi = 0, sec = 0;
    if (!s)
        return CAL_ESYNTAX;
    if (!fixed_digits(s, 4, &y) || s[4] != '-' || !fixed_digits(s + 5, 2, &mo) ||
        s[7] != '-' || !fixed_digits(s + 8, 2, &d))
        return CAL_ESYNTAX;
    const char *p = s + 10;
    if (*p == 'T' || *p == ' ') {
        p++;
        if (!fixed_digits(p, 2, &h) || p[2] != ':' || !fixed_digits(p + 3, 2, &mi))
            return CAL_ESYNTAX;
        p += 5;
        if (*p == ':') {
            if (!fixed_digits(p + 1, 2, &sec))
                return CAL_ESYNTAX;
            p += 3;
        }
        if (*p == 'Z')
            p++;
    }
    if (*p != '\0')
        return CAL_ESYNTAX;
    if (y < 1900 || y > 9999 || !cal_valid_date(y, mo, d) || h > 23 || mi > 59 ||
        sec > 59)
        return CAL_ERANGE;
    *t = cal_join(y, mo, d, h, mi, sec);
    return CAL_OK;
}

/* Digits at *pp into *v; CAL_EOVERFLOW past limit.  Advances *pp. */
static int parse_count(const char **pp, int64_t limit, int64_t *v)
{
    const char *p = *pp;
    int64_t x = 0;
    bool over = false;
    if (!is_digit(*p))
        return CAL_ESYNTAX;
    while (is_digit(*p)) {
        if (!over) {
            x = x * 10 + (*p - '0');
            if (x > limit)
                over = true;
        }
        p++;
    }
    *pp = p;
    *v = x;
    return over ? CAL_EOVERFLOW : CAL_OK;
}

int cal_parse_duration(const char *s, duration *d)
{
    static const struct {
        const char *one, *many;
        dur_unit unit;
    } units[] = {
        {"hour", "hours", DU_HOURS},   {"day", "days", DU_DAYS},
        {"week", "weeks", DU_WEEKS},   {"month", "months", DU_MONTHS},
        {"year", "years", DU_YEARS},
    };
    if (!s)
        return CAL_ESYNTAX;
    const char *p = s;
    bool negative = false;
    if (*p == '-') {
        negative = true;
        p++;
    }
    int64_t n;
    /* the cap is checked per unit below; this only keeps x from wrapping */
    int rc = parse_count(&p, DUR_MAX_SECONDS, &n);
    if (rc == CAL_ESYNTAX)
        return rc;
    if (*p != ' ')
        return CAL_ESYNTAX;
    while (*p == ' ')
        p++;
    size_t k;
    for (k = 0; k < sizeof units / sizeof units[0]; k++)
        if (strcmp(p, units[k].one) == 0 || strcmp(p, units[k].many) == 0)
            break;
    if (k == sizeof units / sizeof units[0])
        return CAL_ESYNTAX;
    if (!negative && n == 0) {
        /* zero: the unit is still told, for the one key that allows it */
        d->n = 0;
        d->unit = units[k].unit;
        return CAL_ENONPOS;
    }
    if (negative)
        return CAL_ENONPOS;
    if (rc == CAL_EOVERFLOW || n > DUR_MAX_SECONDS / unit_seconds(units[k].unit))
        return CAL_EOVERFLOW;
    d->n = n;
    d->unit = units[k].unit;
    return CAL_OK;
}

int cal_parse_timeout(const char *s, int64_t *ms)
{
    /* PostgreSQL's time units for lock_timeout / statement_timeout */
    static const struct {
        const char *name;
        int64_t ms;
    } units[] = {
        {"ms", 1}, {"s", 1000}, {"min", 60000}, {"h", 3600000}, {"d", 86400000},
    };
    /* the GUCs hold an int of milliseconds */
    const int64_t max_ms = 2147483647;
    if (!s)
        return CAL_ESYNTAX;
    const char *p = s;
    int64_t n;
    int rc = parse_count(&p, max_ms, &n);
    if (rc == CAL_ESYNTAX)
        return rc;
    while (*p == ' ')
        p++;
    int64_t mult = 1;
    if (*p) {
        size_t k;
        for (k = 0; k < sizeof units / sizeof units[0]; k++)
            if (strcmp(p, units[k].name) == 0)
                break;
        if (k == sizeof units / sizeof units[0])
            return CAL_ESYNTAX;
        mult = units[k].ms;
    } else if (p != s && p[-1] == ' ') {
        return CAL_ESYNTAX; /* trailing space after a bare number */
    }
    if (rc == CAL_EOVERFLOW || n > max_ms / mult)
        return CAL_EOVERFLOW;
    *ms = n * mult;
    return CAL_OK;
}

/* ---- formatting ---- */

/* width decimal digits of v (0 <= v < 10^width), zero-padded, at out */
static void put_digits(char *out, int width, int v)
{
    for (int i = width - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* Years outside 0..9999 cannot come from a parsed spec; they are written
 * modulo 10000 so that the fixed-size buffers stay exact. */
static int year4(int y)
{
    int r = y % 10000;
    return r < 0 ? r + 10000 : r;
}

void cal_format_date(int64_t t, char out[11])
{
    cal_tm tm;
    cal_split(t, &tm);
    put_digits(out, 4, year4(tm.year));
    out[4] = '-';
    put_digits(out + 5, 2, tm.month);
    out[7] = '-';
    put_digits(out + 8, 2, tm.day);
    out[10] = '\0';
}

void cal_format_ts(int64_t t, char out[23])
{
    cal_tm tm;
    cal_split(t, &tm);
    cal_format_date(t, out);
    out[10] = ' ';
    put_digits(out + 11, 2, tm.hour);
    out[13] = ':';
    put_digits(out + 14, 2, tm.minute);
    out[16] = ':';
    put_digits(out + 17, 2, tm.second);
    memcpy(out + 19, "+00", 4);
}

/* Whole ranges of iv from a to b (both aligned, a <= b). */
int64_t cal_ranges_between(cal_interval iv, int64_t a, int64_t b)
{
    cal_tm x, y;
    switch (iv) {
    case IV_HOURLY: return (b - a) / 3600;
    case IV_DAILY: return (b - a) / 86400;
    case IV_WEEKLY: return (b - a) / (7 * 86400);
    default: break;
    }
    cal_split(a, &x);
    cal_split(b, &y);
    int64_t months = ((int64_t)y.year * 12 + y.month) - ((int64_t)x.year * 12 + x.month);
    if (iv == IV_QUARTERLY)
        return months / 3;
    if (iv == IV_YEARLY)
        return months / 12;
    return months;
}
