/*
 * scenario_keys: the schema of the scenario format, as tables. For every section
 * kind, the list of its keys: value type, unit, default, whether required,
 * allowed range, and where the value lands in the kind's spec record. The
 * reader uses it to check keys and values (and to suggest the nearest key
 * for a typo), the resolver to fill the spec, scenario_print and the
 * resolved text to walk every key in a fixed order. scenarios/README.md
 * documents the same tables in prose; a unit test checks that every key
 * here appears there.
 *
 * Value checks here are per value (syntax and range). Checks that need other
 * values (references, idle_w <= tdp_w, end after start, the power cap)
 * belong to the resolver.
 */
#ifndef CAPSIM_SCENARIO_KEYS_H
#define CAPSIM_SCENARIO_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include "../model/spec.h"

typedef enum scenario_keys_kind {
    SCENARIO_KEYS_SCENARIO = 0,
    SCENARIO_KEYS_GPU,
    SCENARIO_KEYS_PROVIDER,
    SCENARIO_KEYS_DATACENTER,
    SCENARIO_KEYS_PHASE,
    SCENARIO_KEYS_CONTRACT,
    SCENARIO_KEYS_WORKLOAD,
    SCENARIO_KEYS_PRICELIST,
    SCENARIO_KEYS_PROCUREMENT,
    SCENARIO_KEYS_BUILDOUT,
    SCENARIO_KEYS_TARGET,
    SCENARIO_KEYS_FAILURE,
    SCENARIO_KEYS_CURTAILMENT,
    SCENARIO_KEYS_N_KINDS
} scenario_keys_kind;

typedef enum scenario_keys_type {
    SCENARIO_KEYS_TEXT,        /* free text into a char[size] */
    SCENARIO_KEYS_REAL,        /* double, within [lo, hi] (ends open or closed) */
    SCENARIO_KEYS_SEED,        /* uint64_t */
    SCENARIO_KEYS_GPU_COUNT,   /* int64_t, a positive multiple of SPEC_GPUS_PER_NODE */
    SCENARIO_KEYS_MONTHS,      /* a whole number of months, 1..SCENARIO_KEYS_MAX_MONTHS */
    SCENARIO_KEYS_DATE,        /* YYYY-MM-DD -> int64_t seconds since the scenario start */
    SCENARIO_KEYS_DURATION,    /* 15m, 1h, 1d, 3600s -> int64_t seconds */
    SCENARIO_KEYS_ENUM,        /* one of `choices` -> int (the spec enum value) */
    SCENARIO_KEYS_REF,         /* the name of a section of kind `ref_kind` -> int index */
    SCENARIO_KEYS_GPU_LIST,    /* TYPE:COUNT, TYPE:COUNT (the resolver makes phases) */
    SCENARIO_KEYS_PATH,        /* a file path relative to the file that names it */
    SCENARIO_KEYS_INCLUDE,     /* [scenario] include: read another file here */
    SCENARIO_KEYS_BOOL,        /* true/false, yes/no, 1/0 -> int 1 or 0 */
    SCENARIO_KEYS_WHOLE,       /* int64_t, a whole number within [lo, hi] */
    SCENARIO_KEYS_MONTH_SPAN,  /* a number of months within [lo, hi] (fractions allowed) ->
                            int64_t seconds, at UNITS_SECONDS_PER_MONTH */
    SCENARIO_KEYS_PROVIDER_LIST, /* NAME, NAME, ...: distinct names (the resolver looks them up) */
    SCENARIO_KEYS_DISTRIBUTION, /* `fixed X`, `exponential MEAN`, `lognormal MEAN SIGMA` or a
                            weighted list `V:W, V:W` (see scenario_dist.h; the resolver fills it) */
    SCENARIO_KEYS_PRICE        /* a REAL within [lo, hi] for every GPU type, or a list
                            `TYPE:PRICE, *:PRICE` (`*`: every type not named; the resolver
                            fills the list, see scenario_keys_price_list_next) */
} scenario_keys_type;

enum scenario_keys_flag {
    SCENARIO_KEYS_REQUIRED = 1,       /* no default: the section must set it */
    SCENARIO_KEYS_INCLUSIVE_END = 2,  /* DATE: the day is included; stores the next midnight */
    SCENARIO_KEYS_DEFAULT_START = 4,  /* DATE: defaults to the scenario start */
    SCENARIO_KEYS_ALLOW_ANY = 8,      /* REF to a GPU: `any` means SPEC_ANY_GPU */
    SCENARIO_KEYS_DEFAULT_NONE = 16,  /* DATE: SPEC_NO_TIME when not set */
    SCENARIO_KEYS_ALLOW_FOREVER = 32, /* REAL: `none` or `inf` means SPEC_WAIT_FOREVER */
    SCENARIO_KEYS_GPU_VALUES = 64     /* DISTRIBUTION: values are GPU counts (multiples of 8 where
                                   written as counts) */
};

