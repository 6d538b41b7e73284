/*
 * csvout: CSV writing for spreadsheets, through libcsv's quoting. One writer
 * wraps one FILE. Cells are appended one at a time and csvout_end_row ends a
 * record with CRLF (RFC 4180).
 *
 * Conventions, so that a file opens the same way in every spreadsheet:
 * - numbers are written unquoted in the C locale ('.' decimal separator) with
 *   the shortest "%.Ng" (N <= 17) that reads back to the same double;
 *   integers as integers; NULL and non-finite numbers as an empty cell;
 * - text is UTF-8 as stored, quoted (and inner quotes doubled) only when it
 *   contains a comma, a quote, CR or LF;
 * - text that begins with '=', '+', '-', '@', TAB or CR is neutralised with a
 *   leading apostrophe, so a spreadsheet shows it as text instead of running
 *   it as a formula ("=1+1" is written as "'=1+1"). Only text cells are
 *   neutralised: the number -3.5 stays -3.5.
 */
#ifndef CAPSIM_CSVOUT_H
#define CAPSIM_CSVOUT_H

#include <stdint.h>
#include <stdio.h>

typedef struct csvout {
    FILE *fp;
    int fields;            /* cells written on the current row */
    uint64_t rows;         /* rows ended so far (header included) */
    int error;             /* a write failed */
} csvout;

/* Starts a writer on an open stream (not owned). */
void csvout_init(csvout *w, FILE *fp);

/* Cells of the current row. */
void csvout_text(csvout *w, const char *s);
void csvout_real(csvout *w, double v);
void csvout_int(csvout *w, int64_t v);
void csvout_null(csvout *w);
/* Ends the row. Returns 0, or -1 when any write so far failed. */
int csvout_end_row(csvout *w);

/* 1 when a text cell must be neutralised (see above). */
int csvout_needs_neutralising(const char *s);
/* Formats v as the shortest round-trip "%.Ng" into buf (at least 32 bytes).
 * Returns buf. */
char *csvout_format_real(double v, char *buf, size_t len);

#endif
