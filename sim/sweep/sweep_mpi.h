/*
 * sweep_mpi: runs a sweep plan over MPI ranks (capsim sweep --mpi, in a
 * build with MPI=1): rank 0 hands runs out dynamically and is the only
 * writer; the other ranks run them, one forked process per run. See
 * sweep_mpi.c for the protocol. In a build without MPI it refuses.
 */
#ifndef CAPSIM_SWEEP_MPI_H
#define CAPSIM_SWEEP_MPI_H

#include "sweep_run.h"

/* 1 when this build has MPI. */
int sweep_mpi_available(void);
/* As sweep_execute, over MPI ranks; every rank calls it and gets the same
 * exit code. Without MPI: a message and SWEEP_RUN_BAD_INPUT. */
int sweep_execute_mpi(const sweep_file *f, const sweep_plan *p, const scenario *base,
                      const sweep_run_options *o);

#endif
