/*
 * scenario_resolve: turns the raw scenario table (scenario_raw) into a spec. It fills
 * every record from the key tables (defaults included), resolves names to
 * indices, reads CSV series and job traces, parses job distributions, and
 * runs the checks that need more than one value: idle_w <= tdp_w, end on or
 * after start, the datacenter power caps over the build phases, exactly one
 * of end / term_months, a terminate date inside the term, no lease cycle,
 * the keys each workload type needs, at least one price per price list and
 * one price list per (seller, GPU type), procurement sellers that exist and
 * are not the buyer, build-out sites that hold a node. Oversubscribed
 * lessors and keys that are set but not read are warnings, appended to
 * raw->warnings.
 *
 * Entities keep the first-seen order of their sections; phases are sorted
 * by datacenter, then as written (the DC's own gpus first). Scenario
 * contracts get origin SPEC_ORIGIN_SCENARIO, signed_at SPEC_NO_TIME and
 * parent -1.
 */
#ifndef CAPSIM_SCENARIO_RESOLVE_H
#define CAPSIM_SCENARIO_RESOLVE_H

#include "../model/spec.h"
#include "scenario_diag.h"
#include "scenario_raw.h"

/* Fills s (zeroed, from spec_create) from raw. top_file names the scenario
 * in messages that have no better location. Returns 0, or -1 after
 * reporting the first error to d; s then holds a partial model and must
 * only be destroyed. */
int scenario_resolve_run(scenario_raw *raw, spec *s, const char *top_file, scenario_diag *d);

/* The exclusive end of a term of `months` starting on day `start_day` (days
 * since 1970-01-01): the same day of the month `months` later, clamped to
 * that month's length (2025-01-31 + 1 month = 2025-02-28). */
int64_t scenario_resolve_add_months(int64_t start_day, int64_t months);

#endif
