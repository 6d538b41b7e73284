/*
 * sweep_indices: the sensitivity indices of a finished sweep. When every
 * run of a saltelli or morris plan is complete in the sweep database, it
 * reads each run_metric present in every run, averaged over each point's
 * replications (store_sweep_point_means: the indices are those of the mean
 * response), computes the indices with sensitivity.h and replaces the
 * sweep's sweep_sensitivity rows with them:
 *   saltelli: S and T per parameter, with bootstrap 95% intervals;
 *   morris:   mu_star, mu and sigma per parameter, with bootstrap 95%
 *             intervals over the trajectories.
 * A metric that does not vary over the design gets no rows. The bootstrap
 * draws SENSITIVITY_RESAMPLES resamples from a stream seeded by the
 * sweep's seed, so the rows are a pure function of the sweep's results.
 *
 * `capsim sweep` calls it after the runs (sweep_run.c), `capsim merge`
 * after joining shards (the plan then comes from the sweep file text the
 * database keeps). With runs missing, failed or interrupted it computes
 * nothing and says how many runs are missing.
 */
#ifndef CAPSIM_SWEEP_INDICES_H
#define CAPSIM_SWEEP_INDICES_H

#include <stdio.h>
#include "sweep_plan.h"
#include "../store/store.h"

/* operations */
/* Computes and stores the indices of plan p's sweep in st; methods other
 * than saltelli and morris: nothing. label starts every message ("capsim
 * sweep"); hint ends the warning about missing runs (what completes the
 * sweep). A note on what was written goes to out (NULL: none), warnings and
 * errors to err. Returns 0, or -1 when the store failed. */
int sweep_indices_update(store *st, const sweep_plan *p, const char *label, const char *hint,
                         FILE *out, FILE *err);
/* The same for the sweep the database at db_path (open as st) holds, its
 * plan rebuilt from the stored sweep file. 0 when it holds no sweep. */
int sweep_indices_update_stored(store *st, const char *db_path, const char *label, FILE *out,
                                FILE *err);

#endif
