/*
 * capsim sweep: parses the options, reads the sweep file, builds the plan,
 * checks every point's scenario, then prints the plan (--dry-run) or hands
 * it to the sweep runner (sim/sweep). Nothing is written until everything
 * has been checked. SIGINT and SIGTERM stop the sweep gracefully: no new
 * runs start, the running ones stop after their current tick, and the
 * database stays consistent for --resume.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "../sweep/sweep_file.h"
#include "../sweep/sweep_mpi.h"
#include "../sweep/sweep_plan.h"
#include "../sweep/sweep_run.h"
#include "../util/textnum.h"
#include "../util/stopsig.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: capsim sweep SWEEP.ini [options]\n\n"
            "Runs every point of a sweep plan, each replication a separate process, into one\n"
            "results database. The sweep file format is in scenarios/README.md. Methods:\n"
            "grid, list, random, lhs, sobol, and the sensitivity designs saltelli (Sobol\n"
            "first and total indices) and morris (elementary effects), whose indices are\n"
            "written to sweep_sensitivity once every run of the plan is complete.\n\n"
            "  -o, --out FILE     sweep database (default sweep.db); must not exist unless --resume\n"
            "  -j, --jobs N       runs at a time (default: the number of cores)\n"
            "      --resume       run only what is missing, failed or interrupted in FILE\n"
            "      --shard I/N    run the I-th of N slices of the plan (runs with index %% N == I-1)\n"
            "      --dry-run      print the plan (points, replications, seeds, runs) and exit\n"
            "      --mpi          hand the runs to MPI ranks (mpirun -np N; a build with MPI=1)\n"
            "  -q, --quiet        no progress on stderr\n"
            "  -h, --help         this help\n\n"
            "Exit codes: 0 every run complete, 1 a run failed or the sweep was interrupted,\n"
            "2 bad input.\n");
}

typedef struct sweep_cli {
    const char *path;
    int dry_run;
    int mpi;
    sweep_run_options run;
} sweep_cli;

static int parse_shard(const char *text, int *shard, int *n)
{
    char a[32], b[32];
    const char *slash = strchr(text, '/');
    if (!slash || (size_t)(slash - text) >= sizeof a || strlen(slash + 1) >= sizeof b)
        return -1;
    memcpy(a, text, (size_t)(slash - text));
    a[slash - text] = '\0';
    snprintf(b, sizeof b, "%s", slash + 1);
    uint64_t i, m;
    if (textnum_uint(a, &i) != TEXTNUM_OK || textnum_uint(b, &m) != TEXTNUM_OK || m < 1 ||
        m > 1000000 || i < 1 || i > m)
        return -1;
    *shard = (int)i;
    *n = (int)m;
    return 0;
}

static int parse_options(int argc, char **argv, sweep_cli *o)
{
    enum { OPT_RESUME = 256, OPT_SHARD, OPT_DRY_RUN, OPT_MPI };
    static const struct option options[] = {
        {"out", required_argument, 0, 'o'},     {"jobs", required_argument, 0, 'j'},
        {"resume", no_argument, 0, OPT_RESUME}, {"shard", required_argument, 0, OPT_SHARD},
        {"dry-run", no_argument, 0, OPT_DRY_RUN}, {"quiet", no_argument, 0, 'q'},
        {"mpi", no_argument, 0, OPT_MPI},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    int c;
    uint64_t jobs;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:j:qh", options, NULL)) != -1) {
        switch (c) {
        case 'o': o->run.out_path = optarg; break;
        case 'j':
            if (textnum_uint(optarg, &jobs) != TEXTNUM_OK || jobs < 1 || jobs > 4096) {
                fprintf(stderr, "capsim sweep: -j %s: expected a number of workers, 1 to 4096\n",
                        optarg);
                return CLI_BAD_INPUT;
            }
            o->run.jobs = (int)jobs;
            break;
        case OPT_RESUME: o->run.resume = 1; break;
        case OPT_SHARD:
            if (parse_shard(optarg, &o->run.shard, &o->run.n_shards) != 0) {
                fprintf(stderr, "capsim sweep: --shard %s: expected I/N with 1 <= I <= N, "
                                "e.g. --shard 2/8\n", optarg);
                return CLI_BAD_INPUT;
            }
            break;
        case OPT_DRY_RUN: o->dry_run = 1; break;
        case OPT_MPI: o->mpi = 1; break;
        case 'q': o->run.quiet = 1; break;
        case 'h': usage(stdout); return CLI_OK;
        default: return cli_bad_option("sweep", argv, options);
        }
    }
    if (optind != argc - 1) {
        return cli_usage_error("sweep", "expected exactly one sweep file");
    }
    o->path = argv[optind];
    return -1;
}

static void on_signal(int sig)
{
    (void)sig;
    sweep_run_request_stop();
}

int cli_sweep(int argc, char **argv)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    sweep_cli o = {.run = {.out_path = "sweep.db", .jobs = cores > 0 ? (int)cores : 1,
                           .shard = 1, .n_shards = 1}};
    int code = parse_options(argc, argv, &o);
    if (code >= 0)
        return code;
    if (o.mpi && !sweep_mpi_available())
        return sweep_execute_mpi(NULL, NULL, NULL, &o.run);
    char err[4096];
    sweep_file *f = sweep_file_read(o.path, err, sizeof err);
    sweep_plan *p = f ? sweep_plan_create(f, err, sizeof err) : NULL;
    scenario *base = p ? sweep_check_points(f, p, err, sizeof err) : NULL;
    if (!base) {
        fprintf(stderr, "%s\n", err);
        code = CLI_BAD_INPUT;
    } else if (o.dry_run) {
        sweep_print_plan(f, p, &o.run, stdout);
        code = CLI_OK;
    } else {
        cli_print_warnings(base);
        stopsig_install(on_signal);
        code = o.mpi ? sweep_execute_mpi(f, p, base, &o.run) : sweep_execute(f, p, base, &o.run);
    }
    scenario_destroy(base);
    sweep_plan_destroy(p);
    sweep_file_destroy(f);
    return code;
}
