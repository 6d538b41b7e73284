/*
 * buildout: reserved sites and build decisions; the rules are in buildout.h.
 *
 * Invariants: the reserved sites of build-out i are phases
 * [phase_lo, phase_lo + sites) of the market (build[i]), decided in order
 * (next_slot); a decided site's phase has its datacenter and online time
 * set, and that datacenter's index is below market.n_datacenters.
 *
 * This file is the only writer of the market's datacenter and phase
 * arrays: it creates them (the spec's, then the reserved sites) and fills
 * a site in when it decides to build it.
 */
#include "market_internal.h"
#include "buildout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "../engine/rng.h"
#include "../util/textnum.h"

#define WATTS_PER_MW 1e6

struct buildout_state {
    size_t phase_lo;           /* its first reserved phase */
    int64_t sites;             /* its reserved sites */
    gsl_rng *rng;              /* "buildout/<name>" */
    int64_t next_slot;         /* sites decided so far */
    int year;                  /* calendar year of the budgets below */
    double year_mw, year_usd;  /* started in that year */
};

int64_t buildout__site_gpus(const spec *s, const spec_buildout *b)
{
    const double system_w = spec_gpu_system_w(&s->gpus[b->gpu]);
    if (!(system_w > 0.0) || !(b->site_power_mw > 0.0))
        return 0;
    const int64_t gpus = (int64_t)floor(b->site_power_mw * WATTS_PER_MW / system_w);
    return gpus - gpus % SPEC_GPUS_PER_NODE;
}

/* Reserved sites of b. */
static int64_t reserved_sites(const spec *s, const spec_buildout *b)
{
    const int64_t per_site = buildout__site_gpus(s, b);
    if (per_site <= 0)
        return 0;
    int64_t sites = b->max_sites > 0 ? b->max_sites : BUILDOUT_DEFAULT_SITES;
    if (sites * per_site > BUILDOUT_MAX_RESERVED_GPUS)
        sites = BUILDOUT_MAX_RESERVED_GPUS / per_site;
    return sites;
}

capsim_status buildout__create(market *m)
{
    const spec *s = m->spec;
    const size_t nb = s->n_buildouts;
    m->build = calloc(nb + 1, sizeof *m->build);
    if (!m->build)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    size_t slots = 0;
    for (size_t i = 0; i < nb; i++) {
        m->build[i].sites = reserved_sites(s, &s->buildouts[i]);
        slots += (size_t)m->build[i].sites;
    }
    m->phases = calloc(s->n_phases + slots + 1, sizeof *m->phases);
    m->datacenters = calloc(s->n_datacenters + slots + 1, sizeof *m->datacenters);
    if (!m->phases || !m->datacenters)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    if (s->n_phases)
        memcpy(m->phases, s->phases, s->n_phases * sizeof *m->phases);
    if (s->n_datacenters)
        memcpy(m->datacenters, s->datacenters, s->n_datacenters * sizeof *m->datacenters);
    m->n_datacenters = s->n_datacenters;
    m->cap_datacenters = s->n_datacenters + slots;
    size_t at = s->n_phases;
    for (size_t i = 0; i < nb; i++) {
        const spec_buildout *b = &s->buildouts[i];
        m->build[i].phase_lo = at;
        for (int64_t k = 0; k < m->build[i].sites; k++, at++) {
            spec_phase *p = &m->phases[at];
            snprintf(p->name, sizeof p->name, "%.40s-%lld", b->name, (long long)(k + 1));
            p->datacenter = -1;
            p->gpu = b->gpu;
            p->count = buildout__site_gpus(s, b);
            p->online = SPEC_NO_TIME;
        }
        char stream[SPEC_NAME_MAX + 16];
        snprintf(stream, sizeof stream, "buildout/%s", b->name);
        if (!(m->build[i].rng = rng_stream_create(s->seed, stream)))
            return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    }
    m->n_phases = at;
    return 0;
}

void buildout__destroy(market *m)
{
    if (m->build)
        for (size_t i = 0; i < m->spec->n_buildouts; i++)
            gsl_rng_free(m->build[i].rng);
    free(m->build);
    free(m->datacenters);
    free(m->phases);
}

/* The owner's uncommitted GPUs of b's type at t + lead, counting b's
 * sites started but not online by then. */
static int64_t uncommitted_after_lead(market *m, size_t i, int64_t t)
{
    const spec_buildout *b = &m->spec->buildouts[i];
    const int64_t at = t + b->lead_seconds;
    int64_t free_gpus = procure__uncommitted(m, b->owner, b->gpu, at, at + 1);
    for (int64_t k = 0; k < m->build[i].next_slot; k++) {
        const spec_phase *p = &m->phases[m->build[i].phase_lo + (size_t)k];
        if (p->online > at)
            free_gpus += p->count;
    }
    return free_gpus;
}

