/* config.c - load and validate the configuration file: the document, its
 * top-level keys, lakes, sources and consumers (datasets are in
 * config_dataset.c).
 *
 * Every problem is collected (not just the first) with file:line:column, so
 * one `lakewatch validate` shows all there is to fix. Unknown keys are
 * errors: a typo must never silently turn a check off. What names a plug-in
 * is bound by the caller's struct lw_config_binder.
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
#include "lakewatch/tz.h"
#include "lakewatch/util.h"
#include "config_int.h"

#define MAX_CONFIG_BYTES (64 * LW_BUF_1M)

static const char *const root_keys[] = {
	"name", "description", "history", "poll", "theme", "lakes", "sources",
	"consumers", "defaults", "datasets", "resolve_after", "timezone",
	"notify", "holidays", NULL
};

/* Sources and consumers; a source may name its "timezone" (with_tz). */
static int named_list(struct lw_cfgctx *cc, struct lw_config *cfg,
		      const cJSON *obj, const char *what, bool with_tz,
		      struct lw_named **out, size_t *n)
{
	static const char *const keys[] = {"title", "description", NULL};
	static const char *const tz_keys[] = {"title", "description",
					      "timezone", "holidays", NULL};
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
		} else if (!lw_cfg_keys(cc, m, m->string, with_tz ? tz_keys :
					keys)) {
			lw_cfg_str(cc, m, "title", false, &title);
			if (with_tz)
				lw_config_timezone(cc, cfg, m,
						   &(*out)[*n].tz);
			if (with_tz)
				lw_config_holidays(cc, m,
						   &(*out)[*n].holidays);
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
		if (!cJSON_IsObject(m)) {
			lw_cfg_error(cc, m, "lake \"%s\" must be an object",
				     m->string);
			continue;
		}
		struct lw_lake *l = cfg->binder->open_lake(m->string, m, cc);
		if (!l)
			continue;
		cfg->lakes[cfg->nlakes].name = lw_xstrdup(m->string);
		cfg->lakes[cfg->nlakes].lake = l;
		cfg->nlakes++;
	}
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

static void load_top(struct lw_cfgctx *cc, struct lw_config *cfg,
		     const cJSON *root)
{
	static const char *const hist_keys[] = {"path", "retention",
						"cache_entries", NULL};
	static const char *const poll_keys[] = {"interval", "parallel", NULL};
	const char *s = NULL;
	if (lw_cfg_str(cc, root, "name", false, &s) == LW_OK && s)
		cfg->name = lw_xstrdup(s);
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(root, "history");
	cfg->retention = 30 * 86400;
	cfg->cache_entries = LW_CACHE_ENTRIES;
	if (h && !lw_cfg_keys(cc, h, "history", hist_keys)) {
		lw_cfg_path(cc, h, "path", false, &cfg->history_path);
		lw_cfg_duration(cc, h, "retention", false, &cfg->retention);
		if (lw_cfg_int(cc, h, "cache_entries", false,
			       &cfg->cache_entries) == LW_OK &&
		    cfg->cache_entries < 0)
			lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(h,
				     "cache_entries"), "history.cache_entries "
				     "must be 0 (no cache) or more");
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
	cfg->resolve_after = 1;
	lw_config_resolve_after(cc, root, &cfg->resolve_after);
	s = NULL;
	if (lw_cfg_str(cc, root, "theme", false, &s) == LW_OK && s)
		cfg->theme = lw_xstrdup(s);
	lw_config_timezone(cc, cfg, root, &cfg->tz);
	lw_config_holidays(cc, root, &cfg->holidays);
}

/* The binder reads the section: channel kinds are plug-ins. */
static void load_notify(struct lw_cfgctx *cc, struct lw_config *cfg,
			const cJSON *root)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(root, "notify");
	if (!n)
		return;
	if (!cJSON_IsObject(n))
		lw_cfg_error(cc, n, "\"notify\" must be an object of "
			     "\"channels\" and \"routes\"");
	else if (!cfg->binder->parse_notify)
		lw_cfg_error(cc, n, "\"notify\" is not supported here");
	else
		cfg->notify = cfg->binder->parse_notify(cfg, n, cc);
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
	named_list(cc, cfg, cJSON_GetObjectItemCaseSensitive(root, "sources"),
		   "sources", true, &cfg->sources, &cfg->nsources);
	named_list(cc, cfg, cJSON_GetObjectItemCaseSensitive(root,
		   "consumers"), "consumers", false, &cfg->consumers,
		   &cfg->nconsumers);
	lw_config_load_datasets(cc, cfg, root);
	load_notify(cc, cfg, root);
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

/* *out is the caller's (lw_config_free). */
int lw_config_parse_with(const struct lw_config_binder *b, const char *text,
			 size_t len, const char *file, struct lw_config **out,
			 struct lw_buf *errors)
{
	assert(b);
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
	cfg->binder = b;
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

/* *out is the caller's (lw_config_free). */
int lw_config_load_with(const struct lw_config_binder *b, const char *path,
			struct lw_config **out, struct lw_buf *errors)
{
	char *text = NULL;
	size_t len = 0;
	struct lw_err err;
	*out = NULL;
	if (lw_read_file(path, MAX_CONFIG_BYTES, &text, &len, &err) != LW_OK) {
		add_error(errors, "%s\n", err.msg);
		return LW_ECONFIG;
	}
	int rc = lw_config_parse_with(b, text, len, path, out, errors);
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

/* The binder's parts first: they may read the dataset's plain fields. */
static void free_dataset(const struct lw_config_binder *binder,
			 struct lw_dataset *ds)
{
	binder->free_format(ds);
	for (size_t i = 0; i < ds->nchecks; i++) {
		binder->free_check(&ds->checks[i]);
		free(ds->checks[i].name);
	}
	free(ds->checks);
	free(ds->name);
	free(ds->description);
	free(ds->path);
	pcre2_code_free(ds->include);
	pcre2_code_free(ds->exclude);
	pcre2_code_free(ds->part_re);
	free(ds->consumers);
	lw_holidays_free(&ds->own_holidays);
	lw_config_free_lineage(ds);
}

void lw_config_free(struct lw_config *cfg)
{
	if (!cfg)
		return;
	if (cfg->notify && cfg->binder->free_notify)
		cfg->binder->free_notify(cfg->notify);
	for (size_t i = 0; i < cfg->ndatasets; i++)
		free_dataset(cfg->binder, &cfg->datasets[i]);
	free(cfg->datasets);
	for (size_t i = 0; i < cfg->nlakes; i++) {
		free(cfg->lakes[i].name);
		cfg->binder->close_lake(cfg->lakes[i].lake);
	}
	free(cfg->lakes);
	for (size_t i = 0; i < cfg->nsources; i++) {
		free(cfg->sources[i].id);
		free(cfg->sources[i].title);
		lw_holidays_free(&cfg->sources[i].holidays);
	}
	free(cfg->sources);
	for (size_t i = 0; i < cfg->nconsumers; i++) {
		free(cfg->consumers[i].id);
		free(cfg->consumers[i].title);
	}
	free(cfg->consumers);
	for (size_t i = 0; i < cfg->nzones; i++)
		lw_tz_free(cfg->zones[i]);
	free(cfg->zones);
	lw_holidays_free(&cfg->holidays);
	free(cfg->file);
	free(cfg->name);
	free(cfg->history_path);
	free(cfg->theme);
	free(cfg);
}
