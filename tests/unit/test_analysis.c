/*
 * Unit tests for the analysis helpers: CSV cells (neutralisation of
 * formula-like text, quoting, shortest round-trip numbers), the roll-up
 * classification of columns, replication statistics against known values
 * (Student t quantiles from published tables), number formatting for
 * text reports and safe chart file names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "testlib.h"

#include "../../sim/util/csvout.h"
#include "../../sim/store/rollup.h"
#include "../../analysis/plot.h"
#include "../../analysis/stats.h"
#include "../../analysis/table.h"

/* cmocka's assert_float_equal compares floats; these need doubles. */
/* Writes one row through fn into a string. */
static void csv_row(void (*fn)(csvout *), char *out, size_t len)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    csvout w;
    csvout_init(&w, f);
    fn(&w);
    assert_int_equal(csvout_end_row(&w), 0);
    rewind(f);
    size_t n = fread(out, 1, len - 1, f);
    out[n] = '\0';
    fclose(f);
}

static void test_needs_neutralising(void **state)
{
    (void)state;
    const char *bad[] = {"=1+1", "+lab", "-chat", "@SUM(A1)", "\tx", "\rx"};
    const char *good[] = {"cw-plano", "", "a=b", " =x", "2025-01-01 00:00:00", "'=x"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_true(csvout_needs_neutralising(bad[i]));
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        assert_false(csvout_needs_neutralising(good[i]));
}

static void cells_text(csvout *w)
{
    csvout_text(w, "=cmd");
    csvout_text(w, "plain");
    csvout_text(w, "a,b");
    csvout_text(w, "say \"hi\"");
    csvout_text(w, "-x,\"y\"");
    csvout_null(w);
    csvout_text(w, "naïve");
}

static void test_text_cells(void **state)
{
    (void)state;
    char buf[256];
    csv_row(cells_text, buf, sizeof buf);
    assert_string_equal(buf, "'=cmd,plain,\"a,b\",\"say \"\"hi\"\"\",\"'-x,\"\"y\"\"\",,naïve\r\n");
}

static void cells_numbers(csvout *w)
{
    csvout_real(w, -3.5);
    csvout_real(w, 0.1);
    csvout_real(w, 16000.0);
    csvout_int(w, -42);
    csvout_real(w, NAN);
    csvout_real(w, 1.0 / 3.0);
}

static void test_number_cells(void **state)
{
    (void)state;
    char buf[256];
    csv_row(cells_numbers, buf, sizeof buf);
    assert_string_equal(buf, "-3.5,0.1,16000,-42,,0.3333333333333333\r\n");
}

static void test_round_trip(void **state)
{
    (void)state;
    double values[] = {0.1 + 0.2, 1e-300, 123456789.123456789, -2.5e17, 0.7529553174972534};
    char buf[40];
    for (size_t i = 0; i < sizeof values / sizeof *values; i++)
        assert_true(strtod(csvout_format_real(values[i], buf, sizeof buf), NULL) == values[i]);
    assert_string_equal(csvout_format_real(0.5886399999999999, buf, sizeof buf),
                        "0.5886399999999999");
}

/* Whole numbers take csvout_real's integer path below 10^15; every one
 * must read exactly as the "%.15g" search writes it, -0 and 10^15 too. */
static void cells_whole(csvout *w)
{
    const double v[] = {0.0, -0.0, 7.0, -123456.0, 999999999999999.0, -999999999999999.0,
                        1e15, 4503599627370497.0, 2.5e17, 1048576.0};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        csvout_real(w, v[i]);
}

static void test_whole_numbers(void **state)
{
    (void)state;
    char buf[512], want[512] = "", cell[40];
    csv_row(cells_whole, buf, sizeof buf);
    const double v[] = {0.0, -0.0, 7.0, -123456.0, 999999999999999.0, -999999999999999.0,
                        1e15, 4503599627370497.0, 2.5e17, 1048576.0};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        strcat(want, i ? "," : "");
        strcat(want, csvout_format_real(v[i], cell, sizeof cell));
    }
    strcat(want, "\r\n");
    assert_string_equal(buf, want);
    assert_string_equal(buf, "0,-0,7,-123456,999999999999999,-999999999999999,1e+15,"
                             "4503599627370497,2.5e+17,1048576\r\n");
}

static void test_classify(void **state)
{
    (void)state;
    assert_int_equal(rollup_classify("run_id", "INTEGER"), ROLLUP_KEY);
    assert_int_equal(rollup_classify("tick", "INTEGER"), ROLLUP_KEY);
    assert_int_equal(rollup_classify("datacenter_id", "INTEGER"), ROLLUP_KEY);
    assert_int_equal(rollup_classify("revenue_usd", "REAL"), ROLLUP_FLOW);
    assert_int_equal(rollup_classify("energy_mwh", "REAL"), ROLLUP_FLOW);
    assert_int_equal(rollup_classify("goodput_h100_hours", "REAL"), ROLLUP_FLOW);
    assert_int_equal(rollup_classify("power_mw", "REAL"), ROLLUP_LEVEL);
    assert_int_equal(rollup_classify("shortfall_h100", "REAL"), ROLLUP_LEVEL);
    assert_int_equal(rollup_classify("installed", "INTEGER"), ROLLUP_LEVEL);
    assert_int_equal(rollup_classify("mean_utilisation", "REAL"), ROLLUP_LEVEL);
    assert_int_equal(rollup_classify("note", "TEXT"), ROLLUP_TEXT);
    assert_string_equal(rollup_period_name(ROLLUP_DAY), "daily");
    assert_string_equal(rollup_period_name(ROLLUP_MONTH), "monthly");
}

