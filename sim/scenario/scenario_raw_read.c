/*
 * scenario_raw_read: reads scenario INI files into the scenario_raw table.
 *
 * inih does the key = value splitting; everything about lines happens in
 * our reader function, which inih calls for each line (ini_parse_stream):
 *  - it counts physical lines, so the handler knows the line of every key
 *    (Debian's inih is built without INI_HANDLER_LINENO);
 *  - it strips comments (';' or '#' at the start of a line or after
 *    whitespace) and leading whitespace, so an indented line is never taken
 *    for an inih continuation line;
 *  - it handles [kind name] headers itself (inih truncates section names at
 *    50 characters), and rejects a bad line at once with its line number,
 *    instead of letting inih record it and carry on;
 *  - it hands inih "\n" for blank and header lines, and "key = value\n"
 *    otherwise, in pieces when the line is longer than inih's buffer.
 * Includes are read from the handler, in place: a nested ini_parse_stream
 * with a reader of its own, so an included file's keys land exactly where
 * the include line stands.
 */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scenario_raw.h"
#include "scenario_raw_internal.h"
#include "../util/infile.h"
#include "../util/text.h"

#define MAX_LINE_CHARS 65536
#define MAX_INCLUDE_DEPTH 16
#define SYNTAX_HINT "expected `key = value` or `[kind name]`"

/* Debian's libinih makes its build options run-time variables; with them we
 * switch to a growing heap buffer, so lines of any length reach the handler
 * whole. Declared weak: a libinih without them leaves these NULL, and then
 * a line longer than inih's fixed buffer is reported instead. */
#pragma weak ini_use_stack
#pragma weak ini_allow_realloc
#pragma weak ini_max_line

typedef struct file_identity {
    dev_t dev;
    ino_t ino;
    int file;
} file_identity;

struct reader;

typedef struct loader {
    scenario_raw *raw;
    scenario_diag *d;
    struct reader *current;          /* the innermost file being read */
    file_identity stack[MAX_INCLUDE_DEPTH];
    int depth;
    int growable;                    /* inih's line buffer grows */
} loader;

typedef struct reader {
    loader *ld;
    infile in;                 /* the open file, read within capsim's input limits */
    int file;                  /* index into raw->files */
    int read_id;
    int line;                  /* physical lines read so far */
    int section;               /* current section, -1 before the first header */
    char *buf;                 /* the physical line (getline) */
    size_t cap;
    char *clean;               /* what inih gets for it */
    size_t clean_cap;
    size_t pending, pending_len; /* the part of `clean` not yet handed over */
} reader;

static int configure_inih(void)
{
    if (&ini_use_stack == NULL || &ini_allow_realloc == NULL || &ini_max_line == NULL)
        return 0;
    ini_use_stack = false;
    ini_allow_realloc = true;
    ini_max_line = 2 * MAX_LINE_CHARS;
    return 1;
}

static scenario_diag_where where_here(const reader *r)
{
    return (scenario_diag_where){r->ld->raw->files[r->file], r->line, NULL, NULL, NULL};
}

static scenario_diag_where where_in_section(const reader *r, const char *key)
{
    scenario_diag_where w = scenario_raw_where(r->ld->raw, r->section, -1);
    w.file = r->ld->raw->files[r->file];
    w.line = r->line;
    w.key = key;
    return w;
}

/* Cuts a comment: ';' or '#' at the start or after whitespace. */
static void strip_comment(char *s)
{
    for (char *p = s; *p; p++) {
        if ((*p == ';' || *p == '#') && (p == s || isspace((unsigned char)p[-1]))) {
            *p = '\0';
            return;
        }
    }
}

/* ---- section headers ---- */

static void unknown_kind(reader *r, const char *kind, const char *name)
{
    scenario_diag_where w = where_here(r);
    w.kind = kind;
    w.name = *name ? name : NULL;
    const char *near = scenario_keys_suggest_kind(kind);
    if (near)
        scenario_diag_error(r->ld->d, &w, "unknown section kind '%s'; did you mean [%s]?", kind, near);
    else
        scenario_diag_error(r->ld->d, &w, "unknown section kind '%s'; use %s", kind,
                      scenario_keys_kind_names());
}

