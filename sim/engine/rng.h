/*
 * rng: independent random streams. Every subsystem and entity draws from its
 * own GSL generator (mt19937, rng_mt19937 below), seeded from a 64-bit hash
 * (FNV-1a then a splitmix64 finaliser) of the run seed and the stream's
 * name, for example "demand/openai-chat". Adding an entity therefore never
 * shifts the numbers another entity sees, and the same seed always gives
 * the same streams.
 */
#ifndef CAPSIM_RNG_H
#define CAPSIM_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

/* GSL's mt19937 (gsl_rng_mt19937): the same words for every seed, made a
 * block of 624 at a time, so that a draw costs a load rather than two
 * calls. Every rng_stream_create stream is one; any gsl_ran_* function
 * takes it. */
extern const gsl_rng_type *const rng_mt19937;

/* The seed a stream gets: a pure function of (run_seed, name). */
uint64_t rng_stream_seed(uint64_t run_seed, const char *name);

/* Allocates a generator for stream `name`. Caller frees with gsl_rng_free.
 * NULL when out of memory. */
gsl_rng *rng_stream_create(uint64_t run_seed, const char *name);

/* An exponential draw of the given mean by Marsaglia and Tsang's ziggurat
 * (256 layers): one 32-bit word of r for 97.8% of draws (8 bits pick the
 * layer, 24 place the draw in it: a grid of at most 4.6e-7 x mean), a
 * uniform and a logarithm more only for the rest (a wedge or the tail), so
 * no logarithm per draw as gsl_ran_exponential has. Exact in distribution, but
 * not the same numbers as gsl_ran_exponential for the same stream. r must
 * give full 32-bit words (min 0, max 2^32 - 1, as mt19937 and every
 * rng_stream_create stream do; asserted). Thread-safe. */
double rng_exponential(gsl_rng *r, double mean);

#endif
