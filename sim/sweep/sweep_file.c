/*
 * sweep_file: the sweep file reader. The whole file is read into memory
 * first (its text is stored with the results, and --resume compares it),
 * then parsed line by line from a copy. Every check that needs only this
 * file happens here, with the line it is about; the first error wins.
 */
#include "sweep_file.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../scenario/scenario_diag.h"
#include "../scenario/scenario_raw.h"
#include "../util/grow.h"
#include "../util/infile.h"
#include "../util/suggest.h"
#include "../util/text.h"
#include "../util/textnum.h"

#define MAX_SWEEP_FILE_BYTES INFILE_MAX_INI_BYTES

static const char *const sweep_keys[] = {"name", "scenario", "method", "samples",
                                         "replications", "seeds", "seed", "record",
                                         "until", "timeout_s", "levels", NULL};
static const char *const param_keys[] = {"values", "range", "step", "scale", "round", "link",
                                         NULL};
static const char *const method_names[] = {"grid", "list", "random", "lhs", "sobol",
                                           "saltelli", "morris", NULL};
static const char *const seeds_names[] = {"independent", "common", NULL};
static const char *const record_names[] = {"ticks", "daily", "summary", NULL};

const char *sweep_method_name(sweep_method m) { return method_names[m]; }
const char *sweep_seeds_name(sweep_seeds s) { return seeds_names[s]; }
const char *sweep_record_name(sweep_record r) { return record_names[r]; }

int sweep_method_sampled(sweep_method m)
{
    return m != SWEEP_GRID && m != SWEEP_LIST;
}

int sweep_method_sensitivity(sweep_method m)
{
    return m == SWEEP_SALTELLI || m == SWEEP_MORRIS;
}

static int index_of(const char *word, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (!strcmp(word, names[i]))
            return i;
    return -1;
}

int sweep_record_parse(const char *name, sweep_record *out)
{
    int i = index_of(name, record_names);
    if (i < 0)
        return -1;
    *out = (sweep_record)i;
    return 0;
}

/* The reading state: where we are, for messages. */
typedef struct parser {
    sweep_file *f;
    scenario_diag d;
    int line;
    int in_sweep;          /* the current section is [sweep] */
    int param;             /* the current [param], or -1 */
    int seen_sweep;
    int seen_keys[16];     /* [sweep] keys already set (line), by index in sweep_keys */
} parser;

static scenario_diag_where where(const parser *p, const char *key)
{
    scenario_diag_where w = {p->f->path, p->line, NULL, NULL, key};
    if (p->in_sweep) {
        w.kind = "sweep";
    } else if (p->param >= 0) {
        w.kind = "param";
        w.name = p->f->params[p->param].path;
    }
    return w;
}

#define FAIL(p, key, ...)                                                 \
    do {                                                                  \
        scenario_diag_where w_ = where((p), (key));                      \
        scenario_diag_error(&(p)->d, &w_, __VA_ARGS__);                   \
        return -1;                                                        \
    } while (0)

static int dup_text(parser *p, char **out, const char *text)
{
    free(*out);
    *out = strdup(text);
    if (!*out)
        FAIL(p, NULL, "out of memory");
    return 0;
}

