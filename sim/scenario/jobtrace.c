/*
 * jobtrace: like series.c, the CSV is fed to libcsv one physical line at a
 * time, so that when the row callback fires the current line number is the
 * row's. The first failure is kept and every later callback is ignored.
 * Rows are collected with their row number and sorted by (submit, row):
 * qsort is not stable, the row number makes it so.
 */
#include "jobtrace.h"

#include <csv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/caltime.h"
#include "scenario_keys.h"
#include "../util/suggest.h"
#include "../util/csvin.h"
#include "../util/grow.h"
#include "../util/textnum.h"
#include "../util/units.h"

#define FIELD_MAX 64
#define MAX_COLUMNS 4
#define HEADER_HINT "`submit,gpus,duration_h` or `submit,gpus,duration_h,gpu`"

static const char *const columns[MAX_COLUMNS] = {"submit", "gpus", "duration_h", "gpu"};

typedef struct row_job {
    spec_trace_job job;
    size_t row;
} row_job;

typedef struct reader {
    char fields[MAX_COLUMNS][FIELD_MAX];
    size_t n_fields;
    int too_long;            /* a field of this row did not fit FIELD_MAX */
    size_t n_columns;        /* from the header: 3 or 4 */
    size_t rows;             /* rows seen, the header included */
    int line;
    int failed;
    char *why;
    size_t why_len;
    int64_t start_seconds;   /* t = 0 as seconds since 1970 */
    const spec_gpu *gpus;
    size_t n_gpus;
    row_job *jobs;
    size_t n, cap;
} reader;

