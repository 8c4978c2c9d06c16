/* cp.c - the Azure control-plane lake kinds: "datafactory" (pipeline runs
 * through Azure Resource Manager), "synapse" (a workspace's pipeline runs),
 * "databricks" (Jobs API 2.1 runs) and "streamanalytics" (a streaming job
 * and Azure Monitor metrics, also of Event Hubs namespaces). Each dataset
 * is observed wholesale (no files).
 *
 * This file: the lakes' configuration (open, close) and their ops tables;
 * the rest is split by concern (cp_int.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cp_int.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"

/* What tells the kinds apart: their config keys and defaults. */
struct cp_spec {
	enum cp_kind kind;
	const char *service;		/* for messages */
	const char *scope;
	const char *url_key;		/* "management_url", "endpoint",
					 * "workspace_url" */
	const char *url_default;	/* NULL: required */
	const char *const *keys;	/* the kind's own keys */
};

static const char *const adf_keys[] = {"subscription", "resource_group",
	"factory", NULL};
static const char *const syn_keys[] = {"workspace", NULL};
static const char *const dbx_keys[] = {NULL};
static const char *const asa_keys[] = {"subscription", "resource_group",
	"window", "interval", "job_metrics", "namespace_metrics", "namespaces",
	NULL};

static const struct cp_spec specs[] = {
	{CP_DATAFACTORY, "Data Factory", CP_SCOPE_ARM, "management_url",
	 CP_MANAGEMENT, adf_keys},
	{CP_SYNAPSE, "Synapse", CP_SCOPE_SYNAPSE, "endpoint", NULL, syn_keys},
	{CP_DATABRICKS, "Databricks", CP_SCOPE_DATABRICKS, "workspace_url",
	 NULL, dbx_keys},
	{CP_STREAM, "Stream Analytics", CP_SCOPE_ARM, "management_url",
	 CP_MANAGEMENT, asa_keys},
};

/* A URL: a string, or {"env": NAME, "default": URL} so a demo or test can
 * point it at a local stand-in without editing the config. */
static int open_url(struct lw_lake *l, const cJSON *cfg, const char *what,
		    const struct cp_spec *sp, const char *dflt_url,
		    bool insecure, struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"env", "default", NULL};
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(cfg, sp->url_key);
	const char *url = dflt_url;
	if (cJSON_IsString(b)) {
		url = b->valuestring;
	} else if (b) {
		const char *env = NULL, *dflt = NULL;
		if (lw_cfg_keys(cc, b, sp->url_key, keys) ||
		    lw_cfg_str(cc, b, "env", true, &env) ||
		    lw_cfg_str(cc, b, "default", false, &dflt))
			return LW_ECONFIG;
		const char *v = getenv(env);
		url = v && *v ? v : dflt ? dflt : dflt_url;
	}
	if (!url)
		return lw_cfg_error(cc, cfg, "%s: \"%s\" is required (the %s "
				    "workspace's URL)", what, sp->url_key,
				    sp->service);
	if (!lw_str_starts(url, "https://") && !lw_str_starts(url, "http://"))
		return lw_cfg_error(cc, b ? b : cfg, "%s: %s \"%s\" must start "
				    "with https://", what, sp->url_key, url);
	l->base_url = lw_xstrdup(url);
	size_t n = strlen(l->base_url);
	while (n && l->base_url[n - 1] == '/')
		l->base_url[--n] = '\0';
	char bw[400];
	snprintf(bw, sizeof bw, "%s: \"%s\" (tokens go there)", what,
		 sp->url_key);
	return lw_http_cfg_secure(cc, b ? b : cfg, bw, l->base_url, insecure);
}

/* The kind's own keys: where the runs are. */
static int open_where(struct lw_lake *l, const cJSON *cfg, const char *what,
		      const struct cp_spec *sp, char *syn, size_t nsyn,
		      const char **dflt_url, struct lw_cfgctx *cc)
{
	const char *sub = NULL, *rg = NULL, *fac = NULL, *ws = NULL;
	switch (sp->kind) {
	case CP_DATAFACTORY:
	case CP_STREAM:
		if (lw_cfg_str(cc, cfg, "subscription", true, &sub) ||
		    lw_cfg_str(cc, cfg, "resource_group", true, &rg) ||
		    (sp->kind == CP_DATAFACTORY &&
		     lw_cfg_str(cc, cfg, "factory", true, &fac)))
			return LW_ECONFIG;
		l->prefix = fac ? lw_xasprintf("/subscriptions/%s/resourceGroups"
			"/%s/providers/Microsoft.DataFactory/factories/%s", sub,
			rg, fac) : lw_xasprintf("/subscriptions/%s/resourceGroups"
			"/%s", sub, rg);
		return sp->kind == CP_STREAM ? lw_cp_open_namespaces(l, cfg,
			what, sub, rg, cc) : LW_OK;
	case CP_SYNAPSE:
		if (lw_cfg_str(cc, cfg, "workspace", false, &ws))
			return LW_ECONFIG;
		if (ws) {
			snprintf(syn, nsyn, "https://%s.dev.azuresynapse."
				 "net", ws);
			*dflt_url = syn;
		}
		break;
	case CP_DATABRICKS:
		break;
	}
	(void)what;
	l->prefix = lw_xstrdup("");
	return LW_OK;
}

