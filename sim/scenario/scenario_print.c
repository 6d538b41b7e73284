/*
 * scenario_print: the resolved model in readable form, for
 * `capsim validate --print`. Dates are printed as the scenario writes them:
 * an inclusive last day for the period and for contracts. Spans given in
 * months are printed in months again (seconds / UNITS_SECONDS_PER_MONTH).
 */
#include <stdio.h>

#include "../util/caltime.h"
#include "scenario.h"
#include "scenario_dist.h"
#include "scenario_keys.h"

typedef struct printer {
    FILE *out;
    const spec *s;
} printer;

/* YYYY-MM-DD of t seconds since the scenario start. */
static const char *date_of(const printer *p, int64_t t, char buf[11])
{
    caltime_format_date_since(p->s->start_day, t, buf);
    return buf;
}

static void print_period(const printer *p)
{
    const spec *s = p->s;
    char first[11], last[11];
    fprintf(p->out, "scenario  %s\n", s->name);
    fprintf(p->out, "period    %s to %s inclusive (%lld days), tick %lld s, seed %llu\n",
            date_of(p, 0, first), date_of(p, s->end - UNITS_SECONDS_PER_DAY, last),
            (long long)(s->end / UNITS_SECONDS_PER_DAY), (long long)s->tick_seconds,
            (unsigned long long)s->seed);
}

static void print_gpus(const printer *p)
{
    fprintf(p->out, "\nGPU types (%zu)\n", p->s->n_gpus);
    for (size_t i = 0; i < p->s->n_gpus; i++) {
        const spec_gpu *g = &p->s->gpus[i];
        fprintf(p->out, "  %-12s TDP %g W, idle %g W, host %g W, train %gx, infer %gx, capex %g "
                "USD over %g years, stragglers %g%% at %gx", g->name, g->tdp_w, g->idle_w,
                g->host_w, g->train_speed, g->infer_speed, g->capex_usd, g->depreciation_years,
                g->straggler_share * 100, g->straggler_speed);
        if (g->weibull_shape != 1.0)
            fprintf(p->out, ", failures age with Weibull shape %g", g->weibull_shape);
        fputc('\n', p->out);
    }
}

/* GPUs per type at full build-out, and their system power (tdp_w + host_w) in MW. */
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
        draw_w += (double)n * spec_gpu_system_w(&s->gpus[g]);
    }
    fprintf(p->out, "%s; system power %.2f of %g MW\n", any ? "" : " none", draw_w / 1e6,
            s->datacenters[dc].power_mw);
}

