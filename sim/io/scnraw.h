/*
 * scnraw: the scenario as written, before it means anything. Reads the INI
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
 *  - every stored value has passed scnkeys_parse for its key, so the
 *    resolver only checks what needs more than one value;
 *  - `order` lists each (section, key) once, in the order first set: the
 *    order of the scenario_param list.
 */
#ifndef CAPSIM_SCNRAW_H
#define CAPSIM_SCNRAW_H

#include <stddef.h>
#include "scndiag.h"
#include "scnkeys.h"

#define SCNRAW_SET_FILE (-1)   /* file index of a --set value */

typedef struct scnraw_value {
    char *text;      /* NULL: not set */
    int file;        /* index into scnraw.files, or SCNRAW_SET_FILE */
    int line;        /* 1-based; 0 for --set */
    int read_id;     /* which reading of a file set it (an include read twice counts twice) */
} scnraw_value;

typedef struct scnraw_header {
    int read_id;
    int line;
} scnraw_header;

typedef struct scnraw_section {
    scnkeys_kind kind;
    char *name;              /* "" for [scenario] */
    int file, line;          /* where the section first appeared */
    scnraw_value *values;    /* one per key of the kind, in schema order */
    scnraw_header *headers;  /* every [kind name] line that opened it */
    size_t n_headers;
} scnraw_section;

typedef struct scnraw_ref {
    int section;
    int key;
} scnraw_ref;

typedef struct scnraw {
    scnraw_section *sections;
    size_t n_sections;
    char **files;            /* every file read, as its path is shown in messages */
    size_t n_files;
    scnraw_ref *order;       /* (section, key) in first-set order */
    size_t n_order;
    char **warnings;         /* owned "file:line: warning: ..." strings */
    size_t n_warnings;
    int n_reads;
} scnraw;

/* create / destroy */
scnraw *scnraw_create(void);   /* NULL when out of memory */
void scnraw_destroy(scnraw *raw);

/* operations */
/* Reads the scenario file at `path` and everything it includes. Returns 0,
 * or -1 after reporting the first error to d. */
int scnraw_read(scnraw *raw, const char *path, scndiag *d);
/* Applies one "kind.name.key=value" override; the section must exist.
 * top_file names the scenario in messages. Returns 0, or -1 after reporting. */
int scnraw_apply_set(scnraw *raw, const char *assignment, const char *top_file, scndiag *d);
/* Takes ownership of a warning string (NULL: ignored). Returns 0 or -1. */
int scnraw_add_warning(scnraw *raw, char *warning);

/* queries */
/* The file name of a value's file index ("--set" for SCNRAW_SET_FILE). */
const char *scnraw_file_name(const scnraw *raw, int file);
/* The section of this kind and name, or -1. O(number of sections). */
int scnraw_find(const scnraw *raw, scnkeys_kind kind, const char *name);
/* A location for messages about a key of a section: the key's own line
 * when it was set, else the section's header line. */
scndiag_where scnraw_where(const scnraw *raw, int section, int key);
/* `rel` resolved against the directory of `base_file` (absolute rel, or a
 * NULL base, returns a copy of rel). malloc'd; NULL when out of memory. */
char *scnraw_join_path(const char *base_file, const char *rel);

#endif
