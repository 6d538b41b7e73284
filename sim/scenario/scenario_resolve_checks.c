/*
 * scenario_resolve_checks: the per-kind checks that need more than one value, and
 * the placing of keys that have no spec field of their own: gpus lists
 * (-> phases, with the power cap), term_months (-> contract end). The
 * contracts' terms, termination dates and the lease graph are checked here;
 * workloads are in scenario_resolve_workload.c, the market policies in
 * scenario_resolve_market.c.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/caltime.h"
#include "scenario_resolve_internal.h"
#include "../model/position.h"

/* ---- GPUs ---- */

int scenario_resolve__gpu(scenario_resolve_ctx *rc, size_t i)
{
    const spec_gpu *g = &rc->s->gpus[i];
    if (g->idle_w > g->tdp_w) {
        scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_GPU, i, "idle_w");
        scenario_diag_error(rc->d, &w, "idle_w = %g W is above tdp_w = %g W; idle power cannot "
                      "exceed full-load power", g->idle_w, g->tdp_w);
        return -1;
    }
    return 0;
}

/* ---- phases and power caps ---- */

static size_t count_items(const char *list)
{
    char type[SPEC_NAME_MAX], why[256];
    int64_t count;
    size_t n = 0;
    while (list && scenario_keys_gpu_list_next(&list, type, &count, why, sizeof why) == 1)
        n++;
    return n;
}

/* Appends one phase per item of the gpus list of entity i of `kind` (a
 * datacenter or a [phase]). Returns 0 or -1 after reporting. */
static int add_items(scenario_resolve_ctx *rc, scenario_keys_kind kind, size_t i, int dc, int64_t online)
{
    const char *list = scenario_resolve__text(rc, kind, i, "gpus");
    scenario_diag_where w = scenario_resolve__where(rc, kind, i, "gpus");
    const char *name = kind == SCENARIO_KEYS_PHASE ? rc->phase_records[i].name
                                              : rc->s->datacenters[i].name;
    char type[SPEC_NAME_MAX], why[256];
    int64_t count;
    while (list && scenario_keys_gpu_list_next(&list, type, &count, why, sizeof why) == 1) {
        int gpu = scenario_resolve__lookup(rc, SCENARIO_KEYS_GPU, type, &w);
        if (gpu < 0)
            return -1;
        spec_phase *p = &rc->s->phases[rc->s->n_phases];
        snprintf(p->name, sizeof p->name, "%s", name);
        p->datacenter = dc;
        p->gpu = gpu;
        p->count = count;
        p->online = online;
        rc->phase_section[rc->s->n_phases++] = rc->sections[kind][i];
    }
    return 0;
}

/* Indices first..last-1 (one DC's phases) into `order`, sorted by online
 * date, stably (insertion sort: a DC has a handful of phases). */
