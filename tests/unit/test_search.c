/*
 * Unit tests for search (the pure parts of the goal search): target and
 * range parsing with their errors, the step grid and the printed values,
 * the Student t interval against its closed form, the verdicts of the four
 * operators, bisection against a linear scan on every threshold of grids
 * of many sizes (answer, neighbour, probe count, no index twice, both
 * directions, both end outcomes, abort), and the monotonicity check.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

#include "../../sim/sweep/search.h"

static void test_target_parse(void **state)
{
    (void)state;
    search_target t;
    char err[512];
    assert_int_equal(search_target_parse("shortfall_h100_hours.openai-chatgpt <= 1250.5", &t,
                                         err, sizeof err), 0);
    assert_string_equal(t.metric, "shortfall_h100_hours.openai-chatgpt");
    assert_int_equal(t.op, SEARCH_LE);
    assert_real_equal(t.threshold, 1250.5);
    assert_int_equal(search_target_parse("margin_usd.coreweave>-3e6", &t, err, sizeof err), 0);
    assert_string_equal(t.metric, "margin_usd.coreweave");
    assert_int_equal(t.op, SEARCH_GT);
    assert_real_equal(t.threshold, -3e6);
    assert_int_equal(search_target_parse("  a.b  >=  7 ", &t, err, sizeof err), 0);
    assert_int_equal(t.op, SEARCH_GE);
    assert_string_equal(t.metric, "a.b");
    assert_int_equal(search_target_parse("x<0.25", &t, err, sizeof err), 0);
    assert_int_equal(t.op, SEARCH_LT);
    assert_string_equal(search_op_name(SEARCH_GE), ">=");

    assert_int_equal(search_target_parse("shortfall 12", &t, err, sizeof err), -1);
    assert_contains(err, "expected METRIC <= X");
    assert_contains(err, "e.g. --target");
    assert_int_equal(search_target_parse("shortfall = 12", &t, err, sizeof err), -1);
    assert_contains(err, "'=' alone is not a target");
    assert_int_equal(search_target_parse("<= 12", &t, err, sizeof err), -1);
    assert_contains(err, "no metric before '<='");
    assert_int_equal(search_target_parse("shortfall <= twelve", &t, err, sizeof err), -1);
    assert_contains(err, "'twelve' after '<=' is not a number");
    assert_int_equal(search_target_parse("short fall <= 1", &t, err, sizeof err), -1);
    assert_contains(err, "'short fall' is not a metric name");
}

static void test_range_parse(void **state)
{
    (void)state;
    double lo, hi;
    char err[512];
    assert_int_equal(search_range_parse("8000..40000", &lo, &hi, err, sizeof err), 0);
    assert_real_equal(lo, 8000);
    assert_real_equal(hi, 40000);
    assert_int_equal(search_range_parse("0.5 .. 2.25", &lo, &hi, err, sizeof err), 0);
    assert_real_equal(lo, 0.5);
    assert_real_equal(hi, 2.25);
    assert_int_equal(search_range_parse("8000-40000", &lo, &hi, err, sizeof err), -1);
    assert_contains(err, "expected LO..HI");
    assert_int_equal(search_range_parse("40000..8000", &lo, &hi, err, sizeof err), -1);
    assert_contains(err, "LO must be below HI");
    assert_int_equal(search_range_parse("..8", &lo, &hi, err, sizeof err), -1);
}

static void test_grid(void **state)
{
    (void)state;
    search_grid g;
    char err[512], text[64];
    /* HI on the grid: both ends are points */
    assert_int_equal(search_grid_make(8, 20000, 8, &g, err, sizeof err), 0);
    assert_int_equal(g.n, 2500);
    assert_real_equal(search_grid_value(&g, 0), 8);
    assert_real_equal(search_grid_value(&g, 2499), 20000);
    /* HI off the grid: the last point below it */
    assert_int_equal(search_grid_make(8, 20000, 80, &g, err, sizeof err), 0);
    assert_int_equal(g.n, 250);
    assert_real_equal(search_grid_value(&g, 249), 19928);
    /* decimal steps reach HI despite rounding: (0.7 - 0.1) / 0.1 = 5.999... */
    assert_int_equal(search_grid_make(0.1, 0.7, 0.1, &g, err, sizeof err), 0);
    assert_int_equal(g.n, 7);
    search_format_value(search_grid_value(&g, 6), text, sizeof text);
    assert_string_equal(text, "0.7");
    search_format_value(search_grid_value(&g, 2), text, sizeof text);
    assert_string_equal(text, "0.3");
    search_format_value(96000, text, sizeof text);
    assert_string_equal(text, "96000");
    search_format_value(-2.5, text, sizeof text);
    assert_string_equal(text, "-2.5");

    assert_int_equal(search_grid_make(0, 10, 0, &g, err, sizeof err), -1);
    assert_contains(err, "expected a positive number");
    assert_int_equal(search_grid_make(0, 10, 20, &g, err, sizeof err), -1);
    assert_contains(err, "fewer than two grid points");
    assert_int_equal(search_grid_make(0, 1e12, 1, &g, err, sizeof err), -1);
    assert_contains(err, "more than");
}

