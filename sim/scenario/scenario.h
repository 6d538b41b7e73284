/*
 * scenario: reads a scenario INI file (with inih), follows its includes,
 * applies --set overrides, validates every value and reference, and
 * produces a spec for the model plus the resolved parameters for the store.
 *
 * Every value has a path kind.name.key (for [scenario], kind.key:
 * scenario.seed). Later values override earlier ones: an included file's
 * keys are read where the include line stands, and --set overrides win over
 * every file. A CSV series or job trace named by a workload is read here
 * (libcsv) and handed to the spec as arrays, so the model opens no files.
 *
 * Errors name the file, the line, the section and the key, say what was
 * expected, and suggest the nearest valid name for a typo. Warnings (for
 * example a lessor committing more GPUs than it holds) do not stop a run.
 */
#ifndef CAPSIM_SCENARIO_H
#define CAPSIM_SCENARIO_H

#include <stddef.h>
#include <stdio.h>
#include "../model/spec.h"

/* One resolved parameter: where its final value came from. */
typedef struct scenario_param {
    char *path;     /* kind.name.key, e.g. "contract.cw-google.gpus" */
    char *value;    /* the text as written (after overrides) */
    char *file;     /* file it came from, or "--set" */
    int line;       /* line in that file, 0 for --set */
} scenario_param;

typedef struct scenario {
    spec *spec;                 /* owned */
    scenario_param *params;     /* owned; in first-seen order */
    size_t n_params;
    char *resolved_text;        /* owned; INI text of every resolved value, re-readable */
    char *path;                 /* the top-level file as given */
    char **warnings;            /* owned; human-readable, each "file:line: warning: ..." */
    size_t n_warnings;
} scenario;

/* An override from the command line: "kind.name.key=value". */
typedef struct scenario_override {
    const char *assignment;
} scenario_override;

/* create / destroy */
/* Reads and validates `path` with the given overrides. On success returns
 * the scenario (caller frees with scenario_destroy) and leaves err empty.
 * On failure returns NULL and writes one message, "FILE:LINE: [section] key:
 * what was wrong; what to do", into err (never truncated below 512 bytes). */
scenario *scenario_load(const char *path, const scenario_override *overrides,
                        size_t n_overrides, char *err, size_t err_len);
void scenario_destroy(scenario *sc);

/* queries */
/* Prints the resolved model in human-readable form (capsim validate --print). */
void scenario_print(const scenario *sc, FILE *out);

#endif
