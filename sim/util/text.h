/*
 * text: whitespace handling for the input readers (scenario lines, keys,
 * distributions and lists). Whitespace is what isspace() says in the C
 * locale; bytes above 127 are never whitespace.
 */
#ifndef CAPSIM_TEXT_H
#define CAPSIM_TEXT_H

#include <stddef.h>

/* Trims s in place: overwrites each trailing whitespace character with a
 * NUL and returns a pointer to the first non-space character of s (s itself
 * when there is no leading space; the terminating NUL when s is all
 * whitespace). */
char *text_trim(char *s);

/* The first character at or after p that is not whitespace. */
const char *text_skip_space(const char *p);

/* The length of s[0..len) without its trailing whitespace. */
size_t text_trim_end_length(const char *s, size_t len);

#endif
