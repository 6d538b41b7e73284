/*
 * engine: the simulation clock and the run loop. It pops events in (time,
 * seq) order and hands each to the handler registered for its kind. It knows
 * nothing of what the events mean: models describe themselves through a
 * table of handlers (kind -> function), as in ROSS.
 *
 * Stopping: the loop stops when the queue is empty, when the next event lies
 * beyond the stop time, when a handler returns non-zero, or when
 * engine_request_stop() was called (safe from a signal handler). The event in
 * progress always completes, so a tick is never half done.
 */
#ifndef CAPSIM_ENGINE_H
#define CAPSIM_ENGINE_H

#include <stdint.h>
#include "evq.h"

typedef struct engine engine;

/* A handler returns 0 to continue, non-zero to stop the run with that code. */
typedef int (*engine_handler)(engine *e, const evq_event *ev, void *ctx);

#define ENGINE_MAX_KINDS 32

typedef enum engine_outcome {
    ENGINE_FINISHED = 0,     /* queue empty or stop time reached */
    ENGINE_INTERRUPTED = 1,  /* engine_request_stop() */
    ENGINE_HANDLER_FAILED = 2 /* a handler returned non-zero; see engine_handler_code */
} engine_outcome;

/* create / destroy */
engine *engine_create(void);
void engine_destroy(engine *e);

/* setup */
/* Registers the handler for events of `kind` (0 <= kind < ENGINE_MAX_KINDS). */
void engine_on(engine *e, int32_t kind, engine_handler fn, void *ctx);

/* operations */
/* Schedules an event at absolute time `time` (must be >= engine_now). */
evq_handle engine_schedule(engine *e, int64_t time, int32_t kind, int32_t arg, void *data);
int engine_cancel(engine *e, evq_handle h);
/* Runs every event with time <= stop_time. */
engine_outcome engine_run(engine *e, int64_t stop_time);
/* Async-signal-safe: asks the loop to stop after the current event. */
void engine_request_stop(void);
void engine_clear_stop(void);

/* queries */
int64_t engine_now(const engine *e);
uint64_t engine_events_processed(const engine *e);
int engine_handler_code(const engine *e);
size_t engine_pending(const engine *e);

#endif
