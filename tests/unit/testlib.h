/*
 * testlib: what capsim's unit tests share, so that no test file carries its
 * own copy. Every tests/unit/test_*.c includes this header; the Makefile
 * links testlib.c (assertions, temporary directories), testlib_spec.c (specs
 * built in code, the market recorder) and testlib_scenario.c (the scenario
 * files the reader's tests load) into every unit-test binary.
 *
 * Failures go through cmocka (fail_msg, _fail), so they name the test's own
 * file and line. The builders abort the test binary when memory runs out:
 * there is nothing left to test then.
 */
#ifndef CAPSIM_TESTLIB_H
#define CAPSIM_TESTLIB_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../sim/engine/engine.h"
#include "../../sim/model/market.h"
#include "../../sim/model/spec.h"
#include "../../sim/scenario/scenario.h"

#define TESTLIB_HOUR 3600
#define TESTLIB_DAY 86400

/* ---- assertions: each one shows both values ---- */

/* Fails unless |got - want| <= tolerance (so a NaN always fails), printing
 * the expression, both values, their difference and the tolerance. */
#define assert_close(got, want, tolerance)                                                 \
    testlib_assert_close((double)(got), (double)(want), (double)(tolerance), #got,        \
                         __FILE__, __LINE__)
void testlib_assert_close(double got, double want, double tolerance, const char *got_text,
                          const char *file, int line);

