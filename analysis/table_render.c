/*
 * table_render: the four renderers of result tables. Text is for people
 * (rounded, thousands separators); CSV and JSON keep full precision
 * (shortest round-trip) so that they can be checked against the database.
 */
#include "table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Inserts thousands separators into the integer digits of a "%.Nf" string. */
static char *group_thousands(const char *plain, char *buf, size_t len)
{
    const char *digits = plain[0] == '-' ? plain + 1 : plain;
    const char *dot = strchr(digits, '.');
    size_t n_int = dot ? (size_t)(dot - digits) : strlen(digits);
    size_t o = 0;
    if (plain[0] == '-' && o + 1 < len)
        buf[o++] = '-';
    for (size_t i = 0; i < n_int && o + 2 < len; i++) {
        if (i > 0 && (n_int - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    if (dot)
        o += (size_t)snprintf(buf + o, len - o, "%s", dot);
    buf[o < len ? o : len - 1] = '\0';
    return buf;
}

char *atable_format_number(double v, char *buf, size_t len)
{
    char plain[64];
    double a = fabs(v);
    if (!isfinite(v))
        snprintf(buf, len, "-");
    else if (a >= 10000.0)
        snprintf(plain, sizeof plain, "%.0f", v), group_thousands(plain, buf, len);
    else if (a >= 1000.0 || v == floor(v))
        snprintf(buf, len, "%.0f", v);
    else if (a >= 1.0)
        snprintf(buf, len, "%.2f", v);
    else
        snprintf(buf, len, "%.4g", v);
    return buf;
}

static const char *cell_text(const atable_cell *c, char *buf, size_t len)
{
    switch (c->type) {
    case SQLITE_INTEGER: return atable_format_number((double)c->i, buf, len);
    case SQLITE_FLOAT: return atable_format_number(c->r, buf, len);
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

/* Column widths, and which columns hold numbers (headers right-aligned). */
static void measure(const atable *t, int *w, int *numeric)
{
    char buf[64];
    for (int c = 0; c < t->ncols; c++)
        w[c] = text_width(t->cols[c]);
    for (size_t r = 0; r < t->nrows; r++)
        for (int c = 0; c < t->ncols; c++) {
            const atable_cell *cell = atable_at(t, r, c);
            int cw = text_width(cell_text(cell, buf, sizeof buf));
            w[c] = cw > w[c] ? cw : w[c];
            numeric[c] |= is_number(cell);
        }
}

void atable_print_text(const atable *t, FILE *out)
{
    int *w = calloc((size_t)t->ncols + 1, sizeof *w);
    int *numeric = calloc((size_t)t->ncols + 1, sizeof *numeric);
    char buf[64];
    if (!w || !numeric) {
        free(w);
        free(numeric);
        return;
    }
    measure(t, w, numeric);
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
            print_padded(out, cell_text(cell, buf, sizeof buf), last_text ? 0 : w[c],
                         is_number(cell));
        }
        fputc('\n', out);
    }
    if (t->nrows == 0)
        fprintf(out, "  (none)\n");
    fputc('\n', out);
    free(w);
    free(numeric);
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
            html_text(out, cell_text(cell, buf, sizeof buf));
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</table>\n", out);
}