static void sort_by_online(const spec_phase *phases, size_t first, size_t last, size_t *order)
{
    for (size_t i = first; i < last; i++) {
        size_t j = i - first;
        while (j > 0 && phases[order[j - 1]].online > phases[i].online) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
}

/* The cumulative system power (tdp_w + host_w per GPU) of a DC's phases, in
 * online order, against its cap. */
static int check_power(scenario_resolve_ctx *rc, size_t dc, size_t first, size_t last, size_t *order)
{
    const spec *s = rc->s;
    const spec_datacenter *d = &s->datacenters[dc];
    double cap_w = d->power_mw * 1e6, draw_w = 0;
    sort_by_online(s->phases, first, last, order);
    for (size_t k = 0; k < last - first; k++) {
        const spec_phase *p = &s->phases[order[k]];
        draw_w += spec_gpu_system_w(&s->gpus[p->gpu]) * (double)p->count;
        if (draw_w <= cap_w * (1 + 1e-12))
            continue;
        int section = rc->phase_section[order[k]];
        scenario_keys_kind kind = rc->raw->sections[section].kind;
        scenario_diag_where w = scenario_raw_where(rc->raw, section, scenario_resolve__key(kind, "gpus"));
        char date[11];
        scenario_resolve__date(rc, p->online, date);
        scenario_diag_error(rc->d, &w, "power cap exceeded: datacenter '%s' would draw %.2f MW of "
                      "GPU system power (tdp_w + host_w) from %s, over its power_mw = %g MW; "
                      "raise power_mw or build fewer GPUs", d->name, draw_w / 1e6, date, d->power_mw);
        return -1;
    }
    return 0;
}

static int check_power_caps(scenario_resolve_ctx *rc)
{
    const spec *s = rc->s;
    size_t *order = malloc((s->n_phases ? s->n_phases : 1) * sizeof *order);
    int status = order ? 0 : -1;
    for (size_t first = 0, dc = 0; status == 0 && dc < s->n_datacenters; dc++) {
        size_t last = first;
        while (last < s->n_phases && s->phases[last].datacenter == (int)dc)
            last++;
        status = check_power(rc, dc, first, last, order);
        first = last;
    }
    free(order);
    return status;
}

int scenario_resolve__phases(scenario_resolve_ctx *rc)
{
    spec *s = rc->s;
    size_t n = 0;
    for (size_t i = 0; i < rc->counts[SCENARIO_KEYS_DATACENTER]; i++)
        n += count_items(scenario_resolve__text(rc, SCENARIO_KEYS_DATACENTER, i, "gpus"));
    for (size_t i = 0; i < rc->counts[SCENARIO_KEYS_PHASE]; i++)
        n += count_items(scenario_resolve__text(rc, SCENARIO_KEYS_PHASE, i, "gpus"));
    s->phases = calloc(n ? n : 1, sizeof *s->phases);
    rc->phase_section = calloc(n ? n : 1, sizeof *rc->phase_section);
    if (!s->phases || !rc->phase_section) {
        scenario_diag_where w = {rc->top_file, 0, NULL, NULL, NULL};
        scenario_diag_error(rc->d, &w, "out of memory");
        return -1;
    }
    for (size_t dc = 0; dc < s->n_datacenters; dc++) {
        if (add_items(rc, SCENARIO_KEYS_DATACENTER, dc, (int)dc, s->datacenters[dc].online) != 0)
            return -1;
        for (size_t i = 0; i < rc->counts[SCENARIO_KEYS_PHASE]; i++)
            if (rc->phase_records[i].datacenter == (int)dc &&
                add_items(rc, SCENARIO_KEYS_PHASE, i, (int)dc, rc->phase_records[i].online) != 0)
                return -1;
    }
    return check_power_caps(rc);
}

/* ---- contracts ---- */

static int days_in_month(int year, int month)
{
    int next_year = month == 12 ? year + 1 : year, next_month = month == 12 ? 1 : month + 1;
    return (int)(caltime_days_from_civil(next_year, next_month, 1) -
                 caltime_days_from_civil(year, month, 1));
}

int64_t scenario_resolve_add_months(int64_t start_day, int64_t months)
{
    int year, month, day;
    caltime_civil_from_days(start_day, &year, &month, &day);
    int64_t index = (int64_t)year * 12 + (month - 1) + months;
    int new_year = (int)(index / 12), new_month = (int)(index % 12) + 1;
    int last = days_in_month(new_year, new_month);
    return caltime_days_from_civil(new_year, new_month, day < last ? day : last);
}

/* Sets the end from term_months, or checks that end was given. */
static int resolve_term(scenario_resolve_ctx *rc, size_t i)
{
    spec_contract *c = &rc->s->contracts[i];
    const char *end = scenario_resolve__text(rc, SCENARIO_KEYS_CONTRACT, i, "end");
    const char *term = scenario_resolve__text(rc, SCENARIO_KEYS_CONTRACT, i, "term_months");
    scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_CONTRACT, i, end ? "term_months" : NULL);
    if (end && term) {
        scenario_diag_error(rc->d, &w, "both end and term_months are set; keep only one of them");
        return -1;
    }
    if (!end && !term) {
        scenario_diag_error(rc->d, &w, "a contract needs an end (its last day, inclusive) or a "
                      "term_months; add one of them");
        return -1;
    }
    if (term) {
        int64_t months = strtoll(term, NULL, 10);    /* checked when read */
        int64_t start_day = rc->s->start_day + c->start / UNITS_SECONDS_PER_DAY;
        c->end = (scenario_resolve_add_months(start_day, months) - rc->s->start_day)
                 * UNITS_SECONDS_PER_DAY;
    }
    return 0;
}

