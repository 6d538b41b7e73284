/*
 * scenario_raw: the section/value table and its operations. Reading files is in
 * scenario_raw_read.c; this file holds the table, --set overrides and locations.
 */
#include "scenario_raw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_raw_internal.h"
#include "../util/grow.h"
#include "../util/suggest.h"
#include "../util/text.h"

scenario_raw *scenario_raw_create(void)
{
    return calloc(1, sizeof(scenario_raw));
}

void scenario_raw_destroy(scenario_raw *raw)
{
    if (!raw)
        return;
    for (size_t i = 0; i < raw->n_sections; i++) {
        scenario_raw_section *s = &raw->sections[i];
        size_t n_keys = scenario_keys_kind_of(s->kind)->n_keys;
        for (size_t k = 0; k < n_keys; k++)
            free(s->values[k].text);
        free(s->values);
        free(s->headers);
        free(s->name);
    }
    free(raw->sections);
    for (size_t i = 0; i < raw->n_files; i++)
        free(raw->files[i]);
    free(raw->files);
    free(raw->order);
    for (size_t i = 0; i < raw->n_warnings; i++)
        free(raw->warnings[i]);
    free(raw->warnings);
    free(raw);
}

/* The capacity is implicit: 4 items at first, doubled each time n reaches
 * a power of two from 4 on, so it is always the next such size above n. */
void *scenario_raw__grow(void *items, size_t n, size_t size)
{
    int full = n == 0 || (n >= 4 && (n & (n - 1)) == 0);
    if (full && grow_resize(&items, n ? n * 2 : 4, size) != 0)
        return NULL;
    return items;
}

int scenario_raw_add_warning(scenario_raw *raw, char *warning)
{
    if (!warning)
        return 0;
    char **grown = scenario_raw__grow(raw->warnings, raw->n_warnings, sizeof(char *));
    if (!grown) {
        free(warning);
        return -1;
    }
    raw->warnings = grown;
    raw->warnings[raw->n_warnings++] = warning;
    return 0;
}

int scenario_raw__add_file(scenario_raw *raw, char *path)
{
    char **grown = scenario_raw__grow(raw->files, raw->n_files, sizeof(char *));
    if (!grown)
        return -1;
    raw->files = grown;
    raw->files[raw->n_files] = path;
    return (int)raw->n_files++;
}

const char *scenario_raw_file_name(const scenario_raw *raw, int file)
{
    return file == SCENARIO_RAW_SET_FILE ? SCENARIO_DIAG_SET_FILE : raw->files[file];
}

int scenario_raw_find(const scenario_raw *raw, scenario_keys_kind kind, const char *name)
{
    for (size_t i = 0; i < raw->n_sections; i++)
        if (raw->sections[i].kind == kind && strcmp(raw->sections[i].name, name) == 0)
            return (int)i;
    return -1;
}

int scenario_raw__add_section(scenario_raw *raw, scenario_keys_kind kind, const char *name, int file, int line)
{
    scenario_raw_section *grown = scenario_raw__grow(raw->sections, raw->n_sections, sizeof *grown);
    if (!grown)
        return -1;
    raw->sections = grown;
    scenario_raw_section *s = &raw->sections[raw->n_sections];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->file = file;
    s->line = line;
    s->name = strdup(name);
    s->values = calloc(scenario_keys_kind_of(kind)->n_keys, sizeof(scenario_raw_value));
    if (!s->name || !s->values) {
        free(s->name);
        free(s->values);
        return -1;
    }
    return (int)raw->n_sections++;
}

int scenario_raw__store(scenario_raw *raw, int section, int key, const char *text, int file, int line,
                  int read_id)
{
    scenario_raw_value *v = &raw->sections[section].values[key];
    char *copy = strdup(text);
    if (!copy)
        return -1;
    if (!v->text) {
        scenario_raw_ref *grown = scenario_raw__grow(raw->order, raw->n_order, sizeof *grown);
        if (!grown) {
            free(copy);
            return -1;
        }
        raw->order = grown;
        raw->order[raw->n_order++] = (scenario_raw_ref){section, key};
    } else if (read_id >= 0 && v->read_id == read_id) {
        scenario_diag_where w = scenario_raw_where(raw, section, key);
        w.line = line;
        scenario_raw_add_warning(raw, scenario_diag_warning(&w, "set again (first at line %d); the later "
                                                "value wins", v->line));
    }
    free(v->text);
    *v = (scenario_raw_value){copy, file, line, read_id};
    return 0;
}

