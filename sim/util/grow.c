/*
 * grow: capacity doubling. The only allocation is realloc; the doubling
 * stops with 0 rather than wrapping when a count would overflow size_t.
 */
#include "grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t grow_capacity(size_t cap, size_t need, size_t initial)
{
    if (need <= cap)
        return cap;
    size_t n = cap ? cap : initial;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return 0;
        n *= 2;
    }
    return n;
}

capsim_status grow_resize(void **array, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    if (count * size == 0)
        return 0;   /* nothing to hold; realloc(p, 0) would free p */
    void *grown = realloc(*array, count * size);
    if (!grown)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    *array = grown;
    return 0;
}

capsim_status grow_resize_zeroed(void **array, size_t old, size_t count, size_t size)
{
    if (grow_resize(array, count, size) != 0)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    if (count > old)
        memset((char *)*array + old * size, 0, (count - old) * size);
    return 0;
}

capsim_status grow_reserve(void **array, size_t *cap, size_t need, size_t initial, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = grow_capacity(*cap, need, initial);
    if (n == 0 || grow_resize(array, n, size) != 0)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    *cap = n;
    return 0;
}
