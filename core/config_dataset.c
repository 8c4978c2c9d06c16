/* config_dataset.c - one dataset's part of the configuration: its plain
 * fields (source, layer, lake, path, patterns, partitions, consumers) and
 * its checks after the layer and source defaults were merged.
 *
 * The format and the check kinds are bound by the config's binder (the
 * engine's), called where each is met so errors keep the file's order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/config.h"
#include "lakewatch/util.h"
#include "config_int.h"

static const char *const dataset_keys[] = {
	"description", "source", "layer", "lake", "path", "format",
	"format_options", "include", "exclude", "partitions", "count_rows",
	"consumers", "checks", "timezone", "holidays", "interval", "pipeline",
	"job_id", "job", "upstream", "written_by", "published_as", NULL
};

/* What names a dataset's place besides "path": the pipeline (Data
 * Factory, Synapse), job id (Databricks) or streaming job it observes on
 * a control-plane lake (lakes/cp*.c). */
static const char *const run_keys[] = {"pipeline", "job_id", "job", NULL};

/* The one of "path" and run_keys that m has, as text (a job id may be a
 * number): into *out (owned by m or buf). Reports none or several. */
static int place_of(struct lw_cfgctx *cc, const cJSON *m, const char *ds,
		    char *buf, size_t n, const char **out, const cJSON **at)
{
	const char *seen = NULL;
	*out = NULL;
	*at = cJSON_GetObjectItemCaseSensitive(m, "path");
	if (*at)
		seen = "path";
	for (int i = 0; run_keys[i]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, run_keys[i]);
		if (!v)
			continue;
		if (seen)
			return lw_cfg_error(cc, v, "dataset \"%s\": \"%s\" and "
					    "\"%s\" both name its place; give "
					    "one", ds, seen, run_keys[i]);
		seen = run_keys[i];
		*at = v;
		if (cJSON_IsNumber(v) && v->valuedouble >= 0 &&
		    v->valuedouble < 9e15 && v->valuedouble ==
		    (double)(int64_t)v->valuedouble) {
			snprintf(buf, n, "%lld", (long long)v->valuedouble);
			*out = buf;
		} else if (!cJSON_IsString(v) || !*v->valuestring) {
			return lw_cfg_error(cc, v, "dataset \"%s\": \"%s\" must "
					    "be a name or a job id", ds,
					    run_keys[i]);
		} else {
			*out = v->valuestring;
		}
	}
	if (!seen || !strcmp(seen, "path"))
		return lw_cfg_str(cc, m, "path", true, out);
	return LW_OK;
}

/* Compile a PCRE2 pattern; reports errors at node. Caller owns the code. */
static pcre2_code *compile_re(struct lw_cfgctx *cc, const cJSON *node,
			      const char *what, const char *pat)
{
	int ec;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
				       PCRE2_UTF, &ec, &off, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(ec, msg, sizeof msg);
		lw_cfg_error(cc, node, "%s: bad pattern at offset %zu: %s", what,
			     (size_t)off, (char *)msg);
	}
	return re;
}

/* Index of the lake, -1 when not declared, -2 when declared but invalid
 * (its own errors were reported already; no need to repeat them). */
static int lake_index(const struct lw_config *cfg, const cJSON *lakes,
		      const char *name)
{
	for (size_t i = 0; i < cfg->nlakes; i++)
		if (strcmp(cfg->lakes[i].name, name) == 0)
			return (int)i;
	return cJSON_GetObjectItemCaseSensitive(lakes, name) ? -2 : -1;
}

/* The "checks" object of defaults.layers.<layer> or defaults.sources.<id>. */
static const cJSON *default_checks(struct lw_cfgctx *cc, const cJSON *defaults,
				   const char *group, const char *name)
{
	const cJSON *g = cJSON_GetObjectItemCaseSensitive(defaults, group);
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(g, name);
	(void)cc;
	return cJSON_GetObjectItemCaseSensitive(e, "checks");
}

static void validate_defaults(struct lw_config *cfg, struct lw_cfgctx *cc,
			      const cJSON *defaults)
{
	static const char *const keys[] = {"layers", "sources", NULL};
	static const char *const entry_keys[] = {"checks", NULL};
	if (!defaults || lw_cfg_keys(cc, defaults, "defaults", keys))
		return;
	const cJSON *m;
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(defaults,
							       "layers")) {
		enum lw_layer l;
		if (lw_layer_parse(m->string, &l))
			lw_cfg_error(cc, m, "defaults.layers: unknown layer \"%s\" "
				     "(known: bronze, silver, gold, powerbi)",
				     m->string);
		lw_cfg_keys(cc, m, m->string, entry_keys);
	}
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(defaults,
							       "sources")) {
		if (lw_config_source_index(cfg, m->string) < 0)
			lw_cfg_error(cc, m, "defaults.sources: unknown source "
				     "\"%s\"", m->string);
		lw_cfg_keys(cc, m, m->string, entry_keys);
	}
}

