/* powerbi.c - format "powerbi": no files, only the options of a dataset
 * that a lake of kind "powerbi" observes (lakes/powerbi.c reads them). */
#include <stdlib.h>
#include <string.h>
#include "lakewatch/format.h"
#include "lakewatch/powerbi.h"
#include "lakewatch/util.h"

static int pbi_options(const cJSON *node, void **opts, struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"table", "timestamp_column",
		"refresh_top", "schema", NULL};
	struct lw_pbi_opts *o = lw_xcalloc(1, sizeof *o);
	o->refresh_top = 20;
	o->schema = true;
	*opts = o;
	if (!node)
		return LW_OK;
	const char *t = NULL, *ts = NULL;
	int64_t top = 20;
	if (lw_cfg_keys(cc, node, "format_options", keys) ||
	    lw_cfg_str(cc, node, "table", false, &t) ||
	    lw_cfg_str(cc, node, "timestamp_column", false, &ts) ||
	    lw_cfg_int(cc, node, "refresh_top", false, &top) ||
	    lw_cfg_bool(cc, node, "schema", false, &o->schema))
		return LW_ECONFIG;
	if (top < 1 || top > 1000)
		return lw_cfg_error(cc, node, "refresh_top must be 1 to 1000");
	if ((t && strlen(t) > 512) || (ts && strlen(ts) > 512))
		return lw_cfg_error(cc, node, "table and column names are at "
				    "most 512 characters");
	o->refresh_top = (int)top;
	o->table = lw_xstrdup(t);
	o->timestamp_column = lw_xstrdup(ts);
	return LW_OK;
}

static void pbi_free_options(void *p)
{
	struct lw_pbi_opts *o = p;
	if (!o)
		return;
	free(o->table);
	free(o->timestamp_column);
	free(o);
}

const struct lw_format lw_format_powerbi = {
	.name = "powerbi",
	.options = pbi_options,
	.free_options = pbi_free_options,
};
