/* azure.c - lake kind "azure": a container (file system) of an Azure
 * Storage account, through the Blob service API over lakes/http.c.
 *
 * List Blobs pages stream into the expat parser (azure_list.c); reads are
 * Get Blob with x-ms-range; prefetch_tails fetches every file's tail at
 * once so that 2,000 Parquet footers cost 2,000 concurrent small GETs and
 * no more. Requests are signed per attempt (Shared Key dates must be
 * fresh), or carry a SAS token or an Entra ID bearer token.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "lakewatch/azure.h"
#include "lakewatch/entra.h"
#include "lakewatch/http.h"
#include "lakewatch/lake.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"

#define PAGE_SIZE 5000
#define STORAGE_SCOPE "https://storage.azure.com/.default"
#define SIZES_MAX 500000	/* remembered blob sizes before forgetting */
/* Blobs one listing may walk (4,000 full pages): the probe keeps every
 * entry, so a service (or stand-in) that never stops paging must not take
 * all the memory. Pages may come back short or even empty with a marker,
 * so pages are capped too; a repeated NextMarker is refused at once. */
#define LIST_MAX ((int64_t)20 * 1000 * 1000)
#define LIST_PAGES_MAX 10000

enum auth { A_KEY, A_SAS, A_BEARER, A_ANON };

/* A prefetched tail of one file. */
struct tail {
	char *path;		/* owned, lake path */
	int64_t size;		/* blob size the listing gave */
	int64_t off;		/* where data starts in the blob */
	struct lw_buf data;
	int rc;			/* LW_OK: data valid */
};

/* Remembered blob sizes (from listings), so a suffix read becomes an
 * absolute range: Get Blob has no suffix ranges. Open addressing. */
struct size_map {
	char **keys;
	int64_t *vals;
	size_t cap, n;
};

struct lw_lake {
	struct lw_lake_base base;
	char *account, *container, *endpoint, *root;	/* root: "" or "a/b" */
	enum auth auth;
	char *key, *sas;
	struct lw_entra *entra;
	struct lw_http *http;
	int64_t poll_timeout_ms;
	struct tail *tails;	/* sorted by path */
	size_t ntails;
	struct size_map sizes;
};

/* One request and what the lake needs around it. */
struct azreq {
	struct lw_http_req r;
	struct lw_lake *l;
	char range[80];		/* x-ms-range value, "" = none */
	struct lw_az_list *parser;	/* listing pages */
	/* stream(): */
	lw_chunk_cb cb;
	void *cbud;
	int64_t delivered, attempt_start;
	bool checked;		/* this attempt's status checked */
	char etag[160];
	struct lw_err stream_err;
	struct tail *t;		/* prefetch_tails() */
};

/* --- small helpers --- */

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void sizes_clear(struct size_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

static void sizes_put(struct size_map *m, const char *k, int64_t v)
{
	size_t i;
	if (m->n >= SIZES_MAX)
		sizes_clear(m);
	if ((m->n + 1) * 2 > m->cap) {
		struct size_map old = *m;
		m->cap = old.cap ? old.cap * 2 : 1024;
		m->keys = lw_xcalloc(m->cap, sizeof(*m->keys));
		m->vals = lw_xcalloc(m->cap, sizeof(*m->vals));
		m->n = 0;
		for (i = 0; i < old.cap; i++)
			if (old.keys[i]) {
				size_t j = hash(old.keys[i]) & (m->cap - 1);
				while (m->keys[j])
					j = (j + 1) & (m->cap - 1);
				m->keys[j] = old.keys[i];
				m->vals[j] = old.vals[i];
				m->n++;
			}
		free(old.keys);
		free(old.vals);
	}
	i = hash(k) & (m->cap - 1);
	while (m->keys[i] && strcmp(m->keys[i], k))
		i = (i + 1) & (m->cap - 1);
	if (!m->keys[i]) {
		m->keys[i] = lw_xstrdup(k);
		m->n++;
	}
	m->vals[i] = v;
}

static int64_t sizes_get(const struct size_map *m, const char *k)
{
	size_t i;
	if (!m->cap)
		return -1;
	i = hash(k) & (m->cap - 1);
	while (m->keys[i]) {
		if (!strcmp(m->keys[i], k))
			return m->vals[i];
		i = (i + 1) & (m->cap - 1);
	}
	return -1;
}

static void tails_clear(struct lw_lake *l)
{
	for (size_t i = 0; i < l->ntails; i++) {
		free(l->tails[i].path);
		lw_buf_free(&l->tails[i].data);
	}
	free(l->tails);
	l->tails = NULL;
	l->ntails = 0;
}

static int tail_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tail *)a)->path,
		      ((const struct tail *)b)->path);
}

static struct tail *tail_find(struct lw_lake *l, const char *path)
{
	struct tail key = {.path = (char *)path};
	if (!l->ntails)
		return NULL;
	return bsearch(&key, l->tails, l->ntails, sizeof(*l->tails),
		       tail_cmp);
}

