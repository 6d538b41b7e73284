/*
 * textnum: strict decimal parsing on top of strtod / strtoull. Both accept
 * more than a scenario author means (leading spaces, "inf", "0x1p3", a
 * wrapped "-1" for strtoull), so the text is screened by its characters
 * first and the conversion must consume all of it.
 */
#include "textnum.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

textnum_status textnum_real(const char *text, double *out)
{
    if (!text || !*text || strspn(text, "0123456789+-.eE") != strlen(text))
        return TEXTNUM_NOT_NUMBER;
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    if (end == text || *end != '\0')
        return TEXTNUM_NOT_NUMBER;
    if (!isfinite(value) || fabs(value) > TEXTNUM_MAX_REAL)
        return TEXTNUM_TOO_LARGE;
    *out = value;
    return TEXTNUM_OK;
}

textnum_status textnum_uint(const char *text, uint64_t *out)
{
    if (!text || !*text)
        return TEXTNUM_NOT_NUMBER;
    const char *digits = text[0] == '-' ? text + 1 : text;
    if (!*digits || strspn(digits, "0123456789") != strlen(digits))
        return TEXTNUM_NOT_NUMBER;
    if (digits != text)
        return TEXTNUM_NEGATIVE;
    errno = 0;
    unsigned long long value = strtoull(text, NULL, 10);
    if (errno == ERANGE)
        return TEXTNUM_TOO_LARGE;
    *out = (uint64_t)value;
    return TEXTNUM_OK;
}

char *textnum_format_grouped(double v, int decimals, char *out, size_t n)
{
    char plain[64];
    snprintf(plain, sizeof plain, "%.*f", decimals, v);
    if (plain[0] == '-' && strspn(plain + 1, "0.") == strlen(plain + 1))
        memmove(plain, plain + 1, strlen(plain));   /* "-0.00" is "0.00" */
    const char *digits = plain[0] == '-' ? plain + 1 : plain;
    const char *dot = strchr(digits, '.');
    const size_t n_int = dot ? (size_t)(dot - digits) : strlen(digits);
    size_t o = 0;
    if (plain[0] == '-' && o + 1 < n)
        out[o++] = '-';
    for (size_t i = 0; i < n_int && o + 2 < n; i++) {
        if (i > 0 && (n_int - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    if (dot && o < n)
        o += (size_t)snprintf(out + o, n - o, "%s", dot);
    out[o < n ? o : n - 1] = '\0';
    return out;
}
