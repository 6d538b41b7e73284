/*
 * Unit tests for the demand series reader (sim/scenario/series.c, through a
 * workload's `series` key): every CSV error names the CSV file and its line.
 */
#include "testlib.h"
#include "../../sim/scenario/scenario.h"

/* A CSV error names the CSV file and its line. */
static void test_series_errors(void **state)
{
    static const struct {
        const char *csv;
        int line;
        const char *fragment;
    } cases[] = {
        {"date,demand_h100\n2025-01-01,10\n2025-02-01,abc\n", 3, "'abc' is not a number"},
        {"date,demand_h100\n2025-01-01,10\n2025-01-01,12\n", 3, "is not after the previous"},
        {"date,demand_h100\n2025-01-01,10\n2025-02-30,12\n", 3, "'2025-02-30' is not a date"},
        {"date,demand_h100\n2025-01-01,10,3\n", 2, "expected 2 fields"},
        {"2025-01-01,10\n2025-02-01,12\n", 1, "start the file with a header row"},
        {"date,demand_h100\n2025-01-01,10\n\"2025-02-01,12\n", 3, "malformed CSV"},
        {"date,demand_h100\n2025-01-01,-1\n2025-02-01,12\n", 2, "is negative"},
        {"date,demand_h100\n2025-01-01,1\n", 2, "has 1 data row"},
    };
    testlib_dir *f = *state;
    testlib_dir_write(f, "base.ini", testlib_base_ini);
    testlib_dir_write(f, "s.ini", "[scenario]\ninclude = base.ini\n[workload w]\ntenant = google\n"
                                  "type = inference\ndemand_h100 = 5\ngrowth = series\n"
                                  "series = s.csv\n");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char where[64];
        testlib_dir_write(f, "s.csv", cases[i].csv);
        assert_null(testlib_dir_load(f, "s.ini", NULL, 0));
        snprintf(where, sizeof where, "s.csv:%d: [workload w] series: ", cases[i].line);
        assert_contains(f->err, where);
        assert_contains(f->err, cases[i].fragment);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        testlib_dir_test(test_series_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
