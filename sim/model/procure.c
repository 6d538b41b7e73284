/*
 * procure: procurement reviews and signing; the rules are in procure.h.
 *
 * Cost: a review is O(workloads + phases + contracts) for the forecast, and
 * each seller asked costs O((phases + contracts)^2) for the capacity check
 * (boundaries x sums) plus O(providers x contracts) for the loop check.
 * Reviews are events, never ticks, and may allocate (a chain buffer, and the
 * contract arrays when they grow).
 */
#include "market_internal.h"
#include "procure.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "price.h"

typedef struct request {
    int gpu;                   /* type, or SPEC_ANY_GPU */
    int64_t gpus;              /* whole nodes */
    spec_contract_kind kind;
    int64_t start, end;
    double term_months;
    double max_price;
    const char *reason;        /* why it is asked: the forecast gap */
} request;

/* The chain of buyers of one request, from the original buyer up. */
typedef struct chain {
    int *members;
    size_t n;
} chain;

/* ---- capacity at a time ---- */

/* What a GPU of type `type` counts for in units of `gpu`: H100-equivalents
 * for any, else 1 for the same type and 0 for another. */
static double weight(const spec *s, int gpu, int type)
{
    if (gpu == SPEC_ANY_GPU)
        return entities_speed(s, type);
    return type == gpu ? 1.0 : 0.0;
}

/* p's own GPUs online at tau (decided sites included). */
static double own_at(const market *m, int p, int gpu, int64_t tau)
{
    double sum = 0.0;
    for (size_t ph = 0; ph < m->n_phases; ph++) {
        const spec_phase *x = &m->phases[ph];
        if (x->datacenter < 0 || m->datacenters[x->datacenter].owner != p || x->online > tau)
            continue;
        sum += (double)x->count * weight(m->spec, gpu, x->gpu);
    }
    return sum;
}

/* p's incoming committed GPUs at tau; `any` contracts count for `any` only. */
static double incoming_at(const market *m, int p, int gpu, int64_t tau)
{
    double sum = 0.0;
    for (size_t c = 0; c < m->n_contracts; c++) {
        const spec_contract *k = &m->contracts[c];
        if (k->lessee == p && (gpu == SPEC_ANY_GPU || k->gpu == gpu))
            sum += (double)market__committed_at(k, tau) * weight(m->spec, gpu, k->gpu);
    }
    return sum;
}

/* p's outgoing committed GPUs at tau; `any` contracts count against every type. */
static double outgoing_at(const market *m, int p, int gpu, int64_t tau)
{
    double sum = 0.0;
    for (size_t c = 0; c < m->n_contracts; c++) {
        const spec_contract *k = &m->contracts[c];
        if (k->lessor != p)
            continue;
        const double w = k->gpu == SPEC_ANY_GPU ? 1.0 : weight(m->spec, gpu, k->gpu);
        sum += (double)market__committed_at(k, tau) * w;
    }
    return sum;
}

/* p's own inference workloads' forecast at tau (trend at the diurnal peak,
 * no noise), in GPUs of the requested type (H100-equivalents for `any`). */
static double own_demand_at(const market *m, int p, int gpu, int64_t tau)
{
    const spec *s = m->spec;
    double sum = 0.0;
    for (size_t w = 0; w < s->n_workloads; w++) {
        const spec_workload *x = &s->workloads[w];
        if (x->tenant == p && x->type == SPEC_INFERENCE)
            sum += demand_curve_trend(m->curves[w], tau) * (1.0 + x->diurnal_amplitude);
    }
    return gpu == SPEC_ANY_GPU ? sum : sum / entities_speed(s, gpu);
}

/* What p could still sell at tau: what it holds, less what it has sold and
 * what its own workloads are forecast to need. */
static double uncommitted_at(const market *m, int p, int gpu, int64_t tau)
{
    return own_at(m, p, gpu, tau) + incoming_at(m, p, gpu, tau) - outgoing_at(m, p, gpu, tau) -
           own_demand_at(m, p, gpu, tau);
}