static int parse_choice(parser *p, const char *key, const char *value, const char *const *names,
                        int *out)
{
    int i = index_of(value, names);
    if (i >= 0) {
        *out = i;
        return 0;
    }
    const char *near = suggest_nearest_in(value, names);
    char list[128] = "";
    for (int k = 0; names[k]; k++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", k ? ", " : "", names[k]);
    if (near)
        FAIL(p, key, "unknown value '%s'; did you mean '%s'? (one of %s)", value, near, list);
    FAIL(p, key, "unknown value '%s'; expected one of %s", value, list);
}

static int parse_count(parser *p, const char *key, const char *value, long min, long *out)
{
    uint64_t v;
    if (textnum_uint(value, &v) != TEXTNUM_OK || v > 100000000 || (long)v < min)
        FAIL(p, key, "'%s' is not a whole number of at least %ld", value, min);
    *out = (long)v;
    return 0;
}

static int parse_real(parser *p, const char *key, const char *value, double *out)
{
    if (textnum_real(value, out) != TEXTNUM_OK)
        FAIL(p, key, "'%s' is not a number", value);
    return 0;
}

static int sweep_key(parser *p, const char *key, const char *value)
{
    sweep_file *f = p->f;
    int k = index_of(key, sweep_keys);
    if (k < 0) {
        const char *near = suggest_nearest_in(key, sweep_keys);
        if (near)
            FAIL(p, key, "unknown key; did you mean '%s'?", near);
        FAIL(p, key, "unknown key; [sweep] takes name, scenario, method, samples, levels, "
                     "replications, seeds, seed, record, until and timeout_s");
    }
    if (p->seen_keys[k])
        FAIL(p, key, "set twice (first at line %d); keep one", p->seen_keys[k]);
    p->seen_keys[k] = p->line;
    int choice = 0;
    switch (k) {
    case 0: return dup_text(p, &f->name, value);
    case 1:
        f->scenario_line = p->line;
        if (dup_text(p, &f->scenario, value) != 0)
            return -1;
        free(f->scenario_path);
        f->scenario_path = scenario_raw_join_path(f->path, value);
        if (!f->scenario_path)
            FAIL(p, key, "out of memory");
        return 0;
    case 2:
        f->method_line = p->line;
        if (parse_choice(p, key, value, method_names, &choice) != 0)
            return -1;
        f->method = (sweep_method)choice;
        return 0;
    case 3: f->samples_line = p->line; return parse_count(p, key, value, 1, &f->samples);
    case 4: return parse_count(p, key, value, 1, &f->replications);
    case 5:
        if (parse_choice(p, key, value, seeds_names, &choice) != 0)
            return -1;
        f->seeds = (sweep_seeds)choice;
        return 0;
    case 6:
        if (textnum_uint(value, &f->seed) != TEXTNUM_OK)
            FAIL(p, key, "'%s' is not a whole number", value);
        return 0;
    case 7:
        if (parse_choice(p, key, value, record_names, &choice) != 0)
            return -1;
        f->record = (sweep_record)choice;
        return 0;
    case 8: f->until_line = p->line; return dup_text(p, &f->until, value);
    case 9:
        if (parse_real(p, key, value, &f->timeout_s) != 0)
            return -1;
        if (!(f->timeout_s > 0))
            FAIL(p, key, "'%s': a timeout is a number of seconds above 0", value);
        return 0;
    case 10:
        f->levels_line = p->line;
        if (parse_count(p, key, value, 2, &f->levels) != 0)
            return -1;
        if (f->levels % 2 != 0)
            FAIL(p, key, "'%s': Morris's step p / (2 (p - 1)) moves between grid levels only "
                         "for an even number of levels; use 4 (the default), 6 or 8", value);
        if (f->levels > 1000)
            FAIL(p, key, "'%s': at most 1000 levels", value);
        return 0;
    }
    return 0;
}

/* "a, b, c" into trimmed items; an empty item is an error. */
static int parse_values(parser *p, sweep_param_def *q, char *value)
{
    if (q->values)
        FAIL(p, "values", "set twice; keep one");
    q->values_line = p->line;
    for (char *item = value;;) {
        char *comma = strchr(item, ',');
        if (comma)
            *comma = '\0';
        char *t = text_trim(item);
        if (!*t)
            FAIL(p, "values", "an empty item; write values = a, b, c");
        if (grow_resize((void **)&q->values, q->n_values + 1, sizeof *q->values) != CAPSIM_OK ||
            !(q->values[q->n_values] = strdup(t)))
            FAIL(p, "values", "out of memory");
        q->n_values++;
        if (!comma)
            return 0;
        item = comma + 1;
    }
}

/* "LO .. HI" */
static int parse_range(parser *p, sweep_param_def *q, char *value)
{
    char *dots = strstr(value, "..");
    if (!dots)
        FAIL(p, "range", "'%s': expected LO .. HI, e.g. range = 1.3 .. 2.5", value);
    *dots = '\0';
    char *lo = text_trim(value), *hi = text_trim(dots + 2);
    if (textnum_real(lo, &q->lo) != TEXTNUM_OK || textnum_real(hi, &q->hi) != TEXTNUM_OK)
        FAIL(p, "range", "'%s .. %s': both ends must be numbers, e.g. range = 1.3 .. 2.5", lo,
             hi);
    if (!(q->hi > q->lo))
        FAIL(p, "range", "'%s .. %s': the upper end must be above the lower end", lo, hi);
    q->has_range = 1;
    q->range_line = p->line;
    return 0;
}

static int param_key(parser *p, const char *key, char *value)
{
    sweep_param_def *q = &p->f->params[p->param];
    int k = index_of(key, param_keys);
    switch (k) {
    case 0: return parse_values(p, q, value);
    case 1: return parse_range(p, q, value);
    case 2:
        if (parse_real(p, key, value, &q->step) != 0)
            return -1;
        if (!(q->step > 0))
            FAIL(p, key, "'%s': a step must be above 0", value);
        q->step_line = p->line;
        return 0;
    case 3:
        if (!strcmp(value, "log"))
            q->log_scale = 1;
        else if (strcmp(value, "linear") != 0)
            FAIL(p, key, "unknown value '%s'; expected linear or log", value);
        return 0;
    case 4:
        if (parse_real(p, key, value, &q->round) != 0)
            return -1;
        if (!(q->round > 0))
            FAIL(p, key, "'%s': round to a multiple of a number above 0", value);
        return 0;
    case 5:
        q->link_line = p->line;
        return dup_text(p, &q->link, value);
    }
    const char *near = suggest_nearest_in(key, param_keys);
    if (near)
        FAIL(p, key, "unknown key; did you mean '%s'?", near);
    FAIL(p, key, "unknown key; [param] takes values, range, step, scale, round and link");
}

static int open_section(parser *p, char *text)
{
    size_t len = strlen(text);
    p->in_sweep = 0;
    p->param = -1;
    if (text[len - 1] != ']')
        FAIL(p, NULL, "this section header has no closing ']'");
    text[len - 1] = '\0';
    char *kind = text_trim(text + 1), *name = kind;
    while (*name && !isspace((unsigned char)*name))
        name++;
    if (*name)
        *name++ = '\0';
    name = text_trim(name);
    if (!strcmp(kind, "sweep")) {
        if (*name)
            FAIL(p, NULL, "[sweep] takes no name; write just [sweep]");
        if (p->seen_sweep)
            FAIL(p, NULL, "a second [sweep] section (the first is at line %d); keep one",
                 p->seen_sweep);
        p->seen_sweep = p->line;
        p->f->sweep_line = p->line;
        p->in_sweep = 1;
        return 0;
    }
    if (strcmp(kind, "param") != 0) {
        static const char *const kinds[] = {"sweep", "param", NULL};
        const char *near = suggest_nearest_in(kind, kinds);
        scenario_diag_where w = {p->f->path, p->line, kind, *name ? name : NULL, NULL};
        scenario_diag_error(&p->d, &w, "unknown section kind '%s'; %s", kind,
                            near ? (!strcmp(near, "sweep") ? "did you mean [sweep]?"
                                                           : "did you mean [param PATH]?")
                                 : "a sweep file has [sweep] and [param PATH] sections");
        return -1;
    }
    if (!*name)
        FAIL(p, NULL, "a [param] section needs a path; write [param kind.name.key]");
    sweep_file *f = p->f;
    for (size_t i = 0; i < f->n_params; i++)
        if (!strcmp(f->params[i].path, name))
            FAIL(p, NULL, "[param %s] twice (the first is at line %d); keep one", name,
                 f->params[i].line);
    if (grow_resize((void **)&f->params, f->n_params + 1, sizeof *f->params) != CAPSIM_OK)
        FAIL(p, NULL, "out of memory");
    sweep_param_def *q = &f->params[f->n_params];
    memset(q, 0, sizeof *q);
    q->line = p->line;
    if (!(q->path = strdup(name)))
        FAIL(p, NULL, "out of memory");
    p->param = (int)f->n_params++;
    return 0;
}

static void strip_comment(char *s)
{
    for (char *c = s; *c; c++) {
        if ((*c == ';' || *c == '#') && (c == s || isspace((unsigned char)c[-1]))) {
            *c = '\0';
            return;
        }
    }
}

static int parse_line(parser *p, char *raw)
{
    strip_comment(raw);
    char *text = text_trim(raw);
    if (!*text)
        return 0;
    if (*text == '[')
        return open_section(p, text);
    char *eq = strchr(text, '=');
    if (!eq)
        FAIL(p, NULL, "expected `key = value` or `[kind name]`");
    *eq = '\0';
    char *key = text_trim(text), *value = text_trim(eq + 1);
    if (!*key)
        FAIL(p, NULL, "a line with no key before '='");
    if (!p->in_sweep && p->param < 0)
        FAIL(p, key, "a key before any section; start with [sweep]");
    if (!*value)
        FAIL(p, key, "no value; write %s = VALUE", key);
    return p->in_sweep ? sweep_key(p, key, value) : param_key(p, key, value);
}

/* Checks that need the whole file: what every method requires. */
static int check_whole(parser *p)
{
    sweep_file *f = p->f;
    p->in_sweep = 0;
    p->param = -1;
    p->line = f->sweep_line;
    if (!p->seen_sweep) {
        p->line = 1;
        FAIL(p, NULL, "no [sweep] section; a sweep file starts with [sweep] and scenario = FILE");
    }
    p->in_sweep = 1;
    if (!f->scenario)
        FAIL(p, "scenario", "missing; name the scenario file, relative to this file");
    if (f->n_params == 0)
        FAIL(p, NULL, "no [param PATH] section: the sweep has nothing to vary");
    int sampled = sweep_method_sampled(f->method);
    if (sampled && f->samples == 0)
        FAIL(p, "samples", "missing; method = %s needs samples = N%s", sweep_method_name(f->method),
             f->method == SWEEP_SALTELLI ? " (N base points give N x (d + 2) runs)"
             : f->method == SWEEP_MORRIS ? " (N trajectories of d + 1 points each)" : "");
    if (sweep_method_sensitivity(f->method) && f->samples < 2) {
        p->line = f->samples_line;
        FAIL(p, "samples", "method = %s needs samples = 2 or more (the indices' intervals "
                           "resample them)", sweep_method_name(f->method));
    }
    if (f->levels && f->method != SWEEP_MORRIS) {
        p->line = f->levels_line;
        FAIL(p, "levels", "levels is the grid of method = morris; method = %s takes none",
             sweep_method_name(f->method));
    }
    if (f->method == SWEEP_MORRIS && f->levels == 0)
        f->levels = SWEEP_MORRIS_DEFAULT_LEVELS;
    size_t max_params = f->method == SWEEP_SALTELLI ? SWEEP_SALTELLI_MAX_PARAMS
                        : f->method == SWEEP_SOBOL  ? SWEEP_SOBOL_MAX_PARAMS : (size_t)-1;
    if (f->n_params > max_params) {
        p->in_sweep = 0;
        p->param = (int)max_params;
        p->line = f->params[max_params].line;
        FAIL(p, NULL, "method = %s takes at most %zu parameters (%s), and this is parameter "
                      "%zu; drop some, or link = those that move together",
             sweep_method_name(f->method), max_params,
             f->method == SWEEP_SALTELLI ? "its points come from a Sobol sequence of 2d "
                                           "dimensions, and gsl_qrng_sobol has 40"
                                         : "gsl_qrng_sobol has 40 dimensions",
             max_params + 1);
    }
    if (!sampled && f->samples) {
        p->line = f->samples_line;
        FAIL(p, "samples", "method = %s takes no samples (its points come from the values)",
             sweep_method_name(f->method));
    }
    p->in_sweep = 0;
    for (size_t i = 0; i < f->n_params; i++) {
        sweep_param_def *q = &f->params[i];
        p->param = (int)i;
        p->line = q->line;
        if (q->values && q->has_range) {
            p->line = q->range_line;
            FAIL(p, "range", "both values and range are set; keep one");
        }
        if (!q->values && !q->has_range)
            FAIL(p, NULL, "neither values nor range is set; write values = a, b, c or "
                          "range = LO .. HI");
        if (q->values && (q->step > 0 || q->log_scale)) {
            p->line = q->values_line;
            FAIL(p, "values", "step and scale apply to a range, not to a list of values");
        }
        if (q->has_range && !sampled && !(q->step > 0)) {
            p->line = q->range_line;
            FAIL(p, "range", "method = %s needs a step with a range (step = S), or a list "
                             "(values = a, b, c)", sweep_method_name(f->method));
        }
        if (q->has_range && sampled && q->step > 0) {
            p->line = q->step_line;
            FAIL(p, "step", "method = %s samples the range; a step applies to grid and list",
                 sweep_method_name(f->method));
        }
        if (q->values && sampled) {
            p->line = q->values_line;
            FAIL(p, "values", "method = %s samples a range = LO .. HI, not a list",
                 sweep_method_name(f->method));
        }
        if (q->log_scale && !(q->lo > 0)) {
            p->line = q->range_line;
            FAIL(p, "range", "scale = log needs a range above 0");
        }
        if (q->has_range && q->step > 0 && (q->hi - q->lo) / q->step > 1e6) {
            p->line = q->step_line;
            FAIL(p, "step", "the range holds more than a million steps; choose a larger step");
        }
        if (q->link) {
            for (size_t j = 0; j < f->n_params; j++)
                if (!strcmp(f->params[j].path, q->link) || !strcmp(q->link, q->path)) {
                    p->line = q->link_line;
                    FAIL(p, "link", "'%s' is a [param] of its own; a linked path takes this "
                                    "parameter's values and has no section", q->link);
                }
            for (size_t j = 0; j < i; j++)
                if (f->params[j].link && !strcmp(f->params[j].link, q->link)) {
                    p->line = q->link_line;
                    FAIL(p, "link", "'%s' is already linked at line %d", q->link,
                         f->params[j].link_line);
                }
        }
    }
    return 0;
}

static char *read_all(const char *path, char *why, size_t why_len)
{
    infile in;
    char reason[256];
    if (infile_open(&in, path, INFILE_MAX_INI_BYTES, reason, sizeof reason) != 0) {
        snprintf(why, why_len, "cannot read '%s': %s", path, reason);
        return NULL;
    }
    FILE *fp = in.fp;   /* a regular file or a pipe, within the INI limit */
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? 2 * cap : 8192;
            char *grown = cap > MAX_SWEEP_FILE_BYTES ? NULL : realloc(buf, cap);
            if (!grown) {
                snprintf(why, why_len, "'%s' is too large for a sweep file", path);
                free(buf);
                fclose(fp);
                return NULL;
            }
            buf = grown;
        }
        size_t got = fread(buf + n, 1, 4096, fp);
        n += got;
        if (got < 4096)
            break;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        snprintf(why, why_len, "cannot read '%s': %s", path, "read error (is it a directory?)");
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    if (strlen(buf) != n) {
        snprintf(why, why_len, "'%s' holds a NUL byte; a sweep file is text", path);
        free(buf);
        return NULL;
    }
    return buf;
}