/* The interval of 8 values against mean +- t x s / sqrt(n) with the
 * tabulated t_{0.975, 7} = 2.364624 (and t_{0.95, 7} = 1.894579). */
static void test_interval(void **state)
{
    (void)state;
    const double x[8] = {12.5, 9.25, 14.0, 11.75, 10.5, 13.25, 8.75, 12.0};
    double sum = 0, squares = 0;
    for (int i = 0; i < 8; i++)
        sum += x[i];
    double mean = sum / 8;
    for (int i = 0; i < 8; i++)
        squares += (x[i] - mean) * (x[i] - mean);
    double half = 2.364624 * sqrt(squares / 7) / sqrt(8);
    double m, lo, hi;
    search_interval(x, 8, 0.95, &m, &lo, &hi);
    assert_close(m, mean, 1e-12);
    assert_close(lo, mean - half, 1e-5);
    assert_close(hi, mean + half, 1e-5);
    search_interval(x, 8, 0.90, &m, &lo, &hi);
    assert_close(hi - m, 1.894579 * sqrt(squares / 7) / sqrt(8), 1e-5);
    /* one value: no interval */
    search_interval(x + 2, 1, 0.95, &m, &lo, &hi);
    assert_real_equal(m, 14.0);
    assert_real_equal(lo, 14.0);
    assert_real_equal(hi, 14.0);
}

static void test_holds(void **state)
{
    (void)state;
    search_target t = {.metric = "m", .threshold = 10};
    t.op = SEARCH_LE;
    assert_true(search_holds(&t, 2, 10));
    assert_false(search_holds(&t, 2, 10.5));   /* the upper end decides */
    t.op = SEARCH_LT;
    assert_false(search_holds(&t, 2, 10));
    assert_true(search_holds(&t, 2, 9.99));
    t.op = SEARCH_GE;
    assert_true(search_holds(&t, 10, 30));
    assert_false(search_holds(&t, 9.5, 30));   /* the lower end decides */
    t.op = SEARCH_GT;
    assert_false(search_holds(&t, 10, 30));
    assert_true(search_holds(&t, 10.01, 30));
}

/* A monotone verdict over a grid: holds from `first` on (or, largest, up to
 * `first`), counting and checking every probe. */
typedef struct fake {
    size_t n, first;
    int largest;
    size_t probes;
    unsigned char seen[300];
    long fail_at;          /* the probe count at which the callback fails; -1 never */
} fake;

static int fake_verdict(void *ctx, size_t i)
{
    fake *f = ctx;
    if (i >= f->n)
        fail_msg("probe of index %zu outside the grid of %zu", i, f->n);
    if (f->seen[i])
        fail_msg("index %zu probed twice", i);
    f->seen[i] = 1;
    if ((long)f->probes++ == f->fail_at)
        return -1;
    return f->largest ? i <= f->first : i >= f->first;
}

