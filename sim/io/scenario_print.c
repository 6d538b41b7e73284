/*
 * scenario_print: the resolved model in readable form, for
 * `capsim validate --print`. Dates are printed as the scenario writes them:
 * an inclusive last day for the period and for contracts.
 */
#include <stdio.h>

#include "../engine/caltime.h"
#include "scenario.h"

typedef struct printer {
    FILE *out;
    const spec *s;
    int64_t start_day;
} printer;

/* YYYY-MM-DD of t seconds since the scenario start. */
static const char *date_of(const printer *p, int64_t t, char buf[11])
{
    caltime_format_date(p->start_day * SPEC_SECONDS_PER_DAY + t, buf);
    return buf;
}

static void print_period(const printer *p)
{
    const spec *s = p->s;
    char last[11];
    fprintf(p->out, "scenario  %s\n", s->name);
    fprintf(p->out, "period    %s to %s inclusive (%lld days), tick %lld s, seed %llu\n",
            s->start_date, date_of(p, s->end - SPEC_SECONDS_PER_DAY, last),
            (long long)(s->end / SPEC_SECONDS_PER_DAY), (long long)s->tick_seconds,
            (unsigned long long)s->seed);
}

static void print_gpus(const printer *p)
{
    fprintf(p->out, "\nGPU types (%zu)\n", p->s->n_gpus);
    for (size_t i = 0; i < p->s->n_gpus; i++) {
        const spec_gpu *g = &p->s->gpus[i];
        fprintf(p->out, "  %-12s TDP %g W, idle %g W, train %gx, infer %gx, capex %g USD over "
                "%g years, stragglers %g%% at %gx\n", g->name, g->tdp_w, g->idle_w,
                g->train_speed, g->infer_speed, g->capex_usd, g->depreciation_years,
                g->straggler_share * 100, g->straggler_speed);
    }
}

/* GPUs per type at full build-out, and their TDP in MW. */
static void print_dc_gpus(const printer *p, size_t dc)
{
    const spec *s = p->s;
    double draw_w = 0;
    fprintf(p->out, "      GPUs at full build-out:");
    int any = 0;
    for (size_t g = 0; g < s->n_gpus; g++) {
        int64_t n = 0;
        for (size_t i = 0; i < s->n_phases; i++)
            if (s->phases[i].datacenter == (int)dc && s->phases[i].gpu == (int)g)
                n += s->phases[i].count;
        if (n)
            fprintf(p->out, "%s %s %lld", any++ ? "," : "", s->gpus[g].name, (long long)n);
        draw_w += (double)n * s->gpus[g].tdp_w;
    }
    fprintf(p->out, "%s; TDP %.2f of %g MW\n", any ? "" : " none", draw_w / 1e6,
            s->datacenters[dc].power_mw);
}

static void print_providers(const printer *p)
{
    const spec *s = p->s;
    char online[11];
    fprintf(p->out, "\nproviders (%zu) and datacenters (%zu)\n", s->n_providers,
            s->n_datacenters);
    for (size_t i = 0; i < s->n_providers; i++) {
        fprintf(p->out, "  %s (%s)\n", s->providers[i].name,
                spec_provider_kind_name(s->providers[i].kind));
        for (size_t dc = 0; dc < s->n_datacenters; dc++) {
            const spec_datacenter *d = &s->datacenters[dc];
            if (d->owner != (int)i)
                continue;
            fprintf(p->out, "    %s  region '%s', online %s, PUE %g, %g USD/MWh\n", d->name,
                    d->region, date_of(p, d->online, online), d->pue,
                    d->energy_price_per_mwh);
            print_dc_gpus(p, dc);
        }
    }
}

static void print_phases(const printer *p)
{
    const spec *s = p->s;
    char online[11];
    fprintf(p->out, "\nbuild phases (%zu)\n", s->n_phases);
    for (size_t i = 0; i < s->n_phases; i++) {
        const spec_phase *ph = &s->phases[i];
        fprintf(p->out, "  %s  %-16s %-12s %8lld x %s\n", date_of(p, ph->online, online),
                ph->name, s->datacenters[ph->datacenter].name, (long long)ph->count,
                s->gpus[ph->gpu].name);
    }
}

static void print_contracts(const printer *p)
{
    const spec *s = p->s;
    char start[11], last[11];
    fprintf(p->out, "\ncontracts (%zu)\n", s->n_contracts);
    for (size_t i = 0; i < s->n_contracts; i++) {
        const spec_contract *c = &s->contracts[i];
        fprintf(p->out, "  %-16s %s -> %s, %lld x %s, %s to %s inclusive, %g USD/GPU-hour, "
                "%s\n", c->name, s->providers[c->lessor].name, s->providers[c->lessee].name,
                (long long)c->gpus, c->gpu == SPEC_ANY_GPU ? "any" : s->gpus[c->gpu].name,
                date_of(p, c->start, start), date_of(p, c->end - SPEC_SECONDS_PER_DAY, last),
                c->price_per_gpu_hour, spec_contract_kind_name(c->kind));
    }
}

static void print_growth(const printer *p, const spec_workload *w)
{
    switch (w->growth) {
    case SPEC_GROWTH_EXPONENTIAL:
        fprintf(p->out, "exponential, x%g per year", w->yearly_factor);
        break;
    case SPEC_GROWTH_LOGISTIC:
        fprintf(p->out, "logistic, ceiling %g, rate %g per year", w->ceiling_h100,
                w->rate_per_year);
        break;
    case SPEC_GROWTH_SERIES:
        fprintf(p->out, "series of %zu points, %g to %g", w->series_len, w->series_value[0],
                w->series_value[w->series_len - 1]);
        break;
    }
}

static void print_workloads(const printer *p)
{
    const spec *s = p->s;
    char start[11];
    fprintf(p->out, "\nworkloads (%zu)\n", s->n_workloads);
    for (size_t i = 0; i < s->n_workloads; i++) {
        const spec_workload *w = &s->workloads[i];
        fprintf(p->out, "  %-16s inference for %s from %s: %g H100-equivalent GPUs, ", w->name,
                s->providers[w->tenant].name, date_of(p, w->start, start), w->demand_h100);
        print_growth(p, w);
        fprintf(p->out, "; diurnal amplitude %g peaking at %g h UTC; noise sigma %g\n",
                w->diurnal_amplitude, w->peak_hour, w->noise_sigma);
    }
}

void scenario_print(const scenario *sc, FILE *out)
{
    printer p = {out, sc->spec, 0};
    caltime_parse_date(sc->spec->start_date, &p.start_day);
    print_period(&p);
    print_gpus(&p);
    print_providers(&p);
    print_phases(&p);
    print_contracts(&p);
    print_workloads(&p);
    fprintf(out, "\nwarnings (%zu)\n", sc->n_warnings);
    for (size_t i = 0; i < sc->n_warnings; i++)
        fprintf(out, "  %s\n", sc->warnings[i]);
}
