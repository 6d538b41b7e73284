/*
 * scenario_resolve_market: the checks of the market policies, [pricelist],
 * [procurement] and [buildout], and the placing of their keys without a
 * field (a price list's absent prices, a procurement's sellers and term).
 * They are resolved after every provider, GPU type and contract, and in
 * that order, so a procurement can ask the price lists for quotes by the
 * model's own rule (price_quote, sim/model/price.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/price.h"
#include "scenario_resolve_internal.h"

/* ---- price lists ---- */

static const char *const price_keys[3] = {
    [SPEC_RESERVED] = "reserved_per_gpu_hour",
    [SPEC_ON_DEMAND] = "on_demand_per_gpu_hour",
    [SPEC_SPOT] = "spot_per_gpu_hour",
};

static const char *gpu_label(const spec *s, int gpu)
{
    return gpu == SPEC_ANY_GPU ? "any" : s->gpus[gpu].name;
}

int scenario_resolve__pricelist(scenario_resolve_ctx *rc, size_t i)
{
    spec *s = rc->s;
    spec_pricelist *p = &s->pricelists[i];
    int offered = 0;
    for (int k = 0; k < 3; k++) {
        if (scenario_resolve__text(rc, SCENARIO_KEYS_PRICELIST, i, price_keys[k]))
            offered++;
        else
            p->price_per_gpu_hour[k] = -1;      /* not offered */
    }
    if (!offered) {
        scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_PRICELIST, i, NULL);
        scenario_diag_error(rc->d, &w, "a price list needs at least one price; add "
                      "reserved_per_gpu_hour, on_demand_per_gpu_hour or spot_per_gpu_hour");
        return -1;
    }
    for (size_t j = 0; j < i; j++) {
        if (s->pricelists[j].seller != p->seller || s->pricelists[j].gpu != p->gpu)
            continue;
        scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_PRICELIST, i, "gpu");
        scenario_diag_error(rc->d, &w, "provider '%s' already has a price list for GPU %s, "
                      "[pricelist %s]; merge the two", s->providers[p->seller].name,
                      gpu_label(s, p->gpu), s->pricelists[j].name);
        return -1;
    }
    return 0;
}

/* ---- procurement ---- */

static int resolve_sellers(scenario_resolve_ctx *rc, size_t i)
{
    spec_procurement *p = &rc->s->procurements[i];
    const char *list = scenario_resolve__text(rc, SCENARIO_KEYS_PROCUREMENT, i, "sellers");
    scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_PROCUREMENT, i, "sellers");
    char name[SPEC_NAME_MAX], why[256];
    size_t n = 1;
    for (const char *c = list; *c; c++)
        n += *c == ',';
    p->sellers = malloc(n * sizeof *p->sellers);
    if (!p->sellers) {
        scenario_diag_error(rc->d, &w, "out of memory");
        return -1;
    }
    while (scenario_keys_name_list_next(&list, name, why, sizeof why) == 1) {
        int seller = scenario_resolve__lookup(rc, SCENARIO_KEYS_PROVIDER, name, &w);
        if (seller < 0)
            return -1;
        if (seller == p->buyer) {
            scenario_diag_error(rc->d, &w, "'%s' is the buyer; a provider cannot buy from itself: "
                          "remove it from sellers", name);
            return -1;
        }
        p->sellers[p->n_sellers++] = seller;
    }
    return 0;
}

/* Warnings: a first-refusal date without the right; a seller that cannot
 * quote (the model's own rule, price_quote); no seller within the price cap. */