#define SCENARIO_KEYS_NO_FIELD ((ptrdiff_t)-1)   /* the resolver places the value itself */
#define SCENARIO_KEYS_MAX_MONTHS 1200
#define SCENARIO_KEYS_MAX_GPUS 1000000000LL      /* per count: a larger one is a typo */
/* An average month, 30.4375 days (365.25 / 12), in seconds: how spans given
 * in months (ramps, review periods, horizons, lead times) become times. A
 * contract's term_months, which ends on a calendar day, does not use it. */
#define UNITS_SECONDS_PER_MONTH 2629800

typedef struct scenario_keys_key {
    const char *name;
    scenario_keys_type type;
    unsigned flags;
    const char *default_text;   /* parsed like a written value; NULL: no default */
    double lo, hi;              /* REAL: the allowed range ... */
    int lo_open, hi_open;       /* ... and whether each end is excluded */
    ptrdiff_t offset;           /* into the kind's record, or SCENARIO_KEYS_NO_FIELD */
    size_t size;                /* TEXT: the buffer size */
    scenario_keys_kind ref_kind;      /* REF: the kind named */
    const char *const *choices; /* ENUM: names in spec enum order, NULL-terminated */
    const char *unit;           /* for messages and printing: "W", "MW", "date" */
} scenario_keys_key;

typedef struct scenario_keys_kind_def {
    const char *name;           /* "gpu"; the section header is [gpu NAME] */
    int named;                  /* 0 only for [scenario] */
    const scenario_keys_key *keys;
    size_t n_keys;
    size_t record_size;         /* the spec record the offsets point into */
} scenario_keys_kind_def;

/* The record of a [phase] section before the resolver turns its gpus list
 * into spec_phase entries. Like every record, it starts with the name. */
typedef struct scenario_keys_phase_record {
    char name[SPEC_NAME_MAX];
    int datacenter;
    int64_t online;
} scenario_keys_phase_record;

/* A parsed value; which member is set depends on the key's type. */
typedef union scenario_keys_value {
    double real;          /* REAL */
    uint64_t seed;        /* SEED */
    int64_t integer;      /* GPU_COUNT, MONTHS, DURATION (seconds), WHOLE, MONTH_SPAN
                             (seconds) */
    int64_t days;         /* DATE: days since 1970-01-01 */
    int choice;           /* ENUM; BOOL; REF with ALLOW_ANY: 1 for `any`, else 0 */
} scenario_keys_value;

/* queries */
const scenario_keys_kind_def *scenario_keys_kind_of(scenario_keys_kind kind);
/* "scenario, gpu, ... or buildout": every kind name, for messages. */
const char *scenario_keys_kind_names(void);
/* The kind with this name, or -1. */
int scenario_keys_find_kind(const char *name);
/* The index of `key` among the kind's keys, or -1. */
int scenario_keys_find_key(scenario_keys_kind kind, const char *key);
/* The nearest kind or key name to a typo, or NULL. */
const char *scenario_keys_suggest_kind(const char *name);
const char *scenario_keys_suggest_key(scenario_keys_kind kind, const char *key);
/* "a, b, c": every key name of a kind, into out. */
void scenario_keys_list_keys(scenario_keys_kind kind, char *out, size_t out_len);

/* operations */
/* Checks and parses one value of key k. Returns 0, or -1 with `why` set to
 * "what is wrong; what to do" (without the location). */
int scenario_keys_parse(const scenario_keys_key *k, const char *text, scenario_keys_value *out, char *why,
                  size_t why_len);
/* Checks a section name: 1..SPEC_NAME_MAX-1 characters, no whitespace,
 * comma, bracket, quote, ';' or '#'. Returns 0 or -1 with `why` set. */
int scenario_keys_check_name(const char *name, char *why, size_t why_len);
/* Reads the next TYPE:COUNT item of a gpus list at *cursor and advances it.
 * Returns 1 with the item, 0 at the end of the list, -1 with `why` set. */
int scenario_keys_gpu_list_next(const char **cursor, char type[SPEC_NAME_MAX], int64_t *count,
                          char *why, size_t why_len);
/* Reads the next TYPE:PRICE item of a price list at *cursor and advances it
 * (TYPE may be `*`; PRICE within k's range). Returns 1 with the item, 0 at
 * the end of the list, -1 with `why` set. */
int scenario_keys_price_list_next(const scenario_keys_key *k, const char **cursor,
                                  char type[SPEC_NAME_MAX], double *price, char *why,
                                  size_t why_len);
/* Whether a PRICE value is a per-type list (it has a ':'). */
int scenario_keys_is_price_list(const char *text);
/* Reads the next NAME of a comma-separated name list at *cursor and
 * advances it. Returns 1 with the name, 0 at the end, -1 with `why` set. */
int scenario_keys_name_list_next(const char **cursor, char name[SPEC_NAME_MAX], char *why,
                           size_t why_len);

#endif