scenario_diag_where scenario_raw_where(const scenario_raw *raw, int section, int key)
{
    const scenario_raw_section *s = &raw->sections[section];
    const scenario_keys_kind_def *kd = scenario_keys_kind_of(s->kind);
    scenario_diag_where w = {raw->files[s->file], s->line, kd->name, kd->named ? s->name : NULL,
                       key >= 0 ? kd->keys[key].name : NULL};
    if (key >= 0 && s->values[key].text) {
        w.file = scenario_raw_file_name(raw, s->values[key].file);
        w.line = s->values[key].line;
    }
    return w;
}

char *scenario_raw_join_path(const char *base_file, const char *rel)
{
    const char *slash = base_file ? strrchr(base_file, '/') : NULL;
    size_t dir_len = (slash && rel[0] != '/') ? (size_t)(slash - base_file) + 1 : 0;
    char *path = malloc(dir_len + strlen(rel) + 1);
    if (path) {
        if (dir_len)   /* base_file is NULL for a --set path: relative to the working directory */
            memcpy(path, base_file, dir_len);
        strcpy(path + dir_len, rel);
    }
    return path;
}

/* ---- --set overrides ---- */

/* A parsed "kind.name.key=value"; pointers into `text`, a writable copy. */
typedef struct assignment {
    char text[1024];
    const char *kind, *name, *key, *value;
    int section;     /* the matched section, or -1 */
} assignment;

/* The length of the key that starts at `key` and ends before `eq`, without
 * the spaces of "key = value". */
static size_t key_length(const char *key, const char *eq)
{
    return text_trim_end_length(key, (size_t)(eq - key));
}

/* Splits `rest` ("name.key=value") against the existing sections of the
 * kind: a name may itself contain '.' and '=', so the section whose name is
 * the longest prefix followed by a valid key wins. */
static void match_section(const scenario_raw *raw, scenario_keys_kind kind, char *rest, assignment *a)
{
    size_t best_len = 0;
    int best_valid = -1;
    for (size_t i = 0; i < raw->n_sections; i++) {
        const scenario_raw_section *s = &raw->sections[i];
        size_t len = strlen(s->name);
        if (s->kind != kind || strncmp(rest, s->name, len) != 0 || rest[len] != '.')
            continue;
        char *key = rest + len + 1, *eq = strchr(key, '=');
        if (!eq)
            continue;
        size_t key_len = key_length(key, eq);
        char saved = key[key_len];
        key[key_len] = '\0';
        int valid = scenario_keys_find_key(kind, key) >= 0;
        key[key_len] = saved;
        if (valid > best_valid || (valid == best_valid && len > best_len)) {
            best_valid = valid;
            best_len = len;
            a->section = (int)i;
        }
    }
    if (a->section < 0) {       /* no such section: guess the split for the message */
        char *eq = strchr(rest + 1, '=');
        if (eq)
            *eq = '\0';
        char *dot = strrchr(rest, '.');
        a->name = rest;
        a->key = dot ? dot + 1 : "";
        a->value = eq ? eq + 1 : "";
        if (dot)
            *dot = '\0';
        return;
    }
    rest[best_len] = '\0';
    char *key = rest + best_len + 1, *eq = strchr(key, '=');
    a->name = rest;
    a->key = key;
    a->value = eq + 1;
    key[key_length(key, eq)] = '\0';
}

static const char *section_name_at(const void *ctx, size_t i)
{
    return ((const char *const *)ctx)[i];
}

