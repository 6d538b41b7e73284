/*
 * status: the one list of status codes that the library layers (util,
 * model, scenario, store, analysis) return, with their messages. As in
 * libuv, the codes and their messages come from one X-macro list, so a code
 * cannot exist without its message: 0 is success and every error is
 * negative, so callers may test `!= 0` or `< 0` alike. Values are fixed
 * (never renumbered), since functions that return a count or an id return
 * a negative code in the same int.
 *
 * A module keeps names of its own for the codes it returns (STORE_ERR_SQLITE,
 * TEXTNUM_NOT_NUMBER, ...), defined as these codes: the module's header says
 * which subset it uses, and every code, from any module, is one
 * capsim_status that capsim_strerror names.
 *
 * Where an error with one of these codes is first raised it goes through
 * capsim_fail(), so one breakpoint (`break capsim_fail`) stops at every such
 * error. Not through it: textnum's and price_quote's results, which are
 * answers as much as errors (callers probe with them), and the scenario
 * reader's diagnostics, which pass through scenario_diag_error instead.
 */
#ifndef CAPSIM_STATUS_H
#define CAPSIM_STATUS_H

/* X(NAME, value, in_input, message): in_input is 1 when the error lies in
 * what the user gave (a scenario, a CSV file, a database path, a run id),
 * so the command exits 2 rather than 1. */
#define CAPSIM_STATUS_LIST(X)                                                                 \
    X(OK, 0, 0, "ok")                                                                         \
    X(ERR_NO_MEMORY, -1, 0, "out of memory")                                                  \
    X(ERR_CANNOT_OPEN, -2, 1, "cannot open the file")                                         \
    X(ERR_MALFORMED, -3, 1, "malformed CSV")                                                  \
    X(ERR_BAD_DATA, -4, 1, "bad data in the file")                                            \
    X(ERR_NOT_NUMBER, -5, 1, "not a plain decimal number")                                    \
    X(ERR_TOO_LARGE, -6, 1, "number too large for its type")                                  \
    X(ERR_NEGATIVE, -7, 1, "negative where only a count is allowed")                          \
    X(ERR_NO_PRICE_LIST, -8, 1, "no price list")                                              \
    X(ERR_NOT_OFFERED, -9, 1, "kind not offered")                                             \
    X(ERR_NOT_CAPSIM, -10, 1, "the file exists and is not a capsim database")                 \
    X(ERR_SCHEMA_VERSION, -11, 1, "a capsim database of another schema version")              \
    X(ERR_SQLITE, -12, 0, "SQLite failed")                                                    \
    X(ERR_NO_SUCH_RUN, -13, 1, "no such run in the database")                                 \
    X(ERR_EVENT_QUEUE, -14, 0, "cannot schedule an event (out of memory or event handles)") \
    X(ERR_BAD_PATH, -15, 1, "not a path to a file that can hold results")                  \
    X(ERR_IN_USE, -16, 0, "the database is in use by another capsim process")               \
    X(ERR_DAMAGED, -17, 1, "the file is damaged or not a database")                         \
    X(ERR_READ_ONLY, -18, 0, "the database's storage is read-only")

typedef enum capsim_status {
#define CAPSIM_STATUS_ENUM(name, value, in_input, message) CAPSIM_##name = value,
    CAPSIM_STATUS_LIST(CAPSIM_STATUS_ENUM)
#undef CAPSIM_STATUS_ENUM
} capsim_status;

/* queries */
/* The code's message, a static string ("out of memory"); "unknown capsim
 * status" for a value not in the list. */
const char *capsim_strerror(capsim_status st);
/* 1 when st is an error in what the user gave (exit 2), 0 for success,
 * system failures (exit 1) and values not in the list. */
int capsim_status_in_input(capsim_status st);

/* errors */
/* Every library error passes through here where it is first raised.
 * Returns st; it does nothing else, so it is the place for a breakpoint. */
capsim_status capsim_fail(capsim_status st);

#endif
