/*
 * procure: procurement reviews and signing; the rules are in procure.h.
 *
 * Cost: a forecast is O(providers x (phases + contracts x contracts x
 * types)): each provider's holdings by type are computed once per date
 * (memoised), each incoming `any` contract by serving its lessor's
 * contracts before it; a review forecasts at most at t + delivery, T and
 * the dates in between where the buyer's holdings drop. Each seller asked
 * costs O((phases + contracts)^2) for the capacity check (boundaries x
 * positions) plus O(providers x contracts) for the loop check, plus a
 * forecast of its holdings at the lease's start to size the request at its
 * mix (offer_mix). Reviews are events, never ticks, and may allocate (a
 * chain buffer, the forecast's per-provider holdings, and the contract
 * arrays when they grow).
 */
#include "market_internal.h"
#include "procure.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "price.h"
#include "../util/textnum.h"

typedef struct request {
    int gpu;                   /* type, or SPEC_ANY_GPU */
    int64_t gpus;              /* whole nodes: the GPUs asked of the current seller */
    double h100;               /* the gap it is to fill, H100-equivalents; each seller
                                * converts it into gpus at its own mix (offer_mix) */
    spec_contract_kind kind;
    int64_t start, end;
    double term_months;
    double max_price;
    const char *reason;        /* why it is asked: the forecast gap */
    double sla_availability;   /* the SLA of the contracts it signs, every hop of a chain */
    double sla_credit_share;
} request;

/* Procurement's own state, one per market. */
struct procure_state {
    position pos;              /* workspace of every capacity probe */
    int64_t n_procured;        /* contracts signed so far (their names) */
};

/* The chain of buyers of one request, from the original buyer up. */
typedef struct chain {
    int *members;
    size_t n;
} chain;

/* ---- create / destroy ---- */

capsim_status procure__create(market *m)
{
    procure_state *st = calloc(1, sizeof *st);
    if (!st)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    if (position_init(&st->pos, m->spec->n_gpus) != CAPSIM_OK) {
        free(st);
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    }
    m->procure = st;
    return CAPSIM_OK;
}

void procure__destroy(market *m)
{
    if (!m->procure)
        return;
    position_free(&m->procure->pos);
    free(m->procure);
    m->procure = NULL;
}

/* ---- capacity at a time ---- */

/* p's own inference workloads' forecast at tau (trend at the diurnal peak,
 * no noise), in H100-equivalents. */
static double own_demand_h100(const market *m, int p, int64_t tau)
{
    const spec *s = m->spec;
    double sum = 0.0;
    for (size_t w = 0; w < s->n_workloads; w++) {
        const spec_workload *x = &s->workloads[w];
        if (x->tenant == p && x->type == SPEC_INFERENCE)
            sum += demand_curve_trend(m->curves[w], tau) * (1.0 + x->diurnal_amplitude);
    }
    return sum;
}

/* The mean infer_speed of what pos leaves free (typed capacity above its
 * typed commitments at its type's speed, incoming `any` at 1.0); 1.0 when
 * nothing is free. */
static double free_speed(const spec *s, const position *pos)
{
    double gpus = (double)pos->held_any, h100 = (double)pos->held_any;
    for (size_t g = 0; g < pos->n_types; g++) {
        const int64_t free_gpus = pos->held[g] - pos->committed[g];
        if (free_gpus > 0) {
            gpus += (double)free_gpus;
            h100 += (double)free_gpus * s->gpus[g].infer_speed;
        }
    }
    return gpus > 0.0 && h100 > 0.0 ? h100 / gpus : 1.0;
}

/* What p could still sell of type gpu at tau: its position (position.h),
 * with its own workloads' forecast counted as one more `any` commitment of
 * ceil(h100 / s) GPUs, s = free_speed (the workloads are served from
 * whatever it keeps). Leaves the procurement workspace at p's position at
 * tau. */
