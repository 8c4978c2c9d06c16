/* config_int.h - shared by core/config*.c only. */
#ifndef LAKEWATCH_CONFIG_INT_H
#define LAKEWATCH_CONFIG_INT_H

#include "lakewatch/config.h"

/* "defaults" and "datasets" of root into cfg (config_dataset.c). The
 * lakes, sources and consumers must be loaded already. */
void lw_config_load_datasets(struct lw_cfgctx *cc, struct lw_config *cfg,
			     const cJSON *root);

/* "resolve_after" of obj into *out when present: a whole number of polls,
 * 1 to LW_RESOLVE_AFTER_MAX (config_dataset.c). LW_ECONFIG after
 * reporting a bad value. */
int lw_config_resolve_after(struct lw_cfgctx *cc, const cJSON *obj, int *out);

#endif
