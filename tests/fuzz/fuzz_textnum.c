/*
 * fuzz_textnum: the strict scalar parsers every input file goes through:
 * textnum_real and textnum_uint (sim/util/textnum.c), caltime_parse_date
 * (sim/util/caltime.c) and jobtrace_parse_time (sim/scenario/jobtrace.c), on
 * arbitrary text. Checks their promises: a real is finite, a date or time
 * formats back to the same text (caltime_format), and a uint is all digits.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../sim/util/caltime.h"
#include "../../sim/scenario/jobtrace.h"
#include "../../sim/util/textnum.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[64];
    if (size >= sizeof text)
        return 0;                   /* every field the parsers see is short */
    memcpy(text, data, size);
    text[size] = '\0';

    double real;
    if (textnum_real(text, &real) == TEXTNUM_OK && !isfinite(real))
        abort();
    uint64_t whole;
    if (textnum_uint(text, &whole) == TEXTNUM_OK &&
        (!*text || strspn(text, "0123456789") != strlen(text)))
        abort();

    int64_t days, seconds;
    char formatted[20];
    if (caltime_parse_date(text, &days) == 0) {
        caltime_format(days * 86400, formatted);
        if (strncmp(formatted, text, 10) != 0)
            abort();
    }
    if (jobtrace_parse_time(text, &seconds) == 0) {
        caltime_format(seconds, formatted);
        if (strncmp(formatted, text, strlen(text)) != 0)
            abort();
    }
    return 0;
}
