/*
 * cli: the `capsim` command. Each subcommand is a function taking its own
 * argv (argv[0] is the subcommand's name) and returning the process exit
 * code: 0 success, 1 runtime failure (I/O, disk, SQLite), 2 bad input or
 * usage.
 */
#ifndef CAPSIM_CLI_H
#define CAPSIM_CLI_H

#include <stdio.h>
#include "../run/run.h"


enum cli_exit {
    CLI_OK = 0,
    CLI_RUNTIME_FAILURE = 1,
    CLI_BAD_INPUT = 2
};

int cli_run(int argc, char **argv);
int cli_validate(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_report(int argc, char **argv);
int cli_compare(int argc, char **argv);
int cli_plot(int argc, char **argv);
int cli_sweep(int argc, char **argv);
int cli_merge(int argc, char **argv);
int cli_runs(int argc, char **argv);
int cli_rerun(int argc, char **argv);
int cli_search(int argc, char **argv);
int cli_completion(int argc, char **argv);

/* The table of subcommands (main.c), ending with a NULL name: the
 * dispatcher, `capsim help` and the completion script read it. */
typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} cli_command;
const cli_command *cli_commands(void);

/* --set handling shared by subcommands: appends one "path=value" to a
 * growing array. Returns 0, or -1 when out of memory. */
typedef struct cli_overrides {
    scenario_override *items;
    size_t n;
    size_t cap;
    char **owned;      /* strings the list allocated itself (e.g. from --seed) */
    size_t n_owned, cap_owned;
} cli_overrides;

int cli_overrides_add(cli_overrides *o, const char *assignment);
/* Adds a copy of an assignment built by the caller (freed with the list). */
int cli_overrides_add_copy(cli_overrides *o, const char *assignment);
void cli_overrides_free(cli_overrides *o);

/* Flushes a command's results output and checks that every write reached
 * it. Returns CLI_OK, or CLI_RUNTIME_FAILURE after printing
 * "capsim CMD: writing WHAT failed: REASON" to stderr (a full device, a
 * closed pipe: SIGPIPE is ignored, so a write to a closed pipe fails with
 * EPIPE rather than killing capsim). */
int cli_finish_output(FILE *out, const char *cmd, const char *what);

/* Usage errors (usage.c). Every subcommand reports one as a single line,
 * "capsim CMD: MESSAGE (see capsim CMD --help)", and returns CLI_BAD_INPUT;
 * --help alone prints the help text. Subcommands set opterr = 0 and hand
 * getopt_long's '?' to cli_bad_option, which names the option (unknown,
 * needing a value, or taking none) and suggests the nearest long option. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
struct option;
int cli_bad_option(const char *cmd, char **argv, const struct option *options);

/* Prints every scenario warning to stderr. */
void cli_print_warnings(const scenario *sc);

#endif
