/*
 * Unit tests for sweep_file and sweep_plan: grid products (counts and
 * values, first parameter slowest), list zips, links, rounding, steps,
 * Latin hypercube strata, random ranges, seeds (common, independent), shard
 * slices, and the reader's errors with file and line.
 */
#include <math.h>
#include <stdlib.h>

#include "testlib.h"

#include "../../sim/sweep/sweep_file.h"
#include "../../sim/sweep/sweep_plan.h"

/* Reads `text` as dir/sweep.ini and builds its plan; fails the test on error. */
static sweep_plan *plan_of(testlib_dir *d, const char *text, sweep_file **file_out)
{
    const char *path = testlib_dir_write(d, "sweep.ini", text);
    sweep_file *f = sweep_file_read(path, d->err, sizeof d->err);
    if (!f)
        fail_msg("sweep_file_read: %s", d->err);
    sweep_plan *p = sweep_plan_create(f, d->err, sizeof d->err);
    if (!p)
        fail_msg("sweep_plan_create: %s", d->err);
    if (file_out)
        *file_out = f;
    else
        sweep_file_destroy(f);
    return p;
}

/* Expects sweep_file_read or sweep_plan_create to fail with `fragment`. */
static void expect_error(testlib_dir *d, const char *text, const char *fragment)
{
    const char *path = testlib_dir_write(d, "sweep.ini", text);
    sweep_file *f = sweep_file_read(path, d->err, sizeof d->err);
    sweep_plan *p = f ? sweep_plan_create(f, d->err, sizeof d->err) : NULL;
    if (p)
        fail_msg("expected an error with \"%s\", the file was accepted", fragment);
    assert_contains(d->err, fragment);
    sweep_file_destroy(f);
}

#define HEAD "[sweep]\nscenario = s.ini\n"

static void test_grid_product(void **state)
{
    testlib_dir *d = *state;
    sweep_plan *p = plan_of(d, HEAD "method = grid\nreplications = 3\n"
                               "[param workload.w.yearly_factor]\nvalues = 1.3, 1.6, 2.0, 2.5\n"
                               "[param contract.c.gpus]\nrange = 48000 .. 160000\nstep = 16000\n",
                            NULL);
    assert_int_equal(p->n_points, 4 * 8);
    assert_int_equal(p->n_paths, 2);
    assert_int_equal(sweep_plan_runs(p), 4 * 8 * 3);
    /* the first parameter varies slowest */
    assert_string_equal(sweep_plan_value(p, 0, 0), "1.3");
    assert_string_equal(sweep_plan_value(p, 0, 1), "48000");
    assert_string_equal(sweep_plan_value(p, 7, 0), "1.3");
    assert_string_equal(sweep_plan_value(p, 7, 1), "160000");
    assert_string_equal(sweep_plan_value(p, 8, 0), "1.6");
    assert_string_equal(sweep_plan_value(p, 8, 1), "48000");
    assert_string_equal(sweep_plan_value(p, 31, 0), "2.5");
    assert_string_equal(sweep_plan_value(p, 19, 1), "96000");
    /* every combination exactly once */
    for (size_t i = 0; i < p->n_points; i++)
        for (size_t j = i + 1; j < p->n_points; j++)
            assert_false(!strcmp(sweep_plan_value(p, i, 0), sweep_plan_value(p, j, 0)) &&
                         !strcmp(sweep_plan_value(p, i, 1), sweep_plan_value(p, j, 1)));
    sweep_plan_destroy(p);
}

static void test_step_values_are_clean(void **state)
{
    testlib_dir *d = *state;
    sweep_plan *p = plan_of(d, HEAD "[param workload.w.yearly_factor]\nrange = 1.3 .. 2.5\n"
                               "step = 0.1\n", NULL);
    assert_int_equal(p->n_points, 13);   /* 1.3, 1.4, ..., 2.5: the end is included */
    assert_string_equal(sweep_plan_value(p, 1, 0), "1.4");
    assert_string_equal(sweep_plan_value(p, 2, 0), "1.5");
    assert_string_equal(sweep_plan_value(p, 12, 0), "2.5");
    sweep_plan_destroy(p);
    /* a step that does not divide the range stops below the upper end */
    p = plan_of(d, HEAD "[param contract.c.gpus]\nrange = 1000 .. 2000\nstep = 300\n", NULL);
    assert_int_equal(p->n_points, 4);
    assert_string_equal(sweep_plan_value(p, 3, 0), "1900");
    sweep_plan_destroy(p);
}

