/*
 * jobs: the job stream of one training workload, and its gang scheduler.
 *
 * Capacity comes in *groups*: the GPUs of one type in one DC that the
 * workload may use (the tenant's own-use healthy GPUs there). A group is
 * meant to match an alloc_group, so the market can pass alloc group indices
 * straight through. Groups are described once (DC, GPU type, train_speed);
 * their capacity in GPUs is set by the caller whenever it changes.
 *
 * Jobs. Synthetic jobs arrive as a non-homogeneous Poisson process
 * (jobdist.h has the rate and the thinning), with sizes from w->job_gpus
 * rounded up to whole 8-GPU nodes and durations from w->duration_h (hours
 * on an H100). A trace (w->trace_len > 0) replaces the stream: job i arrives
 * at trace[i].submit (or at the current time if that is already past) with
 * its GPUs, duration and required GPU type. Streams, each its own generator:
 * "jobs/<workload>/arrivals", "jobs/<workload>/sizes",
 * "jobs/<workload>/durations"; changing one distribution does not shift the
 * others. Arrivals are scheduled one at a time (the next one only), and none
 * at or after the horizon given to jobs_create.
 *
 * Scheduling (at each arrival, finish, deadline and capacity change):
 *   - Gang allocation inside ONE group: a job of G GPUs needs G free GPUs in
 *     one group whose GPU type it accepts (synthetic jobs accept any type; a
 *     trace job with gpu != SPEC_ANY_GPU only that type). Capacity counts in
 *     whole nodes: a group's capacity is rounded down to a multiple of 8.
 *   - Placement is best fit: the group with the fewest free GPUs that still
 *     fit the job; ties go to the lowest group index (with groups in alloc
 *     order, the lowest DC index, then the lowest GPU type index).
 *   - The queue is FIFO. Without backfill the scan stops at the first job
 *     that cannot start. With backfill (w->backfill = 1) it is aggressive:
 *     every queued job, in order, starts if some group fits it, even ahead
 *     of an older job that does not fit (no reservation for the head, so a
 *     large head job can starve). The scan is O(queue length x groups) at
 *     worst; it stops early once no group has a free node.
 *   - A job runs round(work / train_speed) seconds (at least 1), work being
 *     its H100 duration in seconds.
 *   - max_wait_h = 0: a job that cannot start at its arrival is lost at
 *     once. max_wait_h > 0: a job still queued max_wait_h after its arrival
 *     is lost (a deadline event; a job that can start at that very second
 *     in an event ordered before the deadline starts). SPEC_WAIT_FOREVER
 *     (any negative value): never lost.
 *   - Capacity drop: when a group's capacity falls below the GPUs its jobs
 *     hold, its most recently started jobs are preempted (last in, first
 *     out) until the rest fit. A preempted job keeps the work it has done
 *     (checkpointed: the remaining H100-seconds carry over), goes back to the
 *     HEAD of the queue (within a group, the earliest started of them
 *     first) and is never lost by max_wait. It may restart at once in
 *     another group. Its wait statistic stays the one of its first start.
 *
 * Events. The module schedules three kinds with the engine: ARRIVAL (the
 * next arrival of a workload), FINISH (arg = job slot) and DEADLINE (arg =
 * job slot). data is always the jobs object, so one handler per kind serves
 * every workload; jobs_attach registers it (ctx NULL), which is idempotent.
 * The caller chooses the kinds, so that they do not collide with its own
 * (JOBS_EV_DEFAULT_* below are free in market.h's numbering).
 *
 * Metrics. Levels (queries below) and integrals that make time averages:
 * busy GPU-seconds per group and in total, busy H100-seconds (x
 * train_speed), queued job-seconds (time-average queue length for Little's
 * law). Waits are those of started jobs, taken at their first start; every
 * one is kept (one double per job) so the P95 is exact.
 *
 * How the market uses it:
 *   1. jobs_create() per training workload after the fleet layout is known,
 *      with one group per alloc_group (or per (DC, GPU type) pair the tenant
 *      may use), the run seed and the horizon (spec.end).
 *   2. jobs_attach() once with the engine and the three event kinds; it
 *      schedules the first arrival.
 *   3. After every alloc_rebuild (phase online, contract start or end,
 *      failure, repair): jobs_set_capacities() with the GPUs of each group
 *      the workload may use now. Starting and preempting happen inside it.
 *   4. At each tick: jobs_running(), jobs_queued(), jobs_group_busy() or
 *      jobs_dc_busy() for utilisation and power, jobs_busy_h100() for the
 *      served H100-equivalents, jobs_offered_load_h100() as the workload's
 *      demand; jobs_totals_at() for flows over the tick (differences).
 *   5. At the end: jobs_totals_at() and jobs_wait_quantile() for run_metric.
 * Nothing here allocates per tick; per-job storage is pooled and grows only
 * at arrivals (amortised doubling).
 */
