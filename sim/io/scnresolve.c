/*
 * scnresolve: the generic part. Every record is filled by walking its
 * kind's key table: a written value or the default is parsed again (it was
 * checked when read; defaults are checked here) and stored at the key's
 * offset; an optional date left out becomes SPEC_NO_TIME. Keys without a
 * field (gpus lists, term_months, series, distributions, traces, seller
 * lists) are left to the per-kind checks in scnresolve_checks.c,
 * scnresolve_workload.c and scnresolve_market.c.
 *
 * Name lookups are linear, O(entities) each: scenarios have at most a few
 * thousand sections and this runs once per load.
 */
#include "scnresolve.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/caltime.h"
#include "scnresolve_int.h"
#include "suggest.h"

/* Enum and index fields are written as int. */
_Static_assert(sizeof(spec_provider_kind) == sizeof(int), "enum fields are int-sized");
_Static_assert(sizeof(spec_contract_kind) == sizeof(int), "enum fields are int-sized");
_Static_assert(sizeof(spec_growth) == sizeof(int), "enum fields are int-sized");
_Static_assert(sizeof(spec_workload_type) == sizeof(int), "enum fields are int-sized");
_Static_assert(sizeof(spec_buildout_trigger) == sizeof(int), "enum fields are int-sized");

int scnresolve__key(scnkeys_kind kind, const char *name)
{
    int k = scnkeys_find_key(kind, name);
    assert(k >= 0);
    return k;
}

const char *scnresolve__text(const scnresolve_ctx *rc, scnkeys_kind kind, size_t i,
                             const char *key)
{
    return rc->raw->sections[rc->sections[kind][i]].values[scnresolve__key(kind, key)].text;
}

scndiag_where scnresolve__where(const scnresolve_ctx *rc, scnkeys_kind kind, size_t i,
                                const char *key)
{
    return scnraw_where(rc->raw, rc->sections[kind][i], key ? scnresolve__key(kind, key) : -1);
}

void scnresolve__date(const scnresolve_ctx *rc, int64_t t, char out[11])
{
    int64_t seconds = rc->start_day * SPEC_SECONDS_PER_DAY + t;
    caltime_format_date(seconds, out);
}

