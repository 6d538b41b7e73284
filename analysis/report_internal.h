/*
 * report_internal: what report.c and report_groups.c share.
 */
#ifndef CAPSIM_REPORT_INTERNAL_H
#define CAPSIM_REPORT_INTERNAL_H

#include <stddef.h>
#include <stdio.h>
#include <sqlite3.h>

#include "groups.h"
#include "table.h"

/* Writes one warning per run that repeats a seed of its group (warn may be
 * NULL). */
void report__warn_duplicates(const groups_set *g, FILE *warn);
/* Appends the groups table and the statistics of every group but `mine`
 * (the report's run's group, or GROUPS_NO_GROUP). Returns 0 or -1. */
int report__add_other_groups(atable_list *l, sqlite3 *db, const groups_set *g, size_t mine);

#endif
