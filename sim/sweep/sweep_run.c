/*
 * sweep_run: the worker pool and the parent's merge loop (see the header).
 *
 * The parent polls: it reaps finished workers with waitpid(WNOHANG), kills
 * those past the timeout, starts new ones while fewer than `jobs` run, and
 * sleeps 20 ms when nothing happened. A worker's temporary files are
 * run-<index>.db (and its -wal, -shm) and run-<index>.err in the temporary
 * directory <out>.tmp.<pid>, removed after the merge, the directory at the
 * end.
 *
 * Worker exit codes: 0 complete, 3 interrupted (merged as 'interrupted'),
 * anything else failed. After the runs, the summary computes the
 * sensitivity indices of a complete saltelli or morris sweep
 * (sweep_indices.h).
 */
#include "sweep_run.h"
#include "sweep_run_internal.h"
#include "sweep_indices.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "../run/run.h"
#include "../store/store.h"
#include "../store/store_sweep.h"
#include "../util/stopsig.h"

#define WORKER_INTERRUPTED 3
#define STDERR_TAIL_BYTES 2000
#define POLL_NS 20000000L

static volatile sig_atomic_t stop_requested = 0;

/* asprintf without _GNU_SOURCE: *out is malloc'd; returns its length or -1. */
static int format_alloc(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int format_alloc(char **out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    *out = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!*out)
        return -1;
    va_start(ap, fmt);
    vsnprintf(*out, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return n;
}

void sweep_run_request_stop(void)
{
    stop_requested = 1;
}

int sweep__stop_requested(void)
{
    return stop_requested != 0;
}

double sweep__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- the overrides of one run ---- */

typedef struct run_overrides {
    scenario_override *items;
    char **text;
    size_t n;
} run_overrides;

static void overrides_free(run_overrides *o)
{
    for (size_t i = 0; i < o->n; i++)
        free(o->text[i]);
    free(o->text);
    free(o->items);
    memset(o, 0, sizeof *o);
}

/* The point's values, and the seed when with_seed. Returns 0 or -1. */
static int overrides_build(run_overrides *o, const sweep_plan *p, size_t point, int with_seed,
                           uint64_t seed)
{
    size_t n = p->n_paths + (with_seed != 0);
    o->items = calloc(n, sizeof *o->items);
    o->text = calloc(n, sizeof *o->text);
    o->n = 0;
    if (!o->items || !o->text)
        return -1;
    for (size_t k = 0; k < n; k++) {
        char *s = NULL;
        int len = k < p->n_paths
                      ? format_alloc(&s, "%s=%s", p->paths[k], sweep_plan_value(p, point, k))
                      : format_alloc(&s, "scenario.seed=%llu", (unsigned long long)seed);
        if (len < 0)
            return -1;
        o->text[o->n] = s;
        o->items[o->n++].assignment = s;
    }
    return 0;
}

/* ---- checking the points ---- */

scenario *sweep_check_points(const sweep_file *f, const sweep_plan *p, char *err, size_t err_len)
{
    scenario *first = NULL;
    char why[2048];
    for (size_t i = 0; i < p->n_points; i++) {
        run_overrides o = {0};
        if (overrides_build(&o, p, i, 0, 0) != 0) {
            overrides_free(&o);
            snprintf(err, err_len, "out of memory");
            scenario_destroy(first);
            return NULL;
        }
        scenario *sc = scenario_load(f->scenario_path, o.items, o.n, why, sizeof why);
        overrides_free(&o);
        if (!sc) {
            /* a --set error names the path: point at its [param] line */
            int line = f->sweep_line;
            const char *name = NULL;
            for (size_t k = 0; k < p->n_paths; k++) {
                size_t len = strlen(p->paths[k]);
                if (!strncmp(why, "--set ", 6) && !strncmp(why + 6, p->paths[k], len) &&
                    why[6 + len] == ':') {
                    line = p->path_line[k];
                    name = p->paths[k];
                }
            }
            if (name)
                snprintf(err, err_len, "%s:%d: [param %s]: point %zu: %s", f->path, line, name, i,
                         why);
            else
                snprintf(err, err_len, "%s:%d: [sweep] scenario: point %zu: %s", f->path,
                         f->scenario_line, i, why);
            scenario_destroy(first);
            return NULL;
        }
        if (!first)
            first = sc;
        else
            scenario_destroy(sc);
    }
    int64_t stop;
    if (first && run_stop_from_until(first->spec, f->until, &stop, why, sizeof why) != 0) {
        snprintf(err, err_len, "%s:%d: [sweep] until: %s", f->path, f->until_line,
                 why + (strncmp(why, "--until ", 8) ? 0 : 8));
        scenario_destroy(first);
        return NULL;
    }
    return first;
}

/* ---- the plan ---- */

void sweep_print_plan(const sweep_file *f, const sweep_plan *p, const sweep_run_options *o,
                      FILE *out)
{
    size_t runs = sweep_plan_runs(p), in_shard = 0;
    for (size_t i = 0; i < runs; i++)
        in_shard += (size_t)sweep_plan_in_shard(i, o->shard, o->n_shards);
    fprintf(out, "Sweep '%s' of %s\n", f->name ? f->name : "", f->scenario_path);
    fprintf(out, "method %s, %zu points x %ld replications = %zu runs; seeds %s from seed %llu;"
                 " record %s%s%s\n",
            sweep_method_name(f->method), p->n_points, p->replications, runs,
            sweep_seeds_name(p->seeds), (unsigned long long)p->seed,
            sweep_record_name(f->record), f->until ? "; until " : "", f->until ? f->until : "");
    if (o->n_shards > 1)
        fprintf(out, "shard %d/%d: %zu of the %zu runs\n", o->shard, o->n_shards, in_shard, runs);
    if (p->method == SWEEP_SALTELLI) {
        size_t n = (size_t)p->samples;
        fprintf(out, "saltelli design: points 0-%zu are matrix A, %zu-%zu matrix B", n - 1, n,
                2 * n - 1);
        for (size_t i = 0; i < p->n_params; i++)
            fprintf(out, ", %zu-%zu A with %s from B", (2 + i) * n, (3 + i) * n - 1,
                    p->paths[i]);
        fputc('\n', out);
    } else if (p->method == SWEEP_MORRIS) {
        fprintf(out, "morris design: %ld trajectories of %zu points on a grid of %ld levels "
                     "(trajectory t: points t x %zu to t x %zu + %zu)\n", p->samples,
                p->n_params + 1, p->levels, p->n_params + 1, p->n_params + 1, p->n_params);
    }
    fprintf(out, "\npoints:\n");
    for (size_t i = 0; i < p->n_points; i++) {
        fprintf(out, "  %zu:", i);
        for (size_t k = 0; k < p->n_paths; k++)
            fprintf(out, " %s=%s", p->paths[k], sweep_plan_value(p, i, k));
        fputc('\n', out);
    }
    fprintf(out, "\nruns (index point replication seed):\n");
    for (size_t i = 0; i < runs; i++) {
        if (!sweep_plan_in_shard(i, o->shard, o->n_shards))
            continue;
        size_t point = i / (size_t)p->replications;
        long rep = (long)(i % (size_t)p->replications);
        fprintf(out, "  %zu %zu %ld %llu\n", i, point, rep,
                (unsigned long long)sweep_plan_seed(p, point, rep));
    }
    fprintf(out, "\n%zu runs to do\n", in_shard);
}

/* ---- workers ---- */


static char *tmp_file(const sweep_state *s, size_t run, const char *suffix)
{
    char *path = NULL;
    if (format_alloc(&path, "%s/run-%zu%s", s->tmpdir, run, suffix) < 0)
        return NULL;
    return path;
}

static void remove_run_files(const sweep_state *s, size_t run)
{
    static const char *const suffixes[] = {".db", ".db-wal", ".db-shm", ".db-journal", ".err"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char *path = tmp_file(s, run, suffixes[i]);
        if (path)
            unlink(path);
        free(path);
    }
}

static void on_worker_signal(int sig)
{
    (void)sig;
    run_request_stop();
}

/* The worker's body: never returns. */
void sweep__worker_main(const sweep_state *s, size_t run, pid_t parent)
{
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    if (getppid() != parent)
        _exit(1);   /* the parent died before the line above took effect */
    stopsig_install(on_worker_signal);
    char *db = tmp_file(s, run, ".db"), *errpath = tmp_file(s, run, ".err");
    if (!db || !errpath)
        _exit(1);
    int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        dup2(fd, STDERR_FILENO);
        close(fd);
    }
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) {
        dup2(devnull, STDOUT_FILENO);
        close(devnull);
    }
    const sweep_plan *p = s->p;
    size_t point = run / (size_t)p->replications;
    long rep = (long)(run % (size_t)p->replications);
    run_overrides o = {0};
    if (overrides_build(&o, p, point, 1, sweep_plan_seed(p, point, rep)) != 0)
        _exit(1);
    char err[2048];
    scenario *sc = scenario_load(s->f->scenario_path, o.items, o.n, err, sizeof err);
    if (!sc) {
        fprintf(stderr, "%s\n", err);
        _exit(1);
    }
    int64_t stop;
    if (run_stop_from_until(sc->spec, s->f->until, &stop, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        _exit(1);
    }
    store_status status;
    store *st = store_open(db, 1, &status, err, sizeof err);
    if (!st) {
        fprintf(stderr, "%s\n", err);
        _exit(1);
    }
    /* record = summary keeps no per-tick row: the worker only sums their metrics */
    store_set_tick_rows(st, s->f->record != SWEEP_RECORD_SUMMARY);
    run_options driver = {.stop = stop};
    run_result r;
    run_scenario(sc, st, &driver, &r);
    if (r.error[0])
        fprintf(stderr, "%s\n", r.error);
    store_close(st);
    int code = r.status == RUN_COMPLETE ? 0 : r.status == RUN_INTERRUPTED ? WORKER_INTERRUPTED : 1;
    fflush(stderr);
    _exit(code);
}