void scnresolve__warn(scnresolve_ctx *rc, const scndiag_where *w, const char *fmt, ...)
{
    char text[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    scnraw_add_warning(rc->raw, scndiag_warning(w, "%s", text));
}

/* ---- references ---- */

static const char *entity_name(const spec *s, scnkeys_kind kind, size_t i)
{
    switch (kind) {
    case SCNKEYS_GPU: return s->gpus[i].name;
    case SCNKEYS_PROVIDER: return s->providers[i].name;
    case SCNKEYS_DATACENTER: return s->datacenters[i].name;
    default: return "";
    }
}

typedef struct name_table {
    const spec *s;
    scnkeys_kind kind;
} name_table;

static const char *table_name_at(const void *ctx, size_t i)
{
    const name_table *t = ctx;
    return entity_name(t->s, t->kind, i);
}

static const char *kind_label(scnkeys_kind kind)
{
    return kind == SCNKEYS_GPU ? "GPU type" : scnkeys_kind_of(kind)->name;
}

int scnresolve__lookup(scnresolve_ctx *rc, scnkeys_kind kind, const char *name,
                       const scndiag_where *w)
{
    size_t n = rc->counts[kind];
    for (size_t i = 0; i < n; i++)
        if (strcmp(entity_name(rc->s, kind, i), name) == 0)
            return (int)i;
    name_table table = {rc->s, kind};
    const char *near = suggest_nearest(name, table_name_at, &table, n);
    if (near)
        scndiag_error(rc->d, w, "unknown %s '%s'; did you mean '%s'?", kind_label(kind), name,
                      near);
    else
        scndiag_error(rc->d, w, "unknown %s '%s'; define it with a [%s %s] section",
                      kind_label(kind), name, scnkeys_kind_of(kind)->name, name);
    return -1;
}

/* ---- records ---- */

static void missing_key(scnresolve_ctx *rc, int section, int key)
{
    const scnkeys_key *k = &scnkeys_kind_of(rc->raw->sections[section].kind)->keys[key];
    scndiag_where w = scnraw_where(rc->raw, section, key);
    scndiag_error(rc->d, &w, "required key is missing; add a line `%s = ...` (%s) to this "
                  "section", k->name, k->unit);
}

/* Stores one parsed value at `field`. Returns 0 or -1 after reporting. */
static int store(scnresolve_ctx *rc, const scnkeys_key *k, const char *text,
                 const scndiag_where *w, char *field)
{
    scnkeys_value v;
    char why[512];
    if (scnkeys_parse(k, text, &v, why, sizeof why) != 0) {
        scndiag_error(rc->d, w, "%s", why);
        return -1;
    }
    int64_t seconds;
    int index = v.choice;
    switch (k->type) {
    case SCNKEYS_TEXT: snprintf(field, k->size, "%s", text); break;
    case SCNKEYS_REAL: memcpy(field, &v.real, sizeof v.real); break;
    case SCNKEYS_SEED: memcpy(field, &v.seed, sizeof v.seed); break;
    case SCNKEYS_GPU_COUNT:
    case SCNKEYS_WHOLE:
    case SCNKEYS_MONTH_SPAN:
    case SCNKEYS_DURATION: memcpy(field, &v.integer, sizeof v.integer); break;
    case SCNKEYS_BOOL: memcpy(field, &v.choice, sizeof v.choice); break;
    case SCNKEYS_DATE:
        seconds = (v.days - rc->start_day + ((k->flags & SCNKEYS_INCLUSIVE_END) ? 1 : 0))
                  * SPEC_SECONDS_PER_DAY;
        memcpy(field, &seconds, sizeof seconds);
        break;
    case SCNKEYS_ENUM: memcpy(field, &index, sizeof index); break;
    case SCNKEYS_REF:                    /* v.choice: the text is `any` */
        if (v.choice)
            index = SPEC_ANY_GPU;
        else if ((index = scnresolve__lookup(rc, k->ref_kind, text, w)) < 0)
            return -1;
        memcpy(field, &index, sizeof index);
        break;
    default: break;      /* no field: placed by the per-kind checks */
    }
    return 0;
}

/* Fills the record of a section from its values and the defaults. */
static int fill_record(scnresolve_ctx *rc, int section, void *record)
{
    const scnraw_section *sec = &rc->raw->sections[section];
    const scnkeys_kind_def *kd = scnkeys_kind_of(sec->kind);
    if (kd->named)
        snprintf(record, SPEC_NAME_MAX, "%s", sec->name);
    for (size_t i = 0; i < kd->n_keys; i++) {
        const scnkeys_key *k = &kd->keys[i];
        const char *text = sec->values[i].text;
        if (!text && (k->flags & SCNKEYS_REQUIRED)) {
            missing_key(rc, section, (int)i);
            return -1;
        }
        if (k->offset != SCNKEYS_NO_FIELD && !text && (k->flags & SCNKEYS_DEFAULT_NONE)) {
            int64_t none = SPEC_NO_TIME;
            memcpy((char *)record + k->offset, &none, sizeof none);
            continue;
        }
        if (k->offset == SCNKEYS_NO_FIELD || (!text && !k->default_text))
            continue;         /* DEFAULT_START dates stay 0: the scenario start */
        scndiag_where w = scnraw_where(rc->raw, section, (int)i);
        if (store(rc, k, text ? text : k->default_text, &w, (char *)record + k->offset) != 0)
            return -1;
    }
    return 0;
}

/* ---- the scenario period ---- */

static int resolve_period(scnresolve_ctx *rc, int section)
{
    spec *s = rc->s;
    const scnraw_section *sec = &rc->raw->sections[section];
    int start_key = scnresolve__key(SCNKEYS_SCENARIO, "start");
    const char *start = sec->values[start_key].text;
    if (!start) {
        missing_key(rc, section, start_key);
        return -1;
    }
    caltime_parse_date(start, &rc->start_day);   /* checked when read */
    snprintf(s->start_date, sizeof s->start_date, "%s", start);
    if (fill_record(rc, section, s) != 0)
        return -1;
    int end_key = scnresolve__key(SCNKEYS_SCENARIO, "end");
    scndiag_where w = scnraw_where(rc->raw, section, end_key);
    if (s->end <= 0) {
        scndiag_error(rc->d, &w, "end %s is before start %s; the end date (inclusive) must "
                      "be on or after the start", sec->values[end_key].text, start);
        return -1;
    }
    w = scnraw_where(rc->raw, section, scnresolve__key(SCNKEYS_SCENARIO, "tick"));
    if (s->tick_seconds > s->end) {
        scndiag_error(rc->d, &w, "a tick of %lld s is longer than the whole period (%lld s); "
                      "use a shorter tick such as 1h", (long long)s->tick_seconds,
                      (long long)s->end);
        return -1;
    }
    return 0;
}

/* ---- entities ---- */

static int index_sections(scnresolve_ctx *rc)
{
    for (int k = 0; k < SCNKEYS_N_KINDS; k++) {
        rc->sections[k] = calloc(rc->raw->n_sections + 1, sizeof(int));
        if (!rc->sections[k])
            return -1;
    }
    for (size_t i = 0; i < rc->raw->n_sections; i++) {
        scnkeys_kind kind = rc->raw->sections[i].kind;
        rc->sections[kind][rc->counts[kind]++] = (int)i;
    }
    return 0;
}

/* Allocates n records of `size` (at least one, so a NULL means no memory). */
static void *records(size_t n, size_t size)
{
    return calloc(n ? n : 1, size);
}

static int allocate(scnresolve_ctx *rc)
{
    spec *s = rc->s;
    s->gpus = records(rc->counts[SCNKEYS_GPU], sizeof *s->gpus);
    s->providers = records(rc->counts[SCNKEYS_PROVIDER], sizeof *s->providers);
    s->datacenters = records(rc->counts[SCNKEYS_DATACENTER], sizeof *s->datacenters);
    s->contracts = records(rc->counts[SCNKEYS_CONTRACT], sizeof *s->contracts);
    s->workloads = records(rc->counts[SCNKEYS_WORKLOAD], sizeof *s->workloads);
    s->pricelists = records(rc->counts[SCNKEYS_PRICELIST], sizeof *s->pricelists);
    s->procurements = records(rc->counts[SCNKEYS_PROCUREMENT], sizeof *s->procurements);
    s->buildouts = records(rc->counts[SCNKEYS_BUILDOUT], sizeof *s->buildouts);
    s->targets = records(rc->counts[SCNKEYS_TARGET], sizeof *s->targets);
    rc->phase_records = records(rc->counts[SCNKEYS_PHASE], sizeof *rc->phase_records);
    return s->gpus && s->providers && s->datacenters && s->contracts && s->workloads &&
           s->pricelists && s->procurements && s->buildouts && s->targets && rc->phase_records ? 0 : -1;
}

/* The record of entity i of a kind. */
static void *record_of(scnresolve_ctx *rc, scnkeys_kind kind, size_t i)
{
    switch (kind) {
    case SCNKEYS_GPU: return &rc->s->gpus[i];
    case SCNKEYS_PROVIDER: return &rc->s->providers[i];
    case SCNKEYS_DATACENTER: return &rc->s->datacenters[i];
    case SCNKEYS_PHASE: return &rc->phase_records[i];
    case SCNKEYS_CONTRACT: return &rc->s->contracts[i];
    case SCNKEYS_WORKLOAD: return &rc->s->workloads[i];
    case SCNKEYS_PRICELIST: return &rc->s->pricelists[i];
    case SCNKEYS_PROCUREMENT: return &rc->s->procurements[i];
    case SCNKEYS_BUILDOUT: return &rc->s->buildouts[i];
    case SCNKEYS_TARGET: return &rc->s->targets[i];
    default: return rc->s;
    }
}

/* Fills every entity of a kind, then runs its check. The spec's count
 * grows as entities are filled, so a workload's series is freed even when
 * a later one fails. */
static int resolve_kind(scnresolve_ctx *rc, scnkeys_kind kind, size_t *count,
                        int (*check)(scnresolve_ctx *, size_t))
{
    for (size_t i = 0; i < rc->counts[kind]; i++) {
        if (count)
            *count = i + 1;
        if (fill_record(rc, rc->sections[kind][i], record_of(rc, kind, i)) != 0)
            return -1;
        if (check && check(rc, i) != 0)
            return -1;
    }
    return 0;
}

static int resolve_all(scnresolve_ctx *rc)
{
    spec *s = rc->s;
    if (rc->counts[SCNKEYS_SCENARIO] == 0) {
        scndiag_where w = {rc->top_file, 0, NULL, NULL, NULL};
        scndiag_error(rc->d, &w, "no [scenario] section; add one with name, start and end");
        return -1;
    }
    if (resolve_period(rc, rc->sections[SCNKEYS_SCENARIO][0]) != 0)
        return -1;
    if (allocate(rc) != 0) {
        scndiag_where w = {rc->top_file, 0, NULL, NULL, NULL};
        scndiag_error(rc->d, &w, "out of memory");
        return -1;
    }
    return resolve_kind(rc, SCNKEYS_GPU, &s->n_gpus, scnresolve__gpu) ||
           resolve_kind(rc, SCNKEYS_PROVIDER, &s->n_providers, NULL) ||
           resolve_kind(rc, SCNKEYS_DATACENTER, &s->n_datacenters, NULL) ||
           resolve_kind(rc, SCNKEYS_PHASE, NULL, NULL) ||
           scnresolve__phases(rc) ||
           resolve_kind(rc, SCNKEYS_CONTRACT, &s->n_contracts, scnresolve__contract) ||
           scnresolve__lease_graph(rc) ||
           resolve_kind(rc, SCNKEYS_WORKLOAD, &s->n_workloads, scnresolve__workload) ||
           resolve_kind(rc, SCNKEYS_PRICELIST, &s->n_pricelists, scnresolve__pricelist) ||
           resolve_kind(rc, SCNKEYS_PROCUREMENT, &s->n_procurements, scnresolve__procurement) ||
           resolve_kind(rc, SCNKEYS_BUILDOUT, &s->n_buildouts, scnresolve__buildout) ||
           resolve_kind(rc, SCNKEYS_TARGET, &s->n_targets, scnresolve__target)
           ? -1 : 0;
}

int scnresolve_run(scnraw *raw, spec *s, const char *top_file, scndiag *d)
{
    scnresolve_ctx rc = {.raw = raw, .s = s, .d = d, .top_file = top_file};
    int status = index_sections(&rc);
    if (status != 0) {
        scndiag_where w = {top_file, 0, NULL, NULL, NULL};
        scndiag_error(d, &w, "out of memory");
    } else {
        status = resolve_all(&rc);
    }
    for (int k = 0; k < SCNKEYS_N_KINDS; k++)
        free(rc.sections[k]);
    free(rc.phase_records);
    free(rc.phase_section);
    return status;
}
