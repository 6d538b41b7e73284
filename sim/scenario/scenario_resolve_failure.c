/*
 * scenario_resolve_failure: [failure] and [curtailment] sections. Their keys
 * without a field: a failure's rate (rate_per_1000_per_day or mtbf_h,
 * exactly one, -> failures per unit per second) and repair_h (-> a
 * spec_distribution); a curtailment's duration_h (-> its end).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../util/textnum.h"
#include "../util/units.h"
#include "scenario_dist.h"
#include "scenario_resolve_internal.h"

#define SECONDS_PER_HOUR UNITS_SECONDS_PER_HOUR_REAL
#define SECONDS_PER_DAY UNITS_SECONDS_PER_DAY_REAL

/* The value of a REAL key without a field (checked by the reader), or 0. */
static double real_of(const scenario_resolve_ctx *rc, scenario_keys_kind kind, size_t i,
                      const char *key)
{
    const char *text = scenario_resolve__text(rc, kind, i, key);
    double v = 0.0;
    if (text && textnum_real(text, &v) != TEXTNUM_OK)
        v = 0.0;
    return v;
}

int scenario_resolve__failure(scenario_resolve_ctx *rc, size_t i)
{
    spec_failure *f = &rc->s->failures[i];
    const int by_rate = scenario_resolve__text(rc, SCENARIO_KEYS_FAILURE, i,
                                               "rate_per_1000_per_day") != NULL;
    const int by_mtbf = scenario_resolve__text(rc, SCENARIO_KEYS_FAILURE, i, "mtbf_h") != NULL;
    if (by_rate == by_mtbf) {
        scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_FAILURE, i,
                                                        by_rate ? "mtbf_h" : NULL);
        scenario_diag_error(rc->d, &w, by_rate
                            ? "both rate_per_1000_per_day and mtbf_h are set; keep only one"
                            : "a failure mode needs a rate; add rate_per_1000_per_day "
                              "(failures per 1,000 units per day) or mtbf_h (hours)");
        return -1;
    }
    f->rate_per_unit_s =
        by_rate ? real_of(rc, SCENARIO_KEYS_FAILURE, i, "rate_per_1000_per_day") / 1000.0 /
                      SECONDS_PER_DAY
                : 1.0 / (real_of(rc, SCENARIO_KEYS_FAILURE, i, "mtbf_h") * SECONDS_PER_HOUR);
    char why[512];
    if (scenario_dist_parse(scenario_resolve__text(rc, SCENARIO_KEYS_FAILURE, i, "repair_h"), 0,
                            &f->repair_h, why, sizeof why) != 0) {
        scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_FAILURE, i, "repair_h");
        scenario_diag_error(rc->d, &w, "%s", why);
        return -1;
    }
    if (f->scope != SPEC_SCOPE_GPU) {
        static const char *const gpu_only[] = {"load_factor", "drains_node"};
        for (size_t k = 0; k < sizeof gpu_only / sizeof gpu_only[0]; k++) {
            if (!scenario_resolve__text(rc, SCENARIO_KEYS_FAILURE, i, gpu_only[k]))
                continue;
            scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_FAILURE, i,
                                                            gpu_only[k]);
            scenario_resolve__warn(rc, &w, "ignored: %s applies to scope = gpu only, and this "
                                   "mode's scope is %s", gpu_only[k],
                                   spec_failure_scope_name(f->scope));
        }
    }
    if (f->planned && f->scope == SPEC_SCOPE_GPU) {
        scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_FAILURE, i, "planned");
        scenario_diag_error(rc->d, &w, "planned maintenance drains whole units: use scope = node, "
                            "rack or datacenter");
        return -1;
    }
    if (f->scope == SPEC_SCOPE_RACK && f->gpu == SPEC_ANY_GPU) {
        scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_FAILURE, i, "scope");
        scenario_resolve__warn(rc, &w, "a rack is 72 GPUs (an NVL72); name the rack-scale GPU "
                               "type with gpu = ... so that other types are not hit");
    }
    return 0;
}

int scenario_resolve__curtailment(scenario_resolve_ctx *rc, size_t i)
{
    spec_curtailment *c = &rc->s->curtailments[i];
    const double hours = real_of(rc, SCENARIO_KEYS_CURTAILMENT, i, "duration_h");
    c->end = c->start + (int64_t)llround(hours * SECONDS_PER_HOUR);
    const spec_datacenter *d = &rc->s->datacenters[c->datacenter];
    if (c->mw > d->power_mw) {
        scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_CURTAILMENT, i, "mw");
        scenario_resolve__warn(rc, &w, "mw = %g is above datacenter '%s''s power cap of %g MW; "
                               "the curtailment changes nothing", c->mw, d->name, d->power_mw);
    }
    return 0;
}

/* A warning for each GPU type that sets weibull_shape while no gpu-scope
 * failure mode applies to it: nothing of it fails by hazard, so nothing
 * ages. */
static void check_ageing(scenario_resolve_ctx *rc)
{
    const spec *s = rc->s;
    for (size_t g = 0; g < s->n_gpus; g++) {
        if (s->gpus[g].weibull_shape == 1.0 ||
            !scenario_resolve__text(rc, SCENARIO_KEYS_GPU, g, "weibull_shape"))
            continue;
        int exposed = 0;
        for (size_t k = 0; k < s->n_failures && !exposed; k++)
            exposed = s->failures[k].scope == SPEC_SCOPE_GPU &&
                      (s->failures[k].gpu == SPEC_ANY_GPU || s->failures[k].gpu == (int)g);
        if (exposed)
            continue;
        scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_GPU, g, "weibull_shape");
        scenario_resolve__warn(rc, &w, "ignored: no [failure] with scope = gpu applies to %s, so "
                               "its GPUs never fail by hazard and nothing ages",
                               s->gpus[g].name);
    }
}

int scenario_resolve__failures_switch(scenario_resolve_ctx *rc)
{
    spec *s = rc->s;
    if (s->failures_on) {
        check_ageing(rc);
        return 0;
    }
    for (size_t i = 0; i < s->n_failures; i++) {
        free(s->failures[i].repair_h.values);
        free(s->failures[i].repair_h.weights);
    }
    s->n_failures = 0;
    return 0;
}
