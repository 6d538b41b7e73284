/*
 * jobs: one training workload's job stream and gang scheduler; the model is
 * described in jobs.h.
 *
 * Invariants:
 *   - Every job slot is FREE (on the free list), QUEUED (on the queue list)
 *     or RUNNING (on its group's running list, in start order). prev/next
 *     link it in whichever list holds it.
 *   - A RUNNING job has a live finish event; a QUEUED job that never started
 *     has a live deadline event iff max_wait_h > 0; no other job has events.
 *     So a FINISH or DEADLINE event always names a live slot of that state.
 *   - For every group 0 <= busy <= capacity after each public call (a
 *     capacity drop preempts before returning), and busy is the sum of its
 *     running jobs' GPUs.
 *   - After each scheduling pass no queued job may start: without backfill
 *     the head does not fit anywhere; with backfill no queued job does. An
 *     arrival changes no capacity, so it only has to try the new job.
 *   - Integrals are piecewise constant accruals: a group's busy GPU-seconds
 *     up to its last_t, the queue's job-seconds up to queue_last_t; every
 *     change of busy or of the queue length first accrues to now.
 *   - cap_waits >= n_waits + queued jobs, reserved at each arrival, so
 *     starting a job never allocates.
 */
#include "jobs.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "../engine/rng.h"
#include "../util/grow.h"
#include "../util/units.h"
#include "jobdist.h"

#define NONE (-1)
#define OFFERED_TRACE_WINDOW_S (7 * UNITS_SECONDS_PER_DAY)
#define POOL_INITIAL 64
/* Run times and waits are clamped to this many seconds (~127 million
 * years) so that absurd draws stay representable as int64 times. */
#define MAX_SPAN_S 4e15

enum job_state { JOB_FREE = 0, JOB_QUEUED = 1, JOB_RUNNING = 2 };

typedef struct job {
    int64_t id;             /* arrival index */
    int64_t arrival;        /* seconds */
    int64_t gpus;           /* whole nodes */
    double work_s;          /* remaining H100-seconds */
    int64_t run_start;      /* start of the current run, or of its last speed change */
    double since_checkpoint_s;/* seconds the current run ran before run_start (speed
                               changes keep the checkpoint clock running) */
    int64_t first_start;    /* its first start (for the elapsed time) */
    double speed;           /* RUNNING: H100-seconds of work per second: train_speed x
                               the gang's slowest perf */
    int gpu;                /* required GPU type, or SPEC_ANY_GPU */
    int group;              /* RUNNING: its group; else NONE */
    int32_t prev, next;     /* list links */
    evq_handle finish;      /* RUNNING only */
    evq_handle deadline;    /* QUEUED, never started, max_wait > 0 */
    uint8_t state;
    uint8_t started_once;
} job;

typedef struct group_state {
    jobs_group_def def;
    int64_t capacity;       /* GPUs, whole nodes */
    int64_t busy;           /* GPUs held by running jobs */
    double busy_h100;       /* sum over its running jobs of GPUs x speed */
    double busy_h100_seconds;/* up to last_t */
    int32_t run_head, run_tail;
    double busy_gpu_seconds;/* up to last_t */
    int64_t last_t;
} group_state;

struct jobs {
    const spec_workload *w;
    engine *engine;
    jobs_event_kinds kinds;
    int64_t horizon;

    gsl_rng *rng_arrivals, *rng_sizes, *rng_durations;
    jobdist *sizes, *durations;
    double next_arrival_s;          /* continuous NHPP clock */
    size_t next_trace;              /* index of the next trace job */
    double *trace_work_prefix;      /* trace_len + 1: cumulative gpus x duration_s */
    double mean_gpus, mean_work_s;  /* for the offered load */

    group_state *groups;
    size_t n_groups, cap_groups;

    job *pool;
    size_t cap_pool;
    int32_t free_head;
    int32_t queue_head, queue_tail;
    int64_t n_running, n_queued;
    int64_t queued_gpus;            /* GPUs requested by the queued jobs */
    int64_t queue_last_t;

