/*
 * capsim search: parses the options, checks the scenario at the low end
 * of the range (printing its warnings), then hands the search to the
 * driver (sim/sweep/search.h), which checks the high end, runs the probes
 * into a sweep database of method 'search' and prints the answer. Nothing
 * is written until the options and both ends of the range have been
 * checked. SIGINT and SIGTERM stop the search after the runs in progress.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "../sweep/search.h"
#include "../sweep/sweep_file.h"
#include "../util/strbuf.h"
#include "../util/stopsig.h"
#include "../util/textnum.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: capsim search SCENARIO.ini --param PATH --range LO..HI [--step S]\n"
            "                     --target 'METRIC <= X' [options]\n\n"
            "Finds the smallest value of PATH on the grid LO, LO+S, ... (<= HI) for which the\n"
            "target on a run metric holds, by bisection (the metric must be monotone in PATH);\n"
            "--largest finds the largest. With --reps N > 1 the target is judged on the\n"
            "confidence interval of the metric's mean: its upper end for <= and <, its lower\n"
            "end for >= and >. Replication r of every probe uses the same seed. Every probe's\n"
            "runs are stored in the output, a sweep database of method 'search'.\n\n"
            "  -p, --param PATH       the parameter, kind.name.key as --set takes it\n"
            "      --range LO..HI     the range searched\n"
            "      --step S           grid step (required, except for a gpus key: default 8,\n"
            "                         and it must be a multiple of 8)\n"
            "      --target 'M OP X'  METRIC <= X, < X, >= X or > X; METRIC a run_metric name,\n"
            "                         e.g. 'shortfall_h100_hours.openai-chatgpt <= 1000'\n"
            "      --largest          the largest value that meets the target\n"
            "  -n, --reps N           replications per probe (default 1)\n"
            "      --confidence C     confidence of the interval, 0 < C < 1 (default 0.95)\n"
            "      --seed N           seed of the replications' seeds (default 1)\n"
            "  -j, --jobs N           runs at a time (default: the number of cores)\n"
            "  -o, --out FILE         search database (default search.db); must not exist\n"
            "  -s, --set PATH=VALUE   override a scenario value in every run\n"
            "      --until YYYY-MM-DD stop every run after this date (inclusive)\n"
            "      --record R         what each run keeps: summary (default), daily or ticks\n"
            "  -f, --format F         text (default) or json: one JSON object on stdout\n"
            "  -q, --quiet            no progress on stderr\n"
            "  -h, --help             this help\n\n"
            "Exit codes: 0 answer found, 1 no answer in the range (the target holds at LO or\n"
            "fails at HI) or a runtime failure, 2 bad input.\n");
}

typedef struct search_cli {
    search_options o;
    const char *range;
    const char *step;
    const char *target;
    cli_overrides sets;
    const char **set_list;
} search_cli;

static int bad(const char *fmt, const char *arg)
{
    fprintf(stderr, "capsim search: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    return CLI_BAD_INPUT;
}

static int parse_options(int argc, char **argv, search_cli *c)
{
    enum { OPT_STEP = 256, OPT_LARGEST, OPT_CONFIDENCE, OPT_SEED, OPT_UNTIL, OPT_RECORD,
           OPT_RANGE, OPT_TARGET };
    static const struct option options[] = {
        {"param", required_argument, 0, 'p'},  {"range", required_argument, 0, OPT_RANGE},
        {"step", required_argument, 0, OPT_STEP}, {"target", required_argument, 0, OPT_TARGET},
        {"largest", no_argument, 0, OPT_LARGEST}, {"reps", required_argument, 0, 'n'},
        {"confidence", required_argument, 0, OPT_CONFIDENCE},
        {"seed", required_argument, 0, OPT_SEED}, {"jobs", required_argument, 0, 'j'},
        {"out", required_argument, 0, 'o'},    {"set", required_argument, 0, 's'},
        {"until", required_argument, 0, OPT_UNTIL}, {"record", required_argument, 0, OPT_RECORD},
        {"format", required_argument, 0, 'f'}, {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
    int ch;
    uint64_t n;
    sweep_record record;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "p:n:j:o:s:f:qh", options, NULL)) != -1) {
        switch (ch) {
        case 'p': c->o.path = optarg; break;
        case OPT_RANGE: c->range = optarg; break;
        case OPT_STEP: c->step = optarg; break;
        case OPT_TARGET: c->target = optarg; break;
        case OPT_LARGEST: c->o.largest = 1; break;
        case 'n':
            if (textnum_uint(optarg, &n) != TEXTNUM_OK || n < 1 || n > 100000)
                return bad("--reps %s: expected a number of replications, 1 to 100000", optarg);
            c->o.replications = (long)n;
            break;
        case OPT_CONFIDENCE:
            if (textnum_real(optarg, &c->o.confidence) != TEXTNUM_OK ||
                !(c->o.confidence > 0 && c->o.confidence < 1))
                return bad("--confidence %s: expected a fraction between 0 and 1, e.g. 0.95",
                           optarg);
            break;
        case OPT_SEED:
            if (textnum_uint(optarg, &c->o.seed) != TEXTNUM_OK)
                return bad("--seed %s: expected a whole number", optarg);
            break;
        case 'j':
            if (textnum_uint(optarg, &n) != TEXTNUM_OK || n < 1 || n > 4096)
                return bad("-j %s: expected a number of workers, 1 to 4096", optarg);
            c->o.jobs = (int)n;
            break;
        case 'o': c->o.out_path = optarg; break;
        case 's':
            if (cli_overrides_add(&c->sets, optarg) != 0)
                return CLI_RUNTIME_FAILURE;
            break;
        case OPT_UNTIL: c->o.until = optarg; break;
        case OPT_RECORD:
            if (sweep_record_parse(optarg, &record) != 0)
                return bad("--record %s: expected summary, daily or ticks", optarg);
            c->o.record = (int)record;
            break;
        case 'f':
            if (strcmp(optarg, "text") && strcmp(optarg, "json"))
                return bad("--format %s: expected text or json", optarg);
            c->o.json = !strcmp(optarg, "json");
            break;
        case 'q': c->o.quiet = 1; break;
        case 'h': usage(stdout); return CLI_OK;
        default: return cli_bad_option("search", argv, options);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("search", "expected exactly one scenario file");
    c->o.scenario_path = argv[optind];
    return -1;
}

/* 1 when the path's key is `gpus` (a GPU count: whole 8-GPU nodes). */
static int is_gpu_count(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot && !strcmp(dot + 1, "gpus");
}

