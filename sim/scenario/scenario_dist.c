/*
 * scenario_dist: a distribution is parsed from a writable copy of its text, cut
 * into whitespace-separated words (named forms) or comma-separated items
 * (a weighted list). A text whose first character is a digit or a sign is
 * a list; otherwise its first word names the form.
 */
#include "scenario_dist.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_keys.h"
#include "../util/suggest.h"
#include "../util/text.h"
#include "../util/textnum.h"

#define MAX_WORDS 4

static const char *const forms[] = {"fixed", "exponential", "lognormal", NULL};

/* A positive number; `what` names it in messages. */
static int positive(const char *text, const char *what, double *out, char *why, size_t n)
{
    if (textnum_real(text, out) != TEXTNUM_OK) {
        snprintf(why, n, "%s '%s' is not a number; write a plain decimal such as 24 or 0.5",
                 what, text);
        return -1;
    }
    if (*out <= 0) {
        snprintf(why, n, "%s %s must be > 0", what, text);
        return -1;
    }
    return 0;
}

/* A value: a GPU count (positive multiple of 8) with gpu_values, else > 0. */
static int value_of(const char *text, int gpu_values, double *out, char *why, size_t n)
{
    if (positive(text, gpu_values ? "GPU count" : "value", out, why, n) != 0)
        return -1;
    if (!gpu_values)
        return 0;
    /* Clamped before the cast: converting a double outside int64_t's range
     * (e.g. 1e300) is undefined behaviour (C11 6.3.1.4). */
    int64_t whole = *out > (double)SCENARIO_KEYS_MAX_GPUS ? SCENARIO_KEYS_MAX_GPUS : (int64_t)*out;
    if ((double)whole != *out || whole % SPEC_GPUS_PER_NODE != 0) {
        int64_t next = (whole / SPEC_GPUS_PER_NODE + 1) * SPEC_GPUS_PER_NODE;
        snprintf(why, n, "GPU count %s is not a whole multiple of %d (up to %lld): jobs take "
                 "whole %d-GPU nodes; use e.g. %lld", text, SPEC_GPUS_PER_NODE,
                 SCENARIO_KEYS_MAX_GPUS, SPEC_GPUS_PER_NODE,
                 (long long)(next > SCENARIO_KEYS_MAX_GPUS ? SCENARIO_KEYS_MAX_GPUS : next));
        return -1;
    }
    return 0;
}

static int mean_of(const char *text, int gpu_values, double *out, char *why, size_t n)
{
    if (positive(text, "MEAN", out, why, n) != 0)
        return -1;
    if (gpu_values && *out > (double)SCENARIO_KEYS_MAX_GPUS) {
        snprintf(why, n, "MEAN %s GPUs is more than %lld; is it a typo?", text,
                 SCENARIO_KEYS_MAX_GPUS);
        return -1;
    }
    return 0;
}

/* ---- the named forms ---- */

static void unknown_form(const char *word, char *why, size_t n)
{
    char head[64];
    snprintf(head, sizeof head, "%s", word);
    char *colon = strchr(head, ':');
    if (colon)
        *colon = '\0';
    const char *near = suggest_nearest_in(head, forms);
    if (colon && near && strcmp(near, head) == 0)
        snprintf(why, n, "'%s': separate the name and its numbers with spaces, not colons, "
                 "e.g. `exponential 12`, `lognormal 24 0.8`, `fixed 64`", word);
    else if (near)
        snprintf(why, n, "unknown distribution '%s'; did you mean '%s'? (write `fixed X`, "
                 "`exponential MEAN`, `lognormal MEAN SIGMA` or a weighted list "
                 "`8:0.5, 64:0.5`)", word, near);
    else
        snprintf(why, n, "unknown distribution '%s'; write `fixed X`, `exponential MEAN`, "
                 "`lognormal MEAN SIGMA` or a weighted list `VALUE:WEIGHT, ...` such as "
                 "`8:0.5, 64:0.5`", word);
}

