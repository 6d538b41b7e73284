/*
 * capsim: entry point. Dispatches to the subcommands in this folder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "capsim %s — discrete-event capacity simulator for GPU clouds\n\n"
            "usage:\n"
            "  capsim run SCENARIO.ini [-o out.db] [--replace] [--seed N] [--set path=value]...\n"
            "             [--until YYYY-MM-DD] [-q|--progress]\n"
            "  capsim validate SCENARIO.ini [--print] [--set path=value]...\n"
            "  capsim sweep SWEEP.ini [-o sweep.db] [-j N] [--resume] [--shard I/N] [--dry-run] [-q]\n"
            "  capsim merge OUT.db IN.db...\n"
            "  capsim search SCENARIO.ini --param PATH --range LO..HI [--step S]\n"
            "             --target 'METRIC <= X' [--largest] [--reps N] [--confidence C] [-j N]\n"
            "             [-o search.db] [--set path=value]... [--until DATE] [--format text|json]\n"
            "  capsim export DB [--run ID] [--table T]... [--daily|--monthly] [--wide]\n"
            "             [-o DIR|FILE.csv|-] [--force]\n"
            "  capsim export DB --runs|--points [--metric GLOB] [-o DIR|FILE.csv|-]\n"
            "  capsim report DB [--run ID] [--format text|csv|json]\n"
            "  capsim compare A.db B.db [--run-a ID] [--run-b ID] [--format text|csv|json]\n"
            "  capsim plot DB [--run ID] [-o DIR]\n"
            "  capsim runs DB [--format text|csv|json]\n"
            "  capsim rerun DB --run N [-o OUT.db]\n"
            "  capsim --version\n\n"
            "Run `capsim COMMAND --help` for a command's options.\n"
            "Exit codes: 0 success, 1 runtime failure, 2 bad input or usage.\n",
            CAPSIM_VERSION);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_BAD_INPUT;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return CLI_OK;
    }
    if (!strcmp(cmd, "--version")) {
        printf("capsim %s\n", CAPSIM_VERSION);
        return CLI_OK;
    }
    if (!strcmp(cmd, "run"))
        return cli_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "validate"))
        return cli_validate(argc - 1, argv + 1);
    if (!strcmp(cmd, "sweep"))
        return cli_sweep(argc - 1, argv + 1);
    if (!strcmp(cmd, "search"))
        return cli_search(argc - 1, argv + 1);
    if (!strcmp(cmd, "merge"))
        return cli_merge(argc - 1, argv + 1);
    if (!strcmp(cmd, "export"))
        return cli_export(argc - 1, argv + 1);
    if (!strcmp(cmd, "report"))
        return cli_report(argc - 1, argv + 1);
    if (!strcmp(cmd, "compare"))
        return cli_compare(argc - 1, argv + 1);
    if (!strcmp(cmd, "plot"))
        return cli_plot(argc - 1, argv + 1);
    if (!strcmp(cmd, "runs"))
        return cli_runs(argc - 1, argv + 1);
    if (!strcmp(cmd, "rerun"))
        return cli_rerun(argc - 1, argv + 1);
    fprintf(stderr, "capsim: unknown command '%s'; commands are run, validate, sweep, "
                    "search, merge, runs, rerun, export, report, compare and plot (see capsim --help)\n",
            cmd);
    return CLI_BAD_INPUT;
}
