/*
 * search_run: the goal search's driver (search_execute, see search.h).
 *
 * It drives the sweep machinery (sweep_run_internal.h) with a plan that
 * grows by one point per probe: the plan's paths are the searched
 * parameter and then every --set path (constant at every point), and the
 * sweep file is synthesized (scenario, until, record; its text the command
 * line). Probe k is sweep point k; its replication r is run index
 * k x replications + r, with run id run_id_base + that + 1 and seed
 * sweep_plan_seed(common seeds, r): the same seed for replication r of
 * every probe (common random numbers), so two probes differ only by the
 * parameter and bisection compares like with like.
 *
 * Each probe: add the point to the plan and to sweep_param
 * (store_search_add_point), run its replications on the worker pool (-j at
 * a time; sweep__run_todo), read the metric of each from run_metric, judge
 * the interval (search_interval, search_holds) and record the verdict in
 * search_probe. A failed or interrupted run ends the search (exit 1); an
 * unknown metric ends it after the first probe (exit 2), with the closest
 * names of the metrics that probe's run has.
 */
#include "search.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sweep_run_internal.h"
#include "../run/run.h"
#include "../store/store_search.h"
#include "../store/store_sweep.h"
#include "../util/suggest.h"

#define CLOSE_NAMES 6

typedef struct search_state {
    const search_options *o;
    sweep_file file;
    sweep_plan plan;
    sweep_run_options pool;
    sweep_state s;
    char **set_paths, **set_values;   /* the --set assignments split */
    search_probe *probes;             /* in probe order */
    size_t n_probes;
    double *samples;                  /* one probe's metric values */
    size_t runs;                      /* runs made */
    int exit_code;                    /* when a probe aborts: SEARCH_EXIT_* */
    const char *abort_outcome;
} search_state;

void search_request_stop(void)
{
    sweep_run_request_stop();
}

/* ---- setting up ---- */

/* Splits every --set "path=value" into st->set_paths and set_values. */
static int split_sets(search_state *st)
{
    const search_options *o = st->o;
    st->set_paths = calloc(o->n_set + 1, sizeof *st->set_paths);
    st->set_values = calloc(o->n_set + 1, sizeof *st->set_values);
    if (!st->set_paths || !st->set_values)
        return -1;
    for (size_t i = 0; i < o->n_set; i++) {
        const char *eq = strchr(o->set[i], '=');
        size_t len = eq ? (size_t)(eq - o->set[i]) : strlen(o->set[i]);
        st->set_paths[i] = strndup(o->set[i], len);
        st->set_values[i] = strdup(eq ? eq + 1 : "");
        if (!st->set_paths[i] || !st->set_values[i])
            return -1;
    }
    return 0;
}

/* Loads the scenario with the --set values and the parameter at v; checks
 * --until. Returns the scenario (the caller destroys it) or NULL with the
 * reason printed. */
static scenario *load_at(const search_state *st, double v)
{
    const search_options *o = st->o;
    char text[64], err[4096];
    search_format_value(v, text, sizeof text);
    size_t n = o->n_set + 1;
    scenario_override *items = calloc(n, sizeof *items);
    char *param = NULL;
    size_t len = strlen(o->path) + strlen(text) + 2;
    if (!items || !(param = malloc(len))) {
        free(items);
        fprintf(stderr, "capsim search: out of memory\n");
        return NULL;
    }
    for (size_t i = 0; i < o->n_set; i++)
        items[i].assignment = o->set[i];
    snprintf(param, len, "%s=%s", o->path, text);
    items[o->n_set].assignment = param;
    scenario *sc = scenario_load(o->scenario_path, items, n, err, sizeof err);
    int64_t stop;
    if (!sc) {
        fprintf(stderr, "%s\n", err);
        if (strstr(err, o->path))
            fprintf(stderr, "capsim search: --param %s at %s (--range): the scenario refuses "
                            "that value; choose a --range (and --step) it accepts\n",
                    o->path, text);
    } else if (run_stop_from_until(sc->spec, o->until, &stop, err, sizeof err) != 0) {
        fprintf(stderr, "capsim search: %s\n", err);
        scenario_destroy(sc);
        sc = NULL;
    }
    free(param);
    free(items);
    return sc;
}

