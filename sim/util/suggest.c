/*
 * suggest: edit distance in the optimal-string-alignment form of
 * Damerau-Levenshtein (an adjacent transposition, "tpd_w" for "tdp_w",
 * costs 1 like any other typo), computed with three rolling rows on the
 * stack: names are short, and the caller asks once per error.
 */
#include "suggest.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

static int same(char x, char y)
{
    return tolower((unsigned char)x) == tolower((unsigned char)y);
}

static size_t min2(size_t x, size_t y)
{
    return x < y ? x : y;
}

size_t suggest_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN)
        return SIZE_MAX;
    size_t rows[3][SUGGEST_MAX_LEN + 1];
    size_t *before = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t best = min2(prev[j - 1] + !same(a[i - 1], b[j - 1]),
                               min2(prev[j], cur[j - 1]) + 1);
            if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1]))
                best = min2(best, before[j - 2] + 1);
            cur[j] = best;
        }
        size_t *recycled = before;
        before = prev;
        prev = cur;
        cur = recycled;
    }
    return prev[lb];
}

static size_t typo_limit(const char *word)
{
    size_t len = strlen(word);
    return len <= 3 ? 1 : len <= 6 ? 2 : len / 3 + 1;
}

/* One name is a prefix of the other (3 characters or more, ASCII case
 * ignored): "power" for "power_mw" -- the unit suffix left out. */
static int prefix_related(const char *a, const char *b)
{
    size_t n = min2(strlen(a), strlen(b));
    if (n < 3)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!same(a[i], b[i]))
            return 0;
    return 1;
}

const char *suggest_nearest(const char *word, suggest_name_fn name_at, const void *ctx,
                            size_t n)
{
    const char *best = NULL;
    size_t best_score = SIZE_MAX, limit = typo_limit(word);
    for (size_t i = 0; i < n; i++) {
        const char *name = name_at(ctx, i);
        size_t d = suggest_distance(word, name);
        /* Scores: 2 x distance within the typo limit, 1 for a prefix (it
         * beats every real typo but an exact match, 0). */
        size_t score = d <= limit ? 2 * d : SIZE_MAX;
        if (score > 1 && prefix_related(word, name))
            score = 1;
        if (score < best_score) {
            best = name;
            best_score = score;
        }
    }
    return best;
}

static const char *array_name(const void *ctx, size_t i)
{
    return ((const char *const *)ctx)[i];
}

const char *suggest_nearest_in(const char *word, const char *const *names)
{
    size_t n = 0;
    while (names[n])
        n++;
    return suggest_nearest(word, array_name, names, n);
}
