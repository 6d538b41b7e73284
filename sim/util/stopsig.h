/*
 * stopsig: SIGINT and SIGTERM as a request to stop, the one copy of the
 * sigaction setup that every long-running loop (capsim run, sweep, search,
 * and each sweep worker) installs.
 */
#ifndef CAPSIM_STOPSIG_H
#define CAPSIM_STOPSIG_H

/* Routes SIGINT and SIGTERM to handler, which should only ask the loop to
 * stop (async-signal-safe): the loop then ends at a boundary that keeps
 * every committed result. sigaction rather than signal(): the handler
 * stays installed after it runs (a second Ctrl-C asks again instead of
 * killing the process mid-write). */
void stopsig_install(void (*handler)(int));

#endif
