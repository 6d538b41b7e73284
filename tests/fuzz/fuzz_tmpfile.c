/*
 * fuzz_tmpfile: the directory and a small table of the names written in it,
 * so that the atexit handler can unlink exactly those and then rmdir. A
 * harness writes the same few names again and again, so the table stays
 * tiny and the lookup is a linear scan.
 */
#include "fuzz_tmpfile.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FILES 8

static char dir[256];
static char paths[MAX_FILES][320];
static size_t n_paths;

static void remove_all(void)
{
    for (size_t i = 0; i < n_paths; i++)
        unlink(paths[i]);
    if (dir[0])
        rmdir(dir);
}

static void die(const char *what, const char *path)
{
    perror(path);
    fprintf(stderr, "fuzz_tmpfile: %s failed\n", what);
    abort();
}

const char *fuzz_tmpfile_dir(void)
{
    if (dir[0])
        return dir;
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp || strlen(tmp) > 200)
        tmp = "/tmp";
    snprintf(dir, sizeof dir, "%s/capsim-fuzz-XXXXXX", tmp);
    if (!mkdtemp(dir))
        die("mkdtemp", dir);
    atexit(remove_all);
    return dir;
}

static const char *path_of(const char *name)
{
    char path[sizeof paths[0]];
    snprintf(path, sizeof path, "%s/%s", fuzz_tmpfile_dir(), name);
    for (size_t i = 0; i < n_paths; i++)
        if (strcmp(paths[i], path) == 0)
            return paths[i];
    if (n_paths == MAX_FILES || strchr(name, '/'))
        die("path_of (too many files, or a '/' in the name)", path);
    memcpy(paths[n_paths], path, sizeof path);
    return paths[n_paths++];
}

const char *fuzz_tmpfile_write(const char *name, const uint8_t *data, size_t size)
{
    const char *path = path_of(name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        die("open", path);
    while (size > 0) {
        ssize_t n = write(fd, data, size);
        if (n <= 0)
            die("write", path);
        data += n;
        size -= (size_t)n;
    }
    if (close(fd) != 0)
        die("close", path);
    return path;
}
