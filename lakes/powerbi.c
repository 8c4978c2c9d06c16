/* powerbi.c - lake kind "powerbi": a Power BI workspace observed through
 * its REST API. Each dataset is observed wholesale (no files): refresh
 * history and schedule, and for a named table its row count, newest
 * timestamp and columns through Execute Queries (DAX).
 *
 * This file: the lake's configuration (open, close) and its ops table (the
 * "powerbi" format's options are in formats/powerbi.c); the rest is split
 * by concern (powerbi_int.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "powerbi_int.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"

/* ---- configuration ---- */

static int open_auth(struct lw_lake *l, const cJSON *auth, const char *what,
		     bool insecure, struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"method", "tenant_id", "client_id",
		"client_secret", "authority_host", "token", "token_file",
		"identity_endpoint", NULL};
	const char *method = NULL, *tenant = NULL, *client = NULL,
		*authority = NULL, *ident = NULL;
	char *secret = NULL;
	if (auth && lw_cfg_keys(cc, auth, what, keys))
		return LW_ECONFIG;
	if (auth && (lw_cfg_str(cc, auth, "method", true, &method) ||
		     lw_cfg_str(cc, auth, "tenant_id", false, &tenant) ||
		     lw_cfg_str(cc, auth, "client_id", false, &client) ||
		     lw_cfg_str(cc, auth, "authority_host", false, &authority) ||
		     lw_cfg_str(cc, auth, "identity_endpoint", false, &ident)))
		return LW_ECONFIG;
	if (!method)
		method = "client_secret";
	char aw[400], iw[400];
	snprintf(aw, sizeof aw, "%s: \"authority_host\" (the client secret "
		 "goes there)", what);
	snprintf(iw, sizeof iw, "%s: \"identity_endpoint\" (tokens come "
		 "from there)", what);
	if ((authority && lw_http_cfg_secure(cc,
		cJSON_GetObjectItemCaseSensitive(auth, "authority_host"), aw,
		authority, insecure)) ||
	    (ident && lw_http_cfg_secure(cc,
		cJSON_GetObjectItemCaseSensitive(auth, "identity_endpoint"), iw,
		ident, insecure)))
		return LW_ECONFIG;
	if (strcmp(method, "token") == 0) {
		if (lw_cfg_secret(cc, auth, "token", false, &l->token) ||
		    lw_cfg_path(cc, auth, "token_file", false, &l->token_file))
			return LW_ECONFIG;
		if (!l->token == !l->token_file)
			return lw_cfg_error(cc, auth, "%s: method \"token\" needs "
					    "exactly one of \"token\" or "
					    "\"token_file\"", what);
		return LW_OK;
	}
	bool mi = strcmp(method, "managed_identity") == 0;
	if (!mi && strcmp(method, "client_secret") != 0)
		return lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(auth,
				    "method"), "%s: unknown method \"%s\" (known: "
				    "client_secret, token, managed_identity)",
				    what, method);
	if (auth && lw_cfg_secret(cc, auth, "client_secret", false, &secret))
		return LW_ECONFIG;
	struct lw_entra_opts eo = {.scope = SCOPE, .managed_identity = mi,
		.tenant_id = tenant, .client_id = client,
		.client_secret = secret, .authority_host = authority,
		.identity_endpoint = ident, .timeout_ms = l->timeout_ms,
		.retries = -1};
	struct lw_err err;
	l->entra = lw_entra_new(&eo, &err);
	lw_secret_free(secret);	/* wiped, as cp_auth.c does */
	if (!l->entra)
		return lw_cfg_error(cc, auth, "%s: %s", what, err.msg);
	return LW_OK;
}

/* base_url: a string, or {"env": NAME, "default": URL} so a demo or test
 * can point it at a local stand-in without editing the config. */
static int open_base(struct lw_lake *l, const cJSON *cfg, struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"env", "default", NULL};
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(cfg, "base_url");
	const char *url = DEFAULT_BASE;
	if (cJSON_IsString(b)) {
		url = b->valuestring;
	} else if (b) {
		const char *env = NULL, *dflt = NULL;
		if (lw_cfg_keys(cc, b, "base_url", keys) ||
		    lw_cfg_str(cc, b, "env", true, &env) ||
		    lw_cfg_str(cc, b, "default", false, &dflt))
			return LW_ECONFIG;
		const char *v = getenv(env);
		url = v && *v ? v : dflt ? dflt : DEFAULT_BASE;
	}
	if (!lw_str_starts(url, "https://") && !lw_str_starts(url, "http://"))
		return lw_cfg_error(cc, b, "base_url \"%s\" must start with "
				    "https://", url);
	l->base_url = lw_xstrdup(url);
	size_t n = strlen(l->base_url);
	while (n && l->base_url[n - 1] == '/')
		l->base_url[--n] = '\0';
	return LW_OK;
}

