/* Unit tests for calendar: civil dates, ISO weeks, range floors and steps,
 * parsing and formatting. */
#include <string.h>

#include "calendar.h"
#include "names.h"

#include "t.h"

static int64_t at(const char *s)
{
    int64_t t = 0;
    int rc = cal_parse_instant(s, &t);
    if (rc != CAL_OK)
        t_fail(__FILE__, __LINE__, "cannot parse '%s': %d", s, rc);
    return t;
}

static const char *ts(int64_t t)
{
    static char buf[4][23];
    static int k;
    char *b = buf[k++ % 4];
    cal_format_ts(t, b);
    return b;
}

static const char *date(int64_t t)
{
    static char buf[4][11];
    static int k;
    char *b = buf[k++ % 4];
    cal_format_date(t, b);
    return b;
}

TEST(cal_days_epoch)
{
    T_INTEQ(cal_days_from_civil(1970, 1, 1), 0);
    T_INTEQ(cal_days_from_civil(1970, 1, 2), 1);
    T_INTEQ(cal_days_from_civil(1969, 12, 31), -1);
    T_INTEQ(cal_days_from_civil(2000, 3, 1), 11017);
    T_INTEQ(cal_days_from_civil(1900, 1, 1), -25567);
    int y, m, d;
    cal_civil_from_days(-25567, &y, &m, &d);
    T_INTEQ(y, 1900);
    T_INTEQ(m, 1);
    T_INTEQ(d, 1);
    cal_civil_from_days(cal_days_from_civil(9999, 12, 31), &y, &m, &d);
    T_INTEQ(y, 9999);
    T_INTEQ(m, 12);
    T_INTEQ(d, 31);
}

TEST(cal_days_round_trip)
{
    /* every day from 1899-12-01 to 2101-01-31 */
    int64_t from = cal_days_from_civil(1899, 12, 1);
    int64_t to = cal_days_from_civil(2101, 1, 31);
    int py = 1899, pm = 11, pd = 30;
    for (int64_t days = from; days <= to; days++) {
        int y, m, d;
        cal_civil_from_days(days, &y, &m, &d);
        if (cal_days_from_civil(y, m, d) != days || !cal_valid_date(y, m, d)) {
            t_fail(__FILE__, __LINE__, "round trip fails at day %lld", (long long)days);
            return;
        }
        /* consecutive: next day, or first of next month, or next year */
        bool next = (y == py && m == pm && d == pd + 1) ||
                    (y == py && m == pm + 1 && d == 1 && pd == cal_days_in_month(py, pm)) ||
                    (y == py + 1 && m == 1 && d == 1 && pm == 12 && pd == 31);
        if (!next) {
            t_fail(__FILE__, __LINE__, "day %lld is %d-%d-%d after %d-%d-%d",
                   (long long)days, y, m, d, py, pm, pd);
            return;
        }
        py = y;
        pm = m;
        pd = d;
    }
}

TEST(cal_leap_years)
{
    T_INTEQ(cal_days_in_month(2000, 2), 29);
    T_INTEQ(cal_days_in_month(1900, 2), 28);
    T_INTEQ(cal_days_in_month(2100, 2), 28);
    T_INTEQ(cal_days_in_month(2024, 2), 29);
    T_INTEQ(cal_days_in_month(2025, 2), 28);
    T_INTEQ(cal_days_in_month(2025, 4), 30);
    T_INTEQ(cal_days_in_month(2025, 12), 31);
    T_INTEQ(cal_days_in_month(2025, 13), 0);
    T_CHECK(cal_valid_date(2000, 2, 29));
    T_CHECK(!cal_valid_date(1900, 2, 29));
    T_CHECK(!cal_valid_date(2100, 2, 29));
    T_CHECK(cal_valid_date(2024, 2, 29));
    T_CHECK(!cal_valid_date(2025, 2, 29));
    T_CHECK(!cal_valid_date(2025, 4, 31));
    T_CHECK(!cal_valid_date(2025, 0, 1));
    T_CHECK(!cal_valid_date(2025, 1, 0));
    /* the year after a leap day */
    T_INTEQ(cal_days_from_civil(2000, 3, 1) - cal_days_from_civil(2000, 2, 28), 2);
    T_INTEQ(cal_days_from_civil(1900, 3, 1) - cal_days_from_civil(1900, 2, 28), 1);
    T_INTEQ(cal_days_from_civil(2101, 1, 1) - cal_days_from_civil(2100, 1, 1), 365);
    T_INTEQ(cal_days_from_civil(2001, 1, 1) - cal_days_from_civil(2000, 1, 1), 366);
}

