/*
 * scenario_diag: the scenario reader's error and warning messages, in one format:
 *
 *   FILE:LINE: [kind name] key: what is wrong; what to do
 *   FILE:LINE: warning: [kind name] key: what is odd; what it means
 *   --set kind.name.key: what is wrong; what to do       (a --set override)
 *
 * The section part is left out when there is no section, the key part when
 * there is no key ("FILE:LINE: [kind name]: ..."). Only the first error is
 * kept: every check after a failure is moot, and the user fixes one thing at
 * a time. All errors pass through scenario_diag_error, one breakpoint for all.
 */
#ifndef CAPSIM_SCENARIO_DIAG_H
#define CAPSIM_SCENARIO_DIAG_H

#include <stdarg.h>
#include <stddef.h>

#define SCENARIO_DIAG_SET_FILE "--set"   /* the file name of a --set override (line 0) */

/* Where a message points. file NULL means no location; kind NULL no
 * section; name NULL an unnamed section ([scenario]); key NULL no key. */
typedef struct scenario_diag_where {
    const char *file;
    int line;
    const char *kind;
    const char *name;
    const char *key;
} scenario_diag_where;

typedef struct scenario_diag {
    char *buf;       /* the caller's buffer; may be NULL */
    size_t len;
    int failed;      /* 1 once an error was recorded */
} scenario_diag;

/* create / destroy */
void scenario_diag_init(scenario_diag *d, char *buf, size_t len);

/* operations */
/* Records the first error; later calls only keep d->failed set. */
void scenario_diag_error(scenario_diag *d, const scenario_diag_where *w, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Formats a warning into a malloc'd string (NULL when out of memory). */
char *scenario_diag_warning(const scenario_diag_where *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
