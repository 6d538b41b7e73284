/*
 * scenario_resolve internals, shared by scenario_resolve.c (records, references, the
 * scenario period), scenario_resolve_checks.c (phases and power caps, contracts,
 * the lease graph), scenario_resolve_workload.c (workloads: growth, job
 * distributions, series and traces) and scenario_resolve_market.c (price lists,
 * procurement, build-out). Not for use outside the module.
 */
#ifndef CAPSIM_SCENARIO_RESOLVE_INTERNAL_H
#define CAPSIM_SCENARIO_RESOLVE_INTERNAL_H

#include "scenario_resolve.h"

typedef struct scenario_resolve_ctx {
    scenario_raw *raw;
    spec *s;
    scenario_diag *d;
    const char *top_file;
    int *sections[SCENARIO_KEYS_N_KINDS];          /* entity index -> raw section */
    size_t counts[SCENARIO_KEYS_N_KINDS];
    scenario_keys_phase_record *phase_records;     /* one per [phase] section */
    int *phase_section;                      /* spec phase -> the section of its gpus key */
} scenario_resolve_ctx;

/* The index of key `name` of a kind (it must exist). */
int scenario_resolve__key(scenario_keys_kind kind, const char *name);
/* The raw text of a key of the i-th entity of a kind, or NULL if not set. */
const char *scenario_resolve__text(const scenario_resolve_ctx *rc, scenario_keys_kind kind, size_t i,
                             const char *key);
/* Where to point a message about a key of the i-th entity of a kind. */
scenario_diag_where scenario_resolve__where(const scenario_resolve_ctx *rc, scenario_keys_kind kind, size_t i,
                                const char *key);
/* Resolves a name of the given kind to its index; reports an unknown name
 * at w with the nearest existing name. Returns the index or -1. */
int scenario_resolve__lookup(scenario_resolve_ctx *rc, scenario_keys_kind kind, const char *name,
                       const scenario_diag_where *w);
/* Formats t (seconds since start) as YYYY-MM-DD. */
void scenario_resolve__date(const scenario_resolve_ctx *rc, int64_t t, char out[11]);
/* Appends a warning (best effort). */
void scenario_resolve__warn(scenario_resolve_ctx *rc, const scenario_diag_where *w, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The checks of scenario_resolve_checks.c; each returns 0 or -1 after reporting. */
int scenario_resolve__gpu(scenario_resolve_ctx *rc, size_t i);
int scenario_resolve__phases(scenario_resolve_ctx *rc);
int scenario_resolve__contract(scenario_resolve_ctx *rc, size_t i);
int scenario_resolve__lease_graph(scenario_resolve_ctx *rc);
/* Warns of lessors that commit more than they hold (after the build-outs
 * are resolved, so that a warning can name the lessor's). Always 0. */
int scenario_resolve__oversubscription(scenario_resolve_ctx *rc);
int scenario_resolve__workload(scenario_resolve_ctx *rc, size_t i);
int scenario_resolve__pricelist(scenario_resolve_ctx *rc, size_t i);
int scenario_resolve__procurement(scenario_resolve_ctx *rc, size_t i);
int scenario_resolve__buildout(scenario_resolve_ctx *rc, size_t i);
int scenario_resolve__target(scenario_resolve_ctx *rc, size_t i);
/* scenario_resolve_failure.c */
int scenario_resolve__failure(scenario_resolve_ctx *rc, size_t i);
int scenario_resolve__curtailment(scenario_resolve_ctx *rc, size_t i);
/* [scenario] failures = false: frees the failure modes after their checks. */
int scenario_resolve__failures_switch(scenario_resolve_ctx *rc);

#endif
