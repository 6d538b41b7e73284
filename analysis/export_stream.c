/*
 * export_stream: one pass over a per-tick table. The pass holds a cursor
 * into the current run's calendar (its ticks in order, each with the index
 * of its period), so the join with the tick table is a merge of two sorted
 * streams; a row whose tick the tick table lacks is dropped, as the views'
 * inner join drops it. Entities get a slot on first sight in a run, kept
 * in id order for the rows of a period; rows come in id order within a
 * tick, so the slot of the next row is almost always the one after the
 * last (a hint before the binary search).
 */
#include "export_stream.h"
#include "export_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/util/grow.h"
#include "../sim/util/strbuf.h"

/* ---- SQLite's sum() and avg() ---- */

/* SQLite 3.43.0 made sum(), avg() and total() compensated. */
#define COMPENSATED_SINCE 3043000
/* Integers at or beyond 2^52 are added as two exact parts, as SQLite does. */
#define SPLIT_AT 4503599627370496LL

static int compensated_mode = -1;

int export_sum_compensated(void)
{
    if (compensated_mode < 0)
        return sqlite3_libversion_number() >= COMPENSATED_SINCE;
    return compensated_mode;
}

void export_sum_set_compensated(int mode)
{
    compensated_mode = mode < 0 ? -1 : mode != 0;
}

/* kahanBabuskaNeumaierStep of SQLite's func.c; volatile keeps each
 * rounding as written. */
static void compensated_step(export_sum *s, double r)
{
    volatile double sum = s->real;
    volatile double t = sum + r;
    if (fabs(sum) > fabs(r))
        s->error += (sum - t) + r;
    else
        s->error += (r - t) + sum;
    s->real = t;
}

static void compensated_step_integer(export_sum *s, int64_t v)
{
    if (v <= -SPLIT_AT || v >= SPLIT_AT) {
        int64_t small = v % 16384;
        compensated_step(s, (double)(v - small));
        compensated_step(s, (double)small);
    } else {
        compensated_step(s, (double)v);
    }
}

/* kahanBabuskaNeumaierInit: the real sum from the exact integer sum. */
static void compensated_start(export_sum *s)
{
    int64_t v = s->integer;
    if (v <= -SPLIT_AT || v >= SPLIT_AT) {
        int64_t small = v % 16384;
        s->real = (double)(v - small);
        s->error = (double)small;
    } else {
        s->real = (double)v;
        s->error = 0.0;
    }
    s->approx = 1;
}

static int add_overflows(int64_t *sum, int64_t v)
{
    int64_t r;
    if (__builtin_add_overflow(*sum, v, &r))
        return 1;
    *sum = r;
    return 0;
}

void export_sum_add_integer(export_sum *s, int64_t v)
{
    s->n++;
    if (!export_sum_compensated()) {
        /* SQLite before 3.43: a plain double sum next to the exact one */
        s->real += (double)v;
        if (!(s->approx | s->overflow) && add_overflows(&s->integer, v))
            s->approx = s->overflow = 1;
        return;
    }
    if (s->approx) {
        compensated_step_integer(s, v);
    } else if (add_overflows(&s->integer, v)) {
        s->overflow = 1;
        compensated_start(s);
        compensated_step_integer(s, v);
    }
}

void export_sum_add_real(export_sum *s, double v)
{
    s->n++;
    if (!export_sum_compensated()) {
        s->real += v;
        s->approx = 1;
        return;
    }
    if (!s->approx)
        compensated_start(s);
    else
        s->overflow = 0;   /* SQLite forgets an overflow once reals follow it */
    compensated_step(s, v);
}

/* The real value of an approximate sum: with the compensation unless that
 * is infinite or NaN (sqlite3IsOverflow). */
static double approx_value(const export_sum *s)
{
    if (!export_sum_compensated())
        return s->real;
    return isfinite(s->error) ? s->real + s->error : s->real;
}

export_sum_kind export_sum_total(const export_sum *s, int64_t *integer, double *real)
{
    if (s->n == 0)
        return EXPORT_SUM_NULL;
    if (s->overflow && (s->approx || !export_sum_compensated()))
        return EXPORT_SUM_OVERFLOW;
    if (s->approx) {
        *real = approx_value(s);
        return EXPORT_SUM_REAL;
    }
    *integer = s->integer;
    return EXPORT_SUM_INTEGER;
}

