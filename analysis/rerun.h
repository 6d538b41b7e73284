/*
 * rerun: a stored run's scenario, loaded again from what the database
 * holds: run.scenario_text (the resolved scenario: includes inlined,
 * --set overrides and the seed applied, CSV series and traces named by
 * absolute path), the copies of those CSV files in run_file, and its period (the ticks the run simulated, which is
 * where --until stopped it). The scenario is read from a temporary copy of
 * the text, then given the stored scenario path, text and run_param
 * origins, so that the new run's rows equal the stored run's.
 *
 * The stored copies of the CSV files are used, so a rerun does not depend on
 * the files still being where they were. A database written before run_file
 * existed has no copies: the text's absolute paths are read then.
 */
#ifndef CAPSIM_RERUN_H
#define CAPSIM_RERUN_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "../sim/scenario/scenario.h"

/* What a rerun needs: the scenario, the stop time and the copies of the
 * stored data files (kept on disk until rerun_source_free, so that the
 * store records the copies: store_set_file_copies(st, paths, copies, n)). */
typedef struct rerun_source {
    scenario *sc;
    int64_t stop;              /* exclusive, seconds since the start */
    char dir[4096];            /* the temporary folder; "" when none */
    char **files;              /* every file written in dir */
    size_t n_files;
    const char **paths;        /* stored data file paths (run_file.path) */
    const char **copies;       /* their copies in dir */
    size_t n_data;
} rerun_source;

/* Loads run `run` of db into *src. Returns 0, or -1 with err written and
 * *in_input set to 1 when the fault lies in the request or the stored run
 * (no such run, no stored text, a data file gone) and 0 otherwise (I/O,
 * memory); *src is then empty. */
int rerun_load(sqlite3 *db, int64_t run, rerun_source *src, int *in_input, char *err,
               size_t err_len);
/* Destroys the scenario and removes the temporary copies. */
void rerun_source_free(rerun_source *src);

#endif
