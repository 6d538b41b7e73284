/*
 * suggest: "did you mean ...?" for typos in section kinds, keys and
 * references. The nearest candidate by edit distance (Damerau-Levenshtein,
 * optimal string alignment: insertions, deletions, substitutions and
 * adjacent transpositions; ASCII case ignored) is offered when it is close
 * enough to be a plausible typo.
 */
#ifndef CAPSIM_SUGGEST_H
#define CAPSIM_SUGGEST_H

#include <stddef.h>

/* Longest text compared; longer words get no suggestion. */
#define SUGGEST_MAX_LEN 128

/* Returns the i-th candidate name (0 <= i < n). */
typedef const char *(*suggest_name_fn)(const void *ctx, size_t i);

/* queries */
/* Edit distance (insertions, deletions, substitutions, adjacent
 * transpositions), ASCII case ignored. O(len a x len b). Returns SIZE_MAX when either is longer than
 * SUGGEST_MAX_LEN. */
size_t suggest_distance(const char *a, const char *b);
/* The nearest of n candidates, or NULL when none is plausible. An exact
 * match (ignoring case) comes first, then a candidate that the word is a
 * prefix of or extends (3 characters or more: "power" -> "power_mw"), then
 * the smallest edit distance within the typo limit (1 edit for words of up
 * to 3 characters, 2 up to 6, then a third of the length + 1). Ties go to
 * the earliest candidate. The result points into the candidates. */
const char *suggest_nearest(const char *word, suggest_name_fn name_at, const void *ctx,
                            size_t n);
/* The same over a NULL-terminated array of strings. */
const char *suggest_nearest_in(const char *word, const char *const *names);

#endif
