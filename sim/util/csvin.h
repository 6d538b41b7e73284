/*
 * csvin: reads a CSV file with libcsv (RFC 4180, strict), feeding it one
 * physical line at a time so that the caller's callbacks always know the
 * line they are on, for error messages that name it. The series and trace
 * readers share it. Its results are codes of the status list (status.h).
 */
#ifndef CAPSIM_CSVIN_H
#define CAPSIM_CSVIN_H

#include <stddef.h>
#include "status.h"

/* The codes csvin returns, from the status list. */
typedef capsim_status csvin_status;
#define CSVIN_OK CAPSIM_OK
#define CSVIN_CANNOT_OPEN CAPSIM_ERR_CANNOT_OPEN  /* missing, a directory, or unreadable */
#define CSVIN_NO_MEMORY CAPSIM_ERR_NO_MEMORY
#define CSVIN_MALFORMED CAPSIM_ERR_MALFORMED      /* a stray or unterminated quote; a read error */

typedef struct csvin_callbacks {
    void (*on_field)(void *field, size_t len, void *ctx);   /* libcsv's field callback */
    void (*on_row)(int terminator, void *ctx);              /* libcsv's row callback */
    void *ctx;
    int *line;          /* set to each physical line's number (1-based) before it is fed */
    const int *stop;    /* when a callback sets *stop non-zero, reading ends (CSVIN_OK) */
} csvin_callbacks;

/* Reads the file at path. `what` names it in messages ("series", "trace").
 * Returns CSVIN_OK (also when a callback stopped the read), or an error
 * with one message in why: for CSVIN_CANNOT_OPEN "cannot read WHAT 'PATH':
 * REASON; check the path ...", for CSVIN_MALFORMED what was wrong with the
 * CSV at *line. */
csvin_status csvin_read(const char *path, const char *what, const csvin_callbacks *cb,
                        char *why, size_t why_len);

#endif