static void test_list_zips_and_links(void **state)
{
    testlib_dir *d = *state;
    sweep_plan *p = plan_of(d, HEAD "method = list\n"
                               "[param contract.a.gpus]\nvalues = 8000, 16000, 24000\n"
                               "link = contract.b.gpus\n"
                               "[param workload.w.yearly_factor]\nrange = 1.5 .. 2.5\nstep = 0.5\n",
                            NULL);
    assert_int_equal(p->n_points, 3);
    assert_int_equal(p->n_paths, 3);
    assert_string_equal(p->paths[2], "contract.b.gpus");
    static const char *const gpus[] = {"8000", "16000", "24000"};
    static const char *const factor[] = {"1.5", "2", "2.5"};
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(sweep_plan_value(p, i, 0), gpus[i]);
        assert_string_equal(sweep_plan_value(p, i, 1), factor[i]);
        assert_string_equal(sweep_plan_value(p, i, 2), gpus[i]);   /* linked */
    }
    sweep_plan_destroy(p);
}

static void test_round(void **state)
{
    testlib_dir *d = *state;
    sweep_plan *p = plan_of(d, HEAD "method = random\nsamples = 50\nseed = 7\n"
                               "[param contract.c.gpus]\nrange = 48000 .. 160000\nround = 8\n",
                            NULL);
    for (size_t i = 0; i < p->n_points; i++) {
        double v = atof(sweep_plan_value(p, i, 0));
        assert_true(v >= 48000 && v <= 160000);
        assert_real_equal(fmod(v, 8), 0);
        assert_null(strchr(sweep_plan_value(p, i, 0), '.'));
    }
    sweep_plan_destroy(p);
    p = plan_of(d, HEAD "[param contract.c.gpus]\nvalues = 1001, 2005\nround = 8\n", NULL);
    assert_string_equal(sweep_plan_value(p, 0, 0), "1000");
    assert_string_equal(sweep_plan_value(p, 1, 0), "2008");
    sweep_plan_destroy(p);
}

/* Each of the N strata of each parameter holds exactly one sample. */
static void test_lhs_strata(void **state)
{
    testlib_dir *d = *state;
    enum { N = 37 };
    for (int log_scale = 0; log_scale < 2; log_scale++) {
        char text[512];
        snprintf(text, sizeof text, HEAD "method = lhs\nsamples = %d\nseed = 2024\n"
                 "[param a.x.k]\nrange = 1.3 .. 2.5\n%s"
                 "[param b.y.k]\nrange = 10 .. 1000\nscale = log\n", N,
                 log_scale ? "scale = log\n" : "");
        sweep_plan *p = plan_of(d, text, NULL);
        assert_int_equal(p->n_points, N);
        for (size_t k = 0; k < 2; k++) {
            int count[N] = {0};
            double lo = k == 0 ? 1.3 : 10, hi = k == 0 ? 2.5 : 1000;
            int log_k = k == 1 || log_scale;
            for (size_t i = 0; i < N; i++) {
                double v = atof(sweep_plan_value(p, i, k));
                double u = log_k ? (log(v) - log(lo)) / (log(hi) - log(lo)) : (v - lo) / (hi - lo);
                int s = (int)floor(u * N);
                assert_in_range(s, 0, N - 1);
                count[s]++;
            }
            for (int s = 0; s < N; s++)
                if (count[s] != 1)
                    fail_msg("parameter %zu: stratum %d holds %d samples, expected 1", k, s,
                             count[s]);
        }
        sweep_plan_destroy(p);
    }
}

static void test_sampling_is_deterministic(void **state)
{
    testlib_dir *d = *state;
    const char *text = HEAD "method = random\nsamples = 10\nseed = 5\n"
                            "[param a.x.k]\nrange = 0 .. 1\n";
    sweep_plan *a = plan_of(d, text, NULL), *b = plan_of(d, text, NULL);
    for (size_t i = 0; i < 10; i++)
        assert_string_equal(sweep_plan_value(a, i, 0), sweep_plan_value(b, i, 0));
    assert_string_not_equal(sweep_plan_value(a, 0, 0), sweep_plan_value(a, 1, 0));
    sweep_plan_destroy(a);
    sweep_plan_destroy(b);
}

