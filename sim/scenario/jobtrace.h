/*
 * jobtrace: reads a training job trace CSV, which replaces a training
 * workload's synthetic job stream.
 *
 * Format (RFC 4180, read with libcsv in strict mode): a header row naming
 * the columns, exactly `submit,gpus,duration_h` or
 * `submit,gpus,duration_h,gpu`, then one row per job:
 *   submit      when the job is submitted, UTC: `YYYY-MM-DD HH:MM:SS` or
 *               `YYYY-MM-DD` (its midnight);
 *   gpus        GPUs the job needs at once, a positive multiple of 8;
 *   duration_h  its run time in hours on an H100 (> 0); on a GPU type with
 *               train_speed s it runs duration_h / s;
 *   gpu         optional: the GPU type it must run on, a [gpu] name, or
 *               empty or `any` for any type.
 * Rows may come in any order; the jobs are sorted by submit time, stably
 * (rows submitted at the same second keep their order). Blank lines are
 * skipped.
 */
#ifndef CAPSIM_JOBTRACE_H
#define CAPSIM_JOBTRACE_H

#include <stddef.h>
#include <stdint.h>
#include "../util/status.h"
#include "../model/spec.h"

/* The codes jobtrace_read returns, from the status list (util/status.h).
 * CANNOT_OPEN: why says why; the error belongs to the key naming the file.
 * BAD_DATA: why says what; *error_line is the CSV line (1-based). */
typedef capsim_status jobtrace_status;
#define JOBTRACE_OK CAPSIM_OK
#define JOBTRACE_CANNOT_OPEN CAPSIM_ERR_CANNOT_OPEN
#define JOBTRACE_BAD_DATA CAPSIM_ERR_BAD_DATA
#define JOBTRACE_NO_MEMORY CAPSIM_ERR_NO_MEMORY

/* operations */
/* Reads `path`. Submit times become seconds since start_day (days since
 * 1970-01-01; earlier jobs are negative). GPU type names are looked up in
 * gpus[0..n_gpus). On success *jobs_out is a malloc'd array of *n_out >= 1
 * jobs sorted by submit, owned by the caller. On failure nothing is
 * returned to free, and `why` holds "what is wrong; what to do". */
jobtrace_status jobtrace_read(const char *path, int64_t start_day, const spec_gpu *gpus,
                              size_t n_gpus, spec_trace_job **jobs_out, size_t *n_out,
                              int *error_line, char *why, size_t why_len);

/* queries */
/* Parses a submit time (`YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DD`) into
 * seconds since 1970-01-01. Returns 0, or -1 when it is not one. */
int jobtrace_parse_time(const char *text, int64_t *epoch_seconds);

#endif