#ifndef CAPSIM_JOBS_H
#define CAPSIM_JOBS_H

#include <stddef.h>
#include <stdint.h>
#include "spec.h"
#include "../engine/engine.h"
#include "../util/status.h"

typedef struct jobs jobs;

/* Event kinds free in market.h's numbering (it uses 1..7 today); the
 * market may pass others. */
enum jobs_default_event_kind {
    JOBS_EV_DEFAULT_ARRIVAL = 8,
    JOBS_EV_DEFAULT_FINISH = 9,
    JOBS_EV_DEFAULT_DEADLINE = 10
};

typedef struct jobs_event_kinds {
    int32_t arrival;
    int32_t finish;
    int32_t deadline;
} jobs_event_kinds;

/* One capacity group: GPUs of one type in one DC. */
typedef struct jobs_group_def {
    int datacenter;      /* index into spec.datacenters (for jobs_dc_busy) */
    int gpu;             /* index into spec.gpus: trace jobs may require it */
    double train_speed;  /* x H100, > 0 */
} jobs_group_def;

/* Totals since the start of the run. Integrals include the time up to the
 * `now` passed to jobs_totals. */
typedef struct jobs_totals {
    int64_t arrived;
    int64_t started;            /* jobs that started (first starts only) */
    int64_t completed;
    int64_t lost;               /* never started: no room at arrival with max_wait 0,
                                   or still queued at max_wait */
    int64_t queued_on_arrival;  /* could not start at the moment they arrived */
    int64_t preempted;          /* preemptions (a job may be preempted again) */
    double wait_sum_s;          /* sum of the waits of started jobs, seconds */
    double queued_job_seconds;  /* integral of the queue length over time */
    double busy_gpu_seconds;    /* integral of busy GPUs: / 3600 = GPU-hours served */
    double busy_h100_seconds;   /* the same x each job's speed (train_speed x its gang's
                                   slowest perf): H100-equivalent */
    int64_t interruptions;      /* running jobs interrupted by a failure */
    int64_t interruptions_hardware; /* ... by a failure mode marked hardware */
    double lost_gpu_seconds;    /* GPU-seconds of work lost since the last checkpoint, plus
                                   the restarts */
    double elapsed_gpu_seconds; /* GPU-seconds from each job's first start to its finish (or
                                   now): running, restarting or waiting again */
} jobs_totals;

/* What happened to one job, for an optional observer (tests, event
 * counts). job is the job's arrival index (0, 1, ...; the trace row for a
 * trace). group is the group it starts, finishes or is preempted in, else -1. */
typedef enum jobs_job_event_type {
    JOBS_ARRIVED = 0,
    JOBS_STARTED = 1,     /* also a restart after preemption */
    JOBS_FINISHED = 2,
    JOBS_LOST = 3,
    JOBS_PREEMPTED = 4,
    JOBS_INTERRUPTED = 5  /* by a failure: back to the queue head, work since its checkpoint lost */
} jobs_job_event_type;

typedef struct jobs_job_event {
    jobs_job_event_type type;
    int64_t t;
    int64_t job;
    int64_t gpus;
    int group;
} jobs_job_event;

/* Called synchronously from inside the module's events and capacity calls;
 * it must not call back into the module's operations. */
typedef void (*jobs_observer)(const jobs_job_event *ev, void *ctx);

/* create / destroy */
/* The job stream of training workload w (which must outlive it), for run
 * seed `seed`, with n_groups capacity groups (copied; every capacity starts
 * at 0) and no arrival at or after `horizon` (seconds since start).
 * NULL when out of memory or when a LIST distribution has no positive
 * weight. */
jobs *jobs_create(const spec_workload *w, const jobs_group_def *groups, size_t n_groups,
                  uint64_t seed, int64_t horizon);
/* Frees the object. Its pending events stay in the engine and point at it:
 * destroy it only once the engine will not be run again. NULL is a no-op. */
void jobs_destroy(jobs *j);

/* setup */
/* Registers the module's handlers for `kinds` with e and schedules the first
 * arrival. Call once per jobs object; every object on one engine should use
 * the same kinds. Returns 0, or CAPSIM_ERR_EVENT_QUEUE when the first
 * arrival cannot be scheduled. The handlers stop the run with
 * CAPSIM_ERR_NO_MEMORY or CAPSIM_ERR_EVENT_QUEUE. */