    jobs_totals totals;             /* counters; queued_job_seconds up to queue_last_t;
                                       busy integrals live in the groups */
    jobs_observer observer;
    void *observer_ctx;
    double *waits;                  /* first-start waits, seconds */
    size_t n_waits, cap_waits;

    jobs_gang_speed gang_speed;     /* NULL: every GPU at perf 1 */
    void *gang_ctx;
    int64_t active_gpus;            /* GPUs of the jobs started and not finished */
    int64_t active_last_t;
};

/* ---- create / destroy ------------------------------------------------ */

static gsl_rng *stream(const spec_workload *w, uint64_t seed, const char *purpose)
{
    char name[SPEC_NAME_MAX + 32];
    snprintf(name, sizeof name, "jobs/%s/%s", w->name, purpose);
    return rng_stream_create(seed, name);
}

/* Prefix sums of the trace's H100 GPU-seconds, for the offered load. Returns
 * 0 or CAPSIM_ERR_NO_MEMORY. */
static capsim_status init_trace(jobs *j)
{
    const spec_workload *w = j->w;
    j->trace_work_prefix = malloc((w->trace_len + 1) * sizeof *j->trace_work_prefix);
    if (!j->trace_work_prefix)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    j->trace_work_prefix[0] = 0.0;
    for (size_t i = 0; i < w->trace_len; i++)
        j->trace_work_prefix[i + 1] = j->trace_work_prefix[i]
            + (double)jobdist_round_to_nodes((double)w->trace[i].gpus) * w->trace[i].duration_s;
    return 0;
}

/* The streams and distributions of a synthetic workload. Returns 0 or
 * CAPSIM_ERR_NO_MEMORY. */
static capsim_status init_synthetic(jobs *j, uint64_t seed)
{
    const spec_workload *w = j->w;
    j->rng_arrivals = stream(w, seed, "arrivals");
    j->rng_sizes = stream(w, seed, "sizes");
    j->rng_durations = stream(w, seed, "durations");
    j->sizes = jobdist_create(&w->job_gpus);
    j->durations = jobdist_create(&w->duration_h);
    if (!j->rng_arrivals || !j->rng_sizes || !j->rng_durations || !j->sizes || !j->durations)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    j->mean_gpus = jobdist_mean_rounded_gpus(&w->job_gpus);
    j->mean_work_s = jobdist_mean(&w->duration_h) * UNITS_SECONDS_PER_HOUR_REAL;
    return 0;
}

jobs *jobs_create(const spec_workload *w, const jobs_group_def *groups, size_t n_groups,
                  uint64_t seed, int64_t horizon)
{
    jobs *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->w = w;
    j->horizon = horizon;
    j->free_head = j->queue_head = j->queue_tail = NONE;
    j->next_arrival_s = -INFINITY;
    for (size_t g = 0; g < n_groups; g++)
        if (jobs_add_group(j, groups[g]) < 0)
            goto fail;
    if (w->trace_len > 0 ? init_trace(j) != 0 : init_synthetic(j, seed) != 0)
        goto fail;
    return j;
fail:
    jobs_destroy(j);
    return NULL;
}

void jobs_destroy(jobs *j)
{
    if (!j)
        return;
    gsl_rng_free(j->rng_arrivals);
    gsl_rng_free(j->rng_sizes);
    gsl_rng_free(j->rng_durations);
    jobdist_destroy(j->sizes);
    jobdist_destroy(j->durations);
    free(j->trace_work_prefix);
    free(j->groups);
    free(j->pool);
    free(j->waits);
    free(j);
}

int jobs_add_group(jobs *j, jobs_group_def def)
{
    assert(def.train_speed > 0.0);
    if (grow_reserve((void **)&j->groups, &j->cap_groups, j->n_groups + 1, 8,
                     sizeof *j->groups) != 0)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    const int64_t now = j->engine ? engine_now(j->engine) : 0;
    j->groups[j->n_groups] = (group_state){
        .def = def, .run_head = NONE, .run_tail = NONE, .last_t = now};
    return (int)j->n_groups++;
}

void jobs_set_observer(jobs *j, jobs_observer fn, void *ctx)
{
    j->observer = fn;
    j->observer_ctx = ctx;
}

