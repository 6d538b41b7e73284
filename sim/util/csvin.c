#include "csvin.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infile.h"

static csvin_status open_file(const char *path, const char *what, infile *in, char *why,
                              size_t why_len)
{
    char reason[256];
    if (infile_open(in, path, INFILE_MAX_CSV_BYTES, reason, sizeof reason) == 0)
        return CSVIN_OK;
    snprintf(why, why_len, "cannot read %s '%s': %s; check the path (relative to the file "
             "that names it)", what, path, reason);
    return capsim_fail(CSVIN_CANNOT_OPEN);
}

/* Feeds the file line by line. */
static csvin_status parse_lines(infile *in, struct csv_parser *parser, const csvin_callbacks *cb,
                                char *why, size_t why_len)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len = 0;
    csvin_status status = CSVIN_OK;
    while (status == CSVIN_OK && !*cb->stop && (len = infile_getline(in, &line, &cap)) >= 0) {
        ++*cb->line;
        size_t n = (size_t)len;
        const char *text = line;
        if (*cb->line == 1 && n >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
            text += 3;   /* a UTF-8 byte order mark, as spreadsheets save "CSV UTF-8" */
            n -= 3;
        }
        if (csv_parse(parser, text, n, cb->on_field, cb->on_row, cb->ctx) == n)
            continue;
        status = capsim_fail(csv_error(parser) == CSV_EPARSE ? CSVIN_MALFORMED
                                                             : CSVIN_NO_MEMORY);
        snprintf(why, why_len, "malformed CSV: %s", status == CSVIN_MALFORMED
                 ? "a stray or unterminated quote; quote whole fields as \"...\""
                 : "out of memory");
    }
    free(line);
    if (status == CSVIN_OK && !*cb->stop && len < INFILE_END) {
        ++*cb->line;
        infile_describe(in, len, why, why_len);
        status = capsim_fail(CSVIN_MALFORMED);
    }
    if (status == CSVIN_OK && !*cb->stop &&
        csv_fini(parser, cb->on_field, cb->on_row, cb->ctx) != 0) {
        snprintf(why, why_len, "malformed CSV: an unterminated quote at the end of the file");
        status = capsim_fail(CSVIN_MALFORMED);
    }
    return status;
}

csvin_status csvin_read(const char *path, const char *what, const csvin_callbacks *cb,
                        char *why, size_t why_len)
{
    infile in;
    csvin_status status = open_file(path, what, &in, why, why_len);
    if (status != CSVIN_OK)
        return status;
    struct csv_parser parser;
    if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        infile_close(&in);
        snprintf(why, why_len, "out of memory");
        return capsim_fail(CSVIN_NO_MEMORY);
    }
    status = parse_lines(&in, &parser, cb, why, why_len);
    csv_free(&parser);
    infile_close(&in);
    return status;
}