/* Opens (or reopens) the section. Returns 0 or -1 after reporting. */
static int enter_section(reader *r, scenario_keys_kind kind, const char *name)
{
    scenario_raw *raw = r->ld->raw;
    scenario_diag_where w = where_here(r);
    w.kind = scenario_keys_kind_of(kind)->name;
    w.name = scenario_keys_kind_of(kind)->named ? name : NULL;
    int s = scenario_raw_find(raw, kind, name);
    if (s < 0 && (s = scenario_raw__add_section(raw, kind, name, r->file, r->line)) < 0) {
        scenario_diag_error(r->ld->d, &w, "out of memory");
        return -1;
    }
    scenario_raw_section *sec = &raw->sections[s];
    for (size_t i = 0; i < sec->n_headers; i++) {
        if (sec->headers[i].read_id == r->read_id) {
            scenario_diag_error(r->ld->d, &w, "duplicate section: already defined at line %d of "
                          "this file; rename one or merge them", sec->headers[i].line);
            return -1;
        }
    }
    scenario_raw_header *grown = scenario_raw__grow(sec->headers, sec->n_headers, sizeof *grown);
    if (!grown) {
        scenario_diag_error(r->ld->d, &w, "out of memory");
        return -1;
    }
    sec->headers = grown;
    sec->headers[sec->n_headers++] = (scenario_raw_header){r->read_id, r->line};
    r->section = s;
    return 0;
}

/* text is a trimmed line starting with '['. Returns 0 or -1 after reporting. */
static int open_header(reader *r, char *text)
{
    size_t len = strlen(text);
    scenario_diag_where w = where_here(r);
    if (text[len - 1] != ']') {
        scenario_diag_error(r->ld->d, &w, SYNTAX_HINT "; this section header has no closing ']'");
        return -1;
    }
    text[len - 1] = '\0';
    char *kind = text_trim(text + 1), *name = kind;
    while (*name && !isspace((unsigned char)*name))
        name++;
    if (*name)
        *name++ = '\0';
    name = text_trim(name);
    int k = scenario_keys_find_kind(kind);
    if (k < 0) {
        unknown_kind(r, kind, name);
        return -1;
    }
    const scenario_keys_kind_def *kd = scenario_keys_kind_of((scenario_keys_kind)k);
    char why[256];
    w.kind = kd->name;
    if (!kd->named && *name) {
        scenario_diag_error(r->ld->d, &w, "[scenario] takes no name; write just [scenario]");
        return -1;
    }
    if (kd->named && !*name) {
        scenario_diag_error(r->ld->d, &w, "a [%s] section needs a name; write [%s NAME]", kd->name,
                      kd->name);
        return -1;
    }
    if (kd->named && scenario_keys_check_name(name, why, sizeof why) != 0) {
        scenario_diag_error(r->ld->d, &w, "%s", why);
        return -1;
    }
    return enter_section(r, (scenario_keys_kind)k, name);
}

/* ---- lines ---- */

/* A "key = value" line: a key of letters, digits and '_', then '='. */
static int check_key_line(reader *r, const char *text)
{
    scenario_diag_where w = where_here(r);
    const char *eq = strchr(text, '=');
    size_t key_len = eq ? text_trim_end_length(text, (size_t)(eq - text)) : 0;
    int ok = key_len > 0;
    for (size_t i = 0; ok && i < key_len; i++)
        ok = isalnum((unsigned char)text[i]) || text[i] == '_';
    if (!ok) {
        scenario_diag_error(r->ld->d, &w, SYNTAX_HINT "; found '%.60s'", text);
        return -1;
    }
    if (r->section < 0) {
        scenario_diag_error(r->ld->d, &w, "'%.*s' comes before any section; put it under a "
                      "[scenario] or [kind name] header", (int)key_len, text);
        return -1;
    }
    return 0;
}

static int set_clean(reader *r, const char *text)
{
    size_t len = strlen(text);
    if (len + 2 > r->clean_cap) {
        char *grown = realloc(r->clean, len + 2);
        if (!grown) {
            scenario_diag_where w = where_here(r);
            scenario_diag_error(r->ld->d, &w, "out of memory");
            return -1;
        }
        r->clean = grown;
        r->clean_cap = len + 2;
    }
    memcpy(r->clean, text, len);
    memcpy(r->clean + len, "\n", 2);
    r->pending = 0;
    r->pending_len = len + 1;
    return 1;
}

