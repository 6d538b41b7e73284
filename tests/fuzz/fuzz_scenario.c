/*
 * fuzz_scenario: scenario_load (sim/scenario/scenario.c: inih reading with
 * includes, --set overrides, resolution into a spec, the CSV readers) on
 * arbitrary bytes as the scenario file.
 *
 * Input: the scenario text, optionally followed by a line `--set` and then
 * one override ("kind.name.key=value") per line, at most MAX_OVERRIDES.
 *
 * Files: the input is written to scenario.ini in the process's temporary
 * directory, beside three fixed files it may name: base.ini (a small valid
 * scenario to include), series.csv and trace.csv. Every '/' of the input
 * becomes '_', so no path in it (include, series, trace) can leave that
 * directory; overrides that mention series or trace are dropped, since an
 * override's path is relative to the working directory instead.
 *
 * A scenario that loads must load again from its resolved text (the header
 * promises it is re-readable), and scenario_print must run on it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../sim/scenario/scenario.h"
#include "fuzz_tmpfile.h"

#define MAX_OVERRIDES 8
#define SET_MARKER "\n--set\n"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base_ini[] =
    "[scenario]\nname = fuzz base\nstart = 2025-01-01\nend = 2025-12-31\ntick = 1d\n\n"
    "[gpu H100]\ntdp_w = 700\nidle_w = 90\n\n"
    "[gpu B200]\ntdp_w = 1000\nidle_w = 140\ntrain_speed = 2.5\ninfer_speed = 3\n\n"
    "[provider coreweave]\nkind = neocloud\n\n[provider google]\nkind = hyperscaler\n\n"
    "[provider openai]\nkind = lab\n\n"
    "[datacenter cw-plano]\nowner = coreweave\npower_mw = 20\ngpus = H100:16000\n";
static const char series_csv[] =
    "date,demand_h100\n2025-01-01,1000\n2025-03-01,1500\n2025-08-01,4000\n";
static const char trace_csv[] =
    "submit,gpus,duration_h,gpu\n2025-01-02 08:00:00,64,12,H100\n2025-01-02 09:30:00,8,2.5,\n"
    "2025-01-03,16,4,any\n2025-01-04 10:00:00,512,48,B200\n";

static FILE *devnull;

static void write_text(const char *name, const char *text)
{
    fuzz_tmpfile_write(name, (const uint8_t *)text, strlen(text));
}

static void close_devnull(void)
{
    if (devnull)
        fclose(devnull);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    write_text("base.ini", base_ini);
    write_text("series.csv", series_csv);
    write_text("trace.csv", trace_csv);
    devnull = fopen("/dev/null", "w");
    if (!devnull)
        abort();
    atexit(close_devnull);
    return 0;
}

/* Whether an override could name a file: it is then relative to the
 * working directory, outside the temporary one. */
static int names_a_file(const char *assignment)
{
    for (const char *p = assignment; *p; p++)
        if (strncasecmp(p, "series", 6) == 0 || strncasecmp(p, "trace", 5) == 0)
            return 1;
    return 0;
}

/* Cuts text (NUL-terminated, writable) into overrides, one per line. */
static size_t split_overrides(char *text, scenario_override *out)
{
    size_t n = 0;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line && n < MAX_OVERRIDES;
         line = strtok_r(NULL, "\n", &save))
        if (!names_a_file(line))
            out[n++].assignment = line;
    return n;
}

/* Loads the resolved text of sc again; it must succeed. */
static void reload(const scenario *sc)
{
    const char *text = sc->resolved_text;
    const char *path = fuzz_tmpfile_write("resolved.ini", (const uint8_t *)text, strlen(text));
    char err[1024];
    scenario *again = scenario_load(path, NULL, 0, err, sizeof err);
    if (!again) {
        fprintf(stderr, "fuzz_scenario: the resolved text does not load again: %s\n", err);
        abort();
    }
    scenario_destroy(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    for (size_t i = 0; i < size; i++)
        text[i] = data[i] == '/' ? '_' : (char)data[i];
    text[size] = '\0';

    scenario_override overrides[MAX_OVERRIDES];
    size_t n_overrides = 0, file_len = size;
    char *marker = strstr(text, SET_MARKER);    /* after a NUL byte it is not seen */
    if (marker) {
        file_len = (size_t)(marker - text) + 1;   /* keep the newline */
        n_overrides = split_overrides(marker + strlen(SET_MARKER), overrides);
    }
    const char *path = fuzz_tmpfile_write("scenario.ini", (const uint8_t *)text, file_len);

    char err[1024];
    scenario *sc = scenario_load(path, overrides, n_overrides, err, sizeof err);
    if (sc) {
        scenario_print(sc, devnull);
        reload(sc);
    }
    scenario_destroy(sc);
    free(text);
    return 0;
}