static void notify(const jobs *j, jobs_job_event_type type, const job *b, int64_t now)
{
    if (!j->observer)
        return;
    const jobs_job_event ev = {.type = type, .t = now, .job = b->id, .gpus = b->gpus,
                               .group = b->group};
    j->observer(&ev, j->observer_ctx);
}

/* ---- job slots and lists ---------------------------------------------- */

/* A free slot, growing the pool by doubling. NONE when out of memory. */
static int32_t slot_alloc(jobs *j)
{
    if (j->free_head == NONE) {
        const size_t old = j->cap_pool;
        const size_t cap = grow_capacity(old, old + 1, POOL_INITIAL);
        if (cap == 0 || cap > (size_t)INT32_MAX ||
            grow_resize((void **)&j->pool, cap, sizeof *j->pool) != 0)
            return NONE;
        j->cap_pool = cap;
        for (size_t i = cap; i-- > old;) {   /* lowest index on top of the free list */
            j->pool[i] = (job){.state = JOB_FREE, .next = j->free_head};
            j->free_head = (int32_t)i;
        }
    }
    const int32_t s = j->free_head;
    j->free_head = j->pool[s].next;
    return s;
}

static void slot_free(jobs *j, int32_t s)
{
    j->pool[s] = (job){.state = JOB_FREE, .next = j->free_head};
    j->free_head = s;
}

static void accrue_queue(jobs *j, int64_t now)
{
    j->totals.queued_job_seconds += (double)j->n_queued * (double)(now - j->queue_last_t);
    j->queue_last_t = now;
}

static void accrue_group(group_state *g, int64_t now)
{
    g->busy_gpu_seconds += (double)g->busy * (double)(now - g->last_t);
    g->busy_h100_seconds += g->busy_h100 * (double)(now - g->last_t);
    g->last_t = now;
}

static void accrue_active(jobs *j, int64_t now)
{
    j->totals.elapsed_gpu_seconds += (double)j->active_gpus * (double)(now - j->active_last_t);
    j->active_last_t = now;
}

/* The queue and each group's running jobs are doubly linked lists through
 * the pool's prev and next, with their ends in *head and *tail (NONE when
 * empty). */
static void link_back(job *pool, int32_t s, int32_t *head, int32_t *tail)
{
    pool[s].next = NONE;
    pool[s].prev = *tail;
    if (*tail != NONE)
        pool[*tail].next = s;
    else
        *head = s;
    *tail = s;
}

static void link_front(job *pool, int32_t s, int32_t *head, int32_t *tail)
{
    pool[s].prev = NONE;
    pool[s].next = *head;
    if (*head != NONE)
        pool[*head].prev = s;
    else
        *tail = s;
    *head = s;
}

static void unlink_job(job *pool, int32_t s, int32_t *head, int32_t *tail)
{
    job *b = &pool[s];
    if (b->prev != NONE)
        pool[b->prev].next = b->next;
    else
        *head = b->next;
    if (b->next != NONE)
        pool[b->next].prev = b->prev;
    else
        *tail = b->prev;
    b->prev = b->next = NONE;
}

/* Links slot s into the queue at the tail (front = 0) or the head (front = 1). */
static void queue_insert(jobs *j, int32_t s, int front, int64_t now)
{
    accrue_queue(j, now);
    job *b = &j->pool[s];
    b->state = JOB_QUEUED;
    b->group = NONE;
    if (front)
        link_front(j->pool, s, &j->queue_head, &j->queue_tail);
    else
        link_back(j->pool, s, &j->queue_head, &j->queue_tail);
    j->n_queued++;
    j->queued_gpus += b->gpus;
}

static void queue_remove(jobs *j, int32_t s, int64_t now)
{
    accrue_queue(j, now);
    unlink_job(j->pool, s, &j->queue_head, &j->queue_tail);
    j->n_queued--;
    j->queued_gpus -= j->pool[s].gpus;
}

static void running_append(jobs *j, group_state *g, int32_t s)
{
    link_back(j->pool, s, &g->run_head, &g->run_tail);
}

