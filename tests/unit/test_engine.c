/*
 * Unit tests for engine: dispatch by kind with each handler's context, the
 * stop time (later events stay queued for the next run), a handler's
 * non-zero code, a stop request from inside a handler, and the counters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <cmocka.h>

#include "testlib.h"

#include "../../sim/engine/engine.h"

enum { KIND_TICK = 0, KIND_ARRIVAL = 5, KIND_FAIL = 31, KIND_STOP = 9, KIND_ORPHAN = 12 };

typedef struct trace {
    int count;
    int64_t times[64];
    int32_t kinds[64];
    int32_t args[64];
    int stop_code;  /* what KIND_FAIL returns */
} trace;

static int record(engine *e, const evq_event *ev, void *ctx)
{
    trace *t = ctx;
    assert_int_equal(engine_now(e), ev->time);
    t->times[t->count] = ev->time;
    t->kinds[t->count] = ev->kind;
    t->args[t->count] = ev->arg;
    t->count++;
    return ev->kind == KIND_FAIL ? t->stop_code : 0;
}

static int request_stop_then_record(engine *e, const evq_event *ev, void *ctx)
{
    engine_request_stop();
    return record(e, ev, ctx);
}

static void test_create_destroy(void **unused)
{
    (void)unused;
    engine *e = engine_create();
    assert_non_null(e);
    assert_int_equal(engine_now(e), 0);
    assert_int_equal(engine_events_processed(e), 0);
    assert_int_equal(engine_pending(e), 0);
    assert_int_equal(engine_run(e, 1000), ENGINE_FINISHED);
    engine_destroy(e);
    engine_destroy(NULL);
}

/* Each kind goes to its own handler with its own context, in time order. */
static void test_dispatch_by_kind(void **unused)
{
    (void)unused;
    engine *e = engine_create();
    trace ticks = {0}, arrivals = {0};
    engine_on(e, KIND_TICK, record, &ticks);
    engine_on(e, KIND_ARRIVAL, record, &arrivals);
    engine_schedule(e, 7200, KIND_TICK, 2, NULL);
    engine_schedule(e, 3600, KIND_TICK, 1, NULL);
    engine_schedule(e, 5417, KIND_ARRIVAL, 77, NULL);
    engine_schedule(e, 3600, KIND_ARRIVAL, 76, NULL);  /* tie: after the tick */
    assert_int_equal(engine_run(e, INT64_MAX), ENGINE_FINISHED);
    assert_int_equal(ticks.count, 2);
    assert_int_equal(ticks.times[0], 3600);
    assert_int_equal(ticks.args[0], 1);
    assert_int_equal(ticks.times[1], 7200);
    assert_int_equal(arrivals.count, 2);
    assert_int_equal(arrivals.args[0], 76);
    assert_int_equal(arrivals.times[1], 5417);
    assert_int_equal(engine_events_processed(e), 4);
    assert_int_equal(engine_now(e), 7200);
    engine_destroy(e);
}

/* Events after stop_time stay queued; a second run picks them up. */
static void test_stop_time_keeps_later_events(void **unused)
{
    (void)unused;
    engine *e = engine_create();
    trace t = {0};
    engine_on(e, KIND_TICK, record, &t);
    for (int64_t k = 1; k <= 10; k++)
        engine_schedule(e, k * 3600, KIND_TICK, (int32_t)k, NULL);
    assert_int_equal(engine_run(e, 5 * 3600), ENGINE_FINISHED);  /* inclusive */
    assert_int_equal(t.count, 5);
    assert_int_equal(engine_now(e), 18000);
    assert_int_equal(engine_pending(e), 5);
    assert_int_equal(engine_run(e, 5 * 3600 + 1799), ENGINE_FINISHED);
    assert_int_equal(t.count, 5);
    assert_int_equal(engine_run(e, INT64_MAX), ENGINE_FINISHED);
    assert_int_equal(t.count, 10);
    assert_int_equal(t.args[9], 10);
    assert_int_equal(engine_events_processed(e), 10);
    engine_destroy(e);
}

