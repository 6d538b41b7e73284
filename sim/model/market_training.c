/*
 * market_training: the market's side of training workloads. The jobs module
 * (jobs.h) schedules the jobs; this file gives each training workload the
 * GPUs it may use and turns the jobs' state into rows.
 *
 * Capacity. A training workload of tenant p may use, in every alloc group
 * (one GPU type in one DC), p's own-use GPUs there: the leaves whose user is
 * p, split evenly (in whole nodes) between p's training workloads. It is set
 * at every allocation change, not per tick, so per-tick spot preemption
 * never touches running jobs; it reduces only inference capacity.
 *
 * Per tick. The GPUs busy with jobs, per (tenant, group), are taken off the
 * tenant's inference capacity (x the type's inference speed); in a leaf,
 * that share of GPUs runs at full load and the rest serves inference. A
 * training workload's row: demand = GPUs running (in H100-equivalents, by
 * train_speed) + GPUs queued (counted as H100s); served = running; shortfall
 * = queued; capacity = its GPUs x train_speed.
 */
#include "market_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs.h"

enum { TRAINING_EV_ARRIVAL = 8, TRAINING_EV_FINISH = 9, TRAINING_EV_DEADLINE = 10 };

static size_t cell(const market *m, int provider, size_t group)
{
    return (size_t)provider * m->n_groups + group;
}

capsim_status market__training_create(market *m)
{
    const spec *s = m->spec;
    const alloc *a = m->alloc;
    size_t n_groups;
    const alloc_group *layout = alloc_groups(a, &n_groups);
    m->n_groups = n_groups;
    const size_t cells = (s->n_providers + 1) * (n_groups + 1);
    m->jobs = calloc(s->n_workloads + 1, sizeof *m->jobs);
    m->provider_n_training = calloc(s->n_providers + 1, sizeof *m->provider_n_training);
    m->train_busy = calloc(cells, sizeof *m->train_busy);
    m->own_gpus = calloc(cells, sizeof *m->own_gpus);
    m->capacity_scratch = calloc(n_groups + 1, sizeof *m->capacity_scratch);
    m->train_interruptions = calloc(s->n_workloads + 1, sizeof *m->train_interruptions);
    m->train_lost_s = calloc(s->n_workloads + 1, sizeof *m->train_lost_s);
    jobs_group_def *groups = calloc(n_groups + 1, sizeof *groups);
    capsim_status rc = CAPSIM_OK;
    if (!m->jobs || !m->provider_n_training || !m->train_busy || !m->own_gpus ||
        !m->capacity_scratch || !m->train_interruptions || !m->train_lost_s || !groups)
        rc = capsim_fail(CAPSIM_ERR_NO_MEMORY);
    for (size_t g = 0; rc == CAPSIM_OK && g < n_groups; g++)
        groups[g] = (jobs_group_def){layout[g].datacenter, layout[g].gpu,
                                     s->gpus[layout[g].gpu].train_speed};
    for (size_t w = 0; rc == CAPSIM_OK && w < s->n_workloads; w++) {
        if (s->workloads[w].type != SPEC_TRAINING)
            continue;
        m->jobs[w] = jobs_create(&s->workloads[w], groups, n_groups, s->seed, s->end);
        if (m->jobs[w]) {
            jobs_gang_speed fn;
            void *ctx;
            failures__gang_speed(m, w, &fn, &ctx);
            jobs_set_gang_speed(m->jobs[w], fn, ctx);
        }
        rc = m->jobs[w] ? CAPSIM_OK : capsim_fail(CAPSIM_ERR_NO_MEMORY);
        m->provider_n_training[s->workloads[w].tenant]++;
    }
    free(groups);
    return rc;
}

void market__training_destroy(market *m)
{
    if (m->jobs)
        for (size_t w = 0; w < m->spec->n_workloads; w++)
            jobs_destroy(m->jobs[w]);
    free(m->jobs);
    free(m->provider_n_training);
    free(m->train_busy);
    free(m->own_gpus);
    free(m->capacity_scratch);
    free(m->train_interruptions);
    free(m->train_lost_s);
}

