/*
 * caltime: civil dates <-> days since 1970-01-01, proleptic Gregorian, UTC.
 *
 * days_from_civil and civil_from_days are Howard Hinnant's algorithms
 * ("chrono-Compatible Low-Level Date Algorithms", 2013): the year is shifted
 * to start on March 1 so that the leap day falls last, and dates are
 * counted in 400-year eras of 146,097 days. They are exact for every date
 * whose day count fits in int64 arithmetic here (years far beyond +-10^9).
 *
 * Parsing is strict: a date is exactly "YYYY-MM-DD" with a real day of that
 * month (2025-02-30 is refused), and a duration is a positive integer
 * followed by one unit letter, s, m, h or d, with nothing after it.
 */
#include "caltime.h"
#include "units.h"

#define DAYS_PER_ERA 146097  /* 400 Gregorian years */

/* Floor division for a positive divisor: rounds towards minus infinity. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

static int is_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap_year(year) ? 29 : days[month - 1];
}

/* Hinnant's days_from_civil. month 1..12, day 1..31; no validation. */
int64_t caltime_days_from_civil(int year, int month, int day)
{
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = floor_div(y, 400);
    int64_t year_of_era = y - era * 400;                              /* [0, 399] */
    int64_t shifted_month = month > 2 ? month - 3 : month + 9;       /* March = 0 */
    int64_t day_of_year = (153 * shifted_month + 2) / 5 + day - 1;   /* [0, 365] */
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100
                         + day_of_year;                               /* [0, 146096] */
    return era * DAYS_PER_ERA + day_of_era - 719468;  /* 719468: 0000-03-01 to 1970-01-01 */
}

/* Hinnant's civil_from_days: the inverse of caltime_days_from_civil. */
void caltime_civil_from_days(int64_t days, int *year, int *month, int *day)
{
    int64_t z = days + 719468;
    int64_t era = floor_div(z, DAYS_PER_ERA);
    int64_t day_of_era = z - era * DAYS_PER_ERA;                      /* [0, 146096] */
    int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524
                           - day_of_era / 146096) / 365;              /* [0, 399] */
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4
                                        - year_of_era / 100);         /* [0, 365] */
    int64_t shifted_month = (5 * day_of_year + 2) / 153;              /* [0, 11] */
    int64_t m = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
    *day = (int)(day_of_year - (153 * shifted_month + 2) / 5 + 1);
    *month = (int)m;
    *year = (int)(year_of_era + era * 400 + (m <= 2));
}

/* Reads exactly `count` decimal digits at text. Returns the value, or -1 if
 * any of them is not a digit (the NUL terminator included). */
static int read_digits(const char *text, int count)
{
    int value = 0;
    for (int i = 0; i < count; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

/* Parses exactly "YYYY-MM-DD" (years 0000..9999). Returns 0 and sets
 * *days_out, or -1 (and leaves *days_out alone) for anything else: a
 * missing or extra character, a month outside 1..12, or a day the month
 * does not have. */
int caltime_parse_date(const char *text, int64_t *days_out)
{
    if (!text)
        return -1;
    int year = read_digits(text, 4);
    if (year < 0 || text[4] != '-')
        return -1;
    int month = read_digits(text + 5, 2);
    if (month < 1 || month > 12 || text[7] != '-')
        return -1;
    int day = read_digits(text + 8, 2);
    if (day < 1 || day > days_in_month(year, month) || text[10] != '\0')
        return -1;
    if (year < CALTIME_FIRST_YEAR || year > CALTIME_LAST_YEAR)
        return -2;
    *days_out = caltime_days_from_civil(year, month, day);
    return 0;
}

/* Writes value as exactly `width` decimal digits, zero-padded. */
static void put_digits(char *out, int value, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        out[i] = (char)('0' + value % 10);
        value /= 10;
    }
}

/* Formats epoch seconds (negative: before 1970) as "YYYY-MM-DD HH:MM:SS".
 * Years outside 0..9999 do not fit the format; they are clamped into that
 * range rather than truncated mid-field. Written by hand rather than with
 * snprintf: the store formats one date per tick. */
void caltime_format(int64_t epoch_seconds, char out[20])
{
    int64_t days = floor_div(epoch_seconds, UNITS_SECONDS_PER_DAY);
    int seconds_of_day = (int)(epoch_seconds - days * UNITS_SECONDS_PER_DAY);
    int year, month, day;
    caltime_civil_from_days(days, &year, &month, &day);
    year = year < 0 ? 0 : year > 9999 ? 9999 : year;
    put_digits(out, year, 4);
    out[4] = '-';
    put_digits(out + 5, month, 2);
    out[7] = '-';
    put_digits(out + 8, day, 2);
    out[10] = ' ';
    put_digits(out + 11, seconds_of_day / UNITS_SECONDS_PER_HOUR, 2);
    out[13] = ':';
    put_digits(out + 14, seconds_of_day / UNITS_SECONDS_PER_MINUTE % 60, 2);
    out[16] = ':';
    put_digits(out + 17, seconds_of_day % 60, 2);
    out[19] = '\0';
}

/* Formats the date part of epoch seconds as "YYYY-MM-DD". */
void caltime_format_date(int64_t epoch_seconds, char out[11])
{
    char full[20];
    caltime_format(epoch_seconds, full);
    for (int i = 0; i < 10; i++)
        out[i] = full[i];
    out[10] = '\0';
}

void caltime_format_since(int64_t start_day, int64_t t, char out[20])
{
    caltime_format(start_day * UNITS_SECONDS_PER_DAY + t, out);
}

void caltime_format_date_since(int64_t start_day, int64_t t, char out[11])
{
    caltime_format_date(start_day * UNITS_SECONDS_PER_DAY + t, out);
}

/* Seconds per unit letter, or 0 for an unknown unit. */
static int64_t unit_seconds(char unit)
{
    switch (unit) {
    case 's': return 1;
    case 'm': return UNITS_SECONDS_PER_MINUTE;
    case 'h': return UNITS_SECONDS_PER_HOUR;
    case 'd': return UNITS_SECONDS_PER_DAY;
    default: return 0;
    }
}

/* Parses "<positive integer><s|m|h|d>", e.g. "15m", "1h", "3600s". Returns
 * 0 and sets *seconds_out, or -1 (leaving it alone) for an empty number, a
 * sign, zero, a missing or unknown unit, anything after the unit, or a
 * value whose seconds overflow int64. */
int caltime_parse_duration(const char *text, int64_t *seconds_out)
{
    if (!text)
        return -1;
    int64_t value = 0;
    const char *p = text;
    for (; *p >= '0' && *p <= '9'; p++) {
        int digit = *p - '0';
        if (value > (INT64_MAX - digit) / 10)
            return -1;
        value = value * 10 + digit;
    }
    int64_t unit = unit_seconds(*p);
    if (p == text || value == 0 || unit == 0 || p[1] != '\0')
        return -1;
    if (value > INT64_MAX / unit)
        return -1;
    *seconds_out = value * unit;
    return 0;
}
