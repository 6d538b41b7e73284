/*
 * run: the run driver as a library. Given a resolved scenario, an open
 * results store and a few options (stop time, a per-tick callback for
 * progress, a stop request), run_scenario builds the model, schedules it on
 * the engine, writes every tick and event to the store, records the
 * end-of-run metrics and the calibration targets, and marks the run
 * complete, interrupted or failed. `capsim run` is argument parsing plus one
 * call; sweep workers and MPI ranks call the same function in-process.
 *
 * The driver prints nothing: what it has to say comes back in the result
 * (status, counts, the first error, the targets' report), and the caller
 * decides where it goes. The callers of this module never include a model or
 * engine header: everything they need crosses this interface.
 *
 * Stopping: run_request_stop() is async-signal-safe; the tick in progress
 * completes, every written tick is committed and the run is marked
 * 'interrupted'.
 */
#ifndef CAPSIM_RUN_H
#define CAPSIM_RUN_H

#include <stddef.h>
#include <stdint.h>
#include "../scenario/scenario.h"
#include "../store/store.h"

#define CAPSIM_VERSION "0.1.0"

typedef enum run_status {
    RUN_COMPLETE = 0,      /* every tick up to the stop time was simulated and stored */
    RUN_INTERRUPTED = 1,   /* run_request_stop(): what was written is kept and marked */
    RUN_FAILED = 2         /* the model or the store failed; result.error says why */
} run_status;

/* Called after each tick with the ticks done so far, the ticks the run will
 * take in all, and the tick's time in epoch seconds (UTC). */
typedef void (*run_tick_fn)(void *ctx, int64_t ticks_done, int64_t total_ticks,
                            int64_t epoch_seconds);

typedef struct run_options {
    int64_t stop;             /* exclusive stop time, seconds since the start; <= 0: the
                               * scenario's end */
    run_tick_fn on_tick;      /* optional */
    void *tick_ctx;
} run_options;

#define RUN_ERROR_MAX 1024

typedef struct run_result {
    run_status status;
    int64_t run_id;           /* the store's id of this run (0 if it never began) */
    int64_t ticks;            /* ticks simulated and written */
    uint64_t events;          /* events the engine processed */
    uint64_t gpu_ticks;       /* GPUs x ticks swept by the fleet pass */
    uint64_t rows;            /* rows written to the store by this run */
    double wall_seconds;      /* wall time of the simulation loop */
    int targets_missed;       /* targets outside their tolerance or not produced */
    char *targets_report;     /* one line per target, or NULL when there are none;
                               * owned by the result: run_result_free */
    char error[RUN_ERROR_MAX];/* the first error, empty when none */
} run_result;

/* operations */
/* Runs sc into st (open, no run in progress). Fills *result in every case.
 * Returns 0 when the run completed, 1 when it was interrupted, -1 when it
 * failed (result->error says why; whatever the store committed is kept and
 * the run is marked 'failed' when it had begun). */
int run_scenario(const scenario *sc, store *st, const run_options *opts, run_result *result);
/* Frees what the result owns (not the result itself). NULL is a no-op. */
void run_result_free(run_result *result);

/* Async-signal-safe: asks a running run_scenario to stop after the current
 * event. run_scenario clears a pending request when it starts. */
void run_request_stop(void);

/* queries */
/* The exclusive stop time for "stop after the day `until` (YYYY-MM-DD,
 * inclusive)": the earlier of that and the scenario's end. Returns 0, or -1
 * with a message in err when the text is not a date or lies before the
 * start. */
int run_stop_from_until(const spec *s, const char *until, int64_t *stop, char *err,
                        size_t err_size);
/* The scenario's period in ticks up to the exclusive stop time. */
int64_t run_total_ticks(const spec *s, int64_t stop);
const char *run_status_name(run_status status);

#endif
