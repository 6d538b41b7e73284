/*
 * scenario_diag: message formatting. A --set override has no file and line to
 * point at, so its messages name the path instead, as the user typed it.
 */
#include "scenario_diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void scenario_diag_init(scenario_diag *d, char *buf, size_t len)
{
    d->buf = buf;
    d->len = buf ? len : 0;
    d->failed = 0;
    if (d->len)
        buf[0] = '\0';
}

static int is_set_override(const scenario_diag_where *w)
{
    return w->file && strcmp(w->file, SCENARIO_DIAG_SET_FILE) == 0;
}

/* Writes the location prefix. Returns what snprintf returns. */
static int format_prefix(char *out, size_t n, const scenario_diag_where *w, int warning)
{
    const char *warn = warning ? "warning: " : "";
    if (is_set_override(w)) {
        return snprintf(out, n, "--set %s%s%s%s%s: %s", w->kind ? w->kind : "",
                        w->name ? "." : "", w->name ? w->name : "", w->key ? "." : "",
                        w->key ? w->key : "", warn);
    }
    char where[64] = "";
    if (w->file && w->line > 0)
        snprintf(where, sizeof where, ":%d", w->line);
    char section[160] = "";
    if (w->kind)
        snprintf(section, sizeof section, "[%s%s%s]%s", w->kind, w->name ? " " : "",
                 w->name ? w->name : "", w->key ? " " : ": ");
    return snprintf(out, n, "%s%s%s%s%s%s%s", w->file ? w->file : "", where,
                    w->file ? ": " : "", warn, section, w->key ? w->key : "",
                    w->key ? ": " : "");
}

/* prefix + message into out (n bytes); never overflows. */
static void format_message(char *out, size_t n, const scenario_diag_where *w, int warning,
                           const char *fmt, va_list ap)
{
    int used = format_prefix(out, n, w, warning);
    if (used < 0)
        used = 0;
    if ((size_t)used < n)
        vsnprintf(out + used, n - (size_t)used, fmt, ap);
}

void scenario_diag_error(scenario_diag *d, const scenario_diag_where *w, const char *fmt, ...)
{
    if (d->failed)
        return;
    d->failed = 1;
    if (!d->len)
        return;
    va_list ap;
    va_start(ap, fmt);
    format_message(d->buf, d->len, w, 0, fmt, ap);
    va_end(ap);
}

char *scenario_diag_warning(const scenario_diag_where *w, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    format_message(text, sizeof text, w, 1, fmt, ap);
    va_end(ap);
    return strdup(text);
}
