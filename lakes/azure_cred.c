/* azure_cred.c - the "azure" lake's "auth" config: which credential its
 * requests carry (Shared Key, SAS, Entra ID bearer token, or none), from
 * the config or, without "auth", from the environment as Azure tools
 * read it. Signing itself is in azure_auth.c and azure_req.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lakewatch/secret.h"
#include "lakewatch/util.h"
#include "azure_int.h"

#define STORAGE_SCOPE "https://storage.azure.com/.default"

/* The credential named by the environment, in the order Azure tools use
 * it; a secret read here goes to *conn or *secret (caller frees). */
static int method_from_env(struct lw_lake *l, const cJSON *cfg,
			   struct lw_cfgctx *cc, const char **method,
			   char **conn, char **secret)
{
	const char *cs = getenv("AZURE_STORAGE_CONNECTION_STRING");
	if (cs && *cs) {
		*conn = lw_xstrdup(cs);
		lw_secret_register(*conn);
		*method = "connection_string";
	} else if (getenv("AZURE_CLIENT_SECRET")) {
		*method = "client_secret";
	} else if (getenv("AZURE_STORAGE_SAS_TOKEN")) {
		*secret = lw_xstrdup(getenv("AZURE_STORAGE_SAS_TOKEN"));
		lw_secret_register(*secret);
		*method = "sas";
	} else if (getenv("AZURE_STORAGE_KEY")) {
		*secret = lw_xstrdup(getenv("AZURE_STORAGE_KEY"));
		lw_secret_register(*secret);
		*method = "account_key";
	} else {
		return lw_cfg_error(cc, cfg, "no credentials for lake "
			"'%s': set \"auth\", or "
			"AZURE_STORAGE_CONNECTION_STRING", l->base.name);
	}
	return LW_OK;
}

/* The one credential the "auth" object a names. */
static int method_from_cfg(const cJSON *a, struct lw_cfgctx *cc,
			   const char **method)
{
	static const char *const keys[] = {
		"connection_string", "account_key", "sas", "client_secret",
		"managed_identity", "anonymous", "tenant_id", "client_id",
		"authority_host", "identity_endpoint", NULL};
	static const char *const methods[] = {
		"connection_string", "account_key", "sas", "client_secret",
		"managed_identity", "anonymous"};
	int nm = 0;

	if (!cJSON_IsObject(a))
		return lw_cfg_error(cc, a, "\"auth\" must be an object "
			"such as {\"account_key\": {\"env\": NAME}}");
	if (lw_cfg_keys(cc, a, "auth", keys))
		return LW_ECONFIG;
	for (size_t i = 0; i < sizeof(methods) / sizeof(*methods); i++)
		if (cJSON_GetObjectItemCaseSensitive(a, methods[i])) {
			*method = methods[i];
			nm++;
		}
	if (nm != 1)
		return lw_cfg_error(cc, a, "\"auth\" needs exactly one "
			"of connection_string, account_key, sas, "
			"client_secret, managed_identity, anonymous");
	return LW_OK;
}

/* conn (NULL: from "auth") gives the account, key or SAS, and the
 * endpoint. Takes conn. */
