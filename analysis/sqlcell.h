/*
 * sqlcell: SQL's arithmetic on result cells (table.h), for the passes that
 * compute in C what a GROUP BY would (report_pass.c, plot_heatmap.c): the
 * same values of the same types as SQLite's sum(), avg(), max() and `/`,
 * so that a pass can replace a query cell for cell.
 */
#ifndef CAPSIM_SQLCELL_H
#define CAPSIM_SQLCELL_H

#include <sqlite3.h>

#include "export_stream.h"
#include "table.h"

/* Column col of the current row as a cell (SQLITE_NULL, SQLITE_INTEGER or
 * SQLITE_FLOAT). Returns 0, or 1 for text or a blob: SQL's arithmetic on
 * those has rules of its own, which a pass leaves to SQL. */
int sqlcell_read(sqlite3_stmt *s, int col, atable_cell *out);

/* One sum() or avg() step: NULL is skipped. */
void sqlcell_add(export_sum *sum, const atable_cell *v);
/* The result of sum() (mean 0) or avg() (mean 1). Returns 0, or 1 for
 * SQLite's "integer overflow" error (which a pass leaves to SQL). */
int sqlcell_sum_result(const export_sum *sum, int mean, atable_cell *out);
/* SQLite's order of two numbers (sqlite3MemCompare): < 0, 0 or > 0. */
int sqlcell_compare(const atable_cell *a, const atable_cell *b);
/* a op b for op '+', '-', '*', '/', as SQLite's OP_Add ... OP_Divide: NULL
 * if either is NULL, integer arithmetic for two integers unless it
 * overflows (then floating point), NULL for a division by zero or a NaN
 * result. Returns 0, or 1 for text or a blob (left to SQL). */
int sqlcell_arith(char op, const atable_cell *a, const atable_cell *b, atable_cell *out);
/* a / NULLIF(b, 0), through sqlcell_arith. Returns 0, or 1 for text or a
 * blob. */
int sqlcell_divide_nullif_zero(const atable_cell *a, const atable_cell *b, atable_cell *out);

#endif