/* A handler's non-zero return stops the run with that code; the rest wait. */
static void test_handler_code_stops_run(void **unused)
{
    (void)unused;
    engine *e = engine_create();
    trace t = {.stop_code = 37};
    engine_on(e, KIND_TICK, record, &t);
    engine_on(e, KIND_FAIL, record, &t);
    engine_schedule(e, 100, KIND_TICK, 1, NULL);
    engine_schedule(e, 200, KIND_FAIL, 2, NULL);
    engine_schedule(e, 300, KIND_TICK, 3, NULL);
    assert_int_equal(engine_run(e, INT64_MAX), ENGINE_HANDLER_FAILED);
    assert_int_equal(engine_handler_code(e), 37);
    assert_int_equal(t.count, 2);
    assert_int_equal(engine_now(e), 200);
    assert_int_equal(engine_pending(e), 1);
    assert_int_equal(engine_run(e, INT64_MAX), ENGINE_FINISHED);
    assert_int_equal(engine_handler_code(e), 0);
    assert_int_equal(t.count, 3);
    engine_destroy(e);
}

/* A stop request completes the current event and then stops, until cleared. */
static void test_request_stop_after_current_event(void **unused)
{
    (void)unused;
    engine *e = engine_create();
    trace t = {0};
    engine_on(e, KIND_TICK, record, &t);
    engine_on(e, KIND_STOP, request_stop_then_record, &t);
    engine_schedule(e, 60, KIND_TICK, 1, NULL);
    engine_schedule(e, 120, KIND_STOP, 2, NULL);
    engine_schedule(e, 120, KIND_TICK, 3, NULL);
    assert_int_equal(engine_run(e, INT64_MAX), ENGINE_INTERRUPTED);
    assert_int_equal(t.count, 2);  /* the stopping event itself completed */
    assert_int_equal(t.args[1], 2);
    assert_int_equal(engine_pending(e), 1);
    assert_int_equal(engine_run(e, INT64_MAX), ENGINE_INTERRUPTED);  /* still set */
    assert_int_equal(t.count, 2);
    engine_clear_stop();
    assert_int_equal(engine_run(e, INT64_MAX), ENGINE_FINISHED);
    assert_int_equal(t.count, 3);
    assert_int_equal(engine_events_processed(e), 3);
    engine_destroy(e);
}

static void on_signal(int signal_number)
{
    (void)signal_number;
    engine_request_stop();
}

static int raise_signal_then_record(engine *e, const evq_event *ev, void *ctx)
{
    raise(SIGUSR1);  /* delivered before raise returns */
    return record(e, ev, ctx);
}

/* engine_request_stop from a real signal handler, as capsim does on SIGINT. */
static void test_stop_from_signal_handler(void **unused)
{
    (void)unused;
    struct sigaction action = {0}, previous;
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    assert_int_equal(sigaction(SIGUSR1, &action, &previous), 0);
    engine *e = engine_create();
    trace t = {0};
    engine_on(e, KIND_TICK, record, &t);
    engine_on(e, KIND_STOP, raise_signal_then_record, &t);
    engine_schedule(e, 3600, KIND_STOP, 1, NULL);
    engine_schedule(e, 7200, KIND_TICK, 2, NULL);
    assert_int_equal(engine_run(e, INT64_MAX), ENGINE_INTERRUPTED);
    assert_int_equal(t.count, 1);
    assert_int_equal(engine_pending(e), 1);
    engine_clear_stop();
    engine_destroy(e);
    assert_int_equal(sigaction(SIGUSR1, &previous, NULL), 0);
}

static void test_cancel_and_missing_handler(void **unused)
{
    (void)unused;
    engine *e = engine_create();
    trace t = {0};
    engine_on(e, KIND_TICK, record, &t);
    evq_handle h = engine_schedule(e, 900, KIND_TICK, 1, NULL);
    engine_schedule(e, 1800, KIND_TICK, 2, NULL);
    assert_int_equal(engine_cancel(e, h), 1);
    assert_int_equal(engine_cancel(e, h), 0);
    engine_schedule(e, 2700, KIND_ORPHAN, 3, NULL);
    assert_int_equal(engine_run(e, INT64_MAX), ENGINE_HANDLER_FAILED);
    assert_int_equal(engine_handler_code(e), -1);
    assert_int_equal(t.count, 1);
    assert_int_equal(t.args[0], 2);
    assert_int_equal(engine_events_processed(e), 1);
    engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_destroy),
        cmocka_unit_test(test_dispatch_by_kind),
        cmocka_unit_test(test_stop_time_keeps_later_events),
        cmocka_unit_test(test_handler_code_stops_run),
        cmocka_unit_test(test_request_stop_after_current_event),
        cmocka_unit_test(test_stop_from_signal_handler),
        cmocka_unit_test(test_cancel_and_missing_handler),
    };
    return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
