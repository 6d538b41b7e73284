/*
 * sweep_mpi: `capsim sweep --mpi` in a build with MPI=1. Rank 0 is the
 * coordinator and the only writer: it opens the output, lists the runs to
 * do, and hands them out one at a time to ranks 1..N-1 as they ask
 * (dynamic balancing: a rank that finishes early gets the next run). Each
 * worker rank runs its run in a forked child (sweep__worker_main, as the
 * local pool does), so a crashing run loses one run, not the rank; it
 * enforces timeout_s itself and reports the child's wait status to rank 0,
 * which merges the run's database from the shared temporary directory next
 * to the output (every rank must see the output's directory: a shared file
 * system on a cluster) or records the failure. Results are the same as
 * with -j or shards: run ids follow (point, replication).
 *
 * Messages (MPI_LONG[3]): worker -> 0: {run index or -1 for "ready",
 * wait status, timed out}; 0 -> worker: {run index, or -1: stop}. The
 * temporary directory's path is broadcast once. With one rank, --mpi runs
 * the local pool.
 *
 * Without MPI (the default build) sweep_execute_mpi reports that --mpi
 * needs a build with MPI=1.
 */
#include "sweep_mpi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef CAPSIM_MPI

#include <mpi.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sweep_run_internal.h"

#define TAG_WORK 1
#define PATH_MAX_BYTES 4096

int sweep_mpi_available(void)
{
    return 1;
}

/* Runs one run in a forked child and waits for it, killing it past the
 * timeout. Returns the wait status; *timed_out says whether it was killed. */
static int run_one(const sweep_state *s, size_t run, int *timed_out)
{
    pid_t parent = getpid();
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        return 1 << 8;   /* as exit status 1 */
    if (pid == 0)
        sweep__worker_main(s, run, parent);
    double started = sweep__now();
    *timed_out = 0;
    int status = 0;
    for (;;) {
        pid_t got = waitpid(pid, &status, WNOHANG);
        if (got == pid)
            return status;
        if (got < 0)
            return 1 << 8;
        if (sweep__stop_requested())
            kill(pid, SIGINT);
        if (s->f->timeout_s > 0 && !*timed_out && sweep__now() - started > s->f->timeout_s) {
            kill(pid, SIGKILL);
            *timed_out = 1;
        }
        struct timespec ts = {0, 20000000L};
        nanosleep(&ts, NULL);
    }
}

static void worker_rank(sweep_state *s)
{
    long msg[3] = {-1, 0, 0};
    for (;;) {
        MPI_Send(msg, 3, MPI_LONG, 0, TAG_WORK, MPI_COMM_WORLD);
        long job[3];
        MPI_Recv(job, 3, MPI_LONG, 0, TAG_WORK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (job[0] < 0)
            return;
        int timed_out = 0;
        int status = run_one(s, (size_t)job[0], &timed_out);
        msg[0] = job[0];
        msg[1] = status;
        msg[2] = timed_out;
    }
}

static void coordinator(sweep_state *s, int ranks)
{
    int stopped_ranks = 0;
    while (stopped_ranks < ranks - 1) {
        int ready = 0;
        MPI_Status st;
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_WORK, MPI_COMM_WORLD, &ready, &st);
        if (!ready) {
            sweep__progress(s, 0);
            struct timespec ts = {0, 5000000L};
            nanosleep(&ts, NULL);
            continue;
        }
        long msg[3];
        MPI_Recv(msg, 3, MPI_LONG, st.MPI_SOURCE, TAG_WORK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (msg[0] >= 0) {
            worker w = {.pid = 1, .run = (size_t)msg[0], .timed_out = (int)msg[2]};
            sweep__finished(s, &w, (int)msg[1]);
        }
        long job[3] = {-1, 0, 0};
        if (!sweep__stop_requested() && !s->db_error && s->next < s->n_todo) {
            job[0] = (long)s->todo[s->next++];
            s->running++;
        } else {
            stopped_ranks++;
        }
        MPI_Send(job, 3, MPI_LONG, st.MPI_SOURCE, TAG_WORK, MPI_COMM_WORLD);
        sweep__progress(s, 0);
    }
}

int sweep_execute_mpi(const sweep_file *f, const sweep_plan *p, const scenario *base,
                      const sweep_run_options *o)
{
    int initialized = 0, rank = 0, ranks = 1;
    MPI_Initialized(&initialized);
    if (!initialized)
        MPI_Init(NULL, NULL);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    int code;
    if (ranks == 1) {
        code = sweep_execute(f, p, base, o);
        MPI_Finalize();
        return code;
    }
    sweep_state s = {.f = f, .p = p, .base = base, .o = o};
    char tmpdir[PATH_MAX_BYTES] = "";
    code = SWEEP_RUN_OK;
    if (rank == 0) {
        code = sweep__prepare(&s);
        if (code == SWEEP_RUN_OK && s.tmpdir)
            snprintf(tmpdir, sizeof tmpdir, "%s", s.tmpdir);
    }
    int shared[2] = {code, (int)strlen(tmpdir)};
    MPI_Bcast(shared, 2, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Bcast(tmpdir, PATH_MAX_BYTES, MPI_CHAR, 0, MPI_COMM_WORLD);
    code = shared[0];
    if (code == SWEEP_RUN_OK) {
        if (rank == 0) {
            coordinator(&s, ranks);
            code = sweep__summarise(&s);
        } else {
            s.tmpdir = tmpdir;
            worker_rank(&s);
            s.tmpdir = NULL;
        }
    }
    if (rank == 0)
        sweep__release(&s);
    MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Finalize();
    return code;
}

#else /* !CAPSIM_MPI */

int sweep_mpi_available(void)
{
    return 0;
}

int sweep_execute_mpi(const sweep_file *f, const sweep_plan *p, const scenario *base,
                      const sweep_run_options *o)
{
    (void)f, (void)p, (void)base, (void)o;
    fprintf(stderr, "capsim sweep: --mpi needs a build with MPI (make MPI=1, which uses mpicc "
                    "and builds into build-mpi/)\n");
    return SWEEP_RUN_BAD_INPUT;
}

#endif
