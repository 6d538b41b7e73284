/*
 * grow: capacity doubling for heap arrays, the one copy of the
 * "cap = cap ? 2 * cap : INITIAL; realloc" step. An array of `cap` elements
 * grows to the first INITIAL x 2^k (or cap x 2^k) at or above what is
 * needed, so n appends cost O(n) copies in total. Several parallel arrays
 * (structure-of-arrays) that share one capacity compute it once with
 * grow_capacity and resize each with grow_resize.
 *
 * Failure never loses memory or data: on CAPSIM_ERR_NO_MEMORY the array and its capacity are
 * as they were. Arrays are passed as (void **)&pointer, as realloc sees
 * them; every pointer type in the project has the same representation.
 */
#ifndef CAPSIM_GROW_H
#define CAPSIM_GROW_H

#include <stddef.h>
#include "status.h"

/* The capacity that holds `need` elements: cap when need <= cap, otherwise
 * cap (or `initial` when cap is 0) doubled until it reaches need. Returns 0
 * when that count overflows size_t. initial must be > 0. */
size_t grow_capacity(size_t cap, size_t need, size_t initial);

/* Resizes *array to `count` elements of `size` bytes. Returns 0, or CAPSIM_ERR_NO_MEMORY when
 * out of memory or count x size overflows (*array is then unchanged). A
 * size of zero bytes leaves *array as it is. */
capsim_status grow_resize(void **array, size_t count, size_t size);

/* grow_resize, then zeroes elements old .. count-1 (old <= count). */
capsim_status grow_resize_zeroed(void **array, size_t old, size_t count, size_t size);

/* Ensures room for `need` elements in *array of capacity *cap, doubling
 * from `initial`. Returns 0 (also when nothing had to grow), or CAPSIM_ERR_NO_MEMORY when out
 * of memory (*array and *cap are then unchanged). */
capsim_status grow_reserve(void **array, size_t *cap, size_t need, size_t initial, size_t size);

#endif
