/*
 * scenario_raw: the scenario as written, before it means anything. Reads the INI
 * files (inih, through a line reader of our own that counts lines, strips
 * comments and checks the syntax), follows includes, and applies --set
 * overrides. The result is a table of sections, each with the text of every
 * key that was set and where that text came from.
 *
 * Invariants:
 *  - sections are in first-seen order; a section is (kind, name), unique;
 *  - a section opened again later in the same file read is an error
 *    (duplicate); opened again in another file (an include) it is the same
 *    section, and its keys override;
 *  - every stored value has passed scenario_keys_parse for its key, so the
 *    resolver only checks what needs more than one value;
 *  - `order` lists each (section, key) once, in the order first set: the
 *    order of the scenario_param list.
 */
#ifndef CAPSIM_SCENARIO_RAW_H
#define CAPSIM_SCENARIO_RAW_H

#include <stddef.h>
#include "scenario_diag.h"
#include "scenario_keys.h"

#define SCENARIO_RAW_SET_FILE (-1)   /* file index of a --set value */

typedef struct scenario_raw_value {
    char *text;      /* NULL: not set */
    int file;        /* index into scenario_raw.files, or SCENARIO_RAW_SET_FILE */
    int line;        /* 1-based; 0 for --set */
    int read_id;     /* which reading of a file set it (an include read twice counts twice) */
} scenario_raw_value;

typedef struct scenario_raw_header {
    int read_id;
    int line;
} scenario_raw_header;

typedef struct scenario_raw_section {
    scenario_keys_kind kind;
    char *name;              /* "" for [scenario] */
    int file, line;          /* where the section first appeared */
    scenario_raw_value *values;    /* one per key of the kind, in schema order */
    scenario_raw_header *headers;  /* every [kind name] line that opened it */
    size_t n_headers;
} scenario_raw_section;

typedef struct scenario_raw_ref {
    int section;
    int key;
} scenario_raw_ref;

typedef struct scenario_raw {
    scenario_raw_section *sections;
    size_t n_sections;
    char **files;            /* every file read, as its path is shown in messages */
    size_t n_files;
    scenario_raw_ref *order;       /* (section, key) in first-set order */
    size_t n_order;
    char **warnings;         /* owned "file:line: warning: ..." strings */
    size_t n_warnings;
    int n_reads;
} scenario_raw;

/* create / destroy */
scenario_raw *scenario_raw_create(void);   /* NULL when out of memory */
void scenario_raw_destroy(scenario_raw *raw);

/* operations */
/* Reads the scenario file at `path` and everything it includes. Returns 0,
 * or -1 after reporting the first error to d. */
int scenario_raw_read(scenario_raw *raw, const char *path, scenario_diag *d);
/* Applies one "kind.name.key=value" override; the section must exist.
 * top_file names the scenario in messages. Returns 0, or -1 after reporting. */
int scenario_raw_apply_set(scenario_raw *raw, const char *assignment, const char *top_file, scenario_diag *d);
/* Takes ownership of a warning string (NULL: ignored). Returns 0 or -1. */
int scenario_raw_add_warning(scenario_raw *raw, char *warning);

/* queries */
/* The file name of a value's file index ("--set" for SCENARIO_RAW_SET_FILE). */
const char *scenario_raw_file_name(const scenario_raw *raw, int file);
/* The section of this kind and name, or -1. O(number of sections). */
int scenario_raw_find(const scenario_raw *raw, scenario_keys_kind kind, const char *name);
/* A location for messages about a key of a section: the key's own line
 * when it was set, else the section's header line. */
scenario_diag_where scenario_raw_where(const scenario_raw *raw, int section, int key);
/* `rel` resolved against the directory of `base_file` (absolute rel, or a
 * NULL base, returns a copy of rel). malloc'd; NULL when out of memory. */
char *scenario_raw_join_path(const char *base_file, const char *rel);

#endif
