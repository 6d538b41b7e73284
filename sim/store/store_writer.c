/*
 * store_writer: the ring of snapshots and the writer thread (store_writer.h).
 *
 * The ring is a fixed array of STORE_RING_SLOTS slots, each with buffers
 * that grow to the market's size and are then reused: nothing is allocated
 * per tick once the market stops growing. One mutex guards `head` (the next
 * slot the simulation fills) and `count` (slots handed over and not yet
 * released), with one condition for each side: the writer waits for work,
 * the simulation for room. The slots in use by the writer are the `count`
 * slots before `head`; the simulation fills `head` only when count <
 * STORE_RING_SLOTS, so the two never touch the same slot.
 *
 * The writer sleeps until WAKE_BATCH slots are pending (or the run ends) and
 * then writes until none is: one wake-up per batch rather than per tick,
 * which matters most when the machine has no core to spare for it.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

struct store_writer {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t has_work;      /* count reached WAKE_BATCH, or stopping */
    pthread_cond_t has_room;      /* count < STORE_RING_SLOTS */
    size_t head;                  /* the slot the simulation fills next */
    size_t count;                 /* handed over, not yet released */
    int filling;                  /* the simulation holds slot head */
    int stopping;                 /* no more hand-offs: drain and exit */
    atomic_int failed;            /* the writer's status once it failed, else 0 */
    store_snapshot slots[STORE_RING_SLOTS];
};

/* Slots pending before the sleeping writer is woken (< STORE_RING_SLOTS). */
#define WAKE_BATCH 32

static _Thread_local int writer_thread;

int store__on_writer_thread(void) { return writer_thread; }

int64_t store_ticks_committed(const store *st)
{
    return atomic_load(&((store *)st)->ticks_committed);
}

static void free_slot(store_snapshot *s)
{
    for (int i = 0; i < STORE_N_TICK_TABLES; i++)
        free(s->rows[i]);
    free(s->new_dcs);
    free(s->new_phases);
    free(s->new_contracts);
    free(s->events);
    free(s->text);
}

/* Writes slots in order until stopped with nothing left. After a failure
 * the slots are released unwritten, so the simulation never blocks on a
 * writer that has given up. */
static void *writer_main(void *arg)
{
    store *st = arg;
    store_writer *w = st->writer;
    writer_thread = 1;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        if (w->count == 0)  /* drained: sleep until a batch is pending */
            while (w->count < WAKE_BATCH && !w->stopping)
                pthread_cond_wait(&w->has_work, &w->lock);
        if (w->count == 0)
            break;
        store_snapshot *s = &w->slots[(w->head + STORE_RING_SLOTS - w->count) % STORE_RING_SLOTS];
        pthread_mutex_unlock(&w->lock);
        if (atomic_load_explicit(&w->failed, memory_order_relaxed) == 0) {
            int rc = store__write_snapshot(st, s);
            if (rc != STORE_OK)  /* release: the message is written before the flag */
                atomic_store_explicit(&w->failed, rc, memory_order_release);
        }
        pthread_mutex_lock(&w->lock);
        w->count--;
        pthread_cond_signal(&w->has_room);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

int store__thread_start(pthread_t *thread, void *(*run)(void *), void *arg)
{
    /* Signals (Ctrl-C, SIGTERM) stay with the simulation thread, which stops
     * the run: the store's threads start with every signal blocked. */
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    const int created = pthread_create(thread, NULL, run, arg);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    return created;
}

int store__writer_start(store *st)
{
    store_writer *w = calloc(1, sizeof *w);
    if (!w)
        return store__failf(st, STORE_ERR_NOMEM, "out of memory starting the writer");
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->has_work, NULL);
    pthread_cond_init(&w->has_room, NULL);
    st->writer = w;
    store__checkpointer_start(st);
    atomic_store(&st->ticks_committed, 0);
    st->writer_status = STORE_OK;
    st->writer_errmsg[0] = '\0';
    if (store__thread_start(&w->thread, writer_main, st) != 0) {
        store__checkpointer_stop(st);
        st->writer = NULL;
        pthread_cond_destroy(&w->has_room);
        pthread_cond_destroy(&w->has_work);
        pthread_mutex_destroy(&w->lock);
        free(w);
        return store__failf(st, STORE_ERR_SQLITE, "cannot start the writer thread (too many "
                            "threads or processes?); try again with fewer sweep workers (-j)");
    }
    return STORE_OK;
}

store_snapshot *store__writer_slot(store *st)
{
    store_writer *w = st->writer;
    if (w->filling)
        return &w->slots[w->head];
    pthread_mutex_lock(&w->lock);
    while (w->count == STORE_RING_SLOTS)
        pthread_cond_wait(&w->has_room, &w->lock);
    store_snapshot *s = &w->slots[w->head];
    pthread_mutex_unlock(&w->lock);
    s->has_tick = 0;
    s->n_new_dcs = s->n_new_phases = s->n_new_contracts = 0;
    s->n_events = 0;
    s->text_len = 0;
    w->filling = 1;
    return s;
}

void store__writer_publish(store *st)
{
    store_writer *w = st->writer;
    pthread_mutex_lock(&w->lock);
    w->head = (w->head + 1) % STORE_RING_SLOTS;
    w->count++;
    w->filling = 0;
    if (w->count == WAKE_BATCH)
        pthread_cond_signal(&w->has_work);
    pthread_mutex_unlock(&w->lock);
}

int store__writer_failed(store *st)
{
    store_writer *w = st->writer;
    int rc = w ? atomic_load_explicit(&w->failed, memory_order_acquire) : 0;
    if (rc != STORE_OK)
        memcpy(st->errmsg, st->writer_errmsg, sizeof st->errmsg);
    return rc;
}

int store__writer_stop(store *st)
{
    store_writer *w = st->writer;
    if (!w)
        return STORE_OK;
    if (w->filling) {
        store_snapshot *s = &w->slots[w->head];
        if (s->n_events || s->n_new_dcs || s->n_new_contracts || s->has_tick)
            store__writer_publish(st);
        w->filling = 0;
    }
    pthread_mutex_lock(&w->lock);
    w->stopping = 1;
    pthread_cond_signal(&w->has_work);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    store__checkpointer_stop(st);
    int rc = store__writer_failed(st);
    if (rc != STORE_OK && st->writer_status == STORE_OK)
        st->writer_status = rc;
    st->writer = NULL;
    for (size_t i = 0; i < STORE_RING_SLOTS; i++)
        free_slot(&w->slots[i]);
    pthread_cond_destroy(&w->has_room);
    pthread_cond_destroy(&w->has_work);
    pthread_mutex_destroy(&w->lock);
    free(w);
    return rc;
}