capsim_status jobs_attach(jobs *j, engine *e, jobs_event_kinds kinds);
/* Appends a capacity group (for a DC built during the run); its capacity is
 * 0. Returns the new group's index, or CAPSIM_ERR_NO_MEMORY (< 0). */
int jobs_add_group(jobs *j, jobs_group_def def);

/* The slowest perf multiplier among GPUs [offset, offset + gpus) of group
 * g's range (the workload's GPUs there, its running jobs laid out in start
 * order from 0): how fast a synchronous gang on them advances. */
typedef double (*jobs_gang_speed)(void *ctx, size_t g, int64_t offset, int64_t gpus);
/* Sets (or with fn NULL, clears: every GPU at 1) the gang speed oracle. A
 * job's speed, train_speed x the oracle's answer, is fixed at its start (at
 * the end of its group's range) and at every jobs_refresh_speeds. */
void jobs_set_gang_speed(jobs *j, jobs_gang_speed fn, void *ctx);

/* Sets (or with fn NULL, clears) the observer; ctx is not owned. */
void jobs_set_observer(jobs *j, jobs_observer fn, void *ctx);

/* operations (after jobs_attach; they act at engine_now) */
/* Sets group g's capacity to `gpus` (rounded down to whole nodes, negative
 * = 0), preempts if it fell below the busy GPUs, then schedules. Returns 0,
 * or CAPSIM_ERR_EVENT_QUEUE when a job's finish cannot be scheduled. */
capsim_status jobs_set_capacity(jobs *j, size_t g, int64_t gpus);
/* The same for every group at once (gpus[g], n_groups values): preemption
 * and scheduling run once, after all groups have their new capacity. */
capsim_status jobs_set_capacities(jobs *j, const int64_t *gpus);

/* GPUs of group g's range failed at engine_now: the offsets in the
 * n_ranges half-open ranges [ranges[2k], ranges[2k + 1]) (sorted, disjoint;
 * the range is the workload's GPUs in the group, its running jobs laid out
 * in start order from 0). Every running job overlapping them is
 * interrupted: it keeps its work up to its last checkpoint (every
 * checkpoint_interval_h of run time since its start; 0: all of it), gains
 * restart_h x train_speed of work (the restart), and goes to the queue head;
 * its lost GPU-seconds are counted. down_gpus GPUs (rounded up to nodes)
 * leave the group's capacity at once (the next jobs_set_capacities sets it
 * exactly); nothing starts until the next capacity call. Returns the jobs
 * interrupted. */
int64_t jobs_interrupt(jobs *j, size_t g, const int64_t *ranges, size_t n_ranges,
                       int64_t down_gpus, int hardware);
/* Recomputes every running job's speed from the gang speed oracle with the
 * current layout (after an allocation change), rescheduling the finish of
 * those whose speed changed. Returns 0 or CAPSIM_ERR_EVENT_QUEUE. */
capsim_status jobs_refresh_speeds(jobs *j);

/* queries */
size_t jobs_n_groups(const jobs *j);
int64_t jobs_running(const jobs *j);
int64_t jobs_queued(const jobs *j);
/* GPUs requested by the jobs waiting in the queue. */
int64_t jobs_queued_gpus(const jobs *j);
int64_t jobs_group_capacity(const jobs *j, size_t g);
int64_t jobs_group_busy(const jobs *j, size_t g);
/* Busy GPUs over the groups of DC dc (O(groups)). */
int64_t jobs_dc_busy(const jobs *j, int dc);
/* Busy GPUs x train_speed over every group. */
double jobs_busy_h100(const jobs *j);
/* Integral of group g's busy GPUs from 0 to now, GPU-seconds. */
double jobs_group_busy_gpu_seconds(const jobs *j, size_t g, int64_t now);
/* Counters and integrals up to now (>= the last event the module saw). */
void jobs_totals_at(const jobs *j, int64_t now, jobs_totals *out);
/* Mean wait of started jobs, seconds (0 before any start). */
double jobs_mean_wait(const jobs *j);
/* The p-quantile (0 <= p <= 1) of the waits of started jobs, seconds, with
 * linear interpolation between order statistics (gsl_stats_quantile_from_
 * sorted_data); 0 before any start. Sorts the stored waits in place:
 * O(n log n), meant for the end of a run. */
double jobs_wait_quantile(jobs *j, double p);
/* The demand the stream offers at t, in H100-equivalent GPUs: arrivals per
 * second x mean GPUs per job (after rounding) x mean H100-seconds per job.
 * For a trace: the H100 GPU-seconds of the jobs submitted in the 7 days
 * before t, divided by 7 days. */
double jobs_offered_load_h100(const jobs *j, int64_t t);

#endif
