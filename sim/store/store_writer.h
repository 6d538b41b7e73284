/*
 * store_writer: the writer thread of a run, and the ring of snapshots that
 * feeds it. The simulation thread copies each tick's rows out of the market
 * into a ring slot (store_tick.c) and hands the slot over; the writer
 * thread inserts it, folds it into the end-of-run metrics (store_metrics.c)
 * and commits every STORE_TICKS_PER_COMMIT ticks. Simulation and storage
 * thus run on two cores; the simulation waits only when every slot is
 * handed over and not yet written.
 *
 * Invariants:
 *   - between store__writer_start and store__writer_stop only the writer
 *     thread uses the SQLite connection (it is opened NOMUTEX): the
 *     simulation thread touches nothing but the slot it fills, which the
 *     writer does not read until it is handed over;
 *   - a slot owns copies of everything it carries (rows, new entities,
 *     events with their text), so the market may grow or change after the
 *     hand-off;
 *   - slots are written in hand-off order;
 *   - after a failure the writer writes nothing more: it records the error
 *     (store__writer_failed), releases the remaining slots unwritten, and
 *     the whole ticks written before it stay in the open transaction, which
 *     store_end_run commits.
 */
#ifndef CAPSIM_STORE_WRITER_H
#define CAPSIM_STORE_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include "store.h"
#include "store_rows.h"
#include "../model/spec.h"

typedef struct store store;

/* Ring slots: STORE_RING_SLOTS (store.h). 256 slots (about 20 ms of the
 * default scenario's simulation) absorb the writer's pauses at commits for
 * a few MiB of memory; WAL checkpoints, which took 150 ms each on the
 * writer thread, run on a thread of their own (store_checkpoint.c). */

/* No text: a NULL entity or message. */
#define STORE_NO_TEXT SIZE_MAX

typedef struct store_phase_copy {
    size_t index;                 /* the market's phase index: the phase id */
    spec_phase phase;
} store_phase_copy;

typedef struct store_event_copy {
    int64_t seq;                  /* event_log.seq */
    int64_t t;
    size_t kind, entity, message; /* offsets into the slot's text, or STORE_NO_TEXT */
} store_event_copy;

/* One hand-off: the events logged since the previous tick, the entities the
 * market added since then, and (has_tick) the tick's rows. */
typedef struct store_snapshot {
    int has_tick;
    int64_t tick_index;
    store_tick_row tick;
    void *rows[STORE_N_TICK_TABLES];       /* market row structs, n[i] of them */
    size_t n[STORE_N_TICK_TABLES];
    size_t cap[STORE_N_TICK_TABLES];

    size_t first_new_dc;                    /* id of new_dcs[0] */
    spec_datacenter *new_dcs;
    size_t n_new_dcs, cap_new_dcs;
    store_phase_copy *new_phases;           /* the phases of new_dcs */
    size_t n_new_phases, cap_new_phases;
    size_t first_new_contract;              /* id of new_contracts[0] */
    spec_contract *new_contracts;
    size_t n_new_contracts, cap_new_contracts;

    store_event_copy *events;
    size_t n_events, cap_events;
    char *text;                             /* the events' strings, NUL-separated */
    size_t text_len, text_cap;
} store_snapshot;

/* create / destroy */
/* Starts the writer thread of the open run. STORE_OK, STORE_ERR_NOMEM, or
 * STORE_ERR_SQLITE when no thread can be started (message in the store). */
int store__writer_start(store *st);
/* Hands over the slot being filled (if it carries anything), lets the
 * writer drain every slot handed over, joins it and frees the ring. The
 * connection is the calling thread's again. Returns STORE_OK, or the
 * writer's failure status with its message in the store's errmsg. A no-op
 * returning STORE_OK when no writer runs. */
int store__writer_stop(store *st);

/* operations (simulation thread) */
/* The slot being filled, reset when it is first taken; waits while every
 * slot is handed over. Never NULL while the writer runs. */
store_snapshot *store__writer_slot(store *st);
/* Hands the slot being filled to the writer. */
void store__writer_publish(store *st);
/* STORE_OK while the writer has not failed; else its status, and its
 * message is copied into the store's errmsg. */
int store__writer_failed(store *st);

/* queries */
/* 1 on the writer thread (errors go to its own message buffer). */
int store__on_writer_thread(void);

#endif
