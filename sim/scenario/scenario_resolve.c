/*
 * scenario_resolve: the generic part. Every record is filled by walking its
 * kind's key table: a written value or the default is parsed again (it was
 * checked when read; defaults are checked here) and stored at the key's
 * offset; an optional date left out becomes SPEC_NO_TIME. Keys without a
 * field (gpus lists, term_months, series, distributions, traces, seller
 * lists) are left to the per-kind checks in scenario_resolve_checks.c,
 * scenario_resolve_workload.c and scenario_resolve_market.c.
 *
 * Name lookups are linear, O(entities) each: scenarios have at most a few
 * thousand sections and this runs once per load.
 */
#include "scenario_resolve.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/caltime.h"
#include "scenario_resolve_internal.h"
#include "../util/suggest.h"

/* Enum and index fields are written as int. */
_Static_assert(sizeof(spec_provider_kind) == sizeof(int), "enum fields are int-sized");
_Static_assert(sizeof(spec_contract_kind) == sizeof(int), "enum fields are int-sized");
_Static_assert(sizeof(spec_growth) == sizeof(int), "enum fields are int-sized");
_Static_assert(sizeof(spec_workload_type) == sizeof(int), "enum fields are int-sized");
_Static_assert(sizeof(spec_buildout_trigger) == sizeof(int), "enum fields are int-sized");

int scenario_resolve__key(scenario_keys_kind kind, const char *name)
{
    int k = scenario_keys_find_key(kind, name);
    assert(k >= 0);
    return k;
}

const char *scenario_resolve__text(const scenario_resolve_ctx *rc, scenario_keys_kind kind, size_t i,
                             const char *key)
{
    return rc->raw->sections[rc->sections[kind][i]].values[scenario_resolve__key(kind, key)].text;
}

scenario_diag_where scenario_resolve__where(const scenario_resolve_ctx *rc, scenario_keys_kind kind, size_t i,
                                const char *key)
{
    return scenario_raw_where(rc->raw, rc->sections[kind][i], key ? scenario_resolve__key(kind, key) : -1);
}

void scenario_resolve__date(const scenario_resolve_ctx *rc, int64_t t, char out[11])
{
    caltime_format_date_since(rc->s->start_day, t, out);
}