static int64_t uncommitted_at(market *m, int p, int gpu, int64_t tau)
{
    position *pos = &m->procure->pos;
    position_at(&m->view, p, tau, pos);
    const double h100 = own_demand_h100(m, p, tau);
    if (h100 > 0.0)
        pos->committed_any += (int64_t)ceil(h100 / free_speed(m->spec, pos) - 1e-9);
    return position_uncommitted(pos, gpu);
}

/* Updates *low with the uncommitted capacity at tau when from < tau < to. */
static void probe(market *m, int p, int gpu, int64_t tau, int64_t from, int64_t to,
                  int64_t *low)
{
    if (tau <= from || tau >= to)
        return;
    const int64_t u = uncommitted_at(m, p, gpu, tau);
    if (u < *low)
        *low = u;
}

int64_t procure__uncommitted(market *m, int p, int gpu, int64_t from, int64_t to)
{
    int64_t low = uncommitted_at(m, p, gpu, from);
    probe(m, p, gpu, to - 1, from, to, &low);
    for (size_t ph = 0; ph < m->n_phases; ph++) {
        const spec_phase *x = &m->phases[ph];
        if (x->datacenter >= 0 && m->datacenters[x->datacenter].owner == p)
            probe(m, p, gpu, x->online, from, to, &low);
    }
    for (size_t c = 0; c < m->contracts.n; c++) {
        const spec_contract *k = &m->contracts.terms[c];
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

/* What the providers are expected to hold, GPU type by GPU type, at one
 * time: the workspace of one forecast. Slot n_types of each row holds GPUs
 * of no known type (an `any` lease whose chain is deeper than the
 * providers, or runs in a loop), valued at 1.0 H100-equivalents. */
typedef struct expected {
    const market *m;
    int64_t at;
    size_t width;              /* n_types + 1 */
    double *held;              /* [n_providers x width] */
    unsigned char *state;      /* per provider: 0 unknown, 1 computing, 2 known */
    double *left;              /* [width]: the carve of one lessor */
} expected;

static int expected_init(expected *x, const market *m, int64_t at)
{
    const size_t np = m->spec->n_providers;
    x->m = m;
    x->at = at;
    x->width = m->spec->n_gpus + 1;
    x->held = calloc(np * x->width + 1, sizeof *x->held);
    x->state = calloc(np + 1, 1);
    x->left = calloc(x->width, sizeof *x->left);
    if (!x->held || !x->state || !x->left) {
        free(x->held);
        free(x->state);
        free(x->left);
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    }
    return 0;
}

static void expected_free(expected *x)
{
    free(x->held);
    free(x->state);
    free(x->left);
}

static const double *held_by_type(expected *x, int p, size_t depth);

/* Whether contract k is carved in pass (spot, typed) of its lessor. */
static int in_pass(const spec_contract *k, int spot, int typed)
{
    return (k->kind == SPEC_SPOT) == spot && (k->gpu != SPEC_ANY_GPU) == typed;
}

/* GPUs of contract k that its lessor owes at x->at: committed then, or
 * with `later` also in full when procured and starting after x->at (a
 * build-backed delivery bought for an earlier gap). */
static double owed_gpus(const expected *x, const spec_contract *k, int later)
{
    if (later && k->origin == SPEC_ORIGIN_PROCURED && k->start > x->at &&
        market__end_of(k) > k->start)
        return (double)k->gpus;
    return (double)market__committed_at(k, x->at);
}

/* Provider p's outgoing contracts at x->at, served from left[] (what p
 * holds by type) as the allocation serves them (alloc.h): four passes, each
 * in contract order (typed, `any`, typed spot, `any` spot), typed ones from
 * their own type, `any` ones type by type in p's allocation order (the
 * unknown slot last). When target >= 0, stops after contract target and
 * adds its GPUs by type to out[]. serve_passes stops after the first
 * `passes` passes (serve: all four). Returns the GPUs that could not be
 * served (what p under-delivers). */
static double serve_passes(const expected *x, int p, double *left, int target, double *out,
                           int later, int passes)
{
    const market *m = x->m;
    const size_t n_types = m->spec->n_gpus;
    const int *order = alloc_gpu_order(m->alloc);
    const int newest = m->spec->providers[p].allocation == SPEC_NEWEST_FIRST;
    double unserved = 0.0;
    for (int pass = 0; pass < passes; pass++) {
        const int spot = pass >= 2, typed = pass % 2 == 0;
        for (size_t c = 0; c < m->contracts.n; c++) {
            const spec_contract *k = &m->contracts.terms[c];
            if (k->lessor != p || !in_pass(k, spot, typed))
                continue;
            double need = owed_gpus(x, k, later);
            for (size_t i = 0; i <= n_types && need > 0.0; i++) {
                const size_t g = typed    ? (size_t)k->gpu
                                 : i == n_types ? n_types
                                 : (size_t)order[newest ? n_types - 1 - i : i];
                const double take = left[g] < need ? left[g] : need;
                left[g] -= take;
                need -= take;
                if ((int)c == target)
                    out[g] += take;
                if (typed)
                    break;
            }
            unserved += need;
            if ((int)c == target)
                return unserved;
        }
    }
    return unserved;
}

static double serve(const expected *x, int p, double *left, int target, double *out, int later)
{
    return serve_passes(x, p, left, target, out, later, 4);
}

/* Adds to out[] what `any` contract c is expected to deliver at x->at, by
 * type: its lessor's holdings then, less what the lessor's contracts before
 * it take. depth bounds the chain; past it the GPUs are of no known type. */
static void any_delivery(expected *x, size_t c, size_t depth, double *out)
{
    const spec_contract *k = &x->m->contracts.terms[c];
    const size_t w = x->width;
    const double *held = depth > 0 ? held_by_type(x, k->lessor, depth - 1) : NULL;
    if (!held) {
        out[w - 1] += (double)market__committed_at(k, x->at);
        return;
    }
    /* held is complete here; serve calls nothing that carves */
    memcpy(x->left, held, w * sizeof *x->left);
    serve(x, k->lessor, x->left, (int)c, out, 0);
}

/* What p is expected to hold at x->at, by type: its own GPUs online by
 * then, incoming typed contracts committed then, and incoming `any` ones
 * by any_delivery. NULL while p's holdings are being computed (a loop of
 * leases). */
static const double *held_by_type(expected *x, int p, size_t depth)
{
    const market *m = x->m;
    double *held = &x->held[(size_t)p * x->width];
    if (x->state[p] == 2)
        return held;
    if (x->state[p] == 1)
        return NULL;
    x->state[p] = 1;
    for (size_t ph = 0; ph < m->n_phases; ph++) {
        const spec_phase *y = &m->phases[ph];
        if (y->datacenter >= 0 && m->datacenters[y->datacenter].owner == p &&
            y->online != SPEC_NO_TIME && y->online <= x->at)
            held[y->gpu] += (double)y->count;
    }
    for (size_t c = 0; c < m->contracts.n; c++) {
        const spec_contract *k = &m->contracts.terms[c];
        if (k->lessee != p || market__committed_at(k, x->at) == 0)
            continue;
        if (k->gpu != SPEC_ANY_GPU)
            held[k->gpu] += (double)market__committed_at(k, x->at);
        else
            any_delivery(x, c, depth, held);
    }
    x->state[p] = 2;
    return held;
}

/* Adds procured incoming contracts of b that start after `at` (bought for
 * an earlier gap, build-backed) to held[], in full, by what they are
 * expected to deliver at their start. Returns 0 or CAPSIM_ERR_NO_MEMORY. */
static int add_later_deliveries(const market *m, int b, int64_t at, double *held)
{
    for (size_t c = 0; c < m->contracts.n; c++) {
        const spec_contract *k = &m->contracts.terms[c];
        if (k->lessee != b || k->origin != SPEC_ORIGIN_PROCURED || k->start <= at ||
            market__end_of(k) <= k->start)
            continue;
        if (k->gpu != SPEC_ANY_GPU) {
            held[k->gpu] += (double)k->gpus;
            continue;
        }
        expected then;
        if (expected_init(&then, m, k->start) != 0)
            return capsim_fail(CAPSIM_ERR_NO_MEMORY);
        any_delivery(&then, c, m->spec->n_providers, held);
        expected_free(&then);
    }
    return 0;
}

/* The buyer's forecast gap at `at` in H100-equivalents (the rule is in
 * procure.h): what its own workloads need, less what its holdings by type
 * leave after serving its outgoing contracts as the allocation would, plus
 * what it could not serve of them (GPUs, at the requested type's speed
 * `request_speed`). Returns 0 or CAPSIM_ERR_NO_MEMORY. */
static int forecast_gap(market *m, int b, int64_t at, double request_speed, double *gap)
{
    const spec *s = m->spec;
    expected x;
    if (expected_init(&x, m, at) != 0)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    double *left = calloc(x.width, sizeof *left);
    const double *held = left ? held_by_type(&x, b, s->n_providers) : NULL;
    if (!held) {
        free(left);
        expected_free(&x);
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    }
    memcpy(left, held, x.width * sizeof *left);
    int rc = add_later_deliveries(m, b, at, left);
    if (rc == 0) {
        const double unserved = serve(&x, b, left, -1, NULL, 1);
        double supply = left[x.width - 1];
        for (size_t g = 0; g < s->n_gpus; g++)
            supply += left[g] * s->gpus[g].infer_speed;
        *gap = own_demand_h100(m, b, at) - supply + unserved * request_speed;
    }
    free(left);
    expected_free(&x);
    return rc;
}

/* ---- a request's size at one seller ---- */

/* What a new lease of a request's type would be served from at one
 * seller and date: for `any`, the GPUs the seller's contracts leave it
 * then, by type, taken in its allocation order (the unknown slot last, at
 * 1.0), and beyond them GPUs of its build-out's type; for a typed request,
 * GPUs of that type only. */
typedef struct offer_mix {
    const spec *s;
    const int *order;          /* the allocation's type order */
    int newest;                /* the seller allocates newest first */
    double *left;              /* [n_types + 1], or NULL for a typed request */
    double tail_speed;         /* infer_speed of GPUs beyond left[] (> 0) */
} offer_mix;

static void offer_mix_free(offer_mix *x)
{
    free(x->left);
    x->left = NULL;
}

/* The infer_speed of the GPUs seller's build-out adds (its first
 * [buildout]), or 1.0 when it has none. */
static double buildout_speed(const spec *s, int seller)
{
    for (size_t i = 0; i < s->n_buildouts; i++)
        if (s->buildouts[i].owner == seller) {
            const double v = s->gpus[s->buildouts[i].gpu].infer_speed;
            return v > 0.0 ? v : 1.0;
        }
    return 1.0;
}

/* Fills *x for a new lease of r's type and kind from seller starting at
 * `at`: what the seller holds then (the forecast's rule) less what its
 * contracts served before the new one take (typed ones, earlier `any` ones
 * of its pass, and for a spot lease the typed spot ones). Returns 0 or
 * CAPSIM_ERR_NO_MEMORY; offer_mix_free frees it. */
static int offer_mix_at(const market *m, int seller, const request *r, int64_t at,
                        offer_mix *x)
{
    const spec *s = m->spec;
    x->s = s;
    x->order = alloc_gpu_order(m->alloc);
    x->newest = s->providers[seller].allocation == SPEC_NEWEST_FIRST;
    x->left = NULL;
    if (r->gpu != SPEC_ANY_GPU) {
        const double v = s->gpus[r->gpu].infer_speed;
        x->tail_speed = v > 0.0 ? v : 1.0;
        return 0;
    }
    x->tail_speed = buildout_speed(s, seller);
    expected e;
    if (expected_init(&e, m, at) != 0)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    x->left = calloc(e.width, sizeof *x->left);
    const double *held = x->left ? held_by_type(&e, seller, s->n_providers) : NULL;
    if (!held) {
        expected_free(&e);
        offer_mix_free(x);
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    }
    memcpy(x->left, held, e.width * sizeof *x->left);
    serve_passes(&e, seller, x->left, -1, NULL, 0, r->kind == SPEC_SPOT ? 4 : 2);
    expected_free(&e);
    return 0;
}

/* Type slot i of the walk through x->left (i = n_types: the unknown slot). */
static size_t mix_slot(const offer_mix *x, size_t i)
{
    const size_t n = x->s->n_gpus;
    return i == n ? n : (size_t)x->order[x->newest ? n - 1 - i : i];
}

static double slot_speed(const offer_mix *x, size_t g)
{
    return g == x->s->n_gpus ? 1.0 : x->s->gpus[g].infer_speed;
}

/* The GPUs (fractional) a lease must take, in x's order, to be worth h100
 * H100-equivalents. */
static double mix_gpus(const offer_mix *x, double h100)
{
    double gpus = 0.0;
    for (size_t i = 0; x->left && i <= x->s->n_gpus && h100 > 0.0; i++) {
        const size_t g = mix_slot(x, i);
        const double v = slot_speed(x, g);
        const double take = v > 0.0 && x->left[g] * v > h100 ? h100 / v : x->left[g];
        gpus += take;
        h100 -= take * v;
    }
    return h100 > 0.0 ? gpus + h100 / x->tail_speed : gpus;
}

/* What the first `gpus` GPUs of a lease served from x are worth, H100-eq. */
static double mix_worth(const offer_mix *x, int64_t gpus)
{
    double rest = (double)gpus, h100 = 0.0;
    for (size_t i = 0; x->left && i <= x->s->n_gpus && rest > 0.0; i++) {
        const size_t g = mix_slot(x, i);
        const double take = x->left[g] < rest ? x->left[g] : rest;
        h100 += take * slot_speed(x, g);
        rest -= take;
    }
    return h100 + rest * x->tail_speed;
}

/* gpus rounded up to whole nodes. */
static int64_t nodes_up(double gpus)
{
    if (!(gpus > 0.0))
        return 0;
    return (int64_t)ceil(gpus / SPEC_GPUS_PER_NODE - 1e-9) * SPEC_GPUS_PER_NODE;
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
        for (size_t c = 0; c < m->contracts.n; c++) {
            const int q = m->contracts.terms[c].lessee;
            if (m->contracts.terms[c].lessor != p || seen[q])
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
    textnum_format_grouped(v, 0, out, n);
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
             s->providers[buyer].name, (long long)++m->procure->n_procured);
    k.lessor = seller;
    k.lessee = buyer;
    k.gpu = r->gpu;
    k.gpus = r->gpus;
    k.start = r->start;
    k.end = r->end;
    k.price_per_gpu_hour = price;
    k.kind = r->kind;
    k.sla_availability = r->sla_availability;
    k.sla_credit_share = r->sla_credit_share;
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

/* What a seller signed with the buyer for one request: GPUs, and what they
 * are worth (H100-equivalents, at the seller's mix). */
typedef struct signed_sum {
    int64_t gpus;
    double h100;
} signed_sum;

/* A request counts as filled once what is signed is worth its gap, up to
 * this (H100-equivalents; rounding). */
#define FILLED_H100 1e-6

static int ask(market *m, chain *ch, int seller, const request *r, int refusal, int64_t t,
               signed_sum *got);

/* r's GPUs rounded down to whole nodes, within [0, r->gpus]. */
static int64_t whole_nodes(int64_t gpus, int64_t most)
{
    if (gpus > most)
        gpus = most;
    return gpus > 0 ? gpus - gpus % SPEC_GPUS_PER_NODE : 0;
}

/* Seller (lacking capacity for all of r) asks its own sellers for
 * back-to-back contracts of the rest (r->h100, which each of them sizes at
 * its own mix), at most max_price, and signs one sale to the buyer
 * mirroring each (same size and term), whose parent link the upstream
 * contract carries. *got is what was so sold: the mirrored sales deliver
 * what the upstream contracts deliver, so they are worth what those are. */
static int back_to_back(market *m, chain *ch, int seller, const request *r, double max_price,
                        double price, int64_t t, signed_sum *got)
{
    const spec_procurement *policy = policy_of(m->spec, seller);
    got->gpus = 0;
    got->h100 = 0.0;
    if (!policy || !policy->resell)
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
    for (size_t i = 0; i < policy->n_sellers && sub.h100 > FILLED_H100 && rc == 0; i++) {
        const int next = policy->sellers[i];
        if (in_chain(ch, next))
            continue;
        const size_t before = m->contracts.n;
        signed_sum upstream = {0, 0.0};
        rc = ask(m, ch, next, &sub, refusal && i == 0, t, &upstream);
        const size_t after = m->contracts.n;
        for (size_t c = before; c < after && rc == 0; c++) {
            if (m->contracts.terms[c].lessee != seller || m->contracts.terms[c].lessor != next)
                continue;
            request piece = *r;
            piece.gpus = m->contracts.terms[c].gpus;
            piece.start = m->contracts.terms[c].start;
            piece.end = m->contracts.terms[c].end;
            int sale = -1;
            rc = sign(m, seller, buyer, &piece, price, t, &sale);
            if (sale >= 0) {
                market__set_parent(m, c, sale);
                got->gpus += piece.gpus;
            }
        }
        got->h100 += upstream.h100;
        sub.h100 -= upstream.h100;
    }
    ch->n--;
    return rc;
}

/* "X offers 8,000 of Y's request for ...: why; reason" */
static int partial(market *m, int seller, int buyer, const request *r, int64_t offered,
                   const char *why, int64_t t)
{
    const spec *s = m->spec;
    char what[160], gpus[32];
    describe(m, r, what, sizeof what);
    thousands((double)offered, gpus, sizeof gpus);
    snprintf(m->message, sizeof m->message, "%s offers %s of %s's request for %s: %s; %s",
             s->providers[seller].name, gpus, s->providers[buyer].name, what, why, r->reason);
    return market__notify(m, t, "request_partial", s->providers[seller].name);
}

/* After a shortage, a seller whose build-out has sites coming online after
 * r->start may offer the rest of r (r->h100) from the latest of them: a
 * contract of the same term starting then, sized at the seller's mix at
 * that date, as much as its position covers over that term. *got is what
 * was signed. Returns 0, a negative capsim_status, or the observer's code. */
static int build_backed(market *m, int seller, int buyer, const request *r, double price,
                        int64_t t, signed_sum *got)
{
    got->gpus = 0;
    got->h100 = 0.0;
    const int64_t online = buildout__pending_online(m, seller, r->start);
    if (online == SPEC_NO_TIME || online >= m->spec->end)
        return 0;
    request later = *r;
    later.start = online;
    later.end = online + (r->end - r->start);
    offer_mix mix;
    if (offer_mix_at(m, seller, &later, later.start, &mix) != 0)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    later.gpus = whole_nodes(procure__uncommitted(m, seller, r->gpu, later.start, later.end),
                             nodes_up(mix_gpus(&mix, r->h100)));
    const double worth = mix_worth(&mix, later.gpus);
    offer_mix_free(&mix);
    if (later.gpus <= 0)
        return 0;
    int c = -1;
    const int rc = sign(m, seller, buyer, &later, price, t, &c);
    if (c >= 0) {
        got->gpus = later.gpus;
        got->h100 = worth;
    }
    return rc;
}

/* ask for a request already sized at the seller (r->gpus from mix). */
static int ask_sized(market *m, chain *ch, int seller, const request *r, const offer_mix *mix,
                     int refusal, int64_t t, signed_sum *got)
{
    const int buyer = ch->members[ch->n - 1];
    char why[192];
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
    const int64_t free_gpus = procure__uncommitted(m, seller, r->gpu, r->start, r->end);
    const int64_t own = whole_nodes(free_gpus, r->gpus);
    int rc = 0;
    if (own > 0) {
        request mine = *r;
        mine.gpus = own;
        int c = -1;
        if ((rc = sign(m, seller, buyer, &mine, price, t, &c)) != 0)
            return rc;
        got->gpus += own;
        got->h100 += mix_worth(mix, own);
    }
    if (got->gpus >= r->gpus || got->h100 >= r->h100 - FILLED_H100)
        return 0;
    request rest = *r;
    rest.gpus = r->gpus - got->gpus;
    rest.h100 = r->h100 - got->h100;
    signed_sum resold = {0, 0.0};
    if ((rc = back_to_back(m, ch, seller, &rest, price, price, t, &resold)) != 0)
        return rc;
    got->gpus += resold.gpus;
    got->h100 += resold.h100;
    if (got->h100 >= r->h100 - FILLED_H100)
        return 0;
    char have[32];
    thousands(free_gpus > 0 ? (double)free_gpus : 0.0, have, sizeof have);
    snprintf(why, sizeof why, "no capacity%s (uncommitted %s over the term)",
             got->gpus > 0 ? " for the rest" : "", have);
    rc = got->gpus > 0 ? partial(m, seller, buyer, r, got->gpus, why, t)
                       : decline(m, seller, buyer, r, refusal, why, t);
    if (rc != 0)
        return rc;
    /* the build-out adds GPUs of its own type: the rest of the gap in those */
    rest.h100 = r->h100 - got->h100;
    const int64_t short_gpus = r->gpu == SPEC_ANY_GPU
                                   ? nodes_up(rest.h100 / buildout_speed(m->spec, seller))
                                   : r->gpus - got->gpus;
    if ((rc = buildout__on_decline(m, seller, short_gpus, t)) != 0)
        return rc;
    signed_sum built = {0, 0.0};
    rc = build_backed(m, seller, buyer, &rest, price, t, &built);
    got->gpus += built.gpus;
    got->h100 += built.h100;
    return rc;
}

/* Asks `seller` for r (r->h100, the gap to fill) on behalf of the chain's
 * last member. The seller sizes r in GPUs at its own mix at r->start
 * (offer_mix: ceil(h100 / expected infer_speed), whole nodes), then signs
 * what it can deliver over the whole term, in whole nodes: from its own
 * position, then back-to-back from its own sellers, then (after its
 * build-out started sites for the rest) from the build's online date.
 * *got is what was signed with the buyer (nothing when it declined).
 * Returns 0, a negative capsim_status, or the observer's code. */
static int ask(market *m, chain *ch, int seller, const request *r, int refusal, int64_t t,
               signed_sum *got)
{
    got->gpus = 0;
    got->h100 = 0.0;
    offer_mix mix;
    if (offer_mix_at(m, seller, r, r->start, &mix) != 0)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    request sized = *r;
    sized.gpus = nodes_up(mix_gpus(&mix, r->h100));
    const int rc = ask_sized(m, ch, seller, &sized, &mix, refusal, t, got);
    offer_mix_free(&mix);
    return rc;
}

/* ---- review ---- */

/* The first date after `after` and at most `to` at which buyer b's
 * holdings drop (an incoming contract ends, an outgoing one starts), or
 * SPEC_NO_TIME. */
static int64_t next_drop(const market *m, int b, int64_t after, int64_t to)
{
    int64_t first = SPEC_NO_TIME;
    for (size_t c = 0; c < m->contracts.n; c++) {
        const spec_contract *k = &m->contracts.terms[c];
        const int64_t d = k->lessee == b ? market__end_of(k) : k->lessor == b ? k->start
                                                                              : SPEC_NO_TIME;
        if (d != SPEC_NO_TIME && d > after && d <= to && (first == SPEC_NO_TIME || d < first))
            first = d;
    }
    return first;
}

/* When the request starts: t + delivery_seconds, unless the gap is not
 * open yet then and opens inside the horizon where the buyer's holdings
 * drop (a lease it holds ends): then at the first such date, so that a
 * renewal is signed before the old lease ends and starts when it ends.
 * Returns 0 or CAPSIM_ERR_NO_MEMORY. */
static int request_start(market *m, const spec_procurement *p, int64_t t, double speed,
                         int64_t *start)
{
    const int64_t from = t + p->delivery_seconds, to = t + p->horizon_seconds;
    *start = from;
    double gap = 0.0;
    int rc = forecast_gap(m, p->buyer, from, speed, &gap);
    for (int64_t d = from; rc == 0 && !(gap > p->gap_threshold_h100);) {
        d = next_drop(m, p->buyer, d, to);
        if (d == SPEC_NO_TIME)
            break;
        rc = forecast_gap(m, p->buyer, d, speed, &gap);
        if (rc == 0 && gap > p->gap_threshold_h100)
            *start = d;
    }
    return rc;
}

int procure__review(market *m, size_t i, int64_t t)
{
    const spec *s = m->spec;
    const spec_procurement *p = &s->procurements[i];
    const int64_t at = t + p->horizon_seconds;
    const double speed = entities_speed(s, p->gpu);
    double gap = 0.0;
    const int forecast = forecast_gap(m, p->buyer, at, speed, &gap);
    if (forecast != 0)
        return forecast;
    if (!(gap > p->gap_threshold_h100) || p->n_sellers == 0)
        return 0;
    int64_t start = 0;
    const int opens = request_start(m, p, t, speed, &start);
    if (opens != 0)
        return opens;
    if (start >= s->end)
        return 0;   /* it would deliver nothing within the run */
    const double want = gap * (1.0 + p->headroom) / (speed > 0.0 ? speed : 1.0);
    const int64_t nodes = (int64_t)ceil(want / SPEC_GPUS_PER_NODE);
    char gap_text[32], date[11], reason[96];
    thousands(gap, gap_text, sizeof gap_text);
    market__date(m, at, date);
    snprintf(reason, sizeof reason, "gap %s H100-eq at %s", gap_text, date);
    const double term_months = p->term_months > 0
                                   ? (double)p->term_months
                                   : (double)p->term_seconds / UNITS_SECONDS_PER_MONTH_REAL;
    request r = {p->gpu, nodes * SPEC_GPUS_PER_NODE, gap * (1.0 + p->headroom), p->kind, start,
                 start + p->term_seconds, term_months, p->max_price_per_gpu_hour, reason,
                 p->sla_availability, p->sla_credit_share};
    chain ch = {calloc(s->n_providers + 1, sizeof(int)), 1};
    if (!ch.members)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    ch.members[0] = p->buyer;
    const int refusal = first_refusal_holds(p, t);
    int rc = 0;
    for (size_t k = 0; k < p->n_sellers && r.h100 > FILLED_H100 && rc == 0; k++) {
        signed_sum got = {0, 0.0};
        rc = ask(m, &ch, p->sellers[k], &r, refusal && k == 0, t, &got);
        r.h100 -= got.h100;   /* the next seller sizes the rest at its own mix */
    }
    free(ch.members);
    return rc;
}