/* terminate: strictly inside the term. */
static int check_termination(scenario_resolve_ctx *rc, size_t i)
{
    const spec_contract *c = &rc->s->contracts[i];
    char when[11], start[11], last[11];
    if (c->terminate == SPEC_NO_TIME) {
        scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_CONTRACT, i, "termination_fee_months");
        if (scenario_resolve__text(rc, SCENARIO_KEYS_CONTRACT, i, "termination_fee_months"))
            scenario_resolve__warn(rc, &w, "ignored: there is no terminate date, so no fee is due");
        return 0;
    }
    if (c->terminate > c->start && c->terminate < c->end)
        return 0;
    scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_CONTRACT, i, "terminate");
    scenario_resolve__date(rc, c->terminate, when);
    scenario_resolve__date(rc, c->start, start);
    scenario_resolve__date(rc, c->end - UNITS_SECONDS_PER_DAY, last);
    scenario_diag_error(rc->d, &w, "terminate %s is not inside the term (%s to %s inclusive); it "
                  "must be after the start and on or before the last day", when, start, last);
    return -1;
}

/* Warnings about SLA and ramp keys that cannot take effect. */
static void check_sla_and_ramp(scenario_resolve_ctx *rc, size_t i)
{
    const spec_contract *c = &rc->s->contracts[i];
    if (c->sla_availability == 0 &&
        scenario_resolve__text(rc, SCENARIO_KEYS_CONTRACT, i, "sla_credit_share")) {
        scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_CONTRACT, i, "sla_credit_share");
        scenario_resolve__warn(rc, &w, "ignored: sla_availability is 0 (no SLA), so no credit is "
                         "ever due");
    }
    if (c->ramp_seconds > c->end - c->start) {
        scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_CONTRACT, i, "ramp_months");
        scenario_resolve__warn(rc, &w, "the ramp is longer than the term: committed GPUs reach "
                         "only part of gpus = %lld before the contract ends",
                         (long long)c->gpus);
    }
}

/* One priced item of a contract's price list into c: `*` is the default
 * (*has_default), a type its type_prices entry. Returns 0 or -1 after
 * reporting. */
static int add_type_price(scenario_resolve_ctx *rc, size_t i, const char *type, double price,
                          int *has_default)
{
    spec_contract *c = &rc->s->contracts[i];
    scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_CONTRACT, i, "price_per_gpu_hour");
    if (strcmp(type, "*") == 0) {
        if (*has_default) {
            scenario_diag_error(rc->d, &w, "the price list has two `*` entries; keep one");
            return -1;
        }
        *has_default = 1;
        c->price_per_gpu_hour = price;
        return 0;
    }
    const int gpu = scenario_resolve__lookup(rc, SCENARIO_KEYS_GPU, type, &w);
    if (gpu < 0)
        return -1;
    if (c->gpu != SPEC_ANY_GPU && gpu != c->gpu) {
        scenario_diag_error(rc->d, &w, "the contract delivers only %s GPUs, so a price for %s never "
                      "applies; give one price, e.g. price_per_gpu_hour = %g",
                      rc->s->gpus[c->gpu].name, type, price);
        return -1;
    }
    for (size_t k = 0; k < c->n_type_prices; k++)
        if (c->type_prices[k].gpu == gpu) {
            scenario_diag_error(rc->d, &w, "the price list names %s twice; keep one price per GPU "
                          "type", type);
            return -1;
        }
    if (c->n_type_prices == SPEC_MAX_TYPE_PRICES) {
        scenario_diag_error(rc->d, &w, "the price list names more than %d GPU types; use `*:PRICE` "
                      "for the rest", SPEC_MAX_TYPE_PRICES);
        return -1;
    }
    c->type_prices[c->n_type_prices++] = (spec_type_price){gpu, price};
    return 0;
}

/* A price list `TYPE:PRICE, *:PRICE` (checked item by item when read): every
 * type at most once; an `any` contract names every GPU type of the scenario
 * or a `*` default; a typed contract names only its type. Without `*`,
 * price_per_gpu_hour is the lowest listed price. Returns 0 or -1 after
 * reporting. */