static void running_remove(jobs *j, group_state *g, int32_t s)
{
    unlink_job(j->pool, s, &g->run_head, &g->run_tail);
}

/* The speed of job b in group g when it holds GPUs [offset, offset + gpus)
 * of the group's range: train_speed x its slowest GPU's perf. */
static double gang_speed_of(const jobs *j, size_t g, int64_t offset, const job *b)
{
    const double speed = j->groups[g].def.train_speed;
    if (!j->gang_speed)
        return speed;
    const double slowest = j->gang_speed(j->gang_ctx, g, offset, b->gpus);
    return speed * (slowest > 0.0 ? slowest : 1.0);
}

/* Takes running job s off its group at now, keeping `kept_s` seconds of
 * its current run's progress (the rest is lost). */
static void stop_running(jobs *j, int32_t s, double kept_s, int64_t now)
{
    job *b = &j->pool[s];
    group_state *gs = &j->groups[b->group];
    accrue_group(gs, now);
    running_remove(j, gs, s);
    gs->busy -= b->gpus;
    gs->busy_h100 -= (double)b->gpus * b->speed;
    if (gs->run_head == NONE)
        gs->busy_h100 = 0.0;            /* no drift once the group is empty */
    j->n_running--;
    b->work_s -= kept_s * b->speed;
    if (b->work_s < 0.0)
        b->work_s = 0.0;
    engine_cancel(j->engine, b->finish);
    b->finish = EVQ_NO_HANDLE;
}

/* ---- scheduling ------------------------------------------------------- */

/* A span in whole seconds: rounded to nearest, clamped to [0, MAX_SPAN_S]. */
static int64_t seconds(double span_s)
{
    if (!(span_s > 0.0))
        return 0;
    return (int64_t)llround(span_s < MAX_SPAN_S ? span_s : MAX_SPAN_S);
}

/* Best fit: the group with the fewest free GPUs that still holds the job
 * and has a type it accepts; ties to the lowest index. NONE if none. */
static int best_fit(const jobs *j, const job *b)
{
    int best = NONE;
    int64_t best_free = INT64_MAX;
    for (size_t g = 0; g < j->n_groups; g++) {
        const group_state *gs = &j->groups[g];
        const int64_t free_gpus = gs->capacity - gs->busy;
        if (free_gpus < b->gpus || free_gpus >= best_free)
            continue;
        if (b->gpu != SPEC_ANY_GPU && b->gpu != gs->def.gpu)
            continue;
        best = (int)g;
        best_free = free_gpus;
    }
    return best;
}

static int64_t max_free(const jobs *j)
{
    int64_t m = 0;
    for (size_t g = 0; g < j->n_groups; g++) {
        const int64_t f = j->groups[g].capacity - j->groups[g].busy;
        m = f > m ? f : m;
    }
    return m;
}

/* Starts slot s (not on any list) in group g at now: its finish event, and
 * on its first start its wait. Returns 0, or CAPSIM_ERR_EVENT_QUEUE when
 * the finish event cannot be scheduled. */
static capsim_status start_job(jobs *j, int32_t s, int g, int64_t now)
{
    group_state *gs = &j->groups[g];
    job *b = &j->pool[s];
    accrue_group(gs, now);
    b->speed = gang_speed_of(j, (size_t)g, gs->busy, b);   /* appended: the range's end */
    gs->busy += b->gpus;
    gs->busy_h100 += (double)b->gpus * b->speed;
    running_append(j, gs, s);
    b->state = JOB_RUNNING;
    b->group = g;
    b->run_start = now;
    b->since_checkpoint_s = 0.0;      /* a restart resumes from a checkpoint */
    j->n_running++;
    notify(j, JOBS_STARTED, b, now);
    const int64_t run_s = seconds(b->work_s / b->speed);
    b->finish = engine_schedule(j->engine, now + (run_s > 1 ? run_s : 1), j->kinds.finish, s, j);
    if (!b->started_once) {
        accrue_active(j, now);
        j->active_gpus += b->gpus;
        b->first_start = now;
        b->started_once = 1;
        if (b->deadline != EVQ_NO_HANDLE) {
            engine_cancel(j->engine, b->deadline);
            b->deadline = EVQ_NO_HANDLE;
        }
        const double wait = (double)(now - b->arrival);
        j->totals.started++;
        j->totals.wait_sum_s += wait;
        assert(j->n_waits < j->cap_waits);
        j->waits[j->n_waits++] = wait;
    }
    return b->finish == EVQ_NO_HANDLE ? capsim_fail(CAPSIM_ERR_EVENT_QUEUE) : CAPSIM_OK;
}

