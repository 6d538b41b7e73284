/*
 * report_internal: what report.c and report_groups.c share.
 */
#ifndef CAPSIM_REPORT_INTERNAL_H
#define CAPSIM_REPORT_INTERNAL_H

#include <stddef.h>
#include <stdio.h>
#include <sqlite3.h>

#include "groups.h"
#include "table.h"
#include "../sim/store/rollup.h"

/* Writes one warning per run that repeats a seed of its group (warn may be
 * NULL). */
void report__warn_duplicates(const groups_set *g, FILE *warn);
/* Appends the groups table and the statistics of every group but `mine`
 * (the report's run's group, or GROUPS_NO_GROUP). Returns 0 or -1. */
int report__add_other_groups(atable_list *l, sqlite3 *db, const groups_set *g, size_t mine);

/* The contracts table's figures after its contract columns: the mean of
 * each GPU level over the ticks the contract is active (mean_committed,
 * mean_delivered, mean_used: those contract_tick has), then the sum of
 * every money column (_usd) of contract_tick, in table order. */
#define REPORT_CONTRACT_VALUES_MAX (ROLLUP_COLUMNS_MAX + 3)
typedef struct report_contract_value {
    char column[ROLLUP_NAME_MAX];      /* of contract_tick */
    char name[ROLLUP_NAME_MAX + 8];    /* the report's column */
    int mean;                          /* 1: avg over the active ticks; 0: sum */
} report_contract_value;
typedef struct report_contract_columns {
    int has_active;                    /* contract_tick.active exists (else every tick counts) */
    int has_origin;                    /* contract.origin exists */
    int n_values;
    report_contract_value values[REPORT_CONTRACT_VALUES_MAX];
} report_contract_columns;
/* Reads which of them this database has. Returns 0, or -1 on a SQLite error. */
int report__contract_columns(sqlite3 *db, report_contract_columns *out);

/* The per-entity tables in one pass over their per-tick table
 * (report_pass.c): the same cells as their SQL in report.c. NULL with
 * *fallback = 1 when the pass cannot promise that (the caller then runs
 * the SQL), NULL with *fallback = 0 on an error. */
atable *report__dc_utilisation(sqlite3 *db, int64_t run, const char *title, int *fallback);
atable *report__contracts(sqlite3 *db, int64_t run, const char *title, int *fallback);
/* Tests: 1 builds those tables through their SQL (the reference), 0 (the
 * default) through the pass. */
void report__use_sql(int on);
int report__sql_only(void);

#endif