static int spawn(sweep_state *s, worker *w, size_t run)
{
    fflush(stdout);
    fflush(stderr);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0)
        sweep__worker_main(s, run, parent);
    w->pid = pid;
    w->run = run;
    w->started = sweep__now();
    w->timed_out = 0;
    s->running++;
    return 0;
}

/* The last STDERR_TAIL_BYTES of the worker's stderr (malloc'd, maybe ""). */
static char *stderr_tail(const sweep_state *s, size_t run)
{
    char *path = tmp_file(s, run, ".err");
    FILE *fp = path ? fopen(path, "rb") : NULL;
    free(path);
    char *buf = calloc(1, STDERR_TAIL_BYTES + 1);
    if (!fp || !buf)
        goto done;
    if (fseek(fp, 0, SEEK_END) == 0) {
        long size = ftell(fp);
        long from = size > STDERR_TAIL_BYTES ? size - STDERR_TAIL_BYTES : 0;
        fseek(fp, from, SEEK_SET);
        size_t n = fread(buf, 1, STDERR_TAIL_BYTES, fp);
        buf[n] = '\0';
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
            buf[--n] = '\0';
    }
done:
    if (fp)
        fclose(fp);
    return buf;
}

static void note_failure(sweep_state *s, size_t run, const char *reason)
{
    const sweep_plan *p = s->p;
    char *line = NULL;
    if (format_alloc(&line, "run %lld (point %zu, replication %zu): %s",
                 (long long)(s->run_id_base + (int64_t)run + 1), run / (size_t)p->replications,
                 run % (size_t)p->replications, reason) < 0)
        return;
    char **grown = realloc(s->failures, (s->n_failures + 1) * sizeof *grown);
    if (!grown) {
        free(line);
        return;
    }
    s->failures = grown;
    s->failures[s->n_failures++] = line;
}

