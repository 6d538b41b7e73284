/*
 * capsim runs: one line per run in a results database (analysis/report.h,
 * report_runs_table), as aligned text, CSV or JSON.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "../../analysis/adb.h"
#include "../../analysis/report.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: capsim runs DB [--format text|csv|json] [-q]\n\n"
            "Lists every run in the database, one line each: run id, scenario name, sweep\n"
            "point, replication, seed, simulated period (start, and end exclusive: the\n"
            "start plus the ticks simulated), status, ticks and wall time in seconds.\n\n"
            "  -f, --format FORMAT   text (aligned, default), csv (a header row and one row\n"
            "                        per run) or json\n"
            "  -q, --quiet           accepted for symmetry: runs writes nothing but the list\n"
            "  -h, --help            this help\n\n"
            "Exit codes: 0 success, 1 runtime failure, 2 bad input.\n");
}

int cli_runs(int argc, char **argv)
{
    static const struct option options[] = {
        {"format", required_argument, 0, 'f'}, {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    report_format format = REPORT_TEXT;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "f:qh", options, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (report_parse_format(optarg, &format) != 0) {
                return cli_usage_error("runs", "--format '%s': expected text, csv or json",
                                       optarg);
            }
            break;
        case 'q': break;
        case 'h': usage(stdout); return CLI_OK;
        default: return cli_bad_option("runs", argv, options);
        }
    }
    if (optind != argc - 1) {
        return cli_usage_error("runs", "expected exactly one database");
    }
    char err[1024];
    adb_status st;
    sqlite3 *db = adb_open(argv[optind], &st, err, sizeof err);
    if (!db) {
        fprintf(stderr, "capsim runs: %s\n", err);
        return capsim_status_in_input(st) ? CLI_BAD_INPUT : CLI_RUNTIME_FAILURE;
    }
    atable_list l = {0};
    int code = CLI_OK;
    if (atable_list_add(&l, report_runs_table(db)) != 0) {
        fprintf(stderr, "capsim runs: reading the runs failed: %s\n", sqlite3_errmsg(db));
        code = CLI_RUNTIME_FAILURE;
    } else if (format == REPORT_CSV) {
        csvout w;
        csvout_init(&w, stdout);
        atable_write_csv_plain(l.items[0], &w);
        code = cli_finish_output(stdout, "runs", "the run list");
        if (w.error)
            code = CLI_RUNTIME_FAILURE;
    } else {
        report_write(&l, format, NULL, stdout);
        code = cli_finish_output(stdout, "runs", "the run list");
    }
    atable_list_free(&l);
    sqlite3_close(db);
    return code;
}
