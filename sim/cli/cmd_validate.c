/*
 * capsim validate: reads and checks a scenario, prints its warnings, and
 * with --print the resolved model. Writes nothing.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: capsim validate SCENARIO.ini [--print] [--set path=value]...\n\n"
            "Checks a scenario: every value, every reference, the lease graph and the\n"
            "power caps. Errors name the file, line, section and key (exit 2).\n\n"
            "  -p, --print            print the resolved model\n"
            "  -s, --set PATH=VALUE   override a value, e.g. --set contract.cw-openai-1.gpus=96000\n"
            "  -h, --help             this help\n");
}

int cli_validate(int argc, char **argv)
{
    static const struct option options[] = {
        {"print", no_argument, 0, 'p'},
        {"set", required_argument, 0, 's'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    cli_overrides overrides = {0};
    int print = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ps:h", options, NULL)) != -1) {
        switch (c) {
        case 'p': print = 1; break;
        case 's': cli_overrides_add(&overrides, optarg); break;
        case 'h': usage(stdout); cli_overrides_free(&overrides); return CLI_OK;
        default: usage(stderr); cli_overrides_free(&overrides); return CLI_BAD_INPUT;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "capsim validate: expected exactly one scenario file\n");
        usage(stderr);
        cli_overrides_free(&overrides);
        return CLI_BAD_INPUT;
    }
    char err[2048];
    scenario *sc = scenario_load(argv[optind], overrides.items, overrides.n, err, sizeof err);
    cli_overrides_free(&overrides);
    if (!sc) {
        fprintf(stderr, "%s\n", err);
        return CLI_BAD_INPUT;
    }
    cli_print_warnings(sc);
    if (print)
        scenario_print(sc, stdout);
    else
        printf("%s: ok (%zu GPU types, %zu providers, %zu datacenters, %zu contracts, "
               "%zu workloads)\n", argv[optind], sc->spec->n_gpus, sc->spec->n_providers,
               sc->spec->n_datacenters, sc->spec->n_contracts, sc->spec->n_workloads);
    scenario_destroy(sc);
    return cli_finish_output(stdout, "validate", print ? "the resolved model" : "the verdict");
}
