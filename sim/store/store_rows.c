/*
 * store_rows: the per-tick column tables and what is generated from them.
 * Adding a column to a per-tick row is one line here (plus its field in the
 * row struct and its meaning in analysis/README.md), and a schema version
 * bump (store_file.h) since existing databases lack it.
 */
#include "store_rows.h"

#include <stdio.h>
#include <stdlib.h>

#include "../model/market.h"

#define INT(row, field, unit) {#field, "INTEGER", unit, offsetof(row, field), STORE_COLUMN_INT}
#define I64(row, field, unit) {#field, "INTEGER", unit, offsetof(row, field), STORE_COLUMN_INT64}
#define DBL(row, field, unit) {#field, "REAL", unit, offsetof(row, field), STORE_COLUMN_DOUBLE}
#define N_OF(a) (sizeof (a) / sizeof (a)[0])

static const char gpus[] = "GPUs", share[] = "0..1", usd[] = "USD", h100[] = "H100-eq GPUs";

static const store_column tick_columns[] = {
    {"t", "INTEGER NOT NULL", "s", offsetof(store_tick_row, t), STORE_COLUMN_INT64},
    {"date", "TEXT NOT NULL", "date", offsetof(store_tick_row, date), STORE_COLUMN_TEXT},
};

static const store_column dc_columns[] = {
    I64(market_dc_row, installed, gpus),
    I64(market_dc_row, healthy, gpus),
    I64(market_dc_row, failed, gpus),
    I64(market_dc_row, maintenance, gpus),
    I64(market_dc_row, allocated, gpus),
    DBL(market_dc_row, busy, gpus),
    DBL(market_dc_row, mean_utilisation, share),
    DBL(market_dc_row, power_mw, "MW"),
    DBL(market_dc_row, energy_mwh, "MWh"),
    I64(market_dc_row, failures, gpus),
};

static const store_column provider_columns[] = {
    I64(market_provider_row, owned, gpus),
    I64(market_provider_row, leased_in, gpus),
    I64(market_provider_row, leased_out, gpus),
    I64(market_provider_row, pool, gpus),
    DBL(market_provider_row, used, gpus),
    DBL(market_provider_row, utilisation, share),
    DBL(market_provider_row, demand_h100, h100),
    DBL(market_provider_row, capacity_h100, h100),
    DBL(market_provider_row, served_h100, h100),
    DBL(market_provider_row, shortfall_h100, h100),
    DBL(market_provider_row, revenue_usd, usd),
    DBL(market_provider_row, lease_cost_usd, usd),
    DBL(market_provider_row, energy_cost_usd, usd),
    DBL(market_provider_row, depreciation_usd, usd),
    DBL(market_provider_row, opex_usd, usd),
    DBL(market_provider_row, interest_usd, usd),
    DBL(market_provider_row, margin_usd, usd),
};

static const store_column contract_columns[] = {
    INT(market_contract_row, active, "0/1"),
    I64(market_contract_row, committed, gpus),
    I64(market_contract_row, delivered, gpus),
    DBL(market_contract_row, used, gpus),
    DBL(market_contract_row, utilisation, share),
    DBL(market_contract_row, payment_usd, usd),
    DBL(market_contract_row, sla_credit_usd, usd),
    I64(market_contract_row, preempted, gpus),
    DBL(market_contract_row, fee_usd, usd),
    DBL(market_contract_row, price_per_gpu_hour, "USD/GPU-hour"),
    I64(market_contract_row, lessor_unleased, gpus),
    I64(market_contract_row, undelivered, gpus),
    DBL(market_contract_row, capacity_h100, h100),
};

static const store_column workload_columns[] = {
    DBL(market_workload_row, demand_h100, h100),
    DBL(market_workload_row, capacity_h100, h100),
    DBL(market_workload_row, served_h100, h100),
    DBL(market_workload_row, shortfall_h100, h100),
    I64(market_workload_row, jobs_running, "jobs"),
    I64(market_workload_row, jobs_queued, "jobs"),
    DBL(market_workload_row, goodput_h100_hours, "H100-eq GPU-hours"),
    I64(market_workload_row, interruptions, "jobs"),
    DBL(market_workload_row, lost_gpu_hours, "GPU-hours"),
};