/* The output: refused when it exists and is not empty; else the sweep row
 * (method 'search', no point yet) and the search row. */
static int open_output(search_state *st)
{
    const search_options *o = st->o;
    struct stat sb;
    if (stat(o->out_path, &sb) == 0 && (S_ISDIR(sb.st_mode) || sb.st_size > 0)) {
        fprintf(stderr, "capsim search: %s already exists; choose another -o (a search "
                        "database holds one search)\n", o->out_path);
        return SEARCH_EXIT_BAD_INPUT;
    }
    char err[2048];
    store_status status;
    st->s.st = store_open(o->out_path, 0, &status, err, sizeof err);
    if (!st->s.st) {
        fprintf(stderr, "capsim search: %s\n", err);
        return capsim_status_in_input(status) ? SEARCH_EXIT_BAD_INPUT : SEARCH_EXIT_NO_ANSWER;
    }
    store_sweep_info info = {
        .name = "search", .file_path = NULL, .file_text = st->file.text,
        .scenario_path = o->scenario_path, .method = "search", .samples = 0,
        .replications = o->replications, .seeds = sweep_seeds_name(SWEEP_SEEDS_COMMON),
        .seed = o->seed, .record = sweep_record_name(st->file.record), .until = o->until,
        .points = 0, .runs = 0};
    const char *paths[1] = {o->path};
    store_search_info search = {
        .path = o->path, .target = o->target_text, .metric = o->target.metric,
        .op = search_op_name(o->target.op), .threshold = o->target.threshold,
        .lo = o->grid.lo, .hi = o->grid.hi, .step = o->grid.step, .largest = o->largest,
        .replications = o->replications, .confidence = o->confidence};
    if (store_sweep_create(st->s.st, &info, paths, 1, NULL, &st->s.run_id_base) != 0 ||
        store_search_begin(st->s.st, &search) != 0) {
        fprintf(stderr, "capsim search: %s: %s\n", o->out_path, store_errmsg(st->s.st));
        return SEARCH_EXIT_NO_ANSWER;
    }
    return SEARCH_EXIT_FOUND;
}

static int prepare(search_state *st)
{
    const search_options *o = st->o;
    st->file = (sweep_file){
        .path = (char *)o->scenario_path, .text = (char *)o->command_line, .name = "search",
        .scenario_path = (char *)o->scenario_path, .method = SWEEP_LIST,
        .replications = o->replications, .seeds = SWEEP_SEEDS_COMMON, .seed = o->seed,
        .record = (sweep_record)o->record, .until = (char *)o->until};
    st->plan = (sweep_plan){.n_paths = 1 + o->n_set, .replications = o->replications,
                            .seeds = SWEEP_SEEDS_COMMON, .seed = o->seed};
    st->pool = (sweep_run_options){.out_path = o->out_path, .jobs = o->jobs, .shard = 1,
                                   .n_shards = 1, .quiet = 1};
    st->plan.paths = calloc(st->plan.n_paths, sizeof *st->plan.paths);
    st->samples = calloc((size_t)o->replications, sizeof *st->samples);
    st->s.todo = calloc((size_t)o->replications, sizeof *st->s.todo);
    st->s.workers = calloc((size_t)o->jobs, sizeof *st->s.workers);
    if (!st->plan.paths || !st->samples || !st->s.todo || !st->s.workers ||
        split_sets(st) != 0) {
        fprintf(stderr, "capsim search: out of memory\n");
        return SEARCH_EXIT_NO_ANSWER;
    }
    st->plan.paths[0] = (char *)o->path;
    for (size_t i = 0; i < o->n_set; i++)
        st->plan.paths[i + 1] = st->set_paths[i];
    st->s.f = &st->file;
    st->s.p = &st->plan;
    st->s.o = &st->pool;
    return SEARCH_EXIT_FOUND;
}

/* ---- one probe ---- */

/* Appends point `point` (the parameter at text) to the plan. */
static int plan_add_point(search_state *st, const char *text)
{
    sweep_plan *p = &st->plan;
    char **grown = realloc(p->values, (p->n_points + 1) * p->n_paths * sizeof *grown);
    if (!grown)
        return -1;
    p->values = grown;
    char **row = p->values + p->n_points * p->n_paths;
    for (size_t k = 0; k < p->n_paths; k++)
        row[k] = NULL;
    row[0] = strdup(text);
    for (size_t k = 1; k < p->n_paths; k++)
        row[k] = strdup(st->set_values[k - 1]);
    p->n_points++;
    for (size_t k = 0; k < p->n_paths; k++)
        if (!row[k])
            return -1;
    return 0;
}

