/*
 * status: the messages and the input/system split of the status list, both
 * generated from CAPSIM_STATUS_LIST, and the one function errors pass through.
 */
#include "status.h"

const char *capsim_strerror(capsim_status st)
{
    switch (st) {
#define CAPSIM_STATUS_MESSAGE(name, value, in_input, message) \
    case CAPSIM_##name: return message;
        CAPSIM_STATUS_LIST(CAPSIM_STATUS_MESSAGE)
#undef CAPSIM_STATUS_MESSAGE
    }
    return "unknown capsim status";
}

int capsim_status_in_input(capsim_status st)
{
    switch (st) {
#define CAPSIM_STATUS_IN_INPUT(name, value, in_input, message) \
    case CAPSIM_##name: return in_input;
        CAPSIM_STATUS_LIST(CAPSIM_STATUS_IN_INPUT)
#undef CAPSIM_STATUS_IN_INPUT
    }
    return 0;
}

capsim_status capsim_fail(capsim_status st)
{
    return st;
}