/* Reads and cleans the next physical line. Returns 1 when r->clean holds
 * it, 0 at the end of the file, -1 after reporting an error. */
static int next_line(reader *r)
{
    ssize_t len = infile_getline(&r->in, &r->buf, &r->cap);
    scenario_diag_where w = where_here(r);
    if (len == INFILE_END)
        return 0;
    if (len < 0) {
        char why[256];
        infile_describe(&r->in, len, why, sizeof why);
        w.line = r->line + 1;
        scenario_diag_error(r->ld->d, &w, "%s", why);
        return -1;
    }
    w.line = ++r->line;
    if (len > MAX_LINE_CHARS || strlen(r->buf) != (size_t)len) {
        scenario_diag_error(r->ld->d, &w, len > MAX_LINE_CHARS
                      ? "the line is longer than %d characters; is this a scenario file?"
                      : "the line contains a NUL byte (limit %d); is this a text file?",
                      MAX_LINE_CHARS);
        return -1;
    }
    char *text = r->buf;
    if (r->line == 1 && strncmp(text, "\xEF\xBB\xBF", 3) == 0)
        text += 3;                       /* a UTF-8 byte order mark */
    strip_comment(text);
    text = text_trim(text);
    if (*text == '[' && open_header(r, text) != 0)
        return -1;
    if (*text && *text != '[' && check_key_line(r, text) != 0)
        return -1;
    return set_clean(r, *text == '[' ? "" : text);
}

/* inih's ini_reader: fgets semantics over the cleaned lines. */
static char *read_line(char *str, int num, void *stream)
{
    reader *r = stream;
    if (r->ld->d->failed || num < 2)
        return NULL;
    if (r->pending_len == 0 && next_line(r) != 1)
        return NULL;
    size_t room = (size_t)num - 1, n = r->pending_len < room ? r->pending_len : room;
    if (n < r->pending_len && !r->ld->growable && r->pending == 0) {
        scenario_diag_where w = where_here(r);
        scenario_diag_error(r->ld->d, &w, "the line is longer than %d characters, the limit of "
                      "this build's inih; shorten it", num - 3);
        return NULL;
    }
    memcpy(str, r->clean + r->pending, n);
    str[n] = '\0';
    r->pending += n;
    r->pending_len -= n;
    return str;
}

/* ---- keys ---- */

static void unknown_key(reader *r, scenario_keys_kind kind, const char *key)
{
    scenario_diag_where w = where_in_section(r, key);
    const char *kind_name = scenario_keys_kind_of(kind)->name;
    const char *near = scenario_keys_suggest_key(kind, key);
    char keys[512];
    scenario_keys_list_keys(kind, keys, sizeof keys);
    if (strcmp(key, "include") == 0)
        scenario_diag_error(r->ld->d, &w, "include is only allowed in [scenario]; put a [scenario] "
                      "header before it");
    else if (near)
        scenario_diag_error(r->ld->d, &w, "unknown key '%s' for [%s]; did you mean '%s'?", key,
                      kind_name, near);
    else
        scenario_diag_error(r->ld->d, &w, "unknown key '%s' for [%s]; valid keys: %s", key,
                      kind_name, keys);
}

static int read_file(loader *ld, char *path, const scenario_diag_where *from);

static int include_file(reader *r, const char *value)
{
    scenario_diag_where from = where_in_section(r, "include");
    char *path = scenario_raw_join_path(r->ld->raw->files[r->file], value);
    if (!path) {
        scenario_diag_error(r->ld->d, &from, "out of memory");
        return -1;
    }
    return read_file(r->ld, path, &from);
}

/* inih's handler: one key = value of the current section. Returns 1 to go
 * on, 0 after an error (the reader then stops feeding lines). */
static int on_key(void *user, const char *section, const char *key, const char *value)
{
    (void)section;                       /* we track sections ourselves */
    loader *ld = user;
    reader *r = ld->current;
    if (ld->d->failed)
        return 0;
    scenario_keys_kind kind = ld->raw->sections[r->section].kind;
    int k = scenario_keys_find_key(kind, key);
    if (k < 0) {
        unknown_key(r, kind, key);
        return 0;
    }
    const scenario_keys_key *def = &scenario_keys_kind_of(kind)->keys[k];
    if (def->type == SCENARIO_KEYS_INCLUDE)
        return include_file(r, value) == 0;
    scenario_keys_value parsed;
    char why[512];
    scenario_diag_where w = where_in_section(r, def->name);
    if (scenario_keys_parse(def, value, &parsed, why, sizeof why) != 0)
        scenario_diag_error(ld->d, &w, "%s", why);
    else if (scenario_raw__store(ld->raw, r->section, k, value, r->file, r->line, r->read_id) != 0)
        scenario_diag_error(ld->d, &w, "out of memory");
    return !ld->d->failed;
}

