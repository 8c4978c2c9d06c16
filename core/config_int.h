/* config_int.h - shared by core/config*.c only. */
#ifndef LAKEWATCH_CONFIG_INT_H
#define LAKEWATCH_CONFIG_INT_H

#include "lakewatch/config.h"

/* "defaults" and "datasets" of root into cfg (config_dataset.c). The
 * lakes, sources and consumers must be loaded already. */
void lw_config_load_datasets(struct lw_cfgctx *cc, struct lw_config *cfg,
			     const cJSON *root);

/* Every dataset's "upstream" and "written_by" (datasets: the config's
 * "datasets" object), once all datasets are loaded: unknown ids and cycles
 * are errors at file:line:col; without "upstream" the same source's
 * previous layer (config_lineage.c). */
void lw_config_load_lineage(struct lw_cfgctx *cc, struct lw_config *cfg,
			    const cJSON *datasets);
/* Frees what lw_config_load_lineage gave ds. */
void lw_config_free_lineage(struct lw_dataset *ds);

/* ds's "published_as" (node, NULL when absent) into ds->published; a bad
 * entry is an error at its file:line:col (config_published.c). */
void lw_config_load_published(struct lw_cfgctx *cc, struct lw_dataset *ds,
			      const cJSON *node);
void lw_config_free_published(struct lw_dataset *ds);

/* "resolve_after" of obj into *out when present: a whole number of polls,
 * 1 to LW_RESOLVE_AFTER_MAX (config_dataset.c). LW_ECONFIG after
 * reporting a bad value. */
int lw_config_resolve_after(struct lw_cfgctx *cc, const cJSON *obj, int *out);

/* "timezone" of obj into *out when present: an IANA zone name that the
 * tz database holds, loaded once per config into cfg->zones (config_tz.c).
 * *out is left alone when obj has none; LW_ECONFIG after reporting a bad
 * name at its file:line:col. */
struct lw_tz;
int lw_config_timezone(struct lw_cfgctx *cc, struct lw_config *cfg,
		       const cJSON *obj, const struct lw_tz **out);

#endif
