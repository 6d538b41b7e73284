/*
 * capsim export: results tables as CSV for spreadsheets. The layouts, the
 * roll-up rule and the cell conventions are in analysis/export.h,
 * sim/store/rollup.h and sim/util/csvout.h; analysis/README.md shows them.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../../analysis/adb.h"
#include "../../analysis/export.h"

#define MAX_TABLES 64

static void usage(FILE *out)
{
    fprintf(out,
            "usage: capsim export DB [options]\n"
            "       capsim export DB --runs|--points [--metric GLOB] [-o FILE.csv|DIR|-]\n"
            "       capsim export DB --sensitivity [-o FILE.csv|DIR|-]\n\n"
            "Writes results tables as CSV (RFC 4180, UTF-8, header row, '.' decimals, dates\n"
            "'YYYY-MM-DD HH:MM:SS'). Text beginning with = + - @ TAB or CR gets a leading '\n"
            "so that spreadsheets do not run it as a formula; numbers stay numbers.\n\n"
            "  -r, --run ID        only this run (default: every run in the file)\n"
            "  -t, --table NAME    this table or view (repeatable; default: every table)\n"
            "  -a, --all           every table (the default)\n"
            "  -d, --daily         roll per-tick tables up by day: levels averaged, flows\n"
            "                      (columns ending _usd, _mwh, _hours) summed\n"
            "      --monthly       roll per-tick tables up by month\n"
            "  -w, --wide          one file per (per-tick table, column), one row per tick\n"
            "                      (or day, month), one column per entity: ready to chart\n"
            "      --wide-dir DIR  with the long or rolled-up files (-o DIR), also the wide\n"
            "                      files, into DIR, from the same pass over each per-tick\n"
            "                      table (make run: --daily -o out/csv --wide-dir\n"
            "                      out/csv/wide)\n"
            "  -m, --metric COL    with --wide or --wide-dir: only this column (e.g.\n"
            "                      power_mw) in the wide files; with\n"
            "                      --runs or --points: the metrics matching this GLOB\n"
            "                      (e.g. 'revenue_usd.*'; default: every metric)\n"
            "      --runs          one row per run: run id, sweep point, replication, seed,\n"
            "                      status, the parameters that vary, the metrics (runs.csv)\n"
            "      --points        one row per group of replications (a sweep point, or runs\n"
            "                      with the same parameters apart from the seed): the\n"
            "                      varying parameters, then per metric mean, sd, 95%% CI\n"
            "                      (Student t), P10, P50, P90 and n (points.csv)\n"
            "      --sensitivity   the sensitivity indices of a saltelli or morris sweep:\n"
            "                      metric, param, index (S, T, mu_star, mu, sigma), value,\n"
            "                      low, high (bootstrap 95%% interval) (sensitivity.csv)\n"
            "      --force         write files over 1,048,576 rows (a spreadsheet's limit)\n"
            "  -o, --out PATH      a directory (created), FILE.csv, or - for stdout\n"
            "                      (default: stdout when there is one file)\n"
            "  -q, --quiet         do not list the files written\n"
            "  -h, --help          this help\n\n"
            "Files: <table>.csv; rolled up <dc|provider|contract|workload>_daily.csv (or\n"
            "_monthly); wide <dc|...>_<column>[_daily|_monthly].csv.\n"
            "Exit codes: 0 success, 1 runtime failure, 2 bad input (including too many rows).\n");
}

static int parse_run(const char *s, int64_t *run)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v <= 0) {
        cli_usage_error("export", "--run '%s': expected a run id (1, 2, ...)", s);
        return -1;
    }
    *run = v;
    return 0;
}

/* Parses argv. Returns -1 to continue, or an exit code. */
static int parse(int argc, char **argv, export_options *o, const char **tables,
                 const char **db, int *batch)
{
    enum { OPT_FORCE = 256, OPT_MONTHLY, OPT_RUNS, OPT_POINTS, OPT_SENSITIVITY, OPT_WIDE_DIR };
    static const struct option options[] = {
        {"run", required_argument, 0, 'r'}, {"table", required_argument, 0, 't'},
        {"all", no_argument, 0, 'a'}, {"daily", no_argument, 0, 'd'},
        {"monthly", no_argument, 0, OPT_MONTHLY}, {"wide", no_argument, 0, 'w'},
        {"wide-dir", required_argument, 0, OPT_WIDE_DIR},
        {"metric", required_argument, 0, 'm'}, {"force", no_argument, 0, OPT_FORCE},
        {"runs", no_argument, 0, OPT_RUNS}, {"points", no_argument, 0, OPT_POINTS},
        {"sensitivity", no_argument, 0, OPT_SENSITIVITY},
        {"out", required_argument, 0, 'o'}, {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "r:t:adwm:o:qh", options, NULL)) != -1) {
        switch (c) {
        case 'r': if (parse_run(optarg, &o->run) != 0) return CLI_BAD_INPUT; break;
        case 't':
            if (o->n_tables == MAX_TABLES) {
                fprintf(stderr, "capsim export: at most %d --table options\n", MAX_TABLES);
                return CLI_BAD_INPUT;
            }
            tables[o->n_tables++] = optarg;
            break;
        case 'a': break;
        case 'd': case OPT_MONTHLY: {
            const rollup_period p = c == 'd' ? ROLLUP_DAY : ROLLUP_MONTH;
            if (o->period != ROLLUP_TICK && o->period != p)
                return cli_usage_error("export", "--daily and --monthly are two roll-ups; "
                                                 "give one");
            o->period = p;
            break;
        }
        case 'w': o->wide = 1; break;
        case OPT_WIDE_DIR: o->wide_dir = optarg; break;
        case 'm': o->metric = optarg; break;
        case OPT_RUNS: case OPT_POINTS: case OPT_SENSITIVITY: {
            int kind = c == OPT_RUNS ? EXPORT_RUNS : c == OPT_POINTS ? EXPORT_POINTS
                                                                     : EXPORT_SENSITIVITY;
            if (*batch && *batch != kind)
                return cli_usage_error("export", "--runs, --points and --sensitivity are "
                                                 "separate exports; give one");
            *batch = kind;
            break;
        }
        case OPT_FORCE: o->force = 1; break;
        case 'o': o->out = optarg; break;
        case 'q': o->quiet = 1; break;
        case 'h': usage(stdout); return CLI_OK;
        default: return cli_bad_option("export", argv, options);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("export", "expected exactly one database");
    if (*batch && (o->n_tables || o->wide || o->wide_dir || o->period != ROLLUP_TICK || o->run)) {
        fprintf(stderr, "capsim export: --%s is a file of its own: it does not go with "
                        "--table, --wide, --wide-dir, --daily, --monthly or --run\n",
                *batch == EXPORT_RUNS ? "runs" : *batch == EXPORT_POINTS ? "points"
                                                                         : "sensitivity");
        return CLI_BAD_INPUT;
    }
    if (o->metric && *batch == EXPORT_SENSITIVITY) {
        fprintf(stderr, "capsim export: --sensitivity writes every metric's indices; it takes "
                        "no --metric (filter the CSV, or SELECT from sweep_sensitivity)\n");
        return CLI_BAD_INPUT;
    }
    if (o->metric && !o->wide && !o->wide_dir && !*batch) {
        fprintf(stderr, "capsim export: --metric goes with --wide, --wide-dir, --runs or "
                        "--points\n");
        return CLI_BAD_INPUT;
    }
    if (o->wide_dir && o->wide) {
        fprintf(stderr, "capsim export: --wide-dir writes the wide files beside the long or "
                        "rolled-up ones; --wide writes the wide files alone: give one\n");
        return CLI_BAD_INPUT;
    }
    if (o->wide_dir && (!o->out || !strcmp(o->out, "-") || export_path_is_file(o->out) ||
                        !*o->wide_dir || !strcmp(o->wide_dir, "-") ||
                        export_path_is_file(o->wide_dir))) {
        fprintf(stderr, "capsim export: --wide-dir DIR goes with -o DIR: both are folders (the "
                        "long or rolled-up files, and the wide ones)\n");
        return CLI_BAD_INPUT;
    }
    *db = argv[optind];
    o->tables = o->n_tables ? tables : NULL;
    return -1;
}

/* SIGINT or SIGTERM during an export: remove the .part files being written
 * (an export renames its files into place only once all are written), then
 * die of the signal as usual. */
static void on_stop_signal(int sig)
{
    export_discard_part();
    signal(sig, SIG_DFL);
    raise(sig);
}

int cli_export(int argc, char **argv)
{
    export_options o = {0};
    const char *tables[MAX_TABLES];
    const char *path = NULL;
    int batch = 0;
    int code = parse(argc, argv, &o, tables, &path, &batch);
    if (code >= 0)
        return code;
    char err[1024];
    adb_status st;
    sqlite3 *db = adb_open(path, &st, err, sizeof err);
    if (!db) {
        fprintf(stderr, "capsim export: %s\n", err);
        return capsim_status_in_input(st) ? CLI_BAD_INPUT : CLI_RUNTIME_FAILURE;
    }
    if (o.run > 0 && adb_pick_run(db, o.run, err, sizeof err) < 0) {
        fprintf(stderr, "capsim export: %s\n", err);
        sqlite3_close(db);
        return CLI_BAD_INPUT;
    }
    signal(SIGINT, on_stop_signal);
    signal(SIGTERM, on_stop_signal);
    code = batch ? export_batch(db, (export_batch_kind)batch, &o, stderr)
                 : export_run(db, &o, stderr);
    sqlite3_close(db);
    return code;
}