/* ---- files ---- */

/* Reports an include cycle if the file is already open. */
static int check_cycle(loader *ld, const infile *in, const char *path,
                       const scenario_diag_where *from)
{
    for (int i = 0; i < ld->depth; i++) {
        if (ld->stack[i].dev != in->dev || ld->stack[i].ino != in->ino)
            continue;
        char chain[1024] = "";
        for (int j = i; j < ld->depth; j++) {
            strncat(chain, ld->raw->files[ld->stack[j].file], sizeof chain - strlen(chain) - 1);
            strncat(chain, " -> ", sizeof chain - strlen(chain) - 1);
        }
        strncat(chain, path, sizeof chain - strlen(chain) - 1);
        scenario_diag_error(ld->d, from, "include cycle: %s; remove one of these includes", chain);
        return -1;
    }
    if (ld->depth == MAX_INCLUDE_DEPTH) {
        scenario_diag_error(ld->d, from, "includes nest more than %d files deep; flatten them",
                      MAX_INCLUDE_DEPTH);
        return -1;
    }
    return 0;
}

/* Opens path for reading into *in (within INFILE_MAX_INI_BYTES). Returns
 * 0, or -1 after reporting. */
static int open_file(loader *ld, const char *path, infile *in, const scenario_diag_where *from)
{
    char why[256];
    if (infile_open(in, path, INFILE_MAX_INI_BYTES, why, sizeof why) != 0) {
        if (from->key) {
            scenario_diag_error(ld->d, from, "cannot read '%s': %s; include a scenario file (the "
                          "path is relative to %s)", path, why, from->file);
        } else {
            scenario_diag_where top = {path, 0, NULL, NULL, NULL};
            scenario_diag_error(ld->d, &top, "cannot read the scenario: %s; check the path",
                                why);
        }
        return -1;
    }
    if (check_cycle(ld, in, path, from) != 0) {
        infile_close(in);
        return -1;
    }
    return 0;
}

static void parse_stream(loader *ld, reader *r)
{
    reader *saved = ld->current;
    ld->current = r;
    int rc = ini_parse_stream(read_line, r, on_key, ld);
    ld->current = saved;
    scenario_diag_where w = where_here(r);
    w.line = rc;
    if (rc == -2)
        scenario_diag_error(ld->d, &w, "out of memory");
    else if (rc > 0)                     /* inih saw what our reader let through */
        scenario_diag_error(ld->d, &w, SYNTAX_HINT);
}

/* Reads one file (path is taken over) from the include line `from`, or as
 * the top-level file when from->key is NULL. Returns 0 or -1. */
static int read_file(loader *ld, char *path, const scenario_diag_where *from)
{
    infile in;
    int opened = open_file(ld, path, &in, from) == 0;
    int file = opened ? scenario_raw__add_file(ld->raw, path) : -1;
    if (file < 0) {
        if (opened)
            scenario_diag_error(ld->d, from, "out of memory");
        free(path);
        if (opened)
            infile_close(&in);
        return -1;
    }
    reader r = {.ld = ld, .in = in, .file = file, .read_id = ++ld->raw->n_reads,
                .section = -1};
    ld->stack[ld->depth++] = (file_identity){in.dev, in.ino, file};
    parse_stream(ld, &r);
    ld->depth--;
    infile_close(&r.in);
    free(r.buf);
    free(r.clean);
    return ld->d->failed ? -1 : 0;
}

int scenario_raw_read(scenario_raw *raw, const char *path, scenario_diag *d)
{
    loader ld = {.raw = raw, .d = d, .growable = configure_inih()};
    scenario_diag_where top = {path, 0, NULL, NULL, NULL};
    char *copy = strdup(path);
    if (!copy) {
        scenario_diag_error(d, &top, "out of memory");
        return -1;
    }
    return read_file(&ld, copy, &top);
}