TEST(cal_weekday)
{
    T_INTEQ(cal_weekday(0), 4);                                  /* 1970-01-01 Thu */
    T_INTEQ(cal_weekday(-1), 3);
    T_INTEQ(cal_weekday(-4), 7);
    T_INTEQ(cal_weekday(cal_days_from_civil(2025, 1, 1)), 3);    /* Wednesday */
    T_INTEQ(cal_weekday(cal_days_from_civil(2024, 12, 30)), 1);  /* Monday */
    T_INTEQ(cal_weekday(cal_days_from_civil(2025, 11, 2)), 7);   /* Sunday */
    T_INTEQ(cal_weekday(cal_days_from_civil(1900, 1, 1)), 1);    /* Monday */
    T_INTEQ(cal_weekday(cal_days_from_civil(2000, 2, 29)), 2);   /* Tuesday */
}

static void check_week(int y, int m, int d, int wy, int ww, int line)
{
    int iy = 0, iw = 0;
    cal_iso_week(cal_days_from_civil(y, m, d), &iy, &iw);
    if (iy != wy || iw != ww)
        t_fail(__FILE__, line, "%04d-%02d-%02d: got %d-W%02d, want %d-W%02d", y, m,
               d, iy, iw, wy, ww);
}

TEST(cal_iso_week)
{
    check_week(2020, 12, 31, 2020, 53, __LINE__);
    check_week(2021, 1, 1, 2020, 53, __LINE__);
    check_week(2021, 1, 3, 2020, 53, __LINE__);
    check_week(2021, 1, 4, 2021, 1, __LINE__);
    check_week(2024, 12, 29, 2024, 52, __LINE__);
    check_week(2024, 12, 30, 2025, 1, __LINE__);
    check_week(2025, 1, 1, 2025, 1, __LINE__);
    check_week(2026, 12, 31, 2026, 53, __LINE__);
    check_week(2027, 1, 3, 2026, 53, __LINE__);
    check_week(2027, 1, 4, 2027, 1, __LINE__);
    check_week(2024, 1, 1, 2024, 1, __LINE__);
    check_week(2015, 12, 31, 2015, 53, __LINE__);
    check_week(2016, 1, 1, 2015, 53, __LINE__);
    check_week(2008, 12, 29, 2009, 1, __LINE__);
    check_week(2010, 1, 3, 2009, 53, __LINE__);
    check_week(2025, 6, 15, 2025, 24, __LINE__);
    check_week(1970, 1, 1, 1970, 1, __LINE__);
    check_week(1969, 12, 29, 1970, 1, __LINE__);
}

TEST(cal_iso_week_years)
{
    /* the years with 53 ISO weeks between 2000 and 2040 */
    static const int long_years[] = {2004, 2009, 2015, 2020, 2026, 2032, 2037};
    for (int y = 2000; y <= 2040; y++) {
        bool want = false;
        for (size_t i = 0; i < sizeof long_years / sizeof long_years[0]; i++)
            want |= long_years[i] == y;
        int iy, iw;
        cal_iso_week(cal_days_from_civil(y, 12, 28), &iy, &iw); /* always the last week */
        T_INTEQ(iy, y);
        T_INTEQ(iw, want ? 53 : 52);
    }
}

TEST(cal_split_join)
{
    cal_tm tm;
    cal_split(at("2025-11-01T13:45:07"), &tm);
    T_INTEQ(tm.year, 2025);
    T_INTEQ(tm.month, 11);
    T_INTEQ(tm.day, 1);
    T_INTEQ(tm.hour, 13);
    T_INTEQ(tm.minute, 45);
    T_INTEQ(tm.second, 7);
    T_INTEQ(cal_join(2025, 11, 1, 13, 45, 7), at("2025-11-01 13:45:07"));
    cal_split(-1, &tm);
    T_INTEQ(tm.year, 1969);
    T_INTEQ(tm.month, 12);
    T_INTEQ(tm.day, 31);
    T_INTEQ(tm.hour, 23);
    T_INTEQ(tm.minute, 59);
    T_INTEQ(tm.second, 59);
    T_INTEQ(cal_join(1970, 1, 1, 0, 0, 0), 0);
}