static void test_seeds(void **state)
{
    testlib_dir *d = *state;
    sweep_plan *ind = plan_of(d, HEAD "replications = 4\nseeds = independent\nseed = 9\n"
                                 "[param a.x.k]\nvalues = 1, 2, 3, 4, 5\n", NULL);
    sweep_plan *com = plan_of(d, HEAD "replications = 4\nseeds = common\nseed = 9\n"
                                 "[param a.x.k]\nvalues = 1, 2, 3, 4, 5\n", NULL);
    uint64_t seen[20];
    size_t n = 0;
    for (size_t point = 0; point < 5; point++)
        for (long r = 0; r < 4; r++) {
            uint64_t s = sweep_plan_seed(ind, point, r);
            for (size_t j = 0; j < n; j++)
                if (seen[j] == s)
                    fail_msg("independent seeds repeat: point %zu replication %ld", point, r);
            seen[n++] = s;
            assert_true(s < (UINT64_C(1) << 53));
            /* common: replication r has one seed at every point, and differs by r */
            assert_true(sweep_plan_seed(com, point, r) == sweep_plan_seed(com, 0, r));
            if (r > 0)
                assert_true(sweep_plan_seed(com, point, r) != sweep_plan_seed(com, point, r - 1));
        }
    /* the seed is a pure function of (seed, point, replication) */
    sweep_plan *again = plan_of(d, HEAD "replications = 4\nseed = 9\n"
                                   "[param a.x.k]\nvalues = 1, 2, 3, 4, 5\n", NULL);
    assert_true(sweep_plan_seed(again, 3, 2) == sweep_plan_seed(ind, 3, 2));
    sweep_plan_destroy(again);
    sweep_plan_destroy(ind);
    sweep_plan_destroy(com);
}

static void test_shards_partition(void **state)
{
    (void)state;
    for (int n = 1; n <= 7; n++)
        for (size_t i = 0; i < 100; i++) {
            int owners = 0;
            for (int s = 1; s <= n; s++)
                owners += sweep_plan_in_shard(i, s, n);
            if (owners != 1)
                fail_msg("run %zu belongs to %d of %d shards", i, owners, n);
        }
}

static void test_file_settings(void **state)
{
    testlib_dir *d = *state;
    sweep_file *f = NULL;
    sweep_plan *p = plan_of(d, "; comment\n[sweep]\nname = A name ; a comment\n"
                               "scenario = ../s.ini\nmethod = lhs\nsamples = 20\n"
                               "replications = 5\nseeds = common\nseed = 11\nrecord = ticks\n"
                               "until = 2026-12-31\ntimeout_s = 600\n\n"
                               "[param a.x.k]\nrange = 1 .. 2\n", &f);
    assert_string_equal(f->name, "A name");
    assert_int_equal(f->method, SWEEP_LHS);
    assert_int_equal(f->samples, 20);
    assert_int_equal(f->replications, 5);
    assert_int_equal(f->seeds, SWEEP_SEEDS_COMMON);
    assert_int_equal(f->seed, 11);
    assert_int_equal(f->record, SWEEP_RECORD_TICKS);
    assert_string_equal(f->until, "2026-12-31");
    assert_real_equal(f->timeout_s, 600);
    assert_contains(f->scenario_path, "/../s.ini");
    assert_contains(f->text, "; comment\n[sweep]");
    sweep_plan_destroy(p);
    sweep_file_destroy(f);
}

