#include "csvin.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static csvin_status open_file(const char *path, const char *what, FILE **fp, char *why,
                              size_t why_len)
{
    struct stat st;
    int err = 0;
    if (stat(path, &st) != 0)
        err = errno;
    else if (S_ISDIR(st.st_mode))
        err = EISDIR;
    else if (!(*fp = fopen(path, "r")))
        err = errno;
    if (!err)
        return CSVIN_OK;
    snprintf(why, why_len, "cannot read %s '%s': %s; check the path (relative to the file "
             "that names it)", what, path, strerror(err));
    return capsim_fail(CSVIN_CANNOT_OPEN);
}

/* Feeds the file line by line. */
static csvin_status parse_lines(FILE *fp, struct csv_parser *parser, const csvin_callbacks *cb,
                                char *why, size_t why_len)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    csvin_status status = CSVIN_OK;
    while (status == CSVIN_OK && !*cb->stop && (len = getline(&line, &cap, fp)) >= 0) {
        ++*cb->line;
        size_t n = (size_t)len;
        if (csv_parse(parser, line, n, cb->on_field, cb->on_row, cb->ctx) == n)
            continue;
        status = capsim_fail(csv_error(parser) == CSV_EPARSE ? CSVIN_MALFORMED
                                                             : CSVIN_NO_MEMORY);
        snprintf(why, why_len, "malformed CSV: %s", status == CSVIN_MALFORMED
                 ? "a stray or unterminated quote; quote whole fields as \"...\""
                 : "out of memory");
    }
    free(line);
    if (status == CSVIN_OK && !*cb->stop && ferror(fp)) {
        snprintf(why, why_len, "cannot read: %s", strerror(errno));
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
    FILE *fp = NULL;
    csvin_status status = open_file(path, what, &fp, why, why_len);
    if (status != CSVIN_OK)
        return status;
    struct csv_parser parser;
    if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        fclose(fp);
        snprintf(why, why_len, "out of memory");
        return capsim_fail(CSVIN_NO_MEMORY);
    }
    status = parse_lines(fp, &parser, cb, why, why_len);
    csv_free(&parser);
    fclose(fp);
    return status;
}
