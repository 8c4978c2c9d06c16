/* registry.h - the built-in lake kinds and formats, by the name a config
 * uses (engine/registry.c; check kinds are in check.h, checks/registry.c).
 */
#ifndef LAKEWATCH_REGISTRY_H
#define LAKEWATCH_REGISTRY_H

#include "lakewatch/lake.h"
#include "lakewatch/format.h"

/* Borrowed (the kinds are static); NULL when unknown. */
const struct lw_lake_kind *lw_lake_kind_find(const char *name);
/* Static, comma-separated names for messages ("fs, azure, powerbi"). */
const char *lw_lake_kind_names(void);
/* Borrowed (the formats are static); NULL when unknown. */
const struct lw_format *lw_format_find(const char *name);
/* Static, comma-separated names for messages ("csv, jsonl, ..."). */
const char *lw_format_names(void);

#endif
