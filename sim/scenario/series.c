/*
 * series: the CSV is fed to libcsv one physical line at a time, so that when
 * the row callback fires the current line number is the row's (last) line.
 * The first failure is kept and every later callback is ignored.
 */
#include "series.h"

#include <csv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/caltime.h"
#include "../util/csvin.h"
#include "../util/grow.h"
#include "../util/textnum.h"
#include "../util/units.h"

#define FIELD_MAX 64

typedef struct reader {
    char fields[2][FIELD_MAX];
    size_t n_fields;
    size_t rows;             /* rows seen, the header included */
    int line;                /* current physical line, 1-based */
    int failed;
    char *why;
    size_t why_len;
    int64_t start_day;
    int64_t previous_day;
    double *t, *value;
    size_t n, cap;
} reader;

static void fail(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Keeps the first failure only. */
static void fail(reader *r, const char *fmt, ...)
{
    if (r->failed)
        return;
    r->failed = 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->why, r->why_len, fmt, ap);
    va_end(ap);
}

static void on_field(void *data, size_t len, void *user)
{
    reader *r = user;
    if (r->n_fields < 2) {
        size_t n = len < FIELD_MAX - 1 ? len : FIELD_MAX - 1;
        memcpy(r->fields[r->n_fields], data, n);
        r->fields[r->n_fields][n] = '\0';
    }
    r->n_fields++;
}

static int append_point(reader *r, double t, double value)
{
    if (r->n == r->cap) {
        const size_t cap = grow_capacity(r->cap, r->n + 1, 64);
        if (cap == 0 || grow_resize((void **)&r->t, cap, sizeof *r->t) != 0 ||
            grow_resize((void **)&r->value, cap, sizeof *r->value) != 0)
            return -1;
        r->cap = cap;
    }
    r->t[r->n] = t;
    r->value[r->n] = value;
    r->n++;
    return 0;
}

static void data_row(reader *r)
{
    int64_t day;
    double value;
    const char *date_text = r->fields[0], *value_text = r->fields[1];
    if (caltime_parse_date(date_text, &day) != 0)
        fail(r, "'%s' is not a date; write YYYY-MM-DD, e.g. 2025-01-31", date_text);
    else if (r->n > 0 && day <= r->previous_day)
        fail(r, "date %s is not after the previous row's date; sort the rows by date "
                "and remove duplicates", date_text);
    else if (textnum_real(value_text, &value) != TEXTNUM_OK)
        fail(r, "demand_h100 '%s' is not a number; write a plain decimal such as 12000",
             value_text);
    else if (value < 0)
        fail(r, "demand_h100 %s is negative; demand must be >= 0", value_text);
    else if (append_point(r, (double)((day - r->start_day) * UNITS_SECONDS_PER_DAY), value) != 0)
        fail(r, "out of memory");
    else
        r->previous_day = day;
}

static void on_row(int terminator, void *user)
{
    (void)terminator;
    reader *r = user;
    size_t n_fields = r->n_fields;
    int64_t day;
    r->n_fields = 0;
    if (r->failed)
        return;
    r->rows++;
    if (n_fields != 2)
        fail(r, "expected 2 fields `date,demand_h100`, found %zu", n_fields);
    else if (r->rows > 1)
        data_row(r);
    else if (caltime_parse_date(r->fields[0], &day) == 0)
        fail(r, "the first row is data (%s); start the file with a header row "
                "`date,demand_h100`", r->fields[0]);
}

series_status series_read(const char *path, int64_t start_day, double **t_out,
                          double **value_out, size_t *n_out, int *error_line, char *why,
                          size_t why_len)
{
    *error_line = 0;
    reader r = {.why = why, .why_len = why_len, .start_day = start_day};
    const csvin_callbacks cb = {on_field, on_row, &r, &r.line, &r.failed};
    csvin_status read = csvin_read(path, "series", &cb, why, why_len);
    if (read == CSVIN_CANNOT_OPEN)
        return SERIES_CANNOT_OPEN;
    if (read != CSVIN_OK)
        r.failed = 1;   /* the message is in why */
    if (!r.failed && r.n < 2) {
        fail(&r, "has %zu data row%s; a series needs at least 2 `date,demand_h100` rows",
             r.n, r.n == 1 ? "" : "s");
    }
    if (r.failed) {
        *error_line = r.line > 0 ? r.line : 1;
        free(r.t);
        free(r.value);
        return capsim_fail(SERIES_BAD_DATA);
    }
    *t_out = r.t;
    *value_out = r.value;
    *n_out = r.n;
    return SERIES_OK;
}
