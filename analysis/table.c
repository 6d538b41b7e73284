/*
 * table: building result tables, from code or from a query.
 */
#include "table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/util/grow.h"

static char *dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

atable *atable_new(const char *name, const char *title, int ncols, const char *const *cols)
{
    atable *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->name = dup(name);
    t->title = dup(title);
    t->cols = calloc((size_t)ncols, sizeof *t->cols);
    t->ncols = ncols;
    int ok = t->name && t->title && t->cols;
    for (int c = 0; ok && c < ncols; c++)
        ok = (t->cols[c] = dup(cols[c])) != NULL;
    if (!ok) {
        atable_free(t);
        return NULL;
    }
    return t;
}

void atable_free(atable *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++)
        free(t->cells[i].s);
    for (int c = 0; t->cols && c < t->ncols; c++)
        free(t->cols[c]);
    free(t->cells);
    free(t->cols);
    free(t->name);
    free(t->title);
    free(t);
}

size_t atable_add_row(atable *t)
{
    /* capacity in rows; a row is ncols cells */
    if (grow_reserve((void **)&t->cells, &t->cap, t->nrows + 1, 16,
                     (size_t)t->ncols * sizeof *t->cells) != 0)
        return (size_t)-1;
    memset(t->cells + t->nrows * (size_t)t->ncols, 0, (size_t)t->ncols * sizeof *t->cells);
    return t->nrows++;
}

atable_cell *atable_at(const atable *t, size_t row, int col)
{
    return &t->cells[row * (size_t)t->ncols + (size_t)col];
}

void atable_set_text(atable *t, size_t row, int col, const char *s)
{
    atable_cell *c = atable_at(t, row, col);
    free(c->s);
    c->s = s ? dup(s) : NULL;
    c->type = c->s ? SQLITE_TEXT : SQLITE_NULL;
}

void atable_set_real(atable *t, size_t row, int col, double v)
{
    atable_cell *c = atable_at(t, row, col);
    c->type = isfinite(v) ? SQLITE_FLOAT : SQLITE_NULL;
    c->r = v;
}

void atable_set_int(atable *t, size_t row, int col, int64_t v)
{
    atable_cell *c = atable_at(t, row, col);
    c->type = SQLITE_INTEGER;
    c->i = v;
}

static void set_from_column(atable *t, size_t row, int col, sqlite3_stmt *s)
{
    switch (sqlite3_column_type(s, col)) {
    case SQLITE_INTEGER: atable_set_int(t, row, col, sqlite3_column_int64(s, col)); break;
    case SQLITE_FLOAT: atable_set_real(t, row, col, sqlite3_column_double(s, col)); break;
    case SQLITE_NULL: break;
    default: atable_set_text(t, row, col, (const char *)sqlite3_column_text(s, col)); break;
    }
}

atable *atable_from_stmt(sqlite3_stmt *s, const char *name, const char *title)
{
    int n = sqlite3_column_count(s);
    const char *cols[64];
    if (n > 64)
        n = 64;
    for (int c = 0; c < n; c++)
        cols[c] = sqlite3_column_name(s, c);
    atable *t = atable_new(name, title, n, cols);
    int rc = SQLITE_NOMEM;
    while (t && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        size_t r = atable_add_row(t);
        if (r == (size_t)-1) {
            rc = SQLITE_NOMEM;
            break;
        }
        for (int c = 0; c < n; c++)
            set_from_column(t, r, c, s);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        atable_free(t);
        return NULL;
    }
    return t;
}

atable *atable_query(sqlite3 *db, const char *name, const char *title, const char *sql,
                     int64_t run, double real)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return NULL;
    int np = sqlite3_bind_parameter_count(s);
    if (np >= 1)
        sqlite3_bind_int64(s, 1, run);
    if (np >= 2)
        sqlite3_bind_double(s, 2, real);
    return atable_from_stmt(s, name, title);
}

int atable_list_add(atable_list *l, atable *t)
{
    if (!t)
        return -1;
    if (grow_reserve((void **)&l->items, &l->cap, l->n + 1, 16, sizeof *l->items) != 0) {
        atable_free(t);
        return -1;
    }
    l->items[l->n++] = t;
    return 0;
}

void atable_list_free(atable_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        atable_free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = l->cap = 0;
}

const atable *atable_list_find(const atable_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->items[i]->name, name))
            return l->items[i];
    return NULL;
}
