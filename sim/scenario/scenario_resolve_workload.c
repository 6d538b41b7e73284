/*
 * scenario_resolve_workload: the checks of a [workload] and the placing of its
 * keys without a field: series (-> arrays read from a CSV), job_gpus and
 * duration_h (-> spec_distribution), trace (-> jobs read from a CSV).
 *
 * Which keys a workload reads depends on its type, its growth model and,
 * for training, whether a trace replaces the synthetic stream. A key that
 * is set but not read is a warning ("ignored: ..."), never an error: a
 * sweep or an include may well set it for another variant.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobtrace.h"
#include "scenario_dist.h"
#include "scenario_resolve_internal.h"
#include "series.h"

#define INFERENCE (1u << SPEC_INFERENCE)
#define TRAINING (1u << SPEC_TRAINING)
#define ANY_GROWTH (-1)

/* The keys that only some workloads read. */
static const struct {
    const char *key;
    unsigned types;     /* bits of the workload types that read it */
    int growth;         /* the only growth model that reads it, or ANY_GROWTH */
    int synthetic;      /* training: read only without a trace */
} scoped_keys[] = {
    {"demand_h100", INFERENCE, ANY_GROWTH, 0},
    {"growth", INFERENCE | TRAINING, ANY_GROWTH, 1},
    {"yearly_factor", INFERENCE | TRAINING, SPEC_GROWTH_EXPONENTIAL, 1},
    {"ceiling_h100", INFERENCE, SPEC_GROWTH_LOGISTIC, 0},
    {"rate_per_year", INFERENCE | TRAINING, SPEC_GROWTH_LOGISTIC, 1},
    {"series", INFERENCE, SPEC_GROWTH_SERIES, 0},
    {"diurnal_amplitude", INFERENCE, ANY_GROWTH, 0},
    {"peak_hour", INFERENCE, ANY_GROWTH, 0},
    {"noise_sigma", INFERENCE, ANY_GROWTH, 0},
    {"arrival_rate_per_day", TRAINING, ANY_GROWTH, 1},
    {"ceiling_rate_per_day", TRAINING, SPEC_GROWTH_LOGISTIC, 1},
    {"job_gpus", TRAINING, ANY_GROWTH, 1},
    {"duration_h", TRAINING, ANY_GROWTH, 1},
    {"max_wait_h", TRAINING, ANY_GROWTH, 0},
    {"backfill", TRAINING, ANY_GROWTH, 0},
    {"checkpoint_interval_h", TRAINING, ANY_GROWTH, 0},
    {"restart_h", TRAINING, ANY_GROWTH, 0},
    {"trace", TRAINING, ANY_GROWTH, 0},
};

/* One warning per key that is set but not read. */
static void warn_ignored(scenario_resolve_ctx *rc, size_t i)
{
    const spec_workload *wl = &rc->s->workloads[i];
    int traced = wl->type == SPEC_TRAINING && scenario_resolve__text(rc, SCENARIO_KEYS_WORKLOAD, i, "trace");
    for (size_t k = 0; k < sizeof scoped_keys / sizeof scoped_keys[0]; k++) {
        const char *key = scoped_keys[k].key;
        if (!scenario_resolve__text(rc, SCENARIO_KEYS_WORKLOAD, i, key))
            continue;
        scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_WORKLOAD, i, key);
        int growth = scoped_keys[k].growth;
        if (!(scoped_keys[k].types & (1u << wl->type)))
            scenario_resolve__warn(rc, &w, "ignored: %s applies to %s workloads only, and this one "
                             "is %s", key, (scoped_keys[k].types & INFERENCE) ? "inference"
                             : "training", spec_workload_type_name(wl->type));
        else if (traced && scoped_keys[k].synthetic)
            scenario_resolve__warn(rc, &w, "ignored: the trace replaces the synthetic job stream");
        else if (growth != ANY_GROWTH && growth != (int)wl->growth)
            scenario_resolve__warn(rc, &w, "ignored: growth is %s, and %s applies to %s growth only",
                             spec_growth_name(wl->growth), key,
                             spec_growth_name((spec_growth)growth));
    }
}

/* An error unless the key is set. */
static int need(scenario_resolve_ctx *rc, size_t i, const char *key, const char *what)
{
    if (scenario_resolve__text(rc, SCENARIO_KEYS_WORKLOAD, i, key))
        return 0;
    scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_WORKLOAD, i, key);
    scenario_diag_error(rc->d, &w, "%s; add `%s = ...`", what, key);
    return -1;
}

