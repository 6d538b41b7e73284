/*
 * capsim compare: scenario A against scenario B, metric by metric, with the
 * inputs that differ (analysis/compare.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "../../analysis/adb.h"
#include "../../analysis/compare.h"
#include "../../analysis/groups.h"
#include "../../analysis/report.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: capsim compare A.db B.db [--run-a ID] [--run-b ID] [--format text|csv|json] [-q]\n\n"
            "Shows every end-of-run metric of A and B side by side with the difference B - A\n"
            "and the relative difference (B - A) / |A|, and lists the inputs that differ.\n"
            "A side given with --run-a / --run-b is that run alone. Without it, a side is\n"
            "the latest complete run and, when every complete run in the file is a\n"
            "replication of it (same parameters apart from the seed, same period), the mean\n"
            "over them, one run per seed; a file with several groups of replications gives\n"
            "the latest run alone, with a note. A and B may be the same file.\n\n"
            "      --run-a ID        the run in A (alone)\n"
            "      --run-b ID        the run in B (alone)\n"
            "  -f, --format FORMAT   text (default), csv or json\n"
            "  -q, --quiet           no notes or warnings on stderr\n"
            "  -h, --help            this help\n\n"
            "Exit codes: 0 success, 1 runtime failure, 2 bad input.\n");
}

static int quiet;   /* -q: no notes or warnings on stderr */

/* The runs of a side: the run given alone; without one, the latest
 * complete run and its replications when the file holds one group of
 * replications, or that run alone (with a note) when it holds several. */
static int side_runs(compare_side *s, int64_t requested, const char *which)
{
    groups_set g;
    if (requested <= 0 && groups_build(s->db, GROUPS_BY_PARAMS, &g) == 0) {
        size_t n_groups = g.n_groups;
        groups_free(&g);
        if (n_groups <= 1)
            return adb_replications(s->db, s->run, &s->runs, &s->n_runs) == ADB_OK ? 0 : -1;
        if (!quiet)
            fprintf(stderr, "capsim compare: %s holds %zu groups of replications (capsim report "
                        "lists them); comparing its run %lld alone (choose with --run-%s)\n",
                s->path, n_groups, (long long)s->run, which);
    } else if (requested <= 0) {
        return -1;
    }
    if (!(s->runs = malloc(sizeof *s->runs)))
        return -1;
    s->runs[0] = s->run;
    s->n_runs = 1;
    return 0;
}

/* Opens one side. Returns 0 or an exit code. */
static int open_side(const char *path, int64_t requested, const char *which, compare_side *s)
{
    char err[1024];
    adb_status st;
    s->path = path;
    s->db = adb_open(path, &st, err, sizeof err);
    if (!s->db) {
        fprintf(stderr, "capsim compare: %s\n", err);
        return capsim_status_in_input(st) ? CLI_BAD_INPUT : CLI_RUNTIME_FAILURE;
    }
    s->run = adb_pick_run(s->db, requested, err, sizeof err);
    if (s->run < 0) {
        fprintf(stderr, "capsim compare: %s: %s\n", path, err);
        return CLI_BAD_INPUT;
    }
    if (!quiet)
        adb_warn_unfinished(s->db, s->run, "compare", stderr);
    if (side_runs(s, requested, which) != 0) {
        fprintf(stderr, "capsim compare: %s: %s\n", path, sqlite3_errmsg(s->db));
        return CLI_RUNTIME_FAILURE;
    }
    return 0;
}

static int compare(const char *pa, int64_t ra, const char *pb, int64_t rb, report_format f)
{
    compare_side a = {0}, b = {0};
    atable_list l = {0};
    int code = open_side(pa, ra, "a", &a);
    if (!code)
        code = open_side(pb, rb, "b", &b);
    if (!code && compare_build(&a, &b, &l) != 0) {
        fprintf(stderr, "capsim compare: reading the runs failed\n");
        code = CLI_RUNTIME_FAILURE;
    }
    if (!code) {
        report_write(&l, f, NULL, stdout);
        code = cli_finish_output(stdout, "compare", "the comparison");
    }
    atable_list_free(&l);
    free(a.runs);
    free(b.runs);
    sqlite3_close(a.db);
    sqlite3_close(b.db);
    return code;
}

int cli_compare(int argc, char **argv)
{
    enum { OPT_RUN_A = 256, OPT_RUN_B };
    static const struct option options[] = {
        {"run-a", required_argument, 0, OPT_RUN_A}, {"run-b", required_argument, 0, OPT_RUN_B},
        {"format", required_argument, 0, 'f'}, {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    report_format format = REPORT_TEXT;
    int64_t ra = 0, rb = 0;
    quiet = 0;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "f:qh", options, NULL)) != -1) {
        int ok = 1;
        switch (c) {
        case OPT_RUN_A: ok = (ra = strtoll(optarg, NULL, 10)) > 0; break;
        case OPT_RUN_B: ok = (rb = strtoll(optarg, NULL, 10)) > 0; break;
        case 'f': ok = report_parse_format(optarg, &format) == 0; break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return CLI_OK;
        default: return cli_bad_option("compare", argv, options);
        }
        if (!ok) {
            fprintf(stderr, "capsim compare: bad value '%s'\n", optarg);
            return CLI_BAD_INPUT;
        }
    }
    if (optind != argc - 2) {
        return cli_usage_error("compare", "expected two databases, A and B");
    }
    return compare(argv[optind], ra, argv[optind + 1], rb, format);
}
