/*
 * buildout: owners that build new sites (the [buildout] policies). The
 * entry points are internal to the market (market_internal.h); this header
 * states the rules.
 *
 * Sites are reserved at market_create, so the fleet never grows at run
 * time: each build-out reserves max_sites sites (8 when max_sites is 0),
 * each of site_gpus = the whole 8-GPU nodes of its GPU type that fit in
 * site_power_mw of IT power ((tdp_w + host_w) x GPUs <= site_power_mw x 1e6), at most
 * BUILDOUT_MAX_RESERVED_GPUS GPUs per build-out (fewer sites beyond that). A
 * reserved site is a phase with datacenter -1 and no GPUs online; it costs
 * fleet memory but no tick work.
 *
 * Triggers:
 *   declined          when a request to the owner is declined (wholly or in
 *                     part) for lack of capacity: while the owner's
 *                     uncommitted GPUs of the build-out's type at (now +
 *                     lead time) (procure__uncommitted, position.h),
 *                     counting sites already started but not yet online,
 *                     are fewer than the GPUs it could not offer, it starts
 *                     one more site: one decline starts as many sites as
 *                     the gap needs, within the budgets and max_sites (and a
 *                     shortage already covered by started sites starts none);
 *   low_uncommitted   a monthly check (every 30.4375 days from t = 0): when
 *                     that same uncommitted count is below
 *                     uncommitted_threshold_gpus.
 *
 * Deciding a site: the next reserved site becomes datacenter "<name>-<k>"
 * (k = 1, 2, ... per build-out) owned by the owner, in the build-out's
 * region, power cap site_power_mw, PUE, energy price and opex, online at
 * now + lead + slippage, slippage = max(0, N(0, sigma)) months drawn from the
 * stream "buildout/<name>" (one draw per decision, only when sigma > 0). A
 * site is built whole or not at all: it must fit in what is left of the
 * calendar year's budgets (IT MW and capex = GPUs x capex_usd; the year of
 * the decision; 0 = unlimited) and in max_sites. Events: "build_started" at
 * the decision, "phase_online" when the site comes online. Its GPUs join
 * the owner's pool then, and depreciate from then.
 */
#ifndef CAPSIM_BUILDOUT_H
#define CAPSIM_BUILDOUT_H

#define BUILDOUT_DEFAULT_SITES 8
#define BUILDOUT_MAX_RESERVED_GPUS 2000000

#endif