static struct lw_lake *pbi_open(const char *what, const cJSON *cfg,
				struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"kind", "workspace", "base_url",
		"auth", "timeout", "poll_timeout", "retries", "queries_per_minute",
		"ca_bundle", "description", "allow_insecure_http", NULL};
	struct lw_lake *l = lw_xcalloc(1, sizeof *l);
	l->base.kind = &lw_lake_powerbi;
	l->base.name = lw_xstrdup(what);
	const char *ws = NULL;
	int64_t timeout = 30, poll_timeout = 600, retries = 4, per_min = 120;
	bool insecure = false;
	char *ca = NULL;
	int before = cc->nerrors;
	if (lw_cfg_keys(cc, cfg, what, keys) ||
	    lw_cfg_str(cc, cfg, "workspace", true, &ws) ||
	    lw_cfg_duration(cc, cfg, "timeout", false, &timeout) ||
	    lw_cfg_duration(cc, cfg, "poll_timeout", false, &poll_timeout) ||
	    lw_cfg_int(cc, cfg, "retries", false, &retries) ||
	    lw_cfg_int(cc, cfg, "queries_per_minute", false, &per_min) ||
	    lw_cfg_path(cc, cfg, "ca_bundle", false, &ca) ||
	    lw_cfg_bool(cc, cfg, "allow_insecure_http", false, &insecure) ||
	    open_base(l, cfg, cc))
		goto bad;
	/* every request carries a bearer token */
	char bw[400];
	snprintf(bw, sizeof bw, "%s: \"base_url\" (tokens go there)", what);
	if (lw_http_cfg_secure(cc, cJSON_GetObjectItemCaseSensitive(cfg,
			       "base_url") ? cJSON_GetObjectItemCaseSensitive(
			       cfg, "base_url") : cfg, bw, l->base_url, insecure))
		goto bad;
	if (per_min < 1 || per_min > 120)
		lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(cfg,
			     "queries_per_minute"), "%s: queries_per_minute must "
			     "be 1 to 120 (the service's limit)", what);
	if (retries < 0 || retries > 10)
		lw_cfg_error(cc, cfg, "%s: retries must be 0 to 10", what);
	l->workspace = lw_xstrdup(ws);
	l->timeout_ms = timeout * 1000;
	l->poll_timeout_ms = poll_timeout * 1000;
	l->per_minute = (int)per_min;
	l->query_ms = lw_xcalloc((size_t)per_min, sizeof *l->query_ms);
	if (open_auth(l, cJSON_GetObjectItemCaseSensitive(cfg, "auth"), what,
		      insecure, cc))
		goto bad;
	if (cc->nerrors != before)
		goto bad;
	struct lw_http_opts ho = {.parallel = 4, .timeout_ms = l->timeout_ms,
				  .retries = (int)retries, .ca_bundle = ca};
	l->http = lw_http_new(&ho);
	l->base.display = lw_xasprintf("powerbi:%s/groups/%s", l->base_url, ws);
	lw_redact(l->base.display);	/* a base_url may carry a key */
	free(ca);
	return l;
bad:
	free(ca);
	lw_lake_powerbi.close(l);
	return NULL;
}

static void pbi_close(struct lw_lake *l)
{
	if (!l)
		return;
	free(l->base.name);
	free(l->base.display);
	free(l->base_url);
	free(l->workspace);
	if (l->http)
		lw_http_free(l->http);
	if (l->entra)
		lw_entra_free(l->entra);
	lw_secret_free(l->token);
	free(l->token_file);
	free(l->query_ms);
	lw_pbi_datasets_free(l->list, l->nlist);
	free(l);
}

static void pbi_faults(struct lw_lake *l, int64_t *retries, int64_t *errors)
{
	lw_http_faults(l->http, retries, errors);
}

static int64_t pbi_connects(struct lw_lake *l)
{
	return lw_http_connects(l->http);
}

static void pbi_stats(struct lw_lake *l, int64_t *requests, int64_t *bytes_in)
{
	lw_http_stats(l->http, requests, bytes_in);
}

static void pbi_begin_poll(struct lw_lake *l)
{
	l->poll_deadline = lw_http_now_ms() + l->poll_timeout_ms;
	lw_http_revive(l->http);
	lw_entra_revive(l->entra);
}

/* The service (or its token endpoint) is down, or the poll's deadline
 * passed: the datasets left are not observed, one message each. */
static bool pbi_gone(struct lw_lake *l, char *msg, size_t n)
{
	char d[32], why[300];
	if (lw_http_down(l->http, why, sizeof why)) {
		snprintf(msg, n, "lake '%s' is unreachable: %s", l->base.name,
			 why);
		return true;
	}
	if (lw_entra_down(l->entra, why, sizeof why)) {
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

const struct lw_lake_kind lw_lake_powerbi = {
	.name = "powerbi",
	.open = pbi_open,
	.close = pbi_close,
	.observe = lw_pbi_observe,
	.begin_poll = pbi_begin_poll,
	.gone = pbi_gone,
	.stats = pbi_stats,
	.connects = pbi_connects,
	.faults = pbi_faults,
};