/* Drop the empty and "." segments of a '/'-separated path, in place:
 * the fs kind's kernel reads "a//b", "./a" and "a/./b" as "a/b", so a
 * dataset path written that way must name the same blobs here, where
 * Blob storage would take it literally and find nothing. ".." is left
 * as it is (config refuses it). Returns s. */
static char *norm_path(char *s)
{
	char *w = s;
	const char *r = s;
	while (*r) {
		const char *e = strchr(r, '/');
		size_t n = e ? (size_t)(e - r) : strlen(r);
		if (n && !(n == 1 && *r == '.')) {
			if (w != s)
				*w++ = '/';
			memmove(w, r, n);
			w += n;
		}
		r += n;
		if (*r == '/')
			r++;
	}
	*w = '\0';
	return s;
}

/* Full blob name of a lake path; caller frees. */
static char *blob_name(const struct lw_lake *l, const char *path)
{
	if (!*l->root)
		return norm_path(lw_xstrdup(path));
	if (!*path)
		return lw_xstrdup(l->root);
	return norm_path(lw_xasprintf("%s/%s", l->root, path));
}

/* URL of a blob, or of the container when name is NULL; query (may be
 * NULL) goes first, then the SAS. Caller frees. */
static char *make_url(const struct lw_lake *l, const char *name,
		      const char *query)
{
	char *esc = name ? lw_http_escape(name, true) : NULL;
	const char *sas = l->auth == A_SAS ? l->sas : NULL;
	char *u = lw_xasprintf("%s/%s%s%s%s%s%s%s", l->endpoint, l->container,
			       esc ? "/" : "", esc ? esc : "",
			       query || sas ? "?" : "", query ? query : "",
			       query && sas ? "&" : "", sas ? sas : "");
	free(esc);
	return u;
}

static int64_t deadline(const struct lw_lake *l)
{
	return l->poll_timeout_ms > 0 ? lw_http_now_ms() + l->poll_timeout_ms
				      : 0;
}

/* --- signing, per attempt --- */

static int prepare(void *ud, struct lw_http_req *r, int attempt,
		   struct lw_err *err)
{
	struct azreq *q = ud;
	struct lw_lake *l = q->l;
	char date[64], ifmatch[200] = "";
	(void)attempt;

	if (q->parser)
		lw_az_list_reset(q->parser);	/* a retry starts the page over */
	if (q->cb && q->delivered > 0) {
		/* resume the stream where it broke, on the same version */
		snprintf(q->range, sizeof(q->range), "bytes=%lld-",
			 (long long)q->delivered);
		if (q->etag[0])
			snprintf(ifmatch, sizeof(ifmatch), "%s", q->etag);
	}
	q->attempt_start = q->delivered;
	q->checked = false;
	lw_http_req_attempt_header(r, "x-ms-version: %s", LW_AZ_VERSION);
	if (q->range[0])
		lw_http_req_attempt_header(r, "x-ms-range: %s", q->range);
	if (ifmatch[0])
		lw_http_req_attempt_header(r, "If-Match: %s", ifmatch);

	if (l->auth == A_KEY) {
		struct lw_az_hdr h[4];
		size_t nh = 0;
		struct lw_buf sts;
		char sig[128];
		time_t now = time(NULL);
		struct tm tm;
		int rc;
		gmtime_r(&now, &tm);
		strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		lw_http_req_attempt_header(r, "x-ms-date: %s", date);
		h[nh++] = (struct lw_az_hdr){"x-ms-date", date};
		h[nh++] = (struct lw_az_hdr){"x-ms-version", LW_AZ_VERSION};
		if (q->range[0])
			h[nh++] = (struct lw_az_hdr){"x-ms-range", q->range};
		if (ifmatch[0])
			h[nh++] = (struct lw_az_hdr){"If-Match", ifmatch};
		lw_buf_init(&sts, 64 * LW_BUF_1K);
		rc = lw_az_string_to_sign(r->method ? r->method : "GET",
					  l->account, r->url, h, nh, &sts,
					  err);
		if (rc == LW_OK)
			rc = lw_az_hmac_b64(l->key, sts.data, sts.len, sig,
					    sizeof(sig), err);
		lw_buf_free(&sts);
		if (rc != LW_OK)
			return rc;
		lw_http_req_attempt_header(r, "Authorization: SharedKey %s:%s",
					   l->account, sig);
	} else if (l->auth == A_BEARER) {
		char *tok = NULL;
		int rc = lw_entra_token(l->entra, &tok, err);
		if (rc != LW_OK)
			return rc;
		lw_http_req_attempt_header(r, "Authorization: Bearer %s", tok);
		free(tok);
	}
	return LW_OK;
}

static void azreq_init(struct azreq *q, struct lw_lake *l, char *url)
{
	memset(q, 0, sizeof(*q));
	lw_http_req_init(&q->r);
	q->l = l;
	q->r.url = url;
	q->r.prepare = prepare;
	q->r.ud = q;
}