TEST(cal_floor_each_interval)
{
    int64_t t = at("2025-11-05T13:45:07");
    T_STREQ(ts(cal_floor(IV_HOURLY, t)), "2025-11-05 13:00:00+00");
    T_STREQ(ts(cal_floor(IV_DAILY, t)), "2025-11-05 00:00:00+00");
    T_STREQ(ts(cal_floor(IV_WEEKLY, t)), "2025-11-03 00:00:00+00");
    T_STREQ(ts(cal_floor(IV_MONTHLY, t)), "2025-11-01 00:00:00+00");
    T_STREQ(ts(cal_floor(IV_QUARTERLY, t)), "2025-10-01 00:00:00+00");
    T_STREQ(ts(cal_floor(IV_YEARLY, t)), "2025-01-01 00:00:00+00");
    /* weeks cross years; quarters start Jan/Apr/Jul/Oct */
    T_STREQ(date(cal_floor(IV_WEEKLY, at("2025-01-01"))), "2024-12-30");
    T_STREQ(date(cal_floor(IV_WEEKLY, at("2025-01-05T23:59:59"))), "2024-12-30");
    T_STREQ(date(cal_floor(IV_WEEKLY, at("2025-01-06"))), "2025-01-06");
    T_STREQ(date(cal_floor(IV_QUARTERLY, at("2025-03-31T23:59:59"))), "2025-01-01");
    T_STREQ(date(cal_floor(IV_QUARTERLY, at("2025-04-01"))), "2025-04-01");
    T_STREQ(date(cal_floor(IV_QUARTERLY, at("2025-06-30"))), "2025-04-01");
    T_STREQ(date(cal_floor(IV_QUARTERLY, at("2025-07-15"))), "2025-07-01");
    T_STREQ(date(cal_floor(IV_QUARTERLY, at("2025-12-31"))), "2025-10-01");
    T_STREQ(date(cal_floor(IV_YEARLY, at("2024-12-31T23:59:59"))), "2024-01-01");
    /* before the epoch */
    T_STREQ(ts(cal_floor(IV_HOURLY, at("1969-12-31T23:30"))), "1969-12-31 23:00:00+00");
    T_STREQ(date(cal_floor(IV_WEEKLY, at("1969-12-31"))), "1969-12-29");
    T_STREQ(date(cal_floor(IV_MONTHLY, at("1900-02-28T12:00"))), "1900-02-01");
    /* aligned */
    T_CHECK(cal_aligned(IV_WEEKLY, at("2024-12-30")));
    T_CHECK(!cal_aligned(IV_WEEKLY, at("2025-01-01")));
    T_CHECK(cal_aligned(IV_MONTHLY, at("2025-11-01")));
    T_CHECK(!cal_aligned(IV_MONTHLY, at("2025-11-01T01:00")));
    T_CHECK(!cal_aligned(IV_QUARTERLY, at("2025-11-01")));
    T_CHECK(cal_aligned(IV_QUARTERLY, at("2025-10-01")));
    T_CHECK(cal_aligned(IV_HOURLY, at("2025-10-01T05:00")));
    T_CHECK(!cal_aligned(IV_HOURLY, at("2025-10-01T05:01")));
}