/* One pass over the queue in FIFO order (see jobs.h). Returns 0 or
 * start_job's error. */
static capsim_status scan_queue(jobs *j, int64_t now)
{
    int64_t room = max_free(j);
    int32_t next;
    for (int32_t s = j->queue_head; s != NONE && room >= SPEC_GPUS_PER_NODE; s = next) {
        next = j->pool[s].next;
        const int g = j->pool[s].gpus <= room ? best_fit(j, &j->pool[s]) : NONE;
        if (g != NONE) {
            queue_remove(j, s, now);
            const capsim_status st = start_job(j, s, g, now);
            if (st != CAPSIM_OK)
                return st;
            room = max_free(j);
        } else if (!j->w->backfill) {
            break;
        }
    }
    return 0;
}

/* Preempts group g's most recently started jobs until its busy GPUs fit its
 * capacity; each goes to the queue head with its remaining work. */
static void preempt(jobs *j, size_t g, int64_t now)
{
    group_state *gs = &j->groups[g];
    while (gs->busy > gs->capacity) {
        const int32_t s = gs->run_tail;
        assert(s != NONE);
        job *b = &j->pool[s];
        stop_running(j, s, (double)(now - b->run_start), now);
        notify(j, JOBS_PREEMPTED, b, now);
        queue_insert(j, s, 1, now);
        j->totals.preempted++;
    }
}

static void set_group_capacity(jobs *j, size_t g, int64_t gpus, int64_t now)
{
    const int64_t nodes = gpus > 0 ? gpus / SPEC_GPUS_PER_NODE : 0;
    j->groups[g].capacity = nodes * SPEC_GPUS_PER_NODE;
    preempt(j, g, now);
}

capsim_status jobs_set_capacity(jobs *j, size_t g, int64_t gpus)
{
    assert(j->engine && g < j->n_groups);
    const int64_t now = engine_now(j->engine);
    set_group_capacity(j, g, gpus, now);
    return scan_queue(j, now);
}

capsim_status jobs_set_capacities(jobs *j, const int64_t *gpus)
{
    assert(j->engine);
    const int64_t now = engine_now(j->engine);
    for (size_t g = 0; g < j->n_groups; g++)
        set_group_capacity(j, g, gpus[g], now);
    return scan_queue(j, now);
}

/* ---- failures and gang speed ----------------------------------------- */

void jobs_set_gang_speed(jobs *j, jobs_gang_speed fn, void *ctx)
{
    j->gang_speed = fn;
    j->gang_ctx = ctx;
}

/* Interrupts running job s at now: it keeps its work up to its last
 * checkpoint, gains the restart, and goes to the queue head. */
static void interrupt_job(jobs *j, int32_t s, int hardware, int64_t now)
{
    job *b = &j->pool[s];
    const double train_speed = j->groups[b->group].def.train_speed;
    const double ran = (double)(now - b->run_start) + b->since_checkpoint_s;
    const double interval = j->w->checkpoint_interval_h * UNITS_SECONDS_PER_HOUR_REAL;
    const double lost = interval > 0.0 ? fmod(ran, interval) : 0.0;
    const double restart = j->w->restart_h * UNITS_SECONDS_PER_HOUR_REAL;
    const double kept = (double)(now - b->run_start) - lost;
    stop_running(j, s, kept > 0.0 ? kept : 0.0, now);
    b->work_s += restart * train_speed;   /* the restart holds the gang, making no progress */
    b->since_checkpoint_s = 0.0;
    j->totals.interruptions++;
    j->totals.interruptions_hardware += hardware != 0;
    j->totals.lost_gpu_seconds += (double)b->gpus * (lost + restart);
    notify(j, JOBS_INTERRUPTED, b, now);
    queue_insert(j, s, 1, now);
}