static const store_row_table tick_table = {"tick", NULL, tick_columns, N_OF(tick_columns),
                                           sizeof(store_tick_row)};

static const store_row_table entity_tables[STORE_N_TICK_TABLES] = {
    {"dc_tick", "datacenter_id", dc_columns, N_OF(dc_columns), sizeof(market_dc_row)},
    {"provider_tick", "provider_id", provider_columns, N_OF(provider_columns),
     sizeof(market_provider_row)},
    {"contract_tick", "contract_id", contract_columns, N_OF(contract_columns),
     sizeof(market_contract_row)},
    {"workload_tick", "workload_id", workload_columns, N_OF(workload_columns),
     sizeof(market_workload_row)},
};

const store_row_table *store_rows_tick(void) { return &tick_table; }

const store_row_table *store_rows_table(int which)
{
    return which >= 0 && which < STORE_N_TICK_TABLES ? &entity_tables[which] : NULL;
}

/* ---- generated SQL -------------------------------------------------- */

/* snprintf at out + *len, keeping *len the length the whole text needs. */
static void append(char *out, size_t cap, size_t *len, const char *fmt, const char *a,
                   const char *b)
{
    int n = snprintf(*len < cap ? out + *len : NULL, *len < cap ? cap - *len : 0, fmt, a, b);
    if (n > 0)
        *len += (size_t)n;
}

/* The key columns and every value column separated by ", " after "( ",
 * exactly as the hand-written schema spelled them. */
size_t store_rows_create_sql(const store_row_table *t, char *out, size_t cap)
{
    size_t len = 0;
    if (cap)
        out[0] = '\0';
    append(out, cap, &len, "CREATE TABLE IF NOT EXISTS %s (%s", t->name,
           " run_id INTEGER NOT NULL, tick INTEGER NOT NULL,");
    if (t->entity_key)
        append(out, cap, &len, " %s INTEGER NOT NULL,%s", t->entity_key, "");
    for (size_t c = 0; c < t->n_columns; c++)
        append(out, cap, &len, " %s %s,", t->columns[c].name, t->columns[c].sql_type);
    append(out, cap, &len, " PRIMARY KEY (run_id, tick%s%s)) WITHOUT ROWID;",
           t->entity_key ? ", " : "", t->entity_key ? t->entity_key : "");
    return len;
}

char *store_rows_insert_sql(const store_row_table *t, size_t rows)
{
    const size_t n_values = t->n_columns;
    const size_t cap = 64 + rows * (32 + 8 * n_values);
    char *sql = malloc(cap);
    if (!sql)
        return NULL;
    size_t len = (size_t)snprintf(sql, cap, "INSERT INTO %s VALUES ", t->name);
    const size_t first_value = t->entity_key ? 4 : 3;
    for (size_t r = 0; r < rows; r++) {
        if (t->entity_key)
            len += (size_t)snprintf(sql + len, cap - len, "%s(?1,?2,?3+%zu", r ? "," : "", r);
        else
            len += (size_t)snprintf(sql + len, cap - len, "%s(?1,?2", r ? "," : "");
        for (size_t c = 0; c < n_values; c++)
            len += (size_t)snprintf(sql + len, cap - len, ",?%zu", first_value + r * n_values + c);
        len += (size_t)snprintf(sql + len, cap - len, ")");
    }
    return sql;
}

int store_rows_bind(sqlite3_stmt *s, int at, const store_row_table *t, const void *row)
{
    const char *base = row;
    int b = SQLITE_OK;
    for (size_t c = 0; c < t->n_columns; c++) {
        const store_column *col = &t->columns[c];
        const char *p = base + col->offset;
        const int i = at + (int)c;
        switch (col->kind) {
        case STORE_COLUMN_INT: b |= sqlite3_bind_int(s, i, *(const int *)p); break;
        case STORE_COLUMN_INT64: b |= sqlite3_bind_int64(s, i, *(const int64_t *)p); break;
        case STORE_COLUMN_DOUBLE: b |= sqlite3_bind_double(s, i, *(const double *)p); break;
        case STORE_COLUMN_TEXT: b |= sqlite3_bind_text(s, i, p, -1, SQLITE_STATIC); break;
        }
    }
    return b;
}
