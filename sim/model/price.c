/*
 * price: quotes from price lists; the rules are in price.h. O(price lists)
 * per quote; quotes are asked only at procurement reviews.
 */
#include "price.h"

#define MONTHS_PER_YEAR 12.0

double price_term_discount(const spec_pricelist *l, double years)
{
    double d = l->discount_per_year * (years > 1.0 ? years - 1.0 : 0.0);
    return d < l->max_discount ? d : l->max_discount;
}

price_status price_quote(const spec *s, int seller, int gpu, spec_contract_kind kind,
                         double term_months, double *price)
{
    const spec_pricelist *best = NULL;
    for (size_t i = 0; i < s->n_pricelists; i++) {
        const spec_pricelist *l = &s->pricelists[i];
        if (l->seller != seller)
            continue;
        if (l->gpu == gpu && gpu != SPEC_ANY_GPU) {
            best = l;   /* a list for the type wins */
            break;
        }
        if (l->gpu == SPEC_ANY_GPU && !best)
            best = l;
    }
    if (!best)
        return PRICE_NO_LIST;
    const double list = best->price_per_gpu_hour[kind];
    if (list < 0.0)
        return PRICE_NOT_OFFERED;
    *price = list * (1.0 - price_term_discount(best, term_months / MONTHS_PER_YEAR));
    return PRICE_OK;
}