int64_t jobs_interrupt(jobs *j, size_t g, const int64_t *ranges, size_t n_ranges,
                       int64_t down_gpus, int hardware)
{
    assert(j->engine && g < j->n_groups);
    group_state *gs = &j->groups[g];
    const int64_t now = engine_now(j->engine);
    int64_t hit = 0, lo = 0;
    size_t r = 0;
    for (int32_t s = gs->run_head, next; s != NONE; s = next) {
        next = j->pool[s].next;
        const int64_t hi = lo + j->pool[s].gpus;
        while (r < n_ranges && ranges[2 * r + 1] <= lo)
            r++;                                   /* ranges wholly before this job */
        if (r == n_ranges)
            break;
        if (ranges[2 * r] < hi) {                  /* overlaps [lo, hi) */
            interrupt_job(j, s, hardware, now);
            hit++;
        }
        lo = hi;
    }
    const int64_t nodes = down_gpus > 0 ? (down_gpus + SPEC_GPUS_PER_NODE - 1) / SPEC_GPUS_PER_NODE : 0;
    gs->capacity -= nodes * SPEC_GPUS_PER_NODE;   /* the failed GPUs leave the group at once */
    if (gs->capacity < 0)
        gs->capacity = 0;
    preempt(j, g, now);
    return hit;
}

capsim_status jobs_refresh_speeds(jobs *j)
{
    assert(j->engine);
    const int64_t now = engine_now(j->engine);
    for (size_t g = 0; g < j->n_groups; g++) {
        group_state *gs = &j->groups[g];
        accrue_group(gs, now);
        int64_t offset = 0;
        double h100 = 0.0;
        for (int32_t s = gs->run_head; s != NONE; s = j->pool[s].next) {
            job *b = &j->pool[s];
            const double speed = gang_speed_of(j, g, offset, b);
            offset += b->gpus;
            if (speed != b->speed) {
                b->work_s -= (double)(now - b->run_start) * b->speed;
                if (b->work_s < 0.0)
                    b->work_s = 0.0;
                b->since_checkpoint_s += (double)(now - b->run_start);
                b->run_start = now;
                b->speed = speed;
                engine_cancel(j->engine, b->finish);
                const int64_t run_s = seconds(b->work_s / b->speed);
                b->finish = engine_schedule(j->engine, now + (run_s > 1 ? run_s : 1),
                                            j->kinds.finish, s, j);
                if (b->finish == EVQ_NO_HANDLE)
                    return capsim_fail(CAPSIM_ERR_EVENT_QUEUE);
            }
            h100 += (double)b->gpus * b->speed;
        }
        gs->busy_h100 = h100;
    }
    return CAPSIM_OK;
}

/* ---- events ----------------------------------------------------------- */

/* Schedules the next arrival, if any falls before the horizon. Returns 0 or
 * CAPSIM_ERR_EVENT_QUEUE. */
static capsim_status schedule_next_arrival(jobs *j, int64_t now)
{
    const spec_workload *w = j->w;
    int64_t t;
    if (w->trace_len > 0) {
        if (j->next_trace >= w->trace_len)
            return 0;
        t = w->trace[j->next_trace].submit;
        t = t > now ? t : now;
    } else {
        j->next_arrival_s = jobdist_next_arrival(w, j->rng_arrivals, j->next_arrival_s,
                                                 (double)j->horizon);
        if (!(j->next_arrival_s < (double)j->horizon))
            return 0;
        t = (int64_t)ceil(j->next_arrival_s);
    }
    if (t >= j->horizon)
        return 0;
    if (engine_schedule(j->engine, t, j->kinds.arrival, 0, j) == EVQ_NO_HANDLE)
        return capsim_fail(CAPSIM_ERR_EVENT_QUEUE);
    return CAPSIM_OK;
}

