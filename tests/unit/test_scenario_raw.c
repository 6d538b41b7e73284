/*
 * Unit tests for the scenario reader's INI layer (sim/scenario/scenario_raw*.c,
 * through scenario_load): includes are read in place and later values win;
 * params record the final value and where it came from; --set wins over the
 * files and names may hold '=' and '.'; comments, indentation, CRLF, a byte
 * order mark and long lines; a missing or empty top file.
 */
#include "testlib.h"
#include "../../sim/scenario/scenario.h"

/* ---- includes and overrides ---- */

static void test_include_order(void **state)
{
    testlib_dir *f = *state;
    testlib_dir_write(f, "inner.ini",
                      "[gpu H100]\n"
                      "idle_w = 80\n");
    testlib_dir_write(f, "base.ini",
                      "[scenario]\n"
                      "name = from base\n"
                      "seed = 2\n"
                      "tick = 1d\n"
                      "include = inner.ini\n"      /* inner's idle_w, then base's again */
                      "[gpu H100]\n"
                      "tdp_w = 700\n"
                      "capex_usd = 20000\n");
    testlib_dir_write(f, "main.ini",
                      "[scenario]\n"
                      "name = from main\n"          /* line 2: overridden by the include */
                      "start = 2025-01-01\n"
                      "end = 2025-01-31\n"
                      "seed = 1\n"
                      "include = base.ini\n"
                      "seed = 3\n"                  /* line 7: after the include, wins */
                      "\n"
                      "[gpu H100]\n"
                      "tdp_w = 800\n"               /* line 10: wins over base's 700 */
                      "tdp_w = 750\n");            /* line 11: set twice here: a warning */
    scenario *sc = testlib_dir_load_ok(f, "main.ini", NULL, 0);
    const spec *s = sc->spec;
    assert_string_equal(s->name, "from base");
    assert_int_equal(s->seed, 3);
    assert_int_equal(s->tick_seconds, TESTLIB_DAY);
    assert_real_equal(s->gpus[0].tdp_w, 750);
    assert_real_equal(s->gpus[0].idle_w, 80);
    assert_real_equal(s->gpus[0].capex_usd, 20000);
    assert_int_equal(s->end, 31 * TESTLIB_DAY);
    /* params: first-seen order, final value, where it came from */
    assert_string_equal(sc->params[0].path, "scenario.name");
    assert_string_equal(sc->params[0].value, "from base");
    assert_contains(sc->params[0].file, "base.ini");
    assert_int_equal(sc->params[0].line, 2);
    const scenario_param *seed = testlib_find_param(sc, "scenario.seed");
    assert_string_equal(seed->value, "3");
    assert_contains(seed->file, "main.ini");
    assert_int_equal(seed->line, 7);
    const scenario_param *idle = testlib_find_param(sc, "gpu.H100.idle_w");
    assert_contains(idle->file, "inner.ini");
    assert_int_equal(idle->line, 2);
    assert_int_equal(sc->n_warnings, 1);
    assert_contains(sc->warnings[0], "main.ini:11: warning: [gpu H100] tdp_w: set again "
                                     "(first at line 10)");
    scenario_destroy(sc);
}

static void test_set_overrides(void **state)
{
    testlib_dir *f = *state;
    testlib_write_full(f);
    testlib_dir_write(f, "odd.ini",
                      "[scenario]\n"
                      "name = odd names\n"
                      "start = 2025-01-01\n"
                      "end = 2025-12-31\n"
                      "[gpu H100]\n"
                      "tdp_w = 700\n"
                      "idle_w = 90\n"
                      "[provider =lab.one]\n"        /* names may start with '=' and hold '.' */
                      "kind = lab\n"
                      "[provider =lab]\n"
                      "kind = lab\n");
    const char *const sets[] = {"contract.cw-google.gpus=12000", "scenario.seed=99",
                                "gpu.H100.tdp_w = 650", "datacenter.g-iowa.gpus=H100:800"};
    scenario *sc = testlib_dir_load_ok(f, "full.ini", sets, 4);
    assert_int_equal(sc->spec->contracts[0].gpus, 12000);
    assert_int_equal(sc->spec->seed, 99);
    assert_real_equal(sc->spec->gpus[0].tdp_w, 650);
    assert_int_equal(sc->spec->phases[4].count, 800);
    const scenario_param *p = testlib_find_param(sc, "contract.cw-google.gpus");
    assert_string_equal(p->value, "12000");
    assert_string_equal(p->file, "--set");
    assert_int_equal(p->line, 0);
    assert_string_equal(testlib_find_param(sc, "gpu.H100.tdp_w")->value, "650");
    assert_string_equal(sc->params[4].path, "scenario.seed");   /* keeps its place */
    scenario_destroy(sc);

    const char *const odd[] = {"provider.=lab.one.kind=neocloud", "provider.=lab.kind=hyperscaler"};
    sc = testlib_dir_load_ok(f, "odd.ini", odd, 2);
    assert_string_equal(sc->spec->providers[0].name, "=lab.one");
    assert_int_equal(sc->spec->providers[0].kind, SPEC_NEOCLOUD);
    assert_int_equal(sc->spec->providers[1].kind, SPEC_HYPERSCALER);
    scenario_destroy(sc);
}

/* ---- lines: comments, indentation, CRLF, byte order mark, long lines ---- */

static void test_line_handling(void **state)
{
    testlib_dir *f = *state;
    char text[4096], name[300];
    memset(name, 'n', 250);
    name[250] = '\0';
    snprintf(text, sizeof text,
             "\xEF\xBB\xBF; a byte order mark, then CRLF line ends\r\n"
             "[scenario]\r\n"
             "  name = %s\r\n"
             "\tstart = 2025-01-01 # comment\r\n"
             "end = 2025-01-10;not a comment: no space before it\r\n", name);
    testlib_dir_write(f, "lines.ini", text);
    assert_null(testlib_dir_load(f, "lines.ini", NULL, 0));
    assert_contains(f->err, "lines.ini:5: [scenario] end: '2025-01-10;not");
    snprintf(text, sizeof text,
             "\xEF\xBB\xBF; a byte order mark, then CRLF line ends\r\n"
             "[scenario]\r\n"
             "  name = %s\r\n"
             "\tstart = 2025-01-01 # comment\r\n"
             "end = 2025-01-10 ;comment\r\n", name);
    testlib_dir_write(f, "lines.ini", text);
    scenario *sc = testlib_dir_load_ok(f, "lines.ini", NULL, 0);
    assert_string_equal(sc->spec->name, name);
    assert_int_equal(sc->spec->end, 10 * TESTLIB_DAY);
    scenario_destroy(sc);
}

/* ---- the top file ---- */

static void test_missing_top_file(void **state)
{
    testlib_dir *f = *state;
    assert_null(testlib_dir_load(f, "no-such.ini", NULL, 0));
    assert_contains(f->err, "no-such.ini: cannot read the scenario: No such file or directory");
    testlib_dir_write(f, "empty.ini", "; nothing here\n");
    assert_null(testlib_dir_load(f, "empty.ini", NULL, 0));
    assert_contains(f->err, "empty.ini: no [scenario] section");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        testlib_dir_test(test_include_order),
        testlib_dir_test(test_set_overrides),
        testlib_dir_test(test_line_handling),
        testlib_dir_test(test_missing_top_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