/* Names the nearest of names[] to `metric` (when it is a plausible typo:
 * at most a third of its length in edits) and lists the CLOSE_NAMES
 * nearest by edit distance (suggest.h). */
static void print_close_names(const char *metric, char **names)
{
    size_t n = 0;
    while (names[n])
        n++;
    if (n == 0) {
        fprintf(stderr, "capsim search: the run has no metrics at all\n");
        return;
    }
    size_t *order = malloc(n * sizeof *order), *dist = malloc(n * sizeof *dist);
    if (!order || !dist) {
        free(order);
        free(dist);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        order[i] = i;
        dist[i] = suggest_distance(metric, names[i]);
    }
    /* a partial selection sort, ties in name order: n is a few hundred names */
    size_t shown = n < CLOSE_NAMES ? n : CLOSE_NAMES;
    for (size_t i = 0; i < shown; i++)
        for (size_t j = i + 1; j < n; j++)
            if (dist[order[j]] < dist[order[i]] ||
                (dist[order[j]] == dist[order[i]] && order[j] < order[i])) {
                size_t t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
    if (dist[order[0]] <= strlen(metric) / 3 + 1)
        fprintf(stderr, "capsim search: did you mean '%s'?\n", names[order[0]]);
    fprintf(stderr, "capsim search: the closest of its %zu metrics:", n);
    for (size_t i = 0; i < shown; i++)
        fprintf(stderr, "%s %s", i ? "," : "", names[order[i]]);
    fprintf(stderr, "\n");
    free(order);
    free(dist);
}

/* The metric of every replication of point `point` into st->samples.
 * Returns 0, or -1 with st->exit_code set. */
static int read_metric(search_state *st, long point)
{
    const search_options *o = st->o;
    for (long r = 0; r < o->replications; r++) {
        int64_t id = st->s.run_id_base + point * o->replications + r + 1;
        int found = store_search_metric(st->s.st, id, o->target.metric, &st->samples[r]);
        if (found < 0) {
            fprintf(stderr, "capsim search: %s\n", store_errmsg(st->s.st));
            st->exit_code = SEARCH_EXIT_NO_ANSWER;
            return -1;
        }
        if (found)
            continue;
        fprintf(stderr, "capsim search: --target: run %lld has no metric '%s'; the metric must "
                        "be one of the run_metric names (analysis/README.md)\n",
                (long long)id, o->target.metric);
        char **names = NULL;
        if (store_search_metric_names(st->s.st, id, &names) == STORE_OK)
            print_close_names(o->target.metric, names);
        store_search_free_names(names);
        st->exit_code = SEARCH_EXIT_BAD_INPUT;
        st->abort_outcome = "failed";
        return -1;
    }
    return 0;
}

/* Runs the replications of the new point. Returns 0, or -1 with
 * st->exit_code set. */
static int run_point(search_state *st, long point)
{
    sweep_state *s = &st->s;
    long reps = st->o->replications;
    for (long r = 0; r < reps; r++)
        s->todo[r] = (size_t)(point * reps + r);
    s->n_todo = (size_t)reps;
    s->next = 0;
    s->done = s->failed = s->interrupted = 0;
    sweep__run_todo(s);
    st->runs += s->done + s->failed + s->interrupted;
    if (s->db_error || s->failed || s->interrupted || s->done < (size_t)reps) {
        for (size_t i = 0; i < s->n_failures; i++)
            fprintf(stderr, "capsim search: failed: %s\n", s->failures[i]);
        if (s->interrupted || sweep__stop_requested()) {
            fprintf(stderr, "capsim search: interrupted; the probes so far are in %s\n",
                    st->o->out_path);
            st->abort_outcome = "interrupted";
        } else {
            fprintf(stderr, "capsim search: a run of probe %ld failed; the search stops (the "
                            "runs so far are in %s)\n", point, st->o->out_path);
            st->abort_outcome = "failed";
        }
        st->exit_code = SEARCH_EXIT_NO_ANSWER;
        return -1;
    }
    return 0;
}

static void print_interval(FILE *out, double mean, double low, double high, long n,
                           double confidence)
{
    if (n > 1)
        fprintf(out, "%.10g (%g%% interval %.10g .. %.10g, %ld replications)", mean,
                confidence * 100, low, high, n);
    else
        fprintf(out, "%.10g", mean);
}

/* search_verdict_fn: one probe at grid index i. */
static int probe(void *ctx, size_t index)
{
    search_state *st = ctx;
    const search_options *o = st->o;
    long point = (long)st->n_probes;
    char text[64];
    double value = search_grid_value(&o->grid, index);
    search_format_value(value, text, sizeof text);
    const char *const *paths = (const char *const *)st->plan.paths;
    if (plan_add_point(st, text) != 0) {
        fprintf(stderr, "capsim search: out of memory\n");
        st->exit_code = SEARCH_EXIT_NO_ANSWER;
        return -1;
    }
    if (store_search_add_point(st->s.st, point, paths,
                               (const char *const *)st->plan.values + point * (long)st->plan.n_paths,
                               st->plan.n_paths, o->replications) != 0) {
        fprintf(stderr, "capsim search: %s\n", store_errmsg(st->s.st));
        st->exit_code = SEARCH_EXIT_NO_ANSWER;
        return -1;
    }
    if (run_point(st, point) != 0 || read_metric(st, point) != 0)
        return -1;
    search_probe *pr = &st->probes[st->n_probes++];
    pr->index = index;
    pr->value = value;
    pr->n = o->replications;
    search_interval(st->samples, (size_t)o->replications, o->confidence, &pr->mean, &pr->low,
                    &pr->high);
    pr->holds = search_holds(&o->target, pr->low, pr->high);
    store_search_probe row = {.point = point, .grid_index = index, .value = text,
                              .mean = pr->mean, .low = pr->low, .high = pr->high,
                              .runs = pr->n, .holds = pr->holds};
    if (store_search_record_probe(st->s.st, &row) != 0) {
        fprintf(stderr, "capsim search: %s\n", store_errmsg(st->s.st));
        st->exit_code = SEARCH_EXIT_NO_ANSWER;
        return -1;
    }
    if (!o->quiet) {
        fprintf(stderr, "search: probe %ld: %s = %s: %s ", point, o->path, text,
                o->target.metric);
        print_interval(stderr, pr->mean, pr->low, pr->high, pr->n, o->confidence);
        fprintf(stderr, ": %s\n", pr->holds ? "holds" : "fails");
    }
    return pr->holds;
}

/* ---- the result ---- */

static const search_probe *probe_at(const search_state *st, size_t index)
{
    for (size_t i = 0; i < st->n_probes; i++)
        if (st->probes[i].index == index)
            return &st->probes[i];
    return NULL;
}

/* The probe at the end of the range that ended a search without answer:
 * the far end when the target fails there, else the near end. */
static const search_probe *end_probe(const search_state *st, search_outcome r)
{
    int far = r == SEARCH_FAILS_AT_FAR_END;
    int at_hi = far == !st->o->largest;
    return probe_at(st, at_hi ? st->o->grid.n - 1 : 0);
}

static const char *outcome_name(search_outcome r, int largest)
{
    switch (r) {
    case SEARCH_FOUND: return "found";
    case SEARCH_HOLDS_AT_NEAR_END: return largest ? "holds_at_hi" : "holds_at_lo";
    case SEARCH_FAILS_AT_FAR_END: return largest ? "fails_at_lo" : "fails_at_hi";
    case SEARCH_ABORTED: break;
    }
    return "failed";
}

static void json_probe(FILE *out, const char *key, const search_probe *p)
{
    if (!p) {
        fprintf(out, ", \"%s\": null, \"interval_%s\": null", key, key + 6);
        return;
    }
    fprintf(out, ", \"%s\": %.17g", key, p->mean);
    if (p->n > 1)
        fprintf(out, ", \"interval_%s\": [%.17g, %.17g]", key + 6, p->low, p->high);
    else
        fprintf(out, ", \"interval_%s\": null", key + 6);
}

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(out, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(out, "\\u%04x", (unsigned char)*s);
        else
            fputc(*s, out);
    }
    fputc('"', out);
}

