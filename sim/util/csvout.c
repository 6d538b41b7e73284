/*
 * csvout: CSV cells for spreadsheets. Quoting is libcsv's csv_fwrite, used
 * only for text that needs it, so plain cells stay plain.
 */
#include "csvout.h"

#include <csv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void csvout_init(csvout *w, FILE *fp)
{
    w->fp = fp;
    w->fields = 0;
    w->rows = 0;
    w->error = 0;
}

static void separator(csvout *w)
{
    if (w->fields++ > 0 && fputc(',', w->fp) == EOF)
        w->error = 1;
}

int csvout_needs_neutralising(const char *s)
{
    return s && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
                 s[0] == '\r');
}

void csvout_text(csvout *w, const char *s)
{
    separator(w);
    if (!s)
        return;
    size_t n = strlen(s);
    int neutralise = csvout_needs_neutralising(s);
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote) {
        /* csv_fwrite quotes the whole field; the apostrophe goes inside */
        char *buf = NULL;
        if (neutralise) {
            buf = malloc(n + 2);
            if (!buf) {
                w->error = 1;
                return;
            }
            buf[0] = '\'';
            memcpy(buf + 1, s, n + 1);
        }
        if (csv_fwrite(w->fp, buf ? buf : s, n + (size_t)neutralise) != 0)
            w->error = 1;
        free(buf);
        return;
    }
    if ((neutralise && fputc('\'', w->fp) == EOF) || fwrite(s, 1, n, w->fp) != n)
        w->error = 1;
}

char *csvout_format_real(double v, char *buf, size_t len)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return buf;
}

void csvout_real(csvout *w, double v)
{
    separator(w);
    if (!isfinite(v))
        return;
    /* A whole number under 10^15 in magnitude has at most 15 digits, which
     * "%.15g" writes as they are: the same text as an integer, without the
     * formatting and the read-back (-0 excepted: "%g" keeps its sign). */
    if (fabs(v) < 1e15 && v == (double)(int64_t)v && !(v == 0.0 && signbit(v))) {
        if (fprintf(w->fp, "%lld", (long long)v) < 0)
            w->error = 1;
        return;
    }
    char buf[40];
    csvout_format_real(v, buf, sizeof buf);
    if (fputs(buf, w->fp) == EOF)
        w->error = 1;
}

void csvout_int(csvout *w, int64_t v)
{
    separator(w);
    if (fprintf(w->fp, "%lld", (long long)v) < 0)
        w->error = 1;
}

void csvout_null(csvout *w)
{
    separator(w);
}

int csvout_end_row(csvout *w)
{
    if (fputs("\r\n", w->fp) == EOF)
        w->error = 1;
    w->fields = 0;
    w->rows++;
    return w->error ? -1 : 0;
}