capsim_status market__training_attach(market *m, engine *e)
{
    const jobs_event_kinds kinds = {TRAINING_EV_ARRIVAL, TRAINING_EV_FINISH,
                                    TRAINING_EV_DEADLINE};
    capsim_status st;
    for (size_t w = 0; w < m->spec->n_workloads; w++)
        if (m->jobs[w] && (st = jobs_attach(m->jobs[w], e, kinds)) != CAPSIM_OK)
            return st;
    return market__training_set_capacity(m);
}

/* Own-use GPUs per (provider, group), from the current leaves. */
static void count_own_gpus(market *m)
{
    const alloc *a = m->alloc;
    size_t n_leaves;
    const alloc_leaf *leaves = alloc_leaves(a, &n_leaves);
    memset(m->own_gpus, 0, m->spec->n_providers * m->n_groups * sizeof *m->own_gpus);
    for (size_t l = 0; l < n_leaves; l++)
        m->own_gpus[cell(m, leaves[l].user, (size_t)leaves[l].group)] += leaves[l].gpus;
}

capsim_status market__training_set_capacity(market *m)
{
    const spec *s = m->spec;
    const size_t n_groups = m->n_groups;
    count_own_gpus(m);
    for (size_t w = 0; w < s->n_workloads; w++) {
        if (!m->jobs[w] || !m->engine)
            continue;
        const int p = s->workloads[w].tenant;
        const int64_t split = (int64_t)m->provider_n_training[p];
        for (size_t g = 0; g < n_groups; g++) {
            const int64_t nodes = m->own_gpus[cell(m, p, g)] / SPEC_GPUS_PER_NODE / split;
            m->capacity_scratch[g] = nodes * SPEC_GPUS_PER_NODE;
        }
        capsim_status st = jobs_set_capacities(m->jobs[w], m->capacity_scratch);
        if (st == CAPSIM_OK)
            st = jobs_refresh_speeds(m->jobs[w]);
        if (st != CAPSIM_OK)
            return st;
    }
    return CAPSIM_OK;
}

void market__training_reserve(market *m)
{
    const spec *s = m->spec;
    const alloc *a = m->alloc;
    size_t n_groups;
    const alloc_group *groups = alloc_groups(a, &n_groups);
    memset(m->train_busy, 0, s->n_providers * n_groups * sizeof *m->train_busy);
    for (size_t w = 0; w < s->n_workloads; w++) {
        if (!m->jobs[w])
            continue;
        const int p = s->workloads[w].tenant;
        for (size_t g = 0; g < n_groups; g++) {
            const double busy = (double)jobs_group_busy(m->jobs[w], g);
            m->train_busy[cell(m, p, g)] += busy;
            m->provider_capacity_h100[p] -= busy * s->gpus[groups[g].gpu].infer_speed;
        }
    }
    for (size_t p = 0; p < s->n_providers; p++)
        if (m->provider_capacity_h100[p] < 0.0)
            m->provider_capacity_h100[p] = 0.0;
}

double market__leaf_training_share(const market *m, const alloc_leaf *leaf)
{
    const size_t c = cell(m, leaf->user, (size_t)leaf->group);
    if (m->own_gpus[c] <= 0)
        return 0.0;
    const double share = m->train_busy[c] / (double)m->own_gpus[c];
    return share < 1.0 ? share : 1.0;
}

