/* entra.c - Entra ID tokens: client credentials and managed identity,
 * cached until shortly before they expire. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cJSON.h>

#include "lakewatch/entra.h"
#include "lakewatch/http.h"
#include "lakewatch/secret.h"
#include "lakewatch/log.h"
#include "lakewatch/util.h"

#define DEFAULT_AUTHORITY "https://login.microsoftonline.com"
#define DEFAULT_IMDS "http://169.254.169.254"
#define IMDS_PATH "/metadata/identity/oauth2/token"
#define TOKEN_MAX (256 * LW_BUF_1K)

enum mode { CLIENT_SECRET, MI_APPSERVICE, MI_IMDS };

struct lw_entra {
	pthread_mutex_t lock;
	enum mode mode;
	char *scope, *resource;
	char *tenant, *client_id, *secret, *authority;
	char *endpoint, *identity_header;
	char *describe;
	struct lw_http *http;
	char *token;		/* cached */
	int64_t refresh_ms;	/* monotonic: fetch again from here on */
	int64_t fetches;
};

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

static char *strip_slash(const char *s)
{
	char *d = lw_xstrdup(s);
	size_t n = strlen(d);
	while (n && d[n - 1] == '/')
		d[--n] = '\0';
	return d;
}

/* Owner: caller (lw_entra_free). */
struct lw_entra *lw_entra_new(const struct lw_entra_opts *o,
			      struct lw_err *err)
{
	struct lw_entra *e;
	struct lw_http_opts ho = {0};
	size_t sl;

	if (!o->scope || !*o->scope) {
		lw_err_set(err, LW_ECONFIG, "Entra ID: no token scope given");
		return NULL;
	}
	e = lw_xcalloc(1, sizeof(*e));
	pthread_mutex_init(&e->lock, NULL);
	e->scope = lw_xstrdup(o->scope);
	/* managed identity speaks v1 "resource", not v2 "scope" */
	sl = strlen(o->scope);
	if (sl > 9 && strcmp(o->scope + sl - 9, "/.default") == 0)
		e->resource = lw_xstrndup(o->scope, sl - 9);
	else
		e->resource = lw_xstrdup(o->scope);

	if (!o->managed_identity) {
		const char *t = o->tenant_id ? o->tenant_id
					     : env("AZURE_TENANT_ID");
		const char *c = o->client_id ? o->client_id
					     : env("AZURE_CLIENT_ID");
		const char *s = o->client_secret ? o->client_secret
						 : env("AZURE_CLIENT_SECRET");
		const char *a = o->authority_host ? o->authority_host
			: env("AZURE_AUTHORITY_HOST");
		const char *missing = !t ? "tenant id (AZURE_TENANT_ID)"
			: !c ? "client id (AZURE_CLIENT_ID)"
			: !s ? "client secret (AZURE_CLIENT_SECRET)" : NULL;
		if (missing) {
			lw_err_set(err, LW_ECONFIG, "Entra ID client "
				   "credentials: no %s", missing);
			lw_entra_free(e);
			return NULL;
		}
		e->mode = CLIENT_SECRET;
		e->tenant = lw_xstrdup(t);
		e->client_id = lw_xstrdup(c);
		e->secret = lw_xstrdup(s);
		lw_secret_register(e->secret);
		e->authority = strip_slash(a ? a : DEFAULT_AUTHORITY);
		e->describe = lw_xasprintf("client credentials of app %s in "
					   "tenant %s", c, t);
	} else {
		const char *ie = env("IDENTITY_ENDPOINT");
		const char *ih = env("IDENTITY_HEADER");
		e->client_id = lw_xstrdup(o->client_id ? o->client_id
					  : env("AZURE_CLIENT_ID"));
		if (o->identity_endpoint) {
			e->mode = MI_IMDS;
			e->endpoint = lw_xstrdup(o->identity_endpoint);
		} else if (ie && ih) {
			e->mode = MI_APPSERVICE;
			e->endpoint = lw_xstrdup(ie);
			e->identity_header = lw_xstrdup(ih);
			lw_secret_register(ih);
		} else {
			const char *host =
				env("AZURE_POD_IDENTITY_AUTHORITY_HOST");
			char *h = strip_slash(host ? host : DEFAULT_IMDS);
			e->mode = MI_IMDS;
			e->endpoint = lw_xasprintf("%s%s", h, IMDS_PATH);
			free(h);
		}
		e->describe = e->client_id
			? lw_xasprintf("managed identity %s", e->client_id)
			: lw_xstrdup("managed identity");
	}
	ho.ca_bundle = o->ca_bundle;
	ho.timeout_ms = o->timeout_ms;
	ho.retries = o->retries;
	ho.parallel = 1;
	e->http = lw_http_new(&ho);
	return e;
}

bool lw_entra_down(struct lw_entra *e, char *msg, size_t n)
{
	char why[160];
	bool down;
	if (!e)
		return false;
	pthread_mutex_lock(&e->lock);
	down = lw_http_down(e->http, why, sizeof(why));
	pthread_mutex_unlock(&e->lock);
	if (down && msg && n)
		snprintf(msg, n, "the token endpoint is unreachable: %s", why);
	return down;
}