TEST(cal_add_months_clamp)
{
    T_STREQ(date(cal_add(IV_MONTHLY, at("2025-01-31"), 1)), "2025-02-28");
    T_STREQ(date(cal_add(IV_MONTHLY, at("2024-01-31"), 1)), "2024-02-29");
    T_STREQ(date(cal_add(IV_MONTHLY, at("2025-03-31"), -1)), "2025-02-28");
    T_STREQ(date(cal_add(IV_MONTHLY, at("2025-05-31"), 1)), "2025-06-30");
    T_STREQ(date(cal_add(IV_MONTHLY, at("2025-12-15"), 1)), "2026-01-15");
    T_STREQ(date(cal_add(IV_MONTHLY, at("2025-01-15"), -1)), "2024-12-15");
    T_STREQ(date(cal_add(IV_MONTHLY, at("2025-01-15"), -13)), "2023-12-15");
    T_STREQ(date(cal_add(IV_MONTHLY, at("2025-01-15"), 24)), "2027-01-15");
    T_STREQ(date(cal_add(IV_QUARTERLY, at("2025-11-30"), 1)), "2026-02-28");
    T_STREQ(date(cal_add(IV_QUARTERLY, at("2025-10-01"), 1)), "2026-01-01");
    T_STREQ(date(cal_add(IV_QUARTERLY, at("2025-01-01"), -1)), "2024-10-01");
    T_STREQ(date(cal_add(IV_YEARLY, at("2024-02-29"), 1)), "2025-02-28");
    T_STREQ(date(cal_add(IV_YEARLY, at("2024-02-29"), 4)), "2028-02-29");
    T_STREQ(date(cal_add(IV_YEARLY, at("2000-02-29"), 100)), "2100-02-28");
    /* the time of day is kept */
    T_STREQ(ts(cal_add(IV_MONTHLY, at("2025-01-31T13:05"), 1)), "2025-02-28 13:05:00+00");
    /* exact intervals */
    T_STREQ(ts(cal_add(IV_HOURLY, at("2025-12-31T23:00"), 1)), "2026-01-01 00:00:00+00");
    T_STREQ(date(cal_add(IV_DAILY, at("2024-02-28"), 1)), "2024-02-29");
    T_STREQ(date(cal_add(IV_DAILY, at("2025-02-28"), 1)), "2025-03-01");
    T_STREQ(date(cal_add(IV_WEEKLY, at("2024-12-30"), 1)), "2025-01-06");
    T_STREQ(date(cal_add(IV_WEEKLY, at("2024-12-30"), -1)), "2024-12-23");
    T_INTEQ(cal_add(IV_DAILY, 12345, 0), 12345);
}

TEST(cal_add_duration)
{
    duration d1m = {1, DU_MONTHS}, d1y = {1, DU_YEARS}, d90 = {90, DU_DAYS};
    duration d24h = {24, DU_HOURS}, d2w = {2, DU_WEEKS};
    T_STREQ(date(cal_add_duration(at("2025-01-31"), d1m, 1)), "2025-02-28");
    T_STREQ(date(cal_add_duration(at("2025-03-31"), d1m, -1)), "2025-02-28");
    T_STREQ(date(cal_add_duration(at("2024-02-29"), d1y, 1)), "2025-02-28");
    T_STREQ(date(cal_add_duration(at("2024-02-29"), d1y, -1)), "2023-02-28");
    T_STREQ(date(cal_add_duration(at("2025-11-01"), d90, -1)), "2025-08-03");
    T_STREQ(ts(cal_add_duration(at("2025-11-01T05:00"), d24h, 1)), "2025-11-02 05:00:00+00");
    T_STREQ(date(cal_add_duration(at("2025-12-22"), d2w, 1)), "2026-01-05");
    T_STREQ(date(cal_add_duration(at("2025-12-22"), d2w, -1)), "2025-12-08");
    T_INTEQ(cal_duration_seconds(d90), 90LL * 86400);
    T_INTEQ(cal_duration_seconds(d1y), 365LL * 86400);
    T_INTEQ(cal_duration_seconds(d1m), 30LL * 86400);
    T_INTEQ(cal_duration_seconds(d24h), 86400);
    T_INTEQ(cal_duration_seconds(d2w), 14LL * 86400);
    T_INTEQ(cal_interval_seconds(IV_HOURLY), 3600);
    T_INTEQ(cal_interval_seconds(IV_WEEKLY), 7 * 86400);
    T_INTEQ(cal_interval_seconds(IV_QUARTERLY), 90LL * 86400);
    T_INTEQ(cal_interval_seconds(IV_YEARLY), 365LL * 86400);
}

/* 500 consecutive ranges of every interval: floor(start) == start, the next
 * start is later, and the last second of a range floors to its start. */
