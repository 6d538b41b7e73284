/*
 * store_rows: the one description of every per-tick row. Each per-tick table
 * (tick, dc_tick, provider_tick, contract_tick, workload_tick) is a list of
 * columns: name, SQL type, unit and the offset of its value in the row
 * struct the snapshot holds (market.h's rows, and store_tick_row). From it
 * come the CREATE TABLE text (store_schema.c), the INSERT text and the bind
 * loop (store_writer.c), and the column lists of analysis/README.md's
 * "Per-tick tables", which tests/unit/test_store_rows.c holds to it.
 *
 * Invariants: the generated CREATE TABLE text is byte for byte the text the
 * schema had when it was written by hand (SQLite keeps it in sqlite_master),
 * so databases written before and after compare equal; every table is keyed
 * (run_id, tick[, <entity>_id]) ahead of its value columns; the units are the
 * README's, character for character.
 */
#ifndef CAPSIM_STORE_ROWS_H
#define CAPSIM_STORE_ROWS_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

/* The per-tick entity tables, in the order of the snapshot's row arrays. */
enum { STORE_DC_TICK, STORE_PROVIDER_TICK, STORE_CONTRACT_TICK, STORE_WORKLOAD_TICK,
       STORE_N_TICK_TABLES };

typedef enum store_column_kind {
    STORE_COLUMN_INT,       /* int */
    STORE_COLUMN_INT64,     /* int64_t */
    STORE_COLUMN_DOUBLE,    /* double */
    STORE_COLUMN_TEXT       /* a NUL-terminated char array inside the row */
} store_column_kind;

typedef struct store_column {
    const char *name;
    const char *sql_type;   /* as in CREATE TABLE: "INTEGER", "REAL", "TEXT NOT NULL" */
    const char *unit;       /* analysis/README.md's unit column; "" for none */
    size_t offset;          /* of the value in the row struct */
    store_column_kind kind;
} store_column;

typedef struct store_row_table {
    const char *name;             /* "dc_tick" */
    const char *entity_key;       /* "datacenter_id"; NULL for the tick table */
    const store_column *columns;  /* value columns, after the key */
    size_t n_columns;
    size_t row_size;              /* sizeof the row struct */
} store_row_table;

/* The tick table's row: the tick index is bound apart, like the run id. */
typedef struct store_tick_row {
    int64_t t;                    /* seconds since the run's start */
    char date[20];                /* "YYYY-MM-DD HH:MM:SS" UTC */
} store_tick_row;

/* queries */
/* The tick table, and the entity tables indexed by STORE_*_TICK. */
const store_row_table *store_rows_tick(void);
const store_row_table *store_rows_table(int which);

/* operations */
/* Writes "CREATE TABLE IF NOT EXISTS <name> ( run_id INTEGER NOT NULL, ...,
 * PRIMARY KEY (...)) WITHOUT ROWID;" into out (cap bytes, NUL-terminated
 * when cap > 0). Returns the length the text needs, as snprintf does. */
size_t store_rows_create_sql(const store_row_table *t, char *out, size_t cap);
/* "INSERT INTO <name> VALUES (?1,?2,?3+0,?4,..),(?1,?2,?3+1,..)" for `rows`
 * rows of an entity table (?1 run id, ?2 tick index, ?3 the first row's
 * entity id, then every row's values in column order), or "(?1,?2,?3,..)" for
 * the tick table (rows must be 1). Returns a malloc'd string (the caller
 * frees it), or NULL when out of memory. */
char *store_rows_insert_sql(const store_row_table *t, size_t rows);
/* Binds one row's values to parameters at, at + 1, ... Text is bound
 * SQLITE_STATIC: the row must outlive the statement's next step. Returns the
 * OR of the sqlite3_bind_* codes (SQLITE_OK when every bind succeeded). */
int store_rows_bind(sqlite3_stmt *s, int at, const store_row_table *t, const void *row);

#endif
