/*
 * strbuf: a growing NUL-terminated string for building SQL, HTML and paths.
 * A failed allocation sets the error flag and later appends do nothing, so
 * callers check once at the end.
 */
#ifndef CAPSIM_STRBUF_H
#define CAPSIM_STRBUF_H

#include <stddef.h>

typedef struct strbuf {
    char *s;
    size_t len;
    size_t cap;
    int error;
} strbuf;

void strbuf_add(strbuf *b, const char *text);
void strbuf_addf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the string (never NULL unless allocation failed) and keeps it. */
const char *strbuf_str(strbuf *b);
void strbuf_free(strbuf *b);

#endif
