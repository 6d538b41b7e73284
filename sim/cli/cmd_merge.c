/*
 * capsim merge OUT.db IN.db...: joins the databases of one sweep's shards
 * (capsim sweep --shard I/N) into one. Every input must hold the same sweep
 * (the same sweep file text) and no (point, replication) may come twice.
 * Runs keep the ids the plan gives them, so the result is the database a
 * single `capsim sweep` would have written.
 *
 * Every input is checked against the output before anything is copied; an
 * error found while copying (two inputs of different sweeps, or the same
 * run in two inputs) removes an output that this command created, so a
 * refused merge leaves nothing behind. When the merged sweep is a
 * complete saltelli or morris sweep, its sensitivity indices are computed
 * (sim/sweep/sweep_indices.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "../store/store.h"
#include "../store/store_sweep.h"
#include "../sweep/sweep_indices.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: capsim merge OUT.db IN.db...\n\n"
            "Joins the databases of one sweep's shards (capsim sweep --shard I/N) into OUT.db,\n"
            "a new file or a database of the same sweep. Refuses databases of different sweeps\n"
            "and a (point, replication) that comes twice. A saltelli or morris sweep that is\n"
            "complete once merged gets its sensitivity indices (sweep_sensitivity).\n\n"
            "  -q, --quiet   no summary line\n"
            "  -h, --help    this help\n\n"
            "Exit codes: 0 merged, 1 runtime failure, 2 bad input.\n");
}

static void remove_output(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char name[4096];
        snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
        unlink(name);
    }
}

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && sb.st_size > 0;
}

int cli_merge(int argc, char **argv)
{
    static const struct option options[] = {
        {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c, quiet = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "qh", options, NULL)) != -1) {
        switch (c) {
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return CLI_OK;
        default: return cli_bad_option("merge", argv, options);
        }
    }
    if (argc - optind < 2) {
        return cli_usage_error("merge", "expected OUT.db and at least one IN.db");
    }
    const char *out = argv[optind];
    for (int i = optind + 1; i < argc; i++) {
        if (!exists(argv[i])) {
            fprintf(stderr, "capsim merge: %s: no such database\n", argv[i]);
            return CLI_BAD_INPUT;
        }
        if (!strcmp(argv[i], out)) {
            fprintf(stderr, "capsim merge: %s is both the output and an input\n", out);
            return CLI_BAD_INPUT;
        }
    }
    int created = !exists(out);
    char err[2048];
    store_status status;
    store *st = store_open(out, 0, &status, err, sizeof err);
    if (!st) {
        fprintf(stderr, "capsim merge: %s\n", err);
        return capsim_status_in_input(status) ? CLI_BAD_INPUT : CLI_RUNTIME_FAILURE;
    }
    int rc = 0;
    for (int pass = 0; rc == 0 && pass < 2; pass++)
        for (int i = optind + 1; rc == 0 && i < argc; i++)
            rc = store_sweep_merge_db(st, argv[i], pass == 0);
    if (rc != 0)
        fprintf(stderr, "capsim merge: %s\n", store_errmsg(st));
    if (rc == 0 && !quiet)
        printf("Merged %d databases into %s\n", argc - optind - 1, out);
    /* a saltelli or morris sweep made whole gets its indices */
    int indices = rc == 0 ? sweep_indices_update_stored(st, out, "capsim merge",
                                                        quiet ? NULL : stdout, stderr) : 0;
    store_close(st);
    if (rc != 0) {
        if (created)
            remove_output(out);
        return capsim_status_in_input((capsim_status)rc) ? CLI_BAD_INPUT : CLI_RUNTIME_FAILURE;
    }
    return indices == 0 ? CLI_OK : CLI_RUNTIME_FAILURE;
}
