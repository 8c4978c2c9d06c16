/* cp_auth.c - Entra ID tokens for the control-plane kinds: a service
 * principal or managed identity (lw_entra) for the kind's scope, or a
 * given token (a Databricks personal access token, an `az account
 * get-access-token` file) re-read on 401. The same "auth" object as lake
 * kind "powerbi". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cp_int.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"

static int auth_urls(const cJSON *auth, const char *what, const char *authority,
		     const char *ident, bool insecure, struct lw_cfgctx *cc)
{
	char aw[400], iw[400];
	snprintf(aw, sizeof aw, "%s: \"authority_host\" (the client secret "
		 "goes there)", what);
	snprintf(iw, sizeof iw, "%s: \"identity_endpoint\" (tokens come "
		 "from there)", what);
	if (authority && lw_http_cfg_secure(cc, cJSON_GetObjectItemCaseSensitive(
			auth, "authority_host"), aw, authority, insecure))
		return LW_ECONFIG;
	if (ident && lw_http_cfg_secure(cc, cJSON_GetObjectItemCaseSensitive(
			auth, "identity_endpoint"), iw, ident, insecure))
		return LW_ECONFIG;
	return LW_OK;
}

static int given_token(struct lw_lake *l, const cJSON *auth, const char *what,
		       struct lw_cfgctx *cc)
{
	if (lw_cfg_secret(cc, auth, "token", false, &l->token) ||
	    lw_cfg_path(cc, auth, "token_file", false, &l->token_file))
		return LW_ECONFIG;
	if (!l->token == !l->token_file)
		return lw_cfg_error(cc, auth, "%s: method \"token\" needs "
				    "exactly one of \"token\" or \"token_file\"",
				    what);
	return LW_OK;
}

int lw_cp_open_auth(struct lw_lake *l, const cJSON *auth, const char *what,
		    const char *scope, bool insecure, struct lw_cfgctx *cc)
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
	if (auth_urls(auth, what, authority, ident, insecure, cc))
		return LW_ECONFIG;
	if (strcmp(method, "token") == 0)
		return given_token(l, auth, what, cc);
	bool mi = strcmp(method, "managed_identity") == 0;
	if (!mi && strcmp(method, "client_secret") != 0)
		return lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(auth,
				    "method"), "%s: unknown method \"%s\" (known: "
				    "client_secret, token, managed_identity)",
				    what, method);
	if (auth && lw_cfg_secret(cc, auth, "client_secret", false, &secret))
		return LW_ECONFIG;
	struct lw_entra_opts eo = {.scope = scope, .managed_identity = mi,
		.tenant_id = tenant, .client_id = client,
		.client_secret = secret, .authority_host = authority,
		.identity_endpoint = ident, .timeout_ms = l->timeout_ms,
		.retries = -1};
	struct lw_err err;
	l->entra = lw_entra_new(&eo, &err);
	lw_secret_free(secret);
	if (!l->entra)
		return lw_cfg_error(cc, auth, "%s: %s", what, err.msg);
	return LW_OK;
}

int lw_cp_token(struct lw_lake *l, bool fresh, char **tok, struct lw_err *err)
{
	if (l->entra) {
		if (fresh)
			lw_entra_invalidate(l->entra);
		return lw_entra_token(l->entra, tok, err);
	}
	if (l->token_file && (fresh || !l->token)) {
		lw_secret_free(l->token);
		l->token = NULL;
		if (lw_entra_read_token_file(l->token_file, &l->token, err))
			return err->code;
	}
	*tok = lw_xstrdup(l->token);
	return LW_OK;
}