static void test_t_quantiles(void **state)
{
    (void)state;
    /* two-sided 95% critical values of Student's t from published tables;
     * GSL's inverse is accurate to ~1e-10 */
    assert_close(astats_t95(1), 12.706204736174698, 1e-8);
    assert_close(astats_t95(2), 4.302652729911275, 1e-9);
    assert_close(astats_t95(9), 2.262157162740992, 1e-9);
    assert_close(astats_t95(30), 2.042272456301238, 1e-9);
}

static void test_stats(void **state)
{
    (void)state;
    double v[] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    astats s;
    assert_int_equal(astats_compute(v, 10, &s), 0);
    assert_int_equal(s.n, 10);
    assert_close(s.mean, 5.5, 1e-12);
    assert_close(s.sd, 3.0276503540974917, 1e-12);
    double half = 2.262157162740992 * 3.0276503540974917 / sqrt(10.0);
    assert_close(s.ci_low, 5.5 - half, 1e-9);
    assert_close(s.ci_high, 5.5 + half, 1e-9);
    assert_close(s.p10, 1.9, 1e-12);
    assert_close(s.p50, 5.5, 1e-12);
    assert_close(s.p90, 9.1, 1e-12);
    double one[] = {42};
    assert_int_equal(astats_compute(one, 1, &s), 0);
    assert_true(isnan(s.sd) && isnan(s.ci_low));
    assert_close(s.p10, 42, 0);
    assert_int_equal(astats_compute(one, 0, &s), -1);
}

static void test_format_number(void **state)
{
    (void)state;
    char buf[64];
    assert_string_equal(atable_format_number(373824000.0, buf, sizeof buf), "373,824,000");
    assert_string_equal(atable_format_number(-814200000.4, buf, sizeof buf), "-814,200,000");
    assert_string_equal(atable_format_number(5088, buf, sizeof buf), "5,088");
    assert_string_equal(atable_format_number(12.66, buf, sizeof buf), "12.66");
    assert_string_equal(atable_format_number(0.85071, buf, sizeof buf), "0.851");
    assert_string_equal(atable_format_number(-0.0004, buf, sizeof buf), "-0.0004");
    assert_string_equal(atable_format_number(NAN, buf, sizeof buf), "-");
}

/* Text tables format each numeric column alike: the decimals its most
 * precise cell needs, separators throughout; label columns (year, *_id)
 * plain; a table of one metric per row formats each row on its own. */
static void test_text_columns(void **state)
{
    (void)state;
    static const char *const cols[] = {"year", "peak_gpus", "share"};
    atable *t = atable_new("t", "T", 3, cols);
    size_t r = atable_add_row(t);
    atable_set_int(t, r, 0, 2025);
    atable_set_real(t, r, 1, 5088.0);
    atable_set_real(t, r, 2, 1.0);
    r = atable_add_row(t);
    atable_set_int(t, r, 0, 2026);
    atable_set_real(t, r, 1, 30400.0);
    atable_set_real(t, r, 2, 0.6125);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    atable_print_text(t, out);
    fclose(out);
    assert_non_null(strstr(text, "  2025      5,088  1.000\n"));
    assert_non_null(strstr(text, "  2026     30,400  0.613\n"));
    free(text);
    atable_free(t);
    static const char *const mcols[] = {"metric", "value"};
    atable *m = atable_new("m", "M", 2, mcols);
    atable_set_text(m, atable_add_row(m), 0, "contracts");
    atable_set_real(m, 0, 1, 11.0);
    atable_set_text(m, atable_add_row(m), 0, "share");
    atable_set_real(m, 1, 1, 0.6125);
    out = open_memstream(&text, &len);
    atable_print_text(m, out);
    fclose(out);
    assert_non_null(strstr(text, "contracts     11\n"));
    assert_non_null(strstr(text, "share      0.613\n"));
    free(text);
    atable_free(m);
}

static void test_safe_name(void **state)
{
    (void)state;
    char buf[32];
    plot_safe_name("=cmd|' /C calc'!A0", buf, sizeof buf);
    assert_string_equal(buf, "_cmd____C_calc__A0");
    plot_safe_name("../../etc", buf, sizeof buf);
    assert_null(strchr(buf, '/'));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_needs_neutralising),
        cmocka_unit_test(test_text_cells),
        cmocka_unit_test(test_number_cells),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_whole_numbers),
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_t_quantiles),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_format_number),
        cmocka_unit_test(test_text_columns),
        cmocka_unit_test(test_safe_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