static int open_numbers(struct lw_lake *l, const cJSON *cfg, const char *what,
			int64_t *retries, struct lw_cfgctx *cc)
{
	int64_t timeout = 30, poll_timeout = 600;
	l->lookback = 2 * 86400;
	l->max_runs = 50;
	l->window = 3600;
	l->interval = 300;
	if (lw_cfg_duration(cc, cfg, "timeout", false, &timeout) ||
	    lw_cfg_duration(cc, cfg, "poll_timeout", false, &poll_timeout) ||
	    lw_cfg_int(cc, cfg, "retries", false, retries) ||
	    lw_cfg_duration(cc, cfg, "lookback", false, &l->lookback) ||
	    lw_cfg_int(cc, cfg, "max_runs", false, &l->max_runs) ||
	    lw_cfg_duration(cc, cfg, "window", false, &l->window) ||
	    lw_cfg_duration(cc, cfg, "interval", false, &l->interval))
		return LW_ECONFIG;
	if (*retries < 0 || *retries > 10)
		lw_cfg_error(cc, cfg, "%s: retries must be 0 to 10", what);
	if (l->lookback < 60 || l->lookback > 60 * 86400)
		lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(cfg,
			     "lookback"), "%s: lookback must be 1m to 60d (the "
			     "services keep 45 to 60 days of runs)", what);
	if (l->max_runs < 1 || l->max_runs > 1000)
		lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(cfg,
			     "max_runs"), "%s: max_runs must be 1 to 1000", what);
	if (l->interval < 60 || l->interval > 86400 ||
	    l->window < l->interval || l->window > 30 * 86400)
		lw_cfg_error(cc, cfg, "%s: interval must be 1m to 1d and window "
			     "at least one interval, at most 30d", what);
	l->timeout_ms = timeout * 1000;
	l->poll_timeout_ms = poll_timeout * 1000;
	return LW_OK;
}

/* obj[key]: an array of metric names, comma-joined into *out (owned),
 * else dflt. Names are letters, digits, '_' and '.': they go into a URL. */
static int open_metric_names(const cJSON *cfg, const char *key,
			     const char *what, const char *dflt, char **out,
			     struct lw_cfgctx *cc)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(cfg, key), *it;
	if (!a) {
		*out = lw_xstrdup(dflt);
		return LW_OK;
	}
	if (!cJSON_IsArray(a) || !cJSON_GetArraySize(a) ||
	    cJSON_GetArraySize(a) > 20)
		return lw_cfg_error(cc, a, "%s: \"%s\" must list 1 to 20 metric "
				    "names", what, key);
	char buf[1024] = "";
	size_t o = 0;
	cJSON_ArrayForEach(it, a) {
		const char *s = cJSON_IsString(it) ? it->valuestring : "";
		size_t n = strlen(s);
		if (!n || n > 40 || strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
			"klmnopqrstuvwxyz0123456789_.") != n)
			return lw_cfg_error(cc, it, "%s: \"%s\": \"%s\" is not a "
					    "metric name", what, key, s);
		o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s",
				      o ? "," : "", s);
	}
	*out = lw_xstrdup(buf);
	return LW_OK;
}

static void cp_close(struct lw_lake *l);