static void azreq_free(struct azreq *q)
{
	lw_http_req_free(&q->r);
	lw_az_list_free(q->parser);
	q->parser = NULL;
}

/* --- errors a person can act on --- */

static int explain(struct lw_lake *l, struct azreq *q, const char *what,
		   struct lw_err *err)
{
	struct lw_http_req *r = &q->r;
	char code[128] = "", msg[300] = "", hv[128];
	char *where;
	const char *hint = NULL;
	int rc = r->rc;

	if (r->status == 0 || r->rc == LW_ETOOBIG)	/* transport */
		return lw_err_set(err, r->rc, "%s", r->err.msg);
	lw_az_error_parse(r->resp.data, r->resp.len, code, sizeof(code),
			  msg, sizeof(msg));
	if (lw_http_resp_header(r, "x-ms-error-code", hv, sizeof(hv)))
		snprintf(code, sizeof(code), "%s", hv);
	where = lw_http_url_where(r->url);

	if (r->status == 403) {
		if (!strcmp(code, "AuthorizationPermissionMismatch"))
			hint = l->auth == A_SAS
			? "the SAS token lacks the read/list permission "
			  "(sp=rl) for this container"
			: "the identity lacks 'Storage Blob Data Reader' "
			  "(or a role with read access)";
		else if (!strcmp(code, "AuthenticationFailed") ||
			 strstr(msg, "signature"))
			hint = l->auth == A_KEY
			? "signature did not match: check the account key "
			  "and the account name"
			: l->auth == A_SAS
			? "the SAS token was refused: it may have expired, "
			  "or be for another account or container"
			: "the bearer token was refused: check the tenant "
			  "and the token's audience";
		else if (!strcmp(code, "AuthorizationFailure"))
			hint = l->auth == A_SAS
			? "the SAS token was refused: wrong signature, "
			  "expired, or without read/list permission"
			: "not authorized: a network rule or firewall "
			  "blocks this client, or access is disabled";
		else if (!strcmp(code, "AuthorizationResourceTypeMismatch"))
			hint = "the SAS token is not valid for this resource "
			       "type (it needs srt=co or a container SAS)";
		else
			hint = l->auth == A_ANON
			? "access refused: the container is not public; "
			  "configure \"auth\""
			: "access refused";
		rc = LW_EPERM;
		lw_err_set(err, rc, "%s %s: 403 %s: %s on container '%s' of "
			   "account '%s'%s%s", what, where,
			   code[0] ? code : "Forbidden", hint, l->container,
			   l->account ? l->account : "?", msg[0] ? " - " : "",
			   msg);
	} else if (r->status == 404) {
		rc = LW_ENOTFOUND;
		if (!strcmp(code, "ContainerNotFound"))
			lw_err_set(err, rc, "%s %s: 404 ContainerNotFound: "
				   "container '%s' does not exist in account "
				   "'%s'", what, where, l->container,
				   l->account ? l->account : "?");
		else if (!strcmp(code, "BlobNotFound"))
			lw_err_set(err, rc, "%s %s: 404 BlobNotFound: no blob "
				   "at this path in container '%s'", what,
				   where, l->container);
		else
			lw_err_set(err, rc, "%s %s: 404 %s: not found "
				   "(check the account, endpoint and "
				   "container)", what, where,
				   code[0] ? code : "Not Found");
	} else if (r->status == 401) {
		rc = LW_EAUTH;
		lw_err_set(err, rc, "%s %s: 401 %s: credentials were not "
			   "accepted%s%s", what, where, code[0] ? code :
			   "Unauthorized", msg[0] ? " - " : "", msg);
	} else {
		lw_err_set(err, rc, "%s%s%s%s%s", r->err.msg,
			   code[0] ? " " : "", code, msg[0] ? ": " : "", msg);
	}
	free(where);
	return rc;
}

/* --- open / close --- */

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

static char *strip(char *s, const char *chars)
{
	size_t n;
	char *p = s;
	while (*p && strchr(chars, *p))
		p++;
	memmove(s, p, strlen(p) + 1);
	n = strlen(s);
	while (n && strchr(chars, s[n - 1]))
		s[--n] = '\0';
	return s;
}

static void az_close(struct lw_lake *l)
{
	if (!l)
		return;
	tails_clear(l);
	sizes_clear(&l->sizes);
	lw_http_free(l->http);
	lw_entra_free(l->entra);
	free(l->base.name);
	free(l->base.display);
	free(l->account);
	free(l->container);
	free(l->endpoint);
	free(l->root);
	if (l->key)
		memset(l->key, 0, strlen(l->key));
	free(l->key);
	free(l->sas);
	free(l);
}

