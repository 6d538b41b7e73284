#include "progress.h"

#include <errno.h>
#include <time.h>
#include <unistd.h>

#include "../util/caltime.h"

double progress_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void progress_init(progress *p, progress_mode mode, FILE *out, int64_t total_ticks,
                   int64_t start_epoch)
{
    p->mode = mode;
    p->out = out;
    p->tty = isatty(fileno(out));
    p->total_ticks = total_ticks > 0 ? total_ticks : 1;
    p->start_epoch = start_epoch;
    p->started_wall = progress_now();
    p->last_draw_wall = 0.0;
    p->last_step = -1;
    p->broken = 0;
}

int progress_broken(const progress *p)
{
    return p->broken;
}

/* Formats seconds as H:MM:SS. */
static void format_eta(double seconds, char *buf, size_t len)
{
    if (seconds < 0 || seconds > 359999)
        seconds = 0;
    long s = (long)seconds;
    snprintf(buf, len, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
}

static void draw(progress *p, int64_t ticks_done, int64_t t, int bar)
{
    errno = 0;
    double elapsed = progress_now() - p->started_wall;
    double fraction = (double)ticks_done / (double)p->total_ticks;
    double rate = elapsed > 0 ? (double)ticks_done / elapsed : 0.0;
    double eta = rate > 0 ? (double)(p->total_ticks - ticks_done) / rate : 0.0;
    char date[11], eta_text[40];
    caltime_format_date(p->start_epoch + t, date);
    format_eta(eta, eta_text, sizeof eta_text);
    if (bar) {
        char cells[31];
        int filled = (int)(fraction * 30.0);
        for (int i = 0; i < 30; i++)
            cells[i] = i < filled ? '#' : '.';
        cells[30] = '\0';
        fprintf(p->out, "\r[%s] %5.1f%%  %s  %8.0f ticks/s  ETA %s ", cells,
                fraction * 100.0, date, rate, eta_text);
    } else {
        fprintf(p->out, "progress: %5.1f%%  simulated %s  %.0f ticks/s  ETA %s\n",
                fraction * 100.0, date, rate, eta_text);
    }
    if (fflush(p->out) != 0 || ferror(p->out)) {
        /* stderr is unbuffered: a failed write shows in ferror, and errno
         * still holds its reason; a full disk is no reason to stop */
        if (errno == EPIPE)
            p->broken = 1;
        clearerr(p->out);
    }
}

void progress_update(progress *p, int64_t ticks_done, int64_t t)
{
    if (p->mode == PROGRESS_QUIET || p->broken)
        return;
    if (p->tty && p->mode == PROGRESS_AUTO) {
        double now = progress_now();
        if (now - p->last_draw_wall < 0.2 && ticks_done < p->total_ticks)
            return;
        p->last_draw_wall = now;
        draw(p, ticks_done, t, 1);
        return;
    }
    int steps = p->mode == PROGRESS_LINES ? 100 : 10;
    int step = (int)(ticks_done * steps / p->total_ticks);
    if (step > p->last_step) {
        p->last_step = step;
        draw(p, ticks_done, t, 0);
    }
}

void progress_finish(progress *p)
{
    if (p->mode != PROGRESS_QUIET && !p->broken && p->tty && p->mode == PROGRESS_AUTO)
        fputc('\n', p->out);
}
