/*
 * text: whitespace trimming. Characters are read as unsigned char before
 * isspace(), so a byte above 127 (UTF-8) is never undefined behaviour.
 */
#include "text.h"

#include <ctype.h>
#include <string.h>

char *text_trim(char *s)
{
    s = (char *)text_skip_space(s);
    size_t len = strlen(s);
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        s[--len] = '\0';
    return s;
}

const char *text_skip_space(const char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    return p;
}

size_t text_trim_end_length(const char *s, size_t len)
{
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    return len;
}
