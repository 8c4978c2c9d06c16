/* azure.c - lake kind "azure": a container (file system) of an Azure
 * Storage account, through the Blob service API over lakes/http.c.
 *
 * This file holds the kind itself: config, open, close, stats and the
 * ops table. List Blobs pages stream into the expat parser (azure_list.c)
 * from azure_walk.c; reads are Get Blob with x-ms-range (azure_read.c);
 * prefetch_tails fetches every file's tail at once (azure_prefetch.c).
 * Requests are signed per attempt in azure_req.c, with the credential
 * azure_cred.c read from "auth". Shared internals: azure_int.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lakewatch/secret.h"
#include "lakewatch/util.h"
#include "azure_int.h"

/* Everything open() reads from the lake's config. */
struct az_opts {
	const char *account, *container, *endpoint, *prefix, *desc;
	char *ca;		/* owned: "ca_bundle" */
	int64_t parallel, retries, tmo, ptmo;
	bool insecure;		/* "allow_insecure_http" */
};

static bool valid_container(const char *s)
{
	size_t n = strlen(s);
	if (!strcmp(s, "$root") || !strcmp(s, "$web"))
		return true;
	if (n < 3 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s)
		      || *s == '-'))
			return false;
	return true;
}

static bool valid_account(const char *s)
{
	size_t n = strlen(s);
	if (n < 3 || n > 24)
		return false;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s)))
			return false;
	return true;
}

/* A number of seconds (fractions allowed) or a duration string, into ms. */
static int cfg_ms(struct lw_cfgctx *cc, const cJSON *obj, const char *key,
		  int64_t *ms)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	int64_t s;
	if (cJSON_IsNumber(v)) {
		if (v->valuedouble <= 0 || v->valuedouble > 86400)
			return lw_cfg_error(cc, v, "\"%s\" must be between 0 "
					    "and 86400 seconds", key);
		*ms = (int64_t)(v->valuedouble * 1000);
		return LW_OK;
	}
	s = -1;
	if (lw_cfg_duration(cc, obj, key, false, &s) != LW_OK)
		return LW_ECONFIG;
	if (s == 0)
		return lw_cfg_error(cc, v, "\"%s\" must be more than 0", key);
	if (s > 0)
		*ms = s * 1000;
	return LW_OK;
}

static void az_close(struct lw_lake *l)
{
	if (!l)
		return;
	lw_az_tails_clear(l);
	lw_az_lists_clear(l);
	lw_az_sizes_clear(&l->sizes);
	lw_http_free(l->http);
	lw_entra_free(l->entra);
	free(l->base.name);
	free(l->base.display);
	free(l->account);
	free(l->container);
	free(l->endpoint);
	free(l->root);
	lw_secret_free(l->key);
	lw_secret_free(l->sas);
	free(l);
}

/* Read the config's keys into o (o->ca then owned by the caller, even on
 * failure); check what each can be on its own. */
static int read_opts(const char *name, const cJSON *cfg,
		     struct lw_cfgctx *cc, struct az_opts *o)
{
	static const char *const keys[] = {
		"kind", "account", "container", "endpoint", "prefix", "auth",
		"ca_bundle", "parallel", "timeout", "poll_timeout", "retries",
		"description", "allow_insecure_http", NULL};
	int before = cc->nerrors;

	if (lw_cfg_keys(cc, cfg, name, keys) ||
	    lw_cfg_str(cc, cfg, "account", false, &o->account) ||
	    lw_cfg_str(cc, cfg, "container", true, &o->container) ||
	    lw_cfg_str(cc, cfg, "endpoint", false, &o->endpoint) ||
	    lw_cfg_str(cc, cfg, "prefix", false, &o->prefix) ||
	    lw_cfg_str(cc, cfg, "description", false, &o->desc) ||
	    lw_cfg_path(cc, cfg, "ca_bundle", false, &o->ca) ||
	    lw_cfg_int(cc, cfg, "parallel", false, &o->parallel) ||
	    lw_cfg_int(cc, cfg, "retries", false, &o->retries) ||
	    cfg_ms(cc, cfg, "timeout", &o->tmo) ||
	    cfg_ms(cc, cfg, "poll_timeout", &o->ptmo) ||
	    lw_cfg_bool(cc, cfg, "allow_insecure_http", false, &o->insecure))
		return LW_ECONFIG;
	if (o->parallel < 1 || o->parallel > 256)
		lw_cfg_error(cc, cJSON_GetObjectItem(cfg, "parallel"),
			     "\"parallel\" must be 1 to 256");
	if (o->retries < 0 || o->retries > 20)
		lw_cfg_error(cc, cJSON_GetObjectItem(cfg, "retries"),
			     "\"retries\" must be 0 to 20");
	if (!valid_container(o->container))
		lw_cfg_error(cc, cJSON_GetObjectItem(cfg, "container"),
			     "\"container\" '%s' is not a container name "
			     "(3-63 lowercase letters, digits, '-')",
			     o->container);
	if (o->account && !valid_account(o->account))
		lw_cfg_error(cc, cJSON_GetObjectItem(cfg, "account"),
			     "\"account\" '%s' is not a storage account name "
			     "(3-24 lowercase letters and digits)", o->account);
	if (o->endpoint && !lw_str_starts(o->endpoint, "https://") &&
	    !lw_str_starts(o->endpoint, "http://"))
		lw_cfg_error(cc, cJSON_GetObjectItem(cfg, "endpoint"),
			     "\"endpoint\" must start with https:// or "
			     "http://");
	return cc->nerrors != before ? LW_ECONFIG : LW_OK;
}

