/*
 * output: the last step of every command that writes results to a stream:
 * make sure they got there.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cli_finish_output(FILE *out, const char *cmd, const char *what)
{
    errno = 0;
    const int flushed = fflush(out) == 0;
    if (flushed && !ferror(out))
        return CLI_OK;
    const int why = errno;
    fprintf(stderr, "capsim %s: writing %s failed: %s\n", cmd, what,
            why ? strerror(why) : "an earlier write failed");
    return CLI_RUNTIME_FAILURE;
}