/* Exact equality of doubles (for values that are parsed, not computed). */
#define assert_real_equal(actual, expected)                                                \
    do {                                                                                   \
        double actual_ = (actual), expected_ = (expected);                                 \
        if (actual_ != expected_)                                                          \
            fail_msg("%s = %.17g, expected %.17g", #actual, actual_, expected_);           \
    } while (0)

/* Fails unless `text` contains `fragment`. */
#define assert_contains(text, fragment)                                                    \
    do {                                                                                   \
        if (!strstr((text), (fragment)))                                                   \
            fail_msg("expected \"%s\" in \"%s\"", (fragment), (text));                     \
    } while (0)

/* ---- files: a fresh temporary directory per test ---- */

/* Creates /tmp/capsim-test-<name>-XXXXXX into dir (size bytes, at least 64)
 * and fails the test when it cannot. */
void testlib_tmpdir_create(char *dir, size_t size, const char *name);
/* Removes dir and everything below it. */
void testlib_tmpdir_remove(const char *dir);
/* Writes n bytes to path (replacing it); fails the test on any error. */
void testlib_write_bytes(const char *path, const void *bytes, size_t n);
/* Writes a NUL-terminated text to path. */
void testlib_write_text(const char *path, const char *text);

/* A temporary directory for scenario files, with the reader's last error. */
typedef struct testlib_dir {
    char dir[64];
    char path[512];      /* the last file written */
    char err[2048];      /* the last scenario_load error */
} testlib_dir;

/* cmocka setup and teardown: *state becomes a testlib_dir with a fresh
 * directory; teardown removes the directory and frees it. */
int testlib_dir_setup(void **state);
int testlib_dir_teardown(void **state);
/* A cmocka test that runs in a fresh testlib_dir. */
#define testlib_dir_test(test) \
    cmocka_unit_test_setup_teardown(test, testlib_dir_setup, testlib_dir_teardown)
/* Writes dir/name (name may hold subdirectories that exist); returns f->path. */
const char *testlib_dir_write(testlib_dir *f, const char *name, const char *text);
/* scenario_load of dir/name with n_sets (at most 8) --set assignments;
 * NULL with f->err filled on error. The caller destroys the result. */
scenario *testlib_dir_load(testlib_dir *f, const char *name, const char *const *sets,
                           size_t n_sets);
/* testlib_dir_load that fails the test, showing the error, unless it loads. */
scenario *testlib_dir_load_ok(testlib_dir *f, const char *name, const char *const *sets,
                              size_t n_sets);

/* ---- scenario files for the reader's tests (testlib_scenario.c) ---- */

/* full.ini: every section kind of an inference-only market, with an
 * include (gpus.ini) and a demand series (data/api.csv). */
void testlib_write_full(testlib_dir *f);
/* market.ini on top of full.ini: contract terms, price lists, procurement,
 * build-out, training workloads and a job trace (jobs.csv). */
void testlib_write_market(testlib_dir *f);
/* A small valid scenario (H100; coreweave, google; cw-plano with 16000 H100)
 * that error and warning cases include as base.ini. */
extern const char testlib_base_ini[];
/* A 12-month contract section from 2025-06-01 at 2 USD/GPU-hour: 7 lines. */
#define TESTLIB_CONTRACT(lessor, lessee, gpus)                                             \
    "[contract c]\nlessor = " lessor "\nlessee = " lessee "\ngpus = " gpus                 \
    "\nstart = 2025-06-01\nterm_months = 12\nprice_per_gpu_hour = 2\n"

/* The parameter at `path` of a loaded scenario; fails the test when absent. */
const scenario_param *testlib_find_param(const scenario *sc, const char *path);
/* Checks one job of a trace: submit time, GPUs, hours on an H100, GPU type. */
void testlib_check_job(const spec_trace_job *j, int64_t submit, int64_t gpus, double hours,
                       int gpu);
/* The day number of a YYYY-MM-DD date (caltime_parse_date), failing on error. */
int64_t testlib_day_of(const char *date);

/* ---- specs built in code (testlib_spec.c) ---- */

/* Room for each kind of entity of a spec. */
typedef struct testlib_room {
    size_t gpus, providers, datacenters, phases, contracts, workloads;
    size_t pricelists, procurements, buildouts;
} testlib_room;

/* A spec_create'd spec whose arrays hold room + 1 zeroed entities each and
 * whose counts are 0; spec_destroy frees it, as it does the reader's. */
spec *testlib_spec_alloc(testlib_room room);
void testlib_name(char *dst, const char *src);

/* Fill one entity in place. */
void testlib_gpu(spec_gpu *g, const char *name, double tdp_w, double idle_w, double speed,
                 double capex_usd, double depreciation_years, double straggler_share);
void testlib_dc(spec_datacenter *d, const char *name, int owner, double pue,
                double energy_price_per_mwh);
void testlib_phase(spec_phase *p, const char *name, int dc, int gpu, int64_t count,
                   int64_t online);
void testlib_contract(spec_contract *c, const char *name, int lessor, int lessee, int gpu,
                      int64_t gpus, int64_t start, int64_t end, double price_per_gpu_hour,
                      spec_contract_kind kind);

/* The chain market: a neocloud leases H100s to a hyperscaler, which
 * sublets them to a lab, so capacity flows along a two-hop chain.
 *
 *   coreweave  owns cw-plano:  4096 H100 (online before start),
 *                              2048 GB200 (online at day 2 06:00)
 *   google     owns g-iowa:    1024 H100 (online long ago; its 5-year life
 *                              ends at day 2 07:00)
 *   cw-google         coreweave -> google, 2400 H100, reserved 2.10, all run
 *   google-openai     google -> openai, 1600 any, on-demand 3.35, ends day 4
 *   cw-google-gb200   coreweave -> google, 1024 GB200, reserved 4.40, from day 3
 *   workloads         openai-chat (1300, no noise), openai-batch (650 from
 *                     day 1, noisy, diurnal), google-search (logistic, noisy)
 *
 * Five days of hourly ticks from 2025-01-01: 120 ticks. */
enum { GPU_H100, GPU_GB200, CHAIN_N_GPUS };
enum { P_COREWEAVE, P_GOOGLE, P_OPENAI, CHAIN_N_PROVIDERS };
enum { DC_PLANO, DC_IOWA, CHAIN_N_DCS };
enum { PH_PLANO_H100, PH_PLANO_GB200, PH_IOWA_H100, CHAIN_N_PHASES };
enum { C_CW_GOOGLE, C_GOOGLE_OPENAI, C_CW_GOOGLE_GB200, CHAIN_N_CONTRACTS };
enum { W_CHAT, W_BATCH, W_SEARCH, CHAIN_N_WORKLOADS };
#define CHAIN_TICKS 120
#define CHAIN_GB200_ONLINE (2 * TESTLIB_DAY + 6 * TESTLIB_HOUR)    /* tick 54 */
#define CHAIN_IOWA_LIFE_END (2 * TESTLIB_DAY + 7 * TESTLIB_HOUR)   /* tick 55 */
#define CHAIN_GB200_START (3 * TESTLIB_DAY)                        /* tick 72 */
#define CHAIN_OPENAI_END (4 * TESTLIB_DAY)                         /* tick 96 */

/* An empty spec with the chain's period, room for exactly the given
 * entities, and counts equal to that room (the caller fills every one). */
spec *testlib_chain_alloc(size_t gpus, size_t providers, size_t datacenters, size_t phases,
                          size_t contracts, size_t workloads);
/* The chain market described above. */
spec *testlib_chain(void);

/* Markets that grow during the run (contracts, procurement, build-out):
 * room for 8 of each entity (4 build-outs), GPU 0 H100 and GPU 1 GB200,
 * providers named p0, p1, ...; the entities below are appended. */
spec *testlib_market_spec(size_t providers, int64_t end, int64_t tick_seconds);
/* A DC of `owner` with one phase of `count` GPUs of type gpu online at `online`. */
void testlib_add_dc(spec *s, const char *name, int owner, int gpu, int64_t count,
                    int64_t online);
spec_contract *testlib_add_contract(spec *s, const char *name, int lessor, int lessee, int gpu,
                                    int64_t gpus, int64_t start, int64_t end,
                                    double price_per_gpu_hour, spec_contract_kind kind);
/* A flat inference workload (no growth unless yearly_factor is changed). */
spec_workload *testlib_add_workload(spec *s, const char *name, int tenant, int64_t start,
                                    double demand_h100);
spec_pricelist *testlib_add_pricelist(spec *s, int seller, int gpu, double reserved,
                                      double on_demand, double spot);
/* A procurement of `buyer` asking n sellers every `period` seconds from `first`. */
spec_procurement *testlib_add_procurement(spec *s, const char *name, int buyer,
                                          const int *sellers, size_t n, int64_t first,
                                          int64_t period);

/* ---- the market recorder: every tick's rows and every event ---- */

#define TESTLIB_MAX_TICKS 240
#define TESTLIB_MAX_CONTRACTS 24
#define TESTLIB_MAX_PROVIDERS 6
#define TESTLIB_MAX_DCS 8
#define TESTLIB_MAX_WORKLOADS 4
#define TESTLIB_MAX_EVENTS 64

typedef struct testlib_recording {
    int64_t n_ticks;
    size_t n_contracts[TESTLIB_MAX_TICKS];
    size_t n_datacenters[TESTLIB_MAX_TICKS];
    market_provider_row provider[TESTLIB_MAX_TICKS][TESTLIB_MAX_PROVIDERS];
    market_contract_row contract[TESTLIB_MAX_TICKS][TESTLIB_MAX_CONTRACTS];
    market_dc_row dc[TESTLIB_MAX_TICKS][TESTLIB_MAX_DCS];
    market_workload_row workload[TESTLIB_MAX_TICKS][TESTLIB_MAX_WORKLOADS];
    int n_events;                  /* events past TESTLIB_MAX_EVENTS are not kept */
    int64_t event_t[TESTLIB_MAX_EVENTS];
    char event_kind[TESTLIB_MAX_EVENTS][32];
    char event_entity[TESTLIB_MAX_EVENTS][SPEC_NAME_MAX];
    char event_message[TESTLIB_MAX_EVENTS][512];
} testlib_recording;

/* Runs s to its end with a recorder; returns the market for queries (the
 * caller destroys it). Aborts when the market outgrows the recorder. */
market *testlib_run(const spec *s, testlib_recording *rec);
/* The index of the n-th (0-based) event of `kind`, or -1. */
int testlib_find_event(const testlib_recording *r, const char *kind, int n);
int testlib_count_events(const testlib_recording *r, const char *kind);

#endif
