/*
 * scenario: loading, in three stages over one raw table (scenario_raw):
 *   1. read the files, includes in place (scenario_raw_read.c);
 *   2. apply the --set overrides (scenario_raw.c);
 *   3. resolve the table into a spec (scenario_resolve*.c).
 * Then the record of what was resolved: the params (every key set, in
 * first-seen order, with its final value and origin) and the resolved text
 * (one INI file, no includes, that loads back to the same spec).
 *
 * Nothing here writes outside the returned scenario; on any error the
 * partial result is freed and the first error's message is in err.
 */
#include "scenario.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/caltime.h"
#include "scenario_diag.h"
#include "scenario_raw.h"
#include "scenario_resolve.h"

void scenario_destroy(scenario *sc)
{
    if (!sc)
        return;
    spec_destroy(sc->spec);
    for (size_t i = 0; i < sc->n_params; i++) {
        free(sc->params[i].path);
        free(sc->params[i].value);
        free(sc->params[i].file);
    }
    free(sc->params);
    free(sc->resolved_text);
    free(sc->path);
    for (size_t i = 0; i < sc->n_warnings; i++)
        free(sc->warnings[i]);
    free(sc->warnings);
    free(sc);
}

/* ---- params ---- */

/* "kind.name.key", or "scenario.key". malloc'd. */
static char *param_path(const scenario_raw *raw, scenario_raw_ref ref)
{
    const scenario_raw_section *s = &raw->sections[ref.section];
    const scenario_keys_kind_def *kd = scenario_keys_kind_of(s->kind);
    const char *key = kd->keys[ref.key].name;
    size_t len = strlen(kd->name) + strlen(s->name) + strlen(key) + 3;
    char *path = malloc(len);
    if (path && kd->named)
        snprintf(path, len, "%s.%s.%s", kd->name, s->name, key);
    else if (path)
        snprintf(path, len, "%s.%s", kd->name, key);
    return path;
}

static int build_params(scenario *sc, const scenario_raw *raw)
{
    sc->params = calloc(raw->n_order ? raw->n_order : 1, sizeof *sc->params);
    if (!sc->params)
        return -1;
    for (size_t i = 0; i < raw->n_order; i++) {
        const scenario_raw_value *v = &raw->sections[raw->order[i].section].values[raw->order[i].key];
        scenario_param *p = &sc->params[sc->n_params++];
        p->path = param_path(raw, raw->order[i]);
        p->value = strdup(v->text);
        p->file = strdup(scenario_raw_file_name(raw, v->file));
        p->line = v->line;
        if (!p->path || !p->value || !p->file)
            return -1;
    }
    return 0;
}

/* ---- resolved text ---- */

/* A CSV path (series, trace) made absolute, so the text loads from anywhere. */
static void write_path(FILE *out, const scenario_raw *raw, const scenario_keys_key *key,
                       const scenario_raw_value *v)
{
    char *joined = scenario_raw_join_path(v->file == SCENARIO_RAW_SET_FILE ? NULL : raw->files[v->file],
                                    v->text);
    char *absolute = joined ? realpath(joined, NULL) : NULL;
    fprintf(out, "%s = %s\n", key->name, absolute ? absolute : joined ? joined : v->text);
    free(absolute);
    free(joined);
}

static void write_key(FILE *out, const scenario_raw *raw, const scenario_raw_section *s, size_t k,
                      const char *start_date)
{
    const scenario_keys_key *key = &scenario_keys_kind_of(s->kind)->keys[k];
    const scenario_raw_value *v = &s->values[k];
    if (key->type == SCENARIO_KEYS_INCLUDE)
        return;
    if (v->text && key->type == SCENARIO_KEYS_PATH)
        write_path(out, raw, key, v);
    else if (v->text)
        fprintf(out, "%s = %s\n", key->name, v->text);
    else if (key->default_text)
        fprintf(out, "; %s = %s  (default)\n", key->name, key->default_text);
    else if (key->flags & SCENARIO_KEYS_DEFAULT_START)
        fprintf(out, "; %s = %s  (default: the scenario start)\n", key->name, start_date);
}

static char *build_resolved_text(const scenario_raw *raw, const char *path, const spec *s)
{
    char *text = NULL;
    size_t len = 0;
    char start_date[11];
    caltime_format_date_since(s->start_day, 0, start_date);
    FILE *out = open_memstream(&text, &len);
    if (!out)
        return NULL;
    fprintf(out, "; capsim resolved scenario: %s, with its includes and --set overrides "
                 "applied.\n; Keys at their defaults are shown as comments.\n", path);
    for (int kind = 0; kind < SCENARIO_KEYS_N_KINDS; kind++) {
        const scenario_keys_kind_def *kd = scenario_keys_kind_of((scenario_keys_kind)kind);
        for (size_t i = 0; i < raw->n_sections; i++) {
            const scenario_raw_section *sec = &raw->sections[i];
            if (sec->kind != (scenario_keys_kind)kind)
                continue;
            fprintf(out, "\n[%s%s%s]\n", kd->name, kd->named ? " " : "", sec->name);
            for (size_t k = 0; k < kd->n_keys; k++)
                write_key(out, raw, sec, k, start_date);
        }
    }
    if (fclose(out) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* ---- load ---- */

static void take_warnings(scenario *sc, scenario_raw *raw)
{
    sc->warnings = raw->warnings;
    sc->n_warnings = raw->n_warnings;
    raw->warnings = NULL;
    raw->n_warnings = 0;
}

/* Stages 2 and 3, and the record. Returns 0 or -1 after reporting. */
static int resolve(scenario *sc, scenario_raw *raw, const char *path,
                   const scenario_override *overrides, size_t n_overrides, scenario_diag *d)
{
    scenario_diag_where nowhere = {path, 0, NULL, NULL, NULL};
    for (size_t i = 0; i < n_overrides; i++)
        if (scenario_raw_apply_set(raw, overrides[i].assignment, path, d) != 0)
            return -1;
    if (!(sc->spec = spec_create())) {
        scenario_diag_error(d, &nowhere, "out of memory");
        return -1;
    }
    if (scenario_resolve_run(raw, sc->spec, path, d) != 0)
        return -1;
    take_warnings(sc, raw);
    sc->path = strdup(path);
    sc->resolved_text = build_resolved_text(raw, path, sc->spec);
    if (build_params(sc, raw) != 0 || !sc->path || !sc->resolved_text) {
        scenario_diag_error(d, &nowhere, "out of memory");
        return -1;
    }
    return 0;
}

scenario *scenario_load(const char *path, const scenario_override *overrides,
                        size_t n_overrides, char *err, size_t err_len)
{
    scenario_diag d;
    scenario_diag_init(&d, err, err_len);
    scenario_diag_where nowhere = {path ? path : "(no file)", 0, NULL, NULL, NULL};
    scenario_raw *raw = scenario_raw_create();
    scenario *sc = calloc(1, sizeof *sc);
    if (!path || !raw || !sc)
        scenario_diag_error(&d, &nowhere, path ? "out of memory" : "no scenario file given");
    else if (scenario_raw_read(raw, path, &d) == 0)
        resolve(sc, raw, path, overrides, n_overrides, &d);
    scenario_raw_destroy(raw);
    if (d.failed) {
        scenario_destroy(sc);
        return NULL;
    }
    return sc;
}
