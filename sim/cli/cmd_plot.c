/*
 * capsim plot: charts of a run (and of a sweep) with gnuplot and an
 * index.html beside them (analysis/plot.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "../../analysis/adb.h"
#include "../../analysis/plot.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: capsim plot DB [--run ID] [-o DIR] [--report FILE] [-q]\n\n"
            "Draws charts with gnuplot, each as PNG and SVG, and writes DIR/index.html, which\n"
            "shows them with the report's tables and opens offline: capacity vs demand per\n"
            "workload, a utilisation heatmap of the data centers, revenue and margin per\n"
            "provider, power, and with replications in the file, fan charts (P10-P90 band and\n"
            "median over the runs) of shortfall and power. In a sweep database, also the\n"
            "response of the headline metrics to each swept parameter (mean and 95%% CI band\n"
            "per point, one line per value of the other parameter), with the sweep's report;\n"
            "a saltelli sweep adds bars of S and T with their intervals for the 8 metrics with\n"
            "the largest T (sensitivity-METRIC), a morris sweep a mu*-sigma scatter for 8\n"
            "metrics, the market-wide ones first (morris-METRIC).\n\n"
            "  -r, --run ID     the run (default: the latest complete run)\n"
            "  -o, --out DIR    output folder (default plots), created if needed\n"
            "      --report FILE  also write the text report to FILE, the bytes `capsim\n"
            "                   report` prints (with --run, `capsim report --run`), from the\n"
            "                   tables index.html shows: the report is built once for both\n"
            "  -q, --quiet      no warnings, and not the path of index.html on stdout\n"
            "  -h, --help       this help\n\n"
            "Exit codes: 0 success, 1 runtime failure (including gnuplot missing), 2 bad input.\n");
}

int cli_plot(int argc, char **argv)
{
    static const struct option options[] = {
        {"run", required_argument, 0, 'r'}, {"out", required_argument, 0, 'o'},
        {"report", required_argument, 0, 'R'}, {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *out = "plots";
    plot_text text = {0};
    int quiet = 0;
    int64_t requested = 0;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "r:o:qh", options, NULL)) != -1) {
        switch (c) {
        case 'r':
            if ((requested = strtoll(optarg, NULL, 10)) <= 0) {
                fprintf(stderr, "capsim plot: --run '%s': expected a run id\n", optarg);
                return CLI_BAD_INPUT;
            }
            break;
        case 'o': out = optarg; break;
        case 'R': text.path = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return CLI_OK;
        default: return cli_bad_option("plot", argv, options);
        }
    }
    if (optind != argc - 1) {
        return cli_usage_error("plot", "expected exactly one database");
    }
    char err[1024];
    adb_status st;
    sqlite3 *db = adb_open(argv[optind], &st, err, sizeof err);
    if (!db) {
        fprintf(stderr, "capsim plot: %s\n", err);
        return capsim_status_in_input(st) ? CLI_BAD_INPUT : CLI_RUNTIME_FAILURE;
    }
    int64_t run = adb_pick_run(db, requested, err, sizeof err);
    int code = CLI_BAD_INPUT;
    if (run < 0)
        fprintf(stderr, "capsim plot: %s\n", err);
    else {
        if (!quiet)
            adb_warn_unfinished(db, run, "plot", stderr);
        text.run_only = requested > 0;
        code = plot_run(db, argv[optind], run, out, &text, stderr);
    }
    if (code == CLI_OK && !quiet)
        printf("%s/index.html\n", out);
    sqlite3_close(db);
    return code;
}