void market__training_rows(market *m, int64_t t, double dt_h)
{
    const spec *s = m->spec;
    const alloc *a = m->alloc;
    size_t n_groups;
    const alloc_group *groups = alloc_groups(a, &n_groups);
    for (size_t w = 0; w < s->n_workloads; w++) {
        const jobs *j = m->jobs[w];
        if (!j)
            continue;
        market_workload_row *row = &m->workload_rows[w];
        double capacity = 0.0;
        for (size_t g = 0; g < n_groups; g++)
            capacity += (double)jobs_group_capacity(j, g) * s->gpus[groups[g].gpu].train_speed;
        row->served_h100 = jobs_busy_h100(j);
        row->shortfall_h100 = (double)jobs_queued_gpus(j);
        row->demand_h100 = row->served_h100 + row->shortfall_h100;
        row->capacity_h100 = capacity;
        row->jobs_running = jobs_running(j);
        row->jobs_queued = jobs_queued(j);
        row->goodput_h100_hours = row->served_h100 * dt_h;
        jobs_totals tot;
        jobs_totals_at(j, t, &tot);
        row->interruptions = tot.interruptions - m->train_interruptions[w];
        row->lost_gpu_hours = (tot.lost_gpu_seconds - m->train_lost_s[w]) / UNITS_SECONDS_PER_HOUR_REAL;
        m->train_interruptions[w] = tot.interruptions;
        m->train_lost_s[w] = tot.lost_gpu_seconds;
        market_provider_row *r = &m->provider_rows[s->workloads[w].tenant];
        r->demand_h100 += row->demand_h100;
        r->served_h100 += row->served_h100;
        r->shortfall_h100 += row->shortfall_h100;
    }
}

/* ---- end-of-run metrics ---- */

size_t market_end_metrics(market *m, int64_t now, market_metric *out, size_t cap)
{
    const spec *s = m->spec;
    size_t n = 0;
    for (size_t w = 0; w < s->n_workloads; w++) {
        jobs *j = m->jobs[w];
        if (!j)
            continue;
        const char *name = s->workloads[w].name;
        jobs_totals tot;
        jobs_totals_at(j, now, &tot);
        const double hours = now > 0 ? (double)now / UNITS_SECONDS_PER_HOUR_REAL : 1.0;
        n = market__put_metric(out, n, cap, "jobs_arrived", name, (double)tot.arrived);
        n = market__put_metric(out, n, cap, "jobs_started", name, (double)tot.started);
        n = market__put_metric(out, n, cap, "jobs_completed", name, (double)tot.completed);
        n = market__put_metric(out, n, cap, "jobs_lost", name, (double)tot.lost);
        n = market__put_metric(out, n, cap, "jobs_preempted", name, (double)tot.preempted);
        n = market__put_metric(out, n, cap, "mean_wait_h", name,
                               jobs_mean_wait(j) / UNITS_SECONDS_PER_HOUR_REAL);
        n = market__put_metric(out, n, cap, "p95_wait_h", name,
                jobs_wait_quantile(j, 0.95) / UNITS_SECONDS_PER_HOUR_REAL);
        n = market__put_metric(out, n, cap, "gpu_hours_served", name,
                tot.busy_gpu_seconds / UNITS_SECONDS_PER_HOUR_REAL);
        n = market__put_metric(out, n, cap, "h100_hours_served", name,
                tot.busy_h100_seconds / UNITS_SECONDS_PER_HOUR_REAL);
        n = market__put_metric(out, n, cap, "mean_jobs_queued", name,
                tot.queued_job_seconds / UNITS_SECONDS_PER_HOUR_REAL / hours);
        n = market__put_metric(out, n, cap, "interruptions", name, (double)tot.interruptions);
        n = market__put_metric(out, n, cap, "interruptions_hardware", name,
                (double)tot.interruptions_hardware);
        n = market__put_metric(out, n, cap, "interruptions_hardware_share", name,
                tot.interruptions > 0
                    ? (double)tot.interruptions_hardware / (double)tot.interruptions : 0.0);
        n = market__put_metric(out, n, cap, "lost_gpu_hours", name,
                tot.lost_gpu_seconds / UNITS_SECONDS_PER_HOUR_REAL);
        n = market__put_metric(out, n, cap, "effective_training_time", name,
                tot.elapsed_gpu_seconds > 0.0
                    ? (tot.busy_gpu_seconds - tot.lost_gpu_seconds) / tot.elapsed_gpu_seconds
                    : 1.0);
    }
    n = failures__metrics(m, out, n, cap);
    return market__undelivered_metrics(m, out, n, cap);
}
