/*
 * targets: the calibration targets of a scenario ([target] sections),
 * checked against the run metrics once a run has ended. Each target is
 * printed and stored back as run metrics target.NAME.simulated,
 * target.NAME.value and target.NAME.within (1 or 0).
 */
#ifndef CAPSIM_TARGETS_H
#define CAPSIM_TARGETS_H

#include <stdio.h>
#include "../store/store.h"
#include "../model/spec.h"

/* 1 when simulated lies within the target's tolerance (relative or absolute). */
int targets_within(const spec_target *t, double simulated);

/* Checks every target of s against the store's current run, prints one
 * line each to out, and stores the target.* metrics. Returns the number of
 * targets outside their tolerance or missing, or a negative store_status. */
int targets_check(const spec *s, store *st, FILE *out);

#endif
