/*
 * Unit tests for the per-contract table (contract_table.h): init copies the
 * spec's contracts and sets committed to their size; growth keeps every
 * entry of every array and zeroes the new ones; a growth that cannot be
 * satisfied leaves the table exactly as it was; append doubles when full.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../sim/model/contract_table.h"

enum { N_SPEC = 3 };

static void fill_contracts(spec_contract out[N_SPEC])
{
    memset(out, 0, N_SPEC * sizeof *out);
    const int64_t gpus[N_SPEC] = {4096, 1280, 72 * 37};
    for (int c = 0; c < N_SPEC; c++) {
        snprintf(out[c].name, sizeof out[c].name, "k%d", c);
        out[c].lessor = c;
        out[c].lessee = c + 1;
        out[c].gpus = gpus[c];
        out[c].price_per_gpu_hour = 1.75 + 0.5 * c;
    }
}

/* Writes a distinct value into entry c of every array. */
static void mark(contract_table *t, size_t c)
{
    const int64_t v = (int64_t)(c * 1000 + 17);
    t->active[c] = 1;
    t->committed[c] = v;
    t->delivered[c] = v + 1;
    t->preempted[c] = v + 2;
    t->unleased[c] = v + 3;
    t->block_lo[c] = (size_t)v + 4;
    t->block_hi[c] = (size_t)v + 5;
    t->leaf_lo[c] = (size_t)v + 6;
    t->leaf_hi[c] = (size_t)v + 7;
    t->rows[c].delivered = v + 8;
    t->pending_fee[c] = (double)v + 0.25;
    t->tick_preempted[c] = v + 9;
    t->tick_lost[c] = v + 10;
    t->short_now[c] = 1;
    t->undelivered_gpu_hours[c] = (double)v + 0.5;
}

static void assert_marked(const contract_table *t, size_t c, const spec_contract *k)
{
    const int64_t v = (int64_t)(c * 1000 + 17);
    assert_string_equal(t->terms[c].name, k->name);
    assert_int_equal(t->terms[c].gpus, k->gpus);
    assert_int_equal(t->active[c], 1);
    assert_int_equal(t->committed[c], v);
    assert_int_equal(t->delivered[c], v + 1);
    assert_int_equal(t->preempted[c], v + 2);
    assert_int_equal(t->unleased[c], v + 3);
    assert_int_equal(t->block_lo[c], v + 4);
    assert_int_equal(t->block_hi[c], v + 5);
    assert_int_equal(t->leaf_lo[c], v + 6);
    assert_int_equal(t->leaf_hi[c], v + 7);
    assert_int_equal(t->rows[c].delivered, v + 8);
    assert_true(t->pending_fee[c] == (double)v + 0.25);
    assert_int_equal(t->tick_preempted[c], v + 9);
    assert_int_equal(t->tick_lost[c], v + 10);
    assert_int_equal(t->short_now[c], 1);
    assert_true(t->undelivered_gpu_hours[c] == (double)v + 0.5);
}

static void assert_zero(const contract_table *t, size_t c)
{
    const spec_contract zero = {0};
    const market_contract_row zero_row = {0};
    assert_memory_equal(&t->terms[c], &zero, sizeof zero);
    assert_memory_equal(&t->rows[c], &zero_row, sizeof zero_row);
    assert_int_equal(t->active[c] + t->short_now[c], 0);
    assert_int_equal(t->committed[c] | t->delivered[c] | t->preempted[c] | t->unleased[c] |
                         t->tick_preempted[c] | t->tick_lost[c],
                     0);
    assert_int_equal(t->block_lo[c] | t->block_hi[c] | t->leaf_lo[c] | t->leaf_hi[c], 0);
    assert_true(t->pending_fee[c] == 0.0 && t->undelivered_gpu_hours[c] == 0.0);
}