/* Updates *low with the uncommitted capacity at tau when from < tau < to. */
static void probe(const market *m, int p, int gpu, int64_t tau, int64_t from, int64_t to,
                  double *low)
{
    if (tau <= from || tau >= to)
        return;
    const double u = uncommitted_at(m, p, gpu, tau);
    if (u < *low)
        *low = u;
}

double procure__uncommitted(const market *m, int p, int gpu, int64_t from, int64_t to)
{
    double low = uncommitted_at(m, p, gpu, from);
    for (size_t ph = 0; ph < m->n_phases; ph++) {
        const spec_phase *x = &m->phases[ph];
        if (x->datacenter >= 0 && m->datacenters[x->datacenter].owner == p)
            probe(m, p, gpu, x->online, from, to, &low);
    }
    for (size_t c = 0; c < m->n_contracts; c++) {
        const spec_contract *k = &m->contracts[c];
        if (k->lessor != p && k->lessee != p)
            continue;
        probe(m, p, gpu, k->start, from, to, &low);
        probe(m, p, gpu, market__end_of(k), from, to, &low);
        if (k->ramp_seconds > 0)
            probe(m, p, gpu, k->start + k->ramp_seconds, from, to, &low);
    }
    return low;
}

/* ---- forecast ---- */

static double forecast_demand(market *m, int b, int64_t at)
{
    return outgoing_at(m, b, SPEC_ANY_GPU, at) + own_demand_at(m, b, SPEC_ANY_GPU, at);
}

static double forecast_pool(const market *m, int b, int64_t at)
{
    return own_at(m, b, SPEC_ANY_GPU, at) + incoming_at(m, b, SPEC_ANY_GPU, at);
}

/* ---- lease graph ---- */

/* 1 when `to` is downstream of `from` (a chain of leases from -> ... -> to),
 * 0 when not, CAPSIM_ERR_NO_MEMORY (< 0). */
static int downstream(const market *m, int from, int to)
{
    const size_t np = m->spec->n_providers;
    int *queue = calloc(np + 1, sizeof *queue);
    unsigned char *seen = calloc(np + 1, 1);
    if (!queue || !seen) {
        free(queue);
        free(seen);
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    }
    size_t head = 0, tail = 0;
    queue[tail++] = from;
    seen[from] = 1;
    int found = 0;
    while (head < tail && !found) {
        const int p = queue[head++];
        for (size_t c = 0; c < m->n_contracts; c++) {
            const int q = m->contracts[c].lessee;
            if (m->contracts[c].lessor != p || seen[q])
                continue;
            found |= q == to;
            seen[q] = 1;
            queue[tail++] = q;
        }
    }
    free(queue);
    free(seen);
    return found;
}

static int in_chain(const chain *ch, int p)
{
    for (size_t i = 0; i < ch->n; i++)
        if (ch->members[i] == p)
            return 1;
    return 0;
}

/* The first [procurement] of provider p, or NULL. */
static const spec_procurement *policy_of(const spec *s, int p)
{
    for (size_t i = 0; i < s->n_procurements; i++)
        if (s->procurements[i].buyer == p)
            return &s->procurements[i];
    return NULL;
}

static int first_refusal_holds(const spec_procurement *p, int64_t t)
{
    return p->first_refusal && p->n_sellers > 0 &&
           (p->first_refusal_until == SPEC_NO_TIME || t < p->first_refusal_until);
}

/* ---- messages ---- */

/* 41200.4 -> "41,200". */
static void thousands(double v, char *out, size_t n)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", fabs(v));
    const size_t len = strlen(digits);
    size_t at = 0;
    if (v < -0.5 && at + 1 < n)
        out[at++] = '-';
    for (size_t i = 0; i < len && at + 2 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[at++] = ',';
        out[at++] = digits[i];
    }
    out[at] = '\0';
}

