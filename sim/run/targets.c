#include "targets.h"

#include <math.h>
#include <string.h>

int targets_within(const spec_target *t, double simulated)
{
    double error = fabs(simulated - t->value);
    return (t->tolerance > 0 && error <= t->tolerance * fabs(t->value)) ||
           (t->tolerance_abs > 0 && error <= t->tolerance_abs);
}

/* Stores target.NAME.KEY = value. */
static int store_target_metric(store *st, const spec_target *t, const char *key, double value)
{
    char name[SPEC_NAME_MAX + 32];
    snprintf(name, sizeof name, "target.%s.%s", t->name, key);
    return store_metric(st, name, value);
}

static void print_tolerance(const spec_target *t, FILE *out)
{
    if (t->tolerance > 0)
        fprintf(out, "+-%g%%", t->tolerance * 100.0);
    if (t->tolerance > 0 && t->tolerance_abs > 0)
        fputs(" or ", out);
    if (t->tolerance_abs > 0)
        fprintf(out, "+-%g", t->tolerance_abs);
}

int targets_check(const spec *s, store *st, FILE *out)
{
    int misses = 0;
    if (s->n_targets > 0)
        fprintf(out, "Calibration targets\n");
    for (size_t i = 0; i < s->n_targets; i++) {
        const spec_target *t = &s->targets[i];
        double simulated = 0.0;
        int found = store_get_metric(st, t->metric, &simulated);
        if (found < 0)
            return found;
        int within = found && targets_within(t, simulated);
        misses += !within;
        fprintf(out, "  %-28s %s = ", t->name, t->metric);
        if (found)
            fprintf(out, "%.4g", simulated);
        else
            fputs("(not produced by this run)", out);
        fprintf(out, ", target %.4g ", t->value);
        print_tolerance(t, out);
        fprintf(out, ": %s\n", !found ? "missing" : within ? "within" : "OUTSIDE");
        int rc = store_target_metric(st, t, "value", t->value);
        if (rc == STORE_OK && found)
            rc = store_target_metric(st, t, "simulated", simulated);
        if (rc == STORE_OK)
            rc = store_target_metric(st, t, "within", within);
        if (rc != STORE_OK)
            return rc;
    }
    return misses;
}