/* Layer defaults, then source defaults, then the dataset's own checks: a
 * later object replaces an earlier one of the same name; null removes it. */
static void merge_checks(const cJSON *from, const cJSON **names_nodes,
			 size_t *n, size_t max)
{
	const cJSON *m;
	cJSON_ArrayForEach(m, from) {
		size_t i;
		for (i = 0; i < *n; i++)
			if (strcmp(names_nodes[i]->string, m->string) == 0)
				break;
		if (i < *n)
			names_nodes[i] = m;
		else if (*n < max)
			names_nodes[(*n)++] = m;
	}
}

/* See config_int.h. */
int lw_config_resolve_after(struct lw_cfgctx *cc, const cJSON *obj, int *out)
{
	int64_t v = 0;
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, "resolve_after");
	if (!n)
		return LW_OK;
	if (lw_cfg_int(cc, obj, "resolve_after", false, &v) != LW_OK)
		return LW_ECONFIG;
	if (v < 1 || v > LW_RESOLVE_AFTER_MAX)
		return lw_cfg_error(cc, n, "\"resolve_after\" must be 1 to %d "
				    "passing polls", LW_RESOLVE_AFTER_MAX);
	*out = (int)v;
	return LW_OK;
}

/* Bind one check. "resolve_after" belongs to incidents, not to the kind,
 * so it is taken out while the binder has the kind look (kinds reject keys
 * they do not know) and put back afterwards. */
static bool bind_check(struct lw_cfgctx *cc, const struct lw_config *cfg,
		       struct lw_check_inst *ci, const struct lw_dataset *ds,
		       const cJSON *node)
{
	cJSON *obj = (cJSON *)node, *ra = NULL;
	int resolve_after = 0;
	if (cJSON_IsObject(obj)) {
		if (lw_config_resolve_after(cc, obj, &resolve_after) != LW_OK)
			return false;
		ra = cJSON_DetachItemFromObjectCaseSensitive(obj,
							     "resolve_after");
	}
	bool ok = cfg->binder->bind_check(ci, ds, node, cc);
	if (ra)
		cJSON_AddItemToObject(obj, "resolve_after", ra);
	if (ok)
		ci->resolve_after = resolve_after;
	return ok;
}

/* The dataset's checks after defaults were merged, each bound to its kind
 * by the binder. */
static void load_checks(struct lw_cfgctx *cc, struct lw_dataset *ds,
			const cJSON *defaults, const struct lw_config *cfg,
			const cJSON *own)
{
	const cJSON *picked[64];
	size_t n = 0;
	const cJSON *lay = default_checks(cc, defaults, "layers",
					  lw_layer_name(ds->layer));
	const cJSON *src = ds->source >= 0 ? default_checks(cc, defaults,
		"sources", cfg->sources[ds->source].id) : NULL;
	if (own && !cJSON_IsObject(own)) {
		lw_cfg_error(cc, own, "dataset \"%s\": \"checks\" must be an "
			     "object of check: {...}", ds->name);
		own = NULL;
	}
	merge_checks(lay, picked, &n, 64);
	merge_checks(src, picked, &n, 64);
	merge_checks(own, picked, &n, 64);
	ds->checks = lw_xcalloc(n + 1, sizeof *ds->checks);
	for (size_t i = 0; i < n; i++) {
		const cJSON *node = picked[i];
		if (cJSON_IsNull(node))
			continue;
		struct lw_check_inst *ci = &ds->checks[ds->nchecks];
		if (!bind_check(cc, cfg, ci, ds, node))
			continue;
		ci->name = lw_xstrdup(node->string);
		ds->nchecks++;
	}
}

/* "bronze//x/./y/" -> "bronze/x/y": every lake kind then sees one
 * spelling (blob stores take names literally). Rejects ".." so a dataset
 * stays in its lake. Caller frees. */
static char *clean_path(struct lw_cfgctx *cc, const cJSON *node, const char *p)
{
	char *s = lw_xstrdup(p), *w = s;
	const char *seg = p;
	while (*seg) {
		const char *end = strchr(seg, '/');
		size_t n = end ? (size_t)(end - seg) : strlen(seg);
		if (n == 2 && seg[0] == '.' && seg[1] == '.')
			lw_cfg_error(cc, node, "path \"%s\" must not leave the "
				     "lake (no \"..\")", p);
		if (n && !(n == 1 && seg[0] == '.')) {
			if (w != s)
				*w++ = '/';
			memmove(w, seg, n);
			w += n;
		}
		seg += n + (end ? 1 : 0);
	}
	*w = '\0';
	return s;
}