/* Read "auth" into l (account, key, sas, entra); cfg errors to cc. */
static int open_auth(struct lw_lake *l, const cJSON *cfg,
		     struct lw_cfgctx *cc, const char *ca_bundle,
		     char **conn_endpoint)
{
	static const char *const keys[] = {
		"connection_string", "account_key", "sas", "client_secret",
		"managed_identity", "anonymous", "tenant_id", "client_id",
		"authority_host", "identity_endpoint", NULL};
	static const char *const methods[] = {
		"connection_string", "account_key", "sas", "client_secret",
		"managed_identity", "anonymous"};
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(cfg, "auth");
	const char *method = NULL;
	char *conn = NULL, *secret = NULL;
	struct lw_err err;
	int nm = 0;

	lw_err_clear(&err);
	if (a) {
		if (!cJSON_IsObject(a))
			return lw_cfg_error(cc, a, "\"auth\" must be an object "
				"such as {\"account_key\": {\"env\": NAME}}");
		if (lw_cfg_keys(cc, a, "auth", keys))
			return LW_ECONFIG;
		for (size_t i = 0; i < sizeof(methods) / sizeof(*methods);
		     i++)
			if (cJSON_GetObjectItemCaseSensitive(a, methods[i])) {
				method = methods[i];
				nm++;
			}
		if (nm != 1)
			return lw_cfg_error(cc, a, "\"auth\" needs exactly one "
				"of connection_string, account_key, sas, "
				"client_secret, managed_identity, anonymous");
	} else {
		/* the environment, in the order Azure tools use it */
		const char *cs = getenv("AZURE_STORAGE_CONNECTION_STRING");
		if (cs && *cs) {
			conn = lw_xstrdup(cs);
			lw_secret_register(conn);
			method = "connection_string";
		} else if (getenv("AZURE_CLIENT_SECRET")) {
			method = "client_secret";
		} else if (getenv("AZURE_STORAGE_SAS_TOKEN")) {
			secret = lw_xstrdup(getenv("AZURE_STORAGE_SAS_TOKEN"));
			lw_secret_register(secret);
			method = "sas";
		} else if (getenv("AZURE_STORAGE_KEY")) {
			secret = lw_xstrdup(getenv("AZURE_STORAGE_KEY"));
			lw_secret_register(secret);
			method = "account_key";
		} else {
			return lw_cfg_error(cc, cfg, "no credentials for lake "
				"'%s': set \"auth\", or "
				"AZURE_STORAGE_CONNECTION_STRING", l->base.name);
		}
	}

	if (!strcmp(method, "connection_string")) {
		struct lw_az_conn c;
		if (!conn && lw_cfg_secret(cc, a, method, true, &conn))
			return LW_ECONFIG;
		if (lw_az_conn_parse(conn, &c, &err) != LW_OK) {
			free(conn);
			return lw_cfg_error(cc, a, "%s", err.msg);
		}
		free(conn);
		if (l->account && c.account && strcmp(l->account, c.account)) {
			lw_cfg_error(cc, a, "\"account\" is '%s' but the "
				     "connection string's AccountName is '%s'",
				     l->account, c.account);
			lw_az_conn_free(&c);
			return LW_ECONFIG;
		}
		if (!l->account && c.account)
			l->account = lw_xstrdup(c.account);
		if (c.key) {
			l->auth = A_KEY;
			l->key = lw_xstrdup(c.key);
		} else {
			l->auth = A_SAS;
			l->sas = lw_xstrdup(c.sas);
		}
		*conn_endpoint = lw_xstrdup(c.endpoint);
		lw_az_conn_free(&c);
		return LW_OK;
	}
	if (!strcmp(method, "account_key")) {
		unsigned char tmp[256];
		if (!secret && lw_cfg_secret(cc, a, method, true, &secret))
			return LW_ECONFIG;
		strip(secret, " \t\r\n");
		if (lw_az_b64_decode(secret, tmp, sizeof(tmp)) <= 0) {
			free(secret);
			return lw_cfg_error(cc, a, "\"account_key\" is not "
				"valid base64 (copy it again from the "
				"portal's Access keys)");
		}
		l->auth = A_KEY;
		l->key = secret;
		return LW_OK;
	}
	if (!strcmp(method, "sas")) {
		if (!secret && lw_cfg_secret(cc, a, method, true, &secret))
			return LW_ECONFIG;
		if (lw_az_sas_clean(secret, &l->sas, &err) != LW_OK) {
			free(secret);
			return lw_cfg_error(cc, a, "\"sas\": %s", err.msg);
		}
		free(secret);
		l->auth = A_SAS;
		return LW_OK;
	}
	if (!strcmp(method, "anonymous")) {
		bool on = false;
		if (lw_cfg_bool(cc, a, method, true, &on))
			return LW_ECONFIG;
		if (!on)
			return lw_cfg_error(cc, a, "\"anonymous\" can only be "
					    "true");
		l->auth = A_ANON;
		return LW_OK;
	}
	/* Entra ID: client credentials or managed identity */
	{
		struct lw_entra_opts eo = {0};
		const char *tenant = NULL, *client = NULL, *authority = NULL,
			   *ie = NULL;
		bool mi = !strcmp(method, "managed_identity");
		if (a && (lw_cfg_str(cc, a, "tenant_id", false, &tenant) ||
			  lw_cfg_str(cc, a, "client_id", false, &client) ||
			  lw_cfg_str(cc, a, "authority_host", false,
				     &authority) ||
			  lw_cfg_str(cc, a, "identity_endpoint", false, &ie)))
			return LW_ECONFIG;
		if (mi) {
			bool on = false;
			if (lw_cfg_bool(cc, a, method, true, &on))
				return LW_ECONFIG;
			if (!on)
				return lw_cfg_error(cc, a, "\"managed_identity\""
						    " can only be true");
		} else if (a && lw_cfg_secret(cc, a, method, true, &secret)) {
			return LW_ECONFIG;
		}
		eo.scope = STORAGE_SCOPE;
		eo.managed_identity = mi;
		eo.tenant_id = tenant;
		eo.client_id = client;
		eo.client_secret = secret;
		eo.authority_host = authority;
		eo.identity_endpoint = ie;
		eo.ca_bundle = ca_bundle;
		eo.retries = -1;
		l->entra = lw_entra_new(&eo, &err);
		free(secret);
		if (!l->entra)
			return lw_cfg_error(cc, a ? a : cfg, "%s", err.msg);
		l->auth = A_BEARER;
		return LW_OK;
	}
}