static int resolve_price_list(scenario_resolve_ctx *rc, size_t i)
{
    spec_contract *c = &rc->s->contracts[i];
    const char *text = scenario_resolve__text(rc, SCENARIO_KEYS_CONTRACT, i, "price_per_gpu_hour");
    c->n_type_prices = 0;
    if (!text || !scenario_keys_is_price_list(text))
        return 0;
    const scenario_keys_key *k =
        &scenario_keys_kind_of(SCENARIO_KEYS_CONTRACT)->keys[scenario_resolve__key(
            SCENARIO_KEYS_CONTRACT, "price_per_gpu_hour")];
    char type[SPEC_NAME_MAX], why[256];
    double price;
    int has_default = 0;
    const char *cursor = text;
    while (scenario_keys_price_list_next(k, &cursor, type, &price, why, sizeof why) == 1)
        if (add_type_price(rc, i, type, price, &has_default) != 0)
            return -1;
    if (has_default)
        return 0;
    scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_CONTRACT, i, "price_per_gpu_hour");
    assert(c->n_type_prices > 0);   /* a list has an item, and it is not `*` */
    if (c->gpu != SPEC_ANY_GPU) {      /* its one item names the contract's type */
        c->price_per_gpu_hour = c->type_prices[0].price_per_gpu_hour;
        return 0;
    }
    for (size_t g = 0; g < rc->s->n_gpus; g++) {
        size_t at = 0;
        while (at < c->n_type_prices && c->type_prices[at].gpu != (int)g)
            at++;
        if (at == c->n_type_prices) {
            scenario_diag_error(rc->d, &w, "no price for GPU %s, which this `any` contract may "
                          "receive; add %s:PRICE to the list, or a default `*:PRICE` for every "
                          "type not named", rc->s->gpus[g].name, rc->s->gpus[g].name);
            return -1;
        }
    }
    c->price_per_gpu_hour = c->type_prices[0].price_per_gpu_hour;
    for (size_t at = 1; at < c->n_type_prices; at++)
        if (c->type_prices[at].price_per_gpu_hour < c->price_per_gpu_hour)
            c->price_per_gpu_hour = c->type_prices[at].price_per_gpu_hour;
    return 0;
}

int scenario_resolve__contract(scenario_resolve_ctx *rc, size_t i)
{
    spec_contract *c = &rc->s->contracts[i];
    c->origin = SPEC_ORIGIN_SCENARIO;
    c->signed_at = SPEC_NO_TIME;
    c->parent = -1;
    if (c->lessor == c->lessee) {
        scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_CONTRACT, i, "lessee");
        scenario_diag_error(rc->d, &w, "the lessee is the lessor ('%s'); a contract needs two "
                      "different providers", rc->s->providers[c->lessee].name);
        return -1;
    }
    if (resolve_term(rc, i) != 0 || resolve_price_list(rc, i) != 0)
        return -1;
    if (c->end <= c->start) {
        scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_CONTRACT, i, "end");
        char start[11], last[11];
        scenario_resolve__date(rc, c->start, start);
        scenario_resolve__date(rc, c->end - UNITS_SECONDS_PER_DAY, last);
        scenario_diag_error(rc->d, &w, "end %s is before start %s; the end date (inclusive) must "
                      "be on or after the start", last, start);
        return -1;
    }
    if (check_termination(rc, i) != 0)
        return -1;
    check_sla_and_ramp(rc, i);
    return 0;
}

/* ---- the lease graph ---- */

static void report_cycle(scenario_resolve_ctx *rc, size_t contract, const int *path, int depth,
                         int back_to)
{
    char chain[1024] = "";
    int from = depth;
    while (from > 0 && path[from] != back_to)
        from--;
    for (int k = from; k <= depth; k++) {
        strncat(chain, rc->s->providers[path[k]].name, sizeof chain - strlen(chain) - 1);
        strncat(chain, " -> ", sizeof chain - strlen(chain) - 1);
    }
    strncat(chain, rc->s->providers[back_to].name, sizeof chain - strlen(chain) - 1);
    scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_CONTRACT, contract, "lessee");
    scenario_diag_error(rc->d, &w, "lease cycle %s; capacity cannot flow in a loop: remove or "
                  "redirect one of these contracts", chain);
}