export_sum_kind export_sum_mean(const export_sum *s, double *mean)
{
    if (s->n == 0)
        return EXPORT_SUM_NULL;
    double total;
    if (!export_sum_compensated())
        total = s->real;
    else
        total = s->approx ? approx_value(s) : (double)s->integer;
    *mean = total / (double)s->n;
    return EXPORT_SUM_REAL;
}

/* ---- periods ---- */

/* Bytes of the first n UTF-8 characters of s (substr(s, 1, n)). */
static size_t prefix_bytes(const char *s, int n)
{
    size_t i = 0;
    for (int chars = 0; s[i]; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80 && chars++ == n)
            break;
    }
    return i;
}

char *export_stream_label(const char *date, rollup_period p, char *buf, size_t len)
{
    if (p == ROLLUP_TICK) {
        snprintf(buf, len, "%s", date);
        return buf;
    }
    int n = p == ROLLUP_DAY ? 10 : 7;
    snprintf(buf, len, "%.*s", (int)prefix_bytes(date, n), date);
    return buf;
}

#define LABEL_MAX 256

int export_stream_survey(sqlite3 *db, rollup_period p, int64_t run, int64_t *periods)
{
    sqlite3_stmt *s = NULL;
    const char *sql = run > 0 ? "SELECT run_id, date FROM tick WHERE run_id = ?1 ORDER BY tick"
                              : "SELECT run_id, date FROM tick ORDER BY run_id, tick";
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    if (run > 0)
        sqlite3_bind_int64(s, 1, run);
    char last_date[LABEL_MAX] = "", last_label[LABEL_MAX] = "", label[LABEL_MAX];
    int64_t cur = 0, n = 0;
    int ordered = 1, rc, first = 1;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t r = sqlite3_column_int64(s, 0);
        const char *date = (const char *)sqlite3_column_text(s, 1);
        if (!date || strlen(date) >= LABEL_MAX) {
            ordered = 0;   /* NULL dates and odd lengths: left to SQL */
            continue;
        }
        export_stream_label(date, p, label, sizeof label);
        if (first || r != cur) {
            n++;
        } else {
            if (strcmp(date, last_date) < 0)
                ordered = 0;
            if (strcmp(label, last_label) != 0)
                n++;
        }
        first = 0;
        cur = r;
        memcpy(last_date, date, strlen(date) + 1);
        memcpy(last_label, label, strlen(label) + 1);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return -1;
    *periods = n;
    return ordered;
}

/* One run's ticks in order, each with its period; the periods' labels. */
typedef struct calendar {
    int64_t *tick;
    int32_t *period;
    size_t n, cap;
    size_t *label_at;          /* label k at text + label_at[k] */
    size_t n_labels, cap_labels;
    char *text;
    size_t text_len, text_cap;
    size_t cursor;             /* the merge position */
} calendar;

static void calendar_free(calendar *c)
{
    free(c->tick);
    free(c->period);
    free(c->label_at);
    free(c->text);
}

static const char *calendar_label(const calendar *c, int32_t period)
{
    return c->text + c->label_at[period];
}

/* Appends a period labelled `label`. Returns 0 or -1. */
static int calendar_add_label(calendar *c, const char *label)
{
    size_t len = strlen(label) + 1;
    if (grow_reserve((void **)&c->label_at, &c->cap_labels, c->n_labels + 1, 64,
                     sizeof *c->label_at) != 0 ||
        grow_reserve((void **)&c->text, &c->text_cap, c->text_len + len, 4096, 1) != 0)
        return -1;
    c->label_at[c->n_labels++] = c->text_len;
    memcpy(c->text + c->text_len, label, len);
    c->text_len += len;
    return 0;
}

/* Reads run r's ticks through s (SELECT tick, date ... WHERE run_id = ?1
 * ORDER BY tick). Returns 0 or -1. */