static void warn_procurement(scenario_resolve_ctx *rc, size_t i)
{
    const spec *s = rc->s;
    const spec_procurement *p = &s->procurements[i];
    if (!p->first_refusal && p->first_refusal_until != SPEC_NO_TIME) {
        scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_PROCUREMENT, i, "first_refusal_until");
        scenario_resolve__warn(rc, &w, "ignored: first_refusal is false");
    }
    scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_PROCUREMENT, i, "sellers");
    double cheapest = -1;
    for (size_t k = 0; k < p->n_sellers; k++) {
        double price;
        price_status st = price_quote(s, p->sellers[k], p->gpu, p->kind, p->term_months,
                                      p->first_review, &price);
        if (st == PRICE_OK) {
            cheapest = cheapest < 0 || price < cheapest ? price : cheapest;
            continue;
        }
        scenario_resolve__warn(rc, &w, "seller '%s' cannot quote a %s contract for GPU %s (%s: %s); "
                         "it will decline every request of this policy",
                         s->providers[p->sellers[k]].name, spec_contract_kind_name(p->kind),
                         gpu_label(s, p->gpu), capsim_strerror(st), st == PRICE_NO_LIST
                         ? "add a [pricelist] for it" : "add that price to its [pricelist]");
    }
    if (cheapest > p->max_price_per_gpu_hour) {
        scenario_diag_where at = scenario_resolve__where(rc, SCENARIO_KEYS_PROCUREMENT, i,
                                             "max_price_per_gpu_hour");
        scenario_resolve__warn(rc, &at, "every seller quotes above max_price_per_gpu_hour = %g (the "
                         "cheapest asks %g for a %d-month term); no contract can be signed",
                         p->max_price_per_gpu_hour, cheapest, p->term_months);
    }
}

int scenario_resolve__procurement(scenario_resolve_ctx *rc, size_t i)
{
    spec_procurement *p = &rc->s->procurements[i];
    const char *term = scenario_resolve__text(rc, SCENARIO_KEYS_PROCUREMENT, i, "term_months");
    p->term_months = (int)strtol(term ? term : "48", NULL, 10);   /* checked when read */
    p->term_seconds = (int64_t)p->term_months * UNITS_SECONDS_PER_MONTH;
    if (resolve_sellers(rc, i) != 0)
        return -1;
    warn_procurement(rc, i);
    return 0;
}

/* ---- build-out ---- */

int scenario_resolve__buildout(scenario_resolve_ctx *rc, size_t i)
{
    const spec *s = rc->s;
    const spec_buildout *b = &s->buildouts[i];
    double node_w = spec_gpu_system_w(&s->gpus[b->gpu]) * SPEC_GPUS_PER_NODE;
    if (b->site_power_mw * 1e6 < node_w) {
        scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_BUILDOUT, i, "site_power_mw");
        scenario_diag_error(rc->d, &w, "a site of %g MW cannot hold one %d-GPU node of %s (%g W of "
                      "system power, tdp_w + host_w); raise site_power_mw", b->site_power_mw, SPEC_GPUS_PER_NODE,
                      s->gpus[b->gpu].name, node_w);
        return -1;
    }
    if (b->trigger != SPEC_TRIGGER_LOW_UNCOMMITTED &&
        scenario_resolve__text(rc, SCENARIO_KEYS_BUILDOUT, i, "uncommitted_threshold_gpus")) {
        scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_BUILDOUT, i,
                                            "uncommitted_threshold_gpus");
        scenario_resolve__warn(rc, &w, "ignored: trigger is %s, and the threshold applies to "
                         "trigger = low_uncommitted only", spec_buildout_trigger_name(b->trigger));
    }
    return 0;
}

/* ---- calibration targets ---- */

int scenario_resolve__target(scenario_resolve_ctx *rc, size_t i)
{
    const spec_target *t = &rc->s->targets[i];
    if (t->tolerance > 0 || t->tolerance_abs > 0)
        return 0;
    scenario_diag_where w = scenario_resolve__where(rc, SCENARIO_KEYS_TARGET, i, NULL);
    scenario_diag_error(rc->d, &w, "a target needs a tolerance; set tolerance (relative, "
                  "0.1 = +-10%%) or tolerance_abs (in the metric's unit)");
    return -1;
}