/* Depth-first search from provider p along lessor -> lessee edges, in
 * contract order. state: 0 unseen, 1 on the current path, 2 done. O(P x C). */
static int visit(scenario_resolve_ctx *rc, int p, char *state, int *path, int depth)
{
    const spec *s = rc->s;
    state[p] = 1;
    path[depth] = p;
    for (size_t c = 0; c < s->n_contracts; c++) {
        int q = s->contracts[c].lessee;
        if (s->contracts[c].lessor != p)
            continue;
        if (state[q] == 1) {
            report_cycle(rc, c, path, depth, q);
            return -1;
        }
        if (state[q] == 0 && visit(rc, q, state, path, depth + 1) != 0)
            return -1;
    }
    state[p] = 2;
    return 0;
}

/* A warning when a lessor cannot deliver what it has committed at a
 * contract's start or at the end of its ramp, by the one capacity-position
 * rule (sim/model/position.h: typed commitments from their type, `any`
 * ones from what is left): once per (lessor, date). It counts what the
 * lessor holds or has scheduled, not what a build-out policy may build
 * during the run; for a lessor with one the warning names it. */
int scenario_resolve__oversubscription(scenario_resolve_ctx *rc)
{
    const spec *s = rc->s;
    const entities view = entities_of_spec(s);
    position pos;
    if (position_init(&pos, s->n_gpus) != CAPSIM_OK)
        return 0;   /* a warning only: no memory, no warning */
    for (size_t k = 0; k < 2 * s->n_contracts; k++) {
        size_t i = k / 2;
        const spec_contract *c = &s->contracts[i];
        if (k % 2 == 1 && c->ramp_seconds <= 0)
            continue;
        int p = c->lessor;
        int64_t t = k % 2 == 0 ? c->start : c->start + c->ramp_seconds;
        if (t >= s->end)   /* a ramp ending after the run: what it reaches inside the run */
            t = s->end - 1;
        size_t j = 0;
        while (j < i && !(s->contracts[j].lessor == p && s->contracts[j].start == t))
            j++;
        if (j < i)
            continue;
        position_at(&view, p, t, &pos);
        const int64_t short_gpus = position_shortfall(&pos);
        if (short_gpus <= 0)
            continue;
        int64_t out = pos.committed_any, held = position_held_total(&pos), in = 0;
        for (size_t g = 0; g < pos.n_types; g++)
            out += pos.committed[g];
        for (size_t q = 0; q < s->n_contracts; q++)
            if (s->contracts[q].lessee == p)
                in += position_contract_committed(&s->contracts[q], t);
        /* a build-out policy of the lessor may build what is missing during the run */
        const char *builder = NULL;
        for (size_t b = 0; b < s->n_buildouts && !builder; b++)
            if (s->buildouts[b].owner == p)
                builder = s->buildouts[b].name;
        char consequence[SPEC_NAME_MAX + 128];
        if (builder)
            snprintf(consequence, sizeof consequence, "unless its build-out [buildout %s] has them "
                     "online by then, its lessees will get less than committed", builder);
        else
            snprintf(consequence, sizeof consequence, "its lessees will get less than committed");
        char date[11];
        scenario_resolve__date(rc, t, date);
        scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_CONTRACT, i, "gpus");
        scenario_resolve__warn(rc, &w, "oversubscribed: on %s provider '%s' has committed %lld GPUs "
                         "to lessees but holds %lld (%lld owned + %lld leased in); %lld cannot be "
                         "delivered (a typed contract only from its type); %s", date,
                         s->providers[p].name, (long long)out, (long long)held,
                         (long long)(held - in), (long long)in, (long long)short_gpus, consequence);
    }
    position_free(&pos);
    return 0;
}

int scenario_resolve__lease_graph(scenario_resolve_ctx *rc)
{
    size_t n = rc->s->n_providers ? rc->s->n_providers : 1;
    char *state = calloc(n, 1);
    int *path = calloc(n, sizeof *path);
    int status = state && path ? 0 : -1;
    for (size_t p = 0; status == 0 && p < rc->s->n_providers; p++)
        if (!state[p])
            status = visit(rc, (int)p, state, path, 0);
    free(state);
    free(path);
    return status;
}
