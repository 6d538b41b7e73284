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
            "usage: capsim validate SCENARIO.ini [--print] [--set path=value]... [--seed N] [-q]\n\n"
            "Checks a scenario: every value, every reference, the lease graph and the\n"
            "power caps. Errors name the file, line, section and key (exit 2).\n\n"
            "  -p, --print            print the resolved model\n"
            "  -s, --set PATH=VALUE   override a value, e.g. --set contract.cw-openai-1.gpus=96000\n"
            "      --seed N           the run seed (same as --set scenario.seed=N), as for run\n"
            "  -q, --quiet            no warnings and no verdict line: the exit code says it\n"
            "  -h, --help             this help\n");
}

int cli_validate(int argc, char **argv)
{
    enum { OPT_SEED = 256 };
    static const struct option options[] = {
        {"print", no_argument, 0, 'p'},
        {"set", required_argument, 0, 's'},
        {"seed", required_argument, 0, OPT_SEED},
        {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    cli_overrides overrides = {0};
    int print = 0, quiet = 0, c;
    char seed[128];
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "ps:qh", options, NULL)) != -1) {
        switch (c) {
        case 'p': print = 1; break;
        case 'q': quiet = 1; break;
        case 's': cli_overrides_add(&overrides, optarg); break;
        case OPT_SEED:
            snprintf(seed, sizeof seed, "scenario.seed=%s", optarg);
            cli_overrides_add_copy(&overrides, seed);
            break;
        case 'h': usage(stdout); cli_overrides_free(&overrides); return CLI_OK;
        default: cli_overrides_free(&overrides); return cli_bad_option("validate", argv, options);
        }
    }
    if (optind != argc - 1) {
        cli_overrides_free(&overrides);
        return cli_usage_error("validate", "expected exactly one scenario file");
    }
    char err[2048];
    scenario *sc = scenario_load(argv[optind], overrides.items, overrides.n, err, sizeof err);
    cli_overrides_free(&overrides);
    if (!sc) {
        fprintf(stderr, "%s\n", err);
        return CLI_BAD_INPUT;
    }
    if (!quiet)
        cli_print_warnings(sc);
    if (print)
        scenario_print(sc, stdout);
    else if (!quiet)
        printf("%s: ok (%zu GPU types, %zu providers, %zu datacenters, %zu contracts, "
               "%zu workloads)\n", argv[optind], sc->spec->n_gpus, sc->spec->n_providers,
               sc->spec->n_datacenters, sc->spec->n_contracts, sc->spec->n_workloads);
    scenario_destroy(sc);
    return cli_finish_output(stdout, "validate", print ? "the resolved model" : "the verdict");
}