TEST(cal_floor_add_round_trip)
{
    for (int i = IV_HOURLY; i <= IV_YEARLY; i++) {
        cal_interval iv = (cal_interval)i;
        int64_t first = cal_floor(iv, at("2023-12-25"));
        if (iv == IV_HOURLY || iv == IV_DAILY || iv == IV_WEEKLY)
            T_INTEQ(first, at("2023-12-25")); /* a Monday */
        int64_t start = first;
        for (int k = 0; k < 500; k++) {
            int64_t next = cal_add(iv, start, 1);
            /* aligned starts have no day to clamp, so k steps at once is
             * the same as k single steps, and stepping back is exact */
            if (cal_floor(iv, start) != start || !cal_aligned(iv, start) ||
                next <= start || cal_floor(iv, next - 1) != start ||
                cal_add(iv, next, -1) != start || cal_add(iv, first, k) != start ||
                cal_add(iv, start, -k) != first) {
                t_fail(__FILE__, __LINE__, "%s: range %d at %s breaks the round trip",
                       cal_interval_name(iv), k, ts(start));
                break;
            }
            start = next;
        }
    }
}

TEST(cal_range_lengths)
{
    /* monthly ranges of a leap year sum to 366 days; quarters to the year */
    int64_t s = at("2024-01-01"), total = 0;
    for (int k = 0; k < 12; k++) {
        int64_t n = cal_add(IV_MONTHLY, s, 1);
        total += n - s;
        s = n;
    }
    T_INTEQ(total, 366LL * 86400);
    T_STREQ(date(s), "2025-01-01");
    s = at("2025-01-01");
    for (int k = 0; k < 4; k++)
        s = cal_add(IV_QUARTERLY, s, 1);
    T_STREQ(date(s), "2026-01-01");
    T_INTEQ(cal_add(IV_YEARLY, at("2100-01-01"), 1) - at("2100-01-01"), 365LL * 86400);
    T_INTEQ(cal_add(IV_YEARLY, at("2000-01-01"), 1) - at("2000-01-01"), 366LL * 86400);
    /* 2020 has 53 ISO weeks: its first Monday to 2021's is 53 weeks */
    T_INTEQ(at("2021-01-04") - at("2019-12-30"), 53LL * 7 * 86400);
}

TEST(cal_parse_instant_ok)
{
    int64_t t;
    T_INTEQ(cal_parse_instant("2025-11-01", &t), CAL_OK);
    T_STREQ(ts(t), "2025-11-01 00:00:00+00");
    T_INTEQ(cal_parse_instant("2025-11-01T13:00", &t), CAL_OK);
    T_STREQ(ts(t), "2025-11-01 13:00:00+00");
    T_INTEQ(cal_parse_instant("2025-11-01 13:00:00", &t), CAL_OK);
    T_STREQ(ts(t), "2025-11-01 13:00:00+00");
    T_INTEQ(cal_parse_instant("2025-11-01T13:14:15Z", &t), CAL_OK);
    T_STREQ(ts(t), "2025-11-01 13:14:15+00");
    T_INTEQ(cal_parse_instant("2025-11-01T13:14Z", &t), CAL_OK);
    T_STREQ(ts(t), "2025-11-01 13:14:00+00");
    T_INTEQ(cal_parse_instant("1900-01-01", &t), CAL_OK);
    T_STREQ(date(t), "1900-01-01");
    T_INTEQ(cal_parse_instant("9999-12-31 23:59:59", &t), CAL_OK);
    T_STREQ(ts(t), "9999-12-31 23:59:59+00");
    T_INTEQ(cal_parse_instant("2024-02-29", &t), CAL_OK);
    T_INTEQ(cal_parse_instant("2000-02-29", &t), CAL_OK);
}

