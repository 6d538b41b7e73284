/*
 * rng: one GSL mt19937 per stream, seeded from (run seed, stream name).
 *
 * The seed is a pure function of its inputs, with no global state:
 *   x = FNV-1a-64(name) XOR splitmix64(run_seed)
 *   s = splitmix64(x)
 * where splitmix64 is the finaliser of Steele, Lea and Flood's SplitMix64
 * (constants from Vigna's splitmix64.c); it spreads nearby run seeds (42,
 * 43, ...) and similar names across all 64 bits.
 *
 * GSL's mt19937_set uses only the low 32 bits of its unsigned long seed and
 * maps 0 to 4357, the generator's default. The 64-bit hash is therefore
 * folded to 32 bits (high XOR low) so that every bit counts, and a fold of 0
 * becomes 1 so that no stream silently shares the default stream. The seed
 * space is thus 2^32 - 1: by the birthday bound, among k streams the chance
 * that two share a seed is about k^2 / 2^33 (k = 10,000: 1%).
 */
#include "rng.h"

#include <stddef.h>

#define FNV_OFFSET_BASIS 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

/* FNV-1a, 64-bit, over the bytes of a NUL-terminated string. */
static uint64_t fnv1a64(const char *text)
{
    uint64_t h = FNV_OFFSET_BASIS;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        h ^= *p;
        h *= FNV_PRIME;
    }
    return h;
}

/* SplitMix64 step: add the golden-ratio increment, then finalise. */
static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* The seed given to gsl_rng_set for stream `name`: a pure function of
 * (run_seed, name), in [1, 2^32 - 1] (see the note at the top). */
uint64_t rng_stream_seed(uint64_t run_seed, const char *name)
{
    uint64_t mixed = splitmix64(fnv1a64(name) ^ splitmix64(run_seed));
    uint64_t folded = (mixed ^ (mixed >> 32)) & 0xffffffffULL;
    return folded != 0 ? folded : 1;
}

/* Allocates an mt19937 seeded for stream `name`. Returns NULL when out of
 * memory (GSL's error handler is called first, as for any gsl_rng_alloc);
 * the caller frees with gsl_rng_free. */
gsl_rng *rng_stream_create(uint64_t run_seed, const char *name)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r)
        return NULL;
    gsl_rng_set(r, (unsigned long)rng_stream_seed(run_seed, name));
    return r;
}
