/*
 * infile: the limits on what capsim reads as input, in one place. Every
 * reader of a user's file (scenario and include files, series and job
 * traces) opens it through infile_open and reads its lines through
 * infile_getline, so that no input can make capsim read without end:
 *
 *  - only regular files and pipes are read: a character or block device
 *    (/dev/zero, /dev/urandom, a disk), a socket or a directory is refused
 *    with its kind named;
 *  - a file larger than its limit is refused before a byte is read, and a
 *    pipe that goes past it is cut off with the same message;
 *  - a line longer than its limit ends the read (a binary file has none).
 *
 * Limits, documented in scenarios/README.md ("Input limits"): INI files
 * (scenarios, includes, sweep files) 16 MiB, CSV files (series, traces)
 * 1 GiB; lines 64 Ki characters.
 */
#ifndef CAPSIM_INFILE_H
#define CAPSIM_INFILE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define INFILE_MAX_INI_BYTES ((size_t)16 << 20)
#define INFILE_MAX_CSV_BYTES ((size_t)1 << 30)
#define INFILE_MAX_LINE_CHARS 65536

typedef struct infile {
    FILE *fp;
    size_t max_bytes;     /* the whole file's limit */
    size_t bytes;         /* read so far */
    dev_t dev;            /* the file's identity (stat), for include cycles */
    ino_t ino;
} infile;

/* Results of infile_getline besides a line's length. */
enum { INFILE_END = -1, INFILE_LINE_TOO_LONG = -2, INFILE_TOO_BIG = -3, INFILE_READ_ERROR = -4 };

/* operations */
/* Opens path for reading within max_bytes. Returns 0 with f set, or -1
 * with the reason in why ("No such file or directory", "is a character
 * device (like /dev/zero), not a file", "is 3.0 GiB, above the limit of
 * 16 MiB", ...), to be placed after the caller's "cannot read 'PATH': ". */
int infile_open(infile *f, const char *path, size_t max_bytes, char *why, size_t why_len);
/* Reads the next line (with its newline, NUL-terminated) into *buf,
 * growing it as getline does. Returns its length, or INFILE_END at the end
 * of the file, INFILE_LINE_TOO_LONG past INFILE_MAX_LINE_CHARS,
 * INFILE_TOO_BIG past max_bytes (a pipe), INFILE_READ_ERROR (errno set). */
ssize_t infile_getline(infile *f, char **buf, size_t *cap);
/* Writes the message for a negative infile_getline result into why. */
void infile_describe(const infile *f, ssize_t result, char *why, size_t why_len);
void infile_close(infile *f);

#endif