/* l->endpoint: the config's, the connection string's (conn_ep, may be
 * NULL), or the account's public one. Config errors to cc. */
static int set_endpoint(struct lw_lake *l, const char *name,
			const cJSON *cfg, struct lw_cfgctx *cc,
			const char *endpoint, const char *conn_ep)
{
	if (endpoint)
		l->endpoint = lw_az_strip(lw_xstrdup(endpoint), "/");
	else if (conn_ep)
		l->endpoint = lw_xstrdup(conn_ep);
	else if (l->account)
		l->endpoint = lw_xasprintf("https://%s.blob.core.windows.net",
					   l->account);
	if (!l->endpoint || (l->auth == A_KEY && !l->account))
		return lw_cfg_error(cc, cfg, "lake '%s' needs \"account\"%s",
				    name, l->endpoint
				    ? " for Shared Key signing"
				    : " or \"endpoint\"");
	return LW_OK;
}

static struct lw_lake *az_open(const char *name, const cJSON *cfg,
			       struct lw_cfgctx *cc)
{
	struct az_opts o = {.parallel = 16, .retries = 4, .tmo = 30000,
			    .ptmo = 600000};
	char *conn_ep = NULL;
	struct lw_http_opts ho = {0};
	struct lw_lake *l;
	int rc;

	if (read_opts(name, cfg, cc, &o) != LW_OK) {
		free(o.ca);
		return NULL;
	}
	l = lw_xcalloc(1, sizeof(*l));
	l->base.kind = &lw_lake_azure;
	l->base.name = lw_xstrdup(name);
	l->account = lw_xstrdup(o.account);
	l->container = lw_xstrdup(o.container);
	l->root = lw_xstrdup(o.prefix ? o.prefix : "");
	lw_az_norm_path(lw_az_strip(l->root, "/"));
	rc = lw_az_open_auth(l, cfg, cc, o.ca, &conn_ep);
	if (rc == LW_OK)
		rc = set_endpoint(l, name, cfg, cc, o.endpoint, conn_ep);
	if (rc == LW_OK && l->auth != A_ANON) {
		/* a signature, a SAS or a bearer token goes with each request */
		const cJSON *ep = cJSON_GetObjectItemCaseSensitive(cfg,
								   "endpoint");
		char what[400];
		snprintf(what, sizeof(what), "%s: \"endpoint\" %s", name,
			 l->endpoint);
		rc = lw_http_cfg_secure(cc, ep ? ep : cfg, what, l->endpoint,
					o.insecure);
	}
	free(conn_ep);
	if (rc != LW_OK) {
		free(o.ca);
		az_close(l);
		return NULL;
	}
	if (!l->account) {
		/* a SAS with an explicit endpoint: name it for messages */
		l->account = lw_xstrdup("?");
	}
	l->base.display = lw_xasprintf("azure:%s/%s%s%s", l->account,
				       l->container, *l->root ? "/" : "",
				       l->root);
	lw_redact(l->base.display);
	l->poll_timeout_ms = o.ptmo;
	ho.parallel = (int)o.parallel;
	l->parallel = (int)o.parallel;
	ho.retries = (int)o.retries;
	ho.timeout_ms = o.tmo;
	ho.ca_bundle = o.ca;
	l->http = lw_http_new(&ho);
	free(o.ca);
	return l;
}

static void az_faults(struct lw_lake *l, int64_t *retries, int64_t *errors)
{
	lw_http_faults(l->http, retries, errors);
}

static int64_t az_connects(struct lw_lake *l)
{
	return lw_http_connects(l->http);
}

static void az_stats(struct lw_lake *l, int64_t *requests, int64_t *bytes_in)
{
	lw_http_stats(l->http, requests, bytes_in);
}

const struct lw_lake_kind lw_lake_azure = {
	.name = "azure",
	.open = az_open,
	.close = az_close,
	.list = lw_az_op_list,
	.list_from = lw_az_op_list_from,
	.read = lw_az_op_read,
	.stream = lw_az_op_stream,
	.prefetch_tails = lw_az_op_prefetch,
	.prefetch_lists = lw_az_op_prefetch_lists,
	.begin_poll = lw_az_begin_poll,
	.gone = lw_az_gone,
	.stats = az_stats,
	.connects = az_connects,
	.faults = az_faults,
};