static void unknown_section(const scenario_raw *raw, scenario_keys_kind kind, const assignment *a,
                            const char *top_file, scenario_diag *d)
{
    const char **names = malloc((raw->n_sections + 1) * sizeof *names);
    size_t n = 0;
    for (size_t i = 0; names && i < raw->n_sections; i++)
        if (raw->sections[i].kind == kind)
            names[n++] = raw->sections[i].name;
    const char *near = names ? suggest_nearest(a->name, section_name_at, names, n) : NULL;
    scenario_diag_where w = {SCENARIO_DIAG_SET_FILE, 0, a->kind, a->name, a->key};
    if (near)
        scenario_diag_error(d, &w, "no section [%s %s] in %s; did you mean '%s'?", a->kind, a->name,
                      top_file, near);
    else
        scenario_diag_error(d, &w, "no section [%s %s] in %s; --set changes existing sections only",
                      a->kind, a->name, top_file);
    free(names);
}

static int parse_assignment(const scenario_raw *raw, const char *text, assignment *a, int *kind,
                            scenario_diag *d)
{
    scenario_diag_where none = {0};
    size_t len = strlen(text);
    char *dot, *eq;
    memset(a, 0, sizeof *a);
    a->section = -1;
    if (len >= sizeof a->text || !(dot = strchr(memcpy(a->text, text, len + 1), '.')) ||
        !(eq = strchr(a->text, '=')) || eq < dot) {
        scenario_diag_error(d, &none, "--set %s: expected kind.name.key=value, e.g. "
                      "contract.cw-google.gpus=24000", text);
        return -1;
    }
    *dot = '\0';
    a->kind = a->text;
    *kind = scenario_keys_find_kind(a->kind);
    if (*kind < 0) {
        const char *near = scenario_keys_suggest_kind(a->kind);
        scenario_diag_error(d, &none, "--set %s: unknown section kind '%s'%s%s%s", text, a->kind,
                      near ? "; did you mean '" : "; use ", near ? near : scenario_keys_kind_names(),
                      near ? "'?" : "");
        return -1;
    }
    if (*kind == SCENARIO_KEYS_SCENARIO) {
        a->key = dot + 1;
        a->value = eq + 1;
        dot[1 + key_length(dot + 1, eq)] = '\0';
        a->section = scenario_raw_find(raw, SCENARIO_KEYS_SCENARIO, "");
        return 0;
    }
    match_section(raw, (scenario_keys_kind)*kind, dot + 1, a);
    return 0;
}

int scenario_raw_apply_set(scenario_raw *raw, const char *text, const char *top_file, scenario_diag *d)
{
    assignment a;
    int kind;
    if (parse_assignment(raw, text, &a, &kind, d) != 0)
        return -1;
    const scenario_keys_kind_def *kd = scenario_keys_kind_of((scenario_keys_kind)kind);
    scenario_diag_where w = {SCENARIO_DIAG_SET_FILE, 0, a.kind, kd->named ? a.name : NULL, a.key};
    if (a.section < 0) {
        if (kd->named)
            unknown_section(raw, (scenario_keys_kind)kind, &a, top_file, d);
        else
            scenario_diag_error(d, &w, "%s has no [scenario] section", top_file);
        return -1;
    }
    int key = scenario_keys_find_key((scenario_keys_kind)kind, a.key);
    if (key < 0 || kd->keys[key].type == SCENARIO_KEYS_INCLUDE) {
        const char *near = key < 0 ? scenario_keys_suggest_key((scenario_keys_kind)kind, a.key) : NULL;
        if (key >= 0)
            scenario_diag_error(d, &w, "include cannot be set with --set; add it to the file");
        else if (near)
            scenario_diag_error(d, &w, "unknown key '%s' for [%s]; did you mean '%s'?", a.key,
                          kd->name, near);
        else
            scenario_diag_error(d, &w, "unknown key '%s' for [%s]", a.key, kd->name);
        return -1;
    }
    char why[512];
    scenario_keys_value value;
    char *v = text_trim((char *)a.value);
    if (scenario_keys_parse(&kd->keys[key], v, &value, why, sizeof why) != 0) {
        scenario_diag_error(d, &w, "%s", why);
        return -1;
    }
    if (scenario_raw__store(raw, a.section, key, v, SCENARIO_RAW_SET_FILE, 0, -1) != 0) {
        scenario_diag_error(d, &w, "out of memory");
        return -1;
    }
    return 0;
}