static void record_failed(sweep_state *s, size_t run, const char *reason)
{
    const sweep_plan *p = s->p;
    size_t point = run / (size_t)p->replications;
    long rep = (long)(run % (size_t)p->replications);
    char *tail = stderr_tail(s, run);
    const char **values = calloc(p->n_paths ? p->n_paths : 1, sizeof *values);
    for (size_t k = 0; values && k < p->n_paths; k++)
        values[k] = sweep_plan_value(p, point, k);
    int64_t id = s->run_id_base + (int64_t)run + 1;
    if (!values || store_sweep_record_failed(s->st, s->base, id, (long)point, rep,
                                             sweep_plan_seed(p, point, rep), s->f->path,
                                             (const char *const *)p->paths, values, p->n_paths,
                                             reason, tail) != 0) {
        fprintf(stderr, "capsim sweep: recording failed run %lld: %s\n", (long long)id,
                store_errmsg(s->st));
        s->db_error = 1;
    }
    if (tail && *tail) {
        const char *last = strrchr(tail, '\n');
        char *full = NULL;
        if (format_alloc(&full, "%s; stderr: %s", reason, last ? last + 1 : tail) >= 0) {
            note_failure(s, run, full);
            free(full);
        }
    } else {
        note_failure(s, run, reason);
    }
    free(values);
    free(tail);
    s->failed++;
}

