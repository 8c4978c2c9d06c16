/* config_int.h - shared by core/config*.c only. */
#ifndef LAKEWATCH_CONFIG_INT_H
#define LAKEWATCH_CONFIG_INT_H

#include "lakewatch/config.h"

/* "defaults" and "datasets" of root into cfg (config_dataset.c). The
 * lakes, sources and consumers must be loaded already. */
void lw_config_load_datasets(struct lw_cfgctx *cc, struct lw_config *cfg,
			     const cJSON *root);

#endif
