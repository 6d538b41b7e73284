/*
 * textnum: strict number parsing for input files (scenario values, CSV
 * fields). The whole text must be the number: an empty string, leading or
 * trailing junk ("12abc"), nan, inf and hexadecimal are all refused, so a
 * typo never silently becomes a different value.
 */
#ifndef CAPSIM_TEXTNUM_H
#define CAPSIM_TEXTNUM_H

#include <stdint.h>

typedef enum textnum_status {
    TEXTNUM_OK = 0,
    TEXTNUM_NOT_NUMBER = -1,   /* not a plain decimal number */
    TEXTNUM_TOO_LARGE = -2,    /* a number, but it overflows the type */
    TEXTNUM_NEGATIVE = -3      /* textnum_uint: a minus sign and digits */
} textnum_status;

/* A finite decimal real, e.g. "700", "-2.5", "1e-3". */
textnum_status textnum_real(const char *text, double *out);
/* An unsigned decimal integer of digits only, e.g. "16000". */
textnum_status textnum_uint(const char *text, uint64_t *out);

#endif