int64_t buildout__pending_online(const market *m, int p, int64_t after)
{
    int64_t latest = SPEC_NO_TIME;
    for (size_t i = 0; i < m->spec->n_buildouts; i++) {
        if (m->spec->buildouts[i].owner != p)
            continue;
        for (int64_t k = 0; k < m->build[i].next_slot; k++) {
            const spec_phase *x = &m->phases[m->build[i].phase_lo + (size_t)k];
            if (x->online > after && x->online > latest)
                latest = x->online;
        }
    }
    return latest;
}

/* The calendar year of t. */
static int year_of(const market *m, int64_t t)
{
    char date[11];
    market__date(m, t, date);
    return atoi(date);
}

/* Decides the next site of build-out i at t, when the limits allow
 * (*started = 1 then, else 0). Returns 0, a negative capsim_status, or the
 * observer's code. */
static int start_site(market *m, size_t i, int64_t t, const char *trigger, int *started)
{
    const spec *s = m->spec;
    const spec_buildout *b = &s->buildouts[i];
    buildout_state *st = &m->build[i];
    *started = 0;
    if (st->next_slot >= m->build[i].sites)
        return 0;
    const int year = year_of(m, t);
    if (year != st->year) {
        st->year = year;
        st->year_mw = st->year_usd = 0.0;
    }
    const size_t ph = m->build[i].phase_lo + (size_t)st->next_slot;
    spec_phase *p = &m->phases[ph];
    const double mw = (double)p->count * spec_gpu_system_w(&s->gpus[b->gpu]) / WATTS_PER_MW;
    const double usd = (double)p->count * s->gpus[b->gpu].capex_usd;
    if ((b->yearly_budget_mw > 0.0 && st->year_mw + mw > b->yearly_budget_mw + 1e-9) ||
        (b->yearly_budget_usd > 0.0 && st->year_usd + usd > b->yearly_budget_usd * (1 + 1e-12)))
        return 0;
    double slip_months = 0.0;
    if (b->slippage_sigma_months > 0.0)
        slip_months = fmax(0.0, gsl_ran_gaussian(st->rng, b->slippage_sigma_months));
    const int64_t online =
        t + b->lead_seconds + (int64_t)llround(slip_months * UNITS_SECONDS_PER_MONTH_REAL);
    const int dc = (int)m->n_datacenters++;
    spec_datacenter *d = &m->datacenters[dc];
    memset(d, 0, sizeof *d);
    snprintf(d->name, sizeof d->name, "%s", p->name);
    snprintf(d->region, sizeof d->region, "%s", b->region);
    d->owner = b->owner;
    d->power_mw = b->site_power_mw;
    d->pue = b->pue;
    d->energy_price_per_mwh = b->energy_price_per_mwh;
    d->opex_per_mw_year = b->opex_per_mw_year;
    d->online = online;
    p->datacenter = dc;
    p->online = online;
    *started = 1;
    st->next_slot++;
    st->year_mw += mw;
    st->year_usd += usd;
    market__update_view(m);
    alloc_place_site(m->alloc, ph, dc);
    if (online <= t) {
        alloc_set_phase_online(m->alloc, ph, 1);
        market__allocation_changed(m);
    } else {
        const capsim_status scheduled = market__schedule(m, online, MARKET_EV_PHASE_ONLINE, ph);
        if (scheduled != CAPSIM_OK)
            return scheduled;
    }
    char date[11];
    market__date(m, online, date);
    char count[32], capex[32];
    textnum_format_grouped((double)p->count, 0, count, sizeof count);
    textnum_format_grouped(usd, 0, capex, sizeof capex);
    snprintf(m->message, sizeof m->message,
             "%s starts %s: %s %s (%.1f MW IT, %s USD capex), online %s (lead %.1f months "
             "+ slippage %.2f months); %s",
             s->providers[b->owner].name, d->name, count, s->gpus[b->gpu].name,
             mw, capex, date, (double)b->lead_seconds / UNITS_SECONDS_PER_MONTH_REAL, slip_months,
             trigger);
    return market__notify(m, t, "build_started", d->name);
}

int buildout__on_decline(market *m, int p, int64_t gpus, int64_t t)
{
    const spec *s = m->spec;
    for (size_t i = 0; i < s->n_buildouts; i++) {
        const spec_buildout *b = &s->buildouts[i];
        if (b->owner != p || b->trigger != SPEC_TRIGGER_DECLINED)
            continue;
        char why[96];
        snprintf(why, sizeof why, "trigger: declined a request for %lld GPUs", (long long)gpus);
        int started = 1;
        while (started && uncommitted_after_lead(m, i, t) < gpus) {
            const int rc = start_site(m, i, t, why, &started);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

int buildout__check(market *m, size_t i, int64_t t)
{
    const spec_buildout *b = &m->spec->buildouts[i];
    const int64_t free_gpus = uncommitted_after_lead(m, i, t);
    if (b->trigger != SPEC_TRIGGER_LOW_UNCOMMITTED ||
        (double)free_gpus >= b->uncommitted_threshold_gpus)
        return 0;
    char why[96];
    snprintf(why, sizeof why, "trigger: uncommitted %lld GPUs below %.0f", (long long)free_gpus,
             b->uncommitted_threshold_gpus);
    int started = 0;
    return start_site(m, i, t, why, &started);
}