/* A CSV error: at the CSV's line when the data is wrong, else at the key. */
static void csv_error(scenario_resolve_ctx *rc, size_t i, const char *key, const char *path,
                      int bad_data, int line, const char *why)
{
    scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_WORKLOAD, i, key);
    scenario_diag_where at = {path, line, "workload", rc->s->workloads[i].name, key};
    scenario_diag_error(rc->d, bad_data ? &at : &w, "%s", why);
}

/* The path of a CSV named by a key, against the file that set it. malloc'd. */
static char *csv_path(scenario_resolve_ctx *rc, size_t i, const char *key)
{
    scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_WORKLOAD, i, key);
    int set_by_option = strcmp(w.file, SCENARIO_DIAG_SET_FILE) == 0;
    return scenario_raw_join_path(set_by_option ? NULL : w.file,
                            scenario_resolve__text(rc, SCENARIO_KEYS_WORKLOAD, i, key));
}

/* ---- inference ---- */

static int resolve_logistic(scenario_resolve_ctx *rc, size_t i)
{
    const spec_workload *wl = &rc->s->workloads[i];
    if (need(rc, i, "ceiling_h100", "growth = logistic needs ceiling_h100 (the ceiling K, "
             "H100-equivalent GPUs)") ||
        need(rc, i, "rate_per_year", "growth = logistic needs rate_per_year (the growth rate "
             "r, per year)"))
        return -1;
    if (wl->ceiling_h100 <= wl->demand_h100) {
        scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_WORKLOAD, i, "ceiling_h100");
        scenario_diag_error(rc->d, &w, "ceiling_h100 = %g is not above demand_h100 = %g; the "
                      "logistic ceiling K must exceed the starting demand", wl->ceiling_h100,
                      wl->demand_h100);
        return -1;
    }
    if (wl->demand_h100 == 0) {
        scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_WORKLOAD, i, "demand_h100");
        scenario_resolve__warn(rc, &w, "logistic growth from demand_h100 = 0 stays at 0");
    }
    return 0;
}

static int resolve_series(scenario_resolve_ctx *rc, size_t i)
{
    spec_workload *wl = &rc->s->workloads[i];
    if (need(rc, i, "series", "growth = series needs a CSV file of `date,demand_h100` rows"))
        return -1;
    char *path = csv_path(rc, i, "series");
    char why[512] = "out of memory";
    int line = 0;
    series_status st = path ? series_read(path, rc->s->start_day, &wl->series_t,
                                          &wl->series_value, &wl->series_len, &line, why,
                                          sizeof why)
                            : SERIES_NO_MEMORY;
    if (st != SERIES_OK)
        csv_error(rc, i, "series", path, st == SERIES_BAD_DATA, line, why);
    free(path);
    return st == SERIES_OK ? 0 : -1;
}

static int resolve_inference(scenario_resolve_ctx *rc, size_t i)
{
    spec_growth growth = rc->s->workloads[i].growth;
    /* a series gives the demand itself: demand_h100 (the trend's start) is then unused */
    if (growth != SPEC_GROWTH_SERIES &&
        need(rc, i, "demand_h100", "an inference workload needs demand_h100 (its demand at "
             "start, H100-equivalent GPUs), or growth = series with a series file"))
        return -1;
    if (growth == SPEC_GROWTH_LOGISTIC)
        return resolve_logistic(rc, i);
    if (growth == SPEC_GROWTH_SERIES)
        return resolve_series(rc, i);
    return 0;
}

/* ---- training ---- */

static int resolve_distribution(scenario_resolve_ctx *rc, size_t i, const char *key,
                                spec_distribution *out)
{
    const scenario_keys_key *k = &scenario_keys_kind_of(SCENARIO_KEYS_WORKLOAD)->keys[
        scenario_resolve__key(SCENARIO_KEYS_WORKLOAD, key)];
    char why[512];
    if (scenario_dist_parse(scenario_resolve__text(rc, SCENARIO_KEYS_WORKLOAD, i, key),
                      (k->flags & SCENARIO_KEYS_GPU_VALUES) != 0, out, why, sizeof why) == 0)
        return 0;
    scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_WORKLOAD, i, key);
    scenario_diag_error(rc->d, &w, "%s", why);
    return -1;
}

