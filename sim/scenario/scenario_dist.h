/*
 * scenario_dist: the scenario syntax of a random distribution (a training
 * workload's job_gpus and duration_h). One syntax for both keys:
 *
 *   fixed VALUE                 always VALUE
 *   exponential MEAN            exponential with that mean
 *   lognormal MEAN SIGMA        lognormal with that mean (not the median) and
 *                               SIGMA, the standard deviation of the log
 *   VALUE:WEIGHT, VALUE:WEIGHT  a weighted list: VALUE with probability
 *                               WEIGHT / sum of the weights
 *
 * The name and its numbers are separated by whitespace; list items by
 * commas, each item VALUE:WEIGHT like a gpus list's TYPE:COUNT. Every
 * number is > 0 (SIGMA >= 0). With gpu_values, every VALUE written as a
 * count (fixed, list) must be a GPU count: a positive multiple of 8; means
 * may be any positive number, since the model rounds each draw up to whole
 * 8-GPU nodes.
 */
#ifndef CAPSIM_SCENARIO_DIST_H
#define CAPSIM_SCENARIO_DIST_H

#include <stddef.h>
#include "../model/spec.h"

/* operations */
/* Parses `text`. With out NULL it only checks. Otherwise it fills *out
 * (for a list, values and weights are malloc'd and owned by *out; else they
 * are NULL). Returns 0, or -1 with `why` set to "what is wrong; what to do"
 * (and nothing to free). */
int scenario_dist_parse(const char *text, int gpu_values, spec_distribution *out, char *why,
                  size_t why_len);

/* queries */
/* The mean of d (for a list, the weighted mean of its values). */
double scenario_dist_mean(const spec_distribution *d);
/* d in readable form ("lognormal, mean 24, sigma 0.8"; a list shows its
 * items), truncated to out_len. */
void scenario_dist_format(const spec_distribution *d, char *out, size_t out_len);

#endif
