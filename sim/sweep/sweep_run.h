/*
 * sweep_run: runs a sweep plan. Every run is a separate process: a forked
 * worker loads the scenario with the point's values and its seed as --set
 * overrides, calls the run driver (sim/run) into a database of its own in a
 * temporary directory next to the output, and exits. The parent is the only
 * writer of the sweep database: it merges each finished run into it
 * (store_sweep_merge_run) and removes the run's temporary database, so a
 * crash loses one run, never the sweep.
 *
 * A run that crashes, exits non-zero or passes the sweep's timeout_s
 * (killed with SIGKILL) is recorded as a run row with status 'failed', its
 * reason and the tail of its stderr in event_log (store_sweep_record_failed);
 * the sweep goes on. SIGINT or SIGTERM (sweep_run_request_stop) stops
 * handing out runs and passes SIGINT to the running ones, which stop after
 * their current tick and are merged as 'interrupted'. Workers die with the
 * parent (PR_SET_PDEATHSIG on Linux), so a parent killed outright leaves no
 * orphan writing on; the next sweep into the same output removes the
 * temporary directory such a parent left. --resume runs every run of the
 * plan (or shard) that is not 'complete' in the output.
 *
 * Before the first run starts, every point's scenario is loaded and
 * checked; an error names the sweep file's line and the point.
 */
#ifndef CAPSIM_SWEEP_RUN_H
#define CAPSIM_SWEEP_RUN_H

#include <stdio.h>
#include "sweep_file.h"
#include "sweep_plan.h"
#include "../scenario/scenario.h"

typedef struct sweep_run_options {
    const char *out_path;
    int jobs;              /* workers kept busy, >= 1 */
    int resume;
    int shard, n_shards;   /* 1-based shard of n; n_shards 1: the whole plan */
    int quiet;             /* no progress on stderr */
} sweep_run_options;

/* Outcome codes, the command's exit codes. */
enum { SWEEP_RUN_OK = 0, SWEEP_RUN_FAILED = 1, SWEEP_RUN_BAD_INPUT = 2 };

/* operations */
/* Loads and checks the scenario of every point (the base with the point's
 * values). Returns the base scenario (the first point's, caller destroys)
 * or NULL with "FILE:LINE: [param PATH]: point N: ..." in err. */
scenario *sweep_check_points(const sweep_file *f, const sweep_plan *p, char *err,
                             size_t err_len);
/* Prints the plan (points, replications, seeds, runs of the shard). */
void sweep_print_plan(const sweep_file *f, const sweep_plan *p, const sweep_run_options *o,
                      FILE *out);
/* Runs the plan into o->out_path. `base` is the first point's scenario (for
 * the rows of failed runs). Messages go to stderr, the closing summary to
 * stdout. Returns SWEEP_RUN_OK when every run of the plan (or shard) is
 * complete, SWEEP_RUN_FAILED when any failed or was interrupted or the
 * database failed, SWEEP_RUN_BAD_INPUT when the output is refused. */
int sweep_execute(const sweep_file *f, const sweep_plan *p, const scenario *base,
                  const sweep_run_options *o);
/* Async-signal-safe: stop handing out runs, interrupt the running ones. */
void sweep_run_request_stop(void);

#endif