/* "8,000 H100 (reserved, 36 months from 2026-01-01)" */
static void describe(const market *m, const request *r, char *out, size_t n)
{
    char gpus[32], date[11];
    thousands((double)r->gpus, gpus, sizeof gpus);
    market__date(m, r->start, date);
    snprintf(out, n, "%s %s (%s, %.0f months from %s)", gpus,
             r->gpu == SPEC_ANY_GPU ? "GPUs of any type" : m->spec->gpus[r->gpu].name,
             spec_contract_kind_name(r->kind), r->term_months, date);
}

static int decline(market *m, int seller, int buyer, const request *r, int refusal,
                   const char *why, int64_t t)
{
    const spec *s = m->spec;
    char what[160];
    describe(m, r, what, sizeof what);
    snprintf(m->message, sizeof m->message, "%s declines %s's request for %s: %s%s; %s",
             s->providers[seller].name, s->providers[buyer].name, what,
             refusal ? "first refusal declined, " : "", why, r->reason);
    return market__notify(m, t, "request_declined", s->providers[seller].name);
}

/* Signs seller -> buyer for r at price; *out is its index. Returns 0, a
 * negative capsim_status, or the observer's code. */
static int sign(market *m, int seller, int buyer, const request *r, double price, int64_t t,
                int *out)
{
    const spec *s = m->spec;
    spec_contract k = {0};
    snprintf(k.name, sizeof k.name, "%.20s-%.20s-%lld", s->providers[seller].name,
             s->providers[buyer].name, (long long)++m->n_procured);
    k.lessor = seller;
    k.lessee = buyer;
    k.gpu = r->gpu;
    k.gpus = r->gpus;
    k.start = r->start;
    k.end = r->end;
    k.price_per_gpu_hour = price;
    k.kind = r->kind;
    k.terminate = SPEC_NO_TIME;
    k.origin = SPEC_ORIGIN_PROCURED;
    k.signed_at = t;
    k.parent = -1;
    price_fill_type_prices(s, &k, r->term_months, t);   /* an `any` lease: the seller's type lists */
    const int c = market__add_contract(m, &k, t);
    if (c < 0)
        return c;
    *out = c;
    char what[160];
    describe(m, r, what, sizeof what);
    snprintf(m->message, sizeof m->message,
             "%s: %s leases %s to %s at %.4f USD/GPU-hour; %s", k.name,
             s->providers[seller].name, what, s->providers[buyer].name, price, r->reason);
    return market__notify(m, t, "contract_signed", k.name);
}

/* ---- asking ---- */

static int ask(market *m, chain *ch, int seller, const request *r, int refusal, int64_t t,
               int *signed_c);

/* Seller (lacking capacity) tries its own sellers for a back-to-back
 * contract of the whole request at most max_price. */
static int back_to_back(market *m, chain *ch, int seller, const request *r, double max_price,
                        int64_t t, int *upstream)
{
    const spec_procurement *policy = policy_of(m->spec, seller);
    *upstream = -1;
    if (!policy)
        return 0;
    const int buyer = ch->members[ch->n - 1];
    char reason[512];
    snprintf(reason, sizeof reason, "back-to-back for %s's request (%s)",
             m->spec->providers[buyer].name, r->reason);
    request sub = *r;
    sub.reason = reason;
    sub.max_price = max_price < policy->max_price_per_gpu_hour ? max_price
                                                               : policy->max_price_per_gpu_hour;
    ch->members[ch->n++] = seller;
    const int refusal = first_refusal_holds(policy, t);
    int rc = 0;
    for (size_t i = 0; i < policy->n_sellers && *upstream < 0 && rc == 0; i++) {
        const int next = policy->sellers[i];
        if (in_chain(ch, next))
            continue;
        rc = ask(m, ch, next, &sub, refusal && i == 0, t, upstream);
    }
    ch->n--;
    return rc;
}

