/*
 * export_internal: what export.c, export_wide.c and export_stream.c share:
 * one stored cell written with its own type, and the wide layout's column
 * map (entities matched to columns by name, so that the replications of a
 * scenario share columns) and row writer.
 */
#ifndef CAPSIM_EXPORT_INTERNAL_H
#define CAPSIM_EXPORT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "../sim/util/csvout.h"
#include "../sim/store/rollup.h"

/* Writes column c of the current row of s as stored: integer, real, NULL
 * (an empty cell) or text. */
void export__write_value(csvout *w, sqlite3_stmt *s, int c);

/* (run, entity id) -> wide column, sorted by (run, id) for binary search;
 * names[col] heads the column. */
typedef struct export_wide_map {
    int64_t *run, *id;
    int *col;
    size_t n, cap;
    char **names;
    size_t cap_names;
    int ncols;
} export_wide_map;

/* Loads the map of table t (run <= 0: every run) from its entity table, or
 * the distinct ids ('<entity_col> <id>') when there is none, or a single
 * column 'value' when the table has no entity column. Returns 0 or -1. */
int export__wide_map_load(sqlite3 *db, const rollup_table *t, int64_t run, export_wide_map *m);
/* The column of (run, id), or -1. */
int export__wide_map_find(const export_wide_map *m, int64_t run, int64_t id);
void export__wide_map_free(export_wide_map *m);

/* Writes the header of a wide file: run_id, date, the column names. */
void export__wide_header(csvout *w, const export_wide_map *m);
/* Writes one wide row: run, the period's label, then per column the sum
 * (flow) or the mean sum / count (level) of its values, an empty cell when
 * count is 0. Returns 0, or -1 when a write failed. */
int export__wide_write_row(csvout *w, int64_t run, const char *label, const double *sum,
                           const int64_t *count, int ncols, int flow);

#endif