static void test_bisect_matches_a_scan(void **state)
{
    (void)state;
    for (int largest = 0; largest <= 1; largest++)
        for (size_t n = 2; n <= 300; n += (n < 40 ? 1 : 37))
            for (size_t first = 0; first < n; first++) {
                fake f = {.n = n, .first = first, .largest = largest, .fail_at = -1};
                size_t answer = 99999, beside = 99999;
                search_outcome r = search_bisect(n, largest, fake_verdict, &f, &answer,
                                                 &beside);
                /* a linear scan: the smallest holding index (largest: the largest) */
                int at_near_end = largest ? first == n - 1 : first == 0;
                if (at_near_end) {
                    if (r != SEARCH_HOLDS_AT_NEAR_END)
                        fail_msg("n %zu first %zu largest %d: outcome %d, expected holds at "
                                 "the near end", n, first, largest, (int)r);
                    continue;
                }
                if (r != SEARCH_FOUND || answer != first)
                    fail_msg("n %zu first %zu largest %d: outcome %d answer %zu, expected %zu",
                             n, first, largest, (int)r, answer, first);
                size_t want_beside = largest ? first + 1 : first - 1;
                if (beside != want_beside || !f.seen[beside] || !f.seen[answer])
                    fail_msg("n %zu first %zu: neighbour %zu (probed %d), expected %zu", n,
                             first, beside, f.seen[beside], want_beside);
                size_t bound = 2 + (size_t)ceil(log2((double)(n - 1)));
                if (f.probes > bound)
                    fail_msg("n %zu first %zu: %zu probes, more than 2 + ceil(log2(n - 1)) = "
                             "%zu", n, first, f.probes, bound);
            }
}

static void test_bisect_ends_and_abort(void **state)
{
    (void)state;
    size_t a, b;
    /* never holds: fails at the far end, after one probe */
    fake f = {.n = 50, .first = 50, .fail_at = -1};
    assert_int_equal(search_bisect(50, 0, fake_verdict, &f, &a, &b), SEARCH_FAILS_AT_FAR_END);
    assert_int_equal(f.probes, 1);
    assert_true(f.seen[49]);
    fake g = {.n = 50, .first = 0, .largest = 1, .fail_at = -1};
    /* largest, holds at 0 only: found 0 with neighbour 1 */
    assert_int_equal(search_bisect(50, 1, fake_verdict, &g, &a, &b), SEARCH_FOUND);
    assert_int_equal(a, 0);
    assert_int_equal(b, 1);
    /* holds everywhere: holds at the near end after two probes */
    fake h = {.n = 50, .first = 0, .fail_at = -1};
    assert_int_equal(search_bisect(50, 0, fake_verdict, &h, &a, &b), SEARCH_HOLDS_AT_NEAR_END);
    assert_int_equal(h.probes, 2);
    /* a failing callback aborts at once */
    for (long at = 0; at < 5; at++) {
        fake k = {.n = 200, .first = 77, .fail_at = at};
        assert_int_equal(search_bisect(200, 0, fake_verdict, &k, &a, &b), SEARCH_ABORTED);
        assert_int_equal(k.probes, (size_t)at + 1);
    }
}

static void test_non_monotone(void **state)
{
    (void)state;
    search_target le = {.metric = "m", .op = SEARCH_LE, .threshold = 5};
    search_target ge = {.metric = "m", .op = SEARCH_GE, .threshold = 5};
    /* probe order, not grid order: 9, 0, 4, 6, 5 */
    search_probe p[5] = {{.index = 9, .mean = 0}, {.index = 0, .mean = 90},
                         {.index = 4, .mean = 20}, {.index = 6, .mean = 30},
                         {.index = 5, .mean = 10}};
    size_t bad[10];
    /* falling expected: 90 (0), 20 (4), 10 (5), 30 (6), 0 (9): 5 -> 6 rises */
    assert_int_equal(search_non_monotone(p, 5, &le, 0, bad), 2);
    assert_int_equal(bad[0], 5);
    assert_int_equal(bad[1], 6);
    /* a rising expectation breaks at 0-4, 4-5 and 6-9; each index once */
    size_t n = search_non_monotone(p, 5, &ge, 0, bad);
    assert_int_equal(n, 5);
    const size_t want[5] = {0, 4, 5, 6, 9};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(bad[i], want[i]);
    /* largest reverses: a <= target expects the metric to rise */
    assert_int_equal(search_non_monotone(p, 5, &le, 1, bad), n);
    /* equal neighbours are monotone */
    search_probe flat[3] = {{.index = 0, .mean = 4}, {.index = 1, .mean = 4},
                            {.index = 2, .mean = 4}};
    assert_int_equal(search_non_monotone(flat, 3, &le, 0, bad), 0);
    assert_int_equal(search_non_monotone(flat, 3, &ge, 1, bad), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_target_parse),
        cmocka_unit_test(test_range_parse),
        cmocka_unit_test(test_grid),
        cmocka_unit_test(test_interval),
        cmocka_unit_test(test_holds),
        cmocka_unit_test(test_bisect_matches_a_scan),
        cmocka_unit_test(test_bisect_ends_and_abort),
        cmocka_unit_test(test_non_monotone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
