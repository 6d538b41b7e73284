/*
 * units: the time units of the project, in one place. Simulated time is an
 * int64 count of seconds, so each span exists in two forms that must not be
 * mixed up:
 *   - the integer form (UNITS_SECONDS_PER_DAY) for int64 time arithmetic,
 *     where it keeps the expression integer;
 *   - the real form (UNITS_SECONDS_PER_DAY_REAL) for rates and conversions
 *     computed in double.
 * Both forms of one span hold the same value exactly. A month is 30.4375
 * days and a year 365.25 days: the mean Gregorian month and the Julian year,
 * as used for contract terms, build lead times, depreciation and growth.
 */
#ifndef CAPSIM_UNITS_H
#define CAPSIM_UNITS_H

/* ---- integer forms (int) ---- */
#define UNITS_SECONDS_PER_MINUTE 60
#define UNITS_SECONDS_PER_HOUR 3600
#define UNITS_SECONDS_PER_DAY 86400
#define UNITS_SECONDS_PER_MONTH 2629800          /* 30.4375 days */

/* ---- real forms (double) ---- */
#define UNITS_SECONDS_PER_HOUR_REAL 3600.0
#define UNITS_SECONDS_PER_DAY_REAL 86400.0
#define UNITS_SECONDS_PER_MONTH_REAL (30.4375 * 86400.0)
#define UNITS_SECONDS_PER_YEAR_REAL (365.25 * 86400.0)
#define UNITS_HOURS_PER_DAY_REAL 24.0
#define UNITS_HOURS_PER_YEAR_REAL 8766.0          /* 365.25 days */

#endif