void lw_entra_revive(struct lw_entra *e)
{
	if (!e)
		return;
	pthread_mutex_lock(&e->lock);
	lw_http_revive(e->http);
	pthread_mutex_unlock(&e->lock);
}

void lw_entra_free(struct lw_entra *e)
{
	if (!e)
		return;
	lw_http_free(e->http);
	free(e->scope);
	free(e->resource);
	free(e->tenant);
	free(e->client_id);
	lw_secret_free(e->secret);
	free(e->authority);
	free(e->endpoint);
	lw_secret_free(e->identity_header);
	free(e->describe);
	lw_secret_free(e->token);
	pthread_mutex_destroy(&e->lock);
	free(e);
}

const char *lw_entra_describe(const struct lw_entra *e)
{
	return e->describe;
}

int64_t lw_entra_fetches(struct lw_entra *e)
{
	int64_t n;
	pthread_mutex_lock(&e->lock);
	n = e->fetches;
	pthread_mutex_unlock(&e->lock);
	return n;
}

/* A JSON number or a numeric string (IMDS sends "3599"); -1 otherwise.
 * Out of int64 range is -1 too: converting it would be undefined. */
static int64_t json_int(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (cJSON_IsNumber(v))
		return v->valuedouble >= 0 && v->valuedouble <= 9.2e18 ?
		       (int64_t)v->valuedouble : -1;
	if (cJSON_IsString(v) && v->valuestring[0]) {
		char *end;
		long long n = strtoll(v->valuestring, &end, 10);
		if (!*end)
			return n;
	}
	return -1;
}

/* A token goes into an Authorization header: anything but printable
 * ASCII (CR/LF above all) would let the answer forge headers. */
static bool token_ok(const char *t)
{
	for (; *t; t++)
		if (*t <= ' ' || *t > '~')
			return false;
	return true;
}

static void build_request(struct lw_entra *e, struct lw_http_req *r)
{
	char *res = lw_http_escape(e->resource, false);
	if (e->mode == CLIENT_SECRET) {
		char *t = lw_http_escape(e->tenant, false);
		char *c = lw_http_escape(e->client_id, false);
		char *s = lw_http_escape(e->secret, false);
		char *sc = lw_http_escape(e->scope, false);
		r->method = "POST";
		r->url = lw_xasprintf("%s/%s/oauth2/v2.0/token",
				      e->authority, t);
		r->body = lw_xasprintf("grant_type=client_credentials"
				       "&client_id=%s&client_secret=%s"
				       "&scope=%s", c, s, sc);
		r->body_len = strlen(r->body);
		lw_http_req_header(r, "Content-Type: "
				   "application/x-www-form-urlencoded");
		free(t);
		free(c);
		lw_secret_free(s);	/* the escaped client secret */
		free(sc);
	} else {
		const char *ver = e->mode == MI_APPSERVICE ? "2019-08-01"
							   : "2018-02-01";
		char *cid = e->client_id ? lw_http_escape(e->client_id, false)
					 : NULL;
		r->url = lw_xasprintf("%s%sapi-version=%s&resource=%s%s%s",
				      e->endpoint,
				      strchr(e->endpoint, '?') ? "&" : "?",
				      ver, res, cid ? "&client_id=" : "",
				      cid ? cid : "");
		if (e->mode == MI_APPSERVICE)
			lw_http_req_header(r, "X-IDENTITY-HEADER: %s",
					   e->identity_header);
		else
			lw_http_req_header(r, "Metadata: true");
		free(cid);
	}
	free(res);
	r->max_body = TOKEN_MAX;
}

/* The answer's error, for a person: AADSTS codes name the problem. */
static void token_error(struct lw_entra *e, struct lw_http_req *r,
			struct lw_err *err)
{
	cJSON *j = cJSON_ParseWithLength(r->resp.data ? r->resp.data : "",
					 r->resp.len);
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(j, "error");
	const cJSON *desc = cJSON_GetObjectItemCaseSensitive(j,
						"error_description");
	char d[300] = "";
	if (cJSON_IsObject(code)) {	/* App Service: {"error":{"code",..}} */
		desc = cJSON_GetObjectItemCaseSensitive(code, "message");
		code = cJSON_GetObjectItemCaseSensitive(code, "code");
	}
	if (cJSON_IsString(desc)) {
		/* redact the whole description, then cut it */
		lw_redact_fmt(d, sizeof(d), "%s", desc->valuestring);
		d[strcspn(d, "\r\n")] = '\0';
	}
	if (cJSON_IsString(code))
		lw_err_set(err, r->status == 401 || r->status == 400 ||
			   r->status == 403 ? LW_EAUTH : r->rc,
			   "Entra ID token (%s) refused: %s%s%s", e->describe,
			   code->valuestring, d[0] ? ": " : "", d);
	else
		lw_err_set(err, r->rc, "Entra ID token (%s): %s",
			   e->describe, r->err.msg);
	cJSON_Delete(j);
}

