/*
 * engine: the clock, the handler table and the run loop.
 *
 * Invariants: now never decreases; it is the time of the last event handed
 * to a handler (0 before the first). Every queued event has time >= now, so
 * the clock never runs backwards. events_processed counts handler calls.
 *
 * The stop request is a process-wide flag of type volatile sig_atomic_t,
 * the only type C11 lets a signal handler write; engine_request_stop does
 * nothing else, so it is async-signal-safe. It is checked between events,
 * so the event in progress always completes. The flag stays set until
 * engine_clear_stop(), so a signal that lands before engine_run still stops
 * it.
 */
#include "engine.h"

#include <assert.h>
#include <signal.h>
#include <stdlib.h>

#define ENGINE_QUEUE_HINT 1024

/* Handler code recorded when an event's kind has no handler. */
#define ENGINE_CODE_NO_HANDLER (-1)

static volatile sig_atomic_t stop_requested;

typedef struct handler_slot {
    engine_handler fn;
    void *ctx;
} handler_slot;

struct engine {
    evq *queue;
    int64_t now;
    uint64_t events_processed;
    int handler_code;  /* last non-zero handler return, else 0 */
    handler_slot handlers[ENGINE_MAX_KINDS];
};

/* Creates an engine at time 0 with an empty queue and no handlers.
 * Returns NULL when out of memory; free with engine_destroy. */
engine *engine_create(void)
{
    engine *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->queue = evq_create(ENGINE_QUEUE_HINT);
    if (!e->queue) {
        engine_destroy(e);
        return NULL;
    }
    return e;
}

/* Frees the engine and its queue. Event payloads are not owned. */
void engine_destroy(engine *e)
{
    if (!e)
        return;
    evq_destroy(e->queue);
    free(e);
}

/* Registers fn (with its ctx, not owned) for kind; replaces any earlier
 * handler. fn may be NULL to unregister. */
void engine_on(engine *e, int32_t kind, engine_handler fn, void *ctx)
{
    assert(kind >= 0 && kind < ENGINE_MAX_KINDS);
    e->handlers[kind] = (handler_slot){.fn = fn, .ctx = ctx};
}

/* Schedules an event; see engine.h. Returns its handle, or EVQ_NO_HANDLE
 * when out of memory. Scheduling in the past is a broken invariant. */
evq_handle engine_schedule(engine *e, int64_t time, int32_t kind, int32_t arg, void *data)
{
    assert(time >= e->now);
    assert(kind >= 0 && kind < ENGINE_MAX_KINDS);
    return evq_push(e->queue, time, kind, arg, data);
}

/* Cancels a scheduled event. Returns 1 if it was pending, 0 otherwise. */
int engine_cancel(engine *e, evq_handle h)
{
    return evq_cancel(e->queue, h);
}

/* Hands one popped event to its handler and counts it. Returns the
 * handler's code, or ENGINE_CODE_NO_HANDLER for a kind with no handler. */
static int dispatch(engine *e, const evq_event *ev)
{
    const handler_slot *slot = &e->handlers[ev->kind];
    e->now = ev->time;
    if (!slot->fn)
        return ENGINE_CODE_NO_HANDLER;
    e->events_processed++;
    return slot->fn(e, ev, slot->ctx);
}

/* Runs events in (time, seq) order while their time is <= stop_time.
 * Returns ENGINE_FINISHED when the queue is empty or the next event lies
 * beyond stop_time (it stays queued for a later run); ENGINE_INTERRUPTED
 * after engine_request_stop(); ENGINE_HANDLER_FAILED when a handler returned
 * non-zero or an event had no handler (engine_handler_code says which). */
engine_outcome engine_run(engine *e, int64_t stop_time)
{
    evq_event ev;
    e->handler_code = 0;
    while (!stop_requested) {
        if (!evq_pop_until(e->queue, stop_time, &ev))
            return ENGINE_FINISHED;
        int code = dispatch(e, &ev);
        if (code != 0) {
            e->handler_code = code;
            return ENGINE_HANDLER_FAILED;
        }
    }
    return ENGINE_INTERRUPTED;
}

/* Async-signal-safe: writes one sig_atomic_t and nothing else. */
void engine_request_stop(void)
{
    stop_requested = 1;
}

void engine_clear_stop(void)
{
    stop_requested = 0;
}

int64_t engine_now(const engine *e)
{
    return e->now;
}

uint64_t engine_events_processed(const engine *e)
{
    return e->events_processed;
}

/* The code of the handler that stopped the last run, else 0. */
int engine_handler_code(const engine *e)
{
    return e->handler_code;
}

size_t engine_pending(const engine *e)
{
    return evq_size(e->queue);
}