static struct lw_lake *az_open(const char *name, const cJSON *cfg,
			       struct lw_cfgctx *cc)
{
	static const char *const keys[] = {
		"kind", "account", "container", "endpoint", "prefix", "auth",
		"ca_bundle", "parallel", "timeout", "poll_timeout", "retries",
		"description", NULL};
	const char *account = NULL, *container = NULL, *endpoint = NULL,
		   *prefix = NULL, *desc = NULL;
	char *ca = NULL, *conn_ep = NULL;
	int64_t parallel = 16, retries = 4, tmo = 30000, ptmo = 0;
	struct lw_http_opts ho = {0};
	struct lw_lake *l;
	int before = cc->nerrors;

	if (lw_cfg_keys(cc, cfg, name, keys) ||
	    lw_cfg_str(cc, cfg, "account", false, &account) ||
	    lw_cfg_str(cc, cfg, "container", true, &container) ||
	    lw_cfg_str(cc, cfg, "endpoint", false, &endpoint) ||
	    lw_cfg_str(cc, cfg, "prefix", false, &prefix) ||
	    lw_cfg_str(cc, cfg, "description", false, &desc) ||
	    lw_cfg_path(cc, cfg, "ca_bundle", false, &ca) ||
	    lw_cfg_int(cc, cfg, "parallel", false, &parallel) ||
	    lw_cfg_int(cc, cfg, "retries", false, &retries) ||
	    cfg_ms(cc, cfg, "timeout", &tmo) ||
	    cfg_ms(cc, cfg, "poll_timeout", &ptmo)) {
		free(ca);
		return NULL;
	}
	if (parallel < 1 || parallel > 256)
		lw_cfg_error(cc, cJSON_GetObjectItem(cfg, "parallel"),
			     "\"parallel\" must be 1 to 256");
	if (retries < 0 || retries > 20)
		lw_cfg_error(cc, cJSON_GetObjectItem(cfg, "retries"),
			     "\"retries\" must be 0 to 20");
	if (!valid_container(container))
		lw_cfg_error(cc, cJSON_GetObjectItem(cfg, "container"),
			     "\"container\" '%s' is not a container name "
			     "(3-63 lowercase letters, digits, '-')",
			     container);
	if (account && !valid_account(account))
		lw_cfg_error(cc, cJSON_GetObjectItem(cfg, "account"),
			     "\"account\" '%s' is not a storage account name "
			     "(3-24 lowercase letters and digits)", account);
	if (endpoint && !lw_str_starts(endpoint, "https://") &&
	    !lw_str_starts(endpoint, "http://"))
		lw_cfg_error(cc, cJSON_GetObjectItem(cfg, "endpoint"),
			     "\"endpoint\" must start with https:// or "
			     "http://");
	if (cc->nerrors != before) {
		free(ca);
		return NULL;
	}

