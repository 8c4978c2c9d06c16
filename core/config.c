/* config.c - load and validate the configuration file.
 *
 * Every problem is collected (not just the first) with file:line:column, so
 * one `lakewatch validate` shows all there is to fix. Unknown keys are
 * errors: a typo must never silently turn a check off.
 */
#include <assert.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lakewatch/config.h"
#include "lakewatch/jsonc.h"
#include "lakewatch/util.h"

#define MAX_CONFIG_BYTES (64 * LW_BUF_1M)

static const char *const root_keys[] = {
	"name", "description", "history", "poll", "theme", "lakes", "sources",
	"consumers", "defaults", "datasets", NULL
};
static const char *const dataset_keys[] = {
	"description", "source", "layer", "lake", "path", "format",
	"format_options", "include", "exclude", "partitions", "count_rows",
	"consumers", "checks", NULL
};

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

static int named_list(struct lw_cfgctx *cc, const cJSON *obj, const char *what,
		      struct lw_named **out, size_t *n)
{
	static const char *const keys[] = {"title", "description", NULL};
	*out = NULL;
	*n = 0;
	if (!obj)
		return LW_OK;
	if (!cJSON_IsObject(obj))
		return lw_cfg_error(cc, obj, "\"%s\" must be an object of "
				    "id: {\"title\": ...}", what);
	*out = lw_xcalloc((size_t)cJSON_GetArraySize(obj) + 1, sizeof **out);
	const cJSON *m;
	cJSON_ArrayForEach(m, obj) {
		const char *title = m->string;
		if (cJSON_IsString(m)) {
			title = m->valuestring;
		} else if (!lw_cfg_keys(cc, m, m->string, keys)) {
			lw_cfg_str(cc, m, "title", false, &title);
		}
		(*out)[*n].id = lw_xstrdup(m->string);
		(*out)[*n].title = lw_xstrdup(title);
		(*n)++;
	}
	return LW_OK;
}

static void open_lakes(struct lw_config *cfg, struct lw_cfgctx *cc,
		       const cJSON *lakes)
{
	if (!cJSON_IsObject(lakes)) {
		lw_cfg_error(cc, lakes, "\"lakes\" must be an object of "
			     "name: {\"kind\": ...}");
		return;
	}
	cfg->lakes = lw_xcalloc((size_t)cJSON_GetArraySize(lakes) + 1,
				sizeof *cfg->lakes);
	const cJSON *m;
	cJSON_ArrayForEach(m, lakes) {
		const char *kname = NULL;
		if (!cJSON_IsObject(m)) {
			lw_cfg_error(cc, m, "lake \"%s\" must be an object",
				     m->string);
			continue;
		}
		if (lw_cfg_str(cc, m, "kind", true, &kname))
			continue;
		const struct lw_lake_kind *k = lw_lake_kind_find(kname);
		if (!k) {
			lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(m, "kind"),
				     "lake \"%s\": unknown kind \"%s\" (known: %s)",
				     m->string, kname, lw_lake_kind_names());
			continue;
		}
		char what[300];
		snprintf(what, sizeof what, "lake \"%s\"", m->string);
		struct lw_lake *l = k->open(what, m, cc);
		if (!l)
			continue;
		/* the kind named its handle after `what`; keep the bare name */
		free(lw_lake_base(l)->name);
		lw_lake_base(l)->name = lw_xstrdup(m->string);
		cfg->lakes[cfg->nlakes].name = lw_xstrdup(m->string);
		cfg->lakes[cfg->nlakes].lake = l;
		cfg->nlakes++;
	}
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

int lw_config_source_index(const struct lw_config *cfg, const char *id)
{
	for (size_t i = 0; i < cfg->nsources; i++)
		if (strcmp(cfg->sources[i].id, id) == 0)
			return (int)i;
	return -1;
}

int lw_config_consumer_index(const struct lw_config *cfg, const char *id)
{
	for (size_t i = 0; i < cfg->nconsumers; i++)
		if (strcmp(cfg->consumers[i].id, id) == 0)
			return (int)i;
	return -1;
}

bool lw_dataset_has_consumer(const struct lw_dataset *ds, int consumer)
{
	for (size_t i = 0; i < ds->nconsumers; i++)
		if (ds->consumers[i] == consumer)
			return true;
	return false;
}