/* Fills slot s with the next job of the stream. */
static void draw_job(jobs *j, job *b, int64_t now)
{
    const spec_workload *w = j->w;
    *b = (job){.arrival = now, .gpu = SPEC_ANY_GPU, .group = NONE, .prev = NONE,
               .next = NONE, .finish = EVQ_NO_HANDLE, .deadline = EVQ_NO_HANDLE};
    if (w->trace_len > 0) {
        const spec_trace_job *tj = &w->trace[j->next_trace++];
        b->gpus = jobdist_round_to_nodes((double)tj->gpus);
        b->work_s = tj->duration_s;
        b->gpu = tj->gpu;
    } else {
        b->gpus = jobdist_round_to_nodes(jobdist_draw(j->sizes, j->rng_sizes));
        b->work_s = jobdist_draw(j->durations, j->rng_durations) * UNITS_SECONDS_PER_HOUR_REAL;
    }
}

static int on_arrival(jobs *j, int64_t now)
{
    /* Room for the wait of every job that may still start: the queued ones
     * and this one (so that starting never allocates). */
    if (grow_reserve((void **)&j->waits, &j->cap_waits, j->n_waits + (size_t)j->n_queued + 1,
                     POOL_INITIAL, sizeof *j->waits) != 0)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    const int32_t s = slot_alloc(j);
    if (s == NONE)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    job *b = &j->pool[s];
    draw_job(j, b, now);
    b->id = j->totals.arrived++;
    notify(j, JOBS_ARRIVED, b, now);
    const capsim_status st = schedule_next_arrival(j, now);
    if (st != CAPSIM_OK)
        return st;

    /* Earlier queued jobs still cannot start (nothing freed), so only the
     * new one is tried, and only where the queue discipline lets it. */
    const int g = (j->queue_head == NONE || j->w->backfill) ? best_fit(j, b) : NONE;
    if (g != NONE)
        return start_job(j, s, g, now);
    j->totals.queued_on_arrival++;
    if (j->w->max_wait_h == 0.0) {
        j->totals.lost++;
        notify(j, JOBS_LOST, b, now);
        slot_free(j, s);
        return 0;
    }
    queue_insert(j, s, 0, now);
    if (j->w->max_wait_h > 0.0) {
        const int64_t wait_s = seconds(j->w->max_wait_h * UNITS_SECONDS_PER_HOUR_REAL);
        b->deadline = engine_schedule(j->engine, now + wait_s, j->kinds.deadline, s, j);
        if (b->deadline == EVQ_NO_HANDLE)
            return capsim_fail(CAPSIM_ERR_EVENT_QUEUE);
    }
    return 0;
}

static capsim_status on_finish(jobs *j, int32_t s, int64_t now)
{
    job *b = &j->pool[s];
    assert(b->state == JOB_RUNNING);
    group_state *gs = &j->groups[b->group];
    accrue_group(gs, now);
    running_remove(j, gs, s);
    gs->busy -= b->gpus;
    gs->busy_h100 -= (double)b->gpus * b->speed;
    if (gs->run_head == NONE)
        gs->busy_h100 = 0.0;
    j->n_running--;
    accrue_active(j, now);
    j->active_gpus -= b->gpus;
    j->totals.completed++;
    notify(j, JOBS_FINISHED, b, now);
    slot_free(j, s);
    return scan_queue(j, now);
}

static capsim_status on_deadline(jobs *j, int32_t s, int64_t now)
{
    job *b = &j->pool[s];
    assert(b->state == JOB_QUEUED && !b->started_once);
    const int was_head = j->queue_head == s;
    queue_remove(j, s, now);
    j->totals.lost++;
    notify(j, JOBS_LOST, b, now);
    slot_free(j, s);
    /* With backfill every queued job was already tried; without it, the
     * job behind a dropped head may now start. */
    return (was_head && !j->w->backfill) ? scan_queue(j, now) : 0;
}

/* The one handler of all three kinds, for every jobs object: ev->data. */
static int on_event(engine *e, const evq_event *ev, void *ctx)
{
    (void)ctx;
    jobs *j = ev->data;
    const int64_t now = engine_now(e);
    if (ev->kind == j->kinds.arrival)
        return on_arrival(j, now);
    if (ev->kind == j->kinds.finish) {
        j->pool[ev->arg].finish = EVQ_NO_HANDLE;
        return on_finish(j, ev->arg, now);
    }
    assert(ev->kind == j->kinds.deadline);
    j->pool[ev->arg].deadline = EVQ_NO_HANDLE;
    return on_deadline(j, ev->arg, now);
}

