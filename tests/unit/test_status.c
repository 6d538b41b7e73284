/*
 * Unit tests for status: the list gives every code a distinct value and a
 * distinct non-empty message, 0 is the only success, an unknown value has
 * a message of its own, and the modules' names for their codes keep the
 * messages users already see.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../sim/util/status.h"
#include "../../sim/util/csvin.h"
#include "../../sim/util/textnum.h"
#include "../../sim/model/price.h"
#include "../../sim/store/store.h"

typedef struct entry {
    capsim_status code;
    const char *name;
    int in_input;
    const char *message;
} entry;

static const entry list[] = {
#define ENTRY(name, value, in_input, message) {CAPSIM_##name, #name, in_input, message},
    CAPSIM_STATUS_LIST(ENTRY)
#undef ENTRY
};
#define N_CODES (sizeof list / sizeof list[0])

static void test_codes_are_distinct_and_negative(void **unused)
{
    (void)unused;
    assert_true(N_CODES >= 14);
    assert_int_equal(list[0].code, CAPSIM_OK);
    assert_int_equal(CAPSIM_OK, 0);
    assert_int_equal(CAPSIM_ERR_NO_MEMORY, -1);
    for (size_t i = 1; i < N_CODES; i++) {
        assert_true(list[i].code < 0);
        for (size_t j = 0; j < i; j++)
            assert_int_not_equal(list[i].code, list[j].code);
    }
}

static void test_every_code_has_a_distinct_message(void **unused)
{
    (void)unused;
    for (size_t i = 0; i < N_CODES; i++) {
        const char *message = capsim_strerror(list[i].code);
        assert_non_null(message);
        assert_true(strlen(message) > 0);
        assert_string_equal(message, list[i].message);
        assert_string_not_equal(message, "unknown capsim status");
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(message, capsim_strerror(list[j].code));
    }
}

static void test_unknown_code(void **unused)
{
    (void)unused;
    const capsim_status unknown[] = {(capsim_status)1, (capsim_status)-9137,
                                     (capsim_status)(-(int)N_CODES)};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        assert_string_equal(capsim_strerror(unknown[i]), "unknown capsim status");
        assert_int_equal(capsim_status_in_input(unknown[i]), 0);
    }
}

static void test_input_or_system(void **unused)
{
    (void)unused;
    for (size_t i = 0; i < N_CODES; i++)
        assert_int_equal(capsim_status_in_input(list[i].code), list[i].in_input);
    assert_int_equal(capsim_status_in_input(CAPSIM_OK), 0);
    assert_int_equal(capsim_status_in_input(CAPSIM_ERR_NO_MEMORY), 0);
    assert_int_equal(capsim_status_in_input(CAPSIM_ERR_SQLITE), 0);
    assert_int_equal(capsim_status_in_input(CAPSIM_ERR_NOT_CAPSIM), 1);
    assert_int_equal(capsim_status_in_input(CAPSIM_ERR_NO_SUCH_RUN), 1);
}

static void test_fail_returns_its_code(void **unused)
{
    (void)unused;
    for (size_t i = 0; i < N_CODES; i++)
        assert_int_equal(capsim_fail(list[i].code), list[i].code);
}

/* The modules' own names are codes of the list, and the messages users
 * already see (store_strerror, the price refusals) are unchanged. */
static void test_module_names_keep_their_messages(void **unused)
{
    (void)unused;
    assert_int_equal(CSVIN_NO_MEMORY, CAPSIM_ERR_NO_MEMORY);
    assert_int_equal(TEXTNUM_TOO_LARGE, CAPSIM_ERR_TOO_LARGE);
    assert_int_equal(STORE_ERR_NOMEM, CAPSIM_ERR_NO_MEMORY);
    assert_string_equal(store_strerror(STORE_ERR_NOT_CAPSIM),
                        "the file exists and is not a capsim database");
    assert_string_equal(store_strerror(STORE_ERR_VERSION),
                        "a capsim database of another schema version");
    assert_string_equal(store_strerror(STORE_ERR_SQLITE), "SQLite failed");
    assert_string_equal(store_strerror(STORE_ERR_NOMEM), "out of memory");
    assert_string_equal(capsim_strerror(PRICE_NO_LIST), "no price list");
    assert_string_equal(capsim_strerror(PRICE_NOT_OFFERED), "kind not offered");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codes_are_distinct_and_negative),
        cmocka_unit_test(test_every_code_has_a_distinct_message),
        cmocka_unit_test(test_unknown_code),
        cmocka_unit_test(test_input_or_system),
        cmocka_unit_test(test_fail_returns_its_code),
        cmocka_unit_test(test_module_names_keep_their_messages),
    };
    return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
