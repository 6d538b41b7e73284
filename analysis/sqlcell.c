/*
 * sqlcell: SQL's arithmetic on result cells (sqlcell.h), following
 * SQLite's func.c (sum, avg, max) and vdbe.c (OP_Divide) of the library
 * linked, through export_sum for sums and means.
 */
#include "sqlcell.h"

#include <math.h>
#include <stdint.h>

int sqlcell_read(sqlite3_stmt *s, int col, atable_cell *out)
{
    const int type = sqlite3_column_type(s, col);
    *out = (atable_cell){.type = type};
    if (type == SQLITE_INTEGER)
        out->i = sqlite3_column_int64(s, col);
    else if (type == SQLITE_FLOAT)
        out->r = sqlite3_column_double(s, col);
    else if (type != SQLITE_NULL)
        return 1;
    return 0;
}

void sqlcell_add(export_sum *sum, const atable_cell *v)
{
    if (v->type == SQLITE_INTEGER)
        export_sum_add_integer(sum, v->i);
    else if (v->type == SQLITE_FLOAT)
        export_sum_add_real(sum, v->r);
}

int sqlcell_sum_result(const export_sum *sum, int mean, atable_cell *out)
{
    int64_t i;
    double r;
    *out = (atable_cell){.type = SQLITE_NULL};
    switch (mean ? export_sum_mean(sum, &r) : export_sum_total(sum, &i, &r)) {
    case EXPORT_SUM_NULL: return 0;
    case EXPORT_SUM_INTEGER: *out = (atable_cell){.type = SQLITE_INTEGER, .i = i}; return 0;
    case EXPORT_SUM_REAL: *out = (atable_cell){.type = SQLITE_FLOAT, .r = r}; return 0;
    default: return 1;
    }
}

/* sqlite3IntFloatCompare without long double. */
static int int_real_compare(int64_t i, double r)
{
    if (r < -9223372036854775808.0)
        return 1;
    if (r >= 9223372036854775808.0)
        return -1;
    const int64_t y = (int64_t)r;
    if (i < y)
        return -1;
    if (i > y)
        return 1;
    const double s = (double)i;
    return s < r ? -1 : s > r ? 1 : 0;
}

int sqlcell_compare(const atable_cell *a, const atable_cell *b)
{
    if (a->type == SQLITE_INTEGER && b->type == SQLITE_INTEGER)
        return (a->i > b->i) - (a->i < b->i);
    if (a->type == SQLITE_FLOAT && b->type == SQLITE_FLOAT)
        return (a->r > b->r) - (a->r < b->r);
    if (a->type == SQLITE_INTEGER)
        return int_real_compare(a->i, b->r);
    return -int_real_compare(b->i, a->r);
}

int sqlcell_arith(char op, const atable_cell *a, const atable_cell *b, atable_cell *out)
{
    *out = (atable_cell){.type = SQLITE_NULL};
    if ((a->type != SQLITE_INTEGER && a->type != SQLITE_FLOAT) ||
        (b->type != SQLITE_INTEGER && b->type != SQLITE_FLOAT))
        return a->type == SQLITE_TEXT || b->type == SQLITE_TEXT ||
               a->type == SQLITE_BLOB || b->type == SQLITE_BLOB;
    if (a->type == SQLITE_INTEGER && b->type == SQLITE_INTEGER) {
        int64_t r;
        int overflow;
        switch (op) {
        case '+': overflow = __builtin_add_overflow(a->i, b->i, &r); break;
        case '-': overflow = __builtin_sub_overflow(a->i, b->i, &r); break;
        case '*': overflow = __builtin_mul_overflow(a->i, b->i, &r); break;
        case '/':
            if (b->i == 0)
                return 0;
            overflow = a->i == INT64_MIN && b->i == -1;
            r = overflow ? 0 : a->i / b->i;
            break;
        default: return 1;
        }
        if (!overflow) {
            *out = (atable_cell){.type = SQLITE_INTEGER, .i = r};
            return 0;
        }
        /* SQLite goes on in floating point */
    }
    const double x = a->type == SQLITE_INTEGER ? (double)a->i : a->r;
    const double y = b->type == SQLITE_INTEGER ? (double)b->i : b->r;
    double r;
    switch (op) {
    case '+': r = x + y; break;
    case '-': r = x - y; break;
    case '*': r = x * y; break;
    case '/':
        if (y == 0.0)
            return 0;
        r = x / y;
        break;
    default: return 1;
    }
    if (!isnan(r))
        *out = (atable_cell){.type = SQLITE_FLOAT, .r = r};
    return 0;
}

int sqlcell_divide_nullif_zero(const atable_cell *a, const atable_cell *b, atable_cell *out)
{
    static const atable_cell zero = {.type = SQLITE_INTEGER, .i = 0};
    if ((b->type == SQLITE_INTEGER || b->type == SQLITE_FLOAT) && sqlcell_compare(b, &zero) == 0) {
        *out = (atable_cell){.type = SQLITE_NULL};   /* NULLIF(b, 0) */
        return 0;
    }
    return sqlcell_arith('/', a, b, out);
}
