/* config_published.c - a dataset's "published_as": where it is served to
 * Power BI, so a Power BI dataset without "upstream" learns its upstream
 * from the service's datasources (checks/lineage.c matches them).
 *
 *   "published_as": {"server": "ws.sql.azuresynapse.net", "database": "gold",
 *                    "table": "sales_daily"}
 *   "published_as": [{"path": "https://acct.dfs.core.windows.net/gold/sales"}]
 *
 * One object or an array of them; each names server and database (table
 * optional) or a path, as non-empty strings. Anything else is an error at
 * its file:line:col.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/config.h"
#include "lakewatch/util.h"
#include "config_int.h"

static const char *const entry_keys[] = {
	"server", "database", "table", "path", NULL
};

/* o[key] as a non-empty string, copied into *out (left alone when the key
 * is absent); false after reporting a value that is not one. */
static bool take_str(struct lw_cfgctx *cc, const struct lw_dataset *ds,
		     const cJSON *o, const char *key, char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v)
		return true;
	if (!cJSON_IsString(v) || !v->valuestring[0]) {
		lw_cfg_error(cc, v, "dataset \"%s\": \"published_as\" \"%s\" "
			     "must be a non-empty string", ds->name, key);
		return false;
	}
	*out = lw_xstrdup(v->valuestring);
	return true;
}

static void free_entry(struct lw_published *p)
{
	free(p->server);
	free(p->database);
	free(p->table);
	free(p->path);
	memset(p, 0, sizeof *p);
}

/* Whether the entry names a place: server and database, or a path. */
static bool entry_complete(struct lw_cfgctx *cc, const struct lw_dataset *ds,
			   const cJSON *o, const struct lw_published *p)
{
	const char *why = NULL;
	if (!p->server != !p->database)
		why = "names \"server\" and \"database\" together";
	else if (p->server && p->path)
		why = "names either \"server\" and \"database\" or \"path\", "
		      "not both";
	else if (!p->server && !p->path)
		why = "needs \"server\" and \"database\", or \"path\"";
	else if (p->table && !p->server)
		why = "names a \"table\" only with \"server\" and \"database\"";
	if (why)
		lw_cfg_error(cc, o, "dataset \"%s\": a \"published_as\" entry "
			     "%s", ds->name, why);
	return !why;
}

/* One entry object into *p; false (p left empty) after reporting. */
static bool load_entry(struct lw_cfgctx *cc, const struct lw_dataset *ds,
		       const cJSON *o, struct lw_published *p)
{
	if (!cJSON_IsObject(o)) {
		lw_cfg_error(cc, o, "dataset \"%s\": \"published_as\" must be "
			     "an object ({\"server\", \"database\"} or "
			     "{\"path\"}) or an array of them", ds->name);
		return false;
	}
	char what[300];
	snprintf(what, sizeof what, "\"published_as\" of dataset \"%s\"",
		 ds->name);
	bool ok = lw_cfg_keys(cc, o, what, entry_keys) == LW_OK;
	ok = take_str(cc, ds, o, "server", &p->server) && ok;
	ok = take_str(cc, ds, o, "database", &p->database) && ok;
	ok = take_str(cc, ds, o, "table", &p->table) && ok;
	ok = take_str(cc, ds, o, "path", &p->path) && ok;
	if (ok)
		ok = entry_complete(cc, ds, o, p);
	if (!ok)
		free_entry(p);
	return ok;
}

/* See config_int.h. */
void lw_config_load_published(struct lw_cfgctx *cc, struct lw_dataset *ds,
			      const cJSON *node)
{
	if (!node)
		return;
	size_t n = cJSON_IsArray(node) ? (size_t)cJSON_GetArraySize(node) : 1;
	ds->published = lw_xcalloc(n + 1, sizeof *ds->published);
	if (!cJSON_IsArray(node)) {
		ds->npublished = load_entry(cc, ds, node, ds->published);
		return;
	}
	const cJSON *e;
	cJSON_ArrayForEach(e, node)
		if (load_entry(cc, ds, e, &ds->published[ds->npublished]))
			ds->npublished++;
}

/* See config_int.h. */
void lw_config_free_published(struct lw_dataset *ds)
{
	for (size_t i = 0; i < ds->npublished; i++)
		free_entry(&ds->published[i]);
	free(ds->published);
	ds->published = NULL;
	ds->npublished = 0;
}
