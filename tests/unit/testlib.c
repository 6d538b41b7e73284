/*
 * testlib: assertions and temporary files shared by the unit tests (see
 * testlib.h). Every failure goes through cmocka, so the test binary reports
 * it against the test that called and goes on with the next test.
 */
#define _XOPEN_SOURCE 700          /* nftw */
#include "testlib.h"

#include <ftw.h>
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "../../sim/util/caltime.h"

/* ---- assertions ---- */

void testlib_assert_close(double got, double want, double tolerance, const char *got_text,
                          const char *file, int line)
{
    if (!(fabs(got - want) <= tolerance)) {
        print_error("%s = %.17g, expected %.17g (difference %.3g, tolerance %.3g)\n", got_text,
                    got, want, got - want, tolerance);
        _fail(file, line);
    }
}

/* ---- files ---- */

void testlib_tmpdir_create(char *dir, size_t size, const char *name)
{
    int n = snprintf(dir, size, "/tmp/capsim-test-%s-XXXXXX", name);
    if (n < 0 || (size_t)n >= size)
        fail_msg("temporary directory name for '%s' does not fit in %zu bytes", name, size);
    if (!mkdtemp(dir))
        fail_msg("cannot create %s", dir);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void testlib_tmpdir_remove(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void testlib_write_bytes(const char *path, const void *bytes, size_t n)
{
    FILE *fp = fopen(path, "wb");
    if (!fp)
        fail_msg("cannot write %s", path);
    assert_int_equal(fwrite(bytes, 1, n, fp), n);
    assert_int_equal(fclose(fp), 0);
}

void testlib_write_text(const char *path, const char *text)
{
    testlib_write_bytes(path, text, strlen(text));
}

int testlib_dir_setup(void **state)
{
    testlib_dir *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    *state = f;             /* before the directory, so a failure there frees f */
    testlib_tmpdir_create(f->dir, sizeof f->dir, "scenario");
    return 0;
}

int testlib_dir_teardown(void **state)
{
    testlib_dir *f = *state;
    testlib_tmpdir_remove(f->dir);
    free(f);
    return 0;
}

const char *testlib_dir_write(testlib_dir *f, const char *name, const char *text)
{
    snprintf(f->path, sizeof f->path, "%s/%s", f->dir, name);
    testlib_write_text(f->path, text);
    return f->path;
}

scenario *testlib_dir_load(testlib_dir *f, const char *name, const char *const *sets,
                           size_t n_sets)
{
    char path[512];
    scenario_override overrides[8];
    assert_true(n_sets <= 8);
    for (size_t i = 0; i < n_sets; i++)
        overrides[i].assignment = sets[i];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    return scenario_load(path, overrides, n_sets, f->err, sizeof f->err);
}

scenario *testlib_dir_load_ok(testlib_dir *f, const char *name, const char *const *sets,
                              size_t n_sets)
{
    scenario *sc = testlib_dir_load(f, name, sets, n_sets);
    if (!sc)
        fail_msg("expected %s to load, got: %s", name, f->err);
    return sc;
}

/* ---- queries on a loaded scenario ---- */

const scenario_param *testlib_find_param(const scenario *sc, const char *path)
{
    for (size_t i = 0; i < sc->n_params; i++)
        if (strcmp(sc->params[i].path, path) == 0)
            return &sc->params[i];
    fail_msg("no param %s", path);
    return NULL;
}

int64_t testlib_day_of(const char *date)
{
    int64_t days;
    assert_int_equal(caltime_parse_date(date, &days), 0);
    return days;
}