static void test_errors(void **state)
{
    testlib_dir *d = *state;
    expect_error(d, HEAD "[param a.x.k]\nrange = 2 .. 1\nstep = 1\n",
                 "sweep.ini:4: [param a.x.k] range: '2 .. 1': the upper end must be above");
    expect_error(d, HEAD "[param a.x.k]\nrange = 1 .. 2\nstep = 0\n",
                 "sweep.ini:5: [param a.x.k] step: '0': a step must be above 0");
    expect_error(d, HEAD "method = list\n[param a.x.k]\nvalues = 1, 2\n[param b.y.k]\n"
                         "values = 1, 2, 3\n",
                 "sweep.ini:7: [param b.y.k] values: method = list zips parameters of equal "
                 "length");
    expect_error(d, HEAD "[param a.x.k]\n", "sweep.ini:3: [param a.x.k]: neither values nor range");
    expect_error(d, HEAD, "[sweep]: no [param PATH] section");
    expect_error(d, HEAD "methd = grid\n", "sweep.ini:3: [sweep] methd: unknown key; did you "
                                           "mean 'method'?");
    expect_error(d, HEAD "method = lsh\n", "did you mean 'lhs'?");
    expect_error(d, HEAD "method = lhs\n[param a.x.k]\nrange = 1 .. 2\n", "needs samples = N");
    expect_error(d, HEAD "[param a.x.k]\nrange = 1 .. 2\n", "needs a step with a range");
    expect_error(d, HEAD "[param a.x.k]\nvalues = 1,,2\n", "an empty item");
    expect_error(d, "[sweep]\n[param a.x.k]\nvalues = 1\n", "scenario: missing");
    expect_error(d, HEAD "[parm a.x.k]\n", "did you mean [param PATH]?");
}

/* A saltelli plan: N (d + 2) points, A rows, B rows, then A_B^i with row j
 * equal to A's row j but column i, which is B's. */
static void test_saltelli_layout(void **state)
{
    testlib_dir *d = *state;
    enum { N = 16, D = 3 };
    sweep_plan *p = plan_of(d, HEAD "method = saltelli\nsamples = 16\nreplications = 2\n"
                               "[param a.x.k]\nrange = 1 .. 2\n[param b.y.k]\nrange = 10 .. 1000\n"
                               "scale = log\nlink = b.z.k\n[param c.z.k]\nrange = -5 .. 5\n", NULL);
    assert_int_equal(p->n_points, N * (D + 2));
    assert_int_equal(sweep_plan_runs(p), 2 * N * (D + 2));
    assert_int_equal(p->n_params, D);
    assert_int_equal(p->n_paths, D + 1);
    for (size_t j = 0; j < N; j++)
        for (size_t i = 0; i < D; i++)
            for (size_t k = 0; k < D; k++) {
                size_t from = k == i ? N + j : j;
                size_t at = (2 + i) * N + j;
                assert_real_equal(sweep_plan_unit(p, at, k), sweep_plan_unit(p, from, k));
                assert_string_equal(sweep_plan_value(p, at, k), sweep_plan_value(p, from, k));
            }
    /* A and B are the two halves of one 6-dimensional Sobol point: the
     * first is (1/2, ..., 1/2), the midpoints of the ranges (log for b) */
    for (size_t k = 0; k < D; k++) {
        assert_real_equal(sweep_plan_unit(p, 0, k), 0.5);
        assert_real_equal(sweep_plan_unit(p, N, k), 0.5);
    }
    assert_string_equal(sweep_plan_value(p, 0, 0), "1.5");
    assert_close(atof(sweep_plan_value(p, 0, 1)), 100, 1e-9);
    assert_string_equal(sweep_plan_value(p, 0, 3), sweep_plan_value(p, 0, 1));   /* linked */
    assert_true(sweep_plan_unit(p, 1, 0) != sweep_plan_unit(p, N + 1, 0) ||
                sweep_plan_unit(p, 1, 1) != sweep_plan_unit(p, N + 1, 1));
    sweep_plan_destroy(p);
    /* sobol: the sequence itself, (1/2), (3/4, 1/4), (1/4, 3/4), ... */
    p = plan_of(d, HEAD "method = sobol\nsamples = 3\n[param a.x.k]\nrange = 0 .. 8\n"
                   "[param b.y.k]\nrange = 0 .. 8\n", NULL);
    static const char *const want[3][2] = {{"4", "4"}, {"6", "2"}, {"2", "6"}};
    for (size_t i = 0; i < 3; i++)
        for (size_t k = 0; k < 2; k++)
            assert_string_equal(sweep_plan_value(p, i, k), want[i][k]);
    sweep_plan_destroy(p);
}

/* A morris plan: r trajectories of d + 1 points on the grid of p levels;
 * consecutive points differ in one parameter by delta = p / (2 (p - 1)),
 * each parameter moving once per trajectory. */