/* Checks the parsed options and fills the grid and the target. */
static int check_options(search_cli *c)
{
    search_options *o = &c->o;
    char err[1024];
    if (!o->path)
        return bad("%s", "--param PATH is required, e.g. --param contract.cw-openai-1.gpus");
    if (!c->range)
        return bad("%s", "--range LO..HI is required, e.g. --range 8000..40000");
    if (!c->target)
        return bad("%s", "--target is required, e.g. --target "
                         "'shortfall_h100_hours.openai-chatgpt <= 1000'");
    for (size_t i = 0; i < c->sets.n; i++) {
        const char *a = c->sets.items[i].assignment;
        size_t len = strlen(o->path);
        if (!strncmp(a, o->path, len) && a[len] == '=')
            return bad("--set %s: that is the searched --param; drop the --set", a);
        if (!strncmp(a, "scenario.seed=", 14))
            return bad("--set %s: every replication gets its own seed from --seed (the same "
                       "at every probe); use --seed N", a);
    }
    double lo, hi, step = 0;
    if (search_range_parse(c->range, &lo, &hi, err, sizeof err) != 0)
        return bad("%s", err);
    if (c->step && textnum_real(c->step, &step) != TEXTNUM_OK)
        return bad("--step %s: expected a positive number", c->step);
    if (!c->step && is_gpu_count(o->path))
        step = 8;
    if (!c->step && !is_gpu_count(o->path))
        return bad("--step is required for %s (only a gpus key has a default, 8)", o->path);
    if (is_gpu_count(o->path) && (fmod(step, 8) != 0 || fmod(lo, 8) != 0))
        return bad("%s: GPU counts are whole 8-GPU nodes: LO and --step must be multiples of "
                   "8, e.g. --range 8000..40000 --step 64", o->path);
    if (search_grid_make(lo, hi, step, &o->grid, err, sizeof err) != 0)
        return bad("%s", err);
    if (search_target_parse(c->target, &o->target, err, sizeof err) != 0)
        return bad("%s", err);
    o->target_text = c->target;
    return -1;
}

