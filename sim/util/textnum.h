/*
 * textnum: strict number parsing for input files (scenario values, CSV
 * fields). The whole text must be the number: an empty string, leading or
 * trailing junk ("12abc"), nan, inf and hexadecimal are all refused, so a
 * typo never silently becomes a different value. Its results are codes of
 * the status list (status.h). And the other way: numbers as text for
 * people (messages, text reports), with thousands separators.
 */
#ifndef CAPSIM_TEXTNUM_H
#define CAPSIM_TEXTNUM_H

#include <stddef.h>
#include <stdint.h>
#include "status.h"

/* The codes textnum returns, from the status list. */
typedef capsim_status textnum_status;
#define TEXTNUM_OK CAPSIM_OK
#define TEXTNUM_NOT_NUMBER CAPSIM_ERR_NOT_NUMBER  /* not a plain decimal number */
#define TEXTNUM_TOO_LARGE CAPSIM_ERR_TOO_LARGE    /* a number, but it overflows the type */
#define TEXTNUM_NEGATIVE CAPSIM_ERR_NEGATIVE      /* textnum_uint: a minus sign and digits */

/* The largest magnitude capsim reads as a real: far above any price,
 * demand, budget or capex a scenario needs (a trillion dollars is 1e12),
 * and small enough that sums and products of such inputs over a run stay
 * finite, so every stored figure is a number. */
#define TEXTNUM_MAX_REAL 1e15

/* A finite decimal real of magnitude at most TEXTNUM_MAX_REAL, e.g. "700",
 * "-2.5", "1e-3"; TEXTNUM_TOO_LARGE beyond it. */
textnum_status textnum_real(const char *text, double *out);
/* An unsigned decimal integer of digits only, e.g. "16000". */
textnum_status textnum_uint(const char *text, uint64_t *out);

/* Writes v with `decimals` decimals and a comma between each group of three
 * integer digits ("3,526,880,000", "-41,200.5"); never "-0". Returns out. */
char *textnum_format_grouped(double v, int decimals, char *out, size_t n);

#endif
