#include "infile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *kind_of(mode_t m)
{
    if (S_ISDIR(m))
        return strerror(EISDIR);
    if (S_ISCHR(m))
        return "is a character device (like /dev/zero), not a file";
    if (S_ISBLK(m))
        return "is a block device, not a file";
    if (S_ISSOCK(m))
        return "is a socket, not a file";
    return NULL;   /* a regular file or a pipe */
}

static void format_size(size_t bytes, char *out, size_t len)
{
    if (bytes >= ((size_t)1 << 30))
        snprintf(out, len, "%.1f GiB", (double)bytes / (double)((size_t)1 << 30));
    else
        snprintf(out, len, "%.0f MiB", (double)bytes / (double)((size_t)1 << 20));
}

int infile_open(infile *f, const char *path, size_t max_bytes, char *why, size_t why_len)
{
    memset(f, 0, sizeof *f);
    f->max_bytes = max_bytes;
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(why, why_len, "%s", strerror(errno));
        return -1;
    }
    const char *kind = kind_of(st.st_mode);
    if (kind) {
        snprintf(why, why_len, "%s", kind);
        return -1;
    }
    if (S_ISREG(st.st_mode) && (size_t)st.st_size > max_bytes) {
        char size[32], limit[32];
        format_size((size_t)st.st_size, size, sizeof size);
        format_size(max_bytes, limit, sizeof limit);
        snprintf(why, why_len, "it is %s, above capsim's limit of %s for such a file; is it "
                 "the right file?", size, limit);
        return -1;
    }
    if (!(f->fp = fopen(path, "r"))) {
        snprintf(why, why_len, "%s", strerror(errno));
        return -1;
    }
    f->dev = st.st_dev;
    f->ino = st.st_ino;
    return 0;
}

ssize_t infile_getline(infile *f, char **buf, size_t *cap)
{
    size_t n = 0;
    for (;;) {
        if (n + 2 > *cap) {
            size_t want = *cap ? *cap * 2 : 256;
            char *grown = realloc(*buf, want);
            if (!grown) {
                errno = ENOMEM;
                return INFILE_READ_ERROR;
            }
            *buf = grown;
            *cap = want;
        }
        const int c = getc_unlocked(f->fp);
        if (c == EOF) {
            if (ferror(f->fp))
                return INFILE_READ_ERROR;
            break;
        }
        if (++f->bytes > f->max_bytes)
            return INFILE_TOO_BIG;
        (*buf)[n++] = (char)c;
        if (c == '\n')
            break;
        if (n > INFILE_MAX_LINE_CHARS)
            return INFILE_LINE_TOO_LONG;
    }
    (*buf)[n] = '\0';
    return n ? (ssize_t)n : INFILE_END;
}

void infile_describe(const infile *f, ssize_t result, char *why, size_t why_len)
{
    char limit[32];
    format_size(f->max_bytes, limit, sizeof limit);
    if (result == INFILE_LINE_TOO_LONG)
        snprintf(why, why_len, "a line is longer than %d characters; is this a text file?",
                 INFILE_MAX_LINE_CHARS);
    else if (result == INFILE_TOO_BIG)
        snprintf(why, why_len, "the input goes past capsim's limit of %s for such a file; is "
                 "it the right file?", limit);
    else
        snprintf(why, why_len, "cannot read: %s", strerror(errno));
}

void infile_close(infile *f)
{
    if (f->fp)
        fclose(f->fp);
    f->fp = NULL;
}
