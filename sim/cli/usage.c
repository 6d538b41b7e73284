/*
 * usage: how every subcommand reports a usage error. One line on stderr,
 * naming what was wrong and pointing to the command's --help, never the
 * whole help text (which --help prints on stdout). getopt's own messages are
 * silenced (opterr = 0) so that every usage error reads the same way.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../util/suggest.h"

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "capsim %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see capsim %s --help)\n", cmd);
    return CLI_BAD_INPUT;
}

static const char *long_name_at(const void *ctx, size_t i)
{
    return ((const struct option *)ctx)[i].name;
}

int cli_bad_option(const char *cmd, char **argv, const struct option *options)
{
    const char *arg = argv[optind - 1];
    size_t n_options = 0;
    while (options[n_options].name)
        n_options++;
    if (arg && !strncmp(arg, "--", 2)) {
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)strcspn(arg + 2, "="), arg + 2);
        for (size_t i = 0; i < n_options; i++)
            if (!strcmp(options[i].name, name))
                return cli_usage_error(cmd, options[i].has_arg == no_argument
                                                ? "--%s takes no value"
                                                : "--%s needs a value", name);
        const char *near = suggest_nearest(name, long_name_at, options, n_options);
        if (near)
            return cli_usage_error(cmd, "unknown option --%s; did you mean --%s?", name, near);
        return cli_usage_error(cmd, "unknown option --%s", name);
    }
    for (size_t i = 0; i < n_options; i++)
        if (optopt && options[i].val == optopt && options[i].has_arg == required_argument)
            return cli_usage_error(cmd, "-%c needs a value", optopt);
    if (optopt)
        return cli_usage_error(cmd, "unknown option -%c", optopt);
    return cli_usage_error(cmd, "unknown option '%s'", arg ? arg : "?");
}