/* See entra.h. *token is the caller's. */
int lw_entra_parse_token(const char *json, size_t len, int64_t now,
			 char **token, int64_t *life, struct lw_err *err)
{
	cJSON *j = cJSON_ParseWithLength(json ? json : "", len);
	const cJSON *tok = cJSON_GetObjectItemCaseSensitive(j, "access_token");
	*token = NULL;
	if (!cJSON_IsString(tok) || !tok->valuestring[0]) {
		cJSON_Delete(j);
		return lw_err_set(err, LW_EPARSE, "the answer has no "
				  "access_token");
	}
	lw_secret_register(tok->valuestring);
	if (!token_ok(tok->valuestring)) {
		lw_secret_wipe(tok->valuestring, strlen(tok->valuestring));
		cJSON_Delete(j);
		return lw_err_set(err, LW_EPARSE, "the access_token has spaces "
				  "or control characters");
	}
	int64_t l = json_int(j, "expires_in");
	if (l < 0) {
		int64_t on = json_int(j, "expires_on");
		if (on > 0)
			l = on - now;
	}
	if (l <= 0)
		l = 300;	/* unknown: keep it briefly */
	if (l > 86400)		/* tokens live hours; and no overflow below */
		l = 86400;
	*life = l;
	*token = lw_xstrdup(tok->valuestring);
	lw_secret_wipe(tok->valuestring, strlen(tok->valuestring));
	cJSON_Delete(j);
	return LW_OK;
}

static int fetch(struct lw_entra *e, struct lw_err *err)
{
	struct lw_http_req r;
	int64_t life = -1, now_ms = lw_http_now_ms();
	char *tok = NULL;
	int rc;

	lw_http_req_init(&r);
	build_request(e, &r);
	e->fetches++;
	lw_log(LW_LOG_INFO, "Entra ID token (%s): fetching", e->describe);
	rc = lw_http_do(e->http, &r, 0, err);
	if (rc != LW_OK) {
		token_error(e, &r, err);
		rc = err ? err->code : rc;
		lw_log(LW_LOG_ERROR, "%s", err ? err->msg : "token refused");
		lw_http_req_free(&r);
		return rc ? rc : LW_EAUTH;
	}
	rc = lw_entra_parse_token(r.resp.data, r.resp.len, (int64_t)time(NULL),
				  &tok, &life, err);
	lw_secret_wipe(r.resp.data, r.resp.len);	/* the token answer */
	lw_http_req_free(&r);
	if (rc != LW_OK)
		return lw_err_prefix(err, "Entra ID token (%s)", e->describe);
	lw_secret_free(e->token);
	e->token = tok;
	/* refresh 5 minutes early, or halfway for short-lived tokens */
	e->refresh_ms = now_ms + (life - (life / 2 < 300 ? life / 2 : 300))
			* 1000;
	lw_log(LW_LOG_INFO, "Entra ID token (%s): got one, valid for %lld s",
	       e->describe, (long long)life);
	return LW_OK;
}

/* *token: owned by the caller. */
int lw_entra_token(struct lw_entra *e, char **token, struct lw_err *err)
{
	int rc = LW_OK;
	*token = NULL;
	pthread_mutex_lock(&e->lock);
	if (!e->token || lw_http_now_ms() >= e->refresh_ms)
		rc = fetch(e, err);
	if (rc == LW_OK)
		*token = lw_xstrdup(e->token);
	pthread_mutex_unlock(&e->lock);
	return rc;
}

/* Forget the cached token, so the next lw_entra_token() fetches a fresh
 * one (a service answered 401 to the cached one). */
void lw_entra_invalidate(struct lw_entra *e)
{
	pthread_mutex_lock(&e->lock);
	e->refresh_ms = 0;
	pthread_mutex_unlock(&e->lock);
}

/* See entra.h. The text read is wiped before it is freed. */
int lw_entra_read_token_file(const char *path, char **out,
			     struct lw_err *err)
{
	char *text = NULL;
	size_t len;
	if (lw_read_file(path, 256 * 1024, &text, &len, err))
		return err->code;
	cJSON *j = cJSON_ParseWithLength(text, len);
	const cJSON *at = cJSON_GetObjectItemCaseSensitive(j, "accessToken");
	if (cJSON_IsString(at)) {
		*out = lw_xstrdup(at->valuestring);
		lw_secret_wipe(at->valuestring, strlen(at->valuestring));
	} else {
		while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' ||
			       text[len - 1] == ' '))
			text[--len] = '\0';
		*out = lw_xstrdup(text);
	}
	cJSON_Delete(j);
	lw_secret_wipe(text, len);
	free(text);
	lw_secret_register(*out);
	if (!**out)
		return lw_err_set(err, LW_EAUTH, "%s: the token file is empty",
				  path);
	return LW_OK;
}
