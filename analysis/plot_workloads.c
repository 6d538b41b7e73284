/*
 * plot_workloads: the data files of the workload charts (plot.c's
 * chart_workloads), for every workload at once.
 *
 * Each workload's SQL (plot_sources.c) scans contract_tick twice: once to
 * rank its tenant's lessors, once to sum the tenant's leases per tick. On
 * the default run that is 1.2 million rows, each joined to its contract,
 * two times per workload. The pass reads contract_tick once to rank the
 * lessors of every tenant, then once more merged in tick order with
 * workload_tick and provider_tick (all in primary-key order: no sort), and
 * keeps per workload and day the sums of the columns the SQL averages.
 *
 * Same bytes, labels and colours as the SQL: sums and means add the same
 * values in the same order through sqlcell (SQLite's sum() and avg()), the
 * per-tick arithmetic follows SQLite's rules for each operator (sqlcell_arith),
 * and every field is SQLite's own text of its value. A text value where a
 * number is read, or an id the arrays cannot take, leaves every workload
 * to its SQL. test_analysis_passes compares the two, file by file.
 */
#include <stdlib.h>
#include <string.h>

#include "plot_internal.h"
#include "sqlcell.h"

/* Contract, provider and workload ids the pass maps through arrays. */
#define MAX_ID 10000000

/* A contract: its lessee and lessor as indexes. */
typedef struct contract {
    int tenant;          /* index into pass.tenants, or -1: no workload of interest */
    int64_t lessor;      /* provider id */
    char *name;
    int counted;         /* ranked: some row with capacity > 0 */
} contract;

/* A tenant of an inference workload: its lessors' ranking, then its sums
 * at the current tick. */
typedef struct tenant {
    int64_t id;
    plot_lessor *lessors;  /* ranked */
    export_sum *rank_sum;  /* [n_lessors] sum(capacity_h100) of rows with capacity > 0 */
    int n_lessors;
    const plot_sources *layers;  /* of its first workload: the same for all of its workloads */
    int has_src;           /* a contract_tick row of the tenant at this tick */
    export_sum leased, s[PLOT_MAX_SOURCES];
    int has_pt;            /* a provider_tick row of the tenant at this tick */
    atable_cell capacity;  /* provider_tick.capacity_h100 */
} tenant;

typedef struct pass {
    plot_ctx *c;
    contract *contracts;   /* by contract id; name NULL: no contract has that id */
    size_t n_contracts;
    char **providers;      /* provider names by id, NULL: none */
    size_t n_providers;
    tenant *tenants;
    int n_tenants;
    int *tenant_of_provider;  /* [n_providers]: tenant index, or -1 */
    plot_days days;
} pass;

/* Per workload: the sums of the day columns (demand, served, the layers,
 * capacity), and the rows of each day. */
typedef struct wsums {
    int cols;
    export_sum *sum;       /* [n_days][cols] */
    int64_t *rows;         /* [n_days] */
} wsums;

static void pass_free(pass *p)
{
    for (size_t i = 0; i < p->n_contracts; i++)
        free(p->contracts[i].name);
    free(p->contracts);
    for (size_t i = 0; i < p->n_providers; i++)
        free(p->providers[i]);
    free(p->providers);
    for (int i = 0; i < p->n_tenants; i++) {
        free(p->tenants[i].lessors);
        free(p->tenants[i].rank_sum);
    }
    free(p->tenants);
    free(p->tenant_of_provider);
    plot__days_free(&p->days);
}

/* Grows a zeroed array of n elements to hold index i. 0 or -1. */
static int grow_to(void **array, size_t *n, size_t size, int64_t i)
{
    if ((size_t)i < *n)
        return 0;
    const size_t want = (size_t)i + 1;
    void *grown = realloc(*array, want * size);
    if (!grown)
        return -1;
    memset((char *)grown + *n * size, 0, (want - *n) * size);
    *array = grown;
    *n = want;
    return 0;
}

static int tenant_index(const pass *p, int64_t provider)
{
    return provider >= 0 && (size_t)provider < p->n_providers ? p->tenant_of_provider[provider]
                                                               : -1;
}

