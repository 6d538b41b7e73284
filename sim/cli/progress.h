/*
 * progress: run progress on stderr. On a terminal it redraws one bar line
 * with the simulated date, the rate in ticks per second and the ETA; when
 * stderr is not a terminal it prints a plain line at every 10% of simulated
 * time (every 1% with --progress), so logs stay readable. Quiet mode prints
 * nothing. A write that fails with EPIPE (the reader of stderr has gone,
 * as in `capsim run ... 2>&1 | head -1`) marks the progress broken and it
 * writes nothing more; the run treats that as an interruption.
 */
#ifndef CAPSIM_PROGRESS_H
#define CAPSIM_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

typedef enum progress_mode {
    PROGRESS_AUTO = 0,   /* bar on a TTY, lines every 10% otherwise */
    PROGRESS_QUIET = 1,  /* -q */
    PROGRESS_LINES = 2   /* --progress: lines every 1% */
} progress_mode;

typedef struct progress {
    progress_mode mode;
    int tty;
    FILE *out;
    int64_t total_ticks;
    int64_t start_epoch;      /* epoch seconds of simulated t = 0 */
    double started_wall;      /* monotonic seconds */
    double last_draw_wall;
    int last_step;            /* last percent step printed in line mode */
    int broken;               /* a write failed with EPIPE: nobody reads any more */
} progress;

/* Monotonic wall clock in seconds. */
double progress_now(void);

void progress_init(progress *p, progress_mode mode, FILE *out, int64_t total_ticks,
                   int64_t start_epoch);
/* Called after each tick; cheap when nothing is to be drawn. */
void progress_update(progress *p, int64_t ticks_done, int64_t t);
/* 1 once a write found the reader gone (EPIPE). */
int progress_broken(const progress *p);
/* Ends the bar line (if any). */
void progress_finish(progress *p);

#endif