static int auth_conn_string(struct lw_lake *l, const cJSON *a,
			    struct lw_cfgctx *cc, char *conn,
			    char **conn_endpoint)
{
	struct lw_az_conn c;
	struct lw_err err;

	lw_err_clear(&err);
	if (!conn && lw_cfg_secret(cc, a, "connection_string", true, &conn))
		return LW_ECONFIG;
	if (lw_az_conn_parse(conn, &c, &err) != LW_OK) {
		lw_secret_free(conn);
		return lw_cfg_error(cc, a, "%s", err.msg);
	}
	lw_secret_free(conn);
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

/* Takes secret (NULL: from "auth"). */
static int auth_account_key(struct lw_lake *l, const cJSON *a,
			    struct lw_cfgctx *cc, char *secret)
{
	unsigned char tmp[256];
	if (!secret && lw_cfg_secret(cc, a, "account_key", true, &secret))
		return LW_ECONFIG;
	lw_az_strip(secret, " \t\r\n");
	int kl = lw_az_b64_decode(secret, tmp, sizeof(tmp));
	lw_secret_wipe(tmp, sizeof(tmp));	/* decoded: the key itself */
	if (kl <= 0) {
		lw_secret_free(secret);
		return lw_cfg_error(cc, a, "\"account_key\" is not "
			"valid base64 (copy it again from the "
			"portal's Access keys)");
	}
	l->auth = A_KEY;
	l->key = secret;
	return LW_OK;
}

/* Takes secret (NULL: from "auth"). */
static int auth_sas(struct lw_lake *l, const cJSON *a, struct lw_cfgctx *cc,
		    char *secret)
{
	struct lw_err err;

	lw_err_clear(&err);
	if (!secret && lw_cfg_secret(cc, a, "sas", true, &secret))
		return LW_ECONFIG;
	if (lw_az_sas_clean(secret, &l->sas, &err) != LW_OK) {
		lw_secret_free(secret);
		return lw_cfg_error(cc, a, "\"sas\": %s", err.msg);
	}
	lw_secret_free(secret);
	l->auth = A_SAS;
	return LW_OK;
}

static int auth_anonymous(struct lw_lake *l, const cJSON *a,
			  struct lw_cfgctx *cc)
{
	bool on = false;
	if (lw_cfg_bool(cc, a, "anonymous", true, &on))
		return LW_ECONFIG;
	if (!on)
		return lw_cfg_error(cc, a, "\"anonymous\" can only be true");
	l->auth = A_ANON;
	return LW_OK;
}

/* Entra ID: client credentials or managed identity (method). a may be
 * NULL (the environment's AZURE_CLIENT_SECRET). Takes secret. */
static int auth_entra(struct lw_lake *l, const cJSON *cfg, const cJSON *a,
		      struct lw_cfgctx *cc, const char *method, char *secret,
		      const char *ca_bundle)
{
	struct lw_entra_opts eo = {0};
	const char *tenant = NULL, *client = NULL, *authority = NULL,
		   *ie = NULL;
	bool mi = !strcmp(method, "managed_identity"), insecure = false;
	struct lw_err err;

	lw_err_clear(&err);
	if (a && (lw_cfg_str(cc, a, "tenant_id", false, &tenant) ||
		  lw_cfg_str(cc, a, "client_id", false, &client) ||
		  lw_cfg_str(cc, a, "authority_host", false, &authority) ||
		  lw_cfg_str(cc, a, "identity_endpoint", false, &ie)))
		return LW_ECONFIG;
	char aw[400], iw[400];
	snprintf(aw, sizeof(aw), "%s: \"authority_host\" (the client secret "
		 "goes there)", l->base.name);
	snprintf(iw, sizeof(iw), "%s: \"identity_endpoint\" (tokens come "
		 "from there)", l->base.name);
	if (lw_cfg_bool(cc, cfg, "allow_insecure_http", false, &insecure) ||
	    (!mi && authority && lw_http_cfg_secure(cc,
		cJSON_GetObjectItemCaseSensitive(a, "authority_host"), aw,
		authority, insecure)) ||
	    (ie && lw_http_cfg_secure(cc,
		cJSON_GetObjectItemCaseSensitive(a, "identity_endpoint"), iw,
		ie, insecure)))
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
	lw_secret_free(secret);
	if (!l->entra)
		return lw_cfg_error(cc, a ? a : cfg, "%s", err.msg);
	l->auth = A_BEARER;
	return LW_OK;
}

/* Read "auth" into l (account, key, sas, entra: owned by l); cfg errors
 * to cc; *conn_endpoint (caller frees) from a connection string. */
int lw_az_open_auth(struct lw_lake *l, const cJSON *cfg,
		    struct lw_cfgctx *cc, const char *ca_bundle,
		    char **conn_endpoint)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(cfg, "auth");
	const char *method = NULL;
	char *conn = NULL, *secret = NULL;
	int rc;

	if (a)
		rc = method_from_cfg(a, cc, &method);
	else
		rc = method_from_env(l, cfg, cc, &method, &conn, &secret);
	if (rc != LW_OK)
		return rc;

	if (!strcmp(method, "connection_string"))
		return auth_conn_string(l, a, cc, conn, conn_endpoint);
	if (!strcmp(method, "account_key"))
		return auth_account_key(l, a, cc, secret);
	if (!strcmp(method, "sas"))
		return auth_sas(l, a, cc, secret);
	if (!strcmp(method, "anonymous"))
		return auth_anonymous(l, a, cc);
	return auth_entra(l, cfg, a, cc, method, secret, ca_bundle);
}
