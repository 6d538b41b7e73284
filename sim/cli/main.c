/*
 * capsim: entry point. Dispatches to the subcommands in this folder through
 * one table of commands, which also gives `capsim help`, the "did you mean"
 * for a mistyped command and the bash completion (completion.c).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../util/suggest.h"

static const cli_command commands[] = {
    {"run", cli_run, "simulate a scenario into a results database"},
    {"validate", cli_validate, "check a scenario; --print shows the resolved model"},
    {"sweep", cli_sweep, "run a batch of runs from a sweep file"},
    {"merge", cli_merge, "join sweep shards (or results databases) into one"},
    {"search", cli_search, "the smallest parameter value that meets a target (bisection)"},
    {"runs", cli_runs, "list the runs of a database"},
    {"rerun", cli_rerun, "run a stored run again from what its database holds"},
    {"export", cli_export, "write tables as CSV for spreadsheets"},
    {"report", cli_report, "summarise a run, its replications or a sweep"},
    {"compare", cli_compare, "two results side by side"},
    {"plot", cli_plot, "charts (gnuplot) and index.html"},
    {"completion", cli_completion, "print a bash completion script"},
    {NULL, NULL, NULL}};

const cli_command *cli_commands(void)
{
    return commands;
}

static void usage(FILE *out)
{
    fprintf(out,
            "capsim %s — discrete-event capacity simulator for GPU clouds\n\n"
            "usage: capsim COMMAND [options]   (capsim COMMAND --help, or capsim help COMMAND)\n\n"
            "commands:\n", CAPSIM_VERSION);
    for (const cli_command *c = commands; c->name; c++)
        fprintf(out, "  %-11s %s\n", c->name, c->summary);
    fprintf(out,
            "\nShort options mean the same in every command: -o output, -r run id, -f format,\n"
            "-m metric, -t table, -s set, -j jobs, -q quiet, -h help.\n"
            "Exit codes: 0 success, 1 runtime failure, 2 bad input or usage.\n");
}

static const cli_command *find(const char *name)
{
    for (const cli_command *c = commands; c->name; c++)
        if (!strcmp(c->name, name))
            return c;
    return NULL;
}

static const char *command_name_at(const void *ctx, size_t i)
{
    return ((const cli_command *)ctx)[i].name;
}

static int unknown(const char *name)
{
    size_t n = 0;
    while (commands[n].name)
        n++;
    const char *near = suggest_nearest(name, command_name_at, commands, n);
    if (near)
        fprintf(stderr, "capsim: unknown command '%s'; did you mean '%s'? (see capsim --help)\n",
                name, near);
    else
        fprintf(stderr, "capsim: unknown command '%s' (see capsim --help)\n", name);
    return CLI_BAD_INPUT;
}

/* capsim help [COMMAND]: the overview, or a command's --help. */
static int help(int argc, char **argv)
{
    if (argc < 3) {
        usage(stdout);
        return CLI_OK;
    }
    const cli_command *c = find(argv[2]);
    if (!c)
        return unknown(argv[2]);
    char *args[] = {argv[2], "--help", NULL};
    return c->run(2, args);
}

int main(int argc, char **argv)
{
    /* A reader that goes away (`capsim report r.db | head -1`) makes writes
     * fail with EPIPE, which every command checks and reports, instead of a
     * SIGPIPE that would end capsim mid-run. */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        fprintf(stderr, "capsim: expected a command (see capsim --help)\n");
        return CLI_BAD_INPUT;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h"))
        return usage(stdout), CLI_OK;
    if (!strcmp(cmd, "help"))
        return help(argc, argv);
    if (!strcmp(cmd, "--version")) {
        printf("capsim %s\n", CAPSIM_VERSION);
        return CLI_OK;
    }
    const cli_command *c = find(cmd);
    return c ? c->run(argc - 1, argv + 1) : unknown(cmd);
}