const struct lw_dataset *lw_config_dataset(const struct lw_config *cfg,
					   const char *name)
{
	for (size_t i = 0; i < cfg->ndatasets; i++)
		if (strcmp(cfg->datasets[i].name, name) == 0)
			return &cfg->datasets[i];
	return NULL;
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
		const struct lw_check_kind *k = lw_check_kind_find(node->string);
		if (!k) {
			lw_cfg_error(cc, node, "dataset \"%s\": unknown check "
				     "\"%s\" (known: %s)", ds->name, node->string,
				     lw_check_kind_names());
			continue;
		}
		int before = cc->nerrors;
		void *c = k->parse(node, cc);
		if (!c) {
			if (cc->nerrors == before)
				lw_cfg_error(cc, node, "dataset \"%s\": check "
					     "\"%s\" is not valid", ds->name,
					     node->string);
			continue;
		}
		struct lw_check_inst *ci = &ds->checks[ds->nchecks++];
		ci->name = lw_xstrdup(node->string);
		ci->kind = k;
		ci->cfg = c;
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
	if (lw_cfg_str(cc, m, "path", true, &s) == LW_OK && s)
		ds->path = clean_path(cc, cJSON_GetObjectItemCaseSensitive(m,
					"path"), s);
	if (ds->lake < 0)
		ds->lake = -1;
	const struct lw_lake_kind *kind = ds->lake >= 0 ?
		lw_lake_base(cfg->lakes[ds->lake].lake)->kind : NULL;
	bool need_format = !(kind && kind->observe);
	s = NULL;
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
	s = NULL;
	if (lw_cfg_str(cc, m, "include", false, &s) == LW_OK && s)
		ds->include = compile_re(cc, cJSON_GetObjectItemCaseSensitive(m,
					 "include"), "include", s);
	else if (ds->format && ds->format->default_include)
		ds->include = compile_re(cc, m, "include",
					 ds->format->default_include);
	s = NULL;
	if (lw_cfg_str(cc, m, "exclude", false, &s) == LW_OK && s)
		ds->exclude = compile_re(cc, cJSON_GetObjectItemCaseSensitive(m,
					 "exclude"), "exclude", s);
	load_partitions(cc, ds, cJSON_GetObjectItemCaseSensitive(m, "partitions"));
	lw_cfg_bool(cc, m, "count_rows", false, &ds->count_rows);
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
			if (!ci->kind->refs)
				continue;
			const char *const *r = ci->kind->refs(ci->cfg);
			for (; r && *r; r++)
				if (!lw_config_dataset(cfg, *r))
					lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(
						datasets, ds->name), "dataset \"%s\": "
						"check \"%s\" names unknown dataset "
						"\"%s\"", ds->name, ci->name, *r);
		}
	}
}

static void load_top(struct lw_cfgctx *cc, struct lw_config *cfg,
		     const cJSON *root)
{
	static const char *const hist_keys[] = {"path", "retention", NULL};
	static const char *const poll_keys[] = {"interval", "parallel", NULL};
	const char *s = NULL;
	if (lw_cfg_str(cc, root, "name", false, &s) == LW_OK && s)
		cfg->name = lw_xstrdup(s);
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(root, "history");
	cfg->retention = 30 * 86400;
	if (h && !lw_cfg_keys(cc, h, "history", hist_keys)) {
		lw_cfg_path(cc, h, "path", false, &cfg->history_path);
		lw_cfg_duration(cc, h, "retention", false, &cfg->retention);
	}
	if (!cfg->history_path)
		cfg->history_path = cc->dir ? lw_xasprintf("%s/lakewatch-history.db",
							   cc->dir) :
			lw_xstrdup("lakewatch-history.db");
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(root, "poll");
	cfg->interval = 300;
	cfg->parallel = 16;
	if (p && !lw_cfg_keys(cc, p, "poll", poll_keys)) {
		int64_t par = 16;
		lw_cfg_duration(cc, p, "interval", false, &cfg->interval);
		if (lw_cfg_int(cc, p, "parallel", false, &par) == LW_OK &&
		    (par < 1 || par > 256))
			lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(p,
				     "parallel"), "\"parallel\" must be 1 to 256");
		else
			cfg->parallel = (int)par;
		if (cfg->interval < 1)
			lw_cfg_error(cc, p, "poll interval must be at least 1s");
	}
	s = NULL;
	if (lw_cfg_str(cc, root, "theme", false, &s) == LW_OK && s)
		cfg->theme = lw_xstrdup(s);
}