/* Asks `seller` for r on behalf of the chain's last member. *signed_c is the
 * contract signed with the buyer, or -1 when the seller declined. Returns 0,
 * a negative capsim_status, or the observer's code. */
static int ask(market *m, chain *ch, int seller, const request *r, int refusal, int64_t t,
               int *signed_c)
{
    const int buyer = ch->members[ch->n - 1];
    char why[160];
    *signed_c = -1;
    const int loop = downstream(m, buyer, seller);
    if (loop < 0)
        return loop;
    if (loop || seller == buyer)
        return decline(m, seller, buyer, r, refusal, "it would close a loop of leases", t);
    double price = 0.0;
    const price_status ps = price_quote(m->spec, seller, r->gpu, r->kind, r->term_months, t,
                                       &price);
    if (ps != PRICE_OK)
        return decline(m, seller, buyer, r, refusal, capsim_strerror(ps), t);
    if (price > r->max_price + 1e-12) {
        snprintf(why, sizeof why, "price %.4f above the maximum %.4f USD/GPU-hour", price,
                 r->max_price);
        return decline(m, seller, buyer, r, refusal, why, t);
    }
    const double free_gpus = procure__uncommitted(m, seller, r->gpu, r->start, r->end);
    if (free_gpus >= (double)r->gpus)
        return sign(m, seller, buyer, r, price, t, signed_c);
    int upstream = -1;
    int rc = back_to_back(m, ch, seller, r, price, t, &upstream);
    if (rc != 0)
        return rc;
    if (upstream >= 0) {
        rc = sign(m, seller, buyer, r, price, t, signed_c);
        if (*signed_c >= 0)
            m->contracts[upstream].parent = *signed_c;
        return rc;
    }
    char have[32];
    thousands(free_gpus > 0.0 ? free_gpus : 0.0, have, sizeof have);
    snprintf(why, sizeof why, "no capacity (uncommitted %s over the term)", have);
    rc = decline(m, seller, buyer, r, refusal, why, t);
    if (rc != 0)
        return rc;
    return buildout__on_decline(m, seller, r->gpus, t);
}

/* ---- review ---- */

int procure__review(market *m, size_t i, int64_t t)
{
    const spec *s = m->spec;
    const spec_procurement *p = &s->procurements[i];
    const int64_t at = t + p->horizon_seconds;
    const double gap = forecast_demand(m, p->buyer, at) - forecast_pool(m, p->buyer, at);
    if (!(gap > p->gap_threshold_h100) || p->n_sellers == 0)
        return 0;
    const double speed = entities_speed(s, p->gpu);
    const double want = gap * (1.0 + p->headroom) / (speed > 0.0 ? speed : 1.0);
    const int64_t nodes = (int64_t)ceil(want / SPEC_GPUS_PER_NODE);
    char gap_text[32], date[11], reason[96];
    thousands(gap, gap_text, sizeof gap_text);
    market__date(m, at, date);
    snprintf(reason, sizeof reason, "gap %s H100-eq at %s", gap_text, date);
    const double term_months = p->term_months > 0
                                   ? (double)p->term_months
                                   : (double)p->term_seconds / UNITS_SECONDS_PER_MONTH_REAL;
    const request r = {p->gpu, nodes * SPEC_GPUS_PER_NODE, p->kind, t, t + p->term_seconds,
                       term_months, p->max_price_per_gpu_hour, reason};
    chain ch = {calloc(s->n_providers + 1, sizeof(int)), 1};
    if (!ch.members)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    ch.members[0] = p->buyer;
    const int refusal = first_refusal_holds(p, t);
    int rc = 0, signed_c = -1;
    for (size_t k = 0; k < p->n_sellers && signed_c < 0 && rc == 0; k++)
        rc = ask(m, &ch, p->sellers[k], &r, refusal && k == 0, t, &signed_c);
    free(ch.members);
    return rc;
}