	l = lw_xcalloc(1, sizeof(*l));
	l->base.kind = &lw_lake_azure;
	l->base.name = lw_xstrdup(name);
	l->account = lw_xstrdup(account);
	l->container = lw_xstrdup(container);
	l->root = norm_path(strip(lw_xstrdup(prefix ? prefix : ""), "/"));
	if (open_auth(l, cfg, cc, ca, &conn_ep) != LW_OK) {
		free(ca);
		free(conn_ep);
		az_close(l);
		return NULL;
	}
	if (endpoint)
		l->endpoint = strip(lw_xstrdup(endpoint), "/");
	else if (conn_ep)
		l->endpoint = lw_xstrdup(conn_ep);
	else if (l->account)
		l->endpoint = lw_xasprintf("https://%s.blob.core.windows.net",
					   l->account);
	free(conn_ep);
	if (!l->endpoint || (l->auth == A_KEY && !l->account)) {
		lw_cfg_error(cc, cfg, "lake '%s' needs \"account\"%s", name,
			     l->endpoint ? " for Shared Key signing"
					 : " or \"endpoint\"");
		free(ca);
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
	l->poll_timeout_ms = ptmo;
	ho.parallel = (int)parallel;
	ho.retries = (int)retries;
	ho.timeout_ms = tmo;
	ho.ca_bundle = ca;
	l->http = lw_http_new(&ho);
	free(ca);
	return l;
}

/* --- list --- */

static int on_list_chunk(void *ud, const char *data, size_t len)
{
	struct azreq *q = ud;
	struct lw_err e;
	int rc = lw_az_list_feed(q->parser, data, len, false, &e);
	return rc == LW_OK ? LW_OK : LW_EPARSE;
}

/* One List Blobs page; blobs stay in q->parser. */
static int list_page(struct lw_lake *l, struct azreq *q, const char *bprefix,
		     const char *marker, int max, int64_t dl,
		     struct lw_err *err)
{
	char *p = lw_http_escape(bprefix, false);
	char *m = marker ? lw_http_escape(marker, false) : NULL;
	char *query = lw_xasprintf("restype=container&comp=list&include="
				   "metadata&maxresults=%d&prefix=%s%s%s", max,
				   p, m ? "&marker=" : "", m ? m : "");
	struct lw_err perr;
	int rc;