static struct lw_lake *cp_open(const struct cp_spec *sp,
			       const struct lw_lake_kind *kind,
			       const char *what, const cJSON *cfg,
			       struct lw_cfgctx *cc)
{
	const char *keys[24] = {"kind", "auth", "timeout", "poll_timeout",
		"retries", "ca_bundle", "description", "allow_insecure_http",
		"lookback", "max_runs", sp->url_key};
	size_t nk = 11;
	for (size_t i = 0; sp->keys[i] && nk < 23; i++)
		keys[nk++] = sp->keys[i];
	struct lw_lake *l = lw_xcalloc(1, sizeof *l);
	l->base.kind = kind;
	l->base.name = lw_xstrdup(what);
	l->kind = sp->kind;
	l->service = sp->service;
	int64_t retries = 4;
	bool insecure = false;
	char *ca = NULL;
	const char *dflt_url = sp->url_default;
	char syn[300];		/* the Synapse workspace's endpoint */
	int before = cc->nerrors;
	if (lw_cfg_keys(cc, cfg, what, keys) ||
	    lw_cfg_path(cc, cfg, "ca_bundle", false, &ca) ||
	    lw_cfg_bool(cc, cfg, "allow_insecure_http", false, &insecure) ||
	    open_numbers(l, cfg, what, &retries, cc) ||
	    open_where(l, cfg, what, sp, syn, sizeof syn, &dflt_url, cc) ||
	    open_url(l, cfg, what, sp, dflt_url, insecure, cc) ||
	    lw_cp_open_auth(l, cJSON_GetObjectItemCaseSensitive(cfg, "auth"),
			    what, sp->scope, insecure, cc) ||
	    open_metric_names(cfg, "job_metrics", what, CP_JOB_METRICS,
			      &l->job_metrics, cc) ||
	    open_metric_names(cfg, "namespace_metrics", what, CP_HUB_METRICS,
			      &l->hub_metrics, cc) ||
	    cc->nerrors != before) {
		free(ca);
		cp_close(l);
		return NULL;
	}
	struct lw_http_opts ho = {.parallel = 4, .timeout_ms = l->timeout_ms,
				  .retries = (int)retries, .ca_bundle = ca};
	l->http = lw_http_new(&ho);
	l->base.display = lw_xasprintf("%s:%s%s", kind->name, l->base_url,
				       l->prefix);
	lw_redact(l->base.display);	/* a URL may carry a key */
	free(ca);
	return l;
}

static void cp_close(struct lw_lake *l)
{
	if (!l)
		return;
	free(l->base.name);
	free(l->base.display);
	free(l->base_url);
	free(l->prefix);
	free(l->job_metrics);
	free(l->hub_metrics);
	lw_cp_free_namespaces(l);
	if (l->http)
		lw_http_free(l->http);
	if (l->entra)
		lw_entra_free(l->entra);
	lw_secret_free(l->token);
	free(l->token_file);
	free(l);
}

static void cp_stats(struct lw_lake *l, int64_t *requests, int64_t *bytes_in)
{
	lw_http_stats(l->http, requests, bytes_in);
}

static void cp_faults(struct lw_lake *l, int64_t *retries, int64_t *errors)
{
	lw_http_faults(l->http, retries, errors);
}

static int64_t cp_connects(struct lw_lake *l)
{
	return lw_http_connects(l->http);
}

static void cp_begin_poll(struct lw_lake *l)
{
	l->poll_deadline = lw_http_now_ms() + l->poll_timeout_ms;
	l->activity_left = CP_ACTIVITY_QUERIES;
	lw_http_revive(l->http);
	if (l->entra)
		lw_entra_revive(l->entra);
}

/* The service (or its token endpoint) is down, or the poll's deadline
 * passed: the datasets left are not observed, one message each. */
static bool cp_gone(struct lw_lake *l, char *msg, size_t n)
{
	char d[32], why[300];
	if (lw_http_down(l->http, why, sizeof why)) {
		snprintf(msg, n, "lake '%s' is unreachable: %s", l->base.name,
			 why);
		return true;
	}
	if (l->entra && lw_entra_down(l->entra, why, sizeof why)) {
		snprintf(msg, n, "lake '%s': %s", l->base.name, why);
		return true;
	}
	if (!l->poll_deadline || lw_http_now_ms() < l->poll_deadline)
		return false;
	snprintf(msg, n, "not observed: the poll of lake '%s' ran past its %s "
		 "deadline", l->base.name, lw_duration_fmt(
		 (l->poll_timeout_ms + 999) / 1000, d, sizeof d));
	return true;
}

#define CP_KIND(var, kname, idx)					\
	static struct lw_lake *var##_open(const char *what,		\
					  const cJSON *cfg,		\
					  struct lw_cfgctx *cc)		\
	{								\
		return cp_open(&specs[idx], &var, what, cfg, cc);	\
	}								\
	const struct lw_lake_kind var = {				\
		.name = kname, .open = var##_open, .close = cp_close,	\
		.observe = lw_cp_observe, .begin_poll = cp_begin_poll,	\
		.gone = cp_gone, .stats = cp_stats, .runs = true,	\
		.connects = cp_connects, .faults = cp_faults,		\
	};

CP_KIND(lw_lake_datafactory, "datafactory", 0)
CP_KIND(lw_lake_synapse, "synapse", 1)
CP_KIND(lw_lake_databricks, "databricks", 2)
CP_KIND(lw_lake_streamanalytics, "streamanalytics", 3)
