/* entra.h - Microsoft Entra ID access tokens for the remote lake kinds.
 *
 * Two ways, with the names Azure users know:
 *  - a service principal's client credentials (AZURE_TENANT_ID,
 *    AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, or given in the config), POSTed
 *    to {authority}/{tenant}/oauth2/v2.0/token; the authority host is
 *    https://login.microsoftonline.com unless AZURE_AUTHORITY_HOST or the
 *    config says otherwise (sovereign clouds, tests);
 *  - a managed identity: App Service / Container Apps style when
 *    IDENTITY_ENDPOINT and IDENTITY_HEADER are set, else the instance
 *    metadata service (IMDS) at http://169.254.169.254, whose address
 *    AZURE_POD_IDENTITY_AUTHORITY_HOST or the config can override.
 *
 * A token is cached until shortly before it expires. One lw_entra may be
 * shared by threads: lw_entra_token() is thread-safe. Every token and
 * secret is registered with secret.h.
 */
#ifndef LAKEWATCH_ENTRA_H
#define LAKEWATCH_ENTRA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lakewatch/err.h"

struct lw_entra;

struct lw_entra_opts {
	/* "https://storage.azure.com/.default",
	 * "https://analysis.windows.net/powerbi/api/.default". Required. */
	const char *scope;
	bool managed_identity;	/* else client credentials */
	/* Client credentials; NULL = from the environment. */
	const char *tenant_id;
	const char *client_id;	/* also: a user-assigned managed identity */
	const char *client_secret;
	const char *authority_host;	/* NULL = $AZURE_AUTHORITY_HOST or
					 * https://login.microsoftonline.com */
	/* Managed identity endpoint; NULL = from the environment. A URL
	 * given here is used with the IMDS protocol (Metadata: true). */
	const char *identity_endpoint;
	const char *ca_bundle;		/* may be NULL */
	int64_t timeout_ms;		/* 0 = 30 s */
	int retries;			/* -1 = 4 */
};

/* Check the options and the environment (no network). On failure returns
 * NULL and err says what is missing. Caller owns it (lw_entra_free). */
struct lw_entra *lw_entra_new(const struct lw_entra_opts *o,
			      struct lw_err *err);
void lw_entra_free(struct lw_entra *e);

/* A valid access token (from the cache, or fetched). *token is the
 * caller's (free it). */
int lw_entra_token(struct lw_entra *e, char **token, struct lw_err *err);
/* A token endpoint's JSON answer: access_token (refused when it holds
 * spaces or control characters, since it goes into a header), and its
 * lifetime in seconds from expires_in or expires_on (now = epoch
 * seconds): 300 when the answer has none, at most a day. *token is the caller's; it is registered as a secret. */
int lw_entra_parse_token(const char *json, size_t len, int64_t now,
			 char **token, int64_t *life, struct lw_err *err);
/* Forget the cached token: the next lw_entra_token() fetches anew. */
void lw_entra_invalidate(struct lw_entra *e);
/* Token requests sent so far (tests check the cache with it). */
int64_t lw_entra_fetches(struct lw_entra *e);
/* Whether the token endpoint is taken as down (see lw_http_down): msg
 * gets "the token endpoint is unreachable: 6 connection failures in a row
 * since 03:12:05". */
bool lw_entra_down(struct lw_entra *e, char *msg, size_t n);
/* A new poll: try the token endpoint again. */
void lw_entra_revive(struct lw_entra *e);
/* Where tokens come from, for messages ("client credentials of app X in
 * tenant T", "managed identity"). Owned by e. */
const char *lw_entra_describe(const struct lw_entra *e);

/* A token given in a file (method "token", "token_file"): the token
 * itself, or the JSON `az account get-access-token` prints (its
 * accessToken). *out is the caller's (lw_secret_free), registered as a
 * secret; LW_EAUTH when the file holds no token. */
int lw_entra_read_token_file(const char *path, char **out,
			     struct lw_err *err);

#endif
