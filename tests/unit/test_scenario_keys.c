/*
 * Unit tests for the scenario schema (sim/scenario/scenario_keys.c): the
 * enum spellings of its keys are the spec's names, and scenarios/README.md
 * documents every key of every kind.
 */
#include <stdlib.h>
#include <unistd.h>

#include "testlib.h"
#include "../../sim/scenario/scenario_keys.h"

/* The schema's enum spellings are the spec's names. */
static void test_enum_names(void **state)
{
    (void)state;
    const scenario_keys_kind_def *contract = scenario_keys_kind_of(SCENARIO_KEYS_CONTRACT);
    const scenario_keys_key *kind = &contract->keys[scenario_keys_find_key(SCENARIO_KEYS_CONTRACT, "kind")];
    for (int i = 0; kind->choices[i]; i++)
        assert_string_equal(kind->choices[i], spec_contract_kind_name((spec_contract_kind)i));
    const scenario_keys_key *pk = &scenario_keys_kind_of(SCENARIO_KEYS_PROVIDER)->keys[0];
    for (int i = 0; pk->choices[i]; i++)
        assert_string_equal(pk->choices[i], spec_provider_kind_name((spec_provider_kind)i));
    const scenario_keys_key *growth =
        &scenario_keys_kind_of(SCENARIO_KEYS_WORKLOAD)->keys[scenario_keys_find_key(SCENARIO_KEYS_WORKLOAD, "growth")];
    for (int i = 0; growth->choices[i]; i++)
        assert_string_equal(growth->choices[i], spec_growth_name((spec_growth)i));
    const scenario_keys_key *type =
        &scenario_keys_kind_of(SCENARIO_KEYS_WORKLOAD)->keys[scenario_keys_find_key(SCENARIO_KEYS_WORKLOAD, "type")];
    for (int i = 0; type->choices[i]; i++)
        assert_string_equal(type->choices[i], spec_workload_type_name((spec_workload_type)i));
    const scenario_keys_key *trigger =
        &scenario_keys_kind_of(SCENARIO_KEYS_BUILDOUT)->keys[scenario_keys_find_key(SCENARIO_KEYS_BUILDOUT, "trigger")];
    for (int i = 0; trigger->choices[i]; i++)
        assert_string_equal(trigger->choices[i],
                            spec_buildout_trigger_name((spec_buildout_trigger)i));
    const scenario_keys_key *procured = &scenario_keys_kind_of(SCENARIO_KEYS_PROCUREMENT)->keys[
        scenario_keys_find_key(SCENARIO_KEYS_PROCUREMENT, "kind")];
    assert_ptr_equal(procured->choices, kind->choices);
    assert_string_equal(kind->choices[SPEC_SPOT], "spot");
}

/* scenarios/README.md, from the repository root or from the binary's place
 * in it (build/tests/test_scenario). */
static FILE *open_readme(void)
{
    FILE *fp = fopen("scenarios/README.md", "r");
    char exe[1024] = "";
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 40);
    if (n > 0)
        exe[n] = '\0';
    for (int up = 0; !fp && n > 0 && up < 3; up++) {
        char *slash = strrchr(exe, '/');
        if (!slash)
            break;
        *slash = '\0';
        if (up == 2) {
            strcat(exe, "/scenarios/README.md");
            fp = fopen(exe, "r");
        }
    }
    return fp;
}

/* scenarios/README.md documents every key: a "`key`" in each kind's part. */
static void test_readme_documents_every_key(void **state)
{
    (void)state;
    FILE *fp = open_readme();
    if (!fp)
        fail_msg("scenarios/README.md not found; run the test from the repository root");
    char *text = NULL;
    size_t cap = 0;
    ssize_t len = getdelim(&text, &cap, '\0', fp);
    fclose(fp);
    assert_true(len > 0);
    for (int k = 0; k < SCENARIO_KEYS_N_KINDS; k++) {
        const scenario_keys_kind_def *kd = scenario_keys_kind_of((scenario_keys_kind)k);
        char heading[64], key[64];
        snprintf(heading, sizeof heading, "\n## [%s", kd->name);
        const char *part = strstr(text, heading);
        if (!part)
            fail_msg("scenarios/README.md has no heading \"## [%s\"", kd->name);
        const char *next = strstr(part + 1, "\n## ");
        for (size_t i = 0; i < kd->n_keys; i++) {
            snprintf(key, sizeof key, "`%s`", kd->keys[i].name);
            const char *at = strstr(part, key);
            if (!at || (next && at > next))
                fail_msg("scenarios/README.md: [%s] does not document %s", kd->name, key);
        }
    }
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enum_names),
        cmocka_unit_test(test_readme_documents_every_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
