/* config_bind.c - the plug-in half of loading a configuration: opening
 * lakes, binding formats and their options, binding check kinds.
 *
 * core/config*.c parses the file and calls these where each part is met;
 * they look plug-ins up in the registries (registry.c, checks/registry.c),
 * which is why they live in the composition layer and not in core.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/engine.h"
#include "lakewatch/lake.h"
#include "lakewatch/format.h"
#include "lakewatch/delta.h"
#include "lakewatch/registry.h"
#include "lakewatch/check.h"
#include "lakewatch/util.h"
#include "lakewatch/notifier.h"

/* The handle is the config's (close_lake); NULL after reporting why. */
static struct lw_lake *open_lake(const char *name, const cJSON *m,
				 struct lw_cfgctx *cc)
{
	const char *kname = NULL;
	if (lw_cfg_str(cc, m, "kind", true, &kname))
		return NULL;
	const struct lw_lake_kind *k = lw_lake_kind_find(kname);
	if (!k) {
		lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(m, "kind"),
			     "lake \"%s\": unknown kind \"%s\" (known: %s)",
			     name, kname, lw_lake_kind_names());
		return NULL;
	}
	char what[300];
	snprintf(what, sizeof what, "lake \"%s\"", name);
	struct lw_lake *l = k->open(what, m, cc);
	if (!l)
		return NULL;
	/* the kind named its handle after `what`; keep the bare name */
	free(lw_lake_base(l)->name);
	lw_lake_base(l)->name = lw_xstrdup(name);
	return l;
}

static void close_lake(struct lw_lake *l)
{
	lw_lake_base(l)->kind->close(l);
}

/* A format is required unless the lake observes datasets wholesale; a
 * format that reads neither files nor tables needs such a lake. The
 * returned default include pattern is static (the format's). */
static const char *bind_format(struct lw_dataset *ds, struct lw_lake *lake,
			       const cJSON *m, struct lw_cfgctx *cc)
{
	const struct lw_lake_kind *kind = lake ? lw_lake_base(lake)->kind :
		NULL;
	bool need_format = !(kind && kind->observe);
	ds->runs = kind && kind->runs;	/* core's lineage reads it */
	const char *s = NULL;
	if (lw_cfg_str(cc, m, "format", need_format, &s) == LW_OK && s &&
	    !(ds->format = lw_format_find(s)))
		lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(m, "format"),
			     "dataset \"%s\": unknown format \"%s\" (known: %s)",
			     ds->name, s, lw_format_names());
	if (ds->format && kind && !kind->observe && !ds->format->probe_file &&
	    !ds->format->probe_table)
		lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(m, "format"),
			     "dataset \"%s\": format \"%s\" needs a lake of kind "
			     "powerbi", ds->name, ds->format->name);
	const cJSON *fo = cJSON_GetObjectItemCaseSensitive(m, "format_options");
	if (ds->format && ds->format->options)
		ds->format->options(fo, &ds->format_opts, cc);
	else if (fo)
		lw_cfg_error(cc, fo, "dataset \"%s\": format \"%s\" takes no "
			     "format_options", ds->name,
			     ds->format ? ds->format->name : "?");
	ds->format_name = ds->format ? ds->format->name : NULL;
	return ds->format ? ds->format->default_include : NULL;
}

static void free_format(struct lw_dataset *ds)
{
	if (ds->format && ds->format->free_options && ds->format_opts)
		ds->format->free_options(ds->format_opts);
}

/* ci->cfg is owned by the kind (free_check). */
static bool bind_check(struct lw_check_inst *ci, const struct lw_dataset *ds,
		       const cJSON *node, struct lw_cfgctx *cc)
{
	const struct lw_check_kind *k = lw_check_kind_find(node->string);
	if (!k) {
		lw_cfg_error(cc, node, "dataset \"%s\": unknown check "
			     "\"%s\" (known: %s)", ds->name, node->string,
			     lw_check_kind_names());
		return false;
	}
	int before = cc->nerrors;
	void *c = k->parse(node, cc);
	if (!c) {
		if (cc->nerrors == before)
			lw_cfg_error(cc, node, "dataset \"%s\": check "
				     "\"%s\" is not valid", ds->name,
				     node->string);
		return false;
	}
	ci->kind = k;
	ci->cfg = c;
	/* a Delta table the anomaly rule judges reads commits to train
	 * from on its first polls (formats/delta_commits.c) */
	if (ds->format == &lw_format_delta && ds->format_opts &&
	    !strcmp(k->name, "anomaly"))
		((struct lw_delta_opts *)ds->format_opts)->for_anomaly = true;
	return true;
}

static void free_check(struct lw_check_inst *ci)
{
	if (ci->kind->free)
		ci->kind->free(ci->cfg);
}

/* Borrowed from ci's config. */
static const char *const *check_refs(const struct lw_check_inst *ci)
{
	return ci->kind->refs ? ci->kind->refs(ci->cfg) : NULL;
}

/* The notify section is notify/'s to read (its channel kinds are
 * plug-ins); owned by the config (free_notify). */
static struct lw_notify_cfg *parse_notify(const struct lw_config *cfg,
					  const cJSON *node,
					  struct lw_cfgctx *cc)
{
	return lw_notify_cfg_parse(cfg, node, cc);
}

static void free_notify(struct lw_notify_cfg *n)
{
	lw_notify_cfg_free(n);
}

static const struct lw_config_binder binder = {
	.open_lake = open_lake,
	.close_lake = close_lake,
	.bind_format = bind_format,
	.free_format = free_format,
	.bind_check = bind_check,
	.free_check = free_check,
	.check_refs = check_refs,
	.parse_notify = parse_notify,
	.free_notify = free_notify,
};

/* *out is the caller's (lw_config_free). */
int lw_config_load(const char *path, struct lw_config **out,
		   struct lw_buf *errors)
{
	return lw_config_load_with(&binder, path, out, errors);
}

/* *out is the caller's (lw_config_free). */
int lw_config_parse(const char *text, size_t len, const char *file,
		    struct lw_config **out, struct lw_buf *errors)
{
	return lw_config_parse_with(&binder, text, len, file, out, errors);
}