static void test_morris_trajectories(void **state)
{
    testlib_dir *d = *state;
    enum { R = 25, D = 3, P = 6 };
    sweep_plan *p = plan_of(d, HEAD "method = morris\nsamples = 25\nlevels = 6\nseed = 8\n"
                               "[param a.x.k]\nrange = 0 .. 10\n[param b.y.k]\nrange = 1 .. 100\n"
                               "scale = log\n[param c.z.k]\nrange = 5 .. 6\n", NULL);
    assert_int_equal(p->n_points, R * (D + 1));
    assert_int_equal(p->levels, P);
    const double delta = P / (2.0 * (P - 1));
    int moved_up = 0, moved_down = 0;
    for (size_t t = 0; t < R; t++) {
        int moved[D] = {0};
        for (size_t s = 0; s <= D; s++)
            for (size_t k = 0; k < D; k++) {
                double u = sweep_plan_unit(p, t * (D + 1) + s, k);
                double level = u * (P - 1);
                assert_close(level, round(level), 1e-12);
                assert_true(u >= 0 && u <= 1);
            }
        for (size_t s = 1; s <= D; s++) {
            size_t changed = 0, which = 0;
            for (size_t k = 0; k < D; k++) {
                double step = sweep_plan_unit(p, t * (D + 1) + s, k) -
                              sweep_plan_unit(p, t * (D + 1) + s - 1, k);
                if (step != 0) {
                    changed++;
                    which = k;
                    assert_close(fabs(step), delta, 1e-12);
                    moved_up += step > 0;
                    moved_down += step < 0;
                }
            }
            assert_int_equal(changed, 1);
            moved[which]++;
        }
        for (size_t k = 0; k < D; k++)
            assert_int_equal(moved[k], 1);
    }
    assert_true(moved_up > 10 && moved_down > 10);
    /* the grid's ends are the range's ends, exactly */
    for (size_t i = 0; i < p->n_points; i++) {
        if (sweep_plan_unit(p, i, 1) == 0)
            assert_string_equal(sweep_plan_value(p, i, 1), "1");
        if (sweep_plan_unit(p, i, 1) == 1)
            assert_string_equal(sweep_plan_value(p, i, 1), "100");
    }
    sweep_plan_destroy(p);
}

static void test_sensitivity_errors(void **state)
{
    testlib_dir *d = *state;
    expect_error(d, HEAD "method = saltelli\n[param a.x.k]\nrange = 1 .. 2\n",
                 "sweep.ini:1: [sweep] samples: missing; method = saltelli needs samples = N");
    expect_error(d, HEAD "method = morris\nsamples = 1\n[param a.x.k]\nrange = 1 .. 2\n",
                 "sweep.ini:4: [sweep] samples: method = morris needs samples = 2 or more");
    expect_error(d, HEAD "method = morris\nsamples = 4\nlevels = 1\n[param a.x.k]\n"
                         "range = 1 .. 2\n",
                 "sweep.ini:5: [sweep] levels: '1' is not a whole number of at least 2");
    expect_error(d, HEAD "method = morris\nsamples = 4\nlevels = 5\n[param a.x.k]\n"
                         "range = 1 .. 2\n", "only for an even number of levels");
    expect_error(d, HEAD "method = lhs\nsamples = 4\nlevels = 4\n[param a.x.k]\n"
                         "range = 1 .. 2\n",
                 "sweep.ini:5: [sweep] levels: levels is the grid of method = morris");
    expect_error(d, HEAD "method = saltelli\nsamples = 4\n[param a.x.k]\nvalues = 1, 2\n",
                 "method = saltelli samples a range");
    char text[4096];
    int n = snprintf(text, sizeof text, HEAD "method = saltelli\nsamples = 4\n");
    for (int i = 0; i < 21; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, "[param a.x.k%d]\nrange = 1 .. 2\n", i);
    expect_error(d, text, "sweep.ini:45: [param a.x.k20]: method = saltelli takes at most 20 "
                          "parameters");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        testlib_dir_test(test_grid_product),
        testlib_dir_test(test_step_values_are_clean),
        testlib_dir_test(test_list_zips_and_links),
        testlib_dir_test(test_round),
        testlib_dir_test(test_lhs_strata),
        testlib_dir_test(test_sampling_is_deterministic),
        testlib_dir_test(test_seeds),
        cmocka_unit_test(test_shards_partition),
        testlib_dir_test(test_file_settings),
        testlib_dir_test(test_errors),
        testlib_dir_test(test_saltelli_layout),
        testlib_dir_test(test_morris_trajectories),
        testlib_dir_test(test_sensitivity_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
