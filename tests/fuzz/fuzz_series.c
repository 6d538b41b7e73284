/*
 * fuzz_series: series_read (sim/scenario/series.c, through csvin.c and libcsv) on
 * arbitrary bytes as the CSV file. The input is written to a file in the
 * process's temporary directory and read back by path, as a workload's
 * `series =` is. Checks what the header promises of a success: at least 2
 * points, times strictly increasing, values >= 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../sim/scenario/series.h"
#include "fuzz_tmpfile.h"

#define START_DAY 20089   /* 2025-01-01 as days since 1970-01-01 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_tmpfile_write("series.csv", data, size);
    double *t = NULL, *value = NULL;
    size_t n = 0;
    int line = 0;
    char why[512];
    series_status st = series_read(path, START_DAY, &t, &value, &n, &line, why, sizeof why);
    if (st == SERIES_OK) {
        if (n < 2)
            abort();
        for (size_t i = 0; i < n; i++)
            if (value[i] < 0 || (i > 0 && !(t[i] > t[i - 1])))
                abort();
        free(t);
        free(value);
    } else if (st == SERIES_BAD_DATA && line < 1) {
        abort();                     /* a bad-data error must name a line */
    }
    return 0;
}
