/*
 * Unit tests for caltime: known day numbers, leap years, strict parsing of
 * dates and durations, formatting, and round trips over a long range.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testlib.h"

#include "../../sim/util/caltime.h"

static void test_known_day_numbers(void **unused)
{
    (void)unused;
    assert_int_equal(caltime_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(caltime_days_from_civil(2025, 1, 1), 20089);
    assert_int_equal(caltime_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(caltime_days_from_civil(2029, 12, 31), 21914);
    assert_int_equal(caltime_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(caltime_days_from_civil(1600, 2, 29), -135081);
    int y, m, d;
    caltime_civil_from_days(20089 + 58, &y, &m, &d);  /* 31 + 27 days later */
    assert_int_equal(y, 2025);
    assert_int_equal(m, 2);
    assert_int_equal(d, 28);
    caltime_civil_from_days(20089 + 59, &y, &m, &d);
    assert_int_equal(m, 3);
    assert_int_equal(d, 1);
}

static void test_parse_valid_dates(void **unused)
{
    (void)unused;
    int64_t days = -777;
    assert_int_equal(caltime_parse_date("1970-01-01", &days), 0);
    assert_int_equal(days, 0);
    assert_int_equal(caltime_parse_date("2025-01-01", &days), 0);
    assert_int_equal(days, 20089);
    assert_int_equal(caltime_parse_date("2000-02-29", &days), 0);  /* 400-year leap */
    assert_int_equal(days, 11016);
    assert_int_equal(caltime_parse_date("2024-02-29", &days), 0);
    assert_int_equal(days, 19782);
    assert_int_equal(caltime_parse_date("2029-12-31", &days), 0);
    assert_int_equal(days, 21914);
}

static void test_parse_rejects_bad_dates(void **unused)
{
    (void)unused;
    static const char *bad[] = {
        "1900-02-29",   /* century, not a leap year */
        "2025-02-29", "2025-02-30", "2025-04-31", "2025-13-01", "2025-00-10",
        "2025-01-00", "2025-01-32", "2025-1-01", "2025-01-1", "25-01-01",
        "2025/01/01", "2025-01-01x", "2025-01-01 ", " 2025-01-01", "2025-01-0a",
        "+025-01-01", "", "2025-01",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t days = 31337;
        if (caltime_parse_date(bad[i], &days) != -1)
            fail_msg("accepted \"%s\" as day %lld", bad[i], (long long)days);
        assert_int_equal(days, 31337);  /* untouched */
    }
    int64_t days;
    assert_int_equal(caltime_parse_date(NULL, &days), -1);
}

/* Every day from 1600-01-01 to 2400-12-31 goes to a civil date and back,
 * and consecutive days are consecutive dates. */
static void test_round_trip_range(void **unused)
{
    (void)unused;
    int64_t first = caltime_days_from_civil(1600, 1, 1);
    int64_t last = caltime_days_from_civil(2400, 12, 31);
    assert_int_equal(last - first + 1, 292560);  /* 801 years: 2 eras + leap 2400 */
    int py, pm, pd;
    caltime_civil_from_days(first - 1, &py, &pm, &pd);
    assert_int_equal(py, 1599);
    for (int64_t days = first; days <= last; days++) {
        int y, m, d;
        caltime_civil_from_days(days, &y, &m, &d);
        assert_int_equal(caltime_days_from_civil(y, m, d), days);
        int next_day = d == pd + 1 && m == pm && y == py;
        int next_month = d == 1 && ((m == pm + 1 && y == py) || (m == 1 && pm == 12 && y == py + 1));
        if (!next_day && !next_month)
            fail_msg("day %lld: %04d-%02d-%02d follows %04d-%02d-%02d", (long long)days,
                     y, m, d, py, pm, pd);
        py = y, pm = m, pd = d;
    }
}

static void test_format(void **unused)
{
    (void)unused;
    char text[20], date[11];
    caltime_format(1893452400, text);  /* 2029-12-31 23:00:00 */
    assert_string_equal(text, "2029-12-31 23:00:00");
    caltime_format(0, text);
    assert_string_equal(text, "1970-01-01 00:00:00");
    caltime_format(20089LL * 86400 + 3 * 3600 + 25 * 60 + 47, text);
    assert_string_equal(text, "2025-01-01 03:25:47");
    caltime_format(-1, text);  /* floor, not truncation */
    assert_string_equal(text, "1969-12-31 23:59:59");
    caltime_format_date(11016LL * 86400 + 86399, date);
    assert_string_equal(date, "2000-02-29");
}

/* Simulated time: t seconds after the midnight of a start day, t negative
 * included, across a leap day and a year end. */
static void test_format_since(void **unused)
{
    (void)unused;
    char text[20], date[11];
    int64_t start_day = 0;
    assert_int_equal(caltime_parse_date("2024-02-28", &start_day), 0);
    caltime_format_since(start_day, 0, text);
    assert_string_equal(text, "2024-02-28 00:00:00");
    caltime_format_since(start_day, 86400 + 13 * 3600 + 7 * 60 + 31, text);
    assert_string_equal(text, "2024-02-29 13:07:31");
    caltime_format_since(start_day, -1, text);
    assert_string_equal(text, "2024-02-27 23:59:59");
    caltime_format_date_since(start_day, 2 * 86400 - 1, date);
    assert_string_equal(date, "2024-02-29");
    caltime_format_date_since(start_day, 2 * 86400, date);
    assert_string_equal(date, "2024-03-01");
    caltime_format_date_since(20453, 86399, date);   /* 2025-12-31, last second */
    assert_string_equal(date, "2025-12-31");
    caltime_format_date_since(20453, 86400, date);
    assert_string_equal(date, "2026-01-01");
}

static void test_parse_durations(void **unused)
{
    (void)unused;
    static const struct { const char *text; int64_t seconds; } good[] = {
        {"15m", 900}, {"1h", 3600}, {"6h", 21600}, {"1d", 86400}, {"3600s", 3600},
        {"90s", 90}, {"7d", 604800}, {"01h", 3600},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        int64_t seconds = -1;
        assert_int_equal(caltime_parse_duration(good[i].text, &seconds), 0);
        assert_int_equal(seconds, good[i].seconds);
    }
}

static void test_parse_rejects_bad_durations(void **unused)
{
    (void)unused;
    static const char *bad[] = {
        "0h", "0s", "-1h", "+1h", "1", "h", "", "1w", "1H", "1h ", " 1h", "1.5h",
        "1hh", "1h30m", "99999999999999999999s", "9223372036854775807d",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t seconds = 4242;
        if (caltime_parse_duration(bad[i], &seconds) != -1)
            fail_msg("accepted \"%s\" as %lld s", bad[i], (long long)seconds);
        assert_int_equal(seconds, 4242);
    }
    int64_t seconds;
    assert_int_equal(caltime_parse_duration(NULL, &seconds), -1);
    assert_int_equal(caltime_parse_duration("9223372036854775807s", &seconds), 0);
    assert_int_equal(seconds, INT64_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_day_numbers),
        cmocka_unit_test(test_parse_valid_dates),
        cmocka_unit_test(test_parse_rejects_bad_dates),
        cmocka_unit_test(test_round_trip_range),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_since),
        cmocka_unit_test(test_parse_durations),
        cmocka_unit_test(test_parse_rejects_bad_durations),
    };
    return cmocka_run_group_tests_name("caltime", tests, NULL, NULL);
}
