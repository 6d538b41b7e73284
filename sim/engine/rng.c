/*
 * rng: one mt19937 per stream (GSL's generator, rng_mt19937 below), seeded
 * from (run seed, stream name).
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

#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
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

/* ---- rng_mt19937: GSL's mt19937, a block at a time ----
 *
 * Matsumoto and Nishimura's MT19937 ("Mersenne Twister", ACM TOMACS 8(1),
 * 1998) with GSL's seeding (gsl_rng_mt19937: the 2002 initialisation, seed
 * 0 meaning 4357): the same words as GSL's generator for every seed, which
 * test_rng checks word for word, so every seeded result is unchanged. GSL's
 * own makes one tempered word per call through two calls (gsl_rng_get, then
 * the type's get) on 64-bit words; this one twists the 624 32-bit words and
 * tempers them all in two vectorisable passes when its block is spent, so a
 * draw is a load, and rng_exponential reads it without a call. A stream
 * that has drawn exponentials also gets, at each refill, the ziggurat's
 * draw of every word of the block (zig_draws): a draw that depends on
 * nothing the model computes, made before the model needs it. In a hold
 * (pop, draw, push at now + draw) the draw's chain of dependent loads and
 * conversions otherwise lay between the pop and the push of every event
 * (tests/bench: 38.8 -> 36.6 ns per hold on the engine at 1e3 events). The
 * words stay where they are, so the stream gives every sampler the same
 * words as before; the state is 10 KB per stream (GSL's own: 5 KB). */
#define MT_N 624
#define MT_M 397
#define MT_UPPER 0x80000000u
#define MT_LOWER 0x7fffffffu
#define MT_MATRIX_A 0x9908b0dfu
#define MT_DEFAULT_SEED 4357u

typedef struct mt_state {
    uint32_t out[MT_N];   /* the tempered words of the current block */
    double draw[MT_N];    /* when draws_ready: out[k]'s exponential draw of mean 1 when its
                             layer accepts it at once, else -1 */
    uint32_t mt[MT_N];    /* the generator's state after the block */
    uint32_t next;        /* the next word of out; MT_N: the block is spent */
    uint32_t exponentials; /* 1 once rng_exponential drew from this stream */
    uint32_t draws_ready; /* draw[] holds the current block's draws */
} mt_state;

static void zig_draws(const uint32_t *out, double *draw);

static uint32_t mt_twist(uint32_t this_word, uint32_t next_word, uint32_t far_word)
{
    const uint32_t y = (this_word & MT_UPPER) | (next_word & MT_LOWER);
    return far_word ^ (y >> 1) ^ (MT_MATRIX_A & (0u - (y & 1u)));
}

/* The next block: the state's twist (in three parts, so that each reads only
 * words that part does not write) and the tempering of every word. */
static void mt_refill(mt_state *s)
{
    uint32_t *restrict mt = s->mt;
    for (int k = 0; k < MT_N - MT_M; k++)
        mt[k] = mt_twist(mt[k], mt[k + 1], mt[k + MT_M]);
    for (int k = MT_N - MT_M; k < MT_N - 1; k++)
        mt[k] = mt_twist(mt[k], mt[k + 1], mt[k + MT_M - MT_N]);
    mt[MT_N - 1] = mt_twist(mt[MT_N - 1], mt[0], mt[MT_M - 1]);
    uint32_t *restrict out = s->out;
    for (int k = 0; k < MT_N; k++) {
        uint32_t y = mt[k];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        out[k] = y;
    }
    s->next = 0;
    s->draws_ready = s->exponentials;
    if (s->exponentials)
        zig_draws(out, s->draw);
}

static inline uint32_t mt_word(mt_state *s)
{
    if (s->next == MT_N)
        mt_refill(s);
    return s->out[s->next++];
}

static void mt_set(void *state, unsigned long seed)
{
    mt_state *s = state;
    uint32_t x = seed == 0 ? MT_DEFAULT_SEED : (uint32_t)seed;
    s->mt[0] = x;
    for (uint32_t k = 1; k < MT_N; k++) {
        x = 1812433253u * (x ^ (x >> 30)) + k;
        s->mt[k] = x;
    }
    s->next = MT_N;
    s->exponentials = s->draws_ready = 0;
}

static unsigned long mt_get(void *state)
{
    return mt_word(state);
}

static double mt_get_double(void *state)
{
    return mt_word(state) / 4294967296.0;
}

static const gsl_rng_type mt_type = {
    "mt19937", 0xffffffffUL, 0, sizeof(mt_state), mt_set, mt_get, mt_get_double};

const gsl_rng_type *const rng_mt19937 = &mt_type;

/* Allocates an mt19937 (rng_mt19937) seeded for stream `name`. Returns NULL
 * when out of memory (GSL's error handler is called first, as for any
 * gsl_rng_alloc); the caller frees with gsl_rng_free. */
gsl_rng *rng_stream_create(uint64_t run_seed, const char *name)
{
    gsl_rng *r = gsl_rng_alloc(rng_mt19937);
    if (!r)
        return NULL;
    gsl_rng_set(r, (unsigned long)rng_stream_seed(run_seed, name));
    return r;
}

