/*
 * scnraw internals shared by scnraw.c (the table) and scnraw_read.c (the
 * INI reader). Not for use outside the scnraw module.
 */
#ifndef CAPSIM_SCNRAW_INT_H
#define CAPSIM_SCNRAW_INT_H

#include "scnraw.h"

/* Makes room for one more item in `items`, an array of n items of `size`
 * bytes grown only by this function. Returns the array to use from now on,
 * or NULL when out of memory (then `items` is untouched and still owned). */
void *scnraw__grow(void *items, size_t n, size_t size);
/* Registers a file path (takes ownership). Returns its index or -1. */
int scnraw__add_file(scnraw *raw, char *path);
/* Adds a section. Returns its index or -1 (out of memory). */
int scnraw__add_section(scnraw *raw, scnkeys_kind kind, const char *name, int file, int line);
/* Sets a key's text (copied), remembering the first-set order; a value set
 * twice in the same file read gets a warning. read_id < 0 for --set.
 * Returns 0 or -1 (out of memory). */
int scnraw__store(scnraw *raw, int section, int key, const char *text, int file, int line,
                  int read_id);

#endif
