/*
 * scndiag: the scenario reader's error and warning messages, in one format:
 *
 *   FILE:LINE: [kind name] key: what is wrong; what to do
 *   FILE:LINE: warning: [kind name] key: what is odd; what it means
 *   --set kind.name.key: what is wrong; what to do       (a --set override)
 *
 * The section part is left out when there is no section, the key part when
 * there is no key ("FILE:LINE: [kind name]: ..."). Only the first error is
 * kept: every check after a failure is moot, and the user fixes one thing at
 * a time. All errors pass through scndiag_error, one breakpoint for all.
 */
#ifndef CAPSIM_SCNDIAG_H
#define CAPSIM_SCNDIAG_H

#include <stdarg.h>
#include <stddef.h>

#define SCNDIAG_SET_FILE "--set"   /* the file name of a --set override (line 0) */

/* Where a message points. file NULL means no location; kind NULL no
 * section; name NULL an unnamed section ([scenario]); key NULL no key. */
typedef struct scndiag_where {
    const char *file;
    int line;
    const char *kind;
    const char *name;
    const char *key;
} scndiag_where;

typedef struct scndiag {
    char *buf;       /* the caller's buffer; may be NULL */
    size_t len;
    int failed;      /* 1 once an error was recorded */
} scndiag;

/* create / destroy */
void scndiag_init(scndiag *d, char *buf, size_t len);

/* operations */
/* Records the first error; later calls only keep d->failed set. */
void scndiag_error(scndiag *d, const scndiag_where *w, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Formats a warning into a malloc'd string (NULL when out of memory). */
char *scndiag_warning(const scndiag_where *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
