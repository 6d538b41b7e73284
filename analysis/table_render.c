/*
 * table_render: the four renderers of result tables. Text is for people
 * (rounded, thousands separators); CSV and JSON keep full precision
 * (shortest round-trip) so that they can be checked against the database.
 */
#include "table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/util/textnum.h"

/* Decimals for a number shown alone: none for whole numbers and for
 * magnitudes of 100,000 and more, else enough for three significant digits
 * (at most 4). */
static int decimals_for(double v)
{
    const double a = fabs(v);
    if (v == floor(v) || a >= 100000.0)
        return 0;   /* whole, or so large that a fraction says nothing ($4,917,031,432) */
    if (a >= 100.0)
        return 1;
    if (a >= 1.0)
        return 2;
    return a >= 0.01 ? 3 : 4;
}

static char *format_fixed(double v, int decimals, char *buf, size_t len)
{
    if (!isfinite(v)) {
        snprintf(buf, len, "-");
        return buf;
    }
    return textnum_format_grouped(v, decimals, buf, len);
}

char *atable_format_number(double v, char *buf, size_t len)
{
    return format_fixed(v, decimals_for(v), buf, len);
}

#define PER_CELL (-2)   /* column_decimals: each cell formatted on its own */

/* Columns that hold labels written as numbers (a year, an id, a seed):
 * never thousands separators, never decimals. */
static int label_column(const char *name)
{
    static const char *const labels[] = {"year", "id", "run", "run_id", "tick", "seed",
                                         "sweep_point", "point", "replication", "probe", NULL};
    for (const char *const *l = labels; *l; l++)
        if (!strcmp(name, *l))
            return 1;
    const size_t n = strlen(name);
    return n > 3 && !strcmp(name + n - 3, "_id");
}

/* One number format per column, so that a column reads 5,088 above 30,400
 * and 0.61 above 1.00: the decimals the column's numbers need (those of its
 * most precise cell, at most 4), thousands separators throughout. */
static int column_decimals(const atable *t, int c)
{
    if (label_column(t->cols[c]))
        return -1;
    if ((t->ncols == 2 && c == 1) || (t->ncols > 0 && !strcmp(t->cols[0], "metric")))
        return PER_CELL;   /* named values (field, value), or one metric per row: each row
                              its own quantity */
    int d = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        const atable_cell *cell = atable_at(t, r, c);
        if (cell->type == SQLITE_FLOAT && isfinite(cell->r)) {
            const int need = decimals_for(cell->r);
            d = need > d ? need : d;
        }
    }
    return d;
}

static const char *cell_text_in(const atable_cell *c, int decimals, char *buf, size_t len)
{
    if (decimals == PER_CELL && (c->type == SQLITE_INTEGER || c->type == SQLITE_FLOAT))
        return atable_format_number(c->type == SQLITE_INTEGER ? (double)c->i : c->r, buf, len);
    if (decimals < 0 && (c->type == SQLITE_INTEGER || c->type == SQLITE_FLOAT)) {
        snprintf(buf, len, "%.0f", c->type == SQLITE_INTEGER ? (double)c->i : c->r);
        return buf;   /* a label column (decimals -1) */
    }
    switch (c->type) {
    case SQLITE_INTEGER: return format_fixed((double)c->i, decimals, buf, len);
    case SQLITE_FLOAT: return format_fixed(c->r, decimals, buf, len);
    case SQLITE_TEXT: return c->s;
    default: return "-";
    }
}

/* Display width in characters of UTF-8 text (continuation bytes skipped). */
static int text_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void print_padded(FILE *out, const char *s, int width, int right)
{
    int pad = width - text_width(s);
    if (right)
        fprintf(out, "%*s%s", pad > 0 ? pad : 0, "", s);
    else
        fprintf(out, "%s%*s", s, pad > 0 ? pad : 0, "");
}

static int is_number(const atable_cell *c)
{
    return c->type == SQLITE_INTEGER || c->type == SQLITE_FLOAT;
}

/* Column widths, which columns hold numbers (headers right-aligned) and
 * each column's decimals. */
static void measure(const atable *t, int *w, int *numeric, int *decimals)
{
    char buf[64];
    for (int c = 0; c < t->ncols; c++) {
        w[c] = text_width(t->cols[c]);
        decimals[c] = column_decimals(t, c);
    }
    for (size_t r = 0; r < t->nrows; r++)
        for (int c = 0; c < t->ncols; c++) {
            const atable_cell *cell = atable_at(t, r, c);
            int cw = text_width(cell_text_in(cell, decimals[c], buf, sizeof buf));
            w[c] = cw > w[c] ? cw : w[c];
            numeric[c] |= is_number(cell);
        }
}