static void load(struct lw_cfgctx *cc, struct lw_config *cfg,
		 const cJSON *root)
{
	if (lw_cfg_keys(cc, root, "the top level", root_keys) &&
	    !cJSON_IsObject(root))
		return;
	load_top(cc, cfg, root);
	const cJSON *lakes = cJSON_GetObjectItemCaseSensitive(root, "lakes");
	if (!lakes)
		lw_cfg_error(cc, root, "missing \"lakes\": declare at least one");
	else
		open_lakes(cfg, cc, lakes);
	named_list(cc, cJSON_GetObjectItemCaseSensitive(root, "sources"),
		   "sources", &cfg->sources, &cfg->nsources);
	named_list(cc, cJSON_GetObjectItemCaseSensitive(root, "consumers"),
		   "consumers", &cfg->consumers, &cfg->nconsumers);
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
}

/* Position of an error line "file:L:C: ..." for sorting; 0 when none. */
static long line_key(const char *s, size_t flen)
{
	int l = 0, c = 0;
	if (sscanf(s + flen, ":%d:%d:", &l, &c) != 2)
		return 0;
	return (long)l * 100000 + c;
}

static size_t sort_flen;

static int cmp_lines(const void *a, const void *b)
{
	const char *p = *(char *const *)a, *q = *(char *const *)b;
	long x = line_key(p, sort_flen), y = line_key(q, sort_flen);
	if (x != y)
		return x < y ? -1 : 1;
	return p < q ? -1 : p > q;	/* same place: keep the order found */
}

/* Errors come out in the order of the file, whatever order found them.
 * The same lines go back into the same buffer, so they fit; LW_ETOOBIG if
 * they somehow did not (then the buffer is failed, never short). */
static int sort_lines(struct lw_buf *b)
{
	int rc = LW_OK;
	if (!b->len)
		return LW_OK;
	char *text = lw_buf_steal(b), *save, **lines = NULL;
	size_t n = 0, cap = 0;
	const char *colon = strchr(text, ':');
	sort_flen = colon ? (size_t)(colon - text) : 0;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		lw_xgrow((void **)&lines, &cap, n, sizeof *lines);
		lines[n++] = l;
	}
	lw_sort(lines, n, sizeof *lines, cmp_lines);
	for (size_t i = 0; i < n && rc == LW_OK; i++)
		rc = lw_buf_addf(b, "%s\n", lines[i]);
	free(lines);
	free(text);
	return rc;
}

/* Append to the caller's error text. The answer is LW_ECONFIG either way;
 * an errors buffer too small fails (lw_buf_failed, data NULL) rather than
 * holding a short list, and the caller says "invalid config". */
