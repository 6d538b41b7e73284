/*
 * sweep_run_internal: what sweep_run.c (the local worker pool) and
 * sweep_mpi.c (MPI ranks) share: the state of a running sweep and the steps
 * both drivers take. Not for use outside sim/sweep.
 *
 * Lifecycle: sweep__prepare (refuse or open the output, list the runs to
 * do, make the temporary directory) -> start runs (sweep__worker_main in a
 * forked child) and pass each end to sweep__finished (merge, or record the
 * failure) -> sweep__summarise -> sweep__release.
 */
#ifndef CAPSIM_SWEEP_RUN_INTERNAL_H
#define CAPSIM_SWEEP_RUN_INTERNAL_H

#include <stdint.h>
#include <sys/types.h>
#include "sweep_run.h"
#include "../store/store.h"

typedef struct worker {
    pid_t pid;            /* 0: free */
    size_t run;           /* run index */
    double started;
    int timed_out;
} worker;

typedef struct sweep_state {
    const sweep_file *f;
    const sweep_plan *p;
    const scenario *base;
    const sweep_run_options *o;
    store *st;
    int64_t run_id_base;
    char *tmpdir;
    worker *workers;
    size_t *todo;
    size_t n_todo, next;
    size_t done, failed, interrupted, running;
    double started;
    double last_progress;
    int db_error;
    char **failures;       /* one line per failed run */
    size_t n_failures;
} sweep_state;

/* Monotonic seconds. */
double sweep__now(void);
/* 1 once sweep_run_request_stop was called. */
int sweep__stop_requested(void);
/* The output opened (or refused), the runs to do listed, the temporary
 * directory made. Returns SWEEP_RUN_OK or the exit code. */
int sweep__prepare(sweep_state *s);
/* The body of a forked worker running run index `run`; never returns.
 * parent: the pid that forked it. */
void sweep__worker_main(const sweep_state *s, size_t run, pid_t parent) __attribute__((noreturn));
/* A run has ended with waitpid status `status` (w->timed_out when it was
 * killed for its timeout): merges or records it, removes its files, frees
 * the worker slot and counts it. */
void sweep__finished(sweep_state *s, worker *w, int status);
/* Progress line on stderr (at most once a second unless force). */
void sweep__progress(sweep_state *s, int force);
/* Prints the closing summary; returns the exit code. */
int sweep__summarise(sweep_state *s);
/* Frees what the state owns and closes the output. */
void sweep__release(sweep_state *s);

/* For a driver that prepares the state itself (search_run.c, whose plan
 * grows one point at a time): runs s->todo[s->next .. s->n_todo - 1] on
 * the pool until all have ended (or a stop was requested, or the database
 * failed), and makes the temporary directory (s->o->out_path.tmp.PID). */
void sweep__run_todo(sweep_state *s);
int sweep__make_tmpdir(sweep_state *s);

#endif