/* ---- rng_exponential: the ziggurat for Exp(1) ----
 *
 * Marsaglia and Tsang, "The Ziggurat Method for Generating Random
 * Variables", J. Stat. Software 5(8), 2000. The area under e^-x is cut into
 * 256 layers of equal area V: layer 0 is the rectangle [0, R] x [0, e^-R]
 * with the tail beyond R (its width as a rectangle, x[0] = V / e^-R); layer
 * i >= 1 spans heights [e^-x[i], e^-x[i+1]] with width x[i], where x[1] = R,
 * x[i+1] = -log(e^-x[i] + V / x[i]) and x[256] = 0. A draw takes one 32-bit
 * word: a layer i from its low 8 bits and u in [0, 1) from the other 24
 * (so a draw lies on a grid of x[i] / 2^24 <= 4.6e-7 of the mean within
 * its layer, far below a second for any hold or repair time). x = u x[i]
 * lies under the curve for sure when x < x[i+1] (u < x[i+1] / x[i],
 * decided on u's 24 integer bits; 97.8% over the layers); else layer 0
 * returns R plus an Exp(1) tail draw (memoryless), and a wedge accepts x
 * when a uniform height under the layer lies below e^-x, otherwise draws
 * anew. R and V are the paper's constants for 256 layers. */
#define ZIG_LAYERS 256
#define ZIG_R 7.69711747013104972
#define ZIG_V 3.949659822581572e-3
#define ZIG_U24 (1.0 / 16777216.0)   /* 2^-24 */

/* What the common draw reads of its layer, side by side: one cache line
 * for both (a draw's layer is random, and in a model the queue's memory
 * evicts these tables from L1 between draws; separate arrays took two
 * lines, and as much time as the rest of the draw). */
typedef struct zig_layer {
    double x;       /* the layer's width x[i]; x[256] = 0 */
    uint32_t k;     /* ceil(x[i+1] / x[i] x 2^24): u x 2^24, an integer, below it is
                       accepted (exactly u < x[i+1] / x[i], decided before u is
                       converted) */
} zig_layer;
static _Alignas(64) zig_layer zig[ZIG_LAYERS + 1];
static double zig_f[ZIG_LAYERS + 1];   /* e^-x[i] */
static pthread_once_t zig_once = PTHREAD_ONCE_INIT;
static atomic_int zig_ready;           /* 1 once the tables are set */

static void zig_setup(void)
{
    zig[0].x = ZIG_V / exp(-ZIG_R);
    zig[1].x = ZIG_R;
    for (int i = 1; i < ZIG_LAYERS - 1; i++)
        zig[i + 1].x = -log(exp(-zig[i].x) + ZIG_V / zig[i].x);
    zig[ZIG_LAYERS].x = 0.0;
    for (int i = 0; i <= ZIG_LAYERS; i++)
        zig_f[i] = exp(-zig[i].x);
    zig_f[0] = 0.0;   /* layer 0 spans heights [0, e^-R] */
    for (int i = 0; i < ZIG_LAYERS; i++)
        zig[i].k = (uint32_t)ceil(zig[i + 1].x / zig[i].x / ZIG_U24);
    atomic_store_explicit(&zig_ready, 1, memory_order_release);
}

/* u in [0, 1) from the top 24 bits of a 32-bit word. */
static double top24(uint32_t word)
{
    return (double)(word >> 8) * ZIG_U24;
}

/* draw[k]: the Exp(1) draw of word out[k] when its layer accepts it at
 * once, else -1 (the rest of the ziggurat decides it when it is drawn). */
static void zig_draws(const uint32_t *out, double *draw)
{
    for (int k = 0; k < MT_N; k++) {
        const uint32_t word = out[k];
        const unsigned i = word & (ZIG_LAYERS - 1);
        draw[k] = word >> 8 < zig[i].k ? top24(word) * zig[i].x : -1.0;
    }
}

/* The ziggurat in full: the rare steps for a word that its layer did not
 * accept at once (have_word: the wedge or the tail), then whole draws until
 * one is accepted; also every draw that rng_exponential cannot take from a
 * ready block. Out of line, so that the common draw saves no registers. */
static __attribute__((noinline)) double exponential_rest(gsl_rng *r, double mean,
                                                          int have_word, uint32_t word)
{
    const int own = r->type == &mt_type;   /* the word without a call */
    assert(own || (r->type->min == 0 && r->type->max == 0xffffffffUL));
    if (!atomic_load_explicit(&zig_ready, memory_order_acquire))
        pthread_once(&zig_once, zig_setup);
    if (own)
        ((mt_state *)r->state)->exponentials = 1;
    for (;; have_word = 0) {
        if (!have_word)
            word = own ? mt_word(r->state) : (uint32_t)gsl_rng_get(r);
        const unsigned i = word & (ZIG_LAYERS - 1);    /* the low 8 bits: the layer */
        const double u = top24(word);                   /* the other 24: where in it */
        if (word >> 8 < zig[i].k)
            return u * zig[i].x * mean;
        if (i == 0)   /* the tail: R + Exp(1), by inversion; 1 - U is in (0, 1] */
            return (ZIG_R - log(1.0 - gsl_rng_uniform(r))) * mean;
        const double x = u * zig[i].x;
        const double y = zig_f[i] + gsl_rng_uniform(r) * (zig_f[i + 1] - zig_f[i]);
        if (y < exp(-x))
            return x * mean;
    }
}

/* The common draw (97.8%): a word of the block in hand, accepted by its
 * layer at once, whose draw the refill made (zig_draws: the same product
 * u x x[i], times mean here, as exponential_rest computes). Everything else
 * is exponential_rest's, on the same word. */
double rng_exponential(gsl_rng *r, double mean)
{
    mt_state *s = r->state;
    if (r->type == &mt_type && s->next < MT_N && s->draws_ready) {
        const double draw = s->draw[s->next];
        if (draw >= 0.0) {
            s->next++;
            return draw * mean;
        }
        return exponential_rest(r, mean, 1, s->out[s->next++]);
    }
    return exponential_rest(r, mean, 0, 0);
}
