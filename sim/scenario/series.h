/*
 * series: reads a demand series CSV for a workload with growth = series.
 *
 * Format (RFC 4180, read with libcsv in strict mode): a header row, then one
 * row per point, `date,demand_h100`, the date as YYYY-MM-DD (UTC midnight)
 * and the value in H100-equivalent GPUs (>= 0). At least 2 points, dates
 * strictly increasing. Blank lines are skipped.
 */
#ifndef CAPSIM_SERIES_H
#define CAPSIM_SERIES_H

#include <stddef.h>
#include <stdint.h>
#include "../util/status.h"

/* The codes series_read returns, from the status list (util/status.h).
 * CANNOT_OPEN: why says why; the error belongs to the key naming the file.
 * BAD_DATA: why says what; *error_line is the CSV line (1-based). */
typedef capsim_status series_status;
#define SERIES_OK CAPSIM_OK
#define SERIES_CANNOT_OPEN CAPSIM_ERR_CANNOT_OPEN
#define SERIES_BAD_DATA CAPSIM_ERR_BAD_DATA
#define SERIES_NO_MEMORY CAPSIM_ERR_NO_MEMORY

/* Reads `path`. Times become seconds since start_day (days since 1970-01-01;
 * points before it are negative). On success *t_out and *value_out are
 * malloc'd arrays of *n_out points, owned by the caller. On failure nothing
 * is returned to free, and `why` (why_len bytes) holds "what is wrong; what
 * to do". */
series_status series_read(const char *path, int64_t start_day, double **t_out,
                          double **value_out, size_t *n_out, int *error_line, char *why,
                          size_t why_len);

#endif
