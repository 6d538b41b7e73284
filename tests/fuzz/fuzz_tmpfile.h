/*
 * fuzz_tmpfile: one private temporary directory per fuzzing process, for the
 * harnesses whose parser takes a path rather than a buffer. The directory is
 * made on first use (mkdtemp under $TMPDIR, else /tmp) and removed, with
 * every file written through here, when the process exits normally. A crash
 * leaves it behind (ASan exits with _exit); it is named capsim-fuzz-*.
 */
#ifndef CAPSIM_FUZZ_TMPFILE_H
#define CAPSIM_FUZZ_TMPFILE_H

#include <stddef.h>
#include <stdint.h>

/* operations */
/* Writes data[0..size) to the file `name` (a plain name, no '/') in the
 * directory, replacing what was there. Returns its path, owned by this
 * module and stable for the life of the process; aborts on any I/O error,
 * since a harness that cannot write its input would fuzz nothing. */
const char *fuzz_tmpfile_write(const char *name, const uint8_t *data, size_t size);

/* queries */
/* The directory's path (made on first call). */
const char *fuzz_tmpfile_dir(void);

#endif