static void load_partitions(struct lw_cfgctx *cc, struct lw_dataset *ds,
			    const cJSON *node)
{
	if (!node)
		return;
	if (!cJSON_IsString(node)) {
		lw_cfg_error(cc, node, "\"partitions\" must be \"key=value\", "
			     "\"capture\", \"none\" or a pattern with named "
			     "groups");
		return;
	}
	const char *v = node->valuestring;
	if (strcmp(v, "key=value") == 0) {
		ds->part_mode = LW_PART_KV;
	} else if (strcmp(v, "none") == 0) {
		ds->part_mode = LW_PART_NONE;
	} else if (strcmp(v, "capture") == 0) {
		ds->part_mode = LW_PART_CAPTURE;
	} else {
		ds->part_re = compile_re(cc, node, "partitions", v);
		uint32_t names = 0;
		if (ds->part_re)
			pcre2_pattern_info(ds->part_re, PCRE2_INFO_NAMECOUNT,
					   &names);
		if (ds->part_re && names == 0)
			lw_cfg_error(cc, node, "partitions pattern needs named "
				     "groups such as (?<date>\\d{4}-\\d{2}-\\d{2})");
		ds->part_mode = LW_PART_REGEX;
	}
}

static void load_consumers(struct lw_cfgctx *cc, struct lw_config *cfg,
			   struct lw_dataset *ds, const cJSON *node)
{
	if (!node)
		return;
	if (!cJSON_IsArray(node)) {
		lw_cfg_error(cc, node, "dataset \"%s\": \"consumers\" must be an "
			     "array of consumer ids", ds->name);
		return;
	}
	ds->consumers = lw_xcalloc((size_t)cJSON_GetArraySize(node) + 1,
				   sizeof *ds->consumers);
	const cJSON *c;
	cJSON_ArrayForEach(c, node) {
		int i = cJSON_IsString(c) ?
			lw_config_consumer_index(cfg, c->valuestring) : -1;
		if (i < 0)
			lw_cfg_error(cc, c, "dataset \"%s\": unknown consumer %s%s%s",
				     ds->name, cJSON_IsString(c) ? "\"" : "",
				     cJSON_IsString(c) ? c->valuestring : "(not a string)",
				     cJSON_IsString(c) ? "\"" : "");
		else
			ds->consumers[ds->nconsumers++] = i;
	}
}

/* ds->fingerprint: everything of the dataset's config that changes what a
 * format makes of one file, and the version of the code that read it (a
 * fixed reader must not be hidden by what the old one cached). */
static void fingerprint(struct lw_dataset *ds, const cJSON *m,
			const char *def_include)
{
	static const char *const keys[] = {"format", "format_options",
					   "include", "exclude"};
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "version", LW_VERSION);
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, keys[i]);
		if (v)
			cJSON_AddItemToObject(f, keys[i], cJSON_Duplicate(v, 1));
	}
	if (def_include && !cJSON_HasObjectItem(m, "include"))
		cJSON_AddStringToObject(f, "default_include", def_include);
	cJSON_AddBoolToObject(f, "count_rows", ds->count_rows);
	char *txt = cJSON_PrintUnformatted(f);
	uint64_t h = txt ? lw_hash64(txt, strlen(txt)) : 0;
	snprintf(ds->fingerprint, sizeof ds->fingerprint, "%016llx",
		 (unsigned long long)h);
	cJSON_free(txt);
	cJSON_Delete(f);
}