static void print_json(const search_state *st, search_outcome r, const search_probe *at,
                       const search_probe *beside, const size_t *bad, size_t n_bad)
{
    const search_options *o = st->o;
    char text[64];
    printf("{\"param\": ");
    json_string(stdout, o->path);
    printf(", \"metric\": ");
    json_string(stdout, o->target.metric);
    printf(", \"target\": ");
    json_string(stdout, o->target_text);
    printf(", \"direction\": \"%s\", \"outcome\": \"%s\"", o->largest ? "largest" : "smallest",
           outcome_name(r, o->largest));
    if (r == SEARCH_FOUND) {
        search_format_value(at->value, text, sizeof text);
        printf(", \"answer\": %s", text);
        search_format_value(beside->value, text, sizeof text);
        printf(", \"neighbour\": %s", text);
    } else {
        printf(", \"answer\": null, \"neighbour\": null");
    }
    printf(", \"neighbour_side\": \"%s\"", o->largest ? "above" : "below");
    json_probe(stdout, "value_at_answer", r == SEARCH_FOUND ? at : NULL);
    json_probe(stdout, "value_below_answer", r == SEARCH_FOUND ? beside : NULL);
    /* no answer: the metric at the end that decided (HI or LO) */
    json_probe(stdout, "value_at_end", r == SEARCH_FOUND ? NULL : end_probe(st, r));
    printf(", \"replications\": %ld, \"confidence\": %g, \"probes\": %zu, \"runs\": %zu",
           o->replications, o->confidence, st->n_probes, st->runs);
    printf(", \"non_monotone\": [");
    for (size_t i = 0; i < n_bad; i++) {
        search_format_value(search_grid_value(&o->grid, bad[i]), text, sizeof text);
        printf("%s%s", i ? ", " : "", text);
    }
    printf("], \"output\": ");
    json_string(stdout, o->out_path);
    printf("}\n");
}

