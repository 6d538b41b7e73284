/*
 * rerun: a stored run's scenario, loaded again from what the database
 * holds: run.scenario_text (the resolved scenario: includes inlined,
 * --set overrides and the seed applied, CSV series and traces named by
 * absolute path) and its period (the ticks the run simulated, which is
 * where --until stopped it). The scenario is read from a temporary copy of
 * the text, then given the stored scenario path, text and run_param
 * origins, so that the new run's rows equal the stored run's.
 *
 * CSV series and job traces are not stored in the database: a rerun reads
 * them again from their absolute paths, so it reproduces the run as long
 * as those files exist unchanged.
 */
#ifndef CAPSIM_RERUN_H
#define CAPSIM_RERUN_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "../sim/scenario/scenario.h"

/* Loads run `run` of db. On success returns the scenario (scenario_destroy)
 * and sets *stop to the exclusive stop time in seconds since the start. On
 * failure returns NULL, writes err and sets *in_input to 1 when the fault
 * lies in the request or the stored run (no such run, no stored text, a
 * series file gone) and 0 otherwise (I/O, memory). */
scenario *rerun_load(sqlite3 *db, int64_t run, int64_t *stop, int *in_input, char *err,
                     size_t err_len);

#endif
