/*
 * caltime: calendar dates for input and output. Simulated time is int64
 * seconds since the scenario start; a calendar date is only ever derived
 * from it, through days since 1970-01-01 in the proleptic Gregorian
 * calendar (H. Hinnant's days_from_civil algorithm). All times are UTC.
 *
 * The scenario start is a day number (spec.start_day: days since
 * 1970-01-01, t = 0 at its midnight), so "simulated t as text" is
 * caltime_format_since(start_day, t, ...): the one place that turns the two
 * into a calendar instant.
 */
#ifndef CAPSIM_CALTIME_H
#define CAPSIM_CALTIME_H

#include <stdint.h>

/* The years capsim reads dates in (scenarios, series, traces, --until):
 * wide enough for any planning horizon, and narrow enough that every date
 * and every second of a run formats as a 4-digit year. */
#define CALTIME_FIRST_YEAR 1900
#define CALTIME_LAST_YEAR 2199

/* Parses "YYYY-MM-DD" (exactly) into days since 1970-01-01.
 * Returns 0 on success, -1 when the text is not a valid date, -2 when it
 * is one outside CALTIME_FIRST_YEAR..CALTIME_LAST_YEAR. */
int caltime_parse_date(const char *text, int64_t *days_out);

/* Days since 1970-01-01 for a civil date (month 1..12, day 1..31). */
int64_t caltime_days_from_civil(int year, int month, int day);
/* The civil date of a day number. */
void caltime_civil_from_days(int64_t days, int *year, int *month, int *day);

/* Formats epoch seconds as "YYYY-MM-DD HH:MM:SS" into out (>= 20 bytes). */
void caltime_format(int64_t epoch_seconds, char out[20]);
/* Formats epoch seconds as "YYYY-MM-DD" into out (>= 11 bytes). */
void caltime_format_date(int64_t epoch_seconds, char out[11]);

/* Formats the instant t seconds after the UTC midnight of day start_day
 * (days since 1970-01-01; t may be negative) as "YYYY-MM-DD HH:MM:SS". */
void caltime_format_since(int64_t start_day, int64_t t, char out[20]);
/* The same instant's date only, "YYYY-MM-DD". */
void caltime_format_date_since(int64_t start_day, int64_t t, char out[11]);

/* Parses a duration such as "15m", "1h", "6h", "1d", "3600s" into seconds.
 * Returns 0 on success, -1 otherwise. */
int caltime_parse_duration(const char *text, int64_t *seconds_out);

#endif