static int calendar_load(calendar *c, sqlite3_stmt *s, rollup_period p, int64_t r)
{
    c->n = c->n_labels = c->text_len = c->cursor = 0;
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, r);
    int rc;
    char label[LABEL_MAX];
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *date = (const char *)sqlite3_column_text(s, 1);
        export_stream_label(date ? date : "", p, label, sizeof label);
        if ((c->n_labels == 0 ||
             strcmp(label, calendar_label(c, (int32_t)(c->n_labels - 1))) != 0) &&
            calendar_add_label(c, label) != 0)
            return -1;
        if (c->n == c->cap) {
            size_t cap = grow_capacity(c->cap, c->n + 1, 1024);
            if (cap == 0 || grow_resize((void **)&c->tick, cap, sizeof *c->tick) != 0 ||
                grow_resize((void **)&c->period, cap, sizeof *c->period) != 0)
                return -1;
            c->cap = cap;
        }
        c->tick[c->n] = sqlite3_column_int64(s, 0);
        c->period[c->n++] = (int32_t)(c->n_labels - 1);
    }
    return rc == SQLITE_DONE ? 0 : -1;
}

/* The period of tick t, or -1 when the run has no such tick. Ticks come
 * in increasing order, so the cursor only moves forward. */
static int32_t calendar_period(calendar *c, int64_t t)
{
    while (c->cursor < c->n && c->tick[c->cursor] < t)
        c->cursor++;
    return c->cursor < c->n && c->tick[c->cursor] == t ? c->period[c->cursor] : -1;
}

/* ---- entities of the current run ---- */

/* One run's entities: the names from the entity table, loaded per run. */
typedef struct entity_names {
    int64_t *id;
    char **name;               /* NULL: a NULL name */
    size_t n, cap;
} entity_names;

static void names_clear(entity_names *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->name[i]);
    e->n = 0;
}

static void names_free(entity_names *e)
{
    names_clear(e);
    free(e->id);
    free(e->name);
}

/* Reads run r's names through s (SELECT id, name ... WHERE run_id = ?1
 * ORDER BY id). Returns 0 or -1. */
static int names_load(entity_names *e, sqlite3_stmt *s, int64_t r)
{
    names_clear(e);
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, r);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (e->n == e->cap) {
            size_t cap = grow_capacity(e->cap, e->n + 1, 64);
            if (cap == 0 || grow_resize((void **)&e->id, cap, sizeof *e->id) != 0 ||
                grow_resize((void **)&e->name, cap, sizeof *e->name) != 0)
                return -1;
            e->cap = cap;
        }
        const char *name = (const char *)sqlite3_column_text(s, 1);
        e->id[e->n] = sqlite3_column_int64(s, 0);
        e->name[e->n] = NULL;
        if (name && !(e->name[e->n] = strdup(name)))
            return -1;
        e->n++;
    }
    return rc == SQLITE_DONE ? 0 : -1;
}

/* The name of entity id, or NULL: a NULL name, or no such entity (the
 * views' LEFT JOIN gives NULL then too). */
