/*
 * stopsig: see stopsig.h.
 */
#include "stopsig.h"

#include <signal.h>
#include <string.h>

void stopsig_install(void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}