TEST(cal_parse_instant_errors)
{
    int64_t t = 42;
    T_INTEQ(cal_parse_instant("2025-02-30", &t), CAL_ERANGE);
    T_INTEQ(cal_parse_instant("2025-13-01", &t), CAL_ERANGE);
    T_INTEQ(cal_parse_instant("2025-00-01", &t), CAL_ERANGE);
    T_INTEQ(cal_parse_instant("2025-01-00", &t), CAL_ERANGE);
    T_INTEQ(cal_parse_instant("1900-02-29", &t), CAL_ERANGE);
    T_INTEQ(cal_parse_instant("2100-02-29", &t), CAL_ERANGE);
    T_INTEQ(cal_parse_instant("2025-02-29", &t), CAL_ERANGE);
    T_INTEQ(cal_parse_instant("1899-12-31", &t), CAL_ERANGE);
    T_INTEQ(cal_parse_instant("0000-01-01", &t), CAL_ERANGE);
    T_INTEQ(cal_parse_instant("2025-11-01T24:00", &t), CAL_ERANGE);
    T_INTEQ(cal_parse_instant("2025-11-01T23:60", &t), CAL_ERANGE);
    T_INTEQ(cal_parse_instant("2025-11-01T23:59:60", &t), CAL_ERANGE);
    T_INTEQ(cal_parse_instant("25-1-1", &t), CAL_ESYNTAX);
    T_INTEQ(cal_parse_instant("2025-1-01", &t), CAL_ESYNTAX);
    T_INTEQ(cal_parse_instant("2025/11/01", &t), CAL_ESYNTAX);
    T_INTEQ(cal_parse_instant("12025-11-01", &t), CAL_ESYNTAX);
    T_INTEQ(cal_parse_instant("", &t), CAL_ESYNTAX);
    T_INTEQ(cal_parse_instant(NULL, &t), CAL_ESYNTAX);
    T_INTEQ(cal_parse_instant(" 2025-11-01", &t), CAL_ESYNTAX);
    T_INTEQ(cal_parse_instant("2025-11-01 ", &t), CAL_ESYNTAX);
    T_INTEQ(cal_parse_instant("2025-11-01T", &t), CAL_ESYNTAX);
    T_INTEQ(cal_parse_instant("2025-11-01T13", &t), CAL_ESYNTAX);
    T_INTEQ(cal_parse_instant("2025-11-01T13:0", &t), CAL_ESYNTAX);
    T_INTEQ(cal_parse_instant("2025-11-01T13:00:", &t), CAL_ESYNTAX);
    T_INTEQ(cal_parse_instant("2025-11-01T13:00ZZ", &t), CAL_ESYNTAX);
    T_INTEQ(cal_parse_instant("2025-11-01T13:00+01:00", &t), CAL_ESYNTAX);
    T_INTEQ(cal_parse_instant("2025-11-01x", &t), CAL_ESYNTAX);
    T_INTEQ(cal_parse_instant("2025-1", &t), CAL_ESYNTAX);
    T_INTEQ(t, 42); /* untouched on error */
}

TEST(cal_parse_duration_ok)
{
    duration d;
    T_INTEQ(cal_parse_duration("90 days", &d), CAL_OK);
    T_INTEQ(d.n, 90);
    T_INTEQ(d.unit, DU_DAYS);
    T_INTEQ(cal_parse_duration("1 day", &d), CAL_OK);
    T_INTEQ(d.n, 1);
    T_INTEQ(d.unit, DU_DAYS);
    T_INTEQ(cal_parse_duration("24 hours", &d), CAL_OK);
    T_INTEQ(d.n, 24);
    T_INTEQ(d.unit, DU_HOURS);
    T_INTEQ(cal_parse_duration("1 hour", &d), CAL_OK);
    T_INTEQ(d.unit, DU_HOURS);
    T_INTEQ(cal_parse_duration("2 weeks", &d), CAL_OK);
    T_INTEQ(d.n, 2);
    T_INTEQ(d.unit, DU_WEEKS);
    T_INTEQ(cal_parse_duration("6 months", &d), CAL_OK);
    T_INTEQ(d.n, 6);
    T_INTEQ(d.unit, DU_MONTHS);
    T_INTEQ(cal_parse_duration("1 year", &d), CAL_OK);
    T_INTEQ(d.n, 1);
    T_INTEQ(d.unit, DU_YEARS);
    T_INTEQ(cal_parse_duration("3 years", &d), CAL_OK);
    T_INTEQ(d.n, 3);
    T_INTEQ(cal_parse_duration("7   days", &d), CAL_OK);
    T_INTEQ(d.n, 7);
    T_INTEQ(cal_parse_duration("100000 years", &d), CAL_OK);
    T_INTEQ(d.n, 100000);
    T_INTEQ(cal_duration_seconds(d), 100000LL * 365 * 86400);
}