static void test_init_copies_and_sets_committed(void **state)
{
    (void)state;
    spec_contract k[N_SPEC];
    fill_contracts(k);
    contract_table t;
    assert_int_equal(contract_table_init(&t, k, N_SPEC, 5), CAPSIM_OK);
    assert_int_equal(t.n, N_SPEC);
    assert_int_equal(t.cap, 5);
    for (size_t c = 0; c < N_SPEC; c++) {
        assert_string_equal(t.terms[c].name, k[c].name);
        assert_int_equal(t.committed[c], k[c].gpus);
        assert_int_equal(t.delivered[c], 0);
    }
    for (size_t c = N_SPEC; c <= t.cap; c++)
        assert_zero(&t, c);
    contract_table_free(&t);
    assert_null(t.terms);
    contract_table_free(&t);   /* an empty table is a no-op */
}

static void test_reserve_preserves_and_zeroes(void **state)
{
    (void)state;
    spec_contract k[N_SPEC];
    fill_contracts(k);
    contract_table t;
    assert_int_equal(contract_table_init(&t, k, N_SPEC, N_SPEC), CAPSIM_OK);
    for (size_t c = 0; c < N_SPEC; c++)
        mark(&t, c);
    assert_int_equal(contract_table_reserve(&t, 2), CAPSIM_OK);   /* fits: nothing moves */
    assert_int_equal(t.cap, N_SPEC);
    assert_int_equal(contract_table_reserve(&t, 1037), CAPSIM_OK);
    assert_int_equal(t.cap, 1037);
    assert_int_equal(t.n, N_SPEC);
    for (size_t c = 0; c < N_SPEC; c++)
        assert_marked(&t, c, &k[c]);
    for (size_t c = N_SPEC; c <= t.cap; c++)
        assert_zero(&t, c);
    contract_table_free(&t);
}

/* A capacity whose byte size overflows fails before anything is allocated
 * (no real allocation of that size, which a sanitizer would report); the
 * table must keep its pointers, capacity and contents. */
static void test_failed_reserve_changes_nothing(void **state)
{
    (void)state;
    spec_contract k[N_SPEC];
    fill_contracts(k);
    contract_table t;
    assert_int_equal(contract_table_init(&t, k, N_SPEC, N_SPEC), CAPSIM_OK);
    for (size_t c = 0; c < N_SPEC; c++)
        mark(&t, c);
    const contract_table before = t;
    const size_t huge[] = {SIZE_MAX, SIZE_MAX - 1, SIZE_MAX / 2};
    for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++) {
        assert_int_equal(contract_table_reserve(&t, huge[i]), CAPSIM_ERR_NO_MEMORY);
        assert_memory_equal(&t, &before, sizeof t);
    }
    for (size_t c = 0; c < N_SPEC; c++)
        assert_marked(&t, c, &k[c]);
    contract_table_free(&t);
}

static void test_append_grows_by_doubling(void **state)
{
    (void)state;
    spec_contract k[N_SPEC];
    fill_contracts(k);
    contract_table t;
    assert_int_equal(contract_table_init(&t, k, 1, 1), CAPSIM_OK);
    mark(&t, 0);
    size_t index = 0;
    for (size_t c = 1; c < 40; c++) {
        spec_contract extra = k[c % N_SPEC];
        extra.gpus = (int64_t)(8 * c + 64);
        assert_int_equal(contract_table_append(&t, &extra, &index), CAPSIM_OK);
        assert_int_equal(index, c);
        assert_int_equal(t.committed[c], extra.gpus);
        assert_int_equal(t.delivered[c] + t.active[c], 0);
    }
    assert_int_equal(t.n, 40);
    assert_int_equal(t.cap, 64);   /* 1 -> 2 -> ... -> 64 */
    assert_marked(&t, 0, &k[0]);
    for (size_t c = 40; c <= t.cap; c++)
        assert_zero(&t, c);
    contract_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_copies_and_sets_committed),
        cmocka_unit_test(test_reserve_preserves_and_zeroes),
        cmocka_unit_test(test_failed_reserve_changes_nothing),
        cmocka_unit_test(test_append_grows_by_doubling),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