static const char *names_find(const entity_names *e, int64_t id)
{
    size_t lo = 0, hi = e->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e->id[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < e->n && e->id[lo] == id ? e->name[lo] : NULL;
}

/* Slots of the entities seen in the current run, and per slot what the
 * current period has gathered. */
typedef struct slots {
    int64_t *id;
    const char **name;
    int *wide_col;             /* column in the wide files, or -1 */
    int64_t *ticks;            /* rows in the current period: count(*) */
    int32_t *seen;             /* the last period with a row, or -1 */
    export_sum *acc;           /* n_acc per slot */
    size_t *order;             /* slots by increasing id */
    size_t n, cap, hint;
    int n_acc;
} slots;

static void slots_free(slots *t)
{
    free(t->id);
    free(t->name);
    free(t->wide_col);
    free(t->ticks);
    free(t->seen);
    free(t->acc);
    free(t->order);
}

static int slots_grow(slots *t)
{
    size_t cap = grow_capacity(t->cap, t->n + 1, 64);
    if (cap == 0 || grow_resize((void **)&t->id, cap, sizeof *t->id) != 0 ||
        grow_resize((void **)&t->name, cap, sizeof *t->name) != 0 ||
        grow_resize((void **)&t->wide_col, cap, sizeof *t->wide_col) != 0 ||
        grow_resize((void **)&t->ticks, cap, sizeof *t->ticks) != 0 ||
        grow_resize((void **)&t->seen, cap, sizeof *t->seen) != 0 ||
        grow_resize((void **)&t->order, cap, sizeof *t->order) != 0 ||
        (t->n_acc > 0 &&
         grow_resize((void **)&t->acc, cap * (size_t)t->n_acc, sizeof *t->acc) != 0))
        return -1;
    t->cap = cap;
    return 0;
}

/* The position in t->order of the first slot with an id >= id. */
static size_t slots_search(const slots *t, int64_t id)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->id[t->order[mid]] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ---- the pass ---- */

typedef struct wide_sink {
    csvout *w;
    int value;                 /* index into the selected columns */
    int flow;
    double *sum;
    int64_t *count;
} wide_sink;

typedef struct pass {
    const rollup_table *t;
    rollup_period p;
    const export_stream_out *o;
    int n_sel;                 /* value columns read */
    int sel[ROLLUP_COLUMNS_MAX];        /* their index in t->values */
    int acc_of[ROLLUP_COLUMNS_MAX];     /* rolled-up long: accumulator of each, or -1 */
    wide_sink wide[ROLLUP_COLUMNS_MAX];
    export_wide_map map;
    int with_names;            /* the long file has a name column */
    calendar cal;
    entity_names names;
    slots slots;
    int64_t run;               /* the current run */
    int in_run;                /* 0 before the first row */
    int32_t period;            /* the current period, -1 before a row */
    int64_t long_rows;
    int overflow;
    int write_failed;          /* stop: a file cannot be written */
} pass;

static int pass_wants_long(const pass *ps)
{
    return ps->o->long_out || ps->o->count_only;
}

static int rolled_up(const pass *ps)
{
    return ps->p != ROLLUP_TICK;
}

static int value_rolled(const rollup_column *c)
{
    return c->kind != ROLLUP_TEXT;
}

/* A slot for entity id in the current run (a new one on first sight).
 * Returns the slot, or -1 when out of memory. */
static long slot_of(pass *ps, int64_t id)
{
    slots *t = &ps->slots;
    size_t next = t->hint + 1;
    if (next < t->n && t->id[t->order[next]] == id)
        return (long)t->order[t->hint = next];
    if (t->n > 0 && t->id[t->order[0]] == id)
        return (long)t->order[t->hint = 0];
    size_t pos = slots_search(t, id);
    if (pos < t->n && t->id[t->order[pos]] == id)
        return (long)t->order[t->hint = pos];
    if (t->n == t->cap && slots_grow(t) != 0)
        return -1;
    size_t k = t->n++;
    t->id[k] = id;
    t->name[k] = names_find(&ps->names, id);
    t->wide_col[k] = ps->o->n_wide > 0 ? export__wide_map_find(&ps->map, ps->run, id) : -1;
    t->ticks[k] = 0;
    t->seen[k] = -1;
    if (t->n_acc > 0)
        memset(&t->acc[k * (size_t)t->n_acc], 0, (size_t)t->n_acc * sizeof *t->acc);
    memmove(&t->order[pos + 1], &t->order[pos], (k - pos) * sizeof *t->order);
    t->order[pos] = k;
    t->hint = pos;
    return (long)k;
}

/* Writes the rolled-up long row of slot k and clears it. */
static void write_rolled_row(pass *ps, size_t k, const char *label)
{
    slots *t = &ps->slots;
    csvout *w = ps->o->long_out;
    ps->long_rows++;
    if (w) {
        csvout_int(w, ps->run);
        csvout_text(w, label);
        csvout_int(w, t->id[k]);
        if (ps->with_names)
            csvout_text(w, t->name[k]);
        csvout_int(w, t->ticks[k]);
        for (int v = 0; v < ps->n_sel; v++) {
            int a = ps->acc_of[v];
            if (a < 0)
                continue;
            const export_sum *s = &t->acc[k * (size_t)t->n_acc + (size_t)a];
            int64_t i = 0;
            double r = 0.0;
            export_sum_kind kind = ps->t->values[ps->sel[v]].kind == ROLLUP_FLOW
                                       ? export_sum_total(s, &i, &r)
                                       : export_sum_mean(s, &r);
            if (kind == EXPORT_SUM_OVERFLOW)
                ps->overflow = 1;
            if (kind == EXPORT_SUM_INTEGER)
                csvout_int(w, i);
            else if (kind == EXPORT_SUM_REAL)
                csvout_real(w, r);
            else
                csvout_null(w);
        }
        if (csvout_end_row(w) != 0)
            ps->write_failed = 1;
    }
    t->ticks[k] = 0;
    if (t->n_acc > 0)
        memset(&t->acc[k * (size_t)t->n_acc], 0, (size_t)t->n_acc * sizeof *t->acc);
}

/* The current period is complete: its long rows in entity order, its wide
 * row in every wide file. */
static void flush_period(pass *ps)
{
    if (ps->period < 0)
        return;
    const char *label = calendar_label(&ps->cal, ps->period);
    slots *t = &ps->slots;
    if (pass_wants_long(ps) && rolled_up(ps))
        for (size_t i = 0; i < t->n; i++)
            if (t->seen[t->order[i]] == ps->period)
                write_rolled_row(ps, t->order[i], label);
    for (int k = 0; k < ps->o->n_wide; k++) {
        wide_sink *s = &ps->wide[k];
        if (export__wide_write_row(s->w, ps->run, label, s->sum, s->count, ps->map.ncols,
                                   s->flow) != 0)
            ps->write_failed = 1;
        memset(s->sum, 0, (size_t)ps->map.ncols * sizeof *s->sum);
        memset(s->count, 0, (size_t)ps->map.ncols * sizeof *s->count);
    }
    ps->period = -1;
}

/* Adds value v of the row to slot k's accumulator (rolled-up long). */
static void accumulate(pass *ps, sqlite3_value *value, size_t k, int v)
{
    int a = ps->acc_of[v];
    if (a < 0)
        return;
    export_sum *acc = &ps->slots.acc[k * (size_t)ps->slots.n_acc + (size_t)a];
    switch (sqlite3_value_type(value)) {
    case SQLITE_NULL: break;
    case SQLITE_INTEGER: export_sum_add_integer(acc, sqlite3_value_int64(value)); break;
    /* a text value in a numeric column has no numeric form (column
     * affinity converted those that have): sum() adds it as the real
     * its prefix reads as, as sqlite3_value_double does */
    default: export_sum_add_real(acc, sqlite3_value_double(value)); break;
    }
}

/* The long row of one stored row (per tick). */
static void write_tick_row(pass *ps, sqlite3_stmt *s, size_t k)
{
    csvout *w = ps->o->long_out;
    ps->long_rows++;
    if (!w)
        return;
    csvout_int(w, ps->run);
    export__write_value(w, s, 1);
    csvout_text(w, calendar_label(&ps->cal, ps->period));
    export__write_value(w, s, 2);
    if (ps->with_names)
        csvout_text(w, ps->slots.name[k]);
    for (int v = 0; v < ps->n_sel; v++)
        export__write_value(w, s, 3 + v);
    if (csvout_end_row(w) != 0)
        ps->write_failed = 1;
}

/* One stored row. Returns 0 or -1 (memory). The values come from
 * sqlite3_column_value, protected by the connection mutex the pass holds,
 * and are read without a lock each. */
static int take_row(pass *ps, sqlite3_stmt *s, int32_t period)
{
    if (period != ps->period) {
        flush_period(ps);
        ps->period = period;
    }
    long k = slot_of(ps, sqlite3_column_int64(s, 2));
    if (k < 0)
        return -1;
    slots *t = &ps->slots;
    sqlite3_value *value[ROLLUP_COLUMNS_MAX];
    int n_read = ps->o->count_only ? 0 : ps->n_sel;
    for (int v = 0; v < n_read; v++)
        value[v] = sqlite3_column_value(s, 3 + v);
    if (pass_wants_long(ps)) {
        if (!rolled_up(ps)) {
            write_tick_row(ps, s, (size_t)k);
        } else {
            t->seen[k] = period;
            t->ticks[k]++;
            for (int v = 0; v < n_read; v++)
                accumulate(ps, value[v], (size_t)k, v);
        }
    }
    int col = t->wide_col[k];
    if (col >= 0)
        for (int i = 0; i < ps->o->n_wide; i++) {
            wide_sink *w = &ps->wide[i];
            if (sqlite3_value_type(value[w->value]) != SQLITE_NULL) {
                w->sum[col] += sqlite3_value_double(value[w->value]);
                w->count[col]++;
            }
        }
    return 0;
}

/* Which value columns the pass reads, and where each goes. Returns 0, -1
 * when a wide column is not a rolled-up column of the table. */
static int choose_columns(pass *ps)
{
    const rollup_table *t = ps->t;
    int n_acc = 0;
    for (int i = 0; i < t->n_values; i++) {
        const rollup_column *c = &t->values[i];
        int is_wide = 0;
        for (int k = 0; k < ps->o->n_wide; k++)
            is_wide |= !strcmp(ps->o->wide_column[k], c->name);
        int in_long = pass_wants_long(ps) && !ps->o->count_only &&
                      (!rolled_up(ps) || value_rolled(c));
        if (!is_wide && !in_long)
            continue;
        ps->acc_of[ps->n_sel] = in_long && rolled_up(ps) ? n_acc++ : -1;
        ps->sel[ps->n_sel++] = i;
    }
    ps->slots.n_acc = n_acc;
    for (int k = 0; k < ps->o->n_wide; k++) {
        wide_sink *w = &ps->wide[k];
        w->w = ps->o->wide_out[k];
        w->value = -1;
        for (int v = 0; v < ps->n_sel; v++)
            if (!strcmp(t->values[ps->sel[v]].name, ps->o->wide_column[k]) &&
                value_rolled(&t->values[ps->sel[v]]))
                w->value = v;
        if (w->value < 0)
            return -1;
        w->flow = rolled_up(ps) && rollup_classify(ps->o->wide_column[k], NULL) == ROLLUP_FLOW;
    }
    return 0;
}

/* SELECT run_id, tick, entity, the chosen columns FROM t in key order. */
static char *rows_sql(const pass *ps, int64_t run)
{
    strbuf b = {0};
    strbuf_addf(&b, "SELECT run_id, tick, \"%s\"", ps->t->entity_col);
    for (int v = 0; v < ps->n_sel; v++)
        strbuf_addf(&b, ", \"%s\"", ps->t->values[ps->sel[v]].name);
    strbuf_addf(&b, " FROM \"%s\"%s ORDER BY run_id, tick, \"%s\"", ps->t->name,
                run > 0 ? " WHERE run_id = ?1" : "", ps->t->entity_col);
    return b.error ? (strbuf_free(&b), NULL) : b.s;
}

/* The long file's header: the views' column names. */
static void write_long_header(const pass *ps)
{
    csvout *w = ps->o->long_out;
    const rollup_table *t = ps->t;
    csvout_text(w, "run_id");
    if (!rolled_up(ps)) {
        csvout_text(w, "tick");
        csvout_text(w, "date");
    } else {
        csvout_text(w, "date");
    }
    csvout_text(w, t->entity_col);
    if (ps->with_names)
        csvout_text(w, t->entity);
    if (rolled_up(ps))
        csvout_text(w, "ticks");
    for (int v = 0; v < ps->n_sel; v++)
        if (!rolled_up(ps) || ps->acc_of[v] >= 0)
            csvout_text(w, t->values[ps->sel[v]].name);
    csvout_end_row(w);
}

/* Prepares the calendar and name statements. Returns 0 or -1. */
static int prepare_run_queries(sqlite3 *db, const rollup_table *t, sqlite3_stmt **ticks,
                               sqlite3_stmt **names)
{
    if (sqlite3_prepare_v2(db, "SELECT tick, date FROM tick WHERE run_id = ?1 ORDER BY tick",
                           -1, ticks, NULL) != SQLITE_OK)
        return -1;
    if (!t->entity[0])
        return 0;
    strbuf b = {0};
    strbuf_addf(&b, "SELECT id, name FROM \"%s\" WHERE run_id = ?1 ORDER BY id", t->entity);
    const char *sql = strbuf_str(&b);
    int rc = sql && sqlite3_prepare_v2(db, sql, -1, names, NULL) == SQLITE_OK ? 0 : -1;
    strbuf_free(&b);
    return rc;
}

/* A new run begins: the last one's period is written, its entities
 * forgotten, this one's calendar and names read. Returns 0 or -1. */
static int begin_run(pass *ps, int64_t r, sqlite3_stmt *ticks, sqlite3_stmt *names)
{
    flush_period(ps);
    ps->run = r;
    ps->in_run = 1;
    ps->slots.n = ps->slots.hint = 0;
    if (calendar_load(&ps->cal, ticks, ps->p, r) != 0)
        return -1;
    return names ? names_load(&ps->names, names, r) : 0;
}

static int run_pass(pass *ps, sqlite3 *db, int64_t run)
{
    sqlite3_stmt *rows = NULL, *ticks = NULL, *names = NULL;
    char *sql = rows_sql(ps, run);
    int rc = SQLITE_ERROR;
    if (!sql || prepare_run_queries(db, ps->t, &ticks, &names) != 0 ||
        sqlite3_prepare_v2(db, sql, -1, &rows, NULL) != SQLITE_OK)
        goto done;
    if (run > 0)
        sqlite3_bind_int64(rows, 1, run);
    /* Holding the connection's (recursive) mutex for the whole pass makes
     * the lock each sqlite3_column_* call takes a re-entry, not a lock. */
    sqlite3_mutex *mutex = sqlite3_db_mutex(db);
    sqlite3_mutex_enter(mutex);
    while ((rc = sqlite3_step(rows)) == SQLITE_ROW) {
        int64_t r = sqlite3_column_int64(rows, 0);
        if ((r != ps->run || !ps->in_run) && begin_run(ps, r, ticks, names) != 0) {
            rc = SQLITE_NOMEM;
            break;
        }
        int32_t period = calendar_period(&ps->cal, sqlite3_column_int64(rows, 1));
        if (period >= 0 && take_row(ps, rows, period) != 0) {
            rc = SQLITE_NOMEM;
            break;
        }
        if (ps->write_failed)
            break;
    }
    if (rc == SQLITE_DONE)
        flush_period(ps);
    if (ps->write_failed)
        rc = SQLITE_DONE;   /* the pass stopped for a write: reported as one */
    sqlite3_mutex_leave(mutex);
done:
    sqlite3_finalize(rows);
    sqlite3_finalize(ticks);
    sqlite3_finalize(names);
    free(sql);
    return rc == SQLITE_DONE ? 0 : -1;
}

int export_stream_can(const rollup_table *t)
{
    return t->entity_col[0] != '\0';
}

int export_stream_table(sqlite3 *db, const rollup_table *t, rollup_period p, int64_t run,
                        const export_stream_out *o, int64_t *long_rows)
{
    if (!export_stream_can(t) || o->n_wide < 0 || o->n_wide > ROLLUP_COLUMNS_MAX)
        return EXPORT_STREAM_SQLITE;
    pass *ps = calloc(1, sizeof *ps);
    if (!ps)
        return EXPORT_STREAM_SQLITE;
    ps->t = t;
    ps->p = p;
    ps->o = o;
    ps->period = -1;
    ps->with_names = t->entity[0] != '\0';
    int rc = choose_columns(ps);
    if (rc == 0 && o->n_wide > 0) {
        rc = export__wide_map_load(db, t, run, &ps->map);
        for (int k = 0; rc == 0 && k < o->n_wide; k++) {
            wide_sink *w = &ps->wide[k];
            w->sum = calloc((size_t)ps->map.ncols + 1, sizeof *w->sum);
            w->count = calloc((size_t)ps->map.ncols + 1, sizeof *w->count);
            if (!w->sum || !w->count)
                rc = -1;
            else
                export__wide_header(w->w, &ps->map);
        }
    }
    if (rc == 0 && o->long_out)
        write_long_header(ps);
    if (rc == 0)
        rc = run_pass(ps, db, run);
    int result = rc != 0 ? EXPORT_STREAM_SQLITE : 0;
    int write_failed = ps->write_failed || (o->long_out && o->long_out->error);
    for (int k = 0; k < o->n_wide; k++) {
        write_failed |= ps->wide[k].w && ps->wide[k].w->error;
        free(ps->wide[k].sum);
        free(ps->wide[k].count);
    }
    if (write_failed)
        result = EXPORT_STREAM_WRITE;
    else if (result == 0 && ps->overflow)
        result = EXPORT_STREAM_OVERFLOW;
    if (long_rows)
        *long_rows = ps->long_rows;
    export__wide_map_free(&ps->map);
    calendar_free(&ps->cal);
    names_free(&ps->names);
    slots_free(&ps->slots);
    free(ps);
    return result;
}