void sweep__finished(sweep_state *s, worker *w, int status)
{
    size_t run = w->run;
    const sweep_plan *p = s->p;
    w->pid = 0;
    s->running--;
    char reason[256];
    if (w->timed_out) {
        snprintf(reason, sizeof reason, "timed out after %g s (timeout_s) and was killed",
                 s->f->timeout_s);
        record_failed(s, run, reason);
    } else if (WIFEXITED(status) &&
               (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == WORKER_INTERRUPTED)) {
        char *db = tmp_file(s, run, ".db");
        int64_t id = s->run_id_base + (int64_t)run + 1;
        if (!db || store_sweep_merge_run(s->st, db, id, (long)(run / (size_t)p->replications),
                                         (long)(run % (size_t)p->replications),
                                         (store_record)s->f->record) != 0) {
            fprintf(stderr, "capsim sweep: merging run %lld: %s\n", (long long)id,
                    store_errmsg(s->st));
            s->db_error = 1;
        } else if (WEXITSTATUS(status) == 0) {
            s->done++;
        } else {
            s->interrupted++;
        }
        free(db);
    } else if (WIFEXITED(status)) {
        snprintf(reason, sizeof reason, "exited with status %d", WEXITSTATUS(status));
        record_failed(s, run, reason);
    } else if (WIFSIGNALED(status)) {
        snprintf(reason, sizeof reason, "killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
        record_failed(s, run, reason);
    } else {
        record_failed(s, run, "ended abnormally");
    }
    remove_run_files(s, run);
}

void sweep__progress(sweep_state *s, int force)
{
    if (s->o->quiet)
        return;
    double now = sweep__now();
    if (!force && now - s->last_progress < 1.0)
        return;
    s->last_progress = now;
    size_t ended = s->done + s->failed + s->interrupted;
    double elapsed = now - s->started;
    double rate = elapsed > 0 ? (double)ended / elapsed : 0;
    size_t left = s->n_todo - ended;
    char eta[32] = "?";
    if (rate > 0)
        snprintf(eta, sizeof eta, "%.0f s", (double)left / rate);
    int tty = isatty(STDERR_FILENO);
    fprintf(stderr, "%ssweep: %zu/%zu runs done, %zu failed, %zu running, %.2f runs/s, ETA %s%s",
            tty ? "\r" : "", s->done + s->interrupted, s->n_todo, s->failed, s->running, rate,
            eta, tty ? "   " : "\n");
    fflush(stderr);
}

static void check_timeouts(sweep_state *s)
{
    if (!(s->f->timeout_s > 0))
        return;
    double now = sweep__now();
    for (int i = 0; i < s->o->jobs; i++) {
        worker *w = &s->workers[i];
        if (w->pid > 0 && !w->timed_out && now - w->started > s->f->timeout_s) {
            kill(w->pid, SIGKILL);
            w->timed_out = 1;
        }
    }
}

static void pass_stop_on(sweep_state *s)
{
    for (int i = 0; i < s->o->jobs; i++)
        if (s->workers[i].pid > 0)
            kill(s->workers[i].pid, SIGINT);
}

static worker *worker_of(sweep_state *s, pid_t pid)
{
    for (int i = 0; i < s->o->jobs; i++)
        if (s->workers[i].pid == pid)
            return &s->workers[i];
    return NULL;
}

static void loop(sweep_state *s)
{
    int stopping = 0;
    while (s->running > 0 || (!stopping && !s->db_error && s->next < s->n_todo)) {
        if (stop_requested && !stopping) {
            stopping = 1;
            pass_stop_on(s);
        }
        for (int i = 0; !stopping && !s->db_error && i < s->o->jobs && s->next < s->n_todo; i++) {
            if (s->workers[i].pid != 0)
                continue;
            if (spawn(s, &s->workers[i], s->todo[s->next]) != 0) {
                fprintf(stderr, "capsim sweep: cannot start a worker: %s\n", strerror(errno));
                s->db_error = 1;
                break;
            }
            s->next++;
        }
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            worker *w = worker_of(s, pid);
            if (w)
                sweep__finished(s, w, status);
            sweep__progress(s, 0);
            continue;
        }
        if (pid < 0 && errno == ECHILD && s->running > 0)
            s->running = 0;   /* cannot happen; never spin */
        check_timeouts(s);
        sweep__progress(s, 0);
        struct timespec ts = {0, POLL_NS};
        nanosleep(&ts, NULL);
    }
}

/* ---- the output ---- */