static void add_error(struct lw_buf *errors, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add_error(struct lw_buf *errors, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = lw_buf_vaddf(errors, fmt, ap);
	va_end(ap);
	assert(rc == LW_OK || lw_buf_failed(errors));
	(void)rc;
}

/* Directory part of path, absolute when possible; caller frees. */
static char *dir_of(const char *path)
{
	char *copy = lw_xstrdup(path), *abs = NULL;
	char *d = dirname(copy);
	char buf[PATH_MAX];
	abs = realpath(d, buf) ? lw_xstrdup(buf) : lw_xstrdup(d);
	free(copy);
	return abs;
}

int lw_config_parse(const char *text, size_t len, const char *file,
		    struct lw_config **out, struct lw_buf *errors)
{
	*out = NULL;
	struct lw_err err;
	struct lw_jsonc *doc = NULL;
	if (lw_jsonc_parse(text, len, &doc, &err) != LW_OK) {
		int line, col, n = 0;
		if (sscanf(err.msg, "line %d, column %d: %n", &line, &col, &n) == 2
		    && n > 0)
			add_error(errors, "%s:%d:%d: %s\n", file, line, col,
				  err.msg + n);
		else
			add_error(errors, "%s: %s\n", file, err.msg);
		return LW_ECONFIG;
	}
	struct lw_cfgctx cc;
	lw_cfgctx_init(&cc, file, doc);
	char *dir = dir_of(file);
	cc.dir = dir;
	struct lw_config *cfg = lw_xcalloc(1, sizeof *cfg);
	char abs[PATH_MAX];
	cfg->file = lw_xstrdup(realpath(file, abs) ? abs : file);
	load(&cc, cfg, lw_jsonc_root(doc));
	if (!cfg->name) {
		char *copy = lw_xstrdup(file);
		cfg->name = lw_xstrdup(basename(copy));
		free(copy);
	}
	int rc = LW_OK;
	if (cc.nerrors) {
		if (sort_lines(&cc.errors) == LW_OK)
			add_error(errors, "%s",
				  cc.errors.data ? cc.errors.data : "");
		else
			add_error(errors, "%s: error list too long\n", file);
		if (cc.dropped)
			add_error(errors, "%s: %d more errors not shown\n",
				  file, cc.dropped);
		lw_config_free(cfg);
		rc = LW_ECONFIG;
	} else {
		*out = cfg;
	}
	free(dir);
	lw_cfgctx_free(&cc);
	lw_jsonc_free(doc);
	return rc;
}

int lw_config_load(const char *path, struct lw_config **out,
		   struct lw_buf *errors)
{
	char *text = NULL;
	size_t len = 0;
	struct lw_err err;
	*out = NULL;
	if (lw_read_file(path, MAX_CONFIG_BYTES, &text, &len, &err) != LW_OK) {
		add_error(errors, "%s\n", err.msg);
		return LW_ECONFIG;
	}
	int rc = lw_config_parse(text, len, path, out, errors);
	free(text);
	return rc;
}

/* Caller owns the path. */
char *lw_config_locate(const char *cli, struct lw_err *err)
{
	if (cli)
		return lw_xstrdup(cli);
	const char *env = getenv("LAKEWATCH_CONFIG");
	if (env && *env)
		return lw_xstrdup(env);
	if (access("lakewatch.json", F_OK) == 0)
		return lw_xstrdup("lakewatch.json");
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *p = xdg && *xdg ? lw_xasprintf("%s/lakewatch/config.json", xdg) :
		home ? lw_xasprintf("%s/.config/lakewatch/config.json", home) :
		NULL;
	if (p && access(p, F_OK) == 0)
		return p;
	lw_err_set(err, LW_ENOTFOUND, "no config found: give --config FILE, or "
		   "set LAKEWATCH_CONFIG, or create ./lakewatch.json or %s",
		   p ? p : "$XDG_CONFIG_HOME/lakewatch/config.json");
	free(p);
	return NULL;
}

static void free_dataset(struct lw_dataset *ds)
{
	free(ds->name);
	free(ds->description);
	free(ds->path);
	if (ds->format && ds->format->free_options && ds->format_opts)
		ds->format->free_options(ds->format_opts);
	pcre2_code_free(ds->include);
	pcre2_code_free(ds->exclude);
	pcre2_code_free(ds->part_re);
	free(ds->consumers);
	for (size_t i = 0; i < ds->nchecks; i++) {
		free(ds->checks[i].name);
		if (ds->checks[i].kind->free)
			ds->checks[i].kind->free(ds->checks[i].cfg);
	}
	free(ds->checks);
}

void lw_config_free(struct lw_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->ndatasets; i++)
		free_dataset(&cfg->datasets[i]);
	free(cfg->datasets);
	for (size_t i = 0; i < cfg->nlakes; i++) {
		free(cfg->lakes[i].name);
		struct lw_lake *l = cfg->lakes[i].lake;
		lw_lake_base(l)->kind->close(l);
	}
	free(cfg->lakes);
	for (size_t i = 0; i < cfg->nsources; i++) {
		free(cfg->sources[i].id);
		free(cfg->sources[i].title);
	}
	free(cfg->sources);
	for (size_t i = 0; i < cfg->nconsumers; i++) {
		free(cfg->consumers[i].id);
		free(cfg->consumers[i].title);
	}
	free(cfg->consumers);
	free(cfg->file);
	free(cfg->name);
	free(cfg->history_path);
	free(cfg->theme);
	free(cfg);
}