	azreq_init(q, l, make_url(l, NULL, query));
	free(p);
	free(m);
	free(query);
	q->parser = lw_az_list_new();
	q->r.on_chunk = on_list_chunk;
	rc = lw_http_do(l->http, &q->r, dl, err);
	/* LW_EPARSE from the page parser comes with a 2xx; before any answer
	 * (status 0) it is prepare()'s, such as a token that did not parse,
	 * and its own message must not turn into "answer is empty" */
	if (rc == LW_OK || (rc == LW_EPARSE && q->r.status >= 200 &&
			    q->r.status < 300)) {
		if (lw_az_list_feed(q->parser, "", 0, true, &perr) != LW_OK) {
			char *where = lw_http_url_where(q->r.url);
			rc = lw_err_set(err, LW_EPARSE, "GET %s: %s", where,
					perr.msg);
			free(where);
			return rc;
		}
		return LW_OK;
	}
	return explain(l, q, "List Blobs", err);
}

static int az_list(struct lw_lake *l, const char *prefix, lw_entry_cb cb,
		   void *ud, struct lw_err *err)
{
	char *full = blob_name(l, prefix);
	char *bprefix = *full ? lw_xasprintf("%s/", full) : lw_xstrdup("");
	char *marker = NULL, *prev = NULL, *spelt = NULL;
	size_t rootlen = *l->root ? strlen(l->root) + 1 : 0;
	/* entries start with prefix as the caller spelt it (the probe cuts
	 * strlen(prefix) + 1 bytes off them), even when the blob names do
	 * not ("a//b" lists "a/b/...") */
	char *np = norm_path(lw_xstrdup(prefix));
	bool same = strcmp(np, prefix) == 0;
	free(np);
	int64_t total = 0, pages = 0, dl = deadline(l);
	int rc = LW_OK;

	/* a new observation starts with a listing: tails fetched for the
	 * previous one may be stale by now, and they cost memory */
	tails_clear(l);
	do {
		struct azreq q;
		const struct lw_az_blob *b;
		size_t n;
		rc = list_page(l, &q, bprefix, marker, PAGE_SIZE, dl, err);
		free(prev);
		prev = marker;
		marker = NULL;
		if (rc != LW_OK) {
			azreq_free(&q);
			break;
		}
		b = lw_az_list_blobs(q.parser, &n);
		for (size_t i = 0; i < n && rc == LW_OK; i++) {
			struct lw_entry e;
			total++;
			if (b[i].is_dir || strlen(b[i].name) <= rootlen ||
			    strncmp(b[i].name, bprefix, strlen(bprefix)))
				continue;
			if (same) {
				e.path = b[i].name + rootlen;
			} else {
				free(spelt);
				spelt = lw_xasprintf("%s/%s", prefix,
					b[i].name + strlen(bprefix));
				e.path = spelt;
			}
			e.size = b[i].size;
			e.mtime = b[i].mtime;
			sizes_put(&l->sizes, b[i].name, b[i].size);
			rc = cb(ud, &e);
		}
		if (lw_az_list_next_marker(q.parser) &&
		    *lw_az_list_next_marker(q.parser))
			marker = lw_xstrdup(lw_az_list_next_marker(q.parser));
		azreq_free(&q);
		if (rc == LW_OK && marker && prev && !strcmp(marker, prev))
			rc = lw_err_set(err, LW_EPARSE, "List Blobs of '%s' in "
					"%s: the service answered the same "
					"NextMarker twice (the listing would "
					"never end)", bprefix, l->base.display);
		else if (rc == LW_OK && marker && (total >= LIST_MAX ||
						   ++pages >= LIST_PAGES_MAX))
			rc = lw_err_set(err, LW_ETOOBIG, "List Blobs of '%s' in "
					"%s: more than %lld blobs or %d pages",
					bprefix, l->base.display,
					(long long)LIST_MAX, LIST_PAGES_MAX);
	} while (rc == LW_OK && marker);
	free(marker);
	free(prev);

	if (rc == LW_OK && total == 0 && *full) {
		/* no directory of that name: maybe a single blob */
		struct azreq q;
		const struct lw_az_blob *b;
		size_t n;
		rc = list_page(l, &q, full, NULL, 1, dl, err);
		if (rc == LW_OK) {
			b = lw_az_list_blobs(q.parser, &n);
			if (n == 1 && !strcmp(b[0].name, full) &&
			    !b[0].is_dir) {
				struct lw_entry e = {(char *)prefix,
						     b[0].size, b[0].mtime};
				sizes_put(&l->sizes, full, b[0].size);
				rc = cb(ud, &e);
			} else {
				rc = lw_err_set(err, LW_ENOTFOUND, "no blobs "
					"under '%s' in container '%s' of %s",
					bprefix, l->container,
					l->base.display);
			}
		}
		azreq_free(&q);
	}
	free(full);
	free(bprefix);
	free(spelt);
	return rc;
}

/* --- read --- */

/* Serve [off, off+len) from a prefetched tail when it holds all of it. */
static bool from_tail(struct lw_lake *l, const char *path, int64_t off,
		      int64_t len, struct lw_buf *out, int *rc,
		      struct lw_err *err)
{
	struct tail *t = tail_find(l, path);
	int64_t end;
	if (!t || t->rc != LW_OK)
		return false;
	if (off < 0)
		off = t->size + off < 0 ? 0 : t->size + off;
	end = len < 0 || off + len > t->size ? t->size : off + len;
	if (off < t->off || end > t->off + (int64_t)t->data.len)
		return false;
	if (end <= off) {
		*rc = LW_OK;
		return true;
	}
	*rc = lw_buf_add(out, t->data.data + (off - t->off),
			 (size_t)(end - off));
	if (*rc != LW_OK)
		lw_err_set(err, *rc, "%s: more than %zu bytes to read", path,
			   out->max);
	return true;
}

static int az_read(struct lw_lake *l, const char *path, int64_t off,
		   int64_t len, struct lw_buf *out, struct lw_err *err)
{
	struct azreq q;
	char *name;
	int64_t size = -1, want = -1;
	int rc;

	if (from_tail(l, path, off, len, out, &rc, err))
		return rc;
	if (len == 0)
		return LW_OK;
	name = blob_name(l, path);
	azreq_init(&q, l, make_url(l, name, NULL));
	if (off < 0) {
		size = sizes_get(&l->sizes, name);
		if (size == 0) {
			azreq_free(&q);
			free(name);
			return LW_OK;
		}
		if (size > 0) {
			off = size + off < 0 ? 0 : size + off;
		} else {
			/* unknown size: ask for all, keep the tail */
			want = -off;
			off = 0;
		}
	}
	if (off > 0 || len >= 0) {
		if (len >= 0)
			snprintf(q.range, sizeof(q.range), "bytes=%lld-%lld",
				 (long long)off, (long long)(off + len - 1));
		else
			snprintf(q.range, sizeof(q.range), "bytes=%lld-",
				 (long long)off);
	}
	if (want < 0)
		q.r.max_body = out->max > out->len ? out->max - out->len : 1;
	free(name);
	rc = lw_http_do(l->http, &q.r, deadline(l), err);
	if (rc == LW_OK && off > 0 && q.r.status != 206) {
		/* a whole blob for a range from the middle: its first bytes
		 * would be taken for the ones asked for */
		rc = lw_err_set(err, LW_EIO, "%s: Get Blob answered %ld, not "
				"206, to x-ms-range %s", path, q.r.status,
				q.range);
	} else if (rc == LW_OK) {
		const char *d = q.r.resp.data ? q.r.resp.data : "";
		size_t n = q.r.resp.len;
		if (want >= 0 && (int64_t)n > want) {
			d += n - (size_t)want;
			n = (size_t)want;
		}
		rc = lw_buf_add(out, d, n);
		if (rc != LW_OK)
			lw_err_set(err, rc, "%s: more than %zu bytes to read",
				   path, out->max);
	} else if (q.r.status == 416) {
		rc = LW_OK;	/* past the end (or an empty blob): nothing */
	} else if (rc == LW_ETOOBIG) {
		lw_err_set(err, rc, "%s: more than %zu bytes to read", path,
			   out->max);
	} else {
		rc = explain(l, &q, "Get Blob", err);
	}
	azreq_free(&q);
	return rc;
}

/* --- stream --- */

static bool printable(const char *s)
{
	for (; *s; s++)
		if (*s < ' ' || *s > '~')
			return false;
	return true;
}

static int on_stream_chunk(void *ud, const char *data, size_t len)
{
	struct azreq *q = ud;
	int rc;
	if (!q->checked) {
		/* a resumed attempt must continue the same bytes */
		const char *h = q->r.hdrs.data ? q->r.hdrs.data : "";
		char et[160];
		q->checked = true;
		if (q->attempt_start > 0 && !strstr(h, " 206")) {
			lw_err_set(&q->stream_err, LW_EIO, "the blob changed "
				   "while it was being read");
			return LW_EIO;
		}
		/* it goes back out in If-Match: printable ASCII only, so a
		 * stray CR cannot start a header of its own */
		if (!q->etag[0] && lw_http_resp_header(&q->r, "ETag", et,
						       sizeof(et)) &&
		    printable(et))
			snprintf(q->etag, sizeof(q->etag), "%s", et);
	}
	rc = q->cb(q->cbud, data, len);
	q->delivered += (int64_t)len;
	if (rc != LW_OK)
		lw_err_set(&q->stream_err, rc, "stopped by the reader");
	return rc;
}

static int az_stream(struct lw_lake *l, const char *path, lw_chunk_cb cb,
		     void *ud, struct lw_err *err)
{
	struct azreq q;
	char *name = blob_name(l, path);
	int rc;

	azreq_init(&q, l, make_url(l, name, NULL));
	free(name);
	q.cb = cb;
	q.cbud = ud;
	q.r.on_chunk = on_stream_chunk;
	lw_err_clear(&q.stream_err);
	rc = lw_http_do(l->http, &q.r, deadline(l), err);
	if (rc == LW_ESTOP) {
		/* the reader had enough: not an error */
	} else if (rc != LW_OK && q.stream_err.code != LW_OK &&
		   q.r.status >= 200 && q.r.status < 300) {
		/* the reader's own error: it filled err already, unless
		 * this was our check of a resumed attempt */
		if (q.stream_err.code == LW_EIO && q.attempt_start > 0)
			lw_err_set(err, LW_EIO, "%s: %s", path,
				   q.stream_err.msg);
	} else if (q.r.status == 416 && rc != LW_OK) {
		rc = LW_OK;	/* empty blob */
	} else if (rc != LW_OK) {
		rc = explain(l, &q, "Get Blob", err);
	}
	azreq_free(&q);
	return rc;
}

/* --- prefetch_tails --- */

static int az_prefetch(struct lw_lake *l, const struct lw_entry *e, size_t n,
		       int64_t tail, struct lw_err *err)
{
	struct azreq *qs;
	int rc;

	tails_clear(l);
	if (!n || tail <= 0)
		return LW_OK;
	l->tails = lw_xcalloc(n, sizeof(*l->tails));
	qs = lw_xcalloc(n, sizeof(*qs));
	for (size_t i = 0; i < n; i++) {
		struct tail *t = &l->tails[i];
		char *name = blob_name(l, e[i].path);
		t->path = lw_xstrdup(e[i].path);
		t->size = e[i].size;
		t->off = e[i].size > tail ? e[i].size - tail : 0;
		lw_buf_init(&t->data, (size_t)tail + 1);
		t->rc = LW_OK;
		sizes_put(&l->sizes, name, e[i].size);
		azreq_init(&qs[i], l, make_url(l, name, NULL));
		free(name);
		qs[i].t = t;
		if (e[i].size <= 0)
			continue;	/* nothing to fetch */
		snprintf(qs[i].range, sizeof(qs[i].range), "bytes=%lld-%lld",
			 (long long)t->off, (long long)e[i].size - 1);
		qs[i].r.max_body = (size_t)tail + 1;
		lw_http_add(l->http, &qs[i].r);
	}
	rc = lw_http_run(l->http, deadline(l));
	for (size_t i = 0; i < n; i++) {
		struct tail *t = qs[i].t;
		if (e[i].size > 0) {
			t->rc = qs[i].r.rc;
			if (t->rc == LW_OK) {
				/* hand the body over without a copy */
				lw_buf_free(&t->data);
				t->data = qs[i].r.resp;
				lw_buf_init(&qs[i].r.resp, 1);
			}
		}
		azreq_free(&qs[i]);
	}
	free(qs);
	lw_sort(l->tails, n, sizeof(*l->tails), tail_cmp);
	l->ntails = n;
	if (rc != LW_OK)
		return lw_err_set(err, rc, "%s: reading %zu file tails took "
				  "longer than the poll timeout",
				  l->base.display, n);
	return LW_OK;
}

static void az_stats(struct lw_lake *l, int64_t *requests, int64_t *bytes_in)
{
	lw_http_stats(l->http, requests, bytes_in);
}

const struct lw_lake_kind lw_lake_azure = {
	.name = "azure",
	.open = az_open,
	.close = az_close,
	.list = az_list,
	.read = az_read,
	.stream = az_stream,
	.prefetch_tails = az_prefetch,
	.stats = az_stats,
};