TEST(cal_parse_duration_errors)
{
    duration d = {5, DU_DAYS};
    T_INTEQ(cal_parse_duration("0 days", &d), CAL_ENONPOS);
    T_INTEQ(cal_parse_duration("-3 days", &d), CAL_ENONPOS);
    T_INTEQ(cal_parse_duration("-0 hours", &d), CAL_ENONPOS);
    T_INTEQ(cal_parse_duration("100001 years", &d), CAL_EOVERFLOW);
    T_INTEQ(cal_parse_duration("99999999999999999999999 days", &d), CAL_EOVERFLOW);
    T_INTEQ(cal_parse_duration("9223372036854775807 hours", &d), CAL_EOVERFLOW);
    T_INTEQ(cal_parse_duration("876000001 hours", &d), CAL_EOVERFLOW);
    T_INTEQ(cal_parse_duration("876000000 hours", &d), CAL_OK);
    d.n = 5;
    T_INTEQ(cal_parse_duration("90d", &d), CAL_ESYNTAX);
    T_INTEQ(cal_parse_duration("90days", &d), CAL_ESYNTAX);
    T_INTEQ(cal_parse_duration("90 fortnights", &d), CAL_ESYNTAX);
    T_INTEQ(cal_parse_duration("90 Days", &d), CAL_ESYNTAX);
    T_INTEQ(cal_parse_duration("days", &d), CAL_ESYNTAX);
    T_INTEQ(cal_parse_duration("", &d), CAL_ESYNTAX);
    T_INTEQ(cal_parse_duration(NULL, &d), CAL_ESYNTAX);
    T_INTEQ(cal_parse_duration(" 90 days", &d), CAL_ESYNTAX);
    T_INTEQ(cal_parse_duration("90 days ", &d), CAL_ESYNTAX);
    T_INTEQ(cal_parse_duration("90 days ago", &d), CAL_ESYNTAX);
    T_INTEQ(cal_parse_duration("+3 days", &d), CAL_ESYNTAX);
    T_INTEQ(cal_parse_duration("1.5 days", &d), CAL_ESYNTAX);
    T_INTEQ(cal_parse_duration("3 days; drop", &d), CAL_ESYNTAX);
    T_INTEQ(cal_parse_duration("- 3 days", &d), CAL_ESYNTAX);
    T_INTEQ(cal_parse_duration("3\tdays", &d), CAL_ESYNTAX);
    T_INTEQ(d.n, 5); /* untouched on error */
}

TEST(cal_parse_timeout)
{
    int64_t ms = -1;
    T_INTEQ(cal_parse_timeout("0", &ms), CAL_OK);
    T_INTEQ(ms, 0);
    T_INTEQ(cal_parse_timeout("250ms", &ms), CAL_OK);
    T_INTEQ(ms, 250);
    T_INTEQ(cal_parse_timeout("250", &ms), CAL_OK);
    T_INTEQ(ms, 250);
    T_INTEQ(cal_parse_timeout("2s", &ms), CAL_OK);
    T_INTEQ(ms, 2000);
    T_INTEQ(cal_parse_timeout("2 s", &ms), CAL_OK);
    T_INTEQ(ms, 2000);
    T_INTEQ(cal_parse_timeout("1min", &ms), CAL_OK);
    T_INTEQ(ms, 60000);
    T_INTEQ(cal_parse_timeout("1h", &ms), CAL_OK);
    T_INTEQ(ms, 3600000);
    T_INTEQ(cal_parse_timeout("1d", &ms), CAL_OK);
    T_INTEQ(ms, 86400000);
    T_INTEQ(cal_parse_timeout("0s", &ms), CAL_OK);
    T_INTEQ(ms, 0);
    T_INTEQ(cal_parse_timeout("2147483647", &ms), CAL_OK);
    T_INTEQ(ms, 2147483647);
    ms = 7;
    T_INTEQ(cal_parse_timeout("2147483648", &ms), CAL_EOVERFLOW);
    T_INTEQ(cal_parse_timeout("25d", &ms), CAL_EOVERFLOW);
    T_INTEQ(cal_parse_timeout("99999999999999999999999h", &ms), CAL_EOVERFLOW);
    T_CHECK(cal_parse_timeout("-1", &ms) < 0);
    T_CHECK(cal_parse_timeout("-2s", &ms) < 0);
    T_CHECK(cal_parse_timeout("", &ms) < 0);
    T_CHECK(cal_parse_timeout(NULL, &ms) < 0);
    T_CHECK(cal_parse_timeout("s", &ms) < 0);
    T_CHECK(cal_parse_timeout("2 seconds", &ms) < 0);
    T_CHECK(cal_parse_timeout("2x", &ms) < 0);
    T_CHECK(cal_parse_timeout("2s ", &ms) < 0);
    T_CHECK(cal_parse_timeout("2 ", &ms) < 0);
    T_CHECK(cal_parse_timeout(" 2s", &ms) < 0);
    T_CHECK(cal_parse_timeout("1.5s", &ms) < 0);
    T_CHECK(cal_parse_timeout("2s'; drop", &ms) < 0);
    T_INTEQ(ms, 7); /* untouched on error */
}

