/*
 * table: a small in-memory result table (named columns, typed cells) that
 * the report, the comparison and the HTML index share, with one renderer
 * per output format: aligned text, CSV (through csvout), JSON and HTML.
 * Cells keep SQLite's types, so numbers stay numbers in CSV and JSON.
 */
#ifndef CAPSIM_TABLE_H
#define CAPSIM_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sqlite3.h>

#include "../sim/util/csvout.h"

typedef struct atable_cell {
    int type;              /* SQLITE_NULL, SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT */
    int64_t i;
    double r;
    char *s;
} atable_cell;

typedef struct atable {
    char *name;            /* machine name: "finance" */
    char *title;           /* heading: "Revenue, costs and margin per provider per year (USD)" */
    int ncols;
    char **cols;
    size_t nrows, cap;
    atable_cell *cells;    /* nrows * ncols, row-major */
} atable;

/* A list of tables: a report. */
typedef struct atable_list {
    atable **items;
    size_t n, cap;
} atable_list;

atable *atable_new(const char *name, const char *title, int ncols, const char *const *cols);
void atable_free(atable *t);
/* Appends an empty (all NULL) row; returns its index, or (size_t)-1. */
size_t atable_add_row(atable *t);
atable_cell *atable_at(const atable *t, size_t row, int col);
void atable_set_text(atable *t, size_t row, int col, const char *s);
void atable_set_real(atable *t, size_t row, int col, double v);   /* NaN -> NULL */
void atable_set_int(atable *t, size_t row, int col, int64_t v);

/* Runs a prepared statement to the end into a new table (columns named
 * after the result columns). Finalizes the statement. NULL on error. */
atable *atable_from_stmt(sqlite3_stmt *s, const char *name, const char *title);
/* Prepares sql, binds ?1 = run and ?2 = real (when the query has them). */
atable *atable_query(sqlite3 *db, const char *name, const char *title, const char *sql,
                     int64_t run, double real);

int atable_list_add(atable_list *l, atable *t);   /* takes t; 0 or -1 (t freed) */
void atable_list_free(atable_list *l);
const atable *atable_list_find(const atable_list *l, const char *name);

/* Renderers. Text: a title line then aligned columns (numbers right). CSV:
 * per table a title row, a header row, the rows and an empty row. JSON:
 * {"tables": [{"name", "title", "columns", "rows"}]} with extra top-level
 * members written by the caller through `head` (may be NULL). HTML: one
 * <h2> and <table> per table, escaped. */
void atable_print_text(const atable *t, FILE *out);
void atable_write_csv(const atable *t, csvout *w);
/* One table as a plain CSV file: the header row and the rows only. */
void atable_write_csv_plain(const atable *t, csvout *w);
void atable_list_write_json(const atable_list *l, const char *head, FILE *out);
void atable_write_html(const atable *t, FILE *out);
/* Writes s as a JSON string literal / as HTML-escaped text. */
void json_string(FILE *out, const char *s);
void html_text(FILE *out, const char *s);
/* A number for people: thousands separators, sensible decimals. */
char *atable_format_number(double v, char *buf, size_t len);

#endif