void atable_print_text(const atable *t, FILE *out)
{
    int *w = calloc((size_t)t->ncols + 1, sizeof *w);
    int *numeric = calloc((size_t)t->ncols + 1, sizeof *numeric);
    int *decimals = calloc((size_t)t->ncols + 1, sizeof *decimals);
    char buf[64];
    if (!w || !numeric || !decimals) {
        free(w);
        free(numeric);
        free(decimals);
        return;
    }
    measure(t, w, numeric, decimals);
    fprintf(out, "%s\n", t->title);
    for (int c = 0; c < t->ncols; c++) {
        fputs("  ", out);
        print_padded(out, t->cols[c], c == t->ncols - 1 && !numeric[c] ? 0 : w[c], numeric[c]);
    }
    fputc('\n', out);
    for (size_t r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++) {
            const atable_cell *cell = atable_at(t, r, c);
            int last_text = c == t->ncols - 1 && !is_number(cell);
            fputs("  ", out);
            print_padded(out, cell_text_in(cell, decimals[c], buf, sizeof buf),
                         last_text ? 0 : w[c], is_number(cell));
        }
        fputc('\n', out);
    }
    if (t->nrows == 0)
        fprintf(out, "  (none)\n");
    fputc('\n', out);
    free(w);
    free(numeric);
    free(decimals);
}

static void csv_cell(csvout *w, const atable_cell *c)
{
    switch (c->type) {
    case SQLITE_INTEGER: csvout_int(w, c->i); break;
    case SQLITE_FLOAT: csvout_real(w, c->r); break;
    case SQLITE_TEXT: csvout_text(w, c->s); break;
    default: csvout_null(w); break;
    }
}

void atable_write_csv(const atable *t, csvout *w)
{
    csvout_text(w, t->title);
    csvout_end_row(w);
    atable_write_csv_plain(t, w);
    csvout_end_row(w);
}

void atable_write_csv_plain(const atable *t, csvout *w)
{
    for (int c = 0; c < t->ncols; c++)
        csvout_text(w, t->cols[c]);
    csvout_end_row(w);
    for (size_t r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++)
            csv_cell(w, atable_at(t, r, c));
        csvout_end_row(w);
    }
}

void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void json_cell(FILE *out, const atable_cell *c)
{
    char buf[40];
    switch (c->type) {
    case SQLITE_INTEGER: fprintf(out, "%lld", (long long)c->i); break;
    case SQLITE_FLOAT: fputs(csvout_format_real(c->r, buf, sizeof buf), out); break;
    case SQLITE_TEXT: json_string(out, c->s); break;
    default: fputs("null", out); break;
    }
}

static void json_table(FILE *out, const atable *t)
{
    fputs("{\"name\": ", out);
    json_string(out, t->name);
    fputs(", \"title\": ", out);
    json_string(out, t->title);
    fputs(", \"columns\": [", out);
    for (int c = 0; c < t->ncols; c++) {
        fputs(c ? ", " : "", out);
        json_string(out, t->cols[c]);
    }
    fputs("],\n   \"rows\": [", out);
    for (size_t r = 0; r < t->nrows; r++) {
        fputs(r ? ",\n     [" : "\n     [", out);
        for (int c = 0; c < t->ncols; c++) {
            fputs(c ? ", " : "", out);
            json_cell(out, atable_at(t, r, c));
        }
        fputc(']', out);
    }
    fputs("]}", out);
}

void atable_list_write_json(const atable_list *l, const char *head, FILE *out)
{
    fputs("{", out);
    if (head)
        fprintf(out, "%s,\n ", head);
    fputs("\"tables\": [", out);
    for (size_t i = 0; i < l->n; i++) {
        fputs(i ? ",\n  " : "\n  ", out);
        json_table(out, l->items[i]);
    }
    fputs("\n]}\n", out);
}

void html_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default: fputc(*s, out); break;
        }
    }
}

void atable_write_html(const atable *t, FILE *out)
{
    char buf[64];
    int decimals[256];
    for (int c = 0; c < t->ncols && c < 256; c++)
        decimals[c] = column_decimals(t, c);
    fputs("<h2>", out);
    html_text(out, t->title);
    fprintf(out, "</h2>\n<table class=\"%s\">\n<tr>", t->name);
    for (int c = 0; c < t->ncols; c++) {
        fputs("<th>", out);
        html_text(out, t->cols[c]);
        fputs("</th>", out);
    }
    fputs("</tr>\n", out);
    for (size_t r = 0; r < t->nrows; r++) {
        fputs("<tr>", out);
        for (int c = 0; c < t->ncols; c++) {
            const atable_cell *cell = atable_at(t, r, c);
            int num = cell->type == SQLITE_INTEGER || cell->type == SQLITE_FLOAT;
            fputs(num ? "<td class=\"n\">" : "<td>", out);
            html_text(out, c < 256 ? cell_text_in(cell, decimals[c], buf, sizeof buf)
                                   : atable_format_number(cell->type == SQLITE_INTEGER
                                                              ? (double)cell->i : cell->r,
                                                          buf, sizeof buf));
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</table>\n", out);
}