void scenario_resolve__warn(scenario_resolve_ctx *rc, const scenario_diag_where *w, const char *fmt, ...)
{
    char text[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    scenario_raw_add_warning(rc->raw, scenario_diag_warning(w, "%s", text));
}

/* ---- references ---- */

static const char *entity_name(const spec *s, scenario_keys_kind kind, size_t i)
{
    switch (kind) {
    case SCENARIO_KEYS_GPU: return s->gpus[i].name;
    case SCENARIO_KEYS_PROVIDER: return s->providers[i].name;
    case SCENARIO_KEYS_DATACENTER: return s->datacenters[i].name;
    default: return "";
    }
}

typedef struct name_table {
    const spec *s;
    scenario_keys_kind kind;
} name_table;

static const char *table_name_at(const void *ctx, size_t i)
{
    const name_table *t = ctx;
    return entity_name(t->s, t->kind, i);
}

static const char *kind_label(scenario_keys_kind kind)
{
    return kind == SCENARIO_KEYS_GPU ? "GPU type" : scenario_keys_kind_of(kind)->name;
}

int scenario_resolve__lookup(scenario_resolve_ctx *rc, scenario_keys_kind kind, const char *name,
                       const scenario_diag_where *w)
{
    size_t n = rc->counts[kind];
    for (size_t i = 0; i < n; i++)
        if (strcmp(entity_name(rc->s, kind, i), name) == 0)
            return (int)i;
    name_table table = {rc->s, kind};
    const char *near = suggest_nearest(name, table_name_at, &table, n);
    if (near)
        scenario_diag_error(rc->d, w, "unknown %s '%s'; did you mean '%s'?", kind_label(kind), name,
                      near);
    else
        scenario_diag_error(rc->d, w, "unknown %s '%s'; define it with a [%s %s] section",
                      kind_label(kind), name, scenario_keys_kind_of(kind)->name, name);
    return -1;
}

/* ---- records ---- */

static void missing_key(scenario_resolve_ctx *rc, int section, int key)
{
    const scenario_keys_key *k = &scenario_keys_kind_of(rc->raw->sections[section].kind)->keys[key];
    scenario_diag_where w = scenario_raw_where(rc->raw, section, key);
    scenario_diag_error(rc->d, &w, "required key is missing; add a line `%s = ...` (%s) to this "
                  "section", k->name, k->unit);
}

/* Stores one parsed value at `field`. Returns 0 or -1 after reporting. */
static int store(scenario_resolve_ctx *rc, const scenario_keys_key *k, const char *text,
                 const scenario_diag_where *w, char *field)
{
    scenario_keys_value v;
    char why[512];
    if (scenario_keys_parse(k, text, &v, why, sizeof why) != 0) {
        scenario_diag_error(rc->d, w, "%s", why);
        return -1;
    }
    int64_t seconds;
    int index = v.choice;
    switch (k->type) {
    case SCENARIO_KEYS_TEXT: snprintf(field, k->size, "%s", text); break;
    case SCENARIO_KEYS_REAL: memcpy(field, &v.real, sizeof v.real); break;
    case SCENARIO_KEYS_PRICE:       /* a list: placed by the per-kind checks */
        if (!scenario_keys_is_price_list(text))
            memcpy(field, &v.real, sizeof v.real);
        break;
    case SCENARIO_KEYS_SEED: memcpy(field, &v.seed, sizeof v.seed); break;
    case SCENARIO_KEYS_GPU_COUNT:
    case SCENARIO_KEYS_WHOLE:
    case SCENARIO_KEYS_MONTH_SPAN:
    case SCENARIO_KEYS_DURATION: memcpy(field, &v.integer, sizeof v.integer); break;
    case SCENARIO_KEYS_BOOL: memcpy(field, &v.choice, sizeof v.choice); break;
    case SCENARIO_KEYS_DATE:
        seconds = (v.days - rc->s->start_day + ((k->flags & SCENARIO_KEYS_INCLUSIVE_END) ? 1 : 0))
                  * UNITS_SECONDS_PER_DAY;
        memcpy(field, &seconds, sizeof seconds);
        break;
    case SCENARIO_KEYS_ENUM: memcpy(field, &index, sizeof index); break;
    case SCENARIO_KEYS_REF:                    /* v.choice: the text is `any` */
        if (v.choice)
            index = SPEC_ANY_GPU;
        else if ((index = scenario_resolve__lookup(rc, k->ref_kind, text, w)) < 0)
            return -1;
        memcpy(field, &index, sizeof index);
        break;
    default: break;      /* no field: placed by the per-kind checks */
    }
    return 0;
}

/* Fills the record of a section from its values and the defaults. */
static int fill_record(scenario_resolve_ctx *rc, int section, void *record)
{
    const scenario_raw_section *sec = &rc->raw->sections[section];
    const scenario_keys_kind_def *kd = scenario_keys_kind_of(sec->kind);
    if (kd->named)
        snprintf(record, SPEC_NAME_MAX, "%s", sec->name);
    for (size_t i = 0; i < kd->n_keys; i++) {
        const scenario_keys_key *k = &kd->keys[i];
        const char *text = sec->values[i].text;
        if (!text && (k->flags & SCENARIO_KEYS_REQUIRED)) {
            missing_key(rc, section, (int)i);
            return -1;
        }
        if (k->offset != SCENARIO_KEYS_NO_FIELD && !text && (k->flags & SCENARIO_KEYS_DEFAULT_NONE)) {
            int64_t none = SPEC_NO_TIME;
            memcpy((char *)record + k->offset, &none, sizeof none);
            continue;
        }
        if (k->offset == SCENARIO_KEYS_NO_FIELD || (!text && !k->default_text))
            continue;         /* DEFAULT_START dates stay 0: the scenario start */
        scenario_diag_where w = scenario_raw_where(rc->raw, section, (int)i);
        if (store(rc, k, text ? text : k->default_text, &w, (char *)record + k->offset) != 0)
            return -1;
    }
    return 0;
}

/* ---- the scenario period ---- */

static int resolve_period(scenario_resolve_ctx *rc, int section)
{
    spec *s = rc->s;
    const scenario_raw_section *sec = &rc->raw->sections[section];
    int start_key = scenario_resolve__key(SCENARIO_KEYS_SCENARIO, "start");
    const char *start = sec->values[start_key].text;
    if (!start) {
        missing_key(rc, section, start_key);
        return -1;
    }
    caltime_parse_date(start, &s->start_day);   /* checked when read */
    if (fill_record(rc, section, s) != 0)
        return -1;
    int end_key = scenario_resolve__key(SCENARIO_KEYS_SCENARIO, "end");
    scenario_diag_where w = scenario_raw_where(rc->raw, section, end_key);
    if (s->end <= 0) {
        scenario_diag_error(rc->d, &w, "end %s is before start %s; the end date (inclusive) must "
                      "be on or after the start", sec->values[end_key].text, start);
        return -1;
    }
    w = scenario_raw_where(rc->raw, section, scenario_resolve__key(SCENARIO_KEYS_SCENARIO, "tick"));
    if (s->tick_seconds > s->end) {
        scenario_diag_error(rc->d, &w, "a tick of %lld s is longer than the whole period (%lld s); "
                      "use a shorter tick such as 1h", (long long)s->tick_seconds,
                      (long long)s->end);
        return -1;
    }
    return 0;
}

/* ---- entities ---- */

static int index_sections(scenario_resolve_ctx *rc)
{
    for (int k = 0; k < SCENARIO_KEYS_N_KINDS; k++) {
        rc->sections[k] = calloc(rc->raw->n_sections + 1, sizeof(int));
        if (!rc->sections[k])
            return -1;
    }
    for (size_t i = 0; i < rc->raw->n_sections; i++) {
        scenario_keys_kind kind = rc->raw->sections[i].kind;
        rc->sections[kind][rc->counts[kind]++] = (int)i;
    }
    return 0;
}

/* Allocates n records of `size` (at least one, so a NULL means no memory). */
static void *records(size_t n, size_t size)
{
    return calloc(n ? n : 1, size);
}

static int allocate(scenario_resolve_ctx *rc)
{
    spec *s = rc->s;
    s->gpus = records(rc->counts[SCENARIO_KEYS_GPU], sizeof *s->gpus);
    s->providers = records(rc->counts[SCENARIO_KEYS_PROVIDER], sizeof *s->providers);
    s->datacenters = records(rc->counts[SCENARIO_KEYS_DATACENTER], sizeof *s->datacenters);
    s->contracts = records(rc->counts[SCENARIO_KEYS_CONTRACT], sizeof *s->contracts);
    s->workloads = records(rc->counts[SCENARIO_KEYS_WORKLOAD], sizeof *s->workloads);
    s->pricelists = records(rc->counts[SCENARIO_KEYS_PRICELIST], sizeof *s->pricelists);
    s->procurements = records(rc->counts[SCENARIO_KEYS_PROCUREMENT], sizeof *s->procurements);
    s->buildouts = records(rc->counts[SCENARIO_KEYS_BUILDOUT], sizeof *s->buildouts);
    s->targets = records(rc->counts[SCENARIO_KEYS_TARGET], sizeof *s->targets);
    s->failures = records(rc->counts[SCENARIO_KEYS_FAILURE], sizeof *s->failures);
    s->curtailments = records(rc->counts[SCENARIO_KEYS_CURTAILMENT], sizeof *s->curtailments);
    rc->phase_records = records(rc->counts[SCENARIO_KEYS_PHASE], sizeof *rc->phase_records);
    return s->gpus && s->providers && s->datacenters && s->contracts && s->workloads &&
           s->pricelists && s->procurements && s->buildouts && s->targets && s->failures && s->curtailments &&
           rc->phase_records ? 0 : -1;
}

/* The record of entity i of a kind. */
static void *record_of(scenario_resolve_ctx *rc, scenario_keys_kind kind, size_t i)
{
    switch (kind) {
    case SCENARIO_KEYS_GPU: return &rc->s->gpus[i];
    case SCENARIO_KEYS_PROVIDER: return &rc->s->providers[i];
    case SCENARIO_KEYS_DATACENTER: return &rc->s->datacenters[i];
    case SCENARIO_KEYS_PHASE: return &rc->phase_records[i];
    case SCENARIO_KEYS_CONTRACT: return &rc->s->contracts[i];
    case SCENARIO_KEYS_WORKLOAD: return &rc->s->workloads[i];
    case SCENARIO_KEYS_PRICELIST: return &rc->s->pricelists[i];
    case SCENARIO_KEYS_PROCUREMENT: return &rc->s->procurements[i];
    case SCENARIO_KEYS_BUILDOUT: return &rc->s->buildouts[i];
    case SCENARIO_KEYS_TARGET: return &rc->s->targets[i];
    case SCENARIO_KEYS_FAILURE: return &rc->s->failures[i];
    case SCENARIO_KEYS_CURTAILMENT: return &rc->s->curtailments[i];
    default: return rc->s;
    }
}

/* Fills every entity of a kind, then runs its check. The spec's count
 * grows as entities are filled, so a workload's series is freed even when
 * a later one fails. */
static int resolve_kind(scenario_resolve_ctx *rc, scenario_keys_kind kind, size_t *count,
                        int (*check)(scenario_resolve_ctx *, size_t))
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

static int resolve_all(scenario_resolve_ctx *rc)
{
    spec *s = rc->s;
    if (rc->counts[SCENARIO_KEYS_SCENARIO] == 0) {
        scenario_diag_where w = {rc->top_file, 0, NULL, NULL, NULL};
        scenario_diag_error(rc->d, &w, "no [scenario] section; add one with name, start and end");
        return -1;
    }
    if (resolve_period(rc, rc->sections[SCENARIO_KEYS_SCENARIO][0]) != 0)
        return -1;
    if (allocate(rc) != 0) {
        scenario_diag_where w = {rc->top_file, 0, NULL, NULL, NULL};
        scenario_diag_error(rc->d, &w, "out of memory");
        return -1;
    }
    return resolve_kind(rc, SCENARIO_KEYS_GPU, &s->n_gpus, scenario_resolve__gpu) ||
           resolve_kind(rc, SCENARIO_KEYS_PROVIDER, &s->n_providers, NULL) ||
           resolve_kind(rc, SCENARIO_KEYS_DATACENTER, &s->n_datacenters, NULL) ||
           resolve_kind(rc, SCENARIO_KEYS_PHASE, NULL, NULL) ||
           scenario_resolve__phases(rc) ||
           resolve_kind(rc, SCENARIO_KEYS_CONTRACT, &s->n_contracts, scenario_resolve__contract) ||
           scenario_resolve__lease_graph(rc) ||
           resolve_kind(rc, SCENARIO_KEYS_WORKLOAD, &s->n_workloads, scenario_resolve__workload) ||
           resolve_kind(rc, SCENARIO_KEYS_PRICELIST, &s->n_pricelists, scenario_resolve__pricelist) ||
           resolve_kind(rc, SCENARIO_KEYS_PROCUREMENT, &s->n_procurements, scenario_resolve__procurement) ||
           resolve_kind(rc, SCENARIO_KEYS_BUILDOUT, &s->n_buildouts, scenario_resolve__buildout) ||
           scenario_resolve__oversubscription(rc) ||
           resolve_kind(rc, SCENARIO_KEYS_TARGET, &s->n_targets, scenario_resolve__target) ||
           resolve_kind(rc, SCENARIO_KEYS_FAILURE, &s->n_failures, scenario_resolve__failure) ||
           scenario_resolve__failures_switch(rc) ||
           resolve_kind(rc, SCENARIO_KEYS_CURTAILMENT, &s->n_curtailments,
                        scenario_resolve__curtailment)
           ? -1 : 0;
}

int scenario_resolve_run(scenario_raw *raw, spec *s, const char *top_file, scenario_diag *d)
{
    scenario_resolve_ctx rc = {.raw = raw, .s = s, .d = d, .top_file = top_file};
    int status = index_sections(&rc);
    if (status != 0) {
        scenario_diag_where w = {top_file, 0, NULL, NULL, NULL};
        scenario_diag_error(d, &w, "out of memory");
    } else {
        status = resolve_all(&rc);
    }
    for (int k = 0; k < SCENARIO_KEYS_N_KINDS; k++)
        free(rc.sections[k]);
    free(rc.phase_records);
    free(rc.phase_section);
    return status;
}
