/* config_tz.c - the "timezone" key (top level, per source, per dataset):
 * the name is checked against the tz database when the config loads, so a
 * typo is a config error at its line, never a silent UTC at poll time.
 * Each zone is read once and shared by everything that names it.
 */
#include <stdlib.h>
#include <string.h>
#include "lakewatch/tz.h"
#include "lakewatch/util.h"
#include "config_int.h"

/* cfg's zone called name, loaded on first use; NULL after reporting. */
static const struct lw_tz *zone(struct lw_cfgctx *cc, struct lw_config *cfg,
				const cJSON *at, const char *name)
{
	for (size_t i = 0; i < cfg->nzones; i++)
		if (strcmp(lw_tz_name(cfg->zones[i]), name) == 0)
			return cfg->zones[i];
	struct lw_tz *tz;
	struct lw_err err = {0};
	if (lw_tz_load(name, &tz, &err) != LW_OK) {
		lw_cfg_error(cc, at, "timezone: %s", err.msg);
		return NULL;
	}
	cfg->zones = lw_xrealloc(cfg->zones, (cfg->nzones + 1) *
				 sizeof *cfg->zones);
	cfg->zones[cfg->nzones++] = tz;
	return tz;
}

int lw_config_timezone(struct lw_cfgctx *cc, struct lw_config *cfg,
		       const cJSON *obj, const struct lw_tz **out)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, "timezone");
	if (!n)
		return LW_OK;
	if (!cJSON_IsString(n) || !n->valuestring[0])
		return lw_cfg_error(cc, n, "timezone: expected an IANA zone "
				    "name like \"Europe/Berlin\" or \"UTC\"");
	const struct lw_tz *tz = zone(cc, cfg, n, n->valuestring);
	if (!tz)
		return LW_ECONFIG;
	*out = tz;
	return LW_OK;
}