capsim_status jobs_attach(jobs *j, engine *e, jobs_event_kinds kinds)
{
    j->engine = e;
    j->kinds = kinds;
    engine_on(e, kinds.arrival, on_event, NULL);
    engine_on(e, kinds.finish, on_event, NULL);
    engine_on(e, kinds.deadline, on_event, NULL);
    const int64_t now = engine_now(e);
    j->queue_last_t = now;
    for (size_t g = 0; g < j->n_groups; g++)
        j->groups[g].last_t = now;
    return schedule_next_arrival(j, now);
}

/* ---- queries ---------------------------------------------------------- */

size_t jobs_n_groups(const jobs *j) { return j->n_groups; }
int64_t jobs_running(const jobs *j) { return j->n_running; }
int64_t jobs_queued(const jobs *j) { return j->n_queued; }
int64_t jobs_queued_gpus(const jobs *j) { return j->queued_gpus; }

int64_t jobs_group_capacity(const jobs *j, size_t g)
{
    assert(g < j->n_groups);
    return j->groups[g].capacity;
}

int64_t jobs_group_busy(const jobs *j, size_t g)
{
    assert(g < j->n_groups);
    return j->groups[g].busy;
}

int64_t jobs_dc_busy(const jobs *j, int dc)
{
    int64_t busy = 0;
    for (size_t g = 0; g < j->n_groups; g++)
        if (j->groups[g].def.datacenter == dc)
            busy += j->groups[g].busy;
    return busy;
}

double jobs_busy_h100(const jobs *j)
{
    double h100 = 0.0;
    for (size_t g = 0; g < j->n_groups; g++)
        h100 += j->groups[g].busy_h100;
    return h100;
}

double jobs_group_busy_gpu_seconds(const jobs *j, size_t g, int64_t now)
{
    assert(g < j->n_groups);
    const group_state *gs = &j->groups[g];
    return gs->busy_gpu_seconds + (double)gs->busy * (double)(now - gs->last_t);
}

void jobs_totals_at(const jobs *j, int64_t now, jobs_totals *out)
{
    *out = j->totals;
    out->queued_job_seconds += (double)j->n_queued * (double)(now - j->queue_last_t);
    out->busy_gpu_seconds = 0.0;
    out->busy_h100_seconds = 0.0;
    out->elapsed_gpu_seconds += (double)j->active_gpus * (double)(now - j->active_last_t);
    for (size_t g = 0; g < j->n_groups; g++) {
        const group_state *gs = &j->groups[g];
        out->busy_gpu_seconds += jobs_group_busy_gpu_seconds(j, g, now);
        out->busy_h100_seconds += gs->busy_h100_seconds + gs->busy_h100 * (double)(now - gs->last_t);
    }
}

double jobs_mean_wait(const jobs *j)
{
    return j->totals.started > 0 ? j->totals.wait_sum_s / (double)j->totals.started : 0.0;
}

double jobs_wait_quantile(jobs *j, double p)
{
    if (j->n_waits == 0)
        return 0.0;
    gsl_sort(j->waits, 1, j->n_waits);
    return gsl_stats_quantile_from_sorted_data(j->waits, 1, j->n_waits, p);
}

/* Index of the first trace job submitted at or after t. */
static size_t trace_lower_bound(const spec_workload *w, int64_t t)
{
    size_t lo = 0, hi = w->trace_len;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (w->trace[mid].submit < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

double jobs_offered_load_h100(const jobs *j, int64_t t)
{
    const spec_workload *w = j->w;
    if (w->trace_len == 0)
        return jobdist_rate(w, (double)t) * j->mean_gpus * j->mean_work_s;
    const size_t lo = trace_lower_bound(w, t - OFFERED_TRACE_WINDOW_S);
    const size_t hi = trace_lower_bound(w, t);
    return (j->trace_work_prefix[hi] - j->trace_work_prefix[lo]) / (double)OFFERED_TRACE_WINDOW_S;
}