static void print_providers(const printer *p)
{
    const spec *s = p->s;
    char online[11];
    fprintf(p->out, "\nproviders (%zu) and datacenters (%zu)\n", s->n_providers,
            s->n_datacenters);
    for (size_t i = 0; i < s->n_providers; i++) {
        const spec_provider *pr = &s->providers[i];
        fprintf(p->out, "  %s (%s%s)", pr->name, spec_provider_kind_name(pr->kind),
                pr->allocation == SPEC_NEWEST_FIRST ? ", any contracts newest first" : "");
        if (pr->debt_share > 0)
            fprintf(p->out, ", %g%% of capex financed at %g%% a year", pr->debt_share * 100,
                    pr->interest_rate * 100);
        fprintf(p->out, "\n");
        for (size_t dc = 0; dc < s->n_datacenters; dc++) {
            const spec_datacenter *d = &s->datacenters[dc];
            if (d->owner != (int)i)
                continue;
            fprintf(p->out, "    %s  region '%s', online %s, PUE %g, %g USD/MWh, opex %g "
                    "USD/MW-year\n", d->name, d->region, date_of(p, d->online, online), d->pue,
                    d->energy_price_per_mwh, d->opex_per_mw_year);
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

static const char *gpu_name(const spec *s, int gpu)
{
    return gpu == SPEC_ANY_GPU ? "any" : s->gpus[gpu].name;
}

static double months_of(int64_t seconds)
{
    return (double)seconds / UNITS_SECONDS_PER_MONTH;
}

/* The optional terms of a contract, on a line of their own when any is set. */
static void print_contract_terms(const printer *p, const spec_contract *c)
{
    char when[11];
    if (c->ramp_seconds == 0 && c->sla_availability == 0 && c->terminate == SPEC_NO_TIME)
        return;
    fprintf(p->out, "    ");
    if (c->ramp_seconds)
        fprintf(p->out, " ramp %g months;", months_of(c->ramp_seconds));
    if (c->sla_availability > 0)
        fprintf(p->out, " SLA %g%% availability, credit %g%% of the payment;",
                c->sla_availability * 100, c->sla_credit_share * 100);
    if (c->terminate != SPEC_NO_TIME)
        fprintf(p->out, " terminated on %s (last day the day before), fee %g months;",
                date_of(p, c->terminate, when), c->termination_fee_months);
    fprintf(p->out, "\n");
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
                (long long)c->gpus, gpu_name(s, c->gpu),
                date_of(p, c->start, start), date_of(p, c->end - UNITS_SECONDS_PER_DAY, last),
                c->price_per_gpu_hour, spec_contract_kind_name(c->kind));
        if (c->n_type_prices > 0) {
            fprintf(p->out, "    prices by type:");
            for (size_t k = 0; k < c->n_type_prices; k++)
                fprintf(p->out, "%s %s %g", k ? "," : "", s->gpus[c->type_prices[k].gpu].name,
                        c->type_prices[k].price_per_gpu_hour);
            fprintf(p->out, " USD/GPU-hour; other types at %g\n", c->price_per_gpu_hour);
        }
        print_contract_terms(p, c);
    }
}

static void print_growth(const printer *p, const spec_workload *w)
{
    int training = w->type == SPEC_TRAINING;
    switch (w->growth) {
    case SPEC_GROWTH_EXPONENTIAL:
        fprintf(p->out, "exponential, x%g per year", w->yearly_factor);
        break;
    case SPEC_GROWTH_LOGISTIC:
        fprintf(p->out, "logistic, ceiling %g%s, rate %g per year",
                training ? w->ceiling_rate_per_day : w->ceiling_h100,
                training ? " jobs/day" : "", w->rate_per_year);
        break;
    case SPEC_GROWTH_SERIES:
        fprintf(p->out, "series of %zu points, %g to %g", w->series_len, w->series_value[0],
                w->series_value[w->series_len - 1]);
        break;
    }
}

static void print_training(const printer *p, const spec_workload *w)
{
    const spec *s = p->s;
    char start[11], first[11], last[11], dist[256];
    fprintf(p->out, "  %-16s training for %s from %s: ", w->name, s->providers[w->tenant].name,
            date_of(p, w->start, start));
    if (w->trace_len) {
        fprintf(p->out, "trace of %zu jobs submitted %s to %s", w->trace_len,
                date_of(p, w->trace[0].submit, first),
                date_of(p, w->trace[w->trace_len - 1].submit, last));
    } else {
        fprintf(p->out, "%g jobs/day, ", w->arrival_rate_per_day);
        print_growth(p, w);
        scenario_dist_format(&w->job_gpus, dist, sizeof dist);
        fprintf(p->out, "; GPUs per job %s", dist);
        scenario_dist_format(&w->duration_h, dist, sizeof dist);
        fprintf(p->out, "; hours on an H100 %s", dist);
    }
    if (w->max_wait_h == SPEC_WAIT_FOREVER)
        fprintf(p->out, "; waits without limit");
    else
        fprintf(p->out, "; waits up to %g h", w->max_wait_h);
    fprintf(p->out, ", %s\n", w->backfill ? "with backfill" : "FIFO without backfill");
}

static void print_workloads(const printer *p)
{
    const spec *s = p->s;
    char start[11];
    fprintf(p->out, "\nworkloads (%zu)\n", s->n_workloads);
    for (size_t i = 0; i < s->n_workloads; i++) {
        const spec_workload *w = &s->workloads[i];
        if (w->type == SPEC_TRAINING) {
            print_training(p, w);
            continue;
        }
        fprintf(p->out, "  %-16s inference for %s from %s: %g H100-equivalent GPUs, ", w->name,
                s->providers[w->tenant].name, date_of(p, w->start, start), w->demand_h100);
        print_growth(p, w);
        fprintf(p->out, "; diurnal amplitude %g peaking at %g h UTC; noise sigma %g\n",
                w->diurnal_amplitude, w->peak_hour, w->noise_sigma);
    }
}

static void print_pricelists(const printer *p)
{
    const spec *s = p->s;
    fprintf(p->out, "\nprice lists (%zu)\n", s->n_pricelists);
    for (size_t i = 0; i < s->n_pricelists; i++) {
        const spec_pricelist *l = &s->pricelists[i];
        fprintf(p->out, "  %-16s %s, GPU %s:", l->name, s->providers[l->seller].name,
                gpu_name(s, l->gpu));
        for (int k = 0; k < 3; k++)
            if (l->price_per_gpu_hour[k] >= 0)
                fprintf(p->out, " %s %g", spec_contract_kind_name((spec_contract_kind)k),
                        l->price_per_gpu_hour[k]);
        fprintf(p->out, " USD/GPU-hour; %g%% off per year of term beyond the first, at most "
                "%g%%", l->discount_per_year * 100, l->max_discount * 100);
        if (l->decline_per_year > 0)
            fprintf(p->out, "; list prices fall %g%% per year", l->decline_per_year * 100);
        fprintf(p->out, "\n");
    }
}

static void print_procurements(const printer *p)
{
    const spec *s = p->s;
    char first[11], until[11];
    fprintf(p->out, "\nprocurement (%zu)\n", s->n_procurements);
    for (size_t i = 0; i < s->n_procurements; i++) {
        const spec_procurement *r = &s->procurements[i];
        fprintf(p->out, "  %-16s %s reviews every %g months from %s, horizon %g months, acts on "
                "a gap above %g H100 with %g%% headroom; asks", r->name,
                s->providers[r->buyer].name, months_of(r->period_seconds),
                date_of(p, r->first_review, first), months_of(r->horizon_seconds),
                r->gap_threshold_h100, r->headroom * 100);
        for (size_t k = 0; k < r->n_sellers; k++)
            fprintf(p->out, "%s %s", k ? "," : "", s->providers[r->sellers[k]].name);
        if (r->first_refusal && r->first_refusal_until != SPEC_NO_TIME)
            fprintf(p->out, " (first refusal until %s)", date_of(p, r->first_refusal_until, until));
        else if (r->first_refusal)
            fprintf(p->out, " (first refusal)");
        fprintf(p->out, "\n      for %s GPUs, %s, %d months, at most %g USD/GPU-hour\n",
                gpu_name(s, r->gpu), spec_contract_kind_name(r->kind), r->term_months,
                r->max_price_per_gpu_hour);
        if (r->delivery_seconds > 0)
            fprintf(p->out, "      delivered %g months after signing\n",
                    months_of(r->delivery_seconds));
    }
}

static void print_buildouts(const printer *p)
{
    const spec *s = p->s;
    fprintf(p->out, "\nbuild-out (%zu)\n", s->n_buildouts);
    for (size_t i = 0; i < s->n_buildouts; i++) {
        const spec_buildout *b = &s->buildouts[i];
        fprintf(p->out, "  %-16s %s builds %g MW sites of %s in region '%s' (PUE %g, %g USD/MWh, "
                "opex %g USD/MW-year), lead time %g months (slippage sigma %g), on %s", b->name,
                s->providers[b->owner].name, b->site_power_mw, s->gpus[b->gpu].name, b->region,
                b->pue, b->energy_price_per_mwh, b->opex_per_mw_year, months_of(b->lead_seconds),
                b->slippage_sigma_months, spec_buildout_trigger_name(b->trigger));
        if (b->trigger == SPEC_TRIGGER_LOW_UNCOMMITTED)
            fprintf(p->out, " below %g uncommitted GPUs", b->uncommitted_threshold_gpus);
        fprintf(p->out, "\n      at most %lld sites; yearly budget ", (long long)b->max_sites);
        if (b->yearly_budget_mw > 0)
            fprintf(p->out, "%g MW", b->yearly_budget_mw);
        else
            fprintf(p->out, "unlimited MW");
        if (b->yearly_budget_usd > 0)
            fprintf(p->out, ", %g USD\n", b->yearly_budget_usd);
        else
            fprintf(p->out, ", unlimited USD\n");
    }
}

static void print_targets(const printer *p)
{
    const spec *s = p->s;
    fprintf(p->out, "\ncalibration targets (%zu)\n", s->n_targets);
    for (size_t i = 0; i < s->n_targets; i++) {
        const spec_target *t = &s->targets[i];
        fprintf(p->out, "  %-16s %s = %g", t->name, t->metric, t->value);
        if (t->tolerance > 0)
            fprintf(p->out, " +-%g%%", t->tolerance * 100);
        if (t->tolerance_abs > 0)
            fprintf(p->out, "%s +-%g", t->tolerance > 0 ? " or" : "", t->tolerance_abs);
        fputc('\n', p->out);
    }
}

/* MTBF in hours of one unit, or "-" for a zero rate. */
static void print_failures(const printer *p)
{
    const spec *s = p->s;
    fprintf(p->out, "\nfailure modes (%zu)%s\n", s->n_failures,
            s->failures_on ? "" : ": off (failures = false)");
    for (size_t i = 0; i < s->n_failures; i++) {
        const spec_failure *f = &s->failures[i];
        char dist[128];
        scenario_dist_format(&f->repair_h, dist, sizeof dist);
        fprintf(p->out, "  %-18s %s of %s: %.4g per 1,000 per day (MTBF %.4g h), load factor %g, "
                        "repair %s h%s%s%s\n",
                f->name, spec_failure_scope_name(f->scope),
                f->gpu == SPEC_ANY_GPU ? "any GPU" : s->gpus[f->gpu].name,
                f->rate_per_unit_s * 86400.0 * 1000.0, 1.0 / (f->rate_per_unit_s * 3600.0),
                f->load_factor, dist, f->drains_node && f->scope == SPEC_SCOPE_GPU ? ", drains its node" : "",
                f->hardware ? ", hardware" : "", f->planned ? ", planned" : "");
    }
    for (size_t i = 0; i < s->n_curtailments; i++) {
        const spec_curtailment *c = &s->curtailments[i];
        fprintf(p->out, "  curtailment %s: %s to %g MW for %.4g h\n", c->name,
                s->datacenters[c->datacenter].name, c->mw, (double)(c->end - c->start) / 3600.0);
    }
}

void scenario_print(const scenario *sc, FILE *out)
{
    printer p = {out, sc->spec};
    print_period(&p);
    print_gpus(&p);
    print_providers(&p);
    print_phases(&p);
    print_contracts(&p);
    print_workloads(&p);
    print_pricelists(&p);
    print_procurements(&p);
    print_buildouts(&p);
    print_failures(&p);
    print_targets(&p);
    fprintf(out, "\nwarnings (%zu)\n", sc->n_warnings);
    for (size_t i = 0; i < sc->n_warnings; i++)
        fprintf(out, "  %s\n", sc->warnings[i]);
}