static int refuse_existing(const sweep_run_options *o)
{
    struct stat sb;
    if (!o->resume && stat(o->out_path, &sb) == 0 && (S_ISDIR(sb.st_mode) || sb.st_size > 0)) {
        fprintf(stderr, "capsim sweep: %s already exists; --resume completes the sweep it "
                        "holds, or choose another -o\n", o->out_path);
        return 1;
    }
    return 0;
}

/* Opens the output and creates (or, resuming, checks) the sweep. */
static int open_output(sweep_state *s)
{
    const sweep_file *f = s->f;
    const sweep_plan *p = s->p;
    char err[2048];
    store_status status;
    s->st = store_open(s->o->out_path, 0, &status, err, sizeof err);
    if (!s->st) {
        fprintf(stderr, "capsim sweep: %s\n", err);
        return capsim_status_in_input(status) ? SWEEP_RUN_BAD_INPUT : SWEEP_RUN_FAILED;
    }
    char *text = NULL;
    int found = store_sweep_find(s->st, &text, &s->run_id_base);
    if (found < 0) {
        fprintf(stderr, "capsim sweep: %s\n", store_errmsg(s->st));
        return SWEEP_RUN_FAILED;
    }
    if (found) {
        int same = !strcmp(text, f->text);
        free(text);
        if (!same) {
            fprintf(stderr, "capsim sweep: %s: --resume refused: the sweep it holds was "
                            "written from another sweep file (the stored text differs from "
                            "%s); resume with the file that wrote it, or choose another -o\n",
                    s->o->out_path, f->path);
            return SWEEP_RUN_BAD_INPUT;
        }
        return SWEEP_RUN_OK;
    }
    int has = store_has_runs(s->st);
    if (has != 0) {
        fprintf(stderr, "capsim sweep: %s holds runs but no sweep; choose another -o\n",
                s->o->out_path);
        return has < 0 ? SWEEP_RUN_FAILED : SWEEP_RUN_BAD_INPUT;
    }
    store_sweep_info info = {
        .name = f->name, .file_path = f->path, .file_text = f->text,
        .scenario_path = f->scenario_path, .method = sweep_method_name(f->method),
        .samples = f->samples, .replications = f->replications,
        .seeds = sweep_seeds_name(f->seeds), .seed = f->seed,
        .record = sweep_record_name(f->record), .until = f->until, .timeout_s = f->timeout_s,
        .points = p->n_points, .runs = sweep_plan_runs(p)};
    if (store_sweep_create(s->st, &info, (const char *const *)p->paths, p->n_paths,
                           (const char *const *)p->values, &s->run_id_base) != 0) {
        fprintf(stderr, "capsim sweep: %s\n", store_errmsg(s->st));
        return SWEEP_RUN_FAILED;
    }
    return SWEEP_RUN_OK;
}

/* The runs of the plan (or shard) that are not complete in the output. */
static int list_todo(sweep_state *s)
{
    size_t runs = sweep_plan_runs(s->p);
    unsigned char *done = calloc(runs ? runs : 1, 1);
    s->todo = calloc(runs ? runs : 1, sizeof *s->todo);
    if (!done || !s->todo) {
        free(done);
        return -1;
    }
    if (store_sweep_complete_runs(s->st, s->p->replications, done, runs) != 0) {
        fprintf(stderr, "capsim sweep: %s\n", store_errmsg(s->st));
        free(done);
        return -1;
    }
    for (size_t i = 0; i < runs; i++)
        if (!done[i] && sweep_plan_in_shard(i, s->o->shard, s->o->n_shards))
            s->todo[s->n_todo++] = i;
    free(done);
    return 0;
}

/* Removes dir and the files in it (one level: a temporary directory). */
static void remove_dir_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *path = NULL;
        if (format_alloc(&path, "%s/%s", dir, e->d_name) >= 0)
            unlink(path);
        free(path);
    }
    closedir(d);
    rmdir(dir);
}

/* The temporary directories of earlier sweeps into the same output whose
 * process is gone (a parent killed outright): removed. */
