/*
 * scnresolve internals, shared by scnresolve.c (records, references, the
 * scenario period), scnresolve_checks.c (phases and power caps, contracts,
 * the lease graph), scnresolve_workload.c (workloads: growth, job
 * distributions, series and traces) and scnresolve_market.c (price lists,
 * procurement, build-out). Not for use outside the module.
 */
#ifndef CAPSIM_SCNRESOLVE_INT_H
#define CAPSIM_SCNRESOLVE_INT_H

#include "scnresolve.h"

typedef struct scnresolve_ctx {
    scnraw *raw;
    spec *s;
    scndiag *d;
    const char *top_file;
    int64_t start_day;                       /* days since 1970-01-01 of t = 0 */
    int *sections[SCNKEYS_N_KINDS];          /* entity index -> raw section */
    size_t counts[SCNKEYS_N_KINDS];
    scnkeys_phase_record *phase_records;     /* one per [phase] section */
    int *phase_section;                      /* spec phase -> the section of its gpus key */
} scnresolve_ctx;

/* The index of key `name` of a kind (it must exist). */
int scnresolve__key(scnkeys_kind kind, const char *name);
/* The raw text of a key of the i-th entity of a kind, or NULL if not set. */
const char *scnresolve__text(const scnresolve_ctx *rc, scnkeys_kind kind, size_t i,
                             const char *key);
/* Where to point a message about a key of the i-th entity of a kind. */
scndiag_where scnresolve__where(const scnresolve_ctx *rc, scnkeys_kind kind, size_t i,
                                const char *key);
/* Resolves a name of the given kind to its index; reports an unknown name
 * at w with the nearest existing name. Returns the index or -1. */
int scnresolve__lookup(scnresolve_ctx *rc, scnkeys_kind kind, const char *name,
                       const scndiag_where *w);
/* Formats t (seconds since start) as YYYY-MM-DD. */
void scnresolve__date(const scnresolve_ctx *rc, int64_t t, char out[11]);
/* Appends a warning (best effort). */
void scnresolve__warn(scnresolve_ctx *rc, const scndiag_where *w, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The checks of scnresolve_checks.c; each returns 0 or -1 after reporting. */
int scnresolve__gpu(scnresolve_ctx *rc, size_t i);
int scnresolve__phases(scnresolve_ctx *rc);
int scnresolve__contract(scnresolve_ctx *rc, size_t i);
int scnresolve__lease_graph(scnresolve_ctx *rc);
int scnresolve__workload(scnresolve_ctx *rc, size_t i);
int scnresolve__pricelist(scnresolve_ctx *rc, size_t i);
int scnresolve__procurement(scnresolve_ctx *rc, size_t i);
int scnresolve__buildout(scnresolve_ctx *rc, size_t i);
int scnresolve__target(scnresolve_ctx *rc, size_t i);

#endif