/* One dataset's fields, in the order they are checked. */
static void load_dataset(struct lw_cfgctx *cc, struct lw_config *cfg,
			 const cJSON *m, const cJSON *defaults,
			 const cJSON *lakes)
{
	struct lw_dataset *ds = &cfg->datasets[cfg->ndatasets++];
	ds->name = lw_xstrdup(m->string);
	ds->source = ds->lake = -1;
	ds->count_rows = true;
	if (lw_cfg_keys(cc, m, m->string, dataset_keys) && !cJSON_IsObject(m))
		return;
	const char *s = NULL;
	if (lw_cfg_str(cc, m, "description", false, &s) == LW_OK && s)
		ds->description = lw_xstrdup(s);
	s = NULL;
	if (lw_cfg_str(cc, m, "source", true, &s) == LW_OK && s &&
	    (ds->source = lw_config_source_index(cfg, s)) < 0)
		lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(m, "source"),
			     "dataset \"%s\": unknown source \"%s\"", ds->name, s);
	s = NULL;
	if (lw_cfg_str(cc, m, "layer", true, &s) == LW_OK && s &&
	    lw_layer_parse(s, &ds->layer))
		lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(m, "layer"),
			     "dataset \"%s\": unknown layer \"%s\" (known: bronze, "
			     "silver, gold, powerbi)", ds->name, s);
	s = NULL;
	if (lw_cfg_str(cc, m, "lake", true, &s) == LW_OK && s &&
	    (ds->lake = lake_index(cfg, lakes, s)) == -1)
		lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(m, "lake"),
			     "dataset \"%s\": unknown lake \"%s\"", ds->name, s);
	s = NULL;
	char place[32];
	const cJSON *at = NULL;
	if (place_of(cc, m, ds->name, place, sizeof place, &s, &at) == LW_OK &&
	    s)
		ds->path = clean_path(cc, at, s);
	if (ds->lake < 0)
		ds->lake = -1;
	const char *def_include = cfg->binder->bind_format(ds,
		ds->lake >= 0 ? cfg->lakes[ds->lake].lake : NULL, m, cc);
	s = NULL;
	if (lw_cfg_str(cc, m, "include", false, &s) == LW_OK && s)
		ds->include = compile_re(cc, cJSON_GetObjectItemCaseSensitive(m,
					 "include"), "include", s);
	else if (def_include)
		ds->include = compile_re(cc, m, "include", def_include);
	s = NULL;
	if (lw_cfg_str(cc, m, "exclude", false, &s) == LW_OK && s)
		ds->exclude = compile_re(cc, cJSON_GetObjectItemCaseSensitive(m,
					 "exclude"), "exclude", s);
	load_partitions(cc, ds, cJSON_GetObjectItemCaseSensitive(m, "partitions"));
	lw_cfg_bool(cc, m, "count_rows", false, &ds->count_rows);
	/* `watch` polls this dataset this often; 0: poll.interval */
	if (lw_cfg_duration(cc, m, "interval", false, &ds->interval) == LW_OK &&
	    cJSON_GetObjectItemCaseSensitive(m, "interval") && ds->interval < 1)
		lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(m, "interval"),
			     "dataset \"%s\": interval must be at least 1s",
			     ds->name);
	fingerprint(ds, m, def_include);
	/* the dataset's own zone, else its source's, else the top level's */
	ds->tz = ds->source >= 0 && cfg->sources[ds->source].tz ?
		 cfg->sources[ds->source].tz : cfg->tz;
	lw_config_timezone(cc, cfg, m, &ds->tz);
	/* the calendar the same way: own, source's, top level's */
	lw_config_holidays(cc, m, &ds->own_holidays);
	ds->holidays = ds->own_holidays.set ? &ds->own_holidays :
		       ds->source >= 0 && cfg->sources[ds->source].holidays.set
		       ? &cfg->sources[ds->source].holidays :
		       cfg->holidays.set ? &cfg->holidays : NULL;
	load_consumers(cc, cfg, ds, cJSON_GetObjectItemCaseSensitive(m,
							  "consumers"));
	load_checks(cc, ds, defaults, cfg,
		    cJSON_GetObjectItemCaseSensitive(m, "checks"));
}

/* Checks that read other datasets (reconcile) must name existing ones. */
static void check_refs(struct lw_cfgctx *cc, const struct lw_config *cfg,
		       const cJSON *datasets)
{
	for (size_t i = 0; i < cfg->ndatasets; i++) {
		const struct lw_dataset *ds = &cfg->datasets[i];
		for (size_t j = 0; j < ds->nchecks; j++) {
			const struct lw_check_inst *ci = &ds->checks[j];
			const char *const *r = cfg->binder->check_refs(ci);
			for (; r && *r; r++)
				if (!lw_config_dataset(cfg, *r))
					lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(
						datasets, ds->name), "dataset \"%s\": "
						"check \"%s\" names unknown dataset "
						"\"%s\"", ds->name, ci->name, *r);
		}
	}
}

/* Defaults, then every dataset, then the datasets' cross references. */
void lw_config_load_datasets(struct lw_cfgctx *cc, struct lw_config *cfg,
			     const cJSON *root)
{
	const cJSON *lakes = cJSON_GetObjectItemCaseSensitive(root, "lakes");
	const cJSON *defaults = cJSON_GetObjectItemCaseSensitive(root, "defaults");
	validate_defaults(cfg, cc, defaults);
	const cJSON *ds = cJSON_GetObjectItemCaseSensitive(root, "datasets");
	if (!cJSON_IsObject(ds)) {
		lw_cfg_error(cc, ds ? ds : root, "\"datasets\" must be an object "
			     "of name: {...}");
		return;
	}
	cfg->datasets = lw_xcalloc((size_t)cJSON_GetArraySize(ds) + 1,
				   sizeof *cfg->datasets);
	const cJSON *m;
	cJSON_ArrayForEach(m, ds)
		load_dataset(cc, cfg, m, defaults, lakes);
	check_refs(cc, cfg, ds);
	lw_config_load_lineage(cc, cfg, ds);
}