static void remove_stale_tmpdirs(const char *out_path)
{
    char *copy = strdup(out_path);
    if (!copy)
        return;
    char *slash = strrchr(copy, '/');
    const char *dir = slash ? (slash == copy ? "/" : copy) : ".";
    const char *base = slash ? slash + 1 : copy;
    if (slash)
        *slash = '\0';
    char *prefix = NULL;
    DIR *d = format_alloc(&prefix, "%s.tmp.", base) >= 0 ? opendir(dir) : NULL;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        size_t n = strlen(prefix);
        if (strncmp(e->d_name, prefix, n) != 0)
            continue;
        char *end;
        long pid = strtol(e->d_name + n, &end, 10);
        if (*end || pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;   /* not ours, or its process is still there */
        char *path = NULL;
        if (format_alloc(&path, "%s/%s", dir, e->d_name) >= 0)
            remove_dir_files(path);
        free(path);
    }
    if (d)
        closedir(d);
    free(prefix);
    free(copy);
}

static int make_tmpdir(sweep_state *s)
{
    remove_stale_tmpdirs(s->o->out_path);
    if (format_alloc(&s->tmpdir, "%s.tmp.%ld", s->o->out_path, (long)getpid()) < 0) {
        s->tmpdir = NULL;
        return -1;
    }
    if (mkdir(s->tmpdir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "capsim sweep: cannot create %s: %s\n", s->tmpdir, strerror(errno));
        return -1;
    }
    return 0;
}

int sweep__summarise(sweep_state *s)
{
    sweep__progress(s, 1);
    if (!s->o->quiet && isatty(STDERR_FILENO))
        fputc('\n', stderr);
    size_t not_started = s->n_todo - s->next;
    printf("Sweep '%s': %zu runs complete, %zu failed, %zu interrupted, %zu not started "
           "(of %zu to do); written to %s\n",
           s->f->name ? s->f->name : "", s->done, s->failed, s->interrupted, not_started,
           s->n_todo, s->o->out_path);
    for (size_t i = 0; i < s->n_failures; i++)
        fprintf(stderr, "capsim sweep: failed: %s\n", s->failures[i]);
    if (s->interrupted || not_started)
        fprintf(stderr, "capsim sweep: stopped early; `capsim sweep %s -o %s --resume` runs "
                        "what is missing\n", s->f->path, s->o->out_path);
    if (!s->db_error) {
        char hint[4400];
        if (s->o->n_shards > 1)
            snprintf(hint, sizeof hint, "; this is shard %d/%d: `capsim merge` of every shard "
                     "computes them", s->o->shard, s->o->n_shards);
        else
            snprintf(hint, sizeof hint, "; `capsim sweep %s -o %s --resume` completes the "
                     "sweep", s->f->path, s->o->out_path);
        if (sweep_indices_update(s->st, s->p, "capsim sweep", hint, stdout, stderr) != 0)
            s->db_error = 1;
    }
    return s->db_error || s->failed || s->interrupted || not_started ? SWEEP_RUN_FAILED
                                                                     : SWEEP_RUN_OK;
}

int sweep__prepare(sweep_state *s)
{
    if (refuse_existing(s->o))
        return SWEEP_RUN_BAD_INPUT;
    int code = open_output(s);
    if (code == SWEEP_RUN_OK && list_todo(s) != 0)
        code = SWEEP_RUN_FAILED;
    if (code == SWEEP_RUN_OK && s->n_todo > 0 && make_tmpdir(s) != 0)
        code = SWEEP_RUN_FAILED;
    s->workers = calloc((size_t)(s->o->jobs > 0 ? s->o->jobs : 1), sizeof *s->workers);
    if (code == SWEEP_RUN_OK && !s->workers)
        code = SWEEP_RUN_FAILED;
    s->started = sweep__now();
    s->last_progress = s->started;
    return code;
}

void sweep__release(sweep_state *s)
{
    if (s->tmpdir)
        rmdir(s->tmpdir);
    for (size_t i = 0; i < s->n_failures; i++)
        free(s->failures[i]);
    free(s->failures);
    free(s->tmpdir);
    free(s->todo);
    free(s->workers);
    store_close(s->st);
    memset(s, 0, sizeof *s);
}

int sweep_execute(const sweep_file *f, const sweep_plan *p, const scenario *base,
                  const sweep_run_options *o)
{
    sweep_state s = {.f = f, .p = p, .base = base, .o = o};
    int code = sweep__prepare(&s);
    if (code == SWEEP_RUN_OK) {
        loop(&s);
        code = sweep__summarise(&s);
    }
    sweep__release(&s);
    return code;
}

/* ---- for other drivers of the pool (search_run.c) ---- */

void sweep__run_todo(sweep_state *s)
{
    loop(s);
}

int sweep__make_tmpdir(sweep_state *s)
{
    return make_tmpdir(s);
}
