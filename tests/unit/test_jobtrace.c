/*
 * Unit tests for the job trace reader (sim/scenario/jobtrace.c): its time
 * syntax; every CSV error names the CSV file and its line; jobs outside the
 * workload's period are left out with one warning, three columns mean any
 * GPU type and ties keep the order of the rows.
 */
#include "testlib.h"
#include "../../sim/scenario/jobtrace.h"
#include "../../sim/scenario/scenario.h"

static void test_trace_time(void **state)
{
    (void)state;
    int64_t t = 0;
    assert_int_equal(jobtrace_parse_time("2025-01-02 03:04:05", &t), 0);
    assert_int_equal(t, testlib_day_of("2025-01-02") * TESTLIB_DAY + 3 * 3600 + 4 * 60 + 5);
    assert_int_equal(jobtrace_parse_time("2025-01-02", &t), 0);
    assert_int_equal(t, testlib_day_of("2025-01-02") * TESTLIB_DAY);
    assert_int_equal(jobtrace_parse_time("2025-01-02 03:04", &t), -1);
    assert_int_equal(jobtrace_parse_time("2025-01-02 03:60:00", &t), -1);
    assert_int_equal(jobtrace_parse_time("2025-01-02 3:04:05 ", &t), -1);
    assert_int_equal(jobtrace_parse_time("86400", &t), -1);
}

/* A trace error names the CSV file and its line. */
static void test_trace_errors(void **state)
{
    static const struct {
        const char *csv;
        int line;
        const char *fragment;
    } cases[] = {
        {"submit,gpus,duration_h\n2025-01-01,8,1\n2025-13-01,8,1\n", 3,
         "submit '2025-13-01' is not a time; write YYYY-MM-DD HH:MM:SS or YYYY-MM-DD"},
        {"submit,gpus,duration_h\n2025-01-01 24:00:00,8,1\n", 2, "is not a time"},
        {"submit,gpus,duration_h\n2025-01-01T10:00:00,8,1\n", 2, "is not a time"},
        {"submit,gpus,duration_h\n2025-01-01,12,1\n", 2,
         "gpus '12' is not a positive multiple of 8"},
        {"submit,gpus,duration_h\n2025-01-01,0,1\n", 2, "gpus '0' is not a positive multiple"},
        {"submit,gpus,duration_h\n2025-01-01,8,0\n", 2, "duration_h '0' is not a number of hours"},
        {"submit,gpus,duration_h\n2025-01-01,8,2h\n", 2, "duration_h '2h' is not a number"},
        {"submit,gpus,duration_h,gpu\n2025-01-01,8,1,H10\n", 2,
         "gpu: unknown GPU type 'H10'; did you mean 'H100'?"},
        {"submit,gpus,duration_h,gpu\n2025-01-01,8,1\n", 2, "expected 4 fields like the header, "
         "found 3"},
        {"2025-01-01,8,1\n", 1, "the first row is data (2025-01-01); start the file with the "
         "header row `submit,gpus,duration_h`"},
        {"time,gpus,duration_h\n2025-01-01,8,1\n", 1, "the header row must be "
         "`submit,gpus,duration_h` or `submit,gpus,duration_h,gpu`, in that order; found "
         "'time,gpus...'"},
        {"submit,gpus,duration_h\n2025-01-01,8,1\n\"2025-01-02,8,1\n", 3, "malformed CSV"},
        {"submit,gpus,duration_h\n", 1, "has no jobs"},
    };
    testlib_dir *f = *state;
    testlib_dir_write(f, "base.ini", testlib_base_ini);
    testlib_dir_write(f, "t.ini", "[scenario]\ninclude = base.ini\n[workload w]\ntenant = google\n"
                                  "type = training\ntrace = t.csv\n");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char where[64];
        testlib_dir_write(f, "t.csv", cases[i].csv);
        if (testlib_dir_load(f, "t.ini", NULL, 0))
            fail_msg("case %zu: expected an error containing \"%s\"", i, cases[i].fragment);
        snprintf(where, sizeof where, "t.csv:%d: [workload w] trace: ", cases[i].line);
        assert_contains(f->err, where);
        assert_contains(f->err, cases[i].fragment);
    }
    /* every job outside the period: the error is on the trace key */
    testlib_dir_write(f, "t.csv", "submit,gpus,duration_h\n2024-06-01,8,1\n2026-01-01,8,1\n");
    assert_null(testlib_dir_load(f, "t.ini", NULL, 0));
    assert_contains(f->err, "t.ini:6: [workload w] trace: none of the 2 jobs of trace '");
    assert_contains(f->err, "between the workload's start 2025-01-01 and the scenario's end "
                    "2025-12-31");
}

/* Jobs outside [start, end) are left out with one warning; three columns
 * mean any GPU type; ties keep the order of the rows. */
static void test_trace_window(void **state)
{
    testlib_dir *f = *state;
    testlib_dir_write(f, "base.ini", testlib_base_ini);
    testlib_dir_write(f, "t.ini", "[scenario]\ninclude = base.ini\n[workload w]\ntenant = google\n"
                                  "type = training\nstart = 2025-03-01\ntrace = t.csv\n"
                                  "max_wait_h = 2.5\nbackfill = 1\n");
    testlib_dir_write(f, "t.csv", "submit,gpus,duration_h\n"
                                  "2025-12-31 23:59:59,1024,0.25\n"
                                  "2025-02-28 23:59:59,8,1\n"
                                  "2026-01-01,8,1\n"
                                  "2025-03-01 00:00:00,24,3\n"
                                  "2025-03-01,16,2\n");
    scenario *sc = testlib_dir_load_ok(f, "t.ini", NULL, 0);
    const spec_workload *w = &sc->spec->workloads[0];
    assert_int_equal(w->trace_len, 3);
    testlib_check_job(&w->trace[0], 59LL * TESTLIB_DAY, 24, 3, SPEC_ANY_GPU);
    testlib_check_job(&w->trace[1], 59LL * TESTLIB_DAY, 16, 2, SPEC_ANY_GPU);
    testlib_check_job(&w->trace[2], 365LL * TESTLIB_DAY - 1, 1024, 0.25, SPEC_ANY_GPU);
    assert_real_equal(w->max_wait_h, 2.5);
    assert_int_equal(w->backfill, 1);
    assert_int_equal(w->job_gpus.n, 0);
    assert_int_equal(sc->n_warnings, 1);
    assert_contains(sc->warnings[0], "t.ini:7: warning: [workload w] trace: 2 of the 5 jobs of "
                    "the trace are submitted before the workload's start 2025-03-01 or after "
                    "the scenario's end 2025-12-31 and are left out");
    scenario_destroy(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trace_time),
        testlib_dir_test(test_trace_errors),
        testlib_dir_test(test_trace_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