/* Prepares sql with ?1 = the run. 0 or -1. */
static int prepare_scan(pass *p, const char *sql, sqlite3_stmt **s)
{
    if (sqlite3_prepare_v2(p->c->db, sql, -1, s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(*s, 1, p->c->run);
    return 0;
}

/* Providers (names by id) and the tenants of the workloads' inference
 * workloads. 0, 1 or -1. */
static int read_providers(pass *p, const plot_workload *w, int n)
{
    sqlite3_stmt *s = NULL;
    if (prepare_scan(p, "SELECT id, name FROM provider WHERE run_id = ?1", &s) != 0)
        return -1;
    int rc, status = 0;
    while (status == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const int64_t id = sqlite3_column_int64(s, 0);
        const unsigned char *name = sqlite3_column_text(s, 1);
        if (sqlite3_column_type(s, 0) != SQLITE_INTEGER || id < 0 || id >= MAX_ID || !name)
            status = 1;
        else if (grow_to((void **)&p->providers, &p->n_providers, sizeof *p->providers, id) ||
                 (!p->providers[id] && !(p->providers[id] = strdup((const char *)name))))
            status = -1;
    }
    sqlite3_finalize(s);
    if (status != 0 || rc != SQLITE_DONE)
        return status ? status : -1;
    for (int i = 0; i < n; i++)
        if (w[i].tenant < 0 || w[i].tenant >= MAX_ID ||
            grow_to((void **)&p->providers, &p->n_providers, sizeof *p->providers, w[i].tenant))
            return w[i].tenant < 0 || w[i].tenant >= MAX_ID ? 1 : -1;
    const size_t n_map = p->n_providers ? p->n_providers : 1;
    p->tenant_of_provider = malloc(n_map * sizeof *p->tenant_of_provider);
    p->tenants = calloc((size_t)(n ? n : 1), sizeof *p->tenants);
    if (!p->tenant_of_provider || !p->tenants)
        return -1;
    for (size_t i = 0; i < n_map; i++)
        p->tenant_of_provider[i] = -1;
    return 0;
}

/* The contracts, by id. 0, 1 or -1. */
static int read_contracts(pass *p)
{
    sqlite3_stmt *s = NULL;
    if (prepare_scan(p, "SELECT id, lessee_id, lessor_id, name FROM contract WHERE run_id = ?1",
                     &s) != 0)
        return -1;
    int rc, status = 0;
    while (status == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const int64_t id = sqlite3_column_int64(s, 0);
        const unsigned char *name = sqlite3_column_text(s, 3);
        if (sqlite3_column_type(s, 0) != SQLITE_INTEGER ||
            sqlite3_column_type(s, 1) != SQLITE_INTEGER ||
            sqlite3_column_type(s, 2) != SQLITE_INTEGER || id < 0 || id >= MAX_ID || !name) {
            status = 1;
            break;
        }
        if (grow_to((void **)&p->contracts, &p->n_contracts, sizeof *p->contracts, id)) {
            status = -1;
            break;
        }
        contract *k = &p->contracts[id];
        free(k->name);
        k->tenant = tenant_index(p, sqlite3_column_int64(s, 1));
        k->lessor = sqlite3_column_int64(s, 2);
        if (!(k->name = strdup((const char *)name)))
            status = -1;
    }
    sqlite3_finalize(s);
    return status != 0 ? status : rc == SQLITE_DONE ? 0 : -1;
}

/* The contract of a contract_tick row, or NULL (the SQL's join drops the
 * row). */
static contract *contract_of(const pass *p, const atable_cell *id)
{
    if (id->type != SQLITE_INTEGER || id->i < 0 || (size_t)id->i >= p->n_contracts ||
        !p->contracts[id->i].name)
        return NULL;
    return &p->contracts[id->i];
}

static const char contract_scan[] =
    "SELECT tick, contract_id, capacity_h100 FROM contract_tick WHERE run_id = ?1"
    " ORDER BY tick, contract_id";

/* lessors_sql for every tenant: GROUP BY lessor over the rows with capacity
 * > 0 whose lessor is a provider, in scan order. 0, 1 or -1. */
static int rank_lessors(pass *p)
{
    sqlite3_stmt *s = NULL;
    if (prepare_scan(p, contract_scan, &s) != 0)
        return -1;
    const atable_cell zero = {.type = SQLITE_INTEGER, .i = 0};
    int rc, status = 0;
    while (status == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        atable_cell id, cap;
        if ((status = sqlcell_read(s, 1, &id) | sqlcell_read(s, 2, &cap)) != 0)
            break;
        contract *k = contract_of(p, &id);
        if (!k || k->tenant < 0 || cap.type == SQLITE_NULL || sqlcell_compare(&cap, &zero) <= 0 ||
            k->lessor < 0 || (size_t)k->lessor >= p->n_providers || !p->providers[k->lessor])
            continue;
        tenant *t = &p->tenants[k->tenant];
        int l = 0;
        while (l < t->n_lessors && t->lessors[l].id != k->lessor)
            l++;
        if (l == t->n_lessors) {
            plot_lessor *grown = realloc(t->lessors, (size_t)(l + 1) * sizeof *grown);
            export_sum *sums = grown ? realloc(t->rank_sum, (size_t)(l + 1) * sizeof *sums) : NULL;
            if (grown)
                t->lessors = grown;
            if (!sums) {
                status = -1;
                break;
            }
            t->rank_sum = sums;
            memset(&t->lessors[l], 0, sizeof t->lessors[l]);
            memset(&t->rank_sum[l], 0, sizeof t->rank_sum[l]);
            t->lessors[l].id = k->lessor;
            snprintf(t->lessors[l].name, sizeof t->lessors[l].name, "%s",
                     p->providers[k->lessor]);
            t->n_lessors++;
        }
        plot_lessor *lr = &t->lessors[l];
        sqlcell_add(&t->rank_sum[l], &cap);
        if (!k->counted) {
            k->counted = 1;
            if (lr->contracts++ == 0 || strcmp(k->name, lr->first) < 0)
                snprintf(lr->first, sizeof lr->first, "%s", k->name);
        }
    }
    sqlite3_finalize(s);
    return status != 0 ? status : rc == SQLITE_DONE ? 0 : -1;
}

/* ORDER BY sum(capacity_h100) DESC, lessor_id, for one tenant (a
 * selection sort: a tenant has few lessors). 0, 1 (an overflow: left to
 * SQL) or -1. */
static int sort_lessors(tenant *t)
{
    atable_cell *total = malloc((size_t)(t->n_lessors ? t->n_lessors : 1) * sizeof *total);
    if (!total)
        return -1;
    for (int i = 0; i < t->n_lessors; i++)
        if (sqlcell_sum_result(&t->rank_sum[i], 0, &total[i])) {
            free(total);
            return 1;
        }
    for (int i = 0; i < t->n_lessors; i++) {
        int best = i;
        for (int j = i + 1; j < t->n_lessors; j++) {
            const int c = sqlcell_compare(&total[j], &total[best]);
            if (c > 0 || (c == 0 && t->lessors[j].id < t->lessors[best].id))
                best = j;
        }
        const plot_lessor l = t->lessors[i];
        const atable_cell v = total[i];
        t->lessors[i] = t->lessors[best];
        total[i] = total[best];
        t->lessors[best] = l;
        total[best] = v;
    }
    free(total);
    return 0;
}

/* The tick of a scan's current row (column 0). 0, or 1 (not an integer
 * tick: left to SQL). */
static int row_tick(sqlite3_stmt *s, int64_t *tick)
{
    if (sqlite3_column_type(s, 0) != SQLITE_INTEGER)
        return 1;
    *tick = sqlite3_column_int64(s, 0);
    return 0;
}

/* A contract_tick row into its tenant's sums at this tick: leased, then
 * each named lessor's CASE (its capacity, or 0). The merged layer's sum is
 * not needed: the layers subtract s1 .. s(n-1), and the last one is the
 * capacity itself. */
static void add_lease(tenant *t, const contract *k, const atable_cell *cap)
{
    static const atable_cell zero = {.type = SQLITE_INTEGER, .i = 0};
    const plot_sources *src = t->layers;
    t->has_src = 1;
    sqlcell_add(&t->leased, cap);
    for (int i = 1; src && i <= src->named; i++)
        sqlcell_add(&t->s[i], k->lessor == src->lessor[i] ? cap : &zero);
}

/* coalesce(x, 0) of a sum. 0 or 1. */
static int sum_or_zero(const export_sum *sum, int present, atable_cell *out)
{
    *out = (atable_cell){.type = SQLITE_INTEGER, .i = 0};
    if (!present)
        return 0;
    atable_cell v;
    if (sqlcell_sum_result(sum, 0, &v))
        return 1;
    if (v.type != SQLITE_NULL)
        *out = v;
    return 0;
}

/* One workload_tick row: demand, served, capacity in columns 2..4. Adds the
 * day's values: demand, served, each layer k = capacity - share *
 * (coalesce(leased, 0) - coalesce(s1, 0) - ... - coalesce(sk, 0)), and
 * capacity. 0 or 1. */
static int add_row(const tenant *t, const plot_sources *src, sqlite3_stmt *s, export_sum *sum)
{
    atable_cell demand, served, capacity;
    if (sqlcell_read(s, 2, &demand) | sqlcell_read(s, 3, &served) |
        sqlcell_read(s, 4, &capacity))
        return 1;
    const atable_cell zero = {.type = SQLITE_INTEGER, .i = 0};
    const int leases = src->n - 1;
    sqlcell_add(&sum[0], &demand);
    sqlcell_add(&sum[1], &served);
    sqlcell_add(&sum[2 + leases], &capacity);
    if (leases == 0)
        return 0;
    /* share: CASE WHEN training OR pt.capacity_h100 <= 0 THEN 0 ELSE x / pt END */
    atable_cell share = zero;
    if (!src->training &&
        (t->capacity.type == SQLITE_NULL || sqlcell_compare(&t->capacity, &zero) > 0) &&
        sqlcell_arith('/', &capacity, &t->capacity, &share))
        return 1;
    atable_cell rest;
    if (sum_or_zero(&t->leased, t->has_src, &rest))
        return 1;
    for (int k = 0; k < leases; k++) {
        if (k > 0) {
            atable_cell sk, next;
            if (sum_or_zero(&t->s[k], t->has_src, &sk) || sqlcell_arith('-', &rest, &sk, &next))
                return 1;
            rest = next;
        }
        atable_cell product, layer;
        if (sqlcell_arith('*', &share, &rest, &product) ||
            sqlcell_arith('-', &capacity, &product, &layer))
            return 1;
        sqlcell_add(&sum[2 + k], &layer);
    }
    return 0;
}

/* The tenants' sums at tick `tick`: contract_tick and provider_tick rows
 * of earlier ticks are passed over, those of this tick taken. *ct_rc and
 * *pt_rc hold each scan's state (SQLITE_ROW: a row is waiting). 0, 1 or -1. */
static int sums_at(pass *p, int64_t tick, sqlite3_stmt *ct, int *ct_rc, sqlite3_stmt *pt,
                   int *pt_rc)
{
    for (int i = 0; i < p->n_tenants; i++) {
        tenant *t = &p->tenants[i];
        t->has_src = t->has_pt = 0;
        memset(&t->leased, 0, sizeof t->leased);
        memset(t->s, 0, sizeof t->s);
    }
    int64_t at;
    while (*ct_rc == SQLITE_ROW) {
        if (row_tick(ct, &at))
            return 1;
        if (at > tick)
            break;
        if (at == tick) {
            atable_cell id, cap;
            if (sqlcell_read(ct, 1, &id) | sqlcell_read(ct, 2, &cap))
                return 1;
            const contract *k = contract_of(p, &id);
            if (k && k->tenant >= 0)
                add_lease(&p->tenants[k->tenant], k, &cap);
        }
        *ct_rc = sqlite3_step(ct);
    }
    while (*pt_rc == SQLITE_ROW) {
        if (row_tick(pt, &at))
            return 1;
        if (at > tick)
            break;
        if (at == tick && sqlite3_column_type(pt, 1) == SQLITE_INTEGER) {
            const int i = tenant_index(p, sqlite3_column_int64(pt, 1));
            if (i >= 0) {
                p->tenants[i].has_pt = 1;
                if (sqlcell_read(pt, 2, &p->tenants[i].capacity))
                    return 1;
            }
        }
        *pt_rc = sqlite3_step(pt);
    }
    return (*ct_rc == SQLITE_ROW || *ct_rc == SQLITE_DONE) &&
                   (*pt_rc == SQLITE_ROW || *pt_rc == SQLITE_DONE)
               ? 0
               : -1;
}

/* The merged pass: every workload's day sums. 0, 1 or -1. */
static int day_sums(pass *p, const plot_workload *w, int n, wsums *ws)
{
    sqlite3_stmt *wt = NULL, *pt = NULL, *ct = NULL;
    int status = 0;
    if (prepare_scan(p, "SELECT tick, workload_id, demand_h100, served_h100, capacity_h100"
                     " FROM workload_tick WHERE run_id = ?1 ORDER BY tick, workload_id", &wt) ||
        prepare_scan(p, "SELECT tick, provider_id, capacity_h100 FROM provider_tick"
                     " WHERE run_id = ?1 ORDER BY tick, provider_id", &pt) ||
        prepare_scan(p, contract_scan, &ct))
        status = -1;
    int rc = SQLITE_DONE, ct_rc = status ? SQLITE_DONE : sqlite3_step(ct);
    int pt_rc = status ? SQLITE_DONE : sqlite3_step(pt);
    int64_t current = 0;
    int started = 0;
    while (status == 0 && (rc = sqlite3_step(wt)) == SQLITE_ROW) {
        int64_t tick;
        atable_cell tick_cell;
        if (row_tick(wt, &tick) || sqlite3_column_type(wt, 1) != SQLITE_INTEGER) {
            status = 1;
            break;
        }
        if (!started || tick != current) {
            started = 1;
            current = tick;
            if ((status = sums_at(p, tick, ct, &ct_rc, pt, &pt_rc)) != 0)
                break;
        }
        tick_cell = (atable_cell){.type = SQLITE_INTEGER, .i = tick};
        const int64_t day = plot__day_of(&p->days, &tick_cell);
        if (day < 0)
            continue;   /* no tick row: the join drops it */
        const int64_t id = sqlite3_column_int64(wt, 1);
        int i = 0;
        while (i < n && w[i].id != id)
            i++;
        if (i == n)
            continue;   /* not a workload of the run's table */
        const int ti = tenant_index(p, w[i].tenant);
        if (ti < 0 || !p->tenants[ti].has_pt)
            continue;   /* no provider_tick row of its tenant: the join drops it */
        export_sum *sum = &ws[i].sum[(size_t)day * (size_t)ws[i].cols];
        if ((status = add_row(&p->tenants[ti], &w[i].src, wt, sum)) != 0)
            break;
        ws[i].rows[day]++;
    }
    if (status == 0 && rc != SQLITE_DONE)
        status = -1;
    sqlite3_finalize(wt);
    sqlite3_finalize(pt);
    sqlite3_finalize(ct);
    return status;
}

/* A workload's data file: per day with rows, the day, then each column's
 * mean / 1e3. Returns the file index, or -1 (an error, or no rows); *status
 * 1 for an overflow (left to SQL). */
static int write_file(plot_ctx *c, const plot_days *days, const wsums *ws, sqlite3_stmt *echo,
                      int *status)
{
    char path[128];
    const int k = plot__new_data(c, path, sizeof path);
    FILE *f = fopen(path, "w");
    if (!f) {
        *status = -1;
        return -1;
    }
    const atable_cell thousand = {.type = SQLITE_FLOAT, .r = 1e3};
    size_t lines = 0;
    for (size_t d = 0; d < days->n_days && *status == 0; d++) {
        if (ws->rows[d] == 0)
            continue;
        if (fputs(days->days[d].label, f) < 0)
            *status = -1;
        for (int col = 0; col < ws->cols && *status == 0; col++) {
            atable_cell mean, v;
            if (sqlcell_sum_result(&ws->sum[d * (size_t)ws->cols + (size_t)col], 1, &mean) ||
                sqlcell_arith('/', &mean, &thousand, &v))
                *status = 1;
            else if (fputc(',', f) < 0 || plot__cell_text(echo, &v, f) != 0)
                *status = -1;
        }
        if (*status == 0 && fputc('\n', f) < 0)
            *status = -1;
        lines++;
    }
    if (fclose(f) != 0 && *status == 0)
        *status = -1;
    return *status == 0 && lines > 0 ? k : -1;
}

/* The pass for workloads w[0..n) (their ids, names and tenants read).
 * 0, 1 (left to SQL) or -1. */
static int workloads_pass(plot_ctx *c, plot_workload *w, int n)
{
    pass p;
    memset(&p, 0, sizeof p);
    p.c = c;
    int status = read_providers(&p, w, n);
    /* the tenants: those of the inference workloads rank lessors; every
     * workload's tenant keeps a provider_tick capacity */
    for (int i = 0; status == 0 && i < n; i++) {
        if (p.tenant_of_provider[w[i].tenant] >= 0)
            continue;
        p.tenant_of_provider[w[i].tenant] = p.n_tenants;
        p.tenants[p.n_tenants++].id = w[i].tenant;
    }
    if (status == 0)
        status = read_contracts(&p);
    if (status == 0)
        status = rank_lessors(&p);
    for (int i = 0; status == 0 && i < p.n_tenants; i++)
        status = sort_lessors(&p.tenants[i]);
    for (int i = 0; status == 0 && i < p.n_tenants; i++)
        for (int l = 0; status == 0 && l < p.tenants[i].n_lessors; l++)
            status = plot__lessor_upstream(c->db, c->run, &p.tenants[i].lessors[l]);
    for (int i = 0; status == 0 && i < n; i++) {
        tenant *t = &p.tenants[p.tenant_of_provider[w[i].tenant]];
        status = plot__workload_sources(c->db, c->run, w[i].id, t->lessors, t->n_lessors,
                                        &w[i].src);
        if (status == 0 && !w[i].src.training && !t->layers)
            t->layers = &w[i].src;
    }
    if (status == 0)
        status = plot__read_days(c, &p.days);
    wsums *ws = status == 0 ? calloc((size_t)(n ? n : 1), sizeof *ws) : NULL;
    if (status == 0 && !ws)
        status = -1;
    for (int i = 0; status == 0 && i < n; i++) {
        ws[i].cols = 2 + w[i].src.n;
        ws[i].sum = calloc(p.days.n_days * (size_t)ws[i].cols + 1, sizeof *ws[i].sum);
        ws[i].rows = calloc(p.days.n_days + 1, sizeof *ws[i].rows);
        if (!ws[i].sum || !ws[i].rows)
            status = -1;
    }
    if (status == 0)
        status = day_sums(&p, w, n, ws);
    sqlite3_stmt *echo = NULL;
    if (status == 0 && sqlite3_prepare_v2(c->db, "SELECT ?1", -1, &echo, NULL) != SQLITE_OK)
        status = -1;
    for (int i = 0; status == 0 && i < n; i++)
        w[i].file = write_file(c, &p.days, &ws[i], echo, &status);
    sqlite3_finalize(echo);
    for (int i = 0; ws && i < n; i++) {
        free(ws[i].sum);
        free(ws[i].rows);
    }
    free(ws);
    pass_free(&p);
    return status;
}

/* Each workload by its own SQL. 0 or -1. */
static int workloads_sql(plot_ctx *c, plot_workload *w, int n)
{
    for (int i = 0; i < n; i++) {
        plot_lessor *lessors = NULL;
        int n_lessors = 0;
        strbuf_free(&w[i].src.sql);
        w[i].file = -1;
        if (plot__tenant_lessors(c->db, c->run, w[i].tenant, &lessors, &n_lessors) != 0)
            return -1;
        const int rc = plot__workload_sources(c->db, c->run, w[i].id, lessors, n_lessors,
                                              &w[i].src);
        free(lessors);
        if (rc == 0)
            w[i].file = plot__write_blocks(c, strbuf_str(&w[i].src.sql), w[i].id, -1);
    }
    return 0;
}

void plot__workloads_free(plot_workload *w, int n)
{
    for (int i = 0; i < n; i++)
        strbuf_free(&w[i].src.sql);
    free(w);
}

int plot__workloads_data(plot_ctx *c, int sql, plot_workload **out, int *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(c->db, "SELECT id, name, tenant_id FROM workload WHERE run_id = ?1"
                           " ORDER BY id", -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, c->run);
    plot_workload *w = NULL;
    int count = 0, rc, status = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        plot_workload *grown = realloc(w, (size_t)(count + 1) * sizeof *grown);
        if (!grown) {
            status = -1;
            break;
        }
        w = grown;
        plot_workload *x = &w[count++];
        memset(x, 0, sizeof *x);
        x->id = sqlite3_column_int64(s, 0);
        const unsigned char *name = sqlite3_column_text(s, 1);
        snprintf(x->name, sizeof x->name, "%s", name ? (const char *)name : "");
        x->tenant = sqlite3_column_int64(s, 2);
        x->file = -1;
        if (sqlite3_column_type(s, 2) != SQLITE_INTEGER)
            sql = 1;   /* no tenant the pass can map */
    }
    sqlite3_finalize(s);
    if (status == 0 && rc != SQLITE_DONE)
        status = -1;
    if (status == 0 && !sql) {
        const int first_file = c->n_data;
        status = workloads_pass(c, w, count);
        if (status == 1) {
            c->n_data = first_file;   /* the SQL writes the files again, and the layers */
            sql = 1;
            status = 0;
        }
    }
    if (status == 0 && sql)
        status = workloads_sql(c, w, count);
    if (status != 0) {
        plot__workloads_free(w, count);
        return -1;
    }
    *out = w;
    *n = count;
    return 0;
}