static void print_text(const search_state *st, search_outcome r, const search_probe *at,
                       const search_probe *beside)
{
    const search_options *o = st->o;
    char lo[64], hi[64], step[64], text[64];
    search_format_value(o->grid.lo, lo, sizeof lo);
    search_format_value(search_grid_value(&o->grid, o->grid.n - 1), hi, sizeof hi);
    search_format_value(o->grid.step, step, sizeof step);
    printf("Search for the %s %s in %s..%s (step %s) with %s\n", o->largest ? "largest"
           : "smallest", o->path, lo, hi, step, o->target_text);
    if (r == SEARCH_FOUND) {
        search_format_value(at->value, text, sizeof text);
        printf("answer: %s = %s\n", o->path, text);
        printf("  %s at %s: ", o->target.metric, text);
        print_interval(stdout, at->mean, at->low, at->high, at->n, o->confidence);
        printf(": holds\n");
        search_format_value(beside->value, text, sizeof text);
        printf("  %s at %s (the grid point %s): ", o->target.metric, text,
               o->largest ? "above" : "below");
        print_interval(stdout, beside->mean, beside->low, beside->high, beside->n,
                       o->confidence);
        printf(": fails\n");
    } else {
        int near = r == SEARCH_HOLDS_AT_NEAR_END;
        const char *end = near == !o->largest ? lo : hi;
        const search_probe *p = end_probe(st, r);
        printf("no answer in the range: the target %s at %s = %s (", near ? "already holds"
               : "does not hold even", o->path, end);
        if (p)
            print_interval(stdout, p->mean, p->low, p->high, p->n, o->confidence);
        printf("); %s\n", near ? (o->largest ? "the answer is HI or above: raise HI"
                                             : "the answer is LO or below: lower LO")
                               : (o->largest ? "lower LO" : "raise HI"));
    }
    printf("%zu probes, %zu runs; written to %s\n", st->n_probes, st->runs, o->out_path);
}

