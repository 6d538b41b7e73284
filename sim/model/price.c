/*
 * price: quotes from price lists and per-type contract prices; the rules
 * are in price.h. O(price lists) per quote; quotes are asked only at
 * procurement reviews. price_of_type is O(listed types).
 */
#include "price.h"

#include <math.h>

#include "../util/units.h"

#define MONTHS_PER_YEAR 12.0

double price_term_discount(const spec_pricelist *l, double years)
{
    double d = l->discount_per_year * (years > 1.0 ? years - 1.0 : 0.0);
    return d < l->max_discount ? d : l->max_discount;
}

double price_decline_factor(const spec_pricelist *l, int64_t t)
{
    if (!(l->decline_per_year > 0.0) || t <= 0)
        return 1.0;
    return pow(1.0 - l->decline_per_year, (double)t / UNITS_SECONDS_PER_YEAR_REAL);
}

/* The seller's list for (gpu), or its `any` list; NULL when none. */
static const spec_pricelist *list_for(const spec *s, int seller, int gpu)
{
    const spec_pricelist *best = NULL;
    for (size_t i = 0; i < s->n_pricelists; i++) {
        const spec_pricelist *l = &s->pricelists[i];
        if (l->seller != seller)
            continue;
        if (l->gpu == gpu && gpu != SPEC_ANY_GPU)
            return l;   /* a list for the type wins */
        if (l->gpu == SPEC_ANY_GPU && !best)
            best = l;
    }
    return best;
}

static double quote_of(const spec_pricelist *l, spec_contract_kind kind, double term_months,
                       int64_t t)
{
    return l->price_per_gpu_hour[kind] * price_decline_factor(l, t) *
           (1.0 - price_term_discount(l, term_months / MONTHS_PER_YEAR));
}

price_status price_quote(const spec *s, int seller, int gpu, spec_contract_kind kind,
                         double term_months, int64_t t, double *price)
{
    const spec_pricelist *l = list_for(s, seller, gpu);
    if (!l)
        return PRICE_NO_LIST;
    if (l->price_per_gpu_hour[kind] < 0.0)
        return PRICE_NOT_OFFERED;
    *price = quote_of(l, kind, term_months, t);
    return PRICE_OK;
}

void price_fill_type_prices(const spec *s, spec_contract *k, double term_months, int64_t t)
{
    k->n_type_prices = 0;
    if (k->gpu != SPEC_ANY_GPU)
        return;
    for (size_t i = 0; i < s->n_pricelists && k->n_type_prices < SPEC_MAX_TYPE_PRICES; i++) {
        const spec_pricelist *l = &s->pricelists[i];
        if (l->seller != k->lessor || l->gpu == SPEC_ANY_GPU || l->price_per_gpu_hour[k->kind] < 0.0)
            continue;
        k->type_prices[k->n_type_prices++] =
            (spec_type_price){l->gpu, quote_of(l, k->kind, term_months, t)};
    }
}

double price_of_type(const spec_contract *k, int gpu)
{
    for (size_t i = 0; i < k->n_type_prices; i++)
        if (k->type_prices[i].gpu == gpu)
            return k->type_prices[i].price_per_gpu_hour;
    return k->price_per_gpu_hour;
}
