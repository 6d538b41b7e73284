/*
 * run: the run driver. One call wires the model to the engine and the
 * store, runs to the stop time, and closes the run in the store with its
 * status, metrics and targets.
 *
 * Invariants: a run that began in the store always ends there (complete,
 * interrupted or failed), whatever fails after store_begin_run; the first
 * error is the one reported, since later ones are usually its consequences.
 */
#include "run.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "targets.h"
#include "../engine/engine.h"
#include "../model/market.h"
#include "../util/caltime.h"
#include "../util/units.h"

/* What the observer callbacks need. */
typedef struct run_context {
    store *store;
    run_result *result;
    const run_options *opts;
    int64_t total_ticks;
    int64_t start_epoch;   /* epoch seconds of t = 0 */
    int failed;            /* a store write failed */
} run_context;

/* Keeps the first error only. */
static void set_error(run_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_error(run_result *r, const char *fmt, ...)
{
    if (r->error[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->error, sizeof r->error, fmt, ap);
    va_end(ap);
}

static int on_tick(const market *m, int64_t tick_index, int64_t t, void *ctx)
{
    run_context *rc = ctx;
    /* The store's writer thread writes the tick later; a failure it met
     * shows at the next hand-off and names the tick that failed. */
    if (store_write_tick(rc->store, m, tick_index, t) != 0) {
        set_error(rc->result, "storing the ticks failed: %s", store_errmsg(rc->store));
        rc->failed = 1;
        return 1;
    }
    if (rc->opts->on_tick)
        rc->opts->on_tick(rc->opts->tick_ctx, tick_index + 1, rc->total_ticks,
                          rc->start_epoch + t);
    return 0;
}

static int on_event(const market *m, int64_t t, const char *kind, const char *entity,
                    const char *message, void *ctx)
{
    (void)m;
    run_context *rc = ctx;
    if (store_log_event(rc->store, t, kind, entity, message) != 0) {
        set_error(rc->result, "writing event failed: %s", store_errmsg(rc->store));
        rc->failed = 1;
        return 1;
    }
    return 0;
}

/* Stores the model's end-of-run metrics (training job statistics). */
static int store_model_metrics(market *m, store *st, int64_t now)
{
    size_t n = market_end_metrics(m, now, NULL, 0);
    market_metric *metrics = n ? calloc(n, sizeof *metrics) : NULL;
    if (n && !metrics)
        return -1;
    market_end_metrics(m, now, metrics, n);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = store_metric(st, metrics[i].name, metrics[i].value);
    free(metrics);
    return rc;
}

/* Checks the targets into an in-memory report owned by the result. */
static void check_targets(const spec *s, store *st, run_result *r)
{
    if (s->n_targets == 0)
        return;
    size_t size = 0;
    FILE *out = open_memstream(&r->targets_report, &size);
    if (!out) {
        set_error(r, "out of memory reporting the targets");
        return;
    }
    int missed = targets_check(s, st, out);
    fclose(out);
    if (missed < 0)
        set_error(r, "storing the target metrics failed: %s", store_errmsg(st));
    else
        r->targets_missed = missed;
}

static double monotonic_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int run_scenario(const scenario *sc, store *st, const run_options *opts, run_result *result)
{
    static const run_options defaults = {0};
    const spec *s = sc->spec;
    if (!opts)
        opts = &defaults;
    memset(result, 0, sizeof *result);
    result->status = RUN_FAILED;
    int64_t stop = opts->stop > 0 && opts->stop < s->end ? opts->stop : s->end;

    run_context rc = {.store = st, .result = result, .opts = opts,
                      .total_ticks = run_total_ticks(s, stop)};
    rc.start_epoch = s->start_day * UNITS_SECONDS_PER_DAY;

    char err[1024];
    market *m = market_create(s);
    engine *e = engine_create();
    if (!m || !e) {
        set_error(result, "out of memory building the model");
        goto cleanup;
    }
    result->run_id = store_begin_run(st, sc, m, CAPSIM_VERSION, err, sizeof err);
    if (result->run_id < 0) {
        result->run_id = 0;
        set_error(result, "%s", err);
        goto cleanup;
    }
    market_observer obs = {.on_tick = on_tick, .on_event = on_event, .ctx = &rc};
    const capsim_status attached = market_attach(m, e, &obs);
    if (attached != CAPSIM_OK) {
        set_error(result, "scheduling the model's events failed: %s", capsim_strerror(attached));
        store_end_run(st, STORE_RUN_FAILED, 0.0, 0);
        goto cleanup;
    }
    engine_clear_stop();
    double started = monotonic_seconds();
    engine_outcome outcome = engine_run(e, stop - 1);
    result->wall_seconds = monotonic_seconds() - started;
    result->events = engine_events_processed(e);
    result->ticks = market_ticks_done(m);
    result->gpu_ticks = market_gpu_ticks(m);

    store_run_status status = STORE_RUN_COMPLETE;
    if (rc.failed || outcome == ENGINE_HANDLER_FAILED) {
        set_error(result, "the model stopped the run: %s",
                  capsim_strerror((capsim_status)engine_handler_code(e)));
        status = STORE_RUN_FAILED;
    } else if (store_model_metrics(m, st, engine_now(e)) != 0) {
        set_error(result, "storing the model's metrics failed: %s", store_errmsg(st));
        status = STORE_RUN_FAILED;
    } else if (outcome == ENGINE_INTERRUPTED) {
        status = STORE_RUN_INTERRUPTED;
    }
    if (store_end_run(st, status, result->wall_seconds, result->events) != 0) {
        set_error(result, "finishing the run failed: %s", store_errmsg(st));
        status = STORE_RUN_FAILED;
    }
    result->rows = store_rows_written(st);
    if (status != STORE_RUN_FAILED)
        check_targets(s, st, result);
    result->status = status == STORE_RUN_COMPLETE      ? RUN_COMPLETE
                     : status == STORE_RUN_INTERRUPTED ? RUN_INTERRUPTED
                                                       : RUN_FAILED;
cleanup:
    engine_destroy(e);
    market_destroy(m);
    return result->status == RUN_COMPLETE ? 0 : result->status == RUN_INTERRUPTED ? 1 : -1;
}

void run_result_free(run_result *result)
{
    if (!result)
        return;
    free(result->targets_report);
    result->targets_report = NULL;
}

void run_request_stop(void)
{
    engine_request_stop();
}

int run_stop_from_until(const spec *s, const char *until, int64_t *stop, char *err,
                        size_t err_size)
{
    *stop = s->end;
    if (!until)
        return 0;
    int64_t until_days;
    if (caltime_parse_date(until, &until_days) != 0) {
        snprintf(err, err_size, "--until '%s': expected a date YYYY-MM-DD", until);
        return -1;
    }
    int64_t t = (until_days - s->start_day + 1) * UNITS_SECONDS_PER_DAY;
    if (t <= 0) {
        char start[11];
        caltime_format_date_since(s->start_day, 0, start);
        snprintf(err, err_size, "--until %s is before the scenario start %s", until, start);
        return -1;
    }
    if (t < *stop)
        *stop = t;
    return 0;
}

int64_t run_total_ticks(const spec *s, int64_t stop)
{
    return (stop + s->tick_seconds - 1) / s->tick_seconds;
}

const char *run_status_name(run_status status)
{
    switch (status) {
    case RUN_COMPLETE: return "complete";
    case RUN_INTERRUPTED: return "interrupted";
    case RUN_FAILED: return "failed";
    }
    return "unknown";
}