static int parse_named(char *text, int gpu_values, spec_distribution *d, char *why, size_t n)
{
    static const char *const usage[] = {"fixed X, e.g. `fixed 64`",
                                        "exponential MEAN, e.g. `exponential 12`",
                                        "lognormal MEAN SIGMA, e.g. `lognormal 24 0.8`"};
    static const size_t arity[] = {1, 1, 2};
    char *words[MAX_WORDS + 1], *save = NULL;
    size_t n_words = 0;
    for (char *w = strtok_r(text, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
        words[n_words < MAX_WORDS ? n_words++ : MAX_WORDS] = w;
    int form = -1;
    for (int i = 0; forms[i]; i++)
        if (strcmp(words[0], forms[i]) == 0)
            form = i;
    if (form < 0) {
        unknown_form(words[0], why, n);
        return -1;
    }
    if (n_words != arity[form] + 1) {
        snprintf(why, n, "%s takes %zu number%s; write %s", forms[form], arity[form],
                 arity[form] == 1 ? "" : "s", usage[form]);
        return -1;
    }
    if (form == 0) {
        d->kind = SPEC_DIST_FIXED;
        return value_of(words[1], gpu_values, &d->mean, why, n);
    }
    d->kind = form == 1 ? SPEC_DIST_EXPONENTIAL : SPEC_DIST_LOGNORMAL;
    if (mean_of(words[1], gpu_values, &d->mean, why, n) != 0)
        return -1;
    if (form == 2 && (textnum_real(words[2], &d->sigma) != TEXTNUM_OK || d->sigma < 0)) {
        snprintf(why, n, "SIGMA '%s' is not a number >= 0; it is the standard deviation of "
                 "the log, e.g. 0.8", words[2]);
        return -1;
    }
    return 0;
}

/* ---- the weighted list ---- */

static int parse_item(char *item, int gpu_values, double *value, double *weight, char *why,
                      size_t n)
{
    char *colon = strchr(item, ':');
    double single;
    if (!colon && textnum_real(item, &single) == TEXTNUM_OK) {
        snprintf(why, n, "'%s' is a single value; write `fixed %s`, or a weighted list "
                 "`VALUE:WEIGHT, ...`", item, item);
        return -1;
    }
    if (!*item || !colon) {
        snprintf(why, n, "'%s' is not VALUE:WEIGHT; write the list as e.g. `8:0.5, 64:0.3, "
                 "512:0.2`", *item ? item : "(empty item)");
        return -1;
    }
    *colon = '\0';
    return value_of(text_trim(item), gpu_values, value, why, n) ||
           positive(text_trim(colon + 1), "weight", weight, why, n) ? -1 : 0;
}

static int parse_list(char *text, int gpu_values, spec_distribution *d, char *why, size_t n)
{
    size_t items = 1;
    for (const char *p = text; *p; p++)
        items += *p == ',';
    d->kind = SPEC_DIST_LIST;
    d->values = malloc(items * sizeof *d->values);
    d->weights = malloc(items * sizeof *d->weights);
    if (!d->values || !d->weights) {
        snprintf(why, n, "out of memory");
        return -1;
    }
    char *item = text;
    for (d->n = 0; d->n < items; d->n++) {
        char *comma = strchr(item, ',');
        if (comma)
            *comma = '\0';
        if (!comma && d->n > 0 && !*text_trim(item)) {
            snprintf(why, n, "the list ends with a comma; remove it");
            return -1;
        }
        if (parse_item(text_trim(item), gpu_values, &d->values[d->n], &d->weights[d->n], why,
                       n) != 0)
            return -1;
        item = comma ? comma + 1 : item;
    }
    return 0;
}

int scenario_dist_parse(const char *text, int gpu_values, spec_distribution *out, char *why,
                  size_t why_len)
{
    spec_distribution d = {0};
    char *copy = strdup(text);
    if (!copy) {
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    char *t = text_trim(copy);
    int status;
    if (!*t) {
        snprintf(why, why_len, "no distribution given; write `fixed X`, `exponential MEAN`, "
                 "`lognormal MEAN SIGMA` or a weighted list `VALUE:WEIGHT, ...`");
        status = -1;
    } else if (isdigit((unsigned char)*t) || strchr("+-.", *t)) {
        status = parse_list(t, gpu_values, &d, why, why_len);
    } else {
        status = parse_named(t, gpu_values, &d, why, why_len);
    }
    free(copy);
    if (status != 0 || !out) {
        free(d.values);
        free(d.weights);
        return status;
    }
    *out = d;
    return 0;
}

/* ---- queries ---- */

double scenario_dist_mean(const spec_distribution *d)
{
    if (d->kind != SPEC_DIST_LIST)
        return d->mean;
    double sum = 0, total = 0;
    for (size_t i = 0; i < d->n; i++) {
        sum += d->values[i] * d->weights[i];
        total += d->weights[i];
    }
    return total > 0 ? sum / total : 0;
}

void scenario_dist_format(const spec_distribution *d, char *out, size_t out_len)
{
    size_t used = 0;
    int k;
    switch (d->kind) {
    case SPEC_DIST_FIXED: snprintf(out, out_len, "fixed %g", d->mean); return;
    case SPEC_DIST_EXPONENTIAL: snprintf(out, out_len, "exponential, mean %g", d->mean); return;
    case SPEC_DIST_LOGNORMAL:
        snprintf(out, out_len, "lognormal, mean %g, sigma %g", d->mean, d->sigma);
        return;
    case SPEC_DIST_LIST:
        out[0] = '\0';
        for (size_t i = 0; i < d->n && used < out_len; i++) {
            k = snprintf(out + used, out_len - used, "%s%g:%g", i ? ", " : "", d->values[i],
                         d->weights[i]);
            used += k > 0 ? (size_t)k : 0;
        }
        return;
    }
    snprintf(out, out_len, "unknown");
}