/* The synthetic stream: a rate, its growth, and the two distributions. */
static int resolve_stream(scenario_resolve_ctx *rc, size_t i)
{
    spec_workload *wl = &rc->s->workloads[i];
    if (need(rc, i, "arrival_rate_per_day", "a training workload needs arrival_rate_per_day "
             "(jobs per day at start), or a trace") ||
        need(rc, i, "job_gpus", "a training workload needs job_gpus (GPUs per job, e.g. "
             "`8:0.5, 64:0.3, 512:0.2`), or a trace") ||
        need(rc, i, "duration_h", "a training workload needs duration_h (hours per job on an "
             "H100, e.g. `exponential 12`), or a trace"))
        return -1;
    if (wl->growth == SPEC_GROWTH_LOGISTIC &&
        (need(rc, i, "ceiling_rate_per_day", "growth = logistic needs ceiling_rate_per_day "
              "(the ceiling of the arrival rate, jobs per day)") ||
         need(rc, i, "rate_per_year", "growth = logistic needs rate_per_year (the growth rate "
              "r, per year)")))
        return -1;
    if (wl->growth == SPEC_GROWTH_LOGISTIC &&
        wl->ceiling_rate_per_day <= wl->arrival_rate_per_day) {
        scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_WORKLOAD, i, "ceiling_rate_per_day");
        scenario_diag_error(rc->d, &w, "ceiling_rate_per_day = %g is not above arrival_rate_per_day "
                      "= %g; the logistic ceiling must exceed the starting rate",
                      wl->ceiling_rate_per_day, wl->arrival_rate_per_day);
        return -1;
    }
    return resolve_distribution(rc, i, "job_gpus", &wl->job_gpus) ||
           resolve_distribution(rc, i, "duration_h", &wl->duration_h) ? -1 : 0;
}

/* Keeps the jobs submitted in [start, end); warns about the others. */
static int keep_in_period(scenario_resolve_ctx *rc, size_t i, const char *path)
{
    spec_workload *wl = &rc->s->workloads[i];
    size_t first = 0, last = wl->trace_len, n = wl->trace_len;
    while (first < n && wl->trace[first].submit < wl->start)
        first++;
    while (last > first && wl->trace[last - 1].submit >= rc->s->end)
        last--;
    scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_WORKLOAD, i, "trace");
    char start[11], end[11];
    scenario_resolve__date(rc, wl->start, start);
    scenario_resolve__date(rc, rc->s->end - UNITS_SECONDS_PER_DAY, end);
    if (first == last) {
        scenario_diag_error(rc->d, &w, "none of the %zu jobs of trace '%s' is submitted between the "
                      "workload's start %s and the scenario's end %s; check the dates", n,
                      path, start, end);
        return -1;
    }
    if (last - first < n) {
        scenario_resolve__warn(rc, &w, "%zu of the %zu jobs of the trace are submitted before the "
                         "workload's start %s or after the scenario's end %s and are left out",
                         n - (last - first), n, start, end);
        memmove(wl->trace, wl->trace + first, (last - first) * sizeof *wl->trace);
        wl->trace_len = last - first;
    }
    return 0;
}

static int resolve_trace(scenario_resolve_ctx *rc, size_t i)
{
    spec_workload *wl = &rc->s->workloads[i];
    char *path = csv_path(rc, i, "trace");
    char why[512] = "out of memory";
    int line = 0;
    jobtrace_status st = path ? jobtrace_read(path, rc->s->start_day, rc->s->gpus, rc->s->n_gpus,
                                              &wl->trace, &wl->trace_len, &line, why,
                                              sizeof why)
                              : JOBTRACE_NO_MEMORY;
    if (st != JOBTRACE_OK)
        csv_error(rc, i, "trace", path, st == JOBTRACE_BAD_DATA, line, why);
    int status = st == JOBTRACE_OK ? keep_in_period(rc, i, path) : -1;
    free(path);
    return status;
}

static int resolve_training(scenario_resolve_ctx *rc, size_t i)
{
    if (rc->s->workloads[i].growth == SPEC_GROWTH_SERIES) {
        scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_WORKLOAD, i, "growth");
        scenario_diag_error(rc->d, &w, "growth = series is for inference workloads; the arrival "
                      "rate of a training workload grows exponential or logistic (or set "
                      "trace = FILE to replay recorded jobs)");
        return -1;
    }
    if (scenario_resolve__text(rc, SCENARIO_KEYS_WORKLOAD, i, "trace"))
        return resolve_trace(rc, i);
    return resolve_stream(rc, i);
}

int scenario_resolve__workload(scenario_resolve_ctx *rc, size_t i)
{
    warn_ignored(rc, i);
    if (rc->s->workloads[i].type == SPEC_TRAINING)
        return resolve_training(rc, i);
    return resolve_inference(rc, i);
}