sweep_file *sweep_file_read(const char *path, char *err, size_t err_len)
{
    char why[512];
    char *text = read_all(path, why, sizeof why);
    if (!text) {
        snprintf(err, err_len, "%s", why);
        return NULL;
    }
    sweep_file *f = sweep_file_parse(path, text, err, err_len);
    free(text);
    return f;
}

sweep_file *sweep_file_parse(const char *path, const char *text, char *err, size_t err_len)
{
    parser p = {.param = -1};
    scenario_diag_init(&p.d, err, err_len);
    sweep_file *f = calloc(1, sizeof *f);
    if (!f || !(f->path = strdup(path))) {
        snprintf(err, err_len, "out of memory");
        free(f);
        return NULL;
    }
    f->replications = 1;
    f->seed = 1;
    f->record = SWEEP_RECORD_SUMMARY;
    p.f = f;
    if (!(f->text = strdup(text))) {
        snprintf(err, err_len, "out of memory");
        sweep_file_destroy(f);
        return NULL;
    }
    char *copy = strdup(f->text);
    int rc = copy ? 0 : -1;
    /* strtok_r would skip empty lines and lose the count: split by hand */
    for (char *line = copy; rc == 0 && line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        p.line++;
        rc = parse_line(&p, line);
        line = nl ? nl + 1 : NULL;
    }
    free(copy);
    if (rc == 0)
        rc = check_whole(&p);
    if (rc != 0) {
        if (!p.d.failed)
            snprintf(err, err_len, "out of memory");
        sweep_file_destroy(f);
        return NULL;
    }
    return f;
}

void sweep_file_destroy(sweep_file *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_params; i++) {
        sweep_param_def *q = &f->params[i];
        for (size_t k = 0; k < q->n_values; k++)
            free(q->values[k]);
        free(q->values);
        free(q->path);
        free(q->link);
    }
    free(f->params);
    free(f->path);
    free(f->text);
    free(f->name);
    free(f->scenario);
    free(f->scenario_path);
    free(f->until);
    free(f);
}