/* The text built (malloc'd), or NULL when an allocation failed. */
static char *detach(strbuf *b)
{
    const char *text = strbuf_str(b);
    char *copy = !b->error && text ? strdup(text) : NULL;
    strbuf_free(b);
    return copy;
}

/* The command line, for the sweep row's file_text (malloc'd or NULL). */
static char *command_line(int argc, char **argv)
{
    strbuf b = {0};
    strbuf_add(&b, "capsim search");
    for (int i = 1; i < argc; i++) {
        int plain = argv[i][0] != '\0' && strcspn(argv[i], " \t'\"<>|&;$*?()\\") == strlen(argv[i]);
        if (plain) {
            strbuf_addf(&b, " %s", argv[i]);
            continue;
        }
        strbuf_add(&b, " '");
        for (const char *s = argv[i]; *s; s++)
            if (*s == '\'')
                strbuf_add(&b, "'\\''");
            else
                strbuf_addf(&b, "%c", *s);
        strbuf_add(&b, "'");
    }
    return detach(&b);
}

static void on_signal(int sig)
{
    (void)sig;
    search_request_stop();
}

/* Loads the scenario at LO once to print its warnings (and its errors,
 * before anything is written). */
static int check_scenario(const search_cli *c)
{
    char text[64], err[4096];
    search_format_value(c->o.grid.lo, text, sizeof text);
    strbuf b = {0};
    strbuf_addf(&b, "%s=%s", c->o.path, text);
    char *param = detach(&b);
    scenario_override *items = calloc(c->sets.n + 1, sizeof *items);
    if (!param || !items) {
        free(param);
        free(items);
        return CLI_RUNTIME_FAILURE;
    }
    for (size_t i = 0; i < c->sets.n; i++)
        items[i] = c->sets.items[i];
    items[c->sets.n].assignment = param;
    scenario *sc = scenario_load(c->o.scenario_path, items, c->sets.n + 1, err, sizeof err);
    free(items);
    free(param);
    if (!sc) {
        fprintf(stderr, "%s\n", err);
        return CLI_BAD_INPUT;
    }
    cli_print_warnings(sc);
    scenario_destroy(sc);
    return -1;
}

int cli_search(int argc, char **argv)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    search_cli c = {.o = {.replications = 1, .confidence = 0.95, .seed = 1,
                          .jobs = cores > 0 ? (int)cores : 1, .out_path = "search.db",
                          .record = SWEEP_RECORD_SUMMARY}};
    /* before getopt_long, which permutes argv */
    char *line = command_line(argc, argv);
    int code = parse_options(argc, argv, &c);
    if (code < 0)
        code = check_options(&c);
    if (code < 0)
        code = check_scenario(&c);
    if (code < 0) {
        c.set_list = calloc(c.sets.n + 1, sizeof *c.set_list);
        if (!c.set_list || !line)
            code = CLI_RUNTIME_FAILURE;
    }
    if (code < 0) {
        for (size_t i = 0; i < c.sets.n; i++)
            c.set_list[i] = c.sets.items[i].assignment;
        c.o.set = c.set_list;
        c.o.n_set = c.sets.n;
        c.o.command_line = line;
        stopsig_install(on_signal);
        code = search_execute(&c.o);
    }
    free(line);
    free(c.set_list);
    cli_overrides_free(&c.sets);
    return code;
}
