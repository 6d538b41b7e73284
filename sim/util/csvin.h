/*
 * csvin: reads a CSV file with libcsv (RFC 4180, strict), feeding it one
 * physical line at a time so that the caller's callbacks always know the
 * line they are on, for error messages that name it. The series and trace
 * readers share it.
 */
#ifndef CAPSIM_CSVIN_H
#define CAPSIM_CSVIN_H

#include <stddef.h>

typedef enum csvin_status {
    CSVIN_OK = 0,
    CSVIN_CANNOT_OPEN = -1,  /* missing, a directory, or unreadable */
    CSVIN_NO_MEMORY = -2,
    CSVIN_MALFORMED = -3     /* a stray or unterminated quote, or a read error */
} csvin_status;

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
