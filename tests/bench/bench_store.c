/*
 * bench_store: what storage costs the default run, as ratios of three
 * figures measured in turn in this process (run, off, insert; three rounds;
 * medians):
 *  - run: run_scenario into a fresh database, as `capsim run` does it (the
 *    simulation on this thread, the store's writer thread beside it);
 *  - off: the same scenario on the same model and engine with an observer
 *    that stores nothing: the simulation alone;
 *  - insert: the run's rows alone, read back from the run's database tick by
 *    tick (not timed) and written through the store's own prepared
 *    statements, commits and metric accumulation (store__write_snapshot on
 *    this thread, then store_end_run; timed).
 * With simulation and storage overlapped on two cores, run approaches the
 * larger of off and insert; run / max(off, insert) is the overlap's
 * figure (1.00 would be perfect); it needs two free cores. CPU times
 * show the same without them: the simulation thread's CPU in the run
 * against the simulation alone (how much storage work is left on it), and
 * the run's process CPU against off + insert (the work, wherever it ran).
 * CAPSIM_BENCH_UNTIL=YYYY-MM-DD shortens the three runs alike.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "../../sim/engine/engine.h"
#include "../../sim/run/run.h"
#include "../../sim/store/store_internal.h"

static double clock_seconds(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now_seconds(void) { return clock_seconds(CLOCK_MONOTONIC); }

/* CPU seconds of one measurement: this thread's, and the process's (this
 * thread and the store's writer thread). */
typedef struct cpu_time {
    double thread, process;
} cpu_time;

static cpu_time cpu_now(void)
{
    return (cpu_time){clock_seconds(CLOCK_THREAD_CPUTIME_ID),
                      clock_seconds(CLOCK_PROCESS_CPUTIME_ID)};
}

static cpu_time cpu_since(cpu_time t0)
{
    cpu_time t = cpu_now();
    return (cpu_time){t.thread - t0.thread, t.process - t0.process};
}

/* ---- run: the default run into a database --------------------------- */

static double time_run(const scenario *sc, int64_t stop, const char *path, cpu_time *cpu)
{
    double t0 = now_seconds();
    cpu_time c0 = cpu_now();
    store_status status;
    char err[1024];
    *cpu = (cpu_time){0, 0};
    store *st = store_open(path, 1, &status, err, sizeof err);
    if (!st) {
        fprintf(stderr, "bench_store: %s\n", err);
        return -1.0;
    }
    run_result r;
    run_options opts = {.stop = stop};
    int rc = run_scenario(sc, st, &opts, &r);
    run_result_free(&r);
    store_close(st);
    *cpu = cpu_since(c0);
    if (rc != 0) {
        fprintf(stderr, "bench_store: the run failed: %s\n", r.error);
        return -1.0;
    }
    return now_seconds() - t0;
}

/* ---- off: the simulation alone -------------------------------------- */

static int count_tick(const market *m, int64_t tick_index, int64_t t, void *ctx)
{
    (void)m, (void)tick_index, (void)t;
    ++*(int64_t *)ctx;
    return 0;
}

static double time_off(const scenario *sc, int64_t stop, int64_t *ticks, cpu_time *cpu)
{
    double t0 = now_seconds();
    cpu_time c0 = cpu_now();
    market *m = market_create(sc->spec);
    engine *e = engine_create();
    *ticks = 0;
    market_observer obs = {.on_tick = count_tick, .ctx = ticks};
    if (!m || !e || market_attach(m, e, &obs) != CAPSIM_OK) {
        engine_destroy(e);
        market_destroy(m);
        return -1.0;
    }
    engine_clear_stop();
    engine_run(e, stop - 1);
    size_t n = market_end_metrics(m, engine_now(e), NULL, 0);  /* as the driver does */
    market_metric *metrics = calloc(n + 1, sizeof *metrics);
    market_end_metrics(m, engine_now(e), metrics, n);
    free(metrics);
    engine_destroy(e);
    market_destroy(m);
    *cpu = cpu_since(c0);
    return now_seconds() - t0;
}

