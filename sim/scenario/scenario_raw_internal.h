/*
 * scenario_raw internals shared by scenario_raw.c (the table) and scenario_raw_read.c (the
 * INI reader). Not for use outside the scenario_raw module.
 */
#ifndef CAPSIM_SCENARIO_RAW_INTERNAL_H
#define CAPSIM_SCENARIO_RAW_INTERNAL_H

#include "scenario_raw.h"

/* Makes room for one more item in `items`, an array of n items of `size`
 * bytes grown only by this function. Returns the array to use from now on,
 * or NULL when out of memory (then `items` is untouched and still owned). */
void *scenario_raw__grow(void *items, size_t n, size_t size);
/* Registers a file path (takes ownership). Returns its index or -1. */
int scenario_raw__add_file(scenario_raw *raw, char *path);
/* Adds a section. Returns its index or -1 (out of memory). */
int scenario_raw__add_section(scenario_raw *raw, scenario_keys_kind kind, const char *name, int file, int line);
/* Sets a key's text (copied), remembering the first-set order; a value set
 * twice in the same file read gets a warning. read_id < 0 for --set.
 * Returns 0 or -1 (out of memory). */
int scenario_raw__store(scenario_raw *raw, int section, int key, const char *text, int file, int line,
                  int read_id);

#endif
