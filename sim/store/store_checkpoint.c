/*
 * store_checkpoint: WAL checkpoints on a thread of their own while a run
 * writes (store_internal.h).
 *
 * With SQLite's autocheckpoint, the commit that takes the WAL past its
 * threshold copies the whole WAL into the database and syncs it on the
 * writer thread: about 150 ms per 64 MiB here, half of it in fdatasync.
 * The writer stops taking snapshots meanwhile, the ring (256 ticks, 20 ms of
 * simulation) fills, and the simulation waits: 0.4-0.5 s of the default
 * run's wall time, in three or four stalls. Here a WAL hook takes the
 * autocheckpoint's place: every BACKGROUND_FRAMES frames it wakes a thread
 * whose own connection runs a PASSIVE checkpoint, copying and syncing the
 * frames committed so far while the writer goes on appending. At
 * STORE_CHECKPOINT_FRAMES the writer's connection still checkpoints itself,
 * as the autocheckpoint did, so that the next transaction writes the WAL
 * from its start again (a checkpoint that runs while the writer appends
 * can never catch up with it): that checkpoint now finds only the frames
 * since the thread's last one to copy and sync.
 *
 * A checkpoint that fails leaves its frames in the WAL, where they are
 * safe; the next one, or the one when the connection closes, copies them.
 * When the second connection or the thread cannot be had, the writer's
 * connection checkpoints by itself, as before.
 */
#include <pthread.h>
#include <stdlib.h>

#include "store_internal.h"

/* Every how many WAL frames (pages of 4 KiB) the thread copies what has
 * been committed: 8 MiB. */
#define BACKGROUND_FRAMES 2048

struct store_checkpointer {
    sqlite3 *db;                  /* its own connection */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int pending;                  /* a checkpoint is asked for */
    int stopping;
    int asked_at;                 /* WAL frames when it was last asked (writer thread) */
};

static void *checkpointer_main(void *arg)
{
    store_checkpointer *c = arg;
    pthread_mutex_lock(&c->lock);
    for (;;) {
        while (!c->pending && !c->stopping)
            pthread_cond_wait(&c->wake, &c->lock);
        if (c->stopping)
            break;
        c->pending = 0;
        pthread_mutex_unlock(&c->lock);
        (void)sqlite3_wal_checkpoint_v2(c->db, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        pthread_mutex_lock(&c->lock);
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

/* The writer connection's WAL hook, after each commit. Every
 * BACKGROUND_FRAMES frames it asks the thread to copy the committed frames;
 * at STORE_CHECKPOINT_FRAMES the connection checkpoints as its autocheckpoint
 * would (PASSIVE), which now finds little left to copy and sync, and lets
 * the next transaction write the WAL from its start again. */
static int on_commit(void *arg, sqlite3 *db, const char *name, int frames)
{
    store_checkpointer *c = arg;
    if (frames >= STORE_CHECKPOINT_FRAMES) {
        c->asked_at = 0;
        (void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        return SQLITE_OK;
    }
    if (frames < c->asked_at)
        c->asked_at = 0;   /* the WAL started again */
    if (frames - c->asked_at >= BACKGROUND_FRAMES) {
        c->asked_at = frames;
        pthread_mutex_lock(&c->lock);
        c->pending = 1;
        pthread_cond_signal(&c->wake);
        pthread_mutex_unlock(&c->lock);
    }
    return SQLITE_OK;
}

void store__checkpointer_start(store *st)
{
    store_checkpointer *c = calloc(1, sizeof *c);
    if (!c)
        return;
    /* a first read opens the file and finds it in WAL mode: until then a
     * checkpoint of this connection does nothing */
    const int opened =
        sqlite3_open_v2(st->sqlite_name, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        NULL) == SQLITE_OK &&
        sqlite3_exec(c->db, "PRAGMA schema_version", NULL, NULL, NULL) == SQLITE_OK;
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->wake, NULL);
    if (!opened || store__thread_start(&c->thread, checkpointer_main, c) != 0) {
        pthread_cond_destroy(&c->wake);
        pthread_mutex_destroy(&c->lock);
        sqlite3_close(c->db);
        free(c);
        return;   /* the connection checkpoints by itself */
    }
    sqlite3_wal_hook(st->db, on_commit, c);   /* in place of the autocheckpoint */
    st->checkpointer = c;
}

void store__checkpointer_stop(store *st)
{
    store_checkpointer *c = st->checkpointer;
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->stopping = 1;
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->lock);
    pthread_join(c->thread, NULL);
    sqlite3_close(c->db);
    pthread_cond_destroy(&c->wake);
    pthread_mutex_destroy(&c->lock);
    free(c);
    st->checkpointer = NULL;
    sqlite3_wal_autocheckpoint(st->db, STORE_CHECKPOINT_FRAMES);   /* the writer's own again */
}