/* ---- insert: the rows alone ----------------------------------------- */

typedef struct replay {
    sqlite3 *src;
    sqlite3_stmt *tick, *rows[STORE_N_TICK_TABLES], *dc, *contract;
    store_snapshot snap;
} replay;

static void replay_close(replay *r)
{
    sqlite3_finalize(r->tick);
    sqlite3_finalize(r->dc);
    sqlite3_finalize(r->contract);
    for (int i = 0; i < STORE_N_TICK_TABLES; i++) {
        sqlite3_finalize(r->rows[i]);
        free(r->snap.rows[i]);
    }
    free(r->snap.new_dcs);
    free(r->snap.new_contracts);
    sqlite3_close(r->src);
}

static int replay_open(replay *r, const char *path)
{
    memset(r, 0, sizeof *r);
    if (sqlite3_open_v2(path, &r->src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return -1;
    int bad = sqlite3_prepare_v2(r->src, "SELECT tick, t, date FROM tick WHERE run_id = 1"
                                 " ORDER BY tick", -1, &r->tick, NULL);
    bad |= sqlite3_prepare_v2(r->src, "SELECT name, owner_id, power_mw, pue FROM datacenter"
                              " WHERE run_id = 1 AND id = ?1", -1, &r->dc, NULL);
    bad |= sqlite3_prepare_v2(r->src, "SELECT name, lessor_id, lessee_id, gpus FROM contract"
                              " WHERE run_id = 1 AND id = ?1", -1, &r->contract, NULL);
    for (int i = 0; i < STORE_N_TICK_TABLES; i++) {
        const store_row_table *t = store_rows_table(i);
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT * FROM %s WHERE run_id = 1 AND tick = ?1 ORDER BY %s",
                 t->name, t->entity_key);
        bad |= sqlite3_prepare_v2(r->src, sql, -1, &r->rows[i], NULL);
        r->snap.cap[i] = 4096;
        r->snap.rows[i] = calloc(r->snap.cap[i], t->row_size);
        bad |= !r->snap.rows[i];
    }
    r->snap.new_dcs = calloc(4096, sizeof *r->snap.new_dcs);
    r->snap.new_contracts = calloc(4096, sizeof *r->snap.new_contracts);
    return bad || !r->snap.new_dcs || !r->snap.new_contracts ? -1 : 0;
}

/* Reads one table's rows of a tick into the snapshot, column by column
 * through the row table. */
static void read_rows(replay *r, int table, int64_t tick)
{
    const store_row_table *t = store_rows_table(table);
    sqlite3_stmt *s = r->rows[table];
    sqlite3_bind_int64(s, 1, tick);
    size_t n = 0;
    while (sqlite3_step(s) == SQLITE_ROW && n < r->snap.cap[table]) {
        char *row = (char *)r->snap.rows[table] + n * t->row_size;
        for (size_t c = 0; c < t->n_columns; c++) {
            char *field = row + t->columns[c].offset;
            const int col = 3 + (int)c;
            if (t->columns[c].kind == STORE_COLUMN_INT)
                *(int *)field = sqlite3_column_int(s, col);
            else if (t->columns[c].kind == STORE_COLUMN_INT64)
                *(int64_t *)field = sqlite3_column_int64(s, col);
            else
                *(double *)field = sqlite3_column_double(s, col);
        }
        n++;
    }
    sqlite3_reset(s);
    r->snap.n[table] = n;
}

/* Entities that appear at this tick: enough of them for their rows. */
static void read_new_entities(replay *r, store *st)
{
    store_snapshot *s = &r->snap;
    s->n_new_dcs = s->n_new_contracts = 0;
    s->first_new_dc = st->tables[STORE_DC_TICK].n;
    for (size_t id = s->first_new_dc; id < s->n[STORE_DC_TICK]; id++) {
        spec_datacenter *d = &s->new_dcs[s->n_new_dcs++];
        memset(d, 0, sizeof *d);
        sqlite3_bind_int64(r->dc, 1, (sqlite3_int64)id);
        if (sqlite3_step(r->dc) == SQLITE_ROW) {
            snprintf(d->name, sizeof d->name, "%s", sqlite3_column_text(r->dc, 0));
            d->owner = sqlite3_column_int(r->dc, 1);
            d->power_mw = sqlite3_column_double(r->dc, 2);
            d->pue = sqlite3_column_double(r->dc, 3);
        }
        sqlite3_reset(r->dc);
    }
    s->first_new_contract = st->tables[STORE_CONTRACT_TICK].n;
    for (size_t id = s->first_new_contract; id < s->n[STORE_CONTRACT_TICK]; id++) {
        spec_contract *c = &s->new_contracts[s->n_new_contracts++];
        memset(c, 0, sizeof *c);
        c->terminate = SPEC_NO_TIME;
        c->origin = SPEC_ORIGIN_PROCURED;
        c->parent = -1;
        sqlite3_bind_int64(r->contract, 1, (sqlite3_int64)id);
        if (sqlite3_step(r->contract) == SQLITE_ROW) {
            snprintf(c->name, sizeof c->name, "%s", sqlite3_column_text(r->contract, 0));
            c->lessor = sqlite3_column_int(r->contract, 1);
            c->lessee = sqlite3_column_int(r->contract, 2);
            c->gpus = sqlite3_column_int64(r->contract, 3);
        }
        sqlite3_reset(r->contract);
    }
}

static double time_insert(const scenario *sc, const char *src_path, const char *dst_path,
                          double *cpu)
{
    replay r;
    memset(&r, 0, sizeof r);
    store_status status;
    char err[1024];
    market *m = market_create(sc->spec);
    store *st = store_open(dst_path, 1, &status, err, sizeof err);
    double timed = -1.0;
    if (!m || !st || replay_open(&r, src_path) != 0)
        goto done;
    double t0 = now_seconds();
    cpu_time c0 = cpu_now();
    *cpu = 0.0;
    if (store_begin_run(st, sc, m, CAPSIM_VERSION, err, sizeof err) <= 0)
        goto done;
    (void)store__writer_stop(st);  /* the statements are this thread's now */
    timed = now_seconds() - t0;
    *cpu += cpu_since(c0).process;
    int rc = STORE_OK;
    while (rc == STORE_OK && sqlite3_step(r.tick) == SQLITE_ROW) {
        r.snap.has_tick = 1;
        r.snap.tick_index = sqlite3_column_int64(r.tick, 0);
        r.snap.tick.t = sqlite3_column_int64(r.tick, 1);
        snprintf(r.snap.tick.date, sizeof r.snap.tick.date, "%s",
                 sqlite3_column_text(r.tick, 2));
        for (int i = 0; i < STORE_N_TICK_TABLES; i++)
            read_rows(&r, i, r.snap.tick_index);
        read_new_entities(&r, st);
        t0 = now_seconds();
        c0 = cpu_now();
        rc = store__write_snapshot(st, &r.snap);
        timed += now_seconds() - t0;
        *cpu += cpu_since(c0).process;
    }
    t0 = now_seconds();
    c0 = cpu_now();
    if (rc != STORE_OK || store_end_run(st, STORE_RUN_COMPLETE, 0.0, 0) != STORE_OK) {
        fprintf(stderr, "bench_store: replay failed: %s\n", store_errmsg(st));
        timed = -1.0;
    } else {
        store_close(st);
        st = NULL;
        timed += now_seconds() - t0;
        *cpu += cpu_since(c0).process;
    }
done:
    replay_close(&r);
    store_close(st);
    market_destroy(m);
    return timed;
}

/* ---- report --------------------------------------------------------- */

static int compare_doubles(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#define ROUNDS 3

void bench_store_report(FILE *out, const char *scenario_path, const char *dir)
{
    char err[1024], run_db[4096], insert_db[4096];
    scenario *sc = scenario_load(scenario_path, NULL, 0, err, sizeof err);
    if (!sc) {
        fprintf(out, "  storage: %s\n", err);
        return;
    }
    /* CAPSIM_BENCH_UNTIL=YYYY-MM-DD shortens the runs (the scenario's end by default) */
    int64_t stop = sc->spec->end;
    if (run_stop_from_until(sc->spec, getenv("CAPSIM_BENCH_UNTIL"), &stop, err, sizeof err)) {
        fprintf(out, "  storage: %s\n", err);
        scenario_destroy(sc);
        return;
    }
    snprintf(run_db, sizeof run_db, "%s/store-run.db", dir);
    snprintf(insert_db, sizeof insert_db, "%s/store-insert.db", dir);
    double run[ROUNDS], off[ROUNDS], ins[ROUNDS], vs_off[ROUNDS], vs_ins[ROUNDS], vs_max[ROUNDS];
    double sim_cpu[ROUNDS], work_cpu[ROUNDS];
    int64_t ticks = 0;
    fprintf(out, "\nstorage of %s (%d rounds of run, off, insert; medians):\n", scenario_path,
            ROUNDS);
    for (int k = 0; k < ROUNDS; k++) {
        cpu_time run_cpu = {0, 0}, off_cpu = {0, 0};
        double ins_cpu = 0.0;
        run[k] = time_run(sc, stop, run_db, &run_cpu);
        off[k] = time_off(sc, stop, &ticks, &off_cpu);
        ins[k] = time_insert(sc, run_db, insert_db, &ins_cpu);
        if (run[k] <= 0 || off[k] <= 0 || ins[k] <= 0) {
            fprintf(out, "  a measurement failed\n");
            scenario_destroy(sc);
            return;
        }
        vs_off[k] = run[k] / off[k];
        vs_ins[k] = run[k] / ins[k];
        vs_max[k] = run[k] / (off[k] > ins[k] ? off[k] : ins[k]);
        sim_cpu[k] = run_cpu.thread / off_cpu.thread;
        work_cpu[k] = run_cpu.process / (off_cpu.process + ins_cpu);
    }
    qsort(run, ROUNDS, sizeof run[0], compare_doubles);
    qsort(off, ROUNDS, sizeof off[0], compare_doubles);
    qsort(ins, ROUNDS, sizeof ins[0], compare_doubles);
    qsort(vs_off, ROUNDS, sizeof vs_off[0], compare_doubles);
    qsort(vs_ins, ROUNDS, sizeof vs_ins[0], compare_doubles);
    qsort(vs_max, ROUNDS, sizeof vs_max[0], compare_doubles);
    qsort(sim_cpu, ROUNDS, sizeof sim_cpu[0], compare_doubles);
    qsort(work_cpu, ROUNDS, sizeof work_cpu[0], compare_doubles);
    fprintf(out, "  run (simulation + writer thread) %8.2f s   %lld ticks\n", run[1],
            (long long)ticks);
    fprintf(out, "  off (simulation, storage off)    %8.2f s\n", off[1]);
    fprintf(out, "  insert (the rows alone)          %8.2f s\n", ins[1]);
    fprintf(out, "  run / off                  %6.2f (%.2f .. %.2f)\n", vs_off[1], vs_off[0],
            vs_off[ROUNDS - 1]);
    fprintf(out, "  run / insert               %6.2f (%.2f .. %.2f)\n", vs_ins[1], vs_ins[0],
            vs_ins[ROUNDS - 1]);
    fprintf(out, "  run / max(off, insert)     %6.2f (%.2f .. %.2f)   target <= 1.15\n",
            vs_max[1], vs_max[0], vs_max[ROUNDS - 1]);
    /* CPU time does not depend on what else the machine runs: the
     * simulation thread's share of storage, and the total work */
    fprintf(out, "  simulation thread CPU, run / off          %6.2f (%.2f .. %.2f)\n", sim_cpu[1],
            sim_cpu[0], sim_cpu[ROUNDS - 1]);
    fprintf(out, "  process CPU, run / (off + insert)         %6.2f (%.2f .. %.2f)\n",
            work_cpu[1], work_cpu[0], work_cpu[ROUNDS - 1]);
    scenario_destroy(sc);
}
