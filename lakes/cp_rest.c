/* cp_rest.c - one control-plane REST call: a bearer token on every attempt
 * (fetched afresh once when refused), the poll's deadline, retries and
 * Retry-After through lw_http, and errors explained with the service's
 * own code and message (AuthorizationFailed names the action, so the
 * missing role).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cp_int.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"

struct call {
	char *token;		/* owned: this call's bearer token */
};

static int prepare(void *ud, struct lw_http_req *r, int attempt,
		   struct lw_err *err)
{
	(void)attempt;
	(void)err;
	struct call *c = ud;
	lw_http_req_attempt_header(r, "Authorization: Bearer %s", c->token);
	return LW_OK;
}

/* What to grant, by service, when the answer is 403. */
static const char *role_hint(const struct lw_lake *l)
{
	switch (l->kind) {
	case CP_DATAFACTORY:
		return "give the identity the Data Factory Contributor role (or "
		       "Reader plus Microsoft.DataFactory/factories/"
		       "queryPipelineRuns/action) on the factory";
	case CP_SYNAPSE:
		return "give the identity the Synapse Monitoring Operator role "
		       "on the workspace";
	case CP_DATABRICKS:
		return "give the identity CAN VIEW on the job";
	case CP_STREAM:
		return "give the identity the Monitoring Reader role (or "
		       "Reader) on the resource";
	}
	return "";
}

/* The service's code and message from r's error body, or "" . */
static void service_says(const struct lw_http_req *r, char *buf, size_t n)
{
	char *code = NULL, *msg = NULL;
	buf[0] = '\0';
	if (r->resp.len && lw_cp_parse_error(r->resp.data, r->resp.len, &code,
					     &msg))
		lw_redact_fmt(buf, n, "%s%s%s", code ? code : "",
			      code && msg ? ": " : "", msg ? msg : "");
	free(code);
	free(msg);
}

/* What was asked, for messages: the path after the factory or resource
 * group, without its query ("/queryPipelineRuns"), then the lake. */
static void short_path(const struct lw_lake *l, const char *path, char *buf,
		       size_t n)
{
	size_t pre = strlen(l->prefix);
	const char *p = strncmp(path, l->prefix, pre) == 0 ? path + pre : path;
	size_t len = strcspn(p, "?");
	snprintf(buf, n, "%.*s of lake '%s'", (int)(len < 200 ? len : 200), p,
		 l->base.name);
}

static int explain(struct lw_lake *l, const struct lw_http_req *r,
		   const char *full, struct lw_err *err)
{
	char says[700], path[300];
	short_path(l, full, path, sizeof path);
	service_says(r, says, sizeof says);
	const char *sep = says[0] ? ": " : "";
	switch (r->status) {
	case 401:
		return lw_err_set(err, LW_EAUTH, "%s refused the token for %s "
				  "(401), also after fetching a fresh one%s%s; "
				  "check the credentials", l->service, path, sep,
				  says);
	case 403:
		return lw_err_set(err, LW_EPERM, "%s: no access to %s (403)%s%s; "
				  "%s", l->service, path, sep, says,
				  role_hint(l));
	case 404:
		return lw_err_set(err, LW_ENOTFOUND, "%s: %s not found (404)%s%s",
				  l->service, path, sep, says);
	default:
		break;
	}
	if (says[0] && r->status >= 400)
		return lw_err_set(err, r->rc ? r->rc : LW_EIO, "%s: %s (%ld): %s",
				  l->service, path, r->status, says);
	return lw_err_set(err, r->rc ? r->rc : LW_EIO, "%s",
			  r->err.msg[0] ? r->err.msg : "request failed");
}

/* One attempt with token tok. *again: the token was refused. */
static int call_once(struct lw_lake *l, const char *method, const char *path,
		     const char *json, char *tok, bool retry_401, char **body,
		     size_t *len, bool *again, struct lw_err *err)
{
	struct call c = {tok};
	struct lw_http_req r;
	lw_http_req_init(&r);
	r.method = method;
	r.url = lw_xasprintf("%s%s", l->base_url, path);
	r.max_body = CP_MAX_BODY;
	r.prepare = prepare;
	r.ud = &c;
	lw_http_req_header(&r, "Accept: application/json");
	if (json) {
		r.body = lw_xstrdup(json);
		r.body_len = strlen(json);
		lw_http_req_header(&r, "Content-Type: application/json");
	}
	if (!l->poll_deadline)
		l->poll_deadline = lw_http_now_ms() + l->poll_timeout_ms;
	lw_http_do(l->http, &r, l->poll_deadline, NULL);
	int rc = LW_OK;
	*again = false;
	if (r.rc == LW_OK) {
		*len = r.resp.len;
		*body = lw_buf_steal(&r.resp);
	} else if (r.status == 401 && retry_401) {
		*again = true;
	} else {
		rc = explain(l, &r, path, err);
	}
	lw_http_req_free(&r);
	return rc;
}

/* Caller frees *body. */
int lw_cp_call(struct lw_lake *l, const char *method, const char *path,
	       const char *json, char **body, size_t *len, struct lw_err *err)
{
	char pre[80];
	snprintf(pre, sizeof pre, "%s token", l->service);
	for (int attempt = 0; attempt < 2; attempt++) {
		char *tok = NULL;
		if (lw_cp_token(l, attempt > 0, &tok, err))
			return lw_err_prefix(err, "%s", pre);
		bool again;
		int rc = call_once(l, method, path, json, tok, attempt == 0 &&
				   (l->entra || l->token_file), body, len,
				   &again, err);
		lw_secret_free(tok);
		if (!again)
			return rc;
	}
	return lw_err_set(err, LW_EAUTH, "%s: the token was refused twice",
			  l->service);
}