TEST(cal_interval_names)
{
    static const char *const names[] = {"hourly", "daily", "weekly",
                                        "monthly", "quarterly", "yearly"};
    static const char *const sql[] = {"1 hour", "1 day", "1 week",
                                      "1 month", "3 months", "1 year"};
    static const char *const trunc[] = {"hour", "day", "week",
                                        "month", "quarter", "year"};
    for (int i = IV_HOURLY; i <= IV_YEARLY; i++) {
        cal_interval iv = IV_DAILY;
        T_STREQ(cal_interval_name((cal_interval)i), names[i]);
        T_INTEQ(cal_interval_parse(names[i], &iv), CAL_OK);
        T_INTEQ(iv, i);
        T_STREQ(cal_interval_sql((cal_interval)i), sql[i]);
        T_STREQ(cal_interval_trunc((cal_interval)i), trunc[i]);
    }
    cal_interval iv = IV_DAILY;
    T_CHECK(cal_interval_parse("Monthly", &iv) < 0);
    T_CHECK(cal_interval_parse("month", &iv) < 0);
    T_CHECK(cal_interval_parse("", &iv) < 0);
    T_CHECK(cal_interval_parse(NULL, &iv) < 0);
    T_INTEQ(iv, IV_DAILY);
    T_STREQ(cal_duration_unit_sql(DU_HOURS), "hours");
    T_STREQ(cal_duration_unit_sql(DU_DAYS), "days");
    T_STREQ(cal_duration_unit_sql(DU_WEEKS), "weeks");
    T_STREQ(cal_duration_unit_sql(DU_MONTHS), "months");
    T_STREQ(cal_duration_unit_sql(DU_YEARS), "years");
}

TEST(cal_format)
{
    char d[11], t[23];
    cal_format_date(at("2025-11-01"), d);
    T_STREQ(d, "2025-11-01");
    cal_format_ts(at("2025-11-01"), t);
    T_STREQ(t, "2025-11-01 00:00:00+00");
    cal_format_ts(cal_join(1905, 2, 3, 4, 5, 6), t);
    T_STREQ(t, "1905-02-03 04:05:06+00");
    cal_format_date(0, d);
    T_STREQ(d, "1970-01-01");
    cal_format_ts(-1, t);
    T_STREQ(t, "1969-12-31 23:59:59+00");
    T_INTEQ(strlen(t), 22);
}

/* Every interval has its row, and everything read from the rows agrees. */
TEST(calendar_interval_rows)
{
    size_t n = 0;
    while (cal_interval_names[n])
        n++;
    T_INTEQ((int)n, IV_YEARLY + 1);
    for (int i = IV_HOURLY; i <= IV_YEARLY; i++) {
        const cal_interval_info *info = cal_interval_info_of((cal_interval)i);
        T_INTEQ((int)info->iv, i);
        T_STREQ(info->name, cal_interval_names[i]);
        cal_interval back;
        T_INTEQ(cal_interval_parse(info->name, &back), CAL_OK);
        T_INTEQ((int)back, i);
        for (int j = IV_HOURLY; j < i; j++)
            T_CHECK(strcmp(cal_interval_info_of((cal_interval)j)->name, info->name) != 0);
        const char *why = NULL;
        T_INTEQ(names_pattern_distinct(info->naming, (cal_interval)i, &why), 0);
        T_CHECK(info->premake > 0 && info->seconds > 0 && info->one.n > 0);
        /* a range is its duration: the next start is one duration on */
        int64_t start = cal_floor((cal_interval)i, cal_join(2026, 11, 22, 13, 0, 0));
        T_CHECK(cal_add((cal_interval)i, start, 1) == cal_add_duration(start, info->one, 1));
    }
    const char *why = NULL;
    T_INTEQ(names_pattern_distinct("{table}_{YYYY}", IV_MONTHLY, &why), -1);
    T_STREQ(why, "monthly ranges need {YYYY} and {MM} to be distinct");
}