/* Warns when the metric is not monotone over the probes; fills bad. */
static size_t warn_non_monotone(const search_state *st, size_t *bad)
{
    const search_options *o = st->o;
    size_t n = search_non_monotone(st->probes, st->n_probes, &o->target, o->largest, bad);
    if (n == 0)
        return 0;
    fprintf(stderr, "capsim search: warning: %s is not monotone over the probes (it should %s "
                    "as %s grows); bisection assumes it is, so the answer may not be the %s. "
                    "Probes out of order:", o->target.metric,
            (o->target.op == SEARCH_LE || o->target.op == SEARCH_LT) == !o->largest ? "fall"
                                                                                  : "rise",
            o->path, o->largest ? "largest" : "smallest");
    for (size_t i = 0; i < n; i++) {
        const search_probe *p = probe_at(st, bad[i]);
        char text[64];
        search_format_value(p->value, text, sizeof text);
        fprintf(stderr, "%s %s = %s: %.10g", i ? "," : "", o->path, text, p->mean);
    }
    fprintf(stderr, "\n");
    return n;
}

static void release(search_state *st)
{
    for (size_t i = 0; i < st->plan.n_points * st->plan.n_paths; i++)
        free(st->plan.values[i]);
    free(st->plan.values);
    free(st->plan.paths);
    for (size_t i = 0; st->set_paths && i < st->o->n_set; i++) {
        free(st->set_paths[i]);
        free(st->set_values[i]);
    }
    free(st->set_paths);
    free(st->set_values);
    free(st->probes);
    free(st->samples);
    sweep__release(&st->s);
}

int search_execute(const search_options *o)
{
    search_state st = {.o = o};
    /* both ends first: a bad path or value is reported before anything is written */
    scenario *base = load_at(&st, o->grid.lo);
    scenario *high = base ? load_at(&st, search_grid_value(&o->grid, o->grid.n - 1)) : NULL;
    scenario_destroy(high);
    if (!base || !high) {
        scenario_destroy(base);
        return SEARCH_EXIT_BAD_INPUT;
    }
    int code = prepare(&st);
    st.s.base = base;
    /* 2 + ceil(log2(n - 1)) probes at most; 70 covers any grid */
    st.probes = calloc(70, sizeof *st.probes);
    if (code == SEARCH_EXIT_FOUND && !st.probes)
        code = SEARCH_EXIT_NO_ANSWER;
    if (code == SEARCH_EXIT_FOUND)
        code = open_output(&st);
    if (code == SEARCH_EXIT_FOUND && sweep__make_tmpdir(&st.s) != 0)
        code = SEARCH_EXIT_NO_ANSWER;
    if (code != SEARCH_EXIT_FOUND) {
        release(&st);
        scenario_destroy(base);
        return code;
    }
    st.s.started = sweep__now();
    st.s.last_progress = st.s.started;
    size_t answer = 0, neighbour = 0;
    search_outcome r = search_bisect(o->grid.n, o->largest, probe, &st, &answer, &neighbour);
    size_t bad[140];
    size_t n_bad = r == SEARCH_ABORTED ? 0 : warn_non_monotone(&st, bad);
    const search_probe *at = r == SEARCH_FOUND ? probe_at(&st, answer) : NULL;
    const search_probe *beside = r == SEARCH_FOUND ? probe_at(&st, neighbour) : NULL;
    char text[64] = "";
    if (at)
        search_format_value(at->value, text, sizeof text);
    const char *outcome = r == SEARCH_ABORTED ? st.abort_outcome : outcome_name(r, o->largest);
    long answer_point = -1, neighbour_point = -1;
    for (size_t i = 0; i < st.n_probes; i++) {
        if (at == &st.probes[i])
            answer_point = (long)i;
        if (beside == &st.probes[i])
            neighbour_point = (long)i;
    }
    if (store_search_finish(st.s.st, outcome ? outcome : "failed", at ? text : NULL,
                            answer_point, neighbour_point) != 0) {
        fprintf(stderr, "capsim search: %s\n", store_errmsg(st.s.st));
        if (r != SEARCH_ABORTED)
            st.exit_code = SEARCH_EXIT_NO_ANSWER;
        r = SEARCH_ABORTED;
    }
    if (r != SEARCH_ABORTED) {
        if (o->json)
            print_json(&st, r, at, beside, bad, n_bad);
        else
            print_text(&st, r, at, beside);
    }
    code = r == SEARCH_FOUND ? SEARCH_EXIT_FOUND
           : r == SEARCH_ABORTED ? st.exit_code : SEARCH_EXIT_NO_ANSWER;
    release(&st);
    scenario_destroy(base);
    return code;
}
