#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../util/grow.h"

int cli_overrides_add(cli_overrides *o, const char *assignment)
{
    if (grow_reserve((void **)&o->items, &o->cap, o->n + 1, 8, sizeof *o->items) != 0)
        return -1;
    o->items[o->n++].assignment = assignment;
    return 0;
}

int cli_overrides_add_copy(cli_overrides *o, const char *assignment)
{
    char *copy = strdup(assignment);
    if (!copy || grow_reserve((void **)&o->owned, &o->cap_owned, o->n_owned + 1, 4,
                              sizeof *o->owned) != 0) {
        free(copy);
        return -1;
    }
    o->owned[o->n_owned++] = copy;
    return cli_overrides_add(o, copy);
}

void cli_overrides_free(cli_overrides *o)
{
    for (size_t i = 0; i < o->n_owned; i++)
        free(o->owned[i]);
    free(o->owned);
    free(o->items);
    memset(o, 0, sizeof *o);
}

void cli_print_warnings(const scenario *sc)
{
    for (size_t i = 0; i < sc->n_warnings; i++)
        fprintf(stderr, "%s\n", sc->warnings[i]);
}
