/*
 * capsim report: a run's summary tables (analysis/report.h) as aligned
 * text, CSV or JSON; with replications of the scenario in the file, the
 * statistics of every metric over them. A sweep database (without --run)
 * gets the sweep's report: the plan, and per metric one row per point.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "../../analysis/adb.h"
#include "../../analysis/report.h"

static int report_db(const char *path, int64_t requested, const char *metric,
                     report_format format, int quiet, FILE *out);

static void usage(FILE *out)
{
    fprintf(out,
            "usage: capsim report DB [--run ID] [--metric GLOB] [--format text|csv|json] [-q]\n\n"
            "Summarises a run: the period, first shortfall per workload, peak and mean\n"
            "utilisation per data center and provider, revenue, costs and margin per provider\n"
            "per year, each contract's GPUs, payments and SLA credits, energy, notable events\n"
            "and the end-of-run metrics. When the file holds two or more complete runs of the\n"
            "same scenario (replications), adds mean, sd, 95%% confidence interval (Student t)\n"
            "and P10/P50/P90 of every metric over them.\n\n"
            "A sweep database (capsim sweep) without --run gets the sweep's report: the plan\n"
            "(method, points, replications, seeds, record level, the parameters and their\n"
            "values), then per metric one row per point: its parameter values, the mean, the\n"
            "95%% confidence interval (Student t) and n over its replications, sorted by the\n"
            "parameters. The figures are those of capsim export --points. A saltelli or\n"
            "morris sweep adds its sensitivity indices (table sensitivity): S and T with\n"
            "bootstrap 95%% intervals per metric and parameter, metrics by their largest T;\n"
            "or Morris's mu* (with its interval), mu and sigma. --metric filters them too.\n\n"
            "  -r, --run ID          the run (default: the latest complete run; in a sweep\n"
            "                        database, the sweep)\n"
            "  -m, --metric GLOB     a sweep's metrics (sqlite GLOB, e.g. 'revenue_usd*';\n"
            "                        default: shortfall_h100_hours, revenue_usd, margin_usd,\n"
            "                        energy_mwh, peak_power_mw)\n"
            "  -f, --format FORMAT   text (aligned tables, default), csv (one block per table:\n"
            "                        title row, header row, rows, empty row) or json\n"
            "  -q, --quiet           no warnings on stderr (e.g. for a run not complete)\n"
            "  -h, --help            this help\n\n"
            "Exit codes: 0 success, 1 runtime failure, 2 bad input.\n");
}

int cli_report(int argc, char **argv)
{
    static const struct option options[] = {
        {"run", required_argument, 0, 'r'}, {"format", required_argument, 0, 'f'},
        {"metric", required_argument, 0, 'm'}, {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    report_format format = REPORT_TEXT;
    int quiet = 0;
    int64_t requested = 0;
    const char *metric = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "r:f:m:qh", options, NULL)) != -1) {
        switch (c) {
        case 'r': requested = strtoll(optarg, NULL, 10); if (requested <= 0) goto bad; break;
        case 'm': metric = optarg; break;
        case 'q': quiet = 1; break;
        case 'f': if (report_parse_format(optarg, &format) != 0) goto bad; break;
        case 'h': usage(stdout); return CLI_OK;
        default: return cli_bad_option("report", argv, options);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("report", "expected exactly one database");
    return report_db(argv[optind], requested, metric, format, quiet, stdout);
bad:
    return cli_usage_error("report", c == 'r' ? "--run '%s': expected a run id (1, 2, ...)"
                                              : "--format '%s': expected text, csv or json",
                           optarg);
}

/* The sweep report. Returns the exit code. */
static int report_sweep(sqlite3 *db, int64_t sweep, const char *metric, report_format format,
                        FILE *out)
{
    atable_list l = {0};
    int code = CLI_OK;
    int rc = report_sweep_build(db, sweep, metric, &l);
    if (rc == REPORT_SWEEP_NO_METRIC) {
        fprintf(stderr, "capsim report: --metric '%s': no metric matches (a GLOB: * any text, "
                        "? one character; e.g. 'revenue_usd*'; the names: SELECT DISTINCT "
                        "metric FROM run_metric)\n", metric);
        code = CLI_BAD_INPUT;
    } else if (rc != 0) {
        fprintf(stderr, "capsim: building the sweep report failed: %s\n", sqlite3_errmsg(db));
        code = CLI_RUNTIME_FAILURE;
    } else {
        char head[128];
        snprintf(head, sizeof head, "\"sweep_id\": %lld", (long long)sweep);
        report_write(&l, format, head, out);
        code = cli_finish_output(out, "report", "the report");
    }
    atable_list_free(&l);
    return code;
}

/* Reports on one database. Returns the exit code. */
static int report_db(const char *path, int64_t requested, const char *metric,
                     report_format format, int quiet, FILE *out)
{
    char err[1024];
    adb_status st;
    sqlite3 *db = adb_open(path, &st, err, sizeof err);
    if (!db) {
        fprintf(stderr, "capsim: %s\n", err);
        return capsim_status_in_input(st) ? CLI_BAD_INPUT : CLI_RUNTIME_FAILURE;
    }
    int64_t sweep = requested ? 0 : report_sweep_id(db);
    if (sweep > 0) {
        int code = report_sweep(db, sweep, metric, format, out);
        sqlite3_close(db);
        return code;
    }
    if (metric) {
        fprintf(stderr, "capsim report: --metric chooses the metrics of a sweep's report; %s "
                        "(for one run's metrics: capsim export %s --runs --metric GLOB)\n",
                requested ? "it does not go with --run" : "this database holds no sweep",
                path);
        sqlite3_close(db);
        return CLI_BAD_INPUT;
    }
    int64_t run = adb_pick_run(db, requested, err, sizeof err);
    if (run < 0) {
        fprintf(stderr, "capsim: %s\n", err);
        sqlite3_close(db);
        return CLI_BAD_INPUT;
    }
    if (!quiet)
        adb_warn_unfinished(db, run, "report", stderr);
    atable_list l = {0};
    int code = CLI_OK;
    if (report_build(db, run, &l, stderr) != 0) {
        fprintf(stderr, "capsim: building the report failed: %s\n", sqlite3_errmsg(db));
        code = CLI_RUNTIME_FAILURE;
    } else {
        char head[128];
        snprintf(head, sizeof head, "\"run_id\": %lld", (long long)run);
        report_write(&l, format, head, out);
        code = cli_finish_output(out, "report", "the report");
    }
    atable_list_free(&l);
    sqlite3_close(db);
    return code;
}
