/*
 * strbuf: append-only string; doubles its capacity as it grows.
 */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

static int reserve(strbuf *b, size_t extra)
{
    if (b->error)
        return -1;
    if (grow_reserve((void **)&b->s, &b->cap, b->len + extra + 1, 256, 1) != 0) {
        b->error = 1;
        return -1;
    }
    return 0;
}

void strbuf_add(strbuf *b, const char *text)
{
    size_t n = strlen(text);
    if (reserve(b, n) != 0)
        return;
    memcpy(b->s + b->len, text, n + 1);
    b->len += n;
}

void strbuf_addf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, (size_t)n) != 0) {
        b->error = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

const char *strbuf_str(strbuf *b)
{
    if (!b->s && reserve(b, 0) == 0)
        b->s[0] = '\0';
    return b->error ? NULL : b->s;
}

void strbuf_free(strbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    b->error = 0;
}