static void fail(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

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

/* ---- time ---- */

static int two_digits(const char *p, int max, int *out)
{
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
        return -1;
    *out = (p[0] - '0') * 10 + (p[1] - '0');
    return *out <= max ? 0 : -1;
}

int jobtrace_parse_time(const char *text, int64_t *epoch_seconds)
{
    size_t len = strlen(text);
    char date[11];
    int64_t days;
    int hour = 0, minute = 0, second = 0;
    if (len != 10 && len != 19)
        return -1;
    memcpy(date, text, 10);
    date[10] = '\0';
    if (caltime_parse_date(date, &days) != 0)
        return -1;
    if (len == 19 && (text[10] != ' ' || text[13] != ':' || text[16] != ':' ||
                      two_digits(text + 11, 23, &hour) || two_digits(text + 14, 59, &minute) ||
                      two_digits(text + 17, 59, &second)))
        return -1;
    *epoch_seconds = days * UNITS_SECONDS_PER_DAY + hour * UNITS_SECONDS_PER_HOUR
                     + minute * UNITS_SECONDS_PER_MINUTE + second;
    return 0;
}

/* ---- rows ---- */

static void on_field(void *data, size_t len, void *user)
{
    reader *r = user;
    if (r->n_fields < MAX_COLUMNS) {
        if (len >= FIELD_MAX)
            r->too_long = 1;
        size_t n = len < FIELD_MAX - 1 ? len : FIELD_MAX - 1;
        memcpy(r->fields[r->n_fields], data, n);
        r->fields[r->n_fields][n] = '\0';
    }
    r->n_fields++;
}

static int append_job(reader *r, const spec_trace_job *job)
{
    if (grow_reserve((void **)&r->jobs, &r->cap, r->n + 1, 256, sizeof *r->jobs) != 0)
        return -1;
    r->jobs[r->n] = (row_job){*job, r->rows};
    r->n++;
    return 0;
}

static const char *gpu_name_at(const void *ctx, size_t i)
{
    return ((const spec_gpu *)ctx)[i].name;
}

/* The gpu column: empty or `any`, or a GPU type. Returns 0 or -1 after fail(). */
static int gpu_of(reader *r, const char *text, int *gpu)
{
    *gpu = SPEC_ANY_GPU;
    if (!*text || strcmp(text, "any") == 0)
        return 0;
    for (size_t i = 0; i < r->n_gpus; i++) {
        if (strcmp(r->gpus[i].name, text) == 0) {
            *gpu = (int)i;
            return 0;
        }
    }
    const char *near = suggest_nearest(text, gpu_name_at, r->gpus, r->n_gpus);
    if (near)
        fail(r, "gpu: unknown GPU type '%s'; did you mean '%s'?", text, near);
    else
        fail(r, "gpu: unknown GPU type '%s'; name a [gpu] section, or leave it empty for any "
                "type", text);
    return -1;
}

static void data_row(reader *r)
{
    const char *submit = r->fields[0], *gpus = r->fields[1], *duration = r->fields[2];
    int64_t at;
    uint64_t count = 0;
    double hours;
    spec_trace_job job = {0};
    if (jobtrace_parse_time(submit, &at) != 0)
        fail(r, "submit '%s' is not a time; write YYYY-MM-DD HH:MM:SS or YYYY-MM-DD (UTC), "
                "e.g. 2025-01-31 14:05:00", submit);
    else if (textnum_uint(gpus, &count) != TEXTNUM_OK || count == 0 ||
             count % SPEC_GPUS_PER_NODE != 0 || count > (uint64_t)SCENARIO_KEYS_MAX_GPUS)
        fail(r, "gpus '%s' is not a positive multiple of %d: jobs take whole %d-GPU nodes",
             gpus, SPEC_GPUS_PER_NODE, SPEC_GPUS_PER_NODE);
    else if (textnum_real(duration, &hours) != TEXTNUM_OK || hours <= 0)
        fail(r, "duration_h '%s' is not a number of hours > 0; write e.g. 12 or 0.5", duration);
    else if (r->n_columns < MAX_COLUMNS || gpu_of(r, r->fields[3], &job.gpu) == 0) {
        job.submit = at - r->start_seconds;
        job.gpus = (int64_t)count;
        job.duration_s = hours * UNITS_SECONDS_PER_HOUR_REAL;
        if (r->n_columns < MAX_COLUMNS)
            job.gpu = SPEC_ANY_GPU;
        if (append_job(r, &job) != 0)
            fail(r, "out of memory");
    }
}

static void header_row(reader *r, size_t n_fields)
{
    int64_t at;
    int named = n_fields == 3 || n_fields == 4;
    for (size_t i = 0; named && i < n_fields; i++)
        named = strcmp(r->fields[i], columns[i]) == 0;
    if (jobtrace_parse_time(r->fields[0], &at) == 0)
        fail(r, "the first row is data (%s); start the file with the header row " HEADER_HINT,
             r->fields[0]);
    else if (!named)
        fail(r, "the header row must be " HEADER_HINT ", in that order; found '%s%s%s...'",
             r->fields[0], n_fields > 1 ? "," : "", n_fields > 1 ? r->fields[1] : "");
    else
        r->n_columns = n_fields;
}

static void on_row(int terminator, void *user)
{
    (void)terminator;
    reader *r = user;
    size_t n_fields = r->n_fields;
    int too_long = r->too_long;
    r->n_fields = 0;
    r->too_long = 0;
    if (r->failed)
        return;
    r->rows++;
    if (too_long)
        fail(r, "a field is longer than %d characters", FIELD_MAX - 1);
    else if (r->rows == 1)
        header_row(r, n_fields);
    else if (n_fields != r->n_columns)
        fail(r, "expected %zu fields like the header, found %zu", r->n_columns, n_fields);
    else
        data_row(r);
}

/* ---- files ---- */

static int by_submit(const void *a, const void *b)
{
    const row_job *x = a, *y = b;
    if (x->job.submit != y->job.submit)
        return x->job.submit < y->job.submit ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* Sorts the rows and copies the jobs out. Returns 0 or -1 (no memory). */
static int take_jobs(reader *r, spec_trace_job **jobs_out, size_t *n_out)
{
    spec_trace_job *jobs = calloc(r->n, sizeof *jobs);
    if (!jobs)
        return -1;
    qsort(r->jobs, r->n, sizeof *r->jobs, by_submit);
    for (size_t i = 0; i < r->n; i++) {     /* field by field: the padding stays zero */
        const spec_trace_job *job = &r->jobs[i].job;
        jobs[i].submit = job->submit;
        jobs[i].gpus = job->gpus;
        jobs[i].duration_s = job->duration_s;
        jobs[i].gpu = job->gpu;
    }
    *jobs_out = jobs;
    *n_out = r->n;
    return 0;
}

jobtrace_status jobtrace_read(const char *path, int64_t start_day, const spec_gpu *gpus,
                              size_t n_gpus, spec_trace_job **jobs_out, size_t *n_out,
                              int *error_line, char *why, size_t why_len)
{
    *error_line = 0;
    reader r = {.why = why, .why_len = why_len,
                .start_seconds = start_day * UNITS_SECONDS_PER_DAY, .gpus = gpus,
                .n_gpus = n_gpus};
    const csvin_callbacks cb = {on_field, on_row, &r, &r.line, &r.failed};
    csvin_status read = csvin_read(path, "trace", &cb, why, why_len);
    if (read == CSVIN_CANNOT_OPEN)
        return JOBTRACE_CANNOT_OPEN;
    if (read != CSVIN_OK)
        r.failed = 1;   /* the message is in why */
    jobtrace_status status = JOBTRACE_OK;
    if (!r.failed && r.n == 0)
        fail(&r, "has no jobs; after the header row " HEADER_HINT ", write one row per job");
    if (!r.failed && take_jobs(&r, jobs_out, n_out) != 0) {
        snprintf(why, why_len, "out of memory");
        status = capsim_fail(JOBTRACE_NO_MEMORY);
    }
    else if (r.failed)
        status = capsim_fail(JOBTRACE_BAD_DATA);
    if (r.failed)
        *error_line = r.line > 0 ? r.line : 1;
    free(r.jobs);
    return status;
}
