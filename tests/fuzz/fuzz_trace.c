/*
 * fuzz_trace: jobtrace_read (sim/scenario/jobtrace.c, through csvin.c and libcsv)
 * on arbitrary bytes as the trace CSV, against a fixed table of GPU types
 * so that the `gpu` column's lookup and its did-you-mean suggestion run.
 * Checks what the header promises of a success: at least one job, sorted by
 * submit, every gpus a positive multiple of 8, every duration > 0, every
 * gpu either any or an index into the table.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../sim/scenario/jobtrace.h"
#include "fuzz_tmpfile.h"

#define START_DAY 20089   /* 2025-01-01 as days since 1970-01-01 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const spec_gpu gpus[] = {
    {.name = "H100", .tdp_w = 700, .train_speed = 1.0},
    {.name = "H200", .tdp_w = 700, .train_speed = 1.1},
    {.name = "B200", .tdp_w = 1000, .train_speed = 2.5},
    {.name = "GB200", .tdp_w = 1200, .train_speed = 3.0},
};
#define N_GPUS (sizeof gpus / sizeof gpus[0])

static void check(const spec_trace_job *jobs, size_t n)
{
    if (n < 1)
        abort();
    for (size_t i = 0; i < n; i++) {
        const spec_trace_job *j = &jobs[i];
        if (j->gpus <= 0 || j->gpus % SPEC_GPUS_PER_NODE != 0 || !(j->duration_s > 0) ||
            j->gpu < SPEC_ANY_GPU || j->gpu >= (int)N_GPUS ||
            (i > 0 && j->submit < jobs[i - 1].submit))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_tmpfile_write("trace.csv", data, size);
    spec_trace_job *jobs = NULL;
    size_t n = 0;
    int line = 0;
    char why[512];
    jobtrace_status st = jobtrace_read(path, START_DAY, gpus, N_GPUS, &jobs, &n, &line, why,
                                       sizeof why);
    if (st == JOBTRACE_OK) {
        check(jobs, n);
        free(jobs);
    } else if (st == JOBTRACE_BAD_DATA && line < 1) {
        abort();                     /* a bad-data error must name a line */
    }
    return 0;
}
